#![doc = include_str!("../README.md")]

mod capture;
mod detmath;
mod error;
mod exact;
mod indicators;
mod inequality;
mod participation;
mod warnings;

#[cfg(any(test, feature = "proptest"))]
pub mod strategy;

pub use capture::{
    CaptureBounds, CaptureFlag, GroupCapture, GroupRecord, Targeting, TargetingRecord,
    elite_capture, mismatch_rate, targeting,
};
pub use error::{Error, Result};
pub use indicators::{
    Comparison, Indicator, Target, Verdict, complaint_rate, cost_benefit, leader_growth, mismatch,
    participation_rate, proposals_per_100_households, resolution_cycle, satisfaction_difference,
    utilisation,
};
pub use inequality::{Inequality, atkinson, gini, inequality, lorenz_curve, theil};
pub use participation::{
    Attendance, BuildingTenants, ChannelEffect, ChannelLine, CompositionLine, Depth, GroupFalling,
    GroupLine, MAX_PEOPLE, MAX_RECORDS, Participation, ParticipationOptions, Person, PipelineStep,
    RepresentationFlag, Roster, UNSTATED, UnknownResident, channel_effect, composition,
    falling_groups, participation, pipeline, tenant_representatives,
};
pub use warnings::{EarlyWarning, PeriodRecord, WarningRules, early_warnings};
