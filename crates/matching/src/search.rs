//! The solver: a greedy start, improving moves, and an exact branch and bound
//! on every component small enough, with a proven upper bound where the search
//! cannot finish.

use crate::prepare::{Prepared, Req};

/// Components with more requests than this are matched by the greedy start
/// and the improving moves alone, and reported with their gap.
pub const EXACT_REQUESTS: usize = 100;

/// A share of a volunteer's limit: `used / limit`, compared exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Share {
    pub(crate) used: i64,
    pub(crate) limit: i64,
}

impl Share {
    pub(crate) const ZERO: Self = Self { used: 0, limit: 1 };

    fn of(used: i64, limit: i64) -> Self {
        if limit <= 0 {
            Self::ZERO
        } else {
            Self { used, limit }
        }
    }

    pub(crate) fn cmp(self, other: Self) -> core::cmp::Ordering {
        (i128::from(self.used) * i128::from(other.limit))
            .cmp(&(i128::from(other.used) * i128::from(self.limit)))
    }
}

/// What the search optimises after the urgency served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Goal {
    /// The largest share of a limit used, then nothing.
    Share,
    /// The distance walked.
    Distance,
}

/// Why a volunteer cannot take a request now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Block {
    /// Serving the request (by index) that overlaps.
    Overlap(u32),
    /// It would take them past their limit (or the fair-share cap).
    Limit,
}

/// A matching in progress: requests by priority index, volunteers by index.
#[derive(Debug, Clone)]
pub(crate) struct State<'p> {
    pub(crate) p: &'p Prepared,
    /// Each request's candidate index, if served.
    pub(crate) assigned: Vec<Option<u32>>,
    /// Each volunteer's services: (start, end, request), by start.
    pub(crate) busy: Vec<Vec<(i64, i64, u32)>>,
    /// Seconds each volunteer serves.
    pub(crate) used: Vec<i64>,
    /// A cap on every volunteer's share (the spread-load pass).
    pub(crate) cap: Option<Share>,
    /// Candidates examined by the improving moves so far: they stop at
    /// [`IMPROVE_BUDGET`], so a huge instance cannot run for minutes.
    work: core::cell::Cell<u64>,
}

/// Candidates the improving moves may examine in all (counted, so the answer
/// does not depend on the machine): about a second of work.
pub const IMPROVE_BUDGET: u64 = 40_000_000;

impl<'p> State<'p> {
    pub(crate) fn new(p: &'p Prepared) -> Self {
        Self {
            p,
            assigned: vec![None; p.requests.len()],
            busy: vec![Vec::new(); p.volunteers.len()],
            used: vec![0; p.volunteers.len()],
            cap: None,
            work: core::cell::Cell::new(0),
        }
    }

