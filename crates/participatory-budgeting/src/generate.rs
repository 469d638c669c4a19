//! Random approval elections from a seed, for benches, property tests and
//! researchers: the same seed gives the same file on every machine.
//!
//! Besides the uniform model (costs uniform around a typical cost, each
//! voter approving random projects), a Pabulib-like one: costs spread
//! log-uniformly over orders of magnitude, as real project lists are
//! (Pabulib's range from a few thousand to millions); voters and projects
//! placed on a map, each voter approving the projects nearest home; and the
//! city split into districts of unequal sizes, each voter voting only on
//! their own district's projects. Everything is integer arithmetic.

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
/// The most voter–project distances a [`Geography::Euclidean`] election
/// computes (voters × projects, per district): a few seconds.
pub const MAX_DISTANCES: u64 = 1_000_000_000;
/// The most districts.
pub const MAX_DISTRICTS: u32 = 1_000;
/// The widest log-uniform cost spread.
pub const MAX_SPREAD: u64 = 1_000;

/// How project costs are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "shape")]
#[non_exhaustive]
pub enum Costs {
    /// Uniform in `[cost / 2, 3·cost / 2)`.
    Uniform,
    /// Log-uniform in `[cost / spread, cost · spread)`: as many projects cost
    /// 10–100 thousand as 100 thousand to a million. (A ladder of rungs 1/8
    /// apart, a rung drawn uniformly, then a cost uniformly within it.)
    LogUniform {
        /// 2 to [`MAX_SPREAD`].
        spread: u64,
    },
}

