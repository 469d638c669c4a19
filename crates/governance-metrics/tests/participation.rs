//! Who takes part: hand-computed examples and properties.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

use chrono::NaiveDate;
use guided_community_metrics::{
    Attendance, Depth, ParticipationOptions, Person, RepresentationFlag, Roster, channel_effect,
    composition, falling_groups, participation, pipeline, tenant_representatives,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 7, d).unwrap()
}

fn came(id: &str, channel: &str, d: u32) -> Attendance {
    Attendance {
        resident: id.into(),
        channel: channel.into(),
        on: day(d),
    }
}

#[test]
fn small_groups_are_marked_and_unknown_records_set_aside() {
    let mut people: Vec<Person> = (0..40)
        .map(|i| Person::new(format!("a{i}")).with("group", "owners"))
        .collect();
    people.extend((0..5).map(|i| Person::new(format!("b{i}")).with("group", "floating")));
    people.push(Person::new("c0"));
    let records = vec![
        came("a0", "council", 1),
        came("a0", "vote", 2),
        came("b0", "vote", 2),
        came("zz", "vote", 3),
    ];
    let p = participation(&people, &records, &ParticipationOptions::default()).unwrap();
    assert_eq!((p.residents, p.participants), (46, 2));
    let floating = p.groups.iter().find(|g| g.group == "floating").unwrap();
    assert_eq!(floating.flag, RepresentationFlag::Small);
    assert!(p.groups.iter().any(|g| g.group == "unstated"));
    // Small groups are never ranked among the least reached.
    assert_eq!(p.least_reached, ["owners"]);
    assert_eq!(p.unknown.len(), 1);
    assert_eq!(p.unknown[0].resident, "zz");
    // A person counts once per channel, once overall.
    let owners = &p.groups[0];
    assert_eq!(owners.participants, 1);
    assert_eq!(owners.channels.len(), 2);
    let vote = p.channels.iter().find(|c| c.channel == "vote").unwrap();
    assert_eq!((vote.records, vote.participants), (2, 2));
}

#[test]
fn trends_channels_bodies_and_the_pipeline() {
    let people: Vec<Person> = (0..100)
        .map(|i| {
            Person::new(format!("r{i}"))
                .with("group", if i < 50 { "young" } else { "seniors" })
                .with("tenure", if i % 4 == 0 { "tenant" } else { "owner" })
                .with("building", format!("{}", i % 5))
        })
        .collect();
    // Falling three times in a row: young 40%, 30%, 20%, 10%.
    let periods: Vec<(String, _)> = [20usize, 15, 10, 5]
        .iter()
        .enumerate()
        .map(|(k, &n)| {
            let records: Vec<Attendance> = (0..n)
                .map(|i| came(&format!("r{i}"), "council", 1))
                .chain((50..60).map(|i| came(&format!("r{i}"), "council", 1)))
                .collect();
            (
                format!("Q{k}"),
                participation(&people, &records, &ParticipationOptions::default()).unwrap(),
            )
        })
        .collect();
    let falling = falling_groups(&periods, 3);
    assert_eq!(falling.len(), 1);
    assert_eq!(falling[0].group, "young");
    assert_eq!(falling[0].rates.len(), 4);
    // An online evening council opened on the 15th: 10 young before, 14 after.
    let mut records: Vec<Attendance> = (0..10)
        .map(|i| came(&format!("r{i}"), "council", 10))
        .collect();
    records.extend((0..14).map(|i| came(&format!("r{i}"), "online-evening", 16)));
    let effect = channel_effect(&people, &records, "group", "online-evening", day(15), 10).unwrap();
    let young = effect.iter().find(|e| e.group == "young").unwrap();
    assert_eq!(
        (young.before, young.after, young.through_channel),
        (10, 14, 14)
    );
    assert_eq!(young.change, Some(Decimal::new(4, 1)));
    // The council: 7 members, 1 tenant — tenants are 25% of residents.
    let council: Vec<Person> = people
        .iter()
        .filter(|p| ["r0", "r1", "r2", "r3", "r5", "r6", "r7"].contains(&p.id.as_str()))
        .cloned()
        .collect();
    let lines = composition(&council, &people, "tenure");
    let tenants = lines.iter().find(|l| l.group == "tenant").unwrap();
    assert_eq!(
        (tenants.members, tenants.member_share.to_string()),
        (1, "0.1429".to_owned())
    );
    assert!(tenants.gap < Decimal::ZERO);
    // Tenant representatives: r0 (building 0) only; buildings 1–4 have tenants and none.
    let reps: Vec<Person> = people.iter().filter(|p| p.id == "r0").cloned().collect();
    let buildings = tenant_representatives(&reps, &people, "building", "tenure", "tenant");
    assert_eq!(
        buildings
            .iter()
            .filter(|b| b.gap.as_deref() == Some("none"))
            .count(),
        4
    );
    // The pipeline: 10 leaders, then 12 (+20%) with 3 young added.
    let roster = |period: &str, leaders: usize, young: usize| Roster {
        period: period.into(),
        members: (0..leaders)
            .map(|i| {
                (
                    format!("r{i}"),
                    if i % 2 == 0 {
                        Depth::Contact
                    } else {
                        Depth::Representative
                    },
                    i >= leaders - young,
                )
            })
            .chain((50..60).map(|i| (format!("r{i}"), Depth::Active, false)))
            .collect(),
    };
    let steps = pipeline(&[roster("2025", 10, 0), roster("2026", 12, 3)]);
    assert_eq!(steps[1].leaders, 12);
    assert_eq!(steps[1].growth, Some(Decimal::new(2, 1)));
    assert_eq!(steps[1].growth_on_target, Some(true));
    assert_eq!((steps[1].young_added, steps[1].young_on_target), (2, false));
}

