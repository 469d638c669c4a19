//! Votes on a motion and the thresholds that decide them.

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The threshold a motion must reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Threshold {
    /// More yes than no among the votes cast (`yes > no`).
    Majority,
    /// At least two-thirds of the votes cast (`3·yes ≥ 2·(yes + no)`).
    TwoThirds,
    /// More than half of all members, present or not (`2·yes > members`).
    MajorityOfMembers,
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Majority => "a majority of votes cast",
            Self::TwoThirds => "two-thirds",
            Self::MajorityOfMembers => "a majority of all members",
        })
    }
}

/// The votes on a motion. Abstentions are recorded but are not votes cast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Votes {
    /// Votes in favour.
    pub yes: u32,
    /// Votes against.
    pub no: u32,
    /// Members present who did not vote either way.
    pub abstain: u32,
}

impl Votes {
    /// Yes and no together: the votes cast.
    pub fn cast(self) -> u64 {
        u64::from(self.yes) + u64::from(self.no)
    }
}

/// Who is at the meeting, and the quorum it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Attendance {
    /// Members present.
    pub present: u32,
    /// Members of the body.
    pub members: u32,
    /// Members needed for a quorum; `None` means a majority of the members.
    pub quorum: Option<u32>,
}

impl Attendance {
    /// `present` of `members`, with the default quorum (a majority of the members).
    pub const fn new(present: u32, members: u32) -> Self {
        Self {
            present,
            members,
            quorum: None,
        }
    }

    /// The same attendance with an explicit quorum.
    #[must_use]
    pub const fn with_quorum(self, quorum: u32) -> Self {
        Self {
            quorum: Some(quorum),
            ..self
        }
    }

    /// The members needed for a quorum: the explicit one, or `members / 2 + 1`.
    pub const fn quorum(self) -> u32 {
        match self.quorum {
            Some(quorum) => quorum,
            None => self.members / 2 + 1,
        }
    }
}

/// The outcome of a vote and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Decision {
    /// Whether the motion passed.
    pub passed: bool,
    /// Whether a quorum was present.
    pub quorum: bool,
    /// Why, in terms of the exact test that decided it.
    pub reason: Reason,
}

/// Why a motion passed or failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Reason {
    /// Fewer members were present than the quorum.
    NoQuorum {
        /// Members present.
        present: u32,
        /// Members needed.
        quorum: u32,
    },
    /// The threshold was reached.
    Reached {
        /// The threshold.
        threshold: Threshold,
        /// Votes in favour.
        yes: u32,
        /// The base the threshold is measured against (votes cast or members).
        base: u64,
    },
    /// Nobody voted yes or no (everyone present abstained, or nobody voted):
    /// a threshold of votes cast is not reached when there are none.
    NoVotesCast {
        /// The threshold.
        threshold: Threshold,
        /// Members who abstained.
        abstain: u32,
    },
    /// Yes and no were equal: a tie fails.
    Tie {
        /// Votes on each side.
        votes: u32,
    },
    /// The threshold was not reached.
    NotReached {
        /// The threshold.
        threshold: Threshold,
        /// Votes in favour.
        yes: u32,
        /// The base the threshold is measured against (votes cast or members).
        base: u64,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (verdict, reaches, threshold, yes, base) = match *self {
            Self::NoQuorum { present, quorum } => {
                return write!(f, "failed: no quorum, {present} present of {quorum} needed");
            }
            Self::Tie { votes } => return write!(f, "failed: a tie at {votes} to {votes}"),
            Self::NoVotesCast { threshold, abstain } => {
                let abstained = match abstain {
                    0 => String::new(),
                    1 => " (1 member abstained)".to_owned(),
                    n => format!(" ({n} members abstained)"),
                };
                return write!(
                    f,
                    "failed: no votes were cast{abstained}, and {threshold} needs at least one yes"
                );
            }
            Self::Reached {
                threshold,
                yes,
                base,
            } => ("passed", "reaches", threshold, yes, base),
            Self::NotReached {
                threshold,
                yes,
                base,
            } => ("failed", "does not reach", threshold, yes, base),
        };
        let (of, test) = match threshold {
            Threshold::Majority => ("votes cast", "yes > no"),
            Threshold::TwoThirds => ("votes cast", "3·yes ≥ 2·cast"),
            Threshold::MajorityOfMembers => ("members", "2·yes > members"),
        };
        write!(
            f,
            "{verdict}: {yes} yes of {base} {of} {reaches} {threshold} ({test})"
        )
    }
}

