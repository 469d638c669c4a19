//! Apportionment: dividing an integer total (fen, places, hours) among weighted
//! demands, exactly.

use core::fmt;

use rust_decimal::Decimal;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::largest_remainder::{self, Scanned};
use crate::problem::{ApportionMethod, Bounds, Problem, Reason};
use crate::{Error, Result, divisor, waterfill};

/// One demand: a weight, and optionally a floor (a guaranteed minimum) and a cap
/// (what it asked for: it never gets more).
///
/// A floor is a minimum, not a bonus: a demand whose proportional share is above
/// its floor gets its share, not floor + share.
///
/// On the wire a demand is `{"weight": "2.5", "floor": 2, "cap": 10}` (floor and
/// cap optional) or just its weight. A weight may be a decimal string (exact) or a
/// JSON number (exact up to 15 significant digits: JSON numbers pass through
/// `f64`).
///
/// ```
/// use guided_community_pools::Demand;
/// use rust_decimal::dec;
///
/// let childcare = Demand::new(dec!(2.5)).with_floor(2).with_cap(10);
/// assert_eq!((childcare.floor, childcare.cap), (2, Some(10)));
/// let parsed: Demand = serde_json::from_str(r#"{"weight": "2.5", "floor": 2, "cap": 10}"#)?;
/// assert_eq!(parsed, childcare);
/// let bare: Vec<Demand> = serde_json::from_str(r#"[3, "2.5", 0.1]"#)?;
/// assert_eq!(bare, [Demand::new(3), Demand::new(dec!(2.5)), Demand::new(dec!(0.1))]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Demand {
    /// The weight: any non-negative decimal (scales may be mixed).
    pub weight: Decimal,
    /// The least this demand receives.
    pub floor: u64,
    /// The most this demand receives (what it asked for); `None` for no limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cap: Option<u64>,
}

impl Demand {
    /// A demand with `weight`, no floor and no cap.
    pub fn new(weight: impl Into<Decimal>) -> Self {
        Self {
            weight: weight.into(),
            floor: 0,
            cap: None,
        }
    }

    /// The same demand with a floor.
    #[must_use]
    pub const fn with_floor(self, floor: u64) -> Self {
        Self { floor, ..self }
    }

    /// The same demand with a cap.
    #[must_use]
    pub const fn with_cap(self, cap: u64) -> Self {
        Self {
            cap: Some(cap),
            ..self
        }
    }
}

impl<'de> Deserialize<'de> for Demand {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> core::result::Result<Self, D::Error> {
        deserializer.deserialize_any(DemandVisitor)
    }
}

/// A weight given as a JSON number or a decimal string.
struct Weight(Decimal);

impl<'de> Deserialize<'de> for Weight {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> core::result::Result<Self, D::Error> {
        deserializer
            .deserialize_any(DemandVisitor)
            .map(|d| Weight(d.weight))
    }
}

struct DemandVisitor;

impl DemandVisitor {
    /// A weight read exactly: a value with more than 28 decimal places or more
    /// than 28 digits is an error naming it, never rounded (a positive weight
    /// rounded to zero would silently get nothing).
    fn parse<E: de::Error>(text: &str) -> core::result::Result<Demand, E> {
        exact_decimal(text).map(Demand::new).ok_or_else(|| {
            E::custom(format_args!(
                "weight `{text}` is not a decimal this can hold exactly: at most 28 \
                     digits and 28 decimal places, e.g. 2.5 or \"0.0001\""
            ))
        })
    }
}

