//! The `guided-community` command line: every subcommand reads JSON (from a file
//! argument, or standard input when the file is omitted or `-`) or flags, writes one
//! JSON document to standard output, and reports an error as one line on standard
//! error with exit code 2 and nothing on standard output.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

mod cli;

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(err) => return cli::usage_error(&err),
    };
    match cli::run(args) {
        Ok(outcome) => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(outcome.stdout.as_bytes())
                .and_then(|()| stdout.flush())
            {
                // A closed pipe (`| head`) is the reader's choice, not our failure.
                Ok(()) => ExitCode::from(outcome.exit),
                Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => {
                    ExitCode::from(outcome.exit)
                }
                Err(err) => {
                    eprintln!("error: cannot write to standard output: {err}");
                    ExitCode::from(2)
                }
            }
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}
