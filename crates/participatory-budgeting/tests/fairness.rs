//! The budget fairness checks against pabutools' verdicts
//! (`testdata/pb-fairness.json`, made by `testdata/scripts/pb_fairness.py`),
//! and every witness checked by hand.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::fmt::Write as _;

use guided_community_pb::fairness::{BudgetProperty, Satisfaction, UpTo, check_budget};
use guided_community_pb::{BudgetElection, parse};

fn election(costs: &[u64], budget: u64, ballots: &[Vec<usize>]) -> BudgetElection {
    let mut text = format!(
        "META\nkey;value\nbudget;{budget}\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
    );
    for (i, c) in costs.iter().enumerate() {
        let _ = writeln!(text, "p{i};{c}");
    }
    text.push_str("VOTES\nvoter_id;vote\n");
    for (v, b) in ballots.iter().enumerate() {
        let ids: Vec<String> = b.iter().map(|p| format!("p{p}")).collect();
        let _ = writeln!(text, "{};{}", v + 1, ids.join(","));
    }
    parse(&text).unwrap()
}

#[test]
fn pabutools_verdicts() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/pb-fairness.json"
    ))
    .unwrap();
    let data: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut checked = 0;
    for case in data["cases"].as_array().unwrap() {
        let as_vec = |v: &serde_json::Value| -> Vec<u64> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap())
                .collect()
        };
        let costs = as_vec(&case["costs"]);
        let budget = case["budget"].as_u64().unwrap();
        let ballots: Vec<Vec<usize>> = case["ballots"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                as_vec(b)
                    .into_iter()
                    .map(|x| usize::try_from(x).unwrap())
                    .collect()
            })
            .collect();
        let selected: Vec<String> = as_vec(&case["selected"])
            .iter()
            .map(|p| format!("p{p}"))
            .collect();
        let e = election(&costs, budget, &ballots);
        for (key, expected) in case["verdicts"].as_object().unwrap() {
            let parts: Vec<&str> = key.split('/').collect();
            let property = if parts[0] == "ejr" {
                BudgetProperty::Ejr
            } else {
                BudgetProperty::Pjr
            };
            let up_to = match parts[1] {
                "exact" => UpTo::Exact,
                "one" => UpTo::One,
                _ => UpTo::Any,
            };
            let sat = if parts[2] == "cost" {
                Satisfaction::Cost
            } else {
                Satisfaction::Cardinality
            };
            let answer = check_budget(&e, &selected, property, sat, up_to).unwrap();
            assert_eq!(
                answer.satisfied,
                expected.as_bool().unwrap(),
                "{key}: costs {costs:?} budget {budget} ballots {ballots:?} selected {selected:?}: {:?}",
                answer.witness
            );
            if let Some(w) = &answer.witness {
                // Cohesive: everyone approves the projects, and can afford them.
                let t: Vec<usize> = w.projects.iter().map(|p| p[1..].parse().unwrap()).collect();
                assert!(
                    w.voters
                        .iter()
                        .all(|&v| t.iter().all(|p| ballots[v].contains(p)))
                );
                let cost: u64 = t.iter().map(|&p| costs[p]).sum();
                assert!(cost * ballots.len() as u64 <= w.voters.len() as u64 * budget);
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 60 * 12);
}

/// Every condition of a price system, checked afresh in big rationals.
fn check_price_system(
    e: &BudgetElection,
    selected: &[String],
    prices: &guided_community_pb::fairness::PriceSystem,
) {
    use num_rational::BigRational;
    let exact = |x: &guided_community_pb::fairness::Ratio| {
        BigRational::new(x.numerator.into(), x.denominator.into())
    };
    let money = |d: rust_decimal::Decimal| -> BigRational {
        let scale = d.scale();
        BigRational::new(d.mantissa().into(), 10i128.pow(scale).into())
    };
    let b = exact(&prices.voter_budget);
    let n = e.voters.len();
    assert!(
        b.clone() * BigRational::from_integer(n.into()) >= money(e.budget().unwrap()),
        "b·n ≥ L"
    );
    let mut spent = vec![BigRational::from_integer(0.into()); n];
    let mut paid = std::collections::BTreeMap::<String, BigRational>::new();
    let mut seen = vec![false; n];
    for group in &prices.groups {
        for &v in &group.voters {
            assert!(!seen[v], "voter {v} twice");
            seen[v] = true;
            for (project, amount) in &group.payments {
                let p = e.projects.iter().position(|x| &x.id == project).unwrap();
                assert!(
                    e.voters[v].ballot.contains(&u32::try_from(p).unwrap()),
                    "pays only for approved"
                );
                assert!(selected.contains(project), "pays only for selected");
                spent[v] += exact(amount);
                *paid
                    .entry(project.clone())
                    .or_insert_with(|| BigRational::from_integer(0.into())) += exact(amount);
            }
        }
    }
    assert!(seen.iter().all(|&s| s), "every voter priced");
    for (v, s) in spent.iter().enumerate() {
        assert!(*s <= b, "voter {v} overspends");
    }
    for (i, p) in e.projects.iter().enumerate() {
        if selected.contains(&p.id) {
            assert_eq!(
                paid.get(&p.id).cloned().unwrap_or_default(),
                money(p.cost),
                "{} paid in full",
                p.id
            );
        } else {
            let left: BigRational = (0..n)
                .filter(|&v| e.voters[v].ballot.contains(&u32::try_from(i).unwrap()))
                .map(|v| b.clone() - spent[v].clone())
                .sum();
            assert!(left <= money(p.cost), "{}'s supporters keep {left}", p.id);
        }
    }
}

