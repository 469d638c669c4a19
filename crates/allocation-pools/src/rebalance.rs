//! Quarterly rebalancing (动态调整): service-line shares follow demand, damped by a
//! maximum change per quarter and held above a minimum share.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::apportion::{Demand, allocate};
use crate::problem::{ApportionMethod, Reason};
use crate::{Error, Result};

/// Shares are computed in basis points (0.01%): 10 000 is 100%.
const BASIS_POINTS: u64 = 10_000;

/// A service line's share now and its demand this quarter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LineDemand {
    /// The line's identifier.
    pub id: String,
    /// Its current share, in percent.
    pub share: Decimal,
    /// Its demand this quarter, in any consistent unit (applications, hours used,
    /// households needing it).
    pub demand: Decimal,
}

/// How fast and how far shares may move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RebalancePolicy {
    /// The most a share may rise or fall in one quarter, in percentage points.
    pub max_change: Decimal,
    /// The least share any line keeps, in percent (a room that is idle this quarter
    /// is not closed).
    pub min_share: Decimal,
}

impl Default for RebalancePolicy {
    /// At most 15 points up or down per quarter, at least 5% per line: the article's
    /// childcare line could go from 20% to 35% in the quarter of the newborn surge.
    fn default() -> Self {
        Self {
            max_change: Decimal::from(15),
            min_share: Decimal::from(5),
        }
    }
}

/// Why a line's new share is what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Movement {
    /// It follows demand.
    FollowsDemand,
    /// Demand would raise it further, but it rose by the maximum.
    RiseDamped,
    /// Demand would lower it further, but it fell by the maximum.
    FallDamped,
    /// Demand would lower it further, but it is held at the minimum share.
    HeldAtMinimum,
}

impl core::fmt::Display for Movement {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::FollowsDemand => "follows demand",
            Self::RiseDamped => "rose by the maximum",
            Self::FallDamped => "fell by the maximum",
            Self::HeldAtMinimum => "held at the minimum share",
        })
    }
}

/// A line's share before and after rebalancing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rebalanced {
    /// The line's identifier.
    pub id: String,
    /// Its share before, in percent.
    pub previous: Decimal,
    /// Its share after, in percent with two decimals; the new shares sum to 100.
    pub share: Decimal,
    /// Its share of this quarter's demand, in percent (what it would get undamped).
    pub target: Decimal,
    /// Why.
    pub movement: Movement,
}

