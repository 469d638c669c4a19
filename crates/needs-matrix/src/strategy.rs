//! [`proptest`](mod@proptest) strategies for needs scoring (with the
//! `proptest` feature): cohorts of households for a matrix, with missing
//! values, repeated values and outliers. They shrink towards fewer units and
//! rounder values.
//!
//! ```
//! use guided_community_needs::{score, strategy, Matrix, ScoreOptions};
//! use proptest::prelude::*;
//!
//! // Every scored unit's contributions add up to its score.
//! let matrix = Matrix::default();
//! proptest!(|(units in strategy::cohort(matrix.indicator_count()))| {
//!     let scores = score(&matrix, &units, &ScoreOptions::default()).unwrap();
//!     for s in scores.iter() {
//!         prop_assert_eq!(s.contributions.iter().sum::<rust_decimal::Decimal>(), s.score);
//!     }
//! });
//! ```

use proptest::prelude::*;

use crate::Unit;

/// One value: usually a whole or half number below 100, sometimes missing
/// (one in eight), sometimes an outlier up to 10,000.
fn value() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        1 => Just(None),
        6 => (0u32..200).prop_map(|h| Some(f64::from(h) / 2.0)),
        1 => (0u32..10_000).prop_map(|x| Some(f64::from(x))),
    ]
}

/// 1 to 60 units `h1`, `h2`, … with `indicators` values each.
pub fn cohort(indicators: usize) -> impl Strategy<Value = Vec<Unit>> {
    proptest::collection::vec(proptest::collection::vec(value(), indicators), 1..60).prop_map(
        |rows| {
            rows.into_iter()
                .enumerate()
                .map(|(i, values)| Unit::new(format!("h{}", i + 1), values))
                .collect()
        },
    )
}
