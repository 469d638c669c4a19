//! Statements per account and period, and the bank's totals.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::command::{AccountKind, Unit};
use crate::receipt::{Phase, TransferKind};
use crate::{Amount, Error, Ledger, Result};

/// One line of a statement: a transfer that moved the balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// The transfer.
    pub transfer: u64,
    /// When.
    pub at: NaiveDateTime,
    /// The other account.
    pub counterparty: String,
    /// Why.
    pub kind: TransferKind,
    /// Positive for a credit, negative for a debit.
    pub amount: Amount,
    /// The balance after it.
    pub balance: Amount,
}

/// An account's statement for `from ≤ t < to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// The account.
    pub account: String,
    /// The period's start.
    pub from: NaiveDateTime,
    /// The period's end (exclusive).
    pub to: NaiveDateTime,
    /// The balance at `from`.
    pub opening: Amount,
    /// Credits in the period.
    pub credits: Amount,
    /// Debits in the period (positive).
    pub debits: Amount,
    /// The balance at `to`: `opening + credits − debits`.
    pub closing: Amount,
    /// The transfers that moved the balance, in order.
    pub lines: Vec<Line>,
}

/// The statement of `account` for `from ≤ t < to`. Pending holds and their voids do
/// not move a balance, so they are not lines; a hold's completion is.
///
/// # Errors
///
/// [`Error::UnknownAccount`]; [`Error::Overflow`] if a sum does not fit.
pub fn statement(
    ledger: &Ledger,
    account: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Statement> {
    if ledger.balance(account).is_none() {
        return Err(Error::UnknownAccount {
            account: account.to_owned(),
        });
    }
    let mut statement = Statement {
        account: account.to_owned(),
        from,
        to,
        opening: Amount::ZERO,
        credits: Amount::ZERO,
        debits: Amount::ZERO,
        closing: Amount::ZERO,
        lines: Vec::new(),
    };
    let mut balance = Amount::ZERO;
    for t in ledger.transfers() {
        if !matches!(t.phase, Phase::Posted | Phase::Post) || t.at >= to {
            continue;
        }
        let (signed, counterparty) = if &*t.to == account {
            (t.amount, t.from.to_string())
        } else if &*t.from == account {
            (Amount::ZERO.checked_sub(t.amount)?, t.to.to_string())
        } else {
            continue;
        };
        balance = balance.checked_add(signed)?;
        if t.at < from {
            statement.opening = balance;
            continue;
        }
        if signed.is_positive() {
            statement.credits = statement.credits.checked_add(t.amount)?;
        } else {
            statement.debits = statement.debits.checked_add(t.amount)?;
        }
        statement.lines.push(Line {
            transfer: t.id,
            at: t.at,
            counterparty,
            kind: t.kind,
            amount: signed,
            balance,
        });
    }
    statement.closing = balance;
    Ok(statement)
}

/// The bank's totals for one unit over `from ≤ t < to`.
///
/// Flows are net: points returned to the issuer reduce `issued`, refunds reduce
/// `redeemed`. `outstanding` is what residents and funds hold at `to`, and
/// `outstanding_before + issued − redeemed − expired = outstanding` always.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// The unit.
    pub unit: Unit,
    /// What residents and funds held at `from`.
    pub outstanding_before: Amount,
    /// Issued in the period (out of issuer accounts, net).
    pub issued: Amount,
    /// Redeemed in the period (into the sink, net of refunds).
    pub redeemed: Amount,
    /// Expired in the period (into breakage).
    pub expired: Amount,
    /// What residents and funds held at `to`.
    pub outstanding: Amount,
}

/// Totals issued, redeemed, expired and outstanding for `unit` over `from ≤ t < to`.
///
/// # Errors
///
/// [`Error::Overflow`] if a sum does not fit.
pub fn totals(
    ledger: &Ledger,
    unit: Unit,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Totals> {
    let kind_of = |account: &str| {
        ledger
            .balance(account)
            .filter(|b| b.unit == unit)
            .map(|b| b.kind)
    };
    let mut totals = Totals {
        unit,
        outstanding_before: Amount::ZERO,
        issued: Amount::ZERO,
        redeemed: Amount::ZERO,
        expired: Amount::ZERO,
        outstanding: Amount::ZERO,
    };
    for t in ledger.transfers() {
        if !matches!(t.phase, Phase::Posted | Phase::Post) || t.at >= to {
            continue;
        }
        let (Some(source), Some(target)) = (kind_of(&t.from), kind_of(&t.to)) else {
            continue;
        };
        let held = |kind| matches!(kind, AccountKind::Resident | AccountKind::Fund);
        // The flow between "held by people" and each system account.
        let signed = match (held(source), held(target)) {
            (true, false) => Amount::ZERO.checked_sub(t.amount)?,
            (false, true) => t.amount,
            _ => Amount::ZERO,
        };
        if t.at < from {
            totals.outstanding_before = totals.outstanding_before.checked_add(signed)?;
            continue;
        }
        totals.outstanding = totals.outstanding.checked_add(signed)?;
        let system = if held(source) { target } else { source };
        let bucket = match system {
            AccountKind::Issuer => &mut totals.issued,
            AccountKind::Sink => &mut totals.redeemed,
            AccountKind::Breakage => &mut totals.expired,
            _ => continue,
        };
        // Issued counts flows into people; redeemed and expired flows out of them.
        let flow = if system == AccountKind::Issuer {
            signed
        } else {
            Amount::ZERO.checked_sub(signed)?
        };
        *bucket = bucket.checked_add(flow)?;
    }
    totals.outstanding = totals.outstanding_before.checked_add(totals.outstanding)?;
    Ok(totals)
}
