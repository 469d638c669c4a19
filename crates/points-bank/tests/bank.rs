//! The bank's rules one by one: double entry, limits, earning, claims, the catalog,
//! the time bank, expiry, idempotency, statements.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use chrono::{NaiveDateTime, TimeDelta};
use guided_community_points::{
    AccountKind, Action, Amount, CapPeriod, Command, EarningRule, EarningRules, Error, Ledger,
    Note, Per, Period, Phase, Policy, TransferKind, Unit, apply, statement, totals,
};

fn at(text: &str) -> NaiveDateTime {
    text.parse().unwrap()
}

fn pts(text: &str) -> Amount {
    text.parse().unwrap()
}

/// A bank with an issuer, a sink, breakage, the sample rules and residents `wang`
/// and `li`; commands get ids `c1`, `c2`, ….
struct Bank {
    ledger: Ledger,
    next: u32,
    now: NaiveDateTime,
}

impl Bank {
    fn new() -> Self {
        let mut bank = Self {
            ledger: Ledger::new(),
            next: 0,
            now: at("2025-09-01T09:00:00"),
        };
        for (account, kind) in [
            ("issuer", AccountKind::Issuer),
            ("sink", AccountKind::Sink),
            ("breakage", AccountKind::Breakage),
            ("wang", AccountKind::Resident),
            ("li", AccountKind::Resident),
        ] {
            bank.ok(open(account, kind, Unit::Points));
        }
        bank.ok(Action::Configure {
            rules: guided_community_points::sample::rules(),
            policy: Policy::default(),
        });
        bank
    }

    fn run(&mut self, action: Action) -> Result<guided_community_points::Receipt, Error> {
        self.next += 1;
        self.ledger
            .execute(Command::new(format!("c{}", self.next), action), self.now)
    }

    fn ok(&mut self, action: Action) -> guided_community_points::Receipt {
        let name = action.name();
        self.run(action)
            .unwrap_or_else(|e| panic!("{name} failed: {e}"))
    }

    fn later(&mut self, hours: i64) {
        self.now += TimeDelta::hours(hours);
    }

    fn balance(&self, account: &str) -> Amount {
        self.ledger.balance(account).unwrap().balance
    }

    fn assert_zero_sum(&self) {
        for unit in [Unit::Points, Unit::Hours] {
            let sum: i64 = self
                .ledger
                .balances()
                .filter(|(_, b)| b.unit == unit)
                .map(|(_, b)| b.balance.hundredths())
                .sum();
            assert_eq!(sum, 0, "{unit:?} do not sum to zero");
        }
    }
}

fn open(account: &str, kind: AccountKind, unit: Unit) -> Action {
    Action::OpenAccount {
        account: account.into(),
        kind,
        unit,
        credit_limit: Amount::ZERO,
        cap: None,
    }
}

fn earn(account: &str, activity: &str, quantity: &str) -> Action {
    Action::Earn {
        account: account.into(),
        activity: activity.into(),
        quantity: pts(quantity),
    }
}

fn transfer(from: &str, to: &str, amount: &str) -> Action {
    Action::Transfer {
        from: from.into(),
        to: to.into(),
        amount: pts(amount),
        memo: None,
    }
}

fn claim(account: &str, start: &str, end: &str) -> Action {
    Action::Claim {
        account: account.into(),
        activity: "volunteering".into(),
        start: at(start),
        end: at(end),
    }
}

#[test]
fn every_transfer_is_double_entry_and_sums_to_zero() {
    let mut bank = Bank::new();
    let receipt = bank.ok(earn("wang", "deliberation", "1"));
    let t = &receipt.transfers[0];
    assert_eq!((&*t.from, &*t.to, t.amount), ("issuer", "wang", pts("10")));
    assert_eq!((t.kind, t.phase), (TransferKind::Issue, Phase::Posted));
    bank.ok(transfer("wang", "li", "2.5"));
    assert_eq!(bank.balance("wang"), pts("7.5"));
    assert_eq!(bank.balance("li"), pts("2.5"));
    assert_eq!(bank.balance("issuer"), pts("-10"));
    bank.assert_zero_sum();
}

