//! The ledger: accounts, the journal of commands, and [`Ledger::execute`].
//!
//! Every effect is a transfer that debits one account and credits another of the
//! same unit, so the balances of each unit always sum to zero. Nothing is edited or
//! deleted: a refund or a correction is a new transfer, and the journal of commands
//! (accepted or rejected) replays to the same state.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::command::{AccountKind, Action, Command, Period, Policy, Unit, first_difference};
use crate::receipt::{CapPeriod, Note, Phase, Receipt, Transfer, TransferKind};
use crate::{Amount, EarningRules, Error, Result};

mod book;
mod catalog;
mod earning;
mod ids;
mod money;
mod sweep;
mod time_bank;

use self::ids::Ids;

/// A command as applied: the journal entry that replays it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// When it was applied.
    pub at: NaiveDateTime,
    /// The command.
    pub command: Command,
}

/// Points that arrived together and expire together (first in, first out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lot {
    /// Points left in the lot.
    pub amount: Amount,
    /// When they expire; `None` for never.
    pub expires: Option<NaiveDateTime>,
}

/// An account's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    /// Its kind.
    pub kind: AccountKind,
    /// Its unit.
    pub unit: Unit,
    /// Posted credits minus posted debits.
    pub balance: Amount,
    /// Debits held by pending transfers.
    pub debits_pending: Amount,
    /// Credits held by pending transfers.
    pub credits_pending: Amount,
    /// How far below zero it may go.
    pub credit_limit: Amount,
    /// The most it may hold.
    pub cap: Option<Amount>,
}

impl Balance {
    /// What can be spent now: the balance less pending debits.
    pub fn available(&self) -> Amount {
        Amount::from_hundredths(
            self.balance
                .hundredths()
                .saturating_sub(self.debits_pending.hundredths()),
        )
    }
}

#[derive(Debug, Clone)]
struct Account {
    /// Shared with receipts, so that naming an account costs no allocation.
    id: Arc<str>,
    position: Balance,
    /// Points by when they arrived (resident points accounts only).
    lots: VecDeque<Lot>,
    /// Time claimed or served: start → end, non-overlapping.
    busy: BTreeMap<NaiveDateTime, NaiveDateTime>,
}

impl Account {
    const fn keeps_lots(&self) -> bool {
        matches!(self.position.kind, AccountKind::Resident)
            && matches!(self.position.unit, Unit::Points)
    }

    fn overlapping(
        &self,
        start: NaiveDateTime,
        end: NaiveDateTime,
    ) -> Option<(NaiveDateTime, NaiveDateTime)> {
        // Intervals are disjoint: only the last one starting before `end` can overlap.
        self.busy
            .range(..end)
            .next_back()
            .filter(|&(_, &e)| e > start)
            .map(|(&s, &e)| (s, e))
    }

    /// Takes `amount` from the oldest lots; returns the pieces taken.
    fn take_lots(&mut self, amount: Amount) -> Vec<Lot> {
        let mut left = amount.hundredths();
        let mut pieces = Vec::new();
        while left > 0 {
            let Some(lot) = self.lots.front_mut() else {
                break;
            };
            let take = lot.amount.hundredths().min(left);
            pieces.push(Lot {
                amount: Amount::from_hundredths(take),
                expires: lot.expires,
            });
            left -= take;
            lot.amount = Amount::from_hundredths(lot.amount.hundredths() - take);
            if lot.amount == Amount::ZERO {
                self.lots.pop_front();
            }
        }
        pieces
    }

    /// Puts pieces back at the front, oldest first.
    fn restore_lots(&mut self, pieces: &[Lot]) {
        for piece in pieces.iter().rev() {
            self.lots.push_front(*piece);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stored {
    at: NaiveDateTime,
    from: u32,
    to: u32,
    amount: Amount,
    kind: TransferKind,
    phase: Phase,
    pending_id: Option<u64>,
}

/// Where a claim or reservation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Pending,
    Posted,
    Voided,
    Refunded,
}

impl Status {
    const fn name(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Posted => "posted",
            Self::Voided => "voided",
            Self::Refunded => "refunded",
        }
    }
}

#[derive(Debug, Clone)]
struct Claim {
    transfer: u64,
    account: u32,
    amount: Amount,
    start: NaiveDateTime,
    expires: NaiveDateTime,
    status: Status,
    earned: [EarnKey; 2],
    lot_days: Option<u32>,
}

#[derive(Debug, Clone)]
struct Reservation {
    transfer: u64,
    account: u32,
    stock_key: Option<(u32, u32)>,
    quantity: u32,
    amount: Amount,
    expires: NaiveDateTime,
    status: Status,
    pieces: Vec<Lot>,
}

#[derive(Debug, Clone)]
struct Item {
    price: Amount,
    stock: Option<u32>,
    period: Period,
}

/// Points earned by (account, activity, period, period key), for caps.
type EarnKey = (u32, u32, CapPeriod, u32);

/// What a command left behind: its transfers (a contiguous run) and notes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Done {
    first: u64,
    count: u64,
    notes: Vec<Note>,
}

