//! Commands: what a caller asks the bank to do.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::{Amount, EarningRules};

/// A command with the caller's idempotency id.
///
/// The same id with the same action returns the original receipt (or error) and
/// changes nothing; the same id with a different action is
/// [`Error::IdReused`](crate::Error::IdReused). A failed command keeps its id: a
/// retry after a failure needs a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Command {
    /// The caller's id, unique per intended effect.
    pub id: String,
    /// What to do.
    pub action: Action,
}

impl Command {
    /// A command with id `id`.
    pub fn new(id: impl Into<String>, action: Action) -> Self {
        Self {
            id: id.into(),
            action,
        }
    }
}

/// What kind of account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AccountKind {
    /// A resident's points account, or a time-bank member's hours account.
    Resident,
    /// The community issuer: debited when points or hours are issued, so its
    /// balance is minus everything in circulation. It has no lower limit.
    Issuer,
    /// The redemption sink: credited when points are spent in the catalog.
    Sink,
    /// Breakage: credited when points expire.
    Breakage,
    /// A community fund that pays for services (time bank), within its credit
    /// line; with money, the community's own money (社区基金, a trust, a pool).
    Fund,
    /// An outside source of money — donors, fee payers, advertisers: debited
    /// when money comes in, so its balance is minus all it gave. It has no
    /// lower limit.
    Donor,
    /// An expense category (maintenance, activities, …): credited by expenses,
    /// debited by their refunds.
    Expense,
}

impl AccountKind {
    /// The kebab-case name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Resident => "resident",
            Self::Issuer => "issuer",
            Self::Sink => "sink",
            Self::Breakage => "breakage",
            Self::Fund => "fund",
            Self::Donor => "donor",
            Self::Expense => "expense",
        }
    }
}

/// What an account counts. Transfers never cross units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    /// Contribution points (积分).
    Points,
    /// Time-bank hours (时间银行).
    Hours,
    /// Money: yuan, exact to the fen (an [`Amount`]'s hundredths are fen).
    Money,
}

impl Unit {
    /// The kebab-case name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Points => "points",
            Self::Hours => "hours",
            Self::Money => "money",
        }
    }
}

/// A calendar period a catalog item's stock renews in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Period {
    /// Each calendar day.
    Day,
    /// Each ISO week.
    Week,
    /// Each calendar month.
    Month,
    /// Each calendar quarter.
    Quarter,
    /// Each calendar year.
    Year,
}

impl Period {
    /// A key identifying the period that contains `date`.
    pub fn key(self, date: NaiveDate) -> u32 {
        let year = u32::try_from(date.year()).unwrap_or(0);
        match self {
            Self::Day => year * 1000 + date.ordinal(),
            Self::Week => {
                let week = date.iso_week();
                u32::try_from(week.year()).unwrap_or(0) * 100 + week.week()
            }
            Self::Month => year * 100 + date.month(),
            Self::Quarter => year * 10 + date.month0() / 3 + 1,
            Self::Year => year,
        }
    }
}

/// Timings the bank enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Policy {
    /// Hours an organiser has to verify a claim before it lapses (default 14 days).
    pub claim_timeout_hours: u32,
    /// Hours a catalog reservation is held before it lapses (default 72).
    pub hold_hours: u32,
    /// Whether every expense must name the decision that approved it (a
    /// council resolution, the trust committee's); off by default.
    #[serde(default)]
    pub expenses_need_decision: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            claim_timeout_hours: 14 * 24,
            hold_hours: 72,
            expenses_need_decision: false,
        }
    }
}

/// Where money came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum IncomeKind {
    /// A donation (捐赠).
    Donation,
    /// A fee: the property fee of a trust (物业费).
    Fee,
    /// Rent of common property: advertising, parking (公共收益).
    Rent,
    /// A charity sale (义卖).
    Sale,
    /// Anything else.
    Other,
}

/// One recipient of a distribution and its part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    /// The fund account credited.
    pub account: String,
    /// Its part.
    pub amount: Amount,
}

