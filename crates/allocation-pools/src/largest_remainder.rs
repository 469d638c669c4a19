//! The largest-remainder method (Hamilton): quotas rounded down, then one unit to
//! each of the largest remainders, ties to the earlier demand.
//!
//! The k-th largest remainder is found without sorting and without storing the
//! remainders. From 16,384 demands on (no floors or caps, weights below 2⁴⁸), a
//! sample of one demand in 16 guesses a band of fractions of a unit that holds
//! it, and one pass that multiplies instead of dividing decides every demand
//! outside the band, settling those inside exactly (see [`banded`]). Otherwise
//! (or when the band misses) a pass counts the top 12 bits of each demand's
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
    /// Every weight is known to be positive: the sampled pass then writes
    /// each reason from the unit alone (~20% of its time on a million).
    pub(crate) positive: bool,
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
    if let Some(done) = banded(problem, lambda, scanned) {
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
    } = divider.run(lambda.p, widest, write);
    if let Some((_, nth)) = boundary {
        award(&mut parts, &mut reasons, winners(inside, nth));
    }
    (parts, reasons)
}

/// Weights below 2 to this take the sampled pass ([`banded`]): a weight's
/// fraction is known there to within the weight (in 2⁻⁶⁴ of a unit), so its
/// band widens by less than 2⁻¹⁶ of a unit, a few hundredths of its usual
/// width.
const FRACTION_BITS: u32 = 48;

/// The demands the sampled pass handles at a time: those whose fraction it
/// cannot place are marked in a buffer of this many on the stack and settled
/// exactly after their chunk, while it is in cache, so the loop over the chunk
/// has no call and no branch taken at random in it, and keeps its sums in
/// registers.
const CHUNK: usize = 1024;

/// The sampled guess and one pass (see [`unconstrained`]); `None` when there
/// are too few demands to sample, a total or divisor of 2⁶⁴ or more, a weight
/// of 2^[`FRACTION_BITS`] or more, or the band missed.
///
/// The pass does not divide: it multiplies each weight by `λ` as a 64-bit
/// binary fraction rounded down ([`Fraction`]), whose high half is the part
/// rounded down and whose low half the remainder's fraction of a unit, both
/// a little low: the fraction by less than the weight (in 2⁻⁶⁴ of a unit),
/// the part by one when that shortfall hides a carry. So a fraction above the
/// band's top (and below `!widest`, where no carry can hide) is above it
/// exactly, and one more than `widest` below the band's bottom is below it;
/// the demands in between (about the band's share of them) are settled
/// exactly, their remainders recomputed from the product without a division.
/// The units left for them then decide the band's own demands, and the answer
/// stands only if the last of them to win a unit has a fraction at least the
/// band's bottom and every one that did not at most its top ([`settled`]):
/// then every demand above the band outranks every one in it that lost, and
/// every one below it ranks under every one in it that won.
///
/// The remainders' fractions sum to `k` (the units left to hand out), so the
/// sample's sum of fractions is how many units its demands should win. That
/// sum and the sample's count above the boundary differ by a sum of `m` terms
/// each within an interval of width one, whose standard deviation is at most
/// `√m/2`; the band reaches `1.5√m + 8` ranks either side of the guess, three
/// of those at worst and five for fractions spread evenly (a miss costs the
/// two counting passes, never the answer; a band twice as wide cost ~10% of
/// the time on a million demands). Its ends are those of the buckets (top 12
/// bits) holding those ranks: one pass over the sample, no sorting.
fn banded(
    problem: &Problem<'_>,
    lambda: Lambda,
    scanned: &Scanned,
) -> Option<(Vec<u64>, Vec<Reason>)> {
    let weights = problem.weights;
    let widest = scanned.widest;
    if weights.len() < SAMPLED_FROM || widest >> FRACTION_BITS != 0 {
        return None;
    }
    let fraction = Fraction::new(lambda)?;
    let (sampled, stride) = if scanned.sample.is_empty() {
        (weights, STRIDE)
    } else {
        (scanned.sample.as_slice(), 1)
    };
    // One pass over the sample: its fractions' sum and their buckets (the
    // top bits of each fraction). A fraction that may hide a carry is most
    // likely a whole share's: it counts as none.
    let mut histogram = vec![0u32; 1 << BUCKET_BITS];
    let (mut m, mut sum) = (0usize, 0u128);
    for &w in sampled.iter().step_by(stride) {
        let f = Some(fraction.approximate::<false>(w).1)
            .filter(|&f| f <= !widest)
            .unwrap_or(0);
        m += 1;
        sum += u128::from(f);
        if let Some(count) = histogram.get_mut(usize::try_from(f >> (64 - BUCKET_BITS)).ok()?) {
            *count += 1;
        }
    }
    let units = usize::try_from(sum >> 64).ok()?;
    let margin = 3 * m.isqrt() / 2 + 8;
    // The band: from the bottom of the bucket holding the sample's fraction
    // ranked `units + margin` (from the top, the first ranked 0) to the top
    // of the one holding the fraction ranked `units − margin`.
    // `over` counts the sample above the band, `seen` down to its bottom.
    let (mut above, mut below, mut over, mut seen) = (None, None, 0, 0usize);
    for (b, &count) in histogram.iter().enumerate().rev() {
        let count = usize::try_from(count).ok()?;
        let bottom = u64::try_from(b).ok()? << (64 - BUCKET_BITS);
        if above.is_none() && units.checked_sub(margin).is_some_and(|r| r < seen + count) {
            above = Some(bottom | (u64::MAX >> BUCKET_BITS));
            over = seen;
        }
        seen += count;
        if units.checked_add(margin).is_some_and(|r| r < seen) {
            below = Some(bottom);
            break;
        }
    }
    let band = (below.unwrap_or(0), above.unwrap_or(u64::MAX));
    // A band over several buckets holding a quarter of the sample or more (a
    // sample unlike the whole, as when every sampled share is whole) would
    // leave as many demands to settle one by one: the counting passes do
    // better. One bucket that full holds ties, which they would meet too.
    if seen - over > m / 4 && band.1 - band.0 > u64::MAX >> BUCKET_BITS {
        return None;
    }
    let expected = (2 * margin + 1) * STRIDE;
    let Swept {
        mut parts,
        mut reasons,
        inside,
        given,
    } = match (fraction.whole == 0, scanned.positive) {
        (true, true) => sweep::<false, false>(weights, fraction, band, widest, expected),
        (true, false) => sweep::<false, true>(weights, fraction, band, widest, expected),
        (false, true) => sweep::<true, false>(weights, fraction, band, widest, expected),
        (false, false) => sweep::<true, true>(weights, fraction, band, widest, expected),
    }?;
    let left = usize::try_from(u128::from(problem.total).checked_sub(given)?).ok()?;
    let winners = settled(inside, left, fraction.divisor, band)?;
    award(&mut parts, &mut reasons, winners);
    Some((parts, reasons))
}

