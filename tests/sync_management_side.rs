//! Rule 6b of the sync: management-side fields and command operators, refused by default and
//! applied once the platform allows their kind; and which upstream policies it refuses.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use backend_traffic_policy::{
    BackendTrafficPolicy,
    kubelb::{Config, Tenant},
    parse::{self, FieldValidation},
    sync::{self, ManagementSideKind as K, ManagementSideKinds, RejectReason, SyncDecision, SyncOptions},
    sync_decision,
};

/// A policy `default/policy` targeting the HTTPRoute `backend`, with `spec` (YAML lines indented
/// by two spaces) added to its spec. Parsed strictly, so a typo fails the row instead of
/// testing nothing.
fn policy(spec: &str) -> BackendTrafficPolicy {
    let text = format!(
        "apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: BackendTrafficPolicy\nmetadata:\n  namespace: default\n  name: policy\nspec:\n  targetRefs:\n  - group: gateway.networking.k8s.io\n    kind: HTTPRoute\n    name: backend\n{spec}"
    );
    let policy = parse::from_yaml_str(&text, FieldValidation::Strict).unwrap_or_else(|e| panic!("{e}\n{text}")).value;
    if let Err(errors) = policy.validate() {
        panic!("the row's policy is invalid:\n{errors}\n{text}");
    }
    policy
}

fn decide(policy: &BackendTrafficPolicy, options: &SyncOptions) -> SyncDecision {
    sync::decide(policy, &Config::default(), &Tenant::named("a"), options)
}

/// A response override for 404 answering with `response` (YAML lines at four spaces).
fn response(response: &str) -> String {
    format!("  responseOverride:\n  - match:\n      statusCodes:\n      - value: 404\n    response:\n{response}")
}

fn inline(body: &str) -> String {
    response(&format!("      body:\n        type: Inline\n        inline: '{body}'\n"))
}

fn tag(value: &str) -> String {
    format!("  telemetry:\n    tracing:\n      tags:\n        t: '{value}'\n")
}

fn stat_name(name: &str) -> String {
    format!("  telemetry:\n    metrics:\n      routeStatName: '{name}'\n")
}

fn health_check_log(sinks: &str) -> String {
    format!(
        "  healthCheck:\n    active:\n      type: HTTP\n      http:\n        path: /healthz\n      healthCheckLog:\n        matches: [Failure, Success]\n{sinks}"
    )
}

const BODY: &str = "spec.responseOverride[0].response.body.inline";

