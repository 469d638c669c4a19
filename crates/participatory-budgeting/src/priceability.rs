//! Priceability of a budget (Peters, Pierczyński & Skowron 2021): a selection
//! is *priceable* when some price system — a budget `b` for every voter and
//! each voter's payments — pays for it so that
//!
//! 1. voters pay only for projects they approve, and only for selected ones;
//! 2. no voter pays more than `b`;
//! 3. each selected project is paid in full;
//! 4. the supporters of each unselected project have, together, no more left
//!    than its cost (else they would have bought it);
//!
//! and, as pabutools asks, the voters' money covers the budget (`b · n ≥ L`)
//! and the selection fits in it.
//!
//! Deciding it is a linear program. It is solved in floating point (by
//! `microlp`, pure Rust) over ballot groups — voters with the same ballot are
//! interchangeable, so some price system treats them alike — and nothing the
//! solver says is trusted: the answer is a certificate checked in exact
//! integers. *Priceable* comes with the price system itself, every condition
//! verified exactly. *Not priceable* comes with Farkas multipliers — integer
//! weights on the conditions whose weighted sum reads `0 ≤ negative` — also
//! verified exactly. When the solver's numbers cannot be made into a
//! certificate that checks, the answer is [`Priceability::Undecided`], never a
//! guess.

use std::collections::BTreeMap;

use microlp::{ComparisonOp, LinearExpr, OptimizationDirection, Problem, Variable};
use serde::{Deserialize, Serialize};

use crate::{BudgetElection, Error, Result};

/// The most distinct ballots the check takes; larger elections are refused
/// before the program is built. The solver's time grows faster than
/// linearly: 2,000 distinct ballots of 40 projects take 0.7 s, 4,000 take
/// 4 s, 8,000 take 14 s; Budapest 2024 (20,132) and Warsaw 2026 (55,017)
/// would take minutes.
pub const MAX_PRICE_BALLOTS: usize = 5_000;

/// The grid certificates are rounded to: 2⁻²⁴ of the smallest money unit.
const GRID: i128 = 1 << 24;

/// A non-negative exact fraction, in lowest terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Ratio {
    /// The numerator.
    pub numerator: u128,
    /// The denominator, at least 1.
    pub denominator: u128,
}

impl Ratio {
    fn new(numerator: u128, denominator: u128) -> Self {
        let g = gcd(numerator, denominator.max(1));
        Self {
            numerator: numerator / g,
            denominator: denominator.max(1) / g,
        }
    }
}

impl core::fmt::Display for Ratio {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.denominator == 1 {
            write!(f, "{}", self.numerator)
        } else {
            write!(f, "{}/{}", self.numerator, self.denominator)
        }
    }
}

const fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        let r = a % b;
        a = b;
        b = r;
    }
    if a == 0 { 1 } else { a }
}

/// What each voter of one ballot pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPayments {
    /// The voters who cast this ballot (indices in file order).
    pub voters: Vec<usize>,
    /// Each voter's payment per project (ids), in the election's money;
    /// projects paid nothing are left out.
    pub payments: Vec<(String, Ratio)>,
}

/// A price system that prices the selection: the certificate of
/// [`Priceability::Priceable`], every condition checked exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceSystem {
    /// Every voter's budget `b`, in the election's money.
    pub voter_budget: Ratio,
    /// The payments, one entry per distinct ballot.
    pub groups: Vec<GroupPayments>,
}

/// Why no price system exists: the certificate of
/// [`Priceability::NotPriceable`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotPriceable {
    /// In words.
    pub why: String,
    /// The unselected projects whose supporters' leftover money the
    /// contradiction rests on (empty when the reason is simpler).
    pub unselected: Vec<String>,
    /// Farkas multipliers (integers; the certificate is scale-free): per
    /// selected project `y` (any sign), per ballot group `v`, per unselected
    /// project `u`, and `beta` on `b · n ≥ L`. Empty when the reason is
    /// simpler than a weighted sum.
    pub multipliers: BTreeMap<String, i128>,
}

/// The answer of [`priceability`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum Priceability {
    /// Priceable, with the price system.
    Priceable(PriceSystem),
    /// Not priceable, with the reason.
    NotPriceable(NotPriceable),
    /// The solver's answer could not be certified exactly.
    Undecided {
        /// What could not be certified.
        why: String,
    },
}

