//! Which management-side objects a synced policy expects to reach, and names that collide.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{LABEL_ORIGIN_NAME, LABEL_ORIGIN_NAMESPACE, name};
use crate::{BackendTrafficPolicy, TargetRef, target::GATEWAY_API_GROUP};

/// A target of an `Apply` object, with the tenant-cluster object KubeLB synced it from.
///
/// KubeLB's names are ambiguous (`name("a", "b-c") == name("a-b", "c")`, and two long names can
/// share a shortened one), so the name alone does not prove that the object found in the tenant
/// namespace is the one the tenant meant. KubeLB labels every object it syncs with its origin;
/// [`is_origin_of`](Self::is_origin_of) checks those labels.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SyncedTarget {
    /// The target's kind (`Gateway`, `HTTPRoute`, `GRPCRoute`).
    pub kind: String,
    /// Its name in the tenant namespace of the management cluster, as the `Apply` object names it.
    pub synced_name: String,
    /// Its namespace in the tenant cluster: the policy's namespace.
    pub origin_namespace: String,
    /// Its name in the tenant cluster, as the policy names it.
    pub origin_name: String,
}

impl SyncedTarget {
    /// Whether `meta`, the metadata of an object of kind [`kind`](Self::kind) found in the tenant
    /// namespace of the management cluster, is this target: its name is
    /// [`synced_name`](Self::synced_name) and KubeLB's [`LABEL_ORIGIN_NAMESPACE`] and
    /// [`LABEL_ORIGIN_NAME`] labels name the origin. A controller that finds another object under
    /// the synced name should not attach the policy to it.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use backend_traffic_policy::sync::SyncedTarget;
    /// use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    ///
    /// let target = SyncedTarget {
    ///     kind: "HTTPRoute".into(),
    ///     synced_name: "a-b-c".into(),
    ///     origin_namespace: "a".into(),
    ///     origin_name: "b-c".into(),
    /// };
    /// let route = |ns: &str, name: &str| ObjectMeta {
    ///     name: Some("a-b-c".into()),
    ///     labels: Some(BTreeMap::from([
    ///         ("kubelb.k8c.io/origin-ns".to_owned(), ns.to_owned()),
    ///         ("kubelb.k8c.io/origin-name".to_owned(), name.to_owned()),
    ///     ])),
    ///     ..ObjectMeta::default()
    /// };
    /// assert!(target.is_origin_of(&route("a", "b-c")));
    /// assert!(!target.is_origin_of(&route("a-b", "c")));
    /// ```
    #[must_use]
    pub fn is_origin_of(&self, meta: &ObjectMeta) -> bool {
        let label = |key: &str| meta.labels.as_ref().and_then(|labels| labels.get(key)).map(String::as_str);
        meta.name.as_deref() == Some(self.synced_name.as_str())
            && label(LABEL_ORIGIN_NAMESPACE) == Some(self.origin_namespace.as_str())
            && label(LABEL_ORIGIN_NAME) == Some(self.origin_name.as_str())
    }
}

/// An object of the tenant cluster, by namespace and name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
}

/// Distinct objects of one tenant cluster that get the same name in the tenant namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Collision {
    /// Policies whose synced copies have the same name: only one of them can exist.
    PolicyName {
        /// The shared name.
        synced_name: String,
        /// The policies, sorted.
        policies: Vec<ObjectKey>,
    },
    /// Objects that policies refer to (targets, ConfigMaps of response bodies) whose synced
    /// copies have the same kind and name: a policy may reach another one than it named.
    ReferenceName {
        /// Their kind.
        kind: String,
        /// The shared name.
        synced_name: String,
        /// The referred objects, sorted.
        objects: Vec<ObjectKey>,
    },
}

/// The collisions among `policies`, all of one tenant cluster: policies whose synced names are
/// equal, and referred objects (Gateways, HTTPRoutes, GRPCRoutes and response-body ConfigMaps)
/// whose synced names are equal for one kind. Gateways keep their names, so same-named Gateways
/// of two namespaces collide too. Policies without namespace or name are skipped; targets of
/// kinds KubeLB does not sync are ignored. Sorted by kind and name; deterministic.
///
/// ```
/// use backend_traffic_policy::{BackendTrafficPolicy, BackendTrafficPolicySpec, TargetRef, sync};
/// let policy = |ns: &str, name: &str, route: &str| {
///     BackendTrafficPolicy::namespaced(ns, name, BackendTrafficPolicySpec::targeting([TargetRef::http_route(route)]))
/// };
/// let found = sync::collisions(&[policy("a", "b-c", "r-s"), policy("a-b", "c", "s"), policy("a", "x", "r-s")]);
/// assert_eq!(found.len(), 1, "a-b-c is one policy name; a-r-s is one route reached from two policies");
/// ```
#[must_use]
pub fn collisions(policies: &[BackendTrafficPolicy]) -> Vec<Collision> {
    let mut policy_names: BTreeMap<String, BTreeSet<ObjectKey>> = BTreeMap::new();
    let mut references: BTreeMap<(String, String), BTreeSet<ObjectKey>> = BTreeMap::new();
    for policy in policies {
        let (Some(namespace), Some(policy_name)) =
            (policy.metadata.namespace.as_deref(), policy.metadata.name.as_deref())
        else {
            continue;
        };
        let key = |name: &str| ObjectKey { namespace: namespace.to_owned(), name: name.to_owned() };
        policy_names.entry(name(namespace, policy_name)).or_default().insert(key(policy_name));
        for (kind, origin, synced) in referred(policy, namespace) {
            references.entry((kind.to_owned(), synced)).or_default().insert(key(origin));
        }
    }
    let policies = policy_names
        .into_iter()
        .filter(|(_, keys)| keys.len() > 1)
        .map(|(synced_name, keys)| Collision::PolicyName { synced_name, policies: keys.into_iter().collect() });
    let references = references.into_iter().filter(|(_, keys)| keys.len() > 1).map(|((kind, synced_name), keys)| {
        Collision::ReferenceName { kind, synced_name, objects: keys.into_iter().collect() }
    });
    policies.chain(references).collect()
}

/// The objects `policy` refers to by name: (kind, name in the tenant cluster, synced name).
fn referred<'a>(policy: &'a BackendTrafficPolicy, namespace: &str) -> Vec<(&'a str, &'a str, String)> {
    let spec = &policy.spec;
    let targets = spec.target_ref.iter().chain(spec.target_refs.iter().flatten());
    let mut out: Vec<_> = targets.filter_map(|target| synced_target_name(target, namespace)).collect();
    let config_maps = spec
        .response_override
        .iter()
        .flatten()
        .filter_map(|o| o.response.as_ref()?.body.as_ref()?.value_ref.as_ref())
        .map(|reference| ("ConfigMap", reference.name.as_str(), name(namespace, &reference.name)));
    out.extend(config_maps);
    out
}

/// The kind, origin name and synced name of a target KubeLB syncs; `None` for other kinds.
pub(super) fn synced_target_name<'a>(target: &'a TargetRef, namespace: &str) -> Option<(&'a str, &'a str, String)> {
    if target.group != GATEWAY_API_GROUP {
        return None;
    }
    let synced = match target.kind.as_str() {
        "Gateway" => target.name.clone(),
        "HTTPRoute" | "GRPCRoute" => name(namespace, &target.name),
        _ => return None,
    };
    Some((target.kind.as_str(), target.name.as_str(), synced))
}
