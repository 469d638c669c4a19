//! Elite capture (精英俘获) and targeting: who gets what, against who needs what.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::exact::{ratio, to_integers};
use crate::{Error, Result};

/// One group's resources, need and size.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GroupRecord {
    /// The group (`retired cadres`, `young renters`, a building).
    pub group: String,
    /// What it received (yuan, hours, places).
    pub resources: Decimal,
    /// Its need (a sum of need scores, households in need, …).
    pub need: Decimal,
    /// Its people (or households).
    pub population: Decimal,
}

/// The band of `resource share / need share` considered fair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CaptureBounds {
    /// Below this a group is neglected.
    pub low: Decimal,
    /// Above this a group is capturing resources.
    pub high: Decimal,
}

impl Default for CaptureBounds {
    /// 0.5 to 2: a group getting less than half, or more than twice, its share of
    /// need is flagged.
    fn default() -> Self {
        Self {
            low: Decimal::new(5, 1),
            high: Decimal::from(2),
        }
    }
}

/// A group's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaptureFlag {
    /// Within the bounds.
    Fair,
    /// Resources far above need: elite capture.
    Captures,
    /// Resources far below need: left out.
    Neglected,
}

/// One group's shares and ratios.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GroupCapture {
    /// The group.
    pub group: String,
    /// Its share of all resources, 0–1.
    pub resource_share: Decimal,
    /// Its share of all need, 0–1.
    pub need_share: Decimal,
    /// Its share of the population, 0–1.
    pub population_share: Decimal,
    /// `resource_share / need_share`; `None` when it has no need.
    pub to_need: Option<Decimal>,
    /// `resource_share / population_share`; `None` when it has no people.
    pub to_population: Option<Decimal>,
    /// The verdict on `to_need` (a group with no need but resources captures).
    pub flag: CaptureFlag,
}

fn shares(values: &[Decimal]) -> Result<Vec<Decimal>> {
    let (integers, _) = to_integers(values)?;
    let total: u128 = integers
        .iter()
        .try_fold(0u128, |a, &v| a.checked_add(v))
        .ok_or(Error::Overflow {
            context: "summing shares",
        })?;
    integers.into_iter().map(|v| ratio(v, total)).collect()
}

/// Each group's share of resources against its share of need and of population.
///
/// ```
/// use guided_community_metrics::{elite_capture, CaptureBounds, CaptureFlag, GroupRecord};
/// use rust_decimal::Decimal;
///
/// let group = |name: &str, resources: i64, need: i64, population: i64| GroupRecord {
///     group: name.into(),
///     resources: resources.into(),
///     need: need.into(),
///     population: population.into(),
/// };
/// // The article: 60% of a budget to active retired cadres, 5% to silent young renters.
/// let report = elite_capture(&[
///     group("retired cadres", 60, 15, 10),
///     group("young renters", 5, 25, 30),
///     group("others", 35, 60, 60),
/// ], &CaptureBounds::default())?;
/// assert_eq!(report[0].flag, CaptureFlag::Captures);
/// assert_eq!(report[0].to_need.map(|r| r.to_string()).as_deref(), Some("4"));
/// assert_eq!(report[1].flag, CaptureFlag::Neglected);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::NoValues`], [`Error::NegativeValue`], [`Error::ZeroTotal`] when no group
/// has resources, need or people, and [`Error::Overflow`].
pub fn elite_capture(groups: &[GroupRecord], bounds: &CaptureBounds) -> Result<Vec<GroupCapture>> {
    let column = |f: fn(&GroupRecord) -> Decimal| groups.iter().map(f).collect::<Vec<_>>();
    let resources = shares(&column(|g| g.resources))?;
    let need = shares(&column(|g| g.need))?;
    let population = shares(&column(|g| g.population))?;
    Ok(groups
        .iter()
        .zip(resources.into_iter().zip(need).zip(population))
        .map(|(g, ((r, n), p))| {
            let over = |a: Decimal, b: Decimal| {
                if b.is_zero() {
                    None
                } else {
                    a.checked_div(b).map(|x| x.normalize())
                }
            };
            let to_need = over(r, n);
            let flag = match to_need {
                Some(x) if x > bounds.high => CaptureFlag::Captures,
                Some(x) if x < bounds.low => CaptureFlag::Neglected,
                Some(_) => CaptureFlag::Fair,
                None if r.is_zero() => CaptureFlag::Fair,
                None => CaptureFlag::Captures,
            };
            GroupCapture {
                group: g.group.clone(),
                resource_share: r,
                need_share: n,
                population_share: p,
                to_need,
                to_population: over(r, p),
                flag,
            }
        })
        .collect())
}