/// Ballot groups and money at a common integer scale.
struct Setup {
    /// Distinct ballots (sorted project indices), their voters.
    groups: Vec<(Vec<usize>, Vec<usize>)>,
    /// Cost per project in the smallest unit.
    cost: Vec<i128>,
    budget: i128,
    selected: Vec<bool>,
    /// 10^scale: units per unit of money.
    unit: u128,
    n: i128,
}

impl Setup {
    fn k(&self, g: usize) -> i128 {
        self.groups.get(g).map_or(0, |(_, v)| v.len() as i128)
    }
    fn is_selected(&self, p: usize) -> bool {
        self.selected.get(p).copied().unwrap_or(false)
    }
    fn cost(&self, p: usize) -> i128 {
        self.cost.get(p).copied().unwrap_or(0)
    }
    /// The voters who approve `p`.
    fn supporters(&self, p: usize) -> i128 {
        self.groups
            .iter()
            .filter(|(ballot, _)| ballot.contains(&p))
            .map(|(_, voters)| voters.len() as i128)
            .sum()
    }
}

/// Whether `selected` (project ids) is priceable in `election` (approval
/// ballots), with an exact certificate either way.
///
/// ```
/// use guided_community_pb::fairness::{priceability, Priceability};
/// use guided_community_pb::parse;
///
/// // Four voters, budget 4: two approve p1 (cost 2), two approve p2 (cost 1).
/// let election = parse("META\nkey;value\nbudget;4\nvote_type;approval\n\
///     PROJECTS\nproject_id;cost\np1;2\np2;1\n\
///     VOTES\nvoter_id;vote\n1;p1\n2;p1\n3;p2\n4;p2\n")?;
/// // Both: each voter has 1 (the voters' money must cover the budget) and
/// // pays for the project they approve.
/// let Priceability::Priceable(prices) = priceability(&election, &["p1".into(), "p2".into()])? else {
///     panic!("both projects are priceable");
/// };
/// assert_eq!(prices.voter_budget.to_string(), "1");
/// // p1 alone: p2's supporters keep at least 2, enough to buy it.
/// assert!(matches!(priceability(&election, &["p1".into()])?, Priceability::NotPriceable(_)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::CommitteeInput`] for a selected id that is not a project or an
/// election that is not approval; [`Error::Meta`] for a missing budget;
/// [`Error::Overflow`] for money beyond 2⁶⁰ of its smallest unit;
/// [`Error::PriceabilityTooLarge`] beyond [`MAX_PRICE_BALLOTS`].
pub fn priceability(election: &BudgetElection, selected: &[String]) -> Result<Priceability> {
    let setup = setup(election, selected)?;
    let id = |p: usize| {
        election
            .projects
            .get(p)
            .map_or_else(String::new, |x| x.id.clone())
    };
    let total: i128 = (0..setup.cost.len())
        .filter(|&p| setup.is_selected(p))
        .map(|p| setup.cost(p))
        .sum();
    if total > setup.budget {
        return Ok(Priceability::NotPriceable(NotPriceable {
            why: "the selection costs more than the budget".to_owned(),
            unselected: Vec::new(),
            multipliers: BTreeMap::new(),
        }));
    }
    let supported = |p: usize| setup.groups.iter().any(|(b, _)| b.contains(&p));
    if let Some(p) = (0..setup.cost.len()).find(|&p| setup.is_selected(p) && !supported(p)) {
        return Ok(Priceability::NotPriceable(NotPriceable {
            why: format!("nobody approves `{}`, so nobody may pay for it", id(p)),
            unselected: Vec::new(),
            multipliers: BTreeMap::new(),
        }));
    }
    if let Some(prices) = price_system(&setup, &id) {
        return Ok(Priceability::Priceable(prices));
    }
    if let Some(refusal) = farkas(&setup, &id) {
        return Ok(Priceability::NotPriceable(refusal));
    }
    Ok(Priceability::Undecided {
        why: "the solver's answer could not be turned into a certificate that checks exactly"
            .to_owned(),
    })
}

