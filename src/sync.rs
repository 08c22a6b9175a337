//! KubeLB's sync decision: what a KubeLB controller does with one BackendTrafficPolicy of a
//! tenant cluster, given the global [`Config`] and the policy's [`Tenant`].
//!
//! KubeLB's cloud controller, in a tenant cluster, copies BackendTrafficPolicies to the
//! management cluster, where each tenant owns one namespace (`tenant-{tenant name}`) and Envoy
//! Gateway applies them. [`sync_decision`] is the whole of that choice as one pure function: it
//! borrows its inputs and reads no clock, file, network, environment or random source, so the
//! same inputs always give the same [`SyncDecision`] and a controller can call it from a
//! reconcile loop, a webhook or a test alike.
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
//! | 7 | no target is left after the target rules below | `Reject` [`NoSupportedTarget`](RejectReason::NoSupportedTarget), listing what was dropped |
//! | 7a | both `targetRef` and `targetRefs` are left, which the CRD only allowed because of target selectors that were all dropped | `Reject` [`InvalidAfterRewrite`](RejectReason::InvalidAfterRewrite) |
//! | 8 | otherwise | [`Apply`](SyncDecision::Apply) the rewritten object |
//!
//! `Remove` means: do not sync, and delete any copy synced earlier. `Reject` means: do not sync,
//! keep any copy synced earlier as it is (the last known good one) and tell the tenant why.
//! The flags are plain "off" switches: a tenant can switch a sync off for itself, but nothing in
//! a `Tenant` switches back on what the `Config` switched off. Rules 1 to 5 read nothing but
//! flags and never allocate.
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
//!   targets with KubeLB's rule makes the policy reach exactly the route it named in its own
//!   namespace; renaming the policy keeps same-named policies of two namespaces apart.
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
//! - **Validation first.** An invalid policy is rejected before anything is rewritten: the
//!   management cluster's API server would refuse it anyway, and keeping the last good copy is
//!   safer than deleting it. Rule 9 validates the rewritten object again, so an `Apply` always
//!   carries an object the API server accepts (dropping targets can, in one corner, leave both
//!   `targetRef` and `targetRefs` without the selectors that made that legal).
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
//! let SyncDecision::Apply { object, warnings, .. } = sync_decision(&policy, &config, &tenant) else { panic!() };
//! assert_eq!(object.metadata.namespace.as_deref(), Some("tenant-a"));
//! assert_eq!(object.metadata.name.as_deref(), Some("default-retries"));
//! let targets = object.spec.target_refs.as_ref().unwrap();
//! assert_eq!(targets, &[TargetRef::http_route("default-backend")]);
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

use std::{collections::BTreeMap, fmt};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use sha2::{Digest, Sha256};

use crate::{
    BackendTrafficPolicy, BackendTrafficPolicySpec, TargetRef, TargetSelector, ValidationError, ValidationErrors,
    gateway_api::LocalObjectReference,
    kubelb::{Config, GatewayApiSettings, Tenant, tenant_namespace},
    target::{GATEWAY_API_GROUP, NamespaceFrom, TargetNamespaces},
    traffic::response_override::{CustomResponse, ResponseBody, ResponseOverride},
    validate::ErrorKind,
};

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

/// A combined name at least this long (in characters) is shortened by [`name`].
const MAX_NAME: usize = 60;
/// How many characters of a long combined name [`name`] keeps before the hash.
const KEPT_PREFIX: usize = 55;

