//! Deliberation benchmarks: tallies over 10,000 ranked ballots of 20 candidates, an
//! instant-runoff where every candidate ties for last at every count, and
//! leximin-fair councils of 15 from 200, 1,000, 2,000 and 3,000 volunteers and
//! from 600 who are each a type of their own.
//!
//! Each tally starts from the ballots as names, so the figures include compiling
//! the profile and (for Schulze and Copeland) building the margin matrix.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use guided_community::deliberation::{
    Ballot, CandidateElection, Category, CouncilRules, Volunteer, VotingMethod, select, tally,
};

/// `SplitMix64` from a fixed seed.
fn stream(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed;
    move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// `voters` full rankings of `m` candidates drawn uniformly (impartial culture)
/// from a fixed seed, like `pref_voting`'s `generate_profile`.
fn impartial_culture(voters: usize, m: usize) -> CandidateElection {
    let mut next = stream(2026);
    let candidates: Vec<String> = (1..=m).map(|c| format!("plan-{c}")).collect();
    let ballots = (0..voters)
        .map(|_| {
            let mut ranking = candidates.clone();
            for i in (1..ranking.len()).rev() {
                let j = usize::try_from(next() % (i as u64 + 1)).unwrap_or(0);
                ranking.swap(i, j);
            }
            Ballot::Ranked { ranking, count: 1 }
        })
        .collect();
    CandidateElection {
        candidates,
        ballots,
    }
}

fn tallies(c: &mut Criterion) {
    let election = impartial_culture(10_000, 20);
    let mut group = c.benchmark_group("tally");
    for method in [
        VotingMethod::Schulze,
        VotingMethod::Copeland,
        VotingMethod::InstantRunoff,
        VotingMethod::Borda,
    ] {
        group.bench_with_input(
            BenchmarkId::new(method.name(), "10000x20"),
            &election,
            |b, e| b.iter(|| tally(black_box(e), method, None)),
        );
    }
    // Every candidate tied for last at every count: 32,000 one-name ballots over
    // 16 candidates, 2,000 each. Parallel universes follow every order of
    // elimination (2^16 sets of candidates standing).
    let ties = CandidateElection {
        candidates: (0..16).map(|c| format!("plan-{c}")).collect(),
        ballots: (0..32_000)
            .map(|i| Ballot::ranked([format!("plan-{}", i % 16)], 1))
            .collect(),
    };
    group.sample_size(10);
    group.bench_with_input(BenchmarkId::new("irv-ties", "16x32000"), &ties, |b, e| {
        b.iter(|| tally(black_box(e), VotingMethod::InstantRunoff, None));
    });
    group.finish();
}

/// `n` volunteers: ages 20% young, 50% middle, 30% senior; a quarter tenants;
/// half women; in `buildings` buildings.
fn volunteers(n: usize, buildings: u64) -> Vec<Volunteer> {
    let mut next = stream(7);
    (0..n)
        .map(|i| {
            let age = match next() % 10 {
                0..=1 => "young",
                2..=6 => "middle",
                _ => "senior",
            };
            let tenure = if next().is_multiple_of(4) {
                "tenant"
            } else {
                "owner"
            };
            let gender = if next().is_multiple_of(2) { "f" } else { "m" };
            Volunteer::new(format!("v{i}"))
                .with("age", age)
                .with("tenure", tenure)
                .with("gender", gender)
                .with("building", format!("b{}", next() % buildings))
        })
        .collect()
}

fn council(c: &mut Criterion) {
    let pool = volunteers(200, 10);
    // The article's rules, plus 7–8 women of 15.
    let mut rules = CouncilRules::default();
    rules.min.insert(Category::new("gender", "f"), 7);
    rules.max.insert(Category::new("gender", "f"), 8);
    let mut group = c.benchmark_group("council");
    group.sample_size(10);
    group.bench_with_input(BenchmarkId::new("select", "200x15"), &pool, |b, pool| {
        b.iter(|| select(black_box(pool), 15, &rules, 1));
    });
    // Community scale: 1,000 volunteers in 100 buildings, the article's rules
    // (at least 2 young, 2 seniors, 1 tenant; tenants at least 20%; at most 3 per
    // building; every building covered where it can be).
    // Twice that in 200 buildings (846 types; 2 min 51 s before equal lotteries
    // were looked for, 15 s before councils were made in passes, 4.2 s before
    // their balance was seen to repeat), three times in 300 (1,309 types; 30 s
    // before passes, 4.9 s before repeats), and 600 volunteers each a type of
    // their own (a building each: every council covers 15 buildings; 57 s,
    // then 3.0 s before passes, 1.8 s before the cover became plain rows).
    let article = CouncilRules::default();
    for (id, pool) in [
        ("1000x15", volunteers(1_000, 100)),
        ("2000x15", volunteers(2_000, 200)),
        ("3000x15", volunteers(3_000, 300)),
        ("unique-600x15", volunteers(600, 1_000_000)),
    ] {
        group.bench_with_input(BenchmarkId::new("select", id), &pool, |b, pool| {
            b.iter(|| select(black_box(pool), 15, &article, 1));
        });
    }
    group.finish();
}

criterion_group!(benches, tallies, council);
criterion_main!(benches);
