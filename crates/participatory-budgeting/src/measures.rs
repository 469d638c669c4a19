//! Measures of an outcome for researchers: how satisfied voters are with a
//! budget's selected projects or a committee's members — by count and by
//! cost — who got nothing, and how unequal it is.
//!
//! Shares and Gini coefficients are computed exactly and shown rounded to six
//! decimals (halves up); the counts behind them are given too.

use num_bigint::BigInt;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{BudgetElection, Error, Result};

/// Satisfaction measures of one outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Measures {
    /// Voters (ballot weights summed).
    pub voters: u64,
    /// `count[s]`: voters with `s` selected projects (members) they approve.
    pub count: Vec<u64>,
    /// Voters with nothing they approved selected: the exclusion ratio's
    /// numerator.
    pub excluded: u64,
    /// `excluded ÷ voters` (the exclusion ratio).
    pub exclusion_ratio: Decimal,
    /// The Gini coefficient of the count satisfaction.
    pub gini_count: Decimal,
    /// The Gini coefficient of the cost satisfaction (the cost of the
    /// selected projects a voter approves); equal to `gini_count` for
    /// committees (unit costs).
    pub gini_cost: Decimal,
    /// Mean count satisfaction.
    pub mean_count: Decimal,
}

/// `num / den` rounded to six decimals, halves up (`den > 0`).
fn six(num: &BigInt, den: &BigInt) -> Decimal {
    if den == &BigInt::from(0) {
        return Decimal::ZERO;
    }
    let scaled = num * BigInt::from(2_000_000) + den;
    let q = scaled / (den * BigInt::from(2));
    i64::try_from(q).map_or(Decimal::MAX, |q| Decimal::new(q, 6))
}

/// The exact Gini coefficient of weighted values: Σ over pairs of
/// `w_i·w_j·|x_i − x_j|` ÷ (2·W·Σ w·x), as a fraction.
fn gini(values: &mut [(u128, u64)]) -> (BigInt, BigInt) {
    values.sort_unstable();
    let total_weight: BigInt = values.iter().map(|(_, w)| BigInt::from(*w)).sum();
    let total_value: BigInt = values
        .iter()
        .map(|(x, w)| BigInt::from(*x) * BigInt::from(*w))
        .sum();
    // Σ_{i<j} w_i w_j (x_j − x_i), values sorted: each x counted with the
    // weight before it positively and the weight after it negatively.
    let mut before = BigInt::from(0);
    let mut pairs = BigInt::from(0);
    for (x, w) in values.iter() {
        let (x, w) = (BigInt::from(*x), BigInt::from(*w));
        let after = &total_weight - &before - &w;
        pairs += &x * &w * (&before - &after);
        before += w;
    }
    (pairs, total_weight * total_value)
}

/// Measures from each voter group's `(count, cost)` satisfaction and weight.
fn measures(satisfaction: &[(usize, u128, u64)]) -> Measures {
    let voters: u64 = satisfaction.iter().map(|(_, _, w)| *w).sum();
    let most = satisfaction.iter().map(|(c, _, _)| *c).max().unwrap_or(0);
    let mut count = vec![0u64; most + 1];
    for (c, _, w) in satisfaction {
        if let Some(slot) = count.get_mut(*c) {
            *slot += w;
        }
    }
    let excluded = count.first().copied().unwrap_or(0);
    let mut by_count: Vec<(u128, u64)> = satisfaction
        .iter()
        .map(|(c, _, w)| (*c as u128, *w))
        .collect();
    let mut by_cost: Vec<(u128, u64)> = satisfaction.iter().map(|(_, x, w)| (*x, *w)).collect();
    let count_gini = gini(&mut by_count);
    let cost_gini = gini(&mut by_cost);
    let total_count: BigInt = satisfaction
        .iter()
        .map(|(c, _, w)| BigInt::from(*c) * BigInt::from(*w))
        .sum();
    Measures {
        voters,
        count,
        excluded,
        exclusion_ratio: six(&BigInt::from(excluded), &BigInt::from(voters)),
        gini_count: six(&count_gini.0, &count_gini.1),
        gini_cost: six(&cost_gini.0, &cost_gini.1),
        mean_count: six(&total_count, &BigInt::from(voters)),
    }
}

