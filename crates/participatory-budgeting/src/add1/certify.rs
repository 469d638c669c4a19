//! Certificates that every per-voter budget between two runs makes the same
//! choices.

#![allow(
    clippy::float_cmp,
    reason = "bounds are exact floats: equal means the same number, e.g. an exact cost"
)]

use super::super::Utility;
use super::bounds::{Bounds, down, up};
use super::run::{Eval, Fast, Round, beats, utilities_are_one};

/// The least a gap can be on a window of `width`, given its values `gx` and `gy`
/// at the ends and bounds on its slope: `max(gx + slope.lo·t, gy − slope.hi·(width
/// − t))` is least where the two lines meet (or at an end).
pub(super) fn least_gap(gx: f64, gy: f64, slope: Bounds, width: f64) -> f64 {
    if slope.lo >= 0.0 {
        return gx;
    }
    if slope.hi <= 0.0 {
        return gy;
    }
    let t = (gy - slope.hi * width - gx) / (slope.lo - slope.hi);
    if t <= 0.0 {
        gy - slope.hi * width
    } else if t >= width {
        gx + slope.lo * width
    } else {
        gx + slope.lo * t
    }
}

/// How a class of supporters pays for a project across a window, from its budgets
/// and the project's prices at the two ends: `(full, limited)`. Full at `x`
/// (`β ≥ ρ·u`) means full for the whole window, since budgets only grow and
/// prices only fall along it; limited at `y` means limited all along. A class
/// that is neither may switch inside the window.
fn payer(bx: Bounds, by: Bounds, rho: (Bounds, Bounds), u: f64) -> (bool, bool) {
    let full = bx.lo >= (rho.0.hi * u).next_up();
    let limited = by.hi < (rho.1.lo * u).next_down();
    (full, limited)
}

/// [`payer`] for the supporters of one project across a window: with every
/// utility 1 (all but points) its two thresholds are the same floats for
/// every supporter, computed once.
#[derive(Debug, Clone, Copy)]
struct Payers {
    rho: (Bounds, Bounds),
    one: bool,
    full_from: f64,
    limited_below: f64,
}

impl Payers {
    fn new(rho: (Bounds, Bounds), utility: Utility) -> Self {
        Payers {
            rho,
            one: utilities_are_one(utility),
            full_from: rho.0.hi.next_up(),
            limited_below: rho.1.lo.next_down(),
        }
    }

    #[inline]
    fn payer(&self, bx: Bounds, by: Bounds, u: f64) -> (bool, bool) {
        if self.one {
            (bx.lo >= self.full_from, by.hi < self.limited_below)
        } else {
            payer(bx, by, self.rho, u)
        }
    }
}

/// Bounds on the slopes of the classes' budgets and on the declines of the
/// chosen prices between two runs (see [`Fast::slopes_to`]), as far as
/// they have been computed.
pub(super) struct Slopes {
    /// Per class of the path (filled for the classes of the rounds computed).
    sigma: Vec<Bounds>,
    /// Per round computed.
    declines: Vec<Bounds>,
    /// How many first rounds the two runs share.
    shared: usize,
    /// A round's decline could not be bounded, or the shared rounds are done.
    stopped: bool,
}

impl Slopes {
    fn new(ends: Ends<'_>) -> Self {
        let (x, y) = (ends.x, ends.y);
        let mut sigma = vec![Bounds::default(); x.budget.len().min(y.budget.len())];
        let started = x.rounds.is_some() && y.rounds.is_some();
        let stopped = if let Some(first) = sigma.first_mut()
            && started
        {
            *first = Bounds { lo: 1.0, hi: 1.0 };
            false
        } else {
            true
        };
        let shared = x
            .chosen
            .iter()
            .zip(&y.chosen)
            .take_while(|(a, b)| a == b)
            .count();
        Slopes {
            sigma,
            declines: Vec::new(),
            shared,
            stopped,
        }
    }
}

/// The two ends of a window whose runs made the same choices.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ends<'e> {
    pub(super) x: &'e Eval,
    pub(super) y: &'e Eval,
}

