//! KubeLB's sync decision: what a KubeLB controller does with one BackendTrafficPolicy of a
//! tenant cluster, given the global [`Config`] and the policy's [`Tenant`].
//!
//! KubeLB's cloud controller, in a tenant cluster, copies BackendTrafficPolicies to the
//! management cluster, where each tenant owns one namespace (`tenant-{tenant name}`) and Envoy
//! Gateway applies them. [`decide`] is the whole of that choice as one pure function
//! ([`sync_decision`] is `decide` with the default, strict [`SyncOptions`]): it borrows its
//! inputs and reads no clock, file, network, environment or random source, so the same inputs
//! always give the same [`SyncDecision`] and a controller can call it from a reconcile loop, a
//! webhook or a test alike.
//!
//! # Decisions
//!
//! The rules are tried in order; the first that matches decides.
//!
//! | # | when | decision |
//! | --- | --- | --- |
//! | 1 | `Config` `spec.gatewayAPI.disable` | [`Remove`](SyncDecision::Remove) [`GatewayApiDisabled(Global)`](RemoveReason::GatewayApiDisabled) |
//! | 2 | `Tenant` `spec.gatewayAPI.disable` | `Remove` `GatewayApiDisabled(Tenant)` |
//! | 3 | `Config` `spec.gatewayAPI.disableBackendTrafficPolicy` | `Remove` [`PolicySyncDisabled(Global)`](RemoveReason::PolicySyncDisabled) |
//! | 4 | `Tenant` `spec.gatewayAPI.disableBackendTrafficPolicy` | `Remove` `PolicySyncDisabled(Tenant)` |
//! | 5 | the policy has `metadata.deletionTimestamp` | `Remove` [`Deleted`](RemoveReason::Deleted) |
//! | 6 | [`validate()`](BackendTrafficPolicy::validate) finds errors | [`Reject`](SyncDecision::Reject) [`Invalid`](RejectReason::Invalid) |
//! | 6a | the policy has no namespace or no name, or the tenant has no name (never the case for objects read from a cluster; a safe decision does not guess) | `Reject` [`MissingNamespace`](RejectReason::MissingNamespace), [`MissingName`](RejectReason::MissingName) or [`MissingTenantName`](RejectReason::MissingTenantName) |
//! | 6b | the policy uses a [management-side field](#management-side-fields) of a kind [`SyncOptions::allow`] does not allow | `Reject` [`ManagementSide`](RejectReason::ManagementSide), listing each field |
//! | 7 | no target is left after the target rules below | `Reject` [`NoSupportedTarget`](RejectReason::NoSupportedTarget), listing what was dropped |
//! | 7a | both `targetRef` and `targetRefs` are left, which the CRD only allowed because of target selectors that were all dropped | `Reject` [`InvalidAfterRewrite`](RejectReason::InvalidAfterRewrite) |
//! | 7b | the rewritten object could not be stored: its name (KubeLB's [`name`] cut after a `.`), its namespace `tenant-{tenant name}` or KubeLB's `origin-name` and `tenant` label values break the API server's metadata rules, or a renamed response-body ConfigMap is not a valid ConfigMap name | `Reject` `InvalidAfterRewrite`, with the API server's errors and which name to change |
//! | 7c | Envoy Gateway would not accept the rewritten object ([`envoy_gateway_verdict`](BackendTrafficPolicy::envoy_gateway_verdict) with [`SyncOptions::envoy_gateway`]) | `Reject` [`NotAccepted`](RejectReason::NotAccepted), with Envoy Gateway's condition message |
//! | 8 | otherwise | [`Apply`](SyncDecision::Apply) the rewritten object, with the targets it expects; Envoy Gateway's deprecation warning and the settings it ignores are among the warnings |
//!
//! `Remove` means: do not sync, and delete any copy synced earlier. `Reject` means: do not sync,
//! keep any copy synced earlier as it is (the last known good one) and tell the tenant why.
//! The flags are plain "off" switches: a tenant can switch a sync off for itself, but nothing in
//! a `Tenant` switches back on what the `Config` switched off. Rules 1 to 5 read nothing but
//! flags and never allocate; rule 6b allocates only for a field it reports.
//!
//! Envoy Gateway judges the object that would be applied (rule 7c), after the rewrite: its spec
//! is the policy's except for the targets (renamed, some dropped, selectors narrowed) and the
//! renamed ConfigMaps of response bodies, none of which Envoy Gateway's checks T01-T36 read, so
//! a rejection is the same as for the tenant's policy; but the deprecation warning and the
//! ignored settings follow the targets that are left (a dropped `targetRef` is no longer
//! deprecated, and no layer-4 route is left for S05). [`sync_decision`] knows nothing of the
//! management side's Envoy Gateway ([`Settings::default`](crate::envoy_gateway::Settings)),
//! so it does not check a global rate limit against a missing rate-limit service (T36); give
//! [`decide`] the [`Settings`](crate::envoy_gateway::Settings) when the platform knows them.
//!
//! # Targets
//!
//! | target (`targetRef`, `targetRefs[]` or `targetSelectors[]`) | result |
//! | --- | --- |
//! | `Gateway` | kept, name unchanged (KubeLB keeps Gateway names in the tenant namespace) |
//! | `HTTPRoute` | renamed to [`name`]`(policy namespace, route name)`, as KubeLB names the synced route |
//! | `HTTPRoute`, with `disableHTTPRoute` in the `Config` or the `Tenant` | dropped, with a warning |
//! | `GRPCRoute` | renamed like an HTTPRoute |
//! | `GRPCRoute`, with `disableGRPCRoute` in the `Config` or the `Tenant` | dropped, with a warning |
//! | `TCPRoute`, `UDPRoute`, `TLSRoute`, `ListenerSet`, any other kind or group | dropped, with a warning |
//!
//! A kept reference keeps its form (the deprecated `targetRef` stays a `targetRef`) and its
//! `sectionName`. A list whose entries were all dropped is removed, so that the rewritten
//! object still passes the CRD's "either targetRef or targetRefs" rule.
//!
//! KubeLB's names are ambiguous: the route `b-c` of namespace `a` and the route `c` of namespace
//! `a-b` are both synced as `a-b-c`, long names share 65536 hash suffixes, and Gateways keep
//! their names, so `eg` of two namespaces is one `eg`. A renamed target therefore reaches the
//! object KubeLB synced under that name, which is the route the tenant named only if no other
//! object of the tenant cluster has the same synced name. `Apply` lists every named target as a
//! [`SyncedTarget`]; [`SyncedTarget::is_origin_of`] checks KubeLB's `origin-ns` and
//! `origin-name` labels on the object found in the management cluster, so a controller can
//! refuse to attach a policy to a route of another namespace. [`collisions`] finds the policies
//! and referred objects of one tenant cluster whose synced names collide.
//!
//! # The object for the management cluster
//!
//! - `metadata.name` is [`name`]`(policy namespace, policy name)`, `metadata.namespace` is
//!   `tenant-{tenant name}`.
//! - Labels: the policy's own, then [`LABEL_ORIGIN_NAME`], [`LABEL_ORIGIN_NAMESPACE`],
//!   [`LABEL_MANAGED_BY`] and [`LABEL_TENANT`], which overwrite labels of the same key.
//!   Annotations are kept, except [`LAST_APPLIED_ANNOTATION`].
//! - Everything the tenant cluster's API server owns is cleared: `uid`, `resourceVersion`,
//!   `generation`, `creationTimestamp`, `managedFields`, `ownerReferences`, `finalizers`,
//!   `generateName`, `selfLink`, the deletion fields, and `status`.
//! - Every target selector gets `matchLabels[kubelb.k8c.io/origin-ns] = <policy namespace>`;
//!   its `namespaces` is removed, with a warning.
//! - The ConfigMap of `responseOverride[].response.body.valueRef` is renamed with [`name`] and
//!   listed in `dependencies`, so the controller can sync it too.
//! - Everything else in the spec is copied unchanged.
//! - What the rewrite wrote is checked as the management cluster's API server checks it (rule
//!   7b): the name must be a DNS-1123 subdomain (KubeLB's cut at 55 bytes trims only `-`, so a
//!   `.` there gives `….-1a2b`), the namespace a DNS-1123 label of at most 63 characters (a tenant
//!   name of at most 56, without `.`), and the `origin-name` and `tenant` labels valid label
//!   values (a policy name of at most 63 characters). [`name`] stays byte-identical to KubeLB's,
//!   because KubeLB names the synced routes with it: a name it makes invalid is a rejection, not
//!   another name. The renamed targets need no check: they have 1 to 60 characters, inside the
//!   CRD's 1 to 253. (A route whose synced name is not a DNS-1123 subdomain cannot exist in the
//!   management cluster, so such a target reaches nothing; [`SyncedTarget::is_origin_of`] finds
//!   no object.)
//!
//! # Management-side fields
//!
//! All tenants share the management cluster's Envoy. Some fields act on that proxy rather than
//! on the tenant's traffic: they name one of its files or modules, name its shared statistics,
//! or are handed to Envoy as command-operator format strings, evaluated by the proxy with access
//! to its environment, addresses and state. Rule 6b refuses them unless the platform allows
//! their [`ManagementSideKind`] in [`SyncOptions::allow`].
//!
//! | field | what Envoy Gateway v1.9 makes of it | kind | default |
//! | --- | --- | --- | --- |
//! | `responseOverride[].response.body.inline` | the local reply's `body_format` text format, sent to the tenant's clients (`xds/translator/custom_response.go`, `buildResponseAction`) | format string | operators below |
//! | `responseOverride[].response.contentType` | a `Content-Type` response header value; Envoy formats header values | format string | operators below |
//! | `responseOverride[].response.header.set[].value`, `add[].value` | response header values of the local reply | format string | operators below |
//! | the ConfigMap of `responseOverride[].response.body.valueRef` | the same `body_format`; its text is not part of the policy | format string | not seen by the sync: check each value with [`dangerous_operators`] before syncing the [`Dependency`] |
//! | `telemetry.tracing.tags{}` | a span tag's value (`CustomTag.value`), sent to the platform's tracing backend | format string | operators below |
//! | `telemetry.tracing.spanName.client`, `.server` | the route's tracing `operation` and `upstream_operation` | format string | operators below |
//! | `telemetry.tracing.customTags{}.environment` | a span tag read from an environment variable of the proxy | [`EnvironmentVariable`](ManagementSideKind::EnvironmentVariable) | refused |
//! | `telemetry.tracing.customTags{}.literal`, `.requestHeader` | a fixed value or a request header; not formatted | — | allowed |
//! | `telemetry.metrics.routeStatName` | the route's `stat_prefix` in the proxy's statistics, shared by every tenant (Envoy Gateway replaces its own `%ROUTE_…%` operators; Envoy formats nothing) | [`StatName`](ManagementSideKind::StatName) | refused, unless it starts with `%ROUTE_NAMESPACE%` followed by nothing or by a character no namespace name has, which no other tenant's namespace can produce |
//! | `healthCheck.active.healthCheckLog.sinks[].file.path` | a file the proxy writes | [`ProxyFile`](ManagementSideKind::ProxyFile) | refused, except `/dev/stdout`, where events go without a sink anyway |
//! | `loadBalancer.dynamicModule` | a module the platform registered in its EnvoyProxy, with the tenant's `config` | [`DynamicModule`](ManagementSideKind::DynamicModule) | refused |
//! | `rateLimit.*.rules[].limit.fromMetadata`, `cost.*.metadata` | numbers read from the request's dynamic metadata; nothing is returned to anyone | — | allowed |
//! | `loadBalancer.endpointOverride` | a request header picks one of the route's own endpoints; Envoy ignores addresses outside the cluster | — | allowed |
//! | `responseOverride[].redirect`, health-check `path`, `hostname` and payloads | plain values, not formatted | — | allowed |
//!
//! Operators in format strings, as Envoy parses them (`%%` is a literal `%`):
//!
//! | operators | reads | kind | default |
//! | --- | --- | --- | --- |
//! | `%ENVIRONMENT(NAME)%` | an environment variable of the proxy: credentials, pod and node names | [`EnvironmentVariable`](ManagementSideKind::EnvironmentVariable) | refused |
//! | `%HOSTNAME%`, `%DOWNSTREAM_LOCAL_…%` | the proxy's host name, listener address and certificate | [`ProxyDetails`](ManagementSideKind::ProxyDetails) | refused |
//! | `%UPSTREAM_HOST…%`, `%UPSTREAM_REMOTE_…%`, `%UPSTREAM_LOCAL_…%`, `%UPSTREAM_CLUSTER%`, `%UPSTREAM_CLUSTER_RAW%`, `%UPSTREAM_TRANSPORT_FAILURE_REASON%` | how the proxy reaches backends: KubeLB's allocated addresses and ports, Envoy Gateway's cluster names | `ProxyDetails` | refused |
//! | `%CONNECTION_ID%`, `%UPSTREAM_CONNECTION_ID%` | process-wide counters: how many connections every tenant made | `ProxyDetails` | refused |
//! | `%DYNAMIC_METADATA(…)%`, `%CLUSTER_METADATA(…)%`, `%UPSTREAM_METADATA(…)%`, `%METADATA(…)%`, `%FILTER_STATE(…)%`, `%UPSTREAM_FILTER_STATE(…)%`, `%CEL(…)%` | state and metadata set by the platform's filters and configuration | `ProxyDetails` | refused |
//! | `%REQ(…)%`, `%RESP(…)%`, `%TRAILER(…)%`, `%RESPONSE_CODE%`, `%RESPONSE_FLAGS%`, `%PROTOCOL%`, `%START_TIME%`, durations and byte counts of the request, `%DOWNSTREAM_REMOTE_…%`, `%DOWNSTREAM_PEER_…%`, `%REQUESTED_SERVER_NAME%`, `%ROUTE_NAME%`, `%UNIQUE_ID%`, `%STREAM_ID%` | the request, its response and the client's own connection | — | allowed |
//! | any other operator | not classified by this crate | [`UnknownOperator`](ManagementSideKind::UnknownOperator) | refused |
//! | a `%` that starts no operator (`50% off`) | Envoy refuses the whole configuration update, which stalls the shared proxy | [`MalformedFormatString`](ManagementSideKind::MalformedFormatString) | refused |
//!
//! Out of scope: how much of the shared proxy a policy may use (buffer sizes, connection limits,
//! health-check rates) is a quota question, not a field that names a management-side resource.
//!
//! # Why the security rules are what they are
//!
//! All objects of a tenant share one namespace in the management cluster; every other tenant
//! has a namespace of its own. Envoy Gateway resolves a policy's targets in the policy's
//! namespace, and a target selector with `namespaces` in others too.
//!
//! - **Renaming.** KubeLB syncs the route `api` of namespace `prod` as `prod-api` in the tenant
//!   namespace. A policy of namespace `default` that kept a target name `prod-api` would reach
//!   that route of another namespace; one that kept `backend` would reach nothing. Renaming
//!   targets with KubeLB's rule makes the policy reach the object KubeLB synced from the route
//!   it named, unless another object's synced name is the same (see [Targets](#targets));
//!   renaming the policy keeps same-named policies of two namespaces apart, with the same caveat.
//! - **Selectors.** A label selector in the tenant namespace would match the routes of *every*
//!   namespace of the tenant cluster, so it is narrowed with the `origin-ns` label KubeLB puts on
//!   synced routes. Its `namespaces` field is removed because `from: All` or `from: Selector`
//!   would let Envoy Gateway look in other namespaces of the management cluster, which hold other
//!   tenants' routes. An `origin-ns` label the tenant wrote itself is overwritten, with a warning.
//! - **Kinds.** Only the kinds KubeLB syncs can be targets: a reference to anything else would
//!   name an object KubeLB never created in the tenant namespace (or one it created for another
//!   purpose). The group must be `gateway.networking.k8s.io`.
//! - **Labels.** The `kubelb.k8c.io/*` labels are written last, so a tenant cannot claim another
//!   tenant's identity through its own labels.
//! - **Management side.** A tenant configures its own traffic, not the platform's proxy: what
//!   reads the proxy's environment or state, writes its files or loads its modules needs the
//!   platform's consent, given per kind in [`SyncOptions`].
//! - **Validation first.** An invalid policy is rejected before anything is rewritten: the
//!   management cluster's API server would refuse it anyway, and keeping the last good copy is
//!   safer than deleting it. The rewrite is not validated a second time in full: it renames
//!   targets, drops some and narrows selectors, and of the CRD's constraints only the "either
//!   targetRef or targetRefs" rule can break by that (rule 7a); of the metadata rules only those
//!   of the names and labels it writes (rule 7b), which are checked alone. The property tests
//!   check that every `Apply` object passes the whole [`validate`](BackendTrafficPolicy::validate).
//! - **Envoy Gateway's verdict.** A policy the API server stores can still be refused by Envoy
//!   Gateway's translator, which then answers every request of the routes it covers with a
//!   direct 500, in the management cluster where the tenant cannot see the policy's status.
//!   Rejecting it keeps the last good copy and tells the tenant why, before any route breaks.
//! - **No guessing.** A policy without a namespace or name, or a tenant without a name, is
//!   rejected rather than given a made-up home.
//!
//! # Example
//!
//! ```
//! use backend_traffic_policy::{
//!     BackendTrafficPolicy, BackendTrafficPolicySpec, TargetRef,
//!     kubelb::{Config, GatewayApiSettings, Tenant},
//!     sync::{RemoveReason, Scope, SyncDecision},
//!     sync_decision,
//! };
//!
//! let policy = BackendTrafficPolicy::namespaced(
//!     "default",
//!     "retries",
//!     BackendTrafficPolicySpec::targeting([TargetRef::http_route("backend"), TargetRef::new("TCPRoute", "db")]),
//! );
//! let config = Config::default_named("kubelb");
//! let tenant = Tenant::named("a");
//!
//! let SyncDecision::Apply { object, warnings, targets, .. } = sync_decision(&policy, &config, &tenant) else { panic!() };
//! assert_eq!(object.metadata.namespace.as_deref(), Some("tenant-a"));
//! assert_eq!(object.metadata.name.as_deref(), Some("default-retries"));
//! assert_eq!(object.spec.target_refs.as_deref().unwrap(), [TargetRef::http_route("default-backend")]);
//! assert_eq!(
//!     (targets[0].synced_name.as_str(), targets[0].origin_namespace.as_str(), targets[0].origin_name.as_str()),
//!     ("default-backend", "default", "backend")
//! );
//! assert_eq!(
//!     warnings[0].to_string(),
//!     "spec.targetRefs[1] (TCPRoute db) dropped: KubeLB does not sync policies for this kind of target"
//! );
//!
//! let tenant = tenant.with_gateway_api(GatewayApiSettings { disable_backend_traffic_policy: true, ..Default::default() });
//! assert_eq!(
//!     sync_decision(&policy, &config, &tenant),
//!     SyncDecision::Remove { reason: RemoveReason::PolicySyncDisabled(Scope::Tenant) }
//! );
//! ```

