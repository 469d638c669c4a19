//! Properties of the apportionment core, including agreement with a naive oracle
//! that follows the textbook definitions unit by unit.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::many_single_char_names,
    reason = "test helpers fail loudly, like the tests they serve"
)]

use guided_community_pools::{
    Allocation, ApportionMethod, Demand, Reason, allocate, apportion, strategy,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// A rational with a positive denominator, for the oracle.
#[derive(Debug, Clone, Copy)]
struct Q(i128, i128);

impl Q {
    /// Reduced, with a positive denominator.
    fn new(n: i128, d: i128) -> Self {
        let (mut a, mut b) = (n.abs(), d.abs());
        while b != 0 {
            (a, b) = (b, a % b);
        }
        let g = a.max(1) * d.signum();
        Q(n / g, d / g)
    }

    fn cmp(self, o: Self) -> std::cmp::Ordering {
        (self.0 * o.1).cmp(&(o.0 * self.1))
    }
}

/// Priority of seat `s + 1` at weight `w`, as a fraction (squared for
/// Huntington–Hill; denominator 0 = infinite).
fn priority(method: ApportionMethod, w: u64, s: u64) -> (i128, i128) {
    let (w, s) = (i128::from(w), i128::from(s));
    match method {
        ApportionMethod::SainteLague => (w, 2 * s + 1),
        ApportionMethod::Adams => (w, s),
        ApportionMethod::HuntingtonHill => (w * w, s * (s + 1)),
        _ => (w, s + 1),
    }
}

/// Priority `a` above `b`. Two first seats of Adams or Huntington–Hill are both
/// infinitely urgent; the larger weight goes first (the order `w / D` takes as
/// `D` shrinks to zero).
fn beats(a: (i128, i128), b: (i128, i128)) -> bool {
    if a.1 == 0 && b.1 == 0 {
        return a.0 > b.0;
    }
    a.0 * b.1 > b.0 * a.1
}

fn tied(a: (i128, i128), b: (i128, i128)) -> bool {
    !beats(a, b) && !beats(b, a)
}

struct Oracle {
    parts: Vec<u64>,
    unallocated: u64,
    /// Whether the last unit given and the best unit not given were tied.
    boundary_tie: bool,
}

/// Seats one at a time, from the floors, to the highest priority below its cap.
fn oracle_divisor(total: u64, demands: &[(u64, u64, u64)], method: ApportionMethod) -> Oracle {
    let mut seats: Vec<u64> = demands.iter().map(|d| d.1).collect();
    let mut left = total - seats.iter().sum::<u64>();
    let mut last = None;
    while left > 0 {
        let mut best: Option<usize> = None;
        for (i, &(w, _, cap)) in demands.iter().enumerate() {
            if w == 0 || seats[i] >= cap {
                continue;
            }
            let p = priority(method, w, seats[i]);
            if best.is_none_or(|b| beats(p, priority(method, demands[b].0, seats[b]))) {
                best = Some(i);
            }
        }
        let Some(b) = best else { break };
        last = Some(priority(method, demands[b].0, seats[b]));
        seats[b] += 1;
        left -= 1;
    }
    let next = demands
        .iter()
        .enumerate()
        .filter(|&(i, &(w, _, cap))| w > 0 && seats[i] < cap)
        .map(|(i, &(w, _, _))| priority(method, w, seats[i]))
        .reduce(|a, b| if beats(b, a) { b } else { a });
    let boundary_tie = matches!((last, next), (Some(l), Some(n)) if tied(l, n));
    Oracle {
        parts: seats,
        unallocated: left,
        boundary_tie,
    }
}

/// λ by sweeping the sorted breakpoints, then floor and largest remainder.
fn oracle_hamilton(total: u64, demands: &[(u64, u64, u64)]) -> Oracle {
    let cap_eff = |&(w, f, c): &(u64, u64, u64)| if w == 0 { f } else { c };
    let caps: u64 = demands.iter().map(cap_eff).sum();
    if caps <= total {
        return Oracle {
            parts: demands.iter().map(cap_eff).collect(),
            unallocated: total - caps,
            boundary_tie: false,
        };
    }
    let g = |lam: Q| -> Q {
        // Σ clamp(λ w, f, c) as a fraction over lam.1.
        let mut num = 0i128;
        for &(w, f, c) in demands {
            let (f, c) = (
                i128::from(f) * lam.1,
                i128::from(cap_eff(&(w, f, c))) * lam.1,
            );
            num += (lam.0 * i128::from(w)).clamp(f, c);
        }
        Q::new(num, lam.1)
    };
    let mut points: Vec<Q> = vec![Q(0, 1)];
    for &(w, f, c) in demands {
        if w > 0 {
            points.push(Q(i128::from(f), i128::from(w)));
            points.push(Q(i128::from(c), i128::from(w)));
        }
    }
    points.sort_by(|a, b| a.cmp(*b));
    let t = Q(i128::from(total), 1);
    let hi = points.iter().position(|&p| g(p).cmp(t).is_ge()).unwrap();
    let lam = if hi == 0 {
        Q(0, 1)
    } else {
        // Linear between points[hi-1] and points[hi]: interpolate exactly.
        let (a, b) = (points[hi - 1], points[hi]);
        let (ga, gb) = (g(a), g(b));
        // λ = a + (t − ga)(b − a)/(gb − ga), all as fractions.
        let sub = |x: Q, y: Q| Q::new(x.0 * y.1 - y.0 * x.1, x.1 * y.1);
        let (num, den) = (sub(t, ga), sub(gb, ga));
        let frac = Q::new(num.0 * den.1, num.1 * den.0);
        let step = Q::new(sub(b, a).0 * frac.0, sub(b, a).1 * frac.1);
        Q::new(a.0 * step.1 + step.0 * a.1, a.1 * step.1)
    };
    let mut parts = Vec::new();
    let mut rems = Vec::new();
    for &(w, f, c) in demands {
        let c = cap_eff(&(w, f, c));
        let x = Q(lam.0 * i128::from(w), lam.1);
        let (q, r) = (x.0.div_euclid(x.1), x.0.rem_euclid(x.1));
        if q < i128::from(f) {
            parts.push(f);
            rems.push(0);
        } else if q >= i128::from(c) {
            parts.push(c);
            rems.push(0);
        } else {
            parts.push(u64::try_from(q).unwrap());
            rems.push(r);
        }
    }
    let mut k = total - parts.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| rems[b].cmp(&rems[a]).then(a.cmp(&b)));
    let mut boundary_tie = false;
    for (pos, &i) in order.iter().enumerate() {
        if k == 0 {
            boundary_tie = pos > 0 && rems[order[pos - 1]] == rems[i] && rems[i] > 0;
            break;
        }
        parts[i] += 1;
        k -= 1;
    }
    Oracle {
        parts,
        unallocated: 0,
        boundary_tie,
    }
}

