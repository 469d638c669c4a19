//! The divisor methods (D'Hondt, Sainte-Laguë, Huntington–Hill, Adams), bounded by
//! floors and caps, without a loop per unit.
//!
//! Seat `s + 1` of demand `i` has priority `wᵢ / D(s)`: `D(s) = s + 1` (D'Hondt),
//! `s + ½` (Sainte-Laguë), `√(s(s+1))` (Huntington–Hill, compared as squares) and
//! `s` (Adams; `D(0) = 0` makes every first seat infinitely urgent, and first seats
//! go by weight, the order `wᵢ / D` takes as `D` shrinks to zero, so that a larger
//! demand never gets less). Giving seats one
//! by one to the highest priority, ties to the earlier demand, selects the first
//! `total` pairs `(i, s)` of one global order: priority descending, index
//! ascending. Starting from the floors and stopping at the caps gives the bounded
//! method.
//!
//! Here that prefix is found in three steps: (1) exact seat counts at a rational
//! threshold, `#{s : wᵢ / D(s) > 1/λ}` in closed form (one division per demand),
//! which is a prefix of the global order by construction; (2) a few Newton steps on
//! `λ` to bring the count within a few units of the total; (3) a bounded heap adds
//! or removes the last few seats in global order.

use core::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use crate::problem::{ApportionMethod, Problem, Reason};
use crate::waterfill::Lambda;
use crate::wide::{Divider, U256, cmp_fractions};

/// Seat `s + 1` of demand `idx`: its priority is `num / den` (`den = 0` is infinite).
#[derive(Debug, Clone, Copy)]
struct Pair {
    num: u128,
    den: u128,
    idx: usize,
}

impl Pair {
    fn new(method: ApportionMethod, w: u64, s: u64, idx: usize) -> Self {
        let (w, s) = (u128::from(w), u128::from(s));
        let (num, den) = match method {
            ApportionMethod::SainteLague => (w, 2 * s + 1),
            ApportionMethod::Adams => (w, s),
            ApportionMethod::HuntingtonHill => (w * w, s * (s + 1)),
            ApportionMethod::Hamilton | ApportionMethod::DHondt => (w, s + 1),
        };
        Self { num, den, idx }
    }
}

/// Greater means earlier in the global order: higher priority, then lower index.
impl Ord for Pair {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_fractions(self.num, self.den, other.num, other.den)
            .then_with(|| other.idx.cmp(&self.idx))
    }
}

