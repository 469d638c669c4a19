//! The five-step process (五步议事法): propose (提议) → consult (商议) → review (审议)
//! → resolve (决议) → publish (公示). Pure transitions with named preconditions.

use core::fmt;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{Decision, Error, Result};

/// Days of notice an agenda needs before the meeting that decides it (议题预告制).
pub const NOTICE_DAYS: u64 = 7;
/// Days a resolution is published before it takes effect (公示期).
pub const PUBLICATION_DAYS: u64 = 7;

/// The step an item is in; exactly one is active.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "kebab-case")]
pub enum Step {
    /// Proposed (提议).
    Propose,
    /// Residents are consulted (商议).
    Consult,
    /// The council reviews it (审议).
    Review,
    /// Voted and passed (决议), not yet published.
    Resolved {
        /// The vote.
        decision: Decision,
    },
    /// Published for objections (公示); takes effect after the publication period.
    Published {
        /// First day of publication.
        since: NaiveDate,
    },
    /// In effect.
    InEffect {
        /// The day it took effect.
        since: NaiveDate,
    },
    /// Voted down (terminal; a new proposal may follow).
    Rejected {
        /// The vote.
        decision: Decision,
    },
}

impl Step {
    /// The step's name.
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Propose => "propose",
            Self::Consult => "consult",
            Self::Review => "review",
            Self::Resolved { .. } => "resolved",
            Self::Published { .. } => "published",
            Self::InEffect { .. } => "in-effect",
            Self::Rejected { .. } => "rejected",
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An objection raised during publication.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Objection {
    /// When.
    pub on: NaiveDate,
    /// Who (a resident or household).
    pub by: String,
    /// What.
    pub text: String,
}

/// An agenda item and its history through the five steps.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Item {
    /// Identifier.
    pub id: String,
    /// Title.
    pub title: String,
    /// The active step.
    pub step: Step,
    /// When the agenda was announced, and for which meeting.
    pub agenda: Option<Agenda>,
    /// Objections raised during publication, kept when the item goes back to review.
    pub objections: Vec<Objection>,
    /// Every transition, in order.
    pub history: Vec<(NaiveDate, String)>,
}

/// An announced agenda: when, and the meeting it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Agenda {
    /// The day it was announced.
    pub announced: NaiveDate,
    /// The meeting's day.
    pub meeting: NaiveDate,
}

/// What can happen to an item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Action {
    /// Open consultation with residents.
    Consult,
    /// Announce the agenda for a meeting (at least 7 days ahead).
    AnnounceAgenda {
        /// The meeting's day.
        meeting: NaiveDate,
    },
    /// Move to the council's review.
    Review,
    /// Record the meeting's vote (on the announced meeting day).
    Resolve {
        /// The vote (see [`crate::decide`]).
        decision: Decision,
    },
    /// Publish the resolution.
    Publish,
    /// Record an objection during publication.
    Object {
        /// Who.
        by: String,
        /// What.
        text: String,
    },
    /// Send the item back to review because of objections.
    ReturnToReview,
    /// The publication period is over: the resolution takes effect.
    TakeEffect,
}

impl Action {
    const fn name(&self) -> &'static str {
        match self {
            Self::Consult => "consult",
            Self::AnnounceAgenda { .. } => "announce-agenda",
            Self::Review => "review",
            Self::Resolve { .. } => "resolve",
            Self::Publish => "publish",
            Self::Object { .. } => "object",
            Self::ReturnToReview => "return-to-review",
            Self::TakeEffect => "take-effect",
        }
    }
}

/// A new item in the propose step.
pub fn propose(id: impl Into<String>, title: impl Into<String>, on: NaiveDate) -> Item {
    Item {
        id: id.into(),
        title: title.into(),
        step: Step::Propose,
        agenda: None,
        objections: Vec::new(),
        history: vec![(on, "propose".to_owned())],
    }
}

