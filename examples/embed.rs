//! How a Rust service embeds guided-community: a request handler that takes JSON,
//! calls the facade, and maps every crate's error to an HTTP status code and a
//! message a resident can read. No web framework: plug `handle` into whichever
//! one you use.
//!
//! Run with `cargo run --example embed`.

#![allow(
    clippy::print_stdout,
    reason = "an example shows its results on standard output"
)]

use guided_community::{Error, Policy, QuarterInputs, quarterly_cycle, report};
use serde::Deserialize;

/// A response: status code and JSON body.
#[derive(Debug)]
struct Response {
    status: u16,
    body: String,
}

/// What the service accepts: a quarter's inputs, and optionally its policy.
#[derive(Debug, Deserialize)]
struct QuarterRequest {
    inputs: QuarterInputs,
    #[serde(default)]
    policy: Option<Policy>,
}

/// `POST /quarter`: runs the quarter and answers with the publicity report.
fn handle(body: &str) -> Response {
    let request: QuarterRequest = match serde_json::from_str(body) {
        Ok(request) => request,
        // serde_json's message names the line and column; validated types (pool
        // shares summing to 100%, money with two decimals) refuse here too.
        Err(err) => return problem(400, "请求有误 The request is invalid", &err),
    };
    let policy = request.policy.unwrap_or_default();
    match quarterly_cycle(&request.inputs, &policy) {
        Ok(quarter) => match serde_json::to_string(&quarter.publicity) {
            Ok(json) => Response {
                status: 200,
                body: json,
            },
            Err(err) => problem(500, "内部错误 Internal error", &err),
        },
        Err(err) => from_domain(&err),
    }
}

/// Every crate's error → a status and a message for residents. The messages of
/// the domain errors already name the offending value; the status says whose
/// problem it is.
fn from_domain(err: &Error) -> Response {
    let (status, title) = match err {
        // A policy that does not add up (weights or pool shares not 100%), or data
        // that contradicts itself: the caller must fix the request.
        Error::Needs(_) => (
            422,
            "需求评估配置有误 The needs assessment cannot be computed",
        ),
        Error::Pools(_) => (422, "分配方案无法成立 The allocation cannot be made"),
        Error::Triage(_) => (422, "诉求无法分级 A petition cannot be triaged"),
        Error::Deliberation(_) => (422, "议事规则不满足 A council rule is not met"),
        Error::Metrics(_) => (422, "指标无法计算 An indicator cannot be computed"),
        // The points journal was edited or replays out of order: a conflict with
        // the stored state, not a malformed request.
        Error::Points(_) => (409, "积分账本不一致 The points ledger does not replay"),
        Error::DuplicateHousehold { .. } | Error::InvalidQuarter { .. } => {
            (400, "请求数据有误 The request data is invalid")
        }
        // `Error` is non-exhaustive: a new kind is the server's to classify.
        _ => (500, "内部错误 Internal error"),
    };
    problem(status, title, err)
}

/// An RFC 9457 problem document.
fn problem(status: u16, title: &str, detail: &dyn std::fmt::Display) -> Response {
    let body =
        serde_json::json!({ "status": status, "title": title, "detail": detail.to_string() });
    Response {
        status,
        body: body.to_string(),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A good request: the sample community.
    let inputs = guided_community::sample::sunshine(1);
    let request = serde_json::json!({ "inputs": inputs }).to_string();
    let response = handle(&request);
    let report: report::PublicityReport = serde_json::from_str(&response.body)?;
    println!(
        "POST /quarter → {} · {} households granted · allocation balanced: {} · spending within allocation: {}",
        response.status,
        report.before.households_granted,
        report.after.accounts.balanced,
        report.after.accounts.within_allocation
    );

    // Three bad ones, and what a resident would read.
    let mut duplicate = inputs.clone();
    if let Some(first) = duplicate.households.first().cloned() {
        duplicate.households.push(first);
    }
    let bad_weights = serde_json::json!({
        "inputs": inputs,
        "policy": { "pools": { "base": "70", "dynamic": "30", "emergency": "5" } }
    });
    // Fixed quotas without quotas: valid JSON, but no allocation can be made.
    let no_quotas =
        serde_json::json!({ "inputs": inputs, "policy": { "base_rule": "fixed-quotas" } });
    for body in [
        "{\"inputs\": ".to_owned(),
        serde_json::json!({ "inputs": duplicate }).to_string(),
        bad_weights.to_string(),
        no_quotas.to_string(),
    ] {
        let response = handle(&body);
        println!("POST /quarter → {} {}", response.status, response.body);
    }
    Ok(())
}
