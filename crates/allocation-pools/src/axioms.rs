//! Axioms of apportionment, each a function that returns the counterexample
//! it finds: quota (every part within one unit of its exact share), house
//! monotonicity (one more unit to share takes nothing from anyone — the
//! Alabama paradox breaks it) and population monotonicity (a demand that grew
//! relative to another does not lose a unit to it — the population paradox).
//!
//! ```
//! use guided_community_pools::{apportion, axioms, ApportionMethod};
//!
//! // The Alabama paradox (Hamilton): 10 units give C two; 11 give it one.
//! let weights = [6, 6, 2];
//! let paradox = axioms::alabama(10, &weights, ApportionMethod::Hamilton)?.ok_or("none")?;
//! assert_eq!((paradox.index, paradox.before, paradox.after), (2, 2, 1));
//! // Divisor methods are house monotone.
//! assert!(axioms::alabama(10, &weights, ApportionMethod::SainteLague)?.is_none());
//! // Hamilton keeps quota: every part within one unit of its exact share.
//! let parts = apportion(10, &weights, ApportionMethod::Hamilton)?.parts;
//! assert!(axioms::quota(10, &weights, &parts).is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::{ApportionMethod, Result, apportion};

/// A part outside `[⌊q⌋, ⌈q⌉]` of its exact share `q`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaViolation {
    /// The demand (index).
    pub index: usize,
    /// Its part.
    pub part: u64,
    /// Its share rounded down.
    pub lower: u64,
    /// Its share rounded up.
    pub upper: u64,
}

/// A demand that lost a unit where the axiom says it should not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paradox {
    /// The demand that lost.
    pub index: usize,
    /// Its part before.
    pub before: u64,
    /// Its part after.
    pub after: u64,
    /// For the population paradox: the demand that gained from it.
    pub gainer: Option<usize>,
}

/// Every part outside its quota bounds (empty when quota holds).
pub fn quota(total: u64, weights: &[u64], parts: &[u64]) -> Vec<QuotaViolation> {
    let w_total: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    if w_total == 0 {
        return Vec::new();
    }
    weights
        .iter()
        .zip(parts)
        .enumerate()
        .filter_map(|(index, (&w, &part))| {
            let exact = u128::from(total) * u128::from(w);
            let lower = u64::try_from(exact / w_total).unwrap_or(u64::MAX);
            let upper = u64::try_from(exact.div_ceil(w_total)).unwrap_or(u64::MAX);
            (part < lower || part > upper).then_some(QuotaViolation {
                index,
                part,
                lower,
                upper,
            })
        })
        .collect()
}

/// The Alabama paradox: a demand whose part falls when `total` grows by one.
///
/// # Errors
///
/// As [`apportion`].
pub fn alabama(total: u64, weights: &[u64], method: ApportionMethod) -> Result<Option<Paradox>> {
    let before = apportion(total, weights, method)?.parts;
    let after = apportion(total.saturating_add(1), weights, method)?.parts;
    Ok(before
        .iter()
        .zip(&after)
        .enumerate()
        .find(|(_, (b, a))| a < b)
        .map(|(index, (&before, &after))| Paradox {
            index,
            before,
            after,
            gainer: None,
        }))
}

/// The population paradox between two weightings of the same demands: a
/// demand `i` whose weight grew relative to `j`'s (`w'_i / w_i > w'_j / w_j`)
/// loses a unit while `j` gains one.
///
/// # Errors
///
/// As [`apportion`].
pub fn population(
    total: u64,
    before: &[u64],
    after: &[u64],
    method: ApportionMethod,
) -> Result<Option<Paradox>> {
    let p = apportion(total, before, method)?.parts;
    let q = apportion(total, after, method)?.parts;
    let n = before.len().min(after.len());
    for i in 0..n {
        for j in 0..n {
            let (Some(&bi), Some(&ai), Some(&bj), Some(&aj)) =
                (before.get(i), after.get(i), before.get(j), after.get(j))
            else {
                continue;
            };
            // a_i / b_i > a_j / b_j ⟺ a_i·b_j > a_j·b_i (weights positive).
            let grew = bi > 0
                && bj > 0
                && u128::from(ai) * u128::from(bj) > u128::from(aj) * u128::from(bi);
            let (Some(&pi), Some(&qi), Some(&pj), Some(&qj)) =
                (p.get(i), q.get(i), p.get(j), q.get(j))
            else {
                continue;
            };
            if grew && qi < pi && qj > pj {
                return Ok(Some(Paradox {
                    index: i,
                    before: pi,
                    after: qi,
                    gainer: Some(j),
                }));
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny seeded generator for the search.
    fn next(state: &mut u64) -> u64 {
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    #[test]
    fn what_theory_says_the_search_finds() {
        let mut s = 1u64;
        let mut quota_broken = [false; 5];
        let mut alabama_found = [false; 5];
        let mut population_found = [false; 5];
        for _ in 0..4_000 {
            let n = 3 + (next(&mut s) % 3) as usize;
            let weights: Vec<u64> = (0..n).map(|_| 1 + next(&mut s) % 60).collect();
            let total = 3 + next(&mut s) % 20;
            let after: Vec<u64> = weights.iter().map(|w| w + next(&mut s) % 10).collect();
            for (m, method) in ApportionMethod::ALL.iter().enumerate() {
                let parts = apportion(total, &weights, *method)
                    .map(|a| a.parts)
                    .unwrap_or_default();
                quota_broken[m] |= !quota(total, &weights, &parts).is_empty();
                alabama_found[m] |= alabama(total, &weights, *method).ok().flatten().is_some();
                population_found[m] |= population(total, &weights, &after, *method)
                    .ok()
                    .flatten()
                    .is_some();
            }
        }
        // Hamilton (index 0) keeps quota but is not house monotone; divisor
        // methods are house monotone and population monotone but can break quota.
        assert!(!quota_broken[0], "Hamilton broke quota");
        assert!(alabama_found[0], "no Alabama paradox found for Hamilton");
        for m in 1..5 {
            assert!(
                !alabama_found[m],
                "{:?} showed the Alabama paradox",
                ApportionMethod::ALL[m]
            );
            assert!(
                !population_found[m],
                "{:?} showed the population paradox",
                ApportionMethod::ALL[m]
            );
        }
        assert!(quota_broken[1], "no quota violation found for D'Hondt");
        assert!(
            population_found[0],
            "no population paradox found for Hamilton"
        );
    }
}