/// `(weight, floor, cap)`; no cap is the total, which can never bind.
fn triples(total: u64, demands: &[Demand]) -> Vec<(u64, u64, u64)> {
    demands
        .iter()
        .map(|d| {
            (
                u64::try_from(d.weight.mantissa()).unwrap(),
                d.floor,
                d.cap.unwrap_or(total).min(total.max(d.floor)),
            )
        })
        .collect()
}

fn oracle(total: u64, demands: &[Demand], method: ApportionMethod) -> Oracle {
    match method {
        ApportionMethod::Hamilton => oracle_hamilton(total, &triples(total, demands)),
        _ => oracle_divisor(total, &triples(total, demands), method),
    }
}

fn check_invariants(total: u64, demands: &[Demand], plan: &Allocation) {
    let placed: u128 = plan.parts.iter().map(|&p| u128::from(p)).sum();
    assert_eq!(placed + u128::from(plan.unallocated), u128::from(total));
    assert_eq!(plan.parts.len(), demands.len());
    assert_eq!(plan.reasons.len(), demands.len());
    for (d, &p) in demands.iter().zip(&plan.parts) {
        assert!(d.floor <= p, "floor {} > part {p}", d.floor);
        assert!(d.cap.is_none_or(|c| p <= c), "part {p} > cap {:?}", d.cap);
        if d.weight.is_zero() {
            assert_eq!(p, d.floor, "a zero weight gets its floor and no more");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn agrees_with_the_naive_oracle((total, demands) in strategy::demands(), method in strategy::method()) {
        let plan = allocate(total, &demands, method).unwrap();
        check_invariants(total, &demands, &plan);
        let expected = oracle(total, &demands, method);
        prop_assert_eq!(&plan.parts, &expected.parts);
        prop_assert_eq!(plan.unallocated, expected.unallocated);
    }

    #[test]
    fn unconstrained_agrees_with_the_oracle(weights in strategy::weights(), total in 0u64..3000, method in strategy::method()) {
        let plan = apportion(total, &weights, method).unwrap();
        let demands: Vec<Demand> = weights.iter().map(|&w| Demand::new(w)).collect();
        prop_assert_eq!(plan.parts, oracle(total, &demands, method).parts);
    }

    #[test]
    fn hamilton_stays_within_the_quota(weights in strategy::weights(), total: u64) {
        let plan = apportion(total, &weights, ApportionMethod::Hamilton).unwrap();
        let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
        for (&w, &p) in weights.iter().zip(&plan.parts) {
            let exact = u128::from(total) * u128::from(w);
            let (lower, upper) = (exact / sum, exact.div_ceil(sum));
            prop_assert!(lower <= u128::from(p) && u128::from(p) <= upper);
        }
    }

    #[test]
    fn divisor_methods_are_house_monotone((total, demands) in strategy::demands(), method in strategy::divisor_method()) {
        let before = allocate(total, &demands, method).unwrap();
        let after = allocate(total + 1, &demands, method).unwrap();
        for (b, a) in before.parts.iter().zip(&after.parts) {
            prop_assert!(a >= b, "total + 1 took a unit away: {:?} → {:?}", before.parts, after.parts);
        }
    }

    #[test]
    fn permuting_the_input_permutes_the_output(
        (total, demands) in strategy::demands(),
        method in strategy::method(),
        seed: u64,
    ) {
        prop_assume!(!oracle(total, &demands, method).boundary_tie);
        let n = demands.len();
        // A permutation from the seed (Fisher–Yates with a small LCG).
        let mut order: Vec<usize> = (0..n).collect();
        let mut state = seed | 1;
        for i in (1..n).rev() {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            order.swap(i, usize::try_from(state >> 33).unwrap() % (i + 1));
        }
        let permuted: Vec<Demand> = order.iter().map(|&i| demands[i]).collect();
        let plan = allocate(total, &demands, method).unwrap();
        let plan_p = allocate(total, &permuted, method).unwrap();
        for (pos, &i) in order.iter().enumerate() {
            prop_assert_eq!(plan_p.parts[pos], plan.parts[i]);
        }
    }

    #[test]
    fn scaling_every_weight_changes_nothing((total, demands) in strategy::demands(), method in strategy::method(), k in 2u64..1000) {
        let scaled: Vec<Demand> = demands.iter().map(|d| Demand { weight: d.weight * Decimal::from(k), ..*d }).collect();
        prop_assert_eq!(allocate(total, &demands, method).unwrap(), allocate(total, &scaled, method).unwrap());
    }

    #[test]
    fn decimal_weights_of_mixed_scales(weights in proptest::collection::vec(strategy::decimal_weight(), 1..12), total in 0u64..100_000, method in strategy::method()) {
        prop_assume!(weights.iter().any(|w| !w.is_zero()));
        let demands: Vec<Demand> = weights.iter().map(|&w| Demand::new(w)).collect();
        let plan = allocate(total, &demands, method).unwrap();
        check_invariants(total, &demands, &plan);
    }

    #[test]
    fn a_larger_weight_never_gets_less_under_the_same_bounds(
        (total, demands) in strategy::demands(),
        method in strategy::method(),
        i in any::<prop::sample::Index>(),
        j in any::<prop::sample::Index>(),
    ) {
        let (i, j) = (i.index(demands.len()), j.index(demands.len()));
        let mut demands = demands;
        // Give j the same floor and cap as i.
        demands[j].floor = demands[i].floor;
        demands[j].cap = demands[i].cap;
        let floors: u64 = demands.iter().map(|d| d.floor).sum();
        prop_assume!(floors <= total);
        let plan = allocate(total, &demands, method).unwrap();
        if demands[i].weight > demands[j].weight {
            prop_assert!(plan.parts[i] >= plan.parts[j]);
        }
    }

    #[test]
    fn no_panic_on_any_input(
        total: u64,
        raw in proptest::collection::vec((any::<u64>(), any::<u64>(), any::<Option<u64>>()), 0..8),
        method in strategy::method(),
    ) {
        let demands: Vec<Demand> = raw.iter().map(|&(w, floor, cap)| Demand { weight: Decimal::from(w), floor, cap }).collect();
        if let Ok(plan) = allocate(total, &demands, method) {
            check_invariants(total, &demands, &plan);
        }
        let weights: Vec<u64> = raw.iter().map(|r| r.0).collect();
        if let Ok(plan) = apportion(total, &weights, method) {
            let placed: u128 = plan.parts.iter().map(|&p| u128::from(p)).sum();
            prop_assert_eq!(placed, u128::from(total));
        }
    }
}

#[test]
fn the_alabama_paradox_under_hamilton() {
    // ../shared/testdata/README.md: weights [6, 6, 2], total 10 → [4, 4, 2], 11 → [5, 5, 1].
    let ten = apportion(10, &[6, 6, 2], ApportionMethod::Hamilton).unwrap();
    let eleven = apportion(11, &[6, 6, 2], ApportionMethod::Hamilton).unwrap();
    assert_eq!(ten.parts, [4, 4, 2]);
    assert_eq!(eleven.parts, [5, 5, 1]);
    assert!(
        eleven.parts[2] < ten.parts[2],
        "one more unit in total, one fewer for the third"
    );
}

#[test]
fn no_alabama_paradox_under_sainte_lague() {
    let ten = apportion(10, &[6, 6, 2], ApportionMethod::SainteLague).unwrap();
    let eleven = apportion(11, &[6, 6, 2], ApportionMethod::SainteLague).unwrap();
    assert_eq!(ten.parts, [5, 4, 1]);
    assert_eq!(eleven.parts, [5, 5, 1]);
    // And for every total up to 200, no demand ever loses a unit.
    let weights = [6, 6, 2];
    let mut previous = apportion(0, &weights, ApportionMethod::SainteLague)
        .unwrap()
        .parts;
    for total in 1..200 {
        let parts = apportion(total, &weights, ApportionMethod::SainteLague)
            .unwrap()
            .parts;
        assert!(
            parts.iter().zip(&previous).all(|(a, b)| a >= b),
            "total {total}"
        );
        previous = parts;
    }
}

#[test]
fn extremes_hold_their_invariants() {
    for method in ApportionMethod::ALL {
        let plan = apportion(u64::MAX, &[u64::MAX, u64::MAX, 1], method).unwrap();
        assert_eq!(
            plan.parts.iter().map(|&p| u128::from(p)).sum::<u128>(),
            u128::from(u64::MAX)
        );
        let plan = apportion(u64::MAX, &[1], method).unwrap();
        assert_eq!(plan.parts, [u64::MAX]);
        let demands = [
            Demand::new(3).with_cap(u64::MAX - 1),
            Demand::new(u64::MAX).with_floor(5),
        ];
        let plan = allocate(u64::MAX, &demands, method).unwrap();
        check_invariants(u64::MAX, &demands, &plan);
        // Adams and Huntington–Hill give every positive weight a first unit before
        // any gets a second; fewer units than demands go to the largest (the
        // earlier of equal ones), so a larger demand never gets less.
        if matches!(
            method,
            ApportionMethod::Adams | ApportionMethod::HuntingtonHill
        ) {
            assert_eq!(
                apportion(2, &[1, 1000, 5], method).unwrap().parts,
                [0, 1, 1]
            );
            assert_eq!(
                apportion(2, &[5, 1000, 5], method).unwrap().parts,
                [1, 1, 0]
            );
        }
    }
}

#[test]
fn reasons_explain_the_parts() {
    let demands = [
        Demand::new(5).with_cap(100),
        Demand::new(3),
        Demand::new(0).with_floor(50),
        Demand::new(2),
        Demand::new(0),
        Demand::new(1).with_floor(200),
    ];
    let plan = allocate(1001, &demands, ApportionMethod::Hamilton).unwrap();
    assert_eq!(plan.parts, [100, 391, 50, 260, 0, 200]);
    assert_eq!(
        plan.reasons,
        [
            Reason::Capped,
            Reason::Remainder,
            Reason::Floored,
            Reason::Proportional,
            Reason::ZeroWeight,
            Reason::Floored
        ]
    );
    let plan = allocate(1001, &demands, ApportionMethod::DHondt).unwrap();
    assert_eq!(plan.parts.iter().sum::<u64>(), 1001);
    assert_eq!(plan.reasons[0], Reason::Capped);
    assert_eq!(plan.reasons[5], Reason::Floored);
}

#[test]
fn errors_name_the_offending_values() {
    use guided_community_pools::Error;
    assert_eq!(
        apportion(5, &[], ApportionMethod::Hamilton),
        Err(Error::NoDemands)
    );
    assert_eq!(
        apportion(5, &[0, 0], ApportionMethod::Adams),
        Err(Error::AllZeroWeights)
    );
    let negative = [Demand::new(1), Demand::new(Decimal::from(-2))];
    assert_eq!(
        allocate(5, &negative, ApportionMethod::Hamilton),
        Err(Error::NegativeWeight {
            index: 1,
            weight: Decimal::from(-2)
        })
    );
    let upside_down = [Demand::new(1).with_floor(5).with_cap(3)];
    assert_eq!(
        allocate(5, &upside_down, ApportionMethod::Hamilton),
        Err(Error::FloorAboveCap {
            index: 0,
            floor: 5,
            cap: 3
        })
    );
    let greedy_floors = [Demand::new(1).with_floor(60), Demand::new(1).with_floor(50)];
    let err = allocate(100, &greedy_floors, ApportionMethod::Hamilton).unwrap_err();
    assert_eq!(
        err,
        Error::FloorsExceedTotal {
            floors: 110,
            total: 100,
            shortfall: 10
        }
    );
    assert_eq!(
        err.to_string(),
        "floors sum to 110, more than the total 100 by 10"
    );
    let too_fine = [Demand::new(Decimal::new(1, 28)), Demand::new(Decimal::MAX)];
    assert!(matches!(
        allocate(5, &too_fine, ApportionMethod::Hamilton),
        Err(Error::WeightTooLarge { .. })
    ));
}

proptest! {
    #[test]
    fn every_pool_policy_splits_a_budget_exactly(policy in strategy::pool_policy(), budget: u64) {
        let split = policy.split(guided_community_pools::Fen::new(budget)).unwrap();
        let sum = u128::from(split.base.get()) + u128::from(split.dynamic.get()) + u128::from(split.emergency.get());
        prop_assert_eq!(sum, u128::from(budget));
        prop_assert_eq!(policy.base() + policy.dynamic() + policy.emergency(), Decimal::ONE_HUNDRED);
    }
}
