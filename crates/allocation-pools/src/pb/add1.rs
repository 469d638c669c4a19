//! The cities' `add1` completion of MES, found without an exact run per budget.
//!
//! `add1` asks for the first per-voter budget `b = ⌊B/n⌋ + 1, + 2, …` whose MES
//! outcome no longer fits the budget. Budapest 2024 has 23,175 such steps and one
//! exact run there costs ~25 ms, so the answer comes from three observations:
//!
//! 1. **Classes do not depend on `b`.** In a run, a voter's remaining budget is
//!    `max(0, b − Σ ρⱼ·uⱼ)` over the chosen projects they support (once a voter has
//!    paid everything, they stay at zero). Voters with the same supported choices
//!    (and utilities) form a *class*, and classes depend only on the sequence of
//!    choices, not on `b`. [`Structure`] builds them once per prefix of a sequence,
//!    with each project's supporters counted per class; a run at another `b` that
//!    makes the same choices only re-evaluates a few hundred budgets.
//! 2. **Floats with proven bounds.** A run keeps every budget and price as an
//!    interval of `f64` that provably holds the exact value: roundings go outward,
//!    and a price is bracketed by evaluating the payment function with an error
//!    bound. When every supporter of a project pays in full, its price is the exact
//!    fraction `cost / Σ n·u`, which settles ties exactly. A comparison neither can
//!    decide makes the run *uncertain*, and that budget is run exactly (`BigInt`).
//! 3. **A monotone certificate.** If runs at `b₁ < b₂` make the same choices, every
//!    remaining budget at `b ∈ [b₁, b₂]` lies between its values at `b₁` and `b₂`
//!    (with the choices fixed, payments only shrink as budgets grow), so every
//!    price lies between its prices at `b₂` and `b₁`. If in every round the chosen
//!    project's price at `b₁` is below every other candidate's price at `b₂` (or
//!    equal, and it wins the tie-break), every budget in between makes the same
//!    choices. The search covers windows of budgets by such certificates, halving a
//!    window it cannot certify; a window of one step is always run.

#![allow(
    clippy::float_cmp,
    reason = "bounds are exact floats: equal means the same number, e.g. an exact cost"
)]

use core::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap, HashMap};

use super::{Profile, Utility};
use crate::Result;

/// Twice the unit roundoff of `f64`: a generous bound on one operation's relative
/// error.
const EPS: f64 = f64::EPSILON;

/// Below this, every integer is exact as an `f64`, and so are sums of them.
const EXACT: u128 = 1 << 53;

/// Proven bounds on an exact value.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Bounds {
    lo: f64,
    hi: f64,
}

