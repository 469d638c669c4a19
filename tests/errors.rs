//! Every crate's `Error` is a well-behaved error type, and its messages are API:
//! they are pinned here, in one snapshot.

use std::fmt::Write as _;

use guided_community::{
    Error, deliberation, matching, metrics, needs, pb, points, pools, projects, triage,
};
use rust_decimal::dec;

use crate::snapshot::assert_snapshot;

fn assert_error<E: std::error::Error + Send + Sync + 'static>() {}

#[test]
fn every_error_is_send_sync_and_static() {
    assert_error::<Error>();
    assert_error::<needs::Error>();
    assert_error::<pools::Error>();
    assert_error::<pb::Error>();
    assert_error::<points::Error>();
    assert_error::<triage::Error>();
    assert_error::<deliberation::Error>();
    assert_error::<metrics::Error>();
    assert_error::<projects::Error>();
    assert_error::<matching::Error>();
}

fn matching_errors() -> Vec<matching::Error> {
    use matching::Error::*;
    let s = |text: &str| text.to_owned();
    vec![
        Duplicate {
            what: "volunteers",
            id: s("wang"),
        },
        EmptyId { what: "request" },
        InvalidWindow {
            volunteer: s("wang"),
            from: s("2025-10-13T18:00:00+08:00"),
            to: s("2025-10-13T08:00:00+08:00"),
        },
        InvalidLimit {
            volunteer: s("wang"),
            max_hours: s("-2"),
        },
        MissingDistance {
            from: s("B1"),
            to: s("B7"),
        },
        AsymmetricDistance {
            from: s("B1"),
            to: s("B2"),
            there: 120,
            back: 90,
        },
        SelfDistance {
            place: s("B1"),
            distance: 5,
        },
        NoGuides,
        TooLarge {
            what: s("300,000 requests"),
            max: 200_000,
        },
    ]
}

fn projects_errors() -> Vec<projects::Error> {
    use projects::Error::*;
    let s = |text: &str| text.to_owned();
    vec![
        DuplicateStep { id: s("design") },
        UnknownStep {
            step: s("works"),
            after: s("desing"),
        },
        Cycle {
            steps: vec![s("a"), s("b")],
        },
        InvalidDuration {
            step: s("works"),
            working_days: 0,
            max: 10_000,
        },
        TooLarge {
            what: s("steps of 40,000 working days in all"),
            max: 36_500,
        },
        NotCovered {
            date: chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
        },
        EventForUnknownStep {
            index: 3,
            event: "done",
            step: s("wroks"),
        },
        MoneyOverflow { step: s("works") },
        TooFar {
            start: chrono::NaiveDate::from_ymd_opt(2025, 9, 1).unwrap(),
            date: chrono::NaiveDate::from_ymd_opt(2200, 1, 1).unwrap(),
        },
        Pilot {
            reason: s("2 pilot and 0 comparison units: each group needs at least 2"),
        },
    ]
}

fn needs_errors() -> Vec<needs::Error> {
    use needs::Error::*;
    let s = |text: &str| text.to_owned();
    vec![
        NoWeights,
        NegativeWeight {
            index: 1,
            weight: dec!(-10),
        },
        WeightsDoNotSum { sum: dec!(105) },
        WeightTooPrecise {
            dimension: s("health"),
            weight: dec!(20.0000000000001),
        },
        NoIndicators {
            dimension: s("health"),
        },
        DuplicateId {
            id: s("oldest_age"),
        },
        InvalidIndicatorWeight {
            indicator: s("oldest_age"),
            weight: dec!(0),
        },
        InvalidRubric {
            indicator: s("oldest_age"),
            reason: s("its bands are not in strictly increasing order"),
        },
        InvalidOption {
            reason: s("threshold tiers must be in decreasing order"),
        },
        DuplicateUnit { unit: s("h-17") },
        WrongValueCount {
            unit: s("h-17"),
            expected: 9,
            got: 8,
        },
        NonFiniteValue {
            unit: s("h-17"),
            indicator: s("oldest_age"),
        },
        MissingValue {
            unit: s("h-17"),
            indicator: s("income_to_local_minimum"),
        },
        NoValues { unit: s("h-17") },
        NoCutoff {
            indicator: s("oldest_age"),
        },
        Overflow {
            context: s("summing the weights"),
        },
    ]
}

