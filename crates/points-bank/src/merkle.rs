//! An RFC 6962 (Certificate Transparency) Merkle tree over the log, with inclusion
//! proofs a resident can check for their own entry.
//!
//! Leaves are `SHA-256(0x00 ‖ entry)` and inner nodes `SHA-256(0x01 ‖ left ‖ right)`;
//! a tree of `n` leaves splits at the largest power of two below `n`.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// A SHA-256 digest, written as 64 lowercase hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// The hash the first log entry chains to: 32 zero bytes.
    pub const GENESIS: Self = Self([0; 32]);

    /// SHA-256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }
}

impl Hash {
    /// The 64 lowercase hex digits.
    pub fn to_hex(&self) -> [u8; 64] {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 64];
        for (pair, byte) in out.chunks_exact_mut(2).zip(self.0) {
            let hex = |nibble: u8| DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0');
            pair.copy_from_slice(&[hex(byte >> 4), hex(byte & 0xf)]);
        }
        out
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = self.to_hex();
        f.write_str(core::str::from_utf8(&hex).map_err(|_| fmt::Error)?)
    }
}

impl FromStr for Hash {
    type Err = Error;

    /// Exactly 64 lowercase hex digits: one spelling per hash, so that no edit of
    /// the text can leave the hash unchanged.
    fn from_str(text: &str) -> Result<Self> {
        let invalid = || Error::InvalidHash {
            text: text.to_owned(),
        };
        let digit = |b: u8| match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            _ => None,
        };
        let bytes = text.as_bytes();
        if bytes.len() != 64 {
            return Err(invalid());
        }
        let mut out = [0u8; 32];
        for (slot, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
            let (Some(&hi), Some(&lo)) = (pair.first(), pair.get(1)) else {
                return Err(invalid());
            };
            *slot = (digit(hi).ok_or_else(invalid)? << 4) | digit(lo).ok_or_else(invalid)?;
        }
        Ok(Self(out))
    }
}

impl Serialize for Hash {
    fn serialize<S: Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Hash {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> core::result::Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The leaf hash of `data`: `SHA-256(0x00 ‖ data)`.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0u8]);
    hasher.update(data);
    Hash(hasher.finalize().into())
}

fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([1u8]);
    hasher.update(left.0);
    hasher.update(right.0);
    Hash(hasher.finalize().into())
}

/// The largest power of two strictly below `n` (for `n ≥ 2`).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// The Merkle tree hash of `leaves` (already leaf-hashed). The empty tree's hash
/// is SHA-256 of nothing.
///
/// ```
/// use guided_community_points::merkle::{inclusion_proof, leaf_hash, root, verify_inclusion};
///
/// let leaves: Vec<_> = ["a", "b", "c"].iter().map(|e| leaf_hash(e.as_bytes())).collect();
/// let root = root(&leaves);
/// let proof = inclusion_proof(&leaves, 2).ok_or("no proof")?;
/// assert!(verify_inclusion(&leaves[2], 2, 3, &proof, &root));
/// assert!(!verify_inclusion(&leaves[1], 2, 3, &proof, &root));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn root(leaves: &[Hash]) -> Hash {
    let mut frontier = Frontier::default();
    for leaf in leaves {
        frontier.push(*leaf);
    }
    frontier.root()
}

/// The audit path for leaf `index` (RFC 6962 §2.1.1), or `None` if out of range.
pub fn inclusion_proof(leaves: &[Hash], index: usize) -> Option<Vec<Hash>> {
    if index >= leaves.len() {
        return None;
    }
    let mut path = Vec::new();
    let mut range = leaves;
    let mut m = index;
    // Walk down from the root, collecting the sibling subtree at each split.
    let mut siblings = Vec::new();
    while range.len() > 1 {
        let k = split(range.len());
        let (left, right) = range.split_at(k);
        if m < k {
            siblings.push(root(right));
            range = left;
        } else {
            siblings.push(root(left));
            range = right;
            m -= k;
        }
    }
    // The path lists siblings from the leaf up.
    path.extend(siblings.into_iter().rev());
    Some(path)
}

/// Checks an audit path (RFC 9162 §2.1.3.2): that `leaf` is entry `index` of a
/// tree of `size` leaves whose hash is `root`.
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    s == 0 && r == *root
}

/// A Merkle root computed one leaf at a time in O(log n) memory: the roots of
/// the perfect subtrees so far, largest first.
#[derive(Debug, Clone, Default)]
pub struct Frontier {
    stack: Vec<(u32, Hash)>,
    size: u64,
}

impl Frontier {
    /// Adds the next leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        let mut node = (0u32, leaf);
        while let Some(&(height, left)) = self.stack.last() {
            if height != node.0 {
                break;
            }
            self.stack.pop();
            node = (height + 1, node_hash(&left, &node.1));
        }
        self.stack.push(node);
        self.size += 1;
    }

    /// Leaves so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The root of the tree so far.
    pub fn root(&self) -> Hash {
        let mut nodes = self.stack.iter().rev();
        let Some(&(_, mut acc)) = nodes.next() else {
            return Hash::of(&[]);
        };
        for (_, left) in nodes {
            acc = node_hash(left, &acc);
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| leaf_hash(format!("entry {i}").as_bytes()))
            .collect()
    }

    /// MTH straight from RFC 6962's recursive definition.
    fn reference(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => Hash::of(&[]),
            1 => leaves[0],
            n => {
                let k = split(n);
                node_hash(&reference(&leaves[..k]), &reference(&leaves[k..]))
            }
        }
    }

    #[test]
    fn the_frontier_matches_the_recursive_definition() {
        for n in 0..40 {
            assert_eq!(root(&leaves(n)), reference(&leaves(n)), "n = {n}");
        }
    }

    #[test]
    fn every_proof_checks_and_no_wrong_one_does() {
        for n in 1..34 {
            let l = leaves(n);
            let r = root(&l);
            for i in 0..n {
                let proof = inclusion_proof(&l, i).unwrap();
                assert!(
                    verify_inclusion(&l[i], i as u64, n as u64, &proof, &r),
                    "{i} of {n}"
                );
                let other = (i + 1) % n;
                if other != i {
                    assert!(!verify_inclusion(&l[other], i as u64, n as u64, &proof, &r));
                }
                // Against a grown tree, the old path fails: the root has changed.
                let grown = root(&leaves(n + 1));
                assert!(!verify_inclusion(
                    &l[i],
                    i as u64,
                    n as u64 + 1,
                    &proof,
                    &grown
                ));
            }
            assert!(inclusion_proof(&l, n).is_none());
        }
    }

    #[test]
    fn the_empty_tree_and_a_known_value() {
        // RFC 6962's empty tree: SHA-256 of the empty string.
        assert_eq!(
            root(&[]).to_string(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let text = "00".repeat(32);
        assert_eq!(text.parse::<Hash>().unwrap(), Hash::GENESIS);
        assert!(
            "AB".repeat(32).parse::<Hash>().is_err(),
            "uppercase is not canonical"
        );
        assert!("0".repeat(63).parse::<Hash>().is_err());
    }
}
