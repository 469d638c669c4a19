//! The Alkire–Foster dual cut-off (the method behind the global Multidimensional
//! Poverty Index), with exact weights.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::matrix::{Direction, Matrix};
use crate::score::Diagnostic;
use crate::unit::{Unit, UnitId};
use crate::{Error, Result};

/// A deprivation cut-off for one indicator. A unit is deprived in the indicator
/// when its value is on the need side of the cut-off: below it for a less-need
/// indicator (income under the local minimum), at or above it for a more-need one
/// (aged 80 or more).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cutoff {
    /// The indicator.
    pub indicator: String,
    /// The cut-off value.
    pub value: f64,
}

/// The dual cut-off: a cut-off per indicator, and `k`, the weighted share of
/// deprivations (in percent) at which a unit is in need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MpiOptions {
    /// One cut-off for every indicator of the matrix.
    pub cutoffs: Vec<Cutoff>,
    /// The second cut-off, in percent of the total weight (the global MPI uses 33⅓).
    #[serde(deserialize_with = "crate::lenient::decimal")]
    pub k: Decimal,
}

impl MpiOptions {
    /// The dual cut-off: `cutoffs` for the indicators, and `k` in percent.
    pub fn new(cutoffs: Vec<Cutoff>, k: Decimal) -> Self {
        Self { cutoffs, k }
    }
}

/// One unit under the dual cut-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MpiUnit {
    /// The unit.
    pub id: UnitId,
    /// Its weighted deprivation share, in percent.
    pub deprivation: Decimal,
    /// Whether `deprivation ≥ k`.
    pub in_need: bool,
    /// The indicators it is deprived in.
    pub deprived: Vec<String>,
}

/// The result: every unit, and the headcount ratio `H`, the intensity `A` and the
/// index `M₀ = H × A`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mpi {
    /// The units that could be assessed, in input order.
    pub units: Vec<MpiUnit>,
    /// `H`: the share of units in need, 0–1.
    pub headcount: Decimal,
    /// `A`: the average deprivation share of the units in need, 0–1 (0 when none is).
    pub intensity: Decimal,
    /// `M₀ = H × A`, 0–1.
    pub index: Decimal,
    /// Units with a missing or invalid value (the index needs complete data).
    pub diagnostics: Vec<Diagnostic>,
}

