//! Guidance exit (渐进式退出): external guidance steps down as the council's
//! deliberation capacity holds up, and comes back when it falls.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// How much external guidance the council gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GuidanceLevel {
    /// Full guidance (强指导).
    Strong,
    /// Halved (弱指导).
    Weak,
    /// The council runs itself (自治).
    Autonomous,
}

impl GuidanceLevel {
    /// Guidance as a percentage of full guidance: 100, 50, 0.
    pub const fn intensity(self) -> u8 {
        match self {
            Self::Strong => 100,
            Self::Weak => 50,
            Self::Autonomous => 0,
        }
    }

    const fn step_down(self) -> Self {
        match self {
            Self::Strong => Self::Weak,
            Self::Weak | Self::Autonomous => Self::Autonomous,
        }
    }
}

/// When guidance steps down or comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GuidancePolicy {
    /// A qualifying evaluation scores at least this (8 of 10).
    pub exit_score: Decimal,
    /// Qualifying evaluations in a row that halve the guidance (3).
    pub run: u32,
    /// An evaluation below this restores full guidance (6 by default).
    pub floor: Decimal,
}

impl Default for GuidancePolicy {
    fn default() -> Self {
        Self {
            exit_score: Decimal::from(8),
            run: 3,
            floor: Decimal::from(6),
        }
    }
}

/// A dated capacity evaluation, 0–10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Evaluation {
    /// When.
    pub on: NaiveDate,
    /// The capacity score, 0–10.
    pub score: Decimal,
}

/// What an evaluation did to the guidance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// Nothing.
    Unchanged,
    /// A run of qualifying evaluations stepped it down.
    SteppedDown,
    /// A score below the floor restored full guidance.
    Restored,
}

/// The guidance after one evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GuidanceStep {
    /// The evaluation.
    pub evaluation: Evaluation,
    /// Qualifying evaluations in a row, counting this one (reset after a step down).
    pub run: u32,
    /// The level after it.
    pub level: GuidanceLevel,
    /// What it changed.
    pub change: Change,
}

/// The guidance trajectory over a series of evaluations, starting from strong
/// guidance: every `run` qualifying evaluations in a row step it down (strong →
/// weak → autonomous), and a score below the floor restores full guidance.
///
/// ```
/// use chrono::NaiveDate;
/// use guided_community_deliberation::{guidance, Evaluation, GuidanceLevel, GuidancePolicy};
/// use rust_decimal::Decimal;
///
/// let on = |m| NaiveDate::from_ymd_opt(2025, m, 1).ok_or("bad date");
/// let scores = [8, 9, 8, 7, 8, 8, 9];
/// let evaluations = scores.iter().enumerate()
///     .map(|(i, &s)| Ok(Evaluation { on: on(i as u32 + 1)?, score: Decimal::from(s) }))
///     .collect::<Result<Vec<_>, &str>>()?;
/// let steps = guidance(&evaluations, &GuidancePolicy::default())?;
/// let levels: Vec<u8> = steps.iter().map(|s| s.level.intensity()).collect();
/// // Three 8+ halve it; the 7 breaks the next run; three more end it.
/// assert_eq!(levels, [100, 100, 50, 50, 50, 50, 0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::ScoreOutOfRange`] for a score outside 0–10, and
/// [`Error::DateBeforeLast`] for evaluations out of date order.
pub fn guidance(evaluations: &[Evaluation], policy: &GuidancePolicy) -> Result<Vec<GuidanceStep>> {
    let mut level = GuidanceLevel::Strong;
    let mut run = 0u32;
    let mut last: Option<NaiveDate> = None;
    let mut steps = Vec::with_capacity(evaluations.len());
    for &evaluation in evaluations {
        if evaluation.score < Decimal::ZERO || evaluation.score > Decimal::TEN {
            return Err(Error::ScoreOutOfRange {
                score: evaluation.score,
            });
        }
        if let Some(last) = last
            && evaluation.on < last
        {
            return Err(Error::DateBeforeLast {
                on: evaluation.on,
                last,
            });
        }
        last = Some(evaluation.on);
        let change = if evaluation.score < policy.floor {
            run = 0;
            let restored = level != GuidanceLevel::Strong;
            level = GuidanceLevel::Strong;
            if restored {
                Change::Restored
            } else {
                Change::Unchanged
            }
        } else if evaluation.score >= policy.exit_score {
            run += 1;
            if run >= policy.run.max(1) && level != GuidanceLevel::Autonomous {
                level = level.step_down();
                run = 0;
                Change::SteppedDown
            } else {
                Change::Unchanged
            }
        } else {
            run = 0;
            Change::Unchanged
        };
        steps.push(GuidanceStep {
            evaluation,
            run,
            level,
            change,
        });
    }
    Ok(steps)
}

/// Observable counts over an evaluation period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct MeetingRecord {
    /// Meetings called.
    pub meetings: u32,
    /// Of those, meetings that reached a quorum.
    pub quorate: u32,
    /// Motions moved.
    pub motions: u32,
    /// Of those, motions decided by a vote (not left pending).
    pub decided: u32,
    /// Members of the council.
    pub members: u32,
    /// Members who spoke at least once (summed over meetings).
    pub speakers: u32,
    /// Decisions due for implementation in the period.
    pub due: u32,
    /// Of those, decisions implemented.
    pub implemented: u32,
}

