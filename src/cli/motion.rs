//! `guided-community motion`: decide a motion from its vote counts.

use clap::ValueEnum;
use guided_community::deliberation::{self, Attendance, Threshold, Votes};
use serde::Serialize;

use super::{CliError, Exit, Output, Stdout};

/// Decide a motion: `{"passed": bool, "quorum": bool, "reason": "…"}`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The threshold the motion must reach.
    #[arg(long, value_enum)]
    threshold: ThresholdArg,
    /// Votes in favour.
    #[arg(long)]
    yes: u32,
    /// Votes against.
    #[arg(long)]
    no: u32,
    /// Members present who abstained (not votes cast).
    #[arg(long, default_value_t = 0)]
    abstain: u32,
    /// Members present.
    #[arg(long)]
    present: u32,
    /// Members of the body.
    #[arg(long)]
    members: u32,
    /// Members needed for a quorum [default: a majority of the members].
    #[arg(long)]
    quorum: Option<u32>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ThresholdArg {
    /// More yes than no among the votes cast.
    Majority,
    /// At least two-thirds of the votes cast.
    TwoThirds,
    /// More than half of all members.
    MajorityOfMembers,
}

impl From<ThresholdArg> for Threshold {
    fn from(arg: ThresholdArg) -> Self {
        match arg {
            ThresholdArg::Majority => Self::Majority,
            ThresholdArg::TwoThirds => Self::TwoThirds,
            ThresholdArg::MajorityOfMembers => Self::MajorityOfMembers,
        }
    }
}

#[derive(Serialize)]
struct Report {
    passed: bool,
    quorum: bool,
    reason: String,
}

pub(crate) fn run(args: &Args, output: Output, out: Stdout<'_>) -> Result<Exit, CliError> {
    let votes = Votes {
        yes: args.yes,
        no: args.no,
        abstain: args.abstain,
    };
    let attendance = Attendance {
        present: args.present,
        members: args.members,
        quorum: args.quorum,
    };
    let decision = deliberation::decide(args.threshold.into(), votes, attendance)
        .map_err(guided_community::Error::from)?;
    let report = Report {
        passed: decision.passed,
        quorum: decision.quorum,
        reason: decision.reason.to_string(),
    };
    output.json(&report, 0, out)
}
