//! The general path through indicator columns: missing values, ranked
//! normalisations, several indicators per dimension, re-weighting.

use crate::Error;
use crate::unit::UnitId;

use super::admit::{Admitted, effective_weights};
use super::plan::{Column, DimensionPlan, IndicatorPlan, Range};
use super::result::{Diagnostic, Flags};
use super::round::{as_f64, round_pico};

/// Admitted units' ids and flags, their contributions (one column per dimension)
/// and, when computed on the way, their weighted sums capped at 100 points; and a
/// diagnostic for every unit left out.
pub(super) struct Contributions {
    pub(super) ids: Vec<UnitId>,
    pub(super) flags: Vec<u8>,
    pub(super) columns: Vec<Vec<u64>>,
    pub(super) sums: Option<Vec<u64>>,
    pub(super) diagnostics: Vec<Diagnostic>,
}

/// Contributions from admitted (and imputed) indicator columns.
pub(super) fn general_from(
    admitted: Admitted,
    indicators: &[IndicatorPlan<'_>],
    dimensions: &[DimensionPlan],
) -> Contributions {
    let Admitted {
        ids,
        raw,
        ranges,
        flags,
        mut diagnostics,
    } = admitted;
    let (ids, flags, columns) = general_contributions(
        indicators,
        dimensions,
        (raw, &ranges),
        ids,
        flags,
        &mut diagnostics,
    );
    Contributions {
        ids,
        flags,
        columns,
        sums: None,
        diagnostics,
    }
}

/// Contributions when some dimension has several indicators or some value is
/// missing: each indicator's need column, then each dimension's need (the
/// parts-weighted mean over the indicators present), then contributions, with
/// incomplete rows re-weighted over the dimensions present and rows with no
/// dimension at all dropped with a diagnostic.
pub(super) fn general_contributions(
    indicators: &[IndicatorPlan<'_>],
    dimensions: &[DimensionPlan],
    (mut needs, ranges): (Vec<Vec<f64>>, &[Range]),
    mut ids: Vec<UnitId>,
    mut flags: Vec<u8>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<UnitId>, Vec<u8>, Vec<Vec<u64>>) {
    let rows = ids.len();
    for ((plan, column), &range) in indicators.iter().zip(&mut needs).zip(ranges) {
        Column::build(plan, column, range).to_needs(column);
    }
    let mut dimension_needs: Vec<Vec<f64>> = Vec::with_capacity(dimensions.len());
    for dim in dimensions {
        let parts: Vec<f64> = indicators
            .get(dim.first..dim.end)
            .unwrap_or_default()
            .iter()
            .map(|p| p.parts)
            .collect();
        let need = match needs.get_mut(dim.first..dim.end).unwrap_or_default() {
            // A one-indicator dimension's need is its indicator's: moved, not copied.
            [only] => core::mem::take(only),
            members => combine(members, &parts, &mut flags),
        };
        dimension_needs.push(need);
    }
    drop(needs);
    // Each need column becomes its contribution column in place (same size, same
    // alignment: `collect` reuses the allocation). A NaN — a dimension with no
    // value — contributes 0 here and marks the row for re-weighting below.
    let full: Vec<u64> = dimensions.iter().map(|d| d.weight).collect();
    let mut incomplete = vec![false; rows];
    let mut contributions: Vec<Vec<u64>> = Vec::with_capacity(dimensions.len());
    let mut kept_needs: Vec<Vec<f64>> = Vec::new();
    let any_missing = dimension_needs
        .iter()
        .any(|column| column.iter().any(|n| n.is_nan()));
    for (need, &weight) in dimension_needs.into_iter().zip(&full) {
        if any_missing {
            for (flag, n) in incomplete.iter_mut().zip(&need) {
                *flag |= n.is_nan();
            }
            kept_needs.push(need.clone());
        }
        let weight = as_f64(weight);
        contributions.push(need.into_iter().map(|n| round_pico(n * weight)).collect());
    }
    let mut dropped = Vec::new();
    for (row, _) in incomplete
        .iter()
        .enumerate()
        .filter(|(_, missing)| **missing)
    {
        let row_needs: Vec<Option<f64>> = kept_needs
            .iter()
            .map(|c| c.get(row).copied().filter(|n| !n.is_nan()))
            .collect();
        match effective_weights(&full, &row_needs) {
            Some(weights) => {
                if let Some(bits) = flags.get_mut(row) {
                    *bits |= Flags::PARTIAL;
                }
                for ((need, w), column) in row_needs.iter().zip(weights).zip(&mut contributions) {
                    if let Some(c) = column.get_mut(row) {
                        *c = need.map_or(0, |n| round_pico(n * as_f64(w)));
                    }
                }
            }
            None => dropped.push(row),
        }
    }
    drop(kept_needs);
    if !dropped.is_empty() {
        for &row in &dropped {
            if let Some(id) = ids.get(row) {
                diagnostics.push(Diagnostic {
                    unit: id.clone(),
                    error: Error::NoValues {
                        unit: id.to_string(),
                    },
                });
            }
        }
        (ids, flags, contributions) = without_rows(&dropped, ids, flags, contributions);
    }
    (ids, flags, contributions)
}

/// A dimension's need per row: the parts-weighted mean of its indicators' needs
/// over those present; NaN when none is. A row missing some but not all of them
/// is flagged partial.
pub(super) fn combine(members: &[Vec<f64>], parts: &[f64], flags: &mut [u8]) -> Vec<f64> {
    let rows = members.first().map_or(0, Vec::len);
    (0..rows)
        .map(|row| {
            let (need, missing) = weighted_need(
                members
                    .iter()
                    .zip(parts)
                    .map(|(column, &p)| (p, column.get(row).copied().unwrap_or(f64::NAN))),
            );
            if missing
                && !need.is_nan()
                && let Some(bits) = flags.get_mut(row)
            {
                *bits |= Flags::PARTIAL;
            }
            need
        })
        .collect()
}

/// A dimension's need from its indicators' `(parts, need)` pairs: the
/// parts-weighted mean over the needs present (not NaN), clamped to `[0, 1]`, or
/// NaN when none is; and whether some need was missing. The one definition both
/// ways of scoring use, so that they agree to the bit.
pub(super) fn weighted_need(members: impl Iterator<Item = (f64, f64)>) -> (f64, bool) {
    let (mut sum, mut weight, mut missing) = (0.0, 0.0, false);
    for (p, n) in members {
        if n.is_nan() {
            missing = true;
        } else {
            sum += p * n;
            weight += p;
        }
    }
    let need = if weight > 0.0 {
        (sum / weight).clamp(0.0, 1.0)
    } else {
        f64::NAN
    };
    (need, missing)
}

/// The columns without the `dropped` rows (sorted ascending).
pub(super) fn without_rows(
    dropped: &[usize],
    ids: Vec<UnitId>,
    flags: Vec<u8>,
    contributions: Vec<Vec<u64>>,
) -> (Vec<UnitId>, Vec<u8>, Vec<Vec<u64>>) {
    fn keep<T>(dropped: &[usize], column: Vec<T>) -> Vec<T> {
        column
            .into_iter()
            .enumerate()
            .filter(|(r, _)| dropped.binary_search(r).is_err())
            .map(|(_, v)| v)
            .collect()
    }
    let contributions = contributions
        .into_iter()
        .map(|c| keep(dropped, c))
        .collect();
    (keep(dropped, ids), keep(dropped, flags), contributions)
}
