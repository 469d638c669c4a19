//! `guided-community participation`: who takes part, through which door.

use guided_community::metrics;
use serde::{Deserialize, Serialize};

use super::{CliError, Exit, Input, Output, Stdout};

/// Who takes part (分层分类参与): participation by group and channel, each
/// group's representation among participants, the groups least reached; with
/// `council` (ids of people) the council's composition against the
/// residents'; with `rosters` the leaders' pipeline.
///
/// Input: `{"people": [{"id", "attributes": {"group": "young-renters", …}}],
/// "records": [{"resident", "channel", "on"}], "options": {"by": "group",
/// "min_group": 30, "low": "0.8", "high": "1.25"}, "council": ["r17", …],
/// "rosters": [{"period": "2025", "members": [["r17", "representative",
/// false], …]}]}`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    input: Input,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Given {
    people: Vec<metrics::Person>,
    #[serde(default)]
    records: Vec<metrics::Attendance>,
    #[serde(default)]
    options: metrics::ParticipationOptions,
    #[serde(default)]
    council: Vec<String>,
    #[serde(default)]
    rosters: Vec<metrics::Roster>,
}

#[derive(Serialize)]
struct Report {
    #[serde(flatten)]
    participation: metrics::Participation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    council: Vec<metrics::CompositionLine>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pipeline: Vec<metrics::PipelineStep>,
}

pub(crate) fn run(args: &Args, output: Output, out: Stdout<'_>) -> Result<Exit, CliError> {
    let given: Given = args.input.read_json()?;
    if given.people.is_empty() {
        return Err(args.input.invalid(&"`people` is empty: give the residents, each with an id and the attributes groups are read from"));
    }
    // A misspelt `by` would put everyone in "unstated" and report nothing.
    let by = &given.options.by;
    if !given.people.iter().any(|p| p.attributes.contains_key(by)) {
        let seen = super::names(given.people.iter().flat_map(|p| p.attributes.keys()));
        return Err(args.input.invalid(&format!(
            "no resident has the attribute `{by}` that `options.by` groups by; the residents' attributes are {seen}"
        )));
    }
    let participation = metrics::participation(&given.people, &given.records, &given.options)
        .map_err(guided_community::Error::from)?;
    let members: Vec<metrics::Person> = given
        .council
        .iter()
        .map(|id| {
            given
                .people
                .iter()
                .find(|p| &p.id == id)
                .cloned()
                .ok_or_else(|| {
                    args.input
                        .invalid(&format!("council member `{id}` is not among the people"))
                })
        })
        .collect::<Result<_, _>>()?;
    let council = if members.is_empty() {
        Vec::new()
    } else {
        metrics::composition(&members, &given.people, &given.options.by)
    };
    let report = Report {
        participation,
        council,
        pipeline: metrics::pipeline(&given.rosters),
    };
    output.json(&report, 0, out)
}
