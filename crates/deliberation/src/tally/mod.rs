//! Choosing between plans (方案比选): tallies over ranked and approval ballots.
//!
//! Every method returns the **set** of winners — a tie is reported as a tie, never
//! settled by an arbitrary pick — together with a ranking where the method defines one
//! and the rounds that explain it. A tie-break is a separate, explicit choice: a stated
//! order of the candidates, or an order drawn from a caller's seed.

use crate::{Error, Result};

pub mod axioms;
mod election;
pub mod generate;
mod names;
mod options;
mod pairwise;
pub mod preflib;
mod profile;
mod result;
mod runoff;
#[cfg(test)]
mod tests;

pub use self::election::*;
pub use self::options::*;
use self::pairwise::{copeland_scores, schulze_tiers, strongest_paths};
use self::profile::{Profile, matrix, scores_round, tiers_by_score};
pub use self::result::*;
use self::runoff::Runoff;

/// Tallies `election` by `method`, settling a first-place tie by `tie_break` if given.
///
/// Ranked ballots feed plurality, Borda, instant-runoff, Schulze and Copeland;
/// approval ballots feed approval voting.
///
/// ```
/// use guided_community_deliberation::{tally, Ballot, CandidateElection, VotingMethod};
///
/// // 方案比选 on three plans: plurality and Borda disagree.
/// let election = CandidateElection {
///     candidates: vec!["A".into(), "B".into(), "C".into()],
///     ballots: vec![
///         Ballot::ranked(["A", "B", "C"], 8),
///         Ballot::ranked(["B", "C", "A"], 7),
///         Ballot::ranked(["C", "B", "A"], 6),
///     ],
/// };
/// assert_eq!(tally(&election, VotingMethod::Plurality, None)?.winners, ["A"]);
/// let borda = tally(&election, VotingMethod::Borda, None)?;
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
pub fn tally(
    election: &CandidateElection,
    method: VotingMethod,
    tie_break: Option<&CandidateTieBreak>,
) -> Result<Tally> {
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
pub fn tally_with(
    election: &CandidateElection,
    method: VotingMethod,
    options: &TallyOptions,
) -> Result<Tally> {
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
        VotingMethod::Plurality | VotingMethod::Approval | VotingMethod::Borda => {
            let scores = profile.scores(method);
            let ranking = tiers_by_score(&scores);
            (ranking, vec![scores_round(names, &scores)])
        }
        VotingMethod::InstantRunoff => profile.instant_runoff(names, runoff)?,
        VotingMethod::Schulze | VotingMethod::Copeland => {
            let margins = profile.margins();
            let mut rounds = vec![Round::Margins {
                candidates: names.clone(),
                margins: matrix(&margins, profile.m),
            }];
            let ranking = if method == VotingMethod::Schulze {
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
