//! What the literature guarantees of the committee rules, on random profiles,
//! and that a failed check's witness really is one.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::collections::BTreeMap;

use guided_community_pb::committee::{
    Ballot, Composition, CompositionRule, Profile, Property, Resolution, Rule, Witness, check,
    compute, compute_with,
};
use proptest::prelude::*;

/// A random profile: up to 7 candidates, up to 10 ballots with counts.
fn profiles() -> impl Strategy<Value = (Profile, usize)> {
    (2usize..=7).prop_flat_map(|m| {
        (
            proptest::collection::vec(
                (
                    proptest::collection::btree_set(0..u32::try_from(m).unwrap(), 1..=m),
                    1u64..4,
                ),
                1..10,
            ),
            1..=m,
        )
            .prop_map(move |(ballots, k)| {
                let ballots = ballots
                    .into_iter()
                    .map(|(approve, count)| Ballot::new(approve.into_iter().collect(), count))
                    .collect();
                (Profile::new(m, ballots).unwrap(), k)
            })
    })
}

/// Checks a witness by hand: the group is nonempty, all approve the
/// witness's candidates, weighs what it says and at least ℓ·n/k, and gets
/// fewer than ℓ members (each, or together for PJR).
fn really_violates(
    profile: &Profile,
    committee: &[usize],
    property: Property,
    w: &Witness,
) -> bool {
    let ballots: Vec<(&[usize], u64)> = profile.ballots().collect();
    let n = u128::from(profile.total_weight());
    let k = committee.len() as u128;
    if w.voters.is_empty() || w.ell == 0 {
        return false;
    }
    let weight: u64 = w.voters.iter().map(|&v| ballots[v].1).sum();
    let all_approve = w
        .voters
        .iter()
        .all(|&v| w.candidates.iter().all(|c| ballots[v].0.contains(c)));
    let represented = |v: usize| {
        ballots[v]
            .0
            .iter()
            .filter(|c| committee.contains(c))
            .count()
    };
    let short = match property {
        Property::Pjr => {
            let mut union: Vec<usize> = w
                .voters
                .iter()
                .flat_map(|&v| ballots[v].0.iter().copied())
                .filter(|c| committee.contains(c))
                .collect();
            union.sort_unstable();
            union.dedup();
            union.len() < w.ell && w.candidates.len() >= w.ell
        }
        Property::Ejr => {
            w.voters.iter().all(|&v| represented(v) < w.ell) && w.candidates.len() >= w.ell
        }
        Property::Priceability => false,
        _ => {
            // JR and EJR+: one candidate outside the committee.
            w.voters.iter().all(|&v| represented(v) < w.ell)
                && w.candidates.len() == 1
                && !committee.contains(&w.candidates[0])
        }
    };
    weight == w.weight && all_approve && u128::from(weight) * k >= w.ell as u128 * n && short
}

