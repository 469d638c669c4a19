//! Choosing between plans (方案比选): tallies over ranked and approval ballots.
//!
//! Every method returns the **set** of winners — a tie is reported as a tie, never
//! settled by an arbitrary pick — together with a ranking where the method defines one
//! and the rounds that explain it. A tie-break is a separate, explicit choice: a stated
//! order of the candidates, or an order drawn from a caller's seed.

use core::fmt;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::rng::SplitMix64;
use crate::{Error, Result};

/// An election: the plans on the table and the ballots cast for them.
///
/// Ballots are ranked (`{"ranking": ["A", "B"], "count": 3}`; a ranking may stop
/// early, and candidates left out rank below every ranked one) or approval
/// (`{"approve": ["A"], "count": 1}`). `count` defaults to 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Election {
    /// The candidates (plans), in a fixed order that lists ties and matrices.
    pub candidates: Vec<String>,
    /// The ballots.
    pub ballots: Vec<Ballot>,
}

/// One ballot, cast `count` times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, try_from = "RawBallot")]
pub enum Ballot {
    /// Candidates from most to least preferred; unranked candidates come last, tied.
    Ranked {
        /// Most preferred first.
        ranking: Vec<String>,
        /// How many voters cast this ballot.
        count: u64,
    },
    /// The candidates the voter approves of.
    Approval {
        /// Approved candidates, in any order.
        approve: Vec<String>,
        /// How many voters cast this ballot.
        count: u64,
    },
}

impl Ballot {
    /// A ranked ballot cast `count` times.
    pub fn ranked<S: Into<String>>(ranking: impl IntoIterator<Item = S>, count: u64) -> Self {
        Self::Ranked {
            ranking: ranking.into_iter().map(Into::into).collect(),
            count,
        }
    }

    /// An approval ballot cast `count` times.
    pub fn approval<S: Into<String>>(approve: impl IntoIterator<Item = S>, count: u64) -> Self {
        Self::Approval {
            approve: approve.into_iter().map(Into::into).collect(),
            count,
        }
    }