#[test]
fn priceability_agrees_with_pabutools_and_its_certificates_check() {
    use guided_community_pb::fairness::{Priceability, priceability};
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/pb-priceability.json"
    ))
    .unwrap();
    let data: serde_json::Value = serde_json::from_str(&text).unwrap();
    let (mut yes, mut no) = (0, 0);
    for (index, case) in data["cases"].as_array().unwrap().iter().enumerate() {
        let ints = |v: &serde_json::Value| -> Vec<u64> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap())
                .collect()
        };
        let ballots: Vec<Vec<usize>> = case["ballots"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                ints(b)
                    .into_iter()
                    .map(|x| usize::try_from(x).unwrap())
                    .collect()
            })
            .collect();
        let e = election(
            &ints(&case["costs"]),
            case["budget"].as_u64().unwrap(),
            &ballots,
        );
        let selected: Vec<String> = ints(&case["selected"])
            .iter()
            .map(|p| format!("p{p}"))
            .collect();
        let expected = case["priceable"].as_bool().unwrap();
        match priceability(&e, &selected).unwrap() {
            Priceability::Priceable(prices) => {
                assert!(
                    expected,
                    "case {index}: pabutools says not priceable, we found {prices:?}"
                );
                check_price_system(&e, &selected, &prices);
                yes += 1;
            }
            Priceability::NotPriceable(why) => {
                assert!(
                    !expected,
                    "case {index}: pabutools says priceable, we say {why:?}"
                );
                no += 1;
            }
            Priceability::Undecided { why } => panic!("case {index}: undecided: {why}"),
        }
    }
    assert!(yes > 50 && no > 20, "{yes} priceable, {no} not");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

    /// The Method of Equal Shares (no completion) is priceable by
    /// construction, with b = L/n; the check always finds a price system, and
    /// it checks. Greedy's selections are always decided.
    #[test]
    fn equal_shares_is_priceable(e in guided_community_pb::strategy::budget_election()) {
        use guided_community_pb::fairness::{Priceability, priceability};
        use guided_community_pb::{BudgetingRule, Options, run};
        let mes = run(&e, &Options::new(BudgetingRule::Mes)).unwrap().selected;
        match priceability(&e, &mes).unwrap() {
            Priceability::Priceable(prices) => check_price_system(&e, &mes, &prices),
            other => proptest::prop_assert!(false, "{mes:?}: {other:?}"),
        }
        let greedy = run(&e, &Options::new(BudgetingRule::Greedy)).unwrap().selected;
        let verdict = priceability(&e, &greedy).unwrap();
        proptest::prop_assert!(!matches!(verdict, Priceability::Undecided { .. }), "{verdict:?}");
    }
}

/// Priceability's exact program holds amounts up to 2^60 in the smallest
/// unit: beyond, the error names the amount and the limit in the file's own
/// unit (it said "arithmetic overflow while scaling money for a fairness
/// check"). The other checks take any amount.
#[test]
fn priceability_names_an_amount_past_its_limit() {
    use guided_community_pb::fairness::priceability;
    let e = parse(
        "META\nkey;value\nbudget;18446744073709551615000\nvote_type;approval\n\
         PROJECTS\nproject_id;cost\na;50.25\nb;60\nVOTES\nvoter_id;vote\n1;a\n",
    )
    .unwrap();
    let error = priceability(&e, &["a".to_owned()]).unwrap_err().to_string();
    assert_eq!(
        error,
        "priceability checks take amounts up to 11529215046068469.76; \
         the budget is 18446744073709551615000"
    );
    let ejr = check_budget(
        &e,
        &["a".to_owned()],
        BudgetProperty::Ejr,
        Satisfaction::Cost,
        UpTo::Exact,
    );
    assert!(ejr.is_ok(), "{ejr:?}");
}
