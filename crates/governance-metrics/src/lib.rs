//! Fairness and participation indicators (效果评估) with exact inputs, and the early
//! warnings (风险预警) they feed.
//!
//! ```
//! use governance_metrics::gini;
//! use rust_decimal::Decimal;
//!
//! let amounts: Vec<Decimal> = [10, 10, 10, 20, 50].into_iter().map(Decimal::from).collect();
//! assert_eq!(gini(&amounts)?.to_string(), "0.36");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Rules this crate encodes
//!
//! - Inputs are exact decimals (amounts in yuan, counts of people), never floats;
//!   results that are rational are computed exactly and rounded once, to the 28
//!   significant digits of a [`rust_decimal::Decimal`].
//! - Zeros are data: a group that received nothing is counted, never dropped.
//! - The Gini coefficient is the population form, `Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² μ)`.

mod error;
mod exact;
mod inequality;

pub use error::{Error, Result};
pub use inequality::gini;