/// New shares that follow this quarter's demand, moving no line by more than
/// `max_change` points and keeping every line at `min_share` or more; the new shares
/// sum to exactly 100%, in hundredths of a percent.
///
/// The new shares are `clamp(λ·demand, max(min_share, share − max_change),
/// share + max_change)` for the `λ` that makes them sum to 100 (water-filling), then
/// rounded to basis points by largest remainder. The minimum share wins over
/// damping: a line below the minimum is raised to it at once.
///
/// ```
/// use guided_community_pools::{rebalance, LineDemand, Movement, RebalancePolicy};
/// use rust_decimal::dec;
///
/// // The newborn surge: childcare demand jumps, the seniors' room stands idle.
/// let line = |id: &str, share, demand| LineDemand { id: id.into(), share, demand };
/// let lines = [
///     line("childcare", dec!(20), dec!(420)),
///     line("seniors-room", dec!(30), dec!(60)),
///     line("culture", dec!(25), dec!(250)),
///     line("health", dec!(25), dec!(270)),
/// ];
/// let next = rebalance(&lines, &RebalancePolicy::default())?;
/// assert_eq!((next[0].share, next[0].movement), (dec!(35), Movement::RiseDamped));
/// assert_eq!((next[1].share, next[1].movement), (dec!(15), Movement::FallDamped));
/// assert_eq!(next.iter().map(|l| l.share).sum::<rust_decimal::Decimal>(), dec!(100));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::NoDemands`] for no lines, [`Error::SharesDoNotSum`] when the current
/// shares do not sum to 100, [`Error::NegativeWeight`] for a negative share or
/// demand, [`Error::AllZeroWeights`] when there is no demand at all,
/// [`Error::InvalidPolicy`] for a negative policy value, and
/// [`Error::MinimumSharesExceedTotal`] when the minimum shares cannot all be met.
pub fn rebalance(lines: &[LineDemand], policy: &RebalancePolicy) -> Result<Vec<Rebalanced>> {
    if lines.is_empty() {
        return Err(Error::NoDemands);
    }
    if policy.max_change.is_sign_negative() || policy.min_share.is_sign_negative() {
        return Err(Error::InvalidPolicy {
            reason: "max_change and min_share must not be negative",
        });
    }
    let overflow = || Error::Overflow {
        context: "rebalancing shares",
    };
    let mut sum = Decimal::ZERO;
    for (index, line) in lines.iter().enumerate() {
        for value in [line.share, line.demand] {
            if value.is_sign_negative() && !value.is_zero() {
                return Err(Error::NegativeWeight {
                    index,
                    weight: value,
                });
            }
        }
        sum = sum.checked_add(line.share).ok_or_else(overflow)?;
    }
    if sum != Decimal::ONE_HUNDRED {
        return Err(Error::SharesDoNotSum {
            sum: sum.normalize(),
        });
    }
    // Percent → basis points, rounding bounds inward so they are never exceeded.
    let to_bp = |percent: Decimal, up: bool| -> Result<u64> {
        let bp = percent
            .checked_mul(Decimal::ONE_HUNDRED)
            .ok_or_else(overflow)?;
        let bp = if up { bp.ceil() } else { bp.floor() };
        u64::try_from(bp.max(Decimal::ZERO).min(Decimal::from(BASIS_POINTS)))
            .map_err(|_| overflow())
    };
    let minimum = to_bp(policy.min_share, true)?;
    let mut demands = Vec::with_capacity(lines.len());
    let mut floor_sum = 0u64;
    for line in lines {
        let lowest = line
            .share
            .checked_sub(policy.max_change)
            .ok_or_else(overflow)?;
        let highest = line
            .share
            .checked_add(policy.max_change)
            .ok_or_else(overflow)?;
        let floor = to_bp(lowest, true)?.max(minimum);
        let cap = to_bp(highest, false)?.max(floor);
        floor_sum += floor;
        demands.push(Demand::new(line.demand).with_floor(floor).with_cap(cap));
    }
    if floor_sum > BASIS_POINTS {
        return Err(Error::MinimumSharesExceedTotal {
            sum: Decimal::new(i64::try_from(floor_sum).map_err(|_| overflow())?, 2).normalize(),
        });
    }
    let plan = allocate(BASIS_POINTS, &demands, ApportionMethod::Hamilton)?;
    let total_demand = lines
        .iter()
        .try_fold(Decimal::ZERO, |acc, l| acc.checked_add(l.demand))
        .ok_or_else(overflow)?;
    lines
        .iter()
        .zip(&plan.parts)
        .zip(&plan.reasons)
        .zip(&demands)
        .map(|(((line, &bp), &reason), demand)| {
            let share = Decimal::new(i64::try_from(bp).map_err(|_| overflow())?, 2).normalize();
            let target = line
                .demand
                .checked_mul(Decimal::ONE_HUNDRED)
                .and_then(|x| x.checked_div(total_demand))
                .ok_or_else(overflow)?
                .round_dp(2)
                .normalize();
            let movement = match reason {
                Reason::Capped => Movement::RiseDamped,
                Reason::Floored | Reason::ZeroWeight
                    if demand.floor == minimum && bp == minimum =>
                {
                    Movement::HeldAtMinimum
                }
                Reason::Floored | Reason::ZeroWeight => Movement::FallDamped,
                _ => Movement::FollowsDemand,
            };
            Ok(Rebalanced {
                id: line.id.clone(),
                previous: line.share.normalize(),
                share,
                target,
                movement,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    fn line(id: &str, share: Decimal, demand: Decimal) -> LineDemand {
        LineDemand {
            id: id.into(),
            share,
            demand,
        }
    }

    #[test]
    fn the_newborn_surge() {
        // ../shared/DOMAIN.md §2: childcare 20% → 35% while the idle seniors' room
        // shrinks.
        let lines = [
            line("childcare", dec!(20), dec!(420)),
            line("seniors-room", dec!(30), dec!(60)),
            line("culture", dec!(25), dec!(250)),
            line("health", dec!(25), dec!(270)),
        ];
        let next = rebalance(&lines, &RebalancePolicy::default()).unwrap();
        let shares: Vec<Decimal> = next.iter().map(|l| l.share).collect();
        assert_eq!(shares, [dec!(35), dec!(15), dec!(24.04), dec!(25.96)]);
        assert_eq!(next[0].target, dec!(42));
        assert_eq!(next[1].movement, Movement::FallDamped);
        assert_eq!(next[2].movement, Movement::FollowsDemand);
        // A second quarter of the same demand moves on towards it.
        let again: Vec<LineDemand> = next
            .iter()
            .zip(&lines)
            .map(|(n, l)| line(&n.id, n.share, l.demand))
            .collect();
        let next = rebalance(&again, &RebalancePolicy::default()).unwrap();
        assert_eq!(next[0].share, dec!(42));
        assert_eq!(
            (next[1].share, next[1].movement),
            (dec!(6), Movement::FollowsDemand)
        );
    }

    #[test]
    fn the_minimum_share_holds() {
        let lines = [
            line("busy", dec!(50), dec!(100)),
            line("idle", dec!(50), dec!(0)),
        ];
        let policy = RebalancePolicy {
            max_change: dec!(100),
            min_share: dec!(5),
        };
        let next = rebalance(&lines, &policy).unwrap();
        assert_eq!(
            (next[1].share, next[1].movement),
            (dec!(5), Movement::HeldAtMinimum)
        );
        assert_eq!(next[0].share, dec!(95));
    }

    #[test]
    fn invalid_inputs() {
        let ok = [line("a", dec!(60), dec!(1)), line("b", dec!(40), dec!(1))];
        let bad = [line("a", dec!(60), dec!(1)), line("b", dec!(50), dec!(1))];
        assert_eq!(
            rebalance(&bad, &RebalancePolicy::default()),
            Err(Error::SharesDoNotSum { sum: dec!(110) })
        );
        let policy = RebalancePolicy {
            max_change: dec!(10),
            min_share: dec!(60),
        };
        assert_eq!(
            rebalance(&ok, &policy),
            Err(Error::MinimumSharesExceedTotal { sum: dec!(120) })
        );
        assert!(rebalance(&[], &RebalancePolicy::default()).is_err());
        let no_demand = [line("a", dec!(60), dec!(0)), line("b", dec!(40), dec!(0))];
        assert_eq!(
            rebalance(&no_demand, &RebalancePolicy::default()),
            Err(Error::AllZeroWeights)
        );
    }
}