    fn req(&self, r: u32) -> Option<&'p Req> {
        self.p.requests.get(r as usize)
    }

    /// The volunteer of candidate `c` of request `r`, and the distance.
    fn candidate(&self, r: u32, c: u32) -> Option<(u32, u32)> {
        let cand = self.req(r)?.candidates.get(c as usize)?;
        Some((cand.volunteer, cand.distance))
    }

    /// The most seconds volunteer `v` may serve.
    fn allowance(&self, v: u32) -> i64 {
        let limit = self.p.volunteers.get(v as usize).map_or(0, |v| v.limit);
        match self.cap {
            // ⌊limit · used/cap_limit⌋, exactly.
            Some(cap) if cap.limit > 0 => {
                let allowed = i128::from(limit) * i128::from(cap.used) / i128::from(cap.limit);
                i64::try_from(allowed).unwrap_or(i64::MAX).min(limit)
            }
            _ => limit,
        }
    }

    pub(crate) fn share(&self, v: u32) -> Share {
        let limit = self.p.volunteers.get(v as usize).map_or(0, |v| v.limit);
        Share::of(self.used.get(v as usize).copied().unwrap_or(0), limit)
    }

    /// The request on `v` overlapping `start..end`, if any.
    fn overlapping(&self, v: u32, start: i64, end: i64) -> Option<u32> {
        let busy = self.busy.get(v as usize)?;
        let after = busy.partition_point(|b| b.0 < end);
        let before = busy.get(after.checked_sub(1)?)?;
        (before.1 > start).then_some(before.2)
    }

    /// Why candidate `c` cannot take request `r` now, if it cannot.
    pub(crate) fn blocked(&self, r: u32, c: u32) -> Option<Block> {
        let req = self.req(r)?;
        let (v, _) = self.candidate(r, c)?;
        if let Some(other) = self.overlapping(v, req.start, req.end) {
            return Some(Block::Overlap(other));
        }
        let used = self.used.get(v as usize).copied().unwrap_or(0);
        (used + req.duration() > self.allowance(v)).then_some(Block::Limit)
    }

    pub(crate) fn place(&mut self, r: u32, c: u32) {
        let (Some(req), Some((v, _))) = (self.req(r), self.candidate(r, c)) else {
            return;
        };
        if let Some(busy) = self.busy.get_mut(v as usize) {
            let at = busy.partition_point(|b| b.0 < req.start);
            busy.insert(at, (req.start, req.end, r));
        }
        if let Some(used) = self.used.get_mut(v as usize) {
            *used += req.duration();
        }
        if let Some(a) = self.assigned.get_mut(r as usize) {
            *a = Some(c);
        }
    }

    /// Takes request `r` off its volunteer; returns the candidate it had.
    pub(crate) fn remove(&mut self, r: u32) -> Option<u32> {
        let c = self.assigned.get_mut(r as usize)?.take()?;
        let req = self.req(r)?;
        let (v, _) = self.candidate(r, c)?;
        if let Some(busy) = self.busy.get_mut(v as usize)
            && let Some(at) = busy.iter().position(|b| b.2 == r)
        {
            busy.remove(at);
        }
        if let Some(used) = self.used.get_mut(v as usize) {
            *used -= req.duration();
        }
        Some(c)
    }

    /// The best candidate that can take `r` now, for `goal`, skipping `not`.
    fn best_free(&self, r: u32, goal: Goal, not: Option<u32>) -> Option<u32> {
        let req = self.req(r)?;
        let mut best: Option<(u32, Share, u32)> = None;
        for (c, cand) in req.candidates.iter().enumerate() {
            self.work.set(self.work.get() + 1);
            let c = u32::try_from(c).unwrap_or(u32::MAX);
            if Some(cand.volunteer) == not || self.blocked(r, c).is_some() {
                continue;
            }
            match goal {
                // Candidates come by distance, then id: the first is best.
                Goal::Distance => return Some(c),
                Goal::Share => {
                    let limit = self
                        .p
                        .volunteers
                        .get(cand.volunteer as usize)
                        .map_or(0, |v| v.limit);
                    let used = self.used.get(cand.volunteer as usize).copied().unwrap_or(0);
                    let after = Share::of(used + req.duration(), limit);
                    if best.is_none_or(|(_, s, _)| after.cmp(s).is_lt()) {
                        best = Some((c, after, cand.distance));
                    }
                }
            }
        }
        best.map(|(c, _, _)| c)
    }

    fn urgency(&self, r: u32) -> u64 {
        self.req(r).map_or(0, |q| q.urgency)
    }

    /// Serves `r` by the best free candidate; false if none is free.
    fn insert(&mut self, r: u32, goal: Goal, not: Option<u32>) -> bool {
        match self.best_free(r, goal, not) {
            Some(c) => {
                self.place(r, c);
                true
            }
            None => false,
        }
    }

    /// The best of four greedy starts from an empty matching: requests in
    /// priority order or by urgency per hour, each to its nearest free
    /// volunteer or to the one whose share grows least; the start serving the
    /// most urgency wins (then, for `goal`, the least largest share or the
    /// least distance; then the first tried).
    pub(crate) fn best_start(&mut self, goal: Goal) {
        let n = self.p.requests.len();
        let priority: Vec<u32> = (0..n)
            .map(|r| u32::try_from(r).unwrap_or(u32::MAX))
            .collect();
        let mut density = priority.clone();
        // Most urgency per second first: u₁/d₁ > u₂/d₂ ⇔ u₁·d₂ > u₂·d₁.
        density.sort_by(|&a, &b| {
            let (x, y) = (self.req(a), self.req(b));
            let key = |q: Option<&Req>| q.map_or((0, 1), |q| (q.urgency, q.duration().max(1)));
            let ((ua, da), (ub, db)) = (key(x), key(y));
            (i128::from(ub) * i128::from(da))
                .cmp(&(i128::from(ua) * i128::from(db)))
                .then(a.cmp(&b))
        });
        let all: Vec<u32> = (0..self.p.volunteers.len())
            .map(|v| u32::try_from(v).unwrap_or(u32::MAX))
            .collect();
        let mut best: Option<(u64, Share, u64, State<'_>)> = None;
        for order in [&priority, &density] {
            for choice in [Goal::Distance, Goal::Share] {
                let mut s = self.clone();
                for &r in order {
                    if s.assigned.get(r as usize).is_some_and(Option::is_none) {
                        s.insert(r, choice, None);
                    }
                }
                let (urgency, distance) = s.value();
                let share = s.max_share(&all);
                let better = best.as_ref().is_none_or(|(u, sh, d, _)| {
                    urgency.cmp(u).then_with(|| match goal {
                        Goal::Share => sh.cmp(share),
                        Goal::Distance => d.cmp(&distance),
                    }) == core::cmp::Ordering::Greater
                });
                if better {
                    best = Some((urgency, share, distance, s));
                }
            }
        }
        if let Some((_, _, _, s)) = best {
            self.assigned = s.assigned;
            self.busy = s.busy;
            self.used = s.used;
        }
    }

    /// The urgency served and the distance walked.
    pub(crate) fn value(&self) -> (u64, u64) {
        let (mut urgency, mut distance) = (0, 0);
        for (r, c) in self.assigned.iter().enumerate() {
            let r = u32::try_from(r).unwrap_or(u32::MAX);
            if let Some((_, d)) = c.and_then(|c| self.candidate(r, c)) {
                urgency += self.urgency(r);
                distance += u64::from(d);
            }
        }
        (urgency, distance)
    }

    /// Greedy start: requests in priority order, each to its best free candidate.
    pub(crate) fn greedy(&mut self, goal: Goal) {
        for r in 0..self.p.requests.len() {
            let r = u32::try_from(r).unwrap_or(u32::MAX);
            if self.assigned.get(r as usize).is_some_and(Option::is_none) {
                self.insert(r, goal, None);
            }
        }
    }

    /// Improving moves until none improves (at most `rounds` passes): serve an
    /// unserved request by moving or dropping less urgent ones, and (for the
    /// distance) move a served request to a nearer volunteer.
    pub(crate) fn improve(&mut self, goal: Goal, rounds: u32) {
        self.work.set(0);
        for _ in 0..rounds {
            let mut changed = false;
            for r in 0..self.p.requests.len() {
                let r = u32::try_from(r).unwrap_or(u32::MAX);
                if self.work.get() > IMPROVE_BUDGET {
                    return;
                }
                if self.assigned.get(r as usize).is_some_and(Option::is_none)
                    && (self.insert(r, goal, None) || self.eject_for(r, goal))
                {
                    changed = true;
                }
            }
            if goal == Goal::Distance {
                for r in 0..self.p.requests.len() {
                    let r = u32::try_from(r).unwrap_or(u32::MAX);
                    let Some(c) = self.assigned.get(r as usize).copied().flatten() else {
                        continue;
                    };
                    let Some((_, d)) = self.candidate(r, c) else {
                        continue;
                    };
                    self.remove(r);
                    match self.best_free(r, Goal::Distance, None) {
                        Some(n) if self.candidate(r, n).is_some_and(|(_, e)| e < d) => {
                            self.place(r, n);
                            changed = true;
                        }
                        _ => self.place(r, c),
                    }
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// Serves `r` by taking its place from the requests in the way on one
    /// candidate, moving them elsewhere where they fit; kept only if the
    /// urgency served grows.
    fn eject_for(&mut self, r: u32, goal: Goal) -> bool {
        let Some(req) = self.req(r) else {
            return false;
        };
        for c in 0..req.candidates.len() {
            let c = u32::try_from(c).unwrap_or(u32::MAX);
            let Some((v, _)) = self.candidate(r, c) else {
                continue;
            };
            let busy = self.busy.get(v as usize).map_or(&[][..], Vec::as_slice);
            self.work.set(self.work.get() + 1 + busy.len() as u64);
            let mut evict: Vec<u32> = busy
                .iter()
                .filter(|b| b.0 < req.end && b.1 > req.start)
                .map(|b| b.2)
                .collect();
            let freed: i64 = evict
                .iter()
                .filter_map(|&e| self.req(e))
                .map(Req::duration)
                .sum();
            let used = self.used.get(v as usize).copied().unwrap_or(0);
            let short = used - freed + req.duration() - self.allowance(v);
            if short > 0 {
                // One more, the least urgent that frees enough.
                let extra = busy
                    .iter()
                    .filter(|b| !evict.contains(&b.2))
                    .filter_map(|b| Some((b.2, self.req(b.2)?)))
                    .filter(|(_, q)| q.duration() >= short)
                    .min_by_key(|(e, q)| (q.urgency, core::cmp::Reverse(*e)));
                match extra {
                    Some((e, _)) => evict.push(e),
                    None => continue,
                }
            }
            let old: Vec<(u32, u32)> = evict
                .iter()
                .filter_map(|&e| Some((e, self.remove(e)?)))
                .collect();
            if self.blocked(r, c).is_some() {
                for &(e, oc) in &old {
                    self.place(e, oc);
                }
                continue;
            }
            self.place(r, c);
            let mut dropped = 0;
            let mut moved = Vec::new();
            for &(e, _) in &old {
                if self.insert(e, goal, Some(v)) {
                    moved.push(e);
                } else {
                    dropped += self.urgency(e);
                }
            }
            if req.urgency > dropped {
                return true;
            }
            for e in moved {
                self.remove(e);
            }
            self.remove(r);
            for &(e, oc) in &old {
                self.place(e, oc);
            }
        }
        false
    }

    /// The largest share used over volunteers `vs`.
    pub(crate) fn max_share(&self, vs: &[u32]) -> Share {
        vs.iter()
            .map(|&v| self.share(v))
            .max_by(|a, b| a.cmp(*b))
            .unwrap_or(Share::ZERO)
    }
}

/// A component: requests (priority order) and the volunteers they could use.
#[derive(Debug, Default)]
pub(crate) struct Component {
    pub(crate) requests: Vec<u32>,
    pub(crate) volunteers: Vec<u32>,
}

/// The root of `x` in a union–find forest, halving the path.
fn find(parent: &mut [usize], mut x: usize) -> usize {
    while let Some(&up) = parent.get(x) {
        if up == x {
            break;
        }
        let grand = parent.get(up).copied().unwrap_or(up);
        if let Some(slot) = parent.get_mut(x) {
            *slot = grand;
        }
        x = up;
    }
    x
}

/// Requests joined by the volunteers who could serve them.
pub(crate) fn components(p: &Prepared) -> Vec<Component> {
    let n = p.volunteers.len();
    let mut parent: Vec<usize> = (0..n).collect();
    for r in &p.requests {
        let mut vs = r.candidates.iter().map(|c| c.volunteer as usize);
        if let Some(first) = vs.next() {
            for v in vs {
                let (a, b) = (find(&mut parent, first), find(&mut parent, v));
                if a != b
                    && let Some(slot) = parent.get_mut(a.max(b))
                {
                    *slot = a.min(b);
                }
            }
        }
    }
    let mut index = vec![usize::MAX; n];
    let mut out: Vec<Component> = Vec::new();
    for v in 0..n {
        let root = find(&mut parent, v);
        let slot = index.get(root).copied().unwrap_or(usize::MAX);
        let k = if slot == usize::MAX {
            out.push(Component::default());
            if let Some(i) = index.get_mut(root) {
                *i = out.len() - 1;
            }
            out.len() - 1
        } else {
            slot
        };
        if let Some(comp) = out.get_mut(k) {
            comp.volunteers.push(u32::try_from(v).unwrap_or(u32::MAX));
        }
    }
    for (r, req) in p.requests.iter().enumerate() {
        if let Some(c) = req.candidates.first() {
            let root = find(&mut parent, c.volunteer as usize);
            if let Some(comp) = index.get(root).and_then(|&k| out.get_mut(k)) {
                comp.requests.push(u32::try_from(r).unwrap_or(u32::MAX));
            }
        }
    }
    out.retain(|c| !c.requests.is_empty());
    out
}

/// A counted budget of search nodes: the same input stops at the same node
/// on every machine.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Nodes {
    /// Nodes visited.
    pub(crate) visited: u64,
    limit: u64,
    /// The budget ran out: the search did not finish.
    pub(crate) stopped: bool,
}

impl Nodes {
    pub(crate) fn new(limit: u64) -> Self {
        Self {
            visited: 0,
            limit,
            stopped: false,
        }
    }

    /// Counts a node; false once the budget is spent, and ever after.
    pub(crate) fn visit(&mut self) -> bool {
        if self.stopped {
            return false;
        }
        self.visited += 1;
        self.stopped = self.visited > self.limit;
        !self.stopped
    }
}

/// What a component's search found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// The search finished: the component's matching is optimal (and the first
    /// optimal one in the search's order).
    pub(crate) proven: bool,
    pub(crate) nodes: u64,
}

/// The value of a component's matching.
#[derive(Debug, Clone, Copy)]
struct Value {
    urgency: u64,
    share: Share,
    distance: u64,
}

struct Search<'s, 'p> {
    state: &'s mut State<'p>,
    comp: &'s Component,
    goal: Goal,
    best: Value,
    best_assignment: Vec<Option<u32>>,
    /// The incumbent came from the search (so an equal value cannot replace it).
    incumbent_searched: bool,
    nodes: Nodes,
    urgency: u64,
    distance: u64,
    share: Share,
}

/// Branch and bound over the component's requests in priority order, each
/// tried with its candidates in order and then unserved, starting from the
/// state's matching of the component. On return the state holds the best
/// matching found.
pub(crate) fn exact(state: &mut State<'_>, comp: &Component, goal: Goal, limit: u64) -> Outcome {
    let start: Vec<Option<u32>> = comp
        .requests
        .iter()
        .map(|&r| state.assigned.get(r as usize).copied().flatten())
        .collect();
    let mut best = Value {
        urgency: 0,
        share: state.max_share(&comp.volunteers),
        distance: 0,
    };
    for (&r, c) in comp.requests.iter().zip(&start) {
        if let Some(c) = *c {
            best.urgency += state.urgency(r);
            best.distance += u64::from(state.candidate(r, c).map_or(0, |x| x.1));
        }
    }
    for &r in &comp.requests {
        state.remove(r);
    }
    let mut search = Search {
        state,
        comp,
        goal,
        best,
        best_assignment: start,
        incumbent_searched: false,
        nodes: Nodes::new(limit),
        urgency: 0,
        distance: 0,
        share: Share::ZERO,
    };
    search.dfs(0);
    let (proven, nodes) = (!search.nodes.stopped, search.nodes.visited);
    let assignment = core::mem::take(&mut search.best_assignment);
    for (&r, c) in comp.requests.iter().zip(&assignment) {
        if let Some(c) = *c {
            state.place(r, c);
        }
    }
    Outcome { proven, nodes }
}

impl Search<'_, '_> {
    /// Whether `value` beats the incumbent (an equal one replaces an
    /// incumbent that the search did not find).
    fn beats(&self, urgency: u64, share: Share, distance: u64) -> bool {
        let ord = urgency
            .cmp(&self.best.urgency)
            .then_with(|| match self.goal {
                Goal::Share => self.best.share.cmp(share),
                Goal::Distance => self.best.distance.cmp(&distance),
            });
        ord.is_gt() || (ord.is_eq() && !self.incumbent_searched)
    }

    fn dfs(&mut self, k: usize) {
        if !self.nodes.visit() {
            return;
        }
        // Bound: every remaining request that some volunteer can still take is
        // served, at its nearest such volunteer.
        let (mut reachable, mut nearest) = (0_u64, 0_u64);
        for &r in self.comp.requests.get(k..).unwrap_or(&[]) {
            let Some(req) = self.state.req(r) else {
                continue;
            };
            for (c, cand) in req.candidates.iter().enumerate() {
                let c = u32::try_from(c).unwrap_or(u32::MAX);
                if self.state.blocked(r, c).is_none() {
                    reachable += req.urgency;
                    nearest += u64::from(cand.distance);
                    break;
                }
            }
        }
        let bound = Value {
            urgency: self.urgency + reachable,
            share: self.share,
            distance: self.distance + nearest,
        };
        // No completion beats the bound (one serving fewer is worse still).
        if !self.beats(bound.urgency, bound.share, bound.distance) {
            return;
        }
        let Some(&r) = self.comp.requests.get(k) else {
            if self.beats(self.urgency, self.share, self.distance) {
                self.best = Value {
                    urgency: self.urgency,
                    share: self.share,
                    distance: self.distance,
                };
                self.best_assignment = self
                    .comp
                    .requests
                    .iter()
                    .map(|&r| self.state.assigned.get(r as usize).copied().flatten())
                    .collect();
                self.incumbent_searched = true;
            }
            return;
        };
        let Some(req) = self.state.req(r) else {
            return;
        };
        for (c, cand) in req.candidates.iter().enumerate() {
            let c = u32::try_from(c).unwrap_or(u32::MAX);
            if self.state.blocked(r, c).is_some() {
                continue;
            }
            let saved = self.share;
            self.state.place(r, c);
            let after = self.state.share(cand.volunteer);
            if after.cmp(self.share).is_gt() {
                self.share = after;
            }
            self.urgency += req.urgency;
            self.distance += u64::from(cand.distance);
            self.dfs(k + 1);
            self.urgency -= req.urgency;
            self.distance -= u64::from(cand.distance);
            self.share = saved;
            self.state.remove(r);
            if self.nodes.stopped {
                return;
            }
        }
        self.dfs(k + 1);
    }
}

/// An upper bound on the urgency a component can serve: every request with a
/// candidate, and no more than fills the volunteers' hours taking the most
/// urgent per hour first (a fractional knapsack over their summed limits).
pub(crate) fn urgency_bound(p: &Prepared, comp: &Component) -> u64 {
    pooled_knapsack(p, comp).0
}

/// The pooled fractional knapsack of [`urgency_bound`]: its bound (never above
/// the urgency of every request with a candidate), and the urgency per second
/// of the item at which it fills (`(0, 1)` when everything fits).
fn pooled_knapsack(p: &Prepared, comp: &Component) -> (u64, (i128, i128)) {
    let reachable: u64 = comp
        .requests
        .iter()
        .filter_map(|&r| p.requests.get(r as usize))
        .map(|r| r.urgency)
        .sum();
    let capacity: i128 = comp
        .volunteers
        .iter()
        .filter_map(|&v| p.volunteers.get(v as usize))
        .map(|v| i128::from(v.limit))
        .sum();
    let mut items: Vec<(i128, i128)> = comp
        .requests
        .iter()
        .filter_map(|&r| p.requests.get(r as usize))
        .map(|r| (i128::from(r.urgency), i128::from(r.duration())))
        .collect();
    // Most urgency per second first: u₁/d₁ > u₂/d₂ ⇔ u₁·d₂ > u₂·d₁.
    items.sort_by(|a, b| (b.0 * a.1).cmp(&(a.0 * b.1)));
    let (mut left, mut knapsack) = (capacity, 0_i128);
    for (u, d) in items {
        if d <= left {
            left -= d;
            knapsack += u;
        } else {
            // The fraction of the next item, rounded up.
            let part = (u * left + d - 1) / d.max(1);
            let bound = u64::try_from(knapsack + part).unwrap_or(u64::MAX);
            return (reachable.min(bound), (u, d.max(1)));
        }
    }
    (
        reachable.min(u64::try_from(knapsack).unwrap_or(u64::MAX)),
        (0, 1),
    )
}

/// Work the Lagrangian bound may do in all (offers sorted, weighted 8, plus
/// grid cells), counted: about half a second.
const BOUND_WORK: u64 = 150_000_000;

/// Prices are kept in 1/64ths of a unit of urgency.
const PRICE_SCALE: i128 = 64;

/// A Lagrangian upper bound on the urgency a component can serve, tighter
/// than [`urgency_bound`]: relax "a request is served at most once" with a
/// price `λ_r` between 0 and its urgency, and let every volunteer take the
/// best fractional knapsack of their candidates at `u_r − λ_r` within their
/// limit and within every time block: the services inside a block of time
/// cannot together be longer than it (a volunteer serves one at a time). The
/// blocks are each window and its halves, quarters, … (six levels), nested,
/// so the greedy by value per second solves the relaxation exactly. `Σλ + Σ knapsacks` bounds every
/// matching for every price; subgradient steps (Polyak's, towards `served`)
/// search for low prices, and each bound is evaluated exactly in integers and
/// rounded up. Deterministic: a fixed number of `iterations`.
pub(crate) fn lagrangian_bound(
    p: &Prepared,
    comp: &Component,
    served: u64,
    iterations: u32,
) -> u64 {
    // Each volunteer's candidate requests: (component-local request, duration).
    let mut local = vec![u32::MAX; p.volunteers.len()];
    for (i, &v) in comp.volunteers.iter().enumerate() {
        if let Some(slot) = local.get_mut(v as usize) {
            *slot = u32::try_from(i).unwrap_or(u32::MAX);
        }
    }
    // Each volunteer's candidate requests: (component-local request, duration,
    // the time blocks holding it), and the blocks' lengths.
    let mut offers: Vec<Vec<(usize, i128, Vec<u32>)>> = vec![Vec::new(); comp.volunteers.len()];
    let mut blocks: Vec<Blocks> = vec![Blocks::default(); comp.volunteers.len()];
    let mut urgency: Vec<i128> = Vec::with_capacity(comp.requests.len());
    for (i, &r) in comp.requests.iter().enumerate() {
        let Some(req) = p.requests.get(r as usize) else {
            urgency.push(0);
            continue;
        };
        urgency.push(i128::from(req.urgency) * PRICE_SCALE);
        for c in &req.candidates {
            let v = local.get(c.volunteer as usize).copied().unwrap_or(u32::MAX);
            let window = p
                .volunteers
                .get(c.volunteer as usize)
                .and_then(|vol| vol.windows.get(c.window as usize));
            if let (Some(list), Some(b), Some(w)) = (
                offers.get_mut(v as usize),
                blocks.get_mut(v as usize),
                window,
            ) {
                let path = b.path(c.window, w.start, w.end, req.start, req.end);
                list.push((i, i128::from(req.duration()), path));
            }
        }
    }
    let limits: Vec<i128> = comp
        .volunteers
        .iter()
        .map(|&v| i128::from(p.volunteers.get(v as usize).map_or(0, |v| v.limit)))
        .collect();
    // Start from the pooled knapsack's prices (a request's urgency above what
    // its hours are worth at the knapsack's critical ratio ρ = u/d), where the
    // bound is already no worse than `urgency_bound`'s.
    let (_, (ru, rd)) = pooled_knapsack(p, comp);
    let mut price: Vec<i128> = comp
        .requests
        .iter()
        .zip(&urgency)
        .map(|(&r, &u)| {
            let d = i128::from(p.requests.get(r as usize).map_or(0, Req::duration));
            let worth = (ru * d * PRICE_SCALE + rd - 1) / rd.max(1);
            (u - worth).clamp(0, u)
        })
        .collect();
    let mut taken = vec![0.0_f64; urgency.len()];
    let mut best = u64::MAX;
    let mut theta = 1.0_f64;
    let mut stale = 0;
    let mut items: Vec<(i128, i128, usize)> = Vec::new();
    let mut table: Vec<i128> = Vec::new();
    let (grid, iterations) = bound_plan(&offers, &limits, iterations);
    for _ in 0..iterations {
        let mut total: i128 = price.iter().sum();
        taken.fill(0.0);
        for ((list, &limit), b) in offers.iter().zip(&limits).zip(&blocks) {
            items.clear();
            items.extend(list.iter().enumerate().filter_map(|(k, &(i, d, _))| {
                let value = urgency.get(i)? - price.get(i)?;
                (value > 0 && d > 0).then_some((value, d, k))
            }));
            total += volunteer_bound(list, limit, b, &mut items, &mut table, &mut taken, grid);
        }
        let bound = u64::try_from((total + PRICE_SCALE - 1) / PRICE_SCALE).unwrap_or(u64::MAX);
        if bound < best {
            best = bound;
            stale = 0;
        } else {
            stale += 1;
            if stale >= 3 {
                theta /= 2.0;
                stale = 0;
            }
        }
        if best <= served {
            break;
        }
        // The subgradient: 1 − how much of each request the knapsacks took.
        let norm: f64 = taken.iter().map(|t| (1.0 - t) * (1.0 - t)).sum();
        if norm <= 0.0 {
            break;
        }
        #[allow(clippy::cast_precision_loss, reason = "a step length only")]
        let gap = (bound.saturating_sub(served)) as f64 * PRICE_SCALE as f64;
        let step = theta * gap / norm;
        for ((p, t), &u) in price.iter_mut().zip(&taken).zip(&urgency) {
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_precision_loss,
                reason = "prices are any numbers in range; the bound is exact for each"
            )]
            let next = (*p as f64 - step * (1.0 - t)).round() as i128;
            *p = next.clamp(0, u);
        }
    }
    best
}

