//! The researchers' kit: seeded generators.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use guided_community::deliberation::generate::{Culture, profile};

fn research(c: &mut Criterion) {
    let mut group = c.benchmark_group("research");
    group.sample_size(10);
    for (name, culture) in [
        ("mallows", Culture::Mallows { phi_percent: 50 }),
        ("ic", Culture::ImpartialCulture),
        ("urn", Culture::Urn { alpha_percent: 10 }),
        ("euclidean-2d", Culture::Euclidean { dimensions: 2 }),
    ] {
        group.bench_function(format!("generate/{name}-10000x20"), |b| {
            b.iter(|| profile(black_box(culture), 10_000, 20, 2026));
        });
    }
    group.finish();
}

criterion_group!(benches, research);
criterion_main!(benches);
