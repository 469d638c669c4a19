//! The article's indicators (效果评估), each with its target and a verdict.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// How a value is compared with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Comparison {
    /// The value must exceed the target.
    Above,
    /// The value must stay below the target.
    Below,
}

/// A target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Target {
    /// Above or below.
    pub comparison: Comparison,
    /// The threshold.
    pub value: Decimal,
}

/// Whether an indicator met its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Met.
    Met,
    /// Missed.
    Missed,
}

/// An indicator's value, target and verdict. Rates are fractions (0.6 is 60%).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Indicator {
    /// The indicator's key, e.g. `participation_rate`.
    pub name: String,
    /// Its value.
    pub value: Decimal,
    /// Its target, if the article sets one.
    pub target: Option<Target>,
    /// The verdict, when there is a target.
    pub verdict: Option<Verdict>,
}

fn indicator(name: &str, value: Decimal, target: Option<Target>) -> Indicator {
    let verdict = target.map(|t| {
        let met = match t.comparison {
            Comparison::Above => value > t.value,
            Comparison::Below => value < t.value,
        };
        if met { Verdict::Met } else { Verdict::Missed }
    });
    Indicator {
        name: name.to_owned(),
        value: value.normalize(),
        target,
        verdict,
    }
}

fn above(value: Decimal) -> Target {
    Target {
        comparison: Comparison::Above,
        value,
    }
}

fn below(value: Decimal) -> Target {
    Target {
        comparison: Comparison::Below,
        value,
    }
}

fn fraction(part: Decimal, whole: Decimal, name: &'static str) -> Result<Decimal> {
    if whole <= Decimal::ZERO {
        return Err(Error::InvalidParameter { name, value: whole });
    }
    if part.is_sign_negative() && !part.is_zero() {
        return Err(Error::InvalidParameter {
            name: "count",
            value: part,
        });
    }
    part.checked_div(whole).ok_or(Error::Overflow {
        context: "dividing",
    })
}

/// Participation rate (参与率), target above 60%: residents who took part / residents.
///
/// ```
/// use guided_community_metrics::{participation_rate, Verdict};
///
/// let rate = participation_rate(670, 1000)?; // 邻里荟: 18% → 67%
/// assert_eq!((rate.value.to_string(), rate.verdict), ("0.67".to_string(), Some(Verdict::Met)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidParameter`] for no residents.
pub fn participation_rate(participants: u64, residents: u64) -> Result<Indicator> {
    let value = fraction(participants.into(), residents.into(), "residents")?;
    Ok(indicator(
        "participation_rate",
        value,
        Some(above(Decimal::new(6, 1))),
    ))
}

/// Proposals per 100 households per year (提案数), target above 5.
///
/// # Errors
///
/// [`Error::InvalidParameter`] for no households or a non-positive period.
pub fn proposals_per_100_households(
    proposals: u64,
    households: u64,
    years: Decimal,
) -> Result<Indicator> {
    let per_household = fraction(proposals.into(), households.into(), "households")?;
    let per_year = fraction(per_household, years, "years")?;
    let value = per_year
        .checked_mul(Decimal::ONE_HUNDRED)
        .ok_or(Error::Overflow { context: "scaling" })?;
    Ok(indicator(
        "proposals_per_100_households",
        value,
        Some(above(Decimal::from(5))),
    ))
}

/// Growth of resident leaders (居民骨干增长率) per year, target above 10%: simple,
/// not compound, `(now − before) / before / years`.
///
/// # Errors
///
/// [`Error::InvalidParameter`] for no leaders before or a non-positive period.
pub fn leader_growth(before: u64, now: u64, years: Decimal) -> Result<Indicator> {
    if before == 0 {
        return Err(Error::InvalidParameter {
            name: "leaders before",
            value: Decimal::ZERO,
        });
    }
    if years <= Decimal::ZERO {
        return Err(Error::InvalidParameter {
            name: "years",
            value: years,
        });
    }
    let (before, now) = (Decimal::from(before), Decimal::from(now));
    let value = (now - before)
        .checked_div(before)
        .and_then(|g| g.checked_div(years))
        .ok_or(Error::Overflow {
            context: "dividing",
        })?;
    Ok(indicator(
        "leader_growth_per_year",
        value,
        Some(above(Decimal::new(1, 1))),
    ))
}

/// The mismatch rate (资源错配率) as an indicator, target below 10%; see
/// [`crate::mismatch_rate`].
///
/// # Errors
///
/// As [`crate::mismatch_rate`].
pub fn mismatch(allocation: &[Decimal], need: &[Decimal]) -> Result<Indicator> {
    let value = crate::mismatch_rate(allocation, need)?;
    Ok(indicator(
        "mismatch_rate",
        value,
        Some(below(Decimal::new(1, 1))),
    ))
}

