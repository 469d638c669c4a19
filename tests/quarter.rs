//! The quarter end to end: the report's wire format, the HTML page, and the
//! invariants a community relies on (every fen accounted for, every household real).

use guided_community::pools::{self, Fen};
use guided_community::report::{self, Stage};
use guided_community::{
    Adjustment, Basis, Error, Policy, Quarter, QuarterInputs, QuarterReport, quarterly_cycle,
    sample,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::snapshot::assert_snapshot;

fn run(inputs: &QuarterInputs, policy: &Policy) -> QuarterReport {
    quarterly_cycle(inputs, policy).unwrap()
}

/// Lines + grants + unallocated + reserve = budget, from the plan itself rather
/// than the report's own `balanced` flag.
fn assert_accounted(inputs: &QuarterInputs, report: &QuarterReport) {
    let before = &report.publicity.before;
    let lines: u64 = before.service_lines.iter().map(|l| l.allocated.get()).sum();
    let grants: u64 = report.grants.iter().map(|g| g.amount.get()).sum();
    let accounts = &report.publicity.after.accounts;
    let reserve = accounts.reserve_drawn.get()
        + accounts.reserve_carried_over.get()
        + accounts.reserve_released.get();
    assert_eq!(reserve, before.pools.emergency.get());
    assert_eq!(grants, before.household_grants.get());
    assert_eq!(
        lines + grants + before.unallocated.get() + reserve,
        inputs.budget.get(),
        "the quarter must account for every fen"
    );
    assert!(accounts.balanced);
    // Every household in the plan exists in the inputs, in input order.
    let mut households = inputs.households.iter();
    for grant in &report.grants {
        assert!(
            households.any(|h| h.id == grant.household),
            "grant to unknown or out-of-order household {}",
            grant.household
        );
    }
    // Caps hold.
    if let Some(cap) = Policy::default().household_cap {
        assert!(report.grants.iter().all(|g| g.amount <= cap));
    }
}

#[test]
fn publicity_report_json_is_a_stable_wire_format() {
    let inputs = sample::sunshine(1);
    let report = run(&inputs, &Policy::default());
    let json = serde_json::to_string_pretty(&report.publicity).unwrap() + "\n";
    assert_snapshot("quarterly-report.json", &json);
    // And it reads back as the same report.
    let back: report::PublicityReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, report.publicity);
}

#[test]
fn html_has_one_svg_per_chart_and_no_external_references() {
    let report = run(&sample::linlihui(3), &Policy::default());
    let html = report::render_html(&report.publicity);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<meta name=\"viewport\""));
    let charts = [
        "Allocation by service line",
        "Allocation as shares of the budget",
        "Needs heat map by building",
        "Grants and need by group",
        "Spending progress",
        "Lorenz curve",
        "Satisfaction by group",
        "Petitions by category",
        "Participation by group",
    ];
    assert_eq!(
        html.matches("<svg").count(),
        charts.len(),
        "one SVG per chart"
    );
    assert_eq!(html.matches("</svg>").count(), charts.len());
    // Each with its title, description and its numbers in a table.
    assert_eq!(html.matches("<desc").count(), charts.len());
    assert_eq!(
        html.matches("<details><summary>数据表").count(),
        charts.len()
    );
    for chart in charts {
        assert!(html.contains(chart), "missing chart {chart}");
    }
    for external in [
        "http:", "https:", "src=", "href=", "<script", "url(", "@import", "<link", "<iframe",
    ] {
        assert!(!html.contains(external), "external reference {external:?}");
    }
    assert!(html.contains("事前公示") && html.contains("事中公示") && html.contains("事后公示"));
    // Chinese first, the matrix's dimensions too (their names in the matrix
    // read "Health (健康状况)").
    assert!(
        html.contains("<td>健康状况 <span lang=\"en\">Health</span></td>"),
        "dimension labels"
    );
    assert!(!html.contains("Health (健康状况)"));
    // A project's steps too, and its reason names them without backticks.
    assert!(
        html.contains("逾期步骤 <span lang=\"en\">Overdue steps</span>：评估 <span lang=\"en\">Evaluation</span>"),
        "step labels"
    );
    let reason = html.split("<small lang=\"en\">").nth(1).unwrap_or_default();
    assert!(
        reason.contains("Evaluation is overdue") && !html.contains("`evaluate`"),
        "{}",
        reason.split("</small>").next().unwrap_or_default()
    );
}

