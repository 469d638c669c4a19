//! `guided-community apportion`: divide an integer total among weighted demands.

use clap::ValueEnum;
use guided_community::pools::{self, ApportionMethod, Demand};

use super::{CliError, Exit, Input, Output, Stdout};

/// Divide `--total` among the weights in the input, exactly.
///
/// The input is a JSON array of weights (`[3, "2.5", 0]`) or of demands
/// (`{"weight": 3, "floor": 1, "cap": 10}`), mixed freely. Weights given as strings
/// are exact; JSON numbers are exact up to 15 significant digits. Prints
/// `{"method", "total", "parts", "unallocated", "reasons"}`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The rounding method.
    #[arg(long, value_enum, default_value_t = MethodArg::Hamilton)]
    method: MethodArg,
    /// The integer total to divide (fen, places, hours).
    #[arg(long)]
    total: u64,
    #[command(flatten)]
    input: Input,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum MethodArg {
    /// Largest remainder.
    Hamilton,
    /// D'Hondt (Jefferson).
    Dhondt,
    /// Sainte-Laguë (Webster).
    SainteLague,
    /// Huntington–Hill (equal proportions).
    HuntingtonHill,
    /// Adams (smallest divisors).
    Adams,
}

impl From<MethodArg> for ApportionMethod {
    fn from(arg: MethodArg) -> Self {
        match arg {
            MethodArg::Hamilton => Self::Hamilton,
            MethodArg::Dhondt => Self::DHondt,
            MethodArg::SainteLague => Self::SainteLague,
            MethodArg::HuntingtonHill => Self::HuntingtonHill,
            MethodArg::Adams => Self::Adams,
        }
    }
}

pub(crate) fn run(args: &Args, output: Output, out: Stdout<'_>) -> Result<Exit, CliError> {
    let demands: Vec<Demand> = args.input.read_json()?;
    let allocation = pools::allocate(args.total, &demands, args.method.into())
        .map_err(guided_community::Error::from)?;
    output.json(&allocation, 0, out)
}
