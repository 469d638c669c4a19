//! Progress against the baseline: step events, a forecast, a status with its
//! reason, and exact money.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::days::Days;
use crate::plan::{Graph, timing};
use crate::{Error, Plan, Result, Schedule, WorkingDays, schedule};

/// Something that happened to a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case", deny_unknown_fields)]
pub enum StepEvent {
    /// Work began.
    Started {
        /// The step.
        step: String,
        /// When.
        on: NaiveDate,
    },
    /// The step is finished.
    Done {
        /// The step.
        step: String,
        /// When.
        on: NaiveDate,
    },
    /// Work stopped, waiting on something.
    Blocked {
        /// The step.
        step: String,
        /// When.
        on: NaiveDate,
        /// What it waits for.
        reason: String,
    },
    /// Work can go on.
    Unblocked {
        /// The step.
        step: String,
        /// When.
        on: NaiveDate,
    },
    /// The step will take a different number of working days; the baseline
    /// keeps the original.
    Replanned {
        /// The step.
        step: String,
        /// When.
        on: NaiveDate,
        /// Its new duration, 1 to [`crate::MAX_STEP_DAYS`].
        working_days: u32,
        /// Why.
        reason: String,
    },
    /// Money promised (a contract signed, an order placed).
    Committed {
        /// The step.
        step: String,
        /// When.
        on: NaiveDate,
        /// How much, in fen.
        fen: u64,
    },
    /// Money paid out.
    Spent {
        /// The step.
        step: String,
        /// When.
        on: NaiveDate,
        /// How much, in fen.
        fen: u64,
    },
}

impl StepEvent {
    fn step(&self) -> &str {
        match self {
            Self::Started { step, .. }
            | Self::Done { step, .. }
            | Self::Blocked { step, .. }
            | Self::Unblocked { step, .. }
            | Self::Replanned { step, .. }
            | Self::Committed { step, .. }
            | Self::Spent { step, .. } => step,
        }
    }

    const fn name(&self) -> &'static str {
        match self {
            Self::Started { .. } => "started",
            Self::Done { .. } => "done",
            Self::Blocked { .. } => "blocked",
            Self::Unblocked { .. } => "unblocked",
            Self::Replanned { .. } => "replanned",
            Self::Committed { .. } => "committed",
            Self::Spent { .. } => "spent",
        }
    }
}

/// Where a step is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum StepState {
    /// Not begun.
    NotStarted,
    /// Under way.
    InProgress,
    /// Stopped, waiting on something.
    Blocked {
        /// Since when.
        since: NaiveDate,
        /// What it waits for.
        reason: String,
    },
    /// Finished.
    Done,
}

/// Planned, committed and spent, in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Money {
    /// The budget.
    pub planned_fen: u64,
    /// Promised so far.
    pub committed_fen: u64,
    /// Paid so far.
    pub spent_fen: u64,
}

/// One step's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepProgress {
    /// The step.
    pub id: String,
    /// Where it is.
    pub state: StepState,
    /// When work began.
    pub started: Option<NaiveDate>,
    /// When it was finished.
    pub done: Option<NaiveDate>,
    /// The baseline's dates.
    pub baseline_start: NaiveDate,
    /// The baseline's last day.
    pub baseline_end: NaiveDate,
    /// Working days it takes now (after replanning).
    pub working_days: u32,
    /// Each replanning: when, the new duration, why.
    pub replans: Vec<(NaiveDate, u32, String)>,
    /// When it is expected to start (or started).
    pub forecast_start: NaiveDate,
    /// When it is expected to end (or ended).
    pub forecast_end: NaiveDate,
    /// Its money.
    pub money: Money,
}

/// The status of a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Expected to end by its planned day, nothing blocked or overdue.
    OnTrack,
    /// Expected to end by its planned day, but a step is blocked or overdue,
    /// or the money is over its budget.
    AtRisk,
    /// Expected to end after its planned day.
    Late,
    /// Every step is done.
    Done,
}

