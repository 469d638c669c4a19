//! Sequential Phragmén: voters earn money continuously; a project is bought as soon
//! as its supporters together can pay for it, and they spend everything they have.
//! As in pabutools, the rule stops at the first project it would buy that no longer
//! fits the budget.
//!
//! **Exact, and fast.** Every voter's load is one of the purchase times so far,
//! `t₀ = 0 < t₁ ≤ t₂ ≤ …`, so a project's carried load is `Σₖ cₖ·tₖ`, where `cₖ`
//! counts its supporters whose load is `tₖ` — integers, moved from one time to the
//! next as projects are bought. A project's time is
//! `(cost + Σₖ cₖ·tₖ) / supporters`. Each round prices every open project in
//! floating point with a proven relative error bound, and computes the exact
//! rational time only of the projects whose float time is within that bound of the
//! least: they alone can be the earliest, or tie for it. So no round adds rationals
//! per voter (the old loop did, and took 15 s on Budapest 2024), and the times are
//! kept over one common denominator ([`Times`]), so an exact time is integer
//! multiply-adds and one reduction.

use num_bigint::BigInt;
use num_traits::{One, Zero};

use super::num::{Q, big};
use super::{Outcome, Profile, Why};
use crate::Result;

/// Each open project's supporters by load: `(time index k ≥ 1, voters)`, sorted by
/// `k` (supporters at load 0 carry nothing and are not listed).
type Loads = Vec<(u32, u64)>;

/// Sequential Phragmén over the supporters of each project (any approval, or any
/// positive points).
pub(super) fn run(profile: &Profile<'_>) -> Result<Outcome> {
    let m = profile.costs.len();
    let voters = |p: usize| u128::from(profile.supporters.get(p).copied().unwrap_or(0));
    let mut open: Vec<bool> = (0..m).map(|p| voters(p) > 0).collect();
    let mut loads: Vec<Loads> = vec![Vec::new(); m];
    // The load of each group of identical ballots, as an index into `times`.
    let mut level: Vec<u32> = vec![0; profile.groups.len()];
    let mut times = Times::new();
    let mut projects = profile.reports(&Why::Stopped);
    let mut chosen = Vec::new();
    let mut left = profile.budget;
    while let Some((t, tied)) = earliest(profile, &open, &loads, &times) {
        profile.check_tie(&tied)?;
        let Some(p) = tied.iter().copied().min_by_key(|&p| profile.rank(p)) else {
            break;
        };
        if profile.cost(p) > left {
            if let Some(report) = projects.get_mut(p) {
                report.why = Why::DidNotFit {
                    budget_left: profile.money(left),
                };
            }
            break;
        }
        left -= profile.cost(p);
        chosen.push(p);
        if let Some(o) = open.get_mut(p) {
            *o = false;
        }
        let k = u32::try_from(times.floats.len()).unwrap_or(u32::MAX);
        times.push(&t);
        for &g in profile.support(p) {
            let (Some(group), Some(old)) =
                (profile.groups.get(g as usize), level.get_mut(g as usize))
            else {
                continue;
            };
            for &(d, _) in profile.ballot(group) {
                if open.get(d as usize).copied().unwrap_or(false)
                    && let Some(entries) = loads.get_mut(d as usize)
                {
                    shift(entries, *old, k, group.count);
                }
            }
            *old = k;
        }
        if let Some(report) = projects.get_mut(p) {
            report.selected = true;
            report.why = Why::Loaded {
                load: t.to_string(),
            };
        }
    }
    for (p, report) in projects.iter_mut().enumerate() {
        if voters(p) == 0 {
            report.why = Why::NoSupport;
        }
    }
    Ok(profile.outcome("phragmen", &chosen, projects))
}

/// The earliest time any open project can be bought, and every open project that
/// can be bought then (exactly).
fn earliest(
    profile: &Profile<'_>,
    open: &[bool],
    loads: &[Loads],
    times: &Times,
) -> Option<(Q, Vec<usize>)> {
    let supporters = |p: usize| profile.supporters.get(p).copied().unwrap_or(0);
    // Float times: the cost and the supporters (one rounding each), each term
    // cₖ·tₖ (cₖ one rounding, tₖ within 2u of the exact time, one for the product,
    // one for the addition), the division (one): all terms positive, so together
    // within (5n + 4)·u of the exact value for n terms. The bound used is twice
    // that, in units of ε = 2u.
    let mut approx: Vec<(f64, usize)> = Vec::new();
    let mut most_terms = 0usize;
    for (p, entries) in loads.iter().enumerate() {
        if !open.get(p).copied().unwrap_or(false) {
            continue;
        }
        let carried: f64 = entries
            .iter()
            .map(|&(k, c)| {
                float(u128::from(c)) * times.floats.get(k as usize).copied().unwrap_or(0.0)
            })
            .sum();
        let time = (float(profile.cost(p)) + carried) / float(u128::from(supporters(p)));
        most_terms = most_terms.max(entries.len());
        approx.push((time, p));
    }
    if approx.is_empty() {
        return None;
    }
    let least = approx.iter().map(|&(t, _)| t).fold(f64::INFINITY, f64::min);
    let epsilon = (5.0 * float(most_terms as u128) + 4.0) * f64::EPSILON;
    // Past the float range (or NaN), every project is priced exactly.
    let reach = if least.is_finite() && approx.iter().all(|(t, _)| t.is_finite()) {
        least * (1.0 + 2.0 * epsilon) + f64::MIN_POSITIVE
    } else {
        f64::INFINITY
    };
    // Exact times for the few projects that may be the earliest.
    let mut best: Option<(Q, Vec<usize>)> = None;
    for &(time, p) in &approx {
        if time > reach && time.is_finite() {
            continue;
        }
        let exact = exact_time(
            profile,
            p,
            loads.get(p).map_or(&[][..], Vec::as_slice),
            times,
        );
        match &mut best {
            Some((t, tied)) if exact == *t => tied.push(p),
            Some((t, _)) if exact > *t => {}
            _ => best = Some((exact, vec![p])),
        }
    }
    best
}

