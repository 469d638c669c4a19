//! Exact amounts of points or hours.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Error, Result};

/// An exact amount of points or hours: a whole number of hundredths.
///
/// The fixed scale makes equality and hashing canonical: `12.5` and `12.50` parse to
/// the same `Amount` and print as `12.5`. Amounts serialize as decimal strings.
///
/// ```
/// use guided_community_points::Amount;
///
/// let a: Amount = "12.50".parse()?;
/// assert_eq!(a, Amount::from_hundredths(1250));
/// assert_eq!(a.to_string(), "12.5");
/// assert_eq!(Amount::from_whole(-3).to_string(), "-3");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(i64);

impl Amount {
    /// Zero.
    pub const ZERO: Self = Self(0);

    /// An amount of `hundredths` hundredths.
    pub const fn from_hundredths(hundredths: i64) -> Self {
        Self(hundredths)
    }

    /// A whole amount. Saturates at the bounds of the representable range
    /// (about ±9.2 × 10¹⁶).
    pub const fn from_whole(whole: i64) -> Self {
        Self(whole.saturating_mul(100))
    }

    /// The amount in hundredths.
    pub const fn hundredths(self) -> i64 {
        self.0
    }

    /// Whether the amount is a whole number.
    pub const fn is_whole(self) -> bool {
        self.0 % 100 == 0
    }

    /// Whether the amount is greater than zero.
    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// The sum, or [`Error::Overflow`].
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] if the sum leaves the representable range.
    pub fn checked_add(self, other: Self) -> Result<Self> {
        self.0
            .checked_add(other.0)
            .map(Self)
            .ok_or(Error::Overflow {
                context: "adding amounts",
            })
    }

    /// The difference, or [`Error::Overflow`].
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] if the difference leaves the representable range.
    pub fn checked_sub(self, other: Self) -> Result<Self> {
        self.0
            .checked_sub(other.0)
            .map(Self)
            .ok_or(Error::Overflow {
                context: "subtracting amounts",
            })
    }

    /// The product `self × factor`, rounded toward zero to the hundredth (the bank
    /// never issues a fraction that was not earned).
    ///
    /// ```
    /// use guided_community_points::Amount;
    ///
    /// let rate: Amount = "5".parse()?;
    /// assert_eq!(rate.checked_mul(&"1.33".parse()?)?.to_string(), "6.65");
    /// let odd: Amount = "0.33".parse()?;
    /// assert_eq!(odd.checked_mul(&"0.5".parse()?)?.to_string(), "0.16");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] if the product leaves the representable range.
    pub fn checked_mul(self, factor: &Self) -> Result<Self> {
        let product = i128::from(self.0) * i128::from(factor.0) / 100;
        i64::try_from(product)
            .map(Self)
            .map_err(|_| Error::Overflow {
                context: "multiplying amounts",
            })
    }
}

impl fmt::Display for Amount {
    /// The shortest exact decimal: `12.5`, `12.05`, `12`, `-0.5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (whole, frac) = (abs / 100, abs % 100);
        match frac {
            0 => write!(f, "{sign}{whole}"),
            f10 if f10 % 10 == 0 => write!(f, "{sign}{whole}.{}", f10 / 10),
            _ => write!(f, "{sign}{whole}.{frac:02}"),
        }
    }
}

impl FromStr for Amount {
    type Err = Error;

    /// Parses an optionally signed decimal with at most two decimals.
    fn from_str(input: &str) -> Result<Self> {
        let invalid = || Error::InvalidAmount {
            input: input.to_owned(),
        };
        let text = input.trim();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(frac) || digits.ends_with('.') {
            return Err(invalid());
        }
        let frac = frac.trim_end_matches('0');
        if frac.len() > 2 {
            return Err(Error::TooPrecise {
                input: input.to_owned(),
            });
        }
        let overflow = || Error::Overflow {
            context: "parsing an amount",
        };
        let mut value: i64 = 0;
        let padded = frac.bytes().chain(core::iter::repeat(b'0')).take(2);
        for digit in whole.bytes().chain(padded) {
            let digit = i64::from(digit - b'0');
            value = value
                .checked_mul(10)
                .and_then(|v| {
                    if negative {
                        v.checked_sub(digit)
                    } else {
                        v.checked_add(digit)
                    }
                })
                .ok_or_else(overflow)?;
        }
        Ok(Self(value))
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> core::result::Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_exactly() {
        let cases = [
            ("0", 0),
            ("12.5", 1250),
            ("12.50", 1250),
            ("12.500", 1250),
            ("-0.05", -5),
            ("7", 700),
        ];
        for (text, hundredths) in cases {
            assert_eq!(text.parse::<Amount>(), Ok(Amount(hundredths)), "{text}");
        }
        for bad in ["", "-", ".5", "5.", "1e2", "+1", "1_000", "--1"] {
            assert_eq!(
                bad.parse::<Amount>(),
                Err(Error::InvalidAmount { input: bad.into() }),
                "{bad:?}"
            );
        }
        assert_eq!(
            "0.125".parse::<Amount>(),
            Err(Error::TooPrecise {
                input: "0.125".into()
            })
        );
        assert_eq!(
            "-92233720368547758.08".parse::<Amount>(),
            Ok(Amount(i64::MIN))
        );
        assert!("92233720368547758.08".parse::<Amount>().is_err());
    }

    #[test]
    fn displays_the_shortest_exact_decimal() {
        for (hundredths, text) in [
            (1250, "12.5"),
            (1205, "12.05"),
            (1200, "12"),
            (-50, "-0.5"),
            (0, "0"),
        ] {
            assert_eq!(Amount(hundredths).to_string(), text);
        }
        assert_eq!(Amount(i64::MIN).to_string(), "-92233720368547758.08");
    }

    #[test]
    fn multiplication_rounds_toward_zero_and_checks_overflow() {
        assert_eq!(Amount(33).checked_mul(&Amount(50)), Ok(Amount(16)));
        assert_eq!(Amount(-33).checked_mul(&Amount(50)), Ok(Amount(-16)));
        assert!(Amount(i64::MAX).checked_mul(&Amount(200)).is_err());
    }

    proptest! {
        #[test]
        fn display_round_trips(hundredths in any::<i64>()) {
            let amount = Amount(hundredths);
            prop_assert_eq!(amount.to_string().parse::<Amount>(), Ok(amount));
        }

        #[test]
        fn trailing_zeros_do_not_change_the_amount(hundredths in -1_000_000i64..1_000_000, zeros in 0usize..4) {
            let amount = Amount(hundredths);
            let abs = hundredths.unsigned_abs();
            let sign = if hundredths < 0 { "-" } else { "" };
            let text = format!("{sign}{}.{:02}{}", abs / 100, abs % 100, "0".repeat(zeros));
            prop_assert_eq!(text.parse::<Amount>(), Ok(amount));
        }
    }
}
