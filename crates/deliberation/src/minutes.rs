//! Minutes (会议纪要): an append-only record of attendance, motions, seconds, votes
//! and outcomes, each entry hashed together with the previous entry's hash, so that
//! a resident can check that nothing was changed afterwards.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Decision, Error, MotionKind, Result, Votes};

/// What an entry records.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "kebab-case")]
pub enum Record {
    /// A member arrived or left; `present` is the count afterwards.
    Attendance {
        /// The member.
        member: String,
        /// Arrived (or left).
        arrived: bool,
        /// Members present afterwards.
        present: u32,
    },
    /// A motion was moved.
    Motion {
        /// The motion's number in this meeting.
        motion: u32,
        /// Its kind.
        kind: MotionKind,
        /// Who moved it.
        mover: String,
        /// Its wording.
        text: String,
    },
    /// A motion was seconded.
    Second {
        /// The motion.
        motion: u32,
        /// Who seconded.
        by: String,
    },
    /// A vote was taken.
    Vote {
        /// The motion.
        motion: u32,
        /// The count.
        votes: Votes,
        /// The result and why.
        decision: Decision,
    },
    /// What a vote did (a main motion adopted with its final wording, an amendment
    /// applied, a motion referred, postponed or reopened).
    Outcome {
        /// The motion.
        motion: u32,
        /// What happened.
        text: String,
    },
    /// The meeting adjourned.
    Adjourned,
}

/// One entry of the minutes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    /// 0, 1, 2, …
    pub seq: u64,
    /// When.
    pub at: NaiveDateTime,
    /// What.
    #[serde(flatten)]
    pub record: Record,
    /// The previous entry's hash (64 hex digits; zeros for the first).
    pub prev: String,
    /// SHA-256 of `prev` and this entry's canonical bytes, in hex.
    pub hash: String,
}

/// The zero hash that precedes the first entry.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The canonical bytes of an entry's content: compact JSON of `{seq, at, record}`,
/// fields in a fixed order.
fn digest(prev: &str, seq: u64, at: NaiveDateTime, record: &Record) -> String {
    #[derive(Serialize)]
    struct Content<'a> {
        seq: u64,
        at: NaiveDateTime,
        #[serde(flatten)]
        record: &'a Record,
    }
    let bytes = serde_json::to_vec(&Content { seq, at, record }).unwrap_or_default();
    let mut hasher = Sha256::new();
    hasher.update(prev.as_bytes());
    hasher.update(&bytes);
    hasher
        .finalize()
        .iter()
        .fold(String::with_capacity(64), |mut hex, b| {
            use core::fmt::Write as _;
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

/// Append-only minutes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Minutes(Vec<Entry>);

impl Minutes {
    /// The minutes with one more entry, chained to the last.
    #[must_use]
    pub fn append(&self, at: NaiveDateTime, record: Record) -> Self {
        let prev = self
            .0
            .last()
            .map_or_else(|| GENESIS.to_owned(), |e| e.hash.clone());
        let seq = self.0.len() as u64;
        let hash = digest(&prev, seq, at, &record);
        let mut entries = self.0.clone();
        entries.push(Entry {
            seq,
            at,
            record,
            prev,
            hash,
        });
        Self(entries)
    }

    /// The entries, in order.
    pub fn entries(&self) -> &[Entry] {
        &self.0
    }

    /// The last entry's hash: publishing it commits to the whole record.
    pub fn head(&self) -> &str {
        self.0.last().map_or(GENESIS, |e| e.hash.as_str())
    }
}

/// Checks a chain of entries (as published, e.g. read back from JSON).
///
/// ```
/// use chrono::NaiveDateTime;
/// use guided_community_deliberation::{verify_minutes, Minutes, Record};
///
/// let at: NaiveDateTime = "2025-09-12T19:00:00".parse()?;
/// let minutes = Minutes::default()
///     .append(at, Record::Attendance { member: "m1".into(), arrived: true, present: 1 })
///     .append(at, Record::Adjourned);
/// assert!(verify_minutes(minutes.entries()).is_ok());
///
/// let mut forged = minutes.entries().to_vec();
/// forged[0].record = Record::Attendance { member: "m2".into(), arrived: true, present: 1 };
/// assert_eq!(verify_minutes(&forged).unwrap_err().to_string(), "minutes entry 0 does not match its hash");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::MinutesTampered`] naming the first entry whose sequence number, link to
/// the previous entry or hash does not check.
pub fn verify_minutes(entries: &[Entry]) -> Result<()> {
    let mut prev = GENESIS.to_owned();
    for (i, entry) in entries.iter().enumerate() {
        let seq = i as u64;
        if entry.seq != seq
            || entry.prev != prev
            || entry.hash != digest(&entry.prev, entry.seq, entry.at, &entry.record)
        {
            return Err(Error::MinutesTampered { seq });
        }
        prev.clone_from(&entry.hash);
    }
    Ok(())
}
