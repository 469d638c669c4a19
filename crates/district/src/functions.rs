//! The domain crates' rules as DataFusion functions over Arrow arrays. Each is
//! a thin wrapper: it converts columns to the crates' types, calls them, and
//! converts back; no rule is written again here.
//!
//! | SQL | kind | what |
//! |---|---|---|
//! | `needs_score(i₁, …, i₉)` | scalar | a household's needs score (需求评估矩阵), `Decimal128(38, 28)`, null if it cannot be scored |
//! | `needs_tier(i₁, …, i₉)` | scalar | its tier (`high`, `medium`, `low`) |
//! | `grant_pool(budget_fen)` | scalar | the dynamic pool of a community's budget, in fen |
//! | `allocate_grants(budget_fen, score) OVER (PARTITION BY community ORDER BY household_id)` | window | each household's grant in fen: the dynamic pool of the community's budget (its households' `budget_fen` added up) by need (`joins::demands_from_scores`, then `pools::allocate`), the grants and what is left summing to the pool |
//! | `needs(i₁, …, i₉ [, matrix])` | scalar | `{score, tier}`, one scoring for both; `matrix` a JSON literal of a needs matrix (default: the articles') |
//! | `gini(v)`, `theil(v)`, `atkinson(v)` (ε = 1), `hoover(v)`, `theil_between(v, group)`, `theil_within(v, group)` | aggregate | the metrics crate's exact inequality measures |
//! | `inequality(v, group)` | aggregate | all six at once, `{gini, theil, theil_between, theil_within, atkinson, hoover}` |
//!
//! Functions hold no state: executors look them up by name, so everything a
//! function needs is in its arguments or is the articles' default policy.

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Decimal128Array, Decimal128Builder, Float64Array, ListArray,
    StringArray, StringBuilder, UInt8Array, UInt32Array, UInt64Array, UInt64Builder,
};
use datafusion::arrow::datatypes::{
    DataType, Decimal128Type, Field, FieldRef, Float64Type, Int64Type, UInt32Type, UInt64Type,
};
use datafusion::common::{DataFusionError, Result, ScalarValue};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::function::{PartitionEvaluatorArgs, WindowUDFFieldArgs};
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, ColumnarValue, PartitionEvaluator,
    ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility, WindowUDF, WindowUDFImpl,
};
use guided_community::{Policy, joins, metrics, needs, pools};
use rust_decimal::Decimal;

/// The scale of every exact decimal these functions return.
pub const SCALE: i8 = 28;

/// `Decimal128(38, 28)`: a rust_decimal of magnitude below 10¹⁰ exactly.
pub fn decimal_type() -> DataType {
    DataType::Decimal128(38, SCALE)
}

fn error(message: impl Into<String>) -> DataFusionError {
    DataFusionError::Execution(message.into())
}

/// A decimal as the mantissa of `Decimal128(38, 28)`.
pub fn to_i128(value: Decimal) -> Result<i128> {
    let scale = u32::from(u8::try_from(SCALE).unwrap_or(28));
    let up = scale
        .checked_sub(value.scale())
        .ok_or_else(|| error(format!("{value} has more than {SCALE} decimals")))?;
    value
        .mantissa()
        .checked_mul(10_i128.pow(up))
        .ok_or_else(|| error(format!("{value} does not fit Decimal128(38, {SCALE})")))
}

/// The mantissa `m` at `scale` as a decimal, exactly (trailing zeros dropped
/// first), or an error if rust_decimal cannot hold it.
pub fn from_i128(mut m: i128, scale: i8) -> Result<Decimal> {
    let mut s = i32::from(scale);
    // Trailing zeros off in large steps first (a score at scale 28 has some 25
    // of them, and each 128-bit division is slow), then one at a time.
    for (step, power) in [
        (16, 10_i128.pow(16)),
        (8, 100_000_000),
        (4, 10_000),
        (2, 100),
    ] {
        while s >= step && m % power == 0 {
            m /= power;
            s -= step;
        }
    }
    while s > 0 && m % 10 == 0 {
        m /= 10;
        s -= 1;
    }
    if s < 0 {
        let up = 10_i128
            .checked_pow(u32::try_from(-s).unwrap_or(u32::MAX))
            .and_then(|p| m.checked_mul(p))
            .ok_or_else(|| error("a decimal out of range"))?;
        m = up;
        s = 0;
    }
    Decimal::try_from_i128_with_scale(m, u32::try_from(s).unwrap_or(0))
        .map_err(|_| error(format!("{m}e-{s} is beyond 28 significant digits")))
}

