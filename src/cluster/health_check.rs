//! Health checking of backend endpoints: active probes (HTTP, TCP, gRPC) sent by Envoy, and
//! passive outlier detection based on the responses of real traffic.

use schemars::{JsonSchema, Schema};
use serde::{Deserialize, Serialize};

use crate::{
    Duration,
    base64::Base64,
    macros::string_enum,
    schema::Rule,
    validate::{CheckRules, Path, ValidationErrors},
};

/// R19: the `http` block is present exactly when the checker type is `HTTP`.
pub(crate) const R19: Rule = Rule {
    rule: "self.type == 'HTTP' ? has(self.http) : !has(self.http)",
    message: "If Health Checker type is HTTP, http field needs to be set.",
};
/// R20: the `tcp` block is present exactly when the checker type is `TCP`.
pub(crate) const R20: Rule = Rule {
    rule: "self.type == 'TCP' ? has(self.tcp) : !has(self.tcp)",
    message: "If Health Checker type is TCP, tcp field needs to be set.",
};
/// R21: the `grpc` block may only appear with the checker type `GRPC`.
pub(crate) const R21: Rule = Rule {
    rule: "has(self.grpc) ? self.type == 'GRPC' : true",
    message: "The grpc field can only be set if the Health Checker type is GRPC.",
};
/// R22: failure events and success events are logged together or not at all.
pub(crate) const R22: Rule = Rule {
    rule: "self.exists(e, e == 'Failure' || e == 'FailureSeriesStart') == self.exists(e, e == 'Success' || e == 'HealthyTransition')",
    message: "a failure type and a success type must both be specified together",
};
/// R23: the `file` block is present exactly when the sink type is `File`.
pub(crate) const R23: Rule = Rule {
    rule: "self.type == 'File' ? has(self.file) : !has(self.file)",
    message: "If ProxyHealthCheckLogSink type is File, file field needs to be set.",
};
/// R24: a request body needs the method `POST` or `PUT` (any case).
pub(crate) const R24: Rule = Rule {
    rule: "!has(self.requestBody) || (has(self.method) && self.method.upperAscii() in ['POST','PUT'])",
    message: "The requestBody field can only be set when method is POST or PUT.",
};
/// R25: `text` is present exactly when the payload type is `Text`.
pub(crate) const R25: Rule = Rule {
    rule: "self.type == 'Text' ? has(self.text) : !has(self.text)",
    message: "If payload type is Text, text field needs to be set.",
};
/// R26: `binary` is present exactly when the payload type is `Binary`.
pub(crate) const R26: Rule = Rule {
    rule: "self.type == 'Binary' ? has(self.binary) : !has(self.binary)",
    message: "If payload type is Binary, binary field needs to be set.",
};

/// Removes the `format` schemars puts on the items of a list of Go `int` values (HTTP statuses).
pub(crate) fn items_no_format(schema: &mut Schema) {
    if let Some(items) = schema.get_mut("items").and_then(serde_json::Value::as_object_mut) {
        items.remove("format");
    }
}

/// How Envoy decides whether the endpoints of a backend are fit to receive traffic.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HealthCheck {
    /// Probes Envoy sends on its own to each endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<Active>,
    /// Ejection of endpoints that fail live requests (outlier detection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passive: Option<Passive>,
    /// Percentage of healthy endpoints below which Envoy ignores health and spreads load over
    /// all endpoints. 0 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100))]
    pub panic_threshold: Option<i32>,
}

/// Active health checking: periodic probes, with the probe kind chosen by `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [R19, R20, R21]))]
pub struct Active {
    /// How long to wait for a probe answer. Defaults to 1s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "1s"))]
    pub timeout: Option<Duration>,
    /// Time between two probes. Defaults to 3s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "3s"))]
    pub interval: Option<Duration>,
    /// Upper bound of a random delay added before the first probe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_jitter: Option<Duration>,
    /// Failed probes in a row that mark an endpoint unhealthy. At least 1; defaults to 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1), extend("default" = 3))]
    pub unhealthy_threshold: Option<i32>,
    /// Successful probes in a row that mark an endpoint healthy again. At least 1; defaults to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1), extend("default" = 1))]
    pub healthy_threshold: Option<i32>,
    /// Which probe to run; selects the block (`http`, `tcp`, `grpc`) that configures it.
    pub r#type: ActiveType,
    /// HTTP probe settings; present exactly when `type` is `HTTP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpChecker>,
    /// TCP probe settings; present exactly when `type` is `TCP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp: Option<TcpChecker>,
    /// gRPC probe settings; allowed only when `type` is `GRPC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grpc: Option<GrpcChecker>,
    /// Changes to where probes are sent (another port).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overrides: Option<Overrides>,
    /// Logging of health check events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check_log: Option<HealthCheckLog>,
}

