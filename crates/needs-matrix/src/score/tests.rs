//! Tests of the whole scoring: every path and split against each other, and the
//! textbook definitions.

use proptest::prelude::*;

use super::*;
use crate::matrix::{Dimension, Direction, Indicator, MissingPolicy, Normalization, Rubric};
use crate::par::Par;
use crate::unit::{Unit, UnitId};
use rust_decimal::Decimal;

fn one_column(normalization: Normalization, direction: Direction) -> Matrix {
    Matrix::try_new(vec![Dimension {
        id: "d".into(),
        name: "d".into(),
        weight: Decimal::ONE_HUNDRED,
        indicators: vec![Indicator {
            id: "x".into(),
            source: "s".into(),
            direction,
            normalization,
            weight: Decimal::ONE,
        }],
        missing: MissingPolicy::Reject,
    }])
    .unwrap()
}

fn scores_of(matrix: &Matrix, values: &[f64], options: &ScoreOptions) -> Vec<String> {
    let units: Vec<Unit> = values
        .iter()
        .enumerate()
        .map(|(i, &v)| Unit::new(format!("u{i}"), vec![Some(v)]))
        .collect();
    score(matrix, &units, options)
        .unwrap()
        .iter()
        .map(|u| u.score.to_string())
        .collect()
}

#[test]
fn percentile_ranks_ties_take_the_lowest_rank() {
    let m = one_column(Normalization::Percentile, Direction::MoreNeed);
    // Ranks 1, 2, 2, 4, 5 → (rank − 1) / 4.
    assert_eq!(
        scores_of(&m, &[1.0, 5.0, 5.0, 7.0, 9.0], &ScoreOptions::default()),
        ["0", "25", "25", "75", "100"]
    );
    let less = one_column(Normalization::Percentile, Direction::LessNeed);
    assert_eq!(
        scores_of(&less, &[1.0, 9.0], &ScoreOptions::default()),
        ["100", "0"]
    );
}

#[test]
fn the_exponential_rank_transform_stretches_the_top() {
    let m = one_column(Normalization::ExponentialRank, Direction::MoreNeed);
    let values: Vec<f64> = (1..=10).map(f64::from).collect();
    let scores = scores_of(&m, &values, &ScoreOptions::default());
    let parsed: Vec<f64> = scores.iter().map(|s| s.parse().unwrap()).collect();
    assert!(
        (parsed[9] - 100.0).abs() < 1e-9,
        "the most deprived gets 100"
    );
    // The bottom half is compressed: the median household is well below 50.
    assert!(parsed[4] < 20.0 && parsed[8] > 50.0, "{parsed:?}");
}

#[test]
fn tiers_by_threshold_and_quantile() {
    let m = one_column(Normalization::MinMax, Direction::MoreNeed);
    let units: Vec<Unit> = (0..10)
        .map(|i| Unit::new(format!("u{i}"), vec![Some(f64::from(i))]))
        .collect();
    let by_score = score(&m, &units, &ScoreOptions::default()).unwrap();
    let tiers: Vec<String> = by_score.iter().map(|u| u.tier).collect();
    // min-max: 0, 11.1, …, 100 → high from 60, medium from 40.
    assert_eq!(
        tiers,
        [
            "low", "low", "low", "low", "medium", "medium", "high", "high", "high", "high"
        ]
    );
    let quantiles = Tiers::Quantiles {
        bands: vec![QuantileBand {
            name: "top-20%".into(),
            top: Decimal::new(2, 1),
        }],
        rest: "others".into(),
    };
    let by_rank = score(&m, &units, &ScoreOptions::default().with_tiers(quantiles)).unwrap();
    let top: Vec<String> = by_rank
        .iter()
        .filter(|u| u.tier == "top-20%")
        .map(|u| u.id.to_string())
        .collect();
    assert_eq!(top, ["u8", "u9"]);
    let bad = Tiers::Thresholds {
        bands: vec![
            ThresholdBand {
                name: "a".into(),
                at_least: Decimal::from(10),
            },
            ThresholdBand {
                name: "b".into(),
                at_least: Decimal::from(20),
            },
        ],
        rest: "c".into(),
    };
    assert!(matches!(
        score(&m, &units, &ScoreOptions::default().with_tiers(bad)),
        Err(Error::InvalidOption { .. })
    ));
}

