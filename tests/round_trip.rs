//! Our fixtures (`tests/fixtures/*.yaml`) parse strictly and serialize back to what they say, and
//! together they set every field of the spec; plus the JSON side of the parse API.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use std::collections::BTreeSet;

use backend_traffic_policy::{
    BackendTrafficPolicy,
    parse::{self, FieldValidation, IssueKind, ParseError},
};
use serde_json::Value;

/// Every document of every fixture: Strict, no warnings, and a lossless round trip (up to key
/// order and `50` vs `50.0`). A failure names the file, the document and its `# covers:` line.
#[test]
fn fixtures_parse_strictly_and_round_trip() {
    let mut failures = Vec::new();
    let mut count = 0;
    for (name, text, original, result) in fixture_documents() {
        count += 1;
        let parsed = match result {
            Ok(parsed) => parsed,
            Err(e) => {
                failures.push(format!("{name}: strict parse failed: {e}\n--- input ---\n{text}"));
                continue;
            }
        };
        if !parsed.warnings.is_empty() {
            failures.push(format!("{name}: warnings {:?}\n--- input ---\n{text}", parsed.warnings));
        }
        let output = serde_json::to_value(&parsed.value).unwrap();
        if let Some(diff) = common::first_difference(&original, &output) {
            failures.push(format!("{name}: round trip differs at {diff}\n--- input ---\n{text}"));
        }
    }
    assert!(count > 0, "no fixture documents");
    assert!(failures.is_empty(), "{} of {count} fixture documents fail:\n{}", failures.len(), failures.join("\n\n"));
}

/// Each property of the upstream CRD's `spec` (as `BackendTrafficPolicy::crd()` has them) is set
/// by at least one fixture, so the round trip above exercises every area.
#[test]
fn fixtures_set_every_spec_field() {
    let crd = serde_json::to_value(BackendTrafficPolicy::crd()).unwrap();
    let pointer = "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties";
    let fields: BTreeSet<&str> = crd
        .pointer(pointer)
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("the CRD has no {pointer}"))
        .keys()
        .map(String::as_str)
        .collect();
    let set: BTreeSet<String> = fixture_documents()
        .filter_map(|(_, _, original, _)| {
            original.get("spec")?.as_object().map(|spec| spec.keys().cloned().collect::<Vec<_>>())
        })
        .flatten()
        .collect();
    let unset: Vec<&str> = fields.iter().copied().filter(|f| !set.contains(*f)).collect();
    assert!(unset.is_empty(), "no fixture in tests/fixtures sets spec.{}", unset.join(", spec."));
}

/// `(file#index name, document text, document as JSON without nulls, strict parse)` for every
/// document of every fixture.
fn fixture_documents()
-> impl Iterator<Item = (String, String, Value, Result<parse::Parsed<BackendTrafficPolicy>, ParseError>)> {
    common::yaml_files(&common::fixtures_dir()).into_iter().flat_map(|file| {
        let file_name = file.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file_name}: {e}"));
        let texts: Vec<String> = text.split("\n---\n").map(str::to_owned).collect();
        let originals: Vec<Value> = serde_saphyr::from_multiple::<Value>(&text)
            .unwrap_or_else(|e| panic!("{file_name}: {e}"))
            .into_iter()
            .filter(|v: &Value| !v.is_null())
            .collect();
        let results = parse::from_yaml_documents(&text, FieldValidation::Strict);
        assert_eq!(results.len(), originals.len(), "{file_name}: document count");
        assert_eq!(texts.len(), originals.len(), "{file_name}: documents are separated by `---` lines");
        texts.into_iter().zip(originals).zip(results).enumerate().map(move |(index, ((text, mut original), result))| {
            common::drop_nulls(&mut original);
            let name = original.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("?");
            (format!("{file_name}#{index} ({name})"), text, original, result)
        })
    })
}

/// What parsing a JSON document must give.
#[derive(Debug)]
enum Expect {
    /// Parses, with warnings at these paths.
    Ok(&'static [&'static str]),
    /// Rejected for these unknown fields.
    Unknown(&'static [&'static str]),
    /// Rejected at this path with a message containing this text.
    Field(&'static str, &'static str),
    /// Rejected as an object of this apiVersion and kind.
    WrongKind(&'static str, &'static str),
    /// Not JSON; the error is at this line and column.
    Syntax(usize, usize),
}

const HEAD: &str = r#""apiVersion": "gateway.envoyproxy.io/v1alpha1", "kind": "BackendTrafficPolicy", "metadata": {"name": "p", "namespace": "default"}"#;

