//! Checks BackendTrafficPolicy YAML files as an API server with the Envoy Gateway v1.9 CRD
//! would: every document must parse in Strict mode (no unknown, duplicate or misshapen field)
//! and pass `validate()` (every schema constraint and CEL rule). Then, for a policy the API
//! server would store, prints Envoy Gateway v1.9.0's verdict: accepted or the `Accepted=False`
//! message, the deprecation warning and the settings it ignores, each with its line.
//!
//! ```text
//! cargo run --example validate -- [--global-rate-limit=on|off] [FILE...]
//! ```
//!
//! `--global-rate-limit` says whether the management cluster's Envoy Gateway has a rate-limit
//! service (unknown when absent: the check is skipped). Without files it checks the policies in
//! `examples/policies/`. Exits with 1 when any document is invalid or not accepted.
// Example code: a panic here fails a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

use backend_traffic_policy::{
    BackendTrafficPolicy,
    envoy_gateway::Settings,
    parse::{self, FieldValidation, Location, ParseError},
};

fn main() -> ExitCode {
    let mut settings = Settings::default();
    let mut files: Vec<PathBuf> = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.to_str() {
            Some("--global-rate-limit=on") => settings = settings.with_global_rate_limit(true),
            Some("--global-rate-limit=off") => settings = settings.with_global_rate_limit(false),
            Some(flag) if flag.starts_with("--") => {
                eprintln!("unknown option {flag}; use --global-rate-limit=on|off");
                return ExitCode::FAILURE;
            }
            _ => files.push(PathBuf::from(arg)),
        }
    }
    if files.is_empty() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/policies");
        match yaml_files(&dir) {
            Ok(found) => files = found,
            Err(e) => {
                eprintln!("{}: {e}", shown(&dir).display());
                return ExitCode::FAILURE;
            }
        }
    }
    let mut valid = true;
    for file in &files {
        valid &= check(file, &settings);
    }
    if valid { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Prints the findings of every document of `file`; `false` when one is invalid or refused.
fn check(file: &Path, settings: &Settings) -> bool {
    let name = shown(file).display().to_string();
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
    let mut valid = true;
    for result in results {
        let parsed = match result {
            Ok(parsed) => parsed,
            Err(error) => {
                valid = false;
                print_parse_error(&name, &error);
                continue;
            }
        };
        let policy = &parsed.value;
        match policy.validate() {
            Ok(()) => {
                println!("{name}: {}: valid ({})", identity(policy), summary(policy));
                let locate =
                    |path: &str| at(parse::locate_in_yaml(&text, parsed.document, &parsed.document_path(path)));
                // Envoy Gateway reads the stored object, CRD defaults included.
                let verdict = policy.with_defaults().envoy_gateway_verdict(settings);
                match verdict.rejection() {
                    None => println!("  Envoy Gateway: accepted"),
                    Some(rejection) => {
                        valid = false;
                        println!(
                            "  Envoy Gateway: NOT accepted (Accepted=False, reason Invalid; its routes answer 500):"
                        );
                        for line in rejection.to_string().lines() {
                            println!("    {line}");
                        }
                        for failure in rejection.failures() {
                            println!(
                                "  {}{} {}: {}",
                                locate(failure.path()),
                                failure.check,
                                failure.feature,
                                failure.text
                            );
                        }
                    }
                }
                if let Some(warning) = verdict.deprecation_warning() {
                    let path = if policy.spec.compression.as_ref().is_some_and(|c| !c.is_empty()) {
                        "spec.compression"
                    } else {
                        "spec.targetRef"
                    };
                    println!("  {}warning (DeprecatedField): {warning}", locate(path));
                }
                for note in verdict.ignored() {
                    println!("  {}ignored ({}): {}: {}", locate(&note.path), note.drop, note.path, note.message);
                }
            }
            Err(errors) => {
                valid = false;
                println!("{name}: {}: {} error(s)", identity(policy), errors.len());
                for error in &errors {
                    let location = parse::locate_in_yaml(&text, parsed.document, &parsed.document_path(error.path()));
                    println!("  {}{error}", at(location));
                }
            }
        }
    }
    valid
}

fn print_parse_error(name: &str, error: &ParseError) {
    match error {
        ParseError::UnknownFields { issues } => {
            for issue in issues {
                println!("{name}: {issue}");
            }
        }
        other => println!("{name}: {other}"),
    }
}

fn at(location: Option<Location>) -> String {
    location.map(|l| format!("{l}: ")).unwrap_or_default()
}

fn identity(policy: &BackendTrafficPolicy) -> String {
    let namespace = policy.metadata.namespace.as_deref().unwrap_or("(no namespace)");
    let name = policy.metadata.name.as_deref().unwrap_or("(no name)");
    format!("{namespace}/{name}")
}

/// `1 target, areas: retry, timeout`.
fn summary(policy: &BackendTrafficPolicy) -> String {
    let spec = serde_json::to_value(&policy.spec).unwrap_or_default();
    let mut targets = 0;
    let mut areas = Vec::new();
    for (key, value) in spec.as_object().into_iter().flatten() {
        match key.as_str() {
            "targetRef" => targets += 1,
            "targetRefs" | "targetSelectors" => targets += value.as_array().map_or(0, Vec::len),
            area => areas.push(area.to_owned()),
        }
    }
    let plural = if targets == 1 { "" } else { "s" };
    if areas.is_empty() {
        format!("{targets} target{plural}, no settings")
    } else {
        format!("{targets} target{plural}, areas: {}", areas.join(", "))
    }
}

fn yaml_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    Ok(files)
}

/// The path relative to the current directory when it is below it, so output does not depend
/// on where the checkout lives.
fn shown(path: &Path) -> &Path {
    std::env::current_dir().ok().and_then(|cwd| path.strip_prefix(cwd).ok()).unwrap_or(path)
}
