//! `BackendTrafficPolicy::crd()` against the upstream Envoy Gateway v1.9.0 CRD
//! (`../shared/upstream/`): the same names, and every property path with the same JSON type.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use std::collections::BTreeMap;

use backend_traffic_policy::BackendTrafficPolicy;
use serde_json::Value;

/// The upstream CRD, read from `<corpus>/../upstream/`, when the shared material is there.
fn our_crd() -> Value {
    serde_json::to_value(BackendTrafficPolicy::crd()).unwrap()
}

/// The names, scope and subresources of the CRD, as `kubectl get btp` relies on them.
/// Rows: (what, JSON pointer into the CRD, the upstream CRD's value as JSON text).
const NAMES: &[(&str, &str, &str)] = &[
    ("CRD name", "/metadata/name", r#""backendtrafficpolicies.gateway.envoyproxy.io""#),
    ("group", "/spec/group", r#""gateway.envoyproxy.io""#),
    ("the only version", "/spec/versions/0/name", r#""v1alpha1""#),
    ("version served", "/spec/versions/0/served", "true"),
    ("version stored", "/spec/versions/0/storage", "true"),
    ("kind", "/spec/names/kind", r#""BackendTrafficPolicy""#),
    ("list kind", "/spec/names/listKind", r#""BackendTrafficPolicyList""#),
    ("plural", "/spec/names/plural", r#""backendtrafficpolicies""#),
    ("singular", "/spec/names/singular", r#""backendtrafficpolicy""#),
    ("short names", "/spec/names/shortNames", r#"["btp"]"#),
    ("categories", "/spec/names/categories", r#"["envoy-gateway"]"#),
    ("scope", "/spec/scope", r#""Namespaced""#),
    ("status subresource", "/spec/versions/0/subresources/status", "{}"),
];

#[test]
fn crd_names() {
    let ours = our_crd();
    let upstream = common::upstream_crd();
    let mut failures = Vec::new();
    if ours.pointer("/spec/versions/1").is_some() {
        failures.push("ours has more than one version".to_owned());
    }
    for (what, pointer, expected) in NAMES {
        let expected: Value = serde_json::from_str(expected).unwrap();
        if let Some(upstream) = &upstream
            && upstream.pointer(pointer) != Some(&expected)
        {
            failures.push(format!(
                "{what} ({pointer}): this table says {expected}, upstream {:?}",
                upstream.pointer(pointer)
            ));
        }
        if ours.pointer(pointer) != Some(&expected) {
            failures.push(format!("{what} ({pointer}): expected {expected}, ours {:?}", ours.pointer(pointer)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every property path of the upstream schema is in ours with the same JSON type. Paths are
/// `spec.retry.retryOn.triggers[]` (`[]` a list item, `{}` a map value); the type is the
/// `type`, `int-or-string` or `preserve-unknown-fields` of the node, joined with `+` when
/// there are several, or `untyped`.
#[test]
fn every_upstream_property_path_has_the_same_type() {
    let Some(upstream) = common::upstream_crd() else { return };
    let upstream = property_types(&upstream);
    let ours = property_types(&our_crd());
    assert!(upstream.len() > 400, "only {} paths found upstream: the walk is wrong", upstream.len());
    let mismatches: Vec<String> = upstream
        .iter()
        .filter_map(|(path, kind)| match ours.get(path) {
            Some(ours) if ours == kind => None,
            Some(ours) => Some(format!("{path}: upstream {kind}, ours {ours}")),
            None => Some(format!("{path}: upstream {kind}, missing in ours")),
        })
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} of {} upstream property paths differ in crd():\n{}",
        mismatches.len(),
        upstream.len(),
        mismatches.join("\n")
    );
}

/// The reverse: ours has no property upstream lacks (an API server would prune or reject it).
#[test]
fn no_property_path_beyond_upstream() {
    let Some(upstream) = common::upstream_crd() else { return };
    let upstream = property_types(&upstream);
    let extra: Vec<String> = property_types(&our_crd())
        .into_iter()
        .filter(|(path, _)| !upstream.contains_key(path))
        .map(|(path, kind)| format!("{path} ({kind})"))
        .collect();
    assert!(extra.is_empty(), "crd() has {} property paths upstream lacks:\n{}", extra.len(), extra.join("\n"));
}

/// `path -> type` for every node under the first version's `openAPIV3Schema` (the root is `""`).
fn property_types(crd: &Value) -> BTreeMap<String, String> {
    let pointer = "/spec/versions/0/schema/openAPIV3Schema";
    let root = crd.pointer(pointer).unwrap_or_else(|| panic!("no {pointer}"));
    let mut out = BTreeMap::new();
    walk(root, String::new(), &mut out);
    out
}

fn walk(node: &Value, path: String, out: &mut BTreeMap<String, String>) {
    let flag = |name: &str| node.get(name) == Some(&Value::Bool(true));
    let kind: Vec<&str> = [
        node.get("type").and_then(Value::as_str),
        flag("x-kubernetes-int-or-string").then_some("int-or-string"),
        flag("x-kubernetes-preserve-unknown-fields").then_some("preserve-unknown-fields"),
    ]
    .into_iter()
    .flatten()
    .collect();
    out.insert(path.clone(), if kind.is_empty() { "untyped".to_owned() } else { kind.join("+") });
    if let Some(properties) = node.get("properties").and_then(Value::as_object) {
        for (name, child) in properties {
            let child_path = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
            walk(child, child_path, out);
        }
    }
    if let Some(items) = node.get("items") {
        walk(items, format!("{path}[]"), out);
    }
    if let Some(values) = node.get("additionalProperties").filter(|v| v.is_object()) {
        walk(values, format!("{path}{{}}"), out);
    }
}

/// Every `allOf` of the upstream schema is in ours, equal: the API server reports each part and
/// then a composite line (kube-openapi `schema_props.go:195`), so an `allOf` changes messages.
#[test]
fn every_upstream_all_of_is_ours() {
    fn all_ofs(node: &Value, path: String, out: &mut BTreeMap<String, Value>) {
        if let Some(parts) = node.get("allOf") {
            out.insert(path.clone(), parts.clone());
        }
        for (key, child) in node.get("properties").and_then(Value::as_object).into_iter().flatten() {
            all_ofs(child, format!("{path}.{key}"), out);
        }
        if let Some(items) = node.get("items") {
            all_ofs(items, format!("{path}[]"), out);
        }
    }
    let Some(upstream) = common::upstream_crd() else { return };
    let schema = |crd: &Value| crd.pointer("/spec/versions/0/schema/openAPIV3Schema").unwrap().clone();
    let (mut theirs, mut ours) = (BTreeMap::new(), BTreeMap::new());
    all_ofs(&schema(&upstream), String::new(), &mut theirs);
    all_ofs(&schema(&our_crd()), String::new(), &mut ours);
    assert_eq!(theirs.len(), 16, "the upstream CRD has 16 allOf nodes");
    assert_eq!(ours, theirs);
}
