//! Petitions in the quarter: each classified, opened against its deadlines and
//! checked against its resolution.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::inputs::{ALLOCATION_COMPLAINT, PetitionRecord};
use crate::joins;
use crate::outcome::Diagnostic;
use crate::policy::Policy;
use crate::report::{CategoryCount, PetitionSummary, ratio};
use petition_triage as triage;

/// Petitions triaged and opened, with what the report needs from them.
#[derive(Debug)]
pub(super) struct Triaged {
    pub(super) petitions: Vec<triage::Petition>,
    pub(super) summary: PetitionSummary,
    pub(super) allocation_complaints: u64,
    pub(super) suggestions: u64,
    pub(super) resolution_days: Vec<Decimal>,
    /// Petitions not resolved, by building.
    pub(super) open_by_building: BTreeMap<String, u64>,
}

/// Classifies and opens every petition, and checks its resolution against its
/// deadline. Petitions that cannot be opened (a date outside the calendar) are
/// diagnostics.
pub(super) fn triage_petitions(
    records: &[PetitionRecord],
    policy: &Policy,
    diagnostics: &mut Vec<Diagnostic>,
) -> Triaged {
    let mut rng = triage::CodeRng::seeded(0x6775_6964_6564);
    let mut summary = PetitionSummary::default();
    let mut petitions = Vec::with_capacity(records.len());
    let mut allocation_complaints = 0;
    let mut suggestions = 0;
    let mut resolution_days = Vec::new();
    let mut open_by_building: BTreeMap<String, u64> = BTreeMap::new();
    let mut categories: BTreeMap<&str, u64> = BTreeMap::new();
    for record in records {
        let submission = joins::submission_from_petition(record);
        let result = triage::classify(&submission, &policy.triage);
        let intake = triage::Intake {
            id: record.id.clone(),
            code: triage::TrackingCode::generate(&mut rng),
            category: record.category.clone(),
            building: record.building.clone(),
            colour: result.colour,
            received: record.received,
        };
        let petition = match triage::open(intake, &policy.calendar, &policy.sla) {
            Ok(p) => p,
            Err(err) => {
                diagnostics.push(Diagnostic {
                    kind: "petition".to_owned(),
                    id: record.id.clone(),
                    message: err.to_string(),
                });
                continue;
            }
        };
        summary.received += 1;
        *categories.entry(record.category.as_str()).or_insert(0) += 1;
        if let (None, Some(building)) = (record.resolved, &record.building) {
            *open_by_building.entry(building.clone()).or_insert(0) += 1;
        }
        match result.colour {
            triage::Colour::Red => summary.red += 1,
            triage::Colour::Yellow => summary.yellow += 1,
            triage::Colour::Blue => summary.blue += 1,
        }
        if !result.refer_to.is_empty() {
            summary.emergency_referrals += 1;
        }
        if record.category == ALLOCATION_COMPLAINT {
            allocation_complaints += 1;
        }
        if record.category == "suggestion" {
            suggestions += 1;
        }
        if let Some(resolved) = record.resolved.filter(|r| *r >= record.received) {
            summary.resolved += 1;
            let due = petition.cycles.last().map(|c| c.resolution_due);
            if due.is_some_and(|due| resolved <= due) {
                summary.resolved_on_time += 1;
            }
            let seconds = (resolved - record.received).num_seconds();
            resolution_days.push(
                Decimal::from(seconds)
                    .checked_div(Decimal::from(86_400))
                    .unwrap_or_default()
                    .round_dp(4),
            );
        }
        petitions.push(petition);
    }
    let mut categories: Vec<CategoryCount> = categories
        .into_iter()
        .map(|(category, received)| CategoryCount {
            category: category.to_owned(),
            received,
        })
        .collect();
    categories.sort_by(|a, b| {
        b.received
            .cmp(&a.received)
            .then_with(|| a.category.cmp(&b.category))
    });
    summary.categories = categories;
    summary.on_time_rate = ratio(
        u128::from(summary.resolved_on_time),
        u128::from(summary.resolved),
    );
    Triaged {
        petitions,
        summary,
        allocation_complaints,
        suggestions,
        resolution_days,
        open_by_building,
    }
}
