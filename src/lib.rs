//! Typed, validated Envoy Gateway `BackendTrafficPolicy` objects (`gateway.envoyproxy.io/v1alpha1`,
//! as of Envoy Gateway v1.9.0) for kube-rs controllers, and KubeLB's pure sync decision.
//!
//! - [`BackendTrafficPolicy`] is a kube-rs resource: `kube::Api<BackendTrafficPolicy>` works and
//!   [`BackendTrafficPolicy::crd`] returns a CRD equal to the upstream one, constraints and CEL
//!   rules included. Its [`spec`](BackendTrafficPolicySpec) has one module per API area:
//!   [`cluster`] (load balancing, retries, health checks, ...) and [`traffic`] (rate limits,
//!   response overrides, ...). Serde round trips are lossless; plain `serde` ignores unknown
//!   fields so a controller keeps working against a newer Envoy Gateway.
//! - [`parse`] reads YAML and JSON with Kubernetes' field-validation modes, reporting paths, lines
//!   and columns.
//! - [`BackendTrafficPolicy::validate`] checks what the API server checks, with its messages;
//!   [`BackendTrafficPolicy::with_defaults`] fills in the CRD defaults.
//! - [`BackendTrafficPolicy::envoy_gateway_verdict`] predicts what Envoy Gateway v1.9.0's
//!   translator makes of a stored policy: accepted, or refused with the exact `Accepted=False`
//!   message (its routes then answer 500), plus the deprecation warning and the settings it
//!   ignores. It covers the checks the policy alone decides and the global-rate-limit setting
//!   ([`envoy_gateway::Settings`]); it cannot know other resources (targets, ConfigMaps,
//!   conflicts between policies). See [`envoy_gateway`].
//! - [`sync_decision`] tells a KubeLB controller to apply a rewritten copy of a tenant's policy,
//!   remove the synced copy or reject the policy (also when the management cluster's API server
//!   could not store the rewritten copy, or its Envoy Gateway would not accept it); the [`sync`]
//!   module documents its decision table and the reasons behind its security rules. [`kubelb`] models KubeLB's `Config` and `Tenant`.
//!
//! ```
//! use backend_traffic_policy::{
//!     BackendTrafficPolicy, BackendTrafficPolicySpec, TargetRef,
//!     cluster::retry::Retry,
//!     kubelb::{Config, Tenant},
//!     sync::SyncDecision,
//!     sync_decision,
//! };
//!
//! let mut spec = BackendTrafficPolicySpec::targeting([TargetRef::http_route("backend")]);
//! spec.retry = Some(Retry { num_retries: Some(3), ..Retry::default() });
//! let policy = BackendTrafficPolicy::namespaced("shop", "retries", spec);
//! policy.validate()?;
//!
//! let decision = sync_decision(&policy, &Config::default_named("kubelb"), &Tenant::named("acme"));
//! let SyncDecision::Apply { object, .. } = decision else { panic!("expected Apply") };
//! assert_eq!(object.metadata.namespace.as_deref(), Some("tenant-acme"));
//! assert_eq!(object.metadata.name.as_deref(), Some("shop-retries"));
//! assert_eq!(object.spec.target_refs.unwrap()[0].name, "shop-backend");
//! # Ok::<(), backend_traffic_policy::ValidationErrors>(())
//! ```
//!
//! k8s-openapi asks libraries to leave the choice of Kubernetes version to the final binary:
//! enable one of its `v1_*` features in your application.
#![forbid(unsafe_code)]

mod crd;
mod go;
mod macros;

pub mod base64;
pub mod cluster;
pub mod duration;
pub mod envoy_gateway;
pub mod gateway_api;
pub mod kubelb;
pub mod parse;
pub mod policy;
pub mod quantity;
pub mod schema;
pub mod status;
pub mod sync;
pub mod target;
pub mod traffic;
pub mod validate;

pub use duration::{Duration, DurationError};
pub use policy::{BackendTrafficPolicy, BackendTrafficPolicySpec, MergeType, RoutingType};
pub use quantity::{Quantity, QuantityError};
pub use status::PolicyStatus;
pub use sync::sync_decision;
pub use target::{TargetRef, TargetSelector};
pub use validate::{ValidationError, ValidationErrors};
