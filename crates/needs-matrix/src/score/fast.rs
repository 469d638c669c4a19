//! The fast columnar path: units read once (split over threads) into value
//! columns, and contributions computed in place when every value is present and
//! every normalisation is rubric or min-max.

use crate::matrix::MissingPolicy;
use crate::par::Par;
use crate::par::split;
use crate::par::split_columns;
use crate::unit::Unit;
use crate::unit::UnitId;

use crate::Error;

use super::admit::{Admitted, admit_all, effective_weights, impute};
use super::general::{Contributions, general_from, weighted_need, without_rows};
use super::plan::{Column, DimensionPlan, IndicatorPlan, Pointwise, Range};
use super::result::{Diagnostic, Flags};
use super::round::{FULL, as_f64, round_pico};

/// Contributions when every unit can be admitted (the usual case), the units
/// read once, split over `par`'s threads, into value columns with each column's
/// range. Then, when every normalisation is pointwise (rubric, min-max) and no
/// missing value is to be imputed (nor, on one thread, missing at all), a
/// second split pass goes row by row: each
/// dimension's need becomes its contribution, written over its first
/// indicator's column, with the rows' sums (rows missing a whole dimension are
/// re-weighted, rows with no value dropped, as the general way does).
/// Otherwise the columns go the general way. `None` when some unit
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
    // A median to impute depends on the whole cohort: the general way. So do
    // missing values on one thread: its columns beat the row pass there (a
    // tenth of a millisecond on 10,000 households), the row pass wins once
    // split over threads.
    let general = missing
        && (!par.is_split()
            || indicators
                .iter()
                .any(|plan| plan.policy == MissingPolicy::ImputeMedian));
    let (Some(normalised), false, false) = (normalised, general, needless) else {
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
    let full: Vec<u64> = dimensions.iter().map(|dim| dim.weight).collect();
    let weighted: Vec<(&DimensionPlan, f64)> = dimensions
        .iter()
        .map(|dim| (dim, as_f64(dim.weight)))
        .collect();
    // Pass 2: each dimension's need becomes its contribution, written over its
    // first indicator's value; the row's sum is taken. A row missing every
    // value of some dimension is re-weighted over the dimensions it has, as the
    // general way does; a row with none is dropped (each part lists its own).
    let mut sums = vec![0u64; rows];
    let mut flags = vec![0u8; rows];
    let parts: Vec<_> = split_columns(&mut columns, &bounds)
        .into_iter()
        .zip(split(&mut sums, &bounds))
        .zip(split(&mut flags, &bounds))
        .zip(&bounds)
        .collect();
    let pass = RowPass {
        indicators,
        normalised: &normalised,
        weighted: &weighted,
        full: &full,
        by_column: !missing && dimensions.iter().all(|dim| dim.end == dim.first + 1),
    };
    let dropped_parts = par.run(parts, |(((mut columns, sums), flags), &from)| {
        pass.run(&mut columns, sums, flags, from)
    });
    // Keep each dimension's column: its first indicator's.
    let mut columns: Vec<Option<Vec<u64>>> = columns.into_iter().map(Some).collect();
    let columns: Vec<Vec<u64>> = dimensions
        .iter()
        .filter_map(|dim| columns.get_mut(dim.first).and_then(Option::take))
        .collect();
    let dropped: Vec<usize> = dropped_parts.into_iter().flatten().collect();
    Some(without_dropped(&dropped, ids, flags, columns, sums))
}

/// The fast path's second pass over one part of the rows: what it needs of the
/// plan.
struct RowPass<'a> {
    indicators: &'a [IndicatorPlan<'a>],
    normalised: &'a [Pointwise],
    weighted: &'a [(&'a DimensionPlan, f64)],
    full: &'a [u64],
    /// Every value present and every dimension of one indicator: each column
    /// becomes its contribution in one tight loop, and the sums follow.
    by_column: bool,
}

