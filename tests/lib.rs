//! The facade's integration tests: one binary, one module per concern.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly, like the tests they serve"
)]

mod architecture;
mod boundary;
mod browser;
mod cli;
mod crash;
mod errors;
mod joins;
mod quarter;
mod snapshot;
