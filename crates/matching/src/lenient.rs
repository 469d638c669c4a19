//! Decimals read from JSON as people write them: `85`, `"85"`, `0.85`,
//! `"0.85"`. An error names the value as written and what would be accepted,
//! never a Rust type. (Each domain crate reads its own input: the crates
//! share no code by design.)

use core::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};

/// An `f64` as a person would write it: the shortest text that reads back as
/// it (`0.2`, not `0.2000…011`).
fn shown(v: f64) -> String {
    let magnitude = v.abs();
    if magnitude == 0.0 || (1e-6..1e21).contains(&magnitude) {
        v.to_string()
    } else {
        format!("{v:e}")
    }
}

struct DecimalVisitor;

impl Visitor<'_> for DecimalVisitor {
    type Value = Decimal;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, e.g. 4 or \"2.5\"")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(v.into())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(v.into())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        self.visit_str(&shown(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        let t = v.trim();
        t.parse::<Decimal>()
            .or_else(|_| Decimal::from_scientific(t))
            .map_err(|_| {
                let number = t.parse::<f64>().ok().filter(|x| x.is_finite());
                if number.is_some_and(|x| x.abs() >= 1.0) {
                    E::custom(format_args!(
                        "`{v}` is too large a number to keep exactly (at most 7.9e28), e.g. 4 or 2.5"
                    ))
                } else if number.is_some() {
                    E::custom(format_args!(
                        "`{v}` has more decimal places than can be kept exactly (at most 28), e.g. 4 or 2.5"
                    ))
                } else {
                    E::custom(format_args!("`{v}` is not a number, e.g. 4 or 2.5"))
                }
            })
    }
}

/// A decimal as a number or a number in quotes.
pub(crate) fn decimal<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    deserializer.deserialize_any(DecimalVisitor)
}

/// A time with its offset, as RFC 3339 (`2025-10-13T09:00:00+08:00`); an
/// error names the text and shows the form.
struct Time(chrono::DateTime<chrono::FixedOffset>);

impl<'de> serde::Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TimeVisitor;
        impl Visitor<'_> for TimeVisitor {
            type Value = Time;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a time with its offset, e.g. \"2025-10-13T09:00:00+08:00\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Time, E> {
                chrono::DateTime::parse_from_rfc3339(v.trim())
                    .map(Time)
                    .map_err(|_| {
                        E::custom(format_args!(
                            "`{}` is not a time with its offset: write it as 2025-10-13T09:00:00+08:00",
                            v.escape_debug()
                        ))
                    })
            }
        }
        deserializer.deserialize_str(TimeVisitor)
    }
}

/// A time with its offset (see [`Time`]).
pub(crate) fn time<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<chrono::DateTime<chrono::FixedOffset>, D::Error> {
    <Time as serde::Deserialize>::deserialize(deserializer).map(|t| t.0)
}

/// An optional time with its offset.
pub(crate) fn optional_time<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<chrono::DateTime<chrono::FixedOffset>>, D::Error> {
    <Option<Time> as serde::Deserialize>::deserialize(deserializer).map(|t| t.map(|t| t.0))
}

/// A window: from, to.
type Window = (
    chrono::DateTime<chrono::FixedOffset>,
    chrono::DateTime<chrono::FixedOffset>,
);

/// Availability windows: pairs `[from, to]`.
pub(crate) fn windows<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Window>, D::Error> {
    let given = <Vec<Vec<Time>> as serde::Deserialize>::deserialize(deserializer)?;
    given
        .into_iter()
        .map(|pair| match <[Time; 2]>::try_from(pair) {
            Ok([from, to]) => Ok((from.0, to.0)),
            Err(pair) => Err(de::Error::custom(format_args!(
                "a window is a pair [from, to], e.g. [\"2025-10-13T08:00:00+08:00\", \"2025-10-13T12:00:00+08:00\"]; this one has {} time{}",
                pair.len(),
                if pair.len() == 1 { "" } else { "s" }
            ))),
        })
        .collect()
}
