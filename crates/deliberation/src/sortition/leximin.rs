//! The leximin lottery by column generation: the dual master program, pricing
//! by the model, the primal weights, and their exact form (`rational.rs`).

use std::collections::HashMap;
use std::collections::HashSet;
use std::collections::hash_map::Entry;

use super::model::Model;
use super::model::guarded;
use super::model::solver_error;
use crate::Error;
use crate::Result;
use microlp::ComparisonOp;
use microlp::LinearExpr;
use microlp::OptimizationDirection;
use microlp::Problem;
use microlp::Variable;

/// The fallback lottery's resolution: council weights are integers out of this
/// when no exact weights are found.
const UNITS: u64 = 1_000_000;

/// How close to an equal lottery Hedge's first councils must come (the least
/// share of the equal chance a type gets) for the game to be played on.
const NEARLY_EQUAL: f64 = 0.95;

/// Hedge stops early after this many rounds in a row without a new council, or
/// after twice the rounds it takes to seat every type once, if more: where many
/// types are alike, Hedge's councils repeat in cycles about that long before
/// the weights move it on.
const STALE_ROUNDS: usize = 10;

/// Column-generation rounds per leximin stage.
const MAX_ROUNDS: usize = 2_000;

/// The weight of the stability centre in smoothed pricing.
const SMOOTHING: f64 = 0.7;

/// `Σ_t n_{P,t}·y_t`: what council `P` is worth at prices `y`.
fn worth_of(panel: &[u32], prices: &[f64]) -> f64 {
    panel
        .iter()
        .zip(prices)
        .map(|(&n, &y)| f64::from(n) * y)
        .sum()
}

/// The leximin lottery: council shapes and their integer weights out of [`UNITS`].
/// The leximin lottery: councils and their weights, as numerators over one
/// denominator.
pub(super) struct Lottery {
    pub(super) panels: Vec<Vec<u32>>,
    pub(super) weights: Vec<u64>,
    pub(super) denominator: u64,
}

pub(super) fn leximin(model: &Model) -> Result<Lottery> {
    let types = model.caps.len();
    let (mut panels, selectable) = starting_councils(model)?;
    let equal = equal_prices(model, &selectable, &vec![None; types])?;
    let (weights, _) = equal_lottery(model, &panels, &selectable, equal.as_ref())?;
    if let Some(weights) = weights {
        return Ok(lottery(model, panels, &weights));
    }
    // Councils that seat everyone about equally often, made directly.
    if let Some(found) = by_passes(model, equal.as_ref()) {
        return Ok(found);
    }
    let starting = panels.len();
    let mut known: HashSet<Vec<u32>> = panels.iter().cloned().collect();
    let mut hedge = Hedge::new(model, &selectable);
    let more = (hedge.open.len() * 4 / 5).min(MAX_ROUNDS - hedge.rounds);
    let mut add = |panels: &mut Vec<Vec<u32>>, found: Vec<Vec<u32>>| {
        panels.extend(
            found
                .into_iter()
                .filter(|panel| known.insert(panel.clone())),
        );
    };
    add(&mut panels, hedge.play(hedge.rounds)?);
    let (mut weights, least) = equal_lottery(model, &panels, &selectable, equal.as_ref())?;
    // Nearly an equal lottery: Hedge, played on, usually completes it.
    if weights.is_none() && least >= NEARLY_EQUAL && !hedge.stalled && more > 0 {
        add(&mut panels, hedge.play(more)?);
        weights = equal_lottery(model, &panels, &selectable, equal.as_ref())?.0;
    }
    if let Some(weights) = weights {
        return Ok(lottery(model, panels, &weights));
    }
    // Fewer councils than half the types say the game found little variety
    // (types of one volunteer each under a cover rule, say): they would only
    // make the master program larger.
    if panels.len() - starting < hedge.open.len() / 2 {
        panels.truncate(starting);
    }
    let mut fixed: Vec<Option<f64>> = vec![None; types];
    // The first stage's equal prices are those found above.
    let mut first = equal;
    while (0..types).any(|t| selectable.get(t) == Some(&true) && fixed.get(t) == Some(&None)) {
        let centre = match first.take() {
            Some(equal) => Some(equal),
            None => equal_prices(model, &selectable, &fixed)?,
        };
        let (value, prices) = stage(model, &mut panels, &selectable, &fixed, centre)?;
        // Types with a positive price cannot do better than `value` in any
        // leximin-optimal lottery (complementary slackness): fix them there.
        let open: Vec<usize> = (0..types)
            .filter(|&t| selectable.get(t) == Some(&true) && fixed.get(t) == Some(&None))
            .collect();
        let price = |t: usize| prices.get(t).copied().unwrap_or(0.0);
        let mut tight: Vec<usize> = open.iter().copied().filter(|&t| price(t) > 1e-7).collect();
        if tight.is_empty() {
            let top = open
                .iter()
                .copied()
                .max_by(|&a, &b| price(a).total_cmp(&price(b)).then(b.cmp(&a)));
            tight.extend(top);
        }
        let level = (value - 1e-9).max(0.0);
        for t in tight {
            if let Some(slot) = fixed.get_mut(t) {
                *slot = Some(level);
            }
        }
    }
    let targets: Vec<f64> = fixed.iter().map(|f| f.unwrap_or(0.0)).collect();
    let weights = primal(model, &panels, &selectable, &targets)?;
    Ok(lottery(model, panels, &weights))
}

