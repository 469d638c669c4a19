//! Axioms of the single-winner tallies, each a function that returns a
//! counterexample — the profile (and, where the axiom compares two, the
//! other profile) on which the method breaks it — or `None`.
//!
//! Only *unique* winners are judged: a profile whose winner is a tie is no
//! counterexample (the tie-break, not the method, would decide). The profile
//! an axiom compares with is judged by its whole winner set, as `pref_voting`
//! does: a lifted winner who still ties for first has not lost. On random
//! profiles every verdict agrees with `pref_voting`'s axiom functions
//! (`tests/axioms.rs`, `testdata/axioms-pref-voting.json`).
//!
//! ```
//! use guided_community_deliberation::{axioms::{check, Axiom}, Ballot, CandidateElection, VotingMethod};
//!
//! // A Condorcet winner B (beats A 5–4 and C 7–2) whom plurality passes over.
//! let election = CandidateElection {
//!     candidates: vec!["A".into(), "B".into(), "C".into()],
//!     ballots: vec![
//!         Ballot::ranked(["A", "B", "C"], 4),
//!         Ballot::ranked(["B", "A", "C"], 3),
//!         Ballot::ranked(["C", "B", "A"], 2),
//!     ],
//! };
//! let broken = check(Axiom::CondorcetWinner, VotingMethod::Plurality, &election)?.ok_or("no counterexample")?;
//! assert_eq!(broken.why, "B beats everyone head to head, but A wins");
//! assert!(check(Axiom::CondorcetWinner, VotingMethod::Schulze, &election)?.is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};

use super::election::{Ballot, CandidateElection};
use super::options::VotingMethod;
use super::{TallyOptions, tally_with};
use crate::Result;

/// An axiom a tally may satisfy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Axiom {
    /// A candidate who beats every other head to head wins.
    CondorcetWinner,
    /// A candidate who loses to every other head to head does not win.
    CondorcetLoser,
    /// A candidate ranked first by more than half the voters wins.
    Majority,
    /// Raising the winner one place on one ballot does not make them lose
    /// (leave the winner set).
    Monotonicity,
    /// One more voter, with any ranking, never changes the winner from `w` to
    /// someone that voter ranks below `w`: nobody is better off staying home
    /// (`pref_voting`'s participation by addition; every ranking is tried for
    /// up to six candidates, the rankings already cast beyond).
    Participation,
    /// If every ballot is reversed, the winner is not among the winners again.
    ReversalSymmetry,
    /// Removing one of a set of clones (candidates no ballot separates) does
    /// not change which other candidates win, nor whether a clone wins
    /// (Tideman's independence of clones, as `pref_voting` checks it).
    IndependenceOfClones,
}

impl Axiom {
    /// Every axiom, in a fixed order.
    pub const ALL: [Self; 7] = [
        Self::CondorcetWinner,
        Self::CondorcetLoser,
        Self::Majority,
        Self::Monotonicity,
        Self::Participation,
        Self::ReversalSymmetry,
        Self::IndependenceOfClones,
    ];

    /// The axiom's name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::CondorcetWinner => "condorcet-winner",
            Self::CondorcetLoser => "condorcet-loser",
            Self::Majority => "majority",
            Self::Monotonicity => "monotonicity",
            Self::Participation => "participation",
            Self::ReversalSymmetry => "reversal-symmetry",
            Self::IndependenceOfClones => "independence-of-clones",
        }
    }
}

/// A profile on which a method breaks an axiom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counterexample {
    /// The axiom.
    pub axiom: Axiom,
    /// The method.
    pub method: VotingMethod,
    /// The profile.
    pub election: CandidateElection,
    /// The other profile, for axioms that compare two.
    pub changed: Option<CandidateElection>,
    /// What happened, in words.
    pub why: String,
}

/// The winner set.
fn winners(election: &CandidateElection, method: VotingMethod) -> Result<Vec<String>> {
    Ok(tally_with(election, method, &TallyOptions::default())?.winners)
}

/// The unique winner, if there is one.
fn winner(election: &CandidateElection, method: VotingMethod) -> Result<Option<String>> {
    let mut all = winners(election, method)?;
    Ok(if all.len() == 1 { all.pop() } else { None })
}

