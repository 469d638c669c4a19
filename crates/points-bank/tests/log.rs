//! The tamper-evident log: every single-byte alteration is caught at its line,
//! canonical bytes, replay, and Merkle inclusion proofs.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use guided_community_points::log::{Chain, Entry, leaves, replay, verify};
use guided_community_points::merkle::{Hash, inclusion_proof, verify_inclusion};
use guided_community_points::{Command, Error, Ledger, sample};

fn sample_log(events: usize, seed: u64) -> Vec<u8> {
    let ledger = sample::ledger(events, seed);
    let mut log = Vec::new();
    Chain::new().write(&ledger, &mut log).unwrap();
    log
}

/// The line (from 1) holding byte `i`; a newline belongs to the line it ends.
fn line_of(log: &[u8], i: usize) -> usize {
    log[..i].split(|&b| b == b'\n').count()
}

#[test]
fn every_single_byte_alteration_fails_at_its_line() {
    // Entries of every kind the sample makes early on: setup, earnings, claims.
    let log = sample_log(14, 3);
    let clean = verify(&log).unwrap();
    assert_eq!(clean.entries, 14);
    let mut checked = 0;
    for i in 0..log.len() {
        // A bit flip, a case flip, and a space (which JSON alone would forgive
        // around the object).
        for replacement in [log[i] ^ 0x01, log[i] ^ 0x20, b' '] {
            if replacement == log[i] {
                continue;
            }
            let mut altered = log.clone();
            altered[i] = replacement;
            match verify(&altered) {
                Err(Error::BadEntry { line, .. }) => {
                    assert_eq!(line, line_of(&log, i), "byte {i} set to {replacement:#x}");
                }
                other => panic!("byte {i} set to {replacement:#x}: {other:?}"),
            }
            checked += 1;
        }
    }
    assert!(checked > 2 * log.len());
}

#[test]
fn equal_amounts_hash_the_same_however_written() {
    // The same transfer, asked for as "12.5" and as "12.50".
    let write = |amount: &str| {
        let json = format!(
            r#"[{{"id": "a", "action": {{"type": "open_account", "account": "issuer", "kind": "issuer", "unit": "points"}}}},
                {{"id": "b", "action": {{"type": "open_account", "account": "wang", "kind": "resident", "unit": "points"}}}},
                {{"id": "c", "action": {{"type": "transfer", "from": "issuer", "to": "wang", "amount": "{amount}"}}}}]"#
        );
        let commands: Vec<Command> = serde_json::from_str(&json).unwrap();
        let mut ledger = Ledger::new();
        for command in commands {
            ledger
                .execute(command, "2025-09-01T09:00:00".parse().unwrap())
                .unwrap();
        }
        let mut log = Vec::new();
        Chain::new().write(&ledger, &mut log).unwrap();
        log
    };
    let (short, long) = (write("12.5"), write("12.50"));
    assert_eq!(short, long);
    assert!(
        String::from_utf8(short.clone())
            .unwrap()
            .contains(r#""amount":"12.5""#)
    );
    // The log itself is accepted in its one written form only.
    let edited = String::from_utf8(short)
        .unwrap()
        .replace(r#""amount":"12.5""#, r#""amount":"12.50""#);
    match verify(edited.as_bytes()) {
        Err(Error::BadEntry { line: 3, reason }) => {
            assert!(reason.contains("canonical"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_order_of_lines_or_a_missing_line_is_caught() {
    let log = sample_log(10, 4);
    let text = String::from_utf8(log).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.swap(3, 4);
    let swapped = lines.join("\n");
    assert!(matches!(
        verify(swapped.as_bytes()),
        Err(Error::BadEntry { line: 4, .. })
    ));
    let mut lines: Vec<&str> = text.lines().collect();
    lines.remove(6);
    assert!(matches!(
        verify(lines.join("\n").as_bytes()),
        Err(Error::BadEntry { line: 7, .. })
    ));
    // A truncated log is a shorter valid log: its head is what to publish.
    let short: String = text.lines().take(5).flat_map(|l| [l, "\n"]).collect();
    assert_eq!(verify(short.as_bytes()).unwrap().entries, 5);
    assert_eq!(verify(b"").unwrap().entries, 0);
}

#[test]
fn replay_reproduces_the_ledger_and_catches_a_rewritten_history() {
    let ledger = sample::ledger(400, 5);
    let mut log = Vec::new();
    let head = Chain::new().write(&ledger, &mut log).unwrap();
    let (replayed, verified) = replay(&log).unwrap();
    assert_eq!(verified.head, head);
    assert!(replayed.balances().eq(ledger.balances()));
    // Someone rewrites an outcome and recomputes every hash after it: the chain
    // checks, but replaying the commands does not give what the log claims.
    let text = String::from_utf8(log).unwrap();
    let mut entries: Vec<Entry> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (n, target) = entries
        .iter_mut()
        .enumerate()
        .find_map(|(n, e)| match &mut e.outcome {
            guided_community_points::log::Outcome::Accepted { transfers, .. }
                if !transfers.is_empty() =>
            {
                Some((n, transfers))
            }
            _ => None,
        })
        .unwrap();
    target[0].amount = "9999".parse().unwrap();
    let mut prev = if n == 0 {
        Hash::GENESIS
    } else {
        entries[n - 1].hash
    };
    for e in &mut entries[n..] {
        e.prev = prev;
        e.hash = Hash::of(&e.canonical_bytes().unwrap());
        prev = e.hash;
    }
    let forged: String = entries
        .iter()
        .map(|e| serde_json::to_string(e).unwrap() + "\n")
        .collect();
    assert!(
        verify(forged.as_bytes()).is_ok(),
        "the forged chain is consistent"
    );
    match replay(forged.as_bytes()) {
        Err(Error::BadEntry { line, reason }) => {
            assert_eq!(line, n + 1);
            assert_eq!(reason, "replaying it does something else");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_resident_checks_their_entry_against_the_published_root() {
    let log = sample_log(300, 6);
    let verified = verify(&log).unwrap();
    let all = leaves(&log).unwrap();
    let text = String::from_utf8(log).unwrap();
    for k in [0usize, 1, 150, 299] {
        let line = text.lines().nth(k).unwrap();
        let entry: Entry = serde_json::from_str(line).unwrap();
        let leaf = entry.leaf().unwrap();
        assert_eq!(leaf, all[k]);
        let proof = inclusion_proof(&all, k).unwrap();
        assert!(verify_inclusion(
            &leaf,
            k as u64,
            300,
            &proof,
            &verified.root
        ));
        assert!(!verify_inclusion(
            &leaf,
            k as u64 + 1,
            300,
            &proof,
            &verified.root
        ));
    }
}
