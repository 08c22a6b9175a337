//! Differential test: the CEL rules of `crd()`, evaluated by a real CEL engine (kube-cel),
//! agree with the native rule checks of `validate()` on every fixture and corpus policy. The
//! mutant tables of `rules_cluster.rs` and `rules_traffic.rs` run the same check per row.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use backend_traffic_policy::parse::{self, FieldValidation};
use common::cel;

fn check_dir(dir: &std::path::Path, mode: FieldValidation) -> usize {
    let mut count = 0;
    for file in common::yaml_files(dir) {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        for (i, parsed) in parse::from_yaml_documents(&text, mode).into_iter().enumerate() {
            let Ok(parsed) = parsed else { continue };
            cel::assert_agrees(&parsed.value, &format!("{name}#{i}"));
            count += 1;
        }
    }
    count
}

#[test]
fn fixtures_agree_with_kube_cel() {
    assert!(check_dir(&common::fixtures_dir(), FieldValidation::Strict) >= 10);
}

#[test]
fn upstream_corpus_agrees_with_kube_cel() {
    let Some(dir) = common::corpus_dir() else { return };
    assert_eq!(check_dir(&dir.join("upstream"), FieldValidation::Strict), 389);
}

/// The suspect documents, read leniently, include real rule violations (R01, R10, R44).
#[test]
fn suspect_corpus_agrees_with_kube_cel() {
    let Some(dir) = common::corpus_dir() else { return };
    let checked = check_dir(&dir.join("upstream-suspect"), FieldValidation::Ignore);
    // Seven documents miss a required field (`group`, `type`) and do not parse at all.
    assert_eq!(checked, 38, "suspect documents compared");
}
