//! Exact weighted allocation of money and whole resources: the elastic allocation
//! pools (资源弹性调配池) of a community budget.
//!
//! ```
//! use allocation_pools::{allocate, Demand, Fen, ApportionMethod};
//!
//! // Money is parsed from yuan strings and kept in fen (0.01 yuan), exactly.
//! let budget: Fen = "1000.00".parse()?;
//!
//! // Divide it among three service lines by weight; the seniors' line asked for
//! // only ¥200. Parts sum to the budget to the fen.
//! let lines = [Demand::new(5).with_cap(20_000), Demand::new(3), Demand::new(2)];
//! let plan = allocate(budget.get(), &lines, ApportionMethod::Hamilton)?;
//! assert_eq!(plan.parts, [20_000, 48_000, 32_000]);
//! assert_eq!(plan.parts.iter().sum::<u64>(), budget.get());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Rules this crate encodes
//!
//! - Money is decimal yuan, allocated in whole fen ([`Fen`]). Every allocation sums
//!   to its total to the fen; anything that could not be placed is reported as
//!   [`Allocation::unallocated`], never dropped.
//! - The weighted core ([`apportion`], [`allocate`]) divides an integer total in
//!   proportion to weights, with optional floors and caps, by one of five methods
//!   ([`ApportionMethod`]), in exact integer arithmetic: no floats decide anything. Ties go
//!   to the demand that comes first in the input.
//! - Every part carries its [`Reason`]: proportional, a remainder unit, floored,
//!   capped, or weight zero.
//! - A quarterly budget splits into three pools ([`PoolPolicy`]) whose shares sum to
//!   exactly 100%. The article's "70% base + 30% dynamic + 5% reserve" is 105%; the
//!   settled preset takes the 5% reserve off the top and splits the rest 70:30
//!   (66.5% / 28.5% / 5%). The base pool follows fixed rules ([`allocate_base`]),
//!   the dynamic pool urgency-weighted demand ([`allocate_dynamic`]), and the
//!   emergency reserve is drawn with a record and closed by an explicit rule
//!   ([`Reserve`]).
//! - Service-line shares follow demand each quarter, damped and with minimum
//!   shares ([`rebalance`]).
//! - Co-funding (多方协同) splits a project's cost by its need class
//!   ([`CoFundingRules`]: basic livelihood, government 70%; improvement,
//!   government : market : residents = 3 : 3 : 4; special needs,
//!   government : foundation = 8 : 2), and a property-fee trust (信托制物业) moves the
//!   fee by a quality score within ±10% ([`adjust_fee`]).
//!
//! # Why is the reserve taken off the top?
//!
//! Because the article's three numbers cannot all hold: 70 + 30 + 5 = 105. Taking
//! the reserve first keeps the article's 70:30 balance between the fixed and the
//! dynamic pool and its 5% reserve, and makes the shares sum to exactly 100%: a
//! policy that does not is an error naming the sum, never silently rescaled.

mod apportion;
mod cofunding;
mod divisor;
mod error;
mod largest_remainder;
mod money;
mod pools;
mod problem;
mod rebalance;
mod reserve;
mod waterfill;
mod wide;

#[cfg(any(test, feature = "proptest"))]
pub mod strategy;

pub use apportion::{Allocation, Demand, allocate, apportion, integer_weights};
pub use cofunding::{
    CoFundingRules, Contribution, FeeDecision, FeePolicy, NeedClass, Payment, adjust_fee,
};
pub use error::{Error, Result};
pub use money::Fen;
pub use pools::{
    BaseRule, LineAllocation, Pool, PoolAllocation, PoolPolicy, PoolShares, PoolSplit, ServiceLine,
    UrgentDemand, allocate_base, allocate_dynamic,
};
pub use problem::{ApportionMethod, Reason};
pub use rebalance::{LineDemand, Movement, RebalancePolicy, Rebalanced, rebalance};
pub use reserve::{Draw, QuarterClose, QuarterEnd, Reserve};
