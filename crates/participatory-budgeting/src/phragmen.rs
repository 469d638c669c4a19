//! Sequential Phragmén: voters earn money continuously; a project is bought as soon
//! as its supporters together can pay for it, and they spend everything they have.
//! As in pabutools, the rule stops at the first project it would buy that no longer
//! fits the budget.

use super::num::{Q, int};
use super::{Outcome, Profile, Why};
use crate::Result;

/// Sequential Phragmén over the supporters of each project (any approval, or any
/// positive points).
pub(super) fn run(profile: &Profile<'_>) -> Result<Outcome> {
    let m = profile.costs.len();
    // Loads per group, and per project the sum of its supporters' loads.
    let mut load: Vec<Q> = vec![int(0); profile.groups.len()];
    let mut carried: Vec<Q> = vec![int(0); m];
    let voters = |p: usize| u128::from(profile.supporters.get(p).copied().unwrap_or(0));
    let mut open: Vec<bool> = (0..m).map(|p| voters(p) > 0).collect();
    let mut projects = profile.reports(&Why::Stopped);
    let mut chosen = Vec::new();
    let mut left = profile.budget;
    loop {
        // The time at which each open project's supporters could pay for it.
        let time = |p: usize| -> Q {
            (int(profile.cost(p)) + carried.get(p).cloned().unwrap_or_else(|| int(0)))
                / int(voters(p))
        };
        let times: Vec<(Q, usize)> = (0..m)
            .filter(|&p| open.get(p).copied().unwrap_or(false))
            .map(|p| (time(p), p))
            .collect();
        let Some(t) = times.iter().map(|(t, _)| t).min().cloned() else {
            break;
        };
        let tied: Vec<usize> = times
            .iter()
            .filter(|(time, _)| *time == t)
            .map(|&(_, p)| p)
            .collect();
        profile.check_tie(&tied)?;
        let Some(p) = tied.iter().copied().min_by_key(|&p| profile.rank(p)) else {
            break;
        };
        if profile.cost(p) > left {
            if let Some(report) = projects.get_mut(p) {
                report.why = Why::DidNotFit {
                    budget_left: profile.money(left),
                };
            }
            break;
        }
        left -= profile.cost(p);
        chosen.push(p);
        if let Some(o) = open.get_mut(p) {
            *o = false;
        }
        for &(g, _) in profile.support.get(p).into_iter().flatten() {
            let Some(group) = profile.groups.get(g as usize) else {
                continue;
            };
            let old = load.get(g as usize).cloned().unwrap_or_else(|| int(0));
            let raise = (&t - &old) * int(u128::from(group.count));
            for &(d, _) in &group.items {
                if let Some(c) = carried.get_mut(d as usize) {
                    *c += &raise;
                }
            }
            if let Some(l) = load.get_mut(g as usize) {
                *l = t.clone();
            }
        }
        if let Some(report) = projects.get_mut(p) {
            report.selected = true;
            report.why = Why::Loaded {
                load: t.to_string(),
            };
        }
    }
    for (p, report) in projects.iter_mut().enumerate() {
        if voters(p) == 0 {
            report.why = Why::NoSupport;
        }
    }
    Ok(profile.outcome("phragmen", &chosen, projects))
}
