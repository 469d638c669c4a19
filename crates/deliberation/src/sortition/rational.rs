//! Exact lottery weights from a floating-point lottery.
//!
//! The council lottery is found by a floating-point solver. Its chances are
//! fractions with small denominators (2/3, 7/15), seen through round-off
//! (0.6666666667). This module snaps each type's chance to the simplest fraction
//! within 10⁻⁸ of it and solves, in exact rationals, for weights over the same
//! councils that give exactly those chances. When that fails (the snapped chances
//! are not reachable with non-negative weights, or the numbers overflow 128 bits),
//! the caller falls back to rounding the floats.

use core::cmp::Ordering;

/// How far a snapped chance may lie from the solver's.
const SNAP: f64 = 1e-8;
/// The largest denominator a snapped chance may have.
const MAX_DENOMINATOR: i128 = 1 << 40;

/// An exact fraction `n / d`, `d > 0`, in lowest terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Frac {
    n: i128,
    d: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

impl Frac {
    const ZERO: Self = Self { n: 0, d: 1 };
    const ONE: Self = Self { n: 1, d: 1 };

    fn new(n: i128, d: i128) -> Option<Self> {
        if d == 0 {
            return None;
        }
        let g = gcd(n, d);
        let sign = if d < 0 { -1 } else { 1 };
        Some(Self {
            n: n.checked_div(g)?.checked_mul(sign)?,
            d: d.checked_div(g)?.checked_mul(sign)?,
        })
    }

    fn int(n: i128) -> Self {
        Self { n, d: 1 }
    }

    fn is_zero(self) -> bool {
        self.n == 0
    }

    fn add(self, o: Self) -> Option<Self> {
        let g = gcd(self.d, o.d);
        let left = self.n.checked_mul(o.d / g)?;
        let right = o.n.checked_mul(self.d / g)?;
        Self::new(left.checked_add(right)?, (self.d / g).checked_mul(o.d)?)
    }

    fn sub(self, o: Self) -> Option<Self> {
        self.add(Self {
            n: o.n.checked_neg()?,
            d: o.d,
        })
    }

    fn mul(self, o: Self) -> Option<Self> {
        let g1 = gcd(self.n, o.d);
        let g2 = gcd(o.n, self.d);
        Self::new(
            (self.n / g1).checked_mul(o.n / g2)?,
            (self.d / g2).checked_mul(o.d / g1)?,
        )
    }

    fn div(self, o: Self) -> Option<Self> {
        if o.is_zero() {
            return None;
        }
        self.mul(Self { n: o.d, d: o.n })
    }

    fn cmp_zero(self) -> Ordering {
        self.n.cmp(&0)
    }
}

/// The fraction with the smallest denominator in `[lo, hi]` (`0 ≤ lo ≤ hi`), by
/// continued fractions; `None` past [`MAX_DENOMINATOR`].
fn simplest(lo: f64, hi: f64, depth: u32) -> Option<(i128, i128)> {
    if !(lo.is_finite() && hi.is_finite()) || lo < 0.0 || hi < lo || depth > 64 {
        return None;
    }
    let floor = lo.floor();
    #[allow(clippy::float_cmp, reason = "exact: is lo a whole number?")]
    let whole_lo = floor == lo;
    if whole_lo || floor + 1.0 <= hi {
        #[allow(
            clippy::cast_possible_truncation,
            reason = "a chance times a seat count: small"
        )]
        return Some((lo.ceil() as i128, 1));
    }
    // lo and hi share the integer part `floor`: recurse on the reciprocals of
    // their fractional parts (which swaps their order).
    let (p, q) = simplest(1.0 / (hi - floor), 1.0 / (lo - floor), depth + 1)?;
    #[allow(clippy::cast_possible_truncation, reason = "floor of a chance: small")]
    let whole = floor as i128;
    let numerator = whole.checked_mul(p)?.checked_add(q)?;
    (p <= MAX_DENOMINATOR).then_some((numerator, p))
}

/// Snaps `x ≥ 0` to the simplest fraction within [`SNAP`].
fn snap(x: f64) -> Option<Frac> {
    let (n, d) = simplest((x - SNAP).max(0.0), x + SNAP, 0)?;
    Frac::new(n, d)
}

