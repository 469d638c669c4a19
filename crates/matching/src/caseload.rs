//! Guides' caseloads (指导员): buildings assigned to guides so that the
//! need-weighted loads are as even as possible, under a cap on households and
//! a bound on distance.

use serde::{Deserialize, Serialize};

use crate::error::grouped;
use crate::input::DistanceTable;
use crate::prepare::{Distances, unique};
use crate::search::Nodes;
use crate::{Error, Result};

/// The most buildings in one instance.
pub const MAX_BUILDINGS: usize = 100_000;
/// The most guides in one instance.
pub const MAX_GUIDES: usize = 1_000;
/// Instances with up to this many buildings are searched exactly.
pub const EXACT_BUILDINGS: usize = 16;

/// A building and its load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Building {
    /// Its id (a place in the distance table).
    pub id: String,
    /// Households in it, counted against a guide's cap.
    pub households: u32,
    /// Its need-weighted load (say, the sum of its households' need scores);
    /// default: its households.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<u64>,
}

impl Building {
    fn load(&self) -> u64 {
        self.weight.unwrap_or(u64::from(self.households))
    }
}

/// A guide (指导员).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    /// Their id.
    pub id: String,
    /// Where they are based: a place in the distance table.
    pub base: String,
    /// Their own cap on households, if lower or higher than the common one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<u32>,
}

/// Buildings, guides, distances and the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseloadInput {
    /// The buildings.
    pub buildings: Vec<Building>,
    /// The guides.
    pub guides: Vec<Guide>,
    /// Distances between places (see [`DistanceTable`]); needed only with
    /// `max_distance`.
    #[serde(default)]
    pub distance: DistanceTable,
    /// Households each guide may be responsible for (the article's 1,500).
    #[serde(default = "article_cap")]
    pub cap: u32,
    /// The farthest a guide's building may be from their base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_distance: Option<u32>,
}

const fn article_cap() -> u32 {
    1_500
}

/// How hard to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CaseloadOptions {
    /// Nodes the exact search may visit (default 1,000,000), counted, not timed.
    #[serde(default = "default_nodes")]
    pub node_limit: u64,
}

const fn default_nodes() -> u64 {
    1_000_000
}

impl Default for CaseloadOptions {
    fn default() -> Self {
        Self {
            node_limit: default_nodes(),
        }
    }
}

impl CaseloadOptions {
    /// The exact search's node budget.
    #[must_use]
    pub fn node_limit(mut self, nodes: u64) -> Self {
        self.node_limit = nodes;
        self
    }
}

/// One guide's caseload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Caseload {
    /// The guide.
    pub guide: String,
    /// Their buildings, by id.
    pub buildings: Vec<String>,
    /// Households in them.
    pub households: u64,
    /// Their need-weighted load.
    pub load: u64,
    /// The farthest of their buildings from their base.
    pub farthest: u32,
}

/// A building no guide takes, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Unassigned {
    /// The building.
    pub building: String,
    /// Why.
    #[serde(flatten)]
    pub reason: UnassignedReason,
}

/// Why a building has no guide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum UnassignedReason {
    /// Every guide's base is farther than the bound.
    TooFar {
        /// The nearest base's guide.
        nearest: String,
        /// Its distance.
        distance: u32,
        /// The bound.
        max_distance: u32,
    },
    /// It has more households than any guide's cap.
    OverCap {
        /// Its households.
        households: u32,
        /// The largest cap.
        cap: u32,
    },
    /// Every guide who could take it would pass their cap.
    NoRoom {},
}

/// Guides' caseloads, with their evenness and how it compares to the best
/// possible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Caseloads {
    /// Each guide's caseload, by guide id.
    pub guides: Vec<Caseload>,
    /// Buildings no guide takes, by id.
    pub unassigned: Vec<Unassigned>,
    /// The largest load: minimised (after placing as much load as possible).
    pub max_load: u64,
    /// The smallest load: maximised among equal largest.
    pub min_load: u64,
    /// `max_load - min_load`.
    pub imbalance: u64,
    /// No assignment of the same buildings has a smaller largest load.
    pub lower_bound: u64,
    /// `max_load - lower_bound`: 0 proves the largest load optimal.
    pub gap: u64,
    /// No assignment is better (placed load, then largest load, then
    /// smallest load): proven by the exact search finishing (and then this
    /// is the first best in its order), or by meeting the bounds — every
    /// building placed, the largest load at `lower_bound` and the smallest
    /// at the mean rounded down.
    pub optimal: bool,
    /// Nodes the exact search visited.
    pub nodes: u64,
}

