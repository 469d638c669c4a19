//! The publicity report (资源分配公示) in its three stages: before (budget, needs,
//! plan, the 7-day notice window), during (spending progress, coverage) and after
//! (final accounts, evaluation, satisfaction).
//!
//! The JSON form is a wire contract (snapshot-tested); [`render_html`] renders it as one
//! self-contained page.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::inputs::Quarter;
use allocation_pools::{self as pools, Fen};
use governance_metrics as metrics;
use points_bank as points;

mod html;
mod labels;
pub mod text;

pub use html::render_html;
pub use labels::{Label, Labels};

/// Where the quarter stands on the report's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Before the quarter: the plan is published for objections.
    Before,
    /// During the quarter: spending is under way.
    During,
    /// After the quarter: the accounts are final.
    After,
}

/// The publicity report of a quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicityReport {
    /// The community.
    pub community: String,
    /// The quarter.
    pub quarter: Quarter,
    /// The report's day.
    pub as_of: NaiveDate,
    /// Where the quarter stands on that day.
    pub stage: Stage,
    /// Households.
    pub households: u64,
    /// Residents.
    pub residents: u64,
    /// Of whom floating (流动人口).
    pub floating_residents: u64,
    /// Of whom aged 60 or more.
    pub aged_60_plus: u64,
    /// Before: budget, needs, plan, notice.
    pub before: Before,
    /// During: spending and coverage.
    pub during: During,
    /// After: accounts, evaluation, satisfaction.
    pub after: After,
    /// The words the page shows for the ids above (from the policy).
    #[serde(default)]
    pub labels: Labels,
}

/// Before the quarter (事前公示): what there is, who needs what, the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Before {
    /// The budget.
    pub budget: Fen,
    /// The pool shares.
    pub pool_shares: pools::PoolPolicy,
    /// The budget split into pools.
    pub pools: pools::PoolSplit,
    /// The needs assessment.
    pub needs: NeedsSummary,
    /// The service lines (base pool plus earmarks).
    pub service_lines: Vec<LineReport>,
    /// Household grants from the dynamic pool, in total.
    pub household_grants: Fen,
    /// Households that receive a grant.
    pub households_granted: u64,
    /// The largest single grant.
    pub largest_grant: Fen,
    /// What no line or household could take (returned, never lost).
    pub unallocated: Fen,
    /// Council decisions that adjust the pools.
    pub adjustments: Vec<AdjustmentReport>,
    /// Agenda items suggested by petition hot spots.
    pub agenda: Vec<deliberation::Item>,
    /// The publication window before the plan takes effect.
    pub notice: NoticeWindow,
}

/// The needs assessment in figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedsSummary {
    /// Households scored.
    pub scored: u64,
    /// Households set aside (see the diagnostics).
    pub set_aside: u64,
    /// The least score for a grant.
    pub threshold: Decimal,
    /// The matrix's dimensions and weights.
    pub dimensions: Vec<DimensionLine>,
    /// Households per tier, from the most need to the least.
    pub tiers: Vec<TierCount>,
    /// The mean score.
    pub mean_score: Decimal,
    /// Need and open petitions by building (the needs heat map), in building
    /// order.
    #[serde(default)]
    pub buildings: Vec<BuildingLine>,
}

/// One building's need and petitions (社区需求热力图).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildingLine {
    /// The building.
    pub building: String,
    /// Households scored in it.
    pub households: u64,
    /// Their mean need score.
    pub mean_score: Decimal,
    /// Petitions about it still open on the report's day.
    pub open_petitions: u64,
}

/// A dimension of the needs matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DimensionLine {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Weight, percent.
    pub weight: Decimal,
}

/// Households in a tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierCount {
    /// The tier.
    pub tier: String,
    /// Households.
    pub households: u64,
}

/// A service line's money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineReport {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// The people it serves.
    pub heads: u64,
    /// Its share of the base pool.
    pub base: Fen,
    /// Earmarked by council decisions.
    pub earmarked: Fen,
    /// In total.
    pub allocated: Fen,
    /// Spent so far.
    pub spent: Fen,
    /// Spent ÷ allocated.
    pub progress: Decimal,
    /// Why its base share is what it is.
    pub reason: pools::Reason,
}

/// A council decision and whether it adjusted the pools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdjustmentReport {
    /// The item.
    pub item: String,
    /// Its title.
    pub title: String,
    /// Its step.
    pub step: String,
    /// The line it earmarks for.
    pub line: String,
    /// The amount.
    pub amount: Fen,
    /// Whether it was applied.
    pub applied: bool,
    /// Why not, if not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The publication window (公示期).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeWindow {
    /// Published on.
    pub published: NaiveDate,
    /// Objections until (inclusive).
    pub objections_until: NaiveDate,
    /// Takes effect on.
    pub takes_effect: NaiveDate,
    /// Days of publication.
    pub days: u32,
}

