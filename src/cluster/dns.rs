//! How Envoy resolves backends given by hostname (FQDN).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Duration, macros::string_enum};

/// DNS resolution settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Dns {
    /// How often records are resolved again; Envoy Gateway uses 30s when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_refresh_rate: Option<Duration>,
    /// Use each record's TTL as the refresh rate; Envoy Gateway uses true when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respect_dns_ttl: Option<bool>,
    /// Which address families are looked up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookup_family: Option<LookupFamily>,
}

string_enum! {
    /// Address families a DNS lookup asks for.
    pub enum LookupFamily {
        /// IPv4 addresses only.
        IPv4 = "IPv4",
        /// IPv6 addresses only.
        IPv6 = "IPv6",
        /// IPv4 first, IPv6 when there is none.
        IPv4Preferred = "IPv4Preferred",
        /// IPv6 first, IPv4 when there is none.
        IPv6Preferred = "IPv6Preferred",
        /// Both families, all addresses used.
        IPv4AndIPv6 = "IPv4AndIPv6",
    }
}