struct Problem {
    /// Buildings by load (largest first), then id: (given index, load, households).
    buildings: Vec<(usize, u64, u64)>,
    /// For each building (in that order), the guides who may take it.
    eligible: Vec<Vec<usize>>,
    /// Each guide's cap, in guide-id order.
    caps: Vec<u64>,
}

/// Assigns buildings to guides.
///
/// A building goes to at most one guide whose base is within `max_distance`
/// and whose households stay within their cap. The assignment places as much
/// load as it can, then makes the largest load as small as possible, then the
/// smallest as large as possible. Buildings are taken largest load first (then
/// by id), guides by id; ties go to the first assignment in that order.
///
/// This is makespan scheduling with eligibility and a second capacity, NP-hard:
/// instances with up to [`EXACT_BUILDINGS`] buildings are searched exactly
/// (within the node limit); larger ones get the largest-first greedy and
/// improving moves and swaps, reported with the gap to a proven lower bound
/// (the mean load, the largest building, and what only one guide may take).
///
/// ```
/// use guided_community_matching::{assign_caseloads, CaseloadInput, CaseloadOptions};
///
/// let input: CaseloadInput = serde_json::from_str(r#"{
///   "buildings": [{"id": "B1", "households": 700}, {"id": "B2", "households": 600},
///                 {"id": "B3", "households": 500}, {"id": "B4", "households": 400}],
///   "guides": [{"id": "g1", "base": "B1"}, {"id": "g2", "base": "B4"}]
/// }"#)?;
/// let c = assign_caseloads(&input, CaseloadOptions::default())?;
/// assert_eq!((c.max_load, c.min_load), (1100, 1100));
/// assert!(c.optimal);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// Repeated or empty ids, a missing or contradictory distance (when
/// `max_distance` is given), no guides, or more than [`MAX_BUILDINGS`]
/// buildings or [`MAX_GUIDES`] guides.
pub fn assign_caseloads(input: &CaseloadInput, options: CaseloadOptions) -> Result<Caseloads> {
    check(input)?;
    let distances = Distances::try_new(&input.distance)?;

    let mut guide_order: Vec<usize> = (0..input.guides.len()).collect();
    guide_order.sort_by(|&a, &b| {
        let id = |i: usize| input.guides.get(i).map_or("", |g| g.id.as_str());
        id(a).cmp(id(b))
    });
    let guides: Vec<&Guide> = guide_order
        .iter()
        .filter_map(|&i| input.guides.get(i))
        .collect();
    let caps: Vec<u64> = guides
        .iter()
        .map(|g| u64::from(g.cap.unwrap_or(input.cap)))
        .collect();

    let (problem, mut unassigned, distance_to) = eligibility(input, &guides, caps, &distances)?;

    let mut assign = greedy(&problem);
    improve(&problem, &mut assign);
    let (mut optimal, mut nodes) = (false, 0);
    if problem.buildings.len() <= EXACT_BUILDINGS {
        let (best, proven, visited) = search(&problem, assign.clone(), options.node_limit);
        assign = best;
        optimal = proven;
        nodes = visited;
    }

    // The result, in ids.
    let mut loads = vec![(Vec::new(), 0_u64, 0_u64, 0_u32); guides.len()];
    for (k, slot) in assign.iter().enumerate() {
        let (Some(g), Some(&(i, load, households))) = (*slot, problem.buildings.get(k)) else {
            if let Some(&(i, _, _)) = problem.buildings.get(k)
                && let Some(b) = input.buildings.get(i)
            {
                unassigned.push(Unassigned {
                    building: b.id.clone(),
                    reason: UnassignedReason::NoRoom {},
                });
            }
            continue;
        };
        if let (Some(entry), Some(b)) = (loads.get_mut(g), input.buildings.get(i)) {
            entry.0.push(b.id.clone());
            entry.1 += households;
            entry.2 += load;
            let d = distance_to
                .get(k)
                .and_then(|row| row.get(g))
                .copied()
                .unwrap_or(0);
            entry.3 = entry.3.max(d);
        }
    }
    let max_load = loads.iter().map(|l| l.2).max().unwrap_or(0);
    let min_load = loads.iter().map(|l| l.2).min().unwrap_or(0);
    let lower_bound = lower_bound(&problem, &assign).min(max_load);
    let placed: u64 = loads.iter().map(|l| l.2).sum();
    if assign.iter().all(Option::is_some)
        && max_load == lower_bound
        && min_load == placed / guides.len().max(1) as u64
    {
        optimal = true;
    }
    unassigned.sort_by(|a, b| a.building.cmp(&b.building));
    Ok(Caseloads {
        guides: guides
            .iter()
            .zip(loads)
            .map(|(g, (mut buildings, households, load, farthest))| {
                buildings.sort();
                Caseload {
                    guide: g.id.clone(),
                    buildings,
                    households,
                    load,
                    farthest,
                }
            })
            .collect(),
        unassigned,
        max_load,
        min_load,
        imbalance: max_load - min_load,
        lower_bound,
        gap: max_load - lower_bound,
        optimal,
        nodes,
    })
}

