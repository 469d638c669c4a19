//! The tamper-evident log: every single-byte alteration is caught at its line,
//! canonical bytes, replay, and Merkle inclusion proofs.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use guided_community_points::log::{
    Anchor, Chain, Entry, Replay, complete, leaves, line, replay, verify, verify_anchor,
};
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
                // The last newline gone: the last entry reads as cut mid-write.
                Err(Error::TornTail { line }) if i == log.len() - 1 => {
                    assert_eq!(line, 14);
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
    let swapped = lines.join("\n") + "\n";
    assert!(matches!(
        verify(swapped.as_bytes()),
        Err(Error::BadEntry { line: 4, .. })
    ));
    let mut lines: Vec<&str> = text.lines().collect();
    lines.remove(6);
    assert!(matches!(
        verify((lines.join("\n") + "\n").as_bytes()),
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

#[test]
fn a_log_cut_mid_write_names_its_last_line_and_keeps_the_rest() {
    let log = sample_log(30, 6);
    let lines: Vec<&[u8]> = log.split_inclusive(|&b| b == b'\n').collect();
    // Cut at every byte of the last entry but its newline: always the same
    // report, and the 29 entries before it replay.
    let whole: usize = lines[..29].iter().map(|l| l.len()).sum();
    for cut in whole + 1..log.len() {
        let torn = &log[..cut];
        assert_eq!(
            verify(torn),
            Err(Error::TornTail { line: 30 }),
            "cut at {cut}"
        );
        assert_eq!(replay(torn).err(), Some(Error::TornTail { line: 30 }));
        let (prefix, line) = complete(torn);
        assert_eq!((prefix.len(), line), (whole, Some(30)));
        assert_eq!(replay(prefix).unwrap().1.entries, 29);
    }
    assert_eq!(complete(&log), (&log[..], None));
    assert_eq!(complete(b""), (&b""[..], None));
    assert_eq!(complete(b"{"), (&b""[..], Some(1)));
    // Not the start of an entry: not a torn write, but a bad line.
    assert_eq!(complete(b"hello"), (&b"hello"[..], None));
    assert!(matches!(
        verify(b"hello"),
        Err(Error::BadEntry { line: 1, .. })
    ));
    assert_eq!(
        Error::TornTail { line: 30 }.to_string(),
        "incomplete last entry at line 30: the log was cut while it was written; the 29 entries before it are complete (`ledger repair` keeps them)"
    );
}

#[test]
fn an_anchor_catches_truncation_and_rewrites_not_growth() {
    let ledger = sample::ledger(60, 8);
    let mut log = Vec::new();
    let mut chain = Chain::new();
    chain.write(&ledger, &mut log).unwrap();
    let lines: Vec<&[u8]> = log.split_inclusive(|&b| b == b'\n').collect();
    let prefix = |n: usize| lines[..n].concat();
    // Published at 40 entries.
    let at40 = verify(&prefix(40)).unwrap();
    let anchor = Anchor {
        size: 40,
        head: at40.head,
    };
    assert_eq!(verify_anchor(&prefix(40), &anchor).unwrap().entries, 40);
    assert_eq!(
        verify_anchor(&log, &anchor).unwrap().entries,
        60,
        "grown since: fine"
    );
    let err = verify_anchor(&prefix(39), &anchor).unwrap_err();
    assert!(err.to_string().ends_with("it was truncated"), "{err}");
    // A history rewritten from entry 10 on, every hash recomputed: it verifies
    // on its own, but not against the anchor.
    let mut rewritten = Ledger::new();
    for (i, event) in ledger.events().iter().enumerate() {
        let mut command = event.command.clone();
        if i == 10 {
            command.id.push_str("-edited");
        }
        let _ = rewritten.execute(command, event.at);
    }
    let mut other = Vec::new();
    Chain::new().write(&rewritten, &mut other).unwrap();
    let verified = verify(&other).unwrap();
    assert!(verified.entries >= 40, "{}", verified.entries);
    let err = verify_anchor(&other, &anchor).unwrap_err();
    assert!(err.to_string().ends_with("the log was rewritten"), "{err}");
    // Size 0 pins the genesis head.
    let empty = Anchor {
        size: 0,
        head: Hash::GENESIS,
    };
    assert!(verify_anchor(b"", &empty).is_ok());
    assert!(
        verify_anchor(
            b"",
            &Anchor {
                size: 0,
                head: at40.head
            }
        )
        .is_err()
    );
}

#[test]
fn replaying_line_by_line_is_replaying_the_whole_log() {
    let ledger = sample::ledger(300, 9);
    let mut log = Vec::new();
    Chain::new().write(&ledger, &mut log).unwrap();
    let mut stream = Replay::new();
    for l in log.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        stream.line(l).unwrap();
    }
    let (streamed, verified) = stream.finish();
    let (whole, expected) = replay(&log).unwrap();
    assert_eq!(verified, expected);
    assert!(streamed.balances().eq(whole.balances()));
    // One entry's line, rebuilt from the ledger, is the line in the log, and a
    // chain resumed after a prefix writes the rest byte for byte.
    let lines: Vec<&[u8]> = log.split_inclusive(|&b| b == b'\n').collect();
    let prev = verify(&lines[..41].concat()).unwrap();
    let (rebuilt, hash) = line(&ledger, 41, prev.head).unwrap();
    assert_eq!(rebuilt, lines[41]);
    assert_eq!(hash, verify(&lines[..42].concat()).unwrap().head);
    let mut rest = Vec::new();
    Chain::after(&prev).write(&ledger, &mut rest).unwrap();
    assert_eq!(rest, lines[41..].concat());
    assert!(line(&ledger, 300, prev.head).is_err());
    // A line that does not chain is refused, and the replay keeps what it had.
    let mut stream = Replay::new();
    stream.line(lines[0].strip_suffix(b"\n").unwrap()).unwrap();
    assert!(stream.line(lines[2].strip_suffix(b"\n").unwrap()).is_err());
    assert_eq!(stream.verified().entries, 1);
}

#[test]
fn a_replay_that_executes_writes_the_same_log_as_the_ledger() {
    let ledger = sample::ledger(200, 11);
    let mut log = Vec::new();
    Chain::new().write(&ledger, &mut log).unwrap();
    let mut grown = Replay::new();
    let mut written = Vec::new();
    for event in ledger.events() {
        let (_, line) = grown.execute(event.command.clone(), event.at);
        written.extend(line.unwrap());
    }
    assert_eq!(written, log);
    assert_eq!(grown.verified(), verify(&log).unwrap());
    // A repeated id writes nothing and changes nothing.
    let first = &ledger.events()[0];
    let (again, line) = grown.execute(first.command.clone(), ledger.events()[199].at);
    assert!(line.is_none());
    assert_eq!(again.unwrap().seq, 0);
    assert_eq!(grown.verified().entries, 200);
}
