//! `guided-community generate`: seeded random inputs for Monte-Carlo studies.

use clap::{Subcommand, ValueEnum};
use guided_community::deliberation::generate::{self, Culture};
use guided_community::deliberation::preflib;

use super::{CliError, Exit, Output, Stdout};

/// Seeded random inputs: the same seed writes the same file on every machine.
#[derive(Debug, Subcommand)]
pub(crate) enum GenerateCommand {
    /// A ranked profile from a culture model, as PrefLib (`.soc`) or as the
    /// JSON `tally` reads.
    Profile(ProfileArgs),
    /// An approval budgeting election as a Pabulib file (as `pb generate`).
    Pb(super::pb::GenerateArgs),
    /// A volunteer pool as the JSON `council select` reads: each volunteer
    /// draws each attribute's value uniformly.
    Pool(PoolArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct PoolArgs {
    /// Volunteers, 1 to 100,000.
    #[arg(long)]
    volunteers: usize,
    /// An attribute and its values: `age=young,middle,senior` (repeat the flag
    /// for more).
    #[arg(long = "attribute", value_parser = attribute)]
    attributes: Vec<(String, Vec<String>)>,
    /// The seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

/// `name=value,value,…`.
fn attribute(text: &str) -> Result<(String, Vec<String>), String> {
    let (name, values) = text
        .split_once('=')
        .ok_or_else(|| "write it as name=value,value (e.g. age=young,senior)".to_owned())?;
    let values: Vec<String> = values
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect();
    if name.trim().is_empty() || values.is_empty() {
        return Err("write it as name=value,value (e.g. age=young,senior)".to_owned());
    }
    Ok((name.trim().to_owned(), values))
}

#[derive(Debug, clap::Args)]
pub(crate) struct ProfileArgs {
    /// The culture.
    #[arg(long, value_enum)]
    culture: CultureArg,
    /// Mallows' dispersion φ in percent (0: everyone ranks c1 > c2 > …; 100:
    /// impartial culture).
    #[arg(long, default_value_t = 50)]
    phi: u32,
    /// The urn's α in percent (0: impartial culture; larger: voters more alike).
    #[arg(long, default_value_t = 10)]
    alpha: u32,
    /// Voters, 1 to 10,000,000.
    #[arg(long)]
    voters: u64,
    /// Candidates, 1 to 1,000 (named c1, c2, …).
    #[arg(long)]
    candidates: usize,
    /// The seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// What to write.
    #[arg(long, value_enum, default_value_t = FormatArg::Preflib)]
    format: FormatArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CultureArg {
    /// Impartial culture.
    Ic,
    /// Impartial anonymous culture (at most 34 candidates).
    Iac,
    /// Mallows (--phi).
    Mallows,
    /// The Pólya–Eggenberger urn (--alpha).
    Urn,
    /// Voters and candidates on a line, nearest first.
    #[value(name = "euclidean-1d")]
    Euclidean1d,
    /// Voters and candidates in a square, nearest first.
    #[value(name = "euclidean-2d")]
    Euclidean2d,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    /// PrefLib `.soc`.
    Preflib,
    /// `{"candidates", "ballots"}`, as `tally` reads it.
    Json,
}

pub(crate) fn run(
    command: &GenerateCommand,
    output: Output,
    out: Stdout<'_>,
) -> Result<Exit, CliError> {
    let args = match command {
        GenerateCommand::Profile(args) => args,
        GenerateCommand::Pb(spec) => return super::pb::generate(spec, out),
        GenerateCommand::Pool(args) => return pool(args, output, out),
    };
    let culture = match args.culture {
        CultureArg::Ic => Culture::ImpartialCulture,
        CultureArg::Iac => Culture::ImpartialAnonymousCulture,
        CultureArg::Mallows => Culture::Mallows {
            phi_percent: args.phi,
        },
        CultureArg::Urn => Culture::Urn {
            alpha_percent: args.alpha,
        },
        CultureArg::Euclidean1d => Culture::Euclidean { dimensions: 1 },
        CultureArg::Euclidean2d => Culture::Euclidean { dimensions: 2 },
    };
    let election = generate::profile(culture, args.voters, args.candidates, args.seed)
        .map_err(guided_community::Error::from)?;
    match args.format {
        FormatArg::Json => output.json(&election, 0, out),
        FormatArg::Preflib => {
            let text = preflib::write(&election, &format!("seed-{}.soc", args.seed))
                .map_err(guided_community::Error::from)?;
            out.write_all(text.as_bytes()).map_err(CliError::Stdout)?;
            Ok(0)
        }
    }
}

/// `generate pool`.
fn pool(args: &PoolArgs, output: Output, out: Stdout<'_>) -> Result<Exit, CliError> {
    /// The pool as `council select` reads it.
    #[derive(serde::Serialize)]
    struct Pool {
        volunteers: Vec<guided_community::deliberation::Volunteer>,
    }
    let volunteers =
        guided_community::deliberation::random_pool(args.volunteers, &args.attributes, args.seed)
            .map_err(guided_community::Error::from)?;
    output.json(&Pool { volunteers }, 0, out)
}
