//! An exact probability `p/q`, how it prints, compares and reads.

use crate::Result;
use core::fmt;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::Serialize;

/// An exact probability `numerator / denominator`, in lowest terms.
///
/// Serialized as the string `"3/8"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Probability {
    pub(super) numerator: u64,
    pub(super) denominator: u64,
}

impl Probability {
    /// Zero.
    pub const ZERO: Self = Self {
        numerator: 0,
        denominator: 1,
    };

    /// `numerator / denominator` in lowest terms; `None` unless `0 ≤ p ≤ 1`.
    pub fn new(numerator: u64, denominator: u64) -> Option<Self> {
        if denominator == 0 || numerator > denominator {
            return None;
        }
        let g = gcd(numerator, denominator);
        Some(Self {
            numerator: numerator / g,
            denominator: denominator / g,
        })
    }

    /// The numerator, in lowest terms.
    pub const fn numerator(self) -> u64 {
        self.numerator
    }

    /// The denominator, in lowest terms.
    pub const fn denominator(self) -> u64 {
        self.denominator
    }

    /// The probability rounded half away from zero to `places` decimal places
    /// (at most 18).
    pub fn to_decimal(self, places: u32) -> Decimal {
        let places = places.min(18);
        let scaled = u128::from(self.numerator) * 10u128.pow(places);
        let den = u128::from(self.denominator);
        let rounded = (scaled + den / 2) / den;
        Decimal::from_i128_with_scale(i128::try_from(rounded).unwrap_or(0), places)
    }
}

pub(super) fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

pub(super) fn gcd128(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

impl PartialOrd for Probability {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Probability {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        let left = u128::from(self.numerator) * u128::from(other.denominator);
        let right = u128::from(other.numerator) * u128::from(self.denominator);
        left.cmp(&right)
    }
}

impl fmt::Display for Probability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.numerator, self.denominator)
    }
}

impl Serialize for Probability {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Probability {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.split_once('/')
            .and_then(|(n, d)| Self::new(n.trim().parse().ok()?, d.trim().parse().ok()?))
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a probability p/q")))
    }
}
