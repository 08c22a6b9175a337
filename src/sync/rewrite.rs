//! The rewrite for the management cluster: metadata, targets, selectors and dependencies.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{
    Dependency, DependencyKind, DropCause, DroppedTarget, LABEL_MANAGED_BY, LABEL_ORIGIN_NAME, LABEL_ORIGIN_NAMESPACE,
    LABEL_TENANT, LAST_APPLIED_ANNOTATION, MANAGED_BY, Scope, SyncWarning, SyncedTarget, TargetField, name,
};
use crate::{
    BackendTrafficPolicySpec, TargetRef, TargetSelector,
    gateway_api::LocalObjectReference,
    kubelb::tenant_namespace,
    target::{GATEWAY_API_GROUP, NamespaceFrom, TargetNamespaces},
    traffic::response_override::{CustomResponse, ResponseBody, ResponseOverride},
};

/// The metadata of the synced object: new name and namespace, KubeLB's labels, and nothing the
/// tenant cluster's API server owns.
pub(super) fn synced_metadata(meta: &ObjectMeta, namespace: &str, policy_name: &str, tenant_name: &str) -> ObjectMeta {
    // No `..`: a new metadata field must be sorted into "kept" or "cleared" here.
    let ObjectMeta {
        annotations,
        labels,
        // Replaced.
        name: _,
        namespace: _,
        // Cleared: they describe the object in the tenant cluster.
        creation_timestamp: _,
        deletion_grace_period_seconds: _,
        deletion_timestamp: _,
        finalizers: _,
        generate_name: _,
        generation: _,
        managed_fields: _,
        owner_references: _,
        resource_version: _,
        self_link: _,
        uid: _,
    } = meta;

    let mut labels = labels.clone().unwrap_or_default();
    labels.insert(LABEL_ORIGIN_NAME.to_owned(), policy_name.to_owned());
    labels.insert(LABEL_ORIGIN_NAMESPACE.to_owned(), namespace.to_owned());
    labels.insert(LABEL_MANAGED_BY.to_owned(), MANAGED_BY.to_owned());
    labels.insert(LABEL_TENANT.to_owned(), tenant_name.to_owned());

    let annotations: BTreeMap<String, String> = annotations
        .iter()
        .flatten()
        .filter(|(key, _)| key.as_str() != LAST_APPLIED_ANNOTATION)
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();

    ObjectMeta {
        name: Some(name(namespace, policy_name)),
        namespace: Some(tenant_namespace(tenant_name)),
        labels: Some(labels),
        annotations: (!annotations.is_empty()).then_some(annotations),
        ..ObjectMeta::default()
    }
}

/// What a target becomes in the management cluster.
enum Kept {
    /// Unchanged name (Gateways).
    AsIs,
    /// Renamed with [`name`] (routes).
    Renamed,
}

/// The spec rewrite of one decision: the settings it reads and what it found on the way.
pub(super) struct Rewrite<'a> {
    pub(super) namespace: &'a str,
    pub(super) http_route_off: Option<Scope>,
    pub(super) grpc_route_off: Option<Scope>,
    pub(super) warnings: Vec<SyncWarning>,
    pub(super) dependencies: Vec<Dependency>,
    /// The kept named targets, each once, in the order of the spec.
    pub(super) targets: Vec<SyncedTarget>,
}

