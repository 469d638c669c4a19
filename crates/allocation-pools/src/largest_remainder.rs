//! The largest-remainder method (Hamilton): quotas rounded down, then one unit to
//! each of the largest remainders, ties to the earlier demand.
//!
//! The k-th largest remainder is found without sorting and without storing the
//! remainders: a first pass counts the top 12 bits of each demand's remainder (its
//! bucket); a walk down the counts finds the bucket that holds the boundary; only
//! the demands in that bucket are ordered by their exact remainders. The final
//! pass decides every other demand by its bucket alone.

use crate::problem::{Problem, Reason};
use crate::waterfill::Lambda;
use crate::wide::{Divider, SharesLoop};

/// The bits of a remainder its bucket keeps: 4,096 counters (16 KB) stay in
/// the first-level cache, where 65,536 (256 KB) made every count a miss; the
/// boundary bucket then holds about one demand in 4,096.
const BUCKET_BITS: u32 = 12;

pub(crate) fn solve(problem: &Problem<'_>, lambda: Lambda) -> (Vec<u64>, Vec<Reason>) {
    let n = problem.weights.len();
    let Some(divider) = Divider::new(lambda.q) else {
        return (vec![0; n], vec![Reason::ZeroWeight; n]);
    };
    let bits = 128 - divider.divisor().leading_zeros();
    let shift = bits.saturating_sub(BUCKET_BITS);
    let bucket_of = |r: u128| u16::try_from(r >> shift).unwrap_or(u16::MAX);
    if problem.bounds.is_some() {
        bounded(problem, lambda, &divider, bucket_of)
    } else if bits <= 64 {
        // Every remainder is below the divisor, so below 2⁶⁴, and the shift
        // is at most 48: the bucket is a 64-bit shift, not a 128-bit one.
        let shift = shift & 63;
        #[allow(
            clippy::cast_possible_truncation,
            reason = "a remainder is below the divisor, which is below 2⁶⁴"
        )]
        let bucket_of = |r: u128| u16::try_from((r as u64) >> shift).unwrap_or(u16::MAX);
        unconstrained(problem, lambda, &divider, bucket_of)
    } else {
        unconstrained(problem, lambda, &divider, bucket_of)
    }
}

/// With floors and caps: one pass keeps each demand's part, bucket and reason
/// (a demand at a bound has remainder zero, bucket 0, never above another);
/// the boundary bucket's demands have their exact remainder recomputed
/// (`r = w·p − q·Q`, two multiplications).
fn bounded(
    problem: &Problem<'_>,
    lambda: Lambda,
    divider: &Divider,
    bucket_of: impl Fn(u128) -> u16,
) -> (Vec<u64>, Vec<Reason>) {
    let n = problem.weights.len();
    let mut histogram = vec![0u32; 1 << BUCKET_BITS];
    let (mut parts, mut buckets, mut reasons) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let mut sum = 0u128;
    if let Some(bounds) = problem.bounds {
        let demands = problem
            .weights
            .iter()
            .zip(bounds.floors)
            .zip(bounds.caps)
            .zip(bounds.has_cap);
        for (((&w, &floor), &cap), &capped) in demands {
            let (part, rem, reason) = share(divider, lambda.p, w, floor, cap, capped);
            let bucket = bucket_of(rem);
            if let Some(count) = histogram.get_mut(usize::from(bucket)) {
                *count += 1;
            }
            sum += u128::from(part);
            parts.push(part);
            buckets.push(bucket);
            reasons.push(reason);
        }
    }
    let k = u128::from(problem.total).saturating_sub(sum);
    let Some((bucket, nth)) = boundary(&histogram, k) else {
        return (parts, reasons);
    };
    // The exact remainder of demand i; zero at a bound.
    let remainder = |i: usize| -> u128 {
        match (problem.weights.get(i), parts.get(i), reasons.get(i)) {
            (Some(&w), Some(&q), Some(Reason::Proportional)) => {
                (u128::from(w) * lambda.p).saturating_sub(u128::from(q) * lambda.q)
            }
            _ => 0,
        }
    };
    let inside: Vec<(u128, usize)> = buckets
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == bucket)
        .map(|(i, _)| (remainder(i), i))
        .collect();
    for ((part, reason), &b) in parts.iter_mut().zip(reasons.iter_mut()).zip(&buckets) {
        if b > bucket {
            *part += 1;
            *reason = Reason::Remainder;
        }
    }
    award(&mut parts, &mut reasons, winners(inside, nth));
    (parts, reasons)
}

/// The unconstrained case, in two passes over the weights that store nothing
/// between them: the first counts the buckets and sums the parts rounded down;
/// the second writes each part with its unit and reason, and keeps the demands
/// of the boundary bucket (a handful), whose exact remainders decide the last
/// units. Reading the weights twice is cheaper than writing and reading back a
/// bucket per demand.
fn unconstrained(
    problem: &Problem<'_>,
    lambda: Lambda,
    divider: &Divider,
    bucket_of: impl Fn(u128) -> u16 + Copy,
) -> (Vec<u64>, Vec<Reason>) {
    let weights = problem.weights;
    let mut histogram = vec![0u32; 1 << BUCKET_BITS];
    let count = Count {
        weights,
        bucket_of,
        histogram: &mut histogram,
    };
    let sum = divider.run(lambda.p, count);
    let k = u128::from(problem.total).saturating_sub(u128::from(sum));
    let boundary = boundary(&histogram, k);
    let mut reasons = vec![Reason::Proportional; weights.len()];
    let mut inside = Vec::new();
    let write = Write {
        weights,
        bucket_of,
        // Every demand in a bucket above the boundary's gets a unit; none
        // does if there are no units to hand out.
        top: boundary.map_or(u32::MAX, |(bucket, _)| u32::from(bucket)),
        reasons: &mut reasons,
        inside: &mut inside,
    };
    let mut parts = divider.run(lambda.p, write);
    if let Some((_, nth)) = boundary {
        award(&mut parts, &mut reasons, winners(inside, nth));
    }
    (parts, reasons)
}

