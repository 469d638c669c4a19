//! Proportionality checks of a participatory budget (approval ballots), as
//! pabutools defines them, each answered `satisfied` or with a witness: the
//! cohesive group of voters, the projects they all approve and could afford
//! with their share of the budget, and what the selection gives them.
//!
//! A group `N'` is *cohesive* for projects `T` when every member approves all
//! of `T` and `cost(T) · n ≤ |N'| · budget`. EJR asks that some member of
//! every cohesive group be satisfied with the selection at least as much as
//! with `T` (up to one project: plus the most satisfying project of `T` not
//! selected; up to any: plus the least). PJR asks it of the group's members
//! together (the selected projects any of them approves).
//!
//! Candidate sets `T` are searched depth first, and a branch stops as soon as
//! `T`'s common supporters could no longer afford it: supersets only cost more
//! and have fewer supporters. EJR needs nothing more per `T`. PJR also
//! searches which selected projects the group may share, which can be
//! exponential: both searches stop at [`MAX_SEARCH_NODES`] and refuse rather
//! than guess.

use serde::{Deserialize, Serialize};

use crate::{BudgetElection, Error, Result};

pub use crate::priceability::{
    GroupPayments, MAX_PRICE_BALLOTS, NotPriceable, PriceSystem, Priceability, Ratio, priceability,
};

/// The most search nodes a check visits before refusing.
pub const MAX_SEARCH_NODES: u64 = 20_000_000;

/// How a voter values a set of approved projects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Satisfaction {
    /// How many.
    Cardinality,
    /// Their total cost.
    Cost,
}

/// Exact, or relaxed by one project of `T` not selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UpTo {
    /// No relaxation.
    Exact,
    /// Up to one (the most satisfying unselected project of `T`).
    One,
    /// Up to any (the least satisfying one).
    Any,
}

/// A property of a budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BudgetProperty {
    /// Extended justified representation.
    Ejr,
    /// Proportional justified representation.
    Pjr,
}

/// A cohesive group the selection short-changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetWitness {
    /// The voters (indices in file order).
    pub voters: Vec<usize>,
    /// The projects they all approve and could afford (ids).
    pub projects: Vec<String>,
    /// In words.
    pub why: String,
}

/// A check's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetCheck {
    /// Whether the selection has the property.
    pub satisfied: bool,
    /// If not, the group it short-changes.
    pub witness: Option<BudgetWitness>,
}

struct Setup {
    /// Approved project indices per voter, sorted.
    ballots: Vec<Vec<usize>>,
    /// Cost per project at a common scale.
    cost: Vec<u128>,
    budget: u128,
    selected: Vec<bool>,
    satisfaction: Satisfaction,
    up_to: UpTo,
}

impl Setup {
    fn value(&self, p: usize) -> u128 {
        match self.satisfaction {
            Satisfaction::Cardinality => 1,
            Satisfaction::Cost => self.cost.get(p).copied().unwrap_or(0),
        }
    }

    /// A voter's satisfaction with the selection.
    fn sat(&self, v: usize) -> u128 {
        self.ballots.get(v).map_or(0, |b| {
            b.iter()
                .filter(|&&p| self.selected.get(p).copied().unwrap_or(false))
                .map(|&p| self.value(p))
                .sum()
        })
    }

    /// `sat(T)` less the relaxation: the bar a member must reach.
    fn bar(&self, t: &[usize]) -> u128 {
        let total: u128 = t.iter().map(|&p| self.value(p)).sum();
        let unselected = t
            .iter()
            .filter(|&&p| !self.selected.get(p).copied().unwrap_or(false))
            .map(|&p| self.value(p));
        let surplus = match self.up_to {
            UpTo::Exact => 0,
            UpTo::One => unselected.max().unwrap_or(0),
            UpTo::Any => unselected.min().unwrap_or(0),
        };
        total.saturating_sub(surplus)
    }

    /// Whether `voters` can afford `t`: cost(T)·n ≤ |N'|·budget.
    fn affords(&self, t_cost: u128, voters: usize) -> bool {
        let n = self.ballots.len() as u128;
        t_cost.saturating_mul(n) <= (voters as u128).saturating_mul(self.budget)
    }
}