/// `λ = p/q` as a whole number and a 64-bit binary fraction rounded down:
/// `w·λ ≈ w·whole + w·fraction/2⁶⁴`.
#[derive(Debug, Clone, Copy)]
struct Fraction {
    whole: u64,
    binary: u64,
    /// `p mod q` and `q`, for exact remainders.
    rest: u64,
    divisor: u64,
}

impl Fraction {
    /// `None` for `p` or `q` of 2⁶⁴ or more, or `q` zero.
    fn new(lambda: Lambda) -> Option<Self> {
        let (p, q) = (u64::try_from(lambda.p).ok()?, u64::try_from(lambda.q).ok()?);
        let (whole, rest) = (p.checked_div(q)?, p.checked_rem(q)?);
        // rest < q, so the quotient is below 2⁶⁴.
        let binary = u64::try_from((u128::from(rest) << 64) / u128::from(q)).ok()?;
        Some(Self {
            whole,
            binary,
            rest,
            divisor: q,
        })
    }

    /// The part rounded down and the remainder's fraction of a unit (in
    /// 2⁻⁶⁴), both as [`banded`] says: the fraction short by less than `w`,
    /// and the part short by one when that shortfall hides a carry. For a
    /// weight whose share fits 64 bits (every weight of the list: its share
    /// is at most the total); others wrap. Without `WHOLE` the whole part is
    /// taken to be zero.
    #[inline]
    fn approximate<const WHOLE: bool>(self, w: u64) -> (u64, u64) {
        let x = u128::from(w) * u128::from(self.binary);
        #[allow(
            clippy::cast_possible_truncation,
            reason = "the two halves of a 128-bit product"
        )]
        let (high, low) = ((x >> 64) as u64, x as u64);
        if WHOLE {
            (w.wrapping_mul(self.whole).wrapping_add(high), low)
        } else {
            (high, low)
        }
    }

    /// The exact part rounded down and remainder: `w·p = part·q + r`, `r < q`.
    /// The approximate part is the exact one or one less, so one subtraction
    /// of `q` at most settles it.
    fn exact(self, w: u64) -> Option<(u64, u64)> {
        let high = (u128::from(w) * u128::from(self.binary)) >> 64;
        let q = u128::from(self.divisor);
        let r = (u128::from(w) * u128::from(self.rest)).checked_sub(high * q)?;
        let (high, r) = if r >= q { (high + 1, r - q) } else { (high, r) };
        let part = u128::from(w) * u128::from(self.whole) + high;
        Some((u64::try_from(part).ok()?, u64::try_from(r).ok()?))
    }
}

