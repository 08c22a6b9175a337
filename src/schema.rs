//! Pieces shared by the JSON schemas of several API areas: the upstream patterns and small
//! schema transforms used through `#[schemars(transform = ..)]`.

use schemars::Schema;

/// Gateway API `Group`: empty (the core group) or an RFC 1123 subdomain.
pub const GROUP_PATTERN: &str = r"^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
/// Gateway API `Kind`.
pub const KIND_PATTERN: &str = r"^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$";
/// RFC 1123 subdomain (Gateway API `SectionName`, `PreciseHostname`).
pub const DNS_SUBDOMAIN_PATTERN: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
/// RFC 1123 label (Gateway API `Namespace`).
pub const DNS_LABEL_PATTERN: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
/// Gateway API `GatewayController`: a domain, a slash and a path.
pub const CONTROLLER_PATTERN: &str =
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+$";
/// Gateway API `HeaderName` / `HTTPHeaderName`: an RFC 7230 token.
pub const HEADER_NAME_PATTERN: &str = r"^[A-Za-z0-9!#$%&'*+\-.^_\x60|~]+$";

/// Removes the `format` schemars puts on Rust integers, for Go `int` fields that have none upstream.
pub fn no_format(schema: &mut Schema) {
    schema.remove("format");
}

/// Sets `format: int32` on an integer schema (Go `int32`/`uint32` fields).
pub fn int32(schema: &mut Schema) {
    schema.insert("format".into(), "int32".into());
}

/// Sets `format: int64` on an integer schema (Go `int64`/`uint64` fields).
pub fn int64(schema: &mut Schema) {
    schema.insert("format".into(), "int64".into());
}

/// One CEL rule of the upstream CRD: the rule text and the message the API server prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Rule {
    /// The CEL expression, exactly as upstream writes it.
    pub rule: &'static str,
    /// The message printed when the rule does not hold.
    pub message: &'static str,
}

/// Schema of a free-form JSON value (`x-kubernetes-preserve-unknown-fields`).
pub fn any_json(_: &mut schemars::SchemaGenerator) -> Schema {
    schemars::json_schema!({ "x-kubernetes-preserve-unknown-fields": true })
}

/// Adds `name` to the `required` list of an object schema: the field may be omitted by a
/// client because the API server fills in its default, yet upstream lists it as required.
pub fn require(schema: &mut Schema, name: &str) {
    let entry = schema.ensure_object().entry("required").or_insert_with(|| serde_json::Value::Array(Vec::new()));
    if let Some(list) = entry.as_array_mut()
        && !list.iter().any(|v| v == name)
    {
        list.push(name.into());
    }
}

/// `metav1.Condition.type`: an optional DNS-subdomain prefix and a name.
pub const CONDITION_TYPE_PATTERN: &str =
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$";
/// `metav1.Condition.reason`: a CamelCase word.
pub const CONDITION_REASON_PATTERN: &str = r"^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$";

/// Schema of one `metav1.LabelSelectorRequirement`, with apimachinery's list markers (the
/// schema k8s-openapi derives leaves them out).
fn label_selector_requirement() -> Schema {
    schemars::json_schema!({
        "type": "object",
        "description": "A label key, an operator (In, NotIn, Exists, DoesNotExist) and the values it applies to.",
        "properties": {
            "key": { "type": "string", "description": "The label key." },
            "operator": { "type": "string", "description": "In, NotIn, Exists or DoesNotExist." },
            "values": {
                "type": "array",
                "description": "Values for In and NotIn; empty for Exists and DoesNotExist.",
                "items": { "type": "string" },
                "x-kubernetes-list-type": "atomic"
            }
        },
        "required": ["key", "operator"]
    })
}

/// Schema of a list of label selector requirements (an atomic list).
pub fn label_selector_requirements(_: &mut schemars::SchemaGenerator) -> Schema {
    schemars::json_schema!({
        "type": "array",
        "description": "Label expressions that must all hold.",
        "items": label_selector_requirement(),
        "x-kubernetes-list-type": "atomic"
    })
}

/// Schema of a `metav1.LabelSelector` as Kubernetes marks it (an atomic map).
pub fn label_selector(generator: &mut schemars::SchemaGenerator) -> Schema {
    schemars::json_schema!({
        "type": "object",
        "description": "Selects objects by labels: exact values and expressions, all of which must match.",
        "properties": {
            "matchLabels": {
                "type": "object",
                "description": "Labels that must be present with these exact values.",
                "additionalProperties": { "type": "string" }
            },
            "matchExpressions": label_selector_requirements(generator)
        },
        "x-kubernetes-map-type": "atomic"
    })
}

/// Schema of the conditions of a policy ancestor: `metav1.Condition` items with apimachinery's
/// constraints, one per `type`, 1 to 8.
pub fn ancestor_conditions(_: &mut schemars::SchemaGenerator) -> Schema {
    schemars::json_schema!({
        "type": "array",
        "description": "Conditions such as Accepted, one per type.",
        "minItems": 1,
        "maxItems": 8,
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["type"],
        "items": {
            "type": "object",
            "description": "One observation about the policy.",
            "properties": {
                "lastTransitionTime": { "type": "string", "format": "date-time", "description": "When the status last changed." },
                "message": { "type": "string", "maxLength": 32768, "description": "Details for humans." },
                "observedGeneration": { "type": "integer", "format": "int64", "minimum": 0, "description": "The generation the condition was computed for." },
                "reason": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 1024,
                    "pattern": CONDITION_REASON_PATTERN,
                    "description": "A CamelCase word for the last transition."
                },
                "status": { "type": "string", "enum": ["True", "False", "Unknown"], "description": "True, False or Unknown." },
                "type": { "type": "string", "maxLength": 316, "pattern": CONDITION_TYPE_PATTERN, "description": "The kind of condition." }
            },
            "required": ["lastTransitionTime", "message", "reason", "status", "type"]
        }
    })
}
