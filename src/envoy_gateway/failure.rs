//! The typed failures of Envoy Gateway's translator checks and the condition message they make.

use std::fmt;

/// A traffic feature as Envoy Gateway's translator builds it; its name prefixes the feature's
/// errors in the condition message (`RateLimit: ...`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Feature {
    /// `rateLimit`.
    RateLimit,
    /// `bandwidthLimit`.
    BandwidthLimit,
    /// `loadBalancer`.
    LoadBalancer,
    /// `circuitBreaker`.
    CircuitBreaker,
    /// `tcpKeepalive`.
    TcpKeepalive,
    /// `retry`.
    Retry,
    /// `timeout`.
    Timeout,
    /// `connection`.
    BackendConnection,
    /// `http2`.
    Http2,
    /// `responseOverride`.
    ResponseOverride,
    /// `requestBuffer`.
    RequestBuffer,
    /// `telemetry`.
    Telemetry,
}

impl Feature {
    /// The spec field the feature reads (`spec.rateLimit`).
    pub fn path(self) -> &'static str {
        match self {
            Feature::RateLimit => "spec.rateLimit",
            Feature::BandwidthLimit => "spec.bandwidthLimit",
            Feature::LoadBalancer => "spec.loadBalancer",
            Feature::CircuitBreaker => "spec.circuitBreaker",
            Feature::TcpKeepalive => "spec.tcpKeepalive",
            Feature::Retry => "spec.retry",
            Feature::Timeout => "spec.timeout",
            Feature::BackendConnection => "spec.connection",
            Feature::Http2 => "spec.http2",
            Feature::ResponseOverride => "spec.responseOverride",
            Feature::RequestBuffer => "spec.requestBuffer",
            Feature::Telemetry => "spec.telemetry",
        }
    }

    /// The prefix Envoy Gateway writes before the feature's errors (without `": "`).
    pub fn prefix(self) -> &'static str {
        match self {
            Feature::RateLimit => "RateLimit",
            Feature::BandwidthLimit => "BandwidthLimit",
            Feature::LoadBalancer => "LoadBalancer",
            Feature::CircuitBreaker => "CircuitBreaker",
            Feature::TcpKeepalive => "TCPKeepalive",
            Feature::Retry => "Retry",
            Feature::Timeout => "Timeout",
            Feature::BackendConnection => "BackendConnection",
            Feature::Http2 => "HTTP2",
            Feature::ResponseOverride => "ResponseOverride",
            Feature::RequestBuffer => "RequestBuffer",
            Feature::Telemetry => "Telemetry",
        }
    }
}

impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.prefix())
    }
}

/// The translator checks, numbered as in the reference (`eg-translator-checks.md`): T01-T35
/// are decided by the policy alone, T36 by the Envoy Gateway configuration, T49 by a merge with
/// a parent policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
#[allow(missing_docs)] // Each variant is the check of the same number; `Check::describe` says what it checks.
pub enum Check {
    T01,
    T02,
    T03,
    T04,
    T05,
    T06,
    T07,
    T08,
    T09,
    T10,
    T11,
    T12,
    T13,
    T14,
    T15,
    T16,
    T17,
    T18,
    T19,
    T20,
    T21,
    T22,
    T23,
    T24,
    T25,
    T26,
    T27,
    T28,
    T29,
    T30,
    T31,
    T32,
    T33,
    T34,
    T35,
    T36,
    T49,
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// One failing translator check: the feature it belongs to, which check, and the error text
/// Envoy Gateway's builder returned (without the feature prefix, capitalisation or period).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The feature whose builder failed.
    pub feature: Feature,
    /// The check that failed.
    pub check: Check,
    /// The builder's error text, as Go formats it.
    pub text: String,
    /// The field at fault, when narrower than the feature's.
    field: Option<String>,
}

impl Failure {
    /// A failure of `check` in `feature` with the builder's error `text`.
    pub fn new(feature: Feature, check: Check, text: impl Into<String>) -> Self {
        Failure { feature, check, text: text.into(), field: None }
    }

    /// The same failure, naming the field at fault (`spec.connection.bufferLimit`).
    #[must_use]
    pub fn at(mut self, path: impl Into<String>) -> Self {
        self.field = Some(path.into());
        self
    }

    /// The path of the field at fault from the object root (`spec.connection.bufferLimit`), or
    /// the feature's field when the check named none.
    pub fn path(&self) -> &str {
        self.field.as_deref().unwrap_or(self.feature.path())
    }
}

/// Why Envoy Gateway would not accept a policy: the failures in Envoy Gateway's order. Its
/// `Display` is exactly the message of the `Accepted=False` condition Envoy Gateway writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotAccepted {
    failures: Vec<Failure>,
}

