//! The quarter measured: final accounts, the article's indicators and the
//! warnings a community worker must see.

use rust_decimal::Decimal;

use super::petitions::Triaged;
use super::plan::Plan;
use crate::Result;
use crate::inputs::{GRANTS_LINE, QuarterInputs, Survey};
use crate::outcome::{Diagnostic, diagnostic};
use crate::policy::Policy;
use crate::report::{FinalAccounts, GroupLine, LineReport, SatisfactionLine, Warning, ratio};
use allocation_pools::Fen;
use governance_metrics as metrics;

/// Every fen of the budget accounted for, and every line, household grants
/// included, against what it was given.
#[derive(Debug)]
pub(super) struct Books {
    pub(super) accounts: FinalAccounts,
    pub(super) granted: Fen,
    pub(super) grants_spent: Fen,
    pub(super) lines_total: Fen,
    pub(super) lines_spent: Fen,
    pub(super) overspent: Vec<Warning>,
    /// Residents and participants over every household, and satisfaction over
    /// every respondent: summed once for the indicators, warnings and report.
    pub(super) residents: u64,
    pub(super) participants: u64,
    pub(super) overall_satisfaction: Option<Decimal>,
}

/// Lines + grants + unallocated + reserve against the budget, and spending against
/// each allocation.
pub(super) fn accounts(
    inputs: &QuarterInputs,
    plan: &Plan,
    line_reports: &[LineReport],
    grants_spent: Fen,
) -> Result<Books> {
    let granted = plan
        .grants
        .iter()
        .try_fold(Fen::ZERO, |sum, g| sum.checked_add(g.amount))?;
    let lines_total = line_reports
        .iter()
        .try_fold(Fen::ZERO, |sum, l| sum.checked_add(l.allocated))?;
    let lines_spent = line_reports
        .iter()
        .try_fold(Fen::ZERO, |sum, l| sum.checked_add(l.spent))?;
    let unallocated = plan.base.unallocated.checked_add(plan.grants_unallocated)?;
    let close = &plan.close;
    let reserve_total = close
        .drawn
        .checked_add(close.carried_over)?
        .checked_add(close.released)?;
    let accounted = lines_total
        .checked_add(granted)?
        .checked_add(unallocated)?
        .checked_add(reserve_total)?;
    let spent = lines_spent
        .checked_add(grants_spent)?
        .checked_add(close.drawn)?;
    let overspent: Vec<Warning> = line_reports
        .iter()
        .map(|l| (l.id.as_str(), l.allocated, l.spent))
        .chain([(GRANTS_LINE, granted, grants_spent)])
        .filter_map(|(line, allocated, spent)| {
            let over = spent.checked_sub(allocated).filter(|o| *o > Fen::ZERO)?;
            Some(Warning::Overspent {
                line: line.to_owned(),
                allocated,
                spent,
                over,
            })
        })
        .collect();
    let accounts = FinalAccounts {
        budget: inputs.budget,
        service_lines: lines_total,
        household_grants: granted,
        unallocated,
        reserve_drawn: close.drawn,
        reserve_carried_over: close.carried_over,
        reserve_released: close.released,
        balanced: accounted == inputs.budget,
        within_allocation: overspent.is_empty(),
        spent,
        unspent: inputs.budget.checked_sub(spent).unwrap_or(Fen::ZERO),
    };
    Ok(Books {
        accounts,
        granted,
        grants_spent,
        lines_total,
        lines_spent,
        overspent,
        residents: inputs
            .households
            .iter()
            .map(|h| u64::from(h.residents))
            .sum(),
        participants: inputs
            .households
            .iter()
            .map(|h| u64::from(h.participants))
            .sum(),
        overall_satisfaction: overall(&inputs.satisfaction),
    })
}

