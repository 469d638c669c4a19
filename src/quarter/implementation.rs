//! Decisions to done (决议落实): each council decision in effect with a
//! project, its progress on the report's day against the baseline, on the
//! policy's working-day calendar.

use crate::inputs::QuarterInputs;
use crate::joins;
use crate::outcome::Diagnostic;
use crate::policy::Policy;
use crate::report::{ImplementationLine, Warning};
use allocation_pools::Fen;

/// A line per decision in effect by the report's day that has a project, and
/// a warning per late project and per overdue supervision action; a project
/// that cannot be followed (a bad plan, a day the calendar does not cover) is
/// a diagnostic, not a failed quarter.
pub(super) fn implementation(
    inputs: &QuarterInputs,
    policy: &Policy,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<ImplementationLine>, Vec<Warning>) {
    let mut warnings = Vec::new();
    let days = joins::working_days(&policy.calendar);
    let today = inputs.as_of;
    let mut lines = Vec::new();
    for decision in &inputs.council {
        let Some(project) = &decision.project else {
            continue;
        };
        let in_effect = matches!(
            decision.item.step,
            deliberation::Step::InEffect { since } if since <= today
        );
        if !in_effect {
            continue;
        }
        match projects::progress(&project.plan, &project.events, today, &days) {
            Ok(p) => {
                let open = projects::open_actions(&project.reviews, today);
                if p.status == projects::Status::Late {
                    warnings.push(Warning::ProjectLate {
                        item: decision.item.id.clone(),
                        title: decision.item.title.clone(),
                        reason: p.reason.clone(),
                    });
                }
                warnings.extend(open.iter().filter(|a| a.overdue_days > 0).map(|a| {
                    Warning::ActionOverdue {
                        item: decision.item.id.clone(),
                        what: a.what.clone(),
                        owner: a.owner.clone(),
                        due: a.due,
                        days: a.overdue_days,
                    }
                }));
                lines.push(ImplementationLine {
                    item: decision.item.id.clone(),
                    title: decision.item.title.clone(),
                    status: p.status,
                    reason: p.reason,
                    done: p.done as u64,
                    steps: p.total as u64,
                    next: p.next,
                    planned_end: p.baseline.end,
                    forecast_end: p.forecast_end,
                    spent: Fen::new(p.money.spent_fen),
                    budget: Fen::new(p.money.planned_fen),
                    late_steps: p.late_steps,
                    open_actions: open.len() as u64,
                    overdue_actions: open.iter().filter(|a| a.overdue_days > 0).count() as u64,
                });
            }
            Err(e) => diagnostics.push(Diagnostic {
                kind: "project".to_owned(),
                id: decision.item.id.clone(),
                message: e.to_string(),
            }),
        }
    }
    (lines, warnings)
}
