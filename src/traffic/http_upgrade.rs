//! Protocol upgrades (WebSocket, CONNECT, ...) the proxy lets through to the backends.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    schema::Rule,
    validate::{CheckRules, Path, ValidationErrors},
};

/// `connect` is only allowed on a `CONNECT` entry.
pub(crate) const R28: Rule = Rule {
    rule: "!has(self.connect) || self.type == 'CONNECT'",
    message: "The connect configuration is only allowed when the type is CONNECT.",
};

/// One upgrade the proxy accepts, such as `websocket` or `CONNECT`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [R28]))]
pub struct HttpUpgrade {
    /// The upgrade name (`Upgrade` header value or `CONNECT`), matched without regard to case
    /// by Envoy; `connect` requires exactly `CONNECT`. Required.
    pub r#type: String,
    /// Settings for `CONNECT` requests; only with `type: CONNECT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect: Option<ConnectConfig>,
}

/// How the proxy handles `CONNECT` requests.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConnectConfig {
    /// When `true`, the proxy ends the `CONNECT` tunnel itself and sends the raw TCP payload
    /// to the backend; otherwise the request is forwarded as is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminate: Option<bool>,
}

/// R28: `connect` only on an entry whose type is exactly `CONNECT`. CEL compares strings
/// case-sensitively, so `connect` on a `type: connect` entry fails although Envoy would
/// accept the upgrade name in any case.
impl CheckRules for HttpUpgrade {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        errors.check(self.connect.is_none() || self.r#type == "CONNECT", path, R28);
    }
}
