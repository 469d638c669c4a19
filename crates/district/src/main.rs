//! `guided-community-district`: generate a district's households, run its
//! quarter's grants and fairness roll-ups on DataFusion or a Ballista
//! cluster, query the results with SQL, or start a cluster's processes.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use guided_community_district::run::{Engine, RunOptions};
use guided_community_district::{Error, cluster, generate, run};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(name = "guided-community-district", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write households on the sample communities' proportions as Parquet.
    Generate {
        /// Households in all (1 to 100,000,000).
        #[arg(long)]
        households: u64,
        /// Communities they live in (100 to a district).
        #[arg(long)]
        communities: u64,
        /// The seed: the same seed, the same file.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// The Parquet file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Score every household, grant each community's dynamic pool by need,
    /// and summarise communities and districts: grants.parquet,
    /// communities.parquet and districts.parquet in DIR.
    Run {
        /// The households (as `generate` writes them).
        #[arg(long)]
        input: PathBuf,
        /// The directory to write to.
        #[arg(long)]
        out: PathBuf,
        /// A Ballista scheduler, `df://host:50050`; `standalone` runs one in
        /// this process. Default: DataFusion in this process.
        #[arg(long)]
        cluster: Option<String>,
        /// The most memory to use, e.g. `2GB` or `512MB`; sorts spill to disk past it.
        #[arg(long, value_parser = bytes)]
        memory_limit: Option<usize>,
        /// Where spills go.
        #[arg(long)]
        spill_dir: Option<PathBuf>,
        /// Partitions to plan with (default: the cores).
        #[arg(long)]
        partitions: Option<usize>,
    },
    /// Run SQL over a Parquet file (as table `households`, or `t`), with the
    /// functions available; prints the result as a table.
    Sql {
        /// The Parquet file.
        #[arg(long)]
        input: PathBuf,
        /// The query.
        query: String,
    },
    /// Start a Ballista scheduler that knows the functions.
    Scheduler {
        /// The address to listen on.
        #[arg(long, default_value = "0.0.0.0")]
        host: String,
        /// The port.
        #[arg(long, default_value_t = 50050)]
        port: u16,
    },
    /// Start a Ballista executor that knows the functions.
    Executor {
        /// This machine's address, as the scheduler and other executors reach it.
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// The Flight port (shuffle data).
        #[arg(long, default_value_t = 50051)]
        port: u16,
        /// The gRPC port.
        #[arg(long, default_value_t = 50052)]
        grpc_port: u16,
        /// The scheduler's host.
        #[arg(long, default_value = "127.0.0.1")]
        scheduler_host: String,
        /// The scheduler's port.
        #[arg(long, default_value_t = 50050)]
        scheduler_port: u16,
        /// Tasks at once (default: the cores).
        #[arg(long)]
        slots: Option<usize>,
        /// Where shuffle files go.
        #[arg(long)]
        work_dir: Option<String>,
    },
}

/// `2GB`, `512MB`, `1.5GB` or a number of bytes.
fn bytes(text: &str) -> Result<usize, String> {
    let t = text.trim().to_ascii_uppercase();
    let (number, unit) = match t.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => t.split_at(i),
        None => (t.as_str(), ""),
    };
    let scale: f64 = match unit {
        "" | "B" => 1.0,
        "KB" | "K" => 1024.0,
        "MB" | "M" => 1024.0 * 1024.0,
        "GB" | "G" => 1024.0 * 1024.0 * 1024.0,
        _ => return Err(format!("`{text}` is not a size: write it as 2GB or 512MB")),
    };
    let n: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a size: write it as 2GB or 512MB"))?;
    if !(n.is_finite() && n > 0.0 && n * scale < 1e18) {
        return Err(format!("`{text}` is not a size: write it as 2GB or 512MB"));
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "checked above"
    )]
    Ok((n * scale) as usize)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZero::get)
}