/// The lottery over `panels` with the solver's `weights`: exact weights giving
/// the chances the solver meant (2/3, not 0.6666667); if there are none over
/// these councils, the floats rounded to 10⁻⁶.
fn lottery(model: &Model, panels: Vec<Vec<u32>>, weights: &[f64]) -> Lottery {
    let (units, denominator) = super::rational::exact_weights(&panels, weights, &model.caps)
        .unwrap_or_else(|| (to_units(weights), UNITS));
    let (panels, weights) = panels
        .into_iter()
        .zip(units)
        .filter(|(_, k)| *k > 0)
        .unzip();
    Lottery {
        panels,
        weights,
        denominator,
    }
}

/// Where every selectable volunteer can have the same chance, the leximin
/// lottery gives them that, and nothing else: the same chance for all is at
/// most what the best council seats over all seats (`bound`, from
/// [`equal_prices`]), and no lottery's least chance exceeds that average. So if
/// a lottery over `panels` gives every selectable type `bound`, it is leximin,
/// found without the master program (pools of thousands where most volunteers
/// are a type of their own). Also returns the least share of the equal chance
/// that the closest lottery over `panels` gives a type.
fn equal_lottery(
    model: &Model,
    panels: &[Vec<u32>],
    selectable: &[bool],
    equal: Option<&(Vec<f64>, f64)>,
) -> Result<(Option<Vec<f64>>, f64)> {
    let Some((prices, bound)) = equal else {
        return Ok((None, 0.0));
    };
    let targets: Vec<f64> = prices
        .iter()
        .map(|&y| if y > 0.0 { *bound } else { 0.0 })
        .collect();
    let weights = primal(model, panels, selectable, &targets)?;
    // The least share of its target any type gets.
    let least = targets
        .iter()
        .enumerate()
        .filter(|&(_, &target)| target > 0.0)
        .map(|(t, &target)| {
            let cap = f64::from(model.caps.get(t).copied().unwrap_or(0));
            let seats: f64 = panels
                .iter()
                .zip(&weights)
                .map(|(panel, &w)| f64::from(panel.get(t).copied().unwrap_or(0)) * w)
                .sum();
            seats / (cap * target)
        })
        .fold(f64::INFINITY, f64::min);
    let reached = least >= 1.0 - 1e-9;
    Ok((reached.then_some(weights), least))
}

/// Councils that seat types not yet seated, as many as possible each, until no
/// council can seat another; and which types any council can seat (the rest are
/// unselectable). One council per type would also do, but makes the master
/// program needlessly large: its rows are the councils.
fn starting_councils(model: &Model) -> Result<(Vec<Vec<u32>>, Vec<bool>)> {
    let all_rules = vec![true; model.rows.len()];
    let mut panels: Vec<Vec<u32>> = Vec::new();
    let mut selectable = vec![false; model.caps.len()];
    loop {
        let weights: Vec<f64> = selectable
            .iter()
            .map(|&seen| if seen { 0.0 } else { 1.0 })
            .collect();
        let Some((panel, _)) = model.optimize(&all_rules, &weights, None)? else {
            return Err(Error::Solver {
                detail: "a feasible model became infeasible".to_owned(),
            });
        };
        let mut new = false;
        for (seen, &seated) in selectable.iter_mut().zip(&panel) {
            if seated > 0 && !*seen {
                *seen = true;
                new = true;
            }
        }
        if !new {
            break;
        }
        if !panels.contains(&panel) {
            panels.push(panel);
        }
    }
    Ok((panels, selectable))
}

/// The most councils [`by_passes`] makes, and the passes of the pool it
/// allows for settling: a pass is `1 / bound` councils (about 333 for 5,000
/// volunteers and 15 seats). A repeat takes a whole cycle, `S / gcd(S, s)`
/// councils (each of the `S` volunteers seated `s / gcd(S, s)` times: 1,000
/// councils for 5,000 volunteers and 15 seats, 5,002 for 5,002), after the
/// balance has settled (4.4 passes for 5,000 and 10,000 volunteers); where
/// the two together pass the limit the passes are not tried.
const MAX_PASS_COUNCILS: usize = 20_000;
const SETTLING_PASSES: usize = 8;

/// [`by_passes`] keeps balances as `i64`: `|D_t|` is at most
/// `MAX_PASS_COUNCILS·S²`, below 2⁶³ for pools up to this many selectable
/// volunteers; larger pools go on to Hedge and the master program.
const MAX_PASS_VOLUNTEERS: i64 = 20_000_000;

