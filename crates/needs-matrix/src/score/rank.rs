//! Ranking: a counting sort on the top bits of the distance from 100 points, then
//! per-bucket sorts; ids compared only where scores tie.

use crate::par::Par;
use crate::par::split;
use crate::unit::UnitId;

use super::round::FULL;

/// Scores are at most 10¹⁴ < 2⁴⁷: the top 16 bits of a score's distance from 100
/// points pick its bucket in [`rank_order`], and the other 31 are in its key.
pub(super) const BUCKET_SHIFT: u32 = 47 - 16;

/// The rows by rank — score descending, ties by id, then input order — each as a
/// key: the low 31 bits of the score's distance from 100 points, then the row in
/// the low 32 bits ([`row_of`]).
///
/// A counting sort on the top 16 bits of that distance puts every row in its
/// bucket (which fixes the bits the key leaves out), in row order; each bucket (a
/// dozen rows on average for a million) is then sorted by key: by score, then
/// row. Only rows that tie on score are compared by id, and only when their ids
/// do not already ascend with the row (the usual export): with rubric scores
/// most rows tie, and sorting strings would dominate on large cohorts. Each of
/// `par`'s parts takes a run of whole buckets holding about its share of the
/// rows.
pub(super) fn rank_order(scores: &[u64], ids: &[UnitId], par: Par) -> Vec<u64> {
    const BUCKETS: usize = 1 << (47 - BUCKET_SHIFT);
    const LOW: u64 = (1 << BUCKET_SHIFT) - 1;
    let bucket =
        |s: u64| -> usize { usize::try_from((FULL - s.min(FULL)) >> BUCKET_SHIFT).unwrap_or(0) };
    let rows = scores.len();
    let row_bounds = par.bounds(rows);
    let counted = par.run(row_bounds.windows(2).collect(), |w| {
        let mut counts = vec![0usize; BUCKETS];
        if let &[from, to] = w {
            for &s in scores.get(from..to).unwrap_or_default() {
                if let Some(c) = counts.get_mut(bucket(s)) {
                    *c += 1;
                }
            }
        }
        counts
    });
    // `starts[b]`: how many rows fall in the buckets before `b`.
    let mut starts = vec![0usize; BUCKETS + 1];
    for counts in counted {
        for (start, count) in starts.iter_mut().skip(1).zip(counts) {
            *start += count;
        }
    }
    for b in 1..starts.len() {
        let previous = starts.get(b - 1).copied().unwrap_or(0);
        if let Some(c) = starts.get_mut(b) {
            *c += previous;
        }
    }
    // Part k takes the buckets from the first one starting at or after its share.
    let bucket_bounds: Vec<usize> = row_bounds
        .iter()
        .map(|&row| starts.partition_point(|&s| s < row).min(BUCKETS))
        .collect();
    let key_bounds: Vec<usize> = bucket_bounds
        .iter()
        .map(|&b| starts.get(b).copied().unwrap_or(rows))
        .collect();
    let mut keys = vec![0u64; rows];
    let id = |key: u64| ids.get(row_of(key));
    let parts: Vec<_> = split(&mut keys, &key_bounds)
        .into_iter()
        .zip(bucket_bounds.windows(2))
        .collect();
    par.run(parts, |(piece, buckets)| {
        let &[first, end] = buckets else {
            return;
        };
        let base = starts.get(first).copied().unwrap_or(0);
        let local: Vec<usize> = starts
            .get(first..=end)
            .unwrap_or_default()
            .iter()
            .map(|&s| s - base)
            .collect();
        let mut next = local.clone();
        for (row, &s) in (0u64..).zip(scores) {
            let b = bucket(s);
            if b >= first
                && b < end
                && let Some(slot) = next.get_mut(b - first)
            {
                if let Some(key) = piece.get_mut(*slot) {
                    *key = (((FULL - s.min(FULL)) & LOW) << 32) | row;
                }
                *slot += 1;
            }
        }
        for window in local.windows(2) {
            if let &[from, to] = window
                && to > from + 1
                && let Some(run) = piece.get_mut(from..to)
            {
                run.sort_unstable();
                for tied in run.chunk_by_mut(|a, b| a >> 32 == b >> 32) {
                    if tied.len() > 1
                        && !tied
                            .windows(2)
                            .all(|w| matches!(w, [a, b] if id(*a) <= id(*b)))
                    {
                        tied.sort_unstable_by(|&a, &b| id(a).cmp(&id(b)).then(a.cmp(&b)));
                    }
                }
            }
        }
    });
    keys
}

/// The row of a [`rank_order`] key.
pub(super) fn row_of(key: u64) -> usize {
    usize::try_from(key & 0xFFFF_FFFF).unwrap_or(usize::MAX)
}
