//! Allocation budget: validating a valid policy allocates nothing (a counting global
//! allocator around `validate()`, after a warm-up that builds the compiled schema once).

mod common;

use backend_traffic_policy::{
    BackendTrafficPolicy,
    parse::{self, FieldValidation},
};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

// stats_alloc wraps the system allocator and counts; no unsafe code of ours is needed.
#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

/// Allocations (including reallocations) made while `f` runs.
fn allocations_of(f: impl FnOnce()) -> usize {
    let region = Region::new(GLOBAL);
    f();
    let stats = region.change();
    stats.allocations + stats.reallocations
}

fn policies(dir: &std::path::Path) -> Vec<(String, BackendTrafficPolicy)> {
    let mut out = Vec::new();
    for file in common::yaml_files(dir) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, parsed) in parse::from_yaml_documents(&text, FieldValidation::Strict).into_iter().enumerate() {
            out.push((format!("{}#{i}", file.file_name().unwrap().to_string_lossy()), parsed.unwrap().value));
        }
    }
    out
}

// One test function only: the counter is global, so tests must not run in parallel here.
#[test]
fn validating_valid_policies_allocates_nothing() {
    let mut all = policies(&common::fixtures_dir());
    if let Some(dir) = common::corpus_dir() {
        all.extend(policies(&dir.join("upstream")));
    }
    // Warm-up: the first call compiles the schema (once per process).
    all[0].1.validate().unwrap();
    let mut offenders = Vec::new();
    for (name, policy) in &all {
        let mut result = Ok(());
        let count = allocations_of(|| result = policy.validate());
        assert!(result.is_ok(), "{name} must be valid: {result:?}");
        if count > 0 {
            offenders.push(format!("{name}: {count} allocations"));
        }
    }
    assert!(offenders.is_empty(), "validate() allocated on valid policies:\n{}", offenders.join("\n"));
    // The counter works: an invalid policy allocates its error report.
    let mut invalid = all[0].1.clone();
    invalid.spec.target_refs = None;
    invalid.spec.target_ref = None;
    invalid.spec.target_selectors = None;
    assert!(allocations_of(|| drop(invalid.validate())) > 0);
}
