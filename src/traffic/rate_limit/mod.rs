//! Rate limiting (`spec.rateLimit`): request quotas counted by an external rate-limit service
//! shared by every Envoy replica (global) or by each Envoy replica on its own (local).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

mod translator;

#[cfg(test)]
mod oracle_tests;
#[cfg(test)]
mod tests;

use crate::{
    gateway_api::{HttpMethod, PathMatchType},
    macros::string_enum,
    schema,
    validate::{CheckRules, Path, ValidationErrors},
};

/// Rule on [`ClientSelector`]: a selector must match on something.
pub(crate) const R44: schema::Rule = schema::Rule {
    rule: "has(self.headers) || has(self.methods) || has(self.path) || has(self.sourceCIDR) || has(self.queryParams)",
    message: "at least one of headers, methods, path, sourceCIDR or queryParams must be specified",
};
/// Rule on [`CostSpecifier`]: a fixed number and a metadata source exclude each other.
pub(crate) const R45: schema::Rule = schema::Rule {
    rule: "!(has(self.number) && has(self.metadata))",
    message: "only one of number or metadata can be specified",
};
/// Rule on [`LocalRateLimit::rules`]: local limits cannot charge a cost on the response.
pub(crate) const R46: schema::Rule = schema::Rule {
    rule: "self.all(r, !has(r.cost) || !has(r.cost.response))",
    message: "response cost is not supported for Local Rate Limits",
};
/// Rule on [`LocalRateLimit::rules`]: local limits cannot read their value from metadata.
pub(crate) const R47: schema::Rule = schema::Rule {
    rule: "self.all(r, !has(r.limit.fromMetadata))",
    message: "limit fromMetadata is not supported for Local Rate Limits",
};

/// Rate limits applied to the traffic of the targets, global and/or local.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RateLimit {
    /// Which kind of limit applies. Deprecated upstream: setting `global` or `local` is enough.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<RateLimitType>,
    /// Limits counted by the external rate-limit service, across all Envoy replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global: Option<GlobalRateLimit>,
    /// Limits counted by each Envoy replica on its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<LocalRateLimit>,
}

string_enum! {
    /// Where a rate limit is counted (the deprecated `rateLimit.type`).
    pub enum RateLimitType {
        /// By the external rate-limit service, shared by all replicas.
        Global = "Global",
        /// By each Envoy replica separately.
        Local = "Local",
    }
}

/// Limits enforced through the external rate-limit service.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GlobalRateLimit {
    /// The limits; each request is checked against every rule it matches. At most 256.
    #[schemars(length(max = 256))]
    pub rules: Vec<Rule>,
}

/// Limits enforced by each Envoy replica with a local token bucket.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocalRateLimit {
    /// The limits; at most 16, none with a response cost or a limit read from metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 16), extend("x-kubernetes-validations" = [R46, R47]))]
    pub rules: Option<Vec<Rule>>,
}

/// One limit and the requests it counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    /// Which requests the rule counts; a request must match every selector. Absent: all
    /// requests. At most 8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 8))]
    pub client_selectors: Option<Vec<ClientSelector>>,
    /// How many requests are allowed per time unit.
    pub limit: Limit,
    /// How much each request takes from the quota; one per request when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Cost>,
    /// `true` makes all targets of the policy share one counter instead of one each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared: Option<bool>,
    /// `true` counts and reports requests over the limit without rejecting them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shadow_mode: Option<bool>,
    /// Whether responses carry the `X-RateLimit-*` headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x_rate_limit_headers: Option<XRateLimitHeaders>,
}

string_enum! {
    /// Whether Envoy adds the `X-RateLimit-*` response headers.
    pub enum XRateLimitHeaders {
        /// No headers.
        Off = "Off",
        /// The headers of draft 03 of the IETF RateLimit header fields.
        DraftVersion03 = "DraftVersion03",
    }
}

