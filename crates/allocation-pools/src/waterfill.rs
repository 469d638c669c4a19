//! Water-filling: the exact rational `λ` at which `Σ clamp(λ·wᵢ, floorᵢ, capᵢ)`
//! equals the total.
//!
//! `g(λ) = Σ clamp(λ·wᵢ, fᵢ, cᵢ)` is continuous, non-decreasing and piecewise
//! linear, with breakpoints at `fᵢ/wᵢ` and `cᵢ/wᵢ`. The search keeps an open
//! interval `(lo, hi)` known to contain `λ`, and the demands with a breakpoint still
//! inside it; demands whose breakpoints have left it are folded into two exact
//! aggregates (the sum of their fixed parts, the sum of their linear weights). Each
//! round evaluates `g` exactly at the median remaining breakpoint and halves them.
//!
//! To start that search with very few demands left, a floating-point estimate of `λ`
//! (Newton steps, safeguarded by bisection) proposes a tight dyadic bracket. The
//! bracket is only used if an exact evaluation confirms `g(lo) < total < g(hi)`, and
//! demands are classified against it by floats only where a margin far above
//! floating-point error makes the answer certain; otherwise exactly. If the estimate
//! fails, the search starts from `(0, ∞)`. Floats choose where to look; every
//! decision is exact.

use core::cmp::Ordering;

use crate::problem::Problem;
use crate::wide::{U256, cmp_fractions};

/// The water level `λ = p / q`, with `q > 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lambda {
    pub(crate) p: u128,
    pub(crate) q: u128,
}

/// A non-negative fraction `n / d` with `n, d < 2⁶⁴` and `d > 0`.
#[derive(Debug, Clone, Copy)]
struct Frac {
    n: u128,
    d: u128,
}

impl Frac {
    fn cmp(self, other: Self) -> Ordering {
        cmp_fractions(self.n, self.d, other.n, other.d)
    }

    #[allow(
        clippy::cast_precision_loss,
        reason = "only chooses where to look; every decision is exact"
    )]
    fn approx(self) -> f64 {
        self.n as f64 / self.d as f64
    }

    /// A positive, finite `x` as `n / d` with `n, d < 2⁶⁴`: exactly when that
    /// fits, otherwise over `d = 2⁶³` rounded down (or up), which keeps `lo ≤ x`
    /// (or `x ≤ hi`) for a bracket. `None` for values out of that range.
    fn from_f64(x: f64, round_up: bool) -> Option<Self> {
        if !(x.is_finite() && x > 0.0) {
            return None;
        }
        let bits = x.to_bits();
        let exponent = i32::try_from((bits >> 52) & 0x7FF).ok()?;
        let fraction = bits & ((1 << 52) - 1);
        let (mantissa, exponent) = if exponent == 0 {
            (fraction, -1074)
        } else {
            (fraction | (1 << 52), exponent - 1075)
        };
        let mantissa = u128::from(mantissa);
        if exponent >= 0 {
            let n = mantissa.checked_shl(u32::try_from(exponent).ok()?)?;
            return (n < 1 << 64).then_some(Self { n, d: 1 });
        }
        let shift = u32::try_from(-exponent).ok()?;
        if shift < 64 {
            return Some(Self {
                n: mantissa,
                d: 1 << shift,
            });
        }
        let dropped = shift - 63;
        let mut n = mantissa.checked_shr(dropped).unwrap_or(0);
        if round_up && n.checked_shl(dropped) != Some(mantissa) {
            n += 1;
        }
        (n > 0).then_some(Self { n, d: 1 << 63 })
    }
}

/// Where a demand sits on the interval `(lo, hi)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Capped everywhere on the interval.
    Capped,
    /// At its floor everywhere on the interval.
    Floored,
    /// Strictly between floor and cap everywhere on the interval.
    Linear,
    /// A breakpoint lies inside the interval.
    Undecided,
}

/// Exact placement of breakpoints `floor ≤ cap` relative to `(lo, hi)`.
fn place(floor: Frac, cap: Frac, lo: Frac, hi: Option<Frac>) -> Place {
    if cap.cmp(lo).is_le() {
        Place::Capped
    } else if hi.is_some_and(|hi| floor.cmp(hi).is_ge()) {
        Place::Floored
    } else if floor.cmp(lo).is_le() && hi.is_some_and(|hi| cap.cmp(hi).is_ge()) {
        Place::Linear
    } else {
        Place::Undecided
    }
}

/// The state of the exact search.
struct Search {
    lo: Frac,
    hi: Option<Frac>,
    fixed: u128,
    linear: u128,
    undecided: Vec<usize>,
}

