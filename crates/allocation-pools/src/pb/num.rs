//! Exact numbers for the Method of Equal Shares, as functions of the per-voter
//! budget where `add1` needs them.
//!
//! Within a run, remaining budgets share one denominator `D`, so comparing and
//! combining them is integer arithmetic: no greatest common divisors on the hot
//! path. Each number also carries its slope in the per-voter budget `b` (zero for a
//! plain run). For a fixed sequence of decisions every quantity of the run is affine
//! in `b`; recording the slope of each deciding comparison tells how far `b` can
//! grow before any decision — and so the outcome — could change ([`Trace`]).

use core::cmp::Ordering;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};

/// An exact rational, for reports.
pub(super) type Q = BigRational;

/// `n` as an exact rational.
pub(super) fn int(n: u128) -> Q {
    Q::from_integer(big(n))
}

/// `n` as a big integer.
pub(super) fn big(n: u128) -> BigInt {
    BigInt::from(n)
}

/// A rational `num / den` (with `den > 0`) and its slope `snum / den` in `b`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Key {
    pub(super) num: BigInt,
    pub(super) snum: BigInt,
    pub(super) den: BigInt,
}

impl Key {
    /// `self − other` as a value and a slope over the (positive) common
    /// denominator `self.den · other.den`.
    pub(super) fn diff(&self, other: &Self) -> (BigInt, BigInt) {
        let value = &self.num * &other.den - &other.num * &self.den;
        let slope = if self.snum.is_zero() && other.snum.is_zero() {
            BigInt::zero()
        } else {
            &self.snum * &other.den - &other.snum * &self.den
        };
        (value, slope)
    }

    /// The value as an exact rational.
    pub(super) fn value(&self) -> Q {
        Q::new(self.num.clone(), self.den.clone())
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    /// By value at the current `b`.
    fn cmp(&self, other: &Self) -> Ordering {
        (&self.num * &other.den).cmp(&(&other.num * &self.den))
    }
}

/// How far the per-voter budget may grow before a recorded decision could change.
#[derive(Debug, Clone, Default)]
pub(super) struct Trace {
    /// Whether to record at all (plain MES does not need to).
    pub(super) parametric: bool,
    /// The smallest increase of `b` at which a recorded comparison changes sign,
    /// as `(p, q)` meaning `p / q` (both positive).
    pub(super) next: Option<(BigInt, BigInt)>,
    /// A comparison was a tie at this `b` only: no increase is safe.
    pub(super) stuck: bool,
    /// Like `next`, counting only the comparisons that order or drop candidates
    /// (not how payments split): a prediction of where the outcome may change.
    pub(super) next_order: Option<(BigInt, BigInt)>,
}

impl Trace {
    pub(super) fn new(parametric: bool) -> Self {
        Self {
            parametric,
            next: None,
            stuck: false,
            next_order: None,
        }
    }

    /// The increase of `b` at which a difference with value `v` and slope `s`
    /// (over any positive denominator) reaches zero, if it ever does going up.
    pub(super) fn crossing(v: &BigInt, s: &BigInt) -> Option<(BigInt, BigInt)> {
        if s.is_zero() || v.is_zero() || v.is_positive() == s.is_positive() {
            return None;
        }
        Some((v.abs(), s.abs()))
    }

    /// Whether an increase `(p, q)` comes before `than` (`None`: never).
    pub(super) fn before((p, q): &(BigInt, BigInt), than: Option<&(BigInt, BigInt)>) -> bool {
        than.is_none_or(|(np, nq)| p * nq < np * q)
    }

    /// Records a comparison whose difference has value `v` and slope `s`;
    /// `order` marks one that orders or drops candidates.
    pub(super) fn note(&mut self, v: &BigInt, s: &BigInt, order: bool) {
        if !self.parametric || s.is_zero() {
            return;
        }
        if v.is_zero() {
            self.stuck = true;
            return;
        }
        let Some(at) = Self::crossing(v, s) else {
            return;
        };
        if order && Self::before(&at, self.next_order.as_ref()) {
            self.next_order = Some(at.clone());
        }
        if Self::before(&at, self.next.as_ref()) {
            self.next = Some(at);
        }
    }
}