fn pools_errors() -> Vec<pools::Error> {
    use pools::Error::*;
    let fen = pools::Fen::new;
    vec![
        InvalidAmount {
            input: "12,5".into(),
        },
        SubFenAmount {
            input: "0.125".into(),
        },
        NegativeAmount { input: "-3".into() },
        UnknownMethod {
            name: "jefferson".into(),
        },
        NoDemands,
        NegativeWeight {
            index: 1,
            weight: dec!(-2),
        },
        WeightTooLarge {
            index: 0,
            weight: dec!(0.0000000001),
        },
        AllZeroWeights,
        FloorAboveCap {
            index: 0,
            floor: 5,
            cap: 3,
        },
        FloorsExceedTotal {
            floors: 110,
            total: 100,
            shortfall: 10,
        },
        NegativeShare {
            pool: pools::Pool::Dynamic,
            share: dec!(-10),
        },
        SharesDoNotSum { sum: dec!(105) },
        MissingQuota {
            line: "childcare".into(),
        },
        QuotasExceedPool {
            quotas: fen(60_000),
            pool: fen(50_000),
        },
        MissingReason,
        DrawExceedsReserve {
            requested: fen(400_000),
            available: fen(380_000),
        },
        InvalidPolicy {
            reason: "max_change and min_share must not be negative",
        },
        MinimumSharesExceedTotal { sum: dec!(120) },
        NoFundingRule {
            class: pools::NeedClass::Improvement,
        },
        ScoreOutOfRange { score: dec!(101) },
        Overflow {
            context: "adding amounts",
        },
    ]
}

fn pb_errors() -> Vec<pb::Error> {
    use pb::Error::*;
    vec![
        Overflow {
            context: "pricing a project",
        },
        Syntax {
            line: 10,
            expected: "a project id in the vote, found `p2`".into(),
        },
        Meta {
            key: "budget",
            problem: "missing",
        },
        UnknownRule {
            rule: "unknown".into(),
        },
        Tie {
            projects: vec!["p2".into(), "p3".into()],
        },
        InvalidSpec {
            field: "projects",
            value: 0,
            accepted: "1 to 100,000".into(),
        },
    ]
}

fn points_errors() -> Vec<points::Error> {
    use points::Error::*;
    let one_and_a_half = points::Amount::from_hundredths(150);
    vec![
        DecisionRequired,
        RefundTooLarge {
            expense: "e2".into(),
            left: points::Amount::from_hundredths(10_000),
            amount: points::Amount::from_hundredths(10_001),
        },
        UnknownExpense {
            expense: "e9".into(),
        },
        PartsDoNotAddUp {
            parts: points::Amount::from_hundredths(9_999),
            amount: points::Amount::from_hundredths(10_000),
        },
        EmptyField { what: "payee" },
        InvalidAmount { input: "x".into() },
        TooPrecise {
            input: "0.125".into(),
        },
        UnknownActivity {
            activity: "dancing".into(),
        },
        NonPositiveQuantity {
            activity: "volunteering".into(),
            quantity: points::Amount::ZERO,
        },
        FractionalOccasions {
            activity: "deliberation".into(),
            quantity: one_and_a_half,
        },
        Overflow {
            context: "adding amounts",
        },
    ]
}

/// The ledger's errors.
fn ledger_errors() -> Vec<points::Error> {
    use points::Error::*;
    let n = points::Amount::from_whole;
    let t = |s: &str| s.parse::<chrono::NaiveDateTime>().unwrap();
    vec![
        EmptyId,
        IdReused {
            id: "pay-1".into(),
            field: "amount".into(),
        },
        TimeBeforeLast {
            at: t("2025-09-01T08:00:00"),
            last: t("2025-09-01T09:00:00"),
        },
        UnknownSequence { seq: 12 },
        ReplayDiverged {
            seq: 20,
            reason: "its id repeats an earlier command".into(),
        },
        EmptyName { what: "account" },
        DuplicateAccount {
            account: "wang".into(),
        },
        UnknownAccount {
            account: "nobody".into(),
        },
        InvalidLimit {
            account: "wang".into(),
            what: "cap",
            value: n(-1),
        },
        CreditLineNotAllowed {
            account: "wang".into(),
        },
        WrongAccount {
            account: "sink".into(),
            expected: "a resident's points account",
        },
        NoAccountOfKind {
            kind: "breakage",
            unit: "points",
        },
        UnitMismatch {
            from: "wang".into(),
            to: "zhang".into(),
        },
        SameAccount {
            account: "wang".into(),
        },
        NonPositiveAmount { amount: n(0) },
        InsufficientFunds {
            account: "grandma-liu".into(),
            available: n(-3),
            amount: n(8),
            limit: n(10),
        },
        AboveCap {
            account: "zhang".into(),
            balance: n(749),
            amount: n(2),
            cap: n(750),
        },
        CapReached {
            account: "wang".into(),
            activity: "volunteering".into(),
            period: points::CapPeriod::Day,
            cap: n(40),
        },
        InvalidRule {
            activity: "cleanup".into(),
            reason: "points must be positive",
        },
    ]
}

