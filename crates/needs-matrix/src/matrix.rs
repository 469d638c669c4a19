//! The needs-assessment matrix: dimensions with exact weights, and the indicators
//! that measure them.

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{Error, Result, Weights};

/// Whether a larger raw value means more need or less.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// More is more need (age, chronic conditions).
    MoreNeed,
    /// More is less need (income, a cost criterion in MCDA terms).
    LessNeed,
}

/// One band of a rubric: values at or above `at_least` (up to the next band) score
/// `need` points out of 100.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Band {
    /// The band's lower bound (inclusive).
    #[serde(deserialize_with = "crate::lenient::float")]
    pub at_least: f64,
    /// Need points for the band, 0–100.
    #[serde(deserialize_with = "crate::lenient::decimal")]
    pub need: Decimal,
}

/// A fixed rubric of bands, e.g. age 60–69 / 70–79 / 80+. Bands are explicit about
/// need, so a rubric ignores the indicator's direction; a value below the first
/// band scores 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rubric {
    /// Bands in strictly increasing order of `at_least`.
    pub bands: Vec<Band>,
}

impl Rubric {
    /// The need points (0–100) of `value`.
    pub fn need(&self, value: f64) -> Decimal {
        let i = self.bands.partition_point(|b| b.at_least <= value);
        i.checked_sub(1)
            .and_then(|i| self.bands.get(i))
            .map_or(Decimal::ZERO, |b| b.need)
    }
}

/// How an indicator's raw values become need in `[0, 1]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Normalization {
    /// Fixed bands (the default): a household's score does not move when a
    /// neighbour is added.
    Rubric(Rubric),
    /// `(x − min) / (max − min)` over the cohort (reversed for less-need); a
    /// constant column gives 0.
    MinMax,
    /// Percentile rank `(rank − 1) / (N − 1)` in need order, ties taking the lowest
    /// rank (as CDC SVI); a single value gives 0.
    Percentile,
    /// The UK Index of Multiple Deprivation's exponential transform of the rank:
    /// `−23 ln(1 − R (1 − e^(−100/23))) / 100` with `R = rank / N` in need order; it
    /// stretches the most deprived tail.
    ExponentialRank,
}

/// One indicator: a raw value from a named source, its direction, how it is
/// normalised, and its weight among the indicators of its dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// Unique identifier, e.g. `oldest_age`.
    pub id: String,
    /// Where the value comes from (census and police records, health centre,
    /// income checks, activity records, social-worker assessment).
    pub source: String,
    /// Whether more is more need.
    pub direction: Direction,
    /// How raw values become need.
    pub normalization: Normalization,
    /// Weight among the dimension's indicators, in parts (only proportions matter).
    #[serde(default = "one", deserialize_with = "crate::lenient::decimal")]
    pub weight: Decimal,
}

fn one() -> Decimal {
    Decimal::ONE
}

/// What to do when a unit lacks a value for one of a dimension's indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MissingPolicy {
    /// The unit is not scored; a diagnostic names the unit and indicator (the
    /// default: missing data is never a silent zero).
    #[default]
    Reject,
    /// The cohort median of the indicator stands in; the unit is flagged
    /// `imputed`.
    ImputeMedian,
    /// The indicator is left out of its dimension; a dimension with no values left
    /// is left out and the other dimensions' weights scaled up to 100%. The unit is
    /// flagged `partial`.
    Reweight,
}

/// One dimension: a weight in percent and its indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dimension {
    /// Unique identifier, e.g. `health`.
    pub id: String,
    /// Name to show, e.g. `Health (健康状况)`.
    pub name: String,
    /// Weight in percent; the dimensions' weights sum to exactly 100.
    #[serde(deserialize_with = "crate::lenient::decimal")]
    pub weight: Decimal,
    /// At least one indicator.
    pub indicators: Vec<Indicator>,
    /// What a missing value does.
    #[serde(default)]
    pub missing: MissingPolicy,
}

