//! Who takes part, through which door (分层分类参与): participation by group
//! and channel, each group's representation among participants, the groups
//! least reached, trends per group, a new channel's effect, the composition
//! of the council and the building representatives, and the leaders'
//! pipeline.
//!
//! Rates are exact fractions of whole counts, rounded once to four places.
//! A group with fewer residents than [`ParticipationOptions::min_group`] is
//! marked [`RepresentationFlag::Small`] and never ranked: its rate is noise.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The most people and the most records one call takes.
pub const MAX_PEOPLE: usize = 10_000_000;
/// The most participation records one call takes.
pub const MAX_RECORDS: usize = 100_000_000;

/// A resident and what they are: `{"id": "r17", "attributes": {"age": "young",
/// "tenure": "tenant", "building": "3"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Their id.
    pub id: String,
    /// Attributes the groups are read from.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

impl Person {
    /// A person with no attributes yet.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            attributes: BTreeMap::new(),
        }
    }

    /// With `key` = `value`.
    #[must_use]
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.insert(key.into(), value.into());
        self
    }

    fn group(&self, by: &str) -> &str {
        self.attributes.get(by).map_or(UNSTATED, String::as_str)
    }
}

/// Above this many (group, channel) cells the counts go in a map.
const DENSE_CELLS: usize = 1 << 22;

/// The group of a person without the attribute.
pub const UNSTATED: &str = "unstated";

/// One act of taking part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attendance {
    /// Who.
    pub resident: String,
    /// Through which door (`online-evening`, `building-corner`, `council`,
    /// `app-petition`, `vote`).
    pub channel: String,
    /// When.
    pub on: NaiveDate,
}

/// How to read participation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct ParticipationOptions {
    /// The attribute that makes the groups (`group`, `age`, `tenure`).
    pub by: String,
    /// Groups with fewer residents are marked small and not ranked (30).
    pub min_group: u64,
    /// A representation ratio below this is under-represented (0.8).
    pub low: Decimal,
    /// Above this, over-represented (1.25).
    pub high: Decimal,
}

impl Default for ParticipationOptions {
    fn default() -> Self {
        Self {
            by: "group".to_owned(),
            min_group: 30,
            low: Decimal::new(8, 1),
            high: Decimal::new(125, 2),
        }
    }
}

impl ParticipationOptions {
    /// Groups by `attribute`, other options as default.
    pub fn by(attribute: impl Into<String>) -> Self {
        Self {
            by: attribute.into(),
            ..Self::default()
        }
    }
}

/// How a group's share of participants compares with its share of residents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RepresentationFlag {
    /// Fewer participants than its share of residents would give.
    Under,
    /// About its share.
    Fair,
    /// More than its share.
    Over,
    /// Too few residents to judge.
    Small,
}

/// One group's participation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupLine {
    /// The group.
    pub group: String,
    /// Its residents.
    pub residents: u64,
    /// Of them, who took part at least once.
    pub participants: u64,
    /// `participants / residents`.
    pub rate: Decimal,
    /// Its share of all residents.
    pub resident_share: Decimal,
    /// Its share of all participants.
    pub participant_share: Decimal,
    /// `participant_share / resident_share` (1 is a fair share); none
    /// without participants at all.
    pub ratio: Option<Decimal>,
    /// The verdict.
    pub flag: RepresentationFlag,
    /// Its participants per channel (a person counts once per channel).
    pub channels: BTreeMap<String, u64>,
}

/// One channel's reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelLine {
    /// The channel.
    pub channel: String,
    /// Records through it.
    pub records: u64,
    /// Distinct people who came through it.
    pub participants: u64,
    /// Of all residents.
    pub rate: Decimal,
}

/// A record that names nobody in the population.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownResident {
    /// The record's position (from 0).
    pub index: usize,
    /// The id it names.
    pub resident: String,
}

/// Who takes part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participation {
    /// The attribute the groups come from.
    pub by: String,
    /// Residents.
    pub residents: u64,
    /// Residents who took part at least once.
    pub participants: u64,
    /// `participants / residents`.
    pub rate: Decimal,
    /// Every group, largest first (then by name).
    pub groups: Vec<GroupLine>,
    /// Every channel, by participants (then by name).
    pub channels: Vec<ChannelLine>,
    /// Up to three groups (not small) whose rate is below the community's,
    /// lowest first.
    pub least_reached: Vec<String>,
    /// Records set aside: they name nobody in the population.
    pub unknown: Vec<UnknownResident>,
}