/// What [`sweep`] returns.
struct Swept {
    parts: Vec<u64>,
    reasons: Vec<Reason>,
    /// Each demand whose fraction may be in the band or may hide a carry, its
    /// exact part (no unit yet) written, as a [`key`].
    inside: Vec<u128>,
    /// The sum of the parts, a unit to each demand above the band included.
    given: u128,
}

/// The one pass of [`banded`]: every part, a unit for each fraction above the
/// band, each reason, and the demands it cannot place settled exactly. Built
/// for `λ` of one or more or not (`WHOLE`: without it, a multiplication less
/// per weight) and for lists that may hold a zero weight or not (`ZEROS`:
/// without it, a reason from the unit alone). About 70% of Hamilton's time on
/// a million demands (2.4 ms in all).
///
/// Always inlined into [`banded`]: built as a function of its own (the
/// compiler's choice in some builds) the same loop took 3.7 ms against 2.5.
#[allow(
    clippy::inline_always,
    reason = "measured: 3.7 ms against 2.5 on a million demands when not inlined"
)]
#[inline(always)]
fn sweep<const WHOLE: bool, const ZEROS: bool>(
    weights: &[u64],
    fraction: Fraction,
    (low, high): (u64, u64),
    widest: u64,
    expected: usize,
) -> Option<Swept> {
    let n = weights.len();
    // Below `start` a fraction is below the band for sure; above `carry` it
    // may hide a carry.
    let start = low.saturating_sub(widest);
    let width = high.checked_sub(start)?;
    let carry = !widest;
    // Whether a fraction that may hide a carry is outside the band both ways:
    // above its top if there is none, below its bottom if there is one (a
    // whole share and its fraction's shortfall, the commonest case).
    let apart = high <= carry && low >= widest;
    let mut parts = vec![0u64; n];
    let mut reasons = vec![Reason::Proportional; n];
    let mut inside = Vec::with_capacity(expected + expected / 4);
    let (mut floors, mut units) = (0u64, 0u64);
    let mut marked = [0usize; CHUNK];
    let chunks = weights
        .chunks(CHUNK)
        .zip(parts.chunks_mut(CHUNK))
        .zip(reasons.chunks_mut(CHUNK));
    for (c, ((ws, ps), rs)) in chunks.enumerate() {
        let mut count = 0;
        for (j, ((&w, part), reason)) in ws.iter().zip(ps.iter_mut()).zip(rs.iter_mut()).enumerate()
        {
            let (q, f) = fraction.approximate::<WHOLE>(w);
            let unit = f > high;
            *reason = match (ZEROS, unit) {
                (true, _) => reason_of(w, unit),
                (false, true) => Reason::Remainder,
                (false, false) => Reason::Proportional,
            };
            *part = q.wrapping_add(u64::from(unit));
            // Wrapping only to stay panic-free: the parts rounded down sum to
            // at most the total, and the units to at most the demands.
            floors = floors.wrapping_add(q);
            units = units.wrapping_add(u64::from(unit));
            // Always written, counted only when marked: no branch.
            if let Some(slot) = marked.get_mut(count) {
                *slot = j;
            }
            count += usize::from(f.wrapping_sub(start) <= width) | usize::from(f > carry);
        }
        let settle = Settle {
            fraction,
            high,
            carry,
            apart,
            base: c * CHUNK,
        };
        let (more, fewer) = settle.chunk::<WHOLE>(ws, ps, rs, marked.get(..count)?, &mut inside)?;
        floors = floors.wrapping_add(more);
        units = units.wrapping_sub(fewer);
    }
    Some(Swept {
        parts,
        reasons,
        inside,
        given: u128::from(floors) + u128::from(units),
    })
}

/// How [`sweep`] settles the demands it marked in a chunk.
struct Settle {
    fraction: Fraction,
    high: u64,
    carry: u64,
    apart: bool,
    /// The chunk's first demand's index.
    base: usize,
}

