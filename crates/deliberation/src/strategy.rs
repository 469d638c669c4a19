//! [`proptest`](mod@proptest) strategies (with the `proptest` feature): for
//! tallies, ranked elections with truncated ballots and repeated counts, and
//! approval elections; for the council lottery, volunteer pools with rules
//! that some council meets. They shrink towards fewer candidates, ballots,
//! volunteers and rules, and smaller counts.
//!
//! ```
//! use guided_community_deliberation::{strategy, tally, VotingMethod};
//! use proptest::prelude::*;
//!
//! // Schulze's winners always include a Condorcet winner when there is one…
//! // here, simply: every tally names at least one winner.
//! proptest!(|(election in strategy::ranked_election())| {
//!     let result = tally(&election, VotingMethod::Schulze, None).unwrap();
//!     prop_assert!(!result.winners.is_empty());
//! });
//! ```

use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::{Ballot, CandidateElection, Category, CouncilRules, Volunteer};

fn names(m: usize) -> Vec<String> {
    (0..m)
        .map(|i| char::from(b'A' + u8::try_from(i).unwrap_or(0)).to_string())
        .collect()
}

/// A ranked election: 2 to 5 candidates `A`, `B`, …; 1 to 12 ballots, each a
/// ranking of some (at least one) of them, cast 1 to 5 times.
pub fn ranked_election() -> impl Strategy<Value = CandidateElection> {
    (2usize..=5).prop_flat_map(|m| {
        proptest::collection::vec(
            (
                Just((0..m).collect::<Vec<usize>>()).prop_shuffle(),
                1..=m,
                1u64..=5,
            ),
            1..13,
        )
        .prop_map(move |ballots| {
            let candidates = names(m);
            let ballots = ballots
                .into_iter()
                .map(|(order, keep, count)| {
                    Ballot::ranked(
                        order
                            .into_iter()
                            .take(keep)
                            .map(|c| candidates.get(c).cloned().unwrap_or_default()),
                        count,
                    )
                })
                .collect();
            CandidateElection {
                candidates: names(m),
                ballots,
            }
        })
    })
}

/// An approval election: 2 to 5 candidates, 1 to 12 ballots approving any
/// set (possibly none), cast 1 to 5 times.
pub fn approval_election() -> impl Strategy<Value = CandidateElection> {
    (2usize..=5).prop_flat_map(|m| {
        proptest::collection::vec(
            (proptest::collection::btree_set(0..m, 0..=m), 1u64..=5),
            1..13,
        )
        .prop_map(move |ballots| {
            let candidates = names(m);
            let ballots = ballots
                .into_iter()
                .map(|(set, count)| {
                    Ballot::approval(
                        set.into_iter()
                            .map(|c| candidates.get(c).cloned().unwrap_or_default()),
                        count,
                    )
                })
                .collect();
            CandidateElection {
                candidates: names(m),
                ballots,
            }
        })
    })
}

/// A pool of volunteers, the seats to fill and rules some council of that size
/// meets: what [`select`](crate::select) takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouncilPool {
    /// The volunteers `v1`, `v2`, …, each with an `age`, a `tenure` and a
    /// `building`.
    pub volunteers: Vec<Volunteer>,
    /// 1 to 6 seats, never more than the volunteers.
    pub seats: u32,
    /// Rules that the first `seats` volunteers, as a council, meet.
    pub rules: CouncilRules,
}

const AGES: [&str; 3] = ["young", "middle", "senior"];
const TENURES: [&str; 2] = ["owner", "tenant"];

/// A council pool: 1 to 20 volunteers with an age (young, middle, senior), a
/// tenure (owner, tenant) and one of four buildings; 1 to 6 seats; up to four
/// rules of every kind (`min`, `max`, `min_share`, `max_share`, `max_per`
/// building), each read off the first `seats` volunteers as a witness council
/// and loosened by a random slack (none: the rule is tight), and sometimes a
/// `cover` goal for buildings. Every pool has a council that meets its rules,
/// so [`select`](crate::select) succeeds on it. It shrinks towards fewer
/// volunteers, seats and rules, and tight rules.
pub fn council_pool() -> impl Strategy<Value = CouncilPool> {
    let volunteer = (
        proptest::sample::select(AGES.to_vec()),
        proptest::sample::select(TENURES.to_vec()),
        1u8..5,
    );
    let rule = (0u8..5, 0..AGES.len() + TENURES.len(), 0u32..3);
    (
        proptest::collection::vec(volunteer, 1..21),
        1u32..7,
        proptest::collection::vec(rule, 0..5),
        any::<bool>(),
    )
        .prop_map(|(people, seats, picks, cover)| {
            let volunteers: Vec<Volunteer> = people
                .iter()
                .zip(1..)
                .map(|(&(age, tenure, building), i)| {
                    Volunteer::new(format!("v{i}"))
                        .with("age", age)
                        .with("tenure", tenure)
                        .with("building", format!("b{building}"))
                })
                .collect();
            let seats = seats.min(u32::try_from(volunteers.len()).unwrap_or(1));
            let witness = volunteers.get(..seats as usize).unwrap_or_default();
            CouncilPool {
                rules: rules_met_by(witness, seats, &picks, cover),
                volunteers,
                seats,
            }
        })
}

/// Rules the `witness` council meets: each pick is (kind, category, slack).
fn rules_met_by(
    witness: &[Volunteer],
    seats: u32,
    picks: &[(u8, usize, u32)],
    cover: bool,
) -> CouncilRules {
    let categories: Vec<Category> = AGES
        .iter()
        .map(|v| Category::new("age", *v))
        .chain(TENURES.iter().map(|v| Category::new("tenure", *v)))
        .collect();
    let count = |c: &Category| {
        u32::try_from(witness.iter().filter(|v| v.is_in(c)).count()).unwrap_or(u32::MAX)
    };
    let share = |members: u32, strategy: RoundingStrategy| {
        (Decimal::from(members) / Decimal::from(seats.max(1))).round_dp_with_strategy(2, strategy)
    };
    let tenth = |slack: u32| Decimal::new(i64::from(slack), 1);
    let mut rules = CouncilRules::none();
    for &(kind, index, slack) in picks {
        let Some(category) = categories.get(index) else {
            continue;
        };
        let members = count(category);
        match kind {
            0 => {
                rules
                    .min
                    .insert(category.clone(), members.saturating_sub(slack));
            }
            1 => {
                rules.max.insert(category.clone(), members + slack);
            }
            2 => {
                let low = share(members, RoundingStrategy::ToZero) - tenth(slack);
                rules
                    .min_share
                    .insert(category.clone(), low.max(Decimal::ZERO));
            }
            3 => {
                let high = share(members, RoundingStrategy::AwayFromZero) + tenth(slack);
                rules
                    .max_share
                    .insert(category.clone(), high.min(Decimal::ONE));
            }
            _ => {
                let mut per = std::collections::BTreeMap::<&str, u32>::new();
                for v in witness {
                    *per.entry(v.get("building").unwrap_or_default())
                        .or_default() += 1;
                }
                let most = per.values().copied().max().unwrap_or(0);
                rules.max_per.insert("building".to_owned(), most + slack);
            }
        }
    }
    if cover {
        rules.cover.push("building".to_owned());
    }
    rules
}
