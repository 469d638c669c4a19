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

criterion_group!(benches, metrics);
criterion_main!(benches);
