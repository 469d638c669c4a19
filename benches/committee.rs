//! Approval-based committee rules on seeded random profiles.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use guided_community::pb::committee::{Resolution, Rule, compute, random_profile};

fn committee(c: &mut Criterion) {
    let mut group = c.benchmark_group("committee");
    group.sample_size(10);
    let Ok(large) = random_profile(1_000, 50, 5, 2026) else {
        return;
    };
    let Ok(small) = random_profile(200, 20, 4, 2026) else {
        return;
    };
    for (rule, name) in [
        (Rule::SeqPhragmen, "seq-phragmen"),
        (Rule::EqualShares, "mes"),
        (Rule::SeqPav, "seqpav"),
        (Rule::PhragmenEnestroem, "phragmen-enestroem"),
    ] {
        group.bench_with_input(BenchmarkId::new(name, "1000x50k10"), &large, |b, p| {
            b.iter(|| compute(black_box(p), 10, rule, Resolution::Resolute));
        });
    }
    group.bench_with_input(BenchmarkId::new("pav", "200x20k7"), &small, |b, p| {
        b.iter(|| compute(black_box(p), 7, Rule::Pav, Resolution::Resolute));
    });
    group.bench_with_input(
        BenchmarkId::new("seq-phragmen", "200x20k7"),
        &small,
        |b, p| {
            b.iter(|| compute(black_box(p), 7, Rule::SeqPhragmen, Resolution::Resolute));
        },
    );
    group.finish();
}

criterion_group!(benches, committee);
criterion_main!(benches);
