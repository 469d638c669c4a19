//! The Method of Equal Shares, exactly.
//!
//! Every voter starts with the same budget `b`. A project `c` is ρ-affordable when
//! its supporters, each paying `min(budget, ρ·u)`, cover its cost; the project with
//! the smallest ρ (per unit of cost, for cost utilities) is bought, its supporters
//! pay, and the round repeats until nothing is affordable.
//!
//! Voters are handled in *classes* of equal remaining budget: a class splits only
//! when some of its members pay for a project, so a run prices a few hundred
//! budgets, not every voter. All budgets share one denominator (`d`, multiplied by
//! the payers' weight at each purchase), so pricing is big-integer arithmetic
//! without gcds. Candidates wait in a heap keyed by a lower bound of their price
//! (initially `cost / supporters`; ρ can only grow as budgets shrink), so only the
//! top is repriced (lazy evaluation). Every outcome a user sees — plain MES, and
//! add1 at the budget it finds ([`at_budget`]) — comes from this engine, with its
//! explanation.

use core::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};

use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive, Zero};

use super::num::{Key, Q, big, decimal};
use super::{Outcome, Profile, Utility, Why, set};
use crate::Result;

/// A project's price in one round.
#[derive(Debug, Clone)]
struct Price {
    /// What candidates are compared by: ρ, or ρ per unit of cost (cost utilities).
    key: Key,
    /// ρ = `r / (weight · d)`.
    r: BigInt,
    weight: u128,
    /// The common denominator of budgets when priced.
    d: BigInt,
    /// The supporters, poorest per unit of utility first; the first `split` pay
    /// everything they have.
    entries: Vec<Entry>,
    split: usize,
    /// What those who paid everything they had paid together (over `d`).
    limited_paid: BigInt,
}

/// Supporters of one class and utility.
#[derive(Debug, Clone, Copy)]
struct Entry {
    class: u32,
    u: u64,
    voters: u64,
}

struct Engine<'p, 'a> {
    profile: &'p Profile<'a>,
    utility: Utility,
    /// The current common denominator of budgets.
    d: BigInt,
    /// Budgets per class over `d`; class 0 is empty.
    value: Vec<BigInt>,
    /// Groups per class: classes that lose all their groups are dropped.
    members: Vec<u64>,
    group_class: Vec<u32>,
    /// Voters per group, beside `group_class` (a group's count read from
    /// [`Profile::groups`](super::Profile) loads a 24-byte record).
    counts: Vec<u64>,
    scratch: HashMap<(u32, u64), u64>,
    dense: Vec<u64>,
    /// The classes `entries` touched, kept between calls.
    touched: Vec<u32>,
    /// How [`Self::voters_by_class`] counts: `None` chooses by size; tests
    /// force one way (`Some(true)`: read back every class) or the other.
    read_every_class: Option<bool>,
    /// A product's digits, reused ([`add_product`]).
    product: BigInt,
}

/// `total += v · k` without allocating: `scratch` holds the product (its
/// buffer reused from call to call).
fn add_product(total: &mut BigInt, scratch: &mut BigInt, v: &BigInt, k: u64) {
    scratch.clone_from(v);
    *scratch *= k;
    *total += &*scratch;
}

/// `acc += v · k` over little-endian 64-bit limbs, carrying into `acc`'s limbs
/// beyond `v`'s: one more limb than `v` holds one product, two hold any sum of
/// fewer than 2⁶⁴ of them.
fn multiply_add(acc: &mut [u64], v: &[u64], k: u64) {
    let mut carry: u128 = 0;
    let (low, high) = acc.split_at_mut(v.len().min(acc.len()));
    for (slot, &digit) in low.iter_mut().zip(v) {
        let t = u128::from(*slot) + u128::from(digit) * u128::from(k) + carry;
        #[allow(clippy::cast_possible_truncation, reason = "the low limb")]
        let limb = t as u64;
        *slot = limb;
        carry = t >> 64;
    }
    for slot in high {
        if carry == 0 {
            break;
        }
        let t = u128::from(*slot) + carry;
        #[allow(clippy::cast_possible_truncation, reason = "the low limb")]
        let limb = t as u64;
        *slot = limb;
        carry = t >> 64;
    }
}

