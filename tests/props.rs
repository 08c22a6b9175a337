//! Property tests of the parse API and `validate()` over generated input:
//!
//! 1. arbitrary JSON values, as JSON and as YAML, alone or in a policy's place, never panic the
//!    reader in any mode;
//! 2. generated valid policies (targets, retry, timeout, every simple load balancer, health
//!    checks, rate limits, circuit breakers) read back in Strict mode to exactly what was
//!    written, and validate;
//! 3. one field of such a policy replaced by an arbitrary value never panics `validate()`, and
//!    every path it reports exists in the policy (its parent, for a missing required field).
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use std::sync::OnceLock;

use backend_traffic_policy::{
    BackendTrafficPolicy,
    parse::{self, FieldValidation},
    validate::ErrorKind,
};
use proptest::{collection::vec, option, prelude::*, sample::select};
use serde_json::{Map, Value, json};

const MODES: [FieldValidation; 3] = [FieldValidation::Strict, FieldValidation::Warn, FieldValidation::Ignore];

// ---------------------------------------------------------------------------------------------
// Arbitrary JSON, with keys that are often the schema's own.

/// Every property name of the CRD's schema, so that generated objects reach typed code.
fn schema_keys() -> &'static [String] {
    static KEYS: OnceLock<Vec<String>> = OnceLock::new();
    KEYS.get_or_init(|| {
        fn walk(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::Object(map) => {
                    if let Some(Value::Object(props)) = map.get("properties") {
                        out.extend(props.keys().cloned());
                    }
                    map.values().for_each(|v| walk(v, out));
                }
                Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
                _ => {}
            }
        }
        let crd = serde_json::to_value(BackendTrafficPolicy::crd()).unwrap();
        let mut keys = Vec::new();
        walk(&crd, &mut keys);
        keys.sort();
        keys.dedup();
        keys
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(schema_keys()),
        1 => "[a-zA-Z<~][a-zA-Z0-9._-]{0,8}",
        1 => ".{0,4}",
    ]
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        prop_oneof![
            select(
                &[
                    "HTTPRoute",
                    "Gateway",
                    "gateway.networking.k8s.io",
                    "1s",
                    "0s",
                    "-1",
                    "RoundRobin",
                    "ConsistentHash",
                    "HTTP",
                    "Global"
                ][..]
            )
            .prop_map(str::to_owned),
            ".{0,12}",
        ]
        .prop_map(Value::from),
    ]
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            vec((key(), inner), 0..6).prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// An arbitrary value alone, or as the spec (or metadata) of an otherwise proper document.
fn arbitrary_document() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => arbitrary_json(),
        3 => (arbitrary_json(), arbitrary_json()).prop_map(|(spec, metadata)| json!({
            "apiVersion": "gateway.envoyproxy.io/v1alpha1",
            "kind": "BackendTrafficPolicy",
            "metadata": metadata,
            "spec": spec,
        })),
    ]
}

// ---------------------------------------------------------------------------------------------
// Valid policies, as the JSON a user would write.

fn dns_name() -> impl Strategy<Value = String> {
    "[a-z]([a-z0-9-]{0,10}[a-z0-9])?"
}

/// A duration of the Gateway API format, greater than zero.
fn duration() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..1000).prop_map(|n| format!("{n}ms")),
        (1u32..3600).prop_map(|n| format!("{n}s")),
        (1u32..60, 1u32..60).prop_map(|(m, s)| format!("{m}m{s}s")),
        (1u32..24).prop_map(|h| format!("{h}h")),
    ]
}

fn target_ref(kind: &'static [&'static str]) -> impl Strategy<Value = Value> {
    (select(kind), dns_name(), option::of(dns_name())).prop_map(|(kind, name, section)| {
        let mut r = json!({"group": "gateway.networking.k8s.io", "kind": kind, "name": name});
        if let Some(section) = section {
            r["sectionName"] = section.into();
        }
        r
    })
}

const KINDS: &[&str] = &["Gateway", "HTTPRoute", "GRPCRoute", "TCPRoute", "UDPRoute", "TLSRoute"];

