//! The `guided-community` command line: every subcommand reads JSON (from a file
//! argument, or standard input when the file is omitted or `-`) or flags, writes one
//! JSON document to standard output, and reports an error as one line on standard
//! error with exit code 2 and nothing on standard output.

use std::io::Write;
use std::process::ExitCode;

mod cli;

fn main() -> ExitCode {
    let args = match cli::parse() {
        Ok(args) => args,
        Err(err) => return cli::usage_error(&err),
    };
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let result = cli::run(args, &mut stdout)
        .and_then(|exit| stdout.flush().map(|()| exit).map_err(cli::CliError::Stdout));
    match result {
        Ok(exit) => ExitCode::from(exit),
        // A closed pipe (`| head`) is the reader's choice, not our failure.
        Err(cli::CliError::Stdout(err)) if err.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(err) => {
            // What was buffered is dropped: an error leaves standard output empty
            // (streams written as they go excepted).
            drop(stdout.into_parts());
            eprintln!("error: {}", cli::printable(&err.to_string()));
            ExitCode::from(2)
        }
    }
}
