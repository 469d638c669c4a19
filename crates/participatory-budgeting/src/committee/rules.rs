//! The rules, exact, after abcvoting's definitions. Sequential rules explore
//! every tie ("parallel universes") depth first, the smaller candidate first,
//! so the first committee found is the resolute one.

use std::cell::RefCell;
use std::collections::BTreeSet;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

use super::classes::Classes;
use super::composition::Constraints;
use super::{Outcome, Profile, Round, Rule, flow};
use crate::{Error, Result};

type Q = BigRational;

fn q(n: u64) -> Q {
    Q::from_integer(BigInt::from(n))
}

/// The most Equal Shares runs the increment completion makes before refusing.
const MAX_INCREMENT_RUNS: u128 = 200;

/// The most seats maximin support fills exactly (its values sum over every
/// subset of the committee: 2^18 subsets take seconds).
const MAX_MAXIMIN_SEATS: usize = 18;

/// The profile as the rules read it.
struct Ctx<'a> {
    m: usize,
    k: usize,
    voters: &'a [(Vec<usize>, u64)],
    /// For each candidate, the voters (ballot indices) approving it.
    approvers: Vec<Vec<usize>>,
    total: u64,
    /// The composition rules, if any.
    constraints: Option<Constraints>,
    /// A feasibility question refused as too large, raised after the run.
    refused: RefCell<Option<Error>>,
}

impl<'a> Ctx<'a> {
    fn new(profile: &'a Profile, k: usize, constraints: Option<Constraints>) -> Self {
        let mut approvers = vec![Vec::new(); profile.candidates];
        for (v, (approve, _)) in profile.ballots.iter().enumerate() {
            for &c in approve {
                if let Some(list) = approvers.get_mut(c) {
                    list.push(v);
                }
            }
        }
        Self {
            m: profile.candidates,
            k,
            voters: &profile.ballots,
            approvers,
            total: profile.total_weight(),
            constraints: constraints.filter(|c| !c.is_empty()),
            refused: RefCell::new(None),
        }
    }

    /// Whether `committee` with `c` added can still be completed to meet the
    /// composition rules (always, without rules).
    fn allowed(&self, committee: &[usize], c: usize) -> bool {
        let Some(rules) = &self.constraints else {
            return true;
        };
        let mut with = committee.to_vec();
        with.push(c);
        self.ask(rules.completable(&with, &|x| !with.contains(&x)))
    }

    /// Whether `members` still hold a committee of `k` that meets the rules.
    fn within(&self, members: &[bool]) -> bool {
        let Some(rules) = &self.constraints else {
            return true;
        };
        self.ask(rules.completable(&[], &|x| members.get(x).copied().unwrap_or(false)))
    }

    /// Whether a full committee meets the rules.
    fn meets(&self, committee: &[usize]) -> bool {
        self.constraints
            .as_ref()
            .is_none_or(|r| r.satisfied(committee))
    }

    fn ask(&self, answer: Result<bool>) -> bool {
        match answer {
            Ok(yes) => yes,
            Err(e) => {
                self.refused.borrow_mut().get_or_insert(e);
                false
            }
        }
    }

    fn weight(&self, v: usize) -> u64 {
        self.voters.get(v).map_or(0, |(_, w)| *w)
    }

    fn approval_weight(&self, c: usize) -> u64 {
        self.approvers
            .get(c)
            .map_or(0, |vs| vs.iter().map(|&v| self.weight(v)).sum())
    }
}

/// The committees found so far; stops the search at `limit` distinct ones.
struct Found {
    set: BTreeSet<Vec<usize>>,
    limit: usize,
}

impl Found {
    /// Adds a committee (sorted here); whether the search should stop.
    fn add(&mut self, mut committee: Vec<usize>) -> bool {
        committee.sort_unstable();
        self.set.insert(committee);
        self.set.len() >= self.limit
    }
}

pub(super) fn run(
    profile: &Profile,
    k: usize,
    rule: Rule,
    cap: usize,
    resolute: bool,
    constraints: Option<Constraints>,
) -> Result<Outcome> {
    let ctx = Ctx::new(profile, k, constraints);
    // Irresolute: look for one more than the cap, to know whether it cut.
    let limit = if resolute { 1 } else { cap.saturating_add(1) };
    let mut found = Found {
        set: BTreeSet::new(),
        limit,
    };
    let mut rounds = Vec::new();
    let mut notes = Vec::new();
    match rule {
        Rule::Av | Rule::Sav if ctx.constraints.is_some() => {
            let kind = if rule == Rule::Sav {
                Score::Sav
            } else {
                Score::Av
            };
            thiele_optimum(&ctx, kind, &mut found, &mut notes)?;
        }
        Rule::Av | Rule::Sav => {
            separable(&ctx, rule == Rule::Sav, resolute, &mut found, &mut notes);
        }
        Rule::Pav => thiele_optimum(&ctx, Score::Pav, &mut found, &mut notes)?,
        Rule::Cc => thiele_optimum(&ctx, Score::Cc, &mut found, &mut notes)?,
        Rule::SeqPav | Rule::SeqCc => {
            seq_thiele(
                &ctx,
                rule == Rule::SeqPav,
                resolute,
                &mut found,
                &mut rounds,
            )?;
        }
        Rule::RevSeqPav => rev_seq_pav(&ctx, resolute, &mut found, &mut rounds)?,
        Rule::SeqPhragmen => {
            let start = Classes::new(ctx.voters, ctx.m, &|_| Q::zero());
            seq_phragmen(&ctx, Vec::new(), start, resolute, &mut found, &mut rounds);
        }
        Rule::EqualShares | Rule::EqualSharesAv => {
            let completion = if rule == Rule::EqualShares {
                Completion::Phragmen
            } else {
                Completion::Av
            };
            let budget = q(k as u64) / q(ctx.total.max(1));
            equal_shares(
                &ctx,
                &budget,
                completion,
                resolute,
                &mut found,
                &mut rounds,
                &mut notes,
            );
        }
        Rule::EqualSharesIncrement => {
            equal_shares_increment(&ctx, &mut found, &mut rounds, &mut notes)?;
        }
        Rule::PhragmenEnestroem => phragmen_enestroem(&ctx, resolute, &mut found, &mut rounds),
        Rule::MaximinSupport => maximin_support(&ctx, resolute, &mut found, &mut rounds)?,
        Rule::Monroe => monroe(&ctx, &mut found, &mut notes)?,
        Rule::GreedyMonroe => greedy_monroe(&ctx, &mut found, &mut rounds),
        Rule::MinimaxAv => minimax_av(&ctx, &mut found, &mut notes)?,
    }
    if let Some(e) = ctx.refused.borrow_mut().take() {
        return Err(e);
    }
    let mut committees: Vec<Vec<usize>> = found.set.into_iter().collect();
    let truncated = committees.len() > cap;
    committees.truncate(cap);
    if truncated {
        notes.push(format!(
            "more than {cap} committees win; the list stops at {cap}"
        ));
    }
    Ok(Outcome {
        rule,
        committees,
        truncated,
        rounds,
        notes,
    })
}