/// A fast hasher for ids (`FxHash`'s multiply-rotate, the same on every
/// machine): the standard `SipHash` resists flooding, which nothing here needs,
/// and costs most of the time on a million records.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl core::hash::Hasher for Fx {
    /// The state turned so that its well-mixed high bits become the low bits
    /// the table picks a slot by (a product's low bits depend only on its
    /// inputs' low bits: ids differing in their last characters, `h0123-1`,
    /// `h0123-2`, crowded a few slots and were compared byte by byte).
    fn finish(&self) -> u64 {
        self.0.rotate_left(26)
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type FxBuild = core::hash::BuildHasherDefault<Fx>;

/// The position of `name` in `names`, added if new: a short list is scanned,
/// a long one indexed.
fn intern<'a>(
    names: &mut Vec<&'a str>,
    index: &mut HashMap<&'a str, usize, FxBuild>,
    name: &'a str,
) -> usize {
    if names.len() <= 16 {
        if let Some(i) = names.iter().position(|n| *n == name) {
            return i;
        }
    } else if let Some(&i) = index.get(name) {
        return i;
    }
    names.push(name);
    if names.len() > 16 {
        if index.is_empty() {
            index.extend(names.iter().enumerate().map(|(i, n)| (*n, i)));
        } else {
            index.insert(name, names.len() - 1);
        }
    }
    names.len() - 1
}

fn share(part: u64, whole: u64) -> Decimal {
    if whole == 0 {
        return Decimal::ZERO;
    }
    crate::exact::ratio(u128::from(part), u128::from(whole))
        .map_or(Decimal::ZERO, |d| d.round_dp(4).normalize())
}

