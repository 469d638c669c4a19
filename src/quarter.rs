//! A community's quarter, end to end: the inputs a community worker has, the policy
//! the council agreed, and [`quarterly_cycle`], which joins the six crates into an
//! allocation plan and the publicity report (资源分配公示).

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::report::{
    After, Before, Coverage, During, FinalAccounts, LineReport, NeedsSummary, NoticeWindow,
    PublicityReport, SatisfactionLine, TierCount, Warning,
};
use crate::{Error, Result, joins};
use allocation_pools::{self as pools, Fen};
use governance_metrics as metrics;
use needs_matrix as needs;
use petition_triage as triage;
use points_bank as points;

/// A calendar quarter, written `2026-Q3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quarter {
    year: i32,
    number: u8,
}

impl Quarter {
    /// 2026-Q3, the quarter of the samples.
    pub const Q3_2026: Self = Self {
        year: 2026,
        number: 3,
    };

    /// Quarter `number` (1–4) of `year`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidQuarter`] for a number outside 1–4 or a year chrono cannot
    /// represent.
    pub fn new(year: i32, number: u8) -> Result<Self> {
        let quarter = Self { year, number };
        if (1..=4).contains(&number) && quarter.bounds().is_some() {
            Ok(quarter)
        } else {
            Err(Error::InvalidQuarter {
                quarter: format!("{year}-Q{number}"),
            })
        }
    }

    fn bounds(self) -> Option<(NaiveDate, NaiveDate)> {
        let month = u32::from(self.number).checked_mul(3)?.checked_sub(2)?;
        let first = NaiveDate::from_ymd_opt(self.year, month, 1)?;
        let next = first.checked_add_months(chrono::Months::new(3))?;
        Some((first, next.pred_opt()?))
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        self.bounds().map_or(NaiveDate::MIN, |(first, _)| first)
    }

    /// Its last day.
    pub fn last_day(self) -> NaiveDate {
        self.bounds().map_or(NaiveDate::MAX, |(_, last)| last)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.number)
    }
}

impl FromStr for Quarter {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let invalid = || Error::InvalidQuarter { quarter: s.into() };
        let (year, number) = s.split_once("-Q").ok_or_else(invalid)?;
        Self::new(
            year.parse().map_err(|_| invalid())?,
            number.parse().map_err(|_| invalid())?,
        )
    }
}

impl Serialize for Quarter {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quarter {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// One household (一户一档): where it lives, who it is, and its needs indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Household {
    /// Its identifier.
    pub id: String,
    /// Its building.
    pub building: String,
    /// The group it belongs to for fairness reporting (`seniors`, `young-renters`, …).
    pub group: String,
    /// People living in it.
    pub residents: u32,
    /// Of whom aged 60 or more.
    #[serde(default)]
    pub aged_60_plus: u32,
    /// Floating residents (流动人口), not registered here.
    #[serde(default)]
    pub floating: bool,
    /// Residents who took part in at least one activity this quarter.
    #[serde(default)]
    pub participants: u32,
    /// Raw indicator values, in the needs matrix's indicator order; `null` is missing.
    pub indicators: Vec<Option<f64>>,
}

/// Who a service line serves, counted from the households (its heads).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Serves {
    /// Every resident.
    Residents,
    /// Residents aged 60 or more.
    Aged60Plus,
    /// Households where a needs indicator is at least a value (for example
    /// `children_under_3` ≥ 1).
    Indicator {
        /// The indicator's id in the needs matrix.
        id: String,
        /// The least value that counts.
        at_least: f64,
    },
}

/// A service line funded by the base pool (托育, 养老, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineSpec {
    /// Identifier.
    pub id: String,
    /// Name, Chinese and English (`托育 Childcare`).
    pub name: String,
    /// Whom it serves: the base pool is shared by these heads.
    pub serves: Serves,
}

/// Money spent so far on a service line (or on [`GRANTS_LINE`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spending {
    /// The line's id.
    pub line: String,
    /// Spent up to the report date.
    pub spent: Fen,
}

/// The spending line of household grants from the dynamic pool.
pub const GRANTS_LINE: &str = "household-grants";

