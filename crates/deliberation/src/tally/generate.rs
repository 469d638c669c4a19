//! Seeded random ranked profiles for Monte-Carlo studies: the culture models
//! the social-choice literature samples from. The same seed gives the same
//! profile on every machine: randomness is the crate's `SplitMix64`, and the
//! one model that needs real numbers (Mallows) uses only IEEE additions and
//! multiplications, which every machine rounds alike.
//!
//! ```
//! use guided_community_deliberation::generate::{profile, Culture};
//!
//! let election = profile(Culture::Mallows { phi_percent: 50 }, 100, 5, 7)?;
//! assert_eq!(election.candidates, ["c1", "c2", "c3", "c4", "c5"]);
//! let voters: u64 = election.ballots.iter().map(|b| match b {
//!     guided_community_deliberation::Ballot::Ranked { count, .. } => *count,
//!     _ => 0,
//! }).sum();
//! assert_eq!(voters, 100);
//! // The same seed, the same profile.
//! assert_eq!(election, profile(Culture::Mallows { phi_percent: 50 }, 100, 5, 7)?);
//! # Ok::<(), guided_community_deliberation::Error>(())
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::election::{Ballot, CandidateElection};
use crate::rng::SplitMix64;
use crate::{Error, Result};

/// The most voters a generated profile has.
pub const MAX_VOTERS: u64 = 10_000_000;
/// The most candidates.
pub const MAX_CANDIDATES: usize = 1_000;

/// A culture: how voters' rankings are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Culture {
    /// Impartial culture: every ranking equally likely, voters independent.
    ImpartialCulture,
    /// Impartial anonymous culture: every anonymous profile (how many voters
    /// cast each ranking) equally likely — the urn with one copy added per
    /// draw. At most 34 candidates (34! must fit 128 bits).
    ImpartialAnonymousCulture,
    /// Mallows around the ranking `c1 > c2 > …` with dispersion φ (percent:
    /// 0 always the reference, 100 impartial culture), by repeated insertion.
    Mallows {
        /// φ × 100, 0 to 100.
        phi_percent: u32,
    },
    /// The Pólya–Eggenberger urn: each voter draws a ranking from an urn that
    /// starts with every ranking once; α × m! copies of each drawn ranking are
    /// added (α in percent: 0 impartial culture, larger more alike).
    Urn {
        /// α × 100.
        alpha_percent: u32,
    },
    /// Voters and candidates uniform in the unit interval (`dimensions` 1) or
    /// square (2); each voter ranks candidates by distance, nearest first
    /// (ties to the earlier candidate). Integer coordinates: exact.
    Euclidean {
        /// 1 or 2.
        dimensions: u8,
    },
}

/// A random profile of `voters` complete rankings over `candidates`
/// candidates named `c1`, `c2`, …, identical rankings grouped (in the order
/// first drawn).
///
/// # Errors
///
/// [`Error::Generate`] for no voters or candidates, beyond [`MAX_VOTERS`] or
/// [`MAX_CANDIDATES`], φ above 100, a dimension other than 1 or 2, or IAC
/// with more than 34 candidates.
pub fn profile(
    culture: Culture,
    voters: u64,
    candidates: usize,
    seed: u64,
) -> Result<CandidateElection> {
    let bad = |reason: String| Error::Generate { reason };
    if voters == 0 || voters > MAX_VOTERS {
        return Err(bad(format!(
            "{voters} voters: a profile has 1 to {MAX_VOTERS}"
        )));
    }
    if candidates == 0 || candidates > MAX_CANDIDATES {
        return Err(bad(format!(
            "{candidates} candidates: a profile has 1 to {MAX_CANDIDATES}"
        )));
    }
    let mut rng = SplitMix64(seed);
    let m = candidates;
    let mut drawn = Drawn::default();
    match culture {
        Culture::ImpartialCulture => {
            for _ in 0..voters {
                let r = shuffled(m, &mut rng);
                drawn.record(r);
            }
        }
        Culture::ImpartialAnonymousCulture => {
            let factorial = (1..=m as u128)
                .try_fold(1u128, u128::checked_mul)
                .ok_or_else(|| {
                    bad(format!(
                        "impartial anonymous culture takes at most 34 candidates, not {m}"
                    ))
                })?;
            // One copy added per draw: an earlier voter's ranking with
            // probability i / (m! + i).
            urn(&mut drawn, &mut rng, voters, m, &|i| {
                (u128::from(i), factorial)
            });
        }
        Culture::Urn { alpha_percent } => {
            // α·m! copies per earlier draw among m! + α·m!·i balls: an
            // earlier voter's ranking with probability α·i / (1 + α·i).
            let alpha = u128::from(alpha_percent);
            urn(&mut drawn, &mut rng, voters, m, &|i| {
                (alpha * u128::from(i), 100)
            });
        }
        Culture::Mallows { phi_percent } => {
            if phi_percent > 100 {
                return Err(bad(format!("φ of {phi_percent}%: Mallows takes 0 to 100")));
            }
            mallows(&mut drawn, &mut rng, voters, m, phi_percent);
        }
        Culture::Euclidean { dimensions } => {
            if !(1..=2).contains(&dimensions) {
                return Err(bad(format!(
                    "{dimensions} dimensions: Euclidean profiles take 1 or 2"
                )));
            }
            euclidean(&mut drawn, &mut rng, voters, m, usize::from(dimensions));
        }
    }
    let names: Vec<String> = (1..=m).map(|c| format!("c{c}")).collect();
    let ballots = drawn
        .rankings
        .into_iter()
        .zip(drawn.counts)
        .map(|(r, count)| {
            Ballot::ranked(
                r.into_iter()
                    .map(|c| names.get(c as usize).cloned().unwrap_or_default()),
                count,
            )
        })
        .collect();
    Ok(CandidateElection {
        candidates: names,
        ballots,
    })
}