/// Nested time blocks of one volunteer's windows: each window and its halves
/// down to [`BLOCK_LEVELS`] levels, each with its length.
#[derive(Debug, Clone, Default)]
struct Blocks {
    /// (window, level, position) → block.
    index: std::collections::HashMap<(u32, u8, u64), u32>,
    lengths: Vec<i128>,
}

/// Levels of halving below a window.
const BLOCK_LEVELS: u8 = 6;

impl Blocks {
    /// The blocks holding `start..end` whole, from the window down.
    fn path(&mut self, window: u32, ws: i64, we: i64, start: i64, end: i64) -> Vec<u32> {
        let mut path = Vec::new();
        let (mut lo, mut hi, mut position) = (i128::from(ws), i128::from(we), 0_u64);
        let (start, end) = (i128::from(start), i128::from(end));
        for level in 0..=BLOCK_LEVELS {
            let next = u32::try_from(self.lengths.len()).unwrap_or(u32::MAX);
            let id = *self.index.entry((window, level, position)).or_insert(next);
            if id == next {
                self.lengths.push(hi - lo);
            }
            path.push(id);
            let mid = lo + (hi - lo) / 2;
            if end <= mid {
                hi = mid;
                position *= 2;
            } else if start >= mid {
                lo = mid;
                position = position * 2 + 1;
            } else {
                break;
            }
        }
        path
    }
}

