//! The hash that groups identical ballots: a keyed folded multiply (the
//! construction of foldhash and wyhash) over the ballot's integers, with keys
//! drawn from the standard library's per-process random state.
//!
//! `SipHash`, the standard hasher, spends most of grouping's time on a ballot of
//! fifteen pairs; this takes a multiplication per integer. Its keys are random,
//! so a file cannot be crafted to make ballots collide; they decide only how
//! fast grouping is, never its result (groups are numbered in first-seen order).

use core::hash::{BuildHasher, Hasher};

/// Builds [`BallotHasher`]s with this process's keys.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BallotHashing {
    keys: [u64; 3],
}

impl BallotHashing {
    pub(crate) fn new() -> Self {
        let random = std::hash::RandomState::new();
        // Odd keys, so that no multiplication by a key loses bits.
        Self {
            keys: [1u64, 2, 3].map(|i| random.hash_one(i) | 1),
        }
    }
}

impl BuildHasher for BallotHashing {
    type Hasher = BallotHasher;

    fn build_hasher(&self) -> BallotHasher {
        BallotHasher {
            acc: self.keys[0],
            keys: self.keys,
        }
    }
}

/// The hasher [`BallotHashing`] builds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BallotHasher {
    acc: u64,
    keys: [u64; 3],
}

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

impl Hasher for BallotHasher {
    #[inline]
    fn write_u64(&mut self, x: u64) {
        self.acc = fold(x ^ self.keys[1], self.acc ^ self.keys[2]);
    }

    #[inline]
    fn write_u32(&mut self, x: u32) {
        self.write_u64(u64::from(x));
    }

    #[inline]
    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            for (slot, &b) in word.iter_mut().zip(chunk) {
                *slot = b;
            }
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn finish(&self) -> u64 {
        fold(self.acc, self.keys[0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_ballots_hash_equal_and_different_ones_differ() {
        let hashing = BallotHashing::new();
        let a: &[(u32, u64)] = &[(1, 1), (5, 1), (9, 1)];
        let b: &[(u32, u64)] = &[(1, 1), (5, 1), (9, 1)];
        assert_eq!(hashing.hash_one(a), hashing.hash_one(b));
        // Neighbours, permutations and prefixes all differ.
        let others: [&[(u32, u64)]; 5] = [
            &[(1, 1), (5, 1), (8, 1)],
            &[(1, 1), (5, 1)],
            &[(5, 1), (1, 1), (9, 1)],
            &[(1, 1), (5, 2), (9, 1)],
            &[],
        ];
        let mut hashes: Vec<u64> = others.iter().map(|o| hashing.hash_one(o)).collect();
        hashes.push(hashing.hash_one(a));
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), 6);
    }
}
