//! Runs KubeLB's sync decision on BackendTrafficPolicy YAML files and prints each decision as
//! YAML: the object for the management cluster with its warnings, dependencies and the targets it
//! expects (to check against KubeLB's origin labels), or the reason the policy is removed or
//! rejected.
//!
//! ```text
//! cargo run --example sync -- [--global-rate-limit=on|off] [FILE...]
//! ```
//!
//! The decision is taken against a default KubeLB `Config` and a `Tenant` named `tenant-a`, with
//! the default options: management-side fields are refused, and whether the management side's
//! Envoy Gateway has a rate-limit service is unknown unless `--global-rate-limit` says so.
//! Rejections print their reason (the API server's errors, Envoy Gateway's condition message);
//! Envoy Gateway's deprecation warning and ignored settings are among an `Apply`'s warnings.
//! Without arguments it runs on the four policies of KubeLB's documentation: the seed files of
//! the shared corpus (`$BTP_CORPUS_DIR/seed`, else `../shared/corpus/seed`) when they are there,
//! else our corrected copies in `examples/policies/`. Files are read in Warn mode, so fields
//! Envoy Gateway v1.9 does not have are dropped with a warning (printed as a comment) instead of
//! failing the file. Exits with 1 when a file cannot be read or a document cannot be parsed.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::{
    io,
    path::{Path, PathBuf},
    process::ExitCode,
};

use backend_traffic_policy::{
    BackendTrafficPolicy,
    envoy_gateway::Settings,
    kubelb::{Config, Tenant},
    parse::{self, FieldValidation},
    sync::{self, SyncDecision, SyncOptions},
};
use serde::Serialize;

fn main() -> ExitCode {
    let mut settings = Settings::default();
    let mut files: Vec<PathBuf> = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.to_str() {
            Some("--global-rate-limit=on") => settings = settings.with_global_rate_limit(true),
            Some("--global-rate-limit=off") => settings = settings.with_global_rate_limit(false),
            Some(other) if other.starts_with("--") => {
                eprintln!("unknown option {other}; usage: sync [--global-rate-limit=on|off] [FILE...]");
                return ExitCode::FAILURE;
            }
            _ => files.push(PathBuf::from(arg)),
        }
    }
    let options = SyncOptions::default().with_envoy_gateway(settings);
    if files.is_empty() {
        match default_files() {
            Ok(found) => files = found,
            Err(e) => {
                eprintln!("no policy files: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let config = Config::default_named("kubelb");
    let tenant = Tenant::named("tenant-a");

    let mut ok = true;
    let mut first = true;
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("{}: {e}", file.display());
                ok = false;
                continue;
            }
        };
        for result in parse::from_yaml_documents(&text, FieldValidation::Warn) {
            if !first {
                println!("---");
            }
            first = false;
            println!("# {}", file.display());
            let parsed = match result {
                Ok(parsed) => parsed,
                Err(e) => {
                    ok = false;
                    for line in e.to_string().lines() {
                        println!("# parse error: {line}");
                    }
                    continue;
                }
            };
            for warning in &parsed.warnings {
                println!("# parse warning: {warning}");
            }
            let decision = sync::decide(&parsed.value, &config, &tenant, &options);
            match serde_saphyr::to_string(&report(&decision)) {
                Ok(yaml) => print!("{yaml}"),
                Err(e) => {
                    ok = false;
                    println!("# cannot print the decision: {e}");
                }
            }
        }
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// A decision in the order a reader wants it: what, then the object or the reason, then the
/// warnings and dependencies.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    decision: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    object: Option<&'a BackendTrafficPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    warnings: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dependencies: Option<Vec<DependencyReport<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    targets: Option<Vec<TargetReport<'a>>>,
}

/// One expected target: the object the controller looks up and the origin its labels must name.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TargetReport<'a> {
    kind: &'a str,
    synced_name: &'a str,
    origin: String,
}

/// One dependency, as the controller would sync it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DependencyReport<'a> {
    kind: String,
    namespace: &'a str,
    name: &'a str,
    synced_name: &'a str,
}

fn report(decision: &SyncDecision) -> Report<'_> {
    let empty = Report { decision: "", reason: None, object: None, warnings: None, dependencies: None, targets: None };
    match decision {
        SyncDecision::Apply { object, warnings, dependencies, targets } => Report {
            decision: "Apply",
            reason: None,
            object: Some(object),
            warnings: Some(warnings.iter().map(ToString::to_string).collect()),
            dependencies: Some(
                dependencies
                    .iter()
                    .map(|d| DependencyReport {
                        kind: d.kind.to_string(),
                        namespace: &d.namespace,
                        name: &d.name,
                        synced_name: &d.synced_name,
                    })
                    .collect(),
            ),
            targets: Some(
                targets
                    .iter()
                    .map(|t| TargetReport {
                        kind: &t.kind,
                        synced_name: &t.synced_name,
                        origin: format!("{}/{}", t.origin_namespace, t.origin_name),
                    })
                    .collect(),
            ),
        },
        SyncDecision::Remove { reason } => Report { decision: "Remove", reason: Some(reason.to_string()), ..empty },
        SyncDecision::Reject { reason } => Report { decision: "Reject", reason: Some(reason.to_string()), ..empty },
    }
}

/// The seed policies of the shared corpus, or else `examples/policies/*.yaml`.
fn default_files() -> io::Result<Vec<PathBuf>> {
    let seed = match std::env::var_os("BTP_CORPUS_DIR") {
        Some(dir) => PathBuf::from(dir).join("seed"),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/seed"),
    };
    if seed.is_dir() {
        // The seed directory also holds KubeLB's Config and Tenant; only the policies are run.
        let policies: Vec<PathBuf> = yaml_files(&seed)?
            .into_iter()
            .filter(|p| p.file_name().is_some_and(|n| !n.to_string_lossy().starts_with("kubelb-")))
            .collect();
        if !policies.is_empty() {
            return Ok(policies.into_iter().map(|p| std::fs::canonicalize(&p).unwrap_or(p)).collect());
        }
    }
    yaml_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/policies"))
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