/// Claims, the catalog and the log.
fn settlement_errors() -> Vec<points::Error> {
    use points::Error::*;
    let t = |s: &str| s.parse::<chrono::NaiveDateTime>().unwrap();
    vec![
        NotHourly {
            activity: "deliberation".into(),
        },
        InvalidInterval {
            start: t("2025-09-01T09:00:00"),
            end: t("2025-09-01T08:00:00"),
        },
        Overlap {
            account: "wang".into(),
            start: t("2025-09-01T06:00:00"),
            end: t("2025-09-01T08:30:00"),
        },
        UnknownClaim { claim: "c9".into() },
        UnknownReservation {
            reservation: "c9".into(),
        },
        NotPending {
            command: "c9".into(),
            status: "posted",
        },
        Lapsed {
            command: "c9".into(),
            at: t("2025-09-04T09:00:00"),
        },
        NotRefundable {
            reservation: "c9".into(),
            status: "voided",
        },
        DuplicateItem {
            item: "canteen-voucher".into(),
        },
        UnknownItem {
            item: "spa-day".into(),
        },
        OutOfStock {
            item: "summer-childcare".into(),
            requested: 1,
            available: 0,
        },
        InvalidHash {
            text: "AB12".into(),
        },
        BadEntry {
            line: 120,
            reason: "the hash does not match the entry".into(),
        },
    ]
}

fn triage_errors() -> Vec<triage::Error> {
    use triage::Error::*;
    let date = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let instant = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    vec![
        YearNotCovered { year: 2027 },
        YearOutOfRange { year: 1800 },
        DateOutsideYear {
            year: 2025,
            date: date("2024-01-01"),
        },
        UnknownColour {
            name: "amber".into(),
        },
        CodeSymbol {
            code: "ABCD-EFGH-JKU".into(),
            symbol: 'U',
            position: 11,
        },
        CodeLength {
            code: "ABCD-EFGH".into(),
            symbols: 8,
        },
        CodeCheck {
            code: "QE34-KCHW-1ZX".into(),
        },
        TooManyCodes {
            count: 18_446_744_073_709_551_615,
            max: 1_000_000,
        },
        InvalidTransition {
            state: "submitted".into(),
            command: "close".into(),
        },
        TimeGoesBackwards {
            at: instant("2025-11-17T05:00:00Z"),
            last: instant("2025-11-17T06:00:00Z"),
        },
        InvalidSatisfaction { value: 6 },
        ReopenLimit { max: 2 },
        MissingReason,
        OutOfRange,
        ConflictingDay {
            date: date("2025-01-01"),
        },
    ]
}

fn deliberation_errors() -> Vec<deliberation::Error> {
    use deliberation::Error::*;
    let date = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    vec![
        NoMembers,
        PresentExceedsMembers {
            present: 12,
            members: 11,
        },
        VotesExceedPresent {
            votes: 18,
            present: 12,
        },
        InvalidStep {
            step: "review".into(),
            action: "publish".into(),
        },
        NoticeTooShort {
            meeting: date("2025-09-10"),
            latest: date("2025-09-03"),
            announced: date("2025-09-05"),
        },
        NoAgenda,
        NotOnMeetingDay {
            meeting: date("2025-09-10"),
            on: date("2025-09-11"),
        },
        PublicationNotOver {
            until: date("2025-09-18"),
        },
        PublicationOver {
            ended: date("2025-09-18"),
        },
        NoObjection,
        MissingText,
        DateBeforeLast {
            on: date("2025-09-09"),
            last: date("2025-09-11"),
        },
        Adjourned,
        NotPresent {
            member: "m9".into(),
        },
        OutOfOrder {
            motion: "main motion",
            reason: "another motion is pending",
        },
        NoPendingMotion,
        NeedsSecond {
            motion: "main motion",
        },
        SecondNotNeeded {
            motion: "main motion",
        },
        SecondByMover {
            member: "m1".into(),
        },
        NoQuorum {
            present: 7,
            quorum: 8,
        },
        MinutesTampered { seq: 3 },
        ScoreOutOfRange { score: dec!(11) },
        InconsistentCounts { what: "quorum" },
        InvalidQuorum {
            quorum: 0,
            members: 11,
        },
    ]
}

