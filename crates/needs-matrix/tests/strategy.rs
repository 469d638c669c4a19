//! The exported strategy gives cohorts the scorer accepts, with missing
//! values (set aside or imputed) and spread-out scores, not only degenerate
//! cases.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use guided_community_needs::{Matrix, ScoreOptions, score, strategy};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

#[test]
fn cohorts_are_scorable_and_varied() {
    let matrix = Matrix::default();
    let mut runner = TestRunner::deterministic();
    let (mut missing, mut spread) = (0, 0);
    for _ in 0..200 {
        let units = strategy::cohort(matrix.indicator_count())
            .new_tree(&mut runner)
            .unwrap()
            .current();
        missing += usize::from(units.iter().any(|u| u.values.iter().any(Option::is_none)));
        let scores = score(&matrix, &units, &ScoreOptions::default()).unwrap();
        let values: Vec<_> = scores.iter().map(|s| s.score).collect();
        spread += usize::from(values.iter().min() != values.iter().max());
    }
    assert!(missing > 100 && spread > 100, "{missing} {spread}");
}
