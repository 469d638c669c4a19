//! Voters grouped by a value they share — a Phragmén load, an Equal Shares
//! budget per unit of weight, a Phragmén–Eneström budget per unit of weight.
//! Voters electing the same candidate end up alike, so a run has few classes
//! however many voters it has; each candidate keeps the weight of its
//! approvers in each class, and sums over approvers become sums over classes.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Zero;

type Q = BigRational;

/// The classes of a run's voters.
#[derive(Debug, Clone)]
pub(super) struct Classes {
    /// Each class's value.
    value: Vec<Q>,
    /// Each voter's class.
    of: Vec<usize>,
    /// `weight[c][j]`: the weight of candidate `c`'s approvers in class `j`.
    weight: Vec<Vec<u64>>,
}

impl Classes {
    /// Every voter in one class of `value` — or, with `values`, voters grouped
    /// by equal value.
    pub(super) fn new(
        ballots: &[(Vec<usize>, u64)],
        candidates: usize,
        value_of: &dyn Fn(usize) -> Q,
    ) -> Self {
        let mut classes = Self {
            value: Vec::new(),
            of: Vec::with_capacity(ballots.len()),
            weight: vec![Vec::new(); candidates],
        };
        for (v, (approve, w)) in ballots.iter().enumerate() {
            let value = value_of(v);
            let j = classes.find_or_add(value);
            classes.of.push(j);
            for &c in approve {
                classes.add_weight(c, j, *w);
            }
        }
        classes
    }

    fn find_or_add(&mut self, value: Q) -> usize {
        if let Some(j) = self.value.iter().position(|x| *x == value) {
            return j;
        }
        self.value.push(value);
        self.value.len() - 1
    }

    fn add_weight(&mut self, c: usize, j: usize, w: u64) {
        if let Some(row) = self.weight.get_mut(c) {
            if row.len() <= j {
                row.resize(j + 1, 0);
            }
            if let Some(x) = row.get_mut(j) {
                *x += w;
            }
        }
    }

    fn sub_weight(&mut self, c: usize, j: usize, w: u64) {
        if let Some(x) = self.weight.get_mut(c).and_then(|row| row.get_mut(j)) {
            *x -= w;
        }
    }

    /// `(value, weight)` of candidate `c`'s approvers, class by class.
    pub(super) fn of_candidate(&self, c: usize) -> impl Iterator<Item = (&Q, u64)> {
        self.weight
            .get(c)
            .into_iter()
            .flat_map(|row| row.iter().enumerate())
            .filter(|(_, w)| **w > 0)
            .filter_map(|(j, w)| self.value.get(j).map(|v| (v, *w)))
    }

    /// `Σ weight × value` over `c`'s approvers (values through `keep`).
    pub(super) fn weighted_sum(&self, c: usize, keep: &dyn Fn(&Q) -> bool) -> Q {
        self.of_candidate(c)
            .filter(|(v, _)| keep(v))
            .fold(Q::zero(), |acc, (v, w)| {
                acc + v * Q::from_integer(BigInt::from(w))
            })
    }

    /// `(Σ weight × value + 1) / w` over `c`'s approvers in floating point,
    /// and a bound on its error (generous: each term's relative error is at
    /// most 2⁻⁵², and a sum of `t` terms adds at most `t` such errors of the
    /// absolute terms' sum). An infinite bound when a value does not convert.
    pub(super) fn estimate(&self, c: usize, w: u64) -> (f64, f64) {
        use num_traits::ToPrimitive;
        let (mut sum, mut magnitude, mut terms) = (0.0f64, 0.0f64, 0u32);
        for (v, weight) in self.of_candidate(c) {
            let Some(x) = v.to_f64().filter(|x| x.is_finite()) else {
                return (0.0, f64::INFINITY);
            };
            #[allow(clippy::cast_precision_loss, reason = "bounded by the error term")]
            let t = x * weight as f64;
            sum += t;
            magnitude += t.abs();
            terms += 1;
        }
        #[allow(clippy::cast_precision_loss, reason = "bounded by the error term")]
        let w = w as f64;
        let err = (magnitude + 1.0) * f64::from(terms + 4) * 4.0 * f64::EPSILON / w;
        ((sum + 1.0) / w, err)
    }

    /// Moves `c`'s approvers to new classes: a voter of value `x` gets
    /// `f(x)`; voters of equal new value share a class.
    pub(super) fn move_approvers(
        &mut self,
        approvers: &[usize],
        ballots: &[(Vec<usize>, u64)],
        f: &dyn Fn(&Q) -> Q,
    ) {
        let mut moved: Vec<(usize, usize)> = Vec::new();
        for &v in approvers {
            let Some(&old) = self.of.get(v) else {
                continue;
            };
            let new = if let Some(&(_, n)) = moved.iter().find(|(o, _)| *o == old) {
                n
            } else {
                let value = self.value.get(old).map_or_else(Q::zero, f);
                let n = self.find_or_add(value);
                moved.push((old, n));
                n
            };
            if new == old {
                continue;
            }
            if let Some((approve, w)) = ballots.get(v) {
                for &d in approve {
                    self.sub_weight(d, old, *w);
                    self.add_weight(d, new, *w);
                }
            }
            if let Some(slot) = self.of.get_mut(v) {
                *slot = new;
            }
        }
    }

    /// The same classes with each value mapped by `f` (which must keep
    /// distinct values distinct).
    pub(super) fn mapped(&self, f: &dyn Fn(&Q) -> Q) -> Self {
        Self {
            value: self.value.iter().map(f).collect(),
            of: self.of.clone(),
            weight: self.weight.clone(),
        }
    }
}
