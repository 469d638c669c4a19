//! Needs-scoring benchmarks: a million households, five dimensions, min-max;
//! and the articles' matrix on the sample's households.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use guided_community::needs::{
    Dimension, Direction, Indicator, Matrix, MissingPolicy, Normalization, ScoreOptions, Unit,
    score,
};
use guided_community::{Policy, joins, sample};
use rust_decimal::Decimal;

/// `SplitMix64` values in `[0, 1)`.
fn uniform(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    #[allow(clippy::cast_precision_loss, reason = "53 random bits")]
    let unit = (z >> 11) as f64 / (1u64 << 53) as f64;
    unit
}

fn five_dimensions() -> Matrix {
    let dims = [
        ("population", 25),
        ("health", 20),
        ("economic", 20),
        ("participation", 15),
        ("special", 20),
    ];
    let dimensions = dims
        .iter()
        .map(|&(id, weight)| Dimension {
            id: id.into(),
            name: id.into(),
            weight: Decimal::from(weight),
            indicators: vec![Indicator {
                id: format!("{id}_value"),
                source: "generated".into(),
                direction: if id == "economic" {
                    Direction::LessNeed
                } else {
                    Direction::MoreNeed
                },
                normalization: Normalization::MinMax,
                weight: Decimal::ONE,
            }],
            missing: MissingPolicy::Reject,
        })
        .collect();
    Matrix::try_new(dimensions).unwrap_or_else(|_| Matrix::default())
}

fn households(n: usize) -> Vec<Unit> {
    let mut state = 2026;
    (0..n)
        .map(|i| {
            Unit::new(
                format!("h{i:07}"),
                (0..5).map(|_| Some(uniform(&mut state) * 100.0)).collect(),
            )
        })
        .collect()
}

fn needs(c: &mut Criterion) {
    let mut group = c.benchmark_group("needs");
    group.sample_size(10);
    // Inputs are built inside each bench, which criterion runs only when the
    // filter selects it: a bench's peak memory (`/usr/bin/time -v … --bench
    // ID`) is then its own, not every input's.
    group.bench_function(BenchmarkId::new("wsm", 1_000_000), |b| {
        let matrix = five_dimensions();
        let units = households(1_000_000);
        let options = ScoreOptions::default();
        b.iter(|| score(black_box(&matrix), black_box(&units), &options));
    });
    // The articles' matrix (nine rubric indicators in five dimensions, missing
    // values re-weighted) on the sample's households: what the quarter and the
    // district integration score.
    for n in [10_000, 1_000_000] {
        group.bench_function(BenchmarkId::new("articles", n), |b| {
            let policy = Policy::default();
            let inputs = sample::generate(&sample::Spec::scaled(n), 2026);
            let Ok(units) = inputs.map(|i| joins::units_from_households(&i.households)) else {
                return;
            };
            b.iter(|| {
                score(
                    black_box(&policy.matrix),
                    black_box(&units),
                    &policy.scoring,
                )
            });
        });
    }
    group.finish();
}

criterion_group!(benches, needs);
criterion_main!(benches);
