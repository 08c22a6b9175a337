//! Validation equal to the API server's, over the shared corpus and our fixtures.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use backend_traffic_policy::parse::{self, FieldValidation};

/// Acceptance: every upstream policy (all accepted by an API server) validates.
#[test]
fn upstream_policies_validate() {
    let Some(dir) = common::corpus_dir() else { return };
    let mut failures = Vec::new();
    for file in common::yaml_files(&dir.join("upstream")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for parsed in parse::from_yaml_documents(&text, FieldValidation::Strict) {
            let policy = parsed.unwrap_or_else(|e| panic!("{}: {e}", file.display())).value;
            if let Err(errors) = policy.validate() {
                failures.push(format!("{}:\n{errors}", file.file_name().unwrap().to_string_lossy()));
            }
        }
    }
    assert!(failures.is_empty(), "{} upstream policies fail validation:\n{}", failures.len(), failures.join("\n"));
}
