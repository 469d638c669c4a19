//! The error type of the needs matrix.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Everything that can go wrong when building or applying a needs matrix.
///
/// Variants carry the offending values so that a service can map them to a response
/// without parsing the message. Errors serialize (`{"kind": "missing-value", ...}`)
/// because per-unit diagnostics are part of a scoring result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
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
    /// A dimension weight has more decimals than scoring uses.
    #[error("dimension `{dimension}` has weight {weight}%, more than 12 decimals")]
    WeightTooPrecise {
        /// The dimension.
        dimension: String,
        /// The offending weight.
        weight: Decimal,
    },
    /// A dimension has no indicators.
    #[error("dimension `{dimension}` has no indicators")]
    NoIndicators {
        /// The dimension.
        dimension: String,
    },
    /// Two dimensions, or two indicators, share an id.
    #[error("`{id}` is used twice")]
    DuplicateId {
        /// The repeated id.
        id: String,
    },
    /// Two units share an id: only the first is scored.
    #[error("unit `{unit}` appears more than once; only its first entry is scored")]
    DuplicateUnit {
        /// The repeated id.
        unit: String,
    },
    /// An indicator's weight within its dimension is not positive.
    #[error("indicator `{indicator}` has weight {weight}, expected a positive number")]
    InvalidIndicatorWeight {
        /// The indicator.
        indicator: String,
        /// The offending weight.
        weight: Decimal,
    },
    /// A rubric is malformed.
    #[error("the rubric of `{indicator}` is invalid: {reason}")]
    InvalidRubric {
        /// The indicator.
        indicator: String,
        /// What is wrong.
        reason: String,
    },
    /// An option is out of range or inconsistent.
    #[error("invalid option: {reason}")]
    InvalidOption {
        /// What is wrong.
        reason: String,
    },
    /// A unit has a different number of values than the matrix has indicators.
    #[error("unit `{unit}` has {got} values, expected {expected}")]
    WrongValueCount {
        /// The unit.
        unit: String,
        /// Indicators in the matrix.
        expected: usize,
        /// Values given.
        got: usize,
    },
    /// A value is not a finite number.
    #[error("unit `{unit}` has a value for `{indicator}` that is not a finite number")]
    NonFiniteValue {
        /// The unit.
        unit: String,
        /// The indicator.
        indicator: String,
    },
    /// A value is missing in a dimension whose policy rejects missing values.
    #[error("unit `{unit}` has no value for `{indicator}`")]
    MissingValue {
        /// The unit.
        unit: String,
        /// The indicator.
        indicator: String,
    },
    /// A unit has no value in any dimension.
    #[error("unit `{unit}` has no values at all")]
    NoValues {
        /// The unit.
        unit: String,
    },
    /// An indicator has no deprivation cut-off for the multidimensional index.
    #[error("indicator `{indicator}` has no deprivation cut-off")]
    NoCutoff {
        /// The indicator.
        indicator: String,
    },
    /// An intermediate result does not fit the exact number type.
    #[error("arithmetic overflow while {context}")]
    Overflow {
        /// What was being computed.
        context: String,
    },
}

/// The result type of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
