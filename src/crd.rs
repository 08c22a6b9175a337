//! Turns the CRD kube's derive produces into the shape of the upstream one.

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use serde_json::{Map, Value, json};

/// Rewrites the schema of every version (see [`crate::BackendTrafficPolicy::crd`]).
pub(crate) fn normalized(mut crd: CustomResourceDefinition) -> CustomResourceDefinition {
    crd.spec.names.list_kind = Some(format!("{}List", crd.spec.names.kind));
    for version in &mut crd.spec.versions {
        let Some(props) = version.schema.as_mut().and_then(|s| s.open_api_v3_schema.as_mut()) else {
            continue;
        };
        let Ok(mut value) = serde_json::to_value(&*props) else { continue };
        normalize(&mut value);
        if let Some(root) = value.as_object_mut() {
            root.insert(
                "description".into(),
                "An Envoy Gateway BackendTrafficPolicy: traffic settings between Envoy and the backends of its targets."
                    .into(),
            );
            root.remove("title");
            if let Some(properties) = root.get_mut("properties").and_then(Value::as_object_mut) {
                properties.insert("apiVersion".into(), json!({ "type": "string" }));
                properties.insert("kind".into(), json!({ "type": "string" }));
                properties.insert("metadata".into(), json!({ "type": "object" }));
            }
        }
        if let Ok(fixed) = serde_json::from_value(value) {
            *props = fixed;
        }
    }
    crd
}

/// Removes what the derive adds for `Option<T>` (`nullable`, `null` in enums) and restores the
/// typed alternatives of int-or-string schemas, everywhere in the tree.
fn normalize(value: &mut Value) {
    match value {
        Value::Object(map) => {
            strip_optional(map);
            for child in map.values_mut() {
                normalize(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalize),
        _ => {}
    }
}

fn strip_optional(map: &mut Map<String, Value>) {
    map.remove("nullable");
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
    // An `Option` of a `@twice` string enum (an `allOf` of two enums) loses its `type` in the
    // derive's handling of `null`; upstream keeps `type: string`.
    let string_enums = |parts: &Vec<Value>| {
        parts.iter().all(|p| p.get("enum").and_then(Value::as_array).is_some_and(|e| e.iter().all(Value::is_string)))
    };
    if !map.contains_key("type") && map.get("allOf").and_then(Value::as_array).is_some_and(string_enums) {
        map.insert("type".into(), json!("string"));
    }
    if map.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
        map.insert("anyOf".into(), json!([{ "type": "integer" }, { "type": "string" }]));
    }
}

/// The `openAPIV3Schema` of [`crate::BackendTrafficPolicy::crd`] as JSON, built on first use.
pub(crate) fn schema_value() -> &'static Value {
    static SCHEMA: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        let crd = crate::BackendTrafficPolicy::crd();
        crd.spec
            .versions
            .first()
            .and_then(|v| v.schema.as_ref())
            .and_then(|s| s.open_api_v3_schema.as_ref())
            .and_then(|s| serde_json::to_value(s).ok())
            .unwrap_or(Value::Null)
    })
}

/// Applies the schema's defaults to `value` the way the API server's structural defaulting
/// does: a missing property with a default gets it (and the defaults inside it), inside every
/// object that is present; explicit `null`s of non-nullable fields are dropped first.
pub(crate) fn apply_defaults(schema: &Value, value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (key, prop) in props {
                    if !map.contains_key(key)
                        && let Some(default) = prop.get("default")
                    {
                        map.insert(key.clone(), default.clone());
                    }
                    if let Some(child) = map.get_mut(key) {
                        apply_defaults(prop, child);
                    }
                }
            } else if let Some(extra) = schema.get("additionalProperties").filter(|v| v.is_object()) {
                map.values_mut().for_each(|v| apply_defaults(extra, v));
            }
        }
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                items.iter_mut().for_each(|v| apply_defaults(item, v));
            }
        }
        _ => {}
    }
}