/// `text` as a decimal, exactly (`2.5`, `1e-3`, `-4`), or `None` if it would
/// have to be rounded or is not a number.
///
/// [`Decimal`]'s own `from_str` rounds a 29th decimal place away: a weight of
/// `0.00000000000000000000000000001` would become 0 and silently get nothing.
/// Here it is refused, as is anything beyond about ±7.9e28; zeros at the end of
/// a fraction are not digits that need rounding.
///
/// ```
/// use guided_community_pools::exact_decimal;
/// use rust_decimal::Decimal;
///
/// assert_eq!(exact_decimal("2.5"), Some(Decimal::new(25, 1)));
/// assert_eq!(exact_decimal("1e-3"), Some(Decimal::new(1, 3)));
/// assert_eq!(exact_decimal("1.50000000000000000000000000000"), Some(Decimal::new(15, 1)));
/// assert_eq!(exact_decimal("0.00000000000000000000000000001"), None);
/// assert_eq!(exact_decimal("1e308"), None);
/// assert_eq!(exact_decimal("two"), None);
/// ```
pub fn exact_decimal(text: &str) -> Option<Decimal> {
    // Zeros at the end of a fraction do not change the value: `1.000…0` with 29
    // decimal places is exactly 1.
    let plain = |t: &str| {
        let t = if t.contains('.') {
            t.trim_end_matches('0')
        } else {
            t
        };
        Decimal::from_str_exact(t.strip_suffix('.').unwrap_or(t)).ok()
    };
    if let Some(d) = plain(text) {
        return Some(d);
    }
    // Scientific notation: the mantissa exactly, then exact scaling by ten.
    let (mantissa, exponent) = text.split_once(['e', 'E'])?;
    let mut value = plain(mantissa)?;
    let exponent: i32 = exponent.parse().ok()?;
    if value.is_zero() {
        return Some(value);
    }
    let ten = Decimal::TEN;
    for _ in 0..exponent.unsigned_abs().min(64) {
        value = if exponent > 0 {
            value.checked_mul(ten)?
        } else {
            let scale = value.scale().checked_add(1)?;
            if scale > 28 {
                return None;
            }
            let mut scaled = value;
            scaled.set_scale(scale).ok()?;
            scaled
        };
    }
    if exponent.unsigned_abs() > 64 && !value.is_zero() {
        return None;
    }
    Some(value)
}

/// An `f64` as a person would write it: `2.5`, `1e308`, `1e-30` (never a
/// 309-digit expansion).
pub(crate) fn shown(v: f64) -> String {
    let magnitude = v.abs();
    if magnitude == 0.0 || (1e-6..1e21).contains(&magnitude) {
        v.to_string()
    } else {
        format!("{v:e}")
    }
}

