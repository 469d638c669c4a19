//! Matching and caseloads against brute force, and the properties a user
//! relies on.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::many_single_char_names,
    clippy::type_complexity,
    reason = "test helpers fail loudly; brute force over tuples reads best with short names"
)]

use guided_community_matching::{
    CaseloadInput, CaseloadOptions, Instance, MatchOptions, Matching, RandomDistrict, RandomWeek,
    Reason, assign_caseloads, match_requests, strategy,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

// ---------------------------------------------------------------------------
// Brute force for matching.
// ---------------------------------------------------------------------------

struct Flat {
    /// Requests in priority order: (id, start, end, urgency, skill, level, building).
    requests: Vec<(String, i64, i64, u64, String, u8, String)>,
    /// Volunteers in id order: (id, skills, windows, building, limit seconds).
    volunteers: Vec<(String, Vec<(String, u8)>, Vec<(i64, i64)>, String, i64)>,
}

fn flat(instance: &Instance) -> Flat {
    let mut requests: Vec<_> = instance
        .requests
        .iter()
        .map(|r| {
            (
                r.id.clone(),
                r.from.timestamp(),
                r.to.timestamp(),
                u64::from(r.urgency),
                r.skill.clone(),
                r.level,
                r.building.clone(),
                r.need,
            )
        })
        .collect();
    requests.sort_by(|a, b| b.3.cmp(&a.3).then(b.7.cmp(&a.7)).then(a.0.cmp(&b.0)));
    let mut volunteers: Vec<_> = instance
        .volunteers
        .iter()
        .map(|v| {
            let limit = (v.max_hours * Decimal::from(3600)).floor();
            (
                v.id.clone(),
                v.skills
                    .iter()
                    .map(|s| (s.skill.clone(), s.level))
                    .collect(),
                v.available
                    .iter()
                    .map(|w| (w.0.timestamp(), w.1.timestamp()))
                    .collect(),
                v.building.clone(),
                i64::try_from(limit).unwrap(),
            )
        })
        .collect();
    volunteers.sort_by(|a, b| a.0.cmp(&b.0));
    Flat {
        requests: requests
            .into_iter()
            .map(|(a, b, c, d, e, f, g, _)| (a, b, c, d, e, f, g))
            .collect(),
        volunteers,
    }
}

fn distance(instance: &Instance, a: &str, b: &str) -> u64 {
    if a == b {
        return 0;
    }
    let get = |x: &str, y: &str| instance.distance.get(x).and_then(|r| r.get(y)).copied();
    u64::from(get(a, b).or_else(|| get(b, a)).unwrap())
}

/// Whether volunteer `v` is available for the whole of `start..end` (windows
/// that overlap or touch are one).
fn covered(windows: &[(i64, i64)], start: i64, end: i64) -> bool {
    let mut w = windows.to_vec();
    w.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::new();
    for (s, e) in w {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged.iter().any(|&(s, e)| s <= start && end <= e)
}

fn can(f: &Flat, r: usize, v: usize) -> bool {
    let (_, start, end, _, skill, level, _) = &f.requests[r];
    let (_, skills, windows, _, limit) = &f.volunteers[v];
    end > start
        && skills.iter().any(|(s, l)| s == skill && l >= level)
        && covered(windows, *start, *end)
        && end - start <= *limit
}

/// The value of every feasible assignment, and the first optimal one in the
/// tie order (requests by priority, each its candidates by distance then id,
/// then unserved): (urgency, −share, −distance), compared lexicographically.
fn brute(instance: &Instance, spread: bool) -> (u64, u64, Vec<Option<usize>>) {
    let f = flat(instance);
    let (n, m) = (f.requests.len(), f.volunteers.len());
    // Each request's options in tie order.
    let options: Vec<Vec<Option<usize>>> = (0..n)
        .map(|r| {
            let mut c: Vec<usize> = (0..m).filter(|&v| can(&f, r, v)).collect();
            c.sort_by_key(|&v| (distance(instance, &f.volunteers[v].3, &f.requests[r].6), v));
            c.into_iter().map(Some).chain([None]).collect()
        })
        .collect();
    let mut best: Option<((u64, (i64, i64), u64), Vec<Option<usize>>)> = None;
    let mut pick = vec![0usize; n];
    // Phase one (spread): the least largest share among the most urgent.
    let share_of = |assign: &[Option<usize>]| -> Option<(u64, (i64, i64), u64)> {
        let mut used = vec![0i64; m];
        let mut busy: Vec<Vec<(i64, i64)>> = vec![Vec::new(); m];
        let (mut u, mut d) = (0, 0);
        for (r, a) in assign.iter().enumerate() {
            if let Some(v) = *a {
                let (_, s, e, urg, _, _, b) = &f.requests[r];
                if busy[v].iter().any(|&(bs, be)| bs < *e && *s < be) {
                    return None;
                }
                busy[v].push((*s, *e));
                used[v] += e - s;
                if used[v] > f.volunteers[v].4 {
                    return None;
                }
                u += urg;
                d += distance(instance, &f.volunteers[v].3, b);
            }
        }
        let share = (0..m)
            .filter(|&v| f.volunteers[v].4 > 0)
            .map(|v| (used[v], f.volunteers[v].4))
            .max_by(|a, b| {
                (i128::from(a.0) * i128::from(b.1)).cmp(&(i128::from(b.0) * i128::from(a.1)))
            })
            .unwrap_or((0, 1));
        Some((u, share, d))
    };
    let less_share = |a: (i64, i64), b: (i64, i64)| {
        i128::from(a.0) * i128::from(b.1) < i128::from(b.0) * i128::from(a.1)
    };
    let le_share = |a: (i64, i64), b: (i64, i64)| !less_share(b, a);
    // Enumerate in tie order (odometer, last request fastest).
    let mut all = Vec::new();
    loop {
        let assign: Vec<Option<usize>> = (0..n).map(|r| options[r][pick[r]]).collect();
        if let Some(v) = share_of(&assign) {
            all.push((v, assign));
        }
        let mut r = n;
        loop {
            if r == 0 {
                break;
            }
            r -= 1;
            pick[r] += 1;
            if pick[r] < options[r].len() {
                break;
            }
            pick[r] = 0;
            if r == 0 {
                r = usize::MAX;
                break;
            }
        }
        if r == usize::MAX || n == 0 {
            break;
        }
    }
    let top_u = all.iter().map(|(v, _)| v.0).max().unwrap_or(0);
    let cap = if spread {
        all.iter()
            .filter(|(v, _)| v.0 == top_u)
            .map(|(v, _)| v.1)
            .reduce(|a, b| if less_share(b, a) { b } else { a })
    } else {
        None
    };
    for (v, assign) in all {
        if v.0 != top_u || cap.is_some_and(|c| !le_share(v.1, c)) {
            continue;
        }
        if best.as_ref().is_none_or(|(b, _)| v.2 < b.2) {
            best = Some((v, assign));
        }
    }
    let (v, assign) = best.unwrap();
    (v.0, v.2, assign)
}

/// Every match is feasible: skill at the level, inside a window, no overlap,
/// within the limit; every request appears once.
fn check_feasible(instance: &Instance, m: &Matching) {
    let f = flat(instance);
    assert_eq!(
        m.matches.len() + m.unmatched.len(),
        instance.requests.len(),
        "every request is matched or reported"
    );
    let mut busy: std::collections::BTreeMap<&str, Vec<(i64, i64)>> =
        std::collections::BTreeMap::new();
    for x in &m.matches {
        let r = f.requests.iter().position(|r| r.0 == x.request).unwrap();
        let v = f
            .volunteers
            .iter()
            .position(|v| v.0 == x.volunteer)
            .unwrap();
        assert!(can(&f, r, v), "{} cannot serve {}", x.volunteer, x.request);
        let (_, s, e, ..) = f.requests[r];
        let b = busy.entry(&x.volunteer).or_default();
        assert!(
            !b.iter().any(|&(bs, be)| bs < e && s < be),
            "{} overlaps",
            x.volunteer
        );
        b.push((s, e));
        assert_eq!(
            u64::from(x.distance),
            distance(instance, &f.volunteers[v].3, &f.requests[r].6)
        );
    }
    for (id, b) in &busy {
        let v = f.volunteers.iter().find(|v| v.0 == *id).unwrap();
        let used: i64 = b.iter().map(|(s, e)| e - s).sum();
        assert!(used <= v.4, "{id} serves {used} s over their limit {}", v.4);
    }
}

fn assignment(instance: &Instance, m: &Matching) -> Vec<Option<usize>> {
    let f = flat(instance);
    f.requests
        .iter()
        .map(|r| {
            m.matches.iter().find(|x| x.request == r.0).map(|x| {
                f.volunteers
                    .iter()
                    .position(|v| v.0 == x.volunteer)
                    .unwrap()
            })
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// The optimum of brute force, and the same matching by the tie rule.
    #[test]
    fn agrees_with_brute_force(instance in strategy::instance(), spread in any::<bool>()) {
        let m = match_requests(&instance, MatchOptions::default().spread_load(spread)).unwrap();
        check_feasible(&instance, &m);
        let (urgency, distance, first) = brute(&instance, spread);
        prop_assert!(m.optimality.proven);
        prop_assert_eq!(m.optimality.gap, 0);
        prop_assert_eq!(m.objective.urgency, urgency);
        prop_assert_eq!(m.objective.distance, distance);
        prop_assert_eq!(assignment(&instance, &m), first);
    }

    /// Adding a volunteer never lowers the urgency served.
    #[test]
    fn a_volunteer_more_never_serves_less(instance in strategy::instance(), extra in strategy::instance()) {
        let before = match_requests(&instance, MatchOptions::default()).unwrap();
        let mut more = instance.clone();
        if let Some(mut v) = extra.volunteers.into_iter().next() {
            v.id = "v-extra".into();
            more.volunteers.push(v);
        }
        let after = match_requests(&more, MatchOptions::default()).unwrap();
        prop_assert!(before.optimality.proven && after.optimality.proven);
        prop_assert!(after.objective.urgency >= before.objective.urgency);
    }

    /// Permuting the input permutes nothing in the output.
    #[test]
    fn input_order_does_not_matter(instance in strategy::instance(), seed in any::<u64>(), spread in any::<bool>()) {
        let options = MatchOptions::default().spread_load(spread);
        let m = match_requests(&instance, options).unwrap();
        let mut shuffled = instance.clone();
        shuffle(&mut shuffled, seed);
        prop_assert_eq!(match_requests(&shuffled, options).unwrap(), m);
    }

    /// Caseloads: brute force's value, and its first best assignment.
    #[test]
    fn caseloads_agree_with_brute_force(input in strategy::caseload()) {
        let c = assign_caseloads(&input, CaseloadOptions::default()).unwrap();
        let (placed, max, min) = brute_caseload(&input);
        prop_assert!(c.optimal);
        let got: u64 = c.guides.iter().map(|g| g.load).sum();
        prop_assert_eq!((got, c.max_load, c.min_load), (placed, max, min));
        prop_assert!(c.lower_bound <= c.max_load);
        for g in &c.guides {
            let cap = input.guides.iter().find(|x| x.id == g.guide).unwrap().cap.unwrap_or(input.cap);
            prop_assert!(g.households <= u64::from(cap));
            if let Some(bound) = input.max_distance {
                prop_assert!(g.farthest <= bound);
            }
        }
        let named: usize = c.guides.iter().map(|g| g.buildings.len()).sum::<usize>() + c.unassigned.len();
        prop_assert_eq!(named, input.buildings.len());
    }
}

fn shuffle(instance: &mut Instance, seed: u64) {
    let mut state = seed;
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(state >> 33).unwrap() % n.max(1)
    };
    for i in (1..instance.requests.len()).rev() {
        let j = next(i + 1);
        instance.requests.swap(i, j);
    }
    for i in (1..instance.volunteers.len()).rev() {
        let j = next(i + 1);
        instance.volunteers.swap(i, j);
    }
    for v in &mut instance.volunteers {
        v.available.reverse();
        v.skills.reverse();
    }
}

/// (placed load, least largest, then greatest smallest) over every assignment.
fn brute_caseload(input: &CaseloadInput) -> (u64, u64, u64) {
    let mut guides: Vec<_> = input.guides.iter().collect();
    guides.sort_by(|a, b| a.id.cmp(&b.id));
    let n = input.buildings.len();
    let k = guides.len();
    let d = |a: &str, b: &str| {
        let get = |x: &str, y: &str| input.distance.get(x).and_then(|r| r.get(y)).copied();
        get(a, b).or_else(|| get(b, a)).unwrap_or(0)
    };
    let mut best: Option<(u64, std::cmp::Reverse<u64>, u64)> = None;
    let total = (k + 1).pow(u32::try_from(n).unwrap());
    for mut code in 0..total {
        let mut load = vec![0u64; k];
        let mut households = vec![0u64; k];
        let mut ok = true;
        for b in &input.buildings {
            let g = code % (k + 1);
            code /= k + 1;
            if g == k {
                continue;
            }
            let guide = guides[g];
            if input
                .max_distance
                .is_some_and(|m| d(&guide.base, &b.id) > m)
            {
                ok = false;
            }
            load[g] += b.weight.unwrap_or(u64::from(b.households));
            households[g] += u64::from(b.households);
            if households[g] > u64::from(guide.cap.unwrap_or(input.cap)) {
                ok = false;
            }
        }
        if ok {
            let v = (
                load.iter().sum(),
                std::cmp::Reverse(*load.iter().max().unwrap()),
                *load.iter().min().unwrap(),
            );
            if best.is_none_or(|b| v > b) {
                best = Some(v);
            }
        }
    }
    let (p, std::cmp::Reverse(max), min) = best.unwrap();
    (p, max, min)
}

// ---------------------------------------------------------------------------
// Larger instances: the heuristic path.
// ---------------------------------------------------------------------------

#[test]
fn a_random_week_is_feasible_and_order_free() {
    for (requests, volunteers, seed) in [(300, 40, 1), (120, 60, 2), (40, 10, 3)] {
        let instance = RandomWeek::new(requests, volunteers)
            .generate(seed)
            .unwrap();
        let m = match_requests(&instance, MatchOptions::default()).unwrap();
        check_feasible(&instance, &m);
        assert!(m.optimality.urgency_bound >= m.objective.urgency);
        let mut shuffled = instance.clone();
        shuffle(&mut shuffled, seed);
        assert_eq!(
            match_requests(&shuffled, MatchOptions::default()).unwrap(),
            m
        );
        let spread = match_requests(&instance, MatchOptions::default().spread_load(true)).unwrap();
        check_feasible(&instance, &spread);
        // Unserved requests say why, and a busy one names who is in the way.
        for u in &m.unmatched {
            if let Reason::Busy { candidates } = &u.reason {
                assert!(!candidates.is_empty());
            }
        }
    }
}

#[test]
fn random_districts_are_balanced_within_the_gap() {
    for (buildings, guides) in [(500, 5), (60, 4), (12, 3)] {
        let input = RandomDistrict::new(buildings, guides).generate(7).unwrap();
        let c = assign_caseloads(&input, CaseloadOptions::default()).unwrap();
        assert!(c.unassigned.is_empty());
        assert!(c.lower_bound <= c.max_load && c.min_load <= c.max_load);
        // The largest-first greedy with moves and swaps lands within a
        // building's load of the mean on these.
        assert!(c.gap <= 900, "gap {} on {buildings}x{guides}", c.gap);
        let households: u64 = c.guides.iter().map(|g| g.households).sum();
        let given: u64 = input
            .buildings
            .iter()
            .map(|b| u64::from(b.households))
            .sum();
        assert_eq!(households, given);
    }
}

// ---------------------------------------------------------------------------
// Hand cases: the tie rule, every reason, every error.
// ---------------------------------------------------------------------------

fn instance(json: &str) -> Instance {
    serde_json::from_str(json).unwrap()
}

const DAY: &str = "2025-10-13T";

fn req(id: &str, skill: &str, from: &str, to: &str, building: &str, urgency: u32) -> String {
    format!(
        r#"{{"id": "{id}", "skill": "{skill}", "from": "{DAY}{from}:00+08:00", "to": "{DAY}{to}:00+08:00", "building": "{building}", "urgency": {urgency}}}"#
    )
}

fn vol(id: &str, skills: &str, from: &str, to: &str, building: &str, hours: &str) -> String {
    format!(
        r#"{{"id": "{id}", "skills": {skills}, "available": [["{DAY}{from}:00+08:00", "{DAY}{to}:00+08:00"]], "building": "{building}", "max_hours": {hours}}}"#
    )
}

fn matched(m: &Matching) -> Vec<(String, String)> {
    m.matches
        .iter()
        .map(|x| (x.request.clone(), x.volunteer.clone()))
        .collect()
}

#[test]
fn ties_go_to_the_first_request_s_nearest_volunteer() {
    // Two equally good matchings (distance 100 each): `r1`, first by urgency,
    // gets its nearest volunteer `b`, although `a` comes first by id.
    let json = format!(
        r#"{{"requests": [{}, {}], "volunteers": [{}, {}], "distance": {{"P0": {{"P1": 100}}}}}}"#,
        req("r1", "escort", "09:00", "10:00", "P0", 2),
        req("r2", "escort", "11:00", "12:00", "P0", 1),
        vol("a", r#"["escort"]"#, "08:00", "18:00", "P1", "1"),
        vol("b", r#"["escort"]"#, "08:00", "18:00", "P0", "1"),
    );
    let m = match_requests(&instance(&json), MatchOptions::default()).unwrap();
    assert_eq!(
        matched(&m),
        [("r1".into(), "b".into()), ("r2".into(), "a".into())]
    );
    assert_eq!((m.objective.urgency, m.objective.distance), (3, 100));
    assert!(m.optimality.proven);

    // Equal urgency: the need, then the longest wait, then the id decide who
    // is first.
    let json = format!(
        r#"{{"requests": [{}, {}], "volunteers": [{}], "distance": {{}}}}"#,
        req("r1", "escort", "09:00", "10:00", "P0", 1),
        req("r2", "escort", "09:30", "10:30", "P0", 1).replace(
            r#""urgency": 1"#,
            r#""urgency": 1, "waiting_since": "2025-10-01T09:00:00+08:00""#
        ),
        vol("a", r#"["escort"]"#, "08:00", "18:00", "P1", "2"),
    );
    let m = match_requests(&instance(&json), MatchOptions::default()).unwrap();
    assert_eq!(matched(&m), [("r2".into(), "a".into())]);
}

#[test]
fn the_spread_load_option_evens_the_shares() {
    // Two one-hour requests, two volunteers of four hours: by distance alone
    // `near` takes both; spread, each takes one.
    let json = format!(
        r#"{{"requests": [{}, {}], "volunteers": [{}, {}], "distance": {{"P0": {{"P1": 100}}}}}}"#,
        req("r1", "escort", "09:00", "10:00", "P0", 1),
        req("r2", "escort", "11:00", "12:00", "P0", 1),
        vol("near", r#"["escort"]"#, "08:00", "18:00", "P0", "4"),
        vol("far", r#"["escort"]"#, "08:00", "18:00", "P1", "4"),
    );
    let given = instance(&json);
    let m = match_requests(&given, MatchOptions::default()).unwrap();
    assert_eq!(m.objective.distance, 0);
    assert_eq!(m.objective.max_load_percent.to_string(), "50.0");
    let spread = match_requests(&given, MatchOptions::default().spread_load(true)).unwrap();
    assert_eq!(spread.objective.distance, 100);
    assert_eq!(spread.objective.max_load_percent.to_string(), "25.0");
    assert_eq!(
        matched(&spread),
        [("r1".into(), "near".into()), ("r2".into(), "far".into())]
    );

    // Spread, both ways of serving the two keep every share at 50% and walk
    // 100: the tie rule gives `r1` its nearest, `b` (the spreading start gave
    // it `a`, whose limit is larger).
    let json = format!(
        r#"{{"requests": [{}, {}], "volunteers": [{}, {}], "distance": {{"P0": {{"P1": 100}}}}}}"#,
        req("r1", "escort", "09:00", "10:00", "P0", 2),
        req("r2", "escort", "11:00", "12:00", "P0", 1),
        vol("a", r#"["escort"]"#, "08:00", "18:00", "P1", "4"),
        vol("b", r#"["escort"]"#, "08:00", "18:00", "P0", "2"),
    );
    let spread =
        match_requests(&instance(&json), MatchOptions::default().spread_load(true)).unwrap();
    assert_eq!(
        matched(&spread),
        [("r1".into(), "b".into()), ("r2".into(), "a".into())]
    );
    assert_eq!(spread.objective.distance, 100);
}

#[test]
fn every_request_not_served_says_why() {
    let json = format!(
        r#"{{"requests": [{}, {}, {}, {}, {}, {}, {}], "volunteers": [{}, {}], "distance": {{"P0": {{"P1": 100}}}}}}"#,
        req("backwards", "escort", "10:00", "09:00", "P0", 1),
        req("cooking", "cooking", "09:00", "10:00", "P0", 1),
        req("night", "escort", "20:00", "21:00", "P0", 1),
        req("long", "repair", "09:00", "13:00", "P0", 1),
        req("first", "escort", "09:00", "11:00", "P0", 5),
        req("second", "escort", "10:00", "11:00", "P1", 1),
        req("expert", "repair", "14:00", "15:00", "P0", 1)
            .replace(r#""urgency": 1"#, r#""urgency": 1, "level": 3"#),
        vol(
            "a",
            r#"["escort", {"skill": "repair", "level": 2}]"#,
            "08:00",
            "18:00",
            "P0",
            "2.5"
        ),
        vol(
            "b",
            r#"[{"skill": "repair", "level": 1}]"#,
            "08:00",
            "18:00",
            "P1",
            "3"
        ),
    );
    let m = match_requests(&instance(&json), MatchOptions::default()).unwrap();
    assert_eq!(matched(&m), [("first".into(), "a".into())]);
    let told: Vec<String> = m.unmatched.iter().map(ToString::to_string).collect();
    assert_eq!(
        told,
        [
            "request `backwards` is not served: its end is not after its start",
            "request `cooking` is not served: no volunteer has the skill `cooking`",
            "request `expert` is not served: no volunteer has `repair` at level 3 (the best is level 2)",
            "request `long` is not served: it is longer than the weekly limit of a, b",
            "request `night` is not served: a with the skill, none is available for the whole time",
            "request `second` is not served: a serves the overlapping `first`",
        ]
    );
    let json = serde_json::to_value(&m.unmatched[5]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"request": "second", "reason": "busy",
            "candidates": [{"volunteer": "a", "because": "overlap", "with": "first"}]})
    );
    // The limit: `a` has 2.5 hours and serves 2.
    let json = format!(
        r#"{{"requests": [{}, {}], "volunteers": [{}]}}"#,
        req("first", "escort", "09:00", "11:00", "P0", 5),
        req("later", "escort", "14:00", "15:00", "P0", 1),
        vol("a", r#"["escort"]"#, "08:00", "18:00", "P0", "2.5"),
    );
    let m = match_requests(&instance(&json), MatchOptions::default()).unwrap();
    assert_eq!(
        m.unmatched[0].to_string(),
        "request `later` is not served: a already serves 2.00 of their 2.5 hours"
    );
}

#[test]
fn bad_instances_are_refused_by_name() {
    let two = |a: &str, b: &str| {
        format!(
            r#"{{"requests": [{a}], "volunteers": [{b}], "distance": {{"P0": {{"P1": 100}}}}}}"#
        )
    };
    let r = req("r1", "escort", "09:00", "10:00", "P0", 1);
    let v = vol("a", r#"["escort"]"#, "08:00", "18:00", "P2", "2");
    let cases = [
        (
            two(&r, &v),
            "the distance between `P2` and `P0` is not given: add it to `distance` (either direction), e.g. {\"P2\": {\"P0\": 120}}",
        ),
        (
            two(&r, &vol("a", r#"["escort"]"#, "18:00", "08:00", "P0", "2")),
            "volunteer `a` is available from 2025-10-13T18:00:00+08:00 to 2025-10-13T08:00:00+08:00: a window must end after it starts",
        ),
        (
            two(&r, &vol("a", r#"["escort"]"#, "08:00", "18:00", "P0", "-1")),
            "volunteer `a` may serve -1 hours: a limit is 0 to 8,784 hours, e.g. 4 or 2.5",
        ),
        (
            two(
                &r,
                &vol("a", r#"["escort"]"#, "08:00", "18:00", "P0", "1e308"),
            ),
            "`1e308` is too large a number to keep exactly (at most 7.9e28), e.g. 4 or 2.5 at line 1 column 312",
        ),
        (
            two(
                &r,
                &vol("a", r#"["escort"]"#, "08:00", "18:00", "P0", "9000"),
            ),
            "volunteer `a` may serve 9000 hours: a limit is 0 to 8,784 hours, e.g. 4 or 2.5",
        ),
        (
            format!(r#"{{"requests": [{r}, {r}], "volunteers": []}}"#),
            "two requests are called `r1`: ids must be unique",
        ),
        (
            format!(
                r#"{{"requests": [{r}], "volunteers": [], "distance": {{"P0": {{"P1": 100}}, "P1": {{"P0": 90}}}}}}"#
            ),
            "the distance from `P0` to `P1` is 100 but back is 90: distances are symmetric",
        ),
    ];
    for (json, message) in cases {
        let Err(e) = serde_json::from_str::<Instance>(&json)
            .map_err(|e| e.to_string())
            .and_then(|i| match_requests(&i, MatchOptions::default()).map_err(|e| e.to_string()))
        else {
            panic!("accepted: {json}");
        };
        assert_eq!(e, message);
    }
}

#[test]
fn empty_and_extreme_inputs_are_answered() {
    let m = match_requests(&Instance::default(), MatchOptions::default()).unwrap();
    assert!(m.matches.is_empty() && m.optimality.proven);
    // The largest urgencies add up without overflow; a request of years.
    let json = format!(
        r#"{{"requests": [{}, {}], "volunteers": [{}]}}"#,
        req("r1", "escort", "09:00", "10:00", "P0", u32::MAX),
        req("r2", "escort", "11:00", "12:00", "P0", u32::MAX),
        vol("a", r#"["escort"]"#, "08:00", "18:00", "P0", "8784"),
    );
    let m = match_requests(&instance(&json), MatchOptions::default()).unwrap();
    assert_eq!(m.objective.urgency, 2 * u64::from(u32::MAX));
    let json = r#"{"requests": [{"id": "r", "skill": "s", "from": "0001-01-01T00:00:00+08:00",
        "to": "9999-12-31T23:59:59-08:00", "building": "P0"}],
        "volunteers": [{"id": "v", "skills": ["s"], "building": "P0", "max_hours": 8784,
        "available": [["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00"]]}]}"#;
    let m = match_requests(&instance(json), MatchOptions::default()).unwrap();
    assert_eq!(
        m.unmatched[0].to_string(),
        "request `r` is not served: it is longer than the weekly limit of v"
    );
}

#[test]
fn caseload_extremes_are_refused_or_answered() {
    let input: CaseloadInput = serde_json::from_str(
        r#"{"buildings": [{"id": "B1", "households": 4294967295, "weight": 18446744073709551615},
            {"id": "B2", "households": 1, "weight": 18446744073709551615}],
          "guides": [{"id": "g", "base": "B1", "cap": 4294967295}]}"#,
    )
    .unwrap();
    let e = assign_caseloads(&input, CaseloadOptions::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the instance has buildings whose loads add up to more than 10^15; it may have at most 1,000,000,000,000,000"
    );
    let c = assign_caseloads(
        &serde_json::from_str(r#"{"buildings": [], "guides": [{"id": "g", "base": "B1"}]}"#)
            .unwrap(),
        CaseloadOptions::default(),
    )
    .unwrap();
    assert!(c.optimal && c.guides[0].buildings.is_empty());
}

/// `copies` independent copies of a hard week of 100 requests and 15
/// volunteers of one skill (each copy its own skill, so its own part).
fn many_parts(copies: usize) -> Instance {
    let part = RandomWeek::new(100, 15)
        .skills(1)
        .buildings(10)
        .generate(3)
        .unwrap();
    let mut all = Instance {
        distance: part.distance.clone(),
        ..Instance::default()
    };
    for k in 0..copies {
        for r in &part.requests {
            let mut r = r.clone();
            r.id = format!("{k}-{}", r.id);
            r.skill = format!("s{k}");
            all.requests.push(r);
        }
        for v in &part.volunteers {
            let mut v = v.clone();
            v.id = format!("{k}-{}", v.id);
            for s in &mut v.skills {
                s.skill = format!("s{k}");
            }
            all.volunteers.push(v);
        }
    }
    all
}

#[test]
fn many_hard_parts_share_one_search_budget() {
    let limit = 1_000;
    let m = match_requests(&many_parts(100), MatchOptions::default().node_limit(limit)).unwrap();
    assert_eq!(m.optimality.components, 100);
    // Each part alone would take its 1,000 nodes (100,100 in all).
    assert!(
        m.optimality.nodes <= limit * guided_community_matching::TOTAL_NODES_PER_LIMIT + 100,
        "{} nodes",
        m.optimality.nodes
    );
    assert!(!m.optimality.proven);
    check_feasible(&many_parts(100), &m);
}
