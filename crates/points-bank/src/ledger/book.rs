//! Book and limits: opening accounts, configuring the rules, checking and booking
//! transfers (two-phase: pending, posted, voided), lots.

use super::Account;
use super::Balance;
use super::InForce;
use super::Ledger;
use super::Lot;
use super::Stored;
use crate::Amount;
use crate::EarningRules;
use crate::Error;
use crate::Result;
use crate::command::AccountKind;
use crate::command::Policy;
use crate::command::Unit;
use crate::receipt::Note;
use crate::receipt::Phase;
use crate::receipt::TransferKind;
use chrono::NaiveDateTime;
use std::collections::BTreeMap;
use std::collections::VecDeque;
use std::sync::Arc;

impl Ledger {
    pub(super) fn open_account(
        &mut self,
        account: &str,
        kind: AccountKind,
        unit: Unit,
        credit_limit: Amount,
        cap: Option<Amount>,
    ) -> Result<Vec<Note>> {
        if account.is_empty() {
            return Err(Error::EmptyName { what: "account" });
        }
        if self.account_ids.contains_key(account) {
            return Err(Error::DuplicateAccount {
                account: account.to_owned(),
            });
        }
        let invalid = |what, value| Error::InvalidLimit {
            account: account.to_owned(),
            what,
            value,
        };
        if credit_limit < Amount::ZERO {
            return Err(invalid("credit limit", credit_limit));
        }
        if let Some(cap) = cap.filter(|&c| c < Amount::ZERO) {
            return Err(invalid("cap", cap));
        }
        if kind == AccountKind::Resident && unit == Unit::Points && credit_limit > Amount::ZERO {
            return Err(Error::CreditLineNotAllowed {
                account: account.to_owned(),
            });
        }
        let i = u32::try_from(self.accounts.len()).map_err(|_| Error::Overflow {
            context: "opening an account",
        })?;
        let id: Arc<str> = Arc::from(account);
        self.accounts.push(Account {
            id: Arc::clone(&id),
            position: Balance {
                kind,
                unit,
                balance: Amount::ZERO,
                debits_pending: Amount::ZERO,
                credits_pending: Amount::ZERO,
                credit_limit,
                cap,
            },
            lots: VecDeque::new(),
            busy: BTreeMap::new(),
        });
        self.account_ids.insert(id, i);
        if matches!(
            kind,
            AccountKind::Issuer | AccountKind::Sink | AccountKind::Breakage
        ) {
            self.system.entry((kind, unit)).or_insert(i);
        }
        Ok(Vec::new())
    }