/// `x` as bounds of `f64` (exact when `x ≤ 2^53`).
fn bounds(x: u128) -> Bounds {
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
fn quotient(num: f64, den: f64) -> Bounds {
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
fn difference(a: f64, b: f64) -> (f64, bool) {
    let d = a - b;
    let bb = d - a;
    let error = (a - (d - bb)) + (-b - bb);
    (d, error == 0.0)
}

/// An exact key `num / den` (both integers below 2^53).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ratio {
    num: u64,
    den: u64,
}

impl Ratio {
    fn cmp(self, other: Self) -> Ordering {
        (u128::from(self.num) * u128::from(other.den))
            .cmp(&(u128::from(other.num) * u128::from(self.den)))
    }
}

/// A whole `f64` below 2^53 as an integer.
fn whole(x: f64) -> Option<u64> {
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

/// Supporters of a project at some prefix: one class and utility, and how many.
#[derive(Debug, Clone, Copy)]
struct Entry {
    class: u32,
    u: f64,
    n: f64,
}

/// A project's supporters at some prefix, and the last price seen for them.
#[derive(Debug, Clone, Default)]
struct Hist {
    entries: Vec<Entry>,
    rho: Option<f64>,
    /// (budget, lower bound on the key) from runs that priced these supporters,
    /// by budget: a lower bound for any run at a budget up to that one.
    seen: Vec<(f64, f64)>,
}

/// One supporter class while pricing: its budget bounds, utility and voters.
#[derive(Debug, Clone, Copy)]
struct Item {
    lo: f64,
    hi: f64,
    u: f64,
    n: f64,
}

/// Sums over the supporters being priced, taken while gathering them.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    /// `Σ n·β` at the lowest and highest budgets, and `Σ n·u`.
    lo: f64,
    hi: f64,
    weight: f64,
    /// The smallest `β / u` at the lowest budgets.
    least: f64,
}

/// A price, or why there is none.
#[derive(Debug, Clone, Copy)]
enum Priced {
    Unaffordable,
    /// The intervals cannot decide.
    Uncertain,
    /// `exact`: every supporter pays in full, so `ρ = cost / weight` exactly.
    At {
        rho: Bounds,
        exact: bool,
    },
}

/// A bound on the rounding error of a sum of `terms` non-negative products whose
/// computed total is `total`.
fn sum_error(total: f64, terms: usize) -> f64 {
    #[allow(clippy::cast_precision_loss, reason = "a count, as a factor")]
    let terms = terms as f64;
    total * (terms + 4.0) * EPS
}

/// `Σ n·β` for the budgets `beta` picks, if every product and sum along the way
/// is exact (checked error-free: a fused multiply-add for products, two-sum for
/// sums).
fn exact_total(items: &[Item], beta: impl Fn(&Item) -> f64) -> Option<f64> {
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

/// `Σ n · min(β, ρ·u)` for the budgets `beta` picks, with its error bound.
fn payable(items: &[Item], beta: impl Fn(&Item) -> f64, rho: f64) -> (f64, f64) {
    let total: f64 = items.iter().map(|it| it.n * beta(it).min(rho * it.u)).sum();
    (total, sum_error(total, items.len()))
}

/// Newton's method on the concave payment function `f`: from any start, one step
/// lands at or below the price (a tangent of a concave function lies above it);
/// from below, each step makes the split between those who pay in full and those
/// who pay everything they have more accurate, and it is exact once the split is.
///
/// `floor` (`cost / Σ n·u`, at or below the price) restarts it when `start` is
/// beyond every budget, where the tangent is flat.
fn newton(items: &[Item], beta: impl Fn(&Item) -> f64, cost: f64, start: f64, floor: f64) -> f64 {
    let mut rho = start;
    for step in 0..64 {
        let (mut paid, mut weight) = (0.0, 0.0);
        for it in items {
            let b = beta(it);
            if b < rho * it.u {
                paid += it.n * b;
            } else {
                weight += it.n * it.u;
            }
        }
        if weight <= 0.0 {
            if rho <= floor {
                return rho;
            }
            rho = floor;
            continue;
        }
        let next = (cost - paid) / weight;
        if step > 0 && next <= rho {
            return rho.max(next);
        }
        rho = next;
    }
    rho
}

/// The split of supporters at a price `ρ` (limited: `β < ρ·u` at the lowest
/// budgets), with what the bounds on the price need from it.
#[derive(Debug, Clone, Copy)]
struct Split {
    /// `Σ n·β` over the limited, at the lowest and the highest budgets.
    paid_lo: f64,
    paid_hi: f64,
    /// `Σ n·u` over the full payers.
    weight: f64,
    /// The largest `β / u` among the limited and the smallest among the full.
    max_limited: f64,
    min_full: f64,
}

fn split(items: &[Item], rho: f64) -> Split {
    let mut s = Split {
        paid_lo: 0.0,
        paid_hi: 0.0,
        weight: 0.0,
        max_limited: 0.0,
        min_full: f64::INFINITY,
    };
    for it in items {
        let ratio = if it.u == 1.0 { it.lo } else { it.lo / it.u };
        if it.lo < rho * it.u {
            s.paid_lo += it.n * it.lo;
            s.paid_hi += it.n * it.hi;
            s.max_limited = s.max_limited.max(ratio);
        } else {
            s.weight += it.n * it.u;
            s.min_full = s.min_full.min(ratio);
        }
    }
    s
}

/// Newton's method on the lowest budgets (as [`newton`]), returning the price
/// found and the split it was measured at.
fn split_at_price(items: &[Item], cost: f64, start: f64, floor: f64) -> (f64, Split) {
    let mut rho = start;
    for step in 0..64 {
        let s = split(items, rho);
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
        rho = next;
    }
    (rho, split(items, rho))
}

/// Bounds on the price from one split, without another pass:
///
/// - `hi = (cost − paid_lo) / weight`, rounded up, where the split still holds at
///   `hi` (every limited `β/u ≤ hi ≤` every full one): there the payment
///   function at the lowest budgets is exactly `paid_lo + hi·weight ≥ cost`;
/// - `lo = (cost − paid_hi) / weight`, rounded down: for any split the payment
///   function at the highest budgets is at most `paid_hi + lo·weight`, since
///   `min(β, ρ·u)` is at most either, so it falls short of the cost.
fn fused_bounds(s: &Split, cost: Bounds, terms: usize) -> (Option<f64>, Option<f64>) {
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
/// their bounds pay `cost`, each `min(β, ρ·u)`. `guess`, a price seen before for
/// the same supporters, saves Newton steps; any value works.
fn price(items: &[Item], sums: Sums, cost: Bounds, guess: Option<f64>) -> Priced {
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
        let all_full = if items.iter().all(|it| it.u == 1.0) {
            sums.least.mul_add(sums.weight, -cost.lo) >= 0.0
        } else {
            sums.least >= rho.hi.next_up()
        };
        if all_full {
            return Priced::At { rho, exact: true };
        }
    }
    let floor = (cost.lo / sums.weight).next_down().max(0.0);
    let start = guess.unwrap_or(floor);
    let (rho, split) = split_at_price(items, cost.hi, start, floor);
    let fused = fused_bounds(&split, cost, items.len());
    if let (Some(lo), Some(hi)) = fused {
        return Priced::At {
            rho: Bounds { lo, hi },
            exact: false,
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
        let (f, err) = payable(items, |it| it.lo, a);
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
        let (f, err) = payable(items, |it| it.hi, a);
        if f + err < cost.lo {
            lo = Some(a);
            break;
        }
        if attempt == 0 {
            rho = newton(items, |it| it.hi, cost.lo, rho, floor);
        } else {
            tol *= 1024.0;
        }
    }
    match (lo, hi) {
        (Some(lo), Some(hi)) => Priced::At {
            rho: Bounds { lo, hi },
            exact: false,
        },
        _ => Priced::Uncertain,
    }
}

/// What a supporter with budget `b` has left after paying `min(b, ρ·u)`.
/// Roundings go outward; exact steps (a product by 1, an exact difference) do
/// not widen the bounds, so exact budgets stay exact.
fn after(b: Bounds, rho: Bounds, u: f64) -> Bounds {
    let (most, least) = if u == 1.0 {
        (rho.hi, rho.lo)
    } else {
        ((rho.hi * u).next_up(), (rho.lo * u).next_down())
    };
    let (lo, exact) = difference(b.lo, most);
    let lo = if exact { lo } else { lo.next_down() }.max(0.0);
    let (hi, exact) = difference(b.hi, least);
    let hi = if exact { hi } else { hi.next_up() }.max(0.0);
    Bounds { lo, hi: hi.max(lo) }
}

/// Sequences of choices as a tree of prefixes, the voter classes each choice
/// created, and projects' supporters counted per class: everything a run needs
/// that does not depend on the per-voter budget.
///
/// Classes are numbered along the path from the empty prefix (class 0, everyone):
/// the classes a choice creates follow those of the prefix before it. So a prefix
/// fixes the numbers of all classes on its path, and a run keeps its budgets in
/// one small dense array.
#[derive(Debug)]
struct Structure {
    /// Per prefix: the project chosen last (none for the empty prefix).
    chosen: Vec<u32>,
    /// Per prefix: how many classes its path has.
    end: Vec<u32>,
    /// (prefix, project) → the prefix extended by that project.
    next: HashMap<(u32, u32), u32>,
    /// Per prefix, per project: an index into `hists` (`u32::MAX`: none yet).
    hist_at: Vec<Vec<u32>>,
    /// Projects' supporters per class and utility, ordered by (class, utility).
    hists: Vec<Hist>,
    /// The prefixes of the sequence for which `moves` hold.
    path: Vec<u32>,
    /// Per group: (round, class) each time one of its choices was paid for.
    moves: Vec<Vec<(u32, u32)>>,
    /// Per class: voters counted (scratch for building histograms), and where
    /// its payers go or its entry is (scratch).
    dense: Vec<f64>,
    slot: Vec<u32>,
    index: Vec<u32>,
    /// (c, d) → the groups supporting both, in group order.
    both: HashMap<(u32, u32), Vec<u32>>,
}

/// A rival at one round: bounds on its key, its exact key if known, its rank.
#[derive(Debug, Clone, Copy)]
struct Rival {
    project: u32,
    /// Bounds on its price ρ (its key is ρ, or ρ / cost for cost utilities).
    rho: Bounds,
    key: Bounds,
    exact: Option<Ratio>,
    rank: u32,
}

/// One round of a float run, as the certificate needs it.
#[derive(Debug, Clone)]
struct Round {
    /// The chosen project.
    chosen: Rival,
    /// The other candidates whose keys could be closest, priced in this round.
    close: Vec<Rival>,
    /// Every other candidate's key is at least this.
    floor: f64,
}

/// What one run found.
#[derive(Debug, Clone)]
struct Eval {
    chosen: Vec<u32>,
    /// What the outcome costs (`u128::MAX` when the run failed).
    cost: u128,
    /// An exact run that failed (a refused tie): it counts as not fitting, and
    /// the search fails with it if it is the first budget that does not fit.
    error: Option<crate::Error>,
    /// Float runs: the prefix before each round (one more than rounds), and the
    /// budgets of every class on that path when the run ended.
    path: Vec<u32>,
    budget: Vec<Bounds>,
    /// Per round (float runs only).
    rounds: Option<Vec<Round>>,
}

/// What a round chooses.
#[derive(Debug, Clone, Copy)]
enum Pick {
    Project(u32),
    /// Nothing is affordable: the run is over.
    Done,
}

/// The candidates of one run: a heap on lower bounds of their keys.
#[derive(Debug)]
struct Candidates {
    /// Per project: the round its key was last computed in, the key, its exact
    /// value (if known) and ρ.
    fresh: Vec<u32>,
    /// The round a project's key was last raised to a bound seen in other runs.
    bumped: Vec<u32>,
    keys: Vec<Bounds>,
    exact: Vec<Option<Ratio>>,
    rhos: Vec<Bounds>,
    heap: BinaryHeap<Reverse<(u64, u32, u32)>>,
}

impl Candidates {
    fn is_fresh(&self, c: u32, k: u32) -> bool {
        self.fresh.get(c as usize) == Some(&k)
    }

    fn key(&self, c: u32) -> Bounds {
        self.keys.get(c as usize).copied().unwrap_or_default()
    }

    fn rival(&self, profile: &Profile<'_>, c: u32) -> Rival {
        Rival {
            project: c,
            rho: self.rhos.get(c as usize).copied().unwrap_or_default(),
            key: self.key(c),
            exact: self.exact.get(c as usize).copied().flatten(),
            rank: profile.rank(c as usize),
        }
    }

    fn push(&mut self, profile: &Profile<'_>, c: u32) {
        // Non-negative floats order as their bits.
        let key = self.key(c).lo.max(0.0).to_bits();
        self.heap.push(Reverse((key, profile.rank(c as usize), c)));
    }

    fn top(&self) -> Option<u32> {
        self.heap.peek().map(|&Reverse((_, _, c))| c)
    }

    fn pop(&mut self) -> Option<u32> {
        self.heap.pop().map(|Reverse((_, _, c))| c)
    }
}

/// Whether `a` beats `b` for sure: a smaller key, or the same exact key and a
/// better rank. `None`: the bounds cannot tell.
fn beats(a: &Rival, b: &Rival) -> Option<bool> {
    if a.key.hi < b.key.lo {
        return Some(true);
    }
    if b.key.hi < a.key.lo {
        return Some(false);
    }
    let (x, y) = (a.exact?, b.exact?);
    Some(x.cmp(y).then(a.rank.cmp(&b.rank)) == Ordering::Less)
}

/// Runs MES at many per-voter budgets over one [`Structure`].
#[derive(Debug)]
struct Fast<'p, 'a> {
    profile: &'p Profile<'a>,
    utility: Utility,
    s: Structure,
    /// Per project: cost bounds, the divisor of keys (cost, for cost
    /// utilities), and the lower bound on its key that holds before any pricing
    /// (`None`: no supporter).
    cost: Vec<Bounds>,
    per: Vec<Bounds>,
    start: Vec<Option<f64>>,
    /// Group sizes as exact floats.
    count: Vec<f64>,
    /// Per run: budgets per class of the path.
    budget: Vec<Bounds>,
    items: Vec<Item>,
    /// Pricings done, for the notes.
    pricings: u64,
    /// The budget of the current run (scaled, its lower bound).
    at: f64,
}

impl<'p, 'a> Fast<'p, 'a> {
    /// `None` when group sizes or points are not exact as `f64` (beyond 2^53).
    fn new(profile: &'p Profile<'a>, utility: Utility) -> Option<Self> {
        let m = profile.costs.len();
        let mut count = Vec::with_capacity(profile.groups.len());
        for g in &profile.groups {
            if u128::from(g.count) > EXACT
                || (utility == Utility::Points
                    && g.items.iter().any(|&(_, p)| u128::from(p) > EXACT))
            {
                return None;
            }
            count.push(bounds(u128::from(g.count)).lo);
        }
        let cost: Vec<Bounds> = (0..m).map(|c| bounds(profile.cost(c))).collect();
        let per: Vec<Bounds> = (0..m)
            .map(|c| match cost.get(c) {
                Some(&b) if utility == Utility::Cost && b.lo > 0.0 => b,
                _ => Bounds { lo: 1.0, hi: 1.0 },
            })
            .collect();
        // ρ ≥ cost / Σ n·u for any budgets: the key's floor before any pricing.
        let start = (0..m)
            .map(|c| {
                let weight = if utility == Utility::Points {
                    profile.points.get(c).copied().unwrap_or(0)
                } else {
                    u128::from(profile.supporters.get(c).copied().unwrap_or(0))
                };
                if weight == 0 {
                    return None;
                }
                let rho = (cost.get(c).map_or(0.0, |b| b.lo) / bounds(weight).hi).next_down();
                Some(
                    (rho / per.get(c).map_or(1.0, |p| p.hi))
                        .next_down()
                        .max(0.0),
                )
            })
            .collect();
        Some(Self {
            profile,
            utility,
            s: Structure {
                chosen: vec![u32::MAX],
                end: vec![1],
                next: HashMap::new(),
                hist_at: vec![Vec::new()],
                hists: Vec::new(),
                path: vec![0],
                moves: vec![Vec::new(); profile.groups.len()],
                dense: Vec::new(),
                slot: Vec::new(),
                index: Vec::new(),
                both: HashMap::new(),
            },
            cost,
            per,
            start,
            count,
            budget: Vec::new(),
            items: Vec::new(),
            pricings: 0,
            at: 0.0,
        })
    }

    fn util(&self, points: u64) -> f64 {
        if self.utility == Utility::Points {
            bounds(u128::from(points)).lo
        } else {
            1.0
        }
    }

    fn support(&self, c: u32) -> &'p [(u32, u64)] {
        self.profile
            .support
            .get(c as usize)
            .map_or(&[][..], Vec::as_slice)
    }

    /// The class of group `g` before round `k` of the current path.
    fn class_of(&self, g: u32, k: u32) -> u32 {
        self.s
            .moves
            .get(g as usize)
            .and_then(|m| m.iter().rev().find(|&&(r, _)| r < k))
            .map_or(0, |&(_, class)| class)
    }

    /// The index in `hists` of project `c`'s supporters before round `k` of the
    /// current path, counted now if never before.
    fn hist(&mut self, k: u32, c: u32) -> usize {
        let prefix = self.s.path.get(k as usize).copied().unwrap_or(0) as usize;
        let projects = self.cost.len();
        if let Some(at) = self.s.hist_at.get_mut(prefix)
            && at.is_empty()
        {
            at.resize(projects, u32::MAX);
        }
        let known = self
            .s
            .hist_at
            .get(prefix)
            .and_then(|at| at.get(c as usize))
            .copied()
            .unwrap_or(u32::MAX);
        if known != u32::MAX {
            return known as usize;
        }
        // One round earlier, if counted then: only the payers of that round's
        // choice who also support `c` have moved.
        let parent = k
            .checked_sub(1)
            .and_then(|j| Some((j, *self.s.path.get(j as usize)?)))
            .and_then(|(j, p)| Some((j, self.known_hist(p, c)?)));
        let entries = match parent {
            Some((j, h)) if self.utility != Utility::Points => self.derive_support(j, c, h),
            _ => self.count_support(k, c),
        };
        let i = self.s.hists.len();
        self.s.hists.push(Hist {
            entries,
            rho: None,
            seen: Vec::new(),
        });
        if let Some(slot) = self
            .s
            .hist_at
            .get_mut(prefix)
            .and_then(|at| at.get_mut(c as usize))
        {
            *slot = u32::try_from(i).unwrap_or(u32::MAX);
        }
        i
    }

    fn count_support(&mut self, k: u32, c: u32) -> Vec<Entry> {
        let support = self.support(c);
        let mut entries = Vec::new();
        if self.utility == Utility::Points {
            let mut raw: Vec<(u32, u64, f64)> = support
                .iter()
                .map(|&(g, points)| {
                    let n = self.count.get(g as usize).copied().unwrap_or(0.0);
                    (self.class_of(g, k), points, n)
                })
                .collect();
            raw.sort_unstable_by_key(|&(class, u, _)| (class, u));
            for run in raw.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
                if let Some(&(class, u, _)) = run.first() {
                    entries.push(Entry {
                        class,
                        u: self.util(u),
                        n: run.iter().map(|x| x.2).sum(),
                    });
                }
            }
            return entries;
        }
        let mut dense = core::mem::take(&mut self.s.dense);
        let mut touched = Vec::new();
        for &(g, _) in support {
            let class = self.class_of(g, k);
            if dense.len() <= class as usize {
                dense.resize(class as usize + 1, 0.0);
            }
            if let Some(slot) = dense.get_mut(class as usize) {
                if *slot == 0.0 {
                    touched.push(class);
                }
                *slot += self.count.get(g as usize).copied().unwrap_or(0.0);
            }
        }
        // First-seen order (supporters are in group order): deterministic, and
        // with utility 1 nothing needs the entries sorted.
        for class in touched {
            let n = dense.get_mut(class as usize).map_or(0.0, core::mem::take);
            entries.push(Entry { class, u: 1.0, n });
        }
        self.s.dense = dense;
        entries
    }

    /// Project `c`'s supporters before round `j + 1`, from `hists[parent]`, its
    /// supporters before round `j` (utility 1): those who also supported round
    /// `j`'s choice moved from their class to its child.
    fn derive_support(&mut self, j: u32, c: u32, parent: usize) -> Vec<Entry> {
        let chosen = self
            .s
            .path
            .get(j as usize + 1)
            .and_then(|&p| self.s.chosen.get(p as usize))
            .copied()
            .unwrap_or(u32::MAX);
        let both = self.both(c, chosen);
        let mut entries = self
            .s
            .hists
            .get(parent)
            .map(|h| h.entries.clone())
            .unwrap_or_default();
        // Where each class sits in `entries` (scratch, all `u32::MAX` between uses).
        let mut slot = core::mem::take(&mut self.s.index);
        for (i, e) in (0u32..).zip(&entries) {
            if slot.len() <= e.class as usize {
                slot.resize(e.class as usize + 1, u32::MAX);
            }
            if let Some(x) = slot.get_mut(e.class as usize) {
                *x = i;
            }
        }
        for &g in &both {
            let n = self.count.get(g as usize).copied().unwrap_or(0.0);
            let (from, to) = (self.class_of(g, j), self.class_of(g, j + 1));
            if let Some(e) = slot
                .get(from as usize)
                .and_then(|&i| entries.get_mut(i as usize))
            {
                e.n -= n;
            }
            if slot.len() <= to as usize {
                slot.resize(to as usize + 1, u32::MAX);
            }
            match slot.get(to as usize).copied() {
                Some(i) if i != u32::MAX => {
                    if let Some(e) = entries.get_mut(i as usize) {
                        e.n += n;
                    }
                }
                _ => {
                    if let Some(x) = slot.get_mut(to as usize) {
                        *x = u32::try_from(entries.len()).unwrap_or(u32::MAX);
                    }
                    entries.push(Entry {
                        class: to,
                        u: 1.0,
                        n,
                    });
                }
            }
        }
        for e in &entries {
            if let Some(x) = slot.get_mut(e.class as usize) {
                *x = u32::MAX;
            }
        }
        self.s.index = slot;
        // Counts are whole numbers: a class all of whose supporters moved is at
        // exactly zero.
        entries.retain(|e| e.n > 0.0);
        self.s.both.insert((c, chosen), both);
        entries
    }

    /// The groups supporting both `c` and `d` (taken out of the cache; the caller
    /// puts them back).
    fn both(&mut self, c: u32, chosen: u32) -> Vec<u32> {
        if let Some(both) = self.s.both.remove(&(c, chosen)) {
            return both;
        }
        let (left, right) = (self.support(c), self.support(chosen));
        let (mut i, mut j, mut out) = (0, 0, Vec::new());
        while let (Some(&(x, _)), Some(&(y, _))) = (left.get(i), right.get(j)) {
            match x.cmp(&y) {
                Ordering::Less => i += 1,
                Ordering::Greater => j += 1,
                Ordering::Equal => {
                    out.push(x);
                    i += 1;
                    j += 1;
                }
            }
        }
        out
    }

    /// Makes round `k` of the current path choose `c`: drops later rounds if the
    /// path chose otherwise, and moves `c`'s supporters to their new classes.
    fn follow(&mut self, k: u32, c: u32) {
        let ku = k as usize;
        let at = self.s.path.get(ku + 1).copied();
        if at.is_some_and(|p| self.s.chosen.get(p as usize) == Some(&c)) {
            return;
        }
        // Undo the rounds from k on.
        while self.s.path.len() > ku + 1 {
            let round = u32::try_from(self.s.path.len() - 2).unwrap_or(u32::MAX);
            let last = self.s.path.pop().unwrap_or(0);
            let undone = self.s.chosen.get(last as usize).copied().unwrap_or(0);
            for &(g, _) in self.support(undone) {
                if let Some(moved) = self.s.moves.get_mut(g as usize)
                    && moved.last().is_some_and(|&(r, _)| r == round)
                {
                    moved.pop();
                }
            }
        }
        let prefix = self.s.path.get(ku).copied().unwrap_or(0);
        let counted = self.hist(k, c);
        let start = self.s.end.get(prefix as usize).copied().unwrap_or(1);
        let child = if let Some(&known) = self.s.next.get(&(prefix, c)) {
            known
        } else {
            let made = u32::try_from(self.s.chosen.len()).unwrap_or(u32::MAX);
            let len = self.s.hists.get(counted).map_or(0, |x| x.entries.len());
            self.s.chosen.push(c);
            self.s
                .end
                .push(start.saturating_add(u32::try_from(len).unwrap_or(u32::MAX)));
            self.s.hist_at.push(Vec::new());
            self.s.next.insert((prefix, c), made);
            made
        };
        let entries = self
            .s
            .hists
            .get_mut(counted)
            .map(|x| core::mem::take(&mut x.entries))
            .unwrap_or_default();
        // Where each (class, utility) goes: a dense table by class when every
        // utility is 1, a search otherwise.
        let points = self.utility == Utility::Points;
        let mut slot = core::mem::take(&mut self.s.slot);
        if !points {
            for (e, to) in entries.iter().zip(start..) {
                if slot.len() <= e.class as usize {
                    slot.resize(e.class as usize + 1, 0);
                }
                if let Some(x) = slot.get_mut(e.class as usize) {
                    *x = to;
                }
            }
        }
        for &(g, given) in self.support(c) {
            let from = self.class_of(g, k);
            let to = if points {
                let u = self.util(given).to_bits();
                let i = entries
                    .binary_search_by(|e| (e.class, e.u.to_bits()).cmp(&(from, u)))
                    .unwrap_or(0);
                start.saturating_add(u32::try_from(i).unwrap_or(u32::MAX))
            } else {
                slot.get(from as usize).copied().unwrap_or(0)
            };
            if let Some(moved) = self.s.moves.get_mut(g as usize) {
                moved.push((k, to));
            }
        }
        self.s.slot = slot;
        if let Some(x) = self.s.hists.get_mut(counted) {
            x.entries = entries;
        }
        self.s.path.push(child);
    }

    /// Project `c`'s price ρ before round `k`, and its key.
    fn key(&mut self, k: u32, c: u32) -> Option<(Bounds, Rival)> {
        let h = self.hist(k, c);
        self.priced(h, c, None)
    }

    /// Prices project `c` over the supporters `hists[h]`, with the budgets of
    /// this run or of `budget`. `None`: the bounds cannot decide.
    fn priced(&mut self, h: usize, c: u32, budget: Option<&[Bounds]>) -> Option<(Bounds, Rival)> {
        self.pricings += 1;
        let budget = budget.unwrap_or(&self.budget);
        let mut items = core::mem::take(&mut self.items);
        items.clear();
        let hist = self.s.hists.get_mut(h)?;
        items.reserve(hist.entries.len());
        let (mut lo, mut hi, mut weight, mut least) = (0.0, 0.0, 0.0, f64::INFINITY);
        for e in &hist.entries {
            let b = budget.get(e.class as usize).copied().unwrap_or_default();
            if b.hi > 0.0 {
                items.push(Item {
                    lo: b.lo,
                    hi: b.hi,
                    u: e.u,
                    n: e.n,
                });
                lo += e.n * b.lo;
                hi += e.n * b.hi;
                weight += e.n * e.u;
                least = f64::min(least, if e.u == 1.0 { b.lo } else { b.lo / e.u });
            }
        }
        let sums = Sums {
            lo,
            hi,
            weight,
            least,
        };
        let cost = self.cost.get(c as usize).copied().unwrap_or_default();
        let priced = price(&items, sums, cost, hist.rho);
        self.items = items;
        let rank = self.profile.rank(c as usize);
        let per = self
            .per
            .get(c as usize)
            .copied()
            .unwrap_or(Bounds { lo: 1.0, hi: 1.0 });
        let unit = per.lo == 1.0 && per.hi == 1.0;
        match priced {
            Priced::At { rho, exact } => {
                hist.rho = Some(rho.hi);
                // Under `TieBreak::Refuse` a tie is an error, which only the exact
                // run reports: exact keys, which settle ties by rank, are not used.
                let ratio = (exact && !self.profile.refuse_ties && cost.lo == cost.hi)
                    .then(|| {
                        let den = whole(sums.weight)?;
                        if unit {
                            Some(Ratio {
                                num: whole(cost.lo)?,
                                den,
                            })
                        } else {
                            // (cost / weight) / cost.
                            Some(Ratio { num: 1, den })
                        }
                    })
                    .flatten();
                let key = match ratio {
                    #[allow(clippy::cast_precision_loss, reason = "below 2^53: exact")]
                    Some(r) => quotient(r.num as f64, r.den as f64),
                    None if unit => rho,
                    None => Bounds {
                        lo: (rho.lo / per.hi).next_down().max(0.0),
                        hi: (rho.hi / per.lo).next_up(),
                    },
                };
                Some((
                    rho,
                    Rival {
                        project: c,
                        rho,
                        key,
                        exact: ratio,
                        rank,
                    },
                ))
            }
            Priced::Unaffordable => Some((
                Bounds::default(),
                Rival {
                    project: c,
                    rho: Bounds::default(),
                    key: Bounds {
                        lo: f64::INFINITY,
                        hi: f64::INFINITY,
                    },
                    exact: None,
                    rank,
                },
            )),
            Priced::Uncertain => None,
        }
    }

    /// Prices `c` in round `k` and puts it back among the candidates (or drops
    /// it, unaffordable). `false`: the intervals could not decide.
    ///
    /// A price seen for the same supporters at a larger budget (the same earlier
    /// choices) is a lower bound here; the first time in a round, `c` is raised
    /// to that bound instead of priced, which spares pricing rivals that are not
    /// close.
    fn reprice(&mut self, cand: &mut Candidates, k: u32, c: u32) -> bool {
        if cand.bumped.get(c as usize) != Some(&k) {
            set(&mut cand.bumped, c, k);
            if let Some(bound) = self.seen_bound(k, c)
                && bound > cand.key(c).lo
            {
                set(
                    &mut cand.keys,
                    c,
                    Bounds {
                        lo: bound,
                        hi: f64::INFINITY,
                    },
                );
                cand.push(self.profile, c);
                return true;
            }
        }
        let Some((rho, rival)) = self.key(k, c) else {
            return false;
        };
        if rival.key.lo.is_infinite() {
            return true;
        }
        self.remember(k, c, rival.key.lo);
        set(&mut cand.keys, c, rival.key);
        set(&mut cand.exact, c, rival.exact);
        set(&mut cand.rhos, c, rho);
        set(&mut cand.fresh, c, k);
        cand.push(self.profile, c);
        true
    }

    /// The largest key seen for `c` before round `k` of the current path in runs
    /// at a budget at least this run's: a lower bound on its key here.
    fn seen_bound(&self, k: u32, c: u32) -> Option<f64> {
        let prefix = *self.s.path.get(k as usize)?;
        let hist = self.s.hists.get(self.known_hist(prefix, c)?)?;
        hist.seen
            .iter()
            .find(|&&(b, _)| b >= self.at)
            .map(|&(_, key)| key)
    }

    /// Records `c`'s key before round `k` at this run's budget.
    fn remember(&mut self, k: u32, c: u32, key: f64) {
        let at = self.at;
        let Some(hist) = self
            .s
            .path
            .get(k as usize)
            .and_then(|&p| self.known_hist(p, c))
            .and_then(|h| self.s.hists.get_mut(h))
        else {
            return;
        };
        if let Err(i) = hist.seen.binary_search_by(|&(b, _)| b.total_cmp(&at)) {
            hist.seen.insert(i, (at, key));
            // The search moves up: the smallest budgets are the first to go.
            if hist.seen.len() > 8 {
                hist.seen.remove(0);
            }
        }
    }

    /// MES at per-voter budget `b` (scaled). `None`: a comparison the bounds
    /// could not decide.
    ///
    /// `against`: the sequence and per-round chosen keys of the run this one will
    /// be certified against. While the choices agree with it, every rival whose
    /// bound is below that round's key is priced, so the certificate sees current
    /// keys rather than stale bounds.
    fn run(&mut self, b: Bounds, against: Option<&Eval>) -> Option<Eval> {
        let m = self.cost.len();
        self.at = b.lo;
        if let Some(root) = self.budget.first_mut() {
            *root = b;
        } else {
            self.budget.push(b);
        }
        let mut cand = Candidates {
            fresh: vec![u32::MAX; m],
            bumped: vec![u32::MAX; m],
            keys: vec![Bounds::default(); m],
            exact: vec![None; m],
            rhos: vec![Bounds::default(); m],
            heap: BinaryHeap::with_capacity(m),
        };
        for (c, start) in (0u32..).zip(&self.start) {
            if let Some(lo) = *start {
                set(
                    &mut cand.keys,
                    c,
                    Bounds {
                        lo,
                        hi: f64::INFINITY,
                    },
                );
                cand.push(self.profile, c);
            }
        }
        let mut chosen = Vec::new();
        let mut rounds = Vec::new();
        let mut cost = 0u128;
        for k in 0u32.. {
            let Pick::Project(c) = self.winner(&mut cand, k)? else {
                break;
            };
            // The earlier choices agree: this round's keys compare with the other run's.
            let target = against
                .filter(|e| e.chosen.get(..k as usize) == Some(chosen.as_slice()))
                .and_then(|e| e.rounds.as_ref()?.get(k as usize))
                .map_or(f64::NEG_INFINITY, |r| r.chosen.key.hi);
            let round = self.runner_up(&mut cand, k, c, target)?;
            rounds.push(round);
            // Pay: the chosen project's supporters move to their new classes.
            let rho = cand.rhos.get(c as usize).copied().unwrap_or_default();
            self.follow(k, c);
            self.pay(k, rho);
            chosen.push(c);
            cost = cost.saturating_add(self.profile.cost(c as usize));
        }
        let path = self
            .s
            .path
            .get(..=chosen.len())
            .map(<[u32]>::to_vec)
            .unwrap_or_default();
        let end = path
            .last()
            .and_then(|&p| self.s.end.get(p as usize))
            .map_or(1, |&e| e as usize);
        Some(Eval {
            chosen,
            cost,
            error: None,
            path,
            budget: self
                .budget
                .get(..end)
                .map(<[Bounds]>::to_vec)
                .unwrap_or_default(),
            rounds: Some(rounds),
        })
    }

    /// The candidate that round `k` chooses.
    /// The lazy heap holds lower bounds; the top is priced until a current one
    /// beats, for sure, everything whose bound comes near it.
    fn winner(&mut self, cand: &mut Candidates, k: u32) -> Option<Pick> {
        let mut near = Vec::new();
        loop {
            let Some(c) = cand.pop() else {
                return Some(Pick::Done);
            };
            if !cand.is_fresh(c, k) {
                if !self.reprice(cand, k, c) {
                    return None;
                }
                continue;
            }
            // Everything whose lower bound is below c's upper bound must be current.
            near.clear();
            let hi = cand.key(c).hi;
            let mut stale = None;
            while let Some(d) = cand.top() {
                if cand.key(d).lo > hi {
                    break;
                }
                cand.pop();
                if !cand.is_fresh(d, k) {
                    stale = Some(d);
                    break;
                }
                near.push(d);
            }
            if let Some(d) = stale {
                for &e in &near {
                    cand.push(self.profile, e);
                }
                cand.push(self.profile, c);
                if !self.reprice(cand, k, d) {
                    return None;
                }
                continue;
            }
            // The best of c and its near rivals, decided exactly or not at all.
            let mut best = c;
            for &d in &near {
                let (x, y) = (cand.rival(self.profile, d), cand.rival(self.profile, best));
                if beats(&x, &y)? {
                    best = d;
                }
            }
            for &d in near.iter().chain([&c]) {
                if d != best {
                    if beats(
                        &cand.rival(self.profile, best),
                        &cand.rival(self.profile, d),
                    ) != Some(true)
                    {
                        return None;
                    }
                    cand.push(self.profile, d);
                }
            }
            return Some(Pick::Project(best));
        }
    }

    /// Round `k`'s chosen project `c` and its closest rivals, each priced now:
    /// what the certificate compares.
    fn runner_up(&mut self, cand: &mut Candidates, k: u32, c: u32, target: f64) -> Option<Round> {
        let mut close: Vec<u32> = Vec::new();
        let mut reach = f64::NEG_INFINITY;
        let floor = loop {
            let Some(d) = cand.top() else {
                break f64::INFINITY;
            };
            let lo = cand.key(d).lo;
            if !close.is_empty() && lo > reach.max(target) {
                break lo;
            }
            cand.pop();
            if cand.is_fresh(d, k) {
                close.push(d);
                reach = reach.max(cand.key(d).hi);
            } else if !self.reprice(cand, k, d) {
                return None;
            }
        };
        let round = Round {
            chosen: cand.rival(self.profile, c),
            close: close.iter().map(|&d| cand.rival(self.profile, d)).collect(),
            floor,
        };
        for d in close {
            cand.push(self.profile, d);
        }
        Some(round)
    }

    /// Budgets of the classes created in round `k` (the path's last round).
    fn pay(&mut self, k: u32, rho: Bounds) {
        let ku = k as usize;
        let (Some(&prefix), Some(&child)) = (self.s.path.get(ku), self.s.path.get(ku + 1)) else {
            return;
        };
        let c = self.s.chosen.get(child as usize).copied().unwrap_or(0);
        let start = self.s.end.get(prefix as usize).copied().unwrap_or(1) as usize;
        let end = self.s.end.get(child as usize).copied().unwrap_or(1) as usize;
        if self.budget.len() < end {
            self.budget.resize(end, Bounds::default());
        }
        let h = self.hist(k, c);
        let Some(hist) = self.s.hists.get(h) else {
            return;
        };
        let at = start.min(self.budget.len());
        let (before, created) = self.budget.split_at_mut(at);
        for (e, slot) in hist.entries.iter().zip(created) {
            let from = before.get(e.class as usize).copied().unwrap_or_default();
            *slot = after(from, rho, e.u);
        }
    }
}

/// `x` nudged up (`v ≥ 0`): room for the rounding of a few sums of non-negative
/// terms (each within `n·ε` relative, far below this).
fn up(v: f64) -> f64 {
    v * (1.0 + 1e-9)
}

/// `x` nudged down (`v ≥ 0`).
fn down(v: f64) -> f64 {
    v * (1.0 - 1e-9)
}

/// The least a gap can be on a window of `width`, given its values `gx` and `gy`
/// at the ends and bounds on its slope: `max(gx + slope.lo·t, gy − slope.hi·(width
/// − t))` is least where the two lines meet (or at an end).
fn least_gap(gx: f64, gy: f64, slope: Bounds, width: f64) -> f64 {
    if slope.lo >= 0.0 {
        return gx;
    }
    if slope.hi <= 0.0 {
        return gy;
    }
    let t = (gy - slope.hi * width - gx) / (slope.lo - slope.hi);
    if t <= 0.0 {
        gy - slope.hi * width
    } else if t >= width {
        gx + slope.lo * width
    } else {
        gx + slope.lo * t
    }
}

/// The two ends of a window whose runs made the same choices.
#[derive(Debug, Clone, Copy)]
struct Ends<'e> {
    x: &'e Eval,
    y: &'e Eval,
}

