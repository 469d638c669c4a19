//! From a caller's instance to the solver's: ids in canonical order, times in
//! seconds, windows merged, each request's candidates with their distances, and
//! why a request has none.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;

use crate::input::{DistanceTable, Instance};
use crate::{Error, Result};

/// The most requests in one instance.
pub const MAX_REQUESTS: usize = 200_000;
/// The most volunteers in one instance.
pub const MAX_VOLUNTEERS: usize = 100_000;
/// The most availability windows over all volunteers.
pub const MAX_WINDOWS: usize = 2_000_000;
/// The most (request, volunteer) pairs that could serve, counted before any is
/// stored.
pub const MAX_CANDIDATES: u64 = 20_000_000;

/// The hours of a leap year: the largest limit accepted.
const MAX_LIMIT_HOURS: i64 = 8_784;

/// A merged availability window: seconds, and the times as the caller wrote them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    pub(crate) start: i64,
    pub(crate) end: i64,
    pub(crate) from: DateTime<FixedOffset>,
    pub(crate) to: DateTime<FixedOffset>,
}

/// A volunteer who could serve a request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate {
    /// Index into `Prepared::volunteers`.
    pub(crate) volunteer: u32,
    pub(crate) distance: u32,
    /// Index into the volunteer's merged windows.
    pub(crate) window: u32,
    /// The volunteer's level of the skill.
    pub(crate) level: u8,
}

#[derive(Debug)]
pub(crate) struct Req {
    /// Index into the caller's requests.
    pub(crate) given: usize,
    pub(crate) start: i64,
    pub(crate) end: i64,
    pub(crate) urgency: u64,
    /// Candidates by distance, then volunteer id.
    pub(crate) candidates: Vec<Candidate>,
    /// Why there are none (when there are none).
    pub(crate) none: Option<NoCandidate>,
}

impl Req {
    pub(crate) fn duration(&self) -> i64 {
        self.end - self.start
    }
}

/// Why a request has no candidate at all.
#[derive(Debug, Clone)]
pub(crate) enum NoCandidate {
    InvalidWindow,
    NoSkill { best_level: Option<u8> },
    NotAvailable { volunteers: Vec<u32> },
    TooLong { volunteers: Vec<u32> },
}

#[derive(Debug)]
pub(crate) struct Vol {
    /// Index into the caller's volunteers.
    pub(crate) given: usize,
    pub(crate) windows: Vec<Window>,
    /// The limit in seconds.
    pub(crate) limit: i64,
}

#[derive(Debug)]
pub(crate) struct Prepared {
    /// In priority order: urgency, need (higher first), waiting since (earlier
    /// first, unknown last), id.
    pub(crate) requests: Vec<Req>,
    /// In id order.
    pub(crate) volunteers: Vec<Vol>,
}

/// Checks ids, limits, windows and distances, and finds every request's
/// candidates.
pub(crate) fn prepare(instance: &Instance) -> Result<Prepared> {
    let Instance {
        requests,
        volunteers,
        distance,
    } = instance;
    if requests.len() > MAX_REQUESTS {
        return Err(too_large(requests.len(), "requests", MAX_REQUESTS));
    }
    if volunteers.len() > MAX_VOLUNTEERS {
        return Err(too_large(volunteers.len(), "volunteers", MAX_VOLUNTEERS));
    }
    let windows: usize = volunteers.iter().map(|v| v.available.len()).sum();
    if windows > MAX_WINDOWS {
        return Err(too_large(windows, "availability windows", MAX_WINDOWS));
    }
    unique(
        "requests",
        "request",
        requests.iter().map(|r| r.id.as_str()),
    )?;
    unique(
        "volunteers",
        "volunteer",
        volunteers.iter().map(|v| v.id.as_str()),
    )?;
    let distances = Distances::try_new(distance)?;

    let vols = volunteers_in_order(volunteers)?;

    let by_skill = skill_index(volunteers, &vols);

    // Count the candidates before storing any.
    let mut total: u64 = 0;
    for r in requests {
        let (start, end) = (r.from.timestamp(), r.to.timestamp());
        if end <= start {
            continue;
        }
        for &(v, level) in by_skill
            .get(r.skill.as_str())
            .map_or(&[][..], Vec::as_slice)
        {
            let Some(vol) = vols.get(v as usize) else {
                continue;
            };
            if level >= r.level && end - start <= vol.limit && window_of(vol, start, end).is_some()
            {
                total += 1;
            }
        }
    }
    if total > MAX_CANDIDATES {
        return Err(Error::TooLarge {
            what: format!(
                "{} pairs of a request and a volunteer who could serve it",
                crate::error::grouped(total)
            ),
            max: MAX_CANDIDATES,
        });
    }

    let mut reqs = Vec::with_capacity(requests.len());
    for (given, r) in requests.iter().enumerate() {
        reqs.push(request(given, r, volunteers, &vols, &by_skill, &distances)?);
    }
    reqs.sort_by(|a, b| {
        let (Some(x), Some(y)) = (requests.get(a.given), requests.get(b.given)) else {
            return core::cmp::Ordering::Equal;
        };
        y.urgency
            .cmp(&x.urgency)
            .then(y.need.cmp(&x.need))
            .then_with(|| match (x.waiting_since, y.waiting_since) {
                (Some(p), Some(q)) => p.cmp(&q),
                (Some(_), None) => core::cmp::Ordering::Less,
                (None, Some(_)) => core::cmp::Ordering::Greater,
                (None, None) => core::cmp::Ordering::Equal,
            })
            .then_with(|| x.id.cmp(&y.id))
    });
    Ok(Prepared {
        requests: reqs,
        volunteers: vols,
    })
}