/// KubeLB's name, in the management cluster, for the object `name` of namespace `namespace`
/// of a tenant cluster.
///
/// `"{namespace}-{name}"`; when that is 60 characters or longer, its first 55 characters with
/// trailing `-` trimmed, then `-` and the first 4 hex digits of the SHA-256 of the whole
/// `"{namespace}-{name}"`. The result is never longer than 60 characters.
///
/// ```
/// use backend_traffic_policy::sync::name;
/// assert_eq!(name("default", "backend"), "default-backend");
/// assert_eq!(
///     name("production-eu-west-1", "payments-api-httproute-with-a-very-long-name"),
///     "production-eu-west-1-payments-api-httproute-with-a-very-40cb"
/// );
/// ```
#[must_use]
pub fn name(namespace: &str, name: &str) -> String {
    // Built by hand: `format!` costs more than the rest of a short name's work.
    let mut full = String::with_capacity(namespace.len().saturating_add(name.len()).saturating_add(1));
    full.push_str(namespace);
    full.push('-');
    full.push_str(name);
    if full.len() < MAX_NAME || full.chars().count() < MAX_NAME {
        return full;
    }
    let cut = full.char_indices().nth(KEPT_PREFIX).map_or(full.len(), |(at, _)| at);
    let digest = Sha256::digest(full.as_bytes());
    let kept = full.get(..cut).unwrap_or(&full).trim_end_matches('-');
    let hex: String = digest.iter().take(2).map(|byte| format!("{byte:02x}")).collect();
    format!("{kept}-{hex}")
}

/// What a KubeLB controller does with one policy of a tenant cluster.
///
/// Deliberately not `#[non_exhaustive]`: a controller must handle exactly these three cases,
/// and a fourth one should break its build rather than fall into a wildcard arm.
#[derive(Clone, Debug, PartialEq)]
pub enum SyncDecision {
    /// Create or update `object` in the management cluster.
    Apply {
        /// The policy as it must exist in the management cluster (boxed: it is large, and the
        /// other decisions are not).
        object: Box<BackendTrafficPolicy>,
        /// What was changed beyond renaming, in the order of the spec; for the tenant to see.
        warnings: Vec<SyncWarning>,
        /// Objects the policy refers to, which the controller must sync too; each listed once.
        dependencies: Vec<Dependency>,
    },
    /// Do not sync; delete any copy synced earlier.
    Remove {
        /// Why.
        reason: RemoveReason,
    },
    /// Do not sync; keep any copy synced earlier as it is, and report `reason` to the tenant.
    Reject {
        /// Why.
        reason: RejectReason,
    },
}

impl fmt::Display for SyncDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Apply { object, warnings, dependencies } => {
                let namespace = object.metadata.namespace.as_deref().unwrap_or_default();
                let name = object.metadata.name.as_deref().unwrap_or_default();
                write!(f, "apply {namespace}/{name}")?;
                match (warnings.len(), dependencies.len()) {
                    (0, 0) => Ok(()),
                    (w, d) => write!(f, " ({w} warning(s), {d} dependenc{})", if d == 1 { "y" } else { "ies" }),
                }
            }
            Self::Remove { reason } => write!(f, "remove: {reason}"),
            Self::Reject { reason } => write!(f, "reject: {reason}"),
        }
    }
}

/// Which KubeLB resource a setting comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scope {
    /// The global [`Config`], for every tenant.
    Global,
    /// The policy's [`Tenant`], for that tenant only.
    Tenant,
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Global => "in the global KubeLB Config",
            Self::Tenant => "for this tenant",
        })
    }
}

/// Why a policy is not synced and any earlier copy is deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RemoveReason {
    /// `spec.gatewayAPI.disable` is set: KubeLB handles no Gateway API object.
    GatewayApiDisabled(Scope),
    /// `spec.gatewayAPI.disableBackendTrafficPolicy` is set.
    PolicySyncDisabled(Scope),
    /// The policy is being deleted in the tenant cluster (`metadata.deletionTimestamp` is set).
    Deleted,
}

impl fmt::Display for RemoveReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::GatewayApiDisabled(scope) => write!(f, "Gateway API support is disabled {scope}"),
            Self::PolicySyncDisabled(scope) => write!(f, "the sync of BackendTrafficPolicies is disabled {scope}"),
            Self::Deleted => f.write_str("the policy is being deleted"),
        }
    }
}

