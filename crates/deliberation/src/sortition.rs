//! Selecting a council by lottery (sortition with quotas), maximin-fair.
//!
//! The method is Flanigan, Gölz, Gupta, Hennig & Procaccia, "Fair algorithms for
//! selecting citizens' assemblies", Nature 596 (2021): among all lotteries over
//! councils that meet every rule, take the one whose selection probabilities are
//! **leximin**-optimal — the smallest probability as large as possible, then the
//! second smallest, and so on. It is computed by column generation: a linear
//! program over the councils found so far, and an integer program that finds the
//! council the current dual prices value most.
//!
//! Volunteers who agree on every attribute the rules look at are interchangeable,
//! so the programs work on those *types* (a few dozen for a pool of 200) and the
//! draw picks members of a type uniformly. The solver is `microlp` (pure Rust,
//! floating point, deterministic, no time limit); every council it proposes is
//! re-checked against the rules in exact integers. The lottery actually used has
//! exact weights: each type's chance is snapped to the simplest fraction within
//! 10⁻⁸ of the solver's (2/3, not 0.6666667) and the weights that give exactly those
//! chances are solved for in exact rationals over the same councils (`rational.rs`);
//! only if none exist are the floats rounded to weights out of 10⁶. Either way the
//! probabilities reported are the exact chances of the lottery drawn from, and they
//! sum to the number of seats.

use core::fmt;
use std::collections::{BTreeMap, BTreeSet};

use microlp::{ComparisonOp, LinearExpr, OptimizationDirection, Problem, SolveOptions, Variable};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::council::{CouncilRules, Rule, Volunteer, check};
use crate::rng::SplitMix64;
use crate::{Error, Result};

/// The fallback lottery's resolution: council weights are integers out of this
/// when no exact weights are found.
const UNITS: u64 = 1_000_000;
/// Branch-and-bound nodes one integer program may use before the selection gives up.
const NODE_LIMIT: u64 = 200_000;
/// Column-generation rounds per leximin stage.
const MAX_ROUNDS: usize = 2_000;
/// Dual prices below this are noise.
const PRICE_EPS: f64 = 1e-9;

/// An exact probability `numerator / denominator`, in lowest terms.
///
/// Serialized as the string `"3/8"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Probability {
    numerator: u64,
    denominator: u64,
}

impl Probability {
    /// Zero.
    pub const ZERO: Self = Self {
        numerator: 0,
        denominator: 1,
    };

    /// `numerator / denominator` in lowest terms; `None` unless `0 ≤ p ≤ 1`.
    pub fn new(numerator: u64, denominator: u64) -> Option<Self> {
        if denominator == 0 || numerator > denominator {
            return None;
        }
        let g = gcd(numerator, denominator);
        Some(Self {
            numerator: numerator / g,
            denominator: denominator / g,
        })
    }

    /// The numerator, in lowest terms.
    pub const fn numerator(self) -> u64 {
        self.numerator
    }

    /// The denominator, in lowest terms.
    pub const fn denominator(self) -> u64 {
        self.denominator
    }

    /// The probability rounded half away from zero to `places` decimal places
    /// (at most 18).
    pub fn to_decimal(self, places: u32) -> Decimal {
        let places = places.min(18);
        let scaled = u128::from(self.numerator) * 10u128.pow(places);
        let den = u128::from(self.denominator);
        let rounded = (scaled + den / 2) / den;
        Decimal::from_i128_with_scale(i128::try_from(rounded).unwrap_or(0), places)
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

fn gcd128(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

impl PartialOrd for Probability {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Probability {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        let left = u128::from(self.numerator) * u128::from(other.denominator);
        let right = u128::from(other.numerator) * u128::from(self.denominator);
        left.cmp(&right)
    }
}

impl fmt::Display for Probability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.numerator, self.denominator)
    }
}

impl Serialize for Probability {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Probability {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.split_once('/')
            .and_then(|(n, d)| Self::new(n.trim().parse().ok()?, d.trim().parse().ok()?))
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a probability p/q")))
    }
}

/// A volunteer's chance of selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chance {
    /// The volunteer.
    pub id: String,
    /// The exact probability of being drawn under the lottery used.
    pub probability: Probability,
}

/// One council shape the lottery can draw, and its weight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Panel {
    /// The probability the lottery draws this shape.
    pub weight: Probability,
    /// Seats per type of volunteer; members of a type are drawn uniformly.
    pub groups: Vec<Group>,
}