/// The article's indicators for the quarter; one that cannot be computed is a
/// diagnostic.
pub(super) fn indicators(
    inputs: &QuarterInputs,
    triaged: &Triaged,
    mismatch: &metrics::Indicator,
    accounts: &Books,
    satisfaction: &[SatisfactionLine],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<metrics::Indicator> {
    let (residents, participants) = (accounts.residents, accounts.participants);
    let household_count = u64::try_from(inputs.households.len()).unwrap_or(u64::MAX);
    let mut indicators = Vec::new();
    let mut push = |name: &str, indicator: metrics::Result<metrics::Indicator>| match indicator {
        Ok(indicator) => indicators.push(indicator),
        Err(err) => diagnostics.push(diagnostic("indicator", name, err)),
    };
    push(
        "participation_rate",
        metrics::participation_rate(participants, residents),
    );
    push(
        "proposals_per_100_households",
        metrics::proposals_per_100_households(
            triaged.suggestions + u64::try_from(inputs.council.len()).unwrap_or(0),
            household_count,
            Decimal::new(25, 2),
        ),
    );
    push("mismatch", Ok(mismatch.clone()));
    push(
        "complaint_rate",
        metrics::complaint_rate(triaged.allocation_complaints, household_count),
    );
    if !satisfaction.is_empty() {
        push(
            "satisfaction_difference",
            metrics::satisfaction_difference(
                &satisfaction.iter().map(|s| s.rate).collect::<Vec<_>>(),
            ),
        );
    }
    push(
        "utilisation",
        metrics::utilisation(
            Decimal::from(accounts.lines_spent.get()),
            Decimal::from(accounts.lines_total.get()),
        ),
    );
    if !triaged.resolution_days.is_empty() {
        push(
            "resolution_cycle",
            metrics::resolution_cycle(&triaged.resolution_days),
        );
    }
    indicators
}

/// Early warnings over the history and this quarter, elite capture, missed
/// targets and overspending, in that order.
pub(super) fn warnings(
    inputs: &QuarterInputs,
    policy: &Policy,
    allocation_complaints: u64,
    groups: &[GroupLine],
    indicators: &[metrics::Indicator],
    accounts: &Books,
    overspent: Vec<Warning>,
) -> Vec<Warning> {
    let this_period = metrics::PeriodRecord {
        period: inputs.quarter.to_string(),
        participation_rate: ratio_decimal(accounts.participants, accounts.residents),
        satisfaction: accounts.overall_satisfaction,
        unfair_allocation_complaints: Some(allocation_complaints),
    };
    let mut history = inputs.history.clone();
    history.push(this_period);
    let mut warnings: Vec<Warning> = metrics::early_warnings(&history, &policy.warnings)
        .into_iter()
        .map(Warning::Early)
        .collect();
    warnings.extend(
        groups
            .iter()
            .filter(|g| g.flag != metrics::CaptureFlag::Fair)
            .map(|g| Warning::Capture {
                group: g.group.clone(),
                flag: g.flag,
                to_need: g.to_need,
            }),
    );
    warnings.extend(
        indicators
            .iter()
            .filter(|i| i.verdict == Some(metrics::Verdict::Missed))
            .map(|i| Warning::TargetMissed {
                indicator: i.name.clone(),
                value: i.value,
            }),
    );
    warnings.extend(overspent);
    warnings
}

fn ratio_decimal(part: u64, whole: u64) -> Option<Decimal> {
    (whole > 0).then(|| ratio(u128::from(part), u128::from(whole)))
}

/// Each surveyed group's satisfaction (groups with no respondents left out).
pub(super) fn satisfaction_lines(surveys: &[Survey]) -> Vec<SatisfactionLine> {
    surveys
        .iter()
        .filter(|s| s.respondents > 0)
        .map(|s| SatisfactionLine {
            group: s.group.clone(),
            respondents: s.respondents,
            satisfied: s.satisfied.min(s.respondents),
            rate: ratio(
                u128::from(s.satisfied.min(s.respondents)),
                u128::from(s.respondents),
            ),
        })
        .collect()
}

/// Satisfaction over every respondent.
fn overall(surveys: &[Survey]) -> Option<Decimal> {
    let respondents: u64 = surveys.iter().map(|s| s.respondents).sum();
    let satisfied: u64 = surveys.iter().map(|s| s.satisfied.min(s.respondents)).sum();
    ratio_decimal(satisfied, respondents)
}
