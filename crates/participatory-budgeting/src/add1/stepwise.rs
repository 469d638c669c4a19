//! `add1` against the cities' loop itself: one MES run per per-voter budget, in
//! order, until the first that does not fit.

use super::bounds::bounds;
use super::run::Fast;
use super::{Profile, Utility, add1};
use crate::Result;
use crate::mes::chosen_at;
use crate::{ProjectTieBreak, election};
use proptest::prelude::*;

/// The cities' loop, one per-voter budget at a time: every run, in order,
/// until the first that does not fit (or fails).
fn add1_stepwise(profile: &Profile<'_>, utility: Utility) -> Result<(Vec<usize>, u128)> {
    let unit = profile.scale;
    let n = u128::from(profile.voters.max(1));
    let base = profile.budget / (n * unit);
    let limit = profile.costs.iter().sum::<u128>().max(profile.budget) / unit + 1;
    let at = |b: u128| chosen_at(profile, utility, b * unit);
    let mut best = (at(base)?, base);
    let mut b = base;
    while b < limit {
        let next = at(b + 1)?;
        if next.iter().map(|&c| profile.cost(c)).sum::<u128>() > profile.budget {
            break;
        }
        b += 1;
        best = (next, b);
    }
    Ok(best)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Letting go of histograms changes nothing: runs at rising budgets over a
    /// structure that collects before every run make the same choices, with
    /// the same budgets for the same class numbers, as over one that never
    /// collects (recounts number classes as the first count did). Only
    /// whether the float bounds decide may differ: a recount starts Newton's
    /// method without the last price seen, and from another start the bounds
    /// of a price near a breakpoint may not decide (the search then runs that
    /// budget exactly; found by this test, costs 14, 37, 56, … points).
    /// Over the cases here most runs decide both ways.
    #[test]
    fn collecting_changes_no_run(
        costs in proptest::collection::vec(1u64..60, 2..8),
        ballots in proptest::collection::vec(
            proptest::collection::btree_map(0usize..8, 1u64..4, 1..5),
            2..24,
        ),
        budget in 20u64..200,
        points in any::<bool>(),
    ) {
        let m = costs.len();
        let ballots = crate::in_range(ballots, m);
        prop_assume!(!ballots.is_empty());
        let e = election(budget, &costs, &ballots, points);
        let profile = Profile::new(&e, ProjectTieBreak::FileOrder).unwrap();
        let utility = if points { Utility::Points } else { Utility::Cost };
        let mut keeping = Fast::new(&profile, utility).unwrap();
        keeping.live_limit = usize::MAX;
        let mut collecting = Fast::new(&profile, utility).unwrap();
        collecting.live_limit = 0;
        let base = profile.budget / (u128::from(profile.voters.max(1)) * profile.scale);
        let mut decided = 0;
        for step in 0..40u128 {
            let b = bounds((base + step * 3) * profile.scale);
            let (x, y) = (keeping.run(b, None), collecting.run(b, None));
            if let (Some(x), Some(y)) = (x, y) {
                decided += 1;
                prop_assert_eq!(&x.chosen, &y.chosen);
                let (bx, by): (Vec<_>, Vec<_>) = (
                    x.budget.iter().map(|b| (b.lo, b.hi)).collect(),
                    y.budget.iter().map(|b| (b.lo, b.hi)).collect(),
                );
                prop_assert_eq!(bx, by);
            }
        }
        prop_assert!(decided >= 20, "{decided} of 40 runs decided both ways");
    }

    /// Skipping budgets never changes the answer of the step-by-step loop, for
    /// every utility and tie-break (a refused tie fails both the same way).
    #[test]
    fn add1_equals_the_stepwise_loop(
        costs in proptest::collection::vec(1u64..60, 2..7),
        ballots in proptest::collection::vec(
            proptest::collection::btree_map(0usize..7, 1u64..4, 1..4),
            1..14,
        ),
        budget in 20u64..200,
        utility in prop_oneof![Just(Utility::Cost), Just(Utility::Approval), Just(Utility::Points)],
        tie_break in crate::tie_breaks(),
    ) {
        let m = costs.len();
        let ballots = crate::in_range(ballots, m);
        prop_assume!(!ballots.is_empty());
        let e = election(budget, &costs, &ballots, utility == Utility::Points);
        let profile = Profile::new(&e, tie_break).unwrap();
        match (add1(&profile, utility), add1_stepwise(&profile, utility)) {
            (Ok(fast), Ok((chosen, per_voter))) => {
                let expected: Vec<String> = chosen.iter().map(|&c| format!("p{c}")).collect();
                prop_assert_eq!(&fast.selected, &expected);
                prop_assert_eq!(
                    fast.per_voter_budget,
                    Some(profile.money(per_voter * profile.scale))
                );
            }
            (Err(fast), Err(slow)) => prop_assert_eq!(fast, slow),
            (fast, slow) => prop_assert!(false, "fast {:?} vs stepwise {:?}", fast.map(|o| o.selected), slow),
        }
    }
}

/// The three cities that use add1, against the step-by-step loop.
#[test]
fn add1_equals_the_stepwise_loop_on_the_cities() {
    for (name, last_fit) in [
        ("Netherlands_Assen_2024.pb", 2033),
        ("Poland_Swiecie_2023.pb", 662),
        ("Poland_Wieliczka_2023_Green_Budget.pb", 315),
    ] {
        let e = crate::testdata(name);
        let profile = Profile::new(&e, ProjectTieBreak::FileOrder).unwrap();
        let fast = add1(&profile, Utility::Cost).unwrap();
        let (chosen, per_voter) = add1_stepwise(&profile, Utility::Cost).unwrap();
        let ids: Vec<String> = chosen.iter().map(|&c| profile.id(c)).collect();
        assert_eq!(fast.selected, ids, "{name}");
        assert_eq!(per_voter, last_fit, "{name}");
        assert_eq!(
            fast.per_voter_budget.map(|d| d.to_string()),
            Some(last_fit.to_string()),
            "{name}"
        );
    }
}
