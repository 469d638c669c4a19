//! The residents' supervision group (监督小组): monthly reviews whose open
//! actions become warnings, and the implementation rate.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Progress, Status};

/// A review meeting of the supervision group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// When it met.
    pub on: NaiveDate,
    /// Who attended.
    #[serde(default)]
    pub attended: Vec<String>,
    /// What it found.
    #[serde(default)]
    pub findings: Vec<String>,
    /// What it asked to be done.
    #[serde(default)]
    pub actions: Vec<Action>,
}

/// An action a review asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// What.
    pub what: String,
    /// Who.
    pub owner: String,
    /// By when.
    pub due: NaiveDate,
    /// When it was done, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done: Option<NaiveDate>,
}

/// An action still open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionWarning {
    /// The review that asked for it.
    pub review: NaiveDate,
    /// What.
    pub what: String,
    /// Who.
    pub owner: String,
    /// By when.
    pub due: NaiveDate,
    /// Days past due (0 when not yet due).
    pub overdue_days: i64,
}

/// Every action not done by `today`, most overdue first (then by review and
/// order).
///
/// ```
/// use chrono::NaiveDate;
/// use guided_community_projects::{open_actions, Action, Review};
///
/// let day = |d| NaiveDate::from_ymd_opt(2025, 10, d).ok_or("date");
/// let review = Review {
///     on: day(8)?,
///     attended: vec!["Wang".into(), "Li".into()],
///     findings: vec!["the receipts for the paint are missing".into()],
///     actions: vec![Action { what: "publish the receipts".into(), owner: "Li".into(), due: day(15)?, done: None }],
/// };
/// let open = open_actions(&[review], day(20)?);
/// assert_eq!((open[0].owner.as_str(), open[0].overdue_days), ("Li", 5));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn open_actions(reviews: &[Review], today: NaiveDate) -> Vec<ActionWarning> {
    let mut open: Vec<ActionWarning> = reviews
        .iter()
        .flat_map(|r| {
            r.actions
                .iter()
                .filter(move |a| a.done.is_none_or(|d| d > today))
                .map(move |a| ActionWarning {
                    review: r.on,
                    what: a.what.clone(),
                    owner: a.owner.clone(),
                    due: a.due,
                    overdue_days: (today - a.due).num_days().max(0),
                })
        })
        .collect();
    open.sort_by(|a, b| {
        b.overdue_days
            .cmp(&a.overdue_days)
            .then(a.review.cmp(&b.review))
    });
    open
}

/// Projects done on time among projects due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ImplementationRate {
    /// Projects whose baseline end has come (by `today`).
    pub due: u32,
    /// Of those, projects done by their baseline end.
    pub on_time: u32,
}

/// The implementation rate on `today`: projects done by their planned last
/// day, of the projects whose planned last day has come. A project due and
/// not done counts as due and not on time; a project done early but not yet
/// due is not counted.
///
/// # Examples
///
/// See [`crate::progress`] for making the progress records.
pub fn implementation_rate(projects: &[Progress], today: NaiveDate) -> ImplementationRate {
    let mut rate = ImplementationRate::default();
    for p in projects {
        let Some(planned) = p.baseline.end else {
            continue;
        };
        if planned > today {
            continue;
        }
        rate.due += 1;
        if p.status == Status::Done && p.on_time == Some(true) {
            rate.on_time += 1;
        }
    }
    rate
}