/// The articles' policy (the default), the one every function applies: built
/// once per process (it is a constant; building it means building a calendar).
fn policy() -> &'static Policy {
    static POLICY: std::sync::OnceLock<Policy> = std::sync::OnceLock::new();
    POLICY.get_or_init(Policy::default)
}

/// Indicator columns (any numeric type, nulls for missing) as the needs
/// crate's units, named by row.
fn units(columns: &[ArrayRef], rows: usize) -> Result<Vec<needs::Unit>> {
    let columns: Vec<ArrayRef> = columns
        .iter()
        .map(|column| datafusion::arrow::compute::cast(column, &DataType::Float64))
        .collect::<std::result::Result<_, _>>()?;
    let columns: Vec<&Float64Array> = columns
        .iter()
        .map(|c| c.as_primitive::<Float64Type>())
        .collect();
    Ok((0..rows)
        .map(|row| {
            let values = columns
                .iter()
                .map(|column| column.is_valid(row).then(|| column.value(row)))
                .collect();
            needs::Unit::new(row_id(row).as_str(), values)
        })
        .collect())
}

/// A row's number as a unit id, written without allocating: ten digits, zero
/// padded, so that ids ascend with rows (the needs crate then never sorts
/// households of equal score by id) and stay inline in the id.
fn row_id(row: usize) -> RowId {
    let mut digits = [b'0'; 20];
    let mut at = digits.len();
    let mut n = row;
    while n > 0 && at > 0 {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            // `n % 10` is a single digit.
            *d = b'0' + u8::try_from(n % 10).unwrap_or(0);
        }
        n /= 10;
    }
    RowId {
        digits,
        at: at.min(digits.len() - 10),
    }
}

/// A row number's decimal digits.
struct RowId {
    digits: [u8; 20],
    at: usize,
}

impl RowId {
    fn as_str(&self) -> &str {
        self.digits
            .get(self.at..)
            .and_then(|d| std::str::from_utf8(d).ok())
            .unwrap_or("")
    }
}

/// Scores `units` with the policy's matrix and options: a score column and a
/// tier column, null where a unit could not be scored. The scored units keep
/// their order, so only the few the crate names in a diagnostic are looked up.
fn scores(matrix: &needs::Matrix, units: &[needs::Unit]) -> Result<(ArrayRef, ArrayRef)> {
    let policy = policy();
    let scored = needs::score(matrix, units, &policy.scoring).map_err(|e| error(e.to_string()))?;
    let mut left_out = vec![false; units.len()];
    for diagnostic in scored.diagnostics() {
        let row: usize = diagnostic
            .unit
            .as_str()
            .parse()
            .map_err(|_| error("a unit id not a row"))?;
        if let Some(slot) = left_out.get_mut(row) {
            *slot = true;
        }
    }
    let rows = units.len();
    let mut score_column = Decimal128Builder::with_capacity(rows);
    let mut tier_column = StringBuilder::with_capacity(rows, rows * 6);
    let mut next = 0;
    for left in left_out {
        match (left, scored.score_at(next), scored.tier_at(next)) {
            (false, Some(score), Some(tier)) => {
                score_column.append_value(to_i128(score)?);
                tier_column.append_value(tier);
                next += 1;
            }
            (false, ..) => return Err(error("the scored households do not match the rows")),
            (true, ..) => {
                score_column.append_null();
                tier_column.append_null();
            }
        }
    }
    if next != scored.len() {
        return Err(error("the scored households do not match the rows"));
    }
    Ok((
        Arc::new(score_column.finish().with_precision_and_scale(38, SCALE)?),
        Arc::new(tier_column.finish()),
    ))
}

fn arrays(args: &ScalarFunctionArgs) -> Result<Vec<ArrayRef>> {
    args.args
        .iter()
        .map(|a| a.clone().into_array(args.number_rows))
        .collect()
}

