//! Working-day calendars: Monday to Friday, minus public holidays, plus make-up
//! working days (调休).

use std::collections::BTreeMap;
use std::num::NonZeroU32;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The earliest year a calendar may cover.
pub const MIN_YEAR: i32 = 1900;
/// The latest year a calendar may cover.
pub const MAX_YEAR: i32 = 2199;

/// The name of a holiday or of the holiday a make-up working day belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DayName {
    /// English name, e.g. `Spring Festival`.
    pub en: String,
    /// Chinese name, e.g. `春节`, when known.
    pub zh: Option<String>,
}

/// One year of a working-day calendar: its public holidays and its make-up working
/// days (weekend days that are worked to bridge a holiday).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CalendarYear {
    /// Public holidays (no work, even on a weekday).
    pub holidays: BTreeMap<NaiveDate, DayName>,
    /// Make-up working days (work, even on a weekend).
    pub workdays: BTreeMap<NaiveDate, DayName>,
}

/// A working-day calendar over a set of covered years.
///
/// A day is a working day when it is Monday to Friday and not a public holiday, or
/// when it is a make-up working day. Questions about a year the calendar does not
/// cover are answered with [`Error::YearNotCovered`], never a guess: the holidays of
/// next year are only known once they are announced.
///
/// The JSON form is the one of `data/cn-calendar.json`: an object from year to
/// `{"holidays": {date: name}, "workdays": {date: name}}` with optional
/// `holidays_zh` / `workdays_zh` maps of Chinese names (and chinesecalendar's
/// `in_lieu_days`, accepted and ignored). `holidays` is required — a year without
/// public holidays says `"holidays": {}` — and any other key is an error naming it:
/// a misspelt `"holiday"` must not read as a year without holidays.
///
/// ```
/// use chrono::NaiveDate;
/// use guided_community_triage::Calendar;
///
/// let cn = Calendar::mainland_china();
/// let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("bad date");
/// assert!(!cn.is_working_day(date(2025, 10, 1)?)?); // National Day
/// assert!(cn.is_working_day(date(2025, 9, 28)?)?); // a Sunday worked (调休)
/// assert!(cn.is_working_day(date(2031, 1, 2)?).is_err()); // not announced yet
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "wire::Calendar", into = "wire::Calendar")]
pub struct Calendar {
    years: BTreeMap<i32, CalendarYear>,
    index: Index,
}

/// A dense index over the span of covered years, for O(1) queries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Index {
    /// `num_days_from_ce` of 1 January of the first covered year.
    first_day: i32,
    /// The first covered year.
    first_year: i32,
    /// Per year of the span: its first day's offset and whether it is covered.
    years: Vec<(u32, bool)>,
    /// Per day of the span: how many working days lie on or before it.
    rank: Vec<u32>,
    /// The offsets of the working days of the span, in order.
    working: Vec<u32>,
}