/// Decides a motion: is there a quorum, and do the votes reach the threshold?
///
/// Abstentions do not count as votes cast; a tie under a threshold of votes cast
/// fails; a majority of members counts absent members as not in favour.
///
/// ```
/// use guided_community_deliberation::{decide, Attendance, Threshold, Votes};
///
/// let at = Attendance::new(15, 15);
/// let two_thirds = |yes, no| decide(Threshold::TwoThirds, Votes { yes, no, abstain: 0 }, at);
/// assert!(two_thirds(10, 5)?.passed);
/// assert!(!two_thirds(9, 5)?.passed);
///
/// // 8 yes of 20 members is not a majority of the members, however few vote no.
/// let votes = Votes { yes: 8, no: 1, abstain: 2 };
/// assert!(!decide(Threshold::MajorityOfMembers, votes, Attendance::new(11, 20))?.passed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::NoMembers`], [`Error::PresentExceedsMembers`],
/// [`Error::VotesExceedPresent`] or [`Error::InvalidQuorum`] when the counts are
/// inconsistent.
pub fn decide(threshold: Threshold, votes: Votes, attendance: Attendance) -> Result<Decision> {
    let Attendance {
        present, members, ..
    } = attendance;
    if members == 0 {
        return Err(Error::NoMembers);
    }
    if present > members {
        return Err(Error::PresentExceedsMembers { present, members });
    }
    let recorded = votes.cast() + u64::from(votes.abstain);
    if recorded > u64::from(present) {
        return Err(Error::VotesExceedPresent {
            votes: recorded,
            present,
        });
    }
    let quorum = attendance.quorum();
    if quorum == 0 || quorum > members {
        return Err(Error::InvalidQuorum { quorum, members });
    }
    if present < quorum {
        return Ok(Decision {
            passed: false,
            quorum: false,
            reason: Reason::NoQuorum { present, quorum },
        });
    }
    let (yes, no, cast) = (u64::from(votes.yes), u64::from(votes.no), votes.cast());
    let (reached, base) = match threshold {
        Threshold::Majority => (yes > no, cast),
        Threshold::TwoThirds => (cast > 0 && 3 * yes >= 2 * cast, cast),
        Threshold::MajorityOfMembers => (2 * yes > u64::from(members), u64::from(members)),
    };
    let reason = if reached {
        Reason::Reached {
            threshold,
            yes: votes.yes,
            base,
        }
    } else if threshold != Threshold::MajorityOfMembers && cast == 0 {
        Reason::NoVotesCast {
            threshold,
            abstain: votes.abstain,
        }
    } else if threshold != Threshold::MajorityOfMembers && yes == no && yes > 0 {
        Reason::Tie { votes: votes.yes }
    } else {
        Reason::NotReached {
            threshold,
            yes: votes.yes,
            base,
        }
    };
    Ok(Decision {
        passed: reached,
        quorum: true,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn passes(
        threshold: Threshold,
        yes: u32,
        no: u32,
        abstain: u32,
        present: u32,
        members: u32,
    ) -> bool {
        decide(
            threshold,
            Votes { yes, no, abstain },
            Attendance::new(present, members),
        )
        .unwrap()
        .passed
    }

    #[test]
    fn thresholds_at_every_boundary() {
        use Threshold::*;
        // Majority of votes cast.
        assert!(passes(Majority, 6, 5, 0, 11, 11));
        assert!(!passes(Majority, 5, 5, 1, 11, 11), "a tie fails");
        assert!(
            passes(Majority, 2, 1, 8, 11, 11),
            "abstentions are not votes cast"
        );
        assert!(!passes(Majority, 0, 0, 11, 11, 11), "no votes cast");
        // 0 ≥ 0 is not a pass: the reason says that no votes were cast.
        for threshold in [Majority, TwoThirds] {
            let none = decide(
                threshold,
                Votes {
                    yes: 0,
                    no: 0,
                    abstain: 2,
                },
                Attendance::new(15, 15),
            )
            .unwrap();
            assert!(!none.passed);
            assert_eq!(
                none.reason,
                Reason::NoVotesCast {
                    threshold,
                    abstain: 2
                }
            );
            assert_eq!(
                none.reason.to_string(),
                format!(
                    "failed: no votes were cast (2 members abstained), and {threshold} needs at least one yes"
                )
            );
        }
        // Two-thirds of votes cast: 3·yes ≥ 2·(yes + no).
        assert!(passes(TwoThirds, 10, 5, 0, 15, 15));
        assert!(!passes(TwoThirds, 9, 5, 0, 15, 15));
        assert!(passes(TwoThirds, 2, 1, 12, 15, 15));
        assert!(!passes(TwoThirds, 0, 0, 15, 15, 15));
        // Majority of all members: absentees count.
        assert!(passes(MajorityOfMembers, 11, 0, 0, 11, 20));
        assert!(!passes(MajorityOfMembers, 10, 0, 0, 11, 20));
        assert!(passes(MajorityOfMembers, 6, 5, 0, 11, 11));
    }

    #[test]
    fn quorum_defaults_to_a_majority_of_members() {
        let votes = Votes {
            yes: 5,
            no: 0,
            abstain: 0,
        };
        let no_quorum = decide(Threshold::Majority, votes, Attendance::new(5, 10)).unwrap();
        assert_eq!(
            no_quorum,
            Decision {
                passed: false,
                quorum: false,
                reason: Reason::NoQuorum {
                    present: 5,
                    quorum: 6
                }
            }
        );
        let explicit = decide(
            Threshold::Majority,
            votes,
            Attendance::new(5, 10).with_quorum(5),
        )
        .unwrap();
        assert!(explicit.passed && explicit.quorum);
    }

    #[test]
    fn reasons_name_the_test() {
        let reason = |t, yes, no| {
            decide(
                t,
                Votes {
                    yes,
                    no,
                    abstain: 0,
                },
                Attendance::new(15, 15),
            )
            .unwrap()
            .reason
            .to_string()
        };
        assert_eq!(reason(Threshold::Majority, 7, 7), "failed: a tie at 7 to 7");
        assert_eq!(
            reason(Threshold::TwoThirds, 9, 5),
            "failed: 9 yes of 14 votes cast does not reach two-thirds (3·yes ≥ 2·cast)"
        );
        assert_eq!(
            reason(Threshold::MajorityOfMembers, 8, 0),
            "passed: 8 yes of 15 members reaches a majority of all members (2·yes > members)"
        );
    }

    #[test]
    fn inconsistent_counts_are_errors() {
        let v = |yes, no, abstain| Votes { yes, no, abstain };
        let d = |votes, at| decide(Threshold::Majority, votes, at);
        assert_eq!(d(v(1, 0, 0), Attendance::new(0, 0)), Err(Error::NoMembers));
        assert_eq!(
            d(v(1, 0, 0), Attendance::new(12, 11)),
            Err(Error::PresentExceedsMembers {
                present: 12,
                members: 11
            })
        );
        assert_eq!(
            d(v(5, 5, 1), Attendance::new(10, 11)),
            Err(Error::VotesExceedPresent {
                votes: 11,
                present: 10
            })
        );
        assert_eq!(
            d(v(1, 0, 0), Attendance::new(10, 11).with_quorum(12)),
            Err(Error::InvalidQuorum {
                quorum: 12,
                members: 11
            })
        );
        assert_eq!(
            d(v(1, 0, 0), Attendance::new(10, 11).with_quorum(0)),
            Err(Error::InvalidQuorum {
                quorum: 0,
                members: 11
            })
        );
    }

    proptest! {
        #[test]
        fn two_thirds_agrees_with_exact_fractions(yes in 0u32..1000, no in 0u32..1000) {
            let present = yes + no;
            let result = decide(Threshold::TwoThirds, Votes { yes, no, abstain: 0 }, Attendance::new(present, present.max(1)));
            if let Ok(decision) = result {
                // yes / (yes + no) ≥ 2/3, compared as exact rationals.
                let expected = present > 0 && u64::from(yes) * 3 >= u64::from(present) * 2;
                prop_assert_eq!(decision.passed, expected);
            }
        }

        #[test]
        fn never_panics(yes: u32, no: u32, abstain: u32, present: u32, members: u32, quorum: Option<u32>) {
            let at = Attendance { present, members, quorum };
            for threshold in [Threshold::Majority, Threshold::TwoThirds, Threshold::MajorityOfMembers] {
                let _ = decide(threshold, Votes { yes, no, abstain }, at);
            }
        }
    }
}
