//! Inequality measures over exact amounts.

use rust_decimal::Decimal;

use crate::exact::{ratio, to_common_scale};
use crate::{Error, Result};

/// The Gini coefficient, population form: `Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² μ)`, in `[0, 1)`.
///
/// Computed exactly over the sorted integers as
/// `(2 Σ i·x₍ᵢ₎ − (n + 1) Σ x) / (n Σ x)` and rounded once. Zeros count: a unit that
/// received nothing raises the coefficient. (The sample form multiplies by
/// `n / (n − 1)`.)
///
/// ```
/// use governance_metrics::gini;
/// use rust_decimal::{dec, Decimal};
///
/// assert_eq!(gini(&[dec!(5), dec!(5)])?, Decimal::ZERO);
/// // One unit holds everything: (n − 1) / n.
/// assert_eq!(gini(&[dec!(0), dec!(0), dec!(0), dec!(12.5)])?, dec!(0.75));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::NoValues`] for no values, [`Error::NegativeValue`] naming the first
/// negative one, [`Error::ZeroTotal`] when all are zero (shares are undefined), and
/// [`Error::Overflow`] when the exact sums exceed 128 bits.
pub fn gini(values: &[Decimal]) -> Result<Decimal> {
    let (mut ints, _scale) = to_common_scale(values)?;
    ints.sort_unstable();
    let overflow = || Error::Overflow {
        context: "summing for the Gini coefficient",
    };
    let n = u128::try_from(ints.len()).map_err(|_| overflow())?;
    let (mut total, mut ranked) = (0u128, 0u128);
    for (i, &x) in (1u128..).zip(&ints) {
        total = total.checked_add(x).ok_or_else(overflow)?;
        ranked = i
            .checked_mul(x)
            .and_then(|ix| ranked.checked_add(ix))
            .ok_or_else(overflow)?;
    }
    if total == 0 {
        return Err(Error::ZeroTotal);
    }
    let numerator = ranked
        .checked_mul(2)
        .and_then(|r| r.checked_sub((n + 1).checked_mul(total)?))
        .ok_or_else(overflow)?;
    let denominator = n.checked_mul(total).ok_or_else(overflow)?;
    ratio(numerator, denominator)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::dec;

    fn decimals(values: &[i64]) -> Vec<Decimal> {
        values.iter().copied().map(Decimal::from).collect()
    }

    /// The definition, pair by pair, as an exact rational.
    fn gini_by_definition(values: &[u64]) -> (u128, u128) {
        let n = values.len() as u128;
        let total: u128 = values.iter().map(|&v| u128::from(v)).sum();
        let diffs: u128 = values
            .iter()
            .flat_map(|&a| values.iter().map(move |&b| u128::from(a.abs_diff(b))))
            .sum();
        (diffs, 2 * n * total)
    }

    #[test]
    fn known_values() {
        // ../shared/testdata/inequality.json, PySAL: 0.36 and 0.3.
        assert_eq!(gini(&decimals(&[10, 10, 10, 20, 50])).unwrap(), dec!(0.36));
        assert_eq!(
            gini(&decimals(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).unwrap(),
            dec!(0.3)
        );
        assert_eq!(
            gini(&[dec!(0.1), dec!(0.2), dec!(0.3)]).unwrap(),
            gini(&decimals(&[1, 2, 3])).unwrap()
        );
    }

    #[test]
    fn invalid_inputs() {
        assert_eq!(gini(&[]), Err(Error::NoValues));
        assert_eq!(gini(&decimals(&[0, 0])), Err(Error::ZeroTotal));
        assert_eq!(
            gini(&decimals(&[3, -1])),
            Err(Error::NegativeValue {
                index: 1,
                value: dec!(-1)
            })
        );
        assert!(matches!(
            gini(&[Decimal::MAX; 3]),
            Ok(_) | Err(Error::Overflow { .. })
        ));
    }

    proptest! {
        #[test]
        fn equals_the_pairwise_definition(values in proptest::collection::vec(0u64..1_000_000, 1..40)) {
            prop_assume!(values.iter().any(|&v| v > 0));
            let (num, den) = gini_by_definition(&values);
            let expected = ratio(num, den).unwrap();
            let got = gini(&values.iter().map(|&v| Decimal::from(v)).collect::<Vec<_>>()).unwrap();
            prop_assert_eq!(got, expected);
            prop_assert!(got >= Decimal::ZERO && got < Decimal::ONE);
        }

        #[test]
        fn scale_invariant(values in proptest::collection::vec(1u64..1_000_000, 1..40), k in 1u64..1000) {
            let base: Vec<Decimal> = values.iter().map(|&v| Decimal::from(v)).collect();
            let scaled: Vec<Decimal> = values.iter().map(|&v| Decimal::from(v * k)).collect();
            prop_assert_eq!(gini(&base).unwrap(), gini(&scaled).unwrap());
        }
    }
}
