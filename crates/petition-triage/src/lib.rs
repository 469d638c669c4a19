#![doc = include_str!("../README.md")]

mod analytics;
mod calendar;
mod classify;
mod cn_calendar;
mod code;
mod error;
mod lifecycle;
mod sla;
#[cfg(any(test, feature = "proptest"))]
pub mod strategy;

pub use analytics::{Analytics, Backlog, ColourStats, HotSpot, analytics, hot_spots};
pub use calendar::{Calendar, CalendarYear, DayName, MAX_YEAR, MIN_YEAR};
pub use classify::{
    EmergencyService, Fired, FiredRule, KeywordRule, Submission, Triage, TriageRules,
    Vulnerability, VulnerabilityRule, classify, override_colour,
};
pub use code::{CodeRng, Codes, MAX_CODES, TrackingCode, codes, new_codes};
pub use error::{Error, Result};
pub use lifecycle::{
    Command, Cycle, Event, Intake, Petition, Resumable, SlaReport, SlaStatus, State, Warning,
    WarningKind, Warnings, apply, open, sla_status, warnings,
};
pub use sla::{
    AtRisk, CHINA_STANDARD_TIME, Colour, Deadline, SlaPolicy, Target, Targets, deadline,
};
