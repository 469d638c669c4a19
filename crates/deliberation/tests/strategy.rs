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

#[test]
fn council_pools_can_be_selected_from_and_their_rules_bind() {
    use guided_community_deliberation::{check, select};
    let mut runner = TestRunner::deterministic();
    let (mut ruled, mut binding, mut sizes) = (0, 0, std::collections::BTreeSet::new());
    for seed in 0..150 {
        let pool = strategy::council_pool()
            .new_tree(&mut runner)
            .unwrap()
            .current();
        sizes.insert(pool.volunteers.len());
        let witness = &pool.volunteers[..pool.seats as usize];
        assert!(check(witness, &pool.rules).unwrap().is_empty(), "{pool:?}");
        let selection = select(&pool.volunteers, pool.seats, &pool.rules, seed)
            .unwrap_or_else(|e| panic!("{pool:?}: {e}"));
        let council: Vec<_> = pool
            .volunteers
            .iter()
            .filter(|v| selection.council.contains(&v.id))
            .cloned()
            .collect();
        assert!(check(&council, &pool.rules).unwrap().is_empty());
        let hard = pool.rules.hard_rules().len();
        ruled += usize::from(hard >= 2);
        // A rule binds when an unconstrained council of the size could break it.
        let everyone_alike = select(
            &pool.volunteers,
            pool.seats,
            &guided_community_deliberation::CouncilRules::none(),
            seed,
        )
        .unwrap();
        binding += usize::from(everyone_alike.minimum != selection.minimum);
    }
    assert!(sizes.len() > 10, "{sizes:?}");
    assert!(ruled > 40, "{ruled} of 150 pools with two or more rules");
    assert!(
        binding > 20,
        "{binding} of 150 pools whose rules change the chances"
    );
}
