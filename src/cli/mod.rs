//! Argument parsing and the plumbing every subcommand shares: where input comes from,
//! how output and errors are written.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde::Serialize;
use serde::de::DeserializeOwned;

mod apportion;
mod choose;
mod committee;
mod demo;
mod fund;
mod generate;
mod json_error;
mod ledger;
mod matching;
mod metrics;
mod motion;
mod participation;
mod pb;
mod petition;
mod project;
mod score;
mod triage;

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
    /// Divide an integer total among weights, exactly, with optional floors and caps.
    Apportion(apportion::Args),
    /// Inequality measures: Gini, Theil (with groups), MLD, Atkinson, Hoover, CV, Palma.
    Inequality(metrics::Args),
    /// Decide a motion: quorum, then an exact threshold test.
    Motion(motion::Args),
    /// Score households' needs: weighted, explainable, ranked and tiered.
    Score(score::Args),
    /// A petition's response deadline in working days (with 调休 make-up days).
    Deadline(triage::DeadlineArgs),
    /// Petition tracking codes: new ones from a seed, or check a typed one.
    #[command(subcommand)]
    Code(triage::CodeCommand),
    /// Petitions kept in a store: submit, update, and the resident's status
    /// lookup by tracking code.
    #[command(subcommand)]
    Petition(petition::PetitionCommand),
    /// Choose between plans (方案比选): plurality, approval, Borda, IRV, Schulze, Copeland.
    Tally(choose::TallyArgs),
    /// Council composition: select one by a maximin-fair lottery, or check one.
    #[command(subcommand)]
    Council(choose::CouncilCommand),
    /// Elect a committee (a council, representatives) by approval votes with
    /// abcvoting's rules, or check a committee's proportionality.
    Committee(committee::Args),
    /// Participatory budgeting (参与式预算) on a Pabulib file: greedy, equal shares, Phragmén.
    Pb(pb::Args),
    /// The points bank's tamper-evident log: a sample, replay, verify, inclusion proofs.
    #[command(subcommand)]
    Ledger(ledger::LedgerCommand),
    /// Seeded random inputs for Monte-Carlo studies: ranked profiles by
    /// culture (PrefLib or JSON).
    #[command(subcommand)]
    Generate(generate::GenerateCommand),
    /// The community's own money (社区基金): share an income out by a
    /// published rule, or a fund's statement from the ledger's log.
    #[command(subcommand)]
    Fund(fund::FundCommand),
    /// Who takes part, through which door (分层分类参与): participation by
    /// group and channel, representation, the council's composition, the
    /// leaders' pipeline.
    Participation(participation::Args),
    /// From decision to done (项目化管理): schedule a resolution's project in
    /// working days, or report its progress against the baseline.
    #[command(subcommand)]
    Project(project::ProjectCommand),
    /// Judge a pilot (试点先行): difference-in-differences with a bootstrap
    /// interval and a roll-out gate.
    Pilot(project::PilotArgs),
    /// Match residents' requests to volunteers (社区能人库, 时间银行): most
    /// urgency served, then least walking; every unserved request says why.
    Match(matching::MatchArgs),
    /// Assign buildings to guides (指导员) with caseloads as even as possible
    /// under a cap, with the gap to a proven bound.
    Caseload(matching::CaseloadArgs),
    /// A sample community's quarter end to end: writes the publicity report (公示)
    /// as HTML and JSON.
    Demo(demo::Args),
}

/// Where a subcommand writes its output: standard output, buffered. A subcommand
/// that can fail writes nothing before it knows it will not, so an error leaves
/// standard output empty; `code new` and `ledger demo` stream as they go.
pub(crate) type Stdout<'a> = &'a mut dyn std::io::Write;

/// The exit code of a subcommand that ran: 0, or 1 for a negative answer
/// (an invalid code, a broken chain, a council that breaks its rules).
pub(crate) type Exit = u8;

