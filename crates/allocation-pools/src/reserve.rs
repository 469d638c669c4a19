//! The emergency reserve (应急池): drawn for emergencies, every draw recorded, with
//! an explicit rule for what happens to the rest at quarter end.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Error, Fen, Result};

/// One draw on the reserve.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Draw {
    /// Why the reserve was drawn (a flood, a heatwave, a fire).
    pub reason: String,
    /// How much was drawn.
    pub amount: Fen,
    /// When.
    pub date: NaiveDate,
}

/// What happens to the reserve's balance at quarter end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuarterEnd {
    /// The balance stays in the reserve for the next quarter (the default).
    #[default]
    CarryOver,
    /// The balance is released into the next quarter's pools.
    Release,
}

/// An emergency reserve: its opening balance and the draws on it. The record is
/// append-only: a draw is never edited or removed.
///
/// ```
/// use guided_community_pools::{Draw, Reserve, QuarterEnd};
/// use chrono::NaiveDate;
///
/// let reserve = Reserve::new("5000".parse()?);
/// let date = NaiveDate::from_ymd_opt(2025, 7, 14).ok_or("bad date")?;
/// let reserve = reserve.draw(Draw { reason: "basement flooding".into(), amount: "1200".parse()?, date })?;
/// assert_eq!(reserve.balance().to_string(), "3800.00");
///
/// // A draw larger than the balance is refused.
/// let err = reserve.draw(Draw { reason: "roof".into(), amount: "4000".parse()?, date }).unwrap_err();
/// assert_eq!(err.to_string(), "a draw of 4000.00 exceeds the reserve's balance of 3800.00");
///
/// let close = reserve.close_quarter(QuarterEnd::Release);
/// assert_eq!((close.released.to_string(), close.carried_over.to_string()), ("3800.00".into(), "0.00".into()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reserve {
    opening: Fen,
    balance: Fen,
    draws: Vec<Draw>,
}

impl Reserve {
    /// A reserve opened with `opening`, not yet drawn.
    pub fn new(opening: Fen) -> Self {
        Self {
            opening,
            balance: opening,
            draws: Vec::new(),
        }
    }

    /// The balance at opening.
    pub fn opening(&self) -> Fen {
        self.opening
    }

    /// What is left.
    pub fn balance(&self) -> Fen {
        self.balance
    }

    /// The draws, in the order they were made.
    pub fn draws(&self) -> &[Draw] {
        &self.draws
    }

    /// The reserve after one more draw.
    ///
    /// # Errors
    ///
    /// [`Error::MissingReason`] for a draw without a reason, and
    /// [`Error::DrawExceedsReserve`] for one larger than the balance.
    pub fn draw(&self, draw: Draw) -> Result<Self> {
        if draw.reason.trim().is_empty() {
            return Err(Error::MissingReason);
        }
        let balance = self
            .balance
            .checked_sub(draw.amount)
            .ok_or(Error::DrawExceedsReserve {
                requested: draw.amount,
                available: self.balance,
            })?;
        let mut draws = self.draws.clone();
        draws.push(draw);
        Ok(Self {
            opening: self.opening,
            balance,
            draws,
        })
    }

    /// Closes the quarter under `rule`.
    pub fn close_quarter(&self, rule: QuarterEnd) -> QuarterClose {
        let drawn = self.opening.checked_sub(self.balance).unwrap_or(Fen::ZERO);
        let (carried_over, released) = match rule {
            QuarterEnd::CarryOver => (self.balance, Fen::ZERO),
            QuarterEnd::Release => (Fen::ZERO, self.balance),
        };
        QuarterClose {
            rule,
            drawn,
            carried_over,
            released,
        }
    }
}

/// The reserve at quarter end: `drawn + carried_over + released` is the opening
/// balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct QuarterClose {
    /// The rule applied.
    pub rule: QuarterEnd,
    /// What the quarter's draws took.
    pub drawn: Fen,
    /// What stays in the reserve for the next quarter.
    pub carried_over: Fen,
    /// What goes into the next quarter's pools.
    pub released: Fen,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw(amount: u64) -> Draw {
        Draw {
            reason: "storm".into(),
            amount: Fen::new(amount),
            date: NaiveDate::from_ymd_opt(2025, 8, 1).unwrap(),
        }
    }

    #[test]
    fn draws_are_recorded_and_bounded() {
        let reserve = Reserve::new(Fen::new(1000))
            .draw(draw(400))
            .unwrap()
            .draw(draw(600))
            .unwrap();
        assert_eq!(reserve.balance(), Fen::ZERO);
        assert_eq!(reserve.draws().len(), 2);
        assert_eq!(
            reserve.draw(draw(1)),
            Err(Error::DrawExceedsReserve {
                requested: Fen::new(1),
                available: Fen::ZERO
            })
        );
        let mut no_reason = draw(1);
        no_reason.reason = "  ".into();
        assert_eq!(
            Reserve::new(Fen::new(5)).draw(no_reason),
            Err(Error::MissingReason)
        );
    }

    #[test]
    fn quarter_end_accounts_for_everything() {
        let reserve = Reserve::new(Fen::new(1000)).draw(draw(250)).unwrap();
        for rule in [QuarterEnd::CarryOver, QuarterEnd::Release] {
            let close = reserve.close_quarter(rule);
            assert_eq!(
                close.drawn.get() + close.carried_over.get() + close.released.get(),
                1000
            );
        }
        assert_eq!(
            reserve.close_quarter(QuarterEnd::CarryOver).carried_over,
            Fen::new(750)
        );
    }
}
