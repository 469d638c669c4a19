//! Tiers: thresholds or quantile bands, turned into integer cut-offs once.

use crate::Error;
use crate::Result;
use rust_decimal::Decimal;

use super::options::Tiers;
use super::round::{FULL, PICO};

/// The pico-point value of a 0–100 decimal threshold, rounded up.
pub(super) fn threshold(points: Decimal) -> u64 {
    points
        .checked_mul(Decimal::from(PICO))
        .map(|p| p.ceil())
        .and_then(|p| u64::try_from(p.max(Decimal::ZERO)).ok())
        .unwrap_or(u64::MAX)
}

pub(super) fn validate_tiers(tiers: &Tiers) -> Result<Vec<String>> {
    let invalid = |reason: &str| Error::InvalidOption {
        reason: reason.to_owned(),
    };
    let names: Vec<String> = match tiers {
        Tiers::Thresholds { bands, rest } => {
            if bands
                .windows(2)
                .any(|w| matches!(w, [a, b] if a.at_least <= b.at_least))
            {
                return Err(invalid("threshold tiers must be in decreasing order"));
            }
            if bands
                .iter()
                .any(|b| b.at_least < Decimal::ZERO || b.at_least > Decimal::ONE_HUNDRED)
            {
                return Err(invalid("a tier threshold is outside 0..=100"));
            }
            bands
                .iter()
                .map(|b| b.name.clone())
                .chain([rest.clone()])
                .collect()
        }
        Tiers::Quantiles { bands, rest } => {
            if bands
                .windows(2)
                .any(|w| matches!(w, [a, b] if a.top >= b.top))
            {
                return Err(invalid("quantile tiers must be in increasing order"));
            }
            if bands
                .iter()
                .any(|b| b.top <= Decimal::ZERO || b.top > Decimal::ONE)
            {
                return Err(invalid("a tier quantile is outside (0, 1]"));
            }
            bands
                .iter()
                .map(|b| b.name.clone())
                .chain([rest.clone()])
                .collect()
        }
    };
    if names.len() > usize::from(u8::MAX) {
        return Err(invalid("at most 255 tiers"));
    }
    Ok(names)
}

/// Tier cut-offs: least scores for threshold bands, last ranks for quantiles.
pub(super) enum Cuts {
    Scores(Vec<u64>),
    Ranks(Vec<u32>),
}

impl Cuts {
    pub(super) fn new(tiers: &Tiers, rows: usize) -> Self {
        match tiers {
            Tiers::Thresholds { bands, .. } => {
                Cuts::Scores(bands.iter().map(|b| threshold(b.at_least)).collect())
            }
            Tiers::Quantiles { bands, .. } => {
                let n = Decimal::from(rows);
                Cuts::Ranks(
                    bands
                        .iter()
                        .map(|b| {
                            b.top
                                .checked_mul(n)
                                .and_then(|c| u32::try_from(c.ceil()).ok())
                                .unwrap_or(u32::MAX)
                        })
                        .collect(),
                )
            }
        }
    }

    /// The tier (an index into the tier names) of a row's score and rank: the
    /// first band the row reaches, that is how many bands it misses (bands are
    /// in order), counted without a branch.
    pub(super) fn tier(&self, score: u64, rank: u32) -> u8 {
        let missed: u8 = match self {
            Cuts::Scores(cuts) => cuts.iter().map(|&c| u8::from(score < c)).sum(),
            Cuts::Ranks(cuts) => cuts.iter().map(|&c| u8::from(rank > c)).sum(),
        };
        missed
    }
}

/// The least score in `0..=100` points (in 10⁻¹² points) that `test` holds for,
/// for a `test` that holds from some score on; past 100 points when it never does.
/// A float test becomes an integer comparison that decides every score alike.
pub(super) fn first_where(test: impl Fn(u64) -> bool) -> u64 {
    let (mut lo, mut hi) = (0, FULL + 1);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if test(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}
