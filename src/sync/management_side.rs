//! Fields of a policy that act on the shared management proxy rather than on the tenant's traffic.

use std::fmt;

use super::{DangerousOperators, ManagementSideKinds, dangerous_operators};
use crate::{
    BackendTrafficPolicySpec,
    cluster::{health_check::HealthCheck, load_balancer::LoadBalancer},
    gateway_api::{HttpHeader, HttpHeaderFilter},
    traffic::{
        response_override::{CustomResponse, ResponseOverride},
        telemetry::{Telemetry, Tracing},
    },
};

/// What a management-side field reaches; [`ManagementSideKinds`] allows each one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ManagementSideKind {
    /// Reads an environment variable of the management proxy (`%ENVIRONMENT(NAME)%`, a custom
    /// span tag of type `Environment`).
    EnvironmentVariable,
    /// A command operator that reads the management proxy itself: host name, local and upstream
    /// addresses, cluster names, connection counters, metadata or filter state.
    ProxyDetails,
    /// A command operator this crate does not classify; refused until someone checks what it
    /// reads.
    UnknownOperator,
    /// Text Envoy does not accept as a format string (a lone `%`): Envoy refuses the whole
    /// configuration update it arrives in, which stalls the shared proxy's updates.
    MalformedFormatString,
    /// A file the management proxy writes (a `healthCheckLog` file sink other than
    /// `/dev/stdout`).
    ProxyFile,
    /// A dynamic module the platform registered in its EnvoyProxy (`loadBalancer.dynamicModule`).
    DynamicModule,
    /// The name of the route's statistics in the management proxy's shared stats
    /// (`telemetry.metrics.routeStatName`) when it does not start with the tenant's own
    /// namespace: such a name can mimic another tenant's routes.
    StatName,
}

impl ManagementSideKind {
    /// Every kind, in declaration order.
    pub const ALL: [Self; 7] = [
        Self::EnvironmentVariable,
        Self::ProxyDetails,
        Self::UnknownOperator,
        Self::MalformedFormatString,
        Self::ProxyFile,
        Self::DynamicModule,
        Self::StatName,
    ];
}

impl fmt::Display for ManagementSideKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::EnvironmentVariable => "reads an environment variable of the management proxy",
            Self::ProxyDetails => "reads the management proxy's own addresses, names, counters or metadata",
            Self::UnknownOperator => "uses a command operator that is not known to be harmless",
            Self::MalformedFormatString => {
                "is not a format string Envoy accepts, so the management proxy would refuse its configuration"
            }
            Self::ProxyFile => "names a file the management proxy writes",
            Self::DynamicModule => "uses a dynamic module of the management proxy",
            Self::StatName => "names statistics of the shared management proxy",
        })
    }
}

/// One field of a policy that reaches the management side, with the value that does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManagementSideField {
    /// The field, Kubernetes-style (`spec.responseOverride[0].response.body.inline`).
    pub path: String,
    /// What it reaches.
    pub kind: ManagementSideKind,
    /// The part of the value at fault: the operator (`%ENVIRONMENT(HOME)%`), the malformed tail,
    /// the file path, the module or variable name, or the stat name.
    pub value: String,
}

impl fmt::Display for ManagementSideField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { path, kind, value } = self;
        write!(f, "{path} ({value:?}) {kind}")
    }
}

/// The health-check log sink Envoy Gateway uses when none is given: the proxy's standard output,
/// which the platform collects anyway; naming it explicitly changes nothing.
const STDOUT: &str = "/dev/stdout";

/// Envoy Gateway's operator for the route's namespace in a route stat name; in the management
/// cluster that is the tenant namespace.
const ROUTE_NAMESPACE: &str = "%ROUTE_NAMESPACE%";

/// Whether a route stat name can only name statistics of the tenant's own namespace: it starts
/// with `%ROUTE_NAMESPACE%`, followed by nothing or by a character no namespace name has, so no
/// other tenant's namespace can produce the same text. `%ROUTE_NAMESPACE%%ROUTE_NAME%` is not
/// one: `tenant-a` with route `bx` and `tenant-ab` with route `x` give the same name.
fn own_stat_name(stat_name: &str) -> bool {
    stat_name.strip_prefix(ROUTE_NAMESPACE).is_some_and(|rest| {
        rest.chars().next().is_none_or(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '%'))
    })
}

