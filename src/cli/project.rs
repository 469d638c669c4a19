//! `guided-community project` and `guided-community pilot`: resolutions as
//! projects scheduled in working days, their progress, and pilots.

use chrono::NaiveDate;
use guided_community::{joins, projects, triage};
use serde::Deserialize;

use super::{CliError, Exit, Input, Output, Stdout};

#[derive(Debug, clap::Subcommand)]
pub(crate) enum ProjectCommand {
    /// Schedule a plan: each step's start and end in working days (the
    /// mainland China calendar with its make-up working days, or the input's
    /// `calendar`), its slack, and the critical path.
    ///
    /// Input: `{"start": "2025-09-22", "steps": [{"id": "design",
    /// "working_days": 5, "after": [], "owner": "…", "budget_fen": 0}, …]}`.
    Plan(Input),
    /// A plan's progress on a day: the plan's fields plus `"today"` and
    /// `"events"` (`{"event": "started"|"done"|"blocked"|"unblocked"|
    /// "replanned"|"committed"|"spent", "step", "on", …}`); prints the
    /// status (on-track, at-risk, late, done) with its reason, the forecast
    /// against the baseline, and the money in fen.
    Status(Input),
}

/// Judge a pilot (试点先行) by difference-in-differences, with a bootstrap
/// interval from the seed and a roll-out gate.
///
/// Input: `{"measure", "indicator", "threshold", "confidence_percent": 95,
/// "units": [{"building", "pilot": true, "before", "after"}, …]}`.
#[derive(Debug, clap::Args)]
pub(crate) struct PilotArgs {
    /// The bootstrap's seed: the same seed, the same interval.
    #[arg(long)]
    seed: u64,
    /// Bootstrap resamples (1 to 100,000).
    #[arg(long, default_value_t = 2_000)]
    resamples: u32,
    #[command(flatten)]
    input: Input,
}

/// A plan, with an optional calendar of its own (triage's JSON form), and for
/// `project status` the day and the events. Every key is named, so a misspelt
/// one is an error, not silently dropped.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectInput {
    #[serde(default)]
    goal: String,
    #[serde(default)]
    owner: Option<String>,
    start: NaiveDate,
    steps: Vec<projects::Step>,
    #[serde(default)]
    calendar: Option<triage::Calendar>,
    #[serde(default)]
    today: Option<NaiveDate>,
    #[serde(default)]
    events: Vec<projects::StepEvent>,
}

impl ProjectInput {
    fn split(self) -> (projects::Plan, Option<triage::Calendar>) {
        let plan = projects::Plan {
            goal: self.goal,
            owner: self.owner,
            start: self.start,
            steps: self.steps,
        };
        (plan, self.calendar)
    }
}

pub(crate) fn run(
    command: &ProjectCommand,
    output: Output,
    out: Stdout<'_>,
) -> Result<Exit, CliError> {
    let china = triage::Calendar::mainland_china();
    match command {
        ProjectCommand::Plan(input) => {
            let given: ProjectInput = input.read_json()?;
            if given.today.is_some() || !given.events.is_empty() {
                return Err(input.invalid(&"`today` and `events` are for `project status`; `project plan` schedules the steps alone"));
            }
            let (plan, calendar) = given.split();
            let calendar = calendar.as_ref().unwrap_or(&china);
            let schedule = projects::schedule(&plan, &joins::working_days(calendar))
                .map_err(guided_community::Error::from)?;
            output.json(&schedule, 0, out)
        }
        ProjectCommand::Status(input) => {
            let given: ProjectInput = input.read_json()?;
            let Some(today) = given.today else {
                return Err(input.invalid(
                    &"`today` is missing: the day to report progress on, e.g. \"2025-10-09\"",
                ));
            };
            let events = given.events.clone();
            let (plan, calendar) = given.split();
            let calendar = calendar.as_ref().unwrap_or(&china);
            let progress =
                projects::progress(&plan, &events, today, &joins::working_days(calendar))
                    .map_err(guided_community::Error::from)?;
            output.json(&progress, 0, out)
        }
    }
}

pub(crate) fn pilot(args: &PilotArgs, output: Output, out: Stdout<'_>) -> Result<Exit, CliError> {
    let pilot: projects::Pilot = args.input.read_json()?;
    let result = projects::evaluate(&pilot, args.resamples, args.seed)
        .map_err(guided_community::Error::from)?;
    output.json(&result, 0, out)
}
