//! The Pabulib `.pb` format: `META`, `PROJECTS` and `VOTES` sections of
//! `;`-separated rows with CSV quoting (a field with `;`, `"` or a line break is
//! quoted, quotes doubled).
//!
//! Every column is kept as written, known or not, so that writing a parsed file
//! gives the same data back.

use std::collections::HashMap;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::{BudgetElection, Project, VoteType, Voter};
use crate::{Error, Result};

/// How strictly [`parse_with`] reads a file.
///
/// Real Pabulib files have quirks: a ballot naming a project twice (nineteen
/// Warsaw 2022 and 2026 files), a `num_votes` that no longer matches a file cut
/// short, a repeated `voter_id`, two `budget` lines, ballots outside the META
/// `min_length`/`max_length` or `min_sum_points`/`max_sum_points`. By default each
/// is read as sensibly as it can be and reported in [`BudgetElection::notes`]; under
/// [`strict`](Self::strict) each is an error naming its line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseOptions {
    /// Refuse every quirk instead of noting it.
    pub strict: bool,
}

impl ParseOptions {
    /// Lenient: quirks become notes.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same options, strict or not.
    #[must_use]
    pub fn with_strict(self, strict: bool) -> Self {
        Self { strict }
    }
}

/// Parses a Pabulib file, noting its quirks ([`parse_with`] with the default
/// [`ParseOptions`]).
///
/// ```
/// use guided_community_pb::{parse, VoteType};
///
/// let text = "META\nkey;value\nbudget;150\nvote_type;approval\n\
///             PROJECTS\nproject_id;cost;name\np1;100;\"Garden; east side\"\np2;60;Lights\n\
///             VOTES\nvoter_id;vote\n1;p1,p2\n2;p2\n";
/// let election = parse(text)?;
/// assert_eq!(election.budget()?.to_string(), "150");
/// assert_eq!(election.vote_type()?, VoteType::Approval);
/// assert_eq!(election.projects[0].field(&election, "name"), Some("Garden; east side"));
/// assert_eq!(election.voters[0].ballot, [0, 1]);
/// assert!(election.notes.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`parse_with`].
pub fn parse(text: &str) -> Result<BudgetElection> {
    parse_with(text, &ParseOptions::default())
}

