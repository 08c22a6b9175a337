//! Why a route policy could not be merged with its parent.

use thiserror::Error;

/// A failed [`merge`](super::merge): the route policy does not merge, or Envoy Gateway's merge
/// itself fails (it then sets `Accepted=False` with `error merging policies: ...` on the route
/// policy, btp:1276-1278).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum MergeError {
    /// The route policy has no `spec.mergeType`. Envoy Gateway never merges such a policy: it
    /// translates it alone (btp:705-713), which is `route.with_defaults()`.
    #[error("route policy {route} sets no spec.mergeType, so Envoy Gateway does not merge it with a parent")]
    NoMergeType {
        /// `namespace/name` of the route policy.
        route: String,
    },
    /// `spec.mergeType` is neither `StrategicMerge` nor `JSONMerge` (`Replace`, which CEL rule
    /// R43 refuses, or an unknown value); Envoy Gateway fails with `unsupported merge type`
    /// (merge.go:55).
    #[error("spec.mergeType of route policy {route} is {merge_type}: unsupported merge type")]
    UnsupportedMergeType {
        /// `namespace/name` of the route policy.
        route: String,
        /// The value as written.
        merge_type: String,
    },
    /// apimachinery's strategic merge fails at `path` (dotted JSON keys, list indices left out).
    #[error("strategic merge fails at {path}: {failure}")]
    Strategic {
        /// Where, as dotted JSON keys from the object root.
        path: String,
        /// What failed.
        failure: StrategicFailure,
    },
    /// A policy does not serialize to JSON (only a non-finite float could cause it).
    #[error("the {side} policy does not serialize to JSON: {message}")]
    Serialize {
        /// `parent` or `route`.
        side: &'static str,
        /// serde_json's message.
        message: String,
    },
    /// The merged JSON does not decode as a BackendTrafficPolicy at `path`.
    #[error("the merged policy does not decode at {path}: {message}")]
    Decode {
        /// The JSON path of the value that failed.
        path: String,
        /// serde's message.
        message: String,
    },
}

/// What apimachinery's strategic merge refuses, with the cause it reports.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum StrategicFailure {
    /// Both policies hold an object or list under the same key of a Go map
    /// (`telemetry.tracing.customTags`): the field lookup needs a struct (fields.go:35-38).
    #[error("merging an object in json but data type is not struct, instead is: map")]
    NotAStruct,
    /// Both policies hold an object or list under the same key of raw JSON
    /// (`loadBalancer.dynamicModule.config`), whose Go type has no such field (fields.go:68).
    #[error("unable to find api field in struct JSON for the json field {field:?}")]
    NoSuchField {
        /// The key.
        field: String,
    },
    /// A free-form map of the route carries `$patch` with a value other than `replace` or
    /// `delete` (patch.go:907-923).
    #[error("unknown patch type: {value} in map")]
    BadDirective {
        /// The `$patch` value (a string as written, anything else as JSON).
        value: String,
    },
    /// A free-form map of the route carries a strategic-merge directive this crate does not
    /// interpret (`$retainKeys`, `$setElementOrder/...`, `$deleteFromPrimitiveList/...`, or
    /// `$patch` in a merged list entry); apimachinery would apply or refuse it.
    #[error("the directive {key} is not supported")]
    UnsupportedDirective {
        /// The directive key.
        key: String,
    },
    /// An entry of a list merged by key lacks the key (patch.go `ErrNoMergeKey`).
    #[error("map does not contain declared merge key: {merge_key}")]
    NoMergeKey {
        /// The merge key.
        merge_key: &'static str,
    },
    /// A merged list holds lists (patch.go `ErrNoListOfLists`).
    #[error("lists of lists are not supported")]
    ListOfLists,
    /// A merged list mixes JSON types.
    #[error("list element types are not identical")]
    MixedElementTypes,
}
