//! [`proptest`](mod@proptest) strategies for allocation inputs: the ones this crate's own
//! properties use, exported (with the `proptest` feature) for researchers who want
//! to state fairness properties of their own.
//!
//! ```
//! use guided_community_pools::{allocate, strategy};
//! use proptest::prelude::*;
//!
//! proptest!(|((total, demands) in strategy::demands(), method in strategy::method())| {
//!     let plan = allocate(total, &demands, method).unwrap();
//!     let placed: u64 = plan.parts.iter().sum();
//!     prop_assert_eq!(placed + plan.unallocated, total);
//! });
//! ```

use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::{ApportionMethod, Demand};

/// Any of the five methods.
pub fn method() -> impl Strategy<Value = ApportionMethod> {
    proptest::sample::select(ApportionMethod::ALL.to_vec())
}

/// One of the four divisor methods (every method but Hamilton).
pub fn divisor_method() -> impl Strategy<Value = ApportionMethod> {
    proptest::sample::select(vec![
        ApportionMethod::DHondt,
        ApportionMethod::SainteLague,
        ApportionMethod::HuntingtonHill,
        ApportionMethod::Adams,
    ])
}

/// One to 24 integer weights below 1000, zeros included, at least one positive.
pub fn weights() -> impl Strategy<Value = Vec<u64>> {
    proptest::collection::vec(prop_oneof![1 => Just(0u64), 6 => 1u64..1000], 1..24)
        .prop_filter("at least one positive weight", |w| w.iter().any(|&x| x > 0))
}

/// A non-negative decimal weight with up to three decimals (mixed scales).
pub fn decimal_weight() -> impl Strategy<Value = Decimal> {
    (0u64..100_000, 0u32..=3)
        .prop_map(|(mantissa, scale)| Decimal::new(i64::try_from(mantissa).unwrap_or(0), scale))
}

/// A total below 10 000 and demands with integer weights, optional floors and
/// optional caps, such that the floors fit the total and each floor is at most its
/// cap. The caps may sum to less than the total.
pub fn demands() -> impl Strategy<Value = (u64, Vec<Demand>)> {
    let demand = (
        prop_oneof![1 => Just(0u64), 6 => 1u64..1000],
        prop_oneof![3 => Just(0u64), 1 => 0u64..300],
        prop::option::weighted(0.4, 0u64..2000),
    )
        .prop_map(|(weight, floor, cap)| Demand {
            weight: Decimal::from(weight),
            floor: cap.map_or(floor, |cap| floor.min(cap)),
            cap,
        });
    (proptest::collection::vec(demand, 1..16), 0u64..10_000)
        .prop_filter("at least one positive weight", |(demands, _)| {
            demands.iter().any(|d| d.weight > Decimal::ZERO)
        })
        .prop_map(|(demands, extra)| {
            let floors: u64 = demands.iter().map(|d| d.floor).sum();
            (floors + extra, demands)
        })
}

/// A valid pool policy: three shares in hundredths of a percent summing to exactly
/// 100%, each possibly zero.
pub fn pool_policy() -> impl Strategy<Value = crate::PoolPolicy> {
    (0i64..=10_000, 0i64..=10_000)
        .prop_map(|(a, b)| {
            let (low, high) = (a.min(b), a.max(b));
            let share = |bp: i64| Decimal::new(bp, 2);
            crate::PoolPolicy::try_new(share(low), share(high - low), share(10_000 - high))
        })
        .prop_filter_map("shares sum to 100%", core::result::Result::ok)
}