/// Seats given to one type of volunteer in a [`Panel`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// The attributes the rules look at, shared by every volunteer of the type.
    pub attributes: BTreeMap<String, String>,
    /// Seats for the type.
    pub seats: u32,
    /// Volunteers of the type.
    pub volunteers: u32,
}

/// How far a `cover` goal is met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// The key to cover (`building`).
    pub key: String,
    /// Distinct values of the key among the volunteers.
    pub values: u32,
    /// Values every council in the lottery includes: all of them when possible.
    pub covered: u32,
}

/// A council drawn by lottery, with the lottery that drew it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    /// The members, in pool order.
    pub council: Vec<String>,
    /// Every volunteer's exact chance of selection, in pool order. They sum to
    /// the number of seats.
    pub probabilities: Vec<Chance>,
    /// The smallest chance among volunteers who can be selected at all: the
    /// quantity the lottery maximizes first.
    pub minimum: Probability,
    /// Volunteers no council meeting the rules can include (chance 0).
    pub unselectable: Vec<String>,
    /// How far each `cover` goal is met.
    pub coverage: Vec<Coverage>,
    /// The lottery: the council shapes and their weights.
    pub lottery: Vec<Panel>,
}

impl Selection {
    /// The chances as decimals with `places` places (at most 18), each rounded
    /// half away from zero: equal chances show equal, so the rounded values may
    /// miss the number of seats by a few units in the last place (the exact
    /// [`probabilities`](Self::probabilities) sum to it exactly).
    pub fn rounded(&self, places: u32) -> Vec<(String, Decimal)> {
        self.probabilities
            .iter()
            .map(|chance| (chance.id.clone(), chance.probability.to_decimal(places)))
            .collect()
    }
}

/// Draws a council of `seats` from `volunteers` that meets every hard rule, by a
/// leximin-fair lottery seeded with `seed`.
///
/// ```
/// use deliberation::{select, CouncilRules, Volunteer};
///
/// // Ten volunteers, four of them young; the council of four must have two young.
/// let pool: Vec<Volunteer> = (0..10)
///     .map(|i| Volunteer::new(format!("v{i}")).with("age", if i < 4 { "young" } else { "older" }))
///     .collect();
/// let rules: CouncilRules = serde_json::from_str(r#"{"min": {"age=young": 2}, "max": {"age=young": 2}}"#)?;
/// let selection = select(&pool, 4, &rules, 42)?;
/// assert_eq!(selection.council.len(), 4);
/// // Young volunteers share 2 seats among 4 of them, the others 2 among 6:
/// // 1/2 and 1/3 are forced, and the lottery gives exactly that.
/// assert_eq!(selection.probabilities[0].probability.to_string(), "1/2");
/// assert_eq!(selection.probabilities[9].probability.to_string(), "1/3");
/// assert_eq!(selection, select(&pool, 4, &rules, 42)?, "same seed, same council");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Method
///
/// Flanigan et al., "Fair algorithms for selecting citizens' assemblies", Nature
/// 596 (2021): of all lotteries over councils meeting the rules, the one whose
/// chances are leximin-optimal (the smallest as large as possible, then the next).
/// Volunteers alike in every attribute the rules read are interchangeable and get
/// equal chances. `cover` keys are met in full when the hard rules allow it, or
/// else every council covers as many values as the best one can ([`Coverage`]).
/// The programs are solved in floating point by `microlp`; each council is
/// re-checked in exact integers, and the lottery's weights are solved exactly for
/// the simple fractions the solver's chances round off (falling back to weights
/// out of 10⁶), so [`Selection::probabilities`] are exact fractions summing to
/// `seats`, and symmetric volunteers get equal ones.
/// Volunteers no valid council can include get 0 and are listed in
/// [`Selection::unselectable`].
///
/// # Errors
///
/// [`Error::NoSeats`], [`Error::PoolTooSmall`], [`Error::DuplicateVolunteer`] and
/// [`Error::InvalidShare`] for bad input; [`Error::Infeasible`] naming a set of
/// rules that cannot be met together (irreducible: drop any one of them and the
/// rest can be met); [`Error::Solver`] if the solver fails or the problem is too
/// large for its node budget.
pub fn select(
    volunteers: &[Volunteer],
    seats: u32,
    rules: &CouncilRules,
    seed: u64,
) -> Result<Selection> {
    rules.validate()?;
    if seats == 0 {
        return Err(Error::NoSeats);
    }
    let mut ids = BTreeSet::new();
    for volunteer in volunteers {
        if !ids.insert(volunteer.id.as_str()) {
            return Err(Error::DuplicateVolunteer {
                id: volunteer.id.clone(),
            });
        }
    }
    if volunteers.len() < seats as usize {
        return Err(Error::PoolTooSmall {
            volunteers: volunteers.len(),
            seats,
        });
    }
    let pool = Types::of(volunteers, rules);
    let hard = rules.hard_rules();
    let mut model = Model::new(&pool, seats);
    for (index, rule) in hard.iter().enumerate() {
        model.add_rule(index, rule, &pool);
    }
    if !model.feasible(&vec![true; hard.len()])? {
        return Err(Error::Infeasible {
            rules: model.irreducible(&hard)?,
        });
    }
    let coverage = model.add_cover(&rules.cover, &pool)?;
    let lottery = leximin(&model)?;
    draw(volunteers, rules, &pool, &model, &lottery, coverage, seed)
}

