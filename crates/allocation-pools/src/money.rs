//! Money: yuan on the outside, whole fen on the inside.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Error, Result};

/// An amount of money in fen (0.01 yuan), never negative.
///
/// Parsed from and displayed as decimal yuan with exactly two decimals, and
/// serialized as that string (a JSON number would pass through `f64` and could lose
/// fen). Parsing is strict: more than two decimals is [`Error::SubFenAmount`], never
/// a rounding.
///
/// ```
/// use guided_community_pools::Fen;
///
/// let price = Fen::from_yuan_str("12.3")?;
/// assert_eq!(price, Fen::new(1230));
/// assert_eq!(price.to_string(), "12.30");
/// assert_eq!(serde_json::to_string(&price)?, r#""12.30""#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fen(u64);

impl Fen {
    /// Zero fen.
    pub const ZERO: Self = Self(0);

    /// An amount of `fen` fen.
    pub const fn new(fen: u64) -> Self {
        Self(fen)
    }

    /// The amount in fen.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// Parses decimal yuan: digits, optionally a point and one or two more digits.
    /// Surrounding whitespace is ignored; no sign, exponent or thousands separator is
    /// accepted.
    ///
    /// # Errors
    ///
    /// [`Error::NegativeAmount`] for a leading minus, [`Error::SubFenAmount`] for
    /// more than two decimals, [`Error::Overflow`] if the amount exceeds `u64::MAX`
    /// fen, and [`Error::InvalidAmount`] for anything else that is not yuan.
    pub fn from_yuan_str(input: &str) -> Result<Self> {
        let text = input.trim();
        let invalid = || Error::InvalidAmount {
            input: input.to_owned(),
        };
        if text.starts_with('-') {
            return Err(Error::NegativeAmount {
                input: input.to_owned(),
            });
        }
        let (whole, frac) = match text.split_once('.') {
            Some((whole, frac)) => (whole, frac),
            None => (text, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(frac) {
            return Err(invalid());
        }
        if text.ends_with('.') {
            return Err(invalid());
        }
        if frac.len() > 2 {
            return Err(Error::SubFenAmount {
                input: input.to_owned(),
            });
        }
        let overflow = Error::Overflow {
            context: "parsing an amount of yuan",
        };
        let mut fen: u64 = 0;
        let padded = frac.bytes().chain(core::iter::repeat(b'0')).take(2);
        for digit in whole.bytes().chain(padded) {
            fen = fen
                .checked_mul(10)
                .and_then(|f| f.checked_add(u64::from(digit - b'0')))
                .ok_or(overflow.clone())?;
        }
        Ok(Self(fen))
    }

    /// The sum of two amounts.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] if it exceeds `u64::MAX` fen.
    pub fn checked_add(self, other: Self) -> Result<Self> {
        self.0
            .checked_add(other.0)
            .map(Self)
            .ok_or(Error::Overflow {
                context: "adding amounts",
            })
    }

    /// The difference of two amounts, or `None` if `other` is larger.
    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.0.checked_sub(other.0).map(Self)
    }
}

impl fmt::Display for Fen {
    /// Decimal yuan with exactly two decimals, e.g. `1234.05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl FromStr for Fen {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::from_yuan_str(s)
    }
}

impl From<u64> for Fen {
    fn from(fen: u64) -> Self {
        Self(fen)
    }
}

impl Serialize for Fen {
    fn serialize<S: Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Yuan as a decimal string (`"12.50"`), the form this crate writes. A JSON
/// number is refused with a message saying so: it passes through binary floating
/// point, and `12345678901234567.89` or `12.340000000000000001` would be read as
/// another amount without a word.
impl<'de> Deserialize<'de> for Fen {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> core::result::Result<Self, D::Error> {
        struct YuanVisitor;
        impl serde::de::Visitor<'_> for YuanVisitor {
            type Value = Fen;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount of yuan in quotes, e.g. \"12.50\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> core::result::Result<Fen, E> {
                Fen::from_yuan_str(v).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> core::result::Result<Fen, E> {
                Err(E::custom(format_args!(
                    "write the amount {v} in quotes, as \"{v}\": money is read exactly from text, never from a JSON number"
                )))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> core::result::Result<Fen, E> {
                self.visit_u64(v.unsigned_abs())
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> core::result::Result<Fen, E> {
                let shown = crate::apportion::shown(v);
                Err(E::custom(format_args!(
                    "write the amount {shown} in quotes, as \"{shown}\": money is read exactly from text, never from a JSON number"
                )))
            }
        }
        deserializer.deserialize_any(YuanVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: &Result<u64>) {
        assert_eq!(
            &Fen::from_yuan_str(input).map(Fen::get),
            expected,
            "{input:?}"
        );
    }

    #[test]
    fn a_json_number_is_refused_with_the_reason() {
        let read = |json: &str| {
            serde_json::from_str::<Fen>(json)
                .map(Fen::get)
                .map_err(|e| e.to_string())
        };
        assert_eq!(read(r#""12.50""#), Ok(1250));
        let err = read("12.5").unwrap_err();
        assert!(
            err.starts_with("write the amount 12.5 in quotes, as \"12.5\""),
            "{err}"
        );
        assert!(read("1e300").unwrap_err().contains("1e300"));
    }

    #[test]
    fn parses_yuan_strictly() {
        check("0", &Ok(0));
        check("12", &Ok(1200));
        check("12.3", &Ok(1230));
        check("12.34", &Ok(1234));
        check(" 007.05 ", &Ok(705));
        check("184467440737095516.15", &Ok(u64::MAX));
        let invalid = |s: &str| Err(Error::InvalidAmount { input: s.into() });
        for bad in ["", ".5", "12.", "1,000", "1e3", "+5", "¥5", "12.3.4", "abc"] {
            check(bad, &invalid(bad));
        }
        check(
            "12.345",
            &Err(Error::SubFenAmount {
                input: "12.345".into(),
            }),
        );
        check("-1", &Err(Error::NegativeAmount { input: "-1".into() }));
        check(
            "184467440737095516.16",
            &Err(Error::Overflow {
                context: "parsing an amount of yuan",
            }),
        );
    }

    #[test]
    fn displays_and_serializes_as_yuan() {
        assert_eq!(Fen::new(5).to_string(), "0.05");
        assert_eq!(Fen::new(123_400).to_string(), "1234.00");
        assert_eq!(serde_json::to_string(&Fen::new(1)).unwrap(), r#""0.01""#);
        let back: Fen = serde_json::from_str(r#""0.01""#).unwrap();
        assert_eq!(back, Fen::new(1));
        let err = serde_json::from_str::<Fen>(r#""0.001""#).unwrap_err();
        assert!(err.to_string().contains("more than two decimals"), "{err}");
        // A JSON number is refused: it would have passed through f64.
        assert!(serde_json::from_str::<Fen>("0.1").is_err());
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(Fen::new(1).checked_add(Fen::new(2)), Ok(Fen::new(3)));
        assert!(Fen::new(u64::MAX).checked_add(Fen::new(1)).is_err());
        assert_eq!(Fen::new(1).checked_sub(Fen::new(2)), None);
    }

    proptest! {
        #[test]
        fn display_round_trips(fen in any::<u64>()) {
            let amount = Fen::new(fen);
            prop_assert_eq!(amount.to_string().parse::<Fen>(), Ok(amount));
        }

        #[test]
        fn parsing_never_panics(text in "\\PC{0,30}") {
            let _ = Fen::from_yuan_str(&text);
        }
    }
}