fn setup(election: &BudgetElection, selected: &[String]) -> Result<Setup> {
    // At most 2⁶⁰ units, so i128 holds the grid, the voters and sums of products.
    let money = crate::measures::approval_money(election, "priceability checks", 1 << 60)?;
    let cost: Vec<i128> = money.cost.iter().map(|&c| c.cast_signed()).collect();
    let selected = crate::measures::selection_mask(election, selected)?;
    let mut by_ballot: BTreeMap<Vec<usize>, Vec<usize>> = BTreeMap::new();
    for (i, v) in election.voters.iter().enumerate() {
        let mut b: Vec<usize> = v.ballot.iter().map(|&p| p as usize).collect();
        b.sort_unstable();
        b.dedup();
        by_ballot.entry(b).or_default().push(i);
    }
    if by_ballot.len() > MAX_PRICE_BALLOTS {
        return Err(Error::PriceabilityTooLarge {
            ballots: by_ballot.len(),
            limit: MAX_PRICE_BALLOTS,
        });
    }
    let mut groups: Vec<(Vec<usize>, Vec<usize>)> = by_ballot.into_iter().collect();
    groups.sort_by_key(|(_, voters)| voters.first().copied());
    Ok(Setup {
        groups,
        cost,
        budget: money.budget.cast_signed(),
        selected,
        unit: 10u128.pow(money.scale),
        n: election.voters.len() as i128,
    })
}

#[allow(
    clippy::cast_precision_loss,
    reason = "the program is only a guide; its answer is checked in integers"
)]
fn float(x: i128) -> f64 {
    x as f64
}

#[allow(
    clippy::cast_possible_truncation,
    reason = "values are bounded by the money checked in setup"
)]
fn round(x: f64) -> i128 {
    if x.is_finite() { x.round() as i128 } else { 0 }
}

fn solve(problem: &Problem) -> Option<microlp::Solution> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| problem.solve()))
        .ok()?
        .ok()?
        .into_solution()
        .ok()
}

/// The price system, if the program finds one that checks exactly.
fn price_system(setup: &Setup, id: &dyn Fn(usize) -> String) -> Option<PriceSystem> {
    let l = float(setup.budget);
    let mut problem = Problem::new(OptimizationDirection::Maximize);
    let b = problem.add_var(0.0, (0.0, f64::INFINITY));
    let margin = problem.add_var(1.0, (0.0, 1.0 / float(setup.n.max(1))));
    // pay[g] = (project, variable)
    let pay: Vec<Vec<(usize, Variable)>> = setup
        .groups
        .iter()
        .map(|(ballot, _)| {
            ballot
                .iter()
                .filter(|&&p| setup.is_selected(p))
                .map(|&p| (p, problem.add_var(0.0, (0.0, f64::INFINITY))))
                .collect()
        })
        .collect();
    for p in (0..setup.cost.len()).filter(|&p| setup.is_selected(p)) {
        let row: LinearExpr = pay
            .iter()
            .flatten()
            .filter(|(q, _)| *q == p)
            .map(|&(_, v)| (v, 1.0))
            .collect();
        problem.add_constraint(row, ComparisonOp::Eq, float(setup.cost(p)) / l);
    }
    for (g, terms) in pay.iter().enumerate() {
        let mut row: LinearExpr = terms.iter().map(|&(_, v)| (v, 1.0)).collect();
        row.add(b, -float(setup.k(g)));
        row.add(margin, 1.0);
        problem.add_constraint(row, ComparisonOp::Le, 0.0);
    }
    for d in (0..setup.cost.len()).filter(|&d| !setup.is_selected(d)) {
        let mut row = LinearExpr::empty();
        let mut supporters = 0;
        for (g, (ballot, _)) in setup.groups.iter().enumerate() {
            if ballot.contains(&d) {
                supporters += setup.k(g);
                for &(_, v) in pay.get(g).into_iter().flatten() {
                    row.add(v, -1.0);
                }
            }
        }
        if supporters == 0 {
            continue;
        }
        row.add(b, float(supporters));
        row.add(margin, 1.0);
        problem.add_constraint(row, ComparisonOp::Le, float(setup.cost(d)) / l);
    }
    let mut row = LinearExpr::empty();
    row.add(b, float(setup.n));
    row.add(margin, -1.0);
    problem.add_constraint(row, ComparisonOp::Ge, 1.0);
    let solution = solve(&problem)?;
    // A price system may be forced to one budget, such as 23/3: the grid is
    // 2⁻²⁴ of the money unit, refined by the denominator of the solver's
    // budget snapped to a simple fraction, so such a budget is on it.
    let snapped = simple_denominator(solution.var_value(b) * l);
    let (grid, paid, budget) = [GRID * snapped, GRID].into_iter().find_map(|grid| {
        let paid = rounded_payments(setup, &pay, &solution, grid)?;
        // The smallest budget every group can pay from, and that covers L.
        let ceil = |a: i128, b: i128| (a + b - 1) / b.max(1);
        let mut budget = ceil(setup.budget * grid, setup.n.max(1));
        for (g, terms) in paid.iter().enumerate() {
            let spent: i128 = terms.iter().map(|(_, x)| x).sum();
            budget = budget.max(ceil(spent, setup.k(g)));
        }
        prices_check(setup, &paid, budget, grid).then_some((grid, paid, budget))
    })?;
    let money = |numerator: i128, per: i128| {
        let denominator = grid.unsigned_abs() * setup.unit * per.max(1).unsigned_abs();
        Ratio::new(numerator.unsigned_abs(), denominator)
    };
    let groups = setup
        .groups
        .iter()
        .zip(&paid)
        .enumerate()
        .map(|(g, ((_, voters), terms))| GroupPayments {
            voters: voters.clone(),
            payments: terms
                .iter()
                .filter(|(_, x)| *x > 0)
                .map(|&(p, x)| (id(p), money(x, setup.k(g))))
                .collect(),
        })
        .collect();
    Some(PriceSystem {
        voter_budget: money(budget, 1),
        groups,
    })
}