    fn marks(&self) -> (&[String], u64) {
        match self {
            Self::Ranked { ranking, count } => (ranking, *count),
            Self::Approval { approve, count } => (approve, *count),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBallot {
    ranking: Option<Vec<String>>,
    approve: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::lenient::option_count")]
    count: Option<u64>,
}

impl TryFrom<RawBallot> for Ballot {
    type Error = &'static str;

    fn try_from(raw: RawBallot) -> Result<Self, Self::Error> {
        let count = raw.count.unwrap_or(1);
        match (raw.ranking, raw.approve) {
            (Some(ranking), None) => Ok(Self::Ranked { ranking, count }),
            (None, Some(approve)) => Ok(Self::Approval { approve, count }),
            (Some(_), Some(_)) => Err("a ballot has either `ranking` or `approve`, not both"),
            (None, None) => Err("a ballot needs `ranking` or `approve`"),
        }
    }
}

/// A tallying method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Method {
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

impl Method {
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

    const fn takes_approval(self) -> bool {
        matches!(self, Self::Approval)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl core::str::FromStr for Method {
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
pub enum TieBreak {
    /// A stated order naming every candidate once, the favoured first.
    Order(Vec<String>),
    /// An order drawn by a seeded lottery (a Fisher–Yates shuffle driven by
    /// SplitMix64): the same seed always draws the same order.
    Lottery(u64),
}

/// How instant-runoff settles a tie for last place.
///
/// ```
/// use deliberation::{tally_with, Ballot, Election, Method, RunoffTies, TallyOptions};
///
/// // C and D tie for last; either would beat A in the final round.
/// let election = Election {
///     candidates: vec!["A".into(), "B".into(), "C".into(), "D".into()],
///     ballots: vec![
///         Ballot::ranked(["D", "B", "C", "A"], 2),
///         Ballot::ranked(["A", "B", "C", "D"], 3),
///         Ballot::ranked(["C", "D", "A", "B"], 2),
///     ],
/// };
/// let irv = |ties| tally_with(&election, Method::InstantRunoff, &TallyOptions::new().runoff_ties(ties));
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
    /// (a [`TieBreak`] is required).
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

/// How a tally settles ties: the options of [`tally_with`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TallyOptions {
    /// Settles a tie for first (and instant-runoff's ties for last under
    /// [`RunoffTies::TieBreak`]); `None` leaves ties as sets.
    pub tie_break: Option<TieBreak>,
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
    pub fn tie_break(self, tie_break: TieBreak) -> Self {
        Self {
            tie_break: Some(tie_break),
            ..self
        }
    }

    /// The same options with `runoff_ties`.
    #[must_use]
    pub fn runoff_ties(self, runoff_ties: RunoffTies) -> Self {
        Self {
            runoff_ties,
            ..self
        }
    }
}

/// The most elimination orders' states [`RunoffTies::ParallelUniverse`] explores
/// (sets of candidates still standing); a profile with more ties is an error.
pub const MAX_RUNOFF_UNIVERSES: usize = 100_000;

/// One way of breaking an instant-runoff tie for last, and who wins after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Universe {
    /// The tied candidate eliminated.
    pub eliminated: String,
    /// Who wins after that (every order of later ties followed).
    pub winners: Vec<String>,
}

/// A candidate's score in a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    /// The candidate.
    pub candidate: String,
    /// Its score: votes, approvals, points, or wins minus losses.
    pub score: i64,
}

/// One step of a tally, kept so that the result can be explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Round {
    /// Scores of every candidate: plurality votes, approvals, Borda points or
    /// Copeland wins minus losses.
    Scores {
        /// In candidate order.
        scores: Vec<Score>,
    },
    /// One instant-runoff count.
    Runoff {
        /// 1 for the first count.
        round: u32,
        /// First preferences among the candidates still in the count.
        tallies: Vec<Score>,
        /// Ballots that rank none of the remaining candidates.
        exhausted: u64,
        /// Candidates eliminated after this count.
        eliminated: Vec<String>,
        /// Candidates elected by this count.
        elected: Vec<String>,
        /// Candidates tied for last at this count, when more than one (how the
        /// tie was settled is in `eliminated`, or in the [`Round::Universes`]
        /// that follows).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tied: Vec<String>,
    },
    /// An instant-runoff tie for last settled by following every order of
    /// elimination ([`RunoffTies::ParallelUniverse`]).
    Universes {
        /// The count at which the tie was met.
        round: u32,
        /// Each tied candidate eliminated in turn, and who then wins.
        universes: Vec<Universe>,
    },
    /// Pairwise margins: `margins[i][j]` is the number of voters preferring
    /// candidate `i` to `j` minus those preferring `j` to `i`.
    Margins {
        /// Row and column order.
        candidates: Vec<String>,
        /// The antisymmetric margin matrix.
        margins: Vec<Vec<i64>>,
    },
    /// Schulze's strongest paths: `paths[i][j]` is the strength of the strongest
    /// path of positive margins from `i` to `j` (its weakest link), 0 if none.
    StrongestPaths {
        /// Row and column order.
        candidates: Vec<String>,
        /// Path strengths.
        paths: Vec<Vec<i64>>,
    },
}

/// The outcome of a tally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// The method used.
    pub method: Method,
    /// Everyone tied for first, in candidate order. Never empty.
    pub winners: Vec<String>,
    /// Tiers from best to worst; candidates in a tier are tied. The first tier is
    /// [`winners`](Self::winners).
    pub ranking: Vec<Vec<String>>,
    /// The rounds that explain the result.
    pub rounds: Vec<Round>,
    /// The tie-break order in force (a drawn lottery order is recorded here), if any.
    pub tie_break_order: Option<Vec<String>>,
    /// The single winner: the only one, or the winner the tie-break favours;
    /// `None` when there is a tie and no tie-break.
    pub elected: Option<String>,
    /// Ballots counted (the sum of the counts).
    pub ballots: u64,
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.method)?;
        match (&self.elected, self.winners.len()) {
            (Some(elected), 1) => write!(f, "{elected} wins")?,
            (Some(elected), _) => write!(
                f,
                "{} tie, {elected} wins the tie-break",
                self.winners.join(", ")
            )?,
            (None, _) => write!(f, "{} tie", self.winners.join(", "))?,
        }
        for round in &self.rounds {
            write!(f, "\n  {round}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Round {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Scores { scores } => {
                f.write_str("scores:")?;
                write_scores(f, scores)
            }
            Self::Runoff {
                round,
                tallies,
                exhausted,
                eliminated,
                elected,
                tied,
            } => {
                write!(f, "count {round}:")?;
                write_scores(f, tallies)?;
                if *exhausted > 0 {
                    write!(f, " ({exhausted} exhausted)")?;
                }
                if !tied.is_empty() {
                    write!(f, "; {} tie for last", tied.join(", "))?;
                }
                if !elected.is_empty() {
                    write!(f, "; {} elected", elected.join(", "))?;
                }
                if !eliminated.is_empty() {
                    write!(f, "; {} eliminated", eliminated.join(", "))?;
                }
                Ok(())
            }
            Self::Universes { round, universes } => {
                write!(f, "count {round}, every order of elimination:")?;
                for (i, universe) in universes.iter().enumerate() {
                    let sep = if i == 0 { " " } else { "; " };
                    let verb = if universe.winners.len() == 1 {
                        "wins"
                    } else {
                        "tie"
                    };
                    write!(
                        f,
                        "{sep}without {}, {} {verb}",
                        universe.eliminated,
                        universe.winners.join(", ")
                    )?;
                }
                Ok(())
            }
            Self::Margins {
                candidates,
                margins,
            } => {
                f.write_str("margins:")?;
                let mut first = true;
                for (i, (a, row)) in candidates.iter().zip(margins).enumerate() {
                    for (b, margin) in candidates.iter().zip(row).skip(i + 1) {
                        let sep = if first { " " } else { ", " };
                        first = false;
                        write!(f, "{sep}{a}–{b} {margin:+}")?;
                    }
                }
                Ok(())
            }
            Self::StrongestPaths { candidates, paths } => {
                f.write_str("strongest paths:")?;
                let mut first = true;
                for (a, row) in candidates.iter().zip(paths) {
                    for (b, strength) in candidates.iter().zip(row) {
                        if a != b && *strength > 0 {
                            let sep = if first { " " } else { ", " };
                            first = false;
                            write!(f, "{sep}{a}→{b} {strength}")?;
                        }
                    }
                }
                Ok(())
            }
        }
    }
}

