//! The BackendTrafficPolicy resource, its spec and the settings that belong to no single area.

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    cluster::{
        circuit_breaker::CircuitBreaker, connection::Connection, dns::Dns, health_check::HealthCheck, http2::Http2,
        load_balancer::LoadBalancer, proxy_protocol::ProxyProtocol, retry::Retry, tcp_keepalive::TcpKeepalive,
        timeout::Timeout,
    },
    macros::string_enum,
    schema::Rule,
    status::PolicyStatus,
    target::{GATEWAY_API_GROUP, TargetRef, TargetSelector},
    traffic::{
        admission_control::AdmissionControl, bandwidth_limit::BandwidthLimit, compression::Compression,
        fault_injection::FaultInjection, http_upgrade::HttpUpgrade, rate_limit::RateLimit,
        request_buffer::RequestBuffer, response_override::ResponseOverride, telemetry::Telemetry,
    },
    validate::{CheckRules, Path, ValidationErrors},
};

pub(crate) const R01: Rule = Rule {
    rule: "(has(self.targetRef) && !has(self.targetRefs)) || (!has(self.targetRef) && has(self.targetRefs)) || (has(self.targetSelectors) && self.targetSelectors.size() > 0) ",
    message: "either targetRef or targetRefs must be used",
};
pub(crate) const R02: Rule = Rule {
    rule: "has(self.targetRef) ? self.targetRef.group == 'gateway.networking.k8s.io' : true ",
    message: "this policy can only have a targetRef.group of gateway.networking.k8s.io",
};
pub(crate) const R03: Rule = Rule {
    rule: "has(self.targetRef) ? self.targetRef.kind in ['Gateway', 'ListenerSet', 'HTTPRoute', 'GRPCRoute', 'UDPRoute', 'TCPRoute', 'TLSRoute'] : true",
    message: "this policy can only have a targetRef.kind of Gateway/ListenerSet/HTTPRoute/GRPCRoute/TCPRoute/UDPRoute/TLSRoute",
};
pub(crate) const R04: Rule = Rule {
    rule: "has(self.targetRefs) ? self.targetRefs.all(ref, ref.group == 'gateway.networking.k8s.io') : true ",
    message: "this policy can only have a targetRefs[*].group of gateway.networking.k8s.io",
};
pub(crate) const R05: Rule = Rule {
    rule: "has(self.targetRefs) ? self.targetRefs.all(ref, ref.kind in ['Gateway', 'ListenerSet', 'HTTPRoute', 'GRPCRoute', 'UDPRoute', 'TCPRoute', 'TLSRoute']) : true ",
    message: "this policy can only have a targetRefs[*].kind of Gateway/ListenerSet/HTTPRoute/GRPCRoute/TCPRoute/UDPRoute/TLSRoute",
};
pub(crate) const R06: Rule = Rule {
    rule: "!has(self.mergeType) || ((!has(self.targetRef) || self.targetRef.kind in ['HTTPRoute', 'GRPCRoute', 'UDPRoute', 'TCPRoute', 'TLSRoute']) && (!has(self.targetRefs) || self.targetRefs.all(ref, ref.kind in ['HTTPRoute', 'GRPCRoute', 'UDPRoute', 'TCPRoute', 'TLSRoute'])) && (!has(self.targetSelectors) || self.targetSelectors.all(sel, sel.kind in ['HTTPRoute', 'GRPCRoute', 'UDPRoute', 'TCPRoute', 'TLSRoute'])))",
    message: "mergeType can only be used with xRoute targets",
};
pub(crate) const R07: Rule = Rule {
    rule: "!has(self.compression) || !has(self.compressor)",
    message: "either compression or compressor can be set, not both",
};
pub(crate) const R08: Rule = Rule {
    rule: "!has(self.requestBuffer) || !has(self.httpUpgrade) || self.httpUpgrade.size() == 0",
    message: "requestBuffer cannot be used together with httpUpgrade",
};
pub(crate) const R09: Rule = Rule {
    rule: "!has(self.admissionControl) || ((!has(self.targetRef) || self.targetRef.kind in ['Gateway', 'ListenerSet', 'HTTPRoute', 'GRPCRoute']) && (!has(self.targetRefs) || self.targetRefs.all(ref, ref.kind in ['Gateway', 'ListenerSet', 'HTTPRoute', 'GRPCRoute'])) && (!has(self.targetSelectors) || self.targetSelectors.all(sel, sel.kind in ['Gateway', 'ListenerSet', 'HTTPRoute', 'GRPCRoute'])))",
    message: "admissionControl can only be used with HTTPRoute, GRPCRoute, Gateway, or ListenerSet targets",
};
pub(crate) const R10: Rule = Rule {
    rule: "!((has(self.connection) && has(self.connection.preconnect) && has(self.connection.preconnect.predictivePercent)) && !(has(self.loadBalancer) && has(self.loadBalancer.type) && self.loadBalancer.type in ['Random', 'RoundRobin']))",
    message: "predictivePercent in preconnect policy only works with RoundRobin or Random load balancers",
};
pub(crate) const R43: Rule =
    Rule { rule: "self != 'Replace'", message: "Replace is not a valid MergeType for BackendTrafficPolicySpec" };

