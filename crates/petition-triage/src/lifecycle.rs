//! A petition's lifecycle: pure transitions, one SLA cycle per opening, and the
//! SLA status at any moment.

use core::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AtRisk, Calendar, Colour, Error, Result, SlaPolicy, Target, TrackingCode, deadline};

/// Where a petition is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum State {
    /// Received, not yet answered.
    Submitted,
    /// Answered: the first response is given.
    Acknowledged,
    /// Being worked on.
    InProgress,
    /// Waiting for the resident: the resolution clock is stopped.
    Paused {
        /// Where it goes back to.
        resume_to: Resumable,
    },
    /// Resolved, awaiting the resident's rating.
    Resolved,
    /// Closed with the resident's satisfaction, 1–5.
    Closed {
        /// 1 (very dissatisfied) to 5 (very satisfied).
        satisfaction: u8,
    },
    /// Merged into another petition as a duplicate (terminal).
    Merged {
        /// The petition it was merged into.
        into: String,
    },
    /// Referred elsewhere: not the community's responsibility (terminal).
    Referred {
        /// Who it was referred to.
        to: String,
    },
}

/// The states a pause can return to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Resumable {
    /// Acknowledged.
    Acknowledged,
    /// In progress.
    InProgress,
}

impl State {
    /// The state's name (`submitted`, `in-progress`, …).
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Acknowledged => "acknowledged",
            Self::InProgress => "in-progress",
            Self::Paused { .. } => "paused",
            Self::Resolved => "resolved",
            Self::Closed { .. } => "closed",
            Self::Merged { .. } => "merged",
            Self::Referred { .. } => "referred",
        }
    }

    /// Whether the petition is still being handled (not resolved, closed, merged
    /// or referred).
    pub const fn is_open(&self) -> bool {
        matches!(
            self,
            Self::Submitted | Self::Acknowledged | Self::InProgress | Self::Paused { .. }
        )
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What can happen to a petition.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "kebab-case")]
pub enum Command {
    /// Give the first response.
    Acknowledge,
    /// Start working on it.
    Start,
    /// Wait for the resident (the resolution clock stops).
    Pause {
        /// Why (what the resident was asked for).
        reason: String,
    },
    /// The resident answered: the clock runs again and the paused working time is
    /// added to the resolution deadline.
    Resume,
    /// Resolve it.
    Resolve {
        /// What was done.
        summary: String,
    },
    /// Close it with the resident's rating.
    Close {
        /// 1–5.
        satisfaction: u8,
    },
    /// Open it again (a new SLA cycle).
    Reopen {
        /// Why.
        reason: String,
    },
    /// Merge it into another petition as a duplicate.
    Merge {
        /// The petition it duplicates.
        into: String,
    },
    /// Refer it elsewhere.
    Refer {
        /// Who to.
        to: String,
    },
}

impl Command {
    /// The command's name (`acknowledge`, `pause`, …).
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Acknowledge => "acknowledge",
            Self::Start => "start",
            Self::Pause { .. } => "pause",
            Self::Resume => "resume",
            Self::Resolve { .. } => "resolve",
            Self::Close { .. } => "close",
            Self::Reopen { .. } => "reopen",
            Self::Merge { .. } => "merge",
            Self::Refer { .. } => "refer",
        }
    }
}

/// One SLA cycle: from receipt (or reopening) to resolution.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Cycle {
    /// When the cycle began.
    pub opened: DateTime<Utc>,
    /// The first response is due by then.
    pub response_due: DateTime<Utc>,
    /// Resolution is due by then, already extended by completed pauses.
    pub resolution_due: DateTime<Utc>,
    /// When the first response was given.
    pub responded: Option<DateTime<Utc>>,
    /// When it was resolved.
    pub resolved: Option<DateTime<Utc>>,
    /// When the current pause began.
    pub paused_since: Option<DateTime<Utc>>,
}

/// An applied command, with its time: the petition's history.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Event {
    /// When.
    pub at: DateTime<Utc>,
    /// What.
    #[serde(flatten)]
    pub command: Command,
}

/// A petition (居民诉求) and everything that happened to it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Petition {
    /// The caller's identifier.
    pub id: String,
    /// The tracking code the resident was given.
    pub code: TrackingCode,
    /// The category (`water-leak`, `noise`, …).
    pub category: String,
    /// The building it concerns, if any.
    pub building: Option<String>,
    /// Its colour.
    pub colour: Colour,
    /// When it was received.
    pub received: DateTime<Utc>,
    /// Where it is.
    pub state: State,
    /// Its SLA cycles; the last is the current one.
    pub cycles: Vec<Cycle>,
    /// Every command applied, in order.
    pub history: Vec<Event>,
}

