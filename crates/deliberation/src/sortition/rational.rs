//! Exact lottery weights from a floating-point lottery.
//!
//! The council lottery is found by a floating-point solver. Its chances are
//! fractions with small denominators (2/3, 7/15), seen through round-off
//! (0.6666666667). This module snaps each type's chance to the simplest fraction
//! within 10⁻⁸ of it and solves for weights over the same councils that give
//! exactly those chances: modulo the prime 2⁶¹ − 1, each weight read back as a
//! small fraction, the answer checked in exact rationals (and, for systems up to
//! 64 × 64 where that fails, exact elimination in fractions). When no such weights
//! are found (the snapped chances are not reachable with non-negative weights
//! over these councils, as on larger pools where the solver's primal leaves slack,
//! or the numbers overflow 128 bits), the caller falls back to rounding the floats.

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
    // Solve modulo a prime and read each weight back as a fraction, then check
    // that exactly: O(n³) machine-word steps. Only when that fails, and the
    // system is small, eliminate in exact fractions (O(n³) gcds).
    let solution = match solve_modular(&rows, support.len()).filter(|k| satisfies(&rows, k)) {
        Some(k) => k,
        None if rows.len() * support.len() <= EXACT_ELIMINATION_CELLS => {
            solve(rows, support.len())?
        }
        None => return None,
    };
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

/// The largest system (rows × unknowns) eliminated in exact fractions when the
/// modular solve does not give the answer: past it, the caller rounds.
const EXACT_ELIMINATION_CELLS: usize = 64 * 64;

/// The Mersenne prime 2⁶¹ − 1.
const PRIME: u64 = (1 << 61) - 1;

fn mul_mod(a: u64, b: u64) -> u64 {
    u64::try_from(u128::from(a) * u128::from(b) % u128::from(PRIME)).unwrap_or(0)
}

fn inverse_mod(a: u64) -> u64 {
    // Fermat: a^(p−2).
    let (mut result, mut base, mut exp) = (1u64, a % PRIME, PRIME - 2);
    while exp > 0 {
        if exp & 1 == 1 {
            result = mul_mod(result, base);
        }
        base = mul_mod(base, base);
        exp >>= 1;
    }
    result
}

/// `f` modulo [`PRIME`], if its denominator is invertible there.
fn to_mod(f: Frac) -> Option<u64> {
    let p = i128::from(PRIME);
    let n = u64::try_from(f.n.rem_euclid(p)).ok()?;
    let d = u64::try_from(f.d.rem_euclid(p)).ok()?;
    (d != 0).then(|| mul_mod(n, inverse_mod(d)))
}

/// The fraction `r/s` with `|r|, s < 2³⁰` congruent to `a` modulo [`PRIME`]
/// (Wang's rational reconstruction), if there is one.
fn reconstruct(a: u64) -> Option<Frac> {
    let bound: i128 = 1 << 30;
    let (mut r0, mut r1) = (i128::from(PRIME), i128::from(a));
    let (mut s0, mut s1) = (0i128, 1i128);
    while r1 >= bound {
        let q = r0 / r1;
        (r0, r1) = (r1, r0 - q * r1);
        (s0, s1) = (s1, s0 - q * s1);
    }
    (s1 != 0 && s1.abs() < bound)
        .then(|| Frac::new(r1, s1))
        .flatten()
}

/// [`solve`] modulo [`PRIME`] (same pivot order), each value read back as a
/// small fraction; `None` if the rows are inconsistent there or a value has no
/// small fraction. The caller checks the answer exactly.
fn solve_modular(rows: &[(Vec<Frac>, Frac)], unknowns: usize) -> Option<Vec<Frac>> {
    let mut m: Vec<(Vec<u64>, u64)> = rows
        .iter()
        .map(|(c, r)| {
            Some((
                c.iter().map(|&v| to_mod(v)).collect::<Option<Vec<_>>>()?,
                to_mod(*r)?,
            ))
        })
        .collect::<Option<_>>()?;
    let mut pivots: Vec<(usize, usize)> = Vec::new();
    let mut next = 0;
    for col in 0..unknowns {
        let Some(found) = (next..m.len()).find(|&r| {
            m.get(r)
                .and_then(|(c, _)| c.get(col))
                .is_some_and(|&v| v != 0)
        }) else {
            continue;
        };
        m.swap(next, found);
        let (pivot_row, pivot_rhs) = m.get(next)?.clone();
        let inverse = inverse_mod(*pivot_row.get(col)?);
        for (r, (coefficients, rhs)) in m.iter_mut().enumerate() {
            let here = *coefficients.get(col)?;
            if r == next || here == 0 {
                continue;
            }
            let factor = mul_mod(here, inverse);
            for (value, &p) in coefficients.iter_mut().zip(&pivot_row) {
                if p != 0 {
                    *value = (*value + PRIME - mul_mod(factor, p)) % PRIME;
                }
            }
            *rhs = (*rhs + PRIME - mul_mod(factor, pivot_rhs)) % PRIME;
        }
        pivots.push((next, col));
        next += 1;
    }
    if m.iter().skip(next).any(|&(_, rhs)| rhs != 0) {
        return None;
    }
    let mut solution = vec![Frac::ZERO; unknowns];
    for (r, col) in pivots {
        let (coefficients, rhs) = m.get(r)?;
        let value = mul_mod(*rhs, inverse_mod(*coefficients.get(col)?));
        *solution.get_mut(col)? = reconstruct(value)?;
    }
    Some(solution)
}