impl PartialOrd for Pair {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Pair {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Pair {}

/// `#{s ≥ 0 : w / D(s) > 1/λ}` where `x = w · N` and `λ = N / d`, so `v = x / d`
/// is the demand's real-valued share.
#[inline]
fn count(method: ApportionMethod, x: u128, divider: &Divider) -> u128 {
    if x == 0 {
        return 0;
    }
    let d = divider.divisor();
    let (q, r) = divider.div_rem(x);
    match method {
        // #{j ≥ 1 : j < v}
        ApportionMethod::Hamilton | ApportionMethod::DHondt => q - u128::from(r == 0),
        // #{s ≥ 0 : s < v} = ⌈v⌉
        ApportionMethod::Adams => q.saturating_add(u128::from(r > 0)),
        // #{odd k : k < 2v}
        ApportionMethod::SainteLague => {
            let floor_2v = q.saturating_mul(2).saturating_add(u128::from(r >= d - r));
            let exact = r == 0 || r == d - r;
            (floor_2v - u128::from(exact)).saturating_add(1) / 2
        }
        // #{s ≥ 0 : s(s+1) < v²} is q or q + 1: s = q qualifies iff
        // q(q+1) < (q + r/d)², i.e. 2r ≥ d or q·d·(d − 2r) < r².
        ApportionMethod::HuntingtonHill => {
            let extra = r > 0
                && (r >= d - r
                    || (q.checked_mul(d - 2 * r))
                        .is_some_and(|lhs| U256::mul(lhs, d) < U256::mul(r, r)));
            q.saturating_add(u128::from(extra))
        }
    }
}

struct Counts {
    seats: Vec<u64>,
    sum: u128,
    /// The weight of the demands strictly between their bounds: the slope of the
    /// seat count in `N / d`.
    active_weight: u128,
}

fn counts(
    problem: &Problem<'_>,
    method: ApportionMethod,
    n_scaled: u128,
    divider: &Divider,
) -> Counts {
    let mut seats = Vec::with_capacity(problem.weights.len());
    let (mut sum, mut active_weight) = (0u128, 0u128);
    for (i, &w) in problem.weights.iter().enumerate() {
        let (floor, cap) = (problem.floor(i), problem.cap(i));
        let s = if w == 0 {
            floor
        } else {
            let raw = count(method, u128::from(w) * n_scaled, divider);
            if raw > u128::from(floor) && raw < u128::from(cap) {
                active_weight += u128::from(w);
            }
            u64::try_from(raw.clamp(floor.into(), cap.into())).unwrap_or(cap)
        };
        sum += u128::from(s);
        seats.push(s);
    }
    Counts {
        seats,
        sum,
        active_weight,
    }
}

pub(crate) fn solve(
    problem: &Problem<'_>,
    method: ApportionMethod,
    lambda: Lambda,
) -> (Vec<u64>, Vec<Reason>) {
    let total = u128::from(problem.total);
    // Express λ as N / d with d the weight of the demands strictly inside their
    // bounds, so that Σ λ·w over them is N ≤ total.
    let (n_scaled, d, linear_count) = scale(problem, lambda);
    if d == 0 || n_scaled == 0 || linear_count == 0 {
        // Every demand sits at a bound and the bounds sum to the total.
        let seats = (0..problem.weights.len())
            .map(|i| {
                if lambda.p == 0 {
                    problem.floor(i)
                } else {
                    at_bound(problem, lambda, i)
                }
            })
            .collect();
        return finish(problem, method, seats);
    }
    if let Some(seats) = only_first_seats(problem, method) {
        return finish(problem, method, seats);
    }
    // Any threshold gives exact counts that are a prefix of the global order, so
    // N stays fixed (keeping w·N within 128 bits) and the divisor moves instead:
    // first to centre the method's rounding bias (D'Hondt rounds down, Adams up,
    // by half a seat per demand on average), then by Newton steps.
    // Resolution: one unit of the divisor moves about N / d seats. Scale N and d by
    // the same factor (λ is unchanged) until that is well inside the tolerance of
    // the final fix, as far as w·N still fits 128 bits.
    let tolerance = 1 + problem.weights.len() as u128 / 64;
    let max_weight = u128::from(problem.weights.iter().copied().max().unwrap_or(1).max(1));
    let wanted = (16 * n_scaled).div_ceil(tolerance.saturating_mul(d)).max(1);
    let room = (u128::MAX / max_weight / n_scaled).max(1);
    let k = wanted.min(room);
    let (n_scaled, d) = match (n_scaled.checked_mul(k), d.checked_mul(k)) {
        (Some(n), Some(d)) => (n, d),
        _ => (n_scaled, d),
    };
    let half = linear_count / 2;
    let target = match method {
        ApportionMethod::Hamilton | ApportionMethod::DHondt => n_scaled.saturating_add(half),
        ApportionMethod::Adams => n_scaled.saturating_sub(half).max(1),
        ApportionMethod::SainteLague | ApportionMethod::HuntingtonHill => n_scaled,
    };
    let mut divisor = rescale(d, n_scaled, target);
    let mut current = counts(problem, method, n_scaled, &divisor);
    for _ in 0..4 {
        let diff = total.abs_diff(current.sum);
        if diff <= tolerance || current.active_weight == 0 {
            break;
        }
        // Σ over the active demands of w·N/D is N·active/D; move it by `diff`.
        let active_sum = shares(n_scaled, current.active_weight, divisor.divisor());
        let wanted = if current.sum < total {
            active_sum.saturating_add(diff)
        } else {
            active_sum.saturating_sub(diff)
        };
        let next = rescale(divisor.divisor(), active_sum, wanted.max(1));
        if next.divisor() == divisor.divisor() {
            break;
        }
        divisor = next;
        current = counts(problem, method, n_scaled, &divisor);
    }
    let mut seats = current.seats;
    if current.sum < total {
        add_seats(problem, method, &mut seats, total - current.sum);
    } else if current.sum > total {
        remove_seats(problem, method, &mut seats, current.sum - total);
    }
    finish(problem, method, seats)
}

/// Adams and Huntington–Hill give a first seat infinite priority. When the seats
/// beyond the floors are no more than the demands still waiting for a first seat,
/// the answer needs no threshold: the largest of them get one seat each (the
/// order `w / d` takes as the divisor `d` of a first seat shrinks to zero, so a
/// larger demand never gets less than a smaller one), ties to the earlier
/// demand.
fn only_first_seats(problem: &Problem<'_>, method: ApportionMethod) -> Option<Vec<u64>> {
    if !matches!(
        method,
        ApportionMethod::Adams | ApportionMethod::HuntingtonHill
    ) {
        return None;
    }
    let waiting = |i: usize, w: u64| w > 0 && problem.floor(i) == 0 && problem.cap(i) > 0;
    let floors: u128 = (0..problem.weights.len())
        .map(|i| u128::from(problem.floor(i)))
        .sum();
    let left = u128::from(problem.total).checked_sub(floors)?;
    // Counted first, without allocating: most calls have more units than that.
    let waiting_count = problem
        .weights
        .iter()
        .enumerate()
        .filter(|&(i, &w)| waiting(i, w))
        .count();
    if left > waiting_count as u128 {
        return None;
    }
    let mut first: Vec<(u64, usize)> = problem
        .weights
        .iter()
        .enumerate()
        .filter(|&(i, &w)| waiting(i, w))
        .map(|(i, &w)| (w, i))
        .collect();
    first.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut parts: Vec<u64> = (0..problem.weights.len())
        .map(|i| problem.floor(i))
        .collect();
    for &(_, i) in first
        .iter()
        .take(usize::try_from(left).unwrap_or(usize::MAX))
    {
        if let Some(part) = parts.get_mut(i) {
            *part = 1;
        }
    }
    Some(parts)
}

/// The divider by `d · from / to` (rounded, at least 1): the divisor that scales
/// every share by `to / from`.
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "only moves the starting threshold; the counts at any threshold are exact"
)]
fn rescale(d: u128, from: u128, to: u128) -> Divider {
    let scaled = (d as f64) * (from as f64) / (to as f64);
    let scaled = if scaled.is_finite() && scaled >= 1.0 {
        scaled.round() as u128
    } else {
        1
    };
    Divider::new(scaled.max(1)).unwrap_or(Divider::ONE)
}

