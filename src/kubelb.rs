//! KubeLB's `Config` and `Tenant` resources (`kubelb.k8c.io/v1alpha1`), typed as far as the sync
//! decision reads them.
//!
//! A KubeLB management cluster has one global [`Config`] (named `default`, in the namespace
//! KubeLB runs in) and one cluster-scoped [`Tenant`] per tenant cluster. Both carry a
//! `spec.gatewayAPI` block ([`GatewayApiSettings`]) in which a platform administrator can switch
//! Gateway API support, or the sync of single kinds, off: globally in the `Config`, or for one
//! tenant in its `Tenant`. [`sync_decision`](crate::sync_decision) reads both.
//!
//! Only `spec.gatewayAPI` is typed. Every other setting KubeLB has (load balancers, ingress,
//! Envoy proxy, DNS, certificates, annotation propagation, ...) may appear in a real object and
//! is ignored when reading, so these types keep working as KubeLB grows. Every field is
//! optional, and a missing or `null` `spec` reads as the default spec, so a bare object that
//! only has a name is understood as "nothing disabled".
//!
//! ```
//! use backend_traffic_policy::kubelb::Tenant;
//! let tenant: Tenant = serde_saphyr::from_str(
//!     "apiVersion: kubelb.k8c.io/v1alpha1
//! kind: Tenant
//! metadata: {name: tenant-a}
//! spec:
//!   loadBalancer: {class: metallb}
//!   gatewayAPI: {disableGRPCRoute: true, gateway: {limit: 2}}
//! ",
//! )?;
//! assert!(tenant.spec.gateway_api.disable_grpc_route);
//! assert!(!tenant.spec.gateway_api.disable_backend_traffic_policy);
//! assert_eq!(tenant.spec.gateway_api.gateway.limit, Some(2));
//! # Ok::<(), serde_saphyr::Error>(())
//! ```

use k8s_openapi::api::core::v1::ObjectReference;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The API group of KubeLB's resources.
pub const GROUP: &str = "kubelb.k8c.io";
/// The `apiVersion` of [`Config`] and [`Tenant`].
pub const API_VERSION: &str = "kubelb.k8c.io/v1alpha1";
/// The name KubeLB gives its one global [`Config`].
pub const DEFAULT_CONFIG_NAME: &str = "default";

/// The global settings of a KubeLB management cluster, as far as the sync decision reads them.
///
/// KubeLB reads the `Config` named `default` in its own namespace. A missing or `null` `spec`
/// reads as the default (nothing disabled).
#[derive(CustomResource, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "kubelb.k8c.io",
    version = "v1alpha1",
    kind = "Config",
    plural = "configs",
    namespaced,
    derive = "PartialEq",
    derive = "Default",
    doc = "KubeLB's global configuration (`kubelb.k8c.io/v1alpha1`, namespaced): settings that apply to every tenant unless a Tenant narrows them."
)]
#[serde(rename_all = "camelCase")]
pub struct ConfigSpec {
    /// Gateway API support and which of its kinds KubeLB syncs, for every tenant.
    #[serde(default, rename = "gatewayAPI")]
    pub gateway_api: GatewayApiSettings,
}

/// The settings of one tenant of a KubeLB management cluster, as far as the sync decision reads
/// them.
///
/// Cluster-scoped in KubeLB; the tenant's objects live in the namespace `tenant-{name}` of the
/// management cluster. A missing or `null` `spec` reads as the default (nothing disabled).
#[derive(CustomResource, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "kubelb.k8c.io",
    version = "v1alpha1",
    kind = "Tenant",
    plural = "tenants",
    derive = "PartialEq",
    derive = "Default",
    doc = "A KubeLB tenant (`kubelb.k8c.io/v1alpha1`, cluster-scoped): one tenant cluster, whose objects the management cluster keeps in the namespace `tenant-{name}`."
)]
#[serde(rename_all = "camelCase")]
pub struct TenantSpec {
    /// Gateway API support and which of its kinds KubeLB syncs, for this tenant only. A tenant
    /// setting can switch a sync off; it never switches on what the [`Config`] switched off.
    #[serde(default, rename = "gatewayAPI")]
    pub gateway_api: GatewayApiSettings,
}

