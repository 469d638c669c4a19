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

use guided_community::report::{
    self,
    text::{self, count, grouped, indicator_label, indicator_value, percent, score, warning, yuan},
};
use guided_community::{Basis, Policy, quarterly_cycle, sample};

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
        "{}, {} ({} floating, {} aged 60+)\n",
        count(r.households, "household", "households"),
        count(r.residents, "resident", "residents"),
        grouped(r.floating_residents),
        grouped(r.aged_60_plus)
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
        .map(|t| {
            let label = r.labels.tier(&t.tier);
            format!("{} {} {}", label.zh, label.en, grouped(t.households))
        })
        .collect();
    println!(
        "  needs: {} scored (mean score {}), tiers: {}",
        count(b.needs.scored, "household", "households"),
        score(b.needs.mean_score),
        tiers.join(", ")
    );
    for line in &b.service_lines {
        println!(
            "  {} {:>6} heads  {:>14}",
            padded(&line.name, 32),
            grouped(line.heads),
            yuan(line.allocated)
        );
    }
    println!(
        "  household grants: {}, {} (largest {}), unallocated {}",
        count(b.households_granted, "household", "households"),
        yuan(b.household_grants),
        yuan(b.largest_grant),
        yuan(b.unallocated)
    );
    for a in &b.adjustments {
        let step = r.labels.step(&a.step);
        let status = if a.applied {
            "已执行 applied".to_owned()
        } else {
            format!("未执行 not applied: {} {}", step.zh, step.en)
        };
        println!(
            "  council: {} → {} {} ({status})",
            a.title,
            text::line_label(r, &a.line),
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
        "\nDURING 事中: spent {} ({} of the budget), household grants paid {}",
        yuan(d.spent),
        percent(d.progress),
        yuan(d.grants_paid)
    );
    println!(
        "  coverage: {} of {} needy households reached; petitions {} (red {}, yellow {}, blue {}), {} resolved on time",
        grouped(d.coverage.reached),
        grouped(d.coverage.needy_households),
        grouped(d.petitions.received),
        grouped(d.petitions.red),
        grouped(d.petitions.yellow),
        grouped(d.petitions.blue),
        percent(d.petitions.on_time_rate)
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
            "✓ the allocation balances to the fen"
        } else {
            "✗ the allocation does NOT balance"
        }
    );
    println!(
        "  spending: {}",
        if a.accounts.within_allocation {
            "✓ within every allocation"
        } else {
            "✗ over an allocation (see the warnings)"
        }
    );
    // The articles' point: allocating by need, not "everyone alike".
    let mut alike = policy.clone();
    alike.basis = Basis::Equal;
    let equal = quarterly_cycle(&inputs, &alike)?;
    println!(
        "  mismatch (grants vs need): {} by need, against {} if every eligible household got the same",
        percent(a.fairness.mismatch),
        percent(equal.publicity.after.fairness.mismatch)
    );
    for g in &a.groups {
        println!(
            "  {} {:>16}  grants {:>6}  need {:>6}",
            padded(&text::group_label(&g.group), 38),
            count(g.households, "household", "households"),
            percent(g.resource_share),
            percent(g.need_share)
        );
    }
    for i in &a.indicators {
        let verdict = match i.verdict {
            Some(guided_community::metrics::Verdict::Met) => "met",
            Some(guided_community::metrics::Verdict::Missed) => "MISSED",
            _ => "-",
        };
        println!(
            "  {} {}  {verdict}",
            padded(&indicator_label(&i.name), 44),
            right(&indicator_value(&i.name, i.value), 12)
        );
    }
    println!(
        "  points: {} earned {} points for {}",
        count(a.points.residents, "resident", "residents"),
        text::grouped_decimal(&a.points.points_earned.to_string()),
        count(a.points.activities, "activity", "activities")
    );
    for w in &a.warnings {
        println!("  warning 预警: {}", warning(r, w));
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

/// Columns `text` takes on a terminal, where a Chinese character takes two
/// (`{:<32}` counts characters, and misaligned the tables).
fn columns(text: &str) -> usize {
    text.chars()
        .map(|c| if c >= '\u{2e80}' { 2 } else { 1 })
        .sum()
}

/// `text` padded on the right to `width` columns.
fn padded(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(columns(text))))
}

/// `text` padded on the left to `width` columns.
fn right(text: &str, width: usize) -> String {
    format!("{}{text}", " ".repeat(width.saturating_sub(columns(text))))
}
