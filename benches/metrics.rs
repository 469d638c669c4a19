//! Governance-metrics benchmarks: inequality over a million amounts.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use guided_community::metrics::{gini, inequality, theil};
use rust_decimal::Decimal;

/// A million amounts in fen (up to ¥10 000), from a fixed seed.
fn amounts(n: usize) -> Vec<Decimal> {
    let mut state: u64 = 2026;
    (0..n)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            Decimal::new(i64::try_from(z % 1_000_000).unwrap_or(0), 2)
        })
        .collect()
}

fn metrics(c: &mut Criterion) {
    let values = amounts(1_000_000);
    let mut group = c.benchmark_group("metrics");
    group.sample_size(10);
    group.bench_with_input(
        BenchmarkId::new("gini-theil", 1_000_000),
        &values,
        |b, v| {
            b.iter(|| (gini(black_box(v)), theil(black_box(v))));
        },
    );
    group.bench_with_input(BenchmarkId::new("all", 1_000_000), &values, |b, v| {
        b.iter(|| inequality::<&str>(black_box(v), None));
    });
    group.finish();
}

/// A million participation records of 100,000 residents in 10 groups through
/// 5 channels (and 10,000 records, a community's quarter).
fn participation(c: &mut Criterion) {
    use guided_community::metrics::{Attendance, ParticipationOptions, Person, participation};
    let people: Vec<Person> = (0..100_000)
        .map(|i| Person::new(format!("r{i:06}")).with("group", format!("g{}", i % 10)))
        .collect();
    let on = chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap_or_default();
    let channels = [
        "council",
        "vote",
        "online-evening",
        "building-corner",
        "app-petition",
    ];
    let mut group = c.benchmark_group("participation");
    group.sample_size(10);
    for records in [1_000_000usize, 10_000] {
        let list: Vec<Attendance> = (0..records)
            .map(|k| Attendance {
                resident: format!("r{:06}", (k * 7_919) % 100_000),
                channel: channels.get(k % 5).copied().unwrap_or("vote").to_owned(),
                on,
            })
            .collect();
        let options = ParticipationOptions::by("group");
        group.bench_function(BenchmarkId::from_parameter(records), |b| {
            b.iter(|| participation(black_box(&people), black_box(&list), &options));
        });
    }
    group.finish();
}

criterion_group!(benches, metrics, participation);
criterion_main!(benches);
