//! [`proptest`](mod@proptest) strategies for the points bank (with the
//! `proptest` feature): command sequences from the realistic sample, with the
//! retries and reused ids a real service sees — the same command sent again
//! (a duplicate), a used id with another command (refused), and new ids.
//! They shrink towards shorter journals and fewer retries.
//!
//! ```
//! use guided_community_points::{log, strategy, Ledger};
//! use proptest::prelude::*;
//!
//! // However commands are retried, the journal's log verifies and replays to
//! // the same balances.
//! proptest!(|(commands in strategy::commands())| {
//!     let mut ledger = Ledger::new();
//!     for (at, command) in commands {
//!         let _ = ledger.execute(command, at);
//!     }
//!     let mut text = Vec::new();
//!     log::Chain::new().write(&ledger, &mut text).unwrap();
//!     let (replayed, _) = log::replay(&text).unwrap();
//!     prop_assert!(replayed.balances().eq(ledger.balances()));
//! });
//! ```

use chrono::NaiveDateTime;
use proptest::prelude::*;

use crate::{Command, sample};

/// 1 to 120 commands of the sample bank (seeded), then up to 20 retries of
/// earlier ones appended: the same command (kind 0), a new id (1), or a used
/// id with another command's action (2).
pub fn commands() -> impl Strategy<Value = Vec<(NaiveDateTime, Command)>> {
    (
        1usize..120,
        0u64..1_000,
        proptest::collection::vec((0usize..120, 0u8..3), 0..20),
    )
        .prop_map(|(events, seed, retries)| {
            let journal = sample::ledger(events, seed);
            let mut commands: Vec<(NaiveDateTime, Command)> = journal
                .events()
                .iter()
                .map(|e| (e.at, e.command.clone()))
                .collect();
            for (i, kind) in retries {
                if commands.is_empty() {
                    break;
                }
                let i = i % commands.len();
                let Some((_, command)) = commands.get(i).cloned() else {
                    continue;
                };
                let mut command = command;
                match kind {
                    1 => command.id.push('!'),
                    2 => {
                        if let Some((_, other)) = commands.get((i + 1) % commands.len()) {
                            command.action = other.action.clone();
                        }
                    }
                    _ => {}
                }
                let at = commands.last().map_or_else(NaiveDateTime::default, |c| c.0);
                commands.push((at, command));
            }
            commands
        })
}
