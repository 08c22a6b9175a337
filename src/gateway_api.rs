//! Gateway API (`gateway.networking.k8s.io`, v1.6.1) types that the policy embeds: fractions,
//! header filters, path modifiers and object references.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    macros::string_enum,
    schema::{self, Rule},
    validate::{CheckRules, Path, ValidationErrors},
};

/// Gateway API rule on [`Fraction`].
pub(crate) const R15: Rule =
    Rule { rule: "self.numerator <= self.denominator", message: "numerator must be less than or equal to denominator" };
/// Gateway API rules on [`HttpPathModifier`].
pub(crate) const R54: Rule = Rule {
    rule: "self.type == 'ReplaceFullPath' ? has(self.replaceFullPath) : true",
    message: "replaceFullPath must be specified when type is set to 'ReplaceFullPath'",
};
pub(crate) const R55: Rule = Rule {
    rule: "has(self.replaceFullPath) ? self.type == 'ReplaceFullPath' : true",
    message: "type must be 'ReplaceFullPath' when replaceFullPath is set",
};
pub(crate) const R56: Rule = Rule {
    rule: "self.type == 'ReplacePrefixMatch' ? has(self.replacePrefixMatch) : true",
    message: "replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'",
};
pub(crate) const R57: Rule = Rule {
    rule: "has(self.replacePrefixMatch) ? self.type == 'ReplacePrefixMatch' : true",
    message: "type must be 'ReplacePrefixMatch' when replacePrefixMatch is set",
};

/// A ratio such as a sampling rate: `numerator / denominator`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [R15]))]
pub struct Fraction {
    /// The part taken, at least 0 and at most the denominator.
    #[schemars(range(min = 0))]
    pub numerator: i32,
    /// The whole, at least 1. Defaults to 100, so a bare numerator reads as a percentage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1), extend("default" = 100))]
    pub denominator: Option<i32>,
}

impl Fraction {
    /// A percentage: `percent / 100`.
    #[must_use]
    pub fn percent(percent: i32) -> Self {
        Self { numerator: percent, denominator: None }
    }

    /// The denominator as the API server sees it: the CRD default 100 when absent.
    fn denominator_or_default(&self) -> i32 {
        self.denominator.unwrap_or(100)
    }
}

/// R15, with the CRD default of `denominator` applied first.
impl CheckRules for Fraction {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        errors.check(self.numerator <= self.denominator_or_default(), path, R15);
    }
}

/// A reference to an object in the policy's own namespace.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocalObjectReference {
    /// API group of the referent; empty for the core group (ConfigMap).
    #[schemars(length(max = 253), regex(pattern = schema::GROUP_PATTERN))]
    pub group: String,
    /// Kind of the referent, such as `ConfigMap`.
    #[schemars(length(min = 1, max = 63), regex(pattern = schema::KIND_PATTERN))]
    pub kind: String,
    /// Name of the referent.
    #[schemars(length(min = 1, max = 253))]
    pub name: String,
}

/// One HTTP header: a name and a value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HttpHeader {
    /// Header name (an RFC 7230 token, matched case-insensitively).
    #[schemars(length(min = 1, max = 256), regex(pattern = schema::HEADER_NAME_PATTERN))]
    pub name: String,
    /// Header value, 1 to 4096 characters.
    #[schemars(length(min = 1, max = 4096))]
    pub value: String,
}

/// Changes to the headers of a message: overwrite, append and remove.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HttpHeaderFilter {
    /// Headers to set, replacing any value present. At most 16, unique by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        length(max = 16),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub set: Option<Vec<HttpHeader>>,
    /// Headers to append to any value present. At most 16, unique by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        length(max = 16),
        extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"])
    )]
    pub add: Option<Vec<HttpHeader>>,
    /// Names of headers to remove. At most 16, each once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 16), extend("x-kubernetes-list-type" = "set"))]
    pub remove: Option<Vec<String>>,
}

string_enum! {
    /// How a redirect rewrites the request path.
    pub enum HttpPathModifierType {
        /// Replace the whole path with `replaceFullPath`.
        ReplaceFullPath = "ReplaceFullPath",
        /// Replace the matched prefix with `replacePrefixMatch`.
        ReplacePrefixMatch = "ReplacePrefixMatch",
    }
}

/// A path rewrite: the `type` says which of the two replacement fields applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [R54, R55, R56, R57]))]
pub struct HttpPathModifier {
    /// Which rewrite applies.
    pub r#type: HttpPathModifierType,
    /// The new full path, when `type` is `ReplaceFullPath`. At most 1024 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 1024))]
    pub replace_full_path: Option<String>,
    /// The new prefix, when `type` is `ReplacePrefixMatch`. At most 1024 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 1024))]
    pub replace_prefix_match: Option<String>,
}

/// R54-R57: `type` and the replacement field it names go together. `type` is compared by its
/// wire text, so an unknown type behaves as the CEL string it is.
impl CheckRules for HttpPathModifier {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        let full = self.r#type.as_str() == "ReplaceFullPath";
        let prefix = self.r#type.as_str() == "ReplacePrefixMatch";
        errors.check(!full || self.replace_full_path.is_some(), path, R54);
        errors.check(self.replace_full_path.is_none() || full, path, R55);
        errors.check(!prefix || self.replace_prefix_match.is_some(), path, R56);
        errors.check(self.replace_prefix_match.is_none() || prefix, path, R57);
    }
}

string_enum! {
    /// An HTTP request method.
    pub enum HttpMethod {
        /// `GET`
        Get = "GET",
        /// `HEAD`
        Head = "HEAD",
        /// `POST`
        Post = "POST",
        /// `PUT`
        Put = "PUT",
        /// `DELETE`
        Delete = "DELETE",
        /// `CONNECT`
        Connect = "CONNECT",
        /// `OPTIONS`
        Options = "OPTIONS",
        /// `TRACE`
        Trace = "TRACE",
        /// `PATCH`
        Patch = "PATCH",
    }
}

string_enum! {
    /// How a request path is compared with a value.
    pub enum PathMatchType {
        /// The whole path equals the value.
        Exact = "Exact",
        /// The path starts with the value, element by element.
        PathPrefix = "PathPrefix",
        /// The path matches the value as a regular expression.
        RegularExpression = "RegularExpression",
    }
}
