//! Proportionality checks of a committee, each answered `satisfied` or with a
//! witness anyone can check by hand: the group of voters, how many seats `ℓ`
//! they are owed, and the candidates they all approve.
//!
//! JR and EJR+ are polynomial. EJR and PJR are hard to check in general: they
//! are decided here by a depth-first search over cohesive candidate sets,
//! pruned as soon as their common supporters weigh too little, up to
//! [`MAX_COMMITTEES_EXAMINED`] search nodes,
//! and refused beyond (never guessed). Priceability is an exact linear
//! program (two-phase simplex over rationals).

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
    /// Priceability (Peters and Skowron): some budget per unit of weight and
    /// payments, each voter paying only for members they approve, buy every
    /// member at price 1, and no unelected candidate's supporters have 1
    /// left between them. Decided by an exact linear program; a committee
    /// that is not priceable has no witness group.
    Priceability,
}

impl core::str::FromStr for Property {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "jr" => Ok(Self::Jr),
            "pjr" => Ok(Self::Pjr),
            "ejr" => Ok(Self::Ejr),
            "ejr-plus" => Ok(Self::EjrPlus),
            "priceability" => Ok(Self::Priceability),
            _ => Err(Error::CommitteeInput {
                reason: format!(
                    "unknown property `{s}`, expected jr, pjr, ejr, ejr-plus or priceability"
                ),
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
        Property::Priceability => {
            return Ok(Check {
                satisfied: priceable(&ballots, &members, m),
                witness: None,
            });
        }
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
    let items: Vec<usize> = (0..n).collect();
    let mut stopped = false;
    super::rules::combinations(&items, r, &mut |pick| {
        stopped = visit(pick);
        stopped
    });
    stopped
}

/// Visits every set `T` of `ell` candidates whose common approvers (among
/// `eligible` voters) weigh enough, depth first: a branch stops as soon as
/// its common approvers weigh too little, since adding candidates only
/// shrinks them. `visit` gets `T` and the common approvers; true stops.
struct Cohesive<'a> {
    ballots: &'a [(&'a [usize], u64)],
    m: usize,
    ell: usize,
    owed: &'a dyn Fn(u64, usize) -> bool,
    nodes: u128,
}

impl Cohesive<'_> {
    fn go(
        &mut self,
        start: usize,
        t: &mut Vec<usize>,
        voters: &[usize],
        visit: &mut dyn FnMut(&[usize], &[usize]) -> bool,
    ) -> Result<bool> {
        self.nodes += 1;
        if self.nodes > MAX_COMMITTEES_EXAMINED {
            return Err(Error::CommitteeTooLarge {
                what: "the EJR/PJR check".to_owned(),
                count: self.nodes,
                limit: MAX_COMMITTEES_EXAMINED,
            });
        }
        let weight: u64 = voters
            .iter()
            .map(|&v| self.ballots.get(v).map_or(0, |b| b.1))
            .sum();
        if voters.is_empty() || !(self.owed)(weight, self.ell) {
            return Ok(false);
        }
        if t.len() == self.ell {
            return Ok(visit(t, voters));
        }
        for c in start..self.m {
            if self.m - c < self.ell - t.len() {
                break;
            }
            let next: Vec<usize> = voters
                .iter()
                .copied()
                .filter(|&v| {
                    self.ballots
                        .get(v)
                        .is_some_and(|(a, _)| a.binary_search(&c).is_ok())
                })
                .collect();
            t.push(c);
            let stop = self.go(c + 1, t, &next, visit)?;
            t.pop();
            if stop {
                return Ok(true);
            }
        }
        Ok(false)
    }
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
    let mut witness = None;
    let mut nodes = 0;
    for ell in 1..=k {
        // Only voters with fewer than ℓ members can be in the group.
        let eligible: Vec<usize> = (0..ballots.len())
            .filter(|&v| represented.get(v).copied().unwrap_or(0) < ell)
            .collect();
        let mut search = Cohesive {
            ballots,
            m,
            ell,
            owed,
            nodes,
        };
        let found = search.go(0, &mut Vec::new(), &eligible, &mut |t, group| {
            let weight: u64 = group.iter().map(|&v| ballots.get(v).map_or(0, |b| b.1)).sum();
            witness = Some(Witness {
                ell,
                voters: group.to_vec(),
                weight,
                candidates: t.to_vec(),
                why: format!(
                    "they all approve these {ell} candidates, weigh {weight} (owed {ell} seat{}), and each approves fewer than {ell} member{}",
                    if ell == 1 { "" } else { "s" },
                    if ell == 1 { "" } else { "s" }
                ),
            });
            true
        })?;
        nodes = search.nodes;
        if found {
            break;
        }
    }
    Ok(witness)
}

