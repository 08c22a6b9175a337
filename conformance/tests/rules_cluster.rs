//! The CEL rules of the cluster areas (R15, R19-R42) and of the Gateway API path modifier
//! (R54-R57), checked through `BackendTrafficPolicy::validate()` with a table of mutants.
//!
//! Every row starts from one valid baseline policy and changes one thing. A `MUTANTS` row must
//! break exactly its rule: `validate()` reports that single error, with the API server's path
//! and message (`<path>: Invalid value: "object": <message>`, or `"string"` / `"array"` for
//! field-level rules). A `VALID` row stays close to the edge of its rule and must report
//! nothing. The messages are written out here from the CRD, so a constant that drifted from
//! upstream fails the test.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use std::collections::BTreeSet;

use backend_traffic_policy::{
    BackendTrafficPolicy, BackendTrafficPolicySpec,
    cluster::{
        health_check::{Active, HealthCheckLog, HttpChecker},
        load_balancer::LoadBalancer,
    },
    gateway_api::{Fraction, HttpPathModifier},
};
use serde::de::DeserializeOwned;

/// The valid starting point: every rule-carrying cluster area set, plus a redirect override
/// for the path modifier rules.
const BASELINE: &str = r"
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: BackendTrafficPolicy
metadata:
  name: cluster-rules
  namespace: default
spec:
  targetRefs:
  - group: gateway.networking.k8s.io
    kind: HTTPRoute
    name: backend
  loadBalancer:
    type: LeastRequest
    slowStart:
      window: 30s
    zoneAware:
      preferLocal:
        minEndpointsThreshold: 3
  healthCheck:
    active:
      type: HTTP
      timeout: 1s
      interval: 3s
      http:
        path: /healthz
        method: POST
        expectedStatuses: [200]
        expectedResponse:
          type: Text
          text: ok
        requestBody:
          type: Binary
          binary: cGluZw==
      healthCheckLog:
        sinks:
        - type: File
          file:
            path: /dev/stdout
        matches: [Failure, HealthyTransition]
    passive:
      consecutive5XxErrors: 5
  circuitBreaker:
    retryBudget:
      percent:
        numerator: 20
  http2:
    connectionKeepalive:
      interval: 30s
      timeout: 5s
  responseOverride:
  - match:
      statusCodes:
      - type: Value
        value: 500
    redirect:
      path:
        type: ReplaceFullPath
        replaceFullPath: /error
";

/// A typed value from a YAML literal.
fn y<T: DeserializeOwned>(text: &str) -> T {
    serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("bad test YAML {text:?}: {e}"))
}

fn baseline() -> BackendTrafficPolicy {
    y(BASELINE)
}

fn lb(spec: &mut BackendTrafficPolicySpec) -> &mut LoadBalancer {
    spec.load_balancer.as_mut().expect("baseline has loadBalancer")
}

fn active(spec: &mut BackendTrafficPolicySpec) -> &mut Active {
    spec.health_check.as_mut().and_then(|h| h.active.as_mut()).expect("baseline has healthCheck.active")
}

fn http(spec: &mut BackendTrafficPolicySpec) -> &mut HttpChecker {
    active(spec).http.as_mut().expect("baseline has an HTTP checker")
}

fn log(spec: &mut BackendTrafficPolicySpec) -> &mut HealthCheckLog {
    active(spec).health_check_log.as_mut().expect("baseline has healthCheckLog")
}

fn percent(spec: &mut BackendTrafficPolicySpec) -> &mut Fraction {
    &mut spec.circuit_breaker.as_mut().and_then(|c| c.retry_budget.as_mut()).expect("baseline has retryBudget").percent
}

fn redirect_path(spec: &mut BackendTrafficPolicySpec) -> &mut Option<HttpPathModifier> {
    &mut spec.response_override.as_mut().expect("baseline has responseOverride")[0]
        .redirect
        .as_mut()
        .expect("baseline has a redirect")
        .path
}