fn targets() -> impl Strategy<Value = Map<String, Value>> {
    prop_oneof![
        3 => vec(target_ref(KINDS), 1..4).prop_map(|refs| {
            // Distinct names: the API server merges nothing, but duplicates read badly.
            let refs: Vec<Value> = refs
                .into_iter()
                .enumerate()
                .map(|(i, mut r)| {
                    r["name"] = format!("{}-{i}", r["name"].as_str().unwrap()).into();
                    r
                })
                .collect();
            Map::from_iter([("targetRefs".to_owned(), Value::Array(refs))])
        }),
        1 => target_ref(KINDS).prop_map(|r| Map::from_iter([("targetRef".to_owned(), r)])),
        1 => (select(&["HTTPRoute", "Gateway"][..]), "[a-z]{1,8}", "[a-z0-9]{1,8}").prop_map(|(kind, k, v)| {
            Map::from_iter([(
                "targetSelectors".to_owned(),
                json!([{"group": "gateway.networking.k8s.io", "kind": kind, "matchLabels": {k: v}}]),
            )])
        }),
    ]
}

fn retry() -> impl Strategy<Value = Value> {
    let triggers = proptest::sample::subsequence(
        &[
            "5xx",
            "gateway-error",
            "reset",
            "connect-failure",
            "retriable-4xx",
            "refused-stream",
            "retriable-status-codes",
        ][..],
        0..4,
    );
    (
        option::of(0i32..10),
        option::of(triggers),
        option::of(proptest::sample::subsequence(&[429i64, 500, 502, 503, 504][..], 1..3)),
        option::of(duration()),
        option::of((duration(), duration())),
    )
        .prop_map(|(num, triggers, codes, timeout, backoff)| {
            let mut r = json!({});
            if let Some(n) = num {
                r["numRetries"] = n.into();
            }
            if triggers.is_some() || codes.is_some() {
                let mut on = json!({});
                if let Some(t) = triggers {
                    on["triggers"] = json!(t);
                }
                if let Some(c) = codes {
                    on["httpStatusCodes"] = json!(c);
                }
                r["retryOn"] = on;
            }
            if timeout.is_some() || backoff.is_some() {
                let mut per = json!({});
                if let Some(t) = timeout {
                    per["timeout"] = t.into();
                }
                if let Some((base, max)) = backoff {
                    per["backOff"] = json!({"baseInterval": base, "maxInterval": max});
                }
                r["perRetry"] = per;
            }
            r
        })
}

fn timeout() -> impl Strategy<Value = Value> {
    (option::of(duration()), option::of(duration()), option::of(duration())).prop_map(|(connect, request, idle)| {
        let mut t = json!({});
        if let Some(c) = connect {
            t["tcp"] = json!({"connectTimeout": c});
        }
        if request.is_some() || idle.is_some() {
            let mut http = json!({});
            if let Some(r) = request {
                http["requestTimeout"] = r.into();
            }
            if let Some(i) = idle {
                http["connectionIdleTimeout"] = i.into();
            }
            t["http"] = http;
        }
        t
    })
}

fn load_balancer() -> impl Strategy<Value = Value> {
    let zones = vec(("[a-z]{2}-[a-z]{4}-[1-3][a-c]", 1u32..100), 1..3).prop_map(|zones| {
        let zones: Vec<Value> = zones
            .into_iter()
            .enumerate()
            .map(|(i, (zone, weight))| json!({"zone": format!("{zone}{i}"), "weight": weight}))
            .collect();
        json!({"weightedZones": zones})
    });
    prop_oneof![
        (select(&["RoundRobin", "LeastRequest"][..]), option::of(duration()), option::of(zones.clone())).prop_map(
            |(kind, window, zones)| {
                let mut lb = json!({"type": kind});
                if let Some(w) = window {
                    lb["slowStart"] = json!({"window": w});
                }
                if let Some(z) = zones {
                    lb["zoneAware"] = z;
                }
                lb
            }
        ),
        Just(json!({"type": "Random"})),
        (select(&["SourceIP", "Header", "Cookie"][..]), "[a-z]{1,8}").prop_map(|(kind, name)| {
            let mut hash = json!({"type": kind});
            match kind {
                "Header" => hash["header"] = json!({"name": format!("x-{name}")}),
                "Cookie" => hash["cookie"] = json!({"name": name}),
                _ => {}
            }
            json!({"type": "ConsistentHash", "consistentHash": hash})
        }),
        (dns_name(), arbitrary_json()).prop_map(|(name, config)| {
            json!({"type": "DynamicModule", "dynamicModule": {"name": name, "lbPolicyName": "p", "config": config}})
        }),
    ]
}

