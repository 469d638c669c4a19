//! Co-funding (多方协同): a project's cost split to the fen among funders by its need
//! class; and the property-fee trust (信托制物业), where a quality score moves the fee.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::apportion::{Demand, allocate};
use crate::problem::ApportionMethod;
use crate::{Error, Fen, Result};

/// The class of need a project serves, which decides who pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NeedClass {
    /// Basic livelihood (基础民生: elderly care, childcare).
    BasicLivelihood,
    /// Improvement (改善型: cultural activities).
    Improvement,
    /// Special needs (特殊需求: services for disabled residents).
    SpecialNeeds,
}

impl core::fmt::Display for NeedClass {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::BasicLivelihood => "basic-livelihood",
            Self::Improvement => "improvement",
            Self::SpecialNeeds => "special-needs",
        })
    }
}

/// One funder's ratio in a rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Contribution {
    /// The funder (`government`, `market`, `residents`, `foundation`, …).
    pub party: String,
    /// Its ratio: only proportions matter (3 : 3 : 4 and 30 : 30 : 40 agree).
    pub ratio: Decimal,
}

/// What one funder pays for a project.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Payment {
    /// The funder.
    pub party: String,
    /// Its part of the cost; the parts sum to the cost.
    pub amount: Fen,
}

/// Co-funding rules per need class, as data.
///
/// ```
/// use guided_community_pools::{CoFundingRules, NeedClass};
///
/// let rules = CoFundingRules::default();
/// let split = rules.split(NeedClass::Improvement, "1000.01".parse()?)?;
/// let parts: Vec<(String, String)> = split.iter().map(|p| (p.party.clone(), p.amount.to_string())).collect();
/// // Quotas of 30000.3, 30000.3 and 40000.4 fen: the odd fen goes to the largest
/// // remainder.
/// assert_eq!(parts, [
///     ("government".to_string(), "300.00".to_string()),
///     ("market".to_string(), "300.00".to_string()),
///     ("residents".to_string(), "400.01".to_string()),
/// ]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    try_from = "BTreeMap<NeedClass, Vec<Contribution>>",
    into = "BTreeMap<NeedClass, Vec<Contribution>>"
)]
pub struct CoFundingRules(BTreeMap<NeedClass, Vec<Contribution>>);

impl CoFundingRules {
    /// Validates rules: each class names at least one funder, no ratio is negative,
    /// and at least one ratio per class is positive.
    ///
    /// # Errors
    ///
    /// [`Error::NegativeWeight`] for a negative ratio and [`Error::AllZeroWeights`]
    /// for a class with no positive ratio.
    pub fn try_new(rules: BTreeMap<NeedClass, Vec<Contribution>>) -> Result<Self> {
        for contributions in rules.values() {
            let mut positive = false;
            for (index, c) in contributions.iter().enumerate() {
                if c.ratio.is_sign_negative() && !c.ratio.is_zero() {
                    return Err(Error::NegativeWeight {
                        index,
                        weight: c.ratio,
                    });
                }
                positive |= c.ratio > Decimal::ZERO;
            }
            if !positive {
                return Err(Error::AllZeroWeights);
            }
        }
        Ok(Self(rules))
    }

    /// The articles' values: [`CoFundingRules::default`].
    pub(crate) fn article() -> Self {
        let c = |party: &str, ratio: i64| Contribution {
            party: party.to_owned(),
            ratio: Decimal::from(ratio),
        };
        Self(BTreeMap::from([
            (
                NeedClass::BasicLivelihood,
                vec![c("government", 70), c("market", 15), c("residents", 15)],
            ),
            (
                NeedClass::Improvement,
                vec![c("government", 3), c("market", 3), c("residents", 4)],
            ),
            (
                NeedClass::SpecialNeeds,
                vec![c("government", 8), c("foundation", 2)],
            ),
        ]))
    }

    /// The rule for a class, if there is one.
    pub fn rule(&self, class: NeedClass) -> Option<&[Contribution]> {
        self.0.get(&class).map(Vec::as_slice)
    }

