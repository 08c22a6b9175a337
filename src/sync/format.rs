//! Envoy command-operator format strings: finding the operators that reach the management side.
//!
//! Envoy reads a format string left to right: `%%` is a literal `%`; any other `%` must start a
//! command `%NAME%`, `%NAME(ARG)%` or `%NAME(ARG):LEN%` (`NAME` of `A-Z`, `0-9` and `_`), or
//! Envoy refuses the whole configuration. This module follows that grammar
//! (`source/common/formatter/substitution_formatter.cc`: `SubstitutionFormatParser::parse` and
//! `commandWithArgsRegex`)
//! and sorts each command into what it reads.

use super::ManagementSideKind;

/// Operators that read only the request, the response, their timing and the client's own
/// connection: what a tenant may echo to its clients or put in its spans.
const HARMLESS: &[&str] = &[
    // Time.
    "START_TIME",
    "START_TIME_LOCAL",
    "EMIT_TIME",
    "EMIT_TIME_LOCAL",
    // Sizes, codes and durations of this request.
    "REQUEST_HEADERS_BYTES",
    "BYTES_RECEIVED",
    "BYTES_SENT",
    "PROTOCOL",
    "UPSTREAM_PROTOCOL",
    "RESPONSE_CODE",
    "RESPONSE_CODE_DETAILS",
    "RESPONSE_HEADERS_BYTES",
    "RESPONSE_TRAILERS_BYTES",
    "RESPONSE_FLAGS",
    "RESPONSE_FLAGS_LONG",
    "UPSTREAM_REQUEST_ATTEMPT_COUNT",
    "DURATION",
    "REQUEST_DURATION",
    "REQUEST_TX_DURATION",
    "RESPONSE_DURATION",
    "RESPONSE_TX_DURATION",
    // Headers and trailers of this request and its response.
    "REQ",
    "RESP",
    "TRAILER",
    "REQUEST_HEADER",
    "RESPONSE_HEADER",
    "RESPONSE_TRAILER",
    // The client's side of the connection.
    "DOWNSTREAM_REMOTE_ADDRESS",
    "DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT",
    "DOWNSTREAM_REMOTE_PORT",
    "DOWNSTREAM_DIRECT_REMOTE_ADDRESS",
    "DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT",
    "DOWNSTREAM_DIRECT_REMOTE_PORT",
    "REQUESTED_SERVER_NAME",
    "DOWNSTREAM_TLS_VERSION",
    "DOWNSTREAM_TLS_CIPHER",
    "DOWNSTREAM_TLS_SESSION_ID",
    "DOWNSTREAM_PEER_URI_SAN",
    "DOWNSTREAM_PEER_DNS_SAN",
    "DOWNSTREAM_PEER_IP_SAN",
    "DOWNSTREAM_PEER_SUBJECT",
    "DOWNSTREAM_PEER_ISSUER",
    "DOWNSTREAM_PEER_SERIAL",
    "DOWNSTREAM_PEER_FINGERPRINT_1",
    "DOWNSTREAM_PEER_FINGERPRINT_256",
    "DOWNSTREAM_PEER_CERT",
    "DOWNSTREAM_PEER_CERT_V_START",
    "DOWNSTREAM_PEER_CERT_V_END",
    // Names of the tenant's own route and request.
    "ROUTE_NAME",
    "UNIQUE_ID",
    "STREAM_ID",
];

/// Operators that read the management proxy itself: its host name and addresses, how it reaches
/// backends (KubeLB's allocated endpoints, Envoy Gateway's cluster names), counters shared by
/// every tenant's traffic, and metadata or state that the platform's own filters set.
const PROXY_DETAILS: &[&str] = &[
    "HOSTNAME",
    "DOWNSTREAM_LOCAL_ADDRESS",
    "DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT",
    "DOWNSTREAM_LOCAL_PORT",
    "DOWNSTREAM_LOCAL_URI_SAN",
    "DOWNSTREAM_LOCAL_DNS_SAN",
    "DOWNSTREAM_LOCAL_IP_SAN",
    "DOWNSTREAM_LOCAL_SUBJECT",
    "UPSTREAM_HOST",
    "UPSTREAM_HOST_NAME",
    "UPSTREAM_HOST_NAME_WITHOUT_PORT",
    "UPSTREAM_HOSTS_ATTEMPTED",
    "UPSTREAM_HOSTS_ATTEMPTED_WITHOUT_PORT",
    "UPSTREAM_HOST_NAMES_ATTEMPTED",
    "UPSTREAM_HOST_NAMES_ATTEMPTED_WITHOUT_PORT",
    "UPSTREAM_CLUSTER",
    "UPSTREAM_CLUSTER_RAW",
    "UPSTREAM_LOCAL_ADDRESS",
    "UPSTREAM_LOCAL_ADDRESS_WITHOUT_PORT",
    "UPSTREAM_LOCAL_PORT",
    "UPSTREAM_REMOTE_ADDRESS",
    "UPSTREAM_REMOTE_ADDRESS_WITHOUT_PORT",
    "UPSTREAM_REMOTE_PORT",
    "UPSTREAM_TRANSPORT_FAILURE_REASON",
    "CONNECTION_ID",
    "UPSTREAM_CONNECTION_ID",
    "DYNAMIC_METADATA",
    "CLUSTER_METADATA",
    "UPSTREAM_METADATA",
    "METADATA",
    "FILTER_STATE",
    "UPSTREAM_FILTER_STATE",
    "CEL",
];