fn population() -> impl Strategy<Value = (Vec<Person>, Vec<Attendance>)> {
    (
        proptest::collection::vec(0u8..4, 1..200),
        proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3), 0..300),
    )
        .prop_map(|(groups, picks)| {
            let people: Vec<Person> = groups
                .iter()
                .enumerate()
                .map(|(i, g)| Person::new(format!("p{i}")).with("group", format!("g{g}")))
                .collect();
            let records = picks
                .iter()
                .map(|(who, c)| {
                    came(
                        &people[who.index(people.len())].id,
                        ["vote", "council", "online"][*c as usize],
                        1,
                    )
                })
                .collect();
            (people, records)
        })
}

proptest! {
    #[test]
    fn rates_add_up_and_stay_in_range((people, records) in population()) {
        let mut options = ParticipationOptions::default();
        options.min_group = 0;
        let p = participation(&people, &records, &options).unwrap();
        prop_assert_eq!(p.groups.iter().map(|g| g.participants).sum::<u64>(), p.participants);
        prop_assert_eq!(p.groups.iter().map(|g| g.residents).sum::<u64>(), p.residents);
        for g in &p.groups {
            prop_assert!(g.rate >= Decimal::ZERO && g.rate <= Decimal::ONE);
            prop_assert!(g.participants <= g.residents);
        }
        for c in &p.channels {
            prop_assert!(c.participants <= p.participants && c.rate <= Decimal::ONE);
        }
    }

    /// Adding a participant never lowers their group's rate.
    #[test]
    fn one_more_participant_never_lowers_the_rate((people, records) in population(), who in any::<prop::sample::Index>()) {
        let options = ParticipationOptions::default();
        let before = participation(&people, &records, &options).unwrap();
        let person = &people[who.index(people.len())];
        let mut more = records.clone();
        more.push(came(&person.id, "vote", 2));
        let after = participation(&people, &more, &options).unwrap();
        let group = &person.attributes["group"];
        let rate = |p: &guided_community_metrics::Participation| p.groups.iter().find(|g| &g.group == group).unwrap().rate;
        prop_assert!(rate(&after) >= rate(&before));
    }

    /// Where every group takes part at the same rate, every ratio is 1.
    #[test]
    fn equal_rates_are_fair_shares(sizes in proptest::collection::vec(1usize..20, 1..6), k in 1usize..5) {
        let mut people = Vec::new();
        let mut records = Vec::new();
        for (g, &n) in sizes.iter().enumerate() {
            for i in 0..n * k {
                let id = format!("g{g}-{i}");
                if i < n {
                    records.push(came(&id, "vote", 1));
                }
                people.push(Person::new(id).with("group", format!("g{g}")));
            }
        }
        let p = participation(&people, &records, &ParticipationOptions::default()).unwrap();
        for g in &p.groups {
            prop_assert_eq!(g.ratio, Some(Decimal::ONE), "{:?}", g);
        }
    }
}

/// A group per person and thousands of channels: the per-group channel counts
/// go in a map instead of a table of groups × channels, and agree with it.
#[test]
fn many_groups_and_channels_are_counted_sparsely() {
    let people: Vec<Person> = (0..3_000)
        .map(|i| Person::new(format!("p{i}")).with("group", format!("g{i}")))
        .collect();
    let records: Vec<Attendance> = (0..3_000)
        .flat_map(|i| {
            [
                came(&format!("p{i}"), &format!("c{}", i % 2_000), 1),
                came(&format!("p{i}"), "vote", 2),
            ]
        })
        .collect();
    let p = participation(&people, &records, &ParticipationOptions::by("group")).unwrap();
    assert_eq!(p.participants, 3_000);
    for g in &p.groups {
        let i: usize = g.group[1..].parse().unwrap();
        assert_eq!(g.channels.len(), 2, "{g:?}");
        assert_eq!(g.channels[&format!("c{}", i % 2_000)], 1);
        assert_eq!(g.channels["vote"], 1);
    }
}
