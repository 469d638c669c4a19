//! Tests of the tallies: hand-checked profiles and the properties a reader relies on.

use super::*;
use crate::rng::SplitMix64;

fn election(candidates: &[&str], ballots: &[(&[&str], u64)]) -> CandidateElection {
    CandidateElection {
        candidates: candidates.iter().map(|&c| c.to_owned()).collect(),
        ballots: ballots
            .iter()
            .map(|(ranking, count)| Ballot::ranked(ranking.iter().copied(), *count))
            .collect(),
    }
}

fn winners(e: &CandidateElection, method: VotingMethod) -> Vec<String> {
    tally(e, method, None).unwrap().winners
}

#[test]
fn the_twenty_one_voter_profile_splits_the_methods() {
    let e = election(
        &["A", "B", "C"],
        &[
            (&["A", "B", "C"], 8),
            (&["B", "C", "A"], 7),
            (&["C", "B", "A"], 6),
        ],
    );
    assert_eq!(winners(&e, VotingMethod::Plurality), ["A"]);
    for method in [
        VotingMethod::Borda,
        VotingMethod::Schulze,
        VotingMethod::Copeland,
        VotingMethod::InstantRunoff,
    ] {
        assert_eq!(winners(&e, method), ["B"], "{method}");
    }
    let irv = tally(&e, VotingMethod::InstantRunoff, None).unwrap();
    assert_eq!(
        irv.to_string(),
        "irv: B wins\n  count 1: A 8, B 7, C 6; C eliminated\n  count 2: A 8, B 13; B elected"
    );
    assert_eq!(irv.ranking, [vec!["B"], vec!["A"], vec!["C"]]);
    let schulze = tally(&e, VotingMethod::Schulze, None).unwrap();
    assert_eq!(
        schulze.to_string(),
        "schulze: B wins\n  margins: A–B -5, A–C -5, B–C +9\n  \
         strongest paths: B→A 5, B→C 9, C→A 5"
    );
}

#[test]
fn truncated_rankings_put_the_unranked_last() {
    // 3 voters rank only A; 2 rank B then C. A beats B and C 3–2.
    let e = election(&["A", "B", "C"], &[(&["A"], 3), (&["B", "C"], 2)]);
    let t = tally(&e, VotingMethod::Schulze, None).unwrap();
    assert_eq!(t.winners, ["A"]);
    let Round::Margins { margins, .. } = &t.rounds[0] else {
        panic!("margins first")
    };
    assert_eq!(margins, &[vec![0, 1, 1], vec![-1, 0, 2], vec![-1, -2, 0]]);
    // Borda: A 3·2 = 6, B 2·2 = 4, C 2·1 = 2.
    let borda = tally(&e, VotingMethod::Borda, None).unwrap();
    assert_eq!(borda.ranking, [vec!["A"], vec!["B"], vec!["C"]]);
}

fn irv(
    e: &CandidateElection,
    ties: RunoffTies,
    tie_break: Option<CandidateTieBreak>,
) -> Result<Tally> {
    let mut options = TallyOptions::new().with_runoff_ties(ties);
    options.tie_break = tie_break;
    tally_with(e, VotingMethod::InstantRunoff, &options)
}

#[test]
fn irv_ties_for_last_are_a_choice() {
    let e = election(
        &["A", "B", "C", "D"],
        &[
            (&["A", "B"], 3),
            (&["B", "A"], 3),
            (&["C", "A"], 1),
            (&["D", "B"], 1),
        ],
    );
    // All: C and D go out together; A and B then tie 4–4 and are both elected.
    let t = irv(&e, RunoffTies::All, None).unwrap();
    assert_eq!(t.winners, ["A", "B"]);
    assert_eq!(t.elected, None);
    assert_eq!(t.ranking, [vec!["A", "B"], vec!["C", "D"]]);
    let order = CandidateTieBreak::Order(vec!["B".into(), "D".into(), "C".into(), "A".into()]);
    let t = irv(&e, RunoffTies::TieBreak, Some(order.clone())).unwrap();
    // One at a time: A (lowest in the order) loses the final tie, after C and D.
    assert_eq!(t.winners, ["B"]);
    assert_eq!(t.ranking, [vec!["B"], vec!["A"], vec!["D"], vec!["C"]]);
    let Round::Runoff {
        tied, eliminated, ..
    } = &t.rounds[0]
    else {
        panic!("a runoff count first")
    };
    assert_eq!(
        (tied.as_slice(), eliminated.as_slice()),
        (&["C".to_owned(), "D".to_owned()][..], &["C".to_owned()][..])
    );
    // Parallel universes (the default): without C (or D), the other goes out
    // next and A and B tie 4–4: both are winners, and the order picks B.
    let t = tally(&e, VotingMethod::InstantRunoff, Some(&order)).unwrap();
    assert_eq!(t.winners, ["A", "B"]);
    assert_eq!(t.elected.as_deref(), Some("B"));
    assert_eq!(
        t.to_string(),
        "irv: A, B tie, B wins the tie-break\n  count 1: A 3, B 3, C 1, D 1; C, D tie for last\n  count 1, every order of elimination: without C, A, B tie; without D, A, B tie"
    );
    assert_eq!(
        irv(&e, RunoffTies::TieBreak, None),
        Err(Error::TieBreakRequired)
    );
}