/// Branches on the tied candidates (only the first when resolute): each
/// child is `committee` with the candidate added and the state `next` makes
/// for it. A full committee is recorded; a partial one goes on `stack` so
/// that the smaller candidate is explored first. Whether to stop.
fn branch<S>(
    ctx: &Ctx<'_>,
    committee: &[usize],
    tied: &[usize],
    resolute: bool,
    found: &mut Found,
    stack: &mut Vec<(Vec<usize>, S)>,
    next: &dyn Fn(usize) -> S,
) -> bool {
    let mut children = Vec::new();
    for &c in tied {
        let mut grown = committee.to_vec();
        grown.push(c);
        if grown.len() == ctx.k {
            if found.add(grown) {
                return true;
            }
        } else {
            children.push((grown, next(c)));
        }
        if resolute {
            break;
        }
    }
    stack.extend(children.into_iter().rev());
    false
}

// ---------------------------------------------------------------------------
// AV and SAV

fn separable(ctx: &Ctx<'_>, sav: bool, resolute: bool, found: &mut Found, notes: &mut Vec<String>) {
    let score: Vec<Q> = (0..ctx.m)
        .map(|c| {
            ctx.approvers.get(c).map_or_else(Q::zero, |vs| {
                vs.iter().fold(Q::zero(), |acc, &v| {
                    let w = q(ctx.weight(v));
                    if sav {
                        let n = ctx.voters.get(v).map_or(1, |(a, _)| a.len().max(1));
                        acc + w / q(n as u64)
                    } else {
                        acc + w
                    }
                })
            })
        })
        .collect();
    let mut sorted = score.clone();
    sorted.sort();
    let cutoff = sorted.get(ctx.m - ctx.k).cloned().unwrap_or_else(Q::zero);
    let certain: Vec<usize> = (0..ctx.m)
        .filter(|&c| score.get(c).is_some_and(|s| *s > cutoff))
        .collect();
    let possible: Vec<usize> = (0..ctx.m)
        .filter(|&c| score.get(c).is_some_and(|s| *s == cutoff))
        .collect();
    let missing = ctx.k - certain.len();
    notes.push(format!(
        "{} candidates certain, {missing} of {} tied at score {cutoff}",
        certain.len(),
        possible.len()
    ));
    combinations(&possible, missing, &mut |pick| {
        let mut committee = certain.clone();
        committee.extend_from_slice(pick);
        found.add(committee) || resolute
    });
}

/// Calls `visit` with every `r`-subset of `items` in lexicographic order until
/// it returns true.
pub(super) fn combinations(items: &[usize], r: usize, visit: &mut dyn FnMut(&[usize]) -> bool) {
    fn go(
        items: &[usize],
        r: usize,
        start: usize,
        pick: &mut Vec<usize>,
        visit: &mut dyn FnMut(&[usize]) -> bool,
    ) -> bool {
        if pick.len() == r {
            return visit(pick);
        }
        let need = r - pick.len();
        for i in start..items.len() {
            if items.len() - i < need {
                break;
            }
            if let Some(&c) = items.get(i) {
                pick.push(c);
                if go(items, r, i + 1, pick, visit) {
                    return true;
                }
                pick.pop();
            }
        }
        false
    }
    go(items, r, 0, &mut Vec::with_capacity(r), visit);
}

/// C(n, r), saturating.
pub(super) fn binomial(n: usize, r: usize) -> u128 {
    if r > n {
        return 0;
    }
    let r = r.min(n - r);
    (0..r).fold(1u128, |acc, i| {
        acc.saturating_mul((n - i) as u128) / (i as u128 + 1)
    })
}

