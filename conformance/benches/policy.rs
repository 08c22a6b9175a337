//! Benchmarks: parsing (typed vs untyped, JSON and YAML), `validate()`, every path of
//! `sync_decision`, Envoy Gateway's verdict, and the controller's end-to-end path. Each group measures a baseline in
//! the same run and the ratios against it are printed at the end (absolute times drift on a
//! shared machine; ratios measured together do not).
//!
//! Inputs: our fixtures (`tests/fixtures` of the crate) and, when present, the upstream corpus
//! (`BTP_CORPUS_DIR`, default `../shared/corpus` beside the repository). Run with
//! `cargo bench --bench policy` from the repository root.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::{hint::black_box, path::PathBuf, time::Duration};

use backend_traffic_policy::{
    BackendTrafficPolicy,
    envoy_gateway::Settings,
    kubelb::{Config, GatewayApiSettings, Tenant},
    parse::{self, FieldValidation},
    sync::SyncDecision,
    sync_decision,
};
use criterion::{BatchSize, Criterion, Throughput};

#[path = "common/paired.rs"]
mod paired;
use serde_json::Value;

/// One corpus document in both encodings.
struct Doc {
    json: Vec<u8>,
    yaml: String,
}

fn load(dir: &std::path::Path, docs: &mut Vec<Doc>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    for file in files.iter().filter(|f| f.extension().is_some_and(|x| x == "yaml")) {
        let Ok(text) = std::fs::read_to_string(file) else { continue };
        let Ok(documents) = serde_saphyr::from_multiple::<Value>(&text) else { continue };
        for value in documents {
            if value.is_null() {
                continue;
            }
            let json = serde_json::to_vec(&value).expect("a JSON value serializes");
            let yaml = serde_saphyr::to_string(&value).expect("a JSON value serializes");
            docs.push(Doc { json, yaml });
        }
    }
}

/// The repository's root: this package (`conformance/`) is one level below it.
fn root_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn corpus() -> (String, Vec<Doc>) {
    let mut docs = Vec::new();
    let shared =
        std::env::var_os("BTP_CORPUS_DIR").map(PathBuf::from).unwrap_or_else(|| root_dir().join("../shared/corpus"));
    load(&shared.join("upstream"), &mut docs);
    let label = if docs.is_empty() { "fixtures" } else { "upstream corpus" };
    if docs.is_empty() {
        load(&root_dir().join("tests/fixtures"), &mut docs);
    }
    (label.to_owned(), docs)
}

fn typed(doc: &Doc) -> BackendTrafficPolicy {
    serde_json::from_slice(&doc.json).expect("corpus documents parse")
}

/// One pass of a parse over the corpus, counting the documents that decode: what both the
/// criterion groups and the paired ratios time.
type ParsePass = fn(&[Doc]) -> usize;

fn json_value(docs: &[Doc]) -> usize {
    docs.iter().filter(|d| serde_json::from_slice::<Value>(black_box(&d.json)).is_ok()).count()
}

fn json_typed(docs: &[Doc]) -> usize {
    docs.iter().filter(|d| serde_json::from_slice::<BackendTrafficPolicy>(black_box(&d.json)).is_ok()).count()
}

fn json_strict(docs: &[Doc]) -> usize {
    docs.iter().filter(|d| parse::from_json_slice(black_box(&d.json), FieldValidation::Strict).is_ok()).count()
}

fn yaml_value(docs: &[Doc]) -> usize {
    docs.iter().filter(|d| serde_saphyr::from_str::<Value>(black_box(&d.yaml)).is_ok()).count()
}

fn yaml_typed(docs: &[Doc]) -> usize {
    docs.iter().filter(|d| serde_saphyr::from_str::<BackendTrafficPolicy>(black_box(&d.yaml)).is_ok()).count()
}

fn yaml_strict(docs: &[Doc]) -> usize {
    docs.iter().filter(|d| parse::from_yaml_str(black_box(&d.yaml), FieldValidation::Strict).is_ok()).count()
}