/// The bank's state: a fold over its journal.
///
/// ```
/// use chrono::NaiveDateTime;
/// use guided_community_points::{AccountKind, Action, Amount, Command, EarningRules, Ledger, Policy, Unit};
///
/// let now: NaiveDateTime = "2025-09-12T19:00:00".parse()?;
/// let mut bank = Ledger::new();
/// let open = |id: &str, account: &str, kind| Command::new(id, Action::OpenAccount {
///     account: account.into(), kind, unit: Unit::Points,
///     credit_limit: Amount::ZERO, cap: None,
/// });
/// bank.execute(open("c1", "issuer", AccountKind::Issuer), now)?;
/// bank.execute(open("c2", "wang", AccountKind::Resident), now)?;
/// let rules = EarningRules::default();
/// bank.execute(Command::new("c3", Action::Configure { rules, policy: Policy::default() }), now)?;
/// // An evening's deliberation earns Wang 10 points.
/// let earn = Command::new("c4", Action::Earn {
///     account: "wang".into(), activity: "deliberation".into(), quantity: Amount::from_whole(1),
/// });
/// let receipt = bank.execute(earn.clone(), now)?;
/// assert_eq!(receipt.transfers[0].amount, Amount::from_whole(10));
/// // The same command again changes nothing and returns the same receipt.
/// assert_eq!(bank.execute(earn, now)?, receipt);
/// assert_eq!(bank.balance("wang").map(|b| b.balance), Some(Amount::from_whole(10)));
/// assert_eq!(bank.balance("issuer").map(|b| b.balance), Some(Amount::from_whole(-10)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    accounts: Vec<Account>,
    account_ids: HashMap<Arc<str>, u32>,
    /// The first issuer, sink and breakage account of each unit.
    system: HashMap<(AccountKind, Unit), u32>,
    rules: InForce,
    policy: Policy,
    items: Vec<Item>,
    item_ids: HashMap<String, u32>,
    claims: HashMap<String, Claim>,
    reservations: HashMap<String, Reservation>,
    /// Pending claims and reservations by their pending transfer, for sweeps in order.
    open: BTreeMap<u64, String>,
    earned: HashMap<EarnKey, Amount>,
    /// (expiry, account) for every lot that expires; entries may outlive their lot.
    expiring: std::collections::BTreeSet<(NaiveDateTime, u32)>,
    stock_used: HashMap<(u32, u32), u32>,
    /// Expenses by their command id, for refunds.
    expenses: HashMap<String, money::Expense>,
    transfers: Vec<Stored>,
    events: Vec<Event>,
    outcomes: Vec<Result<Done>>,
    ids: Ids,
    /// Journal entries and transfers let go of by [`Ledger::compact`] (only the
    /// streaming sample does): `events[0]` is entry `events_base`, `transfers[0]`
    /// is transfer `transfers_base`.
    events_base: u64,
    transfers_base: u64,
    /// The time of the last entry, kept when the journal is let go of.
    last_at: Option<NaiveDateTime>,
}

/// The earning rules in force: none until the ledger is configured (so a new
/// ledger earns nothing, whatever `EarningRules::default` says).
#[derive(Debug, Clone)]
pub(super) struct InForce(pub(super) EarningRules);

impl Default for InForce {
    fn default() -> Self {
        Self(EarningRules::none())
    }
}

impl core::ops::Deref for InForce {
    type Target = EarningRules;

    fn deref(&self) -> &EarningRules {
        &self.0
    }
}

/// Applies `command` to a copy of `state` at `now`: the pure form of
/// [`Ledger::execute`]. It clones the whole state, so a service applying many
/// commands should own its ledger and call `execute`, which has the same effect.
///
/// The new state is returned even when the command is rejected, because a
/// rejected command is recorded: its id is spent.
pub fn apply(state: &Ledger, command: Command, now: NaiveDateTime) -> (Ledger, Result<Receipt>) {
    let mut next = state.clone();
    let result = next.execute(command, now);
    (next, result)
}

