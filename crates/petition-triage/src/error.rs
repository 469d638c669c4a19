//! The error type of petition triage.

use chrono::NaiveDate;

/// Everything that can go wrong when triaging petitions or computing deadlines.
///
/// Variants carry the offending values so that a service can map them to a response
/// without parsing the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The calendar does not cover a year a question depends on.
    #[error("the calendar does not cover {year}, load a calendar that does")]
    YearNotCovered {
        /// The first year needed that is not covered.
        year: i32,
    },
    /// A calendar names a year outside the supported range.
    #[error("year {year} is outside the supported range 1900..=2199")]
    YearOutOfRange {
        /// The offending year.
        year: i32,
    },
    /// A calendar files a date under the wrong year.
    #[error("date `{date}` is filed under year {year}")]
    DateOutsideYear {
        /// The year the date was filed under.
        year: i32,
        /// The offending date.
        date: NaiveDate,
    },
    /// A calendar lists a date both as a holiday and as a working day.
    #[error("`{date}` is both a holiday and a working day")]
    ConflictingDay {
        /// The offending date.
        date: NaiveDate,
    },
}

/// The result type of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