/// Parses a Pabulib file.
///
/// ```
/// use guided_community_pb::{parse_with, ParseOptions};
///
/// let text = "META\nkey;value\nbudget;150\nvote_type;approval\nnum_votes;3\n\
///             PROJECTS\nproject_id;cost\np1;100\np2;60\n\
///             VOTES\nvoter_id;vote\n1;p1,p2,p1\n2;p2\n";
/// let election = parse_with(text, &ParseOptions::new())?;
/// assert_eq!(election.voters[0].ballot, [0, 1]); // p1 counted once
/// assert_eq!(election.notes.len(), 2); // the repeat, and 2 votes where META says 3
/// let strict = parse_with(text, &ParseOptions::new().with_strict(true)).unwrap_err();
/// assert_eq!(strict.to_string(), "line 12: expected voter `1` to name each project once, `p1` repeats");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::Syntax`] with the line number, what was expected and what was
/// found: a missing section or column, an unterminated quote, a cost or budget
/// that is not a non-negative decimal, a vote naming an unknown project, points
/// that do not match the vote (or add up past 2¹²⁸); and under
/// [`ParseOptions::strict`] each quirk.
pub fn parse_with(text: &str, options: &ParseOptions) -> Result<BudgetElection> {
    let mut rows = Rows::new(text);
    let mut election = BudgetElection::default();
    let (mut section, mut header_line) = (Section::None, 0);
    let mut header: Vec<String> = Vec::new();
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut columns = Columns::default();
    let mut seen = [false; 3];
    let mut quirks = Quirks::new(options.strict);
    let mut meta_lines: Vec<usize> = Vec::new();
    let mut meta_header = 0;
    // Voter ids seen: none kept while the ids ascend (most files), as then none
    // can repeat; built from the voters so far at the first id out of order.
    let mut voter_ids: Option<HashMap<String, usize>> = None;
    while let Some(row) = rows.next_row()? {
        let (line, fields) = row;
        if let [only] = fields.as_slice()
            && let Some(next) = Section::named(only.trim())
        {
            let slot = next as usize - 1;
            if seen.get(slot).copied().unwrap_or(true) {
                return Err(syntax(line, format!("a second `{}` section", only.trim())));
            }
            if let Some(s) = seen.get_mut(slot) {
                *s = true;
            }
            if next == Section::Meta {
                meta_header = line;
            }
            section = next;
            header.clear();
            header_line = line;
            continue;
        }
        if section == Section::None {
            return Err(syntax(line, "`META` first".to_owned()));
        }
        if header.is_empty() {
            header = fields;
            match section {
                Section::Projects => {
                    columns.project_id = require(&header, "project_id", line)?;
                    columns.cost = require(&header, "cost", line)?;
                    election.project_columns.clone_from(&header);
                }
                Section::Votes => {
                    columns.voter_id = require(&header, "voter_id", line)?;
                    columns.vote = require(&header, "vote", line)?;
                    columns.points = header.iter().position(|h| h == "points");
                    election.vote_columns.clone_from(&header);
                }
                Section::Meta | Section::None => {}
            }
            continue;
        }
        if fields.len() != header.len() && !(section == Section::Meta && fields.len() >= 2) {
            return Err(syntax(
                line,
                format!(
                    "{} fields as in the header, found {}",
                    header.len(),
                    fields.len()
                ),
            ));
        }
        match section {
            Section::Meta => meta_row(fields, line, &mut election, &mut meta_lines, &mut quirks)?,
            Section::Projects => {
                let project = project(fields, &columns, &mut index, line)?;
                election.projects.push(project);
            }
            Section::Votes => {
                let (voter, repeated) = voter(fields, &columns, &index, line)?;
                note_voter(
                    &voter,
                    repeated,
                    &election.voters,
                    &mut voter_ids,
                    &mut quirks,
                )?;
                election.voters.push(voter);
            }
            Section::None => {}
        }
    }
    for (name, done) in ["META", "PROJECTS", "VOTES"].into_iter().zip(seen) {
        if !done {
            return Err(syntax(rows.line, format!("a `{name}` section")));
        }
    }
    if header.is_empty() {
        return Err(syntax(header_line, "a header row".to_owned()));
    }
    check_meta(
        &election,
        &meta_lines,
        meta_header,
        header_line,
        columns.points.is_some(),
        &mut quirks,
    )?;
    election.notes = quirks.notes();
    Ok(election)
}

/// A META `key;value` row (a value with `;` in it is joined back); a key given
/// twice is a quirk.
fn meta_row(
    fields: Vec<String>,
    line: usize,
    election: &mut BudgetElection,
    meta_lines: &mut Vec<usize>,
    quirks: &mut Quirks,
) -> Result<()> {
    let mut fields = fields.into_iter();
    let key = fields.next().unwrap_or_default();
    let value = fields.collect::<Vec<_>>().join(";");
    if let Some(first) = election.meta.iter().position(|(k, _)| *k == key) {
        let first_line = meta_lines.get(first).copied().unwrap_or(0);
        quirks.meta_repeated(line, &key, first_line)?;
    }
    election.meta.push((key, value));
    meta_lines.push(line);
    Ok(())
}

/// A voter's quirks: a project named twice, an id already used.
fn note_voter(
    voter: &Voter,
    repeated: Option<String>,
    before: &[Voter],
    voter_ids: &mut Option<HashMap<String, usize>>,
    quirks: &mut Quirks,
) -> Result<()> {
    if let Some(name) = repeated {
        quirks.repeated_in_ballot(voter.line, &voter.id, &name)?;
    }
    let ascending = || {
        before.last().is_none_or(
            |last| match (last.id.parse::<u128>(), voter.id.parse::<u128>()) {
                (Ok(a), Ok(b)) => a < b,
                _ => last.id < voter.id,
            },
        )
    };
    if voter_ids.is_none() && ascending() {
        return Ok(());
    }
    let ids = voter_ids.get_or_insert_with(|| {
        let mut ids = HashMap::with_capacity(before.len() * 2);
        for v in before {
            ids.entry(v.id.clone()).or_insert(v.line);
        }
        ids
    });
    if let Some(&first) = ids.get(&voter.id) {
        quirks.voter_repeated(voter.line, &voter.id, first)?;
    } else {
        ids.insert(voter.id.clone(), voter.line);
    }
    Ok(())
}

