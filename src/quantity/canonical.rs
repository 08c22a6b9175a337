//! apimachinery's reading of a quantity (`resource.ParseQuantity`), its `AsInt64` and its
//! canonical `String()`, as Envoy Gateway's messages print them (k8s.io/apimachinery v0.36.3,
//! `pkg/api/resource`: quantity.go, amount.go, math.go, suffix.go).
//!
//! apimachinery keeps a quantity either as a 64-bit integer with a decimal scale (the fast path)
//! or as an arbitrary-precision `inf.Dec`; which one decides `AsInt64` (always false for an
//! `inf.Dec`, even `1Pi`) and shapes the printed form. Reading allocates nothing; printing
//! allocates the string.

use super::big::BigUint;

/// apimachinery's `Format`: how the quantity is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// `1e3`.
    DecimalExponent,
    /// `1Ki`.
    BinarySi,
    /// `1k`.
    DecimalSi,
}

/// A parsed quantity: apimachinery's `Quantity` with the text it came from.
#[derive(Clone, Copy, Debug)]
pub(crate) enum GoQuantity<'a> {
    /// `int64Amount{value, scale}`; `cached` holds the input when Go keeps it as the string.
    Int { value: i64, scale: i32, format: Format, cached: Option<&'a str> },
    /// An `inf.Dec`, built only when printed.
    Dec(DecParts<'a>),
    /// `ParseQuantity` failed; Envoy Gateway would not have decoded the object.
    Invalid(&'a str),
}

/// The parts `ParseQuantity` builds its `inf.Dec` from (quantity.go:348-392).
#[derive(Clone, Copy, Debug)]
pub(crate) struct DecParts<'a> {
    positive: bool,
    num: &'a str,
    denom: &'a str,
    base: u32,
    exponent: i32,
    format: Format,
}

/// The pieces of `parseQuantityString` (quantity.go:160-275).
struct Split<'a> {
    positive: bool,
    num: &'a str,
    denom: &'a str,
    suffix: &'a str,
}

fn split(s: &str) -> Option<Split<'_>> {
    let bytes = s.as_bytes();
    let end = bytes.len();
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let sub = |a: usize, b: usize| s.get(a..b).unwrap_or("");
    let mut out = Split { positive: true, num: "0", denom: "", suffix: "" };
    let mut pos = 0usize;
    match at(0) {
        b'-' if end > 0 => {
            out.positive = false;
            pos = 1;
        }
        b'+' if end > 0 => pos = 1,
        _ => {}
    }
    // Leading zeros.
    while pos < end && at(pos) == b'0' {
        pos = pos.saturating_add(1);
    }
    if pos >= end {
        return Some(out);
    }
    let num_start = pos;
    while pos < end && at(pos).is_ascii_digit() {
        pos = pos.saturating_add(1);
    }
    if pos >= end {
        out.num = sub(num_start, end);
        return Some(out);
    }
    if pos > num_start {
        out.num = sub(num_start, pos);
    }
    if at(pos) == b'.' {
        pos = pos.saturating_add(1);
        let denom_start = pos;
        while pos < end && at(pos).is_ascii_digit() {
            pos = pos.saturating_add(1);
        }
        out.denom = sub(denom_start, pos);
        if pos >= end {
            return Some(out);
        }
    }
    let suffix_start = pos;
    while pos < end && b"eEinumkKMGTP".contains(&at(pos)) {
        pos = pos.saturating_add(1);
    }
    if pos < end && matches!(at(pos), b'-' | b'+') {
        pos = pos.saturating_add(1);
    }
    while pos < end && at(pos).is_ascii_digit() {
        pos = pos.saturating_add(1);
    }
    // A byte that is not part of an exponent: ErrFormatWrong.
    if pos < end {
        return None;
    }
    out.suffix = sub(suffix_start, end);
    Some(out)
}

