//! Property tests of KubeLB's sync decision over generated policies, Configs and Tenants.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::collections::BTreeMap;

use backend_traffic_policy::{
    BackendTrafficPolicy, BackendTrafficPolicySpec, TargetRef, TargetSelector,
    kubelb::{Config, GatewayApiSettings, Tenant},
    sync::{self, LABEL_ORIGIN_NAMESPACE, RemoveReason, Scope, SyncDecision},
    sync_decision,
    target::{NamespaceFrom, TargetNamespaces},
    traffic::response_override::{CustomResponse, ResponseBody, ResponseOverride},
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, Time};
use proptest::{collection::vec, option, prelude::*};

/// Every kind a BackendTrafficPolicy may target, plus one no policy may.
const KINDS: &[&str] =
    &["Gateway", "HTTPRoute", "GRPCRoute", "TCPRoute", "UDPRoute", "TLSRoute", "ListenerSet", "Service"];
/// The kinds an Apply object may target.
const SYNCED_KINDS: &[&str] = &["Gateway", "HTTPRoute", "GRPCRoute"];

/// Kubernetes-style names, sometimes long enough for KubeLB's name shortening.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z][a-z0-9-]{0,12}[a-z0-9]",
        1 => "[a-z][a-z0-9-]{40,70}[a-z0-9]",
    ]
}

fn kind() -> impl Strategy<Value = String> {
    proptest::sample::select(KINDS).prop_map(str::to_owned)
}

fn target_ref() -> impl Strategy<Value = TargetRef> {
    (kind(), name(), option::weighted(0.3, "[a-z][a-z0-9]{0,8}"))
        .prop_map(|(kind, name, section)| TargetRef { section_name: section, ..TargetRef::new(kind, name) })
}

fn labels() -> impl Strategy<Value = BTreeMap<String, String>> {
    let key = prop_oneof![
        4 => "[a-z]{1,6}",
        1 => Just(LABEL_ORIGIN_NAMESPACE.to_owned()),
        1 => Just(sync::LABEL_TENANT.to_owned()),
    ];
    proptest::collection::btree_map(key, "[a-z0-9]{1,8}", 0..3)
}

fn namespaces() -> impl Strategy<Value = TargetNamespaces> {
    prop_oneof![Just(None), Just(Some("Same")), Just(Some("All")), Just(Some("Selector"))].prop_map(|from| {
        TargetNamespaces {
            from: from.map(NamespaceFrom::from_wire),
            selector: (from == Some("Selector")).then(LabelSelector::default),
        }
    })
}

fn target_selector() -> impl Strategy<Value = TargetSelector> {
    (kind(), option::of(namespaces()), option::of(labels())).prop_map(|(kind, namespaces, match_labels)| {
        TargetSelector { kind, namespaces, match_labels, ..TargetSelector::default() }
    })
}

fn value_ref_override(config_map: String) -> ResponseOverride {
    ResponseOverride::for_status(
        503,
        CustomResponse { body: Some(ResponseBody::from_config_map(config_map)), ..Default::default() },
    )
}

fn policy() -> impl Strategy<Value = BackendTrafficPolicy> {
    (
        (option::weighted(0.25, target_ref()), option::weighted(0.8, vec(target_ref(), 0..4))),
        option::weighted(0.4, vec(target_selector(), 0..3)),
        (option::weighted(0.95, name()), name(), option::of(labels()), option::of(labels())),
        (proptest::bool::weighted(0.1), any::<bool>(), option::weighted(0.2, vec(name(), 1..3))),
    )
        .prop_map(
            |(
                (target_ref, target_refs),
                target_selectors,
                (namespace, name, labels, annotations),
                (deleted, last_applied, config_maps),
            )| {
                let spec = BackendTrafficPolicySpec {
                    target_ref,
                    target_refs,
                    target_selectors,
                    response_override: config_maps.map(|names| names.into_iter().map(value_ref_override).collect()),
                    ..BackendTrafficPolicySpec::default()
                };
                let mut policy = BackendTrafficPolicy::new(&name, spec);
                let meta = &mut policy.metadata;
                meta.namespace = namespace;
                meta.labels = labels;
                meta.annotations = annotations;
                if last_applied {
                    meta.annotations
                        .get_or_insert_with(BTreeMap::new)
                        .insert(sync::LAST_APPLIED_ANNOTATION.to_owned(), "{}".to_owned());
                }
                if deleted {
                    meta.deletion_timestamp = Some(Time(Default::default()));
                }
                meta.uid = Some("6f1c".to_owned());
                meta.resource_version = Some("7".to_owned());
                policy
            },
        )
}