impl Calendar {
    /// A calendar covering `years`.
    ///
    /// # Errors
    ///
    /// [`Error::YearOutOfRange`] for a year outside [`MIN_YEAR`]..=[`MAX_YEAR`],
    /// [`Error::DateOutsideYear`] for a date filed under another year, and
    /// [`Error::ConflictingDay`] for a date that is both a holiday and a working day.
    pub fn try_new(years: BTreeMap<i32, CalendarYear>) -> Result<Self> {
        for (&year, data) in &years {
            if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
                return Err(Error::YearOutOfRange { year });
            }
            for &date in data.holidays.keys().chain(data.workdays.keys()) {
                if date.year() != year {
                    return Err(Error::DateOutsideYear { year, date });
                }
            }
            if let Some(&date) = data.holidays.keys().find(|d| data.workdays.contains_key(d)) {
                return Err(Error::ConflictingDay { date });
            }
        }
        let index = Index::build(&years);
        Ok(Self { years, index })
    }

    /// The mainland China calendar for 2024–2026 as published by the State Council,
    /// with holiday names in English and Chinese.
    pub fn mainland_china() -> Self {
        let mut years = BTreeMap::new();
        for &(year, holidays, workdays) in crate::cn_calendar::MAINLAND_CHINA {
            let days = |list: &[crate::cn_calendar::Day]| {
                list.iter()
                    .filter_map(|&(month, day, en, zh)| {
                        let date = NaiveDate::from_ymd_opt(year, month, day)?;
                        let name = DayName {
                            en: en.to_owned(),
                            zh: Some(zh.to_owned()),
                        };
                        Some((date, name))
                    })
                    .collect()
            };
            years.insert(
                year,
                CalendarYear {
                    holidays: days(holidays),
                    workdays: days(workdays),
                },
            );
        }
        let index = Index::build(&years);
        Self { years, index }
    }

    /// The covered years and their data.
    pub fn years(&self) -> &BTreeMap<i32, CalendarYear> {
        &self.years
    }

    /// Adds or replaces whole years, and adds single holidays or make-up working
    /// days to years already covered (a regional holiday, say): the days of `other`
    /// win over this calendar's days on the same date.
    ///
    /// ```
    /// use guided_community_triage::Calendar;
    ///
    /// let regional: Calendar = serde_json::from_str(
    ///     r#"{"2025": {"holidays": {"2025-03-03": "Regional Day"}, "workdays": {}}}"#,
    /// )?;
    /// let merged = Calendar::mainland_china().merge(&regional)?;
    /// let date = chrono::NaiveDate::from_ymd_opt(2025, 3, 3).ok_or("bad date")?;
    /// assert!(!merged.is_working_day(date)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Calendar::try_new`], for the merged years.
    pub fn merge(&self, other: &Self) -> Result<Self> {
        let mut years = self.years.clone();
        for (&year, data) in &other.years {
            let entry = years.entry(year).or_default();
            for (date, name) in &data.holidays {
                entry.workdays.remove(date);
                entry.holidays.insert(*date, name.clone());
            }
            for (date, name) in &data.workdays {
                entry.holidays.remove(date);
                entry.workdays.insert(*date, name.clone());
            }
        }
        Self::try_new(years)
    }

    /// Whether `date` is a working day.
    ///
    /// # Errors
    ///
    /// [`Error::YearNotCovered`] if the calendar does not cover `date`'s year.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool> {
        let offset = self.index.offset(date)?;
        let rank = |i: usize| self.index.rank.get(i).copied().unwrap_or(0);
        let before = if offset == 0 { 0 } else { rank(offset - 1) };
        Ok(rank(offset) > before)
    }

    /// The `n`-th working day strictly after `date`.
    ///
    /// ```
    /// use std::num::NonZeroU32;
    /// use chrono::NaiveDate;
    /// use guided_community_triage::Calendar;
    ///
    /// let cn = Calendar::mainland_china();
    /// let friday = NaiveDate::from_ymd_opt(2025, 9, 26).ok_or("bad date")?;
    /// let three = NonZeroU32::new(3).ok_or("zero")?;
    /// // Sunday 28 September 2025 is worked to bridge the National Day holiday.
    /// assert_eq!(cn.nth_working_day_after(friday, three)?.to_string(), "2025-09-30");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::YearNotCovered`] naming the first year the answer depends on that the
    /// calendar does not cover.
    pub fn nth_working_day_after(&self, date: NaiveDate, n: NonZeroU32) -> Result<NaiveDate> {
        let index = &self.index;
        let offset = index.offset(date)?;
        let done_before = index.rank.get(offset).copied().unwrap_or(0);
        let target =
            usize::try_from(u64::from(done_before) + u64::from(n.get()) - 1).unwrap_or(usize::MAX);
        let Some(&found) = index.working.get(target) else {
            return Err(Error::YearNotCovered {
                year: index.first_uncovered_year_from(date.year()),
            });
        };
        let found = index.date(found);
        if let Some(year) = index.uncovered_between(date.year(), found.year()) {
            return Err(Error::YearNotCovered { year });
        }
        Ok(found)
    }
}

/// Seconds in a day.
const DAY: i64 = 86_400;

impl Calendar {
    /// Working time elapsed from the start of the covered span to `at` (a local
    /// date and time), in seconds: every working day counts all its 86 400 seconds,
    /// other days none. A monotone clock that stops outside working days — what
    /// "the paused working time is added back" measures.
    ///
    /// # Errors
    ///
    /// [`Error::YearNotCovered`] if `at`'s year is not covered.
    pub fn working_seconds(&self, at: NaiveDateTime) -> Result<i64> {
        let date = at.date();
        let offset = self.index.offset(date)?;
        let rank = |i: usize| self.index.rank.get(i).copied().unwrap_or(0);
        let before = if offset == 0 { 0 } else { rank(offset - 1) };
        let working = rank(offset) > before;
        let into_day = if working {
            i64::from(at.time().num_seconds_from_midnight())
        } else {
            0
        };
        Ok(i64::from(before) * DAY + into_day)
    }