/// `from_json_slice` in each mode. `{HEAD}` stands for a policy's apiVersion, kind and metadata.
#[test]
fn json_input() {
    use FieldValidation::{Ignore, Strict, Warn};
    let unknown = r#"{HEAD, "spec": {"targetRefs": [], "retry": {"numRetrys": 3}}}"#;
    let wrong_shape = r#"{HEAD, "spec": {"retry": {"numRetries": "three"}}}"#;
    let duplicate = r#"{HEAD, "spec": {"retry": {}, "retry": {}}}"#;
    let config_map = r#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "p"}, "data": {}}"#;
    let old_version = r#"{"apiVersion": "gateway.envoyproxy.io/v1", "kind": "BackendTrafficPolicy", "spec": {}}"#;
    let trailing_comma = "{\n  HEAD,\n  \"spec\": {\"retry\": {\"numRetries\": 3,}}\n}";
    let truncated = "{\n  HEAD,\n  \"spec\": {";
    let cases: &[(&str, &str, FieldValidation, Expect)] = &[
        (
            "parse.rs table: unknown field is an error in Strict",
            unknown,
            Strict,
            Expect::Unknown(&["spec.retry.numRetrys"]),
        ),
        ("parse.rs table: unknown field is a warning in Warn", unknown, Warn, Expect::Ok(&["spec.retry.numRetrys"])),
        ("parse.rs table: unknown field is dropped in Ignore", unknown, Ignore, Expect::Ok(&[])),
        (
            "parse.rs table: wrong shape is an error in Strict",
            wrong_shape,
            Strict,
            Expect::Field("spec.retry.numRetries", "invalid type"),
        ),
        // Issue 11: a value of the wrong type fails in every mode, as in the API server (these
        // rows said "dropped with a warning", which was not Kubernetes').
        (
            "API server fieldValidation=Warn: a wrong type still fails",
            wrong_shape,
            Warn,
            Expect::Field("spec.retry.numRetries", "invalid type"),
        ),
        (
            "API server fieldValidation=Ignore: a wrong type still fails",
            wrong_shape,
            Ignore,
            Expect::Field("spec.retry.numRetries", "invalid type"),
        ),
        (
            "API server fieldValidation=Strict: a duplicate field fails (sigs.k8s.io/json DisallowDuplicateFields)",
            duplicate,
            Strict,
            Expect::Field("spec.retry", "duplicate field"),
        ),
        // Issue 11: these two rows said "an error in every mode", which was not Kubernetes'.
        (
            "API server fieldValidation=Warn: a duplicate field is a warning, the last value wins",
            duplicate,
            Warn,
            Expect::Ok(&["spec.retry"]),
        ),
        (
            "API server fieldValidation=Ignore: a duplicate field is silent, the last value wins",
            duplicate,
            Ignore,
            Expect::Ok(&[]),
        ),
        ("another kind of object", config_map, Strict, Expect::WrongKind("v1", "ConfigMap")),
        ("another kind of object, whatever the mode", config_map, Ignore, Expect::WrongKind("v1", "ConfigMap")),
        (
            "another apiVersion of the kind",
            old_version,
            Warn,
            Expect::WrongKind("gateway.envoyproxy.io/v1", "BackendTrafficPolicy"),
        ),
        ("JSON has no trailing commas: at the `}` after it", trailing_comma, Strict, Expect::Syntax(3, 38)),
        ("JSON has no trailing commas, whatever the mode", trailing_comma, Ignore, Expect::Syntax(3, 38)),
        ("the document ends inside spec", truncated, Warn, Expect::Syntax(3, 11)),
    ];
    let mut failures = Vec::new();
    for (provenance, input, mode, expected) in cases {
        let input = input.replace("HEAD", HEAD);
        let result = parse::from_json_slice(input.as_bytes(), *mode);
        if let Err(why) = check_json(&result, expected) {
            failures.push(format!(
                "{provenance}, {mode:?}: {why}\n  expected {expected:?}\n  got {result:?}\n  input {input}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn check_json(
    result: &Result<parse::Parsed<BackendTrafficPolicy>, ParseError>,
    expected: &Expect,
) -> Result<(), String> {
    let paths = |issues: &[parse::FieldIssue]| issues.iter().map(|i| i.path.clone()).collect::<Vec<_>>();
    match (expected, result) {
        (Expect::Ok(want), Ok(parsed)) => {
            let got = paths(&parsed.warnings);
            if got != *want {
                return Err(format!("warnings at {got:?}"));
            }
            located(&parsed.warnings)
        }
        (Expect::Unknown(want), Err(ParseError::UnknownFields { issues })) => {
            if paths(issues) != *want || !issues.iter().all(|i| matches!(i.kind, IssueKind::UnknownField { .. })) {
                return Err("other unknown fields".into());
            }
            located(issues)
        }
        (Expect::Field(path, text), Err(ParseError::Field(issue))) => {
            if issue.path != *path || !issue.to_string().contains(text) {
                return Err(format!("error {issue}"));
            }
            located(std::slice::from_ref(issue))
        }
        (Expect::WrongKind(api_version, kind), Err(ParseError::WrongKind { api_version: a, kind: k, location })) => {
            if a != api_version || k != kind || location.is_none() {
                return Err("other apiVersion, kind or no location".into());
            }
            Ok(())
        }
        (Expect::Syntax(line, column), Err(ParseError::Syntax { location: Some(l), .. })) => {
            if (l.line, l.column) != (*line, *column) {
                return Err(format!("at line {}, column {}", l.line, l.column));
            }
            Ok(())
        }
        _ => Err("another outcome".into()),
    }
}

/// JSON has lines too: every finding says where it is.
fn located(issues: &[parse::FieldIssue]) -> Result<(), String> {
    match issues.iter().find(|i| i.location.is_none()) {
        Some(issue) => Err(format!("{}: no location", issue.path)),
        None => Ok(()),
    }
}