/// A command operator of a format string that reaches the management side, or the place where
/// the string stops being one Envoy accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operator<'a> {
    /// The operator as written (`%ENVIRONMENT(HOME)%`), or for
    /// [`MalformedFormatString`](ManagementSideKind::MalformedFormatString) the text from the
    /// offending `%` on.
    pub text: &'a str,
    /// What it reaches.
    pub kind: ManagementSideKind,
}

/// The operators of the Envoy format string `text` that read the management side, in order;
/// harmless operators (`%RESPONSE_CODE%`, `%REQ(x-user)%`) are skipped. A string Envoy would
/// refuse ends the iteration with one
/// [`MalformedFormatString`](ManagementSideKind::MalformedFormatString) item.
///
/// For the ConfigMap of a `responseOverride` body (a [`Dependency`](super::Dependency)), whose
/// text the sync does not see: Envoy Gateway uses its `response.body` key, or else any one key
/// of `data` or `binaryData`, so a controller checks every value before syncing it.
///
/// ```
/// use backend_traffic_policy::sync::{ManagementSideKind, dangerous_operators};
/// let found: Vec<_> = dangerous_operators("%RESPONSE_CODE% from %ENVIRONMENT(HOSTNAME)%").collect();
/// assert_eq!(found.len(), 1);
/// assert_eq!(found[0].text, "%ENVIRONMENT(HOSTNAME)%");
/// assert_eq!(found[0].kind, ManagementSideKind::EnvironmentVariable);
/// assert_eq!(dangerous_operators("50%% off").count(), 0);
/// assert_eq!(dangerous_operators("50% off").next().unwrap().kind, ManagementSideKind::MalformedFormatString);
/// ```
#[must_use]
pub fn dangerous_operators(text: &str) -> DangerousOperators<'_> {
    DangerousOperators { text, at: 0 }
}

/// The iterator of [`dangerous_operators`].
#[derive(Clone, Debug)]
pub struct DangerousOperators<'a> {
    text: &'a str,
    /// Byte offset of the next character to read; past the end once a malformed part was found.
    at: usize,
}

impl<'a> Iterator for DangerousOperators<'a> {
    type Item = Operator<'a>;

    fn next(&mut self) -> Option<Operator<'a>> {
        let bytes = self.text.as_bytes();
        while let Some(rest) = bytes.get(self.at..) {
            let Some(percent) = rest.iter().position(|&b| b == b'%') else {
                self.at = bytes.len();
                return None;
            };
            let start = self.at.saturating_add(percent);
            let tail = bytes.get(start..).unwrap_or_default();
            if tail.get(1) == Some(&b'%') {
                self.at = start.saturating_add(2);
                continue;
            }
            let Some((len, name)) = command(tail) else {
                self.at = usize::MAX;
                let text = self.text.get(start..).unwrap_or_default();
                return Some(Operator { text, kind: ManagementSideKind::MalformedFormatString });
            };
            let end = start.saturating_add(len);
            self.at = end;
            if let Some(kind) = classify(name) {
                return Some(Operator { text: self.text.get(start..end).unwrap_or_default(), kind });
            }
        }
        None
    }
}

/// What the operator `name` reaches; `None` for a harmless one.
fn classify(name: &str) -> Option<ManagementSideKind> {
    if name == "ENVIRONMENT" {
        Some(ManagementSideKind::EnvironmentVariable)
    } else if HARMLESS.contains(&name) {
        None
    } else if PROXY_DETAILS.contains(&name) {
        Some(ManagementSideKind::ProxyDetails)
    } else {
        Some(ManagementSideKind::UnknownOperator)
    }
}

/// Reads one command at the start of `tail` (which starts with `%`), as Envoy's
/// `^%((?:[A-Z]|[0-9]|_)+)(?:\((.*?)\))?(?::([0-9]+))?%` does: its length in bytes and its
/// name. The argument ends at the first `)` that the optional `:LEN` and the closing `%`
/// follow; it cannot span a line break (RE2's `.`).
fn command(tail: &[u8]) -> Option<(usize, &str)> {
    let is_name = |b: &u8| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_';
    let name_len = tail.iter().skip(1).take_while(|b| is_name(b)).count();
    if name_len == 0 {
        return None;
    }
    let name = std::str::from_utf8(tail.get(1..name_len.checked_add(1)?)?).ok()?;
    let after_name = name_len.checked_add(1)?;
    if tail.get(after_name) == Some(&b'(') {
        let argument = tail.get(after_name.checked_add(1)?..)?;
        for (offset, &byte) in argument.iter().enumerate() {
            match byte {
                b'\n' => return None,
                b')' => {
                    let close = after_name.checked_add(1)?.checked_add(offset)?;
                    if let Some(end) = length_and_close(tail, close.checked_add(1)?) {
                        return Some((end, name));
                    }
                }
                _ => {}
            }
        }
        return None;
    }
    Some((length_and_close(tail, after_name)?, name))
}

/// Reads the optional `:LEN` and the closing `%` of a command from `at`; the end of the command.
fn length_and_close(tail: &[u8], mut at: usize) -> Option<usize> {
    if tail.get(at) == Some(&b':') {
        let digits = tail.get(at.checked_add(1)?..)?.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        at = at.checked_add(1)?.checked_add(digits)?;
    }
    (tail.get(at) == Some(&b'%')).then(|| at.checked_add(1)).flatten()
}
