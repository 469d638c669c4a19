//! Council composition and selection, checked against brute force on pools small
//! enough to enumerate every council.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::collections::BTreeSet;

use guided_community_deliberation::{
    Category, CompositionRule, CouncilRules, Error, Probability, Selection, Volunteer, check,
    select,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn category(text: &str) -> Category {
    text.parse().unwrap()
}

/// Every `k`-subset of `0..n`, as index lists.
fn subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    for mask in 0u32..(1 << n) {
        if mask.count_ones() as usize == k {
            out.push((0..n).filter(|&i| mask & (1 << i) != 0).collect());
        }
    }
    out
}

fn council(pool: &[Volunteer], members: &[usize]) -> Vec<Volunteer> {
    members.iter().map(|&i| pool[i].clone()).collect()
}

fn covered(pool: &[Volunteer], members: &[usize], key: &str) -> usize {
    members
        .iter()
        .filter_map(|&i| pool[i].get(key))
        .collect::<BTreeSet<_>>()
        .len()
}

/// The councils a correct selector may draw: those meeting every hard rule and,
/// key by key in order, covering as many values as any such council can.
fn valid_councils(pool: &[Volunteer], seats: usize, rules: &CouncilRules) -> Vec<Vec<usize>> {
    let mut valid: Vec<Vec<usize>> = subsets(pool.len(), seats)
        .into_iter()
        .filter(|s| check(&council(pool, s), rules).unwrap().is_empty())
        .collect();
    let mut seen = BTreeSet::new();
    for key in &rules.cover {
        if !seen.insert(key) {
            continue;
        }
        let best = valid
            .iter()
            .map(|s| covered(pool, s, key))
            .max()
            .unwrap_or(0);
        valid.retain(|s| covered(pool, s, key) == best);
    }
    valid
}

/// Exact sum of the chances, as a fraction.
fn sum(selection: &Selection) -> (u128, u128) {
    selection
        .probabilities
        .iter()
        .fold((0u128, 1u128), |(n, d), chance| {
            let p = chance.probability;
            let (pn, pd) = (u128::from(p.numerator()), u128::from(p.denominator()));
            let num = n * pd + pn * d;
            let den = d * pd;
            let g = gcd(num, den);
            (num / g, den / g)
        })
}

fn gcd(a: u128, b: u128) -> u128 {
    if b == 0 { a.max(1) } else { gcd(b, a % b) }
}

fn as_f64(p: Probability) -> f64 {
    #[allow(clippy::cast_precision_loss, reason = "test tolerance")]
    let value = p.numerator() as f64 / p.denominator() as f64;
    value
}

/// The maximin chance over lotteries on `valid`: max z s.t. each reachable
/// volunteer's chance ≥ z, solved with every council as a column at once.
fn maximin(valid: &[Vec<usize>], reachable: &BTreeSet<usize>) -> f64 {
    let all: Vec<usize> = reachable.iter().copied().collect();
    best_chance(valid, &[], &all).unwrap()
}

/// The best a lottery on `valid` can do for the least of `open`, keeping every
/// volunteer in `floors` at or above their floor. `None`: infeasible (floors a
/// little too high for the solver).
fn best_chance(valid: &[Vec<usize>], floors: &[(usize, f64)], open: &[usize]) -> Option<f64> {
    use microlp::{ComparisonOp, LinearExpr, OptimizationDirection, Problem};
    let mut problem = Problem::new(OptimizationDirection::Maximize);
    let z = problem.add_var(1.0, (0.0, 1.0));
    let p: Vec<_> = valid
        .iter()
        .map(|_| problem.add_var(0.0, (0.0, 1.0)))
        .collect();
    problem.add_constraint(
        p.iter().map(|&v| (v, 1.0)).collect::<LinearExpr>(),
        ComparisonOp::Eq,
        1.0,
    );
    let chance = |i: usize| -> LinearExpr {
        valid
            .iter()
            .zip(&p)
            .filter(|(s, _)| s.contains(&i))
            .map(|(_, &v)| (v, 1.0))
            .collect()
    };
    for &(j, floor) in floors {
        problem.add_constraint(chance(j), ComparisonOp::Ge, floor);
    }
    for &j in open {
        let mut row = chance(j);
        row.add(z, -1.0);
        problem.add_constraint(row, ComparisonOp::Ge, 0.0);
    }
    problem
        .solve()
        .ok()?
        .into_solution()
        .ok()
        .map(|s| s.objective())
}