/// One expected rule error: path, CEL type of the value the rule sits on, message.
type Expected = (&'static str, &'static str, &'static str);

/// A mutant of the baseline that breaks `rule`; `also` lists errors of other rules the same
/// change cannot avoid (R53 on a redirect path whose type is not `ReplaceFullPath`).
struct Mutant {
    rule: &'static str,
    provenance: &'static str,
    mutate: fn(&mut BackendTrafficPolicySpec),
    path: &'static str,
    message: &'static str,
    value_type: &'static str,
    also: &'static [Expected],
}

/// A change that stays on the valid side of `rule`.
struct Valid {
    rule: &'static str,
    note: &'static str,
    mutate: fn(&mut BackendTrafficPolicySpec),
}

const LB: &str = "spec.loadBalancer";
const CH: &str = "spec.loadBalancer.consistentHash";
const ACTIVE: &str = "spec.healthCheck.active";
const HTTP: &str = "spec.healthCheck.active.http";
const REDIRECT_PATH: &str = "spec.responseOverride[0].redirect.path";
const R53: Expected = (REDIRECT_PATH, "object", "only ReplaceFullPath is supported for path.type");

const MUTANTS: &[Mutant] = &[
    Mutant {
        rule: "R15",
        provenance: "gateway-api Fraction, at .spec.circuitBreaker.retryBudget.percent; denominator defaults to 100",
        mutate: |s| percent(s).numerator = 101,
        path: "spec.circuitBreaker.retryBudget.percent",
        message: "numerator must be less than or equal to denominator",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R15",
        provenance: "gateway-api Fraction, explicit denominator",
        mutate: |s| *percent(s) = Fraction { numerator: 3, denominator: Some(2) },
        path: "spec.circuitBreaker.retryBudget.percent",
        message: "numerator must be less than or equal to denominator",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R19",
        provenance: "ActiveHealthCheck, .spec.healthCheck.active rule 1: HTTP type without http",
        mutate: |s| active(s).http = None,
        path: ACTIVE,
        message: "If Health Checker type is HTTP, http field needs to be set.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R20",
        provenance: "ActiveHealthCheck, .spec.healthCheck.active rule 2: tcp with type HTTP",
        mutate: |s| active(s).tcp = Some(y("{}")),
        path: ACTIVE,
        message: "If Health Checker type is TCP, tcp field needs to be set.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R20",
        provenance: "ActiveHealthCheck: TCP type without tcp",
        mutate: |s| *active(s) = y("type: TCP"),
        path: ACTIVE,
        message: "If Health Checker type is TCP, tcp field needs to be set.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R21",
        provenance: "ActiveHealthCheck, .spec.healthCheck.active rule 3: grpc with type HTTP",
        mutate: |s| active(s).grpc = Some(y("service: health")),
        path: ACTIVE,
        message: "The grpc field can only be set if the Health Checker type is GRPC.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R22",
        provenance: "ProxyHealthCheckLog.matches field rule: a failure type alone",
        mutate: |s| log(s).matches = Some(y("[Failure, FailureSeriesStart]")),
        path: "spec.healthCheck.active.healthCheckLog.matches",
        message: "a failure type and a success type must both be specified together",
        value_type: "array",
        also: &[],
    },
    Mutant {
        rule: "R22",
        provenance: "ProxyHealthCheckLog.matches field rule: a success type alone",
        mutate: |s| log(s).matches = Some(y("[Success]")),
        path: "spec.healthCheck.active.healthCheckLog.matches",
        message: "a failure type and a success type must both be specified together",
        value_type: "array",
        also: &[],
    },
    Mutant {
        rule: "R23",
        provenance: "ProxyHealthCheckLogSink, at .spec.healthCheck.active.healthCheckLog.sinks[]",
        mutate: |s| log(s).sinks = Some(y("[{type: File}]")),
        path: "spec.healthCheck.active.healthCheckLog.sinks[0]",
        message: "If ProxyHealthCheckLogSink type is File, file field needs to be set.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R24",
        provenance: "HTTPActiveHealthChecker: requestBody with GET",
        mutate: |s| http(s).method = Some("GET".into()),
        path: HTTP,
        message: "The requestBody field can only be set when method is POST or PUT.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R24",
        provenance: "HTTPActiveHealthChecker: requestBody without method",
        mutate: |s| http(s).method = None,
        path: HTTP,
        message: "The requestBody field can only be set when method is POST or PUT.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R25",
        provenance: "ActiveHealthCheckPayload at .spec.healthCheck.active.http.expectedResponse: Text without text",
        mutate: |s| http(s).expected_response = Some(y("type: Text")),
        path: "spec.healthCheck.active.http.expectedResponse",
        message: "If payload type is Text, text field needs to be set.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R25",
        provenance: "ActiveHealthCheckPayload at .spec.healthCheck.active.tcp.send: text with type Binary",
        mutate: |s| {
            *active(s) = y("{type: TCP, tcp: {send: {type: Binary, binary: cGluZw==, text: ping}}}");
        },
        path: "spec.healthCheck.active.tcp.send",
        message: "If payload type is Text, text field needs to be set.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R26",
        provenance: "ActiveHealthCheckPayload at .spec.healthCheck.active.http.requestBody: Binary without binary",
        mutate: |s| http(s).request_body = Some(y("type: Binary")),
        path: "spec.healthCheck.active.http.requestBody",
        message: "If payload type is Binary, binary field needs to be set.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R26",
        provenance: "ActiveHealthCheckPayload at .spec.healthCheck.active.tcp.receive: binary with type Text",
        mutate: |s| *active(s) = y("{type: TCP, tcp: {receive: {type: Text, text: pong, binary: cG9uZw==}}}"),
        path: "spec.healthCheck.active.tcp.receive",
        message: "If payload type is Binary, binary field needs to be set.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R27",
        provenance: "HTTP2KeepaliveSettings at .spec.http2.connectionKeepalive: equal durations",
        mutate: |s| *s.http2.as_mut().unwrap() = y("connectionKeepalive: {interval: 30s, timeout: 30000ms}"),
        path: "spec.http2.connectionKeepalive",
        message: "timeout must be less than interval",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R27",
        provenance: "HTTP2KeepaliveSettings: compared by value, not as text (\"1m\" < \"5s\" as strings)",
        mutate: |s| *s.http2.as_mut().unwrap() = y("connectionKeepalive: {interval: 5s, timeout: 1m}"),
        path: "spec.http2.connectionKeepalive",
        message: "timeout must be less than interval",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R29",
        provenance: "LoadBalancer rule 1: consistentHash with type LeastRequest",
        mutate: |s| lb(s).consistent_hash = Some(y("type: SourceIP")),
        path: LB,
        message: "If LoadBalancer type is consistentHash, consistentHash field needs to be set.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R29",
        provenance: "LoadBalancer rule 1: ConsistentHash type without consistentHash",
        mutate: |s| s.load_balancer = Some(y("type: ConsistentHash")),
        path: LB,
        message: "If LoadBalancer type is consistentHash, consistentHash field needs to be set.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R30",
        provenance: "LoadBalancer rule 2: backendUtilization with type LeastRequest",
        mutate: |s| lb(s).backend_utilization = Some(y("{}")),
        path: LB,
        message: "If LoadBalancer type is BackendUtilization, backendUtilization field needs to be set.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R31",
        provenance: "LoadBalancer rule 3: DynamicModule type without dynamicModule",
        mutate: |s| s.load_balancer = Some(y("type: DynamicModule")),
        path: LB,
        message: "If LoadBalancer type is DynamicModule, dynamicModule field needs to be set.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R32",
        provenance: "LoadBalancer rule 4: slowStart with Random",
        mutate: |s| lb(s).r#type = "Random".into(),
        path: LB,
        message: "Currently SlowStart is only supported for RoundRobin, LeastRequest, and BackendUtilization load balancers.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R32",
        provenance: "LoadBalancer rule 4: slowStart with ConsistentHash",
        mutate: |s| {
            s.load_balancer =
                Some(y("{type: ConsistentHash, consistentHash: {type: SourceIP}, slowStart: {window: 1m}}"));
        },
        path: LB,
        message: "Currently SlowStart is only supported for RoundRobin, LeastRequest, and BackendUtilization load balancers.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R33",
        provenance: "LoadBalancer rule 5: preferLocal with ConsistentHash",
        mutate: |s| {
            s.load_balancer =
                Some(y("{type: ConsistentHash, consistentHash: {type: SourceIP}, zoneAware: {preferLocal: {}}}"));
        },
        path: LB,
        message: "PreferLocal zone-aware routing is not supported for ConsistentHash load balancers. Use weightedZones instead.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R34",
        provenance: "LoadBalancer rule 6: preferLocal with BackendUtilization",
        mutate: |s| {
            s.load_balancer =
                Some(y("{type: BackendUtilization, backendUtilization: {}, zoneAware: {preferLocal: {}}}"));
        },
        path: LB,
        message: "PreferLocal zone-aware routing is not currently supported for BackendUtilization load balancers. Only WeightedZones can be used with BackendUtilization.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R35",
        provenance: "LoadBalancer rule 7: zoneAware (weightedZones) with DynamicModule",
        mutate: |s| {
            s.load_balancer = Some(y("{type: DynamicModule, dynamicModule: {name: lb-mod, lbPolicyName: pick}, \
                 zoneAware: {weightedZones: [{zone: a, weight: 1}]}}"));
        },
        path: LB,
        message: "ZoneAware routing is not supported for DynamicModule load balancers.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R36",
        provenance: "LoadBalancer rule 8: preferLocal and weightedZones together",
        mutate: |s| lb(s).zone_aware = Some(y("{preferLocal: {}, weightedZones: [{zone: a, weight: 1}]}")),
        path: LB,
        message: "ZoneAware PreferLocal and WeightedZones cannot be specified together.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R36",
        provenance: "LoadBalancer rule 8: an empty weightedZones list is present for has()",
        mutate: |s| lb(s).zone_aware = Some(y("{preferLocal: {}, weightedZones: []}")),
        path: LB,
        message: "ZoneAware PreferLocal and WeightedZones cannot be specified together.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R37",
        provenance: "LoadBalancer rule 9: endpointOverride with DynamicModule",
        mutate: |s| {
            s.load_balancer = Some(y("{type: DynamicModule, dynamicModule: {name: lb-mod, lbPolicyName: pick}, \
                 endpointOverride: {extractFrom: [{header: x-endpoint}]}}"));
        },
        path: LB,
        message: "EndpointOverride is not supported for DynamicModule load balancers.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R38",
        provenance: "OutOfBandReporting.reportingPeriod field rule (a string): zero period",
        mutate: |s| {
            s.load_balancer =
                Some(y("{type: BackendUtilization, backendUtilization: {outOfBand: {reportingPeriod: 0s}}}"));
        },
        path: "spec.loadBalancer.backendUtilization.outOfBand.reportingPeriod",
        message: "reportingPeriod must be greater than 0",
        value_type: "string",
        also: &[],
    },
    Mutant {
        rule: "R38",
        provenance: "OutOfBandReporting.reportingPeriod: zero written in several groups",
        mutate: |s| {
            s.load_balancer =
                Some(y("{type: BackendUtilization, backendUtilization: {outOfBand: {reportingPeriod: 0h0m0ms}}}"));
        },
        path: "spec.loadBalancer.backendUtilization.outOfBand.reportingPeriod",
        message: "reportingPeriod must be greater than 0",
        value_type: "string",
        also: &[],
    },
    Mutant {
        rule: "R39",
        provenance: "ConsistentHash rule 1, at .spec.loadBalancer.consistentHash: Header without header",
        mutate: |s| s.load_balancer = Some(y("{type: ConsistentHash, consistentHash: {type: Header}}")),
        path: CH,
        message: "If consistent hash type is header, the header field must be set.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R40",
        provenance: "ConsistentHash rule 2: Headers without headers",
        mutate: |s| s.load_balancer = Some(y("{type: ConsistentHash, consistentHash: {type: Headers}}")),
        path: CH,
        message: "If consistent hash type is headers, the headers field must be set.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R41",
        provenance: "ConsistentHash rule 3: cookie with SourceIP",
        mutate: |s| {
            s.load_balancer =
                Some(y("{type: ConsistentHash, consistentHash: {type: SourceIP, cookie: {name: session}}}"));
        },
        path: CH,
        message: "If consistent hash type is cookie, the cookie field must be set.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R42",
        provenance: "ConsistentHash rule 4: QueryParams without queryParams",
        mutate: |s| s.load_balancer = Some(y("{type: ConsistentHash, consistentHash: {type: QueryParams}}")),
        path: CH,
        message: "If consistent hash type is queryParams, the queryParams field must be set.",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R54",
        provenance: "gateway-api HTTPPathModifier at .spec.responseOverride[].redirect.path",
        mutate: |s| *redirect_path(s) = Some(y("type: ReplaceFullPath")),
        path: REDIRECT_PATH,
        message: "replaceFullPath must be specified when type is set to 'ReplaceFullPath'",
        value_type: "object",
        also: &[],
    },
    Mutant {
        rule: "R55",
        provenance: "gateway-api HTTPPathModifier: replaceFullPath with ReplacePrefixMatch (R53 fails too)",
        mutate: |s| {
            *redirect_path(s) = Some(y("{type: ReplacePrefixMatch, replacePrefixMatch: /p, replaceFullPath: /f}"));
        },
        path: REDIRECT_PATH,
        message: "type must be 'ReplaceFullPath' when replaceFullPath is set",
        value_type: "object",
        also: &[R53],
    },
    Mutant {
        rule: "R56",
        provenance: "gateway-api HTTPPathModifier: ReplacePrefixMatch without replacePrefixMatch (R53 fails too)",
        mutate: |s| *redirect_path(s) = Some(y("type: ReplacePrefixMatch")),
        path: REDIRECT_PATH,
        message: "replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'",
        value_type: "object",
        also: &[R53],
    },
    Mutant {
        rule: "R57",
        provenance: "gateway-api HTTPPathModifier: replacePrefixMatch with ReplaceFullPath",
        mutate: |s| {
            *redirect_path(s) = Some(y("{type: ReplaceFullPath, replaceFullPath: /f, replacePrefixMatch: /p}"));
        },
        path: REDIRECT_PATH,
        message: "type must be 'ReplacePrefixMatch' when replacePrefixMatch is set",
        value_type: "object",
        also: &[],
    },
];

const VALID: &[Valid] = &[
    Valid { rule: "R15", note: "numerator equal to the default denominator", mutate: |s| percent(s).numerator = 100 },
    Valid {
        rule: "R15",
        note: "explicit denominator above 100",
        mutate: |s| *percent(s) = Fraction { numerator: 150, denominator: Some(1000) },
    },
    Valid { rule: "R19", note: "TCP type, no http block", mutate: |s| *active(s) = y("{type: TCP, tcp: {}}") },
    Valid { rule: "R20", note: "TCP type with an empty tcp block", mutate: |s| *active(s) = y("{type: TCP, tcp: {}}") },
    Valid { rule: "R21", note: "GRPC type, grpc is optional", mutate: |s| *active(s) = y("type: GRPC") },
    Valid { rule: "R21", note: "GRPC type with grpc", mutate: |s| *active(s) = y("{type: GRPC, grpc: {service: x}}") },
    Valid { rule: "R22", note: "an empty list has neither kind", mutate: |s| log(s).matches = Some(Vec::new()) },
    Valid {
        rule: "R22",
        note: "FailureSeriesStart with Success",
        mutate: |s| log(s).matches = Some(y("[FailureSeriesStart, Success]")),
    },
    Valid { rule: "R23", note: "no sinks at all", mutate: |s| log(s).sinks = Some(Vec::new()) },
    Valid { rule: "R24", note: "method compared after upperAscii()", mutate: |s| http(s).method = Some("pUt".into()) },
    Valid {
        rule: "R24",
        note: "GET without a request body",
        mutate: |s| {
            let h = http(s);
            h.method = Some("GET".into());
            h.request_body = None;
        },
    },
    Valid {
        rule: "R25",
        note: "Text payloads on a TCP probe",
        mutate: |s| {
            *active(s) = y("{type: TCP, tcp: {send: {type: Text, text: ping}, receive: {type: Text, text: ''}}}")
        },
    },
    Valid {
        rule: "R26",
        note: "Binary payloads on a TCP probe",
        mutate: |s| {
            *active(s) =
                // Was `binary: ''`: the empty string fails `format: byte` (govalidator IsBase64 needs
                // one group, validator_test.go TestIsBase64 `{"", false}`), see tests/exact_messages.rs.
                y("{type: TCP, tcp: {send: {type: Binary, binary: cGluZw==}, receive: {type: Binary, binary: cG9uZw==}}}");
        },
    },
    Valid {
        rule: "R27",
        note: "90s < 2m by value although not as text",
        mutate: |s| *s.http2.as_mut().unwrap() = y("connectionKeepalive: {interval: 2m, timeout: 90s}"),
    },
    Valid {
        rule: "R27",
        note: "timeout alone",
        mutate: |s| *s.http2.as_mut().unwrap() = y("connectionKeepalive: {timeout: 1h}"),
    },
    Valid {
        rule: "R29",
        note: "ConsistentHash with consistentHash",
        mutate: |s| s.load_balancer = Some(y("{type: ConsistentHash, consistentHash: {type: SourceIP}}")),
    },
    Valid {
        rule: "R30",
        note: "BackendUtilization with slowStart and weightedZones",
        mutate: |s| {
            s.load_balancer = Some(y("{type: BackendUtilization, backendUtilization: {}, slowStart: {window: 10s}, \
                 zoneAware: {weightedZones: [{zone: a, weight: 1}]}}"));
        },
    },
    Valid {
        rule: "R31",
        note: "DynamicModule with dynamicModule",
        mutate: |s| {
            s.load_balancer =
                Some(y("{type: DynamicModule, dynamicModule: {name: lb-mod, lbPolicyName: pick, config: {a: 1}}}"));
        },
    },
    Valid { rule: "R32", note: "slowStart with RoundRobin", mutate: |s| lb(s).r#type = "RoundRobin".into() },
    Valid {
        rule: "R33",
        note: "weightedZones with ConsistentHash",
        mutate: |s| {
            s.load_balancer = Some(y("{type: ConsistentHash, consistentHash: {type: SourceIP}, \
                 zoneAware: {weightedZones: [{zone: a, weight: 1}]}}"));
        },
    },
    Valid {
        rule: "R34",
        note: "an empty zoneAware with BackendUtilization",
        mutate: |s| s.load_balancer = Some(y("{type: BackendUtilization, backendUtilization: {}, zoneAware: {}}")),
    },
    Valid {
        rule: "R35",
        note: "DynamicModule without zoneAware",
        mutate: |s| s.load_balancer = Some(y("{type: DynamicModule, dynamicModule: {name: m, lbPolicyName: p}}")),
    },
    Valid {
        rule: "R36",
        note: "weightedZones alone",
        mutate: |s| lb(s).zone_aware = Some(y("weightedZones: [{zone: a, weight: 1}, {zone: b, weight: 3}]")),
    },
    Valid {
        rule: "R37",
        note: "endpointOverride with LeastRequest",
        mutate: |s| lb(s).endpoint_override = Some(y("extractFrom: [{header: x-endpoint}]")),
    },
    Valid {
        rule: "R38",
        note: "the shortest positive period",
        mutate: |s| {
            s.load_balancer = Some(y(
                "{type: BackendUtilization, backendUtilization: {outOfBand: {reportingPeriod: 1ms, port: 9000}}}",
            ));
        },
    },
    Valid {
        rule: "R39",
        note: "Header with header",
        mutate: |s| {
            s.load_balancer = Some(y("{type: ConsistentHash, consistentHash: {type: Header, header: {name: x-user}}}"))
        },
    },
    Valid {
        rule: "R40",
        note: "Headers with an empty list (present for has())",
        mutate: |s| s.load_balancer = Some(y("{type: ConsistentHash, consistentHash: {type: Headers, headers: []}}")),
    },
    Valid {
        rule: "R41",
        note: "Cookie with cookie",
        mutate: |s| {
            s.load_balancer =
                Some(y("{type: ConsistentHash, consistentHash: {type: Cookie, cookie: {name: session, ttl: 1h}}}"));
        },
    },
    Valid {
        rule: "R42",
        note: "QueryParams with queryParams",
        mutate: |s| {
            s.load_balancer =
                Some(y("{type: ConsistentHash, consistentHash: {type: QueryParams, queryParams: [{name: user}]}}"));
        },
    },
    Valid {
        rule: "R54",
        note: "ReplaceFullPath with an empty replaceFullPath",
        mutate: |s| *redirect_path(s) = Some(y("{type: ReplaceFullPath, replaceFullPath: ''}")),
    },
    Valid { rule: "R55", note: "redirect without a path", mutate: |s| *redirect_path(s) = None },
    Valid {
        rule: "R56",
        note: "ReplaceFullPath: the ReplacePrefixMatch rules are vacuous (see prefix_rewrite_only_breaks_r53)",
        mutate: |s| *redirect_path(s) = Some(y("{type: ReplaceFullPath, replaceFullPath: /}")),
    },
    Valid {
        rule: "R57",
        note: "ReplaceFullPath without replacePrefixMatch",
        mutate: |s| *redirect_path(s) = Some(y("{type: ReplaceFullPath, replaceFullPath: /moved}")),
    },
];

/// Rules this file must cover, each with a mutant and a valid variant.
fn covered_rules() -> BTreeSet<String> {
    let mut rules: BTreeSet<String> = ["R15"].iter().map(|r| (*r).to_owned()).collect();
    // R28 sits on `httpUpgrade[]`, a traffic area, and is tested with it.
    rules.extend((19..=42).filter(|n| *n != 28).map(|n| format!("R{n}")));
    rules.extend((54..=57).map(|n| format!("R{n}")));
    rules
}

/// The rendered errors of `policy.validate()`, sorted.
fn errors_of(policy: &BackendTrafficPolicy) -> Vec<String> {
    let mut found: Vec<String> = match policy.validate() {
        Ok(()) => Vec::new(),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    };
    found.sort();
    found
}

fn render((path, value_type, message): Expected) -> String {
    format!("{path}: Invalid value: \"{value_type}\": {message}")
}

#[test]
fn baseline_is_valid() {
    let policy = baseline();
    assert_eq!(errors_of(&policy), Vec::<String>::new());
    // Every rule-carrying area is present, so every row below starts from a real value.
    let spec = &policy.spec;
    assert!(spec.load_balancer.is_some() && spec.health_check.is_some());
    assert!(spec.circuit_breaker.is_some() && spec.http2.is_some() && spec.response_override.is_some());
}

#[test]
fn every_rule_has_a_mutant_and_a_valid_variant() {
    let mutated: BTreeSet<String> = MUTANTS.iter().map(|m| m.rule.to_owned()).collect();
    let valid: BTreeSet<String> = VALID.iter().map(|v| v.rule.to_owned()).collect();
    assert_eq!(mutated, covered_rules(), "rules with a mutant");
    assert_eq!(valid, covered_rules(), "rules with a valid variant");
}

#[test]
fn each_mutant_breaks_exactly_its_rule() {
    let mut failures = Vec::new();
    for m in MUTANTS {
        let mut policy = baseline();
        (m.mutate)(&mut policy.spec);
        let mut expected: Vec<String> =
            std::iter::once((m.path, m.value_type, m.message)).chain(m.also.iter().copied()).map(render).collect();
        expected.sort();
        common::cel::assert_agrees(&policy, &format!("mutant {} ({})", m.rule, m.provenance));
        let found = errors_of(&policy);
        if found != expected {
            failures.push(format!("{} ({}):\n  expected {expected:#?}\n  found    {found:#?}", m.rule, m.provenance));
        }
        if m.also.is_empty() {
            // The single error carries its rule: path, kind and message agree.
            let errors = policy.validate().unwrap_err();
            let error = &errors.errors()[0];
            assert_eq!(error.path(), m.path, "{}", m.rule);
            assert_eq!(error.rule().map(|r| r.message), Some(m.message), "{}", m.rule);
        }
    }
    assert!(failures.is_empty(), "{} mutant(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn each_valid_variant_reports_nothing() {
    let mut failures = Vec::new();
    for v in VALID {
        let mut policy = baseline();
        (v.mutate)(&mut policy.spec);
        common::cel::assert_agrees(&policy, &format!("valid variant {} ({})", v.rule, v.note));
        let found = errors_of(&policy);
        if !found.is_empty() {
            failures.push(format!("{} ({}): {found:#?}", v.rule, v.note));
        }
    }
    assert!(failures.is_empty(), "{} valid variant(s) failed:\n{}", failures.len(), failures.join("\n"));
}

/// A well-formed `ReplacePrefixMatch` rewrite satisfies R54-R57; only the Envoy Gateway field
/// rule R53 rejects it on a redirect.
#[test]
fn prefix_rewrite_only_breaks_r53() {
    let mut policy = baseline();
    *redirect_path(&mut policy.spec) = Some(y("{type: ReplacePrefixMatch, replacePrefixMatch: /new}"));
    assert_eq!(errors_of(&policy), vec![render(R53)]);
}

/// Rules in several places report each failing place, in the order of the spec's fields.
#[test]
fn errors_accumulate_across_areas() {
    let mut policy = baseline();
    let spec = &mut policy.spec;
    percent(spec).numerator = 101;
    http(spec).expected_response = Some(y("type: Binary"));
    http(spec).request_body = Some(y("type: Text"));
    *spec.http2.as_mut().unwrap() = y("connectionKeepalive: {interval: 1s, timeout: 2s}");
    spec.load_balancer = Some(y("{type: ConsistentHash, consistentHash: {type: Cookie}}"));
    let found: Vec<String> = policy.validate().unwrap_err().iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            render((CH, "object", "If consistent hash type is cookie, the cookie field must be set.")),
            render((
                "spec.healthCheck.active.http.expectedResponse",
                "object",
                "If payload type is Binary, binary field needs to be set."
            )),
            render((
                "spec.healthCheck.active.http.requestBody",
                "object",
                "If payload type is Text, text field needs to be set."
            )),
            render((
                "spec.circuitBreaker.retryBudget.percent",
                "object",
                "numerator must be less than or equal to denominator"
            )),
            render(("spec.http2.connectionKeepalive", "object", "timeout must be less than interval")),
        ]
    );
}
