//! Tracking codes (追踪码): ten random Crockford base-32 symbols and a check symbol,
//! shown as `XXXX-XXXX-XXC`, that a resident can read aloud or type and whose
//! typos are caught rather than matched to someone else's petition.
//!
//! The check symbol uses the Damm algorithm over the field GF(32) with the
//! quasigroup `x ∗ y = 2x ⊕ y`: a quasigroup (every single-symbol substitution
//! changes the result) that is totally anti-symmetric (`(c ∗ x) ∗ y = (c ∗ y) ∗ x`
//! only when `x = y`: every swap of two adjacent, different symbols changes it).
//! The check symbol is one of the same 32 symbols.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Error, Result};

/// Crockford's base-32 alphabet: digits and letters without I, L, O and U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Random symbols per code.
const PAYLOAD: usize = 10;

/// Multiplication by 2 in GF(32) = GF(2)[x] / (x⁵ + x² + 1).
const fn double(v: u8) -> u8 {
    let shifted = v << 1;
    if shifted & 0x20 != 0 {
        (shifted ^ 0x25) & 0x1F
    } else {
        shifted & 0x1F
    }
}

/// The Damm fold of `symbols`: 0 for a valid code (check symbol included).
fn fold(symbols: &[u8]) -> u8 {
    symbols.iter().fold(0, |interim, &s| double(interim) ^ s)
}

/// The value (0–31) of a symbol as typed: case-insensitive, with I and L read as
/// 1 and O as 0 (Crockford's decoding). U and anything else is not a symbol.
fn value(symbol: char) -> Option<u8> {
    let upper = match symbol.to_ascii_uppercase() {
        'I' | 'L' => '1',
        'O' => '0',
        other => other,
    };
    let position = ALPHABET.iter().position(|&b| char::from(b) == upper)?;
    u8::try_from(position).ok()
}

/// A valid tracking code.
///
/// ```
/// use guided_community_triage::{CodeRng, TrackingCode};
///
/// let mut rng = CodeRng::seeded(2025);
/// let code = TrackingCode::generate(&mut rng);
/// let shown = code.to_string(); // e.g. "7K3M-Q9XF-2BV"
/// assert_eq!(shown.len(), 13);
/// // Lower case, spaces and the look-alikes I, L and O are forgiven…
/// let typed = shown.to_lowercase().replace('-', " ");
/// assert_eq!(typed.parse::<TrackingCode>()?, code);
/// // …a typo is not.
/// let mut typo = shown.into_bytes();
/// typo[0] = if typo[0] == b'7' { b'8' } else { b'7' };
/// assert!(String::from_utf8(typo)?.parse::<TrackingCode>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrackingCode([u8; PAYLOAD + 1]);

impl TrackingCode {
    /// A code with ten symbols drawn from `rng`.
    pub fn generate(rng: &mut CodeRng) -> Self {
        let bits = rng.next_u64();
        let mut symbols = [0u8; PAYLOAD + 1];
        for (i, s) in symbols.iter_mut().take(PAYLOAD).enumerate() {
            #[allow(clippy::cast_possible_truncation, reason = "a 5-bit value")]
            let v = ((bits >> (5 * i)) & 0x1F) as u8;
            *s = v;
        }
        let check = double(fold(symbols.get(..PAYLOAD).unwrap_or_default()));
        if let Some(last) = symbols.last_mut() {
            *last = check;
        }
        Self(symbols)
    }

    /// Reads a code as a resident types it.
    ///
    /// # Errors
    ///
    /// [`Error::CodeSymbol`] for a character that is not a symbol (naming it and
    /// its position), [`Error::CodeLength`] for a code that is not 11 symbols, and
    /// [`Error::CodeCheck`] when the check fails: a typo.
    pub fn parse(text: &str) -> Result<Self> {
        let mut symbols = [0u8; PAYLOAD + 1];
        let mut count = 0;
        for (position, c) in text
            .chars()
            .filter(|&c| c != '-' && !c.is_whitespace())
            .enumerate()
        {
            let v = value(c).ok_or_else(|| Error::CodeSymbol {
                code: text.to_owned(),
                symbol: c,
                position: position + 1,
            })?;
            if let Some(slot) = symbols.get_mut(count) {
                *slot = v;
            }
            count += 1;
        }
        if count != PAYLOAD + 1 {
            return Err(Error::CodeLength {
                code: text.to_owned(),
                symbols: count,
            });
        }
        if fold(&symbols) != 0 {
            return Err(Error::CodeCheck {
                code: text.to_owned(),
            });
        }
        Ok(Self(symbols))
    }
}