/// `N · active / d`: the sum of the active demands' shares at threshold `N / d`.
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "only moves the starting threshold; the counts at any threshold are exact"
)]
fn shares(n: u128, active: u128, d: u128) -> u128 {
    let value = (n as f64) * (active as f64) / (d as f64);
    if value.is_finite() && value >= 1.0 {
        value as u128
    } else {
        1
    }
}

/// `(N, d, number of linear demands)` with `N / d = λ` on the linear demands.
fn scale(problem: &Problem<'_>, lambda: Lambda) -> (u128, u128, u128) {
    if problem.bounds.is_none() {
        let linear = problem.weights.iter().filter(|&&w| w > 0).count() as u128;
        return (lambda.p, lambda.q, linear);
    }
    let (mut bound_sum, mut linear_weight, mut linear) = (0u128, 0u128, 0u128);
    for (i, &w) in problem.weights.iter().enumerate() {
        let share = U256::mul(lambda.p, w.into());
        let (floor, cap) = (problem.floor(i), problem.cap(i));
        if w == 0 || share <= U256::mul(floor.into(), lambda.q) {
            bound_sum += u128::from(floor);
        } else if share >= U256::mul(cap.into(), lambda.q) {
            bound_sum += u128::from(cap);
        } else {
            linear_weight += u128::from(w);
            linear += 1;
        }
    }
    (
        u128::from(problem.total).saturating_sub(bound_sum),
        linear_weight,
        linear,
    )
}

fn at_bound(problem: &Problem<'_>, lambda: Lambda, i: usize) -> u64 {
    let w = problem.weights.get(i).copied().unwrap_or(0);
    let share = U256::mul(lambda.p, w.into());
    let cap = problem.cap(i);
    if share >= U256::mul(cap.into(), lambda.q) {
        cap
    } else {
        problem.floor(i)
    }
}