/// Which projects a voter approves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Geography {
    /// Random projects (of the voter's district).
    Uniform,
    /// Voters and projects at random points of a 10,000 × 10,000 map (with
    /// districts, the map's vertical strips); a voter approves the projects
    /// nearest home (ties by project order).
    Euclidean,
}

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
    /// How costs are drawn.
    pub costs: Costs,
    /// Which projects a voter approves.
    pub geography: Geography,
    /// Districts, 1 (citywide) to [`MAX_DISTRICTS`]: district `d` (from 1)
    /// holds a share `d / Σ` of the voters and projects (the largest `D`
    /// times the smallest), and voters approve only their district's
    /// projects. The files gain a `district` column.
    pub districts: u32,
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
            costs: Costs::Uniform,
            geography: Geography::Uniform,
            districts: 1,
        }
    }

    /// Pabulib-like: costs log-uniform over `cost / 30 … cost · 30`,
    /// approvals of the nearest projects, and `districts` districts.
    ///
    /// ```
    /// use guided_community_pb::{generate, RandomElection};
    ///
    /// let spec = RandomElection::new(60, 2_000).pabulib_like(4);
    /// let e = generate::election(&spec, 1)?;
    /// let costs: Vec<u64> = e.projects.iter().map(|p| p.cost.try_into().unwrap_or(0)).collect();
    /// let (low, high) = (costs.iter().min().copied().unwrap_or(0), costs.iter().max().copied().unwrap_or(0));
    /// assert!(high > 50 * low, "costs spread over orders of magnitude");
    /// # Ok::<(), guided_community_pb::Error>(())
    /// ```
    #[must_use]
    pub fn pabulib_like(self, districts: u32) -> Self {
        self.with_costs(Costs::LogUniform { spread: 30 })
            .with_geography(Geography::Euclidean)
            .with_districts(districts)
    }

    /// With costs drawn as `costs` says.
    #[must_use]
    pub fn with_costs(mut self, costs: Costs) -> Self {
        self.costs = costs;
        self
    }

    /// With approvals by `geography`.
    #[must_use]
    pub fn with_geography(mut self, geography: Geography) -> Self {
        self.geography = geography;
        self
    }

    /// With `districts` districts.
    #[must_use]
    pub fn with_districts(mut self, districts: u32) -> Self {
        self.districts = districts;
        self
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
        if let Costs::LogUniform { spread } = self.costs {
            let widest = MAX_SPREAD.min(most_cost / self.cost).max(2);
            if !(2..=widest).contains(&spread) {
                return invalid("spread", spread, format!("2 to {}", grouped(widest)));
            }
        }
        if !(1..=MAX_DISTRICTS.min(self.projects)).contains(&self.districts) {
            return invalid(
                "districts",
                self.districts.into(),
                format!(
                    "1 to {} (at most one per project)",
                    MAX_DISTRICTS.min(self.projects)
                ),
            );
        }
        if self.geography == Geography::Euclidean
            && u64::from(self.voters) * u64::from(self.projects) > MAX_DISTANCES
        {
            return invalid(
                "voters",
                self.voters.into(),
                format!(
                    "at most {} with {} projects on a map ({} distances)",
                    grouped(MAX_DISTANCES / u64::from(self.projects)),
                    grouped(self.projects.into()),
                    grouped(MAX_DISTANCES)
                ),
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
    let costs = draw_costs(spec, &mut rng);
    let total: u128 = costs.iter().map(|&c| u128::from(c)).sum();
    let budget = total * u128::from(spec.budget_percent) / 100;
    let map = Map::draw(spec, &mut rng);
    let districted = spec.districts > 1;
    let mut out = String::new();
    let _ = write!(
        out,
        "META\nkey;value\ndescription;random approval election (seed {seed})\n\
         num_projects;{}\nnum_votes;{}\nbudget;{budget}\nvote_type;approval\n\
         rule;equalshares/add1\nPROJECTS\nproject_id;cost{}\n",
        spec.projects,
        spec.voters,
        if districted { ";district" } else { "" }
    );
    for (p, cost) in costs.iter().enumerate() {
        let _ = write!(out, "{p};{cost}");
        if districted {
            let _ = write!(
                out,
                ";{}",
                map.project_district.get(p).copied().unwrap_or(0) + 1
            );
        }
        out.push('\n');
    }
    out.push_str(if districted {
        "VOTES\nvoter_id;district;vote\n"
    } else {
        "VOTES\nvoter_id;vote\n"
    });
    let most = u64::from(spec.approvals) * 2 - 1;
    let mut ballot: Vec<usize> = Vec::new();
    // Which voter last took each project: a fresh set per voter without clearing.
    let mut taken_by: Vec<u32> = vec![0; costs.len()];
    let mut nearest: Vec<(u64, usize)> = Vec::new();
    for v in 1..=spec.voters {
        let district = map.voter_district(&mut rng);
        let local = map.projects_of.get(district).map_or(&[][..], Vec::as_slice);
        let count = local.len() as u64;
        let k = (1 + rng.below(most)).min(count);
        ballot.clear();
        match spec.geography {
            Geography::Uniform => {
                // Floyd's algorithm: k distinct projects of the district, uniformly.
                for j in count - k..count {
                    let pick = rng.below(j + 1);
                    let at = |i: u64| usize::try_from(i).ok().and_then(|i| local.get(i)).copied();
                    let pick = match at(pick).and_then(|p| taken_by.get(p)) {
                        Some(&owner) if owner == v => j,
                        _ => pick,
                    };
                    if let Some(p) = at(pick) {
                        if let Some(owner) = taken_by.get_mut(p) {
                            *owner = v;
                        }
                        ballot.push(p);
                    }
                }
            }
            Geography::Euclidean => {
                let home = map.point_in(district, &mut rng);
                nearest.clear();
                nearest.extend(local.iter().map(|&p| {
                    let there = map.project_at.get(p).copied().unwrap_or_default();
                    (distance(home, there), p)
                }));
                let k = usize::try_from(k).unwrap_or(0);
                if k > 0 && k < nearest.len() {
                    nearest.select_nth_unstable(k - 1);
                }
                ballot.extend(nearest.iter().take(k).map(|&(_, p)| p));
            }
        }
        ballot.sort_unstable();
        let _ = write!(out, "{v};");
        if districted {
            let _ = write!(out, "{};", district + 1);
        }
        for (i, p) in ballot.iter().enumerate() {
            let _ = write!(out, "{}{p}", if i == 0 { "" } else { "," });
        }
        out.push('\n');
    }
    Ok(out)
}

/// Distinct costs: a drawn cost already taken moves up to the next free one.
fn draw_costs(spec: &RandomElection, rng: &mut SplitMix64) -> Vec<u64> {
    let ladder: Vec<u64> = match spec.costs {
        Costs::Uniform => Vec::new(),
        Costs::LogUniform { spread } => {
            let (low, high) = (
                (spec.cost / spread).max(1),
                spec.cost.saturating_mul(spread),
            );
            let mut rungs = vec![low];
            let mut at = low;
            while at < high {
                at = (at + at / 8).max(at + 1).min(high);
                rungs.push(at);
            }
            rungs
        }
    };
    let mut taken = HashSet::new();
    let mut costs = Vec::new();
    for _ in 0..spec.projects {
        let mut cost = if ladder.len() >= 2 {
            let step = usize::try_from(rng.below(ladder.len() as u64 - 1)).unwrap_or(0);
            let from = ladder.get(step).copied().unwrap_or(1);
            let to = ladder.get(step + 1).copied().unwrap_or(from + 1);
            from + rng.below(to - from)
        } else {
            spec.cost / 2 + rng.below(spec.cost)
        };
        while !taken.insert(cost) {
            cost += 1;
        }
        costs.push(cost);
    }
    costs
}

/// The side of the map.
const SIDE: u64 = 10_000;

/// Squared distance between two points of the map.
const fn distance(a: (u64, u64), b: (u64, u64)) -> u64 {
    let (dx, dy) = (a.0.abs_diff(b.0), a.1.abs_diff(b.1));
    dx * dx + dy * dy
}

/// Districts (vertical strips of the map, widths by weight) and where the
/// projects are.
struct Map {
    /// Cumulative weights 1, 1 + 2, …: district `d` has weight `d + 1`.
    cumulative: Vec<u64>,
    /// Each district's strip `[from, to)` of x.
    strips: Vec<(u64, u64)>,
    project_district: Vec<usize>,
    projects_of: Vec<Vec<usize>>,
    project_at: Vec<(u64, u64)>,
}

impl Map {
    fn draw(spec: &RandomElection, rng: &mut SplitMix64) -> Self {
        let d = spec.districts.max(1) as usize;
        let mut cumulative = Vec::with_capacity(d);
        let mut sum = 0u64;
        for w in 1..=d as u64 {
            sum += w;
            cumulative.push(sum);
        }
        let strips = (0..d)
            .map(|i| {
                let before = if i == 0 {
                    0
                } else {
                    cumulative.get(i - 1).copied().unwrap_or(0)
                };
                let upto = cumulative.get(i).copied().unwrap_or(sum);
                (
                    SIDE * before / sum,
                    (SIDE * upto / sum).max(SIDE * before / sum + 1),
                )
            })
            .collect();
        let mut map = Self {
            cumulative,
            strips,
            project_district: Vec::new(),
            projects_of: vec![Vec::new(); d],
            project_at: Vec::new(),
        };
        for p in 0..spec.projects as usize {
            // Every district gets a project first, then by weight.
            let district = if p < d { p } else { map.voter_district(rng) };
            let at = if spec.geography == Geography::Euclidean {
                map.point_in(district, rng)
            } else {
                (0, 0)
            };
            map.project_district.push(district);
            map.project_at.push(at);
            if let Some(list) = map.projects_of.get_mut(district) {
                list.push(p);
            }
        }
        map
    }

    /// A district drawn by weight.
    fn voter_district(&self, rng: &mut SplitMix64) -> usize {
        // One district draws nothing: citywide files stay as they were.
        if self.cumulative.len() <= 1 {
            return 0;
        }
        let total = self.cumulative.last().copied().unwrap_or(1);
        let x = rng.below(total);
        self.cumulative.partition_point(|&c| c <= x)
    }

    /// A random point of the district's strip.
    fn point_in(&self, district: usize, rng: &mut SplitMix64) -> (u64, u64) {
        let (from, to) = self.strips.get(district).copied().unwrap_or((0, SIDE));
        (from + rng.below(to - from), rng.below(SIDE))
    }
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

    #[test]
    fn pabulib_like_elections_keep_to_their_districts_and_spread_costs() {
        let spec = RandomElection::new(120, 4_000).pabulib_like(6);
        let e = election(&spec, 11).unwrap();
        let district_of: Vec<String> = e
            .projects
            .iter()
            .map(|p| p.fields.last().unwrap().clone())
            .collect();
        let mut voters_in = std::collections::BTreeMap::<String, usize>::new();
        for v in &e.voters {
            let home = v.fields.get(1).unwrap();
            *voters_in.entry(home.clone()).or_default() += 1;
            assert!(!v.ballot.is_empty());
            for &p in &v.ballot {
                assert_eq!(&district_of[p as usize], home, "voter {} strays", v.id);
            }
        }
        // Six districts, the largest about six times the smallest.
        assert_eq!(voters_in.len(), 6);
        let (small, large) = (voters_in["1"], voters_in["6"]);
        assert!(large > 4 * small && large < 8 * small, "{voters_in:?}");
        // Costs log-uniform over 1/30 … 30 times a million: half below a
        // million, and both tails present.
        let mut costs: Vec<u64> = e
            .projects
            .iter()
            .map(|p| u64::try_from(p.cost).unwrap())
            .collect();
        costs.sort_unstable();
        assert!(costs[0] < 100_000 && costs[119] > 10_000_000, "{costs:?}");
        assert!(
            (500_000..2_000_000).contains(&costs[60]),
            "median {}",
            costs[60]
        );
        assert!(e.notes.is_empty(), "{:?}", e.notes);
    }

    #[test]
    fn euclidean_voters_approve_neighbours() {
        // On a map, projects approved together are neighbours: the same few
        // pairs recur. Random approvals spread over all pairs.
        let pairs = |geography| {
            let spec = RandomElection::new(200, 400)
                .with_approvals(5)
                .with_geography(geography);
            let e = election(&spec, 5).unwrap();
            let mut seen = HashSet::new();
            for v in &e.voters {
                for (i, a) in v.ballot.iter().enumerate() {
                    for b in &v.ballot[i + 1..] {
                        seen.insert((*a, *b));
                    }
                }
            }
            seen.len()
        };
        let (map, random) = (pairs(Geography::Euclidean), pairs(Geography::Uniform));
        assert!(2 * map < random, "map {map} pairs, random {random}");
    }

    #[test]
    fn the_same_seed_gives_the_same_file() {
        let spec = RandomElection::new(40, 300).pabulib_like(3);
        let a = text(&spec, 2).unwrap();
        assert_eq!(a, text(&spec, 2).unwrap());
        assert_ne!(a, text(&spec, 3).unwrap());
        // Pinned: a change to the generator is a change to every study's data.
        let fingerprint = a.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        assert_eq!(fingerprint, 4_951_928_049_742_657_004, "FNV-1a of the file");
    }
}