impl fmt::Display for TrackingCode {
    /// `XXXX-XXXX-XXC`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::with_capacity(13);
        for (i, &v) in self.0.iter().enumerate() {
            if i == 4 || i == 8 {
                text.push('-');
            }
            text.push(ALPHABET.get(usize::from(v)).map_or('?', |&b| char::from(b)));
        }
        f.pad(&text)
    }
}

impl FromStr for TrackingCode {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl Serialize for TrackingCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TrackingCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> core::result::Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A seeded source of tracking codes: `SplitMix64`, so the same seed gives the same
/// codes on every machine and in every version (changing the generator would be a
/// breaking change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRng(u64);

impl CodeRng {
    /// A generator from the caller's seed.
    pub const fn seeded(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// The most codes one seed issues: [`codes`] ends after this many and
/// [`new_codes`] refuses more. Each issued code is remembered to skip repeats
/// (16 MB at the limit); a district that needs more uses more seeds.
pub const MAX_CODES: usize = 1_000_000;

/// Distinct codes from `seed`, one at a time: the same seed gives the same codes,
/// in the same order, as [`new_codes`]. A repeat (one chance in 2⁵⁰ per pair) is
/// skipped. The iterator ends after [`MAX_CODES`] codes.
///
/// ```
/// use guided_community_triage::{codes, new_codes};
///
/// let first: Vec<_> = codes(7).take(3).collect();
/// assert_eq!(first, new_codes(7, 3)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn codes(seed: u64) -> Codes {
    Codes {
        rng: CodeRng::seeded(seed),
        issued: std::collections::HashSet::new(),
    }
}

/// The iterator of [`codes`].
#[derive(Debug, Clone)]
pub struct Codes {
    rng: CodeRng,
    issued: std::collections::HashSet<TrackingCode>,
}

impl Iterator for Codes {
    type Item = TrackingCode;

