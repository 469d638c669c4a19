//! Households for a district or a province, on the sample communities'
//! proportions, as Parquet.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, Float64Builder, RecordBatch, StringBuilder, UInt32Builder, UInt64Builder,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::parquet::arrow::ArrowWriter;
use guided_community::{Policy, sample};

use crate::Error;

/// Communities per district in generated data.
pub const COMMUNITIES_PER_DISTRICT: u64 = 100;

/// The most households `generate` makes.
pub const MAX_HOUSEHOLDS: u64 = 100_000_000;

/// The households table: ids, community, district, residents, the monthly
/// budget per household in fen, and the needs matrix's indicators by id.
pub fn schema() -> SchemaRef {
    let mut fields = vec![
        Field::new("household_id", DataType::Utf8, false),
        Field::new("community", DataType::Utf8, false),
        Field::new("district", DataType::Utf8, false),
        Field::new("residents", DataType::UInt32, false),
        Field::new("aged_60_plus", DataType::UInt32, false),
        Field::new("budget_fen", DataType::UInt64, false),
    ];
    for indicator in Policy::default().matrix.indicators() {
        fields.push(Field::new(&indicator.id, DataType::Float64, true));
    }
    Arc::new(Schema::new(fields))
}

/// The names of the indicator columns, in the matrix's order.
pub fn indicator_columns() -> Vec<String> {
    Policy::default()
        .matrix
        .indicators()
        .map(|i| i.id.clone())
        .collect()
}

/// The community's name for index `c` and its district's.
fn names(c: u64) -> (String, String) {
    (
        format!("c{c:06}"),
        format!("d{:04}", c / COMMUNITIES_PER_DISTRICT),
    )
}

/// Writes `households` in `communities` (each a sample community of its share,
/// 阳光社区's proportions, seeded by `seed` and its index) to `out`, sorted by
/// community and household id. `progress` is called with the households
/// written so far.
///
/// # Errors
///
/// No communities, more communities than households, more than
/// [`MAX_HOUSEHOLDS`], or the file cannot be written.
pub fn generate(
    households: u64,
    communities: u64,
    seed: u64,
    out: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<(), Error> {
    if communities == 0 || communities > households || households > MAX_HOUSEHOLDS {
        return Err(Error::Input(format!(
            "{households} households in {communities} communities: give 1 to {MAX_HOUSEHOLDS} households and 1 community or more, no more communities than households"
        )));
    }
    let schema = schema();
    let file = File::create(out).map_err(|e| Error::Io(out.display().to_string(), e))?;
    let mut writer =
        ArrowWriter::try_new(file, schema.clone(), Some(crate::run::writer_properties()))?;
    let (per, extra) = (households / communities, households % communities);
    let mut written = 0;
    let mut batch = Rows::new(&schema);
    for c in 0..communities {
        let n = per + u64::from(c < extra);
        let spec = sample::Spec::scaled(n);
        let inputs = sample::generate(&spec, seed ^ c.wrapping_mul(0x9E37_79B9_7F4A_7C15))?;
        let (community, district) = names(c);
        let budget = spec.budget_per_household.get();
        let mut members = inputs.households;
        members.sort_by(|a, b| a.id.cmp(&b.id));
        for h in &members {
            batch.push(
                &format!("{community}-{}", h.id),
                &community,
                &district,
                h,
                budget,
            );
        }
        written += n;
        if batch.len >= 65_536 {
            writer.write(&batch.finish(&schema)?)?;
            progress(written);
        }
    }
    if batch.len > 0 {
        writer.write(&batch.finish(&schema)?)?;
    }
    writer.close()?;
    progress(written);
    Ok(())
}

/// Column builders for a batch of households.
struct Rows {
    id: StringBuilder,
    community: StringBuilder,
    district: StringBuilder,
    residents: UInt32Builder,
    aged: UInt32Builder,
    budget: UInt64Builder,
    indicators: Vec<Float64Builder>,
    len: usize,
}

impl Rows {
    fn new(schema: &SchemaRef) -> Self {
        Self {
            id: StringBuilder::new(),
            community: StringBuilder::new(),
            district: StringBuilder::new(),
            residents: UInt32Builder::new(),
            aged: UInt32Builder::new(),
            budget: UInt64Builder::new(),
            indicators: (6..schema.fields().len())
                .map(|_| Float64Builder::new())
                .collect(),
            len: 0,
        }
    }

    fn push(
        &mut self,
        id: &str,
        community: &str,
        district: &str,
        h: &guided_community::Household,
        budget: u64,
    ) {
        self.id.append_value(id);
        self.community.append_value(community);
        self.district.append_value(district);
        self.residents.append_value(h.residents);
        self.aged.append_value(h.aged_60_plus);
        self.budget.append_value(budget);
        for (i, column) in self.indicators.iter_mut().enumerate() {
            column.append_option(h.indicators.get(i).copied().flatten());
        }
        self.len += 1;
    }

    fn finish(&mut self, schema: &SchemaRef) -> Result<RecordBatch, Error> {
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(self.id.finish()),
            Arc::new(self.community.finish()),
            Arc::new(self.district.finish()),
            Arc::new(self.residents.finish()),
            Arc::new(self.aged.finish()),
            Arc::new(self.budget.finish()),
        ];
        for column in &mut self.indicators {
            columns.push(Arc::new(column.finish()));
        }
        self.len = 0;
        Ok(RecordBatch::try_new(schema.clone(), columns)?)
    }
}