    /// Splits `cost` among the class's funders in proportion to their ratios,
    /// exactly to the fen (largest remainder; ties to the funder listed first).
    ///
    /// # Errors
    ///
    /// [`Error::NoFundingRule`] when the class has no rule.
    pub fn split(&self, class: NeedClass, cost: Fen) -> Result<Vec<Payment>> {
        let rule = self.0.get(&class).ok_or(Error::NoFundingRule { class })?;
        let demands: Vec<Demand> = rule.iter().map(|c| Demand::new(c.ratio)).collect();
        let plan = allocate(cost.get(), &demands, ApportionMethod::Hamilton)?;
        Ok(rule
            .iter()
            .zip(plan.parts)
            .map(|(c, amount)| Payment {
                party: c.party.clone(),
                amount: Fen::new(amount),
            })
            .collect())
    }
}

impl Default for CoFundingRules {
    /// The article's rules: basic livelihood, government 70% and the rest shared
    /// equally by the market (low-cost services, sponsors) and residents (15% each:
    /// the article leaves the remaining 30% to local choice); improvement,
    /// government : market : residents = 3 : 3 : 4; special needs,
    /// government : foundation = 8 : 2.
    fn default() -> Self {
        Self::article()
    }
}

impl TryFrom<BTreeMap<NeedClass, Vec<Contribution>>> for CoFundingRules {
    type Error = Error;

    fn try_from(rules: BTreeMap<NeedClass, Vec<Contribution>>) -> Result<Self> {
        Self::try_new(rules)
    }
}

impl From<CoFundingRules> for BTreeMap<NeedClass, Vec<Contribution>> {
    fn from(rules: CoFundingRules) -> Self {
        rules.0
    }
}

/// How a quality score moves the property fee under a property-fee trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FeePolicy {
    /// The score (0–100) at which the fee does not move.
    pub neutral_score: Decimal,
    /// Percent the fee moves per point of score above or below neutral.
    pub percent_per_point: Decimal,
    /// The most the fee may move, in percent either way.
    pub max_change_percent: Decimal,
}

impl Default for FeePolicy {
    /// Neutral at 80, half a percent per point, at most ±10% (the article's Chengdu
    /// trust).
    fn default() -> Self {
        Self {
            neutral_score: Decimal::from(80),
            percent_per_point: Decimal::new(5, 1),
            max_change_percent: Decimal::from(10),
        }
    }
}

/// The fee for a quarter and how it was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FeeDecision {
    /// The base fee.
    pub base: Fen,
    /// The quarter's fee: the base moved by `change_percent`, to the nearest fen
    /// (halves away from zero).
    pub fee: Fen,
    /// The move, in percent.
    pub change_percent: Decimal,
    /// Whether the move was limited to the maximum.
    pub clamped: bool,
}

