//! The tamper-evident log: one JSON line per journal entry, hash-chained.
//!
//! An entry's hash is SHA-256 over its canonical bytes — the compact JSON of
//! `{seq, at, command, outcome, prev}` as this crate writes it — where `prev` is the
//! previous entry's hash (32 zero bytes for the first). Canonical bytes are made from
//! values, never copied from input, so a command given `"12.50"` and one given
//! `"12.5"` make byte-identical entries with the same hash. [`verify`] accepts each
//! line only in that one form, so an edit of any byte fails at its line — even one a
//! lenient parser would forgive.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::merkle::{Frontier, Hash, leaf_hash};
use crate::receipt::{Note, Transfer};
use crate::{Command, Error, Event, Ledger, Result};

/// What a command did, as the log records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Outcome {
    /// Accepted, with its transfers and notes.
    Accepted {
        /// The transfers, in order.
        transfers: Vec<Transfer>,
        /// Notes.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        notes: Vec<Note>,
    },
    /// Rejected, with the error message.
    Rejected {
        /// The error, as displayed.
        error: String,
    },
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Position in the journal, from 0.
    pub seq: u64,
    /// When the command was applied.
    pub at: NaiveDateTime,
    /// The command.
    pub command: Command,
    /// What it did.
    pub outcome: Outcome,
    /// The previous entry's hash.
    pub prev: Hash,
    /// This entry's hash: SHA-256 of [`Entry::canonical_bytes`].
    pub hash: Hash,
}

#[derive(Serialize)]
struct Body<'a> {
    seq: u64,
    #[serde(serialize_with = "crate::time::serialize")]
    at: NaiveDateTime,
    command: &'a Command,
    outcome: &'a Outcome,
    prev: Hash,
}

fn write_body(out: &mut Vec<u8>, body: &Body<'_>) -> Result<()> {
    serde_json::to_writer(out, body).map_err(|e| Error::BadEntry {
        line: 0,
        reason: e.to_string(),
    })
}

impl Entry {
    /// The bytes the hash covers: compact JSON of everything but the hash.
    ///
    /// # Errors
    ///
    /// Only if serialization fails, which plain data cannot.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(256);
        write_body(
            &mut out,
            &Body {
                seq: self.seq,
                at: self.at,
                command: &self.command,
                outcome: &self.outcome,
                prev: self.prev,
            },
        )?;
        Ok(out)
    }

    /// This entry's leaf in the log's Merkle tree.
    ///
    /// # Errors
    ///
    /// As [`Entry::canonical_bytes`].
    pub fn leaf(&self) -> Result<Hash> {
        Ok(leaf_hash(&self.canonical_bytes()?))
    }
}

/// The outcome of journal entry `seq` as the log records it.
fn outcome(ledger: &Ledger, seq: u64) -> Outcome {
    match ledger.receipt(seq) {
        Ok(receipt) => Outcome::Accepted {
            transfers: receipt.transfers,
            notes: receipt.notes,
        },
        Err(error) => Outcome::Rejected {
            error: error.to_string(),
        },
    }
}

/// Writes a ledger's journal as a hash-chained log, entry by entry.
///
/// ```
/// use guided_community_points::log::{Chain, verify};
///
/// let ledger = guided_community_points::sample::ledger(40, 7);
/// let mut log = Vec::new();
/// let head = Chain::new().write(&ledger, &mut log)?;
/// let checked = verify(&log)?;
/// assert_eq!((checked.entries, checked.head), (40, head));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Chain {
    head: Hash,
    written: u64,
}

impl Chain {
    /// A chain with nothing written.
    pub fn new() -> Self {
        Self::default()
    }

    /// The hash of the last entry written ([`Hash::GENESIS`] before any).
    pub fn head(&self) -> Hash {
        self.head
    }

    /// Appends the journal entries of `ledger` not yet written to `out`, one JSON
    /// line each, and returns the new head.
    ///
    /// # Errors
    ///
    /// Only if serialization fails, which plain data cannot.
    pub fn write(&mut self, ledger: &Ledger, out: &mut Vec<u8>) -> Result<Hash> {
        let events = ledger.events();
        let base = ledger.events_base();
        let from = self
            .written
            .checked_sub(base)
            .and_then(|i| usize::try_from(i).ok())
            .unwrap_or(usize::MAX);
        for (seq, event) in (self.written..).zip(events.iter().skip(from)) {
            self.append(seq, event, &outcome(ledger, seq), out)?;
        }
        Ok(self.head)
    }

    fn append(
        &mut self,
        seq: u64,
        event: &Event,
        outcome: &Outcome,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let start = out.len();
        write_body(
            out,
            &Body {
                seq,
                at: event.at,
                command: &event.command,
                outcome,
                prev: self.head,
            },
        )?;
        let body = out.get(start..).unwrap_or(&[]);
        let hash = Hash::of(body);
        // `{…}` becomes `{…,"hash":"…"}`.
        out.pop();
        out.extend_from_slice(b",\"hash\":\"");
        out.extend_from_slice(&hash.to_hex());
        out.extend_from_slice(b"\"}\n");
        self.head = hash;
        self.written = seq + 1;
        Ok(())
    }
}

