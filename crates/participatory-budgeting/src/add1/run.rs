//! The voter classes shared by runs at every per-voter budget, and one MES run
//! over them in bounds.

#![allow(
    clippy::float_cmp,
    reason = "bounds are exact floats: equal means the same number, e.g. an exact cost"
)]

use core::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};

use super::super::{Profile, Utility, set};
use super::bounds::{
    Bounds, EXACT, Item, Priced, Ratio, after, bounds, price, quotient, sum_error, sums_and_split,
    up, whole,
};

/// Supporters of a project at some prefix: one class and utility, and how many.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry {
    pub(super) class: u32,
    pub(super) u: f64,
    pub(super) n: f64,
}

/// A project's supporters at some prefix, and the last price seen for them.
///
/// `classes` holds each supporter group's class, in the order of its support
/// list (their utilities and sizes are in [`Fast::weights`]): cheap to count
/// and to derive from the round before. Where several groups share a class,
/// `entries` also holds them merged by (class, utility), in that order, which
/// is cheaper to price (`compact`, decided from `classes` alone, so that a
/// recount after [`Fast::collect`] prices with the same sums); a project chosen
/// at this prefix always has them, since the classes it creates are numbered by
/// them (see [`Fast::follow`]).
#[derive(Debug, Clone, Default)]
pub(super) struct Hist {
    pub(super) project: u32,
    pub(super) classes: Vec<u32>,
    pub(super) entries: Vec<Entry>,
    pub(super) compact: bool,
    pub(super) rho: Option<f64>,
    /// (budget, lower bound on the key, its `Rival::slack`) from runs that
    /// priced these supporters, by budget: a lower bound for any run at a
    /// budget up to that one, and with the slack for a run above it made
    /// against it (see [`Fast::below_bound`]). An infinite key: found
    /// unaffordable at that budget, with an upper bound on the supporters'
    /// money there in place of the slack.
    pub(super) seen: Vec<(f64, f64, f64)>,
    /// The last run that used it (see [`Fast::collect`]).
    pub(super) used: u64,
    /// Not counted (`classes` empty): made at the end of the path for a
    /// project whose supporters were too spread to merge at an earlier prefix
    /// (see [`Fast::hist`]), and priced there from each supporter group's class
    /// at the path's end ([`Structure::current`]). Counted when it is needed
    /// elsewhere ([`Fast::count_stub`]); held as if counted in
    /// [`Fast::live`].
    pub(super) stub: bool,
    /// The round of the path it was made at, and its prefix there.
    pub(super) round: u32,
    pub(super) prefix: u32,
}

/// One supporter group of a project: its utility and how many voters it holds.
#[derive(Debug, Clone, Copy)]
pub(super) struct Weight {
    pub(super) u: f64,
    pub(super) n: f64,
}

/// Sequences of choices as a tree of prefixes, the voter classes each choice
/// created, and each project's supporters' classes: everything a run needs that
/// does not depend on the per-voter budget.
///
/// Classes are numbered along the path from the empty prefix (class 0, everyone):
/// the classes a choice creates, one per (class, utility) among its supporters,
/// follow those of the prefix before it. So a prefix fixes the numbers of all
/// classes on its path, and a run keeps its budgets in one small dense array.
#[derive(Debug)]
pub(super) struct Structure {
    /// Per prefix: the project chosen last (none for the empty prefix).
    pub(super) chosen: Vec<u32>,
    /// Per prefix: how many classes its path has.
    pub(super) end: Vec<u32>,
    /// (prefix, project) → the prefix extended by that project.
    pub(super) next: HashMap<(u32, u32), u32>,
    /// Per prefix, per project: an index into `hists` (`u32::MAX`: none yet).
    pub(super) hist_at: Vec<Vec<u32>>,
    /// Projects' supporters' classes at some prefix.
    pub(super) hists: Vec<Hist>,
    /// The prefixes of the sequence for which `moves` hold.
    pub(super) path: Vec<u32>,
    /// Per group: (round, class) each time one of its choices was paid for.
    pub(super) moves: Vec<Vec<(u32, u32)>>,
    /// Per group: its class after the last round of `path` (the last of its
    /// `moves`, or 0), kept in one array so that counting supporters at the
    /// path's end does not read every group's own `moves`.
    pub(super) current: Vec<u32>,
    /// Per class: voters counted (scratch for merging), and where its payers go
    /// (scratch).
    pub(super) dense: Vec<f64>,
    /// Per class, a bit: counted (scratch for merging, all clear between uses).
    pub(super) marks: Vec<u64>,
    pub(super) slot: Vec<u32>,
    /// (c, d) → the voters supporting both `c` and `d`, as their positions in
    /// `c`'s support list.
    pub(super) both: HashMap<(u32, u32), Vec<u32>>,
}

/// A rival at one round: bounds on its key, its exact key if known, its rank.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rival {
    pub(super) project: u32,
    /// Bounds on its price ρ (its key is ρ, or ρ / cost for cost utilities).
    pub(super) rho: Bounds,
    pub(super) key: Bounds,
    pub(super) exact: Option<Ratio>,
    pub(super) rank: u32,
    /// How far below this key a run at a larger budget may find it, per unit
    /// of money any of its supporters has more there: `Σ n` over those who do
    /// not pay in full here, over `Σ n·u` of those who do times the key's
    /// divisor (infinite: not known). See [`Fast::below_bound`]. For a rival
    /// that cannot be afforded (an infinite key): an upper bound on its
    /// supporters' money instead.
    pub(super) slack: f64,
}

/// One round of a float run, as the certificate needs it.
#[derive(Debug, Clone)]
pub(super) struct Round {
    /// The chosen project.
    pub(super) chosen: Rival,
    /// The other candidates whose keys could be closest, priced in this round.
    pub(super) close: Vec<Rival>,
    /// Every other candidate's key is at least this.
    pub(super) floor: f64,
}