/// A resident's petition (诉求) as recorded at intake, with what happened to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PetitionRecord {
    /// Identifier.
    pub id: String,
    /// Category chosen at intake (`elevator`, `noise`, `allocation`, …).
    pub category: String,
    /// Building concerned.
    #[serde(default)]
    pub building: Option<String>,
    /// What the resident said.
    pub text: String,
    /// Vulnerabilities of the household.
    #[serde(default)]
    pub vulnerabilities: Vec<triage::Vulnerability>,
    /// When it was received.
    pub received: DateTime<Utc>,
    /// When it was resolved, if it was.
    #[serde(default)]
    pub resolved: Option<DateTime<Utc>>,
}

/// The category of petitions that complain about unfair allocation.
pub const ALLOCATION_COMPLAINT: &str = "allocation";

/// Something a resident did that earns points (meeting attendance, volunteering).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// Identifier (the points command is `earn-<id>`, so re-running a quarter
    /// does not pay twice).
    pub id: String,
    /// The resident's points account.
    pub resident: String,
    /// The activity, as named by an earning rule (`deliberation`, `volunteering`).
    pub activity: String,
    /// Occasions or hours.
    pub quantity: points::Amount,
    /// When.
    pub at: NaiveDateTime,
}

/// A council decision (决议) with what it changes in the pools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilDecision {
    /// The item, as the deliberation process left it.
    pub item: deliberation::Item,
    /// What it changes.
    pub adjustment: Adjustment,
}

/// How a council resolution adjusts the pools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Adjustment {
    /// Move `amount` from the dynamic pool to a service line.
    Earmark {
        /// The service line.
        line: String,
        /// The amount.
        amount: Fen,
    },
}

/// Satisfaction survey answers of one group (满意度).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Survey {
    /// The group.
    pub group: String,
    /// People who answered.
    pub respondents: u64,
    /// Of whom satisfied.
    pub satisfied: u64,
}

/// Everything a community worker brings to the quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuarterInputs {
    /// The community's name (`阳光社区 Sunshine Community`).
    pub community: String,
    /// The quarter.
    pub quarter: Quarter,
    /// The day the report is made: before, during or after the quarter.
    pub as_of: NaiveDate,
    /// The quarter's budget.
    pub budget: Fen,
    /// Every household.
    pub households: Vec<Household>,
    /// The service lines of the base pool.
    pub service_lines: Vec<LineSpec>,
    /// Spending so far, per line.
    #[serde(default)]
    pub spending: Vec<Spending>,
    /// Petitions received this quarter.
    #[serde(default)]
    pub petitions: Vec<PetitionRecord>,
    /// The points bank's journal so far (empty for a new bank).
    #[serde(default)]
    pub ledger: Vec<points::Event>,
    /// Activities that earn points this quarter.
    #[serde(default)]
    pub activities: Vec<Activity>,
    /// Council decisions that adjust the pools.
    #[serde(default)]
    pub council: Vec<CouncilDecision>,
    /// Draws on the emergency reserve.
    #[serde(default)]
    pub emergencies: Vec<pools::Draw>,
    /// Satisfaction surveys, per group.
    #[serde(default)]
    pub satisfaction: Vec<Survey>,
    /// Earlier quarters' records, oldest first (for early warnings).
    #[serde(default)]
    pub history: Vec<metrics::PeriodRecord>,
}

/// What household grants from the dynamic pool are weighted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// By need score (the guided model).
    #[default]
    Need,
    /// The same for every household above the threshold ("everyone alike").
    Equal,
}

