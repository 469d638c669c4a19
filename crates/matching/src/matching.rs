//! Matching requests to volunteers: the result and how it is found.

use core::fmt;

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::Result;
use crate::input::{Instance, MatchOptions};
use crate::prepare::{NoCandidate, Prepared, prepare};
use crate::search::{
    Block, Goal, Outcome, State, components, exact, lagrangian_bound, urgency_bound,
};

/// Passes of improving moves after the greedy start.
const ROUNDS: u32 = 20;

/// The whole exact search may visit this many times
/// [`MatchOptions::node_limit`] nodes (10,000,000 by default, under two
/// seconds here); parts after that keep the heuristic's matching.
pub const TOTAL_NODES_PER_LIMIT: u64 = 50;

/// Subgradient steps for the upper bound of a part not searched to the end.
const BOUND_ITERATIONS: u32 = 30;

/// A request served: by whom, and why they can.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Match {
    /// The request (also the match's id: a request is served at most once).
    pub request: String,
    /// The volunteer who serves it.
    pub volunteer: String,
    /// The skill it needs, which they have…
    pub skill: String,
    /// …at this level (at least the level asked for).
    pub level: u8,
    /// When the service starts.
    pub from: DateTime<FixedOffset>,
    /// When it ends.
    pub to: DateTime<FixedOffset>,
    /// The volunteer's availability window it lies in (windows that touch are
    /// one).
    pub window: (DateTime<FixedOffset>, DateTime<FixedOffset>),
    /// Where the volunteer lives.
    pub volunteer_building: String,
    /// Where the resident lives.
    pub request_building: String,
    /// The distance between the two.
    pub distance: u32,
    /// The service's hours, in hundredths rounded down (as the points bank
    /// credits them).
    pub hours: Decimal,
    /// The request's urgency.
    pub urgency: u32,
}

/// A request not served, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Unmatched {
    /// The request.
    pub request: String,
    /// Why it is not served.
    #[serde(flatten)]
    pub reason: Reason,
}

/// Why a request is not served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Reason {
    /// Its `to` is not after its `from`.
    InvalidWindow {},
    /// No volunteer has the skill (at the level asked).
    NoSkill {
        /// The skill.
        skill: String,
        /// The level asked.
        level: u8,
        /// The best level anyone has, when someone has the skill below it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        best_level: Option<u8>,
    },
    /// Volunteers have the skill, but none is available for the whole window.
    NotAvailable {
        /// Who has the skill.
        volunteers: Vec<String>,
    },
    /// Volunteers with the skill are available, but the service alone is
    /// longer than each one's limit.
    OverLimit {
        /// Who is available with the skill.
        volunteers: Vec<String>,
    },
    /// Everyone who could serve it is serving an overlapping request or would
    /// pass their limit: serving it would mean serving less urgency in all.
    Busy {
        /// Each volunteer who could, and what stands in the way.
        candidates: Vec<Busy>,
    },
}

/// A volunteer who could serve a request, and why they do not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Busy {
    /// The volunteer.
    pub volunteer: String,
    /// What stands in the way.
    #[serde(flatten)]
    pub because: Because,
}

/// What keeps a volunteer from a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "because", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Because {
    /// They serve this overlapping request.
    Overlap {
        /// The other request.
        with: String,
    },
    /// Their hours would pass their limit.
    Limit {
        /// Hours they serve.
        hours: Decimal,
        /// Their limit.
        max_hours: Decimal,
    },
}

/// A volunteer's load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Load {
    /// The volunteer.
    pub volunteer: String,
    /// Requests they serve.
    pub requests: u32,
    /// Hours they serve (hundredths, rounded down).
    pub hours: Decimal,
    /// Their limit.
    pub max_hours: Decimal,
    /// The share of their limit used, in percent to one decimal, rounded down.
    pub percent: Decimal,
}

/// What the matching achieves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Objective {
    /// The summed urgency of the requests served: maximised first.
    pub urgency: u64,
    /// The summed distance walked: minimised next (after the load, when it
    /// is spread).
    pub distance: u64,
    /// The largest share of a volunteer's limit used, in percent (minimised
    /// between the two when the load is spread).
    pub max_load_percent: Decimal,
}

/// Whether the matching is proven optimal, and how far from optimal it can be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Optimality {
    /// The search finished on every part of the instance: no matching is
    /// better, and among equals this is the one the tie rule picks.
    pub proven: bool,
    /// No matching serves more urgency than this.
    pub urgency_bound: u64,
    /// `urgency_bound` minus the urgency served: 0 proves the urgency optimal
    /// (the distance may still not be).
    pub gap: u64,
    /// Independent parts (requests linked by volunteers who could serve them).
    pub components: u32,
    /// Parts searched exactly to the end.
    pub searched: u32,
    /// Nodes the exact search visited.
    pub nodes: u64,
}

