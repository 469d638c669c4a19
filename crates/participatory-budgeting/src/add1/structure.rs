//! The tree of choice sequences the runs share: each path's classes, and each
//! project's supporters per class (`Hist`), counted once per prefix or derived
//! from the round before.

#![allow(
    clippy::float_cmp,
    reason = "bounds are exact floats: equal means the same number, e.g. an exact cost"
)]

use core::cmp::Ordering;

use super::super::Utility;

use std::collections::HashMap;

use super::run::{Entry, Fast, Hist};

impl<'p> Fast<'p, '_> {
    pub(super) fn support(&self, c: u32) -> &'p [(u32, u64)] {
        self.profile
            .support
            .get(c as usize)
            .map_or(&[][..], Vec::as_slice)
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
        self.live += entries.len();
        self.s.hists.push(Hist {
            entries,
            rho: None,
            seen: Vec::new(),
            used: self.generation,
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

    pub(super) fn count_support(&mut self, k: u32, c: u32) -> Vec<Entry> {
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
        let mut marks = core::mem::take(&mut self.s.marks);
        let (mut low, mut high) = (usize::MAX, 0);
        for &(g, _) in support {
            let class = self.class_of(g, k) as usize;
            if dense.len() <= class {
                dense.resize(class + 1, 0.0);
            }
            if marks.len() <= class / 64 {
                marks.resize(class / 64 + 1, 0);
            }
            if let (Some(slot), Some(word)) = (dense.get_mut(class), marks.get_mut(class / 64)) {
                *slot += self.count.get(g as usize).copied().unwrap_or(0.0);
                *word |= 1 << (class % 64);
            }
            (low, high) = (low.min(class / 64), high.max(class / 64));
        }
        // By class: the canonical order, which numbers the classes a choice
        // creates (see `collect`). Read off the marks in order, which costs a
        // word per 64 classes where sorting cost a comparison per step.
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
        entries
    }

    /// Project `c`'s supporters before round `j + 1`, from `hists[parent]`, its
    /// supporters before round `j` (utility 1): those who also supported round
    /// `j`'s choice moved from their class to its child.
    pub(super) fn derive_support(&mut self, j: u32, c: u32, parent: usize) -> Vec<Entry> {
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
        // Classes a choice creates are numbered after all before it, so the
        // parent's order with them appended is usually sorted already.
        if !entries.is_sorted_by_key(|e| e.class) {
            entries.sort_unstable_by_key(|e| e.class);
        }
        self.s.both.insert((c, chosen), both);
        entries
    }

    /// The groups supporting both `c` and `d` (taken out of the cache; the caller
    /// puts them back).
    pub(super) fn both(&mut self, c: u32, chosen: u32) -> Vec<u32> {
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
    pub(super) fn follow(&mut self, k: u32, c: u32) {
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
                    let back = moved.last().map_or(0, |&(_, class)| class);
                    if let Some(at) = self.s.current.get_mut(g as usize) {
                        *at = back;
                    }
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
            if let Some(at) = self.s.current.get_mut(g as usize) {
                *at = to;
            }
        }
        self.s.slot = slot;
        if let Some(x) = self.s.hists.get_mut(counted) {
            x.entries = entries;
        }
        self.s.path.push(child);
    }

    /// Lets go of every histogram the last run did not use, and of the overlap
    /// cache, when they hold more than [`MAX_LIVE_ENTRIES`](super::run::MAX_LIVE_ENTRIES): everything here is
    /// recomputed on demand with the same result. That holds because a
    /// histogram's entries are in class order, and the classes a choice creates
    /// are numbered in that order: a recount numbers them as the first count did,
    /// so the runs kept for certificates (which hold budgets by class number)
    /// stay valid. A certificate that finds a histogram gone does not certify, so
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
                live += hist.entries.len();
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
