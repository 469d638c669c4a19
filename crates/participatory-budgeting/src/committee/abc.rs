//! abcvoting's `.abc.yaml` instance files: the profile, the committee size and,
//! when present, each rule's winning committees.
//!
//! The reader takes the subset of YAML abcvoting writes: top-level `key:
//! value` lines whose values are numbers, booleans, quoted strings or flow
//! lists (`[[0, 2], [1]]`), continued on more-indented lines, or block lists
//! (`profile:` then a `- [0, 2]` line per voter), and a `compute:` list of
//! `- rule_id: …` entries. Anything else is an error naming its line.

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

/// Joins continuation lines to their key: `(line number, indent, text)`. A
/// top-level key with nothing after its colon (other than `compute`) takes
/// the `- item` lines below it as a list, as YAML's block style writes one
/// (`profile:` then `- [0, 1]` per voter): it becomes `profile: [[0, 1], …]`.
fn logical_lines(text: &str) -> Vec<(usize, usize, String)> {
    let mut out: Vec<(usize, usize, String)> = Vec::new();
    // The entry a block list is being gathered into, and whether it has an item.
    let mut block: Option<bool> = None;
    for (n, raw) in (1..).zip(text.lines()) {
        let trimmed = raw.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = raw.len() - trimmed.len();
        if let Some(item) = trimmed
            .strip_prefix("- ")
            .or((trimmed == "-").then_some(""))
            && let (Some(any), Some(last)) = (block, out.last_mut())
        {
            last.2.push_str(if any { ", " } else { " " });
            last.2.push_str(item);
            block = Some(true);
            continue;
        }
        let is_key = trimmed.starts_with("- ")
            || trimmed.split_once(':').is_some_and(|(k, _)| {
                !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
        if block.is_some() && is_key {
            if let Some(last) = out.last_mut() {
                last.2.push_str(" ]");
            }
            block = None;
        }
        match out.last_mut() {
            Some(last) if !is_key && indent > last.1 => {
                last.2.push(' ');
                last.2.push_str(trimmed);
            }
            _ => {
                let opens = indent == 0
                    && trimmed.trim_end().strip_suffix(':').is_some_and(|key| {
                        key != "compute"
                            && !key.is_empty()
                            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    });
                out.push((n, indent, trimmed.to_owned()));
                if opens && let Some(last) = out.last_mut() {
                    last.2.push_str(" [");
                    block = Some(false);
                }
            }
        }
    }
    if block.is_some()
        && let Some(last) = out.last_mut()
    {
        last.2.push_str(" ]");
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

#[cfg(test)]
mod tests {
    use super::*;

    /// abcvoting writes the profile as one flow list; YAML's block style (a
    /// dash line per voter, as people write it by hand) reads the same. It
    /// was an error: "cannot read" an empty value.
    #[test]
    fn block_lists_read_as_flow_lists() {
        let flow = "profile: [[0, 1], [2], [0, 2]]\nvoter_weights: [2, 1, 1]\n\
                    num_cand: 3\ncommitteesize: 2\n";
        let block = "profile:  \n  - [0, 1]\n  - [2]\n  - [0,\n     2]\n\
                     voter_weights:\n- 2\n- 1\n- 1\nnum_cand: 3\ncommitteesize: 2\n\
                     compute:\n- rule_id: av\n  result: [[0, 2]]\n  resolute: true\n";
        let (flow, block) = (
            AbcFile::parse(flow).unwrap(),
            AbcFile::parse(block).unwrap(),
        );
        assert_eq!(flow.profile, block.profile);
        assert_eq!(block.committee_size, 2);
        assert_eq!(block.cases.len(), 1);
        assert_eq!(block.cases[0].result, [[0, 2]]);
        // A block that is not a list is still an error naming its line.
        let error = AbcFile::parse("profile:\n  - [0, oops]\nnum_cand: 3\ncommitteesize: 1\n");
        assert!(
            matches!(&error, Err(Error::CommitteeInput { reason }) if reason.starts_with("abc.yaml line 1: cannot read")),
            "{error:?}"
        );
    }
}
