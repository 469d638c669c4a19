//! A week of the time bank (时间银行) and the talent bank (社区能人库): a
//! seeded week of 200 residents' requests and 40 volunteers is matched, the
//! requests not served say why, the volunteers' loads are shown, the completed
//! services are banked as hours in the points bank, and the district's 5 guides
//! get their buildings.
//!
//! Run with `cargo run --example time_bank_week`.

#![allow(
    clippy::print_stdout,
    reason = "an example shows its results on standard output"
)]

use std::collections::BTreeMap;

use guided_community::{joins, matching, points};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let week = matching::RandomWeek::new(200, 40)
        .skills(6)
        .buildings(20)
        .generate(7)?;
    let m = matching::match_requests(&week, matching::MatchOptions::default().spread_load(true))?;
    println!(
        "时间银行 This week: {} of {} requests served, urgency {} (a matching can serve at most {}{}), {} m walked",
        m.matches.len(),
        week.requests.len(),
        m.objective.urgency,
        m.optimality.urgency_bound,
        if m.optimality.proven {
            ", so this is optimal"
        } else {
            ""
        },
        m.objective.distance
    );
    for x in m.matches.iter().take(3) {
        println!(
            "  {} → {}: {} (level {}), {}–{}, {} m away, {} h",
            x.request,
            x.volunteer,
            x.skill,
            x.level,
            x.from.format("%a %H:%M"),
            x.to.format("%H:%M"),
            x.distance,
            x.hours
        );
    }
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for u in &m.unmatched {
        let kind = match u.reason {
            matching::Reason::NoSkill { .. } => "nobody has the skill",
            matching::Reason::NotAvailable { .. } => "nobody with it is free then",
            matching::Reason::OverLimit { .. } => "longer than anyone's weekly limit",
            matching::Reason::Busy { .. } => "everyone who could is busy or at their limit",
            _ => "invalid",
        };
        *reasons.entry(kind).or_default() += 1;
    }
    println!("  not served:");
    for (why, n) in &reasons {
        println!("    {n:>3} because {why}");
    }
    if let Some(u) = m
        .unmatched
        .iter()
        .find(|u| matches!(u.reason, matching::Reason::Busy { .. }))
    {
        println!("    for example: {u}");
    }
    let busiest = m
        .loads
        .iter()
        .max_by_key(|l| l.percent)
        .ok_or("no volunteers")?;
    println!(
        "  the busiest volunteer, {}, serves {} of their {} hours ({}%)",
        busiest.volunteer, busiest.hours, busiest.max_hours, busiest.percent
    );

    bank(&week, &m, &busiest.volunteer)?;
    guides()
}

/// Banks the completed services as hours: each match once, however often
/// recorded.
fn bank(
    week: &matching::Instance,
    m: &matching::Matching,
    busiest: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let now = chrono::NaiveDate::from_ymd_opt(2025, 10, 20)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .ok_or("date")?;
    let mut ledger = points::Ledger::new();
    let open = |id: &str, kind| points::Action::OpenAccount {
        account: id.to_owned(),
        kind,
        unit: points::Unit::Hours,
        credit_limit: points::Amount::ZERO,
        cap: None,
    };
    let mut setup = vec![
        open("hours-issuer", points::AccountKind::Issuer),
        open("care-fund", points::AccountKind::Fund),
        points::Action::Transfer {
            from: "hours-issuer".into(),
            to: "care-fund".into(),
            amount: points::Amount::from_whole(1_000),
            memo: Some("the district's grant".into()),
        },
    ];
    setup.extend(
        week.volunteers
            .iter()
            .map(|v| open(&v.id, points::AccountKind::Resident)),
    );
    for (i, action) in setup.into_iter().enumerate() {
        ledger.execute(points::Command::new(format!("setup-{i}"), action), now)?;
    }
    for _retry in 0..2 {
        for x in &m.matches {
            ledger.execute(joins::serve_from_match(x, "care-fund"), now)?;
        }
    }
    let banked = ledger.balance(busiest).ok_or("no account")?.balance;
    println!("  banked for {busiest} (each service once, though recorded twice): {banked} h");

    Ok(())
}

/// 指导员: five guides, 1,500 households each at most.
fn guides() -> Result<(), Box<dyn std::error::Error>> {
    let district = matching::RandomDistrict::new(60, 5).generate(7)?;
    let c = matching::assign_caseloads(&district, matching::CaseloadOptions::default())?;
    println!(
        "指导员 Five guides: need-weighted loads from {} to {} (the largest can be no lower than {}{})",
        c.min_load,
        c.max_load,
        c.lower_bound,
        if c.optimal { "; this is optimal" } else { "" }
    );
    for g in &c.guides {
        println!(
            "  {}: {} buildings, {} households, load {}",
            g.guide,
            g.buildings.len(),
            g.households,
            g.load
        );
    }
    Ok(())
}
