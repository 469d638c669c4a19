#![doc = include_str!("../README.md")]

use core::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

mod add1;
pub mod committee;
mod error;
pub mod fairness;
pub mod generate;
mod greedy;
mod hash;
pub mod measures;
mod mes;
mod num;
mod pabulib;
mod phragmen;
mod priceability;
mod rng;
#[cfg(any(test, feature = "proptest"))]
pub mod strategy;
#[cfg(test)]
mod testing;

pub use error::{Error, Result};
pub use generate::RandomElection;
pub use pabulib::{ParseOptions, parse, parse_with, write};
#[cfg(test)]
pub(crate) use testing::{election, in_range, testdata, tie_breaks};

/// A parsed Pabulib election: every section, column and value as written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BudgetElection {
    /// META key–value pairs, in file order.
    pub meta: Vec<(String, String)>,
    /// The PROJECTS header.
    pub project_columns: Vec<String>,
    /// The projects, in file order.
    pub projects: Vec<Project>,
    /// The VOTES header.
    pub vote_columns: Vec<String>,
    /// The voters, in file order.
    pub voters: Vec<Voter>,
    /// What the reader noticed and how it read it (a project named twice in a
    /// ballot, a `num_votes` that does not match): see [`ParseOptions`]. Every
    /// outcome of [`run`] repeats them first in its notes.
    pub notes: Vec<String>,
}

/// A project: its id, its cost, and every column as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// Its `project_id`.
    pub id: String,
    /// Its `cost`.
    pub cost: Decimal,
    /// Every field of its row, in header order.
    pub fields: Vec<String>,
    /// The line it was read from (1-based).
    pub line: usize,
}

impl Project {
    /// The value of column `name`, if the file has it.
    pub fn field<'a>(&'a self, election: &BudgetElection, name: &str) -> Option<&'a str> {
        let column = election.project_columns.iter().position(|c| c == name)?;
        self.fields.get(column).map(String::as_str)
    }
}

/// A voter: their ballot as project indices (in the order written: a ranking for
/// ordinal votes), points where the vote type has them, and every column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voter {
    /// Their `voter_id`.
    pub id: String,
    /// Indices into [`BudgetElection::projects`], as written.
    pub ballot: Vec<u32>,
    /// Points per project of the ballot (cumulative and scoring votes).
    pub points: Vec<u64>,
    /// Every field of their row, in header order.
    pub fields: Vec<String>,
    /// The line it was read from (1-based).
    pub line: usize,
}

/// How residents voted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum VoteType {
    /// Approve any number of projects.
    Approval,
    /// Approve exactly one.
    #[serde(rename = "choose-1")]
    ChooseOne,
    /// Rank projects; scored by Borda (a ballot ranking k projects gives k, k−1, …, 1).
    Ordinal,
    /// Spread points.
    Cumulative,
    /// Score projects.
    Scoring,
}

impl BudgetElection {
    /// The META value for `key`.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The budget (META `budget`).
    ///
    /// # Errors
    ///
    /// [`Error::Meta`] if it is missing or not a non-negative decimal.
    pub fn budget(&self) -> Result<Decimal> {
        let text = self
            .meta("budget")
            .ok_or_else(|| meta("budget", "missing"))?;
        text.trim()
            .parse::<Decimal>()
            .ok()
            .filter(|b| !b.is_sign_negative())
            .ok_or_else(|| meta("budget", "not a non-negative decimal"))
    }

    /// The vote type (META `vote_type`).
    ///
    /// # Errors
    ///
    /// [`Error::Meta`] if it is missing or unknown.
    pub fn vote_type(&self) -> Result<VoteType> {
        match self.meta("vote_type").map(str::trim) {
            Some("approval") => Ok(VoteType::Approval),
            Some("choose-1") => Ok(VoteType::ChooseOne),
            Some("ordinal") => Ok(VoteType::Ordinal),
            Some("cumulative") => Ok(VoteType::Cumulative),
            Some("scoring") => Ok(VoteType::Scoring),
            Some(_) => Err(meta(
                "vote_type",
                "not approval, choose-1, ordinal, cumulative or scoring",
            )),
            None => Err(meta("vote_type", "missing")),
        }
    }

    /// The score threshold greedy rules apply (META `min_project_score_threshold`).
    ///
    /// # Errors
    ///
    /// [`Error::Meta`] if present and not a whole number.
    pub fn threshold(&self) -> Result<Option<u64>> {
        self.meta("min_project_score_threshold")
            .map(|t| {
                t.trim()
                    .parse::<u64>()
                    .map_err(|_| meta("min_project_score_threshold", "not a whole number"))
            })
            .transpose()
    }