impl Fast<'_, '_> {
    /// Bounds on `D = −dρ/db`, how fast the price over `hists[h]` falls as the
    /// per-voter budget grows, anywhere between the ends, given bounds `sigma` on
    /// every class's budget slope there. Within the window the limited payers
    /// (`β < ρ·u`) can only become full payers (see [`payer`]), so
    /// `D = Σ_limited n·β′ / Σ_full n·u` is bounded by the sets at the two ends.
    pub(super) fn price_slope(
        &self,
        h: usize,
        ends: Ends<'_>,
        rho: (Bounds, Bounds),
        sigma: &[Bounds],
    ) -> Option<Bounds> {
        // Counted by the caller (a stub would read as no supporters).
        let hist = self.s.hists.get(h).filter(|x| !x.stub)?;
        let (mut num_hi, mut den_lo, mut num_lo, mut den_hi) = (0.0, 0.0, 0.0, 0.0);
        let mut known = true;
        let payers = Payers::new(rho, self.utility);
        self.each_supporter(hist, |class, u, n| {
            let i = class as usize;
            let (Some(bx), Some(by), Some(s)) =
                (ends.x.budget.get(i), ends.y.budget.get(i), sigma.get(i))
            else {
                known = false;
                return;
            };
            let (full_x, limited_y) = payers.payer(*bx, *by, u);
            if full_x {
                den_lo += n * u;
            } else {
                num_hi += n * s.hi;
            }
            if limited_y {
                num_lo += n * s.lo;
            } else {
                den_hi += n * u;
            }
        });
        if !known {
            return None;
        }
        if den_lo <= 0.0 {
            return None;
        }
        let lo = if den_hi > 0.0 {
            down(down(num_lo) / up(den_hi))
        } else {
            0.0
        };
        Some(Bounds {
            lo,
            hi: up(up(num_hi) / down(den_lo)),
        })
    }

    /// [`Fast::slopes_to`] through every round, for the tests.
    #[cfg(test)]
    pub(super) fn class_slopes(&self, ends: Ends<'_>) -> (Vec<Bounds>, Vec<Bounds>) {
        let mut slopes = Slopes::new(ends);
        self.slopes_to(ends, &mut slopes, usize::MAX);
        (slopes.sigma, slopes.declines)
    }

    /// Bounds on the slope of every class's budget in the per-voter budget, and
    /// on how fast each round's chosen price falls (`D`), anywhere between two
    /// runs with the same choices (none otherwise), extended in `slopes`
    /// through round `k`, or as far as they go. The first class (everyone)
    /// has slope exactly 1; a class paying in full for the whole window gains
    /// the payment's decline (`slope + D·u`); one limited for the whole window
    /// has nothing left (0); one that may switch lies between. A class's budget
    /// never changes once it exists (its voters move on to new classes), so one
    /// pass fixes them all.
    ///
    /// The bounds for round `k` hold given that every budget in the window makes
    /// the same choices before round `k`. The declines stop at the first round
    /// whose slope cannot be bounded (no supporter sure to pay in full). The
    /// certificate asks round by round and stops at the first round it cannot
    /// certify, so later rounds are not computed until asked for (a window
    /// that splits needs only its first rounds').
    fn slopes_to(&self, ends: Ends<'_>, slopes: &mut Slopes, k: usize) {
        let (Some(rx), Some(ry)) = (&ends.x.rounds, &ends.y.rounds) else {
            return;
        };
        while !slopes.stopped && slopes.declines.len() <= k.min(slopes.shared) {
            let round = slopes.declines.len();
            let (Some(a), Some(b)) = (rx.get(round), ry.get(round)) else {
                slopes.stopped = true;
                return;
            };
            if round >= slopes.shared {
                slopes.stopped = true;
                return;
            }
            match self.slopes_of_round(ends, round, (a, b), &mut slopes.sigma) {
                Some(dc) => slopes.declines.push(dc),
                None => slopes.stopped = true,
            }
        }
    }

    /// [`Fast::slopes_to`] for one round (as run at `ends.x` and at
    /// `ends.y`): the decline of its price, after setting the slopes of the
    /// classes it creates.
    fn slopes_of_round(
        &self,
        ends: Ends<'_>,
        round: usize,
        (at_x, at_y): (&Round, &Round),
        sigma: &mut [Bounds],
    ) -> Option<Bounds> {
        let (x, y) = (ends.x, ends.y);
        let prefix = *x.path.get(round)?;
        let rho = (at_x.chosen.rho, at_y.chosen.rho);
        let counted = self.known_hist(prefix, at_x.chosen.project)?;
        let dc = self.price_slope(counted, ends, rho, sigma)?;
        let start = self.s.end.get(prefix as usize).copied().unwrap_or(1) as usize;
        // The classes the choice created, one per merged entry.
        let hist = self.s.hists.get(counted)?;
        if hist.entries.is_empty() {
            return None;
        }
        let payers = Payers::new(rho, self.utility);
        for (i, e) in hist.entries.iter().enumerate() {
            let from = e.class as usize;
            let (bx, by, s) = (x.budget.get(from)?, y.budget.get(from)?, *sigma.get(from)?);
            let (full_x, limited_y) = payers.payer(*bx, *by, e.u);
            let child = if full_x {
                Bounds {
                    lo: down(s.lo + dc.lo * e.u),
                    hi: up(s.hi + dc.hi * e.u),
                }
            } else if limited_y {
                Bounds::default()
            } else {
                Bounds {
                    lo: 0.0,
                    hi: up(s.hi + dc.hi * e.u),
                }
            };
            *sigma.get_mut(start + i)? = child;
        }
        Some(dc)
    }