impl Status {
    /// The status's name (`on-track`, …).
    pub const fn name(self) -> &'static str {
        match self {
            Self::OnTrack => "on-track",
            Self::AtRisk => "at-risk",
            Self::Late => "late",
            Self::Done => "done",
        }
    }
}

/// The next step to work on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Next {
    /// The step.
    pub step: String,
    /// When it is expected to start (or started).
    pub start: NaiveDate,
    /// When it is expected to end.
    pub end: NaiveDate,
}

/// A project's progress on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// The status.
    pub status: Status,
    /// Why, in words.
    pub reason: String,
    /// The original schedule, whatever was replanned since.
    pub baseline: Schedule,
    /// When the project is expected to end (or ended).
    pub forecast_end: Option<NaiveDate>,
    /// With every step done: whether by the baseline's last day.
    pub on_time: Option<bool>,
    /// Steps done.
    pub done: usize,
    /// Steps in all.
    pub total: usize,
    /// The next step not done, by expected start.
    pub next: Option<Next>,
    /// Steps not done whose baseline end has passed.
    pub late_steps: Vec<String>,
    /// The whole project's money.
    pub money: Money,
    /// Every step.
    pub steps: Vec<StepProgress>,
}

/// The record of one step, built from its events.
#[derive(Default)]
struct Record {
    started: Option<NaiveDate>,
    done: Option<NaiveDate>,
    blocked: Option<(NaiveDate, String)>,
    replans: Vec<(NaiveDate, u32, String)>,
    money: Money,
}