string_enum! {
    /// The kind of active probe.
    @twice;
    pub enum ActiveType {
        /// An HTTP request whose response status (and optionally body) is checked.
        Http = "HTTP",
        /// A TCP connection, optionally exchanging bytes.
        Tcp = "TCP",
        /// The gRPC health checking protocol.
        Grpc = "GRPC",
    }
}

/// An HTTP probe: the request sent and what counts as a healthy answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [R24]))]
pub struct HttpChecker {
    /// Host header of the probe; an RFC 1123 subdomain of 1 to 253 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 253), regex(pattern = crate::schema::DNS_SUBDOMAIN_PATTERN))]
    pub hostname: Option<String>,
    /// Request path of the probe; 1 to 1024 characters.
    #[schemars(length(min = 1, max = 1024))]
    pub path: String,
    /// HTTP method of the probe (GET when unset); at most 16 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 16))]
    pub method: Option<String>,
    /// Response statuses counted as healthy; each 100 to 599.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(inner(range(min = 100, max = 599)), transform = items_no_format)]
    pub expected_statuses: Option<Vec<i64>>,
    /// Response statuses counted as a failure that may still recover; each 100 to 599.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(inner(range(min = 100, max = 599)), transform = items_no_format)]
    pub retriable_statuses: Option<Vec<i64>>,
    /// Bytes the response body must contain to count as healthy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_response: Option<Payload>,
    /// Body sent with the probe; only with the method POST or PUT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_body: Option<Payload>,
}

/// A probe payload, given as text or as base64-encoded bytes according to `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [R25, R26]))]
pub struct Payload {
    /// Whether the payload is in `text` or in `binary`.
    pub r#type: PayloadType,
    /// The payload as plain text; present exactly when `type` is `Text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The payload bytes, base64-encoded (`format: byte`); present exactly when `type` is `Binary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary: Option<Base64>,
}

string_enum! {
    /// How a probe payload is written.
    @twice;
    pub enum PayloadType {
        /// Plain text in the `text` field.
        Text = "Text",
        /// Base64-encoded bytes in the `binary` field.
        Binary = "Binary",
    }
}

/// A TCP probe: optional bytes to send and bytes expected back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TcpChecker {
    /// Bytes written once the connection is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send: Option<Payload>,
    /// Bytes that must be read back for the endpoint to count as healthy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receive: Option<Payload>,
}

/// A gRPC probe using the standard `grpc.health.v1` service.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GrpcChecker {
    /// Service name asked about; the whole server when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
}

/// Changes to the target of active probes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Overrides {
    /// Port probed instead of the endpoint's serving port; 1 to 65535.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<i32>,
}

/// Where health check events are logged and which events are.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HealthCheckLog {
    /// Destinations of the event log; at most one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 1))]
    pub sinks: Option<Vec<LogSink>>,
    /// Event kinds written, without duplicates; at most 4. Failure and success kinds must be
    /// chosen together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        length(max = 4),
        extend("x-kubernetes-list-type" = "set", "x-kubernetes-validations" = [R22])
    )]
    pub matches: Option<Vec<LogEventType>>,
}

/// One destination of the health check event log, chosen by `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [R23]))]
pub struct LogSink {
    /// The kind of destination.
    pub r#type: LogSinkType,
    /// File destination settings; present exactly when `type` is `File`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<FileLog>,
}

string_enum! {
    /// The kind of health check log destination.
    pub enum LogSinkType {
        /// A file on the proxy's filesystem.
        File = "File",
    }
}

/// A file receiving health check events.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FileLog {
    /// Path of the file; not empty.
    #[schemars(length(min = 1))]
    pub path: String,
}

