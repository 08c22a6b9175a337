//! A minimal unsigned big integer (base 10^9 limbs) for the quantities apimachinery keeps as `inf.Dec`.
//!
//! Only what the canonical string needs: read decimal digits, multiply and divide by a small
//! number, compare with a `u128`, print. No general-purpose crate is pulled in for these few
//! operations on numbers of a few dozen digits.

use std::fmt;

/// One limb holds nine decimal digits.
const LIMB: u64 = 1_000_000_000;

/// An unsigned integer, least significant limb first, no leading zero limbs (zero is empty).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct BigUint {
    limbs: Vec<u32>,
}

impl BigUint {
    /// The value of a string of ASCII digits (other bytes are skipped; callers pass digits only).
    pub(super) fn from_digits(digits: &str) -> Self {
        let mut n = BigUint::default();
        for b in digits.bytes().filter(u8::is_ascii_digit) {
            n.mul_add_small(10, u64::from(b.saturating_sub(b'0')));
        }
        n
    }

    /// `true` for zero.
    pub(super) fn is_zero(&self) -> bool {
        self.limbs.is_empty()
    }

    /// `self = self * factor + add`, with `factor` and `add` at most 2^32.
    pub(super) fn mul_add_small(&mut self, factor: u64, add: u64) {
        let mut carry = add;
        for limb in &mut self.limbs {
            // limb < 10^9 and factor <= 2^32, so the product and carry stay below 2^63.
            let v = u64::from(*limb).saturating_mul(factor).saturating_add(carry);
            *limb = u32::try_from(v % LIMB).unwrap_or(0);
            carry = v / LIMB;
        }
        while carry > 0 {
            self.limbs.push(u32::try_from(carry % LIMB).unwrap_or(0));
            carry /= LIMB;
        }
        self.trim();
    }

    /// Divides in place by `divisor` (not zero) and returns the remainder.
    pub(super) fn div_small(&mut self, divisor: u64) -> u64 {
        let divisor = divisor.max(1);
        let mut rem: u64 = 0;
        for limb in self.limbs.iter_mut().rev() {
            // rem < divisor <= 2^32, so rem * 10^9 + limb < 2^63.
            let v = rem.saturating_mul(LIMB).saturating_add(u64::from(*limb));
            *limb = u32::try_from(v.checked_div(divisor).unwrap_or(0)).unwrap_or(0);
            rem = v.checked_rem(divisor).unwrap_or(0);
        }
        self.trim();
        rem
    }

    /// The remainder of a division by `divisor` (not zero), leaving `self` unchanged.
    pub(super) fn rem_small(&self, divisor: u64) -> u64 {
        let divisor = divisor.max(1);
        self.limbs.iter().rev().fold(0u64, |rem, limb| {
            rem.saturating_mul(LIMB).saturating_add(u64::from(*limb)).checked_rem(divisor).unwrap_or(0)
        })
    }

    /// The value as a `u128`, `None` when it is larger.
    pub(super) fn to_u128(&self) -> Option<u128> {
        self.limbs
            .iter()
            .rev()
            .try_fold(0u128, |acc, limb| acc.checked_mul(u128::from(LIMB))?.checked_add(u128::from(*limb)))
    }

    fn trim(&mut self) {
        while self.limbs.last() == Some(&0) {
            self.limbs.pop();
        }
    }
}

impl fmt::Display for BigUint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut limbs = self.limbs.iter().rev();
        match limbs.next() {
            None => f.write_str("0"),
            Some(first) => {
                write!(f, "{first}")?;
                limbs.try_for_each(|limb| write!(f, "{limb:09}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic() {
        let mut n = BigUint::from_digits("123456789012345678901234567890");
        assert_eq!(n.to_string(), "123456789012345678901234567890");
        assert_eq!(n.rem_small(10), 0);
        assert_eq!(n.div_small(10), 0);
        assert_eq!(n.to_string(), "12345678901234567890123456789");
        n.mul_add_small(1 << 30, 0);
        assert_eq!(n.to_string(), "13256071781929920778192992077806043136");
        assert_eq!(n.to_u128(), Some(13256071781929920778192992077806043136));
        assert_eq!(BigUint::from_digits("0").to_string(), "0");
        assert!(BigUint::from_digits("000").is_zero());
        let mut big = BigUint::from_digits("999999999999999999999999999999999999999999");
        assert_eq!(big.to_u128(), None);
        // 10^42 is a multiple of 1024, so 10^42 - 1 leaves 1023.
        assert_eq!(big.div_small(1024), 1023);
    }
}