/// What a parsed file's META says, checked against the file: the values a rule
/// needs (an error at their own line, naming the value), and the counts and
/// bounds it states (quirks).
fn check_meta(
    election: &BudgetElection,
    meta_lines: &[usize],
    meta_header: usize,
    header_line: usize,
    has_points: bool,
    quirks: &mut Quirks,
) -> Result<()> {
    // The file must say what it is; fail here, at the META line at fault, rather
    // than halfway through a rule.
    let meta_line = |key: &str| {
        election
            .meta
            .iter()
            .position(|(k, _)| k == key)
            .and_then(|i| meta_lines.get(i).copied())
    };
    let value_of = |key: &str| election.meta(key).unwrap_or_default().to_owned();
    let at = |key: &str, expected: &str| match meta_line(key) {
        Some(line) => syntax(line, format!("{expected}, found `{}`", value_of(key))),
        None => syntax(meta_header, format!("a META `{key}` line")),
    };
    election
        .budget()
        .map_err(|_| at("budget", "a non-negative decimal `budget`"))?;
    let kind = election.vote_type().map_err(|_| {
        at(
            "vote_type",
            "`vote_type` approval, choose-1, ordinal, cumulative or scoring",
        )
    })?;
    if matches!(kind, VoteType::Cumulative | VoteType::Scoring) && !has_points {
        return Err(syntax(
            header_line,
            "a `points` column for a points vote".to_owned(),
        ));
    }
    if election.meta("min_project_score_threshold").is_some() {
        election
            .threshold()
            .map_err(|_| at("min_project_score_threshold", "a whole-number threshold"))?;
    }
    // Counts and bounds the META states, against the file.
    for (key, actual, what) in [
        ("num_projects", election.projects.len(), "projects"),
        ("num_votes", election.voters.len(), "votes"),
    ] {
        if let (Some(line), Some(stated)) = (meta_line(key), election.meta(key))
            && stated.trim().parse::<usize>().ok() != Some(actual)
        {
            quirks.count_mismatch(line, key, stated.trim(), actual, what)?;
        }
    }
    let bound = |key: &str| -> Result<Option<u128>> {
        let Some(text) = election.meta(key) else {
            return Ok(None);
        };
        text.trim()
            .parse::<u128>()
            .map(Some)
            .map_err(|_| at(key, &format!("a whole-number `{key}`")))
    };
    let (min_length, max_length) = (bound("min_length")?, bound("max_length")?);
    let (min_sum, max_sum) = (bound("min_sum_points")?, bound("max_sum_points")?);
    for voter in &election.voters {
        let length = voter.ballot.len() as u128;
        if min_length.is_some_and(|m| length < m) || max_length.is_some_and(|m| length > m) {
            quirks.out_of_bounds(
                voter.line, &voter.id, "length", length, min_length, max_length,
            )?;
        }
        if matches!(kind, VoteType::Cumulative | VoteType::Scoring) {
            let sum: u128 = voter.points.iter().map(|&p| u128::from(p)).sum();
            if min_sum.is_some_and(|m| sum < m) || max_sum.is_some_and(|m| sum > m) {
                quirks.out_of_bounds(voter.line, &voter.id, "points", sum, min_sum, max_sum)?;
            }
        }
    }
    Ok(())
}

/// The quirks of a file: notes (lenient) or the first one as an error (strict).
struct Quirks {
    strict: bool,
    /// (what, lines): one note per kind of quirk, in the order first met.
    kinds: Vec<(String, Vec<usize>)>,
}

impl Quirks {
    fn new(strict: bool) -> Self {
        Self {
            strict,
            kinds: Vec::new(),
        }
    }

    /// Records a quirk of kind `what` at `line`; `detail` says what this one is.
    fn record(&mut self, what: &str, line: usize, detail: String) -> Result<()> {
        if self.strict {
            return Err(syntax(line, detail));
        }
        match self.kinds.iter_mut().find(|(w, _)| w == what) {
            Some((_, lines)) => lines.push(line),
            None => self.kinds.push((what.to_owned(), vec![line])),
        }
        Ok(())
    }

    fn repeated_in_ballot(&mut self, line: usize, voter: &str, project: &str) -> Result<()> {
        self.record(
            "ballots name a project more than once; each project is counted once per ballot",
            line,
            format!("voter `{voter}` to name each project once, `{project}` repeats"),
        )
    }

