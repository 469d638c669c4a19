//! Configuration decimals (weights, thresholds, rubric points) read from JSON
//! numbers or decimal strings.
//!
//! Decimals serialize as strings. A JSON number passes through `f64`, so it is
//! read as the shortest decimal that round-trips (exact for up to 15 significant
//! digits); write a string to be exact beyond that.

use core::fmt;
use core::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer};

struct DecimalVisitor;

impl Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or a decimal string")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        self.visit_str(&shown(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        Decimal::from_str(v)
            .or_else(|_| Decimal::from_scientific(v))
            .map_err(|_| {
                E::custom(format_args!(
                    "`{v}` is not a decimal number this can hold: at most 28 digits, e.g. 25 or \"12.5\""
                ))
            })
    }
}

/// An `f64` as a person would write it: `2.5`, `1e308`, `1e-30` (never a
/// 309-digit expansion).
pub(crate) fn shown(v: f64) -> String {
    let magnitude = v.abs();
    if magnitude == 0.0 || (1e-6..1e21).contains(&magnitude) {
        v.to_string()
    } else {
        format!("{v:e}")
    }
}

struct FloatVisitor;

impl Visitor<'_> for FloatVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number (or a number in quotes)")
    }

    #[allow(
        clippy::cast_precision_loss,
        reason = "a measurement, read as JSON reads it"
    )]
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    #[allow(
        clippy::cast_precision_loss,
        reason = "a measurement, read as JSON reads it"
    )]
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        v.trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| E::custom(format_args!("`{v}` is not a number, e.g. 82 or \"0.8\"")))
    }
}

/// A measurement read from a JSON number or a number in quotes (`"82"`).
pub(crate) fn float<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    deserializer.deserialize_any(FloatVisitor)
}

/// Measurements, `null` for missing, each a number or a number in quotes.
pub(crate) fn floats<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<Option<f64>>, D::Error> {
    struct Float(f64);
    impl<'de> Deserialize<'de> for Float {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            float(deserializer).map(Float)
        }
    }
    let values = Vec::<Option<Float>>::deserialize(deserializer)?;
    Ok(values.into_iter().map(|v| v.map(|f| f.0)).collect())
}

/// A decimal read leniently (for `#[serde(deserialize_with)]`).
pub(crate) fn decimal<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    deserializer.deserialize_any(DecimalVisitor)
}

/// An optional decimal read leniently.
pub(crate) fn option<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Decimal>, D::Error> {
    Option::<Lenient>::deserialize(deserializer).map(|o| o.map(|l| l.0))
}

/// A decimal read leniently, for containers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lenient(pub(crate) Decimal);

impl<'de> Deserialize<'de> for Lenient {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        decimal(deserializer).map(Lenient)
    }
}
