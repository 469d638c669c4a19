//! Properties of the inequality measures.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

use guided_community_metrics::{gini, inequality, theil};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn amounts() -> impl Strategy<Value = Vec<u64>> {
    proptest::collection::vec(prop_oneof![1 => Just(0u64), 8 => 1u64..1_000_000], 2..50)
        .prop_filter("not all zero", |v| v.iter().any(|&x| x > 0))
}

fn decimals(values: &[u64]) -> Vec<Decimal> {
    values.iter().map(|&v| Decimal::from(v)).collect()
}

/// The precision at which double-precision measures are reported.
fn reported_precision() -> Decimal {
    Decimal::new(2, 12)
}

proptest! {
    #[test]
    fn gini_is_in_0_1(values in amounts()) {
        let g = gini(&decimals(&values)).unwrap();
        prop_assert!(g >= Decimal::ZERO && g < Decimal::ONE);
    }

    #[test]
    fn scale_invariance(values in amounts(), k in 2u64..1000) {
        let base = decimals(&values);
        let scaled: Vec<Decimal> = values.iter().map(|&v| Decimal::from(v * k)).collect();
        prop_assert_eq!(gini(&base).unwrap(), gini(&scaled).unwrap());
        let (a, b) = (theil(&base).unwrap(), theil(&scaled).unwrap());
        prop_assert!((a - b).abs() <= reported_precision());
        // Fen or yuan: the same distribution.
        let yuan: Vec<Decimal> = values.iter().map(|&v| Decimal::new(i64::try_from(v).unwrap(), 2)).collect();
        prop_assert_eq!(gini(&base).unwrap(), gini(&yuan).unwrap());
    }

    #[test]
    fn a_transfer_from_richer_to_poorer_never_raises_gini_or_theil(
        values in amounts(),
        i in any::<prop::sample::Index>(),
        j in any::<prop::sample::Index>(),
        fraction in 0.0f64..1.0,
    ) {
        let (i, j) = (i.index(values.len()), j.index(values.len()));
        let (poor, rich) = if values[i] <= values[j] { (i, j) } else { (j, i) };
        prop_assume!(poor != rich && values[rich] > values[poor]);
        // Move up to half the gap, so their order is kept.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss, reason = "a test amount")]
        let amount = (((values[rich] - values[poor]) / 2) as f64 * fraction) as u64;
        let mut after = values.clone();
        after[rich] -= amount;
        after[poor] += amount;
        prop_assert!(gini(&decimals(&after)).unwrap() <= gini(&decimals(&values)).unwrap());
        prop_assert!(theil(&decimals(&after)).unwrap() <= theil(&decimals(&values)).unwrap() + reported_precision());
    }

    #[test]
    fn between_plus_within_is_total(values in amounts(), labels in proptest::collection::vec(0u8..4, 50)) {
        let groups: Vec<String> = labels.iter().take(values.len()).map(ToString::to_string).collect();
        let m = inequality(&decimals(&values), Some(&groups)).unwrap();
        let sum = m.theil_between.unwrap() + m.theil_within.unwrap();
        prop_assert!((sum - m.theil_t.unwrap()).abs() <= reported_precision(), "{} + {} vs {}", m.theil_between.unwrap(), m.theil_within.unwrap(), m.theil_t.unwrap());
        prop_assert!(m.theil_between.unwrap() >= -reported_precision());
    }
}