fn write_scores(f: &mut fmt::Formatter<'_>, scores: &[Score]) -> fmt::Result {
    for (i, score) in scores.iter().enumerate() {
        let sep = if i == 0 { " " } else { ", " };
        write!(f, "{sep}{} {}", score.candidate, score.score)?;
    }
    Ok(())
}

/// Tallies `election` by `method`, settling a first-place tie by `tie_break` if given.
///
/// Ranked ballots feed plurality, Borda, instant-runoff, Schulze and Copeland;
/// approval ballots feed approval voting.
///
/// ```
/// use deliberation::{tally, Ballot, Election, Method};
///
/// // 方案比选 on three plans: plurality and Borda disagree.
/// let election = Election {
///     candidates: vec!["A".into(), "B".into(), "C".into()],
///     ballots: vec![
///         Ballot::ranked(["A", "B", "C"], 8),
///         Ballot::ranked(["B", "C", "A"], 7),
///         Ballot::ranked(["C", "B", "A"], 6),
///     ],
/// };
/// assert_eq!(tally(&election, Method::Plurality, None)?.winners, ["A"]);
/// let borda = tally(&election, Method::Borda, None)?;
/// assert_eq!(borda.winners, ["B"]);
/// assert_eq!(borda.to_string(), "borda: B wins\n  scores: A 16, B 28, C 19");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::NoCandidates`], [`Error::DuplicateCandidate`], [`Error::UnknownCandidate`]
/// and [`Error::RepeatedInBallot`] for a malformed election;
/// [`Error::WrongBallotKind`] for approval ballots under a ranked method or the
/// reverse; [`Error::InvalidTieBreak`] for an order that does not name every
/// candidate exactly once; [`Error::TooManyBallots`] if the counts overflow.
pub fn tally(election: &Election, method: Method, tie_break: Option<&TieBreak>) -> Result<Tally> {
    let options = TallyOptions {
        tie_break: tie_break.cloned(),
        runoff_ties: RunoffTies::default(),
    };
    tally_with(election, method, &options)
}

/// Tallies `election` by `method` with `options`: [`tally`], with the choice of
/// how instant-runoff settles a tie for last ([`RunoffTies`]).
///
/// # Errors
///
/// As [`tally`]; also [`Error::TieBreakRequired`] for [`RunoffTies::TieBreak`]
/// without a tie-break, and [`Error::TooManyRunoffTies`] when following every
/// order of elimination would visit more than [`MAX_RUNOFF_UNIVERSES`] states.
pub fn tally_with(election: &Election, method: Method, options: &TallyOptions) -> Result<Tally> {
    let profile = Profile::compile(election, method)?;
    let order = options
        .tie_break
        .as_ref()
        .map(|rule| tie_break_order(&election.candidates, rule))
        .transpose()?;
    let runoff = match (options.runoff_ties, order.as_deref()) {
        (RunoffTies::TieBreak, None) => return Err(Error::TieBreakRequired),
        (RunoffTies::TieBreak, Some(order)) => Runoff::Order(order),
        (RunoffTies::All, _) => Runoff::All,
        (RunoffTies::ParallelUniverse, _) => Runoff::Universes,
    };
    let names = &election.candidates;
    let (ranking, rounds) = match method {
        Method::Plurality | Method::Approval | Method::Borda => {
            let scores = profile.scores(method);
            let ranking = tiers_by_score(&scores);
            (ranking, vec![scores_round(names, &scores)])
        }
        Method::InstantRunoff => profile.instant_runoff(names, runoff)?,
        Method::Schulze | Method::Copeland => {
            let margins = profile.margins();
            let mut rounds = vec![Round::Margins {
                candidates: names.clone(),
                margins: matrix(&margins, profile.m),
            }];
            let ranking = if method == Method::Schulze {
                let paths = strongest_paths(&margins, profile.m);
                rounds.push(Round::StrongestPaths {
                    candidates: names.clone(),
                    paths: matrix(&paths, profile.m),
                });
                schulze_tiers(&paths, profile.m)
            } else {
                let scores = copeland_scores(&margins, profile.m);
                rounds.push(scores_round(names, &scores));
                tiers_by_score(&scores)
            };
            (ranking, rounds)
        }
    };
    let winners = ranking.first().cloned().unwrap_or_default();
    let elected = match (winners.as_slice(), &order) {
        ([only], _) => Some(*only),
        (_, Some(order)) => order.iter().copied().find(|c| winners.contains(c)),
        (_, None) => None,
    };
    let name = |c: u32| names.get(c as usize).cloned().unwrap_or_default();
    let to_names = |tier: &Vec<u32>| tier.iter().map(|&c| name(c)).collect::<Vec<_>>();
    Ok(Tally {
        method,
        winners: to_names(&winners),
        ranking: ranking.iter().map(to_names).collect(),
        rounds,
        tie_break_order: order.as_ref().map(to_names),
        elected: elected.map(name),
        ballots: profile.total,
    })
}

/// An election compiled to candidate indices, ready for counting.
struct Profile {
    m: usize,
    marks: Vec<u32>,
    ends: Vec<usize>,
    counts: Vec<u64>,
    total: u64,
}