impl Fast<'_, '_> {
    /// The index in `hists` of `c`'s supporters at `prefix`, if counted.
    fn known_hist(&self, prefix: u32, c: u32) -> Option<usize> {
        let i = *self.s.hist_at.get(prefix as usize)?.get(c as usize)?;
        (i != u32::MAX).then_some(i as usize)
    }

    /// Bounds on `D = −dρ/db`, how fast the price over `hists[h]` falls as the
    /// per-voter budget grows, anywhere between the ends, given bounds `sigma` on
    /// every class's budget slope there. Within the window the limited payers
    /// (`β < ρ·u`) can only become full payers: one full at `x` stays full, one
    /// limited at `y` was limited all along. So
    /// `D = Σ_limited n·β′ / Σ_full n·u` is bounded by the sets at the two ends.
    fn price_slope(
        &self,
        h: usize,
        ends: Ends<'_>,
        rho: (Bounds, Bounds),
        sigma: &[Bounds],
    ) -> Option<Bounds> {
        let hist = self.s.hists.get(h)?;
        let (mut num_hi, mut den_lo, mut num_lo, mut den_hi) = (0.0, 0.0, 0.0, 0.0);
        for e in &hist.entries {
            let i = e.class as usize;
            let (bx, by, s) = (ends.x.budget.get(i)?, ends.y.budget.get(i)?, sigma.get(i)?);
            let full_x = bx.lo >= (rho.0.hi * e.u).next_up();
            let limited_y = by.hi < (rho.1.lo * e.u).next_down();
            if full_x {
                den_lo += e.n * e.u;
            } else {
                num_hi += e.n * s.hi;
            }
            if limited_y {
                num_lo += e.n * s.lo;
            } else {
                den_hi += e.n * e.u;
            }
        }
        if den_lo <= 0.0 {
            return None;
        }
        let lo = if den_hi > 0.0 {
            down(down(num_lo) / up(den_hi))
        } else {
            0.0
        };
        Some(Bounds {
            lo,
            hi: up(up(num_hi) / down(den_lo)),
        })
    }

