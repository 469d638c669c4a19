//! PrefLib's ordinal formats: `.soc` (strict complete orders), `.soi` (strict
//! incomplete), `.toc` and `.toi` (with ties). A ballot here is a strict
//! ranking that may stop early, its unranked candidates tied last, so a tie
//! is read only where it is last in an order (`.toi`'s unranked tail); a tie
//! anywhere else is an error naming its line.
//!
//! ```
//! use guided_community_deliberation::preflib;
//!
//! let text = [
//!     "# FILE NAME: street.soi", "# DATA TYPE: soi", "# NUMBER ALTERNATIVES: 3",
//!     "# ALTERNATIVE NAME 1: Garden", "# ALTERNATIVE NAME 2: Lights",
//!     "# ALTERNATIVE NAME 3: Benches", "4: 1,2,3", "3: 2",
//! ].join("\n");
//! let election = preflib::read(&text)?;
//! assert_eq!(election.candidates, ["Garden", "Lights", "Benches"]);
//! assert_eq!(election.ballots.len(), 2);
//! // Written back as .soi, it reads the same.
//! assert_eq!(preflib::read(&preflib::write(&election, "street.soi")?)?, election);
//! # Ok::<(), guided_community_deliberation::Error>(())
//! ```

use std::fmt::Write as _;

use super::election::{Ballot, CandidateElection};
use crate::{Error, Result};

fn bad(line: usize, reason: impl Into<String>) -> Error {
    Error::PrefLib {
        line,
        reason: reason.into(),
    }
}

/// Reads a PrefLib `.soc`, `.soi`, `.toc` or `.toi` file.
///
/// # Errors
///
/// [`Error::PrefLib`] naming the line: a missing `NUMBER ALTERNATIVES`, an
/// alternative out of range or twice in an order, a count that is not a
/// whole number, a tie that is not at the end of its order.
pub fn read(text: &str) -> Result<CandidateElection> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut alternatives: Option<usize> = None;
    let mut names: Vec<(usize, String)> = Vec::new();
    let mut ballots: Vec<(Vec<usize>, u64)> = Vec::new();
    for (n, raw) in (1..).zip(text.lines()) {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(meta) = line.strip_prefix('#') {
            let meta = meta.trim();
            if let Some(v) = meta.strip_prefix("NUMBER ALTERNATIVES:") {
                alternatives = Some(v.trim().parse().map_err(|_| {
                    bad(
                        n,
                        format!("NUMBER ALTERNATIVES `{}` is not a whole number", v.trim()),
                    )
                })?);
            } else if let Some(rest) = meta.strip_prefix("ALTERNATIVE NAME") {
                let (number, name) = rest
                    .split_once(':')
                    .ok_or_else(|| bad(n, "expected `# ALTERNATIVE NAME k: name`"))?;
                let number: usize = number.trim().parse().map_err(|_| {
                    bad(
                        n,
                        format!(
                            "alternative number `{}` is not a whole number",
                            number.trim()
                        ),
                    )
                })?;
                names.push((number, name.trim().to_owned()));
            }
            continue;
        }
        let m = alternatives.ok_or_else(|| bad(n, "an order before `# NUMBER ALTERNATIVES`"))?;
        let (count, order) = line
            .split_once(':')
            .ok_or_else(|| bad(n, "expected `count: order`, such as `4: 1,2,3`"))?;
        let count: u64 = count
            .trim()
            .parse()
            .map_err(|_| bad(n, format!("count `{}` is not a whole number", count.trim())))?;
        let ranking = order_of(order, m, n)?;
        ballots.push((ranking, count));
    }
    let m = alternatives.ok_or_else(|| bad(1, "no `# NUMBER ALTERNATIVES` line"))?;
    let mut candidates: Vec<String> = (1..=m).map(|k| k.to_string()).collect();
    for (number, name) in names {
        if let Some(slot) = number.checked_sub(1).and_then(|i| candidates.get_mut(i)) {
            *slot = name;
        }
    }
    let ballots = ballots
        .into_iter()
        .map(|(ranking, count)| {
            Ballot::ranked(
                ranking
                    .into_iter()
                    .map(|c| candidates.get(c).cloned().unwrap_or_default()),
                count,
            )
        })
        .collect();
    Ok(CandidateElection {
        candidates,
        ballots,
    })
}

