//! `guided-community pb`: participatory budgeting on a Pabulib file.

use std::collections::BTreeMap;

use clap::ValueEnum;
use guided_community::pb::{self, BudgetingRule, Options, ProjectTieBreak, Utility};

use super::{CliError, Exit, Input, Output, Stdout};

/// Select projects from a Pabulib `.pb` file: `{"selected", "total_cost", "rule",
/// "projects": [… why each was or was not selected …], "notes"}`; or write a
/// random election (`pb generate`).
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct Args {
    #[command(subcommand)]
    generate: Option<PbCommand>,
    /// The rule; `auto` takes it from the file's META `rule`.
    #[arg(long, default_value = "auto", value_parser = rule_names())]
    rule: String,
    /// Utilities for the Method of Equal Shares [default: cost for approval votes,
    /// points otherwise].
    #[arg(long, value_enum)]
    utility: Option<UtilityArg>,
    /// How ties between projects are broken.
    #[arg(long, value_enum, default_value_t = TieArg::FileOrder)]
    tie_break: TieArg,
    /// Refuse a file's quirks (a project twice in a ballot, a `num_votes` that does
    /// not match, a repeated `voter_id` or META key, ballots outside the META
    /// length or points bounds) instead of noting them in `notes`.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    input: Input,
}