    /// The earliest local date and time at which [`Calendar::working_seconds`]
    /// reaches `seconds`: a whole number of working days lands on the end (the
    /// exclusive midnight) of the last of them.
    ///
    /// # Errors
    ///
    /// [`Error::YearNotCovered`] when that moment lies beyond the covered span.
    pub fn at_working_seconds(&self, seconds: i64) -> Result<NaiveDateTime> {
        let beyond = || Error::YearNotCovered {
            year: self.index.first_uncovered_year_from(self.index.first_year),
        };
        let (days, rest) = (seconds.div_euclid(DAY), seconds.rem_euclid(DAY));
        let days = usize::try_from(days).map_err(|_| beyond())?;
        let (day, rest) = if rest == 0 && days > 0 {
            // The end of the previous working day.
            let &last = self.index.working.get(days - 1).ok_or_else(beyond)?;
            (self.index.date(last).succ_opt().ok_or_else(beyond)?, 0)
        } else {
            (
                self.index
                    .date(*self.index.working.get(days).ok_or_else(beyond)?),
                rest,
            )
        };
        let time = NaiveTime::from_num_seconds_from_midnight_opt(
            u32::try_from(rest).map_err(|_| beyond())?,
            0,
        )
        .ok_or_else(beyond)?;
        Ok(day.and_time(time))
    }
}

impl Index {
    fn build(years: &BTreeMap<i32, CalendarYear>) -> Self {
        let (Some(&first_year), Some(&last_year)) = (years.keys().next(), years.keys().next_back())
        else {
            return Self::default();
        };
        let jan1 = |year: i32| NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
        let first_day = jan1(first_year).num_days_from_ce();
        let mut index = Self {
            first_day,
            first_year,
            ..Self::default()
        };
        let mut count = 0u32;
        for year in first_year..=last_year {
            let data = years.get(&year);
            let start = u32::try_from(jan1(year).num_days_from_ce() - first_day).unwrap_or(0);
            index.years.push((start, data.is_some()));
            let mut day = jan1(year);
            while day.year() == year {
                let working = data.is_some_and(|data| {
                    if data.holidays.contains_key(&day) {
                        false
                    } else if data.workdays.contains_key(&day) {
                        true
                    } else {
                        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
                    }
                });
                let offset = u32::try_from(day.num_days_from_ce() - first_day).unwrap_or(0);
                if working {
                    count += 1;
                    index.working.push(offset);
                }
                index.rank.push(count);
                match day.succ_opt() {
                    Some(next) => day = next,
                    None => break,
                }
            }
        }
        index
    }

    /// The offset of `date` in the span, if its year is covered.
    fn offset(&self, date: NaiveDate) -> Result<usize> {
        let not_covered = Error::YearNotCovered { year: date.year() };
        let year_slot =
            usize::try_from(date.year() - self.first_year).map_err(|_| not_covered.clone())?;
        match self.years.get(year_slot) {
            Some(&(_, true)) => {
                usize::try_from(date.num_days_from_ce() - self.first_day).map_err(|_| not_covered)
            }
            _ => Err(not_covered),
        }
    }

    fn date(&self, offset: u32) -> NaiveDate {
        let days = self.first_day.saturating_add_unsigned(offset);
        NaiveDate::from_num_days_from_ce_opt(days).unwrap_or_default()
    }

    fn is_covered(&self, year: i32) -> bool {
        usize::try_from(year - self.first_year)
            .ok()
            .and_then(|slot| self.years.get(slot))
            .is_some_and(|&(_, covered)| covered)
    }

    fn uncovered_between(&self, from: i32, to: i32) -> Option<i32> {
        (from..=to).find(|&year| !self.is_covered(year))
    }

    fn first_uncovered_year_from(&self, from: i32) -> i32 {
        (from..=MAX_YEAR + 1)
            .find(|&year| !self.is_covered(year))
            .unwrap_or(MAX_YEAR + 1)
    }
}

/// The JSON shape of a calendar, shared with `data/cn-calendar.json`.
mod wire {
    use std::collections::BTreeMap;

    use chrono::NaiveDate;
    use serde::{Deserialize, Serialize};

    use super::{CalendarYear, DayName};

    #[derive(Serialize, Deserialize)]
    #[serde(transparent)]
    pub(super) struct Calendar(BTreeMap<i32, Year>);

