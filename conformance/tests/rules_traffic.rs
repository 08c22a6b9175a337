//! The CEL rules of the spec, the targets and the traffic areas (R01-R18, R28, R43-R63), checked
//! through `BackendTrafficPolicy::validate()` with a table of mutators: a valid baseline policy,
//! and per row one change that breaks exactly the named rule (or, when the schema or another
//! rule necessarily fires too, the full expected set, with the reason in the row). Rows marked
//! `Pass` are edge cases the API server accepts.
//!
//! Rule and message texts come from the upstream CRD (`x-kubernetes-validations` at the path
//! given in each row); the inventory numbers R01..R63 follow the CRD order.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use backend_traffic_policy::{
    BackendTrafficPolicy, BackendTrafficPolicySpec, MergeType, TargetRef, TargetSelector,
    traffic::{
        admission_control::AdmissionControl,
        fault_injection::Abort,
        rate_limit::{GlobalRateLimit, LocalRateLimit},
        response_override::{CustomResponse, Redirect, ResponseOverride, StatusCodeMatch},
    },
};
use serde::de::DeserializeOwned;

/// A policy that sets every area whose rules are tested here, and breaks none of them.
const BASELINE: &str = r#"
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: BackendTrafficPolicy
metadata:
  name: baseline
  namespace: default
spec:
  targetRefs:
  - group: gateway.networking.k8s.io
    kind: HTTPRoute
    name: backend
  loadBalancer:
    type: RoundRobin
  connection:
    preconnect:
      predictivePercent: 150
  mergeType: StrategicMerge
  rateLimit:
    global:
      rules:
      - clientSelectors:
        - headers:
          - name: x-user
            type: Distinct
        limit:
          requests: 10
          unit: Minute
        cost:
          request:
            from: Number
            number: 1
          response:
            from: Metadata
            metadata:
              namespace: io.example.filter
              key: tokens
    local:
      rules:
      - clientSelectors:
        - methods:
          - value: GET
        limit:
          requests: 5
          unit: Second
        cost:
          request:
            from: Number
            number: 2
  bandwidthLimit:
    request:
      limit:
        value: 10Mi
        unit: Second
  faultInjection:
    delay:
      fixedDelay: 1s
      percentage: 10
    abort:
      httpStatus: 503
      percentage: 1
  admissionControl:
    samplingWindow: 30s
    minSuccessRate: 95
    maxRejectionPercent: 80
  compressor:
  - type: Gzip
  responseOverride:
  - match:
      statusCodes:
      - type: Value
        value: 500
      - type: Range
        range:
          start: 501
          end: 503
    response:
      contentType: text/plain
      body:
        type: Inline
        inline: backend failed
      header:
        set:
        - name: x-override
          value: "1"
  - match:
      responseHeaders:
      - name: x-error
        value:
          type: Exact
          value: "1"
    redirect:
      scheme: https
      path:
        type: ReplaceFullPath
        replaceFullPath: /error
      statusCode: 302
  httpUpgrade:
  - type: websocket
  - type: CONNECT
    connect:
      terminate: true
  telemetry:
    tracing:
      samplingFraction:
        numerator: 1
        denominator: 10
"#;

/// What a row expects from `validate()`.
enum Expect {
    /// Exactly one error: this rule at this path, on a value of this CEL type.
    Rule { path: &'static str, value_type: &'static str, message: &'static str },
    /// Exactly these errors, in this order (`to_string()` of each); the row says why.
    All(&'static [&'static str]),
    /// No error at all.
    Pass,
}

use Expect::{All, Pass};

const fn object(path: &'static str, message: &'static str) -> Expect {
    Expect::Rule { path, value_type: "object", message }
}

/// One mutant: the rule it targets, where the rule comes from and why the change breaks it,
/// the change, and the expected outcome.
struct Row {
    rule: &'static str,
    note: &'static str,
    mutate: fn(&mut BackendTrafficPolicySpec),
    expect: Expect,
}

fn yaml<T: DeserializeOwned>(text: &str) -> T {
    serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("bad YAML snippet {text:?}: {e}"))
}

fn baseline() -> BackendTrafficPolicy {
    yaml(BASELINE)
}

fn global(s: &mut BackendTrafficPolicySpec) -> &mut GlobalRateLimit {
    s.rate_limit.as_mut().unwrap().global.as_mut().unwrap()
}

fn local(s: &mut BackendTrafficPolicySpec) -> &mut LocalRateLimit {
    s.rate_limit.as_mut().unwrap().local.as_mut().unwrap()
}

fn admission(s: &mut BackendTrafficPolicySpec) -> &mut AdmissionControl {
    s.admission_control.as_mut().unwrap()
}