impl RowPass<'_> {
    /// Contributions over the first indicator's column of each dimension, the
    /// rows' sums and flags, for the rows from `from`; the rows with no
    /// dimension at all, to drop.
    fn run(
        &self,
        columns: &mut [&mut [u64]],
        sums: &mut [u64],
        flags: &mut [u8],
        from: usize,
    ) -> Vec<usize> {
        let Self {
            indicators,
            normalised,
            weighted,
            full,
            by_column,
        } = *self;
        if by_column {
            Self::by_column(columns, sums, normalised, weighted);
            return Vec::new();
        }
        let mut dropped = Vec::new();
        let mut needs = vec![0.0; weighted.len()];
        for (row, (sum, flag)) in sums.iter_mut().zip(flags.iter_mut()).enumerate() {
            let mut incomplete = false;
            for (&(dim, _), slot) in weighted.iter().zip(&mut needs) {
                let need = |i: usize| {
                    let value = columns.get(i).and_then(|c| c.get(row)).copied();
                    normalised
                        .get(i)
                        .zip(value)
                        .map_or(0.0, |(p, bits)| p.need(f64::from_bits(bits)))
                };
                *slot = if dim.end == dim.first + 1 {
                    need(dim.first)
                } else {
                    let members = indicators.get(dim.first..dim.end).unwrap_or_default();
                    let (need, some_missing) = weighted_need(
                        (dim.first..dim.end)
                            .zip(members)
                            .map(|(i, plan)| (plan.parts, need(i))),
                    );
                    if some_missing && !need.is_nan() {
                        *flag |= Flags::PARTIAL;
                    }
                    need
                };
                incomplete |= slot.is_nan();
            }
            let reweighted = if incomplete {
                let present: Vec<Option<f64>> =
                    needs.iter().map(|n| (!n.is_nan()).then_some(*n)).collect();
                let Some(weights) = effective_weights(full, &present) else {
                    dropped.push(from + row);
                    continue;
                };
                *flag |= Flags::PARTIAL;
                Some(weights)
            } else {
                None
            };
            let mut total = 0;
            for (k, (&(dim, weight), &need)) in weighted.iter().zip(&needs).enumerate() {
                let c = match &reweighted {
                    None => round_pico(need * weight),
                    Some(weights) if !need.is_nan() => {
                        weights.get(k).map_or(0, |&w| round_pico(need * as_f64(w)))
                    }
                    Some(_) => 0,
                };
                if let Some(slot) = columns.get_mut(dim.first).and_then(|c| c.get_mut(row)) {
                    *slot = c;
                }
                total += c;
            }
            *sum = total.min(FULL);
        }
        dropped
    }
}

impl RowPass<'_> {
    /// [`RowPass::run`] when every value is present and every dimension has one
    /// indicator: the same arithmetic, a column at a time (loops the compiler
    /// vectorises), then the rows' sums.
    fn by_column(
        columns: &mut [&mut [u64]],
        sums: &mut [u64],
        normalised: &[Pointwise],
        weighted: &[(&DimensionPlan, f64)],
    ) {
        sums.fill(0);
        for &(dim, weight) in weighted {
            let (Some(column), Some(pointwise)) =
                (columns.get_mut(dim.first), normalised.get(dim.first))
            else {
                continue;
            };
            match *pointwise {
                Pointwise::Linear { origin, scale } => {
                    for slot in column.iter_mut() {
                        let need = ((f64::from_bits(*slot) - origin) / scale).clamp(0.0, 1.0);
                        *slot = round_pico(need * weight);
                    }
                }
                ref other => {
                    for slot in column.iter_mut() {
                        *slot = round_pico(other.need(f64::from_bits(*slot)) * weight);
                    }
                }
            }
            for (sum, &c) in sums.iter_mut().zip(column.iter()) {
                *sum += c;
            }
        }
        for sum in sums {
            *sum = (*sum).min(FULL);
        }
    }
}

/// The contributions without the `dropped` rows (ascending), each named in a
/// diagnostic.
fn without_dropped(
    dropped: &[usize],
    ids: Vec<UnitId>,
    flags: Vec<u8>,
    columns: Vec<Vec<u64>>,
    sums: Vec<u64>,
) -> Contributions {
    if dropped.is_empty() {
        return Contributions {
            ids,
            flags,
            columns,
            sums: Some(sums),
            diagnostics: Vec::new(),
        };
    }
    let diagnostics = dropped
        .iter()
        .filter_map(|&row| ids.get(row))
        .map(|id| Diagnostic {
            unit: id.clone(),
            error: Error::NoValues {
                unit: id.to_string(),
            },
        })
        .collect();
    let (ids, flags, kept) = without_rows(
        dropped,
        ids,
        flags,
        [sums].into_iter().chain(columns).collect(),
    );
    let mut kept = kept.into_iter();
    let sums = kept.next();
    Contributions {
        ids,
        flags,
        columns: kept.collect(),
        sums,
        diagnostics,
    }
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
