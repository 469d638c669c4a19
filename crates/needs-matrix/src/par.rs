//! Row loops split over threads, for large cohorts.
//!
//! Every parallel loop in this crate computes each row on its own or combines
//! per-part results with exact, order-free operations (integer sums, minima and
//! maxima), so a result never depends on how many threads computed it.

use core::num::NonZeroUsize;
use std::sync::OnceLock;
use std::thread;

/// Rows below which a loop stays on the calling thread (a thread costs tens of
/// microseconds; 65 536 rows cost more).
const MIN_ROWS_PER_PART: usize = 1 << 16;
/// Threads beyond this help little: the loops are bound by memory bandwidth.
const MAX_PARTS: usize = 8;

/// How many contiguous parts the rows of a loop are split into, one thread each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Par {
    parts: usize,
}

impl Par {
    /// As many parts as the machine runs threads in parallel (at most 8, and at
    /// most `max_threads` unless it is 0), fewer for small cohorts: one below
    /// 131 072 rows.
    pub(crate) fn for_rows(rows: usize, max_threads: usize) -> Self {
        static CORES: OnceLock<usize> = OnceLock::new();
        let cores = *CORES.get_or_init(|| {
            thread::available_parallelism()
                .map_or(1, NonZeroUsize::get)
                .min(MAX_PARTS)
        });
        let allowed = if max_threads == 0 {
            cores
        } else {
            cores.min(max_threads)
        };
        Self::with_parts(allowed.min(rows / MIN_ROWS_PER_PART))
    }

    /// Whether the rows are split over several threads.
    pub(crate) fn is_split(self) -> bool {
        self.parts > 1
    }

    /// Exactly `parts` parts (at least one): for tests that must exercise the
    /// split on small inputs.
    pub(crate) fn with_parts(parts: usize) -> Self {
        Self {
            parts: parts.max(1),
        }
    }

    /// The boundaries of the parts of `0..rows`: `parts + 1` ascending offsets
    /// from 0 to `rows`, the parts' sizes differing by at most one.
    pub(crate) fn bounds(self, rows: usize) -> Vec<usize> {
        let (size, extra) = (rows / self.parts, rows % self.parts);
        (0..=self.parts).map(|k| size * k + extra.min(k)).collect()
    }

    /// Runs `work` on every input (usually one per part; there may be more):
    /// the first on this thread, the others on scoped threads — or all on this
    /// thread when there is a single part. The results are in input order.
    pub(crate) fn run<I: Send, R: Send>(
        self,
        inputs: Vec<I>,
        work: impl Fn(I) -> R + Sync,
    ) -> Vec<R> {
        if self.parts == 1 || inputs.len() < 2 {
            return inputs.into_iter().map(work).collect();
        }
        let mut inputs = inputs.into_iter();
        let Some(first) = inputs.next() else {
            return Vec::new();
        };
        let work = &work;
        thread::scope(|scope| {
            let handles: Vec<_> = inputs
                .map(|input| scope.spawn(move || work(input)))
                .collect();
            let mut results = Vec::with_capacity(handles.len() + 1);
            results.push(work(first));
            for handle in handles {
                // Nothing in this crate panics; should a worker do so anyway, its
                // panic carries on here rather than being swallowed.
                match handle.join() {
                    Ok(result) => results.push(result),
                    Err(payload) => std::panic::resume_unwind(payload),
                }
            }
            results
        })
    }
}

/// `slice` cut at `bounds` (ascending offsets from 0; the last piece ends at the
/// last offset or at the end of the slice, whichever comes first).
pub(crate) fn split<'a, T>(mut slice: &'a mut [T], bounds: &[usize]) -> Vec<&'a mut [T]> {
    let mut pieces = Vec::with_capacity(bounds.len().saturating_sub(1));
    for window in bounds.windows(2) {
        if let &[from, to] = window {
            let len = to.saturating_sub(from).min(slice.len());
            let (piece, rest) = core::mem::take(&mut slice).split_at_mut(len);
            pieces.push(piece);
            slice = rest;
        }
    }
    pieces
}

/// Several columns cut at the same `bounds`, regrouped by part: the `k`-th entry
/// holds every column's `k`-th piece.
pub(crate) fn split_columns<'a, T>(
    columns: &'a mut [Vec<T>],
    bounds: &[usize],
) -> Vec<Vec<&'a mut [T]>> {
    let mut parts: Vec<Vec<&'a mut [T]>> = (1..bounds.len())
        .map(|_| Vec::with_capacity(columns.len()))
        .collect();
    for column in columns {
        for (part, piece) in parts.iter_mut().zip(split(column, bounds)) {
            part.push(piece);
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_cover_the_rows_in_near_equal_parts() {
        assert_eq!(Par::with_parts(3).bounds(10), [0, 4, 7, 10]);
        assert_eq!(Par::with_parts(4).bounds(2), [0, 1, 2, 2, 2]);
        assert_eq!(Par::with_parts(0).bounds(5), [0, 5]);
        assert_eq!(Par::for_rows(10, 0).bounds(10), [0, 10]);
        assert_eq!(Par::for_rows(1 << 22, 1), Par::with_parts(1));
    }

    #[test]
    fn split_and_run_keep_order() {
        let mut rows: Vec<u32> = (0..10).collect();
        let par = Par::with_parts(3);
        let bounds = par.bounds(rows.len());
        let sums = par.run(split(&mut rows, &bounds), |piece| {
            for v in piece.iter_mut() {
                *v *= 2;
            }
            piece.iter().sum::<u32>()
        });
        assert_eq!(sums, [12, 30, 48]);
        assert_eq!(rows, [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
        let mut columns = vec![vec![1u8; 4], vec![2u8; 4]];
        let parts = split_columns(&mut columns, &[0, 1, 4]);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2]);
        assert_eq!(
            parts.first().and_then(|p| p.get(1)).map(|s| s.len()),
            Some(1)
        );
    }
}
