//! Our own rows for Envoy Gateway's verdict: one or more per check T16-T35 and T49, an accepted row at each edge, several failing features at once.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

#[path = "envoy_gateway_rows/mod.rs"]
mod rows;

use backend_traffic_policy::envoy_gateway::{Check, Settings};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

#[test]
fn rows_give_envoy_gateways_message() {
    let mut failures = Vec::new();
    for row in rows::rows() {
        let policy = rows::policy(&row);
        let validation = policy.validate();
        if validation.is_ok() != row.stored {
            failures.push(format!("{}: validate() gives {validation:?}, row says stored={}", row.source, row.stored));
        }
        let verdict = policy.envoy_gateway_verdict(&Settings::default());
        let actual = verdict.rejection().map(ToString::to_string);
        if actual.as_deref() != row.message {
            failures.push(format!("{}:\n  expected {:?}\n  got      {actual:?}", row.source, row.message));
        }
        if verdict.is_accepted() != row.message.is_none() {
            failures.push(format!("{}: is_accepted() disagrees with rejection()", row.source));
        }
    }
    assert!(failures.is_empty(), "{} rows fail:\n{}", failures.len(), failures.join("\n"));
}

/// Every check this table owns has a failing row, found through the typed failures.
#[test]
fn every_owned_check_has_a_row() {
    let mut seen = std::collections::BTreeSet::new();
    for row in rows::rows() {
        if let Some(rejection) = rows::policy(&row).envoy_gateway_verdict(&Settings::default()).rejection() {
            seen.extend(rejection.failures().iter().map(|f| f.check));
            // Each failure names the field at fault, below its feature's field (T49 names the
            // upgrade list that clashes with the buffer).
            for failure in rejection.failures() {
                let under = if failure.check == Check::T49 { "spec.httpUpgrade" } else { failure.feature.path() };
                assert!(
                    failure.path().starts_with(under) && failure.path().len() > "spec.".len(),
                    "{}: {} is not under {under}",
                    row.source,
                    failure.path()
                );
            }
        }
    }
    use Check::*;
    let owned =
        [T16, T17, T18, T19, T20, T21, T22, T23, T24, T25, T26, T27, T28, T29, T30, T31, T32, T33, T34, T35, T49];
    let missing: Vec<_> = owned.iter().filter(|c| !seen.contains(c)).collect();
    assert!(missing.is_empty(), "checks without a failing row: {missing:?}");
}

/// The conditions for one ancestor (internal/gatewayapi/status/policy.go:64-137) and the
/// deprecation warning (policy.go:213-236, backendtrafficpolicy.go:268-278).
#[test]
fn conditions_and_deprecation_warning() {
    let now = Time(k8s_openapi::jiff::Timestamp::from_second(1_700_000_000).unwrap());
    let accepted =
        rows::policy(&rows::Row { source: "accepted", spec: serde_json::json!({}), stored: true, message: None });
    let conditions = accepted.envoy_gateway_verdict(&Settings::default()).conditions(Some(3), now.clone());
    assert_eq!(conditions.len(), 1);
    let c = &conditions[0];
    assert_eq!(
        (c.type_.as_str(), c.status.as_str(), c.reason.as_str(), c.message.as_str(), c.observed_generation),
        ("Accepted", "True", "Accepted", "Policy has been accepted.", Some(3))
    );
    assert_eq!(c.last_transition_time, now);

    // Deprecated targetRef and compression on a refused policy: both conditions (btp:812-814).
    let mut policy = rows::policy(&rows::Row {
        source: "deprecated",
        spec: serde_json::json!({"compression": [{"type": "Gzip"}], "connection": {"bufferLimit": "5Gi"}}),
        stored: true,
        message: None,
    });
    policy.spec.target_ref = policy.spec.target_refs.take().map(|mut refs| refs.remove(0));
    let verdict = policy.envoy_gateway_verdict(&Settings::default());
    assert_eq!(
        verdict.deprecation_warning().as_deref(),
        Some(
            "spec.compression is deprecated, use spec.compressor instead; spec.targetRef is deprecated, use spec.targetRefs instead"
        )
    );
    let conditions = verdict.conditions(None, now);
    let summary: Vec<_> = conditions
        .iter()
        .map(|c| (c.type_.as_str(), c.status.as_str(), c.reason.as_str(), c.message.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("Accepted", "False", "Invalid", "BackendConnection: BufferLimit value 5Gi is out of range."),
            (
                "Warning",
                "True",
                "DeprecatedField",
                "spec.compression is deprecated, use spec.compressor instead; spec.targetRef is deprecated, use spec.targetRefs instead"
            ),
        ]
    );
    // An empty compression list is not reported (len > 0, btp:274).
    policy.spec.compression = Some(Vec::new());
    assert_eq!(
        policy.envoy_gateway_verdict(&Settings::default()).deprecation_warning().as_deref(),
        Some("spec.targetRef is deprecated, use spec.targetRefs instead")
    );
}

