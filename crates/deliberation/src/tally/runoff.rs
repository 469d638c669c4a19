//! Instant-runoff: counts, ties for last settled by [`RunoffTies`], and every order
//! of elimination followed when asked.

use super::options::MAX_RUNOFF_UNIVERSES;
use super::profile::Profile;
use super::profile::name_of;
use super::profile::tiers_by_score;
use super::result::Round;
use super::result::Score;
use super::result::Universe;
use crate::Error;
use crate::Result;
use std::collections::HashMap;

impl Profile {
    /// First preferences among the `active` candidates, and the ballots that
    /// rank none of them.
    pub(super) fn first_preferences(&self, active: &[bool]) -> (Vec<u64>, u64) {
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
    pub(super) fn count(&self, active: &[bool]) -> Count {
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
    /// Each of the `tied` candidates eliminated in turn from those `active`, and
    /// who then wins, every later order followed (at most `limit` sets explored).
    pub(super) fn universes(
        &self,
        active: &[bool],
        tied: &[u32],
        limit: usize,
    ) -> Result<Vec<(u32, Vec<u32>)>> {
        let mut memo = HashMap::new();
        tied.iter()
            .map(|&c| {
                let mut next = active.to_vec();
                if let Some(on) = next.get_mut(c as usize) {
                    *on = false;
                }
                Ok((c, self.universe_winners(&mut next, &mut memo, limit)?))
            })
            .collect()
    }

    /// At most `limit` sets of standing candidates are explored.
    pub(super) fn universe_winners(
        &self,
        active: &mut Vec<bool>,
        memo: &mut HashMap<Vec<bool>, Vec<u32>>,
        limit: usize,
    ) -> Result<Vec<u32>> {
        if let Some(known) = memo.get(active.as_slice()) {
            return Ok(known.clone());
        }
        if memo.len() >= limit {
            return Err(Error::TooManyRunoffTies { limit });
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
                self.universe_winners(&mut next, memo, limit)?
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
                all.extend(self.universe_winners(&mut next, memo, limit)?);
            }
            all.sort_unstable();
            all.dedup();
            all
        };
        memo.insert(active.clone(), winners.clone());
        Ok(winners)
    }

    pub(super) fn instant_runoff(
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
                        // A few orders of elimination are followed on the ballots
                        // as given; when there are many, each distinct ballot is
                        // counted once (grouping costs more than a few counts).
                        universes = match self.universes(&active, &last, FEW_UNIVERSES) {
                            Err(Error::TooManyRunoffTies { .. }) => {
                                self.grouped()
                                    .universes(&active, &last, MAX_RUNOFF_UNIVERSES)?
                            }
                            other => other?,
                        };
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
pub(super) fn runoff_ranking(
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

/// Sets of standing candidates explored on the ballots as given before they are
/// grouped (see `Profile::grouped`).
const FEW_UNIVERSES: usize = 256;

/// How [`Profile::instant_runoff`] settles a tie for last.
#[derive(Clone, Copy)]
pub(super) enum Runoff<'a> {
    All,
    Order(&'a [u32]),
    Universes,
}

/// One instant-runoff count.
pub(super) struct Count {
    pub(super) tallies: Vec<u64>,
    pub(super) exhausted: u64,
    pub(super) standing: Vec<u32>,
    pub(super) majority: Option<u32>,
    pub(super) fewest: u64,
    pub(super) last: Vec<u32>,
}