impl Ledger {
    /// An empty ledger: no accounts, no rules.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replays a journal into a new ledger.
    ///
    /// # Errors
    ///
    /// [`Error::ReplayDiverged`] if an event is not one the ledger would have
    /// recorded (a duplicate id, a time before the previous event, an empty id).
    pub fn replay(events: impl IntoIterator<Item = Event>) -> Result<Self> {
        let mut ledger = Self::new();
        for event in events {
            let seq = ledger.events.len() as u64;
            // Rejections are part of the journal; an event the ledger would not
            // record (a repeated id, a time going back) means the journal is not one.
            let result = ledger.execute(event.command, event.at);
            if ledger.events.len() as u64 == seq {
                return Err(Error::ReplayDiverged {
                    seq,
                    reason: result.map_or_else(
                        |e| e.to_string(),
                        |_| "its id repeats an earlier command".to_owned(),
                    ),
                });
            }
        }
        Ok(ledger)
    }

    /// Applies `command` at `now`.
    ///
    /// A command that is rejected for a business reason (insufficient funds, out of
    /// stock, …) is still recorded, with its error: the same id then returns the
    /// same error, and a retry needs a new id. Nothing else changes on a rejection.
    ///
    /// # Errors
    ///
    /// The business errors of each action, recorded; and, not recorded:
    /// [`Error::EmptyId`], [`Error::IdReused`] (the same id with a different
    /// action, naming the first field that differs) and [`Error::TimeBeforeLast`]
    /// (the journal's times never go backwards).
    pub fn execute(&mut self, command: Command, now: NaiveDateTime) -> Result<Receipt> {
        if command.id.is_empty() {
            return Err(Error::EmptyId);
        }
        let key = self.ids.key(&command.id);
        let events = &self.events;
        let is_id = |i: usize| events.get(i).is_some_and(|e| e.command.id == command.id);
        if let Some(seq) = self.ids.find(key, self.events_base, is_id) {
            let original = self.event(seq).map(|e| &e.command.action);
            if let Some(field) = original.and_then(|a| first_difference(a, &command.action)) {
                return Err(Error::IdReused {
                    id: command.id,
                    field,
                });
            }
            return self.receipt(seq);
        }
        if let Some(last) = self.last_at
            && now < last
        {
            return Err(Error::TimeBeforeLast { at: now, last });
        }
        let seq = self.events_base + self.events.len() as u64;
        let first = self.transfer_count();
        let outcome = self.run(&command, now).map(|notes| Done {
            first,
            count: self.transfer_count() - first,
            notes,
        });
        self.ids.insert(key, seq);
        self.last_at = Some(now);
        self.events.push(Event { at: now, command });
        self.outcomes.push(outcome);
        self.receipt(seq)
    }

    /// Where the command with id `id` is in the journal, if it was recorded
    /// (accepted or rejected).
    pub fn seq_of(&self, id: &str) -> Option<u64> {
        let key = self.ids.key(id);
        let events = &self.events;
        let is_id = |i: usize| events.get(i).is_some_and(|e| e.command.id == id);
        self.ids.find(key, self.events_base, is_id)
    }

