//! Points for participation: meetings attended and hours volunteered, earned in
//! the points bank idempotently.

use chrono::NaiveDateTime;

use crate::Result;
use crate::inputs::Activity;
use crate::joins;
use crate::outcome::Diagnostic;
use crate::report::PointsSummary;
use points_bank as points;

const ISSUER: &str = "community-issuer";

/// Meeting attendance and volunteering → points: replays the journal, opens the
/// issuer (configured with `rules`) in a new bank and an account for each new
/// resident, and earns each activity with command id `earn-<activity id>` — so
/// running a quarter twice pays once. A rejected activity is a diagnostic.
///
/// # Errors
///
/// [`Error::Points`] if the journal does not replay.
pub(super) fn points_for_activities(
    journal: &[points::Event],
    activities: &[Activity],
    fund_events: &[points::Event],
    rules: &points::EarningRules,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(points::Ledger, PointsSummary)> {
    let mut ledger = points::Ledger::replay(journal.iter().cloned())?;
    let mut summary = PointsSummary::default();
    // The fund's commands of the quarter, interleaved with the activities in
    // time order (the journal's times never go backwards).
    let mut fund: Vec<&points::Event> = fund_events.iter().collect();
    fund.sort_by_key(|e| e.at);
    let mut fund = fund.into_iter().peekable();
    let Some(first) = activities.iter().map(|a| a.at).min() else {
        record_fund(&mut ledger, &mut fund, None, diagnostics);
        return anchored(ledger, summary);
    };
    let start = ledger.events().last().map_or(first, |e| e.at.max(first));
    let execute = |ledger: &mut points::Ledger, id: String, action, at: NaiveDateTime| {
        ledger.execute(points::Command::new(id, action), at)
    };
    if ledger.balance(ISSUER).is_none() {
        let open = points::Action::OpenAccount {
            account: ISSUER.into(),
            kind: points::AccountKind::Issuer,
            unit: points::Unit::Points,
            credit_limit: points::Amount::ZERO,
            cap: None,
        };
        execute(&mut ledger, format!("open-{ISSUER}"), open, start)?;
        let configure = points::Action::Configure {
            rules: rules.clone(),
            policy: points::Policy::default(),
        };
        execute(&mut ledger, "configure".to_owned(), configure, start)?;
    }
    let mut order: Vec<&Activity> = activities.iter().collect();
    order.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
    let mut residents = std::collections::HashSet::new();
    for activity in order {
        record_fund(&mut ledger, &mut fund, Some(activity.at), diagnostics);
        let at = activity
            .at
            .max(ledger.events().last().map_or(start, |e| e.at));
        if ledger.balance(&activity.resident).is_none() {
            let open = points::Action::OpenAccount {
                account: activity.resident.clone(),
                kind: points::AccountKind::Resident,
                unit: points::Unit::Points,
                credit_limit: points::Amount::ZERO,
                cap: None,
            };
            if let Err(err) = execute(&mut ledger, format!("open-{}", activity.resident), open, at)
            {
                diagnostics.push(Diagnostic {
                    kind: "activity".to_owned(),
                    id: activity.id.clone(),
                    message: err.to_string(),
                });
                continue;
            }
            summary.accounts_opened += 1;
        }
        let earn = joins::earn_from_activity(activity);
        match execute(&mut ledger, format!("earn-{}", activity.id), earn, at) {
            Ok(receipt) => {
                summary.activities += 1;
                for t in &receipt.transfers {
                    summary.points_earned = summary
                        .points_earned
                        .checked_add(t.amount)
                        .unwrap_or(summary.points_earned);
                }
                residents.insert(activity.resident.as_str());
            }
            Err(err) => {
                summary.rejected += 1;
                diagnostics.push(Diagnostic {
                    kind: "activity".to_owned(),
                    id: activity.id.clone(),
                    message: err.to_string(),
                });
            }
        }
    }
    record_fund(&mut ledger, &mut fund, None, diagnostics);
    summary.residents = residents.len() as u64;
    anchored(ledger, summary)
}

/// Records the fund's commands up to `until` (all of them for `None`); a
/// rejected one is a diagnostic.
fn record_fund<'a>(
    ledger: &mut points::Ledger,
    fund: &mut core::iter::Peekable<impl Iterator<Item = &'a points::Event>>,
    until: Option<NaiveDateTime>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    while let Some(event) = fund.next_if(|e| until.is_none_or(|t| e.at <= t)) {
        let at = ledger
            .events()
            .last()
            .map_or(event.at, |last| event.at.max(last.at));
        if let Err(err) = ledger.execute(event.command.clone(), at) {
            diagnostics.push(Diagnostic {
                kind: "fund".to_owned(),
                id: event.command.id.clone(),
                message: err.to_string(),
            });
        }
    }
}

/// The anchor the report publishes: the journal as its log, verified.
fn anchored(
    ledger: points::Ledger,
    mut summary: PointsSummary,
) -> Result<(points::Ledger, PointsSummary)> {
    let mut log = Vec::new();
    points::log::Chain::new().write(&ledger, &mut log)?;
    let anchor = points::log::verify(&log)?;
    summary.ledger_entries = anchor.entries;
    summary.ledger_head = anchor.head;
    summary.ledger_root = anchor.root;
    Ok((ledger, summary))
}
