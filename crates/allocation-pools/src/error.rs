//! The error type of the allocation pools.

/// Everything that can go wrong when parsing amounts or allocating them.
///
/// Variants carry the offending values so that a service can map them to a response
/// without parsing the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A money amount is not a decimal number of yuan.
    #[error("invalid amount `{input}`, expected yuan such as `1234.50`")]
    InvalidAmount {
        /// The text that was given.
        input: String,
    },
    /// A money amount has more than two decimals (finer than one fen).
    #[error("amount `{input}` has more than two decimals, expected whole fen")]
    SubFenAmount {
        /// The text that was given.
        input: String,
    },
    /// A money amount is negative.
    #[error("amount `{input}` is negative, expected zero or more")]
    NegativeAmount {
        /// The text that was given.
        input: String,
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
