//! A meeting under simplified Robert's Rules of Order: attendance and quorum, a
//! table of motions and their characteristics, and a stack of pending motions.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::{Attendance, Decision, Error, Minutes, Record, Result, Threshold, Votes, decide};

/// The motions a residents' council uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MotionKind {
    /// A main motion: brings business before the meeting.
    Main,
    /// Amend the pending motion's wording.
    Amend,
    /// Refer the main motion to a committee or working group.
    Refer,
    /// Postpone the main motion to a later meeting.
    Postpone,
    /// Close debate and vote now (the previous question).
    PreviousQuestion,
    /// Reconsider the last decided main motion.
    Reconsider,
    /// Adjourn the meeting.
    Adjourn,
}

/// A motion's characteristics (Robert's Rules of Order, simplified).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Characteristics {
    /// Needs a second (except on a small board).
    pub needs_second: bool,
    /// Open to debate.
    pub debatable: bool,
    /// Can itself be amended.
    pub amendable: bool,
    /// The vote it needs.
    pub threshold: Threshold,
    /// Precedence: a motion may be moved while motions of lower rank are pending.
    pub rank: u8,
}

impl MotionKind {
    /// Every kind, in order of precedence (lowest first).
    pub const ALL: [Self; 7] = [
        Self::Main,
        Self::Amend,
        Self::Refer,
        Self::Postpone,
        Self::PreviousQuestion,
        Self::Reconsider,
        Self::Adjourn,
    ];

    /// The table.
    ///
    /// | motion | second | debatable | amendable | vote |
    /// |---|---|---|---|---|
    /// | main | yes | yes | yes | majority |
    /// | amend | yes | yes | yes (once) | majority |
    /// | refer | yes | yes | yes | majority |
    /// | postpone | yes | yes | yes | majority |
    /// | previous question | yes | no | no | two-thirds |
    /// | reconsider | yes | yes | no | majority |
    /// | adjourn | yes | no | no | majority |
    pub const fn characteristics(self) -> Characteristics {
        let (needs_second, debatable, amendable, threshold, rank) = match self {
            Self::Main => (true, true, true, Threshold::Majority, 0),
            Self::Amend => (true, true, true, Threshold::Majority, 1),
            Self::Refer => (true, true, true, Threshold::Majority, 2),
            Self::Postpone => (true, true, true, Threshold::Majority, 3),
            Self::PreviousQuestion => (true, false, false, Threshold::TwoThirds, 4),
            Self::Reconsider => (true, true, false, Threshold::Majority, 5),
            Self::Adjourn => (true, false, false, Threshold::Majority, 6),
        };
        Characteristics {
            needs_second,
            debatable,
            amendable,
            threshold,
            rank,
        }
    }

    /// The motion's name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Main => "main motion",
            Self::Amend => "amendment",
            Self::Refer => "motion to refer",
            Self::Postpone => "motion to postpone",
            Self::PreviousQuestion => "previous question",
            Self::Reconsider => "motion to reconsider",
            Self::Adjourn => "motion to adjourn",
        }
    }
}

/// A pending motion.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Motion {
    /// Its number in this meeting.
    pub id: u32,
    /// Its kind.
    pub kind: MotionKind,
    /// Its wording (for an amendment, the new wording of the motion it amends).
    pub text: String,
    /// Who moved it.
    pub mover: String,
    /// Who seconded it.
    pub seconded_by: Option<String>,
    /// Debate was closed by the previous question.
    pub debate_closed: bool,
}

/// The rules a meeting follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MeetingRules {
    /// Members of the body.
    pub members: u32,
    /// Members needed for a quorum; `None` is a majority of the members.
    pub quorum: Option<u32>,
    /// Small-board mode (boards of about 12 or fewer): motions need no second.
    pub small_board: bool,
}

impl MeetingRules {
    /// A board of `members`, majority quorum, small-board mode when it has 12 or
    /// fewer members.
    pub const fn for_board(members: u32) -> Self {
        Self {
            members,
            quorum: None,
            small_board: members <= 12,
        }
    }
}