    /// The rule named by META `rule`.
    ///
    /// # Errors
    ///
    /// [`Error::Meta`] if missing, [`Error::UnknownRule`] if not one this
    /// module implements (`unknown` included).
    pub fn rule(&self) -> Result<BudgetingRule> {
        let name = self.meta("rule").ok_or_else(|| meta("rule", "missing"))?;
        BudgetingRule::from_meta(name.trim())
    }
}

fn meta(key: &'static str, problem: &'static str) -> Error {
    Error::Meta { key, problem }
}

/// A rule that selects projects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum BudgetingRule {
    /// Most votes (points) first, skipping projects that do not fit.
    Greedy,
    /// Greedy, but only projects reaching the file's score threshold.
    GreedyThreshold,
    /// Most votes first, stopping at the first project that does not fit.
    GreedyNoSkip,
    /// The Method of Equal Shares with a per-voter budget of B/n.
    Mes,
    /// MES completed the cities' way: per-voter budget ⌊B/n⌋ + 1, + 2, … while the
    /// outcome still fits the budget. The answer is the step-by-step loop's,
    /// found without running every budget; the note says how many runs it took.
    MesAdd1,
    /// [`BudgetingRule::MesAdd1`], then greedy if more voters prefer greedy's outcome.
    MesAdd1Comparison,
    /// Sequential Phragmén.
    Phragmen,
}

impl BudgetingRule {
    /// Every rule, in a fixed order.
    pub const ALL: [Self; 7] = [
        Self::Greedy,
        Self::GreedyThreshold,
        Self::GreedyNoSkip,
        Self::Mes,
        Self::MesAdd1,
        Self::MesAdd1Comparison,
        Self::Phragmen,
    ];

    /// The name used on the command line.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Greedy => "greedy",
            Self::GreedyThreshold => "greedy-threshold",
            Self::GreedyNoSkip => "greedy-no-skip",
            Self::Mes => "mes",
            Self::MesAdd1 => "mes-add1",
            Self::MesAdd1Comparison => "mes-add1-comparison",
            Self::Phragmen => "phragmen",
        }
    }

    /// The rule a Pabulib META `rule` names.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownRule`] for anything else.
    pub fn from_meta(name: &str) -> Result<Self> {
        match name {
            "greedy" => Ok(Self::Greedy),
            "greedy-threshold" => Ok(Self::GreedyThreshold),
            "greedy-no-skip" => Ok(Self::GreedyNoSkip),
            "equalshares" => Ok(Self::Mes),
            "equalshares/add1" => Ok(Self::MesAdd1),
            "equalshares/add1-comparison" => Ok(Self::MesAdd1Comparison),
            "phragmen" | "seq-phragmen" => Ok(Self::Phragmen),
            _ => Err(Error::UnknownRule {
                rule: name.to_owned(),
            }),
        }
    }
}

impl fmt::Display for BudgetingRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl core::str::FromStr for BudgetingRule {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|r| r.name() == s)
            .ok_or_else(|| Error::UnknownRule { rule: s.to_owned() })
    }
}

/// What a voter gains from a project, for MES.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Utility {
    /// The project's cost, for each supporter (equalshares.net's default).
    Cost,
    /// 1 for each supported project (cardinality).
    Approval,
    /// The points given (cumulative, scoring) or the Borda score (ordinal).
    Points,
}

/// How ties between projects are broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ProjectTieBreak {
    /// The project listed first in the file wins (what the cities do).
    #[default]
    FileOrder,
    /// The cheaper project, then the one with more votes (equalshares.net).
    CostThenVotes,
    /// The more expensive project.
    MaxCost,
    /// The smaller id (numerically when both are numbers).
    Id,
    /// No tie-break: a tie that decides the outcome is an error naming the projects.
    Refuse,
}

/// What to run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Options {
    /// The rule.
    pub rule: BudgetingRule,
    /// MES utilities; `None` means cost for approval votes and points otherwise.
    pub utility: Option<Utility>,
    /// Ties.
    pub tie_break: ProjectTieBreak,
}

impl Options {
    /// `rule` with the default utility and file-order ties.
    pub fn new(rule: BudgetingRule) -> Self {
        Self {
            rule,
            utility: None,
            tie_break: ProjectTieBreak::FileOrder,
        }
    }

