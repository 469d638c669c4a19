//! Proven `f64` bounds on exact values, and the price of a project over
//! supporters whose budgets are known within bounds.

#![allow(
    clippy::float_cmp,
    reason = "bounds are exact floats: equal means the same number, e.g. an exact cost"
)]

use core::cmp::Ordering;

/// Twice the unit roundoff of `f64`: a generous bound on one operation's relative
/// error.
pub(super) const EPS: f64 = f64::EPSILON;

/// Below this, every integer is exact as an `f64`, and so are sums of them.
pub(super) const EXACT: u128 = 1 << 53;

/// Proven bounds on an exact value.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Bounds {
    pub(super) lo: f64,
    pub(super) hi: f64,
}

/// `x` as bounds of `f64` (exact when `x ≤ 2^53`).
pub(super) fn bounds(x: u128) -> Bounds {
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "the rounding is measured and corrected outward"
    )]
    let (near, back) = {
        let near = x as f64;
        (near, near as u128)
    };
    match back.cmp(&x) {
        Ordering::Equal => Bounds { lo: near, hi: near },
        Ordering::Greater => Bounds {
            lo: near.next_down(),
            hi: near,
        },
        Ordering::Less => Bounds {
            lo: near,
            hi: near.next_up(),
        },
    }
}

/// `num / den` with both exact: the correctly rounded quotient, widened by one
/// step each way unless it is exact (a fused multiply-add tells: its one
/// rounding is of `q·den − num`, which is zero exactly when `q` is the quotient).
pub(super) fn quotient(num: f64, den: f64) -> Bounds {
    let q = num / den;
    if q.mul_add(den, -num) == 0.0 {
        return Bounds { lo: q, hi: q };
    }
    Bounds {
        lo: q.next_down().max(0.0),
        hi: q.next_up(),
    }
}

/// `a − b` and whether it is exact (Knuth's two-sum: the rounding error of a sum
/// is itself a float, computed exactly by these six operations).
pub(super) fn difference(a: f64, b: f64) -> (f64, bool) {
    let d = a - b;
    let bb = d - a;
    let error = (a - (d - bb)) + (-b - bb);
    (d, error == 0.0)
}

/// An exact key `num / den` (both integers below 2^53).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Ratio {
    pub(super) num: u64,
    pub(super) den: u64,
}

impl Ratio {
    pub(super) fn cmp(self, other: Self) -> Ordering {
        (u128::from(self.num) * u128::from(other.den))
            .cmp(&(u128::from(other.num) * u128::from(self.den)))
    }
}

/// A whole `f64` below 2^53 as an integer.
pub(super) fn whole(x: f64) -> Option<u64> {
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "checked: a whole number in range"
    )]
    let n = x as u64;
    #[allow(clippy::cast_precision_loss, reason = "below 2^53: exact")]
    let back = n as f64;
    (x >= 0.0 && u128::from(n) <= EXACT && back == x).then_some(n)
}

/// One supporter class while pricing: its budget bounds, utility and voters.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Item {
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) u: f64,
    pub(super) n: f64,
}

/// Sums over the supporters being priced.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Sums {
    /// `Σ n·β` at the lowest and highest budgets, and `Σ n·u`.
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) weight: f64,
    /// The smallest `β / u` at the lowest budgets.
    pub(super) least: f64,
}

/// A price, or why there is none.
#[derive(Debug, Clone, Copy)]
pub(super) enum Priced {
    Unaffordable,
    /// The intervals cannot decide.
    Uncertain,
    /// `exact`: every supporter pays in full, so `ρ = cost / weight` exactly.
    At {
        rho: Bounds,
        exact: bool,
        /// A lower bound on `Σ n·u` over the supporters who pay in full at the
        /// price (0: not known).
        full: f64,
    },
}

