//! The integer model over volunteer types: the rules as rows, feasibility, an
//! irreducible set of rules that cannot be met together, coverage, and the
//! branch-and-bound optimiser.

use super::result::Coverage;
use crate::Error;
use crate::Result;
use crate::council::CompositionRule;
use crate::council::CouncilRules;
use crate::council::Volunteer;
use microlp::ComparisonOp;
use microlp::LinearExpr;
use microlp::OptimizationDirection;
use microlp::Problem;
use microlp::SolveOptions;
use microlp::Variable;
use std::collections::BTreeMap;
use std::collections::BTreeSet;

/// Branch-and-bound nodes one integer program may use before the selection gives up.
const NODE_LIMIT: u64 = 200_000;

/// Dual prices below this are noise.
const PRICE_EPS: f64 = 1e-9;

/// Volunteers grouped by the attributes the rules look at.
pub(super) struct Types<'a> {
    pub(super) keys: Vec<&'a str>,
    /// Per type: its value of each key.
    pub(super) signatures: Vec<Vec<Option<&'a str>>>,
    /// Per type: the volunteers' indices, in pool order.
    pub(super) members: Vec<Vec<usize>>,
}

impl<'a> Types<'a> {
    pub(super) fn of(volunteers: &'a [Volunteer], rules: &'a CouncilRules) -> Self {
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

    pub(super) fn len(&self) -> usize {
        self.signatures.len()
    }

    pub(super) fn value(&self, t: usize, key: &str) -> Option<&'a str> {
        let k = self.keys.iter().position(|&k| k == key)?;
        self.signatures.get(t)?.get(k).copied().flatten()
    }

    /// The types by their value of `key` (types without one are left out).
    pub(super) fn by_value(&self, key: &str) -> BTreeMap<&'a str, Vec<usize>> {
        let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for t in 0..self.len() {
            if let Some(value) = self.value(t, key) {
                groups.entry(value).or_default().push(t);
            }
        }
        groups
    }

    pub(super) fn attributes(&self, t: usize) -> BTreeMap<String, String> {
        let signature = self.signatures.get(t);
        self.keys
            .iter()
            .zip(signature.into_iter().flatten())
            .filter_map(|(key, value)| Some(((*key).to_owned(), (*value)?.to_owned())))
            .collect()
    }
}

/// A bound on the seats of a set of types.
pub(super) struct Row {
    pub(super) types: Vec<usize>,
    pub(super) lo: u32,
    pub(super) hi: u32,
    /// The hard rule it comes from; `None` for coverage.
    pub(super) rule: Option<usize>,
}

/// At least `at_least` of the groups get a seat.
pub(super) struct PartialCover {
    pub(super) groups: Vec<Vec<usize>>,
    pub(super) at_least: u32,
}

/// The integer model over type counts `n_t ∈ 0..=caps[t]`, `Σ n_t = seats`.
pub(super) struct Model {
    pub(super) caps: Vec<u32>,
    pub(super) seats: u32,
    pub(super) rows: Vec<Row>,
    pub(super) partial: Vec<PartialCover>,
}