/// `quantitySuffixer.interpret` (suffix.go:88-110, 180-198): base, exponent, format.
fn interpret(suffix: &str) -> Option<(u32, i32, Format)> {
    let dec = |e| Some((10, e, Format::DecimalSi));
    let bin = |e| Some((2, e, Format::BinarySi));
    match suffix {
        "" => dec(0),
        "n" => dec(-9),
        "u" => dec(-6),
        "m" => dec(-3),
        "k" => dec(3),
        "M" => dec(6),
        "G" => dec(9),
        "T" => dec(12),
        "P" => dec(15),
        "E" => dec(18),
        "Ki" => bin(10),
        "Mi" => bin(20),
        "Gi" => bin(30),
        "Ti" => bin(40),
        "Pi" => bin(50),
        "Ei" => bin(60),
        _ => {
            let rest = suffix.strip_prefix(['e', 'E']).filter(|r| !r.is_empty())?;
            // strconv.ParseInt(.., 10, 64) then int32(parsed): Go truncates to 32 bits.
            let parsed = go_parse_int(rest)?;
            #[allow(clippy::cast_possible_truncation)] // Go's int32() conversion, truncation intended.
            Some((10, parsed as i32, Format::DecimalExponent))
        }
    }
}

/// `strconv.ParseInt(s, 10, 64)`: optional sign, ASCII digits, no overflow.
fn go_parse_int(s: &str) -> Option<i64> {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..)?),
        Some(b'+') => (false, s.get(1..)?),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut value: i64 = 0;
    for b in digits.bytes() {
        let d = i64::from(b.saturating_sub(b'0'));
        value =
            if negative { value.checked_mul(10)?.checked_sub(d)? } else { value.checked_mul(10)?.checked_add(d)? };
    }
    Some(value)
}

/// Digits of `num` and `denom` as one integer; `None` on overflow (they are at most 18 digits).
fn digits_value(num: &str, denom: &str) -> Option<i64> {
    num.bytes()
        .chain(denom.bytes())
        .try_fold(0i64, |acc, b| acc.checked_mul(10)?.checked_add(i64::from(b.checked_sub(b'0')?)))
}

impl<'a> GoQuantity<'a> {
    /// `ParseQuantity(strings.TrimSpace(text))` (quantity.go:278-392, 744).
    pub(crate) fn parse(text: &'a str) -> Self {
        let str = text.trim();
        if str.is_empty() {
            return GoQuantity::Invalid(text);
        }
        if str == "0" {
            return GoQuantity::Int { value: 0, scale: 0, format: Format::DecimalSi, cached: Some(str) };
        }
        let Some(Split { positive, num, denom, suffix }) = split(str) else { return GoQuantity::Invalid(text) };
        let Some((base, exponent, format)) = interpret(suffix) else { return GoQuantity::Invalid(text) };
        let digits = i64::try_from(num.len().saturating_add(denom.len())).unwrap_or(i64::MAX);
        let mut scale: i64 = 0;
        let mut mantissa: i64 = 1;
        let precision: i64 = match format {
            Format::DecimalExponent | Format::DecimalSi => {
                scale = i64::from(exponent);
                18i64.saturating_sub(digits)
            }
            Format::BinarySi if exponent >= 0 && denom.is_empty() => {
                mantissa = 1i64.checked_shl(exponent.unsigned_abs()).unwrap_or(0);
                // int32(float32(exponent)*3/10) is exact for the binary exponents 10..60.
                let approx = i64::from(exponent).saturating_mul(3) / 10;
                let num_len = i64::try_from(num.len()).unwrap_or(i64::MAX);
                15i64.saturating_sub(num_len).saturating_sub(approx).saturating_sub(1)
            }
            Format::BinarySi => -1,
        };
        if precision >= 0 {
            scale = scale.saturating_sub(i64::try_from(denom.len()).unwrap_or(i64::MAX));
            if scale >= -9 {
                let Some(value) = digits_value(num, denom) else { return GoQuantity::Invalid(text) };
                if let Some(result) = value.checked_mul(mantissa) {
                    let result = if positive { result } else { result.wrapping_neg() };
                    let scale32 = i32::try_from(scale).unwrap_or(i32::MAX);
                    let canonical = match format {
                        Format::BinarySi => exponent % 10 == 0 && value & 0x07 != 0,
                        _ => {
                            scale % 3 == 0
                                && !(num.len().saturating_add(denom.len()) >= 3
                                    && num.bytes().chain(denom.bytes()).rev().take(3).all(|b| b == b'0'))
                                && num.bytes().chain(denom.bytes()).next() != Some(b'0')
                        }
                    };
                    return GoQuantity::Int { value: result, scale: scale32, format, cached: canonical.then_some(str) };
                }
            }
        }
        GoQuantity::Dec(DecParts { positive, num, denom, base, exponent, format })
    }

