//! From decision to done: scheduling many projects on the mainland China
//! calendar, and a pilot's bootstrap.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use guided_community::{joins, projects, triage};
use rust_decimal::Decimal;

/// A project of `steps` steps: each follows one or two earlier ones, 1–10
/// working days each, starting in January 2025.
fn project(seed: u64, steps: usize) -> projects::Plan {
    let mut state = seed;
    let mut next = move |n: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    };
    let steps = (0..steps)
        .map(|i| {
            let mut after = Vec::new();
            if i > 0 {
                after.push(format!("s{}", next(i as u64)));
                if i > 3 && next(2) == 0 {
                    after.push(format!("s{}", i - 1));
                }
            }
            after.dedup();
            projects::Step {
                id: format!("s{i}"),
                working_days: 1 + u32::try_from(next(10)).unwrap_or(0),
                after,
                owner: None,
                budget_fen: 10_000,
            }
        })
        .collect();
    projects::Plan {
        goal: String::new(),
        owner: None,
        start: chrono::NaiveDate::from_ymd_opt(2025, 1, 2).unwrap_or_default(),
        steps,
    }
}

fn pilot(households: usize) -> projects::Pilot {
    let units = (0..households)
        .map(|h| {
            let pilot = h % 2 == 0;
            let after = if pilot { h % 100 < 85 } else { h % 100 < 25 };
            projects::Unit {
                building: (h % 10).to_string(),
                pilot,
                before: Decimal::from(if h % 100 < 20 { 100 } else { 0 }),
                after: Decimal::from(if after { 100 } else { 0 }),
            }
        })
        .collect();
    projects::Pilot {
        measure: "sorting".into(),
        indicator: "sorting, %".into(),
        threshold: Decimal::from(10),
        confidence_percent: 95,
        units,
    }
}

fn bench(c: &mut Criterion) {
    let cn = triage::Calendar::mainland_china();
    let days = joins::working_days(&cn);
    let mut group = c.benchmark_group("projects");
    group.sample_size(10);
    for (count, steps) in [(1_000usize, 50usize), (100, 10)] {
        let plans: Vec<projects::Plan> = (0..count).map(|i| project(i as u64, steps)).collect();
        group.bench_function(format!("schedule/{count}x{steps}"), |b| {
            b.iter(|| {
                plans
                    .iter()
                    .filter_map(|p| projects::schedule(black_box(p), &days).ok())
                    .count()
            });
        });
    }
    group.finish();
    let mut group = c.benchmark_group("pilot");
    group.sample_size(10);
    let p = pilot(2_000);
    for resamples in [10_000u32, 2_000] {
        group.bench_function(format!("bootstrap/{resamples}"), |b| {
            b.iter(|| projects::evaluate(black_box(&p), resamples, 7));
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
