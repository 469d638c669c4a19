//! `guided-community score`: needs scores for a cohort of households.

use clap::ValueEnum;
use guided_community::needs::{
    self, Aggregation, Band, Dimension, Direction, Indicator, Matrix, MissingPolicy, Normalization,
    Rubric, ScoreOptions, Unit, Weights,
};
use serde::Deserialize;

use super::{CliError, Exit, Input, Output, Stdout};

/// Score households: `{"dimensions", "scores": [{"id", "score", "rank", "tier",
/// "contributions", "flags"}], "diagnostics"}`, scores as decimal strings on 0–100.
///
/// The input is `{"weights": [25, 20, 20, 15, 20], "directions": ["more-need", …],
/// "units": [{"id": "h1", "values": [… numbers or null …]}]}`, one value per
/// dimension. Optional keys: `"dimensions"` (ids; five weights default to the
/// article's `population`, `health`, `economic`, `participation`, `special`),
/// `"missing"` (`reject`, `impute-median` or `reweight`, the default) and, for
/// `--normalize rubric`, `"rubrics"`: one list of `{"at_least", "need"}` bands per
/// dimension.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// How raw values become need.
    #[arg(long, value_enum, default_value_t = NormalizeArg::Minmax)]
    normalize: NormalizeArg,
    /// How dimension needs combine.
    #[arg(long, value_enum, default_value_t = MethodArg::Wsm)]
    method: MethodArg,
    #[command(flatten)]
    input: Input,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum NormalizeArg {
    /// Fixed bands from the input's `rubrics`.
    Rubric,
    /// Min-max over the cohort.
    Minmax,
    /// Percentile rank over the cohort.
    Percentile,
    /// The IMD exponential rank transform.
    ExponentialRank,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum MethodArg {
    /// Weighted sum.
    Wsm,
    /// TOPSIS.
    Topsis,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    weights: Weights,
    directions: Vec<Direction>,
    units: Vec<Unit>,
    #[serde(default)]
    dimensions: Option<Vec<String>>,
    #[serde(default)]
    missing: Option<MissingPolicy>,
    #[serde(default)]
    rubrics: Option<Vec<Vec<Band>>>,
}

const ARTICLE_DIMENSIONS: [&str; 5] = [
    "population",
    "health",
    "economic",
    "participation",
    "special",
];

pub(crate) fn run(args: &Args, output: Output, out: Stdout<'_>) -> Result<Exit, CliError> {
    let request: Request = args.input.read_json()?;
    let matrix = matrix(args, &request)?;
    let aggregation = match args.method {
        MethodArg::Wsm => Aggregation::WeightedSum,
        MethodArg::Topsis => Aggregation::Topsis,
    };
    // A repeated id is a diagnostic, not a second score.
    let (units, repeats) = needs::split_duplicates(request.units);
    let scores = needs::score(
        &matrix,
        &units,
        &ScoreOptions::default().with_aggregation(aggregation),
    )
    .map_err(guided_community::Error::from)?;
    if repeats.is_empty() {
        return output.json(&scores, 0, out);
    }
    let mut json = serde_json::to_value(&scores).map_err(CliError::Output)?;
    if let Some(serde_json::Value::Array(diagnostics)) = json.get_mut("diagnostics") {
        for repeat in &repeats {
            diagnostics.push(serde_json::to_value(repeat).map_err(CliError::Output)?);
        }
    }
    output.json(&json, 0, out)
}

/// The matrix the request describes: one indicator per dimension, normalised as
/// `--normalize` says.
fn matrix(args: &Args, request: &Request) -> Result<Matrix, CliError> {
    let invalid = |message: String| args.input.invalid(&message);
    let weights = request.weights.as_percent();
    if request.directions.len() != weights.len() {
        return Err(invalid(format!(
            "{} directions for {} weights",
            request.directions.len(),
            weights.len()
        )));
    }
    let ids: Vec<String> = match request.dimensions.clone() {
        Some(ids) if ids.len() == weights.len() => ids,
        Some(ids) => {
            return Err(invalid(format!(
                "{} dimension names for {} weights",
                ids.len(),
                weights.len()
            )));
        }
        None if weights.len() == ARTICLE_DIMENSIONS.len() => {
            ARTICLE_DIMENSIONS.map(str::to_owned).to_vec()
        }
        None => (1..=weights.len()).map(|k| format!("d{k}")).collect(),
    };
    let rubrics = request.rubrics.clone().unwrap_or_default();
    let dimensions = weights
        .iter()
        .zip(&request.directions)
        .zip(&ids)
        .enumerate()
        .map(|(k, ((&weight, &direction), id))| {
            let normalization = match args.normalize {
                NormalizeArg::Minmax => Normalization::MinMax,
                NormalizeArg::Percentile => Normalization::Percentile,
                NormalizeArg::ExponentialRank => Normalization::ExponentialRank,
                NormalizeArg::Rubric => {
                    let bands = rubrics.get(k).cloned().ok_or_else(|| {
                        invalid(format!(
                            "--normalize rubric needs `rubrics` with bands for dimension `{id}`"
                        ))
                    })?;
                    Normalization::Rubric(Rubric { bands })
                }
            };
            Ok(Dimension {
                id: id.clone(),
                name: id.clone(),
                weight,
                indicators: vec![Indicator {
                    id: id.clone(),
                    source: "input".to_owned(),
                    direction,
                    normalization,
                    weight: 1.into(),
                }],
                missing: request.missing.unwrap_or(MissingPolicy::Reweight),
            })
        })
        .collect::<Result<Vec<_>, CliError>>()?;
    Ok(Matrix::try_new(dimensions).map_err(guided_community::Error::from)?)
}
