//! Inequality measures over exact amounts.
//!
//! Amounts are exact decimals, brought to integers at their common scale. Measures
//! that are rational (Gini, Hoover, Palma, the Lorenz curve) are computed exactly
//! and rounded once, to the 28 significant digits of a decimal. Measures that need
//! logarithms or roots (Theil, MLD, Atkinson, the coefficient of variation) are
//! computed in double precision from the shares `rᵢ = xᵢ / μ`, with compensated
//! sums and the crate's own deterministic `ln` and `exp`, and reported rounded to 12
//! decimals: accurate to about 10⁻¹³, the same on every machine.
//!
//! # Zeros
//!
//! A zero amount is data (a group that received nothing matters) and is never
//! dropped. Where a measure involves `ln x` or `1/x`, its limit is used: `0·ln 0 = 0`
//! in Theil T, and a zero makes the geometric or harmonic mean 0, so Atkinson(ε ≥ 1)
//! is 1 (total inequality). The mean log deviation is infinite with a zero and is
//! reported as undefined (`None`), as is the Palma ratio when the poorest 40% hold
//! nothing, and the sample Gini of a single value.

use core::cmp::Ordering;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::detmath::{self, Sum};
use crate::exact::{ratio, to_integers};
use crate::{Error, Result};

/// Amounts as integers at their common scale, with their total.
#[derive(Debug, Clone)]
pub(crate) struct Amounts {
    /// In input order.
    values: Vec<u128>,
    total: u128,
}

/// Amounts sorted ascending (only the measures that need the order pay for it).
struct Sorted<'a> {
    amounts: &'a Amounts,
    ascending: Vec<u128>,
}

impl<'a> Sorted<'a> {
    fn new(amounts: &'a Amounts) -> Self {
        let mut ascending = amounts.values.clone();
        ascending.sort_unstable();
        Self { amounts, ascending }
    }
}

impl Amounts {
    pub(crate) fn new(values: &[Decimal]) -> Result<Self> {
        let (values, _scale) = to_integers(values)?;
        let total = values
            .iter()
            .try_fold(0u128, |acc, &v| acc.checked_add(v))
            .ok_or(Error::Overflow {
                context: "summing the values",
            })?;
        if total == 0 {
            return Err(Error::ZeroTotal);
        }
        Ok(Self { values, total })
    }

    fn n(&self) -> u128 {
        self.values.len() as u128
    }

    /// `rᵢ = xᵢ / μ` for each amount, in input order.
    #[allow(
        clippy::cast_precision_loss,
        reason = "shares are computed in double precision by design"
    )]
    fn shares(&self) -> impl Iterator<Item = f64> + '_ {
        let scale = self.values.len() as f64 / self.total as f64;
        self.values.iter().map(move |&x| x as f64 * scale)
    }
}

fn overflow(context: &'static str) -> Error {
    Error::Overflow { context }
}

/// `Σ i·x₍ᵢ₎` over the sorted amounts (1-based ranks), exactly.
fn ranked_sum(sorted: &Sorted<'_>) -> Result<u128> {
    (1u128..)
        .zip(&sorted.ascending)
        .try_fold(0u128, |acc, (i, &x)| {
            i.checked_mul(x)
                .and_then(|ix| acc.checked_add(ix))
                .ok_or_else(|| overflow("summing for the Gini coefficient"))
        })
}

/// The Gini coefficient, population form: `Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² μ)`, in `[0, 1)`.
///
/// Computed exactly over the sorted integers as
/// `(2 Σ i·x₍ᵢ₎ − (n + 1) Σ x) / (n Σ x)` and rounded once. Zeros count: a unit that
/// received nothing raises the coefficient.
///
/// ```
/// use guided_community_metrics::gini;
/// use rust_decimal::{dec, Decimal};
///
/// assert_eq!(gini(&[dec!(5), dec!(5)])?, Decimal::ZERO);
/// // One unit holds everything: (n − 1) / n.
/// assert_eq!(gini(&[dec!(0), dec!(0), dec!(0), dec!(12.5)])?, dec!(0.75));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::NoValues`] for no values, [`Error::NegativeValue`] naming the first
/// negative one, [`Error::ZeroTotal`] when all are zero (shares are undefined), and
/// [`Error::Overflow`] when the exact sums exceed 128 bits.
pub fn gini(values: &[Decimal]) -> Result<Decimal> {
    let amounts = Amounts::new(values)?;
    let numerator = gini_numerator(&Sorted::new(&amounts))?;
    gini_of(&amounts, numerator)
}