/// The non-negative integer whose little-endian 64-bit limbs are `limbs`.
fn from_limbs(limbs: &[u64]) -> BigInt {
    let digits: Vec<u32> = limbs
        .iter()
        .flat_map(|&limb| {
            #[allow(clippy::cast_possible_truncation, reason = "a limb's two halves")]
            [limb as u32, (limb >> 32) as u32]
        })
        .collect();
    BigInt::from_biguint(num_bigint::Sign::Plus, num_bigint::BigUint::new(digits))
}

/// What a run produced.
struct Run {
    chosen: Vec<usize>,
    prices: Vec<Option<Price>>,
    /// What each project's supporters had left at the end, over `d`.
    left: Vec<BigInt>,
    d: BigInt,
}

impl<'p, 'a> Engine<'p, 'a> {
    /// A run where every voter starts with `b = num / den`.
    fn new(profile: &'p Profile<'a>, utility: Utility, num: BigInt, den: BigInt) -> Self {
        Self {
            profile,
            utility,
            d: den,
            value: vec![BigInt::zero(), num],
            members: vec![0, profile.groups.len() as u64],
            group_class: vec![1; profile.groups.len()],
            counts: profile.groups.iter().map(|g| g.count).collect(),
            scratch: HashMap::new(),
            dense: Vec::new(),
            touched: Vec::new(),
            read_every_class: None,
            product: BigInt::zero(),
        }
    }

    /// Project `c`'s supporters by (class, utility), excluding the empty class,
    /// sorted by class and utility.
    fn entries(&mut self, c: usize) -> Vec<Entry> {
        let profile = self.profile;
        let support = profile.support(c);
        if self.utility != Utility::Points {
            return self.voters_by_class(support);
        }
        self.scratch.clear();
        let points_of = profile.points(c);
        for (i, &g) in support.iter().enumerate() {
            let points = points_of(i);
            let class = self.group_class.get(g as usize).copied().unwrap_or(0);
            if class == 0 {
                continue;
            }
            let count = self.counts.get(g as usize).copied().unwrap_or(0);
            *self.scratch.entry((class, points)).or_insert(0) += count;
        }
        let mut entries: Vec<Entry> = self
            .scratch
            .iter()
            .map(|(&(class, u), &voters)| Entry { class, u, voters })
            .collect();
        entries.sort_unstable_by_key(|e| (e.class, e.u));
        entries
    }

    /// The voters of `support`'s groups per class (utility 1), excluding the
    /// empty class, sorted by class.
    ///
    /// Counted in a dense array over the classes. When the classes are few
    /// beside the supporters (a run prices a project of 1,750 supporting
    /// groups against ~1,000 classes on Budapest 2024), every supporter adds
    /// to its class's slot without a branch, the empty class's too, and the
    /// slots are read back in class order; otherwise the classes touched are
    /// listed as they are met and sorted.
    fn voters_by_class(&mut self, support: &[u32]) -> Vec<Entry> {
        let classes = self.value.len();
        if self.dense.len() < classes {
            self.dense.resize(classes, 0);
        }
        let (group_class, counts) = (&self.group_class, &self.counts);
        let class_of = |g: u32| -> (u32, u64) {
            (
                group_class.get(g as usize).copied().unwrap_or(0),
                counts.get(g as usize).copied().unwrap_or(0),
            )
        };
        let dense = &mut self.dense;
        if self
            .read_every_class
            .unwrap_or(classes <= 4 * support.len() + 64)
        {
            for &g in support {
                let (class, count) = class_of(g);
                if let Some(slot) = dense.get_mut(class as usize) {
                    *slot += count;
                }
            }
            if let Some(empty) = dense.first_mut() {
                *empty = 0;
            }
            return (0u32..)
                .zip(dense.iter_mut().take(classes))
                .filter(|(_, voters)| **voters != 0)
                .map(|(class, voters)| Entry {
                    class,
                    u: 1,
                    // The class's voters, and the slot cleared for the next call.
                    voters: core::mem::take(voters),
                })
                .collect();
        }
        let mut touched = core::mem::take(&mut self.touched);
        touched.clear();
        for &g in support {
            let (class, count) = class_of(g);
            if class == 0 {
                continue;
            }
            if let Some(slot) = dense.get_mut(class as usize) {
                if *slot == 0 {
                    touched.push(class);
                }
                *slot += count;
            }
        }
        touched.sort_unstable();
        let entries = touched
            .iter()
            .map(|&class| Entry {
                class,
                u: 1,
                voters: dense.get_mut(class as usize).map_or(0, core::mem::take),
            })
            .collect();
        self.touched = touched;
        entries
    }