    /// Bounds on the slope of every class's budget in the per-voter budget, and
    /// on how fast each round's chosen price falls (`D`), anywhere between two
    /// runs with the same choices. The first class (everyone) has slope exactly
    /// 1; a class paying in full for the whole window gains the payment's decline
    /// (`slope + D·u`); one limited for the whole window has nothing left (0); one
    /// that may switch lies between. A class's budget never changes once it
    /// exists (its voters move on to new classes), so one pass fixes them all.
    fn class_slopes(&self, ends: Ends<'_>) -> Option<(Vec<Bounds>, Vec<Bounds>)> {
        let (x, y) = (ends.x, ends.y);
        let (rx, ry) = (x.rounds.as_ref()?, y.rounds.as_ref()?);
        if x.chosen != y.chosen || x.path != y.path || rx.len() != ry.len() {
            return None;
        }
        let mut sigma = vec![Bounds::default(); x.budget.len().min(y.budget.len())];
        *sigma.first_mut()? = Bounds { lo: 1.0, hi: 1.0 };
        let mut declines = Vec::with_capacity(rx.len());
        for (k, (a, b)) in rx.iter().zip(ry).enumerate() {
            let prefix = *x.path.get(k)?;
            let (c, rho) = (&a.chosen, (a.chosen.rho, b.chosen.rho));
            let counted = self.known_hist(prefix, c.project)?;
            let dc = self.price_slope(counted, ends, rho, &sigma)?;
            declines.push(dc);
            let start = self.s.end.get(prefix as usize).copied().unwrap_or(1) as usize;
            for (i, e) in self.s.hists.get(counted)?.entries.iter().enumerate() {
                let from = e.class as usize;
                let (bx, by, s) = (x.budget.get(from)?, y.budget.get(from)?, *sigma.get(from)?);
                let full_x = bx.lo >= (rho.0.hi * e.u).next_up();
                let limited_y = by.hi < (rho.1.lo * e.u).next_down();
                let child = if full_x {
                    Bounds {
                        lo: down(s.lo + dc.lo * e.u),
                        hi: up(s.hi + dc.hi * e.u),
                    }
                } else if limited_y {
                    Bounds::default()
                } else {
                    Bounds {
                        lo: 0.0,
                        hi: up(s.hi + dc.hi * e.u),
                    }
                };
                *sigma.get_mut(start + i)? = child;
            }
        }
        Some((sigma, declines))
    }

