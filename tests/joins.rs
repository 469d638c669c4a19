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