#[test]
fn no_balance_below_zero_without_a_credit_line() {
    let mut bank = Bank::new();
    bank.ok(earn("wang", "deliberation", "1"));
    assert_eq!(
        bank.run(transfer("wang", "li", "10.01"))
            .unwrap_err()
            .to_string(),
        "`wang` has 10 available and a credit limit of 0: cannot pay 10.01"
    );
    // Points are earned, never owed: a resident's points account has no credit line.
    let err = bank
        .run(Action::OpenAccount {
            account: "zhao".into(),
            kind: AccountKind::Resident,
            unit: Unit::Points,
            credit_limit: pts("5"),
            cap: None,
        })
        .unwrap_err();
    assert!(matches!(err, Error::CreditLineNotAllowed { .. }));
    assert!(matches!(
        bank.run(transfer("wang", "wang", "1")),
        Err(Error::SameAccount { .. })
    ));
    assert!(matches!(
        bank.run(transfer("wang", "li", "0")),
        Err(Error::NonPositiveAmount { .. })
    ));
    bank.assert_zero_sum();
}

#[test]
fn earning_caps_cut_then_refuse() {
    let mut bank = Bank::new();
    // Volunteering: 5 an hour, at most 40 a day.
    let first = bank.ok(claim("wang", "2025-09-01T06:00:00", "2025-09-01T08:00:00"));
    assert_eq!(first.transfers[0].amount, pts("10"));
    let second = bank.ok(claim("wang", "2025-09-01T10:00:00", "2025-09-01T17:00:00"));
    // 7 hours are worth 35, but only 30 are left of the day's 40.
    assert_eq!(second.transfers[0].amount, pts("30"));
    assert_eq!(
        second.notes,
        [Note::Capped {
            activity: "volunteering".into(),
            period: CapPeriod::Day,
            cap: pts("40"),
            requested: pts("35"),
            awarded: pts("30"),
        }]
    );
    let third = bank.run(claim("wang", "2025-09-01T18:00:00", "2025-09-01T19:00:00"));
    assert_eq!(
        third.unwrap_err().to_string(),
        "`wang` has reached the day cap of 40 points for `volunteering`"
    );
    // Another day is another cap; Li has her own.
    bank.ok(claim("wang", "2025-09-02T06:00:00", "2025-09-02T07:00:00"));
    bank.ok(claim("li", "2025-09-01T10:00:00", "2025-09-01T12:00:00"));
}

#[test]
fn claims_are_pending_until_verified_and_lapse() {
    let mut bank = Bank::new();
    bank.ok(claim("wang", "2025-09-01T06:00:00", "2025-09-01T08:30:00"));
    let claim_id = format!("c{}", bank.next);
    let position = bank.ledger.balance("wang").unwrap();
    assert_eq!(position.balance, Amount::ZERO);
    assert_eq!(position.credits_pending, pts("12.5"));
    // Overlapping time is refused, even partly.
    let overlap = bank.run(claim("wang", "2025-09-01T08:00:00", "2025-09-01T09:00:00"));
    assert_eq!(
        overlap.unwrap_err().to_string(),
        "`wang` already has 2025-09-01 06:00:00 – 2025-09-01 08:30:00 claimed"
    );
    // Back to back is fine.
    bank.ok(claim("wang", "2025-09-01T08:30:00", "2025-09-01T09:00:00"));
    let late_id = format!("c{}", bank.next);
    let posted = bank.ok(Action::Verify {
        claim: claim_id.clone(),
        approve: true,
    });
    assert_eq!(posted.transfers[0].phase, Phase::Post);
    assert_eq!(bank.balance("wang"), pts("12.5"));
    assert!(matches!(
        bank.run(Action::Verify {
            claim: claim_id,
            approve: true
        }),
        Err(Error::NotPending {
            status: "posted",
            ..
        })
    ));
    // The second claim is never verified: after 14 days it lapses.
    bank.later(14 * 24 + 1);
    assert!(matches!(
        bank.run(Action::Verify {
            claim: late_id.clone(),
            approve: true
        }),
        Err(Error::Lapsed { .. })
    ));
    let swept = bank.ok(Action::Sweep {});
    assert_eq!(swept.notes, [Note::Lapsed { command: late_id }]);
    assert_eq!(swept.transfers[0].phase, Phase::Void);
    let position = bank.ledger.balance("wang").unwrap();
    assert_eq!(
        (position.balance, position.credits_pending),
        (pts("12.5"), Amount::ZERO)
    );
    // Its time is free again.
    bank.ok(claim("wang", "2025-09-01T08:30:00", "2025-09-01T09:00:00"));
    bank.assert_zero_sum();
}