/// Volunteers grouped by the attributes the rules look at.
struct Types<'a> {
    keys: Vec<&'a str>,
    /// Per type: its value of each key.
    signatures: Vec<Vec<Option<&'a str>>>,
    /// Per type: the volunteers' indices, in pool order.
    members: Vec<Vec<usize>>,
}

impl<'a> Types<'a> {
    fn of(volunteers: &'a [Volunteer], rules: &'a CouncilRules) -> Self {
        let keys: Vec<&str> = rules.keys().into_iter().collect();
        let mut index: BTreeMap<Vec<Option<&str>>, usize> = BTreeMap::new();
        let mut types = Self {
            keys,
            signatures: Vec::new(),
            members: Vec::new(),
        };
        for (i, volunteer) in volunteers.iter().enumerate() {
            let signature: Vec<Option<&str>> =
                types.keys.iter().map(|key| volunteer.get(key)).collect();
            let next = types.signatures.len();
            let t = *index.entry(signature.clone()).or_insert(next);
            if t == next {
                types.signatures.push(signature);
                types.members.push(Vec::new());
            }
            if let Some(members) = types.members.get_mut(t) {
                members.push(i);
            }
        }
        types
    }

    fn len(&self) -> usize {
        self.signatures.len()
    }

    fn value(&self, t: usize, key: &str) -> Option<&'a str> {
        let k = self.keys.iter().position(|&k| k == key)?;
        self.signatures.get(t)?.get(k).copied().flatten()
    }

    /// The types by their value of `key` (types without one are left out).
    fn by_value(&self, key: &str) -> BTreeMap<&'a str, Vec<usize>> {
        let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for t in 0..self.len() {
            if let Some(value) = self.value(t, key) {
                groups.entry(value).or_default().push(t);
            }
        }
        groups
    }

    fn attributes(&self, t: usize) -> BTreeMap<String, String> {
        let signature = self.signatures.get(t);
        self.keys
            .iter()
            .zip(signature.into_iter().flatten())
            .filter_map(|(key, value)| Some(((*key).to_owned(), (*value)?.to_owned())))
            .collect()
    }
}

/// A bound on the seats of a set of types.
struct Row {
    types: Vec<usize>,
    lo: u32,
    hi: u32,
    /// The hard rule it comes from; `None` for coverage.
    rule: Option<usize>,
}

/// At least `at_least` of the groups get a seat.
struct PartialCover {
    groups: Vec<Vec<usize>>,
    at_least: u32,
}

/// The integer model over type counts `n_t ∈ 0..=caps[t]`, `Σ n_t = seats`.
struct Model {
    caps: Vec<u32>,
    seats: u32,
    rows: Vec<Row>,
    partial: Vec<PartialCover>,
}

impl Model {
    fn new(types: &Types<'_>, seats: u32) -> Self {
        Self {
            caps: types
                .members
                .iter()
                .map(|m| u32::try_from(m.len()).unwrap_or(u32::MAX))
                .collect(),
            seats,
            rows: Vec::new(),
            partial: Vec::new(),
        }
    }

    fn add_rule(&mut self, index: usize, rule: &Rule, types: &Types<'_>) {
        let (lo, hi) = rule.bounds(self.seats);
        if let Rule::MaxPer { key, .. } = rule {
            for group in types.by_value(key).into_values() {
                self.rows.push(Row {
                    types: group,
                    lo,
                    hi,
                    rule: Some(index),
                });
            }
        } else if let Some(category) = rule.category() {
            let group = (0..types.len())
                .filter(|&t| types.value(t, &category.key) == Some(category.value.as_str()))
                .collect();
            self.rows.push(Row {
                types: group,
                lo,
                hi,
                rule: Some(index),
            });
        }
    }

