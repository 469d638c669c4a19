//! The same input gives byte-identical Parquet in this process, in Ballista's
//! standalone mode and on a scheduler with two executors started here; and a
//! community's grants are what the core gives for that community alone.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::UInt64Type;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use guided_community::{Policy, quarterly_cycle, sample};
use guided_community_district::generate::generate;
use guided_community_district::run::{self, Engine, RunOptions};

const BIN: &str = env!("CARGO_BIN_EXE_guided-community-district");
const SEED: u64 = 2026;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gc-district-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn read(path: &Path) -> Vec<RecordBatch> {
    let file = std::fs::File::open(path).unwrap();
    ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn concat(batches: &[RecordBatch]) -> RecordBatch {
    datafusion::arrow::compute::concat_batches(&batches[0].schema(), batches).unwrap()
}

/// A string column of any string type, as strings.
fn strings(array: &datafusion::arrow::array::ArrayRef) -> Vec<String> {
    let cast =
        datafusion::arrow::compute::cast(array, &datafusion::arrow::datatypes::DataType::Utf8)
            .unwrap();
    let s = cast.as_string::<i32>();
    (0..s.len()).map(|i| s.value(i).to_owned()).collect()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Child processes killed when the test ends, passing or failing.
struct Cluster(Vec<Child>);

impl Drop for Cluster {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn wait_for(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

async fn run_with(engine: Engine, input: &Path, out: &Path) {
    let options = RunOptions {
        engine,
        partitions: Some(4),
        ..RunOptions::default()
    };
    let ctx = run::context(&options).await.unwrap();
    let written = run::run(&ctx, input, out, &mut |_, _| {}).await.unwrap();
    assert_eq!(written.households, 6_000);
    assert_eq!(written.communities, 120);
    assert_eq!(written.districts, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_engine_writes_the_same_bytes() {
    let dir = scratch("engines");
    let input = dir.join("households.parquet");
    generate(6_000, 120, SEED, &input, &mut |_| {}).unwrap();

    let local = dir.join("local");
    run_with(Engine::InProcess, &input, &local).await;
    let standalone = dir.join("standalone");
    run_with(Engine::Standalone, &input, &standalone).await;

    // A scheduler and two executors, each its own process.
    let scheduler = free_port();
    let mut cluster = Cluster(Vec::new());
    cluster.0.push(
        Command::new(BIN)
            .args([
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                &scheduler.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for(scheduler);
    let mut work_dirs = Vec::new();
    for i in 0..2 {
        let (flight, grpc) = (free_port(), free_port());
        let work = dir.join(format!("executor-{i}"));
        std::fs::create_dir_all(&work).unwrap();
        cluster.0.push(
            Command::new(BIN)
                .args([
                    "executor",
                    "--port",
                    &flight.to_string(),
                    "--grpc-port",
                    &grpc.to_string(),
                    "--scheduler-port",
                    &scheduler.to_string(),
                    "--slots",
                    "2",
                    "--work-dir",
                    work.to_str().unwrap(),
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        wait_for(flight);
        work_dirs.push(work);
    }
    // Executors register with the scheduler on their first heartbeat.
    std::thread::sleep(Duration::from_secs(2));
    let remote = dir.join("cluster");
    run_with(
        Engine::Cluster(format!("df://127.0.0.1:{scheduler}")),
        &input,
        &remote,
    )
    .await;
    drop(cluster);

    for file in ["grants.parquet", "communities.parquet", "districts.parquet"] {
        let a = std::fs::read(local.join(file)).unwrap();
        for (engine, dir) in [("standalone", &standalone), ("cluster", &remote)] {
            let b = std::fs::read(dir.join(file)).unwrap();
            if a != b {
                let (x, y) = (read(&local.join(file)), read(&dir.join(file)));
                assert_eq!(x[0].schema(), y[0].schema(), "{engine} {file}: schemas");
                let (x, y) = (concat(&x), concat(&y));
                for c in 0..x.num_columns() {
                    assert_eq!(x.column(c), y.column(c), "{engine} {file}: column {c}");
                }
                panic!("{engine} {file}: same rows, different bytes");
            }
        }
    }
    // Both executors did work: each wrote shuffle files.
    for work in &work_dirs {
        let files = walk(work);
        assert!(files > 0, "{} has no shuffle files", work.display());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn walk(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() { walk(&p) } else { 1 }
                })
                .sum()
        })
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_community_gets_what_the_quarter_gives_it_alone() {
    let dir = scratch("quarter");
    let input = dir.join("households.parquet");
    let (households, communities) = (3_100, 30);
    generate(households, communities, SEED, &input, &mut |_| {}).unwrap();
    let ctx = run::context(&RunOptions::default()).await.unwrap();
    let out = dir.join("out");
    run::run(&ctx, &input, &out, &mut |_, _| {}).await.unwrap();

    let grants = read(&out.join("grants.parquet"));
    let mut by_household = std::collections::HashMap::new();
    for b in &grants {
        let ids = strings(b.column(0));
        let amounts = b.column(7).as_primitive::<UInt64Type>();
        for (i, id) in ids.into_iter().enumerate() {
            by_household.insert(id, amounts.value(i));
        }
    }
    let summary = read(&out.join("communities.parquet"));
    let mut checked = 0;
    for c in [0_u64, 1, 7, 29] {
        // The same community as `generate` makes it, run alone through the
        // whole quarter (council earmarks set aside: the district run grants
        // the whole dynamic pool).
        let n = households / communities + u64::from(c < households % communities);
        let mut inputs = sample::generate(
            &sample::Spec::scaled(n),
            SEED ^ c.wrapping_mul(0x9E37_79B9_7F4A_7C15),
        )
        .unwrap();
        inputs.council.clear();
        let quarter = quarterly_cycle(&inputs, &Policy::default()).unwrap();
        let name = format!("c{c:06}");
        let mut total = 0;
        for g in &quarter.grants {
            let ours = by_household[&format!("{name}-{}", g.household)];
            assert_eq!(ours, g.amount.get(), "{name}-{}", g.household);
            total += ours;
        }
        // Every community's grants and what was left add up to its pool.
        for b in &summary {
            let names = strings(b.column(0));
            for (i, n) in names.iter().enumerate() {
                if *n == name {
                    let pool = b.column(5).as_primitive::<UInt64Type>().value(i);
                    let granted = b.column(6).as_primitive::<UInt64Type>().value(i);
                    let left = b.column(7).as_primitive::<UInt64Type>().value(i);
                    assert_eq!(granted, total);
                    assert_eq!(granted + left, pool);
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 4);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_needs_matrix_can_be_given_as_an_argument() {
    let dir = scratch("matrix");
    let input = dir.join("households.parquet");
    generate(500, 5, SEED, &input, &mut |_| {}).unwrap();
    let ctx = run::context(&RunOptions::default()).await.unwrap();
    ctx.register_parquet("households", input.to_str().unwrap(), Default::default())
        .await
        .unwrap();
    let columns = guided_community_district::generate::indicator_columns()
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let count = |sql: String| {
        let ctx = ctx.clone();
        async move {
            let batches = ctx.sql(&sql).await.unwrap().collect().await.unwrap();
            batches[0]
                .column(0)
                .as_primitive::<datafusion::arrow::datatypes::Int64Type>()
                .value(0)
        }
    };
    // The articles' matrix given explicitly scores as the default does…
    let articles = serde_json::to_string(&Policy::default().matrix).unwrap();
    let same = count(format!(
        "SELECT count(*) FROM households WHERE needs_score({columns}, '{articles}') = needs_score({columns})"
    ))
    .await;
    assert_eq!(same, 500);
    // …and a matrix weighing the first dimension alone scores differently.
    let mut spec: serde_json::Value = serde_json::from_str(&articles).unwrap();
    let dimensions = spec["dimensions"].as_array_mut().unwrap();
    for (i, d) in dimensions.iter_mut().enumerate() {
        d["weight"] = serde_json::json!(if i == 0 { "100" } else { "0" });
    }
    let other = spec.to_string();
    let differ = count(format!(
        "SELECT count(*) FROM households WHERE needs_score({columns}, '{other}') <> needs_score({columns})"
    ))
    .await;
    assert!(differ > 0, "{other}");
    // The error a query fails with.
    let error_of = |sql: String| {
        let ctx = ctx.clone();
        async move {
            let err = ctx.sql(&sql).await.unwrap().collect().await.unwrap_err();
            err.to_string()
        }
    };
    // A matrix that does not read is an error naming the function.
    let err = error_of(format!(
        "SELECT needs_score({columns}, '{{\"x\": 1}}') FROM households"
    ))
    .await;
    assert!(
        err.contains("the needs matrix given to needs_score does not read"),
        "{err}"
    );
    // A matrix measured against the cohort would score a household by the
    // batch it landed in: refused, naming the indicator and what would do.
    let mut spec: serde_json::Value = serde_json::from_str(&articles).unwrap();
    spec["dimensions"][1]["indicators"][0]["normalization"] =
        serde_json::json!({"kind": "min-max"});
    let err = error_of(format!("SELECT needs({columns}, '{spec}') FROM households")).await;
    assert!(
        err.contains(
            "the needs matrix given to needs normalises indicator `chronic_conditions` by min-max"
        ),
        "{err}"
    );
    let mut spec: serde_json::Value = serde_json::from_str(&articles).unwrap();
    spec["dimensions"][2]["missing"] = serde_json::json!("impute-median");
    let err = error_of(format!(
        "SELECT needs_tier({columns}, '{spec}') FROM households"
    ))
    .await;
    assert!(
        err.contains("imputes dimension `economic`'s missing values"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