impl Model {
    pub(super) fn new(types: &Types<'_>, seats: u32) -> Self {
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

    pub(super) fn add_rule(&mut self, index: usize, rule: &CompositionRule, types: &Types<'_>) {
        let (lo, hi) = rule.bounds(self.seats);
        if let CompositionRule::MaxPer { key, .. } = rule {
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
    pub(super) fn satisfied(&self, n: &[u32], active: &[bool]) -> bool {
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

    pub(super) fn feasible(&self, active: &[bool]) -> Result<bool> {
        Ok(self.optimize(active, &[], None)?.is_some())
    }

    /// A deletion filter: drop each rule in turn, keeping it only if the rest
    /// become feasible without it.
    pub(super) fn irreducible(&self, hard: &[CompositionRule]) -> Result<Vec<CompositionRule>> {
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
    /// allow it, or into rows of at most one seat per value when every seat
    /// can have a value of its own, or else into a floor on how many values
    /// every council covers.
    pub(super) fn add_cover(
        &mut self,
        keys: &[String],
        types: &Types<'_>,
    ) -> Result<Vec<Coverage>> {
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
            } else if covered == self.seats {
                // As many values covered as seats (a council in 15 of 500
                // buildings): every seat has a value of its own. The same
                // councils as "at least `seats` values covered", but as plain
                // rows: no binary per value, and a far tighter relaxation
                // (5,000 volunteers in 500 buildings: the starting councils'
                // integer programs 26 → 6 ms each). A rule's row over the same
                // types (at most 3 per building) is implied: it becomes the
                // value's row, which holds whichever rules are active (3,000
                // volunteers in 300 buildings: 3.2 → 2.4 s).
                let union: Vec<usize> = groups.iter().flatten().copied().collect();
                let mut rows: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
                for (i, row) in self.rows.iter().enumerate() {
                    if row.lo == 0 && row.hi >= 1 {
                        rows.entry(row.types.clone()).or_insert(i);
                    }
                }
                for group in groups {
                    if let Some(row) = rows.get(&group).and_then(|&i| self.rows.get_mut(i)) {
                        row.hi = 1;
                        row.rule = None;
                    } else {
                        self.rows.push(Row {
                            types: group,
                            lo: 0,
                            hi: 1,
                            rule: None,
                        });
                    }
                }
                self.rows.push(Row {
                    types: union,
                    lo: self.seats,
                    hi: self.seats,
                    rule: None,
                });
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
    pub(super) fn optimize(
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
pub(super) fn guarded<T>(f: impl FnOnce() -> T) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|_| Error::Solver {
        detail: "the linear-programming solver failed".to_owned(),
    })
}

pub(super) fn solver_error(error: &microlp::Error) -> Error {
    Error::Solver {
        detail: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where a cover key has more values than seats and every seat can have
    /// a value of its own, the cover becomes plain rows (at most one seat per
    /// value, every seat with a value), and they allow exactly the councils
    /// "at least `seats` values covered" allows: the best council is worth the
    /// same under both, at many prices, and covers `seats` values.
    #[test]
    fn a_cover_of_every_seat_is_plain_rows() {
        let ages = ["young", "middle", "senior"];
        let volunteers: Vec<Volunteer> = (0..40u64)
            .map(|i| {
                Volunteer::new(format!("v{i}"))
                    .with("age", ages[(i % 3) as usize])
                    .with("building", format!("b{}", (i * 7) % 11))
            })
            .collect();
        let mut rules = CouncilRules::none();
        rules.max_per.insert("building".to_owned(), 2);
        rules.cover.push("building".to_owned());
        let types = Types::of(&volunteers, &rules);
        let build = || {
            let mut model = Model::new(&types, 4);
            for (index, rule) in rules.hard_rules().iter().enumerate() {
                model.add_rule(index, rule, &types);
            }
            model
        };
        let mut rows = build();
        let coverage = rows.add_cover(&rules.cover, &types).unwrap();
        assert_eq!(coverage[0].covered, 4);
        assert!(rows.partial.is_empty(), "the cover became rows");
        let mut floor = build();
        floor.partial.push(PartialCover {
            groups: types.by_value("building").into_values().collect(),
            at_least: 4,
        });
        let active = vec![true; rules.hard_rules().len()];
        let mut state = 1u64;
        for _ in 0..50 {
            let prices: Vec<f64> = (0..types.len())
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1);
                    f64::from(u32::try_from(state >> 40).unwrap()) / f64::from(1u32 << 24)
                })
                .collect();
            let worth = |m: &Model| {
                let (council, _) = m.optimize(&active, &prices, None).unwrap().unwrap();
                let buildings = types
                    .by_value("building")
                    .values()
                    .filter(|g| g.iter().any(|&t| council[t] > 0))
                    .count();
                assert_eq!(buildings, 4, "{council:?}");
                council
                    .iter()
                    .zip(&prices)
                    .map(|(&n, &y)| f64::from(n) * y)
                    .sum::<f64>()
            };
            let (a, b) = (worth(&rows), worth(&floor));
            assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }
    }
}
