//! Model-based test: random command sequences — with retries, reused ids and
//! invalid commands — run against the ledger and against a small reference model
//! written separately here. After every step the balances agree, every unit sums
//! to zero and no account is past its limits; at the end the journal and the log
//! replay to the same state. Money (issue 27) is in the mix: income from
//! donors, expenses that need an approving decision, refunds of expenses and
//! distributions of an income.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::too_many_lines,
    reason = "test helpers fail loudly; the model is one match over the actions"
)]

use std::collections::HashMap;

use chrono::{Datelike, NaiveDateTime, TimeDelta};
use guided_community_points::log::{Chain, replay};
use guided_community_points::{
    AccountKind, Action, Amount, Command, EarningRule, EarningRules, IncomeKind, Ledger, Part, Per,
    Period, Policy, Unit,
};
use proptest::prelude::*;

const POINTS: [&str; 6] = ["issuer", "sink", "breakage", "r0", "r1", "r2"];
const HOURS: [&str; 4] = ["hours", "fund", "m0", "m1"];
const MONEY: [&str; 5] = ["donors", "chest", "pool-a", "pool-b", "repairs"];
const ITEMS: [(&str, i64, Option<u32>); 2] = [("place", 40, Some(2)), ("voucher", 15, None)];

#[derive(Debug, Clone)]
enum Op {
    Earn {
        resident: usize,
        occasions: i64,
    },
    Points {
        from: usize,
        to: usize,
        amount: i64,
    },
    Hours {
        from: usize,
        to: usize,
        amount: i64,
    },
    Serve {
        server: usize,
        payer: usize,
        hours: i64,
    },
    Reserve {
        resident: usize,
        item: usize,
    },
    Fulfil(usize),
    Void(usize),
    Refund(usize),
    Sweep,
    Unknown,
    Retry(usize),
    Reuse(usize),
    Receive {
        fen: i64,
    },
    Spend {
        fund: usize,
        fen: i64,
        decided: bool,
    },
    RefundExpense {
        expense: usize,
        fen: i64,
    },
    Distribute {
        fen: i64,
        share_a: i64,
    },
    Money {
        from: usize,
        to: usize,
        fen: i64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (3usize..6, 1i64..=3).prop_map(|(resident, occasions)| Op::Earn { resident, occasions }),
        3 => (0usize..6, 0usize..6, 0i64..=50).prop_map(|(from, to, amount)| Op::Points { from, to, amount }),
        2 => (0usize..4, 0usize..4, 0i64..=8).prop_map(|(from, to, amount)| Op::Hours { from, to, amount }),
        2 => (2usize..4, 1usize..4, 1i64..=6).prop_map(|(server, payer, hours)| Op::Serve { server, payer, hours }),
        2 => (3usize..6, 0usize..2).prop_map(|(resident, item)| Op::Reserve { resident, item }),
        2 => any::<usize>().prop_map(Op::Fulfil),
        1 => any::<usize>().prop_map(Op::Void),
        1 => any::<usize>().prop_map(Op::Refund),
        1 => Just(Op::Sweep),
        1 => Just(Op::Unknown),
        2 => any::<usize>().prop_map(Op::Retry),
        1 => any::<usize>().prop_map(Op::Reuse),
        2 => (0i64..=200_000).prop_map(|fen| Op::Receive { fen }),
        3 => (1usize..4, 0i64..=80_000, any::<bool>()).prop_map(|(fund, fen, decided)| Op::Spend { fund, fen, decided }),
        1 => (any::<usize>(), 0i64..=30_000).prop_map(|(expense, fen)| Op::RefundExpense { expense, fen }),
        2 => (0i64..=100_000, 0i64..=100).prop_map(|(fen, share_a)| Op::Distribute { fen, share_a }),
        1 => (0usize..5, 0usize..5, 0i64..=50_000).prop_map(|(from, to, fen)| Op::Money { from, to, fen }),
    ]
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Status {
    Pending,
    Posted,
    Voided,
    Refunded,
}

#[derive(Debug, Clone)]
struct Hold {
    id: String,
    account: String,
    item: usize,
    amount: i64,
    month: u32,
    expires: NaiveDateTime,
    status: Status,
}

/// The reference: balances in hundredths, written without looking at the ledger.
#[derive(Debug, Default)]
struct Model {
    balance: HashMap<String, i64>,
    debits_pending: HashMap<String, i64>,
    credits_pending: HashMap<String, i64>,
    credit: HashMap<String, i64>,
    cap: HashMap<String, i64>,
    earned_today: HashMap<(String, u32), i64>,
    holds: Vec<Hold>,
    used: HashMap<(usize, u32), u32>,
    busy: HashMap<String, Vec<(NaiveDateTime, NaiveDateTime)>>,
    /// Expenses by id: (fund, amount, refunded).
    expenses: HashMap<String, (String, i64, i64)>,
}

impl Model {
    fn get(map: &HashMap<String, i64>, k: &str) -> i64 {
        map.get(k).copied().unwrap_or(0)
    }