/// `(cost + Σₖ cₖ·tₖ) / supporters`, exactly: integer multiply-adds over the
/// common denominator and one reduction.
fn exact_time(profile: &Profile<'_>, p: usize, entries: &[(u32, u64)], times: &Times) -> Q {
    let mut sum = big(profile.cost(p)) * &times.denominator;
    for &(k, c) in entries {
        if let Some(n) = times.numerators.get(k as usize) {
            sum += n * big(u128::from(c));
        }
    }
    let supporters = big(u128::from(
        profile.supporters.get(p).copied().unwrap_or(1).max(1),
    ));
    Q::new(sum, supporters * &times.denominator)
}

/// The purchase times so far, `t₀ = 0, t₁, …`, as integers over one common
/// denominator `L` (`tₖ = nₖ / L`), so that a carried load is a sum of integer
/// products, with no greatest common divisor per term (which made large
/// elections slow). A new time's denominator divides `supporters · L`, so `L`
/// grows by a small factor per purchase.
#[derive(Debug)]
struct Times {
    numerators: Vec<BigInt>,
    denominator: BigInt,
    /// Each time as the nearest float.
    floats: Vec<f64>,
}

impl Times {
    fn new() -> Self {
        Self {
            numerators: vec![BigInt::zero()],
            denominator: BigInt::one(),
            floats: vec![0.0],
        }
    }

    fn push(&mut self, t: &Q) {
        // L' = lcm(L, b): L times the part of b that L lacks.
        let grow = Q::new(self.denominator.clone(), t.denom().clone())
            .denom()
            .clone();
        if !grow.is_one() {
            for n in &mut self.numerators {
                *n *= &grow;
            }
            self.denominator *= &grow;
        }
        self.numerators
            .push(t.numer() * (&self.denominator / t.denom()));
        self.floats.push(to_f64(t));
    }
}

/// Moves `count` supporters from load `from` to load `to` (the newest time).
fn shift(entries: &mut Loads, from: u32, to: u32, count: u64) {
    if from != 0
        && let Ok(i) = entries.binary_search_by_key(&from, |&(k, _)| k)
        && let Some(entry) = entries.get_mut(i)
    {
        entry.1 = entry.1.saturating_sub(count);
        if entry.1 == 0 {
            entries.remove(i);
        }
    }
    match entries.last_mut() {
        Some(last) if last.0 == to => last.1 = last.1.saturating_add(count),
        _ => entries.push((to, count)),
    }
}

/// The nearest float to an exact time (within 2u: `num`'s conversion rounds
/// correctly, the bound allows for one more rounding).
fn to_f64(t: &Q) -> f64 {
    num_traits::ToPrimitive::to_f64(t).unwrap_or(f64::INFINITY)
}

/// `n` as the nearest float (one rounding).
#[allow(
    clippy::cast_precision_loss,
    reason = "a float estimate whose error is bounded where it is used"
)]
fn float(n: u128) -> f64 {
    n as f64
}

#[cfg(test)]
mod tests {
    use super::super::num::{Q, int};
    use super::super::{Outcome, Profile, Why};
    use super::run;
    use crate::{ProjectTieBreak, Result, election};
    use proptest::prelude::*;

