//! The elastic allocation pools (资源弹性调配池): a quarterly budget split into a
//! base pool (基础池, fixed rules), a dynamic pool (机动池, urgency-weighted demand)
//! and an emergency reserve (应急池).

use core::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::apportion::{Demand, allocate, apportion};
use crate::problem::{ApportionMethod, Reason};
use crate::{Error, Fen, Result};

/// One of the three pools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pool {
    /// The base pool (基础池), shared by fixed rules.
    Base,
    /// The dynamic pool (机动池), shared by urgency-weighted demand each quarter.
    Dynamic,
    /// The emergency reserve (应急池), drawn only for emergencies.
    Emergency,
}

impl fmt::Display for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Base => "base",
            Self::Dynamic => "dynamic",
            Self::Emergency => "emergency",
        })
    }
}

/// The shares of the three pools, in percent, non-negative and summing to exactly
/// 100.
///
/// The source article asks for "70% base + 30% dynamic + 5% reserve", which is
/// 105%. The settled reading ([`PoolPolicy::default`]) takes the 5% reserve
/// off the top and splits the remaining 95% 70:30: 66.5% / 28.5% / 5%.
///
/// ```
/// use guided_community_pools::PoolPolicy;
/// use rust_decimal::dec;
///
/// let policy = PoolPolicy::default();
/// assert_eq!((policy.base(), policy.dynamic(), policy.emergency()), (dec!(66.5), dec!(28.5), dec!(5)));
/// assert_eq!(PoolPolicy::reserve_off_the_top(dec!(5), dec!(70), dec!(30))?, policy);
///
/// let err = PoolPolicy::try_new(dec!(70), dec!(30), dec!(5)).unwrap_err();
/// assert_eq!(err.to_string(), "shares sum to 105%, expected 100%");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PoolShares", into = "PoolShares")]
pub struct PoolPolicy(PoolShares);

/// The wire form of a [`PoolPolicy`]: `{"base": "66.5", "dynamic": "28.5",
/// "emergency": "5"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PoolShares {
    /// Base pool share, in percent.
    pub base: Decimal,
    /// Dynamic pool share, in percent.
    pub dynamic: Decimal,
    /// Emergency reserve share, in percent.
    pub emergency: Decimal,
}

impl PoolPolicy {
    /// Validates the three shares.
    ///
    /// # Errors
    ///
    /// [`Error::NegativeShare`] naming the pool, or [`Error::SharesDoNotSum`]
    /// naming the sum.
    pub fn try_new(base: Decimal, dynamic: Decimal, emergency: Decimal) -> Result<Self> {
        for (pool, share) in [
            (Pool::Base, base),
            (Pool::Dynamic, dynamic),
            (Pool::Emergency, emergency),
        ] {
            if share.is_sign_negative() && !share.is_zero() {
                return Err(Error::NegativeShare { pool, share });
            }
        }
        let sum = base
            .checked_add(dynamic)
            .and_then(|s| s.checked_add(emergency))
            .ok_or(Error::Overflow {
                context: "summing pool shares",
            })?;
        if sum != Decimal::ONE_HUNDRED {
            return Err(Error::SharesDoNotSum {
                sum: sum.normalize(),
            });
        }
        Ok(Self(PoolShares {
            base: base.normalize(),
            dynamic: dynamic.normalize(),
            emergency: emergency.normalize(),
        }))
    }

    /// `reserve` percent off the top, then the rest split `base : dynamic`.
    ///
    /// # Errors
    ///
    /// [`Error::NegativeShare`] for a negative input or a reserve above 100%,
    /// and [`Error::SharesDoNotSum`] when `base + dynamic` is zero.
    pub fn reserve_off_the_top(reserve: Decimal, base: Decimal, dynamic: Decimal) -> Result<Self> {
        let overflow = || Error::Overflow {
            context: "splitting pool shares",
        };
        let rest = Decimal::ONE_HUNDRED
            .checked_sub(reserve)
            .ok_or_else(overflow)?;
        if rest.is_sign_negative() {
            return Err(Error::NegativeShare {
                pool: Pool::Base,
                share: rest,
            });
        }
        let ratio = base.checked_add(dynamic).ok_or_else(overflow)?;
        if ratio.is_zero() {
            return Err(Error::SharesDoNotSum { sum: reserve });
        }
        let base_share = rest
            .checked_mul(base)
            .and_then(|x| x.checked_div(ratio))
            .ok_or_else(overflow)?;
        // The dynamic share is what is left, so the three sum to exactly 100.
        let dynamic_share = rest.checked_sub(base_share).ok_or_else(overflow)?;
        Self::try_new(base_share, dynamic_share, reserve)
    }

