//! What a quarter produces: the report, the grants, the journal and diagnostics.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::report::PublicityReport;
use allocation_pools::{self as pools, Fen};
use points_bank as points;

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

/// A diagnostic of `kind` for item `id`.
pub(crate) fn diagnostic(kind: &str, id: &str, message: impl fmt::Display) -> Diagnostic {
    Diagnostic {
        kind: kind.to_owned(),
        id: id.to_owned(),
        message: message.to_string(),
    }
}
