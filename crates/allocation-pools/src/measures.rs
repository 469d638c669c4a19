//! How far an apportionment is from proportional: the indices political
//! science reports, for researchers comparing methods.
//!
//! Each compares the weights' shares `v_i / V` with the parts' shares
//! `s_i / S`. Loosemore–Hanby is exact; Gallagher (a square root) and
//! Sainte-Laguë are computed with 28-digit decimals. All are shown rounded to
//! six decimals (halves up), as fractions (multiply by 100 for percentage
//! points).

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Disproportionality indices of parts against weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Disproportionality {
    /// Loosemore–Hanby: half the sum of absolute share differences.
    pub loosemore_hanby: Decimal,
    /// Gallagher (least squares): the square root of half the sum of squared
    /// share differences.
    pub gallagher: Decimal,
    /// Sainte-Laguë: the sum of squared share differences, each divided by
    /// the weight's share (demands of weight zero left out).
    pub sainte_lague: Decimal,
}

/// The indices of `parts` against `weights` (same length, in the same order).
///
/// ```
/// use guided_community_pools::{apportion, measures, ApportionMethod};
///
/// let weights = [5_000, 3_000, 2_000];
/// let seats = apportion(10, &weights, ApportionMethod::Hamilton)?;
/// let exact = measures::disproportionality(&weights, &seats.parts)?;
/// assert!(exact.loosemore_hanby.is_zero()); // 5, 3, 2: exactly proportional
/// let skewed = measures::disproportionality(&weights, &[6, 3, 1])?;
/// assert_eq!(skewed.loosemore_hanby.to_string(), "0.100000");
/// # Ok::<(), guided_community_pools::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Measure`] for lists of different lengths, all-zero weights or
/// parts, or totals beyond what 28-digit decimals hold.
pub fn disproportionality(weights: &[u64], parts: &[u64]) -> Result<Disproportionality> {
    let bad = |reason: &str| Error::Measure {
        reason: reason.to_owned(),
    };
    if weights.len() != parts.len() {
        return Err(Error::Measure {
            reason: format!(
                "{} weights and {} parts: give one part per weight",
                weights.len(),
                parts.len()
            ),
        });
    }
    let sum = |xs: &[u64]| xs.iter().try_fold(0u64, |a, x| a.checked_add(*x));
    let (Some(v_total), Some(s_total)) = (sum(weights), sum(parts)) else {
        return Err(bad("the totals exceed 2⁶⁴"));
    };
    if v_total == 0 || s_total == 0 {
        return Err(bad(
            "the weights or the parts are all zero: there are no shares to compare",
        ));
    }
    let (v_total, s_total) = (Decimal::from(v_total), Decimal::from(s_total));
    let overflow = || bad("the shares do not fit 28-digit decimals");
    let (mut absolute, mut squares, mut sainte_lague) =
        (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for (&v, &s) in weights.iter().zip(parts) {
        let vs = Decimal::from(v).checked_div(v_total).ok_or_else(overflow)?;
        let ss = Decimal::from(s).checked_div(s_total).ok_or_else(overflow)?;
        let d = ss - vs;
        absolute = absolute.checked_add(d.abs()).ok_or_else(overflow)?;
        let d2 = d.checked_mul(d).ok_or_else(overflow)?;
        squares = squares.checked_add(d2).ok_or_else(overflow)?;
        if !vs.is_zero() {
            sainte_lague = sainte_lague
                .checked_add(d2.checked_div(vs).ok_or_else(overflow)?)
                .ok_or_else(overflow)?;
        }
    }
    let six = |x: Decimal| {
        let mut r = x.round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero);
        r.rescale(6);
        r
    };
    let gallagher = sqrt(squares / Decimal::TWO);
    Ok(Disproportionality {
        loosemore_hanby: six(absolute / Decimal::TWO),
        gallagher: six(gallagher),
        sainte_lague: six(sainte_lague),
    })
}

/// The square root of `a ≥ 0` by Newton's iteration in 28-digit decimals
/// (deterministic: the same digits on every machine).
fn sqrt(a: Decimal) -> Decimal {
    if a <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    let mut x = if a > Decimal::ONE { a } else { Decimal::ONE };
    for _ in 0..200 {
        let next = (x + a / x) / Decimal::TWO;
        if next >= x {
            break;
        }
        x = next;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_by_hand() {
        // Shares 0.5 / 0.3 / 0.2 against 0.6 / 0.3 / 0.1: differences ±0.1, 0.
        let d = disproportionality(&[5, 3, 2], &[6, 3, 1]).unwrap_or_else(|_| unreachable!());
        assert_eq!(d.loosemore_hanby.to_string(), "0.100000");
        // Gallagher: sqrt((0.01 + 0 + 0.01) / 2) = 0.1.
        assert_eq!(d.gallagher.to_string(), "0.100000");
        // Sainte-Laguë: 0.01/0.5 + 0 + 0.01/0.2 = 0.07.
        assert_eq!(d.sainte_lague.to_string(), "0.070000");
        assert_eq!(
            sqrt(Decimal::from(2)).round_dp(10).to_string(),
            "1.4142135624"
        );
        assert!(disproportionality(&[1, 2], &[3]).is_err());
        assert!(disproportionality(&[0, 0], &[1, 2]).is_err());
    }
}
