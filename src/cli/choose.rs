//! `guided-community tally` and `guided-community council`: choosing between plans
//! (方案比选) and selecting a council by a fair lottery.

use std::collections::BTreeMap;

use clap::{Subcommand, ValueEnum};
use guided_community::deliberation::{
    self, CandidateElection, CandidateTieBreak, CouncilRules, RunoffTies, TallyOptions, Violation,
    Volunteer, VotingMethod,
};
use serde::{Deserialize, Serialize};

use super::{CliError, Exit, Input, Output, Stdout};

/// Tally ranked or approval ballots: `{"winners", "ranking", "rounds", …}`.
#[derive(Debug, clap::Args)]
pub(crate) struct TallyArgs {
    /// The method.
    #[arg(long, value_enum)]
    method: MethodArg,
    /// Settle a tie for first (and, with `--irv-ties tie-break`, IRV's ties for
    /// last) by this order, the favoured first: a comma-separated list naming
    /// every candidate once.
    #[arg(long, value_delimiter = ',', conflicts_with = "lottery")]
    tie_break: Option<Vec<String>>,
    /// Settle ties by an order drawn from this seed instead.
    #[arg(long)]
    lottery: Option<u64>,
    /// How IRV settles a tie for last.
    #[arg(long, value_enum, default_value_t = IrvTiesArg::ParallelUniverse)]
    irv_ties: IrvTiesArg,
    #[command(flatten)]
    input: Input,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum MethodArg {
    /// Most first preferences.
    Plurality,
    /// Most approvals (`approve` ballots).
    Approval,
    /// Positional points m−1 … 0.
    Borda,
    /// Instant-runoff.
    Irv,
    /// Schulze's beatpath method on margins.
    Schulze,
    /// Pairwise wins minus losses.
    Copeland,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum IrvTiesArg {
    /// Follow every order of elimination; the winners are all their winners.
    ParallelUniverse,
    /// Eliminate every tied candidate at once.
    All,
    /// Eliminate the tied candidate the --tie-break order (or --lottery) places lowest.
    TieBreak,
}

impl From<MethodArg> for VotingMethod {
    fn from(arg: MethodArg) -> Self {
        match arg {
            MethodArg::Plurality => Self::Plurality,
            MethodArg::Approval => Self::Approval,
            MethodArg::Borda => Self::Borda,
            MethodArg::Irv => Self::InstantRunoff,
            MethodArg::Schulze => Self::Schulze,
            MethodArg::Copeland => Self::Copeland,
        }
    }
}

pub(crate) fn tally(args: &TallyArgs, output: Output, out: Stdout<'_>) -> Result<Exit, CliError> {
    // PrefLib's ordinal files (`# …` headers) are read too.
    let text = args.input.read_text()?;
    let election: CandidateElection = if text.trim_start().starts_with('#') {
        deliberation::preflib::read(&text).map_err(|e| args.input.invalid(&e))?
    } else {
        serde_json::from_str(&text)
            .map_err(|e| args.input.invalid(&super::json_error::humanize(&e, &text)))?
    };
    let tie_break = match (&args.tie_break, args.lottery) {
        (Some(order), _) => Some(CandidateTieBreak::Order(order.clone())),
        (None, Some(seed)) => Some(CandidateTieBreak::Lottery(seed)),
        (None, None) => None,
    };
    let mut options = TallyOptions::new().with_runoff_ties(match args.irv_ties {
        IrvTiesArg::ParallelUniverse => RunoffTies::ParallelUniverse,
        IrvTiesArg::All => RunoffTies::All,
        IrvTiesArg::TieBreak => RunoffTies::TieBreak,
    });
    options.tie_break = tie_break;
    let result = deliberation::tally_with(&election, args.method.into(), &options)
        .map_err(guided_community::Error::from)?;
    output.json(&result, 0, out)
}

/// Councils: select one by lottery, or check one against the rules.
#[derive(Debug, Subcommand)]
pub(crate) enum CouncilCommand {
    /// Draw a council meeting every rule by a maximin-fair lottery:
    /// `{"council", "probabilities", …}`. Infeasible rules exit 2, naming them.
    Select(SelectArgs),
    /// Check a council against the rules: `{"violations": […]}`, exit 1 if any.
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct SelectArgs {
    /// Seats to fill.
    #[arg(long)]
    seats: u32,
    /// The lottery's seed: the same seed draws the same council.
    #[arg(long)]
    seed: u64,
    /// The panel-selection tools' `categories.csv` (`category,name,min,max`),
    /// read with --respondents instead of the JSON pool.
    #[arg(long, requires = "respondents", conflicts_with = "file")]
    categories: Option<std::path::PathBuf>,
    /// Their `respondents.csv`: an `id` column and one column per category.
    #[arg(long, requires = "categories")]
    respondents: Option<std::path::PathBuf>,
    #[command(flatten)]
    input: Input,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    input: Input,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pool {
    volunteers: Vec<Volunteer>,
    #[serde(default = "CouncilRules::none")]
    rules: CouncilRules,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Council {
    council: Vec<Volunteer>,
    #[serde(default = "CouncilRules::none")]
    rules: CouncilRules,
}

#[derive(Serialize)]
struct Selected {
    council: Vec<String>,
    /// Each rounded to 6 places (equal chances show equal; `exact` sums to the seats).
    probabilities: BTreeMap<String, String>,
    /// The exact fractions.
    exact: BTreeMap<String, String>,
    minimum: String,
    /// The Gini coefficient and geometric mean of everyone's chances, to 6 places.
    gini: String,
    geometric_mean: String,
    unselectable: Vec<String>,
    coverage: Vec<deliberation::Coverage>,
    lottery: Vec<deliberation::Panel>,
}

#[derive(Serialize)]
struct Checked {
    violations: Vec<Violation>,
    reasons: Vec<String>,
}

pub(crate) fn council(
    command: &CouncilCommand,
    output: Output,
    out: Stdout<'_>,
) -> Result<Exit, CliError> {
    match command {
        CouncilCommand::Select(args) => {
            let pool: Pool = match (&args.categories, &args.respondents) {
                (Some(categories), Some(respondents)) => {
                    let (cats, resp) = (
                        Input::file(categories.clone()),
                        Input::file(respondents.clone()),
                    );
                    let (volunteers, rules) =
                        deliberation::sortition_csv::read(&cats.read_text()?, &resp.read_text()?)
                            .map_err(|error| csv_error(error, &cats, &resp))?;
                    Pool { volunteers, rules }
                }
                _ => args.input.read_json()?,
            };
            unread_attributes(&pool.rules, &pool.volunteers, "volunteer", &args.input)?;
            let selection =
                deliberation::select(&pool.volunteers, args.seats, &pool.rules, args.seed)
                    .map_err(guided_community::Error::from)?;
            let measures = guided_community::joins::lottery_measures(&selection)?;
            let report = Selected {
                probabilities: selection
                    .rounded(6)
                    .into_iter()
                    .map(|(id, p)| (id, p.to_string()))
                    .collect(),
                exact: selection
                    .probabilities
                    .iter()
                    .map(|c| (c.id.clone(), c.probability.to_string()))
                    .collect(),
                minimum: selection.minimum.to_decimal(6).to_string(),
                gini: measures.gini.round_dp(6).to_string(),
                geometric_mean: measures.geometric_mean.round_dp(6).to_string(),
                council: selection.council,
                unselectable: selection.unselectable,
                coverage: selection.coverage,
                lottery: selection.lottery,
            };
            output.json(&report, 0, out)
        }
        CouncilCommand::Check(args) => {
            let input: Council = args.input.read_json()?;
            unread_attributes(&input.rules, &input.council, "member", &args.input)?;
            let violations = deliberation::check(&input.council, &input.rules)
                .map_err(guided_community::Error::from)?;
            let exit = u8::from(!violations.is_empty());
            let reasons = violations.iter().map(ToString::to_string).collect();
            output.json(
                &Checked {
                    violations,
                    reasons,
                },
                exit,
                out,
            )
        }
    }
}

/// An error if a rule that caps or covers reads an attribute no one in
/// `people` has: with a misspelt key (`buildng`) it would hold vacuously, and
/// the council ignore it. (A `min` rule on it fails, naming itself.) Values
/// are not checked: "at most 2 from building 7" is a rule even when no one
/// from building 7 volunteered.
fn unread_attributes(
    rules: &CouncilRules,
    people: &[Volunteer],
    who: &str,
    input: &Input,
) -> Result<(), CliError> {
    if people.is_empty() {
        return Ok(());
    }
    let categories = rules
        .max
        .keys()
        .chain(rules.max_share.keys())
        .map(|c| c.key.as_str());
    let keys = categories
        .chain(rules.max_per.keys().map(String::as_str))
        .chain(rules.cover.iter().map(String::as_str));
    for key in keys {
        if people.iter().all(|p| !p.attributes.contains_key(key)) {
            let seen = super::names(people.iter().flat_map(|p| p.attributes.keys()));
            return Err(input.invalid(&format!(
                "a rule reads the attribute `{key}`, which no {who} has; their attributes are {seen}"
            )));
        }
    }
    Ok(())
}

/// A CSV pair's error naming the files as given: the crate, which reads no
/// files, names them by their roles (`categories.csv`, `respondents.csv`).
fn csv_error(error: deliberation::Error, categories: &Input, respondents: &Input) -> CliError {
    match error {
        deliberation::Error::SortitionCsv { file, line, reason } => {
            let input = if file == "categories.csv" {
                categories
            } else {
                respondents
            };
            let reason = reason.replace("categories.csv", &categories.source_name());
            input.invalid(&format!("line {line}: {reason}"))
        }
        other => guided_community::Error::from(other).into(),
    }
}
