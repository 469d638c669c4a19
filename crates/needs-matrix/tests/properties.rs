//! Properties a user of the needs matrix relies on, and the article's segments.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use guided_community_needs::{
    Aggregation, Dimension, Direction, Indicator, Matrix, MissingPolicy, Normalization,
    ScoreOptions, Unit, Weights, score,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn normalization() -> impl Strategy<Value = Normalization> {
    prop_oneof![
        Just(Normalization::MinMax),
        Just(Normalization::Percentile),
        Just(Normalization::ExponentialRank)
    ]
}

/// A matrix of 1–4 dimensions with 1–2 indicators each, weights summing to 100.
fn matrix() -> impl Strategy<Value = Matrix> {
    let dimension = proptest::collection::vec((any::<bool>(), normalization()), 1..=2);
    (
        proptest::collection::vec((dimension, 1u32..50), 1..=4),
        prop::sample::select(vec![
            MissingPolicy::Reject,
            MissingPolicy::ImputeMedian,
            MissingPolicy::Reweight,
        ]),
    )
        .prop_map(|(dims, missing)| {
            let raw: u32 = dims.iter().map(|d| d.1).sum();
            let mut left = 100u32;
            let count = dims.len();
            let dimensions = dims
                .into_iter()
                .enumerate()
                .map(|(d, (indicators, w))| {
                    let weight = if d + 1 == count {
                        left
                    } else {
                        (w * 100 / raw).min(left)
                    };
                    left -= weight;
                    Dimension {
                        id: format!("d{d}"),
                        name: format!("dimension {d}"),
                        weight: Decimal::from(weight),
                        indicators: indicators
                            .into_iter()
                            .enumerate()
                            .map(|(k, (more, normalization))| Indicator {
                                id: format!("d{d}i{k}"),
                                source: "generated".into(),
                                direction: if more {
                                    Direction::MoreNeed
                                } else {
                                    Direction::LessNeed
                                },
                                normalization,
                                weight: Decimal::ONE,
                            })
                            .collect(),
                        missing,
                    }
                })
                .collect();
            Matrix::try_new(dimensions).unwrap()
        })
}

/// A matrix and a cohort of 1–30 units for it, some values missing.
fn cohort() -> impl Strategy<Value = (Matrix, Vec<Unit>)> {
    matrix().prop_flat_map(|matrix| {
        let m = matrix.indicator_count();
        let value = prop_oneof![8 => (-100.0f64..100.0).prop_map(Some), 1 => Just(None)];
        let units = proptest::collection::vec(proptest::collection::vec(value, m), 1..30).prop_map(
            |rows| {
                rows.into_iter()
                    .enumerate()
                    .map(|(i, values)| Unit::new(format!("u{i:02}"), values))
                    .collect::<Vec<_>>()
            },
        );
        (Just(matrix), units)
    })
}

fn aggregation() -> impl Strategy<Value = Aggregation> {
    prop_oneof![Just(Aggregation::WeightedSum), Just(Aggregation::Topsis)]
}