/// Complete rankings only (each ballot ranks every candidate), by index.
fn rankings(election: &CandidateElection) -> Option<Vec<(Vec<usize>, u64)>> {
    let m = election.candidates.len();
    election
        .ballots
        .iter()
        .map(|b| match b {
            Ballot::Ranked { ranking, count } if ranking.len() == m => ranking
                .iter()
                .map(|c| election.candidates.iter().position(|x| x == c))
                .collect::<Option<Vec<usize>>>()
                .map(|r| (r, *count)),
            _ => None,
        })
        .collect()
}

fn rebuild(election: &CandidateElection, ballots: Vec<(Vec<usize>, u64)>) -> CandidateElection {
    CandidateElection {
        candidates: election.candidates.clone(),
        ballots: ballots
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| {
                Ballot::ranked(
                    r.into_iter()
                        .map(|c| election.candidates.get(c).cloned().unwrap_or_default()),
                    n,
                )
            })
            .collect(),
    }
}

/// Head-to-head: `beats[a][b]` when more voters rank `a` above `b`.
fn beats(ballots: &[(Vec<usize>, u64)], m: usize) -> Vec<Vec<bool>> {
    let mut margin = vec![vec![0i128; m]; m];
    for (r, n) in ballots {
        for (i, &a) in r.iter().enumerate() {
            for &b in r.iter().skip(i + 1) {
                if let Some(x) = margin.get_mut(a).and_then(|row| row.get_mut(b)) {
                    *x += i128::from(*n);
                }
                if let Some(x) = margin.get_mut(b).and_then(|row| row.get_mut(a)) {
                    *x -= i128::from(*n);
                }
            }
        }
    }
    margin
        .iter()
        .map(|row| row.iter().map(|&x| x > 0).collect())
        .collect()
}

/// What a check found: the reason, and the other profile if it compares two.
type Found = Option<(String, Option<CandidateElection>)>;

/// Checks `axiom` for `method` on `election` (ranked ballots; the checks
/// that need complete rankings skip profiles without them).
///
/// # Errors
///
/// As [`super::tally`] for an election the method cannot count.
pub fn check(
    axiom: Axiom,
    method: VotingMethod,
    election: &CandidateElection,
) -> Result<Option<Counterexample>> {
    let Some(ballots) = rankings(election) else {
        return Ok(None);
    };
    let Some(w) = winner(election, method)? else {
        return Ok(None);
    };
    let at = Judged {
        election,
        method,
        ballots: &ballots,
        winner: &w,
        index: election
            .candidates
            .iter()
            .position(|c| *c == w)
            .unwrap_or(0),
    };
    let found = match axiom {
        Axiom::CondorcetWinner => at.condorcet(true),
        Axiom::CondorcetLoser => at.condorcet(false),
        Axiom::Majority => at.majority(),
        Axiom::Monotonicity => at.monotonicity()?,
        Axiom::Participation => at.participation()?,
        Axiom::ReversalSymmetry => at.reversal()?,
        Axiom::IndependenceOfClones => at.clones()?,
    };
    Ok(found.map(|(why, changed)| Counterexample {
        axiom,
        method,
        election: election.clone(),
        changed,
        why,
    }))
}

/// A profile, its unique winner, and the method that chose them.
struct Judged<'a> {
    election: &'a CandidateElection,
    method: VotingMethod,
    ballots: &'a [(Vec<usize>, u64)],
    winner: &'a str,
    index: usize,
}