fn winner(profile: &Profile, k: usize, rule: Rule) -> Vec<usize> {
    compute(profile, k, rule, Resolution::Resolute)
        .unwrap()
        .committees
        .remove(0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// PAV and Equal Shares give EJR; sequential Phragmén gives PJR.
    #[test]
    fn the_rules_give_what_the_literature_guarantees((profile, k) in profiles()) {
        for rule in [Rule::Pav, Rule::EqualShares, Rule::EqualSharesAv] {
            let committee = winner(&profile, k, rule);
            let answer = check(&profile, &committee, Property::Ejr).unwrap();
            prop_assert!(answer.satisfied, "{rule} {committee:?}: {:?}", answer.witness);
        }
        let committee = winner(&profile, k, Rule::SeqPhragmen);
        let answer = check(&profile, &committee, Property::Pjr).unwrap();
        prop_assert!(answer.satisfied, "seqphragmen {committee:?}: {:?}", answer.witness);
        // Sequential Phragmén and Equal Shares are priceable (abcvoting's
        // tests assert it too).
        for rule in [Rule::SeqPhragmen, Rule::EqualShares] {
            let committee = winner(&profile, k, rule);
            prop_assert!(check(&profile, &committee, Property::Priceability).unwrap().satisfied, "{rule} {committee:?}");
        }
    }

    /// Any committee: a failed check's witness violates the property by
    /// hand, and the properties nest (EJR+ ⇒ EJR ⇒ PJR ⇒ JR).
    #[test]
    fn witnesses_are_real_and_the_properties_nest(
        (profile, k) in profiles(),
        pick in proptest::collection::btree_set(0usize..7, 1..=7),
    ) {
        let committee: Vec<usize> = pick.into_iter().filter(|&c| c < profile.candidates()).take(k).collect();
        prop_assume!(!committee.is_empty());
        let mut satisfied = Vec::new();
        for property in [Property::EjrPlus, Property::Ejr, Property::Pjr, Property::Jr] {
            let answer = check(&profile, &committee, property).unwrap();
            if let Some(w) = &answer.witness {
                prop_assert!(!answer.satisfied);
                prop_assert!(really_violates(&profile, &committee, property, w), "{property:?} {committee:?} {w:?}");
            } else {
                prop_assert!(answer.satisfied);
            }
            satisfied.push(answer.satisfied);
        }
        for pair in satisfied.windows(2) {
            prop_assert!(!pair[0] || pair[1], "a stronger property holds, a weaker one not: {satisfied:?}");
        }
    }

    /// The resolute committee is one of the irresolute ones, for every rule.
    #[test]
    fn resolute_is_one_of_the_irresolute((profile, k) in profiles()) {
        for rule in Rule::ALL {
            if rule.resolute_only() {
                continue;
            }
            let one = winner(&profile, k, rule);
            let all = compute(&profile, k, rule, Resolution::Irresolute { max: 10_000 }).unwrap();
            prop_assert!(all.committees.contains(&one), "{rule}: {one:?} not in {:?}", all.committees);
        }
    }
}

/// Attributes for up to 7 candidates: an age group and a building each.
fn composition(
    m: usize,
    ages: &[u8],
    buildings: &[u8],
    rules: Vec<CompositionRule>,
) -> Composition {
    Composition {
        attributes: (0..m)
            .map(|c| {
                BTreeMap::from([
                    (
                        "age".to_owned(),
                        ["young", "senior"][usize::from(ages[c] % 2)].to_owned(),
                    ),
                    ("building".to_owned(), format!("B{}", buildings[c] % 3)),
                ])
            })
            .collect(),
        rules,
    }
}

fn rule(attribute: &str, value: Option<&str>) -> CompositionRule {
    CompositionRule {
        attribute: attribute.to_owned(),
        value: value.map(str::to_owned),
        min: None,
        max: None,
        min_percent: None,
        max_per_value: None,
    }
}

/// PAV's score of a committee, exactly, the slow way.
fn pav_score(profile: &Profile, committee: &[usize]) -> (u128, u128) {
    // As a fraction over lcm(1..=7) = 420.
    let n: u128 = profile
        .ballots()
        .map(|(a, w)| {
            let j = a.iter().filter(|c| committee.contains(c)).count() as u128;
            u128::from(w) * (1..=j).map(|i| 420 / i).sum::<u128>()
        })
        .sum();
    (n, 420)
}

fn all_committees(m: usize, k: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    for mask in 0u32..(1 << m) {
        if mask.count_ones() as usize == k {
            out.push((0..m).filter(|&c| mask & (1 << c) != 0).collect());
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    /// Rules that bind nothing change nothing, for every rule.
    #[test]
    fn vacuous_rules_change_nothing(
        (profile, k) in profiles(),
        ages in proptest::collection::vec(0u8..2, 7),
        buildings in proptest::collection::vec(0u8..3, 7),
    ) {
        let m = profile.candidates();
        let mut vacuous = rule("age", Some("young"));
        vacuous.max = Some(k);
        let comp = composition(m, &ages, &buildings, vec![vacuous]);
        for r in Rule::ALL {
            let resolution = if r.resolute_only() { Resolution::Resolute } else { Resolution::Irresolute { max: 10_000 } };
            let plain = compute(&profile, k, r, resolution).unwrap();
            let ruled = compute_with(&profile, k, r, resolution, &comp).unwrap();
            prop_assert_eq!(&plain.committees, &ruled.committees, "{}", r);
        }
    }

    /// Under binding rules every committee meets them, and exact PAV is the
    /// best committee among those that do.
    #[test]
    fn ruled_committees_meet_the_rules_and_pav_is_best_among_them(
        (profile, k) in profiles(),
        ages in proptest::collection::vec(0u8..2, 7),
        buildings in proptest::collection::vec(0u8..3, 7),
        young in 0usize..3,
        per_building in 1usize..3,
    ) {
        let m = profile.candidates();
        let mut min_young = rule("age", Some("young"));
        min_young.min = Some(young.min(k));
        let mut spread = rule("building", None);
        spread.max_per_value = Some(per_building);
        let comp = composition(m, &ages, &buildings, vec![min_young, spread]);
        let meets = |c: &[usize]| {
            let young = c.iter().filter(|&&x| ages[x] % 2 == 0).count();
            let worst = (0..3).map(|b| c.iter().filter(|&&x| buildings[x] % 3 == b).count()).max().unwrap_or(0);
            young >= young_min(&comp) && worst <= per_building
        };
        let feasible: Vec<Vec<usize>> = all_committees(m, k).into_iter().filter(|c| meets(c)).collect();
        for r in Rule::ALL {
            let answer = compute_with(&profile, k, r, Resolution::Resolute, &comp);
            if feasible.is_empty() {
                let e = answer.unwrap_err().to_string();
                prop_assert!(e.contains("cannot be met together"), "{e}");
                continue;
            }
            let outcome = answer.unwrap();
            for c in &outcome.committees {
                prop_assert!(meets(c), "{r}: {c:?}");
            }
            if r == Rule::Pav {
                let best = feasible.iter().map(|c| pav_score(&profile, c).0).max().unwrap();
                prop_assert_eq!(pav_score(&profile, &outcome.committees[0]).0, best);
            }
        }
    }
}

fn young_min(comp: &Composition) -> usize {
    comp.rules[0].min.unwrap_or(0)
}

#[test]
fn unmeetable_rules_are_named_irreducibly() {
    let profile = Profile::new(4, vec![Ballot::new(vec![0, 1, 2, 3], 1)]).unwrap();
    let mut at_least = rule("age", Some("young"));
    at_least.min = Some(2);
    let mut at_most = rule("age", Some("young"));
    at_most.max = Some(1);
    let mut harmless = rule("building", None);
    harmless.max_per_value = Some(3);
    let comp = composition(
        4,
        &[0, 0, 1, 1],
        &[0, 1, 2, 0],
        vec![harmless, at_least, at_most],
    );
    let e = compute_with(&profile, 3, Rule::Av, Resolution::Resolute, &comp)
        .unwrap_err()
        .to_string();
    assert!(e.contains("rule 2") && e.contains("rule 3"), "{e}");
    assert!(!e.contains("rule 1"), "{e}");
}

/// A rule on an attribute no candidate has (a misspelt `buildng`) would hold
/// vacuously: it is an error naming the rule and the attributes there are.
#[test]
fn a_rule_on_an_attribute_no_candidate_has_is_named() {
    let profile = Profile::new(4, vec![Ballot::new(vec![0, 1, 2, 3], 1)]).unwrap();
    let mut typo = rule("buildng", None);
    typo.max_per_value = Some(1);
    let comp = composition(4, &[0, 0, 1, 1], &[0, 1, 2, 0], vec![typo]);
    let e = compute_with(&profile, 3, Rule::SeqPav, Resolution::Resolute, &comp)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "composition rule 1 (at most 1 per buildng): no candidate has the attribute \
         `buildng`; their attributes are `age`, `building`"
    );
}

/// abcvoting's handcrafted property instances (`testdata/abcvoting-properties.json`,
/// made by `testdata/scripts/abc_properties.py`): every JR, PJR, EJR, EJR+ and
/// priceability verdict as abcvoting's tests expect it.
#[test]
fn abcvotings_handcrafted_property_instances() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/abcvoting-properties.json"
    ))
    .unwrap();
    let data: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut checked = 0;
    for case in data["cases"].as_array().unwrap() {
        let property = match case["property"].as_str().unwrap() {
            "jr" => Property::Jr,
            "pjr" => Property::Pjr,
            "ejr" => Property::Ejr,
            "ejr+" => Property::EjrPlus,
            "priceability" => Property::Priceability,
            _ => continue,
        };
        let m = usize::try_from(case["num_cand"].as_u64().unwrap()).unwrap();
        let ballots: Vec<Ballot> = case["profile"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                Ballot::new(
                    b.as_array()
                        .unwrap()
                        .iter()
                        .map(|c| u32::try_from(c.as_u64().unwrap()).unwrap())
                        .collect(),
                    1,
                )
            })
            .collect();
        let profile = Profile::new(m, ballots).unwrap();
        let committee: Vec<usize> = case["committee"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| usize::try_from(c.as_u64().unwrap()).unwrap())
            .collect();
        let answer = check(&profile, &committee, property).unwrap();
        assert_eq!(
            answer.satisfied,
            case["expected"].as_bool().unwrap(),
            "{property:?} {committee:?} {:?}",
            case["profile"]
        );
        if let Some(w) = &answer.witness {
            assert!(really_violates(&profile, &committee, property, w), "{w:?}");
        }
        checked += 1;
    }
    assert_eq!(checked, 63);
}

