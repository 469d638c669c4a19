//! The district run: households in, grants per household and summaries per
//! community and per district out, on DataFusion in this process or on a
//! Ballista cluster.

use std::fs::File;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ballista::prelude::{SessionConfigExt, SessionContextExt};
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::compute::concat_batches;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::execution::FunctionRegistry;
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::memory_pool::{GreedyMemoryPool, TrackConsumersPool};
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::execution::session_state::SessionState;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::file::properties::WriterProperties;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use futures::StreamExt;

use crate::{Error, functions, generate};

/// Where the plans run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Engine {
    /// DataFusion in this process (the default).
    InProcess,
    /// Ballista's standalone mode: a scheduler and an executor in this process,
    /// talking over gRPC and Flight as a cluster does.
    Standalone,
    /// A Ballista cluster: the scheduler's `df://host:port`.
    Cluster(String),
}

/// How to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOptions {
    /// Where the plans run.
    pub engine: Engine,
    /// The most memory DataFusion may use (bytes); past it, sorts and
    /// aggregates spill to disk. `None`: no limit.
    pub memory_limit: Option<usize>,
    /// Where spills go (default: the system's temporary directory).
    pub spill_dir: Option<PathBuf>,
    /// Partitions to plan with (default: the cores).
    pub partitions: Option<usize>,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            engine: Engine::InProcess,
            memory_limit: None,
            spill_dir: None,
            partitions: None,
        }
    }
}

/// Registers every function on a session state.
///
/// # Errors
///
/// A function that DataFusion refuses.
pub fn register_on_state(state: &mut SessionState) -> Result<(), Error> {
    for udf in functions::scalar_functions() {
        state.register_udf(Arc::new(udf))?;
    }
    for udaf in functions::inequality_measures() {
        state.register_udaf(Arc::new(udaf))?;
    }
    for udwf in functions::window_functions() {
        state.register_udwf(Arc::new(udwf))?;
    }
    Ok(())
}

/// Registers every function on a context.
pub fn register(ctx: &SessionContext) {
    for udf in functions::scalar_functions() {
        ctx.register_udf(udf);
    }
    for udaf in functions::inequality_measures() {
        ctx.register_udaf(udaf);
    }
    for udwf in functions::window_functions() {
        ctx.register_udwf(udwf);
    }
}

/// A session for `options`, with the functions registered.
///
/// # Errors
///
/// The runtime cannot be built, or the cluster cannot be reached.
pub async fn context(options: &RunOptions) -> Result<SessionContext, Error> {
    let mut runtime = RuntimeEnvBuilder::new();
    if let Some(limit) = options.memory_limit {
        // DataFusion's greedy pool: the exact aggregates keep every value and
        // cannot spill them, so a fair split of the limit among operators
        // would refuse them; the sorts' merges get a larger reservation
        // instead (below).
        runtime = runtime.with_memory_pool(Arc::new(TrackConsumersPool::new(
            GreedyMemoryPool::new(limit),
            NonZeroUsize::MIN.saturating_add(4),
        )));
    }
    if let Some(dir) = &options.spill_dir {
        runtime = runtime.with_temp_file_path(dir.clone());
    }
    let runtime = runtime.build_arc()?;
    let mut config = match options.engine {
        Engine::InProcess => SessionConfig::new(),
        Engine::Standalone | Engine::Cluster(_) => SessionConfig::new_with_ballista(),
    };
    if options.memory_limit.is_some() {
        // Memory set aside for merging each sort's spilled runs before it
        // sorts: with DataFusion's 10 MB, under a 2 GB limit on 40 M
        // households, a sort sometimes took all the rest and its merge then
        // failed for want of a few hundred kilobytes.
        config = config.with_sort_spill_reservation_bytes(sort_merge_reservation(
            options.memory_limit.unwrap_or(0),
        ));
    }
    if let Some(p) = options.partitions {
        config = config.with_target_partitions(p.max(1));
    }
    // Strings as plain `Utf8` everywhere: DataFusion alone reads Parquet
    // strings as views, Ballista's configuration does not, and the outputs
    // must be the same bytes whichever runs.
    config = config.set_bool(
        "datafusion.execution.parquet.schema_force_view_types",
        false,
    );
    let mut state = SessionStateBuilder::new()
        .with_config(config)
        .with_runtime_env(runtime)
        .with_default_features()
        .build();
    register_on_state(&mut state)?;
    let ctx = match &options.engine {
        Engine::InProcess => SessionContext::new_with_state(state),
        Engine::Standalone => SessionContext::standalone_with_state(state).await?,
        Engine::Cluster(url) => SessionContext::remote_with_state(url, state).await?,
    };
    // Ballista rebuilds the client's state and drops functions registered on
    // it before: register them again on the context it returns.
    register(&ctx);
    Ok(ctx)
}

