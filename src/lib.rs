//! Guided community service management (融入指导的社区服务管理): the facade over nine
//! independent domain crates, and the only place where they meet.
//!
//! ```
//! use guided_community::{deliberation, needs, pools};
//!
//! // Score households with the article's five weighted dimensions...
//! let weights = needs::Weights::try_new([25, 20, 20, 15, 20])?;
//! assert_eq!(weights.len(), 5);
//!
//! // ...allocate money exactly, in fen...
//! let budget: pools::Fen = "120000".parse()?;
//! assert_eq!(budget.get(), 12_000_000);
//!
//! // ...and let the residents' council decide by an exact threshold.
//! let votes = deliberation::Votes { yes: 10, no: 5, abstain: 2 };
//! let attendance = deliberation::Attendance::new(17, 21);
//! assert!(deliberation::decide(deliberation::Threshold::TwoThirds, votes, attendance)?.passed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The crates
//!
//! | module | crate | domain |
//! |---|---|---|
//! | [`needs`] | `guided-community-needs` | explainable needs scoring (需求评估矩阵) |
//! | [`pools`] | `guided-community-pools` | exact weighted allocation, pools and co-funding (资源弹性调配池) |
//! | [`pb`] | `guided-community-pb` | participatory budgeting on Pabulib files (参与式预算) |
//! | [`points`] | `guided-community-points` | contribution points and time bank (积分银行, 时间银行) |
//! | [`triage`] | `guided-community-triage` | three-colour petition triage with working days (三色管理) |
//! | [`deliberation`] | `guided-community-deliberation` | the residents' council (居民议事) |
//! | [`metrics`] | `guided-community-metrics` | fairness and participation indicators (效果评估) |
//! | [`projects`] | `guided-community-projects` | from decision to done: schedules, progress, pilots (项目化管理) |
//! | [`matching`] | `guided-community-matching` | who serves whom: skills bank, time bank, guides' caseloads (社区能人库, 时间银行) |
//! | `store` (feature `store`) | `guided-community-store` | the points bank's journal and the petitions in SQLite: acknowledged only after commit |
//!
//! The domain crates never depend on each other; whatever joins two domains lives
//! here: conversions in [`joins`], and [`quarterly_cycle`], which runs them in order. Every crate's error converts into this crate's [`Error`] with `?`.

// One way down: inputs and policy → report → outcome → joins → quarter (sample uses
// them all).
mod error;
pub mod fund;
mod inputs;
pub mod joins;
mod outcome;
mod policy;
mod quarter;
pub mod report;
pub mod sample;

pub use error::{Error, Result};
pub use inputs::{
    ALLOCATION_COMPLAINT, Activity, Adjustment, CouncilDecision, DecisionProject, FeeCollection,
    FundInput, GRANTS_LINE, Household, LineSpec, ParticipationInput, PeriodParticipation,
    PetitionRecord, Quarter, QuarterInputs, Serves, Spending, Survey,
};
pub use outcome::{Diagnostic, Grant, QuarterReport};
pub use policy::{Basis, Policy};
pub use quarter::{Step, quarterly_cycle, quarterly_cycle_observed};

#[doc(inline)]
pub use allocation_pools as pools;
#[doc(inline)]
pub use deliberation;
#[doc(inline)]
pub use governance_metrics as metrics;
#[doc(inline)]
pub use matching;
#[doc(inline)]
pub use needs_matrix as needs;
#[doc(inline)]
pub use participatory_budgeting as pb;
#[doc(inline)]
pub use petition_triage as triage;
#[doc(inline)]
pub use points_bank as points;
#[doc(inline)]
pub use projects;
/// The durable store (feature `store`, on with `cli`): the points bank's journal
/// and the petitions in SQLite. An adapter over the points and triage crates,
/// not a domain.
#[cfg(feature = "store")]
#[doc(inline)]
pub use store;

/// The README's examples, compiled and run as doctests so they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
