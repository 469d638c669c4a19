//! A whole district or province (issue 24): the guided-community rules as
//! DataFusion functions over Arrow arrays, run in this process or across
//! machines on Ballista, from Parquet to Parquet.
//!
//! One machine holds a megacity with the core crates alone; beyond that the
//! work runs on an existing distributed engine, never a home-made one. A
//! quarter is independent per community, so the community is the unit of
//! distribution (`PARTITION BY community`); the fairness roll-ups are
//! aggregates. Every function is a thin wrapper over the domain crates
//! ([`functions`]); amounts stay exact in Arrow (fen as `UInt64`, decimals as
//! `Decimal128(38, 28)`).

pub mod cluster;
pub mod functions;
pub mod generate;
pub mod run;

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad arguments or input.
    #[error("{0}")]
    Input(String),
    /// A file could not be read or written.
    #[error("cannot use `{0}`: {1}")]
    Io(String, #[source] std::io::Error),
    /// DataFusion refused or failed a query.
    #[error("{0}")]
    DataFusion(#[from] datafusion::error::DataFusionError),
    /// Arrow failed.
    #[error("{0}")]
    Arrow(#[from] datafusion::arrow::error::ArrowError),
    /// Parquet failed.
    #[error("{0}")]
    Parquet(#[from] datafusion::parquet::errors::ParquetError),
    /// Ballista failed.
    #[error("{0}")]
    Ballista(#[from] ballista_core::error::BallistaError),
    /// The sample generator refused.
    #[error("{0}")]
    Sample(#[from] guided_community::Error),
}
