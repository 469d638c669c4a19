//! The rules of a quarter as the council agreed them; [`Policy::default`] is the
//! articles' values.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use allocation_pools::{self as pools, Fen};
use governance_metrics as metrics;
use needs_matrix as needs;
use petition_triage as triage;
use points_bank as points;

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
#[non_exhaustive]
pub struct Policy {
    /// Pool shares (66.5 / 28.5 / 5 by default).
    pub pools: pools::PoolPolicy,
    /// How the base pool is shared among lines.
    pub base_rule: pools::BaseRule,
    /// The apportionment method.
    pub method: pools::ApportionMethod,
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
    /// The words the report shows for groups, tiers, decision steps and
    /// petition categories.
    pub labels: crate::report::Labels,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            pools: pools::PoolPolicy::default(),
            base_rule: pools::BaseRule::PerHead,
            method: pools::ApportionMethod::Hamilton,
            basis: Basis::Need,
            need_threshold: Decimal::from(40),
            household_cap: Some(Fen::new(100_000)),
            matrix: needs::Matrix::default(),
            scoring: needs::ScoreOptions::default(),
            triage: triage::TriageRules::default(),
            sla: triage::SlaPolicy::default(),
            calendar: triage::Calendar::mainland_china(),
            hot_spot_days: 30,
            hot_spot_at_least: 3,
            max_agenda_items: 5,
            earning: points::EarningRules::default(),
            capture: metrics::CaptureBounds::default(),
            warnings: metrics::WarningRules::default(),
            reserve_end: pools::QuarterEnd::CarryOver,
            lorenz_points: 20,
            labels: crate::report::Labels::default(),
        }
    }
}
