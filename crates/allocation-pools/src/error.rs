//! The error type of the allocation pools.

use rust_decimal::Decimal;

use crate::{Fen, NeedClass, Pool};

/// Everything that can go wrong when parsing amounts or allocating them.
///
/// Variants carry the offending values so that a service can map them to a response
/// without parsing the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A disproportionality measure that cannot be taken.
    #[error("{reason}")]
    Measure {
        /// Why, naming the values.
        reason: String,
    },
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
    /// An apportionment method name is not one of the five.
    #[error(
        "unknown method `{name}`, expected hamilton, dhondt, sainte-lague, huntington-hill or adams"
    )]
    UnknownMethod {
        /// The name that was given.
        name: String,
    },
    /// Nothing to allocate to.
    #[error("no demands given, expected at least one")]
    NoDemands,
    /// A weight is negative.
    #[error("weight {index} is {weight}, expected zero or more")]
    NegativeWeight {
        /// Position of the demand (0-based).
        index: usize,
        /// The offending weight.
        weight: Decimal,
    },
    /// A weight does not fit 64 bits once every weight is brought to the common
    /// scale of the finest one.
    #[error(
        "weight {index} ({weight}) is too large or too finely divided compared with the others"
    )]
    WeightTooLarge {
        /// Position of the demand (0-based).
        index: usize,
        /// The offending weight.
        weight: Decimal,
    },
    /// Every weight is zero, so there is no proportion to follow.
    #[error("all weights are zero, expected at least one positive weight")]
    AllZeroWeights,
    /// A demand's floor is above its cap.
    #[error("demand {index} has floor {floor} above its cap {cap}")]
    FloorAboveCap {
        /// Position of the demand (0-based).
        index: usize,
        /// Its floor.
        floor: u64,
        /// Its cap.
        cap: u64,
    },
    /// The floors together exceed the total.
    #[error("floors sum to {floors}, more than the total {total} by {shortfall}")]
    FloorsExceedTotal {
        /// The sum of the floors.
        floors: u128,
        /// The total to divide.
        total: u64,
        /// How much is missing to honour every floor.
        shortfall: u128,
    },
    /// A pool share is negative.
    #[error("the {pool} pool's share is {share}%, expected a non-negative percentage")]
    NegativeShare {
        /// The pool.
        pool: Pool,
        /// The offending share.
        share: Decimal,
    },
    /// Shares that must sum to 100% do not.
    #[error("shares sum to {sum}%, expected 100%")]
    SharesDoNotSum {
        /// The actual sum, in percent.
        sum: Decimal,
    },
    /// A line has no quota under the fixed-quota rule.
    #[error("service line `{line}` has no quota")]
    MissingQuota {
        /// The line.
        line: String,
    },
    /// The fixed quotas exceed the pool.
    #[error("quotas sum to {quotas}, more than the pool of {pool}")]
    QuotasExceedPool {
        /// The sum of the quotas.
        quotas: Fen,
        /// The pool.
        pool: Fen,
    },
    /// A draw on the reserve has no reason.
    #[error("a draw on the reserve needs a reason")]
    MissingReason,
    /// A draw is larger than the reserve's balance.
    #[error("a draw of {requested} exceeds the reserve's balance of {available}")]
    DrawExceedsReserve {
        /// The amount asked for.
        requested: Fen,
        /// The balance.
        available: Fen,
    },
    /// A policy value is out of range.
    #[error("invalid policy: {reason}")]
    InvalidPolicy {
        /// What is wrong.
        reason: &'static str,
    },
    /// The minimum shares of the lines exceed 100%.
    #[error("minimum shares sum to {sum}%, more than 100%")]
    MinimumSharesExceedTotal {
        /// Their sum, in percent.
        sum: Decimal,
    },
    /// No co-funding rule for a need class.
    #[error("no co-funding rule for `{class}` needs")]
    NoFundingRule {
        /// The class.
        class: NeedClass,
    },
    /// A quality score outside 0–100.
    #[error("score {score} is outside 0..=100")]
    ScoreOutOfRange {
        /// The offending score.
        score: Decimal,
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
