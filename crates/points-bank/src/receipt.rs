//! What the bank answers: receipts, transfers and the notes that explain them.

use std::sync::Arc;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::Amount;

/// How a transfer moves value (TigerBeetle's two-phase transfers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Phase {
    /// Moved at once.
    Posted,
    /// Held: the debited account's available balance falls and the credited
    /// account's incoming amount rises, but neither balance moves yet.
    Pending,
    /// Completes the pending transfer it names.
    Post,
    /// Releases the pending transfer it names.
    Void,
}

/// Why a transfer was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum TransferKind {
    /// Points issued for an activity an organiser recorded.
    Issue,
    /// Points for claimed hours.
    Claim,
    /// Points spent in the catalog.
    Redeem,
    /// A refund of a redemption.
    Refund,
    /// Points expired to breakage.
    Expire,
    /// Time-bank hours for a service.
    Serve,
    /// A transfer asked for directly: a grant or a correction.
    Transfer,
    /// Money received into a fund.
    Income,
    /// Money a fund paid out.
    Expense,
    /// Money given back on an expense.
    ExpenseRefund,
    /// A part of an income shared out by a rule.
    Distribution,
}

/// One transfer, debiting `from` and crediting `to` by `amount`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// Its number in the ledger, from 0.
    pub id: u64,
    /// When it was made.
    #[serde(serialize_with = "crate::time::serialize")]
    pub at: NaiveDateTime,
    /// The account debited.
    pub from: Arc<str>,
    /// The account credited.
    pub to: Arc<str>,
    /// How much.
    pub amount: Amount,
    /// Why.
    pub kind: TransferKind,
    /// How it moves value.
    pub phase: Phase,
    /// For [`Phase::Post`] and [`Phase::Void`]: the pending transfer it settles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_id: Option<u64>,
}

/// Which calendar period an earning cap counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CapPeriod {
    /// A calendar day.
    Day,
    /// A calendar month.
    Month,
}

impl core::fmt::Display for CapPeriod {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Day => "day",
            Self::Month => "month",
        })
    }
}

/// Something a receipt explains beyond its transfers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "note", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Note {
    /// An earning was cut to what the cap left.
    Capped {
        /// The activity.
        activity: String,
        /// The period the cap counts.
        period: CapPeriod,
        /// The cap.
        cap: Amount,
        /// What the activity was worth.
        requested: Amount,
        /// What was issued.
        awarded: Amount,
    },
    /// A pending claim or reservation lapsed unsettled and was voided.
    Lapsed {
        /// The command that created it.
        command: String,
    },
}

/// The answer to a command that was accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The command's position in the ledger's journal, from 0.
    pub seq: u64,
    /// The command's id.
    pub id: String,
    /// When it was applied.
    pub at: NaiveDateTime,
    /// The transfers it made, in order.
    pub transfers: Vec<Transfer>,
    /// Anything else worth knowing.
    pub notes: Vec<Note>,
}
