//! The exported strategy gives command sequences the bank executes, with
//! the retries it promises (duplicates and reused ids), not only clean runs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use guided_community_points::{Error, Ledger, strategy};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

#[test]
fn commands_include_retries_and_reused_ids() {
    let mut runner = TestRunner::deterministic();
    let (mut reused, mut duplicated) = (0, 0);
    for _ in 0..100 {
        let commands = strategy::commands()
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let mut ledger = Ledger::new();
        for (at, command) in commands {
            let before = ledger.events().len();
            let result = ledger.execute(command, at);
            reused += usize::from(matches!(result, Err(Error::IdReused { .. })));
            duplicated += usize::from(result.is_ok() && ledger.events().len() == before);
        }
    }
    assert!(reused > 10 && duplicated > 10, "{reused} {duplicated}");
}
