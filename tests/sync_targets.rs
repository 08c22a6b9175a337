//! Target verification of the sync: the targets an `Apply` expects, `SyncedTarget::is_origin_of`
//! against KubeLB's origin labels, and `sync::collisions` of one tenant cluster's policies.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::collections::BTreeMap;

use backend_traffic_policy::{
    BackendTrafficPolicy, BackendTrafficPolicySpec, TargetRef, TargetSelector,
    kubelb::{Config, GatewayApiSettings, Tenant},
    sync::{self, Collision, ObjectKey, SyncDecision, SyncedTarget},
    sync_decision,
    traffic::response_override::{CustomResponse, ResponseBody, ResponseOverride},
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

fn synced(kind: &str, synced_name: &str, origin_namespace: &str, origin_name: &str) -> SyncedTarget {
    SyncedTarget {
        kind: kind.to_owned(),
        synced_name: synced_name.to_owned(),
        origin_namespace: origin_namespace.to_owned(),
        origin_name: origin_name.to_owned(),
    }
}

fn targets_of(policy: &BackendTrafficPolicy, config: &Config) -> Vec<SyncedTarget> {
    match sync_decision(policy, config, &Tenant::named("t")) {
        SyncDecision::Apply { targets, .. } => targets,
        other => panic!("expected Apply, got {other}"),
    }
}

/// The `targets` of `Apply`: one per kept named target, in the order of the spec, each once;
/// the target rules of the module docs decide which are kept and how they are named.
#[test]
fn apply_lists_the_targets_it_expects() {
    let http = TargetRef::http_route;
    let grpc = |name: &str| TargetRef::new("GRPCRoute", name);
    let gateway = |name: &str| TargetRef::new("Gateway", name);
    let default = Config::default();
    let no_http =
        Config::default().with_gateway_api(GatewayApiSettings { disable_http_route: true, ..Default::default() });
    let cases: Vec<(&str, BackendTrafficPolicySpec, &Config, Vec<SyncedTarget>)> = vec![
        (
            "an HTTPRoute is renamed with name(namespace, route)",
            BackendTrafficPolicySpec::targeting([http("backend")]),
            &default,
            vec![synced("HTTPRoute", "shop-backend", "shop", "backend")],
        ),
        (
            "a Gateway keeps its name; a GRPCRoute is renamed",
            BackendTrafficPolicySpec::targeting([gateway("eg"), grpc("echo")]),
            &default,
            vec![synced("Gateway", "eg", "shop", "eg"), synced("GRPCRoute", "shop-echo", "shop", "echo")],
        ),
        (
            "the same route twice (two sections) is listed once",
            BackendTrafficPolicySpec::targeting([
                TargetRef { section_name: Some("a".into()), ..http("backend") },
                TargetRef { section_name: Some("b".into()), ..http("backend") },
            ]),
            &default,
            vec![synced("HTTPRoute", "shop-backend", "shop", "backend")],
        ),
        (
            "dropped targets (TCPRoute; HTTPRoute with disableHTTPRoute) are not expected",
            BackendTrafficPolicySpec::targeting([TargetRef::new("TCPRoute", "db"), http("web"), grpc("rpc")]),
            &no_http,
            vec![synced("GRPCRoute", "shop-rpc", "shop", "rpc")],
        ),
        (
            "the deprecated targetRef counts too, before targetRefs",
            BackendTrafficPolicySpec { target_ref: Some(http("old")), ..BackendTrafficPolicySpec::default() },
            &default,
            vec![synced("HTTPRoute", "shop-old", "shop", "old")],
        ),
        (
            "selectors name no object: narrowed by the origin-ns label instead",
            BackendTrafficPolicySpec {
                target_selectors: Some(vec![TargetSelector { kind: "HTTPRoute".into(), ..TargetSelector::default() }]),
                ..BackendTrafficPolicySpec::default()
            },
            &default,
            vec![],
        ),
    ];
    for (rule, spec, config, expected) in cases {
        let policy = BackendTrafficPolicy::namespaced("shop", "p", spec);
        assert_eq!(targets_of(&policy, config), expected, "{rule}");
    }
}

fn meta(name: &str, labels: &[(&str, &str)]) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_owned()),
        labels: Some(labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<BTreeMap<_, _>>()),
        ..ObjectMeta::default()
    }
}

/// `is_origin_of` reads the labels KubeLB writes on every synced route and Gateway
/// (kubermatic/kubelb `internal/kubelb/utils.go` `AddKubeLBLabels`: `origin-name`, `origin-ns`,
/// called from `internal/resources/gatewayapi/httproute/httproute.go` before `GenerateName`).
#[test]
fn is_origin_of_checks_kubelb_origin_labels() {
    let target = synced("HTTPRoute", "a-b-c", "a", "b-c");
    let (ns, name) = (sync::LABEL_ORIGIN_NAMESPACE, sync::LABEL_ORIGIN_NAME);
    let cases: &[(&str, ObjectMeta, bool)] = &[
        (
            "the route KubeLB synced from a/b-c",
            meta("a-b-c", &[(ns, "a"), (name, "b-c"), (sync::LABEL_MANAGED_BY, "kubelb")]),
            true,
        ),
        ("the route synced from a-b/c under the same name", meta("a-b-c", &[(ns, "a-b"), (name, "c")]), false),
        ("right labels, another name", meta("a-b-d", &[(ns, "a"), (name, "b-c")]), false),
        ("origin-name missing", meta("a-b-c", &[(ns, "a")]), false),
        ("origin-ns missing", meta("a-b-c", &[(name, "b-c")]), false),
        (
            "no labels at all (not synced by KubeLB)",
            ObjectMeta { name: Some("a-b-c".into()), ..ObjectMeta::default() },
            false,
        ),
        ("no name", ObjectMeta { name: None, ..meta("x", &[(ns, "a"), (name, "b-c")]) }, false),
    ];
    for (rule, meta, expected) in cases {
        assert_eq!(target.is_origin_of(meta), *expected, "{rule}");
    }
}