fn health_check() -> impl Strategy<Value = Value> {
    let passive =
        (option::of(duration()), option::of(0u32..100), option::of(1u32..20)).prop_map(|(base, pct, errors)| {
            let mut p = json!({});
            if let Some(b) = base {
                p["baseEjectionTime"] = b.into();
            }
            if let Some(pct) = pct {
                p["maxEjectionPercent"] = pct.into();
            }
            if let Some(e) = errors {
                p["consecutive5XxErrors"] = e.into();
            }
            p
        });
    let active = prop_oneof![
        "/[a-z]{0,10}".prop_map(|path| json!({"type": "HTTP", "http": {"path": path}})),
        Just(json!({"type": "TCP", "tcp": {}})),
    ];
    (option::of(passive), option::of((active, duration(), 1u32..10))).prop_map(|(passive, active)| {
        let mut h = json!({});
        if let Some(p) = passive {
            h["passive"] = p;
        }
        if let Some((mut a, interval, threshold)) = active {
            a["interval"] = interval.into();
            a["unhealthyThreshold"] = threshold.into();
            h["active"] = a;
        }
        h
    })
}

fn rate_limit() -> impl Strategy<Value = Value> {
    let rule = (1u32..100_000, select(&["Second", "Minute", "Hour", "Day"][..]), option::of("x-[a-z]{1,8}")).prop_map(
        |(requests, unit, header)| {
            let mut rule = json!({"limit": {"requests": requests, "unit": unit}});
            if let Some(h) = header {
                rule["clientSelectors"] = json!([{"headers": [{"type": "Exact", "name": h, "value": "v"}]}]);
            }
            rule
        },
    );
    (select(&["Global", "Local"][..]), vec(rule, 1..3)).prop_map(|(kind, rules)| {
        let field = if kind == "Global" { "global" } else { "local" };
        json!({"type": kind, field: {"rules": rules}})
    })
}

fn circuit_breaker() -> impl Strategy<Value = Value> {
    (option::of(0i64..1_000_000), option::of(0i64..1_000_000)).prop_map(|(connections, requests)| {
        let mut c = json!({});
        if let Some(n) = connections {
            c["maxConnections"] = n.into();
        }
        if let Some(n) = requests {
            c["maxParallelRequests"] = n.into();
        }
        c
    })
}

fn valid_policy() -> impl Strategy<Value = Value> {
    (
        dns_name(),
        targets(),
        option::of(retry()),
        option::of(timeout()),
        option::of(load_balancer()),
        option::of(health_check()),
        option::of(rate_limit()),
        option::of(circuit_breaker()),
    )
        .prop_map(|(name, targets, retry, timeout, lb, health, rate, breaker)| {
            let mut spec = targets;
            for (field, value) in [
                ("retry", retry),
                ("timeout", timeout),
                ("loadBalancer", lb),
                ("healthCheck", health),
                ("rateLimit", rate),
                ("circuitBreaker", breaker),
            ] {
                if let Some(v) = value {
                    spec.insert(field.to_owned(), v);
                }
            }
            json!({
                "apiVersion": "gateway.envoyproxy.io/v1alpha1",
                "kind": "BackendTrafficPolicy",
                "metadata": {"name": name, "namespace": "default"},
                "spec": spec,
            })
        })
}

// ---------------------------------------------------------------------------------------------
// Paths.

/// One step into a JSON value.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// The paths of every value below `value` (objects' members and lists' items).
fn paths(value: &Value, prefix: &[Step], out: &mut Vec<Vec<Step>>) {
    let mut visit = |step: Step, v: &Value| {
        let mut p = prefix.to_vec();
        p.push(step);
        out.push(p.clone());
        paths(v, &p, out);
    };
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| visit(Step::Key(k.clone()), v)),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| visit(Step::Index(i), v)),
        _ => {}
    }
}

/// Resolves a Kubernetes-style path (`spec.targetRefs[0].name`) in `value`.
fn resolve<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    let mut node = value;
    for part in path.split('.') {
        let (key, mut rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if !key.is_empty() {
            node = node.get(key)?;
        }
        while let Some((index, after)) = rest.split_once(']') {
            node = node.get(index.parse::<usize>().ok()?)?;
            rest = after.strip_prefix('[').unwrap_or(after);
        }
    }
    Some(node)
}

/// Replaces the value at `path` with `replacement`.
fn replace(value: &mut Value, path: &[Step], replacement: Value) {
    let mut node = value;
    for step in path {
        node = match step {
            Step::Key(k) => node.get_mut(k.as_str()).unwrap(),
            Step::Index(i) => node.get_mut(*i).unwrap(),
        };
    }
    *node = replacement;
}

fn parent(path: &str) -> &str {
    let dot = path.rfind('.');
    let bracket = path.rfind('[');
    match (dot, bracket) {
        (Some(d), Some(b)) => &path[..d.max(b)],
        (Some(i), None) | (None, Some(i)) => &path[..i],
        (None, None) => "",
    }
}