/// A validated needs matrix. Its JSON form is `{"dimensions": [...]}`.
///
/// ```
/// use guided_community_needs::Matrix;
///
/// let matrix = Matrix::default();
/// let weights: Vec<String> = matrix.dimensions().iter().map(|d| d.weight.to_string()).collect();
/// assert_eq!(weights, ["25", "20", "20", "15", "20"]);
/// assert_eq!(matrix.indicators().count(), 9);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "MatrixSpec", into = "MatrixSpec")]
pub struct Matrix {
    dimensions: Vec<Dimension>,
}

/// The wire form of a [`Matrix`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatrixSpec {
    /// The dimensions, in order.
    pub dimensions: Vec<Dimension>,
}

/// Weights are used to 12 decimal places of a percent.
pub(crate) const WEIGHT_DECIMALS: u32 = 12;

impl Matrix {
    /// Validates a matrix.
    ///
    /// # Errors
    ///
    /// [`Error::WeightsDoNotSum`] (and the other [`Weights`] errors) for dimension
    /// weights, [`Error::WeightTooPrecise`] for a weight with more than 12 decimals,
    /// [`Error::NoIndicators`], [`Error::DuplicateId`], [`Error::InvalidRubric`] and
    /// [`Error::InvalidIndicatorWeight`].
    pub fn try_new(dimensions: Vec<Dimension>) -> Result<Self> {
        Weights::try_new(dimensions.iter().map(|d| d.weight))?;
        let mut ids = BTreeSet::new();
        for dimension in &dimensions {
            if dimension.weight.normalize().scale() > WEIGHT_DECIMALS {
                return Err(Error::WeightTooPrecise {
                    dimension: dimension.id.clone(),
                    weight: dimension.weight,
                });
            }
            if !ids.insert(("dimension", dimension.id.clone())) {
                return Err(Error::DuplicateId {
                    id: dimension.id.clone(),
                });
            }
            if dimension.indicators.is_empty() {
                return Err(Error::NoIndicators {
                    dimension: dimension.id.clone(),
                });
            }
            for indicator in &dimension.indicators {
                if !ids.insert(("indicator", indicator.id.clone())) {
                    return Err(Error::DuplicateId {
                        id: indicator.id.clone(),
                    });
                }
                if indicator.weight <= Decimal::ZERO {
                    return Err(Error::InvalidIndicatorWeight {
                        indicator: indicator.id.clone(),
                        weight: indicator.weight,
                    });
                }
                if let Normalization::Rubric(rubric) = &indicator.normalization {
                    validate_rubric(&indicator.id, rubric)?;
                }
            }
        }
        Ok(Self { dimensions })
    }

