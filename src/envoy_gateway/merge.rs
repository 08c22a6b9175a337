//! `mergeType`: the policy Envoy Gateway translates when a route policy merges with its parent.
//!
//! A route policy with `spec.mergeType` is merged, per listener, into the closest parent policy
//! (the listener's, else the Gateway's or ListenerSet's; btp:715-760), and Envoy Gateway
//! translates the result instead of the route policy (btp:1270-1320). [`merge`] computes that
//! result from the two stored policies, [`merge_objects`] the object before its rate limits
//! are replaced. Which parent applies needs the Gateway and its policies and is not decided
//! here.
//!
//! How it is computed, following `utils.Merge` (internal/utils/merge.go:31-78):
//! 1. Both policies are taken as the API server stores them ([`with_defaults`]): a route
//!    `retry` without `numRetries` holds `2` and replaces the parent's value.
//! 2. Both whole objects are written as Envoy Gateway's Go types write them; the differences
//!    from this crate's JSON that change a merge are listed in `go_json.rs`. The main ones: an
//!    empty list (`compressor: []`) is left out, so it inherits the parent's; a `local` rate
//!    limit without rules deletes the parent's local rules; a `requestBuffer` without `limit`
//!    has the limit `0`.
//! 3. `StrategicMerge` is apimachinery's strategic merge patch with the route as the patch:
//!    objects merge key by key, route values win, and lists are replaced except `compression`,
//!    `compressor` and `httpUpgrade`, merged entry by entry on `type` (a new type is added, an
//!    existing one merged in place). The merged list holds the route's entries in the route's
//!    order, and a parent-only entry goes ahead of the next route entry only when that entry
//!    is in the parent's list too and comes after it there (apimachinery's `mergeSortedSlice`):
//!    parent `[Gzip, Brotli]` with route `[Zstd]` gives `[Zstd, Gzip, Brotli]`, with route
//!    `[Brotli]` gives `[Gzip, Brotli]`. `JSONMerge` is RFC 7386 as
//!    `evanphx/json-patch` v5.9.11 applies it: objects merge, every list the route sets
//!    replaces the parent's.
//! 4. `metadata` and `targetRefs` are merged like everything else: the name, namespace and
//!    targets are the route's, labels and annotations the union, and a parent's deprecated
//!    `targetRef` stays when the route uses `targetRefs` (Envoy Gateway reads neither
//!    afterwards). `status` is the route's: Go writes the route's `status.ancestors` even when
//!    empty (`null`), so the parent's never survives.
//! 5. [`merge`] then replaces the rate limits as Envoy Gateway's IR merge does when both
//!    policies set `rateLimit` (btp:1290-1305); the documentation of `rate_limit.rs` says where
//!    that is an approximation.
//!
//! Directives: a route written from Go types can only carry strategic-merge directives
//! (`$patch`, ...) as keys of its free-form maps (`cookie.attributes`, `tracing.tags`,
//! `tracing.customTags`, `dynamicModule.config`; label and annotation keys cannot hold `$`).
//! `$patch: replace|delete` there acts as in apimachinery; the other directives are refused
//! with [`StrategicFailure::UnsupportedDirective`]. A `null` can only come from raw JSON
//! (`dynamicModule.config`) and deletes the key, as in both merges.
//!
//! [`with_defaults`]: crate::BackendTrafficPolicy::with_defaults

mod error;
mod go_json;
mod json_merge;
mod rate_limit;
mod strategic;

pub use error::{MergeError, StrategicFailure};

use serde_json::{Map, Value};

use crate::{BackendTrafficPolicy, MergeType};