fn bench_parse(c: &mut Criterion, docs: &[Doc]) {
    let groups: [(&str, [(&str, ParsePass); 3]); 2] = [
        ("parse_json", [("untyped_value", json_value), ("typed_serde", json_typed), ("typed_strict", json_strict)]),
        ("parse_yaml", [("untyped_value", yaml_value), ("typed_serde", yaml_typed), ("typed_strict", yaml_strict)]),
    ];
    for (group, passes) in groups {
        let mut g = c.benchmark_group(group);
        g.throughput(Throughput::Elements(docs.len() as u64));
        for (id, pass) in passes {
            g.bench_function(id, |b| b.iter(|| pass(docs)));
        }
        g.finish();
    }
}

fn bench_validate(c: &mut Criterion, docs: &[Doc]) {
    let policies: Vec<BackendTrafficPolicy> = docs.iter().map(typed).collect();
    let mut g = c.benchmark_group("validate");
    g.throughput(Throughput::Elements(docs.len() as u64));
    g.bench_function("typed_serde_parse", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| serde_json::from_slice::<BackendTrafficPolicy>(black_box(&d.json)).is_ok() as usize)
                .sum::<usize>()
        })
    });
    g.bench_function("validate", |b| {
        b.iter(|| policies.iter().map(|p| black_box(p).validate().is_ok() as usize).sum::<usize>())
    });
    g.finish();
}

fn flags(f: impl FnOnce(&mut GatewayApiSettings)) -> GatewayApiSettings {
    let mut settings = GatewayApiSettings::default();
    f(&mut settings);
    settings
}

fn bench_sync(c: &mut Criterion, docs: &[Doc]) {
    let policies: Vec<BackendTrafficPolicy> = docs.iter().map(typed).collect();
    let policy = policies.iter().find(|p| p.spec.target_refs.is_some()).unwrap_or(&policies[0]).clone();
    let config = Config::default_named("kubelb");
    let tenant = Tenant::named("tenant-a");
    let mut g = c.benchmark_group("sync_decision");
    let removes = [
        ("remove_gateway_api_global", config.clone().with_gateway_api(flags(|s| s.disable = true)), tenant.clone()),
        ("remove_gateway_api_tenant", config.clone(), tenant.clone().with_gateway_api(flags(|s| s.disable = true))),
        (
            "remove_policy_sync_global",
            config.clone().with_gateway_api(flags(|s| s.disable_backend_traffic_policy = true)),
            tenant.clone(),
        ),
        (
            "remove_policy_sync_tenant",
            config.clone(),
            tenant.clone().with_gateway_api(flags(|s| s.disable_backend_traffic_policy = true)),
        ),
    ];
    for (name, config, tenant) in &removes {
        g.bench_function(*name, |b| b.iter(|| black_box(sync_decision(black_box(&policy), config, tenant))));
    }
    let mut deleted = policy.clone();
    deleted.metadata.deletion_timestamp =
        Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(k8s_openapi::jiff::Timestamp::UNIX_EPOCH));
    g.bench_function("remove_deleted", |b| b.iter(|| black_box(sync_decision(black_box(&deleted), &config, &tenant))));
    let mut invalid = policy.clone();
    invalid.spec.target_refs = None;
    invalid.spec.target_ref = None;
    g.bench_function("reject_invalid", |b| b.iter(|| black_box(sync_decision(black_box(&invalid), &config, &tenant))));
    g.bench_function("clone_policy", |b| b.iter_batched(|| (), |()| black_box(policy.clone()), BatchSize::SmallInput));
    g.bench_function("apply", |b| b.iter(|| black_box(sync_decision(black_box(&policy), &config, &tenant))));
    // The same comparison over every corpus policy that is applied (documents written without a
    // namespace get `default`, as an API server would give them).
    let applied: Vec<BackendTrafficPolicy> = policies
        .iter()
        .cloned()
        .map(|mut p| {
            p.metadata.namespace.get_or_insert_with(|| "default".to_owned());
            p
        })
        .filter(|p| matches!(sync_decision(p, &config, &tenant), SyncDecision::Apply { .. }))
        .collect();
    g.throughput(Throughput::Elements(applied.len() as u64));
    g.bench_function("clone_corpus", |b| {
        b.iter(|| {
            for p in &applied {
                black_box(p.clone());
            }
        })
    });
    g.bench_function("apply_corpus", |b| {
        b.iter(|| {
            for p in &applied {
                black_box(sync_decision(black_box(p), &config, &tenant));
            }
        })
    });
    g.finish();
}

