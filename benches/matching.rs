//! Matching people: a week of time-bank requests to volunteers (the issue's
//! headline is 2,000 requests and 300 volunteers with 10 skills in 50
//! buildings), and guides' caseloads over a district's buildings.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use guided_community::matching;

fn bench_match(c: &mut Criterion) {
    let mut group = c.benchmark_group("match");
    for (requests, volunteers) in [(2_000, 300), (200, 30), (20, 5)] {
        let Ok(instance) = matching::RandomWeek::new(requests, volunteers).generate(2025) else {
            continue;
        };
        group.bench_function(format!("{requests}x{volunteers}"), |b| {
            b.iter(|| {
                matching::match_requests(black_box(&instance), matching::MatchOptions::default())
            });
        });
    }
    if let Ok(instance) = matching::RandomWeek::new(2_000, 300).generate(2025) {
        group.bench_function("spread/2000x300", |b| {
            b.iter(|| {
                matching::match_requests(
                    black_box(&instance),
                    matching::MatchOptions::default().spread_load(true),
                )
            });
        });
    }
    group.finish();
}

fn bench_caseload(c: &mut Criterion) {
    let mut group = c.benchmark_group("caseload");
    for (buildings, guides) in [(500, 5), (50, 5), (12, 3)] {
        let Ok(input) = matching::RandomDistrict::new(buildings, guides).generate(2025) else {
            continue;
        };
        group.bench_function(format!("{buildings}x{guides}"), |b| {
            b.iter(|| {
                matching::assign_caseloads(black_box(&input), matching::CaseloadOptions::default())
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench_match, bench_caseload);
criterion_main!(benches);