impl Rewrite<'_> {
    pub(super) fn spec(&mut self, spec: &BackendTrafficPolicySpec) -> BackendTrafficPolicySpec {
        // No `..`, here or in the literal below: a new upstream field must be sorted into one of
        // these groups before the crate builds again.
        let BackendTrafficPolicySpec {
            // Targets: filtered and renamed.
            target_ref,
            target_refs,
            target_selectors,
            // References to other objects: renamed and listed as dependencies.
            response_override,
            // Neither a target nor a reference to another object: copied.
            load_balancer,
            retry,
            proxy_protocol,
            tcp_keepalive,
            health_check,
            circuit_breaker,
            timeout,
            connection,
            dns,
            http2,
            merge_type,
            rate_limit,
            bandwidth_limit,
            fault_injection,
            admission_control,
            use_client_protocol,
            compression,
            compressor,
            http_upgrade,
            request_buffer,
            telemetry,
            routing_type,
        } = spec;

        BackendTrafficPolicySpec {
            target_ref: target_ref.as_ref().and_then(|target| self.target_ref(target, TargetField::TargetRef)),
            target_refs: target_refs.as_deref().and_then(|targets| self.target_refs(targets)),
            target_selectors: target_selectors.as_deref().and_then(|selectors| self.target_selectors(selectors)),
            response_override: response_override.as_deref().map(|overrides| self.response_overrides(overrides)),
            load_balancer: load_balancer.clone(),
            retry: retry.clone(),
            proxy_protocol: proxy_protocol.clone(),
            tcp_keepalive: tcp_keepalive.clone(),
            health_check: health_check.clone(),
            circuit_breaker: circuit_breaker.clone(),
            timeout: timeout.clone(),
            connection: connection.clone(),
            dns: dns.clone(),
            http2: http2.clone(),
            merge_type: merge_type.clone(),
            rate_limit: rate_limit.clone(),
            bandwidth_limit: bandwidth_limit.clone(),
            fault_injection: fault_injection.clone(),
            admission_control: admission_control.clone(),
            use_client_protocol: *use_client_protocol,
            compression: compression.clone(),
            compressor: compressor.clone(),
            http_upgrade: http_upgrade.clone(),
            request_buffer: request_buffer.clone(),
            telemetry: telemetry.clone(),
            routing_type: routing_type.clone(),
        }
    }

    /// The kept entries of `spec.targetRefs`, renamed; `None` when the sync dropped them all.
    fn target_refs(&mut self, targets: &[TargetRef]) -> Option<Vec<TargetRef>> {
        let kept: Vec<_> = targets
            .iter()
            .enumerate()
            .filter_map(|(i, target)| self.target_ref(target, TargetField::TargetRefs(i)))
            .collect();
        // A list emptied by the sync goes away; one the tenant left empty stays.
        (kept.len() == targets.len() || !kept.is_empty()).then_some(kept)
    }

    /// The kept entries of `spec.targetSelectors`, narrowed; `None` when the sync dropped them all.
    fn target_selectors(&mut self, selectors: &[TargetSelector]) -> Option<Vec<TargetSelector>> {
        let kept: Vec<_> =
            selectors.iter().enumerate().filter_map(|(i, selector)| self.target_selector(selector, i)).collect();
        (kept.len() == selectors.len() || !kept.is_empty()).then_some(kept)
    }

    /// `spec.responseOverride` with its ConfigMap references renamed.
    fn response_overrides(&mut self, overrides: &[ResponseOverride]) -> Vec<ResponseOverride> {
        overrides.iter().map(|o| self.response_override(o)).collect()
    }

    /// Whether a target of `group`/`kind` is kept, and how.
    fn classify(&self, group: &str, kind: &str) -> Result<Kept, DropCause> {
        if group != GATEWAY_API_GROUP {
            return Err(DropCause::UnsupportedKind);
        }
        let off = match kind {
            "Gateway" => return Ok(Kept::AsIs),
            "HTTPRoute" => self.http_route_off,
            "GRPCRoute" => self.grpc_route_off,
            // TCPRoute, UDPRoute, TLSRoute, ListenerSet and anything else.
            _ => return Err(DropCause::UnsupportedKind),
        };
        match off {
            Some(scope) => Err(DropCause::RouteSyncDisabled(scope)),
            None => Ok(Kept::Renamed),
        }
    }

    fn dropped(&mut self, field: TargetField, kind: &str, name: Option<&str>, cause: DropCause) {
        self.warnings.push(SyncWarning::TargetDropped(DroppedTarget {
            field,
            kind: kind.to_owned(),
            name: name.map(str::to_owned),
            cause,
        }));
    }

    fn target_ref(&mut self, target: &TargetRef, field: TargetField) -> Option<TargetRef> {
        let TargetRef { group, kind, name: target_name, section_name } = target;
        let name = match self.classify(group, kind) {
            Ok(Kept::AsIs) => target_name.clone(),
            Ok(Kept::Renamed) => name(self.namespace, target_name),
            Err(cause) => {
                self.dropped(field, kind, Some(target_name), cause);
                return None;
            }
        };
        if !self.targets.iter().any(|t| t.kind == *kind && t.origin_name == *target_name) {
            self.targets.push(SyncedTarget {
                kind: kind.clone(),
                synced_name: name.clone(),
                origin_namespace: self.namespace.to_owned(),
                origin_name: target_name.clone(),
            });
        }
        Some(TargetRef { group: group.clone(), kind: kind.clone(), name, section_name: section_name.clone() })
    }

    fn target_selector(&mut self, selector: &TargetSelector, index: usize) -> Option<TargetSelector> {
        let TargetSelector { group, kind, namespaces, match_labels, match_expressions } = selector;
        if let Err(cause) = self.classify(group.as_deref().unwrap_or(GATEWAY_API_GROUP), kind) {
            self.dropped(TargetField::TargetSelectors(index), kind, None, cause);
            return None;
        }
        if let Some(TargetNamespaces { from, selector: _ }) = namespaces {
            let from = from.clone().unwrap_or(NamespaceFrom::Same);
            self.warnings.push(SyncWarning::SelectorNamespacesRemoved { index, from });
        }
        let mut labels = match_labels.clone().unwrap_or_default();
        if let Some(value) = labels.insert(LABEL_ORIGIN_NAMESPACE.to_owned(), self.namespace.to_owned())
            && value != self.namespace
        {
            self.warnings.push(SyncWarning::SelectorOriginReplaced { index, value });
        }
        Some(TargetSelector {
            group: group.clone(),
            kind: kind.clone(),
            namespaces: None,
            match_labels: Some(labels),
            match_expressions: match_expressions.clone(),
        })
    }

    fn response_override(&mut self, item: &ResponseOverride) -> ResponseOverride {
        let ResponseOverride { r#match, response, redirect, source } = item;
        ResponseOverride {
            r#match: r#match.clone(),
            response: response.as_ref().map(|response| self.custom_response(response)),
            redirect: redirect.clone(),
            source: source.clone(),
        }
    }

    fn custom_response(&mut self, response: &CustomResponse) -> CustomResponse {
        let CustomResponse { content_type, body, status_code, header } = response;
        CustomResponse {
            content_type: content_type.clone(),
            body: body.as_ref().map(|body| self.response_body(body)),
            status_code: *status_code,
            header: header.clone(),
        }
    }

    fn response_body(&mut self, body: &ResponseBody) -> ResponseBody {
        let ResponseBody { r#type, inline, value_ref } = body;
        ResponseBody {
            r#type: r#type.clone(),
            inline: inline.clone(),
            value_ref: value_ref.as_ref().map(|reference| self.config_map(reference)),
        }
    }

    /// Renames a ConfigMap reference (validation has made sure the kind is `ConfigMap`) and
    /// records the ConfigMap as a dependency, once.
    fn config_map(&mut self, reference: &LocalObjectReference) -> LocalObjectReference {
        let LocalObjectReference { group, kind, name: config_map } = reference;
        let synced_name = name(self.namespace, config_map);
        if !self.dependencies.iter().any(|d| d.kind == DependencyKind::ConfigMap && d.name == *config_map) {
            self.dependencies.push(Dependency {
                kind: DependencyKind::ConfigMap,
                namespace: self.namespace.to_owned(),
                name: config_map.clone(),
                synced_name: synced_name.clone(),
            });
        }
        LocalObjectReference { group: group.clone(), kind: kind.clone(), name: synced_name }
    }
}
