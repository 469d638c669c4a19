//! A council's composition rules (DOMAIN.md §5: "at least 2 young people, 2
//! seniors and 1 tenant representative", "tenants at least 20%", members
//! across buildings) as constraints on the committee.
//!
//! Each rule becomes bounds on how many members a group of candidates
//! (those with an attribute's value) may have. Whether a partial committee
//! can still be completed is decided exactly, by a search over candidate
//! *types* (candidates in the same groups are interchangeable).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// One composition rule, as a council writes it.
///
/// ```
/// use guided_community_pb::committee::CompositionRule;
///
/// // "At least 2 young people", "tenants at least 20%", "at most 2 per building".
/// let rules: Vec<CompositionRule> = serde_json::from_str(r#"[
///     {"attribute": "age", "value": "young", "min": 2},
///     {"attribute": "tenure", "value": "tenant", "min_percent": 20},
///     {"attribute": "building", "max_per_value": 2}
/// ]"#)?;
/// assert_eq!(rules.len(), 3);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompositionRule {
    /// The attribute (`age`, `tenure`, `building`, …).
    pub attribute: String,
    /// The value the bounds are about (`young`); absent with `max_per_value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// At least this many members with the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<usize>,
    /// At most this many.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<usize>,
    /// At least this percentage of the seats (rounded up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_percent: Option<u32>,
    /// At most this many members for every value of the attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_value: Option<usize>,
}

impl CompositionRule {
    /// The rule in words.
    pub fn describe(&self) -> String {
        let value = self.value.as_deref().unwrap_or("");
        let mut parts = Vec::new();
        if let Some(min) = self.min {
            parts.push(format!("at least {min} with {} = {value}", self.attribute));
        }
        if let Some(max) = self.max {
            parts.push(format!("at most {max} with {} = {value}", self.attribute));
        }
        if let Some(p) = self.min_percent {
            parts.push(format!("at least {p}% with {} = {value}", self.attribute));
        }
        if let Some(max) = self.max_per_value {
            parts.push(format!("at most {max} per {}", self.attribute));
        }
        parts.join(", ")
    }
}

/// Candidates' attributes and the rules on them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Composition {
    /// Each candidate's attributes, by candidate index (missing: none).
    pub attributes: Vec<BTreeMap<String, String>>,
    /// The rules.
    pub rules: Vec<CompositionRule>,
}

/// Bounds on the members of one group of candidates, from rule `rule`.
#[derive(Debug, Clone)]
struct Bound {
    members: Vec<bool>,
    min: usize,
    max: usize,
    rule: usize,
}

/// The rules compiled for `m` candidates and `k` seats.
#[derive(Debug, Clone)]
pub(super) struct Constraints {
    bounds: Vec<Bound>,
    k: usize,
    m: usize,
}

/// The most search nodes one feasibility question may take before it is
/// refused.
const MAX_NODES: u64 = 5_000_000;

