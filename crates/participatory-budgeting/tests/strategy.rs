//! The exported strategies produce valid input, and not only degenerate
//! cases.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use guided_community_pb::committee::{Resolution, Rule, compute};
use guided_community_pb::fairness::{BudgetProperty, Satisfaction, UpTo, check_budget};
use guided_community_pb::{BudgetingRule, Options, run, strategy};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

#[test]
fn committee_elections_are_valid_and_varied() {
    let mut runner = TestRunner::deterministic();
    let (mut seats, mut groups) = (0, 0);
    for _ in 0..200 {
        let (profile, k) = strategy::committee_election()
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let outcome = compute(&profile, k, Rule::SeqPhragmen, Resolution::Resolute).unwrap();
        assert_eq!(outcome.committees[0].len(), k);
        seats += usize::from(k > 1);
        groups += usize::from(profile.ballots().count() > 2);
    }
    assert!(seats > 100 && groups > 100, "{seats} {groups}");
}

#[test]
fn budget_elections_are_valid_and_varied() {
    let mut runner = TestRunner::deterministic();
    let mut several = 0;
    for _ in 0..200 {
        let election = strategy::budget_election()
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let outcome = run(&election, &Options::new(BudgetingRule::Mes)).unwrap();
        check_budget(
            &election,
            &outcome.selected,
            BudgetProperty::Ejr,
            Satisfaction::Cost,
            UpTo::One,
        )
        .unwrap();
        several += usize::from(
            run(&election, &Options::new(BudgetingRule::Greedy))
                .unwrap()
                .selected
                .len()
                > 1,
        );
    }
    assert!(several > 50, "{several}");
}