/// Cells of the grid knapsack's capacity: the grid is the limit over this
/// (at least five minutes).
const GRID_CELLS: i128 = 192;

/// The most cells of one grid knapsack's table (16 MB).
const GRID_TABLE: usize = 1 << 20;

/// The best value of a 0/1 knapsack of `items` (value, seconds, offer) within
/// `limit` seconds, with durations rounded down and the limit up to a grid of
/// at least five minutes — never below the true best — and the offers taken.
fn grid_knapsack(
    items: &[(i128, i128, usize)],
    limit: i128,
    table: &mut Vec<i128>,
) -> (i128, Vec<usize>) {
    let grid = (limit / GRID_CELLS).max(300);
    let cells = usize::try_from((limit + grid - 1) / grid).unwrap_or(0);
    let n = items.len();
    if n.saturating_mul(cells + 1) > GRID_TABLE {
        // Too many offers for the table: the fractional bound alone.
        return (i128::MAX, Vec::new());
    }
    // best[j][c]: the best value of the first j items within c cells.
    table.clear();
    table.resize((n + 1) * (cells + 1), 0);
    for (j, &(value, d, _)) in items.iter().enumerate() {
        let w = usize::try_from(d / grid).unwrap_or(usize::MAX);
        for c in 0..=cells {
            let skip = table.get(j * (cells + 1) + c).copied().unwrap_or(0);
            let take = c
                .checked_sub(w)
                .and_then(|rest| table.get(j * (cells + 1) + rest))
                .map_or(i128::MIN, |b| b + value);
            if let Some(slot) = table.get_mut((j + 1) * (cells + 1) + c) {
                *slot = skip.max(take);
            }
        }
    }
    let best = table.get(n * (cells + 1) + cells).copied().unwrap_or(0);
    let mut chosen = Vec::new();
    let mut c = cells;
    for j in (0..n).rev() {
        let here = table.get((j + 1) * (cells + 1) + c).copied().unwrap_or(0);
        let before = table.get(j * (cells + 1) + c).copied().unwrap_or(0);
        if here != before
            && let Some(&(_, d, k)) = items.get(j)
        {
            chosen.push(k);
            c = c.saturating_sub(usize::try_from(d / grid).unwrap_or(usize::MAX));
        }
    }
    (best, chosen)
}

