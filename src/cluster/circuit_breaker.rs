//! Circuit breaking: caps on the connections and requests Envoy keeps open towards a backend,
//! beyond which new requests fail fast instead of queueing.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    gateway_api::Fraction,
    validate::{CheckRules, Path, ValidationErrors},
};

/// Limits applied to the whole backend cluster (and optionally to each endpoint).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CircuitBreaker {
    /// Most connections open to the backend at once. 0 to 4294967295; defaults to 1024.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 4_294_967_295_i64), extend("default" = 1024))]
    pub max_connections: Option<i64>,
    /// Most requests waiting for a connection. 0 to 4294967295; defaults to 1024.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 4_294_967_295_i64), extend("default" = 1024))]
    pub max_pending_requests: Option<i64>,
    /// Most requests in flight at once. 0 to 4294967295; defaults to 1024.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 4_294_967_295_i64), extend("default" = 1024))]
    pub max_parallel_requests: Option<i64>,
    /// Most retries in flight at once. 0 to 4294967295; defaults to 1024.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 4_294_967_295_i64), extend("default" = 1024))]
    pub max_parallel_retries: Option<i64>,
    /// Requests sent over one connection before it is closed; unlimited when unset.
    /// 0 to 4294967295.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 4_294_967_295_i64))]
    pub max_requests_per_connection: Option<i64>,
    /// Limits applied to each endpoint separately.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_endpoint: Option<PerEndpoint>,
    /// Cap on retries relative to the current load, replacing `maxParallelRetries`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_budget: Option<RetryBudget>,
}

/// Circuit breaker limits that hold for every single endpoint.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PerEndpoint {
    /// Most connections open to one endpoint at once. 0 to 4294967295; defaults to 1024.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 4_294_967_295_i64), extend("default" = 1024))]
    pub max_connections: Option<i64>,
}

/// Retries allowed as a share of the requests currently active or pending.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RetryBudget {
    /// Share of active and pending requests that may be retries, as a fraction.
    pub percent: Fraction,
    /// Retries always allowed, whatever the budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_retry_concurrency: Option<i32>,
}

/// Nothing of its own; carries R15 of the retry budget's fraction.
impl CheckRules for CircuitBreaker {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        self.retry_budget.check_rules(&path.key("retryBudget"), errors);
    }
}

/// Nothing of its own; carries R15 of `percent`.
impl CheckRules for RetryBudget {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        self.percent.check_rules(&path.key("percent"), errors);
    }
}