/// Why a subcommand failed: printed as one line after `error: `.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// A domain rule rejected the input.
    #[error(transparent)]
    Domain(#[from] guided_community::Error),
    /// The store could not be opened or written.
    #[error(transparent)]
    Store(#[from] guided_community::store::Error),
    /// The store did not record a petition or its update.
    #[error(transparent)]
    Refused(#[from] guided_community::store::Refusal),
    /// The input could not be read.
    #[error("cannot read {source_name}: {error}")]
    Read {
        /// `standard input` or the file's path in backticks.
        source_name: String,
        /// Why.
        error: std::io::Error,
    },
    /// The input is not the JSON the subcommand expects.
    #[error("invalid input in {source_name}: {message}")]
    Input {
        /// `standard input` or the file's path in backticks.
        source_name: String,
        /// What is wrong, with its line and column or entry.
        message: String,
    },
    /// A file could not be written.
    #[error("cannot write to {path}: {error}")]
    Write {
        /// The directory, in backticks.
        path: String,
        /// Why.
        error: std::io::Error,
    },
    /// The output could not be serialized.
    #[error("cannot write JSON: {0}")]
    Output(serde_json::Error),
    /// A request beyond a documented limit.
    #[error("{0}")]
    Limit(String),
    /// Standard output could not be written (a closed pipe is not reported).
    #[error("cannot write to standard output: {0}")]
    Stdout(std::io::Error),
}

/// Runs the parsed command line.
pub(crate) fn run(cli: Cli, out: Stdout<'_>) -> Result<Exit, CliError> {
    let output = Output { pretty: cli.pretty };
    match cli.command {
        Command::Apportion(args) => apportion::run(&args, output, out),
        Command::Inequality(args) => metrics::run(&args, output, out),
        Command::Motion(args) => motion::run(&args, output, out),
        Command::Score(args) => score::run(&args, output, out),
        Command::Deadline(args) => triage::deadline(&args, output, out),
        Command::Code(command) => triage::code(&command, output, out),
        Command::Petition(command) => petition::run(&command, output, out),
        Command::Tally(args) => choose::tally(&args, output, out),
        Command::Council(command) => choose::council(&command, output, out),
        Command::Ledger(command) => ledger::run(&command, output, out),
        Command::Pb(args) => pb::run(&args, output, out),
        Command::Committee(args) => committee::run(&args, output, out),
        Command::Demo(args) => demo::run(&args, output, out),
        Command::Project(command) => project::run(&command, output, out),
        Command::Fund(command) => fund::run(&command, output, out),
        Command::Participation(args) => participation::run(&args, output, out),
        Command::Pilot(args) => project::pilot(&args, output, out),
        Command::Match(args) => matching::run(&args, output, out),
        Command::Caseload(args) => matching::caseload(&args, output, out),
        Command::Generate(command) => generate::run(&command, output, out),
    }
}

/// Where a subcommand's JSON comes from: a file, or standard input when the file
/// is omitted or `-`.
#[derive(Debug, Clone, clap::Args)]
struct Input {
    /// The input file [default: standard input].
    file: Option<PathBuf>,
}

impl Input {
    /// A file input.
    fn file(path: PathBuf) -> Self {
        Self { file: Some(path) }
    }

    fn source_name(&self) -> String {
        match self.path() {
            Some(path) => format!("`{}`", path.display()),
            None => "standard input".to_owned(),
        }
    }

    fn path(&self) -> Option<&Path> {
        self.file.as_deref().filter(|p| *p != Path::new("-"))
    }

    /// The raw bytes of the input.
    fn read_bytes(&self) -> Result<Vec<u8>, CliError> {
        let read = || -> std::io::Result<Vec<u8>> {
            if let Some(path) = self.path() {
                return std::fs::read(path);
            }
            let mut bytes = Vec::new();
            std::io::stdin().lock().read_to_end(&mut bytes)?;
            Ok(bytes)
        };
        read().map_err(|error| CliError::Read {
            source_name: self.source_name(),
            error,
        })
    }

    /// The input as text, without the byte-order mark Windows Notepad writes.
    fn read_text(&self) -> Result<String, CliError> {
        let mut text = String::from_utf8(self.read_bytes()?).map_err(|_| CliError::Read {
            source_name: self.source_name(),
            error: std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8"),
        })?;
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        Ok(text)
    }

    /// The input parsed as `T`.
    fn read_json<T: DeserializeOwned>(&self) -> Result<T, CliError> {
        let text = self.read_text()?;
        serde_json::from_str(&text).map_err(|e| self.invalid(&json_error::humanize(&e, &text)))
    }

    /// An input error naming this input.
    fn invalid(&self, message: &dyn std::fmt::Display) -> CliError {
        CliError::Input {
            source_name: self.source_name(),
            message: message.to_string(),
        }
    }
}

/// Names for a message, each once, sorted and quoted: "`age`, `building`",
/// or "none".
fn names<'a>(names: impl IntoIterator<Item = &'a (impl AsRef<str> + ?Sized + 'a)>) -> String {
    let names: std::collections::BTreeSet<&str> = names.into_iter().map(AsRef::as_ref).collect();
    if names.is_empty() {
        return "none".to_owned();
    }
    names
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How JSON is written.
#[derive(Debug, Clone, Copy)]
struct Output {
    pretty: bool,
}

impl Output {
    /// Writes `value` as JSON and a newline, and answers exit code `exit`.
    fn json<T: Serialize>(self, value: &T, exit: Exit, out: Stdout<'_>) -> Result<Exit, CliError> {
        let mut text = if self.pretty {
            serde_json::to_string_pretty(value)
        } else {
            serde_json::to_string(value)
        }
        .map_err(CliError::Output)?;
        text.push('\n');
        out.write_all(text.as_bytes()).map_err(CliError::Stdout)?;
        Ok(exit)
    }
}

/// Parses the command line. A missing subcommand is a usage error like any other
/// (one line naming the subcommands), not a page of help on standard error.
pub(crate) fn parse() -> Result<Cli, clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    fn one_line_errors(command: clap::Command) -> clap::Command {
        command
            .arg_required_else_help(false)
            .mut_subcommands(one_line_errors)
    }
    let matches = one_line_errors(Cli::command()).try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

/// Reports a command-line parsing failure. `--help` and `--version` go to standard
/// output with exit code 0; a usage error is one line on standard error, exit 2:
/// clap's message with its details (the missing arguments, the accepted values,
/// a suggestion) joined onto that line.
pub(crate) fn usage_error(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // Printing can only fail on a closed pipe, where there is no one to tell.
            let _ = err.print();
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{}", one_line(&err.render().to_string()));
            ExitCode::from(2)
        }
    }
}

/// `text` with every control character escaped (`\n`, `\u{1}`), so that an id
/// or value echoed in an error cannot break the one-line convention.
pub(crate) fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// clap's multi-line usage error as one line: the message, then its indented
/// details and tips; the usage and "for more information" lines are dropped.
fn one_line(rendered: &str) -> String {
    let mut line = String::new();
    for part in rendered.lines().map(str::trim) {
        if part.is_empty() || part.starts_with("Usage:") || part.starts_with("For more information")
        {
            continue;
        }
        if !line.is_empty() {
            let joiner = if line.ends_with(':') || part.starts_with('[') {
                " "
            } else {
                "; "
            };
            line.push_str(joiner);
        }
        line.push_str(&printable(part));
    }
    if line.is_empty() {
        line.push_str("error: invalid arguments (see --help)");
    }
    // Rust's integer-parsing messages, in words.
    for (from, to) in [
        (
            "number too large to fit in target type",
            "too large for this option",
        ),
        ("number too small to fit in target type", "below zero"),
        ("invalid digit found in string", "not a whole number"),
        (
            "cannot parse integer from empty string",
            "empty, expected a whole number",
        ),
    ] {
        line = line.replace(from, to);
    }
    line
}