    /// Whether `n` meets every row whose rule is `active`, in exact integers.
    fn satisfied(&self, n: &[u32], active: &[bool]) -> bool {
        let seats = |types: &[usize]| -> u64 {
            types
                .iter()
                .map(|&t| u64::from(n.get(t).copied().unwrap_or(0)))
                .sum()
        };
        let in_caps = n.len() == self.caps.len() && n.iter().zip(&self.caps).all(|(a, c)| a <= c);
        let total: u64 = n.iter().map(|&a| u64::from(a)).sum();
        let rows = self.rows.iter().all(|row| {
            let on = row
                .rule
                .is_none_or(|r| active.get(r).copied().unwrap_or(false));
            let s = seats(&row.types);
            !on || (u64::from(row.lo) <= s && s <= u64::from(row.hi))
        });
        let partial = self.partial.iter().all(|cover| {
            let covered = cover.groups.iter().filter(|g| seats(g) > 0).count();
            covered >= cover.at_least as usize
        });
        in_caps && total == u64::from(self.seats) && rows && partial
    }

    fn feasible(&self, active: &[bool]) -> Result<bool> {
        Ok(self.optimize(active, &[], None)?.is_some())
    }

    /// A deletion filter: drop each rule in turn, keeping it only if the rest
    /// become feasible without it.
    fn irreducible(&self, hard: &[Rule]) -> Result<Vec<Rule>> {
        let mut active = vec![true; hard.len()];
        for r in 0..hard.len() {
            if let Some(slot) = active.get_mut(r) {
                *slot = false;
            }
            if self.feasible(&active)?
                && let Some(slot) = active.get_mut(r)
            {
                *slot = true;
            }
        }
        Ok(hard
            .iter()
            .zip(&active)
            .filter(|&(_, &on)| on)
            .map(|(rule, _)| rule.clone())
            .collect())
    }

    /// Turns each `cover` key into rows (every value covered) when the rules
    /// allow it, or else into a floor on how many values every council covers.
    fn add_cover(&mut self, keys: &[String], types: &Types<'_>) -> Result<Vec<Coverage>> {
        let mut coverage = Vec::new();
        let mut done = BTreeSet::new();
        for key in keys {
            if !done.insert(key.as_str()) {
                continue;
            }
            let groups: Vec<Vec<usize>> = types.by_value(key).into_values().collect();
            let values = u32::try_from(groups.len()).unwrap_or(u32::MAX);
            let active = vec![true; self.rows.len()];
            let covered = match self.optimize(&active, &[], Some(&groups))? {
                Some((_, covered)) => covered,
                None => 0,
            };
            if covered == values {
                for group in groups {
                    self.rows.push(Row {
                        types: group,
                        lo: 1,
                        hi: u32::MAX,
                        rule: None,
                    });
                }
            } else {
                self.partial.push(PartialCover {
                    groups,
                    at_least: covered,
                });
            }
            coverage.push(Coverage {
                key: key.clone(),
                values,
                covered,
            });
        }
        Ok(coverage)
    }

