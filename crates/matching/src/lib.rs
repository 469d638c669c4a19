#![doc = include_str!("../README.md")]
//!
//! [`EXACT_REQUESTS`]: crate::EXACT_REQUESTS
//! [`MatchOptions::node_limit`]: crate::MatchOptions::node_limit
//! [`Optimality`]: crate::Optimality
//! [`MAX_CANDIDATES`]: crate::MAX_CANDIDATES
//! [`assign_caseloads`]: crate::assign_caseloads
//! [`EXACT_BUILDINGS`]: crate::EXACT_BUILDINGS
//! [`IMPROVE_BUDGET`]: crate::IMPROVE_BUDGET

mod caseload;
mod error;
mod generate;
mod input;
mod lenient;
mod matching;
mod prepare;
mod rng;
mod search;
#[cfg(feature = "proptest")]
pub mod strategy;

pub use caseload::{
    Building, Caseload, CaseloadInput, CaseloadOptions, Caseloads, EXACT_BUILDINGS, Guide,
    MAX_BUILDINGS, MAX_GUIDES, MAX_TOTAL_LOAD, Unassigned, UnassignedReason, assign_caseloads,
};
pub use error::{Error, Result};
pub use generate::{MAX_GENERATED_BUILDINGS, RandomDistrict, RandomWeek};
pub use input::{DistanceTable, Instance, MatchOptions, Request, Skill, Volunteer};
pub use matching::{
    Because, Busy, Load, Match, Matching, Objective, Optimality, Reason, TOTAL_NODES_PER_LIMIT,
    Unmatched, match_requests,
};
pub use prepare::{MAX_CANDIDATES, MAX_REQUESTS, MAX_VOLUNTEERS, MAX_WINDOWS};
pub use search::{EXACT_REQUESTS, IMPROVE_BUDGET};