impl Profile {
    fn compile(election: &Election, method: Method) -> Result<Self> {
        let m = election.candidates.len();
        if m == 0 {
            return Err(Error::NoCandidates);
        }
        let mut index = HashMap::with_capacity(m);
        for (i, name) in (0u32..).zip(&election.candidates) {
            if index.insert(name.as_str(), i).is_some() {
                return Err(Error::DuplicateCandidate {
                    candidate: name.clone(),
                });
            }
        }
        let mut profile = Self {
            m,
            marks: Vec::new(),
            ends: Vec::with_capacity(election.ballots.len()),
            counts: Vec::with_capacity(election.ballots.len()),
            total: 0,
        };
        let mut seen = vec![false; m];
        for (b, ballot) in election.ballots.iter().enumerate() {
            if matches!(ballot, Ballot::Approval { .. }) != method.takes_approval() {
                return Err(Error::WrongBallotKind {
                    ballot: b,
                    method: method.name(),
                });
            }
            let (names, count) = ballot.marks();
            seen.fill(false);
            for name in names {
                let unknown = || Error::UnknownCandidate {
                    ballot: b,
                    candidate: name.clone(),
                };
                let c = *index.get(name.as_str()).ok_or_else(unknown)?;
                let slot = seen.get_mut(c as usize).ok_or_else(unknown)?;
                if core::mem::replace(slot, true) {
                    return Err(Error::RepeatedInBallot {
                        ballot: b,
                        candidate: name.clone(),
                    });
                }
                profile.marks.push(c);
            }
            profile.ends.push(profile.marks.len());
            profile.counts.push(count);
            profile.total = profile
                .total
                .checked_add(count)
                .ok_or(Error::TooManyBallots)?;
        }
        // Every score (Borda points, margins) must fit an i64.
        let widest = u64::try_from(m.saturating_sub(1).max(1)).unwrap_or(u64::MAX);
        match profile.total.checked_mul(widest) {
            Some(most) if i64::try_from(most).is_ok() => Ok(profile),
            _ => Err(Error::TooManyBallots),
        }
    }

    fn ballots(&self) -> impl Iterator<Item = (&[u32], u64)> {
        let starts = core::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .zip(&self.counts)
            .map(|((start, &end), &count)| (self.marks.get(start..end).unwrap_or(&[]), count))
    }

    /// Plurality votes, approvals or Borda points, per candidate.
    fn scores(&self, method: Method) -> Vec<i64> {
        let mut scores = vec![0u64; self.m];
        let top = u64::try_from(self.m).unwrap_or(u64::MAX).saturating_sub(1);
        for (marks, count) in self.ballots() {
            match method {
                Method::Plurality => {
                    if let Some(score) = marks.first().and_then(|&c| scores.get_mut(c as usize)) {
                        *score += count;
                    }
                }
                Method::Borda => {
                    for (points, &c) in (0..=top).rev().zip(marks) {
                        if let Some(score) = scores.get_mut(c as usize) {
                            *score += points * count;
                        }
                    }
                }
                _ => {
                    for &c in marks {
                        if let Some(score) = scores.get_mut(c as usize) {
                            *score += count;
                        }
                    }
                }
            }
        }
        // `compile` bounds every score by total·(m−1) ≤ i64::MAX.
        scores
            .into_iter()
            .map(|s| i64::try_from(s).unwrap_or(i64::MAX))
            .collect()
    }

    /// The margin matrix, row-major: voters preferring `i` to `j` minus the reverse.
    fn margins(&self) -> Vec<i64> {
        let m = self.m;
        let unranked = u32::try_from(m).unwrap_or(u32::MAX);
        let mut prefer = vec![0u64; m * m];
        let mut position = vec![unranked; m];
        for (marks, count) in self.ballots() {
            position.fill(unranked);
            for (place, &c) in (0u32..).zip(marks) {
                if let Some(slot) = position.get_mut(c as usize) {
                    *slot = place;
                }
            }
            for (row, &mine) in prefer.chunks_exact_mut(m).zip(&position) {
                if mine == unranked {
                    continue;
                }
                for (cell, &theirs) in row.iter_mut().zip(&position) {
                    *cell += count * u64::from(mine < theirs);
                }
            }
        }
        // Each entry is at most the total, which `compile` bounds by i64::MAX.
        let signed = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        let mut margins = vec![0i64; m * m];
        for (i, row) in margins.chunks_exact_mut(m).enumerate() {
            for (j, cell) in row.iter_mut().enumerate() {
                let ij = prefer.get(i * m + j).copied().unwrap_or(0);
                let ji = prefer.get(j * m + i).copied().unwrap_or(0);
                *cell = signed(ij) - signed(ji);
            }
        }
        margins
    }

    /// First preferences among the `active` candidates, and the ballots that
    /// rank none of them.
    fn first_preferences(&self, active: &[bool]) -> (Vec<u64>, u64) {
        let mut tallies = vec![0u64; self.m];
        let mut exhausted = 0u64;
        for (marks, count) in self.ballots() {
            let first = marks
                .iter()
                .find(|&&c| active.get(c as usize).copied().unwrap_or(false));
            match first.and_then(|&c| tallies.get_mut(c as usize)) {
                Some(tally) => *tally += count,
                None => exhausted += count,
            }
        }
        (tallies, exhausted)
    }

