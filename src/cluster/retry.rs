//! Retries of failed requests to the backend: how many, on which failures, and the timeout and
//! back-off of each attempt.

use schemars::{JsonSchema, Schema};
use serde::{Deserialize, Serialize};

use crate::{
    Duration,
    envoy_gateway::{Check, Failure, Feature},
    macros::string_enum,
};

/// An HTTP status code, as the API writes it: a plain integer (Go `int`, no `format`) from
/// [`HTTP_STATUS_MIN`] to [`HTTP_STATUS_MAX`].
pub type HttpStatus = i64;
/// Lowest HTTP status code the API accepts.
pub const HTTP_STATUS_MIN: HttpStatus = 100;
/// Highest HTTP status code the API accepts.
pub const HTTP_STATUS_MAX: HttpStatus = 599;

/// Removes the `format` of the items of a list schema: lists of Go `int` (HTTP status codes).
pub(crate) fn items_no_format(schema: &mut Schema) {
    if let Some(items) = schema.get_mut("items").and_then(|v| v.as_object_mut()) {
        items.remove("format");
    }
}

/// The retry policy. Retries are off unless this is set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Retry {
    /// How many times a failed request is retried. At least 0; defaults to 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0), extend("default" = 2))]
    pub num_retries: Option<i32>,
    /// Attempts made at one priority level before moving to the next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_attempts_per_priority: Option<i32>,
    /// Which failures trigger a retry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_on: Option<RetryOn>,
    /// Timeout and back-off of each attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_retry: Option<PerRetry>,
}

/// The conditions under which a request is retried.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RetryOn {
    /// Failure kinds that trigger a retry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triggers: Option<Vec<RetryTrigger>>,
    /// Response status codes that trigger a retry, each from 100 to 599.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(inner(range(min = HTTP_STATUS_MIN, max = HTTP_STATUS_MAX)), transform = items_no_format)]
    pub http_status_codes: Option<Vec<HttpStatus>>,
}

string_enum! {
    /// A kind of failure that triggers a retry (Envoy's `retry_on` values).
    pub enum RetryTrigger {
        /// Any 5xx response, or no response at all.
        FiveXx = "5xx",
        /// A 502, 503 or 504 response.
        GatewayError = "gateway-error",
        /// The backend closed or reset the connection.
        Reset = "reset",
        /// A reset before the request was sent upstream.
        ResetBeforeRequest = "reset-before-request",
        /// The connection to the backend could not be made.
        ConnectFailure = "connect-failure",
        /// A retriable 4xx response (409).
        Retriable4xx = "retriable-4xx",
        /// The backend refused the stream (HTTP/2 `REFUSED_STREAM`).
        RefusedStream = "refused-stream",
        /// A status listed in `httpStatusCodes`.
        RetriableStatusCodes = "retriable-status-codes",
        /// gRPC status `CANCELLED`.
        Cancelled = "cancelled",
        /// gRPC status `DEADLINE_EXCEEDED`.
        DeadlineExceeded = "deadline-exceeded",
        /// gRPC status `INTERNAL`.
        Internal = "internal",
        /// gRPC status `RESOURCE_EXHAUSTED`.
        ResourceExhausted = "resource-exhausted",
        /// gRPC status `UNAVAILABLE`.
        Unavailable = "unavailable",
    }
}

/// Settings applied to every attempt, the first included.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PerRetry {
    /// Timeout of one attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// Wait between attempts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub back_off: Option<BackOff>,
}

/// Exponential back-off between attempts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BackOff {
    /// Starting wait, doubled at each attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_interval: Option<Duration>,
    /// Longest wait between two attempts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_interval: Option<Duration>,
}

impl Retry {
    /// Envoy Gateway's checks T23-T25 (`buildRetry`, clustersettings.go:784-802): back-off
    /// intervals are read as Go's `time.ParseDuration` reads them, a zero interval or a base
    /// longer than the maximum fails; an unreadable interval is skipped, as Go does.
    pub(crate) fn envoy_gateway_check(&self, out: &mut Vec<Failure>) {
        let Some(back_off) = self.per_retry.as_ref().and_then(|p| p.back_off.as_ref()) else { return };
        let go = |d: &Option<Duration>| d.as_ref().and_then(Duration::cel_nanos).filter(|n| i64::try_from(*n).is_ok());
        let failure = |check, text: &str, field: &str| {
            Failure::new(Feature::Retry, check, text).at(format!("spec.retry.perRetry.backOff.{field}"))
        };
        let base = go(&back_off.base_interval);
        if base == Some(0) {
            out.push(failure(Check::T23, "baseInterval cannot be set to 0s", "baseInterval"));
            return;
        }
        if let Some(max) = go(&back_off.max_interval) {
            if max == 0 {
                out.push(failure(Check::T24, "maxInterval cannot be set to 0s", "maxInterval"));
            } else if base.is_some_and(|base| base > max) {
                out.push(failure(Check::T25, "maxInterval cannot be less than baseInterval", "maxInterval"));
            }
        }
    }
}
