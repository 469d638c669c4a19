//! The time bank: claims of volunteering hours (pending until verified), services
//! between members, busy time that cannot overlap.

use super::Claim;
use super::Ledger;
use super::Lot;
use super::Status;
use crate::Amount;
use crate::Error;
use crate::Per;
use crate::Result;
use crate::command::AccountKind;
use crate::command::Unit;
use crate::receipt::Note;
use crate::receipt::Phase;
use crate::receipt::TransferKind;
use chrono::NaiveDateTime;
use chrono::TimeDelta;

impl Ledger {
    /// Hours between `start` and `end`, in hundredths rounded down (36 s).
    pub(super) fn hours(start: NaiveDateTime, end: NaiveDateTime) -> Result<Amount> {
        if end <= start {
            return Err(Error::InvalidInterval { start, end });
        }
        let seconds = (end - start).num_seconds();
        let hours = Amount::from_hundredths(seconds / 36);
        if hours.is_positive() {
            Ok(hours)
        } else {
            Err(Error::InvalidInterval { start, end })
        }
    }

    pub(super) fn check_free(
        &self,
        account: u32,
        start: NaiveDateTime,
        end: NaiveDateTime,
    ) -> Result<()> {
        let a = self.accounts.get(account as usize);
        match a.and_then(|a| a.overlapping(start, end)) {
            Some((s, e)) => Err(Error::Overlap {
                account: self.name(account).to_owned(),
                start: s,
                end: e,
            }),
            None => Ok(()),
        }
    }

    pub(super) fn set_busy(
        &mut self,
        account: u32,
        start: NaiveDateTime,
        end: Option<NaiveDateTime>,
    ) {
        if let Some(a) = self.accounts.get_mut(account as usize) {
            match end {
                Some(end) => a.busy.insert(start, end),
                None => a.busy.remove(&start),
            };
        }
    }

    #[allow(clippy::too_many_arguments, reason = "the fields of one claim")]
    pub(super) fn claim(
        &mut self,
        id: &str,
        account: &str,
        activity: &str,
        start: NaiveDateTime,
        end: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Result<Vec<Note>> {
        let to = self.resident_points(account)?;
        let rule = self.rule_index(activity)?;
        let (per, days) = self
            .rules
            .rules()
            .get(rule)
            .map_or((Per::Occasion, None), |r| (r.per, r.expires_after_days));
        if per != Per::Hour {
            return Err(Error::NotHourly {
                activity: activity.to_owned(),
            });
        }
        let hours = Self::hours(start, end)?;
        self.check_free(to, start, end)?;
        let worth = self.rules.points_for(activity, hours)?;
        let (award, keys, notes) = self.capped(to, rule, start.date(), worth)?;
        let from = self.system_account(AccountKind::Issuer, Unit::Points)?;
        self.check_move(from, to, award)?;
        let expires = now
            .checked_add_signed(TimeDelta::hours(i64::from(self.policy.claim_timeout_hours)))
            .unwrap_or(NaiveDateTime::MAX);
        let transfer = self.book(
            (from, to),
            award,
            TransferKind::Claim,
            Phase::Pending,
            None,
            now,
        );
        self.set_busy(to, start, Some(end));
        self.add_earned(&keys, award, 1);
        self.open.insert(transfer, id.to_owned());
        self.claims.insert(
            id.to_owned(),
            Claim {
                transfer,
                account: to,
                amount: award,
                start,
                expires,
                status: Status::Pending,
                earned: keys,
                lot_days: days,
            },
        );
        Ok(notes)
    }

    pub(super) fn pending_claim(&self, claim: &str, now: Option<NaiveDateTime>) -> Result<Claim> {
        let c = self.claims.get(claim).ok_or_else(|| Error::UnknownClaim {
            claim: claim.to_owned(),
        })?;
        if c.status != Status::Pending {
            return Err(Error::NotPending {
                command: claim.to_owned(),
                status: c.status.name(),
            });
        }
        if let Some(now) = now
            && now > c.expires
        {
            return Err(Error::Lapsed {
                command: claim.to_owned(),
                at: c.expires,
            });
        }
        Ok(c.clone())
    }

    pub(super) fn verify(
        &mut self,
        claim: &str,
        approve: bool,
        now: NaiveDateTime,
    ) -> Result<Vec<Note>> {
        let c = self.pending_claim(claim, Some(now))?;
        self.settle_claim(claim, &c, approve, now);
        Ok(Vec::new())
    }

    pub(super) fn settle_claim(&mut self, id: &str, c: &Claim, approve: bool, now: NaiveDateTime) {
        let Some(pending) = self.stored(c.transfer) else {
            return;
        };
        let phase = if approve { Phase::Post } else { Phase::Void };
        self.book(
            (pending.from, pending.to),
            c.amount,
            TransferKind::Claim,
            phase,
            Some(c.transfer),
            now,
        );
        if approve {
            let lot = Lot {
                amount: c.amount,
                expires: Self::lot_expiry(c.lot_days, now),
            };
            self.add_lots(c.account, &[lot], false);
        } else {
            self.set_busy(c.account, c.start, None);
            self.add_earned(&c.earned, c.amount, -1);
        }
        self.open.remove(&c.transfer);
        if let Some(stored) = self.claims.get_mut(id) {
            stored.status = if approve {
                Status::Posted
            } else {
                Status::Voided
            };
        }
    }

    pub(super) fn serve(
        &mut self,
        server: &str,
        payer: &str,
        start: NaiveDateTime,
        end: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Result<Vec<Note>> {
        let (to, from) = (self.find(server)?, self.find(payer)?);
        let s = self.position(to)?;
        if s.kind != AccountKind::Resident || s.unit != Unit::Hours {
            return Err(Error::WrongAccount {
                account: server.to_owned(),
                expected: "a time-bank member's hours account",
            });
        }
        let hours = Self::hours(start, end)?;
        self.check_free(to, start, end)?;
        self.check_move(from, to, hours)?;
        self.post((from, to), hours, TransferKind::Serve, None, now);
        self.set_busy(to, start, Some(end));
        Ok(Vec::new())
    }
}