/// The most need-weighted load all buildings may add up to.
pub const MAX_TOTAL_LOAD: u64 = 1_000_000_000_000_000;

/// Sizes within the limits, at least one guide, ids unique.
fn check(input: &CaseloadInput) -> Result<()> {
    let total = input
        .buildings
        .iter()
        .try_fold(0_u64, |sum, b| sum.checked_add(b.load()))
        .filter(|&t| t <= MAX_TOTAL_LOAD);
    if total.is_none() {
        return Err(Error::TooLarge {
            what: "buildings whose loads add up to more than 10^15".to_owned(),
            max: MAX_TOTAL_LOAD,
        });
    }
    if input.buildings.len() > MAX_BUILDINGS {
        return Err(Error::TooLarge {
            what: format!("{} buildings", grouped(input.buildings.len() as u64)),
            max: MAX_BUILDINGS as u64,
        });
    }
    if input.guides.is_empty() {
        return Err(Error::NoGuides);
    }
    if input.guides.len() > MAX_GUIDES {
        return Err(Error::TooLarge {
            what: format!("{} guides", grouped(input.guides.len() as u64)),
            max: MAX_GUIDES as u64,
        });
    }
    unique(
        "buildings",
        "building",
        input.buildings.iter().map(|b| b.id.as_str()),
    )?;
    unique(
        "guides",
        "guide",
        input.guides.iter().map(|g| g.id.as_str()),
    )?;
    Ok(())
}