/// Checks `property` of `selected` (project ids) in `election`, with voters'
/// satisfaction measured by `satisfaction`, exactly or `up_to` a project.
///
/// ```
/// use guided_community_pb::fairness::{check_budget, BudgetProperty, Satisfaction, UpTo};
/// use guided_community_pb::parse;
///
/// // Four voters, budget 4: two approve p1 and p2, two approve only p3.
/// let election = parse("META\nkey;value\nbudget;4\nvote_type;approval\n\
///     PROJECTS\nproject_id;cost\np1;2\np2;2\np3;2\n\
///     VOTES\nvoter_id;vote\n1;p1,p2\n2;p1,p2\n3;p3\n4;p3\n")?;
/// // Selecting p1 and p2 leaves the p3 half with nothing, though half the
/// // voters can afford p3 with half the budget.
/// let answer = check_budget(&election, &["p1".into(), "p2".into()], BudgetProperty::Ejr, Satisfaction::Cardinality, UpTo::Exact)?;
/// let witness = answer.witness.ok_or("no witness")?;
/// assert_eq!(witness.projects, ["p3"]);
/// assert_eq!(witness.voters, [2, 3]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::CommitteeInput`] for a selected id that is not a project or an
/// election that is not approval; [`Error::Meta`] for a missing budget;
/// [`Error::Overflow`] for costs beyond 128 bits; [`Error::CommitteeTooLarge`]
/// when the search would pass [`MAX_SEARCH_NODES`].
pub fn check_budget(
    election: &BudgetElection,
    selected: &[String],
    property: BudgetProperty,
    satisfaction: Satisfaction,
    up_to: UpTo,
) -> Result<BudgetCheck> {
    let money = crate::measures::approval_money(election, "the fairness checks", u128::MAX)?;
    let chosen = crate::measures::selection_mask(election, selected)?;
    let ballots: Vec<Vec<usize>> = election
        .voters
        .iter()
        .map(|v| {
            let mut b: Vec<usize> = v.ballot.iter().map(|&p| p as usize).collect();
            b.sort_unstable();
            b.dedup();
            b
        })
        .collect();
    let setup = Setup {
        ballots,
        cost: money.cost,
        budget: money.budget,
        selected: chosen,
        satisfaction,
        up_to,
    };
    let mut search = Search {
        setup: &setup,
        property,
        nodes: 0,
        witness: None,
    };
    let everyone: Vec<usize> = (0..setup.ballots.len()).collect();
    search.go(0, &mut Vec::new(), 0, &everyone)?;
    let witness = search.witness.map(|(voters, t, why)| BudgetWitness {
        voters,
        projects: t
            .iter()
            .filter_map(|&p| election.projects.get(p).map(|x| x.id.clone()))
            .collect(),
        why,
    });
    Ok(BudgetCheck {
        satisfied: witness.is_none(),
        witness,
    })
}

struct Search<'a> {
    setup: &'a Setup,
    property: BudgetProperty,
    nodes: u64,
    witness: Option<(Vec<usize>, Vec<usize>, String)>,
}

