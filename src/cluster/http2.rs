//! HTTP/2 settings of the connections Envoy makes to a backend.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    Duration, Quantity,
    envoy_gateway::{Check, Failure, Feature},
    macros::string_enum,
    schema::Rule,
    validate::{CheckRules, Path, ValidationErrors},
};

/// R27: the PING timeout is shorter than the PING interval when both are set.
pub(crate) const R27: Rule = Rule {
    rule: "!has(self.timeout) || !has(self.interval) || duration(self.timeout) < duration(self.interval)",
    message: "timeout must be less than interval",
};

/// HTTP/2 flow control, concurrency and keepalive towards a backend.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Http2 {
    /// Initial flow-control window of each stream, such as `64Ki`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_stream_window_size: Option<Quantity>,
    /// Initial flow-control window of the whole connection, such as `1Mi`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_connection_window_size: Option<Quantity>,
    /// Most streams open at once on one connection. 1 to 2147483647.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 2_147_483_647))]
    pub max_concurrent_streams: Option<i32>,
    /// What Envoy closes when a peer sends an invalid HTTP message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_invalid_message: Option<InvalidMessageAction>,
    /// PING frames that keep the connection alive and detect dead peers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_keepalive: Option<Http2Keepalive>,
}

string_enum! {
    /// The reaction to an invalid HTTP message (the schema accepts any string).
    @open;
    pub enum InvalidMessageAction {
        /// Close the whole connection.
        TerminateConnection = "TerminateConnection",
        /// Reset only the stream carrying the message.
        TerminateStream = "TerminateStream",
    }
}

/// HTTP/2 PING keepalive of a connection.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [R27]))]
pub struct Http2Keepalive {
    /// Time between two PINGs. Must exceed `timeout` when both are set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<Duration>,
    /// Time to wait for a PING answer before closing the connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// Random spread added to `interval`, in percent of it. 0 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100))]
    pub interval_jitter: Option<i32>,
    /// Idle time after which a PING is sent before the connection is used again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_interval: Option<Duration>,
}

/// Nothing of its own; carries R27 of the keepalive settings.
impl CheckRules for Http2 {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        self.connection_keepalive.check_rules(&path.key("connectionKeepalive"), errors);
    }
}

/// R27, comparing the durations by value as CEL's `duration()` reads them (Go's syntax, so a
/// value the pattern rejects may still be compared). Text Go cannot read makes the API server
/// report an evaluation error instead; the schema pass reports its pattern error and the rule
/// is taken to hold.
impl CheckRules for Http2Keepalive {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        if let (Some(timeout), Some(interval)) = (&self.timeout, &self.interval)
            && let (Some(timeout), Some(interval)) = (timeout.cel_nanos(), interval.cel_nanos())
        {
            errors.check(timeout < interval, path, R27);
        }
    }
}

/// Smallest HTTP/2 window Envoy Gateway accepts (`MinHTTP2InitialStreamWindowSize`, http.go:18).
const MIN_WINDOW: i64 = 65_535;
/// Largest HTTP/2 window Envoy Gateway accepts (`MaxHTTP2InitialStreamWindowSize`, http.go:19).
const MAX_WINDOW: i64 = 2_147_483_647;

impl Http2 {
    /// Envoy Gateway's checks T28-T31 (`buildIRHTTP2Settings`, http.go:33-57): both windows are
    /// checked and every failure is collected under the one `HTTP2` prefix.
    pub(crate) fn envoy_gateway_check(&self, out: &mut Vec<Failure>) {
        let windows = [
            (
                &self.initial_stream_window_size,
                "InitialStreamWindowSize",
                "initialStreamWindowSize",
                Check::T28,
                Check::T29,
            ),
            (
                &self.initial_connection_window_size,
                "InitialConnectionWindowSize",
                "initialConnectionWindowSize",
                Check::T30,
                Check::T31,
            ),
        ];
        for (window, name, field, not_int64, out_of_range) in windows {
            let Some(window) = window else { continue };
            match window.as_int64() {
                None => out.push(
                    Failure::new(Feature::Http2, not_int64, format!("invalid {name} value {}", window.canonical()))
                        .at(format!("spec.http2.{field}")),
                ),
                Some(v) if !(MIN_WINDOW..=MAX_WINDOW).contains(&v) => out.push(
                    Failure::new(
                        Feature::Http2,
                        out_of_range,
                        format!(
                            "{name} value {} is out of range, must be between {MIN_WINDOW} and {MAX_WINDOW}",
                            window.canonical()
                        ),
                    )
                    .at(format!("spec.http2.{field}")),
                ),
                Some(_) => {}
            }
        }
    }
}
