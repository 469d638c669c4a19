//! Which days are worked: the caller says, so the crate depends on no
//! calendar.

use chrono::{Datelike, NaiveDate, Weekday};

/// Which days are working days. `None` for a day the calendar does not cover
/// (next year's holidays are not announced yet): scheduling then stops with
/// [`Error::NotCovered`](crate::Error::NotCovered), never guesses.
///
/// Any `Fn(NaiveDate) -> Option<bool>` is one; the `guided-community` facade
/// passes the mainland China calendar (holidays and make-up working days).
pub trait WorkingDays {
    /// Whether `date` is worked, or `None` if not known.
    fn is_working_day(&self, date: NaiveDate) -> Option<bool>;
}

impl<F: Fn(NaiveDate) -> Option<bool>> WorkingDays for F {
    fn is_working_day(&self, date: NaiveDate) -> Option<bool> {
        self(date)
    }
}

/// Monday to Friday, every year: for examples and tests, and where no
/// holiday calendar applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Weekdays;

impl WorkingDays for Weekdays {
    fn is_working_day(&self, date: NaiveDate) -> Option<bool> {
        Some(!matches!(date.weekday(), Weekday::Sat | Weekday::Sun))
    }
}

/// Calendar days from the start the count looks at, at most (100 years).
const HORIZON_DAYS: u64 = 36_525;

/// The working days from a start, numbered 0, 1, 2, …, found as needed.
pub(crate) struct Days<'a> {
    calendar: &'a dyn WorkingDays,
    start: NaiveDate,
    /// The first day past the horizon.
    horizon: NaiveDate,
    /// The working days found so far, in order.
    dates: Vec<NaiveDate>,
    /// The next day to look at.
    next: Option<NaiveDate>,
}

impl<'a> Days<'a> {
    pub(crate) fn new(calendar: &'a dyn WorkingDays, start: NaiveDate) -> Self {
        Self {
            calendar,
            start,
            horizon: start
                .checked_add_days(chrono::Days::new(HORIZON_DAYS))
                .unwrap_or(NaiveDate::MAX),
            dates: Vec::new(),
            next: Some(start),
        }
    }

    /// The `index`-th working day on or after the start.
    pub(crate) fn date(&mut self, index: u32) -> crate::Result<NaiveDate> {
        let index = index as usize;
        while self.dates.len() <= index {
            let Some(day) = self.next else {
                return Err(crate::Error::NotCovered {
                    date: NaiveDate::MAX,
                });
            };
            if day >= self.horizon {
                return Err(crate::Error::TooFar {
                    start: self.start,
                    date: day,
                });
            }
            match self.calendar.is_working_day(day) {
                Some(true) => self.dates.push(day),
                Some(false) => {}
                None => return Err(crate::Error::NotCovered { date: day }),
            }
            self.next = day.succ_opt();
        }
        self.dates
            .get(index)
            .copied()
            .ok_or(crate::Error::NotCovered {
                date: NaiveDate::MAX,
            })
    }

    /// The number of the first working day on or after `date` (0 for a date
    /// before the start).
    pub(crate) fn index_on_or_after(&mut self, date: NaiveDate) -> crate::Result<u32> {
        if date >= self.horizon {
            return Err(crate::Error::TooFar {
                start: self.start,
                date,
            });
        }
        let mut i = 0u32;
        loop {
            if self.date(i)? >= date {
                return Ok(i);
            }
            // Jump ahead through what is known, then step.
            let known = self.dates.partition_point(|&d| d < date);
            i = u32::try_from(known).unwrap_or(u32::MAX).max(i + 1);
        }
    }
}
