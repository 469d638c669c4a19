//! Command ids seen, for idempotency: a keyed 64-bit hash per id, collisions told
//! apart by the journal.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

/// Command ids seen, by a keyed 64-bit hash of the id: one hash per command and
/// no copy of the id (the journal holds it); colliding ids are told apart there.
#[derive(Debug, Clone, Default)]
pub(super) struct Ids {
    pub(super) keys: RandomState,
    pub(super) first: HashMap<u64, u64, Prehashed>,
    pub(super) more: HashMap<u64, Vec<u64>, Prehashed>,
}

impl Ids {
    pub(super) fn key(&self, id: &str) -> u64 {
        self.keys.hash_one(id)
    }

    /// The journal entry whose id hashes to `key` and is `id` (`is_id(i)` says
    /// whether kept entry `i`, counted from `base`, has it).
    pub(super) fn find(&self, key: u64, base: u64, is_id: impl Fn(usize) -> bool) -> Option<u64> {
        let is = |seq: &u64| {
            seq.checked_sub(base)
                .and_then(|i| usize::try_from(i).ok())
                .is_some_and(&is_id)
        };
        let first = self.first.get(&key).copied().filter(is);
        first.or_else(|| self.more.get(&key)?.iter().copied().find(is))
    }

    pub(super) fn insert(&mut self, key: u64, seq: u64) {
        match self.first.entry(key) {
            std::collections::hash_map::Entry::Occupied(_) => {
                self.more.entry(key).or_default().push(seq);
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(seq);
            }
        }
    }
}

/// A hasher for keys that are already hashes.
pub(super) type Prehashed = core::hash::BuildHasherDefault<Identity>;

#[derive(Debug, Default)]
pub(super) struct Identity(u64);

impl core::hash::Hasher for Identity {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
