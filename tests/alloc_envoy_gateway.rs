//! Allocation budget of Envoy Gateway's verdict: none on an accepted policy without deprecated fields, regular expressions or silent drops.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use backend_traffic_policy::{
    BackendTrafficPolicy,
    envoy_gateway::Settings,
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

fn stored_policies(dir: &std::path::Path) -> Vec<(String, BackendTrafficPolicy)> {
    let mut out = Vec::new();
    for file in common::yaml_files(dir) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, parsed) in parse::from_yaml_documents(&text, FieldValidation::Strict).into_iter().enumerate() {
            if let Ok(parsed) = parsed {
                let name = format!("{}#{i}", file.file_name().unwrap().to_string_lossy());
                out.push((name, parsed.value.with_defaults()));
            }
        }
    }
    out
}

// One test function only: the counter is global, so tests must not run in parallel here.
#[test]
fn verdict_on_accepted_policies_allocates_nothing() {
    let Some(corpus) = common::corpus_dir() else { return };
    let mut all = stored_policies(&corpus.join("upstream"));
    all.extend(stored_policies(&corpus.join("translator")));
    all.extend(stored_policies(&common::fixtures_dir()));
    let settings = Settings::default().with_global_rate_limit(true);
    let mut measured = 0;
    let mut offenders = Vec::new();
    for (name, policy) in &all {
        // The budget covers accepted policies without a deprecation warning, a Go regular
        // expression (compiled by the rate-limit checks) or a silent-drop note: those allocate
        // their messages by design.
        let verdict = policy.envoy_gateway_verdict(&settings);
        let has_regex = serde_json::to_string(&policy.spec).unwrap().contains("RegularExpression");
        if !verdict.is_accepted()
            || verdict.deprecation_warning().is_some()
            || !verdict.ignored().is_empty()
            || has_regex
        {
            continue;
        }
        measured += 1;
        let mut accepted = false;
        let count = allocations_of(|| accepted = policy.envoy_gateway_verdict(&settings).is_accepted());
        assert!(accepted, "{name}");
        if count > 0 {
            offenders.push(format!("{name}: {count} allocations"));
        }
    }
    assert!(measured > 150, "too few policies measured ({measured})");
    assert!(offenders.is_empty(), "the verdict allocated on accepted policies:\n{}", offenders.join("\n"));
    // The counter works: a refused policy allocates its message.
    let mut refused = all[0].1.clone();
    refused.spec.connection = Some(backend_traffic_policy::cluster::connection::Connection {
        buffer_limit: Some("5Gi".into()),
        ..Default::default()
    });
    assert!(allocations_of(|| assert!(!refused.envoy_gateway_verdict(&settings).is_accepted())) > 0);
    eprintln!("{measured} accepted policies: no allocation");
}
