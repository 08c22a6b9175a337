//! Envoy Gateway v1.9.0's translator judgement on a stored BackendTrafficPolicy.
//!
//! The API server storing a policy does not mean Envoy Gateway applies it: its translator
//! refuses some policies the CRD admits, sets `Accepted=False` on them and makes every HTTP or
//! GRPC route they cover answer with a direct 500. This module predicts that verdict from the
//! policy alone (checks T01-T35 of the reference) and from what is known of the management side's
//! Envoy Gateway ([`Settings`], check T36). It cannot know other resources: whether the targets
//! exist, whether a referenced ConfigMap exists, or which of two policies on one target wins.
//!
//! [`BackendTrafficPolicy::envoy_gateway_verdict`](crate::BackendTrafficPolicy::envoy_gateway_verdict)
//! gives a [`Verdict`]: the rejection ([`NotAccepted`], whose `Display` is Envoy Gateway's condition
//! message), the `DeprecatedField` warning, the [`Ignored`] settings and the `Condition`s Envoy
//! Gateway writes for one ancestor. Each check lives next to the type it reads.

mod failure;
mod ignored;
mod verdict;

pub use failure::{CONDITION_MESSAGE_MAX_LEN, Check, Failure, Feature, NotAccepted};
pub use ignored::{Ignored, SilentDrop};
pub use verdict::{ACCEPTED_MESSAGE, Verdict};

/// What the management cluster's Envoy Gateway has configured, as far as a policy's acceptance
/// depends on it. `None` means unknown: the checks that need the setting are not run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Settings {
    /// Whether a rate-limit service is configured (`EnvoyGateway.rateLimit`); a global rate limit
    /// is refused without one (check T36).
    pub global_rate_limit: Option<bool>,
}

impl Settings {
    /// Settings with `global_rate_limit` known.
    pub fn with_global_rate_limit(mut self, enabled: bool) -> Self {
        self.global_rate_limit = Some(enabled);
        self
    }
}

mod merge;

pub use merge::{MergeError, StrategicFailure, merge, merge_objects};
