//! The community's own money (社区基金, 信托制物业, 公共收益): income shared out by
//! a published rule, exactly to the fen, and recorded in the points bank's
//! ledger (whose money unit keeps the fund's books) with the rule's hash, so
//! anyone can recompute a distribution from the rule and the income.
//!
//! The split is the allocation core's (largest remainder: each part within a
//! fen of its exact share, the parts adding up to the income); the ledger
//! checks the parts add up and records them in one command.
//!
//! ```
//! use guided_community::fund::{distribute, DistributionRule};
//! use guided_community::pools::Fen;
//!
//! // ¥12,000 of advertising rent a quarter: 5 to the elderly-care pool, 3 to
//! // repairs, 2 to activities.
//! let rule: DistributionRule = serde_json::from_str(r#"{"shares": {"elderly-care": 5, "repairs": 3, "activities": "2"}}"#)?;
//! let d = distribute(&rule, Fen::new(1_200_000))?;
//! let parts: Vec<(String, String)> = d.parts.iter().map(|(p, f)| (p.clone(), f.to_string())).collect();
//! assert_eq!(parts, [("activities".into(), "2400.00".into()), ("elderly-care".into(), "6000.00".into()), ("repairs".into(), "3600.00".into())]);
//! assert_eq!(d.rule_hash, guided_community::fund::rule_hash(&rule)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

use crate::{Error, Result};
use allocation_pools::{self as pools, Fen};
use points_bank as points;

/// The most recipients a distribution has.
pub const MAX_RECIPIENTS: usize = 100_000;

/// How an income is shared out: published, hashed, and changed only by a
/// council decision in effect ([`rule_in_force`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DistributionRule {
    /// Fixed shares to named pools: weights, as decimals or integers (only
    /// their proportions matter).
    Shares(#[serde(deserialize_with = "weights")] BTreeMap<String, Decimal>),
    /// In proportion to a measure of each recipient (households per building).
    Proportional {
        /// What is measured (`households`).
        measure: String,
        /// Each recipient's measure.
        #[serde(deserialize_with = "weights")]
        values: BTreeMap<String, Decimal>,
    },
    /// By the co-funding ratio of a need class: each party's share of the
    /// class's rule.
    CoFunding {
        /// The need class whose ratio applies.
        class: pools::NeedClass,
        /// The co-funding rules.
        rules: pools::CoFundingRules,
    },
}

/// Weights read as numbers or numbers in quotes (`3`, `"2.5"`).
fn weights<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> core::result::Result<BTreeMap<String, Decimal>, D::Error> {
    use serde::de::Error as _;
    let raw = BTreeMap::<String, serde_json::Value>::deserialize(deserializer)?;
    raw.into_iter()
        .map(|(name, value)| {
            let text = match &value {
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::String(s) => s.trim().to_owned(),
                other => {
                    return Err(D::Error::custom(format!(
                        "the weight of `{name}` is {other}, expected a number such as 3 or \"2.5\""
                    )));
                }
            };
            // Exactly, or refused: a weight rounded to 0 would get nothing.
            // The value keeps the scale it was written with (`2.50`), which
            // the rule's hash has always seen.
            text.parse::<Decimal>()
                .or_else(|_| Decimal::from_scientific(&text))
                .ok()
                .filter(|_| pools::exact_decimal(&text).is_some())
                .map(|d| (name.clone(), d))
                .ok_or_else(|| {
                    D::Error::custom(format!(
                        "the weight of `{name}` is `{text}`, expected a number such as 3 or \"2.5\", with at most 28 digits and 28 decimal places"
                    ))
                })
        })
        .collect()
}

/// An income shared out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distribution {
    /// The income.
    pub income: Fen,
    /// Each recipient's part, in the rule's order (by name).
    pub parts: Vec<(String, Fen)>,
    /// Why each part is what it is.
    pub reasons: Vec<(String, String)>,
    /// The SHA-256 of the rule's canonical JSON (lowercase hex).
    pub rule_hash: String,
}

