//! Helpers for the crate's own tests: real elections from `testdata/pabulib/`,
//! small elections from costs and ballots, and the strategies the properties
//! share.

#![allow(clippy::unwrap_used, reason = "test data that must be there")]

use crate::{BudgetElection, ProjectTieBreak, parse};

/// A file of `testdata/pabulib/`, parsed (for the crate's own tests).
pub(crate) fn testdata(name: &str) -> BudgetElection {
    let text = std::fs::read_to_string(format!(
        "{}/../../testdata/pabulib/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    parse(&text).unwrap()
}

/// An election of `p0, p1, …` with these costs, for the crate's own tests: ballots
/// of (project, points), as approvals (points ignored) or cumulative votes.
pub(crate) fn election(
    budget: u64,
    costs: &[u64],
    ballots: &[Vec<(usize, u64)>],
    points: bool,
) -> BudgetElection {
    use core::fmt::Write as _;
    let kind = if points { "cumulative" } else { "approval" };
    let mut text =
        format!("META\nkey;value\nbudget;{budget}\nvote_type;{kind}\nPROJECTS\nproject_id;cost\n");
    for (i, c) in costs.iter().enumerate() {
        let _ = writeln!(text, "p{i};{c}");
    }
    text.push_str(if points {
        "VOTES\nvoter_id;vote;points\n"
    } else {
        "VOTES\nvoter_id;vote\n"
    });
    for (v, ballot) in ballots.iter().enumerate() {
        let names: Vec<String> = ballot.iter().map(|(p, _)| format!("p{p}")).collect();
        let given: Vec<String> = ballot.iter().map(|(_, x)| x.to_string()).collect();
        if points {
            let _ = writeln!(text, "{v};{};{}", names.join(","), given.join(","));
        } else {
            let _ = writeln!(text, "{v};{}", names.join(","));
        }
    }
    parse(&text).unwrap()
}

/// Random ballots for the crate's own properties: projects below `m` only, and
/// no empty ballot.
pub(crate) fn in_range(
    ballots: Vec<std::collections::BTreeMap<usize, u64>>,
    m: usize,
) -> Vec<Vec<(usize, u64)>> {
    ballots
        .into_iter()
        .map(|b| b.into_iter().filter(|&(p, _)| p < m).collect::<Vec<_>>())
        .filter(|b| !b.is_empty())
        .collect()
}

/// The tie-breaks the crate's properties try, refusal included.
pub(crate) fn tie_breaks() -> impl proptest::strategy::Strategy<Value = ProjectTieBreak> {
    use proptest::prelude::*;
    prop_oneof![
        Just(ProjectTieBreak::FileOrder),
        Just(ProjectTieBreak::CostThenVotes),
        Just(ProjectTieBreak::Id),
        Just(ProjectTieBreak::Refuse),
    ]
}
