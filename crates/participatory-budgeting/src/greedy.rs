//! Greedy by votes (or points): the most supported project first, while the
//! budget lasts.

use super::{Outcome, Profile, Why};
use crate::Result;

/// What to do with a project that does not fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Variant {
    /// Skip it and try the next.
    Skip,
    /// Stop there.
    NoSkip,
}

/// Greedy by score (ties by the tie-break), skipping or stopping, counting only
/// projects that reach `threshold` (a Pabulib `min_project_score_threshold`
/// applies to every greedy variant).
pub(super) fn run(
    profile: &Profile<'_>,
    variant: Variant,
    threshold: Option<u64>,
) -> Result<Outcome> {
    let m = profile.costs.len();
    let score = |p: usize| profile.scores.get(p).copied().unwrap_or(0);
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| {
        score(b)
            .cmp(&score(a))
            .then(profile.rank(a).cmp(&profile.rank(b)))
    });
    let mut projects = profile.reports(&Why::Stopped);
    let mut chosen = Vec::new();
    let mut left = profile.budget;
    let mut stopped = false;
    let below = |p: usize| threshold.is_some_and(|t| score(p) < u128::from(t));
    for &p in &order {
        let why = if below(p) {
            Why::BelowThreshold {
                threshold: threshold.unwrap_or(0),
            }
        } else if stopped {
            Why::Stopped
        } else if profile.cost(p) <= left {
            let why = Why::Chosen {
                budget_left: profile.money(left),
            };
            left -= profile.cost(p);
            chosen.push(p);
            why
        } else {
            stopped = variant == Variant::NoSkip;
            Why::DidNotFit {
                budget_left: profile.money(left),
            }
        };
        if let Some(report) = projects.get_mut(p) {
            report.selected = matches!(why, Why::Chosen { .. });
            report.why = why;
        }
    }
    if profile.refuse_ties {
        // A tie decides the outcome only if tied projects ended differently.
        for run in order.chunk_by(|&a, &b| score(a) == score(b)) {
            let counted: Vec<usize> = run.iter().copied().filter(|&p| !below(p)).collect();
            let picked = |p: &usize| chosen.contains(p);
            if counted.iter().any(picked) && !counted.iter().all(picked) {
                profile.check_tie(&counted)?;
            }
        }
    }
    let name = match (variant, threshold) {
        (Variant::NoSkip, _) => "greedy-no-skip",
        (Variant::Skip, Some(_)) => "greedy-threshold",
        (Variant::Skip, None) => "greedy",
    };
    Ok(profile.outcome(name, &chosen, projects))
}