/// Whether the Lagrangian bound can afford its grid knapsacks, and how many
/// steps it takes within [`BOUND_WORK`].
fn bound_plan(
    offers: &[Vec<(usize, i128, Vec<u32>)>],
    limits: &[i128],
    iterations: u32,
) -> (bool, u32) {
    // A budget of work, counted: each step costs the offers sorted plus the
    // grid knapsacks' cells; the knapsacks go first when they alone would
    // leave fewer than three steps, then steps are fewer.
    let pairs: u64 = offers.iter().map(|o| o.len() as u64).sum();
    let cells: u64 = offers
        .iter()
        .zip(limits)
        .map(|(o, &limit)| {
            let grid = (limit / GRID_CELLS).max(300);
            let c = u64::try_from((limit + grid - 1) / grid).unwrap_or(0) + 1;
            (o.len() as u64).saturating_mul(c)
        })
        .sum();
    let grid = pairs.saturating_add(cells).saturating_mul(3) <= BOUND_WORK;
    let per_step = pairs.saturating_mul(8) + if grid { cells } else { 0 };
    let steps = u32::try_from(BOUND_WORK / per_step.max(1))
        .unwrap_or(u32::MAX)
        .clamp(3, iterations.max(3));
    (grid, steps)
}

/// Offers of one volunteer: (component-local request, seconds, time blocks).
type Offers = [(usize, i128, Vec<u32>)];

