//! Allocation budgets, measured with a counting global allocator: validating a valid policy
//! allocates nothing (after a warm-up that builds the compiled schema once), metadata included
//! and long lists and keys included, and neither does any `Remove` decision of `sync_decision`
//! (rules 1 to 5).
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

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
fn valid_policies_and_remove_decisions_allocate_nothing() {
    let mut all = policies(&common::fixtures_dir());
    if let Some(dir) = common::corpus_dir() {
        all.extend(policies(&dir.join("upstream")));
    }
    all.extend(audit_cases());
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

    remove_decisions_allocate_nothing(&all[0].1);
    management_side_scan_allocates_nothing_without_findings(&all);
}

/// Rule 6b of the sync (issue 10: "keep the decision allocation-free when no such field is
/// present"): the scan allocates only for what it reports. With every kind allowed nothing is
/// reported, so no policy may allocate; with the default options, only the refused ones may.
fn management_side_scan_allocates_nothing_without_findings(all: &[(String, BackendTrafficPolicy)]) {
    use backend_traffic_policy::sync::{ManagementSideKinds, management_side_fields};
    let mut offenders = Vec::new();
    let mut refused = 0;
    for (name, policy) in all {
        for allow in [ManagementSideKinds::all(), ManagementSideKinds::default()] {
            let mut found = Vec::new();
            let count = allocations_of(|| found = management_side_fields(&policy.spec, &allow));
            if found.is_empty() && count > 0 {
                offenders.push(format!("{name}: {count} allocations, nothing found"));
            }
            refused += usize::from(!found.is_empty() && count > 0);
        }
    }
    assert!(offenders.is_empty(), "the management-side scan allocated:\n{}", offenders.join("\n"));
    // The counter works here too: a refused field allocates its report.
    assert!(refused > 0 || common::corpus_dir().is_none(), "no refused upstream policy allocated its report");
}

/// What an audit found allocating (issue 10): a `map` list past the inline fingerprint buffer
/// (over 32 `weightedZones`), map keys longer than the old 128-byte key buffer (`customTags`),
/// and the metadata a tenant policy carries (labels, annotations, finalizers, generateName).
fn audit_cases() -> Vec<(String, BackendTrafficPolicy)> {
    let zones: Vec<String> = (0..100).map(|i| format!("{{zone: zone-{i:03}, weight: {i}}}")).collect();
    let long_key = "k".repeat(300);
    let name = format!("{}.{}", "a".repeat(126), "b".repeat(126));
    let text = format!(
        r#"
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: BackendTrafficPolicy
metadata:
  name: {name}
  generateName: audit-
  namespace: {ns}
  generation: 7
  labels: {{app.kubernetes.io/name: web, kubelb.k8c.io/origin-name: {label}, empty: ""}}
  annotations: {{Example.COM/Note: "free text, any length: {note}"}}
  finalizers: [example.com/cleanup]
spec:
  targetRefs: [{{group: gateway.networking.k8s.io, kind: HTTPRoute, name: backend}}]
  loadBalancer:
    type: RoundRobin
    zoneAware:
      weightedZones: [{zones}]
  telemetry:
    tracing:
      customTags:
        {long_key}: {{type: Literal, literal: {{value: v}}}}
        short: {{type: Literal, literal: {{value: v}}}}
"#,
        ns = "n".repeat(63),
        label = "l".repeat(63),
        note = "x".repeat(1000),
        zones = zones.join(", "),
    );
    let policy = parse::from_yaml_str(&text, FieldValidation::Strict).unwrap().value;
    assert_eq!(policy.validate(), Ok(()), "the audit policy must be valid");
    // The counter sees the duplicate scan past the buffer: a repeated zone beyond item 32 is found.
    let mut repeated = policy.clone();
    let zones = repeated.spec.load_balancer.as_mut().unwrap().zone_aware.as_mut().unwrap();
    let list = zones.weighted_zones.as_mut().unwrap();
    list[90].zone = list[40].zone.clone();
    let errors = repeated.validate().unwrap_err();
    assert_eq!(
        errors.errors()[0].to_string(),
        "spec.loadBalancer.zoneAware.weightedZones[90]: Duplicate value: map[string]interface {}{\"zone\":\"zone-040\"}"
    );
    vec![("audit: 100 weightedZones, a 300-byte customTags key, full metadata".to_owned(), policy)]
}

/// Rules 1 to 5 of the sync decision read flags only. (provenance: the performance issue's
/// "a Remove decision ... free of allocation")
fn remove_decisions_allocate_nothing(policy: &BackendTrafficPolicy) {
    use backend_traffic_policy::{
        kubelb::{Config, GatewayApiSettings, Tenant},
        sync::{RemoveReason, Scope, SyncDecision},
        sync_decision,
    };
    let off = |f: fn(&mut GatewayApiSettings)| {
        let mut settings = GatewayApiSettings::default();
        f(&mut settings);
        settings
    };
    let (config, tenant) = (Config::default_named("kubelb"), Tenant::named("tenant-a"));
    let mut deleted = policy.clone();
    deleted.metadata.deletion_timestamp =
        Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(k8s_openapi::jiff::Timestamp::UNIX_EPOCH));
    let cases = [
        (
            "rule 1",
            config.clone().with_gateway_api(off(|s| s.disable = true)),
            tenant.clone(),
            policy,
            RemoveReason::GatewayApiDisabled(Scope::Global),
        ),
        (
            "rule 2",
            config.clone(),
            tenant.clone().with_gateway_api(off(|s| s.disable = true)),
            policy,
            RemoveReason::GatewayApiDisabled(Scope::Tenant),
        ),
        (
            "rule 3",
            config.clone().with_gateway_api(off(|s| s.disable_backend_traffic_policy = true)),
            tenant.clone(),
            policy,
            RemoveReason::PolicySyncDisabled(Scope::Global),
        ),
        (
            "rule 4",
            config.clone(),
            tenant.clone().with_gateway_api(off(|s| s.disable_backend_traffic_policy = true)),
            policy,
            RemoveReason::PolicySyncDisabled(Scope::Tenant),
        ),
        ("rule 5", config.clone(), tenant.clone(), &deleted, RemoveReason::Deleted),
    ];
    for (rule, config, tenant, policy, expected) in cases {
        let mut decision = None;
        let count = allocations_of(|| decision = Some(sync_decision(policy, &config, &tenant)));
        assert_eq!(decision, Some(SyncDecision::Remove { reason: expected }), "{rule}");
        assert_eq!(count, 0, "{rule}: the Remove decision allocated");
    }
}