/// Buildings in order (largest load first, then id) with the guides who may
/// take each, the buildings no guide may take, and each building's distance
/// to each guide's base (0 without a distance table).
#[allow(
    clippy::type_complexity,
    reason = "three results of one pass, named at the call"
)]
fn eligibility(
    input: &CaseloadInput,
    guides: &[&Guide],
    caps: Vec<u64>,
    distances: &Distances<'_>,
) -> Result<(Problem, Vec<Unassigned>, Vec<Vec<u32>>)> {
    let mut order: Vec<usize> = (0..input.buildings.len()).collect();
    order.sort_by(|&a, &b| {
        let (Some(x), Some(y)) = (input.buildings.get(a), input.buildings.get(b)) else {
            return core::cmp::Ordering::Equal;
        };
        y.load().cmp(&x.load()).then_with(|| x.id.cmp(&y.id))
    });
    let mut problem = Problem {
        buildings: Vec::new(),
        eligible: Vec::new(),
        caps,
    };
    let measured = input.max_distance.is_some() || !input.distance.is_empty();
    let mut unassigned = Vec::new();
    let mut distance_to: Vec<Vec<u32>> = Vec::new();
    for &i in &order {
        let Some(b) = input.buildings.get(i) else {
            continue;
        };
        let mut eligible = Vec::new();
        let mut nearest: Option<(u32, &str)> = None;
        let mut row = Vec::with_capacity(guides.len());
        for (g, guide) in guides.iter().enumerate() {
            let d = if measured {
                distances.between(&guide.base, &b.id)?
            } else {
                0
            };
            row.push(d);
            if nearest.is_none_or(|(n, _)| d < n) {
                nearest = Some((d, guide.id.as_str()));
            }
            let near = input.max_distance.is_none_or(|m| d <= m);
            let fits = u64::from(b.households) <= problem.caps.get(g).copied().unwrap_or(0);
            if near && fits {
                eligible.push(g);
            }
        }
        if eligible.is_empty() {
            let largest = problem.caps.iter().copied().max().unwrap_or(0);
            let reason = match (input.max_distance, nearest) {
                (Some(max), Some((d, g))) if d > max => UnassignedReason::TooFar {
                    nearest: g.to_owned(),
                    distance: d,
                    max_distance: max,
                },
                _ if u64::from(b.households) > largest => UnassignedReason::OverCap {
                    households: b.households,
                    cap: u32::try_from(largest).unwrap_or(u32::MAX),
                },
                _ => UnassignedReason::NoRoom {},
            };
            unassigned.push(Unassigned {
                building: b.id.clone(),
                reason,
            });
            continue;
        }
        problem
            .buildings
            .push((i, b.load(), u64::from(b.households)));
        problem.eligible.push(eligible);
        distance_to.push(row);
    }
    Ok((problem, unassigned, distance_to))
}

/// Totals per guide: (load, households).
fn totals(problem: &Problem, assign: &[Option<usize>]) -> Vec<(u64, u64)> {
    let mut t = vec![(0, 0); problem.caps.len()];
    for (slot, &(_, load, households)) in assign.iter().zip(&problem.buildings) {
        if let Some(entry) = slot.and_then(|g| t.get_mut(g)) {
            entry.0 += load;
            entry.1 += households;
        }
    }
    t
}

/// Largest first, each to the least loaded guide with room (then by id).
fn greedy(problem: &Problem) -> Vec<Option<usize>> {
    let mut t = vec![(0_u64, 0_u64); problem.caps.len()];
    let mut assign = Vec::with_capacity(problem.buildings.len());
    for (&(_, load, households), eligible) in problem.buildings.iter().zip(&problem.eligible) {
        let choice = eligible
            .iter()
            .copied()
            .filter(|&g| {
                let cap = problem.caps.get(g).copied().unwrap_or(0);
                t.get(g).is_some_and(|x| x.1 + households <= cap)
            })
            .min_by_key(|&g| (t.get(g).map_or(0, |x| x.0), g));
        if let Some(entry) = choice.and_then(|g| t.get_mut(g)) {
            entry.0 += load;
            entry.1 += households;
        }
        assign.push(choice);
    }
    assign
}

/// The value compared: (placed load, −largest, smallest).
fn value(problem: &Problem, assign: &[Option<usize>]) -> (u64, core::cmp::Reverse<u64>, u64) {
    let t = totals(problem, assign);
    let placed = t.iter().map(|x| x.0).sum();
    let max = t.iter().map(|x| x.0).max().unwrap_or(0);
    let min = t.iter().map(|x| x.0).min().unwrap_or(0);
    (placed, core::cmp::Reverse(max), min)
}

/// The value a local move compares: (placed load, −largest, smallest,
/// −sum of squares). The last only steers the moves off plateaus (fewer
/// guides at the largest load); it is not part of the objective.
type MoveValue = (u64, core::cmp::Reverse<u64>, u64, core::cmp::Reverse<u128>);

/// Buildings given new guides (or none).
type Change = Vec<(usize, Option<usize>)>;

/// The move value of loads `t` with guides `changes` set to new loads.
fn move_value(t: &[(u64, u64)], changes: &[(usize, u64)]) -> MoveValue {
    let (mut placed, mut max, mut min, mut squares) = (0_u64, 0_u64, u64::MAX, 0_u128);
    for (g, &(load, _)) in t.iter().enumerate() {
        let load = changes.iter().find(|c| c.0 == g).map_or(load, |c| c.1);
        placed += load;
        max = max.max(load);
        min = min.min(load);
        squares += u128::from(load) * u128::from(load);
    }
    (
        placed,
        core::cmp::Reverse(max),
        if t.is_empty() { 0 } else { min },
        core::cmp::Reverse(squares),
    )
}

