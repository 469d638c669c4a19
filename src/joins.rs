//! The joins: conversions from one domain crate's output (or the quarter's inputs)
//! to another crate's input. Each is public, pure and small; the quarter
//! ([`crate::quarterly_cycle`]) is built from them, and a service that runs only
//! part of the quarter can use them alone.
//!
//! | from | to | join |
//! |---|---|---|
//! | households ([`Household`]) | needs units | [`units_from_households`] |
//! | needs scores | allocation demands | [`demands_from_needs`], [`demands_from_scores`] |
//! | service lines and households | base-pool lines | [`service_lines`] |
//! | a petition record | a triage submission | [`submission_from_petition`] |
//! | petition hot spots | council agenda items | [`agenda_from_hot_spots`] |
//! | an activity | a points `Earn` action | [`earn_from_activity`] |
//! | grants against need | targeting records | [`targeting_from_grants`] |
//! | a council lottery's chances | inequality measures | [`lottery_measures`] |
//! | a triage calendar | a projects working-day calendar | [`working_days`] |
//! | projects' progress | a meeting record's implementation counts | [`implementation_into_record`] |
//! | a completed match | a points-bank `Serve` command | [`serve_from_match`] |

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::inputs::{Activity, Household, LineSpec, PetitionRecord, Serves};
use crate::outcome::Grant;
use crate::policy::Basis;
use allocation_pools::{self as pools, Fen};
use deliberation::Probability;
use governance_metrics as metrics;
use needs_matrix as needs;
use petition_triage as triage;
use points_bank as points;
use serde::{Deserialize, Serialize};

/// Households → needs units: each household's id and its indicator values, in the
/// matrix's indicator order.
///
/// ```
/// use guided_community::{joins, sample};
///
/// let inputs = sample::sunshine(7);
/// let units = joins::units_from_households(&inputs.households);
/// assert_eq!(units.len(), inputs.households.len());
/// assert_eq!(units[0].id.as_str(), inputs.households[0].id);
/// ```
pub fn units_from_households(households: &[Household]) -> Vec<needs::Unit> {
    households
        .iter()
        .map(|h| needs::Unit::new(h.id.as_str(), h.indicators.clone()))
        .collect()
}

/// Needs scores → allocation demands: each household's weight is its need score
/// ([`Basis::Need`]) or 1 ([`Basis::Equal`]) when its score reaches `threshold`,
/// and 0 below it; no household receives more than `cap`.
///
/// ```
/// use guided_community::{joins, needs, Basis};
/// use rust_decimal::Decimal;
///
/// let units = [
///     needs::Unit::new("h1", vec![Some(84.0), Some(1.0), Some(0.0), Some(2.0), Some(0.0), Some(0.9), Some(0.0), Some(3.0), Some(1.0)]),
///     needs::Unit::new("h2", vec![Some(35.0), Some(0.0), Some(0.0), Some(0.0), Some(0.0), Some(3.0), Some(12.0), Some(0.0), Some(0.0)]),
/// ];
/// let scores = needs::score(&needs::Matrix::default(), &units, &needs::ScoreOptions::default())?;
/// let demands = joins::demands_from_needs(&scores, Basis::Need, Decimal::from(40), None);
/// assert_eq!(demands[0].weight, Decimal::from(69)); // h1 scores 69
/// assert!(demands[1].weight.is_zero());              // h2 is below 40
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn demands_from_needs(
    scores: &needs::Scores,
    basis: Basis,
    threshold: Decimal,
    cap: Option<Fen>,
) -> Vec<pools::Demand> {
    demands_from_scores(
        (0..scores.len()).map(|i| scores.score_at(i).unwrap_or_default()),
        basis,
        threshold,
        cap,
    )
}