fn gini_numerator(sorted: &Sorted<'_>) -> Result<u128> {
    let amounts = sorted.amounts;
    ranked_sum(sorted)?
        .checked_mul(2)
        .and_then(|r| r.checked_sub(amounts.n().checked_add(1)?.checked_mul(amounts.total)?))
        .ok_or_else(|| overflow("summing for the Gini coefficient"))
}

fn gini_of(amounts: &Amounts, numerator: u128) -> Result<Decimal> {
    let denominator = amounts
        .n()
        .checked_mul(amounts.total)
        .ok_or_else(|| overflow("summing for the Gini coefficient"))?;
    ratio(numerator, denominator)
}

/// The sample Gini, `n / (n − 1)` times the population form; undefined for one value.
fn gini_sample_of(amounts: &Amounts, numerator: u128) -> Result<Option<Decimal>> {
    let n = amounts.n();
    if n < 2 {
        return Ok(None);
    }
    let denominator = (n - 1)
        .checked_mul(amounts.total)
        .ok_or_else(|| overflow("summing for the Gini coefficient"))?;
    ratio(numerator, denominator).map(Some)
}

/// The Hoover index: the share of the total that would have to move for every unit
/// to hold the same, `Σ |xᵢ − μ| / (2 Σ x)`, exactly.
fn hoover_of(amounts: &Amounts) -> Result<Decimal> {
    let n = amounts.n();
    let deviations = amounts.values.iter().try_fold(0u128, |acc, &x| {
        let scaled = x.checked_mul(n)?;
        acc.checked_add(scaled.abs_diff(amounts.total))
    });
    let denominator = n.checked_mul(amounts.total).and_then(|d| d.checked_mul(2));
    match (deviations, denominator) {
        (Some(numerator), Some(denominator)) => ratio(numerator, denominator),
        _ => Err(overflow("summing for the Hoover index")),
    }
}

/// The Lorenz curve at population share `j / m` (interpolating linearly between
/// units), as an exact fraction of the total: `(numerator, denominator)`.
fn lorenz_at(sorted: &Sorted<'_>, j: u128, m: u128) -> Result<(u128, u128)> {
    let amounts = sorted.amounts;
    let n = amounts.n();
    let position = j
        .checked_mul(n)
        .ok_or_else(|| overflow("interpolating the Lorenz curve"))?;
    let whole = usize::try_from(position / m).unwrap_or(usize::MAX);
    let rest = position % m;
    let below: u128 = sorted.ascending.iter().take(whole).sum();
    let next = sorted.ascending.get(whole).copied().unwrap_or(0);
    let numerator = below
        .checked_mul(m)
        .and_then(|b| b.checked_add(rest.checked_mul(next)?))
        .ok_or_else(|| overflow("interpolating the Lorenz curve"))?;
    let denominator = m
        .checked_mul(amounts.total)
        .ok_or_else(|| overflow("interpolating the Lorenz curve"))?;
    Ok((numerator, denominator))
}

/// The Palma ratio: the share of the richest 10% over the share of the poorest 40%
/// (Lorenz curve interpolated between units); undefined when the poorest 40% hold
/// nothing.
fn palma_of(sorted: &Sorted<'_>) -> Result<Option<Decimal>> {
    let (bottom, bottom_d) = lorenz_at(sorted, 4, 10)?;
    let (upto_90, upto_90_d) = lorenz_at(sorted, 9, 10)?;
    if bottom == 0 {
        return Ok(None);
    }
    // (1 − L(0.9)) / L(0.4), over the common denominator 10·X.
    debug_assert_eq!(bottom_d, upto_90_d);
    ratio(upto_90_d.saturating_sub(upto_90), bottom).map(Some)
}