    /// The articles' values: [`PoolPolicy::default`].
    pub(crate) fn article() -> Self {
        Self(PoolShares {
            base: Decimal::new(665, 1),
            dynamic: Decimal::new(285, 1),
            emergency: Decimal::from(5),
        })
    }

    /// The base pool's share, in percent.
    pub fn base(&self) -> Decimal {
        self.0.base
    }

    /// The dynamic pool's share, in percent.
    pub fn dynamic(&self) -> Decimal {
        self.0.dynamic
    }

    /// The emergency reserve's share, in percent.
    pub fn emergency(&self) -> Decimal {
        self.0.emergency
    }

    /// Splits `budget` into the three pools, exactly to the fen (largest remainder,
    /// ties to base, then dynamic, then emergency).
    ///
    /// ```
    /// use guided_community_pools::{Fen, PoolPolicy};
    ///
    /// let split = PoolPolicy::default().split("100000.01".parse()?)?;
    /// assert_eq!(split.base.to_string(), "66500.01");
    /// assert_eq!(split.dynamic.to_string(), "28500.00");
    /// assert_eq!(split.emergency.to_string(), "5000.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::WeightTooLarge`] if the shares carry more decimals than 64-bit
    /// integers can hold at a common scale.
    pub fn split(&self, budget: Fen) -> Result<PoolSplit> {
        let demands = [self.0.base, self.0.dynamic, self.0.emergency].map(Demand::new);
        let plan = allocate(budget.get(), &demands, ApportionMethod::Hamilton)?;
        let part = |i: usize| Fen::new(plan.parts.get(i).copied().unwrap_or(0));
        Ok(PoolSplit {
            base: part(0),
            dynamic: part(1),
            emergency: part(2),
        })
    }
}

impl Default for PoolPolicy {
    /// The article's policy: 5% reserve off the top, then 70:30 of the rest
    /// (66.5% / 28.5% / 5%).
    fn default() -> Self {
        Self::article()
    }
}

impl TryFrom<PoolShares> for PoolPolicy {
    type Error = Error;

    fn try_from(shares: PoolShares) -> Result<Self> {
        Self::try_new(shares.base, shares.dynamic, shares.emergency)
    }
}

impl From<PoolPolicy> for PoolShares {
    fn from(policy: PoolPolicy) -> Self {
        policy.0
    }
}

/// A budget split into the three pools; the parts sum to the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PoolSplit {
    /// The base pool.
    pub base: Fen,
    /// The dynamic pool.
    pub dynamic: Fen,
    /// The emergency reserve.
    pub emergency: Fen,
}

/// A service line (托育, 养老活动室, …) that the base pool funds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ServiceLine {
    /// The line's identifier.
    pub id: String,
    /// People the line serves (for [`BaseRule::PerHead`]).
    #[serde(default)]
    pub heads: u64,
    /// Its fixed quota (for [`BaseRule::FixedQuotas`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<Fen>,
}

/// How the base pool is shared among service lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum BaseRule {
    /// In proportion to the people each line serves.
    PerHead,
    /// Equally per line.
    EqualPerLine,
    /// Each line its fixed quota; what the quotas leave is reported as unallocated.
    FixedQuotas,
}

/// What one line or demand received from a pool, and why.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LineAllocation {
    /// The line's or demand's identifier.
    pub id: String,
    /// The amount received.
    pub amount: Fen,
    /// Why it is that amount.
    pub reason: Reason,
}

/// A pool shared among lines or demands: the amounts sum with `unallocated` to the
/// pool.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PoolAllocation {
    /// The pool that was shared.
    pub pool: Fen,
    /// One entry per line or demand, in input order.
    pub lines: Vec<LineAllocation>,
    /// What could not be placed.
    pub unallocated: Fen,
}

impl PoolAllocation {
    fn from_parts(
        pool: Fen,
        ids: impl Iterator<Item = String>,
        parts: &[u64],
        reasons: &[Reason],
        unallocated: u64,
    ) -> Self {
        let lines = ids
            .zip(parts.iter().zip(reasons))
            .map(|(id, (&amount, &reason))| LineAllocation {
                id,
                amount: Fen::new(amount),
                reason,
            })
            .collect();
        Self {
            pool,
            lines,
            unallocated: Fen::new(unallocated),
        }
    }
}

