//! The error type of the points bank.

use chrono::NaiveDateTime;

use crate::Amount;

/// Everything that can go wrong in the points bank.
///
/// Variants carry the offending values so that a service can map them to a response
/// without parsing the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An amount is not a decimal number.
    #[error("invalid amount `{input}`, expected a decimal such as `12.5`")]
    InvalidAmount {
        /// The text that was given.
        input: String,
    },
    /// An amount is finer than one hundredth.
    #[error("amount `{input}` has more than two decimals, expected hundredths at most")]
    TooPrecise {
        /// The text that was given.
        input: String,
    },
    /// No earning rule exists for an activity.
    #[error("no earning rule for activity `{activity}`")]
    UnknownActivity {
        /// The activity that was named.
        activity: String,
    },
    /// A quantity of activity is zero or negative.
    #[error("quantity {quantity} of `{activity}` is not positive")]
    NonPositiveQuantity {
        /// The activity that was named.
        activity: String,
        /// The offending quantity.
        quantity: Amount,
    },
    /// An activity earned per occasion was claimed for a fraction of an occasion.
    #[error("`{activity}` is earned per occasion, got {quantity} occasions")]
    FractionalOccasions {
        /// The activity that was named.
        activity: String,
        /// The offending quantity.
        quantity: Amount,
    },
    /// An intermediate result does not fit the exact number type.
    #[error("arithmetic overflow while {context}")]
    Overflow {
        /// What was being computed.
        context: &'static str,
    },
    /// A command without an id.
    #[error("a command needs an id")]
    EmptyId,
    /// The same id with a different command.
    #[error("command id `{id}` was already used for a different command (`{field}` differs)")]
    IdReused {
        /// The id.
        id: String,
        /// The first field that differs, as named in JSON.
        field: String,
    },
    /// A command timed before the last one applied.
    #[error("{at} is before the last command, at {last}")]
    TimeBeforeLast {
        /// The command's time.
        at: NaiveDateTime,
        /// The last command's time.
        last: NaiveDateTime,
    },
    /// A journal position with no command.
    #[error("no command at position {seq}")]
    UnknownSequence {
        /// The position.
        seq: u64,
    },
    /// A journal that does not replay.
    #[error("the journal does not replay at position {seq}: {reason}")]
    ReplayDiverged {
        /// The position.
        seq: u64,
        /// Why.
        reason: String,
    },
    /// A name that is empty.
    #[error("the {what} needs a name")]
    EmptyName {
        /// What is unnamed.
        what: &'static str,
    },
    /// An account id in use.
    #[error("account `{account}` already exists")]
    DuplicateAccount {
        /// The account.
        account: String,
    },
    /// An account id not in use.
    #[error("no account `{account}`")]
    UnknownAccount {
        /// The account.
        account: String,
    },
    /// A negative credit limit or cap.
    #[error("the {what} of `{account}` cannot be negative, got {value}")]
    InvalidLimit {
        /// The account.
        account: String,
        /// `credit limit` or `cap`.
        what: &'static str,
        /// The value given.
        value: Amount,
    },
    /// A credit line on a resident's points account: points are earned, never owed.
    #[error("`{account}` holds points, which are earned and never owed: no credit line")]
    CreditLineNotAllowed {
        /// The account.
        account: String,
    },
    /// An account of the wrong kind for the action.
    #[error("`{account}` is not {expected}")]
    WrongAccount {
        /// The account.
        account: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A system account the action needs and the ledger lacks.
    #[error("the ledger has no {kind} account for {unit}")]
    NoAccountOfKind {
        /// The kind.
        kind: &'static str,
        /// The unit.
        unit: &'static str,
    },
    /// A transfer between accounts of different units.
    #[error("`{from}` and `{to}` count different units")]
    UnitMismatch {
        /// The debited account.
        from: String,
        /// The credited account.
        to: String,
    },
    /// A transfer from an account to itself.
    #[error("`{account}` cannot pay itself")]
    SameAccount {
        /// The account.
        account: String,
    },
    /// An amount that is zero or negative.
    #[error("the amount must be positive, got {amount}")]
    NonPositiveAmount {
        /// The amount.
        amount: Amount,
    },
    /// A debit that would take an account below its limit.
    #[error(
        "`{account}` has {available} available and a credit limit of {limit}: cannot pay {amount}"
    )]
    InsufficientFunds {
        /// The account.
        account: String,
        /// Its available balance.
        available: Amount,
        /// The amount asked for.
        amount: Amount,
        /// Its credit limit.
        limit: Amount,
    },
    /// A credit that would take an account above its cap.
    #[error(
        "`{account}` holds {balance} (with pending credits) and is capped at {cap}: cannot receive {amount}"
    )]
    AboveCap {
        /// The account.
        account: String,
        /// Its balance with pending credits.
        balance: Amount,
        /// The amount.
        amount: Amount,
        /// Its cap.
        cap: Amount,
    },
    /// An earning cap already reached.
    #[error("`{account}` has reached the {period} cap of {cap} points for `{activity}`")]
    CapReached {
        /// The account.
        account: String,
        /// The activity.
        activity: String,
        /// The period.
        period: crate::CapPeriod,
        /// The cap.
        cap: Amount,
    },
    /// An earning rule or policy that cannot be used.
    #[error("invalid rule `{activity}`: {reason}")]
    InvalidRule {
        /// The activity (empty for the policy).
        activity: String,
        /// Why.
        reason: &'static str,
    },
    /// Hours claimed for an activity earned per occasion.
    #[error("`{activity}` is earned per occasion: record it with `earn`, not as a claim of hours")]
    NotHourly {
        /// The activity.
        activity: String,
    },
    /// An interval that ends before it starts (or lasts under 36 seconds).
    #[error("the interval {start} – {end} is empty")]
    InvalidInterval {
        /// Its start.
        start: NaiveDateTime,
        /// Its end.
        end: NaiveDateTime,
    },
    /// Time already claimed or served by the same person.
    #[error("`{account}` already has {start} – {end} claimed")]
    Overlap {
        /// The account.
        account: String,
        /// The existing interval's start.
        start: NaiveDateTime,
        /// Its end.
        end: NaiveDateTime,
    },
    /// A claim id no claim has.
    #[error("no claim `{claim}`")]
    UnknownClaim {
        /// The id.
        claim: String,
    },
    /// A reservation id no reservation has.
    #[error("no reservation `{reservation}`")]
    UnknownReservation {
        /// The id.
        reservation: String,
    },
    /// Settling something already settled.
    #[error("`{command}` is already {status}")]
    NotPending {
        /// The claim or reservation.
        command: String,
        /// Its status.
        status: &'static str,
    },
    /// Settling something that lapsed.
    #[error("`{command}` lapsed at {at}")]
    Lapsed {
        /// The claim or reservation.
        command: String,
        /// When it lapsed.
        at: NaiveDateTime,
    },
    /// Refunding a reservation that was not fulfilled.
    #[error("`{reservation}` is {status}: only a fulfilled reservation can be refunded")]
    NotRefundable {
        /// The reservation.
        reservation: String,
        /// Its status.
        status: &'static str,
    },
    /// An item id in use.
    #[error("item `{item}` already exists")]
    DuplicateItem {
        /// The item.
        item: String,
    },
    /// An item id not in the catalog.
    #[error("no item `{item}` in the catalog")]
    UnknownItem {
        /// The item.
        item: String,
    },
    /// Not enough of an item left this period.
    #[error("`{item}` has {available} left this period, {requested} asked for")]
    OutOfStock {
        /// The item.
        item: String,
        /// Units asked for.
        requested: u32,
        /// Units left.
        available: u32,
    },
    /// An expense without its approving decision, where the policy asks for one.
    #[error("the expense needs the decision that approved it: the fund's policy requires one")]
    DecisionRequired,
    /// A refund beyond what the expense has left.
    #[error("`{expense}` has {left} left to refund, {amount} asked for")]
    RefundTooLarge {
        /// The `spend` command.
        expense: String,
        /// Not yet refunded.
        left: Amount,
        /// Asked for.
        amount: Amount,
    },
    /// No such expense.
    #[error("no expense `{expense}`")]
    UnknownExpense {
        /// The id given.
        expense: String,
    },
    /// A distribution whose parts do not add up.
    #[error("the parts add up to {parts}, not the {amount} distributed")]
    PartsDoNotAddUp {
        /// Their sum.
        parts: Amount,
        /// The amount.
        amount: Amount,
    },
    /// A field that must say something.
    #[error("the {what} must not be empty")]
    EmptyField {
        /// Which.
        what: &'static str,
    },
    /// A hash that is not 64 lowercase hex digits.
    #[error("`{text}` is not a SHA-256 hash in lowercase hex")]
    InvalidHash {
        /// The text.
        text: String,
    },
    /// A log line that fails verification.
    #[error("line {line}: {reason}")]
    BadEntry {
        /// The line, from 1.
        line: usize,
        /// Why.
        reason: String,
    },
    /// The log's last line has no newline: the write of that entry was cut
    /// (a crash mid-write), so it was never acknowledged. The entries before it
    /// are whole; [`log::complete`](crate::log::complete) gives them.
    #[error(
        "incomplete last entry at line {line}: the log was cut while it was written; the {line_minus_one} entries before it are complete (`ledger repair` keeps them)",
        line_minus_one = line.saturating_sub(1)
    )]
    TornTail {
        /// The incomplete line, from 1.
        line: usize,
    },
    /// The log does not reach or does not match a published anchor (the size
    /// and head hash printed in a 公示 report).
    #[error("{reason}")]
    AnchorMismatch {
        /// The anchor's size: entries when it was published.
        size: u64,
        /// What differs.
        reason: String,
    },
}

/// The result type of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