/// A meeting in progress.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Meeting {
    /// Its rules.
    pub rules: MeetingRules,
    /// Members present.
    pub present: BTreeSet<String>,
    /// Pending motions, the one being considered last.
    pub pending: Vec<Motion>,
    /// The last decided main motion, for reconsideration.
    pub last_decided: Option<Motion>,
    /// Motions moved so far.
    pub moved: u32,
    /// Whether the meeting has adjourned.
    pub adjourned: bool,
    /// The minutes.
    pub minutes: Minutes,
}

/// What happens in a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "act", rename_all = "kebab-case")]
pub enum Act {
    /// A member arrives.
    Arrive {
        /// Who.
        member: String,
    },
    /// A member leaves.
    Leave {
        /// Who.
        member: String,
    },
    /// A member moves a motion.
    Move {
        /// Which kind.
        kind: MotionKind,
        /// Who.
        mover: String,
        /// Its wording.
        text: String,
    },
    /// A member seconds the motion being considered.
    Second {
        /// Who.
        by: String,
    },
    /// The chair puts the motion being considered to a vote.
    Vote {
        /// The count.
        votes: Votes,
    },
}

impl Meeting {
    /// A meeting about to open: nobody present yet.
    pub fn open(rules: MeetingRules) -> Self {
        Self {
            rules,
            present: BTreeSet::new(),
            pending: Vec::new(),
            last_decided: None,
            moved: 0,
            adjourned: false,
            minutes: Minutes::default(),
        }
    }

    /// Whether a quorum is present.
    pub fn has_quorum(&self) -> bool {
        let quorum = self.rules.quorum.unwrap_or(self.rules.members / 2 + 1);
        u32::try_from(self.present.len()).unwrap_or(u32::MAX) >= quorum
    }

    fn attendance(&self) -> Attendance {
        Attendance {
            present: u32::try_from(self.present.len()).unwrap_or(u32::MAX),
            members: self.rules.members,
            quorum: self.rules.quorum,
        }
    }
}

/// The meeting after `act` at `at`, and the decision if a vote was taken.
///
/// ```
/// use chrono::NaiveDateTime;
/// use guided_community_deliberation::{conduct, Act, Meeting, MotionKind, MeetingRules, Votes};
///
/// let at: NaiveDateTime = "2025-09-12T19:00:00".parse()?;
/// let mut meeting = Meeting::open(MeetingRules::for_board(15));
/// for m in 1..=9 {
///     meeting = conduct(&meeting, Act::Arrive { member: format!("m{m}") }, at)?.0;
/// }
/// let act = |kind, mover: &str, text: &str| Act::Move { kind, mover: mover.into(), text: text.into() };
/// meeting = conduct(&meeting, act(MotionKind::Main, "m1", "Repaint the stairwell"), at)?.0;
/// // A 15-member council is not a small board: the motion needs a second.
/// let unseconded = conduct(&meeting, Act::Vote { votes: Votes { yes: 6, no: 2, abstain: 1 } }, at).unwrap_err();
/// assert_eq!(unseconded.to_string(), "the main motion needs a second before the vote");
/// meeting = conduct(&meeting, Act::Second { by: "m2".into() }, at)?.0;
/// let (meeting, decision) = conduct(&meeting, Act::Vote { votes: Votes { yes: 6, no: 2, abstain: 1 } }, at)?;
/// assert!(decision.is_some_and(|d| d.passed));
/// assert!(meeting.pending.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::Adjourned`], [`Error::NotPresent`], [`Error::OutOfOrder`] (a motion
/// that cannot be moved now, naming why), [`Error::NoPendingMotion`],
/// [`Error::NeedsSecond`], [`Error::SecondNotNeeded`], [`Error::SecondByMover`],
/// [`Error::NoQuorum`] (no vote without a quorum, even if it was lost mid-meeting),
/// and the errors of [`decide`].
pub fn conduct(
    meeting: &Meeting,
    act: Act,
    at: NaiveDateTime,
) -> Result<(Meeting, Option<Decision>)> {
    if meeting.adjourned {
        return Err(Error::Adjourned);
    }
    let mut next = meeting.clone();
    let mut decision = None;
    match act {
        Act::Arrive { member } => {
            if member.trim().is_empty() {
                return Err(Error::NotPresent { member });
            }
            next.present.insert(member.clone());
            next.record_attendance(member, true, at);
        }
        Act::Leave { member } => {
            meeting.check_present(&member)?;
            next.present.remove(&member);
            next.record_attendance(member, false, at);
        }
        Act::Move { kind, mover, text } => move_motion(meeting, &mut next, kind, mover, text, at)?,
        Act::Second { by } => second(meeting, &mut next, by, at)?,
        Act::Vote { votes } => decision = Some(vote(meeting, &mut next, votes, at)?),
    }
    Ok((next, decision))
}