    /// The article's five dimensions — population structure 25%, health 20%,
    /// economic status 20%, willingness to take part 15%, special needs 20% — with
    /// rubric indicators, so that a score does not move when a neighbour is added:
    ///
    /// | dimension | indicator | source | rubric (value → need) |
    /// |---|---|---|---|
    /// | population | `oldest_age` | census and police records | <60 → 0, 60 → 30, 70 → 60, 80 → 80 |
    /// | population | `living_alone_80_plus` (0/1) | census and police records | 1 → 100 |
    /// | population | `children_under_3` | census and police records | 1 → 50, 2 → 100 |
    /// | health | `chronic_conditions` | health centre | 1 → 40, 2 → 70, 3 → 100 |
    /// | health | `disability_grade` (0 none, 1 most severe … 4) | disability federation | 1 → 100, 2 → 80, 3 → 60, 4 → 40 |
    /// | economic | `income_to_local_minimum` | income checks | <1 → 100, 1 → 70, 1.5 → 40, 2 → 10, 3 → 0 |
    /// | participation | `activities_last_year` | activity records | 0 → 100, 1 → 70, 3 → 40, 6 → 10, 12 → 0 |
    /// | special needs | `social_worker_assessment` (0–5) | social-worker assessment | 20 points per level |
    /// | special needs | `special_circumstances` (count) | social-worker assessment | 1 → 60, 2 → 100 |
    ///
    /// Willingness to take part counts as need: a household that never takes part
    /// needs outreach, and is the one elite capture leaves out.
    #[allow(
        clippy::too_many_lines,
        reason = "a data table: the article's preset, one indicator per entry"
    )]
    /// The articles' values: [`Matrix::default`].
    pub(crate) fn article() -> Self {
        use Direction::{LessNeed, MoreNeed};
        let rubric = |bands: &[(f64, i64)]| {
            Normalization::Rubric(Rubric {
                bands: bands
                    .iter()
                    .map(|&(at_least, need)| Band {
                        at_least,
                        need: Decimal::from(need),
                    })
                    .collect(),
            })
        };
        let indicator = |id: &str, source: &str, direction, normalization| Indicator {
            id: id.to_owned(),
            source: source.to_owned(),
            direction,
            normalization,
            weight: Decimal::ONE,
        };
        let dimension = |id: &str, name: &str, weight: i64, indicators| Dimension {
            id: id.to_owned(),
            name: name.to_owned(),
            weight: Decimal::from(weight),
            indicators,
            missing: MissingPolicy::Reweight,
        };
        let census = "census and police records";
        Self {
            dimensions: vec![
                dimension(
                    "population",
                    "Population structure (人口结构)",
                    25,
                    vec![
                        indicator(
                            "oldest_age",
                            census,
                            MoreNeed,
                            rubric(&[(0.0, 0), (60.0, 30), (70.0, 60), (80.0, 80)]),
                        ),
                        indicator(
                            "living_alone_80_plus",
                            census,
                            MoreNeed,
                            rubric(&[(0.0, 0), (1.0, 100)]),
                        ),
                        indicator(
                            "children_under_3",
                            census,
                            MoreNeed,
                            rubric(&[(0.0, 0), (1.0, 50), (2.0, 100)]),
                        ),
                    ],
                ),
                dimension(
                    "health",
                    "Health (健康状况)",
                    20,
                    vec![
                        indicator(
                            "chronic_conditions",
                            "health centre",
                            MoreNeed,
                            rubric(&[(0.0, 0), (1.0, 40), (2.0, 70), (3.0, 100)]),
                        ),
                        indicator(
                            "disability_grade",
                            "disability federation",
                            MoreNeed,
                            rubric(&[
                                (0.0, 0),
                                (1.0, 100),
                                (2.0, 80),
                                (3.0, 60),
                                (4.0, 40),
                                (5.0, 0),
                            ]),
                        ),
                    ],
                ),
                dimension(
                    "economic",
                    "Economic status (经济状况)",
                    20,
                    vec![indicator(
                        "income_to_local_minimum",
                        "income checks",
                        LessNeed,
                        rubric(&[(0.0, 100), (1.0, 70), (1.5, 40), (2.0, 10), (3.0, 0)]),
                    )],
                ),
                dimension(
                    "participation",
                    "Willingness to take part (参与意愿)",
                    15,
                    vec![indicator(
                        "activities_last_year",
                        "activity records",
                        LessNeed,
                        rubric(&[(0.0, 100), (1.0, 70), (3.0, 40), (6.0, 10), (12.0, 0)]),
                    )],
                ),
                dimension(
                    "special",
                    "Special needs (特殊需求)",
                    20,
                    vec![
                        indicator(
                            "social_worker_assessment",
                            "social-worker assessment",
                            MoreNeed,
                            rubric(&[
                                (0.0, 0),
                                (1.0, 20),
                                (2.0, 40),
                                (3.0, 60),
                                (4.0, 80),
                                (5.0, 100),
                            ]),
                        ),
                        indicator(
                            "special_circumstances",
                            "social-worker assessment",
                            MoreNeed,
                            rubric(&[(0.0, 0), (1.0, 60), (2.0, 100)]),
                        ),
                    ],
                ),
            ],
        }
    }

    /// The dimensions, in order.
    pub fn dimensions(&self) -> &[Dimension] {
        &self.dimensions
    }

    /// Every indicator, in order: a unit's values follow this order.
    pub fn indicators(&self) -> impl Iterator<Item = &Indicator> {
        self.dimensions.iter().flat_map(|d| &d.indicators)
    }

    /// The number of indicators (the length of a unit's values).
    pub fn indicator_count(&self) -> usize {
        self.dimensions.iter().map(|d| d.indicators.len()).sum()
    }

    /// The same matrix with other dimension weights (for sensitivity analysis).
    ///
    /// # Errors
    ///
    /// As [`Matrix::try_new`].
    pub fn with_weights(&self, weights: &[Decimal]) -> Result<Self> {
        let mut dimensions = self.dimensions.clone();
        for (dimension, &weight) in dimensions.iter_mut().zip(weights) {
            dimension.weight = weight;
        }
        Self::try_new(dimensions)
    }
}