    /// The slope certificate for a window of `width` (scaled) between runs with
    /// the same choices. With the bounds of [`Fast::class_slopes`], for each rival
    /// that the monotone certificate cannot clear, the gap `g = key(rival) −
    /// key(chosen)` is bounded below on the whole window by lines from both ends
    /// with the least and greatest slope `g` can have. If that stays positive, no
    /// choice changes: the first budget where one did would have `g ≤ 0` there.
    fn slope_certified(&mut self, ends: Ends<'_>, width: f64) -> bool {
        let (x, y) = (ends.x, ends.y);
        let Some((sigma, declines)) = self.class_slopes(ends) else {
            return false;
        };
        let (Some(rx), Some(ry)) = (&x.rounds, &y.rounds) else {
            return false;
        };
        let one = Bounds { lo: 1.0, hi: 1.0 };
        for (k, ((a, b), dc)) in rx.iter().zip(ry).zip(declines).enumerate() {
            let Some(&prefix) = x.path.get(k) else {
                return false;
            };
            let c = &a.chosen;
            if c.key.hi >= b.floor {
                return false;
            }
            let per_c = self.per.get(c.project as usize).copied().unwrap_or(one);
            for r in &b.close {
                if beats(c, r) == Some(true) {
                    continue;
                }
                let Some(hr) = self.known_hist(prefix, r.project) else {
                    return false;
                };
                let then = match a.close.iter().find(|z| z.project == r.project) {
                    Some(z) => *z,
                    None => match self.priced(hr, r.project, Some(&x.budget)) {
                        Some((_, z)) if z.key.lo.is_finite() => z,
                        _ => return false,
                    },
                };
                let Some(dr) = self.price_slope(hr, ends, (then.rho, r.rho), &sigma) else {
                    return false;
                };
                let per_r = self.per.get(r.project as usize).copied().unwrap_or(one);
                let gx = then.key.lo - c.key.hi;
                let gy = r.key.lo - b.chosen.key.hi;
                if gx <= 0.0 || gy <= 0.0 {
                    return false;
                }
                // g′ = D(chosen)/per − D(rival)/per, within these bounds.
                let least = dc.lo / per_c.hi - dr.hi / per_r.lo;
                let most = dc.hi / per_c.lo - dr.lo / per_r.hi;
                if least_gap(
                    gx,
                    gy,
                    Bounds {
                        lo: least,
                        hi: most,
                    },
                    width,
                ) <= (c.key.hi + r.key.hi) * 1e-12
                {
                    return false;
                }
            }
        }
        true
    }
}