    /// `Quantity.AsInt64()` (quantity.go:517, amount.go:78-87): `None` for an `inf.Dec`, a
    /// fraction or a value past `i64`.
    pub(crate) fn as_int64(&self) -> Option<i64> {
        match *self {
            GoQuantity::Int { value, scale, .. } => {
                if scale == 0 {
                    return Some(value);
                }
                if scale < 0 {
                    return None;
                }
                // positiveScaleInt64 (math.go:140-163): multiply by ten `scale` times, failing on
                // overflow; zero stays zero whatever the scale.
                if value == 0 {
                    return Some(0);
                }
                (0..scale).try_fold(value, |v, _| v.checked_mul(10))
            }
            GoQuantity::Dec(_) | GoQuantity::Invalid(_) => None,
        }
    }

    /// `Quantity.String()` (quantity.go:680-690 with `CanonicalizeBytes`, 425-460).
    pub(crate) fn canonical(&self) -> String {
        match *self {
            GoQuantity::Invalid(text) => text.to_owned(),
            GoQuantity::Int { cached: Some(text), .. } => text.to_owned(),
            GoQuantity::Int { value, scale, format, cached: None } => int_canonical(value, scale, format),
            GoQuantity::Dec(parts) => dec_canonical(&parts.amount()),
        }
    }
}

/// The decimal suffix of an exponent (suffix.go:120-131); none past the table.
fn decimal_suffix(exponent: i64) -> &'static str {
    match exponent {
        -9 => "n",
        -6 => "u",
        -3 => "m",
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        18 => "E",
        _ => "",
    }
}

/// The binary suffix of a power of 1024 (suffix.go:112-117); none for 1024^0 or past `Ei`.
fn binary_suffix(times: u32) -> &'static str {
    match times {
        1 => "Ki",
        2 => "Mi",
        3 => "Gi",
        4 => "Ti",
        5 => "Pi",
        6 => "Ei",
        _ => "",
    }
}

/// Number and suffix for a decimal mantissa and power of ten (`constructBytes`, suffix.go:157-178).
fn with_decimal_suffix(number: &dyn std::fmt::Display, exponent: i64, format: Format) -> String {
    match format {
        Format::DecimalExponent if exponent != 0 => format!("{number}e{exponent}"),
        Format::DecimalExponent => number.to_string(),
        _ => format!("{number}{}", decimal_suffix(exponent)),
    }
}

/// `removeInt64Factors` (math.go:262-292) for base 10 and 1024.
fn remove_factors(value: i64, base: i64) -> (i64, u32) {
    let negative = value < 0;
    // Go negates with wrap-around: the most negative value stays negative and keeps its factors.
    let mut result = if negative { value.wrapping_neg() } else { value };
    let mut times = 0u32;
    while result >= base && result.checked_rem(base) == Some(0) {
        times = times.saturating_add(1);
        result = result.checked_div(base).unwrap_or(0);
    }
    (if negative { result.wrapping_neg() } else { result }, times)
}

/// `CanonicalizeBytes` of an `int64Amount` (quantity.go:425-460, amount.go:257-293).
fn int_canonical(value: i64, scale: i32, format: Format) -> String {
    if value == 0 {
        return "0".to_owned();
    }
    if format == Format::BinarySi && scale == 0 && value > -1024 && value < 1024 {
        return int_canonical(value, scale, Format::DecimalSi);
    }
    if format == Format::BinarySi && scale == 0 {
        let (amount, times) = remove_factors(value, 1024);
        return format!("{amount}{}", binary_suffix(times));
    }
    if format == Format::BinarySi {
        // Binary quantities on the fast path always have scale 0; keep Go's fallback anyway.
        return int_canonical(value, scale, Format::DecimalSi);
    }
    let (amount, times) = remove_factors(value, 10);
    let exponent = i64::from(scale).saturating_add(i64::from(times));
    let (factor, shift) = match exponent % 3 {
        1 | -2 => (10, 1),
        2 | -1 => (100, 2),
        _ => (1, 0),
    };
    match amount.checked_mul(factor) {
        Some(amount) => with_decimal_suffix(&amount, exponent.saturating_sub(shift), format),
        None => {
            let parts = Amount {
                negative: value < 0,
                mag: BigUint::from_digits(&value.unsigned_abs().to_string()),
                exp10: i64::from(scale),
                format,
            };
            dec_canonical(&parts)
        }
    }
}