/// Settings with each flag set with probability `p`.
fn settings(p: f64) -> impl Strategy<Value = GatewayApiSettings> {
    let flag = move || proptest::bool::weighted(p);
    ((flag(), flag(), flag(), flag()), (flag(), flag(), flag(), flag()), option::of("[a-z]{1,5}")).prop_map(
        |((disable, btp, http, grpc), (tcp, udp, tls, ctp), class)| GatewayApiSettings {
            class,
            disable,
            disable_backend_traffic_policy: btp,
            disable_http_route: http,
            disable_grpc_route: grpc,
            disable_tcp_route: tcp,
            disable_udp_route: udp,
            disable_tls_route: tls,
            disable_client_traffic_policy: ctp,
            ..GatewayApiSettings::default()
        },
    )
}

fn config() -> impl Strategy<Value = Config> {
    settings(0.06).prop_map(|s| Config::default_named("kubelb").with_gateway_api(s))
}

fn tenant() -> impl Strategy<Value = Tenant> {
    (name(), settings(0.06)).prop_map(|(name, s)| Tenant::named(&name).with_gateway_api(s))
}

/// The kinds of every target of a spec.
fn target_kinds(spec: &BackendTrafficPolicySpec) -> Vec<&str> {
    let refs = spec.target_ref.iter().chain(spec.target_refs.iter().flatten()).map(|t| t.kind.as_str());
    refs.chain(spec.target_selectors.iter().flatten().map(|s| s.kind.as_str())).collect()
}

