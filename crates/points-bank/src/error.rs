//! The error type of the points bank.

use crate::Amount;

/// Everything that can go wrong in the points bank.
///
/// Variants carry the offending values so that a service can map them to a response
/// without parsing the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An amount is not a decimal number.
    #[error("invalid amount `{input}`, expected a decimal such as `12.5`")]
    InvalidAmount {
        /// The text that was given.
        input: String,
    },
    /// An amount is finer than one hundredth.
    #[error("amount `{input}` has more than two decimals, expected hundredths at most")]
    TooPrecise {
        /// The text that was given.
        input: String,
    },
    /// No earning rule exists for an activity.
    #[error("no earning rule for activity `{activity}`")]
    UnknownActivity {
        /// The activity that was named.
        activity: String,
    },
    /// A quantity of activity is zero or negative.
    #[error("quantity {quantity} of `{activity}` is not positive")]
    NonPositiveQuantity {
        /// The activity that was named.
        activity: String,
        /// The offending quantity.
        quantity: Amount,
    },
    /// An activity earned per occasion was claimed for a fraction of an occasion.
    #[error("`{activity}` is earned per occasion, got {quantity} occasions")]
    FractionalOccasions {
        /// The activity that was named.
        activity: String,
        /// The offending quantity.
        quantity: Amount,
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