#[test]
fn a_rejected_claim_frees_its_time_and_its_cap() {
    let mut bank = Bank::new();
    bank.ok(claim("wang", "2025-09-01T06:00:00", "2025-09-01T14:00:00"));
    let id = format!("c{}", bank.next);
    assert!(
        bank.run(claim("wang", "2025-09-01T15:00:00", "2025-09-01T16:00:00"))
            .is_err()
    );
    bank.ok(Action::Verify {
        claim: id,
        approve: false,
    });
    bank.ok(claim("wang", "2025-09-01T06:00:00", "2025-09-01T07:00:00"));
    assert!(
        matches!(
            bank.run(earn("wang", "deliberation", "1.5")),
            Err(Error::FractionalOccasions { .. })
        ),
        "occasions are whole"
    );
    assert!(matches!(
        bank.run(Action::Claim {
            account: "wang".into(),
            activity: "deliberation".into(),
            start: at("2025-09-01T18:00:00"),
            end: at("2025-09-01T19:00:00"),
        }),
        Err(Error::NotHourly { .. })
    ));
}

#[test]
fn idempotency_by_command_id() {
    let mut bank = Bank::new();
    let command = Command::new("pay-1", transfer("issuer", "wang", "5"));
    let first = bank.ledger.execute(command.clone(), bank.now).unwrap();
    let events = bank.ledger.events().len();
    // The same command later: the original receipt, nothing changes.
    bank.later(1);
    assert_eq!(bank.ledger.execute(command, bank.now).unwrap(), first);
    assert_eq!(bank.ledger.events().len(), events);
    assert_eq!(bank.balance("wang"), pts("5"));
    // The same id with another amount names the field.
    let other = Command::new("pay-1", transfer("issuer", "wang", "6"));
    assert_eq!(
        bank.ledger
            .execute(other, bank.now)
            .unwrap_err()
            .to_string(),
        "command id `pay-1` was already used for a different command (`amount` differs)"
    );
    let other = Command::new("pay-1", earn("wang", "deliberation", "1"));
    assert!(matches!(
        bank.ledger.execute(other, bank.now),
        Err(Error::IdReused { field, .. }) if field == "type"
    ));
    // A failure keeps its id: the retry returns the same error until a new id is used.
    let failing = Command::new("pay-2", transfer("li", "wang", "1"));
    let error = bank.ledger.execute(failing.clone(), bank.now).unwrap_err();
    bank.ok(transfer("issuer", "li", "1"));
    assert_eq!(bank.ledger.execute(failing, bank.now).unwrap_err(), error);
    let retry = Command::new("pay-3", transfer("li", "wang", "1"));
    assert!(bank.ledger.execute(retry, bank.now).is_ok());
    // Commands without an id, or from the past, are refused and not recorded.
    let events = bank.ledger.events().len();
    assert_eq!(
        bank.ledger
            .execute(Command::new("", Action::Sweep {}), bank.now),
        Err(Error::EmptyId)
    );
    let past = bank.now - TimeDelta::hours(2);
    assert!(matches!(
        bank.ledger
            .execute(Command::new("x", Action::Sweep {}), past),
        Err(Error::TimeBeforeLast { .. })
    ));
    assert_eq!(bank.ledger.events().len(), events);
}

fn reserve(account: &str, item: &str) -> Action {
    Action::Reserve {
        account: account.into(),
        item: item.into(),
        quantity: 1,
    }
}