/// What one run found.
#[derive(Debug, Clone)]
pub(super) struct Eval {
    pub(super) chosen: Vec<u32>,
    /// What the outcome costs (`u128::MAX` when the run failed).
    pub(super) cost: u128,
    /// An exact run that failed (a refused tie): it counts as not fitting, and
    /// the search fails with it if it is the first budget that does not fit.
    pub(super) error: Option<crate::Error>,
    /// Float runs: the prefix before each round (one more than rounds), and the
    /// budgets of every class on that path when the run ended.
    pub(super) path: Vec<u32>,
    pub(super) budget: Vec<Bounds>,
    /// Per round (float runs only).
    pub(super) rounds: Option<Vec<Round>>,
    /// The first rounds, given: certified for a window holding every window
    /// this run will be an end of (their rounds hold the chosen project only).
    pub(super) known: usize,
    /// The whole per-voter budget of the run this one was made against (see
    /// [`Fast::run_given`]); set by the search.
    pub(super) against: Option<u128>,
}

/// What a round chooses.
#[derive(Debug, Clone, Copy)]
pub(super) enum Pick {
    Project(u32),
    /// Nothing is affordable: the run is over.
    Done,
}

/// The candidates of one run: a heap on lower bounds of their keys.
#[derive(Debug)]
pub(super) struct Candidates {
    /// Per project: the round its key was last computed in, and the round it was
    /// last raised to a bound seen in other runs.
    pub(super) fresh: Vec<u32>,
    pub(super) bumped: Vec<u32>,
    /// Per project: the round it was last lifted to its key at an earlier
    /// prefix (see [`Fast::reprice`]).
    pub(super) lifted: Vec<u32>,
    /// Per project: its key as last known (current only if fresh this round).
    pub(super) rivals: Vec<Rival>,
    pub(super) heap: BinaryHeap<Reverse<(u64, u32, u32)>>,
}

impl Candidates {
    pub(super) fn is_fresh(&self, c: u32, k: u32) -> bool {
        self.fresh.get(c as usize) == Some(&k)
    }

    pub(super) fn key(&self, c: u32) -> Bounds {
        self.rivals
            .get(c as usize)
            .map_or_else(Bounds::default, |r| r.key)
    }

    pub(super) fn rival(&self, c: u32) -> Rival {
        self.rivals.get(c as usize).copied().unwrap_or(Rival {
            project: c,
            rho: Bounds::default(),
            key: Bounds::default(),
            exact: None,
            rank: u32::MAX,
            slack: f64::INFINITY,
        })
    }

    pub(super) fn push(&mut self, c: u32) {
        let Some(rival) = self.rivals.get(c as usize) else {
            return;
        };
        // Non-negative floats order as their bits.
        let key = rival.key.lo.max(0.0).to_bits();
        self.heap.push(Reverse((key, rival.rank, c)));
    }

    pub(super) fn top(&self) -> Option<u32> {
        self.heap.peek().map(|&Reverse((_, _, c))| c)
    }

    pub(super) fn pop(&mut self) -> Option<u32> {
        self.heap.pop().map(|Reverse((_, _, c))| c)
    }
}

/// Writes the supporters `(class, utility, voters)` who have money left under
/// `budget` to the front of `items`, and returns how many there are. Every
/// entry is written and kept only if its budget is positive, without a branch
/// on which it is (measured: 10% of add1 on a large election). `items` is
/// scratch: it only grows, so its slots are not cleared before each use
/// (zeroing them was ~1% of add1's instructions on Budapest 2024).
fn gather(
    items: &mut Vec<Item>,
    budget: &[Bounds],
    supporters: impl ExactSizeIterator<Item = (u32, f64, f64)>,
) -> usize {
    if items.len() < supporters.len() {
        items.resize(supporters.len(), Item::default());
    }
    // A slice, so that its start and length stay in registers: writes through
    // a `Vec` could, for all the compiler knows, change the tables read.
    let slots = items.as_mut_slice();
    let mut kept = 0;
    for (class, u, n) in supporters {
        let b = budget.get(class as usize).copied().unwrap_or_default();
        if let Some(slot) = slots.get_mut(kept) {
            *slot = Item {
                lo: b.lo,
                hi: b.hi,
                u,
                n,
            };
        }
        kept += usize::from(b.hi > 0.0);
    }
    kept
}

/// Whether every supporter's utility is 1 ([`Fast::weights`]): under every
/// utility but points. Pricing and the slope certificate are specialised for
/// it.
pub(super) fn utilities_are_one(utility: Utility) -> bool {
    utility != Utility::Points
}

