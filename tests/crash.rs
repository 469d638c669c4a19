//! **Nothing acknowledged is lost.** `ledger serve` is run as a child process,
//! fed commands, and killed with SIGKILL at random moments, over and over; after
//! each restart everything not yet acknowledged (and a sample of what was) is
//! sent again. At the end every command sent is in the journal exactly once,
//! every acknowledged one at the position it was acknowledged with, the chain
//! verifies (the store checks it on every open), and the balances are what the
//! commands add up to. The negative control runs the same harness against a
//! server that acknowledges before it commits, and must see losses.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use guided_community::points::log::verify;

const AT: &str = "2026-03-01T09:00:00";
const RESIDENTS: usize = 5;

/// `SplitMix64`: the harness's own seeded randomness.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_guided-community")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gc-crash-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("bank.db")
}

fn request(id: &str, action: &str) -> String {
    format!(r#"{{"at": "{AT}", "command": {{"id": "{id}", "action": {action}}}}}"#)
}

/// Transfer `n`: from the issuer to resident `n % 5`, `n % 7 + 1` points.
fn transfer(n: u64) -> (String, String) {
    let id = format!("t{n}");
    let action = format!(
        r#"{{"type": "transfer", "from": "issuer", "to": "r{}", "amount": "{}"}}"#,
        n % RESIDENTS as u64,
        n % 7 + 1
    );
    (id.clone(), request(&id, &action))
}

fn serve(db: &Path, failpoint: bool) -> Child {
    let mut command = Command::new(bin());
    command
        .args(["ledger", "serve", "--db"])
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if failpoint {
        command.env("GUIDED_COMMUNITY_FAILPOINT", "ack-before-commit");
    } else {
        command.env_remove("GUIDED_COMMUNITY_FAILPOINT");
    }
    command.spawn().unwrap()
}

/// The id and journal position of an answer that acknowledges a command.
fn acknowledged(line: &str) -> Option<(String, u64)> {
    let answer: serde_json::Value = serde_json::from_str(line).ok()?;
    let id = answer["id"].as_str()?.to_owned();
    let seq = answer["seq"].as_u64()?;
    assert!(
        answer.get("receipt").is_some(),
        "a transfer was not accepted: {line}"
    );
    Some((id, seq))
}

/// Sends `requests` and reads answers until `stop_after` of them arrived (then
/// SIGKILL) or all did (then a clean end of input). Returns the acknowledgements.
fn session(
    db: &Path,
    failpoint: bool,
    requests: &[String],
    stop_after: usize,
) -> Vec<(String, u64)> {
    let mut child = serve(db, failpoint);
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let text: String = requests.iter().flat_map(|r| [r.as_str(), "\n"]).collect();
    // Written from another thread: a pipe holds only so much.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(text.as_bytes());
        stdin
    });
    let mut acks = Vec::new();
    let mut lines = BufReader::new(stdout).lines();
    let killed = stop_after < requests.len();
    while acks.len() < requests.len().min(stop_after) {
        let Some(Ok(line)) = lines.next() else {
            break;
        };
        if let Some(ack) = acknowledged(&line) {
            acks.push(ack);
        }
    }
    if killed {
        child.kill().unwrap(); // SIGKILL
        let _ = writer.join();
    } else {
        drop(writer.join().unwrap()); // end of input: a clean exit
        for line in lines.map_while(Result::ok) {
            if let Some(ack) = acknowledged(&line) {
                acks.push(ack);
            }
        }
    }
    let status = child.wait().unwrap();
    assert!(killed || status.success(), "serve failed: {status}");
    acks
}

/// What the harness found.
struct Findings {
    acknowledged: usize,
    /// Acknowledged commands missing from the journal, or at another position.
    lost: Vec<String>,
}