use crate::{
    BackendTrafficPolicy, ValidationError, ValidationErrors,
    kubelb::{Config, GatewayApiSettings, Tenant},
    validate::ErrorKind,
};

mod format;
mod management_side;
mod naming;
mod options;
mod reasons;
mod rewrite;
mod storable;
mod targets;

pub use format::{DangerousOperators, Operator, dangerous_operators};
pub use management_side::{ManagementSideField, ManagementSideKind, management_side_fields};
pub use naming::name;
pub use options::{ManagementSideKinds, SyncOptions};
pub use reasons::{
    Dependency, DependencyKind, DropCause, DroppedTarget, RejectReason, RemoveReason, Scope, SyncDecision, SyncWarning,
    TargetField,
};
pub use targets::{Collision, ObjectKey, SyncedTarget, collisions};

use rewrite::{Rewrite, synced_metadata};

/// Label with the policy's name in the tenant cluster.
pub const LABEL_ORIGIN_NAME: &str = "kubelb.k8c.io/origin-name";
/// Label with the policy's namespace in the tenant cluster; also added to every target selector.
pub const LABEL_ORIGIN_NAMESPACE: &str = "kubelb.k8c.io/origin-ns";
/// Label naming the controller that owns the synced object; its value is [`MANAGED_BY`].
pub const LABEL_MANAGED_BY: &str = "kubelb.k8c.io/managed-by";
/// Label with the tenant's name.
pub const LABEL_TENANT: &str = "kubelb.k8c.io/tenant";
/// Value of [`LABEL_MANAGED_BY`].
pub const MANAGED_BY: &str = "kubelb";
/// kubectl's copy of the last applied object; not carried to the management cluster.
pub const LAST_APPLIED_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// [`decide`] with the default, strict [`SyncOptions`]: no management-side field is allowed, and
/// nothing is known of the management side's Envoy Gateway (so check T36, a global rate limit
/// without a rate-limit service, is not run).
#[must_use]
pub fn sync_decision(policy: &BackendTrafficPolicy, config: &Config, tenant: &Tenant) -> SyncDecision {
    decide(policy, config, tenant, &SyncOptions::default())
}