/// The larger of two bounds, either of which may be missing.
fn larger(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// Whether `a` beats `b` for sure: a smaller key, or the same exact key and a
/// better rank. `None`: the bounds cannot tell.
pub(super) fn beats(a: &Rival, b: &Rival) -> Option<bool> {
    if a.key.hi < b.key.lo {
        return Some(true);
    }
    if b.key.hi < a.key.lo {
        return Some(false);
    }
    let (x, y) = (a.exact?, b.exact?);
    Some(x.cmp(y).then(a.rank.cmp(&b.rank)) == Ordering::Less)
}

/// The most bytes of histograms kept between runs (a class per supporter, 4
/// bytes; a merged entry, 24): past it, [`Fast::collect`] lets go of what the
/// last run did not use. The crate's own tests collect after almost every run,
/// so that every answer they check is also an answer after collection.
#[cfg(not(test))]
pub(super) const MAX_LIVE_BYTES: usize = 100_000_000;
#[cfg(test)]
pub(super) const MAX_LIVE_BYTES: usize = 256;
/// What a histogram holds per supporter group, and per merged entry.
pub(super) const CLASS_BYTES: usize = size_of::<u32>();
pub(super) const ENTRY_BYTES: usize = size_of::<Entry>();

/// Runs MES at many per-voter budgets over one [`Structure`].
#[derive(Debug)]
pub(super) struct Fast<'p, 'a> {
    pub(super) profile: &'p Profile<'a>,
    pub(super) utility: Utility,
    pub(super) s: Structure,
    /// Per project: cost bounds, the divisor of keys (cost, for cost
    /// utilities), and the lower bound on its key that holds before any pricing
    /// (`None`: no supporter).
    pub(super) cost: Vec<Bounds>,
    pub(super) per: Vec<Bounds>,
    pub(super) start: Vec<Option<f64>>,
    /// Per project, per supporter group (in the order of its support list):
    /// its utility and size, exact floats.
    pub(super) weights: Vec<Vec<Weight>>,
    /// Per run: budgets per class of the path.
    pub(super) budget: Vec<Bounds>,
    pub(super) items: Vec<Item>,
    /// Pricings done, for the notes.
    pub(super) pricings: u64,
    /// Runs started, and the bytes held by all histograms (see
    /// [`Fast::collect`]).
    pub(super) generation: u64,
    pub(super) live: usize,
    /// [`MAX_LIVE_BYTES`], unless a test sets another.
    pub(super) live_limit: usize,
    /// The budget of the current run (scaled, its lower bound).
    pub(super) at: f64,
    /// Per project: its voters, `Σ n`.
    pub(super) voters: Vec<f64>,
    /// The budget of the run the current one is made against (NaN: none), and
    /// per round of the current run, while its choices agree with that run's,
    /// a bound on how much more any class holds here than there.
    pub(super) ref_at: f64,
    pub(super) growth: Vec<f64>,
    /// Per class of the path: a bound on how much more it holds here than in
    /// the run made against; and how much less the last chosen project's
    /// price is here than there (NaN: not known, see [`Fast::grow`]).
    pub(super) gain: Vec<f64>,
    pub(super) fall: f64,
    /// Bounds from a lower budget checked against the key then priced, and
    /// how many exceeded it (none may).
    #[cfg(test)]
    pub(super) below_checked: (u64, u64),
    /// Tests: candidates dropped as unaffordable by a bound, and how many of
    /// them could be afforded after all (see `Fast::check_dropped`).
    #[cfg(test)]
    pub(super) dropped_checked: (u64, u64),
}

impl<'p, 'a> Fast<'p, 'a> {
    /// The index in `hists` of `c`'s supporters at `prefix`, if counted.
    pub(super) fn known_hist(&self, prefix: u32, c: u32) -> Option<usize> {
        let i = *self.s.hist_at.get(prefix as usize)?.get(c as usize)?;
        (i != u32::MAX).then_some(i as usize)
    }

    /// `None` when group sizes or points are not exact as `f64` (beyond 2^53).
    pub(super) fn new(profile: &'p Profile<'a>, utility: Utility) -> Option<Self> {
        let m = profile.costs.len();
        let mut count = Vec::with_capacity(profile.groups.len());
        for g in &profile.groups {
            if u128::from(g.count) > EXACT
                || (utility == Utility::Points
                    && profile
                        .ballot(g)
                        .iter()
                        .any(|&(_, p)| u128::from(p) > EXACT))
            {
                return None;
            }
            count.push(bounds(u128::from(g.count)).lo);
        }
        let cost: Vec<Bounds> = (0..m).map(|c| bounds(profile.cost(c))).collect();
        let weights: Vec<Vec<Weight>> = (0..m)
            .map(|c| {
                let points = profile.points(c);
                (0..)
                    .zip(profile.support(c))
                    .map(|(i, &g)| Weight {
                        u: if utilities_are_one(utility) {
                            1.0
                        } else {
                            bounds(u128::from(points(i))).lo
                        },
                        n: count.get(g as usize).copied().unwrap_or(0.0),
                    })
                    .collect()
            })
            .collect();
        let voters = weights
            .iter()
            .map(|w| w.iter().map(|w| w.n).sum())
            .collect();
        let per: Vec<Bounds> = (0..m)
            .map(|c| match cost.get(c) {
                Some(&b) if utility == Utility::Cost && b.lo > 0.0 => b,
                _ => Bounds { lo: 1.0, hi: 1.0 },
            })
            .collect();
        // ρ ≥ cost / Σ n·u for any budgets: the key's floor before any pricing.
        let start = (0..m)
            .map(|c| {
                let weight = if utility == Utility::Points {
                    profile.scores.get(c).copied().unwrap_or(0)
                } else {
                    u128::from(profile.supporters.get(c).copied().unwrap_or(0))
                };
                if weight == 0 {
                    return None;
                }
                let rho = (cost.get(c).map_or(0.0, |b| b.lo) / bounds(weight).hi).next_down();
                Some(
                    (rho / per.get(c).map_or(1.0, |p| p.hi))
                        .next_down()
                        .max(0.0),
                )
            })
            .collect();
        Some(Self {
            profile,
            utility,
            s: Structure {
                chosen: vec![u32::MAX],
                end: vec![1],
                next: HashMap::new(),
                hist_at: vec![Vec::new()],
                hists: Vec::new(),
                path: vec![0],
                moves: vec![Vec::new(); profile.groups.len()],
                current: vec![0; profile.groups.len()],
                dense: Vec::new(),
                marks: Vec::new(),
                slot: Vec::new(),
                both: HashMap::new(),
            },
            cost,
            per,
            start,
            weights,
            budget: Vec::new(),
            items: Vec::new(),
            pricings: 0,
            generation: 0,
            live: 0,
            live_limit: MAX_LIVE_BYTES,
            at: 0.0,
            voters,
            ref_at: f64::NAN,
            growth: Vec::new(),
            gain: Vec::new(),
            fall: f64::NAN,
            #[cfg(test)]
            below_checked: (0, 0),
            #[cfg(test)]
            dropped_checked: (0, 0),
        })
    }

    /// Calls `f(class, utility, voters)` for the supporters in `hist`, merged
    /// where it holds them merged.
    pub(super) fn each_supporter(&self, hist: &Hist, mut f: impl FnMut(u32, f64, f64)) {
        if !hist.compact || hist.entries.is_empty() {
            let weights = self
                .weights
                .get(hist.project as usize)
                .map_or(&[][..], Vec::as_slice);
            for (&class, w) in hist.classes.iter().zip(weights) {
                f(class, w.u, w.n);
            }
        } else {
            for e in &hist.entries {
                f(e.class, e.u, e.n);
            }
        }
    }

    /// Project `c`'s price ρ and key before round `k`; `guess` starts Newton's
    /// method where these supporters were never priced (see [`Fast::priced`]).
    pub(super) fn key(&mut self, k: u32, c: u32, guess: Option<f64>) -> Option<Rival> {
        // A stub is priced at the path's end, where every group's class is at
        // hand (see `Hist::stub`): the rounds the path has beyond this one
        // (an earlier run's) are undone, to be redone if this run follows
        // them, rather than the stub counted from the groups' moves.
        if k as usize + 1 < self.s.path.len()
            && let Some(&prefix) = self.s.path.get(k as usize)
            && let Some(h) = self.known_hist(prefix, c)
            && self.s.hists.get(h).is_some_and(|x| x.stub)
        {
            self.undo_from(k);
        }
        let h = self.hist(k, c);
        self.priced(h, c, None, guess)
    }

    /// Prices project `c` over the supporters `hists[h]`, with the budgets of
    /// this run or of `budget` (an infinite key: unaffordable). `None`: the
    /// bounds cannot decide, or `hists[h]` is a stub whose prefix the path has
    /// left (only certificates and split predictions ask for those: a run's
    /// own pricings are on its path).
    ///
    /// Newton's method starts from the last price found for `hists[h]`, else
    /// from `guess` (a run passes the rival's price in an earlier round: below
    /// this one, and close). On `random-300x6000` two in three pricings that
    /// need Newton's method are of supporters never priced before; from the
    /// earlier round's price they take about 2.1 passes over the supporters,
    /// from `cost / Σ n·u` 2.5.
    pub(super) fn priced(
        &mut self,
        h: usize,
        c: u32,
        budget: Option<&[Bounds]>,
        guess: Option<f64>,
    ) -> Option<Rival> {
        let at_end = self.stub_at_end(h)?;
        self.pricings += 1;
        let support = self.support(c);
        let budget = budget.unwrap_or(&self.budget);
        let mut items = core::mem::take(&mut self.items);
        let hist = self.s.hists.get_mut(h)?;
        // Gathered first, summed after with the split at the guess (one loop
        // gathering and summing kept its sums on the stack); merged entries
        // where the histogram prices with them.
        let kept = if at_end {
            // The classes a count would find, in the same order.
            let weights = self.weights.get(c as usize).map_or(&[][..], Vec::as_slice);
            let current = self.s.current.as_slice();
            let class = |g: u32| current.get(g as usize).copied().unwrap_or(0);
            let supporters = support.iter().zip(weights);
            let supporters = supporters.map(|(&g, w)| (class(g), w.u, w.n));
            gather(&mut items, budget, supporters)
        } else if !hist.compact || hist.entries.is_empty() {
            let weights = self.weights.get(c as usize).map_or(&[][..], Vec::as_slice);
            let supporters = hist.classes.iter().zip(weights);
            gather(
                &mut items,
                budget,
                supporters.map(|(&class, w)| (class, w.u, w.n)),
            )
        } else {
            let supporters = hist.entries.iter().map(|e| (e.class, e.u, e.n));
            gather(&mut items, budget, supporters)
        };
        let cost = self.cost.get(c as usize).copied().unwrap_or_default();
        let gathered = items.get(..kept).unwrap_or_default();
        let guess = hist.rho.or(guess);
        let (sums, priced) = if utilities_are_one(self.utility) {
            let taken = sums_and_split::<true>(gathered, guess);
            (taken.0, price::<true>(gathered, taken, cost))
        } else {
            let taken = sums_and_split::<false>(gathered, guess);
            (taken.0, price::<false>(gathered, taken, cost))
        };
        self.items = items;
        let rank = self.profile.rank(c as usize);
        let per = self
            .per
            .get(c as usize)
            .copied()
            .unwrap_or(Bounds { lo: 1.0, hi: 1.0 });
        let unit = per.lo == 1.0 && per.hi == 1.0;
        match priced {
            Priced::At { rho, exact, full } => {
                hist.rho = Some(rho.hi);
                let slack = self.slack(c, full, per);
                // Under `ProjectTieBreak::Refuse` a tie is an error, which only the exact
                // run reports: exact keys, which settle ties by rank, are not used.
                let ratio = (exact && !self.profile.refuse_ties && cost.lo == cost.hi)
                    .then(|| {
                        let den = whole(sums.weight)?;
                        if unit {
                            Some(Ratio {
                                num: whole(cost.lo)?,
                                den,
                            })
                        } else {
                            // (cost / weight) / cost.
                            Some(Ratio { num: 1, den })
                        }
                    })
                    .flatten();
                let key = match ratio {
                    #[allow(clippy::cast_precision_loss, reason = "below 2^53: exact")]
                    Some(r) => quotient(r.num as f64, r.den as f64),
                    None if unit => rho,
                    None => Bounds {
                        lo: (rho.lo / per.hi).next_down().max(0.0),
                        hi: (rho.hi / per.lo).next_up(),
                    },
                };
                Some(Rival {
                    project: c,
                    rho,
                    key,
                    exact: ratio,
                    rank,
                    slack,
                })
            }
            Priced::Unaffordable => Some(Rival {
                project: c,
                rho: Bounds::default(),
                key: Bounds {
                    lo: f64::INFINITY,
                    hi: f64::INFINITY,
                },
                exact: None,
                rank,
                slack: up(sums.hi + sum_error(sums.hi, kept)),
            }),
            Priced::Uncertain => None,
        }
    }

    /// `Rival::slack` of `c` priced with `full` (a lower bound on `Σ n·u` of
    /// its supporters who pay in full) and the key's divisor `per`.
    fn slack(&self, c: u32, full: f64, per: Bounds) -> f64 {
        if full <= 0.0 {
            return f64::INFINITY;
        }
        let voters = self
            .voters
            .get(c as usize)
            .copied()
            .unwrap_or(f64::INFINITY);
        // Only those who do not pay in full can pay more with more money; with
        // utilities of 1 (all but points), `full` counts the others.
        let limited = if utilities_are_one(self.utility) {
            (voters - full).max(0.0).next_up()
        } else {
            voters
        };
        (limited / (full * per.lo).next_down()).next_up()
    }

    /// Prices `c` in round `k` and puts it back among the candidates (or drops
    /// it, unaffordable). `false`: the intervals could not decide.
    ///
    /// A price seen for the same supporters at a larger budget (the same earlier
    /// choices) is a lower bound here, and so is one seen in the run this one
    /// is made against, less what more money can take off it (see
    /// [`Fast::seen_bound`]); the first time in a round, `c` is raised to that
    /// bound instead of priced, which spares pricing rivals that are not
    /// close. Where `c`'s supporters were never counted at this round's prefix,
    /// it is first raised to its key at the latest earlier prefix they were
    /// counted at, with this run's budgets (its key in that round here, which
    /// money only raises since): counting them anew is what costs, on large
    /// elections (Budapest 2024: 978 → 575 ms for runs given their first
    /// rounds).
    pub(super) fn reprice(&mut self, cand: &mut Candidates, k: u32, c: u32) -> bool {
        if cand.bumped.get(c as usize) != Some(&k) {
            set(&mut cand.bumped, c as usize, k);
            if let Some(bound) = self.seen_bound(k, c)
                && bound > cand.key(c).lo
                && let Some(r) = cand.rivals.get_mut(c as usize)
            {
                if bound.is_infinite() {
                    #[cfg(test)]
                    self.check_dropped(k, c);
                    return true;
                }
                r.key = Bounds {
                    lo: bound,
                    hi: f64::INFINITY,
                };
                cand.push(c);
                return true;
            }
        }
        // Never counted here: its price at the latest prefix of the path it was
        // counted at, with this run's budgets, is a lower bound (its key then),
        // found without counting its supporters' classes now. Not from a stub
        // (left uncounted at an earlier end of the path): counting it costs what
        // the lift would save (random-300x6000: `count_stub` 5.4% → 1.8% of the
        // time once the bounds from below spared more pricings at the end).
        if cand.lifted.get(c as usize) != Some(&k)
            && let Some(&prefix) = self.s.path.get(k as usize)
            && self.known_hist(prefix, c).is_none()
        {
            set(&mut cand.lifted, c as usize, k);
            let since = cand
                .fresh
                .get(c as usize)
                .map_or(0, |&f| if f == u32::MAX { 0 } else { f + 1 });
            let earlier = (since..k)
                .rev()
                .find_map(|j| {
                    let p = *self.s.path.get(j as usize)?;
                    self.known_hist(p, c)
                })
                .filter(|&h| self.s.hists.get(h).is_some_and(|x| !x.stub));
            // Priced without touching what the histogram keeps (its last
            // price starts its next pricing); undecided, it is priced as usual.
            let kept = earlier
                .and_then(|h| self.s.hists.get(h))
                .map(|hist| hist.rho);
            let lifted = earlier.and_then(|h| self.priced(h, c, None, None));
            if let (Some(h), Some(rho)) = (earlier, kept)
                && let Some(hist) = self.s.hists.get_mut(h)
            {
                hist.rho = rho;
            }
            if let Some(rival) = lifted {
                if rival.key.lo.is_infinite() {
                    return true;
                }
                if rival.key.lo > cand.key(c).lo
                    && let Some(r) = cand.rivals.get_mut(c as usize)
                {
                    r.key = Bounds {
                        lo: rival.key.lo,
                        hi: f64::INFINITY,
                    };
                }
                cand.push(c);
                return true;
            }
        }
        #[cfg(test)]
        let below = self.hist_on_path(k, c).and_then(|h| self.below_bound(k, h));
        // Its price in an earlier round of this run, if any: a close start.
        let guess = cand.rival(c).rho.hi;
        let Some(rival) = self.key(k, c, (guess > 0.0).then_some(guess)) else {
            return false;
        };
        #[cfg(test)]
        if let Some(bound) = below {
            self.below_checked.0 += 1;
            self.below_checked.1 += u64::from(bound > rival.key.hi);
        }
        self.remember(k, c, rival.key.lo, rival.slack);
        if rival.key.lo.is_infinite() {
            return true;
        }
        set(&mut cand.rivals, c as usize, rival);
        set(&mut cand.fresh, c as usize, k);
        cand.push(c);
        true
    }

    /// A lower bound on `c`'s key before round `k` of the current path, from
    /// what runs at other budgets saw for the same supporters: the largest key
    /// seen at a budget at least this run's (money only lowers a key), or the
    /// key seen in the run this one is made against less what its supporters'
    /// extra money can take off it ([`Fast::below_bound`]), if larger.
    pub(super) fn seen_bound(&self, k: u32, c: u32) -> Option<f64> {
        let hist = self.hist_on_path(k, c)?;
        let above = hist
            .seen
            .iter()
            .find(|&&(b, ..)| b >= self.at)
            .map(|&(_, key, _)| key);
        if self.growth.len() <= k as usize {
            return above;
        }
        larger(above, self.below_bound(k, hist))
    }

    /// Tests that `c`, dropped in round `k` for a bound that says it cannot be
    /// afforded, cannot: priced (without counting the pricing), it must not
    /// have a finite key.
    #[cfg(test)]
    fn check_dropped(&mut self, k: u32, c: u32) {
        let pricings = self.pricings;
        if let Some(rival) = self.key(k, c, None) {
            self.dropped_checked.0 += 1;
            self.dropped_checked.1 += u64::from(rival.key.hi.is_finite());
        }
        self.pricings = pricings;
    }

    /// `c`'s supporters before round `k` of the current path, if counted there.
    fn hist_on_path(&self, k: u32, c: u32) -> Option<&Hist> {
        let prefix = *self.s.path.get(k as usize)?;
        self.s.hists.get(self.known_hist(prefix, c)?)
    }

    /// The key `hist` was seen at before round `k` in the run this one is made
    /// against (a lower budget, the same choices), less what the extra money
    /// of its supporters here can take off it: every class holds at most
    /// `growth[k]` more here, and only supporters who did not pay in full there
    /// can pay more, so the price falls by at most `growth · Σ n_limited / Σ
    /// n·u_full` (the payment function is concave, with that slope at the price
    /// from the left). The rival's `slack` is that factor over the key's
    /// divisor. A rival that could not be afforded there still cannot if its
    /// supporters' money there (its `slack`), plus `growth` for each, falls
    /// short of its cost: an infinite bound.
    fn below_bound(&self, k: u32, hist: &Hist) -> Option<f64> {
        let growth = *self.growth.get(k as usize)?;
        let &(_, key, slack) = hist.seen.iter().find(|&&(b, ..)| b == self.ref_at)?;
        if key.is_infinite() {
            // Unaffordable there, with at most `slack` among its supporters:
            // here each has at most `growth` more.
            let c = hist.project as usize;
            let voters = self.voters.get(c).copied().unwrap_or(f64::INFINITY);
            let cost = self.cost.get(c).map_or(0.0, |b| b.lo);
            return (up(slack + up(growth * voters)) < cost).then_some(f64::INFINITY);
        }
        Some((key - (growth * slack).next_up()).next_down()).filter(|&bound| bound > 0.0)
    }

    /// The key seen for `c` at the latest prefix of the path up to round `k`
    /// that has one, in runs at a budget at least this run's: a lower bound on
    /// its key before round `k` here.
    pub(super) fn inherited(&self, k: u32, c: u32) -> Option<f64> {
        (0..=k).rev().find_map(|j| self.seen_bound(j, c))
    }

    /// Records `c`'s key before round `k` at this run's budget.
    pub(super) fn remember(&mut self, k: u32, c: u32, key: f64, slack: f64) {
        let at = self.at;
        let Some(hist) = self
            .s
            .path
            .get(k as usize)
            .and_then(|&p| self.known_hist(p, c))
            .and_then(|h| self.s.hists.get_mut(h))
        else {
            return;
        };
        if let Err(i) = hist.seen.binary_search_by(|&(b, ..)| b.total_cmp(&at)) {
            hist.seen.insert(i, (at, key, slack));
            // The search moves up: the smallest budgets are the first to go.
            if hist.seen.len() > 8 {
                hist.seen.remove(0);
            }
        }
    }

    /// MES at per-voter budget `b` (scaled). `None`: a comparison the bounds
    /// could not decide.
    ///
    /// `against`: the sequence and per-round chosen keys of the run this one will
    /// be certified against. While the choices agree with it, every rival whose
    /// bound is below that round's key is priced, so the certificate sees current
    /// keys rather than stale bounds.
    #[cfg(test)]
    pub(super) fn run(&mut self, b: Bounds, against: Option<&Eval>) -> Option<Eval> {
        self.run_given(b, against, &[])
    }

    /// MES at per-voter budget `b`, as `Fast::run` (the tests' entry), with
    /// the first rounds' choices `given`: certified for a window around `b`,
    /// so only their chosen projects are priced (to pay for them). The
    /// other candidates start the next round at the key seen
    /// for them at the latest prefix of the path that has one, in runs at a
    /// budget at least this one's (see [`Fast::inherited`]: a key only rises
    /// from round to round, and falls as the budget grows).
    pub(super) fn run_given(
        &mut self,
        b: Bounds,
        against: Option<&Eval>,
        given: &[u32],
    ) -> Option<Eval> {
        self.generation += 1;
        if self.live > self.live_limit {
            self.collect();
        }
        self.at = b.lo;
        self.growth.clear();
        match against.and_then(|e| e.budget.first()) {
            Some(r) if r.hi <= b.lo => {
                self.ref_at = r.lo;
                let delta = (b.hi - r.lo).next_up();
                self.growth.push(delta);
                self.gain.clear();
                self.gain.push(delta);
            }
            _ => self.ref_at = f64::NAN,
        }
        if let Some(root) = self.budget.first_mut() {
            *root = b;
        } else {
            self.budget.push(b);
        }
        let (mut chosen, mut rounds, mut cost) = self.pay_given(given, against)?;
        let first = u32::try_from(given.len()).ok()?;
        let mut cand = self.candidates(given);
        for k in first.. {
            let Pick::Project(c) = self.winner(&mut cand, k)? else {
                break;
            };
            // The earlier choices agree: this round's keys compare with the other run's.
            let target = against
                .filter(|e| e.chosen.get(..k as usize) == Some(chosen.as_slice()))
                .and_then(|e| e.rounds.as_ref()?.get(k as usize))
                .map_or(f64::NEG_INFINITY, |r| r.chosen.key.hi);
            let round = self.runner_up(&mut cand, k, c, target)?;
            rounds.push(round);
            // Pay: the chosen project's supporters move to their new classes.
            let rho = cand.rival(c).rho;
            self.grow(k, c, rho, against);
            self.follow(k, c);
            self.pay(k, rho);
            chosen.push(c);
            cost = cost.saturating_add(self.profile.cost(c as usize));
        }
        let path = self
            .s
            .path
            .get(..=chosen.len())
            .map(<[u32]>::to_vec)
            .unwrap_or_default();
        let end = path
            .last()
            .and_then(|&p| self.s.end.get(p as usize))
            .map_or(1, |&e| e as usize);
        Some(Eval {
            chosen,
            cost,
            error: None,
            path,
            budget: self
                .budget
                .get(..end)
                .map(<[Bounds]>::to_vec)
                .unwrap_or_default(),
            rounds: Some(rounds),
            known: given.len(),
            against: None,
        })
    }

    /// The given first rounds of [`Fast::run_given`]: each chosen project
    /// priced and paid for. `None`: a price the bounds could not decide, or a
    /// given project unaffordable.
    fn pay_given(
        &mut self,
        given: &[u32],
        against: Option<&Eval>,
    ) -> Option<(Vec<u32>, Vec<Round>, u128)> {
        let mut rounds = Vec::with_capacity(given.len());
        let mut cost = 0u128;
        for (k, &c) in (0u32..).zip(given) {
            let rival = self.key(k, c, None)?;
            if rival.key.lo.is_infinite() {
                return None;
            }
            self.remember(k, c, rival.key.lo, rival.slack);
            rounds.push(Round {
                chosen: rival,
                close: Vec::new(),
                floor: f64::NEG_INFINITY,
            });
            self.grow(k, c, rival.rho, against);
            self.follow(k, c);
            self.pay(k, rival.rho);
            cost = cost.saturating_add(self.profile.cost(c as usize));
        }
        Some((given.to_vec(), rounds, cost))
    }

    /// Round `k` chose `c` at price `rho`: how much less its price is here
    /// than in the run made against, if that run chose the same so far.
    /// [`Fast::pay`] adds it (times the utility) to the growth bound of each
    /// class it creates: a payer keeps at most what it had more before, plus
    /// what it pays less.
    fn grow(&mut self, k: u32, c: u32, rho: Bounds, against: Option<&Eval>) {
        self.fall = f64::NAN;
        if self.growth.len() != k as usize + 1 {
            return;
        }
        let Some(there) = against
            .filter(|e| e.chosen.get(k as usize) == Some(&c))
            .and_then(|e| e.rounds.as_ref()?.get(k as usize))
        else {
            return;
        };
        self.fall = (there.chosen.rho.hi - rho.lo).next_up().max(0.0);
    }

    /// Every project with supporters not among `given`, as a candidate for the
    /// round after them: at the bound that holds before any pricing, or what
    /// [`Fast::inherited`] finds, if larger.
    fn candidates(&mut self, given: &[u32]) -> Candidates {
        let m = self.cost.len();
        let mut cand = Candidates {
            fresh: vec![u32::MAX; m],
            bumped: vec![u32::MAX; m],
            lifted: vec![u32::MAX; m],
            rivals: (0u32..)
                .zip(&self.start)
                .map(|(c, start)| Rival {
                    project: c,
                    rho: Bounds::default(),
                    key: Bounds {
                        lo: start.unwrap_or(f64::INFINITY),
                        hi: f64::INFINITY,
                    },
                    exact: None,
                    rank: self.profile.rank(c as usize),
                    slack: f64::INFINITY,
                })
                .collect(),
            heap: BinaryHeap::with_capacity(m),
        };
        let mut out = vec![false; m];
        for &c in given {
            set(&mut out, c as usize, true);
        }
        let first = u32::try_from(given.len()).unwrap_or(u32::MAX);
        for c in (0u32..).take(self.start.len()) {
            let has_supporters = self.start.get(c as usize).is_some_and(Option::is_some);
            if !has_supporters || out.get(c as usize) == Some(&true) {
                continue;
            }
            if first > 0
                && let Some(bound) = self.inherited(first, c)
                && let Some(r) = cand.rivals.get_mut(c as usize)
                && bound > r.key.lo
            {
                if bound.is_infinite() {
                    #[cfg(test)]
                    self.check_dropped(first, c);
                    continue;
                }
                r.key.lo = bound;
            }
            cand.push(c);
        }
        cand
    }

    /// The candidate that round `k` chooses.
    /// The lazy heap holds lower bounds; the top is priced until a current one
    /// beats, for sure, everything whose bound comes near it.
    pub(super) fn winner(&mut self, cand: &mut Candidates, k: u32) -> Option<Pick> {
        let mut near = Vec::new();
        loop {
            let Some(c) = cand.pop() else {
                return Some(Pick::Done);
            };
            if !cand.is_fresh(c, k) {
                if !self.reprice(cand, k, c) {
                    return None;
                }
                continue;
            }
            // Everything whose lower bound is below c's upper bound must be current.
            near.clear();
            let hi = cand.key(c).hi;
            let mut stale = None;
            while let Some(d) = cand.top() {
                if cand.key(d).lo > hi {
                    break;
                }
                cand.pop();
                if !cand.is_fresh(d, k) {
                    stale = Some(d);
                    break;
                }
                near.push(d);
            }
            if let Some(d) = stale {
                for &e in &near {
                    cand.push(e);
                }
                cand.push(c);
                if !self.reprice(cand, k, d) {
                    return None;
                }
                continue;
            }
            // The best of c and its near rivals, decided exactly or not at all.
            let mut best = c;
            for &d in &near {
                let (x, y) = (cand.rival(d), cand.rival(best));
                if beats(&x, &y)? {
                    best = d;
                }
            }
            for &d in near.iter().chain([&c]) {
                if d != best {
                    if beats(&cand.rival(best), &cand.rival(d)) != Some(true) {
                        return None;
                    }
                    cand.push(d);
                }
            }
            return Some(Pick::Project(best));
        }
    }

    /// Round `k`'s chosen project `c` and its closest rivals, each priced now:
    /// what the certificate compares.
    pub(super) fn runner_up(
        &mut self,
        cand: &mut Candidates,
        k: u32,
        c: u32,
        target: f64,
    ) -> Option<Round> {
        let mut close: Vec<u32> = Vec::new();
        let mut reach = f64::NEG_INFINITY;
        let floor = loop {
            let Some(d) = cand.top() else {
                break f64::INFINITY;
            };
            let lo = cand.key(d).lo;
            if !close.is_empty() && lo > reach.max(target) {
                break lo;
            }
            cand.pop();
            if cand.is_fresh(d, k) {
                close.push(d);
                reach = reach.max(cand.key(d).hi);
            } else if !self.reprice(cand, k, d) {
                return None;
            }
        };
        let round = Round {
            chosen: cand.rival(c),
            close: close.iter().map(|&d| cand.rival(d)).collect(),
            floor,
        };
        for d in close {
            cand.push(d);
        }
        Some(round)
    }

    /// Budgets of the classes created in round `k` (the path's last round).
    pub(super) fn pay(&mut self, k: u32, rho: Bounds) {
        let ku = k as usize;
        let (Some(&prefix), Some(&child)) = (self.s.path.get(ku), self.s.path.get(ku + 1)) else {
            return;
        };
        let c = self.s.chosen.get(child as usize).copied().unwrap_or(0);
        let start = self.s.end.get(prefix as usize).copied().unwrap_or(1) as usize;
        let end = self.s.end.get(child as usize).copied().unwrap_or(1) as usize;
        if self.budget.len() < end {
            self.budget.resize(end, Bounds::default());
        }
        let h = self.hist(k, c);
        self.merge(h);
        let Some(hist) = self.s.hists.get(h) else {
            return;
        };
        let at = start.min(self.budget.len());
        let (before, created) = self.budget.split_at_mut(at);
        // While the run agrees with the one it is made against, each new
        // class's growth bound too (see `Fast::below_bound`).
        let growing = !self.fall.is_nan() && self.growth.len() == ku + 1;
        if !growing {
            for (e, slot) in hist.entries.iter().zip(created) {
                let from = before.get(e.class as usize).copied().unwrap_or_default();
                *slot = after(from, rho, e.u);
            }
            return;
        }
        if self.gain.len() < end {
            self.gain.resize(end, f64::INFINITY);
        }
        let mut most = self.growth.get(ku).copied().unwrap_or(f64::INFINITY);
        let (had, gained) = self.gain.split_at_mut(at);
        let fall = self.fall;
        for ((e, slot), gain) in hist.entries.iter().zip(created).zip(gained) {
            let from = before.get(e.class as usize).copied().unwrap_or_default();
            *slot = after(from, rho, e.u);
            let from = had.get(e.class as usize).copied().unwrap_or(f64::INFINITY);
            *gain = up(from + fall * e.u);
            most = most.max(*gain);
        }
        self.growth.push(most);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ProjectTieBreak, testdata as load};

    /// Supporters left with nothing are not among a project's payers: after
    /// `a` (40, four supporters with 10 each) voter 3 has exactly 0, so `b`
    /// (20) is paid in full by voters 4 and 5 alone, at the exact key 1/2.
    /// Counted among them, voter 3 would make `b` look limited (no exact key).
    #[test]
    fn supporters_with_nothing_left_do_not_pay() {
        let text = "META\nkey;value\nbudget;60\nvote_type;approval\n\
            PROJECTS\nproject_id;cost\na;40\nb;20\n\
            VOTES\nvoter_id;vote\n1;a\n2;a\n3;a,b\n4;b\n5;b\n6;a\n";
        let e = crate::parse(text).unwrap();
        let profile = Profile::new(&e, ProjectTieBreak::FileOrder).unwrap();
        let mut fast = Fast::new(&profile, Utility::Cost).unwrap();
        let eval = fast.run(bounds(10 * profile.scale), None).unwrap();
        assert_eq!(eval.chosen, [0, 1]);
        let rounds = eval.rounds.unwrap();
        assert_eq!(rounds[1].chosen.exact, Some(Ratio { num: 1, den: 2 }));
    }

    /// The exact engine's choices at the per-voter budget `scaled`.
    fn exact_choices(profile: &Profile<'_>, utility: Utility, scaled: u128) -> Vec<u32> {
        crate::mes::chosen_at(profile, utility, scaled)
            .unwrap()
            .into_iter()
            .map(|c| u32::try_from(c).unwrap())
            .collect()
    }

    /// A run given its first choices (the exact ones) pays for them and goes on
    /// to choose what the exact run chooses, with the keys other runs saw.
    #[test]
    fn runs_given_their_first_rounds_choose_what_exact_runs_choose() {
        let mut compared = 0;
        for (name, utility) in [
            ("Poland_Swiecie_2023.pb", Utility::Cost),
            ("Switzerland_Zurich_D10.pb", Utility::Points),
            ("Netherlands_Amsterdam_588.pb", Utility::Cost),
        ] {
            let e = load(name);
            let profile = Profile::new(&e, ProjectTieBreak::FileOrder).unwrap();
            let mut fast = Fast::new(&profile, utility).unwrap();
            let base = profile.budget / (u128::from(profile.voters) * profile.scale);
            for step in 0..40u128 {
                let b = base + (step * 37) % 300 + step * 2;
                let scaled = b * profile.scale;
                let exact = exact_choices(&profile, utility, scaled);
                // A run just above leaves keys behind; then the first rounds given.
                let _ = fast.run(bounds(scaled + profile.scale), None);
                let given = &exact[..exact.len() * (step as usize % 4) / 4];
                if let Some(eval) = fast.run_given(bounds(scaled), None, given) {
                    assert_eq!(eval.chosen, exact, "{name} at {b}, {} given", given.len());
                    assert_eq!(eval.known, given.len());
                    compared += usize::from(!given.is_empty());
                }
            }
        }
        assert!(compared > 60, "{compared}");
    }

    /// A rival's key at a run's budget is never below the bound found for it
    /// from the run made against, at a lower budget (`Fast::below_bound`): on
    /// real elections of every vote type and a generated one, with budgets one
    /// to a few hundred steps apart.
    #[test]
    fn bounds_from_a_lower_budget_hold() {
        let generated = crate::generate::election(
            &crate::RandomElection::new(60, 600)
                .with_approvals(8)
                .with_budget_percent(40),
            7,
        )
        .unwrap();
        let (mut used, mut dropped) = (0, 0);
        for (name, utility) in [
            ("Poland_Swiecie_2023.pb", Utility::Cost),
            ("Poland_Swiecie_2023.pb", Utility::Approval),
            ("Switzerland_Zurich_D10.pb", Utility::Points),
            ("Netherlands_Amsterdam_588.pb", Utility::Cost),
            ("generated", Utility::Cost),
        ] {
            let e = if name == "generated" {
                generated.clone()
            } else {
                load(name)
            };
            let profile = Profile::new(&e, ProjectTieBreak::FileOrder).unwrap();
            let mut fast = Fast::new(&profile, utility).unwrap();
            fast.live_limit = usize::MAX;
            let base = profile.budget / (u128::from(profile.voters) * profile.scale);
            for step in 0..12u128 {
                for width in [1, 5, 40, 300] {
                    let lo = (base + step * 23) * profile.scale;
                    let Some(below) = fast.run(bounds(lo), None) else {
                        continue;
                    };
                    let _ = fast.run(bounds(lo + width * profile.scale), Some(&below));
                }
            }
            assert_eq!(fast.below_checked.1, 0, "{name}: {:?}", fast.below_checked);
            assert_eq!(
                fast.dropped_checked.1, 0,
                "{name}: {:?}",
                fast.dropped_checked
            );
            used += fast.below_checked.0;
            dropped += fast.dropped_checked.0;
        }
        assert!(used > 1000, "{used}");
        assert!(dropped > 100, "{dropped}");
    }

    /// Float runs choose what exact runs choose, on real elections of every
    /// vote type, at budgets from ⌊B/n⌋ to well past where add1 stops.
    #[test]
    fn float_runs_choose_what_exact_runs_choose() {
        let mut compared = 0;
        for (name, utility) in [
            ("Netherlands_Assen_2024.pb", Utility::Cost),
            ("Poland_Swiecie_2023.pb", Utility::Cost),
            ("Poland_Swiecie_2023.pb", Utility::Approval),
            ("Poland_Wieliczka_2023_Green_Budget.pb", Utility::Cost),
            ("Switzerland_Zurich_D10.pb", Utility::Points),
            ("Switzerland_Zurich_S5R.pb", Utility::Points),
            ("Poland_Czestochowa_2020_Grabowka.pb", Utility::Points),
            ("Netherlands_Amsterdam_588.pb", Utility::Cost),
        ] {
            let e = load(name);
            let profile = Profile::new(&e, ProjectTieBreak::FileOrder).unwrap();
            let mut fast = Fast::new(&profile, utility).unwrap();
            let base = profile.budget / (u128::from(profile.voters) * profile.scale);
            for step in 0..60u128 {
                // Jumping about, so that runs leave and rejoin sequences.
                let b = base + (step * 37) % 400 + step * 3;
                let scaled = b * profile.scale;
                let exact = exact_choices(&profile, utility, scaled);
                if let Some(eval) = fast.run(bounds(scaled), None) {
                    assert_eq!(eval.chosen, exact, "{name} at {b}");
                    compared += 1;
                }
            }
        }
        // Nearly every run is decided by the bounds (a few may tie exactly).
        assert!(compared > 400, "{compared}");
    }
}
