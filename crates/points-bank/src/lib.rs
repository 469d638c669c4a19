//! The community contribution-points bank (社区贡献积分银行) and time bank (时间银行)
//! as an exact ledger.
//!
//! ```
//! use points_bank::{Amount, EarningRules};
//!
//! let rules = EarningRules::article_default();
//! // Volunteering earns 5 points an hour: 2.5 hours earn 12.5 points.
//! let earned = rules.points_for("volunteering", "2.5".parse()?)?;
//! assert_eq!(earned, "12.5".parse::<Amount>()?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Rules this crate encodes
//!
//! - Points and hours are exact: an [`Amount`] is a whole number of hundredths,
//!   never a float, so `12.5` and `12.50` are the same amount.
//! - Earning rules are data, not code. The article's defaults: taking part in a
//!   deliberation earns 10 points a time, volunteering 5 points an hour, sharing a
//!   skill 15 points a time ([`EarningRules::article_default`]).

mod amount;
mod earning;
mod error;

pub use amount::Amount;
pub use earning::{EarningRule, EarningRules, Per};
pub use error::{Error, Result};