    /// The rule the election's META names.
    ///
    /// # Errors
    ///
    /// As [`BudgetElection::rule`].
    pub fn auto(election: &BudgetElection) -> Result<Self> {
        Ok(Self::new(election.rule()?))
    }

    /// The same options with `utility`.
    #[must_use]
    pub fn with_utility(mut self, utility: Utility) -> Self {
        self.utility = Some(utility);
        self
    }

    /// The same options with `tie_break`.
    #[must_use]
    pub fn with_tie_break(mut self, tie_break: ProjectTieBreak) -> Self {
        self.tie_break = tie_break;
        self
    }
}

/// Why a project ended where it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Why {
    /// Greedy: chosen with this much of the budget left before it.
    Chosen {
        /// Budget left when it was chosen.
        budget_left: Decimal,
    },
    /// Greedy: below the score threshold.
    BelowThreshold {
        /// The threshold.
        threshold: u64,
    },
    /// Greedy or Phragmén: it did not fit the budget left.
    DidNotFit {
        /// Budget left at its turn.
        budget_left: Decimal,
    },
    /// Greedy without skipping, or Phragmén: the rule had stopped before its turn.
    Stopped,
    /// MES: its supporters paid for it.
    Paid {
        /// The price per unit of utility, ρ, as an exact fraction.
        rho: String,
        /// Supporters who paid the full share.
        full_payers: u64,
        /// The share each of them paid (rounded to the currency's decimals).
        share: Decimal,
        /// Supporters who paid everything they had left, for less.
        partial_payers: u64,
        /// What those paid in total (rounded).
        partial_total: Decimal,
    },
    /// MES: its supporters could not afford it.
    Unaffordable {
        /// What its supporters had left at the end (rounded).
        supporters_left: Decimal,
    },
    /// MES: no supporter.
    NoSupport,
    /// Phragmén: bought when its supporters' load reached this.
    Loaded {
        /// The supporters' load after it, as an exact fraction.
        load: String,
    },
}

/// One project in an outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectOutcome {
    /// Its id.
    pub id: String,
    /// Its cost.
    pub cost: Decimal,
    /// Its votes (approvals) or points (Borda score for ordinal votes), exact
    /// however large.
    pub score: u128,
    /// Whether it was selected.
    pub selected: bool,
    /// Why.
    #[serde(flatten)]
    pub why: Why,
}

/// The result of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The rule that produced it (after a comparison step: the one kept).
    pub rule: String,
    /// Selected projects, in the order they were chosen.
    pub selected: Vec<String>,
    /// Their total cost.
    pub total_cost: Decimal,
    /// The budget.
    pub budget: Decimal,
    /// MES: the per-voter budget used (for `add1`, the last that fit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_voter_budget: Option<Decimal>,
    /// Every project, in file order.
    pub projects: Vec<ProjectOutcome>,
    /// Steps worth knowing: add1 iterations, the comparison vote.
    pub notes: Vec<String>,
}

/// Runs `options.rule` on `election`.
///
/// # Errors
///
/// [`Error::Meta`] / [`Error::Syntax`] for an election that does not say what
/// it needs to; [`Error::Tie`] when [`ProjectTieBreak::Refuse`] meets a deciding tie;
/// [`Error::Overflow`] if costs do not fit 128 bits at a common scale, or, for
/// the add1 rules, if the projects' total cost in the smallest unit or a ballot's
/// points reach 2^53 (add1 decides with exact `f64` bounds).
pub fn run(election: &BudgetElection, options: &Options) -> Result<Outcome> {
    let profile = Profile::new(election, options.tie_break)?;
    let utility = options.utility.unwrap_or(match profile.kind {
        VoteType::Approval | VoteType::ChooseOne => Utility::Cost,
        _ => Utility::Points,
    });
    match options.rule {
        // A file's score threshold applies to every greedy variant.
        BudgetingRule::Greedy | BudgetingRule::GreedyThreshold => {
            greedy::run(&profile, greedy::Variant::Skip, profile.threshold)
        }
        BudgetingRule::GreedyNoSkip => {
            greedy::run(&profile, greedy::Variant::NoSkip, profile.threshold)
        }
        BudgetingRule::Mes => mes::plain(&profile, utility),
        BudgetingRule::MesAdd1 => add1::add1(&profile, utility),
        BudgetingRule::MesAdd1Comparison => add1::add1_comparison(&profile, utility),
        BudgetingRule::Phragmen => phragmen::run(&profile),
    }
}

