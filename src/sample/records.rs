//! The sample's residents at work: petitions by category, council meetings and
//! volunteering, and satisfaction surveys.

use chrono::{DateTime, Days, NaiveDateTime, TimeDelta, Utc};

use super::Rng;
use crate::inputs::{ALLOCATION_COMPLAINT, Activity, Household, PetitionRecord, Quarter, Survey};
use petition_triage as triage;
use points_bank as points;

const CATEGORIES: [(&str, u64, &[&str]); 10] = [
    (
        "elevator",
        160,
        &[
            "电梯又坏了，老人下不了楼 The lift is broken again",
            "电梯困人 Someone trapped in the lift",
        ],
    ),
    (
        "water",
        140,
        &[
            "楼上漏水 Water leaking from the flat above",
            "停水两天了 No water for two days",
        ],
    ),
    ("noise", 140, &["夜间装修噪音 Renovation noise at night"]),
    (
        "parking",
        130,
        &["电动车乱停堵住消防通道 Scooters block the fire lane"],
    ),
    ("sanitation", 120, &["垃圾站清运不及时 Bins not emptied"]),
    (
        "greenery",
        80,
        &["树枝挡住路灯 Branches cover the street light"],
    ),
    (
        "suggestion",
        100,
        &[
            "建议增设儿童游乐设施 Please add a playground",
            "建议开设老年智能手机课 Smartphone classes for seniors",
        ],
    ),
    ("heating", 60, &["暖气不热 Radiators are cold"]),
    (
        "safety",
        30,
        &[
            "楼道有煤气味 Smell of gas in the stairwell",
            "电线裸露 Exposed wire in the corridor",
        ],
    ),
    (
        ALLOCATION_COMPLAINT,
        25,
        &["补助分配不公平 The grants were unfair"],
    ),
];

pub(super) fn petitions(
    households: &[Household],
    quarter: Quarter,
    rng: &mut Rng,
) -> Vec<PetitionRecord> {
    let count = (households.len() / 10).max(1);
    let buildings: Vec<&str> = {
        let mut b: Vec<&str> = households.iter().map(|h| h.building.as_str()).collect();
        b.dedup();
        b
    };
    let start = quarter
        .first_day()
        .and_hms_opt(0, 0, 0)
        .map_or(DateTime::<Utc>::MIN_UTC, |t| t.and_utc());
    let seconds = 92 * 86_400 - 8 * 3_600;
    let total_weight: u64 = CATEGORIES.iter().map(|c| c.1).sum();
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let mut roll = rng.below(total_weight);
        let (category, _, texts) = CATEGORIES
            .iter()
            .find(|c| {
                if roll < c.1 {
                    true
                } else {
                    roll -= c.1;
                    false
                }
            })
            .copied()
            .unwrap_or(CATEGORIES[0]);
        // Lifts break in the same few buildings: hot spots.
        let building = if category == "elevator" && rng.chance(600) {
            buildings.get(2).or(buildings.first())
        } else {
            rng.pick(&buildings)
        }
        .map(|b| (*b).to_owned());
        let received = start
            .checked_add_signed(TimeDelta::seconds(
                i64::try_from(rng.below(seconds)).unwrap_or(0),
            ))
            .unwrap_or(start);
        let hours = match category {
            "safety" => 2 + rng.below(20),
            "elevator" | "water" | "heating" => 12 + rng.below(96),
            _ => 24 + rng.below(260),
        };
        let resolved = (!rng.chance(60)).then(|| {
            received
                .checked_add_signed(TimeDelta::hours(i64::try_from(hours).unwrap_or(0)))
                .unwrap_or(received)
        });
        let vulnerabilities = if rng.chance(80) {
            vec![triage::Vulnerability::Aged80LivingAlone]
        } else {
            Vec::new()
        };
        out.push(PetitionRecord {
            id: format!("P{:06}", i + 1),
            category: category.to_owned(),
            building,
            text: rng.pick(texts).copied().unwrap_or_default().to_owned(),
            vulnerabilities,
            received,
            resolved,
        });
    }
    out
}

/// Council meetings (15 members, 3 meetings) and volunteering (5% of households).
pub(super) fn activities(
    households: &[Household],
    quarter: Quarter,
    rng: &mut Rng,
) -> Vec<Activity> {
    let at = |day: u64, hour: u32| -> NaiveDateTime {
        quarter
            .first_day()
            .checked_add_days(Days::new(day))
            .and_then(|d| d.and_hms_opt(hour, 0, 0))
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    let members: Vec<&Household> = households
        .iter()
        .step_by((households.len() / 15).max(1))
        .take(15)
        .collect();
    for meeting in 0..3u64 {
        for m in &members {
            out.push(Activity {
                id: format!("meeting{}-{}", meeting + 1, m.id),
                resident: format!("r-{}", m.id),
                activity: "deliberation".to_owned(),
                quantity: points::Amount::from_whole(1),
                at: at(10 + meeting * 30, 19),
            });
        }
    }
    for h in households {
        if !rng.chance(50) {
            continue;
        }
        let shifts = 1 + rng.below(3);
        for s in 0..shifts {
            out.push(Activity {
                id: format!("volunteer-{}-{}", h.id, s + 1),
                resident: format!("r-{}", h.id),
                activity: "volunteering".to_owned(),
                quantity: points::Amount::from_hundredths(
                    i64::try_from(100 + 50 * rng.below(6)).unwrap_or(100),
                ),
                at: at(rng.below(90), 9 + u32::try_from(rng.below(8)).unwrap_or(0)),
            });
        }
    }
    out
}

pub(super) fn surveys(households: &[Household], rng: &mut Rng) -> Vec<Survey> {
    let mut by_group: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
    for h in households {
        *by_group.entry(h.group.as_str()).or_default() += 1;
    }
    by_group
        .into_iter()
        .map(|(group, n)| {
            let respondents = (n / 10).max(1);
            let per_mille = 840 + rng.below(130);
            Survey {
                group: group.to_owned(),
                respondents,
                satisfied: respondents * per_mille / 1000,
            }
        })
        .collect()
}
