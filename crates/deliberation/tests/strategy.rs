//! The exported strategies produce elections every method can count, and not
//! only degenerate ones.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use guided_community_deliberation::{Ballot, VotingMethod, strategy, tally};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

#[test]
fn elections_are_countable_and_varied() {
    let mut runner = TestRunner::deterministic();
    let (mut truncated, mut contested) = (0, 0);
    for _ in 0..200 {
        let election = strategy::ranked_election()
            .new_tree(&mut runner)
            .unwrap()
            .current();
        for method in [
            VotingMethod::Plurality,
            VotingMethod::Borda,
            VotingMethod::InstantRunoff,
            VotingMethod::Schulze,
            VotingMethod::Copeland,
        ] {
            tally(&election, method, None).unwrap();
        }
        truncated += usize::from(election.ballots.iter().any(|b| matches!(b, Ballot::Ranked { ranking, .. } if ranking.len() < election.candidates.len())));
        contested += usize::from(
            tally(&election, VotingMethod::Plurality, None)
                .unwrap()
                .ranking
                .len()
                > 1,
        );
        let approval = strategy::approval_election()
            .new_tree(&mut runner)
            .unwrap()
            .current();
        tally(&approval, VotingMethod::Approval, None).unwrap();
    }
    assert!(truncated > 50 && contested > 50, "{truncated} {contested}");
}