    /// The slope certificate for one round of a window of `width` (scaled),
    /// given that the rounds before it choose the same all along. With the bounds of
    /// [`Fast::slopes_to`], for each rival that the monotone certificate
    /// cannot clear, the gap `g = key(rival) − key(chosen)` is bounded below on
    /// the whole window by lines from both ends with the least and greatest slope
    /// `g` can have. If that stays positive, the round chooses the same: the
    /// first budget where it did not would have `g ≤ 0` there.
    fn slope_round(
        &mut self,
        ends: Ends<'_>,
        round: usize,
        (a, b): (&Round, &Round),
        (dc, sigma): (Bounds, &[Bounds]),
        width: f64,
    ) -> bool {
        let one = Bounds { lo: 1.0, hi: 1.0 };
        let Some(&prefix) = ends.x.path.get(round) else {
            return false;
        };
        let c = &a.chosen;
        if c.key.hi >= b.floor {
            return false;
        }
        let per_c = self.per.get(c.project as usize).copied().unwrap_or(one);
        for r in &b.close {
            if beats(c, r) == Some(true) {
                continue;
            }
            let Some(hr) = self.counted_hist(prefix, r.project) else {
                return false;
            };
            let then = match a.close.iter().find(|near| near.project == r.project) {
                Some(near) => *near,
                None => match self.priced(hr, r.project, Some(&ends.x.budget), None) {
                    Some(priced) if priced.key.lo.is_finite() => priced,
                    _ => return false,
                },
            };
            let Some(dr) = self.price_slope(hr, ends, (then.rho, r.rho), sigma) else {
                return false;
            };
            let per_r = self.per.get(r.project as usize).copied().unwrap_or(one);
            let gx = then.key.lo - c.key.hi;
            let gy = r.key.lo - b.chosen.key.hi;
            if gx <= 0.0 || gy <= 0.0 {
                return false;
            }
            // g′ = D(chosen)/per − D(rival)/per, within these bounds.
            let least = dc.lo / per_c.hi - dr.hi / per_r.lo;
            let most = dc.hi / per_c.lo - dr.lo / per_r.hi;
            if least_gap(
                gx,
                gy,
                Bounds {
                    lo: least,
                    hi: most,
                },
                width,
            ) <= (c.key.hi + r.key.hi) * 1e-12
            {
                return false;
            }
        }
        true
    }

    /// Whether every budget between the runs `ends.x < ends.y` (`width` apart,
    /// scaled) makes the same choices. The ends must have chosen the same; then
    /// round by round, each round is certified by the monotone certificate or
    /// else by the slope certificate (each holds given the rounds before it, so
    /// they may take turns).
    #[cfg(test)]
    pub(super) fn certified(&mut self, ends: Ends<'_>, width: f64) -> bool {
        let (x, y) = (ends.x, ends.y);
        let (Some(rx), Some(ry)) = (&x.rounds, &y.rounds) else {
            return false;
        };
        x.chosen == y.chosen
            && rx.len() == ry.len()
            && self.certified_rounds(ends, width, 0) == rx.len()
    }

    /// How many of the first rounds the two ends share are certified for every
    /// budget between them: each holds given the rounds before it. The rounds
    /// before `known` (see [`Eval::known`]) were certified for a window that
    /// holds this one, and so were the first `given` (the caller knows).
    pub(super) fn certified_rounds(&mut self, ends: Ends<'_>, width: f64, given: usize) -> usize {
        let (x, y) = (ends.x, ends.y);
        let (Some(rx), Some(ry)) = (&x.rounds, &y.rounds) else {
            return 0;
        };
        let known = x.known.max(y.known).max(given);
        let mut slopes: Option<Slopes> = None;
        let rounds = rx.iter().zip(ry).zip(x.chosen.iter().zip(&y.chosen));
        for (k, ((a, b), (cx, cy))) in rounds.enumerate() {
            if cx != cy {
                return k;
            }
            if k < known || monotone(a, b) {
                continue;
            }
            let slopes = slopes.get_or_insert_with(|| Slopes::new(ends));
            self.slopes_to(ends, slopes, k);
            let Some(&dc) = slopes.declines.get(k) else {
                return k;
            };
            if !self.slope_round(ends, k, (a, b), (dc, &slopes.sigma), width) {
                return k;
            }
        }
        rx.len().min(ry.len())
    }
}

