//! Settings of the connections Envoy opens to a backend: buffer sizes and preconnecting.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    Quantity,
    envoy_gateway::{Check, Failure, Feature, Ignored, SilentDrop},
};

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

impl Connection {
    /// Envoy Gateway's checks T26-T27 (`buildBackendConnection`, clustersettings.go:191-198):
    /// the buffer limit is an int64 for apimachinery and fits a uint32.
    pub(crate) fn envoy_gateway_check(&self, out: &mut Vec<Failure>) {
        const PATH: &str = "spec.connection.bufferLimit";
        let Some(limit) = &self.buffer_limit else { return };
        match limit.as_int64() {
            None => out.push(
                Failure::new(
                    Feature::BackendConnection,
                    Check::T26,
                    format!("invalid BufferLimit value {}", limit.canonical()),
                )
                .at(PATH),
            ),
            Some(v) if u32::try_from(v).is_err() => out.push(
                Failure::new(
                    Feature::BackendConnection,
                    Check::T27,
                    format!("BufferLimit value {} is out of range", limit.canonical()),
                )
                .at(PATH),
            ),
            Some(_) => {}
        }
    }

    /// S03: `buildBackendConnection` (clustersettings.go:179-216) never reads `socketBufferLimit`.
    pub(crate) fn envoy_gateway_ignored(&self, out: &mut Vec<Ignored>) {
        if self.socket_buffer_limit.is_some() {
            out.push(Ignored::new(
                SilentDrop::S03,
                "spec.connection.socketBufferLimit",
                "Envoy Gateway v1.9.0 never reads this field: the socket buffers keep the operating system's sizes",
            ));
        }
    }
}