/// The rules of the quarter: defaults follow the articles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Policy {
    /// Pool shares (66.5 / 28.5 / 5 by default).
    pub pools: pools::PoolPolicy,
    /// How the base pool is shared among lines.
    pub base_rule: pools::BaseRule,
    /// The apportionment method.
    pub method: pools::Method,
    /// What household grants are weighted by.
    pub basis: Basis,
    /// The least need score for a household grant.
    pub need_threshold: Decimal,
    /// The most one household receives in a quarter.
    pub household_cap: Option<Fen>,
    /// The needs matrix.
    pub matrix: needs::Matrix,
    /// Scoring options. Their `max_threads` bounds the whole quarter's threads:
    /// 1 keeps everything on the calling thread.
    pub scoring: needs::ScoreOptions,
    /// Triage rules.
    pub triage: triage::TriageRules,
    /// Deadlines.
    pub sla: triage::SlaPolicy,
    /// The working-day calendar.
    pub calendar: triage::Calendar,
    /// Days a hot spot looks back.
    pub hot_spot_days: u32,
    /// Petitions that make a hot spot.
    pub hot_spot_at_least: usize,
    /// The most agenda items suggested.
    pub max_agenda_items: usize,
    /// The points bank's earning rules (for a new bank).
    pub earning: points::EarningRules,
    /// Elite-capture bounds.
    pub capture: metrics::CaptureBounds,
    /// Early-warning rules.
    pub warnings: metrics::WarningRules,
    /// What happens to the reserve at quarter end.
    pub reserve_end: pools::QuarterEnd,
    /// Points of the Lorenz curve.
    pub lorenz_points: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            pools: pools::PoolPolicy::article_default(),
            base_rule: pools::BaseRule::PerHead,
            method: pools::Method::Hamilton,
            basis: Basis::Need,
            need_threshold: Decimal::from(40),
            household_cap: Some(Fen::new(100_000)),
            matrix: needs::Matrix::article_default(),
            scoring: needs::ScoreOptions::default(),
            triage: triage::TriageRules::article_default(),
            sla: triage::SlaPolicy::default(),
            calendar: triage::Calendar::mainland_china(),
            hot_spot_days: 30,
            hot_spot_at_least: 3,
            max_agenda_items: 5,
            earning: points::EarningRules::article_default(),
            capture: metrics::CaptureBounds::default(),
            warnings: metrics::WarningRules::default(),
            reserve_end: pools::QuarterEnd::CarryOver,
            lorenz_points: 20,
        }
    }
}

/// One household's grant from the dynamic pool, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// The household.
    pub household: String,
    /// Its need score.
    pub score: Decimal,
    /// Its tier.
    pub tier: String,
    /// The grant.
    pub amount: Fen,
    /// Why it is that amount.
    pub reason: pools::Reason,
}

/// Why an input item was set aside: the rest of the quarter went ahead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// What kind of item (`household`, `petition`, `activity`, `decision`,
    /// `emergency`).
    pub kind: String,
    /// Its id.
    pub id: String,
    /// Why.
    pub message: String,
}

/// Everything a quarter produces.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuarterReport {
    /// The publicity report (公示): before, during and after.
    pub publicity: PublicityReport,
    /// Household grants, in input order (households without a score are in
    /// `diagnostics`).
    pub grants: Vec<Grant>,
    /// The points bank's journal after the quarter.
    pub ledger: Vec<points::Event>,
    /// Input items that were set aside, and why.
    pub diagnostics: Vec<Diagnostic>,
}

fn diagnostic(kind: &str, id: &str, message: impl fmt::Display) -> Diagnostic {
    Diagnostic {
        kind: kind.to_owned(),
        id: id.to_owned(),
        message: message.to_string(),
    }
}

