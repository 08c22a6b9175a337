//! `envoy_gateway::merge`: a table of route policies merged into their parent, each row citing
//! the upstream code it pins, plus a differential run against apimachinery and json-patch
//! through the Envoy Gateway oracle's `mergecheck` (gated on `BTP_EG_ORACLE`).
// Test code: a panic here fails a test; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use backend_traffic_policy::{
    BackendTrafficPolicy,
    envoy_gateway::{Check, MergeError, Settings, StrategicFailure, merge, merge_objects},
};
use serde_json::{Value, json};

const SM: &str = "StrategicMerge";
const JM: &str = "JSONMerge";

/// A stored policy `ns/name` from a YAML spec.
fn policy(name: &str, spec: &str) -> BackendTrafficPolicy {
    let spec: Value = serde_saphyr::from_str(spec).unwrap();
    let doc = json!({
        "apiVersion": "gateway.envoyproxy.io/v1alpha1",
        "kind": "BackendTrafficPolicy",
        "metadata": {"namespace": "infra", "name": name},
        "spec": spec,
    });
    serde_json::from_value(doc).unwrap()
}

/// The parent: a Gateway policy with `spec` (targetRefs added when absent).
fn parent(spec: &str) -> BackendTrafficPolicy {
    let mut p = policy("gateway", spec);
    if p.spec.target_refs.is_none() && p.spec.target_ref.is_none() {
        p.spec.target_refs = Some(vec![backend_traffic_policy::TargetRef::gateway("eg")]);
    }
    p
}

/// The route policy: `spec` on HTTPRoute `shop`, with `mergeType`.
fn route(merge_type: &str, spec: &str) -> BackendTrafficPolicy {
    let mut r = policy("shop", spec);
    r.spec.target_refs.get_or_insert_with(|| vec![backend_traffic_policy::TargetRef::http_route("shop")]);
    r.spec.merge_type = Some(backend_traffic_policy::MergeType::from_wire(merge_type));
    r
}

fn spec_json(policy: &BackendTrafficPolicy) -> Value {
    serde_json::to_value(&policy.spec).unwrap()
}

/// One merge: the two specs, the merge type, and the expected merged spec without
/// `targetRefs` and `mergeType` (the route's, checked by the helper).
struct Row {
    pins: &'static str,
    mode: &'static str,
    parent: &'static str,
    route: &'static str,
    merged: &'static str,
}

