//! The durable store: commits per second with `synchronous=FULL` (each one
//! waits for the disk), a batch of commands in one transaction, and opening
//! (integrity check, replay, verification) a store of 1,000,000 entries and the
//! same journal as a log file.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use guided_community::points::{AccountKind, Action, Amount, Command, Unit, sample};
use guided_community::store::{Journal, LogFile, Options, SqliteJournal};

fn at() -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2026, 3, 1)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .unwrap_or_default()
}

fn open(dir: &std::path::Path) -> Option<SqliteJournal> {
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::create_dir_all(dir);
    let mut store = SqliteJournal::open(dir.join("bank.db"), &Options::default()).ok()?;
    let accounts = [
        ("issuer", AccountKind::Issuer),
        ("wang", AccountKind::Resident),
    ];
    for (name, kind) in accounts {
        let action = Action::OpenAccount {
            account: name.into(),
            kind,
            unit: Unit::Points,
            credit_limit: Amount::default(),
            cap: None,
        };
        let _ = store.apply(at(), Command::new(name, action));
    }
    Some(store)
}

fn transfer(n: u64) -> (chrono::NaiveDateTime, Command) {
    let action = Action::Transfer {
        from: "issuer".into(),
        to: "wang".into(),
        amount: Amount::from_whole(1),
        memo: None,
    };
    (at(), Command::new(format!("t{n}"), action))
}

fn store(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("gc-bench-store-{}", std::process::id()));
    let mut group = c.benchmark_group("store");
    group.sample_size(10);
    let Some(mut single) = open(&dir.join("single")) else {
        return;
    };
    let mut n = 0u64;
    group.bench_function("commit/1", |b| {
        b.iter(|| {
            n += 1;
            let (at, command) = transfer(n);
            black_box(single.apply(at, command).ok())
        });
    });
    drop(single);
    group.bench_function("apply-batch/100000", |b| {
        b.iter_batched(
            || {
                let store = open(&dir.join("batch"));
                let batch: Vec<_> = (0..100_000).map(transfer).collect();
                (store, batch)
            },
            |(store, batch)| black_box(store.and_then(|mut s| s.apply_batch(batch).ok())),
            BatchSize::PerIteration,
        );
    });
    open_large(&mut group, &dir);
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Opening a large journal: the store (SQLite's integrity check, then every
/// entry replayed and verified) and the same journal as a log file. Under
/// `cargo bench -- --test` a journal of 10,000 entries stands in, so that the
/// check stays quick.
fn open_large(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    dir: &std::path::Path,
) {
    let entries: usize = if std::env::args().any(|a| a == "--test") {
        10_000
    } else {
        1_000_000
    };
    let mut log = Vec::new();
    for line in sample::log(entries, 1) {
        let Ok(line) = line else {
            return;
        };
        log.extend_from_slice(&line);
    }
    let db = dir.join("large.db");
    let file = dir.join("large.jsonl");
    let _ = std::fs::create_dir_all(dir);
    let _ = std::fs::remove_file(&db);
    if SqliteJournal::import(&db, &log, &Options::default()).is_err()
        || std::fs::write(&file, &log).is_err()
    {
        return;
    }
    drop(log);
    group.bench_function(format!("open/{entries}"), |b| {
        b.iter(|| {
            black_box(
                SqliteJournal::open(&db, &Options::default())
                    .ok()
                    .map(|s| s.verified()),
            )
        });
    });
    group.bench_function(format!("open-log/{entries}"), |b| {
        b.iter(|| {
            black_box(
                LogFile::open(&file, &Options::default())
                    .ok()
                    .map(|s| s.verified()),
            )
        });
    });
}

criterion_group!(benches, store);
criterion_main!(benches);
