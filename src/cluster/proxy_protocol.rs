//! The PROXY protocol header Envoy sends to the backend to pass on the client's address.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::macros::string_enum;

/// Sends a PROXY protocol header at the start of each backend connection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProxyProtocol {
    /// Protocol version. Required.
    pub version: ProxyProtocolVersion,
}

string_enum! {
    /// PROXY protocol version.
    pub enum ProxyProtocolVersion {
        /// Version 1, a text header.
        V1 = "V1",
        /// Version 2, a binary header.
        V2 = "V2",
    }
}
