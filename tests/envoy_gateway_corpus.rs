//! Envoy Gateway's verdict against the verdicts its own translator fixtures record (`../shared/corpus/translator`).
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use std::path::{Path, PathBuf};

use backend_traffic_policy::{
    BackendTrafficPolicy,
    envoy_gateway::Settings,
    parse::{self, FieldValidation},
};

/// The header lines of a corpus file (`# key: value`), in order.
fn headers(text: &str) -> Vec<(String, String)> {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .filter_map(|l| l.trim_start_matches('#').trim().split_once(": "))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn header<'a>(headers: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    headers.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str()).collect()
}

fn translator_dir() -> Option<PathBuf> {
    let dir = common::corpus_dir()?.join("translator");
    assert!(dir.is_dir(), "{} is missing", dir.display());
    Some(dir)
}

/// The policy as the API server stores it: strict parse, CRD defaults applied.
fn stored(file: &Path) -> Result<BackendTrafficPolicy, String> {
    let text = std::fs::read_to_string(file).unwrap();
    let parsed = parse::from_yaml_str(&text, FieldValidation::Strict).map_err(|e| format!("strict parse: {e}"))?;
    parsed.value.validate().map_err(|e| format!("validate: {e}"))?;
    Ok(parsed.value.with_defaults())
}

/// Acceptance of issue 9: every `reject` file gives exactly its `# message:`, every `accept` file
/// is accepted, every `# warning:` is the deprecation warning (and no other file has one). The
/// fixtures run with the global rate limit enabled (`# assumes:`), so T36 passes.
#[test]
fn translator_fixtures_get_envoy_gateways_verdict() {
    let Some(dir) = translator_dir() else { return };
    let settings = Settings::default().with_global_rate_limit(true);
    let mut files = common::yaml_files(&dir);
    files.extend(common::yaml_files(&dir.join("warn")));
    files.extend(common::yaml_files(&dir.join("repaired")));
    assert_eq!(files.len(), 47 + 88 + 5, "README counts");
    let mut failures = Vec::new();
    let (mut rejects, mut accepts, mut warnings) = (0, 0, 0);
    for file in &files {
        let name = file.strip_prefix(&dir).unwrap().display().to_string();
        let text = std::fs::read_to_string(file).unwrap();
        let headers = headers(&text);
        let policy = match stored(file) {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{name}: not CRD-valid here: {e}"));
                continue;
            }
        };
        let verdict = policy.envoy_gateway_verdict(&settings);
        match header(&headers, "expect").as_slice() {
            ["reject"] => {
                rejects += 1;
                let expected = header(&headers, "message");
                let actual = verdict.rejection().map(ToString::to_string);
                if actual.as_deref() != expected.first().copied() || expected.len() != 1 {
                    failures.push(format!("{name}: expected rejection {expected:?}, got {actual:?}"));
                }
            }
            ["accept"] => {
                accepts += 1;
                if let Some(rejection) = verdict.rejection() {
                    failures.push(format!("{name}: expected accepted, got {rejection:?}: {rejection}"));
                }
            }
            other => panic!("{name}: bad expect header {other:?}"),
        }
        let warning = header(&headers, "warning");
        warnings += warning.len();
        if verdict.deprecation_warning().as_deref() != warning.first().copied() {
            failures.push(format!("{name}: warning {:?}, expected {warning:?}", verdict.deprecation_warning()));
        }
    }
    assert!(failures.is_empty(), "{} of {} files fail:\n{}", failures.len(), files.len(), failures.join("\n"));
    assert_eq!((rejects, accepts), (10, 130), "README counts: 7 + 3 rejections, 40 + 88 + 2 accepted");
    assert!(warnings > 88, "every warn/ file carries a warning ({warnings})");
}

/// Every `crd-invalid/` fixture is refused before any translator check runs: by `validate()`, or
/// by the strict parse when a field is unknown.
#[test]
fn crd_invalid_fixtures_are_refused_by_validation_first() {
    let Some(dir) = translator_dir() else { return };
    let files = common::yaml_files(&dir.join("crd-invalid"));
    assert_eq!(files.len(), 10, "README count");
    let mut failures = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(file).unwrap();
        assert_eq!(header(&headers(&text), "expect"), ["reject"], "{name}");
        // The strict parse stands for kubectl's default `fieldValidation=Strict`: the mis-cased
        // `perRetry.backoff` fixtures are refused there. Read leniently they lose the field (the
        // API server prunes it) and what remains is valid, so for those the lenient read must
        // be valid and accepted by Envoy Gateway: the fixture's rejection needs the lost field.
        let refused = match parse::from_yaml_str(&text, FieldValidation::Strict) {
            Ok(p) => p.value.validate().is_err(),
            Err(_) => match parse::from_yaml_str(&text, FieldValidation::Ignore) {
                Err(_) => true,
                Ok(p) if p.value.validate().is_err() => true,
                Ok(p) => {
                    let pruned = p.value.with_defaults().envoy_gateway_verdict(&Settings::default());
                    assert!(
                        text.contains("backoff:") && pruned.is_accepted(),
                        "{name}: only strict parsing refuses it"
                    );
                    true
                }
            },
        };
        if !refused {
            failures.push(format!("{name}: stored by the API server according to validate()"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
