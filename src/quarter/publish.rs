//! The publicity report (公示) assembled from the plan, the petitions, the points and
//! the measures.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::Scored;
use super::fairness::Fairness;
use super::measure::Books;
use super::petitions::Triaged;
use super::plan::Plan;
use crate::inputs::QuarterInputs;
use crate::outcome::Grant;
use crate::policy::Policy;
use crate::report::{
    After, Before, BuildingLine, Coverage, DimensionLine, During, LineReport, NeedsSummary,
    NoticeWindow, PointsSummary, PublicityReport, SatisfactionLine, Stage, TierCount, Warning,
    mean, ratio,
};
use allocation_pools::Fen;
use governance_metrics as metrics;
use needs_matrix as needs;

/// What the report is made of, besides the inputs and the policy.
#[derive(Debug)]
pub(super) struct Parts<'a> {
    pub(super) scores: &'a needs::Scores,
    pub(super) rows: &'a [Scored<'a>],
    pub(super) plan: Plan,
    pub(super) grants: &'a [Grant],
    pub(super) line_reports: Vec<LineReport>,
    pub(super) agenda: Vec<deliberation::Item>,
    pub(super) triaged: Triaged,
    pub(super) points: PointsSummary,
    pub(super) fairness: Fairness,
    pub(super) accounts: Books,
    pub(super) indicators: Vec<metrics::Indicator>,
    pub(super) satisfaction: Vec<SatisfactionLine>,
    pub(super) warnings: Vec<Warning>,
    pub(super) implementation: Vec<crate::report::ImplementationLine>,
    pub(super) fund: Option<crate::report::FundReport>,
    pub(super) participation: Option<metrics::Participation>,
}

/// The report: before (the plan and its notice), during (spending, coverage,
/// petitions, reserve draws) and after (accounts, fairness, indicators).
pub(super) fn publicity(
    inputs: &QuarterInputs,
    policy: &Policy,
    parts: Parts<'_>,
) -> PublicityReport {
    let households = &inputs.households;
    let (scores, rows, grants, plan) = (parts.scores, parts.rows, parts.grants, parts.plan);
    let needy = rows
        .iter()
        .filter(|s| s.score >= policy.need_threshold)
        .count();
    let reached = grants
        .iter()
        .filter(|g| g.score >= policy.need_threshold && g.amount > Fen::ZERO)
        .count();
    let spent = parts.accounts.accounts.spent;
    PublicityReport {
        community: inputs.community.clone(),
        quarter: inputs.quarter,
        as_of: inputs.as_of,
        stage: stage(inputs),
        households: u64::try_from(households.len()).unwrap_or(u64::MAX),
        residents: parts.accounts.residents,
        floating_residents: households
            .iter()
            .filter(|h| h.floating)
            .map(|h| u64::from(h.residents))
            .sum(),
        aged_60_plus: households.iter().map(|h| u64::from(h.aged_60_plus)).sum(),
        before: Before {
            budget: inputs.budget,
            pool_shares: policy.pools,
            pools: plan.split,
            needs: needs_summary(scores, rows, policy, &parts.triaged),
            service_lines: parts.line_reports,
            household_grants: parts.accounts.granted,
            households_granted: grants.iter().filter(|g| g.amount > Fen::ZERO).count() as u64,
            largest_grant: grants.iter().map(|g| g.amount).max().unwrap_or(Fen::ZERO),
            unallocated: parts.accounts.accounts.unallocated,
            adjustments: plan.adjustments,
            agenda: parts.agenda,
            notice: notice(inputs),
        },
        during: During {
            spent,
            progress: ratio(u128::from(spent.get()), u128::from(inputs.budget.get())),
            grants_paid: parts.accounts.grants_spent,
            coverage: Coverage {
                needy_households: needy as u64,
                reached: reached as u64,
                rate: ratio(reached as u128, needy as u128),
                residents_served: households
                    .iter()
                    .filter(|h| h.participants > 0)
                    .map(|h| u64::from(h.residents))
                    .sum(),
            },
            petitions: parts.triaged.summary,
            reserve_draws: plan.reserve.draws().to_vec(),
            implementation: parts.implementation,
        },
        after: After {
            accounts: parts.accounts.accounts,
            groups: parts.fairness.groups,
            fairness: parts.fairness.report,
            indicators: parts.indicators,
            overall_satisfaction: parts.accounts.overall_satisfaction,
            satisfaction: parts.satisfaction,
            points: parts.points,
            fund: parts.fund,
            participation: parts.participation,
            warnings: parts.warnings,
        },
        labels: policy.labels.clone(),
    }
}