/// A capacity score and its parts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CapacityScore {
    /// 0–10.
    pub score: Decimal,
    /// Each part's points, in the order quorum, decisions, voice, implementation.
    pub parts: Vec<(String, Decimal)>,
}

/// The deliberation-capacity score (议事能力), 0–10, from observable counts:
/// quorum rate × 3 + decision rate × 2 + share of members who spoke × 2 +
/// implementation rate × 3. A part with nothing to measure (no meetings, no
/// motions, nothing due) counts as 0.
///
/// ```
/// use guided_community_deliberation::{capacity_score, MeetingRecord};
///
/// let record = MeetingRecord { meetings: 4, quorate: 4, motions: 10, decided: 9, members: 15, speakers: 45, due: 5, implemented: 4 };
/// let capacity = capacity_score(&record)?;
/// // 3 + 1.8 + 2 × 45/60 + 2.4
/// assert_eq!(capacity.score.to_string(), "8.7");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::InconsistentCounts`] when a part exceeds its whole.
pub fn capacity_score(record: &MeetingRecord) -> Result<CapacityScore> {
    let possible_speakers = u64::from(record.members) * u64::from(record.meetings);
    let parts = [
        ("quorum", record.quorate, u64::from(record.meetings), 3),
        ("decisions", record.decided, u64::from(record.motions), 2),
        ("voice", record.speakers, possible_speakers, 2),
        (
            "implementation",
            record.implemented,
            u64::from(record.due),
            3,
        ),
    ];
    let mut score = Decimal::ZERO;
    let mut points = Vec::with_capacity(parts.len());
    for (name, part, whole, weight) in parts {
        if u64::from(part) > whole {
            return Err(Error::InconsistentCounts { what: name });
        }
        let value = if whole == 0 {
            Decimal::ZERO
        } else {
            (Decimal::from(part) * Decimal::from(weight))
                .checked_div(Decimal::from(whole))
                .unwrap_or_default()
                .round_dp(4)
                .normalize()
        };
        score += value;
        points.push((name.to_owned(), value));
    }
    Ok(CapacityScore {
        score: score.normalize(),
        parts: points,
    })
}

/// Whether attendance fell at each of the last `meetings` meetings (3 by the
/// article): the warning that participation is slipping.
///
/// ```
/// use guided_community_deliberation::attendance_falling;
///
/// assert!(attendance_falling(&[14, 13, 11, 9], 3));
/// assert!(!attendance_falling(&[14, 13, 13, 9], 3));
/// assert!(!attendance_falling(&[13, 11, 9], 3), "three meetings show only two falls");
/// ```
pub fn attendance_falling(attendance: &[u32], meetings: usize) -> bool {
    meetings > 0
        && attendance.len() > meetings
        && attendance
            .get(attendance.len() - meetings - 1..)
            .is_some_and(|tail| tail.windows(2).all(|w| matches!(w, [a, b] if b < a)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn evaluations(scores: &[i64]) -> Vec<Evaluation> {
        scores
            .iter()
            .enumerate()
            .map(|(i, &s)| Evaluation {
                on: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(30 * i as u64),
                score: Decimal::from(s),
            })
            .collect()
    }

    #[test]
    fn the_floor_restores_guidance() {
        let steps = guidance(&evaluations(&[9, 9, 9, 5]), &GuidancePolicy::default()).unwrap();
        assert_eq!(steps[2].level, GuidanceLevel::Weak);
        assert_eq!(
            (steps[3].level, steps[3].change),
            (GuidanceLevel::Strong, Change::Restored)
        );
        assert!(guidance(&evaluations(&[11]), &GuidancePolicy::default()).is_err());
        let mut backwards = evaluations(&[8, 8]);
        backwards.swap(0, 1);
        assert!(matches!(
            guidance(&backwards, &GuidancePolicy::default()),
            Err(Error::DateBeforeLast { .. })
        ));
    }

    #[test]
    fn capacity_counts_must_be_consistent() {
        let record = MeetingRecord {
            meetings: 2,
            quorate: 3,
            ..MeetingRecord::default()
        };
        assert_eq!(
            capacity_score(&record),
            Err(Error::InconsistentCounts { what: "quorum" })
        );
        assert_eq!(
            capacity_score(&MeetingRecord::default()).unwrap().score,
            Decimal::ZERO
        );
    }

    proptest! {
        #[test]
        fn guidance_only_drops_after_three_qualifying_evaluations_in_a_row(scores in proptest::collection::vec(0i64..=10, 0..40)) {
            let steps = guidance(&evaluations(&scores), &GuidancePolicy::default()).unwrap();
            for (i, step) in steps.iter().enumerate() {
                if step.change == Change::SteppedDown {
                    prop_assert!(i >= 2);
                    prop_assert!(scores[i - 2..=i].iter().all(|&s| s >= 8), "{scores:?} at {i}");
                }
                let before = if i == 0 { GuidanceLevel::Strong } else { steps[i - 1].level };
                if step.level > before {
                    prop_assert_eq!(step.change, Change::SteppedDown);
                }
            }
        }
    }
}
