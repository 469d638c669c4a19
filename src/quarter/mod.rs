//! A community's quarter, end to end: [`quarterly_cycle`] takes the inputs a
//! community worker has ([`crate::QuarterInputs`]) and the policy the council agreed
//! ([`crate::Policy`]), and joins the domain crates into an allocation plan and the
//! publicity report (资源分配公示).
//!
//! One room per step, in the order a community worker does them: `plan.rs` (needs,
//! pools, lines, earmarks, grants, the reserve), `petitions.rs`, `earning.rs`
//! (points for participation), `fairness.rs`, `measure.rs` (accounts, indicators,
//! warnings), `publish.rs` (the report). What the quarter returns is in `outcome.rs`, beside it.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

use crate::inputs::{GRANTS_LINE, Household, QuarterInputs};
use crate::policy::Policy;
use crate::{Error, Result, joins};
use allocation_pools::Fen;
use petition_triage as triage;

mod earning;
mod fairness;
mod implementation;
mod measure;
mod petitions;
mod plan;
mod publish;

use crate::outcome::{Diagnostic, QuarterReport};
use plan::Scored;

/// Runs a quarter: scores needs, splits the budget into pools, shares the base pool
/// among service lines, applies council earmarks, grants the dynamic pool to
/// households by need, records the reserve's draws, triages petitions, pays points
/// for participation, and measures the result. Pure: the same inputs give the same
/// report.
///
/// Every fen of the budget is accounted for: lines + grants + unallocated + reserve
/// = budget ([`FinalAccounts`](crate::report::FinalAccounts)). Items that cannot be used (a household with
/// unusable data, a petition outside the calendar, a rejected activity) are
/// reported in [`QuarterReport::diagnostics`]; the rest goes ahead.
///
/// ```
/// use guided_community::{quarterly_cycle, sample, Policy};
///
/// let inputs = sample::sunshine(7);
/// let report = quarterly_cycle(&inputs, &Policy::default())?;
/// let accounts = &report.publicity.after.accounts;
/// assert_eq!(accounts.budget, inputs.budget);
/// assert!(accounts.balanced);
/// # Ok::<(), guided_community::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::DuplicateHousehold`], and the domain crates'
/// errors for an invalid policy (matrix, pools) or no usable household.
pub fn quarterly_cycle(inputs: &QuarterInputs, policy: &Policy) -> Result<QuarterReport> {
    quarterly_cycle_observed(inputs, policy, &mut |_| {})
}

/// A step of [`quarterly_cycle_observed`], announced as it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Step {
    /// Scoring needs.
    Needs,
    /// Splitting the budget into pools, lines and grants.
    Plan,
    /// Triaging petitions.
    Petitions,
    /// Paying points for participation.
    Points,
    /// Measuring fairness.
    Fairness,
    /// Writing the report.
    Report,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Self; 6] = [
        Self::Needs,
        Self::Plan,
        Self::Petitions,
        Self::Points,
        Self::Fairness,
        Self::Report,
    ];

    /// What the step does, for a progress line.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Needs => "scoring needs 需求评估",
            Self::Plan => "planning pools, lines and grants 分配方案",
            Self::Petitions => "triaging petitions 诉求分级",
            Self::Points => "paying points 积分",
            Self::Fairness => "measuring fairness 公平评估",
            Self::Report => "writing the report 公示报告",
        }
    }
}

/// [`quarterly_cycle`], telling `observe` as each [`Step`] starts (for a progress
/// bar on a large community). The observer cannot change the result.
///
/// # Errors
///
/// As [`quarterly_cycle`].
pub fn quarterly_cycle_observed(
    inputs: &QuarterInputs,
    policy: &Policy,
    observe: &mut dyn FnMut(Step),
) -> Result<QuarterReport> {
    observe(Step::Needs);
    // Petitions and points do not depend on needs or the plan: they run on a
    // second thread while needs are scored (on this one when the policy allows a
    // single thread). Their diagnostics are merged after the plan's, so the report
    // is the same on one core or many.
    let side_work = || side_work(inputs, policy);
    std::thread::scope(|scope| {
        let side = if policy.scoring.max_threads == 1 {
            Side::Here(side_work())
        } else {
            Side::Spawned(scope.spawn(side_work))
        };
        run(inputs, policy, observe, side)
    })
}

