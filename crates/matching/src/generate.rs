//! Seeded random instances, for benchmarks and Monte-Carlo studies.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Offset, TimeZone, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::caseload::{Building, CaseloadInput, Guide};
use crate::input::{Instance, Request, Skill, Volunteer};
use crate::rng::SplitMix64;
use crate::{Error, Result};

/// The shape of a random week of requests and offers: buildings on a square
/// kilometre (distances in metres, Manhattan), requests of 1 to 3 hours
/// between 08:00 and 21:00 over seven days, volunteers with 1 to 3 skills,
/// 2 to 5 windows of 2 to 8 hours and limits of 2 to 10 hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RandomWeek {
    /// Requests.
    pub requests: u32,
    /// Volunteers.
    pub volunteers: u32,
    /// Distinct skills.
    pub skills: u32,
    /// Buildings.
    pub buildings: u32,
}

impl RandomWeek {
    /// `requests` and `volunteers` with 10 skills in 50 buildings.
    pub fn new(requests: u32, volunteers: u32) -> Self {
        Self {
            requests,
            volunteers,
            skills: 10,
            buildings: 50,
        }
    }

    /// With `skills` distinct skills.
    #[must_use]
    pub fn skills(mut self, skills: u32) -> Self {
        self.skills = skills.max(1);
        self
    }

    /// In `buildings` buildings.
    #[must_use]
    pub fn buildings(mut self, buildings: u32) -> Self {
        self.buildings = buildings.max(1);
        self
    }

    /// The instance for `seed`: the same seed, the same instance.
    ///
    /// # Errors
    ///
    /// [`Error::TooLarge`] beyond [`MAX_REQUESTS`](crate::MAX_REQUESTS),
    /// [`MAX_VOLUNTEERS`](crate::MAX_VOLUNTEERS) or
    /// [`MAX_GENERATED_BUILDINGS`] (their distance table has a row per pair),
    /// checked before anything is made.
    pub fn generate(&self, seed: u64) -> Result<Instance> {
        check(
            u64::from(self.requests),
            "requests",
            crate::MAX_REQUESTS as u64,
        )?;
        check(
            u64::from(self.volunteers),
            "volunteers",
            crate::MAX_VOLUNTEERS as u64,
        )?;
        check(
            u64::from(self.buildings),
            "buildings",
            MAX_GENERATED_BUILDINGS,
        )?;
        let mut rng = SplitMix64(seed);
        let buildings = self.buildings.max(1);
        let (names, distance) = places(&mut rng, buildings);
        let name = |rng: &mut SplitMix64| {
            names
                .get(usize::try_from(rng.below(u64::from(buildings))).unwrap_or(0))
                .cloned()
                .unwrap_or_default()
        };
        let skill =
            |rng: &mut SplitMix64| format!("skill-{}", rng.below(u64::from(self.skills.max(1))));
        let monday = week_start();
        let at = |day: u64, half_hours: u64| {
            monday
                + Duration::days(i64::try_from(day).unwrap_or(0))
                + Duration::minutes(i64::try_from(half_hours * 30).unwrap_or(0))
        };
        let mut requests = Vec::new();
        for i in 0..self.requests {
            let day = rng.below(7);
            // Start 08:00 to 18:00 on the half hour, 2 to 6 half hours long.
            let start = 16 + rng.below(21);
            let length = 2 + rng.below(5);
            requests.push(Request {
                id: format!("r{i:05}"),
                skill: skill(&mut rng),
                level: u8::try_from(rng.below(3).saturating_sub(1)).unwrap_or(0),
                from: at(day, start),
                to: at(day, start + length),
                building: name(&mut rng),
                urgency: u32::try_from(1 + rng.below(5)).unwrap_or(1),
                need: Some(u32::try_from(rng.below(101)).unwrap_or(0)),
                waiting_since: Some(
                    at(0, 0) - Duration::hours(i64::try_from(rng.below(24 * 14)).unwrap_or(0)),
                ),
                kind: None,
            });
        }
        let mut volunteers = Vec::new();
        for i in 0..self.volunteers {
            let mut skills: BTreeMap<String, u8> = BTreeMap::new();
            for _ in 0..=rng.below(3) {
                let level = u8::try_from(1 + rng.below(3)).unwrap_or(1);
                skills.insert(skill(&mut rng), level);
            }
            let mut available = Vec::new();
            for _ in 0..2 + rng.below(4) {
                let day = rng.below(7);
                let start = 16 + rng.below(17);
                let length = 4 + rng.below(13);
                available.push((at(day, start), at(day, (start + length).min(42))));
            }
            volunteers.push(Volunteer {
                id: format!("v{i:04}"),
                skills: skills
                    .into_iter()
                    .map(|(skill, level)| Skill { skill, level })
                    .collect(),
                available,
                building: name(&mut rng),
                max_hours: Decimal::from(2 + 2 * rng.below(5)),
            });
        }
        Ok(Instance {
            requests,
            volunteers,
            distance,
        })
    }
}

