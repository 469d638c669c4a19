//! The largest-remainder method (Hamilton): quotas rounded down, then one unit to
//! each of the largest remainders, ties to the earlier demand.
//!
//! The k-th largest remainder is found without sorting and without storing the
//! remainders. From 16,384 demands on (no floors or caps), a sample of one
//! remainder in 16 guesses a band that holds it, and one pass decides every
//! demand outside the band, keeping those inside to order exactly. Otherwise (or
//! when the band misses) a pass counts the top 12 bits of each demand's
//! remainder (its bucket); a walk down the counts finds the bucket that holds the
//! boundary; only the demands in that bucket are ordered by their exact
//! remainders, and the final pass decides every other demand by its bucket.

use crate::problem::{Bounds, Problem, Reason};
use crate::waterfill::Lambda;
use crate::wide::{Divider, SharesLoop};

/// The bits of a remainder its bucket keeps: 4,096 counters (16 KB) stay in
/// the first-level cache, where 65,536 (256 KB) made every count a miss; the
/// boundary bucket then holds about one demand in 4,096.
const BUCKET_BITS: u32 = 12;

/// What the pass that sums the weights learns for Hamilton. (No `Default`:
/// a bound of 0 would claim every weight is 0.)
#[derive(Debug, Clone)]
pub(crate) struct Scanned {
    /// At least every weight (their bitwise or; `u64::MAX` when not known),
    /// which spares the passes a check per weight when it is small
    /// ([`Divider::run`]).
    pub(crate) widest: u64,
    /// One weight in [`STRIDE`] from the first, if taken (see
    /// [`sample_stride`]); when empty, the sampled case gathers it itself.
    pub(crate) sample: Vec<u64>,
}

/// The stride at which the sum pass should sample `n` unconstrained weights
/// for Hamilton, if it should.
pub(crate) fn sample_stride(n: usize) -> Option<usize> {
    (n >= SAMPLED_FROM).then_some(STRIDE)
}

/// Hamilton's parts and reasons.
pub(crate) fn solve(
    problem: &Problem<'_>,
    lambda: Lambda,
    scanned: &Scanned,
) -> (Vec<u64>, Vec<Reason>) {
    let n = problem.weights.len();
    let Some(divider) = Divider::new(lambda.q) else {
        return (vec![0; n], vec![Reason::ZeroWeight; n]);
    };
    let bits = 128 - divider.divisor().leading_zeros();
    let shift = bits.saturating_sub(BUCKET_BITS);
    let bucket_of = |r: u128| u16::try_from(r >> shift).unwrap_or(u16::MAX);
    if let Some(bounds) = problem.bounds {
        bounded(problem, bounds, lambda, &divider, bucket_of)
    } else if bits <= 64 {
        // Every remainder is below the divisor, so below 2⁶⁴, and the shift
        // is at most 48: the bucket is a 64-bit shift, not a 128-bit one.
        let shift = shift & 63;
        #[allow(
            clippy::cast_possible_truncation,
            reason = "a remainder is below the divisor, which is below 2⁶⁴"
        )]
        let bucket_of = |r: u128| u16::try_from((r as u64) >> shift).unwrap_or(u16::MAX);
        unconstrained(problem, lambda, &divider, bucket_of, scanned)
    } else {
        unconstrained(problem, lambda, &divider, bucket_of, scanned)
    }
}

