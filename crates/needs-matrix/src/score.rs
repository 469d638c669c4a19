//! Scoring a cohort: normalise every indicator, combine them into dimension needs,
//! aggregate, rank, tier and flag — with every dimension's contribution kept.
//!
//! Normalised values are computed in `f64` with operations IEEE 754 rounds exactly
//! (and the crate's own logarithm), so a score is the same on every machine. Each
//! dimension's contribution is then rounded to 10⁻¹² of a point, and a weighted-sum
//! score is the exact sum of its contributions: what a resident is shown adds up.

use rust_decimal::Decimal;
use serde::ser::SerializeSeq;
use serde::{Deserialize, Serialize, Serializer};

use crate::detmath;
use crate::matrix::{Direction, Matrix, MissingPolicy, Normalization, WEIGHT_DECIMALS};
use crate::par::{Par, split, split_columns};
use crate::unit::{Unit, UnitId};
use crate::{Error, Result};

/// Scores and contributions are integers in units of 10⁻¹² of a point.
const PICO: u64 = 1_000_000_000_000;
/// 100 points.
const FULL: u64 = 100 * PICO;

/// How dimension needs combine into a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Aggregation {
    /// The weighted sum of dimension needs, on 0–100 (the default): the score is the
    /// sum of the contributions.
    #[default]
    WeightedSum,
    /// TOPSIS: closeness to the cohort's most-need profile relative to its
    /// least-need profile, `D⁻ / (D⁺ + D⁻)`, on 0–100. Contributions are the
    /// weighted needs the distances are measured on; they do not sum to the score.
    Topsis,
}

/// A tier by score: units scoring `at_least` or more (and less than the band
/// above) are in `name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ThresholdBand {
    /// The tier's name.
    pub name: String,
    /// The least score in the tier, 0–100.
    #[serde(deserialize_with = "crate::lenient::decimal")]
    pub at_least: Decimal,
}

/// A tier by rank: the top `top` fraction of units (cumulative, by rank).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct QuantileBand {
    /// The tier's name.
    pub name: String,
    /// The fraction of units, counted from rank 1, in this tier or those above.
    #[serde(deserialize_with = "crate::lenient::decimal")]
    pub top: Decimal,
}

/// How units are sorted into priority tiers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Tiers {
    /// By score thresholds, highest band first; everything below is `rest`.
    Thresholds {
        /// Bands in decreasing order of `at_least`.
        bands: Vec<ThresholdBand>,
        /// The tier below every band.
        rest: String,
    },
    /// By rank quantiles, top band first; everything after is `rest`.
    Quantiles {
        /// Bands in increasing order of `top`.
        bands: Vec<QuantileBand>,
        /// The tier after every band.
        rest: String,
    },
}

impl Default for Tiers {
    /// `high` from 60 points, `medium` from 40, `low` below.
    fn default() -> Self {
        let band = |name: &str, at_least| ThresholdBand {
            name: name.to_owned(),
            at_least: Decimal::from(at_least),
        };
        Self::Thresholds {
            bands: vec![band("high", 60), band("medium", 40)],
            rest: "low".to_owned(),
        }
    }
}

/// When a unit is flagged as a silent need (沉默需求): high need overall and high
/// need in the participation dimension — the people elite capture leaves out.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SilentNeed {
    /// The participation dimension's id.
    pub dimension: String,
    /// The least need in that dimension, 0–100 (low participation).
    #[serde(deserialize_with = "crate::lenient::decimal")]
    pub min_dimension_need: Decimal,
    /// The least overall score, 0–100.
    #[serde(deserialize_with = "crate::lenient::decimal")]
    pub min_score: Decimal,
}

impl Default for SilentNeed {
    /// Dimension `participation` at 70 or more, and a score of 60 or more.
    fn default() -> Self {
        Self {
            dimension: "participation".to_owned(),
            min_dimension_need: Decimal::from(70),
            min_score: Decimal::from(60),
        }
    }
}

/// Options for [`score`], with defaults that follow the article.
///
/// ```
/// use needs_matrix::{Aggregation, ScoreOptions};
///
/// let options = ScoreOptions::default().with_aggregation(Aggregation::Topsis).with_outlier_z(None);
/// assert_eq!(options.aggregation, Aggregation::Topsis);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScoreOptions {
    /// How dimension needs combine.
    pub aggregation: Aggregation,
    /// How tiers are assigned.
    pub tiers: Tiers,
    /// The silent-need rule; `None` to skip it. It is skipped, too, when the matrix
    /// has no dimension of that id.
    pub silent_need: Option<SilentNeed>,
    /// Flag a unit whose score's modified z-score (Iglewicz & Hoaglin:
    /// `0.6745 |x − median| / MAD`) exceeds this; `None` to skip.
    #[serde(deserialize_with = "crate::lenient::option")]
    pub outlier_z: Option<Decimal>,
    /// The most threads scoring may use: 0 (the default) for as many as the
    /// machine runs at once (at most 8), 1 to stay on the calling thread. The
    /// scores are the same whatever it is; only the time changes.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub max_threads: usize,
}

#[allow(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if"
)]
fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Default for ScoreOptions {
    fn default() -> Self {
        Self {
            aggregation: Aggregation::WeightedSum,
            tiers: Tiers::default(),
            silent_need: Some(SilentNeed::default()),
            outlier_z: Some(Decimal::new(35, 1)),
            max_threads: 0,
        }
    }
}

impl ScoreOptions {
    /// The same options with another aggregation.
    #[must_use]
    pub fn with_aggregation(self, aggregation: Aggregation) -> Self {
        Self {
            aggregation,
            ..self
        }
    }

    /// The same options with at most `max_threads` threads (0: the machine's;
    /// 1: none spawned).
    ///
    /// ```
    /// use needs_matrix::ScoreOptions;
    ///
    /// let embedded = ScoreOptions::default().with_max_threads(1); // never spawns
    /// assert_eq!(embedded.max_threads, 1);
    /// ```
    #[must_use]
    pub fn with_max_threads(self, max_threads: usize) -> Self {
        Self {
            max_threads,
            ..self
        }
    }

    /// The same options with other tiers.
    #[must_use]
    pub fn with_tiers(self, tiers: Tiers) -> Self {
        Self { tiers, ..self }
    }

    /// The same options with another silent-need rule.
    #[must_use]
    pub fn with_silent_need(self, silent_need: Option<SilentNeed>) -> Self {
        Self {
            silent_need,
            ..self
        }
    }

    /// The same options with another outlier threshold.
    #[must_use]
    pub fn with_outlier_z(self, outlier_z: Option<Decimal>) -> Self {
        Self { outlier_z, ..self }
    }
}

/// A unit's flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "four independent facts, each a JSON boolean on the wire"
)]
pub struct Flags {
    /// Some dimensions had no values and were re-weighted away.
    pub partial: bool,
    /// Some values were imputed with the cohort median.
    pub imputed: bool,
    /// High need and low participation (沉默需求).
    pub silent_need: bool,
    /// The score is far from the cohort's (a robust z-score beyond the threshold).
    pub outlier: bool,
}

impl Flags {
    const PARTIAL: u8 = 1;
    const IMPUTED: u8 = 2;
    const SILENT: u8 = 4;
    const OUTLIER: u8 = 8;

    fn from_bits(bits: u8) -> Self {
        Self {
            partial: bits & Self::PARTIAL != 0,
            imputed: bits & Self::IMPUTED != 0,
            silent_need: bits & Self::SILENT != 0,
            outlier: bits & Self::OUTLIER != 0,
        }
    }

    fn bits(self) -> u8 {
        (u8::from(self.partial) * Self::PARTIAL)
            | (u8::from(self.imputed) * Self::IMPUTED)
            | (u8::from(self.silent_need) * Self::SILENT)
            | (u8::from(self.outlier) * Self::OUTLIER)
    }
}

/// One unit's result.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UnitScore {
    /// The unit.
    pub id: UnitId,
    /// The need score, 0–100.
    pub score: Decimal,
    /// 1 for the highest score; ties by id, then input order.
    pub rank: u32,
    /// The priority tier.
    pub tier: String,
    /// Each dimension's contribution in points, in the matrix's dimension order.
    pub contributions: Vec<Decimal>,
    /// Flags.
    pub flags: Flags,
}

/// A unit that could not be scored, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The unit.
    pub unit: UnitId,
    /// Why it was not scored.
    pub error: Error,
}

