//! Exact numbers for the Method of Equal Shares.
//!
//! Within a run, remaining budgets share one denominator `D`, so comparing and
//! combining them is integer arithmetic: no greatest common divisors on the hot
//! path.

use core::cmp::Ordering;

use num_bigint::BigInt;
use num_rational::BigRational;

/// An exact rational, for reports.
pub(super) type Q = BigRational;

/// `n` as an exact rational (the tests' reference Phragmén).
#[cfg(test)]
pub(super) fn int(n: u128) -> Q {
    Q::from_integer(big(n))
}

/// `n` as a big integer.
pub(super) fn big(n: u128) -> BigInt {
    BigInt::from(n)
}

/// `mantissa · 10^-scale` as a decimal. Amounts are scaled to the file's
/// finest unit, so a large whole amount can carry more digits than a decimal
/// holds (7e28 at two places): its trailing zeros are dropped first. Only an
/// amount beyond the decimal's range (about 7.9e28) is `Decimal::MAX`.
pub(super) fn decimal(mut mantissa: i128, mut scale: u32) -> rust_decimal::Decimal {
    loop {
        if let Ok(d) = rust_decimal::Decimal::try_from_i128_with_scale(mantissa, scale) {
            return d;
        }
        if scale == 0 || mantissa % 10 != 0 {
            return rust_decimal::Decimal::MAX;
        }
        mantissa /= 10;
        scale -= 1;
    }
}

/// A rational `num / den` (with `den > 0`), ordered by value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Key {
    pub(super) num: BigInt,
    pub(super) den: BigInt,
}

impl Key {
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
    fn cmp(&self, other: &Self) -> Ordering {
        (&self.num * &other.den).cmp(&(&other.num * &self.den))
    }
}
