//! `guided-community ledger`: the points bank's hash-chained log.

use std::collections::BTreeMap;

use clap::Subcommand;
use guided_community::points::log::{leaves, replay, verify};
use guided_community::points::merkle::inclusion_proof;
use guided_community::points::{self, sample};
use serde::Serialize;

use super::{CliError, Exit, Input, Output, Stdout};

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
    Replay(Input),
    /// Check a log's hash chain: exit 0 with its head and Merkle root, or exit 1
    /// naming the first bad line.
    Verify(Input),
    /// An inclusion proof for one entry (RFC 6962), checkable against the root.
    Prove {
        /// The entry's sequence number (its line number minus one).
        #[arg(long)]
        entry: usize,
        #[command(flatten)]
        input: Input,
    },
}

#[derive(Serialize)]
struct Replayed {
    balances: BTreeMap<String, String>,
    entries: u64,
    head: String,
    root: String,
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
        LedgerCommand::Replay(input) => {
            let log = input.read_bytes()?;
            let (ledger, verified) = replay(&log).map_err(|e| input.invalid(&e))?;
            let report = Replayed {
                balances: ledger
                    .balances()
                    .map(|(account, b)| (account.to_owned(), b.balance.to_string()))
                    .collect(),
                entries: verified.entries,
                head: verified.head.to_string(),
                root: verified.root.to_string(),
            };
            output.json(&report, 0, out)
        }
        LedgerCommand::Verify(input) => {
            let log = input.read_bytes()?;
            let report = match verify(&log) {
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
                Err(other) => return Err(guided_community::Error::from(other).into()),
            };
            let exit = u8::from(!report.valid);
            output.json(&report, exit, out)
        }
        LedgerCommand::Prove { entry, input } => {
            let log = input.read_bytes()?;
            let all = leaves(&log).map_err(|e| input.invalid(&e))?;
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
            };
            output.json(&proof, 0, out)
        }
    }
}