/// Participation of `people` from `records`, grouped by `options.by`.
///
/// ```
/// use chrono::NaiveDate;
/// use guided_community_metrics::{participation, Attendance, ParticipationOptions, Person};
///
/// // 60 young renters, 40 seniors; 6 young and 20 seniors came.
/// let mut people = Vec::new();
/// for i in 0..60 { people.push(Person::new(format!("y{i}")).with("group", "young-renters")); }
/// for i in 0..40 { people.push(Person::new(format!("s{i}")).with("group", "seniors")); }
/// let on = NaiveDate::from_ymd_opt(2026, 7, 4).ok_or("date")?;
/// let came = |id: String, channel: &str| Attendance { resident: id, channel: channel.into(), on };
/// let mut records: Vec<Attendance> = (0..6).map(|i| came(format!("y{i}"), "online-evening")).collect();
/// records.extend((0..20).map(|i| came(format!("s{i}"), "building-corner")));
/// let p = participation(&people, &records, &ParticipationOptions::by("group"))?;
/// assert_eq!(p.rate.to_string(), "0.26");
/// let young = p.groups.iter().find(|g| g.group == "young-renters").ok_or("group")?;
/// // 60% of residents, 23% of participants: under-represented.
/// assert_eq!(young.ratio.map(|r| r.to_string()), Some("0.3846".into()));
/// // Only groups below the community's 26% are "least reached".
/// assert_eq!(p.least_reached, ["young-renters"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::NoValues`] for nobody in the population; [`Error::InvalidParameter`]
/// for more than [`MAX_PEOPLE`] people or [`MAX_RECORDS`] records (checked
/// first) or a low bound above the high one. A record naming nobody is set
/// aside in [`Participation::unknown`], not an error.
#[allow(
    clippy::too_many_lines,
    reason = "one pass over people, one over records, then the lines"
)]
pub fn participation(
    people: &[Person],
    records: &[Attendance],
    options: &ParticipationOptions,
) -> Result<Participation> {
    if people.is_empty() {
        return Err(Error::NoValues);
    }
    if people.len() > MAX_PEOPLE || records.len() > MAX_RECORDS {
        return Err(Error::InvalidParameter {
            name: "people or records",
            value: Decimal::from(people.len().max(records.len())),
        });
    }
    if options.low > options.high {
        return Err(Error::InvalidParameter {
            name: "low",
            value: options.low,
        });
    }
    // Groups and people as indices.
    let mut group_index: HashMap<&str, usize, FxBuild> = HashMap::default();
    let mut group_names: Vec<&str> = Vec::new();
    let mut person_group: Vec<u32> = Vec::with_capacity(people.len());
    let mut index: HashMap<&str, u32, FxBuild> =
        HashMap::with_capacity_and_hasher(people.len(), FxBuild::default());
    for (i, p) in people.iter().enumerate() {
        let gi = intern(&mut group_names, &mut group_index, p.group(&options.by));
        person_group.push(u32::try_from(gi).unwrap_or(u32::MAX));
        index
            .entry(p.id.as_str())
            .or_insert(u32::try_from(i).unwrap_or(u32::MAX));
    }
    let mut channel_index: HashMap<&str, usize, FxBuild> = HashMap::default();
    let mut channel_names: Vec<&str> = Vec::new();
    // Per person: a bit per channel (up to 64 channels by bit; beyond, a set).
    let mut seen: Vec<u64> = vec![0; people.len()];
    let mut wide: Vec<BTreeSet<usize>> = Vec::new();
    let mut channel_records: Vec<u64> = Vec::new();
    let mut unknown = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let Some(&who) = index.get(r.resident.as_str()) else {
            unknown.push(UnknownResident {
                index: i,
                resident: r.resident.clone(),
            });
            continue;
        };
        let c = intern(&mut channel_names, &mut channel_index, r.channel.as_str());
        if let Some(count) = channel_records.get_mut(c) {
            *count += 1;
        } else {
            channel_records.push(1);
        }
        let who = who as usize;
        if c < 64 {
            if let Some(bits) = seen.get_mut(who) {
                *bits |= 1 << c;
            }
        } else {
            if wide.is_empty() {
                wide = vec![BTreeSet::new(); people.len()];
            }
            if let Some(set) = wide.get_mut(who) {
                set.insert(c);
            }
        }
    }
    let groups_n = group_names.len();
    let channels_n = channel_names.len();
    let mut residents = vec![0u64; groups_n];
    let mut participants = vec![0u64; groups_n];
    // Participants per (group, channel): a dense table for the ordinary case,
    // a map when groups × channels is large (a group per person, say), so the
    // table never takes gigabytes.
    let dense = groups_n.saturating_mul(channels_n) <= DENSE_CELLS;
    let mut by_channel = if dense {
        vec![0u64; groups_n * channels_n]
    } else {
        Vec::new()
    };
    let mut sparse: HashMap<(usize, usize), u64, FxBuild> = HashMap::default();
    let mut channel_people = vec![0u64; channels_n];
    for (who, &g) in person_group.iter().enumerate() {
        let g = g as usize;
        if let Some(r) = residents.get_mut(g) {
            *r += 1;
        }
        let bits = seen.get(who).copied().unwrap_or(0);
        let extra = wide.get(who);
        if bits == 0 && extra.is_none_or(BTreeSet::is_empty) {
            continue;
        }
        if let Some(p) = participants.get_mut(g) {
            *p += 1;
        }
        let mut mark = |c: usize| {
            if dense {
                if let Some(x) = by_channel.get_mut(g * channels_n + c) {
                    *x += 1;
                }
            } else {
                *sparse.entry((g, c)).or_default() += 1;
            }
            if let Some(x) = channel_people.get_mut(c) {
                *x += 1;
            }
        };
        let mut b = bits;
        while b != 0 {
            mark(b.trailing_zeros() as usize);
            b &= b - 1;
        }
        for &c in extra.into_iter().flatten() {
            mark(c);
        }
    }
    let channel_name = |c: usize| channel_names.get(c).copied().unwrap_or_default().to_owned();
    let mut sparse_by_group: Vec<BTreeMap<String, u64>> = Vec::new();
    if !dense {
        sparse_by_group.resize_with(groups_n, BTreeMap::new);
        for (&(g, c), &n) in &sparse {
            if let Some(map) = sparse_by_group.get_mut(g) {
                map.insert(channel_name(c), n);
            }
        }
    }
    let total = people.len() as u64;
    let came: u64 = participants.iter().sum();
    let mut groups: Vec<GroupLine> = (0..groups_n)
        .map(|g| {
            let r = residents.get(g).copied().unwrap_or(0);
            let p = participants.get(g).copied().unwrap_or(0);
            let resident_share = share(r, total);
            let participant_share = share(p, came);
            // (p / came) / (r / total) = p·total / (came·r), rounded once.
            let ratio = (came > 0 && r > 0).then(|| {
                crate::exact::ratio(
                    u128::from(p) * u128::from(total),
                    u128::from(came) * u128::from(r),
                )
                .map_or(Decimal::ZERO, |d| d.round_dp(4).normalize())
            });
            let flag = if r < options.min_group {
                RepresentationFlag::Small
            } else {
                match ratio {
                    Some(x) if x < options.low => RepresentationFlag::Under,
                    Some(x) if x > options.high => RepresentationFlag::Over,
                    Some(_) => RepresentationFlag::Fair,
                    None => RepresentationFlag::Under,
                }
            };
            GroupLine {
                group: group_names.get(g).copied().unwrap_or_default().to_owned(),
                residents: r,
                participants: p,
                rate: share(p, r),
                resident_share,
                participant_share,
                ratio,
                flag,
                channels: if dense {
                    (0..channels_n)
                        .filter_map(|c| {
                            let n = by_channel.get(g * channels_n + c).copied().unwrap_or(0);
                            (n > 0).then(|| (channel_name(c), n))
                        })
                        .collect()
                } else {
                    sparse_by_group
                        .get_mut(g)
                        .map(core::mem::take)
                        .unwrap_or_default()
                },
            }
        })
        .collect();
    groups.sort_by(|a, b| {
        b.residents
            .cmp(&a.residents)
            .then_with(|| a.group.cmp(&b.group))
    });
    // Below the community's rate: p/r < came/total ⟺ p·total < came·r.
    let mut ranked: Vec<&GroupLine> = groups
        .iter()
        .filter(|g| g.flag != RepresentationFlag::Small)
        .filter(|g| {
            u128::from(g.participants) * u128::from(total)
                < u128::from(came) * u128::from(g.residents)
        })
        .collect();
    // Lowest rate first, compared exactly: p₁·r₂ < p₂·r₁.
    ranked.sort_by(|a, b| {
        (u128::from(a.participants) * u128::from(b.residents))
            .cmp(&(u128::from(b.participants) * u128::from(a.residents)))
            .then_with(|| a.group.cmp(&b.group))
    });
    let least_reached = ranked.iter().take(3).map(|g| g.group.clone()).collect();
    let mut channels: Vec<ChannelLine> = (0..channels_n)
        .map(|c| {
            let p = channel_people.get(c).copied().unwrap_or(0);
            ChannelLine {
                channel: channel_names.get(c).copied().unwrap_or_default().to_owned(),
                records: channel_records.get(c).copied().unwrap_or(0),
                participants: p,
                rate: share(p, total),
            }
        })
        .collect();
    channels.sort_by(|a, b| {
        b.participants
            .cmp(&a.participants)
            .then_with(|| a.channel.cmp(&b.channel))
    });
    Ok(Participation {
        by: options.by.clone(),
        residents: total,
        participants: came,
        rate: share(came, total),
        groups,
        channels,
        least_reached,
        unknown,
    })
}

