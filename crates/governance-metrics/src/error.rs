//! The error type of the governance metrics.

use rust_decimal::Decimal;

/// Everything that can go wrong when computing an indicator.
///
/// Variants carry the offending values so that a service can map them to a response
/// without parsing the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A measure was asked of no values.
    #[error("no values given, expected at least one")]
    NoValues,
    /// A value is negative where only amounts of zero or more make sense.
    #[error("value {index} is {value}, expected zero or more")]
    NegativeValue {
        /// Position of the value (0-based).
        index: usize,
        /// The offending value.
        value: Decimal,
    },
    /// Every value is zero, so shares of the total are undefined.
    #[error("all values are zero, the measure is undefined")]
    ZeroTotal,
    /// Group labels that do not match the values one to one.
    #[error("{groups} group labels for {values} values")]
    GroupCount {
        /// Values given.
        values: usize,
        /// Labels given.
        groups: usize,
    },
    /// A parameter out of its range.
    #[error("{name} is {value}, out of range")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// The offending value.
        value: Decimal,
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
