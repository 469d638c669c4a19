//! Early warnings (风险预警): falling participation, low satisfaction, complaints
//! about unfair allocation.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One period's figures (a month, a quarter); any may be missing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PeriodRecord {
    /// The period's label, e.g. `2025-Q3`.
    pub period: String,
    /// Participation rate, 0–1.
    #[serde(default)]
    pub participation_rate: Option<Decimal>,
    /// Satisfaction, 0–1.
    #[serde(default)]
    pub satisfaction: Option<Decimal>,
    /// Complaints about unfair allocation.
    #[serde(default)]
    pub unfair_allocation_complaints: Option<u64>,
}

/// When to warn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WarningRules {
    /// Participation falling this many times in a row (3 by default).
    pub falling_runs: u32,
    /// Satisfaction below this starts an improvement cycle (0.85 by default).
    pub satisfaction_floor: Decimal,
    /// More complaints about unfair allocation than this in a period (5 by default).
    pub unfair_complaints: u64,
}

impl Default for WarningRules {
    fn default() -> Self {
        Self {
            falling_runs: 3,
            satisfaction_floor: Decimal::new(85, 2),
            unfair_complaints: 5,
        }
    }
}

/// An early warning about the latest period.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum EarlyWarning {
    /// Participation fell in each of the last `drops` periods.
    ParticipationFalling {
        /// The periods, oldest first (one more than `drops`).
        periods: Vec<String>,
        /// How many times in a row it fell.
        drops: u32,
    },
    /// Satisfaction below the floor: start a PDCA improvement cycle
    /// (plan–do–check–act).
    SatisfactionLow {
        /// The period.
        period: String,
        /// Its satisfaction.
        satisfaction: Decimal,
        /// The floor.
        floor: Decimal,
    },
    /// Many complaints about unfair allocation.
    UnfairAllocationComplaints {
        /// The period.
        period: String,
        /// How many.
        complaints: u64,
        /// The threshold.
        threshold: u64,
    },
}

/// The warnings raised by the latest period of `history` (oldest first).
///
/// ```
/// use guided_community_metrics::{early_warnings, EarlyWarning, PeriodRecord, WarningRules};
/// use rust_decimal::Decimal;
///
/// let period = |label: &str, rate: i64| PeriodRecord {
///     period: label.into(),
///     participation_rate: Some(Decimal::new(rate, 2)),
///     satisfaction: Some(Decimal::new(90, 2)),
///     unfair_allocation_complaints: Some(0),
/// };
/// let history = [period("Q1", 60), period("Q2", 55), period("Q3", 41), period("Q4", 15)];
/// let warnings = early_warnings(&history, &WarningRules::default());
/// assert!(matches!(&warnings[..], [EarlyWarning::ParticipationFalling { drops: 3, .. }]));
/// ```
pub fn early_warnings(history: &[PeriodRecord], rules: &WarningRules) -> Vec<EarlyWarning> {
    let mut warnings = Vec::new();
    let Some(latest) = history.last() else {
        return warnings;
    };
    let runs = usize::try_from(rules.falling_runs).unwrap_or(usize::MAX);
    if runs > 0 && history.len() > runs {
        let window = history.get(history.len() - runs - 1..).unwrap_or_default();
        let falling = window
            .windows(2)
            .all(|pair| matches!(pair, [a, b] if matches!((a.participation_rate, b.participation_rate), (Some(x), Some(y)) if y < x)));
        if falling {
            warnings.push(EarlyWarning::ParticipationFalling {
                periods: window.iter().map(|p| p.period.clone()).collect(),
                drops: rules.falling_runs,
            });
        }
    }
    if let Some(satisfaction) = latest.satisfaction
        && satisfaction < rules.satisfaction_floor
    {
        warnings.push(EarlyWarning::SatisfactionLow {
            period: latest.period.clone(),
            satisfaction,
            floor: rules.satisfaction_floor,
        });
    }
    if let Some(complaints) = latest.unfair_allocation_complaints
        && complaints > rules.unfair_complaints
    {
        warnings.push(EarlyWarning::UnfairAllocationComplaints {
            period: latest.period.clone(),
            complaints,
            threshold: rules.unfair_complaints,
        });
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(label: &str, rate: Option<i64>, satisfaction: i64, complaints: u64) -> PeriodRecord {
        PeriodRecord {
            period: label.into(),
            participation_rate: rate.map(|r| Decimal::new(r, 2)),
            satisfaction: Some(Decimal::new(satisfaction, 2)),
            unfair_allocation_complaints: Some(complaints),
        }
    }

    #[test]
    fn falling_three_times_in_a_row() {
        let rules = WarningRules::default();
        let two = [
            period("a", Some(60), 90, 0),
            period("b", Some(50), 90, 0),
            period("c", Some(40), 90, 0),
        ];
        assert!(
            early_warnings(&two, &rules).is_empty(),
            "two drops are not three"
        );
        let flat = [
            period("a", Some(60), 90, 0),
            period("b", Some(50), 90, 0),
            period("c", Some(50), 90, 0),
            period("d", Some(40), 90, 0),
        ];
        assert!(
            early_warnings(&flat, &rules).is_empty(),
            "a flat step breaks the run"
        );
        let gap = [
            period("a", Some(60), 90, 0),
            period("b", None, 90, 0),
            period("c", Some(50), 90, 0),
            period("d", Some(40), 90, 0),
        ];
        assert!(
            early_warnings(&gap, &rules).is_empty(),
            "a missing figure breaks the run"
        );
    }

    #[test]
    fn satisfaction_and_complaints() {
        let rules = WarningRules::default();
        let low = [period("q", None, 84, 6)];
        let warnings = early_warnings(&low, &rules);
        assert_eq!(warnings.len(), 2);
        assert!(matches!(warnings[0], EarlyWarning::SatisfactionLow { .. }));
        assert!(matches!(
            warnings[1],
            EarlyWarning::UnfairAllocationComplaints { complaints: 6, .. }
        ));
        assert!(
            early_warnings(&[period("q", None, 85, 5)], &rules).is_empty(),
            "85% and 5 complaints are on the line"
        );
        assert!(early_warnings(&[], &rules).is_empty());
    }
}