/// [`by_passes`] gives up when a volunteer is this many seats ahead of, or
/// behind, an equal share of the councils so far. Where an equal lottery
/// exists the passes keep everyone within 1.2 seats of it (measured on pools
/// of 1,000 to 10,000); where it does not, someone drifts away steadily (a
/// volunteer whom every council must seat: a seat ahead with every council).
const MAX_OWED_SEATS: f64 = 3.0;

/// [`by_passes`] is tried only for at least this many selectable types. Below
/// it Hedge and the master program settle a lottery in tens of milliseconds,
/// and passes that find no equal lottery cost more than they could save (the
/// 200-volunteer bench, 93 types and no equal lottery: 71 → 86 ms with them).
const MIN_PASS_TYPES: usize = 200;

/// The greatest common divisor of two positive numbers.
fn gcd(mut a: i64, mut b: i64) -> i64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// A fixed pseudo-random 64-bit number per type, for [`by_passes`]' hashes
/// (`SplitMix64` of the type's index).
fn hash_weight(t: usize) -> u64 {
    let mut z = (t as u64)
        .wrapping_add(1)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// An equal lottery over councils made so that every selectable volunteer is
/// seated equally often, where these councils find one; `None` otherwise,
/// also where the solver fails on the way (the caller goes on to Hedge and
/// the master program).
///
/// With `S` selectable volunteers and `s` of them on the best council (the
/// equal chance is `bound = s / S`), the balance of type `t` (`c_t`
/// volunteers) after `k` councils is `D_t = k·s·c_t − seated_t·S`: what its
/// volunteers are owed, in `1 / S` seats. Each council is the one that seats
/// the types furthest behind, valuing a seat of type `t` at
/// `(s·c_t + D_t) / (c_t·S)`, a function of the balance alone.
///
/// If the balance after `j` councils is the one after `i`, councils
/// `i + 1 ..= j` seat every type exactly `(j − i)·bound·c_t` times: the
/// uniform lottery over them is equal, with exact weights (how often each
/// council occurs, over `j − i`), and an equal lottery is leximin (see
/// [`equal_lottery`]). Since each council depends on the balance alone, once
/// a balance repeats the councils go round in that cycle. The balance is
/// followed by a 64-bit hash (a fixed random number per type); a matching
/// hash is confirmed exactly. It gives up after a cycle and
/// [`SETTLING_PASSES`] passes (not tried where that is more than
/// [`MAX_PASS_COUNCILS`]), or when a volunteer is [`MAX_OWED_SEATS`] from an
/// equal share.
///
/// Measured (15 seats, the article's rules, one building per ten
/// volunteers): 1,000 volunteers repeat after 230 councils (a cycle of 200,
/// every volunteer seated three times); 1,001 after 1,031 (a cycle of 1,001);
/// 5,000 after 2,456; 10,000 after 4,919.
fn by_passes(model: &Model, equal: Option<&(Vec<f64>, f64)>) -> Option<Lottery> {
    let (prices, bound) = equal?;
    let (open, volunteers, seats) = open_seats(model, prices, *bound)?;
    if open.iter().filter(|&&o| o).count() < MIN_PASS_TYPES || volunteers > MAX_PASS_VOLUNTEERS {
        return None;
    }
    let caps: Vec<i64> = model.caps.iter().map(|&c| i64::from(c)).collect();
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "one over a chance in (0, 1]: a count of councils"
    )]
    let pass = (1.0 / *bound).ceil() as usize;
    let cycle = volunteers / gcd(volunteers, seats);
    let limit = usize::try_from(cycle)
        .ok()?
        .saturating_add(SETTLING_PASSES.saturating_mul(pass));
    if limit > MAX_PASS_COUNCILS {
        return None;
    }
    let all_rules = vec![true; model.rows.len()];
    let weights: Vec<u64> = (0..caps.len()).map(hash_weight).collect();
    let mut owed: Vec<i64> = vec![0; caps.len()];
    // The hash of the balance is `−Σ_t r_t·D_t`: each council adds the
    // seats it gives, `r_t·n_t·S`, and takes away `drift = Σ_t r_t·s·c_t`.
    let drift = caps
        .iter()
        .zip(&open)
        .zip(&weights)
        .filter(|&((_, &o), _)| o)
        .fold(0u64, |h, ((&c, _), &r)| {
            h.wrapping_add(r.wrapping_mul(c.unsigned_abs().wrapping_mul(seats.unsigned_abs())))
        });
    let mut hash = 0u64;
    // The first council count at which each hash of the balance was seen.
    let mut balances: HashMap<u64, usize> = HashMap::from([(0, 0)]);
    let mut councils = Made::default();
    #[allow(clippy::cast_precision_loss, reason = "a pool's size, far below 2^52")]
    let far = MAX_OWED_SEATS * volunteers as f64;
    for k in 1..=limit {
        #[allow(clippy::cast_precision_loss, reason = "balances far below 2^52")]
        let worth: Vec<f64> = (0..caps.len())
            .map(|t| match (caps.get(t), owed.get(t), open.get(t)) {
                (Some(&c), Some(&d), Some(true)) => {
                    (seats * c + d) as f64 / (c * volunteers) as f64
                }
                _ => 0.0,
            })
            .collect();
        // The passes only offer councils: where the solver fails them (a
        // node limit, say), the selection goes on the established way.
        let Ok(Some((panel, _))) = model.optimize(&all_rules, &worth, None) else {
            return None;
        };
        let mut drifted = false;
        for (t, &n) in panel.iter().enumerate() {
            if let (Some(d), Some(&c), Some(true), Some(&r)) =
                (owed.get_mut(t), caps.get(t), open.get(t), weights.get(t))
            {
                let seated = i64::from(n) * volunteers;
                *d += seats * c - seated;
                hash = hash.wrapping_add(r.wrapping_mul(seated.unsigned_abs()));
                // Seats owed per volunteer: D_t / (c_t·S).
                #[allow(clippy::cast_precision_loss, reason = "balances far below 2^52")]
                let ahead_or_behind = (*d as f64 / c as f64).abs();
                drifted |= ahead_or_behind > far;
            }
        }
        hash = hash.wrapping_sub(drift);
        councils.push(&panel, &weights);
        match balances.entry(hash) {
            Entry::Occupied(first) => {
                let balance = (open.as_slice(), volunteers, seats);
                if let Some(found) = councils.repeat(model, *first.get(), balance) {
                    return Some(found);
                }
            }
            Entry::Vacant(slot) => {
                slot.insert(k);
            }
        }
        if drifted {
            return None;
        }
    }
    None
}