/// Points of the Lorenz curve: the share of the total held by the poorest
/// `j / points` of units, for `j = 0..=points`, interpolated between units.
///
/// ```
/// use guided_community_metrics::lorenz_curve;
/// use rust_decimal::dec;
///
/// let curve = lorenz_curve(&[dec!(1), dec!(1), dec!(2)], 3)?;
/// let shares: Vec<String> = curve.iter().map(|p| p.1.to_string()).collect();
/// assert_eq!(shares, ["0", "0.25", "0.5", "1"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`gini`]; [`Error::NoValues`] for `points == 0`.
pub fn lorenz_curve(values: &[Decimal], points: u32) -> Result<Vec<(Decimal, Decimal)>> {
    if points == 0 {
        return Err(Error::NoValues);
    }
    let amounts = Amounts::new(values)?;
    let sorted = Sorted::new(&amounts);
    let m = u128::from(points);
    (0..=m)
        .map(|j| {
            let (numerator, denominator) = lorenz_at(&sorted, j, m)?;
            Ok((ratio(j, m)?, ratio(numerator, denominator)?))
        })
        .collect()
}

/// Double-precision sums over the shares `r = x / μ`, in one pass.
#[derive(Debug, Default)]
struct ShareSums {
    theil: Sum,
    log: Sum,
    sqrt: Sum,
    inverse: Sum,
    squared_deviation: Sum,
    zeros: bool,
}

fn share_sums(amounts: &Amounts) -> ShareSums {
    let mut sums = ShareSums::default();
    for r in amounts.shares() {
        if r > 0.0 {
            let ln = detmath::ln(r).unwrap_or(0.0);
            sums.theil.add(r * ln);
            sums.log.add(ln);
            sums.inverse.add(1.0 / r);
        } else {
            sums.zeros = true;
        }
        sums.sqrt.add(r.sqrt());
        sums.squared_deviation.add((r - 1.0) * (r - 1.0));
    }
    sums
}

/// A double-precision result as a decimal rounded to 12 places.
fn reported(x: f64) -> Option<Decimal> {
    if !x.is_finite() {
        return None;
    }
    Decimal::try_from(x)
        .ok()
        .map(|d| d.round_dp(12).normalize())
}

/// Every inequality measure of a distribution, and (with groups) the Theil
/// decomposition.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Inequality {
    /// Gini, population form.
    pub gini: Decimal,
    /// Gini, sample form (`n / (n − 1)` times the population form).
    pub gini_sample: Option<Decimal>,
    /// Theil T (GE(1)).
    pub theil_t: Option<Decimal>,
    /// Mean log deviation (Theil L, GE(0)); undefined with a zero.
    pub mld: Option<Decimal>,
    /// Theil T between groups, `Σ s_g ln(s_g / p_g)`.
    pub theil_between: Option<Decimal>,
    /// Theil T within groups, `Σ s_g T_g`.
    pub theil_within: Option<Decimal>,
    /// Atkinson with ε = 0.5.
    pub atkinson_0_5: Option<Decimal>,
    /// Atkinson with ε = 1 (1 − geometric mean / mean).
    pub atkinson_1: Option<Decimal>,
    /// Atkinson with ε = 2 (1 − harmonic mean / mean).
    pub atkinson_2: Option<Decimal>,
    /// Hoover (Robin Hood) index.
    pub hoover: Decimal,
    /// Coefficient of variation, population form: `σ / μ` with σ over `n`.
    pub cv_population: Option<Decimal>,
    /// Palma ratio: top 10% share over bottom 40% share.
    pub palma: Option<Decimal>,
}

