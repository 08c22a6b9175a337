//! Differential test of the rate-limit checks against Envoy Gateway's own translator (the
//! `egverify` oracle): header regexes, path regexes and source CIDRs, hand-picked and generated
//! with proptest. Runs only when `BTP_EG_ORACLE` names the directory of the built oracle.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::{collections::BTreeMap, path::Path, process::Command};

use proptest::{prelude::*, strategy::ValueTree, test_runner::TestRunner};

use crate::{
    BackendTrafficPolicy,
    envoy_gateway::{NotAccepted, Settings},
    go::go_quote,
};

/// Regex fragments the generator joins: every construct the Go parser treats specially.
const ATOMS: &[&str] = &[
    "a",
    "b",
    "K",
    "k",
    "é",
    "0",
    "1",
    "7",
    "(",
    ")",
    "(?:",
    "(?i)",
    "(?i:",
    "(?-i)",
    "(?s)",
    "(?U)",
    "(?P<n>",
    "(?<n>",
    "(?<",
    "(?P",
    "(?=",
    "[",
    "]",
    "[^",
    "-",
    "^",
    "$",
    ".",
    "|",
    "*",
    "+",
    "?",
    "*?",
    "{",
    "}",
    "{2}",
    "{1,3}",
    "{2,}",
    "{,3}",
    "{1001}",
    ",",
    "\\",
    "\\d",
    "\\W",
    "\\pL",
    "\\p{Greek}",
    "\\P{Lu}",
    "\\p{^Han}",
    "\\p",
    "\\p{",
    "\\pZ",
    "\\Q",
    "\\E",
    "\\x41",
    "\\x{10FFFF}",
    "\\x{",
    "\\1",
    "\\0",
    "\\b",
    "\\z",
    "\\C",
    "\\q",
    "\\_",
    "\\.",
    "[:alpha:]",
    "[[:word:]]",
    "[:foo:]",
    "z-a",
    "a-z",
    "\\n",
];

/// CIDR fragments the generator joins.
const CIDR_ATOMS: &[&str] = &[
    "10", "0", "01", "255", "256", "1", ".", ":", "::", "/", "32", "33", "128", "129", "008", "ffff", "FFFF", "00001",
    "%", "eth0", "a", " ", "-", "+1",
];

/// `count` strings made of 0 to `len` fragments of `atoms`, from a fixed seed.
fn generated(atoms: &'static [&'static str], len: usize, count: usize) -> Vec<String> {
    let strategy = proptest::collection::vec(proptest::sample::select(atoms), 0..len).prop_map(|parts| parts.concat());
    let mut runner = TestRunner::deterministic();
    (0..count).map(|_| strategy.new_tree(&mut runner).unwrap().current()).collect()
}

/// A stored policy whose only rate-limit rule has the client selector `selector` (JSON).
fn policy(selector: serde_json::Value) -> BackendTrafficPolicy {
    let document = serde_json::json!({
        "apiVersion": "gateway.envoyproxy.io/v1alpha1",
        "kind": "BackendTrafficPolicy",
        "metadata": {"name": "p", "namespace": "ns"},
        "spec": {
            "targetRefs": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "r"}],
            "rateLimit": {"global": {"rules": [{"clientSelectors": [selector], "limit": {"requests": 1, "unit": "Second"}}]}},
        },
    });
    let policy: BackendTrafficPolicy = serde_json::from_value(document).unwrap();
    policy.with_defaults()
}

/// Our condition message for `policy` quoted as `egverify` prints it (`""` when accepted).
fn our_message(policy: &BackendTrafficPolicy) -> String {
    let mut failures = Vec::new();
    if let Some(rate_limit) = &policy.spec.rate_limit {
        rate_limit.envoy_gateway_check(&Settings::default().with_global_rate_limit(true), &mut failures);
    }
    go_quote(&NotAccepted::from_failures(failures).map(|n| n.to_string()).unwrap_or_default())
}

/// Runs `egverify global` on the policies and returns, per input, what it printed.
fn oracle(egverify: &Path, dir: &Path, policies: &[BackendTrafficPolicy]) -> Vec<String> {
    let files: Vec<_> = policies
        .iter()
        .enumerate()
        .map(|(i, policy)| {
            let file = dir.join(format!("p{i:05}.json"));
            std::fs::write(&file, serde_json::to_vec(policy).unwrap()).unwrap();
            file
        })
        .collect();
    let mut printed = BTreeMap::new();
    for batch in files.chunks(400) {
        let output = Command::new(egverify).arg("global").args(batch).output().unwrap();
        assert!(output.status.success(), "egverify failed: {}", String::from_utf8_lossy(&output.stderr));
        for line in String::from_utf8(output.stdout).unwrap().lines() {
            let (file, message) = line.split_once('\t').unwrap();
            printed.insert(file.to_owned(), message.to_owned());
        }
    }
    files
        .iter()
        .map(|file| printed.remove(file.to_str().unwrap()).unwrap_or_else(|| panic!("no line for {file:?}")))
        .collect()
}

