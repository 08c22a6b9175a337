//! Response overrides: replace selected responses (by status code or response header) with a
//! custom response or a redirect. The first matching override wins.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    gateway_api::{HttpHeaderFilter, HttpPathModifier, LocalObjectReference},
    macros::string_enum,
    schema::{self, Rule},
    validate::{CheckRules, Path, ValidationErrors},
};

/// An override has either a custom response or a redirect.
pub(crate) const R48: Rule = Rule {
    rule: "(has(self.response) && !has(self.redirect)) || (!has(self.response) && has(self.redirect))",
    message: "exactly one of response or redirect must be specified",
};
/// A match needs status codes or response headers.
pub(crate) const R49: Rule = Rule {
    rule: "has(self.statusCodes) || has(self.responseHeaders)",
    message: "at least one of statusCodes or responseHeaders must be specified",
};
/// A `Value` status code match (the default type) needs `value`.
pub(crate) const R50: Rule = Rule {
    rule: "(!has(self.type) || self.type == 'Value')? has(self.value) : true",
    message: "value must be set for type Value",
};
/// A `Range` status code match needs `range`.
pub(crate) const R51: Rule = Rule {
    rule: "(has(self.type) && self.type == 'Range')? has(self.range) : true",
    message: "range must be set for type Range",
};
/// A status code range must not be empty or reversed.
pub(crate) const R52: Rule = Rule { rule: "self.end > self.start", message: "end must be greater than start" };
/// A redirect path may only be replaced whole (field-level, on `redirect.path`).
pub(crate) const R53: Rule =
    Rule { rule: "self.type == 'ReplaceFullPath'", message: "only ReplaceFullPath is supported for path.type" };
/// An `Inline` body (the default type) needs `inline`.
pub(crate) const R58: Rule = Rule {
    rule: "(!has(self.type) || self.type == 'Inline')? has(self.inline) : true",
    message: "inline must be set for type Inline",
};
/// A `ValueRef` body needs `valueRef`.
pub(crate) const R59: Rule = Rule {
    rule: "(has(self.type) && self.type == 'ValueRef')? has(self.valueRef) : true",
    message: "valueRef must be set for type ValueRef",
};
/// A body reference must name a ConfigMap.
pub(crate) const R60: Rule = Rule {
    rule: "has(self.valueRef) ? self.valueRef.kind == 'ConfigMap' : true",
    message: "only ConfigMap is supported for ValueRef",
};
/// A custom response cannot remove headers (field-level, on `response.header`).
pub(crate) const R61: Rule = Rule {
    rule: "!has(self.remove) || size(self.remove) == 0",
    message: "Remove is not supported for header in CustomResponse",
};

/// Puts R53 in front of the rules `HttpPathModifier` brings, as the CRD lists them.
fn redirect_path_rules(schema: &mut schemars::Schema) {
    let rule = serde_json::json!(R53);
    let entry = schema
        .ensure_object()
        .entry("x-kubernetes-validations")
        .or_insert_with(|| serde_json::Value::Array(Vec::new()));
    if let Some(list) = entry.as_array_mut() {
        list.insert(0, rule);
    }
}

/// One override rule: which responses it catches and what is sent instead.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [R48]))]
pub struct ResponseOverride {
    /// Which responses the rule applies to. Required.
    pub r#match: Match,
    /// The response sent instead; exactly one of `response` and `redirect`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<CustomResponse>,
    /// The redirect sent instead; exactly one of `response` and `redirect`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect: Option<Redirect>,
    /// Whether backend responses, Envoy's own responses or both are considered; both when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<ResponseOverrideSource>,
}

string_enum! {
    /// Which responses an override looks at.
    pub enum ResponseOverrideSource {
        /// Responses from the backends and from Envoy itself.
        All = "All",
        /// Only responses Envoy generates itself (such as authentication failures).
        Local = "Local",
        /// Only responses from the backends.
        Backend = "Backend",
    }
}

/// Conditions on a response; at least one list must be set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [R49]))]
pub struct Match {
    /// Status code conditions; any one matching is enough. 1 to 50 entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 50))]
    pub status_codes: Option<Vec<StatusCodeMatch>>,
    /// Response header conditions; all must match. 1 to 16 entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 16))]
    pub response_headers: Option<Vec<HeaderMatch>>,
}

