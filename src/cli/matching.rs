//! `guided-community match` and `guided-community caseload`: who serves whom,
//! and which guide looks after which buildings.

use guided_community::matching;

use super::{CliError, Exit, Input, Output, Stdout};

/// Match residents' requests to volunteers (社区能人库, 时间银行): the most
/// urgency served, then the least walking, under skills, time windows,
/// no overlaps and each volunteer's limit.
///
/// Input: `{"requests": [{"id", "skill", "from", "to", "building",
/// "urgency"}], "volunteers": [{"id", "skills": ["escort", {"skill":
/// "repair", "level": 2}], "available": [["from", "to"], …], "building",
/// "max_hours"}], "distance": {"B1": {"B2": 120}, …}}`, times as RFC 3339
/// with their offset (`2025-10-13T09:00:00+08:00`). Prints the matches (each
/// with its skill, window and distance), the requests not served with why,
/// the objective, each volunteer's load, and whether the matching is proven
/// optimal (otherwise the bound it is measured against).
#[derive(Debug, clap::Args)]
pub(crate) struct MatchArgs {
    /// Spread the load: between urgency and distance, make the largest share
    /// of a volunteer's limit as small as possible.
    #[arg(long)]
    spread_load: bool,
    /// Nodes the exact search may visit per independent part (counted, not
    /// timed: the same input gives the same answer anywhere).
    #[arg(long, default_value_t = 200_000)]
    node_limit: u64,
    #[command(flatten)]
    input: Input,
}

/// Assign buildings to guides (指导员) so that need-weighted caseloads are as
/// even as possible, within a cap on households (the article's 1,500) and a
/// distance from each guide's base.
///
/// Input: `{"buildings": [{"id", "households", "weight"}], "guides": [{"id",
/// "base", "cap"}], "cap": 1500, "max_distance": 800, "distance": {…}}`.
/// Prints each guide's buildings and load, the buildings no guide can take
/// with why, the imbalance, and the gap to a proven lower bound.
#[derive(Debug, clap::Args)]
pub(crate) struct CaseloadArgs {
    /// Nodes the exact search may visit (counted, not timed).
    #[arg(long, default_value_t = 1_000_000)]
    node_limit: u64,
    #[command(flatten)]
    input: Input,
}

pub(crate) fn run(args: &MatchArgs, output: Output, out: Stdout<'_>) -> Result<Exit, CliError> {
    let instance: matching::Instance = args.input.read_json()?;
    let options = matching::MatchOptions::default()
        .spread_load(args.spread_load)
        .node_limit(args.node_limit);
    let result =
        matching::match_requests(&instance, options).map_err(guided_community::Error::from)?;
    output.json(&result, 0, out)
}

pub(crate) fn caseload(
    args: &CaseloadArgs,
    output: Output,
    out: Stdout<'_>,
) -> Result<Exit, CliError> {
    let input: matching::CaseloadInput = args.input.read_json()?;
    let options = matching::CaseloadOptions::default().node_limit(args.node_limit);
    let result =
        matching::assign_caseloads(&input, options).map_err(guided_community::Error::from)?;
    output.json(&result, 0, out)
}