/// Envoy Gateway's verdict on the accepted policies (as stored, CRD defaults applied) against a
/// typed parse of the same documents, and the controller's path with the verdict against an
/// untyped `Value` parse.
fn bench_envoy_gateway(c: &mut Criterion, docs: &[Doc]) {
    let settings = Settings::default().with_global_rate_limit(true);
    let accepted: Vec<(&Doc, BackendTrafficPolicy)> = docs
        .iter()
        .map(|d| (d, typed(d).with_defaults()))
        .filter(|(_, p)| p.envoy_gateway_verdict(&settings).is_accepted())
        .collect();
    let stored: Vec<Vec<u8>> = accepted.iter().map(|(_, p)| serde_json::to_vec(p).unwrap()).collect();
    let config = Config::default_named("kubelb");
    let tenant = Tenant::named("tenant-a");
    let mut g = c.benchmark_group("envoy_gateway");
    g.throughput(Throughput::Elements(accepted.len() as u64));
    g.bench_function("typed_serde_parse", |b| {
        b.iter(|| {
            stored
                .iter()
                .map(|j| serde_json::from_slice::<BackendTrafficPolicy>(black_box(j)).is_ok() as usize)
                .sum::<usize>()
        })
    });
    g.bench_function("verdict", |b| {
        b.iter(|| {
            accepted
                .iter()
                .map(|(_, p)| black_box(p).envoy_gateway_verdict(&settings).is_accepted() as usize)
                .sum::<usize>()
        })
    });
    g.bench_function("untyped_value", |b| {
        b.iter(|| stored.iter().map(|j| serde_json::from_slice::<Value>(black_box(j)).is_ok() as usize).sum::<usize>())
    });
    // JSON bytes -> typed -> verdict -> decision (sync_decision validates first, rule 6).
    g.bench_function("json_parse_verdict_decide", |b| {
        b.iter(|| {
            let mut applied = 0usize;
            for j in &stored {
                let Ok(policy) = serde_json::from_slice::<BackendTrafficPolicy>(black_box(j)) else { continue };
                if !policy.envoy_gateway_verdict(&settings).is_accepted() {
                    continue;
                }
                if matches!(sync_decision(&policy, &config, &tenant), SyncDecision::Apply { .. }) {
                    applied += 1;
                }
            }
            applied
        })
    });
    g.finish();
}

fn bench_end_to_end(c: &mut Criterion, docs: &[Doc]) {
    let config = Config::default_named("kubelb");
    let tenant = Tenant::named("tenant-a");
    let mut g = c.benchmark_group("end_to_end");
    g.throughput(Throughput::Elements(docs.len() as u64));
    g.bench_function("json_parse_validate_decide", |b| {
        b.iter(|| {
            let mut applied = 0usize;
            for d in docs {
                let Ok(policy) = serde_json::from_slice::<BackendTrafficPolicy>(black_box(&d.json)) else { continue };
                // sync_decision validates (rule 6) before it decides.
                if matches!(
                    sync_decision(&policy, &config, &tenant),
                    backend_traffic_policy::sync::SyncDecision::Apply { .. }
                ) {
                    applied += 1;
                }
            }
            applied
        })
    });
    g.finish();
}

/// Mean time of one benchmark, read from criterion's report directory.
fn mean_ns(group: &str, id: &str) -> Option<f64> {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root_dir().join("target"));
    let path = target.join("criterion").join(group).join(id).join("new/estimates.json");
    let value: Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    value.pointer("/mean/point_estimate")?.as_f64()
}

