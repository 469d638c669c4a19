//! A community's quarter end to end: needs → plan → spending → accounts, fairness
//! and warnings, with the publicity report (资源分配公示) written as HTML and JSON.
//!
//! Run with `cargo run --release --example quarterly_cycle` (阳光社区), or add
//! `-- linlihui` for the Hangzhou 邻里荟 mixed community. Writes
//! `target/quarterly-report.html` and `target/quarterly-report.json`.

#![allow(
    clippy::print_stdout,
    reason = "an example shows its results on standard output"
)]

use std::path::PathBuf;

use guided_community::report::{self, Warning};
use guided_community::{Basis, Policy, pools::Fen, quarterly_cycle, sample};

#[allow(
    clippy::too_many_lines,
    reason = "the example is read top to bottom, like the report"
)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let inputs = match std::env::args().nth(1).as_deref() {
        Some("linlihui") => sample::linlihui(2026),
        _ => sample::sunshine(2026),
    };
    let policy = Policy::default();
    let quarter = quarterly_cycle(&inputs, &policy)?;
    let r = &quarter.publicity;

    println!("{} · {} (report of {})", r.community, r.quarter, r.as_of);
    println!(
        "{} households, {} residents ({} floating, {} aged 60+)\n",
        r.households, r.residents, r.floating_residents, r.aged_60_plus
    );

    let b = &r.before;
    println!("BEFORE 事前: budget {}", yuan(b.budget));
    println!(
        "  pools: base {} · dynamic {} · reserve {}",
        yuan(b.pools.base),
        yuan(b.pools.dynamic),
        yuan(b.pools.emergency)
    );
    let tiers: Vec<String> = b
        .needs
        .tiers
        .iter()
        .map(|t| format!("{} {}", t.tier, t.households))
        .collect();
    println!(
        "  needs: {} households scored (mean {}), tiers: {}",
        b.needs.scored,
        b.needs.mean_score,
        tiers.join(", ")
    );
    for line in &b.service_lines {
        println!(
            "  {:<32} {:>6} heads  {:>14}",
            line.name,
            line.heads,
            yuan(line.allocated)
        );
    }
    println!(
        "  household grants: {} households, {} (largest {}), unallocated {}",
        b.households_granted,
        yuan(b.household_grants),
        yuan(b.largest_grant),
        yuan(b.unallocated)
    );
    for a in &b.adjustments {
        let status = if a.applied {
            "applied".to_owned()
        } else {
            format!("not applied: {}", a.note.as_deref().unwrap_or(""))
        };
        println!(
            "  council: {} → {} {} ({status})",
            a.title,
            a.line,
            yuan(a.amount)
        );
    }
    for item in &b.agenda {
        println!("  suggested agenda: {}", item.title);
    }
    println!(
        "  notice: published {}, objections until {}, takes effect {}",
        b.notice.published, b.notice.objections_until, b.notice.takes_effect
    );

    let d = &r.during;
    println!(
        "\nDURING 事中: spent {} ({}% of the budget)",
        yuan(d.spent),
        pct(d.progress)
    );
    println!(
        "  coverage: {} of {} needy households reached; petitions {} (red {}, yellow {}, blue {}), {}% resolved on time",
        d.coverage.reached,
        d.coverage.needy_households,
        d.petitions.received,
        d.petitions.red,
        d.petitions.yellow,
        d.petitions.blue,
        pct(d.petitions.on_time_rate)
    );

    let a = &r.after;
    println!(
        "\nAFTER 事后: lines {} + grants {} + unallocated {} + reserve {} drawn / {} carried over = {} {}",
        yuan(a.accounts.service_lines),
        yuan(a.accounts.household_grants),
        yuan(a.accounts.unallocated),
        yuan(a.accounts.reserve_drawn),
        yuan(a.accounts.reserve_carried_over),
        yuan(a.accounts.budget),
        if a.accounts.balanced {
            "✓ balanced to the fen"
        } else {
            "✗ NOT balanced"
        }
    );
    // The articles' point: allocating by need, not "everyone alike".
    let equal = quarterly_cycle(
        &inputs,
        &Policy {
            basis: Basis::Equal,
            ..policy
        },
    )?;
    println!(
        "  mismatch (grants vs need): {}% by need, against {}% if every eligible household got the same",
        pct(a.fairness.mismatch),
        pct(equal.publicity.after.fairness.mismatch)
    );
    for g in &a.groups {
        println!(
            "  {:<15} {:>5} households  grants {:>5}%  need {:>5}%",
            g.group,
            g.households,
            pct(g.resource_share),
            pct(g.need_share)
        );
    }
    for i in &a.indicators {
        let verdict = match i.verdict {
            Some(guided_community::metrics::Verdict::Met) => "met",
            Some(guided_community::metrics::Verdict::Missed) => "MISSED",
            _ => "-",
        };
        println!("  {:<30} {:>10}  {verdict}", i.name, i.value.round_dp(4));
    }
    println!(
        "  points: {} residents earned {} points for {} activities",
        a.points.residents, a.points.points_earned, a.points.activities
    );
    for w in &a.warnings {
        match w {
            Warning::Capture { group, flag, .. } => println!("  warning: {group} is {flag:?}"),
            other => println!("  warning: {other:?}"),
        }
    }
    for d in quarter.diagnostics.iter().take(5) {
        println!("  set aside: {} `{}`: {}", d.kind, d.id, d.message);
    }

    let dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    std::fs::create_dir_all(&dir)?;
    let html = dir.join("quarterly-report.html");
    let json = dir.join("quarterly-report.json");
    std::fs::write(&html, report::render_html(r))?;
    std::fs::write(&json, serde_json::to_string_pretty(r)? + "\n")?;
    println!("\nwrote {} and {}", html.display(), json.display());
    Ok(())
}

fn yuan(fen: Fen) -> String {
    format!("¥{fen}")
}

fn pct(ratio: rust_decimal::Decimal) -> String {
    ratio
        .checked_mul(rust_decimal::Decimal::ONE_HUNDRED)
        .map_or_else(|| "—".to_owned(), |p| p.round_dp(1).to_string())
}
