//! A project plan and its schedule: earliest dates, the critical path, slack.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::days::Days;
use crate::{Error, Result, WorkingDays};

/// The most steps a plan has.
pub const MAX_STEPS: usize = 100_000;
/// The most working days one step takes.
pub const MAX_STEP_DAYS: u32 = 10_000;
/// The most working days all a plan's steps take together (about 140 years):
/// the schedule never looks further.
pub const MAX_PLAN_DAYS: u64 = 36_500;

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Its id, unique in the plan (`design`).
    pub id: String,
    /// Working days it takes, 1 to [`MAX_STEP_DAYS`].
    pub working_days: u32,
    /// The steps that must end before it starts.
    #[serde(default)]
    pub after: Vec<String>,
    /// Who answers for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Its budget line, in fen.
    #[serde(default)]
    pub budget_fen: u64,
}

/// A project: a goal, a start and dated steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// What it is for (`install the fitness equipment`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub goal: String,
    /// Who answers for the whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The earliest day work may begin.
    pub start: NaiveDate,
    /// The steps.
    pub steps: Vec<Step>,
}

/// A step with its dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheduled {
    /// The step.
    pub id: String,
    /// Its first working day, as early as its predecessors allow.
    pub start: NaiveDate,
    /// Its last working day.
    pub end: NaiveDate,
    /// The latest it may start without delaying the project.
    pub latest_start: NaiveDate,
    /// Working days it may slip without delaying the project.
    pub slack: u32,
    /// On the critical path (no slack).
    pub critical: bool,
}

/// A plan's schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// The first working day of the project (none without steps).
    pub start: Option<NaiveDate>,
    /// The last working day of the project.
    pub end: Option<NaiveDate>,
    /// Working days from start to end.
    pub working_days: u32,
    /// Every step, in the plan's order.
    pub steps: Vec<Scheduled>,
    /// A chain of steps without slack from the first day to the last, each
    /// starting the working day after the one before ends: their days add up
    /// to the project's.
    pub critical_path: Vec<String>,
}

/// Steps as indices: durations, predecessors, successors, topological order.
pub(crate) struct Graph<'a> {
    pub(crate) days: Vec<u32>,
    pub(crate) before: Vec<Vec<usize>>,
    pub(crate) after: Vec<Vec<usize>>,
    pub(crate) order: Vec<usize>,
    pub(crate) index: HashMap<&'a str, usize>,
}

impl<'a> Graph<'a> {
    pub(crate) fn of(plan: &'a Plan) -> Result<Self> {
        if plan.steps.len() > MAX_STEPS {
            return Err(Error::TooLarge {
                what: format!("{} steps", plan.steps.len()),
                max: MAX_STEPS as u64,
            });
        }
        let mut index = HashMap::with_capacity(plan.steps.len());
        let mut total = 0u64;
        for (i, step) in plan.steps.iter().enumerate() {
            if index.insert(step.id.as_str(), i).is_some() {
                return Err(Error::DuplicateStep {
                    id: step.id.clone(),
                });
            }
            if !(1..=MAX_STEP_DAYS).contains(&step.working_days) {
                return Err(Error::InvalidDuration {
                    step: step.id.clone(),
                    working_days: step.working_days,
                    max: MAX_STEP_DAYS,
                });
            }
            total += u64::from(step.working_days);
        }
        if total > MAX_PLAN_DAYS {
            return Err(Error::TooLarge {
                what: format!(
                    "steps of {} working days in all",
                    crate::error::grouped(total)
                ),
                max: MAX_PLAN_DAYS,
            });
        }
        let n = plan.steps.len();
        let mut before = vec![Vec::new(); n];
        let mut after = vec![Vec::new(); n];
        for (i, step) in plan.steps.iter().enumerate() {
            for name in &step.after {
                let &j = index.get(name.as_str()).ok_or_else(|| Error::UnknownStep {
                    step: step.id.clone(),
                    after: name.clone(),
                })?;
                if let Some(list) = before.get_mut(i) {
                    list.push(j);
                }
                if let Some(list) = after.get_mut(j) {
                    list.push(i);
                }
            }
        }
        // Kahn's algorithm, in plan order among the ready.
        let mut waiting: Vec<usize> = before.iter().map(Vec::len).collect();
        let mut order = Vec::with_capacity(n);
        let mut ready: std::collections::VecDeque<usize> =
            (0..n).filter(|&i| waiting.get(i) == Some(&0)).collect();
        while let Some(i) = ready.pop_front() {
            order.push(i);
            for &j in after.get(i).into_iter().flatten() {
                if let Some(w) = waiting.get_mut(j) {
                    *w -= 1;
                    if *w == 0 {
                        ready.push_back(j);
                    }
                }
            }
        }
        if order.len() < n {
            let steps = (0..n)
                .filter(|&i| waiting.get(i).is_some_and(|&w| w > 0))
                .filter_map(|i| plan.steps.get(i).map(|s| s.id.clone()))
                .collect();
            return Err(Error::Cycle { steps });
        }
        let days = plan.steps.iter().map(|s| s.working_days).collect();
        Ok(Self {
            days,
            before,
            after,
            order,
            index,
        })
    }

    pub(crate) fn days(&self, i: usize) -> u32 {
        self.days.get(i).copied().unwrap_or(1)
    }
}

/// Earliest and latest working-day numbers of every step (0 = the first
/// working day on or after the plan's start), and the project's length.
pub(crate) struct Timing {
    pub(crate) early_start: Vec<u32>,
    pub(crate) late_start: Vec<u32>,
    pub(crate) length: u32,
}

