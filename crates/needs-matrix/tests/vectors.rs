//! `testdata/needs-mcda.json`: weighted sum and TOPSIS with min-max normalisation,
//! computed by pymcdm 1.4.0, must agree to 1e-9 (scores there are on 0–1).

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

use guided_community_needs::{
    Aggregation, Dimension, Direction, Indicator, Matrix, MissingPolicy, Normalization,
    ScoreOptions, Unit, Weights, score,
};
use rust_decimal::Decimal;
use serde::Deserialize;

#[derive(Deserialize)]
struct Vectors {
    source: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    matrix: Vec<Vec<f64>>,
    weights_percent: Weights,
    directions: Vec<Direction>,
    wsm_minmax: Vec<f64>,
    topsis_minmax: Vec<f64>,
}

fn matrix(case: &Case) -> Matrix {
    let dimensions = case
        .weights_percent
        .as_percent()
        .iter()
        .zip(&case.directions)
        .enumerate()
        .map(|(j, (&weight, &direction))| Dimension {
            id: format!("c{j}"),
            name: format!("criterion {j}"),
            weight,
            indicators: vec![Indicator {
                id: format!("x{j}"),
                source: "pymcdm test matrix".into(),
                direction,
                normalization: Normalization::MinMax,
                weight: Decimal::ONE,
            }],
            missing: MissingPolicy::Reject,
        })
        .collect();
    Matrix::try_new(dimensions).unwrap()
}

fn check(aggregation: Aggregation, expected: impl Fn(&Case) -> &[f64]) -> usize {
    let vectors: Vectors =
        serde_json::from_str(include_str!("../../../testdata/needs-mcda.json")).unwrap();
    assert!(vectors.source.contains("pymcdm"));
    let mut checked = 0;
    for (n, case) in vectors.cases.iter().enumerate() {
        let units: Vec<Unit> = case
            .matrix
            .iter()
            .enumerate()
            .map(|(i, row)| Unit::new(format!("u{i}"), row.iter().map(|&v| Some(v)).collect()))
            .collect();
        let options = ScoreOptions::default().with_aggregation(aggregation);
        let scores = score(&matrix(case), &units, &options).unwrap();
        assert!(scores.diagnostics().is_empty());
        for (i, &want) in expected(case).iter().enumerate() {
            let got = f64::try_from(scores.get(i).unwrap().score).unwrap() / 100.0;
            assert!(
                (got - want).abs() < 1e-9,
                "case {n} unit {i}: {aggregation:?} {got} vs pymcdm {want}"
            );
            checked += 1;
        }
    }
    checked
}

#[test]
fn weighted_sum_equals_pymcdm() {
    assert_eq!(check(Aggregation::WeightedSum, |c| &c.wsm_minmax), 172);
}

#[test]
fn topsis_equals_pymcdm() {
    assert_eq!(check(Aggregation::Topsis, |c| &c.topsis_minmax), 172);
}