impl Meeting {
    fn check_present(&self, member: &str) -> Result<()> {
        if self.present.contains(member) {
            Ok(())
        } else {
            Err(Error::NotPresent {
                member: member.to_owned(),
            })
        }
    }

    fn record_attendance(&mut self, member: String, arrived: bool, at: NaiveDateTime) {
        let present = self.attendance().present;
        self.minutes = self.minutes.append(
            at,
            Record::Attendance {
                member,
                arrived,
                present,
            },
        );
    }
}

fn move_motion(
    meeting: &Meeting,
    next: &mut Meeting,
    kind: MotionKind,
    mover: String,
    text: String,
    at: NaiveDateTime,
) -> Result<()> {
    meeting.check_present(&mover)?;
    check_in_order(meeting, kind)?;
    next.moved += 1;
    let text = if kind == MotionKind::Reconsider {
        meeting
            .last_decided
            .as_ref()
            .map_or(text, |m| m.text.clone())
    } else {
        text
    };
    next.minutes = next.minutes.append(
        at,
        Record::Motion {
            motion: next.moved,
            kind,
            mover: mover.clone(),
            text: text.clone(),
        },
    );
    next.pending.push(Motion {
        id: next.moved,
        kind,
        text,
        mover,
        seconded_by: None,
        debate_closed: false,
    });
    Ok(())
}

fn second(meeting: &Meeting, next: &mut Meeting, by: String, at: NaiveDateTime) -> Result<()> {
    meeting.check_present(&by)?;
    let top = next.pending.last_mut().ok_or(Error::NoPendingMotion)?;
    if meeting.rules.small_board
        || !top.kind.characteristics().needs_second
        || top.seconded_by.is_some()
    {
        return Err(Error::SecondNotNeeded {
            motion: top.kind.name(),
        });
    }
    if top.mover == by {
        return Err(Error::SecondByMover { member: by });
    }
    top.seconded_by = Some(by.clone());
    let motion = top.id;
    next.minutes = next.minutes.append(at, Record::Second { motion, by });
    Ok(())
}

fn vote(
    meeting: &Meeting,
    next: &mut Meeting,
    votes: Votes,
    at: NaiveDateTime,
) -> Result<Decision> {
    let top = meeting.pending.last().ok_or(Error::NoPendingMotion)?;
    let characteristics = top.kind.characteristics();
    if characteristics.needs_second && !meeting.rules.small_board && top.seconded_by.is_none() {
        return Err(Error::NeedsSecond {
            motion: top.kind.name(),
        });
    }
    let attendance = meeting.attendance();
    if !meeting.has_quorum() {
        return Err(Error::NoQuorum {
            present: attendance.present,
            quorum: attendance.quorum(),
        });
    }
    let result = decide(characteristics.threshold, votes, attendance)?;
    next.minutes = next.minutes.append(
        at,
        Record::Vote {
            motion: top.id,
            votes,
            decision: result,
        },
    );
    apply_outcome(next, result.passed, at);
    Ok(result)
}

