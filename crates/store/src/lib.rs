#![doc = include_str!("../README.md")]

mod error;
mod logfile;
mod petitions;
mod sqlite;

use chrono::NaiveDateTime;
use guided_community_points::log::Verified;
use guided_community_points::{Command, Ledger, Receipt};

pub use error::{Error, Result};
pub use logfile::{LogFile, Repaired};
pub use petitions::{Filed, Lookup, Petitions, Refusal, SqlitePetitions};
pub use sqlite::SqliteJournal;

/// What became of one command sent to a [`Journal`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Applied {
    /// Recorded now, and committed: its receipt, or the business error it was
    /// recorded with (insufficient funds, …; its id is spent).
    Recorded {
        /// Its place in the journal.
        seq: u64,
        /// Its receipt, or the error it was recorded with.
        outcome: core::result::Result<Receipt, guided_community_points::Error>,
    },
    /// Its id was recorded before (a retry): the original outcome, nothing
    /// changed.
    Duplicate {
        /// Where the original is in the journal.
        seq: u64,
        /// The original receipt or error.
        outcome: core::result::Result<Receipt, guided_community_points::Error>,
    },
    /// Not recorded, and nothing changed: an empty id, a used id with a
    /// different command, a time before the journal's last.
    Refused(guided_community_points::Error),
}

impl Applied {
    /// The journal position of a recorded or duplicate command.
    pub fn seq(&self) -> Option<u64> {
        match self {
            Self::Recorded { seq, .. } | Self::Duplicate { seq, .. } => Some(*seq),
            Self::Refused(_) => None,
        }
    }
}

/// Executes `command` on `replay` and says what became of it, with the row to
/// store when it was recorded: `(seq, id, line)`. Every journal classifies
/// the same way.
pub(crate) fn execute(
    replay: &mut guided_community_points::log::Replay,
    at: NaiveDateTime,
    command: Command,
) -> (Applied, Option<(u64, String, Vec<u8>)>) {
    let seq = replay.len();
    let id = command.id.clone();
    let (outcome, line) = replay.execute(command, at);
    match (line, outcome) {
        (Some(line), outcome) => (Applied::Recorded { seq, outcome }, Some((seq, id, line))),
        (None, Ok(receipt)) => (
            Applied::Duplicate {
                seq: receipt.seq,
                outcome: Ok(receipt),
            },
            None,
        ),
        (None, Err(error)) => match replay.ledger().seq_of(&id) {
            Some(seq) if !matches!(error, guided_community_points::Error::IdReused { .. }) => (
                Applied::Duplicate {
                    seq,
                    outcome: Err(error),
                },
                None,
            ),
            _ => (Applied::Refused(error), None),
        },
    }
}

/// A durable journal of points-bank commands: what a service embeds instead of
/// inventing its own persistence. [`SqliteJournal`] is the embedded default;
/// [`LogFile`] keeps the JSON-lines log itself; a server database can implement
/// the same trait without changing callers.
pub trait Journal {
    /// Applies one command at `at`; returns only once what it recorded has
    /// committed.
    ///
    /// # Errors
    ///
    /// The store's own failures ([`Error::Busy`], [`Error::Database`], …);
    /// the command's own errors are in [`Applied`]. After an error nothing
    /// from this call is recorded.
    fn apply(&mut self, at: NaiveDateTime, command: Command) -> Result<Applied> {
        let mut applied = self.apply_batch(vec![(at, command)])?;
        Ok(applied
            .pop()
            .unwrap_or(Applied::Refused(guided_community_points::Error::EmptyId)))
    }

    /// Applies commands in order in one transaction (group commit): all are
    /// recorded or, on an error, none.
    ///
    /// # Errors
    ///
    /// As [`Journal::apply`].
    fn apply_batch(&mut self, commands: Vec<(NaiveDateTime, Command)>) -> Result<Vec<Applied>>;

    /// The journal's size, head hash and Merkle root as last verified or
    /// written.
    fn verified(&self) -> Verified;

    /// The journal's log lines (each with its newline) from entry `seq` on.
    ///
    /// # Errors
    ///
    /// The store's own failures.
    fn lines_since(&self, seq: u64) -> Result<Vec<Vec<u8>>>;

    /// The ledger the journal holds.
    fn ledger(&self) -> &Ledger;
}

/// How a store is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// How long a writer waits for another process's write to finish before
    /// [`Error::Busy`]; zero refuses at once.
    pub wait: core::time::Duration,
    /// Whether opening a path with no store creates one (a reader wants
    /// [`Error::Missing`] instead: a mistyped path is not an empty store).
    pub create: bool,
}

impl Default for Options {
    /// Wait up to five seconds for another writer; create a missing store.
    fn default() -> Self {
        Self {
            wait: core::time::Duration::from_secs(5),
            create: true,
        }
    }
}

impl Options {
    /// Waits up to `wait` for another writer (zero: refuse at once).
    #[must_use]
    pub fn with_wait(mut self, wait: core::time::Duration) -> Self {
        self.wait = wait;
        self
    }

    /// Whether to create a missing store (default) or fail with
    /// [`Error::Missing`].
    #[must_use]
    pub fn with_create(mut self, create: bool) -> Self {
        self.create = create;
        self
    }
}
