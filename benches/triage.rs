//! Petition triage benchmarks: working-day arithmetic and deadlines on the
//! mainland China calendar.

use std::hint::black_box;
use std::num::NonZeroU32;

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use guided_community::triage::{Calendar, SlaPolicy, Target, deadline};

fn working_days(c: &mut Criterion) {
    let cn = Calendar::mainland_china();
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
    // Every day of 2025, so holidays and make-up working days are all visited.
    let days: Vec<NaiveDate> = (0..365)
        .filter_map(|d| start.checked_add_days(Days::new(d)))
        .collect();
    let three = NonZeroU32::MIN.saturating_add(2);
    let mut group = c.benchmark_group("triage");
    group.throughput(Throughput::Elements(days.len() as u64));
    group.bench_function("nth-working-day/3", |b| {
        b.iter(|| {
            for &day in &days {
                let _ = black_box(cn.nth_working_day_after(black_box(day), three));
            }
        });
    });
    group.finish();
}

fn deadlines(c: &mut Criterion) {
    let cn = Calendar::mainland_china();
    let policy = SlaPolicy::default();
    let yellow = policy.response.yellow;
    // A petition every 17 minutes through 2025: every weekday, weekend, holiday
    // and make-up working day, at every time of day.
    let start = NaiveDate::from_ymd_opt(2025, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or(DateTime::<Utc>::MIN_UTC, |t| t.and_utc());
    let received: Vec<DateTime<Utc>> = (0..30_000)
        .map(|i| start + TimeDelta::minutes(17 * i))
        .collect();
    let mut group = c.benchmark_group("triage");
    group.throughput(Throughput::Elements(received.len() as u64));
    group.bench_function("deadline/yellow", |b| {
        b.iter(|| {
            for &at in &received {
                let _ = black_box(deadline(black_box(yellow), at, &cn, &policy));
            }
        });
    });
    group.bench_function("deadline/red", |b| {
        b.iter(|| {
            for &at in &received {
                let _ = black_box(deadline(black_box(Target::Hours(24)), at, &cn, &policy));
            }
        });
    });
    group.finish();
}

criterion_group!(benches, working_days, deadlines);
criterion_main!(benches);