fn policy(namespace: &str, name: &str, targets: &[TargetRef]) -> BackendTrafficPolicy {
    BackendTrafficPolicy::namespaced(namespace, name, BackendTrafficPolicySpec::targeting(targets.iter().cloned()))
}

fn key(namespace: &str, name: &str) -> ObjectKey {
    ObjectKey { namespace: namespace.to_owned(), name: name.to_owned() }
}

fn with_body_config_map(mut policy: BackendTrafficPolicy, config_map: &str) -> BackendTrafficPolicy {
    policy.spec.response_override = Some(vec![ResponseOverride::for_status(
        503,
        CustomResponse { body: Some(ResponseBody::from_config_map(config_map)), ..Default::default() },
    )]);
    policy
}

/// `collisions`: one row per way KubeLB's naming (`internal/kubelb/utils.go:76`) makes two
/// objects one.
#[test]
fn collisions_of_one_tenant_cluster() {
    let http = TargetRef::http_route;
    // Found by search: both long names keep the same 55 bytes and share the hash suffix 748a.
    let (long_124, long_201) = (format!("{}-124", "r".repeat(50)), format!("{}-201", "r".repeat(50)));
    assert_eq!(sync::name("default", &long_124), sync::name("default", &long_201));
    let cases: Vec<(&str, Vec<BackendTrafficPolicy>, Vec<Collision>)> = vec![
        ("distinct names: nothing", vec![policy("a", "p", &[http("r")]), policy("b", "p", &[http("r")])], vec![]),
        (
            "name(a, b-c) == name(a-b, c): two policies, one synced name",
            vec![policy("a", "b-c", &[http("x")]), policy("a-b", "c", &[http("y")])],
            vec![Collision::PolicyName {
                synced_name: "a-b-c".into(),
                policies: vec![key("a", "b-c"), key("a-b", "c")],
            }],
        ),
        (
            "routes a/r-s and a-r/s are both synced as a-r-s",
            vec![policy("a", "p", &[http("r-s")]), policy("a-r", "q", &[http("s")])],
            vec![Collision::ReferenceName {
                kind: "HTTPRoute".into(),
                synced_name: "a-r-s".into(),
                objects: vec![key("a", "r-s"), key("a-r", "s")],
            }],
        ),
        (
            "the same route from two policies of its namespace is no collision",
            vec![policy("a", "p", &[http("r")]), policy("a", "q", &[http("r")])],
            vec![],
        ),
        (
            "an HTTPRoute and a GRPCRoute of one synced name are different objects",
            vec![policy("a", "p", &[http("r-s")]), policy("a-r", "q", &[TargetRef::new("GRPCRoute", "s")])],
            vec![],
        ),
        (
            "Gateways keep their names: eg of two namespaces is one eg",
            vec![
                policy("a", "p", &[TargetRef::new("Gateway", "eg")]),
                policy("b", "p", &[TargetRef::new("Gateway", "eg")]),
            ],
            vec![Collision::ReferenceName {
                kind: "Gateway".into(),
                synced_name: "eg".into(),
                objects: vec![key("a", "eg"), key("b", "eg")],
            }],
        ),
        (
            "long names that share the 4-hex suffix",
            vec![policy("default", &long_124, &[http("r")]), policy("default", &long_201, &[http("r")])],
            vec![Collision::PolicyName {
                synced_name: sync::name("default", &long_124),
                policies: vec![key("default", &long_124), key("default", &long_201)],
            }],
        ),
        (
            "response-body ConfigMaps are renamed like routes",
            vec![
                with_body_config_map(policy("a", "p", &[http("r")]), "b-c"),
                with_body_config_map(policy("a-b", "q", &[http("r")]), "c"),
            ],
            vec![Collision::ReferenceName {
                kind: "ConfigMap".into(),
                synced_name: "a-b-c".into(),
                objects: vec![key("a", "b-c"), key("a-b", "c")],
            }],
        ),
        (
            "kinds KubeLB does not sync are ignored",
            vec![
                policy("a", "p", &[TargetRef::new("TCPRoute", "r-s")]),
                policy("a-r", "q", &[TargetRef::new("TCPRoute", "s")]),
            ],
            vec![],
        ),
        (
            "a policy without namespace is skipped",
            vec![
                policy("a", "b-c", &[http("x")]),
                BackendTrafficPolicy::new("c", BackendTrafficPolicySpec::targeting([http("y")])),
            ],
            vec![],
        ),
    ];
    for (rule, policies, expected) in cases {
        assert_eq!(sync::collisions(&policies), expected, "{rule}");
    }
}