/// The committee election as a participatory-budgeting one: every candidate a
/// project costing 1, the budget `k`, each ballot's count that many voters.
fn as_budget(profile: &Profile, k: usize) -> guided_community_pb::BudgetElection {
    use std::fmt::Write as _;
    let mut text =
        format!("META\nkey;value\nbudget;{k}\nvote_type;approval\nPROJECTS\nproject_id;cost\n");
    for c in 0..profile.candidates() {
        let _ = writeln!(text, "{c};1");
    }
    text.push_str("VOTES\nvoter_id;vote\n");
    let mut id = 0;
    for (approve, count) in profile.ballots() {
        for _ in 0..count {
            id += 1;
            let vote: Vec<String> = approve.iter().map(ToString::to_string).collect();
            let _ = writeln!(text, "{id};{}", vote.join(","));
        }
    }
    guided_community_pb::parse(&text).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// A committee election is participatory budgeting with unit costs and
    /// budget k: the budgeting engines (sequential Phragmén, the Method of
    /// Equal Shares) elect what the committee rules elect, ties to the
    /// earlier candidate in both.
    #[test]
    fn the_budgeting_engines_agree_on_unit_costs((profile, k) in profiles()) {
        use guided_community_pb::{BudgetingRule, Options, run};
        let approved = (0..profile.candidates()).filter(|c| profile.ballots().any(|(a, _)| a.contains(c))).count();
        prop_assume!(approved >= k && profile.ballots().any(|(a, _)| !a.is_empty()));
        let election = as_budget(&profile, k);
        let ids = |selected: &[String]| -> Vec<usize> {
            let mut v: Vec<usize> = selected.iter().map(|s| s.parse().unwrap()).collect();
            v.sort_unstable();
            v
        };
        let phragmen = run(&election, &Options::new(BudgetingRule::Phragmen)).unwrap();
        prop_assert_eq!(ids(&phragmen.selected), winner(&profile, k, Rule::SeqPhragmen));
        // Equal Shares' own phase (before any completion): the rounds that bought.
        let mes = run(&election, &Options::new(BudgetingRule::Mes)).unwrap();
        let outcome = compute(&profile, k, Rule::EqualShares, Resolution::Resolute).unwrap();
        let mut bought: Vec<usize> = outcome
            .rounds
            .iter()
            .filter(|r| r.why.starts_with("its supporters can pay"))
            .map(|r| r.candidate)
            .collect();
        bought.sort_unstable();
        prop_assert_eq!(ids(&mes.selected), bought);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// A committee's measures equal the unit-cost budget's, and its Gini is
    /// the pairwise definition computed the slow way.
    #[test]
    fn measures_agree_and_match_the_definition((profile, k) in profiles(), pick in proptest::collection::btree_set(0usize..7, 1..=7)) {
        use guided_community_pb::measures;
        let committee: Vec<usize> = pick.into_iter().filter(|&c| c < profile.candidates()).take(k).collect();
        prop_assume!(!committee.is_empty());
        let of_committee = measures::of_committee(&profile, &committee);
        let ids: Vec<String> = committee.iter().map(ToString::to_string).collect();
        let of_budget = measures::of_budget(&as_budget(&profile, k), &ids).unwrap();
        prop_assert_eq!(&of_committee.count, &of_budget.count);
        prop_assert_eq!(of_committee.gini_count, of_budget.gini_count);
        prop_assert_eq!(of_budget.gini_cost, of_budget.gini_count);
        // Σ_i Σ_j |x_i − x_j| / (2 n² μ), voter by voter.
        let xs: Vec<i64> = profile
            .ballots()
            .flat_map(|(a, w)| {
                let n = i64::try_from(a.iter().filter(|c| committee.contains(c)).count()).unwrap();
                std::iter::repeat_n(n, usize::try_from(w).unwrap())
            })
            .collect();
        let n = i64::try_from(xs.len()).unwrap();
        let sum: i64 = xs.iter().sum();
        let pairs: i64 = xs.iter().flat_map(|a| xs.iter().map(move |b| (a - b).abs())).sum();
        let expected = if sum == 0 {
            rust_decimal::Decimal::ZERO
        } else {
            (rust_decimal::Decimal::from(pairs) / rust_decimal::Decimal::from(2 * n * sum)).round_dp_with_strategy(6, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        };
        prop_assert_eq!(of_committee.gini_count, expected);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// A ballot's count is that many voters: Monroe and greedy Monroe elect
    /// the same from counted ballots as from the ballots written out.
    #[test]
    fn counts_are_voters_for_monroe((profile, k) in profiles()) {
        let expanded = Profile::new(
            profile.candidates(),
            profile
                .ballots()
                .flat_map(|(a, w)| {
                    let approve: Vec<u32> = a.iter().map(|&c| u32::try_from(c).unwrap()).collect();
                    std::iter::repeat_n(Ballot::new(approve, 1), usize::try_from(w).unwrap())
                })
                .collect(),
        )
        .unwrap();
        for rule in [Rule::Monroe, Rule::GreedyMonroe] {
            let resolution = if rule.resolute_only() { Resolution::Resolute } else { Resolution::Irresolute { max: 1000 } };
            prop_assert_eq!(
                compute(&profile, k, rule, resolution).unwrap().committees,
                compute(&expanded, k, rule, resolution).unwrap().committees,
                "{}", rule
            );
        }
    }
}
