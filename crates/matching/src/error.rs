//! The crate's error type.

/// What can go wrong, each naming the offending value and what is accepted.
///
/// A request nobody can serve is not an error: it comes back unmatched with
/// its reason. Errors are for input that cannot be read as an instance at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Two requests, volunteers, buildings or guides share an id.
    #[error("two {what} are called `{id}`: ids must be unique")]
    Duplicate {
        /// `requests`, `volunteers`, `buildings` or `guides`.
        what: &'static str,
        /// The id.
        id: String,
    },
    /// An id that is empty or only spaces.
    #[error("a {what} has an empty id: give every {what} an id, e.g. \"r-1\"")]
    EmptyId {
        /// `request`, `volunteer`, `building` or `guide`.
        what: &'static str,
    },
    /// A volunteer's availability window that ends before it starts.
    #[error(
        "volunteer `{volunteer}` is available from {from} to {to}: a window must end after it starts"
    )]
    InvalidWindow {
        /// The volunteer.
        volunteer: String,
        /// The window's start, as given.
        from: String,
        /// The window's end, as given.
        to: String,
    },
    /// A weekly limit below zero or beyond the hours of a year.
    #[error(
        "volunteer `{volunteer}` may serve {max_hours} hours: a limit is 0 to 8,784 hours, e.g. 4 or 2.5"
    )]
    InvalidLimit {
        /// The volunteer.
        volunteer: String,
        /// The limit as given.
        max_hours: String,
    },
    /// A distance the table does not give, between two places the instance uses.
    #[error(
        "the distance between `{from}` and `{to}` is not given: add it to `distance` (either direction), e.g. {{\"{from}\": {{\"{to}\": 120}}}}"
    )]
    MissingDistance {
        /// One place.
        from: String,
        /// The other.
        to: String,
    },
    /// A distance given twice, differently.
    #[error(
        "the distance from `{from}` to `{to}` is {there} but back is {back}: distances are symmetric"
    )]
    AsymmetricDistance {
        /// One place.
        from: String,
        /// The other.
        to: String,
        /// One way.
        there: u32,
        /// The other way.
        back: u32,
    },
    /// A place at a distance from itself.
    #[error("the distance from `{place}` to itself is {distance}: it must be 0")]
    SelfDistance {
        /// The place.
        place: String,
        /// The distance given.
        distance: u32,
    },
    /// Caseloads without a guide to give them to.
    #[error(
        "there are no guides: give at least one, e.g. {{\"id\": \"guide-1\", \"base\": \"B1\"}}"
    )]
    NoGuides,
    /// An instance beyond the documented size.
    #[error("the instance has {what}; it may have at most {}", grouped(*.max))]
    TooLarge {
        /// What there is too much of.
        what: String,
        /// The limit.
        max: u64,
    },
}

/// The crate's result type.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// `1234567` as `1,234,567`.
pub(crate) fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_send_sync_static() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Error>();
    }

    #[test]
    fn grouped_puts_commas_every_three_digits() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(u64::MAX), "18,446,744,073,709,551,615");
    }
}
