//! Proportionality checks of a committee, each answered `satisfied` or with a
//! witness anyone can check by hand: the group of voters, how many seats `ℓ`
//! they are owed, and the candidates they all approve.
//!
//! JR and EJR+ are polynomial. EJR and PJR are hard to check in general: they
//! are decided here by enumerating candidate sets, up to
//! [`MAX_COMMITTEES_EXAMINED`](super::MAX_COMMITTEES_EXAMINED) of them, and
//! refused beyond (never guessed).

use serde::{Deserialize, Serialize};

use super::{MAX_COMMITTEES_EXAMINED, Profile};
use crate::{Error, Result};

/// A proportionality property.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Property {
    /// Justified representation.
    Jr,
    /// Proportional justified representation.
    Pjr,
    /// Extended justified representation.
    Ejr,
    /// EJR+ (Brill and Peters).
    EjrPlus,
}

impl core::str::FromStr for Property {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "jr" => Ok(Self::Jr),
            "pjr" => Ok(Self::Pjr),
            "ejr" => Ok(Self::Ejr),
            "ejr-plus" => Ok(Self::EjrPlus),
            "priceability" => Err(Error::CommitteeInput {
                reason: "priceability is not checked by this version (it needs a linear program); jr, pjr, ejr and ejr-plus are".to_owned(),
            }),
            _ => Err(Error::CommitteeInput {
                reason: format!("unknown property `{s}`, expected jr, pjr, ejr or ejr-plus"),
            }),
        }
    }
}

/// A group the committee short-changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Witness {
    /// The seats the group is owed: its weight is at least `ℓ · n / k`.
    pub ell: usize,
    /// The group: ballot indices (in the order given).
    pub voters: Vec<usize>,
    /// Their weight.
    pub weight: u64,
    /// The candidates every one of them approves (for EJR+ and JR, the one
    /// candidate outside the committee they all approve).
    pub candidates: Vec<usize>,
    /// What the committee gives them, in words.
    pub why: String,
}

/// A check's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Whether the committee has the property.
    pub satisfied: bool,
    /// If not, a group it short-changes.
    pub witness: Option<Witness>,
}

/// Checks whether `committee` has `property` in `profile`.
///
/// ```
/// use guided_community_pb::committee::{check, Ballot, Profile, Property};
///
/// // Two of six voters approve only candidate 2; a committee of three without
/// // it gives them nothing, though they are a third of the voters.
/// let profile = Profile::new(3, vec![Ballot::new(vec![0, 1], 4), Ballot::new(vec![2], 2)])?;
/// let answer = check(&profile, &[0, 1], Property::Jr)?;
/// assert!(answer.satisfied); // with two seats, a third is not owed one
/// let answer = check(&profile, &[0, 1, 1], Property::Jr);
/// assert!(answer.is_err()); // a member named twice
/// # Ok::<(), guided_community_pb::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::CommitteeInput`] for an empty committee, a member out of range
/// or named twice; [`Error::CommitteeTooLarge`] when EJR or PJR would examine
/// more than the limit.
pub fn check(profile: &Profile, committee: &[usize], property: Property) -> Result<Check> {
    let m = profile.candidates();
    let mut members = committee.to_vec();
    members.sort_unstable();
    if members.is_empty() {
        return Err(Error::CommitteeInput {
            reason: "the committee is empty".to_owned(),
        });
    }
    for pair in members.windows(2) {
        if let [a, b] = pair
            && a == b
        {
            return Err(Error::CommitteeInput {
                reason: format!("candidate {a} is named twice in the committee"),
            });
        }
    }
    if let Some(&c) = members.iter().find(|&&c| c >= m) {
        return Err(Error::CommitteeInput {
            reason: format!(
                "the committee names candidate {c}; candidates are 0 to {}",
                m - 1
            ),
        });
    }
    let k = members.len();
    let n = u128::from(profile.total_weight());
    let ballots: Vec<(&[usize], u64)> = profile.ballots().collect();
    let in_w = |c: &usize| members.binary_search(c).is_ok();
    let represented: Vec<usize> = ballots
        .iter()
        .map(|(a, _)| a.iter().filter(|c| in_w(c)).count())
        .collect();
    // Weight `w` is owed ℓ seats when w · k ≥ ℓ · n.
    let owed = |w: u64, ell: usize| u128::from(w) * k as u128 >= ell as u128 * n;
    let witness = match property {
        Property::Jr => ejr_plus(&ballots, &represented, m, &in_w, &owed, Some(1)),
        Property::EjrPlus => ejr_plus(&ballots, &represented, m, &in_w, &owed, None),
        Property::Ejr => ejr(&ballots, &represented, m, k, &owed)?,
        Property::Pjr => pjr(&ballots, &members, m, k, &owed)?,
    };
    Ok(Check {
        satisfied: witness.is_none(),
        witness,
    })
}