/// A bound on the rounding error of a sum of `terms` non-negative products whose
/// computed total is `total`.
pub(super) fn sum_error(total: f64, terms: usize) -> f64 {
    #[allow(clippy::cast_precision_loss, reason = "a count, as a factor")]
    let terms = terms as f64;
    total * (terms + 4.0) * EPS
}

/// `Σ n·β` for the budgets `beta` picks, if every product and sum along the way
/// is exact (checked error-free: a fused multiply-add for products, two-sum for
/// sums).
pub(super) fn exact_total(items: &[Item], beta: impl Fn(&Item) -> f64) -> Option<f64> {
    let mut total = 0.0_f64;
    for it in items {
        let b = beta(it);
        let product = it.n * b;
        if it.n.mul_add(b, -product) != 0.0 {
            return None;
        }
        let (sum, exact) = difference(total, -product);
        if !exact {
            return None;
        }
        total = sum;
    }
    Some(total)
}

/// A supporter's utility: its own, or 1 for every supporter when `ONE` (every
/// utility but points, see `Fast::weights`). Prices are generic over `ONE` so
/// that the compiler drops the products and quotients by a utility of 1 and
/// the tests of whether it is 1: bit for bit the same results, 12% fewer
/// instructions in add1 on `random-300x6000` (40.0 → 35.2 G, cachegrind),
/// 5% on Budapest 2024.
#[inline]
fn utility<const ONE: bool>(it: &Item) -> f64 {
    if ONE { 1.0 } else { it.u }
}

/// `β / u`: exact when `u` is 1.
#[inline]
fn per_utility<const ONE: bool>(it: &Item, b: f64) -> f64 {
    if ONE || it.u == 1.0 { b } else { b / it.u }
}

/// `Σ n · min(β, ρ·u)` for the budgets `beta` picks, with its error bound.
pub(super) fn payable<const ONE: bool>(
    items: &[Item],
    beta: impl Fn(&Item) -> f64,
    rho: f64,
) -> (f64, f64) {
    let total: f64 = items
        .iter()
        .map(|it| it.n * beta(it).min(rho * utility::<ONE>(it)))
        .sum();
    (total, sum_error(total, items.len()))
}

/// The split of supporters at a price `ρ` (limited: `β < ρ·u`, for the budgets
/// `beta` picks), with what the bounds on the price need from it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Split {
    /// `Σ n·β` over the limited, at the picked and at the highest budgets.
    pub(super) paid_lo: f64,
    pub(super) paid_hi: f64,
    /// `Σ n·u` over the full payers.
    pub(super) weight: f64,
    /// The largest `β / u` among the limited and the smallest among the full.
    pub(super) max_limited: f64,
    pub(super) min_full: f64,
}

pub(super) fn split<const ONE: bool>(
    items: &[Item],
    beta: impl Fn(&Item) -> f64,
    rho: f64,
) -> Split {
    let mut s = Split::new();
    for it in items {
        let b = beta(it);
        s.add::<ONE>(it, b, per_utility::<ONE>(it, b), rho);
    }
    s
}

impl Split {
    fn new() -> Self {
        Split {
            paid_lo: 0.0,
            paid_hi: 0.0,
            weight: 0.0,
            max_limited: 0.0,
            min_full: f64::INFINITY,
        }
    }

    /// Adds a supporter with budget `b` (`ratio = b / u`) at the price `rho`.
    /// Plain comparisons for the extremes: budgets are never NaN.
    #[inline]
    fn add<const ONE: bool>(&mut self, it: &Item, b: f64, ratio: f64, rho: f64) {
        let u = utility::<ONE>(it);
        if b < rho * u {
            self.paid_lo += it.n * b;
            self.paid_hi += it.n * it.hi;
            self.max_limited = if ratio > self.max_limited {
                ratio
            } else {
                self.max_limited
            };
        } else {
            self.weight += it.n * u;
            self.min_full = if ratio < self.min_full {
                ratio
            } else {
                self.min_full
            };
        }
    }
}

