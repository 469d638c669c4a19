//! Points-bank benchmarks: a million commands applied to a ledger — point
//! transfers with money in the mix (income, expenses, distributions: one in
//! four) — with and without the hash-chained log, and a million-entry log
//! replayed.

use std::hint::black_box;

use chrono::NaiveDateTime;
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use guided_community::points::log::{Chain, replay};
use guided_community::points::{
    AccountKind, Action, Amount, Command, IncomeKind, Ledger, Part, Unit, sample,
};

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
    let money = |account: &str, kind| Action::OpenAccount {
        account: account.into(),
        kind,
        unit: Unit::Money,
        credit_limit: Amount::ZERO,
        cap: None,
    };
    accounts.push(money("donors", AccountKind::Donor));
    accounts.push(money("fund", AccountKind::Fund));
    accounts.push(money("pool-a", AccountKind::Fund));
    accounts.push(money("pool-b", AccountKind::Fund));
    accounts.push(money("repairs", AccountKind::Expense));
    for (i, action) in accounts.into_iter().enumerate() {
        let _ = ledger.execute(Command::new(format!("open-{i}"), action), now);
    }
    (ledger, now)
}

/// A million commands: of every eight, three point transfers from the
/// issuer to a resident (10 points) and three from that resident to the next
/// (1 point), then money — ¥100 in from donors, and ¥10 spent on repairs or
/// ¥20 distributed to two pools in turn: each always covered.
fn transfers() -> Vec<Command> {
    (0..TRANSFERS)
        .map(|k| {
            match k % 8 {
                3 => {
                    return Command::new(
                        format!("t{k:07}"),
                        Action::Receive {
                            from: "donors".into(),
                            fund: "fund".into(),
                            amount: Amount::from_whole(100),
                            income: IncomeKind::Donation,
                            memo: None,
                        },
                    );
                }
                7 if k % 16 == 7 => {
                    return Command::new(
                        format!("t{k:07}"),
                        Action::Spend {
                            fund: "fund".into(),
                            category: "repairs".into(),
                            amount: Amount::from_whole(10),
                            payee: "Anju Repairs".into(),
                            purpose: "stairwell lights".into(),
                            receipt: None,
                            decision: Some("2026-07".into()),
                        },
                    );
                }
                7 => {
                    return Command::new(
                        format!("t{k:07}"),
                        Action::Distribute {
                            from: "fund".into(),
                            amount: Amount::from_whole(20),
                            parts: vec![
                                Part {
                                    account: "pool-a".into(),
                                    amount: Amount::from_whole(12),
                                },
                                Part {
                                    account: "pool-b".into(),
                                    amount: Amount::from_whole(8),
                                },
                            ],
                            rule_hash: "ab".repeat(32),
                            decision: None,
                        },
                    );
                }
                _ => {}
            }
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

/// An income shared out by a published rule among 10,000 recipients (and
/// 100): weights 1–1,000, exact to the fen, with the rule's hash.
fn fund(c: &mut Criterion) {
    use guided_community::fund::{DistributionRule, distribute};
    use guided_community::pools::Fen;
    let mut group = c.benchmark_group("fund");
    group.sample_size(10);
    for recipients in [10_000usize, 100] {
        let shares = (0..recipients)
            .map(|i| {
                (
                    format!("building-{i:05}"),
                    rust_decimal::Decimal::from(1 + (i * 7_919) % 1_000),
                )
            })
            .collect();
        let rule = DistributionRule::Shares(shares);
        group.bench_function(BenchmarkId::new("distribute", recipients), |b| {
            b.iter(|| distribute(black_box(&rule), Fen::new(120_000_000)));
        });
    }
    group.finish();
}

criterion_group!(benches, ledger, fund);
criterion_main!(benches);