    /// `c`'s price this round, or `None` if its supporters cannot afford it.
    fn price(&mut self, c: usize) -> Option<Price> {
        let mut entries = self.entries(c);
        if entries.is_empty() {
            return None;
        }
        let zero = BigInt::zero();
        let value = &self.value;
        let v = |e: &Entry| value.get(e.class as usize).unwrap_or(&zero);
        let cost = self.profile.cost(c);
        let cost_d = big(cost) * &self.d;
        let mut total = BigInt::zero();
        let product = &mut self.product;
        for e in &entries {
            add_product(&mut total, product, v(e), e.voters);
        }
        total -= &cost_d;
        if total.is_negative() {
            return None;
        }
        // The poorest per unit of utility pay everything first.
        if self.utility == Utility::Points {
            entries.sort_by(|a, b| (v(a) * b.u).cmp(&(v(b) * a.u)));
        } else {
            entries.sort_by(|a, b| v(a).cmp(v(b)));
        }
        let mut weight: u128 = entries
            .iter()
            .map(|e| u128::from(e.u) * u128::from(e.voters))
            .sum();
        let mut rest = cost_d.clone();
        let mut split = entries.len();
        for (i, e) in entries.iter().enumerate() {
            product.clone_from(v(e));
            *product *= weight;
            let enough = if e.u == 1 {
                *product >= rest
            } else {
                *product >= &rest * e.u
            };
            if enough {
                split = i;
                break;
            }
            product.clone_from(v(e));
            *product *= e.voters;
            rest -= &*product;
            weight -= u128::from(e.u) * u128::from(e.voters);
        }
        let limited_paid = &cost_d - &rest;
        let r = rest;
        let per = if self.utility == Utility::Cost && cost > 0 {
            cost
        } else {
            1
        };
        let den = big(weight.max(1)) * &self.d;
        Some(Price {
            key: Key {
                num: r.clone(),
                den: &den * per,
            },
            r,
            weight: weight.max(1),
            d: self.d.clone(),
            entries,
            split,
            limited_paid,
        })
    }

    /// The supporters of the chosen project pay `min(budget, ρ·u)`: each class of
    /// them becomes a new class over the new denominator `d·w` (or empty).
    fn pay(&mut self, project: usize, price: &Price) {
        let w = price.weight;
        // (class, utility) → new class, sorted for binary search: a hash map
        // here cost a tenth of a Budapest run in SipHash.
        let mut moves: Vec<((u32, u64), u32)> = Vec::with_capacity(price.entries.len());
        let zero = BigInt::zero();
        let classes = self.value.len();
        for entry in &price.entries {
            let class = entry.class as usize;
            let value = self.value.get(class).unwrap_or(&zero) * w - &price.r * entry.u;
            let to = if value.is_positive() {
                self.value.push(value);
                u32::try_from(self.value.len() - 1).unwrap_or(0)
            } else {
                0
            };
            moves.push(((entry.class, entry.u), to));
        }
        moves.sort_unstable_by_key(|&(key, _)| key);
        // With utility 1 everywhere, each class's new class read from a dense
        // array instead (a binary search per supporting group was 6% of a
        // Budapest run).
        let mut after = Vec::new();
        if self.utility != Utility::Points {
            after.resize(classes, 0u32);
            for &((class, _), to) in &moves {
                set(&mut after, class as usize, to);
            }
        }
        let class_after = |key: (u32, u64)| {
            if !after.is_empty() {
                return after.get(key.0 as usize).copied().unwrap_or(0);
            }
            moves
                .binary_search_by_key(&key, |&(k, _)| k)
                .ok()
                .and_then(|i| moves.get(i))
                .map_or(0, |&(_, to)| to)
        };
        self.d *= w;
        self.members.resize(self.value.len(), 0);
        let utility = self.utility;
        let profile = self.profile;
        let points_of = profile.points(project);
        for (i, &g) in profile.support(project).iter().enumerate() {
            let Some(slot) = self.group_class.get_mut(g as usize) else {
                continue;
            };
            let from = *slot;
            if from == 0 {
                continue;
            }
            let u = if utility == Utility::Points {
                points_of(i)
            } else {
                1
            };
            let to = class_after((from, u));
            *slot = to;
            if let Some(m) = self.members.get_mut(from as usize) {
                *m -= 1;
            }
            if let Some(m) = self.members.get_mut(to as usize) {
                *m += 1;
            }
        }
        // Classes that still hold voters move to the new denominator; empty ones go.
        let fresh = self.value.len()
            - price
                .entries
                .iter()
                .filter(|e| class_after((e.class, e.u)) != 0)
                .count();
        for (v, &m) in self.value.iter_mut().zip(&self.members).take(fresh).skip(1) {
            if m == 0 {
                if !v.is_zero() {
                    *v = BigInt::zero();
                }
                continue;
            }
            *v *= w;
        }
    }