/// With floors and caps: one pass keeps each demand's part, bucket and reason
/// (a demand at a bound has remainder zero, bucket 0, never above another);
/// the boundary bucket's demands have their exact remainder recomputed
/// (`r = w·p − q·Q`, two multiplications).
fn bounded(
    problem: &Problem<'_>,
    bounds: Bounds<'_>,
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

/// From this many demands on, the unconstrained case guesses its boundary from a
/// sample first.
const SAMPLED_FROM: usize = 1 << 14;

/// One demand in this many is sampled.
const STRIDE: usize = 16;

/// The unconstrained case. From [`SAMPLED_FROM`] demands on, a sample (one in
/// [`STRIDE`]) guesses a band of remainders that holds the boundary; one pass
/// then writes every part, a unit for each remainder above the band, and keeps
/// the demands inside it, whose exact order decides the rest. A band that
/// turns out not to hold the boundary (a sample unlike the whole) costs the
/// two passes below as well: the answer never depends on the sample.
///
/// Otherwise two passes over the weights store nothing between them: the first
/// counts the buckets and sums the parts rounded down; the second writes each
/// part with its unit and reason, and keeps the demands of the boundary bucket
/// (a handful), whose exact remainders decide the last units. Reading the
/// weights twice is cheaper than writing and reading back a bucket per demand.
fn unconstrained(
    problem: &Problem<'_>,
    lambda: Lambda,
    divider: &Divider,
    bucket_of: impl Fn(u128) -> u16 + Copy,
    scanned: &Scanned,
) -> (Vec<u64>, Vec<Reason>) {
    let widest = scanned.widest;
    if let Some(done) = banded(problem, lambda, divider, scanned) {
        return done;
    }
    let weights = problem.weights;
    let mut histogram = vec![0u32; 1 << BUCKET_BITS];
    let count = Count {
        weights,
        bucket_of,
        histogram: &mut histogram,
    };
    let sum = divider.run(lambda.p, widest, count);
    let k = u128::from(problem.total).saturating_sub(u128::from(sum));
    let boundary = boundary(&histogram, k);
    // Every demand in a bucket above the boundary's gets a unit; none does if
    // there are no units to hand out.
    let top = boundary.map_or(u64::MAX, |(bucket, _)| u64::from(bucket));
    let write = Write {
        weights,
        key: |r| u64::from(bucket_of(r)),
        band: (top, top),
    };
    let Written {
        mut parts,
        mut reasons,
        inside,
        ..
    } = divider.run(lambda.p, widest, write);
    if let Some((_, nth)) = boundary {
        award(&mut parts, &mut reasons, winners(inside, nth));
    }
    (parts, reasons)
}

/// The sampled guess and one pass (see [`unconstrained`]); `None` when there
/// are too few demands to sample, a divisor of 2⁶⁴ or more, or the band missed.
///
/// The remainders sum to `k·Q` (`k` the units left to hand out, `Q` the
/// divisor), so the sample's sum over `Q` is how many units its demands
/// should win; the band reaches `3√m + 8` ranks either side of that rank in
/// the sample of `m` (three standard deviations of a quantile's rank and more).
fn banded(
    problem: &Problem<'_>,
    lambda: Lambda,
    divider: &Divider,
    scanned: &Scanned,
) -> Option<(Vec<u64>, Vec<Reason>)> {
    let weights = problem.weights;
    let q = divider.divisor();
    if weights.len() < SAMPLED_FROM || q > u128::from(u64::MAX) {
        return None;
    }
    let widest = scanned.widest;
    let (sampled, stride) = if scanned.sample.is_empty() {
        (weights, STRIDE)
    } else {
        (scanned.sample.as_slice(), 1)
    };
    let mut sample = divider.run(
        lambda.p,
        widest,
        Sample {
            weights: sampled,
            stride,
        },
    );
    let m = sample.len();
    // Each remainder is below 2⁶⁴, and there are fewer than 2⁶⁴ of them.
    let units = usize::try_from(sample.iter().map(|&r| u128::from(r)).sum::<u128>() / q).ok()?;
    let margin = 3 * m.isqrt() + 8;
    let mut ranked = |rank: usize| {
        let (_, &mut r, _) = sample.select_nth_unstable(m.checked_sub(rank + 1)?);
        Some(r)
    };
    // The band: remainders ranked between these in the sample, both included.
    let above = units.checked_sub(margin).and_then(&mut ranked);
    let below = units.checked_add(margin).and_then(ranked);
    let band = (below.unwrap_or(0), above.unwrap_or(u64::MAX));
    let write = Write {
        weights,
        // Below the divisor, so below 2⁶⁴.
        key: |r| u64::try_from(r).unwrap_or(u64::MAX),
        band,
    };
    let Written {
        mut parts,
        mut reasons,
        inside,
        floors,
        units: given,
    } = divider.run(lambda.p, widest, write);
    let k = u128::from(problem.total).checked_sub(u128::from(floors))?;
    let left = usize::try_from(k.checked_sub(u128::try_from(given).ok()?)?).ok()?;
    if left > inside.len() {
        return None;
    }
    if let Some(nth) = left.checked_sub(1) {
        award(&mut parts, &mut reasons, winners(inside, nth));
    }
    Some((parts, reasons))
}

/// The sample: the remainder of one weight in `stride` (1 for weights
/// already sampled).
struct Sample<'a> {
    weights: &'a [u64],
    stride: usize,
}

