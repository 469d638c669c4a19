//! The fast columnar path: units read once (split over threads) into value
//! columns, and contributions computed in place when every value is present and
//! every normalisation is rubric or min-max.

use crate::matrix::MissingPolicy;
use crate::par::Par;
use crate::par::split;
use crate::par::split_columns;
use crate::unit::Unit;
use crate::unit::UnitId;

use super::admit::{Admitted, admit_all, impute};
use super::general::{Contributions, general_from, weighted_need};
use super::plan::{Column, DimensionPlan, IndicatorPlan, Pointwise, Range};
use super::round::{FULL, as_f64, round_pico};

/// Contributions when every unit can be admitted (the usual case), the units
/// read once, split over `par`'s threads, into value columns with each column's
/// range. Then, when every value is present and every normalisation pointwise
/// (rubric, min-max), a second split pass goes row by row: each dimension's need
/// becomes its contribution, written over its first indicator's column, with the
/// rows' sums. Otherwise the columns go the general way. `None` when some unit
/// cannot be admitted: the general way names it.
pub(super) fn fast_contributions(
    units: &[Unit],
    indicators: &[IndicatorPlan<'_>],
    dimensions: &[DimensionPlan],
    par: Par,
) -> Option<Contributions> {
    let rows = units.len();
    let bounds = par.bounds(rows);
    let (mut columns, ids, ranges, missing) = read_columns(units, indicators, par, &bounds)?;
    let normalised: Option<Vec<Pointwise>> = indicators
        .iter()
        .zip(&ranges)
        .map(|(plan, &range)| Column::pointwise(plan, range))
        .collect();
    // A dimension's indicators combine as in the general way; all parts zero
    // would leave it without a need, which is for the general way too.
    let all_parts = |dim: &DimensionPlan| {
        let members = indicators.get(dim.first..dim.end).unwrap_or_default();
        members.iter().map(|p| p.parts).fold(0.0, |a, p| a + p)
    };
    let needless = dimensions
        .iter()
        .any(|dim| dim.end > dim.first + 1 && all_parts(dim) <= 0.0);
    let (Some(normalised), false, false) = (normalised, missing, needless) else {
        let mut admitted = Admitted {
            ids,
            raw: columns
                .into_iter()
                .map(|column| column.into_iter().map(f64::from_bits).collect())
                .collect(),
            ranges,
            flags: vec![0; rows],
            diagnostics: Vec::new(),
        };
        impute(&mut admitted, indicators);
        return Some(general_from(admitted, indicators, dimensions));
    };
    let weighted: Vec<(&DimensionPlan, f64)> = dimensions
        .iter()
        .map(|dim| (dim, as_f64(dim.weight)))
        .collect();
    // Pass 2: each dimension's need becomes its contribution, written over its
    // first indicator's value; the row's sum is taken.
    let mut sums = vec![0u64; rows];
    let parts: Vec<_> = split_columns(&mut columns, &bounds)
        .into_iter()
        .zip(split(&mut sums, &bounds))
        .collect();
    par.run(parts, |(mut columns, sums)| {
        for (row, sum) in sums.iter_mut().enumerate() {
            let mut total = 0;
            for &(dim, weight) in &weighted {
                let need = |i: usize| {
                    let value = columns.get(i).and_then(|c| c.get(row)).copied();
                    normalised
                        .get(i)
                        .zip(value)
                        .map_or(0.0, |(p, bits)| p.need(f64::from_bits(bits)))
                };
                let need = if dim.end == dim.first + 1 {
                    need(dim.first)
                } else {
                    let members = indicators.get(dim.first..dim.end).unwrap_or_default();
                    weighted_need(
                        (dim.first..dim.end)
                            .zip(members)
                            .map(|(i, plan)| (plan.parts, need(i))),
                    )
                    .0
                };
                let c = round_pico(need * weight);
                if let Some(slot) = columns.get_mut(dim.first).and_then(|c| c.get_mut(row)) {
                    *slot = c;
                }
                total += c;
            }
            *sum = total.min(FULL);
        }
    });
    // Keep each dimension's column: its first indicator's.
    let mut columns: Vec<Option<Vec<u64>>> = columns.into_iter().map(Some).collect();
    let columns: Vec<Vec<u64>> = dimensions
        .iter()
        .filter_map(|dim| columns.get_mut(dim.first).and_then(Option::take))
        .collect();
    Some(Contributions {
        ids,
        flags: vec![0; rows],
        columns,
        sums: Some(sums),
        diagnostics: Vec::new(),
    })
}

/// Value columns (as bits, one per indicator; NaN where missing), every id, each
/// column's range, and whether any value is missing.
pub(super) type ReadColumns = (Vec<Vec<u64>>, Vec<UnitId>, Vec<Range>, bool);

/// The fast path's first pass: admit every unit (`None` when one cannot be: the
/// general way names it), keep its values as bits (so that the same memory can
/// hold contributions next) in one column per indicator, and each column's
/// range; and, as one more task beside the parts, every id, in one vector (so
/// there is none to concatenate).
pub(super) fn read_columns(
    units: &[Unit],
    indicators: &[IndicatorPlan<'_>],
    par: Par,
    bounds: &[usize],
) -> Option<ReadColumns> {
    let rows = units.len();
    let mut columns: Vec<Vec<u64>> = indicators.iter().map(|_| vec![0u64; rows]).collect();
    let tasks: Vec<Task<'_>> = split_columns(&mut columns, bounds)
        .into_iter()
        .zip(bounds.windows(2))
        .map(|(columns, window)| Task::Values(columns, window))
        .chain([Task::Ids])
        .collect();
    let done = par.run(tasks, |task| match task {
        Task::Ids => Done::Ids(units.iter().map(|unit| unit.id.clone()).collect()),
        Task::Values(mut columns, window) => Done::Ranges((|| {
            let &[from, to] = window else {
                return None;
            };
            let mut ranges = vec![Range::EMPTY; indicators.len()];
            let mut missing = false;
            for (row, unit) in units.get(from..to)?.iter().enumerate() {
                if unit.values.len() != indicators.len() {
                    return None;
                }
                for (((value, range), column), plan) in unit
                    .values
                    .iter()
                    .zip(&mut ranges)
                    .zip(columns.iter_mut())
                    .zip(indicators)
                {
                    let v = match *value {
                        Some(v) if v.is_finite() => v,
                        None if plan.policy != MissingPolicy::Reject => {
                            missing = true;
                            f64::NAN
                        }
                        _ => return None,
                    };
                    range.add(v);
                    *column.get_mut(row)? = v.to_bits();
                }
            }
            Some((ranges, missing))
        })()),
    });
    let mut ranges = vec![Range::EMPTY; indicators.len()];
    let mut ids: Vec<UnitId> = Vec::new();
    let mut missing = false;
    for part in done {
        match part {
            Done::Ranges(part) => {
                let (part, part_missing) = part?;
                for (range, other) in ranges.iter_mut().zip(part) {
                    range.merge(other);
                }
                missing |= part_missing;
            }
            Done::Ids(all) => ids = all,
        }
    }
    Some((columns, ids, ranges, missing))
}

/// A task of the fast path's first pass: one part's values, or every id.
pub(super) enum Task<'a> {
    Values(Vec<&'a mut [u64]>, &'a [usize]),
    Ids,
}

/// What a [`Task`] gives: the part's column ranges and whether a value is missing
/// (`None` when a unit cannot be admitted), or every id.
pub(super) enum Done {
    Ranges(Option<(Vec<Range>, bool)>),
    Ids(Vec<UnitId>),
}

/// Contributions for any cohort: admit the units as indicator columns (imputing
/// where a dimension's policy says so), then combine them.
pub(super) fn admitted_contributions(
    units: &[Unit],
    indicators: &[IndicatorPlan<'_>],
    dimensions: &[DimensionPlan],
) -> Contributions {
    let mut admitted = admit_all(units, indicators);
    impute(&mut admitted, indicators);
    general_from(admitted, indicators, dimensions)
}
