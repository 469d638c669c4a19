//! [`proptest`](mod@proptest) strategies for tallies (with the `proptest`
//! feature): ranked elections with truncated ballots and repeated counts, and
//! approval elections. They shrink towards fewer candidates and ballots and
//! smaller counts.
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

use crate::{Ballot, CandidateElection};

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