impl<'de> Visitor<'de> for DemandVisitor {
    type Value = Demand;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a weight (a number or a decimal string) or {\"weight\", \"floor\", \"cap\"}")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> core::result::Result<Demand, E> {
        Ok(Demand::new(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> core::result::Result<Demand, E> {
        Ok(Demand::new(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> core::result::Result<Demand, E> {
        // The shortest text that reads back as the same f64: `0.1`, not
        // `0.1000000000000000055511151231257827`; `1e-30`, not thirty zeros.
        Self::parse(&shown(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> core::result::Result<Demand, E> {
        Self::parse(v)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> core::result::Result<Demand, A::Error> {
        let (mut weight, mut floor, mut cap) = (None, None, None);
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "weight" => weight = Some(map.next_value::<Weight>()?.0),
                "floor" => floor = Some(map.next_value::<Whole>()?.0),
                "cap" => cap = map.next_value::<Option<Whole>>()?.map(|w| w.0),
                other => return Err(de::Error::unknown_field(other, &["weight", "floor", "cap"])),
            }
        }
        Ok(Demand {
            weight: weight.ok_or_else(|| de::Error::missing_field("weight"))?,
            floor: floor.unwrap_or(0),
            cap,
        })
    }
}

/// A whole amount (fen, places, hours) from a JSON number or a number in quotes.
struct Whole(u64);

impl<'de> Deserialize<'de> for Whole {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> core::result::Result<Self, D::Error> {
        struct WholeVisitor;
        impl Visitor<'_> for WholeVisitor {
            type Value = Whole;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a whole number from 0 to 18446744073709551615")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> core::result::Result<Whole, E> {
                Ok(Whole(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> core::result::Result<Whole, E> {
                Err(E::custom(format_args!(
                    "`{v}` is below zero, expected a whole number from 0 to 18446744073709551615"
                )))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> core::result::Result<Whole, E> {
                self.visit_str(&shown(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> core::result::Result<Whole, E> {
                v.trim().parse::<u64>().map(Whole).map_err(|_| {
                    E::custom(format_args!(
                        "`{v}` is not a whole number from 0 to 18446744073709551615"
                    ))
                })
            }
        }
        deserializer.deserialize_any(WholeVisitor)
    }
}

/// The result of an apportionment: the parts, what could not be placed, and why each
/// part is what it is.
///
/// **Invariant:** `parts.iter().sum() + unallocated == total`, and
/// `floor ≤ part ≤ cap` for every demand. Only this crate builds one
/// (`#[non_exhaustive]`): through [`apportion`], [`allocate`] or
/// [`Allocation::nothing`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Allocation {
    /// The method used.
    pub method: ApportionMethod,
    /// The total that was divided.
    pub total: u64,
    /// One part per demand, in input order.
    pub parts: Vec<u64>,
    /// What no demand could take because every demand reached its cap.
    pub unallocated: u64,
    /// One reason per demand, in input order.
    pub reasons: Vec<Reason>,
}

impl Allocation {
    /// Nothing placed: `demands` parts of zero, each [`Reason::ZeroWeight`], and the
    /// whole `total` unallocated — what a plan is when no demand has weight.
    ///
    /// ```
    /// use guided_community_pools::{Allocation, ApportionMethod};
    ///
    /// let none = Allocation::nothing(500, 3, ApportionMethod::Hamilton);
    /// assert_eq!(none.parts, [0, 0, 0]);
    /// assert_eq!(none.unallocated, 500);
    /// ```
    pub fn nothing(total: u64, demands: usize, method: ApportionMethod) -> Self {
        Self {
            method,
            total,
            parts: vec![0; demands],
            unallocated: total,
            reasons: vec![Reason::ZeroWeight; demands],
        }
    }
}

/// Divides `total` among integer `weights`, with no floors or caps.
///
/// Parts sum to `total` exactly; ties go to the earlier weight.
///
/// ```
/// use guided_community_pools::{apportion, ApportionMethod};
///
/// // The Alabama paradox: one more seat costs the third state one of its two.
/// assert_eq!(apportion(10, &[6, 6, 2], ApportionMethod::Hamilton)?.parts, [4, 4, 2]);
/// assert_eq!(apportion(11, &[6, 6, 2], ApportionMethod::Hamilton)?.parts, [5, 5, 1]);
/// // A divisor method is house-monotone: it never takes a seat away.
/// assert_eq!(apportion(10, &[6, 6, 2], ApportionMethod::SainteLague)?.parts, [5, 4, 1]);
/// assert_eq!(apportion(11, &[6, 6, 2], ApportionMethod::SainteLague)?.parts, [5, 5, 1]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::NoDemands`] for no weights and [`Error::AllZeroWeights`] when every
/// weight is zero.
pub fn apportion(total: u64, weights: &[u64], method: ApportionMethod) -> Result<Allocation> {
    solve(
        &Problem {
            total,
            weights,
            bounds: None,
        },
        method,
    )
}

/// Divides `total` among `demands` by weight, with floors and caps.
///
/// Floors come first (their sum must not exceed the total); then the rest is
/// shared in proportion to weight under the caps (water-filling: a capped demand
/// releases its surplus to the others in proportion to their weights); then shares
/// are rounded to whole units by `method` among the demands with headroom. When the
/// caps together are less than the total, every demand gets its cap and the rest is
/// reported as [`Allocation::unallocated`].
///
/// For the largest-remainder method the shares are `clamp(λ·weight, floor, cap)`
/// for the exact rational `λ` that makes them sum to the total; for the divisor
/// methods it is the bounded divisor method (seats go one by one to the highest
/// `weight / divisor(seats)` among demands below their cap, starting from the
/// floors).
///
/// ```
/// use guided_community_pools::{allocate, Demand, ApportionMethod, Reason};
///
/// let demands = [
///     Demand::new(5).with_cap(100),   // asked for 100
///     Demand::new(3),
///     Demand::new(0).with_floor(50),  // no weight, but a guaranteed minimum
///     Demand::new(2),
/// ];
/// let plan = allocate(1000, &demands, ApportionMethod::Hamilton)?;
/// assert_eq!(plan.parts, [100, 510, 50, 340]);
/// assert_eq!(plan.reasons, [Reason::Capped, Reason::Proportional, Reason::Floored, Reason::Proportional]);
///
/// // When every cap is reached, the rest is reported, never lost.
/// let small = [Demand::new(1).with_cap(30), Demand::new(1).with_cap(20)];
/// let plan = allocate(100, &small, ApportionMethod::Hamilton)?;
/// assert_eq!((plan.parts.as_slice(), plan.unallocated), (&[30, 20][..], 50));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::NoDemands`], [`Error::NegativeWeight`], [`Error::WeightTooLarge`] (a
/// weight that does not fit 64 bits once all weights are brought to a common
/// scale), [`Error::AllZeroWeights`], [`Error::FloorAboveCap`] and
/// [`Error::FloorsExceedTotal`] naming the shortfall.
pub fn allocate(total: u64, demands: &[Demand], method: ApportionMethod) -> Result<Allocation> {
    // One pass over the demands: bounds, and the weights' mantissas in case every
    // weight has the same scale (the common case); otherwise the weights are
    // brought to a common scale separately.
    let n = demands.len();
    let (mut floors, mut caps, mut has_cap) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let mut direct = Vec::with_capacity(n);
    let mut same_scale = true;
    let scale = demands.first().map_or(0, |d| d.weight.scale());
    let mut bounded = false;
    for (index, demand) in demands.iter().enumerate() {
        let weight = demand.weight;
        if weight.is_sign_negative() && !weight.is_zero() {
            return Err(Error::NegativeWeight { index, weight });
        }
        match u64::try_from(weight.mantissa().unsigned_abs()) {
            Ok(value) if weight.scale() == scale => direct.push(value),
            _ => same_scale = false,
        }
        floors.push(demand.floor);
        caps.push(demand.cap.unwrap_or(u64::MAX));
        has_cap.push(demand.cap.is_some());
        bounded |= demand.floor > 0 || demand.cap.is_some();
    }
    let weights = if same_scale {
        direct
    } else {
        scale_mixed_weights(demands.iter().map(|d| d.weight))?
    };
    solve(
        &Problem {
            total,
            weights: &weights,
            bounds: bounded.then_some(Bounds {
                floors: &floors,
                caps: &caps,
                has_cap: &has_cap,
            }),
        },
        method,
    )
}

/// Exact integer weights in the same proportions as decimal `weights`.
///
/// When every weight has the same scale (`2.50`, `1.00`) the result is the
/// mantissas (`250`, `100`); when scales are mixed, every weight is brought to the
/// finest scale and all are divided by their greatest common divisor, so that as
/// few bits as possible are needed.
///
/// ```
/// use guided_community_pools::integer_weights;
/// use rust_decimal::dec;
///
/// assert_eq!(integer_weights(&[dec!(2.5), dec!(1), dec!(0.50)])?, [5, 2, 1]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::NegativeWeight`] for a negative weight and [`Error::WeightTooLarge`] for
/// one that does not fit 64 bits at the common scale.
pub fn integer_weights(weights: &[Decimal]) -> Result<Vec<u64>> {
    scale_weights(weights.iter().copied())
}

/// [`integer_weights`] over any re-iterable sequence, without intermediate vectors.
///
/// The common case is one pass: when every weight has the same scale and its
/// mantissa fits 64 bits, the mantissas are already integers in the right
/// proportion. Otherwise three passes: the common scale, the common divisor, the
/// integers.
fn scale_weights<I>(weights: I) -> Result<Vec<u64>>
where
    I: Iterator<Item = Decimal> + Clone,
{
    let mut first_scale = None;
    let mut direct = Vec::with_capacity(weights.size_hint().0);
    for (index, weight) in weights.clone().enumerate() {
        if weight.is_sign_negative() && !weight.is_zero() {
            return Err(Error::NegativeWeight { index, weight });
        }
        let same_scale = *first_scale.get_or_insert(weight.scale()) == weight.scale();
        match u64::try_from(weight.mantissa().unsigned_abs()) {
            Ok(value) if same_scale => direct.push(value),
            _ => return scale_mixed_weights(weights),
        }
    }
    Ok(direct)
}

/// Weights of mixed scales: brought to the finest scale, reduced by their common
/// divisor, and checked to fit 64 bits.
fn scale_mixed_weights<I>(weights: I) -> Result<Vec<u64>>
where
    I: Iterator<Item = Decimal> + Clone,
{
    let mut scale = 0;
    for (index, weight) in weights.clone().enumerate() {
        if weight.is_sign_negative() && !weight.is_zero() {
            return Err(Error::NegativeWeight { index, weight });
        }
        scale = scale.max(weight.scale());
    }
    let scaled = |index: usize, weight: Decimal| {
        let mantissa = weight.mantissa().unsigned_abs();
        let value = if weight.scale() == scale {
            Some(mantissa)
        } else {
            10u128
                .checked_pow(scale - weight.scale())
                .and_then(|factor| mantissa.checked_mul(factor))
        };
        value.ok_or(Error::WeightTooLarge { index, weight })
    };
    let mut common = 0u128;
    for (index, weight) in weights.clone().enumerate() {
        let value = scaled(index, weight)?;
        if common != 1 {
            common = gcd(common, value);
        }
    }
    weights
        .enumerate()
        .map(|(index, weight)| {
            let value = scaled(index, weight)?;
            let reduced = if common > 1 { value / common } else { value };
            u64::try_from(reduced).map_err(|_| Error::WeightTooLarge { index, weight })
        })
        .collect()
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Every demand at its (effective) cap, and the rest unallocated.
fn all_capped(problem: &Problem<'_>, method: ApportionMethod, cap_sum: u128) -> Allocation {
    let n = problem.weights.len();
    let parts: Vec<u64> = (0..n).map(|i| problem.cap(i)).collect();
    let reasons = problem
        .weights
        .iter()
        .zip(&parts)
        .map(|(&w, &part)| match (w, part) {
            (0, 0) => Reason::ZeroWeight,
            (0, _) => Reason::Floored,
            _ => Reason::Capped,
        })
        .collect();
    let total = problem.total;
    Allocation {
        method,
        total,
        parts,
        unallocated: u64::try_from(u128::from(total) - cap_sum).unwrap_or(total),
        reasons,
    }
}

/// What one pass over the weights learns: their exact sum, their bitwise or
/// (a bound on every weight), and, when `stride` is given, one weight in
/// `stride` from the first (Hamilton's sample, taken while each block is in
/// the cache: gathered afterwards, one weight in 16 across 8 MB cost 15% of
/// Hamilton on a million demands).
///
/// Each block of 2¹⁶ weights is summed as one 64-bit sum, exact when the
/// block's weights are below 2⁴⁸ (their or says so), and otherwise again as
/// two, of the high and the low 32 bits (neither can overflow); both loops
/// vectorize, where a 128-bit running sum would be a chain of dependent
/// additions with carries.
fn scan_weights(weights: &[u64], stride: Option<usize>) -> (u128, Scanned) {
    const BLOCK: usize = 1 << 16;
    let mut scanned = Scanned {
        widest: 0,
        positive: true,
        sample: Vec::with_capacity(stride.map_or(0, |s| weights.len().div_ceil(s.max(1)))),
    };
    let mut sum = 0u128;
    for block in weights.chunks(BLOCK) {
        let (mut wrapped, mut or, mut below) = (0u64, 0u64, 0u64);
        for &w in block {
            wrapped = wrapped.wrapping_add(w);
            or |= w;
            // The top bit stays clear while every weight is in 1..=2⁶³.
            below |= w.wrapping_sub(1);
        }
        sum += if or >> 48 == 0 {
            // At most 2¹⁶ weights below 2⁴⁸: below 2⁶⁴.
            u128::from(wrapped)
        } else {
            let (mut high, mut low) = (0u64, 0u64);
            for &w in block {
                high += w >> 32;
                low += w & 0xFFFF_FFFF;
            }
            (u128::from(high) << 32) + u128::from(low)
        };
        scanned.widest |= or;
        scanned.positive &= below >> 63 == 0;
        // A stride dividing the block keeps the sample's positions those of
        // the whole list.
        if let Some(stride) = stride.filter(|&s| BLOCK.is_multiple_of(s)) {
            scanned.sample.extend(block.iter().step_by(stride));
        }
    }
    (sum, scanned)
}

fn solve(problem: &Problem<'_>, method: ApportionMethod) -> Result<Allocation> {
    let n = problem.weights.len();
    if n == 0 {
        return Err(Error::NoDemands);
    }
    let stride = match (method, problem.bounds) {
        (ApportionMethod::Hamilton, None) => largest_remainder::sample_stride(n),
        _ => None,
    };
    let (weight_sum, scanned) = scan_weights(problem.weights, stride);
    if weight_sum == 0 {
        return Err(Error::AllZeroWeights);
    }
    let total = problem.total;
    if let Some(Bounds { floors, caps, .. }) = problem.bounds {
        let (mut floor_sum, mut cap_sum) = (0u128, 0u128);
        for (i, ((&floor, &cap), &w)) in floors.iter().zip(caps).zip(problem.weights).enumerate() {
            if floor > cap {
                return Err(Error::FloorAboveCap {
                    index: i,
                    floor,
                    cap,
                });
            }
            floor_sum += u128::from(floor);
            cap_sum += u128::from(if w == 0 { floor } else { cap });
        }
        if floor_sum > u128::from(total) {
            return Err(Error::FloorsExceedTotal {
                floors: floor_sum,
                total,
                shortfall: floor_sum - u128::from(total),
            });
        }
        if cap_sum <= u128::from(total) {
            return Ok(all_capped(problem, method, cap_sum));
        }
    }
    let lambda = match problem.bounds {
        None => waterfill::Lambda {
            p: u128::from(total),
            q: weight_sum,
        },
        Some(_) => waterfill::solve(problem),
    };
    let (parts, reasons) = match method {
        ApportionMethod::Hamilton => largest_remainder::solve(problem, lambda, &scanned),
        _ => divisor::solve(problem, method, lambda),
    };
    Ok(Allocation {
        method,
        total,
        parts,
        unallocated: 0,
        reasons,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weight(json: &str) -> core::result::Result<Decimal, String> {
        serde_json::from_str::<Demand>(json)
            .map(|d| d.weight)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_positive_weight_is_exact_or_an_error_never_zero() {
        // 29 decimal places, as a string and as a number: an error naming it.
        for json in [r#""0.00000000000000000000000000001""#, "1e-30", "1e-29"] {
            let err = weight(json).unwrap_err();
            assert!(
                err.contains("is not a decimal this can hold exactly"),
                "{err}"
            );
        }
        assert!(weight("1e-30").unwrap_err().contains("`1e-30`"));
        // 28 places is exact.
        assert_eq!(
            weight(r#""0.0000000000000000000000000001""#).unwrap(),
            Decimal::new(1, 28)
        );
        assert_eq!(weight("1e-28").unwrap(), Decimal::new(1, 28));
        // Trailing zeros beyond 28 places are still exact.
        assert_eq!(
            weight(r#""1.000000000000000000000000000000""#).unwrap(),
            Decimal::ONE
        );
        assert_eq!(weight(r#""2.5e3""#).unwrap(), Decimal::from(2500));
        assert_eq!(weight("0.1").unwrap(), Decimal::new(1, 1));
        assert_eq!(weight(r#""0e-100""#).unwrap(), Decimal::ZERO);
        // Too large: named as written, not as 309 digits.
        let err = weight("1e308").unwrap_err();
        assert!(err.contains("`1e308`"), "{err}");
        assert!(err.len() < 200, "{err}");
    }

    #[test]
    fn floors_and_caps_are_numbers_or_numbers_in_quotes() {
        let demand: Demand =
            serde_json::from_str(r#"{"weight": "2", "floor": "3", "cap": 10}"#).unwrap();
        assert_eq!((demand.floor, demand.cap), (3, Some(10)));
        for (json, named) in [
            (
                r#"{"weight": 1, "floor": 2.5}"#,
                "`2.5` is not a whole number",
            ),
            (r#"{"weight": 1, "floor": -3}"#, "`-3` is below zero"),
            (r#"{"weight": 1, "cap": "x"}"#, "`x` is not a whole number"),
            (
                r#"{"weight": 1, "cap": 1e300}"#,
                "`1e300` is not a whole number",
            ),
        ] {
            let err = serde_json::from_str::<Demand>(json)
                .unwrap_err()
                .to_string();
            assert!(err.contains(named), "{err}");
            assert!(!err.contains("u64"), "{err}");
        }
    }

    /// The sum pass's sum, bound and sample are the weights' sum, bitwise
    /// or and every sixteenth weight from the first, across blocks and at
    /// a list's ragged end.
    #[test]
    fn one_pass_sums_bounds_and_samples_the_weights() {
        for n in [0usize, 1, 17, 65_536, 65_537, 150_001] {
            let weights: Vec<u64> = (0..n as u64)
                .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (i % 40))
                .collect();
            let (sum, scanned) = scan_weights(&weights, Some(16));
            assert_eq!(sum, weights.iter().map(|&w| u128::from(w)).sum::<u128>());
            assert_eq!(scanned.widest, weights.iter().fold(0, |or, &w| or | w));
            let every16: Vec<u64> = weights.iter().step_by(16).copied().collect();
            assert_eq!(scanned.sample, every16, "{n}");
            assert!(scan_weights(&weights, None).1.sample.is_empty());
            // i = 0 weighs 0.
            assert_eq!(scanned.positive, n == 0, "{n}");
            let shifted: Vec<u64> = weights.iter().map(|&w| (w >> 1) + 1).collect();
            assert!(scan_weights(&shifted, None).1.positive);
        }
        // A block of the widest weights one 64-bit sum takes, and of weights
        // that would overflow it.
        for w in [(1u64 << 48) - 1, (1 << 49) - 1, u64::MAX] {
            let weights = vec![w; 65_536 + 3];
            let (sum, _) = scan_weights(&weights, None);
            assert_eq!(sum, u128::from(w) * (65_536 + 3), "{w}");
        }
        // Past 2⁶³ a weight is not known to be positive: the answer is only
        // slower, never wrong.
        assert!(!scan_weights(&[1, (1 << 63) + 1, 2], None).1.positive);
        assert!(scan_weights(&[1, 1 << 63, 2], None).1.positive);
    }
}
