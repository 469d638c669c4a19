//! How to tally: the [`VotingMethod`], the [`CandidateTieBreak`], instant-runoff's [`RunoffTies`],
//! and [`TallyOptions`] that carries them.

use crate::Error;
use crate::Result;
use crate::rng::SplitMix64;
use core::fmt;
use serde::Deserialize;
use serde::Serialize;

/// A tallying method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum VotingMethod {
    /// Most first preferences.
    Plurality,
    /// Most approvals (approval ballots only).
    Approval,
    /// Positional points m−1, m−2, …, 0 for the ranked places; unranked candidates get 0.
    Borda,
    /// Instant-runoff: eliminate the candidate with the fewest first preferences
    /// among those remaining until one has a majority of the continuing ballots.
    /// A tie for last is settled by [`RunoffTies`] (by default every order of
    /// elimination is followed and the winners are all their winners).
    #[serde(rename = "irv")]
    InstantRunoff,
    /// Schulze's beatpath method on pairwise margins.
    Schulze,
    /// Copeland: pairwise wins minus pairwise losses.
    Copeland,
}

impl VotingMethod {
    /// Every method, in a fixed order.
    pub const ALL: [Self; 6] = [
        Self::Plurality,
        Self::Approval,
        Self::Borda,
        Self::InstantRunoff,
        Self::Schulze,
        Self::Copeland,
    ];

    /// The name used on the command line and in JSON.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Plurality => "plurality",
            Self::Approval => "approval",
            Self::Borda => "borda",
            Self::InstantRunoff => "irv",
            Self::Schulze => "schulze",
            Self::Copeland => "copeland",
        }
    }

    pub(super) const fn takes_approval(self) -> bool {
        matches!(self, Self::Approval)
    }
}

impl fmt::Display for VotingMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl core::str::FromStr for VotingMethod {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|method| method.name() == s)
            .ok_or_else(|| Error::UnknownMethod {
                method: s.to_owned(),
            })
    }
}

/// How to settle a tie for first place (and, under instant-runoff, for last place).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CandidateTieBreak {
    /// A stated order naming every candidate once, the favoured first.
    Order(Vec<String>),
    /// An order drawn by a seeded lottery (a Fisher–Yates shuffle driven by
    /// SplitMix64): the same seed always draws the same order.
    Lottery(u64),
}

/// How instant-runoff settles a tie for last place.
///
/// ```
/// use guided_community_deliberation::{tally_with, Ballot, CandidateElection, VotingMethod, RunoffTies, TallyOptions};
///
/// // C and D tie for last; either would beat A in the final round.
/// let election = CandidateElection {
///     candidates: vec!["A".into(), "B".into(), "C".into(), "D".into()],
///     ballots: vec![
///         Ballot::ranked(["D", "B", "C", "A"], 2),
///         Ballot::ranked(["A", "B", "C", "D"], 3),
///         Ballot::ranked(["C", "D", "A", "B"], 2),
///     ],
/// };
/// let irv = |ties| tally_with(&election, VotingMethod::InstantRunoff, &TallyOptions::new().with_runoff_ties(ties));
/// assert_eq!(irv(RunoffTies::ParallelUniverse)?.winners, ["C", "D"]);
/// assert_eq!(irv(RunoffTies::All)?.winners, ["A"]); // C and D dropped together
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RunoffTies {
    /// Follow every order of eliminating the tied candidates; the winners are
    /// everyone who wins in some order (`pref_voting`'s `instant_runoff_put`).
    /// Ties are sets, as everywhere else; a tie-break then picks the one elected.
    #[default]
    ParallelUniverse,
    /// Eliminate every tied candidate at once (`pref_voting`'s `instant_runoff`).
    /// Can elect a candidate who would lose to any one of them.
    All,
    /// Eliminate one tied candidate: the one the tie-break order places lowest
    /// (a [`CandidateTieBreak`] is required).
    TieBreak,
}

impl RunoffTies {
    /// The name used on the command line and in JSON.
    pub const fn name(self) -> &'static str {
        match self {
            Self::ParallelUniverse => "parallel-universe",
            Self::All => "all",
            Self::TieBreak => "tie-break",
        }
    }
}

/// How a tally settles ties: the options of [`tally_with`](crate::tally_with).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TallyOptions {
    /// Settles a tie for first (and instant-runoff's ties for last under
    /// [`RunoffTies::TieBreak`]); `None` leaves ties as sets.
    pub tie_break: Option<CandidateTieBreak>,
    /// Instant-runoff's rule for a tie for last.
    pub runoff_ties: RunoffTies,
}

impl TallyOptions {
    /// No tie-break; instant-runoff follows every order of elimination.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same options with `tie_break`.
    #[must_use]
    pub fn with_tie_break(self, tie_break: CandidateTieBreak) -> Self {
        Self {
            tie_break: Some(tie_break),
            ..self
        }
    }

    /// The same options with `runoff_ties`.
    #[must_use]
    pub fn with_runoff_ties(self, runoff_ties: RunoffTies) -> Self {
        Self {
            runoff_ties,
            ..self
        }
    }
}

/// The most elimination orders' states [`RunoffTies::ParallelUniverse`] explores
/// (sets of candidates still standing); a profile with more ties is an error.
pub const MAX_RUNOFF_UNIVERSES: usize = 100_000;

/// The tie-break order as candidate indices.
pub(super) fn tie_break_order(candidates: &[String], rule: &CandidateTieBreak) -> Result<Vec<u32>> {
    let m = candidates.len();
    match rule {
        CandidateTieBreak::Order(order) => {
            let mut placed = vec![false; m];
            let mut out = Vec::with_capacity(m);
            for name in order {
                let c = candidates.iter().position(|c| c == name).ok_or_else(|| {
                    Error::InvalidTieBreak {
                        candidate: name.clone(),
                        problem: "is not a candidate",
                    }
                })?;
                if placed
                    .get_mut(c)
                    .is_some_and(|p| core::mem::replace(p, true))
                {
                    return Err(Error::InvalidTieBreak {
                        candidate: name.clone(),
                        problem: "is listed twice",
                    });
                }
                out.push(u32::try_from(c).unwrap_or(u32::MAX));
            }
            match placed.iter().position(|&p| !p) {
                Some(missing) => Err(Error::InvalidTieBreak {
                    candidate: candidates.get(missing).cloned().unwrap_or_default(),
                    problem: "is missing from the order",
                }),
                None => Ok(out),
            }
        }
        CandidateTieBreak::Lottery(seed) => {
            let mut order: Vec<u32> = (0u32..).take(m).collect();
            let mut rng = SplitMix64(*seed);
            for i in (1..order.len()).rev() {
                let j = rng.below(i as u64 + 1);
                order.swap(i, usize::try_from(j).unwrap_or(0));
            }
            Ok(order)
        }
    }
}
