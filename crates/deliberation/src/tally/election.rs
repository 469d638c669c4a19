//! What is tallied: an [`CandidateElection`] of candidates and [`Ballot`]s, as JSON reads it.

use crate::Result;
use serde::Deserialize;
use serde::Serialize;

/// An election: the plans on the table and the ballots cast for them.
///
/// Ballots are ranked (`{"ranking": ["A", "B"], "count": 3}`; a ranking may stop
/// early, and candidates left out rank below every ranked one) or approval
/// (`{"approve": ["A"], "count": 1}`). `count` defaults to 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateElection {
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

    pub(super) fn marks(&self) -> (&[String], u64) {
        match self {
            Self::Ranked { ranking, count } => (ranking, *count),
            Self::Approval { approve, count } => (approve, *count),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBallot {
    pub(super) ranking: Option<Vec<String>>,
    pub(super) approve: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::lenient::option_count")]
    pub(super) count: Option<u64>,
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
