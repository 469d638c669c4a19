//! A realistic sample ledger from a seed: a community's points and time bank over
//! some months, with the retries, duplicates and mistakes real traffic has.
//!
//! Used by the `ledger demo` command, the benches and the tests. The same seed
//! always gives the same ledger.

use std::collections::VecDeque;

use chrono::{NaiveDateTime, TimeDelta};

use crate::command::{AccountKind, Action, Command, Period, Policy, Unit};
use crate::{Amount, EarningRule, EarningRules, Ledger, Per};

/// `SplitMix64`: small, fast, the same on every machine.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Roughly uniform in `0..n` (the modulo bias is irrelevant for a sample).
    fn below(&mut self, n: usize) -> usize {
        let n = n.max(1) as u64;
        usize::try_from(self.next() % n).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }
}

/// The rules of the sample: the article's, with caps on volunteering and a year's
/// validity for points.
pub fn rules() -> EarningRules {
    let year = Some(365);
    let mut volunteering = EarningRule::new("volunteering", Amount::from_whole(5), Per::Hour);
    volunteering.daily_cap = Some(Amount::from_whole(40));
    volunteering.monthly_cap = Some(Amount::from_whole(200));
    volunteering.expires_after_days = year;
    let mut deliberation = EarningRule::new("deliberation", Amount::from_whole(10), Per::Occasion);
    deliberation.expires_after_days = year;
    let mut skill = EarningRule::new("skill-sharing", Amount::from_whole(15), Per::Occasion);
    skill.expires_after_days = year;
    EarningRules::new(vec![deliberation, volunteering, skill])
}

/// A ledger with exactly `events` journal entries (at most [`MAX_EVENTS`]),
/// generated from `seed`.
///
/// ```
/// let a = guided_community_points::sample::ledger(500, 1);
/// assert_eq!(a.events().len(), 500);
/// assert_eq!(a.events(), guided_community_points::sample::ledger(500, 1).events());
/// ```
pub fn ledger(events: usize, seed: u64) -> Ledger {
    let events = events.min(MAX_EVENTS);
    let mut sim = Simulation::new(seed, events);
    let mut ledger = Ledger::new();
    while ledger.events().len() < events {
        let (command, at, _) = sim.next();
        let id = command.id.clone();
        // Rejections are part of the story; they are recorded like everything else.
        if ledger.execute(command, at).is_err() {
            sim.forget(&id);
        }
    }
    ledger
}

/// The most entries [`ledger`] and [`log`] generate. [`log`] runs in about 80 MB
/// however many; [`ledger`] keeps every entry and transfer (about 460 bytes an
/// entry), so ask it for millions only with the memory for them.
pub const MAX_EVENTS: usize = 100_000_000;

/// How many fulfilled reservations stay refundable in the sample.
const REFUNDABLE: usize = 4_096;

/// Entries [`log`] applies between two compactions of its bank.
const COMPACT_EVERY: u64 = 1 << 16;

/// The sample log of [`ledger`]`(events, seed)`, one hash-chained JSON line at a
/// time, each produced as soon as its command is applied. It runs in memory that
/// does not grow with `events`: a client's retries are answered by the log's
/// earlier lines (they add none), and every 65,536 entries the bank lets go of its
/// journal, settled claims and transfers no pending hold needs. Stops after
/// [`MAX_EVENTS`] entries.
///
/// ```
/// use guided_community_points::log::{Chain, verify};
/// use guided_community_points::sample;
///
/// let streamed: Vec<u8> = sample::log(300, 9).collect::<Result<Vec<_>, _>>()?.concat();
/// let mut whole = Vec::new();
/// Chain::new().write(&sample::ledger(300, 9), &mut whole)?;
/// assert_eq!(streamed, whole);
/// assert_eq!(verify(&streamed)?.entries, 300);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn log(events: usize, seed: u64) -> Log {
    log_compacting(events, seed, COMPACT_EVERY)
}

fn log_compacting(events: usize, seed: u64, every: u64) -> Log {
    let events = events.min(MAX_EVENTS);
    Log {
        sim: Simulation::new(seed, events),
        ledger: Ledger::new(),
        chain: crate::log::Chain::new(),
        written: 0,
        events: events as u64,
        every: every.max(1),
    }
}

