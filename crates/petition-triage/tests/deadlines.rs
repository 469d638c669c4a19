//! `testdata/deadlines-2025.json`: every day of 2025 → the yellow (3rd) and blue
//! (7th) working day after, computed with chinesecalendar 1.11.0.

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use chrono::{NaiveDate, NaiveTime};
use guided_community_triage::{Calendar, Colour, SlaPolicy, deadline};
use serde::Deserialize;

#[derive(Deserialize)]
struct Vectors {
    source: String,
    rows: Vec<Row>,
}

#[derive(Deserialize)]
struct Row {
    received_date: NaiveDate,
    working_day: bool,
    yellow_due_date: NaiveDate,
    blue_due_date: NaiveDate,
}

#[test]
fn every_day_of_2025() {
    let vectors: Vectors =
        serde_json::from_str(include_str!("../../../testdata/deadlines-2025.json")).unwrap();
    assert!(vectors.source.contains("chinesecalendar"));
    assert_eq!(vectors.rows.len(), 365);
    let cn = Calendar::mainland_china();
    let policy = SlaPolicy::default();
    for row in &vectors.rows {
        assert_eq!(
            cn.is_working_day(row.received_date),
            Ok(row.working_day),
            "{}",
            row.received_date
        );
        // Received at the first and the last minute of the local day.
        for time in [NaiveTime::MIN, NaiveTime::from_hms_opt(23, 59, 0).unwrap()] {
            let received = row
                .received_date
                .and_time(time)
                .and_local_timezone(policy.zone)
                .unwrap()
                .to_utc();
            let due = |colour| {
                deadline(policy.response.of(colour), received, &cn, &policy)
                    .unwrap()
                    .due_date
            };
            assert_eq!(
                due(Colour::Yellow),
                row.yellow_due_date,
                "yellow, received {received}"
            );
            assert_eq!(
                due(Colour::Blue),
                row.blue_due_date,
                "blue, received {received}"
            );
        }
    }
}
