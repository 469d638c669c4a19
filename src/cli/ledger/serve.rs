//! `ledger serve`: commands in as JSON lines, one answer out per command, each
//! written only after what it recorded has committed.

use std::io::BufRead;
use std::path::Path;

use chrono::NaiveDateTime;
use guided_community::points::{Command, Receipt};
use guided_community::store::{Applied, Journal};
use serde::{Deserialize, Serialize};

use super::open_store;
use crate::cli::{CliError, Exit, Stdout};

/// One line of input: a log entry without its outcome and hashes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    #[serde(with = "local_time")]
    at: NaiveDateTime,
    command: Command,
}

/// One line of output.
#[derive(Serialize)]
struct Answer<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    /// The input line, for an answer to a line that is not a request.
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seq: Option<u64>,
    /// Its id was recorded before: the original answer.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    duplicate: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    receipt: Option<&'a Receipt>,
    /// Recorded, rejected for this reason (the id is spent).
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    /// Not recorded: send it again (changed, or later).
    #[serde(skip_serializing_if = "Option::is_none")]
    refused: Option<String>,
}

impl Answer<'_> {
    fn empty() -> Self {
        Self {
            id: None,
            line: None,
            seq: None,
            duplicate: false,
            receipt: None,
            error: None,
            refused: None,
        }
    }
}

/// Set to `ack-before-commit`, answers each command before its transaction
/// commits: the crash test's negative control, which must lose acknowledged
/// commands. Never set it for real use.
const FAILPOINT: &str = "GUIDED_COMMUNITY_FAILPOINT";

pub(super) fn serve(db: &Path, wait_ms: u64, out: Stdout<'_>) -> Result<Exit, CliError> {
    let mut store = open_store(db, wait_ms, true)?;
    let early = std::env::var(FAILPOINT).is_ok_and(|v| v == "ack-before-commit");
    let stdin = std::io::stdin();
    for (n, line) in (1usize..).zip(stdin.lock().lines()) {
        let line = line.map_err(|error| CliError::Read {
            source_name: "standard input".to_owned(),
            error,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let parsed = if line.trim_start().starts_with('{') {
            // Each line is parsed alone: its column is what helps.
            serde_json::from_str::<Request>(&line)
                .map_err(|e| e.to_string().replace(" at line 1 column ", " at column "))
        } else {
            Err("each line is one JSON object".to_owned())
        };
        let request = match parsed {
            Ok(request) => request,
            Err(reason) => {
                let answer = Answer {
                    line: Some(n),
                    refused: Some(format!("not a request `{{\"at\", \"command\"}}`: {reason}")),
                    ..Answer::empty()
                };
                write(out, &answer)?;
                continue;
            }
        };
        let id = request.command.id.clone();
        let mut acked = false;
        let result = if early {
            store.apply_batch_acking_before_commit(
                vec![(request.at, request.command)],
                &mut |applied| {
                    for a in applied {
                        acked = write(out, &answer(&id, a)).is_ok();
                    }
                    // Widen the window between the answer and the commit, so
                    // that a kill lands in it: the control must show losses.
                    std::thread::sleep(std::time::Duration::from_millis(20));
                },
            )
        } else {
            store.apply_batch(vec![(request.at, request.command)])
        };
        match result {
            Ok(applied) if !acked => {
                for a in &applied {
                    write(out, &answer(&id, a))?;
                }
            }
            Ok(_) => {}
            Err(e) => {
                let failed = Answer {
                    id: Some(&id),
                    refused: Some(e.to_string()),
                    ..Answer::empty()
                };
                write(out, &failed)?;
            }
        }
    }
    Ok(0)
}

fn answer<'a>(id: &'a str, applied: &'a Applied) -> Answer<'a> {
    let mut answer = Answer {
        id: Some(id),
        ..Answer::empty()
    };
    match applied {
        Applied::Recorded { seq, outcome } | Applied::Duplicate { seq, outcome } => {
            answer.seq = Some(*seq);
            answer.duplicate = matches!(applied, Applied::Duplicate { .. });
            match outcome {
                Ok(receipt) => answer.receipt = Some(receipt),
                Err(e) => answer.error = Some(e.to_string()),
            }
        }
        Applied::Refused(e) => answer.refused = Some(e.to_string()),
        _ => answer.refused = Some("not recorded".to_owned()),
    }
    answer
}

/// Writes one answer and pushes it out at once.
fn write(out: Stdout<'_>, answer: &Answer<'_>) -> Result<(), CliError> {
    let mut text = serde_json::to_vec(answer).map_err(CliError::Output)?;
    text.push(b'\n');
    out.write_all(&text).map_err(CliError::Stdout)?;
    out.flush().map_err(CliError::Stdout)
}

/// Times as the log writes them (`2026-03-01T09:00:00`), and as people type
/// them (a space for the `T`, or seconds left out).
mod local_time {
    use chrono::NaiveDateTime;
    use serde::{Deserialize, Deserializer};

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
        let text = String::deserialize(d)?;
        [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
        ]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(&text, format).ok())
        .ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not a local time such as `2026-03-01T09:00:00`"
            ))
        })
    }
}
