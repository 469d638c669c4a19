//! The joins: the only place where two domain crates meet. Each function takes one
//! crate's output and turns it into another crate's input.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use crate::quarter::{
    ALLOCATION_COMPLAINT, Activity, Adjustment, Basis, CouncilDecision, Diagnostic, Grant,
    Household, LineSpec, PetitionRecord, Policy, Serves, ratio,
};
use crate::report::{
    AdjustmentReport, FairnessReport, GroupLine, LorenzPoint, PetitionSummary, PointsSummary,
};
use crate::{Error, Result};
use allocation_pools::{self as pools, Fen};
use governance_metrics as metrics;
use needs_matrix as needs;
use petition_triage as triage;
use points_bank as points;

/// A scored household: its record, score and tier.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scored<'a> {
    pub(crate) household: &'a Household,
    pub(crate) score: Decimal,
    pub(crate) tier: &'a str,
    /// Its rank in the needs ranking (1 = most need).
    pub(crate) rank: u32,
}

/// Pairs every score with its household (scores are in input order, skipping
/// households that could not be scored).
pub(crate) fn align<'a>(scores: &'a needs::Scores, households: &'a [Household]) -> Vec<Scored<'a>> {
    let mut out = Vec::with_capacity(scores.len());
    let mut rest = households.iter();
    for (i, id) in scores.ids().iter().enumerate() {
        if let Some(household) = rest.by_ref().find(|h| h.id == id.as_str()) {
            out.push(Scored {
                household,
                score: scores.score_at(i).unwrap_or_default(),
                tier: scores.tier_at(i).unwrap_or_default(),
                rank: scores.rank_at(i).unwrap_or(u32::MAX),
            });
        }
    }
    out
}

/// The mean of some decimals (0 for none), to four decimals.
pub(crate) fn mean(values: impl Iterator<Item = Decimal>) -> Decimal {
    let (sum, n) = values.fold((Decimal::ZERO, 0u64), |(sum, n), v| {
        (sum.checked_add(v).unwrap_or(Decimal::MAX), n + 1)
    });
    if n == 0 {
        return Decimal::ZERO;
    }
    sum.checked_div(Decimal::from(n))
        .unwrap_or_default()
        .round_dp(4)
}

/// Needs scores → allocation demands: each household's weight is its need score
/// ([`Basis::Need`]) or 1 ([`Basis::Equal`]) when its score reaches `threshold`,
/// and 0 below it; no household receives more than `cap`.
///
/// ```
/// use guided_community::{joins, needs, Basis};
/// use rust_decimal::Decimal;
///
/// let units = [
///     needs::Unit::new("h1", vec![Some(84.0), Some(1.0), Some(0.0), Some(2.0), Some(0.0), Some(0.9), Some(0.0), Some(3.0), Some(1.0)]),
///     needs::Unit::new("h2", vec![Some(35.0), Some(0.0), Some(0.0), Some(0.0), Some(0.0), Some(3.0), Some(12.0), Some(0.0), Some(0.0)]),
/// ];
/// let scores = needs::score(&needs::Matrix::article_default(), &units, &needs::ScoreOptions::default())?;
/// let demands = joins::demands_from_needs(&scores, Basis::Need, Decimal::from(40), None);
/// assert_eq!(demands[0].weight, Decimal::from(69)); // h1 scores 69
/// assert!(demands[1].weight.is_zero());              // h2 is below 40
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn demands_from_needs(
    scores: &needs::Scores,
    basis: Basis,
    threshold: Decimal,
    cap: Option<Fen>,
) -> Vec<pools::Demand> {
    (0..scores.len())
        .map(|i| {
            let score = scores.score_at(i).unwrap_or_default();
            let weight = if score < threshold || score.is_zero() {
                Decimal::ZERO
            } else {
                match basis {
                    Basis::Need => score,
                    Basis::Equal => Decimal::ONE,
                }
            };
            let demand = pools::Demand::new(weight);
            match cap {
                Some(cap) => demand.with_cap(cap.get()),
                None => demand,
            }
        })
        .collect()
}