/// What a new petition needs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Intake {
    /// The caller's identifier.
    pub id: String,
    /// Its tracking code.
    pub code: TrackingCode,
    /// Its category.
    pub category: String,
    /// The building it concerns, if any.
    pub building: Option<String>,
    /// Its colour (see [`crate::classify`]).
    pub colour: Colour,
    /// When it was received.
    pub received: DateTime<Utc>,
}

fn cycle(
    colour: Colour,
    opened: DateTime<Utc>,
    calendar: &Calendar,
    policy: &SlaPolicy,
) -> Result<Cycle> {
    Ok(Cycle {
        opened,
        response_due: deadline(policy.response.of(colour), opened, calendar, policy)?.due,
        resolution_due: deadline(policy.resolution.of(colour), opened, calendar, policy)?.due,
        responded: None,
        resolved: None,
        paused_since: None,
    })
}

/// A submitted petition with its first SLA cycle.
///
/// ```
/// use chrono::{DateTime, FixedOffset, Utc};
/// use guided_community_triage::{apply, open, Calendar, Colour, Command, Intake, SlaPolicy, State};
///
/// let cn = Calendar::mainland_china();
/// let policy = SlaPolicy::default();
/// let at = |s: &str| -> Result<DateTime<Utc>, chrono::ParseError> { Ok(s.parse::<DateTime<FixedOffset>>()?.into()) };
/// let intake = Intake {
///     id: "p-1".into(),
///     code: guided_community_triage::new_codes(1, 1)?.pop().ok_or("no code")?,
///     category: "water-leak".into(),
///     building: Some("3".into()),
///     colour: Colour::Yellow,
///     received: at("2025-09-26T20:00:00+08:00")?,
/// };
/// let p = open(intake, &cn, &policy)?;
/// let p = apply(&p, Command::Acknowledge, at("2025-09-28T10:00:00+08:00")?, &cn, &policy)?;
/// assert_eq!(p.state, State::Acknowledged);
/// // Closing before resolving is not a transition.
/// let err = apply(&p, Command::Close { satisfaction: 5 }, at("2025-09-28T11:00:00+08:00")?, &cn, &policy).unwrap_err();
/// assert_eq!(err.to_string(), "cannot close a petition that is acknowledged");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::YearNotCovered`] if the calendar does not cover the deadlines.
pub fn open(intake: Intake, calendar: &Calendar, policy: &SlaPolicy) -> Result<Petition> {
    let first = cycle(intake.colour, intake.received, calendar, policy)?;
    Ok(Petition {
        id: intake.id,
        code: intake.code,
        category: intake.category,
        building: intake.building,
        colour: intake.colour,
        received: intake.received,
        state: State::Submitted,
        cycles: vec![first],
        history: Vec::new(),
    })
}