/// During the quarter (事中公示).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct During {
    /// Spent so far (lines, grants and reserve draws).
    pub spent: Fen,
    /// Spent ÷ budget.
    pub progress: Decimal,
    /// Household grants paid.
    pub grants_paid: Fen,
    /// Who was reached.
    pub coverage: Coverage,
    /// Petitions.
    pub petitions: PetitionSummary,
    /// Draws on the emergency reserve.
    pub reserve_draws: Vec<pools::Draw>,
    /// Council decisions in effect and how far their projects have come
    /// (决议落实).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implementation: Vec<ImplementationLine>,
}

/// One decision's project, as residents read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImplementationLine {
    /// The decision's item.
    pub item: String,
    /// Its title.
    pub title: String,
    /// On track, at risk, late or done.
    pub status: projects::Status,
    /// Why, in words.
    pub reason: String,
    /// Steps done.
    pub done: u64,
    /// Steps in all.
    pub steps: u64,
    /// The next step and its expected dates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<projects::Next>,
    /// Planned end and expected end.
    pub planned_end: Option<NaiveDate>,
    /// When it is expected to end (or ended).
    pub forecast_end: Option<NaiveDate>,
    /// Spent so far.
    pub spent: Fen,
    /// Its budget.
    pub budget: Fen,
    /// Steps past their planned end and not done.
    pub late_steps: Vec<String>,
    /// Supervision actions not done, and how many are overdue.
    pub open_actions: u64,
    /// Of those, past due.
    pub overdue_actions: u64,
}

/// Who the plan reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Households at or above the need threshold.
    pub needy_households: u64,
    /// Of whom granted something.
    pub reached: u64,
    /// Reached ÷ needy.
    pub rate: Decimal,
    /// Residents of households that took part in an activity.
    pub residents_served: u64,
}

/// Petitions in figures.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PetitionSummary {
    /// Received.
    pub received: u64,
    /// Red (24 hours).
    pub red: u64,
    /// Yellow (3 working days).
    pub yellow: u64,
    /// Blue (7 working days).
    pub blue: u64,
    /// Referred to 110 / 119 / 120.
    pub emergency_referrals: u64,
    /// Resolved.
    pub resolved: u64,
    /// Resolved by the deadline.
    pub resolved_on_time: u64,
    /// On time ÷ resolved.
    pub on_time_rate: Decimal,
    /// Received by category, most first (then by category).
    #[serde(default)]
    pub categories: Vec<CategoryCount>,
}

/// Petitions received in one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryCount {
    /// The category.
    pub category: String,
    /// Petitions received.
    pub received: u64,
}

/// After the quarter (事后公示).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct After {
    /// The final accounts.
    pub accounts: FinalAccounts,
    /// Per group: grants against need.
    pub groups: Vec<GroupLine>,
    /// Fairness measures.
    pub fairness: FairnessReport,
    /// The articles' indicators with their targets.
    pub indicators: Vec<metrics::Indicator>,
    /// Satisfaction per group.
    pub satisfaction: Vec<SatisfactionLine>,
    /// Satisfaction overall.
    pub overall_satisfaction: Option<Decimal>,
    /// Points earned for participation.
    pub points: PointsSummary,
    /// The community fund's income and every expense, checkable against the
    /// ledger's anchor in `points` (社区基金收支公示).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fund: Option<FundReport>,
    /// Who took part, by group and channel (参与度).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participation: Option<metrics::Participation>,
    /// Warnings.
    pub warnings: Vec<Warning>,
}

/// Where every fen of the budget went: `service_lines + household_grants +
/// unallocated + reserve_drawn + reserve_carried_over + reserve_released = budget`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinalAccounts {
    /// The budget.
    pub budget: Fen,
    /// To service lines.
    pub service_lines: Fen,
    /// To households.
    pub household_grants: Fen,
    /// Not placed.
    pub unallocated: Fen,
    /// Drawn from the reserve.
    pub reserve_drawn: Fen,
    /// Left in the reserve for next quarter.
    pub reserve_carried_over: Fen,
    /// Released from the reserve into next quarter's pools.
    pub reserve_released: Fen,
    /// Whether the allocation adds up: service lines + household grants +
    /// unallocated + reserve = budget, to the fen. It says nothing of spending.
    pub balanced: bool,
    /// Whether every service line and the household grants spent no more than
    /// they were allocated (each that did not is an [`Warning::Overspent`]).
    pub within_allocation: bool,
    /// Spent (lines, grants paid, reserve draws).
    pub spent: Fen,
    /// Budget − spent.
    pub unspent: Fen,
}