    /// One instant-runoff count: who stands, who has a majority of the
    /// continuing ballots, who has the fewest first preferences.
    fn count(&self, active: &[bool]) -> Count {
        let (tallies, exhausted) = self.first_preferences(active);
        let continuing = self.total - exhausted;
        let standing: Vec<u32> = (0u32..)
            .zip(active)
            .filter_map(|(c, &on)| on.then_some(c))
            .collect();
        let votes = |c: u32| tallies.get(c as usize).copied().unwrap_or(0);
        let majority = standing
            .iter()
            .copied()
            .find(|&c| u128::from(votes(c)) * 2 > u128::from(continuing));
        let fewest = standing.iter().map(|&c| votes(c)).min().unwrap_or(0);
        let last = standing
            .iter()
            .copied()
            .filter(|&c| votes(c) == fewest)
            .collect();
        Count {
            tallies,
            exhausted,
            standing,
            majority,
            fewest,
            last,
        }
    }

    /// The winners when every order of eliminating tied candidates is followed
    /// (`pref_voting`'s `instant_runoff_put`), memoised by the set still standing.
    fn universe_winners(
        &self,
        active: &mut Vec<bool>,
        memo: &mut HashMap<Vec<bool>, Vec<u32>>,
    ) -> Result<Vec<u32>> {
        if let Some(known) = memo.get(active.as_slice()) {
            return Ok(known.clone());
        }
        if memo.len() >= MAX_RUNOFF_UNIVERSES {
            return Err(Error::TooManyRunoffTies {
                limit: MAX_RUNOFF_UNIVERSES,
            });
        }
        let count = self.count(active);
        let winners = if let Some(winner) = count.majority {
            vec![winner]
        } else if count.standing.len() <= 1 {
            count.standing.clone()
        } else if count.fewest == 0 || count.last.len() == 1 {
            // Candidates without a first preference go out in every order, and
            // none of them going out changes another's count: all at once.
            let mut next = active.clone();
            for &c in &count.last {
                if let Some(on) = next.get_mut(c as usize) {
                    *on = false;
                }
            }
            if next.iter().any(|&on| on) {
                self.universe_winners(&mut next, memo)?
            } else {
                count.standing.clone()
            }
        } else {
            let mut all = Vec::new();
            for &c in &count.last {
                let mut next = active.clone();
                if let Some(on) = next.get_mut(c as usize) {
                    *on = false;
                }
                all.extend(self.universe_winners(&mut next, memo)?);
            }
            all.sort_unstable();
            all.dedup();
            all
        };
        memo.insert(active.clone(), winners.clone());
        Ok(winners)
    }

    fn instant_runoff(
        &self,
        names: &[String],
        ties: Runoff<'_>,
    ) -> Result<(Vec<Vec<u32>>, Vec<Round>)> {
        let mut active = vec![true; self.m];
        let mut out: Vec<Vec<u32>> = Vec::new();
        let mut rounds = Vec::new();
        let mut count_no = 0u32;
        let to_names = |set: &[u32]| set.iter().map(|&c| name_of(names, c)).collect::<Vec<_>>();
        loop {
            count_no += 1;
            let Count {
                tallies,
                exhausted,
                standing,
                majority,
                fewest,
                mut last,
            } = self.count(&active);
            let votes = |c: u32| tallies.get(c as usize).copied().unwrap_or(0);
            let tied_last = if majority.is_none() && last.len() > 1 {
                last.clone()
            } else {
                Vec::new()
            };
            let mut universes = Vec::new();
            if majority.is_none() && last.len() > 1 {
                match ties {
                    // Only the tied candidate the order places lowest goes out.
                    Runoff::Order(order) => {
                        let lowest = order.iter().rev().copied().find(|c| last.contains(c));
                        last = lowest.into_iter().collect();
                    }
                    Runoff::All => {}
                    Runoff::Universes if fewest == 0 => {}
                    Runoff::Universes => {
                        let mut memo = HashMap::new();
                        for &c in &last {
                            let mut next = active.clone();
                            if let Some(on) = next.get_mut(c as usize) {
                                *on = false;
                            }
                            let winners = self.universe_winners(&mut next, &mut memo)?;
                            universes.push((c, winners));
                        }
                    }
                }
            }
            let mut elected: Vec<u32> = if universes.is_empty() {
                match majority {
                    Some(winner) => vec![winner],
                    None if last.len() == standing.len() => last.clone(),
                    None => Vec::new(),
                }
            } else {
                universes
                    .iter()
                    .flat_map(|(_, w)| w.iter().copied())
                    .collect()
            };
            elected.sort_unstable();
            elected.dedup();
            let eliminated = if elected.is_empty() { last } else { Vec::new() };
            rounds.push(Round::Runoff {
                round: count_no,
                tallies: standing
                    .iter()
                    .map(|&c| Score {
                        candidate: name_of(names, c),
                        score: i64::try_from(votes(c)).unwrap_or(i64::MAX),
                    })
                    .collect(),
                exhausted,
                eliminated: to_names(&eliminated),
                // Under parallel universes the winners are in the next round.
                elected: if universes.is_empty() {
                    to_names(&elected)
                } else {
                    Vec::new()
                },
                tied: to_names(&tied_last),
            });
            if !universes.is_empty() {
                rounds.push(Round::Universes {
                    round: count_no,
                    universes: universes
                        .iter()
                        .map(|(c, winners)| Universe {
                            eliminated: name_of(names, *c),
                            winners: to_names(winners),
                        })
                        .collect(),
                });
            }
            if !elected.is_empty() {
                return Ok((runoff_ranking(elected, &standing, &tallies, out), rounds));
            }
            for &c in &eliminated {
                if let Some(on) = active.get_mut(c as usize) {
                    *on = false;
                }
            }
            out.push(eliminated);
        }
    }
}

