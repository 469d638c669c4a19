//! The facade's error: any domain crate's error.

/// An error from any of the domain crates.
///
/// Each variant is transparent: its message is the domain error's message, and `?`
/// converts a domain error into it.
///
/// ```
/// use guided_community::{needs, Error};
///
/// fn configure() -> Result<needs::Weights, Error> {
///     Ok(needs::Weights::try_new([25, 20, 20, 15, 25])?)
/// }
/// let err = configure().unwrap_err();
/// assert!(matches!(err, Error::Needs(_)));
/// assert_eq!(err.to_string(), "weights sum to 105%, expected 100%");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// From the needs matrix.
    #[error(transparent)]
    Needs(#[from] needs_matrix::Error),
    /// From the allocation pools.
    #[error(transparent)]
    Pools(#[from] allocation_pools::Error),
    /// From participatory budgeting.
    #[error(transparent)]
    Pb(#[from] participatory_budgeting::Error),
    /// From the points bank.
    #[error(transparent)]
    Points(#[from] points_bank::Error),
    /// From petition triage.
    #[error(transparent)]
    Triage(#[from] petition_triage::Error),
    /// From deliberation.
    #[error(transparent)]
    Deliberation(#[from] deliberation::Error),
    /// From the governance metrics.
    #[error(transparent)]
    Metrics(#[from] governance_metrics::Error),
    /// From the projects (decisions to done).
    #[error(transparent)]
    Projects(#[from] projects::Error),
    /// From matching (volunteers and caseloads).
    #[error(transparent)]
    Matching(#[from] matching::Error),
    /// A quarter that is not `YYYY-Qn` with n in 1–4.
    #[error("`{quarter}` is not a quarter: expected YYYY-Q1 to YYYY-Q4")]
    InvalidQuarter {
        /// The text given.
        quarter: String,
    },
    /// A sample community the generator does not make: households or residents
    /// outside its limits ([`sample::MAX_HOUSEHOLDS`](crate::sample::MAX_HOUSEHOLDS),
    /// [`sample::MAX_RESIDENTS`](crate::sample::MAX_RESIDENTS)), checked before
    /// anything is allocated.
    #[error("a sample community needs {what}, not {given}")]
    SampleOutOfRange {
        /// What is accepted, e.g. `1 to 10000000 households`.
        what: String,
        /// What was asked for.
        given: u64,
    },
    /// A distribution rule with more recipients than [`crate::fund::MAX_RECIPIENTS`].
    #[error("the rule names {count} recipients; a distribution has at most {max}")]
    TooManyRecipients {
        /// Recipients named.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A distribution rule that cannot share anything out.
    #[error("the distribution rule {reason}")]
    InvalidDistribution {
        /// What is wrong, naming the recipient.
        reason: String,
    },
    /// Two households with the same id.
    #[error("household `{id}` appears twice: ids must be unique")]
    DuplicateHousehold {
        /// The id.
        id: String,
    },
}

/// The result type of the facade.
pub type Result<T, E = Error> = core::result::Result<T, E>;