fn too_large(what: &str, count: u128) -> Result<()> {
    if count > super::MAX_COMMITTEES_EXAMINED {
        return Err(Error::CommitteeTooLarge {
            what: what.to_owned(),
            count,
            limit: super::MAX_COMMITTEES_EXAMINED,
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Thiele methods: PAV (1, 1/2, 1/3, …) and CC (1, 0, 0, …)

/// The marginal score of a voter's `j`-th approved member, scaled by
/// `lcm(1..=k)` so that PAV's harmonic numbers are integers.
fn marginal(pav: bool, j: usize, scale: u128) -> u128 {
    match (pav, j) {
        (_, 0) => 0,
        (true, j) => scale / j as u128,
        (false, 1) => scale,
        (false, _) => 0,
    }
}

/// `lcm(1..=k)`, or `None` beyond `u128` (k above 88).
fn lcm_upto(k: usize) -> Option<u128> {
    fn gcd(a: u128, b: u128) -> u128 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    (1..=k as u128).try_fold(1u128, |acc, i| (acc / gcd(acc, i)).checked_mul(i))
}

/// PAV's scale for `k` seats, or the error for a committee too large to score
/// exactly in 128 bits (the sums of weight × scale must fit).
fn pav_scale(ctx: &Ctx<'_>, k: usize) -> Result<u128> {
    lcm_upto(k)
        .filter(|l| l.checked_mul(u128::from(ctx.total.max(1))).is_some())
        .ok_or_else(|| Error::CommitteeTooLarge {
            what: format!("PAV's exact scores for {k} seats"),
            count: k as u128,
            limit: 40,
        })
}

/// What an exhaustively optimised rule scores.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Score {
    /// 1, 1/2, 1/3, … per voter.
    Pav,
    /// 1 for a voter's first member.
    Cc,
    /// The voter's weight per member (with composition rules only).
    Av,
    /// The voter's weight split over their approvals (with composition rules only).
    Sav,
}

/// The depth-first search for the best committees of an additive score.
struct Search<'c, 'a> {
    ctx: &'c Ctx<'a>,
    kind: Score,
    scale: u128,
    count: Vec<usize>,
    chosen: Vec<usize>,
    best: Option<u128>,
    ties: Vec<Vec<usize>>,
    limit: usize,
}
impl Search<'_, '_> {
    fn gain(&self, c: usize) -> u128 {
        self.ctx.approvers.get(c).map_or(0, |vs| {
            vs.iter()
                .map(|&v| {
                    let j = self.count.get(v).copied().unwrap_or(0) + 1;
                    let per = match self.kind {
                        Score::Pav => marginal(true, j, self.scale),
                        Score::Cc => marginal(false, j, self.scale),
                        Score::Av => self.scale,
                        Score::Sav => {
                            let len = self.ctx.voters.get(v).map_or(1, |(a, _)| a.len().max(1));
                            self.scale / len as u128
                        }
                    };
                    u128::from(self.ctx.weight(v)) * per
                })
                .sum()
        })
    }

    fn go(&mut self, start: usize, score: u128) {
        let need = self.ctx.k - self.chosen.len();
        if need == 0 {
            if !self.ctx.meets(&self.chosen) {
                return;
            }
            match self.best {
                Some(b) if score < b => {}
                Some(b) if score == b => {
                    if self.ties.len() < self.limit {
                        self.ties.push(self.chosen.clone());
                    }
                }
                _ => {
                    self.best = Some(score);
                    self.ties = vec![self.chosen.clone()];
                }
            }
            return;
        }
        // Bound: the `need` largest marginal gains now.
        let mut gains: Vec<u128> = (start..self.ctx.m).map(|c| self.gain(c)).collect();
        if gains.len() < need {
            return;
        }
        let mut top = gains.clone();
        top.sort_unstable_by(|a, b| b.cmp(a));
        let bound: u128 = score + top.iter().take(need).sum::<u128>();
        if self.best.is_some_and(|b| bound < b) {
            return;
        }
        for c in start..=self.ctx.m - need {
            let g = gains.get(c - start).copied().unwrap_or(0);
            if let Some(vs) = self.ctx.approvers.get(c) {
                for &v in vs {
                    if let Some(n) = self.count.get_mut(v) {
                        *n += 1;
                    }
                }
            }
            self.chosen.push(c);
            self.go(c + 1, score + g);
            self.chosen.pop();
            if let Some(vs) = self.ctx.approvers.get(c) {
                for &v in vs {
                    if let Some(n) = self.count.get_mut(v) {
                        *n -= 1;
                    }
                }
            }
        }
        gains.clear();
    }
}

/// PAV and CC (and, under composition rules, AV and SAV): the committees of
/// greatest score that meet the rules, by depth-first search with an upper
/// bound (a voter's marginal gains only fall as members are added).
fn thiele_optimum(
    ctx: &Ctx<'_>,
    kind: Score,
    found: &mut Found,
    notes: &mut Vec<String>,
) -> Result<()> {
    let name = match kind {
        Score::Pav => "pav",
        Score::Cc => "cc",
        Score::Av => "av",
        Score::Sav => "sav",
    };
    too_large(name, binomial(ctx.m, ctx.k))?;
    let scale = match kind {
        Score::Pav => pav_scale(ctx, ctx.k)?,
        Score::Cc | Score::Av => 1,
        Score::Sav => {
            let longest = ctx.voters.iter().map(|(a, _)| a.len()).max().unwrap_or(1);
            pav_scale(ctx, longest.max(1))?
        }
    };
    let mut search = Search {
        ctx,
        kind,
        scale,
        count: vec![0; ctx.voters.len()],
        chosen: Vec::with_capacity(ctx.k),
        best: None,
        ties: Vec::new(),
        limit: found.limit,
    };
    search.go(0, 0);
    let Some(best) = search.best else {
        notes.push("no committee meets the composition rules".to_owned());
        return Ok(());
    };
    notes.push(match kind {
        Score::Cc => format!("the greatest CC score (voters with a member they approve) is {best}"),
        _ => format!(
            "the greatest {} score{} is {}",
            name.to_uppercase(),
            if ctx.constraints.is_some() {
                " meeting the composition rules"
            } else {
                ""
            },
            Q::new(BigInt::from(best), BigInt::from(scale))
        ),
    });
    for committee in search.ties {
        if found.add(committee) {
            break;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Sequential and reverse sequential Thiele

fn seq_thiele(
    ctx: &Ctx<'_>,
    pav: bool,
    resolute: bool,
    found: &mut Found,
    rounds: &mut Vec<Round>,
) -> Result<()> {
    let scale = if pav { pav_scale(ctx, ctx.k)? } else { 1 };
    let mut stack: Vec<(Vec<usize>, ())> = vec![(Vec::new(), ())];
    while let Some((committee, ())) = stack.pop() {
        let mut count = vec![0usize; ctx.voters.len()];
        for &c in &committee {
            for &v in ctx.approvers.get(c).map_or(&[][..], Vec::as_slice) {
                if let Some(n) = count.get_mut(v) {
                    *n += 1;
                }
            }
        }
        let gain: Vec<Option<u128>> = (0..ctx.m)
            .map(|c| {
                (!committee.contains(&c) && ctx.allowed(&committee, c)).then(|| {
                    ctx.approvers.get(c).map_or(0, |vs| {
                        vs.iter()
                            .map(|&v| {
                                u128::from(ctx.weight(v))
                                    * marginal(pav, count.get(v).copied().unwrap_or(0) + 1, scale)
                            })
                            .sum()
                    })
                })
            })
            .collect();
        let best = gain.iter().flatten().max().copied().unwrap_or(0);
        let tied: Vec<usize> = (0..ctx.m)
            .filter(|&c| gain.get(c).copied().flatten() == Some(best))
            .collect();
        if resolute && let Some(&c) = tied.first() {
            rounds.push(Round {
                candidate: c,
                tied: tied.clone(),
                why: format!(
                    "adds the most to the {} score: {}",
                    if pav { "PAV" } else { "CC" },
                    Q::new(BigInt::from(best), BigInt::from(scale))
                ),
            });
        }
        if branch(ctx, &committee, &tied, resolute, found, &mut stack, &|_| ()) {
            return Ok(());
        }
    }
    Ok(())
}

fn rev_seq_pav(
    ctx: &Ctx<'_>,
    resolute: bool,
    found: &mut Found,
    rounds: &mut Vec<Round>,
) -> Result<()> {
    let longest = ctx.voters.iter().map(|(a, _)| a.len()).max().unwrap_or(1);
    let scale = pav_scale(ctx, longest.clamp(1, ctx.m))?;
    let loss = |committee: &[bool]| -> Vec<Option<u128>> {
        let count: Vec<usize> = ctx
            .voters
            .iter()
            .map(|(a, _)| {
                a.iter()
                    .filter(|&&c| committee.get(c).copied().unwrap_or(false))
                    .count()
            })
            .collect();
        (0..ctx.m)
            .map(|c| {
                let keeps = committee.get(c).copied().unwrap_or(false) && {
                    let mut without = committee.to_vec();
                    if let Some(slot) = without.get_mut(c) {
                        *slot = false;
                    }
                    ctx.within(&without)
                };
                keeps.then(|| {
                    ctx.approvers.get(c).map_or(0, |vs| {
                        vs.iter()
                            .map(|&v| {
                                u128::from(ctx.weight(v))
                                    * marginal(true, count.get(v).copied().unwrap_or(0), scale)
                            })
                            .sum()
                    })
                })
            })
            .collect()
    };
    if resolute {
        let mut committee = vec![true; ctx.m];
        for _ in 0..ctx.m - ctx.k {
            let losses = loss(&committee);
            let least = losses.iter().flatten().min().copied().unwrap_or(0);
            let tied: Vec<usize> = (0..ctx.m)
                .filter(|&c| losses.get(c).copied().flatten() == Some(least))
                .collect();
            // Ties: the candidate with the larger index goes first.
            if let Some(&c) = tied.last() {
                if let Some(slot) = committee.get_mut(c) {
                    *slot = false;
                }
                rounds.push(Round {
                    candidate: c,
                    tied,
                    why: format!(
                        "removed: it costs the PAV score least, {}",
                        Q::new(BigInt::from(least), BigInt::from(scale))
                    ),
                });
            }
        }
        found.add(
            (0..ctx.m)
                .filter(|&c| committee.get(c).copied().unwrap_or(false))
                .collect(),
        );
        return Ok(());
    }
    // Every way of breaking the ties, level by level.
    let mut level: BTreeSet<Vec<bool>> = BTreeSet::from([vec![true; ctx.m]]);
    for _ in 0..ctx.m - ctx.k {
        let mut next = BTreeSet::new();
        for committee in &level {
            let losses = loss(committee);
            let least = losses.iter().flatten().min().copied().unwrap_or(0);
            for c in 0..ctx.m {
                if losses.get(c).copied().flatten() == Some(least) {
                    let mut smaller = committee.clone();
                    if let Some(slot) = smaller.get_mut(c) {
                        *slot = false;
                    }
                    next.insert(smaller);
                }
            }
        }
        level = next;
    }
    let mut all: Vec<Vec<usize>> = level
        .iter()
        .map(|c| {
            (0..ctx.m)
                .filter(|&i| c.get(i).copied().unwrap_or(false))
                .collect()
        })
        .collect();
    all.sort();
    for committee in all {
        if found.add(committee) {
            break;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Sequential Phragmén

/// Sequential Phragmén from `committee` and voters' loads (negative loads
/// are budgets left over, for Equal Shares' completion), voters grouped by
/// load.
fn seq_phragmen(
    ctx: &Ctx<'_>,
    committee: Vec<usize>,
    load: Classes,
    resolute: bool,
    found: &mut Found,
    rounds: &mut Vec<Round>,
) -> bool {
    let weights: Vec<u64> = (0..ctx.m).map(|c| ctx.approval_weight(c)).collect();
    let mut stack = vec![(committee, load)];
    while let Some((committee, load)) = stack.pop() {
        if committee.len() >= ctx.k {
            if found.add(committee) {
                return true;
            }
            continue;
        }
        // Floats only shortlist: each candidate's load is estimated with an
        // error bound, and only candidates whose interval reaches the least
        // upper end can be the least; their loads are then computed exactly.
        let estimates: Vec<Option<(f64, f64)>> = (0..ctx.m)
            .map(|c| {
                let w = weights.get(c).copied().unwrap_or(0);
                (!committee.contains(&c) && w > 0 && ctx.allowed(&committee, c))
                    .then(|| load.estimate(c, w))
            })
            .collect();
        let ceiling = estimates
            .iter()
            .flatten()
            .map(|(e, err)| e + err)
            .fold(f64::INFINITY, f64::min);
        let new_load: Vec<Option<Q>> = (0..ctx.m)
            .map(|c| {
                let w = weights.get(c).copied().unwrap_or(0);
                if committee.contains(&c) || !ctx.allowed(&committee, c) {
                    Some(q(ctx.k as u64 + 2))
                } else if w == 0 {
                    Some(q(ctx.k as u64 + 1))
                } else {
                    let (e, err) = estimates.get(c).copied().flatten()?;
                    (e - err <= ceiling || !ceiling.is_finite())
                        .then(|| (load.weighted_sum(c, &|_| true) + Q::one()) / q(w))
                }
            })
            .collect();
        let new_load: Vec<Q> = new_load
            .into_iter()
            .map(|l| l.unwrap_or_else(|| q(ctx.k as u64 + 3)))
            .collect();
        let best = new_load.iter().min().cloned().unwrap_or_else(Q::zero);
        let tied: Vec<usize> = (0..ctx.m)
            .filter(|&c| new_load.get(c) == Some(&best))
            .collect();
        if resolute && let Some(&c) = tied.first() {
            rounds.push(Round {
                candidate: c,
                tied: tied.clone(),
                why: format!("its supporters' load would be the least: {best}"),
            });
        }
        let next = |c: usize| {
            let mut next_load = load.clone();
            let approvers = ctx.approvers.get(c).map_or(&[][..], Vec::as_slice);
            next_load.move_approvers(approvers, ctx.voters, &|_| best.clone());
            next_load
        };
        if branch(ctx, &committee, &tied, resolute, found, &mut stack, &next) {
            return true;
        }
    }
    false
}

// ---------------------------------------------------------------------------
// The Method of Equal Shares

#[derive(Clone, Copy, PartialEq, Eq)]
enum Completion {
    None,
    Phragmen,
    Av,
}

/// The least `ρ` at which `c`'s supporters pay 1 between them, each paying
/// `min(budget, ρ·weight)`; `None` if they cannot. Budgets are per unit of
/// weight, by class: the poorest classes drop out one by one, as abcvoting's
/// repeated sweep drops them (ρ only rises, so the same classes drop).
fn min_q(budget: &Classes, c: usize) -> Option<Q> {
    let mut classes: Vec<(&Q, u64)> = budget.of_candidate(c).collect();
    classes.sort_by(|a, b| a.0.cmp(b.0));
    let mut rich_weight: u64 = classes.iter().map(|(_, w)| *w).sum();
    let mut poor = Q::zero();
    for (beta, w) in classes {
        if rich_weight == 0 {
            return None;
        }
        let rho = (Q::one() - &poor) / q(rich_weight);
        if *beta >= rho {
            return Some(rho);
        }
        poor += beta * q(w);
        rich_weight -= w;
    }
    None
}

#[allow(
    clippy::too_many_arguments,
    reason = "the algorithm's state, passed as abcvoting passes it"
)]
fn equal_shares(
    ctx: &Ctx<'_>,
    per_voter: &Q,
    completion: Completion,
    resolute: bool,
    found: &mut Found,
    rounds: &mut Vec<Round>,
    notes: &mut Vec<String>,
) {
    let start = Classes::new(ctx.voters, ctx.m, &|_| per_voter.clone());
    // A candidate's price is above 1 / (its approvers' weight): candidates
    // are priced in order of that bound, and once it passes the best price
    // found, no later one can match it.
    let mut by_bound: Vec<(u64, usize)> = (0..ctx.m)
        .map(|c| (ctx.approval_weight(c), c))
        .filter(|(w, _)| *w > 0)
        .collect();
    by_bound.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut stack: Vec<(Vec<usize>, Classes)> = vec![(Vec::new(), start)];
    let mut completed = false;
    while let Some((committee, budget)) = stack.pop() {
        let mut prices: Vec<Option<Q>> = vec![None; ctx.m];
        let mut best: Option<Q> = None;
        for &(w, c) in &by_bound {
            if committee.contains(&c) || !ctx.allowed(&committee, c) {
                continue;
            }
            if best
                .as_ref()
                .is_some_and(|b| b.numer() * BigInt::from(w) < *b.denom())
            {
                break;
            }
            if let Some(price) = min_q(&budget, c) {
                if best.as_ref().is_none_or(|b| price < *b) {
                    best = Some(price.clone());
                }
                if let Some(slot) = prices.get_mut(c) {
                    *slot = Some(price);
                }
            }
        }
        let Some(best) = best else {
            // No one can afford another candidate: complete.
            if !completed {
                completed = true;
                notes.push(format!(
                    "Equal Shares elects {} of {}; {}",
                    committee.len(),
                    ctx.k,
                    match completion {
                        Completion::Phragmen =>
                            "sequential Phragmén completes it from the budgets left",
                        Completion::Av => "approval voting completes it",
                        Completion::None => "no completion",
                    }
                ));
            }
            let stop = match completion {
                Completion::None => found.add(committee),
                Completion::Phragmen => {
                    let load = budget.mapped(&|beta| -beta);
                    seq_phragmen(ctx, committee, load, resolute, found, rounds)
                }
                Completion::Av => av_completion(ctx, &committee, found),
            };
            if stop || (resolute && !found.set.is_empty()) {
                return;
            }
            continue;
        };
        let tied: Vec<usize> = (0..ctx.m)
            .filter(|&c| prices.get(c).cloned().flatten().as_ref() == Some(&best))
            .collect();
        if resolute && let Some(&c) = tied.first() {
            rounds.push(Round {
                candidate: c,
                tied: tied.clone(),
                why: format!(
                    "its supporters can pay for it at the least price per unit of weight, {best}"
                ),
            });
        }
        let next = |c: usize| {
            let mut next_budget = budget.clone();
            let approvers = ctx.approvers.get(c).map_or(&[][..], Vec::as_slice);
            next_budget.move_approvers(approvers, ctx.voters, &|beta| {
                if *beta > best {
                    beta - &best
                } else {
                    Q::zero()
                }
            });
            next_budget
        };
        if branch(ctx, &committee, &tied, resolute, found, &mut stack, &next) {
            return;
        }
    }
}

/// AV's winning committees of the seats missing, joined to `committee`; if
/// they overlap it, more seats are asked of AV until the union has `k`.
fn av_completion(ctx: &Ctx<'_>, committee: &[usize], found: &mut Found) -> bool {
    let score: Vec<u64> = (0..ctx.m).map(|c| ctx.approval_weight(c)).collect();
    if ctx.constraints.is_some() {
        // Under composition rules: the most approved candidate that keeps
        // them meetable, seat by seat, every tie explored.
        let mut stack = vec![committee.to_vec()];
        while let Some(partial) = stack.pop() {
            if partial.len() >= ctx.k {
                if found.add(partial) {
                    return true;
                }
                continue;
            }
            let open: Vec<usize> = (0..ctx.m)
                .filter(|c| !partial.contains(c) && ctx.allowed(&partial, *c))
                .collect();
            let best = open.iter().filter_map(|&c| score.get(c)).max().copied();
            let mut children: Vec<Vec<usize>> = open
                .into_iter()
                .filter(|&c| score.get(c).copied() == best)
                .map(|c| {
                    let mut next = partial.clone();
                    next.push(c);
                    next
                })
                .collect();
            children.reverse();
            stack.extend(children);
        }
        return false;
    }
    let mut missing = ctx.k - committee.len();
    while missing <= ctx.m {
        let mut sorted = score.clone();
        sorted.sort_unstable();
        let cutoff = sorted.get(ctx.m - missing).copied().unwrap_or(0);
        let certain: Vec<usize> = (0..ctx.m)
            .filter(|&c| score.get(c).is_some_and(|s| *s > cutoff))
            .collect();
        let possible: Vec<usize> = (0..ctx.m)
            .filter(|&c| score.get(c) == Some(&cutoff))
            .collect();
        let need = missing - certain.len().min(missing);
        let mut any = false;
        let mut stop = false;
        combinations(&possible, need, &mut |pick| {
            let mut union: BTreeSet<usize> = committee.iter().copied().collect();
            union.extend(certain.iter().copied());
            union.extend(pick.iter().copied());
            if union.len() == ctx.k {
                any = true;
                if found.add(union.into_iter().collect()) {
                    stop = true;
                    return true;
                }
            }
            false
        });
        if stop {
            return true;
        }
        if any {
            return false;
        }
        missing += 1;
    }
    false
}

fn equal_shares_increment(
    ctx: &Ctx<'_>,
    found: &mut Found,
    rounds: &mut Vec<Round>,
    notes: &mut Vec<String>,
) -> Result<()> {
    let approved = (0..ctx.m).filter(|&c| ctx.approval_weight(c) > 0).count();
    if approved < ctx.k {
        notes.push("fewer candidates are approved than seats: approval voting decides".to_owned());
        av_fallback(ctx, found);
        return Ok(());
    }
    let total = ctx.total.max(1);
    let upper = (ctx.k as u64).saturating_mul(total).saturating_add(1);
    for budget in ctx.k as u64..upper {
        // abcvoting raises the budget one seat's worth at a time and runs
        // Equal Shares again; a committee whose last seats need candidates
        // with few supporters can take up to k·n runs. Beyond the limit this
        // is refused, not left to run for hours.
        let runs = budget - ctx.k as u64 + 1;
        if u128::from(runs) > MAX_INCREMENT_RUNS {
            return Err(Error::CommitteeTooLarge {
                what:
                    "equal-shares-with-increment-completion (one Equal Shares run per budget step)"
                        .to_owned(),
                count: u128::from(upper - ctx.k as u64),
                limit: MAX_INCREMENT_RUNS,
            });
        }
        let mut attempt = Found {
            set: BTreeSet::new(),
            limit: 1,
        };
        let mut attempt_rounds = Vec::new();
        let mut attempt_notes = Vec::new();
        equal_shares(
            ctx,
            &(q(budget) / q(total)),
            Completion::None,
            true,
            &mut attempt,
            &mut attempt_rounds,
            &mut attempt_notes,
        );
        if let Some(committee) = attempt.set.into_iter().find(|c| c.len() == ctx.k) {
            notes.push(format!(
                "Equal Shares with the budget raised to {budget} (from {}) elects all {} seats",
                ctx.k, ctx.k
            ));
            *rounds = attempt_rounds;
            found.add(committee);
            return Ok(());
        }
    }
    // Only under composition rules that need unapproved candidates.
    notes.push(
        "no budget lets Equal Shares fill every seat within the composition rules: approval voting decides"
            .to_owned(),
    );
    av_fallback(ctx, found);
    Ok(())
}

/// One AV committee (within the composition rules, if any).
fn av_fallback(ctx: &Ctx<'_>, found: &mut Found) {
    let mut none = Vec::new();
    let mut one = Found {
        set: BTreeSet::new(),
        limit: 1,
    };
    if ctx.constraints.is_some() {
        // Errors (a search too large) surface through `refused`.
        if let Err(e) = thiele_optimum(ctx, Score::Av, &mut one, &mut none) {
            ctx.refused.borrow_mut().get_or_insert(e);
        }
    } else {
        separable(ctx, false, true, &mut one, &mut none);
    }
    if let Some(committee) = one.set.into_iter().next() {
        found.add(committee);
    }
}

// ---------------------------------------------------------------------------
// Phragmén–Eneström

fn phragmen_enestroem(ctx: &Ctx<'_>, resolute: bool, found: &mut Found, rounds: &mut Vec<Round>) {
    let price = q(ctx.total) / q(ctx.k as u64);
    // Budgets per unit of weight: each voter starts with their weight.
    let start = Classes::new(ctx.voters, ctx.m, &|_| Q::one());
    let mut stack: Vec<(Vec<usize>, Classes)> = vec![(Vec::new(), start)];
    while let Some((committee, budget)) = stack.pop() {
        let support: Vec<Option<Q>> = (0..ctx.m)
            .map(|c| {
                (!committee.contains(&c) && ctx.allowed(&committee, c))
                    .then(|| budget.weighted_sum(c, &|beta| beta.is_positive()))
            })
            .collect();
        let Some(best) = support.iter().flatten().max().cloned() else {
            continue;
        };
        let tied: Vec<usize> = (0..ctx.m)
            .filter(|&c| support.get(c).cloned().flatten().as_ref() == Some(&best))
            .collect();
        let multiplier = if best > price {
            (&best - &price) / &best
        } else {
            Q::zero()
        };
        if resolute && let Some(&c) = tied.first() {
            rounds.push(Round {
                candidate: c,
                tied: tied.clone(),
                why: format!(
                    "its supporters hold the most voting power, {best}; they pay the price {price}"
                ),
            });
        }
        let next = |c: usize| {
            let mut next_budget = budget.clone();
            let approvers = ctx.approvers.get(c).map_or(&[][..], Vec::as_slice);
            next_budget.move_approvers(approvers, ctx.voters, &|beta| beta * &multiplier);
            next_budget
        };
        if branch(ctx, &committee, &tied, resolute, found, &mut stack, &next) {
            return;
        }
    }
}

// ---------------------------------------------------------------------------
// Maximin support

/// The maximin support of `committee`: the most that can be guaranteed to its
/// least supported member when each voter spreads their weight over the
/// members they approve. By a max-flow/min-cut argument it is the least, over
/// nonempty subsets `S`, of the weight of voters approving someone in `S`
/// divided by `|S|`.
fn maximin_support_value(ctx: &Ctx<'_>, committee: &[usize]) -> Q {
    let size = committee.len();
    if size == 0 {
        return Q::zero();
    }
    let full = (1usize << size) - 1;
    // f[U] = weight of voters whose approved members all lie in U.
    let mut f = vec![0u128; full + 1];
    let mut all = 0u128;
    for (approve, w) in ctx.voters {
        let mut mask = 0usize;
        for (i, c) in committee.iter().enumerate() {
            if approve.binary_search(c).is_ok() {
                mask |= 1 << i;
            }
        }
        if let Some(slot) = f.get_mut(mask) {
            *slot += u128::from(*w);
        }
        all += u128::from(*w);
    }
    for bit in 0..size {
        for u in 0..=full {
            if u & (1 << bit) != 0 {
                let below = f.get(u ^ (1 << bit)).copied().unwrap_or(0);
                if let Some(slot) = f.get_mut(u) {
                    *slot += below;
                }
            }
        }
    }
    let mut best: Option<Q> = None;
    for s in 1..=full {
        let covered = all - f.get(full ^ s).copied().unwrap_or(0);
        let value = Q::new(BigInt::from(covered), BigInt::from(s.count_ones()));
        if best.as_ref().is_none_or(|b| value < *b) {
            best = Some(value);
        }
    }
    best.unwrap_or_else(Q::zero)
}

fn maximin_support(
    ctx: &Ctx<'_>,
    resolute: bool,
    found: &mut Found,
    rounds: &mut Vec<Round>,
) -> Result<()> {
    // Each candidate's value sums over every subset of the committee: 2^k.
    if ctx.k > MAX_MAXIMIN_SEATS {
        return Err(Error::CommitteeTooLarge {
            what: "maximin-support (every subset of the committee, per candidate and round)"
                .to_owned(),
            count: 1u128 << ctx.k.min(127),
            limit: 1 << MAX_MAXIMIN_SEATS,
        });
    }
    let mut stack: Vec<(Vec<usize>, ())> = vec![(Vec::new(), ())];
    while let Some((committee, ())) = stack.pop() {
        let values: Vec<Option<Q>> = (0..ctx.m)
            .map(|c| {
                (!committee.contains(&c) && ctx.allowed(&committee, c)).then(|| {
                    let mut with = committee.clone();
                    with.push(c);
                    maximin_support_value(ctx, &with)
                })
            })
            .collect();
        let best = values
            .iter()
            .flatten()
            .max()
            .cloned()
            .unwrap_or_else(Q::zero);
        let tied: Vec<usize> = (0..ctx.m)
            .filter(|&c| values.get(c).cloned().flatten().as_ref() == Some(&best))
            .collect();
        if resolute && let Some(&c) = tied.first() {
            rounds.push(Round {
                candidate: c,
                tied: tied.clone(),
                why: format!(
                    "with it the committee's least supported member gets the most: {best}"
                ),
            });
        }
        if branch(ctx, &committee, &tied, resolute, found, &mut stack, &|_| ()) {
            return Ok(());
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Monroe, greedy Monroe, minimax AV

/// The committees of greatest `score` among those that meet the rules,
/// examined one by one in lexicographic order; the greatest score.
fn exhaustive(ctx: &Ctx<'_>, found: &mut Found, score: &dyn Fn(&[usize]) -> i128) -> Option<i128> {
    let candidates: Vec<usize> = (0..ctx.m).collect();
    let mut best: Option<i128> = None;
    let mut ties: Vec<Vec<usize>> = Vec::new();
    combinations(&candidates, ctx.k, &mut |committee| {
        if !ctx.meets(committee) {
            return false;
        }
        let value = score(committee);
        match best {
            Some(b) if value < b => {}
            Some(b) if value == b => {
                if ties.len() < found.limit {
                    ties.push(committee.to_vec());
                }
            }
            _ => {
                best = Some(value);
                ties = vec![committee.to_vec()];
            }
        }
        false
    });
    for committee in ties {
        if found.add(committee) {
            break;
        }
    }
    best
}

fn monroe(ctx: &Ctx<'_>, found: &mut Found, notes: &mut Vec<String>) -> Result<()> {
    too_large("monroe", binomial(ctx.m, ctx.k))?;
    let best = exhaustive(ctx, found, &|committee| {
        i128::from(flow::monroe_score(ctx.voters, committee))
    });
    notes.push(format!(
        "the greatest Monroe score (voters represented by a member they approve) is {}",
        best.unwrap_or(0)
    ));
    Ok(())
}

fn greedy_monroe(ctx: &Ctx<'_>, found: &mut Found, rounds: &mut Vec<Round>) {
    // Voters not yet represented, by ballot group (voters in input order:
    // a group's voters are consecutive, so taking the first voters is taking
    // from the first groups).
    let mut remaining: Vec<u64> = ctx.voters.iter().map(|(_, w)| *w).collect();
    let n = ctx.total;
    let k = ctx.k as u64;
    let mut left: Vec<usize> = (0..ctx.m).collect();
    let mut committee = Vec::with_capacity(ctx.k);
    for t in 0..k {
        let approvals = |c: usize| -> u64 {
            ctx.approvers.get(c).map_or(0, |vs| {
                vs.iter()
                    .map(|&v| remaining.get(v).copied().unwrap_or(0))
                    .sum()
            })
        };
        let Some(&chosen) = left
            .iter()
            .filter(|&&c| ctx.allowed(&committee, c))
            .max_by(|&&a, &&b| approvals(a).cmp(&approvals(b)).then(b.cmp(&a)))
        else {
            break;
        };
        let quota = if t < n - k * (n / k) {
            n / k + 1
        } else {
            n / k
        };
        let before = approvals(chosen);
        let mut take = quota;
        for &v in ctx.approvers.get(chosen).map_or(&[][..], Vec::as_slice) {
            if let Some(r) = remaining.get_mut(v) {
                let now = (*r).min(take);
                *r -= now;
                take -= now;
            }
        }
        rounds.push(Round {
            candidate: chosen,
            tied: vec![chosen],
            why: format!(
                "approved by the most voters not yet represented ({before}); it represents {} of them",
                quota - take
            ),
        });
        left.retain(|&c| c != chosen);
        committee.push(chosen);
    }
    found.add(committee);
}

fn minimax_av(ctx: &Ctx<'_>, found: &mut Found, notes: &mut Vec<String>) -> Result<()> {
    too_large("minimaxav", binomial(ctx.m, ctx.k))?;
    // The least greatest Hamming distance: the greatest of its negation.
    let best = exhaustive(ctx, found, &|committee| {
        let worst = ctx
            .voters
            .iter()
            .map(|(a, _)| {
                let both = a
                    .iter()
                    .filter(|c| committee.binary_search(c).is_ok())
                    .count();
                a.len() + committee.len() - 2 * both
            })
            .max()
            .unwrap_or(0);
        -(worst as i128)
    });
    notes.push(format!(
        "the least greatest Hamming distance between a ballot and the committee is {}",
        best.map_or(0, |b| -b)
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::committee::Ballot;

    #[test]
    fn maximin_support_is_the_least_subset_ratio() {
        // Voters: 3 approve {0}, 1 approves {0, 1}: committee {0, 1} can give
        // 1 to candidate 1 and 3 to candidate 0 — the least is 1... or 2 each?
        // Voter {0,1} can split: 0 gets 3 + x, 1 gets 1 − x: the best least is 1.
        let profile = Profile::new(2, vec![Ballot::new(vec![0], 3), Ballot::new(vec![0, 1], 1)])
            .unwrap_or_else(|_| unreachable!());
        let ctx = Ctx::new(&profile, 2, None);
        assert_eq!(maximin_support_value(&ctx, &[0, 1]), q(1));
        assert_eq!(maximin_support_value(&ctx, &[0]), q(4));
        // Two voters {0,1}, one {1}: {0, 1} gets 3 to share: 1.5 each.
        let profile = Profile::new(2, vec![Ballot::new(vec![0, 1], 2), Ballot::new(vec![1], 1)])
            .unwrap_or_else(|_| unreachable!());
        let ctx = Ctx::new(&profile, 2, None);
        assert_eq!(
            maximin_support_value(&ctx, &[0, 1]),
            Q::new(BigInt::from(3), BigInt::from(2))
        );
    }

    #[test]
    fn binomials() {
        assert_eq!(binomial(9, 4), 126);
        assert_eq!(binomial(20, 7), 77_520);
        assert_eq!(binomial(5, 0), 1);
        assert_eq!(lcm_upto(6), Some(60));
        assert_eq!(lcm_upto(100), None);
    }
}
