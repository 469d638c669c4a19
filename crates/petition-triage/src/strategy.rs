//! [`proptest`](mod@proptest) strategies for triage (with the `proptest`
//! feature): residents' submissions — listed and unlisted categories, plain
//! and urgent words in Chinese and English, vulnerabilities — receipt times
//! across the built-in calendar's years, working-day calendars of one to three
//! years with holidays and make-up working days, and petition lifecycles (an
//! intake and the commands that follow it, every one a valid transition).
//! They shrink towards plain submissions, the first day covered, calendars
//! without holidays and short lifecycles.
//!
//! ```
//! use guided_community_triage::{classify, strategy, Colour, TriageRules};
//!
//! use proptest::prelude::*;
//!
//! // An emergency referral is always red.
//! proptest!(|(submission in strategy::submission())| {
//!     let triage = classify(&submission, &TriageRules::default());
//!     if !triage.refer_to.is_empty() {
//!         prop_assert_eq!(triage.colour, Colour::Red);
//!     }
//! });
//! ```

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc, Weekday};
use proptest::prelude::*;

use crate::{
    Calendar, CalendarYear, Colour, Command, DayName, Event, Intake, Submission, TrackingCode,
    Vulnerability,
};

const CATEGORIES: [&str; 8] = [
    "noise",
    "sanitation",
    "elevator",
    "water",
    "safety",
    "heating",
    "parking",
    "unlisted-kind",
];

const WORDS: [&str; 10] = [
    "楼道灯坏了",
    "the bins were not emptied",
    "电梯又坏了",
    "water leaking from upstairs",
    "老人在家晕倒了",
    "smoke in the stairwell",
    "燃气泄漏",
    "noise at night",
    "",
    "请尽快处理 please help",
];

/// A submission: a category (one not in the default rules among them), one
/// or two phrases, and up to two vulnerabilities.
pub fn submission() -> impl Strategy<Value = Submission> {
    (
        proptest::sample::select(CATEGORIES.to_vec()),
        proptest::collection::vec(proptest::sample::select(WORDS.to_vec()), 1..3),
        proptest::collection::vec(
            proptest::sample::select(vec![
                Vulnerability::Aged80LivingAlone,
                Vulnerability::Disability,
                Vulnerability::SeriouslyIll,
                Vulnerability::YoungChild,
            ]),
            0..3,
        ),
    )
        .prop_map(|(category, words, vulnerabilities)| Submission {
            category: category.to_owned(),
            text: words.join("，"),
            vulnerabilities,
        })
}

/// A receipt time in 2024–2026 (the built-in calendar's years), to the
/// minute.
pub fn received() -> impl Strategy<Value = DateTime<Utc>> {
    // 2024-01-01T00:00:00+08:00 and three years of minutes after it.
    (0i64..3 * 365 * 24 * 60).prop_map(|minutes| {
        DateTime::<Utc>::from_timestamp(1_704_038_400, 0).unwrap_or_default()
            + TimeDelta::minutes(minutes)
    })
}

