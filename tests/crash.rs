//! **Nothing acknowledged is lost.** `ledger serve` is run as a child process,
//! fed commands, and killed with SIGKILL at random moments, over and over; after
//! each restart everything not yet acknowledged (and a sample of what was) is
//! sent again. At the end every command sent is in the journal exactly once,
//! every acknowledged one at the position it was acknowledged with, the chain
//! verifies (the store checks it on every open), and the balances are what the
//! commands add up to. The negative control runs the same harness against a
//! server that acknowledges before it commits, and must see losses.
//!
//! The same harness runs against a JSON-lines log file (`serve --log`, each
//! entry synced before it is answered), with torn tails injected: a failpoint
//! that writes half an entry and dies, as a crash mid-write does. The next
//! start must cut it off and lose nothing acknowledged.

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

/// Where the journal lives.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Backend {
    /// `serve --db`: the SQLite store.
    Db,
    /// `serve --log`: the JSON-lines log file.
    Log,
}

impl Backend {
    fn flag(self) -> &'static str {
        match self {
            Self::Db => "--db",
            Self::Log => "--log",
        }
    }

    /// The failpoint that acknowledges before the command is durable.
    fn early(self) -> &'static str {
        match self {
            Self::Db => "ack-before-commit",
            Self::Log => "ack-before-write",
        }
    }
}

fn scratch(name: &str, backend: Backend) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gc-crash-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(match backend {
        Backend::Db => "bank.db",
        Backend::Log => "bank.jsonl",
    })
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

fn serve(journal: &Path, backend: Backend, failpoint: Option<&str>) -> Child {
    let mut command = Command::new(bin());
    command
        .args(["ledger", "serve", backend.flag()])
        .arg(journal)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    match failpoint {
        Some(failpoint) => command.env("GUIDED_COMMUNITY_FAILPOINT", failpoint),
        None => command.env_remove("GUIDED_COMMUNITY_FAILPOINT"),
    };
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
/// SIGKILL) or all did (then a clean end of input), or the server died by
/// itself (a failpoint that tears an entry). Returns the acknowledgements.
fn session(
    journal: &Path,
    backend: Backend,
    failpoint: Option<&str>,
    requests: &[String],
    stop_after: usize,
) -> Vec<(String, u64)> {
    let mut child = serve(journal, backend, failpoint);
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
    let tears = failpoint.is_some_and(|f| f.starts_with("half-entry:"));
    assert!(
        killed || tears || status.success(),
        "serve failed: {status}"
    );
    acks
}

/// What the harness found.
struct Findings {
    acknowledged: usize,
    /// Sessions that died leaving half an entry at the end of the log.
    torn: usize,
    /// Acknowledged commands missing from the journal, or at another position.
    lost: Vec<String>,
}

/// The whole harness: `cycles` sessions, each killed at a random moment; with
/// `early`, against a server that answers before the command is durable; for
/// a log, a third of the sessions die tearing an entry.
fn run_harness(name: &str, backend: Backend, early: bool, cycles: usize, seed: u64) -> Findings {
    let db = scratch(name, backend);
    let mut torn = 0;
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
    assert_eq!(
        session(&db, backend, None, &setup, usize::MAX).len(),
        setup.len()
    );
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
        let mut stop_after = usize::try_from(rng.below(requests.len() as u64 + 1)).unwrap();
        let tear = backend == Backend::Log && !early && rng.below(3) == 0;
        let failpoint = if early {
            Some(backend.early().to_owned())
        } else if tear {
            // Dies writing half of the K-th request's entry (K counts every
            // request, retries included: a retry writes nothing, and dies not).
            stop_after = usize::MAX;
            Some(format!(
                "half-entry:{}",
                1 + rng.below(requests.len() as u64)
            ))
        } else {
            None
        };
        let acks = session(&db, backend, failpoint.as_deref(), &requests, stop_after);
        if tear && verify(&std::fs::read(&db).unwrap()).is_err() {
            torn += 1;
        }
        for (id, seq) in acks {
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
    let fin = session(&db, backend, None, &all, usize::MAX);
    assert_eq!(fin.len(), all.len(), "every command is answered");
    let journal: BTreeMap<String, u64> = fin.into_iter().collect();
    lost.extend(
        acked
            .iter()
            .filter(|(id, seq)| journal.get(*id) != Some(seq))
            .map(|(id, seq)| format!("{id} (acknowledged at {seq}, now {:?})", journal.get(id))),
    );
    check_journal(&db, backend, setup.len() + sent.len(), next);
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
    Findings {
        acknowledged: acked.len(),
        torn,
        lost,
    }
}

/// The journal holds `entries` commands, each once, and the residents'
/// balances are what transfers `0..transfers` add up to.
fn check_journal(db: &Path, backend: Backend, entries: usize, transfers: u64) {
    // The journal holds every command once, and the balances add up.
    let log = match backend {
        Backend::Db => {
            let out = Command::new(bin())
                .args(["ledger", "export", "--db"])
                .arg(db)
                .output()
                .unwrap();
            assert!(out.status.success());
            out.stdout
        }
        Backend::Log => std::fs::read(db).unwrap(),
    };
    let verified = verify(&log).unwrap();
    assert_eq!(
        usize::try_from(verified.entries).unwrap(),
        entries,
        "applied once each"
    );
    let mut replay = Command::new(bin());
    replay.args(["ledger", "replay"]);
    if backend == Backend::Db {
        replay.arg("--db");
    }
    let out = replay.arg(db).output().unwrap();
    let replayed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for r in 0..RESIDENTS as u64 {
        let expected: u64 = (0..transfers)
            .filter(|n| n % 5 == r)
            .map(|n| n % 7 + 1)
            .sum();
        assert_eq!(
            replayed["balances"][format!("r{r}")].as_str(),
            Some(expected.to_string().as_str()),
            "resident r{r}"
        );
    }
}

#[test]
fn no_acknowledged_command_is_lost_across_sigkills() {
    let found = run_harness("kill", Backend::Db, false, 220, 2026);
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
    let found = run_harness("control", Backend::Db, true, 120, 7);
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

#[test]
fn no_acknowledged_entry_of_a_log_file_is_lost_across_sigkills_and_torn_writes() {
    let found = run_harness("log-kill", Backend::Log, false, 210, 2027);
    eprintln!(
        "log file: {} acknowledged commands, {} torn tails cut off, {} lost",
        found.acknowledged,
        found.torn,
        found.lost.len()
    );
    assert!(
        found.acknowledged > 300,
        "{} acknowledged",
        found.acknowledged
    );
    assert!(found.torn > 30, "only {} torn tails injected", found.torn);
    assert!(found.lost.is_empty(), "lost: {:?}", found.lost);
}

#[test]
fn a_log_file_answering_before_it_writes_loses_commands() {
    let found = run_harness("log-control", Backend::Log, true, 120, 8);
    eprintln!(
        "log file negative control: {} of {} acknowledged commands lost",
        found.lost.len(),
        found.acknowledged
    );
    assert!(
        !found.lost.is_empty(),
        "a log that answers before it writes lost nothing over {} acknowledgements: the harness cannot see losses",
        found.acknowledged
    );
}
