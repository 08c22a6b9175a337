//! The 45 upstream documents an API server rejects (`../shared/corpus/upstream-suspect`): each
//! is rejected here too, by strict parsing or by `validate()`, for the reason `NOTES.md` gives.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use backend_traffic_policy::parse::{self, FieldValidation, ParseError};

/// Where the rejection must come from.
#[derive(Clone, Copy, Debug)]
enum Stage {
    /// Strict parsing fails; every listed path must be named.
    Parse,
    /// The document parses strictly and `validate()` reports the path with this text.
    Validate,
}

const PRECONNECT: &str = "predictivePercent in preconnect policy only works with RoundRobin or Random load balancers";
const EITHER_TARGET: &str = "either targetRef or targetRefs must be used";
const DURATION: &str = "should match '^([0-9]{1,5}(h|m|s|ms)){1,4}$'";

/// (file, stage, [(path, text the error must contain)], finding of NOTES.md it covers).
/// Parse rows whose note also lists a CEL finding add it as a Validate check after an
/// Ignore-mode parse (see `cel_after_lenient_parse`).
/// A row: file, stage, and the `(path, text)` findings it must report.
type Case = (&'static str, Stage, &'static [(&'static str, &'static str)]);

const CASES: &[Case] = &[
    (
        "backendtrafficpolicy-buffer-limit-with-invalid-value--policy-for-route.yaml",
        Stage::Validate,
        &[(
            "spec.connection.bufferLimit",
            "Invalid value: \"100m\": spec.connection.bufferLimit in body should match '^[1-9]+[0-9]*([EPTGMK]i|[EPTGMk])?$'",
        )],
    ),
    (
        "backendtrafficpolicy-dns-lookup-family--backend-traffic-policy--2.yaml",
        Stage::Validate,
        &[(
            "spec.dns.lookupFamily",
            "Unsupported value: \"IPv4Only\": supported values: \"IPv4\", \"IPv6\", \"IPv4Preferred\", \"IPv6Preferred\", \"IPv4AndIPv6\"",
        )],
    ),
    (
        "backendtrafficpolicy-status-fault-injection--policy-for-gateway.yaml",
        Stage::Validate,
        &[(
            "spec.faultInjection.abort.httpStatus",
            "Invalid value: 14: spec.faultInjection.abort.httpStatus in body should be greater than or equal to 200",
        )],
    ),
    (
        "backendtrafficpolicy-status-fault-injection--policy-for-grpcroute.yaml",
        Stage::Validate,
        &[("spec.faultInjection.delay.fixedDelay", DURATION)],
    ),
    (
        "backendtrafficpolicy-status-fault-injection--policy-for-route.yaml",
        Stage::Validate,
        &[("spec.faultInjection.delay.fixedDelay", DURATION)],
    ),
    (
        "backendtrafficpolicy-with-circuitbreakers-error--policy-for-gateway.yaml",
        Stage::Validate,
        &[(
            "spec.circuitBreaker.maxConnections",
            "Invalid value: -1: spec.circuitBreaker.maxConnections in body should be greater than or equal to 0",
        )],
    ),
    (
        "backendtrafficpolicy-with-circuitbreakers-error--policy-for-route.yaml",
        Stage::Validate,
        &[("spec.circuitBreaker.maxRequestsPerConnection", "should be greater than or equal to 0")],
    ),
    (
        "backendtrafficpolicy-with-circuitbreakers-error--policy-for-route2.yaml",
        Stage::Validate,
        &[("spec.circuitBreaker.maxParallelRetries", "should be greater than or equal to 0")],
    ),
    (
        "backendtrafficpolicy-with-loadbalancer-invalid-consistent-hash-table-size--policy-for-route.yaml",
        Stage::Parse,
        &[("spec.loadBalancer.consistentHash.type", "missing field `type`")],
    ),
    (
        "backendtrafficpolicy-with-loadbalancer-invalid-consistent-hash-table-size--policy-for-route2.yaml",
        Stage::Parse,
        &[("spec.loadBalancer.consistentHash.type", "missing field `type`")],
    ),
    ("backendtrafficpolicy-with-preconnect--policy-for-gateway.yaml", Stage::Validate, &[("spec", PRECONNECT)]),
    ("backendtrafficpolicy-with-preconnect--policy-for-route.yaml", Stage::Validate, &[("spec", PRECONNECT)]),
    (
        "backendtrafficpolicy-with-retries--policy-for-gateway.yaml",
        Stage::Parse,
        &[("spec.retry.perRetry.backoff", "did you mean `backOff`?")],
    ),
    (
        "backendtrafficpolicy-with-retries--policy-for-route-1.yaml",
        Stage::Parse,
        &[("spec.retry.perRetry.backoff", "did you mean `backOff`?")],
    ),
    (
        "backendtrafficpolicy-with-retries--policy-for-route-2.yaml",
        Stage::Parse,
        &[("spec.retry.perRetry.backoff", "did you mean `backOff`?")],
    ),
    (
        "backendtrafficpolicy-with-retries--policy-for-route-3.yaml",
        Stage::Parse,
        &[("spec.retry.perRetry.backoff", "did you mean `backOff`?")],
    ),
    (
        "backendtrafficpolicy-with-timeout-error--policy-for-gateway.yaml",
        Stage::Validate,
        &[("spec.timeout.http.maxConnectionDuration", "Invalid value: \"22mib\"")],
    ),
    ("backendtrafficpolicy_httpupgrade--original.yaml", Stage::Validate, &[("spec", EITHER_TARGET)]),
    ("backendtrafficpolicy_httpupgrade.patch--patched.yaml", Stage::Validate, &[("spec", EITHER_TARGET)]),
    ("backendtrafficpolicy_ratelimitrule_merge--original-1.yaml", Stage::Validate, &[("spec", EITHER_TARGET)]),
    (
        "backendtrafficpolicy_ratelimitrule_merge.patch--original-2.yaml",
        Stage::Parse,
        &[("spec.rateLimit.global.rules[0].name", "unknown field")],
    ),
    (
        "docs-backend-traffic-policy--alpha-policy.yaml",
        Stage::Parse,
        &[("spec.targetRefs[0].group", "missing field `group`")],
    ),
    (
        "docs-backend-traffic-policy--beta-policy.yaml",
        Stage::Parse,
        &[("spec.targetRefs[0].group", "missing field `group`")],
    ),
    (
        "docs-backend-traffic-policy--direct-policy.yaml",
        Stage::Parse,
        &[("spec.targetRefs[0].group", "missing field `group`")],
    ),
    (
        "docs-backend-traffic-policy--gateway-policy.yaml",
        Stage::Parse,
        &[("spec.targetRefs[0].group", "missing field `group`")],
    ),
    (
        "docs-backend-traffic-policy--route-policy.yaml",
        Stage::Parse,
        &[("spec.targetRefs[0].group", "missing field `group`")],
    ),
    (
        "docs-backend-traffic-policy--selector-policy.yaml",
        Stage::Parse,
        &[("spec.rateLimit.local.requests", "unknown field"), ("spec.rateLimit.local.unit", "unknown field")],
    ),
    (
        "docs-community-backend-traffic-policy--default-ipv-policy.yaml",
        Stage::Parse,
        &[("spec.protocols", "unknown field")],
    ),
    (
        "docs-community-backend-traffic-policy--ipv6-support-policy.yaml",
        Stage::Parse,
        &[("spec.protocols", "unknown field")],
    ),
    (
        "docs-community-rate-limit--ratelimit-per-ip.yaml",
        Stage::Parse,
        &[("spec.rateLimit.global.rules[0].clientSelectors[0].sourceIP", "unknown field")],
    ),
    (
        "docs-v0.6-backend-traffic-policy--default-ipv-policy.yaml",
        Stage::Parse,
        &[("spec.protocols", "unknown field"), ("spec.targetRef.namespace", "unknown field")],
    ),
    (
        "docs-v0.6-backend-traffic-policy--ipv6-support-policy.yaml",
        Stage::Parse,
        &[("spec.protocols", "unknown field"), ("spec.targetRef.namespace", "unknown field")],
    ),
    ("docs-v0.6-rate-limit--policy-httproute.yaml", Stage::Parse, &[("spec.targetRef.namespace", "unknown field")]),
    (
        "docs-v1.0-circuit-breaker--circuitbreaker-for-route.yaml",
        Stage::Parse,
        &[("spec.targetRef.namespace", "unknown field")],
    ),
    (
        "docs-v1.0-global-rate-limit--policy-httproute--2.yaml",
        Stage::Parse,
        &[("spec.targetRef.namespace", "unknown field")],
    ),
    (
        "docs-v1.0-global-rate-limit--policy-httproute--3.yaml",
        Stage::Parse,
        &[("spec.targetRef.namespace", "unknown field")],
    ),
    (
        "docs-v1.0-global-rate-limit--policy-httproute--4.yaml",
        Stage::Parse,
        &[("spec.targetRef.namespace", "unknown field")],
    ),
    (
        "docs-v1.0-global-rate-limit--policy-httproute.yaml",
        Stage::Parse,
        &[("spec.targetRef.namespace", "unknown field")],
    ),
    (
        "docs-v1.0-local-rate-limit--policy-httproute--2.yaml",
        Stage::Parse,
        &[("spec.targetRef.namespace", "unknown field")],
    ),
    (
        "docs-v1.0-local-rate-limit--policy-httproute.yaml",
        Stage::Parse,
        &[("spec.targetRef.namespace", "unknown field")],
    ),
    ("docs-v1.0-retry--retry-for-route.yaml", Stage::Parse, &[("spec.targetRef.namespace", "unknown field")]),
    (
        "docs-v1.5-backend-traffic-policy--selector-policy.yaml",
        Stage::Parse,
        &[("spec.rateLimit.local.requests", "unknown field"), ("spec.rateLimit.local.unit", "unknown field")],
    ),
    (
        "httproute-and-backendtrafficpolicy-with-timeout-error--policy-for-route.yaml",
        Stage::Validate,
        &[("spec.timeout.tcp.connectTimeout", "Invalid value: \"20kib\"")],
    ),
    (
        "httproute-retry--policy-for-gateway.yaml",
        Stage::Parse,
        &[("spec.retry.perRetry.backoff", "did you mean `backOff`?")],
    ),
    (
        "httproute-retry--policy-for-route.yaml",
        Stage::Parse,
        &[("spec.retry.perRetry.backoff", "did you mean `backOff`?")],
    ),
];