fn abort(s: &mut BackendTrafficPolicySpec) -> &mut Abort {
    s.fault_injection.as_mut().unwrap().abort.as_mut().unwrap()
}

fn override_(s: &mut BackendTrafficPolicySpec, i: usize) -> &mut ResponseOverride {
    &mut s.response_override.as_mut().unwrap()[i]
}

fn status_code(s: &mut BackendTrafficPolicySpec, i: usize) -> &mut StatusCodeMatch {
    &mut override_(s, 0).r#match.status_codes.as_mut().unwrap()[i]
}

fn response(s: &mut BackendTrafficPolicySpec) -> &mut CustomResponse {
    override_(s, 0).response.as_mut().unwrap()
}

fn redirect(s: &mut BackendTrafficPolicySpec) -> &mut Redirect {
    override_(s, 1).redirect.as_mut().unwrap()
}

fn selector(text: &str) -> Option<Vec<TargetSelector>> {
    Some(vec![yaml(text)])
}

/// Replaces `targetRefs` by a `targetRef` (the deprecated single form).
fn single_target(s: &mut BackendTrafficPolicySpec, target: TargetRef) {
    s.target_refs = None;
    s.target_ref = Some(target);
}

const R01: &str = "either targetRef or targetRefs must be used";
const R02: &str = "this policy can only have a targetRef.group of gateway.networking.k8s.io";
const R03: &str =
    "this policy can only have a targetRef.kind of Gateway/ListenerSet/HTTPRoute/GRPCRoute/TCPRoute/UDPRoute/TLSRoute";
const R04: &str = "this policy can only have a targetRefs[*].group of gateway.networking.k8s.io";
const R05: &str = "this policy can only have a targetRefs[*].kind of Gateway/ListenerSet/HTTPRoute/GRPCRoute/TCPRoute/UDPRoute/TLSRoute";
const R06: &str = "mergeType can only be used with xRoute targets";
const R07: &str = "either compression or compressor can be set, not both";
const R08: &str = "requestBuffer cannot be used together with httpUpgrade";
const R09: &str = "admissionControl can only be used with HTTPRoute, GRPCRoute, Gateway, or ListenerSet targets";
const R10: &str = "predictivePercent in preconnect policy only works with RoundRobin or Random load balancers";
const R13: &str = "samplingWindow must be at least 1s";
const R14: &str = "at least one of request or response must be specified";
const R15: &str = "numerator must be less than or equal to denominator";
const R16: &str = "Delay and abort faults are set at least one.";
const R17: &str = "httpStatus and grpcStatus cannot be simultaneously defined.";
const R18: &str = "httpStatus and grpcStatus are set at least one.";
const R28: &str = "The connect configuration is only allowed when the type is CONNECT.";
const R43: &str = "Replace is not a valid MergeType for BackendTrafficPolicySpec";
const R44: &str = "at least one of headers, methods, path, sourceCIDR or queryParams must be specified";
const R45: &str = "only one of number or metadata can be specified";
const R46: &str = "response cost is not supported for Local Rate Limits";
const R47: &str = "limit fromMetadata is not supported for Local Rate Limits";
const R48: &str = "exactly one of response or redirect must be specified";
const R49: &str = "at least one of statusCodes or responseHeaders must be specified";
const R50: &str = "value must be set for type Value";
const R51: &str = "range must be set for type Range";
const R52: &str = "end must be greater than start";
const R53: &str = "only ReplaceFullPath is supported for path.type";
const R54: &str = "replaceFullPath must be specified when type is set to 'ReplaceFullPath'";
const R58: &str = "inline must be set for type Inline";
const R59: &str = "valueRef must be set for type ValueRef";
const R60: &str = "only ConfigMap is supported for ValueRef";
const R61: &str = "Remove is not supported for header in CustomResponse";
const R62: &str = "group must be gateway.networking.k8s.io";
const R63: &str = "selector must be specified when from is Selector";

const OVERRIDE_PATH: &str = "spec.responseOverride[0]";

