//! The status Envoy Gateway writes on a policy: one entry per ancestor (Gateway) it applies to.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::schema;

/// The observed state of a policy (Gateway API `PolicyStatus`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyStatus {
    /// One entry per ancestor and controller, at most 16.
    #[schemars(length(max = 16), extend("x-kubernetes-list-type" = "atomic"))]
    pub ancestors: Vec<AncestorStatus>,
}

/// How one controller sees the policy for one ancestor.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AncestorStatus {
    /// The ancestor (usually a Gateway) this entry is about.
    pub ancestor_ref: ParentReference,
    /// The controller that wrote the entry, such as `gateway.envoyproxy.io/gatewayclass-controller`.
    #[schemars(length(min = 1, max = 253), regex(pattern = schema::CONTROLLER_PATTERN))]
    pub controller_name: String,
    /// Conditions such as `Accepted`, one per type, 1 to 8.
    #[schemars(schema_with = "schema::ancestor_conditions")]
    pub conditions: Vec<Condition>,
}

/// A reference to a parent object, such as a Gateway or one of its listeners.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ParentReference {
    /// API group of the parent. Defaults to `gateway.networking.k8s.io`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        length(max = 253),
        regex(pattern = schema::GROUP_PATTERN),
        extend("default" = "gateway.networking.k8s.io")
    )]
    pub group: Option<String>,
    /// Kind of the parent. Defaults to `Gateway`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 63), regex(pattern = schema::KIND_PATTERN), extend("default" = "Gateway"))]
    pub kind: Option<String>,
    /// Namespace of the parent; the policy's namespace when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 63), regex(pattern = schema::DNS_LABEL_PATTERN))]
    pub namespace: Option<String>,
    /// Name of the parent.
    #[schemars(length(min = 1, max = 253))]
    pub name: String,
    /// A listener of the parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 253), regex(pattern = schema::DNS_SUBDOMAIN_PATTERN))]
    pub section_name: Option<String>,
    /// A port of the parent, 1 to 65535.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<i32>,
}