#[test]
fn outliers_by_modified_z_score() {
    let m = one_column(
        Normalization::Rubric(crate::Rubric {
            bands: (0..=100)
                .map(|p| crate::Band {
                    at_least: f64::from(p),
                    need: Decimal::from(p),
                })
                .collect(),
        }),
        Direction::MoreNeed,
    );
    let mut values = vec![40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 95.0];
    values.push(44.0);
    let units: Vec<Unit> = values
        .iter()
        .enumerate()
        .map(|(i, &v)| Unit::new(format!("u{i}"), vec![Some(v)]))
        .collect();
    let scores = score(&m, &units, &ScoreOptions::default()).unwrap();
    let flagged: Vec<String> = scores
        .iter()
        .filter(|u| u.flags.outlier)
        .map(|u| u.id.to_string())
        .collect();
    assert_eq!(flagged, ["u7"]);
    let none = score(&m, &units, &ScoreOptions::default().with_outlier_z(None)).unwrap();
    assert!(none.iter().all(|u| !u.flags.outlier));
}

#[test]
fn diagnostics_name_the_unit() {
    let m = one_column(Normalization::MinMax, Direction::MoreNeed);
    let units = [
        Unit::new("ok", vec![Some(1.0)]),
        Unit::new("two", vec![Some(1.0), Some(2.0)]),
        Unit::new("nan", vec![Some(f64::NAN)]),
        Unit::new("gap", vec![None]),
    ];
    let scores = score(&m, &units, &ScoreOptions::default()).unwrap();
    assert_eq!(scores.len(), 1);
    let messages: Vec<String> = scores
        .diagnostics()
        .iter()
        .map(|d| d.error.to_string())
        .collect();
    assert_eq!(
        messages,
        [
            "unit `two` has 2 values, expected 1",
            "unit `nan` has a value for `x` that is not a finite number",
            "unit `gap` has no value for `x`",
        ]
    );
}