fn set<T>(slice: &mut [T], i: u32, value: T) {
    if let Some(slot) = slice.get_mut(i as usize) {
        *slot = value;
    }
}

/// Whether every budget between the runs `lo` and `hi` makes the same choices:
/// the same sequence at both ends, and in every round the chosen key at `lo`
/// beating every other candidate's key at `hi` (see the module's documentation).
fn certified(lo: &Eval, hi: &Eval) -> bool {
    let (Some(a), Some(b)) = (&lo.rounds, &hi.rounds) else {
        return false;
    };
    lo.chosen == hi.chosen
        && a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.chosen.key.hi < y.floor && y.close.iter().all(|r| beats(&x.chosen, r) == Some(true))
        })
}

/// What [`search`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Found {
    /// The last per-voter budget whose outcome fits, in whole currency units.
    pub(super) last_fit: u128,
    /// Runs over the shared structure, exact runs (where floats could not
    /// decide), and prices computed in the float runs.
    pub(super) runs: u64,
    pub(super) exact_runs: u64,
    pub(super) pricings: u64,
}

/// Runs at whole per-voter budgets, cached.
struct Probe<'p, 'a> {
    profile: &'p Profile<'a>,
    utility: Utility,
    fast: Option<Fast<'p, 'a>>,
    seen: BTreeMap<u128, Eval>,
    runs: u64,
    exact_runs: u64,
    /// The width of the last window certified.
    reach: u128,
}

impl Probe<'_, '_> {
    /// The run at `b`; if new, made to be certified against the run at `lo`.
    fn at(&mut self, b: u128, lo: Option<u128>) -> Result<&Eval> {
        if !self.seen.contains_key(&b) {
            let eval = self.run(b, lo)?;
            self.seen.insert(b, eval);
        }
        self.seen.get(&b).ok_or(crate::Error::Overflow {
            context: "caching a run of add1",
        })
    }

    fn run(&mut self, b: u128, lo: Option<u128>) -> Result<Eval> {
        let scaled = b
            .checked_mul(self.profile.scale)
            .ok_or(crate::Error::Overflow {
                context: "the per-voter budget of add1",
            })?;
        if let Some(fast) = self.fast.as_mut() {
            self.runs += 1;
            let against = lo.and_then(|lo| self.seen.get(&lo));
            if let Some(eval) = fast.run(bounds(scaled), against) {
                return Ok(eval);
            }
        }
        self.exact_runs += 1;
        let chosen = match super::mes::chosen_at(self.profile, self.utility, scaled) {
            Ok(chosen) => chosen,
            Err(error) => {
                return Ok(Eval {
                    chosen: Vec::new(),
                    cost: u128::MAX,
                    error: Some(error),
                    path: Vec::new(),
                    budget: Vec::new(),
                    rounds: None,
                });
            }
        };
        Ok(Eval {
            error: None,
            cost: chosen
                .iter()
                .fold(0u128, |t, &c| t.saturating_add(self.profile.cost(c))),
            chosen: chosen
                .into_iter()
                .map(|c| u32::try_from(c).unwrap_or(u32::MAX))
                .collect(),
            path: Vec::new(),
            budget: Vec::new(),
            rounds: None,
        })
    }

