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
//! # Rules this crate encodes
//!
//! - A working day is Monday to Friday, minus public holidays, plus make-up working
//!   days. Calendars are data ([`Calendar`], loaded from JSON); the mainland China
//!   calendar for 2024–2026 ships with the crate ([`Calendar::mainland_china`]).
//! - A date outside the loaded years is [`Error::YearNotCovered`], never a guess.

mod calendar;
mod cn_calendar;
mod error;

pub use calendar::{Calendar, CalendarYear, DayName, MAX_YEAR, MIN_YEAR};
pub use error::{Error, Result};
