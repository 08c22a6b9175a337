//! Admission control (`spec.admissionControl`): rejects a share of the requests, growing as the
//! recent success rate of the backends falls, so that an overloaded backend can recover.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    Duration,
    macros::string_enum,
    schema::Rule,
    validate::{CheckRules, Path, ValidationErrors},
};

/// Rule on [`AdmissionControl`]: `min_success_rate` is a percentage of at least 1.
pub(crate) const R11: Rule = Rule {
    rule: "!has(self.minSuccessRate) || (self.minSuccessRate >= 1 && self.minSuccessRate <= 100)",
    message: "minSuccessRate must be between 1 and 100",
};
/// Rule on [`AdmissionControl`]: `max_rejection_percent` is a percentage.
pub(crate) const R12: Rule = Rule {
    rule: "!has(self.maxRejectionPercent) || (self.maxRejectionPercent >= 0 && self.maxRejectionPercent <= 100)",
    message: "maxRejectionPercent must be between 0 and 100",
};
/// Rule on [`AdmissionControl`]: the sampling window lasts at least a second.
pub(crate) const R13: Rule = Rule {
    rule: "!has(self.samplingWindow) || duration(self.samplingWindow) >= duration('1s')",
    message: "samplingWindow must be at least 1s",
};

/// Probabilistic rejection of requests driven by the success rate over a sliding window.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [R11, R12, R13]))]
pub struct AdmissionControl {
    /// Length of the window over which the success rate is measured; at least `1s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling_window: Option<Duration>,
    /// Success rate in percent, 1 to 100, under which rejection starts. Envoy uses 95 when
    /// absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100))]
    pub min_success_rate: Option<i32>,
    /// How steeply rejection grows as the success rate falls; 1 is linear, higher is harsher.
    /// At least 1; Envoy uses 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub rejection_aggression: Option<i32>,
    /// Requests per second under which nothing is rejected. At least 0; Envoy uses 0 when
    /// absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub min_request_rate: Option<i32>,
    /// Highest rejection probability in percent, 0 to 100. Envoy uses 80 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100))]
    pub max_rejection_percent: Option<i32>,
    /// Which responses count as successes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_criteria: Option<SuccessCriteria>,
}

/// What counts as a successful request, for HTTP and for gRPC.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SuccessCriteria {
    /// Success criteria of HTTP requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpSuccessCriteria>,
    /// Success criteria of gRPC requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grpc: Option<GrpcSuccessCriteria>,
}

/// HTTP responses counted as successes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HttpSuccessCriteria {
    /// The successful status codes, each 100 to 599.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(inner(range(min = 100, max = 599)), transform = items_no_format)]
    pub status_codes: Option<Vec<i64>>,
}

/// gRPC responses counted as successes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GrpcSuccessCriteria {
    /// The successful gRPC status codes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_codes: Option<Vec<GrpcStatusCode>>,
}

string_enum! {
    /// A gRPC status code, by its name.
    pub enum GrpcStatusCode {
        /// Code 0, success.
        Ok = "Ok",
        /// Code 1, the caller cancelled.
        Cancelled = "Cancelled",
        /// Code 2, an unknown error. Named `UnknownCode` because [`Self::Unknown`] keeps values
        /// outside this set.
        UnknownCode = "Unknown",
        /// Code 3, a bad argument.
        InvalidArgument = "InvalidArgument",
        /// Code 4, the deadline passed.
        DeadlineExceeded = "DeadlineExceeded",
        /// Code 5, an entity was not found.
        NotFound = "NotFound",
        /// Code 6, an entity already exists.
        AlreadyExists = "AlreadyExists",
        /// Code 7, the caller lacks permission.
        PermissionDenied = "PermissionDenied",
        /// Code 8, a resource or quota ran out.
        ResourceExhausted = "ResourceExhausted",
        /// Code 9, the system is not in the required state.
        FailedPrecondition = "FailedPrecondition",
        /// Code 10, the operation was aborted.
        Aborted = "Aborted",
        /// Code 11, a value was out of range.
        OutOfRange = "OutOfRange",
        /// Code 12, the operation is not implemented.
        Unimplemented = "Unimplemented",
        /// Code 13, an internal error.
        Internal = "Internal",
        /// Code 14, the service is unavailable.
        Unavailable = "Unavailable",
        /// Code 15, data was lost or corrupted.
        DataLoss = "DataLoss",
        /// Code 16, the caller is not authenticated.
        Unauthenticated = "Unauthenticated",
    }
}

/// Removes the `format` of the items of a list of Go `int` values (HTTP status codes).
fn items_no_format(schema: &mut schemars::Schema) {
    if let Some(items) = schema.get_mut("items").and_then(serde_json::Value::as_object_mut) {
        items.remove("format");
    }
}

/// R11-R13. The percentages are read as written (the schema bounds report the same values
/// again, as the API server does); the sampling window is compared by value as CEL's
/// `duration()` reads it (Go's syntax), and text Go cannot read is left to the schema pass.
impl CheckRules for AdmissionControl {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        errors.check(self.min_success_rate.is_none_or(|rate| (1..=100).contains(&rate)), path, R11);
        errors.check(self.max_rejection_percent.is_none_or(|percent| (0..=100).contains(&percent)), path, R12);
        let window_holds = self
            .sampling_window
            .as_ref()
            .is_none_or(|window| window.cel_nanos().is_none_or(|nanos| nanos >= 1_000_000_000));
        errors.check(window_holds, path, R13);
    }
}