    /// The council (as type counts) maximizing `Σ weights[t]·n_t`, or with
    /// `cover` the one covering the most groups, under the active rules;
    /// `None` if none exists. The count of groups covered comes with it.
    fn optimize(
        &self,
        active: &[bool],
        weights: &[f64],
        cover: Option<&[Vec<usize>]>,
    ) -> Result<Option<(Vec<u32>, u32)>> {
        let mut problem = Problem::new(OptimizationDirection::Maximize);
        let n: Vec<Variable> = self
            .caps
            .iter()
            .enumerate()
            .map(|(t, &cap)| {
                let w = weights.get(t).copied().unwrap_or(0.0);
                let w = if w.abs() < PRICE_EPS { 0.0 } else { w };
                problem.add_integer_var(w, (0, i32::try_from(cap).unwrap_or(i32::MAX)))
            })
            .collect();
        let sum = |types: &[usize]| -> LinearExpr {
            types
                .iter()
                .filter_map(|&t| n.get(t).map(|&v| (v, 1.0)))
                .collect()
        };
        let all: Vec<usize> = (0..n.len()).collect();
        problem.add_constraint(sum(&all), ComparisonOp::Eq, f64::from(self.seats));
        for row in &self.rows {
            let on = row
                .rule
                .is_none_or(|r| active.get(r).copied().unwrap_or(false));
            if !on {
                continue;
            }
            if row.lo > 0 {
                problem.add_constraint(sum(&row.types), ComparisonOp::Ge, f64::from(row.lo));
            }
            if row.hi < self.seats {
                problem.add_constraint(sum(&row.types), ComparisonOp::Le, f64::from(row.hi));
            }
        }
        let add_cover = |problem: &mut Problem, groups: &[Vec<usize>], objective: f64| {
            let mut covered = LinearExpr::empty();
            for group in groups {
                let y = problem.add_binary_var(objective);
                let mut link: LinearExpr = group
                    .iter()
                    .filter_map(|&t| n.get(t).map(|&v| (v, -1.0)))
                    .collect();
                link.add(y, 1.0);
                problem.add_constraint(link, ComparisonOp::Le, 0.0);
                covered.add(y, 1.0);
            }
            covered
        };
        for floor in &self.partial {
            let covered = add_cover(&mut problem, &floor.groups, 0.0);
            problem.add_constraint(covered, ComparisonOp::Ge, f64::from(floor.at_least));
        }
        if let Some(groups) = cover {
            add_cover(&mut problem, groups, 1.0);
        }
        let mut options = SolveOptions::default();
        options.node_limit = Some(NODE_LIMIT);
        let outcome = match guarded(|| problem.solve_with(options))? {
            Ok(outcome) => outcome,
            Err(microlp::Error::Infeasible) => return Ok(None),
            Err(other) => return Err(solver_error(&other)),
        };
        let solution = outcome.into_solution().map_err(|_| Error::Solver {
            detail: format!("the selection needs more than {NODE_LIMIT} branch-and-bound nodes"),
        })?;
        let counts: Vec<u32> = n
            .iter()
            .map(|&v| {
                let value = solution.var_value(v).round().max(0.0);
                #[allow(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "rounded, non-negative and within the type's size"
                )]
                let value = value as u32;
                value
            })
            .collect();
        if !self.satisfied(&counts, active) {
            return Err(Error::Solver {
                detail: "the solver proposed a council that breaks a rule".to_owned(),
            });
        }
        let covered = cover.map_or(0, |groups| {
            let seated =
                |g: &Vec<usize>| g.iter().any(|&t| counts.get(t).copied().unwrap_or(0) > 0);
            u32::try_from(groups.iter().filter(|g| seated(g)).count()).unwrap_or(u32::MAX)
        });
        Ok(Some((counts, covered)))
    }
}

/// Runs a solver call, turning a panic inside the solver into an error.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|_| Error::Solver {
        detail: "the linear-programming solver failed".to_owned(),
    })
}

fn solver_error(error: &microlp::Error) -> Error {
    Error::Solver {
        detail: error.to_string(),
    }
}

/// The leximin lottery: council shapes and their integer weights out of [`UNITS`].
/// The leximin lottery: councils and their weights, as numerators over one
/// denominator.
struct Lottery {
    panels: Vec<Vec<u32>>,
    weights: Vec<u64>,
    denominator: u64,
}

