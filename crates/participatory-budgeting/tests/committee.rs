//! What the literature guarantees of the committee rules, on random profiles,
//! and that a failed check's witness really is one.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use guided_community_pb::committee::{
    Ballot, Profile, Property, Resolution, Rule, Witness, check, compute,
};
use proptest::prelude::*;

/// A random profile: up to 7 candidates, up to 10 ballots with counts.
fn profiles() -> impl Strategy<Value = (Profile, usize)> {
    (2usize..=7).prop_flat_map(|m| {
        (
            proptest::collection::vec(
                (
                    proptest::collection::btree_set(0..u32::try_from(m).unwrap(), 1..=m),
                    1u64..4,
                ),
                1..10,
            ),
            1..=m,
        )
            .prop_map(move |(ballots, k)| {
                let ballots = ballots
                    .into_iter()
                    .map(|(approve, count)| Ballot::new(approve.into_iter().collect(), count))
                    .collect();
                (Profile::new(m, ballots).unwrap(), k)
            })
    })
}

/// Checks a witness by hand: the group is nonempty, all approve the
/// witness's candidates, weighs what it says and at least ℓ·n/k, and gets
/// fewer than ℓ members (each, or together for PJR).
fn really_violates(
    profile: &Profile,
    committee: &[usize],
    property: Property,
    w: &Witness,
) -> bool {
    let ballots: Vec<(&[usize], u64)> = profile.ballots().collect();
    let n = u128::from(profile.total_weight());
    let k = committee.len() as u128;
    if w.voters.is_empty() || w.ell == 0 {
        return false;
    }
    let weight: u64 = w.voters.iter().map(|&v| ballots[v].1).sum();
    let all_approve = w
        .voters
        .iter()
        .all(|&v| w.candidates.iter().all(|c| ballots[v].0.contains(c)));
    let represented = |v: usize| {
        ballots[v]
            .0
            .iter()
            .filter(|c| committee.contains(c))
            .count()
    };
    let short = match property {
        Property::Pjr => {
            let mut union: Vec<usize> = w
                .voters
                .iter()
                .flat_map(|&v| ballots[v].0.iter().copied())
                .filter(|c| committee.contains(c))
                .collect();
            union.sort_unstable();
            union.dedup();
            union.len() < w.ell && w.candidates.len() >= w.ell
        }
        Property::Ejr => {
            w.voters.iter().all(|&v| represented(v) < w.ell) && w.candidates.len() >= w.ell
        }
        _ => {
            // JR and EJR+: one candidate outside the committee.
            w.voters.iter().all(|&v| represented(v) < w.ell)
                && w.candidates.len() == 1
                && !committee.contains(&w.candidates[0])
        }
    };
    weight == w.weight && all_approve && u128::from(weight) * k >= w.ell as u128 * n && short
}

fn winner(profile: &Profile, k: usize, rule: Rule) -> Vec<usize> {
    compute(profile, k, rule, Resolution::Resolute)
        .unwrap()
        .committees
        .remove(0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// PAV and Equal Shares give EJR; sequential Phragmén gives PJR.
    #[test]
    fn the_rules_give_what_the_literature_guarantees((profile, k) in profiles()) {
        for rule in [Rule::Pav, Rule::EqualShares, Rule::EqualSharesAv] {
            let committee = winner(&profile, k, rule);
            let answer = check(&profile, &committee, Property::Ejr).unwrap();
            prop_assert!(answer.satisfied, "{rule} {committee:?}: {:?}", answer.witness);
        }
        let committee = winner(&profile, k, Rule::SeqPhragmen);
        let answer = check(&profile, &committee, Property::Pjr).unwrap();
        prop_assert!(answer.satisfied, "seqphragmen {committee:?}: {:?}", answer.witness);
    }

    /// Any committee: a failed check's witness violates the property by
    /// hand, and the properties nest (EJR+ ⇒ EJR ⇒ PJR ⇒ JR).
    #[test]
    fn witnesses_are_real_and_the_properties_nest(
        (profile, k) in profiles(),
        pick in proptest::collection::btree_set(0usize..7, 1..=7),
    ) {
        let committee: Vec<usize> = pick.into_iter().filter(|&c| c < profile.candidates()).take(k).collect();
        prop_assume!(!committee.is_empty());
        let mut satisfied = Vec::new();
        for property in [Property::EjrPlus, Property::Ejr, Property::Pjr, Property::Jr] {
            let answer = check(&profile, &committee, property).unwrap();
            if let Some(w) = &answer.witness {
                prop_assert!(!answer.satisfied);
                prop_assert!(really_violates(&profile, &committee, property, w), "{property:?} {committee:?} {w:?}");
            } else {
                prop_assert!(answer.satisfied);
            }
            satisfied.push(answer.satisfied);
        }
        for pair in satisfied.windows(2) {
            prop_assert!(!pair[0] || pair[1], "a stronger property holds, a weaker one not: {satisfied:?}");
        }
    }

    /// The resolute committee is one of the irresolute ones, for every rule.
    #[test]
    fn resolute_is_one_of_the_irresolute((profile, k) in profiles()) {
        for rule in Rule::ALL {
            if rule.resolute_only() {
                continue;
            }
            let one = winner(&profile, k, rule);
            let all = compute(&profile, k, rule, Resolution::Irresolute { max: 10_000 }).unwrap();
            prop_assert!(all.committees.contains(&one), "{rule}: {one:?} not in {:?}", all.committees);
        }
    }
}