    fn available(&self, k: &str) -> i64 {
        Self::get(&self.balance, k) - Self::get(&self.debits_pending, k)
    }

    fn can_move(&self, from: &str, to: &str, amount: i64) -> bool {
        if amount <= 0 || from == to {
            return false;
        }
        let funded = from == "issuer"
            || from == "hours"
            || from == "donors"
            || self.available(from) - amount >= -Self::get(&self.credit, from);
        let room = self.cap.get(to).is_none_or(|&cap| {
            Self::get(&self.balance, to) + Self::get(&self.credits_pending, to) + amount <= cap
        });
        funded && room
    }

    fn shift(map: &mut HashMap<String, i64>, k: &str, by: i64) {
        *map.entry(k.to_owned()).or_default() += by;
    }

    fn post(&mut self, from: &str, to: &str, amount: i64) {
        Self::shift(&mut self.balance, from, -amount);
        Self::shift(&mut self.balance, to, amount);
    }

    fn release(&mut self, hold: usize) {
        let h = self.holds[hold].clone();
        Self::shift(&mut self.debits_pending, &h.account, -h.amount);
        Self::shift(&mut self.credits_pending, "sink", -h.amount);
        *self.used.entry((h.item, h.month)).or_default() -= u32::from(ITEMS[h.item].2.is_some());
        self.holds[hold].status = Status::Voided;
    }

