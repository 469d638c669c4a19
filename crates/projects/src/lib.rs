#![doc = include_str!("../README.md")]

mod days;
mod error;
mod lenient;
mod pilot;
mod plan;
mod progress;
mod rng;
mod supervision;

pub use days::{Weekdays, WorkingDays};
pub use error::{Error, Result};
pub use pilot::{MAX_DRAWS, MAX_RESAMPLES, MAX_UNITS, Pilot, PilotResult, Unit, evaluate};
pub use plan::{
    MAX_PLAN_DAYS, MAX_STEP_DAYS, MAX_STEPS, Plan, Schedule, Scheduled, Step, schedule,
};
pub use progress::{Money, Next, Progress, Status, StepEvent, StepProgress, StepState, progress};
pub use supervision::{
    Action, ActionWarning, ImplementationRate, Review, implementation_rate, open_actions,
};