/// An election ready for the rules: costs and budget as integers at a common
/// scale, identical ballots grouped, and the tie-break as a rank per project.
#[derive(Debug, Clone)]
pub struct Profile<'a> {
    election: &'a BudgetElection,
    kind: VoteType,
    /// 10^decimals: the common scale of costs and budget.
    scale: u128,
    decimals: u32,
    costs: Vec<u128>,
    budget: u128,
    /// Distinct ballots with their counts.
    groups: Vec<Group>,
    /// The distinct ballots' (project, points) pairs, one after another, each
    /// ballot sorted by project.
    items: Vec<(u32, u64)>,
    voters: u64,
    /// Votes (approvals) or points per project, counted from the VOTES section
    /// (exact: a u64 per ballot, fewer than 2⁶⁴ ballots): also the points
    /// given to each project summed over voters, MES's weights.
    scores: Vec<u128>,
    /// Supporters (voters) per project.
    supporters: Vec<u64>,
    /// Per project: the groups supporting it, in group order (4 bytes each:
    /// the rules read these lists over and over).
    support: Vec<Vec<u32>>,
    /// Per project: the points each voter of its supporting groups gives it,
    /// beside `support`; every list empty for approvals, where every point
    /// is 1 ([`Profile::points`]).
    support_points: Vec<Vec<u64>>,
    /// Position of each project in the tie-break order (0 wins).
    rank: Vec<u32>,
    refuse_ties: bool,
    threshold: Option<u64>,
}

/// Voters who cast the same ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Group {
    count: u64,
    /// Where its (project, points) pairs are in [`Profile::items`]: points are 1
    /// for approvals, the points given, or the Borda score.
    items: core::ops::Range<usize>,
}

impl<'a> Profile<'a> {
    /// Prepares `election` for the rules.
    ///
    /// # Errors
    ///
    /// As [`run`].
    pub fn new(election: &'a BudgetElection, tie_break: ProjectTieBreak) -> Result<Self> {
        let kind = election.vote_type()?;
        let budget = election.budget()?;
        let decimals = election
            .projects
            .iter()
            .map(|p| p.cost.normalize().scale())
            .chain([budget.normalize().scale()])
            .max()
            .unwrap_or(0);
        let scale = 10u128.checked_pow(decimals).ok_or(Error::Overflow {
            context: "scaling costs",
        })?;
        let to_int = |d: Decimal| -> Result<u128> {
            let d = d.normalize();
            let mantissa = u128::try_from(d.mantissa()).map_err(|_| Error::Overflow {
                context: "scaling costs",
            })?;
            mantissa
                .checked_mul(10u128.pow(decimals - d.scale()))
                .ok_or(Error::Overflow {
                    context: "scaling costs",
                })
        };
        let costs = election
            .projects
            .iter()
            .map(|p| to_int(p.cost))
            .collect::<Result<Vec<_>>>()?;
        let m = election.projects.len();
        let Grouped {
            groups,
            items,
            scores,
            supporters,
            sizes,
        } = group_ballots(election, kind, m);
        let approvals = matches!(kind, VoteType::Approval | VoteType::ChooseOne);
        let mut support: Vec<Vec<u32>> = sizes.iter().map(|&n| Vec::with_capacity(n)).collect();
        let mut support_points: Vec<Vec<u64>> = if approvals {
            vec![Vec::new(); m]
        } else {
            sizes.iter().map(|&n| Vec::with_capacity(n)).collect()
        };
        for (g, group) in (0u32..).zip(&groups) {
            let group: &Group = group;
            for &(p, given) in items.get(group.items.clone()).unwrap_or_default() {
                if let Some(s) = support.get_mut(p as usize) {
                    s.push(g);
                }
                if !approvals && let Some(s) = support_points.get_mut(p as usize) {
                    s.push(given);
                }
            }
        }
        let rank = tie_ranks(election, &costs, &scores, tie_break);
        Ok(Self {
            election,
            kind,
            scale,
            decimals,
            costs,
            budget: to_int(budget)?,
            groups,
            items,
            voters: election.voters.len() as u64,
            scores,
            supporters,
            support,
            support_points,
            rank,
            refuse_ties: tie_break == ProjectTieBreak::Refuse,
            threshold: election.threshold()?,
        })
    }

    /// Project `c`'s supporting groups, in group order.
    fn support(&self, c: usize) -> &[u32] {
        self.support.get(c).map_or(&[][..], Vec::as_slice)
    }

