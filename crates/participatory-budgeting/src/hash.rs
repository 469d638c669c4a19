//! The hash and the table that group identical ballots: a keyed folded
//! multiply (the construction of foldhash and wyhash) over the ballot's pairs,
//! with keys drawn from the standard library's per-process random state, and
//! an open-addressing table from hash to group ([`BallotTable`]).
//!
//! `SipHash`, the standard hasher, spends most of grouping's time on a ballot of
//! fifteen pairs; this takes a multiplication per pair. Its keys are random,
//! so a file cannot be crafted to make ballots collide; they decide only how
//! fast grouping is, never its result (groups are numbered in first-seen order).

use core::hash::BuildHasher;

/// The 128-bit product of `a` and `b` folded to 64 bits.
#[inline]
fn fold(a: u64, b: u64) -> u64 {
    let product = u128::from(a) * u128::from(b);
    #[allow(
        clippy::cast_possible_truncation,
        reason = "the two halves of the product, folded together"
    )]
    let folded = (product as u64) ^ ((product >> 64) as u64);
    folded
}

/// Groups identical ballots: an open-addressing table (linear probing) from a
/// ballot's hash to the number of the group holding it, the ballots themselves
/// kept by the caller. It replaces a `HashMap` keyed by slices, which needed
/// every ballot written to one buffer first so that the keys could borrow it
/// (Budapest 2024: 29,000 ballots, 265,000 pairs, copied and read twice).
#[derive(Debug, Clone)]
pub(crate) struct BallotTable {
    /// This process's keys, odd so that no multiplication by one loses bits.
    keys: [u64; 3],
    /// (hash, group + 1); 0 marks an empty slot. A power of two long, at most
    /// half full.
    slots: Vec<(u64, u32)>,
    len: usize,
}

impl BallotTable {
    /// A table for up to `expected` ballots without growing (it grows past
    /// them): growing from a small table placed every group again at each
    /// doubling (6% of grouping Budapest 2024's 20,000 distinct ballots).
    pub(crate) fn with_capacity(expected: usize) -> Self {
        let random = std::hash::RandomState::new();
        let slots = expected
            .saturating_mul(2)
            .checked_next_power_of_two()
            .unwrap_or(usize::MAX)
            .clamp(256, Self::MAX_PRESIZED);
        Self {
            keys: [1u64, 2, 3].map(|i| random.hash_one(i) | 1),
            slots: vec![(0, 0); slots],
            len: 0,
        }
    }

    /// The most slots allocated before any ballot is seen (16 MB): past it
    /// the table grows as ballots arrive, so that a huge electorate of few
    /// distinct ballots does not pay for a table it never fills.
    const MAX_PRESIZED: usize = 1 << 20;

    /// One multiplication per pair: the project in the low half, the points
    /// (rotated) in the high half, which tells pairs apart whenever the
    /// points are below 2^32 (and only slows grouping down where they are not).
    pub(crate) fn hash(&self, ballot: &[(u32, u64)]) -> u64 {
        let [first, word, acc] = self.keys;
        let mix = |state: u64, x: u64| fold(x ^ word, state ^ acc);
        let state = mix(first, ballot.len() as u64);
        let state = ballot.iter().fold(state, |state, &(p, points)| {
            mix(state, u64::from(p) ^ points.rotate_left(32))
        });
        fold(state, first)
    }

    /// The group whose ballot has this `hash` and is `same`, or `None` after
    /// recording `next` as the group of this hash's ballot.
    pub(crate) fn group(
        &mut self,
        hash: u64,
        mut same: impl FnMut(u32) -> bool,
        next: u32,
    ) -> Option<u32> {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        #[allow(
            clippy::cast_possible_truncation,
            reason = "the hash's low bits pick the first slot"
        )]
        let mut i = hash as usize & mask;
        loop {
            let slot = self.slots.get_mut(i)?;
            if slot.1 == 0 {
                *slot = (hash, next.saturating_add(1));
                self.len += 1;
                return None;
            }
            if slot.0 == hash && same(slot.1 - 1) {
                return Some(slot.1 - 1);
            }
            i = (i + 1) & mask;
        }
    }

    /// Twice the slots, every group placed again by its stored hash.
    fn grow(&mut self) {
        let doubled = vec![(0, 0); self.slots.len() * 2];
        let old = core::mem::replace(&mut self.slots, doubled);
        let mask = self.slots.len() - 1;
        for (hash, group) in old.into_iter().filter(|&(_, g)| g != 0) {
            #[allow(
                clippy::cast_possible_truncation,
                reason = "the hash's low bits pick the first slot"
            )]
            let mut i = hash as usize & mask;
            while let Some(slot) = self.slots.get_mut(i) {
                if slot.1 == 0 {
                    *slot = (hash, group);
                    break;
                }
                i = (i + 1) & mask;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_ballots_hash_equal_and_different_ones_differ() {
        let table = BallotTable::with_capacity(0);
        let a: &[(u32, u64)] = &[(1, 1), (5, 1), (9, 1)];
        let b: &[(u32, u64)] = &[(1, 1), (5, 1), (9, 1)];
        assert_eq!(table.hash(a), table.hash(b));
        // Neighbours, permutations and prefixes all differ.
        let others: [&[(u32, u64)]; 5] = [
            &[(1, 1), (5, 1), (8, 1)],
            &[(1, 1), (5, 1)],
            &[(5, 1), (1, 1), (9, 1)],
            &[(1, 1), (5, 2), (9, 1)],
            &[],
        ];
        let mut hashes: Vec<u64> = others.iter().map(|o| table.hash(o)).collect();
        hashes.push(table.hash(a));
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), 6);
    }
}