    /// Applies an op the model understands; returns whether it should succeed.
    fn apply(&mut self, action: &Action, id: &str, now: NaiveDateTime) -> bool {
        let month = now.year().unsigned_abs() * 100 + now.month();
        match action {
            Action::Earn {
                account, quantity, ..
            } => {
                let day = now.ordinal() + now.year().unsigned_abs() * 1000;
                let so_far = self
                    .earned_today
                    .get(&(account.clone(), day))
                    .copied()
                    .unwrap_or(0);
                let award = (quantity.hundredths() * 10).min(3000 - so_far);
                if award <= 0 {
                    return false;
                }
                *self.earned_today.entry((account.clone(), day)).or_default() += award;
                self.post("issuer", account, award);
                true
            }
            Action::Transfer {
                from, to, amount, ..
            } => {
                let known =
                    |a: &str| POINTS.contains(&a) || HOURS.contains(&a) || MONEY.contains(&a);
                let unit = |a: &str| (POINTS.contains(&a), MONEY.contains(&a));
                let same_unit = unit(from) == unit(to);
                if !known(from)
                    || !known(to)
                    || !same_unit
                    || !self.can_move(from, to, amount.hundredths())
                {
                    return false;
                }
                self.post(from, to, amount.hundredths());
                true
            }
            Action::Serve {
                server,
                payer,
                start,
                end,
            } => {
                let hours = (*end - *start).num_seconds() / 36;
                let overlaps = self
                    .busy
                    .get(server)
                    .is_some_and(|v| v.iter().any(|&(s, e)| s < *end && *start < e));
                if overlaps || !self.can_move(payer, server, hours) {
                    return false;
                }
                self.busy
                    .entry(server.clone())
                    .or_default()
                    .push((*start, *end));
                self.post(payer, server, hours);
                true
            }
            Action::Reserve { account, item, .. } => {
                let i = ITEMS.iter().position(|it| it.0 == item).unwrap();
                let (_, price, stock) = ITEMS[i];
                let amount = price * 100;
                let used = self.used.get(&(i, month)).copied().unwrap_or(0);
                if stock.is_some_and(|s| used >= s) || self.available(account) < amount {
                    return false;
                }
                Self::shift(&mut self.debits_pending, account, amount);
                Self::shift(&mut self.credits_pending, "sink", amount);
                *self.used.entry((i, month)).or_default() += u32::from(stock.is_some());
                self.holds.push(Hold {
                    id: id.to_owned(),
                    account: account.clone(),
                    item: i,
                    amount,
                    month,
                    expires: now + TimeDelta::hours(72),
                    status: Status::Pending,
                });
                true
            }
            Action::Fulfil { reservation } => {
                let Some(h) = self.holds.iter().position(|h| &h.id == reservation) else {
                    return false;
                };
                let hold = self.holds[h].clone();
                if hold.status != Status::Pending || now > hold.expires {
                    return false;
                }
                Self::shift(&mut self.debits_pending, &hold.account, -hold.amount);
                Self::shift(&mut self.credits_pending, "sink", -hold.amount);
                self.post(&hold.account, "sink", hold.amount);
                self.holds[h].status = Status::Posted;
                true
            }
            Action::Void { reservation } => {
                match self.holds.iter().position(|h| &h.id == reservation) {
                    Some(h) if self.holds[h].status == Status::Pending => {
                        self.release(h);
                        true
                    }
                    _ => false,
                }
            }
            Action::Refund { reservation } => {
                match self.holds.iter().position(|h| &h.id == reservation) {
                    Some(h)
                        if self.holds[h].status == Status::Posted
                            && self.can_move(
                                "sink",
                                &self.holds[h].account,
                                self.holds[h].amount,
                            ) =>
                    {
                        let hold = self.holds[h].clone();
                        self.post("sink", &hold.account, hold.amount);
                        *self.used.entry((hold.item, hold.month)).or_default() -=
                            u32::from(ITEMS[hold.item].2.is_some());
                        self.holds[h].status = Status::Refunded;
                        true
                    }
                    _ => false,
                }
            }
            Action::Sweep {} => {
                for h in 0..self.holds.len() {
                    if self.holds[h].status == Status::Pending && now > self.holds[h].expires {
                        self.release(h);
                    }
                }
                true
            }
            Action::Receive {
                from, fund, amount, ..
            } => {
                if from != "donors"
                    || fund != "chest"
                    || !self.can_move(from, fund, amount.hundredths())
                {
                    return false;
                }
                self.post(from, fund, amount.hundredths());
                true
            }
            Action::Spend {
                fund,
                category,
                amount,
                decision,
                ..
            } => {
                if decision.is_none() || !self.can_move(fund, category, amount.hundredths()) {
                    return false;
                }
                self.post(fund, category, amount.hundredths());
                self.expenses
                    .insert(id.to_owned(), (fund.clone(), amount.hundredths(), 0));
                true
            }
            Action::RefundExpense { expense, amount } => {
                let Some((fund, spent, refunded)) = self.expenses.get(expense).cloned() else {
                    return false;
                };
                let a = amount.hundredths();
                if a > spent - refunded || !self.can_move("repairs", &fund, a) {
                    return false;
                }
                self.post("repairs", &fund, a);
                self.expenses
                    .insert(expense.clone(), (fund, spent, refunded + a));
                true
            }
            Action::Distribute {
                from,
                amount,
                parts,
                ..
            } => {
                let total = amount.hundredths();
                if total <= 0 || self.available(from) - total < 0 {
                    return false;
                }
                let fits = parts.iter().all(|p| {
                    let a = p.amount.hundredths();
                    a == 0 || self.can_move(from, &p.account, a)
                });
                if !fits {
                    return false;
                }
                for p in parts {
                    self.post(from, &p.account, p.amount.hundredths());
                }
                true
            }
            _ => panic!("the model does not know {action:?}"),
        }
    }
}

fn setup() -> (Ledger, Model, NaiveDateTime) {
    let now: NaiveDateTime = "2025-07-01T08:00:00".parse().unwrap();
    let mut ledger = Ledger::new();
    let mut model = Model::default();
    let mut rules = EarningRule::new("deliberation", Amount::from_whole(10), Per::Occasion);
    rules.daily_cap = Some(Amount::from_whole(30));
    let mut policy = Policy::default();
    policy.expenses_need_decision = true;
    let mut setup = vec![Action::Configure {
        rules: EarningRules::new(vec![rules]),
        policy,
    }];
    let open = |account: &str, kind, unit, credit: i64, cap: Option<i64>| Action::OpenAccount {
        account: account.into(),
        kind,
        unit,
        credit_limit: Amount::from_whole(credit),
        cap: cap.map(Amount::from_whole),
    };
    setup.push(open("issuer", AccountKind::Issuer, Unit::Points, 0, None));
    setup.push(open("sink", AccountKind::Sink, Unit::Points, 0, None));
    setup.push(open(
        "breakage",
        AccountKind::Breakage,
        Unit::Points,
        0,
        None,
    ));
    for r in ["r0", "r1", "r2"] {
        setup.push(open(r, AccountKind::Resident, Unit::Points, 0, None));
    }
    setup.push(open("hours", AccountKind::Issuer, Unit::Hours, 0, None));
    setup.push(open("fund", AccountKind::Fund, Unit::Hours, 0, None));
    setup.push(open("m0", AccountKind::Resident, Unit::Hours, 3, Some(8)));
    setup.push(open("m1", AccountKind::Resident, Unit::Hours, 0, None));
    model.credit.insert("m0".into(), 300);
    model.cap.insert("m0".into(), 800);
    setup.push(open("donors", AccountKind::Donor, Unit::Money, 0, None));
    setup.push(open("chest", AccountKind::Fund, Unit::Money, 0, None));
    setup.push(open("pool-a", AccountKind::Fund, Unit::Money, 0, None));
    setup.push(open(
        "pool-b",
        AccountKind::Fund,
        Unit::Money,
        0,
        Some(1_000),
    ));
    setup.push(open("repairs", AccountKind::Expense, Unit::Money, 0, None));
    model.cap.insert("pool-b".into(), 100_000);
    for (item, price, stock) in ITEMS {
        setup.push(Action::AddItem {
            item: item.into(),
            price: Amount::from_whole(price),
            stock,
            period: Period::Month,
        });
    }
    for (i, action) in setup.into_iter().enumerate() {
        ledger
            .execute(Command::new(format!("setup-{i}"), action), now)
            .unwrap();
    }
    (ledger, model, now)
}

fn check_invariants(ledger: &Ledger, model: &Model) -> Result<(), TestCaseError> {
    for unit in [Unit::Points, Unit::Hours, Unit::Money] {
        let sum: i64 = ledger
            .balances()
            .filter(|(_, b)| b.unit == unit)
            .map(|(_, b)| b.balance.hundredths())
            .sum();
        prop_assert_eq!(sum, 0, "{:?} do not sum to zero", unit);
    }
    for (account, b) in ledger.balances() {
        prop_assert_eq!(
            b.balance.hundredths(),
            Model::get(&model.balance, account),
            "balance of {}",
            account
        );
        prop_assert_eq!(
            b.debits_pending.hundredths(),
            Model::get(&model.debits_pending, account)
        );
        prop_assert_eq!(
            b.credits_pending.hundredths(),
            Model::get(&model.credits_pending, account)
        );
        if !matches!(b.kind, AccountKind::Issuer | AccountKind::Donor) {
            prop_assert!(
                b.available() >= Amount::ZERO.checked_sub(b.credit_limit).unwrap(),
                "{} below its limit",
                account
            );
        }
        if let Some(cap) = b.cap {
            prop_assert!(
                b.balance.checked_add(b.credits_pending).unwrap() <= cap,
                "{} above its cap",
                account
            );
        }
        if b.kind == AccountKind::Resident && b.unit == Unit::Points {
            let lots: i64 = ledger
                .lots(account)
                .iter()
                .map(|l| l.amount.hundredths())
                .sum();
            prop_assert_eq!(lots, b.available().hundredths(), "lots of {}", account);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_ledger_agrees_with_the_model(ops in proptest::collection::vec((op(), 0i64..=30), 1..80)) {
        let (mut ledger, mut model, mut now) = setup();
        let mut sent: Vec<(Command, Result<guided_community_points::Receipt, guided_community_points::Error>)> = Vec::new();
        let mut holds: Vec<String> = Vec::new();
        let mut spends: Vec<String> = Vec::new();
        for (n, (op, hours)) in ops.into_iter().enumerate() {
            now += TimeDelta::hours(hours);
            let id = format!("m{n}");
            let action = match op {
                Op::Earn { resident, occasions } => Action::Earn {
                    account: POINTS[resident].into(),
                    activity: "deliberation".into(),
                    quantity: Amount::from_whole(occasions),
                },
                Op::Points { from, to, amount } => Action::Transfer {
                    from: POINTS[from].into(), to: POINTS[to].into(),
                    amount: Amount::from_whole(amount), memo: None,
                },
                Op::Hours { from, to, amount } => Action::Transfer {
                    from: HOURS[from].into(), to: HOURS[to].into(),
                    amount: Amount::from_whole(amount), memo: None,
                },
                Op::Serve { server, payer, hours } => Action::Serve {
                    server: HOURS[server].into(),
                    payer: HOURS[payer].into(),
                    start: now - TimeDelta::hours(hours),
                    end: now,
                },
                Op::Reserve { resident, item } => {
                    holds.push(id.clone());
                    Action::Reserve { account: POINTS[resident].into(), item: ITEMS[item].0.into(), quantity: 1 }
                }
                Op::Fulfil(k) | Op::Void(k) | Op::Refund(k) if holds.is_empty() => {
                    let _ = k;
                    Action::Sweep {}
                }
                Op::Fulfil(k) => Action::Fulfil { reservation: holds[k % holds.len()].clone() },
                Op::Void(k) => Action::Void { reservation: holds[k % holds.len()].clone() },
                Op::Refund(k) => Action::Refund { reservation: holds[k % holds.len()].clone() },
                Op::Sweep => Action::Sweep {},
                Op::Unknown => Action::Transfer {
                    from: "nobody".into(), to: "r0".into(), amount: Amount::from_whole(1), memo: None,
                },
                Op::Receive { fen } => Action::Receive {
                    from: "donors".into(), fund: "chest".into(),
                    amount: Amount::from_hundredths(fen), income: IncomeKind::Donation, memo: None,
                },
                Op::Spend { fund, fen, decided } => {
                    spends.push(id.clone());
                    Action::Spend {
                        fund: MONEY[fund].into(), category: "repairs".into(),
                        amount: Amount::from_hundredths(fen), payee: "Hardware shop".into(),
                        purpose: "stairwell lights".into(), receipt: Some("INV-1".into()),
                        decision: decided.then(|| "2026-07".to_owned()),
                    }
                }
                Op::RefundExpense { expense, fen } if !spends.is_empty() => Action::RefundExpense {
                    expense: spends[expense % spends.len()].clone(),
                    amount: Amount::from_hundredths(fen),
                },
                Op::RefundExpense { fen, .. } => Action::RefundExpense {
                    expense: "no-such".into(), amount: Amount::from_hundredths(fen),
                },
                Op::Distribute { fen, share_a } => {
                    let a = fen * share_a / 100;
                    Action::Distribute {
                        from: "chest".into(),
                        amount: Amount::from_hundredths(fen),
                        parts: vec![
                            Part { account: "pool-a".into(), amount: Amount::from_hundredths(a) },
                            Part { account: "pool-b".into(), amount: Amount::from_hundredths(fen - a) },
                        ],
                        rule_hash: "ab".repeat(32),
                        decision: None,
                    }
                }
                Op::Money { from, to, fen } => Action::Transfer {
                    from: MONEY[from].into(), to: MONEY[to].into(),
                    amount: Amount::from_hundredths(fen), memo: None,
                },
                Op::Retry(k) | Op::Reuse(k) if sent.is_empty() => {
                    let _ = k;
                    Action::Sweep {}
                }
                Op::Retry(k) => {
                    // The same id and body: the first answer again, and no change.
                    let (command, first) = sent[k % sent.len()].clone();
                    let events = ledger.events().len();
                    prop_assert_eq!(ledger.execute(command, now), first);
                    prop_assert_eq!(ledger.events().len(), events);
                    check_invariants(&ledger, &model)?;
                    continue;
                }
                Op::Reuse(k) => {
                    // The same id, another body: refused, and no change.
                    let (command, _) = sent[k % sent.len()].clone();
                    let other = Command::new(command.id, Action::Sweep {});
                    let is_sweep = matches!(sent[k % sent.len()].0.action, Action::Sweep {});
                    let events = ledger.events().len();
                    let result = ledger.execute(other, now);
                    prop_assert_eq!(result.is_err(), !is_sweep);
                    prop_assert_eq!(ledger.events().len(), events);
                    check_invariants(&ledger, &model)?;
                    continue;
                }
            };
            let expected = model.apply(&action, &id, now);
            let command = Command::new(id, action);
            let result = ledger.execute(command.clone(), now);
            prop_assert_eq!(result.is_ok(), expected, "{:?} gave {:?}", command, result);
            sent.push((command, result));
            check_invariants(&ledger, &model)?;
        }
        // Replaying the journal, or the written log, gives the same state.
        let replayed = Ledger::replay(ledger.events().iter().cloned()).unwrap();
        prop_assert!(replayed.balances().eq(ledger.balances()));
        let mut log = Vec::new();
        let head = Chain::new().write(&ledger, &mut log).unwrap();
        let (from_log, verified) = replay(&log).unwrap();
        prop_assert_eq!(verified.head, head);
        prop_assert!(from_log.balances().eq(ledger.balances()));
        prop_assert!(from_log.transfers().eq(ledger.transfers()));
    }
}
