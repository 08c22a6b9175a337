//! Per-policy telemetry: tracing sample rates, span tags and names, and route stat names.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    envoy_gateway::{Check, Failure, Feature},
    gateway_api::Fraction,
    macros::string_enum,
    validate::{CheckRules, Path, ValidationErrors},
};

/// Telemetry settings that override the proxy-wide ones for the policy's targets.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Telemetry {
    /// Tracing overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracing: Option<Tracing>,
    /// Metrics overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Metrics>,
}

/// How requests are traced: sample rates, extra span tags and span names.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Tracing {
    /// Share of requests traced by random sampling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling_fraction: Option<Fraction>,
    /// Share of requests traced when the client forces tracing (`x-client-trace-id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_sampling_fraction: Option<Fraction>,
    /// Cap on the share of all requests traced, applied after the other decisions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overall_sampling_fraction: Option<Fraction>,
    /// Extra span tags by tag name, each from a literal, an environment variable or a request
    /// header. Deprecated upstream in favour of `tags`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_tags: Option<BTreeMap<String, CustomTag>>,
    /// Extra span tags by tag name; values may use Envoy command operators such as
    /// `%REQ(x-user)%`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// Names given to the client and server spans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span_name: Option<SpanName>,
}

string_enum! {
    /// Where the value of a custom span tag comes from.
    pub enum CustomTagType {
        /// A fixed value (`literal`).
        Literal = "Literal",
        /// An environment variable of the proxy (`environment`).
        Environment = "Environment",
        /// A request header (`requestHeader`).
        RequestHeader = "RequestHeader",
    }
}

/// A span tag whose source is chosen by `type`; set the matching payload field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = |s: &mut schemars::Schema| crate::schema::require(s, "type"))]
pub struct CustomTag {
    /// The source of the value. Defaults to `Literal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "Literal"))]
    pub r#type: Option<CustomTagType>,
    /// The fixed value, for `type: Literal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub literal: Option<LiteralTag>,
    /// The environment variable, for `type: Environment`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<EnvironmentTag>,
    /// The request header, for `type: RequestHeader`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_header: Option<RequestHeaderTag>,
}

/// A tag with a fixed value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LiteralTag {
    /// The tag value. Required.
    pub value: String,
}

/// A tag read from an environment variable of the proxy.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentTag {
    /// The variable name. Required.
    pub name: String,
    /// Value used when the variable is not set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_value: Option<String>,
}

/// A tag read from a request header.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequestHeaderTag {
    /// The header name. Required.
    pub name: String,
    /// Value used when the header is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_value: Option<String>,
}

/// Span names; both may use Envoy command operators.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SpanName {
    /// Name of the span for the downstream (client-facing) side. Required.
    pub client: String,
    /// Name of the span for the upstream (backend-facing) side. Required.
    pub server: String,
}

/// Metrics settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    /// Template for the route's stat prefix (for example `%ROUTE_NAME%`); unset keeps route
    /// stats off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_stat_name: Option<String>,
}

/// Telemetry has no rule of its own; its tracing fractions carry R15.
impl CheckRules for Telemetry {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        self.tracing.check_rules(&path.key("tracing"), errors);
    }
}

/// R15 on each sampling fraction, in declaration order.
impl CheckRules for Tracing {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        self.sampling_fraction.check_rules(&path.key("samplingFraction"), errors);
        self.client_sampling_fraction.check_rules(&path.key("clientSamplingFraction"), errors);
        self.overall_sampling_fraction.check_rules(&path.key("overallSamplingFraction"), errors);
    }
}

/// The operators a route stat name may use (`routeStatSupportedOperators`,
/// api/v1alpha1/validation/envoyproxy_validate.go:301-306).
const ROUTE_STAT_OPERATORS: [&str; 4] = ["%ROUTE_NAME%", "%ROUTE_NAMESPACE%", "%ROUTE_KIND%", "%ROUTE_RULE_NAME%"];

/// The `%...%` tokens of a stat name, left to right without overlap: what Go's
/// `regexp.MustCompile("%[^%]*%").FindAllString(s, -1)` returns (envoyproxy_validate.go:23).
fn stat_operators(name: &str) -> impl Iterator<Item = &str> {
    let mut rest = name;
    std::iter::from_fn(move || {
        let start = rest.find('%')?;
        let after = rest.get(start.saturating_add(1)..)?;
        let len = after.find('%')?;
        let end = start.saturating_add(len).saturating_add(2);
        let token = rest.get(start..end)?;
        rest = rest.get(end..).unwrap_or("");
        Some(token)
    })
}

impl Telemetry {
    /// Envoy Gateway's checks T34-T35 (`validateTelemetry`, backendtrafficpolicy.go:2608-2618,
    /// and `validateStatName`, envoyproxy_validate.go:334-349) on a non-empty route stat name.
    pub(crate) fn envoy_gateway_check(&self, out: &mut Vec<Failure>) {
        const PATH: &str = "spec.telemetry.metrics.routeStatName";
        let Some(name) = self.metrics.as_ref().and_then(|m| m.route_stat_name.as_deref()) else { return };
        if name.is_empty() {
            return;
        }
        let mut operators = stat_operators(name).peekable();
        if operators.peek().is_none() {
            if name.contains('%') {
                out.push(
                    Failure::new(
                        Feature::Telemetry,
                        Check::T34,
                        "unable to configure Route Stat Name: unable to configure stat name with invalid operator",
                    )
                    .at(PATH),
                );
            }
            return;
        }
        let mut unsupported = operators.filter(|op| !ROUTE_STAT_OPERATORS.contains(op)).peekable();
        if unsupported.peek().is_some() {
            // Go's %v of a []string: the items space-separated in brackets.
            let list = unsupported.collect::<Vec<_>>().join(" ");
            out.push(
                Failure::new(
                    Feature::Telemetry,
                    Check::T35,
                    format!("unable to configure Route Stat Name: unsupported operators: [{list}]"),
                )
                .at(PATH),
            );
        }
    }
}