/// Every measure at once, with the Theil decomposition when `groups` (one label per
/// value) is given.
///
/// ```
/// use guided_community_metrics::inequality;
/// use rust_decimal::Decimal;
///
/// let values: Vec<Decimal> = [10, 10, 10, 20, 50].into_iter().map(Decimal::from).collect();
/// let groups = ["a", "b", "c", "a", "b"];
/// let m = inequality(&values, Some(&groups))?;
/// assert_eq!(m.gini.to_string(), "0.36");
/// assert_eq!(m.hoover.to_string(), "0.3");
/// assert_eq!(m.theil_t.map(|t| t.to_string()).as_deref(), Some("0.250201211769"));
/// let (between, within) = (m.theil_between.ok_or("no groups")?, m.theil_within.ok_or("no groups")?);
/// assert!((between + within - m.theil_t.ok_or("no theil")?).abs() < Decimal::new(1, 11));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`gini`], and [`Error::GroupCount`] when `groups` does not have one label per
/// value.
pub fn inequality<G: AsRef<str>>(values: &[Decimal], groups: Option<&[G]>) -> Result<Inequality> {
    let amounts = Amounts::new(values)?;
    #[allow(clippy::cast_precision_loss, reason = "counts are far below 2^53")]
    let n = values.len() as f64;
    let sums = share_sums(&amounts);
    let mean = |s: Sum| s.value() / n;
    let theil_t = mean(sums.theil);
    let (between, within) = match groups {
        Some(labels) => {
            if labels.len() != values.len() {
                return Err(Error::GroupCount {
                    values: values.len(),
                    groups: labels.len(),
                });
            }
            let (b, w) = theil_decomposition(&amounts, labels);
            (reported(b), reported(w))
        }
        None => (None, None),
    };
    let atkinson_1 = if sums.zeros {
        Some(1.0)
    } else {
        detmath::exp(mean(sums.log)).map(|g| 1.0 - g)
    };
    let atkinson_2 = if sums.zeros {
        1.0
    } else {
        1.0 - 1.0 / mean(sums.inverse)
    };
    let sorted = Sorted::new(&amounts);
    let numerator = gini_numerator(&sorted)?;
    Ok(Inequality {
        gini: gini_of(&amounts, numerator)?,
        gini_sample: gini_sample_of(&amounts, numerator)?,
        theil_t: reported(theil_t),
        mld: if sums.zeros {
            None
        } else {
            reported(-mean(sums.log))
        },
        theil_between: between,
        theil_within: within,
        atkinson_0_5: reported(1.0 - mean(sums.sqrt) * mean(sums.sqrt)),
        atkinson_1: atkinson_1.and_then(reported),
        atkinson_2: reported(atkinson_2),
        hoover: hoover_of(&amounts)?,
        cv_population: reported(mean(sums.squared_deviation).sqrt()),
        palma: palma_of(&sorted)?,
    })
}

/// Theil T between and within groups: `T = Σ s_g ln(s_g / p_g) + Σ s_g T_g`, with
/// `s_g` a group's share of the total and `p_g` its share of the units. A group that
/// received nothing adds nothing to either term, but still counts in `p`.
#[allow(
    clippy::cast_precision_loss,
    reason = "shares are computed in double precision by design"
)]
fn theil_decomposition<G: AsRef<str>>(amounts: &Amounts, labels: &[G]) -> (f64, f64) {
    let mut order: Vec<usize> = (0..labels.len()).collect();
    order.sort_by(|&a, &b| match (labels.get(a), labels.get(b)) {
        (Some(x), Some(y)) => x.as_ref().cmp(y.as_ref()),
        _ => Ordering::Equal,
    });
    let total = amounts.total as f64;
    let n = amounts.values.len() as f64;
    let (mut between, mut within) = (Sum::default(), Sum::default());
    let mut start = 0;
    while start < order.len() {
        let label = order
            .get(start)
            .and_then(|&i| labels.get(i))
            .map(AsRef::as_ref);
        let end = start
            + order
                .get(start..)
                .map_or(1, |rest| {
                    rest.iter()
                        .take_while(|&&i| labels.get(i).map(AsRef::as_ref) == label)
                        .count()
                })
                .max(1);
        let members: Vec<u128> = order
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .filter_map(|&i| amounts.values.get(i).copied())
            .collect();
        let group_total: u128 = members.iter().sum();
        if group_total > 0 {
            let share = group_total as f64 / total;
            let population = members.len() as f64 / n;
            between.add(share * detmath::ln(share / population).unwrap_or(0.0));
            let mut theil = Sum::default();
            let scale = members.len() as f64 / group_total as f64;
            for &x in &members {
                let r = x as f64 * scale;
                if r > 0.0 {
                    theil.add(r * detmath::ln(r).unwrap_or(0.0));
                }
            }
            within.add(share * theil.value() / members.len() as f64);
        }
        start = end;
    }
    (between.value(), within.value())
}

