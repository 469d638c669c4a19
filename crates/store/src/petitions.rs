//! Petitions in SQLite: each petition's intake and its lifecycle events, in
//! order. What a petition is now is always the pure lifecycle replayed over
//! those events, with the caller's calendar and SLA policy.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use guided_community_triage::{
    self as triage, Calendar, Colour, Command, Event, Intake, Petition, SlaPolicy, SlaReport,
    TrackingCode,
};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use crate::sqlite::{busy_or, connect, database};
use crate::{Error, Options, Result};

/// What became of a submission or an update.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Filed {
    /// Recorded and committed: the petition as it now is.
    Recorded(Petition),
    /// The same submission, or the same event as the petition's last, was
    /// recorded before (a retry): the petition as it is, nothing changed.
    Duplicate(Petition),
    /// Not recorded, and nothing changed.
    Refused(Refusal),
}

/// Why a submission or an update was not recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The lifecycle does not allow it (closing an acknowledged petition, a time
    /// before the last event, …).
    #[error(transparent)]
    Lifecycle(#[from] triage::Error),
    /// The id was submitted before with a different intake.
    #[error("petition `{id}` was submitted before with a different intake")]
    IdReused {
        /// The id.
        id: String,
    },
    /// Another petition has the tracking code.
    #[error("tracking code {code} belongs to another petition; issue a new one")]
    CodeInUse {
        /// The code.
        code: TrackingCode,
    },
    /// No petition has the id.
    #[error("there is no petition `{id}`")]
    Unknown {
        /// The id.
        id: String,
    },
    /// An empty id.
    #[error("a petition needs a non-empty id")]
    EmptyId,
}

/// What a resident may see of a petition through its tracking code: where it
/// is, its colour and its deadlines, and nothing of what anyone wrote (no
/// reasons, summaries, or the petition it was merged into).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Lookup {
    /// The code looked up.
    pub code: TrackingCode,
    /// The state's name: `submitted`, `acknowledged`, `in-progress`, `paused`,
    /// `resolved`, `closed`, `merged` or `referred`.
    pub state: String,
    /// Its colour.
    pub colour: Colour,
    /// When it was received.
    pub received: DateTime<Utc>,
    /// Its deadlines and where it stands against them.
    pub sla: SlaReport,
}

/// Durable petitions: what a service embeds to keep petitions between runs.
/// [`SqlitePetitions`] is the embedded default.
pub trait Petitions {
    /// Records a new petition; returns only once it has committed.
    ///
    /// # Errors
    ///
    /// The store's own failures; the petition's are in [`Filed::Refused`].
    fn submit(&mut self, intake: Intake) -> Result<Filed>;

    /// Applies `command` at `at` to the petition `id`; returns only once the
    /// event has committed.
    ///
    /// # Errors
    ///
    /// As [`Petitions::submit`].
    fn update(&mut self, id: &str, at: DateTime<Utc>, command: Command) -> Result<Filed>;

    /// The petition `id` as it now is, if there is one.
    ///
    /// # Errors
    ///
    /// The store's own failures.
    fn petition(&self, id: &str) -> Result<Option<Petition>>;

    /// What a resident holding `code` may see at `now`, if a petition has it.
    ///
    /// # Errors
    ///
    /// The store's own failures.
    fn lookup(&self, code: TrackingCode, now: DateTime<Utc>) -> Result<Option<Lookup>>;
}

/// Petitions in an SQLite file: the same file, settings and checks as
/// [`SqliteJournal`](crate::SqliteJournal) (one file can hold both).
///
/// ```
/// use chrono::{DateTime, Utc};
/// use guided_community_store::{Filed, Options, Petitions, SqlitePetitions};
/// use guided_community_triage::{Calendar, Colour, Command, Intake, SlaPolicy};
///
/// let dir = std::env::temp_dir().join(format!("petitions-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("community.db");
/// let mut store = SqlitePetitions::open(&path, &Options::default(), Calendar::mainland_china(), SlaPolicy::default())?;
/// let code = guided_community_triage::new_codes(7, 1)?.pop().ok_or("no code")?;
/// let at = |s: &str| s.parse::<DateTime<Utc>>();
/// let intake = Intake {
///     id: "p-1".into(),
///     code,
///     category: "water-leak".into(),
///     building: Some("3".into()),
///     colour: Colour::Yellow,
///     received: at("2025-09-26T12:00:00Z")?,
/// };
/// assert!(matches!(store.submit(intake.clone())?, Filed::Recorded(_)));
/// assert!(matches!(store.submit(intake)?, Filed::Duplicate(_)));
/// store.update("p-1", at("2025-09-28T02:00:00Z")?, Command::Acknowledge)?;
///
/// // Later, in another process: the resident's lookup by code.
/// let store = SqlitePetitions::open(&path, &Options::default(), Calendar::mainland_china(), SlaPolicy::default())?;
/// let seen = store.lookup(code, at("2025-09-29T02:00:00Z")?)?.ok_or("no petition")?;
/// assert_eq!(seen.state, "acknowledged");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SqlitePetitions {
    path: PathBuf,
    conn: Connection,
    calendar: Calendar,
    policy: SlaPolicy,
}