fn leximin(model: &Model) -> Result<Lottery> {
    let types = model.caps.len();
    let all_rules = vec![true; model.rows.len()];
    let mut panels: Vec<Vec<u32>> = Vec::new();
    // Start with, for each type, a council seating as many of it as possible;
    // types no council can seat are unselectable.
    let mut selectable = vec![false; types];
    for t in 0..types {
        if selectable.get(t).copied().unwrap_or(true) {
            continue;
        }
        let mut weights = vec![0.0; types];
        if let Some(w) = weights.get_mut(t) {
            *w = 1.0;
        }
        let Some((panel, _)) = model.optimize(&all_rules, &weights, None)? else {
            return Err(Error::Solver {
                detail: "a feasible model became infeasible".to_owned(),
            });
        };
        for (seen, &seated) in selectable.iter_mut().zip(&panel) {
            *seen |= seated > 0;
        }
        if !panels.contains(&panel) {
            panels.push(panel);
        }
    }
    let mut fixed: Vec<Option<f64>> = vec![None; types];
    while (0..types).any(|t| selectable.get(t) == Some(&true) && fixed.get(t) == Some(&None)) {
        let mut master = Master::new(model, &panels, &selectable, &fixed)?;
        let mut rounds = 0;
        let (value, prices) = loop {
            let (value, mu, prices) = master.read();
            rounds += 1;
            let Some((best, _)) = model.optimize(&all_rules, &prices, None)? else {
                return Err(Error::Solver {
                    detail: "a feasible model became infeasible".to_owned(),
                });
            };
            let worth: f64 = best
                .iter()
                .zip(&prices)
                .map(|(&n, &y)| f64::from(n) * y)
                .sum();
            let improves = worth > mu + 1e-9 * mu.abs().max(1.0);
            if !improves || panels.contains(&best) || rounds >= MAX_ROUNDS {
                break (value, prices);
            }
            master = master.add(&best)?;
            panels.push(best);
        };
        // Types with a positive price cannot do better than `value` in any
        // leximin-optimal lottery (complementary slackness): fix them there.
        let open: Vec<usize> = (0..types)
            .filter(|&t| selectable.get(t) == Some(&true) && fixed.get(t) == Some(&None))
            .collect();
        let price = |t: usize| prices.get(t).copied().unwrap_or(0.0);
        let mut tight: Vec<usize> = open.iter().copied().filter(|&t| price(t) > 1e-7).collect();
        if tight.is_empty() {
            let top = open
                .iter()
                .copied()
                .max_by(|&a, &b| price(a).total_cmp(&price(b)).then(b.cmp(&a)));
            tight.extend(top);
        }
        let level = (value - 1e-9).max(0.0);
        for t in tight {
            if let Some(slot) = fixed.get_mut(t) {
                *slot = Some(level);
            }
        }
    }
    let targets: Vec<f64> = fixed.iter().map(|f| f.unwrap_or(0.0)).collect();
    let weights = primal(model, &panels, &selectable, &targets)?;
    // Exact weights giving the chances the solver meant (2/3, not 0.6666667);
    // if there are none over these councils, the floats rounded to 10⁻⁶.
    let (units, denominator) = crate::rational::exact_weights(&panels, &weights, &model.caps)
        .unwrap_or_else(|| (to_units(&weights), UNITS));
    let (panels, weights) = panels
        .into_iter()
        .zip(units)
        .filter(|(_, k)| *k > 0)
        .unzip();
    Ok(Lottery {
        panels,
        weights,
        denominator,
    })
}

/// The restricted dual: prices `y_t ≥ 0` and `μ` minimizing
/// `μ − Σ_fixed c_t·f_t·y_t` subject to `Σ_t n_{P,t}·y_t ≤ μ` for every council
/// `P` found so far and `Σ_open c_t·y_t = 1`. Councils found later are added to
/// the solved program, which the simplex method resumes from its last basis.
struct Master {
    solution: microlp::Solution,
    prices: Vec<Option<Variable>>,
    mu: Variable,
}

impl Master {
    fn new(
        model: &Model,
        panels: &[Vec<u32>],
        selectable: &[bool],
        fixed: &[Option<f64>],
    ) -> Result<Self> {
        let mut problem = Problem::new(OptimizationDirection::Minimize);
        let prices: Vec<Option<Variable>> = model
            .caps
            .iter()
            .zip(selectable)
            .zip(fixed)
            .map(|((&cap, &on), f)| {
                on.then(|| {
                    let cost = f.map_or(0.0, |level| -f64::from(cap) * level);
                    problem.add_var(cost, (0.0, f64::INFINITY))
                })
            })
            .collect();
        let mu = problem.add_var(1.0, (f64::NEG_INFINITY, f64::INFINITY));
        let open: LinearExpr = prices
            .iter()
            .zip(&model.caps)
            .zip(fixed)
            .filter_map(|((y, &cap), f)| {
                let y = y.as_ref().copied()?;
                f.is_none().then_some((y, f64::from(cap)))
            })
            .collect();
        problem.add_constraint(open, ComparisonOp::Eq, 1.0);
        for panel in panels {
            problem.add_constraint(Self::row(&prices, mu, panel), ComparisonOp::Le, 0.0);
        }
        let solution = solved(guarded(|| problem.solve())?)?;
        Ok(Self {
            solution,
            prices,
            mu,
        })
    }

    fn row(prices: &[Option<Variable>], mu: Variable, panel: &[u32]) -> LinearExpr {
        let mut row: LinearExpr = panel
            .iter()
            .zip(prices)
            .filter_map(|(&n, y)| Some((y.as_ref().copied()?, f64::from(n))))
            .filter(|&(_, n)| n > 0.0)
            .collect();
        row.add(mu, -1.0);
        row
    }

