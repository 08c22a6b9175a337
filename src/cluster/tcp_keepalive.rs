//! TCP keepalive probes on the connections to the backend.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    Duration,
    envoy_gateway::{Ignored, SilentDrop},
};

/// Turns on TCP keepalive; unset fields keep the operating system's values.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TcpKeepalive {
    /// Unanswered probes after which the connection is dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probes: Option<i32>,
    /// Idle time before the first probe is sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_time: Option<Duration>,
    /// Time between two probes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<Duration>,
}

impl TcpKeepalive {
    /// S06: `buildTCPKeepAlive` (clustersettings.go:230-244) keeps whole seconds only
    /// (`uint32(d.Seconds())`), so `500ms` becomes 0 and `1500ms` becomes 1s.
    pub(crate) fn envoy_gateway_ignored(&self, out: &mut Vec<Ignored>) {
        for (field, value) in [("idleTime", &self.idle_time), ("interval", &self.interval)] {
            let Some(nanos) = value.as_ref().and_then(Duration::cel_nanos) else { continue };
            if nanos % 1_000_000_000 != 0 {
                let seconds = nanos / 1_000_000_000;
                out.push(Ignored::new(
                    SilentDrop::S06,
                    format!("spec.tcpKeepalive.{field}"),
                    format!(
                        "Envoy Gateway keeps whole seconds only: {} is applied as {seconds}s",
                        value.as_ref().map_or("", Duration::as_str)
                    ),
                ));
            }
        }
    }
}
