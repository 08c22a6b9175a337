//! One mutant per kind of schema constraint of the CRD: a valid baseline, a single change that
//! breaks exactly that constraint, and the API server's path and message for it. Each row
//! names the upstream fact it covers (the path and keyword of the CRD). Every mutant is also
//! run through kube-cel, which must agree on the rule findings.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use backend_traffic_policy::{
    BackendTrafficPolicy,
    parse::{self, FieldValidation},
};
use serde_json::{Value, json};

const BASELINE: &str = r#"
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: BackendTrafficPolicy
metadata: {name: baseline, namespace: default}
spec:
  targetRefs:
  - {group: gateway.networking.k8s.io, kind: HTTPRoute, name: backend, sectionName: rule-1}
"#;

/// The message the API server appends when schema errors stop it from running CEL rules. Its value
/// is nil, which apimachinery v0.36.3 renders with `json.Marshal` as `null` (`field/errors.go:115`);
/// changed from `"null"` (the 1.33 rendering) when the crate moved to the 1.36 API server.
const RULES_NOT_CHECKED: &str = "<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation";

const DNS_LABELISH: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
const QTY: &str = r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";
const QTYPOS: &str = "^[1-9]+[0-9]*([EPTGMK]i|[EPTGMk])?$";

struct Row {
    /// Schema keyword (and the CRD path it sits on) the row covers.
    covers: &'static str,
    /// JSON pointer below the document root, and the value written there.
    at: &'static str,
    value: fn() -> Value,
    /// Every line `validate()` must report, in order; empty for a variant that must pass.
    expected: &'static [&'static str],
}

