//! What scoring returns: [`Scores`] (columnar), [`UnitScore`] (one unit),
//! [`Flags`] and [`Diagnostic`]s, and their JSON.

use crate::Error;
use crate::unit::UnitId;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::Serialize;
use serde::Serializer;
use serde::ser::SerializeSeq;

use super::round::PICO;

/// A unit's flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "four independent facts, each a JSON boolean on the wire"
)]
pub struct Flags {
    /// Some dimensions had no values and were re-weighted away.
    pub partial: bool,
    /// Some values were imputed with the cohort median.
    pub imputed: bool,
    /// High need and low participation (沉默需求).
    pub silent_need: bool,
    /// The score is far from the cohort's (a robust z-score beyond the threshold).
    pub outlier: bool,
}

impl Flags {
    pub(super) const PARTIAL: u8 = 1;
    pub(super) const IMPUTED: u8 = 2;
    pub(super) const SILENT: u8 = 4;
    pub(super) const OUTLIER: u8 = 8;

    pub(super) fn from_bits(bits: u8) -> Self {
        Self {
            partial: bits & Self::PARTIAL != 0,
            imputed: bits & Self::IMPUTED != 0,
            silent_need: bits & Self::SILENT != 0,
            outlier: bits & Self::OUTLIER != 0,
        }
    }

    pub(super) fn bits(self) -> u8 {
        (u8::from(self.partial) * Self::PARTIAL)
            | (u8::from(self.imputed) * Self::IMPUTED)
            | (u8::from(self.silent_need) * Self::SILENT)
            | (u8::from(self.outlier) * Self::OUTLIER)
    }
}

/// One unit's result.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UnitScore {
    /// The unit.
    pub id: UnitId,
    /// The need score, 0–100.
    pub score: Decimal,
    /// 1 for the highest score; ties by id, then input order.
    pub rank: u32,
    /// The priority tier.
    pub tier: String,
    /// Each dimension's contribution in points, in the matrix's dimension order.
    pub contributions: Vec<Decimal>,
    /// Flags.
    pub flags: Flags,
}

/// A unit that could not be scored, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The unit.
    pub unit: UnitId,
    /// Why it was not scored.
    pub error: Error,
}

/// The scores of a cohort, stored by column (contributions too, one column per
/// dimension); [`Scores::get`] and [`Scores::iter`]
/// give one unit at a time. Units that could not be scored are in
/// [`Scores::diagnostics`], not in the scores.
///
/// JSON: `{"dimensions": [...], "scores": [UnitScore...], "diagnostics": [...]}`,
/// the scores in input order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scores {
    pub(super) dimensions: Vec<String>,
    pub(super) tier_names: Vec<String>,
    pub(super) ids: Vec<UnitId>,
    pub(super) totals: Vec<u64>,
    pub(super) ranks: Vec<u32>,
    pub(super) tiers: Vec<u8>,
    pub(super) flags: Vec<u8>,
    /// One column per dimension.
    pub(super) contributions: Vec<Vec<u64>>,
    pub(super) diagnostics: Vec<Diagnostic>,
}

pub(super) fn points(pico: u64) -> Decimal {
    Decimal::new(i64::try_from(pico).unwrap_or(i64::MAX), 12).normalize()
}

impl Scores {
    /// The number of scored units.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no unit was scored.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The dimensions' ids, the order of every unit's contributions.
    pub fn dimensions(&self) -> &[String] {
        &self.dimensions
    }

    /// The units that could not be scored.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The `i`-th scored unit (in input order, skipping units with diagnostics).
    pub fn get(&self, i: usize) -> Option<UnitScore> {
        Some(UnitScore {
            id: self.ids.get(i)?.clone(),
            score: points(*self.totals.get(i)?),
            rank: *self.ranks.get(i)?,
            tier: self
                .tier_names
                .get(usize::from(*self.tiers.get(i)?))?
                .clone(),
            contributions: self
                .contributions
                .iter()
                .map(|column| column.get(i).map(|&c| points(c)))
                .collect::<Option<_>>()?,
            flags: Flags::from_bits(*self.flags.get(i)?),
        })
    }

