//! Electing a committee by approval votes (approval-based committee rules):
//! a council of `k` from candidates each voter approves or not — participatory
//! budgeting where every project costs 1 and the budget is `k`.
//!
//! Every rule is exact (integers and exact rationals; no float decides
//! anything) and can be asked for one committee (**resolute**: ties broken in
//! favour of the candidate with the smaller index, as abcvoting does) or for
//! every tied winning committee (**irresolute**, "parallel-universe"
//! tie-breaking for the sequential rules), up to a cap, with a flag when the
//! cap cut the list. Rule names are abcvoting's rule ids, and the rules follow
//! abcvoting's definitions (commit 2c0c412), against whose own test instances
//! they are checked.
//!
//! ```
//! use guided_community_pb::committee::{compute, Ballot, Profile, Resolution, Rule};
//!
//! // Five voters, four candidates: three approve {0, 1}, two approve {2}.
//! let profile = Profile::new(4, vec![
//!     Ballot::new(vec![0, 1], 3),
//!     Ballot::new(vec![2], 2),
//! ])?;
//! let av = compute(&profile, 3, Rule::Av, Resolution::Resolute)?;
//! assert_eq!(av.committees, [vec![0, 1, 2]]);
//! // With two seats PAV gives the two their seat; AV would give both to the three.
//! let pav = compute(&profile, 2, Rule::Pav, Resolution::Irresolute { max: 10 })?;
//! assert_eq!(pav.committees, [vec![0, 2], vec![1, 2]]);
//! assert!(!pav.truncated);
//! # Ok::<(), guided_community_pb::Error>(())
//! ```

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

mod abc;
mod check;
mod classes;
mod composition;
mod flow;
mod lp;
mod rules;

pub use abc::{AbcCase, AbcFile};
pub use check::{Check, Property, Witness, check};
pub use composition::{Composition, CompositionRule};

/// The most committees an exhaustive rule (PAV, CC, Monroe, minimax AV)
/// examines before refusing: C(m, k) above this is [`Error::CommitteeTooLarge`].
pub const MAX_COMMITTEES_EXAMINED: u128 = 20_000_000;

/// The most candidates a profile may have.
pub const MAX_CANDIDATES: usize = 100_000;

/// One ballot: the candidates it approves and how many voters cast it (its
/// weight).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ballot {
    /// Approved candidates (indices `0..m`).
    pub approve: Vec<u32>,
    /// Voters who cast it.
    #[serde(default = "one")]
    pub count: u64,
}

const fn one() -> u64 {
    1
}

impl Ballot {
    /// A ballot approving `approve`, cast by `count` voters.
    pub fn new(approve: Vec<u32>, count: u64) -> Self {
        Self { approve, count }
    }
}

/// Approval ballots over `m` candidates, checked: indices in range, each
/// candidate approved at most once per ballot (repeats are merged), ballots
/// cast by nobody left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    candidates: usize,
    /// Each voter group's approvals, sorted, and weight.
    ballots: Vec<(Vec<usize>, u64)>,
}

impl Profile {
    /// Checks and builds a profile.
    ///
    /// # Errors
    ///
    /// [`Error::CommitteeInput`] for a candidate index outside `0..candidates`,
    /// no candidates, more than [`MAX_CANDIDATES`], or total weight beyond
    /// 2⁶³.
    pub fn new(candidates: usize, ballots: Vec<Ballot>) -> Result<Self> {
        if candidates == 0 || candidates > MAX_CANDIDATES {
            return Err(Error::CommitteeInput {
                reason: format!(
                    "{candidates} candidates: a committee election has 1 to {MAX_CANDIDATES}"
                ),
            });
        }
        let mut total: u64 = 0;
        let mut out = Vec::with_capacity(ballots.len());
        for (i, ballot) in ballots.into_iter().enumerate() {
            if ballot.count == 0 {
                continue;
            }
            let mut approve = Vec::with_capacity(ballot.approve.len());
            for c in ballot.approve {
                let c = usize::try_from(c).unwrap_or(usize::MAX);
                if c >= candidates {
                    return Err(Error::CommitteeInput {
                        reason: format!(
                            "ballot {} approves candidate {c}; candidates are 0 to {}",
                            i + 1,
                            candidates - 1
                        ),
                    });
                }
                approve.push(c);
            }
            approve.sort_unstable();
            approve.dedup();
            total = total
                .checked_add(ballot.count)
                .filter(|t| i64::try_from(*t).is_ok())
                .ok_or_else(|| Error::CommitteeInput {
                    reason: "the ballots' counts add up to more than 2⁶³ voters".to_owned(),
                })?;
            out.push((approve, ballot.count));
        }
        Ok(Self {
            candidates,
            ballots: out,
        })
    }

    /// Candidates.
    pub fn candidates(&self) -> usize {
        self.candidates
    }

    /// The ballots: approvals (sorted) and weights.
    pub fn ballots(&self) -> impl Iterator<Item = (&[usize], u64)> {
        self.ballots.iter().map(|(a, w)| (a.as_slice(), *w))
    }

