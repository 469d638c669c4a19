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
use crate::{Command, Error, Event, Ledger, Receipt, Result};

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

    /// A chain that continues a log already written: `verified` is what
    /// [`verify`] or [`Replay`] found in it. The next entry written is number
    /// `verified.entries` and chains to `verified.head`.
    pub fn after(verified: &Verified) -> Self {
        Self {
            head: verified.head,
            written: verified.entries,
        }
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
            let _leaf = self.append(seq, event, &outcome(ledger, seq), out)?;
        }
        Ok(self.head)
    }

    fn append(
        &mut self,
        seq: u64,
        event: &Event,
        outcome: &Outcome,
        out: &mut Vec<u8>,
    ) -> Result<Hash> {
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
        let leaf = leaf_hash(body);
        // `{…}` becomes `{…,"hash":"…"}`.
        out.pop();
        out.extend_from_slice(b",\"hash\":\"");
        out.extend_from_slice(&hash.to_hex());
        out.extend_from_slice(b"\"}\n");
        self.head = hash;
        self.written = seq + 1;
        Ok(leaf)
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

/// A log's complete entries, and the line number of an incomplete last entry
/// if there is one.
///
/// The log writes every entry with its newline in one piece, so a last line
/// that starts an entry (`{`) but has no newline is an entry whose write was cut — by a crash, a full disk,
/// a killed process — and that nobody was told had been recorded. The complete
/// prefix is everything up to and including the last newline.
///
/// ```
/// use guided_community_points::log::{Chain, complete, verify};
/// use guided_community_points::Error;
///
/// let mut log = Vec::new();
/// Chain::new().write(&guided_community_points::sample::ledger(3, 1), &mut log)?;
/// let whole = log.len();
/// log.extend_from_slice(br#"{"seq":3,"at":"2025-"#); // a crash mid-write
/// assert_eq!(verify(&log), Err(Error::TornTail { line: 4 }));
/// let (prefix, torn) = complete(&log);
/// assert_eq!((prefix.len(), torn), (whole, Some(4)));
/// assert_eq!(verify(prefix)?.entries, 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn complete(log: &[u8]) -> (&[u8], Option<usize>) {
    if log.is_empty() || log.ends_with(b"\n") {
        return (log, None);
    }
    let end = log.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let (prefix, tail) = log.split_at(end);
    // An entry's write starts with its `{`: a last line that does not is not a
    // cut entry but something else, which `verify` reports as a bad line.
    if !tail.starts_with(b"{") {
        return (log, None);
    }
    let line = prefix.split(|&b| b == b'\n').count();
    (prefix, Some(line))
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
    if let (_, Some(line)) = complete(log) {
        return Err(Error::TornTail { line });
    }
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
/// of sequence, does not chain to the line before, or does not match its hash;
/// [`Error::TornTail`] if the last line was cut mid-write (see [`complete`]).
pub fn verify(log: &[u8]) -> Result<Verified> {
    walk(log, |_, _, _| Ok(()))
}

/// What a published anchor pins: the log's size and head hash when a 公示
/// report printed them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    /// Entries in the log then.
    pub size: u64,
    /// The hash of its last entry then.
    pub head: Hash,
}

