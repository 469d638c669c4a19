//! Schedules by hand across 调休 and the National Day week, properties of
//! schedules and progress on random plans, and the pilot's bootstrap.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use guided_community_projects::{
    Error, Pilot, Plan, Status, Step, StepEvent, Unit, Weekdays, evaluate, progress, schedule,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Mainland China, autumn 2025 (State Council notice): National Day and
/// Mid-Autumn 1–8 October off; Sunday 28 September and Saturday 11 October
/// worked. Other years are not covered.
fn china_autumn_2025(date: NaiveDate) -> Option<bool> {
    if date.year() != 2025 {
        return None;
    }
    if date == day(2025, 9, 28) || date == day(2025, 10, 11) {
        return Some(true);
    }
    if (day(2025, 10, 1)..=day(2025, 10, 8)).contains(&date) {
        return Some(false);
    }
    Some(!matches!(date.weekday(), Weekday::Sat | Weekday::Sun))
}

fn step(id: &str, working_days: u32, after: &[&str]) -> Step {
    Step {
        id: id.into(),
        working_days,
        after: after.iter().map(|s| (*s).to_owned()).collect(),
        owner: None,
        budget_fen: 0,
    }
}

#[test]
fn across_the_national_day_week() {
    let plan = Plan {
        goal: "paint the stairwell".into(),
        owner: None,
        start: day(2025, 9, 26),
        steps: vec![
            step("design", 3, &[]),
            step("purchasing", 3, &["design"]),
            step("acceptance", 1, &["purchasing"]),
        ],
    };
    let s = schedule(&plan, &china_autumn_2025).unwrap();
    let dates: Vec<(NaiveDate, NaiveDate)> = s.steps.iter().map(|x| (x.start, x.end)).collect();
    assert_eq!(
        dates,
        [
            // Friday 26, the make-up Sunday 28, Monday 29.
            (day(2025, 9, 26), day(2025, 9, 29)),
            // Tuesday 30, then the holiday, then Thursday 9 and Friday 10.
            (day(2025, 9, 30), day(2025, 10, 10)),
            // The make-up Saturday 11 October.
            (day(2025, 10, 11), day(2025, 10, 11)),
        ]
    );
    assert_eq!(s.working_days, 7);
    // Planning into 2026 with a 2025-only calendar is refused, naming the day.
    let long = Plan {
        steps: vec![step("works", 80, &[])],
        ..plan
    };
    assert_eq!(
        schedule(&long, &china_autumn_2025).unwrap_err(),
        Error::NotCovered {
            date: day(2026, 1, 1)
        }
    );
}