/// PJR: a set `T` of ℓ candidates and a group of its common approvers who
/// weigh ℓ · n / k but together approve fewer than ℓ members. For each
/// cohesive `T`, the members its approvers approve are few; the group is
/// found by trying each set `R` of ℓ − 1 of them as the members allowed.
fn pjr(
    ballots: &[(&[usize], u64)],
    members: &[usize],
    m: usize,
    k: usize,
    owed: &dyn Fn(u64, usize) -> bool,
) -> Result<Option<Witness>> {
    let mut witness = None;
    let mut nodes = 0;
    let in_w = |c: &usize| members.binary_search(c).is_ok();
    for ell in 1..=k {
        let all: Vec<usize> = (0..ballots.len()).collect();
        let mut search = Cohesive {
            ballots,
            m,
            ell,
            owed,
            nodes,
        };
        let mut refused = None;
        let found = search.go(0, &mut Vec::new(), &all, &mut |t, group| {
            let weight_of = |g: &[usize]| -> u64 { g.iter().map(|&v| ballots.get(v).map_or(0, |b| b.1)).sum() };
            // The members the group's voters approve.
            let mut touched: Vec<usize> = group
                .iter()
                .flat_map(|&v| ballots.get(v).map_or(&[][..], |b| b.0).iter().copied())
                .filter(|c| in_w(c))
                .collect();
            touched.sort_unstable();
            touched.dedup();
            let r = (ell - 1).min(touched.len());
            if super::rules::binomial(touched.len(), r) > MAX_COMMITTEES_EXAMINED {
                refused = Some(Error::CommitteeTooLarge {
                    what: "the PJR check".to_owned(),
                    count: super::rules::binomial(touched.len(), r),
                    limit: MAX_COMMITTEES_EXAMINED,
                });
                return true;
            }
            subsets(touched.len(), r, &mut |pick| {
                let allowed: Vec<usize> = pick.iter().filter_map(|&i| touched.get(i).copied()).collect();
                let sub: Vec<usize> = group
                    .iter()
                    .copied()
                    .filter(|&v| {
                        ballots
                            .get(v)
                            .is_some_and(|(a, _)| a.iter().filter(|c| in_w(c)).all(|c| allowed.contains(c)))
                    })
                    .collect();
                let weight = weight_of(&sub);
                if sub.is_empty() || !owed(weight, ell) {
                    return false;
                }
                witness = Some(Witness {
                    ell,
                    voters: sub,
                    weight,
                    candidates: t.to_vec(),
                    why: format!(
                        "they all approve these {ell} candidates, weigh {weight} (owed {ell} seat{}), and together approve only {} member{}{}",
                        if ell == 1 { "" } else { "s" },
                        allowed.len(),
                        if allowed.len() == 1 { "" } else { "s" },
                        if allowed.is_empty() {
                            String::new()
                        } else {
                            format!(
                                " ({})",
                                allowed.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                            )
                        }
                    ),
                });
                true
            })
        })?;
        if let Some(e) = refused {
            return Err(e);
        }
        nodes = search.nodes;
        if found {
            break;
        }
    }
    Ok(witness)
}

/// Priceability as abcvoting states it (price 1, a budget `b` per unit of
/// weight to find): an exact linear program over `b`, the payments `π(i, c)`
/// for members `c` voter group `i` approves, and slacks.
fn priceable(ballots: &[(&[usize], u64)], members: &[usize], m: usize) -> bool {
    use num_bigint::BigInt;
    use num_rational::BigRational as Q;
    use num_traits::{One, Zero};

    let approved: Vec<usize> = (0..m)
        .filter(|c| ballots.iter().any(|(a, _)| a.binary_search(c).is_ok()))
        .collect();
    if approved.len() < members.len() {
        // abcvoting: the definition does not apply; priceable iff every
        // approved candidate is elected.
        return approved.iter().all(|c| members.binary_search(c).is_ok());
    }
    let q = |n: u64| Q::from_integer(BigInt::from(n));
    // Variables: b, then π(i, c), then a slack per voter group, then a slack
    // per unelected candidate.
    let mut pays: Vec<(usize, usize)> = Vec::new();
    for (i, (a, _)) in ballots.iter().enumerate() {
        for c in a.iter().filter(|c| members.binary_search(c).is_ok()) {
            pays.push((i, *c));
        }
    }
    let outside: Vec<usize> = (0..m)
        .filter(|c| members.binary_search(c).is_err())
        .collect();
    let n = 1 + pays.len() + ballots.len() + outside.len();
    let pi = |p: usize| 1 + p;
    let slack_voter = |i: usize| 1 + pays.len() + i;
    let slack_cand = |j: usize| 1 + pays.len() + ballots.len() + j;
    let mut rows: Vec<(Vec<Q>, Q)> = Vec::new();
    let set = |row: &mut Vec<Q>, j: usize, x: Q| {
        if let Some(slot) = row.get_mut(j) {
            *slot += x;
        }
    };
    // (1) Σ_c π(i, c) + s_i − w_i·b = 0.
    for (i, (_, w)) in ballots.iter().enumerate() {
        let mut row = vec![Q::zero(); n];
        for (p, &(voter, _)) in pays.iter().enumerate() {
            if voter == i {
                set(&mut row, pi(p), Q::one());
            }
        }
        set(&mut row, slack_voter(i), Q::one());
        set(&mut row, 0, -q(*w));
        rows.push((row, Q::zero()));
    }
    // (3) each member is paid exactly 1.
    for &c in members {
        let mut row = vec![Q::zero(); n];
        for (p, &(_, cand)) in pays.iter().enumerate() {
            if cand == c {
                set(&mut row, pi(p), Q::one());
            }
        }
        rows.push((row, Q::one()));
    }
    // (4) an unelected candidate's supporters keep at most 1:
    //     Σ_{i ∈ N(c)} (w_i·b − Σ π(i, ·)) + t_c = 1.
    for (j, &c) in outside.iter().enumerate() {
        let mut row = vec![Q::zero(); n];
        for (i, (a, w)) in ballots.iter().enumerate() {
            if a.binary_search(&c).is_err() {
                continue;
            }
            set(&mut row, 0, q(*w));
            for (p, &(voter, _)) in pays.iter().enumerate() {
                if voter == i {
                    set(&mut row, pi(p), -Q::one());
                }
            }
        }
        set(&mut row, slack_cand(j), Q::one());
        rows.push((row, Q::one()));
    }
    let objective = vec![Q::zero(); n];
    !matches!(
        super::lp::maximise(&rows, &objective),
        super::lp::Lp::Infeasible
    )
}
