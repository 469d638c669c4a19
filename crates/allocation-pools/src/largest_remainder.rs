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
    let mut parts = Vec::with_capacity(n);
    let mut buckets: Vec<u16> = Vec::with_capacity(n);
    let mut sum = 0u128;
    let mut reasons = if let Some(bounds) = problem.bounds {
        let mut reasons = Vec::with_capacity(n);
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
        reasons
    } else {
        // The hot loop of the unconstrained case: one multiplication by a
        // precomputed reciprocal per demand, no bounds to consult.
        for &w in problem.weights {
            let (q, r) = divider.div_rem(u128::from(w) * lambda.p);
            let bucket = bucket_of(r);
            if let Some(count) = histogram.get_mut(usize::from(bucket)) {
                *count += 1;
            }
            sum += q;
            parts.push(u64::try_from(q).unwrap_or(u64::MAX));
            buckets.push(bucket);
        }
        Vec::new()
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
    let boundary = find_boundary(&buckets, &histogram, k, remainder);
    let units: Vec<bool> = match boundary {
        None => Vec::new(),
        Some(Boundary { bucket, rem, index }) => buckets
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                // Unpredictable for half the demands, so computed without branching;
                // the boundary bucket is rare, so its branch is predictable.
                let mut unit = b > bucket;
                if b == bucket {
                    let r = remainder(i);
                    unit = r > 0 && (r > rem || (r == rem && i <= index));
                }
                unit
            })
            .collect(),
    };
    for (part, &unit) in parts.iter_mut().zip(&units) {
        *part += u64::from(unit);
    }
    if reasons.is_empty() {
        reasons = problem
            .weights
            .iter()
            .enumerate()
            .map(
                |(i, &w)| match (w == 0, units.get(i).copied().unwrap_or(false)) {
                    (true, _) => Reason::ZeroWeight,
                    (false, true) => Reason::Remainder,
                    (false, false) => Reason::Proportional,
                },
            )
            .collect();
    } else {
        for (reason, &unit) in reasons.iter_mut().zip(&units) {
            if unit {
                *reason = Reason::Remainder;
            }
        }
    }
    (parts, reasons)
}

/// The k-th largest remainder in the order (remainder descending, index ascending):
/// its bucket, value and index.
#[derive(Debug, Clone, Copy)]
struct Boundary {
    bucket: u16,
    rem: u128,
    index: usize,
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
    let (_, &mut (rem, index), _) =
        inside.select_nth_unstable_by(nth, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    Some(Boundary { bucket, rem, index })
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