/// One row: the rule or upstream source it pins, the spec, and the field the default sync
/// refuses (path, kind, offending value) or `None` when the default sync applies the policy.
type Row = (&'static str, String, Option<(&'static str, K, &'static str)>);

fn rows() -> Vec<Row> {
    vec![
        // Format strings: the body (xds/translator/custom_response.go:565, `BodyFormat` text format).
        ("body: %ENVIRONMENT% reads the proxy's environment", inline("oops %ENVIRONMENT(HOME)%"), Some((BODY, K::EnvironmentVariable, "%ENVIRONMENT(HOME)%"))),
        ("body: %RESPONSE_CODE% is harmless (upstream e2e-response-override)", inline("%RESPONSE_CODE% Oops!"), None),
        ("body: %REQ(..):LEN% is harmless", inline("for %REQ(x-user):10%"), None),
        ("body: %HOSTNAME% names the proxy's host", inline("%HOSTNAME%"), Some((BODY, K::ProxyDetails, "%HOSTNAME%"))),
        ("body: %CONNECTION_ID% is a counter of every tenant's connections", inline("%CONNECTION_ID%"), Some((BODY, K::ProxyDetails, "%CONNECTION_ID%"))),
        (
            "body: dynamic metadata is set by the platform's filters",
            inline("%DYNAMIC_METADATA(envoy.filters.http.ext_authz:user)%"),
            Some((BODY, K::ProxyDetails, "%DYNAMIC_METADATA(envoy.filters.http.ext_authz:user)%")),
        ),
        (
            "body: the argument ends at the ')' the closing '%' follows (commandWithArgsRegex, lazy `(.*?)`)",
            inline("%CEL(a)b)%"),
            Some((BODY, K::ProxyDetails, "%CEL(a)b)%")),
        ),
        ("body: an operator this crate does not classify", inline("%NEW_OPERATOR%"), Some((BODY, K::UnknownOperator, "%NEW_OPERATOR%"))),
        ("body: '%%' is a literal '%' (SubstitutionFormatParser::parse, escape '%%')", inline("50%% off"), None),
        ("body: a lone '%' fails Envoy's parse", inline("50% off"), Some((BODY, K::MalformedFormatString, "% off"))),
        ("body: an unclosed argument fails Envoy's parse", inline("%REQ(x"), Some((BODY, K::MalformedFormatString, "%REQ(x"))),
        ("body: ':' without digits fails Envoy's parse", inline("%REQ(x):%"), Some((BODY, K::MalformedFormatString, "%REQ(x):%"))),
        // Header values of the local reply (custom_response.go:573 and :587; backendtrafficpolicy.go:2423-2451).
        (
            "contentType is a header value, formatted",
            response("      contentType: 'text/plain; %ENVIRONMENT(X)%'\n"),
            Some(("spec.responseOverride[0].response.contentType", K::EnvironmentVariable, "%ENVIRONMENT(X)%")),
        ),
        (
            "header.set[].value is formatted",
            response("      header:\n        set:\n        - name: x-up\n          value: '%UPSTREAM_HOST%'\n"),
            Some(("spec.responseOverride[0].response.header.set[0].value", K::ProxyDetails, "%UPSTREAM_HOST%")),
        ),
        (
            "header.add[].value is formatted",
            response("      header:\n        add:\n        - name: x-a\n          value: ok\n        - name: x-b\n          value: '%UPSTREAM_LOCAL_ADDRESS%'\n"),
            Some(("spec.responseOverride[0].response.header.add[1].value", K::ProxyDetails, "%UPSTREAM_LOCAL_ADDRESS%")),
        ),
        ("header.add[].value with %START_TIME% is harmless", response("      header:\n        add:\n        - name: x-t\n          value: '%START_TIME%'\n"), None),
        // Tracing (xds/translator/tracing.go:195-225 `buildTracingTags`, route.go:916 `buildTracingOperation`).
        (
            "tags{} values are formatted (upstream e2e-btp-tracing uses %ENVIRONMENT(ENVOY_POD_NAME)%)",
            tag("%ENVIRONMENT(ENVOY_POD_NAME)%"),
            Some(("spec.telemetry.tracing.tags[t]", K::EnvironmentVariable, "%ENVIRONMENT(ENVOY_POD_NAME)%")),
        ),
        ("tags{} with a request header is harmless", tag("%REQUEST_HEADER(X-Request-Id)%"), None),
        (
            "spanName.server is the upstream operation, formatted (upstream tracing-span-name)",
            "  telemetry:\n    tracing:\n      spanName:\n        client: 'c-%REQ(x)%'\n        server: 's-%UPSTREAM_CLUSTER%'\n".to_owned(),
            Some(("spec.telemetry.tracing.spanName.server", K::ProxyDetails, "%UPSTREAM_CLUSTER%")),
        ),
        (
            "customTags{} of type Environment read the proxy's environment",
            "  telemetry:\n    tracing:\n      customTags:\n        pod:\n          type: Environment\n          environment:\n            name: POD_NAME\n".to_owned(),
            Some(("spec.telemetry.tracing.customTags[pod].environment.name", K::EnvironmentVariable, "POD_NAME")),
        ),
        (
            "customTags{} literals are not formatted: an operator in one is plain text",
            "  telemetry:\n    tracing:\n      customTags:\n        l:\n          type: Literal\n          literal:\n            value: '%ENVIRONMENT(X)%'\n".to_owned(),
            None,
        ),
        // Route stat names (backendtrafficpolicy.go:2620 `buildRouteStatName`).
        ("routeStatName of fixed text can mimic other tenants' routes", stat_name("route=rewrite"), Some(("spec.telemetry.metrics.routeStatName", K::StatName, "route=rewrite"))),
        ("routeStatName starting with %ROUTE_NAMESPACE%/ names the tenant's own stats", stat_name("%ROUTE_NAMESPACE%/%ROUTE_NAME%"), None),
        ("routeStatName that is %ROUTE_NAMESPACE% alone", stat_name("%ROUTE_NAMESPACE%"), None),
        (
            "routeStatName %ROUTE_NAMESPACE%%ROUTE_NAME%: tenant-a + bx == tenant-ab + x",
            stat_name("%ROUTE_NAMESPACE%%ROUTE_NAME%"),
            Some(("spec.telemetry.metrics.routeStatName", K::StatName, "%ROUTE_NAMESPACE%%ROUTE_NAME%")),
        ),
        (
            "routeStatName %ROUTE_NAMESPACE%-x: '-' continues a namespace name",
            stat_name("%ROUTE_NAMESPACE%-x"),
            Some(("spec.telemetry.metrics.routeStatName", K::StatName, "%ROUTE_NAMESPACE%-x")),
        ),
        // Health check log sinks (CRD: "Path specifies the file path"; "When omitted, events are written to /dev/stdout").
        (
            "a file sink writes the proxy's filesystem (upstream health-check-log-btp-override)",
            health_check_log("        sinks:\n        - type: File\n          file:\n            path: /var/log/hc.log\n"),
            Some(("spec.healthCheck.active.healthCheckLog.sinks[0].file.path", K::ProxyFile, "/var/log/hc.log")),
        ),
        ("a /dev/stdout sink is the default sink", health_check_log("        sinks:\n        - type: File\n          file:\n            path: /dev/stdout\n"), None),
        ("no sink: events go to /dev/stdout", health_check_log(""), None),
        // Dynamic modules (CRD: "must be registered in the EnvoyProxy resource's dynamicModules allowlist").
        (
            "loadBalancer.dynamicModule uses a module of the platform's EnvoyProxy",
            "  loadBalancer:\n    type: DynamicModule\n    dynamicModule:\n      name: platform-lb\n      lbPolicyName: p\n".to_owned(),
            Some(("spec.loadBalancer.dynamicModule", K::DynamicModule, "platform-lb")),
        ),
        // Fields inventoried and allowed.
        (
            "rate-limit fromMetadata reads numbers from the request's metadata; nothing is returned",
            "  rateLimit:\n    global:\n      rules:\n      - limit:\n          requests: 10\n          unit: Minute\n          fromMetadata:\n            namespace: envoy.filters.http.ext_proc\n            key: limit\n".to_owned(),
            None,
        ),
        (
            "endpointOverride picks among the route's own endpoints",
            "  loadBalancer:\n    type: RoundRobin\n    endpointOverride:\n      extractFrom:\n      - header: x-endpoint\n".to_owned(),
            None,
        ),
        (
            "redirects are not formatted",
            "  responseOverride:\n  - match:\n      statusCodes:\n      - value: 404\n    redirect:\n      path:\n        type: ReplaceFullPath\n        replaceFullPath: '/%ENVIRONMENT(X)%'\n".to_owned(),
            None,
        ),
    ]
}

/// Each row twice: with the default options (refused with exactly the expected field, or
/// applied), and with the row's kind allowed (applied).
#[test]
fn management_side_fields_refused_unless_allowed() {
    let mut failures = Vec::new();
    for (rule, spec, expected) in rows() {
        let policy = policy(&spec);
        let decision = decide(&policy, &SyncOptions::default());
        match (expected, &decision) {
            (None, SyncDecision::Apply { .. }) => {}
            (Some((path, kind, value)), SyncDecision::Reject { reason: RejectReason::ManagementSide { fields } }) => {
                let got: Vec<_> = fields.iter().map(|f| (f.path.as_str(), f.kind, f.value.as_str())).collect();
                if got != [(path, kind, value)] {
                    failures.push(format!("{rule}: refused with {got:?}, expected {:?}", (path, kind, value)));
                }
                let allowed = decide(&policy, &SyncOptions::default().allowing(kind));
                if !matches!(allowed, SyncDecision::Apply { .. }) {
                    failures.push(format!("{rule}: with {kind:?} allowed: {allowed}"));
                }
            }
            (expected, other) => failures.push(format!("{rule}: expected {expected:?}, got {other}")),
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// Every finding is listed, in the order of the spec; allowing one kind leaves the others.
#[test]
fn several_fields_are_all_listed() {
    let spec = format!(
        "{}{}",
        inline("%ENVIRONMENT(A)% %HOSTNAME% %RESPONSE_CODE% 5% off"),
        "  telemetry:\n    tracing:\n      tags:\n        t: '%ENVIRONMENT(B)%'\n    metrics:\n      routeStatName: fixed\n"
    );
    let policy = policy(&spec);
    let SyncDecision::Reject { reason: RejectReason::ManagementSide { fields } } =
        decide(&policy, &SyncOptions::default())
    else {
        panic!("not refused")
    };
    let got: Vec<_> = fields.iter().map(|f| (f.path.as_str(), f.kind, f.value.as_str())).collect();
    assert_eq!(
        got,
        [
            (BODY, K::EnvironmentVariable, "%ENVIRONMENT(A)%"),
            (BODY, K::ProxyDetails, "%HOSTNAME%"),
            (BODY, K::MalformedFormatString, "% off"),
            ("spec.telemetry.tracing.tags[t]", K::EnvironmentVariable, "%ENVIRONMENT(B)%"),
            ("spec.telemetry.metrics.routeStatName", K::StatName, "fixed"),
        ]
    );
    let reason = RejectReason::ManagementSide { fields: fields.clone() };
    assert_eq!(
        reason.to_string().lines().take(2).collect::<Vec<_>>(),
        [
            "the policy uses fields that act on the management cluster's proxy, which the platform does not allow:",
            "spec.responseOverride[0].response.body.inline (\"%ENVIRONMENT(A)%\") reads an environment variable of the management proxy",
        ]
    );

    let options = SyncOptions::default().allowing(K::EnvironmentVariable).allowing(K::StatName);
    let SyncDecision::Reject { reason: RejectReason::ManagementSide { fields } } = decide(&policy, &options) else {
        panic!("not refused")
    };
    let kinds: Vec<_> = fields.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [K::ProxyDetails, K::MalformedFormatString]);

    let mut all = SyncOptions::default();
    all.allow = ManagementSideKinds::all();
    assert!(matches!(decide(&policy, &all), SyncDecision::Apply { .. }));
}

/// Each kind maps to its own flag: allowing one kind allows nothing else.
#[test]
fn each_kind_has_its_own_flag() {
    for kind in K::ALL {
        let allow = ManagementSideKinds::default().with(kind);
        for other in K::ALL {
            assert_eq!(allow.allows(other), other == kind, "{kind:?} allowed, asked about {other:?}");
        }
        assert!(ManagementSideKinds::all().allows(kind));
        assert!(!ManagementSideKinds::default().allows(kind));
    }
}

/// Acceptance (issue 10): the upstream policies the default sync refuses as management-side,
/// each with its fields. Checked by hand against the YAML files: the two tracing policies use
/// `%ENVIRONMENT(ENVOY_POD_NAME)%`-style tags (and one an `Environment` custom tag), three stat
/// names do not start with `%ROUTE_NAMESPACE%`, one health-check log writes `/var/log/hc.log`,
/// and one span name uses `%UPSTREAM_HOST%`.
#[test]
fn upstream_policies_refused_as_management_side() {
    let Some(dir) = common::corpus_dir() else { return };
    let (config, tenant) = (Config::default(), Tenant::named("a"));
    let mut found = Vec::new();
    for file in common::yaml_files(&dir.join("upstream")) {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        for parsed in parse::from_yaml_documents(&text, FieldValidation::Warn) {
            let mut policy = parsed.unwrap().value;
            policy.metadata.namespace.get_or_insert_with(|| "default".to_owned());
            if let SyncDecision::Reject { reason: RejectReason::ManagementSide { fields } } =
                sync_decision(&policy, &config, &tenant)
            {
                for field in fields {
                    found.push(format!("{name}: {} {:?} {:?}", field.path, field.kind, field.value));
                }
            }
        }
    }
    let expected = [
        r#"backendtrafficpolicy-tracing--policy-for-route.yaml: spec.telemetry.tracing.customTags[env1].environment.name EnvironmentVariable "env1""#,
        r#"backendtrafficpolicy-tracing--policy-for-route.yaml: spec.telemetry.tracing.tags[env1] EnvironmentVariable "%ENVIRONMENT(ENVOY_POD_NAME)%""#,
        r#"backendtrafficpolicy-with-stats--policy-for-gateway.yaml: spec.telemetry.metrics.routeStatName StatName "%ROUTE_KIND%/%ROUTE_NAMESPACE%/%ROUTE_NAME%/%ROUTE_NAME%""#,
        r#"backendtrafficpolicy-with-stats--policy-for-route-rewrite.yaml: spec.telemetry.metrics.routeStatName StatName "route=rewrite""#,
        r#"backendtrafficpolicy-with-stats--policy-for-route.yaml: spec.telemetry.metrics.routeStatName StatName "route=/test,kind=%ROUTE_KIND%,ns=%ROUTE_NAMESPACE%,name=%ROUTE_NAME%""#,
        r#"e2e-btp-tracing--btp-tracing.yaml: spec.telemetry.tracing.tags[k8s.namespace.name] EnvironmentVariable "%ENVIRONMENT(ENVOY_POD_NAMESPACE)%""#,
        r#"e2e-btp-tracing--btp-tracing.yaml: spec.telemetry.tracing.tags[k8s.pod.name] EnvironmentVariable "%ENVIRONMENT(ENVOY_POD_NAME)%""#,
        r#"health-check-log-btp-override--btp-route-1.yaml: spec.healthCheck.active.healthCheckLog.sinks[0].file.path ProxyFile "/var/log/hc.log""#,
        r#"tracing-span-name--policy-for-route.yaml: spec.telemetry.tracing.spanName.server ProxyDetails "%UPSTREAM_HOST%""#,
    ];
    let policies: std::collections::BTreeSet<_> = found.iter().map(|f| f.split(':').next().unwrap()).collect();
    eprintln!("{} upstream policies refused as management-side:\n{}", policies.len(), found.join("\n"));
    assert_eq!(found, expected);
    assert_eq!(policies.len(), 7);
}