/// Refuses a matrix whose scores would depend on which households share a
/// batch: the engine hands the function a batch of rows at a time, split
/// differently by each engine, so only fixed bands (rubric normalisation) and
/// missing values rejected or re-weighted give every household the same score
/// everywhere. Min-max, percentile and exponential-rank normalisation, and a
/// median imputed, are measured against the whole cohort: score those with the
/// needs crate over the cohort instead.
fn batch_independent(matrix: &needs::Matrix, function: &str) -> Result<()> {
    for dimension in matrix.dimensions() {
        if dimension.missing == needs::MissingPolicy::ImputeMedian {
            return Err(error(format!(
                "the needs matrix given to {function} imputes dimension `{}`'s missing values with the cohort's median, which depends on the rows scored together; give `missing: reweight` or `reject` (the district functions score a batch of rows at a time)",
                dimension.id
            )));
        }
        for indicator in &dimension.indicators {
            let kind = match indicator.normalization {
                needs::Normalization::Rubric(_) => continue,
                needs::Normalization::MinMax => "min-max",
                needs::Normalization::Percentile => "percentile",
                needs::Normalization::ExponentialRank => "exponential-rank",
                _ => "a measure of the cohort",
            };
            return Err(error(format!(
                "the needs matrix given to {function} normalises indicator `{}` by {kind}, against the rows scored together; give it fixed bands (`kind: rubric`) — the district functions score a batch of rows at a time, and only fixed bands give every household the same score on every engine",
                indicator.id
            )));
        }
    }
    Ok(())
}

/// `needs`, `needs_score` or `needs_tier`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct NeedsUdf {
    name: &'static str,
    signature: Signature,
}

impl ScalarUDFImpl for NeedsUdf {
    fn name(&self) -> &str {
        self.name
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(match self.name {
            "needs_score" => decimal_type(),
            "needs_tier" => DataType::Utf8,
            _ => DataType::Struct(needs_fields()),
        })
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        // The matrix: the articles' by default, or a JSON literal after the
        // indicators (a literal, so executors need no state to run it).
        let given = match args.args.last() {
            Some(ColumnarValue::Scalar(
                ScalarValue::Utf8(Some(json))
                | ScalarValue::LargeUtf8(Some(json))
                | ScalarValue::Utf8View(Some(json)),
            )) => Some(serde_json::from_str::<needs::Matrix>(json).map_err(|e| {
                error(format!(
                    "the needs matrix given to {} does not read: {e}",
                    self.name
                ))
            })?),
            _ => None,
        };
        if let Some(matrix) = &given {
            batch_independent(matrix, self.name)?;
        }
        let mut columns = arrays(&args)?;
        if given.is_some() {
            columns.pop();
        }
        let matrix = given.as_ref().unwrap_or(&policy().matrix);
        let expected = matrix.indicator_count();
        if columns.len() != expected {
            return Err(error(format!(
                "{} takes the {expected} indicators of the needs matrix (and, after them, the matrix as JSON if not the articles'), not {} arguments",
                self.name,
                columns.len()
            )));
        }
        let (score, tier) = scores(matrix, &units(&columns, rows)?)?;
        Ok(ColumnarValue::Array(match self.name {
            "needs_score" => score,
            "needs_tier" => tier,
            _ => Arc::new(datafusion::arrow::array::StructArray::try_new(
                needs_fields(),
                vec![score, tier],
                None,
            )?),
        }))
    }
}

/// The struct `needs` returns.
fn needs_fields() -> datafusion::arrow::datatypes::Fields {
    datafusion::arrow::datatypes::Fields::from(vec![
        Field::new("score", decimal_type(), true),
        Field::new("tier", DataType::Utf8, true),
    ])
}

/// `needs(i₁, …, i₉)`: `{score, tier}`, one scoring for both.
pub fn needs() -> ScalarUDF {
    ScalarUDF::new_from_impl(NeedsUdf {
        name: "needs",
        signature: Signature::variadic_any(Volatility::Immutable),
    })
}

/// `needs_score(i₁, …, i₉)`.
pub fn needs_score() -> ScalarUDF {
    ScalarUDF::new_from_impl(NeedsUdf {
        name: "needs_score",
        signature: Signature::variadic_any(Volatility::Immutable),
    })
}

/// `needs_tier(i₁, …, i₉)`.
pub fn needs_tier() -> ScalarUDF {
    ScalarUDF::new_from_impl(NeedsUdf {
        name: "needs_tier",
        signature: Signature::variadic_any(Volatility::Immutable),
    })
}

/// The dynamic pool of a budget (fen), by the policy's pool shares.
fn dynamic_pool(budget: u64) -> Result<u64> {
    let split = policy()
        .pools
        .split(pools::Fen::new(budget))
        .map_err(|e| error(e.to_string()))?;
    Ok(split.dynamic.get())
}

