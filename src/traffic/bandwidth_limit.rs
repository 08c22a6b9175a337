//! Bandwidth limiting (`spec.bandwidthLimit`): caps the bytes per time unit sent to and received
//! from the backends.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    Quantity,
    macros::string_enum,
    schema::Rule,
    validate::{CheckRules, Path, ValidationErrors},
};

/// Rule on [`BandwidthLimit`]: at least one direction is limited.
pub(crate) const R14: Rule = Rule {
    rule: "has(self.request) || has(self.response)",
    message: "at least one of request or response must be specified",
};

/// Header-safe text: no carriage return, line feed or NUL.
pub const TRAILER_PREFIX_PATTERN: &str = r"^[^\r\n\x00]*$";

/// Bandwidth limits, per direction; at least one direction is set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [R14]))]
pub struct BandwidthLimit {
    /// Limit on the bytes sent to the backend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestLimit>,
    /// Limit on the bytes received from the backend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ResponseLimit>,
}

/// The limit on traffic towards the backend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequestLimit {
    /// The allowed throughput.
    pub limit: LimitValue,
}

/// The limit on traffic coming back from the backend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResponseLimit {
    /// The allowed throughput.
    pub limit: LimitValue,
    /// When set, responses get trailers reporting the delays the limit added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_trailers: Option<ResponseTrailers>,
}

/// A throughput: an amount of bytes per time unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LimitValue {
    /// Bytes per unit, a positive integer or quantity such as `10Mi`.
    pub value: Quantity,
    /// The time unit of `value`.
    pub unit: BandwidthUnit,
}

string_enum! {
    /// The time unit of a bandwidth limit.
    pub enum BandwidthUnit {
        /// Per second.
        Second = "Second",
        /// Per minute.
        Minute = "Minute",
        /// Per hour.
        Hour = "Hour",
    }
}

/// Response trailers carrying the delays added by the limit.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResponseTrailers {
    /// Text put before each trailer name (`<prefix>-bandwidth-request-delay-ms`); no CR, LF or
    /// NUL. Unprefixed names when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = TRAILER_PREFIX_PATTERN))]
    pub prefix: Option<String>,
}

/// R14: at least one direction is present.
impl CheckRules for BandwidthLimit {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        errors.check(self.request.is_some() || self.response.is_some(), path, R14);
    }
}
