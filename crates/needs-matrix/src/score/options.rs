//! What scoring can be asked to do: aggregation, tiers, the silent-need and
//! outlier rules, threads ([`ScoreOptions`]).

use rust_decimal::Decimal;
use serde::Deserialize;
use serde::Serialize;

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

/// Options for [`score`](crate::score()), with defaults that follow the article.
///
/// ```
/// use guided_community_needs::{Aggregation, ScoreOptions};
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
pub(super) fn is_zero(n: &usize) -> bool {
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
    /// use guided_community_needs::ScoreOptions;
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