/// The 7-day notice before the quarter (公示期).
fn notice(inputs: &QuarterInputs) -> NoticeWindow {
    let first_day = inputs.quarter.first_day();
    let published = first_day
        .checked_sub_days(chrono::Days::new(deliberation::PUBLICATION_DAYS))
        .unwrap_or(NaiveDate::MIN);
    NoticeWindow {
        published,
        objections_until: first_day.pred_opt().unwrap_or(published),
        takes_effect: first_day,
        days: u32::try_from(deliberation::PUBLICATION_DAYS).unwrap_or(u32::MAX),
    }
}

fn stage(inputs: &QuarterInputs) -> Stage {
    if inputs.as_of < inputs.quarter.first_day() {
        Stage::Before
    } else if inputs.as_of <= inputs.quarter.last_day() {
        Stage::During
    } else {
        Stage::After
    }
}

fn needs_summary(
    scores: &needs::Scores,
    rows: &[Scored<'_>],
    policy: &Policy,
    triaged: &Triaged,
) -> NeedsSummary {
    let mut tiers: BTreeMap<&str, u64> = BTreeMap::new();
    let mut buildings: BTreeMap<&str, (u64, Vec<rust_decimal::Decimal>, u64)> = BTreeMap::new();
    for s in rows {
        *tiers.entry(s.tier).or_insert(0) += 1;
        let b = buildings.entry(s.household.building.as_str()).or_default();
        b.0 += 1;
        b.1.push(s.score);
    }
    for (building, open) in &triaged.open_by_building {
        if let Some(b) = buildings.get_mut(building.as_str()) {
            b.2 += open;
        }
    }
    let dimensions = policy
        .matrix
        .dimensions()
        .iter()
        .map(|d| DimensionLine {
            id: d.id.clone(),
            name: d.name.clone(),
            weight: d.weight,
        })
        .collect();
    // Tiers from the most need to the least, as the scoring options list them.
    let order = tier_order(&policy.scoring.tiers);
    let rank = |tier: &str| order.iter().position(|t| t == tier).unwrap_or(usize::MAX);
    let mut tiers: Vec<TierCount> = tiers
        .into_iter()
        .map(|(tier, households)| TierCount {
            tier: tier.to_owned(),
            households,
        })
        .collect();
    tiers.sort_by_key(|t| rank(&t.tier));
    NeedsSummary {
        scored: scores.len() as u64,
        set_aside: scores.diagnostics().len() as u64,
        threshold: policy.need_threshold,
        dimensions,
        tiers,
        mean_score: mean(rows.iter().map(|s| s.score)),
        buildings: buildings
            .into_iter()
            .map(|(building, (households, scores, open))| BuildingLine {
                building: building.to_owned(),
                households,
                mean_score: mean(scores.into_iter()),
                open_petitions: open,
            })
            .collect(),
    }
}

/// The tiers' names, the most need first.
fn tier_order(tiers: &needs::Tiers) -> Vec<String> {
    match tiers {
        needs::Tiers::Thresholds { bands, rest } => bands
            .iter()
            .map(|b| b.name.clone())
            .chain(core::iter::once(rest.clone()))
            .collect(),
        needs::Tiers::Quantiles { bands, rest } => bands
            .iter()
            .map(|b| b.name.clone())
            .chain(core::iter::once(rest.clone()))
            .collect(),
        // A kind of tiers this version does not know: their names' order.
        _ => Vec::new(),
    }
}