const ROWS: &[Row] = &[
    Row {
        pins: "patch.go:1407-1416 mergeMap recurses into objects; route wins per key",
        mode: SM,
        parent: "{timeout: {tcp: {connectTimeout: 5s}, http: {requestTimeout: 10s}}}",
        route: "{timeout: {http: {connectionIdleTimeout: 60s, requestTimeout: 20s}}}",
        merged: "{timeout: {tcp: {connectTimeout: 5s}, http: {requestTimeout: 20s, connectionIdleTimeout: 60s}}}",
    },
    Row {
        pins: "RFC 7386 §2 / json-patch merge.go:29-51: objects merge member by member",
        mode: JM,
        parent: "{timeout: {tcp: {connectTimeout: 5s}, http: {requestTimeout: 10s}}}",
        route: "{timeout: {http: {connectionIdleTimeout: 60s}}}",
        merged: "{timeout: {tcp: {connectTimeout: 5s}, http: {requestTimeout: 10s, connectionIdleTimeout: 60s}}}",
    },
    Row {
        pins: "retry_types.go:50 httpStatusCodes has no patchStrategy: replaced (patch.go:1487-1491); \
               reference Corrections §6: the defaulted numRetries 2 replaces the parent's 5",
        mode: SM,
        parent: "{retry: {numRetries: 5, retryOn: {triggers: [reset], httpStatusCodes: [500, 502]}}}",
        route: "{retry: {retryOn: {httpStatusCodes: [503]}}}",
        merged: "{retry: {numRetries: 2, retryOn: {triggers: [reset], httpStatusCodes: [503]}}}",
    },
    Row {
        pins: "RFC 7386 §2: a list is a value and replaces; defaulted numRetries replaces",
        mode: JM,
        parent: "{retry: {numRetries: 5, retryOn: {triggers: [reset], httpStatusCodes: [500, 502]}}}",
        route: "{retry: {retryOn: {httpStatusCodes: [503]}}}",
        merged: "{retry: {numRetries: 2, retryOn: {triggers: [reset], httpStatusCodes: [503]}}}",
    },
    Row {
        pins: "backendtrafficpolicy_types.go:118 responseOverride has no patchStrategy: replaced",
        mode: SM,
        parent: "{responseOverride: [{match: {statusCodes: [{value: 500}]}, response: {statusCode: 503}}, \
                  {match: {statusCodes: [{value: 404}]}, response: {statusCode: 410}}]}",
        route: "{responseOverride: [{match: {statusCodes: [{value: 502}]}, response: {statusCode: 504}}]}",
        merged: "{responseOverride: [{match: {statusCodes: [{type: Value, value: 502}]}, response: {statusCode: 504}}]}",
    },
    Row {
        pins: "backendtrafficpolicy_types.go:107-110 compressor merged on type; patch.go:1606-1637 same type \
               merged in place, new type appended; patch.go:427-469 order (Zstd first: not in the parent)",
        mode: SM,
        parent: "{compressor: [{type: Gzip, minContentLength: 100}, {type: Brotli}]}",
        route: "{compressor: [{type: Zstd}, {type: Gzip, gzip: {}}]}",
        merged: "{compressor: [{type: Zstd}, {type: Gzip, gzip: {}, minContentLength: 100}, {type: Brotli}]}",
    },
    Row {
        pins: "patch.go:427-469 mergeSortedSlice: a parent-only entry stays ahead of a shared entry it \
               precedes in the parent (the reference's \"route entries first\" does not hold)",
        mode: SM,
        parent: "{compressor: [{type: Gzip}, {type: Brotli}]}",
        route: "{compressor: [{type: Brotli}, {type: Zstd}]}",
        merged: "{compressor: [{type: Gzip}, {type: Brotli}, {type: Zstd}]}",
    },
    Row {
        pins: "backendtrafficpolicy_types.go:97-100 deprecated compression merged on type too",
        mode: SM,
        parent: "{compression: [{type: Gzip}]}",
        route: "{compression: [{type: Brotli}]}",
        merged: "{compression: [{type: Brotli}, {type: Gzip}]}",
    },
    Row {
        pins: "backendtrafficpolicy_types.go:125-127 httpUpgrade merged on type: same type merged, new type first",
        mode: SM,
        parent: "{httpUpgrade: [{type: websocket}, {type: CONNECT}]}",
        route: "{httpUpgrade: [{type: CONNECT, connect: {terminate: true}}, {type: h2c}]}",
        merged: "{httpUpgrade: [{type: websocket}, {type: CONNECT, connect: {terminate: true}}, {type: h2c}]}",
    },
    Row {
        pins: "RFC 7386 §2: JSONMerge replaces the merge-key lists too",
        mode: JM,
        parent: "{compressor: [{type: Gzip}, {type: Brotli}], httpUpgrade: [{type: websocket}]}",
        route: "{compressor: [{type: Zstd}]}",
        merged: "{compressor: [{type: Zstd}], httpUpgrade: [{type: websocket}]}",
    },
    Row {
        pins: "Go encoding/json omitempty: the route's empty compressor is left out and inherits \
               (backendtrafficpolicy_types.go:110); an absent field inherits (merge.go:71-77)",
        mode: SM,
        parent: "{compressor: [{type: Gzip}], loadBalancer: {type: Random}}",
        route: "{compressor: []}",
        merged: "{compressor: [{type: Gzip}], loadBalancer: {type: Random}}",
    },
    Row {
        pins: "Go encoding/json omitempty under JSONMerge: an empty route list does not clear the parent's",
        mode: JM,
        parent: "{retry: {retryOn: {httpStatusCodes: [500]}}}",
        route: "{retry: {retryOn: {httpStatusCodes: []}}}",
        merged: "{retry: {numRetries: 2, retryOn: {httpStatusCodes: [500]}}}",
    },
    Row {
        pins: "backendtrafficpolicy_types.go:216 requestBuffer.limit is a resource.Quantity value: \
               Go writes limit \"0\" for a route requestBuffer without one",
        mode: SM,
        parent: "{requestBuffer: {limit: 1Mi}}",
        route: "{requestBuffer: {}}",
        merged: "{requestBuffer: {limit: '0'}}",
    },
    Row {
        pins: "T49 (btp:1567-1571): route requestBuffer + parent httpUpgrade merge into a policy with both",
        mode: SM,
        parent: "{httpUpgrade: [{type: websocket}]}",
        route: "{requestBuffer: {limit: 4Mi}}",
        merged: "{httpUpgrade: [{type: websocket}], requestBuffer: {limit: 4Mi}}",
    },
    Row {
        pins: "T49 under JSONMerge",
        mode: JM,
        parent: "{httpUpgrade: [{type: websocket}]}",
        route: "{requestBuffer: {limit: 4Mi}}",
        merged: "{httpUpgrade: [{type: websocket}], requestBuffer: {limit: 4Mi}}",
    },
    Row {
        pins: "raw JSON (loadbalancer_types.go:305) under JSONMerge: nested objects merge (RFC 7386 §2)",
        mode: JM,
        parent: "{loadBalancer: {type: RoundRobin, dynamicModule: {name: m, lbPolicyName: p, config: {a: 1, b: {c: 2}}}}}",
        route: "{loadBalancer: {type: RoundRobin, dynamicModule: {name: m, lbPolicyName: p, config: {b: {d: 3}}}}}",
        merged: "{loadBalancer: {type: RoundRobin, dynamicModule: {name: m, lbPolicyName: p, config: {a: 1, b: {c: 2, d: 3}}}}}",
    },
    Row {
        pins: "patch.go:1428-1433: scalar members of raw JSON merge under StrategicMerge, route wins",
        mode: SM,
        parent: "{loadBalancer: {type: RoundRobin, dynamicModule: {name: m, lbPolicyName: p, config: {a: 1, b: 2}}}}",
        route: "{loadBalancer: {type: RoundRobin, dynamicModule: {name: m, lbPolicyName: p, config: {b: 5, c: 3}}}}",
        merged: "{loadBalancer: {type: RoundRobin, dynamicModule: {name: m, lbPolicyName: p, config: {a: 1, b: 5, c: 3}}}}",
    },
    Row {
        pins: "patch.go:907-923 `$patch: delete` in a free-form map empties it",
        mode: SM,
        parent: "{loadBalancer: {type: ConsistentHash, consistentHash: {type: Cookie, cookie: {name: c, attributes: {a: x}}}}}",
        route: "{loadBalancer: {type: ConsistentHash, consistentHash: {type: Cookie, cookie: {name: c, attributes: {$patch: delete}}}}}",
        merged: "{loadBalancer: {type: ConsistentHash, consistentHash: {type: Cookie, tableSize: 65537, cookie: {name: c, attributes: {}}}}}",
    },
    Row {
        pins: "patch.go:1282-1320 removeDirectives: a `$patch` map the parent lacks is dropped",
        mode: SM,
        parent: "{loadBalancer: {type: ConsistentHash, consistentHash: {type: Cookie, cookie: {name: c}}}}",
        route: "{loadBalancer: {type: ConsistentHash, consistentHash: {type: Cookie, cookie: {name: c, attributes: {$patch: replace, a: x}}}}}",
        merged: "{loadBalancer: {type: ConsistentHash, consistentHash: {type: Cookie, tableSize: 65537, cookie: {name: c}}}}",
    },
    Row {
        pins: "shared_types.go:999 tags is map[string]string: merged key by key",
        mode: SM,
        parent: "{telemetry: {tracing: {tags: {a: '1', b: '2'}}}}",
        route: "{telemetry: {tracing: {tags: {b: '3'}}}}",
        merged: "{telemetry: {tracing: {tags: {a: '1', b: '3'}}}}",
    },
];