/// The scores of a cohort, stored by column (contributions too, one column per
/// dimension); [`Scores::get`] and [`Scores::iter`]
/// give one unit at a time. Units that could not be scored are in
/// [`Scores::diagnostics`], not in the scores.
///
/// JSON: `{"dimensions": [...], "scores": [UnitScore...], "diagnostics": [...]}`,
/// the scores in input order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scores {
    dimensions: Vec<String>,
    tier_names: Vec<String>,
    ids: Vec<UnitId>,
    totals: Vec<u64>,
    ranks: Vec<u32>,
    tiers: Vec<u8>,
    flags: Vec<u8>,
    /// One column per dimension.
    contributions: Vec<Vec<u64>>,
    diagnostics: Vec<Diagnostic>,
}

fn points(pico: u64) -> Decimal {
    Decimal::new(i64::try_from(pico).unwrap_or(i64::MAX), 12).normalize()
}

impl Scores {
    /// The number of scored units.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no unit was scored.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The dimensions' ids, the order of every unit's contributions.
    pub fn dimensions(&self) -> &[String] {
        &self.dimensions
    }

    /// The units that could not be scored.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The `i`-th scored unit (in input order, skipping units with diagnostics).
    pub fn get(&self, i: usize) -> Option<UnitScore> {
        Some(UnitScore {
            id: self.ids.get(i)?.clone(),
            score: points(*self.totals.get(i)?),
            rank: *self.ranks.get(i)?,
            tier: self
                .tier_names
                .get(usize::from(*self.tiers.get(i)?))?
                .clone(),
            contributions: self
                .contributions
                .iter()
                .map(|column| column.get(i).map(|&c| points(c)))
                .collect::<Option<_>>()?,
            flags: Flags::from_bits(*self.flags.get(i)?),
        })
    }

    /// The scored units' ids, in input order (skipping units with diagnostics).
    pub fn ids(&self) -> &[UnitId] {
        &self.ids
    }

    /// The `i`-th scored unit's score, without building its explanation: the
    /// cheap accessor for large cohorts.
    pub fn score_at(&self, i: usize) -> Option<Decimal> {
        self.totals.get(i).map(|&pico| points(pico))
    }

    /// The `i`-th scored unit's rank (1 = most need; ties by id, then input order).
    pub fn rank_at(&self, i: usize) -> Option<u32> {
        self.ranks.get(i).copied()
    }

    /// The `i`-th scored unit's tier name.
    pub fn tier_at(&self, i: usize) -> Option<&str> {
        self.tier_names
            .get(usize::from(*self.tiers.get(i)?))
            .map(String::as_str)
    }

    /// Every scored unit, in input order.
    pub fn iter(&self) -> impl Iterator<Item = UnitScore> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Every scored unit, by rank (highest need first).
    pub fn by_rank(&self) -> Vec<UnitScore> {
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.sort_unstable_by_key(|&i| self.ranks.get(i).copied().unwrap_or(u32::MAX));
        order.into_iter().filter_map(|i| self.get(i)).collect()
    }

    /// The units' ranks, in input order (for sensitivity analysis).
    pub(crate) fn ranks(&self) -> &[u32] {
        &self.ranks
    }

    /// The scores in 10⁻¹² points, in input order.
    pub(crate) fn raw_scores(&self) -> &[u64] {
        &self.totals
    }
}

impl Serialize for Scores {
    fn serialize<S: Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        struct Rows<'a>(&'a Scores);
        impl Serialize for Rows<'_> {
            fn serialize<S: Serializer>(
                &self,
                serializer: S,
            ) -> core::result::Result<S::Ok, S::Error> {
                let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
                for unit in self.0.iter() {
                    seq.serialize_element(&unit)?;
                }
                seq.end()
            }
        }
        #[derive(Serialize)]
        struct Wire<'a> {
            dimensions: &'a [String],
            scores: Rows<'a>,
            diagnostics: &'a [Diagnostic],
        }
        Wire {
            dimensions: &self.dimensions,
            scores: Rows(self),
            diagnostics: &self.diagnostics,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Scores {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> core::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wire {
            dimensions: Vec<String>,
            scores: Vec<UnitScore>,
            #[serde(default)]
            diagnostics: Vec<Diagnostic>,
        }
        let wire = Wire::deserialize(deserializer)?;
        let mut scores = Self {
            dimensions: wire.dimensions,
            diagnostics: wire.diagnostics,
            ..Self::default()
        };
        let mut rows = Vec::with_capacity(wire.scores.len());
        let pico = |points: Decimal| {
            points
                .checked_mul(Decimal::from(PICO))
                .and_then(|p| u64::try_from(p.round()).ok())
                .ok_or_else(|| serde::de::Error::custom(format!("points `{points}` out of range")))
        };
        for unit in wire.scores {
            if unit.contributions.len() != scores.dimensions.len() {
                return Err(serde::de::Error::custom(
                    "a unit's contributions do not match the dimensions",
                ));
            }
            let tier = if let Some(i) = scores.tier_names.iter().position(|t| *t == unit.tier) {
                i
            } else {
                scores.tier_names.push(unit.tier.clone());
                scores.tier_names.len() - 1
            };
            scores.ids.push(unit.id);
            scores.totals.push(pico(unit.score)?);
            scores.ranks.push(unit.rank);
            scores.tiers.push(
                u8::try_from(tier).map_err(|_| serde::de::Error::custom("more than 255 tiers"))?,
            );
            scores.flags.push(unit.flags.bits());
            rows.push(unit.contributions);
        }
        // Contributions are stored column by column.
        for k in 0..scores.dimensions.len() {
            let column = rows
                .iter()
                .map(|row: &Vec<Decimal>| pico(row.get(k).copied().unwrap_or_default()))
                .collect::<core::result::Result<Vec<u64>, _>>()?;
            scores.contributions.push(column);
        }
        Ok(scores)
    }
}

/// What scoring needs to know about one indicator.
struct IndicatorPlan<'a> {
    id: &'a str,
    direction: Direction,
    normalization: &'a Normalization,
    /// Its weight among its dimension's indicators.
    parts: f64,
    policy: MissingPolicy,
}

/// What scoring needs to know about one dimension.
struct DimensionPlan {
    /// Weight in 10⁻¹² points (weights have at most 12 decimals of a percent).
    weight: u64,
    /// Its indicators' range in the flat indicator order.
    first: usize,
    end: usize,
}