/// The petitions-and-points work, done beside the plan.
type SideWork = (
    petitions::Triaged,
    Result<(points_bank::Ledger, crate::report::PointsSummary)>,
    Vec<Diagnostic>,
);

fn side_work(inputs: &QuarterInputs, policy: &Policy) -> SideWork {
    let mut diagnostics = Vec::new();
    let triaged = petitions::triage_petitions(&inputs.petitions, policy, &mut diagnostics);
    let points = earning::points_for_activities(
        &inputs.ledger,
        &inputs.activities,
        inputs
            .fund
            .as_ref()
            .map_or(&[][..], |f| f.events.as_slice()),
        &policy.earning,
        &mut diagnostics,
    );
    (triaged, points, diagnostics)
}

/// The petitions-and-points work: done already, or on its thread.
enum Side<'scope, T> {
    Here(T),
    Spawned(std::thread::ScopedJoinHandle<'scope, T>),
}

impl<T> Side<'_, T> {
    fn join(self) -> T {
        match self {
            Side::Here(done) => done,
            Side::Spawned(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        }
    }
}

/// The quarter in the order a community worker does it: needs, the plan,
/// petitions, points, fairness, the report.
fn run(
    inputs: &QuarterInputs,
    policy: &Policy,
    observe: &mut dyn FnMut(Step),
    side: Side<'_, SideWork>,
) -> Result<QuarterReport> {
    let mut diagnostics = Vec::new();
    let households = &inputs.households;
    check_unique(households)?;
    let scores = plan::score(households, policy, &mut diagnostics)?;
    let rows = plan::align(&scores, households);

    observe(Step::Plan);
    let mut plan = plan::plan(inputs, policy, &scores, &mut diagnostics)?;

    observe(Step::Petitions);
    let (triaged, points, side_diagnostics) = side.join();
    diagnostics.extend(side_diagnostics);
    let agenda = agenda(inputs, policy, &triaged);

    observe(Step::Points);
    let (ledger, points) = points?;
    let spent_of = plan::spending_by_line(&inputs.spending)?;
    let line_reports = plan::line_reports(inputs, &plan, &spent_of, &mut diagnostics)?;
    let grants_spent = spent_of.get(GRANTS_LINE).copied().unwrap_or(Fen::ZERO);

    observe(Step::Fairness);
    let fairness = fairness::fairness(&rows, &plan.grants, policy)?;
    let mut accounts = measure::accounts(inputs, &plan, &line_reports, grants_spent)?;

    observe(Step::Report);
    let (implementation, late) = implementation::implementation(inputs, policy, &mut diagnostics);
    let satisfaction = measure::satisfaction_lines(&inputs.satisfaction);
    let indicators = measure::indicators(
        inputs,
        &triaged,
        &fairness.mismatch,
        &accounts,
        &satisfaction,
        &mut diagnostics,
    );
    let overspent = std::mem::take(&mut accounts.overspent);
    let warnings = measure::warnings(
        inputs,
        policy,
        triaged.allocation_complaints,
        &fairness.groups,
        &indicators,
        &accounts,
        overspent,
    );
    let fund = fund_report(inputs, &ledger, &mut diagnostics);
    let participation = participation(inputs, &mut diagnostics);
    let falling = falling_participation(inputs, participation.as_ref());
    let warnings = [warnings, late, falling].concat();
    let grants = std::mem::take(&mut plan.grants);
    let publicity = publish::publicity(
        inputs,
        policy,
        publish::Parts {
            scores: &scores,
            rows: &rows,
            plan,
            grants: &grants,
            line_reports,
            agenda,
            triaged,
            points,
            fairness,
            accounts,
            indicators,
            satisfaction,
            warnings,
            implementation,
            fund,
            participation,
        },
    );
    Ok(QuarterReport {
        publicity,
        grants,
        ledger: ledger.events().to_vec(),
        diagnostics,
    })
}

