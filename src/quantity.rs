//! Kubernetes quantities (`resource.Quantity`) as the policy uses them: sizes such as `32Ki`.
//!
//! On the wire a quantity is either a JSON integer (`1024`) or a string (`"1Ki"`). The API server
//! stores what it was sent, so [`Quantity`] keeps the form it was given and serializes it back the
//! same way. [`Quantity::bytes`] reads the value whatever the form.

use std::{borrow::Cow, fmt};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod big;
mod canonical;

pub(crate) use canonical::GoQuantity;

/// The general Kubernetes quantity syntax the CRD requires of the string form.
pub const QUANTITY_PATTERN: &str = r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";

/// The stricter form Envoy Gateway adds on its size fields: a positive integer and an optional
/// binary or decimal suffix.
pub const POSITIVE_QUANTITY_PATTERN: &str = "^[1-9]+[0-9]*([EPTGMK]i|[EPTGMk])?$";

/// Why a quantity has no byte value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QuantityError {
    /// The string is not a Kubernetes quantity.
    #[error("{0:?} is not a Kubernetes quantity")]
    Syntax(String),
    /// The quantity is negative.
    #[error("{0} is negative")]
    Negative(String),
    /// The value does not fit in 64 bits.
    #[error("{0} does not fit in 64 bits")]
    Overflow(String),
}

/// A size, as an integer or as a Kubernetes quantity string, kept in the form it was given.
///
/// ```
/// use backend_traffic_policy::Quantity;
/// assert_eq!(Quantity::from("32Ki").bytes()?, 32 * 1024);
/// assert_eq!(Quantity::from(1_000_000).bytes()?, 1_000_000);
/// assert_eq!(Quantity::from("1M").bytes()?, 1_000_000);
/// # Ok::<(), backend_traffic_policy::QuantityError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Quantity {
    /// The JSON integer form.
    Int(i64),
    /// The string form, as written (`"32Ki"`).
    Str(String),
}

impl Quantity {
    /// The value in bytes (or units), rounded up to a whole number as Kubernetes does.
    ///
    /// # Errors
    /// When the string is not a quantity, the value is negative, or it exceeds `u64`.
    pub fn bytes(&self) -> Result<u64, QuantityError> {
        match self {
            Self::Int(v) => u64::try_from(*v).map_err(|_| QuantityError::Negative(v.to_string())),
            Self::Str(s) => parse_bytes(s),
        }
    }

    /// The value as apimachinery's `Quantity.AsInt64()` gives it: `None` when Kubernetes holds
    /// the quantity as an arbitrary-precision decimal, which happens past `i64` but also for
    /// binary values such as `1Pi` or `100Ti` that would fit, and for fractions.
    ///
    /// ```
    /// use backend_traffic_policy::Quantity;
    /// assert_eq!(Quantity::from("9E").as_int64(), Some(9_000_000_000_000_000_000));
    /// assert_eq!(Quantity::from("1Pi").as_int64(), None);
    /// assert_eq!(Quantity::from(-5).as_int64(), Some(-5));
    /// ```
    #[must_use]
    pub fn as_int64(&self) -> Option<i64> {
        self.with_go(|q| q.as_int64())
    }

    /// Kubernetes' canonical string of the quantity (`Quantity.String()`), the form Envoy
    /// Gateway prints in its messages: `1000G` is `1T`, `2048Ki` is `2Mi`, `5000` is `5k`.
    ///
    /// ```
    /// use backend_traffic_policy::Quantity;
    /// assert_eq!(Quantity::from("1000G").canonical(), "1T");
    /// assert_eq!(Quantity::from("2048Ki").canonical(), "2Mi");
    /// assert_eq!(Quantity::from(5000).canonical(), "5k");
    /// ```
    #[must_use]
    pub fn canonical(&self) -> String {
        self.with_go(|q| q.canonical())
    }

