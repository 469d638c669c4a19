//! The tree of choice sequences the runs share: each path's classes, and each
//! project's supporters per class (`Hist`), counted once per prefix or derived
//! from the round before.

#![allow(
    clippy::float_cmp,
    reason = "bounds are exact floats: equal means the same number, e.g. an exact cost"
)]

use core::cmp::Ordering;

use std::collections::HashMap;

use super::super::Utility;
use super::run::{CLASS_BYTES, ENTRY_BYTES, Entry, Fast, Hist};

impl<'p> Fast<'p, '_> {
    pub(super) fn support(&self, c: u32) -> &'p [u32] {
        self.profile.support(c as usize)
    }

    /// The class of group `g` before round `k` of the current path.
    pub(super) fn class_of(&self, g: u32, k: u32) -> u32 {
        if k as usize + 1 == self.s.path.len() {
            return self.s.current.get(g as usize).copied().unwrap_or(0);
        }
        self.s
            .moves
            .get(g as usize)
            .and_then(|m| m.iter().rev().find(|&&(r, _)| r < k))
            .map_or(0, |&(_, class)| class)
    }

    /// The index in `hists` of project `c`'s supporters before round `k` of the
    /// current path, counted now if never before.
    pub(super) fn hist(&mut self, k: u32, c: u32) -> usize {
        let prefix = self.s.path.get(k as usize).copied().unwrap_or(0) as usize;
        let projects = self.cost.len();
        if let Some(at) = self.s.hist_at.get_mut(prefix)
            && at.is_empty()
        {
            at.resize(projects, u32::MAX);
        }
        if let Some(known) = self.known_hist(u32::try_from(prefix).unwrap_or(u32::MAX), c) {
            if let Some(h) = self.s.hists.get_mut(known) {
                h.used = self.generation;
            }
            return known;
        }
        let prefix32 = u32::try_from(prefix).unwrap_or(u32::MAX);
        // At the path's end, a project whose supporters were too spread to
        // merge at an earlier prefix is left uncounted: classes only split
        // along a path (a choice moves its payers to new classes, one per class
        // they came from), so it would not be merged here either, and is
        // priced group by group in the order of its support list, as counted.
        if k as usize + 1 == self.s.path.len() && self.spread_before(k, c) {
            let stub = Hist {
                project: c,
                stub: true,
                round: k,
                prefix: prefix32,
                used: self.generation,
                ..Hist::default()
            };
            self.live += self.held_bytes(&stub);
            return self.add_hist(stub);
        }
        // One round earlier, if counted then: only the payers of that round's
        // choice who also support `c` have moved.
        let parent = k
            .checked_sub(1)
            .and_then(|j| Some((j, *self.s.path.get(j as usize)?)))
            .and_then(|(j, p)| Some((j, self.known_hist(p, c)?)))
            .filter(|&(_, h)| self.s.hists.get(h).is_some_and(|x| !x.stub));
        let classes = match parent {
            Some((j, h)) => self.derive_support(j, c, h),
            None => self.count_support(k, c),
        };
        self.live += classes.len() * CLASS_BYTES;
        let index = self.add_hist(Hist {
            project: c,
            classes,
            entries: Vec::new(),
            compact: false,
            rho: None,
            seen: Vec::new(),
            used: self.generation,
            stub: false,
            round: k,
            prefix: prefix32,
        });
        // Merged where groups share classes (a quarter or more fewer entries):
        // pricing then reads fewer budgets.
        let groups = self.s.hists.get(index).map_or(0, |h| h.classes.len());
        if self.utility == Utility::Points {
            if self.distinct(index) * 4 <= groups * 3 {
                self.merge(index);
                if let Some(hist) = self.s.hists.get_mut(index) {
                    hist.compact = true;
                }
            }
        } else if let Some(entries) = self.merged(index, groups * 3 / 4) {
            self.live += entries.len() * ENTRY_BYTES;
            if let Some(hist) = self.s.hists.get_mut(index) {
                hist.entries = entries;
                hist.compact = true;
            }
        }
        index
    }

    /// Keeps `hist` as its project's supporters at its prefix; its index.
    fn add_hist(&mut self, hist: Hist) -> usize {
        let index = self.s.hists.len();
        if let Some(slot) = self
            .s
            .hist_at
            .get_mut(hist.prefix as usize)
            .and_then(|at| at.get_mut(hist.project as usize))
        {
            *slot = u32::try_from(index).unwrap_or(u32::MAX);
        }
        self.s.hists.push(hist);
        index
    }

    /// The bytes `hist` counts for in [`Fast::live`]: a stub as if counted.
    fn held_bytes(&self, hist: &Hist) -> usize {
        let groups = if hist.stub {
            self.support(hist.project).len()
        } else {
            hist.classes.len()
        };
        groups * CLASS_BYTES + hist.entries.len() * ENTRY_BYTES
    }

    /// Whether `c`'s supporters, at the latest earlier prefix of the path
    /// they were counted at, were too spread to merge.
    fn spread_before(&self, k: u32, c: u32) -> bool {
        (0..k)
            .rev()
            .find_map(|j| self.known_hist(*self.s.path.get(j as usize)?, c))
            .and_then(|h| self.s.hists.get(h))
            .is_some_and(|x| !x.compact)
    }

    /// Whether `hist`'s prefix is on the current path.
    fn on_path(&self, hist: &Hist) -> bool {
        self.s.path.get(hist.round as usize) == Some(&hist.prefix)
    }

    /// Whether `hist` was made at the end of the current path.
    fn at_end(&self, hist: &Hist) -> bool {
        hist.round as usize + 1 == self.s.path.len() && self.on_path(hist)
    }

    /// Whether `hists[h]` is counted, counting it first if it is a stub whose
    /// prefix is on the current path (`false`: a stub off the path).
    pub(super) fn count_stub(&mut self, h: usize) -> bool {
        let Some(hist) = self.s.hists.get(h) else {
            return false;
        };
        if !hist.stub {
            return true;
        }
        if !self.on_path(hist) {
            return false;
        }
        let (round, c) = (hist.round, hist.project);
        let classes = self.count_support(round, c);
        if let Some(hist) = self.s.hists.get_mut(h) {
            hist.classes = classes;
            hist.stub = false;
        }
        true
    }

    /// Whether `hists[h]` is a stub at the path's end, priced there as it is;
    /// anywhere else it is counted first (`None`: a stub off the path).
    pub(super) fn stub_at_end(&mut self, h: usize) -> Option<bool> {
        let hist = self.s.hists.get(h)?;
        if hist.stub && self.at_end(hist) {
            return Some(true);
        }
        self.count_stub(h).then_some(false)
    }

    /// [`Fast::known_hist`], counted (`None` also for a stub that cannot be
    /// counted now).
    pub(super) fn counted_hist(&mut self, prefix: u32, c: u32) -> Option<usize> {
        let h = self.known_hist(prefix, c)?;
        self.count_stub(h).then_some(h)
    }

    /// The class of each of `c`'s supporters before round `k`, in the order of
    /// its support list.
    pub(super) fn count_support(&self, k: u32, c: u32) -> Vec<u32> {
        self.support(c)
            .iter()
            .map(|&g| self.class_of(g, k))
            .collect()
    }

    /// How many classes `hists[h]` spans (a bit per class, cleared after).
    fn distinct(&mut self, h: usize) -> usize {
        let Some(hist) = self.s.hists.get(h) else {
            return 0;
        };
        let (distinct, _, _) = mark(&mut self.s.marks, &hist.classes);
        unmark(&mut self.s.marks, &hist.classes);
        distinct
    }

    /// Fills in `hists[h].entries`, its supporters merged by (class, utility)
    /// in that order, if not yet: the canonical order, which numbers the
    /// classes a choice creates (see [`Fast::collect`]).
    pub(super) fn merge(&mut self, h: usize) {
        let Some(hist) = self.s.hists.get(h) else {
            return;
        };
        if !hist.entries.is_empty() || hist.classes.is_empty() {
            return;
        }
        let weights = self
            .weights
            .get(hist.project as usize)
            .map_or(&[][..], Vec::as_slice);
        let mut entries = Vec::new();
        if self.utility == Utility::Points {
            let mut raw: Vec<(u32, f64, f64)> = hist
                .classes
                .iter()
                .zip(weights)
                .map(|(&class, w)| (class, w.u, w.n))
                .collect();
            raw.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
            for run in raw.chunk_by(|a, b| a.0 == b.0 && a.1 == b.1) {
                if let Some(&(class, u, _)) = run.first() {
                    entries.push(Entry {
                        class,
                        u,
                        n: run.iter().map(|x| x.2).sum(),
                    });
                }
            }
        } else if let Some(merged) = self.merged(h, usize::MAX) {
            entries = merged;
        }
        self.live += entries.len() * ENTRY_BYTES;
        if let Some(hist) = self.s.hists.get_mut(h) {
            hist.entries = entries;
        }
    }

    /// `hists[h]`'s supporters merged by class (every utility 1), in class
    /// order, if they span at most `most` classes. Classes are counted first
    /// with a bit per class (a small table); only then summed, in a table of
    /// a number per class (all clear after).
    fn merged(&mut self, h: usize, most: usize) -> Option<Vec<Entry>> {
        let hist = self.s.hists.get(h)?;
        let weights = self
            .weights
            .get(hist.project as usize)
            .map_or(&[][..], Vec::as_slice);
        let mut marks = core::mem::take(&mut self.s.marks);
        let (distinct, low, high) = mark(&mut marks, &hist.classes);
        if distinct > most {
            unmark(&mut marks, &hist.classes);
            self.s.marks = marks;
            return None;
        }
        let mut dense = core::mem::take(&mut self.s.dense);
        for (&class, w) in hist.classes.iter().zip(weights) {
            let class = class as usize;
            if dense.len() <= class {
                dense.resize(class + 1, 0.0);
            }
            if let Some(slot) = dense.get_mut(class) {
                *slot += w.n;
            }
        }
        // Read off the marks in class order: a word per 64 classes where
        // sorting cost a comparison per step.
        let mut entries = Vec::with_capacity(distinct);
        for (w, word) in (low..).zip(marks.get_mut(low..=high).unwrap_or_default()) {
            let mut bits = core::mem::take(word);
            while bits != 0 {
                let class = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let n = dense.get_mut(class).map_or(0.0, core::mem::take);
                entries.push(Entry {
                    class: u32::try_from(class).unwrap_or(u32::MAX),
                    u: 1.0,
                    n,
                });
            }
        }
        self.s.marks = marks;
        self.s.dense = dense;
        Some(entries)
    }

    /// Project `c`'s supporters' classes before round `j + 1`, from
    /// `hists[parent]`, their classes before round `j`: those who also supported
    /// round `j`'s choice moved to the classes it created.
    pub(super) fn derive_support(&mut self, j: u32, c: u32, parent: usize) -> Vec<u32> {
        let chosen = self
            .s
            .path
            .get(j as usize + 1)
            .and_then(|&p| self.s.chosen.get(p as usize))
            .copied()
            .unwrap_or(u32::MAX);
        let both = self.both(c, chosen);
        let mut classes = self
            .s
            .hists
            .get(parent)
            .map(|h| h.classes.clone())
            .unwrap_or_default();
        let support = self.support(c);
        for &at in &both {
            if let (Some(class), Some(&g)) =
                (classes.get_mut(at as usize), support.get(at as usize))
            {
                *class = self.class_of(g, j + 1);
            }
        }
        self.s.both.insert((c, chosen), both);
        classes
    }

    /// The voters supporting both `c` and `d`, as their positions in `c`'s
    /// support list (taken out of the cache; the caller puts them back).
    pub(super) fn both(&mut self, c: u32, d: u32) -> Vec<u32> {
        if let Some(both) = self.s.both.remove(&(c, d)) {
            return both;
        }
        let (left, right) = (self.support(c), self.support(d));
        let (mut i, mut j, mut out) = (0, 0, Vec::new());
        while let (Some(&x), Some(&y)) = (left.get(i), right.get(j)) {
            match x.cmp(&y) {
                Ordering::Less => i += 1,
                Ordering::Greater => j += 1,
                Ordering::Equal => {
                    out.push(u32::try_from(i).unwrap_or(u32::MAX));
                    i += 1;
                    j += 1;
                }
            }
        }
        out
    }

    /// Makes round `k` of the current path choose `c`: drops later rounds if the
    /// path chose otherwise, and moves `c`'s supporters to their new classes.
    pub(super) fn follow(&mut self, k: u32, c: u32) {
        let ku = k as usize;
        let at = self.s.path.get(ku + 1).copied();
        if at.is_some_and(|p| self.s.chosen.get(p as usize) == Some(&c)) {
            return;
        }
        self.undo_from(k);
        let prefix = self.s.path.get(ku).copied().unwrap_or(0);
        let counted = self.hist(k, c);
        // The path ends at round `k` now: a stub is counted from `current`.
        self.count_stub(counted);
        self.merge(counted);
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
        let (classes, entries) = self
            .s
            .hists
            .get_mut(counted)
            .map(|x| {
                (
                    core::mem::take(&mut x.classes),
                    core::mem::take(&mut x.entries),
                )
            })
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
        let weights = self.weights.get(c as usize).map_or(&[][..], Vec::as_slice);
        for ((&g, &from), w) in self.support(c).iter().zip(&classes).zip(weights) {
            let to = if points {
                let u = w.u.to_bits();
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
            if let Some(at) = self.s.current.get_mut(g as usize) {
                *at = to;
            }
        }
        self.s.slot = slot;
        if let Some(x) = self.s.hists.get_mut(counted) {
            (x.classes, x.entries) = (classes, entries);
        }
        self.s.path.push(child);
    }

    /// Undoes the rounds of the current path from round `k` on.
    pub(super) fn undo_from(&mut self, k: u32) {
        let ku = k as usize;
        while self.s.path.len() > ku + 1 {
            let round = u32::try_from(self.s.path.len() - 2).unwrap_or(u32::MAX);
            let last = self.s.path.pop().unwrap_or(0);
            let undone = self.s.chosen.get(last as usize).copied().unwrap_or(0);
            for &g in self.support(undone) {
                if let Some(moved) = self.s.moves.get_mut(g as usize)
                    && moved.last().is_some_and(|&(r, _)| r == round)
                {
                    moved.pop();
                    let back = moved.last().map_or(0, |&(_, class)| class);
                    if let Some(at) = self.s.current.get_mut(g as usize) {
                        *at = back;
                    }
                }
            }
        }
    }

    /// Lets go of every histogram the last run did not use, and of the overlap
    /// cache, when they hold more than
    /// [`MAX_LIVE_BYTES`](super::run::MAX_LIVE_BYTES): everything here is
    /// recomputed on demand with the same result (but for the last price
    /// that starts Newton's method: from another start the float bounds may
    /// leave a price undecided, and the search runs that budget exactly). That
    /// holds because a histogram's classes are in the order of its support
    /// list, its merged entries in class order, and the classes a choice
    /// creates are numbered in that order: a recount numbers them as the first
    /// count did, so the runs kept for certificates (which hold budgets by
    /// class number) stay valid. A certificate that finds a histogram gone does not certify, so
    /// the search only runs more.
    pub(super) fn collect(&mut self) {
        let keep_from = self.generation.saturating_sub(1);
        let mut renumber = vec![u32::MAX; self.s.hists.len()];
        let mut kept = Vec::new();
        let mut live = 0;
        for (i, hist) in core::mem::take(&mut self.s.hists).into_iter().enumerate() {
            if hist.used >= keep_from {
                if let Some(slot) = renumber.get_mut(i) {
                    *slot = u32::try_from(kept.len()).unwrap_or(u32::MAX);
                }
                live += self.held_bytes(&hist);
                kept.push(hist);
            }
        }
        self.s.hists = kept;
        self.live = live;
        for at in &mut self.s.hist_at {
            let mut any = false;
            for slot in at.iter_mut() {
                if *slot != u32::MAX {
                    *slot = renumber.get(*slot as usize).copied().unwrap_or(u32::MAX);
                    any |= *slot != u32::MAX;
                }
            }
            if !any {
                *at = Vec::new();
            }
        }
        self.s.both = HashMap::new();
    }
}

/// Sets a bit per class in `marks` (grown as needed): how many were not set
/// yet, and the first and last words touched.
fn mark(marks: &mut Vec<u64>, classes: &[u32]) -> (usize, usize, usize) {
    let (mut distinct, mut low, mut high) = (0, usize::MAX, 0);
    for &class in classes {
        let (w, bit) = (class as usize / 64, 1u64 << (class % 64));
        if marks.len() <= w {
            marks.resize(w + 1, 0);
        }
        if let Some(word) = marks.get_mut(w) {
            distinct += usize::from(*word & bit == 0);
            *word |= bit;
        }
        (low, high) = (low.min(w), high.max(w));
    }
    (distinct, low, high)
}

/// Clears what [`mark`] set for `classes`.
fn unmark(marks: &mut [u64], classes: &[u32]) {
    for &class in classes {
        if let Some(word) = marks.get_mut(class as usize / 64) {
            *word = 0;
        }
    }
}