/// One order: `1,2,3`, or with ties `1,{2,3}`; a tie only as the last group
/// (left unranked).
fn order_of(order: &str, m: usize, line: usize) -> Result<Vec<usize>> {
    let mut ranking: Vec<usize> = Vec::new();
    let mut seen = vec![false; m];
    let mut rest = order.trim();
    while !rest.is_empty() {
        if let Some(group) = rest.strip_prefix('{') {
            let (inside, after) = group
                .split_once('}')
                .ok_or_else(|| bad(line, "a `{` without its `}`"))?;
            let after = after.trim_start_matches(',').trim();
            if !after.is_empty() {
                return Err(bad(
                    line,
                    "a tie before the end of an order: ballots here rank strictly (only the unranked tail is tied)",
                ));
            }
            // The tied tail: left unranked, after checking it.
            for item in inside.split(',') {
                alternative(item, m, line, &mut seen)?;
            }
            break;
        }
        let (item, after) = rest.split_once(',').unwrap_or((rest, ""));
        ranking.push(alternative(item, m, line, &mut seen)?);
        rest = after.trim();
    }
    Ok(ranking)
}

fn alternative(item: &str, m: usize, line: usize, seen: &mut [bool]) -> Result<usize> {
    let k: usize = item.trim().parse().map_err(|_| {
        bad(
            line,
            format!("`{}` is not an alternative number", item.trim()),
        )
    })?;
    let index = k
        .checked_sub(1)
        .filter(|&i| i < m)
        .ok_or_else(|| bad(line, format!("alternative {k} is not among 1 to {m}")))?;
    let slot = seen
        .get_mut(index)
        .ok_or_else(|| bad(line, "alternative out of range"))?;
    if core::mem::replace(slot, true) {
        return Err(bad(line, format!("alternative {k} is twice in the order")));
    }
    Ok(index)
}

/// Writes ranked ballots as PrefLib: `.soc` when every ballot ranks every
/// candidate, `.soi` otherwise. `name` is the file name recorded.
///
/// # Errors
///
/// [`Error::PrefLib`] for an approval ballot or a candidate not in the list.
pub fn write(election: &CandidateElection, name: &str) -> Result<String> {
    let m = election.candidates.len();
    let mut orders: Vec<(Vec<usize>, u64)> = Vec::with_capacity(election.ballots.len());
    for (b, ballot) in election.ballots.iter().enumerate() {
        let Ballot::Ranked { ranking, count } = ballot else {
            return Err(bad(
                0,
                format!(
                    "ballot {} is an approval ballot; PrefLib orders are rankings",
                    b + 1
                ),
            ));
        };
        let order = ranking
            .iter()
            .map(|c| {
                election
                    .candidates
                    .iter()
                    .position(|x| x == c)
                    .ok_or_else(|| bad(0, format!("ballot {} ranks `{c}`, not a candidate", b + 1)))
            })
            .collect::<Result<Vec<usize>>>()?;
        orders.push((order, *count));
    }
    let complete = orders.iter().all(|(o, _)| o.len() == m);
    let kind = if complete { "soc" } else { "soi" };
    let voters: u64 = orders.iter().map(|(_, c)| *c).sum();
    let mut out = String::new();
    let _ = writeln!(out, "# FILE NAME: {name}");
    let _ = writeln!(out, "# TITLE: written by guided-community");
    let _ = writeln!(out, "# DATA TYPE: {kind}");
    let _ = writeln!(out, "# MODIFICATION TYPE: synthetic");
    let _ = writeln!(out, "# NUMBER ALTERNATIVES: {m}");
    let _ = writeln!(out, "# NUMBER VOTERS: {voters}");
    let _ = writeln!(out, "# NUMBER UNIQUE ORDERS: {}", orders.len());
    for (i, c) in election.candidates.iter().enumerate() {
        let _ = writeln!(out, "# ALTERNATIVE NAME {}: {c}", i + 1);
    }
    for (order, count) in orders {
        let items: Vec<String> = order.iter().map(|c| (c + 1).to_string()).collect();
        let _ = writeln!(out, "{count}: {}", items.join(","));
    }
    Ok(out)
}
