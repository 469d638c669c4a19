//! The catalog and holds: items with stock per period, reservations held as
//! pending transfers, fulfilled, voided, refunded.

use super::Item;
use super::Ledger;
use super::Reservation;
use super::Status;
use crate::Amount;
use crate::Error;
use crate::Result;
use crate::command::AccountKind;
use crate::command::Period;
use crate::command::Unit;
use crate::receipt::Note;
use crate::receipt::Phase;
use crate::receipt::TransferKind;
use chrono::NaiveDateTime;
use chrono::TimeDelta;

impl Ledger {
    pub(super) fn add_item(
        &mut self,
        item: &str,
        price: Amount,
        stock: Option<u32>,
        period: Period,
    ) -> Result<Vec<Note>> {
        if item.is_empty() {
            return Err(Error::EmptyName { what: "item" });
        }
        if self.item_ids.contains_key(item) {
            return Err(Error::DuplicateItem {
                item: item.to_owned(),
            });
        }
        if !price.is_positive() {
            return Err(Error::NonPositiveAmount { amount: price });
        }
        let i = u32::try_from(self.items.len()).map_err(|_| Error::Overflow {
            context: "adding an item",
        })?;
        self.items.push(Item {
            price,
            stock,
            period,
        });
        self.item_ids.insert(item.to_owned(), i);
        Ok(Vec::new())
    }

    pub(super) fn reserve(
        &mut self,
        id: &str,
        account: &str,
        item: &str,
        quantity: u32,
        now: NaiveDateTime,
    ) -> Result<Vec<Note>> {
        let from = self.resident_points(account)?;
        let i = *self.item_ids.get(item).ok_or_else(|| Error::UnknownItem {
            item: item.to_owned(),
        })?;
        let it = self.items.get(i as usize).cloned().ok_or(Error::Overflow {
            context: "looking up an item",
        })?;
        if quantity == 0 {
            return Err(Error::NonPositiveAmount {
                amount: Amount::ZERO,
            });
        }
        let amount = it
            .price
            .checked_mul(&Amount::from_whole(i64::from(quantity)))?;
        let stock_key = it.stock.map(|_| (i, it.period.key(now.date())));
        if let (Some(stock), Some(key)) = (it.stock, stock_key) {
            let used = self.stock_used.get(&key).copied().unwrap_or(0);
            let left = stock.saturating_sub(used);
            if quantity > left {
                return Err(Error::OutOfStock {
                    item: item.to_owned(),
                    requested: quantity,
                    available: left,
                });
            }
        }
        let to = self.system_account(AccountKind::Sink, Unit::Points)?;
        self.check_move(from, to, amount)?;
        let transfer = self.book(
            (from, to),
            amount,
            TransferKind::Redeem,
            Phase::Pending,
            None,
            now,
        );
        let pieces = self
            .accounts
            .get_mut(from as usize)
            .map(|a| a.take_lots(amount))
            .unwrap_or_default();
        if let Some(key) = stock_key {
            *self.stock_used.entry(key).or_insert(0) += quantity;
        }
        let expires = now
            .checked_add_signed(TimeDelta::hours(i64::from(self.policy.hold_hours)))
            .unwrap_or(NaiveDateTime::MAX);
        self.open.insert(transfer, id.to_owned());
        self.reservations.insert(
            id.to_owned(),
            Reservation {
                transfer,
                account: from,
                stock_key,
                quantity,
                amount,
                expires,
                status: Status::Pending,
                pieces,
            },
        );
        Ok(Vec::new())
    }

    pub(super) fn reservation(&self, id: &str, wanted: Status) -> Result<Reservation> {
        let r = self
            .reservations
            .get(id)
            .ok_or_else(|| Error::UnknownReservation {
                reservation: id.to_owned(),
            })?;
        if r.status != wanted {
            return Err(if wanted == Status::Posted {
                Error::NotRefundable {
                    reservation: id.to_owned(),
                    status: r.status.name(),
                }
            } else {
                Error::NotPending {
                    command: id.to_owned(),
                    status: r.status.name(),
                }
            });
        }
        Ok(r.clone())
    }

    pub(super) fn set_status(&mut self, id: &str, status: Status) {
        if let Some(r) = self.reservations.get_mut(id) {
            r.status = status;
        }
    }

    pub(super) fn fulfil(&mut self, id: &str, now: NaiveDateTime) -> Result<Vec<Note>> {
        let r = self.reservation(id, Status::Pending)?;
        if now > r.expires {
            return Err(Error::Lapsed {
                command: id.to_owned(),
                at: r.expires,
            });
        }
        let to = self.system_account(AccountKind::Sink, Unit::Points)?;
        self.book(
            (r.account, to),
            r.amount,
            TransferKind::Redeem,
            Phase::Post,
            Some(r.transfer),
            now,
        );
        self.open.remove(&r.transfer);
        self.set_status(id, Status::Posted);
        Ok(Vec::new())
    }

    pub(super) fn void_reservation(&mut self, id: &str, now: NaiveDateTime) -> Result<Vec<Note>> {
        let r = self.reservation(id, Status::Pending)?;
        self.release(id, &r, now);
        Ok(Vec::new())
    }

    /// Voids a pending reservation: points back to their lots, stock back.
    pub(super) fn release(&mut self, id: &str, r: &Reservation, now: NaiveDateTime) {
        let Some(pending) = self.stored(r.transfer) else {
            return;
        };
        self.book(
            (pending.from, pending.to),
            r.amount,
            TransferKind::Redeem,
            Phase::Void,
            Some(r.transfer),
            now,
        );
        self.add_lots(r.account, &r.pieces, true);
        self.return_stock(r);
        self.open.remove(&r.transfer);
        self.set_status(id, Status::Voided);
    }

    pub(super) fn return_stock(&mut self, r: &Reservation) {
        if let Some(used) = r.stock_key.and_then(|key| self.stock_used.get_mut(&key)) {
            *used = used.saturating_sub(r.quantity);
        }
    }

    pub(super) fn refund(&mut self, id: &str, now: NaiveDateTime) -> Result<Vec<Note>> {
        let r = self.reservation(id, Status::Posted)?;
        let from = self.system_account(AccountKind::Sink, Unit::Points)?;
        self.check_move(from, r.account, r.amount)?;
        self.book(
            (from, r.account),
            r.amount,
            TransferKind::Refund,
            Phase::Posted,
            None,
            now,
        );
        self.add_lots(r.account, &r.pieces, true);
        self.return_stock(&r);
        self.set_status(id, Status::Refunded);
        Ok(Vec::new())
    }
}