impl Settle {
    /// Settles the marked demands of a chunk (its weights, parts and reasons)
    /// and keeps those that may be in the band in `inside`; returns how much
    /// more the parts rounded down sum to, and how many fewer units were
    /// given. Kept out of the sweep's loop, whose registers it would take.
    #[inline(never)]
    fn chunk<const WHOLE: bool>(
        &self,
        weights: &[u64],
        parts: &mut [u64],
        reasons: &mut [Reason],
        marked: &[usize],
        inside: &mut Vec<u128>,
    ) -> Option<(u64, u64)> {
        let (mut more, mut fewer) = (0u64, 0u64);
        for &j in marked {
            let (Some(&w), Some(part), Some(reason)) =
                (weights.get(j), parts.get_mut(j), reasons.get_mut(j))
            else {
                continue;
            };
            let (q, f) = self.fraction.approximate::<WHOLE>(w);
            let (exact, r) = self.fraction.exact(w)?;
            if f > self.carry && self.apart {
                // Above the band, its part is `q + 1` as written either way:
                // its remainder's or a carry's (then its remainder is below
                // `widest`, so below the band, and its reason a share's).
                if exact > q {
                    *reason = reason_of(w, false);
                }
                continue;
            }
            more = more.wrapping_add(exact.wrapping_sub(q));
            fewer += u64::from(f > self.high);
            *part = exact;
            *reason = reason_of(w, false);
            inside.push(key(r, self.base + j));
        }
        Some((more, fewer))
    }
}

/// A demand's place in the order (remainder descending, index ascending) as
/// one number, larger first: the remainder above, the index's complement
/// below.
#[inline]
fn key(remainder: u64, index: usize) -> u128 {
    (u128::from(remainder) << 64) | u128::from(!(index as u64))
}

/// The remainder and the index of a [`key`].
#[inline]
#[allow(
    clippy::cast_possible_truncation,
    reason = "the two halves of a key; an index came from a usize"
)]
fn unkey(key: u128) -> (u64, usize) {
    ((key >> 64) as u64, !(key as u64) as usize)
}