/// The petition after `command` at `at`.
///
/// | from | acknowledge | start | pause | resume | resolve | close | reopen | merge, refer |
/// |---|---|---|---|---|---|---|---|---|
/// | submitted | acknowledged | | | | | | | ✓ |
/// | acknowledged | | in progress | paused | | resolved | | | ✓ |
/// | in progress | | | paused | | resolved | | | ✓ |
/// | paused | | | | back | | | | ✓ |
/// | resolved | | | | | | closed | new cycle | |
/// | closed | | | | | | | new cycle | |
///
/// # Errors
///
/// [`Error::InvalidTransition`] naming the state and command,
/// [`Error::TimeGoesBackwards`] for a command dated before the last one,
/// [`Error::InvalidSatisfaction`] outside 1–5, [`Error::ReopenLimit`], and
/// [`Error::YearNotCovered`] when new deadlines fall outside the calendar.
pub fn apply(
    petition: &Petition,
    command: Command,
    at: DateTime<Utc>,
    calendar: &Calendar,
    policy: &SlaPolicy,
) -> Result<Petition> {
    let last = petition.history.last().map_or(petition.received, |e| e.at);
    if at < last {
        return Err(Error::TimeGoesBackwards { at, last });
    }
    let invalid = || Error::InvalidTransition {
        state: petition.state.name().to_owned(),
        command: command.name().to_owned(),
    };
    let mut next = petition.clone();
    let current = next.cycles.last_mut().ok_or_else(invalid)?;
    next.state = match (&petition.state, &command) {
        (State::Submitted, Command::Acknowledge) => {
            current.responded = Some(at);
            State::Acknowledged
        }
        (State::Acknowledged, Command::Start) => State::InProgress,
        (State::Acknowledged | State::InProgress, Command::Pause { .. }) => {
            current.paused_since = Some(at);
            State::Paused {
                resume_to: if petition.state == State::Acknowledged {
                    Resumable::Acknowledged
                } else {
                    Resumable::InProgress
                },
            }
        }
        (State::Paused { resume_to }, Command::Resume) => {
            let since = current.paused_since.take().ok_or_else(invalid)?;
            current.resolution_due = extend(
                current.resolution_due,
                since,
                at,
                policy.resolution.of(petition.colour),
                calendar,
                policy,
            )?;
            match resume_to {
                Resumable::Acknowledged => State::Acknowledged,
                Resumable::InProgress => State::InProgress,
            }
        }
        (State::Acknowledged | State::InProgress, Command::Resolve { .. }) => {
            current.resolved = Some(at);
            State::Resolved
        }
        (State::Resolved, Command::Close { satisfaction }) => {
            if !(1..=5).contains(satisfaction) {
                return Err(Error::InvalidSatisfaction {
                    value: *satisfaction,
                });
            }
            State::Closed {
                satisfaction: *satisfaction,
            }
        }
        (State::Resolved | State::Closed { .. }, Command::Reopen { .. }) => {
            let reopenings =
                u32::try_from(petition.cycles.len().saturating_sub(1)).unwrap_or(u32::MAX);
            if reopenings >= policy.max_reopenings {
                return Err(Error::ReopenLimit {
                    max: policy.max_reopenings,
                });
            }
            next.cycles
                .push(cycle(petition.colour, at, calendar, policy)?);
            State::Submitted
        }
        (s, Command::Merge { into }) if s.is_open() => State::Merged { into: into.clone() },
        (s, Command::Refer { to }) if s.is_open() => State::Referred { to: to.clone() },
        _ => return Err(invalid()),
    };
    next.history.push(Event { at, command });
    Ok(next)
}

/// `due` moved later by the time that passed between `from` and `to`: clock time
/// for an hours target, working time for a working-days target.
fn extend(
    due: DateTime<Utc>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    target: Target,
    calendar: &Calendar,
    policy: &SlaPolicy,
) -> Result<DateTime<Utc>> {
    match target {
        Target::Hours(_) => due.checked_add_signed(to - from).ok_or(Error::OutOfRange),
        Target::WorkingDays(_) => {
            let local = |t: DateTime<Utc>| t.with_timezone(&policy.zone).naive_local();
            let paused =
                calendar.working_seconds(local(to))? - calendar.working_seconds(local(from))?;
            let moved =
                calendar.at_working_seconds(calendar.working_seconds(local(due))? + paused)?;
            Ok(moved
                .checked_sub_offset(policy.zone)
                .ok_or(Error::OutOfRange)?
                .and_utc())
        }
    }
}

/// Where a petition stands against one deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SlaStatus {
    /// Not due yet, and not close.
    OnTrack,
    /// Close to the deadline.
    AtRisk,
    /// The deadline has passed.
    Breached,
    /// Done in time.
    Met,
    /// Done, but late.
    MetLate,
    /// No longer applies: merged or referred.
    NotApplicable,
}

/// A petition's SLA status at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SlaReport {
    /// The current cycle (0 for the first).
    pub cycle: u32,
    /// Against the response deadline.
    pub response: SlaStatus,
    /// The response deadline.
    pub response_due: DateTime<Utc>,
    /// Against the resolution deadline.
    pub resolution: SlaStatus,
    /// The resolution deadline, as it stands (a running pause stops the clock).
    pub resolution_due: DateTime<Utc>,
}

