//! The error type of petition triage.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Everything that can go wrong when triaging petitions or computing deadlines.
///
/// Variants carry the offending values so that a service can map them to a response
/// without parsing the message.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
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
    /// A colour name is not red, yellow or blue.
    #[error("unknown colour `{name}`, expected red, yellow or blue")]
    UnknownColour {
        /// The name given.
        name: String,
    },
    /// A tracking code contains a character that is not a Crockford symbol.
    #[error("`{symbol}` (symbol {position}) in code `{code}` is not a code symbol")]
    CodeSymbol {
        /// The code as given.
        code: String,
        /// The offending character.
        symbol: char,
        /// Its position among the symbols (1-based; dashes and spaces skipped).
        position: usize,
    },
    /// A tracking code has the wrong number of symbols.
    #[error("code `{code}` has {symbols} symbols, expected 11")]
    CodeLength {
        /// The code as given.
        code: String,
        /// The symbols counted.
        symbols: usize,
    },
    /// A tracking code fails its check: a symbol was mistyped or two swapped.
    #[error("code `{code}` fails its check: a symbol is mistyped or two are swapped")]
    CodeCheck {
        /// The code as given.
        code: String,
    },
    /// More tracking codes asked of one seed than it issues.
    #[error("{count} codes asked for, at most {max} are issued from one seed")]
    TooManyCodes {
        /// The number asked for.
        count: u64,
        /// [`MAX_CODES`](crate::MAX_CODES).
        max: u64,
    },
    /// A command that the petition's state does not allow.
    #[error("cannot {command} a petition that is {state}")]
    InvalidTransition {
        /// The state.
        state: String,
        /// The command.
        command: String,
    },
    /// A command dated before the petition's last event.
    #[error("a command at {at} comes before the last event at {last}")]
    TimeGoesBackwards {
        /// The command's time.
        at: DateTime<Utc>,
        /// The last event's time.
        last: DateTime<Utc>,
    },
    /// A satisfaction rating outside 1–5.
    #[error("satisfaction {value} is outside 1..=5")]
    InvalidSatisfaction {
        /// The rating given.
        value: u8,
    },
    /// The petition has been reopened as often as the policy allows.
    #[error("the petition has already been reopened {max} times, the most allowed")]
    ReopenLimit {
        /// The limit.
        max: u32,
    },
    /// A manual override without a reason.
    #[error("a manual override needs a reason")]
    MissingReason,
    /// An instant is outside the range chrono can represent.
    #[error("the instant is outside the representable range")]
    OutOfRange,
    /// A calendar lists a date both as a holiday and as a working day.
    #[error("`{date}` is both a holiday and a working day")]
    ConflictingDay {
        /// The offending date.
        date: NaiveDate,
    },
}

/// The result type of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