/// The most buildings a generator places: the distance table has a row for
/// every pair (2 million at this size).
pub const MAX_GENERATED_BUILDINGS: u64 = 2_000;

fn check(n: u64, what: &str, max: u64) -> Result<()> {
    if n > max {
        return Err(Error::TooLarge {
            what: format!("{} {what}", crate::error::grouped(n)),
            max,
        });
    }
    Ok(())
}

/// The generator's week: Monday 2025-10-13, 00:00 in Beijing.
fn week_start() -> DateTime<FixedOffset> {
    let beijing = FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix());
    let day = NaiveDate::from_ymd_opt(2025, 10, 13).unwrap_or_default();
    beijing
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        .single()
        .unwrap_or_default()
}

/// `n` buildings at random points of a square kilometre, and the Manhattan
/// distances between them in metres.
fn places(rng: &mut SplitMix64, n: u32) -> (Vec<String>, crate::DistanceTable) {
    let names: Vec<String> = (0..n).map(|i| format!("B{i:03}")).collect();
    let points: Vec<(i64, i64)> = (0..n)
        .map(|_| {
            let x = i64::try_from(rng.below(1000)).unwrap_or(0);
            let y = i64::try_from(rng.below(1000)).unwrap_or(0);
            (x, y)
        })
        .collect();
    let mut table = crate::DistanceTable::new();
    for (i, (a, pa)) in names.iter().zip(&points).enumerate() {
        let row: BTreeMap<String, u32> = names
            .iter()
            .zip(&points)
            .skip(i + 1)
            .map(|(b, pb)| {
                let d = (pa.0 - pb.0).abs() + (pa.1 - pb.1).abs();
                (b.clone(), u32::try_from(d).unwrap_or(u32::MAX))
            })
            .collect();
        table.insert(a.clone(), row);
    }
    (names, table)
}

/// The shape of a random district for guides' caseloads: buildings of 20 to
/// 300 households with need weights of 1 to 3 per household, guides based
/// in buildings, on a square kilometre.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RandomDistrict {
    /// Buildings.
    pub buildings: u32,
    /// Guides.
    pub guides: u32,
}

impl RandomDistrict {
    /// `buildings` buildings and `guides` guides.
    pub fn new(buildings: u32, guides: u32) -> Self {
        Self { buildings, guides }
    }

    /// The caseload input for `seed`, with a cap large enough for every
    /// household (the total over the guides, plus a fifth) and no distance
    /// bound.
    ///
    /// # Errors
    ///
    /// [`Error::TooLarge`] beyond [`MAX_GENERATED_BUILDINGS`] or
    /// [`MAX_GUIDES`](crate::MAX_GUIDES), checked before anything is made.
    pub fn generate(&self, seed: u64) -> Result<CaseloadInput> {
        check(
            u64::from(self.buildings),
            "buildings",
            MAX_GENERATED_BUILDINGS,
        )?;
        check(u64::from(self.guides), "guides", crate::MAX_GUIDES as u64)?;
        let mut rng = SplitMix64(seed);
        let (names, distance) = places(&mut rng, self.buildings.max(1));
        let mut households = 0_u64;
        let buildings: Vec<Building> = names
            .iter()
            .map(|id| {
                let h = 20 + rng.below(281);
                households += h;
                Building {
                    id: id.clone(),
                    households: u32::try_from(h).unwrap_or(0),
                    weight: Some(h * (1 + rng.below(3))),
                }
            })
            .collect();
        let guides: Vec<Guide> = (0..self.guides)
            .map(|g| Guide {
                id: format!("guide-{g}"),
                base: names
                    .get(usize::try_from(rng.below(u64::from(self.buildings.max(1)))).unwrap_or(0))
                    .cloned()
                    .unwrap_or_default(),
                cap: None,
            })
            .collect();
        let per_guide = households / u64::from(self.guides.max(1));
        Ok(CaseloadInput {
            buildings,
            guides,
            distance,
            cap: u32::try_from(per_guide + per_guide / 5 + 300).unwrap_or(u32::MAX),
            max_distance: None,
        })
    }
}