/// `plan`'s progress on `today` from `events` (in the order they happened),
/// against its baseline: the schedule of `plan` as first made.
///
/// The forecast keeps what happened (a finished step ends when it was
/// finished; a started one started when it did) and lets nothing else start
/// before `today`; a step under way or blocked ends no earlier than `today`.
///
/// ```
/// use chrono::NaiveDate;
/// use guided_community_projects::{progress, Plan, Status, StepEvent, Weekdays};
///
/// let plan: Plan = serde_json::from_str(r#"{"start": "2025-09-01", "steps": [
///     {"id": "design", "working_days": 5, "budget_fen": 200000},
///     {"id": "works", "working_days": 10, "after": ["design"], "budget_fen": 3000000}
/// ]}"#)?;
/// let day = |d| NaiveDate::from_ymd_opt(2025, 9, d).ok_or("date");
/// let events = vec![
///     StepEvent::Started { step: "design".into(), on: day(1)? },
///     StepEvent::Blocked { step: "design".into(), on: day(3)?, reason: "waiting for the survey".into() },
/// ];
/// // On the 10th the design, due on the 5th, is still blocked: the works
/// // cannot end on the 19th as planned.
/// let p = progress(&plan, &events, day(10)?, &Weekdays)?;
/// assert_eq!(p.status, Status::Late);
/// assert_eq!(p.late_steps, ["design"]);
/// assert_eq!(p.forecast_end, Some(day(24)?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`schedule`], and [`Error::EventForUnknownStep`],
/// [`Error::InvalidDuration`] for a replanning outside 1 to
/// [`crate::MAX_STEP_DAYS`], [`Error::MoneyOverflow`].
pub fn progress(
    plan: &Plan,
    events: &[StepEvent],
    today: NaiveDate,
    calendar: &dyn WorkingDays,
) -> Result<Progress> {
    let baseline = schedule(plan, calendar)?;
    let graph = Graph::of(plan)?;
    let n = plan.steps.len();
    let records = records(&graph, events, n)?;
    // The plan as it stands: replanned durations.
    let mut current = plan.clone();
    for (step, r) in current.steps.iter_mut().zip(&records) {
        if let Some(&(_, days, _)) = r.replans.last() {
            step.working_days = days;
        }
    }
    let graph = Graph::of(&current)?;
    let mut days = Days::new(calendar, plan.start);
    let now = days.index_on_or_after(today)?;
    let mut floor = vec![now; n];
    let mut fixed_end = vec![None; n];
    for (i, r) in records.iter().enumerate() {
        let started = match r.started {
            Some(on) => Some(days.index_on_or_after(on)?),
            None => None,
        };
        if let Some(slot) = floor.get_mut(i) {
            *slot = match (r.done, started) {
                (_, Some(s)) => s,
                (Some(_), None) => 0,
                (None, None) => now,
            };
        }
        if let Some(slot) = fixed_end.get_mut(i) {
            *slot = match (r.done, started) {
                (Some(on), _) => Some(last_on_or_before(&mut days, on)?),
                (None, Some(s)) => Some((s + graph.days(i) - 1).max(now)),
                (None, None) => None,
            };
        }
    }
    let t = timing(&graph, &floor, &fixed_end);
    let mut steps = Vec::with_capacity(n);
    let mut money = Money::default();
    for (i, (step, r)) in plan.steps.iter().zip(records).enumerate() {
        let base = baseline.steps.get(i);
        let start = t.early_start.get(i).copied().unwrap_or(0);
        let end = fixed_end
            .get(i)
            .copied()
            .flatten()
            .unwrap_or(start + graph.days(i) - 1);
        let state = match (r.done, r.blocked, r.started) {
            (Some(_), _, _) => StepState::Done,
            (None, Some((since, reason)), _) => StepState::Blocked { since, reason },
            (None, None, Some(_)) => StepState::InProgress,
            (None, None, None) => StepState::NotStarted,
        };
        let step_money = Money {
            planned_fen: step.budget_fen,
            ..r.money
        };
        let overflow = || Error::MoneyOverflow {
            step: step.id.clone(),
        };
        money.planned_fen = money
            .planned_fen
            .checked_add(step.budget_fen)
            .ok_or_else(overflow)?;
        money.committed_fen = money
            .committed_fen
            .checked_add(step_money.committed_fen)
            .ok_or_else(overflow)?;
        money.spent_fen = money
            .spent_fen
            .checked_add(step_money.spent_fen)
            .ok_or_else(overflow)?;
        steps.push(StepProgress {
            id: step.id.clone(),
            state,
            started: r.started,
            done: r.done,
            baseline_start: base.map_or(plan.start, |b| b.start),
            baseline_end: base.map_or(plan.start, |b| b.end),
            working_days: graph.days(i),
            replans: r.replans,
            forecast_start: days.date(start.min(end))?,
            forecast_end: days.date(end)?,
            money: step_money,
        });
    }
    let forecast_end = if n == 0 {
        None
    } else {
        Some(days.date(t.length - 1)?)
    };
    Ok(judge(baseline, steps, forecast_end, money, today))
}

/// Each step's record, from the events in order.
fn records(graph: &Graph<'_>, events: &[StepEvent], n: usize) -> Result<Vec<Record>> {
    let mut records: Vec<Record> = (0..n).map(|_| Record::default()).collect();
    for (index, event) in events.iter().enumerate() {
        let i = *graph
            .index
            .get(event.step())
            .ok_or_else(|| Error::EventForUnknownStep {
                index,
                event: event.name(),
                step: event.step().to_owned(),
            })?;
        let Some(r) = records.get_mut(i) else {
            continue;
        };
        let overflow = || Error::MoneyOverflow {
            step: event.step().to_owned(),
        };
        match event {
            StepEvent::Started { on, .. } => r.started = r.started.or(Some(*on)),
            StepEvent::Done { on, .. } => {
                r.done = Some(*on);
                r.blocked = None;
            }
            StepEvent::Blocked { on, reason, .. } => r.blocked = Some((*on, reason.clone())),
            StepEvent::Unblocked { .. } => r.blocked = None,
            StepEvent::Replanned {
                on,
                working_days,
                reason,
                ..
            } => {
                if !(1..=crate::MAX_STEP_DAYS).contains(working_days) {
                    return Err(Error::InvalidDuration {
                        step: event.step().to_owned(),
                        working_days: *working_days,
                        max: crate::MAX_STEP_DAYS,
                    });
                }
                r.replans.push((*on, *working_days, reason.clone()));
            }
            StepEvent::Committed { fen, .. } => {
                r.money.committed_fen = r
                    .money
                    .committed_fen
                    .checked_add(*fen)
                    .ok_or_else(overflow)?;
            }
            StepEvent::Spent { fen, .. } => {
                r.money.spent_fen = r.money.spent_fen.checked_add(*fen).ok_or_else(overflow)?;
            }
        }
    }
    Ok(records)
}

