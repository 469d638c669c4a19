//! `guided-community committee`: electing a committee by approval votes, and
//! checking a committee's proportionality.

use std::collections::BTreeMap;

use guided_community::pb::committee::{
    self, AbcFile, Ballot, Check, Composition, CompositionRule, Profile, Property, Resolution, Rule,
};
use serde::{Deserialize, Serialize};

use super::{CliError, Exit, Input, Output, Stdout};

/// Elect a committee of `--size` by `--rule` from approval ballots:
/// `{"rule", "committees": [[…]], "truncated", "rounds", "notes"}` (one
/// committee unless `--irresolute`). Input: JSON `{"candidates": [names],
/// "ballots": [{"approve": [names or indices], "count"}], "attributes"?:
/// {name: {attribute: value}}, "rules"?: [{"attribute", "value", "min",
/// "max", "min_percent"} or {"attribute", "max_per_value"}]}`, or
/// abcvoting's `.abc.yaml`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct Args {
    #[command(subcommand)]
    check: Option<CommitteeCommand>,
    /// The rule, by abcvoting's id.
    #[arg(long, value_parser = rule_ids())]
    rule: Option<String>,
    /// Seats [default: an abc.yaml file's `committeesize`].
    #[arg(long)]
    size: Option<usize>,
    /// Every winning committee, not one (ties in favour of the earlier
    /// candidate).
    #[arg(long)]
    irresolute: bool,
    /// The most committees listed with --irresolute.
    #[arg(long, default_value_t = 100, requires = "irresolute")]
    max: usize,
    #[command(flatten)]
    input: Input,
}

#[derive(Debug, clap::Subcommand)]
enum CommitteeCommand {
    /// Check a committee: exit 0 with `{"satisfied": true}`, or exit 1 with
    /// the group of voters it short-changes (`witness`).
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// The property.
    #[arg(long, value_parser = ["jr", "pjr", "ejr", "ejr-plus", "priceability"])]
    property: String,
    /// The committee: names or indices, comma-separated.
    #[arg(long, value_delimiter = ',', required = true)]
    committee: Vec<String>,
    #[command(flatten)]
    input: Input,
}

fn rule_ids() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(Rule::ALL.map(Rule::id))
}

