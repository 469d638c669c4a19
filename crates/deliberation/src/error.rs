//! The error type of deliberation.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::CompositionRule;

/// Everything that can go wrong in a deliberation.
///
/// Variants carry the offending values so that a service can map them to a response
/// without parsing the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A random profile outside its limits.
    #[error("{reason}")]
    Generate {
        /// What is wrong, naming the value.
        reason: String,
    },
    /// A sortition CSV file that cannot be read.
    #[error("{file} line {line}: {reason}")]
    SortitionCsv {
        /// `categories.csv` or `respondents.csv`.
        file: &'static str,
        /// The line.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A PrefLib file that cannot be read (or a profile it cannot hold).
    #[error("PrefLib line {line}: {reason}")]
    PrefLib {
        /// The line (0 when writing).
        line: usize,
        /// What is wrong.
        reason: String,
    },
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
    /// An action the item's step does not allow.
    #[error("cannot {action} an item in the {step} step")]
    InvalidStep {
        /// The step.
        step: String,
        /// The action.
        action: String,
    },
    /// An agenda announced less than 7 days before its meeting.
    #[error(
        "the agenda for {meeting} must be announced by {latest} (7 days ahead), not {announced}"
    )]
    NoticeTooShort {
        /// The meeting.
        meeting: NaiveDate,
        /// The last day it could be announced.
        latest: NaiveDate,
        /// When it was announced.
        announced: NaiveDate,
    },
    /// A vote without an announced agenda.
    #[error("no agenda was announced for this item")]
    NoAgenda,
    /// A vote on another day than the announced meeting.
    #[error("the item is on the agenda of the meeting on {meeting}, not {on}")]
    NotOnMeetingDay {
        /// The announced meeting.
        meeting: NaiveDate,
        /// The day of the vote.
        on: NaiveDate,
    },
    /// Taking effect before the publication period is over.
    #[error("the resolution is published until {until}")]
    PublicationNotOver {
        /// The first day it may take effect.
        until: NaiveDate,
    },
    /// An objection after the publication period.
    #[error("the publication period ended on {ended}")]
    PublicationOver {
        /// The day it ended.
        ended: NaiveDate,
    },
    /// Back to review without an objection.
    #[error("no objection was raised during publication")]
    NoObjection,
    /// An objection or record without text.
    #[error("the text is empty")]
    MissingText,
    /// A date before the last recorded one.
    #[error("{on} comes before the last recorded date {last}")]
    DateBeforeLast {
        /// The date given.
        on: NaiveDate,
        /// The last date.
        last: NaiveDate,
    },
    /// The meeting has adjourned.
    #[error("the meeting has adjourned")]
    Adjourned,
    /// A member who is not present.
    #[error("member `{member}` is not present")]
    NotPresent {
        /// The member.
        member: String,
    },
    /// A motion that cannot be moved now.
    #[error("the {motion} is out of order: {reason}")]
    OutOfOrder {
        /// The motion.
        motion: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// Nothing to second or vote on.
    #[error("no motion is pending")]
    NoPendingMotion,
    /// A vote on a motion that needs a second and has none.
    #[error("the {motion} needs a second before the vote")]
    NeedsSecond {
        /// The motion.
        motion: &'static str,
    },
    /// A second that is not needed.
    #[error("the {motion} needs no second")]
    SecondNotNeeded {
        /// The motion.
        motion: &'static str,
    },
    /// The mover seconding their own motion.
    #[error("member `{member}` cannot second their own motion")]
    SecondByMover {
        /// The member.
        member: String,
    },
    /// A vote without a quorum.
    #[error("no quorum: {present} present, {quorum} needed")]
    NoQuorum {
        /// Members present.
        present: u32,
        /// Members needed.
        quorum: u32,
    },
    /// Minutes whose chain does not check.
    #[error("minutes entry {seq} does not match its hash")]
    MinutesTampered {
        /// The first bad entry.
        seq: u64,
    },
    /// A capacity score outside 0–10.
    #[error("capacity score {score} is outside 0..=10")]
    ScoreOutOfRange {
        /// The score given.
        score: Decimal,
    },
    /// Counts where a part exceeds its whole.
    #[error("the {what} count exceeds its total")]
    InconsistentCounts {
        /// Which part.
        what: &'static str,
    },
    /// A quorum of zero or of more than the whole body.
    #[error("quorum {quorum} is not between 1 and the {members} members")]
    InvalidQuorum {
        /// The offending quorum.
        quorum: u32,
        /// Members of the body.
        members: u32,
    },
    /// A tallying method this crate does not know.
    #[error(
        "unknown voting method `{method}`, expected plurality, approval, borda, irv, schulze or copeland"
    )]
    UnknownMethod {
        /// The name given.
        method: String,
    },
    /// An election without candidates.
    #[error("the election has no candidates")]
    NoCandidates,
    /// A candidate listed twice.
    #[error("candidate `{candidate}` is listed twice")]
    DuplicateCandidate {
        /// The candidate.
        candidate: String,
    },
    /// A ballot naming someone who is not a candidate.
    #[error("ballot {ballot} names `{candidate}`, who is not a candidate")]
    UnknownCandidate {
        /// The ballot's index.
        ballot: usize,
        /// The name.
        candidate: String,
    },
    /// A ballot naming a candidate twice.
    #[error("ballot {ballot} names `{candidate}` twice")]
    RepeatedInBallot {
        /// The ballot's index.
        ballot: usize,
        /// The candidate.
        candidate: String,
    },
    /// Approval ballots under a ranked method, or ranked ballots under approval.
    #[error(
        "ballot {ballot} is the wrong kind for {method}: approval takes `approve` ballots, the other methods `ranking` ballots"
    )]
    WrongBallotKind {
        /// The ballot's index.
        ballot: usize,
        /// The method.
        method: &'static str,
    },
    /// Ballot counts too large to tally exactly.
    #[error("the ballot counts are too large to tally exactly")]
    TooManyBallots,
    /// A tie-break order that does not name every candidate exactly once.
    #[error("invalid tie-break order: `{candidate}` {problem}")]
    InvalidTieBreak {
        /// The candidate at fault.
        candidate: String,
        /// What is wrong.
        problem: &'static str,
    },
    /// Instant-runoff was asked to settle ties by a tie-break, and none was given.
    #[error("settling instant-runoff ties by tie-break needs a tie-break order or a lottery seed")]
    TieBreakRequired,
    /// Following every order of eliminating tied candidates would take too long.
    #[error(
        "the instant-runoff ties have more than {limit} orders of elimination to follow; \
         settle them by a tie-break or eliminate tied candidates together"
    )]
    TooManyRunoffTies {
        /// [`MAX_RUNOFF_UNIVERSES`](crate::MAX_RUNOFF_UNIVERSES).
        limit: usize,
    },
    /// A category not written `key=value`.
    #[error("`{text}` is not a category: expected `key=value`")]
    InvalidCategory {
        /// The text given.
        text: String,
    },
    /// A share of seats outside 0–1.
    #[error("the share {share} for `{category}` is outside 0–1")]
    InvalidShare {
        /// The category.
        category: String,
        /// The share given.
        share: Decimal,
    },
    /// A volunteer listed twice.
    #[error("volunteer `{id}` is listed twice")]
    DuplicateVolunteer {
        /// The id.
        id: String,
    },
    /// A council of no seats.
    #[error("a council needs at least one seat")]
    NoSeats,
    /// Fewer volunteers than seats.
    #[error(
        "{volunteers} {} cannot fill {seats} seats",
        if *volunteers == 1 { "volunteer" } else { "volunteers" }
    )]
    PoolTooSmall {
        /// Volunteers in the pool.
        volunteers: usize,
        /// Seats to fill.
        seats: u32,
    },
    /// Panel rules that no council from the pool can meet together.
    #[error("no council from these volunteers meets these rules together: {}", list(.rules))]
    Infeasible {
        /// An irreducible set: drop any one and the rest can be met.
        rules: Vec<CompositionRule>,
    },
    /// The linear-programming solver failed.
    #[error("the council selection failed: {detail}")]
    Solver {
        /// What went wrong.
        detail: String,
    },
}

fn list(rules: &[CompositionRule]) -> String {
    let texts: Vec<String> = rules.iter().map(|r| format!("`{r}`")).collect();
    texts.join(", ")
}

/// The result type of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