#[derive(Debug, clap::Subcommand)]
enum PbCommand {
    /// Write a random approval election as a Pabulib file, from a seed: the same
    /// seed gives the same file on every machine.
    Generate(GenerateArgs),
    /// Check a selection's proportionality (EJR, PJR; exact, up to one or up
    /// to any project; cardinality or cost satisfaction) or priceability:
    /// exit 0 with `{"satisfied": true}` (priceability: and the price
    /// system), exit 1 with the cohesive group short-changed (priceability:
    /// why not), exit 3 when priceability could not be certified.
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// The property.
    #[arg(long, value_enum)]
    property: PropertyArg,
    /// Relaxed by one project of the group's set not selected.
    #[arg(long, value_enum, default_value_t = UpToArg::Exact)]
    up_to: UpToArg,
    /// How a voter values a set of projects.
    #[arg(long, value_enum, default_value_t = SatisfactionArg::Cost)]
    satisfaction: SatisfactionArg,
    /// The selection to check: project ids, comma-separated (`""` for none).
    #[arg(long, value_delimiter = ',', conflicts_with = "rule")]
    selected: Option<Vec<String>>,
    /// Or the rule whose selection to check [default: the file's META `rule`].
    #[arg(long, value_parser = rule_names())]
    rule: Option<String>,
    #[command(flatten)]
    input: Input,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PropertyArg {
    /// Extended justified representation.
    Ejr,
    /// Proportional justified representation.
    Pjr,
    /// Priceability (Peters et al.): a price system pays for the selection
    /// and leaves no unselected project's supporters able to buy it.
    Priceable,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum UpToArg {
    /// Exactly.
    Exact,
    /// Up to one project.
    One,
    /// Up to any project.
    Any,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SatisfactionArg {
    /// How many selected projects a voter approves.
    Cardinality,
    /// Their total cost.
    Cost,
}

#[derive(Debug, clap::Args)]
pub(crate) struct GenerateArgs {
    /// Projects (1 to 100,000).
    #[arg(long, default_value_t = 300)]
    projects: u32,
    /// Voters (1 to 10,000,000).
    #[arg(long, default_value_t = 6_000)]
    voters: u32,
    /// Mean approvals per voter (each approves 1 to twice this less one).
    #[arg(long, default_value_t = 10)]
    approvals: u32,
    /// Typical cost: costs are distinct, drawn from [cost/2, 3·cost/2), or
    /// with `--cost-spread S` log-uniformly from [cost/S, cost·S).
    #[arg(long, default_value_t = 1_000_000)]
    cost: u64,
    /// Spread costs log-uniformly over [cost/S, cost·S) (2 to 1,000), as real
    /// project lists are.
    #[arg(long)]
    cost_spread: Option<u64>,
    /// The budget, in percent of all projects' cost.
    #[arg(long, default_value_t = 20)]
    budget_percent: u32,
    /// Voters approve the projects nearest home on a map, not random ones.
    #[arg(long)]
    euclidean: bool,
    /// Districts of unequal sizes (district d holds a share d/Σ); voters
    /// approve only their district's projects; files gain a `district`
    /// column.
    #[arg(long, default_value_t = 1)]
    districts: u32,
    /// Pabulib-like: `--cost-spread 30 --euclidean` (districts as given).
    #[arg(long)]
    pabulib_like: bool,
    /// The seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

fn rule_names() -> clap::builder::PossibleValuesParser {
    let names = core::iter::once("auto").chain(BudgetingRule::ALL.iter().map(|r| r.name()));
    clap::builder::PossibleValuesParser::new(names)
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum UtilityArg {
    /// A project's cost to each supporter.
    Cost,
    /// 1 per supported project.
    Approval,
    /// Points given (Borda score for rankings).
    Points,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TieArg {
    /// The project listed first in the file.
    FileOrder,
    /// The cheaper, then the one with more votes.
    CostThenVotes,
    /// The more expensive.
    MaxCost,
    /// The smaller id (numerically when both are numbers).
    Id,
    /// Refuse: a deciding tie is an error naming the projects.
    Refuse,
}

pub(crate) fn run(args: &Args, output: Output, out: Stdout<'_>) -> Result<Exit, CliError> {
    if let Some(PbCommand::Generate(spec)) = &args.generate {
        return generate(spec, out);
    }
    if let Some(PbCommand::Check(check)) = &args.generate {
        return run_check(check, output, out);
    }
    let text = args.input.read_text()?;
    let election = pb::parse_with(&text, &pb::ParseOptions::new().with_strict(args.strict))
        .map_err(|e| args.input.invalid(&e))?;
    let mut options = if args.rule == "auto" {
        Options::auto(&election).map_err(|e| match e {
            guided_community::pb::Error::UnknownRule { rule } => args.input.invalid(&format!(
                "the file's META `rule` is `{rule}`, which names no rule this runs; choose one with --rule {}",
                BudgetingRule::ALL.map(BudgetingRule::name).join("|")
            )),
            guided_community::pb::Error::Meta { .. } => args.input.invalid(&format!(
                "the file has no META `rule`; choose one with --rule {}",
                BudgetingRule::ALL.map(BudgetingRule::name).join("|")
            )),
            other => guided_community::Error::from(other).into(),
        })?
    } else {
        Options::new(
            args.rule
                .parse::<BudgetingRule>()
                .map_err(guided_community::Error::from)?,
        )
    };
    if let Some(utility) = args.utility {
        options = options.with_utility(match utility {
            UtilityArg::Cost => Utility::Cost,
            UtilityArg::Approval => Utility::Approval,
            UtilityArg::Points => Utility::Points,
        });
    }
    options = options.with_tie_break(match args.tie_break {
        TieArg::FileOrder => ProjectTieBreak::FileOrder,
        TieArg::CostThenVotes => ProjectTieBreak::CostThenVotes,
        TieArg::MaxCost => ProjectTieBreak::MaxCost,
        TieArg::Id => ProjectTieBreak::Id,
        TieArg::Refuse => ProjectTieBreak::Refuse,
    });
    let outcome = pb::run(&election, &options).map_err(guided_community::Error::from)?;
    output.json(&outcome, 0, out)
}

/// `pb check`'s answer.
#[derive(serde::Serialize)]
struct Report {
    selected: Vec<String>,
    satisfied: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    witness: Option<WitnessOut>,
}
/// The group short-changed, by voter id.
#[derive(serde::Serialize)]
struct WitnessOut {
    voters: Vec<String>,
    projects: Vec<String>,
    why: String,
}

/// `pb check`: a selection's proportionality, with its witness.
fn run_check(args: &CheckArgs, output: Output, out: Stdout<'_>) -> Result<Exit, CliError> {
    use guided_community::pb::fairness::{BudgetProperty, Satisfaction, UpTo, check_budget};
    let text = args.input.read_text()?;
    let election = pb::parse(&text).map_err(|e| args.input.invalid(&e))?;
    let selected = match (&args.selected, &args.rule) {
        // `--selected ""` is the empty selection; a stray comma adds nothing.
        (Some(selected), _) => selected
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        (None, rule) => {
            let options = match rule.as_deref() {
                None | Some("auto") => {
                    Options::auto(&election).map_err(|e| args.input.invalid(&e))?
                }
                Some(name) => Options::new(
                    name.parse::<BudgetingRule>()
                        .map_err(guided_community::Error::from)?,
                ),
            };
            pb::run(&election, &options)
                .map_err(guided_community::Error::from)?
                .selected
        }
    };
    let property = match args.property {
        PropertyArg::Ejr => BudgetProperty::Ejr,
        PropertyArg::Pjr => BudgetProperty::Pjr,
        PropertyArg::Priceable => return run_priceable(&election, selected, output, out),
    };
    let up_to = match args.up_to {
        UpToArg::Exact => UpTo::Exact,
        UpToArg::One => UpTo::One,
        UpToArg::Any => UpTo::Any,
    };
    let satisfaction = match args.satisfaction {
        SatisfactionArg::Cardinality => Satisfaction::Cardinality,
        SatisfactionArg::Cost => Satisfaction::Cost,
    };
    let answer = check_budget(&election, &selected, property, satisfaction, up_to)
        .map_err(guided_community::Error::from)?;
    let exit = u8::from(!answer.satisfied);
    let report = Report {
        selected,
        satisfied: answer.satisfied,
        witness: answer.witness.map(|w| WitnessOut {
            voters: w
                .voters
                .iter()
                .filter_map(|&v| election.voters.get(v).map(|x| x.id.clone()))
                .collect(),
            projects: w.projects,
            why: w.why,
        }),
    };
    output.json(&report, exit, out)
}

/// `pb check --property priceable`'s answer.
#[derive(serde::Serialize)]
struct PriceableReport {
    selected: Vec<String>,
    /// `null` when the answer could not be certified.
    satisfied: Option<bool>,
    /// Every voter's budget, an exact fraction of the election's money.
    #[serde(skip_serializing_if = "Option::is_none")]
    voter_budget: Option<String>,
    /// Voter id → project id → what the voter pays (exact fractions).
    #[serde(skip_serializing_if = "Option::is_none")]
    payments: Option<BTreeMap<String, BTreeMap<String, String>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    why: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unselected: Option<Vec<String>>,
    /// The Farkas multipliers that prove it (integers).
    #[serde(skip_serializing_if = "Option::is_none")]
    multipliers: Option<BTreeMap<String, String>>,
}

fn run_priceable(
    election: &pb::BudgetElection,
    selected: Vec<String>,
    output: Output,
    out: Stdout<'_>,
) -> Result<Exit, CliError> {
    use guided_community::pb::fairness::{Priceability, priceability};
    let answer = priceability(election, &selected).map_err(guided_community::Error::from)?;
    let mut report = PriceableReport {
        selected,
        satisfied: None,
        voter_budget: None,
        payments: None,
        why: None,
        unselected: None,
        multipliers: None,
    };
    let exit = match answer {
        Priceability::Priceable(prices) => {
            let mut payments = BTreeMap::new();
            for group in &prices.groups {
                let pays: BTreeMap<String, String> = group
                    .payments
                    .iter()
                    .map(|(p, amount)| (p.clone(), amount.to_string()))
                    .collect();
                for id in group.voters.iter().filter_map(|&v| election.voters.get(v)) {
                    payments.insert(id.id.clone(), pays.clone());
                }
            }
            report.satisfied = Some(true);
            report.voter_budget = Some(prices.voter_budget.to_string());
            report.payments = Some(payments);
            0
        }
        Priceability::NotPriceable(no) => {
            report.satisfied = Some(false);
            report.why = Some(no.why);
            report.unselected = Some(no.unselected);
            report.multipliers = Some(
                no.multipliers
                    .into_iter()
                    .map(|(k, v)| (k, v.to_string()))
                    .collect(),
            );
            1
        }
        Priceability::Undecided { why } => {
            report.why = Some(why);
            3
        }
    };
    output.json(&report, exit, out)
}

/// `pb generate` (and `generate pb`): a seeded random approval election.
pub(crate) fn generate(spec: &GenerateArgs, out: Stdout<'_>) -> Result<Exit, CliError> {
    let seed = spec.seed;
    let mut random = pb::RandomElection::new(spec.projects, spec.voters)
        .with_approvals(spec.approvals)
        .with_cost(spec.cost)
        .with_budget_percent(spec.budget_percent)
        .with_districts(spec.districts);
    if spec.pabulib_like {
        random = random.pabulib_like(spec.districts);
    }
    if let Some(spread) = spec.cost_spread {
        random = random.with_costs(pb::generate::Costs::LogUniform { spread });
    }
    if spec.euclidean {
        random = random.with_geography(pb::generate::Geography::Euclidean);
    }
    let spec = random;
    let text = pb::generate::text(&spec, seed).map_err(guided_community::Error::from)?;
    out.write_all(text.as_bytes()).map_err(CliError::Stdout)?;
    Ok(0)
}