    /// The points each voter of project `c`'s `i`-th supporting group gives
    /// it (1 for approvals).
    fn points(&self, c: usize) -> impl Fn(usize) -> u64 + '_ {
        let points = self.support_points.get(c).map_or(&[][..], Vec::as_slice);
        move |i| points.get(i).copied().unwrap_or(1)
    }

    /// A group's ballot: its (project, points) pairs sorted by project.
    fn ballot(&self, group: &Group) -> &[(u32, u64)] {
        self.items.get(group.items.clone()).unwrap_or_default()
    }

    fn cost(&self, p: usize) -> u128 {
        self.costs.get(p).copied().unwrap_or(0)
    }

    fn rank(&self, p: usize) -> u32 {
        self.rank.get(p).copied().unwrap_or(u32::MAX)
    }

    fn id(&self, p: usize) -> String {
        self.election
            .projects
            .get(p)
            .map(|x| x.id.clone())
            .unwrap_or_default()
    }

    /// A scaled integer amount as a decimal.
    fn money(&self, amount: u128) -> Decimal {
        num::decimal(i128::try_from(amount).unwrap_or(i128::MAX), self.decimals)
    }

    /// The report skeleton: every project, unselected, with its score.
    fn reports(&self, why: &Why) -> Vec<ProjectOutcome> {
        self.election
            .projects
            .iter()
            .enumerate()
            .map(|(p, project)| ProjectOutcome {
                id: project.id.clone(),
                cost: project.cost,
                score: self.scores.get(p).copied().unwrap_or(0),
                selected: false,
                why: why.clone(),
            })
            .collect()
    }

    fn outcome(&self, rule: &str, chosen: &[usize], projects: Vec<ProjectOutcome>) -> Outcome {
        let total: u128 = chosen.iter().map(|&p| self.cost(p)).sum();
        Outcome {
            rule: rule.to_owned(),
            selected: chosen.iter().map(|&p| self.id(p)).collect(),
            total_cost: self.money(total),
            budget: self.money(self.budget),
            per_voter_budget: None,
            projects,
            notes: self.election.notes.clone(),
        }
    }

    /// Fails if `tied` (two or more projects, best first) is a tie that the
    /// tie-break must decide and ties are refused.
    fn check_tie(&self, tied: &[usize]) -> Result<()> {
        if self.refuse_ties && tied.len() > 1 {
            return Err(Error::Tie {
                projects: tied.iter().map(|&p| self.id(p)).collect(),
            });
        }
        Ok(())
    }
}

/// `slice[i] = value`, if `i` is in range.
fn set<T>(slice: &mut [T], i: usize, value: T) {
    if let Some(slot) = slice.get_mut(i) {
        *slot = value;
    }
}

/// [`group_ballots`]' ballots and per-project totals.
struct Grouped {
    groups: Vec<Group>,
    items: Vec<(u32, u64)>,
    /// Per project (of `m`): its votes or points, its voters, its supporting
    /// groups.
    scores: Vec<u128>,
    supporters: Vec<u64>,
    sizes: Vec<usize>,
}

/// Every voter's ballot as (project, points) pairs with positive points,
/// sorted by project, identical ballots grouped in first-seen order (so that
/// everything downstream is deterministic), each group's pairs once, one
/// group after another in one buffer. Each ballot is read into one reused
/// buffer and looked up by its hash: a ballot seen before is never copied.
/// Each project's totals (of `m` projects; pairs naming one out of range
/// count for none) are added up from the ballot just read, while it is at
/// hand, rather than in a pass over the groups afterwards.
fn group_ballots(election: &BudgetElection, kind: VoteType, m: usize) -> Grouped {
    let mut scores = vec![0u128; m];
    let mut supporters = vec![0u64; m];
    let mut sizes = vec![0usize; m];
    let mut sorter = BitsetSort::new(election.projects.len());
    let mut table = hash::BallotTable::with_capacity(election.voters.len());
    let mut ballot = Vec::new();
    // At most one group per voter and one pair per project named: reserved
    // at once, as growing them copied them over and over (3% of MES's time on
    // Budapest 2024).
    let pairs = election.voters.iter().map(|v| v.ballot.len()).sum();
    let mut groups: Vec<Group> = Vec::with_capacity(election.voters.len());
    let mut items: Vec<(u32, u64)> = Vec::with_capacity(pairs);
    for chunk in election.voters.chunks(16) {
        // Each voter's ballot lives in its own allocation, away from the
        // others: reading the first project of sixteen at once lets their
        // cache misses overlap, where reading them one by one waited for
        // each in turn (Budapest 2024: the profile 7 → 5.5 ms).
        let warm = chunk.iter().fold(0u32, |t, v| {
            t.wrapping_add(v.ballot.first().copied().unwrap_or(0))
        });
        core::hint::black_box(warm);
        for voter in chunk {
            read_ballot(voter, kind, &mut sorter, &mut ballot);
            if ballot.is_empty() {
                continue;
            }
            for &(p, given) in &ballot {
                if let (Some(score), Some(voters)) =
                    (scores.get_mut(p as usize), supporters.get_mut(p as usize))
                {
                    *score += u128::from(given);
                    *voters += 1;
                }
            }
            let hash = table.hash(&ballot);
            let same = |g: u32| {
                groups
                    .get(g as usize)
                    .and_then(|group| items.get(group.items.clone()))
                    == Some(&ballot[..])
            };
            let next = u32::try_from(groups.len()).unwrap_or(u32::MAX);
            if let Some(g) = table.group(hash, same, next) {
                if let Some(group) = groups.get_mut(g as usize) {
                    group.count += 1;
                }
            } else {
                for &(p, _) in &ballot {
                    if let Some(size) = sizes.get_mut(p as usize) {
                        *size += 1;
                    }
                }
                let start = items.len();
                items.extend_from_slice(&ballot);
                groups.push(Group {
                    count: 1,
                    items: start..items.len(),
                });
            }
        }
    }
    Grouped {
        groups,
        items,
        scores,
        supporters,
        sizes,
    }
}