/// The fund's quarter from the ledger after it: income, every expense, and the
/// fee's collection rate; an account the ledger does not have is a diagnostic.
fn fund_report(
    inputs: &QuarterInputs,
    ledger: &points_bank::Ledger,
    diagnostics: &mut Vec<crate::outcome::Diagnostic>,
) -> Option<crate::report::FundReport> {
    let fund = inputs.fund.as_ref()?;
    let from = inputs.quarter.first_day().and_hms_opt(0, 0, 0)?;
    let to = inputs.quarter.last_day().succ_opt()?.and_hms_opt(0, 0, 0)?;
    match crate::fund::statement(ledger, &fund.account, from, to) {
        Ok(statement) => Some(crate::report::FundReport {
            statement,
            collection_rate: fund.fee.map(|f| {
                crate::report::ratio(u128::from(f.households_paid), u128::from(f.households_due))
            }),
        }),
        Err(e) => {
            diagnostics.push(crate::outcome::Diagnostic {
                kind: "fund".to_owned(),
                id: fund.account.clone(),
                message: e.to_string(),
            });
            None
        }
    }
}

/// Groups whose participation fell three times in a row, this quarter
/// included, as warnings.
fn falling_participation(
    inputs: &QuarterInputs,
    now: Option<&governance_metrics::Participation>,
) -> Vec<crate::report::Warning> {
    let (Some(given), Some(now)) = (inputs.participation.as_ref(), now) else {
        return Vec::new();
    };
    let mut periods: Vec<(String, governance_metrics::Participation)> = given
        .history
        .iter()
        .map(|h| (h.period.clone(), h.participation.clone()))
        .collect();
    periods.push((inputs.quarter.to_string(), now.clone()));
    governance_metrics::falling_groups(&periods, 3)
        .into_iter()
        .map(|f| crate::report::Warning::ParticipationFalling {
            group: f.group,
            rates: f.rates,
        })
        .collect()
}

/// Who took part: a record naming nobody is a diagnostic, and so is input the
/// measure refuses.
fn participation(
    inputs: &QuarterInputs,
    diagnostics: &mut Vec<crate::outcome::Diagnostic>,
) -> Option<governance_metrics::Participation> {
    let given = inputs.participation.as_ref()?;
    match governance_metrics::participation(&given.people, &given.records, &given.options) {
        Ok(p) => {
            diagnostics.extend(p.unknown.iter().map(|u| crate::outcome::Diagnostic {
                kind: "participation".to_owned(),
                id: format!("record {}", u.index),
                message: format!("`{}` is not among the residents", u.resident),
            }));
            Some(p)
        }
        Err(e) => {
            diagnostics.push(crate::outcome::Diagnostic {
                kind: "participation".to_owned(),
                id: given.options.by.clone(),
                message: e.to_string(),
            });
            None
        }
    }
}

/// Petition hot spots (up to the report's day, within the quarter) as suggested
/// agenda items.
fn agenda(
    inputs: &QuarterInputs,
    policy: &Policy,
    triaged: &petitions::Triaged,
) -> Vec<deliberation::Item> {
    let as_of = end_of_day(inputs.as_of, policy);
    let spots = triage::hot_spots(
        &triaged.petitions,
        as_of.min(end_of_day(inputs.quarter.last_day(), policy)),
        TimeDelta::days(i64::from(policy.hot_spot_days)),
        policy.hot_spot_at_least,
    );
    joins::agenda_from_hot_spots(&spots, inputs.as_of, policy.max_agenda_items)
}

fn check_unique(households: &[Household]) -> Result<()> {
    // Exports usually list households in id order: then unique means ascending.
    if households
        .iter()
        .zip(households.iter().skip(1))
        .all(|(a, b)| a.id < b.id)
    {
        return Ok(());
    }
    let mut seen = HashSet::with_capacity(households.len());
    for h in households {
        if !seen.insert(h.id.as_str()) {
            return Err(Error::DuplicateHousehold { id: h.id.clone() });
        }
    }
    Ok(())
}

fn end_of_day(day: NaiveDate, policy: &Policy) -> DateTime<Utc> {
    day.succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|local| local.and_local_timezone(policy.sla.zone).single())
        .map_or(DateTime::<Utc>::MAX_UTC, |t| t.with_timezone(&Utc))
}
