//! The command line as a user scripts it: JSON on stdout, one-line errors, exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs the binary with `args`, feeding `stdin`.
pub(crate) fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_guided-community"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A process may exit before reading its input (a usage error): a broken pipe
    // here is its answer, not a test failure.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

/// Runs and expects success; returns stdout parsed as JSON.
pub(crate) fn run_json(args: &[&str], stdin: &str) -> serde_json::Value {
    let out = run(args, stdin);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs and expects the error convention: exit 2, nothing on stdout, one line on
/// stderr. Returns that line.
pub(crate) fn run_error(args: &[&str], stdin: &str) -> String {
    let out = run(args, stdin);
    assert_eq!(
        out.status.code(),
        Some(2),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        out.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "stderr: {stderr}");
    assert!(stderr.starts_with("error: "), "stderr: {stderr}");
    stderr.trim_end().to_owned()
}

#[test]
fn help_and_version() {
    let help = run(&["--help"], "");
    assert_eq!(help.status.code(), Some(0));
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("Usage: guided-community"), "{help}");
    assert!(help.contains("motion"), "{help}");

    let version = run(&["--version"], "");
    assert_eq!(version.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(version.stdout).unwrap().trim(),
        concat!("guided-community ", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn usage_errors_are_one_line() {
    let line = run_error(&["motion", "--threshold", "most", "--yes", "1"], "");
    assert!(line.contains("'most'"), "{line}");
    run_error(&["no-such-command"], "");
}

#[test]
fn motion() {
    let decide = |extra: &[&str]| {
        let mut args = vec!["motion", "--members", "15", "--present", "15"];
        args.extend_from_slice(extra);
        run_json(&args, "")
    };
    let passed = decide(&["--threshold", "two-thirds", "--yes", "10", "--no", "5"]);
    assert_eq!(
        passed,
        serde_json::json!({
            "passed": true,
            "quorum": true,
            "reason": "passed: 10 yes of 15 votes cast reaches two-thirds (3·yes ≥ 2·cast)"
        })
    );
    let failed = decide(&[
        "--threshold",
        "two-thirds",
        "--yes",
        "9",
        "--no",
        "5",
        "--abstain",
        "1",
    ]);
    assert_eq!(failed["passed"], false);

    let no_quorum = run_json(
        &[
            "motion",
            "--threshold",
            "majority",
            "--yes",
            "4",
            "--no",
            "0",
            "--present",
            "4",
            "--members",
            "15",
        ],
        "",
    );
    assert_eq!(no_quorum["quorum"], false);
    assert_eq!(no_quorum["passed"], false);
    assert_eq!(
        no_quorum["reason"],
        "failed: no quorum, 4 present of 8 needed"
    );

    let line = run_error(
        &[
            "motion",
            "--threshold",
            "majority",
            "--yes",
            "9",
            "--no",
            "9",
            "--present",
            "12",
            "--members",
            "15",
        ],
        "",
    );
    assert_eq!(line, "error: 18 votes recorded but only 12 members present");
}

#[test]
fn apportion_reads_weights_and_demands() {
    let out = run_json(
        &["apportion", "--total", "100"],
        r#"[3, "2.5", 0, {"weight": 1, "floor": 2, "cap": 3}]"#,
    );
    assert_eq!(out["parts"], serde_json::json!([53, 44, 0, 3]));
    assert_eq!(out["unallocated"], 0);
    assert_eq!(
        out["reasons"],
        serde_json::json!(["remainder", "proportional", "zero-weight", "capped"])
    );
    assert_eq!(out["method"], "hamilton");

    // Every method, on the Alabama-paradox weights.
    for (method, parts) in [
        ("hamilton", [4, 4, 2]),
        ("dhondt", [5, 4, 1]),
        ("sainte-lague", [5, 4, 1]),
        ("huntington-hill", [4, 4, 2]),
        ("adams", [4, 4, 2]),
    ] {
        let out = run_json(
            &["apportion", "--method", method, "--total", "10"],
            "[6, 6, 2]",
        );
        assert_eq!(out["parts"], serde_json::json!(parts), "{method}");
    }

    // When every cap is reached, the rest is reported.
    let out = run_json(
        &["apportion", "--total", "100"],
        r#"[{"weight": 1, "cap": 30}, {"weight": 1, "cap": 20}]"#,
    );
    assert_eq!(out["unallocated"], 50);
}

#[test]
fn apportion_reads_a_file_or_standard_input() {
    let dir = std::env::temp_dir().join(format!("guided-community-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("weights.json");
    std::fs::write(&file, "[1, 2, 3]").unwrap();
    let from_file = run_json(&["apportion", "--total", "12", file.to_str().unwrap()], "");
    let from_stdin = run_json(&["apportion", "--total", "12", "-"], "[1, 2, 3]");
    assert_eq!(from_file, from_stdin);
    assert_eq!(from_file["parts"], serde_json::json!([2, 4, 6]));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn apportion_errors_are_one_line() {
    assert_eq!(
        run_error(&["apportion", "--total", "10"], "[1, -2]"),
        "error: weight 1 is -2, expected zero or more"
    );
    let line = run_error(&["apportion", "--total", "10"], r#"[1, {"wieght": 1}]"#);
    assert!(
        line.contains("unknown field `wieght`") && line.contains("line 1, column"),
        "{line}"
    );
    let line = run_error(&["apportion", "--total", "10", "/no/such/file.json"], "");
    assert!(
        line.starts_with("error: cannot read `/no/such/file.json`"),
        "{line}"
    );
    assert_eq!(
        run_error(
            &["apportion", "--total", "10"],
            r#"[{"weight": 1, "floor": 20}]"#
        ),
        "error: floors sum to 20, more than the total 10 by 10"
    );
    run_error(&["apportion", "--total", "-1"], "[1]");
    run_error(
        &["apportion", "--total", "10", "--method", "jefferson"],
        "[1]",
    );
}

#[test]
fn score_ranks_tiers_and_explains() {
    let input = r#"{"weights": [25, 20, 20, 15, 20],
        "directions": ["more-need", "more-need", "less-need", "less-need", "more-need"],
        "units": [{"id": "h1", "values": [85, 2, 0.9, 0, 3]},
                  {"id": "h2", "values": [64, 0, 2.5, 12, 0]},
                  {"id": "h3", "values": [72, 1, null, 3, 1]}]}"#;
    let out = run_json(&["score"], input);
    assert_eq!(out["dimensions"][3], "participation");
    let scores = out["scores"].as_array().unwrap();
    assert_eq!(scores[0]["score"], "100");
    assert_eq!(scores[0]["rank"], 1);
    assert_eq!(scores[0]["tier"], "high");
    assert_eq!(scores[0]["flags"]["silent_need"], true);
    assert_eq!(scores[1]["score"], "0");
    assert_eq!(scores[2]["flags"]["partial"], true);
    // Contributions explain the score exactly.
    let sum: rust_decimal::Decimal = scores[2]["contributions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            c.as_str()
                .unwrap()
                .parse::<rust_decimal::Decimal>()
                .unwrap()
        })
        .sum();
    assert_eq!(sum.to_string(), scores[2]["score"].as_str().unwrap());

    let topsis = run_json(
        &["score", "--method", "topsis", "--normalize", "percentile"],
        input,
    );
    assert_eq!(topsis["scores"][0]["rank"], 1);

    let rubric = r#"{"weights": [100], "directions": ["more-need"], "rubrics": [[{"at_least": 0, "need": 0}, {"at_least": 80, "need": 100}]],
        "units": [{"id": "a", "values": [85]}, {"id": "b", "values": [70]}]}"#;
    let out = run_json(&["score", "--normalize", "rubric"], rubric);
    assert_eq!(out["scores"][0]["score"], "100");
    assert_eq!(out["scores"][1]["score"], "0");
}

#[test]
fn score_errors_are_one_line() {
    let line = run_error(
        &["score"],
        r#"{"weights": [25, 20, 20, 15, 25], "directions": [], "units": []}"#,
    );
    assert!(line.contains("weights sum to 105%"), "{line}");
    let line = run_error(
        &["score"],
        r#"{"weights": [100], "directions": ["more-need", "less-need"], "units": []}"#,
    );
    assert!(line.contains("2 directions for 1 weights"), "{line}");
    let line = run_error(
        &["score", "--normalize", "rubric"],
        r#"{"weights": [100], "directions": ["more-need"], "units": []}"#,
    );
    assert!(line.contains("needs `rubrics`"), "{line}");
    // A unit that cannot be scored is a diagnostic, not a failure of the batch.
    let out = run_json(
        &["score"],
        r#"{"weights": [100], "directions": ["more-need"], "missing": "reject", "units": [{"id": "a", "values": [1]}, {"id": "b", "values": [null]}]}"#,
    );
    assert_eq!(out["diagnostics"][0]["unit"], "b");
    assert_eq!(out["diagnostics"][0]["error"]["kind"], "missing-value");
}

#[test]
fn deadline_follows_the_worked_table() {
    let due = |priority: &str, received: &str| {
        run_json(
            &["deadline", "--priority", priority, "--received", received],
            "",
        )
    };
    assert_eq!(
        due("yellow", "2025-09-26T20:00:00+08:00"),
        serde_json::json!({"due_date": "2025-09-30", "due": "2025-10-01T00:00:00+08:00"})
    );
    assert_eq!(
        due("blue", "2025-10-03T10:00:00+08:00")["due_date"],
        "2025-10-16"
    );
    assert_eq!(
        due("red", "2025-10-03T10:00:00+08:00"),
        serde_json::json!({"due_date": "2025-10-04", "due": "2025-10-04T10:00:00+08:00"})
    );
    // The local date decides: 23:30 UTC on Sunday is Monday morning in Beijing.
    assert_eq!(
        due("yellow", "2025-11-16T23:30:00Z")["due_date"],
        "2025-11-20"
    );
    assert_eq!(
        run_error(
            &[
                "deadline",
                "--priority",
                "blue",
                "--received",
                "2026-12-28T09:00:00+08:00"
            ],
            ""
        ),
        "error: the calendar does not cover 2027, load a calendar that does"
    );
    // A calendar file adds next year.
    let dir = std::env::temp_dir().join(format!("guided-community-cal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("2027.json");
    std::fs::write(
        &file,
        r#"{"2027": {"holidays": {"2027-01-01": "New Year's Day"}, "workdays": {}}}"#,
    )
    .unwrap();
    let out = run_json(
        &[
            "deadline",
            "--priority",
            "blue",
            "--received",
            "2026-12-28T09:00:00+08:00",
            "--calendar",
            file.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out["due_date"], "2027-01-07");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn codes_new_and_check() {
    let out = run(&["code", "new", "--seed", "42", "--count", "5"], "");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let codes: Vec<&str> = text.lines().collect();
    assert_eq!(codes.len(), 5);
    assert!(
        codes
            .iter()
            .all(|c| c.len() == 13 && c.chars().nth(4) == Some('-'))
    );
    let again = String::from_utf8(run(&["code", "new", "--seed", "42", "--count", "5"], "").stdout)
        .unwrap();
    assert_eq!(text, again, "the same seed, the same codes");

    let valid = run(&["code", "check", &codes[0].to_lowercase()], "");
    assert_eq!(valid.status.code(), Some(0));
    let valid: serde_json::Value = serde_json::from_slice(&valid.stdout).unwrap();
    assert_eq!(valid, serde_json::json!({"valid": true, "code": codes[0]}));

    let mut typo: Vec<char> = codes[0].chars().collect();
    typo.swap(0, 1);
    let typo: String = typo.into_iter().collect();
    if typo != codes[0] {
        let invalid = run(&["code", "check", &typo], "");
        assert_eq!(invalid.status.code(), Some(1));
        let invalid: serde_json::Value = serde_json::from_slice(&invalid.stdout).unwrap();
        assert_eq!(invalid["valid"], false);
        assert!(
            invalid["reason"]
                .as_str()
                .unwrap()
                .contains("fails its check")
        );
    }
}

#[test]
fn inequality_matches_pysal() {
    let out = run_json(
        &["inequality"],
        r#"{"values": [10, 10, 10, 20, 50], "groups": [0, 1, 2, 0, 1]}"#,
    );
    for (key, value) in [
        ("gini", "0.36"),
        ("theil_t", "0.250201211769"),
        ("mld", "0.232630161961"),
        ("theil_between", "0.087659725073"),
        ("theil_within", "0.162541486696"),
        ("atkinson_0_5", "0.115475108809"),
        ("atkinson_1", "0.207553403769"),
        ("hoover", "0.3"),
        ("cv_population", "0.774596669241"),
        ("palma", "1.25"),
    ] {
        assert_eq!(out[key], value, "{key}");
    }
    // A zero is data: MLD is undefined, not computed without it.
    let out = run_json(&["inequality"], r#"{"values": [0, "12.5", 3]}"#);
    assert!(out["mld"].is_null());
    assert_eq!(out["atkinson_1"], "1");
    assert!(out["theil_between"].is_null(), "no groups given");
    assert_eq!(
        run_error(&["inequality"], r#"{"values": [1, -2]}"#),
        "error: value 1 is -2, expected zero or more"
    );
    assert_eq!(
        run_error(&["inequality"], r#"{"values": [0, 0]}"#),
        "error: all values are zero, the measure is undefined"
    );
}

#[test]
fn tally_prints_winners_ranking_and_rounds() {
    let election = r#"{"candidates": ["A", "B", "C"], "ballots": [
        {"ranking": ["A", "B", "C"], "count": 8},
        {"ranking": ["B", "C", "A"], "count": 7},
        {"ranking": ["C", "B", "A"], "count": 6}]}"#;
    let plurality = run_json(&["tally", "--method", "plurality"], election);
    assert_eq!(plurality["winners"], serde_json::json!(["A"]));
    for method in ["borda", "irv", "schulze", "copeland"] {
        let out = run_json(&["tally", "--method", method], election);
        assert_eq!(out["winners"], serde_json::json!(["B"]), "{method}");
        assert!(out["ranking"].is_array() && out["rounds"].is_array());
    }
    let irv = run_json(&["tally", "--method", "irv"], election);
    assert_eq!(irv["rounds"][0]["eliminated"], serde_json::json!(["C"]));
    let schulze = run_json(&["tally", "--method", "schulze"], election);
    assert_eq!(
        schulze["rounds"][0]["margins"][1],
        serde_json::json!([5, 0, 9])
    );

    let approval = r#"{"candidates": ["A", "B"], "ballots": [{"approve": ["A"], "count": 1},
        {"approve": ["A", "B"], "count": 2}, {"approve": ["B"]}]}"#;
    let out = run_json(&["tally", "--method", "approval"], approval);
    assert_eq!(out["winners"], serde_json::json!(["A", "B"]));
    assert_eq!(out["elected"], serde_json::Value::Null);
    let out = run_json(
        &["tally", "--method", "approval", "--tie-break", "B,A"],
        approval,
    );
    assert_eq!(out["elected"], "B");

    assert_eq!(
        run_error(&["tally", "--method", "borda"], approval),
        "error: ballot 0 is the wrong kind for borda: approval takes `approve` ballots, \
         the other methods `ranking` ballots"
    );
    let unknown = r#"{"candidates": ["A"], "ballots": [{"ranking": ["Z"]}]}"#;
    assert_eq!(
        run_error(&["tally", "--method", "irv"], unknown),
        "error: ballot 0 names `Z`, who is not a candidate"
    );
}

const POOL: &str = r#"{"volunteers": [
    {"id": "v1", "age": "young", "tenure": "tenant", "building": "b1"},
    {"id": "v2", "age": "young", "tenure": "owner", "building": "b2"},
    {"id": "v3", "age": "young", "tenure": "owner", "building": "b3"},
    {"id": "v4", "age": "senior", "tenure": "owner", "building": "b1"},
    {"id": "v5", "age": "senior", "tenure": "tenant", "building": "b2"},
    {"id": "v6", "age": "senior", "tenure": "owner", "building": "b3"},
    {"id": "v7", "age": "middle", "tenure": "owner", "building": "b1"},
    {"id": "v8", "age": "middle", "tenure": "tenant", "building": "b2"}],
  "rules": {"min": {"age=young": 2, "age=senior": 2, "tenure=tenant": 1},
            "min_share": {"tenure=tenant": "0.2"}, "max_per": {"building": 3},
            "cover": ["building"]}}"#;

fn gcd(a: u128, b: u128) -> u128 {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[test]
fn council_select_draws_a_valid_council_with_its_chances() {
    let out = run_json(&["council", "select", "--seats", "5", "--seed", "7"], POOL);
    let council: Vec<String> = serde_json::from_value(out["council"].clone()).unwrap();
    assert_eq!(council.len(), 5);
    let probabilities = out["probabilities"].as_object().unwrap();
    assert_eq!(probabilities.len(), 8);
    let total: rust_decimal::Decimal = probabilities
        .values()
        .map(|p| {
            p.as_str()
                .unwrap()
                .parse::<rust_decimal::Decimal>()
                .unwrap()
        })
        .sum();
    // Each chance is rounded on its own (equal chances show equal), so the
    // rounded sum is within half a unit per volunteer of the seats; the exact
    // chances sum to them exactly.
    assert!((total - rust_decimal::Decimal::from(5)).abs() <= rust_decimal::Decimal::new(4, 6));
    let exact: Vec<(u128, u128)> = out["exact"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| {
            let (n, d) = p.as_str().unwrap().split_once('/').unwrap();
            (n.parse().unwrap(), d.parse().unwrap())
        })
        .collect();
    let common: u128 = exact
        .iter()
        .map(|(_, d)| *d)
        .fold(1, |l, d| l * d / gcd(l, d));
    let sum: u128 = exact.iter().map(|(n, d)| n * (common / d)).sum();
    assert_eq!(sum, 5 * common);
    // The measures of the lottery: six places, a geometric mean no larger
    // than the mean chance 5/8.
    let gini: rust_decimal::Decimal = out["gini"].as_str().unwrap().parse().unwrap();
    let geometric: rust_decimal::Decimal = out["geometric_mean"].as_str().unwrap().parse().unwrap();
    assert!(gini.scale() <= 6 && geometric.scale() <= 6, "{out}");
    assert!(gini < rust_decimal::Decimal::ONE && geometric <= rust_decimal::Decimal::new(625, 3));
    // The same seed draws the same council; the chances do not depend on it.
    assert_eq!(
        out,
        run_json(&["council", "select", "--seats", "5", "--seed", "7"], POOL)
    );
    let other = run_json(&["council", "select", "--seats", "5", "--seed", "8"], POOL);
    assert_eq!(other["probabilities"], out["probabilities"]);
    // The drawn council passes `council check`.
    let members: Vec<serde_json::Value> = {
        let pool: serde_json::Value = serde_json::from_str(POOL).unwrap();
        pool["volunteers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| council.iter().any(|id| v["id"] == id.as_str()))
            .cloned()
            .collect()
    };
    let pool: serde_json::Value = serde_json::from_str(POOL).unwrap();
    let input = serde_json::json!({"council": members, "rules": pool["rules"]}).to_string();
    let checked = run_json(&["council", "check"], &input);
    assert_eq!(checked["violations"], serde_json::json!([]));
}

#[test]
fn council_errors_name_the_rules() {
    // Three buildings, at most one member each: four seats cannot be filled.
    let strict = POOL.replace(
        r#""max_per": {"building": 3}"#,
        r#""max_per": {"building": 1}"#,
    );
    assert_eq!(
        run_error(
            &["council", "select", "--seats", "4", "--seed", "1"],
            &strict
        ),
        "error: no council from these volunteers meets these rules together: \
         `at most 1 per building`"
    );
    assert_eq!(
        run_error(&["council", "select", "--seats", "9", "--seed", "1"], POOL),
        "error: 8 volunteers cannot fill 9 seats"
    );
    // A cap on a misspelt attribute would hold vacuously: it is named.
    let typo = POOL.replace(
        r#""max_per": {"building": 3}"#,
        r#""max_per": {"buildng": 1}"#,
    );
    assert_eq!(
        run_error(&["council", "select", "--seats", "4", "--seed", "1"], &typo),
        "error: invalid input in standard input: a rule reads the attribute `buildng`, which no \
         volunteer has; their attributes are `age`, `building`, `tenure`"
    );
    let bad = POOL.replace("age=young", "young");
    assert!(
        run_error(&["council", "select", "--seats", "4", "--seed", "1"], &bad)
            .contains("`young` is not a category: expected `key=value`")
    );
    // `council check` exits 1 with the violations.
    let input =
        r#"{"council": [{"id": "v1", "age": "senior"}], "rules": {"min": {"age=young": 1}}}"#;
    let out = run(&["council", "check"], input);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["reasons"],
        serde_json::json!(["age=young: 0 members, breaking `at least 1 age=young`"])
    );
}

/// The panel tools' CSV pair, as exported by a spreadsheet (byte-order mark,
/// CRLF, quoted fields): read, and an error names the file as given and the
/// line, not the role the crate knows it by.
#[test]
fn council_select_reads_the_csv_pair_and_names_the_file_in_errors() {
    let dir = std::env::temp_dir().join(format!("guided-community-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cats = dir.join("quotas.csv");
    std::fs::write(
        &cats,
        "\u{feff}category,name,min,max\r\nage,young,1,2\r\nage,old,1,2\r\n",
    )
    .unwrap();
    let people = dir.join("people.csv");
    std::fs::write(&people, "id,age\r\n1,young\r\n2,old\r\n3,\"young\"\r\n").unwrap();
    let select = |respondents: &std::path::Path| {
        let (cats, respondents) = (cats.to_str().unwrap(), respondents.to_str().unwrap());
        run(
            &[
                "council",
                "select",
                "--categories",
                cats,
                "--respondents",
                respondents,
                "--seats",
                "2",
                "--seed",
                "1",
            ],
            "",
        )
    };
    let out = select(&people);
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["council"].as_array().unwrap().len(), 2);
    let typo = dir.join("typo.csv");
    std::fs::write(&typo, "id,age\n1,young\n2,Old\n").unwrap();
    let out = select(&typo);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap().trim_end(),
        format!(
            "error: invalid input in `{}`: line 3: `Old` is not a value of `age` in `{}`",
            typo.display(),
            cats.display()
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn ledger_demo_replay_verify_prove() {
    let out = run(&["ledger", "demo", "--events", "300", "--seed", "5"], "");
    assert_eq!(out.status.code(), Some(0));
    let log = String::from_utf8(out.stdout).unwrap();
    assert_eq!(log.lines().count(), 300);
    // Same seed, same log.
    let again = run(&["ledger", "demo", "--events", "300", "--seed", "5"], "");
    assert_eq!(again.stdout, log.as_bytes());

    let replayed = run_json(&["ledger", "replay"], &log);
    let balances = replayed["balances"].as_object().unwrap();
    assert!(balances.contains_key("issuer"));
    let total: rust_decimal::Decimal = balances
        .values()
        .map(|v| {
            v.as_str()
                .unwrap()
                .parse::<rust_decimal::Decimal>()
                .unwrap()
        })
        .sum();
    assert_eq!(
        total,
        rust_decimal::Decimal::ZERO,
        "every account, issuer included"
    );
    let verified = run_json(&["ledger", "verify"], &log);
    assert_eq!(verified["valid"], true);
    assert_eq!(verified["head"], replayed["head"]);

    // Alter one byte of line 120: verify exits 1 naming it; replay refuses it.
    let start: usize = log.lines().take(119).map(|l| l.len() + 1).sum();
    let mut bytes = log.clone().into_bytes();
    bytes[start + 40] ^= 0x01;
    let altered = String::from_utf8_lossy(&bytes).into_owned();
    let out = run(&["ledger", "verify"], &altered);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["valid"], false);
    assert_eq!(report["line"], 120);
    assert!(run_error(&["ledger", "replay"], &altered).contains("line 120"));

    let proof = run_json(&["ledger", "prove", "--entry", "7"], &log);
    assert_eq!(proof["size"], 300);
    assert_eq!(proof["root"], verified["root"]);
    assert!(!proof["path"].as_array().unwrap().is_empty());
    assert!(run_error(&["ledger", "prove", "--entry", "300"], &log).contains("no entry 300"));

    // A resident's own checks, offline: the inclusion proof as printed…
    let checked = run_json(&["ledger", "check-proof"], &proof.to_string());
    assert_eq!(checked["valid"], true);
    assert_eq!(checked["kind"], "inclusion");
    // …and that the log of 300 extends the one published at 120 entries.
    let first: usize = log.lines().take(120).map(|l| l.len() + 1).sum();
    let published = run_json(&["ledger", "verify"], &log[..first]);
    let consistency = run_json(&["ledger", "prove-consistency", "--from", "120"], &log);
    assert_eq!(consistency["old_root"], published["root"]);
    assert_eq!(consistency["new_root"], verified["root"]);
    let old_root = published["root"].as_str().unwrap();
    let args = ["ledger", "check-proof", "--expect-old-root", old_root];
    assert_eq!(run_json(&args, &consistency.to_string())["valid"], true);
    // A rewritten log (another seed's, every hash recomputed) proves
    // consistency with its own old root, not with the published one.
    let other = run(&["ledger", "demo", "--events", "300", "--seed", "6"], "");
    let other = String::from_utf8(other.stdout).unwrap();
    let forged = run_json(&["ledger", "prove-consistency", "--from", "120"], &other);
    let out = run(&args, &forged.to_string());
    assert_eq!(out.status.code(), Some(1));
    // A proof with one hash changed fails on its own arithmetic.
    let mut tampered = consistency.clone();
    tampered["proof"][0] = tampered["proof"][1].clone();
    let out = run(&["ledger", "check-proof"], &tampered.to_string());
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["reason"]
            .as_str()
            .unwrap()
            .contains("does not extend"),
        "{report}"
    );
    assert!(
        run_error(&["ledger", "prove-consistency", "--from", "301"], &log)
            .contains("the log has 300 entries")
    );
    assert!(
        run_error(&["ledger", "check-proof"], "{\"x\": 1}").contains("expected an inclusion proof")
    );
}

#[test]
fn pb_reproduces_a_city_and_explains_it() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/pabulib/Netherlands_Assen_2024.pb"
    );
    let out = run_json(&["pb", path], "");
    assert_eq!(out["rule"], "mes-add1");
    let mut selected: Vec<String> = serde_json::from_value(out["selected"].clone()).unwrap();
    selected.sort();
    assert_eq!(selected, ["11", "12", "13", "14", "2", "3", "5", "6", "9"]);
    assert_eq!(out["total_cost"], "76700");
    assert_eq!(out["per_voter_budget"], "2033");
    assert_eq!(out["projects"][0]["why"], "paid");
    let greedy = run_json(
        &[
            "pb",
            path,
            "--rule",
            "greedy",
            "--tie-break",
            "cost-then-votes",
        ],
        "",
    );
    assert_eq!(greedy["rule"], "greedy");
    assert_eq!(greedy["projects"][0]["why"], "chosen");
    let approval = run_json(&["pb", path, "--rule", "mes", "--utility", "approval"], "");
    assert_eq!(approval["rule"], "mes");

    let budapest = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/pabulib/Hungary_Budapest_2024.pb"
    );
    let unknown = run_error(&["pb", budapest], "");
    assert!(
        unknown.contains("the file's META `rule` is `unknown`, which names no rule this runs; choose one with --rule"),
        "{unknown}"
    );
    assert_eq!(
        run_error(&["pb"], "META\nkey;value\nbudget;5\n"),
        "error: invalid input in standard input: line 4: expected a `PROJECTS` section"
    );
}

#[test]
fn pb_generate_writes_a_seeded_election_the_rules_read() {
    let args = [
        "pb",
        "generate",
        "--projects",
        "12",
        "--voters",
        "40",
        "--seed",
        "9",
    ];
    let first = run(&args, "");
    assert_eq!(first.status.code(), Some(0));
    let text = String::from_utf8(first.stdout).unwrap();
    assert!(text.starts_with("META\nkey;value\n"), "{text}");
    assert_eq!(
        text.lines().filter(|l| l.contains(';')).count(),
        1 + 6 + 1 + 12 + 1 + 40
    );
    // The same seed gives the same file; another seed another.
    assert_eq!(String::from_utf8(run(&args, "").stdout).unwrap(), text);
    let other = run(
        &[
            "pb",
            "generate",
            "--projects",
            "12",
            "--voters",
            "40",
            "--seed",
            "10",
        ],
        "",
    );
    assert_ne!(String::from_utf8(other.stdout).unwrap(), text);
    // What it writes, the rules read.
    let outcome = run_json(&["pb", "-", "--rule", "mes-add1"], &text);
    assert_eq!(outcome["rule"], "mes-add1");
    assert_eq!(
        run_error(&["pb", "generate", "--projects", "0"], ""),
        "error: a random election's `projects` cannot be 0: it takes 1 to 100,000"
    );
    // Too large in all is refused before anything is made.
    let huge = run_error(
        &["pb", "generate", "--voters", "10000000", "--approvals", "6"],
        "",
    );
    assert!(huge.contains("at most 5 per voter"), "{huge}");
    // Pabulib-like: districts in a column, and the rules read it.
    let districted = String::from_utf8(
        run(
            &[
                "generate",
                "pb",
                "--pabulib-like",
                "--districts",
                "3",
                "--projects",
                "30",
                "--voters",
                "200",
            ],
            "",
        )
        .stdout,
    )
    .unwrap();
    assert!(
        districted.contains("project_id;cost;district\n"),
        "{districted}"
    );
    assert!(districted.contains("voter_id;district;vote\n"));
    let outcome = run_json(&["pb", "-", "--rule", "mes"], &districted);
    assert_eq!(outcome["rule"], "mes");
    assert_eq!(
        run_error(
            &["generate", "pb", "--districts", "31", "--projects", "30"],
            ""
        ),
        "error: a random election's `districts` cannot be 31: it takes 1 to 30 (at most one per project)"
    );
}

#[test]
fn demo_writes_the_report_and_summarises_it() {
    let dir = std::env::temp_dir().join(format!("guided-community-demo-{}", std::process::id()));
    let out = dir.to_str().unwrap();
    let summary = run_json(
        &["demo", "--households", "300", "--seed", "4", "--out", out],
        "",
    );
    assert_eq!(summary["households"], 300);
    assert_eq!(summary["balanced"], true);
    let html = std::fs::read_to_string(dir.join("quarterly-report.html")).unwrap();
    assert_eq!(html.matches("<svg").count(), 9);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("quarterly-report.json")).unwrap())
            .unwrap();
    assert_eq!(json["households"], 300);
    // The ledger it writes is the one whose anchor the report prints.
    let points = &json["after"]["points"];
    let head = points["ledger_head"].as_str().unwrap();
    assert!(html.contains(head));
    let size = points["ledger_entries"].to_string();
    let log = dir.join("points-ledger.jsonl");
    let args = [
        "ledger",
        "verify",
        log.to_str().unwrap(),
        "--expect-head",
        head,
        "--expect-size",
        &size,
    ];
    let verified = run_json(&args, "");
    assert_eq!(verified["valid"], true);
    assert_eq!(verified["root"], points["ledger_root"]);
    // The same seed writes the same report.
    run_json(
        &["demo", "--households", "300", "--seed", "4", "--out", out],
        "",
    );
    let again = std::fs::read_to_string(dir.join("quarterly-report.html")).unwrap();
    assert_eq!(again, html);
    std::fs::remove_dir_all(&dir).unwrap();

    // An output directory that cannot be created is a one-line error.
    let err = run_error(
        &["demo", "--households", "10", "--out", "/proc/no-such/dir"],
        "",
    );
    assert!(
        err.starts_with("error: cannot write to `/proc/no-such/dir`"),
        "{err}"
    );
}

#[test]
fn petitions_are_kept_and_looked_up_by_code() {
    let dir = std::env::temp_dir().join(format!("gc-cli-petition-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("community.db");
    let db = db.to_str().unwrap();
    let submit = [
        "petition",
        "submit",
        "--db",
        db,
        "--id",
        "p-1",
        "--category",
        "water-leak",
        "--colour",
        "yellow",
        "--received",
        "2025-09-26T20:00:00+08:00",
    ];
    let first = run_json(&submit, "");
    assert_eq!(first["result"], "recorded");
    // 3 working days after a Friday evening, over the National Day holiday.
    assert_eq!(first["response_due"], "2025-10-01T00:00:00+08:00");
    let code = first["code"].as_str().unwrap().to_owned();
    // Sent again (no --code): the same petition, its code kept.
    let again = run_json(&submit, "");
    assert_eq!(again["result"], "duplicate");
    assert_eq!(again["code"], code.as_str());
    let update = |action: &[&str]| {
        let mut args = vec!["petition", "update", "--db", db, "--id", "p-1"];
        args.extend_from_slice(action);
        args.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()
    };
    let ack = update(&["acknowledge", "--at", "2025-09-28T10:00:00+08:00"]);
    let ack: Vec<&str> = ack.iter().map(String::as_str).collect();
    assert_eq!(run_json(&ack, "")["state"], "acknowledged");
    assert_eq!(run_json(&ack, "")["result"], "duplicate");
    let close = update(&[
        "close",
        "--satisfaction",
        "5",
        "--at",
        "2025-09-28T11:00:00+08:00",
    ]);
    let close: Vec<&str> = close.iter().map(String::as_str).collect();
    assert_eq!(
        run_error(&close, ""),
        "error: cannot close a petition that is acknowledged"
    );
    let pause = update(&["pause"]);
    let pause: Vec<&str> = pause.iter().map(String::as_str).collect();
    assert_eq!(run_error(&pause, ""), "error: `pause` needs --reason");
    let typed = code.to_lowercase().replace('-', " ");
    let status = [
        "petition",
        "status",
        "--db",
        db,
        "--code",
        &typed,
        "--at",
        "2025-09-29T09:00:00+08:00",
    ];
    let seen = run_json(&status, "");
    assert_eq!(seen["found"], true);
    assert_eq!(seen["state"], "acknowledged");
    assert_eq!(seen["response"], "met");
    assert_eq!(seen["resolution_due"], "2025-10-17T00:00:00+08:00");
    assert!(!seen.to_string().contains("water-leak"), "{seen}");
    let other = ["petition", "status", "--db", db, "--code", "0000-0000-000"];
    let missing = run(&other, "");
    assert_eq!(missing.status.code(), Some(1));
    let typo = dir.join("typo.db");
    let typo = [
        "petition",
        "status",
        "--db",
        typo.to_str().unwrap(),
        "--code",
        &code,
    ];
    assert!(run_error(&typo, "").contains("there is no store at"));
    assert!(!dir.join("typo.db").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn committee_elects_and_checks_with_a_witness() {
    let election = r#"{"candidates": ["a", "b", "c", "d"],
        "ballots": [{"approve": ["a", "b", "c"], "count": 4}, {"approve": ["d"], "count": 2}]}"#;
    // Approval voting gives all three seats to the four; PAV gives the two theirs.
    let av = run_json(&["committee", "--rule", "av", "--size", "3"], election);
    assert_eq!(av["committees"], serde_json::json!([["a", "b", "c"]]));
    let pav = run_json(
        &["committee", "--rule", "pav", "--size", "3", "--irresolute"],
        election,
    );
    assert_eq!(
        pav["committees"],
        serde_json::json!([["a", "b", "d"], ["a", "c", "d"], ["b", "c", "d"]])
    );
    let mes = run_json(
        &["committee", "--rule", "equal-shares", "--size", "3"],
        election,
    );
    assert!(!mes["rounds"].as_array().unwrap().is_empty());
    // AV's committee leaves a third of the voters with nothing: JR fails, and
    // the witness names them and the candidate they all approve.
    let out = run(
        &[
            "committee",
            "check",
            "--property",
            "jr",
            "--committee",
            "a,b,c",
        ],
        election,
    );
    assert_eq!(out.status.code(), Some(1));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["satisfied"], false);
    assert_eq!(answer["witness"]["candidates"], serde_json::json!(["d"]));
    assert_eq!(answer["witness"]["voters"], serde_json::json!([2]));
    assert_eq!(answer["witness"]["weight"], 2);
    let ok = run_json(
        &[
            "committee",
            "check",
            "--property",
            "ejr",
            "--committee",
            "a,b,d",
        ],
        election,
    );
    assert_eq!(ok["satisfied"], true);
    assert!(
        run_error(&["committee", "--rule", "pav", "--size", "5"], election)
            .contains("the size must be 1 to 4")
    );
    assert!(
        run_error(
            &[
                "committee",
                "check",
                "--property",
                "jr",
                "--committee",
                "a,a"
            ],
            election
        )
        .contains("names `a` twice")
    );
    // Composition rules: "at least one from building 2" moves a seat.
    let ruled = r#"{"candidates": ["a", "b", "c", "d"],
        "ballots": [{"approve": ["a", "b", "c"], "count": 4}, {"approve": ["d"], "count": 2}],
        "attributes": {"c": {"building": "2"}},
        "rules": [{"attribute": "building", "value": "2", "min": 1}]}"#;
    let av = run_json(&["committee", "--rule", "av", "--size", "2"], ruled);
    assert_eq!(av["committees"], serde_json::json!([["a", "c"]]));
    let impossible = ruled.replace(r#""min": 1"#, r#""min": 2"#);
    assert!(
        run_error(&["committee", "--rule", "av", "--size", "2"], &impossible)
            .contains("rule 1 (at least 2 with building = 2) cannot be met together")
    );
    // abcvoting's own files are read too, the size taken from the file.
    let abc = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/abcvoting/instanceS0003.abc.yaml"
    );
    let sav = run_json(&["committee", "--rule", "sav", "--irresolute", abc], "");
    assert_eq!(sav["committees"].as_array().unwrap().len(), 2);
}

#[test]
fn pb_check_names_the_short_changed_group() {
    let pb = "META\nkey;value\nbudget;4\nvote_type;approval\nPROJECTS\nproject_id;cost\np1;2\np2;2\np3;2\nVOTES\nvoter_id;vote\n1;p1,p2\n2;p1,p2\n3;p3\n4;p3\n";
    let out = run(
        &["pb", "check", "--property", "ejr", "--selected", "p1,p2"],
        pb,
    );
    assert_eq!(out.status.code(), Some(1));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["witness"]["voters"], serde_json::json!(["3", "4"]));
    assert_eq!(answer["witness"]["projects"], serde_json::json!(["p3"]));
    let fair = run_json(
        &["pb", "check", "--property", "pjr", "--selected", "p1,p3"],
        pb,
    );
    assert_eq!(fair["satisfied"], true);
    assert!(
        run_error(
            &["pb", "check", "--property", "ejr", "--selected", "p9"],
            pb
        )
        .contains("`p9` is not a project")
    );
    // `--selected ""` checks the empty selection, not a project named "".
    let none = run(&["pb", "check", "--property", "ejr", "--selected", ""], pb);
    assert_eq!(none.status.code(), Some(1));
    let answer: serde_json::Value = serde_json::from_slice(&none.stdout).unwrap();
    assert_eq!(answer["selected"], serde_json::json!([]));
    // Priceability: the price system by voter id, or why not.
    let priced = run_json(
        &[
            "pb",
            "check",
            "--property",
            "priceable",
            "--selected",
            "p1,p3",
        ],
        pb,
    );
    assert_eq!(priced["satisfied"], true, "{priced}");
    assert_eq!(priced["voter_budget"], "1");
    assert_eq!(priced["payments"]["3"], serde_json::json!({"p3": "1"}));
    let not = run(
        &[
            "pb",
            "check",
            "--property",
            "priceable",
            "--selected",
            "p1,p2",
        ],
        pb,
    );
    assert_eq!(not.status.code(), Some(1));
    let answer: serde_json::Value = serde_json::from_slice(&not.stdout).unwrap();
    assert_eq!(answer["unselected"], serde_json::json!(["p3"]), "{answer}");
}

#[test]
fn project_plan_schedules_across_the_national_day_week() {
    let plan = r#"{"start": "2025-09-22", "steps": [
        {"id": "design", "working_days": 5, "after": []},
        {"id": "purchasing", "working_days": 5, "after": ["design"]},
        {"id": "works", "working_days": 10, "after": ["purchasing"]},
        {"id": "acceptance", "working_days": 1, "after": ["works"]}]}"#;
    let s = run_json(&["project", "plan"], plan);
    let dates: Vec<(String, String)> = s["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["start"].as_str().unwrap().to_owned(),
                x["end"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // Design Monday 22 – Friday 26; purchasing from the make-up Sunday 28,
    // Monday 29, Tuesday 30, then after the 1–8 October holiday Thursday 9
    // and Friday 10; works from the make-up Saturday 11 October.
    let expected = [
        ("2025-09-22", "2025-09-26"),
        ("2025-09-28", "2025-10-10"),
        ("2025-10-11", "2025-10-23"),
        ("2025-10-24", "2025-10-24"),
    ];
    for ((start, end), (s0, e0)) in dates.iter().zip(expected) {
        assert_eq!((start.as_str(), end.as_str()), (s0, e0), "{s}");
    }
    assert_eq!(s["working_days"], 21);
    assert_eq!(
        run_error(
            &["project", "plan"],
            r#"{"start": "2025-09-22", "steps": [{"id": "a", "working_days": 3, "after": ["b"]}]}"#
        ),
        "error: step `a` follows `b`, which is not a step of the plan"
    );
}

#[test]
fn project_status_and_pilot_explain_themselves() {
    let status = run_json(
        &["project", "status"],
        r#"{"start": "2025-09-01", "today": "2025-09-10",
            "steps": [{"id": "design", "working_days": 5}, {"id": "works", "working_days": 10, "after": ["design"]}],
            "events": [{"event": "started", "step": "design", "on": "2025-09-01"},
                       {"event": "blocked", "step": "design", "on": "2025-09-03", "reason": "waiting for the survey"}]}"#,
    );
    assert_eq!(status["status"], "late");
    assert_eq!(
        status["reason"],
        "expected to end on 2025-09-24, after the planned 2025-09-19: `design` is blocked since 2025-09-03: waiting for the survey"
    );
    // The articles' 垃圾分类 pilot: 20% → 85% in two buildings, 20% → 25% in three others.
    let mut units = Vec::new();
    for (building, pilot, after) in [
        ("1", true, 34),
        ("2", true, 34),
        ("5", false, 10),
        ("6", false, 10),
        ("7", false, 10),
    ] {
        for h in 0..40 {
            units.push(serde_json::json!({
                "building": building, "pilot": pilot,
                "before": if h < 8 { 100 } else { 0 }, "after": if h < after { 100 } else { 0 }
            }));
        }
    }
    let input = serde_json::json!({
        "measure": "garbage sorting", "indicator": "households sorting correctly, %",
        "threshold": "10", "units": units
    })
    .to_string();
    let result = run_json(&["pilot", "--seed", "7"], &input);
    assert_eq!(result["effect"], "60");
    assert_eq!(result["roll_out"], true);
    assert_eq!(
        result,
        run_json(&["pilot", "--seed", "7"], &input),
        "the seed decides"
    );
    assert!(
        result["reason"]
            .as_str()
            .unwrap()
            .starts_with("households sorting correctly, % changed by +65 in the pilot buildings and +5 in the comparison buildings: an effect of +60 (95% interval"),
        "{result}"
    );
}

#[test]
fn fund_distribute_shares_an_income_to_the_fen() {
    let out = run_json(
        &["fund", "distribute"],
        r#"{"income": "12000.00", "shares": {"elderly-care": 5, "repairs": "3", "activities": 2.0}}"#,
    );
    assert_eq!(
        out["parts"],
        serde_json::json!({"activities": "2400.00", "elderly-care": "6000.00", "repairs": "3600.00"})
    );
    assert_eq!(out["rule_hash"].as_str().unwrap().len(), 64);
    // Thirds of a hundred yuan: the fen left over goes by largest remainder,
    // and the parts add up.
    let thirds = run_json(
        &["fund", "distribute"],
        r#"{"income": "100.00", "shares": {"a": 1, "b": 1, "c": 1}}"#,
    );
    assert_eq!(
        thirds["parts"],
        serde_json::json!({"a": "33.34", "b": "33.33", "c": "33.33"})
    );
    assert_eq!(
        run_error(
            &["fund", "distribute"],
            r#"{"income": "100.00", "shares": {"a": -1, "b": 2}}"#
        ),
        "error: the distribution rule gives `a` a weight of -1: weights are zero or more"
    );
    assert!(
        run_error(
            &["fund", "distribute"],
            r#"{"income": "100.00", "sharez": {"a": 1}}"#
        )
        .contains("unknown variant `sharez`")
    );
}

#[test]
fn fund_statement_lists_every_expense_with_its_ledger_entry() {
    let dir = std::env::temp_dir().join(format!("guided-community-fund-{}", std::process::id()));
    let out = dir.to_str().unwrap();
    run_json(&["demo", "--out", out], "");
    let log = dir.join("points-ledger.jsonl");
    let statement = run_json(
        &[
            "fund",
            "statement",
            "--fund",
            "trust-fund",
            log.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(statement["income"]["fee"], "397440.00");
    // No period given: its ends are `null`, not chrono's years ±262142.
    assert!(statement["from"].is_null() && statement["to"].is_null());
    // A misspelt fund is named, with the funds the log has.
    assert_eq!(
        run_error(
            &[
                "fund",
                "statement",
                "--fund",
                "trust-fnd",
                log.to_str().unwrap()
            ],
            ""
        ),
        format!(
            "error: invalid input in `{}`: the log has no account `trust-fnd`; its funds are `trust-fund`",
            log.display()
        )
    );
    let expenses = statement["expenses"].as_array().unwrap();
    assert_eq!(expenses.len(), 3);
    assert_eq!(expenses[1]["refunded"], "500.00");
    // Every line carries the entry an inclusion proof is asked for.
    let entry = expenses[0]["entry"].as_u64().unwrap().to_string();
    let proof = run_json(
        &["ledger", "prove", "--entry", &entry, log.to_str().unwrap()],
        "",
    );
    assert_eq!(proof["entry"].as_u64().unwrap().to_string(), entry);
    // From mid-August the repair (paid on 3 August) is not in the period but
    // its refund is: the books still balance.
    let late = run_json(
        &[
            "fund",
            "statement",
            "--fund",
            "trust-fund",
            "--from",
            "2026-08-10",
            log.to_str().unwrap(),
        ],
        "",
    );
    let yuan = |v: &serde_json::Value| {
        v.as_str()
            .unwrap()
            .parse::<rust_decimal::Decimal>()
            .unwrap()
    };
    assert_eq!(late["refunds"], "500.00");
    let expenses: rust_decimal::Decimal = late["expenses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| yuan(&e["amount"]))
        .sum();
    let income: rust_decimal::Decimal =
        late["income"].as_object().unwrap().values().map(yuan).sum();
    assert_eq!(
        yuan(&late["opening"]) + income - expenses
            + yuan(&late["refunds"])
            + yuan(&late["distributed_in"])
            - yuan(&late["distributed_out"])
            + yuan(&late["transfers_in"])
            - yuan(&late["transfers_out"]),
        yuan(&late["closing"])
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn participation_names_who_is_missing() {
    let mut people = Vec::new();
    let mut records = Vec::new();
    for i in 0..60 {
        people.push(serde_json::json!({"id": format!("y{i}"), "attributes": {"group": "young-renters", "tenure": "tenant"}}));
        if i < 6 {
            records.push(serde_json::json!({"resident": format!("y{i}"), "channel": "online-evening", "on": "2026-07-03"}));
        }
    }
    for i in 0..40 {
        people.push(serde_json::json!({"id": format!("s{i}"), "attributes": {"group": "seniors", "tenure": "owner"}}));
        if i < 20 {
            records.push(serde_json::json!({"resident": format!("s{i}"), "channel": "building-corner", "on": "2026-07-04"}));
        }
    }
    let input =
        serde_json::json!({"people": people, "records": records, "council": ["s0", "s1", "y0"]})
            .to_string();
    let out = run_json(&["participation"], &input);
    assert_eq!(out["rate"], "0.26");
    assert_eq!(out["least_reached"][0], "young-renters");
    let young = out["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == "young-renters")
        .unwrap();
    assert_eq!(young["flag"], "under");
    assert_eq!(young["channels"]["online-evening"], 6);
    // The council against the residents: young renters are 60% of residents, a third of the council.
    let council = out["council"].as_array().unwrap();
    assert_eq!(council[0]["group"], "young-renters");
    assert_eq!(council[0]["member_share"], "0.3333");
    assert!(
        run_error(&["participation"], r#"{"people": [], "records": []}"#)
            .contains("`people` is empty")
    );
    // A misspelt `by` would put everyone in "unstated": it names what there is.
    let typo = r#"{"people": [{"id": "a", "attributes": {"group": "x", "tenure": "owner"}}],
        "records": [], "options": {"by": "grup"}}"#;
    assert_eq!(
        run_error(&["participation"], typo),
        "error: invalid input in standard input: no resident has the attribute `grup` that \
         `options.by` groups by; the residents' attributes are `group`, `tenure`"
    );
}

#[test]
fn match_serves_the_most_urgent_and_says_why_not() {
    let week = r#"{"requests": [
        {"id": "r1", "skill": "escort", "from": "2025-10-13T09:00:00+08:00", "to": "2025-10-13T11:00:00+08:00", "building": "B1", "urgency": 3},
        {"id": "r2", "skill": "escort", "from": "2025-10-13T10:00:00+08:00", "to": "2025-10-13T12:00:00+08:00", "building": "B2", "urgency": 1},
        {"id": "r3", "skill": "cooking", "from": "2025-10-13T10:00:00+08:00", "to": "2025-10-13T12:00:00+08:00", "building": "B2"}],
      "volunteers": [{"id": "wang", "skills": ["escort"], "building": "B2", "max_hours": 4,
        "available": [["2025-10-13T08:00:00+08:00", "2025-10-13T18:00:00+08:00"]]}],
      "distance": {"B1": {"B2": 300}}}"#;
    let m = run_json(&["match"], week);
    assert_eq!(m["matches"][0]["request"], "r1");
    assert_eq!(m["matches"][0]["distance"], 300);
    assert_eq!(m["matches"][0]["hours"], "2.00");
    assert_eq!(m["unmatched"][0]["reason"], "busy");
    assert_eq!(m["unmatched"][0]["candidates"][0]["with"], "r1");
    assert_eq!(m["unmatched"][1]["reason"], "no-skill");
    assert_eq!(
        m["objective"],
        serde_json::json!({"urgency": 3, "distance": 300, "max_load_percent": "50.0"})
    );
    assert_eq!(m["optimality"]["proven"], true);
    assert_eq!(
        run_error(
            &["match"],
            &week.replace("2025-10-13T09:00:00+08:00", "2025-10-13 09:00")
        ),
        "error: invalid input in standard input: `2025-10-13 09:00` is not a time with its offset: write it as 2025-10-13T09:00:00+08:00 (line 2, column 66)"
    );
    assert_eq!(
        run_error(
            &["match"],
            &week.replace(r#""max_hours": 4"#, r#""max_hours": 1e308"#)
        ),
        "error: invalid input in standard input: `1e308` is too large a number to keep exactly (at most 7.9e28), e.g. 4 or 2.5 (line 5, column 94)"
    );
}

#[test]
fn caseload_balances_guides_within_the_cap() {
    let district = r#"{"buildings": [
        {"id": "B1", "households": 700}, {"id": "B2", "households": 600},
        {"id": "B3", "households": 500}, {"id": "B4", "households": 400},
        {"id": "B5", "households": 1600}],
      "guides": [{"id": "g1", "base": "B1"}, {"id": "g2", "base": "B4"}]}"#;
    let c = run_json(&["caseload"], district);
    assert_eq!(
        (c["max_load"].as_u64(), c["min_load"].as_u64()),
        (Some(1100), Some(1100))
    );
    assert_eq!(c["unassigned"][0]["reason"], "over-cap");
    assert_eq!(c["optimal"], true);
    assert_eq!(
        run_error(&["caseload"], r#"{"buildings": [], "guides": []}"#),
        "error: there are no guides: give at least one, e.g. {\"id\": \"guide-1\", \"base\": \"B1\"}"
    );
}
