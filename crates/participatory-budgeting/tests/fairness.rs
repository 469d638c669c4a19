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