/// The leximin chances over lotteries on `valid`, by brute force: raise the
/// least chance as far as it goes, fix the volunteers who cannot get more
/// without lowering someone at that level, and repeat with the rest. Sorted.
fn leximin(valid: &[Vec<usize>], reachable: &BTreeSet<usize>) -> Vec<f64> {
    let mut open: Vec<usize> = reachable.iter().copied().collect();
    let mut floors: Vec<(usize, f64)> = Vec::new();
    while !open.is_empty() {
        let level = best_chance(valid, &floors, &open).unwrap();
        let raised: Vec<(usize, f64)> = floors
            .iter()
            .copied()
            .chain(open.iter().map(|&j| (j, level - 1e-9)))
            .collect();
        let stuck: Vec<usize> = open
            .iter()
            .copied()
            .filter(|&j| {
                let others: Vec<(usize, f64)> =
                    raised.iter().copied().filter(|&(k, _)| k != j).collect();
                best_chance(valid, &others, &[j]).is_none_or(|best| best <= level + 1e-7)
            })
            .collect();
        let stuck = if stuck.is_empty() {
            open.clone()
        } else {
            stuck
        };
        for &j in &stuck {
            floors.push((j, level - 1e-9));
        }
        open.retain(|j| !stuck.contains(j));
    }
    let mut levels: Vec<f64> = floors.iter().map(|&(_, f)| f + 1e-9).collect();
    levels.sort_by(f64::total_cmp);
    levels
}

fn volunteers() -> impl Strategy<Value = Vec<Volunteer>> {
    let one = (0..2usize, 0..2usize, 0..3usize);
    proptest::collection::vec(one, 3..=9).prop_map(|traits| {
        traits
            .into_iter()
            .enumerate()
            .map(|(i, (age, tenure, building))| {
                Volunteer::new(format!("v{i}"))
                    .with("age", ["young", "senior"][age])
                    .with("tenure", ["tenant", "owner"][tenure])
                    .with("building", ["b1", "b2", "b3"][building])
            })
            .collect()
    })
}