/// The water level for `problem`. Requires `Σ floors ≤ total < Σ caps` and a
/// positive weight sum; then `g(λ) = total`.
pub(crate) fn solve(problem: &Problem<'_>) -> Lambda {
    let floors: u128 = (0..problem.weights.len())
        .map(|i| u128::from(problem.floor(i)))
        .sum();
    if floors >= u128::from(problem.total) {
        // The floors alone use the whole total: λ = 0.
        return Lambda { p: 0, q: 1 };
    }
    if let Some(estimate) = estimate(problem) {
        for delta in [1e-9, 1e-6, 1e-3] {
            let bracket = (
                Frac::from_f64(estimate * (1.0 - delta), false),
                Frac::from_f64(estimate * (1.0 + delta), true),
            );
            if let (Some(lo), Some(hi)) = bracket
                && let Some(found) = bracketed(problem, lo, hi)
            {
                return found;
            }
        }
    }
    let mut search = Search {
        lo: Frac { n: 0, d: 1 },
        hi: None,
        fixed: 0,
        linear: 0,
        undecided: Vec::new(),
    };
    for (i, &w) in problem.weights.iter().enumerate() {
        if w == 0 {
            search.fixed += u128::from(problem.floor(i));
        } else if problem.cap(i) > 0 {
            search.undecided.push(i);
        }
        // A cap of zero contributes zero for every λ.
    }
    narrow(problem, search)
}

/// Searches from the bracket `(lo, hi)` if it provably contains `λ`.
fn bracketed(problem: &Problem<'_>, lo: Frac, hi: Frac) -> Option<Lambda> {
    let (lo_f, hi_f) = (lo.approx(), hi.approx());
    // Breakpoints computed in floating point are within a relative 1e-15 of the
    // truth; lo_f and hi_f are exact. Only decide by floats outside this margin.
    let margin = 1e-12;
    let mut search = Search {
        lo,
        hi: Some(hi),
        fixed: 0,
        linear: 0,
        undecided: Vec::new(),
    };
    let bounds = problem.bounds?;
    for (i, ((&w, &floor), &cap)) in problem
        .weights
        .iter()
        .zip(bounds.floors)
        .zip(bounds.caps)
        .enumerate()
    {
        if w == 0 {
            search.fixed += u128::from(floor);
            continue;
        }
        let place = certain_place(floor, cap, w, lo_f, hi_f, margin).unwrap_or_else(|| {
            let d = u128::from(w);
            place(
                Frac { n: floor.into(), d },
                Frac { n: cap.into(), d },
                lo,
                Some(hi),
            )
        });
        match place {
            Place::Capped => search.fixed += u128::from(cap),
            Place::Floored => search.fixed += u128::from(floor),
            Place::Linear => search.linear += u128::from(w),
            Place::Undecided => search.undecided.push(i),
        }
    }
    let total = u128::from(problem.total);
    let at = |x: Frac| evaluate(problem, &search, x).cmp(&U256::mul(total, x.d));
    match (at(lo), at(hi)) {
        (Ordering::Equal, _) => Some(Lambda { p: lo.n, q: lo.d }),
        (_, Ordering::Equal) => Some(Lambda { p: hi.n, q: hi.d }),
        (Ordering::Less, Ordering::Greater) => Some(narrow(problem, search)),
        _ => None,
    }
}

/// The placement of a demand decided by floating point where it is certain.
#[allow(
    clippy::cast_precision_loss,
    reason = "decides only outside a margin far above the rounding error"
)]
fn certain_place(floor: u64, cap: u64, w: u64, lo: f64, hi: f64, margin: f64) -> Option<Place> {
    let w = w as f64;
    let (a, b) = (floor as f64 / w, cap as f64 / w);
    let (below_lo, above_lo) = (lo * (1.0 - margin), lo * (1.0 + margin));
    let (below_hi, above_hi) = (hi * (1.0 - margin), hi * (1.0 + margin));
    if b < below_lo {
        Some(Place::Capped)
    } else if a > above_hi {
        Some(Place::Floored)
    } else if a < below_lo && b > above_hi {
        Some(Place::Linear)
    } else if (a > above_lo && a < below_hi) || (b > above_lo && b < below_hi) {
        Some(Place::Undecided)
    } else {
        None
    }
}

