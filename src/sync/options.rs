//! What a platform tells [`decide`](super::decide) beyond the Config and the Tenant.

use super::ManagementSideKind;
use crate::envoy_gateway;

/// Options of [`decide`](super::decide). The default is the strict one: nothing of the
/// management side is allowed, and nothing is known of the management cluster's Envoy Gateway.
///
/// ```
/// use backend_traffic_policy::sync::{ManagementSideKind, SyncOptions};
/// let options = SyncOptions::default().allowing(ManagementSideKind::EnvironmentVariable);
/// assert!(options.allow.allows(ManagementSideKind::EnvironmentVariable));
/// assert!(!options.allow.allows(ManagementSideKind::ProxyFile));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SyncOptions {
    /// What is known of the management cluster's Envoy Gateway.
    pub envoy_gateway: envoy_gateway::Settings,
    /// The kinds of management-side fields the platform lets tenants use.
    pub allow: ManagementSideKinds,
}

impl SyncOptions {
    /// These options, also allowing management-side fields of `kind`.
    #[must_use]
    pub fn allowing(mut self, kind: ManagementSideKind) -> Self {
        self.allow = self.allow.with(kind);
        self
    }

    /// These options with `settings` for the management cluster's Envoy Gateway.
    #[must_use]
    pub fn with_envoy_gateway(mut self, settings: envoy_gateway::Settings) -> Self {
        self.envoy_gateway = settings;
        self
    }
}

/// Which [`ManagementSideKind`]s a platform allows; none by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ManagementSideKinds {
    /// [`ManagementSideKind::EnvironmentVariable`].
    pub environment_variables: bool,
    /// [`ManagementSideKind::ProxyDetails`].
    pub proxy_details: bool,
    /// [`ManagementSideKind::UnknownOperator`].
    pub unknown_operators: bool,
    /// [`ManagementSideKind::MalformedFormatString`].
    pub malformed_format_strings: bool,
    /// [`ManagementSideKind::ProxyFile`].
    pub proxy_files: bool,
    /// [`ManagementSideKind::DynamicModule`].
    pub dynamic_modules: bool,
    /// [`ManagementSideKind::StatName`].
    pub stat_names: bool,
}

impl ManagementSideKinds {
    /// Every kind allowed: the sync then copies the spec as it did before it checked these fields.
    #[must_use]
    pub fn all() -> Self {
        ManagementSideKind::ALL.into_iter().fold(Self::default(), Self::with)
    }

    /// These kinds and `kind`.
    #[must_use]
    pub fn with(mut self, kind: ManagementSideKind) -> Self {
        *self.flag(kind) = true;
        self
    }

    /// Whether fields of `kind` are allowed.
    #[must_use]
    pub fn allows(&self, kind: ManagementSideKind) -> bool {
        let mut copy = *self;
        *copy.flag(kind)
    }

    fn flag(&mut self, kind: ManagementSideKind) -> &mut bool {
        match kind {
            ManagementSideKind::EnvironmentVariable => &mut self.environment_variables,
            ManagementSideKind::ProxyDetails => &mut self.proxy_details,
            ManagementSideKind::UnknownOperator => &mut self.unknown_operators,
            ManagementSideKind::MalformedFormatString => &mut self.malformed_format_strings,
            ManagementSideKind::ProxyFile => &mut self.proxy_files,
            ManagementSideKind::DynamicModule => &mut self.dynamic_modules,
            ManagementSideKind::StatName => &mut self.stat_names,
        }
    }
}
