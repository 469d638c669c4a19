#![doc = include_str!("../README.md")]

mod council;
mod error;
mod guidance;
mod lenient;
mod meeting;
mod minutes;
mod process;
mod rng;
mod sortition;
#[cfg(any(test, feature = "proptest"))]
pub mod strategy;
mod tally;
mod vote;

pub use council::{Category, CompositionRule, CouncilRules, Violation, Volunteer, check};
pub use error::{Error, Result};
pub use guidance::{
    CapacityScore, Change, Evaluation, GuidanceLevel, GuidancePolicy, GuidanceStep, MeetingRecord,
    attendance_falling, capacity_score, guidance,
};
pub use meeting::{Act, Characteristics, Meeting, MeetingRules, Motion, MotionKind, conduct};
pub use minutes::{Entry, Minutes, Record, verify_minutes};
pub use process::{
    Action, Agenda, Item, NOTICE_DAYS, Objection, PUBLICATION_DAYS, Step, advance, propose,
};
/// The panel-selection tools' `categories.csv` and `respondents.csv`.
pub use sortition::csv as sortition_csv;
pub use sortition::{
    Chance, Coverage, Group, MAX_VOLUNTEERS, Panel, Probability, Selection, random_pool, select,
};
/// Axioms of the single-winner tallies, with counterexamples.
pub use tally::axioms;
/// Seeded random ranked profiles (impartial culture, IAC, Mallows, urn,
/// Euclidean) for Monte-Carlo studies.
pub use tally::generate;
/// PrefLib's `.soc`/`.soi`/`.toc`/`.toi` ordinal formats.
pub use tally::preflib;
pub use tally::{
    Ballot, CandidateElection, CandidateTieBreak, MAX_RUNOFF_UNIVERSES, Round, RunoffTies, Score,
    Tally, TallyOptions, Universe, VotingMethod, tally, tally_with,
};
pub use vote::{Attendance, Decision, Reason, Threshold, Votes, decide};
