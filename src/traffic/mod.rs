//! Per-request traffic features the policy adds between Envoy and the backends: rate and
//! bandwidth limits, fault injection, admission control, compression, response overrides,
//! protocol upgrades, request buffering and telemetry.

pub mod admission_control;
pub mod bandwidth_limit;
pub mod compression;
pub mod fault_injection;
pub mod http_upgrade;
pub mod rate_limit;
pub mod request_buffer;
pub mod response_override;
pub mod telemetry;
