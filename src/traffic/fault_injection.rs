//! Fault injection (`spec.faultInjection`): delays or aborts a share of the requests, to test how
//! clients cope with slow or failing backends.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    Duration,
    schema::Rule,
    validate::{CheckRules, Path, ValidationErrors},
};

/// Rule on [`FaultInjection`]: at least one kind of fault is set.
pub(crate) const R16: Rule =
    Rule { rule: " has(self.delay) || has(self.abort) ", message: "Delay and abort faults are set at least one." };
/// Rule on [`Abort`]: not both an HTTP and a gRPC status.
pub(crate) const R17: Rule = Rule {
    rule: " !(has(self.httpStatus) && has(self.grpcStatus)) ",
    message: "httpStatus and grpcStatus cannot be simultaneously defined.",
};
/// Rule on [`Abort`]: an HTTP or a gRPC status.
pub(crate) const R18: Rule = Rule {
    rule: " has(self.httpStatus) || has(self.grpcStatus) ",
    message: "httpStatus and grpcStatus are set at least one.",
};

/// The faults injected; at least one of `delay` and `abort`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [R16]))]
pub struct FaultInjection {
    /// Holds matching requests for a while before forwarding them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<Delay>,
    /// Answers matching requests with an error instead of forwarding them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abort: Option<Abort>,
}

/// A fixed delay added to a share of the requests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Delay {
    /// How long each affected request waits.
    pub fixed_delay: Duration,
    /// Share of the requests delayed, in percent (fractions allowed); 0 delays none. Defaults
    /// to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(transform = crate::schema::no_format, extend("default" = 100))]
    pub percentage: Option<f64>,
}

/// An error returned to a share of the requests; exactly one of `http_status` and
/// `grpc_status`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [R17, R18]))]
pub struct Abort {
    /// HTTP status code returned, 200 to 600.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 200, max = 600))]
    pub http_status: Option<i32>,
    /// gRPC status code returned, 0 to 16.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 16))]
    pub grpc_status: Option<i32>,
    /// Share of the requests aborted, in percent (fractions allowed); 0 aborts none. Defaults
    /// to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(transform = crate::schema::no_format, extend("default" = 100))]
    pub percentage: Option<f64>,
}

/// R16 on the injection, then R17 and R18 on `abort`.
impl CheckRules for FaultInjection {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        errors.check(self.delay.is_some() || self.abort.is_some(), path, R16);
        self.abort.check_rules(&path.key("abort"), errors);
    }
}

/// R17 and R18: exactly one of the two statuses, reported as two rules.
impl CheckRules for Abort {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        errors.check(!(self.http_status.is_some() && self.grpc_status.is_some()), path, R17);
        errors.check(self.http_status.is_some() || self.grpc_status.is_some(), path, R18);
    }
}