/// The whole harness: `cycles` sessions, each killed at a random moment.
fn run_harness(name: &str, failpoint: bool, cycles: usize, seed: u64) -> Findings {
    let db = scratch(name);
    let mut rng = Rng(seed);
    // Accounts first, in a session that is not killed.
    let mut setup = vec![request(
        "issuer",
        r#"{"type": "open_account", "account": "issuer", "kind": "issuer", "unit": "points"}"#,
    )];
    for r in 0..RESIDENTS {
        setup.push(request(
            &format!("r{r}"),
            &format!(
                r#"{{"type": "open_account", "account": "r{r}", "kind": "resident", "unit": "points"}}"#
            ),
        ));
    }
    assert_eq!(session(&db, false, &setup, usize::MAX).len(), setup.len());
    let mut sent: Vec<(String, String)> = Vec::new();
    let mut acked: BTreeMap<String, u64> = BTreeMap::new();
    let mut lost: Vec<String> = Vec::new();
    let mut next = 0u64;
    for _ in 0..cycles {
        // Everything not yet acknowledged, a few acknowledged ones (retries that
        // must come back as duplicates at the same position), and new commands.
        let mut batch: Vec<(String, String)> = sent
            .iter()
            .filter(|(id, _)| !acked.contains_key(id))
            .cloned()
            .collect();
        for _ in 0..2 {
            if !sent.is_empty() {
                batch.push(sent[usize::try_from(rng.below(sent.len() as u64)).unwrap()].clone());
            }
        }
        let fresh = 1 + rng.below(8);
        let start = sent.len();
        for _ in 0..fresh {
            sent.push(transfer(next));
            next += 1;
        }
        batch.extend(sent[start..].iter().cloned());
        let requests: Vec<String> = batch.iter().map(|(_, r)| r.clone()).collect();
        let stop_after = usize::try_from(rng.below(requests.len() as u64 + 1)).unwrap();
        for (id, seq) in session(&db, failpoint, &requests, stop_after) {
            match acked.get(&id) {
                // Acknowledged once at one position, now at another: the first
                // acknowledgement was for something that never committed.
                Some(&first) if first != seq => {
                    lost.push(format!("{id} (acknowledged at {first}, then at {seq})"));
                }
                Some(_) => {}
                None => {
                    acked.insert(id, seq);
                }
            }
        }
    }
    // A last clean session sends everything again.
    let all: Vec<String> = sent.iter().map(|(_, r)| r.clone()).collect();
    let fin = session(&db, false, &all, usize::MAX);
    assert_eq!(fin.len(), all.len(), "every command is answered");
    let journal: BTreeMap<String, u64> = fin.into_iter().collect();
    lost.extend(
        acked
            .iter()
            .filter(|(id, seq)| journal.get(*id) != Some(seq))
            .map(|(id, seq)| format!("{id} (acknowledged at {seq}, now {:?})", journal.get(id))),
    );
    // The journal holds every command once, and the balances add up.
    let out = Command::new(bin())
        .args(["ledger", "export", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(out.status.success());
    let verified = verify(&out.stdout).unwrap();
    assert_eq!(
        usize::try_from(verified.entries).unwrap(),
        setup.len() + sent.len(),
        "applied once each"
    );
    let out = Command::new(bin())
        .args(["ledger", "replay", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let replayed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for r in 0..RESIDENTS as u64 {
        let expected: u64 = (0..next).filter(|n| n % 5 == r).map(|n| n % 7 + 1).sum();
        assert_eq!(
            replayed["balances"][format!("r{r}")].as_str(),
            Some(expected.to_string().as_str()),
            "resident r{r}"
        );
    }
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
    Findings {
        acknowledged: acked.len(),
        lost,
    }
}

#[test]
fn no_acknowledged_command_is_lost_across_sigkills() {
    let found = run_harness("kill", false, 220, 2026);
    eprintln!(
        "{} acknowledged commands, {} lost",
        found.acknowledged,
        found.lost.len()
    );
    assert!(
        found.acknowledged > 300,
        "{} acknowledged",
        found.acknowledged
    );
    assert!(found.lost.is_empty(), "lost: {:?}", found.lost);
}

#[test]
fn acknowledging_before_commit_loses_commands() {
    // The negative control: the same harness must see what it exists to catch.
    let found = run_harness("control", true, 120, 7);
    eprintln!(
        "negative control: {} of {} acknowledged commands lost",
        found.lost.len(),
        found.acknowledged
    );
    assert!(
        !found.lost.is_empty(),
        "a server that acknowledges before it commits lost nothing over {} acknowledgements: the harness cannot see losses",
        found.acknowledged
    );
}