/// Applies the dual cut-off.
///
/// An indicator's weight is its dimension's weight shared among the dimension's
/// indicators by their parts. All weights are exact rationals, and a unit exactly
/// on `k` is in need: with three equally weighted dimensions and `k = 33⅓`, one
/// deprivation counts — no rounding can flip that.
///
/// ```
/// use guided_community_needs::{multidimensional_index, Cutoff, Matrix, MpiOptions, Unit};
/// use rust_decimal::Decimal;
///
/// let matrix: Matrix = serde_json::from_str(r#"{"dimensions": [
///   {"id": "income", "name": "Income", "weight": "50", "indicators": [
///     {"id": "income", "source": "income checks", "direction": "less-need", "normalization": {"kind": "min-max"}}]},
///   {"id": "age", "name": "Age", "weight": "50", "indicators": [
///     {"id": "age", "source": "census", "direction": "more-need", "normalization": {"kind": "min-max"}}]}]}"#)?;
/// let options = MpiOptions::new(
///     vec![Cutoff { indicator: "income".into(), value: 1.0 }, Cutoff { indicator: "age".into(), value: 80.0 }],
///     Decimal::from(50),
/// );
/// let units = [
///     Unit::new("h1", vec![Some(0.8), Some(85.0)]),
///     Unit::new("h2", vec![Some(0.8), Some(70.0)]),
///     Unit::new("h3", vec![Some(2.0), Some(60.0)]),
/// ];
/// let mpi = multidimensional_index(&matrix, &units, &options)?;
/// assert_eq!(mpi.units.iter().filter(|u| u.in_need).count(), 2); // h2 is exactly on k
/// assert_eq!(mpi.index.to_string(), "0.5"); // (100% + 50%) / (3 × 100%)
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::NoCutoff`] when an indicator has no cut-off, [`Error::InvalidOption`]
/// for `k` outside 0..=100, and [`Error::Overflow`].
pub fn multidimensional_index(
    matrix: &Matrix,
    units: &[Unit],
    options: &MpiOptions,
) -> Result<Mpi> {
    if options.k < Decimal::ZERO || options.k > Decimal::ONE_HUNDRED {
        return Err(Error::InvalidOption {
            reason: "k must be within 0..=100".to_owned(),
        });
    }
    let overflow = || Error::Overflow {
        context: "weighting deprivations".to_owned(),
    };
    // Exact weights: scale by the lcm of the dimensions' part totals, so that every
    // indicator's weight is a decimal.
    let mut scale = Decimal::ONE;
    for dim in matrix.dimensions() {
        let parts = dim
            .indicators
            .iter()
            .try_fold(Decimal::ZERO, |acc, i| acc.checked_add(i.weight))
            .ok_or_else(overflow)?;
        scale = lcm(scale, parts).ok_or_else(overflow)?;
    }
    let mut plan = Vec::new();
    for dim in matrix.dimensions() {
        let parts = dim
            .indicators
            .iter()
            .try_fold(Decimal::ZERO, |acc, i| acc.checked_add(i.weight))
            .ok_or_else(overflow)?;
        for indicator in &dim.indicators {
            let cutoff = options
                .cutoffs
                .iter()
                .find(|c| c.indicator == indicator.id)
                .ok_or_else(|| Error::NoCutoff {
                    indicator: indicator.id.clone(),
                })?;
            // weight × scale = dim.weight × parts_i × (scale / parts): exact.
            let weight = scale
                .checked_div(parts)
                .and_then(|s| s.checked_mul(indicator.weight))
                .and_then(|s| s.checked_mul(dim.weight))
                .ok_or_else(overflow)?;
            plan.push((
                indicator.id.as_str(),
                indicator.direction,
                cutoff.value,
                weight,
            ));
        }
    }
    let k_scaled = options.k.checked_mul(scale).ok_or_else(overflow)?;
    let mut assessed = Vec::new();
    let mut diagnostics = Vec::new();
    for unit in units {
        match assess(unit, &plan, scale, k_scaled) {
            Ok(result) => assessed.push(result),
            Err(error) => diagnostics.push(Diagnostic {
                unit: unit.id.clone(),
                error,
            }),
        }
    }
    let n = Decimal::from(assessed.len());
    let poor: Vec<&MpiUnit> = assessed.iter().filter(|u| u.in_need).collect();
    let q = Decimal::from(poor.len());
    let sum = poor
        .iter()
        .try_fold(Decimal::ZERO, |acc, u| acc.checked_add(u.deprivation))
        .ok_or_else(overflow)?;
    let ratio = |a: Decimal, b: Decimal| {
        if b.is_zero() {
            Some(Decimal::ZERO)
        } else {
            a.checked_div(b)
        }
    };
    let headcount = ratio(q, n).ok_or_else(overflow)?.normalize();
    let intensity = ratio(
        sum,
        q.checked_mul(Decimal::ONE_HUNDRED).ok_or_else(overflow)?,
    )
    .ok_or_else(overflow)?
    .normalize();
    let index = ratio(
        sum,
        n.checked_mul(Decimal::ONE_HUNDRED).ok_or_else(overflow)?,
    )
    .ok_or_else(overflow)?
    .normalize();
    Ok(Mpi {
        units: assessed,
        headcount,
        intensity,
        index,
        diagnostics,
    })
}

fn assess(
    unit: &Unit,
    plan: &[(&str, Direction, f64, Decimal)],
    scale: Decimal,
    k_scaled: Decimal,
) -> Result<MpiUnit> {
    if unit.values.len() != plan.len() {
        return Err(Error::WrongValueCount {
            unit: unit.id.to_string(),
            expected: plan.len(),
            got: unit.values.len(),
        });
    }
    let mut score = Decimal::ZERO;
    let mut deprived = Vec::new();
    for (value, &(indicator, direction, cutoff, weight)) in unit.values.iter().zip(plan) {
        let missing = || Error::MissingValue {
            unit: unit.id.to_string(),
            indicator: indicator.to_owned(),
        };
        let v = value.ok_or_else(missing)?;
        if !v.is_finite() {
            return Err(Error::NonFiniteValue {
                unit: unit.id.to_string(),
                indicator: indicator.to_owned(),
            });
        }
        let is_deprived = match direction {
            Direction::LessNeed => v < cutoff,
            Direction::MoreNeed => v >= cutoff,
        };
        if is_deprived {
            score = score.checked_add(weight).ok_or_else(|| Error::Overflow {
                context: "summing deprivations".to_owned(),
            })?;
            deprived.push(indicator.to_owned());
        }
    }
    let deprivation = score
        .checked_div(scale)
        .unwrap_or(Decimal::ZERO)
        .normalize();
    Ok(MpiUnit {
        id: unit.id.clone(),
        deprivation,
        in_need: score >= k_scaled && !score.is_zero(),
        deprived,
    })
}

/// The least common multiple of two positive integers held as decimals (parts
/// with decimals are scaled to integers first).
fn lcm(first: Decimal, second: Decimal) -> Option<Decimal> {
    let scale = first.scale().max(second.scale());
    let factor = Decimal::from(10u64.checked_pow(scale)?);
    let to_int = |value: Decimal| -> Option<u128> {
        u128::try_from(value.checked_mul(factor)?.trunc()).ok()
    };
    let (left, right) = (to_int(first)?, to_int(second)?);
    let (mut gcd, mut rest) = (left, right);
    while rest != 0 {
        (gcd, rest) = (rest, gcd % rest);
    }
    let multiple = left.checked_div(gcd.max(1))?.checked_mul(right)?;
    Decimal::from_i128_with_scale(i128::try_from(multiple).ok()?, 0).checked_div(factor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::{Dimension, Indicator, MissingPolicy, Normalization};

    fn thirds() -> Matrix {
        let dim = |id: &str, weight: Decimal, parts: &[i64]| Dimension {
            id: id.into(),
            name: id.into(),
            weight,
            indicators: parts
                .iter()
                .enumerate()
                .map(|(n, &p)| Indicator {
                    id: format!("{id}{n}"),
                    source: "test".into(),
                    direction: Direction::MoreNeed,
                    normalization: Normalization::MinMax,
                    weight: Decimal::from(p),
                })
                .collect(),
            missing: MissingPolicy::Reject,
        };
        // 33.33 + 33.33 + 33.34, the middle dimension split 1 : 2 (weights 11.11… and 22.22…).
        Matrix::try_new(vec![
            dim("a", Decimal::new(3333, 2), &[1]),
            dim("b", Decimal::new(3333, 2), &[1, 2]),
            dim("c", Decimal::new(3334, 2), &[1]),
        ])
        .unwrap()
    }

    fn options(k: Decimal) -> MpiOptions {
        let cut = |indicator: &str| Cutoff {
            indicator: indicator.into(),
            value: 1.0,
        };
        MpiOptions {
            cutoffs: vec![cut("a0"), cut("b0"), cut("b1"), cut("c0")],
            k,
        }
    }

    #[test]
    fn exactly_on_k_is_in_need() {
        // Deprived in b1 only: 33.33 × 2/3 = 22.22 exactly as a rational.
        let units = [Unit::new(
            "u",
            vec![Some(0.0), Some(0.0), Some(1.0), Some(0.0)],
        )];
        let at =
            multidimensional_index(&thirds(), &units, &options(Decimal::new(2222, 2))).unwrap();
        assert!(at.units[0].in_need, "22.22 ≥ 22.22");
        let k_below =
            multidimensional_index(&thirds(), &units, &options(Decimal::new(22219, 3))).unwrap();
        assert!(k_below.units[0].in_need);
        let k_above =
            multidimensional_index(&thirds(), &units, &options(Decimal::new(22221, 3))).unwrap();
        assert!(!k_above.units[0].in_need);
        // Deprived in b0 only: 33.33 × 1/3 = 11.11, exactly on k.
        let units = [Unit::new(
            "v",
            vec![Some(0.0), Some(1.0), Some(0.0), Some(0.0)],
        )];
        let result =
            multidimensional_index(&thirds(), &units, &options(Decimal::new(1111, 2))).unwrap();
        assert!(result.units[0].in_need, "33.33/3 = 11.11 exactly");
        assert_eq!(result.units[0].deprivation, Decimal::new(1111, 2));
    }

    #[test]
    fn headcount_intensity_and_index() {
        let units = [
            Unit::new("all", vec![Some(1.0), Some(1.0), Some(1.0), Some(1.0)]),
            Unit::new("none", vec![Some(0.0), Some(0.0), Some(0.0), Some(0.0)]),
            Unit::new("missing", vec![Some(0.0), None, Some(0.0), Some(0.0)]),
        ];
        let mpi = multidimensional_index(&thirds(), &units, &options(Decimal::from(30))).unwrap();
        assert_eq!(mpi.headcount, Decimal::new(5, 1));
        assert_eq!(mpi.intensity, Decimal::ONE);
        assert_eq!(mpi.index, Decimal::new(5, 1));
        assert_eq!(mpi.diagnostics.len(), 1);
        let mut no_cut = options(Decimal::from(30));
        no_cut.cutoffs.pop();
        assert_eq!(
            multidimensional_index(&thirds(), &units, &no_cut),
            Err(Error::NoCutoff {
                indicator: "c0".into()
            })
        );
    }
}