/// One volunteer's part of the Lagrangian bound at the current prices: the
/// smaller of two relaxations of their best choice among `items` (value,
/// seconds, offer), adding what each request takes to `taken`.
fn volunteer_bound(
    list: &Offers,
    limit: i128,
    b: &Blocks,
    items: &mut [(i128, i128, usize)],
    table: &mut Vec<i128>,
    taken: &mut [f64],
    grid: bool,
) -> i128 {
    // Most value per second first.
    items.sort_unstable_by(|a, b| (b.0 * a.1).cmp(&(a.0 * b.1)).then(a.2.cmp(&b.2)));
    // The exact 0/1 knapsack on a coarse grid (durations rounded
    // down, the limit up: a relaxation still) is often tighter than
    // the fractional one with blocks; each bounds this volunteer.
    let (whole, chosen) = if grid {
        grid_knapsack(items, limit, table)
    } else {
        (i128::MAX, Vec::new())
    };
    let mut room = b.lengths.clone();
    let mut left = limit;
    let mut fractional: i128 = 0;
    let mut parts: Vec<(usize, f64)> = Vec::new();
    for &(value, d, k) in items.iter() {
        if left <= 0 {
            break;
        }
        let Some((i, _, path)) = list.get(k) else {
            continue;
        };
        let fits = path
            .iter()
            .filter_map(|&n| room.get(n as usize))
            .fold(left.min(d), |a, &r| a.min(r));
        if fits <= 0 {
            continue;
        }
        left -= fits;
        for &n in path {
            if let Some(r) = room.get_mut(n as usize) {
                *r -= fits;
            }
        }
        if fits == d {
            fractional += value;
            parts.push((*i, 1.0));
        } else {
            fractional += (value * fits + d - 1) / d;
            #[allow(clippy::cast_precision_loss, reason = "a step direction only")]
            let part = fits as f64 / d as f64;
            parts.push((*i, part));
        }
    }
    if whole < fractional {
        for k in chosen {
            if let Some(t) = list.get(k).and_then(|o| taken.get_mut(o.0)) {
                *t += 1.0;
            }
        }
        whole
    } else {
        for (i, part) in parts {
            if let Some(t) = taken.get_mut(i) {
                *t += part;
            }
        }
        fractional
    }
}
