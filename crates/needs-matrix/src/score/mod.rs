//! Scoring a cohort: normalise every indicator, combine them into dimension needs,
//! aggregate, rank, tier and flag — with every dimension's contribution kept.
//!
//! Normalised values are computed in `f64` with operations IEEE 754 rounds exactly
//! (and the crate's own logarithm), so a score is the same on every machine. Each
//! dimension's contribution is then rounded to 10⁻¹² of a point, and a weighted-sum
//! score is the exact sum of its contributions: what a resident is shown adds up.

use crate::matrix::Matrix;
use crate::par::{Par, split};
use crate::unit::Unit;
use crate::{Error, Result};

mod admit;
mod fast;
mod flags;
mod general;
mod options;
mod plan;
mod rank;
mod result;
mod round;
#[cfg(test)]
mod tests;
mod tiers;

use self::fast::{admitted_contributions, fast_contributions};
use self::flags::{Marks, Outliers, Silent};
use self::general::Contributions;
pub use self::options::*;
use self::plan::plan;
use self::rank::{rank_order, row_of};
pub use self::result::*;
use self::round::{FULL, as_f64, topsis};
use self::tiers::{Cuts, first_where, threshold, validate_tiers};

/// Scores every unit of a cohort.
///
/// Units that cannot be scored (a value count that does not match the matrix, a
/// value that is not a finite number, a missing value in a dimension that rejects
/// them, or no values at all) are left out with a [`Diagnostic`]; the others are
/// scored against each other (the cohort is what min-max and percentile
/// normalisations are relative to; rubrics are not).
///
/// ```
/// use guided_community_needs::{score, Matrix, ScoreOptions, Unit};
///
/// let matrix = Matrix::default();
/// // oldest age, lives alone at 80+, children under 3, chronic conditions,
/// // disability grade, income / local minimum, activities last year,
/// // social-worker assessment, special circumstances
/// let units = [
///     Unit::new("h1", vec![Some(84.0), Some(1.0), Some(0.0), Some(2.0), Some(0.0), Some(0.9), Some(0.0), Some(3.0), Some(1.0)]),
///     Unit::new("h2", vec![Some(66.0), Some(0.0), Some(0.0), Some(0.0), Some(0.0), Some(2.5), Some(14.0), Some(0.0), Some(0.0)]),
/// ];
/// let scores = score(&matrix, &units, &ScoreOptions::default())?;
/// let h1 = scores.get(0).ok_or("no score")?;
/// assert_eq!((h1.rank, h1.tier.as_str()), (1, "high"));
/// assert_eq!(h1.score.to_string(), "69"); // 15 + 7 + 20 + 15 + 12
/// assert_eq!(h1.contributions[2].to_string(), "20"); // income below the local minimum
/// assert!(h1.flags.silent_need); // high need, never takes part
/// assert_eq!(h1.contributions.iter().sum::<rust_decimal::Decimal>(), h1.score);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidOption`] for tiers that are not in order or out of range, and
/// for more than 4 294 967 295 units. Problems with single units are diagnostics,
/// not errors.
///
/// # Performance
///
/// A cohort of 131 072 units or more is scored on several threads (as many as
/// the machine runs at once, at most 8 and at most [`ScoreOptions::max_threads`],
/// each with at least 65 536 units). Every
/// row is computed on its own and per-thread results are combined exactly, so
/// the scores are the same whatever the number of threads. The common case —
/// rubric or min-max normalisation, missing values rejected or re-weighted
/// (not imputed) — reads each unit once; a million units with five min-max
/// dimensions take about 55 ms on two cores, a million of the sample's
/// households on the articles' matrix about 80 ms.
pub fn score(matrix: &Matrix, units: &[Unit], options: &ScoreOptions) -> Result<Scores> {
    score_with(
        matrix,
        units,
        options,
        Par::for_rows(units.len(), options.max_threads),
        Path::Fastest,
    )
}

