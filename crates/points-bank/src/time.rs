//! Writing times fast: the log writes one or more per entry.

use chrono::{Datelike, NaiveDateTime, Timelike};
use serde::Serializer;

/// Serializes `at` exactly as chrono does (`2025-09-12T19:00:00`, fractional
/// seconds only when present), without going through `fmt` for the common case.
#[allow(clippy::trivially_copy_pass_by_ref, reason = "serde's signature")]
pub(crate) fn serialize<S: Serializer>(
    at: &NaiveDateTime,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let year = at.year();
    if !(0..=9999).contains(&year) || at.nanosecond() != 0 {
        // chrono's own serialization: its `Debug` form.
        return serializer.collect_str(&format_args!("{at:?}"));
    }
    let mut text = *b"0000-00-00T00:00:00";
    let mut put = |at: usize, width: usize, mut value: u32| {
        for i in (at..at + width).rev() {
            if let Some(slot) = text.get_mut(i) {
                // `value % 10` is a single digit.
                *slot = b'0' + u8::try_from(value % 10).unwrap_or(0);
            }
            value /= 10;
        }
    };
    put(0, 4, year.unsigned_abs());
    put(5, 2, at.month());
    put(8, 2, at.day());
    put(11, 2, at.hour());
    put(14, 2, at.minute());
    put(17, 2, at.second());
    serializer.serialize_str(core::str::from_utf8(&text).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    /// Wraps a time so that it serializes through [`super::serialize`].
    #[derive(serde::Serialize)]
    struct Fast(#[serde(serialize_with = "super::serialize")] chrono::NaiveDateTime);

    #[test]
    fn writes_what_chrono_writes() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let times = [
            date(2025, 9, 12).and_hms_opt(19, 0, 0).unwrap(),
            date(1, 1, 1).and_hms_opt(0, 0, 0).unwrap(),
            date(9999, 12, 31).and_hms_opt(23, 59, 59).unwrap(),
            date(2025, 9, 12).and_hms_milli_opt(19, 0, 0, 250).unwrap(),
            date(-44, 3, 15).and_hms_opt(12, 0, 0).unwrap(),
            date(12_345, 1, 2).and_hms_opt(3, 4, 5).unwrap(),
        ];
        for at in times {
            assert_eq!(
                serde_json::to_string(&Fast(at)).unwrap(),
                serde_json::to_string(&at).unwrap(),
                "{at}"
            );
        }
    }
}