/// The ranking when `elected` win: the rest of those `standing` by their last
/// count, then the eliminated in reverse order of elimination.
fn runoff_ranking(
    elected: Vec<u32>,
    standing: &[u32],
    tallies: &[u64],
    out: Vec<Vec<u32>>,
) -> Vec<Vec<u32>> {
    let rest: Vec<u32> = standing
        .iter()
        .copied()
        .filter(|c| !elected.contains(c))
        .collect();
    let rest_scores: Vec<i64> = rest
        .iter()
        .map(|&c| i64::try_from(tallies.get(c as usize).copied().unwrap_or(0)).unwrap_or(i64::MAX))
        .collect();
    let mut ranking = vec![elected];
    for tier in tiers_by_score(&rest_scores) {
        ranking.push(
            tier.iter()
                .filter_map(|&k| rest.get(k as usize).copied())
                .collect(),
        );
    }
    ranking.extend(out.into_iter().rev());
    ranking
}

/// How [`Profile::instant_runoff`] settles a tie for last.
#[derive(Clone, Copy)]
enum Runoff<'a> {
    All,
    Order(&'a [u32]),
    Universes,
}

/// One instant-runoff count.
struct Count {
    tallies: Vec<u64>,
    exhausted: u64,
    standing: Vec<u32>,
    majority: Option<u32>,
    fewest: u64,
    last: Vec<u32>,
}

fn name_of(names: &[String], c: u32) -> String {
    names.get(c as usize).cloned().unwrap_or_default()
}

fn scores_round(names: &[String], scores: &[i64]) -> Round {
    Round::Scores {
        scores: names
            .iter()
            .zip(scores)
            .map(|(candidate, &score)| Score {
                candidate: candidate.clone(),
                score,
            })
            .collect(),
    }
}

fn matrix(cells: &[i64], m: usize) -> Vec<Vec<i64>> {
    cells.chunks_exact(m.max(1)).map(<[i64]>::to_vec).collect()
}

/// Tiers by descending score; ties keep candidate order.
fn tiers_by_score(scores: &[i64]) -> Vec<Vec<u32>> {
    let mut order: Vec<u32> = (0u32..).take(scores.len()).collect();
    let score = |c: u32| scores.get(c as usize).copied().unwrap_or(i64::MIN);
    order.sort_by_key(|&c| core::cmp::Reverse(score(c)));
    let mut tiers: Vec<Vec<u32>> = Vec::new();
    for c in order {
        match tiers.last_mut() {
            Some(tier) if tier.first().is_some_and(|&t| score(t) == score(c)) => tier.push(c),
            _ => tiers.push(vec![c]),
        }
    }
    tiers
}

/// Widest paths over the positive margins (Floyd–Warshall).
fn strongest_paths(margins: &[i64], m: usize) -> Vec<i64> {
    let mut paths: Vec<i64> = margins.iter().map(|&d| d.max(0)).collect();
    let mut via = vec![0i64; m];
    for k in 0..m {
        via.copy_from_slice(paths.get(k * m..(k + 1) * m).unwrap_or(&[]));
        for row in paths.chunks_exact_mut(m) {
            let to_k = row.get(k).copied().unwrap_or(0);
            if to_k == 0 {
                continue;
            }
            for (cell, &onward) in row.iter_mut().zip(&via) {
                *cell = (*cell).max(to_k.min(onward));
            }
        }
    }
    // A path from a candidate back to itself means nothing.
    for (i, row) in paths.chunks_exact_mut(m).enumerate() {
        if let Some(cell) = row.get_mut(i) {
            *cell = 0;
        }
    }
    paths
}

/// Schulze tiers: repeatedly, the remaining candidates no remaining one beats.
fn schulze_tiers(paths: &[i64], m: usize) -> Vec<Vec<u32>> {
    let p = |a: u32, b: u32| paths.get(a as usize * m + b as usize).copied().unwrap_or(0);
    let mut remaining: Vec<u32> = (0u32..).take(m).collect();
    let mut tiers = Vec::new();
    while !remaining.is_empty() {
        let (tier, rest): (Vec<u32>, Vec<u32>) = remaining
            .iter()
            .partition(|&&a| remaining.iter().all(|&b| p(a, b) >= p(b, a)));
        if tier.is_empty() {
            // Unreachable: the Schulze relation is transitive. Keep the rest tied.
            tiers.push(rest);
            break;
        }
        tiers.push(tier);
        remaining = rest;
    }
    tiers
}

fn copeland_scores(margins: &[i64], m: usize) -> Vec<i64> {
    margins
        .chunks_exact(m)
        .map(|row| row.iter().map(|&d| d.signum()).sum())
        .collect()
}