impl Sums {
    /// Adds a supporter; its `β / u` at the lowest budgets.
    #[inline]
    fn add<const ONE: bool>(&mut self, it: &Item) -> f64 {
        self.lo += it.n * it.lo;
        self.hi += it.n * it.hi;
        self.weight += it.n * utility::<ONE>(it);
        let ratio = per_utility::<ONE>(it, it.lo);
        self.least = if ratio < self.least {
            ratio
        } else {
            self.least
        };
        ratio
    }
}

/// [`Sums`] over `items`, and with a price `guess`, that price and the split
/// there at the lowest budgets ([`split`] with `β = lo`), where [`price`]
/// starts: one pass instead of two, the same sums in the same order. Most
/// pricings have a guess, and most of those need no other pass
/// (`random-300x6000`).
pub(super) fn sums_and_split<const ONE: bool>(
    items: &[Item],
    guess: Option<f64>,
) -> (Sums, Option<(f64, Split)>) {
    let mut sums = Sums {
        lo: 0.0,
        hi: 0.0,
        weight: 0.0,
        least: f64::INFINITY,
    };
    let Some(rho) = guess else {
        for it in items {
            sums.add::<ONE>(it);
        }
        return (sums, None);
    };
    let mut s = Split::new();
    for it in items {
        let ratio = sums.add::<ONE>(it);
        s.add::<ONE>(it, it.lo, ratio, rho);
    }
    (sums, Some((rho, s)))
}

/// Newton's method on the concave payment function `f` for the budgets `beta`
/// picks, returning the price found and the split it was measured at. From any
/// start, one step lands at or below the price (a tangent of a concave function
/// lies above it); from below, each step makes the split between those who pay
/// in full and those who pay everything they have more accurate, and it is exact
/// once the split is. `floor` (`cost / Σ n·u`, at or below the price) restarts it
/// when `start` is beyond every budget, where the tangent is flat.
#[inline]
pub(super) fn split_at_price<const ONE: bool>(
    items: &[Item],
    beta: impl Fn(&Item) -> f64 + Copy,
    cost: f64,
    start: f64,
    floor: f64,
    mut first: Option<Split>,
) -> (f64, Split) {
    let mut rho = start;
    for step in 0..64 {
        let s = first
            .take()
            .unwrap_or_else(|| split::<ONE>(items, beta, rho));
        if s.weight <= 0.0 {
            if rho <= floor {
                return (rho, s);
            }
            rho = floor;
            continue;
        }
        let next = (cost - s.paid_lo) / s.weight;
        if step > 0 && next <= rho {
            return (rho.max(next), s);
        }
        // The split at `next` is this one (no β/u lies between, with room for
        // rounding): `next` is where the loop would stop, one pass sooner. A
        // guess from a nearby run often lands here.
        if s.max_limited < next * (1.0 - 4.0 * EPS) && next * (1.0 + 4.0 * EPS) <= s.min_full {
            return (next, s);
        }
        rho = next;
    }
    (rho, split::<ONE>(items, beta, rho))
}

/// Bounds on the price from one split, without another pass:
///
/// - `hi = (cost − paid_lo) / weight`, rounded up, where the split still holds at
///   `hi` (every limited `β/u ≤ hi ≤` every full one): there the payment
///   function at the lowest budgets is exactly `paid_lo + hi·weight ≥ cost`;
/// - `lo = (cost − paid_hi) / weight`, rounded down: for any split the payment
///   function at the highest budgets is at most `paid_hi + lo·weight`, since
///   `min(β, ρ·u)` is at most either, so it falls short of the cost.
pub(super) fn fused_bounds(s: &Split, cost: Bounds, terms: usize) -> (Option<f64>, Option<f64>) {
    if s.weight <= 0.0 {
        return (None, None);
    }
    let err_w = sum_error(s.weight, terms);
    let hi = {
        let num = (cost.hi - s.paid_lo + sum_error(s.paid_lo, terms)).next_up();
        let den = (s.weight - err_w).next_down();
        let a = (num / den).next_up();
        (den > 0.0 && s.max_limited <= a * (1.0 - 4.0 * EPS) && a * (1.0 + 4.0 * EPS) <= s.min_full)
            .then_some(a)
    };
    let lo = {
        let num = (cost.lo - s.paid_hi - sum_error(s.paid_hi, terms))
            .next_down()
            .next_down();
        let den = (s.weight + err_w).next_up();
        Some((num / den).next_down().max(0.0))
    };
    (lo, hi)
}