    fn add(self, panel: &[u32]) -> Result<Self> {
        let Self {
            solution,
            prices,
            mu,
        } = self;
        let row = Self::row(&prices, mu, panel);
        let solution = solved(guarded(|| {
            solution.add_constraint(row, ComparisonOp::Le, 0.0)
        })?)?;
        Ok(Self {
            solution,
            prices,
            mu,
        })
    }

    /// The program's value, `μ` and the prices.
    fn read(&self) -> (f64, f64, Vec<f64>) {
        let prices = self
            .prices
            .iter()
            .map(|y| y.map_or(0.0, |y| self.solution.var_value(y).max(0.0)))
            .collect();
        (
            self.solution.objective(),
            self.solution.var_value(self.mu),
            prices,
        )
    }
}

fn solved(
    outcome: core::result::Result<microlp::SolveOutcome, microlp::Error>,
) -> Result<microlp::Solution> {
    outcome
        .map_err(|e| solver_error(&e))?
        .into_solution()
        .map_err(|_| Error::Solver {
            detail: "a linear program was interrupted".to_owned(),
        })
}

/// The lottery over `panels` coming closest to the leximin `targets`: weights
/// `p_P ≥ 0` summing to 1 minimizing the total shortfall `Σ_t s_t` below
/// `Σ_P n_{P,t}·p_P + s_t ≥ c_t·target_t`.
fn primal(
    model: &Model,
    panels: &[Vec<u32>],
    selectable: &[bool],
    targets: &[f64],
) -> Result<Vec<f64>> {
    let mut problem = Problem::new(OptimizationDirection::Minimize);
    let p: Vec<Variable> = panels
        .iter()
        .map(|_| problem.add_var(0.0, (0.0, f64::INFINITY)))
        .collect();
    let one: LinearExpr = p.iter().map(|&v| (v, 1.0)).collect();
    problem.add_constraint(one, ComparisonOp::Eq, 1.0);
    for (t, ((&cap, &on), &target)) in model.caps.iter().zip(selectable).zip(targets).enumerate() {
        if !on || target <= 0.0 {
            continue;
        }
        let shortfall = problem.add_var(1.0, (0.0, f64::INFINITY));
        let mut row: LinearExpr = panels
            .iter()
            .zip(&p)
            .filter_map(|(panel, &v)| {
                let n = panel.get(t).copied().unwrap_or(0);
                (n > 0).then(|| (v, f64::from(n)))
            })
            .collect();
        row.add(shortfall, 1.0);
        problem.add_constraint(row, ComparisonOp::Ge, f64::from(cap) * target);
    }
    let solution = solved(guarded(|| problem.solve())?)?;
    Ok(p.iter().map(|&v| solution.var_value(v).max(0.0)).collect())
}

/// Weights summing to about 1 as integers summing to exactly [`UNITS`], by
/// largest remainder (ties to the earlier council).
fn to_units(weights: &[f64]) -> Vec<u64> {
    let total: f64 = weights.iter().sum();
    let total = if total > 0.0 { total } else { 1.0 };
    #[allow(clippy::cast_precision_loss, reason = "10⁶ is exact in an f64")]
    let scale = UNITS as f64;
    let exact: Vec<f64> = weights.iter().map(|w| w / total * scale).collect();
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "each value lies in 0..=10⁶"
    )]
    let mut units: Vec<u64> = exact
        .iter()
        .map(|x| x.floor().clamp(0.0, scale) as u64)
        .collect();
    let assigned: u64 = units.iter().sum();
    let mut order: Vec<usize> = (0..units.len()).collect();
    #[allow(clippy::cast_precision_loss, reason = "at most 10⁶")]
    let fraction =
        |i: usize| exact.get(i).copied().unwrap_or(0.0) - units.get(i).copied().unwrap_or(0) as f64;
    order.sort_by(|&a, &b| fraction(b).total_cmp(&fraction(a)).then(a.cmp(&b)));
    let deficit = UNITS.saturating_sub(assigned);
    for i in order
        .into_iter()
        .cycle()
        .take(usize::try_from(deficit).unwrap_or(0))
    {
        if let Some(u) = units.get_mut(i) {
            *u += 1;
        }
    }
    units
}