    /// The total weight.
    pub fn total_weight(&self) -> u64 {
        self.ballots.iter().map(|(_, w)| *w).sum()
    }
}

/// An approval-based committee rule, by abcvoting's rule id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Rule {
    /// Approval Voting: the `k` most approved.
    #[serde(rename = "av")]
    Av,
    /// Satisfaction Approval Voting: each voter's weight split over their approvals.
    #[serde(rename = "sav")]
    Sav,
    /// Proportional Approval Voting (exact optimum).
    #[serde(rename = "pav")]
    Pav,
    /// Sequential PAV.
    #[serde(rename = "seqpav")]
    SeqPav,
    /// Reverse sequential PAV.
    #[serde(rename = "revseqpav")]
    RevSeqPav,
    /// Chamberlin–Courant (exact optimum).
    #[serde(rename = "cc")]
    Cc,
    /// Sequential CC.
    #[serde(rename = "seqcc")]
    SeqCc,
    /// Sequential Phragmén.
    #[serde(rename = "seqphragmen")]
    SeqPhragmen,
    /// The Method of Equal Shares (Rule X), completed by sequential Phragmén.
    #[serde(rename = "equal-shares")]
    EqualShares,
    /// The Method of Equal Shares completed by AV.
    #[serde(rename = "equal-shares-with-av-completion")]
    EqualSharesAv,
    /// The Method of Equal Shares completed by raising the budget.
    #[serde(rename = "equal-shares-with-increment-completion")]
    EqualSharesIncrement,
    /// Phragmén–Eneström.
    #[serde(rename = "phragmen-enestroem")]
    PhragmenEnestroem,
    /// The maximin support method.
    #[serde(rename = "maximin-support")]
    MaximinSupport,
    /// Monroe (exact optimum).
    #[serde(rename = "monroe")]
    Monroe,
    /// Greedy Monroe.
    #[serde(rename = "greedy-monroe")]
    GreedyMonroe,
    /// Minimax Approval Voting (exact optimum).
    #[serde(rename = "minimaxav")]
    MinimaxAv,
}

impl Rule {
    /// Every rule, in a fixed order.
    pub const ALL: [Self; 16] = [
        Self::Av,
        Self::Sav,
        Self::Pav,
        Self::SeqPav,
        Self::RevSeqPav,
        Self::Cc,
        Self::SeqCc,
        Self::SeqPhragmen,
        Self::EqualShares,
        Self::EqualSharesAv,
        Self::EqualSharesIncrement,
        Self::PhragmenEnestroem,
        Self::MaximinSupport,
        Self::Monroe,
        Self::GreedyMonroe,
        Self::MinimaxAv,
    ];

    /// abcvoting's rule id.
    pub const fn id(self) -> &'static str {
        match self {
            Self::Av => "av",
            Self::Sav => "sav",
            Self::Pav => "pav",
            Self::SeqPav => "seqpav",
            Self::RevSeqPav => "revseqpav",
            Self::Cc => "cc",
            Self::SeqCc => "seqcc",
            Self::SeqPhragmen => "seqphragmen",
            Self::EqualShares => "equal-shares",
            Self::EqualSharesAv => "equal-shares-with-av-completion",
            Self::EqualSharesIncrement => "equal-shares-with-increment-completion",
            Self::PhragmenEnestroem => "phragmen-enestroem",
            Self::MaximinSupport => "maximin-support",
            Self::Monroe => "monroe",
            Self::GreedyMonroe => "greedy-monroe",
            Self::MinimaxAv => "minimaxav",
        }
    }

    /// Whether the rule is defined only resolute (one committee): greedy
    /// Monroe and the increment completion of Equal Shares.
    pub const fn resolute_only(self) -> bool {
        matches!(self, Self::GreedyMonroe | Self::EqualSharesIncrement)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl core::str::FromStr for Rule {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|r| r.id() == s)
            .ok_or_else(|| Error::UnknownCommitteeRule { rule: s.to_owned() })
    }
}

/// One committee or all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Resolution {
    /// One committee; ties in favour of the smaller candidate index.
    Resolute,
    /// Every winning committee, at most `max` of them.
    Irresolute {
        /// The cap.
        max: usize,
    },
}

/// What a rule chose, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Outcome {
    /// The rule.
    pub rule: Rule,
    /// The winning committees, each sorted, in lexicographic order (one when
    /// resolute).
    pub committees: Vec<Vec<usize>>,
    /// Whether the cap cut the list (irresolute).
    pub truncated: bool,
    /// The resolute run's rounds: who was chosen (or removed) and why.
    pub rounds: Vec<Round>,
    /// Notes on how the rule was applied.
    pub notes: Vec<String>,
}

/// One round of a sequential rule (of the resolute run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    /// The candidate chosen (or, for reverse sequential PAV, removed).
    pub candidate: usize,
    /// Candidates tied with it (itself included).
    pub tied: Vec<usize>,
    /// Why, in words and exact numbers (a score, a load, a price).
    pub why: String,
}

