//! Request buffering: the proxy reads the whole request body before contacting the backend.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    Quantity,
    envoy_gateway::{Check, Failure, Feature},
};

/// Buffers each request body up to a size limit; larger requests get a 413 response.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequestBuffer {
    /// Largest request body buffered, in bytes (`4Mi`, `1000000`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<Quantity>,
}

impl RequestBuffer {
    /// Envoy Gateway's checks T32-T33 (`buildRequestBuffer`, backendtrafficpolicy.go:2339-2357):
    /// the limit is an int64 for apimachinery, from 0 to 4294967295. An absent limit is Go's zero
    /// quantity and passes. Returns `true` when the buffer is built (what T49 needs).
    pub(crate) fn envoy_gateway_check(&self, out: &mut Vec<Failure>) -> bool {
        let Some(limit) = &self.limit else { return true };
        match limit.as_int64() {
            None => {
                out.push(
                    Failure::new(Feature::RequestBuffer, Check::T32, "limit must be convertible to an int64")
                        .at("spec.requestBuffer.limit"),
                );
                false
            }
            Some(v) if u32::try_from(v).is_err() => {
                out.push(
                    Failure::new(
                        Feature::RequestBuffer,
                        Check::T33,
                        format!(
                            "limit value {} is out of range, must be between 0 and {}",
                            limit.canonical(),
                            u32::MAX
                        ),
                    )
                    .at("spec.requestBuffer.limit"),
                );
                false
            }
            Some(_) => true,
        }
    }
}