fn u64_column(array: &ArrayRef) -> Result<UInt64Array> {
    let cast = datafusion::arrow::compute::cast(array, &DataType::UInt64)?;
    Ok(cast.as_primitive::<UInt64Type>().clone())
}

/// `grant_pool(budget_fen)`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct GrantPool {
    signature: Signature,
}

impl ScalarUDFImpl for GrantPool {
    fn name(&self) -> &str {
        "grant_pool"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::UInt64)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let columns = arrays(&args)?;
        let [budget] = columns.as_slice() else {
            return Err(error("grant_pool takes one argument, the budget in fen"));
        };
        let budget = u64_column(budget)?;
        let mut out = UInt64Builder::with_capacity(budget.len());
        for b in budget.iter() {
            match b {
                Some(b) => out.append_value(dynamic_pool(b)?),
                None => out.append_null(),
            }
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}

/// `grant_pool(budget_fen)`.
pub fn grant_pool() -> ScalarUDF {
    ScalarUDF::new_from_impl(GrantPool {
        signature: Signature::any(1, Volatility::Immutable),
    })
}

/// `allocate_grants(budget_fen, score) OVER (PARTITION BY community ORDER BY household_id)`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct AllocateGrants {
    signature: Signature,
}

impl WindowUDFImpl for AllocateGrants {
    fn name(&self) -> &str {
        "allocate_grants"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn partition_evaluator(
        &self,
        _: PartitionEvaluatorArgs,
    ) -> Result<Box<dyn PartitionEvaluator>> {
        Ok(Box::new(Community::default()))
    }
    fn field(&self, args: WindowUDFFieldArgs) -> Result<FieldRef> {
        Ok(Arc::new(Field::new(args.name(), DataType::UInt64, true)))
    }
}

/// One community's rows, in household order.
///
/// It runs in DataFusion's bounded window operator: each row's range is the
/// whole partition, so the operator waits until a community's last row has
/// arrived (the input is sorted by community), computes that community
/// once, and lets it go — memory holds one community per partition, not the
/// whole input.
#[derive(Debug, Default)]
struct Community {
    /// The community's grants, computed at its first row.
    grants: Option<UInt64Array>,
    /// The row to give next.
    next: usize,
}

impl PartitionEvaluator for Community {
    fn evaluate_all(&mut self, values: &[ArrayRef], num_rows: usize) -> Result<ArrayRef> {
        let [budget, score, ..] = values else {
            return Err(error(
                "allocate_grants takes the budget in fen and the needs score",
            ));
        };
        // The community's budget: its households' budgets added up.
        let budget = u64_column(budget)?
            .iter()
            .flatten()
            .try_fold(0_u64, u64::checked_add)
            .ok_or_else(|| error("a community's budget passes 2^64 fen"))?;
        let pool = dynamic_pool(budget)?;
        let policy = policy();
        // Households that could not be scored take no part, as in the quarter.
        let scores = decimals(score)?;
        let scored: Vec<(usize, Decimal)> = scores
            .iter()
            .enumerate()
            .filter_map(|(row, s)| s.map(|s| (row, s)))
            .collect();
        let demands = joins::demands_from_scores(
            scored.iter().map(|&(_, s)| s),
            policy.basis,
            policy.need_threshold,
            policy.household_cap,
        );
        let plan = if demands.iter().any(|d| !d.weight.is_zero()) {
            pools::allocate(pool, &demands, policy.method).map_err(|e| error(e.to_string()))?
        } else {
            pools::Allocation::nothing(pool, demands.len(), policy.method)
        };
        let mut grants: Vec<Option<u64>> = vec![None; num_rows];
        for (i, &(row, _)) in scored.iter().enumerate() {
            if let Some(slot) = grants.get_mut(row) {
                *slot = Some(plan.parts.get(i).copied().unwrap_or(0));
            }
        }
        Ok(Arc::new(UInt64Array::from(grants)))
    }

    fn uses_window_frame(&self) -> bool {
        false
    }

    fn supports_bounded_execution(&self) -> bool {
        true
    }

    fn is_causal(&self) -> bool {
        false
    }

    fn get_range(&self, _idx: usize, n_rows: usize) -> Result<std::ops::Range<usize>> {
        Ok(0..n_rows)
    }

