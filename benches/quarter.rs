//! The quarter end to end: `quarterly_cycle` on sample communities of 10,000 and
//! 1,000,000 households (needs, pools, lines, grants, petitions, points,
//! fairness and the report).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use guided_community::{Policy, quarterly_cycle, sample};

fn quarter(c: &mut Criterion) {
    let mut group = c.benchmark_group("quarter");
    group.sample_size(10);
    let policy = Policy::default();
    // Each input is built inside its bench, which criterion runs only when the
    // filter selects it: a bench's peak memory (`/usr/bin/time -v … --bench
    // ID`) is then its own, not every input's.
    for households in [10_000u64, 1_000_000] {
        group.bench_function(BenchmarkId::new("cycle", households), |b| {
            let Ok(inputs) = sample::generate(&sample::Spec::scaled(households), 2026) else {
                return;
            };
            b.iter(|| quarterly_cycle(black_box(&inputs), &policy));
        });
    }
    group.finish();
}

criterion_group!(benches, quarter);
criterion_main!(benches);