/// The SHA-256 of the rule's canonical JSON: the rule as this crate writes it
/// (names sorted, weights as decimal strings), so the same rule always hashes
/// the same.
///
/// # Errors
///
/// Never in practice: [`Error::Points`] if the rule cannot be written.
pub fn rule_hash(rule: &DistributionRule) -> Result<String> {
    let bytes = serde_json::to_vec(rule).map_err(|_| {
        Error::Points(points::Error::Overflow {
            context: "writing a distribution rule",
        })
    })?;
    Ok(points::merkle::Hash::of(&bytes).to_string())
}

impl FundStatement {
    /// A statement of `fund` over `period` with its balances and nothing
    /// moved yet.
    fn empty(
        fund: &str,
        period: (chrono::NaiveDateTime, chrono::NaiveDateTime),
        opening: points::Amount,
        closing: points::Amount,
    ) -> Self {
        FundStatement {
            fund: fund.to_owned(),
            from: period.0,
            to: period.1,
            opening,
            income: BTreeMap::new(),
            expenses: Vec::new(),
            by_category: BTreeMap::new(),
            refunds: Fen::ZERO,
            distributed_out: Fen::ZERO,
            distributed_in: Fen::ZERO,
            transfers_in: Fen::ZERO,
            transfers_out: Fen::ZERO,
            closing,
        }
    }
}

/// Shares `income` out by `rule`: exactly to the fen (each part within a fen
/// of its exact share), the parts adding up to the income.
///
/// # Errors
///
/// [`Error::InvalidDistribution`] for no recipients, a negative weight or
/// weights all zero; [`Error::Pools`] for a weight too large or a co-funding
/// class the rules do not have; [`Error::TooManyRecipients`]
/// beyond [`MAX_RECIPIENTS`], before anything is allocated.
pub fn distribute(rule: &DistributionRule, income: Fen) -> Result<Distribution> {
    let (names, parts, reasons): (Vec<String>, Vec<Fen>, Vec<String>) = match rule {
        DistributionRule::Shares(weights)
        | DistributionRule::Proportional {
            values: weights, ..
        } => {
            if weights.len() > MAX_RECIPIENTS {
                return Err(Error::TooManyRecipients {
                    count: weights.len(),
                    max: MAX_RECIPIENTS,
                });
            }
            let invalid = |reason: String| Error::InvalidDistribution { reason };
            if weights.is_empty() {
                return Err(invalid(
                    "names no recipients: give at least one with a weight above zero".to_owned(),
                ));
            }
            if let Some((name, w)) = weights
                .iter()
                .find(|(_, w)| w.is_sign_negative() && !w.is_zero())
            {
                return Err(invalid(format!(
                    "gives `{name}` a weight of {w}: weights are zero or more"
                )));
            }
            if weights.values().all(Decimal::is_zero) {
                return Err(invalid(
                    "gives every recipient a weight of zero: at least one must be above zero"
                        .to_owned(),
                ));
            }
            let names: Vec<String> = weights.keys().cloned().collect();
            let values: Vec<Decimal> = weights.values().copied().collect();
            let integer = pools::integer_weights(&values)?;
            let allocation =
                pools::apportion(income.get(), &integer, pools::ApportionMethod::Hamilton)?;
            let reasons = allocation.reasons.iter().map(ToString::to_string).collect();
            let parts = allocation.parts.iter().map(|&p| Fen::new(p)).collect();
            (names, parts, reasons)
        }
        DistributionRule::CoFunding { class, rules } => {
            let payments = rules.split(*class, income)?;
            let names = payments.iter().map(|p| p.party.clone()).collect();
            let parts = payments.iter().map(|p| p.amount).collect();
            let reasons = payments
                .iter()
                .map(|_| format!("its ratio in the {class} co-funding rule"))
                .collect();
            (names, parts, reasons)
        }
    };
    Ok(Distribution {
        income,
        reasons: names.iter().cloned().zip(reasons).collect(),
        parts: names.into_iter().zip(parts).collect(),
        rule_hash: rule_hash(rule)?,
    })
}

