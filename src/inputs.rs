//! What a community worker brings to a quarter: the households with their needs
//! indicators, the budget and service lines, spending, petitions, the points
//! journal and activities, council decisions, reserve draws and surveys.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};
use allocation_pools::{self as pools, Fen};
use governance_metrics as metrics;
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
    /// The project that carries it out (项目化管理), once it is in effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<DecisionProject>,
}

/// A decision's project: its plan, what happened, and the supervision
/// group's reviews (监督小组).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionProject {
    /// The plan: steps in working days, owners, budget lines.
    pub plan: projects::Plan,
    /// Step events so far, in order.
    #[serde(default)]
    pub events: Vec<projects::StepEvent>,
    /// The supervision group's reviews.
    #[serde(default)]
    pub reviews: Vec<projects::Review>,
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
    /// The community's own money, if it keeps a fund in the ledger (money
    /// accounts in `ledger`): its account, and a trust's fee collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fund: Option<FundInput>,
    /// Who took part, through which door: the residents with their group
    /// attributes and the quarter's participation records (分层分类参与).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participation: Option<ParticipationInput>,
}

/// The residents and their participation records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParticipationInput {
    /// Every resident, with the attributes groups are read from.
    pub people: Vec<metrics::Person>,
    /// Each act of taking part.
    #[serde(default)]
    pub records: Vec<metrics::Attendance>,
    /// Which attribute makes the groups, and the thresholds.
    #[serde(default)]
    pub options: metrics::ParticipationOptions,
    /// Earlier quarters' participation, oldest first (as reports carried it):
    /// a group whose rate fell three times in a row, this quarter included,
    /// is a warning.
    #[serde(default)]
    pub history: Vec<PeriodParticipation>,
}

/// One earlier period's participation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodParticipation {
    /// The period (`2026-Q2`).
    pub period: String,
    /// Its participation, as the report carried it.
    pub participation: metrics::Participation,
}

/// Which fund the report shows, and the trust property fee's collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundInput {
    /// The fund account in the ledger (`trust-fund`).
    pub account: String,
    /// The property fee (物业费) collection, for a trust.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<FeeCollection>,
    /// The fund's commands this quarter (income, expenses, refunds,
    /// distributions), recorded in the ledger in time order with the
    /// quarter's activities; a rejected one is a diagnostic.
    #[serde(default)]
    pub events: Vec<points::Event>,
}

/// How many households owed the fee this quarter and how many paid it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeCollection {
    /// Households that owed it.
    pub households_due: u64,
    /// Of those, households that paid.
    pub households_paid: u64,
}