/// Bytes each sort keeps for merging its spilled runs under a memory limit:
/// a thirty-second of the limit, between 1 MB and 64 MB (64 MB under 2 GB; a
/// fixed 64 MB made two sorts alone exceed a 100 MB limit).
fn sort_merge_reservation(limit: usize) -> usize {
    (limit / 32).clamp(1 << 20, 64 << 20)
}

/// The writer's settings: fixed, so the same rows give the same bytes.
pub fn writer_properties() -> WriterProperties {
    WriterProperties::builder()
        .set_created_by("guided-community-district".to_owned())
        .set_max_row_group_row_count(Some(ROWS_PER_CHUNK))
        .build()
}

/// Rows handed to the Parquet writer at a time, however the engine batched
/// them: the same rows give the same file.
const ROWS_PER_CHUNK: usize = 1 << 20;

/// What a run wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Households with a grant row.
    pub households: u64,
    /// Communities summarised.
    pub communities: u64,
    /// Districts summarised.
    pub districts: u64,
}

fn quoted(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The grants query: every household's score, tier and grant, with what the
/// community summary needs from it.
pub fn grants_sql() -> String {
    let indicators = quoted(&generate::indicator_columns());
    format!(
        "SELECT household_id, community, district, residents, budget_fen, score, tier, \
           allocate_grants(budget_fen, score) \
             OVER (PARTITION BY community ORDER BY household_id) AS grant_fen \
         FROM (SELECT household_id, community, district, residents, budget_fen, \
           get_field(n, 'score') AS score, get_field(n, 'tier') AS tier \
           FROM (SELECT *, needs({indicators}) AS n FROM households)) \
         ORDER BY community, household_id"
    )
}

/// The per-community summary over the grants.
pub const COMMUNITIES_SQL: &str = "\
    SELECT community, district, count(*) AS households, \
      CAST(sum(residents) AS BIGINT UNSIGNED) AS residents, \
      CAST(sum(budget_fen) AS BIGINT UNSIGNED) AS budget_fen, \
      grant_pool(CAST(sum(budget_fen) AS BIGINT UNSIGNED)) AS pool_fen, \
      CAST(sum(grant_fen) AS BIGINT UNSIGNED) AS granted_fen, \
      grant_pool(CAST(sum(budget_fen) AS BIGINT UNSIGNED)) - CAST(sum(grant_fen) AS BIGINT UNSIGNED) AS unallocated_fen, \
      sum(CASE WHEN tier = 'high' THEN 1 ELSE 0 END) AS high_need, \
      sum(CASE WHEN score IS NULL THEN 1 ELSE 0 END) AS not_scored, \
      gini(grant_fen) AS gini \
    FROM grants GROUP BY community, district ORDER BY community";

/// The per-district summary: inequality of grants within the district and
/// between and within its communities.
pub const DISTRICTS_SQL: &str = "\
    SELECT district, communities, households, granted_fen, \
      get_field(m, 'gini') AS gini, get_field(m, 'theil') AS theil, \
      get_field(m, 'theil_between') AS theil_between_communities, \
      get_field(m, 'theil_within') AS theil_within_communities, \
      get_field(m, 'atkinson') AS atkinson, get_field(m, 'hoover') AS hoover \
    FROM (SELECT district, count(DISTINCT community) AS communities, count(*) AS households, \
      CAST(sum(grant_fen) AS BIGINT UNSIGNED) AS granted_fen, \
      inequality(grant_fen, community) AS m \
      FROM grants GROUP BY district) ORDER BY district";

/// Runs the district: `input` (households as [`generate::schema`]) to
/// `grants.parquet`, `communities.parquet` and `districts.parquet` in `out`.
/// `progress` is told the rows written so far.
///
/// # Errors
///
/// The input cannot be read or lacks a column, a query fails, or a file
/// cannot be written.
pub async fn run(
    ctx: &SessionContext,
    input: &Path,
    out: &Path,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<Written, Error> {
    std::fs::create_dir_all(out).map_err(|e| Error::Io(out.display().to_string(), e))?;
    let input_name = input.display().to_string();
    ctx.register_parquet("households", &input_name, ParquetReadOptions::default())
        .await?;
    let grants = out.join("grants.parquet");
    let households =
        write_query(ctx, &grants_sql(), &grants, &mut |n| progress("grants", n)).await?;
    ctx.register_parquet(
        "grants",
        &grants.display().to_string(),
        ParquetReadOptions::default(),
    )
    .await?;
    let communities = write_query(
        ctx,
        COMMUNITIES_SQL,
        &out.join("communities.parquet"),
        &mut |n| progress("communities", n),
    )
    .await?;
    let districts = write_query(
        ctx,
        DISTRICTS_SQL,
        &out.join("districts.parquet"),
        &mut |n| progress("districts", n),
    )
    .await?;
    Ok(Written {
        households,
        communities,
        districts,
    })
}

/// Runs `sql` and writes its rows to `path` in chunks of a fixed size. The
/// Parquet encoding runs on a thread of its own, so the engine's threads go on
/// computing while a chunk is written.
async fn write_query(
    ctx: &SessionContext,
    sql: &str,
    path: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<u64, Error> {
    let frame = ctx.sql(sql).await?;
    let schema: SchemaRef = Arc::new(frame.schema().as_arrow().clone());
    let mut stream = frame.execute_stream().await?;
    let file = File::create(path).map_err(|e| Error::Io(path.display().to_string(), e))?;
    let mut writer = ArrowWriter::try_new(file, schema.clone(), Some(writer_properties()))?;
    // Two chunks in flight at most: memory stays bounded.
    let (chunks, received) = std::sync::mpsc::sync_channel::<RecordBatch>(1);
    let encoder = std::thread::Builder::new()
        .name("parquet-writer".to_owned())
        .spawn(move || -> Result<(), Error> {
            for chunk in received {
                writer.write(&chunk)?;
            }
            writer.close()?;
            Ok(())
        })
        .map_err(|e| Error::Io(path.display().to_string(), e))?;
    let encoder_gone = || Error::Input("the Parquet writer stopped".to_owned());
    let mut pending: Vec<RecordBatch> = Vec::new();
    let (mut buffered, mut rows) = (0_usize, 0_u64);
    let mut sent = Ok(());
    while let Some(batch) = stream.next().await {
        let batch = batch?;
        buffered += batch.num_rows();
        pending.push(batch);
        while buffered >= ROWS_PER_CHUNK && sent.is_ok() {
            let all = concat_batches(&schema, &pending)?;
            sent = chunks.send(all.slice(0, ROWS_PER_CHUNK));
            let rest = all.slice(ROWS_PER_CHUNK, all.num_rows() - ROWS_PER_CHUNK);
            buffered = rest.num_rows();
            pending = vec![rest];
            rows += ROWS_PER_CHUNK as u64;
            progress(rows);
        }
        if sent.is_err() {
            break;
        }
    }
    if buffered > 0 && sent.is_ok() {
        sent = chunks.send(concat_batches(&schema, &pending)?);
        rows += buffered as u64;
    }
    drop(chunks);
    // The writer's own error says more than a closed channel does.
    encoder.join().map_err(|_| encoder_gone())??;
    sent.map_err(|_| encoder_gone())?;
    progress(rows);
    Ok(rows)
}