/// Shares the base pool among service lines by a fixed rule.
///
/// ```
/// use guided_community_pools::{allocate_base, BaseRule, Fen, ServiceLine};
///
/// let line = |id: &str, heads| ServiceLine { id: id.into(), heads, quota: None };
/// let lines = [line("childcare", 120), line("seniors-room", 300), line("culture", 80)];
/// let plan = allocate_base("50000".parse()?, &lines, BaseRule::PerHead)?;
/// let amounts: Vec<String> = plan.lines.iter().map(|l| l.amount.to_string()).collect();
/// assert_eq!(amounts, ["12000.00", "30000.00", "8000.00"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::NoDemands`] for no lines, [`Error::AllZeroWeights`] when no line
/// serves anyone under [`BaseRule::PerHead`], [`Error::MissingQuota`] and
/// [`Error::QuotasExceedPool`] under [`BaseRule::FixedQuotas`].
pub fn allocate_base(pool: Fen, lines: &[ServiceLine], rule: BaseRule) -> Result<PoolAllocation> {
    let ids = || lines.iter().map(|l| l.id.clone());
    let plan = match rule {
        BaseRule::PerHead => apportion(
            pool.get(),
            &lines.iter().map(|l| l.heads).collect::<Vec<_>>(),
            ApportionMethod::Hamilton,
        )?,
        BaseRule::EqualPerLine => {
            apportion(pool.get(), &vec![1; lines.len()], ApportionMethod::Hamilton)?
        }
        BaseRule::FixedQuotas => {
            if lines.is_empty() {
                return Err(Error::NoDemands);
            }
            let mut quotas = Vec::with_capacity(lines.len());
            let mut sum = Fen::ZERO;
            for line in lines {
                let quota = line.quota.ok_or_else(|| Error::MissingQuota {
                    line: line.id.clone(),
                })?;
                sum = sum.checked_add(quota)?;
                quotas.push(quota.get());
            }
            let unallocated = pool
                .checked_sub(sum)
                .ok_or(Error::QuotasExceedPool { quotas: sum, pool })?;
            let reasons = vec![Reason::Fixed; lines.len()];
            return Ok(PoolAllocation::from_parts(
                pool,
                ids(),
                &quotas,
                &reasons,
                unallocated.get(),
            ));
        }
    };
    Ok(PoolAllocation::from_parts(
        pool,
        ids(),
        &plan.parts,
        &plan.reasons,
        plan.unallocated,
    ))
}

/// A request on the dynamic pool: what it asks for and how urgent it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UrgentDemand {
    /// The demand's identifier.
    pub id: String,
    /// Urgency weight (for example a needs score, or 3 / 2 / 1 for red / yellow /
    /// blue).
    pub urgency: Decimal,
    /// The amount asked for: the demand never receives more.
    pub requested: Fen,
}

