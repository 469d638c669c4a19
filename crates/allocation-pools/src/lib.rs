#![doc = include_str!("../README.md")]

mod apportion;
pub mod axioms;
mod cofunding;
mod divisor;
mod error;
mod largest_remainder;
pub mod measures;
mod money;
mod pools;
mod problem;
mod rebalance;
mod reserve;
mod waterfill;
mod wide;

#[cfg(any(test, feature = "proptest"))]
pub mod strategy;

pub use apportion::{Allocation, Demand, allocate, apportion, exact_decimal, integer_weights};
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