string_enum! {
    /// How a route-level policy combines with the policy of its Gateway.
    @open;
    pub enum MergeType {
        /// Merge with Kubernetes strategic-merge-patch semantics.
        StrategicMerge = "StrategicMerge",
        /// Merge as an RFC 7386 JSON merge patch.
        JsonMerge = "JSONMerge",
        /// Replace the parent policy (not allowed on a BackendTrafficPolicy).
        Replace = "Replace",
    }
}

string_enum! {
    /// Whether Envoy sends traffic to the Service address or straight to its endpoints.
    @open;
    pub enum RoutingType {
        /// Route to the Service's cluster IP.
        Service = "Service",
        /// Route to the endpoints behind the Service.
        Endpoint = "Endpoint",
    }
}

/// What a BackendTrafficPolicy asks of the traffic between Envoy and the backends.
///
/// A spec names its targets (`target_refs`, the deprecated `target_ref`, or `target_selectors`)
/// and sets any of the areas below; every area is optional and absent means Envoy Gateway's
/// default. Lists are `Option<Vec<_>>` because the API's rules tell an absent list from `[]`.
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "gateway.envoyproxy.io",
    version = "v1alpha1",
    kind = "BackendTrafficPolicy",
    plural = "backendtrafficpolicies",
    shortname = "btp",
    category = "envoy-gateway",
    namespaced,
    status = "PolicyStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "An Envoy Gateway BackendTrafficPolicy (`gateway.envoyproxy.io/v1alpha1`): how Envoy talks to the backends of the Gateway or routes it targets."
)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [R01, R02, R03, R04, R05, R06, R07, R08, R09, R10]))]
pub struct BackendTrafficPolicySpec {
    /// A single target. Deprecated upstream in favour of `target_refs`; kept as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_ref: Option<TargetRef>,
    /// The Gateways and routes, in the policy's namespace, that the policy applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_refs: Option<Vec<TargetRef>>,
    /// Selects targets by label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_selectors: Option<Vec<TargetSelector>>,

    /// How requests are spread over the endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer: Option<LoadBalancer>,
    /// When and how failed requests are retried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<Retry>,
    /// Sends a PROXY protocol header to the backends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy_protocol: Option<ProxyProtocol>,
    /// TCP keepalive on connections to the backends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp_keepalive: Option<TcpKeepalive>,
    /// Active and passive health checking of the endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check: Option<HealthCheck>,
    /// Limits on connections, requests and retries in flight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circuit_breaker: Option<CircuitBreaker>,
    /// Connect, idle and request timeouts towards the backends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Timeout>,
    /// Buffer sizes and preconnection towards the backends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<Connection>,
    /// How backend host names are resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns: Option<Dns>,
    /// HTTP/2 settings towards the backends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http2: Option<Http2>,

