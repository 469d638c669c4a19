//! Exact integer helpers for the apportionment core: 256-bit products for comparing
//! fractions by cross-multiplication, and division by a fixed divisor through a
//! precomputed reciprocal.

use core::cmp::Ordering;

const LOW: u128 = u64::MAX as u128;

/// A 256-bit unsigned integer, `hi · 2¹²⁸ + lo`. Field order makes the derived
/// ordering numeric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) struct U256 {
    hi: u128,
    lo: u128,
}

impl U256 {
    /// 2²⁵⁶ − 1: where a saturating sum stops.
    pub(crate) const MAX: Self = Self {
        hi: u128::MAX,
        lo: u128::MAX,
    };

    /// The exact product `a · b`.
    pub(crate) fn mul(a: u128, b: u128) -> Self {
        let (a1, a0) = (a >> 64, a & LOW);
        let (b1, b0) = (b >> 64, b & LOW);
        let p00 = a0 * b0;
        let p01 = a0 * b1;
        let p10 = a1 * b0;
        let p11 = a1 * b1;
        // Each term is < 2⁶⁴, so the sum of three is < 2⁶⁶: no overflow.
        let mid = (p00 >> 64) + (p01 & LOW) + (p10 & LOW);
        Self {
            hi: p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64),
            lo: (p00 & LOW) | (mid << 64),
        }
    }

    /// `self + b`, or `None` past 2²⁵⁶.
    pub(crate) fn checked_add(self, b: Self) -> Option<Self> {
        let (lo, carry) = self.lo.overflowing_add(b.lo);
        let hi = self.hi.checked_add(b.hi)?.checked_add(u128::from(carry))?;
        Some(Self { hi, lo })
    }

    /// `self + b` for a 128-bit `b`, or `None` past 2²⁵⁶.
    pub(crate) fn checked_add_small(self, b: u128) -> Option<Self> {
        self.checked_add(Self { hi: 0, lo: b })
    }
}

/// Compares `a / b` with `c / d` exactly, by cross-multiplication. A zero
/// denominator means infinity; two infinities are equal.
pub(crate) fn cmp_fractions(a: u128, b: u128, c: u128, d: u128) -> Ordering {
    U256::mul(a, d).cmp(&U256::mul(c, b))
}

/// Division by a fixed divisor. For divisors and dividends below 2⁶⁴ it multiplies
/// by a precomputed reciprocal (the libdivide algorithm: Granlund & Montgomery,
/// "Division by invariant integers using multiplication", 1994) instead of issuing a
/// hardware division; otherwise it divides.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Divider {
    d: u128,
    /// The 64-bit fast path, when `d < 2⁶⁴`.
    fast: Option<Reciprocal>,
}

#[derive(Debug, Clone, Copy)]
struct Reciprocal {
    d: u64,
    /// 0 for a power of two.
    magic: u64,
    shift: u32,
    /// The 65-bit magic number case: one more add-and-halve step.
    add: bool,
}

impl Reciprocal {
    fn new(d: u64) -> Option<Self> {
        if d == 0 {
            return None;
        }
        let log2 = d.ilog2();
        if d.is_power_of_two() {
            return Some(Self {
                d,
                magic: 0,
                shift: log2,
                add: false,
            });
        }
        let numerator = 1u128 << (64 + log2);
        let d128 = u128::from(d);
        // (2^(64+log2)) / d < 2^64 because d > 2^log2.
        let proposed = u64::try_from(numerator / d128).ok()?;
        let rem = u64::try_from(numerator % d128).ok()?;
        let e = d - rem;
        let (magic, add) = if e < (1u64 << log2) {
            (proposed.wrapping_add(1), false)
        } else {
            let mut doubled = proposed.wrapping_add(proposed);
            let twice_rem = rem.wrapping_add(rem);
            if twice_rem >= d || twice_rem < rem {
                doubled = doubled.wrapping_add(1);
            }
            (doubled.wrapping_add(1), true)
        };
        Some(Self {
            d,
            magic,
            shift: log2,
            add,
        })
    }

    #[inline]
    fn div(self, n: u64) -> u64 {
        match (self.magic, self.add) {
            (0, _) => self.quotient::<0>(n),
            (_, false) => self.quotient::<1>(n),
            (_, true) => self.quotient::<2>(n),
        }
    }

