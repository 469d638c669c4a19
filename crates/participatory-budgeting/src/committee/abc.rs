//! abcvoting's `.abc.yaml` instance files: the profile, the committee size and,
//! when present, each rule's winning committees.
//!
//! The reader takes the subset of YAML abcvoting writes: top-level `key:
//! value` lines whose values are numbers, booleans, quoted strings or flow
//! lists (`[[0, 2], [1]]`), continued on more-indented lines, and a `compute:`
//! list of `- rule_id: …` entries. Anything else is an error naming its line.

use serde::{Deserialize, Serialize};

use super::{Ballot, Profile};
use crate::{Error, Result};

/// One `compute` entry: a rule's expected committees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbcCase {
    /// abcvoting's rule id.
    pub rule_id: String,
    /// Whether the result is resolute.
    pub resolute: bool,
    /// The committees.
    pub result: Vec<Vec<usize>>,
}

/// A parsed instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbcFile {
    /// The profile.
    pub profile: Profile,
    /// The committee size.
    pub committee_size: usize,
    /// The expected results, if any.
    pub cases: Vec<AbcCase>,
}

fn bad(line: usize, reason: &str) -> Error {
    Error::CommitteeInput {
        reason: format!("abc.yaml line {line}: {reason}"),
    }
}

/// Joins continuation lines to their key: `(line number, indent, text)`.
fn logical_lines(text: &str) -> Vec<(usize, usize, String)> {
    let mut out: Vec<(usize, usize, String)> = Vec::new();
    for (n, raw) in (1..).zip(text.lines()) {
        let trimmed = raw.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = raw.len() - trimmed.len();
        let is_key = trimmed.starts_with("- ")
            || trimmed.split_once(':').is_some_and(|(k, _)| {
                !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
        match out.last_mut() {
            Some(last) if !is_key && indent > last.1 => {
                last.2.push(' ');
                last.2.push_str(trimmed);
            }
            _ => out.push((n, indent, trimmed.to_owned())),
        }
    }
    out
}

impl AbcFile {
    /// Reads an instance.
    ///
    /// # Errors
    ///
    /// [`Error::CommitteeInput`] naming the line of anything it cannot read,
    /// or a missing `profile`, `num_cand` or `committeesize`.
    pub fn parse(text: &str) -> Result<Self> {
        let mut profile: Option<Vec<Vec<u32>>> = None;
        let mut weights: Option<Vec<u64>> = None;
        let mut num_cand: Option<usize> = None;
        let mut size: Option<usize> = None;
        let mut cases: Vec<AbcCase> = Vec::new();
        let mut in_compute = false;
        for (line, indent, text) in logical_lines(text) {
            let json = |value: &str| -> Result<serde_json::Value> {
                serde_json::from_str(value.trim())
                    .map_err(|e| bad(line, &format!("cannot read `{}`: {e}", value.trim())))
            };
            if indent == 0 && !text.starts_with("- ") {
                in_compute = false;
                let Some((key, value)) = text.split_once(':') else {
                    return Err(bad(line, "expected `key: value`"));
                };
                match key {
                    "profile" => {
                        profile = Some(
                            serde_json::from_value(json(value)?)
                                .map_err(|e| bad(line, &format!("profile: {e}")))?,
                        );
                    }
                    "voter_weights" => {
                        weights =
                            Some(serde_json::from_value(json(value)?).map_err(|_| {
                                bad(line, "voter_weights must be whole numbers here")
                            })?);
                    }
                    "num_cand" => {
                        num_cand = json(value)?.as_u64().and_then(|v| usize::try_from(v).ok());
                    }
                    "committeesize" => {
                        size = json(value)?.as_u64().and_then(|v| usize::try_from(v).ok());
                    }
                    "compute" => in_compute = true,
                    _ => {}
                }
                continue;
            }
            if !in_compute {
                continue;
            }
            let (entry, rest) = match text.strip_prefix("- ") {
                Some(rest) => (true, rest),
                None => (false, text.as_str()),
            };
            if entry {
                cases.push(AbcCase {
                    rule_id: String::new(),
                    resolute: false,
                    result: Vec::new(),
                });
            }
            let Some(case) = cases.last_mut() else {
                return Err(bad(line, "a compute field before its `- rule_id`"));
            };
            let Some((key, value)) = rest.split_once(':') else {
                return Err(bad(line, "expected `key: value`"));
            };
            match key.trim() {
                "rule_id" => value.trim().trim_matches('"').clone_into(&mut case.rule_id),
                "resolute" => case.resolute = json(value)?.as_bool().unwrap_or(false),
                "result" if value.trim().is_empty() => {}
                "result" => {
                    case.result = serde_json::from_value(json(value)?)
                        .map_err(|e| bad(line, &format!("result: {e}")))?;
                }
                _ => {}
            }
        }
        let (Some(profile), Some(num_cand), Some(size)) = (profile, num_cand, size) else {
            return Err(Error::CommitteeInput {
                reason: "an abc.yaml file needs `profile`, `num_cand` and `committeesize`"
                    .to_owned(),
            });
        };
        let ballots = profile
            .into_iter()
            .enumerate()
            .map(|(i, approve)| {
                Ballot::new(
                    approve,
                    weights
                        .as_ref()
                        .and_then(|w| w.get(i).copied())
                        .unwrap_or(1),
                )
            })
            .collect();
        Ok(Self {
            profile: Profile::new(num_cand, ballots)?,
            committee_size: size,
            cases,
        })
    }
}