/// Needs scores (as numbers, in order) → allocation demands: the rule of
/// [`demands_from_needs`] for scores that travelled without their
/// explanations (a column of a table, say).
///
/// ```
/// use guided_community::{joins, Basis};
/// use rust_decimal::Decimal;
///
/// let demands = joins::demands_from_scores([Decimal::from(69), Decimal::from(35)], Basis::Need, Decimal::from(40), None);
/// assert_eq!(demands[0].weight, Decimal::from(69));
/// assert!(demands[1].weight.is_zero()); // below the threshold
/// ```
pub fn demands_from_scores(
    scores: impl IntoIterator<Item = Decimal>,
    basis: Basis,
    threshold: Decimal,
    cap: Option<Fen>,
) -> Vec<pools::Demand> {
    scores
        .into_iter()
        .map(|score| {
            let weight = if score < threshold || score.is_zero() {
                Decimal::ZERO
            } else {
                match basis {
                    Basis::Need => score,
                    Basis::Equal => Decimal::ONE,
                }
            };
            let demand = pools::Demand::new(weight);
            match cap {
                Some(cap) => demand.with_cap(cap.get()),
                None => demand,
            }
        })
        .collect()
}

/// Service lines → the base pool's lines: each line's heads counted from the
/// households it serves (residents, residents aged 60 and over, or households whose
/// indicator `id` reaches a value in `matrix`), with no fixed quota.
///
/// ```
/// use guided_community::{joins, needs, sample};
///
/// let inputs = sample::sunshine(7);
/// let lines = joins::service_lines(&inputs.service_lines, &inputs.households, &needs::Matrix::default());
/// assert_eq!(lines.len(), inputs.service_lines.len());
/// assert!(lines.iter().all(|l| l.quota.is_none()));
/// ```
pub fn service_lines(
    specs: &[LineSpec],
    households: &[Household],
    matrix: &needs::Matrix,
) -> Vec<pools::ServiceLine> {
    specs
        .iter()
        .map(|spec| pools::ServiceLine {
            id: spec.id.clone(),
            heads: heads(&spec.serves, households, matrix),
            quota: None,
        })
        .collect()
}

/// The heads a service line serves, counted from the households.
fn heads(serves: &Serves, households: &[Household], matrix: &needs::Matrix) -> u64 {
    match serves {
        Serves::Residents => households.iter().map(|h| u64::from(h.residents)).sum(),
        Serves::Aged60Plus => households.iter().map(|h| u64::from(h.aged_60_plus)).sum(),
        Serves::Indicator { id, at_least } => {
            let Some(column) = matrix.indicators().position(|i| i.id == *id) else {
                return 0;
            };
            households
                .iter()
                .filter(|h| {
                    h.indicators
                        .get(column)
                        .copied()
                        .flatten()
                        .is_some_and(|v| v >= *at_least)
                })
                .count() as u64
        }
    }
}

/// A petition record → what triage classifies: its category, text and the
/// vulnerabilities recorded with it.
///
/// ```
/// use guided_community::{joins, sample, triage};
///
/// let inputs = sample::sunshine(7);
/// let record = &inputs.petitions[0];
/// let submission = joins::submission_from_petition(record);
/// assert_eq!(submission.category, record.category);
/// let _colour = triage::classify(&submission, &triage::TriageRules::default()).colour;
/// ```
pub fn submission_from_petition(record: &PetitionRecord) -> triage::Submission {
    triage::Submission {
        category: record.category.clone(),
        text: record.text.clone(),
        vulnerabilities: record.vulnerabilities.clone(),
    }
}

/// Petition hot spots → suggested agenda items for the residents' council, each a
/// new item in the propose step (提议) dated `on`; at most `max`.
///
/// ```
/// use guided_community::{joins, triage};
/// use chrono::NaiveDate;
///
/// let spot = triage::HotSpot {
///     category: "elevator".into(),
///     building: "B03".into(),
///     petitions: vec!["p1".into(), "p2".into(), "p3".into()],
///     agenda_item: "3 petitions about elevator in building B03 in the last 30 days: agree a lasting fix".into(),
/// };
/// let day = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
/// let items = joins::agenda_from_hot_spots(&[spot], day, 5);
/// assert_eq!(items[0].id, "hot-spot-elevator-B03");
/// assert_eq!(items[0].step.name(), "propose");
/// ```
pub fn agenda_from_hot_spots(
    spots: &[triage::HotSpot],
    on: NaiveDate,
    max: usize,
) -> Vec<deliberation::Item> {
    spots
        .iter()
        .take(max)
        .map(|spot| {
            deliberation::propose(
                format!("hot-spot-{}-{}", spot.category, spot.building),
                spot.agenda_item.clone(),
                on,
            )
        })
        .collect()
}

