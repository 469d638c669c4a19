//! A Ballista scheduler and executors that know this crate's functions.

use std::net::SocketAddr;
use std::sync::Arc;

use ballista_core::registry::BallistaFunctionRegistry;
use ballista_executor::executor_process::{ExecutorProcessConfig, start_executor_process};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;
use datafusion::execution::SessionStateBuilder;
use datafusion::prelude::SessionConfig;

use crate::{Error, functions, run};

/// The executor's function registry: DataFusion's built-ins and ours. An
/// executor finds functions by name when it decodes a plan.
pub fn function_registry() -> Arc<BallistaFunctionRegistry> {
    let mut registry = BallistaFunctionRegistry::default();
    for udf in functions::scalar_functions() {
        registry
            .scalar_functions
            .insert(udf.name().to_owned(), Arc::new(udf));
    }
    for udaf in functions::inequality_measures() {
        registry
            .aggregate_functions
            .insert(udaf.name().to_owned(), Arc::new(udaf));
    }
    for udwf in functions::window_functions() {
        registry
            .window_functions
            .insert(udwf.name().to_owned(), Arc::new(udwf));
    }
    Arc::new(registry)
}

/// Runs a scheduler on `host:port` until the process ends; its sessions know
/// our functions, so it can plan queries that use them.
///
/// # Errors
///
/// The address is invalid or taken, or the scheduler fails.
pub async fn scheduler(host: &str, port: u16) -> Result<(), Error> {
    let config = SchedulerConfig {
        bind_host: host.to_owned(),
        bind_port: port,
        override_session_builder: Some(Arc::new(|config: SessionConfig| {
            let mut state = SessionStateBuilder::new()
                .with_config(config)
                .with_default_features()
                .build();
            run::register_on_state(&mut state)
                .map_err(|e| datafusion::error::DataFusionError::Execution(e.to_string()))?;
            Ok(state)
        })),
        ..Default::default()
    };
    let address: SocketAddr = format!("{host}:{port}")
        .parse()
        .map_err(|_| Error::Input(format!("`{host}:{port}` is not an address to listen on")))?;
    let cluster = BallistaCluster::new_from_config(&config).await?;
    start_server(cluster, address, Arc::new(config)).await?;
    Ok(())
}

/// Runs an executor on `host:port` (Flight) and `grpc_port`, registered with
/// the scheduler at `scheduler_host:scheduler_port`, with `slots` concurrent
/// tasks and its shuffle files in `work_dir`.
///
/// # Errors
///
/// The scheduler cannot be reached, or the executor fails.
#[allow(
    clippy::too_many_arguments,
    reason = "an executor's addresses and settings"
)]
pub async fn executor(
    host: &str,
    port: u16,
    grpc_port: u16,
    scheduler_host: &str,
    scheduler_port: u16,
    slots: usize,
    work_dir: Option<String>,
) -> Result<(), Error> {
    let config = ExecutorProcessConfig {
        bind_host: host.to_owned(),
        external_host: Some(host.to_owned()),
        port,
        grpc_port,
        scheduler_host: scheduler_host.to_owned(),
        scheduler_port,
        vcores: slots.max(1),
        work_dir,
        override_function_registry: Some(function_registry()),
        ..Default::default()
    };
    start_executor_process(Arc::new(config)).await?;
    Ok(())
}