string_enum! {
    /// A health check event that can be logged.
    pub enum LogEventType {
        /// Each failed probe.
        Failure = "Failure",
        /// The first failure after a healthy period.
        FailureSeriesStart = "FailureSeriesStart",
        /// Each successful probe.
        Success = "Success",
        /// An endpoint becoming healthy.
        HealthyTransition = "HealthyTransition",
    }
}

/// Passive health checking: endpoints that keep failing real requests are ejected for a while.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Passive {
    /// Counts connection-level (local origin) failures apart from backend responses.
    /// Defaults to false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = false))]
    pub split_external_local_origin_errors: Option<bool>,
    /// Time between two ejection sweeps. Defaults to 3s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "3s"))]
    pub interval: Option<Duration>,
    /// Local-origin failures in a row that eject an endpoint (when they are split). Defaults to 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 5))]
    pub consecutive_local_origin_failures: Option<i32>,
    /// Gateway errors (502, 503, 504) in a row that eject an endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consecutive_gateway_errors: Option<i32>,
    /// 5xx responses in a row that eject an endpoint. Defaults to 5.
    #[serde(default, rename = "consecutive5XxErrors", skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 5))]
    pub consecutive_5xx_errors: Option<i32>,
    /// Minimum ejection time, multiplied by the number of ejections. Defaults to 30s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "30s"))]
    pub base_ejection_time: Option<Duration>,
    /// Largest share of endpoints ejected at once, in percent. 0 to 100; defaults to 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100), extend("default" = 10))]
    pub max_ejection_percent: Option<i32>,
    /// Failure rate, in percent, above which an endpoint is ejected. 0 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100))]
    pub failure_percentage_threshold: Option<i32>,
    /// Ejects one endpoint even when `maxEjectionPercent` would allow none. Defaults to false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = false))]
    pub always_eject_one_endpoint: Option<bool>,
}

/// Nothing of its own; carries the rules of active health checking.
impl CheckRules for HealthCheck {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        self.active.check_rules(&path.key("active"), errors);
    }
}

/// R19-R21 on the probe kind and its block, then the rules below.
impl CheckRules for Active {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        let ty = self.r#type.as_str();
        errors.check((ty == "HTTP") == self.http.is_some(), path, R19);
        errors.check((ty == "TCP") == self.tcp.is_some(), path, R20);
        errors.check(self.grpc.is_none() || ty == "GRPC", path, R21);
        self.http.check_rules(&path.key("http"), errors);
        self.tcp.check_rules(&path.key("tcp"), errors);
        self.health_check_log.check_rules(&path.key("healthCheckLog"), errors);
    }
}

/// R24 (a body needs `POST` or `PUT`, compared after CEL's `upperAscii()`), then the payloads.
impl CheckRules for HttpChecker {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        let body_allowed =
            self.method.as_deref().is_some_and(|m| m.eq_ignore_ascii_case("POST") || m.eq_ignore_ascii_case("PUT"));
        errors.check(self.request_body.is_none() || body_allowed, path, R24);
        self.expected_response.check_rules(&path.key("expectedResponse"), errors);
        self.request_body.check_rules(&path.key("requestBody"), errors);
    }
}

/// R25 and R26: the field named by `type` is set, and no other.
impl CheckRules for Payload {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        let ty = self.r#type.as_str();
        errors.check((ty == "Text") == self.text.is_some(), path, R25);
        errors.check((ty == "Binary") == self.binary.is_some(), path, R26);
    }
}

/// Nothing of its own; carries the payload rules.
impl CheckRules for TcpChecker {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        self.send.check_rules(&path.key("send"), errors);
        self.receive.check_rules(&path.key("receive"), errors);
    }
}

/// R23 on each sink, then R22, a field rule reported on `matches` itself (CEL type `array`).
impl CheckRules for HealthCheckLog {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        self.sinks.check_rules(&path.key("sinks"), errors);
        if let Some(matches) = &self.matches {
            let failure = matches.iter().any(|e| matches!(e.as_str(), "Failure" | "FailureSeriesStart"));
            let success = matches.iter().any(|e| matches!(e.as_str(), "Success" | "HealthyTransition"));
            if failure != success {
                errors.rule(&path.key("matches"), R22, "array");
            }
        }
    }
}

/// R23: the `file` block is set exactly for the `File` type.
impl CheckRules for LogSink {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        errors.check((self.r#type.as_str() == "File") == self.file.is_some(), path, R23);
    }
}
