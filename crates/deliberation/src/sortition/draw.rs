//! Exact chances under the lottery, and one seeded draw from it, checked against
//! the rules in integers.

use super::leximin::Lottery;
use super::model::Model;
use super::model::Types;
use super::probability::Probability;
use super::probability::gcd128;
use super::result::Chance;
use super::result::Coverage;
use super::result::Group;
use super::result::Panel;
use super::result::Selection;
use crate::Error;
use crate::Result;
use crate::council::CouncilRules;
use crate::council::Volunteer;
use crate::council::check;
use crate::rng::SplitMix64;

/// Each volunteer's exact chance under `lottery`, those who cannot be drawn, and
/// the smallest positive chance. A member of type t is drawn with probability
/// `Σ_P k_P·n_{P,t} / (D·c_t)`.
pub(super) fn chances(
    volunteers: &[Volunteer],
    types: &Types<'_>,
    lottery: &Lottery,
) -> Result<(Vec<Probability>, Vec<String>, Option<Probability>)> {
    let mut chances = vec![Probability::ZERO; volunteers.len()];
    let mut unselectable = Vec::new();
    let mut minimum: Option<Probability> = None;
    for (t, members) in types.members.iter().enumerate() {
        let seated: u128 = lottery
            .panels
            .iter()
            .zip(&lottery.weights)
            .map(|(panel, &k)| u128::from(k) * u128::from(panel.get(t).copied().unwrap_or(0)))
            .sum();
        let whole = u128::from(lottery.denominator) * members.len() as u128;
        let common = gcd128(seated, whole);
        let chance = u64::try_from(seated / common)
            .ok()
            .zip(u64::try_from(whole / common).ok())
            .and_then(|(n, d)| Probability::new(n, d))
            .ok_or_else(|| Error::Solver {
                detail: "the pool is too large for exact probabilities".to_owned(),
            })?;
        for &i in members {
            if let Some(slot) = chances.get_mut(i) {
                *slot = chance;
            }
            if chance == Probability::ZERO {
                unselectable.extend(volunteers.get(i).map(|v| v.id.clone()));
            }
        }
        if chance > Probability::ZERO {
            minimum = Some(minimum.map_or(chance, |m| m.min(chance)));
        }
    }
    Ok((chances, unselectable, minimum))
}

/// Exact chances under the lottery, and one draw from it.
#[allow(clippy::too_many_arguments, reason = "the pieces of one selection")]
pub(super) fn draw(
    volunteers: &[Volunteer],
    rules: &CouncilRules,
    types: &Types<'_>,
    model: &Model,
    lottery: &Lottery,
    coverage: Vec<Coverage>,
    seed: u64,
) -> Result<Selection> {
    let (panels, units, denominator) = (&lottery.panels, &lottery.weights, lottery.denominator);
    let (chances, unselectable, minimum) = chances(volunteers, types, lottery)?;
    // The draw: a council shape by its weight, then members of each type uniformly.
    let mut rng = SplitMix64(seed);
    let mut ticket = rng.below(denominator);
    let shape = panels
        .iter()
        .zip(units)
        .find(|&(_, &k)| {
            let hit = ticket < k;
            ticket = ticket.saturating_sub(k);
            hit
        })
        .map(|(panel, _)| panel)
        .ok_or_else(|| Error::Solver {
            detail: "the lottery is empty".to_owned(),
        })?;
    let mut chosen = Vec::new();
    for (members, &n) in types.members.iter().zip(shape) {
        let mut members = members.clone();
        for i in 0..(n as usize).min(members.len()) {
            let rest = (members.len() - i) as u64;
            let j = i + usize::try_from(rng.below(rest)).unwrap_or(0);
            members.swap(i, j);
        }
        chosen.extend(members.into_iter().take(n as usize));
    }
    chosen.sort_unstable();
    let council: Vec<Volunteer> = chosen
        .iter()
        .filter_map(|&i| volunteers.get(i).cloned())
        .collect();
    // Trust nothing the floating-point solver said: check the council exactly.
    let all_rules = vec![true; model.rows.len()];
    if !check(&council, rules)?.is_empty() || !model.satisfied(shape, &all_rules) {
        return Err(Error::Solver {
            detail: "the drawn council breaks a rule".to_owned(),
        });
    }
    let lottery = panels
        .iter()
        .zip(units)
        .map(|(panel, &k)| Panel {
            weight: Probability::new(k, denominator).unwrap_or(Probability::ZERO),
            groups: panel
                .iter()
                .enumerate()
                .filter(|&(_, &n)| n > 0)
                .map(|(t, &n)| Group {
                    attributes: types.attributes(t),
                    seats: n,
                    volunteers: types
                        .members
                        .get(t)
                        .map_or(0, |m| u32::try_from(m.len()).unwrap_or(u32::MAX)),
                })
                .collect(),
        })
        .collect();
    Ok(Selection {
        council: council.into_iter().map(|v| v.id).collect(),
        probabilities: volunteers
            .iter()
            .zip(chances)
            .map(|(v, probability)| Chance {
                id: v.id.clone(),
                probability,
            })
            .collect(),
        minimum: minimum.unwrap_or(Probability::ZERO),
        unselectable,
        coverage,
        lottery,
    })
}