/// The heads a service line serves, counted from the households.
pub(crate) fn heads(serves: &Serves, households: &[Household], matrix: &needs::Matrix) -> u64 {
    match serves {
        Serves::Residents => households.iter().map(|h| u64::from(h.residents)).sum(),
        Serves::Aged60Plus => households.iter().map(|h| u64::from(h.aged_60_plus)).sum(),
        Serves::Indicator { id, at_least } => {
            let Some(column) = matrix.indicators().position(|i| i.id == *id) else {
                return 0;
            };
            households
                .iter()
                .filter(|h| {
                    h.indicators
                        .get(column)
                        .copied()
                        .flatten()
                        .is_some_and(|v| v >= *at_least)
                })
                .count() as u64
        }
    }
}

/// Council resolutions → pool adjustments: the earmarks of decisions in effect by
/// `first_day`, per line, a report on every decision (applied or why not), and
/// what is left of the dynamic pool for household grants.
pub(crate) fn earmarks(
    council: &[CouncilDecision],
    lines: &[LineSpec],
    dynamic: Fen,
    first_day: NaiveDate,
    diagnostics: &mut Vec<Diagnostic>,
) -> (BTreeMap<String, Fen>, Vec<AdjustmentReport>, Fen) {
    let mut earmarks: BTreeMap<String, Fen> = BTreeMap::new();
    let mut left = dynamic;
    let mut reports = Vec::with_capacity(council.len());
    for decision in council {
        let Adjustment::Earmark { line, amount } = &decision.adjustment;
        let outcome = match &decision.item.step {
            deliberation::Step::InEffect { since } if *since <= first_day => {
                if !lines.iter().any(|l| l.id == *line) {
                    Err(format!("no service line `{line}`"))
                } else if let Some(rest) = left.checked_sub(*amount) {
                    left = rest;
                    let entry = earmarks.entry(line.clone()).or_insert(Fen::ZERO);
                    *entry = entry.checked_add(*amount).unwrap_or(*entry);
                    Ok(())
                } else {
                    Err(format!(
                        "an earmark of {amount} exceeds the {left} left in the dynamic pool"
                    ))
                }
            }
            deliberation::Step::InEffect { since } => Err(format!(
                "in effect only from {since}, after the quarter began"
            )),
            step => Err(format!("not in effect: the item is at step `{step}`")),
        };
        let (applied, note) = match outcome {
            Ok(()) => (true, None),
            Err(why) => {
                diagnostics.push(Diagnostic {
                    kind: "decision".to_owned(),
                    id: decision.item.id.clone(),
                    message: why.clone(),
                });
                (false, Some(why))
            }
        };
        reports.push(AdjustmentReport {
            item: decision.item.id.clone(),
            title: decision.item.title.clone(),
            step: decision.item.step.name().to_owned(),
            line: line.clone(),
            amount: *amount,
            applied,
            note,
        });
    }
    (earmarks, reports, left)
}

/// Petition hot spots → suggested agenda items for the residents' council, each a
/// new item in the propose step (提议) dated `on`; at most `max`.
///
/// ```
/// use guided_community::{joins, triage};
/// use chrono::NaiveDate;
///
/// let spot = triage::HotSpot {
///     category: "elevator".into(),
///     building: "B03".into(),
///     petitions: vec!["p1".into(), "p2".into(), "p3".into()],
///     agenda_item: "3 petitions about elevator in building B03 in the last 30 days: agree a lasting fix".into(),
/// };
/// let day = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
/// let items = joins::agenda_from_hot_spots(&[spot], day, 5);
/// assert_eq!(items[0].id, "hot-spot-elevator-B03");
/// assert_eq!(items[0].step.name(), "propose");
/// ```
pub fn agenda_from_hot_spots(
    spots: &[triage::HotSpot],
    on: NaiveDate,
    max: usize,
) -> Vec<deliberation::Item> {
    spots
        .iter()
        .take(max)
        .map(|spot| {
            deliberation::propose(
                format!("hot-spot-{}-{}", spot.category, spot.building),
                spot.agenda_item.clone(),
                on,
            )
        })
        .collect()
}

/// Petitions triaged and opened, with what the report needs from them.
#[derive(Debug)]
pub(crate) struct Triaged {
    pub(crate) petitions: Vec<triage::Petition>,
    pub(crate) summary: PetitionSummary,
    pub(crate) allocation_complaints: u64,
    pub(crate) suggestions: u64,
    pub(crate) resolution_days: Vec<Decimal>,
}

