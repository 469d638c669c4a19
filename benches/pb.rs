//! Participatory-budgeting benchmarks on real Pabulib elections.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use guided_community::pb::{
    BudgetElection, BudgetingRule, Options, RandomElection, generate, parse, run,
};

fn load(name: &str) -> (String, BudgetElection) {
    let path = format!("{}/testdata/pabulib/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let election = parse(&text).unwrap_or_default();
    (text, election)
}

fn pb(c: &mut Criterion) {
    let (_, budapest) = load("Hungary_Budapest_2024.pb");
    let (_, wieliczka) = load("Poland_Wieliczka_2023_Green_Budget.pb");
    let (warsaw, _) = load("Poland_Warszawa_2026.pb");
    let mut group = c.benchmark_group("pb");
    group.sample_size(10);
    group.bench_with_input(
        BenchmarkId::new("mes", "budapest-2024"),
        &budapest,
        |b, e| {
            b.iter(|| run(black_box(e), &Options::new(BudgetingRule::Mes)));
        },
    );
    group.bench_with_input(
        BenchmarkId::new("mes-add1", "wieliczka-2023"),
        &wieliczka,
        |b, e| {
            b.iter(|| run(black_box(e), &Options::new(BudgetingRule::MesAdd1)));
        },
    );
    // A generated election like the one that found add1's memory cliff (42 s,
    // 6.2 GB before its structure was bounded): 300 projects with distinct costs
    // around 10^6, 6,000 voters approving 13 on average, a budget of 40%.
    let random = generate::election(
        &RandomElection::new(300, 6_000)
            .with_approvals(13)
            .with_budget_percent(40),
        1,
    )
    .unwrap_or_default();
    group.bench_with_input(
        BenchmarkId::new("mes-add1", "random-300x6000"),
        &random,
        |b, e| {
            b.iter(|| run(black_box(e), &Options::new(BudgetingRule::MesAdd1)));
        },
    );
    // Few projects, many voters (100 × 100,000, 10 approvals each, a budget of
    // 20%): add1 visits only ~110 budgets, but every histogram holds ~10,000
    // supporter groups, and building them is most of the time.
    let crowd = generate::election(&RandomElection::new(100, 100_000), 2).unwrap_or_default();
    group.bench_with_input(
        BenchmarkId::new("mes-add1", "random-100x100000"),
        &crowd,
        |b, e| {
            b.iter(|| run(black_box(e), &Options::new(BudgetingRule::MesAdd1)));
        },
    );
    group.bench_with_input(
        BenchmarkId::new("mes-add1", "budapest-2024"),
        &budapest,
        |b, e| {
            b.iter(|| run(black_box(e), &Options::new(BudgetingRule::MesAdd1)));
        },
    );
    group.bench_with_input(
        BenchmarkId::new("phragmen", "budapest-2024"),
        &budapest,
        |b, e| {
            b.iter(|| run(black_box(e), &Options::new(BudgetingRule::Phragmen)));
        },
    );
    group.bench_with_input(
        BenchmarkId::new("parse", "warszawa-2026"),
        &warsaw,
        |b, text| {
            b.iter(|| parse(black_box(text)));
        },
    );
    group.finish();
}

criterion_group!(benches, pb);
criterion_main!(benches);
