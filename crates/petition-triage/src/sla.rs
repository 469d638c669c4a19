//! Colours, service-level targets and deadlines.

use core::fmt;
use core::num::NonZeroU32;
use core::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::{Calendar, Error, Result};

/// The three colours of three-colour triage (三色管理), ordered by urgency:
/// `Blue < Yellow < Red`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Colour {
    /// General (一般): answered within 7 working days.
    Blue,
    /// Important (重要): answered within 3 working days.
    Yellow,
    /// Urgent (紧急): answered within 24 hours.
    Red,
}

impl Colour {
    /// Every colour, most urgent first.
    pub const ALL: [Self; 3] = [Self::Red, Self::Yellow, Self::Blue];

    /// The colour's name on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Red => "red",
            Self::Yellow => "yellow",
            Self::Blue => "blue",
        }
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Colour {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| Error::UnknownColour { name: s.to_owned() })
    }
}

/// How long a colour allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// Clock hours from the moment of receipt (red: 24).
    Hours(u32),
    /// The n-th working day strictly after the local date of receipt, to the end
    /// of that day (or to the policy's closing time).
    WorkingDays(NonZeroU32),
}

/// Targets per colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Targets {
    /// For red.
    pub red: Target,
    /// For yellow.
    pub yellow: Target,
    /// For blue.
    pub blue: Target,
}

impl Targets {
    /// The target of `colour`.
    pub const fn of(&self, colour: Colour) -> Target {
        match colour {
            Colour::Red => self.red,
            Colour::Yellow => self.yellow,
            Colour::Blue => self.blue,
        }
    }
}

/// When a petition counts as at risk of missing a deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AtRisk {
    /// Once this share of the allowed time has elapsed, in percent (1–99).
    Elapsed(u8),
    /// Once the deadline is this close.
    LeadTime(#[serde(with = "seconds")] TimeDelta),
}

mod offset {
    use chrono::FixedOffset;
    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(
        clippy::trivially_copy_pass_by_ref,
        reason = "serde's `with` passes fields by reference"
    )]
    pub(super) fn serialize<S: Serializer>(
        zone: &FixedOffset,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_str(zone)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<FixedOffset, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(|_| {
            serde::de::Error::custom(format!(
                "invalid UTC offset `{text}`, expected e.g. `+08:00`"
            ))
        })
    }
}

mod seconds {
    use chrono::TimeDelta;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(super) fn serialize<S: Serializer>(
        delta: &TimeDelta,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        delta.num_seconds().serialize(serializer)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<TimeDelta, D::Error> {
        let seconds = i64::deserialize(deserializer)?;
        TimeDelta::try_seconds(seconds)
            .ok_or_else(|| serde::de::Error::custom("duration out of range"))
    }
}

/// The service-level policy: the time zone residents live in, the targets for a
/// first response and for resolution, and what counts as at risk.
///
/// ```
/// use guided_community_triage::{Colour, SlaPolicy, Target};
///
/// let policy = SlaPolicy::default();
/// assert_eq!(policy.zone.local_minus_utc(), 8 * 3600); // Asia/Shanghai
/// assert_eq!(policy.response.of(Colour::Red), Target::Hours(24));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SlaPolicy {
    /// Local time for working days and ends of days: UTC+8 by default
    /// (Asia/Shanghai, which has kept UTC+8 without daylight saving since 1991).
    /// On the wire: `"+08:00"`.
    #[serde(with = "offset")]
    pub zone: FixedOffset,
    /// Deadlines on working days end at this local time instead of midnight.
    pub closing_time: Option<NaiveTime>,
    /// Targets for the first response (响应): red 24 hours, yellow 3 and blue 7
    /// working days (the article).
    pub response: Targets,
    /// Targets for resolution: red 3, yellow 10, blue 20 working days by default
    /// (the article sets none; these are this library's defaults).
    pub resolution: Targets,
    /// At risk once 80% of the time has elapsed, by default.
    pub at_risk: AtRisk,
    /// How many times a petition may be reopened (2 by default).
    pub max_reopenings: u32,
}

const fn days(n: u32) -> Target {
    match NonZeroU32::new(n) {
        Some(n) => Target::WorkingDays(n),
        None => Target::Hours(0),
    }
}

/// UTC+8.
pub const CHINA_STANDARD_TIME: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(zone) => zone,
    None => panic!("UTC+8 is a valid offset"),
};

impl Default for SlaPolicy {
    fn default() -> Self {
        Self {
            zone: CHINA_STANDARD_TIME,
            closing_time: None,
            response: Targets {
                red: Target::Hours(24),
                yellow: days(3),
                blue: days(7),
            },
            resolution: Targets {
                red: days(3),
                yellow: days(10),
                blue: days(20),
            },
            at_risk: AtRisk::Elapsed(80),
            max_reopenings: 2,
        }
    }
}

impl SlaPolicy {
    /// The same policy in another time zone.
    #[must_use]
    pub const fn with_zone(self, zone: FixedOffset) -> Self {
        Self { zone, ..self }
    }

    /// The same policy with deadlines ending at `closing_time` local time.
    #[must_use]
    pub const fn with_closing_time(self, closing_time: Option<NaiveTime>) -> Self {
        Self {
            closing_time,
            ..self
        }
    }
}

/// A deadline: the instant (exclusive) and the local date it falls on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Deadline {
    /// The local date of the deadline (for working-day targets, the due working
    /// day).
    pub due_date: NaiveDate,
    /// The deadline itself, in UTC: for working-day targets the end of the due
    /// date (the following local midnight) or its closing time.
    pub due: DateTime<Utc>,
}

