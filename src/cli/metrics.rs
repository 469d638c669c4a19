//! `guided-community inequality`: every inequality measure of a distribution.

use guided_community::metrics;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;

use super::{CliError, Exit, Input, Output, Stdout};

/// Inequality of amounts: `{"gini", "gini_sample", "theil_t", "mld",
/// "theil_between", "theil_within", "atkinson_0_5", "atkinson_1", "atkinson_2",
/// "hoover", "cv_population", "palma"}` as decimal strings (`null` where a measure
/// is undefined, e.g. MLD with a zero amount).
///
/// The input is `{"values": [...], "groups": [...]}`: values as numbers or decimal
/// strings, groups (optional, one label per value) as strings or numbers; the
/// between/within Theil decomposition needs groups.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    input: Input,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    values: Vec<Value>,
    #[serde(default)]
    groups: Option<Vec<Value>>,
}

/// A decimal from a JSON number (its shortest text: exact to 15 significant digits)
/// or a decimal string, exactly: a value that would need rounding is refused.
fn decimal(value: &Value) -> Option<Decimal> {
    match value {
        Value::Number(n) => guided_community::pools::exact_decimal(&n.to_string()),
        Value::String(s) => guided_community::pools::exact_decimal(s.trim()),
        _ => None,
    }
}

/// Why value `i` was refused: a number this cannot hold exactly (`1e308`,
/// 29 significant digits) is named as one, not as "not a number".
fn not_a_decimal(i: usize, value: &Value) -> String {
    let numeric = match value {
        Value::Number(_) => true,
        Value::String(s) => s.trim().parse::<f64>().is_ok_and(f64::is_finite),
        _ => false,
    };
    if numeric {
        format!(
            "value {i} is {value}, which is not a decimal this can hold exactly: at most 28 \
             digits and 28 decimal places (up to about 7.9e28), e.g. 2.5 or \"0.0001\""
        )
    } else {
        format!("value {i} is not a number: {value}, expected a number or a decimal string")
    }
}

fn label(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(crate) fn run(args: &Args, output: Output, out: Stdout<'_>) -> Result<Exit, CliError> {
    let request: Request = args.input.read_json()?;
    let values = request
        .values
        .iter()
        .enumerate()
        .map(|(i, v)| decimal(v).ok_or_else(|| args.input.invalid(&not_a_decimal(i, v))))
        .collect::<Result<Vec<_>, _>>()?;
    let groups = request
        .groups
        .map(|groups| {
            groups
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    label(g).ok_or_else(|| {
                        args.input
                            .invalid(&format!("group {i} is not a label: {g}"))
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    let measures =
        metrics::inequality(&values, groups.as_deref()).map_err(guided_community::Error::from)?;
    output.json(&measures, 0, out)
}