/// A set of request attributes that must all match (headers, method, path, source, query).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [R44]))]
pub struct ClientSelector {
    /// Header conditions, all of which must hold. At most 128.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 128))]
    pub headers: Option<Vec<HeaderMatch>>,
    /// Method conditions, all of which must hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub methods: Option<Vec<MethodMatch>>,
    /// Path condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<PathMatch>,
    /// Client address condition.
    #[serde(default, rename = "sourceCIDR", skip_serializing_if = "Option::is_none")]
    pub source_cidr: Option<SourceMatch>,
    /// Query parameter conditions, all of which must hold. At most 16.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 16))]
    pub query_params: Option<Vec<QueryParamMatch>>,
}

/// A condition on one request header.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HeaderMatch {
    /// How `value` is compared. Defaults to `Exact`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "Exact"))]
    pub r#type: Option<HeaderMatchType>,
    /// The header name, 1 to 256 characters.
    #[schemars(length(min = 1, max = 256))]
    pub name: String,
    /// The value compared, at most 1024 characters; not used by `Distinct`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 1024))]
    pub value: Option<String>,
    /// `true` selects the requests that do not match. Defaults to `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = false))]
    pub invert: Option<bool>,
}

string_enum! {
    /// How a header value is compared.
    pub enum HeaderMatchType {
        /// Equal to the value.
        Exact = "Exact",
        /// Matches the value as a regular expression.
        RegularExpression = "RegularExpression",
        /// Any value; each distinct value gets its own counter.
        Distinct = "Distinct",
    }
}

/// A condition on the request method.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MethodMatch {
    /// The HTTP method.
    pub value: HttpMethod,
    /// `true` selects the requests with another method. Defaults to `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = false))]
    pub invert: Option<bool>,
}

/// A condition on the request path.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = |s: &mut schemars::Schema| schema::require(s, "value"))]
pub struct PathMatch {
    /// How `value` is compared. Defaults to `PathPrefix`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "PathPrefix"))]
    pub r#type: Option<PathMatchType>,
    /// The path compared, at most 1024 characters. Required, but the API server fills in `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 1024), extend("default" = "/"))]
    pub value: Option<String>,
    /// `true` selects the requests whose path does not match. Defaults to `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = false))]
    pub invert: Option<bool>,
}

/// A condition on the client address.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SourceMatch {
    /// How `value` is compared. Defaults to `Exact`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "Exact"))]
    pub r#type: Option<SourceMatchType>,
    /// The address range in CIDR notation (`10.0.0.0/8`), 1 to 256 characters.
    #[schemars(length(min = 1, max = 256))]
    pub value: String,
    /// `true` selects the clients outside the range. Defaults to `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = false))]
    pub invert: Option<bool>,
}

string_enum! {
    /// How a client address is compared with a CIDR.
    pub enum SourceMatchType {
        /// Inside the range; all such clients share one counter.
        Exact = "Exact",
        /// Inside the range; each client address gets its own counter.
        Distinct = "Distinct",
    }
}

/// A condition on one query parameter.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueryParamMatch {
    /// How `value` is compared. Defaults to `Exact`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "Exact"))]
    pub r#type: Option<QueryParamMatchType>,
    /// The parameter name, 1 to 256 characters.
    #[schemars(length(min = 1, max = 256))]
    pub name: String,
    /// The value compared, at most 1024 characters; not used by `Distinct`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 1024))]
    pub value: Option<String>,
    /// `true` selects the requests that do not match. Defaults to `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = false))]
    pub invert: Option<bool>,
}

string_enum! {
    /// How a query parameter value is compared.
    pub enum QueryParamMatchType {
        /// Equal to the value.
        Exact = "Exact",
        /// Matches the value as a regular expression.
        RegularExpression = "RegularExpression",
        /// Any value; each distinct value gets its own counter.
        Distinct = "Distinct",
    }
}

/// A quota: a number of requests per time unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Limit {
    /// Requests allowed per unit, 0 to 4294967295.
    #[schemars(range(min = 0, max = 4_294_967_295_i64))]
    pub requests: i64,
    /// The time unit of `requests`.
    pub unit: RateLimitUnit,
    /// Reads the quota from request metadata instead, when present there (global limits only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_metadata: Option<LimitFromMetadata>,
}

