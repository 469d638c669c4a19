//! Random approval elections from a seed, for benches, property tests and
//! researchers: the same seed gives the same file on every machine.

use core::fmt::Write as _;
use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::rng::SplitMix64;
use crate::{BudgetElection, Error, Result, parse};

/// The most projects [`text`] and [`election`] make.
pub const MAX_PROJECTS: u32 = 100_000;
/// The most voters [`text`] and [`election`] make.
pub const MAX_VOTERS: u32 = 10_000_000;
/// The most approvals in all (voters × mean approvals) [`text`] and [`election`] make: about
/// 300 MB of text.
pub const MAX_APPROVALS: u64 = 50_000_000;

/// What a random approval election looks like.
///
/// ```
/// use guided_community_pb::{generate, RandomElection};
///
/// let spec = RandomElection::new(300, 6_000);
/// let election = generate::election(&spec, 7)?;
/// assert_eq!((election.projects.len(), election.voters.len()), (300, 6_000));
/// assert_eq!(election, generate::election(&spec, 7)?); // the seed decides
/// # Ok::<(), guided_community_pb::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RandomElection {
    /// Projects, 1 to [`MAX_PROJECTS`].
    pub projects: u32,
    /// Voters, 1 to [`MAX_VOTERS`].
    pub voters: u32,
    /// Mean approvals per voter: each voter approves between 1 and twice this
    /// less one projects, uniformly, all distinct (at most the projects).
    pub approvals: u32,
    /// The typical cost: costs are distinct whole numbers drawn uniformly from
    /// `[cost / 2, 3·cost / 2)`.
    pub cost: u64,
    /// The budget, in percent of all projects' cost (1 to 100).
    pub budget_percent: u32,
}

impl RandomElection {
    /// `projects` and `voters`, with 10 approvals per voter on average, costs
    /// around 1,000,000 and a budget of a fifth of the total cost.
    pub fn new(projects: u32, voters: u32) -> Self {
        Self {
            projects,
            voters,
            approvals: 10,
            cost: 1_000_000,
            budget_percent: 20,
        }
    }

    /// With `approvals` per voter on average.
    #[must_use]
    pub fn with_approvals(mut self, approvals: u32) -> Self {
        self.approvals = approvals;
        self
    }

    /// With costs around `cost`.
    #[must_use]
    pub fn with_cost(mut self, cost: u64) -> Self {
        self.cost = cost;
        self
    }

    /// With a budget of `percent` of the total cost.
    #[must_use]
    pub fn with_budget_percent(mut self, percent: u32) -> Self {
        self.budget_percent = percent;
        self
    }

    /// Checks every limit, before anything is allocated.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSpec`] naming the value and what is accepted.
    pub fn check(&self) -> Result<()> {
        let invalid = |field: &'static str, value: u64, accepted: String| {
            Err(Error::InvalidSpec {
                field,
                value,
                accepted,
            })
        };
        if !(1..=MAX_PROJECTS).contains(&self.projects) {
            return invalid(
                "projects",
                self.projects.into(),
                format!("1 to {}", grouped(MAX_PROJECTS.into())),
            );
        }
        if !(1..=MAX_VOTERS).contains(&self.voters) {
            return invalid(
                "voters",
                self.voters.into(),
                format!("1 to {}", grouped(MAX_VOTERS.into())),
            );
        }
        if !(1..=self.projects).contains(&self.approvals) {
            return invalid(
                "approvals",
                self.approvals.into(),
                format!("1 to the {} projects", grouped(self.projects.into())),
            );
        }
        if u64::from(self.voters) * u64::from(self.approvals) > MAX_APPROVALS {
            return invalid(
                "approvals",
                self.approvals.into(),
                format!(
                    "at most {} per voter for {} voters ({} approvals in all)",
                    grouped(MAX_APPROVALS / u64::from(self.voters)),
                    grouped(self.voters.into()),
                    grouped(MAX_APPROVALS)
                ),
            );
        }
        let most_cost = u64::MAX / 4 / u64::from(MAX_PROJECTS);
        if !(2..=most_cost).contains(&self.cost) {
            return invalid("cost", self.cost, format!("2 to {}", grouped(most_cost)));
        }
        if !(1..=100).contains(&self.budget_percent) {
            return invalid(
                "budget_percent",
                self.budget_percent.into(),
                "1 to 100".to_owned(),
            );
        }
        Ok(())
    }
}

