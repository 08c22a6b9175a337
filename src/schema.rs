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
