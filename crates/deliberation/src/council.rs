//! Council composition (议事会构成): volunteers, rules as data, and checking a council.

use core::fmt;
use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// A resident who volunteers for the council, with free-form attributes.
///
/// In JSON the attributes sit beside the id:
/// `{"id": "v1", "age": "young", "tenure": "tenant", "building": "b1"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volunteer {
    /// A unique id.
    pub id: String,
    /// Attribute values by key: `age`, `tenure`, `building`, … (a number or
    /// true/false in JSON reads as its text: `"building": 7` is `"7"`).
    #[serde(flatten, deserialize_with = "crate::lenient::labels")]
    pub attributes: BTreeMap<String, String>,
}

impl Volunteer {
    /// A volunteer without attributes.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            attributes: BTreeMap::new(),
        }
    }

    /// The same volunteer with `key` set to `value`.
    #[must_use]
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.insert(key.into(), value.into());
        self
    }

    /// The value of `key`, if the volunteer has one.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.attributes.get(key).map(String::as_str)
    }

    /// Whether the volunteer is in `category`.
    pub fn is_in(&self, category: &Category) -> bool {
        self.get(&category.key) == Some(category.value.as_str())
    }
}

/// A category of volunteers: those whose `key` attribute equals `value`,
/// written `key=value` (`age=young`, `tenure=tenant`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Category {
    /// The attribute.
    pub key: String,
    /// Its value.
    pub value: String,
}

impl Category {
    /// `key=value`.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.key, self.value)
    }
}

impl core::str::FromStr for Category {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.split_once('=') {
            Some((key, value)) if !key.is_empty() && !value.is_empty() => Ok(Self::new(key, value)),
            _ => Err(Error::InvalidCategory { text: s.to_owned() }),
        }
    }
}

impl Serialize for Category {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Category {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Panel rules for a council, as data.
///
/// `min`/`max` bound the number of members in a category; `min_share`/`max_share`
/// bound it as a share of the seats (rounded inwards: 20% of 7 seats is at least
/// 2 members); `max_per` caps the members sharing one value of a key (at most 3 per
/// building); `cover` lists keys whose every value should be represented — a goal
/// met as far as the pool allows, not a hard rule.
///
/// ```
/// use guided_community_deliberation::CouncilRules;
///
/// let rules: CouncilRules = serde_json::from_str(r#"{
///     "min": {"age=young": 2, "age=senior": 2, "tenure=tenant": 1},
///     "min_share": {"tenure=tenant": "0.2"},
///     "max_per": {"building": 3},
///     "cover": ["building"]
/// }"#)?;
/// assert_eq!(rules, CouncilRules::default());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CouncilRules {
    /// At least this many members in the category.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lenient::seats"
    )]
    pub min: BTreeMap<Category, u32>,
    /// At most this many members in the category.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lenient::seats"
    )]
    pub max: BTreeMap<Category, u32>,
    /// At least this share of the seats (0–1) in the category, rounded up.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lenient::shares"
    )]
    pub min_share: BTreeMap<Category, Decimal>,
    /// At most this share of the seats (0–1) in the category, rounded down.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lenient::shares"
    )]
    pub max_share: BTreeMap<Category, Decimal>,
    /// At most this many members with any one value of the key.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::lenient::seats"
    )]
    pub max_per: BTreeMap<String, u32>,
    /// Keys whose every value (among the volunteers) should be represented.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cover: Vec<String>,
}

impl CouncilRules {
    /// No rules at all: any council of the right size will do.
    ///
    /// ```
    /// use guided_community_deliberation::CouncilRules;
    ///
    /// assert!(CouncilRules::none().min.is_empty());
    /// assert_ne!(CouncilRules::none(), CouncilRules::default());
    /// ```
    pub fn none() -> Self {
        Self {
            min: BTreeMap::new(),
            max: BTreeMap::new(),
            min_share: BTreeMap::new(),
            max_share: BTreeMap::new(),
            max_per: BTreeMap::new(),
            cover: Vec::new(),
        }
    }

