//! What a caller gives: requests, volunteers' offers and a distance table.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

/// A resident's request for a service (a visit, a ride to the clinic, a repair).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The request's id, unique in the instance.
    pub id: String,
    /// The skill the service needs (`"escort"`, `"repair"`, …), compared exactly.
    pub skill: String,
    /// The least level of the skill it needs (default 0: any level).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub level: u8,
    /// When the service starts.
    #[serde(deserialize_with = "crate::lenient::time")]
    pub from: DateTime<FixedOffset>,
    /// When it ends: the volunteer is busy from `from` up to `to`.
    #[serde(deserialize_with = "crate::lenient::time")]
    pub to: DateTime<FixedOffset>,
    /// Where the resident lives: a place in the distance table.
    pub building: String,
    /// How much serving it matters (default 1); the matching maximises the sum
    /// over the requests it serves.
    #[serde(default = "one")]
    pub urgency: u32,
    /// The household's need score if known (from the needs matrix, 0–100):
    /// among requests of equal urgency, the needier is considered first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub need: Option<u32>,
    /// Since when the resident has waited: among requests of equal urgency and
    /// need, the longest waiting is considered first.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::optional_time"
    )]
    pub waiting_since: Option<DateTime<FixedOffset>>,
    /// The kind of service, for the record (陪诊, 助餐, 维修, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

#[allow(clippy::trivially_copy_pass_by_ref, reason = "serde's signature")]
fn is_zero(n: &u8) -> bool {
    *n == 0
}

const fn one() -> u32 {
    1
}

/// A skill a volunteer offers, at a level (written `"repair"` for level 1,
/// or `{"skill": "repair", "level": 3}`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Skill {
    /// The skill, compared exactly with a request's.
    pub skill: String,
    /// How well (default 1); a request asking for level `n` needs `n` or more.
    pub level: u8,
}

impl Skill {
    /// `skill` at level 1.
    pub fn new(skill: impl Into<String>) -> Self {
        Self {
            skill: skill.into(),
            level: 1,
        }
    }
}

impl<'de> Deserialize<'de> for Skill {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SkillVisitor;
        impl<'de> Visitor<'de> for SkillVisitor {
            type Value = Skill;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(r#"a skill, e.g. "repair" or {"skill": "repair", "level": 3}"#)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Skill, E> {
                Ok(Skill::new(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skill, A::Error> {
                let mut skill = None;
                let mut level = 1;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "skill" => skill = Some(map.next_value::<String>()?),
                        "level" => level = map.next_value::<u8>()?,
                        other => {
                            return Err(de::Error::unknown_field(other, &["skill", "level"]));
                        }
                    }
                }
                let skill = skill.ok_or_else(|| de::Error::missing_field("skill"))?;
                Ok(Skill { skill, level })
            }
        }
        deserializer.deserialize_any(SkillVisitor)
    }
}

/// A volunteer's offer (a member of the skills bank 社区能人库 or the time bank
/// 时间银行).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Volunteer {
    /// The volunteer's id, unique in the instance; the facade uses it as their
    /// hours account in the points bank.
    pub id: String,
    /// What they can do.
    pub skills: Vec<Skill>,
    /// When they are available, as `[from, to]` pairs; windows that overlap or
    /// touch are one window.
    #[serde(deserialize_with = "crate::lenient::windows")]
    pub available: Vec<(DateTime<FixedOffset>, DateTime<FixedOffset>)>,
    /// Where they live: a place in the distance table.
    pub building: String,
    /// The most hours they are willing to serve in the instance (a week, as a
    /// rule), e.g. `4` or `"2.5"`.
    #[serde(deserialize_with = "crate::lenient::decimal")]
    pub max_hours: Decimal,
}

/// Walking distances between places (metres or minutes, the caller's unit):
/// `{"B1": {"B2": 120}}`. Either direction may be given; both, only if equal.
/// The distance within a place is 0. An empty table means every distance is 0.
pub type DistanceTable = BTreeMap<String, BTreeMap<String, u32>>;

/// Requests, offers and distances: one matching problem.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    /// The residents' requests.
    pub requests: Vec<Request>,
    /// The volunteers' offers.
    pub volunteers: Vec<Volunteer>,
    /// Distances between buildings.
    #[serde(default)]
    pub distance: DistanceTable,
}

/// How to match: the defaults maximise urgency, then minimise distance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MatchOptions {
    /// Spread the load: between the urgency served and the distance walked,
    /// minimise the largest share of a volunteer's limit that is used.
    #[serde(default)]
    pub spread_load: bool,
    /// How many nodes the exact search may visit in one independent part
    /// before it stops with the best matching found and its proven gap
    /// (default 200,000; all parts together at most
    /// [`TOTAL_NODES_PER_LIMIT`](crate::TOTAL_NODES_PER_LIMIT) times this).
    /// Counted, not timed: the same input gives the same answer on every
    /// machine.
    #[serde(default = "default_node_limit")]
    pub node_limit: u64,
}

const fn default_node_limit() -> u64 {
    200_000
}

impl Default for MatchOptions {
    fn default() -> Self {
        Self {
            spread_load: false,
            node_limit: default_node_limit(),
        }
    }
}

impl MatchOptions {
    /// Spread the load (see [`MatchOptions::spread_load`]).
    #[must_use]
    pub fn spread_load(mut self, yes: bool) -> Self {
        self.spread_load = yes;
        self
    }

    /// The exact search's node budget (see [`MatchOptions::node_limit`]).
    #[must_use]
    pub fn node_limit(mut self, nodes: u64) -> Self {
        self.node_limit = nodes;
        self
    }
}
