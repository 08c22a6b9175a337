//! apimachinery's strategic merge patch (v0.36.3), with the patch tags of BackendTrafficPolicy.
//!
//! A port of `StrategicMergePatch` (pkg/util/strategicpatch/patch.go:812-1660) as Envoy
//! Gateway calls it: `MergeParallelList` and `IgnoreUnmatchedNulls` on (patch.go:875-880), the
//! patch being the route policy's Go JSON. The struct tags it reads are replaced by
//! [`list_strategy`] and [`Schema`]. The directives a typed policy can carry at all live only
//! in free-form maps: `$patch` is handled as apimachinery does; `$retainKeys`,
//! `$setElementOrder/` and `$deleteFromPrimitiveList/` are refused with a typed error.

use serde_json::{Map, Value};

use super::error::{MergeError, StrategicFailure};
use super::go_json::{RAW_JSON, is};

/// The `$patch` key (patch.go `directiveMarker`).
const DIRECTIVE: &str = "$patch";

/// What Go type stands behind a JSON object: decides what apimachinery's field lookup
/// (`LookupPatchMetadataForStruct`, third_party/forked/golang/json/fields.go:29-69) finds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Schema {
    /// A Go struct: every key of a marshalled value is one of its fields.
    Struct,
    /// A Go map: the lookup fails for any key whose two values are both objects or lists.
    Map,
    /// `apiextensionsv1.JSON`, a struct without JSON fields: the lookup fails likewise.
    RawJson,
}