/// Every id a resident sees is labelled Chinese first: the fund's expense
/// accounts (they showed as `cleaning`), the participation flags (偏少
/// alone) and the agenda's categories in English ("about elevator").
#[test]
fn fund_accounts_and_participation_flags_are_labelled() {
    let html = report::render_html(&run(&sample::sunshine(1), &Policy::default()).publicity);
    assert!(
        html.contains(
            "类别 <span lang=\"en\">Category</span> 保洁 <span lang=\"en\">Cleaning</span>"
        ),
        "expense accounts"
    );
    assert!(!html.contains("Category</span> cleaning"));
    assert!(
        html.contains(" · 偏少 under") || html.contains(" · 偏多 over"),
        "flags"
    );
    // The suggested agenda's English names the category by its label.
    let agenda: Vec<&str> = html
        .split("建议议定长效解决办法 <span lang=\"en\">")
        .skip(1)
        .filter_map(|s| s.split("</span>").next())
        .collect();
    assert!(
        !agenda.is_empty() && agenda.iter().all(|a| !a.contains("about elevator")),
        "{agenda:?}"
    );
    assert!(
        agenda
            .iter()
            .any(|a| a.contains(" petitions about lifts in building ")),
        "{agenda:?}"
    );
}

#[test]
fn html_escapes_what_residents_typed() {
    let mut inputs = sample::sunshine(1);
    inputs.community = "<script>alert(1)</script> & co".into();
    let html = report::render_html(&run(&inputs, &Policy::default()).publicity);
    assert!(!html.contains("<script"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
}

#[test]
fn both_sample_communities_account_for_every_fen() {
    for inputs in [sample::sunshine(5), sample::linlihui(5)] {
        let report = run(&inputs, &Policy::default());
        assert_accounted(&inputs, &report);
        assert_eq!(report.publicity.stage, Stage::After);
        assert_eq!(report.grants.len(), inputs.households.len());
    }
}

#[test]
fn the_same_inputs_give_the_same_report() {
    let a = run(&sample::sunshine(9), &Policy::default());
    let b = run(&sample::sunshine(9), &Policy::default());
    assert_eq!(a, b);
    let c = run(&sample::sunshine(10), &Policy::default());
    assert_ne!(a.publicity, c.publicity, "the seed matters");
}

#[test]
fn duplicate_households_are_refused_by_name() {
    let mut inputs = sample::sunshine(1);
    let copy = inputs.households[3].clone();
    inputs.households.push(copy);
    let err = quarterly_cycle(&inputs, &Policy::default()).unwrap_err();
    assert!(matches!(err, Error::DuplicateHousehold { .. }));
    assert_eq!(
        err.to_string(),
        "household `H0004` appears twice: ids must be unique"
    );
}

#[test]
fn quarters_parse_strictly() {
    assert_eq!("2026-Q3".parse::<Quarter>().unwrap().to_string(), "2026-Q3");
    let q: Quarter = "2024-Q1".parse().unwrap();
    assert_eq!(
        (q.first_day().to_string(), q.last_day().to_string()),
        ("2024-01-01".into(), "2024-03-31".into())
    );
    let err = "2026-Q5".parse::<Quarter>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "`2026-Q5` is not a quarter: expected YYYY-Q1 to YYYY-Q4"
    );
    assert!("2026Q3".parse::<Quarter>().is_err());
}

#[test]
fn a_household_with_unusable_data_is_set_aside_not_fatal() {
    let mut inputs = sample::sunshine(1);
    inputs.households[0].indicators = vec![Some(1.0)];
    let report = run(&inputs, &Policy::default());
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.kind == "household" && d.id == "H0001")
    );
    assert!(report.grants.iter().all(|g| g.household != "H0001"));
    assert_eq!(report.publicity.before.needs.set_aside, 1);
    assert_accounted(&inputs, &report);
}

#[test]
fn only_resolutions_in_effect_adjust_the_pools() {
    let inputs = sample::sunshine(1);
    let report = run(&inputs, &Policy::default());
    let adjustments = &report.publicity.before.adjustments;
    assert_eq!(adjustments.len(), 2);
    assert!(adjustments[0].applied, "in effect before the quarter");
    assert!(!adjustments[1].applied, "still published");
    let childcare = report
        .publicity
        .before
        .service_lines
        .iter()
        .find(|l| l.id == "childcare")
        .unwrap();
    assert_eq!(childcare.earmarked, adjustments[0].amount);
    assert_eq!(
        childcare.allocated.get(),
        childcare.base.get() + childcare.earmarked.get()
    );

    // An earmark larger than the dynamic pool is set aside with a reason.
    let mut greedy = inputs.clone();
    greedy.council[0].adjustment = Adjustment::Earmark {
        line: "childcare".into(),
        amount: Fen::new(u64::MAX / 4),
    };
    let report = run(&greedy, &Policy::default());
    let note = report.publicity.before.adjustments[0].note.clone().unwrap();
    assert!(note.contains("exceeds"), "{note}");
    assert_accounted(&greedy, &report);

    // An earmark for a line that does not exist, too.
    let mut unknown = inputs;
    unknown.council[0].adjustment = Adjustment::Earmark {
        line: "moon-base".into(),
        amount: Fen::new(100),
    };
    let report = run(&unknown, &Policy::default());
    assert_eq!(
        report.publicity.before.adjustments[0].note.as_deref(),
        Some("no service line `moon-base`")
    );
}

