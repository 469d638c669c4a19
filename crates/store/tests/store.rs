//! The SQLite journal against the in-memory ledger: same receipts, exact
//! export and import, the settings it promises, other writers, damage found.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::time::Duration;

use guided_community_points::log::{Chain, verify};
use guided_community_points::{Error as PointsError, Ledger, sample};
use guided_community_store::{Applied, Error, Journal, LogFile, Options, SqliteJournal};
use proptest::prelude::*;

mod common;

use common::{Scratch, scratch as scratch_in};

/// A fresh directory for one test's database.
fn scratch(name: &str) -> Scratch {
    scratch_in("store", name, "bank.db")
}

fn outcome_of(applied: &Applied) -> String {
    match applied {
        Applied::Recorded { seq, outcome } => format!("recorded {seq} {outcome:?}"),
        Applied::Duplicate { seq, outcome } => format!("duplicate {seq} {outcome:?}"),
        Applied::Refused(error) => format!("refused {:?}", Err::<(), _>(error)),
        other => panic!("{other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any sequence of commands — the sample's, with retries of earlier ones
    /// mixed in, in batches of any size — gets the receipts the in-memory
    /// ledger gives, and a reopened store holds the same journal.
    #[test]
    fn the_store_answers_as_the_ledger_does(
        events in 1usize..120,
        seed in 0u64..1000,
        retries in proptest::collection::vec((0usize..120, 0u8..3), 0..20),
        batch in 1usize..9,
    ) {
        let journal = sample::ledger(events, seed);
        let mut commands: Vec<_> = journal.events().iter().map(|e| (e.at, e.command.clone())).collect();
        for (i, kind) in retries {
            let i = i % commands.len();
            let (_, mut command) = commands[i].clone();
            match kind {
                // A new id: a new command, recorded.
                1 => command.id.push('!'),
                // A used id with another command's action: refused.
                2 => command.action = commands[(i + 1) % commands.len()].1.action.clone(),
                // The same command again: a duplicate.
                _ => {}
            }
            let at = commands.last().unwrap().0;
            commands.push((at, command));
        }
        let mut memory = Ledger::new();
        let expected: Vec<String> = commands
            .iter()
            .map(|(at, c)| {
                let before = memory.events().len() as u64;
                let result = memory.execute(c.clone(), *at);
                // What the store's answer must be, by its documentation.
                if memory.events().len() as u64 > before {
                    format!("recorded {before} {result:?}")
                } else if matches!(
                    result,
                    Err(PointsError::EmptyId
                        | PointsError::IdReused { .. }
                        | PointsError::TimeBeforeLast { .. })
                ) {
                    format!("refused {result:?}")
                } else {
                    let seq = memory.seq_of(&c.id).unwrap();
                    format!("duplicate {seq} {result:?}")
                }
            })
            .collect();
        let path = scratch("prop");
        let mut got = Vec::new();
        {
            let mut store = SqliteJournal::open(&path, &Options::default()).unwrap();
            for chunk in commands.chunks(batch) {
                got.extend(store.apply_batch(chunk.to_vec()).unwrap().iter().map(outcome_of));
            }
        }
        prop_assert_eq!(&got, &expected);
        let store = SqliteJournal::open(&path, &Options::default()).unwrap();
        let mut log = Vec::new();
        let head = Chain::new().write(&memory, &mut log).unwrap();
        prop_assert_eq!(store.verified().head, head);
        prop_assert!(store.ledger().balances().eq(memory.balances()));
        let mut exported = Vec::new();
        store.export(&mut exported).unwrap();
        prop_assert_eq!(&exported, &log);

        // The log file journal answers the same, and its file is the log.
        let file = path.with_extension("jsonl");
        let mut got = Vec::new();
        {
            let mut journal = LogFile::open(&file, &Options::default()).unwrap();
            for chunk in commands.chunks(batch) {
                got.extend(journal.apply_batch(chunk.to_vec()).unwrap().iter().map(outcome_of));
            }
        }
        prop_assert_eq!(&got, &expected);
        prop_assert_eq!(std::fs::read(&file).unwrap(), log);
        let journal = LogFile::open(&file, &Options::default()).unwrap();
        prop_assert_eq!(journal.verified().head, head);
        prop_assert!(journal.ledger().balances().eq(memory.balances()));
        prop_assert_eq!(journal.lines_since(0).unwrap().concat(), exported);
    }
}

#[test]
fn a_log_file_cut_mid_write_is_repaired_on_open_without_losing_whole_entries() {
    let ledger = sample::ledger(200, 4);
    let mut log = Vec::new();
    Chain::new().write(&ledger, &mut log).unwrap();
    let dir = scratch("logfile");
    let path = dir.with_extension("jsonl");
    std::fs::write(&path, &log[..log.len() - 30]).unwrap();
    let journal = LogFile::open(&path, &Options::default()).unwrap();
    let repaired = journal.repaired().unwrap().clone();
    assert_eq!(repaired.line, 200);
    assert_eq!(journal.verified().entries, 199);
    assert_eq!(
        std::fs::read(&repaired.backup).unwrap(),
        &log[..log.len() - 30]
    );
    let whole: usize = log
        .split_inclusive(|&b| b == b'\n')
        .take(199)
        .map(<[u8]>::len)
        .sum();
    assert_eq!(std::fs::read(&path).unwrap(), &log[..whole]);
    // Another process cannot write it meanwhile.
    let busy = LogFile::open(&path, &Options::default().with_wait(Duration::ZERO)).unwrap_err();
    assert!(matches!(busy, Error::Busy { .. }), "{busy}");
    drop(journal);
    // A second crash keeps its own backup.
    let mut again = std::fs::read(&path).unwrap();
    again.extend_from_slice(b"{\"seq\":199,");
    std::fs::write(&path, &again).unwrap();
    let journal = LogFile::open(&path, &Options::default()).unwrap();
    assert_ne!(journal.repaired().unwrap().backup, repaired.backup);
    assert!(repaired.backup.exists());
    // A line that is not an entry is not cut: it is reported.
    drop(journal);
    let mut bad = std::fs::read(&path).unwrap();
    bad.extend_from_slice(b"hello\n");
    std::fs::write(&path, &bad).unwrap();
    let err = LogFile::open(&path, &Options::default()).unwrap_err();
    assert!(matches!(err, Error::Journal { seq: 199, .. }), "{err}");
    let missing = LogFile::open(
        path.with_extension("typo"),
        &Options::default().with_create(false),
    );
    assert!(matches!(missing, Err(Error::Missing { .. })));
}

#[test]
fn export_and_import_round_trip_byte_for_byte() {
    let ledger = sample::ledger(500, 3);
    let mut log = Vec::new();
    Chain::new().write(&ledger, &mut log).unwrap();
    let path = scratch("import");
    let store = SqliteJournal::import(&path, &log, &Options::default()).unwrap();
    assert_eq!(store.verified(), verify(&log).unwrap());
    drop(store);
    let store = SqliteJournal::open(&path, &Options::default()).unwrap();
    let mut out = Vec::new();
    assert_eq!(store.export(&mut out).unwrap(), 500);
    assert_eq!(out, log);
    assert_eq!(store.lines_since(498).unwrap().concat(), {
        let lines: Vec<&[u8]> = log.split_inclusive(|&b| b == b'\n').collect();
        lines[498..].concat()
    });
    // Into a store that has entries, or from a torn log: refused.
    let err = SqliteJournal::import(&path, &log, &Options::default()).unwrap_err();
    assert!(
        err.to_string().ends_with("the store already has entries"),
        "{err}"
    );
    let torn = &log[..log.len() - 5];
    let err = SqliteJournal::import(scratch("torn"), torn, &Options::default()).unwrap_err();
    assert!(
        err.to_string()
            .contains("incomplete last entry at line 500"),
        "{err}"
    );
}

#[test]
fn commits_are_full_and_logged_ahead() {
    let path = scratch("settings");
    let store = SqliteJournal::open(&path, &Options::default()).unwrap();
    assert_eq!(store.synchronous().unwrap(), 2, "synchronous=FULL");
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_second_writer_waits_or_is_told_the_store_is_busy() {
    let path = scratch("busy");
    let ledger = sample::ledger(20, 1);
    let events = ledger.events();
    let mut first = SqliteJournal::open(&path, &Options::default()).unwrap();
    first
        .apply(events[0].at, events[0].command.clone())
        .unwrap();
    // Another process holds the write lock.
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut second =
        SqliteJournal::open(&path, &Options::default().with_wait(Duration::ZERO)).unwrap();
    let err = second
        .apply(events[1].at, events[1].command.clone())
        .unwrap_err();
    assert!(matches!(err, Error::Busy { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("is being written by another process")
    );
    holder.execute_batch("COMMIT").unwrap();
    // Each writer catches up with the other's entries before writing its own.
    second
        .apply(events[1].at, events[1].command.clone())
        .unwrap();
    first
        .apply(events[2].at, events[2].command.clone())
        .unwrap();
    let applied = second
        .apply(events[2].at, events[2].command.clone())
        .unwrap();
    assert!(
        matches!(applied, Applied::Duplicate { seq: 2, .. }),
        "{applied:?}"
    );
    assert_eq!(first.verified(), second.verified());
    assert_eq!(second.verified().entries, 3);
}

#[test]
fn a_damaged_journal_is_found_on_open() {
    let path = scratch("damage");
    let ledger = sample::ledger(30, 2);
    let mut log = Vec::new();
    Chain::new().write(&ledger, &mut log).unwrap();
    drop(SqliteJournal::import(&path, &log, &Options::default()).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    // An entry's recorded outcome edited in place.
    conn.execute(
        "UPDATE journal SET line = CAST(replace(line, CAST('\"seq\":12' AS BLOB), CAST('\"seq\":13' AS BLOB)) AS BLOB) WHERE seq = 12",
        [],
    )
    .unwrap();
    let err = SqliteJournal::open(&path, &Options::default()).unwrap_err();
    assert!(matches!(err, Error::Journal { seq: 12, .. }), "{err}");
    // An entry deleted.
    conn.execute("DELETE FROM journal WHERE seq >= 12", [])
        .unwrap();
    conn.execute(
        "INSERT INTO journal (seq, id, line) SELECT 14, 'x', line FROM journal WHERE seq = 11",
        [],
    )
    .unwrap();
    let err = SqliteJournal::open(&path, &Options::default()).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("entry 12 does not verify: the next entry found is 14: entries are missing"),
        "{err}"
    );
    // Not a database at all.
    let junk = scratch("junk");
    std::fs::write(&junk, b"this is not sqlite, just a careless path").unwrap();
    let err = SqliteJournal::open(&junk, &Options::default()).unwrap_err();
    assert!(matches!(err, Error::Database { .. }), "{err:?}");
}

#[test]
fn a_reader_is_told_there_is_no_store_and_nothing_is_created() {
    let path = scratch("missing");
    let err = SqliteJournal::open(&path, &Options::default().with_create(false)).unwrap_err();
    assert!(matches!(err, Error::Missing { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with("there is no store at `"),
        "{err}"
    );
    assert!(!path.exists());
    // A writer creates it; then a reader opens it.
    drop(SqliteJournal::open(&path, &Options::default()).unwrap());
    let store = SqliteJournal::open(&path, &Options::default().with_create(false)).unwrap();
    assert_eq!(store.verified().entries, 0);
}