/// Whether `k` is non-negative and meets every row exactly.
fn satisfies(rows: &[(Vec<Frac>, Frac)], k: &[Frac]) -> bool {
    k.iter().all(|v| v.cmp_zero() != Ordering::Less)
        && rows.iter().all(|(coefficients, rhs)| {
            coefficients
                .iter()
                .zip(k)
                .filter(|(c, _)| !c.is_zero())
                .try_fold(Frac::ZERO, |sum, (c, v)| sum.add(c.mul(*v)?))
                .is_some_and(|sum| sum == *rhs)
        })
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
            // The matrix is sparse (a council seats few types): zeros are
            // skipped before any fraction arithmetic.
            let here = *coefficients.get(col)?;
            if here.is_zero() {
                continue;
            }
            let factor = here.div(pivot)?;
            for (value, &p) in coefficients.iter_mut().zip(&pivot_row) {
                if !p.is_zero() {
                    *value = value.sub(factor.mul(p)?)?;
                }
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

    #[test]
    fn small_fractions_come_back_from_their_residues() {
        for (n, d) in [(2, 3), (0, 1), (1, 1), (7, 15), (123_456, 789_011), (-5, 9)] {
            let f = Frac::new(n, d).unwrap();
            assert_eq!(reconstruct(to_mod(f).unwrap()), Some(f), "{n}/{d}");
        }
        // Past 2³⁰ the residue reads back as some other small fraction (2⁻⁴⁰ is
        // 2²¹ modulo 2⁶¹ − 1), which is why every answer is checked exactly.
        let big = Frac::new(1, 1 << 40).unwrap();
        let read = reconstruct(to_mod(big).unwrap());
        assert_ne!(read, Some(big));
        let row = vec![(vec![Frac::ONE], big)];
        assert!(!satisfies(&row, &[read.unwrap()]));
    }

    proptest::proptest! {
        /// A lottery of exact weights over random councils, seen through float
        /// round-off, comes back exactly — by the modular solve, checked — and the
        /// modular and the fraction elimination agree where both run.
        #[test]
        fn round_off_lotteries_come_back_exact(
            panels in proptest::collection::vec(proptest::collection::vec(0u32..3, 5), 2..7),
            parts in proptest::collection::vec(1i128..20, 6),
            noise in proptest::collection::vec(-1e-12f64..1e-12, 6),
        ) {
            let caps = [3u32; 5];
            let n = panels.len();
            let sum: i128 = parts.iter().take(n).sum();
            #[allow(clippy::cast_precision_loss, reason = "small test numbers")]
            let weights: Vec<f64> = parts.iter().take(n).zip(&noise).map(|(&p, e)| p as f64 / sum as f64 + e).collect();
            if let Some((numerators, denominator)) = exact_weights(&panels, &weights, &caps) {
                // Whatever weights come back give exactly the chances the
                // intended ones do.
                for t in 0..5 {
                    let exact = |k: &dyn Fn(usize) -> Frac| panels.iter().enumerate().fold(Frac::ZERO, |acc, (p, panel)| acc.add(k(p).mul(Frac::int(i128::from(panel[t]))).unwrap()).unwrap());
                    let intended = exact(&|p| Frac::new(parts[p], sum).unwrap());
                    let got = exact(&|p| Frac::new(i128::from(numerators[p]), i128::from(denominator)).unwrap());
                    proptest::prop_assert_eq!(got, intended, "type {}", t);
                }
            }
            let rows: Vec<(Vec<Frac>, Frac)> = (0..5)
                .map(|t| (panels.iter().map(|p| Frac::int(i128::from(p[t]))).collect(), Frac::new(parts[t] % 7, 3).unwrap()))
                .collect();
            // Small systems have small fractions: where exact elimination finds
            // a solution, the modular solve finds the same one, unchecked.
            if let Some(exact) = solve(rows.clone(), n) {
                proptest::prop_assert_eq!(solve_modular(&rows, n), Some(exact));
            }
        }
    }
}
