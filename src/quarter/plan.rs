//! The plan: needs scored, the budget split into pools, the base pool shared among
//! service lines, council earmarks applied, the dynamic pool granted to households
//! by need, and the reserve's draws recorded.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::Result;
use crate::inputs::{
    Adjustment, CouncilDecision, GRANTS_LINE, Household, LineSpec, QuarterInputs, Spending,
};
use crate::joins;
use crate::outcome::{Diagnostic, Grant, diagnostic};
use crate::policy::Policy;
use crate::report::{AdjustmentReport, LineReport, ratio};
use allocation_pools::{self as pools, Fen};
use needs_matrix as needs;

/// A scored household: its record, score and tier.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scored<'a> {
    pub(super) household: &'a Household,
    pub(super) score: Decimal,
    pub(super) tier: &'a str,
    /// Its rank in the needs ranking (1 = most need).
    pub(super) rank: u32,
}

/// Pairs every score with its household (scores are in input order, skipping
/// households that could not be scored).
pub(super) fn align<'a>(scores: &'a needs::Scores, households: &'a [Household]) -> Vec<Scored<'a>> {
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

/// Scores every household's needs (一户一档 → 需求评估矩阵); households that cannot
/// be scored are diagnostics.
pub(super) fn score(
    households: &[Household],
    policy: &Policy,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<needs::Scores> {
    let units = joins::units_from_households(households);
    let scores = needs::score(&policy.matrix, &units, &policy.scoring)?;
    for d in scores.diagnostics() {
        diagnostics.push(diagnostic("household", d.unit.as_str(), &d.error));
    }
    Ok(scores)
}

/// The quarter's money before it is spent.
#[derive(Debug)]
pub(super) struct Plan {
    pub(super) split: pools::PoolSplit,
    pub(super) lines: Vec<pools::ServiceLine>,
    pub(super) base: pools::PoolAllocation,
    pub(super) earmarks: BTreeMap<String, Fen>,
    pub(super) adjustments: Vec<AdjustmentReport>,
    /// What the household grants could not place.
    pub(super) grants_unallocated: Fen,
    pub(super) grants: Vec<Grant>,
    pub(super) reserve: pools::Reserve,
    pub(super) close: pools::QuarterClose,
}

/// Pools, lines, earmarks, grants and the reserve.
pub(super) fn plan(
    inputs: &QuarterInputs,
    policy: &Policy,
    scores: &needs::Scores,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Plan> {
    let split = policy.pools.split(inputs.budget)?;
    let lines = joins::service_lines(&inputs.service_lines, &inputs.households, &policy.matrix);
    let base = pools::allocate_base(split.base, &lines, policy.base_rule)?;
    let (earmarks, adjustments, grant_pool) = earmarks(
        &inputs.council,
        &inputs.service_lines,
        split.dynamic,
        inputs.quarter.first_day(),
        diagnostics,
    );
    let demands = joins::demands_from_needs(
        scores,
        policy.basis,
        policy.need_threshold,
        policy.household_cap,
    );
    let grant_plan = if demands.iter().any(|d| !d.weight.is_zero()) {
        pools::allocate(grant_pool.get(), &demands, policy.method)?
    } else {
        pools::Allocation::nothing(grant_pool.get(), demands.len(), policy.method)
    };
    let grants = grants(scores, &grant_plan);

    let mut reserve = pools::Reserve::new(split.emergency);
    for draw in &inputs.emergencies {
        match reserve.draw(draw.clone()) {
            Ok(next) => reserve = next,
            Err(err) => diagnostics.push(diagnostic("emergency", &draw.reason, err)),
        }
    }
    let close = reserve.close_quarter(policy.reserve_end);
    Ok(Plan {
        split,
        lines,
        base,
        earmarks,
        adjustments,
        grants_unallocated: Fen::new(grant_plan.unallocated),
        grants,
        reserve,
        close,
    })
}

/// One grant per scored household, in the scores' order.
fn grants(scores: &needs::Scores, plan: &pools::Allocation) -> Vec<Grant> {
    (0..scores.len())
        .map(|i| Grant {
            household: scores
                .ids()
                .get(i)
                .map_or_else(String::new, |id| id.as_str().to_owned()),
            score: scores.score_at(i).unwrap_or_default(),
            tier: scores.tier_at(i).unwrap_or_default().to_owned(),
            amount: Fen::new(plan.parts.get(i).copied().unwrap_or(0)),
            reason: plan
                .reasons
                .get(i)
                .copied()
                .unwrap_or(pools::Reason::ZeroWeight),
        })
        .collect()
}

/// Council resolutions → pool adjustments: the earmarks of decisions in effect by
/// `first_day`, per line, a report on every decision (applied or why not), and
/// what is left of the dynamic pool for household grants.
fn earmarks(
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

/// Each service line with its earmarks and spending; spending on a line that does
/// not exist is a diagnostic.
pub(super) fn line_reports(
    inputs: &QuarterInputs,
    plan: &Plan,
    spent_of: &BTreeMap<&str, Fen>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<LineReport>> {
    let reports = inputs
        .service_lines
        .iter()
        .zip(&plan.base.lines)
        .zip(&plan.lines)
        .map(|((spec, allocated), line)| -> Result<LineReport> {
            let earmark = plan
                .earmarks
                .get(spec.id.as_str())
                .copied()
                .unwrap_or(Fen::ZERO);
            let amount = allocated.amount.checked_add(earmark)?;
            let spent = spent_of.get(spec.id.as_str()).copied().unwrap_or(Fen::ZERO);
            Ok(LineReport {
                id: spec.id.clone(),
                name: spec.name.clone(),
                heads: line.heads,
                base: allocated.amount,
                earmarked: earmark,
                allocated: amount,
                spent,
                progress: ratio(u128::from(spent.get()), u128::from(amount.get())),
                reason: allocated.reason,
            })
        })
        .collect::<Result<_>>()?;
    for s in &inputs.spending {
        if s.line != GRANTS_LINE && !inputs.service_lines.iter().any(|l| l.id == s.line) {
            diagnostics.push(diagnostic(
                "spending",
                &s.line,
                format!("no service line `{}`", s.line),
            ));
        }
    }
    Ok(reports)
}

/// Spending summed per line.
pub(super) fn spending_by_line(spending: &[Spending]) -> Result<BTreeMap<&str, Fen>> {
    let mut by_line: BTreeMap<&str, Fen> = BTreeMap::new();
    for s in spending {
        let entry = by_line.entry(s.line.as_str()).or_insert(Fen::ZERO);
        *entry = entry.checked_add(s.spent)?;
    }
    Ok(by_line)
}
