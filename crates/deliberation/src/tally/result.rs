//! What a tally returns: the [`Tally`] and the [`Round`]s that explain it.

use super::options::VotingMethod;
use core::fmt;
use serde::Deserialize;
use serde::Serialize;

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
    /// elimination ([`RunoffTies::ParallelUniverse`](crate::RunoffTies::ParallelUniverse)).
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
    pub method: VotingMethod,
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

pub(super) fn write_scores(f: &mut fmt::Formatter<'_>, scores: &[Score]) -> fmt::Result {
    for (i, score) in scores.iter().enumerate() {
        let sep = if i == 0 { " " } else { ", " };
        write!(f, "{sep}{} {}", score.candidate, score.score)?;
    }
    Ok(())
}
