//! Go's `big.Int.ProbablyPrime(0)` on 64-bit values: exact, as Baillie-PSW is below 2^64.

/// `true` when `n` is prime. Go's `ProbablyPrime(0)` runs Baillie-PSW, which has no known
/// error and none below 2^64; Miller-Rabin with the first twelve prime bases is proven exact for
/// every 64-bit value, so both give the same answer on a `u64`.
pub(crate) fn is_prime(n: u64) -> bool {
    const BASES: [u64; 12] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
    if n < 2 {
        return false;
    }
    for p in BASES {
        if n.is_multiple_of(p) {
            return n == p;
        }
    }
    // n - 1 = d * 2^s with d odd (n is odd and > 37 here).
    let n_minus_1 = n.saturating_sub(1);
    let s = n_minus_1.trailing_zeros();
    let d = n_minus_1 >> s;
    BASES.iter().all(|&a| {
        let mut x = pow_mod(a, d, n);
        if x == 1 || x == n_minus_1 {
            return true;
        }
        for _ in 1..s {
            x = mul_mod(x, x, n);
            if x == n_minus_1 {
                return true;
            }
        }
        false
    })
}

fn mul_mod(a: u64, b: u64, m: u64) -> u64 {
    let product = u128::from(a).saturating_mul(u128::from(b));
    u64::try_from(product.checked_rem(u128::from(m)).unwrap_or(0)).unwrap_or(0)
}

fn pow_mod(mut base: u64, mut exp: u64, m: u64) -> u64 {
    let mut result = 1u64;
    base = base.checked_rem(m).unwrap_or(0);
    while exp > 0 {
        if exp & 1 == 1 {
            result = mul_mod(result, base, m);
        }
        base = mul_mod(base, base, m);
        exp >>= 1;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_trial_division_and_known_values() {
        fn trial(n: u64) -> bool {
            n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| !n.is_multiple_of(d))
        }
        for n in 0..20_000u64 {
            assert_eq!(is_prime(n), trial(n), "{n}");
        }
        // (value, prime) pairs: the CRD default and bounds of tableSize (cs:461), strong
        // pseudoprimes to several bases, and the largest 64-bit prime.
        let cases: &[(u64, bool)] = &[
            (65537, true),
            (5_000_011, true),
            (1024, false),
            (65536, false),
            (3_215_031_751, false),
            (3_825_123_056_546_413_051, false),
            (18_446_744_073_709_551_557, true),
            (u64::MAX, false),
        ];
        for (n, prime) in cases {
            assert_eq!(is_prime(*n), *prime, "{n}");
        }
    }
}