/// The differential run: prints the figures and fails on any disagreement.
#[test]
fn agrees_with_envoy_gateway() {
    let Some(oracle_dir) = std::env::var_os("BTP_EG_ORACLE") else {
        eprintln!("SKIPPED: BTP_EG_ORACLE is unset");
        return;
    };
    let egverify = Path::new(&oracle_dir).join("egverify");
    let dir = std::env::temp_dir().join(format!("btp-rate-limit-oracle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    let mut patterns: Vec<String> = crate::go::table_patterns();
    patterns.extend(generated(ATOMS, 10, 3000));
    // Beyond the CRD's 1024 characters: Go's size and nesting limits and deep factoring.
    patterns.extend([
        format!("(?:{}){{1000}}", "a".repeat(4000)),
        format!("x(?:{}){{1000}}", "a".repeat(4000)),
        format!("(?:{}){{1000}}", "[ab]".repeat(4000)),
        format!("{}a{}", "(".repeat(1001), ")".repeat(1001)),
        format!("{}a{}", "(".repeat(999), ")".repeat(999)),
        format!("{}x|{}y", "\\d".repeat(600), "\\d".repeat(600)),
        format!("{}x|{}y", ".".repeat(1100), ".".repeat(1100)),
        format!("{}x|{}y", ".".repeat(1300), ".".repeat(1300)),
        "(?i)\\PL".repeat(300),
        "\\pL{1000}".repeat(40),
    ]);
    let mut cidrs: Vec<String> = [
        "10.0.0.0/8",
        "10.0.0.1",
        "010.0.0.0/8",
        "10.0.0.0/008",
        "10.0.0.0/33",
        "::/0",
        "::ffff:1.2.3.4/128",
        "::ffff:1.2.3.4/129",
        "1:2:3:4:5:6:1.2.3.4/96",
        "1:2:3:4:5:6:7:1.2.3.4/96",
        "fe80::1%eth0/64",
        "00001::/16",
        "1:2:3:4:5:6:7::/64",
        "1::2::3/64",
        "::1.2.3.4/32",
        "1.2.3.4/+8",
        "1.2.3.4/ 8",
        "/8",
        "1.2.3/24",
    ]
    .map(str::to_owned)
    .to_vec();
    cidrs.extend(generated(CIDR_ATOMS, 8, 1500));

    let mut cases: Vec<(String, BackendTrafficPolicy)> = Vec::new();
    for pattern in &patterns {
        let header = serde_json::json!({"type": "RegularExpression", "name": "x", "value": pattern});
        cases.push((format!("header {pattern:?}"), policy(serde_json::json!({"headers": [header]}))));
        let path = serde_json::json!({"type": "RegularExpression", "value": pattern});
        cases.push((format!("path {pattern:?}"), policy(serde_json::json!({"path": path}))));
    }
    for cidr in &cidrs {
        cases.push((format!("cidr {cidr:?}"), policy(serde_json::json!({"sourceCIDR": {"value": cidr}}))));
    }
    let policies: Vec<_> = cases.iter().map(|(_, policy)| policy.clone()).collect();
    let theirs = oracle(&egverify, &dir, &policies);
    let mut disagreements = Vec::new();
    let mut refused = 0;
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for ((name, policy), theirs) in cases.iter().zip(&theirs) {
        let ours = our_message(policy);
        if theirs != "\"\"" {
            refused += 1;
            let kind = match theirs.split_once("error parsing regexp: ") {
                Some((_, rest)) => rest.split(':').next().unwrap_or_default().to_owned(),
                None => theirs.split(':').take(3).collect::<Vec<_>>().join(":"),
            };
            *kinds.entry(kind).or_default() += 1;
        }
        if &ours != theirs {
            disagreements.push(format!("{name}\n  ours:   {ours}\n  theirs: {theirs}"));
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    eprintln!(
        "oracle: {} policies ({} regex patterns as header and path, {} CIDRs), {} refused by Envoy Gateway, {} disagreements",
        cases.len(),
        patterns.len(),
        cidrs.len(),
        refused,
        disagreements.len()
    );
    eprintln!("refusals by kind: {kinds:#?}");
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