/// Classifies and opens every petition, and checks its resolution against its
/// deadline. Petitions that cannot be opened (a date outside the calendar) are
/// diagnostics.
pub(crate) fn triage_petitions(
    records: &[PetitionRecord],
    policy: &Policy,
    diagnostics: &mut Vec<Diagnostic>,
) -> Triaged {
    let mut rng = triage::CodeRng::seeded(0x6775_6964_6564);
    let mut summary = PetitionSummary::default();
    let mut petitions = Vec::with_capacity(records.len());
    let mut allocation_complaints = 0;
    let mut suggestions = 0;
    let mut resolution_days = Vec::new();
    for record in records {
        let submission = triage::Submission {
            category: record.category.clone(),
            text: record.text.clone(),
            vulnerabilities: record.vulnerabilities.clone(),
        };
        let result = triage::classify(&submission, &policy.triage);
        let intake = triage::Intake {
            id: record.id.clone(),
            code: triage::TrackingCode::generate(&mut rng),
            category: record.category.clone(),
            building: record.building.clone(),
            colour: result.colour,
            received: record.received,
        };
        let petition = match triage::open(intake, &policy.calendar, &policy.sla) {
            Ok(p) => p,
            Err(err) => {
                diagnostics.push(Diagnostic {
                    kind: "petition".to_owned(),
                    id: record.id.clone(),
                    message: err.to_string(),
                });
                continue;
            }
        };
        summary.received += 1;
        match result.colour {
            triage::Colour::Red => summary.red += 1,
            triage::Colour::Yellow => summary.yellow += 1,
            triage::Colour::Blue => summary.blue += 1,
        }
        if !result.refer_to.is_empty() {
            summary.emergency_referrals += 1;
        }
        if record.category == ALLOCATION_COMPLAINT {
            allocation_complaints += 1;
        }
        if record.category == "suggestion" {
            suggestions += 1;
        }
        if let Some(resolved) = record.resolved.filter(|r| *r >= record.received) {
            summary.resolved += 1;
            let due = petition.cycles.last().map(|c| c.resolution_due);
            if due.is_some_and(|due| resolved <= due) {
                summary.resolved_on_time += 1;
            }
            let seconds = (resolved - record.received).num_seconds();
            resolution_days.push(
                Decimal::from(seconds)
                    .checked_div(Decimal::from(86_400))
                    .unwrap_or_default()
                    .round_dp(4),
            );
        }
        petitions.push(petition);
    }
    summary.on_time_rate = ratio(
        u128::from(summary.resolved_on_time),
        u128::from(summary.resolved),
    );
    Triaged {
        petitions,
        summary,
        allocation_complaints,
        suggestions,
        resolution_days,
    }
}

const ISSUER: &str = "community-issuer";

