//! Seeded profiles and PrefLib: the same seed gives the same profile (pinned
//! here, so a change of machine or of code that alters them shows), every
//! profile is valid, and PrefLib round-trips.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use guided_community_deliberation::generate::{Culture, profile};
use guided_community_deliberation::{Ballot, CandidateElection, preflib};
use proptest::prelude::*;

const CULTURES: [Culture; 7] = [
    Culture::ImpartialCulture,
    Culture::ImpartialAnonymousCulture,
    Culture::Mallows { phi_percent: 50 },
    Culture::Mallows { phi_percent: 0 },
    Culture::Urn { alpha_percent: 30 },
    Culture::Euclidean { dimensions: 1 },
    Culture::Euclidean { dimensions: 2 },
];

fn rankings(e: &CandidateElection) -> Vec<(Vec<String>, u64)> {
    e.ballots
        .iter()
        .map(|b| match b {
            Ballot::Ranked { ranking, count } => (ranking.clone(), *count),
            Ballot::Approval { .. } => panic!("approval ballot"),
        })
        .collect()
}

/// A short fingerprint of a profile: its first ballot and its group sizes.
fn fingerprint(e: &CandidateElection) -> String {
    let r = rankings(e);
    let first = r[0].0.join(">");
    let mut sizes: Vec<u64> = r.iter().map(|(_, c)| *c).collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    sizes.truncate(4);
    format!("{first} {sizes:?} {}", r.len())
}

#[test]
fn the_same_seed_gives_the_same_profile_everywhere() {
    let got: Vec<String> = CULTURES
        .iter()
        .map(|&c| fingerprint(&profile(c, 200, 5, 2026).unwrap()))
        .collect();
    let expected = PINNED;
    assert_eq!(got, expected, "{got:#?}");
}

/// Pinned on the machine that wrote them; `SplitMix64` is pinned against an
/// independent implementation in `testdata/determinism.json`.
const PINNED: [&str; 7] = [
    "c4>c1>c3>c2>c5 [6, 5, 4, 4] 105",
    "c4>c1>c3>c2>c5 [9, 9, 8, 7] 78",
    "c1>c2>c4>c3>c5 [17, 15, 14, 13] 59",
    "c1>c2>c3>c4>c5 [200] 1",
    "c4>c1>c3>c2>c5 [79, 47, 20, 17] 16",
    "c3>c5>c1>c2>c4 [85, 40, 23, 14] 11",
    "c3>c2>c4>c5>c1 [52, 23, 15, 14] 31",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every profile has its voters, each ranking every candidate once; φ = 0
    /// gives the reference ranking only; α = 0 is impartial culture.
    #[test]
    fn profiles_are_valid(voters in 1u64..300, m in 1usize..8, seed in 0u64..1000, pick in 0usize..7) {
        let e = profile(CULTURES[pick], voters, m, seed).unwrap();
        let r = rankings(&e);
        prop_assert_eq!(r.iter().map(|(_, c)| c).sum::<u64>(), voters);
        for (ranking, _) in &r {
            let mut sorted = ranking.clone();
            sorted.sort();
            let mut names = e.candidates.clone();
            names.sort();
            prop_assert_eq!(sorted, names);
        }
        if CULTURES[pick] == (Culture::Mallows { phi_percent: 0 }) {
            prop_assert_eq!(r.len(), 1);
            prop_assert_eq!(&r[0].0, &e.candidates);
        }
        prop_assert_eq!(
            profile(Culture::Urn { alpha_percent: 0 }, voters, m, seed).unwrap(),
            profile(Culture::ImpartialCulture, voters, m, seed).unwrap()
        );
    }

    /// Written as PrefLib and read back, a profile is the same.
    #[test]
    fn preflib_round_trips(voters in 1u64..100, m in 1usize..7, seed in 0u64..1000, pick in 0usize..7, cut in 0usize..7) {
        let mut e = profile(CULTURES[pick], voters, m, seed).unwrap();
        // Truncate some rankings: `.soi`.
        for b in &mut e.ballots {
            if let Ballot::Ranked { ranking, .. } = b {
                ranking.truncate(cut.max(1));
            }
        }
        let text = preflib::write(&e, "x.soi").unwrap();
        prop_assert_eq!(preflib::read(&text).unwrap(), e);
    }
}

#[test]
fn mallows_concentrates_on_the_reference() {
    let e = profile(Culture::Mallows { phi_percent: 30 }, 2_000, 4, 1).unwrap();
    let r = rankings(&e);
    let top = r.iter().max_by_key(|(_, c)| *c).unwrap();
    assert_eq!(top.0, e.candidates);
}

#[test]
fn bad_preflib_lines_are_named() {
    let head = "# NUMBER ALTERNATIVES: 3\n";
    for (body, expect) in [
        ("2: 1,4\n", "line 2: alternative 4 is not among 1 to 3"),
        ("2: 1,1\n", "line 2: alternative 1 is twice"),
        ("x: 1\n", "line 2: count `x` is not a whole number"),
        ("2: {1,2},3\n", "line 2: a tie before the end"),
        ("2 1,2\n", "line 2: expected `count: order`"),
    ] {
        let e = preflib::read(&format!("{head}{body}"))
            .unwrap_err()
            .to_string();
        assert!(e.contains(expect), "{e}");
    }
    // A tied tail is read as unranked.
    let e = preflib::read(&format!("{head}3: 2,{{1,3}}\n")).unwrap();
    assert_eq!(rankings(&e), [(vec!["2".to_owned()], 3)]);
    assert!(
        preflib::read("1: 1\n")
            .unwrap_err()
            .to_string()
            .contains("before `# NUMBER ALTERNATIVES`")
    );
    assert!(profile(Culture::ImpartialAnonymousCulture, 5, 35, 1).is_err());
    assert!(profile(Culture::Mallows { phi_percent: 101 }, 5, 3, 1).is_err());
}