/// The silent drops S01-S06 the policy alone decides, with their paths.
#[test]
fn ignored_settings() {
    use backend_traffic_policy::envoy_gateway::SilentDrop::{self, *};
    /// (source, spec, expected notes as (drop, path)).
    type Case = (&'static str, serde_json::Value, &'static [(SilentDrop, &'static str)]);
    let cases: &[Case] = &[
        (
            "S01 btp:1803-1809 type Local ignores global",
            serde_json::json!({"rateLimit": {"type": "Local", "local": {"rules": [{"limit": {"requests": 1, "unit": "Second"}}]},
                                           "global": {"rules": [{"limit": {"requests": 1, "unit": "Second"}}]}}}),
            &[(S01, "spec.rateLimit.global")],
        ),
        (
            "S02 cs:318-336 DynamicModule has no case",
            serde_json::json!({"loadBalancer": {"type": "DynamicModule", "dynamicModule": {"name": "lb", "lbPolicyName": "custom"}}}),
            &[(S02, "spec.loadBalancer.type")],
        ),
        (
            "S03 cs:179-216 socketBufferLimit never read",
            serde_json::json!({"connection": {"socketBufferLimit": "64Ki"}}),
            &[(S03, "spec.connection.socketBufferLimit")],
        ),
        (
            "S04 btp:2546-2548 compressor entry without its block",
            serde_json::json!({"compressor": [{"type": "Gzip", "gzip": {}}, {"type": "Brotli"}]}),
            &[(S04, "spec.compressor[1]")],
        ),
        (
            "S04 edge btp:2566-2580 deprecated compression needs no block",
            serde_json::json!({"compression": [{"type": "Brotli"}]}),
            &[],
        ),
        (
            "S06 cs:235,243 keepalive cut to whole seconds",
            serde_json::json!({"tcpKeepalive": {"idleTime": "1500ms", "interval": "2s"}}),
            &[(S06, "spec.tcpKeepalive.idleTime")],
        ),
    ];
    for (source, spec, expected) in cases {
        let policy = rows::policy(&rows::Row { source, spec: spec.clone(), stored: true, message: None });
        let verdict = policy.envoy_gateway_verdict(&Settings::default());
        let got: Vec<_> = verdict.ignored().iter().map(|i| (i.drop, i.path.as_str())).collect();
        assert_eq!(got, *expected, "{source}");
        assert!(verdict.is_accepted(), "{source}");
    }

    // S05 btp:1337-1380: all targets layer 4; retry and http2 are not applied to TCP routes,
    // loadBalancer is; tracing is not (only the route stat name is).
    let mut policy = rows::policy(&rows::Row {
        source: "S05",
        spec: serde_json::json!({"retry": {"numRetries": 1}, "loadBalancer": {"type": "Random"},
                                 "telemetry": {"tracing": {"samplingFraction": {"numerator": 1}}}}),
        stored: true,
        message: None,
    });
    policy.spec.target_refs.as_mut().unwrap()[0].kind = "TCPRoute".into();
    let paths: Vec<_> =
        policy.envoy_gateway_verdict(&Settings::default()).ignored().iter().map(|i| (i.drop, i.path.clone())).collect();
    assert_eq!(paths, [(S05, "spec.retry".to_owned()), (S05, "spec.telemetry.tracing".to_owned())]);
    // UDP routes take only loadBalancer and dns (btp:1376-1377).
    policy.spec.target_refs.as_mut().unwrap()[0].kind = "UDPRoute".into();
    let paths: Vec<_> =
        policy.envoy_gateway_verdict(&Settings::default()).ignored().iter().map(|i| i.path.clone()).collect();
    assert_eq!(paths, ["spec.retry", "spec.telemetry"]);
    // A Gateway target may have HTTP listeners: nothing is reported.
    policy.spec.target_refs.as_mut().unwrap()[0].kind = "Gateway".into();
    assert!(policy.envoy_gateway_verdict(&Settings::default()).ignored().is_empty());
}

/// Condition messages longer than 32768 bytes are cut (internal/gatewayapi/status/conditions.go:103-109).
#[test]
fn long_messages_are_truncated_as_envoy_gateway_does() {
    // 10000 unsupported operators of 4 bytes make a message far over the limit.
    let name: String = (0..10_000).map(|i| format!("%{}%", i % 10)).collect();
    let policy = rows::policy(&rows::Row {
        source: "T35 long",
        spec: serde_json::json!({"telemetry": {"metrics": {"routeStatName": name}}}),
        stored: true,
        message: None,
    });
    let message = policy.envoy_gateway_verdict(&Settings::default()).rejection().unwrap().to_string();
    assert_eq!(message.len(), 32768);
    assert!(message.ends_with(" (message truncated)."));
    assert!(message.starts_with("Telemetry: unable to configure Route Stat Name: unsupported operators: [%0% %1% "));
}