/// Proven bounds on the price `ρ` at which supporters with budgets somewhere in
/// their bounds pay `cost`, each `min(β, ρ·u)`, from their [`sums_and_split`].
/// Its guess, a price seen before for the same supporters, saves Newton steps;
/// any value works.
///
/// (`price`, `split_at_price` and `after` are inlined into the loops that
/// call them, as the compiler did before `full` was added.)
#[inline]
pub(super) fn price<const ONE: bool>(
    items: &[Item],
    (sums, first): (Sums, Option<(f64, Split)>),
    cost: Bounds,
) -> Priced {
    if sums.hi + sum_error(sums.hi, items.len()) < cost.lo {
        return Priced::Unaffordable;
    }
    if sums.lo - sum_error(sums.lo, items.len()) < cost.hi {
        // Too close to call with the error bound: decided only if the sums are
        // exact (budgets that are whole amounts, say).
        match (
            exact_total(items, |it| it.lo),
            exact_total(items, |it| it.hi),
        ) {
            (Some(lo), _) if lo >= cost.hi => {}
            (_, Some(hi)) if hi < cost.lo => return Priced::Unaffordable,
            _ => return Priced::Uncertain,
        }
    }
    if sums.weight <= 0.0 {
        return Priced::Uncertain;
    }
    // Everyone pays in full if even the poorest can pay cost / weight. With
    // utility 1, `least` is the poorest budget itself and a fused multiply-add
    // tells `least · weight ≥ cost` exactly (its sign is exact); otherwise
    // `least` was rounded, so it must clear the price by a step.
    if cost.lo == cost.hi && whole(sums.weight).is_some() {
        let rho = quotient(cost.lo, sums.weight);
        let all_full = if ONE || items.iter().all(|it| it.u == 1.0) {
            sums.least.mul_add(sums.weight, -cost.lo) >= 0.0
        } else {
            sums.least >= rho.hi.next_up()
        };
        if all_full {
            return Priced::At {
                rho,
                exact: true,
                full: sums.weight,
            };
        }
    }
    let floor = (cost.lo / sums.weight).next_down().max(0.0);
    // Newton's method starts at the guess, whose split came with the sums.
    let (start, first) = first.map_or((floor, None), |(rho, s)| (rho, Some(s)));
    let (rho, split) = split_at_price::<ONE>(items, |it| it.lo, cost.hi, start, floor, first);
    let fused = fused_bounds(&split, cost, items.len());
    if let (Some(lo), Some(hi)) = fused {
        // The split holds at `hi`, above the price: its full payers pay in full there.
        return Priced::At {
            rho: Bounds { lo, hi },
            exact: false,
            full: (split.weight - sum_error(split.weight, items.len()))
                .next_down()
                .max(0.0),
        };
    }
    // Near a breakpoint: check candidate bounds against the payment function.
    // Least money, most cost: an upper bound `hi` with f(hi) ≥ cost for sure.
    let mut hi = fused.1;
    let mut tol = EPS * 64.0;
    for _ in 0..6 {
        if hi.is_some() {
            break;
        }
        let a = (rho * (1.0 + tol)).next_up();
        let (f, err) = payable::<ONE>(items, |it| it.lo, a);
        if f - err >= cost.hi {
            hi = Some(a);
            break;
        }
        tol *= 1024.0;
    }
    // Most money, least cost: a lower bound `lo` with f(lo) < cost for sure. The
    // budgets' bounds are close, so the price just found is close too.
    let mut lo = fused.0;
    let mut tol = EPS * 64.0;
    let mut rho = rho;
    for attempt in 0..6 {
        if lo.is_some() {
            break;
        }
        let a = (rho * (1.0 - tol)).next_down().max(0.0);
        let (f, err) = payable::<ONE>(items, |it| it.hi, a);
        if f + err < cost.lo {
            lo = Some(a);
            break;
        }
        if attempt == 0 {
            rho = split_at_price::<ONE>(items, |it| it.hi, cost.lo, rho, floor, None).0;
        } else {
            tol *= 1024.0;
        }
    }
    match (lo, hi) {
        (Some(lo), Some(hi)) => Priced::At {
            rho: Bounds { lo, hi },
            exact: false,
            full: 0.0,
        },
        _ => Priced::Uncertain,
    }
}