/// A matching: who serves whom, who is not served and why, and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Matching {
    /// Requests served, by request id.
    pub matches: Vec<Match>,
    /// Requests not served, by request id.
    pub unmatched: Vec<Unmatched>,
    /// Its value.
    pub objective: Objective,
    /// Whether it is proven optimal.
    pub optimality: Optimality,
    /// Every volunteer's load, by volunteer id.
    pub loads: Vec<Load>,
}

/// Matches requests to volunteers.
///
/// A request is served by at most one volunteer who has its skill (at its
/// level), is available for the whole of its window, serves no overlapping
/// request and stays within their limit in all. The matching maximises the
/// summed urgency served, then (with [`MatchOptions::spread_load`]) minimises
/// the largest share of a limit used, then minimises the distance walked.
///
/// **Ties** are broken by priority: requests are taken in order of urgency,
/// need, time waited (longest first) and id, and among optimal matchings the
/// one chosen gives each request in turn its nearest possible volunteer
/// (smallest id among equals), serving it whenever some optimal matching does.
/// Input order never matters.
///
/// **Exactness.** With time windows and weekly limits this is NP-hard (it
/// holds interval scheduling with eligibility and a knapsack per volunteer),
/// so no polynomial algorithm is exact. The instance splits into independent
/// parts; each with up to [`EXACT_REQUESTS`](crate::EXACT_REQUESTS) requests
/// is searched exactly by branch and bound within
/// [`MatchOptions::node_limit`] nodes (and all parts together within
/// [`TOTAL_NODES_PER_LIMIT`] times that); larger ones get a greedy start and
/// improving moves. [`Optimality`] says which: `proven` only when every part
/// was searched to the end (or trivially optimal: every request served by its
/// nearest volunteer), and otherwise an upper bound on the urgency with the
/// gap to it.
///
/// ```
/// use guided_community_matching::{match_requests, Instance, MatchOptions};
///
/// let instance: Instance = serde_json::from_str(r#"{
///   "requests": [
///     {"id": "r1", "skill": "escort", "from": "2025-10-13T09:00:00+08:00",
///      "to": "2025-10-13T11:00:00+08:00", "building": "B1", "urgency": 3},
///     {"id": "r2", "skill": "escort", "from": "2025-10-13T10:00:00+08:00",
///      "to": "2025-10-13T12:00:00+08:00", "building": "B2", "urgency": 1}
///   ],
///   "volunteers": [
///     {"id": "v1", "skills": ["escort"], "building": "B2", "max_hours": 4,
///      "available": [["2025-10-13T08:00:00+08:00", "2025-10-13T18:00:00+08:00"]]}
///   ],
///   "distance": {"B1": {"B2": 300}}
/// }"#)?;
/// let m = match_requests(&instance, MatchOptions::default())?;
/// // One volunteer, two overlapping requests: the more urgent is served.
/// assert_eq!(m.matches[0].request, "r1");
/// assert_eq!(m.matches[0].distance, 300);
/// assert_eq!(m.unmatched[0].to_string(), "request `r2` is not served: v1 serves the overlapping `r1`");
/// assert!(m.optimality.proven);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// Repeated or empty ids, a volunteer's window that ends before it starts, a
/// limit outside 0 to 8,784 hours, a missing or contradictory distance, or an
/// instance beyond the documented limits
/// ([`MAX_REQUESTS`](crate::MAX_REQUESTS) and the others).
pub fn match_requests(instance: &Instance, options: MatchOptions) -> Result<Matching> {
    let p = prepare(instance)?;
    let comps = components(&p);
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut state = State::new(&p);
    let small = |c: &crate::search::Component| c.requests.len() <= crate::EXACT_REQUESTS;
    // One budget for the whole search: parts are searched in order until it
    // runs out, so many hard parts cannot add up to minutes.
    let mut budget = options.node_limit.saturating_mul(TOTAL_NODES_PER_LIMIT);
    let mut search = |state: &mut State<'_>, comp, goal| {
        let outcome = exact(state, comp, goal, options.node_limit.min(budget));
        budget = budget.saturating_sub(outcome.nodes);
        outcome
    };
    if options.spread_load {
        // First the least largest share that serves the most urgency…
        state.best_start(Goal::Share);
        state.improve(Goal::Share, ROUNDS);
        for comp in comps.iter().filter(|c| small(c)) {
            outcomes.push(search(&mut state, comp, Goal::Share));
        }
        let all: Vec<u32> = (0..p.volunteers.len())
            .map(|v| u32::try_from(v).unwrap_or(u32::MAX))
            .collect();
        // …then the least distance with no one's share above it.
        state.cap = Some(state.max_share(&all));
    } else {
        state.best_start(Goal::Distance);
    }
    state.improve(Goal::Distance, ROUNDS);
    let mut searched = vec![false; comps.len()];
    for (i, comp) in comps.iter().enumerate() {
        if small(comp) {
            let outcome = search(&mut state, comp, Goal::Distance);
            if let Some(s) = searched.get_mut(i) {
                *s = outcome.proven;
            }
            outcomes.push(outcome);
        }
    }
    // The cap never costs urgency: serve whatever still fits without it.
    state.cap = None;
    state.greedy(Goal::Distance);

    let mut bound = 0;
    let mut proven_parts = 0_u32;
    for (i, comp) in comps.iter().enumerate() {
        let served: u64 = comp
            .requests
            .iter()
            .filter(|&&r| state.assigned.get(r as usize).is_some_and(Option::is_some))
            .filter_map(|&r| p.requests.get(r as usize))
            .map(|r| r.urgency)
            .sum();
        // Every request served by its nearest volunteer is trivially optimal.
        let trivial = !options.spread_load
            && comp
                .requests
                .iter()
                .all(|&r| state.assigned.get(r as usize).copied().flatten() == Some(0));
        let proven = trivial || searched.get(i).copied().unwrap_or(false);
        if proven {
            proven_parts += 1;
            bound += served;
        } else {
            let quick = urgency_bound(&p, comp);
            bound += lagrangian_bound(&p, comp, served, BOUND_ITERATIONS)
                .min(quick)
                .max(served);
        }
    }
    let proven = proven_parts as usize == comps.len()
        && outcomes.iter().all(|o| o.proven || !options.spread_load);
    let nodes = outcomes.iter().map(|o| o.nodes).sum();
    let components = u32::try_from(comps.len()).unwrap_or(u32::MAX);
    Ok(assemble(
        instance,
        &p,
        &state,
        Optimality {
            proven,
            urgency_bound: bound,
            gap: 0,
            components,
            searched: proven_parts,
            nodes,
        },
    ))
}