string_enum! {
    /// Whether a status code condition is one code or a range.
    @twice;
    pub enum StatusCodeType {
        /// One status code, in `value`.
        Value = "Value",
        /// An inclusive range, in `range`.
        Range = "Range",
    }
}

/// A status code condition: one code or a range, chosen by `type`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(
    extend("x-kubernetes-validations" = [R50, R51]),
    transform = |s: &mut schemars::Schema| schema::require(s, "type")
)]
pub struct StatusCodeMatch {
    /// `Value` or `Range`. Defaults to `Value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "Value"))]
    pub r#type: Option<StatusCodeType>,
    /// The status code, for `type: Value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(transform = schema::no_format)]
    pub value: Option<i64>,
    /// The status codes, for `type: Range`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<StatusCodeRange>,
}

/// Status codes from `start` to `end`, both included; `end` must exceed `start`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [R52]))]
pub struct StatusCodeRange {
    /// First status code of the range. Required.
    #[schemars(transform = schema::no_format)]
    pub start: i64,
    /// Last status code of the range, greater than `start`. Required.
    #[schemars(transform = schema::no_format)]
    pub end: i64,
}

/// A condition on one response header.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HeaderMatch {
    /// Header name, compared without regard to case. 1 to 256 token characters. Required.
    #[schemars(length(min = 1, max = 256), regex(pattern = schema::HEADER_NAME_PATTERN))]
    pub name: String,
    /// How the header value must look. Required.
    pub value: StringMatch,
}

string_enum! {
    /// How a string is compared with the expected value.
    pub enum StringMatchType {
        /// The whole string equals the value.
        Exact = "Exact",
        /// The string starts with the value.
        Prefix = "Prefix",
        /// The string ends with the value.
        Suffix = "Suffix",
        /// The string matches the value as a regular expression (RE2).
        RegularExpression = "RegularExpression",
    }
}

/// A string comparison.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StringMatch {
    /// The comparison. Defaults to `Exact`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "Exact"))]
    pub r#type: Option<StringMatchType>,
    /// The expected value, 1 to 1024 characters. Required.
    #[schemars(length(min = 1, max = 1024))]
    pub value: String,
}

/// The response sent in place of the matched one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomResponse {
    /// Value of the `Content-Type` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The body; may use Envoy command operators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<ResponseBody>,
    /// Status code sent; the original one is kept when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(transform = schema::no_format)]
    pub status_code: Option<i64>,
    /// Headers to set or add on the response; removing headers is not allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-validations" = [R61]))]
    pub header: Option<HttpHeaderFilter>,
}

string_enum! {
    /// Where a custom response body comes from.
    @twice;
    pub enum ResponseBodyType {
        /// The text in `inline`.
        Inline = "Inline",
        /// A ConfigMap named by `valueRef`.
        ValueRef = "ValueRef",
    }
}

/// A custom response body: inline text or a ConfigMap, chosen by `type`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(
    extend("x-kubernetes-validations" = [R58, R59, R60]),
    transform = |s: &mut schemars::Schema| schema::require(s, "type")
)]
pub struct ResponseBody {
    /// `Inline` or `ValueRef`. Defaults to `Inline`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = "Inline"))]
    pub r#type: Option<ResponseBodyType>,
    /// The body text, for `type: Inline`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inline: Option<String>,
    /// A ConfigMap in the policy's namespace, for `type: ValueRef`; its `response.body` key
    /// (or else its first key) is the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_ref: Option<LocalObjectReference>,
}

impl ResponseBody {
    /// A body written in the policy itself.
    #[must_use]
    pub fn inline(text: impl Into<String>) -> Self {
        Self { r#type: Some(ResponseBodyType::Inline), inline: Some(text.into()), value_ref: None }
    }

    /// A body read from the ConfigMap `name` in the policy's namespace.
    #[must_use]
    pub fn from_config_map(name: impl Into<String>) -> Self {
        Self {
            r#type: Some(ResponseBodyType::ValueRef),
            inline: None,
            value_ref: Some(LocalObjectReference { group: String::new(), kind: "ConfigMap".into(), name: name.into() }),
        }
    }
}

impl ResponseOverride {
    /// Replaces responses with status `status` by `response`.
    ///
    /// ```
    /// use backend_traffic_policy::traffic::response_override::{CustomResponse, ResponseBody, ResponseOverride};
    /// let rule = ResponseOverride::for_status(
    ///     503,
    ///     CustomResponse { body: Some(ResponseBody::from_config_map("sorry-page")), ..Default::default() },
    /// );
    /// assert_eq!(rule.r#match.status_codes.unwrap()[0].value, Some(503));
    /// ```
    #[must_use]
    pub fn for_status(status: i64, response: CustomResponse) -> Self {
        Self {
            r#match: Match {
                status_codes: Some(vec![StatusCodeMatch { value: Some(status), ..StatusCodeMatch::default() }]),
                ..Match::default()
            },
            response: Some(response),
            redirect: None,
            source: None,
        }
    }
}

