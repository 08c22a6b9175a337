//! Typed Envoy Gateway BackendTrafficPolicy models for kube-rs controllers.
//!
//! [`sync_decision`] is KubeLB's pure sync decision for a policy; the [`sync`] module documents
//! its decision table and the reasons behind its security rules.
#![forbid(unsafe_code)]

mod crd;
mod macros;

pub mod cluster;
pub mod duration;
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
