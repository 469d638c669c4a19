//! Dimension weights, validated to sum to exactly 100%.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::lenient::Lenient;
use crate::{Error, Result};

/// Dimension weights in percent, guaranteed to be non-negative and to sum to
/// exactly 100.
///
/// Weights are exact decimals, so `33.3 + 33.3 + 33.4` is accepted and
/// `33.33 + 33.33 + 33.33` is rejected: a matrix a social worker has to defend must
/// not depend on rounding.
///
/// On the wire a `Weights` is a JSON array of decimal strings (numbers are read
/// too); deserializing validates it exactly as [`Weights::try_new`] does.
///
/// ```
/// use guided_community_needs::Weights;
/// use rust_decimal::dec;
///
/// let w = Weights::try_new([dec!(33.3), dec!(33.3), dec!(33.4)])?;
/// assert_eq!(w.as_percent()[2], dec!(33.4));
/// assert!(Weights::try_new([dec!(33.33), dec!(33.33), dec!(33.33)]).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<Lenient>", into = "Vec<Decimal>")]
pub struct Weights(Vec<Decimal>);

impl Weights {
    /// Validates weights given in percent.
    ///
    /// # Errors
    ///
    /// [`Error::NoWeights`] if there are none, [`Error::NegativeWeight`] naming the
    /// first negative weight, [`Error::WeightsDoNotSum`] naming the sum when it is not
    /// exactly 100, and [`Error::Overflow`] if the sum does not fit a decimal.
    pub fn try_new<I, W>(weights: I) -> Result<Self>
    where
        I: IntoIterator<Item = W>,
        W: Into<Decimal>,
    {
        let weights: Vec<Decimal> = weights.into_iter().map(Into::into).collect();
        if weights.is_empty() {
            return Err(Error::NoWeights);
        }
        let mut sum = Decimal::ZERO;
        for (index, &weight) in weights.iter().enumerate() {
            if weight.is_sign_negative() && !weight.is_zero() {
                return Err(Error::NegativeWeight {
                    index,
                    weight: weight.normalize(),
                });
            }
            sum = sum.checked_add(weight).ok_or_else(|| Error::Overflow {
                context: "summing the weights".into(),
            })?;
        }
        if sum != Decimal::ONE_HUNDRED {
            return Err(Error::WeightsDoNotSum {
                sum: sum.normalize(),
            });
        }
        Ok(Self(weights))
    }

    /// The articles' values: [`Weights::default`].
    pub(crate) fn article() -> Self {
        Self(
            [25, 20, 20, 15, 20]
                .into_iter()
                .map(Decimal::from)
                .collect(),
        )
    }

    /// The weights in percent, in dimension order.
    pub fn as_percent(&self) -> &[Decimal] {
        &self.0
    }

    /// The number of dimensions.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always `false`: a valid set of weights has at least one dimension.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Default for Weights {
    /// The article's five dimensions: population structure 25%, health 20%,
    /// economic status 20%, willingness to take part 15%, special needs 20%.
    ///
    /// ```
    /// use guided_community_needs::Weights;
    ///
    /// assert_eq!(Weights::default(), Weights::try_new([25, 20, 20, 15, 20])?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn default() -> Self {
        Self::article()
    }
}

impl TryFrom<Vec<Lenient>> for Weights {
    type Error = Error;

    fn try_from(weights: Vec<Lenient>) -> Result<Self> {
        Self::try_new(weights.into_iter().map(|w| w.0))
    }
}

impl From<Weights> for Vec<Decimal> {
    fn from(weights: Weights) -> Self {
        weights.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::dec;

    #[test]
    fn article_weights_are_valid() {
        let w = Weights::try_new([25, 20, 20, 15, 20]).unwrap();
        assert_eq!(w, Weights::default());
        assert_eq!(w.len(), 5);
        assert!(!w.is_empty());
    }

    #[test]
    fn a_sum_other_than_100_names_the_sum() {
        for (weights, sum) in [
            (vec![25, 20, 20, 15, 25], dec!(105)),
            (vec![25, 20, 20, 15], dec!(80)),
            (vec![0, 0], dec!(0)),
        ] {
            assert_eq!(
                Weights::try_new(weights),
                Err(Error::WeightsDoNotSum { sum })
            );
        }
        let err = Weights::try_new([dec!(33.33), dec!(33.33), dec!(33.33)]).unwrap_err();
        assert_eq!(err.to_string(), "weights sum to 99.99%, expected 100%");
    }

    #[test]
    fn negative_and_empty_weights_are_rejected() {
        assert_eq!(
            Weights::try_new([dec!(110), dec!(-10)]),
            Err(Error::NegativeWeight {
                index: 1,
                weight: dec!(-10)
            })
        );
        assert_eq!(Weights::try_new(Vec::<u32>::new()), Err(Error::NoWeights));
        // A zero weight is allowed: the dimension is kept but does not count.
        assert!(Weights::try_new([100, 0]).is_ok());
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        assert_eq!(
            Weights::try_new([Decimal::MAX, Decimal::MAX]),
            Err(Error::Overflow {
                context: "summing the weights".into()
            })
        );
    }

    #[test]
    fn deserializing_validates() {
        let ok: Weights = serde_json::from_str(r#"["25","20","20","15","20"]"#).unwrap();
        assert_eq!(ok, Weights::default());
        let err = serde_json::from_str::<Weights>(r#"["50","60"]"#).unwrap_err();
        assert!(err.to_string().contains("weights sum to 110%"), "{err}");
        assert_eq!(
            serde_json::to_string(&ok).unwrap(),
            r#"["25","20","20","15","20"]"#
        );
    }

    proptest! {
        #[test]
        fn accepted_exactly_when_non_negative_and_summing_to_100(
            parts in proptest::collection::vec(0u32..=100, 1..8)
        ) {
            let sum: u32 = parts.iter().sum();
            let result = Weights::try_new(parts.clone());
            prop_assert_eq!(result.is_ok(), sum == 100);
            if let Ok(w) = result {
                prop_assert_eq!(w.as_percent().iter().copied().sum::<Decimal>(), Decimal::ONE_HUNDRED);
            }
        }
    }
}