impl SqlitePetitions {
    /// Opens (or creates) the store at `path`, as
    /// [`SqliteJournal::open`](crate::SqliteJournal::open) does; petitions are
    /// replayed with `calendar` and `policy`.
    ///
    /// # Errors
    ///
    /// As [`SqliteJournal::open`](crate::SqliteJournal::open).
    pub fn open(
        path: impl AsRef<Path>,
        options: &Options,
        calendar: Calendar,
        policy: SlaPolicy,
    ) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let conn = connect(&path, options)?;
        Ok(Self {
            path,
            conn,
            calendar,
            policy,
        })
    }

    /// Every stored petition's id, in id order.
    ///
    /// # Errors
    ///
    /// The store's own failures.
    pub fn ids(&self) -> Result<Vec<String>> {
        let db = |e: rusqlite::Error| database(&self.path, &e);
        let mut statement = self
            .conn
            .prepare_cached("SELECT id FROM petition ORDER BY id")
            .map_err(db)?;
        let rows = statement
            .query_map([], |row| row.get::<_, String>(0))
            .map_err(db)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(db)
    }

    /// The petition `id` replayed from its stored intake and events.
    fn load(
        conn: &Connection,
        path: &Path,
        id: &str,
        calendar: &Calendar,
        policy: &SlaPolicy,
    ) -> Result<Option<Petition>> {
        let db = |e: rusqlite::Error| database(path, &e);
        let intake: Option<String> = conn
            .prepare_cached("SELECT intake FROM petition WHERE id = ?1")
            .map_err(db)?
            .query_row([id], |row| row.get(0))
            .optional()
            .map_err(db)?;
        let Some(intake) = intake else {
            return Ok(None);
        };
        let damaged = |n: Option<u64>, reason: String| Error::Petition {
            path: path.to_path_buf(),
            id: id.to_owned(),
            event: n,
            reason,
        };
        let intake: Intake =
            serde_json::from_str(&intake).map_err(|e| damaged(None, e.to_string()))?;
        let mut petition =
            triage::open(intake, calendar, policy).map_err(|e| damaged(None, e.to_string()))?;
        let mut statement = conn
            .prepare_cached("SELECT n, event FROM petition_event WHERE petition = ?1 ORDER BY n")
            .map_err(db)?;
        let mut rows = statement.query([id]).map_err(db)?;
        let mut expected = 0u64;
        while let Some(row) = rows.next().map_err(db)? {
            let n: i64 = row.get(0).map_err(db)?;
            let text: String = row.get(1).map_err(db)?;
            if u64::try_from(n).ok() != Some(expected) {
                return Err(damaged(
                    Some(expected),
                    format!("the next event found is {n}: events are missing"),
                ));
            }
            let event: Event = serde_json::from_str(&text)
                .map_err(|e| damaged(Some(n.unsigned_abs()), e.to_string()))?;
            petition = triage::apply(&petition, event.command, event.at, calendar, policy)
                .map_err(|e| damaged(Some(expected), e.to_string()))?;
            expected += 1;
        }
        Ok(Some(petition))
    }

    /// Runs `write` inside a write transaction and commits what it asks to.
    fn write(
        &mut self,
        write: impl FnOnce(&Connection, &Path, &Calendar, &SlaPolicy) -> Result<(Filed, bool)>,
    ) -> Result<Filed> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| busy_or(&path, &e))?;
        let (filed, commit) = write(&tx, &path, &self.calendar, &self.policy)?;
        if commit {
            tx.commit().map_err(|e| busy_or(&path, &e))?;
        }
        Ok(filed)
    }
}

