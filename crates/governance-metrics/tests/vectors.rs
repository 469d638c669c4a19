//! `testdata/inequality.json`: PySAL inequality 1.1.2 and the textbook formulas,
//! to 1e-9.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use guided_community_metrics::inequality;
use rust_decimal::Decimal;
use serde::Deserialize;

#[derive(Deserialize)]
struct Vectors {
    source: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    values: Vec<u64>,
    groups: Vec<u32>,
    gini: f64,
    theil_t: f64,
    mld: f64,
    theil_between: f64,
    theil_within: f64,
    atkinson_0_5: f64,
    atkinson_1: f64,
    hoover: f64,
    cv_population: f64,
}

#[test]
fn every_case_to_1e_9() {
    let vectors: Vectors =
        serde_json::from_str(include_str!("../../../testdata/inequality.json")).unwrap();
    assert!(vectors.source.contains("PySAL"));
    assert_eq!(vectors.cases.len(), 12);
    let mut worst = 0.0f64;
    for (n, case) in vectors.cases.iter().enumerate() {
        let values: Vec<Decimal> = case.values.iter().map(|&v| Decimal::from(v)).collect();
        let groups: Vec<String> = case.groups.iter().map(ToString::to_string).collect();
        let m = inequality(&values, Some(&groups)).unwrap();
        let f = |d: Decimal| f64::try_from(d).unwrap();
        let checks = [
            ("gini", f(m.gini), case.gini),
            ("theil_t", f(m.theil_t.unwrap()), case.theil_t),
            ("mld", f(m.mld.unwrap()), case.mld),
            (
                "theil_between",
                f(m.theil_between.unwrap()),
                case.theil_between,
            ),
            (
                "theil_within",
                f(m.theil_within.unwrap()),
                case.theil_within,
            ),
            (
                "atkinson_0_5",
                f(m.atkinson_0_5.unwrap()),
                case.atkinson_0_5,
            ),
            ("atkinson_1", f(m.atkinson_1.unwrap()), case.atkinson_1),
            ("hoover", f(m.hoover), case.hoover),
            (
                "cv_population",
                f(m.cv_population.unwrap()),
                case.cv_population,
            ),
        ];
        for (name, got, want) in checks {
            let error = (got - want).abs();
            worst = worst.max(error);
            assert!(error < 1e-9, "case {n}: {name} {got} vs {want}");
        }
        // The decomposition is exact: between + within = total.
        let sum = m.theil_between.unwrap() + m.theil_within.unwrap() - m.theil_t.unwrap();
        assert!(sum.abs() <= Decimal::new(2, 12), "case {n}: {sum}");
    }
    assert!(worst < 1e-11, "worst difference {worst}");
}