#[test]
fn scarce_items_are_reserved_then_fulfilled_voided_or_lapsed() {
    let mut bank = Bank::new();
    bank.ok(Action::AddItem {
        item: "summer-childcare".into(),
        price: pts("100"),
        stock: Some(2),
        period: Period::Month,
    });
    for resident in ["wang", "li"] {
        bank.ok(transfer("issuer", resident, "250"));
    }
    bank.ok(reserve("wang", "summer-childcare"));
    let wang_hold = format!("c{}", bank.next);
    bank.ok(reserve("li", "summer-childcare"));
    let li_hold = format!("c{}", bank.next);
    // Held points cannot be spent twice.
    assert_eq!(bank.ledger.balance("wang").unwrap().available(), pts("150"));
    assert!(matches!(
        bank.run(transfer("wang", "li", "151")),
        Err(Error::InsufficientFunds { .. })
    ));
    assert_eq!(
        bank.run(reserve("wang", "summer-childcare"))
            .unwrap_err()
            .to_string(),
        "`summer-childcare` has 0 left this period, 1 asked for"
    );
    bank.ok(Action::Fulfil {
        reservation: wang_hold.clone(),
    });
    assert_eq!(bank.balance("wang"), pts("150"));
    assert_eq!(bank.balance("sink"), pts("100"));
    bank.ok(Action::Void {
        reservation: li_hold.clone(),
    });
    assert_eq!(bank.ledger.balance("li").unwrap().available(), pts("250"));
    // A voided place is back in stock; a lapsed hold is voided by the sweep.
    bank.ok(reserve("li", "summer-childcare"));
    let lapsing = format!("c{}", bank.next);
    bank.later(73);
    assert!(matches!(
        bank.run(Action::Fulfil {
            reservation: lapsing.clone()
        }),
        Err(Error::Lapsed { .. })
    ));
    let swept = bank.ok(Action::Sweep {});
    assert_eq!(swept.notes, [Note::Lapsed { command: lapsing }]);
    assert_eq!(bank.ledger.balance("li").unwrap().available(), pts("250"));
    // A refund is a new transfer back; the fulfilment stays in the history.
    let refund = bank.ok(Action::Refund {
        reservation: wang_hold.clone(),
    });
    assert_eq!(refund.transfers[0].kind, TransferKind::Refund);
    assert_eq!(bank.balance("wang"), pts("250"));
    assert!(matches!(
        bank.run(Action::Refund {
            reservation: wang_hold
        }),
        Err(Error::NotRefundable { .. })
    ));
    assert!(matches!(
        bank.run(Action::Refund {
            reservation: li_hold
        }),
        Err(Error::NotRefundable {
            status: "voided",
            ..
        })
    ));
    bank.assert_zero_sum();
}

#[test]
fn the_time_bank_credits_the_server_within_credit_lines_and_caps() {
    let mut bank = Bank::new();
    let member = |account: &str, credit: &str, cap: Option<&str>| Action::OpenAccount {
        account: account.into(),
        kind: AccountKind::Resident,
        unit: Unit::Hours,
        credit_limit: pts(credit),
        cap: cap.map(pts),
    };
    bank.ok(open("hours", AccountKind::Issuer, Unit::Hours));
    bank.ok(open("fund", AccountKind::Fund, Unit::Hours));
    bank.ok(member("zhang", "0", Some("750")));
    bank.ok(member("grandma-liu", "10", None));
    let serve = |server: &str, payer: &str, start: &str, end: &str| Action::Serve {
        server: server.into(),
        payer: payer.into(),
        start: at(start),
        end: at(end),
    };
    // Grandma Liu may owe up to 10 hours.
    bank.ok(serve(
        "zhang",
        "grandma-liu",
        "2025-09-01T09:00:00",
        "2025-09-01T12:00:00",
    ));
    assert_eq!(bank.balance("zhang"), pts("3"));
    assert_eq!(bank.balance("grandma-liu"), pts("-3"));
    let err = bank
        .run(serve(
            "zhang",
            "grandma-liu",
            "2025-09-02T09:00:00",
            "2025-09-02T17:00:00",
        ))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`grandma-liu` has -3 available and a credit limit of 10: cannot pay 8"
    );
    // Hours and points never mix.
    assert!(matches!(
        bank.run(transfer("wang", "zhang", "1")),
        Err(Error::UnitMismatch { .. })
    ));
    // The fund pays once it has hours; the server's account is capped at 750.
    bank.ok(transfer("hours", "fund", "1000"));
    bank.ok(transfer("fund", "zhang", "746"));
    let capped = bank.run(serve(
        "zhang",
        "fund",
        "2025-09-03T09:00:00",
        "2025-09-03T11:00:00",
    ));
    assert_eq!(
        capped.unwrap_err().to_string(),
        "`zhang` holds 749 (with pending credits) and is capped at 750: cannot receive 2"
    );
    bank.assert_zero_sum();
}

