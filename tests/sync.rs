//! KubeLB's sync decision: one table row per decision rule and per target rule, the naming
//! examples of the issue, the metadata and reference rewrites, the KubeLB seed objects, and every
//! policy of the shared upstream corpus.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use std::collections::BTreeMap;

use backend_traffic_policy::{
    BackendTrafficPolicy, BackendTrafficPolicySpec, TargetRef, TargetSelector,
    cluster::retry::Retry,
    envoy_gateway::Settings,
    kubelb::{Config, GatewayApiSettings, Tenant},
    parse::{self, FieldValidation},
    sync::{
        self, DependencyKind, DropCause, RejectReason, RemoveReason, Scope, SyncDecision, SyncOptions, SyncWarning,
        TargetField,
    },
    sync_decision,
    target::{NamespaceFrom, TargetNamespaces},
    traffic::response_override::{CustomResponse, ResponseBody, ResponseOverride},
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, OwnerReference, Time};
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// Builders

/// A `gatewayAPI` block with the named flags (wire spelling) set.
fn off(flags: &[&str]) -> GatewayApiSettings {
    let mut settings = GatewayApiSettings::default();
    for flag in flags {
        let field = match *flag {
            "disable" => &mut settings.disable,
            "disableBackendTrafficPolicy" => &mut settings.disable_backend_traffic_policy,
            "disableHTTPRoute" => &mut settings.disable_http_route,
            "disableGRPCRoute" => &mut settings.disable_grpc_route,
            "disableTCPRoute" => &mut settings.disable_tcp_route,
            "disableUDPRoute" => &mut settings.disable_udp_route,
            "disableTLSRoute" => &mut settings.disable_tls_route,
            "disableClientTrafficPolicy" => &mut settings.disable_client_traffic_policy,
            other => panic!("unknown flag {other}"),
        };
        *field = true;
    }
    settings
}

fn config(flags: &[&str]) -> Config {
    Config::default_named("kubelb").with_gateway_api(off(flags))
}

fn tenant(flags: &[&str]) -> Tenant {
    Tenant::named("tenant-a").with_gateway_api(off(flags))
}

/// The policy `default/policy` with `spec`.
fn policy(spec: BackendTrafficPolicySpec) -> BackendTrafficPolicy {
    BackendTrafficPolicy::namespaced("default", "policy", spec)
}

/// The policy `default/policy` targeting `refs` through `targetRefs`.
fn refs(refs: impl IntoIterator<Item = TargetRef>) -> BackendTrafficPolicy {
    policy(BackendTrafficPolicySpec::targeting(refs))
}

fn target(kind: &str, name: &str) -> TargetRef {
    TargetRef::new(kind, name)
}

fn selector(kind: &str, labels: &[(&str, &str)]) -> TargetSelector {
    TargetSelector {
        kind: kind.to_owned(),
        match_labels: Some(labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()),
        ..TargetSelector::default()
    }
}

fn selectors(selectors: impl IntoIterator<Item = TargetSelector>) -> BackendTrafficPolicy {
    policy(BackendTrafficPolicySpec {
        target_selectors: Some(selectors.into_iter().collect()),
        ..BackendTrafficPolicySpec::default()
    })
}

fn with(mut policy: BackendTrafficPolicy, change: impl FnOnce(&mut BackendTrafficPolicy)) -> BackendTrafficPolicy {
    change(&mut policy);
    policy
}

fn deleted(policy: BackendTrafficPolicy) -> BackendTrafficPolicy {
    with(policy, |p| p.metadata.deletion_timestamp = Some(Time(Default::default())))
}

/// Breaks the policy: `retry.numRetries: -1` is below the CRD's minimum.
fn invalid(policy: BackendTrafficPolicy) -> BackendTrafficPolicy {
    with(policy, |p| p.spec.retry = Some(Retry { num_retries: Some(-1), ..Retry::default() }))
}

fn namespaces(from: &str) -> TargetNamespaces {
    TargetNamespaces {
        from: Some(NamespaceFrom::from_wire(from)),
        selector: (from == "Selector").then(LabelSelector::default),
    }
}

// ---------------------------------------------------------------------------------------------
// Expected outcomes

/// What a row expects.
#[derive(Debug)]
enum Expected {
    Remove(RemoveReason),
    Reject(Rejected),
    /// The targets of the object (see [`targets`]) and the warnings, as displayed.
    Apply {
        targets: &'static [&'static str],
        warnings: &'static [&'static str],
    },
}

/// The kind of rejection, with the dropped targets of `NoSupportedTarget` as displayed.
#[derive(Debug)]
enum Rejected {
    MissingNamespace,
    MissingName,
    MissingTenantName,
    Invalid,
    NoSupportedTarget(&'static [&'static str]),
    /// The lines of the reason's `Display` after its first: the API server's errors, then the
    /// sentences saying which name to change.
    InvalidAfterRewrite(&'static [&'static str]),
    ManagementSide,
    /// Envoy Gateway's exact condition message.
    NotAccepted(&'static str),
}

/// One line per target of a spec: `targetRef HTTPRoute default-backend`,
/// `targetRefs[0] Gateway eg#http`, `targetSelectors[0] HTTPRoute {app=a, origin-ns=default}`.
fn targets(spec: &BackendTrafficPolicySpec) -> Vec<String> {
    let reference = |field: String, t: &TargetRef| {
        let section = t.section_name.as_deref().map(|s| format!("#{s}")).unwrap_or_default();
        format!("{field} {} {}{section}", t.kind, t.name)
    };
    let mut out = Vec::new();
    if let Some(t) = &spec.target_ref {
        out.push(reference("targetRef".into(), t));
    }
    for (i, t) in spec.target_refs.iter().flatten().enumerate() {
        out.push(reference(format!("targetRefs[{i}]"), t));
    }
    for (i, s) in spec.target_selectors.iter().flatten().enumerate() {
        let labels: Vec<String> = s
            .match_labels
            .iter()
            .flatten()
            .map(|(k, v)| format!("{}={v}", k.strip_prefix("kubelb.k8c.io/").unwrap_or(k)))
            .collect();
        let namespaces = if s.namespaces.is_some() { " namespaces" } else { "" };
        out.push(format!("targetSelectors[{i}] {} {{{}}}{namespaces}", s.kind, labels.join(", ")));
    }
    out
}

fn check(rule: &str, decision: &SyncDecision, expected: &Expected) -> Result<(), String> {
    let fail = |why: String| Err(format!("{rule}: {why}\n  decision: {decision:#?}"));
    match (expected, decision) {
        (Expected::Remove(want), SyncDecision::Remove { reason }) if want == reason => Ok(()),
        (Expected::Reject(want), SyncDecision::Reject { reason }) => {
            let matches = match (want, reason) {
                (Rejected::MissingNamespace, RejectReason::MissingNamespace)
                | (Rejected::MissingName, RejectReason::MissingName)
                | (Rejected::MissingTenantName, RejectReason::MissingTenantName)
                | (Rejected::Invalid, RejectReason::Invalid(_))
                | (Rejected::ManagementSide, RejectReason::ManagementSide { .. }) => true,
                (Rejected::InvalidAfterRewrite(want), RejectReason::InvalidAfterRewrite(_)) => {
                    let shown = reason.to_string();
                    let (header, lines) = shown.split_once('\n').unwrap_or((&shown, ""));
                    let lines: Vec<&str> = lines.lines().collect();
                    if header
                        != "the policy cannot be synced: the object rewritten for the management cluster is invalid:"
                        || lines != *want
                    {
                        return fail(format!("shown as {shown:?}, expected the lines {want:#?}"));
                    }
                    true
                }
                (Rejected::NotAccepted(want), RejectReason::NotAccepted(rejection)) => {
                    if rejection.to_string() != *want
                        || reason.to_string() != format!("Envoy Gateway would not accept it: {want}")
                    {
                        return fail(format!("shown as {reason:?}, expected {want:?}"));
                    }
                    true
                }
                (Rejected::NoSupportedTarget(want), RejectReason::NoSupportedTarget { dropped }) => {
                    let dropped: Vec<String> = dropped.iter().map(ToString::to_string).collect();
                    if dropped != *want {
                        return fail(format!("dropped {dropped:#?}, expected {want:#?}"));
                    }
                    true
                }
                _ => false,
            };
            if matches { Ok(()) } else { fail(format!("expected {expected:?}")) }
        }
        (
            Expected::Apply { targets: want_targets, warnings: want_warnings },
            SyncDecision::Apply { object, warnings, .. },
        ) => {
            let got_targets = targets(&object.spec);
            if got_targets != *want_targets {
                return fail(format!("targets {got_targets:#?}, expected {want_targets:#?}"));
            }
            let got_warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
            if got_warnings != *want_warnings {
                return fail(format!("warnings {got_warnings:#?}, expected {want_warnings:#?}"));
            }
            if let Err(errors) = object.validate() {
                return fail(format!("the Apply object does not validate:\n{errors}"));
            }
            Ok(())
        }
        _ => fail(format!("expected {expected:?}")),
    }
}

