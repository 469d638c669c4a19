//! Deterministic transcendental functions.
//!
//! `f64::ln` comes from the platform's maths library, and two platforms may round
//! its last bit differently. Scores must be the same on every machine, so the one
//! logarithm the crate needs is computed here from operations IEEE 754 rounds
//! exactly (addition, multiplication, division).

/// ln 2, correctly rounded.
const LN_2: f64 = core::f64::consts::LN_2;

/// √2 / 2, correctly rounded.
const FRAC_1_SQRT_2: f64 = core::f64::consts::FRAC_1_SQRT_2;

/// `1 − e^(−100/23)`, correctly rounded (computed to 50 digits): the IMD
/// exponential transform's constant.
pub(crate) const IMD_K: f64 = 0.987_065_098_611_050_2;

/// The natural logarithm of a positive, finite, normal `x`, to within a few ulps,
/// identically on every machine. Returns `None` outside that domain.
pub(crate) fn ln(x: f64) -> Option<f64> {
    if !(x.is_finite() && x.is_normal() && x > 0.0) {
        return None;
    }
    // x = m · 2^e with m in [1, 2), exactly.
    let bits = x.to_bits();
    let biased = i32::try_from((bits >> 52) & 0x7FF).ok()?;
    let mut exponent = biased - 1023;
    let mut m = f64::from_bits((bits & ((1 << 52) - 1)) | (1023 << 52));
    // Centre m on 1: m in [√2/2, √2).
    if m > 2.0 * FRAC_1_SQRT_2 {
        m /= 2.0;
        exponent += 1;
    }
    // ln m = 2 atanh(s) with s = (m − 1)/(m + 1), |s| ≤ 0.1716: the odd series
    // s + s³/3 + s⁵/5 + … reaches f64 precision in 12 terms.
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut term = s;
    let mut sum = 0.0;
    for k in 0..13u32 {
        sum += term / f64::from(2 * k + 1);
        term *= s2;
    }
    Some(f64::from(exponent) * LN_2 + 2.0 * sum)
}

/// The IMD exponential transform of a rank fraction `r` in `(0, 1]`, scaled to
/// `[0, 1]`: `−23 ln(1 − r (1 − e^(−100/23))) / 100`.
pub(crate) fn exponential_rank(r: f64) -> f64 {
    ln(1.0 - r * IMD_K).map_or(0.0, |l| (-23.0 * l / 100.0).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The shared vectors (`testdata/determinism.json`) pin both copies of the
    /// logarithm (needs-matrix, governance-metrics) to the same bits.
    #[test]
    fn the_shared_vectors_pin_every_copy() {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../../../testdata/determinism.json")).unwrap();
        let bits = |v: &serde_json::Value| u64::from_str_radix(v.as_str().unwrap(), 16).unwrap();
        let cases = vectors["ln"].as_array().unwrap();
        assert!(cases.len() > 50);
        for case in cases {
            let x = f64::from_bits(bits(&case["x"]));
            assert_eq!(ln(x).unwrap().to_bits(), bits(&case["ln"]), "ln({x:e})");
        }
    }

    #[test]
    fn the_constant() {
        // std's exp is only used to check; it is not part of any result.
        assert!((IMD_K - (1.0 - (-100.0_f64 / 23.0).exp())).abs() < 1e-15);
    }

    #[test]
    fn known_logarithms() {
        for (x, expected) in [
            (1.0, 0.0),
            (2.0, LN_2),
            (0.5, -LN_2),
            (core::f64::consts::E, 1.0),
            (1e-300, -690.775_527_898_213_7),
        ] {
            let got = ln(x).unwrap();
            assert!(
                (got - expected).abs() <= 4.0 * f64::EPSILON * expected.abs().max(1.0),
                "ln({x}) = {got}"
            );
        }
        assert_eq!(ln(0.0), None);
        assert_eq!(ln(-1.0), None);
        assert_eq!(ln(f64::NAN), None);
    }

    #[test]
    fn the_transform_spans_0_to_100() {
        assert!((exponential_rank(1.0) - 1.0).abs() < 1e-12);
        assert!(exponential_rank(1e-9) < 1e-8);
        // The median rank maps to 15.6: the transform stretches the most deprived tail.
        assert!(
            (exponential_rank(0.5) - 0.156_468).abs() < 1e-6,
            "{}",
            exponential_rank(0.5)
        );
    }

    proptest! {
        #[test]
        fn agrees_with_the_platform_logarithm(x in 1e-300f64..1e300) {
            let ours = ln(x).unwrap();
            let platform = x.ln();
            prop_assert!((ours - platform).abs() <= 4.0 * f64::EPSILON * platform.abs().max(1.0));
        }
    }
}