    /// The rule as first written: every load an exact rational, added to every
    /// project of every ballot of every payer. Slow, and obviously right.
    fn reference(profile: &Profile<'_>) -> Result<Outcome> {
        let m = profile.costs.len();
        // Loads per group, and per project the sum of its supporters' loads.
        let mut load: Vec<Q> = vec![int(0); profile.groups.len()];
        let mut carried: Vec<Q> = vec![int(0); m];
        let voters = |p: usize| u128::from(profile.supporters.get(p).copied().unwrap_or(0));
        let mut open: Vec<bool> = (0..m).map(|p| voters(p) > 0).collect();
        let mut projects = profile.reports(&Why::Stopped);
        let mut chosen = Vec::new();
        let mut left = profile.budget;
        loop {
            // The time at which each open project's supporters could pay for it.
            let time = |p: usize| -> Q {
                (int(profile.cost(p)) + carried.get(p).cloned().unwrap_or_else(|| int(0)))
                    / int(voters(p))
            };
            let times: Vec<(Q, usize)> = (0..m)
                .filter(|&p| open.get(p).copied().unwrap_or(false))
                .map(|p| (time(p), p))
                .collect();
            let Some(t) = times.iter().map(|(t, _)| t).min().cloned() else {
                break;
            };
            let tied: Vec<usize> = times
                .iter()
                .filter(|(time, _)| *time == t)
                .map(|&(_, p)| p)
                .collect();
            profile.check_tie(&tied)?;
            let Some(p) = tied.iter().copied().min_by_key(|&p| profile.rank(p)) else {
                break;
            };
            if profile.cost(p) > left {
                if let Some(report) = projects.get_mut(p) {
                    report.why = Why::DidNotFit {
                        budget_left: profile.money(left),
                    };
                }
                break;
            }
            left -= profile.cost(p);
            chosen.push(p);
            if let Some(o) = open.get_mut(p) {
                *o = false;
            }
            for &g in profile.support(p) {
                let Some(group) = profile.groups.get(g as usize) else {
                    continue;
                };
                let old = load.get(g as usize).cloned().unwrap_or_else(|| int(0));
                let raise = (&t - &old) * int(u128::from(group.count));
                for &(d, _) in profile.ballot(group) {
                    if let Some(c) = carried.get_mut(d as usize) {
                        *c += &raise;
                    }
                }
                if let Some(l) = load.get_mut(g as usize) {
                    *l = t.clone();
                }
            }
            if let Some(report) = projects.get_mut(p) {
                report.selected = true;
                report.why = Why::Loaded {
                    load: t.to_string(),
                };
            }
        }
        for (p, report) in projects.iter_mut().enumerate() {
            if voters(p) == 0 {
                report.why = Why::NoSupport;
            }
        }
        Ok(profile.outcome("phragmen", &chosen, projects))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]

        /// The float-guided rule gives exactly the first rule's outcome — the same
        /// projects, loads and reasons, and the same refused ties — on random
        /// elections with many ties (small costs, few voters).
        #[test]
        fn equals_the_exact_loop(
            costs in proptest::collection::vec(1u64..40, 1..9),
            ballots in proptest::collection::vec(
                proptest::collection::btree_map(0usize..9, 1u64..4, 1..5),
                1..30,
            ),
            budget in 1u64..200,
            points in any::<bool>(),
            tie_break in crate::tie_breaks(),
        ) {
            let m = costs.len();
            let ballots = crate::in_range(ballots, m);
            prop_assume!(!ballots.is_empty());
            let e = election(budget, &costs, &ballots, points);
            let profile = Profile::new(&e, tie_break).unwrap();
            prop_assert_eq!(run(&profile), reference(&profile));
        }
    }

    /// The same on real elections (the small ones: the first rule takes seconds
    /// on the large ones).
    #[test]
    fn equals_the_exact_loop_on_real_elections() {
        for name in [
            "Netherlands_Amsterdam_588.pb",
            "Netherlands_Amsterdam_643.pb",
            "Netherlands_Assen_2024.pb",
            "Poland_Czestochowa_2020_Grabowka.pb",
            "Poland_Swiecie_2023.pb",
            "Poland_Warszawa_2018_Targowek_FabrycznyElsnerow_i_Utrata.pb",
            "Poland_Warszawa_2019_Targowek_Mieszkaniowy.pb",
            "Poland_Wieliczka_2023_Green_Budget.pb",
            "Switzerland_Zurich_D10.pb",
            "Switzerland_Zurich_S5R.pb",
        ] {
            let e = crate::testdata(name);
            let profile = Profile::new(&e, ProjectTieBreak::FileOrder).unwrap();
            assert_eq!(run(&profile), reference(&profile), "{name}");
        }
    }

    /// The same on the large elections: the first rule takes about 15 s on each in
    /// a release build, so this runs on demand
    /// (`cargo test --release -p guided-community-pb -- --ignored`).
    #[test]
    #[ignore = "about a minute: the first rule is slow on large elections"]
    fn equals_the_exact_loop_on_large_elections() {
        for name in [
            "Hungary_Budapest_2024.pb",
            "Poland_Warszawa_2026.pb",
            "Poland_Krakow_2024.pb",
        ] {
            let e = crate::testdata(name);
            let profile = Profile::new(&e, ProjectTieBreak::FileOrder).unwrap();
            assert_eq!(run(&profile), reference(&profile), "{name}");
        }
    }
}