    /// The receipt (or the error) of the command at `seq` in the journal.
    ///
    /// # Errors
    ///
    /// The command's own error if it was rejected; [`Error::UnknownSequence`] if
    /// there is no such command.
    pub fn receipt(&self, seq: u64) -> Result<Receipt> {
        let unknown = || Error::UnknownSequence { seq };
        let event = self.event(seq).ok_or_else(unknown)?;
        let done = seq
            .checked_sub(self.events_base)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| self.outcomes.get(i))
            .ok_or_else(unknown)?
            .clone()?;
        Ok(Receipt {
            seq,
            id: event.command.id.clone(),
            at: event.at,
            transfers: (done.first..done.first + done.count)
                .filter_map(|id| self.transfer(id))
                .collect(),
            notes: done.notes,
        })
    }

    fn event(&self, seq: u64) -> Option<&Event> {
        let i = usize::try_from(seq.checked_sub(self.events_base)?).ok()?;
        self.events.get(i)
    }

    /// The journal: every recorded command, in order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The transfer numbered `id`.
    pub fn transfer(&self, id: u64) -> Option<Transfer> {
        let stored = self.stored_ref(id)?;
        Some(Transfer {
            id,
            at: stored.at,
            from: self.shared_name(stored.from),
            to: self.shared_name(stored.to),
            amount: stored.amount,
            kind: stored.kind,
            phase: stored.phase,
            pending_id: stored.pending_id,
        })
    }

    /// Every transfer, in order.
    pub fn transfers(&self) -> impl Iterator<Item = Transfer> + '_ {
        (self.transfers_base..self.transfer_count()).filter_map(|id| self.transfer(id))
    }

    /// The number of transfers made so far.
    pub fn transfer_count(&self) -> u64 {
        self.transfers_base + self.transfers.len() as u64
    }

    /// An account's position.
    pub fn balance(&self, account: &str) -> Option<Balance> {
        let i = *self.account_ids.get(account)?;
        self.accounts.get(i as usize).map(|a| a.position)
    }

    /// Every account and its position, in the order opened.
    pub fn balances(&self) -> impl Iterator<Item = (&str, Balance)> {
        self.accounts.iter().map(|a| (&*a.id, a.position))
    }

    /// An account's unexpired points by arrival, oldest first (resident points
    /// accounts; empty for others). They sum to the available balance.
    pub fn lots(&self, account: &str) -> Vec<Lot> {
        self.account_ids
            .get(account)
            .and_then(|&i| self.accounts.get(i as usize))
            .map(|a| a.lots.iter().copied().collect())
            .unwrap_or_default()
    }

    /// The earning rules in force.
    pub fn rules(&self) -> &EarningRules {
        &self.rules.0
    }

    fn shared_name(&self, i: u32) -> Arc<str> {
        self.accounts
            .get(i as usize)
            .map_or_else(|| Arc::from(""), |a| Arc::clone(&a.id))
    }

    fn stored(&self, id: u64) -> Option<Stored> {
        self.stored_ref(id).copied()
    }

    fn stored_ref(&self, id: u64) -> Option<&Stored> {
        let i = usize::try_from(id.checked_sub(self.transfers_base)?).ok()?;
        self.transfers.get(i)
    }

    /// Entries ever recorded, including those let go of by [`Ledger::compact`].
    pub(crate) fn journal_len(&self) -> u64 {
        self.events_base + self.events.len() as u64
    }

    /// The sequence number of `events()[0]`.
    pub(crate) fn events_base(&self) -> u64 {
        self.events_base
    }

    fn name(&self, i: u32) -> &str {
        self.accounts.get(i as usize).map_or("", |a| &a.id)
    }

    fn find(&self, account: &str) -> Result<u32> {
        self.account_ids
            .get(account)
            .copied()
            .ok_or_else(|| Error::UnknownAccount {
                account: account.to_owned(),
            })
    }

    fn position(&self, i: u32) -> Result<Balance> {
        self.accounts
            .get(i as usize)
            .map(|a| a.position)
            .ok_or(Error::Overflow {
                context: "looking up an account",
            })
    }

    fn resident_points(&self, account: &str) -> Result<u32> {
        let i = self.find(account)?;
        let p = self.position(i)?;
        if p.kind == AccountKind::Resident && p.unit == Unit::Points {
            Ok(i)
        } else {
            Err(Error::WrongAccount {
                account: account.to_owned(),
                expected: "a resident's points account",
            })
        }
    }

    fn system_account(&self, kind: AccountKind, unit: Unit) -> Result<u32> {
        self.system
            .get(&(kind, unit))
            .copied()
            .ok_or(Error::NoAccountOfKind {
                kind: kind.name(),
                unit: unit.name(),
            })
    }

    fn run(&mut self, command: &Command, now: NaiveDateTime) -> Result<Vec<Note>> {
        let id = command.id.as_str();
        match &command.action {
            Action::OpenAccount {
                account,
                kind,
                unit,
                credit_limit,
                cap,
            } => self.open_account(account, *kind, *unit, *credit_limit, *cap),
            Action::Configure { rules, policy } => self.configure(rules, *policy),
            Action::Earn {
                account,
                activity,
                quantity,
            } => self.earn(account, activity, *quantity, now),
            Action::Claim {
                account,
                activity,
                start,
                end,
            } => self.claim(id, account, activity, *start, *end, now),
            Action::Verify { claim, approve } => self.verify(claim, *approve, now),
            Action::Transfer {
                from, to, amount, ..
            } => self.direct_transfer(from, to, *amount, now),
            Action::Serve {
                server,
                payer,
                start,
                end,
            } => self.serve(server, payer, *start, *end, now),
            Action::AddItem {
                item,
                price,
                stock,
                period,
            } => self.add_item(item, *price, *stock, *period),
            Action::Reserve {
                account,
                item,
                quantity,
            } => self.reserve(id, account, item, *quantity, now),
            Action::Fulfil { reservation } => self.fulfil(reservation, now),
            Action::Void { reservation } => self.void_reservation(reservation, now),
            Action::Refund { reservation } => self.refund(reservation, now),
            Action::Sweep {} => self.sweep(now),
            Action::Receive {
                from,
                fund,
                amount,
                income,
                ..
            } => self.receive(from, fund, *amount, *income, now),
            Action::Spend {
                fund,
                category,
                amount,
                payee,
                purpose,
                decision,
                ..
            } => self.spend(
                id,
                fund,
                category,
                *amount,
                (payee, purpose),
                decision.as_deref(),
                now,
            ),
            Action::RefundExpense { expense, amount } => self.refund_expense(expense, *amount, now),
            Action::Distribute {
                from,
                amount,
                parts,
                rule_hash,
                ..
            } => self.distribute(from, *amount, parts, rule_hash, now),
        }
    }
}