/// Exact weights over `panels` (one seat count per type each) that sum to 1 and
/// seat each type `t` exactly `c_t · p_t` times in expectation, where `p_t` is the
/// float lottery's chance for `t` snapped to a simple fraction. Returns the
/// weights as numerators over one common denominator, or `None` when no such
/// weights exist over the councils the float lottery uses (or 128 bits overflow).
pub(crate) fn exact_weights(
    panels: &[Vec<u32>],
    weights: &[f64],
    caps: &[u32],
) -> Option<(Vec<u64>, u64)> {
    let total: f64 = weights.iter().sum();
    if !(total > 0.0 && total.is_finite()) {
        return None;
    }
    // The councils the float lottery really uses, heaviest first.
    let mut support: Vec<usize> = (0..panels.len())
        .filter(|&p| weights.get(p).is_some_and(|&w| w / total > 1e-9))
        .collect();
    support.sort_by(|&a, &b| {
        let w = |p: usize| weights.get(p).copied().unwrap_or(0.0);
        w(b).total_cmp(&w(a)).then(a.cmp(&b))
    });
    // One row per type (expected seats) and one for the sum of the weights.
    let mut rows: Vec<(Vec<Frac>, Frac)> = Vec::with_capacity(caps.len() + 1);
    for (t, &cap) in caps.iter().enumerate() {
        let seated = |p: usize| {
            panels
                .get(p)
                .and_then(|panel| panel.get(t))
                .copied()
                .unwrap_or(0)
        };
        let expected: f64 = support
            .iter()
            .map(|&p| weights.get(p).copied().unwrap_or(0.0) / total * f64::from(seated(p)))
            .sum();
        let chance = if cap == 0 {
            Frac::ZERO
        } else {
            snap(expected / f64::from(cap))?
        };
        let coefficients = support
            .iter()
            .map(|&p| Frac::int(i128::from(seated(p))))
            .collect();
        rows.push((coefficients, chance.mul(Frac::int(i128::from(cap)))?));
    }
    rows.push((vec![Frac::ONE; support.len()], Frac::ONE));
    let solution = solve(rows, support.len())?;
    // A common denominator, then numerators.
    let mut denominator: i128 = 1;
    for k in &solution {
        denominator = denominator.checked_mul(k.d / gcd(denominator, k.d))?;
    }
    let mut numerators = vec![0u64; panels.len()];
    for (&p, k) in support.iter().zip(&solution) {
        let n = k.n.checked_mul(denominator / k.d)?;
        *numerators.get_mut(p)? = u64::try_from(n).ok()?;
    }
    let sum: u128 = numerators.iter().map(|&n| u128::from(n)).sum();
    let denominator = u64::try_from(denominator).ok()?;
    (sum == u128::from(denominator)).then_some((numerators, denominator))
}

/// A non-negative basic solution of `rows` (coefficients, right-hand side) in
/// `unknowns` unknowns, by exact Gaussian elimination; columns without a pivot
/// are 0. `None` if the rows are inconsistent or a value is negative.
fn solve(mut rows: Vec<(Vec<Frac>, Frac)>, unknowns: usize) -> Option<Vec<Frac>> {
    let mut pivots: Vec<(usize, usize)> = Vec::new(); // (row, column)
    let mut next = 0;
    for col in 0..unknowns {
        let Some(found) = (next..rows.len()).find(|&r| {
            rows.get(r)
                .and_then(|(c, _)| c.get(col))
                .is_some_and(|v| !v.is_zero())
        }) else {
            continue;
        };
        rows.swap(next, found);
        let (pivot_row, pivot_rhs) = rows.get(next)?.clone();
        let pivot = *pivot_row.get(col)?;
        for (r, (coefficients, rhs)) in rows.iter_mut().enumerate() {
            if r == next {
                continue;
            }
            let factor = coefficients.get(col)?.div(pivot)?;
            if factor.is_zero() {
                continue;
            }
            for (value, &p) in coefficients.iter_mut().zip(&pivot_row) {
                *value = value.sub(factor.mul(p)?)?;
            }
            *rhs = rhs.sub(factor.mul(pivot_rhs)?)?;
        }
        pivots.push((next, col));
        next += 1;
    }
    // Rows left without a pivot read 0 = rhs.
    if rows.iter().skip(next).any(|(_, rhs)| !rhs.is_zero()) {
        return None;
    }
    let mut solution = vec![Frac::ZERO; unknowns];
    for (r, col) in pivots {
        let (coefficients, rhs) = rows.get(r)?;
        let value = rhs.div(*coefficients.get(col)?)?;
        if value.cmp_zero() == Ordering::Less {
            return None;
        }
        *solution.get_mut(col)? = value;
    }
    Some(solution)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_off_snaps_to_the_simple_fraction() {
        assert_eq!(snap(0.666_666_666_7), Frac::new(2, 3));
        assert_eq!(snap(0.333_333_333_2), Frac::new(1, 3));
        assert_eq!(snap(0.466_666_666_6), Frac::new(7, 15));
        assert_eq!(snap(1.0), Frac::new(1, 1));
        assert_eq!(snap(0.0), Frac::new(0, 1));
        assert_eq!(snap(0.5), Frac::new(1, 2));
    }

    #[test]
    fn the_exact_lottery_gives_the_snapped_chances() {
        // Three types of one volunteer each, two seats: councils {a,b}, {a,c},
        // {b,c} at a third each give everyone 2/3.
        let panels = vec![vec![1, 1, 0], vec![1, 0, 1], vec![0, 1, 1]];
        let weights = [0.333_333_333_4, 0.333_333_333_3, 0.333_333_333_3];
        let (numerators, denominator) = exact_weights(&panels, &weights, &[1, 1, 1]).unwrap();
        assert_eq!((numerators, denominator), (vec![1, 1, 1], 3));
        // Round-off in the weights themselves is gone too.
        let weights = [0.899_999_999_7, 0.100_000_000_3, 0.0];
        let (numerators, denominator) = exact_weights(&panels, &weights, &[1, 1, 2]).unwrap();
        assert_eq!((numerators, denominator), (vec![9, 1, 0], 10));
        // Chances that cannot all be met: a solver's lottery that is not one.
        let rows = vec![
            (vec![Frac::ONE, Frac::ONE], Frac::ONE),
            (vec![Frac::ONE, Frac::ONE], Frac::int(2)),
        ];
        assert_eq!(solve(rows, 2), None);
        let negative = vec![(vec![Frac::ONE], Frac::int(-1))];
        assert_eq!(solve(negative, 1), None);
    }
}
