//! The crate's one seeded generator: `SplitMix64`, for the bootstrap. Pinned
//! by `testdata/determinism.json`, as every copy in the workspace is.

/// `SplitMix64` (Steele, Lea & Flood 2014): tiny, fast, and the same on every machine.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift, with the rejection step
    /// that removes its bias); 0 when `n` is 0.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let threshold = n.wrapping_neg() % n;
        loop {
            let wide = u128::from(self.next_u64()) * u128::from(n);
            #[allow(clippy::cast_possible_truncation, reason = "low 64 bits on purpose")]
            let low = wide as u64;
            if low >= threshold {
                return u64::try_from(wide >> 64).unwrap_or(0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shared vectors (`testdata/determinism.json`) pin every copy.
    #[test]
    fn splitmix64_matches_the_shared_vectors() {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../../../testdata/determinism.json")).unwrap();
        let number = |v: &serde_json::Value| v.as_str().unwrap().parse::<u64>().unwrap();
        for case in vectors["splitmix64"].as_array().unwrap() {
            let seed = number(&case["seed"]);
            let mut rng = SplitMix64(seed);
            for expected in case["outputs"].as_array().unwrap() {
                assert_eq!(rng.next_u64(), number(expected), "seed {seed}");
            }
        }
    }
}