/// How a list field merges (its `patchStrategy`/`patchMergeKey` tags).
enum ListStrategy {
    /// No tag: the patch list replaces the original.
    Replace,
    /// `patchStrategy=merge` on a list of scalars.
    MergeScalars,
    /// `patchStrategy=merge` with this `patchMergeKey`.
    MergeByKey(&'static str),
}

/// The tags of BackendTrafficPolicy at v1.9.0 (api/v1alpha1/backendtrafficpolicy_types.go:97-127)
/// and of `ObjectMeta` (`finalizers`, `ownerReferences`).
fn list_strategy(path: &[String]) -> ListStrategy {
    let keyed_by_type: [&[&str]; 3] = [&["spec", "compression"], &["spec", "compressor"], &["spec", "httpUpgrade"]];
    if keyed_by_type.iter().any(|entry| is(path, entry)) {
        ListStrategy::MergeByKey("type")
    } else if is(path, &["metadata", "ownerReferences"]) {
        ListStrategy::MergeByKey("uid")
    } else if is(path, &["metadata", "finalizers"]) {
        ListStrategy::MergeScalars
    } else {
        ListStrategy::Replace
    }
}

/// The Go type of the object at `path`, inside a struct.
fn schema_at(path: &[String]) -> Schema {
    const MAPS: &[&[&str]] = &[
        &["metadata", "labels"],
        &["metadata", "annotations"],
        &["spec", "loadBalancer", "consistentHash", "cookie", "attributes"],
        &["spec", "telemetry", "tracing", "customTags"],
        &["spec", "telemetry", "tracing", "tags"],
    ];
    if is(path, RAW_JSON) {
        Schema::RawJson
    } else if MAPS.iter().any(|entry| is(path, entry)) {
        Schema::Map
    } else {
        Schema::Struct
    }
}

/// Merges the route's Go JSON (`patch`) into the parent's (`original`), both whole objects.
pub(super) fn merge(original: Map<String, Value>, patch: Map<String, Value>) -> Result<Map<String, Value>, MergeError> {
    merge_map(original, patch, Schema::Struct, &mut Vec::new())
}

fn failure(path: &[String], failure: StrategicFailure) -> MergeError {
    MergeError::Strategic { path: path.join("."), failure }
}

/// `mergeMap` (patch.go:1322-1440).
fn merge_map(
    mut original: Map<String, Value>,
    mut patch: Map<String, Value>,
    schema: Schema,
    path: &mut Vec<String>,
) -> Result<Map<String, Value>, MergeError> {
    if let Some(directive) = patch.remove(DIRECTIVE) {
        // handleDirectiveInMergeMap (patch.go:907-923).
        return match directive.as_str() {
            Some("replace") => Ok(patch),
            Some("delete") => Ok(Map::new()),
            _ => {
                let value = directive.as_str().map_or_else(|| directive.to_string(), str::to_owned);
                Err(failure(path, StrategicFailure::BadDirective { value }))
            }
        };
    }
    if let Some(key) = patch.keys().find(|k| {
        k.as_str() == "$retainKeys" || k.starts_with("$setElementOrder/") || k.starts_with("$deleteFromPrimitiveList/")
    }) {
        return Err(failure(path, StrategicFailure::UnsupportedDirective { key: key.clone() }));
    }
    for (key, patch_value) in patch {
        if patch_value.is_null() {
            original.remove(&key);
            continue;
        }
        let taken = match (original.remove(&key), patch_value) {
            (Some(Value::Object(orig)), Value::Object(patch_map)) => {
                path.push(key.clone());
                let merged = child_schema(schema, path).and_then(|child| merge_map(orig, patch_map, child, path));
                path.pop();
                Some(Value::Object(merged?))
            }
            (Some(Value::Array(orig)), Value::Array(patch_list)) => {
                path.push(key.clone());
                let merged = child_schema(schema, path).and_then(|_| match list_strategy(path) {
                    ListStrategy::Replace => Ok(patch_list),
                    ListStrategy::MergeScalars => merge_scalars(orig, patch_list, path),
                    ListStrategy::MergeByKey(merge_key) => merge_by_key(orig, patch_list, merge_key, path),
                });
                path.pop();
                Some(Value::Array(merged?))
            }
            // Absent, a scalar, or of another JSON type: the patch value without its null
            // members and `$patch` objects (patch.go:1384-1420).
            (_, mut value) => {
                discard_nulls(&mut value);
                take_patch(value)
            }
        };
        if let Some(value) = taken {
            original.insert(key, value);
        }
    }
    Ok(original)
}

/// The schema apimachinery's lookup gives the field at `path` (its last key) of an object of
/// type `parent`, or its error.
fn child_schema(parent: Schema, path: &[String]) -> Result<Schema, MergeError> {
    match parent {
        Schema::Struct => Ok(schema_at(path)),
        Schema::Map => Err(failure(path, StrategicFailure::NotAStruct)),
        Schema::RawJson => {
            let field = path.last().cloned().unwrap_or_default();
            Err(failure(path, StrategicFailure::NoSuchField { field }))
        }
    }
}

/// `removeDirectives` (patch.go:1282-1320): drops every object carrying `$patch`; `None`
/// when the value itself is one.
fn take_patch(value: Value) -> Option<Value> {
    match value {
        Value::Object(map) => {
            if map.contains_key(DIRECTIVE) {
                return None;
            }
            Some(Value::Object(map.into_iter().filter_map(|(k, v)| take_patch(v).map(|v| (k, v))).collect()))
        }
        Value::Array(items) => Some(Value::Array(items.into_iter().filter_map(take_patch).collect())),
        other => Some(other),
    }
}

/// `discardNullValuesFromPatch` (patch.go:1442-1459): removes null members of objects, at any
/// depth; null list elements stay.
fn discard_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(discard_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(discard_nulls),
        _ => {}
    }
}

/// `mergeSlice` for scalars (patch.go:1495-1548): the union without duplicates, patch items in
/// patch order interleaved with the original-only items in original order.
fn merge_scalars(original: Vec<Value>, patch: Vec<Value>, path: &[String]) -> Result<Vec<Value>, MergeError> {
    if original.is_empty() && patch.is_empty() {
        return Ok(original);
    }
    check_element_types(&original, &patch, path)?;
    let mut merged: Vec<Value> = Vec::new();
    for item in original.iter().chain(&patch) {
        if !merged.contains(item) {
            merged.push(item.clone());
        }
    }
    let (in_patch, server_only): (Vec<Value>, Vec<Value>) = merged.into_iter().partition(|v| patch.contains(v));
    Ok(normalize_order(in_patch, server_only, &patch, &original, |v| Some(v.clone())))
}

