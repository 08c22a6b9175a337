//! Property tests of KubeLB's sync decision over generated policies, Configs and Tenants.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::collections::BTreeMap;

use backend_traffic_policy::{
    BackendTrafficPolicy, BackendTrafficPolicySpec, TargetRef, TargetSelector,
    envoy_gateway::Settings,
    kubelb::{Config, GatewayApiSettings, Tenant},
    sync::{
        self, LABEL_ORIGIN_NAMESPACE, ManagementSideKind, RejectReason, RemoveReason, Scope, SyncDecision, SyncOptions,
    },
    sync_decision,
    target::{NamespaceFrom, TargetNamespaces},
    traffic::{
        response_override::{CustomResponse, ResponseBody, ResponseOverride},
        telemetry::{Telemetry, Tracing},
    },
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, Time};
use proptest::{collection::vec, option, prelude::*};
use serde_json::json;

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

/// Namespace names: DNS-1123 labels of 1 to 63 characters.
fn namespace() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "[a-z]([a-z0-9-]{0,12}[a-z0-9])?",
        1 => "[a-z][a-z0-9-]{40,61}[a-z0-9]",
    ]
}

/// Object names of 1 to 253 characters, with dots and dashes: DNS-1123 subdomains mostly, and
/// now and then a name with `-.`, `.-` or `..` that the API server refuses.
fn object_name() -> impl Strategy<Value = String> {
    let segments = |n: std::ops::Range<usize>| {
        let separator = prop_oneof![4 => Just("-"), 2 => Just("."), 1 => Just("--")];
        vec(("[a-z0-9]{1,15}", separator), n).prop_map(|parts| {
            let mut out = String::new();
            for (i, (part, separator)) in parts.iter().enumerate() {
                if i > 0 {
                    out.push_str(separator);
                }
                out.push_str(part);
            }
            out.truncate(253);
            out.trim_end_matches(['-', '.']).to_owned()
        })
    };
    prop_oneof![
        12 => segments(1..4),
        2 => segments(4..12),
        1 => segments(12..40),
        1 => "[a-z0-9][a-z0-9.-]{0,20}[a-z0-9]",
    ]
    .prop_filter("not empty", |name| !name.is_empty())
}

/// A policy name that puts `separator` on the last byte KubeLB keeps of
/// `"{namespace}-{name}"` (byte 55), so the synced name would end in `.-xxxx` or `--xxxx`.
fn name_with_separator_at_cut(namespace: &str) -> BoxedStrategy<String> {
    let before = 54usize.saturating_sub(namespace.len() + 1);
    if before == 0 {
        return object_name().boxed();
    }
    (proptest::sample::select(&[".", "-"][..]), "[a-z0-9]{5,40}")
        .prop_map(move |(separator, tail)| format!("{}{separator}{tail}", "n".repeat(before)))
        .boxed()
}

/// Target kinds: mostly those KubeLB syncs, so that most policies keep a target.
fn kind() -> impl Strategy<Value = String> {
    prop_oneof![4 => proptest::sample::select(SYNCED_KINDS), 1 => proptest::sample::select(KINDS)]
        .prop_map(str::to_owned)
}

fn target_ref() -> impl Strategy<Value = TargetRef> {
    (kind(), name(), option::weighted(0.3, "[a-z][a-z0-9]{0,8}"))
        .prop_map(|(kind, name, section)| TargetRef { section_name: section, ..TargetRef::new(kind, name) })
}