/// The mismatch rate (资源错配率): the share of the allocation that would have to
/// move for every unit's share of resources to equal its share of need — the Hoover
/// distance `½ Σ |aᵢ/A − nᵢ/N|`, exactly.
///
/// ```
/// use guided_community_metrics::mismatch_rate;
/// use rust_decimal::Decimal;
///
/// let d = |v: &[i64]| v.iter().copied().map(Decimal::from).collect::<Vec<_>>();
/// assert_eq!(mismatch_rate(&d(&[60, 5, 35]), &d(&[15, 25, 60]))?.to_string(), "0.45");
/// assert_eq!(mismatch_rate(&d(&[2, 2]), &d(&[1, 1]))?, Decimal::ZERO);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::GroupCount`] for different lengths, and as [`crate::gini`] for either
/// vector.
pub fn mismatch_rate(allocation: &[Decimal], need: &[Decimal]) -> Result<Decimal> {
    if allocation.len() != need.len() {
        return Err(Error::GroupCount {
            values: allocation.len(),
            groups: need.len(),
        });
    }
    let overflow = || Error::Overflow {
        context: "computing the mismatch rate",
    };
    let (a, _) = to_integers(allocation)?;
    let (n, _) = to_integers(need)?;
    let total_a: u128 = a
        .iter()
        .try_fold(0u128, |s, &v| s.checked_add(v))
        .ok_or_else(overflow)?;
    let total_n: u128 = n
        .iter()
        .try_fold(0u128, |s, &v| s.checked_add(v))
        .ok_or_else(overflow)?;
    if total_a == 0 || total_n == 0 {
        return Err(Error::ZeroTotal);
    }
    let distance = a.iter().zip(&n).try_fold(0u128, |s, (&ai, &ni)| {
        let left = ai.checked_mul(total_n)?;
        let right = ni.checked_mul(total_a)?;
        s.checked_add(left.abs_diff(right))
    });
    let denominator = total_a.checked_mul(total_n).and_then(|d| d.checked_mul(2));
    match (distance, denominator) {
        (Some(d), Some(den)) => ratio(d, den),
        _ => Err(overflow()),
    }
}

/// Whether a unit was in need and whether it was served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TargetingRecord {
    /// In need.
    pub needy: bool,
    /// Received the service.
    pub served: bool,
}

/// Targeting errors, as shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Targeting {
    /// Units in need that were not served, over units in need.
    pub exclusion_error: Option<Decimal>,
    /// Units served that were not in need, over units served.
    pub inclusion_error: Option<Decimal>,
    /// `1 − exclusion_error` (精准投放率).
    pub precise_targeting_rate: Option<Decimal>,
}

/// Exclusion and inclusion errors of a service.
///
/// ```
/// use guided_community_metrics::{targeting, TargetingRecord};
///
/// let r = |needy, served| TargetingRecord { needy, served };
/// let t = targeting(&[r(true, true), r(true, false), r(false, true), r(true, true)]);
/// assert_eq!(t.exclusion_error.map(|e| e.round_dp(4).to_string()).as_deref(), Some("0.3333"));
/// assert_eq!(t.inclusion_error.map(|e| e.round_dp(4).to_string()).as_deref(), Some("0.3333"));
/// ```
pub fn targeting(records: &[TargetingRecord]) -> Targeting {
    let count =
        |f: &dyn Fn(&TargetingRecord) -> bool| records.iter().filter(|r| f(r)).count() as u128;
    let needy = count(&|r| r.needy);
    let served = count(&|r| r.served);
    let excluded = count(&|r| r.needy && !r.served);
    let included = count(&|r| r.served && !r.needy);
    let share = |part: u128, whole: u128| (whole > 0).then(|| ratio(part, whole).ok()).flatten();
    let exclusion_error = share(excluded, needy);
    Targeting {
        exclusion_error,
        inclusion_error: share(included, served),
        precise_targeting_rate: exclusion_error.map(|e| Decimal::ONE - e),
    }
}
