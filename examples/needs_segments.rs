//! "60+ gets the same" wastes half the resources (利用率不足50%): the article's
//! needs matrix separates a high-age senior living alone from an active young-old
//! one, explains each score, flags the silent need, and turns scores into weights
//! per building.
//!
//! Run with `cargo run --example needs_segments`.

#![allow(
    clippy::print_stdout,
    reason = "an example shows its results on standard output"
)]

use guided_community::needs::{self, Matrix, ScoreOptions, Unit};
use guided_community::report::text;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Values in the article matrix's indicator order: oldest age, lives alone at
    // 80+, children under 3, chronic conditions, disability grade, income relative
    // to the local minimum, activities last year, social-worker assessment (0–5),
    // special circumstances.
    let household =
        |id: &str, values: [f64; 9]| Unit::new(id, values.iter().map(|&v| Some(v)).collect());
    let units = [
        household(
            "b3-1201 alone-86",
            [86.0, 1.0, 0.0, 2.0, 0.0, 0.9, 0.0, 3.0, 1.0],
        ),
        household(
            "b3-0402 active-63",
            [63.0, 0.0, 0.0, 0.0, 0.0, 2.4, 15.0, 0.0, 0.0],
        ),
        household(
            "b1-0801 couple-71",
            [71.0, 0.0, 0.0, 1.0, 0.0, 1.3, 4.0, 1.0, 0.0],
        ),
        household(
            "b1-0203 newborn",
            [34.0, 0.0, 1.0, 0.0, 0.0, 1.1, 2.0, 2.0, 1.0],
        ),
        household(
            "b2-1504 disabled",
            [58.0, 0.0, 0.0, 1.0, 2.0, 0.8, 1.0, 4.0, 1.0],
        ),
    ];

    // "Everyone over 60 alike": one rubric, 60+ scores 100.
    let over_60: Matrix = serde_json::from_str(
        r#"{"dimensions": [{"id": "aged-60-plus", "name": "Aged 60+", "weight": 100, "indicators": [
             {"id": "oldest_age", "source": "census", "direction": "more-need",
              "normalization": {"kind": "rubric", "bands": [{"at_least": 0, "need": 0}, {"at_least": 60, "need": 100}]}}]}]}"#,
    )?;
    let age_only: Vec<Unit> = units
        .iter()
        .map(|u| Unit::new(u.id.as_str(), u.values.iter().take(1).copied().collect()))
        .collect();
    let alike = needs::score(&over_60, &age_only, &ScoreOptions::default())?;
    println!("Everyone over 60 alike:");
    for unit in alike.iter() {
        println!(
            "  {:<20} {:>6}  {}",
            unit.id,
            text::score(unit.score),
            unit.tier
        );
    }

    // The article's matrix: 25 / 20 / 20 / 15 / 20.
    let matrix = Matrix::default();
    let scores = needs::score(&matrix, &units, &ScoreOptions::default())?;
    println!(
        "\nThe needs matrix (contributions: {}):",
        scores.dimensions().join(" / ")
    );
    for unit in scores.by_rank() {
        let why: Vec<String> = unit
            .contributions
            .iter()
            .map(|c| c.round_dp(2).normalize().to_string())
            .collect();
        let silent = if unit.flags.silent_need {
            "  ← silent need (沉默需求)"
        } else {
            ""
        };
        let score = text::score(unit.score);
        println!(
            "  #{} {:<20} {score:>6}  {:<6} = {}{silent}",
            unit.rank,
            unit.id,
            unit.tier,
            why.join(" + ")
        );
    }

    // Scores by building, as weights an allocation can use.
    let buildings = needs::group_needs(&scores, |id| {
        id.as_str()
            .split(' ')
            .next()?
            .split('-')
            .next()
            .map(str::to_owned)
    });
    println!("\nNeed by building (allocation weights):");
    for group in &buildings.groups {
        let (total, mean) = (text::score(group.total), text::score(group.mean));
        println!(
            "  {:<4} {:<12} total {total:>6}, mean {mean:>6}",
            group.group,
            text::count(group.units, "household,", "households,")
        );
    }

    // How robust is the top of the list to the weights?
    let report = needs::sensitivity(&matrix, &units, &ScoreOptions::default(), 2)?;
    let unstable = report.shifts.iter().filter(|s| s.top_k_changed > 0).count();
    println!(
        "\nMoving any weight by ±5 points changes the top 2 in {unstable} of {} cases.",
        report.shifts.len()
    );
    Ok(())
}
