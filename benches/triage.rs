//! Petition triage benchmarks: working-day arithmetic on the mainland China calendar.

use std::hint::black_box;
use std::num::NonZeroU32;

use chrono::{Days, NaiveDate};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use guided_community::triage::Calendar;

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

criterion_group!(benches, working_days);
criterion_main!(benches);