/// An activity (a meeting attended, an hour volunteered) → the points bank's
/// `Earn` action for its resident; the bank's earning rules decide the points.
///
/// ```
/// use guided_community::{joins, points, sample};
///
/// let inputs = sample::sunshine(7);
/// let activity = &inputs.activities[0];
/// let points::Action::Earn { account, .. } = joins::earn_from_activity(activity) else {
///     unreachable!()
/// };
/// assert_eq!(account, activity.resident);
/// ```
pub fn earn_from_activity(activity: &Activity) -> points::Action {
    points::Action::Earn {
        account: activity.resident.clone(),
        activity: activity.activity.clone(),
        quantity: activity.quantity,
    }
}

/// Grants against need → targeting records: a household is needy when its score
/// reaches `threshold`, and served when its grant is above zero.
///
/// ```
/// use guided_community::{joins, metrics, quarterly_cycle, sample, Policy};
///
/// let policy = Policy::default();
/// let report = quarterly_cycle(&sample::sunshine(7), &policy)?;
/// let records = joins::targeting_from_grants(&report.grants, policy.need_threshold);
/// let targeting = metrics::targeting(&records);
/// assert_eq!(targeting.exclusion_error, report.publicity.after.fairness.exclusion_error);
/// # Ok::<(), guided_community::Error>(())
/// ```
pub fn targeting_from_grants(
    grants: &[Grant],
    threshold: Decimal,
) -> Vec<metrics::TargetingRecord> {
    grants
        .iter()
        .map(|g| metrics::TargetingRecord {
            needy: g.score >= threshold,
            served: g.amount > Fen::ZERO,
        })
        .collect()
}

/// How evenly a council lottery spreads its chances ([`lottery_measures`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotteryMeasures {
    /// The smallest chance among volunteers who can be selected at all (what
    /// the leximin lottery raises first), exact.
    pub minimum: Probability,
    /// The Gini coefficient of everyone's chances, unselectable volunteers
    /// included, to 12 places: 0 when every volunteer has the same chance.
    pub gini: Decimal,
    /// The geometric mean of everyone's chances (Nash welfare, as Flanigan et
    /// al. report it), to 12 places: 0 when someone cannot be selected.
    pub geometric_mean: Decimal,
}

/// A council lottery's chances → the minimum, Gini and geometric mean of the
/// selection chances (Flanigan et al. 2021 compare lotteries by these). The
/// chances enter the measures to 18 decimal places.
///
/// ```
/// use guided_community::{deliberation, joins};
///
/// // Five of ten volunteers must be young, and only three are: the young are
/// // certain to sit, the others share two seats.
/// let pool: Vec<deliberation::Volunteer> = (0..10)
///     .map(|i| deliberation::Volunteer::new(format!("v{i}")).with("age", if i < 3 { "young" } else { "older" }))
///     .collect();
/// let rules: deliberation::CouncilRules = serde_json::from_str(r#"{"min": {"age=young": 3}}"#)?;
/// let selection = deliberation::select(&pool, 5, &rules, 1)?;
/// let measures = joins::lottery_measures(&selection)?;
/// assert_eq!(measures.minimum.to_string(), "2/7");
/// assert_eq!(measures.gini.round_dp(6).to_string(), "0.300000");
/// // (1³ · (2/7)⁷)^(1/10)
/// assert_eq!(measures.geometric_mean.round_dp(6).to_string(), "0.416057");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`crate::Error::Metrics`] if the measures overflow (they cannot for a
/// selection [`deliberation::select`] returns).
pub fn lottery_measures(selection: &deliberation::Selection) -> crate::Result<LotteryMeasures> {
    let chances: Vec<Decimal> = selection
        .probabilities
        .iter()
        .map(|c| c.probability.to_decimal(18))
        .collect();
    let gini = metrics::gini(&chances)?.round_dp(12);
    let total = chances
        .iter()
        .try_fold(Decimal::ZERO, |sum, c| sum.checked_add(*c));
    let n = Decimal::from(chances.len());
    let atkinson = metrics::atkinson(&chances, Decimal::ONE)?;
    let geometric_mean = total
        .and_then(|t| t.checked_div(n))
        .and_then(|mean| mean.checked_mul(Decimal::ONE - atkinson))
        .map(|g| g.round_dp(12).normalize())
        .unwrap_or_default();
    Ok(LotteryMeasures {
        minimum: selection.minimum,
        gini,
        geometric_mean,
    })
}