/// The deadline `target` sets for something received at `received`.
///
/// ```
/// use chrono::DateTime;
/// use guided_community_triage::{deadline, Calendar, SlaPolicy, Target};
///
/// let cn = Calendar::mainland_china();
/// let received: DateTime<chrono::Utc> = "2025-09-26T20:00:00+08:00".parse::<DateTime<chrono::FixedOffset>>()?.into();
/// let three = Target::WorkingDays(3.try_into()?);
/// let d = deadline(three, received, &cn, &SlaPolicy::default())?;
/// // Sunday 28 September is a make-up working day (调休).
/// assert_eq!(d.due_date.to_string(), "2025-09-30");
/// assert_eq!(d.due.to_rfc3339(), "2025-09-30T16:00:00+00:00"); // 1 October, 00:00 in Beijing
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::YearNotCovered`] if the calendar does not cover the dates involved, and
/// [`Error::OutOfRange`] for instants chrono cannot represent.
pub fn deadline(
    target: Target,
    received: DateTime<Utc>,
    calendar: &Calendar,
    policy: &SlaPolicy,
) -> Result<Deadline> {
    let out_of_range = || Error::OutOfRange;
    match target {
        Target::Hours(hours) => {
            let due = received
                .checked_add_signed(TimeDelta::hours(i64::from(hours)))
                .ok_or_else(out_of_range)?;
            Ok(Deadline {
                due_date: due.with_timezone(&policy.zone).date_naive(),
                due,
            })
        }
        Target::WorkingDays(n) => {
            let local_date = received.with_timezone(&policy.zone).date_naive();
            let due_date = calendar.nth_working_day_after(local_date, n)?;
            let end = match policy.closing_time {
                Some(time) => due_date.and_time(time),
                None => due_date
                    .succ_opt()
                    .ok_or_else(out_of_range)?
                    .and_time(NaiveTime::MIN),
            };
            let due = end
                .checked_sub_offset(policy.zone)
                .ok_or_else(out_of_range)?
                .and_utc();
            Ok(Deadline { due_date, due })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beijing(text: &str) -> DateTime<Utc> {
        text.parse::<DateTime<FixedOffset>>().unwrap().into()
    }

    #[test]
    fn the_worked_table() {
        // ../shared/testdata/README.md
        let cn = Calendar::mainland_china();
        let policy = SlaPolicy::default();
        let rows = [
            (
                "2025-09-26T20:00:00+08:00",
                "2025-09-30",
                "2025-10-13",
                "2025-09-27T20:00:00+08:00",
            ),
            (
                "2025-10-03T10:00:00+08:00",
                "2025-10-11",
                "2025-10-16",
                "2025-10-04T10:00:00+08:00",
            ),
            (
                "2026-02-13T20:00:00+08:00",
                "2026-02-25",
                "2026-03-02",
                "2026-02-14T20:00:00+08:00",
            ),
            (
                "2025-11-17T14:00:00+08:00",
                "2025-11-20",
                "2025-11-26",
                "2025-11-18T14:00:00+08:00",
            ),
            (
                "2025-04-26T11:00:00+08:00",
                "2025-04-29",
                "2025-05-08",
                "2025-04-27T11:00:00+08:00",
            ),
        ];
        for (received, yellow, blue, red) in rows {
            let at = beijing(received);
            let due = |colour| deadline(policy.response.of(colour), at, &cn, &policy).unwrap();
            assert_eq!(
                due(Colour::Yellow).due_date.to_string(),
                yellow,
                "{received}"
            );
            assert_eq!(due(Colour::Blue).due_date.to_string(), blue, "{received}");
            assert_eq!(due(Colour::Red).due, beijing(red), "{received}");
            // Yellow ends at the midnight after its due date, Beijing time.
            let end = format!(
                "{}T00:00:00+08:00",
                due(Colour::Yellow).due_date.succ_opt().unwrap()
            );
            assert_eq!(due(Colour::Yellow).due, beijing(&end));
        }
    }

    #[test]
    fn the_local_date_decides_not_the_utc_date() {
        // 07:30 on Monday in Beijing is still Sunday in UTC.
        let cn = Calendar::mainland_china();
        let at = beijing("2025-11-17T07:30:00+08:00");
        let d = deadline(
            Target::WorkingDays(NonZeroU32::MIN),
            at,
            &cn,
            &SlaPolicy::default(),
        )
        .unwrap();
        assert_eq!(d.due_date.to_string(), "2025-11-18");
    }

    #[test]
    fn a_closing_time_ends_the_day_early() {
        let cn = Calendar::mainland_china();
        let policy = SlaPolicy::default().with_closing_time(NaiveTime::from_hms_opt(17, 30, 0));
        let d = deadline(
            policy.response.yellow,
            beijing("2025-11-17T14:00:00+08:00"),
            &cn,
            &policy,
        )
        .unwrap();
        assert_eq!(d.due, beijing("2025-11-20T17:30:00+08:00"));
    }

    #[test]
    fn the_policy_is_data() {
        let json = serde_json::to_string(&SlaPolicy::default()).unwrap();
        assert!(json.contains(r#""zone":"+08:00""#), "{json}");
        assert!(json.contains(r#""red":{"hours":24}"#), "{json}");
        assert_eq!(
            serde_json::from_str::<SlaPolicy>(&json).unwrap(),
            SlaPolicy::default()
        );
    }

    #[test]
    fn colours_are_ordered_by_urgency() {
        assert!(Colour::Blue < Colour::Yellow && Colour::Yellow < Colour::Red);
        assert_eq!("yellow".parse::<Colour>(), Ok(Colour::Yellow));
        assert_eq!(
            "amber".parse::<Colour>(),
            Err(Error::UnknownColour {
                name: "amber".into()
            })
        );
    }
}