    /// How this policy merges with the Gateway's policy; only for route targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-validations" = [R43]))]
    pub merge_type: Option<MergeType>,
    /// Global and local request rate limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    /// Bandwidth limits on requests and responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bandwidth_limit: Option<BandwidthLimit>,
    /// Injected delays and aborts, for testing resilience.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault_injection: Option<FaultInjection>,
    /// Rejects a share of requests when the backends' success rate drops.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admission_control: Option<AdmissionControl>,
    /// Use the client's HTTP version towards the backend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_client_protocol: Option<bool>,
    /// Response compressors. Deprecated upstream in favour of `compressor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<Vec<Compression>>,
    /// Response compressors, the first one the client accepts wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compressor: Option<Vec<Compression>>,
    /// Replacement responses for matching backend or local responses; the first match wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_override: Option<Vec<ResponseOverride>>,
    /// Protocol upgrades (WebSocket, CONNECT, ...) allowed through to the backends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_upgrade: Option<Vec<HttpUpgrade>>,
    /// Buffers whole requests before they are sent to the backend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_buffer: Option<RequestBuffer>,
    /// Tracing and metrics settings for the backend traffic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telemetry: Option<Telemetry>,
    /// Send traffic to the Service address or to its endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing_type: Option<RoutingType>,
}

impl BackendTrafficPolicySpec {
    /// A spec that targets the given objects and sets nothing else.
    ///
    /// ```
    /// use backend_traffic_policy::{BackendTrafficPolicySpec, TargetRef};
    /// let spec = BackendTrafficPolicySpec::targeting([TargetRef::http_route("backend")]);
    /// assert_eq!(spec.target_refs.unwrap()[0].kind, "HTTPRoute");
    /// ```
    #[must_use]
    pub fn targeting(targets: impl IntoIterator<Item = TargetRef>) -> Self {
        Self { target_refs: Some(targets.into_iter().collect()), ..Self::default() }
    }
}

impl BackendTrafficPolicy {
    /// A policy named `name` in `namespace`, with `apiVersion` and `kind` set.
    ///
    /// ```
    /// use backend_traffic_policy::{BackendTrafficPolicy, BackendTrafficPolicySpec, TargetRef};
    /// let policy = BackendTrafficPolicy::namespaced(
    ///     "default",
    ///     "retries",
    ///     BackendTrafficPolicySpec::targeting([TargetRef::http_route("backend")]),
    /// );
    /// assert_eq!(policy.metadata.namespace.as_deref(), Some("default"));
    /// ```
    #[must_use]
    pub fn namespaced(namespace: &str, name: &str, spec: BackendTrafficPolicySpec) -> Self {
        let mut policy = Self::new(name, spec);
        policy.metadata.namespace = Some(namespace.to_owned());
        policy
    }

    /// The policy as the API server would store it: every CRD default filled in where the
    /// field is absent (`healthCheck.active.timeout: 1s`, `targetSelectors[].group`, ...), inside
    /// the objects that are present. Nothing else changes.
    ///
    /// ```
    /// use backend_traffic_policy::{BackendTrafficPolicy, BackendTrafficPolicySpec, TargetRef};
    /// let mut spec = BackendTrafficPolicySpec::targeting([TargetRef::http_route("backend")]);
    /// spec.retry = Some(Default::default());
    /// let stored = BackendTrafficPolicy::namespaced("default", "p", spec).with_defaults();
    /// assert_eq!(stored.spec.retry.unwrap().num_retries, Some(2));
    /// ```
    #[must_use]
    pub fn with_defaults(&self) -> Self {
        let Ok(mut value) = serde_json::to_value(self) else { return self.clone() };
        crate::crd::apply_defaults(crate::crd::schema_value(), &mut value);
        // A default is a value of the field's own schema, so the result always deserializes;
        // should it not, the policy is returned unchanged rather than half-defaulted.
        serde_json::from_value(value).unwrap_or_else(|_| self.clone())
    }

    /// The CustomResourceDefinition of BackendTrafficPolicy, equivalent to Envoy Gateway's.
    ///
    /// This shadows [`kube::CustomResourceExt::crd`]: kube's derive output is rewritten into the
    /// upstream shape (no `nullable`, typed int-or-string alternatives, standard root
    /// properties) so that the CRD validates exactly like the one Envoy Gateway installs.
    #[must_use]
    pub fn crd() -> CustomResourceDefinition {
        crate::crd::normalized(<Self as kube::CustomResourceExt>::crd())
    }
}

/// The kinds R03 and R05 accept as targets.
const TARGET_KINDS: &[&str] = &["Gateway", "ListenerSet", "HTTPRoute", "GRPCRoute", "UDPRoute", "TCPRoute", "TLSRoute"];
/// The route kinds R06 requires with `mergeType`.
const ROUTE_KINDS: &[&str] = &["HTTPRoute", "GRPCRoute", "UDPRoute", "TCPRoute", "TLSRoute"];
/// The kinds R09 accepts with `admissionControl`.
const ADMISSION_CONTROL_KINDS: &[&str] = &["Gateway", "ListenerSet", "HTTPRoute", "GRPCRoute"];