/// The item after `action` on day `on`.
///
/// | step | action | precondition |
/// |---|---|---|
/// | propose | consult | |
/// | consult | review | |
/// | consult, review | announce-agenda | the meeting is at least 7 days away |
/// | review | resolve | an agenda announced for this day, 7 days ahead |
/// | resolved | publish | the vote passed |
/// | published | object | within the 7 days of publication |
/// | published | return-to-review | an objection was raised |
/// | published | take-effect | 7 days of publication have passed |
///
/// ```
/// use chrono::NaiveDate;
/// use guided_community_deliberation::{advance, decide, propose, Action, Attendance, Threshold, Votes};
///
/// let day = |d| NaiveDate::from_ymd_opt(2025, 9, d).ok_or("bad date");
/// let item = propose("i-7", "Fence the bicycle shed", day(1)?);
/// let item = advance(&item, &Action::Consult, day(2)?)?;
/// let item = advance(&item, &Action::Review, day(5)?)?;
/// // An agenda announced only 5 days ahead is refused.
/// let late = advance(&item, &Action::AnnounceAgenda { meeting: day(10)? }, day(5)?).unwrap_err();
/// assert_eq!(late.to_string(), "the agenda for 2025-09-10 must be announced by 2025-09-03 (7 days ahead), not 2025-09-05");
/// let item = advance(&item, &Action::AnnounceAgenda { meeting: day(12)? }, day(5)?)?;
/// let vote = decide(Threshold::Majority, Votes { yes: 9, no: 3, abstain: 1 }, Attendance::new(13, 15))?;
/// let item = advance(&item, &Action::Resolve { decision: vote }, day(12)?)?;
/// let item = advance(&item, &Action::Publish, day(13)?)?;
/// let item = advance(&item, &Action::TakeEffect, day(20)?)?;
/// assert_eq!(item.step.name(), "in-effect");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidStep`] naming the step and action, [`Error::NoticeTooShort`],
/// [`Error::NotOnMeetingDay`], [`Error::NoAgenda`], [`Error::PublicationNotOver`],
/// [`Error::PublicationOver`], [`Error::NoObjection`], [`Error::MissingText`] and
/// [`Error::DateBeforeLast`].
pub fn advance(item: &Item, action: &Action, on: NaiveDate) -> Result<Item> {
    if let Some(&(last, _)) = item.history.last()
        && on < last
    {
        return Err(Error::DateBeforeLast { on, last });
    }
    let invalid = || Error::InvalidStep {
        step: item.step.name().to_owned(),
        action: action.name().to_owned(),
    };
    let mut next = item.clone();
    next.step = match (&item.step, action) {
        (Step::Propose, Action::Consult) => Step::Consult,
        (Step::Consult, Action::Review) => Step::Review,
        (Step::Consult | Step::Review, Action::AnnounceAgenda { meeting }) => {
            let latest = meeting
                .checked_sub_days(Days::new(NOTICE_DAYS))
                .ok_or_else(invalid)?;
            if on > latest {
                return Err(Error::NoticeTooShort {
                    meeting: *meeting,
                    latest,
                    announced: on,
                });
            }
            next.agenda = Some(Agenda {
                announced: on,
                meeting: *meeting,
            });
            item.step.clone()
        }
        (Step::Review, Action::Resolve { decision }) => {
            let agenda = item.agenda.ok_or(Error::NoAgenda)?;
            if agenda.meeting != on {
                return Err(Error::NotOnMeetingDay {
                    meeting: agenda.meeting,
                    on,
                });
            }
            if decision.passed {
                Step::Resolved {
                    decision: *decision,
                }
            } else {
                Step::Rejected {
                    decision: *decision,
                }
            }
        }
        (Step::Resolved { .. }, Action::Publish) => Step::Published { since: on },
        (Step::Published { since }, Action::Object { by, text }) => {
            if text.trim().is_empty() {
                return Err(Error::MissingText);
            }
            let end = since
                .checked_add_days(Days::new(PUBLICATION_DAYS))
                .ok_or_else(invalid)?;
            if on >= end {
                return Err(Error::PublicationOver { ended: end });
            }
            next.objections.push(Objection {
                on,
                by: by.clone(),
                text: text.clone(),
            });
            item.step.clone()
        }
        (Step::Published { since }, Action::ReturnToReview) => {
            if !item.objections.iter().any(|o| o.on >= *since) {
                return Err(Error::NoObjection);
            }
            // A new vote will need a new agenda.
            next.agenda = None;
            Step::Review
        }
        (Step::Published { since }, Action::TakeEffect) => {
            let end = since
                .checked_add_days(Days::new(PUBLICATION_DAYS))
                .ok_or_else(invalid)?;
            if on < end {
                return Err(Error::PublicationNotOver { until: end });
            }
            Step::InEffect { since: on }
        }
        _ => return Err(invalid()),
    };
    next.history.push((on, action.name().to_owned()));
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Attendance, Threshold, Votes, decide};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 9, d).unwrap()
    }

    fn reviewed() -> Item {
        let item = propose("i", "t", day(1));
        let item = advance(&item, &Action::Consult, day(1)).unwrap();
        advance(&item, &Action::Review, day(2)).unwrap()
    }

    fn vote(yes: u32, no: u32) -> Decision {
        decide(
            Threshold::Majority,
            Votes {
                yes,
                no,
                abstain: 0,
            },
            Attendance::new(yes + no, 15),
        )
        .unwrap()
    }

    #[test]
    fn every_invalid_transition_names_its_precondition() {
        let item = reviewed();
        assert_eq!(
            advance(
                &item,
                &Action::Resolve {
                    decision: vote(9, 3)
                },
                day(10)
            ),
            Err(Error::NoAgenda)
        );
        let announced =
            advance(&item, &Action::AnnounceAgenda { meeting: day(10) }, day(3)).unwrap();
        assert_eq!(
            advance(
                &announced,
                &Action::Resolve {
                    decision: vote(9, 3)
                },
                day(11)
            ),
            Err(Error::NotOnMeetingDay {
                meeting: day(10),
                on: day(11)
            })
        );
        assert_eq!(
            advance(&item, &Action::AnnounceAgenda { meeting: day(10) }, day(4)),
            Err(Error::NoticeTooShort {
                meeting: day(10),
                latest: day(3),
                announced: day(4)
            })
        );
        assert_eq!(
            advance(&item, &Action::Publish, day(3)),
            Err(Error::InvalidStep {
                step: "review".into(),
                action: "publish".into()
            })
        );
        let resolved = advance(
            &announced,
            &Action::Resolve {
                decision: vote(9, 3),
            },
            day(10),
        )
        .unwrap();
        let published = advance(&resolved, &Action::Publish, day(11)).unwrap();
        assert_eq!(
            advance(&published, &Action::TakeEffect, day(17)),
            Err(Error::PublicationNotOver { until: day(18) })
        );
        assert_eq!(
            advance(&published, &Action::ReturnToReview, day(12)),
            Err(Error::NoObjection)
        );
        assert_eq!(
            advance(
                &published,
                &Action::Object {
                    by: "h-3".into(),
                    text: "x".into()
                },
                day(18)
            ),
            Err(Error::PublicationOver { ended: day(18) })
        );
        assert_eq!(
            advance(
                &published,
                &Action::Object {
                    by: "h-3".into(),
                    text: " ".into()
                },
                day(12)
            ),
            Err(Error::MissingText)
        );
        assert_eq!(
            advance(&published, &Action::TakeEffect, day(9)),
            Err(Error::DateBeforeLast {
                on: day(9),
                last: day(11)
            })
        );
    }

    #[test]
    fn objections_send_an_item_back_to_review() {
        let item = advance(
            &reviewed(),
            &Action::AnnounceAgenda { meeting: day(10) },
            day(3),
        )
        .unwrap();
        let item = advance(
            &item,
            &Action::Resolve {
                decision: vote(8, 4),
            },
            day(10),
        )
        .unwrap();
        let item = advance(&item, &Action::Publish, day(11)).unwrap();
        let item = advance(
            &item,
            &Action::Object {
                by: "h-12".into(),
                text: "the shed blocks the fire exit".into(),
            },
            day(13),
        )
        .unwrap();
        let item = advance(&item, &Action::ReturnToReview, day(14)).unwrap();
        assert_eq!(
            (item.step.clone(), item.agenda, item.objections.len()),
            (Step::Review, None, 1)
        );
    }

    #[test]
    fn a_failed_vote_rejects() {
        let item = advance(
            &reviewed(),
            &Action::AnnounceAgenda { meeting: day(10) },
            day(3),
        )
        .unwrap();
        let item = advance(
            &item,
            &Action::Resolve {
                decision: vote(4, 4),
            },
            day(10),
        )
        .unwrap();
        assert!(matches!(item.step, Step::Rejected { .. }));
        assert!(advance(&item, &Action::Publish, day(11)).is_err());
    }
}