    /// `n / d` for one kind of reciprocal: `KIND` 0 is a shift, 1 a
    /// multiply-and-shift, 2 a multiply, add-and-halve and shift.
    #[inline]
    fn quotient<const KIND: u8>(self, n: u64) -> u64 {
        #[allow(
            clippy::cast_possible_truncation,
            reason = "the high half of a 128-bit product fits 64 bits"
        )]
        let high = |n: u64| ((u128::from(self.magic) * u128::from(n)) >> 64) as u64;
        match KIND {
            0 => n >> self.shift,
            1 => high(n) >> self.shift,
            _ => {
                let t = high(n);
                (((n - t) >> 1) + t) >> self.shift
            }
        }
    }

    /// `(w·p / d, w·p % d)` for one kind of reciprocal (see
    /// [`Self::quotient`]); `wide` when the product does not fit 64 bits.
    #[inline]
    fn share<const KIND: u8>(
        self,
        w: u64,
        p: u64,
        wide: impl Fn(u64) -> (u128, u128),
    ) -> (u128, u128) {
        let Ok(small) = u64::try_from(u128::from(w) * u128::from(p)) else {
            return wide(w);
        };
        let q = self.quotient::<KIND>(small);
        (u128::from(q), u128::from(small - q * self.d))
    }

    /// [`Self::share`] where `w·p` is known to fit 64 bits: no check and no
    /// way out of the loop, so the loop keeps its values in registers (the
    /// division by hardware that `wide` calls clobbers half of them).
    #[inline]
    fn narrow_share<const KIND: u8>(self, w: u64, p: u64) -> (u128, u128) {
        // Wrapping only to stay panic-free: the caller knows it does not wrap.
        let small = w.wrapping_mul(p);
        let q = self.quotient::<KIND>(small);
        (
            u128::from(q),
            u128::from(small.wrapping_sub(q.wrapping_mul(self.d))),
        )
    }
}

/// A loop over the shares of a list of weights, written once by its caller and
/// compiled by [`Divider::run`] for each kind of division.
pub(crate) trait SharesLoop {
    /// What the loop returns.
    type Output;
    /// The loop, given the division `w ↦ (w·p / d, w·p % d)`.
    fn run(self, share: impl Fn(u64) -> (u128, u128) + Copy) -> Self::Output;
}

impl Divider {
    /// Division by one.
    pub(crate) const ONE: Self = Self {
        d: 1,
        fast: Some(Reciprocal {
            d: 1,
            magic: 0,
            shift: 0,
            add: false,
        }),
    };

    /// A divider by `d`, or `None` for zero.
    pub(crate) fn new(d: u128) -> Option<Self> {
        if d == 0 {
            return None;
        }
        let fast = u64::try_from(d).ok().and_then(Reciprocal::new);
        Some(Self { d, fast })
    }

    /// The divisor.
    pub(crate) const fn divisor(&self) -> u128 {
        self.d
    }

    /// Runs `each` with the division `w ↦ (w·p / d, w·p % d)` chosen once: by a
    /// shift, by a reciprocal with or without the extra step, or by hardware.
    /// The loop the caller writes in [`SharesLoop::run`] is compiled once per
    /// choice, so it has no branch but the one on a product too large for 64
    /// bits, which is rare and therefore predictable. `p` below 2⁶⁴ (a total in
    /// fen always is) costs one multiplication less per weight. Every `w·p`
    /// must fit 128 bits, as it does for any `p` below 2⁶⁴.
    ///
    /// `widest` is at least every weight the loop divides (`u64::MAX` when
    /// not known; the bitwise or of the weights is such a bound, and costs
    /// nothing beside their sum): when `widest·p` fits 64 bits so does every
    /// product, and the loop has no overflow branch and no call in it
    /// (Hamilton on a million weights: ~10% faster in all).
    #[inline]
    pub(crate) fn run<L: SharesLoop>(&self, p: u128, widest: u64, each: L) -> L::Output {
        let d = self.d;
        let wide = move |w: u64| {
            let n = u128::from(w) * p;
            (n / d, n % d)
        };
        let narrow = u64::try_from(p)
            .ok()
            .filter(|&p| u64::try_from(u128::from(widest) * u128::from(p)).is_ok());
        match (self.fast, narrow) {
            (Some(fast), Some(p)) if fast.magic == 0 => {
                return each.run(move |w| fast.narrow_share::<0>(w, p));
            }
            (Some(fast), Some(p)) if fast.add => {
                return each.run(move |w| fast.narrow_share::<2>(w, p));
            }
            (Some(fast), Some(p)) => return each.run(move |w| fast.narrow_share::<1>(w, p)),
            _ => {}
        }
        match (self.fast, u64::try_from(p)) {
            (Some(fast), Ok(p)) if fast.magic == 0 => {
                each.run(move |w| fast.share::<0>(w, p, wide))
            }
            (Some(fast), Ok(p)) if fast.add => each.run(move |w| fast.share::<2>(w, p, wide)),
            (Some(fast), Ok(p)) => each.run(move |w| fast.share::<1>(w, p, wide)),
            _ => each.run(wide),
        }
    }

