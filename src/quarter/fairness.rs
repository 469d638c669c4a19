//! Allocation against need: mismatch, elite capture per group, targeting, the Gini
//! of grants and the concentration curve.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::Scored;
use crate::joins;
use crate::outcome::Grant;
use crate::policy::Policy;
use crate::report::{FairnessReport, GroupLine, LorenzPoint, ratio};
use crate::{Error, Result};
use allocation_pools::Fen;
use governance_metrics as metrics;

/// What the fairness join produces.
#[derive(Debug)]
pub(super) struct Fairness {
    pub(super) mismatch: metrics::Indicator,
    /// Per group: grants against need, with the elite-capture verdict.
    pub(super) groups: Vec<GroupLine>,
    pub(super) report: FairnessReport,
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
pub(super) fn fairness(
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

    let groups = groups(scored, grants, &need, policy)?;

    let targeting =
        metrics::targeting(&joins::targeting_from_grants(grants, policy.need_threshold));
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

/// Per group: households, residents, grants and eligible need, in one pass, with
/// the elite-capture verdict.
fn groups(
    scored: &[Scored<'_>],
    grants: &[Grant],
    need: &[Decimal],
    policy: &Policy,
) -> Result<Vec<GroupLine>> {
    // One pass per household: each group's households, residents, grants and need.
    let mut totals: BTreeMap<&str, (u64, u64, u64, Decimal)> = BTreeMap::new();
    for ((s, g), &n) in scored.iter().zip(grants).zip(need) {
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
    let groups: Vec<GroupLine> = totals
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
    Ok(groups)
}
