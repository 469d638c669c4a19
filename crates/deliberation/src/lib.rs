//! Residents' council deliberation (居民议事): the five-step process, meetings under
//! simplified Robert's Rules, and votes decided by exact integer thresholds.
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
//! # Rules this crate encodes
//!
//! - Thresholds are exact integer tests, never percentages compared as floats:
//!   a majority of votes cast is `yes > no`; two-thirds of votes cast is
//!   `3·yes ≥ 2·(yes + no)`; a majority of all members is `2·yes > members`.
//! - Abstentions are not votes cast. A tie fails. Nothing passes without a quorum
//!   (by default a majority of the members).

mod error;
mod vote;

pub use error::{Error, Result};
pub use vote::{Attendance, Decision, Reason, Threshold, Votes, decide};