/// A working-day calendar covering one to three consecutive years from
/// 2000–2099: up to twenty public holidays a year (on any day) and up to six
/// make-up working days (on weekends, never on a holiday). It shrinks towards
/// one year, the year 2000, and no holidays or make-up days.
pub fn calendar() -> impl Strategy<Value = Calendar> {
    let year = (
        proptest::collection::btree_set(0u32..365, 0..20),
        proptest::collection::btree_set(0u32..365, 0..6),
    );
    (2000i32..2100, proptest::collection::vec(year, 1..4)).prop_filter_map(
        "a valid calendar (always, by construction)",
        |(first, years)| {
            let mut covered = BTreeMap::new();
            for (year, (holidays, workdays)) in (first..).zip(years) {
                let day = |offset: u32| {
                    NaiveDate::from_ymd_opt(year, 1, 1)
                        .and_then(|d| d.checked_add_days(chrono::Days::new(offset.into())))
                };
                let name = |en: &str| DayName {
                    en: en.to_owned(),
                    zh: None,
                };
                let holidays: BTreeMap<_, _> = holidays
                    .into_iter()
                    .filter_map(day)
                    .map(|d| (d, name("Holiday")))
                    .collect();
                let workdays = workdays
                    .into_iter()
                    .filter_map(day)
                    .filter(|d| matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
                    .filter(|d| !holidays.contains_key(d))
                    .map(|d| (d, name("Make-up working day")))
                    .collect();
                covered.insert(year, CalendarYear { holidays, workdays });
            }
            Calendar::try_new(covered).ok()
        },
    )
}

/// A petition's lifecycle: its intake (any colour, received in 2024–2025)
/// and up to twelve commands, each a valid transition from the state the
/// previous ones left and dated up to three days after the one before —
/// acknowledging, starting, pausing and resuming, resolving, closing with any
/// rating, reopening (at most twice, as [`SlaPolicy::default`](crate::SlaPolicy)
/// allows), and now and then a merge or a referral that ends it. Applied with
/// [`open`](crate::open) and [`apply`](crate::apply) under
/// [`Calendar::mainland_china`] and the default policy, every command is
/// accepted. It shrinks towards fewer commands, earlier ones and a blue
/// petition.
pub fn lifecycle() -> impl Strategy<Value = (Intake, Vec<Event>)> {
    (
        proptest::sample::select(vec![Colour::Blue, Colour::Yellow, Colour::Red]),
        0i64..2 * 365 * 24 * 60,
        any::<u64>(),
        proptest::collection::vec((0u8..100, 0i64..3 * 24 * 60), 0..12),
    )
        .prop_map(|(colour, minutes, seed, steps)| {
            let received = DateTime::<Utc>::from_timestamp(1_704_038_400, 0).unwrap_or_default()
                + TimeDelta::minutes(minutes);
            let intake = Intake {
                id: "p-1".to_owned(),
                code: TrackingCode::generate(&mut crate::CodeRng::seeded(seed)),
                category: "water".to_owned(),
                building: Some("3".to_owned()),
                colour,
                received,
            };
            (intake, walk(received, &steps))
        })
}

/// Where the walk of [`lifecycle`] stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Walk {
    Submitted,
    Acknowledged,
    InProgress,
    /// Paused, and whether work had started.
    Paused(bool),
    Resolved,
    Closed,
}

/// Commands from each state, chosen by `choice`; a choice of 95 or more ends
/// an open petition by a merge or referral.
fn walk(received: DateTime<Utc>, steps: &[(u8, i64)]) -> Vec<Event> {
    let mut events = Vec::new();
    let (mut state, mut at, mut reopenings) = (Walk::Submitted, received, 0);
    for &(choice, minutes) in steps {
        at += TimeDelta::minutes(minutes);
        let open = !matches!(state, Walk::Resolved | Walk::Closed);
        if open && choice >= 95 {
            let command = if choice % 2 == 0 {
                Command::Merge {
                    into: "p-0".to_owned(),
                }
            } else {
                Command::Refer {
                    to: "street office".to_owned(),
                }
            };
            events.push(Event { at, command });
            break;
        }
        let text = |s: &str| s.to_owned();
        let (command, next) = match (state, choice % 3) {
            (Walk::Submitted, _) => (Command::Acknowledge, Walk::Acknowledged),
            (Walk::Acknowledged, 0) => (Command::Start, Walk::InProgress),
            (Walk::Acknowledged | Walk::InProgress, 1) => (
                Command::Pause {
                    reason: text("photos of the leak"),
                },
                Walk::Paused(state == Walk::InProgress),
            ),
            (Walk::Paused(started), _) => (
                Command::Resume,
                if started {
                    Walk::InProgress
                } else {
                    Walk::Acknowledged
                },
            ),
            (Walk::Acknowledged | Walk::InProgress, _) => (
                Command::Resolve {
                    summary: text("pipe replaced"),
                },
                Walk::Resolved,
            ),
            (Walk::Resolved | Walk::Closed, c) if c == 0 && reopenings < 2 => {
                reopenings += 1;
                (
                    Command::Reopen {
                        reason: text("leaking again"),
                    },
                    Walk::Submitted,
                )
            }
            (Walk::Resolved, _) => (
                Command::Close {
                    satisfaction: 1 + choice % 5,
                },
                Walk::Closed,
            ),
            (Walk::Closed, _) => break,
        };
        events.push(Event { at, command });
        state = next;
    }
    events
}