fn check_row(row: &Row) {
    let p = parent(row.parent);
    let r = route(row.mode, row.route);
    let merged = merge_objects(&p, &r).unwrap_or_else(|e| panic!("{}: {e}", row.pins));
    let mut expected: Value = serde_saphyr::from_str(row.merged).unwrap();
    expected["targetRefs"] = json!([{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "shop"}]);
    expected["mergeType"] = json!(row.mode);
    assert_eq!(spec_json(&merged), expected, "{}", row.pins);
    // Without rate limits in both, merge and merge_objects agree.
    assert_eq!(merge(&p, &r).unwrap(), merged, "{}", row.pins);
}

#[test]
fn table() {
    for row in ROWS {
        check_row(row);
    }
}

/// One rate-limit merge: the rate limit of the object `utils.Merge` returns (what Envoy Gateway
/// checks) and of the policy it applies after its IR merge (btp:1290-1311).
struct RateLimitRow {
    pins: &'static str,
    mode: &'static str,
    parent: &'static str,
    route: &'static str,
    checked: &'static str,
    applied: &'static str,
}

const A: &str = "{clientSelectors: [{headers: [{name: x-user, type: Distinct}]}], limit: {requests: 10, unit: Second}}";

const RATE_LIMIT_ROWS: &[RateLimitRow] = &[
    RateLimitRow {
        pins: "xds.go:2868 IR global.rules merged by name (names embed the policy): union, route first",
        mode: SM,
        parent: "{global: {rules: [{limit: {requests: 10, unit: Second}}]}}",
        route: "{global: {rules: [{limit: {requests: 5, unit: Minute}}]}}",
        checked: "{global: {rules: [{limit: {requests: 5, unit: Minute}}]}}",
        applied: "{global: {rules: [{limit: {requests: 5, unit: Minute}}, {limit: {requests: 10, unit: Second}}]}}",
    },
    RateLimitRow {
        pins: "IR JSONMerge: the route's non-empty global.rules replace the parent's",
        mode: JM,
        parent: "{global: {rules: [{limit: {requests: 10, unit: Second}}]}}",
        route: "{global: {rules: [{limit: {requests: 5, unit: Minute}}]}}",
        checked: "{global: {rules: [{limit: {requests: 5, unit: Minute}}]}}",
        applied: "{global: {rules: [{limit: {requests: 5, unit: Minute}}]}}",
    },
    RateLimitRow {
        pins: "btp:1823-1849 + xds.go:2909: the route's default bucket (none: 4294967295/Second) with the \
               parent's X-RateLimit option (omitempty pointer), selector rules unioned",
        mode: SM,
        parent: "{local: {rules: [{limit: {requests: 100, unit: Minute}, xRateLimitHeaders: 'Off'}, \
                 {clientSelectors: [{path: {value: /p}}], limit: {requests: 10, unit: Minute}}]}}",
        route: "{local: {rules: [{clientSelectors: [{path: {value: /r}}], limit: {requests: 5, unit: Hour}}]}}",
        checked: "{local: {rules: [{clientSelectors: [{path: {type: PathPrefix, value: /r, invert: false}}], limit: {requests: 5, unit: Hour}}]}}",
        applied: "{local: {rules: [{limit: {requests: 4294967295, unit: Second}, xRateLimitHeaders: 'Off'}, \
                  {clientSelectors: [{path: {type: PathPrefix, value: /r, invert: false}}], limit: {requests: 5, unit: Hour}}, \
                  {clientSelectors: [{path: {type: PathPrefix, value: /p, invert: false}}], limit: {requests: 10, unit: Minute}}]}}",
    },
    RateLimitRow {
        pins: "IR JSONMerge: route default bucket; the route has no selector rules (empty IR list, omitempty) \
               so the parent's survive",
        mode: JM,
        parent: "{local: {rules: [{limit: {requests: 100, unit: Minute}}, \
                 {clientSelectors: [{path: {value: /p}}], limit: {requests: 10, unit: Minute}}]}}",
        route: "{local: {rules: [{limit: {requests: 50, unit: Minute}}]}}",
        checked: "{local: {rules: [{limit: {requests: 50, unit: Minute}}]}}",
        applied: "{local: {rules: [{limit: {requests: 50, unit: Minute}}, \
                  {clientSelectors: [{path: {type: PathPrefix, value: /p, invert: false}}], limit: {requests: 10, unit: Minute}}]}}",
    },
    RateLimitRow {
        pins: "ratelimit_types.go:72 local.rules is not omitempty: the route's rule-less local writes \
               rules: null and deletes the parent's in the checked object",
        mode: SM,
        parent: "{local: {rules: [{clientSelectors: [{path: {value: /p}}], limit: {requests: 10, unit: Minute}}]}}",
        route: "{local: {}}",
        checked: "{local: {}}",
        applied: "{local: {rules: [{clientSelectors: [{path: {type: PathPrefix, value: /p, invert: false}}], limit: {requests: 10, unit: Minute}}]}}",
    },
    RateLimitRow {
        pins: "same under JSONMerge (RFC 7386: null deletes)",
        mode: JM,
        parent: "{local: {rules: [{clientSelectors: [{path: {value: /p}}], limit: {requests: 10, unit: Minute}}]}}",
        route: "{local: {}}",
        checked: "{local: {}}",
        applied: "{local: {rules: [{clientSelectors: [{path: {type: PathPrefix, value: /p, invert: false}}], limit: {requests: 10, unit: Minute}}]}}",
    },
    RateLimitRow {
        pins: "a block only one side has survives both merges (objects merge)",
        mode: SM,
        parent: "{global: {rules: [{limit: {requests: 10, unit: Second}}]}}",
        route: "{local: {rules: [{limit: {requests: 5, unit: Second}}]}}",
        checked: "{global: {rules: [{limit: {requests: 10, unit: Second}}]}, local: {rules: [{limit: {requests: 5, unit: Second}}]}}",
        applied: "{global: {rules: [{limit: {requests: 10, unit: Second}}]}, local: {rules: [{limit: {requests: 5, unit: Second}}]}}",
    },
    RateLimitRow {
        pins: "btp:1801-1813 + S01: each side's IR follows its own deprecated type (the parent's local is \
               not built); the checked object inherits type Global",
        mode: SM,
        parent: "{type: Global, global: {rules: [{limit: {requests: 10, unit: Second}}]}, local: {rules: [{limit: {requests: 1, unit: Second}}]}}",
        route: "{local: {rules: [{limit: {requests: 5, unit: Second}}]}}",
        checked: "{type: Global, global: {rules: [{limit: {requests: 10, unit: Second}}]}, local: {rules: [{limit: {requests: 5, unit: Second}}]}}",
        applied: "{global: {rules: [{limit: {requests: 10, unit: Second}}]}, local: {rules: [{limit: {requests: 5, unit: Second}}]}}",
    },
    RateLimitRow {
        pins: "btp:1810: an unknown type fails the build, so Envoy Gateway keeps the checked object's rate limit",
        mode: SM,
        parent: "{type: Both, global: {rules: [{limit: {requests: 10, unit: Second}}]}}",
        route: "{global: {rules: [{limit: {requests: 5, unit: Second}}]}}",
        checked: "{type: Both, global: {rules: [{limit: {requests: 5, unit: Second}}]}}",
        applied: "{type: Both, global: {rules: [{limit: {requests: 5, unit: Second}}]}}",
    },
];