/// Shares the dynamic pool by urgency-weighted demand: each demand's weight is
/// `urgency × requested`, and no demand receives more than it requested (a capped
/// demand releases the surplus to the others, in proportion to their weights).
///
/// ```
/// use guided_community_pools::{allocate_dynamic, ApportionMethod, Reason, UrgentDemand};
/// use rust_decimal::dec;
///
/// let demand = |id: &str, urgency, requested: &str| -> Result<UrgentDemand, Box<dyn std::error::Error>> {
///     Ok(UrgentDemand { id: id.into(), urgency, requested: requested.parse()? })
/// };
/// let demands = [
///     demand("flooded-basement", dec!(3), "2000")?,
///     demand("summer-childcare", dec!(2), "30000")?,
///     demand("choir-uniforms", dec!(1), "10000")?,
/// ];
/// let plan = allocate_dynamic("30000".parse()?, &demands, ApportionMethod::Hamilton)?;
/// // The most urgent demand is fully funded; its surplus goes to the others.
/// assert_eq!(plan.lines[0].reason, Reason::Capped);
/// let amounts: Vec<String> = plan.lines.iter().map(|l| l.amount.to_string()).collect();
/// assert_eq!(amounts, ["2000.00", "24000.00", "4000.00"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`allocate`], and [`Error::Overflow`] if `urgency × requested` does not fit.
pub fn allocate_dynamic(
    pool: Fen,
    demands: &[UrgentDemand],
    method: ApportionMethod,
) -> Result<PoolAllocation> {
    let weighted = demands
        .iter()
        .map(|d| {
            let weight = d
                .urgency
                .checked_mul(Decimal::from(d.requested.get()))
                .ok_or(Error::Overflow {
                    context: "weighting demand by urgency",
                })?;
            Ok(Demand::new(weight).with_cap(d.requested.get()))
        })
        .collect::<Result<Vec<_>>>()?;
    let plan = allocate(pool.get(), &weighted, method)?;
    Ok(PoolAllocation::from_parts(
        pool,
        demands.iter().map(|d| d.id.clone()),
        &plan.parts,
        &plan.reasons,
        plan.unallocated,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn policies_must_sum_to_100() {
        assert_eq!(
            PoolPolicy::try_new(dec!(70), dec!(30), dec!(5)),
            Err(Error::SharesDoNotSum { sum: dec!(105) })
        );
        assert_eq!(
            PoolPolicy::try_new(dec!(110), dec!(-10), dec!(0)),
            Err(Error::NegativeShare {
                pool: Pool::Dynamic,
                share: dec!(-10)
            })
        );
        assert!(PoolPolicy::try_new(dec!(70), dec!(30), dec!(0)).is_ok());
        let parsed: PoolPolicy =
            serde_json::from_str(r#"{"base": "66.5", "dynamic": "28.5", "emergency": "5"}"#)
                .unwrap();
        assert_eq!(parsed, PoolPolicy::default());
        assert!(
            serde_json::from_str::<PoolPolicy>(
                r#"{"base": "70", "dynamic": "30", "emergency": "5"}"#
            )
            .is_err()
        );
    }

    #[test]
    fn reserve_off_the_top_keeps_the_sum_exact() {
        let third = PoolPolicy::reserve_off_the_top(dec!(10), dec!(2), dec!(1)).unwrap();
        assert_eq!(
            third.base() + third.dynamic() + third.emergency(),
            dec!(100)
        );
        assert_eq!(third.base(), dec!(60));
        let odd = PoolPolicy::reserve_off_the_top(dec!(5), dec!(1), dec!(2)).unwrap();
        assert_eq!(odd.base() + odd.dynamic() + odd.emergency(), dec!(100));
        assert!(PoolPolicy::reserve_off_the_top(dec!(120), dec!(1), dec!(1)).is_err());
        assert!(PoolPolicy::reserve_off_the_top(dec!(5), dec!(0), dec!(0)).is_err());
    }

    #[test]
    fn a_split_sums_to_the_budget() {
        for fen in [0, 1, 2, 3, 99, 100_001, 12_345_678_901, u64::MAX] {
            let split = PoolPolicy::default().split(Fen::new(fen)).unwrap();
            let sum = u128::from(split.base.get())
                + u128::from(split.dynamic.get())
                + u128::from(split.emergency.get());
            assert_eq!(sum, u128::from(fen));
        }
    }

    #[test]
    fn base_rules() {
        let line = |id: &str, heads, quota: Option<u64>| ServiceLine {
            id: id.into(),
            heads,
            quota: quota.map(Fen::new),
        };
        let lines = [
            line("a", 1, Some(300)),
            line("b", 0, Some(200)),
            line("c", 2, Some(100)),
        ];
        let equal = allocate_base(Fen::new(1000), &lines, BaseRule::EqualPerLine).unwrap();
        assert_eq!(
            equal
                .lines
                .iter()
                .map(|l| l.amount.get())
                .collect::<Vec<_>>(),
            [334, 333, 333]
        );
        let per_head = allocate_base(Fen::new(1000), &lines, BaseRule::PerHead).unwrap();
        assert_eq!(
            per_head
                .lines
                .iter()
                .map(|l| l.amount.get())
                .collect::<Vec<_>>(),
            [333, 0, 667]
        );
        assert_eq!(per_head.lines[1].reason, Reason::ZeroWeight);
        let fixed = allocate_base(Fen::new(1000), &lines, BaseRule::FixedQuotas).unwrap();
        assert_eq!(fixed.unallocated, Fen::new(400));
        assert_eq!(fixed.lines[0].reason, Reason::Fixed);
        assert_eq!(
            allocate_base(Fen::new(500), &lines, BaseRule::FixedQuotas),
            Err(Error::QuotasExceedPool {
                quotas: Fen::new(600),
                pool: Fen::new(500)
            })
        );
        let missing = [line("a", 1, None)];
        assert_eq!(
            allocate_base(Fen::new(500), &missing, BaseRule::FixedQuotas),
            Err(Error::MissingQuota { line: "a".into() })
        );
    }

    #[test]
    fn dynamic_pool_never_exceeds_requests() {
        let d = |id: &str, urgency, requested| UrgentDemand {
            id: id.into(),
            urgency,
            requested: Fen::new(requested),
        };
        let plan = allocate_dynamic(
            Fen::new(10_000),
            &[d("a", dec!(1), 100), d("b", dec!(1), 200)],
            ApportionMethod::Hamilton,
        )
        .unwrap();
        assert_eq!(
            plan.lines
                .iter()
                .map(|l| l.amount.get())
                .collect::<Vec<_>>(),
            [100, 200]
        );
        assert_eq!(plan.unallocated, Fen::new(9700));
        let plan = allocate_dynamic(
            Fen::new(90),
            &[d("a", dec!(2), 100), d("b", dec!(1), 200)],
            ApportionMethod::Hamilton,
        )
        .unwrap();
        // Weights 200 and 200: an even split.
        assert_eq!(
            plan.lines
                .iter()
                .map(|l| l.amount.get())
                .collect::<Vec<_>>(),
            [45, 45]
        );
    }
}
