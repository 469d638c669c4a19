//! `guided-community pb`: participatory budgeting on a Pabulib file.

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
}

#[derive(Debug, clap::Args)]
struct GenerateArgs {
    /// Projects (1 to 100,000).
    #[arg(long, default_value_t = 300)]
    projects: u32,
    /// Voters (1 to 10,000,000).
    #[arg(long, default_value_t = 6_000)]
    voters: u32,
    /// Mean approvals per voter (each approves 1 to twice this less one).
    #[arg(long, default_value_t = 10)]
    approvals: u32,
    /// Typical cost: costs are distinct, drawn from [cost/2, 3·cost/2).
    #[arg(long, default_value_t = 1_000_000)]
    cost: u64,
    /// The budget, in percent of all projects' cost.
    #[arg(long, default_value_t = 20)]
    budget_percent: u32,
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
        let seed = spec.seed;
        let spec = pb::RandomElection::new(spec.projects, spec.voters)
            .with_approvals(spec.approvals)
            .with_cost(spec.cost)
            .with_budget_percent(spec.budget_percent);
        let text = pb::generate::text(&spec, seed).map_err(guided_community::Error::from)?;
        out.write_all(text.as_bytes()).map_err(CliError::Stdout)?;
        return Ok(0);
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
