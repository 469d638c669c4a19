//! `guided-community ledger`: the points bank's hash-chained log.

use std::collections::BTreeMap;

use clap::Subcommand;
use std::path::PathBuf;
use std::time::Duration;

use guided_community::points::log::{Anchor, complete, leaves, replay, verify, verify_anchor};
use guided_community::points::merkle::Hash;
use guided_community::points::merkle::inclusion_proof;
use guided_community::points::{self, sample};
use guided_community::store::{Options, SqliteJournal};
use serde::Serialize;

use super::{CliError, Exit, Input, Output, Stdout};

mod serve;

/// The points bank's log, one JSON entry per line.
#[derive(Debug, Subcommand)]
pub(crate) enum LedgerCommand {
    /// Write a realistic sample log (JSON lines) to standard output.
    Demo {
        /// Entries to write, at most 100,000,000.
        #[arg(long, default_value_t = 1000)]
        events: u64,
        /// The seed: the same seed writes the same log.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Verify and replay a log: `{"balances": {account: amount}, "head", "root", "entries"}`.
    /// A last entry cut mid-write is left out, with a note.
    Replay(Source),
    /// Check a log's hash chain: exit 0 with its head and Merkle root, or exit 1
    /// naming the first bad line (or an incomplete last entry).
    Verify {
        #[command(flatten)]
        source: Source,
        /// The head hash a 公示 report published: the log must still hold it at
        /// `--expect-size` entries (a truncated or rewritten log fails).
        #[arg(long, requires = "expect_size")]
        expect_head: Option<Hash>,
        /// The log's size when `--expect-head` was published.
        #[arg(long, requires = "expect_head")]
        expect_size: Option<u64>,
    },
    /// An inclusion proof for one entry (RFC 6962), checkable against the root.
    /// A last entry cut mid-write is left out, with a note.
    Prove {
        /// The entry's sequence number (its line number minus one).
        #[arg(long)]
        entry: usize,
        #[command(flatten)]
        source: Source,
    },
    /// Cut an incomplete last entry off a log file, keeping the whole file as
    /// FILE.torn first.
    Repair {
        /// The log file.
        file: PathBuf,
    },
    /// Serve a store: read commands as JSON lines on standard input, each
    /// `{"at", "command"}`, and answer each with one JSON line holding its `id`
    /// and its receipt or error, written only after it has committed.
    Serve {
        /// The store (SQLite; created if missing).
        #[arg(long)]
        db: PathBuf,
        /// How long to wait for another writer, in milliseconds, before failing a
        /// command as busy.
        #[arg(long, default_value_t = 5000)]
        wait_ms: u64,
    },
    /// Write a store's journal as the JSON-lines log.
    Export {
        /// The store.
        #[arg(long)]
        db: PathBuf,
    },
}

/// Where a log comes from: a JSON-lines file (or standard input), or a store.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Source {
    #[command(flatten)]
    input: Input,
    /// Read the journal from this store instead of a log file.
    #[arg(long, conflicts_with = "file")]
    db: Option<PathBuf>,
}

impl Source {
    /// The log's bytes, and what `invalid` should name.
    fn read(&self) -> Result<(Vec<u8>, Input), CliError> {
        let Some(db) = &self.db else {
            return Ok((self.input.read_bytes()?, self.input.clone()));
        };
        let store = open_store(db, 0, false)?;
        let mut log = Vec::new();
        store.export(&mut log)?;
        Ok((log, Input::file(db.clone())))
    }
}

/// Opens the store at `db`; only `serve` creates one (`create`): a reader
/// given a mistyped path is told there is no store, not shown an empty one.
fn open_store(db: &std::path::Path, wait_ms: u64, create: bool) -> Result<SqliteJournal, CliError> {
    let options = Options::default()
        .with_wait(Duration::from_millis(wait_ms))
        .with_create(create);
    Ok(SqliteJournal::open(db, &options)?)
}

/// The complete entries of `log`, and a note if a torn last one was left out.
fn complete_with_note(log: &[u8]) -> (&[u8], Option<String>) {
    let (prefix, torn) = complete(log);
    let note = torn.map(|line| {
        format!(
            "left out an incomplete last entry at line {line} (cut mid-write; `ledger repair` removes it)"
        )
    });
    (prefix, note)
}

