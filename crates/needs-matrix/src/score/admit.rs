//! Admission of units (a diagnostic for each that cannot be scored) and
//! imputation of missing values.

use crate::Error;
use crate::Result;
use crate::matrix::MissingPolicy;
use crate::unit::Unit;
use crate::unit::UnitId;

use super::plan::{IndicatorPlan, Range};
use super::result::{Diagnostic, Flags};
use super::round::FULL;

/// The admitted units: their ids, one contiguous column per indicator (NaN for a
/// missing value, the cohort median where the policy imputes) with its range,
/// per-row flags, and a diagnostic for every unit left out.
pub(super) struct Admitted {
    pub(super) ids: Vec<UnitId>,
    pub(super) raw: Vec<Vec<f64>>,
    pub(super) ranges: Vec<Range>,
    pub(super) flags: Vec<u8>,
    pub(super) diagnostics: Vec<Diagnostic>,
}

pub(super) fn admit_all(units: &[Unit], indicators: &[IndicatorPlan<'_>]) -> Admitted {
    let mut diagnostics = Vec::new();
    let mut ids: Vec<UnitId> = Vec::with_capacity(units.len());
    let mut raw: Vec<Vec<f64>> = indicators
        .iter()
        .map(|_| Vec::with_capacity(units.len()))
        .collect();
    // An imputed median lies within the range, so ranges are taken here, in the
    // pass that reads the values anyway.
    let mut ranges = vec![Range::EMPTY; indicators.len()];
    for unit in units {
        match admit(unit, indicators) {
            Ok(()) => {
                ids.push(unit.id.clone());
                for ((column, value), range) in raw.iter_mut().zip(&unit.values).zip(&mut ranges) {
                    let v = value.unwrap_or(f64::NAN);
                    column.push(v);
                    range.add(v);
                }
            }
            Err(error) => diagnostics.push(Diagnostic {
                unit: unit.id.clone(),
                error,
            }),
        }
    }
    let flags = vec![0u8; ids.len()];
    Admitted {
        ids,
        raw,
        ranges,
        flags,
        diagnostics,
    }
}

/// Fills the missing values of columns whose dimension imputes with the column's
/// median, flagging the rows. (The median lies within the range: ranges stand.)
pub(super) fn impute(admitted: &mut Admitted, indicators: &[IndicatorPlan<'_>]) {
    for (plan, column) in indicators.iter().zip(&mut admitted.raw) {
        if plan.policy == MissingPolicy::ImputeMedian
            && column.iter().any(|v| v.is_nan())
            && let Some(median) = median(column.iter().copied().filter(|v| !v.is_nan()).collect())
        {
            for (v, bits) in column.iter_mut().zip(&mut admitted.flags) {
                if v.is_nan() {
                    *v = median;
                    *bits |= Flags::IMPUTED;
                }
            }
        }
    }
}

pub(super) fn admit(unit: &Unit, indicators: &[IndicatorPlan<'_>]) -> Result<()> {
    if unit.values.len() != indicators.len() {
        return Err(Error::WrongValueCount {
            unit: unit.id.to_string(),
            expected: indicators.len(),
            got: unit.values.len(),
        });
    }
    for (value, plan) in unit.values.iter().zip(indicators) {
        match value {
            Some(v) if !v.is_finite() => {
                return Err(Error::NonFiniteValue {
                    unit: unit.id.to_string(),
                    indicator: plan.id.to_owned(),
                });
            }
            None if plan.policy == MissingPolicy::Reject => {
                return Err(Error::MissingValue {
                    unit: unit.id.to_string(),
                    indicator: plan.id.to_owned(),
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// The median of `values` (the mean of the middle two for an even count).
pub(super) fn median(mut values: Vec<f64>) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let (_, &mut upper, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        return Some(upper);
    }
    let lower = values
        .get(..n / 2)?
        .iter()
        .copied()
        .max_by(f64::total_cmp)?;
    Some(lower / 2.0 + upper / 2.0)
}

/// The present dimensions' weights scaled up to exactly 100 points (largest
/// remainder, ties to the earlier dimension); `None` when no dimension is present.
pub(super) fn effective_weights(full: &[u64], needs: &[Option<f64>]) -> Option<Vec<u64>> {
    let present: u128 = full
        .iter()
        .zip(needs)
        .filter(|(_, n)| n.is_some())
        .map(|(&w, _)| u128::from(w))
        .sum();
    if present == 0 {
        return None;
    }
    let mut pico = Vec::with_capacity(full.len());
    let mut rems = Vec::with_capacity(full.len());
    for (&w, n) in full.iter().zip(needs) {
        let exact = if n.is_some() {
            u128::from(w) * u128::from(FULL)
        } else {
            0
        };
        pico.push(u64::try_from(exact / present).unwrap_or(FULL));
        rems.push(exact % present);
    }
    let mut left = FULL.saturating_sub(pico.iter().sum::<u64>());
    let mut order: Vec<usize> = (0..pico.len()).collect();
    order.sort_by(|&a, &b| rems.get(b).cmp(&rems.get(a)).then(a.cmp(&b)));
    for i in order {
        if left == 0 {
            break;
        }
        if let Some(p) = pico.get_mut(i) {
            *p += 1;
            left -= 1;
        }
    }
    Some(pico)
}
