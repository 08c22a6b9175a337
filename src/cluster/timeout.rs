//! Timeouts of the connections and requests Envoy makes to a backend.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Duration;

/// Backend timeouts, by protocol layer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Timeout {
    /// Timeouts of the TCP connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp: Option<TcpTimeout>,
    /// Timeouts of HTTP connections, requests and streams.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpTimeout>,
}

/// Timeouts of the TCP connection to a backend.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TcpTimeout {
    /// Time allowed to open a connection, TLS handshake included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_timeout: Option<Duration>,
}

/// Timeouts of HTTP traffic to a backend.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HttpTimeout {
    /// Time a connection may stay without any active request before it is closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_idle_timeout: Option<Duration>,
    /// Longest life of a connection, whether busy or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_connection_duration: Option<Duration>,
    /// Time allowed for the whole response to arrive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_timeout: Option<Duration>,
    /// Longest life of a single stream (request and response).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_stream_duration: Option<Duration>,
    /// Time a stream may go without any data before it is reset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_idle_timeout: Option<Duration>,
}
