//! The error type of participatory budgeting.

/// Everything that can go wrong reading an election or running a rule.
///
/// Variants carry the offending values so that a service can map them to a response
/// without parsing the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An intermediate result does not fit the exact number type.
    #[error("arithmetic overflow while {context}")]
    Overflow {
        /// What was being computed.
        context: &'static str,
    },
    /// A Pabulib file that does not parse.
    #[error("line {line}: expected {expected}")]
    Syntax {
        /// The line (from 1).
        line: usize,
        /// What was expected there, and what was found.
        expected: String,
    },
    /// A META value a rule needs that is missing or malformed.
    #[error("the META value `{key}` is {problem}")]
    Meta {
        /// The key.
        key: &'static str,
        /// What is wrong.
        problem: &'static str,
    },
    /// A rule name this crate does not implement.
    #[error(
        "unknown rule `{rule}`, expected greedy, greedy-threshold, greedy-no-skip, mes (equalshares), mes-add1 (equalshares/add1), mes-add1-comparison (equalshares/add1-comparison) or phragmen"
    )]
    UnknownRule {
        /// The name given.
        rule: String,
    },
    /// A committee rule this crate does not know.
    #[error(
        "unknown committee rule `{rule}`, expected av, sav, pav, seqpav, revseqpav, cc, seqcc, seqphragmen, equal-shares, equal-shares-with-av-completion, equal-shares-with-increment-completion, phragmen-enestroem, maximin-support, monroe, greedy-monroe or minimaxav"
    )]
    UnknownCommitteeRule {
        /// The name given.
        rule: String,
    },
    /// A committee election that cannot be run as given.
    #[error("{reason}")]
    CommitteeInput {
        /// What is wrong, naming the value.
        reason: String,
    },
    /// An exhaustive committee rule or check beyond its documented limit.
    #[error(
        "{what} would examine {count} committees or groups, more than the {limit} this version examines; use a sequential rule, or fewer candidates"
    )]
    CommitteeTooLarge {
        /// The rule or check.
        what: String,
        /// How many it would examine.
        count: u128,
        /// The limit.
        limit: u128,
    },
    /// A priceability check beyond [`crate::fairness::MAX_PRICE_BALLOTS`].
    #[error(
        "the election has {ballots} distinct ballots; the priceability check takes at most {limit} (beyond that its linear program takes minutes)"
    )]
    PriceabilityTooLarge {
        /// Distinct ballots in the election.
        ballots: usize,
        /// The limit.
        limit: usize,
    },
    /// A random election's spec outside its limits.
    #[error("a random election's `{field}` cannot be {value}: it takes {accepted}")]
    InvalidSpec {
        /// The field.
        field: &'static str,
        /// The value given.
        value: u64,
        /// What would be accepted.
        accepted: String,
    },
    /// Projects tied where the tie decides the outcome, with ties refused.
    #[error("tie between {}: choose a tie-break", tied(projects))]
    Tie {
        /// The tied projects, by id.
        projects: Vec<String>,
    },
}

fn tied(projects: &[String]) -> String {
    let names: Vec<String> = projects.iter().map(|p| format!("`{p}`")).collect();
    names.join(", ")
}

/// The result type of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