impl Judged<'_> {
    fn name(&self, c: usize) -> String {
        self.election.candidates.get(c).cloned().unwrap_or_default()
    }

    fn condorcet(&self, winner: bool) -> Found {
        let m = self.election.candidates.len();
        let b = beats(self.ballots, m);
        let beat = |x: usize, y: usize| b.get(x).and_then(|r| r.get(y)).copied().unwrap_or(false);
        let w = self.winner;
        if winner {
            let cw = (0..m).find(|&c| (0..m).filter(|&d| d != c).all(|d| beat(c, d)))?;
            (cw != self.index).then(|| {
                (
                    format!(
                        "{} beats everyone head to head, but {w} wins",
                        self.name(cw)
                    ),
                    None,
                )
            })
        } else {
            let loses = m > 1
                && (0..m)
                    .filter(|&d| d != self.index)
                    .all(|d| beat(d, self.index));
            loses.then(|| {
                (
                    format!("{w} loses to everyone head to head, yet wins"),
                    None,
                )
            })
        }
    }

    fn majority(&self) -> Found {
        let total: u64 = self.ballots.iter().map(|(_, n)| n).sum();
        let w = self.winner;
        (0..self.election.candidates.len()).find_map(|c| {
            let first: u64 = self
                .ballots
                .iter()
                .filter(|(r, _)| r.first() == Some(&c))
                .map(|(_, n)| n)
                .sum();
            (u128::from(first) * 2 > u128::from(total) && c != self.index).then(|| {
                (
                    format!(
                        "{} is first on {first} of {total} ballots, but {w} wins",
                        self.name(c)
                    ),
                    None,
                )
            })
        })
    }

    fn monotonicity(&self) -> Result<Found> {
        let w = self.winner;
        for (g, (r, n)) in self.ballots.iter().enumerate() {
            let Some(at) = r.iter().position(|&c| c == self.index) else {
                continue;
            };
            if at == 0 || *n == 0 {
                continue;
            }
            let mut raised = r.clone();
            raised.swap(at, at - 1);
            let mut changed = self.ballots.to_vec();
            if let Some(slot) = changed.get_mut(g) {
                slot.1 -= 1;
            }
            changed.push((raised, 1));
            let other = rebuild(self.election, changed);
            if !winners(&other, self.method)?.iter().any(|x| x == w) {
                let passed = self.name(r.get(at - 1).copied().unwrap_or(0));
                return Ok(Some((
                    format!("one voter raises {w} above {passed}, and {w} no longer wins"),
                    Some(other),
                )));
            }
        }
        Ok(None)
    }

    fn participation(&self) -> Result<Found> {
        let w = self.winner;
        // One more voter, with every ranking (up to six candidates) or each
        // ranking already cast.
        let m = self.election.candidates.len();
        let kinds: Vec<Vec<usize>> = if m <= 6 {
            permutations(m)
        } else {
            let mut cast: Vec<Vec<usize>> = self.ballots.iter().map(|(r, _)| r.clone()).collect();
            cast.sort();
            cast.dedup();
            cast
        };
        for r in kinds {
            let mut changed = self.ballots.to_vec();
            changed.push((r.clone(), 1));
            let other = rebuild(self.election, changed);
            let Some(now) = winner(&other, self.method)? else {
                continue;
            };
            let pos = |c: &str| r.iter().position(|&x| self.name(x) == c);
            if now != w && pos(&now) > pos(w) {
                return Ok(Some((
                    format!(
                        "one more voter ranking {w} above {now} makes {now} win instead of {w}: they were better off staying home"
                    ),
                    Some(other),
                )));
            }
        }
        Ok(None)
    }

    fn reversal(&self) -> Result<Found> {
        if self.election.candidates.len() < 2 {
            return Ok(None);
        }
        let reversed: Vec<(Vec<usize>, u64)> = self
            .ballots
            .iter()
            .map(|(r, n)| (r.iter().rev().copied().collect(), *n))
            .collect();
        let other = rebuild(self.election, reversed);
        let w = self.winner;
        let again = winners(&other, self.method)?;
        Ok(again.iter().any(|x| x == w).then(|| {
            let how = if again.len() == 1 {
                "wins"
            } else {
                "ties for first"
            };
            (
                format!("{w} wins, and {how} again when every ballot is reversed"),
                Some(other),
            )
        }))
    }

    /// Every clone set: an interval of the first ballot that every ballot
    /// keeps together, of two candidates or more but not all.
    fn clone_sets(&self) -> Vec<Vec<usize>> {
        let m = self.election.candidates.len();
        let Some((first, _)) = self.ballots.first() else {
            return Vec::new();
        };
        let mut sets = Vec::new();
        for len in 2..m {
            for start in 0..=m - len {
                let Some(set) = first.get(start..start + len) else {
                    continue;
                };
                let together = self.ballots.iter().all(|(r, _)| {
                    let at: Vec<usize> = r
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| set.contains(c))
                        .map(|(i, _)| i)
                        .collect();
                    at.last()
                        .zip(at.first())
                        .is_some_and(|(l, f)| l - f + 1 == len)
                });
                if together {
                    sets.push(set.to_vec());
                }
            }
        }
        sets
    }

    fn clones(&self) -> Result<Found> {
        let w = self.winner;
        for set in self.clone_sets() {
            let names: Vec<String> = set.iter().map(|&c| self.name(c)).collect();
            let is_clone = |x: &String| names.contains(x);
            for &c in &set {
                let kept: Vec<(Vec<usize>, u64)> = self
                    .ballots
                    .iter()
                    .map(|(r, n)| (r.iter().copied().filter(|&x| x != c).collect(), *n))
                    .collect();
                let other = rebuild(self.election, kept);
                let other = CandidateElection {
                    candidates: self
                        .election
                        .candidates
                        .iter()
                        .filter(|x| **x != self.name(c))
                        .cloned()
                        .collect(),
                    ballots: other.ballots,
                };
                let now = winners(&other, self.method)?;
                let clone_won = is_clone(&w.to_owned());
                let clone_wins = now.iter().any(is_clone);
                let others_now: Vec<&String> = now.iter().filter(|x| !is_clone(x)).collect();
                let others_before: Vec<&str> = if clone_won { Vec::new() } else { vec![w] };
                let same_others = others_now.len() == others_before.len()
                    && others_now.iter().zip(&others_before).all(|(a, b)| a == b);
                if clone_won != clone_wins || !same_others {
                    let shown = |v: &[String]| match v.split_last() {
                        Some((last, [])) => last.clone(),
                        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
                        None => "nobody".to_owned(),
                    };
                    return Ok(Some((
                        format!(
                            "{} are clones (every ballot ranks them together); removing {} changes the winner from {w} to {}",
                            shown(&names),
                            self.name(c),
                            if now.len() > 1 {
                                format!("a tie of {}", shown(&now))
                            } else {
                                shown(&now)
                            }
                        ),
                        Some(other),
                    )));
                }
            }
        }
        Ok(None)
    }
}

