//! Points-bank benchmarks: a million transfers applied to a ledger, with and
//! without the hash-chained log, and a million-entry log replayed.

use std::hint::black_box;

use chrono::NaiveDateTime;
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use guided_community::points::log::{Chain, replay};
use guided_community::points::{AccountKind, Action, Amount, Command, Ledger, Unit, sample};

const TRANSFERS: usize = 1_000_000;
const RESIDENTS: usize = 10_000;

/// A ledger with an issuer and 10,000 residents.
fn opened() -> (Ledger, NaiveDateTime) {
    let now: NaiveDateTime = "2025-09-01T08:00:00".parse().unwrap_or_default();
    let mut ledger = Ledger::new();
    let open = |account: String, kind| Action::OpenAccount {
        account,
        kind,
        unit: Unit::Points,
        credit_limit: Amount::ZERO,
        cap: None,
    };
    let mut accounts = vec![open("issuer".into(), AccountKind::Issuer)];
    accounts.extend((0..RESIDENTS).map(|r| open(format!("r{r:05}"), AccountKind::Resident)));
    for (i, action) in accounts.into_iter().enumerate() {
        let _ = ledger.execute(Command::new(format!("open-{i}"), action), now);
    }
    (ledger, now)
}

/// A million transfers, half from the issuer to a resident (10 points), half
/// from that resident to the next (1 point): each always covered.
fn transfers() -> Vec<Command> {
    (0..TRANSFERS)
        .map(|k| {
            let r = (k / 2) % RESIDENTS;
            let (from, to, amount) = if k % 2 == 0 {
                ("issuer".to_owned(), format!("r{r:05}"), 10)
            } else {
                (
                    format!("r{r:05}"),
                    format!("r{:05}", (r + 1) % RESIDENTS),
                    1,
                )
            };
            Command::new(
                format!("t{k:07}"),
                Action::Transfer {
                    from,
                    to,
                    amount: Amount::from_whole(amount),
                    memo: None,
                },
            )
        })
        .collect()
}

fn ledger(c: &mut Criterion) {
    let (base, now) = opened();
    let commands = transfers();
    let mut group = c.benchmark_group("ledger");
    group.sample_size(10);
    group.bench_function(BenchmarkId::new("apply", TRANSFERS), |b| {
        b.iter_batched(
            || (base.clone(), commands.clone()),
            |(mut ledger, commands)| {
                for command in commands {
                    let _ = black_box(ledger.execute(command, now));
                }
                ledger
            },
            BatchSize::PerIteration,
        );
    });
    group.bench_function(BenchmarkId::new("apply-hashed", TRANSFERS), |b| {
        b.iter_batched(
            || {
                (
                    base.clone(),
                    commands.clone(),
                    Chain::new(),
                    Vec::with_capacity(1 << 28),
                )
            },
            |(mut ledger, commands, mut chain, mut log)| {
                let _ = chain.write(&ledger, &mut log);
                for command in commands {
                    let _ = black_box(ledger.execute(command, now));
                    let _ = chain.write(&ledger, &mut log);
                }
                (ledger, log)
            },
            BatchSize::PerIteration,
        );
    });
    let log = {
        let ledger = sample::ledger(TRANSFERS, 2026);
        let mut log = Vec::new();
        let _ = Chain::new().write(&ledger, &mut log);
        log
    };
    group.bench_with_input(BenchmarkId::new("replay", TRANSFERS), &log, |b, log| {
        b.iter(|| replay(black_box(log)));
    });
    group.finish();
}

criterion_group!(benches, ledger);
criterion_main!(benches);
