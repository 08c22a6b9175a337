//! The JSON Envoy Gateway's Go types write for a stored policy, where it differs from ours.
//!
//! `utils.Merge` (internal/utils/merge.go:66-78) marshals both policies with `encoding/json`
//! before merging, so what the merge sees is the Go marshalling of the Go structs of
//! api/v1alpha1 at v1.9.0, not the stored JSON. The differences that can change a merge, found
//! by walking every field's `json` tag from `BackendTrafficPolicySpec` down and keeping those
//! the CRD leaves optional without a default:
//!
//! - every optional list and map is `omitempty`: an empty one is left out, so a route's `[]`
//!   inherits the parent's list instead of clearing it;
//! - `rateLimit.local.rules` (ratelimit_types.go:72) is not `omitempty`: a `local` block without
//!   rules is written with `rules: null`, which deletes the other side's rules;
//! - `requestBuffer.limit` (backendtrafficpolicy_types.go:216) is a `resource.Quantity` value,
//!   never omitted: a `requestBuffer` without a limit is written with `limit: "0"`;
//! - health-check payloads' `binary` is an `omitempty` byte slice: `""` is left out;
//! - `metadata.creationTimestamp` is a struct that marshals a zero time as `null`, and the
//!   other `ObjectMeta` scalars are `omitempty` (`""`, generation `0` left out).
//!
//! Non-`omitempty` pointers elsewhere (`slowStart.window`, `endpointOverride.extractFrom`,
//! `healthCheck.active.timeout`, ...) are required or defaulted by the CRD, so a stored policy
//! always has them and they never marshal as `null`. `loadBalancer.dynamicModule.config` is raw
//! JSON and is written as stored.

use serde_json::{Map, Value};

/// Lists without `omitempty`: an empty one is written as `[]` (the first two are required).
const KEPT_EMPTY_LISTS: &[&[&str]] = &[
    &["spec", "loadBalancer", "endpointOverride", "extractFrom"],
    &["spec", "rateLimit", "global", "rules"],
    &["spec", "rateLimit", "local", "rules"],
];

/// Go maps (`omitempty`, so an empty one is left out); every other JSON object is a struct
/// and is written even when empty (`gzip: {}`).
const MAPS: &[&[&str]] = &[
    &["metadata", "labels"],
    &["metadata", "annotations"],
    &["spec", "targetSelectors", "matchLabels"],
    &["spec", "targetSelectors", "namespaces", "selector", "matchLabels"],
    &["spec", "loadBalancer", "consistentHash", "cookie", "attributes"],
    &["spec", "telemetry", "tracing", "customTags"],
    &["spec", "telemetry", "tracing", "tags"],
];

/// Raw JSON (`apiextensionsv1.JSON`), written verbatim.
pub(super) const RAW_JSON: &[&str] = &["spec", "loadBalancer", "dynamicModule", "config"];

/// The `omitempty` scalars of `ObjectMeta` and `TypeMeta` a stored object can hold as zero.
const META_STRINGS: &[&str] = &["name", "generateName", "namespace", "selfLink", "uid", "resourceVersion"];

/// Rewrites a serialized policy (without `status`) into what `json.Marshal` writes for it.
pub(super) fn go_marshal(doc: &mut Value) {
    let Value::Object(root) = doc else { return };
    for key in ["apiVersion", "kind"] {
        if root.get(key).is_some_and(|v| v.as_str() == Some("")) {
            root.remove(key);
        }
    }
    if let Some(Value::Object(meta)) = root.get_mut("metadata") {
        meta.retain(|k, v| {
            let zero_string = META_STRINGS.contains(&k.as_str()) && v.as_str() == Some("");
            let zero_generation = k == "generation" && v.as_i64() == Some(0);
            !(zero_string || zero_generation)
        });
        meta.entry("creationTimestamp").or_insert(Value::Null);
    }
    let mut path = Vec::new();
    omit_empty(root, &mut path);
    if let Some(Value::Object(spec)) = root.get_mut("spec") {
        if let Some(Value::Object(local)) = spec.get_mut("rateLimit").and_then(|r| r.get_mut("local")) {
            local.entry("rules").or_insert(Value::Null);
        }
        if let Some(Value::Object(buffer)) = spec.get_mut("requestBuffer") {
            buffer.entry("limit").or_insert_with(|| Value::String("0".to_owned()));
        }
    }
}

/// Drops the empty lists, maps and byte strings that Go's `omitempty` leaves out, below `map`
/// (whose key path is `path`, list indices not counted).
fn omit_empty(map: &mut Map<String, Value>, path: &mut Vec<String>) {
    map.retain(|key, value| {
        path.push(key.clone());
        let keep = match value {
            Value::Array(items) => !items.is_empty() || in_table(KEPT_EMPTY_LISTS, path),
            Value::Object(fields) => !(fields.is_empty() && in_table(MAPS, path)),
            Value::String(s) => !(s.is_empty() && key == "binary"),
            _ => true,
        };
        if keep && !is(path, RAW_JSON) {
            descend(value, path);
        }
        path.pop();
        keep
    });
}

fn descend(value: &mut Value, path: &mut Vec<String>) {
    match value {
        Value::Object(fields) => omit_empty(fields, path),
        Value::Array(items) => items.iter_mut().for_each(|item| descend(item, path)),
        _ => {}
    }
}

fn in_table(table: &[&[&str]], path: &[String]) -> bool {
    table.iter().any(|entry| is(path, entry))
}

/// `true` when `path` is exactly `entry`.
pub(super) fn is(path: &[String], entry: &[&str]) -> bool {
    path.len() == entry.len() && path.iter().zip(entry).all(|(a, b)| a == b)
}