/// The quarter's property fee under the trust: residents' quality score moves the
/// fee, by at most the policy's maximum either way.
///
/// ```
/// use guided_community_pools::{adjust_fee, FeePolicy};
/// use rust_decimal::dec;
///
/// let base = "2.80".parse()?; // yuan per square metre per month
/// let good = adjust_fee(base, dec!(90), &FeePolicy::default())?;
/// assert_eq!((good.fee.to_string(), good.change_percent), ("2.94".to_string(), dec!(5)));
/// let poor = adjust_fee(base, dec!(40), &FeePolicy::default())?;
/// assert_eq!((poor.fee.to_string(), poor.clamped), ("2.52".to_string(), true)); // −10% at most
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::ScoreOutOfRange`] for a score outside 0–100, [`Error::InvalidPolicy`]
/// for a negative maximum or rate, and [`Error::Overflow`].
pub fn adjust_fee(base: Fen, score: Decimal, policy: &FeePolicy) -> Result<FeeDecision> {
    if score < Decimal::ZERO || score > Decimal::ONE_HUNDRED {
        return Err(Error::ScoreOutOfRange { score });
    }
    if policy.max_change_percent.is_sign_negative() || policy.percent_per_point.is_sign_negative() {
        return Err(Error::InvalidPolicy {
            reason: "percent_per_point and max_change_percent must not be negative",
        });
    }
    let overflow = || Error::Overflow {
        context: "adjusting the fee",
    };
    let raw = score
        .checked_sub(policy.neutral_score)
        .and_then(|d| d.checked_mul(policy.percent_per_point))
        .ok_or_else(overflow)?;
    let max = policy.max_change_percent;
    let change = raw.clamp(-max, max);
    let fee = Decimal::from(base.get())
        .checked_mul(
            Decimal::ONE_HUNDRED
                .checked_add(change)
                .ok_or_else(overflow)?,
        )
        .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
        .ok_or_else(overflow)?
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    let fee = u64::try_from(fee.max(Decimal::ZERO)).map_err(|_| overflow())?;
    Ok(FeeDecision {
        base,
        fee: Fen::new(fee),
        change_percent: change.normalize(),
        clamped: change != raw,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn article_ratios() {
        let rules = CoFundingRules::default();
        let amounts = |class, cost| -> Vec<u64> {
            rules
                .split(class, Fen::new(cost))
                .unwrap()
                .iter()
                .map(|p| p.amount.get())
                .collect()
        };
        assert_eq!(
            amounts(NeedClass::BasicLivelihood, 100_000),
            [70_000, 15_000, 15_000]
        );
        assert_eq!(
            amounts(NeedClass::Improvement, 100_000),
            [30_000, 30_000, 40_000]
        );
        assert_eq!(amounts(NeedClass::SpecialNeeds, 100_000), [80_000, 20_000]);
        // To the fen, always summing to the cost.
        for cost in [0, 1, 7, 99_999, 123_456_789] {
            for class in [
                NeedClass::BasicLivelihood,
                NeedClass::Improvement,
                NeedClass::SpecialNeeds,
            ] {
                assert_eq!(amounts(class, cost).iter().sum::<u64>(), cost);
            }
        }
    }

    #[test]
    fn rules_are_data() {
        let json = r#"{"special-needs": [{"party": "government", "ratio": "8"}, {"party": "foundation", "ratio": "2"}]}"#;
        let rules: CoFundingRules = serde_json::from_str(json).unwrap();
        assert_eq!(
            rules.split(NeedClass::SpecialNeeds, Fen::new(10)).unwrap()[1].amount,
            Fen::new(2)
        );
        assert_eq!(
            rules.split(NeedClass::Improvement, Fen::new(10)),
            Err(Error::NoFundingRule {
                class: NeedClass::Improvement
            })
        );
        let zero = r#"{"improvement": [{"party": "government", "ratio": "0"}]}"#;
        assert!(serde_json::from_str::<CoFundingRules>(zero).is_err());
    }

    #[test]
    fn fee_moves_within_ten_percent() {
        let policy = FeePolicy::default();
        let fee = |score| adjust_fee(Fen::new(10_000), score, &policy).unwrap();
        assert_eq!(fee(dec!(80)).fee, Fen::new(10_000));
        assert_eq!(fee(dec!(100)).fee, Fen::new(11_000));
        assert!(!fee(dec!(100)).clamped, "exactly +10% is not clamped");
        assert!(fee(dec!(0)).clamped);
        assert_eq!(fee(dec!(0)).fee, Fen::new(9_000));
        assert_eq!(fee(dec!(81)).fee, Fen::new(10_050));
        for score in 0..=100 {
            let f = fee(Decimal::from(score)).fee.get();
            assert!((9_000..=11_000).contains(&f));
        }
        assert_eq!(
            adjust_fee(Fen::new(1), dec!(101), &policy),
            Err(Error::ScoreOutOfRange { score: dec!(101) })
        );
        // Rounding to the fen: 3 fen × 1.005 = 3.015 → 3.
        assert_eq!(
            adjust_fee(Fen::new(3), dec!(81), &policy).unwrap().fee,
            Fen::new(3)
        );
    }
}