/// Earliest starts from `floor` (per step, the earliest it may start) and the
/// steps' durations, then latest starts back from the end.
pub(crate) fn timing(graph: &Graph<'_>, floor: &[u32], fixed_end: &[Option<u32>]) -> Timing {
    let n = graph.days.len();
    let mut early_start = vec![0u32; n];
    let mut early_end = vec![0u32; n];
    for &i in &graph.order {
        let ready = graph
            .before
            .get(i)
            .into_iter()
            .flatten()
            .map(|&p| early_end.get(p).copied().unwrap_or(0) + 1)
            .max()
            .unwrap_or(0);
        let start = ready.max(floor.get(i).copied().unwrap_or(0));
        let end = match fixed_end.get(i).copied().flatten() {
            Some(end) => end,
            None => start + graph.days(i) - 1,
        };
        if let (Some(s), Some(e)) = (early_start.get_mut(i), early_end.get_mut(i)) {
            *s = start.min(end);
            *e = end;
        }
    }
    let length = early_end.iter().map(|&e| e + 1).max().unwrap_or(0);
    let mut late_end = vec![length.saturating_sub(1); n];
    let mut late_start = vec![0u32; n];
    for &i in graph.order.iter().rev() {
        let due = graph
            .after
            .get(i)
            .into_iter()
            .flatten()
            .map(|&s| late_start.get(s).copied().unwrap_or(0).saturating_sub(1))
            .min()
            .unwrap_or(length.saturating_sub(1));
        let span =
            early_end.get(i).copied().unwrap_or(0) - early_start.get(i).copied().unwrap_or(0);
        if let (Some(e), Some(s)) = (late_end.get_mut(i), late_start.get_mut(i)) {
            *e = due;
            *s = due.saturating_sub(span);
        }
    }
    Timing {
        early_start,
        late_start,
        length,
    }
}

/// Schedules `plan` on the working days `calendar` gives: each step starts on
/// the first working day after every step it follows has ended (or on the
/// first working day on or after the plan's start) and a step of `d` working
/// days that starts on working day `s` ends on the `(d − 1)`-th working day
/// after `s`.
///
/// ```
/// use chrono::NaiveDate;
/// use guided_community_projects::{schedule, Plan, Weekdays};
///
/// // Two steps side by side, then a third: the short one has slack.
/// let plan: Plan = serde_json::from_str(r#"{"start": "2025-09-06", "steps": [
///     {"id": "quotes", "working_days": 3},
///     {"id": "consult", "working_days": 1},
///     {"id": "order", "working_days": 2, "after": ["quotes", "consult"]}
/// ]}"#)?;
/// let s = schedule(&plan, &Weekdays)?;
/// // 6 September 2025 is a Saturday: work begins on Monday the 8th.
/// assert_eq!(s.steps[0].start, NaiveDate::from_ymd_opt(2025, 9, 8).ok_or("date")?);
/// assert_eq!(s.steps[2].end, NaiveDate::from_ymd_opt(2025, 9, 12).ok_or("date")?);
/// assert_eq!((s.steps[1].slack, s.steps[1].critical), (2, false));
/// assert_eq!(s.critical_path, ["quotes", "order"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::DuplicateStep`], [`Error::UnknownStep`], [`Error::Cycle`],
/// [`Error::InvalidDuration`] and [`Error::TooLarge`] for a bad plan (checked
/// before anything is scheduled); [`Error::NotCovered`] when the schedule
/// reaches a day the calendar does not cover.
pub fn schedule(plan: &Plan, calendar: &dyn WorkingDays) -> Result<Schedule> {
    let graph = Graph::of(plan)?;
    let n = plan.steps.len();
    let t = timing(&graph, &vec![0; n], &vec![None; n]);
    let mut days = Days::new(calendar, plan.start);
    let mut steps = Vec::with_capacity(n);
    for (i, step) in plan.steps.iter().enumerate() {
        let es = t.early_start.get(i).copied().unwrap_or(0);
        let ls = t.late_start.get(i).copied().unwrap_or(0);
        steps.push(Scheduled {
            id: step.id.clone(),
            start: days.date(es)?,
            end: days.date(es + graph.days(i) - 1)?,
            latest_start: days.date(ls)?,
            slack: ls - es,
            critical: ls == es,
        });
    }
    let (start, end) = if n == 0 {
        (None, None)
    } else {
        (Some(days.date(0)?), Some(days.date(t.length - 1)?))
    };
    Ok(Schedule {
        start,
        end,
        working_days: t.length,
        critical_path: critical_path(&graph, &t, plan),
        steps,
    })
}

/// From the first critical step that starts on day 0, critical successors
/// that start the day after, to one that ends on the last day.
fn critical_path(graph: &Graph<'_>, t: &Timing, plan: &Plan) -> Vec<String> {
    let critical = |i: usize| t.early_start.get(i) == t.late_start.get(i);
    let start = |i: usize| t.early_start.get(i).copied().unwrap_or(0);
    let end = |i: usize| start(i) + graph.days(i) - 1;
    let mut path = Vec::new();
    let mut at = (0..plan.steps.len()).find(|&i| critical(i) && start(i) == 0);
    while let Some(i) = at {
        if let Some(step) = plan.steps.get(i) {
            path.push(step.id.clone());
        }
        if end(i) + 1 >= t.length {
            break;
        }
        at = graph
            .after
            .get(i)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&s| critical(s) && start(s) == end(i) + 1)
            .min();
    }
    path
}