/// The number of the last working day on or before `date`.
fn last_on_or_before(days: &mut Days<'_>, date: NaiveDate) -> Result<u32> {
    let after = days.index_on_or_after(date.succ_opt().unwrap_or(date))?;
    Ok(after.saturating_sub(1))
}

/// `fen` as yuan for people: `1234.50 yuan`.
fn yuan(fen: u64) -> String {
    format!("{}.{:02} yuan", fen / 100, fen % 100)
}

fn judge(
    baseline: Schedule,
    steps: Vec<StepProgress>,
    forecast_end: Option<NaiveDate>,
    money: Money,
    today: NaiveDate,
) -> Progress {
    let total = steps.len();
    let done = steps.iter().filter(|s| s.state == StepState::Done).count();
    let late_steps: Vec<String> = steps
        .iter()
        .filter(|s| s.state != StepState::Done && s.baseline_end < today)
        .map(|s| s.id.clone())
        .collect();
    let next = steps
        .iter()
        .filter(|s| s.state != StepState::Done)
        .min_by_key(|s| s.forecast_start)
        .map(|s| Next {
            step: s.id.clone(),
            start: s.forecast_start,
            end: s.forecast_end,
        });
    let planned_end = baseline.end;
    let blocked = steps.iter().find_map(|s| match &s.state {
        StepState::Blocked { since, reason } => Some((s.id.clone(), *since, reason.clone())),
        _ => None,
    });
    let (status, on_time, reason) = if total > 0 && done == total {
        let finished = steps.iter().filter_map(|s| s.done).max();
        let on_time = finished.zip(planned_end).map(|(f, p)| f <= p);
        let when = finished.map_or_else(String::new, |f| format!(" on {f}"));
        let how = if on_time == Some(true) {
            "by its planned day".to_owned()
        } else {
            planned_end.map_or_else(String::new, |p| format!("after its planned {p}"))
        };
        (
            Status::Done,
            on_time,
            format!("every step done{when}, {how}"),
        )
    } else if let (Some(f), Some(p)) = (forecast_end, planned_end)
        && f > p
    {
        let cause = if let Some((step, since, why)) = &blocked {
            format!("`{step}` is blocked since {since}: {why}")
        } else if let Some(step) = late_steps.first() {
            format!("`{step}` is overdue")
        } else {
            "steps were replanned or started late".to_owned()
        };
        (
            Status::Late,
            None,
            format!("expected to end on {f}, after the planned {p}: {cause}"),
        )
    } else if let Some((step, since, why)) = &blocked {
        (
            Status::AtRisk,
            None,
            format!("`{step}` is blocked since {since}: {why}; the slack still covers it"),
        )
    } else if let Some(step) = late_steps.first() {
        (
            Status::AtRisk,
            None,
            format!("`{step}` is overdue; the slack still covers it"),
        )
    } else if money.committed_fen.max(money.spent_fen) > money.planned_fen {
        (
            Status::AtRisk,
            None,
            format!(
                "{} committed and {} spent of a budget of {}",
                yuan(money.committed_fen),
                yuan(money.spent_fen),
                yuan(money.planned_fen)
            ),
        )
    } else {
        let next_words = next.as_ref().map_or_else(String::new, |n| {
            format!("; next: `{}` from {}", n.step, n.start)
        });
        (
            Status::OnTrack,
            None,
            format!("{done} of {total} steps done{next_words}"),
        )
    };
    Progress {
        status,
        reason,
        baseline,
        forecast_end,
        on_time,
        done,
        total,
        next,
        late_steps,
        money,
        steps,
    }
}