/// `n` with thousands separators, for messages.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// The election as a Pabulib file (what `guided-community pb generate` writes).
///
/// # Errors
///
/// [`Error::InvalidSpec`] for a spec outside the limits (checked first).
pub fn text(spec: &RandomElection, seed: u64) -> Result<String> {
    spec.check()?;
    let mut rng = SplitMix64(seed);
    // Distinct costs: a drawn cost already taken moves up to the next free one.
    let mut taken = HashSet::new();
    let mut costs = Vec::new();
    let spread = spec.cost;
    for _ in 0..spec.projects {
        let mut cost = spec.cost / 2 + rng.below(spread);
        while !taken.insert(cost) {
            cost += 1;
        }
        costs.push(cost);
    }
    let total: u128 = costs.iter().map(|&c| u128::from(c)).sum();
    let budget = total * u128::from(spec.budget_percent) / 100;
    let mut out = String::new();
    let _ = write!(
        out,
        "META\nkey;value\ndescription;random approval election (seed {seed})\n\
         num_projects;{}\nnum_votes;{}\nbudget;{budget}\nvote_type;approval\n\
         rule;equalshares/add1\nPROJECTS\nproject_id;cost\n",
        spec.projects, spec.voters
    );
    for (p, cost) in costs.iter().enumerate() {
        let _ = writeln!(out, "{p};{cost}");
    }
    out.push_str("VOTES\nvoter_id;vote\n");
    let most = u64::from(spec.approvals) * 2 - 1;
    let projects = u64::from(spec.projects);
    let mut ballot: Vec<u64> = Vec::new();
    // Which voter last took each project: a fresh set per voter without clearing.
    let mut taken_by: Vec<u32> = vec![0; costs.len()];
    for v in 1..=spec.voters {
        let k = (1 + rng.below(most)).min(projects);
        ballot.clear();
        // Floyd's algorithm: k distinct projects, uniformly.
        for j in projects - k..projects {
            let pick = rng.below(j + 1);
            let pick = match usize::try_from(pick).ok().and_then(|i| taken_by.get_mut(i)) {
                Some(owner) if *owner == v => j,
                _ => pick,
            };
            if let Some(owner) = usize::try_from(pick).ok().and_then(|i| taken_by.get_mut(i)) {
                *owner = v;
            }
            ballot.push(pick);
        }
        ballot.sort_unstable();
        let _ = write!(out, "{v};");
        for (i, p) in ballot.iter().enumerate() {
            let _ = write!(out, "{}{p}", if i == 0 { "" } else { "," });
        }
        out.push('\n');
    }
    Ok(out)
}

/// The election, parsed.
///
/// # Errors
///
/// As [`text`].
pub fn election(spec: &RandomElection, seed: u64) -> Result<BudgetElection> {
    parse(&text(spec, seed)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_limit_is_checked_with_what_is_accepted() {
        let spec = RandomElection::new(0, 10);
        let err = text(&spec, 1).unwrap_err().to_string();
        assert_eq!(
            err,
            "a random election's `projects` cannot be 0: it takes 1 to 100,000"
        );
        let spec = RandomElection::new(10, 10).with_approvals(11);
        assert!(text(&spec, 1).is_err());
        let spec = RandomElection::new(100, MAX_VOTERS).with_approvals(10);
        assert!(text(&spec, 1).is_err());
        let spec = RandomElection::new(10, 10).with_cost(u64::MAX);
        assert!(text(&spec, 1).is_err());
        let spec = RandomElection::new(10, 10).with_budget_percent(0);
        assert!(text(&spec, 1).is_err());
    }

    #[test]
    fn ballots_are_distinct_projects_and_costs_distinct() {
        let e = election(&RandomElection::new(30, 500).with_approvals(20), 3).unwrap();
        let costs: HashSet<_> = e.projects.iter().map(|p| p.cost).collect();
        assert_eq!(costs.len(), 30);
        for v in &e.voters {
            let set: HashSet<_> = v.ballot.iter().collect();
            assert_eq!(set.len(), v.ballot.len());
            assert!((1..=30).contains(&v.ballot.len()));
        }
        assert!(e.notes.is_empty(), "{:?}", e.notes);
    }
}