/// Each volunteer's exact chance under `lottery`, those who cannot be drawn, and
/// the smallest positive chance. A member of type t is drawn with probability
/// `Σ_P k_P·n_{P,t} / (D·c_t)`.
fn chances(
    volunteers: &[Volunteer],
    types: &Types<'_>,
    lottery: &Lottery,
) -> Result<(Vec<Probability>, Vec<String>, Option<Probability>)> {
    let mut chances = vec![Probability::ZERO; volunteers.len()];
    let mut unselectable = Vec::new();
    let mut minimum: Option<Probability> = None;
    for (t, members) in types.members.iter().enumerate() {
        let seated: u128 = lottery
            .panels
            .iter()
            .zip(&lottery.weights)
            .map(|(panel, &k)| u128::from(k) * u128::from(panel.get(t).copied().unwrap_or(0)))
            .sum();
        let whole = u128::from(lottery.denominator) * members.len() as u128;
        let common = gcd128(seated, whole);
        let chance = u64::try_from(seated / common)
            .ok()
            .zip(u64::try_from(whole / common).ok())
            .and_then(|(n, d)| Probability::new(n, d))
            .ok_or_else(|| Error::Solver {
                detail: "the pool is too large for exact probabilities".to_owned(),
            })?;
        for &i in members {
            if let Some(slot) = chances.get_mut(i) {
                *slot = chance;
            }
            if chance == Probability::ZERO {
                unselectable.extend(volunteers.get(i).map(|v| v.id.clone()));
            }
        }
        if chance > Probability::ZERO {
            minimum = Some(minimum.map_or(chance, |m| m.min(chance)));
        }
    }
    Ok((chances, unselectable, minimum))
}

/// Exact chances under the lottery, and one draw from it.
#[allow(clippy::too_many_arguments, reason = "the pieces of one selection")]
fn draw(
    volunteers: &[Volunteer],
    rules: &CouncilRules,
    types: &Types<'_>,
    model: &Model,
    lottery: &Lottery,
    coverage: Vec<Coverage>,
    seed: u64,
) -> Result<Selection> {
    let (panels, units, denominator) = (&lottery.panels, &lottery.weights, lottery.denominator);
    let (chances, unselectable, minimum) = chances(volunteers, types, lottery)?;
    // The draw: a council shape by its weight, then members of each type uniformly.
    let mut rng = SplitMix64(seed);
    let mut ticket = rng.below(denominator);
    let shape = panels
        .iter()
        .zip(units)
        .find(|&(_, &k)| {
            let hit = ticket < k;
            ticket = ticket.saturating_sub(k);
            hit
        })
        .map(|(panel, _)| panel)
        .ok_or_else(|| Error::Solver {
            detail: "the lottery is empty".to_owned(),
        })?;
    let mut chosen = Vec::new();
    for (members, &n) in types.members.iter().zip(shape) {
        let mut members = members.clone();
        for i in 0..(n as usize).min(members.len()) {
            let rest = (members.len() - i) as u64;
            let j = i + usize::try_from(rng.below(rest)).unwrap_or(0);
            members.swap(i, j);
        }
        chosen.extend(members.into_iter().take(n as usize));
    }
    chosen.sort_unstable();
    let council: Vec<Volunteer> = chosen
        .iter()
        .filter_map(|&i| volunteers.get(i).cloned())
        .collect();
    // Trust nothing the floating-point solver said: check the council exactly.
    let all_rules = vec![true; model.rows.len()];
    if !check(&council, rules)?.is_empty() || !model.satisfied(shape, &all_rules) {
        return Err(Error::Solver {
            detail: "the drawn council breaks a rule".to_owned(),
        });
    }
    let lottery = panels
        .iter()
        .zip(units)
        .map(|(panel, &k)| Panel {
            weight: Probability::new(k, denominator).unwrap_or(Probability::ZERO),
            groups: panel
                .iter()
                .enumerate()
                .filter(|&(_, &n)| n > 0)
                .map(|(t, &n)| Group {
                    attributes: types.attributes(t),
                    seats: n,
                    volunteers: types
                        .members
                        .get(t)
                        .map_or(0, |m| u32::try_from(m.len()).unwrap_or(u32::MAX)),
                })
                .collect(),
        })
        .collect();
    Ok(Selection {
        council: council.into_iter().map(|v| v.id).collect(),
        probabilities: volunteers
            .iter()
            .zip(chances)
            .map(|(v, probability)| Chance {
                id: v.id.clone(),
                probability,
            })
            .collect(),
        minimum: minimum.unwrap_or(Probability::ZERO),
        unselectable,
        coverage,
        lottery,
    })
}
