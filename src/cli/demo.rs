//! `guided-community demo`: a sample community's quarter, end to end, with the
//! publicity report written as HTML and JSON.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use guided_community::{Policy, Step, points, quarterly_cycle_observed, report, sample};
use serde::Serialize;

use super::{CliError, Exit, Output, Stdout};

/// Run a quarter on a sample community and write `quarterly-report.html`,
/// `quarterly-report.json` and the points ledger the report anchors,
/// `points-ledger.jsonl`, to `--out`; prints a summary as JSON.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Households [default: 阳光社区's 1,200]; any other number, from 1 to
    /// 10,000,000, gets a community on its proportions.
    #[arg(long)]
    households: Option<u64>,
    /// The seed of the sample.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Where to write the report.
    #[arg(long, default_value = ".")]
    out: PathBuf,
}

/// From this many households on, progress goes to standard error.
const PROGRESS_FROM: u64 = 100_000;

#[derive(Debug, Serialize)]
struct Summary {
    community: String,
    households: u64,
    residents: u64,
    budget: guided_community::pools::Fen,
    balanced: bool,
    within_allocation: bool,
    households_granted: u64,
    mismatch: rust_decimal::Decimal,
    warnings: usize,
    diagnostics: usize,
    html: PathBuf,
    json: PathBuf,
    ledger: PathBuf,
}

/// A progress bar on standard error: redrawn in place on a terminal, one line per
/// step otherwise.
struct Progress {
    on: bool,
    terminal: bool,
    done: usize,
    total: usize,
}

impl Progress {
    fn step(&mut self, label: &str) {
        if !self.on {
            return;
        }
        self.done += 1;
        let width = 24;
        let filled = width * self.done.min(self.total) / self.total.max(1);
        let bar = format!(
            "[{}{}] {}/{} {label}",
            "#".repeat(filled),
            ".".repeat(width - filled),
            self.done,
            self.total
        );
        let mut err = std::io::stderr().lock();
        // Progress is a courtesy: a closed standard error does not stop the demo.
        let _ = if self.terminal {
            write!(err, "\r\x1b[2K{bar}")
        } else {
            writeln!(err, "{bar}")
        };
        let _ = err.flush();
    }

    fn finish(&self) {
        if self.on && self.terminal {
            let _ = writeln!(std::io::stderr());
        }
    }
}

pub(crate) fn run(args: &Args, output: Output, out: Stdout<'_>) -> Result<Exit, CliError> {
    // Limits first: an error is the only line on standard error.
    let spec = args.households.map(sample::Spec::scaled);
    if let Some(spec) = &spec {
        spec.check()?;
    }
    let mut progress = Progress {
        on: args.households.is_some_and(|n| n >= PROGRESS_FROM),
        terminal: std::io::stderr().is_terminal(),
        done: 0,
        total: Step::ALL.len() + 2,
    };
    progress.step("generating the sample community 生成示例社区");
    let inputs = match &spec {
        None => sample::sunshine(args.seed),
        Some(spec) => sample::generate(spec, args.seed)?,
    };
    let quarter = quarterly_cycle_observed(&inputs, &Policy::default(), &mut |step| {
        progress.step(step.label());
    })?;
    progress.step("writing files 写入文件");
    let r = &quarter.publicity;
    let html = args.out.join("quarterly-report.html");
    let json = args.out.join("quarterly-report.json");
    let log_path = args.out.join("points-ledger.jsonl");
    let text = serde_json::to_string_pretty(r).map_err(CliError::Output)? + "\n";
    // The ledger whose anchor (size, head, root) the report prints.
    let ledger = points::Ledger::replay(quarter.ledger.iter().cloned())
        .map_err(guided_community::Error::from)?;
    let mut log = Vec::new();
    points::log::Chain::new()
        .write(&ledger, &mut log)
        .map_err(guided_community::Error::from)?;
    std::fs::create_dir_all(&args.out)
        .and_then(|()| std::fs::write(&html, report::render_html(r)))
        .and_then(|()| std::fs::write(&json, text))
        .and_then(|()| std::fs::write(&log_path, log))
        .map_err(|error| write_error(&args.out, error))?;
    progress.finish();
    let summary = Summary {
        community: r.community.clone(),
        households: r.households,
        residents: r.residents,
        budget: r.before.budget,
        balanced: r.after.accounts.balanced,
        within_allocation: r.after.accounts.within_allocation,
        households_granted: r.before.households_granted,
        mismatch: r.after.fairness.mismatch,
        warnings: r.after.warnings.len(),
        diagnostics: quarter.diagnostics.len(),
        html,
        json,
        ledger: log_path,
    };
    output.json(&summary, 0, out)
}

fn write_error(dir: &Path, error: std::io::Error) -> CliError {
    CliError::Write {
        path: format!("`{}`", dir.display()),
        error,
    }
}