// ---------------------------------------------------------------------------------------------
// The properties.

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Arbitrary JSON, as JSON and as YAML, in every mode: an answer, never a panic.
    #[test]
    fn arbitrary_json_never_panics_the_reader(doc in arbitrary_document()) {
        let bytes = serde_json::to_vec(&doc).unwrap();
        let yaml = serde_saphyr::to_string(&doc).unwrap();
        for mode in MODES {
            let from_json = parse::from_json_slice(&bytes, mode);
            let from_yaml = parse::from_yaml_str(&yaml, mode);
            // Both texts hold the same document: both are read, or both refused.
            prop_assert_eq!(from_json.is_ok(), from_yaml.is_ok(), "{:?} / {:?}\n{}", from_json, from_yaml, yaml);
            if let (FieldValidation::Strict, Ok(parsed)) = (mode, &from_json) {
                prop_assert!(parsed.warnings.is_empty());
            }
            for result in parse::from_yaml_documents(&yaml, mode) {
                let _ = result.map_err(|e| e.to_string());
            }
        }
    }

    /// Generated valid policies read back to what was written, and validate.
    #[test]
    fn valid_policies_round_trip_and_validate(doc in valid_policy()) {
        let bytes = serde_json::to_vec(&doc).unwrap();
        let yaml = serde_saphyr::to_string(&doc).unwrap();
        for parsed in [parse::from_json_slice(&bytes, FieldValidation::Strict), parse::from_yaml_str(&yaml, FieldValidation::Strict)] {
            let parsed = parsed.map_err(|e| TestCaseError::fail(format!("{e}\n{yaml}")))?;
            prop_assert!(parsed.warnings.is_empty());
            let mut written = serde_json::to_value(&parsed.value).unwrap();
            let mut expected = doc.clone();
            // (Only the free-form JSON of the dynamic module can hold nulls.)
            common::drop_nulls(&mut written);
            common::drop_nulls(&mut expected);
            prop_assert_eq!(common::first_difference(&expected, &written), None, "{}", yaml);
            if let Err(errors) = parsed.value.validate() {
                return Err(TestCaseError::fail(format!("{errors}\n{yaml}")));
            }
        }
    }

    /// One field replaced: validate() answers, and reports paths that exist.
    #[test]
    fn mutated_policies_validate_with_real_paths(doc in valid_policy(), pick in any::<prop::sample::Index>(), replacement in arbitrary_json()) {
        let mut all = Vec::new();
        paths(&doc, &[], &mut all);
        all.retain(|p| matches!(p.first(), Some(Step::Key(k)) if k == "spec"));
        let path = pick.get(&all).clone();
        let mut mutant = doc.clone();
        replace(&mut mutant, &path, replacement);
        let bytes = serde_json::to_vec(&mutant).unwrap();
        // Ignore mode drops the values of the wrong shape: what is left is what a lenient
        // controller would validate.
        let Ok(parsed) = parse::from_json_slice(&bytes, FieldValidation::Ignore) else { return Ok(()) };
        let Err(errors) = parsed.value.validate() else { return Ok(()) };
        let policy = serde_json::to_value(&parsed.value).unwrap();
        for error in &errors {
            let reported = error.path();
            if reported == "<nil>" {
                // The documented marker of "rules not checked".
                prop_assert!(matches!(error.kind(), ErrorKind::RulesNotChecked));
                continue;
            }
            // A missing required field is reported at its own path: its parent exists.
            let must_exist = if matches!(error.kind(), ErrorKind::Required) { parent(reported) } else { reported };
            prop_assert!(
                must_exist.is_empty() || resolve(&policy, must_exist).is_some(),
                "{} reported at a path that is not in the policy (mutated {:?})\n{}",
                error, path, serde_json::to_string_pretty(&policy).unwrap()
            );
        }
    }
}

#[test]
fn paths_resolve() {
    let v = json!({"spec": {"a": [{"b": 1}, {"c": [2, 3]}]}});
    assert_eq!(resolve(&v, "spec.a[1].c[1]"), Some(&json!(3)));
    assert_eq!(resolve(&v, "spec.a[2]"), None);
    assert_eq!(parent("spec.a[1].c"), "spec.a[1]");
    assert_eq!(parent("spec.a[1]"), "spec.a");
    let mut w = v.clone();
    let path = [Step::Key("spec".into()), Step::Key("a".into()), Step::Index(1), Step::Key("c".into()), Step::Index(0)];
    replace(&mut w, &path, json!("x"));
    assert_eq!(resolve(&w, "spec.a[1].c[0]"), Some(&json!("x")));
    let mut all = Vec::new();
    paths(&v, &[], &mut all);
    assert_eq!(all.len(), 8);
}