/// A normalisation made ready for one cohort.
enum Column {
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
enum Pointwise {
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
    fn need(&self, v: f64) -> f64 {
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
    fn pointwise(plan: &IndicatorPlan<'_>, range: Range) -> Option<Pointwise> {
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
    fn build(plan: &IndicatorPlan<'_>, values: &[f64], range: Range) -> Column {
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
    fn to_needs(&self, values: &mut [f64]) {
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
struct Range {
    min: f64,
    max: f64,
}

impl Range {
    const EMPTY: Self = Self {
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
    };

    /// Widens the range to `v`; NaN (missing) compares false and leaves it be.
    fn add(&mut self, v: f64) {
        self.min = if v < self.min { v } else { self.min };
        self.max = if v > self.max { v } else { self.max };
    }

    /// Widens the range to `other`.
    fn merge(&mut self, other: Self) {
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
fn need_key(direction: Direction, v: f64) -> f64 {
    match direction {
        Direction::MoreNeed => v,
        Direction::LessNeed => -v,
    }
}

/// The pico-point value of a 0–100 decimal threshold, rounded up.
fn threshold(points: Decimal) -> u64 {
    points
        .checked_mul(Decimal::from(PICO))
        .map(|p| p.ceil())
        .and_then(|p| u64::try_from(p.max(Decimal::ZERO)).ok())
        .unwrap_or(u64::MAX)
}

/// Scores every unit of a cohort.
///
/// Units that cannot be scored (a value count that does not match the matrix, a
/// value that is not a finite number, a missing value in a dimension that rejects
/// them, or no values at all) are left out with a [`Diagnostic`]; the others are
/// scored against each other (the cohort is what min-max and percentile
/// normalisations are relative to; rubrics are not).
///
/// ```
/// use needs_matrix::{score, Matrix, ScoreOptions, Unit};
///
/// let matrix = Matrix::article_default();
/// // oldest age, lives alone at 80+, children under 3, chronic conditions,
/// // disability grade, income / local minimum, activities last year,
/// // social-worker assessment, special circumstances
/// let units = [
///     Unit::new("h1", vec![Some(84.0), Some(1.0), Some(0.0), Some(2.0), Some(0.0), Some(0.9), Some(0.0), Some(3.0), Some(1.0)]),
///     Unit::new("h2", vec![Some(66.0), Some(0.0), Some(0.0), Some(0.0), Some(0.0), Some(2.5), Some(14.0), Some(0.0), Some(0.0)]),
/// ];
/// let scores = score(&matrix, &units, &ScoreOptions::default())?;
/// let h1 = scores.get(0).ok_or("no score")?;
/// assert_eq!((h1.rank, h1.tier.as_str()), (1, "high"));
/// assert_eq!(h1.score.to_string(), "69"); // 15 + 7 + 20 + 15 + 12
/// assert_eq!(h1.contributions[2].to_string(), "20"); // income below the local minimum
/// assert!(h1.flags.silent_need); // high need, never takes part
/// assert_eq!(h1.contributions.iter().sum::<rust_decimal::Decimal>(), h1.score);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidOption`] for tiers that are not in order or out of range, and
/// for more than 4 294 967 295 units. Problems with single units are diagnostics,
/// not errors.
///
/// # Performance
///
/// A cohort of 131 072 units or more is scored on several threads (as many as
/// the machine runs at once, at most 8 and at most [`ScoreOptions::max_threads`],
/// each with at least 65 536 units). Every
/// row is computed on its own and per-thread results are combined exactly, so
/// the scores are the same whatever the number of threads. The common case —
/// every value present, one indicator per dimension, rubric or min-max — reads
/// each unit once; a million units with five min-max dimensions take about
/// 55 ms on two cores.
pub fn score(matrix: &Matrix, units: &[Unit], options: &ScoreOptions) -> Result<Scores> {
    score_with(
        matrix,
        units,
        options,
        Par::for_rows(units.len(), options.max_threads),
        Path::Fastest,
    )
}

/// How contributions are computed (tests compare the two).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Path {
    /// Straight from the units when every unit is admitted with every value, one
    /// indicator per dimension and pointwise normalisations; else the general way.
    Fastest,
    /// Through indicator columns, whatever the cohort.
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "tests compare it with the fast path")
    )]
    General,
}

/// [`score`] with its row loops split into `par`'s parts.
fn score_with(
    matrix: &Matrix,
    units: &[Unit],
    options: &ScoreOptions,
    par: Par,
    path: Path,
) -> Result<Scores> {
    let tier_names = validate_tiers(&options.tiers)?;
    let (indicators, dimensions) = plan(matrix)?;
    // Rows are numbered in 32 bits while ranking.
    if u32::try_from(units.len()).is_err() {
        return Err(Error::InvalidOption {
            reason: "at most 4 294 967 295 units can be scored together".to_owned(),
        });
    }

    // 1.–3. Admit units (every problem with one unit is a diagnostic for that
    //       unit), normalise, and weigh: each dimension's contribution in 10⁻¹²
    //       points, one column per dimension.
    let fast = match path {
        Path::Fastest => fast_contributions(units, &indicators, &dimensions, par),
        Path::General => None,
    };
    let Contributions {
        ids,
        mut flags,
        columns: contributions,
        sums,
        diagnostics,
    } = match fast {
        Some(done) => done,
        None => admitted_contributions(units, &indicators, &dimensions),
    };
    let rows = ids.len();

    // 4. Aggregate.
    let scores: Vec<u64> = match (options.aggregation, sums) {
        (Aggregation::WeightedSum, Some(sums)) => sums,
        (Aggregation::WeightedSum, None) => {
            let mut sums = vec![0u64; rows];
            for column in &contributions {
                for (sum, &c) in sums.iter_mut().zip(column) {
                    *sum += c;
                }
            }
            for sum in &mut sums {
                *sum = (*sum).min(FULL);
            }
            sums
        }
        (Aggregation::Topsis, _) => topsis(&contributions, rows),
    };

    // 5. Rank, tier and flag.
    let order = rank_order(&scores, &ids, par);
    let mut ranks = vec![0u32; rows];
    for (position, &key) in order.iter().enumerate() {
        if let Some(r) = ranks.get_mut(row_of(key)) {
            *r = u32::try_from(position + 1).unwrap_or(u32::MAX);
        }
    }
    let bounds = par.bounds(rows);
    let silent = options.silent_need.as_ref().and_then(|rule| {
        let k = matrix
            .dimensions()
            .iter()
            .position(|dim| dim.id == rule.dimension)?;
        let min_need = f64::try_from(rule.min_dimension_need).unwrap_or(f64::INFINITY) / 100.0;
        let least = as_f64(dimensions.get(k).map_or(0, |d| d.weight)) * min_need;
        // A rule no contribution can meet (a zero weight or threshold) flags nobody.
        (least > 0.0).then_some(())?;
        Some(Silent {
            column: contributions.get(k)?,
            min_score: threshold(rule.min_score),
            min_contribution: first_where(|c| as_f64(c) >= least),
        })
    });
    let marks = Marks {
        cuts: Cuts::new(&options.tiers, rows),
        silent,
        outliers: options.outlier_z.and_then(|z| {
            Outliers::new(&scores, &order, f64::try_from(z).unwrap_or(f64::INFINITY))
        }),
    };
    let mut tiers = vec![0u8; rows];
    let parts: Vec<_> = split(&mut tiers, &bounds)
        .into_iter()
        .zip(split(&mut flags, &bounds))
        .zip(&bounds)
        .collect();
    par.run(parts, |((tiers, flags), &from)| {
        marks.mark(from, &scores, &ranks, tiers, flags);
    });
    Ok(Scores {
        dimensions: matrix
            .dimensions()
            .iter()
            .map(|dim| dim.id.clone())
            .collect(),
        tier_names,
        ids,
        totals: scores,
        ranks,
        tiers,
        flags,
        contributions,
        diagnostics,
    })
}

/// Admitted units' ids and flags, their contributions (one column per dimension)
/// and, when computed on the way, their weighted sums capped at 100 points; and a
/// diagnostic for every unit left out.
struct Contributions {
    ids: Vec<UnitId>,
    flags: Vec<u8>,
    columns: Vec<Vec<u64>>,
    sums: Option<Vec<u64>>,
    diagnostics: Vec<Diagnostic>,
}

/// Contributions when every unit can be admitted (the usual case), the units
/// read once, split over `par`'s threads, into value columns with each column's
/// range. Then, when every value is present and every normalisation pointwise
/// (rubric, min-max), a second split pass goes row by row: each dimension's need
/// becomes its contribution, written over its first indicator's column, with the
/// rows' sums. Otherwise the columns go the general way. `None` when some unit
/// cannot be admitted: the general way names it.
fn fast_contributions(
    units: &[Unit],
    indicators: &[IndicatorPlan<'_>],
    dimensions: &[DimensionPlan],
    par: Par,
) -> Option<Contributions> {
    let rows = units.len();
    let bounds = par.bounds(rows);
    let (mut columns, ids, ranges, missing) = read_columns(units, indicators, par, &bounds)?;
    let normalised: Option<Vec<Pointwise>> = indicators
        .iter()
        .zip(&ranges)
        .map(|(plan, &range)| Column::pointwise(plan, range))
        .collect();
    // A dimension's indicators combine as in the general way; all parts zero
    // would leave it without a need, which is for the general way too.
    let all_parts = |dim: &DimensionPlan| {
        let members = indicators.get(dim.first..dim.end).unwrap_or_default();
        members.iter().map(|p| p.parts).fold(0.0, |a, p| a + p)
    };
    let needless = dimensions
        .iter()
        .any(|dim| dim.end > dim.first + 1 && all_parts(dim) <= 0.0);
    let (Some(normalised), false, false) = (normalised, missing, needless) else {
        let mut admitted = Admitted {
            ids,
            raw: columns
                .into_iter()
                .map(|column| column.into_iter().map(f64::from_bits).collect())
                .collect(),
            ranges,
            flags: vec![0; rows],
            diagnostics: Vec::new(),
        };
        impute(&mut admitted, indicators);
        return Some(general_from(admitted, indicators, dimensions));
    };
    let weighted: Vec<(&DimensionPlan, f64)> = dimensions
        .iter()
        .map(|dim| (dim, as_f64(dim.weight)))
        .collect();
    // Pass 2: each dimension's need becomes its contribution, written over its
    // first indicator's value; the row's sum is taken.
    let mut sums = vec![0u64; rows];
    let parts: Vec<_> = split_columns(&mut columns, &bounds)
        .into_iter()
        .zip(split(&mut sums, &bounds))
        .collect();
    par.run(parts, |(mut columns, sums)| {
        for (row, sum) in sums.iter_mut().enumerate() {
            let mut total = 0;
            for &(dim, weight) in &weighted {
                let need = |i: usize| {
                    let value = columns.get(i).and_then(|c| c.get(row)).copied();
                    normalised
                        .get(i)
                        .zip(value)
                        .map_or(0.0, |(p, bits)| p.need(f64::from_bits(bits)))
                };
                let need = if dim.end == dim.first + 1 {
                    need(dim.first)
                } else {
                    let members = indicators.get(dim.first..dim.end).unwrap_or_default();
                    weighted_need(
                        (dim.first..dim.end)
                            .zip(members)
                            .map(|(i, plan)| (plan.parts, need(i))),
                    )
                    .0
                };
                let c = round_pico(need * weight);
                if let Some(slot) = columns.get_mut(dim.first).and_then(|c| c.get_mut(row)) {
                    *slot = c;
                }
                total += c;
            }
            *sum = total.min(FULL);
        }
    });
    // Keep each dimension's column: its first indicator's.
    let mut columns: Vec<Option<Vec<u64>>> = columns.into_iter().map(Some).collect();
    let columns: Vec<Vec<u64>> = dimensions
        .iter()
        .filter_map(|dim| columns.get_mut(dim.first).and_then(Option::take))
        .collect();
    Some(Contributions {
        ids,
        flags: vec![0; rows],
        columns,
        sums: Some(sums),
        diagnostics: Vec::new(),
    })
}

/// Value columns (as bits, one per indicator; NaN where missing), every id, each
/// column's range, and whether any value is missing.
type ReadColumns = (Vec<Vec<u64>>, Vec<UnitId>, Vec<Range>, bool);

/// The fast path's first pass: admit every unit (`None` when one cannot be: the
/// general way names it), keep its values as bits (so that the same memory can
/// hold contributions next) in one column per indicator, and each column's
/// range; and, as one more task beside the parts, every id, in one vector (so
/// there is none to concatenate).
fn read_columns(
    units: &[Unit],
    indicators: &[IndicatorPlan<'_>],
    par: Par,
    bounds: &[usize],
) -> Option<ReadColumns> {
    let rows = units.len();
    let mut columns: Vec<Vec<u64>> = indicators.iter().map(|_| vec![0u64; rows]).collect();
    let tasks: Vec<Task<'_>> = split_columns(&mut columns, bounds)
        .into_iter()
        .zip(bounds.windows(2))
        .map(|(columns, window)| Task::Values(columns, window))
        .chain([Task::Ids])
        .collect();
    let done = par.run(tasks, |task| match task {
        Task::Ids => Done::Ids(units.iter().map(|unit| unit.id.clone()).collect()),
        Task::Values(mut columns, window) => Done::Ranges((|| {
            let &[from, to] = window else {
                return None;
            };
            let mut ranges = vec![Range::EMPTY; indicators.len()];
            let mut missing = false;
            for (row, unit) in units.get(from..to)?.iter().enumerate() {
                if unit.values.len() != indicators.len() {
                    return None;
                }
                for (((value, range), column), plan) in unit
                    .values
                    .iter()
                    .zip(&mut ranges)
                    .zip(columns.iter_mut())
                    .zip(indicators)
                {
                    let v = match *value {
                        Some(v) if v.is_finite() => v,
                        None if plan.policy != MissingPolicy::Reject => {
                            missing = true;
                            f64::NAN
                        }
                        _ => return None,
                    };
                    range.add(v);
                    *column.get_mut(row)? = v.to_bits();
                }
            }
            Some((ranges, missing))
        })()),
    });
    let mut ranges = vec![Range::EMPTY; indicators.len()];
    let mut ids: Vec<UnitId> = Vec::new();
    let mut missing = false;
    for part in done {
        match part {
            Done::Ranges(part) => {
                let (part, part_missing) = part?;
                for (range, other) in ranges.iter_mut().zip(part) {
                    range.merge(other);
                }
                missing |= part_missing;
            }
            Done::Ids(all) => ids = all,
        }
    }
    Some((columns, ids, ranges, missing))
}

/// A task of the fast path's first pass: one part's values, or every id.
enum Task<'a> {
    Values(Vec<&'a mut [u64]>, &'a [usize]),
    Ids,
}

/// What a [`Task`] gives: the part's column ranges and whether a value is missing
/// (`None` when a unit cannot be admitted), or every id.
enum Done {
    Ranges(Option<(Vec<Range>, bool)>),
    Ids(Vec<UnitId>),
}

/// Contributions for any cohort: admit the units as indicator columns (imputing
/// where a dimension's policy says so), then combine them.
fn admitted_contributions(
    units: &[Unit],
    indicators: &[IndicatorPlan<'_>],
    dimensions: &[DimensionPlan],
) -> Contributions {
    let mut admitted = admit_all(units, indicators);
    impute(&mut admitted, indicators);
    general_from(admitted, indicators, dimensions)
}

/// Contributions from admitted (and imputed) indicator columns.
fn general_from(
    admitted: Admitted,
    indicators: &[IndicatorPlan<'_>],
    dimensions: &[DimensionPlan],
) -> Contributions {
    let Admitted {
        ids,
        raw,
        ranges,
        flags,
        mut diagnostics,
    } = admitted;
    let (ids, flags, columns) = general_contributions(
        indicators,
        dimensions,
        (raw, &ranges),
        ids,
        flags,
        &mut diagnostics,
    );
    Contributions {
        ids,
        flags,
        columns,
        sums: None,
        diagnostics,
    }
}

/// Contributions when some dimension has several indicators or some value is
/// missing: each indicator's need column, then each dimension's need (the
/// parts-weighted mean over the indicators present), then contributions, with
/// incomplete rows re-weighted over the dimensions present and rows with no
/// dimension at all dropped with a diagnostic.
fn general_contributions(
    indicators: &[IndicatorPlan<'_>],
    dimensions: &[DimensionPlan],
    (mut needs, ranges): (Vec<Vec<f64>>, &[Range]),
    mut ids: Vec<UnitId>,
    mut flags: Vec<u8>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<UnitId>, Vec<u8>, Vec<Vec<u64>>) {
    let rows = ids.len();
    for ((plan, column), &range) in indicators.iter().zip(&mut needs).zip(ranges) {
        Column::build(plan, column, range).to_needs(column);
    }
    let mut dimension_needs: Vec<Vec<f64>> = Vec::with_capacity(dimensions.len());
    for dim in dimensions {
        let parts: Vec<f64> = indicators
            .get(dim.first..dim.end)
            .unwrap_or_default()
            .iter()
            .map(|p| p.parts)
            .collect();
        let need = match needs.get_mut(dim.first..dim.end).unwrap_or_default() {
            // A one-indicator dimension's need is its indicator's: moved, not copied.
            [only] => core::mem::take(only),
            members => combine(members, &parts, &mut flags),
        };
        dimension_needs.push(need);
    }
    drop(needs);
    // Each need column becomes its contribution column in place (same size, same
    // alignment: `collect` reuses the allocation). A NaN — a dimension with no
    // value — contributes 0 here and marks the row for re-weighting below.
    let full: Vec<u64> = dimensions.iter().map(|d| d.weight).collect();
    let mut incomplete = vec![false; rows];
    let mut contributions: Vec<Vec<u64>> = Vec::with_capacity(dimensions.len());
    let mut kept_needs: Vec<Vec<f64>> = Vec::new();
    let any_missing = dimension_needs
        .iter()
        .any(|column| column.iter().any(|n| n.is_nan()));
    for (need, &weight) in dimension_needs.into_iter().zip(&full) {
        if any_missing {
            for (flag, n) in incomplete.iter_mut().zip(&need) {
                *flag |= n.is_nan();
            }
            kept_needs.push(need.clone());
        }
        let weight = as_f64(weight);
        contributions.push(need.into_iter().map(|n| round_pico(n * weight)).collect());
    }
    let mut dropped = Vec::new();
    for (row, _) in incomplete
        .iter()
        .enumerate()
        .filter(|(_, missing)| **missing)
    {
        let row_needs: Vec<Option<f64>> = kept_needs
            .iter()
            .map(|c| c.get(row).copied().filter(|n| !n.is_nan()))
            .collect();
        match effective_weights(&full, &row_needs) {
            Some(weights) => {
                if let Some(bits) = flags.get_mut(row) {
                    *bits |= Flags::PARTIAL;
                }
                for ((need, w), column) in row_needs.iter().zip(weights).zip(&mut contributions) {
                    if let Some(c) = column.get_mut(row) {
                        *c = need.map_or(0, |n| round_pico(n * as_f64(w)));
                    }
                }
            }
            None => dropped.push(row),
        }
    }
    drop(kept_needs);
    if !dropped.is_empty() {
        for &row in &dropped {
            if let Some(id) = ids.get(row) {
                diagnostics.push(Diagnostic {
                    unit: id.clone(),
                    error: Error::NoValues {
                        unit: id.to_string(),
                    },
                });
            }
        }
        (ids, flags, contributions) = without_rows(&dropped, ids, flags, contributions);
    }
    (ids, flags, contributions)
}

/// A dimension's need per row: the parts-weighted mean of its indicators' needs
/// over those present; NaN when none is. A row missing some but not all of them
/// is flagged partial.
fn combine(members: &[Vec<f64>], parts: &[f64], flags: &mut [u8]) -> Vec<f64> {
    let rows = members.first().map_or(0, Vec::len);
    (0..rows)
        .map(|row| {
            let (need, missing) = weighted_need(
                members
                    .iter()
                    .zip(parts)
                    .map(|(column, &p)| (p, column.get(row).copied().unwrap_or(f64::NAN))),
            );
            if missing
                && !need.is_nan()
                && let Some(bits) = flags.get_mut(row)
            {
                *bits |= Flags::PARTIAL;
            }
            need
        })
        .collect()
}

/// A dimension's need from its indicators' `(parts, need)` pairs: the
/// parts-weighted mean over the needs present (not NaN), clamped to `[0, 1]`, or
/// NaN when none is; and whether some need was missing. The one definition both
/// ways of scoring use, so that they agree to the bit.
fn weighted_need(members: impl Iterator<Item = (f64, f64)>) -> (f64, bool) {
    let (mut sum, mut weight, mut missing) = (0.0, 0.0, false);
    for (p, n) in members {
        if n.is_nan() {
            missing = true;
        } else {
            sum += p * n;
            weight += p;
        }
    }
    let need = if weight > 0.0 {
        (sum / weight).clamp(0.0, 1.0)
    } else {
        f64::NAN
    };
    (need, missing)
}

/// The columns without the `dropped` rows (sorted ascending).
fn without_rows(
    dropped: &[usize],
    ids: Vec<UnitId>,
    flags: Vec<u8>,
    contributions: Vec<Vec<u64>>,
) -> (Vec<UnitId>, Vec<u8>, Vec<Vec<u64>>) {
    fn keep<T>(dropped: &[usize], column: Vec<T>) -> Vec<T> {
        column
            .into_iter()
            .enumerate()
            .filter(|(r, _)| dropped.binary_search(r).is_err())
            .map(|(_, v)| v)
            .collect()
    }
    let contributions = contributions
        .into_iter()
        .map(|c| keep(dropped, c))
        .collect();
    (keep(dropped, ids), keep(dropped, flags), contributions)
}

#[allow(
    clippy::cast_precision_loss,
    reason = "pico-point values are below 2^53, exact in f64"
)]
fn as_f64(pico: u64) -> f64 {
    pico as f64
}

/// `x` rounded to the nearest integer, ties to even, for `x` in `[0, 10¹⁴]`; NaN
/// gives 0.
///
/// Adding and subtracting 2⁵² leaves no fraction bits, so IEEE 754's
/// round-to-nearest-even does the rounding, exactly and on every machine (no call
/// into the platform's `rint`).
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the value is in [0, 10^14]"
)]
fn round_pico(x: f64) -> u64 {
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    let x = if x.is_nan() {
        0.0
    } else {
        x.clamp(0.0, as_f64(FULL))
    };
    // Through i64: the value is far below 2^63, and the signed conversion is one
    // instruction where the unsigned one is not.
    ((x + TWO_52) - TWO_52) as i64 as u64
}

fn plan(matrix: &Matrix) -> Result<(Vec<IndicatorPlan<'_>>, Vec<DimensionPlan>)> {
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

/// The admitted units: their ids, one contiguous column per indicator (NaN for a
/// missing value, the cohort median where the policy imputes) with its range,
/// per-row flags, and a diagnostic for every unit left out.
struct Admitted {
    ids: Vec<UnitId>,
    raw: Vec<Vec<f64>>,
    ranges: Vec<Range>,
    flags: Vec<u8>,
    diagnostics: Vec<Diagnostic>,
}

fn admit_all(units: &[Unit], indicators: &[IndicatorPlan<'_>]) -> Admitted {
    let mut diagnostics = Vec::new();
    let mut ids: Vec<UnitId> = Vec::with_capacity(units.len());
    let mut raw: Vec<Vec<f64>> = indicators
        .iter()
        .map(|_| Vec::with_capacity(units.len()))
        .collect();
    // An imputed median lies within the range, so ranges are taken here, in the
    // pass that reads the values anyway.
    let mut ranges = vec![Range::EMPTY; indicators.len()];
    for unit in units {
        match admit(unit, indicators) {
            Ok(()) => {
                ids.push(unit.id.clone());
                for ((column, value), range) in raw.iter_mut().zip(&unit.values).zip(&mut ranges) {
                    let v = value.unwrap_or(f64::NAN);
                    column.push(v);
                    range.add(v);
                }
            }
            Err(error) => diagnostics.push(Diagnostic {
                unit: unit.id.clone(),
                error,
            }),
        }
    }
    let flags = vec![0u8; ids.len()];
    Admitted {
        ids,
        raw,
        ranges,
        flags,
        diagnostics,
    }
}

/// Fills the missing values of columns whose dimension imputes with the column's
/// median, flagging the rows. (The median lies within the range: ranges stand.)
fn impute(admitted: &mut Admitted, indicators: &[IndicatorPlan<'_>]) {
    for (plan, column) in indicators.iter().zip(&mut admitted.raw) {
        if plan.policy == MissingPolicy::ImputeMedian
            && column.iter().any(|v| v.is_nan())
            && let Some(median) = median(column.iter().copied().filter(|v| !v.is_nan()).collect())
        {
            for (v, bits) in column.iter_mut().zip(&mut admitted.flags) {
                if v.is_nan() {
                    *v = median;
                    *bits |= Flags::IMPUTED;
                }
            }
        }
    }
}

fn admit(unit: &Unit, indicators: &[IndicatorPlan<'_>]) -> Result<()> {
    if unit.values.len() != indicators.len() {
        return Err(Error::WrongValueCount {
            unit: unit.id.to_string(),
            expected: indicators.len(),
            got: unit.values.len(),
        });
    }
    for (value, plan) in unit.values.iter().zip(indicators) {
        match value {
            Some(v) if !v.is_finite() => {
                return Err(Error::NonFiniteValue {
                    unit: unit.id.to_string(),
                    indicator: plan.id.to_owned(),
                });
            }
            None if plan.policy == MissingPolicy::Reject => {
                return Err(Error::MissingValue {
                    unit: unit.id.to_string(),
                    indicator: plan.id.to_owned(),
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// The median of `values` (the mean of the middle two for an even count).
fn median(mut values: Vec<f64>) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let (_, &mut upper, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        return Some(upper);
    }
    let lower = values
        .get(..n / 2)?
        .iter()
        .copied()
        .max_by(f64::total_cmp)?;
    Some(lower / 2.0 + upper / 2.0)
}

/// The present dimensions' weights scaled up to exactly 100 points (largest
/// remainder, ties to the earlier dimension); `None` when no dimension is present.
fn effective_weights(full: &[u64], needs: &[Option<f64>]) -> Option<Vec<u64>> {
    let present: u128 = full
        .iter()
        .zip(needs)
        .filter(|(_, n)| n.is_some())
        .map(|(&w, _)| u128::from(w))
        .sum();
    if present == 0 {
        return None;
    }
    let mut pico = Vec::with_capacity(full.len());
    let mut rems = Vec::with_capacity(full.len());
    for (&w, n) in full.iter().zip(needs) {
        let exact = if n.is_some() {
            u128::from(w) * u128::from(FULL)
        } else {
            0
        };
        pico.push(u64::try_from(exact / present).unwrap_or(FULL));
        rems.push(exact % present);
    }
    let mut left = FULL.saturating_sub(pico.iter().sum::<u64>());
    let mut order: Vec<usize> = (0..pico.len()).collect();
    order.sort_by(|&a, &b| rems.get(b).cmp(&rems.get(a)).then(a.cmp(&b)));
    for i in order {
        if left == 0 {
            break;
        }
        if let Some(p) = pico.get_mut(i) {
            *p += 1;
            left -= 1;
        }
    }
    Some(pico)
}

/// TOPSIS closeness, on 0–100 in 10⁻¹² points, over the weighted needs (stored
/// column by column).
fn topsis(columns: &[Vec<u64>], rows: usize) -> Vec<u64> {
    let ideal: Vec<(f64, f64)> = columns
        .iter()
        .map(|c| {
            let best = c.iter().copied().max().unwrap_or(0);
            let worst = c.iter().copied().min().unwrap_or(0);
            (as_f64(best), as_f64(worst))
        })
        .collect();
    (0..rows)
        .map(|row| {
            let (mut to_best, mut to_worst) = (0.0, 0.0);
            for (column, &(best, worst)) in columns.iter().zip(&ideal) {
                let c = as_f64(column.get(row).copied().unwrap_or(0));
                to_best += (c - best) * (c - best);
                to_worst += (c - worst) * (c - worst);
            }
            let (plus, minus) = (to_best.sqrt(), to_worst.sqrt());
            if plus + minus > 0.0 {
                round_pico(as_f64(FULL) * minus / (plus + minus))
            } else {
                0
            }
        })
        .collect()
}

/// Scores are at most 10¹⁴ < 2⁴⁷: the top 16 bits of a score's distance from 100
/// points pick its bucket in [`rank_order`], and the other 31 are in its key.
const BUCKET_SHIFT: u32 = 47 - 16;

/// The rows by rank — score descending, ties by id, then input order — each as a
/// key: the low 31 bits of the score's distance from 100 points, then the row in
/// the low 32 bits ([`row_of`]).
///
/// A counting sort on the top 16 bits of that distance puts every row in its
/// bucket (which fixes the bits the key leaves out), in row order; each bucket (a
/// dozen rows on average for a million) is then sorted by key: by score, then
/// row. Only rows that tie on score are compared by id, and only when their ids
/// do not already ascend with the row (the usual export): with rubric scores
/// most rows tie, and sorting strings would dominate on large cohorts. Each of
/// `par`'s parts takes a run of whole buckets holding about its share of the
/// rows.
fn rank_order(scores: &[u64], ids: &[UnitId], par: Par) -> Vec<u64> {
    const BUCKETS: usize = 1 << (47 - BUCKET_SHIFT);
    const LOW: u64 = (1 << BUCKET_SHIFT) - 1;
    let bucket =
        |s: u64| -> usize { usize::try_from((FULL - s.min(FULL)) >> BUCKET_SHIFT).unwrap_or(0) };
    let rows = scores.len();
    let row_bounds = par.bounds(rows);
    let counted = par.run(row_bounds.windows(2).collect(), |w| {
        let mut counts = vec![0usize; BUCKETS];
        if let &[from, to] = w {
            for &s in scores.get(from..to).unwrap_or_default() {
                if let Some(c) = counts.get_mut(bucket(s)) {
                    *c += 1;
                }
            }
        }
        counts
    });
    // `starts[b]`: how many rows fall in the buckets before `b`.
    let mut starts = vec![0usize; BUCKETS + 1];
    for counts in counted {
        for (start, count) in starts.iter_mut().skip(1).zip(counts) {
            *start += count;
        }
    }
    for b in 1..starts.len() {
        let previous = starts.get(b - 1).copied().unwrap_or(0);
        if let Some(c) = starts.get_mut(b) {
            *c += previous;
        }
    }
    // Part k takes the buckets from the first one starting at or after its share.
    let bucket_bounds: Vec<usize> = row_bounds
        .iter()
        .map(|&row| starts.partition_point(|&s| s < row).min(BUCKETS))
        .collect();
    let key_bounds: Vec<usize> = bucket_bounds
        .iter()
        .map(|&b| starts.get(b).copied().unwrap_or(rows))
        .collect();
    let mut keys = vec![0u64; rows];
    let id = |key: u64| ids.get(row_of(key));
    let parts: Vec<_> = split(&mut keys, &key_bounds)
        .into_iter()
        .zip(bucket_bounds.windows(2))
        .collect();
    par.run(parts, |(piece, buckets)| {
        let &[first, end] = buckets else {
            return;
        };
        let base = starts.get(first).copied().unwrap_or(0);
        let local: Vec<usize> = starts
            .get(first..=end)
            .unwrap_or_default()
            .iter()
            .map(|&s| s - base)
            .collect();
        let mut next = local.clone();
        for (row, &s) in (0u64..).zip(scores) {
            let b = bucket(s);
            if b >= first
                && b < end
                && let Some(slot) = next.get_mut(b - first)
            {
                if let Some(key) = piece.get_mut(*slot) {
                    *key = (((FULL - s.min(FULL)) & LOW) << 32) | row;
                }
                *slot += 1;
            }
        }
        for window in local.windows(2) {
            if let &[from, to] = window
                && to > from + 1
                && let Some(run) = piece.get_mut(from..to)
            {
                run.sort_unstable();
                for tied in run.chunk_by_mut(|a, b| a >> 32 == b >> 32) {
                    if tied.len() > 1
                        && !tied
                            .windows(2)
                            .all(|w| matches!(w, [a, b] if id(*a) <= id(*b)))
                    {
                        tied.sort_unstable_by(|&a, &b| id(a).cmp(&id(b)).then(a.cmp(&b)));
                    }
                }
            }
        }
    });
    keys
}

/// The row of a [`rank_order`] key.
fn row_of(key: u64) -> usize {
    usize::try_from(key & 0xFFFF_FFFF).unwrap_or(usize::MAX)
}

fn validate_tiers(tiers: &Tiers) -> Result<Vec<String>> {
    let invalid = |reason: &str| Error::InvalidOption {
        reason: reason.to_owned(),
    };
    let names: Vec<String> = match tiers {
        Tiers::Thresholds { bands, rest } => {
            if bands
                .windows(2)
                .any(|w| matches!(w, [a, b] if a.at_least <= b.at_least))
            {
                return Err(invalid("threshold tiers must be in decreasing order"));
            }
            if bands
                .iter()
                .any(|b| b.at_least < Decimal::ZERO || b.at_least > Decimal::ONE_HUNDRED)
            {
                return Err(invalid("a tier threshold is outside 0..=100"));
            }
            bands
                .iter()
                .map(|b| b.name.clone())
                .chain([rest.clone()])
                .collect()
        }
        Tiers::Quantiles { bands, rest } => {
            if bands
                .windows(2)
                .any(|w| matches!(w, [a, b] if a.top >= b.top))
            {
                return Err(invalid("quantile tiers must be in increasing order"));
            }
            if bands
                .iter()
                .any(|b| b.top <= Decimal::ZERO || b.top > Decimal::ONE)
            {
                return Err(invalid("a tier quantile is outside (0, 1]"));
            }
            bands
                .iter()
                .map(|b| b.name.clone())
                .chain([rest.clone()])
                .collect()
        }
    };
    if names.len() > usize::from(u8::MAX) {
        return Err(invalid("at most 255 tiers"));
    }
    Ok(names)
}

/// Tier cut-offs: least scores for threshold bands, last ranks for quantiles.
enum Cuts {
    Scores(Vec<u64>),
    Ranks(Vec<u32>),
}

impl Cuts {
    fn new(tiers: &Tiers, rows: usize) -> Self {
        match tiers {
            Tiers::Thresholds { bands, .. } => {
                Cuts::Scores(bands.iter().map(|b| threshold(b.at_least)).collect())
            }
            Tiers::Quantiles { bands, .. } => {
                let n = Decimal::from(rows);
                Cuts::Ranks(
                    bands
                        .iter()
                        .map(|b| {
                            b.top
                                .checked_mul(n)
                                .and_then(|c| u32::try_from(c.ceil()).ok())
                                .unwrap_or(u32::MAX)
                        })
                        .collect(),
                )
            }
        }
    }

    /// The tier (an index into the tier names) of a row's score and rank: the
    /// first band the row reaches, that is how many bands it misses (bands are
    /// in order), counted without a branch.
    fn tier(&self, score: u64, rank: u32) -> u8 {
        let missed: u8 = match self {
            Cuts::Scores(cuts) => cuts.iter().map(|&c| u8::from(score < c)).sum(),
            Cuts::Ranks(cuts) => cuts.iter().map(|&c| u8::from(rank > c)).sum(),
        };
        missed
    }
}

/// The least score in `0..=100` points (in 10⁻¹² points) that `test` holds for,
/// for a `test` that holds from some score on; past 100 points when it never does.
/// A float test becomes an integer comparison that decides every score alike.
fn first_where(test: impl Fn(u64) -> bool) -> u64 {
    let (mut lo, mut hi) = (0, FULL + 1);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if test(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// The silent-need rule made ready: the participation dimension's contributions,
/// the least score and the least contribution.
struct Silent<'a> {
    column: &'a [u64],
    min_score: u64,
    min_contribution: u64,
}

/// Outliers by the modified z-score `0.6745 |x − median| / MAD` (Iglewicz &
/// Hoaglin), flagged beyond `z`: every score below `below` or from `from` on.
struct Outliers {
    below: u64,
    from: u64,
}

impl Outliers {
    /// The cohort's median and MAD, read off the scores in rank order (`order`,
    /// from [`rank_order`]); `None` with no spread (MAD = 0: nothing can be an
    /// outlier) or no scores.
    ///
    /// Exact, in integers at twice the scale (a median may fall halfway between
    /// two scores): the deviations at most `t` from the median are a window of
    /// the sorted scores, found by two binary searches, so the MAD is the least
    /// `t` whose window holds enough scores — no deviation list is built.
    fn new(scores: &[u64], order: &[u64], z: f64) -> Option<Self> {
        let count = order.len();
        let twice = |key: u64| u128::from(scores.get(row_of(key)).copied().unwrap_or(0)) * 2;
        // The i-th smallest score, twice.
        let at = |i: usize| order.get(count.checked_sub(i + 1)?).map(|&k| twice(k));
        let half = count / 2;
        let median2 = if count % 2 == 1 {
            at(half)?
        } else {
            u128::midpoint(at(half.checked_sub(1)?)?, at(half)?)
        };
        // How many scores lie within `t` (at twice the scale) of the median.
        let within = |t: u128| {
            let low = order.partition_point(|&k| twice(k) > median2 + t);
            let high = order.partition_point(|&k| twice(k) + t >= median2);
            high - low
        };
        // The k-th smallest deviation (from 0), twice.
        let kth = |k: usize| {
            let (mut lo, mut hi) = (0u128, 4 * u128::from(FULL));
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if within(mid) > k {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            lo
        };
        #[allow(clippy::cast_precision_loss, reason = "at most 4·10¹⁴, exact in f64")]
        let real = |twice: u128| twice as f64 / 2.0;
        let mad = if count % 2 == 1 {
            real(kth(half))
        } else {
            real(kth(half.saturating_sub(1))) / 2.0 + real(kth(half)) / 2.0
        };
        let median = real(median2);
        // The z-score only grows away from the median (every step of it rounds
        // monotonically), so the scores it flags are those below one cut-off
        // and from another on.
        let beyond = |s: u64| 0.6745 * (as_f64(s) - median).abs() / mad > z;
        let middle = u64::try_from(median2 / 2).unwrap_or(FULL);
        (mad > 0.0).then(|| Self {
            below: first_where(|s| s > middle || !beyond(s)),
            from: first_where(|s| s > middle && beyond(s)),
        })
    }

    /// Flags nothing.
    const NONE: Self = Self {
        below: 0,
        from: u64::MAX,
    };

    /// [`Flags::OUTLIER`] if `score` is an outlier, else 0 (without a branch).
    fn bit(&self, score: u64) -> u8 {
        (u8::from(score < self.below) | u8::from(score >= self.from)) * Flags::OUTLIER
    }
}

/// Everything decided row by row once scores and ranks are known.
struct Marks<'a> {
    cuts: Cuts,
    silent: Option<Silent<'a>>,
    outliers: Option<Outliers>,
}

impl Marks<'_> {
    /// Tiers and flags for the rows from `from` on (as many as `tiers` holds),
    /// without a branch per row: tiers and flags fall where the data says.
    fn mark(&self, from: usize, scores: &[u64], ranks: &[u32], tiers: &mut [u8], flags: &mut [u8]) {
        let to = from + tiers.len();
        let scores = scores.get(from..to).unwrap_or_default();
        let ranks = ranks.get(from..to).unwrap_or_default();
        let outliers = self.outliers.as_ref().unwrap_or(&Outliers::NONE);
        for (((&s, &r), tier), bits) in scores.iter().zip(ranks).zip(tiers).zip(flags.iter_mut()) {
            *tier = self.cuts.tier(s, r);
            *bits |= outliers.bit(s);
        }
        if let Some(rule) = &self.silent {
            let column = rule.column.get(from..to).unwrap_or_default();
            for ((&s, &c), bits) in scores.iter().zip(column).zip(flags) {
                *bits |= (u8::from(s >= rule.min_score) & u8::from(c >= rule.min_contribution))
                    * Flags::SILENT;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::matrix::{Dimension, Indicator, Rubric};

    fn one_column(normalization: Normalization, direction: Direction) -> Matrix {
        Matrix::try_new(vec![Dimension {
            id: "d".into(),
            name: "d".into(),
            weight: Decimal::ONE_HUNDRED,
            indicators: vec![Indicator {
                id: "x".into(),
                source: "s".into(),
                direction,
                normalization,
                weight: Decimal::ONE,
            }],
            missing: MissingPolicy::Reject,
        }])
        .unwrap()
    }

    fn scores_of(matrix: &Matrix, values: &[f64], options: &ScoreOptions) -> Vec<String> {
        let units: Vec<Unit> = values
            .iter()
            .enumerate()
            .map(|(i, &v)| Unit::new(format!("u{i}"), vec![Some(v)]))
            .collect();
        score(matrix, &units, options)
            .unwrap()
            .iter()
            .map(|u| u.score.to_string())
            .collect()
    }

    #[test]
    fn percentile_ranks_ties_take_the_lowest_rank() {
        let m = one_column(Normalization::Percentile, Direction::MoreNeed);
        // Ranks 1, 2, 2, 4, 5 → (rank − 1) / 4.
        assert_eq!(
            scores_of(&m, &[1.0, 5.0, 5.0, 7.0, 9.0], &ScoreOptions::default()),
            ["0", "25", "25", "75", "100"]
        );
        let less = one_column(Normalization::Percentile, Direction::LessNeed);
        assert_eq!(
            scores_of(&less, &[1.0, 9.0], &ScoreOptions::default()),
            ["100", "0"]
        );
    }

    #[test]
    fn the_exponential_rank_transform_stretches_the_top() {
        let m = one_column(Normalization::ExponentialRank, Direction::MoreNeed);
        let values: Vec<f64> = (1..=10).map(f64::from).collect();
        let scores = scores_of(&m, &values, &ScoreOptions::default());
        let parsed: Vec<f64> = scores.iter().map(|s| s.parse().unwrap()).collect();
        assert!(
            (parsed[9] - 100.0).abs() < 1e-9,
            "the most deprived gets 100"
        );
        // The bottom half is compressed: the median household is well below 50.
        assert!(parsed[4] < 20.0 && parsed[8] > 50.0, "{parsed:?}");
    }

    #[test]
    fn tiers_by_threshold_and_quantile() {
        let m = one_column(Normalization::MinMax, Direction::MoreNeed);
        let units: Vec<Unit> = (0..10)
            .map(|i| Unit::new(format!("u{i}"), vec![Some(f64::from(i))]))
            .collect();
        let by_score = score(&m, &units, &ScoreOptions::default()).unwrap();
        let tiers: Vec<String> = by_score.iter().map(|u| u.tier).collect();
        // min-max: 0, 11.1, …, 100 → high from 60, medium from 40.
        assert_eq!(
            tiers,
            [
                "low", "low", "low", "low", "medium", "medium", "high", "high", "high", "high"
            ]
        );
        let quantiles = Tiers::Quantiles {
            bands: vec![QuantileBand {
                name: "top-20%".into(),
                top: Decimal::new(2, 1),
            }],
            rest: "others".into(),
        };
        let by_rank = score(&m, &units, &ScoreOptions::default().with_tiers(quantiles)).unwrap();
        let top: Vec<String> = by_rank
            .iter()
            .filter(|u| u.tier == "top-20%")
            .map(|u| u.id.to_string())
            .collect();
        assert_eq!(top, ["u8", "u9"]);
        let bad = Tiers::Thresholds {
            bands: vec![
                ThresholdBand {
                    name: "a".into(),
                    at_least: Decimal::from(10),
                },
                ThresholdBand {
                    name: "b".into(),
                    at_least: Decimal::from(20),
                },
            ],
            rest: "c".into(),
        };
        assert!(matches!(
            score(&m, &units, &ScoreOptions::default().with_tiers(bad)),
            Err(Error::InvalidOption { .. })
        ));
    }

    #[test]
    fn outliers_by_modified_z_score() {
        let m = one_column(
            Normalization::Rubric(crate::Rubric {
                bands: (0..=100)
                    .map(|p| crate::Band {
                        at_least: f64::from(p),
                        need: Decimal::from(p),
                    })
                    .collect(),
            }),
            Direction::MoreNeed,
        );
        let mut values = vec![40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 95.0];
        values.push(44.0);
        let units: Vec<Unit> = values
            .iter()
            .enumerate()
            .map(|(i, &v)| Unit::new(format!("u{i}"), vec![Some(v)]))
            .collect();
        let scores = score(&m, &units, &ScoreOptions::default()).unwrap();
        let flagged: Vec<String> = scores
            .iter()
            .filter(|u| u.flags.outlier)
            .map(|u| u.id.to_string())
            .collect();
        assert_eq!(flagged, ["u7"]);
        let none = score(&m, &units, &ScoreOptions::default().with_outlier_z(None)).unwrap();
        assert!(none.iter().all(|u| !u.flags.outlier));
    }

    #[test]
    fn diagnostics_name_the_unit() {
        let m = one_column(Normalization::MinMax, Direction::MoreNeed);
        let units = [
            Unit::new("ok", vec![Some(1.0)]),
            Unit::new("two", vec![Some(1.0), Some(2.0)]),
            Unit::new("nan", vec![Some(f64::NAN)]),
            Unit::new("gap", vec![None]),
        ];
        let scores = score(&m, &units, &ScoreOptions::default()).unwrap();
        assert_eq!(scores.len(), 1);
        let messages: Vec<String> = scores
            .diagnostics()
            .iter()
            .map(|d| d.error.to_string())
            .collect();
        assert_eq!(
            messages,
            [
                "unit `two` has 2 values, expected 1",
                "unit `nan` has a value for `x` that is not a finite number",
                "unit `gap` has no value for `x`",
            ]
        );
    }

    #[test]
    fn scores_round_trip_through_json() {
        let m = Matrix::article_default();
        let units = [
            Unit::new(
                "a",
                vec![
                    Some(84.0),
                    Some(1.0),
                    Some(0.0),
                    Some(2.0),
                    Some(0.0),
                    Some(0.9),
                    Some(0.0),
                    Some(3.0),
                    None,
                ],
            ),
            Unit::new(
                "b",
                vec![
                    Some(66.0),
                    Some(0.0),
                    Some(0.0),
                    Some(0.0),
                    Some(0.0),
                    Some(2.5),
                    Some(14.0),
                    Some(0.0),
                    Some(0.0),
                ],
            ),
        ];
        let scores = score(&m, &units, &ScoreOptions::default()).unwrap();
        let json = serde_json::to_string(&scores).unwrap();
        let back: Scores = serde_json::from_str(&json).unwrap();
        assert_eq!(
            back.iter().collect::<Vec<_>>(),
            scores.iter().collect::<Vec<_>>()
        );
        assert!(json.starts_with(r#"{"dimensions":["population","health","economic","participation","special"],"scores":[{"id":"a","score":"#));
    }

    /// A matrix of dimensions with one or two indicators, rubric or min-max (the
    /// fast path's kind), with a ranked one now and then (which is not).
    fn mixed_matrix() -> impl Strategy<Value = Matrix> {
        let rubric = Normalization::Rubric(Rubric {
            bands: [(0.0, 20), (1.0, 60), (2.5, 100)]
                .into_iter()
                .map(|(at_least, need)| crate::matrix::Band {
                    at_least,
                    need: Decimal::from(need),
                })
                .collect(),
        });
        let normalization = prop_oneof![
            4 => Just(Normalization::MinMax),
            4 => Just(rubric),
            1 => Just(Normalization::Percentile),
        ];
        // Each indicator: its direction, normalisation and weight among its
        // dimension's (1–3 parts).
        let indicator = (any::<bool>(), normalization, 1i64..=3);
        let dimension = proptest::collection::vec(indicator, 1..=2);
        let policy = prop::sample::select(vec![
            MissingPolicy::Reweight,
            MissingPolicy::ImputeMedian,
            MissingPolicy::Reject,
        ]);
        (proptest::collection::vec(dimension, 1..=4), policy).prop_map(|(dims, policy)| {
            let count = u32::try_from(dims.len()).unwrap();
            let dimensions = dims
                .into_iter()
                .zip(0u32..)
                .map(|(indicators, d)| Dimension {
                    id: if d == 0 {
                        "participation".into()
                    } else {
                        format!("d{d}")
                    },
                    name: format!("dimension {d}"),
                    weight: Decimal::from(100 / count + u32::from(d < 100 % count)),
                    indicators: indicators
                        .into_iter()
                        .zip(0..)
                        .map(|((more, normalization, parts), k)| Indicator {
                            id: format!("d{d}i{k}"),
                            source: "generated".into(),
                            direction: [Direction::LessNeed, Direction::MoreNeed]
                                [usize::from(more)],
                            normalization,
                            weight: Decimal::new(parts, 1),
                        })
                        .collect(),
                    missing: policy,
                })
                .collect();
            Matrix::try_new(dimensions).unwrap()
        })
    }

    /// Units with few distinct values (so scores tie) and shuffled ids (so ties
    /// are not in id order); in half the cohorts one value is missing.
    fn tied_cohort() -> impl Strategy<Value = (Matrix, Vec<Unit>)> {
        mixed_matrix().prop_flat_map(|matrix| {
            let m = matrix.indicator_count();
            let value = (-2i8..=3).prop_map(|v| Some(f64::from(v)));
            let rows = proptest::collection::vec(proptest::collection::vec(value, m), 0..40);
            (Just(matrix), rows, any::<u64>(), any::<bool>()).prop_map(
                move |(matrix, mut rows, seed, hole)| {
                    let n = rows.len();
                    if hole && n > 0 {
                        let row = usize::try_from(seed % n as u64).unwrap();
                        rows[row][row % m] = None;
                    }
                    let units = rows
                        .into_iter()
                        .zip(0u64..)
                        .map(|(values, i)| {
                            let label = i.wrapping_mul(seed | 1).wrapping_add(seed) % 16;
                            Unit::new(format!("u{label:02}-{i}"), values)
                        })
                        .collect();
                    (matrix, units)
                },
            )
        })
    }

    proptest! {
        #[test]
        fn every_path_and_split_gives_the_same_scores(
            (matrix, units) in tied_cohort(),
            topsis in any::<bool>(),
            quantiles in any::<bool>(),
        ) {
            let mut options = ScoreOptions::default().with_outlier_z(Some(Decimal::ONE));
            if topsis {
                options = options.with_aggregation(Aggregation::Topsis);
            }
            if quantiles {
                options = options.with_tiers(Tiers::Quantiles {
                    bands: vec![QuantileBand { name: "top".into(), top: Decimal::new(3, 1) }],
                    rest: "rest".into(),
                });
            }
            let general = score_with(&matrix, &units, &options, Par::with_parts(1), Path::General).unwrap();
            for parts in [1, 2, 3, 7] {
                let fast = score_with(&matrix, &units, &options, Par::with_parts(parts), Path::Fastest).unwrap();
                prop_assert_eq!(&fast, &general, "{} parts", parts);
            }
            let split = score_with(&matrix, &units, &options, Par::with_parts(3), Path::General).unwrap();
            prop_assert_eq!(&split, &general);
            // Ranks: score descending, ties by id, then input order.
            let mut order: Vec<usize> = (0..general.len()).collect();
            order.sort_by(|&a, &b| {
                general.totals[b].cmp(&general.totals[a])
                    .then(general.ids[a].cmp(&general.ids[b]))
                    .then(a.cmp(&b))
            });
            for (position, &row) in order.iter().enumerate() {
                prop_assert_eq!(general.ranks[row] as usize, position + 1);
            }
        }

        #[test]
        fn median_and_mad_equal_the_textbook_definition(
            scores in proptest::collection::vec(0u64..=40, 1..60),
            z in prop_oneof![Just(0.0), Just(1.0), 0.0f64..4.0],
        ) {
            let ids: Vec<UnitId> = (0..scores.len()).map(|i| UnitId::from(format!("{i:03}"))).collect();
            let order = rank_order(&scores, &ids, Par::with_parts(1));
            let median_of = |mut v: Vec<f64>| {
                v.sort_by(f64::total_cmp);
                let n = v.len();
                if n % 2 == 1 { v[n / 2] } else { v[n / 2 - 1] / 2.0 + v[n / 2] / 2.0 }
            };
            let values: Vec<f64> = scores.iter().map(|&s| as_f64(s)).collect();
            let median = median_of(values.clone());
            let mad = median_of(values.iter().map(|v| (v - median).abs()).collect());
            let Some(o) = Outliers::new(&scores, &order, z) else {
                prop_assert!(mad <= 0.0, "a spread of {mad} flags nothing");
                return Ok(());
            };
            prop_assert!(mad > 0.0);
            for s in 0..=45 {
                let formula = 0.6745 * (as_f64(s) - median).abs() / mad > z;
                prop_assert_eq!(o.bit(s) != 0, formula, "score {}", s);
            }
        }
    }
}