/// The open (selectable) types at the equal `prices`, how many volunteers
/// they hold (`S`), and the best council's seats of them (`s = bound·S`, a
/// whole number). `None` if `bound` is not a chance or `s` is not whole.
fn open_seats(model: &Model, prices: &[f64], bound: f64) -> Option<(Vec<bool>, i64, i64)> {
    if !(bound > 0.0 && bound <= 1.0) {
        return None;
    }
    // Equal prices are positive exactly for the open types.
    let open: Vec<bool> = (0..model.caps.len())
        .map(|t| {
            prices.get(t).is_some_and(|&y| y > 0.0) && model.caps.get(t).is_some_and(|&c| c > 0)
        })
        .collect();
    let volunteers: i64 = model
        .caps
        .iter()
        .zip(&open)
        .filter(|&(_, &o)| o)
        .map(|(&c, _)| i64::from(c))
        .sum();
    #[allow(clippy::cast_precision_loss, reason = "a pool's size, far below 2^52")]
    let exact = bound * volunteers as f64;
    if (exact - exact.round()).abs() > 1e-6 || exact < 0.5 {
        return None;
    }
    #[allow(
        clippy::cast_possible_truncation,
        reason = "a number of seats, checked to be whole"
    )]
    let seats = exact.round() as i64;
    Some((open, volunteers, seats))
}

/// The councils [`by_passes`] made: each once, as its seated types and their
/// seats (a council seats a handful of types among thousands), found by a
/// hash of its seats; and the order made.
#[derive(Default)]
struct Made {
    councils: Vec<Vec<(usize, u32)>>,
    by_hash: HashMap<u64, Vec<usize>>,
    /// Indices into `councils`.
    sequence: Vec<usize>,
}

impl Made {
    fn push(&mut self, panel: &[u32], weights: &[u64]) {
        let seated: Vec<(usize, u32)> = panel
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0)
            .map(|(t, &n)| (t, n))
            .collect();
        let key = seated.iter().fold(0u64, |h, &(t, n)| {
            h.wrapping_add(weights.get(t).map_or(0, |r| r.wrapping_mul(u64::from(n))))
        });
        let same = self.by_hash.entry(key).or_default();
        let councils = &mut self.councils;
        let at = if let Some(&at) = same.iter().find(|&&i| councils.get(i) == Some(&seated)) {
            at
        } else {
            same.push(councils.len());
            councils.push(seated);
            councils.len() - 1
        };
        self.sequence.push(at);
    }

    /// The uniform lottery over the councils made after the first `from` (to
    /// the last), if it seats every open type exactly `s·c_t / S` times per
    /// council; `(open, S, s)` as [`open_seats`] gives them.
    fn repeat(
        &self,
        model: &Model,
        from: usize,
        (open, volunteers, seats): (&[bool], i64, i64),
    ) -> Option<Lottery> {
        let made = &self.councils;
        let window = self.sequence.get(from..)?;
        let mut seated = vec![0i64; model.caps.len()];
        let mut times = vec![0u64; made.len()];
        for &i in window {
            for &(t, n) in made.get(i)? {
                *seated.get_mut(t)? += i64::from(n);
            }
            *times.get_mut(i)? += 1;
        }
        let length = i64::try_from(window.len()).ok()?;
        let equal = seated
            .iter()
            .zip(&model.caps)
            .zip(open)
            .all(|((&s, &c), &o)| !o || s * volunteers == length * seats * i64::from(c));
        if !equal {
            return None;
        }
        let (panels, weights) = made
            .iter()
            .zip(times)
            .filter(|&(_, n)| n > 0)
            .map(|(council, n)| {
                let mut panel = vec![0u32; model.caps.len()];
                for &(t, seats) in council {
                    if let Some(slot) = panel.get_mut(t) {
                        *slot = seats;
                    }
                }
                (panel, n)
            })
            .unzip();
        Some(Lottery {
            panels,
            weights,
            denominator: u64::try_from(window.len()).ok()?,
        })
    }
}

