//! The panel-selection tools' two CSV files (the format of Flanigan et al.'s
//! sortition tools): `categories.csv` — one row per feature value with its
//! quota (`category,name,min,max`) — and `respondents.csv` — one row per
//! volunteer, an id column and one column per category.
//!
//! ```
//! use guided_community_deliberation::sortition_csv;
//!
//! let categories = "category,name,min,max\nage,young,1,2\nage,senior,1,2\n";
//! let respondents = "id,age\nv1,young\nv2,senior\nv3,young\n";
//! let (volunteers, rules) = sortition_csv::read(categories, respondents)?;
//! assert_eq!(volunteers.len(), 3);
//! let selection = guided_community_deliberation::select(&volunteers, 2, &rules, 7)?;
//! assert_eq!(selection.council.len(), 2);
//! # Ok::<(), guided_community_deliberation::Error>(())
//! ```

use std::collections::BTreeMap;

use crate::council::{Category, CouncilRules, Volunteer};
use crate::{Error, Result};

fn bad(file: &'static str, line: usize, reason: impl Into<String>) -> Error {
    Error::SortitionCsv {
        file,
        line,
        reason: reason.into(),
    }
}

/// Splits CSV text into rows of fields: commas, double quotes (with `""`
/// inside), CRLF or LF; a byte-order mark is skipped. Returns each row with
/// its line number.
fn rows(text: &str, file: &'static str) -> Result<Vec<(usize, Vec<String>)>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut field = String::new();
    let mut row: Vec<String> = Vec::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => row.push(core::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(core::mem::take(&mut field));
                if row.iter().any(|f| !f.trim().is_empty()) {
                    out.push((start, core::mem::take(&mut row)));
                } else {
                    row.clear();
                }
                line += 1;
                start = line;
            }
            ('\n', true) => {
                line += 1;
                field.push('\n');
            }
            (c, _) => field.push(c),
        }
    }
    if quoted {
        return Err(bad(file, start, "a quoted field is not closed"));
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        if row.iter().any(|f| !f.trim().is_empty()) {
            out.push((start, row));
        }
    }
    Ok(out)
}

/// `categories.csv`: the rules, and each category's values.
fn read_categories(categories: &str) -> Result<(CouncilRules, BTreeMap<String, Vec<String>>)> {
    const CATS: &str = "categories.csv";
    let cat_rows = rows(categories, CATS)?;
    let Some((_, header)) = cat_rows.first() else {
        return Err(bad(
            CATS,
            1,
            "empty: expected the header `category,name,min,max`",
        ));
    };
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(c_cat), Some(c_name), Some(c_min), Some(c_max)) = (
        column("category"),
        column("name"),
        column("min"),
        column("max"),
    ) else {
        return Err(bad(
            CATS,
            1,
            "expected columns `category`, `name`, `min` and `max`",
        ));
    };
    let mut rules = CouncilRules::none();
    let mut values: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (line, row) in cat_rows.iter().skip(1) {
        let get = |i: usize| row.get(i).map(|s| s.trim().to_owned());
        let (Some(category), Some(name), Some(min), Some(max)) =
            (get(c_cat), get(c_name), get(c_min), get(c_max))
        else {
            return Err(bad(CATS, *line, "too few fields"));
        };
        let number = |s: &str, what: &str| -> Result<u32> {
            s.parse()
                .map_err(|_| bad(CATS, *line, format!("{what} `{s}` is not a whole number")))
        };
        let (min, max) = (number(&min, "min")?, number(&max, "max")?);
        if min > max {
            return Err(bad(
                CATS,
                *line,
                format!("min {min} is above max {max} for {category}={name}"),
            ));
        }
        rules
            .min
            .insert(Category::new(category.clone(), name.clone()), min);
        rules
            .max
            .insert(Category::new(category.clone(), name.clone()), max);
        values.entry(category).or_default().push(name);
    }
    Ok((rules, values))
}