/// Narrows `(lo, hi)` by exact evaluations at median breakpoints until no demand
/// has a breakpoint inside; then `λ` solves the last linear piece.
fn narrow(problem: &Problem<'_>, mut search: Search) -> Lambda {
    let total = u128::from(problem.total);
    let breakpoints = |i: usize| {
        let d = u128::from(problem.weights.get(i).copied().unwrap_or(1));
        (
            Frac {
                n: problem.floor(i).into(),
                d,
            },
            Frac {
                n: problem.cap(i).into(),
                d,
            },
        )
    };
    let mut candidates: Vec<(f64, Frac)> = Vec::new();
    while !search.undecided.is_empty() {
        candidates.clear();
        let (lo, hi) = (search.lo, search.hi);
        let inside = |x: Frac| x.cmp(lo).is_gt() && hi.is_none_or(|hi| x.cmp(hi).is_lt());
        for &i in &search.undecided {
            let (a, b) = breakpoints(i);
            candidates.extend(
                [a, b]
                    .into_iter()
                    .filter(|&x| inside(x))
                    .map(|x| (x.approx(), x)),
            );
        }
        // Every undecided demand has a breakpoint inside the interval; the guard only
        // keeps the selection below from being asked for an element of nothing.
        if candidates.is_empty() {
            break;
        }
        let middle = candidates.len() / 2;
        let (_, &mut (_, pivot), _) =
            candidates.select_nth_unstable_by(middle, |a, b| a.0.total_cmp(&b.0));
        match evaluate(problem, &search, pivot).cmp(&U256::mul(total, pivot.d)) {
            Ordering::Equal => {
                return Lambda {
                    p: pivot.n,
                    q: pivot.d,
                };
            }
            Ordering::Less => search.lo = pivot,
            Ordering::Greater => search.hi = Some(pivot),
        }
        let (lo, hi) = (search.lo, search.hi);
        let (mut fixed, mut linear) = (search.fixed, search.linear);
        search.undecided.retain(|&i| {
            let (a, b) = breakpoints(i);
            match place(a, b, lo, hi) {
                Place::Capped => fixed += u128::from(problem.cap(i)),
                Place::Floored => fixed += u128::from(problem.floor(i)),
                Place::Linear => linear += b.d,
                Place::Undecided => return true,
            }
            false
        });
        (search.fixed, search.linear) = (fixed, linear);
    }
    if search.linear == 0 {
        // Every demand is at a bound on the interval and their sum is the total.
        return Lambda {
            p: search.lo.n,
            q: search.lo.d,
        };
    }
    Lambda {
        p: total.saturating_sub(search.fixed),
        q: search.linear,
    }
}

/// `g(x) · x.d`, exactly.
fn evaluate(problem: &Problem<'_>, search: &Search, x: Frac) -> U256 {
    let mut acc = U256::mul(search.fixed, x.d)
        .checked_add(U256::mul(x.n, search.linear))
        .unwrap_or(U256::MAX);
    for &i in &search.undecided {
        let w = u128::from(problem.weights.get(i).copied().unwrap_or(0));
        let share = x.n * w;
        let floor = u128::from(problem.floor(i)) * x.d;
        let cap = u128::from(problem.cap(i)) * x.d;
        acc = acc
            .checked_add_small(share.clamp(floor, cap))
            .unwrap_or(U256::MAX);
    }
    acc
}

/// A floating-point estimate of `λ`: Newton steps on the piecewise-linear `g`,
/// kept inside a bisection bracket.
#[allow(
    clippy::cast_precision_loss,
    reason = "an estimate only; the search that follows is exact"
)]
fn estimate(problem: &Problem<'_>) -> Option<f64> {
    let total = problem.total as f64;
    let bounds = problem.bounds?;
    let g = |lambda: f64| {
        let (mut sum, mut slope) = (0.0, 0.0);
        for ((&w, &f), &c) in problem.weights.iter().zip(bounds.floors).zip(bounds.caps) {
            let (w, f, c) = (w as f64, f as f64, c as f64);
            let x = lambda * w;
            if x <= f {
                sum += f;
            } else if x >= c {
                sum += c;
            } else {
                sum += x;
                slope += w;
            }
        }
        (sum, slope)
    };
    let weight: f64 = problem.weights.iter().map(|&w| w as f64).sum();
    let (mut lo, mut hi) = (0.0_f64, f64::INFINITY);
    let mut lambda = total / weight;
    for _ in 0..60 {
        let (value, slope) = g(lambda);
        if (value - total).abs() <= total * 1e-12 {
            return Some(lambda);
        }
        if value < total {
            lo = lambda;
        } else {
            hi = lambda;
        }
        let newton = lambda + (total - value) / slope;
        lambda = if slope > 0.0 && newton > lo && newton < hi {
            newton
        } else if hi.is_finite() {
            f64::midpoint(lo, hi)
        } else {
            lambda * 2.0
        };
        if !lambda.is_finite() || lambda <= 0.0 {
            return None;
        }
    }
    Some(lambda)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_from_floats() {
        for x in [1.0, 0.5, 3.25, 123_456.789, 2f64.powi(40), 2f64.powi(-60)] {
            let f = Frac::from_f64(x, false).unwrap();
            assert!(f.n < 1 << 64 && f.d < 1 << 64 && f.d > 0);
            assert_eq!(f.approx().to_bits(), x.to_bits(), "exact when it fits");
        }
        // Below 2⁻⁶³·2⁵³ the denominator stops at 2⁶³ and the value is rounded the
        // asked way.
        for x in [1e-10, 1e-15, 3.3e-12] {
            let (lo, hi) = (
                Frac::from_f64(x, false).unwrap(),
                Frac::from_f64(x, true).unwrap(),
            );
            assert!(lo.approx() <= x && x <= hi.approx(), "{x}");
            assert!(hi.n - lo.n <= 1);
        }
        assert!(Frac::from_f64(0.0, false).is_none());
        assert!(Frac::from_f64(f64::NAN, true).is_none());
        assert!(Frac::from_f64(2f64.powi(70), false).is_none());
        assert!(Frac::from_f64(1e-300, false).is_none());
    }
}
