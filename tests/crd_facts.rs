//! `crd()` compared with the upstream CRD fact by fact: every constraint, default, list type,
//! int-or-string marker, required list and CEL rule (text and message) at every path.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use backend_traffic_policy::BackendTrafficPolicy;
use serde_json::Value;

/// One schema fact: (path, fact name) -> canonical value.
type Facts = BTreeMap<(String, &'static str), String>;

fn collect(node: &Value, path: &str, facts: &mut Facts) {
    let mut put = |name: &'static str, value: String| {
        facts.insert((path.to_owned(), name), value);
    };
    let get = |k: &str| node.get(k);
    for key in ["type", "format", "x-kubernetes-list-type", "x-kubernetes-map-type"] {
        if let Some(v) = get(key).and_then(Value::as_str) {
            put(
                match key {
                    "type" => "type",
                    "format" => "format",
                    "x-kubernetes-list-type" => "listType",
                    _ => "mapType",
                },
                v.to_owned(),
            );
        }
    }
    for key in ["minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems"] {
        if let Some(v) = get(key).and_then(Value::as_f64) {
            let name = match key {
                "minimum" => "minimum",
                "maximum" => "maximum",
                "minLength" => "minLength",
                "maxLength" => "maxLength",
                "minItems" => "minItems",
                _ => "maxItems",
            };
            put(name, v.to_string());
        }
    }
    if let Some(v) = get("default") {
        put("default", v.to_string());
    }
    for flag in ["x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields"] {
        if get(flag) == Some(&Value::Bool(true)) {
            put(if flag.contains("int") { "intOrString" } else { "preserveUnknown" }, "true".into());
        }
    }
    if let Some(any_of) = get("anyOf").and_then(Value::as_array) {
        let types: Vec<String> = any_of.iter().map(|v| v.get("type").map_or("-".into(), Value::to_string)).collect();
        put("anyOf", types.join(","));
    }
    if let Some(keys) = get("x-kubernetes-list-map-keys") {
        put("listMapKeys", keys.to_string());
    }
    // Enums and patterns may sit in `allOf`; the API server applies them all the same.
    let mut enums = BTreeSet::new();
    let mut patterns = BTreeSet::new();
    let parts = std::iter::once(node).chain(get("allOf").and_then(Value::as_array).into_iter().flatten());
    for part in parts {
        if let Some(values) = part.get("enum").and_then(Value::as_array) {
            enums.insert(values.iter().map(Value::to_string).collect::<Vec<_>>().join(","));
        }
        if let Some(p) = part.get("pattern").and_then(Value::as_str) {
            patterns.insert(p.to_owned());
        }
    }
    if !enums.is_empty() {
        put("enum", enums.into_iter().collect::<Vec<_>>().join(" & "));
    }
    if !patterns.is_empty() {
        put("pattern", patterns.into_iter().collect::<Vec<_>>().join(" & "));
    }
    if let Some(required) = get("required").and_then(Value::as_array) {
        let set: BTreeSet<String> = required.iter().filter_map(Value::as_str).map(str::to_owned).collect();
        put("required", set.into_iter().collect::<Vec<_>>().join(","));
    }
    if let Some(rules) = get("x-kubernetes-validations").and_then(Value::as_array) {
        for (i, rule) in rules.iter().enumerate() {
            let text = rule.get("rule").and_then(Value::as_str).unwrap_or_default();
            let message = rule.get("message").and_then(Value::as_str).unwrap_or_default();
            facts.insert((format!("{path}#rule{i}"), "rule"), format!("{text:?} => {message:?}"));
        }
    }
    if let Some(props) = get("properties").and_then(Value::as_object) {
        for (k, v) in props {
            collect(v, &format!("{path}.{k}"), facts);
        }
    }
    if let Some(items) = get("items") {
        collect(items, &format!("{path}[]"), facts);
    }
    if let Some(extra) = get("additionalProperties").filter(|v| v.is_object()) {
        collect(extra, &format!("{path}{{}}"), facts);
    }
}

fn facts_of(schema: &Value) -> Facts {
    let mut facts = Facts::new();
    collect(schema, "", &mut facts);
    facts
}

fn schema_of(crd: &Value) -> &Value {
    &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
}

/// Acceptance of the validation issue: no fact differs between our CRD and upstream's.
#[test]
fn crd_matches_upstream_fact_by_fact() {
    let Some(upstream) = common::upstream_crd() else { return };
    let ours = serde_json::to_value(BackendTrafficPolicy::crd()).unwrap();
    let expected = facts_of(schema_of(&upstream));
    let actual = facts_of(schema_of(&ours));
    // The standard CRD root properties carry no facts to compare beyond their type.
    let mut differences = Vec::new();
    for (key, value) in &expected {
        match actual.get(key) {
            Some(v) if v == value => {}
            Some(v) => differences.push(format!("{} {}: upstream {value}, ours {v}", key.0, key.1)),
            None => differences.push(format!("{} {}: upstream {value}, ours missing", key.0, key.1)),
        }
    }
    for (key, value) in &actual {
        if !expected.contains_key(key) {
            differences.push(format!("{} {}: ours {value}, upstream has none", key.0, key.1));
        }
    }
    assert!(differences.is_empty(), "{} differences:\n{}", differences.len(), differences.join("\n"));
    // Sanity: the comparison saw the whole CRD (76 rule entries upstream).
    assert_eq!(expected.keys().filter(|k| k.1 == "rule").count(), 76);
}

/// The CRD's identity: names, scope, subresources.
#[test]
fn crd_names_match_upstream() {
    let Some(upstream) = common::upstream_crd() else { return };
    let ours = serde_json::to_value(BackendTrafficPolicy::crd()).unwrap();
    for pointer in [
        "/metadata/name",
        "/spec/group",
        "/spec/names",
        "/spec/scope",
        "/spec/versions/0/name",
        "/spec/versions/0/subresources",
    ] {
        assert_eq!(ours.pointer(pointer), upstream.pointer(pointer), "{pointer}");
    }
}