impl Constraints {
    /// Compiles `composition` for `m` candidates and `k` seats.
    pub(super) fn new(composition: &Composition, m: usize, k: usize) -> Result<Self> {
        let attr = |c: usize, name: &str| {
            composition
                .attributes
                .get(c)
                .and_then(|a| a.get(name))
                .map(String::as_str)
        };
        let mut bounds = Vec::new();
        for (i, rule) in composition.rules.iter().enumerate() {
            let bad = |reason: &str| Error::CommitteeInput {
                reason: format!("composition rule {} ({}): {reason}", i + 1, rule.describe()),
            };
            // A misspelt attribute would make a cap hold vacuously.
            if (0..m).all(|c| attr(c, &rule.attribute).is_none()) {
                let mut seen: Vec<&str> = composition
                    .attributes
                    .iter()
                    .flat_map(|a| a.keys().map(String::as_str))
                    .collect();
                seen.sort_unstable();
                seen.dedup();
                let seen = if seen.is_empty() {
                    "none".to_owned()
                } else {
                    seen.iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                return Err(bad(&format!(
                    "no candidate has the attribute `{}`; their attributes are {seen}",
                    rule.attribute
                )));
            }
            match (&rule.value, rule.max_per_value) {
                (Some(value), None) => {
                    let members: Vec<bool> = (0..m)
                        .map(|c| attr(c, &rule.attribute) == Some(value))
                        .collect();
                    let share_min = rule.min_percent.map(|p| (k * p as usize).div_ceil(100));
                    let min = rule.min.unwrap_or(0).max(share_min.unwrap_or(0));
                    let max = rule.max.unwrap_or(k);
                    if rule.min.is_none() && rule.max.is_none() && rule.min_percent.is_none() {
                        return Err(bad("give min, max or min_percent"));
                    }
                    if rule.min_percent.is_some_and(|p| p > 100) {
                        return Err(bad("min_percent is at most 100"));
                    }
                    bounds.push(Bound {
                        members,
                        min,
                        max,
                        rule: i,
                    });
                }
                (None, Some(max)) => {
                    let mut values: Vec<&str> =
                        (0..m).filter_map(|c| attr(c, &rule.attribute)).collect();
                    values.sort_unstable();
                    values.dedup();
                    for value in values {
                        let members = (0..m)
                            .map(|c| attr(c, &rule.attribute) == Some(value))
                            .collect();
                        bounds.push(Bound {
                            members,
                            min: 0,
                            max,
                            rule: i,
                        });
                    }
                }
                (Some(_), Some(_)) => {
                    return Err(bad("max_per_value applies to every value: drop `value`"));
                }
                (None, None) => {
                    return Err(bad(
                        "give a `value` with min/max/min_percent, or max_per_value",
                    ));
                }
            }
        }
        Ok(Self { bounds, k, m })
    }

    /// Whether there are no rules.
    pub(super) fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    /// Whether `committee` (of any size ≤ k) can be completed to `k` members,
    /// all distinct, meeting every bound, adding only candidates `allowed`.
    pub(super) fn completable(
        &self,
        committee: &[usize],
        allowed: &dyn Fn(usize) -> bool,
    ) -> Result<bool> {
        self.completable_with(committee, allowed, &|_| true)
    }

    fn completable_with(
        &self,
        committee: &[usize],
        allowed: &dyn Fn(usize) -> bool,
        active: &dyn Fn(usize) -> bool,
    ) -> Result<bool> {
        if committee.len() > self.k {
            return Ok(false);
        }
        let bounds: Vec<&Bound> = self.bounds.iter().filter(|b| active(b.rule)).collect();
        let mut count: Vec<usize> = bounds
            .iter()
            .map(|b| {
                committee
                    .iter()
                    .filter(|&&c| b.members.get(c).copied().unwrap_or(false))
                    .count()
            })
            .collect();
        if count.iter().zip(&bounds).any(|(n, b)| *n > b.max) {
            return Ok(false);
        }
        // Candidate types: membership signatures, with how many are free.
        let mut types: BTreeMap<Vec<bool>, usize> = BTreeMap::new();
        for c in 0..self.m {
            if committee.contains(&c) || !allowed(c) {
                continue;
            }
            let signature: Vec<bool> = bounds
                .iter()
                .map(|b| b.members.get(c).copied().unwrap_or(false))
                .collect();
            *types.entry(signature).or_insert(0) += 1;
        }
        let types: Vec<(Vec<bool>, usize)> = types.into_iter().collect();
        let need = self.k - committee.len();
        let mut nodes = 0u64;
        let found = search(&types, 0, need, &mut count, &bounds, &mut nodes);
        if nodes > MAX_NODES {
            return Err(Error::CommitteeTooLarge {
                what: "checking the composition rules".to_owned(),
                count: u128::from(nodes),
                limit: u128::from(MAX_NODES),
            });
        }
        Ok(found)
    }

    /// Whether a full committee meets every bound.
    pub(super) fn satisfied(&self, committee: &[usize]) -> bool {
        self.bounds.iter().all(|b| {
            let n = committee
                .iter()
                .filter(|&&c| b.members.get(c).copied().unwrap_or(false))
                .count();
            b.min <= n && n <= b.max
        })
    }

    /// If no committee meets the rules, an error naming an irreducible set of
    /// them that cannot be met together (dropping any one makes the rest
    /// meetable).
    pub(super) fn check_meetable(&self, composition: &Composition) -> Result<()> {
        let all = |_: usize| true;
        if self.completable(&[], &all)? {
            return Ok(());
        }
        let rules = composition.rules.len();
        let mut kept: Vec<bool> = vec![true; rules];
        for r in 0..rules {
            if let Some(slot) = kept.get_mut(r) {
                *slot = false;
            }
            let still_unmeetable =
                !self.completable_with(&[], &all, &|i| kept.get(i).copied().unwrap_or(false))?;
            if !still_unmeetable && let Some(slot) = kept.get_mut(r) {
                *slot = true;
            }
        }
        let named: Vec<String> = (0..rules)
            .filter(|&r| kept.get(r).copied().unwrap_or(false))
            .map(|r| {
                format!(
                    "rule {} ({})",
                    r + 1,
                    composition
                        .rules
                        .get(r)
                        .map(CompositionRule::describe)
                        .unwrap_or_default()
                )
            })
            .collect();
        Err(Error::CommitteeInput {
            reason: format!(
                "no committee of {} meets the composition rules: {} cannot be met together",
                self.k,
                named.join(" and ")
            ),
        })
    }
}

/// Chooses `need` more members type by type, within every bound; whether it
/// can.
fn search(
    types: &[(Vec<bool>, usize)],
    at: usize,
    need: usize,
    count: &mut [usize],
    bounds: &[&Bound],
    nodes: &mut u64,
) -> bool {
    *nodes += 1;
    if *nodes > MAX_NODES {
        return false;
    }
    // Every minimum must still be reachable with the seats left.
    let short: usize = count
        .iter()
        .zip(bounds)
        .map(|(n, b)| b.min.saturating_sub(*n))
        .max()
        .unwrap_or(0);
    if short > need {
        return false;
    }
    let Some((signature, available)) = types.get(at) else {
        return need == 0 && count.iter().zip(bounds).all(|(n, b)| *n >= b.min);
    };
    let free: usize = types.iter().skip(at).map(|(_, a)| *a).sum();
    if free < need {
        return false;
    }
    // The most of this type the maxima allow.
    let room = signature
        .iter()
        .zip(count.iter().zip(bounds))
        .filter(|(inside, _)| **inside)
        .map(|(_, (n, b))| b.max.saturating_sub(*n))
        .min()
        .unwrap_or(usize::MAX);
    for take in (0..=(*available).min(need).min(room)).rev() {
        for (i, inside) in signature.iter().enumerate() {
            if *inside && let Some(n) = count.get_mut(i) {
                *n += take;
            }
        }
        let ok = search(types, at + 1, need - take, count, bounds, nodes);
        for (i, inside) in signature.iter().enumerate() {
            if *inside && let Some(n) = count.get_mut(i) {
                *n -= take;
            }
        }
        if ok {
            return true;
        }
    }
    false
}