/// Runs a quarter: scores needs, splits the budget into pools, shares the base pool
/// among service lines, applies council earmarks, grants the dynamic pool to
/// households by need, records the reserve's draws, triages petitions, pays points
/// for participation, and measures the result. Pure: the same inputs give the same
/// report.
///
/// Every fen of the budget is accounted for: lines + grants + unallocated + reserve
/// = budget ([`FinalAccounts`]). Items that cannot be used (a household with
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
#[allow(
    clippy::too_many_lines,
    reason = "the quarter reads top to bottom in the order a community worker does it"
)]
pub fn quarterly_cycle_observed(
    inputs: &QuarterInputs,
    policy: &Policy,
    observe: &mut dyn FnMut(Step),
) -> Result<QuarterReport> {
    let mut diagnostics = Vec::new();
    observe(Step::Needs);
    // Petitions and points do not depend on needs or the plan: they run on a
    // second thread while needs are scored (on this one when the policy allows a
    // single thread). Their diagnostics are merged after the plan's, so the report
    // is the same on one core or many.
    let side_work = || {
        let mut side_diagnostics = Vec::new();
        let triaged = joins::triage_petitions(&inputs.petitions, policy, &mut side_diagnostics);
        let points = joins::points_for_activities(
            &inputs.ledger,
            &inputs.activities,
            &policy.earning,
            &mut side_diagnostics,
        );
        (triaged, points, side_diagnostics)
    };
    std::thread::scope(|scope| {
        let side = if policy.scoring.max_threads == 1 {
            Side::Here(side_work())
        } else {
            Side::Spawned(scope.spawn(side_work))
        };
        let households = &inputs.households;
        check_unique(households)?;

        // Needs (一户一档 → 需求评估矩阵).
        let units: Vec<needs::Unit> = households
            .iter()
            .map(|h| needs::Unit::new(h.id.as_str(), h.indicators.clone()))
            .collect();
        let scores = needs::score(&policy.matrix, &units, &policy.scoring)?;
        drop(units);
        for d in scores.diagnostics() {
            diagnostics.push(diagnostic("household", d.unit.as_str(), &d.error));
        }
        let rows = joins::align(&scores, households);

        // Pools, lines, earmarks, grants.
        observe(Step::Plan);
        let split = policy.pools.split(inputs.budget)?;
        let lines: Vec<pools::ServiceLine> = inputs
            .service_lines
            .iter()
            .map(|spec| pools::ServiceLine {
                id: spec.id.clone(),
                heads: joins::heads(&spec.serves, households, &policy.matrix),
                quota: None,
            })
            .collect();
        let base = pools::allocate_base(split.base, &lines, policy.base_rule)?;
        let (earmarks, adjustments, grant_pool) = joins::earmarks(
            &inputs.council,
            &inputs.service_lines,
            split.dynamic,
            inputs.quarter.first_day(),
            &mut diagnostics,
        );
        let demands = joins::demands_from_needs(
            &scores,
            policy.basis,
            policy.need_threshold,
            policy.household_cap,
        );
        let grant_plan = if demands.iter().any(|d| !d.weight.is_zero()) {
            pools::allocate(grant_pool.get(), &demands, policy.method)?
        } else {
            pools::Allocation {
                method: policy.method,
                total: grant_pool.get(),
                parts: vec![0; demands.len()],
                unallocated: grant_pool.get(),
                reasons: vec![pools::Reason::ZeroWeight; demands.len()],
            }
        };
        let grants: Vec<Grant> = (0..scores.len())
            .map(|i| Grant {
                household: scores
                    .ids()
                    .get(i)
                    .map_or_else(String::new, |id| id.as_str().to_owned()),
                score: scores.score_at(i).unwrap_or_default(),
                tier: scores.tier_at(i).unwrap_or_default().to_owned(),
                amount: Fen::new(grant_plan.parts.get(i).copied().unwrap_or(0)),
                reason: grant_plan
                    .reasons
                    .get(i)
                    .copied()
                    .unwrap_or(pools::Reason::ZeroWeight),
            })
            .collect();

        // The emergency reserve.
        let mut reserve = pools::Reserve::new(split.emergency);
        for draw in &inputs.emergencies {
            match reserve.draw(draw.clone()) {
                Ok(next) => reserve = next,
                Err(err) => diagnostics.push(diagnostic("emergency", &draw.reason, err)),
            }
        }
        let close = reserve.close_quarter(policy.reserve_end);

        // Petitions: triage, deadlines, hot spots → agenda.
        observe(Step::Petitions);
        let (triaged, points, side_diagnostics) = match side {
            Side::Here(done) => done,
            Side::Spawned(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        };
        diagnostics.extend(side_diagnostics);
        let as_of_instant = end_of_day(inputs.as_of, policy);
        let agenda = joins::agenda_from_hot_spots(
            &triage::hot_spots(
                &triaged.petitions,
                as_of_instant.min(end_of_day(inputs.quarter.last_day(), policy)),
                TimeDelta::days(i64::from(policy.hot_spot_days)),
                policy.hot_spot_at_least,
            ),
            inputs.as_of,
            policy.max_agenda_items,
        );

        // Points for participation.
        observe(Step::Points);
        let (ledger, points_summary) = points?;

        // Lines with their earmarks and spending.
        let spent_of = spending_by_line(&inputs.spending)?;
        let line_reports: Vec<LineReport> = inputs
            .service_lines
            .iter()
            .zip(&base.lines)
            .zip(&lines)
            .map(|((spec, allocated), line)| -> Result<LineReport> {
                let earmark = earmarks.get(spec.id.as_str()).copied().unwrap_or(Fen::ZERO);
                let amount = allocated.amount.checked_add(earmark)?;
                let spent = spent_of.get(spec.id.as_str()).copied().unwrap_or(Fen::ZERO);
                Ok(LineReport {
                    id: spec.id.clone(),
                    name: spec.name.clone(),
                    heads: line.heads,
                    base: allocated.amount,
                    earmarked: earmark,
                    allocated: amount,
                    spent,
                    progress: ratio(u128::from(spent.get()), u128::from(amount.get())),
                    reason: allocated.reason,
                })
            })
            .collect::<Result<_>>()?;
        for s in &inputs.spending {
            if s.line != GRANTS_LINE && !inputs.service_lines.iter().any(|l| l.id == s.line) {
                diagnostics.push(diagnostic(
                    "spending",
                    &s.line,
                    format!("no service line `{}`", s.line),
                ));
            }
        }
        let granted = grants
            .iter()
            .try_fold(Fen::ZERO, |sum, g| sum.checked_add(g.amount))?;
        let grants_spent = spent_of.get(GRANTS_LINE).copied().unwrap_or(Fen::ZERO);

        // Fairness: allocation against need.
        observe(Step::Fairness);
        let fairness = joins::fairness(&rows, &grants, policy)?;

        // Accounts.
        let lines_total = line_reports
            .iter()
            .try_fold(Fen::ZERO, |sum, l| sum.checked_add(l.allocated))?;
        let lines_spent = line_reports
            .iter()
            .try_fold(Fen::ZERO, |sum, l| sum.checked_add(l.spent))?;
        let unallocated = base
            .unallocated
            .checked_add(Fen::new(grant_plan.unallocated))?;
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
        // Every service line, and the household grants, against what it was given.
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

        // Indicators and warnings.
        observe(Step::Report);
        let residents: u64 = households.iter().map(|h| u64::from(h.residents)).sum();
        let participants: u64 = households.iter().map(|h| u64::from(h.participants)).sum();
        let household_count = u64::try_from(households.len()).unwrap_or(u64::MAX);
        let satisfaction = satisfaction_lines(&inputs.satisfaction);
        let overall_satisfaction = overall(&inputs.satisfaction);
        let complaints = triaged.allocation_complaints;
        let mut indicators = Vec::new();
        let mut push = |name: &str, indicator: metrics::Result<metrics::Indicator>| match indicator
        {
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
        push("mismatch", Ok(fairness.mismatch.clone()));
        push(
            "complaint_rate",
            metrics::complaint_rate(complaints, household_count),
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
                Decimal::from(lines_spent.get()),
                Decimal::from(lines_total.get()),
            ),
        );
        if !triaged.resolution_days.is_empty() {
            push(
                "resolution_cycle",
                metrics::resolution_cycle(&triaged.resolution_days),
            );
        }
        let this_period = metrics::PeriodRecord {
            period: inputs.quarter.to_string(),
            participation_rate: ratio_decimal(participants, residents),
            satisfaction: overall_satisfaction,
            unfair_allocation_complaints: Some(complaints),
        };
        let mut history = inputs.history.clone();
        history.push(this_period.clone());
        let mut warnings: Vec<Warning> = metrics::early_warnings(&history, &policy.warnings)
            .into_iter()
            .map(Warning::Early)
            .collect();
        warnings.extend(
            fairness
                .groups
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

        // The report.
        let publication = inputs
            .quarter
            .first_day()
            .checked_sub_days(chrono::Days::new(deliberation::PUBLICATION_DAYS))
            .unwrap_or(NaiveDate::MIN);
        let needy = rows
            .iter()
            .filter(|s| s.score >= policy.need_threshold)
            .count();
        let reached = grants
            .iter()
            .filter(|g| g.score >= policy.need_threshold && g.amount > Fen::ZERO)
            .count();
        let publicity = PublicityReport {
            community: inputs.community.clone(),
            quarter: inputs.quarter,
            as_of: inputs.as_of,
            stage: stage(inputs),
            households: household_count,
            residents,
            floating_residents: households
                .iter()
                .filter(|h| h.floating)
                .map(|h| u64::from(h.residents))
                .sum(),
            aged_60_plus: households.iter().map(|h| u64::from(h.aged_60_plus)).sum(),
            before: Before {
                budget: inputs.budget,
                pool_shares: policy.pools,
                pools: split,
                needs: needs_summary(&scores, &rows, policy),
                service_lines: line_reports,
                household_grants: granted,
                households_granted: grants.iter().filter(|g| g.amount > Fen::ZERO).count() as u64,
                largest_grant: grants.iter().map(|g| g.amount).max().unwrap_or(Fen::ZERO),
                unallocated,
                adjustments,
                agenda,
                notice: NoticeWindow {
                    published: publication,
                    objections_until: inputs.quarter.first_day().pred_opt().unwrap_or(publication),
                    takes_effect: inputs.quarter.first_day(),
                    days: u32::try_from(deliberation::PUBLICATION_DAYS).unwrap_or(u32::MAX),
                },
            },
            during: During {
                spent,
                progress: ratio(u128::from(spent.get()), u128::from(inputs.budget.get())),
                grants_paid: grants_spent,
                coverage: Coverage {
                    needy_households: needy as u64,
                    reached: reached as u64,
                    rate: ratio(reached as u128, needy as u128),
                    residents_served: households
                        .iter()
                        .filter(|h| h.participants > 0)
                        .map(|h| u64::from(h.residents))
                        .sum(),
                },
                petitions: triaged.summary,
                reserve_draws: reserve.draws().to_vec(),
            },
            after: After {
                accounts,
                groups: fairness.groups,
                fairness: fairness.report,
                indicators,
                satisfaction,
                overall_satisfaction,
                points: points_summary,
                warnings,
            },
        };
        Ok(QuarterReport {
            publicity,
            grants,
            ledger: ledger.events().to_vec(),
            diagnostics,
        })
    })
}

/// The petitions-and-points work: done already, or on its thread.
enum Side<'scope, T> {
    Here(T),
    Spawned(std::thread::ScopedJoinHandle<'scope, T>),
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

fn stage(inputs: &QuarterInputs) -> crate::report::Stage {
    use crate::report::Stage;
    if inputs.as_of < inputs.quarter.first_day() {
        Stage::Before
    } else if inputs.as_of <= inputs.quarter.last_day() {
        Stage::During
    } else {
        Stage::After
    }
}

fn end_of_day(day: NaiveDate, policy: &Policy) -> DateTime<Utc> {
    day.succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|local| local.and_local_timezone(policy.sla.zone).single())
        .map_or(DateTime::<Utc>::MAX_UTC, |t| t.with_timezone(&Utc))
}

fn spending_by_line(spending: &[Spending]) -> Result<BTreeMap<&str, Fen>> {
    let mut by_line: BTreeMap<&str, Fen> = BTreeMap::new();
    for s in spending {
        let entry = by_line.entry(s.line.as_str()).or_insert(Fen::ZERO);
        *entry = entry.checked_add(s.spent)?;
    }
    Ok(by_line)
}

/// `part / whole` to four decimals (0 for an empty whole).
pub(crate) fn ratio(part: u128, whole: u128) -> Decimal {
    if whole == 0 {
        return Decimal::ZERO;
    }
    // Round half up at four decimals, in integers.
    let scaled = part
        .saturating_mul(20_000)
        .checked_div(whole)
        .map_or(0, |x| x.div_ceil(2));
    let scaled = i64::try_from(scaled).unwrap_or(i64::MAX);
    Decimal::new(scaled, 4)
}

fn ratio_decimal(part: u64, whole: u64) -> Option<Decimal> {
    (whole > 0).then(|| ratio(u128::from(part), u128::from(whole)))
}

fn satisfaction_lines(surveys: &[Survey]) -> Vec<SatisfactionLine> {
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

fn overall(surveys: &[Survey]) -> Option<Decimal> {
    let respondents: u64 = surveys.iter().map(|s| s.respondents).sum();
    let satisfied: u64 = surveys.iter().map(|s| s.satisfied.min(s.respondents)).sum();
    ratio_decimal(satisfied, respondents)
}

fn needs_summary(
    scores: &needs::Scores,
    rows: &[joins::Scored<'_>],
    policy: &Policy,
) -> NeedsSummary {
    let mut tiers: BTreeMap<&str, u64> = BTreeMap::new();
    for s in rows {
        *tiers.entry(s.tier).or_insert(0) += 1;
    }
    let dimensions = policy
        .matrix
        .dimensions()
        .iter()
        .map(|d| crate::report::DimensionLine {
            id: d.id.clone(),
            name: d.name.clone(),
            weight: d.weight,
        })
        .collect();
    NeedsSummary {
        scored: scores.len() as u64,
        set_aside: scores.diagnostics().len() as u64,
        threshold: policy.need_threshold,
        dimensions,
        tiers: tiers
            .into_iter()
            .map(|(tier, households)| TierCount {
                tier: tier.to_owned(),
                households,
            })
            .collect(),
        mean_score: joins::mean(rows.iter().map(|s| s.score)),
    }
}
