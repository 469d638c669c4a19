//! `guided-community deadline` and `guided-community code`: petition deadlines and
//! tracking codes.

use chrono::{DateTime, Datelike, FixedOffset, SecondsFormat};
use clap::{Subcommand, ValueEnum};
use guided_community::triage::{self, Calendar, Colour, SlaPolicy, TrackingCode};
use serde::Serialize;

use super::{CliError, Exit, Input, Output, Stdout};

/// The response deadline of a petition: `{"due_date", "due"}`, `due` being the
/// exclusive end of the due date (for red: receipt + 24 hours).
#[derive(Debug, clap::Args)]
pub(crate) struct DeadlineArgs {
    /// The petition's colour.
    #[arg(long, value_enum)]
    priority: ColourArg,
    /// When it was received, RFC 3339 with an offset: `2025-09-26T20:00:00+08:00`.
    #[arg(long, value_parser = received)]
    received: DateTime<FixedOffset>,
    /// A calendar JSON (`{"2027": {"holidays": {...}, "workdays": {...}}}`) merged
    /// over the built-in mainland China calendar (2024–2026): next year, or a
    /// regional holiday.
    #[arg(long)]
    calendar: Option<std::path::PathBuf>,
}

/// The receipt time: RFC 3339 with an offset. The error says what is wrong with
/// it and shows the expected form (clap names the value and the flag).
pub(crate) fn received(text: &str) -> Result<DateTime<FixedOffset>, String> {
    const FORM: &str = "write it as 2025-09-26T20:00:00+08:00 (RFC 3339, with the UTC offset)";
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        // The calendar's years (a 24-hour deadline on 9999-12-31 fell in the
        // year 10000, which RFC 3339 cannot write).
        if !(1900..=2199).contains(&at.year()) {
            return Err(format!(
                "the year {} is outside 1900–2199, the years the calendar covers; {FORM}",
                at.year()
            ));
        }
        return Ok(at);
    }
    if text.parse::<chrono::NaiveDateTime>().is_ok() {
        return Err(format!("no UTC offset; {FORM}"));
    }
    let date = text.get(..10).unwrap_or(text);
    if date.len() == 10 && date.parse::<chrono::NaiveDate>().is_err() {
        let shaped = date.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
        if shaped {
            return Err(format!("{date} is not a date on the calendar; {FORM}"));
        }
    }
    Err(format!("not a date and time; {FORM}"))
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ColourArg {
    /// 24 hours.
    Red,
    /// 3 working days.
    Yellow,
    /// 7 working days.
    Blue,
}

impl From<ColourArg> for Colour {
    fn from(arg: ColourArg) -> Self {
        match arg {
            ColourArg::Red => Self::Red,
            ColourArg::Yellow => Self::Yellow,
            ColourArg::Blue => Self::Blue,
        }
    }
}

#[derive(Serialize)]
struct DeadlineReport {
    due_date: String,
    due: String,
}

pub(crate) fn deadline(
    args: &DeadlineArgs,
    output: Output,
    out: Stdout<'_>,
) -> Result<Exit, CliError> {
    let calendar = calendar(args.calendar.as_deref())?;
    let policy = SlaPolicy::default();
    let colour = Colour::from(args.priority);
    let due = triage::deadline(
        policy.response.of(colour),
        args.received.to_utc(),
        &calendar,
        &policy,
    )
    .map_err(guided_community::Error::from)?;
    let report = DeadlineReport {
        due_date: due.due_date.to_string(),
        due: due
            .due
            .with_timezone(&policy.zone)
            .to_rfc3339_opts(SecondsFormat::Secs, false),
    };
    output.json(&report, 0, out)
}

/// Tracking codes: generate them from a seed, or check one a resident typed.
#[derive(Debug, Subcommand)]
pub(crate) enum CodeCommand {
    /// Print new codes, one per line (the same seed gives the same codes).
    New {
        /// The seed.
        #[arg(long)]
        seed: u64,
        /// How many, at most 1,000,000 (one seed's codes; use another seed for more).
        #[arg(long, default_value_t = 1)]
        count: u64,
    },
    /// Check a code: exit 0 with `{"valid": true, "code"}`, or exit 1 with
    /// `{"valid": false, "reason"}`.
    Check {
        /// The code as typed (case, spaces, dashes, I/L/O are forgiven).
        code: String,
    },
}

#[derive(Serialize)]
struct CodeReport {
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

pub(crate) fn code(
    command: &CodeCommand,
    output: Output,
    out: Stdout<'_>,
) -> Result<Exit, CliError> {
    match command {
        CodeCommand::New { seed, count } => {
            // Checked before anything is written or allocated; then each code is
            // written as it is drawn.
            if *count > triage::MAX_CODES as u64 {
                return Err(guided_community::Error::from(triage::Error::TooManyCodes {
                    count: *count,
                    max: triage::MAX_CODES as u64,
                })
                .into());
            }
            let count = usize::try_from(*count).unwrap_or(triage::MAX_CODES);
            for code in triage::codes(*seed).take(count) {
                writeln!(out, "{code}").map_err(CliError::Stdout)?;
            }
            Ok(0)
        }
        CodeCommand::Check { code } => match code.parse::<TrackingCode>() {
            Ok(valid) => output.json(
                &CodeReport {
                    valid: true,
                    code: Some(valid.to_string()),
                    reason: None,
                },
                0,
                out,
            ),
            Err(error) => output.json(
                &CodeReport {
                    valid: false,
                    code: None,
                    reason: Some(error.to_string()),
                },
                1,
                out,
            ),
        },
    }
}

/// The built-in calendar, with `extra` merged over it.
pub(crate) fn calendar(extra: Option<&std::path::Path>) -> Result<Calendar, CliError> {
    let mut calendar = Calendar::mainland_china();
    if let Some(path) = extra {
        let extra: Calendar = Input::file(path.to_path_buf()).read_json()?;
        calendar = calendar
            .merge(&extra)
            .map_err(guided_community::Error::from)?;
    }
    Ok(calendar)
}