/// Volunteers in id order, with merged windows and limits in seconds.
fn volunteers_in_order(volunteers: &[crate::Volunteer]) -> Result<Vec<Vol>> {
    let mut order: Vec<usize> = (0..volunteers.len()).collect();
    order.sort_by(|&a, &b| by_index(volunteers, a).cmp(by_index(volunteers, b)));
    let mut vols = Vec::with_capacity(volunteers.len());
    for &given in &order {
        let Some(v) = volunteers.get(given) else {
            continue;
        };
        vols.push(Vol {
            given,
            windows: merged(&v.id, &v.available)?,
            limit: limit_seconds(&v.id, v.max_hours)?,
        });
    }
    Ok(vols)
}

/// Who has which skill: skill → (volunteer index, best level), by volunteer.
fn skill_index<'a>(
    volunteers: &'a [crate::Volunteer],
    vols: &[Vol],
) -> HashMap<&'a str, Vec<(u32, u8)>> {
    let mut by_skill: HashMap<&str, Vec<(u32, u8)>> = HashMap::new();
    for (index, vol) in vols.iter().enumerate() {
        let Some(v) = volunteers.get(vol.given) else {
            continue;
        };
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        let mut best: BTreeMap<&str, u8> = BTreeMap::new();
        for s in &v.skills {
            let level = best.entry(s.skill.as_str()).or_insert(s.level);
            *level = (*level).max(s.level);
        }
        for (skill, level) in best {
            by_skill.entry(skill).or_default().push((index, level));
        }
    }
    by_skill
}

/// A request with its candidates (by distance, then volunteer id), or why it
/// has none.
fn request(
    given: usize,
    r: &crate::Request,
    volunteers: &[crate::Volunteer],
    vols: &[Vol],
    by_skill: &HashMap<&str, Vec<(u32, u8)>>,
    distances: &Distances<'_>,
) -> Result<Req> {
    let (start, end) = (r.from.timestamp(), r.to.timestamp());
    let mut req = Req {
        given,
        start,
        end,
        urgency: u64::from(r.urgency),
        candidates: Vec::new(),
        none: None,
    };
    if end <= start {
        req.none = Some(NoCandidate::InvalidWindow);
        return Ok(req);
    }
    let having = by_skill
        .get(r.skill.as_str())
        .map_or(&[][..], Vec::as_slice);
    let (mut unavailable, mut too_long) = (Vec::new(), Vec::new());
    let mut best_level = None;
    for &(v, level) in having {
        let Some(vol) = vols.get(v as usize) else {
            continue;
        };
        if level < r.level {
            best_level = best_level.max(Some(level));
            continue;
        }
        let Some(window) = window_of(vol, start, end) else {
            unavailable.push(v);
            continue;
        };
        if end - start > vol.limit {
            too_long.push(v);
            continue;
        }
        let there = volunteers
            .get(vol.given)
            .map_or("", |v| v.building.as_str());
        req.candidates.push(Candidate {
            volunteer: v,
            distance: distances.between(there, &r.building)?,
            window,
            level,
        });
    }
    if req.candidates.is_empty() {
        req.none = Some(if !too_long.is_empty() {
            NoCandidate::TooLong {
                volunteers: too_long,
            }
        } else if !unavailable.is_empty() {
            NoCandidate::NotAvailable {
                volunteers: unavailable,
            }
        } else {
            NoCandidate::NoSkill { best_level }
        });
    }
    req.candidates.sort_by_key(|c| (c.distance, c.volunteer));
    Ok(req)
}

