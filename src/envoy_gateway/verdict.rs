//! The verdict: every feature checked in Envoy Gateway's order, the deprecation warning and the conditions.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};

use super::{Check, Failure, Feature, Ignored, NotAccepted, Settings, ignored};
use crate::BackendTrafficPolicy;

/// What Envoy Gateway v1.9.0's translator makes of a policy on its own: accepted or not (and
/// why), the deprecation warning it writes, and the settings it accepts without applying them as
/// written. Built by [`BackendTrafficPolicy::envoy_gateway_verdict`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    rejection: Option<NotAccepted>,
    ignored: Vec<Ignored>,
    deprecated_target_ref: bool,
    deprecated_compression: bool,
}

/// The message of the `Accepted=True` condition (`SetAcceptedForPolicyAncestor`,
/// internal/gatewayapi/status/policy.go:96).
pub const ACCEPTED_MESSAGE: &str = "Policy has been accepted.";

impl BackendTrafficPolicy {
    /// Envoy Gateway v1.9.0's verdict on this policy as stored (apply
    /// [`with_defaults`](Self::with_defaults) first to an object the API server has not
    /// stored): the features run in the order of `buildTrafficFeatures`
    /// (internal/gatewayapi/backendtrafficpolicy.go:1474-1571), each checked by its own type.
    ///
    /// Meant for a policy that passed [`validate`](Self::validate); on another it says something
    /// without panicking. On an accepted policy without deprecated fields or regular expressions
    /// it allocates nothing.
    ///
    /// ```
    /// use backend_traffic_policy::{BackendTrafficPolicy, envoy_gateway::Settings};
    /// let policy: BackendTrafficPolicy = serde_json::from_value(serde_json::json!({
    ///     "apiVersion": "gateway.envoyproxy.io/v1alpha1", "kind": "BackendTrafficPolicy",
    ///     "metadata": {"name": "p", "namespace": "default"},
    ///     "spec": {
    ///         "targetRefs": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "r"}],
    ///         "connection": {"bufferLimit": "1000G"}
    ///     }
    /// }))?;
    /// let verdict = policy.envoy_gateway_verdict(&Settings::default());
    /// assert_eq!(
    ///     verdict.rejection().unwrap().to_string(),
    ///     "BackendConnection: BufferLimit value 1T is out of range."
    /// );
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    #[must_use]
    pub fn envoy_gateway_verdict(&self, settings: &Settings) -> Verdict {
        let spec = &self.spec;
        let mut failures: Vec<Failure> = Vec::new();
        let out = &mut failures;
        if let Some(rate_limit) = &spec.rate_limit {
            rate_limit.envoy_gateway_check(settings, out);
        }
        if let Some(bandwidth) = &spec.bandwidth_limit {
            bandwidth.envoy_gateway_check(out);
        }
        if let Some(load_balancer) = &spec.load_balancer {
            load_balancer.envoy_gateway_check(out);
        }
        // CircuitBreaker, TCPKeepalive and Timeout fail only on values the CRD refuses (ranges
        // and duration patterns, reference §3); ResponseOverride only on missing ConfigMaps.
        if let Some(retry) = &spec.retry {
            retry.envoy_gateway_check(out);
        }
        if let Some(connection) = &spec.connection {
            connection.envoy_gateway_check(out);
        }
        if let Some(http2) = &spec.http2 {
            http2.envoy_gateway_check(out);
        }
        let buffered = spec.request_buffer.as_ref().is_some_and(|buffer| buffer.envoy_gateway_check(out));
        if let Some(telemetry) = &spec.telemetry {
            telemetry.envoy_gateway_check(out);
        }
        // T49 (backendtrafficpolicy.go:1566-1571): a built request buffer with any upgrade. The
        // CRD (R08) refuses both in one object; a merged policy can hold both.
        if buffered && spec.http_upgrade.as_ref().is_some_and(|upgrades| !upgrades.is_empty()) {
            out.push(
                Failure::new(
                    Feature::RequestBuffer,
                    Check::T49,
                    "requestBuffer cannot be used together with httpUpgrade",
                )
                .at("spec.httpUpgrade"),
            );
        }

        let mut notes: Vec<Ignored> = Vec::new();
        if let Some(rate_limit) = &spec.rate_limit {
            ignored::rate_limit_type(rate_limit, &mut notes);
        }
        if let Some(load_balancer) = &spec.load_balancer {
            load_balancer.envoy_gateway_ignored(&mut notes);
        }
        if let Some(keepalive) = &spec.tcp_keepalive {
            keepalive.envoy_gateway_ignored(&mut notes);
        }
        if let Some(connection) = &spec.connection {
            connection.envoy_gateway_ignored(&mut notes);
        }
        for (index, compressor) in spec.compressor.iter().flatten().enumerate() {
            compressor.envoy_gateway_ignored(index, &mut notes);
        }
        ignored::layer4_targets(spec, &mut notes);

        Verdict {
            rejection: NotAccepted::from_failures(failures),
            ignored: notes,
            // deprecatedFieldsUsedInBackendTrafficPolicy (backendtrafficpolicy.go:268-278).
            deprecated_target_ref: spec.target_ref.is_some(),
            deprecated_compression: spec.compression.as_ref().is_some_and(|c| !c.is_empty()),
        }
    }
}