/// What a supporter with budget `b` has left after paying `min(b, ρ·u)`.
/// Roundings go outward; exact steps (a product by 1, an exact difference) do
/// not widen the bounds, so exact budgets stay exact.
#[inline]
pub(super) fn after(b: Bounds, rho: Bounds, u: f64) -> Bounds {
    let (most, least) = if u == 1.0 {
        (rho.hi, rho.lo)
    } else {
        ((rho.hi * u).next_up(), (rho.lo * u).next_down())
    };
    let lo = left(b.lo, most).map_or(0.0, |(d, exact)| if exact { d } else { d.next_down() });
    let hi = left(b.hi, least).map_or(0.0, |(d, exact)| if exact { d } else { d.next_up() });
    Bounds { lo, hi: hi.max(lo) }
}

/// `a − b` and whether it is exact, when `a ≥ b ≥ 0` (`None` otherwise: the
/// difference is negative, and what is left is 0). With `a ≥ b` Dekker's
/// fast two-sum gives the exact rounding error in two operations instead of
/// [`difference`]'s five: the same verdict.
#[inline]
fn left(a: f64, b: f64) -> Option<(f64, bool)> {
    (a >= b).then(|| {
        let d = a - b;
        (d, (a - d) - b == 0.0)
    })
}

/// `x` nudged up (`v ≥ 0`): room for the rounding of a few sums of non-negative
/// terms (each within `n·ε` relative, far below this).
pub(super) fn up(v: f64) -> f64 {
    v * (1.0 + 1e-9)
}