/// The denominator (at most 1,000) of the simplest fraction within 10⁻⁹ of
/// `x`, by continued fractions; 1 when there is none.
fn simple_denominator(x: f64) -> i128 {
    if !x.is_finite() || x <= 0.0 {
        return 1;
    }
    let (mut h, mut k) = ((1.0_f64, 0.0_f64), (0.0_f64, 1.0_f64));
    let mut rest = x;
    for _ in 0..20 {
        let a = rest.floor();
        h = (a * h.0 + h.1, h.0);
        k = (a * k.0 + k.1, k.0);
        if k.0 > 1000.0 {
            return 1;
        }
        if (h.0 / k.0 - x).abs() <= 1e-9 * x.max(1.0) {
            return round(k.0).max(1);
        }
        let frac = rest - a;
        if frac <= 0.0 {
            return 1;
        }
        rest = 1.0 / frac;
    }
    1
}

/// The program's payments on `grid` (units / grid), each selected project
/// paid in full: the rounding residue goes to its largest payer.
fn rounded_payments(
    setup: &Setup,
    pay: &[Vec<(usize, Variable)>],
    solution: &microlp::Solution,
    grid: i128,
) -> Option<Vec<Vec<(usize, i128)>>> {
    let scale = float(setup.budget) * float(grid);
    let mut paid: Vec<Vec<(usize, i128)>> = pay
        .iter()
        .map(|terms| {
            terms
                .iter()
                .map(|&(p, v)| (p, round(solution.var_value(v) * scale).max(0)))
                .collect()
        })
        .collect();
    for p in (0..setup.cost.len()).filter(|&p| setup.is_selected(p)) {
        let sum: i128 = paid
            .iter()
            .flatten()
            .filter(|(q, _)| *q == p)
            .map(|(_, x)| x)
            .sum();
        let residue = setup.cost(p) * grid - sum;
        let largest = paid
            .iter_mut()
            .flatten()
            .filter(|(q, _)| *q == p)
            .max_by_key(|(_, x)| *x)?;
        if largest.1 + residue < 0 {
            return None;
        }
        largest.1 += residue;
    }
    Some(paid)
}

/// Every condition of a price system, exactly: `paid` per group and project
/// and the per-voter `budget`, in units / `grid`.
fn prices_check(setup: &Setup, paid: &[Vec<(usize, i128)>], budget: i128, grid: i128) -> bool {
    if setup.n * budget < setup.budget * grid {
        return false;
    }
    let spent: Vec<i128> = paid
        .iter()
        .map(|t| t.iter().map(|(_, x)| x).sum())
        .collect();
    for (g, &s) in spent.iter().enumerate() {
        if s > setup.k(g) * budget {
            return false;
        }
    }
    for p in 0..setup.cost.len() {
        let sum: i128 = paid
            .iter()
            .flatten()
            .filter(|(q, _)| *q == p)
            .map(|(_, x)| x)
            .sum();
        let owed = if setup.is_selected(p) {
            setup.cost(p) * grid
        } else {
            0
        };
        if sum != owed {
            return false;
        }
        if !setup.is_selected(p) {
            let left: i128 = setup
                .groups
                .iter()
                .enumerate()
                .filter(|(_, (ballot, _))| ballot.contains(&p))
                .map(|(g, _)| setup.k(g) * budget - spent.get(g).copied().unwrap_or(0))
                .sum();
            if left > setup.cost(p) * grid {
                return false;
            }
        }
    }
    paid.iter()
        .zip(&setup.groups)
        .all(|(terms, (ballot, _))| terms.iter().all(|(p, x)| *x >= 0 && ballot.contains(p)))
}