impl Petitions for SqlitePetitions {
    fn submit(&mut self, intake: Intake) -> Result<Filed> {
        if intake.id.is_empty() {
            return Ok(Filed::Refused(Refusal::EmptyId));
        }
        self.write(|tx, path, calendar, policy| {
            let db = |e: rusqlite::Error| database(path, &e);
            if let Some(existing) = Self::load(tx, path, &intake.id, calendar, policy)? {
                let same = existing.code == intake.code
                    && existing.category == intake.category
                    && existing.building == intake.building
                    && existing.colour == intake.colour
                    && existing.received == intake.received;
                return Ok((
                    if same {
                        Filed::Duplicate(existing)
                    } else {
                        Filed::Refused(Refusal::IdReused { id: intake.id })
                    },
                    false,
                ));
            }
            let taken: Option<String> = tx
                .prepare_cached("SELECT id FROM petition WHERE code = ?1")
                .map_err(db)?
                .query_row([intake.code.to_string()], |row| row.get(0))
                .optional()
                .map_err(db)?;
            if taken.is_some() {
                return Ok((
                    Filed::Refused(Refusal::CodeInUse { code: intake.code }),
                    false,
                ));
            }
            let petition = match triage::open(intake.clone(), calendar, policy) {
                Ok(petition) => petition,
                Err(e) => return Ok((Filed::Refused(e.into()), false)),
            };
            let json = serde_json::to_string(&intake).map_err(|e| Error::Database {
                path: path.to_path_buf(),
                detail: e.to_string(),
            })?;
            tx.prepare_cached("INSERT INTO petition (id, code, intake) VALUES (?1, ?2, ?3)")
                .map_err(db)?
                .execute(params![intake.id, intake.code.to_string(), json])
                .map_err(db)?;
            Ok((Filed::Recorded(petition), true))
        })
    }

    fn update(&mut self, id: &str, at: DateTime<Utc>, command: Command) -> Result<Filed> {
        self.write(|tx, path, calendar, policy| {
            let db = |e: rusqlite::Error| database(path, &e);
            let Some(petition) = Self::load(tx, path, id, calendar, policy)? else {
                return Ok((
                    Filed::Refused(Refusal::Unknown { id: id.to_owned() }),
                    false,
                ));
            };
            let event = Event { at, command };
            if petition.history.last() == Some(&event) {
                return Ok((Filed::Duplicate(petition), false));
            }
            let next = match triage::apply(&petition, event.command.clone(), at, calendar, policy) {
                Ok(next) => next,
                Err(e) => return Ok((Filed::Refused(e.into()), false)),
            };
            let json = serde_json::to_string(&event).map_err(|e| Error::Database {
                path: path.to_path_buf(),
                detail: e.to_string(),
            })?;
            let n = i64::try_from(petition.history.len()).unwrap_or(i64::MAX);
            tx.prepare_cached(
                "INSERT INTO petition_event (petition, n, event) VALUES (?1, ?2, ?3)",
            )
            .map_err(db)?
            .execute(params![id, n, json])
            .map_err(db)?;
            Ok((Filed::Recorded(next), true))
        })
    }

    fn petition(&self, id: &str) -> Result<Option<Petition>> {
        Self::load(&self.conn, &self.path, id, &self.calendar, &self.policy)
    }

    fn lookup(&self, code: TrackingCode, now: DateTime<Utc>) -> Result<Option<Lookup>> {
        let db = |e: rusqlite::Error| database(&self.path, &e);
        let id: Option<String> = self
            .conn
            .prepare_cached("SELECT id FROM petition WHERE code = ?1")
            .map_err(db)?
            .query_row([code.to_string()], |row| row.get(0))
            .optional()
            .map_err(db)?;
        let Some(id) = id else {
            return Ok(None);
        };
        let Some(petition) = self.petition(&id)? else {
            return Ok(None);
        };
        let sla =
            triage::sla_status(&petition, now, &self.calendar, &self.policy).map_err(|e| {
                Error::Petition {
                    path: self.path.clone(),
                    id: id.clone(),
                    event: None,
                    reason: e.to_string(),
                }
            })?;
        Ok(Some(Lookup {
            code,
            state: petition.state.name().to_owned(),
            colour: petition.colour,
            received: petition.received,
            sla,
        }))
    }
}