/// Why a policy is not synced while any earlier copy is kept.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RejectReason {
    /// The policy has no `metadata.namespace` (or an empty one), so its synced name and the
    /// names of its targets cannot be derived.
    #[error("the policy has no namespace")]
    MissingNamespace,
    /// The policy has no `metadata.name` (or an empty one).
    #[error("the policy has no name")]
    MissingName,
    /// The tenant has no `metadata.name`, so its namespace in the management cluster is unknown.
    #[error("the tenant has no name")]
    MissingTenantName,
    /// The policy fails validation; the management cluster's API server would refuse it.
    #[error("the policy is invalid:\n{0}")]
    Invalid(ValidationErrors),
    /// None of the policy's targets is one KubeLB syncs.
    #[error("{}", no_supported_target(dropped))]
    NoSupportedTarget {
        /// Every target that was dropped, in the order of the spec; empty when the policy
        /// targets nothing at all.
        dropped: Vec<DroppedTarget>,
    },
    /// The policy is valid, but the object rewritten for the management cluster is not.
    #[error("the policy cannot be synced: the rewritten object is invalid:\n{0}")]
    InvalidAfterRewrite(ValidationErrors),
}

fn no_supported_target(dropped: &[DroppedTarget]) -> String {
    let mut out = String::from("the policy has no target KubeLB can sync");
    if dropped.is_empty() {
        out.push_str(" (it targets nothing)");
    }
    for target in dropped {
        out.push('\n');
        out.push_str(&target.to_string());
    }
    out
}

/// Something the sync changed beyond renaming, reported to the tenant with an `Apply`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum SyncWarning {
    /// A target was dropped.
    TargetDropped(DroppedTarget),
    /// `namespaces` was removed from a target selector: in the management cluster a selector
    /// only looks in the tenant namespace.
    SelectorNamespacesRemoved {
        /// Index of the selector in `spec.targetSelectors`.
        index: usize,
        /// The `from` it had (`Same` when unset).
        from: NamespaceFrom,
    },
    /// A target selector's own `kubelb.k8c.io/origin-ns` label was replaced by the policy's
    /// namespace.
    SelectorOriginReplaced {
        /// Index of the selector in `spec.targetSelectors`.
        index: usize,
        /// The value the selector had.
        value: String,
    },
}

impl fmt::Display for SyncWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TargetDropped(target) => target.fmt(f),
            Self::SelectorNamespacesRemoved { index, from } => write!(
                f,
                "spec.targetSelectors[{index}].namespaces (from: {from}) removed: the selector only matches routes of the policy's own namespace"
            ),
            Self::SelectorOriginReplaced { index, value } => write!(
                f,
                "spec.targetSelectors[{index}].matchLabels[{LABEL_ORIGIN_NAMESPACE}] {value:?} replaced by the policy's namespace"
            ),
        }
    }
}

/// Where a target sits in the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TargetField {
    /// `spec.targetRef`.
    TargetRef,
    /// `spec.targetRefs[i]`.
    TargetRefs(usize),
    /// `spec.targetSelectors[i]`.
    TargetSelectors(usize),
}

impl fmt::Display for TargetField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TargetRef => f.write_str("spec.targetRef"),
            Self::TargetRefs(i) => write!(f, "spec.targetRefs[{i}]"),
            Self::TargetSelectors(i) => write!(f, "spec.targetSelectors[{i}]"),
        }
    }
}

/// A target that the sync left out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DroppedTarget {
    /// Where it was in the spec.
    pub field: TargetField,
    /// Its kind, as written.
    pub kind: String,
    /// Its name; `None` for a selector.
    pub name: Option<String>,
    /// Why it was dropped.
    pub cause: DropCause,
}

impl fmt::Display for DroppedTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { field, kind, name, cause } = self;
        match name {
            Some(name) => write!(f, "{field} ({kind} {name}) dropped: {cause}"),
            None => write!(f, "{field} ({kind} selector) dropped: {cause}"),
        }
    }
}

/// Why a target was dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DropCause {
    /// KubeLB syncs policies for Gateways, HTTPRoutes and GRPCRoutes (of
    /// `gateway.networking.k8s.io`) only.
    UnsupportedKind,
    /// The sync of this route kind is disabled (`disableHTTPRoute`, `disableGRPCRoute`).
    RouteSyncDisabled(Scope),
}