#[test]
fn irv_does_not_drop_two_candidates_either_of_whom_beats_the_winner() {
    // The issue's profile: C and D tie for last with 2 each. Dropping both
    // elects A, yet A loses the final round to whichever of them stays.
    let e = election(
        &["A", "B", "C", "D"],
        &[
            (&["D", "B", "C", "A"], 2),
            (&["A", "B", "C", "D"], 3),
            (&["C", "D", "A", "B"], 2),
        ],
    );
    assert_eq!(
        tally(&e, VotingMethod::InstantRunoff, None)
            .unwrap()
            .winners,
        ["C", "D"]
    );
    assert_eq!(irv(&e, RunoffTies::All, None).unwrap().winners, ["A"]);
    let t = tally(&e, VotingMethod::InstantRunoff, None).unwrap();
    let shown = t.to_string();
    assert!(shown.contains("B 0, C 2, D 2; B eliminated"), "{shown}");
    assert!(shown.contains("C, D tie for last"), "{shown}");
    assert!(
        shown.contains("without C, D wins; without D, C wins"),
        "{shown}"
    );
}

#[test]
fn ties_are_sets_and_a_tie_break_picks_one() {
    let e = election(
        &["A", "B", "C"],
        &[(&["A", "B", "C"], 1), (&["B", "A", "C"], 1)],
    );
    let t = tally(&e, VotingMethod::Borda, None).unwrap();
    assert_eq!(t.winners, ["A", "B"]);
    assert_eq!(t.elected, None);
    assert_eq!(t.to_string(), "borda: A, B tie\n  scores: A 3, B 3, C 0");
    let order = CandidateTieBreak::Order(vec!["C".into(), "B".into(), "A".into()]);
    let t = tally(&e, VotingMethod::Borda, Some(&order)).unwrap();
    assert_eq!(t.winners, ["A", "B"]);
    assert_eq!(t.elected.as_deref(), Some("B"));
    // The lottery is reproducible from its seed and records the order it drew.
    let a = tally(
        &e,
        VotingMethod::Borda,
        Some(&CandidateTieBreak::Lottery(7)),
    )
    .unwrap();
    let b = tally(
        &e,
        VotingMethod::Borda,
        Some(&CandidateTieBreak::Lottery(7)),
    )
    .unwrap();
    assert_eq!(a, b);
    assert_eq!(a.tie_break_order.as_ref().map(Vec::len), Some(3));
    let seen: std::collections::BTreeSet<_> = (0..64)
        .map(|seed| {
            tally(
                &e,
                VotingMethod::Borda,
                Some(&CandidateTieBreak::Lottery(seed)),
            )
            .unwrap()
            .elected
            .unwrap()
        })
        .collect();
    assert_eq!(seen.len(), 2, "both tied candidates can win the lottery");
}

#[test]
fn approval_counts_approvals() {
    let e = CandidateElection {
        candidates: vec!["A".into(), "B".into()],
        ballots: vec![Ballot::approval(["A", "B"], 2), Ballot::approval(["B"], 1)],
    };
    let t = tally(&e, VotingMethod::Approval, None).unwrap();
    assert_eq!(t.winners, ["B"]);
    assert_eq!(t.to_string(), "approval: B wins\n  scores: A 2, B 3");
}

