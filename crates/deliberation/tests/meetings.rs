//! Meetings under simplified Robert's Rules, their minutes, and the process.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use chrono::{NaiveDate, NaiveDateTime};
use guided_community_deliberation::{
    Act, Action, Error, Meeting, MeetingRules, MotionKind, Step, Threshold, Votes, advance,
    conduct, propose, verify_minutes,
};
use proptest::prelude::*;

fn at() -> NaiveDateTime {
    "2025-09-12T19:00:00".parse().unwrap()
}

fn with_members(rules: MeetingRules, present: u32) -> Meeting {
    (1..=present).fold(Meeting::open(rules), |m, i| {
        conduct(
            &m,
            Act::Arrive {
                member: format!("m{i}"),
            },
            at(),
        )
        .unwrap()
        .0
    })
}

fn motion(kind: MotionKind, mover: &str, text: &str) -> Act {
    Act::Move {
        kind,
        mover: mover.into(),
        text: text.into(),
    }
}

fn vote(yes: u32, no: u32) -> Act {
    Act::Vote {
        votes: Votes {
            yes,
            no,
            abstain: 0,
        },
    }
}

fn step(m: &Meeting, act: Act) -> Meeting {
    conduct(m, act, at()).unwrap().0
}

#[test]
fn the_motion_table() {
    let table: Vec<(MotionKind, bool, bool, bool, Threshold)> = MotionKind::ALL
        .iter()
        .map(|&k| {
            let c = k.characteristics();
            (k, c.needs_second, c.debatable, c.amendable, c.threshold)
        })
        .collect();
    assert!(
        table.iter().all(|t| t.1),
        "every motion needs a second on a full board"
    );
    let pq = MotionKind::PreviousQuestion.characteristics();
    assert_eq!(
        (pq.debatable, pq.amendable, pq.threshold),
        (false, false, Threshold::TwoThirds)
    );
    assert!(!MotionKind::Adjourn.characteristics().debatable);
    let ranks: Vec<u8> = MotionKind::ALL
        .iter()
        .map(|k| k.characteristics().rank)
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn a_small_board_needs_no_second() {
    let m = with_members(MeetingRules::for_board(9), 6);
    let m = step(&m, motion(MotionKind::Main, "m1", "Buy a defibrillator"));
    assert_eq!(
        conduct(&m, Act::Second { by: "m2".into() }, at()).unwrap_err(),
        Error::SecondNotNeeded {
            motion: "main motion"
        }
    );
    let (_, decision) = conduct(&m, vote(4, 2), at()).unwrap();
    assert!(decision.unwrap().passed);
}

#[test]
fn losing_quorum_blocks_votes() {
    let m = with_members(MeetingRules::for_board(15), 8);
    let m = step(&m, motion(MotionKind::Main, "m1", "Hold a summer fair"));
    let m = step(&m, Act::Second { by: "m2".into() });
    let m = step(
        &m,
        Act::Leave {
            member: "m8".into(),
        },
    );
    assert_eq!(
        conduct(&m, vote(5, 2), at()).unwrap_err(),
        Error::NoQuorum {
            present: 7,
            quorum: 8
        }
    );
    let m = step(
        &m,
        Act::Arrive {
            member: "m8".into(),
        },
    );
    assert!(conduct(&m, vote(5, 2), at()).is_ok());
}

#[test]
fn amend_then_adopt_and_the_previous_question() {
    let m = with_members(MeetingRules::for_board(15), 12);
    let m = step(
        &m,
        motion(MotionKind::Main, "m1", "Repaint the stairwell blue"),
    );
    let m = step(&m, Act::Second { by: "m2".into() });
    let m = step(
        &m,
        motion(MotionKind::Amend, "m3", "Repaint the stairwell white"),
    );
    let m = step(&m, Act::Second { by: "m4".into() });
    // An amendment to the amendment is in order; a third level is not.
    let m2 = step(
        &m,
        motion(MotionKind::Amend, "m5", "Repaint the stairwell cream"),
    );
    let m2 = step(&m2, Act::Second { by: "m6".into() });
    assert!(matches!(
        conduct(&m2, motion(MotionKind::Amend, "m7", "x"), at()).unwrap_err(),
        Error::OutOfOrder {
            reason: "an amendment to an amendment cannot be amended",
            ..
        }
    ));
    // A main motion while one is pending is out of order.
    assert!(matches!(
        conduct(&m, motion(MotionKind::Main, "m7", "x"), at()),
        Err(Error::OutOfOrder { .. })
    ));
    let (m, _) = conduct(&m, vote(7, 4), at()).unwrap();
    assert_eq!(m.pending[0].text, "Repaint the stairwell white");
    // Close debate: two-thirds of votes cast.
    let m = step(&m, motion(MotionKind::PreviousQuestion, "m5", "vote now"));
    let m = step(&m, Act::Second { by: "m6".into() });
    let (lost, d) = conduct(&m, vote(7, 4), at()).unwrap();
    assert!(!d.unwrap().passed, "7 of 11 is short of two-thirds");
    assert!(!lost.pending[0].debate_closed);
    let (m, d) = conduct(&m, vote(8, 4), at()).unwrap();
    assert!(d.unwrap().passed);
    assert!(m.pending[0].debate_closed);
    assert!(matches!(
        conduct(
            &m,
            motion(MotionKind::PreviousQuestion, "m5", "again"),
            at()
        ),
        Err(Error::OutOfOrder { .. })
    ));
    let (m, d) = conduct(&m, vote(9, 3), at()).unwrap();
    assert!(d.unwrap().passed && m.pending.is_empty());
    assert_eq!(
        m.last_decided.as_ref().unwrap().text,
        "Repaint the stairwell white"
    );
    verify_minutes(m.minutes.entries()).unwrap();
}

#[test]
fn refer_postpone_reconsider_adjourn() {
    let m = with_members(MeetingRules::for_board(9), 7);
    let m = step(
        &m,
        motion(MotionKind::Main, "m1", "Charge for the community room"),
    );
    let (referred, _) = conduct(
        &step(&m, motion(MotionKind::Refer, "m2", "to the finance group")),
        vote(4, 2),
        at(),
    )
    .unwrap();
    assert!(referred.pending.is_empty());
    let (postponed, _) = conduct(
        &step(&m, motion(MotionKind::Postpone, "m2", "to October")),
        vote(4, 2),
        at(),
    )
    .unwrap();
    assert!(postponed.pending.is_empty());
    // Decide, then reconsider.
    let (decided, d) = conduct(&m, vote(3, 4), at()).unwrap();
    assert!(!d.unwrap().passed);
    let reopened = step(&decided, motion(MotionKind::Reconsider, "m4", "reconsider"));
    let (reopened, _) = conduct(&reopened, vote(5, 2), at()).unwrap();
    assert_eq!(reopened.pending[0].text, "Charge for the community room");
    let (again, d) = conduct(&reopened, vote(5, 2), at()).unwrap();
    assert!(d.unwrap().passed);
    // Adjourn ends the meeting.
    let (closed, _) = conduct(
        &step(&again, motion(MotionKind::Adjourn, "m1", "adjourn")),
        vote(6, 0),
        at(),
    )
    .unwrap();
    assert!(closed.adjourned);
    assert_eq!(
        conduct(
            &closed,
            Act::Arrive {
                member: "m9".into()
            },
            at()
        )
        .unwrap_err(),
        Error::Adjourned
    );
    verify_minutes(closed.minutes.entries()).unwrap();
    assert_eq!(
        conduct(
            &m,
            Act::Second {
                by: "nobody".into()
            },
            at()
        )
        .unwrap_err(),
        Error::NotPresent {
            member: "nobody".into()
        }
    );
}

#[test]
fn any_altered_byte_breaks_the_minutes() {
    let m = with_members(MeetingRules::for_board(15), 9);
    let m = step(
        &m,
        motion(MotionKind::Main, "m1", "Plant trees along the east wall"),
    );
    let m = step(&m, Act::Second { by: "m2".into() });
    let (m, _) = conduct(&m, vote(6, 2), at()).unwrap();
    let json = serde_json::to_string(m.minutes.entries()).unwrap();
    let bytes = json.as_bytes();
    let mut broken = 0;
    for i in 0..bytes.len() {
        for replacement in [b'0', b'a', b'7'] {
            if bytes[i] == replacement {
                continue;
            }
            let mut altered = bytes.to_vec();
            altered[i] = replacement;
            let Ok(text) = String::from_utf8(altered) else {
                continue;
            };
            // An edit that no longer parses is caught by reading; one that parses
            // must be caught by the chain.
            if let Ok(entries) =
                serde_json::from_str::<Vec<guided_community_deliberation::Entry>>(&text)
                && entries != m.minutes.entries()
            {
                assert!(
                    verify_minutes(&entries).is_err(),
                    "byte {i} → {}",
                    char::from(replacement)
                );
                broken += 1;
            }
        }
    }
    assert!(broken > 100, "{broken}");
}

fn act() -> impl Strategy<Value = Act> {
    let member = (1u32..12).prop_map(|i| format!("m{i}"));
    let kind = prop::sample::select(MotionKind::ALL.to_vec());
    prop_oneof![
        member.clone().prop_map(|member| Act::Arrive { member }),
        member.clone().prop_map(|member| Act::Leave { member }),
        (kind, member.clone()).prop_map(|(kind, mover)| Act::Move {
            kind,
            mover,
            text: "t".into()
        }),
        member.prop_map(|by| Act::Second { by }),
        (0u32..8, 0u32..8, 0u32..3).prop_map(|(yes, no, abstain)| Act::Vote {
            votes: Votes { yes, no, abstain }
        }),
    ]
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        Just(Action::Consult),
        (0u64..20).prop_map(|d| Action::AnnounceAgenda {
            meeting: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new(d)
        }),
        Just(Action::Review),
        (0u32..9, 0u32..9).prop_map(|(yes, no)| Action::Resolve {
            decision: guided_community_deliberation::decide(
                Threshold::Majority,
                Votes {
                    yes,
                    no,
                    abstain: 0
                },
                guided_community_deliberation::Attendance::new(yes + no, 20)
            )
            .unwrap(),
        }),
        Just(Action::Publish),
        Just(Action::Object {
            by: "h".into(),
            text: "t".into()
        }),
        Just(Action::ReturnToReview),
        Just(Action::TakeEffect),
    ]
}

proptest! {
    #[test]
    fn no_sequence_of_acts_panics_or_breaks_the_minutes(acts in proptest::collection::vec(act(), 0..60), members in 1u32..16) {
        let mut meeting = Meeting::open(MeetingRules::for_board(members));
        for act in acts {
            if let Ok((next, _)) = conduct(&meeting, act, at()) {
                meeting = next;
            }
            prop_assert!(meeting.pending.len() <= MotionKind::ALL.len() + 1);
        }
        prop_assert!(verify_minutes(meeting.minutes.entries()).is_ok());
    }

    #[test]
    fn no_sequence_of_actions_reaches_an_undefined_step(steps in proptest::collection::vec((action(), 0u64..4), 0..40)) {
        let mut on = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let mut item = propose("i", "t", on);
        for (action, gap) in steps {
            on = on + chrono::Days::new(gap);
            if let Ok(next) = advance(&item, &action, on) {
                prop_assert!(next.history.len() == item.history.len() + 1);
                item = next;
            }
            // Every step is one of the defined ones and in effect only after publication.
            if let Step::InEffect { since } = item.step {
                prop_assert!(item.history.iter().any(|(_, a)| a == "publish"));
                prop_assert!(since >= item.history[0].0);
            }
        }
    }
}