/// The petition's SLA status at `now`.
///
/// # Errors
///
/// [`Error::YearNotCovered`] when a paused deadline cannot be moved, and
/// [`Error::InvalidTransition`] for a petition without a cycle.
pub fn sla_status(
    petition: &Petition,
    now: DateTime<Utc>,
    calendar: &Calendar,
    policy: &SlaPolicy,
) -> Result<SlaReport> {
    let current = petition
        .cycles
        .last()
        .ok_or_else(|| Error::InvalidTransition {
            state: petition.state.name().to_owned(),
            command: "report".to_owned(),
        })?;
    let cycle = u32::try_from(petition.cycles.len() - 1).unwrap_or(u32::MAX);
    let terminal = matches!(
        petition.state,
        State::Merged { .. } | State::Referred { .. }
    );
    let resolution_due = match current.paused_since {
        // The clock is stopped: the deadline moves with `now`.
        Some(since) if now > since => extend(
            current.resolution_due,
            since,
            now,
            policy.resolution.of(petition.colour),
            calendar,
            policy,
        )?,
        _ => current.resolution_due,
    };
    let status = |done: Option<DateTime<Utc>>, due: DateTime<Utc>| {
        if let Some(done) = done {
            return if done <= due {
                SlaStatus::Met
            } else {
                SlaStatus::MetLate
            };
        }
        if terminal {
            return SlaStatus::NotApplicable;
        }
        if now >= due {
            return SlaStatus::Breached;
        }
        let at_risk = match policy.at_risk {
            AtRisk::Elapsed(percent) => {
                let allowed = (due - current.opened).num_seconds().max(1);
                let elapsed = (now - current.opened).num_seconds();
                i128::from(elapsed) * 100 >= i128::from(allowed) * i128::from(percent)
            }
            AtRisk::LeadTime(lead) => due - now <= lead,
        };
        if at_risk {
            SlaStatus::AtRisk
        } else {
            SlaStatus::OnTrack
        }
    };
    Ok(SlaReport {
        cycle,
        response: status(current.responded, current.response_due),
        response_due: current.response_due,
        resolution: status(current.resolved, resolution_due),
        resolution_due,
    })
}

/// Which deadline a warning is about, and how bad it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WarningKind {
    /// The response deadline is close.
    ResponseAtRisk,
    /// The response deadline has passed.
    ResponseBreached,
    /// The resolution deadline is close.
    ResolutionAtRisk,
    /// The resolution deadline has passed.
    ResolutionBreached,
}

/// A warning about one petition's deadline. At most one is ever raised per
/// petition, cycle and kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Warning {
    /// The petition.
    pub petition: String,
    /// The cycle (0 for the first).
    pub cycle: u32,
    /// What it is about.
    pub kind: WarningKind,
    /// The deadline concerned.
    pub due: DateTime<Utc>,
}

impl Warning {
    /// The key that makes warnings idempotent.
    pub fn key(&self) -> (String, u32, WarningKind) {
        (self.petition.clone(), self.cycle, self.kind)
    }
}

/// New warnings at `now`, and petitions whose status could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Warnings {
    /// Warnings not raised before, in petition order.
    pub new: Vec<Warning>,
    /// Petitions that could not be assessed, and why.
    pub diagnostics: Vec<(String, Error)>,
}

/// The warnings due at `now` that are not in `raised` (the keys of warnings raised
/// before): calling again with the new keys added raises nothing twice.
///
/// # Errors
///
/// None for the batch: a petition that cannot be assessed is a diagnostic.
pub fn warnings(
    petitions: &[Petition],
    now: DateTime<Utc>,
    raised: &std::collections::BTreeSet<(String, u32, WarningKind)>,
    calendar: &Calendar,
    policy: &SlaPolicy,
) -> Warnings {
    let mut result = Warnings::default();
    for petition in petitions {
        let report = match sla_status(petition, now, calendar, policy) {
            Ok(report) => report,
            Err(error) => {
                result.diagnostics.push((petition.id.clone(), error));
                continue;
            }
        };
        let candidates = [
            (
                report.response,
                WarningKind::ResponseAtRisk,
                WarningKind::ResponseBreached,
                report.response_due,
            ),
            (
                report.resolution,
                WarningKind::ResolutionAtRisk,
                WarningKind::ResolutionBreached,
                report.resolution_due,
            ),
        ];
        for (status, at_risk, breached, due) in candidates {
            let kind = match status {
                SlaStatus::AtRisk => at_risk,
                SlaStatus::Breached => breached,
                _ => continue,
            };
            let warning = Warning {
                petition: petition.id.clone(),
                cycle: report.cycle,
                kind,
                due,
            };
            if !raised.contains(&warning.key()) {
                result.new.push(warning);
            }
        }
    }
    result
}

/// Elapsed time as a duration (for reports).
pub(crate) fn seconds(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_seconds()
}
