//! [`proptest`](mod@proptest) strategies for triage (with the `proptest`
//! feature): residents' submissions — listed and unlisted categories, plain
//! and urgent words in Chinese and English, vulnerabilities — and receipt
//! times across the built-in calendar's years. They shrink towards plain
//! submissions and the first day covered.
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

use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;

use crate::{Submission, Vulnerability};

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
