//! The exported strategies give inputs the measures accept, and not only
//! degenerate ones.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use guided_community_metrics::{gini, inequality, strategy};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

#[test]
fn amounts_are_measurable_and_varied() {
    let mut runner = TestRunner::deterministic();
    let (mut unequal, mut zeros) = (0, 0);
    for _ in 0..200 {
        let values = strategy::amounts().new_tree(&mut runner).unwrap().current();
        unequal += usize::from(!gini(&values).unwrap().is_zero());
        zeros += usize::from(values.iter().any(rust_decimal::Decimal::is_zero));
        let (values, groups) = strategy::grouped_amounts()
            .new_tree(&mut runner)
            .unwrap()
            .current();
        inequality(&values, Some(&groups)).unwrap();
    }
    assert!(unequal > 100 && zeros > 50, "{unequal} {zeros}");
}