/// A progress line on standard error, rewritten at most twice a second.
struct Progress {
    started: Instant,
    last: Instant,
}

impl Progress {
    fn new() -> Self {
        let now = Instant::now();
        Self {
            started: now,
            last: now,
        }
    }

    fn tell(&mut self, what: &str, rows: u64) {
        if self.last.elapsed().as_millis() < 500 {
            return;
        }
        self.last = Instant::now();
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r{what}: {rows} rows, {:.1} s   ",
            self.started.elapsed().as_secs_f64()
        );
        let _ = err.flush();
    }

    fn done(&self) {
        let _ = writeln!(std::io::stderr().lock());
    }
}

async fn run_command(command: Command) -> Result<(), Error> {
    match command {
        Command::Generate {
            households,
            communities,
            seed,
            out,
        } => {
            let mut progress = Progress::new();
            generate::generate(households, communities, seed, &out, &mut |n| {
                progress.tell("generate", n);
            })?;
            progress.done();
            println!(
                "{{\"households\": {households}, \"communities\": {communities}, \"out\": {:?}}}",
                out.display().to_string()
            );
        }
        Command::Run {
            input,
            out,
            cluster,
            memory_limit,
            spill_dir,
            partitions,
        } => {
            let engine = match cluster.as_deref() {
                None => Engine::InProcess,
                Some("standalone") => Engine::Standalone,
                Some(url) if url.starts_with("df://") => Engine::Cluster(url.to_owned()),
                Some(other) => {
                    return Err(Error::Input(format!(
                        "`{other}` is not a cluster: give df://host:port or standalone"
                    )));
                }
            };
            let options = RunOptions {
                engine,
                memory_limit,
                spill_dir,
                partitions: Some(partitions.unwrap_or_else(cores)),
            };
            let started = Instant::now();
            let ctx = run::context(&options).await?;
            let mut progress = Progress::new();
            let written =
                run::run(&ctx, &input, &out, &mut |what, n| progress.tell(what, n)).await?;
            progress.done();
            println!(
                "{{\"households\": {}, \"communities\": {}, \"districts\": {}, \"seconds\": {:.2}, \"out\": {:?}}}",
                written.households,
                written.communities,
                written.districts,
                started.elapsed().as_secs_f64(),
                out.display().to_string()
            );
        }
        Command::Sql { input, query } => {
            let ctx = run::context(&RunOptions::default()).await?;
            let name = input.display().to_string();
            ctx.register_parquet("households", &name, Default::default())
                .await?;
            ctx.register_parquet("t", &name, Default::default()).await?;
            let batches = ctx.sql(&query).await?.collect().await?;
            let table = datafusion::arrow::util::pretty::pretty_format_batches(&batches)?;
            println!("{table}");
        }
        Command::Scheduler { host, port } => cluster::scheduler(&host, port).await?,
        Command::Executor {
            host,
            port,
            grpc_port,
            scheduler_host,
            scheduler_port,
            slots,
            work_dir,
        } => {
            cluster::executor(
                &host,
                port,
                grpc_port,
                &scheduler_host,
                scheduler_port,
                slots.unwrap_or_else(cores),
                work_dir,
            )
            .await?;
        }
    }
    Ok(())
}

/// An error in one line. The engine's refusal to reserve memory lists every
/// operator's reservation first; what a person needs is the limit and what to do.
fn said(e: &Error) -> String {
    let message = e.to_string().replace('\n', " ");
    let exhausted = matches!(
        e,
        Error::DataFusion(d)
            if matches!(d.find_root(), datafusion::error::DataFusionError::ResourcesExhausted(_))
    );
    match message.find("Failed to allocate") {
        Some(at) if exhausted => format!(
            "the memory limit is too small for this run ({}); raise --memory-limit (2GB was enough for 40 million households)",
            message.get(at..).unwrap_or_default().trim_end()
        ),
        _ => message,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run_command(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", said(&e));
            ExitCode::from(2)
        }
    }
}