    /// The first budget in `(lo, hi]` whose outcome does not fit, if any. Where a
    /// window cannot be certified, its halves are covered in turn.
    ///
    /// `guesses`: how many predicted splits led here in a row; after two, a
    /// window is halved instead, so a poor prediction costs little.
    fn cover(&mut self, lo: u128, hi: u128, guesses: u32) -> Result<Option<u128>> {
        let budget = self.profile.budget;
        let fits = self.at(hi, Some(lo))?.cost <= budget;
        if hi <= lo + 1 {
            return Ok((!fits).then_some(hi));
        }
        if fits {
            let (Some(a), Some(b)) = (self.seen.get(&lo), self.seen.get(&hi)) else {
                return Err(crate::Error::Overflow {
                    context: "caching a run of add1",
                });
            };
            let width = bounds((hi - lo).saturating_mul(self.profile.scale)).lo;
            let slope = |fast: &mut Option<Fast<'_, '_>>| {
                fast.as_mut()
                    .is_some_and(|f| f.slope_certified(Ends { x: a, y: b }, width))
            };
            if certified(a, b) || slope(&mut self.fast) {
                self.reach = hi - lo;
                return Ok(None);
            }
        }
        let (mid, guesses) = if guesses < 2 {
            (self.split(lo, hi), guesses + 1)
        } else {
            (lo + (hi - lo) / 2, 0)
        };
        if let Some(miss) = self.cover(lo, mid, guesses)? {
            return Ok(Some(miss));
        }
        self.cover(mid, hi, guesses)
    }
}

impl Probe<'_, '_> {
    /// Where to split a window `(lo, hi]` that could not be certified. Where the
    /// runs at its ends chose differently, the two projects that round `k` chose
    /// (`c` at `lo`, `d` at `hi`) cross somewhere in between: their keys, taken as
    /// linear between the ends, meet at a predicted budget, and the split goes just
    /// before it, so that the left part certifies and the right part starts one
    /// step before the change. Halves otherwise. Any split is correct; a good one
    /// saves runs.
    fn split(&mut self, lo: u128, hi: u128) -> u128 {
        let half = lo + (hi - lo) / 2;
        let Probe { seen, fast, .. } = self;
        let (Some(low), Some(high), Some(fast)) = (seen.get(&lo), seen.get(&hi), fast.as_mut())
        else {
            return half;
        };
        let (Some(low_rounds), Some(high_rounds)) = (&low.rounds, &high.rounds) else {
            return half;
        };
        let Some(round) = low
            .chosen
            .iter()
            .zip(&high.chosen)
            .position(|(x, y)| x != y)
        else {
            return half;
        };
        let (Some(then), Some(now), Some(&prefix)) = (
            low_rounds.get(round),
            high_rounds.get(round),
            low.path.get(round),
        ) else {
            return half;
        };
        let (kept, took) = (&then.chosen, &now.chosen);
        // A project's key in that round of a run: priced then, or now from the
        // budgets the run kept (the earlier rounds agree, so their classes do).
        let mut key_of = |run: &Eval, at: &Round, project: u32| -> Option<f64> {
            if let Some(r) = at.close.iter().find(|r| r.project == project) {
                return Some(r.key.lo);
            }
            let counted = fast.known_hist(prefix, project)?;
            let (_, r) = fast.priced(counted, project, Some(&run.budget))?;
            Some(r.key.lo)
        };
        let (Some(took_then), Some(kept_now)) = (
            key_of(low, then, took.project),
            key_of(high, now, kept.project),
        ) else {
            return half;
        };
        let t = if took_then.is_finite() {
            // The gap key(took) − key(kept): positive at lo, negative at hi.
            let (gap_lo, gap_hi) = (took_then - kept.key.hi, took.key.hi - kept_now);
            gap_lo / (gap_lo - gap_hi)
        } else {
            // `took` could not be afforded at lo: where its supporters' money,
            // taken as linear between the ends, reaches its cost.
            let Some(counted) = fast.known_hist(prefix, took.project) else {
                return half;
            };
            let money = |run: &Eval| {
                fast.s.hists.get(counted).map_or(0.0, |hist| {
                    hist.entries
                        .iter()
                        .map(|e| e.n * run.budget.get(e.class as usize).map_or(0.0, |b| b.lo))
                        .sum::<f64>()
                })
            };
            let cost = fast.cost.get(took.project as usize).map_or(0.0, |b| b.lo);
            let (at_lo, at_hi) = (money(low), money(high));
            (cost - at_lo) / (at_hi - at_lo)
        };
        if !(t > 0.0 && t < 1.0) {
            return half;
        }
        #[allow(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a position between lo and hi, clamped"
        )]
        let step = ((hi - lo) as f64 * t) as u128;
        (lo + step).clamp(lo + 1, hi - 1)
    }
}