/// The policy Envoy Gateway v1.9.0 translates for the listener when `route` (a policy with
/// `spec.mergeType`) merges with `parent`: their strategic or JSON merge, with the rate limits
/// combined as Envoy Gateway combines them (see the `envoy_gateway` module documentation).
///
/// Errors: [`MergeError::NoMergeType`] when `route` sets no `mergeType` (Envoy Gateway then
/// uses the route policy alone, `route.with_defaults()`), [`MergeError::UnsupportedMergeType`]
/// for `Replace`, and the failures of the merge itself.
///
/// ```
/// use backend_traffic_policy::{
///     BackendTrafficPolicy, BackendTrafficPolicySpec, MergeType, TargetRef,
///     cluster::retry::Retry,
///     envoy_gateway::merge,
///     traffic::compression::{Compression, CompressorType},
/// };
///
/// let mut gateway = BackendTrafficPolicySpec::targeting([TargetRef::gateway("eg")]);
/// gateway.retry = Some(Retry { num_retries: Some(5), ..Retry::default() });
/// gateway.compressor = Some(vec![Compression::new(CompressorType::Gzip)]);
/// let parent = BackendTrafficPolicy::namespaced("infra", "gateway", gateway);
///
/// let mut spec = BackendTrafficPolicySpec::targeting([TargetRef::http_route("shop")]);
/// spec.merge_type = Some(MergeType::StrategicMerge);
/// spec.compressor = Some(vec![Compression::new(CompressorType::Brotli)]);
/// let route = BackendTrafficPolicy::namespaced("infra", "shop", spec);
///
/// let merged = merge(&parent, &route)?;
/// assert_eq!(merged.metadata.name.as_deref(), Some("shop"));
/// assert_eq!(merged.spec.retry.unwrap().num_retries, Some(5));
/// let types: Vec<_> = merged.spec.compressor.unwrap().into_iter().map(|c| c.r#type).collect();
/// assert_eq!(types, [CompressorType::Brotli, CompressorType::Gzip]);
/// # Ok::<(), backend_traffic_policy::envoy_gateway::MergeError>(())
/// ```
pub fn merge(parent: &BackendTrafficPolicy, route: &BackendTrafficPolicy) -> Result<BackendTrafficPolicy, MergeError> {
    let merge_type = merge_type(route)?;
    let (parent, route) = (parent.with_defaults(), route.with_defaults());
    let mut merged = merge_stored(&parent, &route, &merge_type)?;
    if let (Some(p), Some(r)) = (&parent.spec.rate_limit, &route.spec.rate_limit)
        && let Some(combined) = rate_limit::combine(p, r, &merge_type)
    {
        merged.spec.rate_limit = Some(combined);
    }
    Ok(merged)
}

/// The object Envoy Gateway's `utils.Merge` returns for `parent` and `route`, before the rate
/// limits are replaced: the one its translator checks, so the one whose refusals (T49 in the
/// reference) set the route policy's condition. [`merge`] differs only in `spec.rateLimit`.
///
/// Errors as [`merge`].
pub fn merge_objects(
    parent: &BackendTrafficPolicy,
    route: &BackendTrafficPolicy,
) -> Result<BackendTrafficPolicy, MergeError> {
    let merge_type = merge_type(route)?;
    merge_stored(&parent.with_defaults(), &route.with_defaults(), &merge_type)
}

/// `namespace/name`, for messages.
fn display_name(policy: &BackendTrafficPolicy) -> String {
    let namespace = policy.metadata.namespace.as_deref().unwrap_or_default();
    let name = policy.metadata.name.as_deref().unwrap_or_default();
    format!("{namespace}/{name}")
}

/// The route's merge type, when it is one Envoy Gateway merges with.
fn merge_type(route: &BackendTrafficPolicy) -> Result<MergeType, MergeError> {
    match &route.spec.merge_type {
        None => Err(MergeError::NoMergeType { route: display_name(route) }),
        Some(t @ (MergeType::StrategicMerge | MergeType::JsonMerge)) => Ok(t.clone()),
        Some(other) => {
            Err(MergeError::UnsupportedMergeType { route: display_name(route), merge_type: other.as_str().to_owned() })
        }
    }
}

/// Merges two stored policies as `utils.Merge` does.
fn merge_stored(
    parent: &BackendTrafficPolicy,
    route: &BackendTrafficPolicy,
    merge_type: &MergeType,
) -> Result<BackendTrafficPolicy, MergeError> {
    let original = go_document(parent, "parent")?;
    let patch = go_document(route, "route")?;
    let merged = if *merge_type == MergeType::StrategicMerge {
        strategic::merge(original, patch)?
    } else {
        let mut doc = original;
        json_merge::merge(&mut doc, patch);
        doc
    };
    let mut policy: BackendTrafficPolicy = serde_path_to_error::deserialize(Value::Object(merged))
        .map_err(|e| MergeError::Decode { path: e.path().to_string(), message: e.inner().to_string() })?;
    policy.status = route.status.clone();
    Ok(policy)
}

/// A policy as Go's `json.Marshal` writes it, without `status` (see the module docs).
fn go_document(policy: &BackendTrafficPolicy, side: &'static str) -> Result<Map<String, Value>, MergeError> {
    let mut value = serde_json::to_value(policy).map_err(|e| MergeError::Serialize { side, message: e.to_string() })?;
    if let Value::Object(map) = &mut value {
        map.remove("status");
    }
    go_json::go_marshal(&mut value);
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(MergeError::Serialize { side, message: "not a JSON object".to_owned() }),
    }
}
