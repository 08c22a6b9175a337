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

use crate::{
    BackendTrafficPolicySpec,
    validate::{CheckRules, Path, ValidationErrors},
};

/// Evaluates the CEL rules of the cluster settings of `spec` (load balancer, health check,
/// circuit breaker, HTTP/2), reporting below `spec_path`. The spec-level R10 is not included.
pub(crate) fn check_cluster_rules(
    spec: &BackendTrafficPolicySpec,
    spec_path: &Path<'_>,
    errors: &mut ValidationErrors,
) {
    spec.load_balancer.check_rules(&spec_path.key("loadBalancer"), errors);
    spec.health_check.check_rules(&spec_path.key("healthCheck"), errors);
    spec.circuit_breaker.check_rules(&spec_path.key("circuitBreaker"), errors);
    spec.http2.check_rules(&spec_path.key("http2"), errors);
}