/// The `left` demands of `inside` first in the order (remainder descending,
/// index ascending), if the band held the boundary: the last of them has a
/// fraction of a unit at least `low` and every other demand of `inside` at
/// most `high` (fractions in 2⁻⁶⁴ of a unit; remainders of `divisor`).
/// Demands with no remainder never win (they cannot be needed).
fn settled(
    mut inside: Vec<u128>,
    left: usize,
    divisor: u64,
    (low, high): (u64, u64),
) -> Option<Vec<usize>> {
    // r/q ≥ low/2⁶⁴ and r/q ≤ high/2⁶⁴, exactly (r < q < 2⁶⁴).
    let from_low = |r: u64| u128::from(r) << 64 >= u128::from(low) * u128::from(divisor);
    let to_high = |r: u64| u128::from(r) << 64 <= u128::from(high) * u128::from(divisor);
    let losers = match left.checked_sub(1) {
        None => inside.as_slice(),
        Some(nth) => {
            if nth >= inside.len() {
                return None;
            }
            let (_, &mut last, losers) = inside.select_nth_unstable_by(nth, |a, b| b.cmp(a));
            if !from_low(unkey(last).0) {
                return None;
            }
            losers
        }
    };
    // The largest loser is the first to check.
    if !to_high(losers.iter().max().map_or(0, |&k| unkey(k).0)) {
        return None;
    }
    Some(
        inside
            .iter()
            .take(left)
            .map(|&k| unkey(k))
            .filter(|&(r, _)| r > 0)
            .map(|(_, i)| i)
            .collect(),
    )
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
        for ((i, &w), slot) in weights.iter().enumerate().zip(reasons.iter_mut()) {
            let (q, r) = share(w);
            let key = key(r);
            let unit = key > high;
            *slot = reason_of(w, unit);
            if key.wrapping_sub(low) <= width {
                inside.push((r, i));
            }
            let q = u64::try_from(q).unwrap_or(u64::MAX);
            parts.push(q.saturating_add(u64::from(unit)));
        }
        Written {
            parts,
            reasons,
            inside,
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
            positive: weights.iter().all(|&w| w > 0),
            sample: sample_stride(weights.len()).map_or_else(Vec::new, |stride| {
                weights.iter().step_by(stride).copied().collect()
            }),
        }
    }

    /// Nothing known: no bound on the weights, no sample taken.
    fn unknown() -> Scanned {
        Scanned {
            widest: u64::MAX,
            positive: false,
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
        let (problem, lambda, _) = setup(total, &weights);
        assert!(banded(&problem, lambda, &scanned(&weights)).is_none());
        assert!(solve(&problem, lambda, &scanned(&weights)) == sorted(total, &weights));
        // A uniform sample finds its band.
        let weights: Vec<u64> = (0..n as u64).map(|i| i * 7919 % 100_003).collect();
        let (problem, lambda, _) = setup(total, &weights);
        assert!(banded(&problem, lambda, &scanned(&weights)).is_some());
        // Without the sum pass's sample it gathers its own; without a bound
        // on the weights it cannot place fractions, and the counting passes
        // answer.
        let unsampled = Scanned {
            sample: Vec::new(),
            ..scanned(&weights)
        };
        assert!(banded(&problem, lambda, &unsampled).is_some());
        assert!(banded(&problem, lambda, &unknown()).is_none());
        assert!(solve(&problem, lambda, &scanned(&weights)) == sorted(total, &weights));
    }

    /// Each kind of the sampled pass (`λ` below one or not, zero weights or
    /// not), whole shares among the others (their fractions, a little low,
    /// hide a carry), and the widest weights it takes: it answers, and as
    /// sorting every remainder does.
    #[test]
    fn each_kind_of_sampled_pass_agrees_with_sorting() {
        let n = SAMPLED_FROM * 2;
        let mut state = 2026u64;
        let mut next = move || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let z = (state ^ (state >> 31)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z ^ (z >> 29)
        };
        // Every third demand weighs 1,000, and the weights sum to a multiple
        // of 1,000: at λ = 7/1000 (and 3 + 7/1000) a third of the shares are
        // whole.
        let mut whole: Vec<u64> = (0..n)
            .map(|i| {
                if i % 3 == 0 {
                    1000
                } else {
                    1 + next() % 100_000
                }
            })
            .collect();
        let sum: u64 = whole.iter().sum();
        whole[1] += (1000 - sum % 1000) % 1000;
        let sum: u64 = whole.iter().sum();
        let zeros: Vec<u64> = whole
            .iter()
            .enumerate()
            .map(|(i, &w)| if i % 7 == 1 { 0 } else { w })
            .collect();
        let wide: Vec<u64> = (0..n).map(|_| next() >> (64 - FRACTION_BITS)).collect();
        let cases = [
            (&whole, sum / 1000 * 7),
            (&whole, sum * 3 + sum / 1000 * 7),
            (&zeros, sum / 1000 * 7),
            (&zeros, sum * 3 + 12_345),
            (&wide, 12_345_678_901),
            (&wide, u64::MAX / 2),
        ];
        for (i, (weights, total)) in cases.into_iter().enumerate() {
            let (problem, lambda, _) = setup(total, weights);
            let answer = banded(&problem, lambda, &scanned(weights));
            assert!(answer == Some(sorted(total, weights)), "case {i}");
        }
        // One weight of 2⁴⁸: the counting passes answer.
        let mut wider = wide.clone();
        wider[5] = 1 << FRACTION_BITS;
        let (problem, lambda, _) = setup(12_345_678_901, &wider);
        assert!(banded(&problem, lambda, &scanned(&wider)).is_none());
        assert!(solve(&problem, lambda, &scanned(&wider)) == sorted(12_345_678_901, &wider));
    }

    /// The band held the boundary only if the last winner's fraction is at
    /// least its bottom and every loser's at most its top.
    #[test]
    fn the_answer_stands_only_if_the_band_held_the_boundary() {
        // Remainders of 100: fractions 0.9, 0.6, 0.55, 0.3; the band 0.5–0.75.
        let inside: Vec<u128> = [(90, 3), (30, 0), (55, 2), (60, 1)]
            .map(|(r, i)| key(r, i))
            .to_vec();
        let band = (1 << 63, (1 << 63) + (1 << 62));
        let won = |left| {
            settled(inside.clone(), left, 100, band).map(|mut w| {
                w.sort_unstable();
                w
            })
        };
        assert_eq!(won(1), Some(vec![3]));
        assert_eq!(won(2), Some(vec![1, 3]));
        assert_eq!(won(3), Some(vec![1, 2, 3]));
        // 0.3 won, below the band; 0.9 lost, above it; too many to give.
        assert_eq!(won(4), None);
        assert_eq!(won(0), None);
        assert_eq!(won(5), None);
    }
}