fn rows() -> Vec<Row> {
    vec![
        Row {
            covers: "enum (string) at .spec.dns.lookupFamily",
            at: "/spec/dns",
            value: || json!({"lookupFamily": "IPv4Only"}),
            expected: &[
                "spec.dns.lookupFamily: Unsupported value: \"IPv4Only\": supported values: \"IPv4\", \"IPv6\", \"IPv4Preferred\", \"IPv6Preferred\", \"IPv4AndIPv6\"",
                RULES_NOT_CHECKED,
            ],
        },
        Row {
            covers: "enum (integer) at .spec.responseOverride[].redirect.statusCode",
            at: "/spec/responseOverride",
            value: || json!([{"match": {"statusCodes": [{"value": 500}]}, "redirect": {"statusCode": 303}}]),
            expected: &[
                "spec.responseOverride[0].redirect.statusCode: Unsupported value: 303: supported values: \"301\", \"302\"",
                RULES_NOT_CHECKED,
            ],
        },
        Row {
            covers: "minimum at .spec.retry.numRetries",
            at: "/spec/retry",
            value: || json!({"numRetries": -1}),
            expected: &[
                "spec.retry.numRetries: Invalid value: -1: spec.retry.numRetries in body should be greater than or equal to 0",
            ],
        },
        Row {
            covers: "maximum at .spec.loadBalancer.consistentHash.tableSize (an integer value meets MaximumInt, which prints the bound as an integer: kube-openapi validate/values.go:257; was the float form)",
            at: "/spec/loadBalancer",
            value: || json!({"type": "ConsistentHash", "consistentHash": {"type": "SourceIP", "tableSize": 5_000_012}}),
            expected: &[
                "spec.loadBalancer.consistentHash.tableSize: Invalid value: 5000012: spec.loadBalancer.consistentHash.tableSize in body should be less than or equal to 5000011",
            ],
        },
        Row {
            covers: "minimum/maximum edge values pass at .spec.loadBalancer.consistentHash.tableSize",
            at: "/spec/loadBalancer",
            value: || json!({"type": "ConsistentHash", "consistentHash": {"type": "SourceIP", "tableSize": 5_000_011}}),
            expected: &[],
        },
        Row {
            covers: "minLength at .spec.targetRefs[].name",
            at: "/spec/targetRefs/0/name",
            value: || json!(""),
            expected: &[
                "spec.targetRefs[0].name: Invalid value: \"\": spec.targetRefs[0].name in body should be at least 1 chars long",
            ],
        },
        Row {
            covers: "maxLength at .spec.targetRefs[].sectionName (blocks CEL)",
            at: "/spec/targetRefs/0/sectionName",
            value: || json!("a".repeat(254)),
            expected: &["spec.targetRefs[0].sectionName: Too long: may not be more than 253 bytes", RULES_NOT_CHECKED],
        },
        Row {
            covers: "maxLength counts characters, not bytes, at .spec.rateLimit.global.rules[].clientSelectors[].headers[].name",
            at: "/spec/rateLimit",
            value: || {
                json!({"global": {"rules": [{"clientSelectors": [{"headers": [{"name": "é".repeat(256)}]}],
                                             "limit": {"requests": 1, "unit": "Second"}}]}})
            },
            expected: &[],
        },
        Row {
            covers: "minItems at .spec.loadBalancer.endpointOverride.extractFrom",
            at: "/spec/loadBalancer",
            value: || json!({"type": "RoundRobin", "endpointOverride": {"extractFrom": []}}),
            expected: &[
                "spec.loadBalancer.endpointOverride.extractFrom: Invalid value: 0: spec.loadBalancer.endpointOverride.extractFrom in body should have at least 1 items",
            ],
        },
        Row {
            covers: "maxItems at .spec.rateLimit.local.rules (blocks CEL)",
            at: "/spec/rateLimit",
            value: || json!({"local": {"rules": vec![json!({"limit": {"requests": 1, "unit": "Second"}}); 17]}}),
            expected: &["spec.rateLimit.local.rules: Too many: 17: must have at most 16 items", RULES_NOT_CHECKED],
        },
        Row {
            covers: "pattern (RFC 1123) at .spec.targetRefs[].sectionName",
            at: "/spec/targetRefs/0/sectionName",
            value: || json!("Bad_Name"),
            expected: &[
                // The pattern text is the upstream one; see DNS_LABELISH.
                "spec.targetRefs[0].sectionName: Invalid value: \"Bad_Name\": spec.targetRefs[0].sectionName in body should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'",
            ],
        },
        Row {
            covers: "pattern (duration) at .spec.timeout.tcp.connectTimeout: humantime's form is rejected",
            at: "/spec/timeout",
            value: || json!({"tcp": {"connectTimeout": "1h 30m"}}),
            expected: &[
                "spec.timeout.tcp.connectTimeout: Invalid value: \"1h 30m\": spec.timeout.tcp.connectTimeout in body should match '^([0-9]{1,5}(h|m|s|ms)){1,4}$'",
            ],
        },
        Row {
            covers: "second quantity pattern (allOf) at .spec.connection.bufferLimit",
            at: "/spec/connection",
            value: || json!({"bufferLimit": "0"}),
            expected: &[
                "spec.connection.bufferLimit: Invalid value: \"0\": spec.connection.bufferLimit in body should match '^[1-9]+[0-9]*([EPTGMK]i|[EPTGMk])?$'",
                // Added: the allOf composite error (kube-openapi schema_props.go:209), reported as
                // field.Invalid(nil, "", ...) (apiextensions-apiserver validation.go:237); EG's
                // backendtrafficpolicy_test.go:2462 expects `<nil>: Invalid value: ""` after the pattern.
                "<nil>: Invalid value: \"\": \"spec.connection.bufferLimit\" must validate all the schemas (allOf)",
            ],
        },
        Row {
            covers: "both quantity patterns (allOf) at .spec.connection.bufferLimit",
            at: "/spec/connection",
            value: || json!({"bufferLimit": "lots"}),
            expected: &[
                "spec.connection.bufferLimit: Invalid value: \"lots\": spec.connection.bufferLimit in body should match '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$'",
                "spec.connection.bufferLimit: Invalid value: \"lots\": spec.connection.bufferLimit in body should match '^[1-9]+[0-9]*([EPTGMK]i|[EPTGMk])?$'",
                // Added: no part of the allOf held (schema_props.go:210 adds ". None validated").
                "<nil>: Invalid value: \"\": \"spec.connection.bufferLimit\" must validate all the schemas (allOf). None validated",
            ],
        },
        Row {
            covers: "x-kubernetes-int-or-string: the integer form is not pattern-checked, at .spec.connection.bufferLimit",
            at: "/spec/connection",
            value: || json!({"bufferLimit": 0}),
            expected: &[],
        },
        Row {
            covers: "required at .spec.loadBalancer.endpointOverride.extractFrom (blocks CEL)",
            at: "/spec/loadBalancer",
            value: || json!({"type": "RoundRobin", "endpointOverride": {}}),
            expected: &["spec.loadBalancer.endpointOverride.extractFrom: Required value", RULES_NOT_CHECKED],
        },
        Row {
            covers: "required but defaulted (.spec.targetSelectors[].namespaces.from) may be omitted",
            at: "/spec/targetSelectors",
            value: || json!([{"kind": "HTTPRoute", "namespaces": {}}]),
            expected: &[],
        },
        Row {
            covers: "x-kubernetes-list-type map (key zone) at .spec.loadBalancer.zoneAware.weightedZones",
            at: "/spec/loadBalancer",
            value: || json!({"type": "RoundRobin", "zoneAware": {"weightedZones": [{"zone": "a", "weight": 1}, {"zone": "a", "weight": 2}]}}),
            expected: &[
                "spec.loadBalancer.zoneAware.weightedZones[1]: Duplicate value: map[string]interface {}{\"zone\":\"a\"}",
            ],
        },
        Row {
            covers: "x-kubernetes-list-type set at .spec.healthCheck.active.healthCheckLog.matches",
            at: "/spec/healthCheck",
            value: || {
                json!({"active": {"type": "TCP", "tcp": {},
                                  "healthCheckLog": {"matches": ["Failure", "Success", "Success"]}}})
            },
            expected: &["spec.healthCheck.active.healthCheckLog.matches[2]: Duplicate value: \"Success\""],
        },
        Row {
            covers: "a pattern error does not stop CEL: R38 reads .spec.loadBalancer.backendUtilization.outOfBand.reportingPeriod '-1s' as Go does",
            at: "/spec/loadBalancer",
            value: || json!({"type": "BackendUtilization", "backendUtilization": {"outOfBand": {"reportingPeriod": "-1s"}}}),
            expected: &[
                "spec.loadBalancer.backendUtilization.outOfBand.reportingPeriod: Invalid value: \"-1s\": spec.loadBalancer.backendUtilization.outOfBand.reportingPeriod in body should match '^([0-9]{1,5}(h|m|s|ms)){1,4}$'",
                "spec.loadBalancer.backendUtilization.outOfBand.reportingPeriod: Invalid value: \"string\": reportingPeriod must be greater than 0",
            ],
        },
        Row {
            covers: "x-kubernetes-list-type map keeps distinct keys at .spec.loadBalancer.zoneAware.weightedZones",
            at: "/spec/loadBalancer",
            value: || json!({"type": "RoundRobin", "zoneAware": {"weightedZones": [{"zone": "a", "weight": 1}, {"zone": "b", "weight": 1}]}}),
            expected: &[],
        },
    ]
}

