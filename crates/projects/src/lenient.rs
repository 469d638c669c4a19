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
        f.write_str("a number, e.g. 85 or \"0.85\"")
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
                        "`{v}` is too large a number to keep exactly (at most 7.9e28), e.g. 85 or 0.85"
                    ))
                } else if number.is_some() {
                    E::custom(format_args!(
                        "`{v}` has more decimal places than can be kept exactly (at most 28), e.g. 85 or 0.85"
                    ))
                } else {
                    E::custom(format_args!("`{v}` is not a number, e.g. 85 or 0.85"))
                }
            })
    }
}

/// A decimal as a number or a number in quotes.
pub(crate) fn decimal<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    deserializer.deserialize_any(DecimalVisitor)
}