/// The caller's volunteers and requests, by the solver's indices.
struct Names<'a> {
    instance: &'a Instance,
    p: &'a Prepared,
}

impl<'a> Names<'a> {
    fn volunteer(&self, v: u32) -> Option<&'a crate::Volunteer> {
        self.p
            .volunteers
            .get(v as usize)
            .and_then(|v| self.instance.volunteers.get(v.given))
    }

    fn volunteer_id(&self, v: u32) -> String {
        self.volunteer(v).map_or_else(String::new, |v| v.id.clone())
    }

    fn request_id(&self, r: u32) -> String {
        self.p
            .requests
            .get(r as usize)
            .and_then(|r| self.instance.requests.get(r.given))
            .map_or_else(String::new, |r| r.id.clone())
    }
}

/// Hours in hundredths, rounded down, of `seconds`.
fn hours(seconds: i64) -> Decimal {
    Decimal::new(seconds / 36, 2)
}

fn percent(used: i64, limit: i64) -> Decimal {
    if limit <= 0 {
        return Decimal::ZERO;
    }
    let tenths = i128::from(used) * 1000 / i128::from(limit);
    Decimal::new(i64::try_from(tenths).unwrap_or(i64::MAX), 1)
}

fn assemble(
    instance: &Instance,
    p: &Prepared,
    state: &State<'_>,
    mut optimality: Optimality,
) -> Matching {
    let names = Names { instance, p };
    let volunteer = |v: u32| names.volunteer(v);
    let vname = |v: u32| names.volunteer_id(v);
    let mut matches = Vec::new();
    let mut unmatched = Vec::new();
    let (mut urgency, mut distance) = (0_u64, 0_u64);
    for (r, req) in p.requests.iter().enumerate() {
        let r = u32::try_from(r).unwrap_or(u32::MAX);
        let Some(given) = instance.requests.get(req.given) else {
            continue;
        };
        let assigned = state.assigned.get(r as usize).copied().flatten();
        if let Some(cand) = assigned.and_then(|c| req.candidates.get(c as usize)) {
            let vol = p.volunteers.get(cand.volunteer as usize);
            let window = vol
                .and_then(|v| v.windows.get(cand.window as usize))
                .map_or((given.from, given.to), |w| (w.from, w.to));
            urgency += req.urgency;
            distance += u64::from(cand.distance);
            matches.push(Match {
                request: given.id.clone(),
                volunteer: vname(cand.volunteer),
                skill: given.skill.clone(),
                level: cand.level,
                from: given.from,
                to: given.to,
                window,
                volunteer_building: volunteer(cand.volunteer)
                    .map_or_else(String::new, |v| v.building.clone()),
                request_building: given.building.clone(),
                distance: cand.distance,
                hours: hours(req.duration()),
                urgency: given.urgency,
            });
            continue;
        }
        let reason = reason(instance, p, state, r, given);
        unmatched.push(Unmatched {
            request: given.id.clone(),
            reason,
        });
    }
    matches.sort_by(|a, b| a.request.cmp(&b.request));
    unmatched.sort_by(|a, b| a.request.cmp(&b.request));
    let mut loads = Vec::with_capacity(p.volunteers.len());
    let mut max_load = Decimal::ZERO;
    for (v, vol) in p.volunteers.iter().enumerate() {
        let v = u32::try_from(v).unwrap_or(u32::MAX);
        let used = state.used.get(v as usize).copied().unwrap_or(0);
        let share = percent(used, vol.limit);
        max_load = max_load.max(share);
        loads.push(Load {
            volunteer: vname(v),
            requests: u32::try_from(state.busy.get(v as usize).map_or(0, Vec::len))
                .unwrap_or(u32::MAX),
            hours: hours(used),
            max_hours: volunteer(v).map_or(Decimal::ZERO, |v| v.max_hours.normalize()),
            percent: share,
        });
    }
    optimality.urgency_bound = optimality.urgency_bound.max(urgency);
    optimality.gap = optimality.urgency_bound - urgency;
    Matching {
        matches,
        unmatched,
        objective: Objective {
            urgency,
            distance,
            max_load_percent: max_load,
        },
        optimality,
        loads,
    }
}

