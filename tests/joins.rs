//! The joins between domains, checked as properties over the domains'
//! strategies.

use guided_community::{deliberation, joins};
use proptest::prelude::*;
use rust_decimal::Decimal;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The lottery's measures agree with its chances: the geometric mean lies
    /// between the smallest chance and the mean (seats / pool), and is 0
    /// exactly when someone cannot be selected; the Gini is 0 exactly when
    /// every chance is equal.
    #[test]
    fn lottery_measures_agree_with_the_chances(pool in deliberation::strategy::council_pool(), seed: u64) {
        let selection = deliberation::select(&pool.volunteers, pool.seats, &pool.rules, seed).unwrap();
        let m = joins::lottery_measures(&selection).unwrap();
        let mean = Decimal::from(pool.seats) / Decimal::from(pool.volunteers.len());
        let slack = Decimal::new(1, 9);
        prop_assert!(m.geometric_mean <= mean + slack, "{m:?} mean {mean}");
        if selection.unselectable.is_empty() {
            prop_assert!(m.geometric_mean + slack >= m.minimum.to_decimal(18), "{m:?}");
        } else {
            prop_assert_eq!(m.geometric_mean, Decimal::ZERO);
        }
        let first = &selection.probabilities[0].probability;
        let equal = selection.probabilities.iter().all(|c| c.probability == *first);
        prop_assert_eq!(m.gini.is_zero(), equal, "{:?}", m);
        prop_assert!(m.gini >= Decimal::ZERO && m.gini < Decimal::ONE);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// A distribution recorded in the ledger is what the published rule gives
    /// for its income, to the fen: recomputed from the rule and the recorded
    /// command, it matches; the parts add up to the income, each within a fen
    /// of its exact share, and the funds' balances grow by exactly the parts.
    #[test]
    fn recorded_distributions_recompute(
        income in 1u64..=10_000_000_000,
        weights in proptest::collection::vec(0u32..1_000, 1..12),
    ) {
        use guided_community::fund::{distribute, distribution_action, recompute_matches, DistributionRule};
        use guided_community::points::{AccountKind, Action, Amount, Command, IncomeKind, Ledger, Unit};
        use guided_community::pools::Fen;
        prop_assume!(weights.iter().any(|&w| w > 0));
        let shares: std::collections::BTreeMap<String, Decimal> = weights
            .iter()
            .enumerate()
            .map(|(i, &w)| (format!("pool-{i:02}"), Decimal::from(w)))
            .collect();
        let rule = DistributionRule::Shares(shares.clone());
        let d = distribute(&rule, Fen::new(income)).unwrap();
        let total: u64 = d.parts.iter().map(|(_, f)| f.get()).sum();
        prop_assert_eq!(total, income);
        let weight_sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
        for ((_, part), &w) in d.parts.iter().zip(&weights) {
            // |part − income·w/Σw| < 1 fen, in integers.
            let exact = u128::from(income) * u128::from(w);
            let got = u128::from(part.get()) * weight_sum;
            prop_assert!(got.abs_diff(exact) < weight_sum, "{:?}", d);
        }
        // Record it: the income arrives, then is shared out.
        let now: chrono::NaiveDateTime = "2026-07-01T09:00:00".parse().unwrap();
        let mut ledger = Ledger::new();
        let open = |account: &str, kind| Action::OpenAccount {
            account: account.into(), kind, unit: Unit::Money, credit_limit: Amount::ZERO, cap: None,
        };
        let mut setup = vec![open("advertisers", AccountKind::Donor), open("public-income", AccountKind::Fund)];
        setup.extend(shares.keys().map(|k| open(k, AccountKind::Fund)));
        setup.push(Action::Receive {
            from: "advertisers".into(), fund: "public-income".into(),
            amount: Amount::from_hundredths(i64::try_from(income).unwrap()),
            income: IncomeKind::Rent, memo: None,
        });
        for (i, action) in setup.into_iter().enumerate() {
            ledger.execute(Command::new(format!("s{i}"), action), now).unwrap();
        }
        let action = distribution_action("public-income", &d, Some("2026-07")).unwrap();
        ledger.execute(Command::new("share", action), now).unwrap();
        let recorded = &ledger.events().last().unwrap().command.action;
        prop_assert!(recompute_matches(&rule, recorded).unwrap());
        for (name, part) in &d.parts {
            let balance = ledger.balance(name).unwrap().balance;
            prop_assert_eq!(u64::try_from(balance.hundredths()).unwrap(), part.get());
        }
        prop_assert_eq!(ledger.balance("public-income").unwrap().balance, Amount::ZERO);
        // Another rule does not recompute to it.
        let mut other = shares;
        other.insert("pool-zz".into(), Decimal::ONE);
        prop_assert!(!recompute_matches(&DistributionRule::Shares(other), recorded).unwrap());
    }
}