/// Whether a motion of `kind` may be moved now.
fn check_in_order(meeting: &Meeting, kind: MotionKind) -> Result<()> {
    let out_of_order = |reason: &'static str| Error::OutOfOrder {
        motion: kind.name(),
        reason,
    };
    let top = meeting.pending.last();
    match (kind, top) {
        (MotionKind::Adjourn, _) | (MotionKind::Main, None) => Ok(()),
        (MotionKind::Main | MotionKind::Reconsider, Some(_)) => {
            Err(out_of_order("another motion is pending"))
        }
        (MotionKind::Reconsider, None) if meeting.last_decided.is_some() => Ok(()),
        (MotionKind::Reconsider, None) => Err(out_of_order(
            "no main motion has been decided in this meeting",
        )),
        (_, None) => Err(out_of_order("no motion is pending")),
        (MotionKind::Amend, Some(top)) => {
            let amending_an_amendment = top.kind == MotionKind::Amend;
            let below = meeting.pending.iter().rev().nth(1).map(|m| m.kind);
            if !top.kind.characteristics().amendable {
                Err(out_of_order("the pending motion cannot be amended"))
            } else if amending_an_amendment && below == Some(MotionKind::Amend) {
                Err(out_of_order(
                    "an amendment to an amendment cannot be amended",
                ))
            } else if top.kind.characteristics().rank > kind.characteristics().rank {
                Err(out_of_order("a motion of higher rank is pending"))
            } else {
                Ok(())
            }
        }
        (MotionKind::PreviousQuestion, Some(top))
            if !top.kind.characteristics().debatable || top.debate_closed =>
        {
            Err(out_of_order("the pending motion is not open to debate"))
        }
        (MotionKind::Refer | MotionKind::Postpone, Some(top)) if top.kind != MotionKind::Main => {
            Err(out_of_order("it applies to the main motion only"))
        }
        (_, Some(top)) if top.kind.characteristics().rank >= kind.characteristics().rank => {
            Err(out_of_order("a motion of equal or higher rank is pending"))
        }
        _ => Ok(()),
    }
}

/// Applies the result of the vote on the top motion.
fn apply_outcome(meeting: &mut Meeting, passed: bool, at: NaiveDateTime) {
    let Some(motion) = meeting.pending.pop() else {
        return;
    };
    let outcome = |meeting: &mut Meeting, id: u32, text: String| {
        meeting.minutes = meeting
            .minutes
            .append(at, Record::Outcome { motion: id, text });
    };
    match (motion.kind, passed) {
        (MotionKind::Main, _) => {
            let verdict = if passed { "adopted" } else { "lost" };
            outcome(meeting, motion.id, format!("{verdict}: {}", motion.text));
            meeting.last_decided = Some(motion);
        }
        (MotionKind::Amend, true) => {
            if let Some(target) = meeting.pending.last_mut() {
                target.text.clone_from(&motion.text);
                let id = target.id;
                outcome(meeting, id, format!("amended to read: {}", motion.text));
            }
        }
        (MotionKind::Refer | MotionKind::Postpone, true) => {
            if let Some(main) = meeting.pending.pop() {
                let what = if motion.kind == MotionKind::Refer {
                    "referred"
                } else {
                    "postponed"
                };
                outcome(meeting, main.id, format!("{what}: {}", motion.text));
            }
        }
        (MotionKind::PreviousQuestion, true) => {
            if let Some(target) = meeting.pending.last_mut() {
                target.debate_closed = true;
            }
        }
        (MotionKind::Reconsider, true) => {
            if let Some(mut reopened) = meeting.last_decided.take() {
                reopened.seconded_by = Some(motion.mover.clone());
                reopened.debate_closed = false;
                outcome(meeting, reopened.id, "reopened for a new vote".to_owned());
                meeting.pending.push(reopened);
            }
        }
        (MotionKind::Adjourn, true) => {
            meeting.adjourned = true;
            meeting.minutes = meeting.minutes.append(at, Record::Adjourned);
        }
        // A motion that failed is simply gone; the motion it applied to stays.
        _ => {}
    }
}
