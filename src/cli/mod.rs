//! Argument parsing and the plumbing every subcommand shares: where input comes from,
//! how output and errors are written.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde::Serialize;

mod motion;

/// Guided community service management from the command line.
///
/// Every subcommand prints one JSON document on standard output. Errors are one line
/// on standard error, with exit code 2 and nothing on standard output.
#[derive(Debug, Parser)]
#[command(name = "guided-community", version, about, long_about = None)]
pub(crate) struct Cli {
    /// Pretty-print the JSON output.
    #[arg(long, global = true)]
    pretty: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decide a motion: quorum, then an exact threshold test.
    Motion(motion::Args),
}

/// What a subcommand produced.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// Everything to write on standard output.
    pub(crate) stdout: String,
    /// The process exit code.
    pub(crate) exit: u8,
}

/// Why a subcommand failed: printed as one line after `error: `.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// A domain rule rejected the input.
    #[error(transparent)]
    Domain(#[from] guided_community::Error),
    /// The output could not be serialized.
    #[error("cannot write JSON: {0}")]
    Output(serde_json::Error),
}

/// Runs the parsed command line.
pub(crate) fn run(cli: Cli) -> Result<Outcome, CliError> {
    let output = Output { pretty: cli.pretty };
    match cli.command {
        Command::Motion(args) => motion::run(&args, output),
    }
}

/// How JSON is written.
#[derive(Debug, Clone, Copy)]
struct Output {
    pretty: bool,
}

impl Output {
    /// A successful outcome carrying `value` as JSON, with exit code `exit`.
    fn json<T: Serialize>(self, value: &T, exit: u8) -> Result<Outcome, CliError> {
        let mut stdout = if self.pretty {
            serde_json::to_string_pretty(value)
        } else {
            serde_json::to_string(value)
        }
        .map_err(CliError::Output)?;
        stdout.push('\n');
        Ok(Outcome { stdout, exit })
    }
}

/// Reports a command-line parsing failure. `--help` and `--version` go to standard
/// output with exit code 0; a usage error is its first line on standard error, exit 2.
pub(crate) fn usage_error(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // Printing can only fail on a closed pipe, where there is no one to tell.
            let _ = err.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            ExitCode::from(2)
        }
        _ => {
            let rendered = err.render().to_string();
            let line = rendered
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("error: invalid arguments");
            eprintln!("{line}");
            ExitCode::from(2)
        }
    }
}