    pub(super) fn configure(&mut self, rules: &EarningRules, policy: Policy) -> Result<Vec<Note>> {
        for rule in rules.rules() {
            let bad = |reason: &'static str| Error::InvalidRule {
                activity: rule.activity.clone(),
                reason,
            };
            if rule.activity.is_empty() {
                return Err(bad("the activity has no name"));
            }
            if !rule.points.is_positive() {
                return Err(bad("points must be positive"));
            }
            if [rule.daily_cap, rule.monthly_cap]
                .into_iter()
                .flatten()
                .any(|cap| !cap.is_positive())
            {
                return Err(bad("caps must be positive"));
            }
            if rule.expires_after_days == Some(0) {
                return Err(bad("points cannot expire the day they are issued"));
            }
        }
        if policy.claim_timeout_hours == 0 || policy.hold_hours == 0 {
            return Err(Error::InvalidRule {
                activity: String::new(),
                reason: "timeouts must be at least an hour",
            });
        }
        self.rules = InForce(rules.clone());
        self.policy = policy;
        Ok(Vec::new())
    }

    /// Checks that `from` can be debited and `to` credited by `amount`, posted or
    /// held: pending debits count against the lower limit, pending credits against
    /// the cap.
    pub(super) fn check_move(&self, from: u32, to: u32, amount: Amount) -> Result<()> {
        if !amount.is_positive() {
            return Err(Error::NonPositiveAmount { amount });
        }
        let (f, t) = (self.position(from)?, self.position(to)?);
        if from == to {
            return Err(Error::SameAccount {
                account: self.name(from).to_owned(),
            });
        }
        if f.unit != t.unit {
            return Err(Error::UnitMismatch {
                from: self.name(from).to_owned(),
                to: self.name(to).to_owned(),
            });
        }
        if !matches!(f.kind, AccountKind::Issuer | AccountKind::Donor) {
            let after = f.available().checked_sub(amount)?;
            if after.hundredths() < -f.credit_limit.hundredths() {
                return Err(Error::InsufficientFunds {
                    account: self.name(from).to_owned(),
                    available: f.available(),
                    amount,
                    limit: f.credit_limit,
                });
            }
        }
        if let Some(cap) = t.cap {
            let incoming = t.balance.checked_add(t.credits_pending)?;
            if incoming.checked_add(amount)? > cap {
                return Err(Error::AboveCap {
                    account: self.name(to).to_owned(),
                    balance: incoming,
                    amount,
                    cap,
                });
            }
        }
        // Whatever else, the arithmetic of the move must fit.
        f.balance.checked_sub(amount)?;
        f.debits_pending.checked_add(amount)?;
        t.balance.checked_add(amount)?;
        t.credits_pending.checked_add(amount)?;
        Ok(())
    }

    /// Records a transfer and moves the balances; checks were made by the caller.
    pub(super) fn book(
        &mut self,
        (from, to): (u32, u32),
        amount: Amount,
        kind: TransferKind,
        phase: Phase,
        pending_id: Option<u64>,
        at: NaiveDateTime,
    ) -> u64 {
        let a = amount.hundredths();
        let shift = |x: &mut Amount, by: i64| {
            *x = Amount::from_hundredths(x.hundredths().saturating_add(by));
        };
        if let Some(f) = self.accounts.get_mut(from as usize) {
            let p = &mut f.position;
            match phase {
                Phase::Posted => shift(&mut p.balance, -a),
                Phase::Pending => shift(&mut p.debits_pending, a),
                Phase::Post => {
                    shift(&mut p.balance, -a);
                    shift(&mut p.debits_pending, -a);
                }
                Phase::Void => shift(&mut p.debits_pending, -a),
            }
        }
        if let Some(t) = self.accounts.get_mut(to as usize) {
            let p = &mut t.position;
            match phase {
                Phase::Posted => shift(&mut p.balance, a),
                Phase::Pending => shift(&mut p.credits_pending, a),
                Phase::Post => {
                    shift(&mut p.balance, a);
                    shift(&mut p.credits_pending, -a);
                }
                Phase::Void => shift(&mut p.credits_pending, -a),
            }
        }
        let id = self.transfer_count();
        self.transfers.push(Stored {
            at,
            from,
            to,
            amount,
            kind,
            phase,
            pending_id,
        });
        id
    }

    /// Posts a single-phase transfer between checked accounts, moving lots.
    pub(super) fn post(
        &mut self,
        (from, to): (u32, u32),
        amount: Amount,
        kind: TransferKind,
        expires: Option<NaiveDateTime>,
        at: NaiveDateTime,
    ) -> u64 {
        let id = self.book((from, to), amount, kind, Phase::Posted, None, at);
        if let Some(f) = self.accounts.get_mut(from as usize)
            && f.keeps_lots()
        {
            f.take_lots(amount);
        }
        if self
            .accounts
            .get(to as usize)
            .is_some_and(Account::keeps_lots)
        {
            self.add_lots(to, &[Lot { amount, expires }], false);
        }
        id
    }

    /// Adds lots at the back (new points) or the front (points given back), and
    /// indexes those that expire.
    pub(super) fn add_lots(&mut self, account: u32, pieces: &[Lot], front: bool) {
        let Some(a) = self.accounts.get_mut(account as usize) else {
            return;
        };
        if front {
            a.restore_lots(pieces);
        } else {
            a.lots.extend(pieces.iter().copied());
        }
        for expires in pieces.iter().filter_map(|p| p.expires) {
            self.expiring.insert((expires, account));
        }
    }

    pub(super) fn direct_transfer(
        &mut self,
        from: &str,
        to: &str,
        amount: Amount,
        now: NaiveDateTime,
    ) -> Result<Vec<Note>> {
        let (f, t) = (self.find(from)?, self.find(to)?);
        self.check_move(f, t, amount)?;
        self.post((f, t), amount, TransferKind::Transfer, None, now);
        Ok(Vec::new())
    }
}
