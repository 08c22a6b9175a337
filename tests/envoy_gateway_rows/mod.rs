//! Our table of Envoy Gateway verdict rows (T16-T35, T49), shared by the check test and the oracle test.
#![allow(dead_code)]

use backend_traffic_policy::BackendTrafficPolicy;
use serde_json::{Value, json};

/// One row: where it comes from, the spec fields set besides the HTTPRoute target, whether the
/// API server would store it (`validate()` passes), and the condition message (`None`: accepted).
pub struct Row {
    pub source: &'static str,
    pub spec: Value,
    pub stored: bool,
    pub message: Option<&'static str>,
}

/// The policy of a row, as the API server stores it (CRD defaults applied).
pub fn policy(row: &Row) -> BackendTrafficPolicy {
    let mut spec =
        json!({"targetRefs": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "backend"}]});
    for (k, v) in row.spec.as_object().expect("spec rows are objects") {
        spec[k] = v.clone();
    }
    let object = json!({
        "apiVersion": "gateway.envoyproxy.io/v1alpha1",
        "kind": "BackendTrafficPolicy",
        "metadata": {"name": "row", "namespace": "default"},
        "spec": spec,
    });
    let policy: BackendTrafficPolicy =
        serde_json::from_value(object).unwrap_or_else(|e| panic!("{}: does not parse: {e}", row.source));
    policy.with_defaults()
}

fn bw(direction: &str, value: Value, unit: &str) -> Value {
    json!({"bandwidthLimit": {direction: {"limit": {"value": value, "unit": unit}}}})
}

fn ch(size: i64) -> Value {
    json!({"loadBalancer": {"type": "ConsistentHash", "consistentHash": {"type": "SourceIP", "tableSize": size}}})
}

fn back_off(base: Option<&str>, max: Option<&str>) -> Value {
    let mut b = json!({});
    if let Some(base) = base {
        b["baseInterval"] = json!(base);
    }
    if let Some(max) = max {
        b["maxInterval"] = json!(max);
    }
    json!({"retry": {"perRetry": {"backOff": b}}})
}

fn buffer(limit: Value) -> Value {
    json!({"connection": {"bufferLimit": limit}})
}

fn h2(stream: Option<Value>, connection: Option<Value>) -> Value {
    let mut h = json!({});
    if let Some(s) = stream {
        h["initialStreamWindowSize"] = s;
    }
    if let Some(c) = connection {
        h["initialConnectionWindowSize"] = c;
    }
    json!({"http2": h})
}

fn request_buffer(limit: Value) -> Value {
    json!({"requestBuffer": {"limit": limit}})
}

fn stat(name: &str) -> Value {
    json!({"telemetry": {"metrics": {"routeStatName": name}}})
}

fn merge(parts: &[Value]) -> Value {
    let mut out = json!({});
    for part in parts {
        for (k, v) in part.as_object().unwrap() {
            out[k] = v.clone();
        }
    }
    out
}

