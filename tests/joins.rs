//! The joins between domains, checked as properties over the domains'
//! strategies.

use guided_community::{deliberation, joins};
use proptest::prelude::*;
use rust_decimal::Decimal;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The lottery's measures agree with its chances: the geometric mean lies
    /// between the smallest chance and the mean (seats / pool), and is 0
    /// exactly when someone cannot be selected; the Gini is 0 exactly when
    /// every chance is equal.
    #[test]
    fn lottery_measures_agree_with_the_chances(pool in deliberation::strategy::council_pool(), seed: u64) {
        let selection = deliberation::select(&pool.volunteers, pool.seats, &pool.rules, seed).unwrap();
        let m = joins::lottery_measures(&selection).unwrap();
        let mean = Decimal::from(pool.seats) / Decimal::from(pool.volunteers.len());
        let slack = Decimal::new(1, 9);
        prop_assert!(m.geometric_mean <= mean + slack, "{m:?} mean {mean}");
        if selection.unselectable.is_empty() {
            prop_assert!(m.geometric_mean + slack >= m.minimum.to_decimal(18), "{m:?}");
        } else {
            prop_assert_eq!(m.geometric_mean, Decimal::ZERO);
        }
        let first = &selection.probabilities[0].probability;
        let equal = selection.probabilities.iter().all(|c| c.probability == *first);
        prop_assert_eq!(m.gini.is_zero(), equal, "{:?}", m);
        prop_assert!(m.gini >= Decimal::ZERO && m.gini < Decimal::ONE);
    }
}