impl fmt::Display for DropCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnsupportedKind => f.write_str("KubeLB does not sync policies for this kind of target"),
            Self::RouteSyncDisabled(scope) => write!(f, "the sync of this route kind is disabled {scope}"),
        }
    }
}

/// The kinds of objects a policy can depend on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DependencyKind {
    /// A ConfigMap (`responseOverride[].response.body.valueRef`).
    ConfigMap,
}

impl fmt::Display for DependencyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ConfigMap => "ConfigMap",
        })
    }
}

/// An object the synced policy refers to by its management-side name, which the controller
/// must sync alongside the policy.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Dependency {
    /// What kind of object it is.
    pub kind: DependencyKind,
    /// Its namespace in the tenant cluster (the policy's namespace).
    pub namespace: String,
    /// Its name in the tenant cluster.
    pub name: String,
    /// Its name in the tenant namespace of the management cluster: [`name`]`(namespace, name)`.
    pub synced_name: String,
}

impl fmt::Display for Dependency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { kind, namespace, name, synced_name } = self;
        write!(f, "{kind} {namespace}/{name} (synced as {synced_name})")
    }
}

/// Decides what a KubeLB controller does with `policy`, a BackendTrafficPolicy of the tenant
/// cluster of `tenant`, under the global `config`. See the [module docs](self) for the rules.
///
/// Pure: no I/O, clock, environment or randomness; equal inputs give equal decisions. The
/// `Remove` decisions are taken from flags alone and do not allocate.
#[must_use]
pub fn sync_decision(policy: &BackendTrafficPolicy, config: &Config, tenant: &Tenant) -> SyncDecision {
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

    // Rule 7.
    let mut rewrite = Rewrite {
        namespace,
        http_route_off: off_scope(global.http_routes, local.http_routes),
        grpc_route_off: off_scope(global.grpc_routes, local.grpc_routes),
        warnings: Vec::new(),
        dependencies: Vec::new(),
    };
    let spec = rewrite.spec(&policy.spec);
    let Rewrite { warnings, dependencies, .. } = rewrite;
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

    // Rule 8.
    SyncDecision::Apply { object: Box::new(object), warnings, dependencies }
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

/// The metadata of the synced object: new name and namespace, KubeLB's labels, and nothing the
/// tenant cluster's API server owns.
fn synced_metadata(meta: &ObjectMeta, namespace: &str, policy_name: &str, tenant_name: &str) -> ObjectMeta {
    // No `..`: a new metadata field must be sorted into "kept" or "cleared" here.
    let ObjectMeta {
        annotations,
        labels,
        // Replaced.
        name: _,
        namespace: _,
        // Cleared: they describe the object in the tenant cluster.
        creation_timestamp: _,
        deletion_grace_period_seconds: _,
        deletion_timestamp: _,
        finalizers: _,
        generate_name: _,
        generation: _,
        managed_fields: _,
        owner_references: _,
        resource_version: _,
        self_link: _,
        uid: _,
    } = meta;

    let mut labels = labels.clone().unwrap_or_default();
    labels.insert(LABEL_ORIGIN_NAME.to_owned(), policy_name.to_owned());
    labels.insert(LABEL_ORIGIN_NAMESPACE.to_owned(), namespace.to_owned());
    labels.insert(LABEL_MANAGED_BY.to_owned(), MANAGED_BY.to_owned());
    labels.insert(LABEL_TENANT.to_owned(), tenant_name.to_owned());

    let annotations: BTreeMap<String, String> = annotations
        .iter()
        .flatten()
        .filter(|(key, _)| key.as_str() != LAST_APPLIED_ANNOTATION)
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();

    ObjectMeta {
        name: Some(name(namespace, policy_name)),
        namespace: Some(tenant_namespace(tenant_name)),
        labels: Some(labels),
        annotations: (!annotations.is_empty()).then_some(annotations),
        ..ObjectMeta::default()
    }
}

/// What a target becomes in the management cluster.
enum Kept {
    /// Unchanged name (Gateways).
    AsIs,
    /// Renamed with [`name`] (routes).
    Renamed,
}

/// The spec rewrite of one decision: the settings it reads and what it found on the way.
struct Rewrite<'a> {
    namespace: &'a str,
    http_route_off: Option<Scope>,
    grpc_route_off: Option<Scope>,
    warnings: Vec<SyncWarning>,
    dependencies: Vec<Dependency>,
}

