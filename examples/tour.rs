//! A first tour: one rule from each domain crate, through the facade.

#![allow(
    clippy::print_stdout,
    reason = "an example shows its results on standard output"
)]
//!
//! Run with `cargo run --example tour`.

use std::num::NonZeroU32;

use guided_community::report::text::{grouped, yuan};
use guided_community::{deliberation, metrics, needs, points, pools, triage};
use rust_decimal::Decimal;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. Needs: the article's five dimension weights must sum to exactly 100%.
    let weights = needs::Weights::default();
    let shown: Vec<String> = weights
        .as_percent()
        .iter()
        .map(|w| format!("{w}%"))
        .collect();
    println!("needs matrix weights: {}", shown.join(" / "));
    if let Err(err) = needs::Weights::try_new([25, 20, 20, 15, 25]) {
        println!("  a matrix of 25/20/20/15/25 is refused: {err}");
    }

    // 2. Pools: money in fen, parsed strictly from yuan.
    let budget: pools::Fen = "125000.50".parse()?;
    println!(
        "quarterly budget: {} = {} fen",
        yuan(budget),
        grouped(budget.get())
    );
    if let Err(err) = "99.999".parse::<pools::Fen>() {
        println!("  ¥99.999 is refused: {err}");
    }

    // 3. Points: the article's earning rules are data.
    let rules = points::EarningRules::default();
    let earned = rules.points_for("volunteering", "2.5".parse()?)?;
    println!("2.5 hours of volunteering earn {earned} points");

    // 4. Triage: a yellow petition is due on the 3rd working day after receipt.
    let cn = triage::Calendar::mainland_china();
    let received = chrono::NaiveDate::from_ymd_opt(2025, 9, 26).ok_or("bad date")?;
    let three = NonZeroU32::new(3).ok_or("zero")?;
    println!(
        "a yellow petition received on Friday {received} is due {} (Sunday 28 September is worked)",
        cn.nth_working_day_after(received, three)?
    );

    // 5. Deliberation: exact thresholds.
    let votes = deliberation::Votes {
        yes: 9,
        no: 5,
        abstain: 1,
    };
    let decision = deliberation::decide(
        deliberation::Threshold::TwoThirds,
        votes,
        deliberation::Attendance::new(15, 15),
    )?;
    println!("a two-thirds motion with 9 yes, 5 no: {}", decision.reason);

    // 6. Metrics: an exact Gini coefficient. The article's elite capture: 60% of a
    //    budget to one group, 5% to another.
    let shares: Vec<Decimal> = [60, 20, 15, 5].into_iter().map(Decimal::from).collect();
    println!("Gini of shares 60/20/15/5: {}", metrics::gini(&shares)?);
    Ok(())
}