/// Meeting attendance and volunteering → points: replays the journal, opens the
/// issuer (configured with `rules`) in a new bank and an account for each new
/// resident, and earns each activity with command id `earn-<activity id>` — so
/// running a quarter twice pays once. A rejected activity is a diagnostic.
///
/// # Errors
///
/// [`Error::Points`] if the journal does not replay.
pub(crate) fn points_for_activities(
    journal: &[points::Event],
    activities: &[Activity],
    rules: &points::EarningRules,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(points::Ledger, PointsSummary)> {
    let mut ledger = points::Ledger::replay(journal.iter().cloned())?;
    let mut summary = PointsSummary::default();
    let Some(first) = activities.iter().map(|a| a.at).min() else {
        return Ok((ledger, summary));
    };
    let start = ledger.events().last().map_or(first, |e| e.at.max(first));
    let execute = |ledger: &mut points::Ledger, id: String, action, at: NaiveDateTime| {
        ledger.execute(points::Command::new(id, action), at)
    };
    if ledger.balance(ISSUER).is_none() {
        let open = points::Action::OpenAccount {
            account: ISSUER.into(),
            kind: points::AccountKind::Issuer,
            unit: points::Unit::Points,
            credit_limit: points::Amount::ZERO,
            cap: None,
        };
        execute(&mut ledger, format!("open-{ISSUER}"), open, start)?;
        let configure = points::Action::Configure {
            rules: rules.clone(),
            policy: points::Policy::default(),
        };
        execute(&mut ledger, "configure".to_owned(), configure, start)?;
    }
    let mut order: Vec<&Activity> = activities.iter().collect();
    order.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
    let mut residents = std::collections::HashSet::new();
    for activity in order {
        let at = activity
            .at
            .max(ledger.events().last().map_or(start, |e| e.at));
        if ledger.balance(&activity.resident).is_none() {
            let open = points::Action::OpenAccount {
                account: activity.resident.clone(),
                kind: points::AccountKind::Resident,
                unit: points::Unit::Points,
                credit_limit: points::Amount::ZERO,
                cap: None,
            };
            if let Err(err) = execute(&mut ledger, format!("open-{}", activity.resident), open, at)
            {
                diagnostics.push(Diagnostic {
                    kind: "activity".to_owned(),
                    id: activity.id.clone(),
                    message: err.to_string(),
                });
                continue;
            }
            summary.accounts_opened += 1;
        }
        let earn = points::Action::Earn {
            account: activity.resident.clone(),
            activity: activity.activity.clone(),
            quantity: activity.quantity,
        };
        match execute(&mut ledger, format!("earn-{}", activity.id), earn, at) {
            Ok(receipt) => {
                summary.activities += 1;
                for t in &receipt.transfers {
                    summary.points_earned = summary
                        .points_earned
                        .checked_add(t.amount)
                        .unwrap_or(summary.points_earned);
                }
                residents.insert(activity.resident.as_str());
            }
            Err(err) => {
                summary.rejected += 1;
                diagnostics.push(Diagnostic {
                    kind: "activity".to_owned(),
                    id: activity.id.clone(),
                    message: err.to_string(),
                });
            }
        }
    }
    summary.residents = residents.len() as u64;
    Ok((ledger, summary))
}

/// What the fairness join produces.
#[derive(Debug)]
pub(crate) struct Fairness {
    pub(crate) mismatch: metrics::Indicator,
    /// Per group: grants against need, with the elite-capture verdict.
    pub(crate) groups: Vec<GroupLine>,
    pub(crate) report: FairnessReport,
}

/// Allocation against need → fairness metrics: mismatch (the Hoover index between
/// grants and need), elite capture per group, targeting errors, the Gini of
/// grants, and the concentration (Lorenz) curve of need and grants with households
/// ordered by need.
///
/// Need here is *eligible* need: a household's score when it reaches the policy's
/// threshold, 0 below it (need below the threshold is what the base pool's service
/// lines serve). So a plan that follows need has a mismatch near 0 (only caps move
/// it), and "everyone alike" shows how far equal grants are from need.
pub(crate) fn fairness(
    scored: &[Scored<'_>],
    grants: &[Grant],
    policy: &Policy,
) -> Result<Fairness> {
    let need: Vec<Decimal> = scored
        .iter()
        .map(|s| {
            if s.score >= policy.need_threshold {
                s.score
            } else {
                Decimal::ZERO
            }
        })
        .collect();
    let granted: Vec<Decimal> = grants
        .iter()
        .map(|g| Decimal::from(g.amount.get()))
        .collect();
    let mismatch = if need.iter().all(Decimal::is_zero) || granted.iter().all(Decimal::is_zero) {
        metrics::mismatch(&[Decimal::ONE], &[Decimal::ONE])?
    } else {
        metrics::mismatch(&granted, &need)?
    };
    let gini = if granted.iter().all(Decimal::is_zero) {
        Decimal::ZERO
    } else {
        metrics::gini(&granted)?
    };

    // One pass per household: each group's households, residents, grants and need.
    let mut totals: BTreeMap<&str, (u64, u64, u64, Decimal)> = BTreeMap::new();
    for ((s, g), &n) in scored.iter().zip(grants).zip(&need) {
        let overflow = || {
            Error::Metrics(metrics::Error::Overflow {
                context: "group sums",
            })
        };
        let (households, residents, granted, group_need) =
            totals.entry(s.household.group.as_str()).or_default();
        *households += 1;
        *residents += u64::from(s.household.residents);
        *granted = granted.checked_add(g.amount.get()).ok_or_else(overflow)?;
        *group_need = group_need.checked_add(n).ok_or_else(overflow)?;
    }
    let records: Vec<metrics::GroupRecord> = totals
        .iter()
        .map(
            |(group, &(_, residents, granted, need))| metrics::GroupRecord {
                group: (*group).to_owned(),
                resources: Decimal::from(granted),
                need,
                population: Decimal::from(residents),
            },
        )
        .collect();
    let capture = if records.iter().any(|r| !r.resources.is_zero())
        && records.iter().any(|r| !r.need.is_zero())
    {
        metrics::elite_capture(&records, &policy.capture)?
    } else {
        Vec::new()
    };
    let groups = totals
        .into_iter()
        .map(|(group, (households, residents, granted, _))| {
            let c = capture.iter().find(|c| c.group == group);
            GroupLine {
                group: group.to_owned(),
                households,
                residents,
                granted: Fen::new(granted),
                resource_share: c.map_or(Decimal::ZERO, |c| c.resource_share),
                need_share: c.map_or(Decimal::ZERO, |c| c.need_share),
                to_need: c.and_then(|c| c.to_need),
                flag: c.map_or(metrics::CaptureFlag::Fair, |c| c.flag),
            }
        })
        .collect();

    let targeting = metrics::targeting(
        &scored
            .iter()
            .zip(grants)
            .map(|(s, g)| metrics::TargetingRecord {
                needy: s.score >= policy.need_threshold,
                served: g.amount > Fen::ZERO,
            })
            .collect::<Vec<_>>(),
    );
    let ranks: Vec<u32> = scored.iter().map(|s| s.rank).collect();
    let lorenz = concentration(&ranks, &need, &granted, policy.lorenz_points);
    Ok(Fairness {
        report: FairnessReport {
            mismatch: mismatch.value,
            gini_of_grants: gini,
            exclusion_error: targeting.exclusion_error,
            inclusion_error: targeting.inclusion_error,
            precise_targeting_rate: targeting.precise_targeting_rate,
            lorenz,
        },
        mismatch,
        groups,
    })
}

/// Households ordered by need, least first — the needs ranking read backwards, so
/// no sort is needed (ties keep the ranking's order, reversed); at each of `points`
/// steps, the cumulative shares of households, need and grants.
fn concentration(
    ranks: &[u32],
    need: &[Decimal],
    granted: &[Decimal],
    points: u32,
) -> Vec<LorenzPoint> {
    let n = need.len();
    let mut order: Vec<usize> = (0..n).collect();
    let is_permutation = {
        let mut seen = vec![false; n];
        ranks.len() == n
            && ranks.iter().all(|&r| {
                let slot = usize::try_from(r)
                    .ok()
                    .and_then(|r| seen.get_mut(r.wrapping_sub(1)));
                slot.is_some_and(|s| !std::mem::replace(s, true))
            })
    };
    if is_permutation {
        for (i, &r) in ranks.iter().enumerate() {
            if let Some(slot) = usize::try_from(r).ok().and_then(|r| order.get_mut(n - r)) {
                *slot = i;
            }
        }
    } else {
        order.sort_by(|&a, &b| need.get(a).cmp(&need.get(b)).then(a.cmp(&b)));
    }
    let total_need: Decimal = need.iter().fold(Decimal::ZERO, |s, v| s.saturating_add(*v));
    let total_granted: Decimal = granted
        .iter()
        .fold(Decimal::ZERO, |s, v| s.saturating_add(*v));
    let share = |part: Decimal, whole: Decimal| {
        if whole.is_zero() {
            Decimal::ZERO
        } else {
            part.checked_div(whole).unwrap_or_default().round_dp(4)
        }
    };
    let points = points.max(1);
    let mut out = vec![LorenzPoint {
        households: Decimal::ZERO,
        need: Decimal::ZERO,
        grants: Decimal::ZERO,
    }];
    let (mut cum_need, mut cum_granted, mut taken) = (Decimal::ZERO, Decimal::ZERO, 0usize);
    for k in 1..=points {
        let upto = usize::try_from(
            (n as u128)
                .saturating_mul(u128::from(k))
                .checked_div(u128::from(points))
                .unwrap_or(0),
        )
        .unwrap_or(n);
        for &i in order.get(taken..upto).unwrap_or_default() {
            cum_need = cum_need.saturating_add(need.get(i).copied().unwrap_or_default());
            cum_granted = cum_granted.saturating_add(granted.get(i).copied().unwrap_or_default());
        }
        taken = upto;
        out.push(LorenzPoint {
            households: ratio(u128::from(k), u128::from(points)),
            need: share(cum_need, total_need),
            grants: share(cum_granted, total_granted),
        });
    }
    out
}