/// Councils that a fair lottery is likely to use, found cheaply: a game in
/// which an adversary weighs the selectable types (multiplicative weights,
/// Hedge) and each round the council that the current weights value most is
/// found by pricing alone, without the master program. Types that council
/// seats lose weight, so later rounds seat the types still left short. The
/// councils found seed the first stage's master program, whose column
/// generation then decides the lottery exactly as before; they only spare it
/// most of its rounds, each of which re-solves the master program.
///
/// About six rounds for every five types at first (and up to two per type if
/// they nearly make an equal lottery, see [`leximin`]), at most [`MAX_ROUNDS`],
/// ending early after [`STALE_ROUNDS`] (or more) rounds in a row without a new
/// council.
struct Hedge<'m> {
    model: &'m Model,
    /// The selectable types, and each one's weight.
    open: Vec<usize>,
    weight: Vec<f64>,
    /// The game's first rounds, and the learning rate set for them.
    rounds: usize,
    eta: f64,
    seen: HashSet<Vec<u32>>,
    since_new: usize,
    /// Whether the game stopped finding new councils.
    stalled: bool,
}

impl<'m> Hedge<'m> {
    fn new(model: &'m Model, selectable: &[bool]) -> Self {
        let open: Vec<usize> = (0..model.caps.len())
            .filter(|&t| {
                selectable.get(t) == Some(&true) && model.caps.get(t).is_some_and(|&c| c > 0)
            })
            .collect();
        let rounds = (open.len() * 6 / 5 + 10).min(MAX_ROUNDS);
        #[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
        let eta = (8.0 * (open.len() as f64).ln().max(1.0) / rounds as f64).sqrt();
        let mut weight = vec![0.0_f64; model.caps.len()];
        for &t in &open {
            if let Some(w) = weight.get_mut(t) {
                *w = 1.0;
            }
        }
        Self {
            model,
            stalled: open.is_empty(),
            open,
            weight,
            rounds,
            eta,
            seen: HashSet::new(),
            since_new: 0,
        }
    }

    /// Up to `rounds` more rounds: the councils not found before.
    fn play(&mut self, rounds: usize) -> Result<Vec<Vec<u32>>> {
        let model = self.model;
        let all_rules = vec![true; model.rows.len()];
        let seats = usize::try_from(model.seats.max(1)).unwrap_or(usize::MAX);
        let stale = STALE_ROUNDS.max(2 * self.open.len() / seats);
        let mut found: Vec<Vec<u32>> = Vec::new();
        for _ in 0..rounds {
            if self.stalled {
                break;
            }
            let total: f64 = self.weight.iter().sum();
            if !(total.is_finite() && total > 0.0) {
                self.stalled = true;
                break;
            }
            // A seat for a person of type t is worth w_t / (c_t · Σw).
            let prices: Vec<f64> = self
                .weight
                .iter()
                .zip(&model.caps)
                .map(|(&w, &cap)| {
                    if cap > 0 {
                        w / (total * f64::from(cap))
                    } else {
                        0.0
                    }
                })
                .collect();
            let Some((panel, _)) = model.optimize(&all_rules, &prices, None)? else {
                self.stalled = true;
                break;
            };
            for &t in &self.open {
                let share = f64::from(panel.get(t).copied().unwrap_or(0))
                    / f64::from(model.caps.get(t).copied().unwrap_or(1).max(1));
                if let Some(w) = self.weight.get_mut(t) {
                    *w *= (-self.eta * share).exp();
                }
            }
            // Rescaled so that the largest weight is 1: their total never drifts
            // to zero (the prices divide by it).
            let most = self.weight.iter().copied().fold(0.0, f64::max);
            if most > 0.0 {
                for w in &mut self.weight {
                    *w /= most;
                }
            }
            if self.seen.insert(panel.clone()) {
                self.since_new = 0;
                found.push(panel);
            } else {
                self.since_new += 1;
                self.stalled = self.since_new >= stale;
            }
        }
        Ok(found)
    }
}