    /// The articles' values: [`CouncilRules::default`].
    pub(crate) fn article() -> Self {
        let category = |key: &str, value: &str| Category::new(key, value);
        Self {
            min: BTreeMap::from([
                (category("age", "young"), 2),
                (category("age", "senior"), 2),
                (category("tenure", "tenant"), 1),
            ]),
            min_share: BTreeMap::from([(category("tenure", "tenant"), Decimal::new(2, 1))]),
            max_per: BTreeMap::from([("building".to_owned(), 3)]),
            cover: vec!["building".to_owned()],
            ..Self::none()
        }
    }

    /// The hard rules one by one, in a fixed order: `min`, `max`, `min_share`,
    /// `max_share`, `max_per`.
    pub fn hard_rules(&self) -> Vec<CompositionRule> {
        let min = self.min.iter().map(|(c, &count)| CompositionRule::Min {
            category: c.clone(),
            count,
        });
        let max = self.max.iter().map(|(c, &count)| CompositionRule::Max {
            category: c.clone(),
            count,
        });
        let min_share = self
            .min_share
            .iter()
            .map(|(c, &share)| CompositionRule::MinShare {
                category: c.clone(),
                share,
            });
        let max_share = self
            .max_share
            .iter()
            .map(|(c, &share)| CompositionRule::MaxShare {
                category: c.clone(),
                share,
            });
        let max_per = self
            .max_per
            .iter()
            .map(|(key, &count)| CompositionRule::MaxPer {
                key: key.clone(),
                count,
            });
        min.chain(max)
            .chain(min_share)
            .chain(max_share)
            .chain(max_per)
            .collect()
    }

    /// Every key the rules look at.
    pub(crate) fn keys(&self) -> BTreeSet<&str> {
        let categories = self
            .min
            .keys()
            .chain(self.max.keys())
            .chain(self.min_share.keys())
            .chain(self.max_share.keys())
            .map(|c| c.key.as_str());
        categories
            .chain(self.max_per.keys().map(String::as_str))
            .chain(self.cover.iter().map(String::as_str))
            .collect()
    }

    /// Shares must lie in 0–1.
    pub(crate) fn validate(&self) -> Result<()> {
        for (category, &share) in self.min_share.iter().chain(&self.max_share) {
            if share.is_sign_negative() || share > Decimal::ONE {
                return Err(Error::InvalidShare {
                    category: category.to_string(),
                    share,
                });
            }
        }
        Ok(())
    }
}

impl Default for CouncilRules {
    /// The rules of the source articles (DOMAIN.md §5): at least 2 young people, 2
    /// seniors and 1 tenant representative, tenants at least 20% of the seats, at
    /// most 3 members per building, and every building covered when possible.
    fn default() -> Self {
        Self::article()
    }
}

/// One hard composition rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CompositionRule {
    /// At least `count` members in the category.
    Min {
        /// The category.
        category: Category,
        /// The minimum.
        count: u32,
    },
    /// At most `count` members in the category.
    Max {
        /// The category.
        category: Category,
        /// The maximum.
        count: u32,
    },
    /// At least `share` of the seats in the category, rounded up.
    MinShare {
        /// The category.
        category: Category,
        /// The share, 0–1.
        share: Decimal,
    },
    /// At most `share` of the seats in the category, rounded down.
    MaxShare {
        /// The category.
        category: Category,
        /// The share, 0–1.
        share: Decimal,
    },
    /// At most `count` members with any one value of `key`.
    MaxPer {
        /// The key.
        key: String,
        /// The cap per value.
        count: u32,
    },
}

impl CompositionRule {
    /// The members of a category this rule allows on a council of `seats`, as
    /// `(at least, at most)`. For [`CompositionRule::MaxPer`] the bounds apply to each value.
    pub fn bounds(&self, seats: u32) -> (u32, u32) {
        let of_seats = |share: Decimal, round_up: bool| {
            let exact = share
                .checked_mul(Decimal::from(seats))
                .unwrap_or(Decimal::MAX);
            let rounded = if round_up {
                exact.ceil()
            } else {
                exact.floor()
            };
            rounded.to_u32().unwrap_or(u32::MAX)
        };
        match self {
            Self::Min { count, .. } => (*count, u32::MAX),
            Self::Max { count, .. } | Self::MaxPer { count, .. } => (0, *count),
            Self::MinShare { share, .. } => (of_seats(*share, true), u32::MAX),
            Self::MaxShare { share, .. } => (0, of_seats(*share, false)),
        }
    }