fn print_budgets(docs: usize, label: &str) {
    let ratio = |g: &str, a: &str, b: &str| Some(mean_ns(g, a)? / mean_ns(g, b)?);
    let show = |name: &str, value: Option<f64>, budget: &str| match value {
        Some(v) => println!("  {name:<46} {v:>8.3}   (budget {budget})"),
        None => println!("  {name:<46} {:>8}   (budget {budget})", "n/a"),
    };
    println!("\nBudgets over {docs} documents of the {label} (ratios measured in this run):");
    show("typed JSON parse / untyped Value parse", ratio("parse_json", "typed_serde", "untyped_value"), "<= 0.9");
    show("strict JSON parse / untyped Value parse", ratio("parse_json", "typed_strict", "untyped_value"), "<= 1.5");
    show("typed YAML parse / untyped YAML parse", ratio("parse_yaml", "typed_serde", "untyped_value"), "<= 1.0");
    show("strict YAML parse / untyped YAML parse", ratio("parse_yaml", "typed_strict", "untyped_value"), "<= 1.2");
    show("validate / typed JSON parse", ratio("validate", "validate", "typed_serde_parse"), "<= 0.3");
    show("Envoy Gateway verdict / typed JSON parse", ratio("envoy_gateway", "verdict", "typed_serde_parse"), "<= 0.2");
    show(
        "parse+verdict+decision / untyped Value parse",
        ratio("envoy_gateway", "json_parse_verdict_decide", "untyped_value"),
        "<= 2.0",
    );
    show("apply decision / clone of the policy", ratio("sync_decision", "apply", "clone_policy"), "<= 1.5");
    show(
        "apply decision / clone, applied corpus policies",
        ratio("sync_decision", "apply_corpus", "clone_corpus"),
        "<= 1.5",
    );
    for id in [
        "remove_gateway_api_global",
        "remove_gateway_api_tenant",
        "remove_policy_sync_global",
        "remove_policy_sync_tenant",
        "remove_deleted",
    ] {
        show(&format!("{id} (ns)"), mean_ns("sync_decision", id), "< 50 ns");
    }
    if let Some(ns) = mean_ns("end_to_end", "json_parse_validate_decide") {
        let per_second = docs as f64 / (ns / 1e9);
        println!(
            "  {:<46} {per_second:>8.0}   (budget >= 200000 policies/s)",
            "end-to-end policies per second (one core)"
        );
    }
}

/// The parse budgets again, each as the median of paired rounds (see `common/paired.rs`): the
/// figures BENCHMARKS.md gives for them, as they do not move with the load between two of
/// criterion's benchmarks.
fn print_paired_parse_budgets(docs: &[Doc]) {
    let rows: [(&str, ParsePass, ParsePass, &str); 4] = [
        ("typed JSON parse / untyped Value parse", json_value, json_typed, "<= 0.9"),
        ("strict JSON parse / untyped Value parse", json_value, json_strict, "<= 1.5"),
        ("typed YAML parse / untyped YAML parse", yaml_value, yaml_typed, "<= 1.0"),
        ("strict YAML parse / untyped YAML parse", yaml_value, yaml_strict, "<= 1.2"),
    ];
    println!("\nParse budgets, paired (baseline and subject in alternation, median of 31 rounds):");
    for (name, baseline, subject, budget) in rows {
        let ratio = paired::median_ratio(&|| baseline(docs), &|| subject(docs));
        println!("  {name:<46} {ratio:>8.3}   (budget {budget})");
    }
}

fn main() {
    let (label, docs) = corpus();
    assert!(!docs.is_empty(), "no documents to benchmark");
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    bench_parse(&mut c, &docs);
    bench_validate(&mut c, &docs);
    bench_sync(&mut c, &docs);
    bench_end_to_end(&mut c, &docs);
    bench_envoy_gateway(&mut c, &docs);
    c.final_summary();
    print_budgets(docs.len(), &label);
    // Criterion's `--list` and `--test` modes measure nothing, nor does a filter without
    // "parse" in it measure the parse groups; neither does this then.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let filter = args.iter().find(|a| !a.starts_with('-'));
    let listing = args.iter().any(|a| a == "--list" || a == "--test");
    if !listing && filter.is_none_or(|f| f.contains("parse")) {
        print_paired_parse_budgets(&docs);
    }
}