/// One leximin stage: column generation until no council improves the master,
/// adding the councils found to `panels`. Its value, and the master's prices.
/// `centre`: the stage's equal prices and their bound ([`equal_prices`]).
fn stage(
    model: &Model,
    panels: &mut Vec<Vec<u32>>,
    selectable: &[bool],
    fixed: &[Option<f64>],
    mut centre: Option<(Vec<f64>, f64)>,
) -> Result<(f64, Vec<f64>)> {
    let all_rules = vec![true; model.rows.len()];
    let mut master = Master::new(model, panels, selectable, fixed)?;
    let mut rounds = 0;
    // Smoothed pricing (Wentges): price first at a point between the best
    // prices seen so far (the stability centre, whose value bounds the
    // stage from above) and the master's, which damps the oscillation of
    // the master's prices; if that finds nothing that improves the master,
    // price at the master's own prices, which alone decides the end.
    let fixed_cost = |y: &[f64]| -> f64 {
        fixed
            .iter()
            .zip(&model.caps)
            .zip(y)
            .filter_map(|((f, &cap), &y)| Some(f64::from(cap) * (*f)? * y))
            .sum()
    };
    // The centre starts at equal prices: where the stage's lottery gives every
    // open type the same chance, their bound is met as soon as the master
    // reaches it, and the stage ends there (the bound proves no council can
    // improve it) instead of when pricing at the master's own prices stops
    // finding councils, which a degenerate master takes hundreds of rounds to
    // show.
    loop {
        let (value, mu, prices) = master.read();
        rounds += 1;
        let tolerance = 1e-9 * mu.abs().max(1.0);
        if let Some((at, bound)) = &centre
            && value >= bound - tolerance
        {
            return Ok((value, at.clone()));
        }
        let mut found = None;
        if let Some((at, _)) = &centre {
            let smoothed: Vec<f64> = at
                .iter()
                .zip(&prices)
                .map(|(&c, &y)| SMOOTHING * c + (1.0 - SMOOTHING) * y)
                .collect();
            let Some((best, _)) = model.optimize(&all_rules, &smoothed, None)? else {
                return Err(Error::Solver {
                    detail: "a feasible model became infeasible".to_owned(),
                });
            };
            let bound = worth_of(&best, &smoothed) - fixed_cost(&smoothed);
            if centre.as_ref().is_some_and(|(_, b)| bound < *b) {
                centre = Some((smoothed, bound));
            }
            if worth_of(&best, &prices) > mu + tolerance && !panels.contains(&best) {
                found = Some(best);
            }
        }
        let best = if let Some(best) = found {
            best
        } else {
            let Some((best, _)) = model.optimize(&all_rules, &prices, None)? else {
                return Err(Error::Solver {
                    detail: "a feasible model became infeasible".to_owned(),
                });
            };
            let worth = worth_of(&best, &prices);
            let bound = worth - fixed_cost(&prices);
            if centre.as_ref().is_none_or(|(_, b)| bound < *b) {
                centre = Some((prices.clone(), bound));
            }
            let improves = worth > mu + tolerance;
            if !improves || panels.contains(&best) || rounds >= MAX_ROUNDS {
                return Ok((value, prices));
            }
            best
        };
        master = master.add(&best)?;
        panels.push(best);
    }
}

/// The same price for every open type's seats (`Σ_open c_t·y_t = 1`, none for
/// fixed types), and the bound they prove on the stage: what the best council
/// is worth at them, the seats of open types it fills over all their seats.
/// `None`: no open seats.
fn equal_prices(
    model: &Model,
    selectable: &[bool],
    fixed: &[Option<f64>],
) -> Result<Option<(Vec<f64>, f64)>> {
    let open = |t: usize| selectable.get(t) == Some(&true) && fixed.get(t) == Some(&None);
    let seats: u32 = (0..model.caps.len())
        .filter(|&t| open(t))
        .map(|t| model.caps.get(t).copied().unwrap_or(0))
        .fold(0, u32::saturating_add);
    if seats == 0 {
        return Ok(None);
    }
    let price = 1.0 / f64::from(seats);
    let prices: Vec<f64> = (0..model.caps.len())
        .map(|t| if open(t) { price } else { 0.0 })
        .collect();
    let all_rules = vec![true; model.rows.len()];
    let Some((best, _)) = model.optimize(&all_rules, &prices, None)? else {
        return Err(Error::Solver {
            detail: "a feasible model became infeasible".to_owned(),
        });
    };
    let bound = worth_of(&best, &prices);
    Ok(Some((prices, bound)))
}

/// The restricted dual: prices `y_t ≥ 0` and `μ` minimizing
/// `μ − Σ_fixed c_t·f_t·y_t` subject to `Σ_t n_{P,t}·y_t ≤ μ` for every council
/// `P` found so far and `Σ_open c_t·y_t = 1`. Councils found later are added to
/// the solved program, which the simplex method resumes from its last basis.
pub(super) struct Master {
    pub(super) solution: microlp::Solution,
    pub(super) prices: Vec<Option<Variable>>,
    pub(super) mu: Variable,
}