/// Moves and swaps that make the value better, until none does: a building
/// to another guide (or an unplaced one in), or two buildings of different
/// guides trading places. Each accepted change is strictly better, so this
/// ends; a bound on the passes keeps a pathological instance short.
fn improve(problem: &Problem, assign: &mut [Option<usize>]) {
    let n = assign.len();
    let mut t = totals(problem, assign);
    let cap = |g: usize| problem.caps.get(g).copied().unwrap_or(0);
    let info = |k: usize| problem.buildings.get(k).map_or((0, 0), |b| (b.1, b.2));
    for _ in 0..20 * n.max(1) {
        let current = move_value(&t, &[]);
        let mut best: Option<(MoveValue, Change)> = None;
        let consider = |best: &mut Option<(MoveValue, Change)>, v: MoveValue, change: Change| {
            if v > current && best.as_ref().is_none_or(|b| v > b.0) {
                *best = Some((v, change));
            }
        };
        for k in 0..n {
            let (load, households) = info(k);
            let from = assign.get(k).copied().flatten();
            for &g in problem.eligible.get(k).map_or(&[][..], Vec::as_slice) {
                let Some(&(lg, hg)) = t.get(g) else {
                    continue;
                };
                if Some(g) == from || hg + households > cap(g) {
                    continue;
                }
                let mut changes = vec![(g, lg + load)];
                if let Some(f) = from
                    && let Some(&(lf, _)) = t.get(f)
                {
                    changes.push((f, lf - load));
                }
                consider(&mut best, move_value(&t, &changes), vec![(k, Some(g))]);
            }
        }
        if best.is_none() {
            // Swaps, only with a building of a guide at the largest or the
            // smallest load: no other swap can change either.
            let (max, min) = (current.1.0, current.2);
            for a in 0..n {
                let Some(ga) = assign.get(a).copied().flatten() else {
                    continue;
                };
                let Some(&(la, ha)) = t.get(ga) else {
                    continue;
                };
                if la != max && la != min {
                    continue;
                }
                let (wa, na) = info(a);
                for b in 0..n {
                    let Some(gb) = assign.get(b).copied().flatten() else {
                        continue;
                    };
                    let (wb, nb) = info(b);
                    if ga == gb
                        || wa == wb
                        || !problem.eligible.get(a).is_some_and(|e| e.contains(&gb))
                        || !problem.eligible.get(b).is_some_and(|e| e.contains(&ga))
                    {
                        continue;
                    }
                    let Some(&(lb, hb)) = t.get(gb) else {
                        continue;
                    };
                    if ha + nb - na > cap(ga) || hb + na - nb > cap(gb) {
                        continue;
                    }
                    let changes = [(ga, la + wb - wa), (gb, lb + wa - wb)];
                    consider(
                        &mut best,
                        move_value(&t, &changes),
                        vec![(a, Some(gb)), (b, Some(ga))],
                    );
                }
            }
        }
        let Some((_, change)) = best else {
            return;
        };
        for (k, g) in change {
            let (load, households) = info(k);
            if let Some(slot) = assign.get_mut(k) {
                if let Some(old) = slot.and_then(|o| t.get_mut(o)) {
                    old.0 -= load;
                    old.1 -= households;
                }
                *slot = g;
            }
            if let Some(new) = g.and_then(|g| t.get_mut(g)) {
                new.0 += load;
                new.1 += households;
            }
        }
    }
}