#[test]
fn points_expire_first_in_first_out_into_breakage() {
    let mut bank = Bank::new();
    let mut rules = guided_community_points::sample::rules().rules().to_vec();
    rules.push({
        let mut r = EarningRule::new("cleanup", pts("20"), Per::Occasion);
        r.expires_after_days = Some(30);
        r
    });
    bank.ok(Action::Configure {
        rules: EarningRules::new(rules),
        policy: Policy::default(),
    });
    bank.ok(earn("wang", "cleanup", "1")); // expires 2025-10-01
    bank.later(24 * 10);
    bank.ok(earn("wang", "cleanup", "1")); // expires 2025-10-11
    bank.ok(transfer("wang", "li", "25")); // takes the first lot and 5 of the second
    let lots = bank.ledger.lots("wang");
    assert_eq!(lots.len(), 1);
    assert_eq!(lots[0].amount, pts("15"));
    bank.later(24 * 21); // 2025-10-02: the first lot's date has passed, but it is spent
    let swept = bank.ok(Action::Sweep {});
    assert!(swept.transfers.is_empty());
    bank.later(24 * 10); // 2025-10-12
    let swept = bank.ok(Action::Sweep {});
    let t = &swept.transfers[0];
    assert_eq!(
        (&*t.from, &*t.to, t.amount, t.kind),
        ("wang", "breakage", pts("15"), TransferKind::Expire)
    );
    assert_eq!(bank.balance("wang"), Amount::ZERO);
    // Li's 25 came from a transfer: no expiry.
    assert_eq!(bank.balance("li"), pts("25"));
    let totals = totals(
        &bank.ledger,
        Unit::Points,
        NaiveDateTime::MIN,
        NaiveDateTime::MAX,
    )
    .unwrap();
    assert_eq!(
        (
            totals.issued,
            totals.redeemed,
            totals.expired,
            totals.outstanding
        ),
        (pts("40"), Amount::ZERO, pts("15"), pts("25"))
    );
    bank.assert_zero_sum();
}

#[test]
fn statements_and_totals_per_period() {
    let mut bank = Bank::new();
    bank.ok(earn("wang", "deliberation", "2")); // 2025-09-01: +20
    bank.later(24 * 30);
    bank.ok(transfer("wang", "li", "5")); // 2025-10-01: -5
    bank.later(24);
    bank.ok(earn("wang", "skill-sharing", "1")); // 2025-10-02: +15
    let october = statement(
        &bank.ledger,
        "wang",
        at("2025-10-01T00:00:00"),
        at("2025-11-01T00:00:00"),
    )
    .unwrap();
    assert_eq!(october.opening, pts("20"));
    assert_eq!((october.credits, october.debits), (pts("15"), pts("5")));
    assert_eq!(october.closing, pts("30"));
    let lines: Vec<_> = october
        .lines
        .iter()
        .map(|l| (l.counterparty.as_str(), l.amount, l.balance))
        .collect();
    assert_eq!(
        lines,
        [
            ("li", pts("-5"), pts("15")),
            ("issuer", pts("15"), pts("30"))
        ]
    );
    let t = totals(
        &bank.ledger,
        Unit::Points,
        at("2025-10-01T00:00:00"),
        at("2025-11-01T00:00:00"),
    )
    .unwrap();
    assert_eq!(
        (t.outstanding_before, t.issued, t.outstanding),
        (pts("20"), pts("15"), pts("35"))
    );
    assert!(matches!(
        statement(
            &bank.ledger,
            "nobody",
            NaiveDateTime::MIN,
            NaiveDateTime::MAX
        ),
        Err(Error::UnknownAccount { .. })
    ));
}

#[test]
fn the_pure_apply_returns_a_new_state_and_leaves_the_old_one() {
    let bank = Bank::new();
    let command = Command::new("e1", earn("wang", "deliberation", "1"));
    let (next, receipt) = apply(&bank.ledger, command, bank.now);
    assert!(receipt.is_ok());
    assert_eq!(bank.balance("wang"), Amount::ZERO);
    assert_eq!(next.balance("wang").unwrap().balance, pts("10"));
    // A rejection is recorded in the new state: its id is spent.
    let failing = Command::new("e2", earn("nobody", "deliberation", "1"));
    let (after, result) = apply(&next, failing, bank.now);
    assert!(result.is_err());
    assert_eq!(after.events().len(), next.events().len() + 1);
}

