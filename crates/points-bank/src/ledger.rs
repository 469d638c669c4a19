//! The ledger: accounts, the journal of commands, and [`Ledger::execute`].
//!
//! Every effect is a transfer that debits one account and credits another of the
//! same unit, so the balances of each unit always sum to zero. Nothing is edited or
//! deleted: a refund or a correction is a new transfer, and the journal of commands
//! (accepted or rejected) replays to the same state.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;

use chrono::{NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};

use crate::command::{AccountKind, Action, Command, Period, Policy, Unit, first_difference};
use crate::receipt::{CapPeriod, Note, Phase, Receipt, Transfer, TransferKind};
use crate::{Amount, EarningRules, Error, Per, Result};

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

/// Command ids seen, by a keyed 64-bit hash of the id: one hash per command and
/// no copy of the id (the journal holds it); colliding ids are told apart there.
#[derive(Debug, Clone, Default)]
struct Ids {
    keys: RandomState,
    first: HashMap<u64, u64, Prehashed>,
    more: HashMap<u64, Vec<u64>, Prehashed>,
}

impl Ids {
    fn key(&self, id: &str) -> u64 {
        self.keys.hash_one(id)
    }

    fn find(&self, key: u64, id: &str, events: &[Event], base: u64) -> Option<u64> {
        let is = |seq: &u64| {
            seq.checked_sub(base)
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| events.get(i))
                .is_some_and(|e| e.command.id == id)
        };
        let first = self.first.get(&key).copied().filter(is);
        first.or_else(|| self.more.get(&key)?.iter().copied().find(is))
    }

    fn insert(&mut self, key: u64, seq: u64) {
        match self.first.entry(key) {
            std::collections::hash_map::Entry::Occupied(_) => {
                self.more.entry(key).or_default().push(seq);
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(seq);
            }
        }
    }
}

/// A hasher for keys that are already hashes.
type Prehashed = core::hash::BuildHasherDefault<Identity>;

#[derive(Debug, Default)]
struct Identity(u64);

impl core::hash::Hasher for Identity {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The bank's state: a fold over its journal.
///
/// ```
/// use chrono::NaiveDateTime;
/// use points_bank::{AccountKind, Action, Amount, Command, EarningRules, Ledger, Policy, Unit};
///
/// let now: NaiveDateTime = "2025-09-12T19:00:00".parse()?;
/// let mut bank = Ledger::new();
/// let open = |id: &str, account: &str, kind| Command::new(id, Action::OpenAccount {
///     account: account.into(), kind, unit: Unit::Points,
///     credit_limit: Amount::ZERO, cap: None,
/// });
/// bank.execute(open("c1", "issuer", AccountKind::Issuer), now)?;
/// bank.execute(open("c2", "wang", AccountKind::Resident), now)?;
/// let rules = EarningRules::article_default();
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
    rules: EarningRules,
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
        if let Some(seq) = self
            .ids
            .find(key, &command.id, &self.events, self.events_base)
        {
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
        &self.rules
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
        }
    }

    fn open_account(
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

    fn configure(&mut self, rules: &EarningRules, policy: Policy) -> Result<Vec<Note>> {
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
        self.rules = rules.clone();
        self.policy = policy;
        Ok(Vec::new())
    }

    /// Checks that `from` can be debited and `to` credited by `amount`, posted or
    /// held: pending debits count against the lower limit, pending credits against
    /// the cap.
    fn check_move(&self, from: u32, to: u32, amount: Amount) -> Result<()> {
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
        if f.kind != AccountKind::Issuer {
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
    fn book(
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
    fn post(
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
    fn add_lots(&mut self, account: u32, pieces: &[Lot], front: bool) {
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

    /// The points an earning is worth after the resident's caps, with a note if cut.
    fn capped(
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

    fn add_earned(&mut self, keys: &[EarnKey; 2], amount: Amount, sign: i64) {
        for key in keys {
            let entry = self.earned.entry(*key).or_insert(Amount::ZERO);
            *entry = Amount::from_hundredths(
                entry
                    .hundredths()
                    .saturating_add(sign.saturating_mul(amount.hundredths())),
            );
        }
    }

    fn rule_index(&self, activity: &str) -> Result<usize> {
        self.rules
            .rules()
            .iter()
            .position(|r| r.activity == activity)
            .ok_or_else(|| Error::UnknownActivity {
                activity: activity.to_owned(),
            })
    }

    fn lot_expiry(days: Option<u32>, from: NaiveDateTime) -> Option<NaiveDateTime> {
        days.and_then(|d| from.checked_add_signed(TimeDelta::days(i64::from(d))))
    }

    fn earn(
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

    /// Hours between `start` and `end`, in hundredths rounded down (36 s).
    fn hours(start: NaiveDateTime, end: NaiveDateTime) -> Result<Amount> {
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

    fn check_free(&self, account: u32, start: NaiveDateTime, end: NaiveDateTime) -> Result<()> {
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

    fn set_busy(&mut self, account: u32, start: NaiveDateTime, end: Option<NaiveDateTime>) {
        if let Some(a) = self.accounts.get_mut(account as usize) {
            match end {
                Some(end) => a.busy.insert(start, end),
                None => a.busy.remove(&start),
            };
        }
    }

    #[allow(clippy::too_many_arguments, reason = "the fields of one claim")]
    fn claim(
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

    fn pending_claim(&self, claim: &str, now: Option<NaiveDateTime>) -> Result<Claim> {
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

    fn verify(&mut self, claim: &str, approve: bool, now: NaiveDateTime) -> Result<Vec<Note>> {
        let c = self.pending_claim(claim, Some(now))?;
        self.settle_claim(claim, &c, approve, now);
        Ok(Vec::new())
    }

    fn settle_claim(&mut self, id: &str, c: &Claim, approve: bool, now: NaiveDateTime) {
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

    fn direct_transfer(
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

    fn serve(
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

    fn add_item(
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

    fn reserve(
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

    fn reservation(&self, id: &str, wanted: Status) -> Result<Reservation> {
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

    fn set_status(&mut self, id: &str, status: Status) {
        if let Some(r) = self.reservations.get_mut(id) {
            r.status = status;
        }
    }

    fn fulfil(&mut self, id: &str, now: NaiveDateTime) -> Result<Vec<Note>> {
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

    fn void_reservation(&mut self, id: &str, now: NaiveDateTime) -> Result<Vec<Note>> {
        let r = self.reservation(id, Status::Pending)?;
        self.release(id, &r, now);
        Ok(Vec::new())
    }

    /// Voids a pending reservation: points back to their lots, stock back.
    fn release(&mut self, id: &str, r: &Reservation, now: NaiveDateTime) {
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

    fn return_stock(&mut self, r: &Reservation) {
        if let Some(used) = r.stock_key.and_then(|key| self.stock_used.get_mut(&key)) {
            *used = used.saturating_sub(r.quantity);
        }
    }

    fn refund(&mut self, id: &str, now: NaiveDateTime) -> Result<Vec<Note>> {
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

    fn sweep(&mut self, now: NaiveDateTime) -> Result<Vec<Note>> {
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