/// Checks a log as [`verify`] does, and that it still holds what `anchor`
/// pinned: at least `anchor.size` entries, the one at `anchor.size − 1` with
/// hash `anchor.head` (entries appended since are fine). A log truncated or
/// rewritten since the anchor was published fails, even though its own chain
/// verifies.
///
/// ```
/// use guided_community_points::log::{Anchor, Chain, verify, verify_anchor};
///
/// let mut log = Vec::new();
/// let mut chain = Chain::new();
/// chain.write(&guided_community_points::sample::ledger(5, 1), &mut log)?;
/// let published = Anchor { size: 5, head: chain.head() };
/// assert!(verify_anchor(&log, &published).is_ok());
///
/// // Cut back to three entries: its own chain still verifies, the anchor does not.
/// let cut: Vec<u8> = log.split_inclusive(|&b| b == b'\n').take(3).flatten().copied().collect();
/// assert_eq!(verify(&cut)?.entries, 3);
/// let err = verify_anchor(&cut, &published).unwrap_err();
/// assert_eq!(err.to_string(), "the log has 3 entries, fewer than the 5 published: it was truncated");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`verify`]; [`Error::AnchorMismatch`] saying whether the log was
/// truncated or rewritten.
pub fn verify_anchor(log: &[u8], anchor: &Anchor) -> Result<Verified> {
    let mut at_anchor = None;
    let verified = walk(log, |_, entry, _| {
        if entry.seq + 1 == anchor.size {
            at_anchor = Some(entry.hash);
        }
        Ok(())
    })?;
    let mismatch = |reason: String| Error::AnchorMismatch {
        size: anchor.size,
        reason,
    };
    if anchor.size == 0 {
        return if anchor.head == Hash::GENESIS {
            Ok(verified)
        } else {
            Err(mismatch(
                "an anchor of size 0 has the genesis head (64 zeros)".to_owned(),
            ))
        };
    }
    match at_anchor {
        None => Err(mismatch(format!(
            "the log has {} entries, fewer than the {} published: it was truncated",
            verified.entries, anchor.size
        ))),
        Some(head) if head != anchor.head => Err(mismatch(format!(
            "entry {} has hash {head}, not the published {}: the log was rewritten",
            anchor.size - 1,
            anchor.head
        ))),
        Some(_) => Ok(verified),
    }
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

/// A log replayed line by line, for a store that reads its entries one at a
/// time instead of holding the whole log: each line is checked against the
/// chain so far, applied to the ledger, and its outcome compared with the one
/// recorded, exactly as [`replay`] does.
#[derive(Debug, Default)]
pub struct Replay {
    ledger: Ledger,
    head: Hash,
    frontier: Frontier,
    entries: u64,
}

impl Replay {
    /// Nothing replayed yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks and applies the next line (without its newline).
    ///
    /// # Errors
    ///
    /// As [`replay`], for this line (its number is the entries so far plus one).
    /// After an error the replay must not be continued: the line's command may
    /// already be in the ledger, though not in [`Replay::verified`].
    pub fn line(&mut self, bytes: &[u8]) -> Result<()> {
        let line = usize::try_from(self.entries + 1).unwrap_or(usize::MAX);
        let (entry, canonical) = check_line(line, bytes, self.entries, self.head)?;
        let hash = entry.hash;
        apply_entry(&mut self.ledger, line, entry)?;
        self.frontier.push(leaf_hash(&canonical));
        self.head = hash;
        self.entries += 1;
        Ok(())
    }

    /// How many entries the log holds so far (what [`Replay::verified`] says,
    /// without computing the Merkle root).
    pub fn len(&self) -> u64 {
        self.entries
    }

    /// Whether no entry has been replayed or recorded yet.
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// Executes `command` at `now` on the replayed ledger, as
    /// [`Ledger::execute`] does, and when the ledger records it (accepted, or
    /// rejected for a business reason) returns its log line too (with its
    /// newline), chained to the log so far: the log grows by exactly what the
    /// ledger recorded. A repeated id or a refused command writes no line.
    pub fn execute(
        &mut self,
        command: Command,
        now: NaiveDateTime,
    ) -> (Result<Receipt>, Option<Vec<u8>>) {
        let before = self.ledger.events().len();
        let result = self.ledger.execute(command, now);
        if self.ledger.events().len() == before {
            return (result, None);
        }
        match entry_line(&self.ledger, self.entries, self.head) {
            Ok((bytes, hash, leaf)) => {
                self.frontier.push(leaf);
                self.head = hash;
                self.entries += 1;
                (result, Some(bytes))
            }
            Err(e) => (Err(e), None),
        }
    }

    /// What has been checked so far.
    pub fn verified(&self) -> Verified {
        Verified {
            entries: self.entries,
            head: self.head,
            root: self.frontier.root(),
        }
    }

    /// The ledger so far.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The ledger and what was checked.
    pub fn finish(self) -> (Ledger, Verified) {
        let verified = self.verified();
        (self.ledger, verified)
    }
}

/// Applies one logged entry to `ledger`, checking it does what the log says.
fn apply_entry(ledger: &mut Ledger, line: usize, entry: Entry) -> Result<()> {
    let diverged = |reason: String| Error::BadEntry { line, reason };
    let seq = entry.seq;
    let result = ledger.execute(entry.command, entry.at);
    if ledger.events().len() as u64 != seq + 1 {
        let reason = result.err().map_or_else(String::new, |e| e.to_string());
        return Err(diverged(format!(
            "the ledger would not record it: {reason}"
        )));
    }
    if outcome(ledger, seq) != entry.outcome {
        return Err(diverged("replaying it does something else".to_owned()));
    }
    Ok(())
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
    let verified = walk(log, |line, entry, _| apply_entry(&mut ledger, line, entry))?;
    Ok((ledger, verified))
}

/// The log line of journal entry `seq` of `ledger` (with its newline), chained
/// to `prev`: what [`Chain::write`] would write for it. For a store that keeps
/// one entry per row.
///
/// # Errors
///
/// [`Error::UnknownSequence`] if the ledger has no entry `seq`.
pub fn line(ledger: &Ledger, seq: u64, prev: Hash) -> Result<(Vec<u8>, Hash)> {
    entry_line(ledger, seq, prev).map(|(bytes, hash, _)| (bytes, hash))
}

/// [`line`], with the entry's Merkle leaf.
fn entry_line(ledger: &Ledger, seq: u64, prev: Hash) -> Result<(Vec<u8>, Hash, Hash)> {
    let index = seq
        .checked_sub(ledger.events_base())
        .and_then(|i| usize::try_from(i).ok());
    let event = index
        .and_then(|i| ledger.events().get(i))
        .ok_or(Error::UnknownSequence { seq })?;
    let mut chain = Chain {
        head: prev,
        written: seq,
    };
    let mut out = Vec::with_capacity(512);
    let leaf = chain.append(seq, event, &outcome(ledger, seq), &mut out)?;
    Ok((out, chain.head, leaf))
}