/// Measures of a budget's selected projects (by id) for its voters: a voter
/// approves the projects on their ballot.
///
/// ```
/// use guided_community_pb::{measures, parse};
///
/// let election = parse("META\nkey;value\nbudget;150\nvote_type;approval\n\
///     PROJECTS\nproject_id;cost\np1;100\np2;60\np3;50\n\
///     VOTES\nvoter_id;vote\n1;p1,p2\n2;p1\n3;p3\n4;p3\n")?;
/// let m = measures::of_budget(&election, &["p2".to_owned(), "p3".to_owned()])?;
/// assert_eq!(m.count, [1, 3]); // voter 2 got nothing
/// assert_eq!(m.exclusion_ratio.to_string(), "0.250000");
/// # Ok::<(), guided_community_pb::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::CommitteeInput`] naming a selected id that is not a project;
/// [`Error::Overflow`] for costs beyond 128 bits in their smallest unit.
pub fn of_budget(election: &BudgetElection, selected: &[String]) -> Result<Measures> {
    let chosen = selection_mask(election, selected)?;
    // Costs at a common scale: in units of 10^-scale.
    let scale = election
        .projects
        .iter()
        .map(|p| p.cost.scale())
        .max()
        .unwrap_or(0);
    let unit = |cost: Decimal| -> Option<u128> {
        let mut c = cost;
        c.rescale(scale);
        u128::try_from(c.mantissa()).ok()
    };
    let mut satisfaction = Vec::with_capacity(election.voters.len());
    for voter in &election.voters {
        let mut n = 0usize;
        let mut cost = 0u128;
        for &p in &voter.ballot {
            let index = p as usize;
            if chosen.get(index).copied().unwrap_or(false) {
                n += 1;
                let c = election
                    .projects
                    .get(index)
                    .and_then(|pr| unit(pr.cost))
                    .ok_or(Error::Overflow {
                        context: "measuring cost satisfaction",
                    })?;
                cost = cost.checked_add(c).ok_or(Error::Overflow {
                    context: "measuring cost satisfaction",
                })?;
            }
        }
        satisfaction.push((n, cost, 1));
    }
    Ok(measures(&satisfaction))
}

/// Measures of a committee: each voter's satisfaction is how many members
/// they approve.
pub fn of_committee(profile: &crate::committee::Profile, committee: &[usize]) -> Measures {
    let satisfaction: Vec<(usize, u128, u64)> = profile
        .ballots()
        .map(|(a, w)| {
            let n = a.iter().filter(|c| committee.contains(c)).count();
            (n, n as u128, w)
        })
        .collect();
    measures(&satisfaction)
}

/// An approval election's costs and budget as whole numbers of its smallest
/// money unit (`10^-scale`), each at most `limit`: shared by the fairness and
/// priceability checks.
pub(crate) struct Money {
    pub(crate) cost: Vec<u128>,
    pub(crate) budget: u128,
    pub(crate) scale: u32,
}