/// Tallies and councils.
fn choice_errors() -> Vec<deliberation::Error> {
    use deliberation::Error::*;
    vec![
        UnknownMethod {
            method: "condorcet".into(),
        },
        NoCandidates,
        DuplicateCandidate {
            candidate: "A".into(),
        },
        UnknownCandidate {
            ballot: 4,
            candidate: "Z".into(),
        },
        RepeatedInBallot {
            ballot: 2,
            candidate: "B".into(),
        },
        WrongBallotKind {
            ballot: 0,
            method: "borda",
        },
        TooManyBallots,
        InvalidTieBreak {
            candidate: "C".into(),
            problem: "is missing from the order",
        },
        TieBreakRequired,
        TooManyRunoffTies {
            limit: deliberation::MAX_RUNOFF_UNIVERSES,
        },
        InvalidCategory {
            text: "young".into(),
        },
        InvalidShare {
            category: "tenure=tenant".into(),
            share: dec!(1.2),
        },
        DuplicateVolunteer { id: "v7".into() },
        NoSeats,
        PoolTooSmall {
            volunteers: 9,
            seats: 15,
        },
        Infeasible {
            rules: vec![
                deliberation::CompositionRule::Min {
                    category: deliberation::Category::new("age", "young"),
                    count: 2,
                },
                deliberation::CompositionRule::MaxPer {
                    key: "building".into(),
                    count: 1,
                },
            ],
        },
        Solver {
            detail: "a linear program was interrupted".into(),
        },
    ]
}

fn metrics_errors() -> Vec<metrics::Error> {
    use metrics::Error::*;
    vec![
        NoValues,
        NegativeValue {
            index: 2,
            value: dec!(-1.5),
        },
        ZeroTotal,
        GroupCount {
            values: 5,
            groups: 4,
        },
        InvalidParameter {
            name: "epsilon",
            value: dec!(-1),
        },
        Overflow {
            context: "summing for the Gini coefficient",
        },
    ]
}

fn lines<E: Into<Error>>(text: &mut String, krate: &str, errors: Vec<E>) {
    for error in errors {
        let message = error.into().to_string();
        // The house style: lowercase, no trailing period.
        assert!(!message.ends_with('.'), "{message}");
        assert!(!message.starts_with(char::is_uppercase), "{message}");
        writeln!(text, "{krate}: {message}").unwrap();
    }
}

#[test]
fn error_messages() {
    let mut text = String::new();
    lines(&mut text, "needs", needs_errors());
    lines(&mut text, "pools", pools_errors());
    lines(&mut text, "pb", pb_errors());
    lines(&mut text, "points", points_errors());
    lines(&mut text, "points", ledger_errors());
    lines(&mut text, "points", settlement_errors());
    lines(&mut text, "triage", triage_errors());
    lines(&mut text, "deliberation", deliberation_errors());
    lines(&mut text, "deliberation", choice_errors());
    lines(&mut text, "metrics", metrics_errors());
    lines(&mut text, "projects", projects_errors());
    lines(&mut text, "matching", matching_errors());
    lines(
        &mut text,
        "facade",
        vec![
            Error::InvalidQuarter {
                quarter: "2026Q5".into(),
            },
            Error::DuplicateHousehold { id: "H0001".into() },
            Error::TooManyRecipients {
                count: 100_001,
                max: 100_000,
            },
            Error::InvalidDistribution {
                reason: "gives `a` a weight of -1: weights are zero or more".into(),
            },
            Error::SampleOutOfRange {
                what: "1 to 10000000 households".into(),
                given: 0,
            },
        ],
    );
    assert_snapshot("error-messages.txt", &text);
}