/// What a verified log holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verified {
    /// Entries.
    pub entries: u64,
    /// The last entry's hash.
    pub head: Hash,
    /// The Merkle root over the entries.
    pub root: Hash,
}

/// The lines of a log: `(line number from 1, bytes)`, without the final newline.
fn lines(log: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let body = log.strip_suffix(b"\n").unwrap_or(log);
    let empty = body.is_empty();
    body.split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, line)| (i + 1, line))
        .filter(move |_| !empty)
}

/// Parses and checks one line against the chain so far.
fn check_line(line_no: usize, bytes: &[u8], seq: u64, prev: Hash) -> Result<(Entry, Vec<u8>)> {
    let bad = |reason: String| Error::BadEntry {
        line: line_no,
        reason,
    };
    // JSON would forgive whitespace around the object; the log does not.
    if bytes.first() != Some(&b'{') || bytes.last() != Some(&b'}') {
        return Err(bad("not a log entry: a line is one JSON object".to_owned()));
    }
    let entry: Entry =
        serde_json::from_slice(bytes).map_err(|e| bad(format!("not a log entry: {e}")))?;
    if entry.seq != seq {
        return Err(bad(format!(
            "sequence number {}, expected {seq}",
            entry.seq
        )));
    }
    if entry.prev != prev {
        return Err(bad("does not chain to the previous entry".to_owned()));
    }
    let canonical = entry.canonical_bytes()?;
    if Hash::of(&canonical) != entry.hash {
        return Err(bad("the hash does not match the entry".to_owned()));
    }
    // Parsers forgive (`"2025- 1-06"` reads as a date, `"12.50"` as 12.5); the log
    // is written in one form only, so that no edit goes unnoticed.
    let written = canonical.strip_suffix(b"}").unwrap_or(&canonical);
    let tail = bytes.get(written.len()..).unwrap_or(&[]);
    let hex = entry.hash.to_hex();
    let expected_tail = [&b",\"hash\":\""[..], &hex, b"\"}"].concat();
    if bytes.get(..written.len()) != Some(written) || tail != expected_tail.as_slice() {
        return Err(bad(
            "not in canonical form (the log is written one way only)".to_owned(),
        ));
    }
    Ok((entry, canonical))
}

/// Walks a log, checking each line against the chain so far, and hands every
/// entry (with its line number and Merkle leaf) to `each`.
fn walk(log: &[u8], mut each: impl FnMut(usize, Entry, Hash) -> Result<()>) -> Result<Verified> {
    let mut head = Hash::GENESIS;
    let mut frontier = Frontier::default();
    let mut seq = 0u64;
    for (line_no, bytes) in lines(log) {
        let (entry, canonical) = check_line(line_no, bytes, seq, head)?;
        let leaf = leaf_hash(&canonical);
        frontier.push(leaf);
        head = entry.hash;
        each(line_no, entry, leaf)?;
        seq += 1;
    }
    Ok(Verified {
        entries: seq,
        head,
        root: frontier.root(),
    })
}

/// Checks a log's hash chain and returns its head and Merkle root.
///
/// # Errors
///
/// [`Error::BadEntry`] naming the first line (from 1) that does not parse, is out
/// of sequence, does not chain to the line before, or does not match its hash.
pub fn verify(log: &[u8]) -> Result<Verified> {
    walk(log, |_, _, _| Ok(()))
}

/// Every entry's Merkle leaf, after checking the chain as [`verify`] does.
///
/// # Errors
///
/// As [`verify`].
pub fn leaves(log: &[u8]) -> Result<Vec<Hash>> {
    let mut out = Vec::new();
    walk(log, |_, _, leaf| {
        out.push(leaf);
        Ok(())
    })?;
    Ok(out)
}

/// Verifies a log and replays it into the ledger it records, checking that every
/// command does again exactly what the log says it did.
///
/// # Errors
///
/// As [`verify`]; and [`Error::BadEntry`] for a line whose recorded outcome the
/// replay does not reproduce.
pub fn replay(log: &[u8]) -> Result<(Ledger, Verified)> {
    let mut ledger = Ledger::new();
    let verified = walk(log, |line, entry, _| {
        let diverged = |reason: String| Error::BadEntry { line, reason };
        let seq = entry.seq;
        let result = ledger.execute(entry.command, entry.at);
        if ledger.events().len() as u64 != seq + 1 {
            let reason = result.err().map_or_else(String::new, |e| e.to_string());
            return Err(diverged(format!(
                "the ledger would not record it: {reason}"
            )));
        }
        if outcome(&ledger, seq) != entry.outcome {
            return Err(diverged("replaying it does something else".to_owned()));
        }
        Ok(())
    })?;
    Ok((ledger, verified))
}