#[test]
fn scores_round_trip_through_json() {
    let m = Matrix::default();
    let units = [
        Unit::new(
            "a",
            vec![
                Some(84.0),
                Some(1.0),
                Some(0.0),
                Some(2.0),
                Some(0.0),
                Some(0.9),
                Some(0.0),
                Some(3.0),
                None,
            ],
        ),
        Unit::new(
            "b",
            vec![
                Some(66.0),
                Some(0.0),
                Some(0.0),
                Some(0.0),
                Some(0.0),
                Some(2.5),
                Some(14.0),
                Some(0.0),
                Some(0.0),
            ],
        ),
    ];
    let scores = score(&m, &units, &ScoreOptions::default()).unwrap();
    let json = serde_json::to_string(&scores).unwrap();
    let back: Scores = serde_json::from_str(&json).unwrap();
    assert_eq!(
        back.iter().collect::<Vec<_>>(),
        scores.iter().collect::<Vec<_>>()
    );
    assert!(json.starts_with(r#"{"dimensions":["population","health","economic","participation","special"],"scores":[{"id":"a","score":"#));
}

/// A matrix of dimensions with one or two indicators, rubric or min-max (the
/// fast path's kind), with a ranked one now and then (which is not).
fn mixed_matrix() -> impl Strategy<Value = Matrix> {
    let rubric = Normalization::Rubric(Rubric {
        bands: [(0.0, 20), (1.0, 60), (2.5, 100)]
            .into_iter()
            .map(|(at_least, need)| crate::matrix::Band {
                at_least,
                need: Decimal::from(need),
            })
            .collect(),
    });
    let normalization = prop_oneof![
        4 => Just(Normalization::MinMax),
        4 => Just(rubric),
        1 => Just(Normalization::Percentile),
    ];
    // Each indicator: its direction, normalisation and weight among its
    // dimension's (1–3 parts).
    let indicator = (any::<bool>(), normalization, 1i64..=3);
    let dimension = proptest::collection::vec(indicator, 1..=2);
    let policy = prop::sample::select(vec![
        MissingPolicy::Reweight,
        MissingPolicy::ImputeMedian,
        MissingPolicy::Reject,
    ]);
    (proptest::collection::vec(dimension, 1..=4), policy).prop_map(|(dims, policy)| {
        let count = u32::try_from(dims.len()).unwrap();
        let dimensions = dims
            .into_iter()
            .zip(0u32..)
            .map(|(indicators, d)| Dimension {
                id: if d == 0 {
                    "participation".into()
                } else {
                    format!("d{d}")
                },
                name: format!("dimension {d}"),
                weight: Decimal::from(100 / count + u32::from(d < 100 % count)),
                indicators: indicators
                    .into_iter()
                    .zip(0..)
                    .map(|((more, normalization, parts), k)| Indicator {
                        id: format!("d{d}i{k}"),
                        source: "generated".into(),
                        direction: [Direction::LessNeed, Direction::MoreNeed][usize::from(more)],
                        normalization,
                        weight: Decimal::new(parts, 1),
                    })
                    .collect(),
                missing: policy,
            })
            .collect();
        Matrix::try_new(dimensions).unwrap()
    })
}

/// Units with few distinct values (so scores tie) and shuffled ids (so ties
/// are not in id order); in some cohorts one value is missing, in others many
/// (rows missing a whole dimension, and rows with no value at all).
fn tied_cohort() -> impl Strategy<Value = (Matrix, Vec<Unit>)> {
    mixed_matrix().prop_flat_map(|matrix| {
        let m = matrix.indicator_count();
        let value = (-2i8..=3).prop_map(|v| Some(f64::from(v)));
        let rows = proptest::collection::vec(proptest::collection::vec(value, m), 0..40);
        let holes = proptest::collection::vec(any::<prop::sample::Index>(), 0..60);
        (Just(matrix), rows, any::<u64>(), any::<bool>(), holes).prop_map(
            move |(matrix, mut rows, seed, hole, holes)| {
                let n = rows.len();
                if hole && n > 0 {
                    let row = usize::try_from(seed % n as u64).unwrap();
                    rows[row][row % m] = None;
                }
                if !hole && n > 0 {
                    for at in holes {
                        let cell = at.index(n * m);
                        rows[cell / m][cell % m] = None;
                    }
                }
                let units = rows
                    .into_iter()
                    .zip(0u64..)
                    .map(|(values, i)| {
                        let label = i.wrapping_mul(seed | 1).wrapping_add(seed) % 16;
                        Unit::new(format!("u{label:02}-{i}"), values)
                    })
                    .collect();
                (matrix, units)
            },
        )
    })
}

proptest! {
    #[test]
    fn every_path_and_split_gives_the_same_scores(
        (matrix, units) in tied_cohort(),
        topsis in any::<bool>(),
        quantiles in any::<bool>(),
    ) {
        let mut options = ScoreOptions::default().with_outlier_z(Some(Decimal::ONE));
        if topsis {
            options = options.with_aggregation(Aggregation::Topsis);
        }
        if quantiles {
            options = options.with_tiers(Tiers::Quantiles {
                bands: vec![QuantileBand { name: "top".into(), top: Decimal::new(3, 1) }],
                rest: "rest".into(),
            });
        }
        let general = score_with(&matrix, &units, &options, Par::with_parts(1), Path::General).unwrap();
        for parts in [1, 2, 3, 7] {
            let fast = score_with(&matrix, &units, &options, Par::with_parts(parts), Path::Fastest).unwrap();
            prop_assert_eq!(&fast, &general, "{} parts", parts);
        }
        let split = score_with(&matrix, &units, &options, Par::with_parts(3), Path::General).unwrap();
        prop_assert_eq!(&split, &general);
        // Ranks: score descending, ties by id, then input order.
        let mut order: Vec<usize> = (0..general.len()).collect();
        order.sort_by(|&a, &b| {
            general.totals[b].cmp(&general.totals[a])
                .then(general.ids[a].cmp(&general.ids[b]))
                .then(a.cmp(&b))
        });
        for (position, &row) in order.iter().enumerate() {
            prop_assert_eq!(general.ranks[row] as usize, position + 1);
        }
    }

    #[test]
    fn median_and_mad_equal_the_textbook_definition(
        scores in proptest::collection::vec(0u64..=40, 1..60),
        z in prop_oneof![Just(0.0), Just(1.0), 0.0f64..4.0],
    ) {
        let ids: Vec<UnitId> = (0..scores.len()).map(|i| UnitId::from(format!("{i:03}"))).collect();
        let order = rank_order(&scores, &ids, Par::with_parts(1));
        let median_of = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            let n = v.len();
            if n % 2 == 1 { v[n / 2] } else { v[n / 2 - 1] / 2.0 + v[n / 2] / 2.0 }
        };
        let values: Vec<f64> = scores.iter().map(|&s| as_f64(s)).collect();
        let median = median_of(values.clone());
        let mad = median_of(values.iter().map(|v| (v - median).abs()).collect());
        let Some(o) = Outliers::new(&scores, &order, z) else {
            prop_assert!(mad <= 0.0, "a spread of {mad} flags nothing");
            return Ok(());
        };
        prop_assert!(mad > 0.0);
        for s in 0..=45 {
            let formula = 0.6745 * (as_f64(s) - median).abs() / mad > z;
            prop_assert_eq!(o.bit(s) != 0, formula, "score {}", s);
        }
    }
}
