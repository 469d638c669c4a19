//! The journal in SQLite: one row per entry, holding the entry's log line.

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use guided_community_points::log::{Replay, Verified, complete};
use guided_community_points::{Command, Ledger};
use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};

use crate::{Applied, Error, Journal, Options, Result};

/// The database format this version writes and reads.
const FORMAT: u32 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS journal (
    seq  INTEGER PRIMARY KEY CHECK (seq >= 0),
    id   TEXT NOT NULL UNIQUE,
    line BLOB NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS petition (
    id     TEXT PRIMARY KEY,
    code   TEXT NOT NULL UNIQUE,
    intake TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS petition_event (
    petition TEXT NOT NULL REFERENCES petition (id),
    n        INTEGER NOT NULL CHECK (n >= 0),
    event    TEXT NOT NULL,
    PRIMARY KEY (petition, n)
) STRICT;
";

/// The points bank's journal in an SQLite file (WAL, `synchronous=FULL`).
///
/// Each row is one entry's log line, exactly as the JSON-lines log holds it, so
/// what is exported is what was hashed. The replayed ledger is kept in memory.
#[derive(Debug)]
pub struct SqliteJournal {
    path: PathBuf,
    conn: Connection,
    replay: Replay,
}

impl SqliteJournal {
    /// Opens (or creates) the store at `path`: SQLite's integrity check, then
    /// every entry replayed and verified.
    ///
    /// # Errors
    ///
    /// [`Error::Missing`] if there is no file and `options` say not to create
    /// one, [`Error::Database`] if the file cannot be opened as SQLite,
    /// [`Error::Damaged`], [`Error::Format`], [`Error::Journal`] naming the
    /// first entry that does not verify, [`Error::Busy`].
    pub fn open(path: impl AsRef<Path>, options: &Options) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let conn = connect(&path, options)?;
        let mut store = Self {
            path,
            conn,
            replay: Replay::new(),
        };
        store.catch_up()?;
        Ok(store)
    }

    /// The `synchronous` setting in force: 2 is `FULL` (a commit is on disk
    /// before it returns).
    ///
    /// # Errors
    ///
    /// [`Error::Database`].
    pub fn synchronous(&self) -> Result<i64> {
        self.conn
            .query_row("PRAGMA synchronous", [], |row| row.get(0))
            .map_err(|e| database(&self.path, &e))
    }

    /// Writes the journal as the JSON-lines log, byte for byte what
    /// [`guided_community_points::log::verify`] checks; returns the entries written.
    ///
    /// # Errors
    ///
    /// [`Error::Database`]; [`Error::Export`] with the writer's error.
    pub fn export(&self, out: &mut dyn std::io::Write) -> Result<u64> {
        let db = |e: rusqlite::Error| database(&self.path, &e);
        let mut statement = self
            .conn
            .prepare("SELECT line FROM journal ORDER BY seq")
            .map_err(db)?;
        let mut rows = statement.query([]).map_err(db)?;
        let mut written = 0;
        while let Some(row) = rows.next().map_err(db)? {
            let line: Vec<u8> = row.get(0).map_err(db)?;
            out.write_all(&line).map_err(|source| Error::Export {
                path: self.path.clone(),
                source,
            })?;
            written += 1;
        }
        Ok(written)
    }

    /// Creates a store at `path` holding the JSON-lines `log`, verified and
    /// replayed first; the store must be new or empty.
    ///
    /// # Errors
    ///
    /// [`Error::Import`] if the log does not verify (a torn last entry
    /// included: repair it first) or the store already has entries; as
    /// [`SqliteJournal::open`].
    pub fn import(path: impl AsRef<Path>, log: &[u8], options: &Options) -> Result<Self> {
        let mut store = Self::open(path, options)?;
        let refuse = |path: &Path, reason: String| Error::Import {
            path: path.to_path_buf(),
            reason,
        };
        if !store.replay.is_empty() {
            return Err(refuse(&store.path, "the store already has entries".into()));
        }
        if let (_, Some(line)) = complete(log) {
            return Err(refuse(
                &store.path,
                guided_community_points::Error::TornTail { line }.to_string(),
            ));
        }
        let mut replay = Replay::new();
        let mut rows = Vec::new();
        for (seq, line) in (0u64..).zip(log.split_inclusive(|&b| b == b'\n')) {
            replay
                .line(line.strip_suffix(b"\n").unwrap_or(line))
                .map_err(|e| refuse(&store.path, e.to_string()))?;
            let id = replay
                .ledger()
                .events()
                .last()
                .map(|e| e.command.id.clone())
                .unwrap_or_default();
            rows.push((seq, id, line.to_vec()));
        }
        let path = store.path.clone();
        let db = |e: rusqlite::Error| database(&path, &e);
        let tx = store
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| busy_or(&path, &e))?;
        insert(&tx, &rows).map_err(db)?;
        tx.commit().map_err(|e| busy_or(&path, &e))?;
        store.replay = replay;
        Ok(store)
    }

    /// Reads what other processes committed since this one last looked.
    fn catch_up(&mut self) -> Result<()> {
        let from = self.replay.len();
        let path = &self.path;
        let db = |e: rusqlite::Error| database(path, &e);
        let mut statement = self
            .conn
            .prepare_cached("SELECT seq, line FROM journal WHERE seq >= ?1 ORDER BY seq")
            .map_err(db)?;
        let mut rows = statement.query([sql(from)]).map_err(db)?;
        let mut expected = from;
        while let Some(row) = rows.next().map_err(db)? {
            let seq: i64 = row.get(0).map_err(db)?;
            let line: Vec<u8> = row.get(1).map_err(db)?;
            let bad = |reason: String| Error::Journal {
                path: path.clone(),
                seq: expected,
                reason,
            };
            if seq != sql(expected) {
                return Err(bad(format!(
                    "the next entry found is {seq}: entries are missing"
                )));
            }
            let Some(body) = line.strip_suffix(b"\n") else {
                return Err(bad("its line has no newline".to_owned()));
            };
            self.replay.line(body).map_err(|e| bad(e.to_string()))?;
            expected += 1;
        }
        Ok(())
    }

    /// Applies `commands` in one write transaction; `before_commit` sees what
    /// they did before the commit (the negative control of the crash test
    /// acknowledges there, which a real caller must never do).
    fn transact(
        &mut self,
        commands: Vec<(NaiveDateTime, Command)>,
        before_commit: &mut dyn FnMut(&[Applied]),
    ) -> Result<Vec<Applied>> {
        let path = self.path.clone();
        // The write lock first (waiting up to the busy timeout), then whatever
        // another process committed before it, then this batch.
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| busy_or(&path, &e))?;
        let result = self.record(commands, before_commit);
        match result {
            Ok(applied) => match self.conn.execute_batch("COMMIT") {
                Ok(()) => Ok(applied),
                Err(e) => {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    self.reload()?;
                    Err(busy_or(&path, &e))
                }
            },
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                self.reload()?;
                Err(e)
            }
        }
    }

    /// Inside the write transaction: catch up, execute, insert.
    fn record(
        &mut self,
        commands: Vec<(NaiveDateTime, Command)>,
        before_commit: &mut dyn FnMut(&[Applied]),
    ) -> Result<Vec<Applied>> {
        self.catch_up()?;
        let mut applied = Vec::with_capacity(commands.len());
        let mut rows = Vec::new();
        for (at, command) in commands {
            let (answer, row) = crate::execute(&mut self.replay, at, command);
            rows.extend(row);
            applied.push(answer);
        }
        insert(&self.conn, &rows).map_err(|e| database(&self.path, &e))?;
        before_commit(&applied);
        Ok(applied)
    }

    /// Rebuilds the in-memory ledger from what is committed, after a write that
    /// did not commit.
    fn reload(&mut self) -> Result<()> {
        self.replay = Replay::new();
        self.catch_up()
    }

    #[doc(hidden)]
    /// The crash test's negative control: hands each outcome to `ack` *before*
    /// the commit. Never use it to acknowledge anything real.
    ///
    /// # Errors
    ///
    /// As [`Journal::apply_batch`].
    pub fn apply_batch_acking_before_commit(
        &mut self,
        commands: Vec<(NaiveDateTime, Command)>,
        ack: &mut dyn FnMut(&[Applied]),
    ) -> Result<Vec<Applied>> {
        self.transact(commands, ack)
    }
}