fn rows() -> Vec<Row> {
    vec![
        // ---- R01, .spec: exactly one of targetRef/targetRefs, unless targetSelectors is non-empty.
        Row {
            rule: "R01",
            note: ".spec rule 1: no target at all",
            mutate: |s| s.target_refs = None,
            expect: object("spec", R01),
        },
        Row {
            rule: "R01",
            note: ".spec rule 1: targetRef and targetRefs both set",
            mutate: |s| s.target_ref = Some(TargetRef::http_route("other")),
            expect: object("spec", R01),
        },
        Row {
            rule: "R01",
            note: ".spec rule 1: the deprecated targetRef alone",
            mutate: |s| single_target(s, TargetRef::http_route("backend")),
            expect: Pass,
        },
        Row {
            rule: "R01",
            note: ".spec rule 1: `targetRefs: []` plus a targetRef is two forms",
            mutate: |s| {
                s.target_ref = Some(TargetRef::http_route("backend"));
                s.target_refs = Some(vec![]);
            },
            expect: object("spec", R01),
        },
        Row {
            rule: "R01",
            note: ".spec rule 1: `targetRefs: []` alone is one form, so R01 holds",
            mutate: |s| s.target_refs = Some(vec![]),
            expect: Pass,
        },
        Row {
            rule: "R01",
            note: ".spec rule 1: an empty targetSelectors does not stand in for a reference",
            mutate: |s| {
                s.target_refs = None;
                s.target_selectors = Some(vec![]);
            },
            expect: object("spec", R01),
        },
        Row {
            rule: "R01",
            note: ".spec rule 1: a non-empty targetSelectors alone is enough",
            mutate: |s| {
                s.target_refs = None;
                s.target_selectors = selector("kind: HTTPRoute");
            },
            expect: Pass,
        },
        Row {
            rule: "R01",
            note: ".spec rule 1: a non-empty targetSelectors allows targetRef and targetRefs together",
            mutate: |s| {
                s.target_ref = Some(TargetRef::grpc_route("grpc"));
                s.target_selectors = selector("kind: HTTPRoute");
            },
            expect: Pass,
        },
        // ---- R02/R03, .spec: the deprecated targetRef.
        Row {
            rule: "R02",
            note: ".spec rule 2: targetRef in another API group",
            mutate: |s| {
                let mut target = TargetRef::http_route("backend");
                target.group = "gateway.envoyproxy.io".into();
                single_target(s, target);
            },
            expect: object("spec", R02),
        },
        Row {
            rule: "R02",
            note: ".spec rule 2: a valid targetRef",
            mutate: |s| single_target(s, TargetRef::http_route("backend").with_section("rule-1")),
            expect: Pass,
        },
        Row {
            rule: "R03",
            note: ".spec rule 3: targetRef kind Service; mergeType and admissionControl removed, else \
                   R06 and R09 (which also read the kind) would fire",
            mutate: |s| {
                single_target(s, TargetRef::new("Service", "backend"));
                s.merge_type = None;
                s.admission_control = None;
            },
            expect: object("spec", R03),
        },
        Row {
            rule: "R03",
            note: ".spec rule 3: kinds compare case-sensitively (`httproute` is not HTTPRoute); R06 and \
                   R09 fire too, since they read the same kind",
            mutate: |s| single_target(s, TargetRef::new("httproute", "backend")),
            expect: All(&[
                "spec: Invalid value: \"object\": this policy can only have a targetRef.kind of Gateway/ListenerSet/HTTPRoute/GRPCRoute/TCPRoute/UDPRoute/TLSRoute",
                "spec: Invalid value: \"object\": mergeType can only be used with xRoute targets",
                "spec: Invalid value: \"object\": admissionControl can only be used with HTTPRoute, GRPCRoute, Gateway, or ListenerSet targets",
            ]),
        },
        // ---- R04/R05, .spec: targetRefs.
        Row {
            rule: "R04",
            note: ".spec rule 4: the core group (\"\", allowed by the Group pattern) is not gateway.networking.k8s.io",
            mutate: |s| s.target_refs.as_mut().unwrap()[0].group = String::new(),
            expect: object("spec", R04),
        },
        Row {
            rule: "R04",
            note: ".spec rule 4: .all() over every item, not only the first",
            mutate: |s| {
                let mut other = TargetRef::http_route("other");
                other.group = "example.com".into();
                s.target_refs.as_mut().unwrap().push(other);
            },
            expect: object("spec", R04),
        },
        Row {
            rule: "R05",
            note: ".spec rule 5: targetRefs kind Service; mergeType and admissionControl removed (R06, R09)",
            mutate: |s| {
                s.target_refs.as_mut().unwrap().push(TargetRef::new("Service", "svc"));
                s.merge_type = None;
                s.admission_control = None;
            },
            expect: object("spec", R05),
        },
        // ---- R06, .spec: mergeType needs route targets.
        Row {
            rule: "R06",
            note: ".spec rule 6: mergeType with a Gateway in targetRefs",
            mutate: |s| s.target_refs.as_mut().unwrap().push(TargetRef::gateway("eg")),
            expect: object("spec", R06),
        },
        Row {
            rule: "R06",
            note: ".spec rule 6: mergeType with a Gateway as targetRef",
            mutate: |s| single_target(s, TargetRef::gateway("eg")),
            expect: object("spec", R06),
        },
        Row {
            rule: "R06",
            note: ".spec rule 6: mergeType with a ListenerSet selected by label",
            mutate: |s| s.target_selectors = selector("kind: ListenerSet"),
            expect: object("spec", R06),
        },
        Row {
            rule: "R06",
            note: ".spec rule 6: a Gateway target is fine without mergeType",
            mutate: |s| {
                s.target_refs.as_mut().unwrap().push(TargetRef::gateway("eg"));
                s.merge_type = None;
            },
            expect: Pass,
        },
        // ---- R07, .spec.
        Row {
            rule: "R07",
            note: ".spec rule 7: has() is presence, so `compression: []` conflicts with compressor",
            mutate: |s| s.compression = Some(vec![]),
            expect: object("spec", R07),
        },
        Row {
            rule: "R07",
            note: ".spec rule 7: the deprecated compression alone is fine",
            mutate: |s| s.compression = s.compressor.take(),
            expect: Pass,
        },
        // ---- R08, .spec.
        Row {
            rule: "R08",
            note: ".spec rule 8: requestBuffer with upgrades",
            mutate: |s| s.request_buffer = Some(yaml("limit: 1Mi")),
            expect: object("spec", R08),
        },
        Row {
            rule: "R08",
            note: ".spec rule 8: an empty httpUpgrade list does not conflict with requestBuffer",
            mutate: |s| {
                s.request_buffer = Some(yaml("limit: 1Mi"));
                s.http_upgrade = Some(vec![]);
            },
            expect: Pass,
        },
        // ---- R09, .spec.
        Row {
            rule: "R09",
            note: ".spec rule 9: admissionControl with a TCPRoute (a route, so R06 holds)",
            mutate: |s| s.target_refs.as_mut().unwrap()[0].kind = "TCPRoute".into(),
            expect: object("spec", R09),
        },
        Row {
            rule: "R09",
            note: ".spec rule 9: admissionControl with a UDPRoute selected by label",
            mutate: |s| s.target_selectors = selector("kind: UDPRoute"),
            expect: object("spec", R09),
        },
        Row {
            rule: "R09",
            note: ".spec rule 9: admissionControl with a Gateway (mergeType removed for R06)",
            mutate: |s| {
                single_target(s, TargetRef::gateway("eg"));
                s.merge_type = None;
            },
            expect: Pass,
        },
        // ---- R10, .spec (ClusterSettings, inlined).
        Row {
            rule: "R10",
            note: ".spec rule 10: predictivePercent with LeastRequest",
            mutate: |s| s.load_balancer = Some(yaml("type: LeastRequest")),
            expect: object("spec", R10),
        },
        Row {
            rule: "R10",
            note: ".spec rule 10: predictivePercent without a loadBalancer (the rule wants an explicit Random or RoundRobin)",
            mutate: |s| s.load_balancer = None,
            expect: object("spec", R10),
        },
        Row {
            rule: "R10",
            note: ".spec rule 10: predictivePercent with Random",
            mutate: |s| s.load_balancer = Some(yaml("type: Random")),
            expect: Pass,
        },
        Row {
            rule: "R10",
            note: ".spec rule 10: a preconnect without predictivePercent works with any balancer",
            mutate: |s| {
                s.load_balancer = Some(yaml("type: LeastRequest"));
                s.connection = Some(yaml("preconnect: {perEndpointPercent: 120}"));
            },
            expect: Pass,
        },
        // ---- R11-R13, .spec.admissionControl.
        Row {
            rule: "R11",
            note: ".spec.admissionControl rule 1: minSuccessRate 0; the schema's minimum 1 on the same field \
                   reports first, so R11 cannot fail alone (Invalid does not stop the rules)",
            mutate: |s| admission(s).min_success_rate = Some(0),
            expect: All(&[
                "spec.admissionControl.minSuccessRate: Invalid value: 0: spec.admissionControl.minSuccessRate in body should be greater than or equal to 1",
                "spec.admissionControl: Invalid value: \"object\": minSuccessRate must be between 1 and 100",
            ]),
        },
        Row {
            rule: "R12",
            note: ".spec.admissionControl rule 2: maxRejectionPercent 101; the schema's maximum 100 fires too",
            mutate: |s| admission(s).max_rejection_percent = Some(101),
            expect: All(&[
                "spec.admissionControl.maxRejectionPercent: Invalid value: 101: spec.admissionControl.maxRejectionPercent in body should be less than or equal to 100",
                "spec.admissionControl: Invalid value: \"object\": maxRejectionPercent must be between 0 and 100",
            ]),
        },
        Row {
            rule: "R13",
            note: ".spec.admissionControl rule 3: a 500ms window",
            mutate: |s| admission(s).sampling_window = Some("500ms".parse().unwrap()),
            expect: object("spec.admissionControl", R13),
        },
        Row {
            rule: "R13",
            note: ".spec.admissionControl rule 3: 999ms is below 1s by value",
            mutate: |s| admission(s).sampling_window = Some("999ms".parse().unwrap()),
            expect: object("spec.admissionControl", R13),
        },
        Row {
            rule: "R13",
            note: ".spec.admissionControl rule 3: durations compare by value, so 1000ms is 1s",
            mutate: |s| admission(s).sampling_window = Some("1000ms".parse().unwrap()),
            expect: Pass,
        },
        Row {
            rule: "R13",
            note: ".spec.admissionControl rule 3: groups add up (0s500ms600ms is 1.1s)",
            mutate: |s| admission(s).sampling_window = Some("0s500ms600ms".parse().unwrap()),
            expect: Pass,
        },
        // ---- R14, .spec.bandwidthLimit.
        Row {
            rule: "R14",
            note: ".spec.bandwidthLimit rule 1: neither direction",
            mutate: |s| s.bandwidth_limit = Some(Default::default()),
            expect: object("spec.bandwidthLimit", R14),
        },
        Row {
            rule: "R14",
            note: ".spec.bandwidthLimit rule 1: the response direction alone",
            mutate: |s| s.bandwidth_limit = Some(yaml("response: {limit: {value: 1Mi, unit: Second}}")),
            expect: Pass,
        },
        // ---- R15 (Gateway API Fraction), through the telemetry walk.
        Row {
            rule: "R15",
            note: ".spec.telemetry.tracing.samplingFraction: numerator over the defaulted denominator 100",
            mutate: |s| {
                s.telemetry.as_mut().unwrap().tracing.as_mut().unwrap().sampling_fraction =
                    Some(yaml("numerator: 101"));
            },
            expect: object("spec.telemetry.tracing.samplingFraction", R15),
        },
        Row {
            rule: "R15",
            note: ".spec.telemetry.tracing.overallSamplingFraction: 3/2",
            mutate: |s| {
                s.telemetry.as_mut().unwrap().tracing.as_mut().unwrap().overall_sampling_fraction =
                    Some(yaml("{numerator: 3, denominator: 2}"));
            },
            expect: object("spec.telemetry.tracing.overallSamplingFraction", R15),
        },
        // ---- R16-R18, .spec.faultInjection.
        Row {
            rule: "R16",
            note: ".spec.faultInjection rule 1: neither delay nor abort",
            mutate: |s| s.fault_injection = Some(Default::default()),
            expect: object("spec.faultInjection", R16),
        },
        Row {
            rule: "R17",
            note: ".spec.faultInjection.abort rule 1: both statuses",
            mutate: |s| abort(s).grpc_status = Some(14),
            expect: object("spec.faultInjection.abort", R17),
        },
        Row {
            rule: "R18",
            note: ".spec.faultInjection.abort rule 2: no status",
            mutate: |s| abort(s).http_status = None,
            expect: object("spec.faultInjection.abort", R18),
        },
        Row {
            rule: "R18",
            note: ".spec.faultInjection.abort rule 2: a gRPC status alone",
            mutate: |s| {
                abort(s).http_status = None;
                abort(s).grpc_status = Some(0);
            },
            expect: Pass,
        },
        // ---- R28, .spec.httpUpgrade[].
        Row {
            rule: "R28",
            note: ".spec.httpUpgrade[] rule 1: connect on a websocket upgrade",
            mutate: |s| s.http_upgrade.as_mut().unwrap()[0].connect = Some(Default::default()),
            expect: object("spec.httpUpgrade[0]", R28),
        },
        Row {
            rule: "R28",
            note: ".spec.httpUpgrade[] rule 1: CEL `==` is case-sensitive, so `connect` is not CONNECT",
            mutate: |s| s.http_upgrade.as_mut().unwrap()[1].r#type = "connect".into(),
            expect: object("spec.httpUpgrade[1]", R28),
        },
        Row {
            rule: "R28",
            note: ".spec.httpUpgrade[] rule 1: lower-case `connect` is fine without connect settings",
            mutate: |s| s.http_upgrade = Some(vec![yaml("type: connect")]),
            expect: Pass,
        },
        // ---- R43, field rule on .spec.mergeType (a string).
        Row {
            rule: "R43",
            note: ".spec.mergeType field rule: Replace is a MergeType elsewhere, not here",
            mutate: |s| s.merge_type = Some(MergeType::Replace),
            expect: Expect::Rule { path: "spec.mergeType", value_type: "string", message: R43 },
        },
        Row {
            rule: "R43",
            note: ".spec.mergeType field rule: the type has no enum, so any other string passes",
            mutate: |s| s.merge_type = Some(MergeType::from_wire("replace")),
            expect: Pass,
        },
        // ---- R44-R47, .spec.rateLimit.
        Row {
            rule: "R44",
            note: ".spec.rateLimit.global.rules[].clientSelectors[] rule 1: an empty selector",
            mutate: |s| global(s).rules[0].client_selectors.as_mut().unwrap()[0] = Default::default(),
            expect: object("spec.rateLimit.global.rules[0].clientSelectors[0]", R44),
        },
        Row {
            rule: "R44",
            note: ".spec.rateLimit.local.rules[].clientSelectors[] rule 1: the second selector is empty",
            mutate: |s| local(s).rules.as_mut().unwrap()[0].client_selectors.as_mut().unwrap().push(Default::default()),
            expect: object("spec.rateLimit.local.rules[0].clientSelectors[1]", R44),
        },
        Row {
            rule: "R44",
            note: ".spec.rateLimit...clientSelectors[] rule 1: has() is presence, so `queryParams: []` is a condition",
            mutate: |s| global(s).rules[0].client_selectors = Some(vec![yaml("queryParams: []")]),
            expect: Pass,
        },
        Row {
            rule: "R45",
            note: ".spec.rateLimit.global.rules[].cost.request rule 1: number and metadata",
            mutate: |s| {
                global(s).rules[0].cost.as_mut().unwrap().request =
                    Some(yaml("{from: Number, number: 1, metadata: {namespace: n, key: k}}"));
            },
            expect: object("spec.rateLimit.global.rules[0].cost.request", R45),
        },
        Row {
            rule: "R45",
            note: ".spec.rateLimit.global.rules[].cost.response rule 1: number and metadata",
            mutate: |s| global(s).rules[0].cost.as_mut().unwrap().response.as_mut().unwrap().number = Some(3),
            expect: object("spec.rateLimit.global.rules[0].cost.response", R45),
        },
        Row {
            rule: "R45",
            note: ".spec.rateLimit...cost.request rule 1: `from` is not tied to the field set",
            mutate: |s| {
                global(s).rules[0].cost.as_mut().unwrap().request = Some(yaml("{from: Metadata, number: 1}"));
            },
            expect: Pass,
        },
        Row {
            rule: "R46",
            note: ".spec.rateLimit.local.rules field rule 1 (on the list, an array): a response cost",
            mutate: |s| {
                local(s).rules.as_mut().unwrap()[0].cost.as_mut().unwrap().response =
                    Some(yaml("{from: Number, number: 1}"));
            },
            expect: Expect::Rule { path: "spec.rateLimit.local.rules", value_type: "array", message: R46 },
        },
        Row {
            rule: "R47",
            note: ".spec.rateLimit.local.rules field rule 2 (an array): a limit read from metadata",
            mutate: |s| {
                local(s).rules.as_mut().unwrap()[0].limit.from_metadata = Some(yaml("{namespace: n, key: k}"));
            },
            expect: Expect::Rule { path: "spec.rateLimit.local.rules", value_type: "array", message: R47 },
        },
        Row {
            rule: "R47",
            note: "global rules may read the limit from metadata and charge a response cost",
            mutate: |s| global(s).rules[0].limit.from_metadata = Some(yaml("{namespace: n, key: k}")),
            expect: Pass,
        },
        // ---- R48-R61, .spec.responseOverride[].
        Row {
            rule: "R48",
            note: ".spec.responseOverride[] rule 1: both response and redirect",
            mutate: |s| override_(s, 0).redirect = Some(yaml("scheme: https")),
            expect: object(OVERRIDE_PATH, R48),
        },
        Row {
            rule: "R48",
            note: ".spec.responseOverride[] rule 1: neither response nor redirect",
            mutate: |s| override_(s, 1).redirect = None,
            expect: object("spec.responseOverride[1]", R48),
        },
        Row {
            rule: "R49",
            note: ".spec.responseOverride[].match rule 1: no condition",
            mutate: |s| override_(s, 1).r#match = Default::default(),
            expect: object("spec.responseOverride[1].match", R49),
        },
        Row {
            rule: "R50",
            note: ".spec.responseOverride[].match.statusCodes[] rule 1: type Value without value",
            mutate: |s| status_code(s, 0).value = None,
            expect: object("spec.responseOverride[0].match.statusCodes[0]", R50),
        },
        Row {
            rule: "R50",
            note: ".spec.responseOverride[].match.statusCodes[] rule 1: type absent (defaults to Value), no value",
            mutate: |s| *status_code(s, 0) = Default::default(),
            expect: object("spec.responseOverride[0].match.statusCodes[0]", R50),
        },
        Row {
            rule: "R50",
            note: ".spec.responseOverride[].match.statusCodes[] rule 1: type absent with a value",
            mutate: |s| status_code(s, 0).r#type = None,
            expect: Pass,
        },
        Row {
            rule: "R51",
            note: ".spec.responseOverride[].match.statusCodes[] rule 2: type Range without range",
            mutate: |s| status_code(s, 1).range = None,
            expect: object("spec.responseOverride[0].match.statusCodes[1]", R51),
        },
        Row {
            rule: "R52",
            note: ".spec.responseOverride[].match.statusCodes[].range rule 1: an empty range",
            mutate: |s| status_code(s, 1).range.as_mut().unwrap().end = 501,
            expect: object("spec.responseOverride[0].match.statusCodes[1].range", R52),
        },
        Row {
            rule: "R53",
            note: ".spec.responseOverride[].redirect.path field rule (before R54-R57): a prefix rewrite",
            mutate: |s| redirect(s).path = Some(yaml("{type: ReplacePrefixMatch, replacePrefixMatch: /error}")),
            expect: object("spec.responseOverride[1].redirect.path", R53),
        },
        Row {
            rule: "R54",
            note: ".spec.responseOverride[].redirect.path, Gateway API rule 1: the walk reaches HTTPPathModifier",
            mutate: |s| redirect(s).path.as_mut().unwrap().replace_full_path = None,
            expect: object("spec.responseOverride[1].redirect.path", R54),
        },
        Row {
            rule: "R58",
            note: ".spec.responseOverride[].response.body rule 1: type Inline without inline",
            mutate: |s| response(s).body.as_mut().unwrap().inline = None,
            expect: object("spec.responseOverride[0].response.body", R58),
        },
        Row {
            rule: "R58",
            note: ".spec.responseOverride[].response.body rule 1: type absent (defaults to Inline), no inline",
            mutate: |s| response(s).body = Some(Default::default()),
            expect: object("spec.responseOverride[0].response.body", R58),
        },
        Row {
            rule: "R59",
            note: ".spec.responseOverride[].response.body rule 2: type ValueRef without valueRef",
            mutate: |s| response(s).body = Some(yaml("type: ValueRef")),
            expect: object("spec.responseOverride[0].response.body", R59),
        },
        Row {
            rule: "R60",
            note: ".spec.responseOverride[].response.body rule 3: a Secret as valueRef",
            mutate: |s| {
                response(s).body = Some(yaml("{type: ValueRef, valueRef: {group: '', kind: Secret, name: body}}"));
            },
            expect: object("spec.responseOverride[0].response.body", R60),
        },
        Row {
            rule: "R60",
            note: ".spec.responseOverride[].response.body: a ConfigMap body",
            mutate: |s| {
                response(s).body = Some(yaml("{type: ValueRef, valueRef: {group: '', kind: ConfigMap, name: body}}"));
            },
            expect: Pass,
        },
        Row {
            rule: "R61",
            note: ".spec.responseOverride[].response.header field rule (an object): headers removed",
            mutate: |s| response(s).header.as_mut().unwrap().remove = Some(vec!["server".into()]),
            expect: object("spec.responseOverride[0].response.header", R61),
        },
        Row {
            rule: "R61",
            note: ".spec.responseOverride[].response.header field rule: an empty remove list is allowed",
            mutate: |s| response(s).header.as_mut().unwrap().remove = Some(vec![]),
            expect: Pass,
        },
        // ---- R62/R63, .spec.targetSelectors[].
        Row {
            rule: "R62",
            note: ".spec.targetSelectors[] rule 1: another group",
            mutate: |s| s.target_selectors = selector("{group: gateway.envoyproxy.io, kind: HTTPRoute}"),
            expect: object("spec.targetSelectors[0]", R62),
        },
        Row {
            rule: "R62",
            note: ".spec.targetSelectors[] rule 1: group absent (the CRD default is the right group)",
            mutate: |s| s.target_selectors = selector("{kind: HTTPRoute, matchLabels: {app: web}}"),
            expect: Pass,
        },
        Row {
            rule: "R63",
            note: ".spec.targetSelectors[].namespaces rule 1: from Selector without selector",
            mutate: |s| s.target_selectors = selector("{kind: HTTPRoute, namespaces: {from: Selector}}"),
            expect: object("spec.targetSelectors[0].namespaces", R63),
        },
        Row {
            rule: "R63",
            note: ".spec.targetSelectors[].namespaces rule 1: from absent (defaults to Same)",
            mutate: |s| s.target_selectors = selector("{kind: HTTPRoute, namespaces: {}}"),
            expect: Pass,
        },
        Row {
            rule: "R63",
            note: ".spec.targetSelectors[].namespaces rule 1: from Selector with a selector",
            mutate: |s| {
                s.target_selectors =
                    selector("{kind: HTTPRoute, namespaces: {from: Selector, selector: {matchLabels: {team: a}}}}");
            },
            expect: Pass,
        },
    ]
}