#[test]
fn malformed_elections_are_typed_errors() {
    let ranked = election(&["A", "B"], &[(&["A", "B"], 1)]);
    assert_eq!(
        tally(&ranked, VotingMethod::Approval, None),
        Err(Error::WrongBallotKind {
            ballot: 0,
            method: "approval"
        })
    );
    let e = election(&["A", "B"], &[(&["A", "A"], 1)]);
    assert_eq!(
        tally(&e, VotingMethod::Borda, None),
        Err(Error::RepeatedInBallot {
            ballot: 0,
            candidate: "A".into()
        })
    );
    let e = election(&["A", "B"], &[(&["A"], 1), (&["Z"], 1)]);
    assert_eq!(
        tally(&e, VotingMethod::Borda, None),
        Err(Error::UnknownCandidate {
            ballot: 1,
            candidate: "Z".into()
        })
    );
    let e = election(&["A", "A"], &[]);
    assert!(matches!(
        tally(&e, VotingMethod::Borda, None),
        Err(Error::DuplicateCandidate { .. })
    ));
    assert_eq!(
        tally(&election(&[], &[]), VotingMethod::Borda, None),
        Err(Error::NoCandidates)
    );
    let e = election(&["A", "B"], &[(&["A"], u64::MAX), (&["B"], 1)]);
    assert_eq!(
        tally(&e, VotingMethod::Plurality, None),
        Err(Error::TooManyBallots)
    );
    let order = CandidateTieBreak::Order(vec!["A".into()]);
    assert_eq!(
        tally(&ranked, VotingMethod::Borda, Some(&order)),
        Err(Error::InvalidTieBreak {
            candidate: "B".into(),
            problem: "is missing from the order"
        })
    );
}

#[test]
fn an_election_without_ballots_ties_everyone() {
    let e = election(&["A", "B"], &[]);
    for method in [
        VotingMethod::Plurality,
        VotingMethod::Borda,
        VotingMethod::InstantRunoff,
        VotingMethod::Schulze,
        VotingMethod::Copeland,
    ] {
        assert_eq!(winners(&e, method), ["A", "B"], "{method}");
    }
}

#[test]
fn ballots_read_from_json() {
    let e: CandidateElection = serde_json::from_str(
        r#"{"candidates": ["A", "B"], "ballots": [{"ranking": ["B"]}, {"ranking": ["A", "B"], "count": 2}]}"#,
    )
    .unwrap();
    assert_eq!(e.ballots[0], Ballot::ranked(["B"], 1));
    assert_eq!(winners(&e, VotingMethod::Plurality), ["A"]);
    let both = serde_json::from_str::<Ballot>(r#"{"ranking": [], "approve": []}"#).unwrap_err();
    assert!(both.to_string().contains("not both"), "{both}");
    let round = serde_json::to_value(Ballot::approval(["A"], 1)).unwrap();
    assert_eq!(round, serde_json::json!({"approve": ["A"], "count": 1}));
}

#[test]
fn the_lottery_is_unbiased_enough_and_fixed() {
    let mut rng = SplitMix64(0);
    // Reference value of SplitMix64 seeded with 0.
    assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
    let mut counts = [0u32; 3];
    for _ in 0..3000 {
        counts[usize::try_from(rng.below(3)).unwrap()] += 1;
    }
    assert!(
        counts.iter().all(|&c| (900..1100).contains(&c)),
        "{counts:?}"
    );
}

proptest::proptest! {
    /// Counting each distinct ballot once (what every order of elimination uses
    /// past a few hundred) gives the same universes as the ballots as given.
    #[test]
    fn grouped_ballots_give_the_same_universes(
        rankings in proptest::collection::vec(proptest::sample::subsequence(vec![0u32, 1, 2, 3, 4, 5], 1..=6), 1..5),
        picks in proptest::collection::vec((0usize..5, 1u64..4), 1..40),
    ) {
        let names = ["A", "B", "C", "D", "E", "F"];
        let ballots: Vec<Ballot> = picks
            .iter()
            .map(|&(i, count)| {
                let ranking = &rankings[i % rankings.len()];
                Ballot::ranked(ranking.iter().map(|&c| names[c as usize]), count)
            })
            .collect();
        let e = CandidateElection { candidates: names.iter().map(|&n| n.to_owned()).collect(), ballots };
        let profile = Profile::compile(&e, VotingMethod::InstantRunoff).unwrap();
        let active = vec![true; 6];
        let all: Vec<u32> = (0..6).collect();
        let grouped = profile.grouped();
        proptest::prop_assert!(grouped.counts.len() <= rankings.len());
        proptest::prop_assert_eq!(grouped.total, profile.total);
        proptest::prop_assert_eq!(
            profile.universes(&active, &all, MAX_RUNOFF_UNIVERSES).unwrap(),
            grouped.universes(&active, &all, MAX_RUNOFF_UNIVERSES).unwrap()
        );
    }
}