    fn evaluate(
        &mut self,
        values: &[ArrayRef],
        range: &std::ops::Range<usize>,
    ) -> Result<ScalarValue> {
        if self.grants.is_none() {
            let all = self.evaluate_all(values, range.end)?;
            self.grants = Some(all.as_primitive::<UInt64Type>().clone());
            self.next = 0;
        }
        let row = self.next;
        self.next += 1;
        let grants = self.grants.as_ref().ok_or_else(|| error("no grants"))?;
        Ok(ScalarValue::UInt64(
            (row < grants.len() && grants.is_valid(row)).then(|| grants.value(row)),
        ))
    }
}

/// The window function `allocate_grants`.
pub fn allocate_grants() -> WindowUDF {
    WindowUDF::new_from_impl(AllocateGrants {
        signature: Signature::variadic_any(Volatility::Immutable),
    })
}

/// Every window function.
pub fn window_functions() -> Vec<WindowUDF> {
    vec![allocate_grants()]
}

/// Which inequality measure an aggregate gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Measure {
    Gini,
    Theil,
    TheilBetween,
    TheilWithin,
    Atkinson,
    Hoover,
}

impl Measure {
    const ALL: [Self; 6] = [
        Self::Gini,
        Self::Theil,
        Self::TheilBetween,
        Self::TheilWithin,
        Self::Atkinson,
        Self::Hoover,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Gini => "gini",
            Self::Theil => "theil",
            Self::TheilBetween => "theil_between",
            Self::TheilWithin => "theil_within",
            Self::Atkinson => "atkinson",
            Self::Hoover => "hoover",
        }
    }

    fn grouped(self) -> bool {
        matches!(self, Self::TheilBetween | Self::TheilWithin)
    }
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct InequalityUdaf {
    /// One measure, or (`None`) all six as a struct.
    measure: Option<Measure>,
    signature: Signature,
}

/// The struct `inequality` returns.
fn measure_fields() -> datafusion::arrow::datatypes::Fields {
    Measure::ALL
        .iter()
        .map(|m| Field::new(m.name(), decimal_type(), true))
        .collect()
}

impl AggregateUDFImpl for InequalityUdaf {
    fn name(&self) -> &str {
        self.measure.map_or("inequality", Measure::name)
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(match self.measure {
            Some(_) => decimal_type(),
            None => DataType::Struct(measure_fields()),
        })
    }
    fn accumulator(&self, _: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(Values {
            measure: self.measure,
            mantissas: Vec::new(),
            scales: Vec::new(),
            groups: Vec::new(),
            names: Vec::new(),
            index: std::collections::HashMap::new(),
        }))
    }
    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let list = |name: &str, item: DataType| {
            Arc::new(Field::new(
                format!("{}[{name}]", args.name),
                DataType::List(Arc::new(Field::new_list_field(item, true))),
                true,
            ))
        };
        Ok(vec![
            list("mantissas", DataType::Decimal128(38, 0)),
            list("scales", DataType::UInt8),
            list("groups", DataType::UInt32),
            list("names", DataType::Utf8),
        ])
    }
}

/// Every value seen (exactly: a decimal's mantissa and scale) and its group
/// (interned).
#[derive(Debug)]
struct Values {
    measure: Option<Measure>,
    mantissas: Vec<i128>,
    scales: Vec<u8>,
    groups: Vec<u32>,
    names: Vec<String>,
    index: std::collections::HashMap<String, u32>,
}

impl Values {
    fn grouped(&self) -> bool {
        self.measure.is_none_or(Measure::grouped)
    }

    fn group(&mut self, name: &str) -> u32 {
        // Rows come mostly in runs of one community: the last group first.
        if let Some(&g) = self.groups.last()
            && self.names.get(g as usize).is_some_and(|last| last == name)
        {
            return g;
        }
        if let Some(&g) = self.index.get(name) {
            return g;
        }
        let g = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(name.to_owned());
        self.index.insert(name.to_owned(), g);
        g
    }

    fn push(&mut self, value: Decimal, group: u32) {
        self.mantissas.push(value.mantissa());
        self.scales.push(u8::try_from(value.scale()).unwrap_or(0));
        self.groups.push(group);
    }

