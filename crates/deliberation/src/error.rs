//! The error type of deliberation.

/// Everything that can go wrong in a deliberation.
///
/// Variants carry the offending values so that a service can map them to a response
/// without parsing the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A body with no members cannot meet.
    #[error("the body has no members")]
    NoMembers,
    /// More members are recorded present than the body has.
    #[error("{present} present but the body has only {members} members")]
    PresentExceedsMembers {
        /// Members recorded present.
        present: u32,
        /// Members of the body.
        members: u32,
    },
    /// More votes (including abstentions) were recorded than members present.
    #[error("{votes} votes recorded but only {present} members present")]
    VotesExceedPresent {
        /// Yes, no and abstain together.
        votes: u64,
        /// Members recorded present.
        present: u32,
    },
    /// A quorum of zero or of more than the whole body.
    #[error("quorum {quorum} is not between 1 and the {members} members")]
    InvalidQuorum {
        /// The offending quorum.
        quorum: u32,
        /// Members of the body.
        members: u32,
    },
}

/// The result type of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