/// A group whose participation fell period after period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupFalling {
    /// The group.
    pub group: String,
    /// The periods, oldest first, and the group's rate in each.
    pub rates: Vec<(String, Decimal)>,
}

/// Groups whose rate fell in each of the last `falls` changes (3: "fell three
/// times in a row"), over periods oldest first; small groups are left out.
///
/// # Examples
///
/// See the crate's tests; each period is a [`participation`] result.
pub fn falling_groups(periods: &[(String, Participation)], falls: usize) -> Vec<GroupFalling> {
    let Some((_, last)) = periods.last() else {
        return Vec::new();
    };
    if falls == 0 || periods.len() <= falls {
        return Vec::new();
    }
    let recent = periods.get(periods.len() - falls - 1..).unwrap_or_default();
    last.groups
        .iter()
        .filter(|g| g.flag != RepresentationFlag::Small)
        .filter_map(|g| {
            let rates: Vec<(String, Decimal)> = recent
                .iter()
                .filter_map(|(label, p)| {
                    p.groups
                        .iter()
                        .find(|x| x.group == g.group)
                        .map(|x| (label.clone(), x.rate))
                })
                .collect();
            let fell = rates.len() == falls + 1
                && rates.windows(2).all(|w| match w {
                    [a, b] => b.1 < a.1,
                    _ => false,
                });
            fell.then(|| GroupFalling {
                group: g.group.clone(),
                rates,
            })
        })
        .collect()
}