    fn voter_repeated(&mut self, line: usize, voter: &str, first: usize) -> Result<()> {
        self.record(
            "ballots repeat a `voter_id` already used; each ballot is counted",
            line,
            format!("a new `voter_id`, `{voter}` is already on line {first}"),
        )
    }

    fn meta_repeated(&mut self, line: usize, key: &str, first: usize) -> Result<()> {
        self.record(
            &format!("META `{key}` is given more than once; the first (line {first}) is used"),
            line,
            format!("META `{key}` once, it is already on line {first}"),
        )
    }

    fn count_mismatch(
        &mut self,
        line: usize,
        key: &str,
        stated: &str,
        actual: usize,
        what: &str,
    ) -> Result<()> {
        self.record(
            &format!("META `{key}` is `{stated}` but the file has {actual} {what} (cut short?); the file's {actual} are used"),
            line,
            format!("`{key}` to match the {actual} {what} in the file, found `{stated}`"),
        )
    }

    fn out_of_bounds(
        &mut self,
        line: usize,
        voter: &str,
        what: &str,
        value: u128,
        min: Option<u128>,
        max: Option<u128>,
    ) -> Result<()> {
        let range = match (min, max) {
            (Some(lo), Some(hi)) => format!("{lo} to {hi}"),
            (Some(lo), None) => format!("at least {lo}"),
            (None, Some(hi)) => format!("at most {hi}"),
            (None, None) => "anything".to_owned(),
        };
        let (noun, keys) = if what == "length" {
            ("projects", "`min_length`/`max_length`")
        } else {
            ("points", "`min_sum_points`/`max_sum_points`")
        };
        self.record(
            &format!("ballots have a number of {noun} outside the META {keys} ({range}); they are counted as cast"),
            line,
            format!("voter `{voter}` to give {range} {noun}, found {value}"),
        )
    }

    /// One note per kind: what, how many and on which lines (the first five).
    fn notes(self) -> Vec<String> {
        self.kinds
            .into_iter()
            .map(|(what, lines)| {
                let shown: Vec<String> = lines.iter().take(5).map(ToString::to_string).collect();
                let more = if lines.len() > 5 { ", …" } else { "" };
                let (count, noun) = match lines.len() {
                    1 => (String::new(), "line"),
                    n => (format!("{n} times, "), "lines"),
                };
                format!("{what} ({count}{noun} {}{more})", shown.join(", "))
            })
            .collect()
    }
}

fn project(
    fields: Vec<String>,
    columns: &Columns,
    index: &mut HashMap<String, u32>,
    line: usize,
) -> Result<Project> {
    let id = fields.get(columns.project_id).cloned().unwrap_or_default();
    let text = fields.get(columns.cost).map_or("", String::as_str);
    let cost = Decimal::from_str(text.trim())
        .ok()
        .filter(|c| !c.is_sign_negative())
        .ok_or_else(|| syntax(line, format!("a non-negative decimal cost, found `{text}`")))?;
    let next = u32::try_from(index.len()).map_err(|_| syntax(line, "fewer projects".to_owned()))?;
    if id.is_empty() || index.insert(id.clone(), next).is_some() {
        return Err(syntax(line, format!("a new project id, found `{id}`")));
    }
    Ok(Project {
        id,
        cost,
        fields,
        line,
    })
}

/// A voter's row, and the first project their vote names twice (kept once, where
/// it first appears; with points, a repeat is an error: which points would count?).
fn voter(
    fields: Vec<String>,
    columns: &Columns,
    index: &HashMap<String, u32>,
    line: usize,
) -> Result<(Voter, Option<String>)> {
    let id = fields.get(columns.voter_id).cloned().unwrap_or_default();
    let vote = fields.get(columns.vote).map_or("", String::as_str);
    let mut ballot = Vec::new();
    let mut repeated = None;
    for name in vote.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let p = *index
            .get(name)
            .ok_or_else(|| syntax(line, format!("a project id in the vote, found `{name}`")))?;
        if ballot.contains(&p) {
            if columns.points.is_some() {
                return Err(syntax(
                    line,
                    format!("each project once in a vote with points, `{name}` repeats"),
                ));
            }
            repeated.get_or_insert_with(|| name.to_owned());
            continue;
        }
        ballot.push(p);
    }
    let points = match columns.points.and_then(|c| fields.get(c)) {
        None => Vec::new(),
        Some(text) => {
            let points: Vec<u64> = text
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse::<u64>().map_err(|_| {
                        syntax(line, format!("whole non-negative points, found `{s}`"))
                    })
                })
                .collect::<Result<_>>()?;
            if points.len() != ballot.len() {
                return Err(syntax(
                    line,
                    format!(
                        "one number in `points` per project voted for ({}), found {}",
                        ballot.len(),
                        points.len()
                    ),
                ));
            }
            points
        }
    };
    Ok((
        Voter {
            id,
            ballot,
            points,
            fields,
            line,
        },
        repeated,
    ))
}

