//! An election compiled to candidate indices, with the positional and pairwise
//! counts every method starts from.

use super::election::Ballot;
use super::election::CandidateElection;
use super::names::Names;
use super::options::VotingMethod;
use super::result::Round;
use super::result::Score;
use crate::Error;
use crate::Result;
use std::collections::HashMap;

/// An election compiled to candidate indices, ready for counting.
pub(super) struct Profile {
    pub(super) m: usize,
    pub(super) marks: Vec<u32>,
    pub(super) ends: Vec<usize>,
    pub(super) counts: Vec<u64>,
    pub(super) total: u64,
}

impl Profile {
    pub(super) fn compile(election: &CandidateElection, method: VotingMethod) -> Result<Self> {
        let m = election.candidates.len();
        if m == 0 {
            return Err(Error::NoCandidates);
        }
        let index = Names::new(&election.candidates).map_err(|name| Error::DuplicateCandidate {
            candidate: name.clone(),
        })?;
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
                let c = index.find(name).ok_or_else(unknown)?;
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

    /// The same profile with identical ballots merged, their counts summed (in
    /// the order each first appears): for counting many times over.
    pub(super) fn grouped(&self) -> Self {
        let mut index: HashMap<&[u32], usize> = HashMap::new();
        let mut merged: Vec<(&[u32], u64)> = Vec::new();
        for (marks, count) in self.ballots() {
            // Counts sum to `total`, which `compile` checked fits.
            if let Some(entry) = index.get(marks).and_then(|&i| merged.get_mut(i)) {
                entry.1 = entry.1.saturating_add(count);
            } else {
                index.insert(marks, merged.len());
                merged.push((marks, count));
            }
        }
        let mut grouped = Self {
            m: self.m,
            marks: Vec::with_capacity(self.marks.len()),
            ends: Vec::with_capacity(merged.len()),
            counts: Vec::with_capacity(merged.len()),
            total: self.total,
        };
        for (marks, count) in merged {
            grouped.marks.extend_from_slice(marks);
            grouped.ends.push(grouped.marks.len());
            grouped.counts.push(count);
        }
        grouped
    }

    pub(super) fn ballots(&self) -> impl Iterator<Item = (&[u32], u64)> {
        let starts = core::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .zip(&self.counts)
            .map(|((start, &end), &count)| (self.marks.get(start..end).unwrap_or(&[]), count))
    }

    /// Plurality votes, approvals or Borda points, per candidate.
    pub(super) fn scores(&self, method: VotingMethod) -> Vec<i64> {
        let mut scores = vec![0u64; self.m];
        let top = u64::try_from(self.m).unwrap_or(u64::MAX).saturating_sub(1);
        for (marks, count) in self.ballots() {
            match method {
                VotingMethod::Plurality => {
                    if let Some(score) = marks.first().and_then(|&c| scores.get_mut(c as usize)) {
                        *score += count;
                    }
                }
                VotingMethod::Borda => {
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
    pub(super) fn margins(&self) -> Vec<i64> {
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
}

pub(super) fn name_of(names: &[String], c: u32) -> String {
    names.get(c as usize).cloned().unwrap_or_default()
}

pub(super) fn scores_round(names: &[String], scores: &[i64]) -> Round {
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

pub(super) fn matrix(cells: &[i64], m: usize) -> Vec<Vec<i64>> {
    cells.chunks_exact(m.max(1)).map(<[i64]>::to_vec).collect()
}

/// Tiers by descending score; ties keep candidate order.
pub(super) fn tiers_by_score(scores: &[i64]) -> Vec<Vec<u32>> {
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
