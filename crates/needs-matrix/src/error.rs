//! The error type of the needs matrix.

use rust_decimal::Decimal;

/// Everything that can go wrong when building or applying a needs matrix.
///
/// Variants carry the offending values so that a service can map them to a response
/// without parsing the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No dimension weights were given.
    #[error("no weights given, expected at least one dimension")]
    NoWeights,
    /// A dimension weight is negative.
    #[error("weight {index} is {weight}%, expected a non-negative percentage")]
    NegativeWeight {
        /// Position of the weight (0-based).
        index: usize,
        /// The offending weight, in percent.
        weight: Decimal,
    },
    /// The dimension weights do not sum to exactly 100%.
    #[error("weights sum to {sum}%, expected 100%")]
    WeightsDoNotSum {
        /// The actual sum, in percent.
        sum: Decimal,
    },
    /// An intermediate result does not fit the exact number type.
    #[error("arithmetic overflow while {context}")]
    Overflow {
        /// What was being computed.
        context: &'static str,
    },
}

/// The result type of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