fn monotone(a: &Round, b: &Round) -> bool {
    a.chosen.key.hi < b.floor && b.close.iter().all(|r| beats(&a.chosen, r) == Some(true))
}

#[cfg(test)]
mod tests {
    use super::super::bounds::bounds;
    use super::*;
    use crate::{Profile, ProjectTieBreak, Utility, testdata as load};

    /// The certificate never accepts a window whose ends agree but whose inside
    /// does not. Every pair of budgets up to 48 apart over a stretch of real
    /// elections is checked against exact runs at every budget between; the
    /// stretches hold such treacherous windows (the test counts them), and the
    /// certificate accepts many honest ones, some only with the slope bounds.
    #[test]
    fn certificates_never_accept_a_window_that_changes_inside() {
        let (mut treacherous, mut accepted, mut by_slope) = (0, 0, 0);
        for (name, utility, from, len) in [
            (
                "Poland_Wieliczka_2023_Green_Budget.pb",
                Utility::Cost,
                0,
                600,
            ),
            (
                "Poland_Wieliczka_2023_Green_Budget.pb",
                Utility::Approval,
                0,
                600,
            ),
            ("Poland_Swiecie_2023.pb", Utility::Cost, 0, 600),
            ("Switzerland_Zurich_D10.pb", Utility::Points, 0, 600),
            ("Switzerland_Zurich_S5R.pb", Utility::Points, 0, 600),
            ("Netherlands_Assen_2024.pb", Utility::Approval, 0, 600),
            ("Netherlands_Amsterdam_588.pb", Utility::Cost, 0, 600),
        ] {
            let e = load(name);
            let profile = Profile::new(&e, ProjectTieBreak::FileOrder).unwrap();
            let mut fast = Fast::new(&profile, utility).unwrap();
            let base = profile.budget / (u128::from(profile.voters) * profile.scale) + from;
            let scaled = |b: u128| b * profile.scale;
            let exact: Vec<Vec<usize>> = (base..base + len)
                .map(|b| crate::mes::chosen_at(&profile, utility, scaled(b)).unwrap())
                .collect();
            for x in 0..exact.len() {
                let Some(low) = fast.run(bounds(scaled(base + x as u128)), None) else {
                    continue;
                };
                for y in x + 2..exact.len().min(x + 49) {
                    if exact[x] != exact[y] {
                        continue;
                    }
                    let holds = exact[x..y].iter().all(|s| *s == exact[x]);
                    treacherous += usize::from(!holds);
                    // Made against the run at x, as the search does, and alone.
                    for against in [Some(&low), None] {
                        let Some(high) = fast.run(bounds(scaled(base + y as u128)), against) else {
                            continue;
                        };
                        let width = bounds(scaled((y - x) as u128)).lo;
                        let certified = fast.certified(Ends { x: &low, y: &high }, width);
                        assert!(
                            holds || !certified,
                            "{name}: {} .. {} accepted",
                            base + x as u128,
                            base + y as u128
                        );
                        let rounds = (low.rounds.as_ref().unwrap(), high.rounds.as_ref().unwrap());
                        let monotone_alone = rounds.0.len() == rounds.1.len()
                            && rounds.0.iter().zip(rounds.1).all(|(a, b)| monotone(a, b));
                        accepted += usize::from(certified);
                        by_slope += usize::from(certified && !monotone_alone);
                    }
                }
            }
        }
        assert!(treacherous > 1000, "{treacherous}");
        assert!(accepted > 100 && by_slope > 100, "{accepted} {by_slope}");
    }

