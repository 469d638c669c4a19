//! The Pabulib `.pb` format: `META`, `PROJECTS` and `VOTES` sections of
//! `;`-separated rows with CSV quoting (a field with `;`, `"` or a line break is
//! quoted, quotes doubled).
//!
//! Every column is kept as written, known or not, so that writing a parsed file
//! gives the same data back.

use std::collections::HashMap;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::{Election, Project, VoteType, Voter};
use crate::{Error, Result};

/// Parses a Pabulib file.
///
/// ```
/// use allocation_pools::pb::{parse, VoteType};
///
/// let text = "META\nkey;value\nbudget;150\nvote_type;approval\n\
///             PROJECTS\nproject_id;cost;name\np1;100;\"Garden; east side\"\np2;60;Lights\n\
///             VOTES\nvoter_id;vote\n1;p1,p2\n2;p2\n";
/// let election = parse(text)?;
/// assert_eq!(election.budget()?.to_string(), "150");
/// assert_eq!(election.vote_type()?, VoteType::Approval);
/// assert_eq!(election.projects[0].field(&election, "name"), Some("Garden; east side"));
/// assert_eq!(election.voters[0].ballot, [0, 1]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::PbSyntax`] with the line number and what was expected: a missing
/// section or column, an unterminated quote, a cost that is not a non-negative
/// decimal, a vote naming an unknown project, points that do not match the vote.
pub fn parse(text: &str) -> Result<Election> {
    let mut rows = Rows::new(text);
    let mut election = Election::default();
    let (mut section, mut header_line) = (Section::None, 0);
    let mut header: Vec<String> = Vec::new();
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut columns = Columns::default();
    let mut seen = [false; 3];
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
            Section::Meta => {
                let mut fields = fields.into_iter();
                let key = fields.next().unwrap_or_default();
                let value = fields.collect::<Vec<_>>().join(";");
                election.meta.push((key, value));
            }
            Section::Projects => {
                let project = project(fields, &columns, &mut index, line)?;
                election.projects.push(project);
            }
            Section::Votes => {
                let voter = voter(fields, &columns, &index, line)?;
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
    // The file must say what it is; fail here rather than halfway through a rule.
    let meta = |e: Error| match e {
        Error::PbMeta { key, problem } => {
            syntax(1, format!("a valid META `{key}` (it is {problem})"))
        }
        other => other,
    };
    election.budget().map_err(meta)?;
    let kind = election.vote_type().map_err(meta)?;
    if matches!(kind, VoteType::Cumulative | VoteType::Scoring) && columns.points.is_none() {
        return Err(syntax(
            header_line + 1,
            "a `points` column for a points vote".to_owned(),
        ));
    }
    Ok(election)
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

fn voter(
    fields: Vec<String>,
    columns: &Columns,
    index: &HashMap<String, u32>,
    line: usize,
) -> Result<Voter> {
    let id = fields.get(columns.voter_id).cloned().unwrap_or_default();
    let vote = fields.get(columns.vote).map_or("", String::as_str);
    let mut ballot = Vec::new();
    for name in vote.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let p = *index
            .get(name)
            .ok_or_else(|| syntax(line, format!("a project id in the vote, found `{name}`")))?;
        if ballot.contains(&p) {
            return Err(syntax(
                line,
                format!("each project once in the vote, `{name}` repeats"),
            ));
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
                        "{} points for {} projects voted for",
                        points.len(),
                        ballot.len()
                    ),
                ));
            }
            points
        }
    };
    Ok(Voter {
        id,
        ballot,
        points,
        fields,
        line,
    })
}

fn require(header: &[String], name: &str, line: usize) -> Result<usize> {
    header
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| syntax(line, format!("a `{name}` column")))
}

fn syntax(line: usize, expected: String) -> Error {
    Error::PbSyntax { line, expected }
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
pub fn write(election: &Election) -> String {
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