/// The fields of `spec` that reach the management side with a kind `allow` does not allow, in
/// the order of the spec: what rule 6b of [`decide`](super::decide) reports (see the
/// [module docs](super#management-side-fields) for the table). Allocates nothing when it finds
/// nothing, so a webhook can call it on every policy.
///
/// ```
/// use backend_traffic_policy::{BackendTrafficPolicySpec, TargetRef, sync::{self, ManagementSideKinds}};
/// let spec = BackendTrafficPolicySpec::targeting([TargetRef::http_route("backend")]);
/// assert!(sync::management_side_fields(&spec, &ManagementSideKinds::default()).is_empty());
/// ```
#[must_use]
pub fn management_side_fields(
    spec: &BackendTrafficPolicySpec,
    allow: &ManagementSideKinds,
) -> Vec<ManagementSideField> {
    let mut scan = Scan { allow, found: Vec::new() };
    scan.spec(spec);
    scan.found
}

/// Collects the management-side fields of a spec that `allow` does not allow.
struct Scan<'a> {
    allow: &'a ManagementSideKinds,
    found: Vec<ManagementSideField>,
}

impl Scan<'_> {
    fn push(&mut self, kind: ManagementSideKind, path: impl FnOnce() -> String, value: &str) {
        if !self.allow.allows(kind) {
            self.found.push(ManagementSideField { path: path(), kind, value: value.to_owned() });
        }
    }

    /// Every operator of the format string `text` at `path`.
    fn format_string(&mut self, text: &str, path: impl Fn() -> String) {
        let operators: DangerousOperators<'_> = dangerous_operators(text);
        for operator in operators {
            self.push(operator.kind, &path, operator.text);
        }
    }

    fn spec(&mut self, spec: &BackendTrafficPolicySpec) {
        if let Some(overrides) = &spec.response_override {
            for (i, item) in overrides.iter().enumerate() {
                self.response_override(item, i);
            }
        }
        if let Some(telemetry) = &spec.telemetry {
            self.telemetry(telemetry);
        }
        if let Some(health_check) = &spec.health_check {
            self.health_check(health_check);
        }
        if let Some(load_balancer) = &spec.load_balancer {
            self.load_balancer(load_balancer);
        }
    }

    fn response_override(&mut self, item: &ResponseOverride, i: usize) {
        let Some(CustomResponse { content_type, body, status_code: _, header }) = &item.response else { return };
        let base = || format!("spec.responseOverride[{i}].response");
        if let Some(inline) = body.as_ref().and_then(|body| body.inline.as_deref()) {
            self.format_string(inline, || format!("{}.body.inline", base()));
        }
        if let Some(content_type) = content_type {
            self.format_string(content_type, || format!("{}.contentType", base()));
        }
        if let Some(HttpHeaderFilter { set, add, remove: _ }) = header {
            for (list, headers) in [("set", set), ("add", add)] {
                for (j, HttpHeader { name: _, value }) in headers.iter().flatten().enumerate() {
                    self.format_string(value, || format!("{}.header.{list}[{j}].value", base()));
                }
            }
        }
    }

    fn telemetry(&mut self, telemetry: &Telemetry) {
        if let Some(tracing) = &telemetry.tracing {
            self.tracing(tracing);
        }
        if let Some(stat_name) = telemetry.metrics.as_ref().and_then(|m| m.route_stat_name.as_deref())
            && !own_stat_name(stat_name)
        {
            self.push(ManagementSideKind::StatName, || "spec.telemetry.metrics.routeStatName".to_owned(), stat_name);
        }
    }

    fn tracing(&mut self, tracing: &Tracing) {
        for (key, tag) in tracing.custom_tags.iter().flatten() {
            if let Some(environment) = &tag.environment {
                let path = || format!("spec.telemetry.tracing.customTags[{key}].environment.name");
                self.push(ManagementSideKind::EnvironmentVariable, path, &environment.name);
            }
        }
        for (key, value) in tracing.tags.iter().flatten() {
            self.format_string(value, || format!("spec.telemetry.tracing.tags[{key}]"));
        }
        if let Some(span_name) = &tracing.span_name {
            self.format_string(&span_name.client, || "spec.telemetry.tracing.spanName.client".to_owned());
            self.format_string(&span_name.server, || "spec.telemetry.tracing.spanName.server".to_owned());
        }
    }

    fn health_check(&mut self, health_check: &HealthCheck) {
        let sinks =
            health_check.active.as_ref().and_then(|a| a.health_check_log.as_ref()).and_then(|l| l.sinks.as_ref());
        for (i, sink) in sinks.into_iter().flatten().enumerate() {
            if let Some(file) = sink.file.as_ref().filter(|file| file.path != STDOUT) {
                let path = || format!("spec.healthCheck.active.healthCheckLog.sinks[{i}].file.path");
                self.push(ManagementSideKind::ProxyFile, path, &file.path);
            }
        }
    }

    fn load_balancer(&mut self, load_balancer: &LoadBalancer) {
        if let Some(module) = &load_balancer.dynamic_module {
            self.push(ManagementSideKind::DynamicModule, || "spec.loadBalancer.dynamicModule".to_owned(), &module.name);
        }
    }
}