string_enum! {
    /// Scheme of a redirect `Location`.
    pub enum RedirectScheme {
        /// `http`
        Http = "http",
        /// `https`
        Https = "https",
    }
}

/// A redirect sent in place of the matched response; unset parts come from the request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Redirect {
    /// Scheme of the `Location`; the request's when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<RedirectScheme>,
    /// Host of the `Location` (an RFC 1123 name, 1 to 253 characters); the request's `Host`
    /// when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 253), regex(pattern = schema::DNS_SUBDOMAIN_PATTERN))]
    pub hostname: Option<String>,
    /// New path of the `Location`; only `ReplaceFullPath` is allowed. The request path when
    /// unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(transform = redirect_path_rules)]
    pub path: Option<HttpPathModifier>,
    /// Port of the `Location`; derived from the scheme or the listener when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    /// Redirect status code, 301 or 302. Defaults to 302.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(transform = schema::no_format, extend("enum" = [301, 302], "default" = 302))]
    pub status_code: Option<i64>,
}

/// R48 on the override, then the rules of `match`, `response` and `redirect`.
impl CheckRules for ResponseOverride {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        errors.check(self.response.is_some() != self.redirect.is_some(), path, R48);
        self.r#match.check_rules(&path.key("match"), errors);
        self.response.check_rules(&path.key("response"), errors);
        self.redirect.check_rules(&path.key("redirect"), errors);
    }
}

/// R49 (an empty list counts as set), then R50-R52 below each status code condition.
impl CheckRules for Match {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        errors.check(self.status_codes.is_some() || self.response_headers.is_some(), path, R49);
        self.status_codes.check_rules(&path.key("statusCodes"), errors);
    }
}

/// R50 and R51 with the CRD default `type: Value`, then R52 on `range`.
impl CheckRules for StatusCodeMatch {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        let r#type = self.r#type.as_ref().map_or("Value", StatusCodeType::as_str);
        errors.check(r#type != "Value" || self.value.is_some(), path, R50);
        errors.check(r#type != "Range" || self.range.is_some(), path, R51);
        self.range.check_rules(&path.key("range"), errors);
    }
}

/// R52: a non-empty, ordered range.
impl CheckRules for StatusCodeRange {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        errors.check(self.end > self.start, path, R52);
    }
}

/// R58-R60 on `body`, then R61 on `header` (field-level, reported on the header object).
impl CheckRules for CustomResponse {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        self.body.check_rules(&path.key("body"), errors);
        if let Some(header) = &self.header {
            errors.check(header.remove.as_ref().is_none_or(Vec::is_empty), &path.key("header"), R61);
        }
    }
}

/// R58 and R59 with the CRD default `type: Inline`, then R60.
impl CheckRules for ResponseBody {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        let r#type = self.r#type.as_ref().map_or("Inline", ResponseBodyType::as_str);
        errors.check(r#type != "Inline" || self.inline.is_some(), path, R58);
        errors.check(r#type != "ValueRef" || self.value_ref.is_some(), path, R59);
        errors.check(self.value_ref.as_ref().is_none_or(|r| r.kind == "ConfigMap"), path, R60);
    }
}

/// R53 on `path` (field-level, listed before the path modifier's own R54-R57), then those.
impl CheckRules for Redirect {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        if let Some(modifier) = &self.path {
            let modifier_path = path.key("path");
            errors.check(modifier.r#type.as_str() == "ReplaceFullPath", &modifier_path, R53);
            modifier.check_rules(&modifier_path, errors);
        }
    }
}