/// Complaint rate (投诉率): complaints per household in the period (no target).
///
/// # Errors
///
/// [`Error::InvalidParameter`] for no households.
pub fn complaint_rate(complaints: u64, households: u64) -> Result<Indicator> {
    let value = fraction(complaints.into(), households.into(), "households")?;
    Ok(indicator("complaint_rate", value, None))
}

/// The satisfaction difference coefficient across groups (满意度差异系数), target below
/// 0.3. Convention: the population coefficient of variation (σ over n, σ / μ) of the
/// groups' satisfaction rates, each group counted once whatever its size.
///
/// ```
/// use guided_community_metrics::{satisfaction_difference, Verdict};
/// use rust_decimal::dec;
///
/// let even = satisfaction_difference(&[dec!(0.9), dec!(0.85), dec!(0.88)])?;
/// assert_eq!(even.verdict, Some(Verdict::Met));
/// let split = satisfaction_difference(&[dec!(0.95), dec!(0.30)])?;
/// assert_eq!(split.verdict, Some(Verdict::Missed));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::NoValues`], [`Error::NegativeValue`], [`Error::ZeroTotal`] (all zero).
pub fn satisfaction_difference(group_satisfaction: &[Decimal]) -> Result<Indicator> {
    let m = crate::inequality::<&str>(group_satisfaction, None)?;
    let value = m.cv_population.unwrap_or_default();
    Ok(indicator(
        "satisfaction_difference",
        value,
        Some(below(Decimal::new(3, 1))),
    ))
}

/// Utilisation (资源利用率), target above 85%: used / capacity.
///
/// # Errors
///
/// [`Error::InvalidParameter`] for no capacity.
pub fn utilisation(used: Decimal, capacity: Decimal) -> Result<Indicator> {
    let value = fraction(used, capacity, "capacity")?;
    Ok(indicator(
        "utilisation",
        value,
        Some(above(Decimal::new(85, 2))),
    ))
}

/// Resolution cycle (解决周期): the mean days from receipt to resolution (no target).
///
/// # Errors
///
/// [`Error::NoValues`] for no resolved cases.
pub fn resolution_cycle(days: &[Decimal]) -> Result<Indicator> {
    if days.is_empty() {
        return Err(Error::NoValues);
    }
    let total = days
        .iter()
        .try_fold(Decimal::ZERO, |s, &d| s.checked_add(d))
        .ok_or(Error::Overflow {
            context: "summing days",
        })?;
    let value = total
        .checked_div(Decimal::from(days.len()))
        .ok_or(Error::Overflow {
            context: "dividing",
        })?;
    Ok(indicator("resolution_cycle_days", value, None))
}

/// Cost-benefit ratio (投入产出比), target above 3 (better than 1 : 3): benefit / cost.
///
/// # Errors
///
/// [`Error::InvalidParameter`] for no cost.
pub fn cost_benefit(cost: Decimal, benefit: Decimal) -> Result<Indicator> {
    let value = fraction(benefit, cost, "cost")?;
    Ok(indicator(
        "benefit_per_cost",
        value,
        Some(above(Decimal::from(3))),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn verdicts_follow_the_article() {
        assert_eq!(
            participation_rate(600, 1000).unwrap().verdict,
            Some(Verdict::Missed),
            "60% is not above 60%"
        );
        assert_eq!(
            participation_rate(601, 1000).unwrap().verdict,
            Some(Verdict::Met)
        );
        assert_eq!(
            proposals_per_100_households(13, 200, dec!(1))
                .unwrap()
                .value,
            dec!(6.5)
        );
        assert_eq!(leader_growth(40, 48, dec!(1)).unwrap().value, dec!(0.2));
        assert_eq!(leader_growth(40, 30, dec!(2)).unwrap().value, dec!(-0.125));
        assert_eq!(
            mismatch(&[dec!(91), dec!(9)], &[dec!(1), dec!(0)])
                .unwrap()
                .verdict,
            Some(Verdict::Met)
        );
        assert_eq!(
            utilisation(dec!(86), dec!(100)).unwrap().verdict,
            Some(Verdict::Met)
        );
        assert_eq!(cost_benefit(dec!(10), dec!(45)).unwrap().value, dec!(4.5));
        assert_eq!(
            resolution_cycle(&[dec!(1), dec!(2), dec!(6)])
                .unwrap()
                .value,
            dec!(3)
        );
        assert!(complaint_rate(3, 100).unwrap().verdict.is_none());
        assert!(participation_rate(1, 0).is_err());
        assert!(leader_growth(0, 5, dec!(1)).is_err());
    }
}
