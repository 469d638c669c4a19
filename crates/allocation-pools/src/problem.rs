//! The problem every division method solves, and the words it answers in: the
//! [`ApportionMethod`], the validated [`Problem`] (integer weights, floors and caps) and the
//! [`Reason`] for each part. A leaf: `apportion` validates and dispatches, the
//! methods (`largest_remainder`, `divisor`, `waterfill`) depend on this, and
//! nothing here depends on them.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// How fractional shares are rounded to whole units.
///
/// All five are exact (integer arithmetic only) and break ties in favour of the
/// demand that comes first in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ApportionMethod {
    /// Largest remainder (Hamilton, Hare–Niemeyer): every demand gets its quota
    /// rounded down, and the units left over go to the largest remainders. Each part
    /// is within one unit of its exact share. The default.
    #[default]
    Hamilton,
    /// D'Hondt (Jefferson): divisors 1, 2, 3, …; favours larger demands.
    #[serde(rename = "dhondt")]
    DHondt,
    /// Sainte-Laguë (Webster): divisors 1, 3, 5, … (rounding to nearest); neutral
    /// between large and small demands.
    SainteLague,
    /// Huntington–Hill (equal proportions): divisors √(s(s+1)); the US House's method.
    HuntingtonHill,
    /// Adams (smallest divisors): divisors 0, 1, 2, …; every demand with a positive
    /// weight gets a unit before any gets a second; favours smaller demands.
    Adams,
}

impl ApportionMethod {
    /// Every method, in documentation order.
    pub const ALL: [Self; 5] = [
        Self::Hamilton,
        Self::DHondt,
        Self::SainteLague,
        Self::HuntingtonHill,
        Self::Adams,
    ];

    /// The method's name as written on the wire and on the command line.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Hamilton => "hamilton",
            Self::DHondt => "dhondt",
            Self::SainteLague => "sainte-lague",
            Self::HuntingtonHill => "huntington-hill",
            Self::Adams => "adams",
        }
    }
}

impl fmt::Display for ApportionMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ApportionMethod {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| Error::UnknownMethod { name: s.to_owned() })
    }
}

/// Why a part is what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Reason {
    /// Its proportional share, rounded by the method.
    Proportional,
    /// Its proportional share rounded down, plus one of the units left over
    /// (largest remainder only).
    Remainder,
    /// Held up at its floor: its proportional share was smaller.
    Floored,
    /// Held down at its cap: its proportional share was larger.
    Capped,
    /// Weight zero and no floor: it gets nothing.
    ZeroWeight,
    /// A fixed amount set by rule, not a share (a fixed quota).
    Fixed,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Proportional => "proportional share",
            Self::Remainder => "proportional share plus a remainder unit",
            Self::Floored => "held up at its floor",
            Self::Capped => "held down at its cap",
            Self::ZeroWeight => "weight zero",
            Self::Fixed => "a fixed quota",
        })
    }
}

/// A validated problem: integer weights and, when any demand has one, floors and
/// caps.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Problem<'a> {
    pub(crate) total: u64,
    pub(crate) weights: &'a [u64],
    pub(crate) bounds: Option<Bounds<'a>>,
}

/// Floors and caps, one of each per demand (`u64::MAX` where no cap was given).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds<'a> {
    pub(crate) floors: &'a [u64],
    pub(crate) caps: &'a [u64],
    /// Whether a cap was given (only a given cap makes a demand `Capped`).
    pub(crate) has_cap: &'a [bool],
}

impl Problem<'_> {
    pub(crate) fn floor(&self, i: usize) -> u64 {
        self.bounds
            .and_then(|b| b.floors.get(i).copied())
            .unwrap_or(0)
    }

    /// The effective cap: a demand of weight zero never rises above its floor.
    pub(crate) fn cap(&self, i: usize) -> u64 {
        if self.weights.get(i).is_none_or(|&w| w == 0) {
            return self.floor(i);
        }
        self.bounds
            .and_then(|b| b.caps.get(i).copied())
            .unwrap_or(u64::MAX)
    }

    pub(crate) fn has_cap(&self, i: usize) -> bool {
        self.bounds
            .and_then(|b| b.has_cap.get(i).copied())
            .unwrap_or(false)
    }
}