/// Everything the bank can be asked to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Action {
    /// Open an account.
    OpenAccount {
        /// Its id.
        account: String,
        /// Its kind.
        kind: AccountKind,
        /// Its unit.
        unit: Unit,
        /// How far below zero it may go (time-bank members; the issuer has no limit).
        #[serde(default, skip_serializing_if = "is_zero")]
        credit_limit: Amount,
        /// The most it may hold (Zeitvorsorge caps a time account at 750 hours).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap: Option<Amount>,
    },
    /// Set the earning rules and the policy.
    Configure {
        /// The earning rules.
        rules: EarningRules,
        /// Timings.
        #[serde(default)]
        policy: Policy,
    },
    /// An organiser records an activity: points are issued at once.
    Earn {
        /// The resident's points account.
        account: String,
        /// The activity, as named by an earning rule.
        activity: String,
        /// Occasions or hours.
        quantity: Amount,
    },
    /// A resident claims hours of an activity; they are pending until verified.
    Claim {
        /// The resident's points account.
        account: String,
        /// The activity (earned per hour).
        activity: String,
        /// When the work started (community local time).
        start: NaiveDateTime,
        /// When it ended.
        end: NaiveDateTime,
    },
    /// An organiser verifies (posts) or rejects (voids) a pending claim.
    Verify {
        /// The id of the `claim` command.
        claim: String,
        /// Post if true, void if false.
        approve: bool,
    },
    /// A transfer between two accounts of the same unit: grants, corrections.
    Transfer {
        /// The account debited.
        from: String,
        /// The account credited.
        to: String,
        /// How much.
        amount: Amount,
        /// Why, for the statement.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        memo: Option<String>,
    },
    /// Time bank: `server` served for the hours between `start` and `end`; their
    /// hours account is credited, `payer` (the recipient's account or a fund) debited.
    Serve {
        /// The hours account credited.
        server: String,
        /// The hours account debited.
        payer: String,
        /// When the service started.
        start: NaiveDateTime,
        /// When it ended.
        end: NaiveDateTime,
    },
    /// Add an item to the redemption catalog.
    AddItem {
        /// Its id.
        item: String,
        /// Points per unit.
        price: Amount,
        /// Units available per period; `None` means unlimited.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stock: Option<u32>,
        /// The period the stock renews in (default: a month).
        #[serde(default = "month", skip_serializing_if = "is_month")]
        period: Period,
    },
    /// Reserve catalog items: the points are held until fulfilled, voided or lapsed.
    Reserve {
        /// The resident's points account.
        account: String,
        /// The item.
        item: String,
        /// Units.
        quantity: u32,
    },
    /// Hand over a reserved item: the held points are spent.
    Fulfil {
        /// The id of the `reserve` command.
        reservation: String,
    },
    /// Cancel a reservation: the held points are released.
    Void {
        /// The id of the `reserve` command.
        reservation: String,
    },
    /// Refund a fulfilled reservation as a new transfer back to the resident.
    Refund {
        /// The id of the `reserve` command.
        reservation: String,
    },
    /// Housekeeping at `now`: void lapsed claims and reservations, expire points.
    Sweep {},
    /// Money comes into a fund from an outside source.
    Receive {
        /// The source (a donor account).
        from: String,
        /// The fund credited.
        fund: String,
        /// How much.
        amount: Amount,
        /// What kind of income.
        income: IncomeKind,
        /// Why, for the statement.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        memo: Option<String>,
    },
    /// A fund pays an expense: the fund is debited and the expense category
    /// credited; every field is published.
    Spend {
        /// The fund debited.
        fund: String,
        /// The expense category credited.
        category: String,
        /// How much.
        amount: Amount,
        /// Who was paid.
        payee: String,
        /// What for.
        purpose: String,
        /// The receipt or invoice number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        receipt: Option<String>,
        /// The decision that approved it (the council resolution or the trust
        /// committee's); required when the policy says so.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        decision: Option<String>,
    },
    /// Money given back on an expense (a refund from the payee, a correction):
    /// a correcting entry, from the category back to the fund; the expense
    /// itself is never edited.
    RefundExpense {
        /// The id of the `spend` command.
        expense: String,
        /// How much, at most what is not yet refunded.
        amount: Amount,
    },
    /// An income shared out by a published rule: the parts, computed from the
    /// rule and the amount by the caller, and the rule's hash, so anyone can
    /// recompute them. The parts must add up to `amount`.
    Distribute {
        /// The fund the income sits in.
        from: String,
        /// The income shared out.
        amount: Amount,
        /// The parts, one per fund credited.
        parts: Vec<Part>,
        /// The SHA-256 of the published rule (lowercase hex).
        rule_hash: String,
        /// The decision that put the rule in force.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        decision: Option<String>,
    },
}

#[allow(clippy::trivially_copy_pass_by_ref, reason = "serde's signature")]
fn is_zero(amount: &Amount) -> bool {
    *amount == Amount::ZERO
}

const fn month() -> Period {
    Period::Month
}

#[allow(clippy::trivially_copy_pass_by_ref, reason = "serde's signature")]
fn is_month(period: &Period) -> bool {
    *period == Period::Month
}

impl Action {
    /// The snake-case name of the action, as in JSON.
    pub const fn name(&self) -> &'static str {
        match self {
            Self::OpenAccount { .. } => "open_account",
            Self::Configure { .. } => "configure",
            Self::Earn { .. } => "earn",
            Self::Claim { .. } => "claim",
            Self::Verify { .. } => "verify",
            Self::Transfer { .. } => "transfer",
            Self::Serve { .. } => "serve",
            Self::AddItem { .. } => "add_item",
            Self::Reserve { .. } => "reserve",
            Self::Fulfil { .. } => "fulfil",
            Self::Void { .. } => "void",
            Self::Refund { .. } => "refund",
            Self::Sweep {} => "sweep",
            Self::Receive { .. } => "receive",
            Self::Spend { .. } => "spend",
            Self::RefundExpense { .. } => "refund_expense",
            Self::Distribute { .. } => "distribute",
        }
    }
}

/// The first field in which two actions differ, as named in JSON (`type` when they
/// are different actions); `None` when they are equal.
pub(crate) fn first_difference(a: &Action, b: &Action) -> Option<String> {
    if a == b {
        return None;
    }
    if a.name() != b.name() {
        return Some("type".to_owned());
    }
    // Rare path (an id reused): compare the JSON objects field by field.
    let (Ok(serde_json::Value::Object(x)), Ok(serde_json::Value::Object(y))) =
        (serde_json::to_value(a), serde_json::to_value(b))
    else {
        return Some("action".to_owned());
    };
    x.keys()
        .chain(y.keys())
        .find(|key| x.get(*key) != y.get(*key))
        .cloned()
        .or_else(|| Some("action".to_owned()))
}
