//! [`proptest`](mod@proptest) strategies for inequality measures (with the
//! `proptest` feature): non-negative amounts, some zero, at least one
//! positive, and group labels for decompositions. They shrink towards fewer,
//! smaller, whole amounts.
//!
//! ```
//! use guided_community_metrics::{gini, strategy};
//! use proptest::prelude::*;
//!
//! // The Gini coefficient lies in [0, 1) and ignores the unit.
//! proptest!(|(values in strategy::amounts())| {
//!     let g = gini(&values).unwrap();
//!     prop_assert!(g >= rust_decimal::Decimal::ZERO && g < rust_decimal::Decimal::ONE);
//!     let doubled: Vec<_> = values.iter().map(|v| v * rust_decimal::Decimal::TWO).collect();
//!     prop_assert_eq!(gini(&doubled).unwrap(), g);
//! });
//! ```

use proptest::prelude::*;
use rust_decimal::Decimal;

/// 1 to 40 amounts in yuan with up to two decimals, below 100,000, a fifth
/// of them zero, at least one positive.
pub fn amounts() -> impl Strategy<Value = Vec<Decimal>> {
    proptest::collection::vec(
        prop_oneof![1 => Just(Decimal::ZERO), 4 => (0i64..10_000_000).prop_map(|c| Decimal::new(c, 2))],
        1..40,
    )
    .prop_filter("at least one positive amount", |v| v.iter().any(|x| x.is_sign_positive() && !x.is_zero()))
}

/// Amounts with a group label each (`g0` … `g3`), for between/within
/// decompositions.
pub fn grouped_amounts() -> impl Strategy<Value = (Vec<Decimal>, Vec<String>)> {
    amounts().prop_flat_map(|values| {
        let n = values.len();
        (
            Just(values),
            proptest::collection::vec((0u8..4).prop_map(|g| format!("g{g}")), n),
        )
    })
}
