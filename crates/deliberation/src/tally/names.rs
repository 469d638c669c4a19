//! Finding a ballot's candidate by name: an open-addressing table over the
//! candidates, hashed with one keyed multiplication of a name's first and last
//! eight bytes (keys from the standard library's per-process random state).
//!
//! The standard `HashMap` with `SipHash` spent a third of a 10,000-ballot Schulze
//! count on looking up names. Here a name of at most 16 bytes is compared as its
//! length and two words, without touching its bytes again; longer names are
//! compared in full once their words match. The keys are random, so names cannot
//! be chosen to collide on purpose; they decide only how fast a name is found,
//! never which candidate it is.

/// A name's length and two words that, with the length, determine a name of at
/// most 16 bytes: its first and last eight bytes (overlapping when shorter than
/// 16); for shorter names, its first and last four bytes, or (below four) its
/// first, middle and last byte, in the first word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Words {
    len: usize,
    first: u64,
    last: u64,
}

impl Words {
    fn of(name: &[u8]) -> Self {
        let len = name.len();
        let u64_at = |at: usize| {
            name.get(at..at + 8)
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map_or(0, u64::from_le_bytes)
        };
        let u32_at = |at: usize| {
            name.get(at..at + 4)
                .and_then(|b| <[u8; 4]>::try_from(b).ok())
                .map_or(0, u32::from_le_bytes)
        };
        let byte = |at: usize| u64::from(name.get(at).copied().unwrap_or(0));
        let (first, last) = match len {
            0 => (0, 0),
            1..=3 => (byte(0) | byte(len / 2) << 8 | byte(len - 1) << 16, 0),
            4..=7 => (u64::from(u32_at(0)) | u64::from(u32_at(len - 4)) << 32, 0),
            _ => (u64_at(0), u64_at(len - 8)),
        };
        Self { len, first, last }
    }
}

/// The candidates' names, found by their bytes.
#[derive(Debug)]
pub(super) struct Names<'a> {
    given: &'a [String],
    words: Vec<Words>,
    /// Candidate index + 1 per slot; 0: empty.
    slots: Vec<u32>,
    keys: [u64; 2],
}

impl<'a> Names<'a> {
    /// The table of `names`, or the first name given twice.
    pub(super) fn new(names: &'a [String]) -> Result<Self, &'a String> {
        let random = std::hash::RandomState::new();
        let size = (names.len().saturating_mul(2)).next_power_of_two().max(8);
        let mut table = Self {
            given: names,
            words: names.iter().map(|n| Words::of(n.as_bytes())).collect(),
            slots: vec![0; size],
            keys: [1u64, 2].map(|i| {
                use core::hash::BuildHasher;
                random.hash_one(i) | 1
            }),
        };
        for (i, name) in (0u32..).zip(names) {
            let Some(&w) = table.words.get(i as usize) else {
                continue;
            };
            if table.find_words(&w, name).is_some() {
                return Err(name);
            }
            let mut at = table.home(&w);
            while table.slots.get(at).is_some_and(|&s| s != 0) {
                at = (at + 1) & (size - 1);
            }
            if let Some(slot) = table.slots.get_mut(at) {
                *slot = i + 1;
            }
        }
        Ok(table)
    }

    fn home(&self, w: &Words) -> usize {
        let product =
            u128::from(w.first ^ (w.len as u64) ^ self.keys[0]) * u128::from(w.last ^ self.keys[1]);
        #[allow(
            clippy::cast_possible_truncation,
            reason = "the two halves of the product, folded together; then a slot"
        )]
        let folded = ((product as u64) ^ ((product >> 64) as u64)) as usize;
        folded & (self.slots.len() - 1)
    }

    /// The candidate named `name`.
    pub(super) fn find(&self, name: &str) -> Option<u32> {
        self.find_words(&Words::of(name.as_bytes()), name)
    }

    /// The candidate named `name`, whose words are `w`.
    fn find_words(&self, w: &Words, name: &str) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let mut at = self.home(w);
        loop {
            let c = self.slots.get(at).copied()?.checked_sub(1)?;
            if self.words.get(c as usize) == Some(w)
                && (w.len <= 16 || self.given.get(c as usize).is_some_and(|n| n == name))
            {
                return Some(c);
            }
            at = (at + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    /// Every candidate is found by an equal name, and nothing else is: names
    /// that differ in a trailing zero byte, one middle byte of a long name, or
    /// only in length.
    #[test]
    fn names_are_found_by_their_bytes() {
        let list = names(&[
            "plan-1",
            "plan-10",
            "a",
            "a\0",
            "ab",
            "ac",
            "abc",
            "abd",
            "axc",
            "abcde",
            "abXde",
            "",
            "\0",
            "a long name of many bytes: x",
            "a long name of many bytes: y",
            "a long name OF many bytes: x",
            "exactly sixteen!",
            "exactly sixteen?",
            "新建社区活动中心",
        ]);
        let table = Names::new(&list).unwrap();
        for (i, name) in (0u32..).zip(&list) {
            assert_eq!(table.find(&name.clone()), Some(i), "{name:?}");
        }
        for missing in [
            "plan-2",
            "ad",
            "abe",
            "abYde",
            "a\0\0",
            "a long name of many bytes: z",
            "exactly sixteen",
            "新建社区活动",
        ] {
            assert_eq!(table.find(missing), None, "{missing:?}");
        }
        // Many names: the table grows and still finds each.
        let many: Vec<String> = (0..5000).map(|i| format!("candidate number {i}")).collect();
        let table = Names::new(&many).unwrap();
        assert!((0u32..).zip(&many).all(|(i, n)| table.find(n) == Some(i)));
        assert_eq!(table.find("candidate number 5000"), None);
    }

    #[test]
    fn a_name_given_twice_is_named() {
        let list = names(&["x", "long name number one", "x"]);
        assert_eq!(Names::new(&list).err(), Some(&"x".to_owned()));
    }

    proptest::proptest! {
        /// Names from a two-letter alphabet of every length to 20 (many
        /// share words, lengths and prefixes): each probe is found exactly
        /// where it stands in the list, or not at all.
        #[test]
        fn the_table_finds_what_a_search_finds(
            list in proptest::collection::btree_set("[ab\\x00]{0,20}", 0..60),
            probes in proptest::collection::vec("[ab\\x00]{0,20}", 0..60),
        ) {
            let list: Vec<String> = list.into_iter().collect();
            let table = Names::new(&list).unwrap();
            for probe in probes.iter().chain(&list) {
                let expected = list.iter().position(|n| n == probe).map(|i| u32::try_from(i).unwrap());
                proptest::prop_assert_eq!(table.find(probe), expected, "{:?}", probe);
            }
        }
    }
}