/// What a new channel did for a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelEffect {
    /// The group.
    pub group: String,
    /// Its participants (any channel) in the days before the channel opened.
    pub before: u64,
    /// Its participants (any channel) in as many days from the opening.
    pub after: u64,
    /// Of those, who came through the new channel.
    pub through_channel: u64,
    /// `(after − before) / before`, when there was anyone before.
    pub change: Option<Decimal>,
}

/// The effect of `channel`, opened on `opened`, per group: participants in the
/// `days` before against the `days` from the opening (the articles' +40% for
/// the evening online council, +35% for the building corner).
///
/// # Errors
///
/// [`Error::InvalidParameter`] for a window of 0 days.
pub fn channel_effect(
    people: &[Person],
    records: &[Attendance],
    by: &str,
    channel: &str,
    opened: NaiveDate,
    days: u32,
) -> Result<Vec<ChannelEffect>> {
    if days == 0 {
        return Err(Error::InvalidParameter {
            name: "days",
            value: Decimal::ZERO,
        });
    }
    let span = chrono::Days::new(u64::from(days));
    let start = opened.checked_sub_days(span).unwrap_or(NaiveDate::MIN);
    let end = opened.checked_add_days(span).unwrap_or(NaiveDate::MAX);
    let group_of: HashMap<&str, &str> = people
        .iter()
        .map(|p| (p.id.as_str(), p.group(by)))
        .collect();
    let mut sets: BTreeMap<&str, [BTreeSet<&str>; 3]> = BTreeMap::new();
    for p in people {
        sets.entry(p.group(by)).or_default();
    }
    for r in records {
        let Some(&g) = group_of.get(r.resident.as_str()) else {
            continue;
        };
        let Some(entry) = sets.get_mut(g) else {
            continue;
        };
        if (start..opened).contains(&r.on) {
            entry[0].insert(r.resident.as_str());
        } else if (opened..end).contains(&r.on) {
            entry[1].insert(r.resident.as_str());
            if r.channel == channel {
                entry[2].insert(r.resident.as_str());
            }
        }
    }
    Ok(sets
        .into_iter()
        .map(|(group, [before, after, through])| {
            let (b, a) = (before.len() as u64, after.len() as u64);
            // Counts of people: neither can overflow a decimal, but checked
            // all the same.
            let change = (b > 0)
                .then(|| {
                    Decimal::from(a)
                        .checked_sub(Decimal::from(b))
                        .and_then(|diff| diff.checked_div(Decimal::from(b)))
                        .map(|r| r.round_dp(4).normalize())
                })
                .flatten();
            ChannelEffect {
                group: group.to_owned(),
                before: b,
                after: a,
                through_channel: through.len() as u64,
                change,
            }
        })
        .collect())
}

/// A body's composition against the residents'.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompositionLine {
    /// The group.
    pub group: String,
    /// Members of the body in it.
    pub members: u64,
    /// Their share of the body.
    pub member_share: Decimal,
    /// The group's share of residents.
    pub resident_share: Decimal,
    /// `member_share − resident_share`: negative where the group is short.
    pub gap: Decimal,
}

/// The composition of a body (the council, the building representatives) by
/// `by` against the residents', every group of either, largest gap first.
pub fn composition(members: &[Person], people: &[Person], by: &str) -> Vec<CompositionLine> {
    let mut counts: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for p in people {
        counts.entry(p.group(by)).or_default().1 += 1;
    }
    for m in members {
        counts.entry(m.group(by)).or_default().0 += 1;
    }
    let (n, total) = (members.len() as u64, people.len() as u64);
    let mut lines: Vec<CompositionLine> = counts
        .into_iter()
        .map(|(group, (m, r))| {
            let (member_share, resident_share) = (share(m, n), share(r, total));
            CompositionLine {
                group: group.to_owned(),
                members: m,
                member_share,
                resident_share,
                gap: member_share - resident_share,
            }
        })
        .collect();
    lines.sort_by(|a, b| a.gap.cmp(&b.gap).then_with(|| a.group.cmp(&b.group)));
    lines
}

/// A building's tenant representation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildingTenants {
    /// The building.
    pub building: String,
    /// Tenants living there.
    pub tenants: u64,
    /// Tenant representatives from there.
    pub representatives: u64,
    /// What is wrong, if anything: `none` (tenants without a representative)
    /// or `too many` (more than two).
    pub gap: Option<String>,
}