#[test]
fn running_a_quarter_again_pays_no_points_twice() {
    let inputs = sample::sunshine(2);
    let first = run(&inputs, &Policy::default());
    assert!(first.publicity.after.points.activities > 0);
    let mut again = inputs;
    again.ledger = first.ledger.clone();
    let second = run(&again, &Policy::default());
    assert_eq!(
        second.ledger, first.ledger,
        "idempotent commands change nothing"
    );
    assert_eq!(second.publicity.after.points.accounts_opened, 0);
}

#[test]
fn hot_spots_become_proposed_agenda_items() {
    let report = run(&sample::sunshine(2026), &Policy::default());
    let agenda = &report.publicity.before.agenda;
    assert!(
        !agenda.is_empty(),
        "the sample's lifts break in one building"
    );
    assert!(
        agenda
            .iter()
            .all(|i| i.step == guided_community::deliberation::Step::Propose)
    );
    assert!(agenda.len() <= Policy::default().max_agenda_items);
}

#[test]
fn by_need_matches_need_better_than_everyone_alike() {
    let inputs = sample::linlihui(4);
    let by_need = run(&inputs, &Policy::default());
    let mut equal = Policy::default();
    equal.basis = Basis::Equal;
    let alike = run(&inputs, &equal);
    assert!(by_need.publicity.after.fairness.mismatch < alike.publicity.after.fairness.mismatch);
    assert_accounted(&inputs, &alike);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any community, any policy: every fen is accounted for, every household in
    /// the plan is real, caps hold.
    #[test]
    fn every_quarter_accounts_for_every_fen(
        households in 1u64..80,
        extra in 0u64..120,
        seed in any::<u64>(),
        threshold in 0i64..90,
        cap in prop::option::of(1u64..200_000),
        equal in any::<bool>(),
        hamilton in any::<bool>(),
        budget in 0u64..50_000_000,
    ) {
        let floating = households / 3;
        let spec = sample::Spec {
            registered_households: households - floating,
            registered_residents: households - floating + extra,
            floating_households: floating,
            floating_residents: floating * 2,
            ..sample::Spec::sunshine()
        };
        let mut inputs = sample::generate(&spec, seed).unwrap();
        inputs.budget = Fen::new(budget);
        let mut policy = Policy::default();
        policy.need_threshold = Decimal::from(threshold);
        policy.household_cap = cap.map(Fen::new);
        policy.basis = if equal { Basis::Equal } else { Basis::Need };
        policy.method = if hamilton { pools::ApportionMethod::Hamilton } else { pools::ApportionMethod::SainteLague };
        let report = quarterly_cycle(&inputs, &policy).unwrap();
        let before = &report.publicity.before;
        let lines: u64 = before.service_lines.iter().map(|l| l.allocated.get()).sum();
        let grants: u64 = report.grants.iter().map(|g| g.amount.get()).sum();
        let a = &report.publicity.after.accounts;
        let reserve = a.reserve_drawn.get() + a.reserve_carried_over.get() + a.reserve_released.get();
        prop_assert_eq!(lines + grants + before.unallocated.get() + reserve, budget);
        prop_assert!(a.balanced);
        let mut rest = inputs.households.iter();
        for g in &report.grants {
            prop_assert!(rest.any(|h| h.id == g.household));
            if let Some(cap) = cap {
                prop_assert!(g.amount.get() <= cap);
            }
            if g.score < policy.need_threshold {
                prop_assert_eq!(g.amount, Fen::ZERO);
            }
        }
    }
}

