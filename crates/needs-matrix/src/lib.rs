#![doc = include_str!("../README.md")]

mod detmath;
mod error;
mod group;
mod lenient;
mod matrix;
mod mpi;
mod par;
mod score;
mod sensitivity;
#[cfg(any(test, feature = "proptest"))]
pub mod strategy;
mod unit;
mod weights;

pub use error::{Error, Result};
pub use group::{GroupNeed, GroupNeeds, group_needs};
pub use matrix::{
    Band, Dimension, Direction, Indicator, Matrix, MatrixSpec, MissingPolicy, Normalization, Rubric,
};
pub use mpi::{Cutoff, Mpi, MpiOptions, MpiUnit, multidimensional_index};
pub use score::{
    Aggregation, Diagnostic, Flags, QuantileBand, ScoreOptions, Scores, SilentNeed, ThresholdBand,
    Tiers, UnitScore, score,
};
pub use sensitivity::{Sensitivity, UnitShift, WeightShift, sensitivity};
pub use unit::{Unit, UnitId, split_duplicates};
pub use weights::Weights;
