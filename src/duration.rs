//! The Gateway API duration string (GEP-2257), as used by every duration field of the policy.
//!
//! The wire form is one to four groups of one to five digits, each followed by `h`, `m`, `s` or
//! `ms` (`1h30m`, `500ms`, `0s`). There is no sign, no fraction and no space. [`Duration`] keeps
//! the text exactly as written, so `90m` stays `90m` on a round trip, and converts to and from
//! [`std::time::Duration`]. Formatting a [`std::time::Duration`] always produces text the pattern
//! accepts (`1h30m`, never `1h 30m`).

use std::{borrow::Cow, fmt, str::FromStr};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The pattern the upstream CRD puts on every duration field.
pub const DURATION_PATTERN: &str = "^([0-9]{1,5}(h|m|s|ms)){1,4}$";

/// Why a text is not a Gateway API duration, or a [`std::time::Duration`] has no such form.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DurationError {
    /// The text does not match `^([0-9]{1,5}(h|m|s|ms)){1,4}$`.
    #[error("{0:?} is not a Gateway API duration (one to four groups of 1-5 digits with h, m, s or ms, such as 1h30m)")]
    Syntax(String),
    /// The duration has a part smaller than a millisecond, which the format cannot express.
    #[error("{0:?} has a part smaller than a millisecond, which a Gateway API duration cannot express")]
    SubMillisecond(std::time::Duration),
    /// The duration needs more than 99999 hours, the largest group the format allows.
    #[error("{0:?} is longer than 99999 hours, the longest Gateway API duration that can be written")]
    TooLong(std::time::Duration),
}

/// A Gateway API duration such as `10s` or `1h30m`, kept as written.
///
/// Deserialization accepts any string, so that an object is never lost because one field is
/// malformed; [`Duration::to_std`] and validation report text that does not match
/// [`DURATION_PATTERN`]. [`Duration::new`], [`FromStr`] and `TryFrom<std::time::Duration>`
/// only build valid values.
///
/// ```
/// use backend_traffic_policy::Duration;
/// let d: Duration = "1h30m".parse()?;
/// assert_eq!(d.to_std()?, std::time::Duration::from_secs(5400));
/// let back = Duration::try_from(std::time::Duration::from_millis(5_400_250))?;
/// assert_eq!(back.as_str(), "1h30m250ms");
/// # Ok::<(), backend_traffic_policy::DurationError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Duration(String);

impl Duration {
    /// Checks `text` against the Gateway API duration format.
    ///
    /// # Errors
    /// [`DurationError::Syntax`] when the text does not match [`DURATION_PATTERN`].
    pub fn new(text: impl Into<String>) -> Result<Self, DurationError> {
        let text = text.into();
        parse(&text)?;
        Ok(Self(text))
    }

    /// The text as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `true` when the text matches the Gateway API duration format.
    #[must_use]
    pub fn is_valid(&self) -> bool {
        parse(&self.0).is_ok()
    }

    /// The length of time, with Go `time.ParseDuration` semantics (groups add up, in any order).
    ///
    /// # Errors
    /// [`DurationError::Syntax`] when the text does not match [`DURATION_PATTERN`].
    pub fn to_std(&self) -> Result<std::time::Duration, DurationError> {
        parse(&self.0)
    }

    /// The value CEL's `duration()` gives this text in the API server: Go's
    /// `time.ParseDuration`, which also reads forms the pattern rejects (`5.4s`, `-1s`, `1us`).
    /// `None` when Go cannot read it either. Rules compare durations through this, so that they
    /// judge a malformed value as the API server's CEL rules do.
    #[must_use]
    pub fn cel_nanos(&self) -> Option<i128> {
        parse_go(&self.0)
    }

    /// Builds a value from text that is not checked; validation reports it if it is malformed.
    #[must_use]
    pub fn from_raw(text: impl Into<String>) -> Self {
        Self(text.into())
    }
}

/// Parses the GEP-2257 form into a [`std::time::Duration`] without allocating on success.
pub(crate) fn parse(text: &str) -> Result<std::time::Duration, DurationError> {
    let bytes = text.as_bytes();
    let mut pos = 0usize;
    let mut groups = 0u8;
    let mut total_ms: u64 = 0;
    let syntax = || DurationError::Syntax(text.to_owned());
    while pos < bytes.len() {
        let start = pos;
        let mut value: u64 = 0;
        while let Some(digit) = bytes.get(pos).filter(|b| b.is_ascii_digit()) {
            // At most 5 digits (checked below), so nothing saturates.
            value = value.saturating_mul(10).saturating_add(u64::from(digit.saturating_sub(b'0')));
            pos = pos.saturating_add(1);
            if pos.saturating_sub(start) > 5 {
                return Err(syntax());
            }
        }
        if pos == start {
            return Err(syntax());
        }
        let factor = match (bytes.get(pos), bytes.get(pos.saturating_add(1))) {
            (Some(b'm'), Some(b's')) => {
                pos = pos.saturating_add(2);
                1
            }
            (Some(b'h'), _) => {
                pos = pos.saturating_add(1);
                3_600_000
            }
            (Some(b'm'), _) => {
                pos = pos.saturating_add(1);
                60_000
            }
            (Some(b's'), _) => {
                pos = pos.saturating_add(1);
                1_000
            }
            _ => return Err(syntax()),
        };
        groups = groups.saturating_add(1);
        if groups > 4 {
            return Err(syntax());
        }
        // At most 4 groups of 99999h: far below u64::MAX milliseconds.
        total_ms = total_ms.saturating_add(value.saturating_mul(factor));
    }
    if groups == 0 {
        return Err(syntax());
    }
    Ok(std::time::Duration::from_millis(total_ms))
}