    /// Runs to the end; `explain` also totals what each project's supporters have
    /// left (for the report).
    fn run(mut self, explain: bool) -> Result<Run> {
        let m = self.profile.costs.len();
        let rank = |c: usize| self.profile.rank(c);
        let mut prices: Vec<Option<Price>> = vec![None; m];
        let mut stale: Vec<Option<Key>> = vec![None; m];
        let mut heap: BinaryHeap<Reverse<(Key, u32, usize)>> = BinaryHeap::new();
        // Start from a lower bound that needs no pricing: the price if every
        // supporter could pay an equal part per unit of utility. Lazy evaluation
        // prices a project only when it reaches the top.
        for (c, slot) in stale.iter_mut().enumerate() {
            let weight = if self.utility == Utility::Points {
                self.profile.scores.get(c).copied().unwrap_or(0)
            } else {
                u128::from(self.profile.supporters.get(c).copied().unwrap_or(0))
            };
            if weight == 0 {
                continue;
            }
            let cost = self.profile.cost(c);
            let per = if self.utility == Utility::Cost && cost > 0 {
                cost
            } else {
                1
            };
            let key = Key {
                num: big(cost),
                den: big(weight) * per,
            };
            heap.push(Reverse((key.clone(), rank(c), c)));
            *slot = Some(key);
        }
        let mut chosen = Vec::new();
        while let Some(Reverse((_, rc, c))) = heap.pop() {
            if stale.get(c).is_none_or(Option::is_none) {
                continue;
            }
            let Some(fresh) = self.price(c) else {
                set(&mut stale, c, None);
                continue;
            };
            let beats = heap
                .peek()
                .is_none_or(|Reverse((key, rd, _))| match fresh.key.cmp(key) {
                    Ordering::Less => true,
                    Ordering::Greater => false,
                    Ordering::Equal => rc < *rd,
                });
            if !beats {
                heap.push(Reverse((fresh.key.clone(), rc, c)));
                set(&mut stale, c, Some(fresh.key));
                continue;
            }
            set(&mut stale, c, None);
            self.check_ties(c, &fresh, &mut stale)?;
            self.pay(c, &fresh);
            chosen.push(c);
            set(&mut prices, c, Some(fresh));
        }
        let left = if explain {
            self.left(&prices)
        } else {
            Vec::new()
        };
        Ok(Run {
            chosen,
            prices,
            left,
            d: self.d.clone(),
        })
    }

