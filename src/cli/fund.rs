//! `guided-community fund`: the community's own money — an income shared out
//! by a published rule, and a fund's statement from the ledger's log.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use guided_community::fund;
use guided_community::points::log::{complete, replay};
use guided_community::pools::Fen;
use serde::Serialize;

use super::{CliError, Exit, Input, Output, Stdout};

#[derive(Debug, clap::Subcommand)]
pub(crate) enum FundCommand {
    /// Share an income out by a published rule, exactly to the fen.
    ///
    /// Input: `{"income": "12000.00", "shares": {"pool": weight, …}}` (weights
    /// as decimals or integers), or `"proportional": {"measure", "values"}`,
    /// or `"co_funding": {"class", "rules"}` instead of `"shares"`. Prints
    /// `{"income", "parts": {"pool": "yuan.fen"}, "rule_hash", "reasons",
    /// "command"}`: the parts sum to the income, each within a fen of its
    /// exact share; `command` is the ledger action that records it.
    Distribute {
        /// The fund the income sits in (for `command`).
        #[arg(long, default_value = "public-income")]
        from: String,
        /// The decision that put the rule in force (for `command`).
        #[arg(long)]
        decision: Option<String>,
        #[command(flatten)]
        input: Input,
    },
    /// A fund's statement from a ledger log (JSON lines): income by kind, every
    /// expense (payee, category, purpose, receipt, approving decision, log
    /// entry), expenses by category, distributions, balances.
    Statement {
        /// The fund account.
        #[arg(long)]
        fund: String,
        /// The first day (default: the beginning).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// The day after the last (default: the end).
        #[arg(long)]
        to: Option<NaiveDate>,
        #[command(flatten)]
        input: Input,
    },
}

#[derive(Serialize)]
struct Distributed {
    income: String,
    parts: BTreeMap<String, String>,
    rule_hash: String,
    reasons: BTreeMap<String, String>,
    command: guided_community::points::Action,
}

pub(crate) fn run(
    command: &FundCommand,
    output: Output,
    out: Stdout<'_>,
) -> Result<Exit, CliError> {
    match command {
        FundCommand::Distribute {
            from,
            decision,
            input,
        } => {
            let mut given: serde_json::Map<String, serde_json::Value> = input.read_json()?;
            let income = given.remove("income").ok_or_else(|| {
                input.invalid(&"`income` is missing: the amount to share out, e.g. \"12000.00\"")
            })?;
            let income: Fen = serde_json::from_value(income).map_err(|e| input.invalid(&e))?;
            if given.len() != 1 {
                let keys: Vec<&str> = given.keys().map(String::as_str).collect();
                return Err(input.invalid(&format!(
                    "give `income` and one rule — `shares`, `proportional` or `co_funding` — not {}",
                    if keys.is_empty() { "nothing else".to_owned() } else { keys.join(", ") }
                )));
            }
            let rule: fund::DistributionRule =
                serde_json::from_value(serde_json::Value::Object(given))
                    .map_err(|e| input.invalid(&e))?;
            let d = fund::distribute(&rule, income)?;
            let command = fund::distribution_action(from, &d, decision.as_deref())?;
            let report = Distributed {
                income: d.income.to_string(),
                parts: d
                    .parts
                    .iter()
                    .map(|(p, f)| (p.clone(), f.to_string()))
                    .collect(),
                rule_hash: d.rule_hash.clone(),
                reasons: d.reasons.iter().cloned().collect(),
                command,
            };
            output.json(&report, 0, out)
        }
        FundCommand::Statement {
            fund: account,
            from,
            to,
            input,
        } => {
            if let (Some(from), Some(to)) = (from, to)
                && from >= to
            {
                return Err(input.invalid(&format!(
                    "--from {from} is not before --to {to}: the statement covers from ≤ day < to"
                )));
            }
            let log = input.read_bytes()?;
            let (log, _) = complete(&log);
            let (ledger, _) = replay(log).map_err(|e| input.invalid(&e))?;
            let start = |d: Option<NaiveDate>, default: NaiveDateTime| {
                d.and_then(|d| d.and_hms_opt(0, 0, 0)).unwrap_or(default)
            };
            if ledger.balance(account).is_none() {
                let funds = super::names(
                    ledger
                        .balances()
                        .filter(|(_, b)| b.kind == guided_community::points::AccountKind::Fund)
                        .map(|(id, _)| id),
                );
                return Err(input.invalid(&format!(
                    "the log has no account `{account}`; its funds are {funds}"
                )));
            }
            let statement = fund::statement(
                &ledger,
                account,
                start(*from, NaiveDateTime::MIN),
                start(*to, NaiveDateTime::MAX),
            )?;
            output.json(&statement, 0, out)
        }
    }
}