/// Buildings where tenants live and their tenant representatives (1–2 per
/// building where tenants live): every building with tenants or tenant
/// representatives, gaps named.
pub fn tenant_representatives(
    representatives: &[Person],
    people: &[Person],
    building: &str,
    tenure: &str,
    tenant: &str,
) -> Vec<BuildingTenants> {
    let is_tenant = |p: &Person| p.attributes.get(tenure).is_some_and(|t| t == tenant);
    let mut counts: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for p in people.iter().filter(|p| is_tenant(p)) {
        counts.entry(p.group(building)).or_default().0 += 1;
    }
    for r in representatives.iter().filter(|p| is_tenant(p)) {
        counts.entry(r.group(building)).or_default().1 += 1;
    }
    counts
        .into_iter()
        .map(|(b, (tenants, reps))| BuildingTenants {
            building: b.to_owned(),
            tenants,
            representatives: reps,
            gap: if tenants > 0 && reps == 0 {
                Some("none".to_owned())
            } else if reps > 2 {
                Some("too many".to_owned())
            } else {
                None
            },
        })
        .collect()
}

/// How deep a resident takes part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Depth {
    /// Takes part now and then.
    Active,
    /// A building contact (楼栋联络员).
    Contact,
    /// A representative (居民代表).
    Representative,
}

/// Who was at which depth in a period (a year, for the targets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roster {
    /// The period (`2025`).
    pub period: String,
    /// Resident, depth, and whether young (青苗计划).
    pub members: Vec<(String, Depth, bool)>,
}

/// One period of the leaders' pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineStep {
    /// The period.
    pub period: String,
    /// Active residents, building contacts, representatives.
    pub active: u64,
    /// Building contacts.
    pub contacts: u64,
    /// Representatives.
    pub representatives: u64,
    /// Leaders: contacts and representatives.
    pub leaders: u64,
    /// Residents deeper than in the period before.
    pub promotions: u64,
    /// Residents of the period before who are gone.
    pub dropouts: u64,
    /// Leaders' growth on the period before (none for the first, or from 0).
    pub growth: Option<Decimal>,
    /// Whether growth is above 10% (the articles' target per year).
    pub growth_on_target: Option<bool>,
    /// Young leaders who were not leaders the period before.
    pub young_added: u64,
    /// Whether 3 or more young leaders were added (青苗计划: 3–5 a year).
    pub young_on_target: bool,
}

/// The leaders' pipeline over rosters, oldest first.
pub fn pipeline(rosters: &[Roster]) -> Vec<PipelineStep> {
    let mut steps = Vec::with_capacity(rosters.len());
    let mut before: HashMap<&str, Depth> = HashMap::new();
    let mut leaders_before: Option<u64> = None;
    for roster in rosters {
        let now: HashMap<&str, (Depth, bool)> = roster
            .members
            .iter()
            .map(|(id, d, young)| (id.as_str(), (*d, *young)))
            .collect();
        let count = |d: Depth| now.values().filter(|(x, _)| *x == d).count() as u64;
        let (active, contacts, representatives) = (
            count(Depth::Active),
            count(Depth::Contact),
            count(Depth::Representative),
        );
        let leaders = contacts + representatives;
        let promotions = now
            .iter()
            .filter(|(id, (d, _))| before.get(*id).is_some_and(|b| d > b))
            .count() as u64;
        let dropouts = before.keys().filter(|id| !now.contains_key(*id)).count() as u64;
        let young_added = now
            .iter()
            .filter(|(id, (d, young))| {
                *young
                    && *d >= Depth::Contact
                    && before.get(*id).is_none_or(|b| *b < Depth::Contact)
            })
            .count() as u64;
        let growth = leaders_before.filter(|&b| b > 0).and_then(|b| {
            Decimal::from(leaders)
                .checked_sub(Decimal::from(b))
                .and_then(|diff| diff.checked_div(Decimal::from(b)))
                .map(|r| r.round_dp(4).normalize())
        });
        steps.push(PipelineStep {
            period: roster.period.clone(),
            active,
            contacts,
            representatives,
            leaders,
            promotions,
            dropouts,
            growth,
            growth_on_target: growth.map(|g| g > Decimal::new(1, 1)),
            young_added,
            young_on_target: young_added >= 3,
        });
        before = now.iter().map(|(id, (d, _))| (*id, *d)).collect();
        leaders_before = Some(leaders);
    }
    steps
}