    /// The values and their group names in one order, whatever order they
    /// arrived in (so every engine adds them alike): by mantissa, scale and
    /// group name.
    fn ordered(&self) -> Result<(Vec<Decimal>, Vec<&str>)> {
        let mut by_name: Vec<u32> = (0..u32::try_from(self.names.len()).unwrap_or(0)).collect();
        by_name.sort_unstable_by(|&a, &b| {
            let name = |g: u32| self.names.get(g as usize).map_or("", String::as_str);
            name(a).cmp(name(b))
        });
        let mut rank = vec![0_u32; self.names.len()];
        for (r, &g) in by_name.iter().enumerate() {
            if let Some(slot) = rank.get_mut(g as usize) {
                *slot = u32::try_from(r).unwrap_or(u32::MAX);
            }
        }
        let mut order: Vec<(i128, u8, u32, u32)> = self
            .mantissas
            .iter()
            .zip(&self.scales)
            .zip(&self.groups)
            .map(|((&m, &s), &g)| (m, s, rank.get(g as usize).copied().unwrap_or(0), g))
            .collect();
        order.sort_unstable();
        let mut values = Vec::with_capacity(order.len());
        let mut groups = Vec::with_capacity(order.len());
        for (m, s, _, g) in order {
            values.push(
                Decimal::try_from_i128_with_scale(m, u32::from(s))
                    .map_err(|e| error(e.to_string()))?,
            );
            groups.push(self.names.get(g as usize).map_or("", String::as_str));
        }
        Ok((values, groups))
    }
}

/// A numeric column as exact decimals (integers, or decimals of any scale).
fn decimals(array: &ArrayRef) -> Result<Vec<Option<Decimal>>> {
    Ok(match array.data_type() {
        DataType::UInt64 => array
            .as_primitive::<UInt64Type>()
            .iter()
            .map(|v| v.map(Decimal::from))
            .collect(),
        DataType::UInt32 => array
            .as_primitive::<UInt32Type>()
            .iter()
            .map(|v| v.map(Decimal::from))
            .collect(),
        DataType::Int64 => array
            .as_primitive::<Int64Type>()
            .iter()
            .map(|v| v.map(Decimal::from))
            .collect(),
        DataType::Decimal128(_, scale) => {
            let scale = *scale;
            array
                .as_primitive::<Decimal128Type>()
                .iter()
                .map(|v| v.map(|m| from_i128(m, scale)).transpose())
                .collect::<Result<_>>()?
        }
        other => {
            return Err(error(format!(
                "inequality measures take whole numbers (fen, points) or decimals, not {other}"
            )));
        }
    })
}