/// The ledger command that records `distribution` out of the fund `from`:
/// each recipient is the fund account of the same name.
///
/// ```
/// use guided_community::fund::{distribute, distribution_action, DistributionRule};
/// use guided_community::pools::Fen;
///
/// let rule: DistributionRule = serde_json::from_str(r#"{"shares": {"a": 1, "b": 2}}"#)?;
/// let action = distribution_action("public-income", &distribute(&rule, Fen::new(1_000))?, Some("2026-07"))?;
/// assert_eq!(action.name(), "distribute");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::Points`] ([`points::Error::Overflow`]) for an income beyond what
/// the ledger holds (about 9.2 × 10¹⁶ yuan).
pub fn distribution_action(
    from: &str,
    distribution: &Distribution,
    decision: Option<&str>,
) -> Result<points::Action> {
    let money = |fen: Fen| {
        i64::try_from(fen.get())
            .map(points::Amount::from_hundredths)
            .map_err(|_| {
                Error::Points(points::Error::Overflow {
                    context: "recording an income beyond what the ledger holds",
                })
            })
    };
    Ok(points::Action::Distribute {
        from: from.to_owned(),
        amount: money(distribution.income)?,
        parts: distribution
            .parts
            .iter()
            .map(|(account, fen)| {
                Ok(points::Part {
                    account: account.clone(),
                    amount: money(*fen)?,
                })
            })
            .collect::<Result<_>>()?,
        rule_hash: distribution.rule_hash.clone(),
        decision: decision.map(str::to_owned),
    })
}

/// Whether a recorded distribution is what `rule` gives for its income: the
/// same rule hash and the same parts, to the fen — what anyone can check from
/// the published rule and the ledger.
///
/// # Errors
///
/// As [`distribute`], for the rule.
pub fn recompute_matches(rule: &DistributionRule, recorded: &points::Action) -> Result<bool> {
    let points::Action::Distribute {
        amount,
        parts,
        rule_hash: recorded_hash,
        ..
    } = recorded
    else {
        return Ok(false);
    };
    let Ok(income) = u64::try_from(amount.hundredths()) else {
        return Ok(false);
    };
    let again = distribute(rule, Fen::new(income))?;
    let same_parts = again.parts.len() == parts.len()
        && again.parts.iter().zip(parts).all(|((name, fen), part)| {
            *name == part.account && i64::try_from(fen.get()).ok() == Some(part.amount.hundredths())
        });
    Ok(same_parts && again.rule_hash == *recorded_hash)
}

/// A rule adopted by a council decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdoptedRule {
    /// The rule.
    pub rule: DistributionRule,
    /// The decision that adopted it, as the deliberation process left it.
    pub decision: deliberation::Item,
}

/// The rule in force on `on`: of the rules whose decision is in effect by
/// then (it passed publication: the deliberation process says when), the one
/// that took effect last. A rule whose decision is not in effect is not in
/// force, whatever anyone says.
///
/// ```
/// use chrono::NaiveDate;
/// use guided_community::fund::{rule_in_force, AdoptedRule, DistributionRule};
/// use guided_community::deliberation;
///
/// let rule: DistributionRule = serde_json::from_str(r#"{"shares": {"a": 1}}"#)?;
/// // Only proposed: not in force.
/// let proposed = deliberation::propose("2026-09", "share the ad rent", NaiveDate::from_ymd_opt(2026, 9, 1).ok_or("date")?);
/// let adopted = [AdoptedRule { rule, decision: proposed }];
/// assert!(rule_in_force(&adopted, NaiveDate::from_ymd_opt(2026, 10, 1).ok_or("date")?).is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn rule_in_force(rules: &[AdoptedRule], on: NaiveDate) -> Option<&AdoptedRule> {
    rules
        .iter()
        .filter_map(|r| match r.decision.step {
            deliberation::Step::InEffect { since } if since <= on => Some((since, r)),
            _ => None,
        })
        .max_by_key(|(since, _)| *since)
        .map(|(_, r)| r)
}

/// An expense as the 公示 report lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpenseLine {
    /// Its entry in the ledger's log (the line number minus one): the number
    /// an inclusion proof is asked for.
    pub entry: u64,
    /// When.
    pub at: chrono::NaiveDateTime,
    /// Who was paid.
    pub payee: String,
    /// The expense category.
    pub category: String,
    /// How much.
    pub amount: Fen,
    /// What for.
    pub purpose: String,
    /// The receipt or invoice.
    pub receipt: Option<String>,
    /// The decision that approved it.
    pub decision: Option<String>,
    /// Given back on it so far (refunds in the period).
    pub refunded: Fen,
}

