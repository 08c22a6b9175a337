//! Settings of the connections Envoy opens to a backend: buffer sizes and preconnecting.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Quantity;

/// Buffering and connection warm-up towards a backend.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    /// Soft limit on the bytes buffered per connection, such as `32Ki`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buffer_limit: Option<Quantity>,
    /// Size of the socket send and receive buffers, such as `64Ki`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub socket_buffer_limit: Option<Quantity>,
    /// Connections opened ahead of need.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preconnect: Option<Preconnect>,
}

/// How many connections Envoy opens before requests need them, in percent of the expected need.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Preconnect {
    /// Connections kept per endpoint, in percent of the load it carries. 100 to 300.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 100, max = 300))]
    pub per_endpoint_percent: Option<i32>,
    /// Connections kept across the cluster, in percent of the predicted load. At least 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 100))]
    pub predictive_percent: Option<i32>,
}
