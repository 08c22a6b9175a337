//! The API server's exact texts for the cases an audit found wrong: integer bounds, the `allOf`
//! composite line, the "not checked" line, `format: byte`, the whole reply
//! (`api_server_message`) and status updates. Rows port Envoy Gateway v1.9.0's CEL tests
//! (`test/cel-validation/backendtrafficpolicy_test.go`, run against API servers 1.33 to 1.36,
//! which match case-insensitive substrings of the reply) or cite the upstream source line.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use backend_traffic_policy::{
    BackendTrafficPolicy, ValidationErrors,
    parse::{self, FieldValidation},
};
use serde_json::{Value, json};

const NOT_CHECKED: &str = "<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation";

/// A policy targeting Gateway `eg`, as the Envoy Gateway tests write them, with `extra` merged
/// into its spec.
fn policy(extra: Value) -> BackendTrafficPolicy {
    let mut spec = json!({"targetRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "eg"}});
    let fields = spec.as_object_mut().unwrap();
    fields.extend(extra.as_object().unwrap().clone());
    // `null` removes a field of the base spec.
    fields.retain(|_, v| !v.is_null());
    let doc = json!({
        "apiVersion": "gateway.envoyproxy.io/v1alpha1",
        "kind": "BackendTrafficPolicy",
        "metadata": {"name": "btp", "namespace": "default"},
        "spec": spec,
    });
    parse::from_json_slice(&serde_json::to_vec(&doc).unwrap(), FieldValidation::Strict).unwrap().value
}

/// An Envoy Gateway CEL test: the reply must contain each wanted text, compared lower-cased
/// (`backendtrafficpolicy_test.go:4227`).
struct EgCase {
    source: &'static str,
    spec: fn() -> Value,
    want: &'static [&'static str],
}

fn eg_cases() -> Vec<EgCase> {
    vec![
        EgCase {
            source: "backendtrafficpolicy_test.go:1732-1736: integer bounds print as integers (MaximumInt, kube-openapi validate/values.go:257)",
            spec: || {
                json!({"circuitBreaker": {"maxConnections": 4_294_967_296_i64, "maxPendingRequests": -1,
                    "maxParallelRequests": 4_294_967_296_i64, "maxRequestsPerConnection": -1, "maxParallelRetries": 4_294_967_296_i64}})
            },
            want: &[
                "spec.circuitBreaker.MaxParallelRetries: Invalid value: 4294967296: spec.circuitBreaker.MaxParallelRetries in body should be less than or equal to 4294967295",
                "spec.circuitBreaker.maxRequestsPerConnection: Invalid value: -1: spec.circuitBreaker.maxRequestsPerConnection in body should be greater than or equal to 0",
                "spec.circuitBreaker.maxParallelRequests: Invalid value: 4294967296: spec.circuitBreaker.maxParallelRequests in body should be less than or equal to 4294967295",
                "spec.circuitBreaker.maxPendingRequests: Invalid value: -1: spec.circuitBreaker.maxPendingRequests in body should be greater than or equal to 0",
                "spec.circuitBreaker.maxConnections: Invalid value: 4294967296: spec.circuitBreaker.maxConnections in body should be less than or equal to 4294967295",
            ],
        },
        EgCase {
            source: "backendtrafficpolicy_test.go:1071: an int32 bound",
            spec: || json!({"loadBalancer": {"type": "BackendUtilization", "backendUtilization": {"outOfBand": {"port": 65536}}}}),
            want: &[
                ": spec.loadBalancer.backendUtilization.outOfBand.port in body should be less than or equal to 65535",
            ],
        },
        EgCase {
            source: "backendtrafficpolicy_test.go:2462: the allOf composite line after the pattern error",
            spec: || json!({"connection": {"bufferLimit": "1m"}}),
            want: &[
                "spec.connection.bufferLimit: Invalid value: \"1m\": spec.connection.bufferLimit in body should match '^[1-9]+[0-9]*([EPTGMK]i|[EPTGMk])?$', <nil>: Invalid value: \"\"",
            ],
        },
        EgCase {
            source: "backendtrafficpolicy_test.go:2219-2221: Too many blocks CEL; the aggregate's [a, b]",
            spec: || json!({"rateLimit": {"global": {"rules": vec![json!({"limit": {"requests": 10, "unit": "Minute"}}); 257]}}}),
            want: &[
                "[spec.rateLimit.global.rules: Too many: 257: must have at most 256 items, <nil>: Invalid value:",
                "null",
                "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]",
            ],
        },
    ]
}

#[test]
fn envoy_gateway_cel_tests_find_their_texts() {
    let mut failures = Vec::new();
    for case in eg_cases() {
        let reply = match policy((case.spec)()).validate() {
            Ok(()) => String::new(),
            Err(errors) => errors.api_server_message("btp"),
        };
        for want in case.want {
            if !reply.to_lowercase().contains(&want.to_lowercase()) {
                failures.push(format!("{}:\n  want  {want}\n  reply {reply}", case.source));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Exact lines `validate()` reports, with the upstream source of each text.
struct Row {
    source: &'static str,
    spec: fn() -> Value,
    expected: &'static [&'static str],
}

fn tcp_send(binary: &str) -> Value {
    json!({"healthCheck": {"active": {"type": "TCP", "tcp": {"send": {"type": "Binary", "binary": binary}}}}})
}

fn rows() -> Vec<Row> {
    vec![
        Row {
            source: "format: byte passes standard padded base64 (govalidator IsBase64, patterns.go:12)",
            spec: || tcp_send("cGluZw=="),
            expected: &[],
        },
        Row {
            source: "format: byte: FormatOf (kube-openapi values.go:236) -> errors.InvalidType (schema.go:225, `%s in %s must be of type %s: %q`) -> field.TypeInvalid, which blocks CEL",
            spec: || tcp_send("cGluZw"),
            expected: &[
                "spec.healthCheck.active.tcp.send.binary: Invalid value: \"cGluZw\": spec.healthCheck.active.tcp.send.binary in body must be of type byte: \"cGluZw\"",
                NOT_CHECKED,
            ],
        },
        Row {
            source: "format: byte: the empty string has no group (govalidator validator_test.go TestIsBase64 `{\"\", false}`)",
            spec: || tcp_send(""),
            expected: &[
                "spec.healthCheck.active.tcp.send.binary: Invalid value: \"\": spec.healthCheck.active.tcp.send.binary in body must be of type byte: \"\"",
                NOT_CHECKED,
            ],
        },
        Row {
            source: "format: byte on an HTTP expected response, the URL-safe alphabet is refused",
            spec: || {
                json!({"healthCheck": {"active": {"type": "HTTP", "http": {"path": "/",
                    "expectedResponse": {"type": "Binary", "binary": "a-_b"}}}}})
            },
            expected: &[
                "spec.healthCheck.active.http.expectedResponse.binary: Invalid value: \"a-_b\": spec.healthCheck.active.http.expectedResponse.binary in body must be of type byte: \"a-_b\"",
                NOT_CHECKED,
            ],
        },
        Row {
            source: "allOf enum twice (healthCheck.active.type): one Unsupported (Result.AddErrors drops the repeat, result.go:87), then `. None validated` (schema_props.go:212)",
            spec: || json!({"healthCheck": {"active": {"type": "UDP"}}}),
            expected: &[
                "spec.healthCheck.active.type: Unsupported value: \"UDP\": supported values: \"HTTP\", \"TCP\", \"GRPC\"",
                "<nil>: Invalid value: \"\": \"spec.healthCheck.active.type\" must validate all the schemas (allOf). None validated",
                NOT_CHECKED,
            ],
        },
        Row {
            source: "stringValidator (kube-openapi validator.go:233) stops at maxLength: no pattern error for a too-long section name",
            spec: || {
                json!({"targetRef": null, "targetRefs": [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "eg",
                    "sectionName": format!("-{}", "a".repeat(253))}]})
            },
            expected: &["spec.targetRefs[0].sectionName: Too long: may not be more than 253 bytes", NOT_CHECKED],
        },
    ]
}

#[test]
fn each_exact_message() {
    let mut failures = Vec::new();
    for row in rows() {
        let policy = policy((row.spec)());
        let found: Vec<String> = match policy.validate() {
            Ok(()) => Vec::new(),
            Err(errors) => errors.iter().map(ToString::to_string).collect(),
        };
        if found != row.expected {
            failures.push(format!("{}:\n  expected {:#?}\n  found    {found:#?}", row.source, row.expected));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `api_server_message`: `errors.NewInvalid` (apimachinery errors.go:284-310) and the
/// aggregate (`pkg/util/errors/errors.go:70`).
#[test]
fn api_server_message_is_the_whole_reply() {
    let one = policy(json!({"retry": {"numRetries": -1}})).validate().unwrap_err();
    assert_eq!(
        one.api_server_message("btp"),
        "BackendTrafficPolicy.gateway.envoyproxy.io \"btp\" is invalid: spec.retry.numRetries: Invalid value: -1: spec.retry.numRetries in body should be greater than or equal to 0",
        "errors.go:309: one error alone, without brackets"
    );
    let two = policy(json!({"dns": {"lookupFamily": "IPv5"}})).validate().unwrap_err();
    assert_eq!(
        two.api_server_message("btp"),
        format!(
            "BackendTrafficPolicy.gateway.envoyproxy.io \"btp\" is invalid: [spec.dns.lookupFamily: Unsupported value: \"IPv5\": supported values: \"IPv4\", \"IPv6\", \"IPv4Preferred\", \"IPv6Preferred\", \"IPv4AndIPv6\", {NOT_CHECKED}]"
        ),
        "aggregate.Error: several errors joined by \", \" inside [ ]"
    );
    assert_eq!(
        ValidationErrors::default().api_server_message("a\"b"),
        "BackendTrafficPolicy.gateway.envoyproxy.io \"a\\\"b\" is invalid",
        "errors.go:307: no cause, and the name quoted with %q"
    );
    let mut repeated = one.clone();
    repeated.push(one.errors()[0].clone());
    assert_eq!(
        repeated.api_server_message("btp"),
        one.api_server_message("btp"),
        "ToAggregate drops repeated messages"
    );
}

/// `validate_status`: the status strategy validates `status` against its own sub-schema
/// (apiextensions-apiserver customresource_handler.go:827, validator.go `ValidateStatusUpdate`
/// with path `status`), so messages name paths below it; `validate()` ignores the status.
#[test]
fn validate_status_checks_what_a_status_update_checks() {
    let ancestor = |port: i64| {
        json!({"ancestorRef": {"name": "eg", "port": port}, "controllerName": "gateway.envoyproxy.io/gatewayclass-controller",
            "conditions": [{"type": "Accepted", "status": "True", "reason": "Accepted", "message": "ok",
                "lastTransitionTime": "2026-01-01T00:00:00Z", "observedGeneration": 1}]})
    };
    let with_status = |status: Value| {
        let mut p = policy(json!({}));
        p.status = Some(serde_json::from_value(status).unwrap());
        p
    };
    let rows: Vec<(&str, Value, Vec<String>)> = vec![
        ("a stored status passes", json!({"ancestors": [ancestor(443)]}), vec![]),
        (
            "minimum on status.ancestors[].ancestorRef.port; the message path has no `status.`",
            json!({"ancestors": [ancestor(0)]}),
            vec!["status.ancestors[0].ancestorRef.port: Invalid value: 0: ancestors[0].ancestorRef.port in body should be greater than or equal to 1".into()],
        ),
        (
            "maxItems 16 on status.ancestors blocks CEL (strategy.go:127 on a status update)",
            json!({"ancestors": vec![ancestor(443); 17]}),
            vec!["status.ancestors: Too many: 17: must have at most 16 items".into(), NOT_CHECKED.into()],
        ),
    ];
    for (why, status, expected) in rows {
        let policy = with_status(status);
        assert_eq!(policy.validate(), Ok(()), "{why}: validate() ignores the status (dropped on create)");
        let found: Vec<String> = match policy.validate_status() {
            Ok(()) => Vec::new(),
            Err(errors) => errors.iter().map(ToString::to_string).collect(),
        };
        assert_eq!(found, expected, "{why}");
    }
}
