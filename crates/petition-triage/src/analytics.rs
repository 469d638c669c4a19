//! Petition analytics: on-time rates, response-time percentiles, backlog ageing,
//! and hot spots that become suggested agenda items for the residents' council.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::lifecycle::seconds;
use crate::{Colour, Petition};

/// First responses of one colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ColourStats {
    /// The colour.
    pub colour: Colour,
    /// Cycles with a first response.
    pub responded: u64,
    /// Of those, responses in time.
    pub on_time: u64,
    /// `on_time / responded`, or `None` with no response yet.
    pub on_time_rate: Option<Decimal>,
    /// Median response time, in seconds (nearest rank).
    pub p50_seconds: Option<i64>,
    /// 90th percentile response time, in seconds.
    pub p90_seconds: Option<i64>,
    /// 99th percentile response time, in seconds.
    pub p99_seconds: Option<i64>,
}

/// Open petitions by the age of their current cycle, in clock days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Backlog {
    /// Under a day.
    pub under_1_day: u64,
    /// One to three days.
    pub days_1_to_3: u64,
    /// Three to seven days.
    pub days_3_to_7: u64,
    /// Seven days or more.
    pub over_7_days: u64,
}

/// The analytics of a set of petitions.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Analytics {
    /// Per colour, red first.
    pub colours: Vec<ColourStats>,
    /// The open backlog.
    pub backlog: Backlog,
}

/// The nearest-rank percentile of sorted values.
fn percentile(sorted: &[i64], percent: u64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len() as u64;
    let rank = (percent * n).div_ceil(100).max(1);
    sorted.get(usize::try_from(rank - 1).ok()?).copied()
}

/// On-time rates and response times per colour, and the backlog at `now`.
///
/// ```
/// use guided_community_triage::analytics;
///
/// let report = analytics(&[], chrono::DateTime::UNIX_EPOCH);
/// assert_eq!(report.colours.len(), 3);
/// assert_eq!(report.colours[0].on_time_rate, None);
/// ```
pub fn analytics(petitions: &[Petition], now: DateTime<Utc>) -> Analytics {
    let colours = Colour::ALL
        .into_iter()
        .map(|colour| {
            let mut times = Vec::new();
            let mut on_time = 0u64;
            for cycle in petitions
                .iter()
                .filter(|p| p.colour == colour)
                .flat_map(|p| &p.cycles)
            {
                if let Some(responded) = cycle.responded {
                    times.push(seconds(cycle.opened, responded));
                    on_time += u64::from(responded <= cycle.response_due);
                }
            }
            times.sort_unstable();
            let responded = times.len() as u64;
            ColourStats {
                colour,
                responded,
                on_time,
                on_time_rate: (responded > 0)
                    .then(|| Decimal::from(on_time).checked_div(Decimal::from(responded)))
                    .flatten()
                    .map(|r| r.normalize()),
                p50_seconds: percentile(&times, 50),
                p90_seconds: percentile(&times, 90),
                p99_seconds: percentile(&times, 99),
            }
        })
        .collect();
    let mut backlog = Backlog::default();
    for petition in petitions.iter().filter(|p| p.state.is_open()) {
        let Some(cycle) = petition.cycles.last() else {
            continue;
        };
        let days = (now - cycle.opened).num_days();
        let bucket = match days {
            ..1 => &mut backlog.under_1_day,
            1..3 => &mut backlog.days_1_to_3,
            3..7 => &mut backlog.days_3_to_7,
            _ => &mut backlog.over_7_days,
        };
        *bucket += 1;
    }
    Analytics { colours, backlog }
}

/// A category and building with repeated petitions: a suggested agenda item for
/// the residents' council (高频诉求 → 议题).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HotSpot {
    /// The category.
    pub category: String,
    /// The building (`(none)` for petitions without one).
    pub building: String,
    /// The petitions, in received order.
    pub petitions: Vec<String>,
    /// A suggested agenda item.
    pub agenda_item: String,
}

/// Category × building pairs with at least `at_least` petitions received in the
/// `window` before `now`, most petitions first (then by category and building).
///
/// ```
/// use chrono::{DateTime, TimeDelta};
/// use guided_community_triage::hot_spots;
///
/// assert!(hot_spots(&[], DateTime::UNIX_EPOCH, TimeDelta::days(30), 3).is_empty());
/// ```
pub fn hot_spots(
    petitions: &[Petition],
    now: DateTime<Utc>,
    window: TimeDelta,
    at_least: usize,
) -> Vec<HotSpot> {
    let since = now
        .checked_sub_signed(window)
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let mut groups: BTreeMap<(&str, &str), Vec<&Petition>> = BTreeMap::new();
    for petition in petitions
        .iter()
        .filter(|p| p.received >= since && p.received <= now)
    {
        let building = petition.building.as_deref().unwrap_or("(none)");
        groups
            .entry((petition.category.as_str(), building))
            .or_default()
            .push(petition);
    }
    let mut spots: Vec<HotSpot> = groups
        .into_iter()
        .filter(|(_, list)| list.len() >= at_least.max(1))
        .map(|((category, building), mut list)| {
            list.sort_by_key(|p| p.received);
            HotSpot {
                category: category.to_owned(),
                building: building.to_owned(),
                agenda_item: format!(
                    "{} petitions about {category} in building {building} in the last {} days: agree a lasting fix",
                    list.len(),
                    window.num_days()
                ),
                petitions: list.into_iter().map(|p| p.id.clone()).collect(),
            }
        })
        .collect();
    spots.sort_by(|a, b| {
        b.petitions
            .len()
            .cmp(&a.petitions.len())
            .then_with(|| (&a.category, &a.building).cmp(&(&b.category, &b.building)))
    });
    spots
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&values, 50), Some(5));
        assert_eq!(percentile(&values, 90), Some(9));
        assert_eq!(percentile(&values, 99), Some(10));
        assert_eq!(percentile(&[7], 1), Some(7));
        assert_eq!(percentile(&[], 50), None);
    }
}