    /// The slope bounds hold: over every unit step inside a window whose choices
    /// stay the same, each class's budget and each chosen price change at a rate
    /// within the bounds computed for the window (the mean value theorem).
    /// The rounds `certified_rounds` vouches for, between runs that may differ
    /// later, are the exact choices at every budget between them.
    #[test]
    fn certified_rounds_hold_at_every_budget_inside() {
        let (mut partial, mut rounds) = (0, 0);
        for (name, utility) in [
            ("Poland_Wieliczka_2023_Green_Budget.pb", Utility::Cost),
            ("Poland_Swiecie_2023.pb", Utility::Cost),
            ("Switzerland_Zurich_D10.pb", Utility::Points),
            ("Netherlands_Assen_2024.pb", Utility::Approval),
        ] {
            let e = load(name);
            let profile = Profile::new(&e, ProjectTieBreak::FileOrder).unwrap();
            let mut fast = Fast::new(&profile, utility).unwrap();
            let base = profile.budget / (u128::from(profile.voters) * profile.scale);
            let scaled = |b: u128| b * profile.scale;
            let exact: Vec<Vec<usize>> = (base..base + 400)
                .map(|b| crate::mes::chosen_at(&profile, utility, scaled(b)).unwrap())
                .collect();
            for x in (0..exact.len()).step_by(3) {
                let Some(low) = fast.run(bounds(scaled(base + x as u128)), None) else {
                    continue;
                };
                for y in (x + 2..exact.len().min(x + 120)).step_by(7) {
                    let Some(high) = fast.run(bounds(scaled(base + y as u128)), Some(&low)) else {
                        continue;
                    };
                    let width = bounds(scaled((y - x) as u128)).lo;
                    let k = fast.certified_rounds(Ends { x: &low, y: &high }, width, 0);
                    for (b, inside) in exact.iter().enumerate().take(y + 1).skip(x) {
                        assert_eq!(
                            inside.get(..k),
                            exact[x].get(..k),
                            "{name}: {} rounds of {} .. {} at {}",
                            k,
                            base + x as u128,
                            base + y as u128,
                            base + b as u128
                        );
                    }
                    partial += usize::from(k > 0 && exact[x] != exact[y]);
                    rounds += k;
                }
            }
        }
        assert!(partial > 100 && rounds > 10_000, "{partial} {rounds}");
    }

    #[test]
    fn slope_bounds_hold_on_every_step() {
        let mut steps = 0;
        for (name, utility) in [
            ("Poland_Swiecie_2023.pb", Utility::Cost),
            ("Poland_Wieliczka_2023_Green_Budget.pb", Utility::Approval),
            ("Switzerland_Zurich_D10.pb", Utility::Points),
            ("Netherlands_Amsterdam_588.pb", Utility::Cost),
        ] {
            let election = load(name);
            let profile = Profile::new(&election, ProjectTieBreak::FileOrder).unwrap();
            let mut fast = Fast::new(&profile, utility).unwrap();
            let base = profile.budget / (u128::from(profile.voters) * profile.scale);
            let unit = bounds(profile.scale).lo;
            let runs: Vec<Eval> = (base..base + 400)
                .map_while(|b| fast.run(bounds(b * profile.scale), None))
                .collect();
            for width in [3, 11, 40] {
                for x in (0..runs.len().saturating_sub(width)).step_by(5) {
                    let window = &runs[x..=x + width];
                    if window.iter().any(|r| r.chosen != window[0].chosen) {
                        continue;
                    }
                    let ends = Ends {
                        x: &window[0],
                        y: &window[width],
                    };
                    let (sigma, declines) = fast.class_slopes(ends);
                    if declines.len() < window[0].chosen.len() {
                        continue;
                    }
                    for pair in window.windows(2) {
                        let (before, after) = (&pair[0], &pair[1]);
                        for (i, s) in sigma.iter().enumerate() {
                            let (p, q) = (before.budget[i], after.budget[i]);
                            // The change over one step, as bounds, meets the slope bounds.
                            assert!(
                                q.hi - p.lo >= s.lo * unit * (1.0 - 1e-9),
                                "{name} class {i}: {p:?} → {q:?} vs {s:?}"
                            );
                            assert!(
                                q.lo - p.hi <= s.hi * unit * (1.0 + 1e-9) + 1e-9,
                                "{name} class {i}: {p:?} → {q:?} vs {s:?}"
                            );
                        }
                        let rounds = before
                            .rounds
                            .as_ref()
                            .unwrap()
                            .iter()
                            .zip(after.rounds.as_ref().unwrap());
                        for ((ra, rb), d) in rounds.zip(&declines) {
                            let (p, q) = (ra.chosen.rho, rb.chosen.rho);
                            assert!(
                                p.hi - q.lo >= d.lo * unit * (1.0 - 1e-9) - 1e-9,
                                "{name}: {p:?} → {q:?} vs {d:?}"
                            );
                            assert!(
                                p.lo - q.hi <= d.hi * unit * (1.0 + 1e-9) + 1e-9,
                                "{name}: {p:?} → {q:?} vs {d:?}"
                            );
                        }
                        steps += 1;
                    }
                }
            }
        }
        assert!(steps > 1000, "{steps}");
    }
}