impl Default for Matrix {
    fn default() -> Self {
        Self::article()
    }
}

fn validate_rubric(indicator: &str, rubric: &Rubric) -> Result<()> {
    let invalid = |reason: &'static str| Error::InvalidRubric {
        indicator: indicator.to_owned(),
        reason: reason.to_owned(),
    };
    if rubric.bands.is_empty() {
        return Err(invalid("it has no bands"));
    }
    for band in &rubric.bands {
        if !band.at_least.is_finite() {
            return Err(invalid("a band's lower bound is not a finite number"));
        }
        if band.need < Decimal::ZERO || band.need > Decimal::ONE_HUNDRED {
            return Err(invalid("a band's need is outside 0..=100"));
        }
    }
    if rubric
        .bands
        .windows(2)
        .any(|w| matches!(w, [a, b] if a.at_least >= b.at_least))
    {
        return Err(invalid("its bands are not in strictly increasing order"));
    }
    Ok(())
}

impl TryFrom<MatrixSpec> for Matrix {
    type Error = Error;

    fn try_from(spec: MatrixSpec) -> Result<Self> {
        Self::try_new(spec.dimensions)
    }
}

impl From<Matrix> for MatrixSpec {
    fn from(matrix: Matrix) -> Self {
        Self {
            dimensions: matrix.dimensions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_article_matrix_is_valid() {
        let article = Matrix::default();
        assert_eq!(
            Matrix::try_new(article.dimensions().to_vec()),
            Ok(article.clone())
        );
        let json = serde_json::to_string(&article).unwrap();
        assert_eq!(serde_json::from_str::<Matrix>(&json).unwrap(), article);
    }

    #[test]
    fn rubrics_are_step_functions() {
        let matrix = Matrix::default();
        let Normalization::Rubric(age) = &matrix.dimensions()[0].indicators[0].normalization else {
            panic!("the age indicator is a rubric");
        };
        let need = |v| age.need(v).to_string();
        assert_eq!(
            [
                need(-5.0),
                need(59.9),
                need(60.0),
                need(79.0),
                need(80.0),
                need(103.0)
            ],
            ["0", "0", "30", "60", "80", "80"]
        );
    }

    #[test]
    fn invalid_matrices_are_rejected() {
        let mut dims = Matrix::default().dimensions().to_vec();
        dims[0].weight = Decimal::from(30);
        assert_eq!(
            Matrix::try_new(dims.clone()),
            Err(Error::WeightsDoNotSum {
                sum: Decimal::from(105)
            })
        );
        dims[0].weight = Decimal::from(25);
        dims[1].indicators.clear();
        assert_eq!(
            Matrix::try_new(dims.clone()),
            Err(Error::NoIndicators {
                dimension: "health".into()
            })
        );
        let mut dims = Matrix::default().dimensions().to_vec();
        dims[2].indicators[0].id = "oldest_age".into();
        assert_eq!(
            Matrix::try_new(dims),
            Err(Error::DuplicateId {
                id: "oldest_age".into()
            })
        );
        let mut dims = Matrix::default().dimensions().to_vec();
        if let Normalization::Rubric(r) = &mut dims[0].indicators[0].normalization {
            r.bands.swap(1, 2);
        }
        assert!(matches!(
            Matrix::try_new(dims),
            Err(Error::InvalidRubric { .. })
        ));
        let mut dims = Matrix::default().dimensions().to_vec();
        dims[0].weight = Decimal::new(250_000_000_000_001, 13);
        dims[1].weight = Decimal::new(199_999_999_999_999, 13);
        assert!(matches!(
            Matrix::try_new(dims),
            Err(Error::WeightTooPrecise { .. })
        ));
    }
}
