//! Settings of the upstream cluster Envoy builds for the policy's backends: how endpoints are
//! chosen, retried, health-checked, protected and connected to.

pub mod circuit_breaker;
pub mod connection;
pub mod dns;
pub mod health_check;
pub mod http2;
pub mod load_balancer;
pub mod proxy_protocol;
pub mod retry;
pub mod tcp_keepalive;
pub mod timeout;
