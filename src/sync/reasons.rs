//! What a sync decision says and why: the decision, its reasons, warnings and dependencies.

use std::fmt;

use super::{LABEL_ORIGIN_NAMESPACE, ManagementSideField, SyncedTarget};
use crate::{
    BackendTrafficPolicy, ValidationErrors,
    envoy_gateway::{Ignored, NotAccepted},
    target::NamespaceFrom,
};

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
        /// What was changed beyond renaming, in the order of the spec, then Envoy Gateway's
        /// deprecation warning and the settings it ignores; for the tenant to see.
        warnings: Vec<SyncWarning>,
        /// Objects the policy refers to, which the controller must sync too; each listed once.
        dependencies: Vec<Dependency>,
        /// The named targets the object reaches, each once, in the order of the spec: check
        /// each with [`SyncedTarget::is_origin_of`] before trusting that the object found under
        /// the synced name is the one the tenant meant.
        targets: Vec<SyncedTarget>,
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
            Self::Apply { object, warnings, dependencies, targets: _ } => {
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
    /// The global [`Config`](crate::kubelb::Config), for every tenant.
    Global,
    /// The policy's [`Tenant`](crate::kubelb::Tenant), for that tenant only.
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
    /// The policy is valid, but the object rewritten for the management cluster is not: the
    /// management cluster's API server would refuse it (or, for a response body's ConfigMap,
    /// the ConfigMap the controller must create), with these errors. Its `Display` adds one
    /// sentence per name to change: the tenant's, the policy's, or the ConfigMap's.
    #[error("{}", invalid_after_rewrite(.0))]
    InvalidAfterRewrite(ValidationErrors),
    /// The management cluster's Envoy Gateway would refuse the synced object: it would set
    /// `Accepted=False` on it and answer every request of the routes it covers with a direct
    /// 500. The `Display` of the inner value is exactly Envoy Gateway's condition message.
    #[error("Envoy Gateway would not accept it: {0}")]
    NotAccepted(NotAccepted),
    /// The policy uses fields that act on the shared management proxy rather than on the
    /// tenant's traffic, of kinds the platform has not allowed
    /// ([`SyncOptions::allow`](super::SyncOptions::allow)).
    #[error("{}", management_side(fields))]
    ManagementSide {
        /// Each field at fault, in the order of the spec; never empty.
        fields: Vec<ManagementSideField>,
    },
}

fn management_side(fields: &[ManagementSideField]) -> String {
    let mut out = String::from(
        "the policy uses fields that act on the management cluster's proxy, which the platform does not allow:",
    );
    for field in fields {
        out.push('\n');
        out.push_str(&field.to_string());
    }
    out
}

fn invalid_after_rewrite(errors: &ValidationErrors) -> String {
    format!(
        "the policy cannot be synced: the object rewritten for the management cluster is invalid:\n{errors}{}",
        super::storable::fixes(errors)
    )
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
    /// Envoy Gateway will set a `Warning`/`DeprecatedField` condition on the synced object; this
    /// is its exact message (`spec.targetRef is deprecated, use spec.targetRefs instead`).
    EnvoyGatewayDeprecation(String),
    /// A setting Envoy Gateway accepts but does not apply as written, with its field path.
    EnvoyGatewayIgnored(Ignored),
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
            Self::EnvoyGatewayDeprecation(message) => write!(f, "Envoy Gateway will warn: {message}"),
            Self::EnvoyGatewayIgnored(ignored) => ignored.fmt(f),
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
    /// Its name in the tenant namespace of the management cluster: [`name`](super::name)`(namespace, name)`.
    pub synced_name: String,
}

impl fmt::Display for Dependency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { kind, namespace, name, synced_name } = self;
        write!(f, "{kind} {namespace}/{name} (synced as {synced_name})")
    }
}
