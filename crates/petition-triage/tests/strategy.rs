//! The exported strategies give submissions of every colour and receipt
//! times the calendar covers.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use guided_community_triage::{
    Calendar, Colour, SlaPolicy, TriageRules, classify, deadline, strategy,
};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

#[test]
fn submissions_reach_every_colour_and_times_every_deadline() {
    let mut runner = TestRunner::deterministic();
    let mut colours = std::collections::BTreeSet::new();
    let (calendar, policy) = (Calendar::mainland_china(), SlaPolicy::default());
    for _ in 0..300 {
        let submission = strategy::submission()
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let triage = classify(&submission, &TriageRules::default());
        colours.insert(format!("{:?}", triage.colour));
        let at = strategy::received()
            .new_tree(&mut runner)
            .unwrap()
            .current();
        // Deadlines late in 2026 may fall in 2027, which the built-in calendar
        // does not cover: an error, not a panic.
        let _ = deadline(policy.response.of(Colour::Yellow), at, &calendar, &policy);
    }
    assert_eq!(colours.len(), 3, "{colours:?}");
}

#[test]
fn calendars_are_varied_and_answer_for_every_covered_day() {
    let mut runner = TestRunner::deterministic();
    let (mut holidays, mut workdays, mut spans) = (0, 0, std::collections::BTreeSet::new());
    for _ in 0..200 {
        let calendar = strategy::calendar()
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let years = calendar.years();
        spans.insert(years.len());
        let (&first, &last) = (years.keys().next().unwrap(), years.keys().last().unwrap());
        assert_eq!(
            last - first + 1,
            i32::try_from(years.len()).unwrap(),
            "consecutive"
        );
        for (year, data) in years {
            holidays += data.holidays.len();
            workdays += data.workdays.len();
            for date in data.holidays.keys() {
                assert!(!calendar.is_working_day(*date).unwrap(), "{year}: {date}");
            }
            for date in data.workdays.keys() {
                assert!(calendar.is_working_day(*date).unwrap(), "{year}: {date}");
            }
        }
        // Round trip through the JSON form a service would store.
        let json = serde_json::to_string(&calendar).unwrap();
        assert_eq!(serde_json::from_str::<Calendar>(&json).unwrap(), calendar);
    }
    assert_eq!(spans.len(), 3, "one to three years: {spans:?}");
    assert!(
        holidays > 1000 && workdays > 100,
        "{holidays} holidays, {workdays} make-up days"
    );
}

#[test]
fn lifecycles_are_accepted_and_reach_every_state() {
    let mut runner = TestRunner::deterministic();
    let (calendar, policy) = (Calendar::mainland_china(), SlaPolicy::default());
    let mut states = std::collections::BTreeSet::new();
    let mut longest = 0;
    for _ in 0..500 {
        let (intake, events) = strategy::lifecycle()
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let mut petition = guided_community_triage::open(intake, &calendar, &policy).unwrap();
        states.insert(petition.state.name());
        for event in &events {
            petition = guided_community_triage::apply(
                &petition,
                event.command.clone(),
                event.at,
                &calendar,
                &policy,
            )
            .unwrap_or_else(|e| panic!("{event:?} after {:?}: {e}", petition.state));
            states.insert(petition.state.name());
        }
        longest = longest.max(petition.cycles.len());
    }
    assert_eq!(states.len(), 8, "{states:?}");
    assert_eq!(longest, 3, "reopened as often as the policy allows");
}