/// Go's `time.ParseDuration`, in nanoseconds, with its range (about ±292 years).
pub(crate) fn parse_go(text: &str) -> Option<i128> {
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let whole_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (whole, after) = rest.split_at(whole_len);
        let (frac, after) = match after.strip_prefix('.') {
            Some(f) => {
                let n = f.bytes().take_while(u8::is_ascii_digit).count();
                f.split_at(n)
            }
            None => ("", after),
        };
        if whole.is_empty() && frac.is_empty() {
            return None;
        }
        let unit_len = after.find(|c: char| c == '.' || c.is_ascii_digit()).unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let scale: i128 = match unit {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        // Digits beyond what an i128 holds cannot be a valid Go duration anyway.
        let whole: i128 = if whole.is_empty() { 0 } else { whole.get(..whole.len().min(30))?.parse().ok()? };
        let mut value = whole.checked_mul(scale)?;
        let mut divisor: i128 = 1;
        let mut fraction: i128 = 0;
        for digit in frac.bytes().take(30) {
            fraction = fraction.checked_mul(10)?.checked_add(i128::from(digit.checked_sub(b'0')?))?;
            divisor = divisor.checked_mul(10)?;
        }
        value = value.checked_add(fraction.checked_mul(scale)?.checked_div(divisor)?)?;
        total = total.checked_add(value)?;
        rest = after;
    }
    // Go rejects durations beyond int64 nanoseconds.
    let limit = i128::from(i64::MAX);
    if total > limit.saturating_add(i128::from(negative)) {
        return None;
    }
    if negative { total.checked_neg() } else { Some(total) }
}

impl TryFrom<std::time::Duration> for Duration {
    type Error = DurationError;

    /// Writes the shortest canonical form: `0s`, `1h30m`, `2s500ms`.
    fn try_from(d: std::time::Duration) -> Result<Self, Self::Error> {
        if !d.subsec_nanos().is_multiple_of(1_000_000) {
            return Err(DurationError::SubMillisecond(d));
        }
        let total_ms = d.as_millis();
        let hours = total_ms / 3_600_000;
        if hours > 99_999 {
            return Err(DurationError::TooLong(d));
        }
        let minutes = (total_ms / 60_000) % 60;
        let seconds = (total_ms / 1000) % 60;
        let millis = total_ms % 1000;
        let mut out = String::new();
        for (value, unit) in [(hours, "h"), (minutes, "m"), (seconds, "s"), (millis, "ms")] {
            if value > 0 {
                out.push_str(&value.to_string());
                out.push_str(unit);
            }
        }
        if out.is_empty() {
            out.push_str("0s");
        }
        Ok(Self(out))
    }
}

impl TryFrom<&Duration> for std::time::Duration {
    type Error = DurationError;
    fn try_from(d: &Duration) -> Result<Self, Self::Error> {
        d.to_std()
    }
}

impl FromStr for Duration {
    type Err = DurationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self)
    }
}

impl schemars::JsonSchema for Duration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "pattern": DURATION_PATTERN })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats() {
        // (input, milliseconds or None when the pattern rejects it); rows from GEP-2257's grammar.
        let cases: &[(&str, Option<u64>)] = &[
            ("0s", Some(0)),
            ("1h30m", Some(5_400_000)),
            ("90m", Some(5_400_000)),
            ("500ms", Some(500)),
            ("1s1h", Some(3_601_000)),
            ("99999h", Some(99_999 * 3_600_000)),
            ("1h1m1s1ms", Some(3_661_001)),
            ("1h1m1s1ms1h", None),
            ("100000s", None),
            ("5.4s", None),
            ("1h 30m", None),
            ("", None),
            ("s", None),
            ("10", None),
            ("-1s", None),
            ("1us", None),
            ("22mib", None),
        ];
        for (text, expected) in cases {
            let got = parse(text).ok().map(|d| u64::try_from(d.as_millis()).unwrap());
            assert_eq!(got, *expected, "parse({text:?})");
        }
        // (input, nanoseconds per Go's time.ParseDuration or None); cases from Go's own tests.
        let go: &[(&str, Option<i128>)] = &[
            ("0", Some(0)),
            ("5.4s", Some(5_400_000_000)),
            ("-1s", Some(-1_000_000_000)),
            ("+1h", Some(3_600_000_000_000)),
            ("1h30m", Some(5_400_000_000_000)),
            ("1.5h", Some(5_400_000_000_000)),
            (".5s", Some(500_000_000)),
            ("1us", Some(1000)),
            ("1\u{b5}s", Some(1000)),
            ("22mib", None),
            ("1", None),
            ("", None),
            ("-", None),
            (".s", None),
            ("3000000h", None),
        ];
        for (text, expected) in go {
            assert_eq!(parse_go(text), *expected, "parse_go({text:?})");
        }
        let d = Duration::try_from(std::time::Duration::from_secs(5400)).unwrap();
        assert_eq!(d.as_str(), "1h30m");
        assert_eq!(Duration::try_from(std::time::Duration::ZERO).unwrap().as_str(), "0s");
        assert!(Duration::try_from(std::time::Duration::from_micros(1500)).is_err());
    }
}