fn labels() -> impl Strategy<Value = BTreeMap<String, String>> {
    let key = prop_oneof![
        4 => "[a-z]{1,6}",
        1 => Just(LABEL_ORIGIN_NAMESPACE.to_owned()),
        1 => Just(sync::LABEL_ORIGIN_NAME.to_owned()),
        1 => Just(sync::LABEL_TENANT.to_owned()),
        1 => Just(sync::LABEL_MANAGED_BY.to_owned()),
    ];
    proptest::collection::btree_map(key, "[a-z0-9]([a-z0-9._-]{0,10}[a-z0-9])?", 0..4)
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

/// The tenant namespace's policy name: a 1-253 character object name, or one with a dot or dash
/// where KubeLB cuts long names.
fn policy_name_and_namespace() -> impl Strategy<Value = (Option<String>, String)> {
    option::weighted(0.95, namespace()).prop_flat_map(|namespace| {
        let at_cut = name_with_separator_at_cut(namespace.as_deref().unwrap_or("default"));
        (Just(namespace), prop_oneof![8 => object_name(), 1 => at_cut])
    })
}

/// Span tag values: plain text, harmless operators, and each management-side kind of operator.
fn tag_value() -> impl Strategy<Value = String> {
    proptest::sample::select(
        &[
            "plain",
            "%RESPONSE_CODE%",
            "%REQ(x-user)%",
            "%ENVIRONMENT(HOME)%",
            "%HOSTNAME%",
            "%NEW_OPERATOR%",
            "50% off",
        ][..],
    )
    .prop_map(str::to_owned)
}

/// A setting Envoy Gateway judges: refused (T22, T04), refused only without a rate-limit service
/// (T36), accepted, deprecated, or accepted but ignored (S04).
#[derive(Clone, Copy, Debug)]
enum EnvoyGatewayFeature {
    TableSize(u32),
    LocalRateLimitFinerThanDefault,
    GlobalRateLimit,
    DeprecatedCompression,
    CompressorWithoutBlock,
}

impl EnvoyGatewayFeature {
    fn apply(self, spec: BackendTrafficPolicySpec) -> BackendTrafficPolicySpec {
        let mut value = serde_json::to_value(&spec).unwrap();
        let (key, setting) = match self {
            Self::TableSize(size) => (
                "loadBalancer",
                json!({"type": "ConsistentHash", "consistentHash": {"type": "SourceIP", "tableSize": size}}),
            ),
            Self::LocalRateLimitFinerThanDefault => (
                "rateLimit",
                json!({"local": {"rules": [
                    {"limit": {"requests": 10, "unit": "Minute"}},
                    {"clientSelectors": [{"headers": [{"name": "x-user", "value": "a"}]}], "limit": {"requests": 1, "unit": "Second"}},
                ]}}),
            ),
            Self::GlobalRateLimit => {
                ("rateLimit", json!({"global": {"rules": [{"limit": {"requests": 10, "unit": "Minute"}}]}}))
            }
            Self::DeprecatedCompression => ("compression", json!([{"type": "Gzip"}])),
            Self::CompressorWithoutBlock => ("compressor", json!([{"type": "Brotli"}])),
        };
        value[key] = setting;
        serde_json::from_value(value).unwrap()
    }
}

fn envoy_gateway_feature() -> impl Strategy<Value = EnvoyGatewayFeature> {
    use EnvoyGatewayFeature::*;
    proptest::sample::select(
        &[
            TableSize(65536),
            TableSize(65537),
            LocalRateLimitFinerThanDefault,
            GlobalRateLimit,
            DeprecatedCompression,
            CompressorWithoutBlock,
        ][..],
    )
}

fn policy() -> impl Strategy<Value = BackendTrafficPolicy> {
    (
        (option::weighted(0.25, target_ref()), option::weighted(0.8, vec(target_ref(), 0..4))),
        option::weighted(0.4, vec(target_selector(), 0..3)),
        (policy_name_and_namespace(), option::of(labels()), option::of(labels())),
        (proptest::bool::weighted(0.1), any::<bool>(), option::weighted(0.2, vec(name(), 1..3))),
        option::weighted(0.2, proptest::collection::btree_map("[a-z]{1,5}", tag_value(), 1..3)),
        option::weighted(0.3, envoy_gateway_feature()),
    )
        .prop_map(
            |(
                (target_ref, target_refs),
                target_selectors,
                ((namespace, name), labels, annotations),
                (deleted, last_applied, config_maps),
                tags,
                feature,
            )| {
                let spec = BackendTrafficPolicySpec {
                    target_ref,
                    target_refs,
                    target_selectors,
                    response_override: config_maps.map(|names| names.into_iter().map(value_ref_override).collect()),
                    telemetry: tags.map(|tags| Telemetry {
                        tracing: Some(Tracing { tags: Some(tags), ..Tracing::default() }),
                        ..Telemetry::default()
                    }),
                    ..BackendTrafficPolicySpec::default()
                };
                let spec = match feature {
                    Some(feature) => feature.apply(spec),
                    None => spec,
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

/// Tenant names of 1 to 253 characters: mostly ones whose namespace `tenant-{name}` can exist,
/// some with a dot or longer than the 56 characters such a namespace allows.
fn tenant_name() -> impl Strategy<Value = String> {
    prop_oneof![
        16 => "[a-z]([a-z0-9-]{0,12}[a-z0-9])?",
        1 => "[a-z0-9]{1,10}\\.[a-z0-9]{1,10}",
        1 => "[a-z][a-z0-9]{55,252}",
    ]
}

/// Platform options: each management-side kind allowed now and then, and a rate-limit service
/// known to be there, known to be missing, or unknown.
fn options() -> impl Strategy<Value = SyncOptions> {
    (vec(proptest::sample::select(&ManagementSideKind::ALL[..]), 0..3), option::of(any::<bool>())).prop_map(
        |(kinds, global_rate_limit)| {
            let mut settings = Settings::default();
            settings.global_rate_limit = global_rate_limit;
            kinds.into_iter().fold(SyncOptions::default().with_envoy_gateway(settings), SyncOptions::allowing)
        },
    )
}

fn tenant() -> impl Strategy<Value = Tenant> {
    (tenant_name(), settings(0.06)).prop_map(|(name, s)| Tenant::named(&name).with_gateway_api(s))
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
        let verdict = object.envoy_gateway_verdict(&Settings::default());
        prop_assert!(verdict.is_accepted(), "Envoy Gateway would refuse the Apply object: {:?}", verdict.rejection());
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

/// [`policy`], mostly tidied of what stops a decision before the rewrite: no deletion, not both
/// `targetRef` and `targetRefs` nor neither, no `Service` target (the CRD allows none).
fn mostly_syncable_policy() -> impl Strategy<Value = BackendTrafficPolicy> {
    (policy(), proptest::bool::weighted(0.9)).prop_map(|(mut policy, tidy)| {
        if tidy {
            policy.metadata.deletion_timestamp = None;
            if policy.spec.target_refs.is_some() {
                policy.spec.target_ref = None;
            }
            let no_selector = policy.spec.target_selectors.as_ref().is_none_or(Vec::is_empty);
            if policy.spec.target_ref.is_none() && policy.spec.target_refs.is_none() && no_selector {
                policy.spec.target_refs = Some(vec![TargetRef::http_route("backend")]);
            }
            let targets = policy.spec.target_ref.iter_mut().chain(policy.spec.target_refs.iter_mut().flatten());
            for target in targets.filter(|t| t.kind == "Service") {
                target.kind = "HTTPRoute".to_owned();
            }
            for selector in policy.spec.target_selectors.iter_mut().flatten().filter(|s| s.kind == "Service") {
                selector.kind = "GRPCRoute".to_owned();
            }
        }
        policy
    })
}

/// Acceptance (issue 10, item 2; issue 9, item 3): every `Apply` object over generated policies
/// (names of 1-253 characters with dots and dashes, some at KubeLB's cut; KubeLB's own label keys;
/// span tags with management-side operators; settings Envoy Gateway refuses, deprecates or
/// ignores), Configs, Tenants (names of 1-253 characters) and options (rate-limit service known
/// or not) passes `validate()`, metadata included, and Envoy Gateway's verdict under the options'
/// settings. Each `InvalidAfterRewrite` carries what a full `validate()` of the written metadata
/// finds; each `NotAccepted` is the policy's own verdict. Prints how the cases were decided and
/// asserts that at least a third reached `Apply` and that every kind of rejection was reached.
#[test]
fn every_apply_is_storable() {
    use proptest::{strategy::ValueTree, test_runner::TestRunner};
    const CASES: usize = 2048;
    let mut runner = TestRunner::deterministic();
    let strategy = (mostly_syncable_policy(), settings(0.02), (tenant_name(), settings(0.02)), options()).prop_map(
        |(policy, global, (tenant, local), options)| {
            let config = Config::default_named("kubelb").with_gateway_api(global);
            (policy, config, Tenant::named(&tenant).with_gateway_api(local), options)
        },
    );
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for _ in 0..CASES {
        let (policy, config, tenant, options) = strategy.new_tree(&mut runner).unwrap().current();
        let decision = sync::decide(&policy, &config, &tenant, &options);
        let outcome = match &decision {
            SyncDecision::Apply { object, .. } => {
                if let Err(errors) = object.validate() {
                    failures.push(format!("{:?} of tenant {:?}: {errors}", object.metadata.name, tenant.metadata.name));
                }
                if let Some(rejection) = object.envoy_gateway_verdict(&options.envoy_gateway).rejection() {
                    failures.push(format!("{:?}: Envoy Gateway would refuse it: {rejection}", object.metadata.name));
                }
                "Apply".to_owned()
            }
            SyncDecision::Remove { .. } => "Remove".to_owned(),
            SyncDecision::Reject { reason } => match reason {
                RejectReason::Invalid(_) => "Reject Invalid".to_owned(),
                RejectReason::InvalidAfterRewrite(errors) => {
                    if let Some(failure) = differs_from_full_validation(&policy, &tenant, errors) {
                        failures.push(failure);
                    }
                    "Reject InvalidAfterRewrite".to_owned()
                }
                RejectReason::NotAccepted(rejection) => {
                    // The rewrite changes nothing Envoy Gateway's checks read.
                    if policy.envoy_gateway_verdict(&options.envoy_gateway).rejection() != Some(rejection) {
                        failures.push(format!("{:?}: the sync's verdict is not the policy's", policy.metadata.name));
                    }
                    "Reject NotAccepted".to_owned()
                }
                RejectReason::ManagementSide { .. } => "Reject ManagementSide".to_owned(),
                RejectReason::NoSupportedTarget { .. } => "Reject NoSupportedTarget".to_owned(),
                other => format!("Reject {other}"),
            },
        };
        *outcomes.entry(outcome).or_default() += 1;
    }
    eprintln!("{CASES} generated cases: {outcomes:#?}");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    let count = |key: &str| outcomes.get(key).copied().unwrap_or(0);
    assert!(count("Apply") * 3 >= CASES, "only {} of {CASES} cases reached Apply", count("Apply"));
    assert!(count("Reject ManagementSide") > 0, "no generated case used a refused management-side field");
    assert!(count("Reject InvalidAfterRewrite") > 0, "no generated case made an unstorable object");
    assert!(count("Reject NotAccepted") > 0, "no generated case was refused by Envoy Gateway");
}

/// The metadata errors a full `validate()` finds in the name, namespace and labels the sync
/// writes, against those of its targeted checks; `Some` with both when they differ.
fn differs_from_full_validation(
    policy: &BackendTrafficPolicy,
    tenant: &Tenant,
    errors: &backend_traffic_policy::ValidationErrors,
) -> Option<String> {
    let namespace = policy.metadata.namespace.as_deref()?;
    let name = policy.metadata.name.as_deref()?;
    let tenant_name = tenant.metadata.name.as_deref()?;
    let mut written = BackendTrafficPolicy::new(&sync::name(namespace, name), BackendTrafficPolicySpec::default());
    written.metadata.namespace = Some(format!("tenant-{tenant_name}"));
    let mut labels = policy.metadata.labels.clone().unwrap_or_default();
    for (key, value) in [
        (sync::LABEL_ORIGIN_NAME, name),
        (LABEL_ORIGIN_NAMESPACE, namespace),
        (sync::LABEL_MANAGED_BY, sync::MANAGED_BY),
        (sync::LABEL_TENANT, tenant_name),
    ] {
        labels.insert(key.to_owned(), value.to_owned());
    }
    written.metadata.labels = Some(labels);
    let metadata = |e: &backend_traffic_policy::ValidationError| e.path().starts_with("metadata.");
    let full: Vec<String> =
        written.validate().err().into_iter().flatten().filter(|e| metadata(e)).map(|e| e.to_string()).collect();
    let targeted: Vec<String> = errors.iter().filter(|e| metadata(e)).map(ToString::to_string).collect();
    (full != targeted)
        .then(|| format!("{name:?} of tenant {tenant_name:?}: validate() says {full:#?}, the sync {targeted:#?}"))
}