#[derive(Serialize)]
struct Replayed {
    balances: BTreeMap<String, String>,
    entries: u64,
    head: String,
    root: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

#[derive(Serialize)]
struct Checked {
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    entries: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    head: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    root: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

#[derive(Serialize)]
struct Proof {
    entry: usize,
    size: usize,
    leaf: String,
    path: Vec<String>,
    root: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

pub(crate) fn run(
    command: &LedgerCommand,
    output: Output,
    out: Stdout<'_>,
) -> Result<Exit, CliError> {
    match command {
        LedgerCommand::Demo { events, seed } => {
            // The limit is checked before anything is generated; then each entry
            // is written as soon as its command is applied, in constant memory.
            if *events > sample::MAX_EVENTS as u64 {
                return Err(CliError::Limit(format!(
                    "--events {events} is more than the {} entries a sample log has",
                    sample::MAX_EVENTS
                )));
            }
            let events = usize::try_from(*events).unwrap_or(sample::MAX_EVENTS);
            for line in sample::log(events, *seed) {
                let line = line.map_err(guided_community::Error::from)?;
                out.write_all(&line).map_err(CliError::Stdout)?;
            }
            Ok(0)
        }
        LedgerCommand::Replay(source) => {
            let (log, input) = source.read()?;
            let (log, note) = complete_with_note(&log);
            let (ledger, verified) = replay(log).map_err(|e| input.invalid(&e))?;
            let report = Replayed {
                balances: ledger
                    .balances()
                    .map(|(account, b)| (account.to_owned(), b.balance.to_string()))
                    .collect(),
                entries: verified.entries,
                head: verified.head.to_string(),
                root: verified.root.to_string(),
                note,
            };
            output.json(&report, 0, out)
        }
        LedgerCommand::Verify {
            source,
            expect_head,
            expect_size,
        } => check(source, *expect_head, *expect_size, output, out),
        LedgerCommand::Prove { entry, source } => {
            let (log, input) = source.read()?;
            let (log, note) = complete_with_note(&log);
            let all = leaves(log).map_err(|e| input.invalid(&e))?;
            let path = inclusion_proof(&all, *entry).ok_or_else(|| {
                input.invalid(&format!(
                    "the log has {} entries, no entry {entry}",
                    all.len()
                ))
            })?;
            let proof = Proof {
                entry: *entry,
                size: all.len(),
                leaf: all.get(*entry).map(ToString::to_string).unwrap_or_default(),
                path: path.iter().map(ToString::to_string).collect(),
                root: points::merkle::root(&all).to_string(),
                note,
            };
            output.json(&proof, 0, out)
        }
        LedgerCommand::Repair { file } => repair(file, output, out),
        LedgerCommand::Serve { db, wait_ms } => serve::serve(db, *wait_ms, out),
        LedgerCommand::Export { db } => {
            let store = open_store(db, 0, false)?;
            // A closed pipe (`| head`) is the reader's choice, as everywhere.
            store.export(out).map_err(|e| match e {
                guided_community::store::Error::Export { source, .. } => CliError::Stdout(source),
                other => other.into(),
            })?;
            Ok(0)
        }
    }
}

#[derive(Serialize)]
struct Repaired {
    entries: u64,
    head: String,
    /// Bytes cut off (0: the log was whole and is unchanged).
    removed_bytes: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    backup: Option<String>,
}

/// Cuts a torn last entry off `file`, after copying the whole file to
/// `file.torn`; a whole log is left as it is.
fn repair(file: &std::path::Path, output: Output, out: Stdout<'_>) -> Result<Exit, CliError> {
    let input = Input::file(file.to_path_buf());
    let log = input.read_bytes()?;
    let (prefix, torn) = complete(&log);
    let verified = verify(prefix).map_err(|e| input.invalid(&e))?;
    let mut backup = None;
    if torn.is_some() {
        let mut name = file.as_os_str().to_owned();
        name.push(".torn");
        let saved = PathBuf::from(name);
        let write_error = |path: &std::path::Path, error| CliError::Write {
            path: format!("`{}`", path.display()),
            error,
        };
        std::fs::write(&saved, &log).map_err(|e| write_error(&saved, e))?;
        let cut = std::fs::OpenOptions::new()
            .write(true)
            .open(file)
            .and_then(|f| {
                f.set_len(prefix.len() as u64)?;
                f.sync_all()
            });
        cut.map_err(|e| write_error(file, e))?;
        backup = Some(saved.display().to_string());
    }
    let report = Repaired {
        entries: verified.entries,
        head: verified.head.to_string(),
        removed_bytes: log.len() - prefix.len(),
        backup,
    };
    output.json(&report, 0, out)
}

/// `ledger verify`: the chain, and a published anchor if one is given.
fn check(
    source: &Source,
    expect_head: Option<Hash>,
    expect_size: Option<u64>,
    output: Output,
    out: Stdout<'_>,
) -> Result<Exit, CliError> {
    let (log, input) = source.read()?;
    let checked = match (expect_head, expect_size) {
        (Some(head), Some(size)) => verify_anchor(&log, &Anchor { size, head }),
        _ => verify(&log),
    };
    let report = match checked {
        Ok(v) => Checked {
            valid: true,
            entries: Some(v.entries),
            head: Some(v.head.to_string()),
            root: Some(v.root.to_string()),
            line: None,
            reason: None,
        },
        Err(points::Error::BadEntry { line, reason }) => Checked {
            valid: false,
            entries: None,
            head: None,
            root: None,
            line: Some(line),
            reason: Some(reason),
        },
        Err(e @ points::Error::TornTail { line }) => Checked {
            valid: false,
            entries: None,
            head: None,
            root: None,
            line: Some(line),
            reason: Some(e.to_string()),
        },
        Err(e @ points::Error::AnchorMismatch { .. }) => Checked {
            valid: false,
            entries: None,
            head: None,
            root: None,
            line: None,
            reason: Some(e.to_string()),
        },
        Err(other) => return Err(input.invalid(&other)),
    };
    let exit = u8::from(!report.valid);
    output.json(&report, exit, out)
}
