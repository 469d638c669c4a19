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

/// 400 independent hard parts (100 requests, 15 volunteers of one skill
/// each): the exact search's shared budget keeps it to seconds.
fn many_parts() -> Option<matching::Instance> {
    let part = matching::RandomWeek::new(100, 15)
        .skills(1)
        .buildings(10)
        .generate(3)
        .ok()?;
    let mut all = matching::Instance {
        distance: part.distance.clone(),
        ..matching::Instance::default()
    };
    for k in 0..400 {
        for r in &part.requests {
            let mut r = r.clone();
            r.id = format!("{k}-{}", r.id);
            r.skill = format!("s{k}");
            all.requests.push(r);
        }
        for v in &part.volunteers {
            let mut v = v.clone();
            v.id = format!("{k}-{}", v.id);
            for s in &mut v.skills {
                s.skill = format!("s{k}");
            }
            all.volunteers.push(v);
        }
    }
    Some(all)
}

fn bench_many_parts(c: &mut Criterion) {
    let Some(instance) = many_parts() else {
        return;
    };
    let mut group = c.benchmark_group("match");
    group.sample_size(10);
    group.bench_function("many-parts/400x100", |b| {
        b.iter(|| {
            matching::match_requests(black_box(&instance), matching::MatchOptions::default())
        });
    });
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

criterion_group!(benches, bench_match, bench_many_parts, bench_caseload);
criterion_main!(benches);
