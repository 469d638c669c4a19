//! A small exact linear-programming solver: the two-phase simplex method with
//! Bland's rule (which cannot cycle) over exact rationals, for the
//! priceability check. Dense: meant for a committee's few hundred variables.

use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

type Q = BigRational;

/// The answer to `maximise`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Lp {
    /// No `x ≥ 0` meets the constraints.
    Infeasible,
    /// The objective grows without bound.
    Unbounded,
    /// The greatest objective value.
    Optimal(Q),
}

/// Maximises `objective · x` subject to `rows` (`a · x = b`, each a row of
/// coefficients over the variables and its right-hand side) and `x ≥ 0`.
pub(super) fn maximise(rows: &[(Vec<Q>, Q)], objective: &[Q]) -> Lp {
    let n = objective.len();
    let m = rows.len();
    // Tableau: n original columns, m artificial ones, then the right-hand side.
    let width = n + m + 1;
    let mut t: Vec<Vec<Q>> = Vec::with_capacity(m);
    for (i, (a, b)) in rows.iter().enumerate() {
        let flip = b.is_negative();
        let mut row: Vec<Q> = vec![Q::zero(); width];
        for (j, x) in a.iter().enumerate().take(n) {
            if let Some(slot) = row.get_mut(j) {
                *slot = if flip { -x } else { x.clone() };
            }
        }
        if let Some(slot) = row.get_mut(n + i) {
            *slot = Q::one();
        }
        if let Some(slot) = row.get_mut(width - 1) {
            *slot = if flip { -b } else { b.clone() };
        }
        t.push(row);
    }
    let mut basis: Vec<usize> = (n..n + m).collect();
    // Phase 1: maximise −Σ artificials.
    let mut cost: Vec<Q> = vec![Q::zero(); width - 1];
    for slot in cost.iter_mut().skip(n) {
        *slot = -Q::one();
    }
    if !run(&mut t, &mut basis, &cost, width - 1) {
        return Lp::Unbounded; // cannot happen in phase 1; kept total
    }
    let phase1 = value(&t, &basis, &cost, width);
    if phase1.is_negative() {
        return Lp::Infeasible;
    }
    // Drive artificials out of the basis where possible, then forbid them.
    for r in 0..m {
        if basis.get(r).is_some_and(|&b| b >= n)
            && let Some(j) = (0..n).find(|&j| {
                t.get(r)
                    .and_then(|row| row.get(j))
                    .is_some_and(|x| !x.is_zero())
            })
        {
            pivot(&mut t, &mut basis, r, j);
        }
    }
    let mut cost: Vec<Q> = objective.to_vec();
    cost.resize(width - 1, Q::zero());
    // Artificial columns may no longer enter: phase 2 considers only `n`.
    if !run(&mut t, &mut basis, &cost, n) {
        return Lp::Unbounded;
    }
    Lp::Optimal(value(&t, &basis, &cost, width))
}

/// The objective's value at the basic solution.
fn value(t: &[Vec<Q>], basis: &[usize], cost: &[Q], width: usize) -> Q {
    basis.iter().zip(t).fold(Q::zero(), |acc, (&b, row)| {
        acc + cost.get(b).cloned().unwrap_or_else(Q::zero)
            * row.get(width - 1).cloned().unwrap_or_else(Q::zero)
    })
}

/// Simplex iterations with Bland's rule over the first `columns` columns;
/// false if the objective is unbounded.
fn run(t: &mut [Vec<Q>], basis: &mut [usize], cost: &[Q], columns: usize) -> bool {
    let width = t.first().map_or(0, Vec::len);
    loop {
        // Reduced cost of column j: c_j − Σ c_B · a_ij.
        let entering = (0..columns).find(|&j| {
            if basis.contains(&j) {
                return false;
            }
            let reduced = basis.iter().zip(t.iter()).fold(
                cost.get(j).cloned().unwrap_or_else(Q::zero),
                |acc, (&b, row)| {
                    acc - cost.get(b).cloned().unwrap_or_else(Q::zero)
                        * row.get(j).cloned().unwrap_or_else(Q::zero)
                },
            );
            reduced.is_positive()
        });
        let Some(j) = entering else {
            return true;
        };
        // Ratio test; ties to the smallest basic variable (Bland).
        let mut leave: Option<(usize, Q)> = None;
        for (r, row) in t.iter().enumerate() {
            let a = row.get(j).cloned().unwrap_or_else(Q::zero);
            if !a.is_positive() {
                continue;
            }
            let ratio = row.get(width - 1).cloned().unwrap_or_else(Q::zero) / a;
            let better = match &leave {
                None => true,
                Some((best_r, best)) => {
                    ratio < *best || (ratio == *best && basis.get(r) < basis.get(*best_r))
                }
            };
            if better {
                leave = Some((r, ratio));
            }
        }
        let Some((r, _)) = leave else {
            return false;
        };
        pivot(t, basis, r, j);
    }
}

fn pivot(t: &mut [Vec<Q>], basis: &mut [usize], r: usize, j: usize) {
    let Some(pivot_row) = t.get(r).cloned() else {
        return;
    };
    let p = pivot_row.get(j).cloned().unwrap_or_else(Q::one);
    if p.is_zero() {
        return;
    }
    let normalised: Vec<Q> = pivot_row.iter().map(|x| x / &p).collect();
    for (i, row) in t.iter_mut().enumerate() {
        if i == r {
            row.clone_from(&normalised);
            continue;
        }
        let factor = row.get(j).cloned().unwrap_or_else(Q::zero);
        if factor.is_zero() {
            continue;
        }
        for (x, y) in row.iter_mut().zip(&normalised) {
            *x -= &factor * y;
        }
    }
    if let Some(slot) = basis.get_mut(r) {
        *slot = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigInt;

    fn q(n: i64) -> Q {
        Q::from_integer(BigInt::from(n))
    }

    #[test]
    fn small_programs() {
        // max x + y, x + 2y + s = 4, 3x + y + t = 6: optimum at x = 8/5, y = 6/5.
        let rows = vec![
            (vec![q(1), q(2), q(1), q(0)], q(4)),
            (vec![q(3), q(1), q(0), q(1)], q(6)),
        ];
        assert_eq!(
            maximise(&rows, &[q(1), q(1), q(0), q(0)]),
            Lp::Optimal(Q::new(BigInt::from(14), BigInt::from(5)))
        );
        // x = −1 has no x ≥ 0.
        assert_eq!(maximise(&[(vec![q(1)], q(-1))], &[q(0)]), Lp::Infeasible);
        // max x with x − y = 0: unbounded.
        assert_eq!(
            maximise(&[(vec![q(1), q(-1)], q(0))], &[q(1), q(0)]),
            Lp::Unbounded
        );
    }
}
