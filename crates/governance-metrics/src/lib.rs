//! Fairness and participation indicators (效果评估) with exact inputs, and the early
//! warnings (风险预警) they feed.
//!
//! ```
//! use governance_metrics::gini;
//! use rust_decimal::Decimal;
//!
//! let amounts: Vec<Decimal> = [10, 10, 10, 20, 50].into_iter().map(Decimal::from).collect();
//! assert_eq!(gini(&amounts)?.to_string(), "0.36");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! - Inequality ([`inequality`], [`gini`], [`theil`], [`atkinson`],
//!   [`lorenz_curve`]): Gini (population and sample forms), Theil T with its
//!   between/within decomposition by group, the mean log deviation, Atkinson,
//!   Hoover, the coefficient of variation, the Palma ratio.
//! - Elite capture (精英俘获, [`elite_capture`]): each group's share of resources
//!   against its share of need and of population, flagged outside bounds.
//! - Targeting ([`mismatch_rate`], [`targeting`]): the share of an allocation that
//!   would have to move to follow need; exclusion and inclusion errors.
//! - The article's indicators, each with its target and a verdict
//!   ([`participation_rate`], [`proposals_per_100_households`], [`leader_growth`],
//!   [`mismatch`], [`complaint_rate`], [`satisfaction_difference`],
//!   [`utilisation`], [`resolution_cycle`], [`cost_benefit`]), and early warnings
//!   ([`early_warnings`]).
//!
//! # Rules this crate encodes
//!
//! - Inputs are exact decimals (amounts in yuan, counts of people), never floats.
//!   Rational measures (Gini, Hoover, Palma, the Lorenz curve, the mismatch rate,
//!   shares) are exact, rounded once to the 28 significant digits of a
//!   [`rust_decimal::Decimal`]. Measures that need logarithms or roots are computed
//!   in double precision with compensated sums and the crate's own deterministic
//!   `ln` and `exp`, and reported to 12 decimals (accurate to about 10⁻¹³, and the
//!   same on every machine).
//! - Zeros are data: a group that received nothing is counted, never dropped; where
//!   a measure is infinite with a zero (the mean log deviation), it is reported as
//!   undefined.
//! - The Gini coefficient is the population form, `Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² μ)`; the
//!   coefficient of variation is the population form (σ over n); the satisfaction
//!   difference coefficient is the population CV of the groups' satisfaction rates.
//! - Targets from the article: participation above 60%, proposals above 5 per 100
//!   households a year, resident leaders growing above 10% a year, mismatch below 10%,
//!   satisfaction difference below 0.3, utilisation above 85%, benefit above 3 per
//!   unit of cost. Warnings: participation falling 3 times in a row; satisfaction
//!   below 85% starts an improvement cycle (PDCA); complaints about unfair
//!   allocation above a threshold.

mod capture;
mod detmath;
mod error;
mod exact;
mod indicators;
mod inequality;
mod warnings;

pub use capture::{
    CaptureBounds, CaptureFlag, GroupCapture, GroupRecord, Targeting, TargetingRecord,
    elite_capture, mismatch_rate, targeting,
};
pub use error::{Error, Result};
pub use indicators::{
    Comparison, Indicator, Target, Verdict, complaint_rate, cost_benefit, leader_growth, mismatch,
    participation_rate, proposals_per_100_households, resolution_cycle, satisfaction_difference,
    utilisation,
};
pub use inequality::{Inequality, atkinson, gini, inequality, lorenz_curve, theil};
pub use warnings::{EarlyWarning, PeriodRecord, WarningRules, early_warnings};
