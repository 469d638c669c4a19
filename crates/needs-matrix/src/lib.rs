//! Explainable needs scoring: the needs-assessment matrix (需求评估矩阵) behind
//! "one file per household" (一户一档).
//!
//! ```
//! use needs_matrix::{score, Matrix, ScoreOptions, Unit};
//!
//! // The article's matrix: population structure 25%, health 20%, economic status
//! // 20%, willingness to take part 15%, special needs 20%.
//! let matrix = Matrix::default();
//! // An 84-year-old living alone, two chronic conditions, income below the local
//! // minimum, never takes part; and an active 66-year-old.
//! let units = [
//!     Unit::new("h1", vec![Some(84.0), Some(1.0), Some(0.0), Some(2.0), Some(0.0), Some(0.9), Some(0.0), Some(3.0), Some(1.0)]),
//!     Unit::new("h2", vec![Some(66.0), Some(0.0), Some(0.0), Some(0.0), Some(0.0), Some(2.5), Some(14.0), Some(0.0), Some(0.0)]),
//! ];
//! let scores = score(&matrix, &units, &ScoreOptions::default())?;
//! let (h1, h2) = (scores.get(0).ok_or("h1")?, scores.get(1).ok_or("h2")?);
//! assert_eq!((h1.tier.as_str(), h2.tier.as_str()), ("high", "low"));
//! // Why: each dimension's contribution, in points.
//! assert_eq!(h1.contributions.len(), 5);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! A *unit* is a household or a group of households (a building, a demographic
//! segment) with raw indicator values from several named sources. A [`Matrix`]
//! groups indicators into *dimensions* whose weights are percentages that sum to
//! exactly 100%. [`score`] normalises each indicator, combines a dimension's
//! indicators, and aggregates (weighted sum or TOPSIS) into a score on 0–100 with
//! every dimension's contribution, a rank, a tier and flags. [`multidimensional_index`]
//! applies the Alkire–Foster dual cut-off; [`group_needs`] turns scores into
//! allocation weights per building or segment; [`sensitivity`] shows how the
//! ranking moves when a weight does.
//!
//! # Rules this crate encodes
//!
//! - Weights are exact decimals and must sum to exactly 100% ([`Weights::try_new`]).
//! - Missing data is a policy per dimension, never a silent zero: reject (the unit
//!   gets a diagnostic naming it and the indicator), impute the cohort median, or
//!   re-weight over what is present and flag the score partial ([`MissingPolicy`]).
//! - The default normalisation is a fixed rubric of bands, so a household's score
//!   does not move when a neighbour is added; min-max, percentile rank and the
//!   IMD exponential rank transform are relative to the cohort. A constant column
//!   contributes 0, never NaN.
//! - Segments matter: "everyone over 60 alike" wastes resources; the article's
//!   matrix separates a high-age senior living alone from an active young-old one.
//! - A silent need (沉默需求) is a unit with high need and low participation.
//!
//! # Numbers
//!
//! Scores are not money. Normalised values are computed in `f64` using only
//! operations IEEE 754 rounds exactly, and the crate's own logarithm (the platform's
//! may differ in its last bit), so every machine gives the same scores. Each
//! contribution is rounded to 10⁻¹² of a point, and a weighted-sum score is the
//! exact sum of its contributions. Weights, cut-offs and the dual cut-off's
//! decision are exact.

mod detmath;
mod error;
mod group;
mod lenient;
mod matrix;
mod mpi;
mod par;
mod score;
mod sensitivity;
mod unit;
mod weights;

pub use error::{Error, Result};
pub use group::{GroupNeed, GroupNeeds, group_needs};
pub use matrix::{
    Band, Dimension, Direction, Indicator, Matrix, MatrixSpec, MissingPolicy, Normalization, Rubric,
};
pub use mpi::{Cutoff, Mpi, MpiOptions, MpiUnit, multidimensional_index};
pub use score::{
    Aggregation, Diagnostic, Flags, QuantileBand, ScoreOptions, Scores, SilentNeed, ThresholdBand,
    Tiers, UnitScore, score,
};
pub use sensitivity::{Sensitivity, UnitShift, WeightShift, sensitivity};
pub use unit::{Unit, UnitId, split_duplicates};
pub use weights::Weights;
