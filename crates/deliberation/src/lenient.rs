//! Counts and labels read from JSON as people write them: a count as a number or a
//! number in quotes (`3`, `"3"`), an attribute as text or a number (`"b1"`, `7`).
//! An error names the value as written and what would be accepted, never a Rust
//! type.

use core::fmt;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// An `f64` as a person would write it, and the shortest text that reads back as
/// it: `0.2` (not `0.2000…011`), `1e308`, `1e-30` (never a long expansion).
fn shown(v: f64) -> String {
    let magnitude = v.abs();
    if magnitude == 0.0 || (1e-6..1e21).contains(&magnitude) {
        v.to_string()
    } else {
        format!("{v:e}")
    }
}

/// A whole number in `0..=max`.
struct Whole<const MAX: u64>(u64);

impl<'de, const MAX: u64> Deserialize<'de> for Whole<MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct WholeVisitor<const MAX: u64>;
        impl<const MAX: u64> Visitor<'_> for WholeVisitor<MAX> {
            type Value = Whole<MAX>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a whole number from 0 to {MAX}")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Whole<MAX>, E> {
                if v <= MAX {
                    Ok(Whole(v))
                } else {
                    Err(E::custom(format_args!(
                        "`{v}` is more than {MAX}, expected a whole number from 0 to {MAX}"
                    )))
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Whole<MAX>, E> {
                Err(E::custom(format_args!(
                    "`{v}` is below zero, expected a whole number from 0 to {MAX}"
                )))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Whole<MAX>, E> {
                Err(E::custom(format_args!(
                    "`{}` is not a whole number, expected a whole number from 0 to {MAX}",
                    shown(v)
                )))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Whole<MAX>, E> {
                match v.trim().parse::<u64>() {
                    Ok(n) => self.visit_u64(n),
                    Err(_) => Err(E::custom(format_args!(
                        "`{v}` is not a whole number from 0 to {MAX}"
                    ))),
                }
            }
        }
        deserializer.deserialize_any(WholeVisitor::<MAX>)
    }
}

const U32: u64 = u32::MAX as u64;

/// An optional count of ballots.
pub(crate) fn option_count<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u64>, D::Error> {
    Ok(Option::<Whole<{ u64::MAX }>>::deserialize(deserializer)?.map(|w| w.0))
}

/// Seat counts by key.
pub(crate) fn seats<'de, D, K>(deserializer: D) -> Result<BTreeMap<K, u32>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord,
{
    let raw = BTreeMap::<K, Whole<U32>>::deserialize(deserializer)?;
    Ok(raw
        .into_iter()
        .map(|(k, w)| (k, u32::try_from(w.0).unwrap_or(u32::MAX)))
        .collect())
}

/// A share from a JSON number (`0.2`) or a decimal in quotes (`"0.2"`).
struct Share(rust_decimal::Decimal);

impl<'de> Deserialize<'de> for Share {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ShareVisitor;
        impl Visitor<'_> for ShareVisitor {
            type Value = Share;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a share from 0 to 1, e.g. 0.2 or \"0.2\"")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Share, E> {
                Ok(Share(v.into()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Share, E> {
                Ok(Share(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Share, E> {
                self.visit_str(&shown(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Share, E> {
                let t = v.trim();
                t.parse::<rust_decimal::Decimal>()
                    .or_else(|_| rust_decimal::Decimal::from_scientific(t))
                    .map(Share)
                    .map_err(|_| {
                        E::custom(format_args!(
                            "`{v}` is not a share: expected 0 to 1, e.g. 0.2"
                        ))
                    })
            }
        }
        deserializer.deserialize_any(ShareVisitor)
    }
}

/// Shares by category, each a number or a number in quotes.
pub(crate) fn shares<'de, D, K>(
    deserializer: D,
) -> Result<BTreeMap<K, rust_decimal::Decimal>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord,
{
    let raw = BTreeMap::<K, Share>::deserialize(deserializer)?;
    Ok(raw.into_iter().map(|(k, s)| (k, s.0)).collect())
}

/// Attribute values: text, or a number or a boolean written as text.
pub(crate) fn labels<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    struct Label(String);
    impl<'de> Deserialize<'de> for Label {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct LabelVisitor;
            impl Visitor<'_> for LabelVisitor {
                type Value = Label;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a value: text, a number or true/false")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Label, E> {
                    Ok(Label(v.to_owned()))
                }
                fn visit_u64<E: de::Error>(self, v: u64) -> Result<Label, E> {
                    Ok(Label(v.to_string()))
                }
                fn visit_i64<E: de::Error>(self, v: i64) -> Result<Label, E> {
                    Ok(Label(v.to_string()))
                }
                fn visit_f64<E: de::Error>(self, v: f64) -> Result<Label, E> {
                    Ok(Label(v.to_string()))
                }
                fn visit_bool<E: de::Error>(self, v: bool) -> Result<Label, E> {
                    Ok(Label(v.to_string()))
                }
            }
            deserializer.deserialize_any(LabelVisitor)
        }
    }
    let raw = BTreeMap::<String, Label>::deserialize(deserializer)?;
    Ok(raw.into_iter().map(|(k, v)| (k, v.0)).collect())
}

#[cfg(test)]
mod tests {
    use crate::{Ballot, CouncilRules, Volunteer};

    #[test]
    fn counts_are_numbers_or_numbers_in_quotes_and_errors_name_them() {
        let ballot: Ballot = serde_json::from_str(r#"{"ranking": ["A"], "count": "3"}"#).unwrap();
        assert_eq!(ballot, Ballot::ranked(["A"], 3));
        let rules: CouncilRules =
            serde_json::from_str(r#"{"min": {"age=young": "2"}, "max_per": {"building": 3}}"#)
                .unwrap();
        assert_eq!(rules.max_per.get("building"), Some(&3));
        for (json, named) in [
            (r#"{"ranking": ["A"], "count": -3}"#, "`-3` is below zero"),
            (
                r#"{"ranking": ["A"], "count": 1.5}"#,
                "`1.5` is not a whole number",
            ),
            (
                r#"{"ranking": ["A"], "count": 1e300}"#,
                "`1e300` is not a whole number",
            ),
        ] {
            let err = serde_json::from_str::<Ballot>(json)
                .unwrap_err()
                .to_string();
            assert!(err.contains(named), "{err}");
        }
        let err = serde_json::from_str::<CouncilRules>(r#"{"min": {"a=b": 5000000000}}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`5000000000` is more than 4294967295"),
            "{err}"
        );
        assert!(!err.contains("u32"), "{err}");
        let volunteer: Volunteer =
            serde_json::from_str(r#"{"id": "v1", "building": 7, "senior": true}"#).unwrap();
        assert_eq!(volunteer.get("building"), Some("7"));
        assert_eq!(volunteer.get("senior"), Some("true"));
    }
}