/// The tie-break order as candidate indices.
fn tie_break_order(candidates: &[String], rule: &TieBreak) -> Result<Vec<u32>> {
    let m = candidates.len();
    match rule {
        TieBreak::Order(order) => {
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
        TieBreak::Lottery(seed) => {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn election(candidates: &[&str], ballots: &[(&[&str], u64)]) -> Election {
        Election {
            candidates: candidates.iter().map(|&c| c.to_owned()).collect(),
            ballots: ballots
                .iter()
                .map(|(ranking, count)| Ballot::ranked(ranking.iter().copied(), *count))
                .collect(),
        }
    }

    fn winners(e: &Election, method: Method) -> Vec<String> {
        tally(e, method, None).unwrap().winners
    }

    #[test]
    fn the_twenty_one_voter_profile_splits_the_methods() {
        let e = election(
            &["A", "B", "C"],
            &[
                (&["A", "B", "C"], 8),
                (&["B", "C", "A"], 7),
                (&["C", "B", "A"], 6),
            ],
        );
        assert_eq!(winners(&e, Method::Plurality), ["A"]);
        for method in [
            Method::Borda,
            Method::Schulze,
            Method::Copeland,
            Method::InstantRunoff,
        ] {
            assert_eq!(winners(&e, method), ["B"], "{method}");
        }
        let irv = tally(&e, Method::InstantRunoff, None).unwrap();
        assert_eq!(
            irv.to_string(),
            "irv: B wins\n  count 1: A 8, B 7, C 6; C eliminated\n  count 2: A 8, B 13; B elected"
        );
        assert_eq!(irv.ranking, [vec!["B"], vec!["A"], vec!["C"]]);
        let schulze = tally(&e, Method::Schulze, None).unwrap();
        assert_eq!(
            schulze.to_string(),
            "schulze: B wins\n  margins: A–B -5, A–C -5, B–C +9\n  \
             strongest paths: B→A 5, B→C 9, C→A 5"
        );
    }

    #[test]
    fn truncated_rankings_put_the_unranked_last() {
        // 3 voters rank only A; 2 rank B then C. A beats B and C 3–2.
        let e = election(&["A", "B", "C"], &[(&["A"], 3), (&["B", "C"], 2)]);
        let t = tally(&e, Method::Schulze, None).unwrap();
        assert_eq!(t.winners, ["A"]);
        let Round::Margins { margins, .. } = &t.rounds[0] else {
            panic!("margins first")
        };
        assert_eq!(margins, &[vec![0, 1, 1], vec![-1, 0, 2], vec![-1, -2, 0]]);
        // Borda: A 3·2 = 6, B 2·2 = 4, C 2·1 = 2.
        let borda = tally(&e, Method::Borda, None).unwrap();
        assert_eq!(borda.ranking, [vec!["A"], vec!["B"], vec!["C"]]);
    }

    fn irv(e: &Election, ties: RunoffTies, tie_break: Option<TieBreak>) -> Result<Tally> {
        let mut options = TallyOptions::new().runoff_ties(ties);
        options.tie_break = tie_break;
        tally_with(e, Method::InstantRunoff, &options)
    }

    #[test]
    fn irv_ties_for_last_are_a_choice() {
        let e = election(
            &["A", "B", "C", "D"],
            &[
                (&["A", "B"], 3),
                (&["B", "A"], 3),
                (&["C", "A"], 1),
                (&["D", "B"], 1),
            ],
        );
        // All: C and D go out together; A and B then tie 4–4 and are both elected.
        let t = irv(&e, RunoffTies::All, None).unwrap();
        assert_eq!(t.winners, ["A", "B"]);
        assert_eq!(t.elected, None);
        assert_eq!(t.ranking, [vec!["A", "B"], vec!["C", "D"]]);
        let order = TieBreak::Order(vec!["B".into(), "D".into(), "C".into(), "A".into()]);
        let t = irv(&e, RunoffTies::TieBreak, Some(order.clone())).unwrap();
        // One at a time: A (lowest in the order) loses the final tie, after C and D.
        assert_eq!(t.winners, ["B"]);
        assert_eq!(t.ranking, [vec!["B"], vec!["A"], vec!["D"], vec!["C"]]);
        let Round::Runoff {
            tied, eliminated, ..
        } = &t.rounds[0]
        else {
            panic!("a runoff count first")
        };
        assert_eq!(
            (tied.as_slice(), eliminated.as_slice()),
            (&["C".to_owned(), "D".to_owned()][..], &["C".to_owned()][..])
        );
        // Parallel universes (the default): without C (or D), the other goes out
        // next and A and B tie 4–4: both are winners, and the order picks B.
        let t = tally(&e, Method::InstantRunoff, Some(&order)).unwrap();
        assert_eq!(t.winners, ["A", "B"]);
        assert_eq!(t.elected.as_deref(), Some("B"));
        assert_eq!(
            t.to_string(),
            "irv: A, B tie, B wins the tie-break\n  count 1: A 3, B 3, C 1, D 1; C, D tie for last\n  count 1, every order of elimination: without C, A, B tie; without D, A, B tie"
        );
        assert_eq!(
            irv(&e, RunoffTies::TieBreak, None),
            Err(Error::TieBreakRequired)
        );
    }

    #[test]
    fn irv_does_not_drop_two_candidates_either_of_whom_beats_the_winner() {
        // The issue's profile: C and D tie for last with 2 each. Dropping both
        // elects A, yet A loses the final round to whichever of them stays.
        let e = election(
            &["A", "B", "C", "D"],
            &[
                (&["D", "B", "C", "A"], 2),
                (&["A", "B", "C", "D"], 3),
                (&["C", "D", "A", "B"], 2),
            ],
        );
        assert_eq!(
            tally(&e, Method::InstantRunoff, None).unwrap().winners,
            ["C", "D"]
        );
        assert_eq!(irv(&e, RunoffTies::All, None).unwrap().winners, ["A"]);
        let t = tally(&e, Method::InstantRunoff, None).unwrap();
        let shown = t.to_string();
        assert!(shown.contains("B 0, C 2, D 2; B eliminated"), "{shown}");
        assert!(shown.contains("C, D tie for last"), "{shown}");
        assert!(
            shown.contains("without C, D wins; without D, C wins"),
            "{shown}"
        );
    }

    #[test]
    fn ties_are_sets_and_a_tie_break_picks_one() {
        let e = election(
            &["A", "B", "C"],
            &[(&["A", "B", "C"], 1), (&["B", "A", "C"], 1)],
        );
        let t = tally(&e, Method::Borda, None).unwrap();
        assert_eq!(t.winners, ["A", "B"]);
        assert_eq!(t.elected, None);
        assert_eq!(t.to_string(), "borda: A, B tie\n  scores: A 3, B 3, C 0");
        let order = TieBreak::Order(vec!["C".into(), "B".into(), "A".into()]);
        let t = tally(&e, Method::Borda, Some(&order)).unwrap();
        assert_eq!(t.winners, ["A", "B"]);
        assert_eq!(t.elected.as_deref(), Some("B"));
        // The lottery is reproducible from its seed and records the order it drew.
        let a = tally(&e, Method::Borda, Some(&TieBreak::Lottery(7))).unwrap();
        let b = tally(&e, Method::Borda, Some(&TieBreak::Lottery(7))).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.tie_break_order.as_ref().map(Vec::len), Some(3));
        let seen: std::collections::BTreeSet<_> = (0..64)
            .map(|seed| {
                tally(&e, Method::Borda, Some(&TieBreak::Lottery(seed)))
                    .unwrap()
                    .elected
                    .unwrap()
            })
            .collect();
        assert_eq!(seen.len(), 2, "both tied candidates can win the lottery");
    }

    #[test]
    fn approval_counts_approvals() {
        let e = Election {
            candidates: vec!["A".into(), "B".into()],
            ballots: vec![Ballot::approval(["A", "B"], 2), Ballot::approval(["B"], 1)],
        };
        let t = tally(&e, Method::Approval, None).unwrap();
        assert_eq!(t.winners, ["B"]);
        assert_eq!(t.to_string(), "approval: B wins\n  scores: A 2, B 3");
    }

    #[test]
    fn malformed_elections_are_typed_errors() {
        let ranked = election(&["A", "B"], &[(&["A", "B"], 1)]);
        assert_eq!(
            tally(&ranked, Method::Approval, None),
            Err(Error::WrongBallotKind {
                ballot: 0,
                method: "approval"
            })
        );
        let e = election(&["A", "B"], &[(&["A", "A"], 1)]);
        assert_eq!(
            tally(&e, Method::Borda, None),
            Err(Error::RepeatedInBallot {
                ballot: 0,
                candidate: "A".into()
            })
        );
        let e = election(&["A", "B"], &[(&["A"], 1), (&["Z"], 1)]);
        assert_eq!(
            tally(&e, Method::Borda, None),
            Err(Error::UnknownCandidate {
                ballot: 1,
                candidate: "Z".into()
            })
        );
        let e = election(&["A", "A"], &[]);
        assert!(matches!(
            tally(&e, Method::Borda, None),
            Err(Error::DuplicateCandidate { .. })
        ));
        assert_eq!(
            tally(&election(&[], &[]), Method::Borda, None),
            Err(Error::NoCandidates)
        );
        let e = election(&["A", "B"], &[(&["A"], u64::MAX), (&["B"], 1)]);
        assert_eq!(
            tally(&e, Method::Plurality, None),
            Err(Error::TooManyBallots)
        );
        let order = TieBreak::Order(vec!["A".into()]);
        assert_eq!(
            tally(&ranked, Method::Borda, Some(&order)),
            Err(Error::InvalidTieBreak {
                candidate: "B".into(),
                problem: "is missing from the order"
            })
        );
    }

    #[test]
    fn an_election_without_ballots_ties_everyone() {
        let e = election(&["A", "B"], &[]);
        for method in [
            Method::Plurality,
            Method::Borda,
            Method::InstantRunoff,
            Method::Schulze,
            Method::Copeland,
        ] {
            assert_eq!(winners(&e, method), ["A", "B"], "{method}");
        }
    }

    #[test]
    fn ballots_read_from_json() {
        let e: Election = serde_json::from_str(
            r#"{"candidates": ["A", "B"], "ballots": [{"ranking": ["B"]}, {"ranking": ["A", "B"], "count": 2}]}"#,
        )
        .unwrap();
        assert_eq!(e.ballots[0], Ballot::ranked(["B"], 1));
        assert_eq!(winners(&e, Method::Plurality), ["A"]);
        let both = serde_json::from_str::<Ballot>(r#"{"ranking": [], "approve": []}"#).unwrap_err();
        assert!(both.to_string().contains("not both"), "{both}");
        let round = serde_json::to_value(Ballot::approval(["A"], 1)).unwrap();
        assert_eq!(round, serde_json::json!({"approve": ["A"], "count": 1}));
    }

    #[test]
    fn the_lottery_is_unbiased_enough_and_fixed() {
        let mut rng = SplitMix64(0);
        // Reference value of SplitMix64 seeded with 0.
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        let mut counts = [0u32; 3];
        for _ in 0..3000 {
            counts[usize::try_from(rng.below(3)).unwrap()] += 1;
        }
        assert!(
            counts.iter().all(|&c| (900..1100).contains(&c)),
            "{counts:?}"
        );
    }
}
