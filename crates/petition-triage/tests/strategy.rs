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