/// The rankings drawn so far, grouped, and which group each voter drew.
#[derive(Default)]
struct Drawn {
    rankings: Vec<Vec<u32>>,
    counts: Vec<u64>,
    index: BTreeMap<Vec<u32>, usize>,
    voters: Vec<usize>,
}

impl Drawn {
    fn record(&mut self, ranking: Vec<u32>) {
        let group = if let Some(&i) = self.index.get(&ranking) {
            if let Some(c) = self.counts.get_mut(i) {
                *c += 1;
            }
            i
        } else {
            self.index.insert(ranking.clone(), self.rankings.len());
            self.rankings.push(ranking);
            self.counts.push(1);
            self.rankings.len() - 1
        };
        self.voters.push(group);
    }

    /// Voter `j`'s ranking.
    fn of_voter(&self, j: usize) -> Vec<u32> {
        self.voters
            .get(j)
            .and_then(|&g| self.rankings.get(g))
            .cloned()
            .unwrap_or_default()
    }
}

/// An urn: voter `i` takes an earlier voter's ranking (uniformly) with
/// probability `a / (a + b)` where `(a, b) = odds(i)`, else a fresh one.
fn urn(
    drawn: &mut Drawn,
    rng: &mut SplitMix64,
    voters: u64,
    m: usize,
    odds: &dyn Fn(u64) -> (u128, u128),
) {
    for i in 0..voters {
        let (reuse, fresh) = odds(i);
        let r = if i > 0 && reuse > 0 && below128(rng, fresh + reuse) < reuse {
            drawn.of_voter(usize::try_from(rng.below(i)).unwrap_or(0))
        } else {
            shuffled(m, rng)
        };
        drawn.record(r);
    }
}

/// Mallows by repeated insertion: candidate `i` goes to position `j ≤ i` with
/// weight φ^(i − j).
fn mallows(drawn: &mut Drawn, rng: &mut SplitMix64, voters: u64, m: usize, phi_percent: u32) {
    let phi = f64::from(phi_percent) / 100.0;
    let mut powers = Vec::with_capacity(m);
    let mut power = 1.0f64;
    for _ in 0..m {
        powers.push(power);
        power *= phi;
    }
    let weight = |k: usize| powers.get(k).copied().unwrap_or(0.0);
    for _ in 0..voters {
        let mut ranking: Vec<u32> = Vec::with_capacity(m);
        for i in 0..m {
            let total: f64 = (0..=i).map(|j| weight(i - j)).sum();
            let u = unit(rng) * total;
            let mut acc = 0.0;
            let mut at = i;
            for j in 0..=i {
                acc += weight(i - j);
                if u < acc {
                    at = j;
                    break;
                }
            }
            ranking.insert(at, u32::try_from(i).unwrap_or(u32::MAX));
        }
        drawn.record(ranking);
    }
}

/// Voters and candidates at random integer points; nearest first.
fn euclidean(drawn: &mut Drawn, rng: &mut SplitMix64, voters: u64, m: usize, d: usize) {
    let point = |rng: &mut SplitMix64| -> [u64; 2] {
        let x = rng.next_u64() >> 32;
        let y = if d == 2 { rng.next_u64() >> 32 } else { 0 };
        [x, y]
    };
    let places: Vec<[u64; 2]> = (0..m).map(|_| point(rng)).collect();
    for _ in 0..voters {
        let at = point(rng);
        let distance = |c: &[u64; 2]| -> u128 {
            let dx = u128::from(c[0].abs_diff(at[0]));
            let dy = u128::from(c[1].abs_diff(at[1]));
            dx * dx + dy * dy
        };
        let mut ranking: Vec<u32> = (0..u32::try_from(m).unwrap_or(u32::MAX)).collect();
        ranking.sort_by_key(|&c| (places.get(c as usize).map_or(u128::MAX, distance), c));
        drawn.record(ranking);
    }
}

/// A uniformly random ranking of `0..m` (Fisher–Yates).
fn shuffled(m: usize, rng: &mut SplitMix64) -> Vec<u32> {
    let mut r: Vec<u32> = (0..u32::try_from(m).unwrap_or(u32::MAX)).collect();
    for i in (1..r.len()).rev() {
        let j = usize::try_from(rng.below(i as u64 + 1)).unwrap_or(0);
        r.swap(i, j);
    }
    r
}

/// Uniform in `[0, 1)` with 53 random bits: the same on every machine.
fn unit(rng: &mut SplitMix64) -> f64 {
    #[allow(clippy::cast_precision_loss, reason = "53 bits are exact in an f64")]
    let top = (rng.next_u64() >> 11) as f64;
    top / 9_007_199_254_740_992.0
}

/// Uniform in `0..n` for 128-bit `n` (rejection sampling).
fn below128(rng: &mut SplitMix64, n: u128) -> u128 {
    if n <= u128::from(u64::MAX) {
        return u128::from(rng.below(u64::try_from(n).unwrap_or(u64::MAX)));
    }
    let bits = 128 - (n - 1).leading_zeros();
    loop {
        let x = (u128::from(rng.next_u64()) << 64 | u128::from(rng.next_u64())) >> (128 - bits);
        if x < n {
            return x;
        }
    }
}