/// A voter's ballot as (project, points) pairs with positive points, sorted
/// by project, in `ballot` (cleared first).
fn read_ballot(
    voter: &Voter,
    kind: VoteType,
    sorter: &mut BitsetSort,
    ballot: &mut Vec<(u32, u64)>,
) {
    ballot.clear();
    match kind {
        VoteType::Approval | VoteType::ChooseOne => {
            // Marked in the bitset straight from the projects named, every
            // pair worth one point: no pairs written to be sorted.
            if sorter.sort_approvals(&voter.ballot, ballot) {
                return;
            }
            ballot.extend(voter.ballot.iter().map(|&p| (p, 1)));
        }
        VoteType::Ordinal => {
            let k = voter.ballot.len() as u64;
            ballot.extend((0u64..).zip(&voter.ballot).map(|(i, &p)| (p, k - i)));
        }
        VoteType::Cumulative | VoteType::Scoring => {
            let points = voter.points.iter().copied().chain(core::iter::repeat(0));
            ballot.extend(
                voter
                    .ballot
                    .iter()
                    .zip(points)
                    .map(|(&p, given)| (p, given))
                    .filter(|&(_, given)| given > 0),
            );
        }
    }
    if !ballot.is_sorted() && !sorter.sort(ballot) {
        ballot.sort_unstable();
    }
}

/// Sorts ballots of an election with few projects by marking each project in a
/// bitset and reading the set bits back in order: a pass over the ballot and
/// one over `m / 64` words, where a comparison sort of fifteen pairs moves them
/// about fifty times. Only for up to [`BitsetSort::MAX_PROJECTS`] projects, so
/// the words stay few.
struct BitsetSort {
    /// One bit per project, all clear between ballots.
    seen: Vec<u64>,
    /// The points of each project marked in the current ballot.
    points: Vec<u64>,
}

impl BitsetSort {
    const MAX_PROJECTS: usize = 4096;

    fn new(m: usize) -> Self {
        if m > Self::MAX_PROJECTS {
            return Self {
                seen: Vec::new(),
                points: Vec::new(),
            };
        }
        Self {
            seen: vec![0; m.div_ceil(64)],
            points: vec![0; m],
        }
    }

    /// Writes the approvals `projects` to `ballot` as (project, 1) pairs
    /// sorted by project and returns true, or writes nothing and returns false
    /// (a project out of range or named twice, or too many projects).
    fn sort_approvals(&mut self, projects: &[u32], ballot: &mut Vec<(u32, u64)>) -> bool {
        let (mut low, mut high) = (usize::MAX, 0);
        for (marked, &p) in projects.iter().enumerate() {
            let (word, bit) = (p as usize / 64, p % 64);
            match self.seen.get_mut(word) {
                Some(w) if *w & (1 << bit) == 0 => {
                    *w |= 1 << bit;
                    low = low.min(word);
                    high = high.max(word);
                }
                _ => {
                    for &p in projects.iter().take(marked) {
                        if let Some(w) = self.seen.get_mut(p as usize / 64) {
                            *w &= !(1 << (p % 64));
                        }
                    }
                    return false;
                }
            }
        }
        if projects.is_empty() {
            return true;
        }
        let words = self.seen.get_mut(low..=high).unwrap_or_default();
        // `low` is one of at most `MAX_PROJECTS / 64` words.
        let first = u32::try_from(low.saturating_mul(64)).unwrap_or(0);
        for (word, base) in words.iter_mut().zip((first..).step_by(64)) {
            // Cleared at once and read from a register: clearing bit by bit
            // in memory chained every bit's store to the next bit's load.
            let mut bits = core::mem::take(word);
            while bits != 0 {
                ballot.push((base + bits.trailing_zeros(), 1));
                bits &= bits - 1;
            }
        }
        true
    }