fn add_seats(problem: &Problem<'_>, method: ApportionMethod, seats: &mut [u64], k: u128) {
    let k = usize::try_from(k).unwrap_or(usize::MAX);
    // The k best next seats, kept in a min-heap.
    let mut best: BinaryHeap<Reverse<Pair>> = BinaryHeap::new();
    for (i, (&w, &s)) in problem.weights.iter().zip(seats.iter()).enumerate() {
        if w == 0 || s >= problem.cap(i) {
            continue;
        }
        let pair = Pair::new(method, w, s, i);
        if best.len() < k {
            best.push(Reverse(pair));
        } else if best.peek().is_some_and(|Reverse(worst)| pair > *worst) {
            best.pop();
            best.push(Reverse(pair));
        }
    }
    let mut heap: BinaryHeap<Pair> = best.into_iter().map(|Reverse(pair)| pair).collect();
    for _ in 0..k {
        let Some(pair) = heap.pop() else { break };
        let (Some(s), Some(&w)) = (seats.get_mut(pair.idx), problem.weights.get(pair.idx)) else {
            break;
        };
        *s += 1;
        if *s < problem.cap(pair.idx) {
            heap.push(Pair::new(method, w, *s, pair.idx));
        }
    }
}

fn remove_seats(problem: &Problem<'_>, method: ApportionMethod, seats: &mut [u64], k: u128) {
    let k = usize::try_from(k).unwrap_or(usize::MAX);
    // The k worst last seats, kept in a max-heap.
    let mut worst: BinaryHeap<Pair> = BinaryHeap::new();
    for (i, (&w, &s)) in problem.weights.iter().zip(seats.iter()).enumerate() {
        if w == 0 || s <= problem.floor(i) {
            continue;
        }
        let pair = Pair::new(method, w, s - 1, i);
        if worst.len() < k {
            worst.push(pair);
        } else if worst.peek().is_some_and(|best| pair < *best) {
            worst.pop();
            worst.push(pair);
        }
    }
    let mut heap: BinaryHeap<Reverse<Pair>> = worst.into_iter().map(Reverse).collect();
    for _ in 0..k {
        let Some(Reverse(pair)) = heap.pop() else {
            break;
        };
        let (Some(s), Some(&w)) = (seats.get_mut(pair.idx), problem.weights.get(pair.idx)) else {
            break;
        };
        *s -= 1;
        if *s > problem.floor(pair.idx) {
            heap.push(Reverse(Pair::new(method, w, *s - 1, pair.idx)));
        }
    }
}

/// The reasons, given final seats that are a prefix of the global order.
fn finish(
    problem: &Problem<'_>,
    method: ApportionMethod,
    seats: Vec<u64>,
) -> (Vec<u64>, Vec<Reason>) {
    let weights = problem.weights;
    if problem.bounds.is_none() {
        let reasons = weights
            .iter()
            .map(|&w| {
                if w == 0 {
                    Reason::ZeroWeight
                } else {
                    Reason::Proportional
                }
            })
            .collect();
        return (seats, reasons);
    }
    // The last seat given beyond the floors, in global order.
    let last = weights
        .iter()
        .zip(&seats)
        .enumerate()
        .filter(|&(i, (&w, &s))| w > 0 && s > problem.floor(i))
        .map(|(i, (&w, &s))| Pair::new(method, w, s - 1, i))
        .min();
    let reasons = weights
        .iter()
        .zip(&seats)
        .enumerate()
        .map(|(i, (&w, &s))| {
            let (floor, cap) = (problem.floor(i), problem.cap(i));
            if w == 0 {
                return if s > 0 {
                    Reason::Floored
                } else {
                    Reason::ZeroWeight
                };
            }
            let would_take_more = || last.is_some_and(|last| Pair::new(method, w, s, i) > last);
            let would_take_less =
                || floor > 0 && last.is_none_or(|last| Pair::new(method, w, floor - 1, i) < last);
            if s == cap && problem.has_cap(i) && would_take_more() {
                Reason::Capped
            } else if s == floor && would_take_less() {
                Reason::Floored
            } else {
                Reason::Proportional
            }
        })
        .collect();
    (seats, reasons)
}
