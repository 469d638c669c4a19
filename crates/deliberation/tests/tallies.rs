//! Tallies: the 26 reference profiles of `testdata/voting.json` (`pref_voting` 1.18.2)
//! and the properties a reader of a tally relies on.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::collections::BTreeMap;

use guided_community_deliberation::{
    Ballot, CandidateElection, CandidateTieBreak, Round, RunoffTies, TallyOptions, VotingMethod,
    tally, tally_with,
};
use proptest::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Vectors {
    source: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    #[serde(flatten)]
    election: CandidateElection,
    winners: BTreeMap<VotingMethod, Vec<String>>,
}

#[test]
fn every_reference_profile() {
    let vectors: Vectors =
        serde_json::from_str(include_str!("../../../testdata/voting.json")).unwrap();
    assert!(vectors.source.contains("pref_voting"));
    assert_eq!(vectors.cases.len(), 26);
    let mut checked = 0;
    let mut failures = Vec::new();
    for (n, case) in vectors.cases.iter().enumerate() {
        assert_eq!(case.winners.len(), 5, "case {n} covers five methods");
        for (&method, expected) in &case.winners {
            // The vectors' IRV is pref_voting's `instant_runoff`: tied last
            // candidates go out together.
            let options = TallyOptions::new().with_runoff_ties(RunoffTies::All);
            let mut got = tally_with(&case.election, method, &options)
                .unwrap()
                .winners;
            let mut expected = expected.clone();
            got.sort();
            expected.sort();
            if got != expected {
                failures.push(format!(
                    "case {n} {method}: got {got:?}, expected {expected:?}"
                ));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 26 * 5);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[derive(Deserialize)]
struct RunoffVectors {
    source: String,
    cases: Vec<RunoffCase>,
}

#[derive(Deserialize)]
struct RunoffCase {
    #[serde(flatten)]
    election: CandidateElection,
    tie_break: Vec<String>,
    winners: BTreeMap<RunoffTies, Vec<String>>,
}

#[test]
fn irv_ties_for_last_agree_with_pref_voting() {
    let vectors: RunoffVectors =
        serde_json::from_str(include_str!("../../../testdata/irv-ties.json")).unwrap();
    assert!(vectors.source.contains("instant_runoff_put"));
    assert_eq!(vectors.cases.len(), 300);
    let mut failures = Vec::new();
    let mut disagreeing = 0;
    for (n, case) in vectors.cases.iter().enumerate() {
        assert_eq!(case.winners.len(), 3);
        let sets: std::collections::BTreeSet<_> = case.winners.values().collect();
        disagreeing += usize::from(sets.len() > 1);
        for (&ties, expected) in &case.winners {
            let options = TallyOptions::new()
                .with_tie_break(CandidateTieBreak::Order(case.tie_break.clone()))
                .with_runoff_ties(ties);
            let got = tally_with(&case.election, VotingMethod::InstantRunoff, &options)
                .unwrap()
                .winners;
            if &got != expected {
                failures.push(format!(
                    "case {n} {}: got {got:?}, expected {expected:?}",
                    ties.name()
                ));
            }
        }
    }
    assert!(
        disagreeing > 100,
        "the vectors exercise ties: {disagreeing}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_issue_profile_plurality_a_the_rest_b() {
    let vectors: Vectors =
        serde_json::from_str(include_str!("../../../testdata/voting.json")).unwrap();
    let first = &vectors.cases[0].election;
    assert_eq!(first.ballots.iter().map(count).sum::<u64>(), 21);
    assert_eq!(
        tally(first, VotingMethod::Plurality, None).unwrap().winners,
        ["A"]
    );
    for method in [
        VotingMethod::Borda,
        VotingMethod::Schulze,
        VotingMethod::Copeland,
    ] {
        assert_eq!(tally(first, method, None).unwrap().winners, ["B"]);
    }
}

fn count(ballot: &Ballot) -> u64 {
    match ballot {
        Ballot::Ranked { count, .. } | Ballot::Approval { count, .. } => *count,
    }
}

const NAMES: [&str; 6] = ["A", "B", "C", "D", "E", "F"];

/// Elections with 1–6 candidates and up to 12 ranked ballots, possibly truncated.
fn elections() -> impl Strategy<Value = CandidateElection> {
    (1usize..=6).prop_flat_map(|m| {
        let ballot = (
            Just((0..m).collect::<Vec<_>>()).prop_shuffle(),
            0..=m,
            1u64..=5,
        )
            .prop_map(|(order, keep, count)| {
                Ballot::ranked(order.into_iter().take(keep).map(|c| NAMES[c]), count)
            });
        proptest::collection::vec(ballot, 0..12).prop_map(move |ballots| CandidateElection {
            candidates: NAMES[..m].iter().map(|&c| c.to_owned()).collect(),
            ballots,
        })
    })
}

fn margins(t: &guided_community_deliberation::Tally) -> Vec<Vec<i64>> {
    t.rounds
        .iter()
        .find_map(|round| match round {
            Round::Margins { margins, .. } => Some(margins.clone()),
            _ => None,
        })
        .unwrap()
}

const RANKED: [VotingMethod; 5] = [
    VotingMethod::Plurality,
    VotingMethod::Borda,
    VotingMethod::InstantRunoff,
    VotingMethod::Schulze,
    VotingMethod::Copeland,
];

proptest! {
    #[test]
    fn a_condorcet_winner_wins_schulze_and_copeland(e in elections()) {
        let schulze = tally(&e, VotingMethod::Schulze, None).unwrap();
        let margins = margins(&schulze);
        let m = e.candidates.len();
        let condorcet = (0..m).find(|&a| (0..m).all(|b| a == b || margins[a][b] > 0));
        if let Some(a) = condorcet {
            prop_assert_eq!(&schulze.winners, &vec![e.candidates[a].clone()]);
            let copeland = tally(&e, VotingMethod::Copeland, None).unwrap();
            prop_assert_eq!(&copeland.winners, &vec![e.candidates[a].clone()]);
        }
    }

    #[test]
    fn winners_are_never_empty_and_lead_the_ranking(e in elections()) {
        for method in RANKED {
            let t = tally(&e, method, None).unwrap();
            prop_assert!(!t.winners.is_empty(), "{} has no winner", method);
            prop_assert_eq!(&t.ranking[0], &t.winners);
            // The ranking places every candidate exactly once.
            let mut placed: Vec<_> = t.ranking.concat();
            placed.sort();
            let mut all = e.candidates.clone();
            all.sort();
            prop_assert_eq!(placed, all);
        }
    }

    #[test]
    fn margins_are_antisymmetric_and_bounded(e in elections()) {
        let t = tally(&e, VotingMethod::Copeland, None).unwrap();
        let margins = margins(&t);
        for (i, row) in margins.iter().enumerate() {
            for (j, &d) in row.iter().enumerate() {
                prop_assert_eq!(d, -margins[j][i]);
                prop_assert!(d.unsigned_abs() <= t.ballots);
            }
        }
    }

    #[test]
    fn the_order_of_ballots_does_not_matter(e in elections(), seed in any::<u64>()) {
        let mut shuffled = e.clone();
        let n = shuffled.ballots.len();
        if n > 1 {
            let k = usize::try_from(seed % n as u64).unwrap();
            shuffled.ballots.rotate_left(k);
            shuffled.ballots.reverse();
        }
        for method in RANKED {
            prop_assert_eq!(
                tally(&e, method, None).unwrap().ranking,
                tally(&shuffled, method, None).unwrap().ranking
            );
        }
    }

    #[test]
    fn a_tie_break_elects_one_of_the_winners(e in elections(), seed in any::<u64>()) {
        for method in RANKED {
            let plain = tally(&e, method, None).unwrap();
            let broken = tally(&e, method, Some(&CandidateTieBreak::Lottery(seed))).unwrap();
            let elected = broken.elected.clone().unwrap();
            prop_assert!(broken.winners.contains(&elected));
            prop_assert_eq!(plain.elected.is_some(), plain.winners.len() == 1);
            prop_assert_eq!(&broken.winners, &plain.winners);
            if method == VotingMethod::InstantRunoff {
                // Ties for last settled by the order: one at a time, one winner,
                // and one of the parallel universes' winners.
                let options = TallyOptions::new()
                    .with_tie_break(CandidateTieBreak::Lottery(seed))
                    .with_runoff_ties(RunoffTies::TieBreak);
                let one = tally_with(&e, method, &options).unwrap();
                prop_assert_eq!(one.winners.len(), 1);
                prop_assert!(plain.winners.contains(&one.winners[0]));
            }
        }
    }

    #[test]
    fn a_first_preference_majority_wins_irv_and_plurality(e in elections()) {
        let t = tally(&e, VotingMethod::Plurality, None).unwrap();
        let Round::Scores { scores } = &t.rounds[0] else { panic!("scores") };
        if let Some(top) = scores.iter().find(|s| 2 * s.score.unsigned_abs() > t.ballots) {
            prop_assert_eq!(&t.winners, &vec![top.candidate.clone()]);
            let irv = tally(&e, VotingMethod::InstantRunoff, None).unwrap();
            prop_assert_eq!(&irv.winners, &vec![top.candidate.clone()]);
            prop_assert_eq!(irv.rounds.len(), 1);
        }
    }
}
