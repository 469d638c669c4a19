//! The store's errors.

use std::path::PathBuf;

/// Why the store could not do what was asked. The commands' own errors are not
/// here: they are part of [`Applied`](crate::Applied).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Another process holds the write lock and did not finish in time.
    #[error(
        "`{path}` is being written by another process; try again, or open it with a longer wait"
    )]
    Busy {
        /// The database file.
        path: PathBuf,
    },
    /// No store at the path, and the options said not to create one.
    #[error("there is no store at `{path}`")]
    Missing {
        /// The path given.
        path: PathBuf,
    },
    /// SQLite reported an error.
    #[error("database `{path}`: {detail}")]
    Database {
        /// The database file.
        path: PathBuf,
        /// SQLite's message.
        detail: String,
    },
    /// SQLite's integrity check failed: the file is damaged.
    #[error("database `{path}` is damaged (SQLite's integrity check: {detail})")]
    Damaged {
        /// The database file.
        path: PathBuf,
        /// The check's first complaint.
        detail: String,
    },
    /// The journal in the store or log file does not verify: a gap in the
    /// sequence, a broken chain, an entry whose replay does something else.
    #[error("`{path}`: journal entry {seq} does not verify: {reason}")]
    Journal {
        /// The store or log file.
        path: PathBuf,
        /// The entry.
        seq: u64,
        /// Why.
        reason: String,
    },
    /// A stored petition does not replay: an event the lifecycle refuses
    /// (with this calendar and policy), a gap in its events, a row that is not
    /// an intake or an event.
    #[error("database `{path}`: petition `{id}`{} does not replay: {reason}", event.map(|n| format!(" (event {n})")).unwrap_or_default())]
    Petition {
        /// The database file.
        path: PathBuf,
        /// The petition.
        id: String,
        /// Its event, if the intake itself is not at fault.
        event: Option<u64>,
        /// Why.
        reason: String,
    },
    /// A log file could not be read, written, synced or locked.
    #[error("`{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The system's error.
        source: std::io::Error,
    },
    /// The exported log could not be written.
    #[error("cannot write the log of `{path}`: {source}")]
    Export {
        /// The database file.
        path: PathBuf,
        /// The writer's error.
        source: std::io::Error,
    },
    /// A log to import does not verify, or the store is not empty.
    #[error("cannot import into `{path}`: {reason}")]
    Import {
        /// The database file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The database was written by a newer version of this crate.
    #[error("database `{path}` has format {found}; this version reads format {expected}")]
    Format {
        /// The database file.
        path: PathBuf,
        /// The format found.
        found: String,
        /// The format this version writes.
        expected: u32,
    },
}

/// The result type of this crate.
pub type Result<T> = core::result::Result<T, Error>;