/// A quantity held as `inf.Dec`: `±mag × 10^exp10`, printed in `format`.
struct Amount {
    negative: bool,
    mag: BigUint,
    exp10: i64,
    format: Format,
}

impl DecParts<'_> {
    /// The `inf.Dec` `ParseQuantity` builds (quantity.go:348-392): the digits scaled by the
    /// suffix, rounded up to a whole nano, binary values capped at 2^63-1.
    fn amount(&self) -> Amount {
        let mut mag = BigUint::from_digits(self.num);
        for b in self.denom.bytes() {
            mag.mul_add_small(10, u64::from(b.saturating_sub(b'0')));
        }
        let mut exp10 = i64::try_from(self.denom.len()).map_or(i64::MIN, i64::saturating_neg);
        if self.base == 10 {
            exp10 = exp10.saturating_add(i64::from(self.exponent));
        } else {
            let mut left = self.exponent.unsigned_abs();
            while left > 0 {
                let step = left.min(30);
                mag.mul_add_small(1u64 << step, 0);
                left = left.saturating_sub(step);
            }
        }
        let mut format = self.format;
        if !mag.is_zero() && exp10 < -9 {
            // Round up (away from zero) to a multiple of 10^-9.
            let mut inexact = false;
            let mut drop = exp10.saturating_neg().saturating_sub(9);
            while drop > 0 && !mag.is_zero() {
                inexact |= mag.div_small(10) != 0;
                drop = drop.saturating_sub(1);
            }
            if inexact || drop > 0 {
                mag.mul_add_small(1, 1);
            }
            exp10 = -9;
        }
        if format == Format::BinarySi {
            // exp10 is -9..=0 here: binary suffixes carry no decimal exponent.
            let unit = 10u128.pow(u32::try_from(exp10.saturating_neg().clamp(0, 9)).unwrap_or(0));
            let max = u128::from(i64::MAX.unsigned_abs()).saturating_mul(unit);
            if mag.to_u128().is_none_or(|m| m > max) {
                mag = BigUint::from_digits(&i64::MAX.to_string());
                exp10 = 0;
            }
            if !mag.is_zero() && mag.to_u128().is_some_and(|m| m < unit) {
                format = Format::DecimalSi;
            }
        }
        Amount { negative: !self.positive && !mag.is_zero(), mag, exp10, format }
    }
}