/// The Remove reason the flags call for, in the documented order.
fn expected_removal(policy: &BackendTrafficPolicy, config: &Config, tenant: &Tenant) -> Option<RemoveReason> {
    let (g, t) = (&config.spec.gateway_api, &tenant.spec.gateway_api);
    if g.disable {
        Some(RemoveReason::GatewayApiDisabled(Scope::Global))
    } else if t.disable {
        Some(RemoveReason::GatewayApiDisabled(Scope::Tenant))
    } else if g.disable_backend_traffic_policy {
        Some(RemoveReason::PolicySyncDisabled(Scope::Global))
    } else if t.disable_backend_traffic_policy {
        Some(RemoveReason::PolicySyncDisabled(Scope::Tenant))
    } else if policy.metadata.deletion_timestamp.is_some() {
        Some(RemoveReason::Deleted)
    } else {
        None
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Never panics; the same inputs give the same decision; any disable flag (Gateway API or
    /// BackendTrafficPolicy, global or tenant) and only those or a deletion yield Remove, with the
    /// reason of the first matching rule.
    #[test]
    fn decision_is_total_deterministic_and_respects_flags(policy in policy(), config in config(), tenant in tenant()) {
        let decision = sync_decision(&policy, &config, &tenant);
        prop_assert_eq!(&decision, &sync_decision(&policy, &config, &tenant), "a second call decides differently");
        match (expected_removal(&policy, &config, &tenant), &decision) {
            (Some(want), SyncDecision::Remove { reason }) => prop_assert_eq!(want, *reason),
            (None, SyncDecision::Remove { reason }) => prop_assert!(false, "unexpected Remove({})", reason),
            (Some(want), other) => prop_assert!(false, "expected Remove({}), got {}", want, other),
            (None, _) => {}
        }
    }

    /// Every flag combination of a policy that would otherwise be applied: a disable flag always
    /// removes it.
    #[test]
    fn any_disable_flag_removes(
        policy in policy(),
        flag in 0..4usize,
        config in config(),
        tenant in tenant(),
    ) {
        let (mut config, mut tenant) = (config, tenant);
        match flag {
            0 => config.spec.gateway_api.disable = true,
            1 => tenant.spec.gateway_api.disable = true,
            2 => config.spec.gateway_api.disable_backend_traffic_policy = true,
            _ => tenant.spec.gateway_api.disable_backend_traffic_policy = true,
        }
        let decision = sync_decision(&policy, &config, &tenant);
        prop_assert!(matches!(decision, SyncDecision::Remove { .. }), "flag {} set, got {}", flag, decision);
    }

    /// An Apply object lives in `tenant-{tenant name}`, targets only Gateways, HTTPRoutes and
    /// GRPCRoutes (and no route kind the settings disable), narrows every selector to the policy's
    /// namespace without `namespaces`, carries KubeLB's labels, and validates.
    #[test]
    fn apply_objects_are_confined(policy in policy(), config in config(), tenant in tenant()) {
        let decision = sync_decision(&policy, &config, &tenant);
        let SyncDecision::Apply { object, dependencies, .. } = decision else { return Ok(()) };
        let tenant_name = tenant.metadata.name.as_deref().unwrap();
        let namespace = policy.metadata.namespace.as_deref().unwrap();
        let expected_namespace = format!("tenant-{tenant_name}");
        prop_assert_eq!(object.metadata.namespace.as_deref(), Some(expected_namespace.as_str()));
        let expected_name = sync::name(namespace, policy.metadata.name.as_deref().unwrap());
        prop_assert_eq!(object.metadata.name.as_deref(), Some(expected_name.as_str()));

        let kinds = target_kinds(&object.spec);
        prop_assert!(!kinds.is_empty(), "an Apply object targets nothing");
        let (g, t) = (&config.spec.gateway_api, &tenant.spec.gateway_api);
        for kind in kinds {
            prop_assert!(SYNCED_KINDS.contains(&kind), "targets a {}", kind);
            prop_assert!(kind != "HTTPRoute" || !(g.disable_http_route || t.disable_http_route), "HTTPRoute while disabled");
            prop_assert!(kind != "GRPCRoute" || !(g.disable_grpc_route || t.disable_grpc_route), "GRPCRoute while disabled");
        }
        for selector in object.spec.target_selectors.iter().flatten() {
            prop_assert!(selector.namespaces.is_none(), "selector keeps namespaces: {:?}", selector);
            let origin = selector.match_labels.as_ref().and_then(|l| l.get(LABEL_ORIGIN_NAMESPACE));
            prop_assert_eq!(origin.map(String::as_str), Some(namespace), "selector {:?}", selector);
        }

        let labels = object.metadata.labels.clone().unwrap_or_default();
        prop_assert_eq!(labels.get(sync::LABEL_TENANT).map(String::as_str), Some(tenant_name));
        prop_assert_eq!(labels.get(LABEL_ORIGIN_NAMESPACE).map(String::as_str), Some(namespace));
        prop_assert_eq!(labels.get(sync::LABEL_MANAGED_BY).map(String::as_str), Some(sync::MANAGED_BY));
        let annotations = object.metadata.annotations.clone().unwrap_or_default();
        prop_assert!(!annotations.contains_key(sync::LAST_APPLIED_ANNOTATION));
        prop_assert!(object.metadata.uid.is_none() && object.metadata.resource_version.is_none());

        for dependency in &dependencies {
            prop_assert_eq!(&dependency.namespace, namespace);
            prop_assert_eq!(&dependency.synced_name, &sync::name(namespace, &dependency.name));
        }
        if let Err(errors) = object.validate() {
            prop_assert!(false, "the Apply object does not validate:\n{}", errors);
        }
    }

    /// KubeLB's names are at most 60 characters, and names under 60 are the plain join.
    #[test]
    fn names_are_bounded(namespace in "[a-z0-9-]{1,63}", name in "[a-z0-9-]{1,253}") {
        let synced = sync::name(&namespace, &name);
        prop_assert!(synced.len() <= 60, "{}", synced);
        let joined = format!("{namespace}-{name}");
        if joined.len() < 60 {
            prop_assert_eq!(synced, joined);
        } else {
            prop_assert!(joined.starts_with(synced[..synced.len() - 5].trim_end_matches('-')));
        }
    }
}
