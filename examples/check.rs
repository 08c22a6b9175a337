//! Checks BackendTrafficPolicy YAML files the way `kubectl apply` would read them: every document
//! must parse in Strict mode (no unknown, duplicate or misshapen field).
//!
//! ```text
//! cargo run --example check -- [FILE...]
//! ```
//!
//! Without arguments it checks `examples/policies/`. Prints one line per policy, or each error
//! with its line and column, and exits with 1 when a document fails.

use std::{
    io,
    path::{Path, PathBuf},
    process::ExitCode,
};

use backend_traffic_policy::{
    BackendTrafficPolicy,
    parse::{self, FieldValidation},
};

fn main() -> ExitCode {
    let mut files: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if files.is_empty() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/policies");
        match yaml_files(&dir) {
            Ok(found) => files = found,
            Err(e) => {
                eprintln!("{}: {e}", dir.display());
                return ExitCode::FAILURE;
            }
        }
    }
    let mut ok = true;
    for file in &files {
        ok &= check(file);
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Prints what each document of `file` is; false when one of them fails.
fn check(file: &Path) -> bool {
    let name = file.display();
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => {
            println!("{name}: {e}");
            return false;
        }
    };
    let results = parse::from_yaml_documents(&text, FieldValidation::Strict);
    if results.is_empty() {
        println!("{name}: no document");
        return false;
    }
    let mut ok = true;
    for result in results {
        match result {
            Ok(parsed) => println!("{name}: {}", summary(&parsed.value)),
            Err(e) => {
                ok = false;
                // Strict mode lists every unknown field, one per line.
                for line in e.to_string().lines() {
                    println!("{name}: {line}");
                }
            }
        }
    }
    ok
}

/// `namespace/name: ok (1 target, areas: retry, timeout)`.
fn summary(policy: &BackendTrafficPolicy) -> String {
    let spec = &policy.spec;
    let targets = usize::from(spec.target_ref.is_some())
        + spec.target_refs.as_ref().map_or(0, Vec::len)
        + spec.target_selectors.as_ref().map_or(0, Vec::len);
    // The areas are the spec's fields other than the targets, by their YAML names.
    let areas: Vec<String> = match serde_json::to_value(spec) {
        Ok(serde_json::Value::Object(fields)) => {
            fields.into_iter().map(|(k, _)| k).filter(|k| !k.starts_with("target")).collect()
        }
        _ => Vec::new(),
    };
    let name = policy.metadata.name.as_deref().unwrap_or("<unnamed>");
    let name = match &policy.metadata.namespace {
        Some(namespace) => format!("{namespace}/{name}"),
        None => name.to_owned(),
    };
    let plural = if targets == 1 { "" } else { "s" };
    let areas = if areas.is_empty() { "none".to_owned() } else { areas.join(", ") };
    format!("{name}: ok ({targets} target{plural}, areas: {areas})")
}

/// The YAML files of `dir`, sorted.
fn yaml_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}