#[test]
fn rate_limits() {
    for row in RATE_LIMIT_ROWS {
        let p = parent(&format!("{{rateLimit: {}}}", row.parent));
        let r = route(row.mode, &format!("{{rateLimit: {}}}", row.route));
        let checked: Value = serde_saphyr::from_str(row.checked).unwrap();
        let applied: Value = serde_saphyr::from_str(row.applied).unwrap();
        let objects = merge_objects(&p, &r).unwrap();
        assert_eq!(spec_json(&objects)["rateLimit"], checked, "checked: {}", row.pins);
        let merged = merge(&p, &r).unwrap();
        assert_eq!(spec_json(&merged)["rateLimit"], applied, "applied: {}", row.pins);
        // Only the rate limit differs between the two.
        let mut rest = merged.clone();
        rest.spec.rate_limit = objects.spec.rate_limit.clone();
        assert_eq!(rest, objects, "{}", row.pins);
    }
    // Only the parent sets rateLimit: its own (btp:1306-1311), also in the merged object.
    let p = parent(&format!("{{rateLimit: {{global: {{rules: [{A}]}}}}}}"));
    let r = route(SM, "{retry: {numRetries: 1}}");
    assert_eq!(merge(&p, &r).unwrap().spec.rate_limit, p.with_defaults().spec.rate_limit);
}