    /// `(n / d, n % d)`.
    #[inline]
    pub(crate) fn div_rem(&self, n: u128) -> (u128, u128) {
        if let (Some(fast), Ok(small)) = (self.fast, u64::try_from(n)) {
            let q = fast.div(small);
            return (u128::from(q), u128::from(small - q * fast.d));
        }
        (n / self.d, n % self.d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn u256_reference(a: u128, b: u128) -> (u128, u128) {
        // Schoolbook on 32-bit limbs, independent of the implementation above.
        let limbs = |x: u128| [0, 1, 2, 3].map(|i| (x >> (32 * i)) & 0xFFFF_FFFF);
        let (la, lb) = (limbs(a), limbs(b));
        let mut out = [0u128; 9];
        for i in 0..4 {
            for j in 0..4 {
                out[i + j] += la[i] * lb[j];
            }
        }
        for k in 0..8 {
            let carry = out[k] >> 32;
            out[k] &= 0xFFFF_FFFF;
            out[k + 1] += carry;
        }
        let lo = out[0] | (out[1] << 32) | (out[2] << 64) | (out[3] << 96);
        let hi = out[4] | (out[5] << 32) | (out[6] << 64) | (out[7] << 96);
        (hi, lo)
    }

    #[test]
    fn products_at_the_edges() {
        for (a, b) in [
            (u128::MAX, u128::MAX),
            (u128::MAX, 1),
            (0, u128::MAX),
            (1 << 64, 1 << 64),
            (LOW, LOW),
        ] {
            let p = U256::mul(a, b);
            assert_eq!((p.hi, p.lo), u256_reference(a, b), "{a} · {b}");
        }
        assert_eq!(
            U256::mul(u128::MAX, u128::MAX).checked_add(U256::mul(2, u128::MAX)),
            Some(U256::MAX)
        );
        assert_eq!(
            U256::mul(u128::MAX, u128::MAX).checked_add(U256::mul(3, u128::MAX)),
            None
        );
    }

    #[test]
    fn division_at_the_edges() {
        let divisors = [
            1u128,
            2,
            3,
            7,
            10,
            1 << 63,
            (1 << 63) + 1,
            u64::MAX.into(),
            1 << 64,
            u128::MAX,
        ];
        let numerators = [0u128, 1, 2, 6, 7, u64::MAX.into(), (1 << 64) + 5, u128::MAX];
        for d in divisors {
            let divider = Divider::new(d).unwrap();
            for n in numerators {
                assert_eq!(divider.div_rem(n), (n / d, n % d), "{n} / {d}");
            }
        }
        assert!(Divider::new(0).is_none());
    }

    /// Every share, in order.
    struct Collect<'a>(&'a [u64]);

    impl SharesLoop for Collect<'_> {
        type Output = Vec<(u128, u128)>;

        fn run(self, share: impl Fn(u64) -> (u128, u128) + Copy) -> Self::Output {
            self.0.iter().map(|&w| share(w)).collect()
        }
    }

    proptest! {
        #[test]
        fn products_are_exact(a: u128, b: u128) {
            let p = U256::mul(a, b);
            prop_assert_eq!((p.hi, p.lo), u256_reference(a, b));
        }

        #[test]
        fn reciprocal_division_is_exact(d in 1u64.., n: u64) {
            let divider = Divider::new(u128::from(d)).unwrap();
            prop_assert_eq!(divider.div_rem(u128::from(n)), (u128::from(n / d), u128::from(n % d)));
        }

        #[test]
        fn shares_are_exact(
            d in 1u128..,
            p in prop_oneof![0u128..1 << 32, any::<u64>().prop_map(u128::from), (1u128 << 64)..1 << 96],
            weights in proptest::collection::vec(prop_oneof![3 => 0u64..1 << 32, 1 => any::<u64>()], 0..8),
        ) {
            // Products below 2⁶⁴ take the reciprocal, larger ones (and any
            // with a wide `p`) the hardware. Every kind of divisor: a power of
            // two, small, odd, wide. `run` asks that `w·p` fit 128 bits.
            let weights: Vec<u64> = weights
                .into_iter()
                .filter(|&w| u128::from(w).checked_mul(p).is_some())
                .collect();
            for d in [d, d >> 64, (d >> 70).max(1), 1 << (d % 64), d % 1000 + 1, 7] {
                let divider = Divider::new(d.max(1)).unwrap();
                let widest = weights.iter().fold(0, |or, &w| or | w);
                let seen = divider.run(p, widest, Collect(&weights));
                prop_assert_eq!(&divider.run(p, u64::MAX, Collect(&weights)), &seen);
                let expected: Vec<(u128, u128)> = weights
                    .iter()
                    .map(|&w| (u128::from(w) * p / d.max(1), u128::from(w) * p % d.max(1)))
                    .collect();
                prop_assert_eq!(seen, expected, "d = {}, p = {}", d, p);
            }
        }

        #[test]
        fn small_divisors_are_exact(d in 1u64..1000, n: u64) {
            let divider = Divider::new(u128::from(d)).unwrap();
            prop_assert_eq!(divider.div_rem(u128::from(n)), (u128::from(n / d), u128::from(n % d)));
        }

        #[test]
        fn fractions_compare_exactly(a: u64, b: u64, c: u64, d: u64) {
            // With 64-bit operands the products fit 128 bits: an independent check.
            let expected = (u128::from(a) * u128::from(d)).cmp(&(u128::from(c) * u128::from(b)));
            prop_assert_eq!(cmp_fractions(a.into(), b.into(), c.into(), d.into()), expected);
        }
    }
}