/// Decides what a KubeLB controller does with `policy`, a BackendTrafficPolicy of the tenant
/// cluster of `tenant`, under the global `config` and the platform's `options`. See the
/// [module docs](self) for the rules.
///
/// Pure: no I/O, clock, environment or randomness; equal inputs give equal decisions. The
/// `Remove` decisions are taken from flags alone and do not allocate.
#[must_use]
pub fn decide(policy: &BackendTrafficPolicy, config: &Config, tenant: &Tenant, options: &SyncOptions) -> SyncDecision {
    let global = Switches::of(&config.spec.gateway_api);
    let local = Switches::of(&tenant.spec.gateway_api);
    let remove = |reason| SyncDecision::Remove { reason };
    let reject = |reason| SyncDecision::Reject { reason };

    // Rules 1 to 5: flags only.
    if global.gateway_api {
        return remove(RemoveReason::GatewayApiDisabled(Scope::Global));
    }
    if local.gateway_api {
        return remove(RemoveReason::GatewayApiDisabled(Scope::Tenant));
    }
    if global.policies {
        return remove(RemoveReason::PolicySyncDisabled(Scope::Global));
    }
    if local.policies {
        return remove(RemoveReason::PolicySyncDisabled(Scope::Tenant));
    }
    if policy.metadata.deletion_timestamp.is_some() {
        return remove(RemoveReason::Deleted);
    }

    // Rule 6.
    if let Err(errors) = policy.validate() {
        return reject(RejectReason::Invalid(errors));
    }
    // Rule 6a: never guess where an object belongs.
    let Some(namespace) = non_empty(policy.metadata.namespace.as_deref()) else {
        return reject(RejectReason::MissingNamespace);
    };
    let Some(policy_name) = non_empty(policy.metadata.name.as_deref()) else {
        return reject(RejectReason::MissingName);
    };
    let Some(tenant_name) = non_empty(tenant.metadata.name.as_deref()) else {
        return reject(RejectReason::MissingTenantName);
    };

    // Rule 6b: nothing that acts on the shared proxy unless the platform allows it.
    let fields = management_side_fields(&policy.spec, &options.allow);
    if !fields.is_empty() {
        return reject(RejectReason::ManagementSide { fields });
    }

    // Rule 7.
    let mut rewrite = Rewrite {
        namespace,
        http_route_off: off_scope(global.http_routes, local.http_routes),
        grpc_route_off: off_scope(global.grpc_routes, local.grpc_routes),
        warnings: Vec::new(),
        dependencies: Vec::new(),
        targets: Vec::new(),
    };
    let spec = rewrite.spec(&policy.spec);
    let Rewrite { mut warnings, dependencies, targets, .. } = rewrite;
    if spec.target_ref.is_none()
        && spec.target_refs.as_ref().is_none_or(Vec::is_empty)
        && spec.target_selectors.as_ref().is_none_or(Vec::is_empty)
    {
        let dropped = warnings
            .into_iter()
            .filter_map(|warning| match warning {
                SyncWarning::TargetDropped(target) => Some(target),
                _ => None,
            })
            .collect();
        return reject(RejectReason::NoSupportedTarget { dropped });
    }

    // Rule 7a. The rewrite only renames targets, drops some of them and narrows selectors, so of
    // every schema constraint and CEL rule only R01 ("either targetRef or targetRefs") can stop
    // holding: when both lists were kept because of selectors that were all dropped. The
    // property tests check that every `Apply` object validates.
    let both_refs = spec.target_ref.is_some() && spec.target_refs.is_some();
    if both_refs && spec.target_selectors.as_ref().is_none_or(Vec::is_empty) {
        let mut errors = ValidationErrors::default();
        errors.push(ValidationError::new("spec", ErrorKind::Rule { rule: crate::policy::R01, value_type: "object" }));
        return reject(RejectReason::InvalidAfterRewrite(errors));
    }

    let object = BackendTrafficPolicy {
        metadata: synced_metadata(&policy.metadata, namespace, policy_name, tenant_name),
        spec,
        status: None,
    };

    // Rule 7b: what the rewrite wrote must be storable; checked alone, not by a second
    // `validate()`.
    let errors = storable::rewrite_errors(&object);
    if !errors.is_empty() {
        return reject(RejectReason::InvalidAfterRewrite(errors));
    }

    // Rule 7c: Envoy Gateway's verdict on the object that would be applied.
    let verdict = object.envoy_gateway_verdict(&options.envoy_gateway);
    if let Some(rejection) = verdict.rejection() {
        return reject(RejectReason::NotAccepted(rejection.clone()));
    }
    warnings.extend(verdict.deprecation_warning().map(SyncWarning::EnvoyGatewayDeprecation));
    warnings.extend(verdict.ignored().iter().cloned().map(SyncWarning::EnvoyGatewayIgnored));

    // Rule 8.
    SyncDecision::Apply { object: Box::new(object), warnings, dependencies, targets }
}