impl BackendTrafficPolicySpec {
    /// `true` when every target named by `targetRef`, `targetRefs` and `targetSelectors` (those
    /// present) has a kind in `kinds`: the shape of R06 and R09.
    fn all_target_kinds_in(&self, kinds: &[&str]) -> bool {
        self.target_ref.as_ref().is_none_or(|r| kinds.contains(&r.kind.as_str()))
            && self.target_refs.as_deref().is_none_or(|refs| refs.iter().all(|r| kinds.contains(&r.kind.as_str())))
            && self.target_selectors.as_deref().is_none_or(|sels| sels.iter().all(|s| kinds.contains(&s.kind.as_str())))
    }
}

/// The spec-level rules R01-R10 in order, then the rules below each field in declaration order:
/// target selectors (R62, R63), the cluster settings, `mergeType` (R43), rate limits (R44-R47),
/// bandwidth limit (R14), fault injection (R16-R18), admission control (R11-R13), response
/// overrides (R48-R61), upgrades (R28) and the telemetry fractions (R15).
///
/// `has()` is `is_some()`: an empty list is present (R01 counts `targetRefs: []`, R07 fails on
/// `compression: []` with a compressor); only R01's `targetSelectors` and R08's `httpUpgrade`
/// also test the size.
impl CheckRules for BackendTrafficPolicySpec {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        let target_ref = self.target_ref.as_ref();
        let target_refs = self.target_refs.as_deref();

        let one_of_refs = target_ref.is_some() != target_refs.is_some();
        let selectors = self.target_selectors.as_deref().is_some_and(|s| !s.is_empty());
        errors.check(one_of_refs || selectors, path, R01);
        errors.check(target_ref.is_none_or(|r| r.group == GATEWAY_API_GROUP), path, R02);
        errors.check(target_ref.is_none_or(|r| TARGET_KINDS.contains(&r.kind.as_str())), path, R03);
        errors.check(target_refs.is_none_or(|refs| refs.iter().all(|r| r.group == GATEWAY_API_GROUP)), path, R04);
        let kinds_ok = target_refs.is_none_or(|refs| refs.iter().all(|r| TARGET_KINDS.contains(&r.kind.as_str())));
        errors.check(kinds_ok, path, R05);
        errors.check(self.merge_type.is_none() || self.all_target_kinds_in(ROUTE_KINDS), path, R06);
        errors.check(self.compression.is_none() || self.compressor.is_none(), path, R07);
        let upgrades = self.http_upgrade.as_deref().is_some_and(|u| !u.is_empty());
        errors.check(self.request_buffer.is_none() || !upgrades, path, R08);
        let admission_ok = self.admission_control.is_none() || self.all_target_kinds_in(ADMISSION_CONTROL_KINDS);
        errors.check(admission_ok, path, R09);
        let predictive = self
            .connection
            .as_ref()
            .and_then(|c| c.preconnect.as_ref())
            .is_some_and(|p| p.predictive_percent.is_some());
        let random_or_round_robin =
            self.load_balancer.as_ref().is_some_and(|lb| matches!(lb.r#type.as_str(), "Random" | "RoundRobin"));
        errors.check(!predictive || random_or_round_robin, path, R10);

        self.target_selectors.check_rules(&path.key("targetSelectors"), errors);
        crate::cluster::check_cluster_rules(self, path, errors);
        if let Some(merge_type) = &self.merge_type
            && merge_type.as_str() == "Replace"
        {
            errors.rule(&path.key("mergeType"), R43, "string");
        }
        self.rate_limit.check_rules(&path.key("rateLimit"), errors);
        self.bandwidth_limit.check_rules(&path.key("bandwidthLimit"), errors);
        self.fault_injection.check_rules(&path.key("faultInjection"), errors);
        self.admission_control.check_rules(&path.key("admissionControl"), errors);
        self.response_override.check_rules(&path.key("responseOverride"), errors);
        self.http_upgrade.check_rules(&path.key("httpUpgrade"), errors);
        self.telemetry.check_rules(&path.key("telemetry"), errors);
    }
}
