//! Conformance over the shared corpus of real upstream policies (`../shared/corpus`).
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use backend_traffic_policy::parse::{self, FieldValidation};
use serde_json::Value;

/// Acceptance of the typed-model issue: every upstream policy parses in Strict mode and
/// serializes back to the same JSON (up to key order, explicit nulls and `50` vs `50.0`).
#[test]
fn upstream_policies_parse_strictly_and_round_trip() {
    let Some(dir) = common::corpus_dir() else { return };
    let files = common::yaml_files(&dir.join("upstream"));
    assert_eq!(files.len(), 389, "the upstream corpus has 389 policies");
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy();
        let originals: Vec<Value> =
            serde_saphyr::from_multiple::<Value>(&text).unwrap().into_iter().filter(|v: &Value| !v.is_null()).collect();
        let parsed = parse::from_yaml_documents(&text, FieldValidation::Strict);
        assert_eq!(parsed.len(), originals.len(), "{name}: document count");
        for (doc, (result, mut original)) in parsed.into_iter().zip(originals).enumerate() {
            let policy = match result {
                Ok(p) => p.value,
                Err(e) => {
                    failures.push(format!("{name}#{doc}: strict parse failed: {e}"));
                    continue;
                }
            };
            common::drop_nulls(&mut original);
            let output = serde_json::to_value(&policy).unwrap();
            if let Some(diff) = common::first_difference(&original, &output) {
                failures.push(format!("{name}#{doc}: round trip differs at {diff}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} files fail:\n{}", failures.len(), files.len(), failures.join("\n"));
}