proptest! {
    #[test]
    fn scores_are_between_0_and_100((matrix, units) in cohort(), aggregation in aggregation()) {
        let scores = score(&matrix, &units, &ScoreOptions::default().with_aggregation(aggregation)).unwrap();
        prop_assert_eq!(scores.len() + scores.diagnostics().len(), units.len());
        for unit in scores.iter() {
            prop_assert!(unit.score >= Decimal::ZERO && unit.score <= Decimal::ONE_HUNDRED, "{}", unit.score);
            if aggregation == Aggregation::WeightedSum {
                prop_assert_eq!(unit.contributions.iter().sum::<Decimal>(), unit.score);
            }
        }
        let mut ranks: Vec<u32> = scores.iter().map(|u| u.rank).collect();
        ranks.sort_unstable();
        prop_assert_eq!(ranks, (1..=u32::try_from(scores.len()).unwrap()).collect::<Vec<_>>());
    }

    #[test]
    fn raising_a_more_need_value_never_lowers_a_weighted_sum(
        (matrix, units) in cohort(),
        which in any::<prop::sample::Index>(),
        raise in 0.0f64..50.0,
    ) {
        let options = ScoreOptions::default();
        let before = score(&matrix, &units, &options).unwrap();
        prop_assume!(!before.is_empty());
        let target = before.get(which.index(before.len())).unwrap().id;
        let i = units.iter().position(|u| u.id == target).unwrap();
        for (j, indicator) in matrix.indicators().enumerate() {
            let Some(v) = units[i].values[j] else { continue };
            let mut changed = units.clone();
            changed[i].values[j] = Some(match indicator.direction {
                Direction::MoreNeed => v + raise,
                Direction::LessNeed => v - raise,
            });
            let after = score(&matrix, &changed, &options).unwrap();
            let score_of = |s: &guided_community_needs::Scores| s.iter().find(|u| u.id == target).unwrap().score;
            prop_assert!(score_of(&after) >= score_of(&before), "indicator {} lowered {}", indicator.id, target);
        }
    }

    #[test]
    fn permuting_units_permutes_the_output((matrix, units) in cohort(), aggregation in aggregation(), seed: u64) {
        let options = ScoreOptions::default().with_aggregation(aggregation);
        let mut shuffled = units.clone();
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            shuffled.swap(i, usize::try_from(state >> 33).unwrap() % (i + 1));
        }
        let a = score(&matrix, &units, &options).unwrap();
        let b = score(&matrix, &shuffled, &options).unwrap();
        let mut by_id_a: Vec<_> = a.iter().collect();
        let mut by_id_b: Vec<_> = b.iter().collect();
        by_id_a.sort_by(|x, y| x.id.cmp(&y.id));
        by_id_b.sort_by(|x, y| x.id.cmp(&y.id));
        prop_assert_eq!(by_id_a, by_id_b);
    }

    #[test]
    fn weights_not_summing_to_100_are_rejected(parts in proptest::collection::vec(0u32..60, 1..6)) {
        let sum: u32 = parts.iter().sum();
        prop_assert_eq!(Weights::try_new(parts.clone()).is_ok(), sum == 100);
        let dims: Vec<Dimension> = parts.iter().enumerate().map(|(d, &w)| Dimension {
            id: format!("d{d}"),
            name: String::new(),
            weight: Decimal::from(w),
            indicators: vec![Indicator {
                id: format!("i{d}"),
                source: String::new(),
                direction: Direction::MoreNeed,
                normalization: Normalization::MinMax,
                weight: Decimal::ONE,
            }],
            missing: MissingPolicy::Reject,
        }).collect();
        prop_assert_eq!(Matrix::try_new(dims).is_ok(), sum == 100);
    }
}

/// Values for the article's matrix, in its indicator order.
#[allow(
    clippy::too_many_arguments,
    reason = "one argument per indicator of the article's matrix"
)]
fn household(
    id: &str,
    age: f64,
    alone_80: f64,
    chronic: f64,
    income: f64,
    activities: f64,
    assessment: f64,
) -> Unit {
    Unit::new(
        id,
        vec![
            Some(age),
            Some(alone_80),
            Some(0.0),
            Some(chronic),
            Some(0.0),
            Some(income),
            Some(activities),
            Some(assessment),
            Some(0.0),
        ],
    )
}