/// EJR+ (and JR with `only = Some(1)`): a candidate outside the committee
/// whose approvers with fewer than ℓ members they approve weigh ℓ · n / k.
fn ejr_plus(
    ballots: &[(&[usize], u64)],
    represented: &[usize],
    m: usize,
    in_w: &dyn Fn(&usize) -> bool,
    owed: &dyn Fn(u64, usize) -> bool,
    only: Option<usize>,
) -> Option<Witness> {
    let max_ell = ballots.iter().map(|(a, _)| a.len()).max().unwrap_or(0);
    for c in (0..m).filter(|c| !in_w(c)) {
        let supporters: Vec<usize> = (0..ballots.len())
            .filter(|&v| {
                ballots
                    .get(v)
                    .is_some_and(|(a, _)| a.binary_search(&c).is_ok())
            })
            .collect();
        let ells: Vec<usize> = only.map_or_else(|| (1..=max_ell).collect(), |l| vec![l]);
        for ell in ells {
            let group: Vec<usize> = supporters
                .iter()
                .copied()
                .filter(|&v| represented.get(v).copied().unwrap_or(0) < ell)
                .collect();
            let weight: u64 = group
                .iter()
                .map(|&v| ballots.get(v).map_or(0, |b| b.1))
                .sum();
            if !group.is_empty() && owed(weight, ell) {
                return Some(Witness {
                    ell,
                    voters: group,
                    weight,
                    candidates: vec![c],
                    why: format!(
                        "they all approve candidate {c}, which is not elected, weigh {weight} (owed {ell} seat{}), and each approves fewer than {ell} member{}",
                        if ell == 1 { "" } else { "s" },
                        if ell == 1 { "" } else { "s" }
                    ),
                });
            }
        }
    }
    None
}

/// Calls `visit` with every `r`-subset of `0..n` until it returns true;
/// whether it did.
fn subsets(n: usize, r: usize, visit: &mut dyn FnMut(&[usize]) -> bool) -> bool {
    fn go(
        n: usize,
        r: usize,
        start: usize,
        pick: &mut Vec<usize>,
        visit: &mut dyn FnMut(&[usize]) -> bool,
    ) -> bool {
        if pick.len() == r {
            return visit(pick);
        }
        for i in start..n {
            if n - i < r - pick.len() {
                break;
            }
            pick.push(i);
            if go(n, r, i + 1, pick, visit) {
                return true;
            }
            pick.pop();
        }
        false
    }
    go(n, r, 0, &mut Vec::new(), visit)
}

fn binomial(n: usize, r: usize) -> u128 {
    if r > n {
        return 0;
    }
    let r = r.min(n - r);
    (0..r).fold(1u128, |acc, i| {
        acc.saturating_mul((n - i) as u128) / (i as u128 + 1)
    })
}