// ---------------------------------------------------------------------------------------------
// The table

/// One row per decision rule and per target rule of the issue (and of the `sync` module docs),
/// each naming the rule it covers. Every row runs against `Config` and `Tenant` objects built
/// from the listed flags; `Apply` rows also check that the object validates.
#[test]
fn decision_and_target_rules() {
    let http = || target("HTTPRoute", "backend");
    let tcp = || target("TCPRoute", "db");
    #[allow(clippy::type_complexity)]
    let cases: Vec<(&str, BackendTrafficPolicy, Config, Tenant, Expected)> = vec![
        // --- Decision order (first match wins) ---
        (
            "decision 1: Config gatewayAPI.disable removes, before every other rule",
            invalid(deleted(refs([http()]))),
            config(&["disable", "disableBackendTrafficPolicy"]),
            tenant(&["disable", "disableBackendTrafficPolicy"]),
            Expected::Remove(RemoveReason::GatewayApiDisabled(Scope::Global)),
        ),
        (
            "decision 2: Tenant gatewayAPI.disable removes, before the BackendTrafficPolicy flags",
            deleted(refs([http()])),
            config(&["disableBackendTrafficPolicy"]),
            tenant(&["disable"]),
            Expected::Remove(RemoveReason::GatewayApiDisabled(Scope::Tenant)),
        ),
        (
            "decision 3: Config disableBackendTrafficPolicy removes, before the Tenant's",
            deleted(refs([http()])),
            config(&["disableBackendTrafficPolicy"]),
            tenant(&["disableBackendTrafficPolicy"]),
            Expected::Remove(RemoveReason::PolicySyncDisabled(Scope::Global)),
        ),
        (
            "decision 3: a Tenant cannot switch back on what the Config switched off",
            refs([http()]),
            config(&["disableBackendTrafficPolicy"]),
            tenant(&[]),
            Expected::Remove(RemoveReason::PolicySyncDisabled(Scope::Global)),
        ),
        (
            "decision 4: Tenant disableBackendTrafficPolicy removes, before deletion",
            deleted(refs([http()])),
            config(&[]),
            tenant(&["disableBackendTrafficPolicy"]),
            Expected::Remove(RemoveReason::PolicySyncDisabled(Scope::Tenant)),
        ),
        (
            "decision 5: a policy being deleted is removed, even when invalid",
            invalid(deleted(refs([tcp()]))),
            config(&[]),
            tenant(&[]),
            Expected::Remove(RemoveReason::Deleted),
        ),
        (
            "decision 6: a policy without namespace is rejected (no guessing)",
            with(refs([http()]), |p| p.metadata.namespace = None),
            config(&[]),
            tenant(&[]),
            Expected::Reject(Rejected::MissingNamespace),
        ),
        (
            // Was MissingName: validate() now checks metadata, and an empty name is
            // `metadata.name: Required value` (apimachinery objectmeta.go:201), found at rule 6.
            "decision 6: a policy with an empty name is rejected (no guessing)",
            with(refs([http()]), |p| p.metadata.name = Some(String::new())),
            config(&[]),
            tenant(&[]),
            Expected::Reject(Rejected::Invalid),
        ),
        (
            // objectmeta.go:198 lets generateName stand in for the name, so validate() passes.
            "decision 6: a policy with only generateName (not yet named by its API server) is rejected (no guessing)",
            with(refs([http()]), |p| {
                p.metadata.name = None;
                p.metadata.generate_name = Some("policy-".to_owned());
            }),
            config(&[]),
            tenant(&[]),
            Expected::Reject(Rejected::MissingName),
        ),
        (
            "decision 6: a tenant without name is rejected (no guessing)",
            refs([http()]),
            config(&[]),
            Tenant::default(),
            Expected::Reject(Rejected::MissingTenantName),
        ),
        (
            "decision 7: an invalid policy is rejected",
            invalid(refs([http()])),
            config(&[]),
            tenant(&[]),
            Expected::Reject(Rejected::Invalid),
        ),
        (
            "decision 7: validation comes before the target rules",
            invalid(refs([tcp()])),
            config(&[]),
            tenant(&[]),
            Expected::Reject(Rejected::Invalid),
        ),
        (
            "decision 8: no supported target left is rejected, naming what was dropped",
            refs([tcp(), target("ListenerSet", "ls")]),
            config(&[]),
            tenant(&[]),
            Expected::Reject(Rejected::NoSupportedTarget(&[
                "spec.targetRefs[0] (TCPRoute db) dropped: KubeLB does not sync policies for this kind of target",
                "spec.targetRefs[1] (ListenerSet ls) dropped: KubeLB does not sync policies for this kind of target",
            ])),
        ),
        (
            "decision 8: a policy that targets nothing (targetRefs: []) is rejected",
            refs([]),
            config(&[]),
            tenant(&[]),
            Expected::Reject(Rejected::NoSupportedTarget(&[])),
        ),
        (
            "decision 8: the only target's route kind disabled is rejected",
            refs([http()]),
            config(&[]),
            tenant(&["disableHTTPRoute"]),
            Expected::Reject(Rejected::NoSupportedTarget(&[
                "spec.targetRefs[0] (HTTPRoute backend) dropped: the sync of this route kind is disabled for this tenant",
            ])),
        ),
        (
            "decision 9: targetRef + targetRefs left without the selectors that made them legal",
            with(refs([http()]), |p| {
                p.spec.target_ref = Some(target("HTTPRoute", "other"));
                p.spec.target_selectors = Some(vec![selector("TCPRoute", &[("app", "db")])]);
            }),
            config(&[]),
            tenant(&[]),
            Expected::Reject(Rejected::InvalidAfterRewrite(&[
                "spec: Invalid value: \"object\": either targetRef or targetRefs must be used",
                "Use either `targetRef` or `targetRefs`: the CRD allowed both only because of target selectors, and the sync dropped them all.",
            ])),
        ),
        (
            "decision 10: otherwise Apply; flags for other kinds do not matter",
            refs([http()]),
            config(&["disableTCPRoute", "disableUDPRoute", "disableTLSRoute", "disableClientTrafficPolicy"]),
            tenant(&["disableGRPCRoute"]),
            Expected::Apply { targets: &["targetRefs[0] HTTPRoute default-backend"], warnings: &[] },
        ),
        // --- Target rules ---
        (
            "target: a Gateway keeps its name and sectionName",
            refs([TargetRef::gateway("eg").with_section("http")]),
            config(&[]),
            tenant(&[]),
            Expected::Apply { targets: &["targetRefs[0] Gateway eg#http"], warnings: &[] },
        ),
        (
            "target: an HTTPRoute is renamed name(policy namespace, route name), sectionName kept",
            refs([TargetRef::http_route("backend").with_section("rule-1")]),
            config(&[]),
            tenant(&[]),
            Expected::Apply { targets: &["targetRefs[0] HTTPRoute default-backend#rule-1"], warnings: &[] },
        ),
        (
            "target: a GRPCRoute is renamed name(policy namespace, route name)",
            refs([TargetRef::grpc_route("echo")]),
            config(&[]),
            tenant(&[]),
            Expected::Apply { targets: &["targetRefs[0] GRPCRoute default-echo"], warnings: &[] },
        ),
        (
            "target: the deprecated targetRef keeps its form (not moved into targetRefs)",
            policy(BackendTrafficPolicySpec { target_ref: Some(http()), ..Default::default() }),
            config(&[]),
            tenant(&[]),
            Expected::Apply {
                targets: &["targetRef HTTPRoute default-backend"],
                // deprecatedFieldsUsedInBackendTrafficPolicy, backendtrafficpolicy.go:272 (v1.9.0).
                warnings: &["Envoy Gateway will warn: spec.targetRef is deprecated, use spec.targetRefs instead"],
            },
        ),
        (
            "target: a TCPRoute is dropped with a warning",
            refs([tcp(), http()]),
            config(&[]),
            tenant(&[]),
            Expected::Apply {
                targets: &["targetRefs[0] HTTPRoute default-backend"],
                warnings: &[
                    "spec.targetRefs[0] (TCPRoute db) dropped: KubeLB does not sync policies for this kind of target",
                ],
            },
        ),
        (
            "target: a UDPRoute is dropped with a warning",
            refs([http(), target("UDPRoute", "dns")]),
            config(&[]),
            tenant(&[]),
            Expected::Apply {
                targets: &["targetRefs[0] HTTPRoute default-backend"],
                warnings: &[
                    "spec.targetRefs[1] (UDPRoute dns) dropped: KubeLB does not sync policies for this kind of target",
                ],
            },
        ),
        (
            "target: a TLSRoute is dropped with a warning",
            refs([http(), target("TLSRoute", "tls")]),
            config(&[]),
            tenant(&[]),
            Expected::Apply {
                targets: &["targetRefs[0] HTTPRoute default-backend"],
                warnings: &[
                    "spec.targetRefs[1] (TLSRoute tls) dropped: KubeLB does not sync policies for this kind of target",
                ],
            },
        ),
        (
            // No deprecation warning: Envoy Gateway judges the rewritten object, which has no targetRef.
            "target: a ListenerSet is dropped with a warning (deprecated targetRef form)",
            with(selectors([selector("HTTPRoute", &[])]), |p| p.spec.target_ref = Some(target("ListenerSet", "ls"))),
            config(&[]),
            tenant(&[]),
            Expected::Apply {
                targets: &["targetSelectors[0] HTTPRoute {origin-ns=default}"],
                warnings: &[
                    "spec.targetRef (ListenerSet ls) dropped: KubeLB does not sync policies for this kind of target",
                ],
            },
        ),
        (
            "target: an HTTPRoute is dropped when the Config sets disableHTTPRoute",
            refs([http(), TargetRef::gateway("eg")]),
            config(&["disableHTTPRoute"]),
            tenant(&[]),
            Expected::Apply {
                targets: &["targetRefs[0] Gateway eg"],
                warnings: &[
                    "spec.targetRefs[0] (HTTPRoute backend) dropped: the sync of this route kind is disabled in the global KubeLB Config",
                ],
            },
        ),
        (
            "target: an HTTPRoute is dropped when the Tenant sets disableHTTPRoute",
            refs([TargetRef::grpc_route("echo"), http()]),
            config(&[]),
            tenant(&["disableHTTPRoute"]),
            Expected::Apply {
                targets: &["targetRefs[0] GRPCRoute default-echo"],
                warnings: &[
                    "spec.targetRefs[1] (HTTPRoute backend) dropped: the sync of this route kind is disabled for this tenant",
                ],
            },
        ),
        (
            "target: a GRPCRoute is dropped when the Config sets disableGRPCRoute",
            refs([TargetRef::grpc_route("echo"), http()]),
            config(&["disableGRPCRoute"]),
            tenant(&[]),
            Expected::Apply {
                targets: &["targetRefs[0] HTTPRoute default-backend"],
                warnings: &[
                    "spec.targetRefs[0] (GRPCRoute echo) dropped: the sync of this route kind is disabled in the global KubeLB Config",
                ],
            },
        ),
        (
            "target: a GRPCRoute is dropped when the Tenant sets disableGRPCRoute",
            refs([TargetRef::grpc_route("echo"), http()]),
            config(&[]),
            tenant(&["disableGRPCRoute"]),
            Expected::Apply {
                targets: &["targetRefs[0] HTTPRoute default-backend"],
                warnings: &[
                    "spec.targetRefs[0] (GRPCRoute echo) dropped: the sync of this route kind is disabled for this tenant",
                ],
            },
        ),
        (
            "target: a targetRefs list emptied by the sync is removed (selectors remain)",
            with(refs([tcp()]), |p| p.spec.target_selectors = Some(vec![selector("HTTPRoute", &[("app", "a")])])),
            config(&[]),
            tenant(&[]),
            Expected::Apply {
                targets: &["targetSelectors[0] HTTPRoute {app=a, origin-ns=default}"],
                warnings: &[
                    "spec.targetRefs[0] (TCPRoute db) dropped: KubeLB does not sync policies for this kind of target",
                ],
            },
        ),
        (
            "selector: gets matchLabels kubelb.k8c.io/origin-ns = policy namespace",
            selectors([selector("HTTPRoute", &[("app", "a")]), selector("Gateway", &[])]),
            config(&[]),
            tenant(&[]),
            Expected::Apply {
                targets: &[
                    "targetSelectors[0] HTTPRoute {app=a, origin-ns=default}",
                    "targetSelectors[1] Gateway {origin-ns=default}",
                ],
                warnings: &[],
            },
        ),
        (
            "selector: of an unsupported kind (TCPRoute) is dropped with a warning",
            selectors([selector("TCPRoute", &[]), selector("GRPCRoute", &[])]),
            config(&[]),
            tenant(&[]),
            Expected::Apply {
                targets: &["targetSelectors[0] GRPCRoute {origin-ns=default}"],
                warnings: &[
                    "spec.targetSelectors[0] (TCPRoute selector) dropped: KubeLB does not sync policies for this kind of target",
                ],
            },
        ),
        (
            "selector: of a disabled route kind (disableHTTPRoute) is dropped with a warning",
            selectors([selector("HTTPRoute", &[]), selector("GRPCRoute", &[])]),
            config(&["disableHTTPRoute"]),
            tenant(&[]),
            Expected::Apply {
                targets: &["targetSelectors[0] GRPCRoute {origin-ns=default}"],
                warnings: &[
                    "spec.targetSelectors[0] (HTTPRoute selector) dropped: the sync of this route kind is disabled in the global KubeLB Config",
                ],
            },
        ),
        (
            "selector: namespaces (from: All) is removed with a warning",
            selectors([TargetSelector { namespaces: Some(namespaces("All")), ..selector("HTTPRoute", &[]) }]),
            config(&[]),
            tenant(&[]),
            Expected::Apply {
                targets: &["targetSelectors[0] HTTPRoute {origin-ns=default}"],
                warnings: &[
                    "spec.targetSelectors[0].namespaces (from: All) removed: the selector only matches routes of the policy's own namespace",
                ],
            },
        ),
        (
            "selector: namespaces (from: Selector) is removed with a warning",
            selectors([TargetSelector { namespaces: Some(namespaces("Selector")), ..selector("HTTPRoute", &[]) }]),
            config(&[]),
            tenant(&[]),
            Expected::Apply {
                targets: &["targetSelectors[0] HTTPRoute {origin-ns=default}"],
                warnings: &[
                    "spec.targetSelectors[0].namespaces (from: Selector) removed: the selector only matches routes of the policy's own namespace",
                ],
            },
        ),
        (
            "selector: a tenant's own origin-ns label is overwritten with a warning",
            selectors([selector("HTTPRoute", &[("kubelb.k8c.io/origin-ns", "kube-system")])]),
            config(&[]),
            tenant(&[]),
            Expected::Apply {
                targets: &["targetSelectors[0] HTTPRoute {origin-ns=default}"],
                warnings: &[
                    "spec.targetSelectors[0].matchLabels[kubelb.k8c.io/origin-ns] \"kube-system\" replaced by the policy's namespace",
                ],
            },
        ),
    ];

    let mut failures = Vec::new();
    for (rule, policy, config, tenant, expected) in &cases {
        let decision = sync_decision(policy, config, tenant);
        if let Err(failure) = check(rule, &decision, expected) {
            failures.push(failure);
        }
        assert_eq!(decision, sync_decision(policy, config, tenant), "{rule}: a second call decides differently");
    }
    assert!(failures.is_empty(), "{} of {} rows fail:\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}

/// The policy `default/policy` with a spec written as JSON, targeting the HTTPRoute `backend`
/// unless the JSON names targets itself.
fn from_json(mut spec: serde_json::Value) -> BackendTrafficPolicy {
    if spec.get("targetRef").is_none() && spec.get("targetRefs").is_none() {
        spec["targetRefs"] = json!([{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "backend"}]);
    }
    let spec: BackendTrafficPolicySpec = serde_json::from_value(spec).unwrap();
    policy(spec)
}

/// Rule 7c (issue 9, item 3): Envoy Gateway's verdict on the object to apply. Rejections carry the
/// exact `Accepted=False` message; deprecation warnings and ignored settings travel with `Apply`.
/// The column `rate-limit service` is `Settings::global_rate_limit` given to `decide`.
#[test]
fn envoy_gateway_verdict_rules() {
    let local_rate_limit = json!({"local": {"rules": [
        {"limit": {"requests": 10, "unit": "Minute"}},
        {"clientSelectors": [{"headers": [{"name": "x-user", "value": "a"}]}], "limit": {"requests": 1, "unit": "Second"}},
    ]}});
    let table_size =
        |size: u32| json!({"type": "ConsistentHash", "consistentHash": {"type": "SourceIP", "tableSize": size}});
    let global_rate_limit = json!({"global": {"rules": [{"limit": {"requests": 10, "unit": "Minute"}}]}});
    #[allow(clippy::type_complexity)]
    let cases: Vec<(&str, BackendTrafficPolicy, Option<bool>, Tenant, Expected)> = vec![
        (
            "T04 (backendtrafficpolicy.go:1857): a per-client rule per Second under a default per Minute",
            from_json(json!({"rateLimit": local_rate_limit})),
            None,
            tenant(&[]),
            Expected::Reject(Rejected::NotAccepted(
                "RateLimit: local rateLimit rule limit unit must be a multiple of the default limit unit.",
            )),
        ),
        (
            "T22 (clustersettings.go:462): tableSize 65536 is not prime",
            from_json(json!({"loadBalancer": table_size(65536)})),
            None,
            tenant(&[]),
            Expected::Reject(Rejected::NotAccepted("LoadBalancer: ConsistentHash: invalid TableSize value 65536.")),
        ),
        (
            "T22 edge (clustersettings.go:461): tableSize 65537 is prime and accepted",
            from_json(json!({"loadBalancer": table_size(65537)})),
            None,
            tenant(&[]),
            Expected::Apply { targets: &["targetRefs[0] HTTPRoute default-backend"], warnings: &[] },
        ),
        (
            // errors.Join of the features, one final period (status/conditions.go:75-101).
            "T04 + T22: one line per feature, in buildTrafficFeatures' order (backendtrafficpolicy.go:1474-1571)",
            from_json(json!({"rateLimit": local_rate_limit, "loadBalancer": table_size(65536)})),
            None,
            tenant(&[]),
            Expected::Reject(Rejected::NotAccepted(
                "RateLimit: local rateLimit rule limit unit must be a multiple of the default limit unit\nLoadBalancer: ConsistentHash: invalid TableSize value 65536.",
            )),
        ),
        (
            "T36 (backendtrafficpolicy.go:1896): a global rate limit without a rate-limit service",
            from_json(json!({"rateLimit": global_rate_limit})),
            Some(false),
            tenant(&[]),
            Expected::Reject(Rejected::NotAccepted(
                "RateLimit: enable Ratelimit in the EnvoyGateway config to configure global rateLimit.",
            )),
        ),
        (
            "T36 edge: a global rate limit with a rate-limit service is applied",
            from_json(json!({"rateLimit": global_rate_limit})),
            Some(true),
            tenant(&[]),
            Expected::Apply { targets: &["targetRefs[0] HTTPRoute default-backend"], warnings: &[] },
        ),
        (
            "T36 not run: unknown settings (sync_decision's default) apply a global rate limit",
            from_json(json!({"rateLimit": global_rate_limit})),
            None,
            tenant(&[]),
            Expected::Apply { targets: &["targetRefs[0] HTTPRoute default-backend"], warnings: &[] },
        ),
        (
            "deprecation (backendtrafficpolicy.go:275): a non-empty compression list",
            from_json(json!({"compression": [{"type": "Gzip"}]})),
            None,
            tenant(&[]),
            Expected::Apply {
                targets: &["targetRefs[0] HTTPRoute default-backend"],
                warnings: &["Envoy Gateway will warn: spec.compression is deprecated, use spec.compressor instead"],
            },
        ),
        (
            "deprecation (status/policy.go:213-236): both fields, sorted and joined by `; `",
            from_json(json!({
                "targetRef": {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "backend"},
                "compression": [{"type": "Brotli"}],
            })),
            None,
            tenant(&[]),
            Expected::Apply {
                targets: &["targetRef HTTPRoute default-backend"],
                warnings: &[
                    "Envoy Gateway will warn: spec.compression is deprecated, use spec.compressor instead; spec.targetRef is deprecated, use spec.targetRefs instead",
                ],
            },
        ),
        (
            "S04 (backendtrafficpolicy.go:2546-2548): a compressor without its gzip block is skipped",
            from_json(json!({"compressor": [{"type": "Gzip"}]})),
            None,
            tenant(&[]),
            Expected::Apply {
                targets: &["targetRefs[0] HTTPRoute default-backend"],
                warnings: &[
                    "spec.compressor[0]: the entry has no `gzip` block, so Envoy Gateway skips it and this compressor is not enabled",
                ],
            },
        ),
        (
            "order: target warnings first, then Envoy Gateway's (dropped TCPRoute, kept targetRef)",
            with(from_json(json!({"compressor": [{"type": "Gzip"}]})), |p| {
                p.spec.target_refs = None;
                p.spec.target_ref = Some(target("HTTPRoute", "backend"));
                p.spec.target_selectors = Some(vec![selector("TCPRoute", &[])]);
            }),
            None,
            tenant(&[]),
            Expected::Apply {
                targets: &["targetRef HTTPRoute default-backend"],
                warnings: &[
                    "spec.targetSelectors[0] (TCPRoute selector) dropped: KubeLB does not sync policies for this kind of target",
                    "Envoy Gateway will warn: spec.targetRef is deprecated, use spec.targetRefs instead",
                    "spec.compressor[0]: the entry has no `gzip` block, so Envoy Gateway skips it and this compressor is not enabled",
                ],
            },
        ),
        (
            "order: rule 7 before 7c (only a TCPRoute left to target: no target, whatever the verdict)",
            with(from_json(json!({"loadBalancer": table_size(65536)})), |p| {
                p.spec.target_refs = Some(vec![target("TCPRoute", "db")]);
            }),
            None,
            tenant(&[]),
            Expected::Reject(Rejected::NoSupportedTarget(&[
                "spec.targetRefs[0] (TCPRoute db) dropped: KubeLB does not sync policies for this kind of target",
            ])),
        ),
        (
            "order: rule 6b before 7c (a management-side field and a refused table size)",
            from_json(json!({
                "loadBalancer": table_size(65536),
                "telemetry": {"tracing": {"customTags": {"pod": {"type": "Environment", "environment": {"name": "POD"}}}}},
            })),
            None,
            tenant(&[]),
            Expected::Reject(Rejected::ManagementSide),
        ),
        (
            "order: rule 7b before 7c (a tenant name with a dot and a refused table size)",
            from_json(json!({"loadBalancer": table_size(65536)})),
            None,
            Tenant::named("acme.example"),
            Expected::Reject(Rejected::InvalidAfterRewrite(&[
                "metadata.namespace: Invalid value: \"tenant-acme.example\": must not contain dots",
                "Rename the tenant: its namespace in the management cluster, `tenant-{tenant name}`, must be a DNS-1123 label, so the tenant's name needs at most 56 lower-case letters, digits and `-`, and no `.`.",
            ])),
        ),
    ];
    let mut failures = Vec::new();
    for (rule, policy, global_rate_limit, tenant, expected) in &cases {
        policy.validate().unwrap_or_else(|e| panic!("{rule}: the row's policy must be valid:\n{e}"));
        let mut settings = Settings::default();
        settings.global_rate_limit = *global_rate_limit;
        let options = SyncOptions::default().with_envoy_gateway(settings);
        let decision = sync::decide(policy, &config(&[]), tenant, &options);
        if let Err(failure) = check(rule, &decision, expected) {
            failures.push(failure);
        }
        if global_rate_limit.is_none() {
            assert_eq!(
                decision,
                sync_decision(policy, &config(&[]), tenant),
                "{rule}: sync_decision is decide with defaults"
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Rule 7b (issue 10, item 2): the names and labels the rewrite writes must pass the management
/// API server's metadata checks (apimachinery v0.36.3 `objectmeta.go:198` name, `:216` namespace,
/// `meta/v1/validation/validation.go:113` labels; `ValidateConfigMapName` for the dependency).
/// Each rejection also matches a full `validate()` of the object the sync would have written.
#[test]
fn storability_rules() {
    let n = |count: usize| "n".repeat(count);
    // "default-" is 8 bytes, so 46 more put the 55th byte, KubeLB's last kept one, after them.
    let dot_at_cut = format!("{}.abcde", n(46));
    let dash_at_cut = format!("{}-abcde", n(46));
    let long_64 = format!("a{}", n(63));
    let long_63 = format!("a{}", n(62));
    let tenant_57 = format!("t{}", n(56));
    let tenant_56 = format!("t{}", n(55));
    let config_map = |name: &str| {
        with(refs([target("HTTPRoute", "backend")]), |p| {
            p.spec.response_override = Some(vec![value_ref_override(name)]);
        })
    };
    let named = |name: &str| with(refs([target("HTTPRoute", "backend")]), |p| p.metadata.name = Some(name.to_owned()));
    let ok = Expected::Apply { targets: &["targetRefs[0] HTTPRoute default-backend"], warnings: &[] };
    const TENANT: &str = "Rename the tenant: its namespace in the management cluster, `tenant-{tenant name}`, must be a DNS-1123 label, so the tenant's name needs at most 56 lower-case letters, digits and `-`, and no `.`.";
    const CUT: &str = "Rename the policy: when `{namespace}-{name}` has 60 bytes or more, KubeLB keeps its first 55 bytes and adds a hash, and here those bytes end in a `.`; a name without a `.` at that place (or a shorter one) syncs.";
    const SHORTEN: &str = "Shorten the policy's name to at most 63 characters: the `kubelb.k8c.io/origin-name` label carries it, and a label value has at most 63.";
    const SUBDOMAIN: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    let lines = |lines: Vec<String>| -> &'static [&'static str] {
        Box::leak(lines.into_iter().map(|l| &*Box::leak(l.into_boxed_str())).collect::<Vec<&str>>().into_boxed_slice())
    };
    #[allow(clippy::type_complexity)]
    let cases: Vec<(&str, BackendTrafficPolicy, Tenant, Expected)> = vec![
        (
            "namespace (objectmeta.go:216, IsDNS1123Label): a tenant name with a dot",
            refs([target("HTTPRoute", "backend")]),
            Tenant::named("acme.example"),
            Expected::Reject(Rejected::InvalidAfterRewrite(&[
                "metadata.namespace: Invalid value: \"tenant-acme.example\": must not contain dots",
                TENANT,
            ])),
        ),
        (
            "namespace (IsDNS1123Label, 63 bytes): a 57-character tenant name",
            refs([target("HTTPRoute", "backend")]),
            Tenant::named(&tenant_57),
            Expected::Reject(Rejected::InvalidAfterRewrite(lines(vec![
                format!("metadata.namespace: Invalid value: \"tenant-{tenant_57}\": must be no more than 63 bytes"),
                TENANT.to_owned(),
            ]))),
        ),
        ("namespace edge: a 56-character tenant name is stored", refs([target("HTTPRoute", "backend")]), Tenant::named(&tenant_56), Expected::Apply {
            targets: &["targetRefs[0] HTTPRoute default-backend"],
            warnings: &[],
        }),
        (
            "namespace and label (IsValidLabelValue): a 64-character tenant name fails both, one sentence",
            refs([target("HTTPRoute", "backend")]),
            Tenant::named(&long_64),
            Expected::Reject(Rejected::InvalidAfterRewrite(lines(vec![
                format!("metadata.namespace: Invalid value: \"tenant-{long_64}\": must be no more than 63 bytes"),
                format!("metadata.labels: Invalid value: \"{long_64}\": must be no more than 63 bytes"),
                TENANT.to_owned(),
            ]))),
        ),
        (
            "label (IsValidLabelValue regex): a tenant name starting with `-` makes a valid namespace but no label value",
            refs([target("HTTPRoute", "backend")]),
            Tenant::named("-x"),
            Expected::Reject(Rejected::InvalidAfterRewrite(&[
                "metadata.labels: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
                TENANT,
            ])),
        ),
        (
            "name (objectmeta.go:198, IsDNS1123Subdomain): a `.` on KubeLB's 55th byte gives `….-xxxx`",
            named(&dot_at_cut),
            tenant(&[]),
            Expected::Reject(Rejected::InvalidAfterRewrite(lines(vec![
                format!(
                    "metadata.name: Invalid value: \"{}\": {SUBDOMAIN}",
                    sync::name("default", &dot_at_cut)
                ),
                CUT.to_owned(),
            ]))),
        ),
        ("name edge: a `-` on the 55th byte is trimmed by KubeLB", named(&dash_at_cut), tenant(&[]), Expected::Apply {
            targets: &["targetRefs[0] HTTPRoute default-backend"],
            warnings: &[],
        }),
        (
            "label (IsValidLabelValue, 63 bytes): a 64-character policy name in origin-name",
            named(&long_64),
            tenant(&[]),
            Expected::Reject(Rejected::InvalidAfterRewrite(lines(vec![
                format!("metadata.labels: Invalid value: \"{long_64}\": must be no more than 63 bytes"),
                SHORTEN.to_owned(),
            ]))),
        ),
        ("label edge: a 63-character policy name is stored", named(&long_63), tenant(&[]), Expected::Apply {
            targets: &["targetRefs[0] HTTPRoute default-backend"],
            warnings: &[],
        }),
        (
            "both labels with one value: the policy and the tenant share a 64-character name",
            named(&long_64),
            Tenant::named(&long_64),
            Expected::Reject(Rejected::InvalidAfterRewrite(lines(vec![
                format!("metadata.namespace: Invalid value: \"tenant-{long_64}\": must be no more than 63 bytes"),
                format!("metadata.labels: Invalid value: \"{long_64}\": must be no more than 63 bytes"),
                format!("metadata.labels: Invalid value: \"{long_64}\": must be no more than 63 bytes"),
                SHORTEN.to_owned(),
                TENANT.to_owned(),
            ]))),
        ),
        (
            "ConfigMap (ValidateConfigMapName = IsDNS1123Subdomain): a `.` at the cut of the renamed body ConfigMap",
            config_map(&dot_at_cut),
            tenant(&[]),
            Expected::Reject(Rejected::InvalidAfterRewrite(lines(vec![
                format!(
                    "spec.responseOverride[0].response.body.valueRef.name: Invalid value: \"{}\": {SUBDOMAIN}",
                    sync::name("default", &dot_at_cut)
                ),
                "Rename the ConfigMap of the response body: KubeLB's name for it in the management cluster is not a valid ConfigMap name.".to_owned(),
            ]))),
        ),
        ("ConfigMap edge: a `-` at the cut is trimmed", config_map(&dash_at_cut), tenant(&[]), ok),
    ];
    let mut failures = Vec::new();
    for (rule, policy, tenant, expected) in &cases {
        policy.validate().unwrap_or_else(|e| panic!("{rule}: the row's policy must be valid:\n{e}"));
        let decision = sync_decision(policy, &config(&[]), tenant);
        if let Err(failure) = check(rule, &decision, expected) {
            failures.push(failure);
        }
        // Differential: the targeted checks say what a full validate() of the written metadata says.
        if let SyncDecision::Reject { reason: RejectReason::InvalidAfterRewrite(errors) } = &decision {
            let (namespace, name) = ("default", policy.metadata.name.as_deref().unwrap());
            let tenant_name = tenant.metadata.name.as_deref().unwrap();
            let mut written = BackendTrafficPolicy::new(&sync::name(namespace, name), policy.spec.clone());
            written.metadata.namespace = Some(format!("tenant-{tenant_name}"));
            written.metadata.labels = Some(map(&[
                (sync::LABEL_ORIGIN_NAME, name),
                (sync::LABEL_ORIGIN_NAMESPACE, namespace),
                (sync::LABEL_MANAGED_BY, sync::MANAGED_BY),
                (sync::LABEL_TENANT, tenant_name),
            ]));
            let full: Vec<String> = written
                .validate()
                .err()
                .into_iter()
                .flatten()
                .filter(|e| e.path().starts_with("metadata."))
                .map(|e| e.to_string())
                .collect();
            let targeted: Vec<String> =
                errors.iter().filter(|e| e.path().starts_with("metadata.")).map(|e| e.to_string()).collect();
            if full != targeted {
                failures.push(format!("{rule}: validate() says {full:#?}, the sync {targeted:#?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ---------------------------------------------------------------------------------------------
// Naming

/// The naming examples of the issue, plus the edges of the rule.
#[test]
fn naming_examples() {
    let x53 = "x".repeat(53);
    let cases: &[(&str, &str, &str, String)] = &[
        ("issue example: short names are joined", "default", "backend", "default-backend".to_owned()),
        (
            "issue example: 61 characters are cut to 55 and hashed",
            "default",
            &x53,
            format!("default-{}-80db", "x".repeat(47)),
        ),
        (
            "issue example: the trailing '-' of the cut is trimmed",
            "production-eu-west-1",
            "payments-api-httproute-with-a-very-long-name",
            "production-eu-west-1-payments-api-httproute-with-a-very-40cb".to_owned(),
        ),
    ];
    for (why, namespace, name, expected) in cases {
        assert_eq!(sync::name(namespace, name), *expected, "{why}: name({namespace:?}, {name:?})");
    }
}

/// Byte-identical to KubeLB: each expected value is what KubeLB's `GenerateName`
/// (kubermatic/kubelb `internal/kubelb/utils.go:76`, `truncateName` below it) returned for these
/// inputs when run with Go, as Go's JSON encoder writes it (a split character becomes U+FFFD).
#[test]
fn naming_matches_kubelb_generate_name() {
    let a = |n: usize| "a".repeat(n);
    let e = |n: usize| "é".repeat(n);
    let cases: &[(&str, String, String, String)] = &[
        ("the ambiguity KubeLB has", "a".into(), "b-c".into(), "a-b-c".into()),
        ("the ambiguity KubeLB has, other side", "a-b".into(), "c".into(), "a-b-c".into()),
        ("59 bytes stay", "ns".into(), a(56), format!("ns-{}", a(56))),
        ("60 bytes are cut", "ns".into(), a(57), format!("ns-{}-ce25", a(52))),
        (
            "bytes, not characters, are counted: 59 characters in 60 bytes are cut",
            "ns".into(),
            format!("é{}", a(55)),
            format!("ns-é{}-a556", a(50)),
        ),
        ("a cut between characters", "é".into(), e(70), format!("é-{}-4ae9", e(26))),
        ("a cut inside a character gives U+FFFD", "a".into(), e(40), format!("a-{}\u{fffd}-b230", e(26))),
        (
            "a '.' at the cut stays (only '-' is trimmed)",
            "ns".into(),
            format!("{}.b{}", a(51), "c".repeat(10)),
            format!("ns-{}.-2e8e", a(51)),
        ),
        (
            "'-.-' at the cut: only the last '-' is trimmed",
            "ns".into(),
            format!("{}-.-{}", a(50), "c".repeat(10)),
            format!("ns-{}-.-5971", a(50)),
        ),
        (
            "several '-' at the cut are all trimmed",
            a(50),
            format!("-----{}", "b".repeat(20)),
            format!("{}-5a10", a(50)),
        ),
    ];
    for (why, namespace, name, expected) in cases {
        assert_eq!(sync::name(namespace, name), *expected, "{why}: name({namespace:?}, {name:?})");
    }
}

/// The boundary is 60 bytes: 59 are kept, 60 are shortened; the result never exceeds 60.
#[test]
fn naming_boundary() {
    let name59 = sync::name("ns", &"a".repeat(56));
    assert_eq!(name59, format!("ns-{}", "a".repeat(56)), "59 characters stay as they are");
    let name60 = sync::name("ns", &"a".repeat(57));
    assert_eq!(name60.len(), 60, "60 characters become 55 + '-' + 4 hex digits: {name60}");
    assert!(name60.starts_with(&format!("ns-{}-", "a".repeat(52))), "{name60}");
    let long = sync::name(&"n".repeat(63), &"r".repeat(253));
    assert_eq!(long.len(), 60, "{long}");
    // Several '-' at the cut are all trimmed.
    let dashes = sync::name(&"a".repeat(50), &format!("-----{}", "b".repeat(20)));
    assert_eq!(&dashes[..dashes.len() - 5], "a".repeat(50), "{dashes}");
    // Non-ASCII input does not panic; KubeLB counts bytes (see the table above).
    assert_eq!(sync::name("é", &"é".repeat(70)).len(), 60);
}

// ---------------------------------------------------------------------------------------------
// The object for the management cluster

fn apply(decision: SyncDecision) -> (BackendTrafficPolicy, Vec<SyncWarning>, Vec<sync::Dependency>) {
    match decision {
        SyncDecision::Apply { object, warnings, dependencies, targets: _ } => (*object, warnings, dependencies),
        other => panic!("expected Apply, got {other}"),
    }
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// Name, namespace, labels and annotations are rewritten; what the tenant cluster owns is cleared.
#[test]
fn metadata_is_rewritten() {
    let mut original = refs([TargetRef::http_route("backend")]);
    let meta = &mut original.metadata;
    meta.labels = Some(map(&[("app", "shop"), ("kubelb.k8c.io/tenant", "tenant-b")]));
    meta.annotations = Some(map(&[("note", "kept"), ("kubectl.kubernetes.io/last-applied-configuration", "{}")]));
    meta.uid = Some("0a1b".into());
    meta.resource_version = Some("42".into());
    meta.generation = Some(3);
    meta.creation_timestamp = Some(Time(Default::default()));
    meta.managed_fields = Some(vec![Default::default()]);
    meta.owner_references = Some(vec![OwnerReference::default()]);
    meta.finalizers = Some(vec!["example.com/keep".into()]);
    original.status = Some(Default::default());

    let (object, warnings, dependencies) = apply(sync_decision(&original, &config(&[]), &tenant(&[])));
    assert!(warnings.is_empty() && dependencies.is_empty());
    let meta = &object.metadata;
    assert_eq!(meta.name.as_deref(), Some("default-policy"));
    assert_eq!(meta.namespace.as_deref(), Some("tenant-tenant-a"));
    assert_eq!(
        meta.labels.as_ref(),
        Some(&map(&[
            ("app", "shop"),
            ("kubelb.k8c.io/managed-by", "kubelb"),
            ("kubelb.k8c.io/origin-name", "policy"),
            ("kubelb.k8c.io/origin-ns", "default"),
            ("kubelb.k8c.io/tenant", "tenant-a"),
        ])),
        "KubeLB's labels are added and win over the policy's own"
    );
    assert_eq!(meta.annotations.as_ref(), Some(&map(&[("note", "kept")])));
    let cleared = [
        ("uid", meta.uid.is_none()),
        ("resourceVersion", meta.resource_version.is_none()),
        ("generation", meta.generation.is_none()),
        ("creationTimestamp", meta.creation_timestamp.is_none()),
        ("managedFields", meta.managed_fields.is_none()),
        ("ownerReferences", meta.owner_references.is_none()),
        ("finalizers", meta.finalizers.is_none()),
        ("status", object.status.is_none()),
    ];
    for (field, is_cleared) in cleared {
        assert!(is_cleared, "{field} must be cleared: {meta:#?}");
    }

    // Only the last-applied annotation: no empty annotations map is written.
    let mut only_last_applied = refs([TargetRef::http_route("backend")]);
    only_last_applied.metadata.annotations = Some(map(&[("kubectl.kubernetes.io/last-applied-configuration", "{}")]));
    let (object, ..) = apply(sync_decision(&only_last_applied, &config(&[]), &tenant(&[])));
    assert_eq!(object.metadata.annotations, None);
}

fn value_ref_override(config_map: &str) -> ResponseOverride {
    ResponseOverride::for_status(
        500,
        CustomResponse { body: Some(ResponseBody::from_config_map(config_map)), ..Default::default() },
    )
}

/// The ConfigMap of `responseOverride[].response.body.valueRef` is renamed and listed once as a
/// dependency; everything else in the spec is unchanged.
#[test]
fn references_are_renamed_and_listed() {
    let mut original = refs([TargetRef::http_route("backend")]);
    original.spec.retry = Some(Retry { num_retries: Some(5), ..Retry::default() });
    original.spec.response_override = Some(vec![
        value_ref_override("error-pages"),
        value_ref_override("maintenance"),
        value_ref_override("error-pages"),
    ]);

    let (object, warnings, dependencies) = apply(sync_decision(&original, &config(&[]), &tenant(&[])));
    assert!(warnings.is_empty());
    let listed: Vec<String> = dependencies.iter().map(ToString::to_string).collect();
    assert_eq!(
        listed,
        [
            "ConfigMap default/error-pages (synced as default-error-pages)",
            "ConfigMap default/maintenance (synced as default-maintenance)"
        ]
    );
    assert_eq!(dependencies[0].kind, DependencyKind::ConfigMap);
    assert_eq!(dependencies[0].namespace, "default");
    assert_eq!(dependencies[0].name, "error-pages");
    assert_eq!(dependencies[0].synced_name, "default-error-pages");

    let synced_refs: Vec<&str> = object
        .spec
        .response_override
        .iter()
        .flatten()
        .map(|o| o.response.as_ref().unwrap().body.as_ref().unwrap().value_ref.as_ref().unwrap().name.as_str())
        .collect();
    assert_eq!(synced_refs, ["default-error-pages", "default-maintenance", "default-error-pages"]);

    // Apart from targets and references, the spec is the original one.
    let mut expected = original.spec.clone();
    expected.target_refs = Some(vec![TargetRef::http_route("default-backend")]);
    expected.response_override = object.spec.response_override.clone();
    assert_eq!(object.spec, expected);
}

#[test]
fn decisions_display() {
    let cases: &[(&str, SyncDecision, &str)] = &[
        (
            "remove, global scope",
            SyncDecision::Remove { reason: RemoveReason::GatewayApiDisabled(Scope::Global) },
            "remove: Gateway API support is disabled in the global KubeLB Config",
        ),
        (
            "remove, tenant scope",
            SyncDecision::Remove { reason: RemoveReason::PolicySyncDisabled(Scope::Tenant) },
            "remove: the sync of BackendTrafficPolicies is disabled for this tenant",
        ),
        (
            "remove, deleted",
            SyncDecision::Remove { reason: RemoveReason::Deleted },
            "remove: the policy is being deleted",
        ),
        (
            "reject, nothing targeted",
            SyncDecision::Reject { reason: RejectReason::NoSupportedTarget { dropped: vec![] } },
            "reject: the policy has no target KubeLB can sync (it targets nothing)",
        ),
        (
            "reject, no namespace",
            SyncDecision::Reject { reason: RejectReason::MissingNamespace },
            "reject: the policy has no namespace",
        ),
    ];
    for (why, decision, expected) in cases {
        assert_eq!(decision.to_string(), *expected, "{why}");
    }

    let decision = sync_decision(&refs([TargetRef::http_route("backend")]), &config(&[]), &tenant(&[]));
    assert_eq!(decision.to_string(), "apply tenant-tenant-a/default-policy");
    let decision = sync_decision(&invalid(refs([TargetRef::http_route("backend")])), &config(&[]), &tenant(&[]));
    assert_eq!(
        decision.to_string(),
        "reject: the policy is invalid:\nspec.retry.numRetries: Invalid value: -1: spec.retry.numRetries in body should be greater than or equal to 0"
    );
    let SyncDecision::Reject { reason: RejectReason::NoSupportedTarget { dropped } } =
        sync_decision(&refs([TargetRef::new("TCPRoute", "db")]), &config(&[]), &tenant(&[]))
    else {
        panic!("expected NoSupportedTarget")
    };
    assert_eq!(dropped[0].field, TargetField::TargetRefs(0));
    assert_eq!(dropped[0].cause, DropCause::UnsupportedKind);
}

// ---------------------------------------------------------------------------------------------
// KubeLB objects

/// The seed `Config` and `Tenant` of KubeLB's documentation parse and switch the policy sync off.
#[test]
fn seed_config_and_tenant() {
    let Some(dir) = common::corpus_dir() else { return };
    let read = |file: &str| std::fs::read_to_string(dir.join("seed").join(file)).unwrap();
    let config: Config = serde_saphyr::from_str(&read("kubelb-config-disable.yaml")).expect("seed Config parses");
    let tenant: Tenant = serde_saphyr::from_str(&read("kubelb-tenant-disable.yaml")).expect("seed Tenant parses");
    assert!(config.spec.gateway_api.disable_backend_traffic_policy);
    assert!(tenant.spec.gateway_api.disable_backend_traffic_policy);
    assert_eq!(config.metadata.name.as_deref(), Some("default"));
    assert_eq!(tenant.metadata.name.as_deref(), Some("my-tenant"));

    let policy = refs([TargetRef::http_route("backend")]);
    let cases = [
        (
            "seed Config, default Tenant",
            &config,
            &Tenant::named("my-tenant"),
            RemoveReason::PolicySyncDisabled(Scope::Global),
        ),
        ("default Config, seed Tenant", &Config::default(), &tenant, RemoveReason::PolicySyncDisabled(Scope::Tenant)),
        ("both seeds", &config, &tenant, RemoveReason::PolicySyncDisabled(Scope::Global)),
    ];
    for (why, config, tenant, reason) in cases {
        assert_eq!(sync_decision(&policy, config, tenant), SyncDecision::Remove { reason }, "{why}");
    }
}

/// Real KubeLB objects carry many more settings; they are ignored. A missing or null spec is the
/// default spec.
#[test]
fn kubelb_objects_are_read_leniently() {
    let full = r#"
apiVersion: kubelb.k8c.io/v1alpha1
kind: Config
metadata: {name: default, namespace: kubelb}
spec:
  envoyProxy: {topology: shared, replicas: 3, useDaemonset: false}
  propagateAllAnnotations: true
  loadBalancer: {limit: 10, class: metallb}
  ingress: {disable: true, class: nginx}
  dns: {wildcardDomain: "*.example.com"}
  certificates: {defaultClusterIssuer: letsencrypt}
  gatewayAPI:
    class: eg
    defaultGateway: {name: default, namespace: kubelb}
    gateway: {limit: 5}
    disable: false
    disableHTTPRoute: true
    disableGRPCRoute: true
    disableTCPRoute: true
    disableUDPRoute: true
    disableTLSRoute: true
    disableBackendTrafficPolicy: false
    disableClientTrafficPolicy: true
    someFutureFlag: true
"#;
    let config: Config = serde_saphyr::from_str(full).unwrap();
    let g = &config.spec.gateway_api;
    assert_eq!(g.class.as_deref(), Some("eg"));
    assert_eq!(g.default_gateway.as_ref().and_then(|r| r.name.as_deref()), Some("default"));
    assert_eq!(g.gateway.limit, Some(5));
    assert!(!g.disable && !g.disable_backend_traffic_policy);
    assert!(g.disable_http_route && g.disable_grpc_route && g.disable_tcp_route);
    assert!(g.disable_udp_route && g.disable_tls_route && g.disable_client_traffic_policy);

    // Serialization writes the wire names and leaves false flags out.
    let json = serde_json::to_value(&config).unwrap();
    assert_eq!(json["apiVersion"], "kubelb.k8c.io/v1alpha1");
    assert_eq!(json["spec"]["gatewayAPI"]["disableHTTPRoute"], true);
    assert_eq!(json["spec"]["gatewayAPI"]["disableGRPCRoute"], true);
    assert!(json["spec"]["gatewayAPI"].get("disable").is_none());
    let back: Config = serde_json::from_value(json).unwrap();
    assert_eq!(back, config);

    for (why, yaml) in [
        ("no spec", "apiVersion: kubelb.k8c.io/v1alpha1\nkind: Tenant\nmetadata: {name: a}\n"),
        ("null spec", "apiVersion: kubelb.k8c.io/v1alpha1\nkind: Tenant\nmetadata: {name: a}\nspec: null\n"),
        ("empty spec", "apiVersion: kubelb.k8c.io/v1alpha1\nkind: Tenant\nmetadata: {name: a}\nspec: {}\n"),
        (
            "empty gatewayAPI",
            "apiVersion: kubelb.k8c.io/v1alpha1\nkind: Tenant\nmetadata: {name: a}\nspec: {gatewayAPI: {}}\n",
        ),
    ] {
        let tenant: Tenant = serde_saphyr::from_str(yaml).unwrap_or_else(|e| panic!("{why}: {e}"));
        assert_eq!(tenant, Tenant::named("a"), "{why}");
    }
    let config: Config = serde_json::from_str(r#"{"metadata":{"name":"default"}}"#).unwrap();
    assert_eq!(config.spec, Default::default());
}

// ---------------------------------------------------------------------------------------------
// Corpus

/// Acceptance: every upstream policy gets a decision without panicking; with a default Config and
/// the tenant `tenant-a`, each Apply object validates and lives in `tenant-tenant-a`. Only policies
/// whose targets are all of kinds KubeLB does not sync (ListenerSet, TCPRoute), policies using
/// management-side fields and policies Envoy Gateway refuses (rule 7c, with the policy's own
/// verdict) are rejected.
#[test]
fn upstream_policies_get_a_decision() {
    let Some(dir) = common::corpus_dir() else { return };
    let (config, tenant) = (Config::default(), Tenant::named("tenant-a"));
    let mut failures = Vec::new();
    let (mut applied, mut rejected, mut not_accepted, mut total) = (0, 0, 0, 0);
    for file in common::yaml_files(&dir.join("upstream")) {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        for (doc, parsed) in parse::from_yaml_documents(&text, FieldValidation::Warn).into_iter().enumerate() {
            let mut policy = match parsed {
                Ok(parsed) => parsed.value,
                Err(e) => {
                    failures.push(format!("{name}#{doc}: does not parse: {e}"));
                    continue;
                }
            };
            total += 1;
            // Documentation examples leave the namespace out; the API server of a tenant cluster
            // would have stored them in `default`.
            policy.metadata.namespace.get_or_insert_with(|| "default".to_owned());
            let decision = std::panic::catch_unwind(|| sync_decision(&policy, &config, &tenant));
            match decision {
                Err(_) => failures.push(format!("{name}#{doc}: sync_decision panicked")),
                Ok(SyncDecision::Apply { object, .. }) => {
                    applied += 1;
                    if object.metadata.namespace.as_deref() != Some("tenant-tenant-a") {
                        failures.push(format!("{name}#{doc}: object in {:?}", object.metadata.namespace));
                    }
                    if let Err(errors) = object.validate() {
                        failures.push(format!("{name}#{doc}: the Apply object does not validate:\n{errors}"));
                    }
                }
                Ok(SyncDecision::Reject { reason }) => {
                    rejected += 1;
                    // Management-side rejections are pinned one by one in `tests/sync_management_side.rs`,
                    // Envoy Gateway's refusals of upstream policies in `tests/envoy_gateway_upstream.rs`;
                    // the sync's verdict on the rewritten object must be the one on the policy.
                    match reason {
                        RejectReason::NoSupportedTarget { .. } | RejectReason::ManagementSide { .. } => {}
                        RejectReason::NotAccepted(rejection) => {
                            not_accepted += 1;
                            let original = policy.envoy_gateway_verdict(&Settings::default());
                            if original.rejection() != Some(&rejection) {
                                failures.push(format!(
                                    "{name}#{doc}: the sync says {rejection:?}, the policy's own verdict {:?}",
                                    original.rejection()
                                ));
                            }
                        }
                        reason => failures.push(format!("{name}#{doc}: unexpected reject: {reason}")),
                    }
                }
                Ok(SyncDecision::Remove { reason }) => {
                    failures.push(format!("{name}#{doc}: unexpected remove: {reason}"))
                }
            }
        }
    }
    eprintln!("{total} upstream policies: {applied} applied, {rejected} rejected ({not_accepted} by Envoy Gateway)");
    // The 8 upstream policies Envoy Gateway refuses on their own (tests/envoy_gateway_upstream.rs)
    // all target HTTP routes or Gateways, so the sync reaches rule 7c for each.
    assert_eq!(not_accepted, 8, "Envoy Gateway's refusals among the synced upstream policies");
    assert!(applied > 0, "no upstream policy was applied");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