/// The cities' loop — per-voter budgets ⌊B/n⌋, +1, +2, … (whole currency units)
/// while the outcome still fits the budget, up to where every supporter alone
/// could buy anything — answered without visiting every budget.
pub(super) fn search(profile: &Profile<'_>, utility: Utility) -> Result<Found> {
    let unit = profile.scale.max(1);
    let n = u128::from(profile.voters.max(1));
    let base = profile.budget / n.saturating_mul(unit);
    let total = profile
        .costs
        .iter()
        .fold(0u128, |t, &c| t.saturating_add(c))
        .max(profile.budget);
    let limit = (total / unit).saturating_add(1).max(base);
    // Floats must hold every cost and budget exactly; beyond 2^53 only exact runs
    // could decide, at every one of up to 2^53 budgets.
    if limit.saturating_mul(unit) > EXACT {
        return Err(crate::Error::Overflow {
            context: "add1: the projects' total cost is 2^53 or more (in the smallest unit)",
        });
    }
    let fast = Fast::new(profile, utility).ok_or(crate::Error::Overflow {
        context: "add1: a ballot's points are 2^53 or more",
    })?;
    let mut probe = Probe {
        profile,
        utility,
        fast: Some(fast),
        seen: BTreeMap::new(),
        runs: 0,
        exact_runs: 0,
        reach: 1,
    };
    if let Some(error) = probe.at(base, None)?.error.clone() {
        return Err(error);
    }
    let mut at = base;
    let mut width: u128 = 1;
    while at < limit {
        let next = at.saturating_add(width).min(limit);
        if let Some(miss) = probe.cover(at, next, 0)? {
            // The loop would have stopped here, with this run's error if it failed.
            if let Some(error) = probe.seen.get(&miss).and_then(|e| e.error.clone()) {
                return Err(error);
            }
            at = miss - 1;
            break;
        }
        // The next window: twice what last certified in one piece.
        at = next;
        width = probe.reach.saturating_mul(2).max(2);
        // Runs below `at` are never needed again.
        probe.seen = probe.seen.split_off(&at);
    }
    Ok(Found {
        last_fit: at,
        runs: probe.runs,
        exact_runs: probe.exact_runs,
        pricings: probe.fast.as_ref().map_or(0, |f| f.pricings),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pb::{Election, TieBreak, parse};
    use num_bigint::BigInt;
    use num_rational::BigRational;
    use proptest::prelude::*;

    fn load(name: &str) -> Election {
        let text = std::fs::read_to_string(format!(
            "{}/../../testdata/pabulib/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        parse(&text).unwrap()
    }

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
            match price(&items, sums, Bounds { lo: cost, hi: cost }, guess) {
                Priced::At { rho, exact } => {
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

    /// Float runs choose what exact runs choose, on real elections of every
    /// vote type, at budgets from ⌊B/n⌋ to well past where add1 stops.
    #[test]
    fn float_runs_choose_what_exact_runs_choose() {
        let mut compared = 0;
        for (name, utility) in [
            ("Netherlands_Assen_2024.pb", Utility::Cost),
            ("Poland_Swiecie_2023.pb", Utility::Cost),
            ("Poland_Swiecie_2023.pb", Utility::Approval),
            ("Poland_Wieliczka_2023_Green_Budget.pb", Utility::Cost),
            ("Switzerland_Zurich_D10.pb", Utility::Points),
            ("Switzerland_Zurich_S5R.pb", Utility::Points),
            ("Poland_Czestochowa_2020_Grabowka.pb", Utility::Points),
            ("Netherlands_Amsterdam_588.pb", Utility::Cost),
        ] {
            let e = load(name);
            let profile = Profile::new(&e, TieBreak::FileOrder).unwrap();
            let mut fast = Fast::new(&profile, utility).unwrap();
            let base = profile.budget / (u128::from(profile.voters) * profile.scale);
            for step in 0..60u128 {
                // Jumping about, so that runs leave and rejoin sequences.
                let b = base + (step * 37) % 400 + step * 3;
                let scaled = b * profile.scale;
                let exact: Vec<u32> = super::super::mes::chosen_at(&profile, utility, scaled)
                    .unwrap()
                    .into_iter()
                    .map(|c| u32::try_from(c).unwrap())
                    .collect();
                if let Some(eval) = fast.run(bounds(scaled), None) {
                    assert_eq!(eval.chosen, exact, "{name} at {b}");
                    compared += 1;
                }
            }
        }
        // Nearly every run is decided by the bounds (a few may tie exactly).
        assert!(compared > 400, "{compared}");
    }

    /// Neither certificate accepts a window whose ends agree but whose inside
    /// does not. Every pair of budgets up to 48 apart over a stretch of real
    /// elections is checked against exact runs at every budget between; the
    /// stretches hold such treacherous windows (the test counts them), and the
    /// certificates accept many honest ones.
    #[test]
    fn certificates_never_accept_a_window_that_changes_inside() {
        let (mut treacherous, mut accepted) = (0, (0, 0));
        for (name, utility, from, len) in [
            (
                "Poland_Wieliczka_2023_Green_Budget.pb",
                Utility::Cost,
                0,
                600,
            ),
            (
                "Poland_Wieliczka_2023_Green_Budget.pb",
                Utility::Approval,
                0,
                600,
            ),
            ("Poland_Swiecie_2023.pb", Utility::Cost, 0, 600),
            ("Switzerland_Zurich_D10.pb", Utility::Points, 0, 600),
            ("Switzerland_Zurich_S5R.pb", Utility::Points, 0, 600),
            ("Netherlands_Assen_2024.pb", Utility::Approval, 0, 600),
            ("Netherlands_Amsterdam_588.pb", Utility::Cost, 0, 600),
        ] {
            let e = load(name);
            let profile = Profile::new(&e, TieBreak::FileOrder).unwrap();
            let mut fast = Fast::new(&profile, utility).unwrap();
            let base = profile.budget / (u128::from(profile.voters) * profile.scale) + from;
            let scaled = |b: u128| b * profile.scale;
            let exact: Vec<Vec<usize>> = (base..base + len)
                .map(|b| super::super::mes::chosen_at(&profile, utility, scaled(b)).unwrap())
                .collect();
            for x in 0..exact.len() {
                let Some(low) = fast.run(bounds(scaled(base + x as u128)), None) else {
                    continue;
                };
                for y in x + 2..exact.len().min(x + 49) {
                    if exact[x] != exact[y] {
                        continue;
                    }
                    let holds = exact[x..y].iter().all(|s| *s == exact[x]);
                    treacherous += usize::from(!holds);
                    // Made against the run at x, as the search does, and alone.
                    for against in [Some(&low), None] {
                        let Some(high) = fast.run(bounds(scaled(base + y as u128)), against) else {
                            continue;
                        };
                        let monotone = certified(&low, &high);
                        let width = bounds(scaled((y - x) as u128)).lo;
                        let slope = fast.slope_certified(Ends { x: &low, y: &high }, width);
                        assert!(
                            holds || !(monotone || slope),
                            "{name}: {} .. {} accepted (monotone {monotone}, slope {slope})",
                            base + x as u128,
                            base + y as u128
                        );
                        accepted.0 += usize::from(monotone);
                        accepted.1 += usize::from(slope);
                    }
                }
            }
        }
        assert!(treacherous > 1000, "{treacherous}");
        assert!(accepted.0 > 100 && accepted.1 > 100, "{accepted:?}");
    }

    /// The slope bounds hold: over every unit step inside a window whose choices
    /// stay the same, each class's budget and each chosen price change at a rate
    /// within the bounds computed for the window (the mean value theorem).
    #[test]
    fn slope_bounds_hold_on_every_step() {
        let mut steps = 0;
        for (name, utility) in [
            ("Poland_Swiecie_2023.pb", Utility::Cost),
            ("Poland_Wieliczka_2023_Green_Budget.pb", Utility::Approval),
            ("Switzerland_Zurich_D10.pb", Utility::Points),
            ("Netherlands_Amsterdam_588.pb", Utility::Cost),
        ] {
            let election = load(name);
            let profile = Profile::new(&election, TieBreak::FileOrder).unwrap();
            let mut fast = Fast::new(&profile, utility).unwrap();
            let base = profile.budget / (u128::from(profile.voters) * profile.scale);
            let unit = bounds(profile.scale).lo;
            let runs: Vec<Eval> = (base..base + 400)
                .map_while(|b| fast.run(bounds(b * profile.scale), None))
                .collect();
            for width in [3, 11, 40] {
                for x in (0..runs.len().saturating_sub(width)).step_by(5) {
                    let window = &runs[x..=x + width];
                    if window.iter().any(|r| r.chosen != window[0].chosen) {
                        continue;
                    }
                    let ends = Ends {
                        x: &window[0],
                        y: &window[width],
                    };
                    let Some((sigma, declines)) = fast.class_slopes(ends) else {
                        continue;
                    };
                    for pair in window.windows(2) {
                        let (before, after) = (&pair[0], &pair[1]);
                        for (i, s) in sigma.iter().enumerate() {
                            let (p, q) = (before.budget[i], after.budget[i]);
                            // The change over one step, as bounds, meets the slope bounds.
                            assert!(
                                q.hi - p.lo >= s.lo * unit * (1.0 - 1e-9),
                                "{name} class {i}: {p:?} → {q:?} vs {s:?}"
                            );
                            assert!(
                                q.lo - p.hi <= s.hi * unit * (1.0 + 1e-9) + 1e-9,
                                "{name} class {i}: {p:?} → {q:?} vs {s:?}"
                            );
                        }
                        let rounds = before
                            .rounds
                            .as_ref()
                            .unwrap()
                            .iter()
                            .zip(after.rounds.as_ref().unwrap());
                        for ((ra, rb), d) in rounds.zip(&declines) {
                            let (p, q) = (ra.chosen.rho, rb.chosen.rho);
                            assert!(
                                p.hi - q.lo >= d.lo * unit * (1.0 - 1e-9) - 1e-9,
                                "{name}: {p:?} → {q:?} vs {d:?}"
                            );
                            assert!(
                                p.lo - q.hi <= d.hi * unit * (1.0 + 1e-9) + 1e-9,
                                "{name}: {p:?} → {q:?} vs {d:?}"
                            );
                        }
                        steps += 1;
                    }
                }
            }
        }
        assert!(steps > 1000, "{steps}");
    }

    /// Costs beyond 2^53 are not exact as floats, and could only be decided by
    /// exact runs at each of ~10^16 budgets: add1 says so instead of running
    /// forever. Plain MES is exact at any size.
    #[test]
    fn costs_beyond_2_53_are_refused() {
        let text = "META\nkey;value\nbudget;30000000000000000\nvote_type;approval\n\
            PROJECTS\nproject_id;cost\na;10000000000000001\nb;20000000000000003\nc;9000000000000007\n\
            VOTES\nvoter_id;vote\n1;a,b\n2;b\n3;a,c\n";
        let e = parse(text).unwrap();
        let profile = Profile::new(&e, TieBreak::FileOrder).unwrap();
        assert_eq!(
            search(&profile, Utility::Cost),
            Err(crate::Error::Overflow {
                context: "add1: the projects' total cost is 2^53 or more (in the smallest unit)",
            })
        );
        assert!(crate::pb::run(&e, &crate::pb::Options::new(crate::pb::Rule::Mes)).is_ok());
    }

    /// A refused tie inside the range the loop visits fails add1; the same tie
    /// under file order is settled without an exact run.
    #[test]
    fn refused_ties_fail_and_file_order_settles_them() {
        let text = "META\nkey;value\nbudget;100\nvote_type;approval\n\
            PROJECTS\nproject_id;cost\na;40\nb;40\nc;90\n\
            VOTES\nvoter_id;vote\n1;a,b\n2;a,b\n3;c\n4;c\n";
        let e = parse(text).unwrap();
        let refuse = Profile::new(&e, TieBreak::Refuse).unwrap();
        assert!(matches!(
            search(&refuse, Utility::Cost),
            Err(crate::Error::PbTie { .. })
        ));
        let file_order = Profile::new(&e, TieBreak::FileOrder).unwrap();
        let found = search(&file_order, Utility::Cost).unwrap();
        assert_eq!(found.exact_runs, 0);
        let _ = BigInt::from(0);
    }
}
