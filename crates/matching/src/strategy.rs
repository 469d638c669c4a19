//! [`proptest`](mod@proptest) strategies (with the `proptest` feature): small
//! matching instances and caseload instances that shrink towards fewer
//! requests, volunteers, buildings and guides. Small enough to check against
//! brute force, varied enough to meet every rule: skills at levels, windows
//! that touch, overlapping requests, limits that bind, invalid windows.
//!
//! ```
//! use guided_community_matching::{match_requests, strategy, MatchOptions};
//! use proptest::prelude::*;
//!
//! // No volunteer ever serves more hours than their limit.
//! proptest!(|(instance in strategy::instance())| {
//!     let m = match_requests(&instance, MatchOptions::default()).unwrap();
//!     for load in &m.loads {
//!         prop_assert!(load.hours <= load.max_hours);
//!     }
//! });
//! ```

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Offset, TimeZone, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::{Building, CaseloadInput, DistanceTable, Guide, Instance, Request, Skill, Volunteer};

/// 08:00 on Monday 2025-10-13 in Beijing, plus `half_hours`.
fn at(half_hours: u32) -> DateTime<FixedOffset> {
    let beijing = FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix());
    let day = NaiveDate::from_ymd_opt(2025, 10, 13)
        .and_then(|d| d.and_hms_opt(8, 0, 0))
        .unwrap_or_default();
    beijing
        .from_local_datetime(&day)
        .single()
        .unwrap_or_default()
        + Duration::minutes(i64::from(half_hours) * 30)
}

/// Places `P0`…`P2` with symmetric distances of 0, 100 or 200 (so that
/// matchings often tie and the tie rule decides).
fn distances() -> impl Strategy<Value = DistanceTable> {
    (0u32..3, 0u32..3, 0u32..3).prop_map(|(a, b, c)| {
        let (a, b, c) = (a * 100, b * 100, c * 100);
        let mut t = DistanceTable::new();
        t.entry("P0".into()).or_default().insert("P1".into(), a);
        t.entry("P0".into()).or_default().insert("P2".into(), b);
        t.entry("P2".into()).or_default().insert("P1".into(), c);
        t
    })
}

fn place() -> impl Strategy<Value = String> {
    (0u8..3).prop_map(|p| format!("P{p}"))
}

fn skill() -> impl Strategy<Value = String> {
    prop_oneof![Just("escort".to_owned()), Just("repair".to_owned())]
}

/// A request in one day's sixteen half hours from 08:00: 1 to 3 hours long,
/// one in twenty with its end before its start.
fn request(i: usize) -> impl Strategy<Value = Request> {
    (
        skill(),
        prop_oneof![3 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)],
        0u32..12,
        1u32..7,
        place(),
        1u32..5,
        proptest::option::of(0u32..101),
        proptest::bool::weighted(0.05),
    )
        .prop_map(
            move |(skill, level, start, length, building, urgency, need, backwards)| {
                let (from, to) = (at(start), at(start + length));
                Request {
                    id: format!("r{i}"),
                    skill,
                    level,
                    from: if backwards { to } else { from },
                    to: if backwards { from } else { to },
                    building,
                    urgency,
                    need,
                    waiting_since: None,
                    kind: None,
                }
            },
        )
}

fn volunteer(i: usize) -> impl Strategy<Value = Volunteer> {
    (
        proptest::collection::vec((skill(), 1u8..3), 1..3),
        proptest::collection::vec((0u32..10, 4u32..16), 1..3),
        place(),
        1u32..10,
    )
        .prop_map(move |(skills, windows, building, half_hours)| Volunteer {
            id: format!("v{i}"),
            skills: skills
                .into_iter()
                .map(|(skill, level)| Skill { skill, level })
                .collect(),
            available: windows
                .into_iter()
                .map(|(start, length)| (at(start), at(start + length)))
                .collect(),
            building,
            max_hours: Decimal::new(i64::from(half_hours) * 5, 1),
        })
}

/// A matching instance: 1 to 7 requests and 1 to 3 volunteers on one day,
/// two skills at levels, three places.
pub fn instance() -> impl Strategy<Value = Instance> {
    (1usize..=7, 1usize..=3).prop_flat_map(|(r, v)| {
        let requests: Vec<_> = (0..r).map(request).collect();
        let volunteers: Vec<_> = (0..v).map(volunteer).collect();
        (requests, volunteers, distances()).prop_map(|(requests, volunteers, distance)| Instance {
            requests,
            volunteers,
            distance,
        })
    })
}

/// A caseload instance: 0 to 7 buildings of 1 to 9 households (weights 1 to
/// 20) and 1 to 3 guides, caps of 5 to 25 households, and a distance bound
/// one time in two.
pub fn caseload() -> impl Strategy<Value = CaseloadInput> {
    (
        proptest::collection::vec((1u32..10, proptest::option::of(1u64..20), place()), 0..=7),
        proptest::collection::vec((place(), proptest::option::of(5u32..25)), 1..=3),
        distances(),
        5u32..25,
        proptest::option::of(0u32..400),
    )
        .prop_map(|(buildings, guides, table, cap, max_distance)| {
            // Buildings are places of their own, as far as their place is.
            let mut distance = DistanceTable::new();
            let buildings: Vec<Building> = buildings
                .into_iter()
                .enumerate()
                .map(|(i, (households, weight, at))| {
                    let id = format!("b{i}");
                    for p in ["P0", "P1", "P2"] {
                        let d = if p == at {
                            0
                        } else {
                            table
                                .get(p)
                                .and_then(|row| row.get(&at))
                                .or_else(|| table.get(&at).and_then(|row| row.get(p)))
                                .copied()
                                .unwrap_or(0)
                        };
                        distance
                            .entry(id.clone())
                            .or_default()
                            .insert(p.to_owned(), d);
                    }
                    Building {
                        id,
                        households,
                        weight,
                    }
                })
                .collect();
            let guides = guides
                .into_iter()
                .enumerate()
                .map(|(i, (base, cap))| Guide {
                    id: format!("g{i}"),
                    base,
                    cap,
                })
                .collect();
            CaseloadInput {
                buildings,
                guides,
                distance,
                cap,
                max_distance,
            }
        })
}