fn require(header: &[String], name: &str, line: usize) -> Result<usize> {
    header
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| syntax(line, format!("a `{name}` column")))
}

fn syntax(line: usize, expected: String) -> Error {
    Error::Syntax { line, expected }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    None = 0,
    Meta = 1,
    Projects = 2,
    Votes = 3,
}

impl Section {
    fn named(text: &str) -> Option<Self> {
        match text.to_ascii_uppercase().as_str() {
            "META" => Some(Self::Meta),
            "PROJECTS" => Some(Self::Projects),
            "VOTES" => Some(Self::Votes),
            _ => None,
        }
    }
}

#[derive(Debug, Default)]
struct Columns {
    project_id: usize,
    cost: usize,
    voter_id: usize,
    vote: usize,
    points: Option<usize>,
}

/// Rows of `;`-separated fields with CSV quoting, with the line each starts on.
struct Rows<'a> {
    bytes: &'a [u8],
    at: usize,
    line: usize,
}

impl<'a> Rows<'a> {
    fn new(text: &'a str) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Self {
            bytes: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    /// The next non-empty row, or `None` at the end.
    fn next_row(&mut self) -> Result<Option<(usize, Vec<String>)>> {
        loop {
            if self.at >= self.bytes.len() {
                return Ok(None);
            }
            let start_line = self.line;
            let fields = self.row()?;
            if fields.len() == 1 && fields.first().is_some_and(|f| f.trim().is_empty()) {
                continue;
            }
            return Ok(Some((start_line, fields)));
        }
    }

    fn row(&mut self) -> Result<Vec<String>> {
        let mut fields = Vec::new();
        let mut field: Vec<u8> = Vec::new();
        let mut quoted = false;
        let start_line = self.line;
        loop {
            let Some(&b) = self.bytes.get(self.at) else {
                if quoted {
                    return Err(syntax(start_line, "a closing quote".to_owned()));
                }
                fields.push(to_string(field));
                return Ok(fields);
            };
            self.at += 1;
            if quoted {
                match b {
                    b'"' if self.bytes.get(self.at) == Some(&b'"') => {
                        self.at += 1;
                        field.push(b'"');
                    }
                    b'"' => quoted = false,
                    b'\n' => {
                        self.line += 1;
                        field.push(b);
                    }
                    _ => field.push(b),
                }
                continue;
            }
            match b {
                b'"' if field.is_empty() => quoted = true,
                b';' => fields.push(to_string(core::mem::take(&mut field))),
                b'\n' => {
                    self.line += 1;
                    if field.last() == Some(&b'\r') {
                        field.pop();
                    }
                    fields.push(to_string(field));
                    return Ok(fields);
                }
                _ => field.push(b),
            }
        }
    }
}

/// Fields come from a `&str` split at ASCII bytes, so they are valid UTF-8.
fn to_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Writes an election in the Pabulib format: every section, column and value as
/// parsed, quoting only where the format requires it.
pub fn write(election: &BudgetElection) -> String {
    let mut out = String::new();
    out.push_str("META\nkey;value\n");
    for (key, value) in &election.meta {
        push_row(&mut out, [key.as_str(), value.as_str()]);
    }
    out.push_str("PROJECTS\n");
    push_row(
        &mut out,
        election.project_columns.iter().map(String::as_str),
    );
    for project in &election.projects {
        push_row(&mut out, project.fields.iter().map(String::as_str));
    }
    out.push_str("VOTES\n");
    push_row(&mut out, election.vote_columns.iter().map(String::as_str));
    for voter in &election.voters {
        push_row(&mut out, voter.fields.iter().map(String::as_str));
    }
    out
}

fn push_row<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        if field.contains([';', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push('\n');
}