    /// Sorts `ballot` by project and returns true, or leaves it as it was and
    /// returns false (a project out of range or named twice, or too many
    /// projects): the caller then sorts it the usual way.
    fn sort(&mut self, ballot: &mut [(u32, u64)]) -> bool {
        for (marked, &(p, given)) in ballot.iter().enumerate() {
            let (word, bit) = (p as usize / 64, p % 64);
            let fresh = match (self.seen.get_mut(word), self.points.get_mut(p as usize)) {
                (Some(w), Some(slot)) if *w & (1 << bit) == 0 => {
                    *w |= 1 << bit;
                    *slot = given;
                    true
                }
                _ => false,
            };
            if !fresh {
                // Clear what this ballot marked, and leave it to the caller.
                for &(p, _) in ballot.iter().take(marked) {
                    if let Some(w) = self.seen.get_mut(p as usize / 64) {
                        *w &= !(1 << (p % 64));
                    }
                }
                return false;
            }
        }
        let mut slots = ballot.iter_mut();
        for (base, word) in (0u32..).step_by(64).zip(self.seen.iter_mut()) {
            let mut bits = core::mem::take(word);
            while bits != 0 {
                let p = base + bits.trailing_zeros();
                bits &= bits - 1;
                if let Some(slot) = slots.next() {
                    *slot = (p, self.points.get(p as usize).copied().unwrap_or(0));
                }
            }
        }
        true
    }
}

