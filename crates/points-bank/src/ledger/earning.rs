//! Earning and caps: points for an activity by its rule, capped per day and month.

use super::EarnKey;
use super::Ledger;
use crate::Amount;
use crate::Error;
use crate::Result;
use crate::command::AccountKind;
use crate::command::Period;
use crate::command::Unit;
use crate::receipt::CapPeriod;
use crate::receipt::Note;
use crate::receipt::TransferKind;
use chrono::NaiveDateTime;
use chrono::TimeDelta;

impl Ledger {
    /// The points an earning is worth after the resident's caps, with a note if cut.
    pub(super) fn capped(
        &self,
        account: u32,
        rule: usize,
        on: chrono::NaiveDate,
        worth: Amount,
    ) -> Result<(Amount, [EarnKey; 2], Vec<Note>)> {
        let r = self.rules.rules().get(rule).ok_or(Error::Overflow {
            context: "looking up a rule",
        })?;
        let rule_key = u32::try_from(rule).unwrap_or(u32::MAX);
        let keys = [
            (account, rule_key, CapPeriod::Day, Period::Day.key(on)),
            (account, rule_key, CapPeriod::Month, Period::Month.key(on)),
        ];
        let mut award = worth;
        let mut notes = Vec::new();
        for (key, cap) in keys.iter().zip([r.daily_cap, r.monthly_cap]) {
            let Some(cap) = cap else { continue };
            let so_far = self.earned.get(key).copied().unwrap_or(Amount::ZERO);
            let room = cap.checked_sub(so_far)?;
            if !room.is_positive() {
                return Err(Error::CapReached {
                    account: self.name(account).to_owned(),
                    activity: r.activity.clone(),
                    period: key.2,
                    cap,
                });
            }
            if award > room {
                notes.push(Note::Capped {
                    activity: r.activity.clone(),
                    period: key.2,
                    cap,
                    requested: worth,
                    awarded: room,
                });
                award = room;
            }
        }
        // Only the tightest cut is worth reporting.
        if notes.len() > 1 {
            notes.remove(0);
        }
        Ok((award, keys, notes))
    }

    pub(super) fn add_earned(&mut self, keys: &[EarnKey; 2], amount: Amount, sign: i64) {
        for key in keys {
            let entry = self.earned.entry(*key).or_insert(Amount::ZERO);
            *entry = Amount::from_hundredths(
                entry
                    .hundredths()
                    .saturating_add(sign.saturating_mul(amount.hundredths())),
            );
        }
    }

    pub(super) fn rule_index(&self, activity: &str) -> Result<usize> {
        self.rules
            .rules()
            .iter()
            .position(|r| r.activity == activity)
            .ok_or_else(|| Error::UnknownActivity {
                activity: activity.to_owned(),
            })
    }

    pub(super) fn lot_expiry(days: Option<u32>, from: NaiveDateTime) -> Option<NaiveDateTime> {
        days.and_then(|d| from.checked_add_signed(TimeDelta::days(i64::from(d))))
    }

    pub(super) fn earn(
        &mut self,
        account: &str,
        activity: &str,
        quantity: Amount,
        now: NaiveDateTime,
    ) -> Result<Vec<Note>> {
        let to = self.resident_points(account)?;
        let worth = self.rules.points_for(activity, quantity)?;
        let rule = self.rule_index(activity)?;
        let (award, keys, notes) = self.capped(to, rule, now.date(), worth)?;
        let from = self.system_account(AccountKind::Issuer, Unit::Points)?;
        self.check_move(from, to, award)?;
        let days = self
            .rules
            .rules()
            .get(rule)
            .and_then(|r| r.expires_after_days);
        self.post(
            (from, to),
            award,
            TransferKind::Issue,
            Self::lot_expiry(days, now),
            now,
        );
        self.add_earned(&keys, award, 1);
        Ok(notes)
    }
}