/// EJR: a set `T` of ℓ candidates whose common approvers, each with fewer
/// than ℓ members they approve, weigh ℓ · n / k.
fn ejr(
    ballots: &[(&[usize], u64)],
    represented: &[usize],
    m: usize,
    k: usize,
    owed: &dyn Fn(u64, usize) -> bool,
) -> Result<Option<Witness>> {
    let work: u128 = (1..=k)
        .map(|ell| binomial(m, ell))
        .fold(0, u128::saturating_add);
    if work > MAX_COMMITTEES_EXAMINED {
        return Err(Error::CommitteeTooLarge {
            what: "the EJR check".to_owned(),
            count: work,
            limit: MAX_COMMITTEES_EXAMINED,
        });
    }
    let mut witness = None;
    for ell in 1..=k {
        let found = subsets(m, ell, &mut |t| {
            let group: Vec<usize> = (0..ballots.len())
                .filter(|&v| {
                    ballots
                        .get(v)
                        .is_some_and(|(a, _)| t.iter().all(|c| a.binary_search(c).is_ok()))
                        && represented.get(v).copied().unwrap_or(0) < ell
                })
                .collect();
            let weight: u64 = group
                .iter()
                .map(|&v| ballots.get(v).map_or(0, |b| b.1))
                .sum();
            if !group.is_empty() && owed(weight, ell) {
                witness = Some(Witness {
                    ell,
                    voters: group,
                    weight,
                    candidates: t.to_vec(),
                    why: format!(
                        "they all approve these {ell} candidates, weigh {weight} (owed {ell} seats), and each approves fewer than {ell} members"
                    ),
                });
                return true;
            }
            false
        });
        if found {
            break;
        }
    }
    Ok(witness)
}

/// PJR: a set `T` of ℓ candidates and at most ℓ − 1 members `R` such that
/// the common approvers of `T` whose approved members all lie in `R` weigh
/// ℓ · n / k (together they approve fewer than ℓ members).
fn pjr(
    ballots: &[(&[usize], u64)],
    members: &[usize],
    m: usize,
    k: usize,
    owed: &dyn Fn(u64, usize) -> bool,
) -> Result<Option<Witness>> {
    let work: u128 = (1..=k)
        .map(|ell| binomial(m, ell).saturating_mul(binomial(k, ell - 1)))
        .fold(0, u128::saturating_add);
    if work > MAX_COMMITTEES_EXAMINED {
        return Err(Error::CommitteeTooLarge {
            what: "the PJR check".to_owned(),
            count: work,
            limit: MAX_COMMITTEES_EXAMINED,
        });
    }
    let mut witness = None;
    for ell in 1..=k {
        let found = subsets(m, ell, &mut |t| {
            subsets(k, ell - 1, &mut |r| {
                let allowed: Vec<usize> =
                    r.iter().filter_map(|&i| members.get(i).copied()).collect();
                let group: Vec<usize> = (0..ballots.len())
                    .filter(|&v| {
                        ballots.get(v).is_some_and(|(a, _)| {
                            t.iter().all(|c| a.binary_search(c).is_ok())
                                && a.iter()
                                    .filter(|c| members.binary_search(c).is_ok())
                                    .all(|c| allowed.contains(c))
                        })
                    })
                    .collect();
                let weight: u64 = group
                    .iter()
                    .map(|&v| ballots.get(v).map_or(0, |b| b.1))
                    .sum();
                if !group.is_empty() && owed(weight, ell) {
                    witness = Some(Witness {
                        ell,
                        voters: group,
                        weight,
                        candidates: t.to_vec(),
                        why: format!(
                            "they all approve these {ell} candidates, weigh {weight} (owed {ell} seats), and together approve only {} member{}{}",
                            allowed.len(),
                            if allowed.len() == 1 { "" } else { "s" },
                            if allowed.is_empty() {
                                String::new()
                            } else {
                                format!(
                                    " ({})",
                                    allowed
                                        .iter()
                                        .map(ToString::to_string)
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                )
                            }
                        ),
                    });
                    return true;
                }
                false
            })
        });
        if found {
            break;
        }
    }
    Ok(witness)
}
