//! The crate's error type.

use chrono::NaiveDate;

/// What can go wrong, each naming the offending value and what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Two steps share an id.
    #[error("two steps are called `{id}`: step ids must be unique")]
    DuplicateStep {
        /// The id.
        id: String,
    },
    /// A step follows a step the plan does not have.
    #[error("step `{step}` follows `{after}`, which is not a step of the plan")]
    UnknownStep {
        /// The step.
        step: String,
        /// What it names.
        after: String,
    },
    /// Steps that follow each other in a circle.
    #[error("steps {} follow each other in a circle: none of them can start", .steps.join(", "))]
    Cycle {
        /// The steps on or behind the circle.
        steps: Vec<String>,
    },
    /// A duration outside its limits.
    #[error("step `{step}` takes {working_days} working days: a step takes 1 to {}", grouped(u64::from(*.max)))]
    InvalidDuration {
        /// The step.
        step: String,
        /// Its duration.
        working_days: u32,
        /// The most a step takes.
        max: u32,
    },
    /// A plan beyond the documented size.
    #[error("the plan has {what}; it may have at most {}", grouped(*.max))]
    TooLarge {
        /// What there is too much of.
        what: String,
        /// The limit.
        max: u64,
    },
    /// A day the working-day calendar does not know.
    #[error("the working-day calendar does not cover {date}: give a calendar that does")]
    NotCovered {
        /// The day.
        date: NaiveDate,
    },
    /// A day too far from the plan's start to count working days to.
    #[error(
        "{date} is more than 100 years after the plan's start on {start}: working days are counted within 100 years"
    )]
    TooFar {
        /// The plan's start.
        start: NaiveDate,
        /// The day asked about.
        date: NaiveDate,
    },
    /// An event about a step the plan does not have.
    #[error("event {index} ({event}) names step `{step}`, which is not a step of the plan")]
    EventForUnknownStep {
        /// The event's position (from 0).
        index: usize,
        /// The event's kind.
        event: &'static str,
        /// The step it names.
        step: String,
    },
    /// Money beyond what can be added exactly.
    #[error("the money of step `{step}` does not fit in 64 bits of fen")]
    MoneyOverflow {
        /// The step.
        step: String,
    },
    /// A pilot that cannot be evaluated.
    #[error("the pilot cannot be evaluated: {reason}")]
    Pilot {
        /// Why, naming the value.
        reason: String,
    },
}

/// `n` with thousands separators, for messages.
pub(crate) fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// The crate's result type.
pub type Result<T> = core::result::Result<T, Error>;