/// A seeded random profile for tests and benches: `voters` ballots over
/// `candidates`, each approving a random set whose size is uniform in
/// `1..=2·approvals − 1` (mean `approvals`), candidates drawn with
/// popularity falling linearly (candidate 0 the most popular). The same seed
/// gives the same profile on every machine.
///
/// # Errors
///
/// [`Error::CommitteeInput`] for no candidates, no voters, or `approvals`
/// of 0 or above the candidates.
pub fn random_profile(
    voters: usize,
    candidates: usize,
    approvals: usize,
    seed: u64,
) -> Result<Profile> {
    if voters == 0 || approvals == 0 || approvals > candidates || voters > 10_000_000 {
        return Err(Error::CommitteeInput {
            reason: format!(
                "a random profile of {voters} voters approving {approvals} of {candidates} candidates: voters 1 to 10,000,000, approvals 1 to the candidates"
            ),
        });
    }
    let mut rng = crate::rng::SplitMix64(seed);
    let span_len = (2 * approvals - 1).min(candidates);
    let span = span_len as u64;
    // Weights m, m−1, …, 1: candidate c drawn with probability ∝ m − c.
    let m = candidates as u64;
    let total = m * (m + 1) / 2;
    let ballots = (0..voters)
        .map(|_| {
            let size = 1 + rng.below(span);
            let mut chosen: Vec<u32> = Vec::with_capacity(span_len);
            let mut tries = 0;
            while (chosen.len() as u64) < size && tries < 64 * size {
                tries += 1;
                let mut r = rng.below(total);
                let mut c = 0u64;
                while r >= m - c {
                    r -= m - c;
                    c += 1;
                }
                let c = u32::try_from(c).unwrap_or(u32::MAX);
                if !chosen.contains(&c) {
                    chosen.push(c);
                }
            }
            Ballot::new(chosen, 1)
        })
        .collect();
    Profile::new(candidates, ballots)
}

/// Runs `rule` for a committee of `k`.
///
/// # Errors
///
/// [`Error::CommitteeInput`] for `k` of 0 or above the number of candidates,
/// or an irresolute request for a rule defined only resolute;
/// [`Error::CommitteeTooLarge`] when an exhaustive rule would examine more
/// than [`MAX_COMMITTEES_EXAMINED`] committees.
pub fn compute(profile: &Profile, k: usize, rule: Rule, resolution: Resolution) -> Result<Outcome> {
    compute_with(profile, k, rule, resolution, &Composition::default())
}

/// Runs `rule` for a committee of `k` that meets the composition rules: the
/// optimisation rules (PAV, CC, Monroe, minimax AV, and AV and SAV under
/// rules) search exactly among committees that meet them; the sequential
/// rules skip any candidate after whom the rules could no longer be met.
///
/// ```
/// use std::collections::BTreeMap;
/// use guided_community_pb::committee::{compute_with, Ballot, Composition, CompositionRule, Profile, Resolution, Rule};
///
/// // Four candidates; most voters back the two seniors, 0 and 1.
/// let profile = Profile::new(4, vec![Ballot::new(vec![0, 1], 5), Ballot::new(vec![2], 2), Ballot::new(vec![3], 1)])?;
/// let age = |a: &str| BTreeMap::from([("age".to_owned(), a.to_owned())]);
/// let rules = Composition {
///     attributes: vec![age("senior"), age("senior"), age("young"), age("young")],
///     rules: vec![CompositionRule { attribute: "age".into(), value: Some("senior".into()), min: None, max: Some(1), min_percent: None, max_per_value: None }],
/// };
/// let plain = compute_with(&profile, 2, Rule::Av, Resolution::Resolute, &Composition::default())?;
/// assert_eq!(plain.committees, [vec![0, 1]]);
/// let ruled = compute_with(&profile, 2, Rule::Av, Resolution::Resolute, &rules)?;
/// assert_eq!(ruled.committees, [vec![0, 2]]); // one senior at most
/// # Ok::<(), guided_community_pb::Error>(())
/// ```
///
/// # Errors
///
/// As [`compute`], and [`Error::CommitteeInput`] naming an irreducible set of
/// rules that no committee can meet together, or a malformed rule.
pub fn compute_with(
    profile: &Profile,
    k: usize,
    rule: Rule,
    resolution: Resolution,
    composition: &Composition,
) -> Result<Outcome> {
    if k == 0 || k > profile.candidates {
        return Err(Error::CommitteeInput {
            reason: format!(
                "a committee of {k} from {} candidates: the size must be 1 to {}",
                profile.candidates, profile.candidates
            ),
        });
    }
    let cap = match resolution {
        Resolution::Resolute => 1,
        Resolution::Irresolute { max } => {
            if rule.resolute_only() {
                return Err(Error::CommitteeInput {
                    reason: format!("{rule} is defined only resolute (one committee)"),
                });
            }
            max.max(1)
        }
    };
    let constraints = composition::Constraints::new(composition, profile.candidates, k)?;
    constraints.check_meetable(composition)?;
    rules::run(
        profile,
        k,
        rule,
        cap,
        resolution == Resolution::Resolute,
        Some(constraints),
    )
}