    /// What each project not chosen has left among its supporters (over `d`;
    /// zero for the chosen): for the report.
    ///
    /// Each project's supporters are counted per class ([`Self::voters_by_class`]),
    /// and each class's budget, held in fixed-width 64-bit limbs, is
    /// multiplied by its voters and added ([`multiply_add`]): a few hundred
    /// classes per project where summing every supporting group's money took
    /// a pass over its limbs per group (Budapest 2024: 182,000 supporting
    /// groups, ~1,000 classes).
    fn left(&mut self, prices: &[Option<Price>]) -> Vec<BigInt> {
        let m = self.profile.costs.len();
        let chosen = |c: usize| prices.get(c).is_none_or(Option::is_some);
        // Budgets are never negative (`pay` keeps only positive ones), so a
        // budget is its magnitude.
        let digits = self
            .value
            .iter()
            .map(|v| v.magnitude().iter_u64_digits().len())
            .max()
            .unwrap_or(0);
        let mut budgets = vec![0u64; self.value.len() * digits];
        for (chunk, v) in budgets.chunks_exact_mut(digits.max(1)).zip(&self.value) {
            for (slot, digit) in chunk.iter_mut().zip(v.magnitude().iter_u64_digits()) {
                *slot = digit;
            }
        }
        // One limb more than a budget holds one product, two any sum of
        // fewer than 2⁶⁴ of them.
        let mut total = vec![0u64; digits + 2];
        let profile = self.profile;
        (0..m)
            .map(|c| {
                if chosen(c) {
                    return BigInt::zero();
                }
                let support = profile.support(c);
                total.fill(0);
                for e in self.voters_by_class(support) {
                    let at = e.class as usize * digits;
                    if let Some(budget) = budgets.get(at..at + digits) {
                        multiply_add(&mut total, budget, e.voters);
                    }
                }
                from_limbs(&total)
            })
            .collect()
    }

    /// With [`ProjectTieBreak::Refuse`](super::ProjectTieBreak::Refuse), fails if another
    /// candidate's price equals the chosen `c`'s. Stale keys are lower bounds, so
    /// only one equal to `c`'s could be a tie; it is repriced to tell.
    fn check_ties(&mut self, c: usize, fresh: &Price, stale: &mut [Option<Key>]) -> Result<()> {
        if !self.profile.refuse_ties {
            return Ok(());
        }
        let mut tied = vec![c];
        for d in 0..stale.len() {
            let Some(key) = stale.get(d).cloned().flatten() else {
                continue;
            };
            if fresh.key.cmp(&key) != Ordering::Equal {
                continue;
            }
            let current = self.price(d).map(|p| p.key);
            if current
                .as_ref()
                .is_some_and(|k| fresh.key.cmp(k) == Ordering::Equal)
            {
                tied.push(d);
            }
            if let Some(slot) = stale.get_mut(d) {
                *slot = current;
            }
        }
        self.profile.check_tie(&tied)
    }
}

/// A scaled amount as money, rounded half up to two places beyond the currency's
/// (a share of 7,200 among 43 is 167.44).
fn money(profile: &Profile<'_>, q: &Q) -> rust_decimal::Decimal {
    money_of(profile, q.numer(), q.denom())
}

/// [`money`] of `num / den` (`den > 0`), needing no lowest terms: a report's
/// amounts over the run's denominator are not reduced first (a gcd of
/// numbers of hundreds of bits per project was a tenth of a Budapest run).
fn money_of(profile: &Profile<'_>, num: &BigInt, den: &BigInt) -> rust_decimal::Decimal {
    // ⌊(200·num + den) / (2·den)⌋: hundredths of a scaled unit, half up.
    let hundredths: BigInt = (num * 200 + den) / (den * 2);
    let mantissa = hundredths.to_i128().unwrap_or(i128::MAX);
    decimal(mantissa, profile.decimals + 2).normalize()
}

fn fraction(q: &Q) -> String {
    if q.is_integer() {
        q.to_integer().to_string()
    } else {
        q.to_string()
    }
}

fn outcome(profile: &Profile<'_>, rule: &str, run: &Run, b: &Q) -> Outcome {
    let mut projects = profile.reports(&Why::NoSupport);
    for (c, report) in projects.iter_mut().enumerate() {
        if let Some(Some(price)) = run.prices.get(c) {
            let rho_den = big(price.weight) * &price.d;
            let voters = |entries: &[Entry]| entries.iter().map(|e| e.voters).sum::<u64>();
            let (limited, full) = price.entries.split_at(price.split.min(price.entries.len()));
            report.selected = true;
            report.why = Why::Paid {
                rho: fraction(&price.key.value()),
                full_payers: voters(full),
                share: money_of(profile, &price.r, &rho_den),
                partial_payers: voters(limited),
                partial_total: money_of(profile, &price.limited_paid, &price.d),
            };
        } else if profile.supporters.get(c).copied().unwrap_or(0) > 0 {
            report.why = Why::Unaffordable {
                supporters_left: run
                    .left
                    .get(c)
                    .map_or_else(Default::default, |l| money_of(profile, l, &run.d)),
            };
        }
    }
    let mut out = profile.outcome(rule, &run.chosen, projects);
    out.per_voter_budget = Some(money(profile, b));
    out
}

