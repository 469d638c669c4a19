//! The expiry sweep (lapsed holds, expired lots), and compaction for the streaming
//! sample.

use super::EarnKey;
use super::Ledger;
use super::Lot;
use super::Status;
use crate::Amount;
use crate::Result;
use crate::command::AccountKind;
use crate::command::Period;
use crate::command::Unit;
use crate::receipt::CapPeriod;
use crate::receipt::Note;
use crate::receipt::Phase;
use crate::receipt::TransferKind;
use chrono::NaiveDateTime;

impl Ledger {
    /// Lets go of what a caller that never looks back does not need: the journal
    /// (entries, outcomes and the ids that deduplicate them), transfers no pending
    /// claim or reservation refers to, settled claims and reservations for which
    /// `keep` is false (the ids the caller may still name), cap counts of periods
    /// long past and busy time that ended a week before `now`.
    ///
    /// For the streaming sample only ([`crate::sample::log`]): the ledger stays
    /// correct for every command that does not name a forgotten id — a repeated
    /// command id would be applied again, and a settled claim or forgotten
    /// reservation reads as unknown. Balances, lots, holds, caps and stock are
    /// kept whole.
    pub(crate) fn compact(&mut self, now: NaiveDateTime, keep: &dyn Fn(&str) -> bool) {
        self.events_base += self.events.len() as u64;
        // Cleared, not freed: the next window reuses the same memory.
        self.events.clear();
        self.outcomes.clear();
        self.ids.first.clear();
        self.ids.more.clear();
        // Transfers from the oldest still pending on.
        let next = self.transfer_count();
        let oldest = self.open.keys().next().copied().unwrap_or(next);
        let drop = usize::try_from(oldest.saturating_sub(self.transfers_base))
            .unwrap_or(0)
            .min(self.transfers.len());
        self.transfers.drain(..drop);
        self.transfers.shrink_to(self.transfers.len() * 2);
        self.transfers_base += drop as u64;
        self.claims
            .retain(|id, c| c.status == Status::Pending || keep(id));
        self.reservations
            .retain(|id, r| r.status == Status::Pending || keep(id));
        // Busy time that ended a week ago: the sample never claims or serves
        // further back than three days, so nothing new can overlap it.
        let week_ago = now - chrono::TimeDelta::days(7);
        for account in &mut self.accounts {
            account.busy.retain(|_, end| *end > week_ago);
        }
        // Cap counts: periods at least 100 days gone, unless a pending claim
        // may still reverse into them.
        let since = now.date() - chrono::Days::new(100);
        let (day, month) = (Period::Day.key(since), Period::Month.key(since));
        let pending: std::collections::HashSet<EarnKey> =
            self.claims.values().flat_map(|c| c.earned).collect();
        self.earned.retain(|key, _| {
            let recent = match key.2 {
                CapPeriod::Day => key.3 >= day,
                CapPeriod::Month => key.3 >= month,
            };
            recent || pending.contains(key)
        });
    }

    pub(super) fn sweep(&mut self, now: NaiveDateTime) -> Result<Vec<Note>> {
        let lapsed: Vec<String> = self
            .open
            .values()
            .filter(|id| {
                let claim = self.claims.get(*id).map(|c| c.expires);
                let reservation = self.reservations.get(*id).map(|r| r.expires);
                claim.or(reservation).is_some_and(|expires| now > expires)
            })
            .cloned()
            .collect();
        let expiring = |lot: &Lot| lot.expires.is_some_and(|e| e <= now);
        // Check before changing anything that a breakage account exists if needed,
        // counting the points lapsed reservations are about to give back.
        let due = |ledger: &Self| -> Vec<u32> {
            let mut accounts: Vec<u32> = ledger
                .expiring
                .range(..=(now, u32::MAX))
                .map(|&(_, a)| a)
                .collect();
            accounts.sort_unstable();
            accounts.dedup();
            accounts
        };
        let lots_expire = due(self).into_iter().any(|a| {
            self.accounts
                .get(a as usize)
                .is_some_and(|a| a.lots.iter().any(expiring))
        }) || lapsed.iter().any(|id| {
            self.reservations
                .get(id)
                .is_some_and(|r| r.pieces.iter().any(expiring))
        });
        let breakage = if lots_expire {
            Some(self.system_account(AccountKind::Breakage, Unit::Points)?)
        } else {
            None
        };
        let mut notes = Vec::new();
        for id in lapsed {
            if let Some(c) = self.claims.get(&id).cloned() {
                self.settle_claim(&id, &c, false, now);
            } else if let Some(r) = self.reservations.get(&id).cloned() {
                self.release(&id, &r, now);
            }
            notes.push(Note::Lapsed { command: id });
        }
        let accounts = due(self);
        let keep = self.expiring.split_off(&(now, u32::MAX));
        self.expiring = keep;
        self.expiring.remove(&(now, u32::MAX));
        let Some(breakage) = breakage else {
            return Ok(notes);
        };
        for i in accounts {
            let Some(account) = self.accounts.get_mut(i as usize) else {
                continue;
            };
            let mut expired = 0i64;
            account.lots.retain(|lot| {
                let gone = expiring(lot);
                if gone {
                    expired = expired.saturating_add(lot.amount.hundredths());
                }
                !gone
            });
            if expired > 0 {
                self.book(
                    (i, breakage),
                    Amount::from_hundredths(expired),
                    TransferKind::Expire,
                    Phase::Posted,
                    None,
                    now,
                );
            }
        }
        Ok(notes)
    }
}
