//! The largest-remainder method (Hamilton): quotas rounded down, then one unit to
//! each of the largest remainders, ties to the earlier demand.
//!
//! The k-th largest remainder is found without sorting and without storing the
//! remainders: the first pass keeps each demand's quotient and the top 16 bits of
//! its remainder (a bucket), and counts the buckets; a walk down the counts finds
//! the bucket that holds the boundary; only the demands in that bucket have their
//! exact remainder recomputed (`r = w·p − q·Q`, two multiplications) and selected.
//! The final pass decides every other demand by its bucket alone.

use crate::problem::{Problem, Reason};
use crate::waterfill::Lambda;
use crate::wide::Divider;

const BUCKET_BITS: u32 = 16;

pub(crate) fn solve(problem: &Problem<'_>, lambda: Lambda) -> (Vec<u64>, Vec<Reason>) {
    let n = problem.weights.len();
    let Some(divider) = Divider::new(lambda.q) else {
        return (vec![0; n], vec![Reason::ZeroWeight; n]);
    };
    let bits = 128 - divider.divisor().leading_zeros();
    let shift = bits.saturating_sub(BUCKET_BITS);
    let bucket_of = |r: u128| u16::try_from(r >> shift).unwrap_or(u16::MAX);
    let mut histogram = vec![0u32; 1 << BUCKET_BITS];
    let (mut parts, buckets, mut reasons, sum) = if let Some(bounds) = problem.bounds {
        let n = problem.weights.len();
        let (mut parts, mut buckets, mut reasons) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let mut sum = 0u128;
        let demands = problem
            .weights
            .iter()
            .zip(bounds.floors)
            .zip(bounds.caps)
            .zip(bounds.has_cap);
        for (((&w, &floor), &cap), &capped) in demands {
            let (part, rem, reason) = share(&divider, lambda.p, w, floor, cap, capped);
            let bucket = bucket_of(rem);
            if let Some(count) = histogram.get_mut(usize::from(bucket)) {
                *count += 1;
            }
            sum += u128::from(part);
            parts.push(part);
            buckets.push(bucket);
            reasons.push(reason);
        }
        (parts, buckets, reasons, sum)
    } else if bits <= 64 {
        // Every remainder is below the divisor, so below 2⁶⁴, and the shift
        // is at most 48: the bucket is a 64-bit shift, not a 128-bit one.
        let shift = shift & 63;
        #[allow(
            clippy::cast_possible_truncation,
            reason = "a remainder is below the divisor, which is below 2⁶⁴"
        )]
        let bucket_of = |r: u128| u16::try_from((r as u64) >> shift).unwrap_or(u16::MAX);
        let (parts, buckets, sum) =
            first_pass(problem.weights, lambda, &divider, bucket_of, &mut histogram);
        (parts, buckets, Vec::new(), sum)
    } else {
        let (parts, buckets, sum) =
            first_pass(problem.weights, lambda, &divider, bucket_of, &mut histogram);
        (parts, buckets, Vec::new(), sum)
    };
    // The exact remainder of demand i; zero at a bound.
    let remainder = |i: usize| -> u128 {
        let linear = reasons.get(i).is_none_or(|&r| r == Reason::Proportional);
        match (problem.weights.get(i), parts.get(i)) {
            (Some(&w), Some(&q)) if linear => {
                (u128::from(w) * lambda.p).saturating_sub(u128::from(q) * lambda.q)
            }
            _ => 0,
        }
    };
    let k = u128::from(problem.total).saturating_sub(sum);
    // Every demand in a bucket above the boundary's gets a unit, and so do the
    // `winners` inside it (a handful: one bucket's worth).
    let (top, winners) = match find_boundary(&buckets, &histogram, k, remainder) {
        Some(Boundary { bucket, winners }) => (u32::from(bucket), winners),
        // No units to hand out: no bucket is above this.
        None => (u32::MAX, Vec::new()),
    };
    if problem.bounds.is_none() {
        // Unconstrained: one pass without branches (it vectorizes) adds the
        // units of the buckets above and names every reason.
        reasons = problem
            .weights
            .iter()
            .zip(&buckets)
            .zip(parts.iter_mut())
            .map(|((&w, &b), part)| {
                let unit = u32::from(b) > top;
                *part += u64::from(unit);
                reason_of(w, unit)
            })
            .collect();
    } else {
        for ((part, reason), &b) in parts.iter_mut().zip(reasons.iter_mut()).zip(&buckets) {
            // A demand at a bound has bucket 0, which is never above another.
            if u32::from(b) > top {
                *part += 1;
                *reason = Reason::Remainder;
            }
        }
    }
    for i in winners {
        if let (Some(part), Some(reason)) = (parts.get_mut(i), reasons.get_mut(i)) {
            *part += 1;
            *reason = Reason::Remainder;
        }
    }
    (parts, reasons)
}

/// The hot loop of the unconstrained case, one multiplication by a precomputed
/// reciprocal per demand and no bounds to consult: each demand's part rounded down and
/// the bucket of its remainder, the buckets counted, and the parts' sum. The
/// parts sum to at most the total, so a 64-bit running sum (kept in a register)
/// cannot overflow; wrapping only to stay panic-free.
fn first_pass(
    weights: &[u64],
    lambda: Lambda,
    divider: &Divider,
    bucket_of: impl Fn(u128) -> u16,
    histogram: &mut [u32],
) -> (Vec<u64>, Vec<u16>, u128) {
    // Zeroed allocations this large come straight from the system as zero
    // pages, and writing through iterators keeps the lengths out of the loop.
    let mut parts = vec![0; weights.len()];
    let mut buckets = vec![0; weights.len()];
    let mut out = parts.iter_mut().zip(buckets.iter_mut());
    let sum = divider.fold_shares(weights, lambda.p, 0u64, |sum, _, q, r| {
        let bucket = bucket_of(r);
        if let Some(count) = histogram.get_mut(usize::from(bucket)) {
            *count += 1;
        }
        let q = u64::try_from(q).unwrap_or(u64::MAX);
        if let Some((part, slot)) = out.next() {
            *part = q;
            *slot = bucket;
        }
        sum.wrapping_add(q)
    });
    (parts, buckets, u128::from(sum))
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

/// The bucket that holds the k-th largest remainder in the order (remainder
/// descending, index ascending), and the demands inside it that rank at or
/// above it: the ones that get a unit there.
#[derive(Debug, Clone)]
struct Boundary {
    bucket: u16,
    winners: Vec<usize>,
}

fn find_boundary(
    buckets: &[u16],
    histogram: &[u32],
    k: u128,
    remainder: impl Fn(usize) -> u128,
) -> Option<Boundary> {
    if k == 0 {
        return None;
    }
    let mut above = 0u128;
    let mut found = None;
    for (b, &count) in histogram.iter().enumerate().rev() {
        if above + u128::from(count) >= k {
            found = Some(b);
            break;
        }
        above += u128::from(count);
    }
    let bucket = u16::try_from(found?).ok()?;
    let nth = usize::try_from(k - above).ok()?.checked_sub(1)?;
    let mut inside: Vec<(u128, usize)> = buckets
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == bucket)
        .map(|(i, _)| (remainder(i), i))
        .collect();
    if nth >= inside.len() {
        return None;
    }
    inside.select_nth_unstable_by(nth, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let winners = inside
        .iter()
        .take(nth + 1)
        .filter(|&&(r, _)| r > 0)
        .map(|&(_, i)| i)
        .collect();
    Some(Boundary { bucket, winners })
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
