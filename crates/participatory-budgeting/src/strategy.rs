//! [`proptest`](mod@proptest) strategies for committee and budgeting
//! inputs (with the `proptest` feature), for researchers stating properties
//! of their own. They shrink towards fewer candidates, fewer ballots and
//! smaller counts and costs: a failing case ends small enough to read.
//!
//! ```
//! use guided_community_pb::committee::{check, compute, Property, Resolution, Rule};
//! use guided_community_pb::strategy;
//! use proptest::prelude::*;
//!
//! // PAV committees satisfy EJR.
//! proptest!(|((profile, k) in strategy::committee_election())| {
//!     let w = compute(&profile, k, Rule::Pav, Resolution::Resolute).unwrap().committees.remove(0);
//!     prop_assert!(check(&profile, &w, Property::Ejr).unwrap().satisfied);
//! });
//! ```

use std::fmt::Write as _;

use proptest::prelude::*;

use crate::committee::{Ballot, Profile};
use crate::{BudgetElection, parse};

/// An approval profile over 2 to 7 candidates: 1 to 9 ballots, each
/// approving a nonempty set and cast 1 to 3 times; with a committee size
/// from 1 to the candidates.
pub fn committee_election() -> impl Strategy<Value = (Profile, usize)> {
    (2usize..=7).prop_flat_map(|m| {
        let candidates = u32::try_from(m).unwrap_or(2);
        (
            proptest::collection::vec(
                (
                    proptest::collection::btree_set(0..candidates, 1..=m),
                    1u64..4,
                ),
                1..10,
            ),
            1..=m,
        )
            .prop_filter_map("a valid profile", move |(ballots, k)| {
                let ballots = ballots
                    .into_iter()
                    .map(|(approve, count)| Ballot::new(approve.into_iter().collect(), count))
                    .collect();
                Profile::new(m, ballots).ok().map(|p| (p, k))
            })
    })
}

/// An approval budgeting election in Pabulib form: 2 to 6 projects costing
/// 1 to 20, a budget between the dearest project and the total, 1 to 12
/// voters each approving a nonempty set.
pub fn budget_election() -> impl Strategy<Value = BudgetElection> {
    (2usize..=6).prop_flat_map(|m| {
        (
            proptest::collection::vec(1u64..=20, m),
            proptest::collection::vec(proptest::collection::btree_set(0..m, 1..=m), 1..13),
            0u64..=100,
        )
            .prop_filter_map("a valid election", |(costs, ballots, percent)| {
                let most = costs.iter().copied().max().unwrap_or(1);
                let total: u64 = costs.iter().sum();
                let budget = most + (total - most) * percent / 100;
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
                parse(&text).ok()
            })
    })
}
