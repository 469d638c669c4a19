//! What a selection returns: the council, every volunteer's [`Chance`], the
//! lottery ([`Panel`]s) and [`Coverage`].

use super::probability::Probability;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::Serialize;
use std::collections::BTreeMap;

/// A volunteer's chance of selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chance {
    /// The volunteer.
    pub id: String,
    /// The exact probability of being drawn under the lottery used.
    pub probability: Probability,
}

/// One council shape the lottery can draw, and its weight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Panel {
    /// The probability the lottery draws this shape.
    pub weight: Probability,
    /// Seats per type of volunteer; members of a type are drawn uniformly.
    pub groups: Vec<Group>,
}

/// Seats given to one type of volunteer in a [`Panel`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// The attributes the rules look at, shared by every volunteer of the type.
    pub attributes: BTreeMap<String, String>,
    /// Seats for the type.
    pub seats: u32,
    /// Volunteers of the type.
    pub volunteers: u32,
}

/// How far a `cover` goal is met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// The key to cover (`building`).
    pub key: String,
    /// Distinct values of the key among the volunteers.
    pub values: u32,
    /// Values every council in the lottery includes: all of them when possible.
    pub covered: u32,
}

/// A council drawn by lottery, with the lottery that drew it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    /// The members, in pool order.
    pub council: Vec<String>,
    /// Every volunteer's exact chance of selection, in pool order. They sum to
    /// the number of seats.
    pub probabilities: Vec<Chance>,
    /// The smallest chance among volunteers who can be selected at all: the
    /// quantity the lottery maximizes first.
    pub minimum: Probability,
    /// Volunteers no council meeting the rules can include (chance 0).
    pub unselectable: Vec<String>,
    /// How far each `cover` goal is met.
    pub coverage: Vec<Coverage>,
    /// The lottery: the council shapes and their weights.
    pub lottery: Vec<Panel>,
}

impl Selection {
    /// The chances as decimals with `places` places (at most 18), each rounded
    /// half away from zero: equal chances show equal, so the rounded values may
    /// miss the number of seats by a few units in the last place (the exact
    /// [`probabilities`](Self::probabilities) sum to it exactly).
    pub fn rounded(&self, places: u32) -> Vec<(String, Decimal)> {
        self.probabilities
            .iter()
            .map(|chance| (chance.id.clone(), chance.probability.to_decimal(places)))
            .collect()
    }
}
