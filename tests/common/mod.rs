//! Helpers shared by the integration tests of this package and of `conformance/`.
#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;

/// The shared corpus directory. `BTP_CORPUS_DIR` names it (CI sets it); otherwise
/// `../shared/corpus` beside the checkout is used when it exists.
///
/// Returns `None` only when the variable is unset and the default directory is absent; when the
/// variable is set, a missing directory fails the test instead of skipping it.
pub fn corpus_dir() -> Option<PathBuf> {
    match std::env::var_os("BTP_CORPUS_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            assert!(dir.join("upstream").is_dir(), "BTP_CORPUS_DIR={} has no upstream/ directory", dir.display());
            Some(dir)
        }
        None => {
            let dir = root_dir().join("../shared/corpus");
            if dir.join("upstream").is_dir() {
                Some(dir)
            } else {
                eprintln!("SKIPPED: no corpus at {} and BTP_CORPUS_DIR is unset", dir.display());
                None
            }
        }
    }
}

/// The YAML files of a directory, sorted, at least one.
pub fn yaml_files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no YAML files in {}", dir.display());
    files
}

/// The crate's root directory, the one holding `tests/fixtures`. This file is also compiled into
/// the tests of the `conformance/` workspace member, whose own directory is one level below.
pub fn root_dir() -> PathBuf {
    let package = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    match package.parent() {
        Some(parent) if !package.join("tests/fixtures").is_dir() => parent.to_path_buf(),
        _ => package,
    }
}

/// Our fixtures directory.
pub fn fixtures_dir() -> PathBuf {
    root_dir().join("tests/fixtures")
}

/// Removes explicit `null`s from objects: the API server drops them on non-nullable fields.
pub fn drop_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// The path of the first difference between two JSON values, comparing numbers by value (so
/// `50` equals `50.0`) and objects without regard to key order.
pub fn first_difference(expected: &Value, actual: &Value) -> Option<String> {
    fn walk(path: &str, a: &Value, b: &Value) -> Option<String> {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                for (k, v) in x {
                    let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                    match y.get(k) {
                        Some(w) => {
                            if let Some(diff) = walk(&p, v, w) {
                                return Some(diff);
                            }
                        }
                        None => return Some(format!("{p}: missing in output (was {v})")),
                    }
                }
                for k in y.keys() {
                    if !x.contains_key(k) {
                        let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                        return Some(format!("{p}: added in output ({})", y[k]));
                    }
                }
                None
            }
            (Value::Array(x), Value::Array(y)) => {
                if x.len() != y.len() {
                    return Some(format!("{path}: {} items became {}", x.len(), y.len()));
                }
                x.iter().zip(y).enumerate().find_map(|(i, (v, w))| walk(&format!("{path}[{i}]"), v, w))
            }
            (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => None,
            _ if a == b => None,
            _ => Some(format!("{path}: {a} became {b}")),
        }
    }
    walk("", expected, actual)
}

/// The upstream CRD (`../shared/upstream/...`) as JSON, or `None` when the corpus is absent
/// (see [`corpus_dir`]).
pub fn upstream_crd() -> Option<Value> {
    let path = corpus_dir()?.parent()?.join("upstream/gateway.envoyproxy.io_backendtrafficpolicies.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Some(serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}
