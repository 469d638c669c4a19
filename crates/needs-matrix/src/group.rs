//! Group aggregation: households' scores summed by building or segment into weights
//! an allocation can use.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::score::Scores;
use crate::unit::UnitId;

/// One group's need.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GroupNeed {
    /// The group (a building, a segment).
    pub group: String,
    /// How many scored units it has.
    pub units: u64,
    /// The sum of its units' scores: the group's weight for an allocation (a group
    /// of ten households in need weighs more than one).
    pub total: Decimal,
    /// The mean score.
    pub mean: Decimal,
}

/// Groups and the scored units that belong to none.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GroupNeeds {
    /// Groups, sorted by name.
    pub groups: Vec<GroupNeed>,
    /// Scored units without a group.
    pub ungrouped: Vec<UnitId>,
}

/// Sums scores by group; `group_of` names each unit's group, or `None`.
///
/// ```
/// use guided_community_needs::{group_needs, score, Matrix, ScoreOptions, Unit};
///
/// let matrix = Matrix::default();
/// let unit = |id: &str, age: f64| Unit::new(id, vec![Some(age), Some(0.0), Some(0.0), Some(0.0), Some(0.0), Some(2.0), Some(5.0), Some(0.0), Some(0.0)]);
/// let scores = score(&matrix, &[unit("b1-101", 85.0), unit("b1-102", 72.0), unit("b2-201", 40.0)], &ScoreOptions::default())?;
/// let needs = group_needs(&scores, |id| id.as_str().split('-').next().map(str::to_owned));
/// assert_eq!(needs.groups.len(), 2);
/// assert_eq!(needs.groups[0].group, "b1");
/// assert!(needs.groups[0].total > needs.groups[1].total);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn group_needs<F>(scores: &Scores, mut group_of: F) -> GroupNeeds
where
    F: FnMut(&UnitId) -> Option<String>,
{
    let mut groups: BTreeMap<String, (u64, u128)> = BTreeMap::new();
    let mut ungrouped = Vec::new();
    for (id, &pico) in scores.ids().iter().zip(scores.raw_scores()) {
        match group_of(id) {
            Some(group) => {
                let entry = groups.entry(group).or_default();
                entry.0 += 1;
                entry.1 += u128::from(pico);
            }
            None => ungrouped.push(id.clone()),
        }
    }
    let points = |pico: u128| {
        i128::try_from(pico)
            .ok()
            .and_then(|p| Decimal::try_from_i128_with_scale(p, 12).ok())
            .unwrap_or(Decimal::MAX)
            .normalize()
    };
    let groups = groups
        .into_iter()
        .map(|(group, (units, total))| GroupNeed {
            group,
            units,
            total: points(total),
            mean: points(total / u128::from(units.max(1))),
        })
        .collect();
    GroupNeeds { groups, ungrouped }
}
