//! An RFC 6962 (Certificate Transparency) Merkle tree over the log, with inclusion
//! proofs a resident can check for their own entry and consistency proofs that
//! the log only grew between two published sizes.
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

/// A consistency proof (RFC 6962 §2.1.2): the hashes that show the tree of the
/// first `size` of `leaves` is a prefix of the tree of all of them — that the
/// log only grew between the two sizes. Empty when `size` is 0 or all the
/// leaves; `None` when `size` is beyond them.
///
/// ```
/// use guided_community_points::merkle::{consistency_proof, leaf_hash, root, verify_consistency};
///
/// let leaves: Vec<_> = (0..7).map(|i| leaf_hash(format!("entry {i}").as_bytes())).collect();
/// let (old, new) = (root(&leaves[..3]), root(&leaves));
/// let proof = consistency_proof(&leaves, 3).ok_or("no proof")?;
/// assert!(verify_consistency(3, 7, &proof, &old, &new));
/// // A log rewritten after entry 3 has another old root: the proof fails.
/// let rewritten = root(&[leaves[0], leaves[1], leaf_hash(b"forged")]);
/// assert!(!verify_consistency(3, 7, &proof, &rewritten, &new));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn consistency_proof(leaves: &[Hash], size: usize) -> Option<Vec<Hash>> {
    if size > leaves.len() {
        return None;
    }
    let mut proof = Vec::new();
    if size == 0 || size == leaves.len() {
        return Some(proof);
    }
    // SUBPROOF(m, D[n], b), unrolled: walk down towards the old tree's edge,
    // collecting the subtree hashes beside the path (from the root down).
    let mut range = leaves;
    let mut m = size;
    let mut whole = true;
    let mut below = Vec::new();
    while m != range.len() {
        let k = split(range.len());
        let (left, right) = range.split_at(k);
        if m <= k {
            below.push(root(right));
            range = left;
        } else {
            below.push(root(left));
            range = right;
            m -= k;
            whole = false;
        }
    }
    if !whole {
        proof.push(root(range));
    }
    proof.extend(below.into_iter().rev());
    Some(proof)
}

/// Checks a consistency proof (RFC 9162 §2.1.4.2): that the tree of `old_size`
/// leaves with hash `old_root` is a prefix of the tree of `new_size` leaves
/// with hash `new_root`.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    proof: &[Hash],
    old_root: &Hash,
    new_root: &Hash,
) -> bool {
    if old_size > new_size {
        return false;
    }
    if old_size == new_size {
        return proof.is_empty() && old_root == new_root;
    }
    if old_size == 0 {
        // Every tree extends the empty one.
        return proof.is_empty() && *old_root == Hash::of(&[]);
    }
    let mut path = proof.iter();
    let first = if old_size.is_power_of_two() {
        Some(*old_root)
    } else {
        path.next().copied()
    };
    let Some(first) = first else {
        return false;
    };
    let (mut f, mut s) = (old_size - 1, new_size - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (first, first);
    for c in path {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    fr == *old_root && sr == *new_root && s == 0
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

    fn hex(text: &str) -> Hash {
        text.parse().unwrap()
    }

    /// The RFC 6962 reference tree used by Certificate Transparency's
    /// implementations (C++ `ReferenceSnapshotConsistency`, transparency-dev's
    /// Go `TestRefConsistencyProof`): eight leaves, their roots and proofs.
    #[test]
    fn the_reference_vectors() {
        let data: [&[u8]; 8] = [
            b"",
            b"\x00",
            b"\x10",
            b"\x20\x21",
            b"\x30\x31",
            b"\x40\x41\x42\x43",
            b"\x50\x51\x52\x53\x54\x55\x56\x57",
            b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
        ];
        let l: Vec<Hash> = data.iter().map(|d| leaf_hash(d)).collect();
        let roots = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        for (n, expected) in roots.iter().enumerate() {
            assert_eq!(root(&l[..=n]), hex(expected), "root of {}", n + 1);
        }
        let cases: [(usize, usize, &[&str]); 4] = [
            (1, 1, &[]),
            (
                1,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                6,
                8,
                &[
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
            (
                2,
                5,
                &[
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
        ];
        for (m, n, expected) in cases {
            let proof = consistency_proof(&l[..n], m).unwrap();
            let expected: Vec<Hash> = expected.iter().map(|h| hex(h)).collect();
            assert_eq!(proof, expected, "{m} → {n}");
            assert!(verify_consistency(
                m as u64,
                n as u64,
                &proof,
                &hex(roots[m - 1]),
                &hex(roots[n - 1])
            ));
        }
    }

    #[test]
    fn every_consistency_proof_checks_and_no_wrong_one_does() {
        for n in 0..40 {
            let l = leaves(n);
            let new = root(&l);
            for m in 0..=n {
                let old = root(&l[..m]);
                let proof = consistency_proof(&l, m).unwrap();
                let (m64, n64) = (m as u64, n as u64);
                assert!(
                    verify_consistency(m64, n64, &proof, &old, &new),
                    "{m} → {n}"
                );
                // Any other old root, new root or size fails.
                let other = leaf_hash(b"forged");
                assert!(
                    !verify_consistency(m64, n64, &proof, &other, &new),
                    "{m} → {n}"
                );
                // (Every tree extends the empty one.)
                assert_eq!(
                    verify_consistency(m64, n64, &proof, &old, &other),
                    m == 0 && n > 0,
                    "{m} → {n}"
                );
                if m > 0 && m < n {
                    // Nor is the same root claimed for a tree twice as large.
                    assert!(!verify_consistency(m64, n64 * 2, &proof, &old, &new));
                    // The tree grown by one more leaf is not what was proved.
                    let grown = root(&leaves(n + 1));
                    assert!(!verify_consistency(m64, n64 + 1, &proof, &old, &grown));
                    // Each hash of the proof matters, and so does its length.
                    for i in 0..proof.len() {
                        let mut bad = proof.clone();
                        bad[i] = other;
                        assert!(!verify_consistency(m64, n64, &bad, &old, &new));
                    }
                    let mut longer = proof.clone();
                    longer.push(other);
                    assert!(!verify_consistency(m64, n64, &longer, &old, &new));
                    assert!(!verify_consistency(m64, n64, &proof[1..], &old, &new));
                }
            }
            assert!(consistency_proof(&l, n + 1).is_none());
            assert!(!verify_consistency(n as u64 + 1, n as u64, &[], &new, &new));
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
