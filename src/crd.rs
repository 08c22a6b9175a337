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
    if map.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
        map.insert("anyOf".into(), json!([{ "type": "integer" }, { "type": "string" }]));
    }
}
