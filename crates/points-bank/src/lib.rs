//! The community contribution-points bank (社区贡献积分银行) and time bank (时间银行)
//! as an exact, tamper-evident double-entry ledger, on TigerBeetle's rules.
//!
//! ```
//! use chrono::NaiveDateTime;
//! use points_bank::{AccountKind, Action, Amount, Command, EarningRules, Ledger, Policy, Unit};
//!
//! let now: NaiveDateTime = "2025-09-12T19:00:00".parse()?;
//! let mut bank = Ledger::new();
//! for (id, account, kind) in [("c1", "issuer", AccountKind::Issuer), ("c2", "wang", AccountKind::Resident)] {
//!     let open = Action::OpenAccount {
//!         account: account.into(), kind, unit: Unit::Points,
//!         credit_limit: Amount::ZERO, cap: None,
//!     };
//!     bank.execute(Command::new(id, open), now)?;
//! }
//! let configure = Action::Configure { rules: EarningRules::default(), policy: Policy::default() };
//! bank.execute(Command::new("c3", configure), now)?;
//! // Volunteering earns 5 points an hour: 2.5 hours earn 12.5 points.
//! let earn = Action::Earn { account: "wang".into(), activity: "volunteering".into(), quantity: "2.5".parse()? };
//! let receipt = bank.execute(Command::new("c4", earn), now)?;
//! assert_eq!(receipt.transfers[0].amount.to_string(), "12.5");
//! // Every transfer debits one account and credits another: the balances sum to zero.
//! assert_eq!(bank.balance("issuer").map(|b| b.balance.to_string()), Some("-12.5".into()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! - [`Ledger::execute`] applies a [`Command`] at a time given by the caller and
//!   returns a [`Receipt`] with its [`Transfer`]s; [`apply`] is the pure form. The
//!   state is a fold over its journal ([`Ledger::events`], [`Ledger::replay`]).
//! - Accounts ([`AccountKind`]): residents, the community issuer, the redemption
//!   sink, breakage, community funds; in points or hours ([`Unit`]).
//! - Earning rules as data ([`EarningRules`]) with caps per day and month and
//!   optional expiry; hours are claimed and verified (pending → posted or voided).
//! - A redemption catalog with stock per period and two-phase reservations.
//! - The time bank: service credits the server, paid by the recipient or a fund.
//! - [`statement`]s per account and period, [`totals`] issued / redeemed / expired /
//!   outstanding.
//! - [`log`]: the hash-chained JSON-lines log and [`log::verify`]; [`merkle`]: an
//!   RFC 6962 tree with inclusion proofs; [`sample`]: a realistic sample ledger.
//!
//! # Rules this crate encodes
//!
//! - Points and hours are exact: an [`Amount`] is a whole number of hundredths,
//!   never a float, so `12.5` and `12.50` are the same amount — and the same bytes
//!   in the log.
//! - Double entry: each unit's balances sum to zero, always. Nothing is edited or
//!   deleted: refunds and corrections are new transfers.
//! - No balance below zero unless the account has a credit line (time-bank members
//!   may owe hours; points are never owed); no balance above an account's cap
//!   (a time account may be capped at 750 hours). Pending holds count against both.
//! - Idempotency: the same command id with the same action returns the original
//!   receipt and changes nothing; with a different action it is an error naming
//!   the field; a rejected command keeps its id, so a retry needs a new one.
//! - Earning rules are data, not code. The article's defaults: taking part in a
//!   deliberation earns 10 points a time, volunteering 5 points an hour, sharing a
//!   skill 15 points a time ([`EarningRules::default`]). Caps cut an
//!   earning to what is left (with a [`Note::Capped`]); the same person's claimed
//!   or served time may not overlap.
//! - Points expire first in, first out ([`Lot`]s) into the breakage account, by
//!   [`Action::Sweep`], which also voids claims and reservations that lapsed.
//! - Time is an argument and may not go backwards; no clock, no randomness.

mod amount;
mod command;
mod earning;
mod error;
mod ledger;
pub mod log;
pub mod merkle;
mod receipt;
pub mod sample;
mod statement;
mod time;

pub use amount::Amount;
pub use command::{AccountKind, Action, Command, Period, Policy, Unit};
pub use earning::{EarningRule, EarningRules, Per};
pub use error::{Error, Result};
pub use ledger::{Balance, Event, Ledger, Lot, apply};
pub use receipt::{CapPeriod, Note, Phase, Receipt, Transfer, TransferKind};
pub use statement::{Line, Statement, Totals, statement, totals};
