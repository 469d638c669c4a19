//! Deterministic logarithm and exponential, and compensated sums.
//!
//! `f64::ln` and `f64::exp` come from the platform's maths library, which may round
//! the last bit differently on another machine. These are computed from operations
//! IEEE 754 rounds exactly (addition, multiplication, division), so the measures
//! built on them are the same everywhere. (needs-matrix carries the same logarithm:
//! the domain crates share no code by design.)

use core::f64::consts::{FRAC_1_SQRT_2, LN_2};

/// The natural logarithm of a positive, finite, normal `x`, to within a few ulps;
/// `None` outside that domain.
pub(crate) fn ln(x: f64) -> Option<f64> {
    if !(x.is_finite() && x.is_normal() && x > 0.0) {
        return None;
    }
    let bits = x.to_bits();
    let biased = i32::try_from((bits >> 52) & 0x7FF).ok()?;
    let mut exponent = biased - 1023;
    let mut m = f64::from_bits((bits & ((1 << 52) - 1)) | (1023 << 52));
    if m > 2.0 * FRAC_1_SQRT_2 {
        m /= 2.0;
        exponent += 1;
    }
    // ln m = 2 atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716.
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

/// ln 2 in two parts (fdlibm's): the high part has trailing zero bits, so
/// `k · LN_2_HI` is exact for the `k` that `exp` needs.
const LN_2_HI: f64 = 0.693_147_180_369_123_8;
const LN_2_LO: f64 = 1.908_214_929_270_587_7e-10;

/// `eˣ` for `x` in `[−700, 700]`, to within a few ulps; `None` outside.
pub(crate) fn exp(x: f64) -> Option<f64> {
    if !(-700.0..=700.0).contains(&x) {
        return None;
    }
    // x = k ln 2 + r with |r| ≤ ln 2 / 2 (Cody & Waite: ln 2 in two parts).
    let k = (x / LN_2).round_ties_even();
    let r = (x - k * LN_2_HI) - k * LN_2_LO;
    // Taylor to r¹⁸/18!: |r| ≤ 0.35 leaves an error below 10⁻²⁴.
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 1..=18u32 {
        term *= r / f64::from(n);
        sum += term;
    }
    #[allow(clippy::cast_possible_truncation, reason = "|k| ≤ 1010")]
    let k = k as i32;
    // 2^k, exactly, in two steps so that neither leaves the normal range.
    let half = k / 2;
    let two_to = |e: i32| f64::from_bits(u64::try_from(e + 1023).unwrap_or(1023) << 52);
    Some(sum * two_to(half) * two_to(k - half))
}

/// A sum with Neumaier's compensation: exact to within a few ulps of the result,
/// whatever the number of terms.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Sum {
    sum: f64,
    compensation: f64,
}

impl Sum {
    pub(crate) fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.compensation += (self.sum - t) + x;
        } else {
            self.compensation += (x - t) + self.sum;
        }
        self.sum = t;
    }

    pub(crate) fn value(self) -> f64 {
        self.sum + self.compensation
    }
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
    fn known_values() {
        assert_eq!(ln(1.0), Some(0.0));
        assert!((ln(core::f64::consts::E).unwrap() - 1.0).abs() < 4.0 * f64::EPSILON);
        assert_eq!(exp(0.0), Some(1.0));
        assert!((exp(1.0).unwrap() - core::f64::consts::E).abs() < 4.0 * f64::EPSILON);
        assert!((exp(-700.0).unwrap() - (-700.0f64).exp()).abs() / (-700.0f64).exp() < 1e-14);
        assert_eq!(ln(0.0), None);
        assert_eq!(exp(800.0), None);
    }

    #[test]
    fn compensated_sums() {
        let mut s = Sum::default();
        for x in [1e16, 1.0, -1e16, 1.0] {
            s.add(x);
        }
        assert_eq!(
            s.value().to_bits(),
            2.0f64.to_bits(),
            "exactly 2, where a plain sum gives 0"
        );
    }

    proptest! {
        #[test]
        fn agree_with_the_platform(x in 1e-300f64..1e300, y in -700.0f64..700.0) {
            prop_assert!((ln(x).unwrap() - x.ln()).abs() <= 4.0 * f64::EPSILON * x.ln().abs().max(1.0));
            let e = y.exp();
            prop_assert!((exp(y).unwrap() - e).abs() <= 8.0 * f64::EPSILON * e);
        }
    }
}