/// How contributions are computed (tests compare the two).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Path {
    /// Straight from the units when every unit is admitted, every normalisation
    /// is pointwise and no missing value is imputed; else the general way.
    Fastest,
    /// Through indicator columns, whatever the cohort.
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "tests compare it with the fast path")
    )]
    General,
}

/// [`score`] with its row loops split into `par`'s parts.
fn score_with(
    matrix: &Matrix,
    units: &[Unit],
    options: &ScoreOptions,
    par: Par,
    path: Path,
) -> Result<Scores> {
    let tier_names = validate_tiers(&options.tiers)?;
    let (indicators, dimensions) = plan(matrix)?;
    // Rows are numbered in 32 bits while ranking.
    if u32::try_from(units.len()).is_err() {
        return Err(Error::InvalidOption {
            reason: "at most 4 294 967 295 units can be scored together".to_owned(),
        });
    }

    // 1.–3. Admit units (every problem with one unit is a diagnostic for that
    //       unit), normalise, and weigh: each dimension's contribution in 10⁻¹²
    //       points, one column per dimension.
    let fast = match path {
        Path::Fastest => fast_contributions(units, &indicators, &dimensions, par),
        Path::General => None,
    };
    let Contributions {
        ids,
        mut flags,
        columns: contributions,
        sums,
        diagnostics,
    } = match fast {
        Some(done) => done,
        None => admitted_contributions(units, &indicators, &dimensions),
    };
    let rows = ids.len();

    // 4. Aggregate.
    let scores: Vec<u64> = match (options.aggregation, sums) {
        (Aggregation::WeightedSum, Some(sums)) => sums,
        (Aggregation::WeightedSum, None) => {
            let mut sums = vec![0u64; rows];
            for column in &contributions {
                for (sum, &c) in sums.iter_mut().zip(column) {
                    *sum += c;
                }
            }
            for sum in &mut sums {
                *sum = (*sum).min(FULL);
            }
            sums
        }
        (Aggregation::Topsis, _) => topsis(&contributions, rows),
    };

    // 5. Rank, tier and flag.
    let order = rank_order(&scores, &ids, par);
    let mut ranks = vec![0u32; rows];
    for (position, &key) in order.iter().enumerate() {
        if let Some(r) = ranks.get_mut(row_of(key)) {
            *r = u32::try_from(position + 1).unwrap_or(u32::MAX);
        }
    }
    let bounds = par.bounds(rows);
    let silent = options.silent_need.as_ref().and_then(|rule| {
        let k = matrix
            .dimensions()
            .iter()
            .position(|dim| dim.id == rule.dimension)?;
        let min_need = f64::try_from(rule.min_dimension_need).unwrap_or(f64::INFINITY) / 100.0;
        let least = as_f64(dimensions.get(k).map_or(0, |d| d.weight)) * min_need;
        // A rule no contribution can meet (a zero weight or threshold) flags nobody.
        (least > 0.0).then_some(())?;
        Some(Silent {
            column: contributions.get(k)?,
            min_score: threshold(rule.min_score),
            min_contribution: first_where(|c| as_f64(c) >= least),
        })
    });
    let marks = Marks {
        cuts: Cuts::new(&options.tiers, rows),
        silent,
        outliers: options.outlier_z.and_then(|z| {
            Outliers::new(&scores, &order, f64::try_from(z).unwrap_or(f64::INFINITY))
        }),
    };
    let mut tiers = vec![0u8; rows];
    let parts: Vec<_> = split(&mut tiers, &bounds)
        .into_iter()
        .zip(split(&mut flags, &bounds))
        .zip(&bounds)
        .collect();
    par.run(parts, |((tiers, flags), &from)| {
        marks.mark(from, &scores, &ranks, tiers, flags);
    });
    Ok(Scores {
        dimensions: matrix
            .dimensions()
            .iter()
            .map(|dim| dim.id.clone())
            .collect(),
        tier_names,
        ids,
        totals: scores,
        ranks,
        tiers,
        flags,
        contributions,
        diagnostics,
    })
}