/// Farkas multipliers proving no price system exists, if the program finds
/// some that check exactly.
///
/// With `y_c` (selected, free), `v_g`, `u_d` (unselected), `β ≥ 0`: every
/// payment column gives `y_c + v_g − Σ_{d ∈ g, unselected} u_d ≥ 0`, the
/// budget column `Σ_d K_d u_d − Σ_g k_g v_g − n β ≥ 0`, and then
/// `Σ cost_c y_c + Σ cost_d u_d − L β < 0` contradicts the conditions.
#[allow(
    clippy::many_single_char_names,
    reason = "the names of the multipliers in the docs and the literature"
)]
fn farkas(setup: &Setup, id: &dyn Fn(usize) -> String) -> Option<NotPriceable> {
    let (problem, u, v) = farkas_program(setup);
    let m = setup.cost.len();
    let solution = solve(&problem)?;
    // u up and v down by at least half a grid step, so the budget column
    // T = Σ K_d u_d − Σ k_g v_g stays ≥ 0 through rounding; then each y_c is
    // the least its rows allow, computed exactly.
    let grid = float(GRID);
    let uu: Vec<i128> = u
        .iter()
        .map(|var| {
            var.map_or(0, |var| {
                let scaled = solution.var_value(var) * grid;
                // A multiplier the solver left at zero stays zero.
                if scaled < 1e-6 {
                    0
                } else {
                    round(scaled.floor()) + 1
                }
            })
        })
        .collect();
    let vv: Vec<i128> = v
        .iter()
        .map(|&var| (round((solution.var_value(var) * grid).ceil()) - 1).max(0))
        .collect();
    let mut yy: Vec<Option<i128>> = vec![None; m];
    for (group, (ballot, _)) in setup.groups.iter().enumerate() {
        // Multipliers come from floats and may be huge: every sum is checked,
        // and an overflow leaves the answer undecided rather than wrapped.
        let owed = ballot
            .iter()
            .filter(|&&d| !setup.is_selected(d))
            .try_fold(0i128, |sum, &d| {
                sum.checked_add(uu.get(d).copied().unwrap_or(0))
            })?;
        let least = owed.checked_sub(vv.get(group).copied().unwrap_or(0))?;
        for &c in ballot.iter().filter(|&&c| setup.is_selected(c)) {
            if let Some(slot) = yy.get_mut(c) {
                *slot = Some(slot.map_or(least, |y: i128| y.max(least)));
            }
        }
    }
    let yy: Vec<i128> = yy.into_iter().map(|y| y.unwrap_or(0)).collect();
    // n·β = T.
    let given = (0..m).try_fold(0i128, |sum, d| {
        sum.checked_add(
            setup
                .supporters(d)
                .checked_mul(uu.get(d).copied().unwrap_or(0))?,
        )
    })?;
    let held = vv.iter().enumerate().try_fold(0i128, |sum, (g, v)| {
        sum.checked_add(setup.k(g).checked_mul(*v)?)
    })?;
    let t = given.checked_sub(held)?;
    if t < 0 {
        return None;
    }
    // n · (Σ cost·y + Σ cost·u) − L · T < 0, all scaled by n.
    let weighted: i128 = (0..m).try_fold(0i128, |sum, p| {
        let y_plus_u = yy
            .get(p)
            .copied()
            .unwrap_or(0)
            .checked_add(uu.get(p).copied().unwrap_or(0))?;
        sum.checked_add(setup.cost(p).checked_mul(y_plus_u)?)
    })?;
    let contradiction = weighted
        .checked_mul(setup.n)
        .and_then(|a| a.checked_sub(setup.budget.checked_mul(t)?));
    if contradiction.is_none_or(|c| c >= 0) {
        return None;
    }
    let multipliers = multipliers(setup, id, (&yy, &uu, &vv), t)?;
    let unselected: Vec<String> = (0..m)
        .filter(|&d| !setup.is_selected(d) && uu.get(d).copied().unwrap_or(0) > 0)
        .map(id)
        .collect();
    let why = if unselected.is_empty() {
        "no voter budget both covers the budget and pays for the selection".to_owned()
    } else {
        format!(
            "whatever voters' budget pays for the selection, the supporters of {} keep enough to buy it",
            unselected
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        )
    };
    Some(NotPriceable {
        why,
        unselected,
        multipliers,
    })
}