/// A statement's unbounded end as `null`, not chrono's year −262143 or
/// +262142.
fn unbounded<S: serde::Serializer>(
    at: &chrono::NaiveDateTime,
    serializer: S,
) -> core::result::Result<S::Ok, S::Error> {
    (*at != chrono::NaiveDateTime::MIN && *at != chrono::NaiveDateTime::MAX)
        .then_some(at)
        .serialize(serializer)
}

/// A statement's start: `null` is the earliest instant.
fn since<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> core::result::Result<chrono::NaiveDateTime, D::Error> {
    Ok(Option::deserialize(deserializer)?.unwrap_or(chrono::NaiveDateTime::MIN))
}

/// A statement's end: `null` is the latest instant.
fn until<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> core::result::Result<chrono::NaiveDateTime, D::Error> {
    Ok(Option::deserialize(deserializer)?.unwrap_or(chrono::NaiveDateTime::MAX))
}

/// A fund's income and expenses over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundStatement {
    /// The fund account.
    pub fund: String,
    /// The period's start (`null` in JSON for none: `NaiveDateTime::MIN`).
    #[serde(serialize_with = "unbounded", deserialize_with = "since")]
    pub from: chrono::NaiveDateTime,
    /// The period's end, exclusive (`null` in JSON for none:
    /// `NaiveDateTime::MAX`).
    #[serde(serialize_with = "unbounded", deserialize_with = "until")]
    pub to: chrono::NaiveDateTime,
    /// The balance at `from` (written with two decimals).
    #[serde(serialize_with = "two_decimals")]
    pub opening: points::Amount,
    /// Income by kind (`donation`, `fee`, `rent`, `sale`, `other`).
    pub income: BTreeMap<String, Fen>,
    /// Every expense, in order.
    pub expenses: Vec<ExpenseLine>,
    /// Expenses by category, less their refunds in the period.
    pub by_category: BTreeMap<String, Fen>,
    /// Money given back on expenses (this period's or earlier ones').
    pub refunds: Fen,
    /// Shared out to other funds by a rule.
    pub distributed_out: Fen,
    /// Received from other funds' distributions.
    pub distributed_in: Fen,
    /// Direct transfers in and out (corrections, grants).
    pub transfers_in: Fen,
    /// Direct transfers out.
    pub transfers_out: Fen,
    /// The balance at `to` (written with two decimals).
    #[serde(serialize_with = "two_decimals")]
    pub closing: points::Amount,
}

/// Money as yuan with both fen digits (`139604.00`, `-0.50`).
#[allow(clippy::trivially_copy_pass_by_ref, reason = "serde's signature")]
fn two_decimals<S: serde::Serializer>(
    amount: &points::Amount,
    serializer: S,
) -> core::result::Result<S::Ok, S::Error> {
    let fen = amount.hundredths();
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    serializer.serialize_str(&format!("{sign}{}.{:02}", fen / 100, fen % 100))
}

/// `fund`'s statement for `from ≤ t < to` from the ledger: its income by
/// kind, every expense with its payee, purpose, receipt, decision and log
/// entry, expenses by category, refunds, distributions and transfers, and
/// the balances: opening + income − expenses + refunds + distributed in −
/// distributed out + transfers in − transfers out = closing.
///
/// # Errors
///
/// [`Error::Points`] for an unknown account or a sum that overflows.
pub fn statement(
    ledger: &points::Ledger,
    fund: &str,
    from: chrono::NaiveDateTime,
    to: chrono::NaiveDateTime,
) -> Result<FundStatement> {
    let balances = points::statement(ledger, fund, from, to)?;
    let mut s = FundStatement::empty(fund, (from, to), balances.opening, balances.closing);
    for event in ledger.events() {
        if event.at < from || event.at >= to {
            continue;
        }
        let Some(seq) = ledger.seq_of(&event.command.id) else {
            continue;
        };
        // Only what was accepted moved money.
        if ledger.receipt(seq).is_err() {
            continue;
        }
        s.record(ledger, &event.command.action, event.at, seq)?;
    }
    Ok(s)
}

