//! `guided-community ledger`: the points bank's hash-chained log.

use std::collections::BTreeMap;

use clap::Subcommand;
use std::path::PathBuf;
use std::time::Duration;

use guided_community::points::log::{Anchor, complete, leaves, replay, verify, verify_anchor};
use guided_community::points::merkle::Hash;
use guided_community::points::merkle::{
    consistency_proof, inclusion_proof, verify_consistency, verify_inclusion,
};
use guided_community::points::{self, sample};
use guided_community::store::{Options, SqliteJournal};
use serde::{Deserialize, Serialize};

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
    /// A consistency proof (RFC 6962) that the log of `--to` entries extends the
    /// log of `--from` entries: that nothing published at `--from` was changed
    /// since. A last entry cut mid-write is left out, with a note.
    ProveConsistency {
        /// The older, published size.
        #[arg(long)]
        from: usize,
        /// The newer size [default: the whole log].
        #[arg(long)]
        to: Option<usize>,
        #[command(flatten)]
        source: Source,
    },
    /// Check a proof offline, as `prove` or `prove-consistency` printed it:
    /// exit 0 with `{"valid": true}`, or exit 1 with the reason. Give the roots
    /// you saw published to check the proof is about them.
    CheckProof {
        #[command(flatten)]
        input: Input,
        /// The root published for the proof's tree (an inclusion proof's
        /// `root`, a consistency proof's `new_root`).
        #[arg(long)]
        expect_root: Option<Hash>,
        /// The root published for the older size (consistency proofs).
        #[arg(long)]
        expect_old_root: Option<Hash>,
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
    #[command(group(clap::ArgGroup::new("journal").required(true).args(["db", "log"])))]
    Serve {
        /// The store (SQLite; created if missing).
        #[arg(long)]
        db: Option<PathBuf>,
        /// Or a JSON-lines log file (created if missing): each entry appended
        /// and synced before it is answered; an incomplete last entry left by
        /// a crash is cut off on start, the whole file kept as FILE.torn.
        #[arg(long)]
        log: Option<PathBuf>,
        /// How long to wait for another writer, in milliseconds, before failing a
        /// command (or, for a log file, starting) as busy.
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

/// An inclusion proof as `prove` prints it and `check-proof` reads it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Proof {
    entry: u64,
    size: u64,
    leaf: Hash,
    path: Vec<Hash>,
    root: Hash,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

/// A consistency proof as `prove-consistency` prints it and `check-proof`
/// reads it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Consistency {
    from: u64,
    to: u64,
    old_root: Hash,
    new_root: Hash,
    proof: Vec<Hash>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

/// Either proof.
enum AnyProof {
    Inclusion(Proof),
    Consistency(Consistency),
}

#[derive(Serialize)]
struct ProofChecked {
    valid: bool,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
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
                entry: *entry as u64,
                size: all.len() as u64,
                leaf: all.get(*entry).copied().unwrap_or_default(),
                path,
                root: points::merkle::root(&all),
                note,
            };
            output.json(&proof, 0, out)
        }
        LedgerCommand::ProveConsistency { from, to, source } => {
            prove_consistency(*from, *to, source, output, out)
        }
        LedgerCommand::CheckProof {
            input,
            expect_root,
            expect_old_root,
        } => {
            let proof = read_proof(input)?;
            let report = check_proof(&proof, *expect_root, *expect_old_root);
            let exit = u8::from(!report.valid);
            output.json(&report, exit, out)
        }
        LedgerCommand::Repair { file } => repair(file, output, out),
        LedgerCommand::Serve { db, log, wait_ms } => {
            serve::serve(db.as_deref(), log.as_deref(), *wait_ms, out)
        }
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

/// `ledger prove-consistency`.
fn prove_consistency(
    from: usize,
    to: Option<usize>,
    source: &Source,
    output: Output,
    out: Stdout<'_>,
) -> Result<Exit, CliError> {
    let (log, input) = source.read()?;
    let (log, note) = complete_with_note(&log);
    let all = leaves(log).map_err(|e| input.invalid(&e))?;
    if from > all.len() {
        return Err(input.invalid(&format!("--from {from}: the log has {} entries", all.len())));
    }
    let to = to.unwrap_or(all.len());
    let newer = all
        .get(..to)
        .ok_or_else(|| input.invalid(&format!("--to {to}: the log has {} entries", all.len())))?;
    let proof = consistency_proof(newer, from).ok_or_else(|| {
        input.invalid(&format!(
            "--from {from} is after --to {to}: the older size comes first"
        ))
    })?;
    let report = Consistency {
        from: from as u64,
        to: to as u64,
        old_root: points::merkle::root(newer.get(..from).unwrap_or_default()),
        new_root: points::merkle::root(newer),
        proof,
        note,
    };
    output.json(&report, 0, out)
}

/// A proof file: told apart by its fields, each then read strictly (a
/// misspelt field is named, not ignored).
fn read_proof(input: &Input) -> Result<AnyProof, CliError> {
    let text = input.read_text()?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| input.invalid(&super::json_error::humanize(&e, &text)))?;
    let has = |key: &str| value.get(key).is_some();
    let strict = |e: serde_json::Error| input.invalid(&e);
    if has("leaf") || has("path") || has("entry") {
        serde_json::from_value(value)
            .map(AnyProof::Inclusion)
            .map_err(strict)
    } else if has("proof") || has("from") || has("old_root") {
        serde_json::from_value(value)
            .map(AnyProof::Consistency)
            .map_err(strict)
    } else {
        Err(input.invalid(&"expected an inclusion proof (`entry`, `size`, `leaf`, `path`, `root`, as `ledger prove` prints it) or a consistency proof (`from`, `to`, `old_root`, `new_root`, `proof`, as `ledger prove-consistency` prints it)"))
    }
}

/// `ledger check-proof`: the proof's own arithmetic, then the published roots.
fn check_proof(proof: &AnyProof, root: Option<Hash>, old_root: Option<Hash>) -> ProofChecked {
    let (kind, reason) = match proof {
        AnyProof::Inclusion(p) => {
            let reason = if old_root.is_some() {
                Some(
                    "--expect-old-root is for consistency proofs; this is an inclusion proof"
                        .to_owned(),
                )
            } else if root.is_some_and(|r| r != p.root) {
                Some(format!(
                    "the proof is about root {}, not the published {}",
                    p.root,
                    root.unwrap_or_default()
                ))
            } else if verify_inclusion(&p.leaf, p.entry, p.size, &p.path, &p.root) {
                None
            } else {
                Some(format!(
                    "the path does not lead from entry {}'s leaf to the root of {} entries",
                    p.entry, p.size
                ))
            };
            ("inclusion", reason)
        }
        AnyProof::Consistency(p) => {
            let reason = if root.is_some_and(|r| r != p.new_root) {
                Some(format!(
                    "the proof is about new root {}, not the published {}",
                    p.new_root,
                    root.unwrap_or_default()
                ))
            } else if old_root.is_some_and(|r| r != p.old_root) {
                Some(format!(
                    "the proof is about old root {}, not the published {}",
                    p.old_root,
                    old_root.unwrap_or_default()
                ))
            } else if verify_consistency(p.from, p.to, &p.proof, &p.old_root, &p.new_root) {
                None
            } else {
                Some(format!(
                    "the log of {} entries does not extend the log of {} entries with these roots: it was changed, or the proof is wrong",
                    p.to, p.from
                ))
            };
            ("consistency", reason)
        }
    };
    ProofChecked {
        valid: reason.is_none(),
        kind,
        reason,
    }
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