impl Accumulator for Values {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let Some(first) = values.first() else {
            return Ok(());
        };
        let amounts = decimals(first)?;
        let groups: Option<StringArray> = match values.get(1) {
            Some(g) if self.grouped() => Some(
                datafusion::arrow::compute::cast(g, &DataType::Utf8)?
                    .as_string::<i32>()
                    .clone(),
            ),
            _ => None,
        };
        let Some(groups) = groups else {
            // One group, unnamed.
            let group = self.group("");
            for amount in amounts.into_iter().flatten() {
                self.push(amount, group);
            }
            return Ok(());
        };
        for (row, amount) in amounts.into_iter().enumerate() {
            let Some(amount) = amount else { continue };
            let group = self.group(if groups.is_valid(row) {
                groups.value(row)
            } else {
                ""
            });
            self.push(amount, group);
        }
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let (values, groups) = self.ordered()?;
        let decimal = |v: Option<Decimal>| -> Result<ScalarValue> {
            Ok(ScalarValue::Decimal128(
                v.map(to_i128).transpose()?,
                38,
                SCALE,
            ))
        };
        // A measure undefined for these values (none, all zero, a negative)
        // is null.
        // Each measure by the metrics crate's own function for it; the whole
        // set (and the split by group) only where it is asked for.
        let empty = values.is_empty();
        let need_all = !matches!(
            self.measure,
            Some(Measure::Gini | Measure::Theil | Measure::Atkinson)
        );
        let all = if empty || !need_all {
            None
        } else {
            metrics::inequality(&values, Some(groups.as_slice())).ok()
        };
        let atkinson = if empty || !matches!(self.measure, None | Some(Measure::Atkinson)) {
            None
        } else {
            metrics::atkinson(&values, Decimal::ONE).ok()
        };
        let gini = match self.measure {
            Some(Measure::Gini) if !empty => metrics::gini(&values).ok(),
            _ => None,
        };
        let theil = match self.measure {
            Some(Measure::Theil) if !empty => metrics::theil(&values).ok(),
            _ => None,
        };
        let pick = |m: Measure| match m {
            Measure::Gini => gini.or_else(|| all.as_ref().map(|a| a.gini)),
            Measure::Theil => theil.or_else(|| all.as_ref().and_then(|a| a.theil_t)),
            Measure::TheilBetween => all.as_ref().and_then(|a| a.theil_between),
            Measure::TheilWithin => all.as_ref().and_then(|a| a.theil_within),
            Measure::Atkinson => atkinson,
            Measure::Hoover => all.as_ref().map(|a| a.hoover),
        };
        match self.measure {
            Some(m) => decimal(pick(m)),
            None => {
                let columns: Vec<ArrayRef> = Measure::ALL
                    .iter()
                    .map(|&m| decimal(pick(m)).and_then(|v| v.to_array_of_size(1)))
                    .collect::<Result<_>>()?;
                Ok(ScalarValue::Struct(Arc::new(
                    datafusion::arrow::array::StructArray::try_new(
                        measure_fields(),
                        columns,
                        None,
                    )?,
                )))
            }
        }
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
            + self.mantissas.capacity() * 16
            + self.scales.capacity()
            + self.groups.capacity() * 4
            + self
                .names
                .iter()
                .map(|g| 2 * g.capacity() + 64)
                .sum::<usize>()
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        // Each value's group as a number into the names, each name once.
        let mantissas = Decimal128Array::from(std::mem::take(&mut self.mantissas))
            .with_precision_and_scale(38, 0)?;
        let scales = UInt8Array::from(std::mem::take(&mut self.scales));
        let groups = UInt32Array::from(std::mem::take(&mut self.groups));
        let names: StringArray = std::mem::take(&mut self.names)
            .into_iter()
            .map(Some)
            .collect();
        self.index.clear();
        let list = |item: DataType, values: ArrayRef| {
            ScalarValue::List(Arc::new(ListArray::new(
                Arc::new(Field::new_list_field(item, true)),
                datafusion::arrow::buffer::OffsetBuffer::from_lengths([values.len()]),
                values,
                None,
            )))
        };
        Ok(vec![
            list(DataType::Decimal128(38, 0), Arc::new(mantissas)),
            list(DataType::UInt8, Arc::new(scales)),
            list(DataType::UInt32, Arc::new(groups)),
            list(DataType::Utf8, Arc::new(names)),
        ])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let [mantissas, scales, groups, names] = states else {
            return Err(error("an inequality state has four lists"));
        };
        let (mantissas, scales, groups, names) = (
            mantissas.as_list::<i32>(),
            scales.as_list::<i32>(),
            groups.as_list::<i32>(),
            names.as_list::<i32>(),
        );
        for i in 0..mantissas.len() {
            if !mantissas.is_valid(i) {
                continue;
            }
            let (m, s, g, n) = (
                mantissas.value(i),
                scales.value(i),
                groups.value(i),
                names.value(i),
            );
            let (m, s, g, n) = (
                m.as_primitive::<Decimal128Type>(),
                s.as_primitive::<datafusion::arrow::datatypes::UInt8Type>(),
                g.as_primitive::<UInt32Type>(),
                n.as_string::<i32>(),
            );
            // The state's group numbers as this accumulator's.
            let ours: Vec<u32> = (0..n.len())
                .map(|k| self.group(if n.is_valid(k) { n.value(k) } else { "" }))
                .collect();
            if m.len() != s.len() || m.len() != g.len() {
                return Err(error("an inequality state's lists differ in length"));
            }
            for j in 0..m.len() {
                let group = ours
                    .get(g.value(j) as usize)
                    .copied()
                    .ok_or_else(|| error("an inequality state names no such group"))?;
                self.mantissas.push(m.value(j));
                self.scales.push(s.value(j));
                self.groups.push(group);
            }
        }
        Ok(())
    }
}

/// The aggregates `gini`, `theil`, `theil_between`, `theil_within`,
/// `atkinson` and `hoover`, and `inequality` (all six as a struct).
pub fn inequality_measures() -> Vec<AggregateUDF> {
    Measure::ALL
        .into_iter()
        .map(Some)
        .chain([None])
        .map(|measure| {
            let arity = if measure.is_none_or(Measure::grouped) {
                2
            } else {
                1
            };
            AggregateUDF::new_from_impl(InequalityUdaf {
                measure,
                signature: Signature::any(arity, Volatility::Immutable),
            })
        })
        .collect()
}

/// Every scalar function.
pub fn scalar_functions() -> Vec<ScalarUDF> {
    vec![needs(), needs_score(), needs_tier(), grant_pool()]
}