/// The `gatewayAPI` block of a [`Config`] or a [`Tenant`]: whether KubeLB handles Gateway API
/// objects at all, which kinds it syncs, and defaults for the Gateways it manages.
///
/// Every flag defaults to `false` (the kind is synced); an absent flag is not written back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GatewayApiSettings {
    /// The GatewayClass KubeLB uses for the Gateways it creates; KubeLB's own default when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// The Gateway that tenant routes attach to when they name none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_gateway: Option<ObjectReference>,
    /// Settings of the Gateways KubeLB creates for a tenant.
    #[serde(default, skip_serializing_if = "GatewaySettings::is_empty")]
    pub gateway: GatewaySettings,
    /// Switches Gateway API support off entirely: no Gateway API object is synced.
    #[serde(default, skip_serializing_if = "is_false")]
    pub disable: bool,
    /// Stops the sync of HTTPRoutes (and so of policies that target them).
    #[serde(default, rename = "disableHTTPRoute", skip_serializing_if = "is_false")]
    pub disable_http_route: bool,
    /// Stops the sync of GRPCRoutes (and so of policies that target them).
    #[serde(default, rename = "disableGRPCRoute", skip_serializing_if = "is_false")]
    pub disable_grpc_route: bool,
    /// Stops the sync of TCPRoutes.
    #[serde(default, rename = "disableTCPRoute", skip_serializing_if = "is_false")]
    pub disable_tcp_route: bool,
    /// Stops the sync of UDPRoutes.
    #[serde(default, rename = "disableUDPRoute", skip_serializing_if = "is_false")]
    pub disable_udp_route: bool,
    /// Stops the sync of TLSRoutes.
    #[serde(default, rename = "disableTLSRoute", skip_serializing_if = "is_false")]
    pub disable_tls_route: bool,
    /// Stops the sync of Envoy Gateway BackendTrafficPolicies.
    #[serde(default, skip_serializing_if = "is_false")]
    pub disable_backend_traffic_policy: bool,
    /// Stops the sync of Envoy Gateway ClientTrafficPolicies.
    #[serde(default, skip_serializing_if = "is_false")]
    pub disable_client_traffic_policy: bool,
}

/// Limits on the Gateways KubeLB creates for a tenant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GatewaySettings {
    /// The most Gateways a tenant may have; KubeLB's own default when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

impl GatewaySettings {
    /// `true` when nothing is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.limit.is_none()
    }
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_false(value: &bool) -> bool {
    !*value
}

/// Reads a spec that may be absent or `null` as its default, and serializes it as written.
///
/// kube's derive gives the root object a plain `spec` field; serde reads a missing field by
/// asking the type to deserialize from "nothing" through `deserialize_option`, which these
/// implementations answer with the default spec instead of an error.
macro_rules! lenient_spec {
    ($spec:ident { $($field:ident: $ty:ty = $wire:literal),+ $(,)? }) => {
        impl Serialize for $spec {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #[derive(Serialize)]
                struct Repr<'a> {
                    $(#[serde(rename = $wire)] $field: &'a $ty,)+
                }
                let Self { $($field),+ } = self;
                Repr { $($field),+ }.serialize(serializer)
            }
        }

        impl<'de> Deserialize<'de> for $spec {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #[derive(Deserialize)]
                struct Repr {
                    $(#[serde(default, rename = $wire)] $field: $ty,)+
                }
                let repr: Option<Repr> = Option::deserialize(deserializer)?;
                Ok(repr.map(|Repr { $($field),+ }| Self { $($field),+ }).unwrap_or_default())
            }
        }
    };
}

lenient_spec!(ConfigSpec { gateway_api: GatewayApiSettings = "gatewayAPI" });
lenient_spec!(TenantSpec { gateway_api: GatewayApiSettings = "gatewayAPI" });

impl Config {
    /// The global `Config` KubeLB reads, named `default` in `namespace`, with nothing disabled.
    ///
    /// ```
    /// use backend_traffic_policy::kubelb::Config;
    /// let config = Config::default_named("kubelb");
    /// assert_eq!(config.metadata.name.as_deref(), Some("default"));
    /// assert!(!config.spec.gateway_api.disable);
    /// ```
    #[must_use]
    pub fn default_named(namespace: &str) -> Self {
        let mut config = Self::new(DEFAULT_CONFIG_NAME, ConfigSpec::default());
        config.metadata.namespace = Some(namespace.to_owned());
        config
    }

    /// The same `Config` with `settings` as its `spec.gatewayAPI`.
    #[must_use]
    pub fn with_gateway_api(mut self, settings: GatewayApiSettings) -> Self {
        self.spec.gateway_api = settings;
        self
    }
}

impl Tenant {
    /// The tenant `name`, with nothing disabled.
    ///
    /// ```
    /// use backend_traffic_policy::kubelb::Tenant;
    /// let tenant = Tenant::named("tenant-a");
    /// assert_eq!(tenant.management_namespace().as_deref(), Some("tenant-tenant-a"));
    /// ```
    #[must_use]
    pub fn named(name: &str) -> Self {
        Self::new(name, TenantSpec::default())
    }

    /// The same `Tenant` with `settings` as its `spec.gatewayAPI`.
    #[must_use]
    pub fn with_gateway_api(mut self, settings: GatewayApiSettings) -> Self {
        self.spec.gateway_api = settings;
        self
    }

    /// The namespace of the management cluster that holds this tenant's objects:
    /// `tenant-{name}`. `None` when the tenant has no name (or an empty one).
    #[must_use]
    pub fn management_namespace(&self) -> Option<String> {
        match self.metadata.name.as_deref() {
            Some(name) if !name.is_empty() => Some(tenant_namespace(name)),
            _ => None,
        }
    }
}

/// The namespace of the management cluster that holds the objects of tenant `name`:
/// `tenant-{name}`.
///
/// ```
/// assert_eq!(backend_traffic_policy::kubelb::tenant_namespace("a"), "tenant-a");
/// ```
#[must_use]
pub fn tenant_namespace(name: &str) -> String {
    let mut namespace = String::with_capacity("tenant-".len().saturating_add(name.len()));
    namespace.push_str("tenant-");
    namespace.push_str(name);
    namespace
}
