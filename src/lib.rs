//! Typed Envoy Gateway BackendTrafficPolicy models for kube-rs controllers.
#![forbid(unsafe_code)]

mod crd;
mod macros;

pub mod cluster;
pub mod duration;
pub mod gateway_api;
pub mod parse;
pub mod policy;
pub mod quantity;
pub mod schema;
pub mod status;
pub mod target;
pub mod traffic;
pub mod validate;

pub use duration::{Duration, DurationError};
pub use policy::{BackendTrafficPolicy, BackendTrafficPolicySpec, MergeType, RoutingType};
pub use quantity::{Quantity, QuantityError};
pub use status::PolicyStatus;
pub use target::{TargetRef, TargetSelector};
pub use validate::{ValidationError, ValidationErrors};
