//! Allocation benchmarks: the apportionment core at a million demands and more.
//!
//! Random weights in 1..10⁷ from a fixed seed, total 12 345 678 901 (fen: about
//! ¥123 million).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use guided_community::pools::{ApportionMethod, Demand, allocate, apportion};

const TOTAL: u64 = 12_345_678_901;

/// `SplitMix64`: a fixed, dependency-free stream of pseudo-random numbers.
fn random_weights(n: usize, seed: u64) -> Vec<u64> {
    let mut state = seed;
    (0..n)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            1 + z % 10_000_000
        })
        .collect()
}

/// Every other demand is capped at half its unconstrained share, so half the
/// demands are held at their cap and release their surplus to the others.
fn half_capped(weights: &[u64]) -> Vec<Demand> {
    let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    weights
        .iter()
        .enumerate()
        .map(|(i, &w)| {
            let demand = Demand::new(w);
            if i % 2 == 0 {
                let share = u128::from(TOTAL) * u128::from(w) / sum;
                demand.with_cap(u64::try_from(share / 2).unwrap_or(u64::MAX))
            } else {
                demand
            }
        })
        .collect()
}

fn apportionment(c: &mut Criterion) {
    let mut group = c.benchmark_group("apportion");
    group.sample_size(20);
    for (method, name, sizes) in [
        (
            ApportionMethod::Hamilton,
            "hamilton",
            &[1_000_000usize, 10_000_000][..],
        ),
        (
            ApportionMethod::SainteLague,
            "sainte-lague",
            &[1_000_000][..],
        ),
        (ApportionMethod::DHondt, "dhondt", &[1_000_000][..]),
        (
            ApportionMethod::HuntingtonHill,
            "huntington-hill",
            &[1_000_000][..],
        ),
    ] {
        for &n in sizes {
            let weights = random_weights(n, 2026);
            group.bench_with_input(BenchmarkId::new(name, n), &weights, |b, w| {
                b.iter(|| apportion(black_box(TOTAL), black_box(w), method));
            });
        }
    }
    let demands = half_capped(&random_weights(1_000_000, 2026));
    group.bench_with_input(BenchmarkId::new("capped", 1_000_000), &demands, |b, d| {
        b.iter(|| allocate(black_box(TOTAL), black_box(d), ApportionMethod::Hamilton));
    });
    group.finish();
}

criterion_group!(benches, apportionment);
criterion_main!(benches);