/// The iterator of [`log`]: each item is one line of the log, newline included.
#[derive(Debug)]
pub struct Log {
    sim: Simulation,
    ledger: Ledger,
    chain: crate::log::Chain,
    written: u64,
    events: u64,
    every: u64,
}

impl Iterator for Log {
    type Item = crate::Result<Vec<u8>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.written >= self.events {
                return None;
            }
            let (command, at, retry) = self.sim.next();
            if retry {
                // Already applied: the bank would answer from its journal and
                // record nothing (and the sample never retries a rejected claim
                // or reservation still queued, so nothing is forgotten either).
                continue;
            }
            let id = command.id.clone();
            let before = self.ledger.journal_len();
            if self.ledger.execute(command, at).is_err() {
                self.sim.forget(&id);
            }
            if self.ledger.journal_len() == before {
                continue;
            }
            self.written += 1;
            let mut line = Vec::with_capacity(512);
            let result = self.chain.write(&self.ledger, &mut line).map(|_| line);
            if self.written.is_multiple_of(self.every) {
                // The claims and reservations the simulation may still name.
                let named: std::collections::HashSet<&str> = (self.sim.fulfilled.iter())
                    .chain(&self.sim.claims)
                    .chain(&self.sim.reservations)
                    .map(String::as_str)
                    .collect();
                self.ledger.compact(at, &|id| named.contains(id));
            }
            return Some(result);
        }
    }
}

#[derive(Debug)]
struct Simulation {
    rng: Rng,
    now: NaiveDateTime,
    next_id: u64,
    setup: Vec<Action>,
    residents: Vec<String>,
    members: Vec<String>,
    claims: VecDeque<String>,
    reservations: VecDeque<String>,
    /// Mean seconds between commands: the sample spans about two years.
    step: usize,
    /// Fulfilled reservations a resident may still ask to refund: the most
    /// recent [`REFUNDABLE`].
    fulfilled: VecDeque<String>,
    sent: Vec<Command>,
    retried: bool,
    day: chrono::NaiveDate,
}

