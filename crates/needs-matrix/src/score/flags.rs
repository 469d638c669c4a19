//! Flags: silent need and outliers (median and MAD by binary search; the float
//! tests turned into integer cut-offs), marked in one branch-free pass.

use super::rank::row_of;
use super::result::Flags;
use super::round::{FULL, as_f64};
use super::tiers::{Cuts, first_where};

/// The silent-need rule made ready: the participation dimension's contributions,
/// the least score and the least contribution.
pub(super) struct Silent<'a> {
    pub(super) column: &'a [u64],
    pub(super) min_score: u64,
    pub(super) min_contribution: u64,
}

/// Outliers by the modified z-score `0.6745 |x − median| / MAD` (Iglewicz &
/// Hoaglin), flagged beyond `z`: every score below `below` or from `from` on.
pub(super) struct Outliers {
    pub(super) below: u64,
    pub(super) from: u64,
}

impl Outliers {
    /// The cohort's median and MAD, read off the scores in rank order (`order`,
    /// from [`rank_order`](super::rank::rank_order)); `None` with no spread (MAD = 0: nothing can be an
    /// outlier) or no scores.
    ///
    /// Exact, in integers at twice the scale (a median may fall halfway between
    /// two scores): the deviations at most `t` from the median are a window of
    /// the sorted scores, found by two binary searches, so the MAD is the least
    /// `t` whose window holds enough scores — no deviation list is built.
    pub(super) fn new(scores: &[u64], order: &[u64], z: f64) -> Option<Self> {
        let count = order.len();
        let twice = |key: u64| u128::from(scores.get(row_of(key)).copied().unwrap_or(0)) * 2;
        // The i-th smallest score, twice.
        let at = |i: usize| order.get(count.checked_sub(i + 1)?).map(|&k| twice(k));
        let half = count / 2;
        let median2 = if count % 2 == 1 {
            at(half)?
        } else {
            u128::midpoint(at(half.checked_sub(1)?)?, at(half)?)
        };
        // How many scores lie within `t` (at twice the scale) of the median.
        let within = |t: u128| {
            let low = order.partition_point(|&k| twice(k) > median2 + t);
            let high = order.partition_point(|&k| twice(k) + t >= median2);
            high - low
        };
        // The k-th smallest deviation (from 0), twice.
        let kth = |k: usize| {
            let (mut lo, mut hi) = (0u128, 4 * u128::from(FULL));
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if within(mid) > k {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            lo
        };
        #[allow(clippy::cast_precision_loss, reason = "at most 4·10¹⁴, exact in f64")]
        let real = |twice: u128| twice as f64 / 2.0;
        let mad = if count % 2 == 1 {
            real(kth(half))
        } else {
            real(kth(half.saturating_sub(1))) / 2.0 + real(kth(half)) / 2.0
        };
        let median = real(median2);
        // The z-score only grows away from the median (every step of it rounds
        // monotonically), so the scores it flags are those below one cut-off
        // and from another on.
        let beyond = |s: u64| 0.6745 * (as_f64(s) - median).abs() / mad > z;
        let middle = u64::try_from(median2 / 2).unwrap_or(FULL);
        (mad > 0.0).then(|| Self {
            below: first_where(|s| s > middle || !beyond(s)),
            from: first_where(|s| s > middle && beyond(s)),
        })
    }

    /// Flags nothing.
    pub(super) const NONE: Self = Self {
        below: 0,
        from: u64::MAX,
    };

    /// [`Flags::OUTLIER`] if `score` is an outlier, else 0 (without a branch).
    pub(super) fn bit(&self, score: u64) -> u8 {
        (u8::from(score < self.below) | u8::from(score >= self.from)) * Flags::OUTLIER
    }
}

/// Everything decided row by row once scores and ranks are known.
pub(super) struct Marks<'a> {
    pub(super) cuts: Cuts,
    pub(super) silent: Option<Silent<'a>>,
    pub(super) outliers: Option<Outliers>,
}

impl Marks<'_> {
    /// Tiers and flags for the rows from `from` on (as many as `tiers` holds),
    /// without a branch per row: tiers and flags fall where the data says.
    pub(super) fn mark(
        &self,
        from: usize,
        scores: &[u64],
        ranks: &[u32],
        tiers: &mut [u8],
        flags: &mut [u8],
    ) {
        let to = from + tiers.len();
        let scores = scores.get(from..to).unwrap_or_default();
        let ranks = ranks.get(from..to).unwrap_or_default();
        let outliers = self.outliers.as_ref().unwrap_or(&Outliers::NONE);
        for (((&s, &r), tier), bits) in scores.iter().zip(ranks).zip(tiers).zip(flags.iter_mut()) {
            *tier = self.cuts.tier(s, r);
            *bits |= outliers.bit(s);
        }
        if let Some(rule) = &self.silent {
            let column = rule.column.get(from..to).unwrap_or_default();
            for ((&s, &c), bits) in scores.iter().zip(column).zip(flags) {
                *bits |= (u8::from(s >= rule.min_score) & u8::from(c >= rule.min_contribution))
                    * Flags::SILENT;
            }
        }
    }
}