#[test]
fn a_line_or_the_grants_spending_more_than_given_is_a_warning_not_balanced() {
    use guided_community::{GRANTS_LINE, Spending, report::Warning};
    let mut inputs = sample::sunshine(2026);
    // The sample pays 95% of the dynamic pool in grants, more than the grants
    // allocated; one service line also spends ¥100.00 over its plan.
    let first = run(&inputs, &Policy::default());
    let line = first.publicity.before.service_lines[0].clone();
    inputs.spending.retain(|s| s.line != line.id);
    inputs.spending.push(Spending {
        line: line.id.clone(),
        spent: Fen::new(line.allocated.get() + 10_000),
    });
    let report = run(&inputs, &Policy::default());
    let p = &report.publicity;
    let granted = p.before.household_grants;
    let paid = p.during.grants_paid;
    assert!(
        paid > granted,
        "the sample overpays grants: {paid} of {granted}"
    );
    let over: Vec<(&str, u64)> = p
        .after
        .warnings
        .iter()
        .filter_map(|w| match w {
            Warning::Overspent {
                line,
                allocated,
                spent,
                over,
            } => {
                assert_eq!(over.get(), spent.get() - allocated.get());
                Some((line.as_str(), over.get()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        over,
        [
            (line.id.as_str(), 10_000),
            (GRANTS_LINE, paid.get() - granted.get())
        ]
    );
    // "Balanced" states only the allocation identity; spending is stated apart.
    assert!(p.after.accounts.balanced);
    assert!(!p.after.accounts.within_allocation);
    let html = report::render_html(p);
    assert!(
        html.contains("住户补助 Household grants"),
        "the chart has the grants"
    );
    assert!(html.contains("超支 ¥100.00"), "the chart flags the line");
    assert!(html.contains("spending over allocation"));
    assert!(html.contains("allocation balanced: the parts sum to the budget"));
    assert!(!html.contains("✓ 平衡 balanced"));

    // One household: nothing allocated, something paid.
    let tiny = sample::generate(&sample::Spec::scaled(1), 7).unwrap();
    let p = run(&tiny, &Policy::default()).publicity;
    if p.during.grants_paid > p.before.household_grants {
        assert!(!p.after.accounts.within_allocation);
        assert!(
            p.after
                .warnings
                .iter()
                .any(|w| matches!(w, Warning::Overspent { line, .. } if line == GRANTS_LINE))
        );
    }

    // Spending within every allocation: no such warning.
    let mut within = sample::sunshine(2026);
    for s in &mut within.spending {
        s.spent = Fen::ZERO;
    }
    let p = run(&within, &Policy::default()).publicity;
    assert!(p.after.accounts.within_allocation);
    assert!(
        !p.after
            .warnings
            .iter()
            .any(|w| matches!(w, Warning::Overspent { .. }))
    );
}

#[test]
fn one_thread_gives_the_same_quarter() {
    // An embedding service that may not spawn threads asks for one; the report
    // is the same.
    let inputs = sample::linlihui(5);
    let mut single = Policy::default();
    single.scoring = single.scoring.with_max_threads(1);
    assert_eq!(
        run(&inputs, &single).publicity,
        run(&inputs, &Policy::default()).publicity
    );
}

#[test]
fn the_page_shows_numbers_rounded_for_people() {
    // No 28-digit decimals (the Gini of grants once was): at most three
    // decimals (indices have three, scores two, percentages one), and no long
    // numbers without thousands separators.
    let html = report::render_html(&run(&sample::linlihui(3), &Policy::default()).publicity);
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let run = &html[start..i];
            let after_point = start > 0 && bytes[start - 1] == b'.';
            let in_svg_or_tag = html[..start].rfind('<') > html[..start].rfind('>');
            // The style sheet's colours are not numbers for people.
            let in_style = html[..start].rfind("<style>") > html[..start].rfind("</style>");
            // The ledger anchor's hashes are hex, copied by machine, not read.
            let in_hash =
                html[..start].rfind("<code class=\"hash\">") > html[..start].rfind("</code>");
            if !in_svg_or_tag && !in_hash && !in_style {
                assert!(
                    run.len() <= if after_point { 3 } else { 4 },
                    "`{run}` at {start}: {}",
                    &html[start.saturating_sub(60)..(i + 20).min(html.len())]
                );
            }
        } else {
            i += 1;
        }
    }
}

#[test]
fn a_group_falling_three_quarters_running_is_a_warning() {
    let mut inputs = guided_community::sample::sunshine(2026);
    let now = quarterly_cycle(&inputs, &Policy::default())
        .unwrap()
        .publicity
        .after
        .participation
        .unwrap();
    // Young renters took part at 20%, 15% and 12% in the three quarters before.
    let earlier = |period: &str, rate: &str| {
        let mut p = now.clone();
        for g in &mut p.groups {
            if g.group == "young-renters" {
                g.rate = rate.parse().unwrap();
            }
        }
        guided_community::PeriodParticipation {
            period: period.into(),
            participation: p,
        }
    };
    inputs.participation.as_mut().unwrap().history = vec![
        earlier("2025-Q4", "0.2"),
        earlier("2026-Q1", "0.15"),
        earlier("2026-Q2", "0.12"),
    ];
    let report = quarterly_cycle(&inputs, &Policy::default()).unwrap();
    let falling: Vec<_> = report
        .publicity
        .after
        .warnings
        .iter()
        .filter_map(|w| match w {
            guided_community::report::Warning::ParticipationFalling { group, rates } => {
                Some((group.clone(), rates.len()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(falling, [("young-renters".to_owned(), 4)]);
    let html = report::render_html(&report.publicity);
    assert!(
        html.contains("young-renters 参与率连续 3 次下降"),
        "the warning is in the page"
    );
}