    /// One year. `holidays` is required, so a year without public holidays says so
    /// (`"holidays": {}`) and a misspelt key is an error naming it, never a year
    /// read as having no holidays.
    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Year {
        holidays: BTreeMap<NaiveDate, String>,
        #[serde(default)]
        workdays: BTreeMap<NaiveDate, String>,
        /// chinesecalendar's days off in lieu of a worked weekend: they are also
        /// in `holidays`, so they are accepted and not kept.
        #[serde(default, skip_serializing)]
        #[allow(dead_code, reason = "accepted from chinesecalendar's files, not used")]
        in_lieu_days: Vec<NaiveDate>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        holidays_zh: BTreeMap<NaiveDate, String>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        workdays_zh: BTreeMap<NaiveDate, String>,
    }

    fn named(
        en: BTreeMap<NaiveDate, String>,
        zh: &BTreeMap<NaiveDate, String>,
    ) -> BTreeMap<NaiveDate, DayName> {
        en.into_iter()
            .map(|(date, en)| {
                let zh = zh.get(&date).cloned();
                (date, DayName { en, zh })
            })
            .collect()
    }

    fn split(
        days: &BTreeMap<NaiveDate, DayName>,
    ) -> (BTreeMap<NaiveDate, String>, BTreeMap<NaiveDate, String>) {
        let en = days.iter().map(|(d, n)| (*d, n.en.clone())).collect();
        let zh = days
            .iter()
            .filter_map(|(d, n)| Some((*d, n.zh.clone()?)))
            .collect();
        (en, zh)
    }

    impl TryFrom<Calendar> for super::Calendar {
        type Error = crate::Error;

        fn try_from(wire: Calendar) -> crate::Result<Self> {
            let years = wire
                .0
                .into_iter()
                .map(|(year, y)| {
                    let data = CalendarYear {
                        holidays: named(y.holidays, &y.holidays_zh),
                        workdays: named(y.workdays, &y.workdays_zh),
                    };
                    (year, data)
                })
                .collect();
            Self::try_new(years)
        }
    }