/// Reads the pair: the volunteers (their attributes are the category
/// columns) and the rules (each category value's `min` and `max`).
///
/// # Errors
///
/// [`Error::SortitionCsv`] naming the file and line: a missing column, a
/// quota that is not a whole number or whose min exceeds its max, a row with
/// too few fields, a repeated id, a volunteer whose value is not among the
/// category's listed values.
pub fn read(categories: &str, respondents: &str) -> Result<(Vec<Volunteer>, CouncilRules)> {
    const RESP: &str = "respondents.csv";
    let (rules, values) = read_categories(categories)?;
    let resp_rows = rows(respondents, RESP)?;
    let Some((_, header)) = resp_rows.first() else {
        return Err(bad(RESP, 1, "empty: expected a header with an `id` column"));
    };
    let id_column = header
        .iter()
        .position(|h| {
            h.trim().eq_ignore_ascii_case("id") || h.trim().eq_ignore_ascii_case("nationbuilder_id")
        })
        .ok_or_else(|| bad(RESP, 1, "no `id` column"))?;
    let mut features: Vec<(usize, String)> = Vec::new();
    for category in values.keys() {
        let i = header
            .iter()
            .position(|h| h.trim() == category)
            .ok_or_else(|| bad(RESP, 1, format!("no column for the category `{category}`")))?;
        features.push((i, category.clone()));
    }
    let mut volunteers = Vec::with_capacity(resp_rows.len().saturating_sub(1));
    let mut seen = std::collections::BTreeSet::new();
    for (line, row) in resp_rows.iter().skip(1) {
        let id = row
            .get(id_column)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| bad(RESP, *line, "no id"))?;
        if !seen.insert(id.clone()) {
            return Err(bad(RESP, *line, format!("id `{id}` is repeated")));
        }
        let mut volunteer = Volunteer::new(id);
        for (i, category) in &features {
            let value = row
                .get(*i)
                .map(|s| s.trim().to_owned())
                .ok_or_else(|| bad(RESP, *line, format!("no value for `{category}`")))?;
            if !values.get(category).is_some_and(|vs| vs.contains(&value)) {
                return Err(bad(
                    RESP,
                    *line,
                    format!("`{value}` is not a value of `{category}` in categories.csv"),
                ));
            }
            volunteer.attributes.insert(category.clone(), value);
        }
        volunteers.push(volunteer);
    }
    Ok((volunteers, rules))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quirks_and_errors() {
        // Quotes, CRLF, a BOM and blank lines are read.
        let categories = "\u{feff}category,name,min,max\r\n\"age\",\"young, under 35\",0,3\r\n\r\nage,senior,0,3\n";
        let respondents = "id,age,other\n1,\"young, under 35\",x\n2,senior,y\n";
        let (v, rules) = read(categories, respondents).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v.len(), 2);
        assert_eq!(rules.min.len(), 2);
        for (cats, resp, expect) in [
            (
                "category,name,min\n",
                "id\n",
                "categories.csv line 1: expected columns",
            ),
            (
                "category,name,min,max\nage,young,3,1\n",
                "id,age\n",
                "line 2: min 3 is above max 1",
            ),
            (
                "category,name,min,max\nage,young,x,1\n",
                "id,age\n",
                "min `x` is not a whole number",
            ),
            (
                "category,name,min,max\nage,young,0,1\n",
                "id,age\n1,old\n",
                "respondents.csv line 2: `old` is not a value of `age`",
            ),
            (
                "category,name,min,max\nage,young,0,1\n",
                "id,age\n1,young\n1,young\n",
                "line 3: id `1` is repeated",
            ),
            (
                "category,name,min,max\nage,young,0,1\n",
                "name,age\n",
                "no `id` column",
            ),
        ] {
            let e = read(cats, resp).unwrap_err().to_string();
            assert!(e.contains(expect), "{e}");
        }
    }
}
