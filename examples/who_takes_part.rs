//! Who takes part, and are decisions landing? The sample 阳光社区 Sunshine
//! Community's quarter read the way a guide would: participation by group
//! against each group's share of residents (young renters are missing), the
//! doors each group comes through, the council decisions' projects, and the
//! trust fund's books.
//!
//! Run with `cargo run --example who_takes_part`.

#![allow(
    clippy::print_stdout,
    reason = "an example shows its results on standard output"
)]

use guided_community::report::text::{percent, yuan};
use guided_community::{Policy, metrics, pools, quarterly_cycle, sample};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let inputs = sample::sunshine(2026);
    let quarter = quarterly_cycle(&inputs, &Policy::default())?;
    let after = &quarter.publicity.after;

    if let Some(p) = &after.participation {
        println!(
            "参与度 Who takes part: {} of {} residents took part ({})",
            p.participants,
            p.residents,
            percent(p.rate)
        );
        for g in &p.groups {
            let verdict = match g.flag {
                metrics::RepresentationFlag::Under => "under-represented",
                metrics::RepresentationFlag::Over => "over-represented",
                metrics::RepresentationFlag::Fair => "a fair share",
                metrics::RepresentationFlag::Small => "too few to judge",
            };
            let doors: Vec<String> = g.channels.iter().map(|(c, n)| format!("{c} {n}")).collect();
            println!(
                "  {:<15} {} took part; {} of participants, {} of residents: {verdict}; doors: {}",
                g.group,
                percent(g.rate),
                percent(g.participant_share),
                percent(g.resident_share),
                doors.join(", ")
            );
        }
        println!("  least reached: {}", p.least_reached.join(", "));
    }

    for line in &quarter.publicity.during.implementation {
        println!(
            "决议落实 {}: {} — {} of {} steps done; {}",
            line.title,
            line.status.name(),
            line.done,
            line.steps,
            line.reason
        );
    }

    if let Some(fund) = &after.fund {
        let s = &fund.statement;
        let income: Vec<String> = s
            .income
            .iter()
            .map(|(k, v)| format!("{k} {}", yuan(*v)))
            .collect();
        println!(
            "社区基金 {}: income {}; {} expenses; closing balance {}; fee collection {}",
            s.fund,
            income.join(", "),
            s.expenses.len(),
            yuan(pools::Fen::new(
                u64::try_from(s.closing.hundredths()).unwrap_or(0)
            )),
            fund.collection_rate.map_or_else(|| "—".to_owned(), percent)
        );
        for e in &s.expenses {
            println!(
                "  {} {} to {} for {} (approved by {}; ledger entry #{})",
                e.at.date(),
                yuan(e.amount),
                e.payee,
                e.purpose,
                e.decision.as_deref().unwrap_or("—"),
                e.entry
            );
        }
    }
    Ok(())
}
