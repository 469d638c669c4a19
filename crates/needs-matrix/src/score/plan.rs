//! The normalisation plan: each indicator's and dimension's part in a score, and
//! each normalisation made ready for one cohort.

use crate::Error;
use crate::Result;
use crate::detmath;
use crate::matrix::Direction;
use crate::matrix::Matrix;
use crate::matrix::MissingPolicy;
use crate::matrix::Normalization;
use crate::matrix::WEIGHT_DECIMALS;
use rust_decimal::Decimal;

use super::round::PICO;

/// What scoring needs to know about one indicator.
pub(super) struct IndicatorPlan<'a> {
    pub(super) id: &'a str,
    pub(super) direction: Direction,
    pub(super) normalization: &'a Normalization,
    /// Its weight among its dimension's indicators.
    pub(super) parts: f64,
    pub(super) policy: MissingPolicy,
}

/// What scoring needs to know about one dimension.
pub(super) struct DimensionPlan {
    /// Weight in 10⁻¹² points (weights have at most 12 decimals of a percent).
    pub(super) weight: u64,
    /// Its indicators' range in the flat indicator order.
    pub(super) first: usize,
    pub(super) end: usize,
}

/// A normalisation made ready for one cohort.
pub(super) enum Column {
    /// Min-max and rubric bands: one value at a time.
    Pointwise(Pointwise),
    /// Percentile and exponential rank: against the sorted column.
    Ranked {
        keys: Vec<f64>,
        direction: Direction,
        exponential: bool,
    },
}

/// A normalisation that needs nothing but the value (and the cohort's range).
pub(super) enum Pointwise {
    /// `(v − origin) / scale`, clamped to `[0, 1]`: min-max, with the origin at
    /// the minimum (more need) or at the maximum and a negative scale (less need;
    /// `(v − max) / −range` is `(max − v) / range` to the bit).
    Linear { origin: f64, scale: f64 },
    /// A constant (or empty) column: no need.
    Zero,
    /// Rubric bands `(at_least, need)`, ascending.
    Bands(Vec<(f64, f64)>),
}

impl Pointwise {
    /// The need of `v`, in `[0, 1]`; NaN (missing) stays NaN.
    pub(super) fn need(&self, v: f64) -> f64 {
        match self {
            Pointwise::Linear { origin, scale } => ((v - origin) / scale).clamp(0.0, 1.0),
            _ if v.is_nan() => f64::NAN,
            Pointwise::Zero => 0.0,
            Pointwise::Bands(bands) => {
                let i = bands.partition_point(|b| b.0 <= v);
                i.checked_sub(1)
                    .and_then(|i| bands.get(i))
                    .map_or(0.0, |b| b.1)
            }
        }
    }
}

impl Column {
    /// The normalisation of a column whose present (non-NaN) values lie in
    /// `range`; `None` for a ranked normalisation, which needs the column itself.
    pub(super) fn pointwise(plan: &IndicatorPlan<'_>, range: Range) -> Option<Pointwise> {
        match plan.normalization {
            Normalization::Rubric(rubric) => Some(Pointwise::Bands(
                rubric
                    .bands
                    .iter()
                    .map(|b| (b.at_least, f64::try_from(b.need).unwrap_or(0.0) / 100.0))
                    .collect(),
            )),
            Normalization::MinMax => {
                let span = range.max - range.min;
                Some(if span > 0.0 {
                    match plan.direction {
                        Direction::MoreNeed => Pointwise::Linear {
                            origin: range.min,
                            scale: span,
                        },
                        Direction::LessNeed => Pointwise::Linear {
                            origin: range.max,
                            scale: -span,
                        },
                    }
                } else {
                    Pointwise::Zero
                })
            }
            Normalization::Percentile | Normalization::ExponentialRank => None,
        }
    }