/// `x` nudged down (`v ≥ 0`).
pub(super) fn down(v: f64) -> f64 {
    v * (1.0 - 1e-9)
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_rational::BigRational;
    use proptest::prelude::*;

    fn q(x: f64) -> BigRational {
        BigRational::from_float(x).unwrap()
    }

    /// The exact price at which supporters with exactly these budgets pay
    /// `cost`, each `min(β, ρ·u)`: by sorting on `β / u`.
    fn exact_price(items: &[(f64, f64, f64)], cost: f64) -> Option<BigRational> {
        let mut sorted: Vec<_> = items
            .iter()
            .map(|&(b, u, n)| (q(b) / q(u), q(b), q(u), q(n)))
            .collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        let total: BigRational = sorted.iter().map(|x| &x.1 * &x.3).sum();
        if total < q(cost) {
            return None;
        }
        let mut rest = q(cost);
        let mut weight: BigRational = sorted.iter().map(|x| &x.2 * &x.3).sum();
        for (ratio, b, u, n) in &sorted {
            let rho = &rest / &weight;
            if &rho <= ratio {
                return Some(rho);
            }
            rest -= b * n;
            weight -= u * n;
        }
        Some(rest / weight)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// What a payer has left: the fast two-sum gives `difference`'s
        /// result and verdict wherever `a ≥ b`, and nothing below.
        #[test]
        fn what_is_left_is_the_difference(
            a in prop_oneof![0.0f64..1e9, (0u32..100_000).prop_map(f64::from)],
            b in prop_oneof![0.0f64..1e9, (0u32..100_000).prop_map(f64::from)],
        ) {
            let (a, b) = (a.max(b), a.min(b));
            prop_assert_eq!(left(a, b), Some(difference(a, b)));
            prop_assert_eq!(left(b, a), (a == b).then(|| difference(b, a)));
        }

        /// The bounds hold the exact price for every budget within the budgets'
        /// bounds (checked at both ends); an exact price is exactly cost / Σ n·u.
        #[test]
        fn prices_bracket_the_exact_price(
            raw in proptest::collection::vec((1u32..2000, 0u32..3, 1u32..5, 1u32..40), 1..12),
            cost in 1u32..20_000,
            spread in prop_oneof![Just(0.0), Just(1e-9), Just(1e-3)],
            points in any::<bool>(),
            guess in proptest::option::of(0.01f64..500.0),
        ) {
            let items: Vec<Item> = raw
                .iter()
                .map(|&(b, frac, u, n)| {
                    let lo = f64::from(b) + f64::from(frac) / 3.0;
                    Item { lo, hi: lo * (1.0 + spread), u: if points { f64::from(u) } else { 1.0 }, n: f64::from(n) }
                })
                .collect();
            let mut sums = Sums { least: f64::INFINITY, ..Sums::default() };
            for it in &items {
                sums.lo += it.n * it.lo;
                sums.hi += it.n * it.hi;
                sums.weight += it.n * it.u;
                sums.least = sums.least.min(it.lo / it.u);
            }
            let cost = f64::from(cost);
            let at = |pick: fn(&Item) -> f64| {
                exact_price(&items.iter().map(|it| (pick(it), it.u, it.n)).collect::<Vec<_>>(), cost)
            };
            let (poorest, richest) = (at(|it| it.lo), at(|it| it.hi));
            let (taken, first) = sums_and_split::<false>(&items, guess);
            prop_assert_eq!(
                (taken.lo, taken.hi, taken.weight, taken.least),
                (sums.lo, sums.hi, sums.weight, sums.least)
            );
            prop_assert_eq!(first.map(|(g, _)| g), guess);
            if let Some((g, first)) = first {
                let plain = split::<false>(&items, |it| it.lo, g);
                prop_assert_eq!(
                    (first.paid_lo, first.paid_hi, first.weight, first.max_limited, first.min_full),
                    (plain.paid_lo, plain.paid_hi, plain.weight, plain.max_limited, plain.min_full)
                );
            }
            let priced = price::<false>(&items, (taken, first), Bounds { lo: cost, hi: cost });
            if !points {
                // Specialised for utilities of 1: bit for bit the same.
                let one = sums_and_split::<true>(&items, guess);
                prop_assert_eq!(format!("{one:?}"), format!("{:?}", (taken, first)));
                let one = price::<true>(&items, one, Bounds { lo: cost, hi: cost });
                prop_assert_eq!(format!("{one:?}"), format!("{priced:?}"));
            }
            match priced {
                Priced::At { rho, exact, .. } => {
                    let poorest = poorest.expect("affordable at the lowest budgets");
                    let richest = richest.expect("affordable at the highest budgets");
                    prop_assert!(q(rho.lo) <= richest, "{} > {}", rho.lo, richest);
                    prop_assert!(poorest <= q(rho.hi), "{} > {}", poorest, rho.hi);
                    if exact {
                        prop_assert_eq!(&poorest, &(q(cost) / q(sums.weight)));
                        prop_assert_eq!(&richest, &(q(cost) / q(sums.weight)));
                    }
                }
                Priced::Unaffordable => prop_assert!(richest.is_none()),
                Priced::Uncertain => prop_assert!(poorest.is_none() && richest.is_some() || spread > 0.0),
            }
        }
    }
}