    fn next(&mut self) -> Option<TrackingCode> {
        if self.issued.len() >= MAX_CODES {
            return None;
        }
        loop {
            let code = TrackingCode::generate(&mut self.rng);
            if self.issued.insert(code) {
                return Some(code);
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = MAX_CODES - self.issued.len().min(MAX_CODES);
        (left, Some(left))
    }
}

/// `count` distinct codes from `seed` (a repeat, one chance in 2⁵⁰ per pair, is
/// skipped).
///
/// ```
/// use guided_community_triage::new_codes;
///
/// let codes = new_codes(7, 3)?;
/// assert_eq!(codes.len(), 3);
/// assert_eq!(codes, new_codes(7, 3)?); // the same seed, the same codes
/// assert!(new_codes(7, usize::MAX).is_err()); // more than one seed issues
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::TooManyCodes`] when `count` is over [`MAX_CODES`], before anything
/// is allocated.
pub fn new_codes(seed: u64, count: usize) -> Result<Vec<TrackingCode>> {
    if count > MAX_CODES {
        return Err(Error::TooManyCodes {
            count: count as u64,
            max: MAX_CODES as u64,
        });
    }
    let mut all = Vec::with_capacity(count);
    all.extend(codes(seed).take(count));
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shared vectors (`testdata/determinism.json`, computed in Python) pin
    /// every copy of `SplitMix64` in the workspace to the same outputs.
    #[test]
    fn splitmix64_matches_the_shared_vectors() {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../../../testdata/determinism.json")).unwrap();
        let number = |v: &serde_json::Value| v.as_str().unwrap().parse::<u64>().unwrap();
        for case in vectors["splitmix64"].as_array().unwrap() {
            let seed = number(&case["seed"]);
            let mut rng = CodeRng::seeded(seed);
            for expected in case["outputs"].as_array().unwrap() {
                assert_eq!(rng.next_u64(), number(expected), "seed {seed}");
            }
        }
    }

    #[test]
    fn the_field_is_a_field() {
        // x⁵ + x² + 1 is primitive: doubling from 1 visits all 31 non-zero values.
        let mut v = 1u8;
        let mut seen = std::collections::HashSet::new();
        for _ in 0..31 {
            assert!(seen.insert(v));
            v = double(v);
        }
        assert_eq!(v, 1);
    }

    #[test]
    fn every_single_error_and_adjacent_swap_is_caught() {
        // ../shared/testdata: 10 000 codes, every single-symbol substitution and
        // every swap of two adjacent different symbols.
        let mut checked = 0u64;
        for code in new_codes(1, 10_000).unwrap() {
            let text = code.to_string().replace('-', "");
            let symbols: Vec<char> = text.chars().collect();
            for i in 0..symbols.len() {
                for &replacement in ALPHABET {
                    let replacement = char::from(replacement);
                    if replacement == symbols[i] {
                        continue;
                    }
                    let mut typo = symbols.clone();
                    typo[i] = replacement;
                    let typo: String = typo.into_iter().collect();
                    assert!(
                        matches!(TrackingCode::parse(&typo), Err(Error::CodeCheck { .. })),
                        "{text} → {typo}"
                    );
                    checked += 1;
                }
                if i + 1 < symbols.len() && symbols[i] != symbols[i + 1] {
                    let mut swapped = symbols.clone();
                    swapped.swap(i, i + 1);
                    let swapped: String = swapped.into_iter().collect();
                    assert!(TrackingCode::parse(&swapped).is_err(), "{text} → {swapped}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 3_400_000, "{checked}");
    }

    #[test]
    fn lenient_reading_strict_checking() {
        let code = new_codes(42, 1).unwrap()[0];
        let shown = code.to_string();
        assert_eq!(shown.len(), 13);
        assert_eq!(shown.chars().nth(4), Some('-'));
        let loose = shown
            .to_lowercase()
            .replace('1', "l")
            .replace('0', "o")
            .replace('-', " ");
        assert_eq!(TrackingCode::parse(&loose), Ok(code));
        assert_eq!(
            TrackingCode::parse("ABCD-EFGH-JKU"),
            Err(Error::CodeSymbol {
                code: "ABCD-EFGH-JKU".into(),
                symbol: 'U',
                position: 11
            })
        );
        assert_eq!(
            TrackingCode::parse("ABCD-EFGH"),
            Err(Error::CodeLength {
                code: "ABCD-EFGH".into(),
                symbols: 8
            })
        );
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(serde_json::from_str::<TrackingCode>(&json).unwrap(), code);
    }

    #[test]
    fn codes_are_reproducible_from_the_seed() {
        assert_eq!(new_codes(2025, 5), new_codes(2025, 5));
        assert_ne!(new_codes(2025, 5), new_codes(2026, 5));
        // Pinned: the generator is part of the contract.
        assert_eq!(
            new_codes(0, 1).unwrap()[0].to_string(),
            TrackingCode::generate(&mut CodeRng::seeded(0)).to_string()
        );
    }

    #[test]
    fn a_count_over_the_limit_is_refused_before_allocating() {
        // usize::MAX once overflowed a hash table's capacity; 10¹² asked for 26 TB.
        for count in [MAX_CODES + 1, 1_000_000_000_000, usize::MAX] {
            assert_eq!(
                new_codes(1, count),
                Err(Error::TooManyCodes {
                    count: count as u64,
                    max: MAX_CODES as u64,
                })
            );
        }
        assert_eq!(codes(3).size_hint(), (MAX_CODES, Some(MAX_CODES)));
        let streamed: Vec<_> = codes(3).take(1000).collect();
        assert_eq!(streamed, new_codes(3, 1000).unwrap());
    }
}
