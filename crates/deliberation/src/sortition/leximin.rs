//! The leximin lottery by column generation: the dual master program, pricing
//! by the model, the primal weights, and their exact form (`rational.rs`).

use std::collections::HashSet;

use super::model::Model;
use super::model::guarded;
use super::model::solver_error;
use crate::Error;
use crate::Result;
use microlp::ComparisonOp;
use microlp::LinearExpr;
use microlp::OptimizationDirection;
use microlp::Problem;
use microlp::Variable;

/// The fallback lottery's resolution: council weights are integers out of this
/// when no exact weights are found.
const UNITS: u64 = 1_000_000;

/// Hedge stops early after this many rounds in a row without a new council.
const STALE_ROUNDS: usize = 10;

/// Column-generation rounds per leximin stage.
const MAX_ROUNDS: usize = 2_000;

/// The weight of the stability centre in smoothed pricing.
const SMOOTHING: f64 = 0.7;

/// `Σ_t n_{P,t}·y_t`: what council `P` is worth at prices `y`.
fn worth_of(panel: &[u32], prices: &[f64]) -> f64 {
    panel
        .iter()
        .zip(prices)
        .map(|(&n, &y)| f64::from(n) * y)
        .sum()
}

/// The leximin lottery: council shapes and their integer weights out of [`UNITS`].
/// The leximin lottery: councils and their weights, as numerators over one
/// denominator.
pub(super) struct Lottery {
    pub(super) panels: Vec<Vec<u32>>,
    pub(super) weights: Vec<u64>,
    pub(super) denominator: u64,
}