/// Theil T (GE(1)): `(1/n) Σ rᵢ ln rᵢ` with `rᵢ = xᵢ / μ` and `0 ln 0 = 0`.
///
/// ```
/// use guided_community_metrics::theil;
/// use rust_decimal::{dec, Decimal};
///
/// assert_eq!(theil(&[dec!(3), dec!(3), dec!(3)])?, Decimal::ZERO);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`gini`].
pub fn theil(values: &[Decimal]) -> Result<Decimal> {
    let amounts = Amounts::new(values)?;
    let mut sum = Sum::default();
    for r in amounts.shares() {
        if r > 0.0 {
            sum.add(r * detmath::ln(r).unwrap_or(0.0));
        }
    }
    #[allow(clippy::cast_precision_loss, reason = "counts are far below 2^53")]
    let n = values.len() as f64;
    reported(sum.value() / n).ok_or(Error::Overflow {
        context: "computing Theil T",
    })
}

/// The Atkinson index for any `ε ≥ 0`: `1 − (mean r^(1−ε))^(1/(1−ε))`, and for
/// `ε = 1`, `1 − exp(mean ln r)`; with a zero amount and `ε ≥ 1` it is 1.
///
/// ```
/// use guided_community_metrics::atkinson;
/// use rust_decimal::{dec, Decimal};
///
/// let values: Vec<Decimal> = [10, 10, 10, 20, 50].into_iter().map(Decimal::from).collect();
/// assert_eq!(atkinson(&values, dec!(1))?.to_string(), "0.207553403769");
/// assert_eq!(atkinson(&[dec!(0), dec!(5)], dec!(2))?, Decimal::ONE);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`gini`], and [`Error::InvalidParameter`] for a negative `ε`.
pub fn atkinson(values: &[Decimal], epsilon: Decimal) -> Result<Decimal> {
    if epsilon.is_sign_negative() && !epsilon.is_zero() {
        return Err(Error::InvalidParameter {
            name: "epsilon",
            value: epsilon,
        });
    }
    let amounts = Amounts::new(values)?;
    let e = f64::try_from(epsilon).unwrap_or(0.0);
    let zeros = amounts.values.contains(&0);
    if zeros && e >= 1.0 {
        return Ok(Decimal::ONE);
    }
    #[allow(clippy::cast_precision_loss, reason = "counts are far below 2^53")]
    let n = values.len() as f64;
    let mut sum = Sum::default();
    let result = if epsilon == Decimal::ONE {
        for r in amounts.shares() {
            sum.add(detmath::ln(r).unwrap_or(0.0));
        }
        detmath::exp(sum.value() / n).map(|g| 1.0 - g)
    } else {
        let power = 1.0 - e;
        for r in amounts.shares() {
            if r > 0.0 {
                sum.add(
                    detmath::ln(r)
                        .and_then(|l| detmath::exp(power * l))
                        .unwrap_or(0.0),
                );
            }
        }
        let m = sum.value() / n;
        detmath::ln(m)
            .and_then(|l| detmath::exp(l / power))
            .map(|p| 1.0 - p)
    };
    result.and_then(reported).ok_or(Error::Overflow {
        context: "computing the Atkinson index",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::dec;

    fn decimals(values: &[i64]) -> Vec<Decimal> {
        values.iter().copied().map(Decimal::from).collect()
    }

    /// The definition, pair by pair, as an exact rational.
    fn gini_by_definition(values: &[u64]) -> (u128, u128) {
        let n = values.len() as u128;
        let total: u128 = values.iter().map(|&v| u128::from(v)).sum();
        let diffs: u128 = values
            .iter()
            .flat_map(|&a| values.iter().map(move |&b| u128::from(a.abs_diff(b))))
            .sum();
        (diffs, 2 * n * total)
    }

    #[test]
    fn known_values() {
        assert_eq!(gini(&decimals(&[10, 10, 10, 20, 50])).unwrap(), dec!(0.36));
        assert_eq!(
            gini(&decimals(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).unwrap(),
            dec!(0.3)
        );
        assert_eq!(
            gini(&[dec!(0.1), dec!(0.2), dec!(0.3)]).unwrap(),
            gini(&decimals(&[1, 2, 3])).unwrap()
        );
        let m = inequality::<&str>(&decimals(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), None).unwrap();
        // Bottom 40%: 1+2+3+4 = 10 of 55; top 10%: 10 of 55.
        assert_eq!(m.palma, Some(dec!(1)));
        assert_eq!(m.gini_sample, Some(dec!(0.3333333333333333333333333333)));
    }

    #[test]
    fn zeros_follow_the_documented_conventions() {
        let m = inequality::<&str>(&decimals(&[0, 0, 5, 5]), None).unwrap();
        assert_eq!(m.mld, None, "infinite with a zero");
        assert_eq!(m.atkinson_1, Some(Decimal::ONE));
        assert_eq!(m.atkinson_2, Some(Decimal::ONE));
        assert_eq!(m.palma, None, "the poorest 40% hold nothing");
        assert_eq!(m.gini, dec!(0.5));
        // Theil T: r = 0, 0, 2, 2 → (2 ln 2 + 2 ln 2) / 4 = ln 2.
        assert_eq!(m.theil_t, reported(core::f64::consts::LN_2));
        assert_eq!(gini(&decimals(&[0, 0])), Err(Error::ZeroTotal));
    }

    #[test]
    fn invalid_inputs() {
        assert_eq!(gini(&[]), Err(Error::NoValues));
        assert_eq!(
            gini(&decimals(&[3, -1])),
            Err(Error::NegativeValue {
                index: 1,
                value: dec!(-1)
            })
        );
        assert!(matches!(
            gini(&[Decimal::MAX; 3]),
            Ok(_) | Err(Error::Overflow { .. })
        ));
        assert_eq!(
            inequality(&decimals(&[1, 2]), Some(&["a"])),
            Err(Error::GroupCount {
                values: 2,
                groups: 1
            })
        );
        assert!(atkinson(&decimals(&[1, 2]), dec!(-1)).is_err());
    }

    proptest! {
        #[test]
        fn gini_equals_the_pairwise_definition(values in proptest::collection::vec(0u64..1_000_000, 1..40)) {
            prop_assume!(values.iter().any(|&v| v > 0));
            let (num, den) = gini_by_definition(&values);
            let got = gini(&values.iter().map(|&v| Decimal::from(v)).collect::<Vec<_>>()).unwrap();
            prop_assert_eq!(got, ratio(num, den).unwrap());
            prop_assert!(got >= Decimal::ZERO && got < Decimal::ONE);
        }

        #[test]
        fn atkinson_general_form_agrees_with_the_special_ones(values in proptest::collection::vec(1u64..10_000, 2..30)) {
            let values: Vec<Decimal> = values.iter().map(|&v| Decimal::from(v)).collect();
            let m = inequality::<&str>(&values, None).unwrap();
            let close = |a: Decimal, b: Option<Decimal>| (a - b.unwrap()).abs() <= dec!(0.000000001);
            prop_assert!(close(atkinson(&values, dec!(0.5)).unwrap(), m.atkinson_0_5));
            prop_assert!(close(atkinson(&values, dec!(2)).unwrap(), m.atkinson_2));
            prop_assert!(close(atkinson(&values, dec!(1)).unwrap(), m.atkinson_1));
        }
    }
}