/// The certificate's multipliers by name, scaled by n so β is an integer too;
/// zeros left out.
fn multipliers(
    setup: &Setup,
    id: &dyn Fn(usize) -> String,
    (yy, uu, vv): (&[i128], &[i128], &[i128]),
    t: i128,
) -> Option<BTreeMap<String, i128>> {
    let m = setup.cost.len();
    let mut multipliers = BTreeMap::new();
    for p in 0..m {
        let (name, value) = if setup.is_selected(p) {
            (format!("y {}", id(p)), yy.get(p).copied().unwrap_or(0))
        } else {
            (format!("u {}", id(p)), uu.get(p).copied().unwrap_or(0))
        };
        if value != 0 {
            multipliers.insert(name, value.checked_mul(setup.n)?);
        }
    }
    for (g, (_, voters)) in setup.groups.iter().enumerate() {
        let value = vv.get(g).copied().unwrap_or(0);
        if value != 0 {
            let first = voters.first().copied().unwrap_or(0);
            multipliers.insert(
                format!("v ballot of voter {first}"),
                value.checked_mul(setup.n)?,
            );
        }
    }
    if t != 0 {
        multipliers.insert("beta".to_owned(), t);
    }
    Some(multipliers)
}

/// The Farkas program: `y`, `u`, `v`, `β` as in [`farkas`], minimizing
/// `Σ u + Σ v + β`; returns the program, `u` and `v`.
#[allow(
    clippy::many_single_char_names,
    reason = "the names of the multipliers in the docs and the literature"
)]
fn farkas_program(setup: &Setup) -> (Problem, Vec<Option<Variable>>, Vec<Variable>) {
    let whole = float(setup.budget);
    let m = setup.cost.len();
    let mut problem = Problem::new(OptimizationDirection::Minimize);
    let y: Vec<Option<Variable>> = (0..m)
        .map(|p| {
            setup
                .is_selected(p)
                .then(|| problem.add_var(0.0, (f64::NEG_INFINITY, f64::INFINITY)))
        })
        .collect();
    let u: Vec<Option<Variable>> = (0..m)
        .map(|p| (!setup.is_selected(p)).then(|| problem.add_var(1.0, (0.0, f64::INFINITY))))
        .collect();
    let v: Vec<Variable> = setup
        .groups
        .iter()
        .map(|_| problem.add_var(1.0, (0.0, f64::INFINITY)))
        .collect();
    let beta = problem.add_var(1.0, (0.0, f64::INFINITY));
    for (g, (ballot, _)) in setup.groups.iter().enumerate() {
        for &c in ballot.iter().filter(|&&c| setup.is_selected(c)) {
            let mut row = LinearExpr::empty();
            if let (Some(Some(yc)), Some(&vg)) = (y.get(c), v.get(g)) {
                row.add(*yc, 1.0);
                row.add(vg, 1.0);
            }
            for &d in ballot.iter().filter(|&&d| !setup.is_selected(d)) {
                if let Some(Some(ud)) = u.get(d) {
                    row.add(*ud, -1.0);
                }
            }
            problem.add_constraint(row, ComparisonOp::Ge, 0.0);
        }
    }
    let mut column = LinearExpr::empty();
    for (d, ud) in u.iter().enumerate() {
        if let Some(ud) = ud {
            column.add(*ud, float(setup.supporters(d)));
        }
    }
    for (g, &vg) in v.iter().enumerate() {
        column.add(vg, -float(setup.k(g)));
    }
    column.add(beta, -float(setup.n));
    problem.add_constraint(column, ComparisonOp::Ge, 0.0);
    let mut objective = LinearExpr::empty();
    for p in 0..m {
        let var = y.get(p).copied().flatten().or(u.get(p).copied().flatten());
        if let Some(var) = var {
            objective.add(var, float(setup.cost(p)) / whole);
        }
    }
    objective.add(beta, -1.0);
    problem.add_constraint(objective, ComparisonOp::Le, -1.0);
    (problem, u, v)
}