impl Master {
    pub(super) fn new(
        model: &Model,
        panels: &[Vec<u32>],
        selectable: &[bool],
        fixed: &[Option<f64>],
    ) -> Result<Self> {
        let mut problem = Problem::new(OptimizationDirection::Minimize);
        let prices: Vec<Option<Variable>> = model
            .caps
            .iter()
            .zip(selectable)
            .zip(fixed)
            .map(|((&cap, &on), f)| {
                on.then(|| {
                    let cost = f.map_or(0.0, |level| -f64::from(cap) * level);
                    problem.add_var(cost, (0.0, f64::INFINITY))
                })
            })
            .collect();
        let mu = problem.add_var(1.0, (f64::NEG_INFINITY, f64::INFINITY));
        let open: LinearExpr = prices
            .iter()
            .zip(&model.caps)
            .zip(fixed)
            .filter_map(|((y, &cap), f)| {
                let y = y.as_ref().copied()?;
                f.is_none().then_some((y, f64::from(cap)))
            })
            .collect();
        problem.add_constraint(open, ComparisonOp::Eq, 1.0);
        for panel in panels {
            problem.add_constraint(Self::row(&prices, mu, panel), ComparisonOp::Le, 0.0);
        }
        let solution = solved(guarded(|| problem.solve())?)?;
        Ok(Self {
            solution,
            prices,
            mu,
        })
    }

    pub(super) fn row(prices: &[Option<Variable>], mu: Variable, panel: &[u32]) -> LinearExpr {
        let mut row: LinearExpr = panel
            .iter()
            .zip(prices)
            .filter_map(|(&n, y)| Some((y.as_ref().copied()?, f64::from(n))))
            .filter(|&(_, n)| n > 0.0)
            .collect();
        row.add(mu, -1.0);
        row
    }

    pub(super) fn add(self, panel: &[u32]) -> Result<Self> {
        let Self {
            solution,
            prices,
            mu,
        } = self;
        let row = Self::row(&prices, mu, panel);
        let solution = solved(guarded(|| {
            solution.add_constraint(row, ComparisonOp::Le, 0.0)
        })?)?;
        Ok(Self {
            solution,
            prices,
            mu,
        })
    }

    /// The program's value, `μ` and the prices.
    pub(super) fn read(&self) -> (f64, f64, Vec<f64>) {
        let prices = self
            .prices
            .iter()
            .map(|y| y.map_or(0.0, |y| self.solution.var_value(y).max(0.0)))
            .collect();
        (
            self.solution.objective(),
            self.solution.var_value(self.mu),
            prices,
        )
    }
}

pub(super) fn solved(
    outcome: core::result::Result<microlp::SolveOutcome, microlp::Error>,
) -> Result<microlp::Solution> {
    outcome
        .map_err(|e| solver_error(&e))?
        .into_solution()
        .map_err(|_| Error::Solver {
            detail: "a linear program was interrupted".to_owned(),
        })
}

/// The lottery over `panels` coming closest to the leximin `targets`: weights
/// `p_P ≥ 0` summing to 1 minimizing the total shortfall `Σ_t s_t` below
/// `Σ_P n_{P,t}·p_P + s_t ≥ c_t·target_t`.
pub(super) fn primal(
    model: &Model,
    panels: &[Vec<u32>],
    selectable: &[bool],
    targets: &[f64],
) -> Result<Vec<f64>> {
    let mut problem = Problem::new(OptimizationDirection::Minimize);
    let p: Vec<Variable> = panels
        .iter()
        .map(|_| problem.add_var(0.0, (0.0, f64::INFINITY)))
        .collect();
    let one: LinearExpr = p.iter().map(|&v| (v, 1.0)).collect();
    problem.add_constraint(one, ComparisonOp::Eq, 1.0);
    for (t, ((&cap, &on), &target)) in model.caps.iter().zip(selectable).zip(targets).enumerate() {
        if !on || target <= 0.0 {
            continue;
        }
        let shortfall = problem.add_var(1.0, (0.0, f64::INFINITY));
        let mut row: LinearExpr = panels
            .iter()
            .zip(&p)
            .filter_map(|(panel, &v)| {
                let n = panel.get(t).copied().unwrap_or(0);
                (n > 0).then(|| (v, f64::from(n)))
            })
            .collect();
        row.add(shortfall, 1.0);
        problem.add_constraint(row, ComparisonOp::Ge, f64::from(cap) * target);
    }
    let solution = solved(guarded(|| problem.solve())?)?;
    Ok(p.iter().map(|&v| solution.var_value(v).max(0.0)).collect())
}

