//! Three-colour petition triage (三色管理) with working-day deadlines that know China's
//! make-up working days (调休).
//!
//! ```
//! use std::num::NonZeroU32;
//! use chrono::NaiveDate;
//! use petition_triage::Calendar;
//!
//! let cn = Calendar::mainland_china();
//! let received = NaiveDate::from_ymd_opt(2025, 10, 3).ok_or("bad date")?; // a holiday
//! let three = NonZeroU32::new(3).ok_or("zero")?;
//! // The third working day after is Saturday 11 October, a make-up working day.
//! assert_eq!(cn.nth_working_day_after(received, three)?.to_string(), "2025-10-11");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! [`classify`] decides a petition's colour from a rule table ([`TriageRules`]:
//! category, keywords, vulnerabilities), listing the rules that fired and the
//! emergency services to call. [`deadline`] computes response and resolution
//! deadlines; [`open`] and [`apply`] move a [`Petition`] through its lifecycle;
//! [`sla_status`] and [`warnings`] say where it stands. Every petition gets a
//! [`TrackingCode`]. [`analytics`] and [`hot_spots`] turn petitions into on-time
//! rates and suggested agenda items for the residents' council.
//!
//! # Rules this crate encodes
//!
//! - Red is answered within 24 hours, yellow within 3 and blue within 7 working days
//!   (响应, the first response): the due date is the n-th working day strictly after
//!   the local date of receipt, and the deadline the end of that day. Residents'
//!   local time is UTC+8 by default; instants are stored in UTC.
//! - A working day is Monday to Friday, minus public holidays, plus make-up working
//!   days. Calendars are data ([`Calendar`], loaded from JSON); the mainland China
//!   calendar for 2024–2026 ships with the crate ([`Calendar::mainland_china`]).
//! - A date outside the loaded years is [`Error::YearNotCovered`], never a guess.
//! - Rules can only raise a colour; a person may override it, with a reason.
//!   Life-safety keywords refer to 110, 119 or 120 at once.
//! - Waiting for the resident stops the resolution clock; the paused working time
//!   is added back. Every petition is answered (事事有回应) and tracked.

mod analytics;
mod calendar;
mod classify;
mod cn_calendar;
mod code;
mod error;
mod lifecycle;
mod sla;

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