fn read(dir: &std::path::Path, file: &str) -> String {
    std::fs::read_to_string(dir.join("upstream-suspect").join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn parse_error_lines(err: &ParseError) -> Vec<String> {
    match err {
        ParseError::UnknownFields { issues } => issues.iter().map(ToString::to_string).collect(),
        other => vec![other.to_string()],
    }
}

#[test]
fn every_suspect_document_is_rejected_for_its_reason() {
    let Some(dir) = common::corpus_dir() else { return };
    let files = common::yaml_files(&dir.join("upstream-suspect"));
    assert_eq!(files.len(), CASES.len(), "one row per suspect document");
    let mut failures = Vec::new();
    for (file, stage, expected) in CASES {
        let text = read(&dir, file);
        let result = parse::from_yaml_str(&text, FieldValidation::Strict);
        let lines: Vec<String> = match (stage, &result) {
            (Stage::Parse, Err(e)) => parse_error_lines(e),
            (Stage::Validate, Ok(parsed)) => match parsed.value.validate() {
                Err(errors) => errors.iter().map(ToString::to_string).collect(),
                Ok(()) => Vec::new(),
            },
            (Stage::Parse, Ok(_)) => vec!["<parsed strictly>".into()],
            (Stage::Validate, Err(e)) => vec![format!("<strict parse failed: {e}>")],
        };
        for (path, text) in *expected {
            let hit = lines.iter().any(|l| {
                // Parse errors may carry a `line L, column C: ` prefix before the path.
                let body = if l.starts_with("line ") { l.split_once(": ").map_or(l.as_str(), |(_, r)| r) } else { l };
                body.starts_with(&format!("{path}: ")) && body.contains(text)
            });
            if !hit {
                failures.push(format!("{file} ({stage:?}): expected `{path}` with `{text}`, got {lines:#?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// NOTES.md lists a CEL finding next to the schema finding for two documents: parsed
/// leniently (the unknown field dropped), `validate()` reports the rule too.
#[test]
fn cel_after_lenient_parse() {
    let Some(dir) = common::corpus_dir() else { return };
    let cases: &[(&str, &str, &str)] = &[
        ("backendtrafficpolicy_ratelimitrule_merge.patch--original-2.yaml", "spec", EITHER_TARGET),
        (
            "docs-community-rate-limit--ratelimit-per-ip.yaml",
            "spec.rateLimit.global.rules[0].clientSelectors[0]",
            "at least one of headers, methods, path, sourceCIDR or queryParams must be specified",
        ),
    ];
    for (file, path, message) in cases {
        let parsed = parse::from_yaml_str(&read(&dir, file), FieldValidation::Ignore).unwrap();
        let errors = parsed.value.validate().expect_err(file);
        let expected = format!("{path}: Invalid value: \"object\": {message}");
        assert!(errors.iter().any(|e| e.to_string() == expected), "{file}: {errors}");
    }
}