    impl From<super::Calendar> for Calendar {
        fn from(calendar: super::Calendar) -> Self {
            Self(
                calendar
                    .years
                    .iter()
                    .map(|(&year, data)| {
                        let (holidays, holidays_zh) = split(&data.holidays);
                        let (workdays, workdays_zh) = split(&data.workdays);
                        let y = Year {
                            holidays,
                            workdays,
                            in_lieu_days: Vec::new(),
                            holidays_zh,
                            workdays_zh,
                        };
                        (year, y)
                    })
                    .collect(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn nth(cal: &Calendar, from: &str, n: u32) -> Result<NaiveDate> {
        cal.nth_working_day_after(date(from), NonZeroU32::new(n).unwrap())
    }

    #[test]
    fn embedded_calendar_matches_the_json() {
        let json = include_str!("../data/cn-calendar.json");
        let parsed: Calendar = serde_json::from_str(json).unwrap();
        assert_eq!(parsed, Calendar::mainland_china());
        assert_eq!(
            parsed.years().keys().copied().collect::<Vec<_>>(),
            [2024, 2025, 2026]
        );
    }

    #[test]
    fn weekends_holidays_and_make_up_days() {
        let cn = Calendar::mainland_china();
        for (day, working) in [
            ("2025-09-26", true),  // Friday
            ("2025-09-27", false), // Saturday
            ("2025-09-28", true),  // Sunday, make-up working day
            ("2025-10-01", false), // National Day
            ("2025-10-11", true),  // Saturday, make-up working day
            ("2026-02-16", false), // Spring Festival, a Monday
        ] {
            assert_eq!(cn.is_working_day(date(day)), Ok(working), "{day}");
        }
    }

    #[test]
    fn nth_working_day_after_follows_the_worked_table() {
        let cn = Calendar::mainland_china();
        // ../shared/testdata/README.md: yellow = 3rd, blue = 7th working day after.
        for (received, yellow, blue) in [
            ("2025-09-26", "2025-09-30", "2025-10-13"),
            ("2025-10-03", "2025-10-11", "2025-10-16"),
            ("2026-02-13", "2026-02-25", "2026-03-02"),
            ("2025-11-17", "2025-11-20", "2025-11-26"),
            ("2025-04-26", "2025-04-29", "2025-05-08"),
        ] {
            assert_eq!(nth(&cn, received, 3), Ok(date(yellow)), "{received}");
            assert_eq!(nth(&cn, received, 7), Ok(date(blue)), "{received}");
        }
    }

    #[test]
    fn answers_outside_the_covered_years_are_errors() {
        let cn = Calendar::mainland_china();
        assert_eq!(
            cn.is_working_day(date("2023-12-31")),
            Err(Error::YearNotCovered { year: 2023 })
        );
        assert_eq!(
            nth(&cn, "2027-01-04", 1),
            Err(Error::YearNotCovered { year: 2027 })
        );
        // The answer would fall in 2027, which is not announced yet.
        assert_eq!(
            nth(&cn, "2026-12-30", 3),
            Err(Error::YearNotCovered { year: 2027 })
        );
        assert_eq!(nth(&cn, "2026-12-30", 1), Ok(date("2026-12-31")));
    }

    #[test]
    fn a_gap_between_covered_years_is_not_skipped() {
        let cn = Calendar::mainland_china();
        let mut years = cn.years().clone();
        years.remove(&2025);
        let gappy = Calendar::try_new(years).unwrap();
        assert_eq!(
            nth(&gappy, "2024-12-30", 5),
            Err(Error::YearNotCovered { year: 2025 })
        );
        assert_eq!(nth(&gappy, "2024-12-27", 1), Ok(date("2024-12-30")));
    }

    #[test]
    fn invalid_calendars_are_rejected() {
        let bad = |json: &str| {
            serde_json::from_str::<Calendar>(json)
                .unwrap_err()
                .to_string()
        };
        assert!(
            bad(r#"{"2025": {"holidays": {"2024-01-01": "x"}}}"#)
                .contains("date `2024-01-01` is filed under year 2025")
        );
        assert!(
            bad(r#"{"2025": {"holidays": {"2025-01-01": "x"}, "workdays": {"2025-01-01": "y"}}}"#)
                .contains("`2025-01-01` is both a holiday and a working day")
        );
        assert!(bad(r#"{"1800": {"holidays": {}}}"#).contains("year 1800 is outside"));
    }

    #[test]
    fn a_misspelt_key_is_an_error_not_a_year_without_holidays() {
        let read = |json: &str| serde_json::from_str::<Calendar>(json).map_err(|e| e.to_string());
        let typo = read(r#"{"2025": {"holiday": {"2025-10-01": "National Day"}}}"#).unwrap_err();
        assert!(typo.contains("unknown field `holiday`"), "{typo}");
        assert!(typo.contains("expected one of `holidays`"), "{typo}");
        assert!(typo.contains("line 1 column 19"), "{typo}");
        let silent = read(r#"{"2025": {}}"#).unwrap_err();
        assert!(silent.contains("missing field `holidays`"), "{silent}");
        // Saying so explicitly is fine; chinesecalendar's in-lieu days are accepted.
        let none = read(r#"{"2025": {"holidays": {}, "in_lieu_days": ["2025-02-03"]}}"#).unwrap();
        assert!(none.years().get(&2025).unwrap().holidays.is_empty());
    }

    #[test]
    fn working_seconds_skip_weekends_and_holidays() {
        let cn = Calendar::mainland_china();
        let at = |s: &str| s.parse::<NaiveDateTime>().unwrap();
        // Friday 26 Sep 2025 12:00 to Monday 29 Sep 12:00: Saturday is not worked,
        // Sunday 28 is a make-up working day, so two working days pass.
        let friday = cn.working_seconds(at("2025-09-26T12:00:00")).unwrap();
        let monday = cn.working_seconds(at("2025-09-29T12:00:00")).unwrap();
        assert_eq!(monday - friday, 2 * DAY);
        // Holidays stop the clock: 1–8 October 2025.
        let before = cn.working_seconds(at("2025-09-30T18:00:00")).unwrap();
        let after = cn.working_seconds(at("2025-10-08T23:00:00")).unwrap();
        assert_eq!(after - before, 6 * 3600);
        // The inverse lands on the exclusive end of a working day.
        let end_of_tuesday = cn.working_seconds(at("2025-10-01T00:00:00")).unwrap();
        assert_eq!(
            cn.at_working_seconds(end_of_tuesday).unwrap(),
            at("2025-10-01T00:00:00")
        );
        let noon = cn.working_seconds(at("2025-10-09T12:00:00")).unwrap();
        assert_eq!(
            cn.at_working_seconds(noon).unwrap(),
            at("2025-10-09T12:00:00")
        );
        assert!(cn.at_working_seconds(i64::MAX).is_err());
        assert!(cn.working_seconds(at("2027-01-04T09:00:00")).is_err());
    }

    #[test]
    fn an_empty_calendar_covers_nothing() {
        let empty = Calendar::try_new(BTreeMap::new()).unwrap();
        assert_eq!(
            empty.is_working_day(date("2025-01-02")),
            Err(Error::YearNotCovered { year: 2025 })
        );
        assert_eq!(
            nth(&empty, "2025-01-02", 1),
            Err(Error::YearNotCovered { year: 2025 })
        );
    }
}
