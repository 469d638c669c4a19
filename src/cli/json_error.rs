//! `serde_json`'s errors, retold for a person: the value as they wrote it (read
//! back from their input at the error's line and column), what would be accepted
//! in words rather than Rust type names, and where.

use std::fmt::Write as _;

/// `error` (from parsing `text`) as one line a person can act on.
pub(super) fn humanize(error: &serde_json::Error, text: &str) -> String {
    let full = error.to_string();
    let (line, column) = (error.line(), error.column());
    let suffix = format!(" at line {line} column {column}");
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    let token = number_near(text, line, column);
    // chrono's messages for a date or time that does not parse: name the value.
    let chrono = [
        "input is out of range",
        "input contains invalid characters",
        "premature end of input",
        "trailing input",
        "input is not enough for unique date and time",
    ];
    let mut told = if chrono.contains(&message) {
        match &token {
            Some(value) => {
                format!("`{value}` is not a date this reads ({message}): write dates as 2025-10-01")
            }
            None => format!("a date does not read ({message}): write dates as 2025-10-01"),
        }
    } else if message == "number out of range" {
        match &token {
            Some(number) => format!(
                "`{number}` is out of range: numbers here are at most about 1.8e308 \
                 (and whole numbers at most 18446744073709551615)"
            ),
            None => "a number is out of range".to_owned(),
        }
    } else {
        retell(message, token.as_deref())
    };
    match (line, column) {
        (0, _) => {}
        (line, 0) => {
            let _ = write!(told, " (line {line})");
        }
        (line, column) => {
            let _ = write!(told, " (line {line}, column {column})");
        }
    }
    told
}

/// serde's "invalid type: X, expected Y" in words.
fn retell(message: &str, token: Option<&str>) -> String {
    let mut out = message.to_owned();
    // What was found: the user's own spelling of a number when we can read it.
    for (prefix, close) in [("floating point `", '`'), ("integer `", '`')] {
        if let Some(start) = out.find(prefix) {
            let after = start + prefix.len();
            if let Some(len) = out.get(after..).and_then(|rest| rest.find(close)) {
                let shown = out.get(after..after + len).unwrap_or_default().to_owned();
                let written = token.filter(|t| same_number(t, &shown)).unwrap_or(&shown);
                out.replace_range(start..=after + len, &format!("the number `{written}`"));
            }
        }
    }
    for (from, to) in [
        (
            "EOF while parsing a value",
            "the input is empty or ends too early: expected JSON",
        ),
        (
            "EOF while parsing a list",
            "the input ends inside a list [ … ]",
        ),
        (
            "EOF while parsing an object",
            "the input ends inside an object { … }",
        ),
        (
            "EOF while parsing a string",
            "the input ends inside a text in quotes",
        ),
        (
            "trailing characters",
            "something follows the end of the JSON",
        ),
        ("expected value", "this is not JSON"),
        ("invalid type: ", ""),
        ("invalid value: ", ""),
        ("string \"", "the text \""),
        ("map,", "an object,"),
        ("expected a map", "expected an object { … }"),
        ("expected a sequence", "expected a list [ … ]"),
        ("sequence,", "a list,"),
        (
            "a Decimal type representing a fixed-point number",
            "a decimal number (e.g. 2.5 or \"2.5\")",
        ),
        ("expected f64", "expected a number"),
        ("expected f32", "expected a number"),
        ("expected u128", "expected a whole number of 0 or more"),
        (
            "expected u64",
            "expected a whole number from 0 to 18446744073709551615",
        ),
        (
            "expected u32",
            "expected a whole number from 0 to 4294967295",
        ),
        ("expected u16", "expected a whole number from 0 to 65535"),
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected usize", "expected a whole number of 0 or more"),
        ("expected i64", "expected a whole number"),
        ("expected i32", "expected a whole number"),
        ("expected a borrowed string", "expected a text in quotes"),
    ] {
        out = out.replace(from, to);
    }
    // `expected struct Unit` / `struct Request with 6 elements`: an object.
    if let Some(at) = out.find("expected struct ") {
        out.replace_range(at.., "expected an object {…}");
    }
    if let Some(at) = out.find("expected tuple struct ") {
        out.replace_range(at.., "expected a value of another kind");
    }
    if let Some(at) = out.find("expected enum ") {
        out.replace_range(at.., "expected one of the names this accepts");
    }
    out = out.replace("invalid length ", "a list of length ");
    out
}

/// Whether `written` (from the input) and `shown` (serde's rendering) are the
/// same number.
fn same_number(written: &str, shown: &str) -> bool {
    match (written.parse::<f64>(), shown.parse::<f64>()) {
        (Ok(a), Ok(b)) => a.to_bits() == b.to_bits() || (a.is_infinite() && b.is_infinite()),
        _ => false,
    }
}

/// The number token at or just before `line`:`column` (1-based) of `text`, as
/// written.
fn number_near(text: &str, line: usize, column: usize) -> Option<String> {
    let row = text.lines().nth(line.checked_sub(1)?)?;
    let bytes = row.as_bytes();
    let is_number =
        |b: u8| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E' | b':' | b'T');
    // serde_json's column is just past (or at the end of) the value.
    let mut end = column.min(bytes.len());
    while end > 0 && !bytes.get(end - 1).is_some_and(|&b| is_number(b)) {
        end -= 1;
        if column.saturating_sub(end) > 2 {
            return None;
        }
    }
    while bytes.get(end).is_some_and(|&b| is_number(b)) {
        end += 1;
    }
    let mut start = end;
    while start > 0 && bytes.get(start - 1).is_some_and(|&b| is_number(b)) {
        start -= 1;
    }
    let token = row.get(start..end)?;
    let looks_numeric = token.bytes().any(|b| b.is_ascii_digit());
    (looks_numeric && token.len() <= 64).then(|| token.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn told<T: serde::de::DeserializeOwned + core::fmt::Debug>(text: &str) -> String {
        humanize(&serde_json::from_str::<T>(text).unwrap_err(), text)
    }

    #[test]
    fn numbers_are_echoed_as_written_and_types_in_words() {
        let cases = [
            (told::<Vec<f64>>("[1, 1e400]"), "`1e400` is out of range"),
            (
                told::<Vec<f64>>(r#"[1, "x"]"#),
                "the text \"x\", expected a number (line 1",
            ),
            (
                told::<Vec<u64>>("[2.50]"),
                "the number `2.50`, expected a whole number from 0 to 18446744073709551615",
            ),
            (
                told::<Vec<u32>>("[-3]"),
                "the number `-3`, expected a whole number from 0 to 4294967295",
            ),
        ];
        let date =
            told::<std::collections::BTreeMap<chrono::NaiveDate, String>>(r#"{"2025-02-30": "x"}"#);
        assert!(
            date.starts_with("`2025-02-30` is not a date this reads"),
            "{date}"
        );
        for (message, expected) in cases {
            assert!(message.contains(expected), "{message}");
        }
        for message in [
            told::<std::collections::BTreeMap<String, u8>>("[]"),
            told::<Vec<i64>>("[1e308]"),
            told::<Vec<u64>>("[1e308]"),
        ] {
            for rust in ["u8", "i64", "u64", "f64", "struct", "sequence", "map"] {
                assert!(!message.contains(rust), "{message}");
            }
            assert!(message.len() < 200, "{message}");
        }
    }
}