/// Why request `r` (priority index), given as `given`, is not served.
fn reason(
    instance: &Instance,
    p: &Prepared,
    state: &State<'_>,
    r: u32,
    given: &crate::Request,
) -> Reason {
    let names = Names { instance, p };
    let volunteer = |v: u32| names.volunteer(v);
    let vname = |v: u32| names.volunteer_id(v);
    let rname = |r: u32| names.request_id(r);
    let Some(req) = p.requests.get(r as usize) else {
        return Reason::InvalidWindow {};
    };
    let names = |vs: &[u32]| vs.iter().map(|&v| vname(v)).collect::<Vec<_>>();
    match &req.none {
        Some(NoCandidate::InvalidWindow) => Reason::InvalidWindow {},
        Some(NoCandidate::NoSkill { best_level }) => Reason::NoSkill {
            skill: given.skill.clone(),
            level: given.level,
            best_level: *best_level,
        },
        Some(NoCandidate::NotAvailable { volunteers }) => Reason::NotAvailable {
            volunteers: names(volunteers),
        },
        Some(NoCandidate::TooLong { volunteers }) => Reason::OverLimit {
            volunteers: names(volunteers),
        },
        None => Reason::Busy {
            candidates: req
                .candidates
                .iter()
                .enumerate()
                .map(|(c, cand)| {
                    let c = u32::try_from(c).unwrap_or(u32::MAX);
                    let because = match state.blocked(r, c) {
                        Some(Block::Overlap(other)) => Because::Overlap { with: rname(other) },
                        _ => Because::Limit {
                            hours: hours(
                                state
                                    .used
                                    .get(cand.volunteer as usize)
                                    .copied()
                                    .unwrap_or(0),
                            ),
                            max_hours: volunteer(cand.volunteer)
                                .map_or(Decimal::ZERO, |v| v.max_hours.normalize()),
                        },
                    };
                    Busy {
                        volunteer: vname(cand.volunteer),
                        because,
                    }
                })
                .collect(),
        },
    }
}

impl fmt::Display for Unmatched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "request `{}` is not served: ", self.request)?;
        let list = |vs: &[String]| vs.join(", ");
        match &self.reason {
            Reason::InvalidWindow {} => f.write_str("its end is not after its start"),
            Reason::NoSkill {
                skill,
                level,
                best_level,
            } => match best_level {
                Some(best) => write!(
                    f,
                    "no volunteer has `{skill}` at level {level} (the best is level {best})"
                ),
                None => write!(f, "no volunteer has the skill `{skill}`"),
            },
            Reason::NotAvailable { volunteers } => write!(
                f,
                "{} with the skill, none is available for the whole time",
                list(volunteers)
            ),
            Reason::OverLimit { volunteers } => write!(
                f,
                "it is longer than the weekly limit of {}",
                list(volunteers)
            ),
            Reason::Busy { candidates } => {
                for (i, c) in candidates.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    match &c.because {
                        Because::Overlap { with } => {
                            write!(f, "{} serves the overlapping `{with}`", c.volunteer)?;
                        }
                        Because::Limit { hours, max_hours } => write!(
                            f,
                            "{} already serves {hours} of their {max_hours} hours",
                            c.volunteer
                        )?,
                    }
                }
                Ok(())
            }
        }
    }
}
