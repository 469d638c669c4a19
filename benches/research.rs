//! The researchers' kit: seeded generators.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use guided_community::deliberation::generate::{Culture, profile};
use guided_community::pb::{
    self,
    fairness::{BudgetProperty, Satisfaction, UpTo, check_budget},
};

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
    // Participatory-budgeting elections: uniform, and Pabulib-like (costs
    // log-uniform, nearest-project approvals, five districts).
    for (name, spec) in [
        ("pb-uniform", pb::RandomElection::new(300, 6_000)),
        (
            "pb-pabulib-like",
            pb::RandomElection::new(300, 6_000).pabulib_like(5),
        ),
    ] {
        group.bench_function(format!("generate/{name}-300x6000"), |b| {
            b.iter(|| pb::generate::text(black_box(&spec), 2026));
        });
    }
    let path = format!(
        "{}/testdata/pabulib/Poland_Wieliczka_2023_Green_Budget.pb",
        env!("CARGO_MANIFEST_DIR")
    );
    let Ok(election) = std::fs::read_to_string(path).map(|t| pb::parse(&t)) else {
        return;
    };
    let Ok(election) = election else {
        return;
    };
    let Ok(outcome) = pb::run(&election, &pb::Options::new(pb::BudgetingRule::MesAdd1)) else {
        return;
    };
    for (name, property) in [
        ("ejr-up-to-one", BudgetProperty::Ejr),
        ("pjr-up-to-one", BudgetProperty::Pjr),
    ] {
        group.bench_function(format!("{name}/wieliczka-2023"), |b| {
            b.iter(|| {
                check_budget(
                    black_box(&election),
                    &outcome.selected,
                    property,
                    Satisfaction::Cost,
                    UpTo::One,
                )
            });
        });
    }
    // Priceability of the add1 selection (a price system found and checked)
    // and of greedy's (a Farkas certificate).
    let Ok(greedy) = pb::run(&election, &pb::Options::new(pb::BudgetingRule::Greedy)) else {
        return;
    };
    for (name, selected) in [("add1", &outcome.selected), ("greedy", &greedy.selected)] {
        group.bench_function(format!("priceability/{name}/wieliczka-2023"), |b| {
            b.iter(|| pb::fairness::priceability(black_box(&election), selected));
        });
    }
    group.finish();
}

criterion_group!(benches, research);
criterion_main!(benches);
