//! Money (issue 27): income into a fund, expenses with their payee, purpose,
//! receipt and approving decision, refunds as correcting entries, and
//! distributions of an income by a published rule. Every effect is a transfer
//! within the money unit, with the guarantees the points have.

use super::Ledger;
use crate::command::{AccountKind, IncomeKind, Part, Unit};
use crate::receipt::{Note, TransferKind};
use crate::{Amount, Error, Result};
use chrono::NaiveDateTime;

/// An expense, for its refunds.
#[derive(Debug, Clone)]
pub(super) struct Expense {
    fund: u32,
    category: u32,
    amount: Amount,
    refunded: Amount,
}

impl Ledger {
    /// The account `name`, which must be of `kind` and count money.
    fn money_account(&self, name: &str, kind: AccountKind, expected: &'static str) -> Result<u32> {
        let i = self.find(name)?;
        let p = self.position(i)?;
        if p.kind == kind && p.unit == Unit::Money {
            Ok(i)
        } else {
            Err(Error::WrongAccount {
                account: name.to_owned(),
                expected,
            })
        }
    }

    pub(super) fn receive(
        &mut self,
        from: &str,
        fund: &str,
        amount: Amount,
        _income: IncomeKind,
        now: NaiveDateTime,
    ) -> Result<Vec<Note>> {
        let f = self.money_account(
            from,
            AccountKind::Donor,
            "a source of money (a donor account)",
        )?;
        let t = self.money_account(fund, AccountKind::Fund, "a fund counting money")?;
        self.check_move(f, t, amount)?;
        self.post((f, t), amount, TransferKind::Income, None, now);
        Ok(Vec::new())
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "one per published field of an expense"
    )]
    pub(super) fn spend(
        &mut self,
        id: &str,
        fund: &str,
        category: &str,
        amount: Amount,
        (payee, purpose): (&str, &str),
        decision: Option<&str>,
        now: NaiveDateTime,
    ) -> Result<Vec<Note>> {
        if payee.trim().is_empty() {
            return Err(Error::EmptyField { what: "payee" });
        }
        if purpose.trim().is_empty() {
            return Err(Error::EmptyField { what: "purpose" });
        }
        if self.policy.expenses_need_decision && decision.is_none_or(|d| d.trim().is_empty()) {
            return Err(Error::DecisionRequired);
        }
        let f = self.money_account(fund, AccountKind::Fund, "a fund counting money")?;
        let t = self.money_account(
            category,
            AccountKind::Expense,
            "an expense category counting money",
        )?;
        self.check_move(f, t, amount)?;
        self.post((f, t), amount, TransferKind::Expense, None, now);
        self.expenses.insert(
            id.to_owned(),
            Expense {
                fund: f,
                category: t,
                amount,
                refunded: Amount::ZERO,
            },
        );
        Ok(Vec::new())
    }

    pub(super) fn refund_expense(
        &mut self,
        expense: &str,
        amount: Amount,
        now: NaiveDateTime,
    ) -> Result<Vec<Note>> {
        let record = self
            .expenses
            .get(expense)
            .cloned()
            .ok_or_else(|| Error::UnknownExpense {
                expense: expense.to_owned(),
            })?;
        let left = record.amount.checked_sub(record.refunded)?;
        if amount > left {
            return Err(Error::RefundTooLarge {
                expense: expense.to_owned(),
                left,
                amount,
            });
        }
        self.check_move(record.category, record.fund, amount)?;
        self.post(
            (record.category, record.fund),
            amount,
            TransferKind::ExpenseRefund,
            None,
            now,
        );
        if let Some(r) = self.expenses.get_mut(expense) {
            r.refunded = r.refunded.checked_add(amount)?;
        }
        Ok(Vec::new())
    }

    pub(super) fn distribute(
        &mut self,
        from: &str,
        amount: Amount,
        parts: &[Part],
        rule_hash: &str,
        now: NaiveDateTime,
    ) -> Result<Vec<Note>> {
        if rule_hash.len() != 64
            || !rule_hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(Error::InvalidHash {
                text: rule_hash.to_owned(),
            });
        }
        let f = self.money_account(from, AccountKind::Fund, "a fund counting money")?;
        let mut total = Amount::ZERO;
        let mut targets = Vec::with_capacity(parts.len());
        for part in parts {
            let t =
                self.money_account(&part.account, AccountKind::Fund, "a fund counting money")?;
            total = total.checked_add(part.amount)?;
            targets.push(t);
        }
        if total != amount {
            return Err(Error::PartsDoNotAddUp {
                parts: total,
                amount,
            });
        }
        // All or nothing: the source must cover the whole income, and each part
        // must fit its account, before anything moves. A part of zero moves
        // nothing and is not a transfer.
        if !amount.is_positive() {
            return Err(Error::NonPositiveAmount { amount });
        }
        let source = self.position(f)?;
        if !matches!(source.kind, AccountKind::Issuer | AccountKind::Donor) {
            let after = source.available().checked_sub(amount)?;
            if after.hundredths() < -source.credit_limit.hundredths() {
                return Err(Error::InsufficientFunds {
                    account: from.to_owned(),
                    available: source.available(),
                    amount,
                    limit: source.credit_limit,
                });
            }
        }
        let mut seen = std::collections::HashSet::with_capacity(targets.len());
        for (&t, part) in targets.iter().zip(parts) {
            if !seen.insert(t) {
                return Err(Error::DuplicateAccount {
                    account: part.account.clone(),
                });
            }
            if part.amount < Amount::ZERO {
                return Err(Error::NonPositiveAmount {
                    amount: part.amount,
                });
            }
            if part.amount.is_positive() {
                self.check_move(f, t, part.amount)?;
            } else if t == f {
                return Err(Error::SameAccount {
                    account: part.account.clone(),
                });
            }
        }
        for (&t, part) in targets.iter().zip(parts) {
            if part.amount.is_positive() {
                self.post((f, t), part.amount, TransferKind::Distribution, None, now);
            }
        }
        Ok(Vec::new())
    }
}
