//! `ledger serve`: commands in as JSON lines, one answer out per command, each
//! written only after what it recorded has committed.

use std::io::BufRead;
use std::path::Path;

use chrono::NaiveDateTime;
use guided_community::points::{Command, Receipt};
use std::time::Duration;

use guided_community::store::{Applied, Journal, LogFile, Options, SqliteJournal};
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

/// The crash test's failpoints, never for real use: `ack-before-commit` (a
/// store) and `ack-before-write` (a log file) answer each command before it is
/// durable, and must lose acknowledged commands when killed; `half-entry:K`
/// (a log file) writes half of the K-th command's entry and dies, as a crash
/// mid-write would.
const FAILPOINT: &str = "GUIDED_COMMUNITY_FAILPOINT";

/// The journal being served.
enum Served {
    Db(SqliteJournal),
    Log(LogFile),
}

pub(super) fn serve(
    db: Option<&Path>,
    log: Option<&Path>,
    wait_ms: u64,
    out: Stdout<'_>,
) -> Result<Exit, CliError> {
    let failpoint = std::env::var(FAILPOINT).unwrap_or_default();
    let early = matches!(failpoint.as_str(), "ack-before-commit" | "ack-before-write");
    let tear_at: Option<usize> = failpoint
        .strip_prefix("half-entry:")
        .and_then(|k| k.parse().ok());
    let mut served = match (db, log) {
        (Some(db), _) => Served::Db(open_store(db, wait_ms, true)?),
        (None, Some(log)) => {
            let options = Options::default().with_wait(Duration::from_millis(wait_ms));
            let file = LogFile::open(log, &options)?;
            if let Some(r) = file.repaired() {
                eprintln!(
                    "note: cut off an incomplete last entry at line {} ({} bytes, written by a crash and never answered); the whole file is kept as `{}`",
                    r.line,
                    r.removed_bytes,
                    r.backup.display()
                );
            }
            Served::Log(file)
        }
        (None, None) => return Err(CliError::Limit("give --db or --log".to_owned())),
    };
    let stdin = std::io::stdin();
    let mut requests = 0usize;
    for (n, line) in (1usize..).zip(stdin.lock().lines()) {
        let line = line.map_err(|error| CliError::Read {
            source_name: "standard input".to_owned(),
            error,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let request = match parse(&line) {
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
        requests += 1;
        let id = request.command.id.clone();
        if let (Some(k), Served::Log(file)) = (tear_at, &mut served)
            && k == requests
        {
            file.tear(request.at, request.command)?;
            std::process::abort();
        }
        let mut acked = false;
        let batch = vec![(request.at, request.command)];
        let mut ack = |applied: &[Applied]| {
            for a in applied {
                acked = write(out, &answer(&id, a)).is_ok();
            }
            // Widen the window between the answer and the write, so that a
            // kill lands in it: the control must show losses.
            std::thread::sleep(Duration::from_millis(20));
        };
        let result = match (&mut served, early) {
            (Served::Db(store), true) => store.apply_batch_acking_before_commit(batch, &mut ack),
            (Served::Log(file), true) => file.apply_batch_acking_before_write(batch, &mut ack),
            (Served::Db(store), false) => store.apply_batch(batch),
            (Served::Log(file), false) => file.apply_batch(batch),
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

/// One input line as a request, or why it is not one.
fn parse(line: &str) -> Result<Request, String> {
    if line.trim_start().starts_with('{') {
        // Each line is parsed alone: its column is what helps.
        serde_json::from_str::<Request>(line)
            .map_err(|e| e.to_string().replace(" at line 1 column ", " at column "))
    } else {
        Err("each line is one JSON object".to_owned())
    }
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