impl NotAccepted {
    /// Wraps failures already in Envoy Gateway's order; `None` when there are none.
    pub(crate) fn from_failures(failures: Vec<Failure>) -> Option<Self> {
        if failures.is_empty() { None } else { Some(NotAccepted { failures }) }
    }

    /// The failures, in the order Envoy Gateway runs its checks.
    pub fn failures(&self) -> &[Failure] {
        &self.failures
    }
}

/// Longest condition message Envoy Gateway writes (`conditionMessageMaxLength`,
/// internal/gatewayapi/status/conditions.go:25).
pub const CONDITION_MESSAGE_MAX_LEN: usize = 32768;
/// What replaces the end of a longer message (conditions.go:26).
const TRUNCATION_SUFFIX: &str = " (message truncated).";

impl NotAccepted {
    /// The message before truncation: one line per failing feature (`<Feature>: <error>`; a
    /// feature that collects several errors joins them with newlines under one prefix), the
    /// first letter upper-cased and a final period unless the text already ends with one
    /// (`status.Error2ConditionMsg`, conditions.go:75-101).
    fn write_full(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        let mut previous: Option<Feature> = None;
        let mut last = "";
        for failure in &self.failures {
            // T49's requestBuffer/httpUpgrade error is a second, separate RequestBuffer entry.
            let same_line = previous == Some(failure.feature) && failure.check != Check::T49;
            if same_line {
                f.write_str("\n")?;
            } else {
                if previous.is_some() {
                    f.write_str("\n")?;
                }
                write!(f, "{}: ", failure.feature.prefix())?;
            }
            f.write_str(&failure.text)?;
            previous = Some(failure.feature);
            last = &failure.text;
        }
        if !last.ends_with('.') {
            f.write_str(".")?;
        }
        Ok(())
    }
}

/// Counts the bytes written to it.
struct Count(usize);

impl fmt::Write for Count {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 = self.0.saturating_add(s.len());
        Ok(())
    }
}

impl fmt::Display for NotAccepted {
    /// Exactly the `Accepted=False` condition message, cut as Envoy Gateway cuts it
    /// (`truncateConditionMessage`, conditions.go:103-109): past 32768 bytes the first
    /// 32747 bytes are kept and ` (message truncated).` appended. Go cuts bytes; a UTF-8
    /// character split by the cut reaches the API server as one U+FFFD per leftover byte
    /// (Go's JSON encoder replaces invalid bytes), and is written so here.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut count = Count(0);
        self.write_full(&mut count)?;
        if count.0 <= CONDITION_MESSAGE_MAX_LEN {
            return self.write_full(f);
        }
        let mut full = String::new();
        self.write_full(&mut full)?;
        let cut = CONDITION_MESSAGE_MAX_LEN.saturating_sub(TRUNCATION_SUFFIX.len());
        let mut boundary = cut;
        while !full.is_char_boundary(boundary) {
            boundary = boundary.saturating_sub(1);
        }
        f.write_str(full.get(..boundary).unwrap_or(""))?;
        for _ in boundary..cut {
            f.write_str("\u{fffd}")?;
        }
        f.write_str(TRUNCATION_SUFFIX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// conditions.go:103-109 keeps the first 32747 bytes; a character the cut splits leaves
    /// bytes Go's JSON encoder writes as U+FFFD each (encoding/json `encodeState.string`).
    #[test]
    fn truncation_cuts_bytes_like_go() {
        let short = NotAccepted::from_failures(vec![Failure::new(Feature::Telemetry, Check::T35, "x")]).unwrap();
        assert_eq!(short.to_string(), "Telemetry: x.");
        // "Telemetry: x" is 12 bytes, then two-byte characters: byte 32747 falls inside one.
        let text = format!("x{}", "é".repeat(20_000));
        let long = NotAccepted::from_failures(vec![Failure::new(Feature::Telemetry, Check::T35, text)]).unwrap();
        let message = long.to_string();
        let kept = "Telemetry: x".len() + 2 * ((32_747 - "Telemetry: x".len()) / 2);
        assert_eq!(kept, 32_746);
        assert!(message.ends_with("é\u{fffd} (message truncated)."), "{}", &message[message.len() - 40..]);
        assert_eq!(message.len(), kept + "\u{fffd}".len() + " (message truncated).".len());
        // A message of exactly 32768 bytes is kept whole.
        let exact = "y".repeat(32_768 - "Telemetry: ".len() - 1);
        let whole = NotAccepted::from_failures(vec![Failure::new(Feature::Telemetry, Check::T35, exact)]).unwrap();
        assert_eq!(whole.to_string().len(), 32_768);
        assert!(whole.to_string().ends_with("y."));
    }
}