/// The position of each project in the tie-break order.
fn tie_ranks(
    election: &BudgetElection,
    costs: &[u128],
    scores: &[u128],
    tie_break: ProjectTieBreak,
) -> Vec<u32> {
    let mut order: Vec<usize> = (0..election.projects.len()).collect();
    let cost = |p: usize| costs.get(p).copied().unwrap_or(0);
    let score = |p: usize| scores.get(p).copied().unwrap_or(0);
    let id = |p: usize| election.projects.get(p).map_or("", |x| x.id.as_str());
    match tie_break {
        ProjectTieBreak::FileOrder | ProjectTieBreak::Refuse => {}
        ProjectTieBreak::CostThenVotes => {
            order.sort_by(|&a, &b| cost(a).cmp(&cost(b)).then(score(b).cmp(&score(a))));
        }
        ProjectTieBreak::MaxCost => order.sort_by_key(|&p| core::cmp::Reverse(cost(p))),
        ProjectTieBreak::Id => {
            order.sort_by(
                |&a, &b| match (id(a).parse::<u128>(), id(b).parse::<u128>()) {
                    (Ok(x), Ok(y)) => x.cmp(&y),
                    _ => id(a).cmp(id(b)),
                },
            );
        }
    }
    let mut rank = vec![0u32; order.len()];
    for (r, p) in (0u32..).zip(order) {
        if let Some(slot) = rank.get_mut(p) {
            *slot = r;
        }
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Ballots as the rules see them, one `Vec` per voter the simple way.
    fn reference(election: &BudgetElection, kind: VoteType) -> Vec<Vec<(u32, u64)>> {
        election
            .voters
            .iter()
            .map(|voter| {
                let k = voter.ballot.len() as u64;
                let mut items: Vec<(u32, u64)> = (0u64..)
                    .zip(&voter.ballot)
                    .map(|(i, &p)| {
                        let points = match kind {
                            VoteType::Approval | VoteType::ChooseOne => 1,
                            VoteType::Ordinal => k - i,
                            VoteType::Cumulative | VoteType::Scoring => voter
                                .points
                                .get(usize::try_from(i).unwrap_or(usize::MAX))
                                .copied()
                                .unwrap_or(0),
                        };
                        (p, points)
                    })
                    .filter(|&(_, points)| points > 0)
                    .collect();
                items.sort_unstable();
                items
            })
            .collect()
    }

    /// `m` projects costing 1, without ids.
    fn projects(m: usize) -> Vec<Project> {
        vec![
            Project {
                id: String::new(),
                cost: Decimal::ONE,
                fields: Vec::new(),
                line: 0,
            };
            m
        ]
    }

    fn voter(ballot: Vec<u32>, points: Vec<u64>) -> Voter {
        Voter {
            id: String::new(),
            ballot,
            points,
            fields: Vec::new(),
            line: 0,
        }
    }

    proptest! {
        /// The one-buffer ballots, sorted by bitset or by comparison, are the
        /// simple per-voter ballots: also with a project named twice or out of
        /// range (possible in an election built in code), and past the bitset's
        /// project limit.
        #[test]
        fn ballots_are_sorted_pairs_with_points(
            m in prop_oneof![1usize..200, Just(BitsetSort::MAX_PROJECTS + 1)],
            voters in proptest::collection::vec(
                proptest::collection::vec((0u32..250, 0u64..4), 0..12),
                0..30,
            ),
            kind in prop_oneof![
                Just(VoteType::Approval),
                Just(VoteType::Ordinal),
                Just(VoteType::Cumulative),
            ],
        ) {
            let election = BudgetElection {
                projects: projects(m),
                voters: voters
                    .into_iter()
                    .map(|pairs| {
                        let (ballot, points) = pairs.into_iter().unzip();
                        voter(ballot, points)
                    })
                    .collect(),
                ..BudgetElection::default()
            };
            let mut sorter = BitsetSort::new(election.projects.len());
            let got: Vec<Vec<(u32, u64)>> = election
                .voters
                .iter()
                .map(|voter| {
                    let mut ballot = vec![(7, 7)];
                    read_ballot(voter, kind, &mut sorter, &mut ballot);
                    ballot
                })
                .collect();
            prop_assert_eq!(got, reference(&election, kind));
        }

        /// Identical ballots form one group, numbered in first-seen order,
        /// with their voters counted (past the table's first growth: up to
        /// 600 distinct ballots), and the per-project totals are the voters'.
        #[test]
        fn identical_ballots_are_grouped_in_first_seen_order(
            pool in proptest::collection::vec(
                proptest::collection::vec(0u32..40, 0..6),
                1..600,
            ),
            picks in proptest::collection::vec(any::<proptest::sample::Index>(), 0..1500),
        ) {
            let voters: Vec<Voter> = picks
                .iter()
                .map(|i| voter(i.get(&pool).clone(), Vec::new()))
                .collect();
            let election = BudgetElection {
                projects: projects(40),
                meta: vec![
                    ("budget".to_owned(), "10".to_owned()),
                    ("vote_type".to_owned(), "approval".to_owned()),
                ],
                voters,
                ..BudgetElection::default()
            };
            let profile = Profile::new(&election, ProjectTieBreak::FileOrder).unwrap();
            let mut first_seen: Vec<(Vec<(u32, u64)>, u64)> = Vec::new();
            let (mut scores, mut supporters) = (vec![0u128; 40], vec![0u64; 40]);
            for ballot in reference(&election, VoteType::Approval) {
                for &(p, points) in &ballot {
                    scores[p as usize] += u128::from(points);
                    supporters[p as usize] += 1;
                }
                if ballot.is_empty() {
                    continue;
                }
                match first_seen.iter_mut().find(|(b, _)| *b == ballot) {
                    Some((_, count)) => *count += 1,
                    None => first_seen.push((ballot, 1)),
                }
            }
            let groups: Vec<(Vec<(u32, u64)>, u64)> = profile
                .groups
                .iter()
                .map(|g| (profile.ballot(g).to_vec(), g.count))
                .collect();
            prop_assert_eq!(groups, first_seen);
            prop_assert_eq!(&profile.scores, &scores);
            prop_assert_eq!(&profile.supporters, &supporters);
            for p in 0..40 {
                let points = profile.points(p);
                let support: Vec<(u32, u64)> = (0..)
                    .zip(profile.support(p))
                    .map(|(i, &g)| (g, points(i)))
                    .collect();
                let expected: Vec<(u32, u64)> = (0u32..)
                    .zip(&profile.groups)
                    .flat_map(|(g, group)| {
                        profile
                            .ballot(group)
                            .iter()
                            .filter(|&&(q, _)| q as usize == p)
                            .map(move |&(_, points)| (g, points))
                    })
                    .collect();
                prop_assert_eq!(support, expected);
            }
        }
    }
}
