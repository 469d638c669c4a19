//! Residents' council deliberation (居民议事): the five-step process, meetings under
//! simplified Robert's Rules, votes decided by exact integer thresholds, tallies
//! between plans, and a council selected by a fair lottery.
//!
//! ```
//! use deliberation::{decide, Attendance, Threshold, Votes};
//!
//! // 15 members, all present: 10 yes, 5 no is exactly two-thirds of the votes cast.
//! let votes = Votes { yes: 10, no: 5, abstain: 0 };
//! let decision = decide(Threshold::TwoThirds, votes, Attendance::new(15, 15))?;
//! assert!(decision.passed);
//! assert_eq!(
//!     decision.reason.to_string(),
//!     "passed: 10 yes of 15 votes cast reaches two-thirds (3·yes ≥ 2·cast)"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! - The five-step process ([`propose`], [`advance`]): propose (提议) → consult (商议)
//!   → review (审议) → resolve (决议) → publish (公示), one step active at a time.
//! - Meetings under simplified Robert's Rules ([`Meeting`], [`conduct`]):
//!   attendance and quorum, seven motions with their characteristics
//!   ([`MotionKind::characteristics`]), a stack of pending motions, small-board mode.
//! - Votes ([`decide`]) by exact thresholds, with the reason.
//! - Choosing between plans (方案比选, [`tally`]): plurality, approval, Borda,
//!   instant-runoff, Schulze and Copeland over ranked or approval ballots, with
//!   winner sets, rankings, rounds and an optional tie-break.
//! - The council (议事会): composition rules as data ([`CouncilRules`], [`check`])
//!   and a maximin-fair lottery that selects one ([`select`]).
//! - Minutes ([`Minutes`], [`verify_minutes`]): hash-chained and append-only.
//! - Guidance exit (渐进式退出, [`guidance`], [`capacity_score`]) and the
//!   participation warning ([`attendance_falling`]).
//!
//! # Rules this crate encodes
//!
//! - Thresholds are exact integer tests, never percentages compared as floats:
//!   a majority of votes cast is `yes > no`; two-thirds of votes cast is
//!   `3·yes ≥ 2·(yes + no)`; a majority of all members is `2·yes > members`.
//! - Abstentions are not votes cast. A tie fails. Nothing passes without a quorum
//!   (by default a majority of the members), and losing it mid-meeting blocks votes.
//! - An agenda is announced at least 7 days before the meeting that decides it
//!   (议题预告制); a resolution is published for 7 days before it takes effect, and
//!   objections during publication can send it back to review.
//! - Boards of about 12 or fewer use small-board rules: motions need no second.
//! - A tally reports every candidate tied for first; a tie-break (a stated order
//!   or a seeded lottery) is a separate, recorded choice. Instant-runoff eliminates
//!   all candidates tied for last at once unless a tie-break order is given.
//! - A council has at least 2 young members, 2 seniors and 1 tenant representative,
//!   tenants at least 20% of seats, and members across buildings
//!   ([`CouncilRules::default`]); shares round inwards (20% of 7 seats
//!   means at least 2).
//! - External guidance halves after 3 evaluations in a row at 8/10 or more, ends
//!   after 3 more, and is restored when capacity falls below a floor.

mod council;
mod error;
mod guidance;
mod lenient;
mod meeting;
mod minutes;
mod process;
mod rng;
mod sortition;
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
pub use sortition::{Chance, Coverage, Group, Panel, Probability, Selection, select};
pub use tally::{
    Ballot, CandidateElection, CandidateTieBreak, MAX_RUNOFF_UNIVERSES, Round, RunoffTies, Score,
    Tally, TallyOptions, Universe, VotingMethod, tally, tally_with,
};
pub use vote::{Attendance, Decision, Reason, Threshold, Votes, decide};