/// The first pass: each bucket counted, and the parts rounded down summed. The
/// parts sum to at most the total, so a 64-bit running sum (kept in a register)
/// cannot overflow; wrapping only to stay panic-free.
struct Count<'a, B> {
    weights: &'a [u64],
    bucket_of: B,
    histogram: &'a mut [u32],
}

impl<B: Fn(u128) -> u16> SharesLoop for Count<'_, B> {
    type Output = u64;

    #[inline]
    fn run(self, share: impl Fn(u64) -> (u128, u128) + Copy) -> u64 {
        self.weights.iter().fold(0u64, |sum, &w| {
            let (q, r) = share(w);
            if let Some(count) = self.histogram.get_mut(usize::from((self.bucket_of)(r))) {
                *count += 1;
            }
            sum.wrapping_add(u64::try_from(q).unwrap_or(u64::MAX))
        })
    }
}

/// The second pass: the parts (collected, so written without a capacity check)
/// with a unit for every bucket above `top`, each reason, and the demands in
/// bucket `top` with their exact remainders.
struct Write<'a, B> {
    weights: &'a [u64],
    bucket_of: B,
    top: u32,
    reasons: &'a mut [Reason],
    inside: &'a mut Vec<(u128, usize)>,
}

impl<B: Fn(u128) -> u16> SharesLoop for Write<'_, B> {
    type Output = Vec<u64>;

    #[inline]
    fn run(self, share: impl Fn(u64) -> (u128, u128) + Copy) -> Vec<u64> {
        let Self {
            weights,
            bucket_of,
            top,
            reasons,
            inside,
        } = self;
        let mut slots = reasons.iter_mut();
        weights
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                let (q, r) = share(w);
                let bucket = u32::from(bucket_of(r));
                let unit = bucket > top;
                if let Some(slot) = slots.next() {
                    *slot = reason_of(w, unit);
                }
                if bucket == top {
                    inside.push((r, i));
                }
                u64::try_from(q)
                    .unwrap_or(u64::MAX)
                    .saturating_add(u64::from(unit))
            })
            .collect()
    }
}

/// An unconstrained demand's reason: whether it has weight and won a unit.
#[inline]
fn reason_of(weight: u64, unit: bool) -> Reason {
    match (weight == 0, unit) {
        (true, _) => Reason::ZeroWeight,
        (false, true) => Reason::Remainder,
        (false, false) => Reason::Proportional,
    }
}

/// The bucket that holds the k-th largest remainder, walking down the counts,
/// and the boundary's rank inside it (0 for its first): `None` when there are
/// no units to hand out.
fn boundary(histogram: &[u32], k: u128) -> Option<(u16, usize)> {
    if k == 0 {
        return None;
    }
    let mut above = 0u128;
    for (b, &count) in histogram.iter().enumerate().rev() {
        if above + u128::from(count) >= k {
            let nth = usize::try_from(k - above).ok()?.checked_sub(1)?;
            return Some((u16::try_from(b).ok()?, nth));
        }
        above += u128::from(count);
    }
    None
}

/// The demands of the boundary bucket (exact remainder, index) that rank at or
/// above its `nth` in the order (remainder descending, index ascending) and
/// have a remainder at all: the ones that get a unit there.
fn winners(mut inside: Vec<(u128, usize)>, nth: usize) -> Vec<usize> {
    if nth >= inside.len() {
        return Vec::new();
    }
    inside.select_nth_unstable_by(nth, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    inside
        .iter()
        .take(nth + 1)
        .filter(|&&(r, _)| r > 0)
        .map(|&(_, i)| i)
        .collect()
}

/// One more unit to each winner, for its remainder.
fn award(parts: &mut [u64], reasons: &mut [Reason], winners: Vec<usize>) {
    for i in winners {
        if let (Some(part), Some(reason)) = (parts.get_mut(i), reasons.get_mut(i)) {
            *part += 1;
            *reason = Reason::Remainder;
        }
    }
}

/// A bounded demand's share rounded down, its remainder (zero at a bound) and
/// reason. A demand of weight zero sits at its floor.
#[inline]
fn share(
    divider: &Divider,
    level: u128,
    weight: u64,
    floor: u64,
    cap: u64,
    has_cap: bool,
) -> (u64, u128, Reason) {
    if weight == 0 {
        let reason = if floor > 0 {
            Reason::Floored
        } else {
            Reason::ZeroWeight
        };
        return (floor, 0, reason);
    }
    let (q, r) = divider.div_rem(u128::from(weight) * level);
    if q < u128::from(floor) {
        (floor, 0, Reason::Floored)
    } else if q > u128::from(cap) || (q == u128::from(cap) && r > 0) {
        let reason = if has_cap {
            Reason::Capped
        } else {
            Reason::Proportional
        };
        (cap, 0, reason)
    } else {
        (u64::try_from(q).unwrap_or(cap), r, Reason::Proportional)
    }
}