/// A triage calendar → the working days a project plan is scheduled on: the
/// mainland China calendar (holidays and make-up working days) for
/// [`projects::schedule`] and [`projects::progress`]; a year the calendar
/// does not cover is unknown, never guessed.
///
/// ```
/// use chrono::NaiveDate;
/// use guided_community::{joins, projects, triage};
///
/// let cn = triage::Calendar::mainland_china();
/// let plan: projects::Plan = serde_json::from_str(r#"{"start": "2025-09-26", "steps": [
///     {"id": "design", "working_days": 3}
/// ]}"#)?;
/// let s = projects::schedule(&plan, &joins::working_days(&cn))?;
/// // Friday 26, the make-up Sunday 28 (调休), Monday 29.
/// assert_eq!(s.end, NaiveDate::from_ymd_opt(2025, 9, 29));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn working_days(calendar: &triage::Calendar) -> impl Fn(NaiveDate) -> Option<bool> + '_ {
    |date| calendar.is_working_day(date).ok()
}

/// Projects' progress → the implementation counts of a council's meeting
/// record (decisions due, of which implemented on time), so the guidance
/// capacity score counts what was done instead of a number typed in.
///
/// ```
/// use chrono::NaiveDate;
/// use guided_community::{deliberation, joins, projects};
///
/// let plan: projects::Plan = serde_json::from_str(r#"{"start": "2025-09-01", "steps": [
///     {"id": "install", "working_days": 2}
/// ]}"#)?;
/// let day = |d| NaiveDate::from_ymd_opt(2025, 9, d).ok_or("date");
/// let done = vec![projects::StepEvent::Done { step: "install".into(), on: day(2)? }];
/// let on_time = projects::progress(&plan, &done, day(30)?, &projects::Weekdays)?;
/// let never = projects::progress(&plan, &[], day(30)?, &projects::Weekdays)?;
/// let record = joins::implementation_into_record(deliberation::MeetingRecord::default(), &[on_time, never], day(30)?);
/// assert_eq!((record.due, record.implemented), (2, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn implementation_into_record(
    record: deliberation::MeetingRecord,
    progress: &[projects::Progress],
    today: NaiveDate,
) -> deliberation::MeetingRecord {
    let rate = projects::implementation_rate(progress, today);
    deliberation::MeetingRecord {
        due: rate.due,
        implemented: rate.on_time,
        ..record
    }
}

/// A completed match → the points-bank command that banks its hours (时间银行):
/// `Serve` crediting the volunteer's hours account (named by their id) for the
/// service's time and debiting `payer` (the resident's hours account or a
/// fund).
///
/// The command's id is `match/<request id>`, so a completed match is banked
/// once however often it is recorded (the bank answers a repeat with the first
/// receipt), and the same request cannot be credited to a second volunteer
/// (the bank refuses the reused id). The bank counts the hours as the match
/// does — hundredths rounded down — so banked hours and matches agree. Times
/// are the wall clock of the request's `from` offset, which the ledger's
/// times are.
///
/// ```
/// use guided_community::{joins, matching};
///
/// let instance: matching::Instance = serde_json::from_str(r#"{
///   "requests": [{"id": "r1", "skill": "escort", "building": "B1",
///     "from": "2025-10-13T09:00:00+08:00", "to": "2025-10-13T10:30:00+08:00"}],
///   "volunteers": [{"id": "wang", "skills": ["escort"], "building": "B1", "max_hours": 4,
///     "available": [["2025-10-13T08:00:00+08:00", "2025-10-13T12:00:00+08:00"]]}]
/// }"#)?;
/// let m = matching::match_requests(&instance, matching::MatchOptions::default())?;
/// let command = joins::serve_from_match(&m.matches[0], "care-fund");
/// assert_eq!(command.id, "match/r1");
/// assert_eq!(m.matches[0].hours.to_string(), "1.50");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn serve_from_match(m: &matching::Match, payer: &str) -> points::Command {
    let offset = *m.from.offset();
    points::Command::new(
        format!("match/{}", m.request),
        points::Action::Serve {
            server: m.volunteer.clone(),
            payer: payer.to_owned(),
            start: m.from.naive_local(),
            end: m.to.with_timezone(&offset).naive_local(),
        },
    )
}