/// Whole objects: targets, metadata and status (merge.go:31-64 marshals the whole objects).
#[test]
fn whole_objects() {
    // Rows: (pins, mode, parent, route, JSON pointer, expected value).
    let rows: &[(&str, &str, Value, Value, &str, Value)] = &[
        (
            "policy_helpers.go:34-38: a parent's deprecated targetRef survives a route using targetRefs",
            SM,
            json!({"spec": {"targetRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "eg"}}}),
            json!({}),
            "/spec/targetRef/name",
            json!("eg"),
        ),
        (
            "same under JSONMerge",
            JM,
            json!({"spec": {"targetRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "eg"}}}),
            json!({}),
            "/spec/targetRef/name",
            json!("eg"),
        ),
        (
            "targetRefs is a plain list: the route's",
            SM,
            json!({}),
            json!({}),
            "/spec/targetRefs",
            json!([{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "shop"}]),
        ),
        (
            "metadata.name/namespace are the route's (btp:1459-1469 names IR after the merged object)",
            SM,
            json!({}),
            json!({}),
            "/metadata/name",
            json!("shop"),
        ),
        (
            "ObjectMeta.Labels is map[string]string: merged key by key under StrategicMerge",
            SM,
            json!({"metadata": {"labels": {"team": "infra", "tier": "gateway"}}}),
            json!({"metadata": {"labels": {"tier": "route"}}}),
            "/metadata/labels",
            json!({"team": "infra", "tier": "route"}),
        ),
        (
            "and under JSONMerge (RFC 7386 objects merge)",
            JM,
            json!({"metadata": {"annotations": {"a": "1"}}}),
            json!({"metadata": {"annotations": {"b": "2"}}}),
            "/metadata/annotations",
            json!({"a": "1", "b": "2"}),
        ),
        (
            "metav1.Time marshals a zero time as null: the route's missing creationTimestamp deletes the parent's",
            SM,
            json!({"metadata": {"creationTimestamp": "2024-01-01T00:00:00Z"}}),
            json!({}),
            "/metadata/creationTimestamp",
            Value::Null,
        ),
        (
            "ObjectMeta.UID is an omitempty string: the route's absent uid keeps the parent's",
            JM,
            json!({"metadata": {"uid": "parent-uid"}}),
            json!({}),
            "/metadata/uid",
            json!("parent-uid"),
        ),
        (
            "ObjectMeta.Finalizers carries patchStrategy=merge: union, a new route entry first (patch.go:1519-1548)",
            SM,
            json!({"metadata": {"finalizers": ["a"]}}),
            json!({"metadata": {"finalizers": ["b"]}}),
            "/metadata/finalizers",
            json!(["b", "a"]),
        ),
        (
            "PolicyStatus.Ancestors is not omitempty: the route's (here none) replaces the parent's",
            SM,
            json!({"status": {"ancestors": [{"ancestorRef": {"name": "eg"}, "controllerName": "x.io/c", "conditions": []}]}}),
            json!({}),
            "/status",
            Value::Null,
        ),
    ];
    for (pins, mode, p_extra, r_extra, pointer, expected) in rows {
        let mut p = serde_json::to_value(parent("{}")).unwrap();
        let mut r = serde_json::to_value(route(mode, "{}")).unwrap();
        if p_extra.pointer("/spec/targetRef").is_some() {
            p["spec"].as_object_mut().unwrap().remove("targetRefs");
        }
        json_patch_merge(&mut p, p_extra);
        json_patch_merge(&mut r, r_extra);
        let p: BackendTrafficPolicy = serde_json::from_value(p).unwrap();
        let r: BackendTrafficPolicy = serde_json::from_value(r).unwrap();
        let merged = serde_json::to_value(merge(&p, &r).unwrap()).unwrap();
        assert_eq!(merged.pointer(pointer).unwrap_or(&Value::Null), expected, "{pins}");
    }
}

/// Adds the members of `extra` to `doc` (test data builder).
fn json_patch_merge(doc: &mut Value, extra: &Value) {
    match (doc, extra) {
        (Value::Object(d), Value::Object(e)) => {
            for (k, v) in e {
                json_patch_merge(d.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (d, e) => *d = e.clone(),
    }
}

#[test]
fn errors() {
    let spec = "{retry: {numRetries: 1}}";
    let mut no_merge_type = route(SM, spec);
    no_merge_type.spec.merge_type = None;
    let custom = |tag: &str| format!("{{telemetry: {{tracing: {{customTags: {{env: {{type: {tag}}}}}}}}}}}");
    let config = |c: &str| {
        format!("{{loadBalancer: {{type: RoundRobin, dynamicModule: {{name: m, lbPolicyName: p, config: {c}}}}}}}")
    };
    let cookie = |attrs: &str| {
        format!(
            "{{loadBalancer: {{type: ConsistentHash, consistentHash: {{type: Cookie, cookie: {{name: c, attributes: {attrs}}}}}}}}}"
        )
    };
    let strategic = |path: &str, failure| MergeError::Strategic { path: path.to_owned(), failure };
    // Rows: (pins, parent, route, expected error).
    let rows: Vec<(&str, BackendTrafficPolicy, BackendTrafficPolicy, MergeError)> = vec![
        (
            "btp:705: no mergeType, no merge",
            parent(spec),
            no_merge_type,
            MergeError::NoMergeType { route: "infra/shop".into() },
        ),
        (
            "merge.go:55 unsupported merge type (Replace, refused by R43 too)",
            parent(spec),
            route("Replace", spec),
            MergeError::UnsupportedMergeType { route: "infra/shop".into(), merge_type: "Replace".into() },
        ),
        (
            "shared_types.go:990 customTags is map[string]CustomTag: fields.go:35-38 refuses a shared key",
            parent(&custom("Literal")),
            route(SM, &custom("Environment")),
            strategic("spec.telemetry.tracing.customTags.env", StrategicFailure::NotAStruct),
        ),
        (
            "apiextensionsv1.JSON has no JSON fields: fields.go:68 refuses a shared nested key",
            parent(&config("{b: {c: 1}}")),
            route(SM, &config("{b: {d: 1}}")),
            strategic("spec.loadBalancer.dynamicModule.config.b", StrategicFailure::NoSuchField { field: "b".into() }),
        ),
        (
            "patch.go:922 an unknown $patch value",
            parent(&cookie("{a: x}")),
            route(SM, &cookie("{$patch: bogus}")),
            strategic(
                "spec.loadBalancer.consistentHash.cookie.attributes",
                StrategicFailure::BadDirective { value: "bogus".into() },
            ),
        ),
        (
            "patch.go:1047-1108 $retainKeys: not interpreted here",
            parent(&cookie("{a: x}")),
            route(SM, &cookie("{$retainKeys: x}")),
            strategic(
                "spec.loadBalancer.consistentHash.cookie.attributes",
                StrategicFailure::UnsupportedDirective { key: "$retainKeys".into() },
            ),
        ),
    ];
    for (pins, p, r, expected) in rows {
        assert_eq!(merge(&p, &r), Err(expected.clone()), "{pins}");
        assert_eq!(merge_objects(&p, &r), Err(expected), "{pins}");
    }
    // The same customTags merge fine under JSONMerge: the route's tag wins.
    let merged = merge(&parent(&custom("Literal")), &route(JM, &custom("Environment"))).unwrap();
    assert_eq!(spec_json(&merged)["telemetry"]["tracing"]["customTags"], json!({"env": {"type": "Environment"}}));
    // Display names the path and the cause.
    let err = merge(&parent(&custom("Literal")), &route(SM, &custom("Environment"))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "strategic merge fails at spec.telemetry.tracing.customTags.env: merging an object in json but data type is not struct, instead is: map"
    );
}

/// T49: route `requestBuffer` + parent `httpUpgrade`. CEL rule R08 sees one object only, so each
/// policy is stored; the merged one breaks it.
fn t49_merged() -> BackendTrafficPolicy {
    merge(&parent("{httpUpgrade: [{type: websocket}]}"), &route(SM, "{requestBuffer: {limit: 4Mi}}")).unwrap()
}

#[test]
fn t49_merged_policy_breaks_r08() {
    let merged = t49_merged();
    assert!(merged.spec.request_buffer.is_some() && merged.spec.http_upgrade.is_some());
    let errors = merged.validate().unwrap_err();
    assert!(
        errors.to_string().contains("requestBuffer cannot be used together with httpUpgrade"),
        "R08 on the merged object: {errors}"
    );
}

/// T49 (btp:1567-1571): Envoy Gateway runs every check on the merged spec, and its RequestBuffer
/// builder refuses the combination with a second `RequestBuffer` line.
#[test]
fn t49_verdict_rejects_the_merged_policy() {
    let merged = t49_merged();
    let verdict = merged.envoy_gateway_verdict(&Settings::default());
    let rejection = verdict.rejection().expect("the merged policy is refused");
    assert_eq!(rejection.failures().iter().map(|f| f.check).collect::<Vec<_>>(), [Check::T49]);
    assert_eq!(rejection.to_string(), "RequestBuffer: requestBuffer cannot be used together with httpUpgrade.");
}

// ---------------------------------------------------------------------------------------------
// Differential run against the oracle's `mergecheck` (apimachinery's StrategicMergePatch with a
// Go mirror of the spec's patch tags, and evanphx/json-patch's MergePatch).

mod differential {
    use std::{path::PathBuf, process::Command};

    use proptest::{collection::vec, option, prelude::*, sample::select};

    use super::*;

    /// `BTP_EG_ORACLE/mergecheck`, or `None` (the test is skipped) when the variable is unset.
    fn mergecheck() -> Option<PathBuf> {
        let Some(dir) = std::env::var_os("BTP_EG_ORACLE") else {
            eprintln!("SKIPPED: BTP_EG_ORACLE is unset");
            return None;
        };
        let exe = PathBuf::from(dir).join("mergecheck");
        assert!(exe.is_file(), "BTP_EG_ORACLE has no mergecheck: {}", exe.display());
        Some(exe)
    }

    /// The spec as Go's `json.Marshal` writes it for the fields the mirror covers: empty lists
    /// left out (`omitempty`) except the rate-limit `rules` (ratelimit_types.go:58, 72), a
    /// rule-less `local` written with `rules: null`.
    fn go_spec(policy: &BackendTrafficPolicy) -> Value {
        fn omit(v: &mut Value) {
            match v {
                Value::Object(m) => {
                    m.retain(|k, v| k == "rules" || !matches!(v, Value::Array(a) if a.is_empty()));
                    m.values_mut().for_each(omit);
                }
                Value::Array(a) => a.iter_mut().for_each(omit),
                _ => {}
            }
        }
        let mut spec = spec_json(&policy.with_defaults());
        omit(&mut spec);
        if let Some(local) = spec.pointer_mut("/rateLimit/local").and_then(Value::as_object_mut) {
            local.entry("rules").or_insert(Value::Null);
        }
        spec
    }

    fn drop_nulls(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.retain(|_, v| !v.is_null());
                m.values_mut().for_each(drop_nulls);
            }
            Value::Array(a) => a.iter_mut().for_each(drop_nulls),
            _ => {}
        }
    }

    /// The oracle's merge of the two specs.
    fn oracle(exe: &PathBuf, mode: &str, p: &BackendTrafficPolicy, r: &BackendTrafficPolicy) -> Value {
        static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("btp-mergecheck-{}-{call}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (pf, rf) = (dir.join("parent.json"), dir.join("route.json"));
        std::fs::write(&pf, go_spec(p).to_string()).unwrap();
        std::fs::write(&rf, go_spec(r).to_string()).unwrap();
        let out = Command::new(exe).arg(mode).arg(&pf).arg(&rf).output().unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(out.status.success(), "mergecheck: {}", String::from_utf8_lossy(&out.stdout));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Our merged object's spec against the oracle's.
    fn agree(exe: &PathBuf, mode: &str, p: &BackendTrafficPolicy, r: &BackendTrafficPolicy) -> Result<(), String> {
        let ours = spec_json(&merge_objects(p, r).map_err(|e| e.to_string())?);
        let mut theirs = oracle(exe, mode, p, r);
        // mergecheck prints the merged JSON; utils.Merge then unmarshals it into the Go types,
        // where a null (a parent's `local.rules: null`) is an unset field.
        drop_nulls(&mut theirs);
        if ours == theirs { Ok(()) } else { Err(format!("{mode}\n ours:   {ours}\n oracle: {theirs}")) }
    }

    /// The spec fields the oracle's Go mirror covers (mergecheck/main.go `Spec`).
    const COVERED: &[&str] = &[
        "targetRefs",
        "mergeType",
        "rateLimit",
        "retry",
        "timeout",
        "compression",
        "compressor",
        "httpUpgrade",
        "responseOverride",
    ];

    #[test]
    fn table_rows_agree_with_the_oracle() {
        let Some(exe) = mergecheck() else { return };
        let mut compared = 0;
        for row in ROWS {
            let (p, r) = (parent(row.parent), route(row.mode, row.route));
            let keys = [spec_json(&p), spec_json(&r)];
            if keys.iter().all(|s| s.as_object().unwrap().keys().all(|k| COVERED.contains(&k.as_str()))) {
                agree(&exe, row.mode, &p, &r).unwrap_or_else(|e| panic!("{}: {e}", row.pins));
                compared += 1;
            }
        }
        for row in RATE_LIMIT_ROWS {
            let p = parent(&format!("{{rateLimit: {}}}", row.parent));
            let r = route(row.mode, &format!("{{rateLimit: {}}}", row.route));
            agree(&exe, row.mode, &p, &r).unwrap_or_else(|e| panic!("{}: {e}", row.pins));
            compared += 1;
        }
        eprintln!("mergecheck agreed on {compared} table rows");
        assert!(compared >= 20, "only {compared} rows compared");
    }

    /// A JSON object of the members that are `Some`.
    fn object(members: Vec<(&'static str, Option<Value>)>) -> Value {
        Value::Object(members.into_iter().filter_map(|(k, v)| v.map(|v| (k.to_owned(), v))).collect())
    }

    fn duration() -> impl Strategy<Value = Value> {
        select(vec!["1s", "2s", "250ms", "1m"]).prop_map(Value::from)
    }

    fn retry() -> impl Strategy<Value = Value> {
        let retry_on = (
            option::of(vec(select(vec!["reset", "connect-failure", "retriable-status-codes"]), 0..3)),
            option::of(vec(500..505_i64, 0..3)),
        )
            .prop_map(|(t, c)| object(vec![("triggers", t.map(Value::from)), ("httpStatusCodes", c.map(Value::from))]));
        let back_off = (option::of(duration()), option::of(duration()))
            .prop_map(|(b, m)| object(vec![("baseInterval", b), ("maxInterval", m)]));
        let per_retry = (option::of(duration()), option::of(back_off))
            .prop_map(|(t, b)| object(vec![("timeout", t), ("backOff", b)]));
        (option::of(0..5_i64), option::of(retry_on), option::of(per_retry))
            .prop_map(|(n, o, p)| object(vec![("numRetries", n.map(Value::from)), ("retryOn", o), ("perRetry", p)]))
    }

    fn timeout() -> impl Strategy<Value = Value> {
        let tcp = option::of(duration()).prop_map(|c| object(vec![("connectTimeout", c)]));
        let http = (option::of(duration()), option::of(duration()), option::of(duration())).prop_map(|(a, b, c)| {
            object(vec![("requestTimeout", a), ("connectionIdleTimeout", b), ("maxConnectionDuration", c)])
        });
        (option::of(tcp), option::of(http)).prop_map(|(t, h)| object(vec![("tcp", t), ("http", h)]))
    }

    /// A merge-key list: types drawn with repetition (duplicates included), optional settings.
    fn compressors() -> impl Strategy<Value = Value> {
        let entry =
            (select(vec!["Gzip", "Brotli", "Zstd"]), any::<bool>(), option::of(select(vec![30_i64, 100, 1000])))
                .prop_map(|(t, settings, min)| {
                    let key = t.to_lowercase();
                    let mut e = object(vec![("type", Some(t.into())), ("minContentLength", min.map(Value::from))]);
                    if settings {
                        e[key] = json!({});
                    }
                    e
                });
        vec(entry, 0..4).prop_map(Value::from)
    }

    fn upgrades() -> impl Strategy<Value = Value> {
        let entry = (select(vec!["websocket", "CONNECT", "h2c", "spdy/3.1"]), option::of(any::<bool>())).prop_map(
            |(t, terminate)| {
                let connect = terminate.filter(|_| t == "CONNECT").map(|b| json!({"terminate": b}));
                object(vec![("type", Some(t.into())), ("connect", connect)])
            },
        );
        vec(entry, 0..4).prop_map(Value::from)
    }

    fn overrides() -> impl Strategy<Value = Value> {
        vec((500..505_i64, 200..204_i64), 1..3).prop_map(|v| {
            Value::from(
                v.into_iter()
                    .map(|(m, s)| json!({"match": {"statusCodes": [{"value": m}]}, "response": {"statusCode": s}}))
                    .collect::<Vec<_>>(),
            )
        })
    }

    fn rules() -> impl Strategy<Value = Value> {
        let rule = (1..100_i64, select(vec!["Second", "Minute", "Hour"]), any::<bool>()).prop_map(|(n, u, sel)| {
            let mut r = json!({"limit": {"requests": n, "unit": u}});
            if sel {
                r["clientSelectors"] = json!([{"path": {"value": "/p"}}]);
            }
            r
        });
        vec(rule, 0..3).prop_map(Value::from)
    }

    fn rate_limit() -> impl Strategy<Value = Value> {
        let global = rules().prop_map(|r| json!({"rules": r}));
        let local = option::of(rules()).prop_map(|r| object(vec![("rules", r)]));
        (option::of(global), option::of(local)).prop_map(|(g, l)| object(vec![("global", g), ("local", l)]))
    }

    fn spec() -> impl Strategy<Value = Value> {
        (
            option::of(retry()),
            option::of(timeout()),
            option::of(compressors()),
            option::of(compressors()),
            option::of(upgrades()),
            option::of(overrides()),
            option::of(rate_limit()),
        )
            .prop_map(|(retry, timeout, compression, compressor, upgrade, overrides, rl)| {
                object(vec![
                    ("retry", retry),
                    ("timeout", timeout),
                    ("compression", compression),
                    ("compressor", compressor),
                    ("httpUpgrade", upgrade),
                    ("responseOverride", overrides),
                    ("rateLimit", rl),
                ])
            })
    }

    fn with_spec(mut policy: BackendTrafficPolicy, spec: Value) -> BackendTrafficPolicy {
        let mut doc = serde_json::to_value(&policy).unwrap();
        json_patch_merge(&mut doc["spec"], &spec);
        policy = serde_json::from_value(doc).unwrap();
        policy
    }

    proptest! {
        // 256 cases; PROPTEST_CASES raises it for a longer run.
        #![proptest_config(ProptestConfig {
            cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Generated spec pairs over the mirror's fields: ours equals apimachinery's and
        /// json-patch's merge of the Go JSON, under both merge types.
        #[test]
        fn generated_pairs_agree_with_the_oracle(p in spec(), r in spec(), strategic in any::<bool>()) {
            let Some(exe) = mergecheck() else { return Ok(()) };
            let mode = if strategic { SM } else { JM };
            let p = with_spec(parent("{}"), p);
            let r = with_spec(route(mode, "{}"), r);
            if let Err(e) = agree(&exe, mode, &p, &r) {
                prop_assert!(false, "{}", e);
            }
        }
    }
}