/// [`Money`] of `election`, refusing other vote types on behalf of `what`.
pub(crate) fn approval_money(
    election: &BudgetElection,
    what: &str,
    limit: u128,
) -> crate::Result<Money> {
    let budget = election.budget()?;
    if !matches!(election.vote_type()?, crate::VoteType::Approval) {
        return Err(Error::CommitteeInput {
            reason: format!("{what} take approval elections"),
        });
    }
    let scale = election
        .projects
        .iter()
        .map(|p| p.cost.scale())
        .chain(core::iter::once(budget.scale()))
        .max()
        .unwrap_or(0);
    // Each amount in the smallest unit any of them is written in; one past
    // `limit` is an error naming it.
    // Scaled in integers: a decimal cannot always hold the scaled mantissa
    // (7e28 at two places), and `rescale` then keeps a smaller scale.
    let unit = |d: rust_decimal::Decimal, name: &dyn Fn() -> String| -> crate::Result<u128> {
        u128::try_from(d.mantissa())
            .ok()
            .zip(10u128.checked_pow(scale.saturating_sub(d.scale())))
            .and_then(|(m, ten)| m.checked_mul(ten))
            .filter(|&m| m <= limit)
            .ok_or_else(|| {
                // The limit in the amounts' own unit (2^60 fen is 11529215046068469.76).
                let most = i128::try_from(limit)
                    .ok()
                    .and_then(|l| rust_decimal::Decimal::try_from_i128_with_scale(l, scale).ok())
                    .map_or_else(|| limit.to_string(), |m| m.to_string());
                Error::CommitteeInput {
                    reason: format!("{what} take amounts up to {most}; {} is {d}", name()),
                }
            })
    };
    Ok(Money {
        cost: election
            .projects
            .iter()
            .map(|p| unit(p.cost, &|| format!("the cost of project `{}`", p.id)))
            .collect::<crate::Result<Vec<u128>>>()?,
        budget: unit(budget, &|| "the budget".to_owned())?,
        scale,
    })
}

/// Which projects `selected` names, by index; an id that is not a project of
/// the election is an [`Error::CommitteeInput`] naming it.
pub(crate) fn selection_mask(election: &BudgetElection, selected: &[String]) -> Result<Vec<bool>> {
    let mut chosen = vec![false; election.projects.len()];
    for id in selected {
        let index = election
            .projects
            .iter()
            .position(|p| &p.id == id)
            .ok_or_else(|| Error::CommitteeInput {
                reason: format!("`{id}` is not a project of the election"),
            })?;
        if let Some(slot) = chosen.get_mut(index) {
            *slot = true;
        }
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Amounts are counted in the finest unit any of them is written in,
    /// exactly, even where a decimal cannot hold the scaled amount (7e28 at
    /// two places): `rescale` kept the budget in whole units there, a
    /// hundredth of its worth against the costs.
    #[test]
    fn money_is_scaled_in_integers() {
        let e = crate::parse(
            "META\nkey;value\nbudget;70000000000000000000000000000\nvote_type;approval\n\
             PROJECTS\nproject_id;cost\na;0.01\nb;60\nVOTES\nvoter_id;vote\n1;a\n",
        )
        .unwrap();
        let money = approval_money(&e, "the checks", u128::MAX).unwrap();
        assert_eq!(money.scale, 2);
        assert_eq!(money.cost, [1, 6_000]);
        assert_eq!(money.budget, 7 * 10u128.pow(30));
        // The outcome shows the budget as written, not the decimal's maximum.
        let out = crate::run(&e, &crate::Options::new(crate::BudgetingRule::Mes)).unwrap();
        assert_eq!(out.budget.to_string(), "70000000000000000000000000000");
        assert_eq!(
            out.per_voter_budget.map(|b| b.to_string()).as_deref(),
            Some("70000000000000000000000000000")
        );
    }

    #[test]
    fn gini_by_hand() {
        // Values 0, 0, 2, 2 (equal weights): mean 1, Σ|xi − xj| over ordered
        // pairs = 8·2 = 16, G = 16 / (2·16·1) = 0.5.
        let m = measures(&[(0, 0, 1), (0, 0, 1), (2, 2, 1), (2, 2, 1)]);
        assert_eq!(m.gini_count, Decimal::new(5, 1));
        assert_eq!(m.excluded, 2);
        assert_eq!(m.count, [2, 0, 2]);
        // Weights count as voters: the same with two groups of two.
        let w = measures(&[(0, 0, 2), (2, 2, 2)]);
        assert_eq!(w.gini_count, m.gini_count);
        // Everyone equal: 0; one has all of 3 voters' satisfaction: 2/3.
        assert_eq!(measures(&[(1, 1, 5)]).gini_count, Decimal::ZERO);
        assert_eq!(
            measures(&[(0, 0, 2), (3, 3, 1)]).gini_count.to_string(),
            "0.666667"
        );
    }
}