    /// The scored units' ids, in input order (skipping units with diagnostics).
    pub fn ids(&self) -> &[UnitId] {
        &self.ids
    }

    /// The `i`-th scored unit's score, without building its explanation: the
    /// cheap accessor for large cohorts.
    pub fn score_at(&self, i: usize) -> Option<Decimal> {
        self.totals.get(i).map(|&pico| points(pico))
    }

    /// The `i`-th scored unit's rank (1 = most need; ties by id, then input order).
    pub fn rank_at(&self, i: usize) -> Option<u32> {
        self.ranks.get(i).copied()
    }

    /// The `i`-th scored unit's tier name.
    pub fn tier_at(&self, i: usize) -> Option<&str> {
        self.tier_names
            .get(usize::from(*self.tiers.get(i)?))
            .map(String::as_str)
    }

    /// Every scored unit, in input order.
    pub fn iter(&self) -> impl Iterator<Item = UnitScore> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Every scored unit, by rank (highest need first).
    pub fn by_rank(&self) -> Vec<UnitScore> {
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.sort_unstable_by_key(|&i| self.ranks.get(i).copied().unwrap_or(u32::MAX));
        order.into_iter().filter_map(|i| self.get(i)).collect()
    }

    /// The units' ranks, in input order (for sensitivity analysis).
    pub(crate) fn ranks(&self) -> &[u32] {
        &self.ranks
    }

    /// The scores in 10⁻¹² points, in input order.
    pub(crate) fn raw_scores(&self) -> &[u64] {
        &self.totals
    }
}

impl Serialize for Scores {
    fn serialize<S: Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        struct Rows<'a>(&'a Scores);
        impl Serialize for Rows<'_> {
            fn serialize<S: Serializer>(
                &self,
                serializer: S,
            ) -> core::result::Result<S::Ok, S::Error> {
                let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
                for unit in self.0.iter() {
                    seq.serialize_element(&unit)?;
                }
                seq.end()
            }
        }
        #[derive(Serialize)]
        struct Wire<'a> {
            dimensions: &'a [String],
            scores: Rows<'a>,
            diagnostics: &'a [Diagnostic],
        }
        Wire {
            dimensions: &self.dimensions,
            scores: Rows(self),
            diagnostics: &self.diagnostics,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Scores {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> core::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wire {
            dimensions: Vec<String>,
            scores: Vec<UnitScore>,
            #[serde(default)]
            diagnostics: Vec<Diagnostic>,
        }
        let wire = Wire::deserialize(deserializer)?;
        let mut scores = Self {
            dimensions: wire.dimensions,
            diagnostics: wire.diagnostics,
            ..Self::default()
        };
        let mut rows = Vec::with_capacity(wire.scores.len());
        let pico = |points: Decimal| {
            points
                .checked_mul(Decimal::from(PICO))
                .and_then(|p| u64::try_from(p.round()).ok())
                .ok_or_else(|| serde::de::Error::custom(format!("points `{points}` out of range")))
        };
        for unit in wire.scores {
            if unit.contributions.len() != scores.dimensions.len() {
                return Err(serde::de::Error::custom(
                    "a unit's contributions do not match the dimensions",
                ));
            }
            let tier = if let Some(i) = scores.tier_names.iter().position(|t| *t == unit.tier) {
                i
            } else {
                scores.tier_names.push(unit.tier.clone());
                scores.tier_names.len() - 1
            };
            scores.ids.push(unit.id);
            scores.totals.push(pico(unit.score)?);
            scores.ranks.push(unit.rank);
            scores.tiers.push(
                u8::try_from(tier).map_err(|_| serde::de::Error::custom("more than 255 tiers"))?,
            );
            scores.flags.push(unit.flags.bits());
            rows.push(unit.contributions);
        }
        // Contributions are stored column by column.
        for k in 0..scores.dimensions.len() {
            let column = rows
                .iter()
                .map(|row: &Vec<Decimal>| pico(row.get(k).copied().unwrap_or_default()))
                .collect::<core::result::Result<Vec<u64>, _>>()?;
            scores.contributions.push(column);
        }
        Ok(scores)
    }
}