/// The JSON input.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Election {
    candidates: Candidates,
    ballots: Vec<JsonBallot>,
    /// Each candidate's attributes, by name: `{"王阿姨": {"age": "senior", "building": "3"}}`.
    #[serde(default)]
    attributes: BTreeMap<String, BTreeMap<String, String>>,
    /// The composition rules.
    #[serde(default)]
    rules: Vec<CompositionRule>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Candidates {
    Names(Vec<String>),
    Count(usize),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonBallot {
    approve: Vec<Approved>,
    #[serde(default = "one")]
    count: u64,
}

const fn one() -> u64 {
    1
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Approved {
    Index(u32),
    Name(String),
}

/// A read election: the profile, the candidates' names, an abc.yaml size.
struct Read {
    profile: Profile,
    names: Vec<String>,
    size: Option<usize>,
    composition: Composition,
}

fn read(input: &Input) -> Result<Read, CliError> {
    let text = input.read_text()?;
    let domain = |e: guided_community::pb::Error| input.invalid(&e);
    if !text.trim_start().starts_with('{') {
        let file = AbcFile::parse(&text).map_err(domain)?;
        let names = (0..file.profile.candidates())
            .map(|c| c.to_string())
            .collect();
        return Ok(Read {
            profile: file.profile,
            names,
            size: Some(file.committee_size),
            composition: Composition::default(),
        });
    }
    let election: Election = serde_json::from_str(&text)
        .map_err(|e| input.invalid(&super::json_error::humanize(&e, &text)))?;
    let names: Vec<String> = match election.candidates {
        Candidates::Names(names) => names,
        Candidates::Count(n) => (0..n).map(|c| c.to_string()).collect(),
    };
    let mut ballots = Vec::with_capacity(election.ballots.len());
    for (i, ballot) in election.ballots.into_iter().enumerate() {
        let mut approve = Vec::with_capacity(ballot.approve.len());
        for a in ballot.approve {
            approve.push(match a {
                Approved::Index(c) => c,
                Approved::Name(name) => index_of(&names, &name).ok_or_else(|| {
                    input.invalid(&format!(
                        "ballot {} approves `{}`, which is not a candidate",
                        i + 1,
                        super::printable(&name)
                    ))
                })?,
            });
        }
        ballots.push(Ballot::new(approve, ballot.count));
    }
    for name in election.attributes.keys() {
        if index_of(&names, name).is_none() {
            return Err(input.invalid(&format!(
                "`attributes` names `{}`, which is not a candidate",
                super::printable(name)
            )));
        }
    }
    let composition = Composition {
        attributes: names
            .iter()
            .map(|n| election.attributes.get(n).cloned().unwrap_or_default())
            .collect(),
        rules: election.rules,
    };
    Ok(Read {
        profile: Profile::new(names.len(), ballots).map_err(domain)?,
        names,
        size: None,
        composition,
    })
}

fn index_of(names: &[String], name: &str) -> Option<u32> {
    names
        .iter()
        .position(|n| n == name)
        .and_then(|i| u32::try_from(i).ok())
}

#[derive(Serialize)]
struct Elected {
    rule: &'static str,
    committees: Vec<Vec<String>>,
    truncated: bool,
    rounds: Vec<RoundOut>,
    notes: Vec<String>,
}

#[derive(Serialize)]
struct RoundOut {
    candidate: String,
    tied: Vec<String>,
    why: String,
}

#[derive(Serialize)]
struct Checked {
    property: String,
    satisfied: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    witness: Option<WitnessOut>,
}

#[derive(Serialize)]
struct WitnessOut {
    ell: usize,
    voters: Vec<usize>,
    weight: u64,
    candidates: Vec<String>,
    why: String,
}

pub(crate) fn run(args: &Args, output: Output, out: Stdout<'_>) -> Result<Exit, CliError> {
    if let Some(CommitteeCommand::Check(check)) = &args.check {
        return run_check(check, output, out);
    }
    let Some(rule) = &args.rule else {
        return Err(CliError::Limit(
            "give --rule (av, pav, seqphragmen, equal-shares, …) and --size, or `committee check`"
                .to_owned(),
        ));
    };
    let rule: Rule = rule.parse().map_err(guided_community::Error::from)?;
    let read = read(&args.input)?;
    let size = args
        .size
        .or(read.size)
        .ok_or_else(|| CliError::Limit("give --size: the number of seats".to_owned()))?;
    let resolution = if args.irresolute {
        Resolution::Irresolute { max: args.max }
    } else {
        Resolution::Resolute
    };
    let outcome = committee::compute_with(&read.profile, size, rule, resolution, &read.composition)
        .map_err(guided_community::Error::from)?;
    let name = |c: usize| read.names.get(c).cloned().unwrap_or_else(|| c.to_string());
    let report = Elected {
        rule: rule.id(),
        committees: outcome
            .committees
            .iter()
            .map(|c| c.iter().map(|&i| name(i)).collect())
            .collect(),
        truncated: outcome.truncated,
        rounds: outcome
            .rounds
            .iter()
            .map(|r| RoundOut {
                candidate: name(r.candidate),
                tied: r.tied.iter().map(|&i| name(i)).collect(),
                why: r.why.clone(),
            })
            .collect(),
        notes: outcome.notes,
    };
    output.json(&report, 0, out)
}

fn run_check(args: &CheckArgs, output: Output, out: Stdout<'_>) -> Result<Exit, CliError> {
    let property: Property = args
        .property
        .parse()
        .map_err(guided_community::Error::from)?;
    let read = read(&args.input)?;
    let mut members = Vec::with_capacity(args.committee.len());
    for m in &args.committee {
        let m = m.trim();
        let index = index_of(&read.names, m)
            .or_else(|| {
                m.parse::<u32>()
                    .ok()
                    .filter(|&i| (i as usize) < read.names.len())
            })
            .ok_or_else(|| {
                CliError::Limit(format!(
                    "--committee names `{}`, which is not a candidate",
                    super::printable(m)
                ))
            })?;
        if members.contains(&(index as usize)) {
            return Err(CliError::Limit(format!(
                "--committee names `{}` twice",
                super::printable(m)
            )));
        }
        members.push(index as usize);
    }
    let Check { satisfied, witness } = committee::check(&read.profile, &members, property)
        .map_err(guided_community::Error::from)?;
    let name = |c: usize| read.names.get(c).cloned().unwrap_or_else(|| c.to_string());
    let report = Checked {
        property: args.property.clone(),
        satisfied,
        witness: witness.map(|w| WitnessOut {
            ell: w.ell,
            voters: w.voters.iter().map(|v| v + 1).collect(),
            weight: w.weight,
            candidates: w.candidates.iter().map(|&c| name(c)).collect(),
            why: w.why,
        }),
    };
    output.json(&report, u8::from(!satisfied), out)
}