fn by_index(volunteers: &[crate::Volunteer], i: usize) -> &str {
    volunteers.get(i).map_or("", |v| v.id.as_str())
}

fn too_large(n: usize, what: &str, max: usize) -> Error {
    Error::TooLarge {
        what: format!("{} {what}", crate::error::grouped(n as u64)),
        max: max as u64,
    }
}

/// Fails on the first empty or repeated id.
pub(crate) fn unique<'a>(
    plural: &'static str,
    singular: &'static str,
    ids: impl Iterator<Item = &'a str>,
) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        if id.trim().is_empty() {
            return Err(Error::EmptyId { what: singular });
        }
        if !seen.insert(id) {
            return Err(Error::Duplicate {
                what: plural,
                id: id.to_owned(),
            });
        }
    }
    Ok(())
}

/// The merged window holding `start..end` whole.
pub(crate) fn window_of(vol: &Vol, start: i64, end: i64) -> Option<u32> {
    // The last window starting at or before `start`.
    let after = vol.windows.partition_point(|w| w.start <= start);
    let index = after.checked_sub(1)?;
    let w = vol.windows.get(index)?;
    (w.end >= end).then(|| u32::try_from(index).unwrap_or(u32::MAX))
}

/// Windows sorted and merged where they overlap or touch.
fn merged(
    volunteer: &str,
    available: &[(DateTime<FixedOffset>, DateTime<FixedOffset>)],
) -> Result<Vec<Window>> {
    let mut windows = Vec::with_capacity(available.len());
    for &(from, to) in available {
        let (start, end) = (from.timestamp(), to.timestamp());
        if end <= start {
            return Err(Error::InvalidWindow {
                volunteer: volunteer.to_owned(),
                from: from.to_rfc3339(),
                to: to.to_rfc3339(),
            });
        }
        windows.push(Window {
            start,
            end,
            from,
            to,
        });
    }
    windows.sort_by_key(|w| (w.start, w.end));
    let mut out: Vec<Window> = Vec::with_capacity(windows.len());
    for w in windows {
        match out.last_mut() {
            Some(last) if w.start <= last.end => {
                if w.end > last.end {
                    last.end = w.end;
                    last.to = w.to;
                }
            }
            _ => out.push(w),
        }
    }
    Ok(out)
}

/// A limit in hours as whole seconds (rounded down).
fn limit_seconds(volunteer: &str, hours: Decimal) -> Result<i64> {
    let invalid = || Error::InvalidLimit {
        volunteer: volunteer.to_owned(),
        max_hours: hours.normalize().to_string(),
    };
    if hours.is_sign_negative() && !hours.is_zero() || hours > Decimal::from(MAX_LIMIT_HOURS) {
        return Err(invalid());
    }
    let seconds = hours.checked_mul(Decimal::from(3600)).ok_or_else(invalid)?;
    i64::try_from(seconds.floor()).map_err(|_| invalid())
}

/// The distance table, symmetric, checked.
#[derive(Debug)]
pub(crate) struct Distances<'a> {
    table: HashMap<(&'a str, &'a str), u32>,
    empty: bool,
}

impl<'a> Distances<'a> {
    pub(crate) fn try_new(given: &'a DistanceTable) -> Result<Self> {
        let mut table = HashMap::new();
        for (from, row) in given {
            for (to, &d) in row {
                if from == to {
                    if d != 0 {
                        return Err(Error::SelfDistance {
                            place: from.clone(),
                            distance: d,
                        });
                    }
                    continue;
                }
                let key = if from < to {
                    (from.as_str(), to.as_str())
                } else {
                    (to.as_str(), from.as_str())
                };
                if let Some(&there) = table.get(&key)
                    && there != d
                {
                    return Err(Error::AsymmetricDistance {
                        from: to.clone(),
                        to: from.clone(),
                        there,
                        back: d,
                    });
                }
                table.insert(key, d);
            }
        }
        Ok(Self {
            empty: given.is_empty(),
            table,
        })
    }

    pub(crate) fn between(&self, a: &str, b: &str) -> Result<u32> {
        if a == b || self.empty {
            return Ok(0);
        }
        let key = if a < b { (a, b) } else { (b, a) };
        self.table
            .get(&key)
            .copied()
            .ok_or_else(|| Error::MissingDistance {
                from: a.to_owned(),
                to: b.to_owned(),
            })
    }
}
