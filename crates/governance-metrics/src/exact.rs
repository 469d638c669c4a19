//! Exact arithmetic helpers: decimals as integers at a common scale, and rationals
//! rounded once into a decimal.

use rust_decimal::Decimal;

use crate::{Error, Result};

/// Non-negative decimals as integers at their common scale: one pass when every
/// value already has the same scale, otherwise each is brought to the finest one.
pub(crate) fn to_integers(values: &[Decimal]) -> Result<(Vec<u128>, u32)> {
    if values.is_empty() {
        return Err(Error::NoValues);
    }
    let mut scale = 0;
    let mut uniform = true;
    let first = values.first().map_or(0, Decimal::scale);
    for (index, value) in values.iter().enumerate() {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(Error::NegativeValue {
                index,
                value: *value,
            });
        }
        uniform &= value.scale() == first;
        scale = scale.max(value.scale());
    }
    if uniform {
        return Ok((
            values.iter().map(|v| v.mantissa().unsigned_abs()).collect(),
            scale,
        ));
    }
    let overflow = || Error::Overflow {
        context: "bringing the values to a common scale",
    };
    let integers = values
        .iter()
        .map(|value| {
            10u128
                .checked_pow(scale - value.scale())
                .and_then(|factor| value.mantissa().unsigned_abs().checked_mul(factor))
                .ok_or_else(overflow)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((integers, scale))
}

/// `numerator / denominator` as a decimal, rounded once to 28 significant digits.
///
/// Operands wider than a decimal's 96-bit mantissa are first shifted right by the
/// same number of bits; the relative error that adds is below 2⁻⁹⁴, under the
/// rounding of the result itself.
pub(crate) fn ratio(mut numerator: u128, mut denominator: u128) -> Result<Decimal> {
    if denominator == 0 {
        return Err(Error::ZeroTotal);
    }
    let g = gcd(numerator, denominator);
    numerator /= g;
    denominator /= g;
    let widest = 128 - numerator.max(denominator).leading_zeros();
    if widest > 96 {
        let shift = widest - 96;
        numerator >>= shift;
        denominator = (denominator >> shift).max(1);
    }
    let to_decimal = |v: u128| {
        i128::try_from(v)
            .ok()
            .and_then(|v| Decimal::try_from_i128_with_scale(v, 0).ok())
    };
    to_decimal(numerator)
        .zip(to_decimal(denominator))
        .and_then(|(n, d)| n.checked_div(d))
        .map(|d| d.normalize())
        .ok_or(Error::Overflow {
            context: "dividing exact sums",
        })
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn common_scale() {
        let (ints, scale) = to_integers(&[dec!(1.5), dec!(2), dec!(0.25), dec!(3.10)]).unwrap();
        assert_eq!((ints, scale), (vec![150, 200, 25, 310], 2));
        // One scale throughout: the mantissas as they are.
        assert_eq!(
            to_integers(&[dec!(1.50), dec!(2.00)]).unwrap(),
            (vec![150, 200], 2)
        );
        assert_eq!(
            to_integers(&[dec!(1), dec!(-0.5)]),
            Err(Error::NegativeValue {
                index: 1,
                value: dec!(-0.5)
            })
        );
        assert_eq!(to_integers(&[]), Err(Error::NoValues));
    }

    #[test]
    fn ratios_round_once() {
        assert_eq!(ratio(9, 25).unwrap(), dec!(0.36));
        assert_eq!(ratio(1, 3).unwrap(), dec!(0.3333333333333333333333333333));
        assert_eq!(ratio(0, 3).unwrap(), dec!(0));
        assert_eq!(ratio(1, 0), Err(Error::ZeroTotal));
        // Operands wider than 96 bits keep 28 good digits.
        let third = ratio(u128::MAX / 3, u128::MAX).unwrap();
        assert!((third - dec!(0.3333333333333333333333333333)).abs() < dec!(1e-27));
    }
}