#[test]
fn baseline_is_valid() {
    assert_eq!(baseline().validate().map_err(|e| e.to_string()), Ok(()));
}

#[test]
fn each_mutant_breaks_its_rule() {
    let mut failures = Vec::new();
    for row in rows() {
        let mut policy = baseline();
        (row.mutate)(&mut policy.spec);
        common::cel::assert_agrees(&policy, &format!("row {} ({})", row.rule, row.note));
        let actual: Vec<String> = match policy.validate() {
            Ok(()) => vec![],
            Err(errors) => errors.iter().map(ToString::to_string).collect(),
        };
        let expected: Vec<String> = match row.expect {
            Expect::Rule { path, value_type, message } => {
                vec![format!("{path}: Invalid value: \"{value_type}\": {message}")]
            }
            Expect::All(lines) => lines.iter().map(|l| (*l).to_owned()).collect(),
            Expect::Pass => vec![],
        };
        if actual != expected {
            failures.push(format!("{} ({}):\n  expected: {expected:#?}\n  actual:   {actual:#?}", row.rule, row.note));
        }
        // A single rule error also carries the rule itself.
        if let Expect::Rule { message, .. } = row.expect
            && let Err(errors) = policy.validate()
            && errors.len() == 1
        {
            assert_eq!(errors.errors()[0].rule().map(|r| r.message), Some(message), "{}", row.rule);
        }
    }
    assert!(failures.is_empty(), "{} rows fail:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_rule_has_a_failing_row() {
    let rules = rows();
    let wanted = (1..=14).chain(16..=18).chain([28]).chain(43..=53).chain(58..=63).map(|n| format!("R{n:02}"));
    for id in wanted {
        assert!(rules.iter().any(|r| r.rule == id && !matches!(r.expect, Pass)), "no mutant breaks {id}");
    }
}

/// Several rules broken at once: spec-level rules first in rule order, then the fields in
/// declaration order (targetSelectors, cluster settings, mergeType, rateLimit, bandwidthLimit,
/// faultInjection, admissionControl, responseOverride, httpUpgrade, telemetry).
#[test]
fn errors_come_in_rule_then_field_order() {
    let mut policy = baseline();
    let s = &mut policy.spec;
    s.telemetry.as_mut().unwrap().tracing.as_mut().unwrap().sampling_fraction = Some(yaml("numerator: 101"));
    s.http_upgrade.as_mut().unwrap()[0].connect = Some(Default::default());
    override_(s, 0).redirect = Some(yaml("scheme: https"));
    admission(s).sampling_window = Some("10ms".parse().unwrap());
    s.fault_injection = Some(Default::default());
    s.bandwidth_limit = Some(Default::default());
    local(s).rules.as_mut().unwrap()[0].limit.from_metadata = Some(yaml("{namespace: n, key: k}"));
    s.merge_type = Some(MergeType::Replace);
    s.target_selectors = selector("{group: example.com, kind: HTTPRoute}");
    s.compression = Some(vec![]);
    s.target_ref = Some(TargetRef::http_route("x"));
    let actual: Vec<String> = policy.validate().unwrap_err().iter().map(ToString::to_string).collect();
    let expected = [
        format!("spec: Invalid value: \"object\": {R07}"),
        format!("spec.targetSelectors[0]: Invalid value: \"object\": {R62}"),
        format!("spec.mergeType: Invalid value: \"string\": {R43}"),
        format!("spec.rateLimit.local.rules: Invalid value: \"array\": {R47}"),
        format!("spec.bandwidthLimit: Invalid value: \"object\": {R14}"),
        format!("spec.faultInjection: Invalid value: \"object\": {R16}"),
        format!("spec.admissionControl: Invalid value: \"object\": {R13}"),
        format!("spec.responseOverride[0]: Invalid value: \"object\": {R48}"),
        format!("spec.httpUpgrade[0]: Invalid value: \"object\": {R28}"),
        format!("spec.telemetry.tracing.samplingFraction: Invalid value: \"object\": {R15}"),
    ];
    assert_eq!(actual, expected);
}
