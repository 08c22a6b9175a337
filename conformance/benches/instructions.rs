//! Runs one operation over the corpus N times, for counting instructions with valgrind's
//! callgrind (repeatable whatever the machine's load, unlike wall-clock time):
//!
//! ```text
//! cargo bench --bench instructions --no-run   # prints the binary's path
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null <binary> validate 1
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null <binary> validate 101
//! ```
//!
//! The difference of the two totals, divided by 100 × the number of documents, is the cost per
//! document. Operations: `value` (serde_json::Value parse), `parse` (typed parse), `validate`,
//! `strict` (the parse API in `Strict` mode), `clone`, `apply` (sync_decision with a default Config and Tenant);
//! over the same documents written as YAML: `yaml_value` (serde-saphyr → Value), `yaml_parse`
//! (serde-saphyr → typed), `yaml_strict` (the parse API in `Strict` mode).
// Benchmark code: a panic here stops a measurement; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::{hint::black_box, path::PathBuf};

use backend_traffic_policy::{
    BackendTrafficPolicy,
    kubelb::{Config, Tenant},
    parse::{self, FieldValidation},
    sync::SyncDecision,
    sync_decision,
};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let operation = args.first().map_or("validate", String::as_str);
    let passes: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1);
    let dir = std::env::var_os("BTP_CORPUS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"))
        .join("upstream");
    let mut docs = Vec::new();
    let mut yaml = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let value: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        docs.push(serde_json::to_vec(&value).unwrap());
        yaml.push(serde_saphyr::to_string(&value).unwrap());
    }
    let policies: Vec<BackendTrafficPolicy> = docs.iter().map(|d| serde_json::from_slice(d).unwrap()).collect();
    let (config, tenant) = (Config::default_named("kubelb"), Tenant::named("tenant-a"));
    let mut count = 0usize;
    for _ in 0..passes {
        for ((doc, policy), yaml) in docs.iter().zip(&policies).zip(&yaml) {
            count += match operation {
                "value" => usize::from(serde_json::from_slice::<serde_json::Value>(black_box(doc)).is_ok()),
                "parse" => usize::from(serde_json::from_slice::<BackendTrafficPolicy>(black_box(doc)).is_ok()),
                "strict" => usize::from(parse::from_json_slice(black_box(doc), FieldValidation::Strict).is_ok()),
                "yaml_value" => usize::from(serde_saphyr::from_str::<serde_json::Value>(black_box(yaml)).is_ok()),
                "yaml_parse" => usize::from(serde_saphyr::from_str::<BackendTrafficPolicy>(black_box(yaml)).is_ok()),
                "yaml_strict" => usize::from(parse::from_yaml_str(black_box(yaml), FieldValidation::Strict).is_ok()),
                "clone" => usize::from(black_box(policy.clone()).metadata.name.is_some()),
                "apply" => usize::from(matches!(
                    sync_decision(black_box(policy), &config, &tenant),
                    SyncDecision::Apply { .. }
                )),
                _ => usize::from(black_box(policy).validate().is_ok()),
            };
        }
    }
    println!("{operation}: {count} results over {passes} passes of {} documents", docs.len());
}
