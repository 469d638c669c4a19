//! Sensitivity of the ranking to the weights: would a social worker's top list
//! change if a dimension counted five points more or less?

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::matrix::Matrix;
use crate::score::{ScoreOptions, score};
use crate::unit::{Unit, UnitId};
use crate::{Error, Result};

/// How far each weight moves.
const STEP: i64 = 5;

/// The ranking under one moved weight.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WeightShift {
    /// The dimension whose weight moved.
    pub dimension: String,
    /// By how many points (+5 or −5; less when the weight would leave 0..=100).
    pub delta: Decimal,
    /// All the dimensions' weights after renormalising the others to keep 100.
    pub weights: Vec<Decimal>,
    /// How many units of the top `k` are no longer in the top `k`.
    pub top_k_changed: u64,
    /// The largest rank shift of any unit.
    pub largest_rank_shift: u32,
}

/// A unit's largest rank shift over all the moves.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UnitShift {
    /// The unit.
    pub id: UnitId,
    /// Its rank with the configured weights.
    pub rank: u32,
    /// Its largest rank shift.
    pub largest_shift: u32,
}

/// The sensitivity report.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Sensitivity {
    /// The size of the top list considered.
    pub top_k: u64,
    /// One entry per move: each dimension +5 and −5.
    pub shifts: Vec<WeightShift>,
    /// Every scored unit, in input order.
    pub units: Vec<UnitShift>,
}

/// Moves each dimension's weight by ±5 points (renormalising the others in
/// proportion, exactly, so the weights still sum to 100) and reports how the top
/// `top_k` and every unit's rank move.
///
/// ```
/// use guided_community_needs::{sensitivity, Matrix, ScoreOptions, Unit};
///
/// let matrix = Matrix::default();
/// let unit = |id: &str, age: f64, income: f64| Unit::new(id, vec![Some(age), Some(0.0), Some(0.0), Some(1.0), Some(0.0), Some(income), Some(4.0), Some(1.0), Some(0.0)]);
/// let units = [unit("h1", 82.0, 2.2), unit("h2", 64.0, 0.9), unit("h3", 71.0, 1.2)];
/// let report = sensitivity(&matrix, &units, &ScoreOptions::default(), 1)?;
/// assert_eq!(report.shifts.len(), 10);
/// assert!(report.shifts.iter().all(|s| s.weights.iter().sum::<rust_decimal::Decimal>() == 100.into()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`score`].
pub fn sensitivity(
    matrix: &Matrix,
    units: &[Unit],
    options: &ScoreOptions,
    top_k: u64,
) -> Result<Sensitivity> {
    let base = score(matrix, units, options)?;
    let base_ranks = base.ranks();
    let in_top = |rank: u32| u64::from(rank) <= top_k;
    let mut largest = vec![0u32; base.len()];
    let mut shifts = Vec::new();
    let weights: Vec<Decimal> = matrix.dimensions().iter().map(|d| d.weight).collect();
    for (d, dimension) in matrix.dimensions().iter().enumerate() {
        for delta in [STEP, -STEP] {
            let Some((moved, delta)) = moved_weights(&weights, d, Decimal::from(delta))? else {
                continue;
            };
            let shifted = score(&matrix.with_weights(&moved)?, units, options)?;
            let mut changed = 0u64;
            let mut widest = 0u32;
            for ((&before, &after), widest_for_unit) in
                base_ranks.iter().zip(shifted.ranks()).zip(&mut largest)
            {
                if in_top(before) && !in_top(after) {
                    changed += 1;
                }
                let shift = before.abs_diff(after);
                widest = widest.max(shift);
                *widest_for_unit = (*widest_for_unit).max(shift);
            }
            shifts.push(WeightShift {
                dimension: dimension.id.clone(),
                delta,
                weights: moved,
                top_k_changed: changed,
                largest_rank_shift: widest,
            });
        }
    }
    let units = base
        .ids()
        .iter()
        .zip(base_ranks)
        .zip(largest)
        .map(|((id, &rank), largest_shift)| UnitShift {
            id: id.clone(),
            rank,
            largest_shift,
        })
        .collect();
    Ok(Sensitivity {
        top_k,
        shifts,
        units,
    })
}