#[test]
fn the_journal_replays_to_the_same_state() {
    let ledger = guided_community_points::sample::ledger(3_000, 11);
    let replayed = Ledger::replay(ledger.events().iter().cloned()).unwrap();
    assert!(ledger.balances().eq(replayed.balances()));
    assert!(ledger.transfers().eq(replayed.transfers()));
    for seq in 0..ledger.events().len() as u64 {
        assert_eq!(ledger.receipt(seq), replayed.receipt(seq));
    }
    // A journal with a duplicate id does not replay.
    let mut events = ledger.events()[..20].to_vec();
    events.push(events[5].clone());
    assert!(matches!(
        Ledger::replay(events),
        Err(Error::ReplayDiverged { seq: 20, .. })
    ));
}

/// Money: an expense without its approving decision is refused when the
/// policy asks for one; refunds are correcting entries, never more than was
/// spent; a distribution's parts must add up.
#[test]
fn money_keeps_its_rules() {
    use guided_community_points::{IncomeKind, Part, Policy};
    let now: chrono::NaiveDateTime = "2026-07-01T09:00:00".parse().unwrap();
    let mut bank = Ledger::new();
    let mut policy = Policy::default();
    policy.expenses_need_decision = true;
    let open = |account: &str, kind| Action::OpenAccount {
        account: account.into(),
        kind,
        unit: Unit::Money,
        credit_limit: Amount::ZERO,
        cap: None,
    };
    let setup = [
        Action::Configure {
            rules: guided_community_points::EarningRules::none(),
            policy,
        },
        open("donors", AccountKind::Donor),
        open("fund", AccountKind::Fund),
        open("pool", AccountKind::Fund),
        open("repairs", AccountKind::Expense),
        Action::Receive {
            from: "donors".into(),
            fund: "fund".into(),
            amount: "500.00".parse().unwrap(),
            income: IncomeKind::Donation,
            memo: None,
        },
    ];
    for (i, action) in setup.into_iter().enumerate() {
        bank.execute(Command::new(format!("s{i}"), action), now)
            .unwrap();
    }
    let spend = |decision: Option<&str>| Action::Spend {
        fund: "fund".into(),
        category: "repairs".into(),
        amount: "120.50".parse().unwrap(),
        payee: "Anju Repairs".into(),
        purpose: "stairwell lights".into(),
        receipt: Some("FP-1".into()),
        decision: decision.map(str::to_owned),
    };
    assert_eq!(
        bank.execute(Command::new("e1", spend(None)), now)
            .unwrap_err()
            .to_string(),
        "the expense needs the decision that approved it: the fund's policy requires one"
    );
    bank.execute(Command::new("e2", spend(Some("2026-07"))), now)
        .unwrap();
    assert_eq!(bank.balance("fund").unwrap().balance.to_string(), "379.5");
    let refund = |amount: &str| Action::RefundExpense {
        expense: "e2".into(),
        amount: amount.parse().unwrap(),
    };
    bank.execute(Command::new("r1", refund("20.50")), now)
        .unwrap();
    assert_eq!(
        bank.execute(Command::new("r2", refund("100.01")), now)
            .unwrap_err()
            .to_string(),
        "`e2` has 100 left to refund, 100.01 asked for"
    );
    // Points cannot pay an expense, and hours cannot be donated.
    let err = bank
        .execute(
            Command::new(
                "d1",
                Action::Distribute {
                    from: "fund".into(),
                    amount: "100".parse().unwrap(),
                    parts: vec![Part {
                        account: "pool".into(),
                        amount: "99.99".parse().unwrap(),
                    }],
                    rule_hash: "ab".repeat(32),
                    decision: None,
                },
            ),
            now,
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the parts add up to 99.99, not the 100 distributed"
    );
    assert_eq!(
        bank.balance("pool").unwrap().balance,
        Amount::ZERO,
        "nothing moved"
    );
}