/// Weights summing to about 1 as integers summing to exactly [`UNITS`], by
/// largest remainder (ties to the earlier council).
pub(super) fn to_units(weights: &[f64]) -> Vec<u64> {
    let total: f64 = weights.iter().sum();
    let total = if total > 0.0 { total } else { 1.0 };
    #[allow(clippy::cast_precision_loss, reason = "10⁶ is exact in an f64")]
    let scale = UNITS as f64;
    let exact: Vec<f64> = weights.iter().map(|w| w / total * scale).collect();
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "each value lies in 0..=10⁶"
    )]
    let mut units: Vec<u64> = exact
        .iter()
        .map(|x| x.floor().clamp(0.0, scale) as u64)
        .collect();
    let assigned: u64 = units.iter().sum();
    let mut order: Vec<usize> = (0..units.len()).collect();
    #[allow(clippy::cast_precision_loss, reason = "at most 10⁶")]
    let fraction =
        |i: usize| exact.get(i).copied().unwrap_or(0.0) - units.get(i).copied().unwrap_or(0) as f64;
    order.sort_by(|&a, &b| fraction(b).total_cmp(&fraction(a)).then(a.cmp(&b)));
    let deficit = UNITS.saturating_sub(assigned);
    for i in order
        .into_iter()
        .cycle()
        .take(usize::try_from(deficit).unwrap_or(0))
    {
        if let Some(u) = units.get_mut(i) {
            *u += 1;
        }
    }
    units
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sortition::model::Row;

    /// `seats` of 20 one-volunteer types, no rules.
    fn model(seats: u32) -> Model {
        Model {
            caps: vec![1; 20],
            seats,
            rows: Vec::new(),
            partial: Vec::new(),
        }
    }

    /// Councils of type 0 and nine of the other 19 in turn (`with_first`), or
    /// ten of all 20 in turn.
    fn councils(with_first: bool) -> Vec<Vec<u32>> {
        (0..20)
            .map(|i| {
                let mut panel = vec![0; 20];
                if with_first {
                    panel[0] = 1;
                    for k in 0..9 {
                        panel[1 + (i + k) % 19] = 1;
                    }
                } else {
                    for k in 0..10 {
                        panel[(i + k) % 20] = 1;
                    }
                }
                panel
            })
            .collect()
    }

    /// Ten seats of twenty: every volunteer can have 1/2, and a lottery on the
    /// rotating councils gives it; where one volunteer sits on every council
    /// the others get at most 9/19 (95% of 1/2), which is not an equal lottery.
    #[test]
    fn an_equal_lottery_is_found_only_where_it_exists() {
        let model = model(10);
        let selectable = vec![true; 20];
        let equal = equal_prices(&model, &selectable, &[None; 20]).unwrap();
        let Some((_, bound)) = &equal else {
            panic!("no equal prices");
        };
        assert!((bound - 0.5).abs() < 1e-12, "{bound}");
        let panels = councils(false);
        let weights = equal_lottery(&model, &panels, &selectable, equal.as_ref())
            .unwrap()
            .0
            .expect("the rotation is an equal lottery");
        for t in 0..20 {
            let chance: f64 = panels
                .iter()
                .zip(&weights)
                .map(|(p, w)| f64::from(p[t]) * w)
                .sum();
            assert!((chance - 0.5).abs() < 1e-9, "type {t}: {chance}");
        }
        let near = councils(true);
        assert!(
            equal_lottery(&model, &near, &selectable, equal.as_ref())
                .unwrap()
                .0
                .is_none()
        );
    }

    /// 240 volunteers in 220 types (200 alone, 20 pairs) and 12 seats, at
    /// least 3 of the first 60 on every council (and, in `forced`, volunteer
    /// 0 on every one): passes of the pool find the equal lottery, everyone's
    /// chance 1/20 exactly; with volunteer 0 always seated the rest can have
    /// at most 11/239 each, so there is no equal lottery and the passes say so
    /// rather than offer another.
    #[test]
    fn passes_find_an_equal_lottery_only_where_it_exists() {
        let model = |forced: bool| {
            let mut rows = vec![Row {
                types: (0..60).collect(),
                lo: 3,
                hi: 12,
                rule: Some(0),
            }];
            if forced {
                rows.push(Row {
                    types: vec![0],
                    lo: 1,
                    hi: 12,
                    rule: Some(1),
                });
            }
            Model {
                caps: (0..220).map(|t| if t < 200 { 1 } else { 2 }).collect(),
                seats: 12,
                rows,
                partial: Vec::new(),
            }
        };
        // The starting councils, whether they alone make an equal lottery,
        // and what the passes make of the model.
        let passes = |m: &Model| {
            let (starting, selectable) = starting_councils(m).unwrap();
            let equal = equal_prices(m, &selectable, &[None; 220]).unwrap();
            let (alone, _) = equal_lottery(m, &starting, &selectable, equal.as_ref()).unwrap();
            let found = by_passes(m, equal.as_ref());
            (alone.is_some(), found)
        };
        let fair = model(false);
        let (alone, found) = passes(&fair);
        // The starting councils seat every type once: pairs are left short.
        assert!(!alone);
        let found = found.expect("an equal lottery");
        for t in 0..220 {
            let seated: u64 = found
                .panels
                .iter()
                .zip(&found.weights)
                .map(|(p, &w)| u64::from(p[t]) * w)
                .sum();
            let members = u64::from(fair.caps[t]);
            assert_eq!(seated * 20, members * found.denominator, "type {t}");
        }
        assert!(passes(&model(true)).1.is_none());
    }
}