/// `CanonicalizeBytes` of an `inf.Dec` (quantity.go:425-460, amount.go:312-338).
fn dec_canonical(amount: &Amount) -> String {
    let Amount { negative, mag, exp10, format } = amount;
    if mag.is_zero() {
        return "0".to_owned();
    }
    let sign = if *negative { "-" } else { "" };
    let mut format = *format;
    if format == Format::BinarySi {
        let unit = 10u128.pow(u32::try_from(exp10.saturating_neg().clamp(0, 38)).unwrap_or(0));
        let below_1024 = *exp10 <= 0 && mag.to_u128().is_some_and(|m| m < unit.saturating_mul(1024));
        // AsScale(0): exact when no fraction is left.
        let mut whole = mag.clone();
        let mut exact = true;
        for _ in 0..exp10.saturating_neg().max(0) {
            exact &= whole.div_small(10) == 0;
        }
        if below_1024 || !exact || *exp10 > 0 {
            format = Format::DecimalSi;
        } else {
            let mut times = 0u32;
            while !whole.is_zero() && whole.rem_small(1024) == 0 {
                whole.div_small(1024);
                times = times.saturating_add(1);
            }
            return format!("{sign}{whole}{}", binary_suffix(times));
        }
    }
    let mut mag = mag.clone();
    let mut exponent = *exp10;
    while !mag.is_zero() && mag.rem_small(10) == 0 {
        mag.div_small(10);
        exponent = exponent.saturating_add(1);
    }
    while exponent % 3 != 0 {
        mag.mul_add_small(10, 0);
        exponent = exponent.saturating_sub(1);
    }
    with_decimal_suffix(&format_args!("{sign}{mag}"), exponent, format)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (input, AsInt64, String()) as apimachinery v0.36.3 computes them; each row names the
    /// quantity.go / amount.go lines it pins.
    #[test]
    fn parse_as_int64_and_canonical() {
        let cases: &[(&str, Option<i64>, &str, &str)] = &[
            ("0", Some(0), "0", "quantity.go:282 the literal 0"),
            ("1024", Some(1024), "1024", "quantity.go:339 canonical input kept"),
            ("5000", Some(5000), "5k", "quantity.go:339 trailing 000 re-canonicalised; amount.go:257"),
            ("1000G", Some(1_000_000_000_000), "1T", "amount.go:257-283 factors of ten move to the suffix"),
            ("100M", Some(100_000_000), "100M", "quantity.go:339 kept"),
            ("2048Ki", Some(2 << 20), "2Mi", "quantity.go:335 value&7==0 not kept; amount.go:286-293 base 1024"),
            ("1Ki", Some(1024), "1Ki", "quantity.go:335 kept"),
            ("32Ki", Some(32 << 10), "32Ki", "amount.go:286-293"),
            ("1536Ki", Some(1536 << 10), "1536Ki", "amount.go:286-293 one factor of 1024"),
            ("5Gi", Some(5 << 30), "5Gi", "quantity.go:308 fast path"),
            ("5000Mi", Some(5000 << 20), "5000Mi", "quantity.go:335 5000&7==0 -> 5000Mi again"),
            ("10Ti", Some(10 << 40), "10Ti", "quantity.go:310 precision 15-2-12-1=0, fast path"),
            ("100Ti", None, "100Ti", "quantity.go:310 precision -1: inf.Dec, AsInt64 false (quantity.go:517)"),
            ("1Pi", None, "1Pi", "quantity.go:310 Pi always inf.Dec"),
            ("9Ei", None, "9223372036854775807", "quantity.go:379 capped at 2^63-1, no suffix for 1024^0"),
            ("7Ei", None, "7Ei", "inf.Dec below the cap, base 1024 (amount.go:332-338)"),
            ("9E", Some(9_000_000_000_000_000_000), "9E", "amount.go:78 positiveScaleInt64 fits"),
            ("10E", None, "10E", "amount.go:78 positiveScaleInt64 overflows; string kept (quantity.go:339)"),
            ("1000E", None, "1", "amount.go:257 exponent 21 has no suffix (suffix.go:157)"),
            ("1234567890123456789", None, "1234567890123456789", "quantity.go:302 19 digits: inf.Dec"),
            ("10000000000000000000000", None, "10", "amount.go:312-330 exponent 21, no suffix"),
            ("-5", Some(-5), "-5", "quantity.go:339 kept"),
            ("-5000", Some(-5000), "-5k", "amount.go:257 negative"),
            ("100m", None, "100m", "amount.go:78 negative scale is not an int64"),
            ("1.5Ki", None, "1536", "quantity.go:312 fraction: inf.Dec; 1536 is not a multiple of 1024"),
            ("0.5Ki", None, "512", "CanonicalizeBytes: |q| < 1024 printed as DecimalSI (quantity.go:434-437)"),
            ("1e3", Some(1000), "1e3", "suffix.go:190 DecimalExponent, kept"),
            ("1E3", Some(1000), "1E3", "suffix.go:190 upper-case exponent, kept"),
            ("10e3", Some(10_000), "10e3", "DecimalExponent canonical 10e3"),
            ("1000e0", Some(1000), "1e3", "amount.go:257 DecimalExponent suffix e3"),
            ("0.0000000001", None, "1n", "quantity.go:374 rounded up to one nano"),
            (" 12Mi ", Some(12 << 20), "12Mi", "quantity.go:744 TrimSpace"),
            ("12Q", None, "12Q", "quantity.go:292 ErrSuffix: not a quantity"),
        ];
        for (input, int, canonical, source) in cases {
            let q = GoQuantity::parse(input);
            assert_eq!(q.as_int64(), *int, "AsInt64 of {input:?} ({source})");
            assert_eq!(q.canonical(), *canonical, "String() of {input:?} ({source})");
        }
    }
}