/// MES with the per-voter budget B/n.
pub(super) fn plain(profile: &Profile<'_>, utility: Utility) -> Result<Outcome> {
    let n = u128::from(profile.voters.max(1));
    let run = Engine::new(profile, utility, big(profile.budget), big(n)).run(true)?;
    Ok(outcome(
        profile,
        "mes",
        &run,
        &Q::new(big(profile.budget), big(n)),
    ))
}

/// The projects MES chooses, in order, when every voter starts with `b` (scaled).
pub(super) fn chosen_at(profile: &Profile<'_>, utility: Utility, b: u128) -> Result<Vec<usize>> {
    Ok(Engine::new(profile, utility, big(b), BigInt::one())
        .run(false)?
        .chosen)
}

/// MES with every voter starting at `b` (scaled), explained, under the name `rule`:
/// the outcome [`crate::add1`] reports once it has found its budget.
pub(super) fn at_budget(
    profile: &Profile<'_>,
    utility: Utility,
    b: u128,
    rule: &str,
) -> Result<Outcome> {
    let run = Engine::new(profile, utility, big(b), BigInt::one()).run(true)?;
    Ok(outcome(profile, rule, &run, &Q::from_integer(big(b))))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counting a project's supporters per class by reading back every
    /// class or by listing the classes touched gives the same runs: the
    /// same choices, prices, payers and money left, on real elections and
    /// generated ones (Budapest 2024 reads back every class on its own; a
    /// project of few supporters among many classes lists them).
    #[test]
    fn both_ways_of_counting_classes_run_alike() {
        let mut elections: Vec<_> = [
            "Poland_Warszawa_2019_Targowek_Mieszkaniowy.pb",
            "Netherlands_Amsterdam_588.pb",
            "Poland_Wieliczka_2023_Green_Budget.pb",
        ]
        .into_iter()
        .map(crate::testing::testdata)
        .collect();
        for seed in 1..4 {
            let shape = crate::RandomElection::new(40, 2_000)
                .with_approvals(6)
                .with_budget_percent(30);
            elections.push(crate::generate::election(&shape, seed).unwrap());
        }
        for election in &elections {
            let profile = Profile::new(election, crate::ProjectTieBreak::FileOrder).unwrap();
            for utility in [Utility::Cost, Utility::Approval] {
                let n = big(u128::from(profile.voters.max(1)));
                let run = |every: Option<bool>| {
                    let mut engine = Engine::new(&profile, utility, big(profile.budget), n.clone());
                    engine.read_every_class = every;
                    let run = engine.run(true).unwrap();
                    let prices: Vec<_> = run
                        .prices
                        .iter()
                        .map(|p| {
                            p.as_ref().map(|p| {
                                let entries: Vec<_> =
                                    p.entries.iter().map(|e| (e.class, e.u, e.voters)).collect();
                                (
                                    p.r.clone(),
                                    p.weight,
                                    entries,
                                    p.split,
                                    p.limited_paid.clone(),
                                )
                            })
                        })
                        .collect();
                    (run.chosen, prices, run.left, run.d)
                };
                let listed = run(Some(false));
                assert!(!listed.0.is_empty());
                assert_eq!(run(Some(true)), listed);
                assert_eq!(run(None), listed);
            }
        }
    }

    proptest::proptest! {
        /// Limb multiply-adds total what big integers total, with carries
        /// through every limb (values up to 2^256, counts up to u64::MAX).
        #[test]
        fn multiply_add_totals_as_big_integers_do(
            terms in proptest::collection::vec(
                (proptest::collection::vec(proptest::num::u64::ANY, 0..=4), proptest::num::u64::ANY),
                0..40,
            ),
        ) {
            let width = 4;
            let mut acc = vec![0u64; width + 2];
            let mut expected = BigInt::zero();
            let mut product = BigInt::zero();
            for (digits, k) in &terms {
                let mut limbs = digits.clone();
                limbs.resize(width, 0);
                multiply_add(&mut acc, &limbs, *k);
                add_product(&mut expected, &mut product, &from_limbs(digits), *k);
            }
            proptest::prop_assert_eq!(from_limbs(&acc), expected);
        }
    }
}