pub(super) fn leximin(model: &Model) -> Result<Lottery> {
    let types = model.caps.len();
    let (mut panels, selectable) = starting_councils(model)?;
    let known: HashSet<Vec<u32>> = panels.iter().cloned().collect();
    let seeds = hedge_councils(model, &selectable)?;
    panels.extend(seeds.into_iter().filter(|panel| !known.contains(panel)));
    let mut fixed: Vec<Option<f64>> = vec![None; types];
    while (0..types).any(|t| selectable.get(t) == Some(&true) && fixed.get(t) == Some(&None)) {
        let (value, prices) = stage(model, &mut panels, &selectable, &fixed)?;
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
    let (units, denominator) = super::rational::exact_weights(&panels, &weights, &model.caps)
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

/// Councils that seat types not yet seated, as many as possible each, until no
/// council can seat another; and which types any council can seat (the rest are
/// unselectable). One council per type would also do, but makes the master
/// program needlessly large: its rows are the councils.
fn starting_councils(model: &Model) -> Result<(Vec<Vec<u32>>, Vec<bool>)> {
    let all_rules = vec![true; model.rows.len()];
    let mut panels: Vec<Vec<u32>> = Vec::new();
    let mut selectable = vec![false; model.caps.len()];
    loop {
        let weights: Vec<f64> = selectable
            .iter()
            .map(|&seen| if seen { 0.0 } else { 1.0 })
            .collect();
        let Some((panel, _)) = model.optimize(&all_rules, &weights, None)? else {
            return Err(Error::Solver {
                detail: "a feasible model became infeasible".to_owned(),
            });
        };
        let mut new = false;
        for (seen, &seated) in selectable.iter_mut().zip(&panel) {
            if seated > 0 && !*seen {
                *seen = true;
                new = true;
            }
        }
        if !new {
            break;
        }
        if !panels.contains(&panel) {
            panels.push(panel);
        }
    }
    Ok((panels, selectable))
}

/// Councils that a fair lottery is likely to use, found cheaply: a game in
/// which an adversary weighs the selectable types (multiplicative weights,
/// Hedge) and each round the council that the current weights value most is
/// found by pricing alone, without the master program. Types that council
/// seats lose weight, so later rounds seat the types still left short. The
/// councils found seed the first stage's master program, whose column
/// generation then decides the lottery exactly as before; they only spare it
/// most of its rounds, each of which re-solves the master program.
///
/// About six rounds for every five types, at most [`MAX_ROUNDS`], ending early
/// after [`STALE_ROUNDS`] without a new council. Fewer councils than half the
/// types say the game found little variety (types of one volunteer each under
/// a cover rule, say): they would only make the master program larger, and
/// none are returned.
fn hedge_councils(model: &Model, selectable: &[bool]) -> Result<Vec<Vec<u32>>> {
    let all_rules = vec![true; model.rows.len()];
    let open: Vec<usize> = (0..model.caps.len())
        .filter(|&t| selectable.get(t) == Some(&true) && model.caps.get(t).is_some_and(|&c| c > 0))
        .collect();
    if open.is_empty() {
        return Ok(Vec::new());
    }
    let rounds = (open.len() * 6 / 5 + 10).min(MAX_ROUNDS);
    #[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
    let eta = (8.0 * (open.len() as f64).ln().max(1.0) / rounds as f64).sqrt();
    let mut weight = vec![0.0_f64; model.caps.len()];
    for &t in &open {
        if let Some(w) = weight.get_mut(t) {
            *w = 1.0;
        }
    }
    let mut found: Vec<Vec<u32>> = Vec::new();
    let mut seen: HashSet<Vec<u32>> = HashSet::new();
    let mut since_new = 0;
    for _ in 0..rounds {
        let total: f64 = weight.iter().sum();
        if !(total.is_finite() && total > 0.0) {
            break;
        }
        // A seat for a person of type t is worth w_t / (c_t · Σw).
        let prices: Vec<f64> = weight
            .iter()
            .zip(&model.caps)
            .map(|(&w, &cap)| {
                if cap > 0 {
                    w / (total * f64::from(cap))
                } else {
                    0.0
                }
            })
            .collect();
        let Some((panel, _)) = model.optimize(&all_rules, &prices, None)? else {
            break;
        };
        for &t in &open {
            let share = f64::from(panel.get(t).copied().unwrap_or(0))
                / f64::from(model.caps.get(t).copied().unwrap_or(1).max(1));
            if let Some(w) = weight.get_mut(t) {
                *w *= (-eta * share).exp();
            }
        }
        // Rescaled so that the largest weight is 1: their total never drifts
        // to zero (the prices divide by it).
        let most = weight.iter().copied().fold(0.0, f64::max);
        if most > 0.0 {
            for w in &mut weight {
                *w /= most;
            }
        }
        if seen.insert(panel.clone()) {
            since_new = 0;
            found.push(panel);
        } else {
            since_new += 1;
            if since_new >= STALE_ROUNDS {
                break;
            }
        }
    }
    if found.len() < open.len() / 2 {
        found.clear();
    }
    Ok(found)
}

/// One leximin stage: column generation until no council improves the master,
/// adding the councils found to `panels`. Its value, and the master's prices.
fn stage(
    model: &Model,
    panels: &mut Vec<Vec<u32>>,
    selectable: &[bool],
    fixed: &[Option<f64>],
) -> Result<(f64, Vec<f64>)> {
    let all_rules = vec![true; model.rows.len()];
    let mut master = Master::new(model, panels, selectable, fixed)?;
    let mut rounds = 0;
    // Smoothed pricing (Wentges): price first at a point between the best
    // prices seen so far (the stability centre, whose value bounds the
    // stage from above) and the master's, which damps the oscillation of
    // the master's prices; if that finds nothing that improves the master,
    // price at the master's own prices, which alone decides the end.
    let fixed_cost = |y: &[f64]| -> f64 {
        fixed
            .iter()
            .zip(&model.caps)
            .zip(y)
            .filter_map(|((f, &cap), &y)| Some(f64::from(cap) * (*f)? * y))
            .sum()
    };
    let mut centre: Option<(Vec<f64>, f64)> = None;
    loop {
        let (value, mu, prices) = master.read();
        rounds += 1;
        let tolerance = 1e-9 * mu.abs().max(1.0);
        let mut found = None;
        if let Some((at, _)) = &centre {
            let smoothed: Vec<f64> = at
                .iter()
                .zip(&prices)
                .map(|(&c, &y)| SMOOTHING * c + (1.0 - SMOOTHING) * y)
                .collect();
            let Some((best, _)) = model.optimize(&all_rules, &smoothed, None)? else {
                return Err(Error::Solver {
                    detail: "a feasible model became infeasible".to_owned(),
                });
            };
            let bound = worth_of(&best, &smoothed) - fixed_cost(&smoothed);
            if centre.as_ref().is_some_and(|(_, b)| bound < *b) {
                centre = Some((smoothed, bound));
            }
            if worth_of(&best, &prices) > mu + tolerance && !panels.contains(&best) {
                found = Some(best);
            }
        }
        let best = if let Some(best) = found {
            best
        } else {
            let Some((best, _)) = model.optimize(&all_rules, &prices, None)? else {
                return Err(Error::Solver {
                    detail: "a feasible model became infeasible".to_owned(),
                });
            };
            let worth = worth_of(&best, &prices);
            let bound = worth - fixed_cost(&prices);
            if centre.as_ref().is_none_or(|(_, b)| bound < *b) {
                centre = Some((prices.clone(), bound));
            }
            let improves = worth > mu + tolerance;
            if !improves || panels.contains(&best) || rounds >= MAX_ROUNDS {
                return Ok((value, prices));
            }
            best
        };
        master = master.add(&best)?;
        panels.push(best);
    }
}

/// The restricted dual: prices `y_t ≥ 0` and `μ` minimizing
/// `μ − Σ_fixed c_t·f_t·y_t` subject to `Σ_t n_{P,t}·y_t ≤ μ` for every council
/// `P` found so far and `Σ_open c_t·y_t = 1`. Councils found later are added to
/// the solved program, which the simplex method resumes from its last basis.
pub(super) struct Master {
    pub(super) solution: microlp::Solution,
    pub(super) prices: Vec<Option<Variable>>,
    pub(super) mu: Variable,
}

impl Master {
    pub(super) fn new(
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

    pub(super) fn row(prices: &[Option<Variable>], mu: Variable, panel: &[u32]) -> LinearExpr {
        let mut row: LinearExpr = panel
            .iter()
            .zip(prices)
            .filter_map(|(&n, y)| Some((y.as_ref().copied()?, f64::from(n))))
            .filter(|&(_, n)| n > 0.0)
            .collect();
        row.add(mu, -1.0);
        row
    }

    pub(super) fn add(self, panel: &[u32]) -> Result<Self> {
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
    pub(super) fn read(&self) -> (f64, f64, Vec<f64>) {
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

pub(super) fn solved(
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
pub(super) fn primal(
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
pub(super) fn to_units(weights: &[f64]) -> Vec<u64> {
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
