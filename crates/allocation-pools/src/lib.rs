//! Exact weighted allocation of money and whole resources: the elastic allocation
//! pools (资源弹性调配池) of a community budget.
//!
//! ```
//! use allocation_pools::Fen;
//!
//! // Money is parsed from yuan strings and kept in fen (0.01 yuan), exactly.
//! let budget: Fen = "125000.5".parse()?;
//! assert_eq!(budget.get(), 12_500_050);
//! assert_eq!(budget.to_string(), "125000.50");
//!
//! // A third decimal is an error, never a silent rounding.
//! assert!("0.125".parse::<Fen>().is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Rules this crate encodes
//!
//! - Money is decimal yuan, allocated in whole fen. Every allocation sums to its pool
//!   to the fen; anything that could not be placed is reported, never dropped.

mod error;
mod money;

pub use error::{Error, Result};
pub use money::Fen;