impl SharesLoop for Sample<'_> {
    type Output = Vec<u64>;

    #[inline]
    fn run(self, share: impl Fn(u64) -> (u128, u128) + Copy) -> Vec<u64> {
        // Called only with a divisor below 2⁶⁴, so every remainder fits.
        self.weights
            .iter()
            .step_by(self.stride.max(1))
            .map(|&w| u64::try_from(share(w).1).unwrap_or(u64::MAX))
            .collect()
    }
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

/// The pass that writes: every part with a unit for each demand whose key is
/// above the band, each reason, and the demands whose key is inside the band
/// (both ends included) with their exact remainders. Inside is one comparison
/// (`key − low ≤ high − low`, wrapping), a branch taken rarely: two would be
/// taken at random.
struct Write<'a, F> {
    weights: &'a [u64],
    key: F,
    band: (u64, u64),
}

/// What [`Write`] returns.
struct Written {
    parts: Vec<u64>,
    reasons: Vec<Reason>,
    /// (exact remainder, demand) for each demand inside the band.
    inside: Vec<(u128, usize)>,
    /// The sum of the parts rounded down.
    floors: u64,
    /// The units given (to demands above the band).
    units: usize,
}

impl<F: Fn(u128) -> u64> SharesLoop for Write<'_, F> {
    type Output = Written;

    #[inline]
    fn run(self, share: impl Fn(u64) -> (u128, u128) + Copy) -> Written {
        let Self {
            weights,
            key,
            band: (low, high),
        } = self;
        let width = high.wrapping_sub(low);
        let mut parts = Vec::with_capacity(weights.len());
        let mut reasons = vec![Reason::Proportional; weights.len()];
        let mut inside = Vec::new();
        let (mut floors, mut units) = (0u64, 0usize);
        for ((i, &w), slot) in weights.iter().enumerate().zip(reasons.iter_mut()) {
            let (q, r) = share(w);
            let key = key(r);
            let unit = key > high;
            *slot = reason_of(w, unit);
            if key.wrapping_sub(low) <= width {
                inside.push((r, i));
            }
            let q = u64::try_from(q).unwrap_or(u64::MAX);
            floors = floors.wrapping_add(q);
            units += usize::from(unit);
            parts.push(q.saturating_add(u64::from(unit)));
        }
        Written {
            parts,
            reasons,
            inside,
            floors,
            units,
        }
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Hamilton by sorting every exact remainder: units to the `k` largest,
    /// ties to the earlier demand.
    fn sorted(total: u64, weights: &[u64]) -> (Vec<u64>, Vec<Reason>) {
        let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
        let shares: Vec<(u128, u128)> = weights
            .iter()
            .map(|&w| {
                let n = u128::from(w) * u128::from(total);
                (n / sum, n % sum)
            })
            .collect();
        let floors: u128 = shares.iter().map(|&(q, _)| q).sum();
        let k = usize::try_from(u128::from(total) - floors).unwrap();
        let mut order: Vec<usize> = (0..weights.len()).collect();
        order.sort_by(|&a, &b| shares[b].1.cmp(&shares[a].1).then(a.cmp(&b)));
        let mut parts: Vec<u64> = shares
            .iter()
            .map(|&(q, _)| u64::try_from(q).unwrap())
            .collect();
        let mut reasons: Vec<Reason> = weights.iter().map(|&w| reason_of(w, false)).collect();
        for &i in &order[..k] {
            parts[i] += 1;
            reasons[i] = Reason::Remainder;
        }
        (parts, reasons)
    }

    fn setup(total: u64, weights: &[u64]) -> (Problem<'_>, Lambda, Divider) {
        let q: u128 = weights.iter().map(|&w| u128::from(w)).sum();
        let lambda = Lambda {
            p: u128::from(total),
            q,
        };
        let problem = Problem {
            total,
            weights,
            bounds: None,
        };
        (problem, lambda, Divider::new(q).unwrap())
    }

    /// What `apportion`'s sum pass passes on: the weights' bitwise or and,
    /// from [`SAMPLED_FROM`] weights on, the sample.
    fn scanned(weights: &[u64]) -> Scanned {
        Scanned {
            widest: weights.iter().fold(0, |or, &w| or | w),
            sample: sample_stride(weights.len()).map_or_else(Vec::new, |stride| {
                weights.iter().step_by(stride).copied().collect()
            }),
        }
    }

    /// Nothing known: no bound on the weights, no sample taken.
    fn unknown() -> Scanned {
        Scanned {
            widest: u64::MAX,
            sample: Vec::new(),
        }
    }

    /// Weights of several shapes, from 2¹⁴ to 2¹⁵ of them: uniform, a few
    /// values (ties across the band), sorted, and one in every [`STRIDE`]
    /// unlike the rest (a sample unlike the whole).
    fn weights() -> impl Strategy<Value = Vec<u64>> {
        let n = SAMPLED_FROM..2 * SAMPLED_FROM;
        (n, any::<u64>(), 0..4u8, 1u64..1 << 40).prop_map(|(n, seed, shape, top)| {
            let mut state = seed;
            let mut next = move || {
                state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let z = (state ^ (state >> 31)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z ^ (z >> 29)
            };
            let mut weights: Vec<u64> = (0..n)
                .map(|i| match shape {
                    1 => 1 + next() % 7,
                    3 if i % STRIDE == 0 => top,
                    3 => 1 + next() % 1000,
                    _ => next() % top,
                })
                .collect();
            if shape == 2 {
                weights.sort_unstable();
            }
            weights
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn many_demands_agree_with_sorting_every_remainder(weights in weights(), total in 0u64..1 << 40) {
            prop_assume!(weights.iter().any(|&w| w > 0));
            let (problem, lambda, _) = setup(total, &weights);
            let expected = sorted(total, &weights);
            // With the weights' own bound (no check per weight when the
            // products fit 64 bits) and their sample, and with neither.
            prop_assert!(solve(&problem, lambda, &scanned(&weights)) == expected);
            prop_assert!(solve(&problem, lambda, &unknown()) == expected);
        }
    }

    #[test]
    fn a_sample_unlike_the_whole_misses_and_the_answer_holds() {
        // The sampled demands weigh about a million each, their remainders
        // spread; every other demand weighs 1, with the same remainder, nine
        // tenths of the divisor: they win nearly all units, far above the
        // band the sample guessed, and the counting passes answer instead.
        let n = SAMPLED_FROM * 2;
        let weights: Vec<u64> = (0..n as u64)
            .map(|i| {
                if i % STRIDE as u64 == 0 {
                    1_000_000 + i * 7919 % 1_000_003
                } else {
                    1
                }
            })
            .collect();
        let sum: u64 = weights.iter().sum();
        let total = sum / 10 * 9;
        let (problem, lambda, divider) = setup(total, &weights);
        assert!(banded(&problem, lambda, &divider, &scanned(&weights)).is_none());
        assert!(solve(&problem, lambda, &scanned(&weights)) == sorted(total, &weights));
        // A uniform sample finds its band.
        let weights: Vec<u64> = (0..n as u64).map(|i| i * 7919 % 100_003).collect();
        let (problem, lambda, divider) = setup(total, &weights);
        assert!(banded(&problem, lambda, &divider, &scanned(&weights)).is_some());
        assert!(banded(&problem, lambda, &divider, &unknown()).is_some());
        assert!(solve(&problem, lambda, &scanned(&weights)) == sorted(total, &weights));
    }
}