impl Verdict {
    /// `true` when Envoy Gateway would set `Accepted=True` and apply the policy.
    #[must_use]
    pub fn is_accepted(&self) -> bool {
        self.rejection.is_none()
    }

    /// Why Envoy Gateway would refuse the policy; its `Display` is the condition message.
    #[must_use]
    pub fn rejection(&self) -> Option<&NotAccepted> {
        self.rejection.as_ref()
    }

    /// The message of the `Warning`/`DeprecatedField` condition Envoy Gateway writes when the
    /// policy uses `spec.targetRef` or a non-empty `spec.compression`
    /// (`buildDeprecationWarningMessage`, internal/gatewayapi/status/policy.go:213-236: fields in
    /// sorted order, joined by `; `). Set on accepted and refused policies alike.
    #[must_use]
    pub fn deprecation_warning(&self) -> Option<String> {
        const COMPRESSION: &str = "spec.compression is deprecated, use spec.compressor instead";
        const TARGET_REF: &str = "spec.targetRef is deprecated, use spec.targetRefs instead";
        match (self.deprecated_compression, self.deprecated_target_ref) {
            (true, true) => Some(format!("{COMPRESSION}; {TARGET_REF}")),
            (true, false) => Some(COMPRESSION.to_owned()),
            (false, true) => Some(TARGET_REF.to_owned()),
            (false, false) => None,
        }
    }

    /// Settings Envoy Gateway accepts but does not apply as written (S01-S06), feature by feature.
    #[must_use]
    pub fn ignored(&self) -> &[Ignored] {
        &self.ignored
    }

    /// The conditions Envoy Gateway writes for one ancestor (a Gateway the policy reaches):
    /// `Accepted` (`True`/`Accepted` with "Policy has been accepted.", or `False`/`Invalid` with
    /// the rejection message), then `Warning`/`True`/`DeprecatedField` when a deprecated field
    /// is used (internal/gatewayapi/status/policy.go:64-137). `now` becomes every
    /// `lastTransitionTime`; nothing here reads a clock.
    #[must_use]
    pub fn conditions(&self, observed_generation: Option<i64>, now: Time) -> Vec<Condition> {
        let condition = |type_: &str, status: &str, reason: &str, message: String| Condition {
            last_transition_time: now.clone(),
            message,
            observed_generation,
            reason: reason.to_owned(),
            status: status.to_owned(),
            type_: type_.to_owned(),
        };
        let mut conditions = Vec::with_capacity(2);
        conditions.push(match &self.rejection {
            None => condition("Accepted", "True", "Accepted", ACCEPTED_MESSAGE.to_owned()),
            Some(rejection) => condition("Accepted", "False", "Invalid", rejection.to_string()),
        });
        if let Some(warning) = self.deprecation_warning() {
            conditions.push(condition("Warning", "True", "DeprecatedField", warning));
        }
        conditions
    }
}
