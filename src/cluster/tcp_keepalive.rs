//! TCP keepalive probes on the connections to the backend.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Duration;

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