    /// The category the rule counts; `None` for [`CompositionRule::MaxPer`].
    pub fn category(&self) -> Option<&Category> {
        match self {
            Self::Min { category, .. }
            | Self::Max { category, .. }
            | Self::MinShare { category, .. }
            | Self::MaxShare { category, .. } => Some(category),
            Self::MaxPer { .. } => None,
        }
    }
}

impl fmt::Display for CompositionRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Min { category, count } => write!(f, "at least {count} {category}"),
            Self::Max { category, count } => write!(f, "at most {count} {category}"),
            Self::MinShare { category, share } => {
                write!(f, "at least {} of seats {category}", share.normalize())
            }
            Self::MaxShare { category, share } => {
                write!(f, "at most {} of seats {category}", share.normalize())
            }
            Self::MaxPer { key, count } => write!(f, "at most {count} per {key}"),
        }
    }
}

/// A rule a council breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// The rule.
    pub rule: CompositionRule,
    /// The category counted: the rule's own, or for [`CompositionRule::MaxPer`] the value over the cap.
    pub category: Category,
    /// Members of the council in it.
    pub found: u32,
    /// The bound it misses: the minimum or the maximum.
    pub limit: u32,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let members = if self.found == 1 { "member" } else { "members" };
        write!(
            f,
            "{}: {} {members}, breaking `{}`",
            self.category, self.found, self.rule
        )
    }
}

/// Every way `council` breaks the hard `rules` (empty when it meets them all).
/// Shares are taken of the council's own size. `cover` is a goal relative to the
/// pool of volunteers, so it is reported by [`select`](crate::select), not here.
///
/// ```
/// use guided_community_deliberation::{check, CouncilRules, Volunteer};
///
/// let council: Vec<Volunteer> = (1..=5)
///     .map(|i| Volunteer::new(format!("v{i}")).with("age", "senior").with("building", "b1"))
///     .collect();
/// let violations = check(&council, &CouncilRules::default())?;
/// let found: Vec<String> = violations.iter().map(ToString::to_string).collect();
/// assert_eq!(found, [
///     "age=young: 0 members, breaking `at least 2 age=young`",
///     "tenure=tenant: 0 members, breaking `at least 1 tenure=tenant`",
///     "tenure=tenant: 0 members, breaking `at least 0.2 of seats tenure=tenant`",
///     "building=b1: 5 members, breaking `at most 3 per building`",
/// ]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::DuplicateVolunteer`] if an id appears twice, [`Error::InvalidShare`]
/// for a share outside 0–1.
pub fn check(council: &[Volunteer], rules: &CouncilRules) -> Result<Vec<Violation>> {
    rules.validate()?;
    let mut ids = BTreeSet::new();
    for volunteer in council {
        if !ids.insert(volunteer.id.as_str()) {
            return Err(Error::DuplicateVolunteer {
                id: volunteer.id.clone(),
            });
        }
    }
    let seats = u32::try_from(council.len()).unwrap_or(u32::MAX);
    let mut violations = Vec::new();
    for rule in rules.hard_rules() {
        let (lo, hi) = rule.bounds(seats);
        // The counts the rule bounds: its category, or each value of a `max_per` key.
        let counted: Vec<(Category, u32)> = if let CompositionRule::MaxPer { key, .. } = &rule {
            let mut per_value: BTreeMap<&str, u32> = BTreeMap::new();
            for value in council.iter().filter_map(|v| v.get(key)) {
                *per_value.entry(value).or_default() += 1;
            }
            per_value
                .into_iter()
                .map(|(value, found)| (Category::new(key.as_str(), value), found))
                .collect()
        } else {
            rule.category()
                .map(|category| {
                    let found = council.iter().filter(|v| v.is_in(category)).count();
                    (category.clone(), u32::try_from(found).unwrap_or(u32::MAX))
                })
                .into_iter()
                .collect()
        };
        for (category, found) in counted {
            let limit = if found < lo {
                lo
            } else if found > hi {
                hi
            } else {
                continue;
            };
            violations.push(Violation {
                rule: rule.clone(),
                category,
                found,
                limit,
            });
        }
    }
    Ok(violations)
}
