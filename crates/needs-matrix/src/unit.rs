//! Units: households or groups, with their raw indicator values.

use core::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A unit's identifier (a household's file number, a building, a segment).
///
/// Cheap to clone, so that results for a million households can carry their ids:
/// an id of up to 22 bytes is stored inline (a copy, no allocation), a longer one
/// is shared.
#[derive(Debug, Clone)]
pub struct UnitId(Repr);

#[derive(Debug, Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Shared(Arc<str>),
}

const INLINE: usize = 22;

impl UnitId {
    /// The identifier's text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Always valid UTF-8: only ever copied from a `&str`.
            Repr::Inline { len, bytes } => bytes
                .get(..usize::from(*len))
                .and_then(|b| core::str::from_utf8(b).ok())
                .unwrap_or_default(),
            Repr::Shared(text) => text,
        }
    }

    /// The identifier's UTF-8 bytes, without re-validating them: what comparing
    /// and hashing use (byte order is the text's order for UTF-8).
    fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or_default(),
            Repr::Shared(text) => text.as_bytes(),
        }
    }
}

impl PartialEq for UnitId {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for UnitId {}

impl PartialOrd for UnitId {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for UnitId {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl core::hash::Hash for UnitId {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Display for UnitId {
    /// The text, honouring width and alignment (`{:<12}`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl From<&str> for UnitId {
    fn from(id: &str) -> Self {
        match u8::try_from(id.len()) {
            Ok(len) if id.len() <= INLINE => {
                let mut bytes = [0; INLINE];
                if let Some(prefix) = bytes.get_mut(..id.len()) {
                    prefix.copy_from_slice(id.as_bytes());
                }
                Self(Repr::Inline { len, bytes })
            }
            _ => Self(Repr::Shared(Arc::from(id))),
        }
    }
}

impl From<String> for UnitId {
    fn from(id: String) -> Self {
        Self::from(id.as_str())
    }
}

impl Serialize for UnitId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// An id from a JSON string, or a whole number (a household file number
/// exported as a number: `5` reads as `"5"`).
impl<'de> Deserialize<'de> for UnitId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl serde::de::Visitor<'_> for IdVisitor {
            type Value = UnitId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id: a text in quotes or a whole number")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<UnitId, E> {
                Ok(UnitId::from(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<UnitId, E> {
                Ok(UnitId::from(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<UnitId, E> {
                Ok(UnitId::from(v.to_string()))
            }
        }
        deserializer.deserialize_any(IdVisitor)
    }
}

/// A unit to score: its id and one raw value per indicator of the matrix, in the
/// matrix's indicator order; `None` (JSON `null`) is a missing value.
///
/// Raw values are measurements (ages, counts, incomes relative to the local
/// minimum, assessment levels), not money, and are `f64`.
///
/// ```
/// use guided_community_needs::Unit;
///
/// let unit: Unit = serde_json::from_str(r#"{"id": "h1", "values": [82, null, 0.8]}"#)?;
/// assert_eq!(unit.values, [Some(82.0), None, Some(0.8)]);
/// // Numbers in quotes, and numeric ids, as spreadsheets export them.
/// let unit: Unit = serde_json::from_str(r#"{"id": 17, "values": ["82", null, "0.8"]}"#)?;
/// assert_eq!((unit.id.as_str(), unit.values), ("17", vec![Some(82.0), None, Some(0.8)]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    /// The unit's identifier.
    pub id: UnitId,
    /// One value per indicator, in the matrix's order (in JSON, numbers or
    /// numbers in quotes, `null` for missing).
    #[serde(deserialize_with = "crate::lenient::floats")]
    pub values: Vec<Option<f64>>,
}

impl Unit {
    /// A unit with `values`.
    pub fn new(id: impl Into<UnitId>, values: Vec<Option<f64>>) -> Self {
        Self {
            id: id.into(),
            values,
        }
    }
}

/// Splits off the units whose id repeats an earlier unit's: the first unit of
/// each id is kept (in input order), and each repeat becomes a diagnostic
/// ([`Error::DuplicateUnit`](crate::Error::DuplicateUnit)) instead of a second
/// score. [`score`](crate::score) trusts ids to be unique (checking costs as much
/// as scoring a cohort of simple indicators); call this first on input you did
/// not build.
///
/// ```
/// use guided_community_needs::{split_duplicates, Unit};
///
/// let units = vec![Unit::new("h1", vec![Some(1.0)]), Unit::new("h1", vec![Some(2.0)])];
/// let (kept, repeats) = split_duplicates(units);
/// assert_eq!(kept.len(), 1);
/// assert_eq!(repeats[0].error.to_string(), "unit `h1` appears more than once; only its first entry is scored");
/// ```
pub fn split_duplicates(units: Vec<Unit>) -> (Vec<Unit>, Vec<crate::Diagnostic>) {
    let mut seen = std::collections::HashSet::with_capacity(units.len());
    let mut repeats = Vec::new();
    let mut kept = Vec::with_capacity(units.len());
    for unit in units {
        if seen.insert(unit.id.clone()) {
            kept.push(unit);
        } else {
            repeats.push(crate::Diagnostic {
                error: crate::Error::DuplicateUnit {
                    unit: unit.id.to_string(),
                },
                unit: unit.id,
            });
        }
    }
    (kept, repeats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_ids_behave_alike() {
        let short = UnitId::from("h-0001");
        let exact = UnitId::from("x".repeat(INLINE).as_str());
        let long = UnitId::from("a-household-file-number-that-is-long");
        let chinese = UnitId::from("阳光社区-3栋-1201");
        assert!(matches!(short.0, Repr::Inline { .. }));
        assert!(matches!(exact.0, Repr::Inline { .. }));
        assert!(matches!(long.0, Repr::Shared(_)));
        for (id, text) in [
            (&short, "h-0001"),
            (&long, "a-household-file-number-that-is-long"),
            (&chinese, "阳光社区-3栋-1201"),
        ] {
            assert_eq!(id.as_str(), text);
            assert_eq!(id.to_string(), text);
            assert_eq!(serde_json::to_string(id).unwrap(), format!("\"{text}\""));
            assert_eq!(
                &serde_json::from_str::<UnitId>(&format!("\"{text}\"")).unwrap(),
                id
            );
        }
        assert_eq!(
            short.cmp(&long),
            "h-0001".cmp("a-household-file-number-that-is-long"),
            "ordered as their text"
        );
        assert_eq!(UnitId::from(String::from("h-0001")), short);
    }
}
