//! Explainable needs scoring: the needs-assessment matrix (需求评估矩阵) behind
//! "one file per household" (一户一档).
//!
//! ```
//! use needs_matrix::Weights;
//!
//! // The article's five dimensions: population structure, health, economic status,
//! // willingness to take part, special needs.
//! let weights = Weights::try_new([25, 20, 20, 15, 20])?;
//! assert_eq!(weights.len(), 5);
//!
//! // Weights must sum to exactly 100%; the error names the sum.
//! let err = Weights::try_new([25, 20, 20, 15, 25]).unwrap_err();
//! assert_eq!(err.to_string(), "weights sum to 105%, expected 100%");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! A *unit* is a household or a group of households (a building, a demographic
//! segment). Each unit carries raw indicator values from several sources; the matrix
//! groups indicators into *dimensions* whose weights are percentages that sum to
//! exactly 100%. Every score the crate produces carries the contribution of each
//! dimension, so a resident can be shown why their household scored what it did.
//!
//! # Rules this crate encodes
//!
//! - Dimension weights are validated at construction ([`Weights::try_new`]) and must
//!   sum to exactly 100% — not approximately: they are exact decimals.
//! - The default matrix is the article's: population structure 25%, health 20%,
//!   economic status 20%, willingness to take part 15%, special needs 20%
//!   ([`Weights::article_default`]).

mod error;
mod weights;

pub use error::{Error, Result};
pub use weights::Weights;