/// The time bank's members and a fund, opened in a fresh ledger.
fn time_bank(members: &[&str]) -> guided_community::points::Ledger {
    use guided_community::points::{AccountKind, Action, Amount, Command, Ledger, Unit};
    let now = chrono::NaiveDate::from_ymd_opt(2025, 10, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let mut ledger = Ledger::new();
    let open = |id: &str, kind, credit: i64| Action::OpenAccount {
        account: id.to_owned(),
        kind,
        unit: Unit::Hours,
        credit_limit: Amount::from_whole(credit),
        cap: None,
    };
    let mut setup = vec![
        open("hours-issuer", AccountKind::Issuer, 0),
        open("care-fund", AccountKind::Fund, 0),
        Action::Transfer {
            from: "hours-issuer".into(),
            to: "care-fund".into(),
            amount: Amount::from_whole(100_000),
            memo: None,
        },
    ];
    setup.extend(members.iter().map(|m| open(m, AccountKind::Resident, 0)));
    for (i, action) in setup.into_iter().enumerate() {
        ledger
            .execute(Command::new(format!("setup-{i}"), action), now)
            .unwrap();
    }
    ledger
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Completed matches banked through `serve_from_match` credit each
    /// volunteer exactly the hours the matching gives them; recording them a
    /// second time changes nothing.
    #[test]
    fn banked_hours_agree_with_the_matches(instance in guided_community::matching::strategy::instance()) {
        use guided_community::matching;
        let m = matching::match_requests(&instance, matching::MatchOptions::default()).unwrap();
        let members: Vec<&str> = instance.volunteers.iter().map(|v| v.id.as_str()).collect();
        let mut ledger = time_bank(&members);
        let at = chrono::NaiveDate::from_ymd_opt(2025, 10, 20).unwrap().and_hms_opt(9, 0, 0).unwrap();
        for _ in 0..2 {
            for x in &m.matches {
                ledger.execute(joins::serve_from_match(x, "care-fund"), at).unwrap();
            }
        }
        for load in &m.loads {
            let banked = ledger.balance(&load.volunteer).unwrap().balance;
            prop_assert_eq!(Decimal::from(banked.hundredths()), load.hours * Decimal::ONE_HUNDRED, "{}", load.volunteer);
        }
    }
}

#[test]
fn a_request_is_banked_for_one_volunteer_only() {
    use guided_community::{matching, points};
    let instance: matching::Instance = serde_json::from_str(
        r#"{"requests": [{"id": "r1", "skill": "escort", "building": "B1",
            "from": "2025-10-13T09:00:00+08:00", "to": "2025-10-13T10:30:00+08:00"}],
          "volunteers": [{"id": "wang", "skills": ["escort"], "building": "B1", "max_hours": 4,
            "available": [["2025-10-13T08:00:00+08:00", "2025-10-13T12:00:00+08:00"]]}]}"#,
    )
    .unwrap();
    let m = matching::match_requests(&instance, matching::MatchOptions::default()).unwrap();
    let mut ledger = time_bank(&["wang", "li"]);
    let at = chrono::NaiveDate::from_ymd_opt(2025, 10, 20)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    ledger
        .execute(joins::serve_from_match(&m.matches[0], "care-fund"), at)
        .unwrap();
    let mut other = m.matches[0].clone();
    other.volunteer = "li".into();
    let refused = ledger.execute(joins::serve_from_match(&other, "care-fund"), at);
    assert!(
        matches!(refused, Err(points::Error::IdReused { .. })),
        "{refused:?}"
    );
    assert_eq!(ledger.balance("wang").unwrap().balance.hundredths(), 150);
    assert_eq!(ledger.balance("li").unwrap().balance.hundredths(), 0);
}