/// A group's grants against its need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupLine {
    /// The group.
    pub group: String,
    /// Households.
    pub households: u64,
    /// Residents.
    pub residents: u64,
    /// Granted.
    pub granted: Fen,
    /// Share of grants.
    pub resource_share: Decimal,
    /// Share of need.
    pub need_share: Decimal,
    /// Share of grants ÷ share of need.
    pub to_need: Option<Decimal>,
    /// Fair, captures or neglected.
    pub flag: metrics::CaptureFlag,
}

/// Fairness of grants against need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FairnessReport {
    /// Mismatch rate: the share of grants that would have to move to match eligible
    /// need (scores at or above the threshold).
    pub mismatch: Decimal,
    /// Gini of grants over households.
    pub gini_of_grants: Decimal,
    /// Needy households not served ÷ needy households.
    pub exclusion_error: Option<Decimal>,
    /// Served households not needy ÷ served households.
    pub inclusion_error: Option<Decimal>,
    /// 1 − exclusion error.
    pub precise_targeting_rate: Option<Decimal>,
    /// Households ordered by need: cumulative shares of need and grants.
    pub lorenz: Vec<LorenzPoint>,
}

/// A point of the concentration curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LorenzPoint {
    /// Cumulative share of households (least need first).
    pub households: Decimal,
    /// Their share of need.
    pub need: Decimal,
    /// Their share of grants.
    pub grants: Decimal,
}

/// A group's satisfaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SatisfactionLine {
    /// The group.
    pub group: String,
    /// Respondents.
    pub respondents: u64,
    /// Satisfied.
    pub satisfied: u64,
    /// Satisfied ÷ respondents.
    pub rate: Decimal,
}

/// Points earned for participation this quarter.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PointsSummary {
    /// Accounts opened for new participants.
    pub accounts_opened: u64,
    /// Activities paid.
    pub activities: u64,
    /// Activities rejected (see the diagnostics).
    pub rejected: u64,
    /// Residents who earned.
    pub residents: u64,
    /// Points earned.
    pub points_earned: points::Amount,
    /// The ledger's size when the report was made: with the head and root,
    /// the anchor residents keep, so a later rewrite of the ledger shows
    /// (`ledger verify --expect-head --expect-size`, `ledger check-proof`).
    pub ledger_entries: u64,
    /// The hash of the ledger's last entry.
    pub ledger_head: points::merkle::Hash,
    /// The Merkle root of the ledger's entries (RFC 6962).
    pub ledger_root: points::merkle::Hash,
}

/// The fund in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundReport {
    /// Income, expenses and balances over the quarter.
    pub statement: crate::fund::FundStatement,
    /// Households that paid the property fee of those that owed it, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection_rate: Option<Decimal>,
}

/// A warning raised by the quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Warning {
    /// An early warning (participation falling, satisfaction low, complaints).
    Early(metrics::EarlyWarning),
    /// A group's grants far from its need (elite capture or neglect).
    Capture {
        /// The group.
        group: String,
        /// The verdict.
        flag: metrics::CaptureFlag,
        /// Share of grants ÷ share of need.
        to_need: Option<Decimal>,
    },
    /// An indicator missed its target.
    TargetMissed {
        /// The indicator.
        indicator: String,
        /// Its value.
        value: Decimal,
    },
    /// A line (or [`GRANTS_LINE`](crate::GRANTS_LINE), the household grants)
    /// spent more than it was allocated.
    Overspent {
        /// The line.
        line: String,
        /// Allocated.
        allocated: Fen,
        /// Spent.
        spent: Fen,
        /// Spent − allocated.
        over: Fen,
    },
    /// A council decision's project expected to end after its planned day
    /// (决议落实延期).
    ProjectLate {
        /// The decision's item.
        item: String,
        /// Its title.
        title: String,
        /// Why, in words.
        reason: String,
    },
    /// A group whose participation fell three times in a row (参与率连续下降).
    ParticipationFalling {
        /// The group.
        group: String,
        /// The periods, oldest first, and the group's rate in each.
        rates: Vec<(String, Decimal)>,
    },
    /// An action the supervision group asked for, past its due day and not done.
    ActionOverdue {
        /// The decision's item.
        item: String,
        /// What.
        what: String,
        /// Who.
        owner: String,
        /// By when.
        due: NaiveDate,
        /// Days past due.
        days: i64,
    },
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

/// The mean of some decimals (0 for none), to four decimals.
pub(crate) fn mean(values: impl Iterator<Item = Decimal>) -> Decimal {
    let (sum, n) = values.fold((Decimal::ZERO, 0u64), |(sum, n), v| {
        (sum.checked_add(v).unwrap_or(Decimal::MAX), n + 1)
    });
    if n == 0 {
        return Decimal::ZERO;
    }
    sum.checked_div(Decimal::from(n))
        .unwrap_or_default()
        .round_dp(4)
}