#[test]
fn bad_plans_are_refused_by_name() {
    let plan = |steps| Plan {
        goal: String::new(),
        owner: None,
        start: day(2025, 9, 1),
        steps,
    };
    let err = |steps| schedule(&plan(steps), &Weekdays).unwrap_err().to_string();
    assert_eq!(
        err(vec![
            step("a", 1, &["b"]),
            step("b", 1, &["a"]),
            step("c", 1, &[])
        ]),
        "steps a, b follow each other in a circle: none of them can start"
    );
    assert_eq!(
        err(vec![step("a", 1, &["design"])]),
        "step `a` follows `design`, which is not a step of the plan"
    );
    assert_eq!(
        err(vec![step("a", 1, &[]), step("a", 2, &[])]),
        "two steps are called `a`: step ids must be unique"
    );
    assert_eq!(
        err(vec![step("a", 0, &[])]),
        "step `a` takes 0 working days: a step takes 1 to 10,000"
    );
    let many: Vec<Step> = (0..10)
        .map(|i| step(&format!("s{i}"), 5_000, &[]))
        .collect();
    assert!(err(many).contains("at most 36,500"));
    // A typo in a key is refused, not ignored.
    let typo = serde_json::from_str::<Plan>(
        r#"{"start": "2025-09-01", "steps": [{"id": "a", "workingdays": 3}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(typo.contains("workingdays"), "{typo}");
}

/// A random acyclic plan: each step follows some of the ones before it.
fn plans() -> impl Strategy<Value = Plan> {
    (
        proptest::collection::vec(
            (
                1u32..8,
                proptest::collection::vec(any::<prop::sample::Index>(), 0..3),
            ),
            1..12,
        ),
        0u32..300,
    )
        .prop_map(|(raw, offset)| {
            let steps = raw
                .iter()
                .enumerate()
                .map(|(i, (days, picks))| {
                    let after: BTreeSet<String> = if i == 0 {
                        BTreeSet::new()
                    } else {
                        picks.iter().map(|p| format!("s{}", p.index(i))).collect()
                    };
                    Step {
                        id: format!("s{i}"),
                        working_days: *days,
                        after: after.into_iter().collect(),
                        owner: None,
                        budget_fen: 100 * u64::from(*days),
                    }
                })
                .collect();
            Plan {
                goal: String::new(),
                owner: None,
                start: day(2025, 1, 1) + chrono::Days::new(offset.into()),
                steps,
            }
        })
}

/// Working days from `a` to `b`, both counted.
fn weekdays_between(a: NaiveDate, b: NaiveDate) -> u32 {
    a.iter_days()
        .take_while(|d| *d <= b)
        .filter(|d| Weekdays.is_working_day(*d) == Some(true))
        .count()
        .try_into()
        .unwrap()
}

use guided_community_projects::WorkingDays as _;

proptest! {
    /// Every step takes its working days, starts after what it follows, and
    /// the critical path's days add up to the project's.
    #[test]
    fn schedules_are_consistent(plan in plans()) {
        let s = schedule(&plan, &Weekdays).unwrap();
        for (step, at) in plan.steps.iter().zip(&s.steps) {
            prop_assert_eq!(weekdays_between(at.start, at.end), step.working_days);
            for name in &step.after {
                let before = s.steps.iter().find(|x| &x.id == name).unwrap();
                prop_assert!(before.end < at.start);
            }
            prop_assert_eq!(at.critical, at.slack == 0);
        }
        let path_days: u32 = s
            .critical_path
            .iter()
            .map(|id| plan.steps.iter().find(|x| &x.id == id).unwrap().working_days)
            .sum();
        prop_assert_eq!(path_days, s.working_days);
        prop_assert_eq!(weekdays_between(s.start.unwrap(), s.end.unwrap()), s.working_days);
    }

    /// Finishing a step under way never makes the project later, and
    /// replanning never changes the baseline.
    #[test]
    fn finishing_helps_and_the_baseline_stays(
        plan in plans(),
        started in proptest::collection::vec(any::<bool>(), 12),
        longer in 1u32..20,
        days_in in 0u64..40,
    ) {
        let today = plan.start + chrono::Days::new(days_in);
        let mut events = Vec::new();
        for (step, &s) in plan.steps.iter().zip(&started) {
            if s {
                events.push(StepEvent::Started { step: step.id.clone(), on: plan.start });
            }
        }
        let before = progress(&plan, &events, today, &Weekdays).unwrap();
        prop_assert_eq!(&before.baseline, &schedule(&plan, &Weekdays).unwrap());
        if let Some(first) = events.first().cloned() {
            let StepEvent::Started { step, .. } = first else { unreachable!() };
            let mut finished = events.clone();
            finished.push(StepEvent::Done { step: step.clone(), on: today });
            let after = progress(&plan, &finished, today, &Weekdays).unwrap();
            prop_assert!(after.forecast_end <= before.forecast_end, "{:?} > {:?}", after.forecast_end, before.forecast_end);
            let mut replanned = events.clone();
            replanned.push(StepEvent::Replanned { step, on: today, working_days: longer, reason: "more work".into() });
            let r = progress(&plan, &replanned, today, &Weekdays).unwrap();
            prop_assert_eq!(&r.baseline, &before.baseline);
        }
        // Statuses agree with the forecast.
        if before.status == Status::Late {
            prop_assert!(before.forecast_end > before.baseline.end);
        }
    }
}

#[test]
fn money_is_exact_and_overruns_are_named() {
    let plan = Plan {
        goal: String::new(),
        owner: None,
        start: day(2025, 9, 1),
        steps: vec![Step {
            budget_fen: 1_000_000,
            ..step("works", 5, &[])
        }],
    };
    let events = vec![
        StepEvent::Started {
            step: "works".into(),
            on: day(2025, 9, 1),
        },
        StepEvent::Committed {
            step: "works".into(),
            on: day(2025, 9, 1),
            fen: 1_050_001,
        },
        StepEvent::Spent {
            step: "works".into(),
            on: day(2025, 9, 2),
            fen: 300_000,
        },
    ];
    let p = progress(&plan, &events, day(2025, 9, 2), &Weekdays).unwrap();
    assert_eq!(p.status, Status::AtRisk);
    assert_eq!(
        p.reason,
        "10500.01 yuan committed and 3000.00 yuan spent of a budget of 10000.00 yuan"
    );
    let overflow = vec![
        StepEvent::Spent {
            step: "works".into(),
            on: day(2025, 9, 2),
            fen: u64::MAX,
        },
        StepEvent::Spent {
            step: "works".into(),
            on: day(2025, 9, 2),
            fen: 1,
        },
    ];
    assert!(matches!(
        progress(&plan, &overflow, day(2025, 9, 2), &Weekdays),
        Err(Error::MoneyOverflow { .. })
    ));
    let unknown = vec![StepEvent::Done {
        step: "wroks".into(),
        on: day(2025, 9, 2),
    }];
    assert_eq!(
        progress(&plan, &unknown, day(2025, 9, 2), &Weekdays)
            .unwrap_err()
            .to_string(),
        "event 0 (done) names step `wroks`, which is not a step of the plan"
    );
}

/// A simulated pilot: `n` households per group, each sorting correctly
/// (100) or not (0) before and after with the given chances in percent.
fn simulated(n: usize, seed: u64, pilot_after: u64, control_after: u64) -> Pilot {
    let mut state = seed;
    let mut next = move |percent: u64| {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Decimal::from(if (z ^ (z >> 31)) % 100 < percent {
            100
        } else {
            0
        })
    };
    let mut units = Vec::new();
    for i in 0..2 * n {
        let pilot = i < n;
        units.push(Unit {
            building: if pilot { "1".into() } else { "5".into() },
            pilot,
            before: next(20),
            after: next(if pilot { pilot_after } else { control_after }),
        });
    }
    Pilot {
        measure: "sorting".into(),
        indicator: "sorting, %".into(),
        threshold: Decimal::from(10),
        confidence_percent: 90,
        units,
    }
}

#[test]
fn the_bootstrap_interval_covers_the_true_effect_at_about_its_rate() {
    // True effect: (60 − 20) − (25 − 20) = 35 points. A 90% interval should
    // cover it in about 90 of 100 simulated pilots.
    let mut covered = 0;
    for seed in 0..100 {
        let pilot = simulated(150, seed, 60, 25);
        let r = evaluate(&pilot, 400, seed).unwrap();
        if r.low <= Decimal::from(35) && Decimal::from(35) <= r.high {
            covered += 1;
        }
    }
    assert!((80..=98).contains(&covered), "covered {covered} of 100");
}

#[test]
fn pilots_are_refused_by_name_and_judged_in_words() {
    let pilot = simulated(20, 1, 60, 25);
    let r = evaluate(&pilot, 500, 3).unwrap();
    assert_eq!(r, evaluate(&pilot, 500, 3).unwrap());
    assert!(
        r.reason.starts_with("sorting, % changed by"),
        "{}",
        r.reason
    );
    let none = Pilot {
        units: pilot.units.iter().filter(|u| u.pilot).cloned().collect(),
        ..pilot.clone()
    };
    assert_eq!(
        evaluate(&none, 500, 3).unwrap_err().to_string(),
        "the pilot cannot be evaluated: 20 pilot and 0 comparison units: each group needs at least 2"
    );
    assert!(evaluate(&pilot, 0, 3).is_err());
    let huge = Pilot {
        units: vec![
            Unit {
                building: "1".into(),
                pilot: true,
                before: Decimal::ZERO,
                after: Decimal::from(10_000_000_000_i64),
            },
            Unit {
                building: "1".into(),
                pilot: true,
                before: Decimal::ZERO,
                after: Decimal::ZERO,
            },
        ],
        ..pilot
    };
    assert!(
        evaluate(&huge, 10, 3)
            .unwrap_err()
            .to_string()
            .contains("within ±1,000,000,000")
    );
}

#[test]
fn days_far_away_and_huge_bootstraps_are_refused_before_the_work() {
    let plan = Plan {
        goal: String::new(),
        owner: None,
        start: day(2025, 9, 1),
        steps: vec![step("a", 3, &[])],
    };
    // Monday to Friday for ever: a report day in 2200 is not walked to.
    let err = progress(&plan, &[], day(2200, 1, 1), &Weekdays).unwrap_err();
    assert_eq!(
        err.to_string(),
        "2200-01-01 is more than 100 years after the plan's start on 2025-09-01: working days are counted within 100 years"
    );
    let pilot = simulated(1_001, 1, 60, 25);
    let err = evaluate(&pilot, 100_000, 1).unwrap_err().to_string();
    assert_eq!(
        err,
        "the pilot cannot be evaluated: 2002 units × 100000 resamples is 200200000 draws; at most 200000000 (about 2 s) are made: fewer resamples will do"
    );
}