fn rules() -> impl Strategy<Value = CouncilRules> {
    (
        0u32..=3,
        proptest::option::of(0u32..=3),
        proptest::option::of(0u32..=5),
        proptest::option::of(1u32..=3),
        any::<bool>(),
    )
        .prop_map(|(young, max_tenants, share_tenths, per_building, cover)| {
            let mut rules = CouncilRules::none();
            rules.min.insert(category("age=young"), young);
            if let Some(max) = max_tenants {
                rules.max.insert(category("tenure=tenant"), max);
            }
            if let Some(tenths) = share_tenths {
                rules
                    .min_share
                    .insert(category("tenure=owner"), Decimal::new(i64::from(tenths), 1));
            }
            if let Some(cap) = per_building {
                rules.max_per.insert("building".into(), cap);
            }
            if cover {
                rules.cover.push("building".into());
            }
            rules
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]

    #[test]
    fn brute_force_agrees_with_the_selector(
        pool in volunteers(),
        seats in 1usize..=5,
        rules in rules(),
        seed in any::<u64>(),
    ) {
        prop_assume!(seats <= pool.len());
        let valid = valid_councils(&pool, seats, &rules);
        let seats_u32 = u32::try_from(seats).unwrap();
        match select(&pool, seats_u32, &rules, seed) {
            Err(Error::Infeasible { rules: culprits }) => {
                prop_assert!(valid.is_empty(), "brute force found {} councils", valid.len());
                // The named rules cannot be met together, but can without any one of them.
                let only = |kept: &[CompositionRule]| {
                    let mut r = CouncilRules::none();
                    for rule in kept {
                        match rule {
                            CompositionRule::Min { category, count } => { r.min.insert(category.clone(), *count); }
                            CompositionRule::Max { category, count } => { r.max.insert(category.clone(), *count); }
                            CompositionRule::MinShare { category, share } => { r.min_share.insert(category.clone(), *share); }
                            CompositionRule::MaxShare { category, share } => { r.max_share.insert(category.clone(), *share); }
                            CompositionRule::MaxPer { key, count } => { r.max_per.insert(key.clone(), *count); }
                            _ => unreachable!(),
                        }
                    }
                    r
                };
                prop_assert!(valid_councils(&pool, seats, &only(&culprits)).is_empty());
                for drop in 0..culprits.len() {
                    let mut rest = culprits.clone();
                    rest.remove(drop);
                    prop_assert!(!valid_councils(&pool, seats, &only(&rest)).is_empty());
                }
            }
            Err(other) => prop_assert!(false, "unexpected error {other}"),
            Ok(selection) => {
                prop_assert!(!valid.is_empty(), "the selector found a council brute force did not");
                // The drawn council is one of the valid ones.
                let drawn: Vec<usize> = selection
                    .council
                    .iter()
                    .map(|id| pool.iter().position(|v| &v.id == id).unwrap())
                    .collect();
                prop_assert!(valid.contains(&drawn), "drew {:?}", selection.council);
                // Chances sum to the seats exactly; each rounds on its own, so
                // the rounded sum is off by at most half a unit per volunteer.
                prop_assert_eq!(sum(&selection), (seats as u128, 1));
                let rounded: Decimal = selection.rounded(6).iter().map(|(_, p)| *p).sum();
                let slack = Decimal::new(5, 7) * Decimal::from(pool.len());
                prop_assert!((rounded - Decimal::from(seats_u32)).abs() <= slack);
                // Volunteers alike in every attribute get the same chance.
                for (a, b) in pool.iter().zip(&selection.probabilities) {
                    for (c, d) in pool.iter().zip(&selection.probabilities) {
                        if a.attributes == c.attributes {
                            prop_assert_eq!(b.probability, d.probability);
                        }
                    }
                }
                // Exactly the volunteers in some valid council can be drawn.
                let reachable: BTreeSet<usize> = valid.iter().flatten().copied().collect();
                for (i, chance) in selection.probabilities.iter().enumerate() {
                    prop_assert_eq!(
                        chance.probability > Probability::ZERO,
                        reachable.contains(&i),
                        "volunteer {}", i
                    );
                }
                // Maximin: at least as fair as drawing a valid council uniformly.
                #[allow(clippy::cast_precision_loss, reason = "test tolerance")]
                let uniform_min = reachable
                    .iter()
                    .map(|&i| valid.iter().filter(|s| s.contains(&i)).count() as f64 / valid.len() as f64)
                    .fold(f64::INFINITY, f64::min);
                prop_assert!(
                    as_f64(selection.minimum) >= uniform_min - 1e-5,
                    "minimum {} below the uniform lottery's {}", selection.minimum, uniform_min
                );
                // And exactly maximin: the linear program over every valid council,
                // solved in one piece, reaches the same smallest chance.
                let best = maximin(&valid, &reachable);
                prop_assert!(
                    (as_f64(selection.minimum) - best).abs() < 1e-5,
                    "minimum {} but maximin is {}", selection.minimum, best
                );
                // And leximin: sorted, the chances are the brute-force leximin
                // chances (the least as high as it can be, then the next, …).
                let mut chances: Vec<f64> = reachable
                    .iter()
                    .map(|&i| as_f64(selection.probabilities[i].probability))
                    .collect();
                chances.sort_by(f64::total_cmp);
                let expected = leximin(&valid, &reachable);
                for (got, want) in chances.iter().zip(&expected) {
                    prop_assert!((got - want).abs() < 1e-5, "chances {:?} but leximin is {:?}", chances, expected);
                }
                // Every council the lottery can draw covers what the goal promises.
                for coverage in &selection.coverage {
                    let best = valid.iter().map(|s| covered(&pool, s, &coverage.key)).max().unwrap();
                    prop_assert_eq!(coverage.covered as usize, best);
                }
                prop_assert_eq!(&selection, &select(&pool, seats_u32, &rules, seed).unwrap());
            }
        }
    }
}

fn pool_of(rows: &[(&str, &str, &str, &str)]) -> Vec<Volunteer> {
    rows.iter()
        .map(|&(id, age, tenure, building)| {
            Volunteer::new(id)
                .with("age", age)
                .with("tenure", tenure)
                .with("building", building)
        })
        .collect()
}

#[test]
fn identical_volunteers_get_equal_chances() {
    let pool: Vec<Volunteer> = (0..7).map(|i| Volunteer::new(format!("v{i}"))).collect();
    let selection = select(&pool, 3, &CouncilRules::none(), 1).unwrap();
    for chance in &selection.probabilities {
        assert_eq!(chance.probability, Probability::new(3, 7).unwrap());
    }
    // 3/7 = 0.428571…: equal chances are shown equal (the exact ones sum to 3).
    let rounded = selection.rounded(6);
    for (_, shown) in &rounded {
        assert_eq!(shown.to_string(), "0.428571");
    }
}

#[test]
fn chances_are_exact_fractions_not_the_solver_rounded() {
    // Six volunteers in three buildings, a woman required, one per building: by
    // symmetry everyone's chance is exactly 1/3. The solver's floats, rounded
    // to 10⁻⁶, once gave 166667/500000 to some and 333333/1000000 to others.
    let pool: Vec<Volunteer> = (0..6)
        .map(|i| {
            Volunteer::new(format!("v{i}"))
                .with("gender", if i % 2 == 1 { "f" } else { "m" })
                .with("building", format!("b{}", i % 3))
        })
        .collect();
    let rules: CouncilRules =
        serde_json::from_str(r#"{"min": {"gender=f": 1}, "max_per": {"building": 1}}"#).unwrap();
    for seed in 0..5 {
        let selection = select(&pool, 2, &rules, seed).unwrap();
        for chance in &selection.probabilities {
            assert_eq!(
                chance.probability,
                Probability::new(1, 3).unwrap(),
                "{}",
                chance.id
            );
        }
        assert_eq!(selection.minimum, Probability::new(1, 3).unwrap());
        for panel in &selection.lottery {
            assert_eq!(panel.weight.denominator() % 3, 0, "{}", panel.weight);
        }
    }
}

#[test]
fn the_article_rules_on_a_small_estate() {
    let pool = pool_of(&[
        ("v1", "young", "tenant", "b1"),
        ("v2", "young", "owner", "b2"),
        ("v3", "young", "owner", "b1"),
        ("v4", "senior", "owner", "b3"),
        ("v5", "senior", "tenant", "b2"),
        ("v6", "senior", "owner", "b1"),
        ("v7", "middle", "owner", "b1"),
        ("v8", "middle", "owner", "b2"),
        ("v9", "middle", "tenant", "b3"),
        ("v10", "middle", "owner", "b1"),
    ]);
    let rules = CouncilRules::default();
    let selection = select(&pool, 7, &rules, 2025).unwrap();
    let members: Vec<Volunteer> = selection
        .council
        .iter()
        .map(|id| pool.iter().find(|v| &v.id == id).unwrap().clone())
        .collect();
    assert!(check(&members, &rules).unwrap().is_empty());
    assert_eq!(selection.coverage[0].covered, 3);
    // 20% of 7 seats is 1.4: at least 2 tenants.
    let tenants = members
        .iter()
        .filter(|v| v.get("tenure") == Some("tenant"))
        .count();
    assert!(tenants >= 2);
    assert!(selection.unselectable.is_empty());
}

#[test]
fn infeasible_rules_are_named() {
    let pool = pool_of(&[
        ("v1", "young", "owner", "b1"),
        ("v2", "senior", "owner", "b1"),
        ("v3", "senior", "owner", "b2"),
        ("v4", "senior", "tenant", "b2"),
    ]);
    let rules: CouncilRules = serde_json::from_str(
        r#"{"min": {"age=young": 2, "tenure=tenant": 1}, "max_per": {"building": 1}}"#,
    )
    .unwrap();
    let err = select(&pool, 2, &rules, 0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no council from these volunteers meets these rules together: `at least 2 age=young`"
    );
    let mut rules = rules;
    rules.min.insert(category("age=young"), 1);
    rules.min.insert(category("age=senior"), 2);
    let err = select(&pool, 2, &rules, 0).unwrap_err();
    // Two seats, one per building, a young member and two seniors cannot all hold;
    // dropping the building cap or either minimum frees the rest.
    assert_eq!(
        err.to_string(),
        "no council from these volunteers meets these rules together: \
         `at least 2 age=senior`, `at least 1 age=young`"
    );
}

#[test]
fn bad_input_is_a_typed_error() {
    let pool = pool_of(&[
        ("v1", "young", "owner", "b1"),
        ("v1", "young", "owner", "b2"),
    ]);
    assert_eq!(
        select(&pool, 1, &CouncilRules::none(), 0),
        Err(Error::DuplicateVolunteer { id: "v1".into() })
    );
    assert_eq!(
        select(&pool[..1], 2, &CouncilRules::none(), 0),
        Err(Error::PoolTooSmall {
            volunteers: 1,
            seats: 2
        })
    );
    assert_eq!(
        select(&pool[..1], 0, &CouncilRules::none(), 0),
        Err(Error::NoSeats)
    );
    let mut rules = CouncilRules::none();
    rules
        .min_share
        .insert(category("age=young"), Decimal::new(12, 1));
    assert!(matches!(
        check(&pool[..1], &rules),
        Err(Error::InvalidShare { .. })
    ));
    let bad = serde_json::from_str::<CouncilRules>(r#"{"min": {"young": 2}}"#).unwrap_err();
    assert!(
        bad.to_string().contains("`young` is not a category"),
        "{bad}"
    );
}

#[test]
fn check_reports_every_violation() {
    let council = pool_of(&[
        ("v1", "senior", "owner", "b1"),
        ("v2", "senior", "owner", "b1"),
        ("v3", "senior", "owner", "b1"),
        ("v4", "senior", "owner", "b1"),
        ("v5", "senior", "owner", "b2"),
    ]);
    let mut rules = CouncilRules::default();
    rules.max.insert(category("age=senior"), 3);
    let found: Vec<String> = check(&council, &rules)
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        found,
        [
            "age=young: 0 members, breaking `at least 2 age=young`",
            "tenure=tenant: 0 members, breaking `at least 1 tenure=tenant`",
            "age=senior: 5 members, breaking `at most 3 age=senior`",
            "tenure=tenant: 0 members, breaking `at least 0.2 of seats tenure=tenant`",
            "building=b1: 4 members, breaking `at most 3 per building`",
        ]
    );
}