impl Journal for SqliteJournal {
    fn apply_batch(&mut self, commands: Vec<(NaiveDateTime, Command)>) -> Result<Vec<Applied>> {
        self.transact(commands, &mut |_| {})
    }

    fn verified(&self) -> Verified {
        self.replay.verified()
    }

    fn lines_since(&self, seq: u64) -> Result<Vec<Vec<u8>>> {
        let db = |e: rusqlite::Error| database(&self.path, &e);
        let mut statement = self
            .conn
            .prepare_cached("SELECT line FROM journal WHERE seq >= ?1 ORDER BY seq")
            .map_err(db)?;
        let rows = statement
            .query_map([sql(seq)], |row| row.get::<_, Vec<u8>>(0))
            .map_err(db)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(db)
    }

    fn ledger(&self) -> &Ledger {
        self.replay.ledger()
    }
}

/// Opens the SQLite file at `path` as every store here does: write-ahead
/// logging, `synchronous=FULL`, the busy wait, SQLite's integrity check, the
/// schema (journal and petitions) and its format.
pub(crate) fn connect(path: &Path, options: &Options) -> Result<Connection> {
    let path = path.to_path_buf();
    if !options.create && !path.exists() {
        return Err(Error::Missing { path });
    }
    let db = |e: rusqlite::Error| database(&path, &e);
    let conn = Connection::open(&path).map_err(db)?;
    conn.busy_timeout(options.wait).map_err(db)?;
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
        .map_err(db)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Database {
            detail: format!("cannot use write-ahead logging (journal mode stays {mode})"),
            path,
        });
    }
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(db)?;
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .map_err(db)?;
    if check != "ok" {
        return Err(Error::Damaged {
            path,
            detail: check,
        });
    }
    conn.execute_batch(SCHEMA).map_err(db)?;
    let format: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'format'", [], |row| {
            row.get(0)
        })
        .optional()
        .map_err(db)?;
    match format {
        None => {
            conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('format', ?1)",
                [FORMAT.to_string()],
            )
            .map_err(db)?;
        }
        Some(found) if found == FORMAT.to_string() => {}
        Some(found) => {
            return Err(Error::Format {
                path,
                found,
                expected: FORMAT,
            });
        }
    }
    Ok(conn)
}

fn insert(conn: &Connection, rows: &[(u64, String, Vec<u8>)]) -> rusqlite::Result<()> {
    let mut statement =
        conn.prepare_cached("INSERT INTO journal (seq, id, line) VALUES (?1, ?2, ?3)")?;
    for (seq, id, line) in rows {
        statement.execute(params![sql(*seq), id, line])?;
    }
    Ok(())
}

/// A journal position as SQLite's integer (positions stay far below 2⁶³).
fn sql(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

pub(crate) fn database(path: &Path, e: &rusqlite::Error) -> Error {
    Error::Database {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

/// A busy database is [`Error::Busy`]; anything else [`Error::Database`].
pub(crate) fn busy_or(path: &Path, e: &rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::Busy {
            path: path.to_path_buf(),
        },
        _ => database(path, e),
    }
}
