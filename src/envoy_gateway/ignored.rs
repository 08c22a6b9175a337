//! Settings Envoy Gateway v1.9.0 accepts but silently drops or changes (S01-S06 of the reference).

use std::fmt;

use crate::{
    BackendTrafficPolicySpec,
    traffic::rate_limit::{RateLimit, RateLimitType},
};

/// The silent drops, numbered as in the reference (`eg-translator-checks.md` §2). Only those the
/// policy alone decides are reported: S07 and S08 depend on ConfigMaps and other policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SilentDrop {
    /// The deprecated `rateLimit.type` selects one block; the other block is never read.
    S01,
    /// `loadBalancer.type: DynamicModule` configures no load balancer at all.
    S02,
    /// `connection.socketBufferLimit` is never read.
    S03,
    /// A `compressor` entry without its algorithm block is skipped.
    S04,
    /// A feature layer-4 routes do not take, on a policy whose targets are all layer-4 routes.
    S05,
    /// A TCP keepalive duration is cut to whole seconds.
    S06,
}

impl fmt::Display for SilentDrop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// A setting Envoy Gateway accepts without applying it as written: which drop, the field path
/// (`spec.loadBalancer.type`) and a sentence saying what happens instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ignored {
    /// Which silent drop this is.
    pub drop: SilentDrop,
    /// The field, as a path from the object root.
    pub path: String,
    /// What Envoy Gateway does with it instead.
    pub message: String,
}

impl Ignored {
    /// A note for `path` with `message`.
    pub(crate) fn new(drop: SilentDrop, path: impl Into<String>, message: impl Into<String>) -> Self {
        Ignored { drop, path: path.into(), message: message.into() }
    }
}

impl fmt::Display for Ignored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// S01: with the deprecated `rateLimit.type`, `buildRateLimit` (backendtrafficpolicy.go:1801-1812)
/// builds only the block the type names.
pub(crate) fn rate_limit_type(rate_limit: &RateLimit, out: &mut Vec<Ignored>) {
    let unread = match rate_limit.r#type {
        Some(RateLimitType::Local) if rate_limit.global.is_some() => ("global", "Local"),
        Some(RateLimitType::Global) if rate_limit.local.is_some() => ("local", "Global"),
        _ => return,
    };
    out.push(Ignored::new(
        SilentDrop::S01,
        format!("spec.rateLimit.{}", unread.0),
        format!(
            "the deprecated `rateLimit.type: {}` makes Envoy Gateway read only that block; this one is never applied",
            unread.1
        ),
    ));
}

/// Route kinds that take the TCP features (backendtrafficpolicy.go:1337-1362).
const TCP_KINDS: [&str; 2] = ["TCPRoute", "TLSRoute"];
/// Spec fields a TCP or TLS route takes (backendtrafficpolicy.go:1350-1358).
const TCP_FIELDS: [&str; 9] = [
    "loadBalancer",
    "proxyProtocol",
    "healthCheck",
    "circuitBreaker",
    "tcpKeepalive",
    "timeout",
    "connection",
    "dns",
    "telemetry",
];
/// Spec fields a UDP route takes (backendtrafficpolicy.go:1376-1377).
const UDP_FIELDS: [&str; 2] = ["loadBalancer", "dns"];

/// S05: when every target is a layer-4 route, the features those routes do not take
/// (backendtrafficpolicy.go:1337-1380) are never applied. A Gateway or ListenerSet target may
/// have HTTP listeners, so nothing is reported then.
pub(crate) fn layer4_targets(spec: &BackendTrafficPolicySpec, out: &mut Vec<Ignored>) {
    let kinds = spec
        .target_ref
        .iter()
        .map(|t| t.kind.as_str())
        .chain(spec.target_refs.iter().flatten().map(|t| t.kind.as_str()))
        .chain(spec.target_selectors.iter().flatten().map(|t| t.kind.as_str()));
    let (mut tcp, mut udp, mut any) = (false, false, false);
    for kind in kinds {
        any = true;
        match kind {
            k if TCP_KINDS.contains(&k) => tcp = true,
            "UDPRoute" => udp = true,
            _ => return,
        }
    }
    if !any {
        return;
    }
    let takes = |field: &str| (tcp && TCP_FIELDS.contains(&field)) || (udp && UDP_FIELDS.contains(&field));
    let present: [(&str, bool); 21] = [
        ("loadBalancer", spec.load_balancer.is_some()),
        ("retry", spec.retry.is_some()),
        ("proxyProtocol", spec.proxy_protocol.is_some()),
        ("tcpKeepalive", spec.tcp_keepalive.is_some()),
        ("healthCheck", spec.health_check.is_some()),
        ("circuitBreaker", spec.circuit_breaker.is_some()),
        ("timeout", spec.timeout.is_some()),
        ("connection", spec.connection.is_some()),
        ("dns", spec.dns.is_some()),
        ("http2", spec.http2.is_some()),
        ("rateLimit", spec.rate_limit.is_some()),
        ("bandwidthLimit", spec.bandwidth_limit.is_some()),
        ("faultInjection", spec.fault_injection.is_some()),
        ("admissionControl", spec.admission_control.is_some()),
        ("useClientProtocol", spec.use_client_protocol.is_some()),
        ("compression", spec.compression.as_ref().is_some_and(|c| !c.is_empty())),
        ("compressor", spec.compressor.as_ref().is_some_and(|c| !c.is_empty())),
        ("responseOverride", spec.response_override.as_ref().is_some_and(|r| !r.is_empty())),
        ("httpUpgrade", spec.http_upgrade.as_ref().is_some_and(|h| !h.is_empty())),
        ("requestBuffer", spec.request_buffer.is_some()),
        ("telemetry", spec.telemetry.is_some()),
    ];
    let routes = match (tcp, udp) {
        (true, true) => "TCP, TLS and UDP routes",
        (true, false) => "TCP and TLS routes",
        _ => "UDP routes",
    };
    for (field, set) in present {
        if set && !takes(field) {
            out.push(Ignored::new(
                SilentDrop::S05,
                format!("spec.{field}"),
                format!("every target is a layer-4 route and Envoy Gateway does not apply `{field}` to {routes}"),
            ));
        }
    }
    // TCP routes take the telemetry block for its route stat name only.
    if tcp && spec.telemetry.as_ref().is_some_and(|t| t.tracing.is_some()) {
        out.push(Ignored::new(
            SilentDrop::S05,
            "spec.telemetry.tracing",
            format!("every target is a layer-4 route and Envoy Gateway does not trace {routes}"),
        ));
    }
}
