//! Selecting a council by lottery (sortition with quotas), maximin-fair.
//!
//! The method is Flanigan, Gölz, Gupta, Hennig & Procaccia, "Fair algorithms for
//! selecting citizens' assemblies", Nature 596 (2021): among all lotteries over
//! councils that meet every rule, take the one whose selection probabilities are
//! **leximin**-optimal — the smallest probability as large as possible, then the
//! second smallest, and so on. It is computed by column generation: a linear
//! program over the councils found so far, and an integer program that finds the
//! council the current dual prices value most. The first stage starts from
//! councils a multiplicative-weights game finds with the integer program alone,
//! which spares most of the linear program's re-solves; the stage still ends
//! only when no council improves it.
//!
//! Volunteers who agree on every attribute the rules look at are interchangeable,
//! so the programs work on those *types* (a few dozen for a pool of 200) and the
//! draw picks members of a type uniformly. The solver is `microlp` (pure Rust,
//! floating point, deterministic, no time limit); every council it proposes is
//! re-checked against the rules in exact integers. The lottery actually used has
//! exact weights: each type's chance is snapped to the simplest fraction within
//! 10⁻⁸ of the solver's (2/3, not 0.6666667) and the weights that give exactly those
//! chances are solved for in exact rationals over the same councils (`rational.rs`);
//! only if none exist are the floats rounded to weights out of 10⁶. Either way the
//! probabilities reported are the exact chances of the lottery drawn from, and they
//! sum to the number of seats.

use std::collections::BTreeSet;

use crate::council::{CouncilRules, Volunteer};
use crate::{Error, Result};

pub mod csv;
mod draw;
mod leximin;
mod model;
mod pool;
mod probability;
mod rational;
mod result;

use self::draw::draw;
use self::leximin::leximin;
use self::model::{Model, Types};
pub use self::pool::{MAX_VOLUNTEERS, random_pool};
pub use self::probability::*;
pub use self::result::*;

/// Draws a council of `seats` from `volunteers` that meets every hard rule, by a
/// leximin-fair lottery seeded with `seed`.
///
/// ```
/// use guided_community_deliberation::{select, CouncilRules, Volunteer};
///
/// // Ten volunteers, four of them young; the council of four must have two young.
/// let pool: Vec<Volunteer> = (0..10)
///     .map(|i| Volunteer::new(format!("v{i}")).with("age", if i < 4 { "young" } else { "older" }))
///     .collect();
/// let rules: CouncilRules = serde_json::from_str(r#"{"min": {"age=young": 2}, "max": {"age=young": 2}}"#)?;
/// let selection = select(&pool, 4, &rules, 42)?;
/// assert_eq!(selection.council.len(), 4);
/// // Young volunteers share 2 seats among 4 of them, the others 2 among 6:
/// // 1/2 and 1/3 are forced, and the lottery gives exactly that.
/// assert_eq!(selection.probabilities[0].probability.to_string(), "1/2");
/// assert_eq!(selection.probabilities[9].probability.to_string(), "1/3");
/// assert_eq!(selection, select(&pool, 4, &rules, 42)?, "same seed, same council");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Method
///
/// Flanigan et al., "Fair algorithms for selecting citizens' assemblies", Nature
/// 596 (2021): of all lotteries over councils meeting the rules, the one whose
/// chances are leximin-optimal (the smallest as large as possible, then the next).
/// Volunteers alike in every attribute the rules read are interchangeable and get
/// equal chances. `cover` keys are met in full when the hard rules allow it, or
/// else every council covers as many values as the best one can ([`Coverage`]).
/// The programs are solved in floating point by `microlp`; each council is
/// re-checked in exact integers, and the lottery's weights are solved exactly for
/// the simple fractions the solver's chances round off (falling back to weights
/// out of 10⁶), so [`Selection::probabilities`] are exact fractions summing to
/// `seats`, and symmetric volunteers get equal ones.
/// Volunteers no valid council can include get 0 and are listed in
/// [`Selection::unselectable`].
///
/// # Errors
///
/// [`Error::NoSeats`], [`Error::PoolTooSmall`], [`Error::DuplicateVolunteer`] and
/// [`Error::InvalidShare`] for bad input; [`Error::Infeasible`] naming a set of
/// rules that cannot be met together (irreducible: drop any one of them and the
/// rest can be met); [`Error::Solver`] if the solver fails or the problem is too
/// large for its node budget.
pub fn select(
    volunteers: &[Volunteer],
    seats: u32,
    rules: &CouncilRules,
    seed: u64,
) -> Result<Selection> {
    rules.validate()?;
    if seats == 0 {
        return Err(Error::NoSeats);
    }
    let mut ids = BTreeSet::new();
    for volunteer in volunteers {
        if !ids.insert(volunteer.id.as_str()) {
            return Err(Error::DuplicateVolunteer {
                id: volunteer.id.clone(),
            });
        }
    }
    if volunteers.len() < seats as usize {
        return Err(Error::PoolTooSmall {
            volunteers: volunteers.len(),
            seats,
        });
    }
    let pool = Types::of(volunteers, rules);
    let hard = rules.hard_rules();
    let mut model = Model::new(&pool, seats);
    for (index, rule) in hard.iter().enumerate() {
        model.add_rule(index, rule, &pool);
    }
    if !model.feasible(&vec![true; hard.len()])? {
        return Err(Error::Infeasible {
            rules: model.irreducible(&hard)?,
        });
    }
    let coverage = model.add_cover(&rules.cover, &pool)?;
    let lottery = leximin(&model)?;
    draw(volunteers, rules, &pool, &model, &lottery, coverage, seed)
}
