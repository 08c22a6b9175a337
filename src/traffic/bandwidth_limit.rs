//! Bandwidth limiting (`spec.bandwidthLimit`): caps the bytes per time unit sent to and received
//! from the backends.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    Quantity,
    envoy_gateway::{Check, Failure, Feature},
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

impl BandwidthLimit {
    /// Envoy Gateway's checks T16-T21 (`buildBandwidthLimit`, backendtrafficpolicy.go:2164-2211):
    /// the request direction first; the first failure ends the feature.
    pub(crate) fn envoy_gateway_check(&self, out: &mut Vec<Failure>) {
        let directions = [
            (self.request.as_ref().map(|r| &r.limit), "request", [Check::T16, Check::T17, Check::T18]),
            (self.response.as_ref().map(|r| &r.limit), "response", [Check::T19, Check::T20, Check::T21]),
        ];
        for (limit, direction, [not_int64, negative, too_small]) in directions {
            let Some(limit) = limit else { continue };
            let failure = |check, text: String| {
                Failure::new(Feature::BandwidthLimit, check, text)
                    .at(format!("spec.bandwidthLimit.{direction}.limit.value"))
            };
            let Some(bytes) = limit.value.as_int64() else {
                out.push(failure(not_int64, format!("{direction} limit value must be convertible to an int64")));
                return;
            };
            let Ok(bytes) = u64::try_from(bytes) else {
                out.push(failure(negative, format!("{direction} limit value must be positive")));
                return;
            };
            // bandwidthToKibps (backendtrafficpolicy.go:2214-2229): whole KiB per second.
            let seconds: u64 = match limit.unit {
                BandwidthUnit::Minute => 60,
                BandwidthUnit::Hour => 3600,
                _ => 1,
            };
            if bytes.checked_div(seconds.saturating_mul(1024)).unwrap_or(0) == 0 {
                out.push(failure(
                    too_small,
                    format!(
                        "{direction}: bandwidth limit of {bytes} bytes per {} is below the minimum of 1 KiB/s",
                        limit.unit
                    ),
                ));
                return;
            }
        }
    }
}
