//! What a policy attaches to: direct references (`targetRef`, `targetRefs`) and label selectors
//! (`targetSelectors`).

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    macros::string_enum,
    schema::{self, Rule},
    validate::{CheckRules, Path, ValidationErrors},
};

/// The API group of every kind a BackendTrafficPolicy may target.
pub const GATEWAY_API_GROUP: &str = "gateway.networking.k8s.io";

/// Envoy Gateway rule on [`TargetSelector`].
pub(crate) const R62: Rule = Rule {
    rule: "has(self.group) ? self.group == 'gateway.networking.k8s.io' : true ",
    message: "group must be gateway.networking.k8s.io",
};
/// Envoy Gateway rule on [`TargetNamespaces`].
pub(crate) const R63: Rule = Rule {
    rule: "self.from != 'Selector' || has(self.selector)",
    message: "selector must be specified when from is Selector",
};

/// A reference to an object in the policy's namespace, optionally narrowed to one section
/// (a Gateway listener or a route rule).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TargetRef {
    /// API group of the target; `gateway.networking.k8s.io` for every kind this policy accepts.
    #[schemars(length(max = 253), regex(pattern = schema::GROUP_PATTERN))]
    pub group: String,
    /// Kind of the target: `Gateway`, `HTTPRoute`, `GRPCRoute`, ...
    #[schemars(length(min = 1, max = 63), regex(pattern = schema::KIND_PATTERN))]
    pub kind: String,
    /// Name of the target.
    #[schemars(length(min = 1, max = 253))]
    pub name: String,
    /// Name of a listener or rule within the target; the whole target when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 253), regex(pattern = schema::DNS_SUBDOMAIN_PATTERN))]
    pub section_name: Option<String>,
}

impl TargetRef {
    /// A reference to a Gateway API object of `kind` named `name`.
    #[must_use]
    pub fn new(kind: impl Into<String>, name: impl Into<String>) -> Self {
        Self { group: GATEWAY_API_GROUP.to_owned(), kind: kind.into(), name: name.into(), section_name: None }
    }

    /// A reference to the Gateway `name`.
    #[must_use]
    pub fn gateway(name: impl Into<String>) -> Self {
        Self::new("Gateway", name)
    }

    /// A reference to the HTTPRoute `name`.
    #[must_use]
    pub fn http_route(name: impl Into<String>) -> Self {
        Self::new("HTTPRoute", name)
    }

    /// A reference to the GRPCRoute `name`.
    #[must_use]
    pub fn grpc_route(name: impl Into<String>) -> Self {
        Self::new("GRPCRoute", name)
    }

    /// The same reference narrowed to one section.
    #[must_use]
    pub fn with_section(mut self, section: impl Into<String>) -> Self {
        self.section_name = Some(section.into());
        self
    }
}

/// Selects targets by label instead of by name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [R62]))]
pub struct TargetSelector {
    /// API group of the selected kind. Defaults to `gateway.networking.k8s.io`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        length(max = 253),
        regex(pattern = schema::GROUP_PATTERN),
        extend("default" = "gateway.networking.k8s.io")
    )]
    pub group: Option<String>,
    /// Kind of the objects to select.
    #[schemars(length(min = 1, max = 63), regex(pattern = schema::KIND_PATTERN))]
    pub kind: String,
    /// Which namespaces to look in; the policy's own namespace when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespaces: Option<TargetNamespaces>,
    /// Labels the objects must carry, with these exact values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_labels: Option<BTreeMap<String, String>>,
    /// Label expressions the objects must all satisfy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "schema::label_selector_requirements")]
    pub match_expressions: Option<Vec<LabelSelectorRequirement>>,
}

string_enum! {
    /// Which namespaces a target selector looks in.
    pub enum NamespaceFrom {
        /// Only the policy's own namespace.
        Same = "Same",
        /// Every namespace.
        All = "All",
        /// The namespaces matched by `selector`.
        Selector = "Selector",
    }
}

/// The namespace scope of a [`TargetSelector`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(
    extend("x-kubernetes-validations" = [R63]),
    transform = |s: &mut schemars::Schema| schema::require(s, "from")
)]
pub struct TargetNamespaces {
    /// Where to look. Defaults to `Same`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "Same"))]
    pub from: Option<NamespaceFrom>,
    /// Label selector of the namespaces, required when `from` is `Selector`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "schema::label_selector")]
    pub selector: Option<LabelSelector>,
}

/// R62 (an explicit `group` must be the Gateway API group), then R63 on `namespaces`.
impl CheckRules for TargetSelector {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        errors.check(self.group.as_deref().is_none_or(|group| group == GATEWAY_API_GROUP), path, R62);
        self.namespaces.check_rules(&path.key("namespaces"), errors);
    }
}

/// R63, with the CRD default `from: Same` applied when `from` is absent.
impl CheckRules for TargetNamespaces {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        let from = self.from.as_ref().map_or("Same", NamespaceFrom::as_str);
        errors.check(from != "Selector" || self.selector.is_some(), path, R63);
    }
}