fn mutant(row: &Row) -> BackendTrafficPolicy {
    let mut doc: Value = serde_saphyr::from_str(BASELINE).unwrap();
    let (parent, key) = row.at.rsplit_once('/').unwrap();
    match doc.pointer_mut(parent).unwrap() {
        Value::Object(map) => {
            map.insert(key.to_owned(), (row.value)());
        }
        Value::Array(items) => items[key.parse::<usize>().unwrap()] = (row.value)(),
        other => panic!("{}: cannot write below {other}", row.covers),
    }
    let bytes = serde_json::to_vec(&doc).unwrap();
    parse::from_json_slice(&bytes, FieldValidation::Strict)
        .unwrap_or_else(|e| panic!("{}: mutant must parse strictly: {e}", row.covers))
        .value
}

#[test]
fn baseline_is_valid() {
    let policy = parse::from_yaml_str(BASELINE, FieldValidation::Strict).unwrap().value;
    assert_eq!(policy.validate(), Ok(()));
    assert!(DNS_LABELISH.starts_with('^') && QTY.starts_with('^') && QTYPOS.starts_with('^'));
}

#[test]
fn each_mutant_breaks_exactly_its_constraint() {
    let mut failures = Vec::new();
    for row in rows() {
        let policy = mutant(&row);
        let found: Vec<String> = match policy.validate() {
            Ok(()) => Vec::new(),
            Err(errors) => errors.iter().map(ToString::to_string).collect(),
        };
        if found != row.expected {
            failures.push(format!("{}:\n  expected {:#?}\n  found    {found:#?}", row.covers, row.expected));
        }
        common::cel::assert_agrees(&policy, row.covers);
    }
    assert!(failures.is_empty(), "{} row(s) fail:\n{}", failures.len(), failures.join("\n"));
}

/// A value of the wrong JSON type cannot reach `validate()`: the typed parse rejects it, with
/// the path, in every mode that keeps the field.
#[test]
fn wrong_type_is_a_parse_error_with_its_path() {
    let yaml = format!("{BASELINE}  retry:\n    numRetries: three\n");
    let err = parse::from_yaml_str(&yaml, FieldValidation::Strict).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("spec.retry.numRetries: invalid type: string \"three\""), "{text}");
}