    /// Runs `f` on the quantity as apimachinery reads it; a JSON integer is read from its decimal
    /// text, as `Quantity.UnmarshalJSON` does, without allocating.
    pub(crate) fn with_go<R>(&self, f: impl FnOnce(&GoQuantity<'_>) -> R) -> R {
        match self {
            Self::Str(s) => f(&GoQuantity::parse(s)),
            Self::Int(v) => {
                let mut buf = [0u8; 20];
                let text = decimal(*v, &mut buf);
                f(&GoQuantity::parse(text))
            }
        }
    }

    /// `true` when the string form matches both patterns of the CRD (integers always pass).
    #[must_use]
    pub fn is_valid(&self) -> bool {
        match self {
            Self::Int(_) => true,
            Self::Str(s) => is_positive_quantity(s) && parse_bytes(s).is_ok(),
        }
    }
}

/// The decimal text of `v` in `buf` (20 bytes hold every `i64`).
fn decimal(v: i64, buf: &mut [u8; 20]) -> &str {
    let mut n = v.unsigned_abs();
    let mut start = buf.len();
    loop {
        start = start.saturating_sub(1);
        if let Some(slot) = buf.get_mut(start) {
            *slot = b'0'.saturating_add(u8::try_from(n % 10).unwrap_or(0));
        }
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        start = start.saturating_sub(1);
        if let Some(slot) = buf.get_mut(start) {
            *slot = b'-';
        }
    }
    buf.get(start..).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or("0")
}

/// Checks [`POSITIVE_QUANTITY_PATTERN`] without a regex engine.
pub(crate) fn is_positive_quantity(s: &str) -> bool {
    let digits_end = s.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(s.len());
    let (digits, suffix) = s.split_at(digits_end);
    // `^[1-9]+[0-9]*` only requires a non-zero first digit.
    if !digits.as_bytes().first().is_some_and(|b| (b'1'..=b'9').contains(b)) {
        return false;
    }
    matches!(suffix, "" | "Ei" | "Pi" | "Ti" | "Gi" | "Mi" | "Ki" | "E" | "P" | "T" | "G" | "M" | "k")
}

fn parse_bytes(s: &str) -> Result<u64, QuantityError> {
    let syntax = || QuantityError::Syntax(s.to_owned());
    let overflow = || QuantityError::Overflow(s.to_owned());
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let num_end = rest.bytes().position(|b| !(b.is_ascii_digit() || b == b'.')).unwrap_or(rest.len());
    let (number, suffix) = rest.split_at(num_end);
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    if (whole.is_empty() && frac.is_empty()) || frac.contains('.') {
        return Err(syntax());
    }
    // mantissa = whole.frac as an integer scaled by 10^-frac.len()
    let mut mantissa: u128 = 0;
    for b in whole.bytes().chain(frac.bytes()) {
        let digit = b.checked_sub(b'0').ok_or_else(syntax)?;
        mantissa = mantissa.checked_mul(10).and_then(|m| m.checked_add(u128::from(digit))).ok_or_else(overflow)?;
    }
    let mut exp10: i64 = i64::try_from(frac.len()).map_err(|_| overflow())?.saturating_neg();
    let mut mult: u128 = 1;
    match suffix {
        "" => {}
        "Ki" => mult = 1 << 10,
        "Mi" => mult = 1 << 20,
        "Gi" => mult = 1 << 30,
        "Ti" => mult = 1 << 40,
        "Pi" => mult = 1 << 50,
        "Ei" => mult = 1 << 60,
        "n" => exp10 = exp10.saturating_sub(9),
        "u" => exp10 = exp10.saturating_sub(6),
        "m" => exp10 = exp10.saturating_sub(3),
        "k" => exp10 = exp10.saturating_add(3),
        "M" => exp10 = exp10.saturating_add(6),
        "G" => exp10 = exp10.saturating_add(9),
        "T" => exp10 = exp10.saturating_add(12),
        "P" => exp10 = exp10.saturating_add(15),
        "E" => exp10 = exp10.saturating_add(18),
        other => {
            let exp = other.strip_prefix(['e', 'E']).ok_or_else(syntax)?;
            let e: i64 = exp.parse().map_err(|_| syntax())?;
            exp10 = exp10.checked_add(e).ok_or_else(overflow)?;
        }
    }
    if negative && mantissa != 0 {
        return Err(QuantityError::Negative(s.to_owned()));
    }
    let mut value = mantissa.checked_mul(mult).ok_or_else(overflow)?;
    if exp10 >= 0 {
        for _ in 0..exp10.min(40) {
            value = value.checked_mul(10).ok_or_else(overflow)?;
        }
        if exp10 > 40 && value != 0 {
            return Err(overflow());
        }
    } else {
        let mut divisor: u128 = 1;
        for _ in 0..exp10.saturating_neg().min(40) {
            divisor = divisor.saturating_mul(10);
        }
        value = value.div_ceil(divisor);
    }
    u64::try_from(value).map_err(|_| overflow())
}

impl From<i64> for Quantity {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}

impl From<&str> for Quantity {
    fn from(v: &str) -> Self {
        Self::Str(v.to_owned())
    }
}

impl From<String> for Quantity {
    fn from(v: String) -> Self {
        Self::Str(v)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(v) => write!(f, "{v}"),
            Self::Str(s) => f.write_str(s),
        }
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Int(v) => s.serialize_i64(*v),
            Self::Str(v) => s.serialize_str(v),
        }
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a quantity string such as \"32Ki\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Quantity, E> {
                Ok(Quantity::Int(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Quantity, E> {
                i64::try_from(v)
                    .map(Quantity::Int)
                    .map_err(|_| E::custom(format_args!("integer {v} is larger than a quantity can hold")))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Quantity, E> {
                Ok(Quantity::Str(v.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

impl schemars::JsonSchema for Quantity {
    fn schema_name() -> Cow<'static, str> {
        "Quantity".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [{ "type": "integer" }, { "type": "string" }],
            "x-kubernetes-int-or-string": true,
            "allOf": [{ "pattern": QUANTITY_PATTERN }, { "pattern": POSITIVE_QUANTITY_PATTERN }],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_values() {
        // (quantity, bytes or None); suffix table of k8s.io/apimachinery resource.Quantity.
        let cases: &[(Quantity, Option<u64>)] = &[
            (Quantity::from(1024), Some(1024)),
            (Quantity::from(-1), None),
            ("32Ki".into(), Some(32 * 1024)),
            ("1Mi".into(), Some(1 << 20)),
            ("1M".into(), Some(1_000_000)),
            ("1k".into(), Some(1000)),
            ("1.5Ki".into(), Some(1536)),
            ("100m".into(), Some(1)),
            ("1e3".into(), Some(1000)),
            ("16Ei".into(), None),
            ("abc".into(), None),
            ("".into(), None),
        ];
        for (q, expected) in cases {
            assert_eq!(q.bytes().ok(), *expected, "{q:?}");
        }
        // JSON integers are read from their decimal text (quantity.go:744); 19 digits take the
        // inf.Dec path (quantity.go:302), so AsInt64 fails although the value fits.
        let ints: &[(i64, Option<i64>, &str)] = &[
            (0, Some(0), "0"),
            (5000, Some(5000), "5k"),
            (-5000, Some(-5000), "-5k"),
            (65535, Some(65535), "65535"),
            (1_000_000_000_000_000_000, None, "1E"),
            (i64::MAX, None, "9223372036854775807"),
            (i64::MIN, None, "-9223372036854775808"),
        ];
        for (v, int, canonical) in ints {
            let q = Quantity::from(*v);
            assert_eq!(q.as_int64(), *int, "AsInt64 of {v}");
            assert_eq!(q.canonical(), *canonical, "String() of {v}");
        }
        assert!(is_positive_quantity("10Mi"));
        assert!(!is_positive_quantity("0"));
        assert!(!is_positive_quantity("100m"));
        assert!(!is_positive_quantity("1.5Ki"));
    }
}