string_enum! {
    /// The time unit of a request quota.
    pub enum RateLimitUnit {
        /// Per second.
        Second = "Second",
        /// Per minute.
        Minute = "Minute",
        /// Per hour.
        Hour = "Hour",
        /// Per day.
        Day = "Day",
        /// Per week.
        Week = "Week",
        /// Per month.
        Month = "Month",
        /// Per year.
        Year = "Year",
    }
}

/// Where in the Envoy dynamic metadata a request quota is read.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LimitFromMetadata {
    /// The metadata namespace (usually a filter name), not empty.
    #[schemars(length(min = 1))]
    pub namespace: String,
    /// The key inside the namespace, not empty.
    #[schemars(length(min = 1))]
    pub key: String,
}

/// What a request takes from the quota, charged when it arrives and/or after the response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Cost {
    /// Charged when the request arrives; the request is rejected if the quota is spent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<CostSpecifier>,
    /// Charged after the response, without rejecting it (global limits only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<CostSpecifier>,
}

/// The amount charged: a fixed number or a value read from metadata.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [R45]))]
pub struct CostSpecifier {
    /// Which source gives the amount.
    pub from: CostFrom,
    /// The fixed amount, for `Number`. Not together with `metadata`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<i64>,
    /// Where the amount is read, for `Metadata`. Not together with `number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<CostMetadata>,
}

string_enum! {
    /// The source of a cost.
    pub enum CostFrom {
        /// A fixed number.
        Number = "Number",
        /// A number read from the Envoy dynamic metadata.
        Metadata = "Metadata",
    }
}

/// Where in the Envoy dynamic metadata a cost is read.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CostMetadata {
    /// The metadata namespace (usually a filter name).
    pub namespace: String,
    /// The key inside the namespace.
    pub key: String,
}

/// The rules of the global and the local limits, in that order.
impl CheckRules for RateLimit {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        self.global.check_rules(&path.key("global"), errors);
        self.local.check_rules(&path.key("local"), errors);
    }
}

/// Global rules have no list-level rule; each rule carries R44/R45 below it.
impl CheckRules for GlobalRateLimit {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        self.rules.check_rules(&path.key("rules"), errors);
    }
}

/// R46 and R47 on the list of local rules (field-level, so reported on `rules` as an
/// `array`), then R44/R45 below each rule.
impl CheckRules for LocalRateLimit {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        let Some(rules) = &self.rules else { return };
        let rules_path = path.key("rules");
        if !rules.iter().all(|r| r.cost.as_ref().is_none_or(|cost| cost.response.is_none())) {
            errors.rule(&rules_path, R46, "array");
        }
        if !rules.iter().all(|r| r.limit.from_metadata.is_none()) {
            errors.rule(&rules_path, R47, "array");
        }
        rules.check_rules(&rules_path, errors);
    }
}

/// R44 on each client selector, then R45 on the request and response costs.
impl CheckRules for Rule {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        self.client_selectors.check_rules(&path.key("clientSelectors"), errors);
        self.cost.check_rules(&path.key("cost"), errors);
    }
}

/// R44: a selector sets at least one condition (an empty list counts as set).
impl CheckRules for ClientSelector {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        let any = self.headers.is_some()
            || self.methods.is_some()
            || self.path.is_some()
            || self.source_cidr.is_some()
            || self.query_params.is_some();
        errors.check(any, path, R44);
    }
}

/// R45 on `request`, then on `response`.
impl CheckRules for Cost {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        self.request.check_rules(&path.key("request"), errors);
        self.response.check_rules(&path.key("response"), errors);
    }
}

/// R45: not both a number and metadata; `from` is not tied to either by the CRD.
impl CheckRules for CostSpecifier {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        errors.check(!(self.number.is_some() && self.metadata.is_some()), path, R45);
    }
}