/// Every ranking of `m` candidates, in lexicographic order.
fn permutations(m: usize) -> Vec<Vec<usize>> {
    let mut all = Vec::new();
    let mut current: Vec<usize> = (0..m).collect();
    loop {
        all.push(current.clone());
        // The next permutation in lexicographic order.
        let Some(i) = (1..m).rev().find(|&i| current.get(i - 1) < current.get(i)) else {
            return all;
        };
        let pivot = current.get(i - 1).copied().unwrap_or(0);
        let j = (i..m)
            .rev()
            .find(|&j| current.get(j).is_some_and(|&x| x > pivot))
            .unwrap_or(i);
        current.swap(i - 1, j);
        if let Some(tail) = current.get_mut(i..) {
            tail.reverse();
        }
    }
}

/// Searches small profiles, smallest first (fewest voters, then fewest
/// candidates), for a counterexample; the first found is as small as any.
/// Profiles are drawn by impartial culture from `seed`, `tries` per size.
///
/// # Errors
///
/// As [`check`].
pub fn search(
    axiom: Axiom,
    method: VotingMethod,
    max_voters: u64,
    tries: u32,
    seed: u64,
) -> Result<Option<Counterexample>> {
    for voters in 1..=max_voters {
        for m in 3..=4usize {
            for t in 0..tries {
                let s = seed
                    .wrapping_add(voters.wrapping_mul(1_000_003))
                    .wrapping_add(u64::from(t).wrapping_mul(7919))
                    .wrapping_add(m as u64);
                let election = super::generate::profile(
                    super::generate::Culture::ImpartialCulture,
                    voters,
                    m,
                    s,
                )?;
                if let Some(ce) = check(axiom, method, &election)? {
                    return Ok(Some(ce));
                }
            }
        }
    }
    Ok(None)
}
