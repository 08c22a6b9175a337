//! RFC 7386 JSON merge patch as `github.com/evanphx/json-patch` v5.9.11 applies it.
//!
//! Written here rather than taken from the `json-patch` crate: that crate follows RFC 7386 to
//! the letter, while Envoy Gateway's library (merge.go:10-89 of json-patch v5.9.11) also
//! removes null members from the objects inside a list it inserts. The two differ only for a
//! list of objects with null members, which a stored BackendTrafficPolicy can hold in just one
//! place (`loadBalancer.dynamicModule.config`, raw JSON); the code is twenty lines.

use serde_json::{Map, Value};

/// `mergeDocs`: every patch member replaces, merges into or (when null) deletes the member of
/// the same name.
pub(super) fn merge(doc: &mut Map<String, Value>, patch: Map<String, Value>) {
    for (key, value) in patch {
        if value.is_null() {
            doc.remove(&key);
            continue;
        }
        match doc.get_mut(&key) {
            Some(current) if !current.is_null() => merge_value(current, value),
            _ => {
                let mut value = value;
                prune_nulls(&mut value);
                doc.insert(key, value);
            }
        }
    }
}

/// `merge`: objects merge member by member; anything else is replaced by the patch value,
/// pruned of nulls when what it replaces is not an object.
fn merge_value(current: &mut Value, patch: Value) {
    match (current, patch) {
        (Value::Object(doc), Value::Object(patch)) => merge(doc, patch),
        (current @ Value::Object(_), patch) => *current = patch,
        (current, mut patch) => {
            prune_nulls(&mut patch);
            *current = patch;
        }
    }
}

/// `pruneNulls`: drops null members of objects at any depth, keeping null list elements.
fn prune_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(prune_nulls);
        }
        Value::Array(items) => items.iter_mut().filter(|v| !v.is_null()).for_each(prune_nulls),
        _ => {}
    }
}