/// `mergeSlice` for objects with a merge key (patch.go:1495-1548, 1606-1637): a patch entry
/// merges into the first original entry with the same key, or is appended; then the order is
/// normalised as apimachinery does.
fn merge_by_key(
    mut original: Vec<Value>,
    patch: Vec<Value>,
    merge_key: &'static str,
    path: &mut Vec<String>,
) -> Result<Vec<Value>, MergeError> {
    if original.is_empty() && patch.is_empty() {
        return Ok(original);
    }
    check_element_types(&original, &patch, path)?;
    if !original.iter().chain(&patch).next().is_some_and(Value::is_object) {
        // Not a list of objects: apimachinery merges it as scalars, merge key or not.
        return merge_scalars(original, patch, path);
    }
    let key_of = |v: &Value| v.get(merge_key).cloned();
    // The original order, before patch entries are appended (Go's caller keeps its slice).
    let server_order = original.clone();
    let patch_order = patch.clone();
    for entry in patch {
        let Value::Object(entry) = entry else {
            return Err(failure(path, StrategicFailure::MixedElementTypes));
        };
        if entry.contains_key(DIRECTIVE) {
            return Err(failure(path, StrategicFailure::UnsupportedDirective { key: DIRECTIVE.to_owned() }));
        }
        let Some(key) = entry.get(merge_key).cloned() else {
            return Err(failure(path, StrategicFailure::NoMergeKey { merge_key }));
        };
        match original.iter_mut().find(|o| o.get(merge_key) == Some(&key)) {
            Some(Value::Object(slot)) => *slot = merge_map(std::mem::take(slot), entry, Schema::Struct, path)?,
            _ => original.push(Value::Object(entry)),
        }
    }
    let (in_patch, server_only): (Vec<Value>, Vec<Value>) =
        original.into_iter().partition(|v| patch_order.iter().any(|p| key_of(p) == key_of(v)));
    Ok(normalize_order(in_patch, server_only, &patch_order, &server_order, key_of))
}

/// `sliceElementType` (patch.go:1881-1911): every element of both lists of one JSON type, and
/// not a list.
fn check_element_types(original: &[Value], patch: &[Value], path: &[String]) -> Result<(), MergeError> {
    let kind = |v: &Value| std::mem::discriminant(v);
    let mut items = original.iter().chain(patch);
    let Some(first) = items.next() else { return Ok(()) };
    if first.is_array() {
        return Err(failure(path, StrategicFailure::ListOfLists));
    }
    if items.any(|v| kind(v) != kind(first)) {
        return Err(failure(path, StrategicFailure::MixedElementTypes));
    }
    Ok(())
}

/// `normalizeElementOrder` (patch.go:404-417) and `mergeSortedSlice` (patch.go:427-469): the
/// patch items sorted by the patch order, the original-only items by the original order, then
/// interleaved: an original-only item goes first only when both it and the next patch item are
/// in the original list and it comes before that item there.
fn normalize_order(
    mut in_patch: Vec<Value>,
    mut server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    key_of: impl Fn(&Value) -> Option<Value>,
) -> Vec<Value> {
    let index = |order: &[Value], item: &Value| {
        let key = key_of(item);
        order.iter().position(|o| key_of(o) == key)
    };
    in_patch.sort_by_key(|v| index(patch_order, v).unwrap_or(usize::MAX));
    server_only.sort_by_key(|v| index(server_order, v).unwrap_or(usize::MAX));
    let mut left = server_only.into_iter().peekable();
    let mut right = in_patch.into_iter().peekable();
    let mut out = Vec::new();
    loop {
        let take_left = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(l), Some(r)) => {
                matches!((index(server_order, l), index(server_order, r)), (Some(li), Some(ri)) if li < ri)
            }
        };
        out.extend(if take_left { left.next() } else { right.next() });
    }
    out
}