impl FundStatement {
    /// Adds one accepted command at `at` (entry `seq`) to the statement.
    fn record(
        &mut self,
        ledger: &points::Ledger,
        action: &points::Action,
        at: chrono::NaiveDateTime,
        seq: u64,
    ) -> Result<()> {
        let fund = self.fund.clone();
        let fund = fund.as_str();
        let fen = |a: points::Amount| Fen::new(u64::try_from(a.hundredths()).unwrap_or(0));
        let add = |total: &mut Fen, more: Fen| -> Result<()> {
            *total = total.checked_add(more)?;
            Ok(())
        };
        match action {
            points::Action::Receive {
                fund: to_fund,
                amount,
                income,
                ..
            } if to_fund == fund => {
                let kind = serde_json::to_value(income)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                add(self.income.entry(kind).or_insert(Fen::ZERO), fen(*amount))?;
            }
            points::Action::Spend {
                fund: from_fund,
                category,
                amount,
                payee,
                purpose,
                receipt,
                decision,
            } if from_fund == fund => {
                add(
                    self.by_category
                        .entry(category.clone())
                        .or_insert(Fen::ZERO),
                    fen(*amount),
                )?;
                self.expenses.push(ExpenseLine {
                    entry: seq,
                    at,
                    payee: payee.clone(),
                    category: category.clone(),
                    amount: fen(*amount),
                    purpose: purpose.clone(),
                    receipt: receipt.clone(),
                    decision: decision.clone(),
                    refunded: Fen::ZERO,
                });
            }
            points::Action::RefundExpense { expense, amount } => {
                // Whose money came back is in the refund's own transfer, so a
                // refund of an expense paid before the period counts too.
                let into_fund = ledger
                    .receipt(seq)
                    .is_ok_and(|r| r.transfers.iter().any(|t| &*t.to == fund));
                if into_fund {
                    add(&mut self.refunds, fen(*amount))?;
                    let original = ledger.seq_of(expense);
                    if let Some(line) = self.expenses.iter_mut().find(|l| Some(l.entry) == original)
                    {
                        add(&mut line.refunded, fen(*amount))?;
                        if let Some(entry) = self.by_category.get_mut(&line.category) {
                            *entry = entry.checked_sub(fen(*amount)).unwrap_or(Fen::ZERO);
                        }
                    }
                }
            }
            points::Action::Distribute {
                from: source,
                amount,
                parts,
                ..
            } => {
                if source == fund {
                    add(&mut self.distributed_out, fen(*amount))?;
                }
                for part in parts.iter().filter(|p| p.account == fund) {
                    add(&mut self.distributed_in, fen(part.amount))?;
                }
            }
            points::Action::Transfer {
                from: source,
                to: target,
                amount,
                ..
            } => {
                if source == fund {
                    add(&mut self.transfers_out, fen(*amount))?;
                }
                if target == fund {
                    add(&mut self.transfers_in, fen(*amount))?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An unbounded period is written `null` at either end and reads back as
    /// the bound it stood for; a bounded one reads back as it was.
    #[test]
    fn unbounded_ends_are_null_and_read_back() {
        let day = |d: u32| {
            NaiveDate::from_ymd_opt(2026, 7, d)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .unwrap_or_default()
        };
        let mut s = FundStatement::empty(
            "trust-fund",
            (chrono::NaiveDateTime::MIN, chrono::NaiveDateTime::MAX),
            points::Amount::ZERO,
            points::Amount::ZERO,
        );
        let json = serde_json::to_value(&s).unwrap_or_default();
        assert!(json["from"].is_null() && json["to"].is_null(), "{json}");
        assert_eq!(
            serde_json::from_value::<FundStatement>(json).ok(),
            Some(s.clone())
        );
        (s.from, s.to) = (day(1), day(31));
        let json = serde_json::to_value(&s).unwrap_or_default();
        assert_eq!(json["from"], "2026-07-01T00:00:00");
        assert_eq!(serde_json::from_value::<FundStatement>(json).ok(), Some(s));
    }
}