/// A lower bound on the largest load of any assignment placing the same load:
/// the mean over the guides, the largest building, and the buildings only one
/// guide may take.
fn lower_bound(problem: &Problem, assign: &[Option<usize>]) -> u64 {
    let placed: u64 = assign
        .iter()
        .zip(&problem.buildings)
        .filter(|(slot, _)| slot.is_some())
        .map(|(_, b)| b.1)
        .sum();
    let guides = problem.caps.len().max(1) as u64;
    let mut bound = placed.div_ceil(guides);
    let mut only = vec![0_u64; problem.caps.len()];
    for ((slot, b), eligible) in assign.iter().zip(&problem.buildings).zip(&problem.eligible) {
        if slot.is_some() {
            bound = bound.max(b.1);
            if let [g] = eligible.as_slice()
                && let Some(x) = only.get_mut(*g)
            {
                *x += b.1;
            }
        }
    }
    only.into_iter().fold(bound, u64::max)
}

/// Branch and bound from `start`; the best assignment, whether the search
/// finished, and the nodes visited.
fn search(
    problem: &Problem,
    start: Vec<Option<usize>>,
    limit: u64,
) -> (Vec<Option<usize>>, bool, u64) {
    struct S<'a> {
        problem: &'a Problem,
        assign: Vec<Option<usize>>,
        t: Vec<(u64, u64)>,
        best: (u64, core::cmp::Reverse<u64>, u64),
        best_assign: Vec<Option<usize>>,
        from_search: bool,
        nodes: Nodes,
        /// Load of the buildings from each position on.
        suffix: Vec<u64>,
    }
    impl S<'_> {
        fn beats(&self, v: (u64, core::cmp::Reverse<u64>, u64)) -> bool {
            v > self.best || (v == self.best && !self.from_search)
        }
        fn dfs(&mut self, k: usize) {
            if !self.nodes.visit() {
                return;
            }
            let placed: u64 = self.t.iter().map(|x| x.0).sum();
            let left = self.suffix.get(k).copied().unwrap_or(0);
            let guides = self.t.len().max(1) as u64;
            let max = self.t.iter().map(|x| x.0).max().unwrap_or(0);
            let min = self.t.iter().map(|x| x.0).min().unwrap_or(0);
            // Placing everything left: the largest is at least the mean; the
            // smallest at most the mean and at most the current smallest plus
            // everything left.
            let total = placed + left;
            let bound = (
                total,
                core::cmp::Reverse(max.max(total.div_ceil(guides))),
                (total / guides).min(min + left),
            );
            if !self.beats(bound) {
                return;
            }
            let Some(&(_, load, households)) = self.problem.buildings.get(k) else {
                let v = (placed, core::cmp::Reverse(max), min);
                if self.beats(v) {
                    self.best = v;
                    self.best_assign.clone_from(&self.assign);
                    self.from_search = true;
                }
                return;
            };
            let eligible = self.problem.eligible.get(k).cloned().unwrap_or_default();
            for g in eligible {
                let cap = self.problem.caps.get(g).copied().unwrap_or(0);
                if self.t.get(g).is_none_or(|x| x.1 + households > cap) {
                    continue;
                }
                if let Some(x) = self.t.get_mut(g) {
                    x.0 += load;
                    x.1 += households;
                }
                if let Some(slot) = self.assign.get_mut(k) {
                    *slot = Some(g);
                }
                self.dfs(k + 1);
                if let Some(x) = self.t.get_mut(g) {
                    x.0 -= load;
                    x.1 -= households;
                }
                if let Some(slot) = self.assign.get_mut(k) {
                    *slot = None;
                }
                if self.nodes.stopped {
                    return;
                }
            }
            // Unplaced: the bound from k + 1 on no longer counts it.
            self.dfs(k + 1);
        }
    }
    let n = problem.buildings.len();
    let mut suffix = vec![0_u64; n + 1];
    for k in (0..n).rev() {
        let load = problem.buildings.get(k).map_or(0, |b| b.1);
        let next = suffix.get(k + 1).copied().unwrap_or(0);
        if let Some(s) = suffix.get_mut(k) {
            *s = next + load;
        }
    }
    let best = value(problem, &start);
    let mut s = S {
        problem,
        assign: vec![None; n],
        t: vec![(0, 0); problem.caps.len()],
        best,
        best_assign: start,
        from_search: false,
        nodes: Nodes::new(limit),
        suffix,
    };
    s.dfs(0);
    (s.best_assign, !s.nodes.stopped, s.nodes.visited)
}