/// Every row. `btp` = internal/gatewayapi/backendtrafficpolicy.go, `cs` = clustersettings.go,
/// `http` = http.go, `epv` = api/v1alpha1/validation/envoyproxy_validate.go, all at v1.9.0;
/// `quantity.go` is k8s.io/apimachinery v0.36.3 pkg/api/resource/quantity.go.
pub fn rows() -> Vec<Row> {
    let r = |source, spec, stored, message| Row { source, spec, stored, message };
    vec![
        // BandwidthLimit, btp:2164-2229.
        r(
            "T16 btp:2172-2175 request 10E overflows int64",
            bw("request", json!("10E"), "Second"),
            true,
            Some("BandwidthLimit: request limit value must be convertible to an int64."),
        ),
        r(
            "T16 btp:2172-2175 + quantity.go:310 1Pi is an inf.Dec though it fits",
            bw("request", json!("1Pi"), "Second"),
            true,
            Some("BandwidthLimit: request limit value must be convertible to an int64."),
        ),
        r("T16 edge btp:2172 9E fits int64", bw("request", json!("9E"), "Second"), true, None),
        r(
            "T17 btp:2176-2178 negative JSON integer",
            bw("request", json!(-1), "Second"),
            true,
            Some("BandwidthLimit: request limit value must be positive."),
        ),
        r(
            "T18 btp:2179-2182,2226 integer 0",
            bw("request", json!(0), "Second"),
            true,
            Some("BandwidthLimit: request: bandwidth limit of 0 bytes per Second is below the minimum of 1 KiB/s."),
        ),
        r(
            "T18 btp:2226 1023 per Second",
            bw("request", json!("1023"), "Second"),
            true,
            Some("BandwidthLimit: request: bandwidth limit of 1023 bytes per Second is below the minimum of 1 KiB/s."),
        ),
        r("T18 edge btp:2225 1Ki per Second is 1 KiB/s", bw("request", json!("1Ki"), "Second"), true, None),
        r(
            "T18 btp:2217 61439 per Minute",
            bw("request", json!("61439"), "Minute"),
            true,
            Some("BandwidthLimit: request: bandwidth limit of 61439 bytes per Minute is below the minimum of 1 KiB/s."),
        ),
        r("T18 edge btp:2217 60Ki per Minute", bw("request", json!("60Ki"), "Minute"), true, None),
        r(
            "T18 btp:2219 3599Ki per Hour",
            bw("request", json!("3599Ki"), "Hour"),
            true,
            Some("BandwidthLimit: request: bandwidth limit of 3685376 bytes per Hour is below the minimum of 1 KiB/s."),
        ),
        r("T18 edge btp:2219 3600Ki per Hour", bw("request", json!("3600Ki"), "Hour"), true, None),
        r(
            "T19 btp:2188-2191 response 9Ei",
            bw("response", json!("9Ei"), "Second"),
            true,
            Some("BandwidthLimit: response limit value must be convertible to an int64."),
        ),
        r(
            "T20 btp:2192-2194 response negative",
            bw("response", json!(-1024), "Second"),
            true,
            Some("BandwidthLimit: response limit value must be positive."),
        ),
        r(
            "T21 btp:2195-2198 response 1k per Second",
            bw("response", json!("1k"), "Second"),
            true,
            Some("BandwidthLimit: response: bandwidth limit of 1000 bytes per Second is below the minimum of 1 KiB/s."),
        ),
        r("T21 edge btp:2195 response 10Mi", bw("response", json!("10Mi"), "Second"), true, None),
        r(
            "T18 before T21 btp:2171-2198: the first failing direction ends the feature",
            json!({"bandwidthLimit": {"request": {"limit": {"value": "1", "unit": "Hour"}},
                                     "response": {"limit": {"value": "1", "unit": "Second"}}}}),
            true,
            Some("BandwidthLimit: request: bandwidth limit of 1 bytes per Hour is below the minimum of 1 KiB/s."),
        ),
        // LoadBalancer, cs:461-462 wrapped at cs:326.
        r(
            "T22 cs:461 1024 is not prime",
            ch(1024),
            true,
            Some("LoadBalancer: ConsistentHash: invalid TableSize value 1024."),
        ),
        r(
            "T22 cs:461 65536 is not prime",
            ch(65536),
            true,
            Some("LoadBalancer: ConsistentHash: invalid TableSize value 65536."),
        ),
        r(
            "T22 cs:461 5000001 = 3 x 47 x 35461, below the maximum",
            ch(5_000_001),
            true,
            Some("LoadBalancer: ConsistentHash: invalid TableSize value 5000001."),
        ),
        r("T22 edge cs:461 65537 (the CRD default) is prime", ch(65537), true, None),
        r("T22 edge cs:461 2 is prime", ch(2), true, None),
        r("T22 edge cs:461 5000011 is the maximum and prime", ch(5_000_011), true, None),
        r(
            "T22 cs:461 1 is below the schema minimum and not prime",
            ch(1),
            false,
            Some("LoadBalancer: ConsistentHash: invalid TableSize value 1."),
        ),
        // Retry, cs:784-802.
        r(
            "T23 cs:788-790 baseInterval 0s",
            back_off(Some("0s"), None),
            true,
            Some("Retry: baseInterval cannot be set to 0s."),
        ),
        r(
            "T23 cs:788-790 baseInterval 0m0ms",
            back_off(Some("0m0ms"), Some("1s")),
            true,
            Some("Retry: baseInterval cannot be set to 0s."),
        ),
        r("T23 edge cs:789 baseInterval 1ms", back_off(Some("1ms"), None), true, None),
        r(
            "T24 cs:796-798 maxInterval 0ms",
            back_off(Some("100ms"), Some("0ms")),
            true,
            Some("Retry: maxInterval cannot be set to 0s."),
        ),
        r(
            "T24 cs:796-798 maxInterval 0s alone",
            back_off(None, Some("0s")),
            true,
            Some("Retry: maxInterval cannot be set to 0s."),
        ),
        r(
            "T25 cs:800-802 base 2s > max 1s",
            back_off(Some("2s"), Some("1s")),
            true,
            Some("Retry: maxInterval cannot be less than baseInterval."),
        ),
        r(
            "T25 cs:800 compares values: 61s > 1m",
            back_off(Some("61s"), Some("1m")),
            true,
            Some("Retry: maxInterval cannot be less than baseInterval."),
        ),
        r("T25 edge cs:800 base equal to max", back_off(Some("1m"), Some("60s")), true, None),
        // BackendConnection, cs:191-198.
        r(
            "T26 cs:192-195 10E is not an int64",
            buffer(json!("10E")),
            true,
            Some("BackendConnection: invalid BufferLimit value 10E."),
        ),
        r(
            "T26 cs:194 + quantity.go:310 100Ti",
            buffer(json!("100Ti")),
            true,
            Some("BackendConnection: invalid BufferLimit value 100Ti."),
        ),
        r(
            "T26 cs:194 + amount.go:257 1000E prints without suffix",
            buffer(json!("1000E")),
            true,
            Some("BackendConnection: invalid BufferLimit value 1."),
        ),
        r(
            "T27 cs:196-197 5Gi",
            buffer(json!("5Gi")),
            true,
            Some("BackendConnection: BufferLimit value 5Gi is out of range."),
        ),
        r(
            "T27 cs:197 1000G prints as 1T",
            buffer(json!("1000G")),
            true,
            Some("BackendConnection: BufferLimit value 1T is out of range."),
        ),
        r(
            "T27 cs:196 4Gi is 2^32",
            buffer(json!("4Gi")),
            true,
            Some("BackendConnection: BufferLimit value 4Gi is out of range."),
        ),
        r(
            "T27 cs:196 negative JSON integer",
            buffer(json!(-1)),
            true,
            Some("BackendConnection: BufferLimit value -1 is out of range."),
        ),
        r("T27 edge cs:196 4294967295", buffer(json!("4294967295")), true, None),
        r("T27 edge cs:196 integer 0", buffer(json!(0)), true, None),
        // HTTP2, http:33-57.
        r(
            "T28 http:35-37 100Ti",
            h2(Some(json!("100Ti")), None),
            true,
            Some("HTTP2: invalid InitialStreamWindowSize value 100Ti."),
        ),
        r(
            "T29 http:38-42 32Ki",
            h2(Some(json!("32Ki")), None),
            true,
            Some("HTTP2: InitialStreamWindowSize value 32Ki is out of range, must be between 65535 and 2147483647."),
        ),
        r(
            "T29 http:38 2Gi is 2^31",
            h2(Some(json!("2Gi")), None),
            true,
            Some("HTTP2: InitialStreamWindowSize value 2Gi is out of range, must be between 65535 and 2147483647."),
        ),
        r("T29 edge http:38 65535", h2(Some(json!("65535")), None), true, None),
        r("T29 edge http:38 2147483647", h2(Some(json!(2_147_483_647)), None), true, None),
        r(
            "T30 http:50-52 1Ei",
            h2(None, Some(json!("1Ei"))),
            true,
            Some("HTTP2: invalid InitialConnectionWindowSize value 1Ei."),
        ),
        r(
            "T31 http:53-57 64000 prints as 64k",
            h2(None, Some(json!(64000))),
            true,
            Some("HTTP2: InitialConnectionWindowSize value 64k is out of range, must be between 65535 and 2147483647."),
        ),
        r("T31 edge http:53 1Gi", h2(None, Some(json!("1Gi"))), true, None),
        r(
            "T29+T31 http:24-57 both windows collected under one prefix",
            h2(Some(json!("32Ki")), Some(json!("2048Mi"))),
            true,
            Some(
                "HTTP2: InitialStreamWindowSize value 32Ki is out of range, must be between 65535 and 2147483647\nInitialConnectionWindowSize value 2Gi is out of range, must be between 65535 and 2147483647.",
            ),
        ),
        r(
            "T28+T31 http:24-57",
            h2(Some(json!("1Pi")), Some(json!("1k"))),
            true,
            Some(
                "HTTP2: invalid InitialStreamWindowSize value 1Pi\nInitialConnectionWindowSize value 1k is out of range, must be between 65535 and 2147483647.",
            ),
        ),
        // RequestBuffer, btp:2339-2357.
        r(
            "T32 btp:2344-2347 1Ei",
            request_buffer(json!("1Ei")),
            true,
            Some("RequestBuffer: limit must be convertible to an int64."),
        ),
        r(
            "T33 btp:2349-2352 5000Mi",
            request_buffer(json!("5000Mi")),
            true,
            Some("RequestBuffer: limit value 5000Mi is out of range, must be between 0 and 4294967295."),
        ),
        r(
            "T33 btp:2349 4096Mi prints as 4Gi",
            request_buffer(json!("4096Mi")),
            true,
            Some("RequestBuffer: limit value 4Gi is out of range, must be between 0 and 4294967295."),
        ),
        r(
            "T33 btp:2349 negative JSON integer",
            request_buffer(json!(-5)),
            true,
            Some("RequestBuffer: limit value -5 is out of range, must be between 0 and 4294967295."),
        ),
        r("T33 edge btp:2349 4294967295", request_buffer(json!("4294967295")), true, None),
        r("T33 edge btp:2349 integer 0", request_buffer(json!(0)), true, None),
        // Telemetry, btp:2608-2618 and epv:318-349.
        r(
            "T34 epv:336-338 a lone %",
            stat("100%"),
            true,
            Some(
                "Telemetry: unable to configure Route Stat Name: unable to configure stat name with invalid operator.",
            ),
        ),
        r(
            "T34 epv:336-338 ROUTE_NAME without its closing %",
            stat("%ROUTE_NAME"),
            true,
            Some(
                "Telemetry: unable to configure Route Stat Name: unable to configure stat name with invalid operator.",
            ),
        ),
        r("T34 edge epv:336 no % at all", stat("routes.backend"), true, None),
        r("T34 edge btp:2613 empty name is not checked", stat(""), true, None),
        r(
            "T35 epv:339-347 cluster-only operators",
            stat("%ROUTE_NAME%/%ROUTE_RULE_NUMBER%/%BACKEND_REFS%"),
            true,
            Some(
                "Telemetry: unable to configure Route Stat Name: unsupported operators: [%ROUTE_RULE_NUMBER% %BACKEND_REFS%].",
            ),
        ),
        r(
            "T35 epv:23 %% is a token",
            stat("a%%b"),
            true,
            Some("Telemetry: unable to configure Route Stat Name: unsupported operators: [%%]."),
        ),
        r("T35 epv:23 tokens do not overlap", stat("x%ROUTE_KIND%y%z"), true, None),
        r(
            "T35 epv:23 leftmost tokens: %a% then %c%",
            stat("%a%b%c%"),
            true,
            Some("Telemetry: unable to configure Route Stat Name: unsupported operators: [%a% %c%]."),
        ),
        r(
            "T35 edge epv:301-306 every route operator",
            stat("%ROUTE_NAME%.%ROUTE_NAMESPACE%.%ROUTE_KIND%.%ROUTE_RULE_NAME%"),
            true,
            None,
        ),
        // T49, btp:1566-1571: only a merged spec holds both (CEL R08 refuses one object).
        r(
            "T49 btp:1567 request buffer with an upgrade",
            json!({"requestBuffer": {"limit": "4Mi"}, "httpUpgrade": [{"type": "websocket"}]}),
            false,
            Some("RequestBuffer: requestBuffer cannot be used together with httpUpgrade."),
        ),
        r(
            "T49 btp:1567 a buffer without limit is built (zero quantity)",
            json!({"requestBuffer": {}, "httpUpgrade": [{"type": "websocket"}]}),
            false,
            Some("RequestBuffer: requestBuffer cannot be used together with httpUpgrade."),
        ),
        r(
            "T49 btp:1567 an unbuilt buffer (T33) does not add T49",
            json!({"requestBuffer": {"limit": "5Gi"}, "httpUpgrade": [{"type": "websocket"}]}),
            false,
            Some("RequestBuffer: limit value 5Gi is out of range, must be between 0 and 4294967295."),
        ),
        r(
            "T49 edge btp:1567 an empty upgrade list",
            json!({"requestBuffer": {"limit": "4Mi"}, "httpUpgrade": []}),
            true,
            None,
        ),
        // Several features: btp:1474-1571 order, errors.Join one line each.
        r(
            "T18+T29+T31+T35 btp:1503,1545,1560: order and joining",
            merge(&[
                bw("request", json!("1000"), "Second"),
                h2(Some(json!("1Ki")), Some(json!("3Gi"))),
                stat("%BACKEND_REFS%"),
            ]),
            true,
            Some(
                "BandwidthLimit: request: bandwidth limit of 1000 bytes per Second is below the minimum of 1 KiB/s\nHTTP2: InitialStreamWindowSize value 1Ki is out of range, must be between 65535 and 2147483647\nInitialConnectionWindowSize value 3Gi is out of range, must be between 65535 and 2147483647\nTelemetry: unable to configure Route Stat Name: unsupported operators: [%BACKEND_REFS%].",
            ),
        ),
        r(
            "T22+T25+T27+T33 btp:1509,1530,1540,1555",
            merge(&[ch(1000), back_off(Some("10s"), Some("1s")), buffer(json!("8Gi")), request_buffer(json!("6Gi"))]),
            true,
            Some(
                "LoadBalancer: ConsistentHash: invalid TableSize value 1000\nRetry: maxInterval cannot be less than baseInterval\nBackendConnection: BufferLimit value 8Gi is out of range\nRequestBuffer: limit value 6Gi is out of range, must be between 0 and 4294967295.",
            ),
        ),
        r(
            "T34+T49 btp:1560,1567: T49 comes after Telemetry, under its own RequestBuffer prefix",
            merge(&[request_buffer(json!("1Mi")), json!({"httpUpgrade": [{"type": "websocket"}]}), stat("%oops")]),
            false,
            Some(
                "Telemetry: unable to configure Route Stat Name: unable to configure stat name with invalid operator\nRequestBuffer: requestBuffer cannot be used together with httpUpgrade.",
            ),
        ),
        r(
            "T16+T26+T32 btp:1503,1540,1555",
            merge(&[bw("request", json!("20E"), "Second"), buffer(json!("1Pi")), request_buffer(json!("2Pi"))]),
            true,
            Some(
                "BandwidthLimit: request limit value must be convertible to an int64\nBackendConnection: invalid BufferLimit value 1Pi\nRequestBuffer: limit must be convertible to an int64.",
            ),
        ),
        r(
            "accepted: every feature at an edge",
            merge(&[
                bw("request", json!("1Ki"), "Second"),
                ch(65537),
                back_off(Some("1s"), Some("1s")),
                buffer(json!("4294967295")),
                h2(Some(json!("65535")), Some(json!("2147483647"))),
                request_buffer(json!("4294967295")),
                stat("%ROUTE_NAME%"),
            ]),
            true,
            None,
        ),
    ]
}