#[test]
fn everyone_over_60_alike_hides_what_the_matrix_sees() {
    // Three households: an 86-year-old living alone with two chronic conditions, on
    // less than the local minimum, never at an activity; an active 63-year-old;
    // and a 45-year-old.
    let units = [
        household("alone-86", 86.0, 1.0, 2.0, 0.9, 0.0, 3.0),
        household("active-63", 63.0, 0.0, 0.0, 2.4, 15.0, 0.0),
        household("adult-45", 45.0, 0.0, 0.0, 1.6, 4.0, 0.0),
    ];
    // "Everyone over 60 alike": one dimension, age 60+ scores 100.
    let over_60: Matrix = serde_json::from_str(
        r#"{"dimensions": [{"id": "age", "name": "Aged 60+", "weight": 100, "indicators": [
            {"id": "oldest_age", "source": "census", "direction": "more-need",
             "normalization": {"kind": "rubric", "bands": [{"at_least": 0, "need": 0}, {"at_least": 60, "need": 100}]}}
        ]}]}"#,
    )
    .unwrap();
    let age_only: Vec<Unit> = units
        .iter()
        .map(|u| Unit::new(u.id.as_str(), vec![u.values[0]]))
        .collect();
    let alike = score(&over_60, &age_only, &ScoreOptions::default()).unwrap();
    let tier = |s: &guided_community_needs::Scores, i: usize| s.get(i).unwrap().tier;
    assert_eq!(tier(&alike, 0), "high");
    assert_eq!(
        tier(&alike, 1),
        "high",
        "the active 63-year-old gets the same as the isolated 86-year-old"
    );

    let article = score(&Matrix::default(), &units, &ScoreOptions::default()).unwrap();
    assert_eq!(tier(&article, 0), "high");
    assert_eq!(
        tier(&article, 1),
        "low",
        "the active young-old are not in need"
    );
    assert!(article.get(0).unwrap().flags.silent_need);
    assert!(!article.get(1).unwrap().flags.silent_need);
}

#[test]
fn missing_value_policies() {
    let matrix = |missing| {
        let mut dims = Matrix::default().dimensions().to_vec();
        for d in &mut dims {
            d.missing = missing;
        }
        Matrix::try_new(dims).unwrap()
    };
    let complete = household("complete", 75.0, 0.0, 1.0, 1.2, 2.0, 1.0);
    let mut gap = household("gap", 75.0, 0.0, 1.0, 1.2, 2.0, 1.0);
    gap.values[5] = None; // no income check on file
    let units = [complete.clone(), gap.clone()];

    let rejected = score(
        &matrix(MissingPolicy::Reject),
        &units,
        &ScoreOptions::default(),
    )
    .unwrap();
    assert_eq!(rejected.len(), 1);
    assert_eq!(
        rejected.diagnostics()[0].error.to_string(),
        "unit `gap` has no value for `income_to_local_minimum`"
    );

    let imputed = score(
        &matrix(MissingPolicy::ImputeMedian),
        &units,
        &ScoreOptions::default(),
    )
    .unwrap();
    assert!(imputed.get(1).unwrap().flags.imputed);
    assert_eq!(
        imputed.get(0).unwrap().score,
        imputed.get(1).unwrap().score,
        "the median of one value is that value"
    );

    let reweighted = score(
        &matrix(MissingPolicy::Reweight),
        &units,
        &ScoreOptions::default(),
    )
    .unwrap();
    let partial = reweighted.get(1).unwrap();
    assert!(partial.flags.partial);
    assert_eq!(partial.contributions[2], Decimal::ZERO);
    assert_eq!(partial.contributions.iter().sum::<Decimal>(), partial.score);
}

#[test]
fn a_constant_column_contributes_nothing() {
    let dims = vec![Dimension {
        id: "d".into(),
        name: "d".into(),
        weight: Decimal::ONE_HUNDRED,
        indicators: vec![Indicator {
            id: "x".into(),
            source: "s".into(),
            direction: Direction::MoreNeed,
            normalization: Normalization::MinMax,
            weight: Decimal::ONE,
        }],
        missing: MissingPolicy::Reject,
    }];
    let matrix = Matrix::try_new(dims).unwrap();
    for normalization in [Normalization::MinMax, Normalization::Percentile] {
        let mut dims = matrix.dimensions().to_vec();
        dims[0].indicators[0].normalization = normalization;
        let m = Matrix::try_new(dims).unwrap();
        let units: Vec<Unit> = (0..4)
            .map(|i| Unit::new(format!("u{i}"), vec![Some(7.0)]))
            .collect();
        let scores = score(&m, &units, &ScoreOptions::default()).unwrap();
        assert!(scores.iter().all(|u| u.score.is_zero()));
        // Ties by id.
        assert_eq!(
            scores.iter().map(|u| u.rank).collect::<Vec<_>>(),
            [1, 2, 3, 4]
        );
    }
}