/// The switches of one `gatewayAPI` block that the decision reads; `true` means "off".
#[derive(Clone, Copy)]
struct Switches {
    gateway_api: bool,
    policies: bool,
    http_routes: bool,
    grpc_routes: bool,
}

impl Switches {
    fn of(settings: &GatewayApiSettings) -> Self {
        // No `..`: a new KubeLB setting must be sorted into "read" or "not for this decision".
        let GatewayApiSettings {
            disable,
            disable_backend_traffic_policy,
            disable_http_route,
            disable_grpc_route,
            // The targets of these kinds are dropped whatever the flags say.
            disable_tcp_route: _,
            disable_udp_route: _,
            disable_tls_route: _,
            // Other objects than BackendTrafficPolicies and their targets.
            disable_client_traffic_policy: _,
            class: _,
            default_gateway: _,
            gateway: _,
        } = settings;
        Self {
            gateway_api: *disable,
            policies: *disable_backend_traffic_policy,
            http_routes: *disable_http_route,
            grpc_routes: *disable_grpc_route,
        }
    }
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.is_empty())
}

/// The scope that switched something off, the global one first; `None` when it is on.
fn off_scope(global: bool, tenant: bool) -> Option<Scope> {
    if global {
        Some(Scope::Global)
    } else if tenant {
        Some(Scope::Tenant)
    } else {
        None
    }
}
