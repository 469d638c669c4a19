#![doc = include_str!("../README.md")]

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
#[cfg(any(test, feature = "proptest"))]
pub mod strategy;
mod time;

pub use amount::Amount;
pub use command::{AccountKind, Action, Command, IncomeKind, Part, Period, Policy, Unit};
pub use earning::{EarningRule, EarningRules, Per};
pub use error::{Error, Result};
pub use ledger::{Balance, Event, Ledger, Lot, apply};
pub use receipt::{CapPeriod, Note, Phase, Receipt, Transfer, TransferKind};
pub use statement::{Line, Statement, Totals, statement, totals};