/// The weights with dimension `d` moved by `delta` (clamped to 0..=100) and the
/// others scaled, in 10⁻¹² of a percent, to keep the sum at exactly 100 (largest
/// remainder, ties to the earlier dimension). `None` when nothing can move.
fn moved_weights(
    weights: &[Decimal],
    d: usize,
    delta: Decimal,
) -> Result<Option<(Vec<Decimal>, Decimal)>> {
    let overflow = || Error::Overflow {
        context: "moving weights".to_owned(),
    };
    let pico = |w: Decimal| -> Result<u128> {
        w.checked_mul(Decimal::from(1_000_000_000_000u64))
            .and_then(|p| u128::try_from(p.trunc()).ok())
            .ok_or_else(overflow)
    };
    let Some(&current) = weights.get(d) else {
        return Ok(None);
    };
    let target = current
        .checked_add(delta)
        .ok_or_else(overflow)?
        .clamp(Decimal::ZERO, Decimal::ONE_HUNDRED);
    let delta = target.checked_sub(current).ok_or_else(overflow)?;
    let others: u128 = weights
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != d)
        .map(|(_, &w)| pico(w))
        .sum::<Result<u128>>()?;
    if delta.is_zero() || others == 0 {
        return Ok(None);
    }
    let full = pico(Decimal::ONE_HUNDRED)?;
    let left = full - pico(target)?;
    let mut moved = Vec::with_capacity(weights.len());
    let mut rems = Vec::with_capacity(weights.len());
    for (i, &w) in weights.iter().enumerate() {
        if i == d {
            moved.push(pico(target)?);
            rems.push(0);
        } else {
            let exact = pico(w)?.checked_mul(left).ok_or_else(overflow)?;
            moved.push(exact / others);
            rems.push(exact % others);
        }
    }
    let mut short = full - moved.iter().sum::<u128>();
    let mut order: Vec<usize> = (0..moved.len()).filter(|&i| i != d).collect();
    order.sort_by(|&a, &b| rems.get(b).cmp(&rems.get(a)).then(a.cmp(&b)));
    for i in order {
        if short == 0 {
            break;
        }
        if let Some(m) = moved.get_mut(i) {
            *m += 1;
            short -= 1;
        }
    }
    let moved = moved
        .into_iter()
        .map(|p| {
            i128::try_from(p)
                .ok()
                .and_then(|p| Decimal::try_from_i128_with_scale(p, 12).ok())
                .map(|w| w.normalize())
                .ok_or_else(overflow)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some((moved, delta)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn moved_weights_sum_to_100() {
        let w = [dec!(25), dec!(20), dec!(20), dec!(15), dec!(20)];
        let (moved, delta) = moved_weights(&w, 0, dec!(5)).unwrap().unwrap();
        assert_eq!(delta, dec!(5));
        // 20 × 70/75 leaves 2/3 of a unit three times; the two units short go to the
        // earliest of the tied remainders.
        assert_eq!(
            moved,
            [
                dec!(30),
                dec!(18.666666666667),
                dec!(18.666666666667),
                dec!(14),
                dec!(18.666666666666)
            ]
        );
        assert_eq!(moved.iter().sum::<Decimal>(), dec!(100));
        let (moved, delta) = moved_weights(&[dec!(2), dec!(98)], 0, dec!(-5))
            .unwrap()
            .unwrap();
        assert_eq!((moved, delta), (vec![dec!(0), dec!(100)], dec!(-2)));
        assert_eq!(moved_weights(&[dec!(100)], 0, dec!(5)).unwrap(), None);
    }
}
