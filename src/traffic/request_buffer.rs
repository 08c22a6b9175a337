//! Request buffering: the proxy reads the whole request body before contacting the backend.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Quantity;

/// Buffers each request body up to a size limit; larger requests get a 413 response.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequestBuffer {
    /// Largest request body buffered, in bytes (`4Mi`, `1000000`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<Quantity>,
}
