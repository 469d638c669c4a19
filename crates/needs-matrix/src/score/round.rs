//! Rounding to 10⁻¹² of a point, and TOPSIS.

/// Scores and contributions are integers in units of 10⁻¹² of a point.
pub(super) const PICO: u64 = 1_000_000_000_000;

/// 100 points.
pub(super) const FULL: u64 = 100 * PICO;

#[allow(
    clippy::cast_precision_loss,
    reason = "pico-point values are below 2^53, exact in f64"
)]
pub(super) fn as_f64(pico: u64) -> f64 {
    pico as f64
}

/// `x` rounded to the nearest integer, ties to even, for `x` in `[0, 10¹⁴]`; NaN
/// gives 0.
///
/// Adding and subtracting 2⁵² leaves no fraction bits, so IEEE 754's
/// round-to-nearest-even does the rounding, exactly and on every machine (no call
/// into the platform's `rint`).
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the value is in [0, 10^14]"
)]
pub(super) fn round_pico(x: f64) -> u64 {
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    let x = if x.is_nan() {
        0.0
    } else {
        x.clamp(0.0, as_f64(FULL))
    };
    // Through i64: the value is far below 2^63, and the signed conversion is one
    // instruction where the unsigned one is not.
    ((x + TWO_52) - TWO_52) as i64 as u64
}

/// TOPSIS closeness, on 0–100 in 10⁻¹² points, over the weighted needs (stored
/// column by column).
pub(super) fn topsis(columns: &[Vec<u64>], rows: usize) -> Vec<u64> {
    let ideal: Vec<(f64, f64)> = columns
        .iter()
        .map(|c| {
            let best = c.iter().copied().max().unwrap_or(0);
            let worst = c.iter().copied().min().unwrap_or(0);
            (as_f64(best), as_f64(worst))
        })
        .collect();
    (0..rows)
        .map(|row| {
            let (mut to_best, mut to_worst) = (0.0, 0.0);
            for (column, &(best, worst)) in columns.iter().zip(&ideal) {
                let c = as_f64(column.get(row).copied().unwrap_or(0));
                to_best += (c - best) * (c - best);
                to_worst += (c - worst) * (c - worst);
            }
            let (plus, minus) = (to_best.sqrt(), to_worst.sqrt());
            if plus + minus > 0.0 {
                round_pico(as_f64(FULL) * minus / (plus + minus))
            } else {
                0
            }
        })
        .collect()
}