impl Rewrite<'_> {
    fn spec(&mut self, spec: &BackendTrafficPolicySpec) -> BackendTrafficPolicySpec {
        // No `..`, here or in the literal below: a new upstream field must be sorted into one of
        // these groups before the crate builds again.
        let BackendTrafficPolicySpec {
            // Targets: filtered and renamed.
            target_ref,
            target_refs,
            target_selectors,
            // References to other objects: renamed and listed as dependencies.
            response_override,
            // Neither a target nor a reference to another object: copied.
            load_balancer,
            retry,
            proxy_protocol,
            tcp_keepalive,
            health_check,
            circuit_breaker,
            timeout,
            connection,
            dns,
            http2,
            merge_type,
            rate_limit,
            bandwidth_limit,
            fault_injection,
            admission_control,
            use_client_protocol,
            compression,
            compressor,
            http_upgrade,
            request_buffer,
            telemetry,
            routing_type,
        } = spec;

        BackendTrafficPolicySpec {
            target_ref: target_ref.as_ref().and_then(|target| self.target_ref(target, TargetField::TargetRef)),
            target_refs: target_refs.as_deref().and_then(|targets| {
                let kept: Vec<_> = targets
                    .iter()
                    .enumerate()
                    .filter_map(|(i, target)| self.target_ref(target, TargetField::TargetRefs(i)))
                    .collect();
                // A list emptied by the sync goes away; one the tenant left empty stays.
                (kept.len() == targets.len() || !kept.is_empty()).then_some(kept)
            }),
            target_selectors: target_selectors.as_deref().and_then(|selectors| {
                let kept: Vec<_> = selectors
                    .iter()
                    .enumerate()
                    .filter_map(|(i, selector)| self.target_selector(selector, i))
                    .collect();
                (kept.len() == selectors.len() || !kept.is_empty()).then_some(kept)
            }),
            response_override: response_override
                .as_deref()
                .map(|overrides| overrides.iter().map(|o| self.response_override(o)).collect()),
            load_balancer: load_balancer.clone(),
            retry: retry.clone(),
            proxy_protocol: proxy_protocol.clone(),
            tcp_keepalive: tcp_keepalive.clone(),
            health_check: health_check.clone(),
            circuit_breaker: circuit_breaker.clone(),
            timeout: timeout.clone(),
            connection: connection.clone(),
            dns: dns.clone(),
            http2: http2.clone(),
            merge_type: merge_type.clone(),
            rate_limit: rate_limit.clone(),
            bandwidth_limit: bandwidth_limit.clone(),
            fault_injection: fault_injection.clone(),
            admission_control: admission_control.clone(),
            use_client_protocol: *use_client_protocol,
            compression: compression.clone(),
            compressor: compressor.clone(),
            http_upgrade: http_upgrade.clone(),
            request_buffer: request_buffer.clone(),
            telemetry: telemetry.clone(),
            routing_type: routing_type.clone(),
        }
    }

    /// Whether a target of `group`/`kind` is kept, and how.
    fn classify(&self, group: &str, kind: &str) -> Result<Kept, DropCause> {
        if group != GATEWAY_API_GROUP {
            return Err(DropCause::UnsupportedKind);
        }
        let off = match kind {
            "Gateway" => return Ok(Kept::AsIs),
            "HTTPRoute" => self.http_route_off,
            "GRPCRoute" => self.grpc_route_off,
            // TCPRoute, UDPRoute, TLSRoute, ListenerSet and anything else.
            _ => return Err(DropCause::UnsupportedKind),
        };
        match off {
            Some(scope) => Err(DropCause::RouteSyncDisabled(scope)),
            None => Ok(Kept::Renamed),
        }
    }

    fn dropped(&mut self, field: TargetField, kind: &str, name: Option<&str>, cause: DropCause) {
        self.warnings.push(SyncWarning::TargetDropped(DroppedTarget {
            field,
            kind: kind.to_owned(),
            name: name.map(str::to_owned),
            cause,
        }));
    }

    fn target_ref(&mut self, target: &TargetRef, field: TargetField) -> Option<TargetRef> {
        let TargetRef { group, kind, name: target_name, section_name } = target;
        let name = match self.classify(group, kind) {
            Ok(Kept::AsIs) => target_name.clone(),
            Ok(Kept::Renamed) => name(self.namespace, target_name),
            Err(cause) => {
                self.dropped(field, kind, Some(target_name), cause);
                return None;
            }
        };
        Some(TargetRef { group: group.clone(), kind: kind.clone(), name, section_name: section_name.clone() })
    }

    fn target_selector(&mut self, selector: &TargetSelector, index: usize) -> Option<TargetSelector> {
        let TargetSelector { group, kind, namespaces, match_labels, match_expressions } = selector;
        if let Err(cause) = self.classify(group.as_deref().unwrap_or(GATEWAY_API_GROUP), kind) {
            self.dropped(TargetField::TargetSelectors(index), kind, None, cause);
            return None;
        }
        if let Some(TargetNamespaces { from, selector: _ }) = namespaces {
            let from = from.clone().unwrap_or(NamespaceFrom::Same);
            self.warnings.push(SyncWarning::SelectorNamespacesRemoved { index, from });
        }
        let mut labels = match_labels.clone().unwrap_or_default();
        if let Some(value) = labels.insert(LABEL_ORIGIN_NAMESPACE.to_owned(), self.namespace.to_owned())
            && value != self.namespace
        {
            self.warnings.push(SyncWarning::SelectorOriginReplaced { index, value });
        }
        Some(TargetSelector {
            group: group.clone(),
            kind: kind.clone(),
            namespaces: None,
            match_labels: Some(labels),
            match_expressions: match_expressions.clone(),
        })
    }

    fn response_override(&mut self, item: &ResponseOverride) -> ResponseOverride {
        let ResponseOverride { r#match, response, redirect, source } = item;
        ResponseOverride {
            r#match: r#match.clone(),
            response: response.as_ref().map(|response| self.custom_response(response)),
            redirect: redirect.clone(),
            source: source.clone(),
        }
    }

    fn custom_response(&mut self, response: &CustomResponse) -> CustomResponse {
        let CustomResponse { content_type, body, status_code, header } = response;
        CustomResponse {
            content_type: content_type.clone(),
            body: body.as_ref().map(|body| self.response_body(body)),
            status_code: *status_code,
            header: header.clone(),
        }
    }

    fn response_body(&mut self, body: &ResponseBody) -> ResponseBody {
        let ResponseBody { r#type, inline, value_ref } = body;
        ResponseBody {
            r#type: r#type.clone(),
            inline: inline.clone(),
            value_ref: value_ref.as_ref().map(|reference| self.config_map(reference)),
        }
    }

    /// Renames a ConfigMap reference (validation has made sure the kind is `ConfigMap`) and
    /// records the ConfigMap as a dependency, once.
    fn config_map(&mut self, reference: &LocalObjectReference) -> LocalObjectReference {
        let LocalObjectReference { group, kind, name: config_map } = reference;
        let synced_name = name(self.namespace, config_map);
        if !self.dependencies.iter().any(|d| d.kind == DependencyKind::ConfigMap && d.name == *config_map) {
            self.dependencies.push(Dependency {
                kind: DependencyKind::ConfigMap,
                namespace: self.namespace.to_owned(),
                name: config_map.clone(),
                synced_name: synced_name.clone(),
            });
        }
        LocalObjectReference { group: group.clone(), kind: kind.clone(), name: synced_name }
    }
}