impl Search<'_> {
    fn tick(&mut self) -> Result<()> {
        self.nodes += 1;
        if self.nodes > MAX_SEARCH_NODES {
            return Err(Error::CommitteeTooLarge {
                what: "the budget fairness check".to_owned(),
                count: u128::from(self.nodes),
                limit: u128::from(MAX_SEARCH_NODES),
            });
        }
        Ok(())
    }

    /// Extends `t` with projects from `start` on; `voters` approve all of `t`.
    fn go(
        &mut self,
        start: usize,
        t: &mut Vec<usize>,
        t_cost: u128,
        voters: &[usize],
    ) -> Result<bool> {
        self.tick()?;
        if !t.is_empty() {
            if !self.setup.affords(t_cost, voters.len()) {
                return Ok(false);
            }
            if self.violated(t, t_cost, voters)? {
                return Ok(true);
            }
        }
        for p in start..self.setup.cost.len() {
            let next_cost = t_cost.saturating_add(self.setup.cost.get(p).copied().unwrap_or(0));
            let next: Vec<usize> = voters
                .iter()
                .copied()
                .filter(|&v| {
                    self.setup
                        .ballots
                        .get(v)
                        .is_some_and(|b| b.binary_search(&p).is_ok())
                })
                .collect();
            if !self.setup.affords(next_cost, next.len()) {
                continue;
            }
            t.push(p);
            let stop = self.go(p + 1, t, next_cost, &next)?;
            t.pop();
            if stop {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn violated(&mut self, t: &[usize], t_cost: u128, voters: &[usize]) -> Result<bool> {
        let bar = self.setup.bar(t);
        match self.property {
            BudgetProperty::Ejr => {
                let short: Vec<usize> = voters
                    .iter()
                    .copied()
                    .filter(|&v| self.setup.sat(v) < bar)
                    .collect();
                if !short.is_empty() && self.setup.affords(t_cost, short.len()) {
                    self.witness = Some((
                        short,
                        t.to_vec(),
                        format!(
                            "they all approve these projects and could afford them with their share of the budget, but each is less satisfied with the selection than with them{}",
                            match self.setup.up_to {
                                UpTo::Exact => "",
                                UpTo::One => ", even counting one more of them",
                                UpTo::Any => ", even counting the least of them",
                            }
                        ),
                    ));
                    return Ok(true);
                }
                Ok(false)
            }
            BudgetProperty::Pjr => self.pjr(t, t_cost, voters, bar),
        }
    }

    /// PJR at `t`: a large-enough subgroup whose selected approved projects,
    /// together, satisfy less than `bar`. The subgroup shares a set `R` of
    /// selected projects; sets `R` are tried depth first while `sat(R)` stays
    /// below the bar.
    fn pjr(&mut self, t: &[usize], t_cost: u128, voters: &[usize], bar: u128) -> Result<bool> {
        let selected = |p: &usize| self.setup.selected.get(*p).copied().unwrap_or(false);
        let mut touched: Vec<usize> = voters
            .iter()
            .flat_map(|&v| {
                self.setup
                    .ballots
                    .get(v)
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .copied()
            })
            .filter(|p| selected(p))
            .collect();
        touched.sort_unstable();
        touched.dedup();
        let mut r: Vec<usize> = Vec::new();
        self.pjr_go(&touched, 0, &mut r, 0, t, t_cost, voters, bar)
    }

    #[allow(clippy::too_many_arguments, reason = "one search's state")]
    fn pjr_go(
        &mut self,
        touched: &[usize],
        start: usize,
        r: &mut Vec<usize>,
        r_sat: u128,
        t: &[usize],
        t_cost: u128,
        voters: &[usize],
        bar: u128,
    ) -> Result<bool> {
        self.tick()?;
        // The voters whose selected approvals all lie in R.
        let group: Vec<usize> = voters
            .iter()
            .copied()
            .filter(|&v| {
                self.setup.ballots.get(v).is_some_and(|b| {
                    b.iter()
                        .filter(|&&p| self.setup.selected.get(p).copied().unwrap_or(false))
                        .all(|p| r.contains(p))
                })
            })
            .collect();
        if r_sat < bar && !group.is_empty() && self.setup.affords(t_cost, group.len()) {
            self.witness = Some((
                group,
                t.to_vec(),
                format!(
                    "they all approve these projects and could afford them with their share of the budget, but together they approve only {} of the selection, which satisfies them less{}",
                    r.len(),
                    match self.setup.up_to {
                        UpTo::Exact => "",
                        UpTo::One => ", even counting one more of them",
                        UpTo::Any => ", even counting the least of them",
                    }
                ),
            ));
            return Ok(true);
        }
        for i in start..touched.len() {
            let Some(&p) = touched.get(i) else {
                continue;
            };
            let next = r_sat.saturating_add(self.setup.value(p));
            if next >= bar {
                continue;
            }
            r.push(p);
            let stop = self.pjr_go(touched, i + 1, r, next, t, t_cost, voters, bar)?;
            r.pop();
            if stop {
                return Ok(true);
            }
        }
        Ok(false)
    }
}