    /// The normalisation of `values`, whose present (non-NaN) values lie in
    /// `range` (taken while admitting them).
    pub(super) fn build(plan: &IndicatorPlan<'_>, values: &[f64], range: Range) -> Column {
        if let Some(pointwise) = Self::pointwise(plan, range) {
            return Column::Pointwise(pointwise);
        }
        let mut keys: Vec<f64> = values
            .iter()
            .filter(|v| !v.is_nan())
            .map(|&v| need_key(plan.direction, v))
            .collect();
        keys.sort_unstable_by(f64::total_cmp);
        Column::Ranked {
            keys,
            direction: plan.direction,
            exponential: matches!(plan.normalization, Normalization::ExponentialRank),
        }
    }

    /// Replaces each value by its need in `[0, 1]`; NaN (missing) stays NaN.
    pub(super) fn to_needs(&self, values: &mut [f64]) {
        match self {
            Column::Pointwise(pointwise) => {
                for v in values.iter_mut() {
                    *v = pointwise.need(*v);
                }
            }
            Column::Ranked {
                keys,
                direction,
                exponential,
            } => {
                #[allow(
                    clippy::cast_precision_loss,
                    reason = "cohorts are far below 2^53 units"
                )]
                let n = keys.len() as f64;
                for value in values.iter_mut() {
                    let v = *value;
                    *value = if v.is_nan() {
                        f64::NAN
                    } else {
                        // Ties take the lowest rank: count the values strictly below.
                        #[allow(
                            clippy::cast_precision_loss,
                            reason = "cohorts are far below 2^53 units"
                        )]
                        let below = keys.partition_point(|&k| k < need_key(*direction, v)) as f64;
                        let need = if *exponential {
                            detmath::exponential_rank((below + 1.0) / n)
                        } else if n > 1.0 {
                            below / (n - 1.0)
                        } else {
                            0.0
                        };
                        need.clamp(0.0, 1.0)
                    };
                }
            }
        }
    }
}

/// The least and greatest present value of a column (infinite bounds when none is).
#[derive(Debug, Clone, Copy)]
pub(super) struct Range {
    pub(super) min: f64,
    pub(super) max: f64,
}

impl Range {
    pub(super) const EMPTY: Self = Self {
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
    };

    /// Widens the range to `v`; NaN (missing) compares false and leaves it be.
    pub(super) fn add(&mut self, v: f64) {
        self.min = if v < self.min { v } else { self.min };
        self.max = if v > self.max { v } else { self.max };
    }

    /// Widens the range to `other`.
    pub(super) fn merge(&mut self, other: Self) {
        self.min = if other.min < self.min {
            other.min
        } else {
            self.min
        };
        self.max = if other.max > self.max {
            other.max
        } else {
            self.max
        };
    }
}

/// A value's position in need order (larger is more need).
pub(super) fn need_key(direction: Direction, v: f64) -> f64 {
    match direction {
        Direction::MoreNeed => v,
        Direction::LessNeed => -v,
    }
}

pub(super) fn plan(matrix: &Matrix) -> Result<(Vec<IndicatorPlan<'_>>, Vec<DimensionPlan>)> {
    let mut indicators = Vec::new();
    let mut dimensions = Vec::new();
    for dim in matrix.dimensions() {
        let first = indicators.len();
        for indicator in &dim.indicators {
            indicators.push(IndicatorPlan {
                id: &indicator.id,
                direction: indicator.direction,
                normalization: &indicator.normalization,
                parts: f64::try_from(indicator.weight).unwrap_or(1.0),
                policy: dim.missing,
            });
        }
        let weight = dim
            .weight
            .checked_mul(Decimal::from(PICO))
            .and_then(|w| u64::try_from(w).ok())
            .filter(|_| dim.weight.normalize().scale() <= WEIGHT_DECIMALS)
            .ok_or_else(|| Error::WeightTooPrecise {
                dimension: dim.id.clone(),
                weight: dim.weight,
            })?;
        dimensions.push(DimensionPlan {
            weight,
            first,
            end: indicators.len(),
        });
    }
    Ok((indicators, dimensions))
}
