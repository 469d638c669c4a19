//! Stored petitions against the pure lifecycle: the same petitions, the same
//! refusals, retries recognised, and a lookup that shows only what a resident
//! may see.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use guided_community_store::{Filed, Options, Petitions, Refusal, SqlitePetitions};
use guided_community_triage::{
    self as triage, Calendar, Colour, Command, Intake, Petition, SlaPolicy, new_codes,
};
use proptest::prelude::*;

mod common;

use common::{Scratch, scratch as scratch_in};

/// A fresh directory for one test's database.
fn scratch(name: &str) -> Scratch {
    scratch_in("petitions", name, "community.db")
}

fn open(path: &PathBuf) -> SqlitePetitions {
    SqlitePetitions::open(
        path,
        &Options::default(),
        Calendar::mainland_china(),
        SlaPolicy::default(),
    )
    .unwrap()
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn intake(id: &str, seed: u64, colour: Colour, received: DateTime<Utc>) -> Intake {
    Intake {
        id: id.to_owned(),
        code: new_codes(seed, 1).unwrap()[0],
        category: "water-leak".to_owned(),
        building: Some("3".to_owned()),
        colour,
        received,
    }
}

fn command(kind: u8, detail: u8) -> Command {
    match kind % 9 {
        0 => Command::Acknowledge,
        1 => Command::Start,
        2 => Command::Pause {
            reason: format!("waiting for photo {detail}"),
        },
        3 => Command::Resume,
        4 => Command::Resolve {
            summary: "pipe replaced".to_owned(),
        },
        // 0 and 6 are outside 1–5: refused by the lifecycle.
        5 => Command::Close {
            satisfaction: detail % 7,
        },
        6 => Command::Reopen {
            reason: "leaks again".to_owned(),
        },
        7 => Command::Merge {
            into: format!("p-{detail}"),
        },
        _ => Command::Refer {
            to: "water company".to_owned(),
        },
    }
}

fn colour(n: u8) -> Colour {
    [Colour::Red, Colour::Yellow, Colour::Blue][usize::from(n % 3)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Any sequence of commands on a few petitions — with times that sometimes
    /// go backwards, retries of the last command, and the store reopened now
    /// and then — leaves each stored petition equal to the pure lifecycle's,
    /// refuses exactly what the lifecycle refuses, and looks up the same SLA
    /// status.
    #[test]
    fn stored_petitions_are_the_lifecycle(
        petitions in 1usize..4,
        colours in proptest::collection::vec(0u8..3, 4),
        steps in proptest::collection::vec((0usize..4, 0u8..9, 0u8..8, -2i64..90, 0u8..10), 1..40),
    ) {
        let path = scratch("property");
        let calendar = Calendar::mainland_china();
        let policy = SlaPolicy::default();
        let mut store = open(&path);
        let start = at("2025-09-26T12:00:00Z");
        let mut model: Vec<Petition> = Vec::new();
        for (p, c) in colours.iter().take(petitions).enumerate() {
            let intake = intake(&format!("p-{p}"), p as u64 + 1, colour(*c), start);
            let filed = store.submit(intake.clone()).unwrap();
            let expected = triage::open(intake, &calendar, &policy).unwrap();
            prop_assert_eq!(&filed, &Filed::Recorded(expected.clone()));
            model.push(expected);
        }
        let mut clock = start;
        for (which, kind, detail, hours, special) in steps {
            let which = which % petitions;
            let id = format!("p-{which}");
            let current = model[which].clone();
            if special == 0 {
                // A retry of the last event, or of the submission.
                if let Some(last) = current.history.last() {
                    let filed = store.update(&id, last.at, last.command.clone()).unwrap();
                    prop_assert_eq!(filed, Filed::Duplicate(current.clone()));
                }
                continue;
            }
            if special == 1 {
                drop(store);
                store = open(&path);
                continue;
            }
            clock += Duration::hours(hours);
            let command = command(kind, detail);
            let filed = store.update(&id, clock, command.clone()).unwrap();
            // By the documented rule, the same event as the last one (same
            // time, same command) is a retry, whatever the lifecycle would say.
            let last = current.history.last();
            if last.is_some_and(|e| e.at == clock && e.command == command) {
                prop_assert_eq!(filed, Filed::Duplicate(current.clone()));
                continue;
            }
            match triage::apply(&current, command, clock, &calendar, &policy) {
                Ok(next) => {
                    prop_assert_eq!(filed, Filed::Recorded(next.clone()));
                    model[which] = next;
                }
                Err(error) => {
                    prop_assert_eq!(filed, Filed::Refused(Refusal::Lifecycle(error)));
                }
            }
        }
        let store = open(&path);
        for petition in &model {
            prop_assert_eq!(store.petition(&petition.id).unwrap(), Some(petition.clone()));
            let now = clock + Duration::hours(5);
            let seen = store.lookup(petition.code, now).unwrap().unwrap();
            let sla = triage::sla_status(petition, now, &calendar, &policy).unwrap();
            prop_assert_eq!(seen.sla, sla);
            prop_assert_eq!(seen.state, petition.state.name());
            prop_assert_eq!(seen.colour, petition.colour);
        }
    }
}

#[test]
fn submissions_are_idempotent_and_ids_and_codes_unique() {
    let path = scratch("submit");
    let mut store = open(&path);
    let first = intake("p-1", 1, Colour::Yellow, at("2025-09-26T12:00:00Z"));
    assert!(matches!(
        store.submit(first.clone()).unwrap(),
        Filed::Recorded(_)
    ));
    assert!(matches!(
        store.submit(first.clone()).unwrap(),
        Filed::Duplicate(_)
    ));
    let mut changed = first.clone();
    changed.colour = Colour::Red;
    assert_eq!(
        store.submit(changed).unwrap(),
        Filed::Refused(Refusal::IdReused { id: "p-1".into() })
    );
    let mut same_code = intake("p-2", 1, Colour::Blue, at("2025-09-26T12:00:00Z"));
    same_code.code = first.code;
    assert_eq!(
        store.submit(same_code).unwrap(),
        Filed::Refused(Refusal::CodeInUse { code: first.code })
    );
    let mut empty = first.clone();
    empty.id.clear();
    assert_eq!(
        store.submit(empty).unwrap(),
        Filed::Refused(Refusal::EmptyId)
    );
    assert_eq!(
        store
            .update("p-9", at("2025-09-27T00:00:00Z"), Command::Acknowledge)
            .unwrap(),
        Filed::Refused(Refusal::Unknown { id: "p-9".into() })
    );
    assert_eq!(store.ids().unwrap(), ["p-1"]);
}

#[test]
fn a_lookup_shows_no_ones_words() {
    let path = scratch("lookup");
    let mut store = open(&path);
    let mine = intake("p-1", 1, Colour::Yellow, at("2025-09-26T12:00:00Z"));
    store.submit(mine.clone()).unwrap();
    store
        .update(
            "p-1",
            at("2025-09-27T01:00:00Z"),
            Command::Merge {
                into: "p-secret-neighbour".into(),
            },
        )
        .unwrap();
    let seen = store
        .lookup(mine.code, at("2025-09-28T00:00:00Z"))
        .unwrap()
        .unwrap();
    let json = serde_json::to_string(&seen).unwrap();
    assert!(!json.contains("secret"), "{json}");
    assert!(!json.contains("water-leak"), "{json}");
    assert!(!json.contains("\"3\""), "{json}");
    assert_eq!(seen.state, "merged");
    let unknown = new_codes(99, 1).unwrap()[0];
    assert_eq!(
        store.lookup(unknown, at("2025-09-28T00:00:00Z")).unwrap(),
        None
    );
}

#[test]
fn an_event_the_lifecycle_refuses_is_reported_as_damage() {
    let path = scratch("damage");
    let mut store = open(&path);
    store
        .submit(intake("p-1", 1, Colour::Red, at("2025-09-26T12:00:00Z")))
        .unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO petition_event (petition, n, event) VALUES ('p-1', 0, '{\"at\":\"2025-09-27T00:00:00Z\",\"command\":\"close\",\"satisfaction\":5}')",
        [],
    )
    .unwrap();
    drop(conn);
    let store = open(&path);
    let error = store.petition("p-1").unwrap_err().to_string();
    assert!(
        error.contains(
            "petition `p-1` (event 0) does not replay: cannot close a petition that is submitted"
        ),
        "{error}"
    );
}