impl Simulation {
    fn new(seed: u64, events: usize) -> Self {
        let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 6)
            .and_then(|d| d.and_hms_opt(8, 0, 0))
            .unwrap_or_default();
        let households = (events / 40).clamp(20, 5_000);
        let residents: Vec<String> = (1..=households).map(|i| format!("r{i:05}")).collect();
        let members: Vec<String> = (1..=households.div_ceil(4))
            .map(|i| format!("t{i:05}"))
            .collect();
        let open = |account: &str, kind, unit, credit_limit, cap| Action::OpenAccount {
            account: account.to_owned(),
            kind,
            unit,
            credit_limit,
            cap,
        };
        let mut setup = vec![
            open(
                "issuer",
                AccountKind::Issuer,
                Unit::Points,
                Amount::ZERO,
                None,
            ),
            open("sink", AccountKind::Sink, Unit::Points, Amount::ZERO, None),
            open(
                "breakage",
                AccountKind::Breakage,
                Unit::Points,
                Amount::ZERO,
                None,
            ),
            open(
                "hours-issuer",
                AccountKind::Issuer,
                Unit::Hours,
                Amount::ZERO,
                None,
            ),
            open(
                "care-fund",
                AccountKind::Fund,
                Unit::Hours,
                Amount::ZERO,
                None,
            ),
            Action::Configure {
                rules: rules(),
                policy: Policy::default(),
            },
            Action::Transfer {
                from: "hours-issuer".into(),
                to: "care-fund".into(),
                amount: Amount::from_whole(500),
                memo: Some("the district's grant".into()),
            },
        ];
        let item = |item: &str, price, stock| Action::AddItem {
            item: item.to_owned(),
            price: Amount::from_whole(price),
            stock,
            period: Period::Month,
        };
        setup.push(item("canteen-voucher", 20, None));
        setup.push(item("parking-discount", 50, None));
        setup.push(item("summer-childcare", 300, Some(5)));
        for r in &residents {
            setup.push(open(
                r,
                AccountKind::Resident,
                Unit::Points,
                Amount::ZERO,
                None,
            ));
        }
        for m in &members {
            setup.push(open(
                m,
                AccountKind::Resident,
                Unit::Hours,
                Amount::from_whole(10),
                Some(Amount::from_whole(750)),
            ));
        }
        setup.reverse();
        Self {
            rng: Rng(seed),
            now: start,
            next_id: 0,
            setup,
            residents,
            members,
            claims: VecDeque::new(),
            reservations: VecDeque::new(),
            step: (2 * 365 * 86_400 / events.max(1)).clamp(60, 86_400),
            fulfilled: VecDeque::new(),
            sent: Vec::new(),
            retried: false,
            day: start.date(),
        }
    }

    fn command(&mut self, action: Action) -> Command {
        self.next_id += 1;
        let command = Command::new(format!("c{:07}", self.next_id), action);
        if self.sent.len() < 64 {
            self.sent.push(command.clone());
        } else {
            let slot = self.rng.below(64);
            if let Some(s) = self.sent.get_mut(slot) {
                *s = command.clone();
            }
        }
        command
    }

    /// A claim or reservation that was rejected cannot be settled.
    fn forget(&mut self, id: &str) {
        for list in [&mut self.claims, &mut self.reservations] {
            if list.back().is_some_and(|last| last == id) {
                list.pop_back();
            }
        }
        if self.fulfilled.back().is_some_and(|last| last == id) {
            self.fulfilled.pop_back();
        }
    }

    fn resident(&mut self) -> String {
        self.rng.pick(&self.residents).cloned().unwrap_or_default()
    }

    fn member(&mut self) -> String {
        self.rng.pick(&self.members).cloned().unwrap_or_default()
    }

    fn take(list: &mut VecDeque<String>, rng: &mut Rng) -> Option<String> {
        if list.is_empty() {
            None
        } else {
            list.swap_remove_back(rng.below(list.len()))
        }
    }

    /// Some time in the last `within` minutes, `shortest` to `longest` minutes long,
    /// ending by now.
    fn interval(
        &mut self,
        within: usize,
        shortest: usize,
        longest: usize,
    ) -> (NaiveDateTime, NaiveDateTime) {
        let minutes = |n: usize| TimeDelta::minutes(i64::try_from(n).unwrap_or(60));
        let start = self.now - minutes(1 + self.rng.below(within));
        let end = start + minutes(shortest + self.rng.below(longest - shortest));
        (start, end.min(self.now))
    }

    /// Time-bank service: a member serves another, or the care fund pays.
    fn service(&mut self) -> Action {
        let server = self.member();
        let payer = if self.rng.below(10) < 3 {
            "care-fund".to_owned()
        } else {
            self.member()
        };
        let (start, end) = self.interval(48 * 60, 30, 180);
        Action::Serve {
            server,
            payer,
            start,
            end,
        }
    }

    /// The next command, when, and whether it is a client's retry of a command
    /// already applied (same id, same body: the bank answers it from its journal
    /// and records nothing).
    fn next(&mut self) -> (Command, NaiveDateTime, bool) {
        let (command, at) = self.next_command();
        let retry = self.retried;
        self.retried = false;
        (command, at, retry)
    }

    fn next_command(&mut self) -> (Command, NaiveDateTime) {
        if let Some(action) = self.setup.pop() {
            return (self.command(action), self.now);
        }
        let seconds = 1 + self.rng.below(2 * self.step);
        self.now += TimeDelta::seconds(i64::try_from(seconds).unwrap_or(60));
        if self.now.date() != self.day {
            self.day = self.now.date();
            return (self.command(Action::Sweep {}), self.now);
        }
        let roll = self.rng.below(100);
        let action = match roll {
            0..=27 => Action::Earn {
                account: self.resident(),
                activity: "deliberation".into(),
                quantity: Amount::from_whole(1),
            },
            28..=32 => Action::Earn {
                account: self.resident(),
                activity: "skill-sharing".into(),
                quantity: Amount::from_whole(1),
            },
            33..=46 => {
                let (start, end) = self.interval(72 * 60, 30, 240);
                let account = self.resident();
                let command = self.command(Action::Claim {
                    account,
                    activity: "volunteering".into(),
                    start,
                    end,
                });
                self.claims.push_back(command.id.clone());
                return (command, self.now);
            }
            // Organisers verify the oldest claims first.
            47..=61 => match self.claims.pop_front() {
                Some(claim) => Action::Verify {
                    claim,
                    approve: self.rng.below(10) != 0,
                },
                None => Action::Sweep {},
            },
            62..=70 => {
                let items = ["canteen-voucher", "parking-discount", "summer-childcare"];
                let item = self.rng.pick(&items).copied().unwrap_or("canteen-voucher");
                let account = self.resident();
                let command = self.command(Action::Reserve {
                    account,
                    item: item.into(),
                    quantity: 1,
                });
                self.reservations.push_back(command.id.clone());
                return (command, self.now);
            }
            71..=78 => match self.reservations.pop_front() {
                Some(reservation) => {
                    if self.fulfilled.len() >= REFUNDABLE {
                        self.fulfilled.pop_front();
                    }
                    self.fulfilled.push_back(reservation.clone());
                    Action::Fulfil { reservation }
                }
                None => Action::Sweep {},
            },
            79..=80 => match self.reservations.pop_back() {
                Some(reservation) => Action::Void { reservation },
                None => Action::Sweep {},
            },
            81 => match Self::take(&mut self.fulfilled, &mut self.rng) {
                Some(reservation) => Action::Refund { reservation },
                None => Action::Sweep {},
            },
            82..=89 => self.service(),
            90..=93 => Action::Transfer {
                from: self.resident(),
                to: self.resident(),
                amount: Amount::from_whole(i64::try_from(1 + self.rng.below(20)).unwrap_or(1)),
                memo: Some("a neighbour's thanks".into()),
            },
            94..=97 => {
                // A client retrying a command it already sent: same id, same body.
                // Everything in `sent` has been applied by now.
                if let Some(retry) = self.rng.pick(&self.sent).cloned() {
                    self.retried = true;
                    return (retry, self.now);
                }
                Action::Sweep {}
            }
            _ => Action::Earn {
                // A mistake: an activity no rule names.
                account: self.resident(),
                activity: "dancing".into(),
                quantity: Amount::from_whole(1),
            },
        };
        (self.command(action), self.now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shared vectors (`testdata/determinism.json`, computed in Python) pin
    /// every copy of `SplitMix64` in the workspace to the same outputs.
    #[test]
    fn splitmix64_matches_the_shared_vectors() {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../../../testdata/determinism.json")).unwrap();
        let number = |v: &serde_json::Value| v.as_str().unwrap().parse::<u64>().unwrap();
        for case in vectors["splitmix64"].as_array().unwrap() {
            let seed = number(&case["seed"]);
            let mut rng = Rng(seed);
            for expected in case["outputs"].as_array().unwrap() {
                assert_eq!(rng.next(), number(expected), "seed {seed}");
            }
        }
    }
    use crate::log::{Chain, replay};

    #[test]
    fn the_streamed_log_is_the_whole_ledgers_across_compactions() {
        // A compaction every 500 entries: 40 of them over 20,000 entries, with
        // refunds of reservations fulfilled long before, claims verified late and
        // retries of commands whose entries are long gone.
        for (seed, every) in [(17, 500), (3, 97)] {
            check(seed, every);
        }
    }

    fn check(seed: u64, every: u64) {
        let streamed: Vec<u8> = log_compacting(20_000, seed, every)
            .collect::<crate::Result<Vec<_>>>()
            .unwrap()
            .concat();
        let mut whole = Vec::new();
        Chain::new()
            .write(&ledger(20_000, seed), &mut whole)
            .unwrap();
        if streamed != whole {
            let a: Vec<&[u8]> = streamed.split(|&b| b == b'\n').collect();
            let b: Vec<&[u8]> = whole.split(|&b| b == b'\n').collect();
            let i = a.iter().zip(&b).position(|(x, y)| x != y).unwrap();
            panic!(
                "seed {seed}, every {every}, line {i}:\n{}\n{}",
                String::from_utf8_lossy(a[i]),
                String::from_utf8_lossy(b[i])
            );
        }
        let (replayed, verified) = replay(&streamed).unwrap();
        assert_eq!(verified.entries, 20_000);
        assert_eq!(replayed.events().len(), 20_000);
    }
}
