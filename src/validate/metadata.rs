//! The API server's checks of a custom resource's `metadata` on create, with its paths and
//! messages; allocates only for a finding.
//!
//! The apiextensions apiserver (kubernetes/apiextensions-apiserver v0.36.3,
//! `pkg/registry/customresource/validator.go:54`) validates a namespaced custom resource's
//! metadata with `ValidateObjectMetaAccessor(obj, true, NameIsDNSSubdomain, "metadata")`
//! (kubernetes/apimachinery v0.36.3, `pkg/api/validation/objectmeta.go:188`), before the schema:
//!
//! | field | rule | upstream |
//! | --- | --- | --- |
//! | `generateName` | a DNS-1123 subdomain once a trailing `-` is masked | `objectmeta.go:191`, `generic.go:45` |
//! | `name` | required unless `generateName` is set (the server then generates it); a DNS-1123 subdomain of at most 253 bytes | `objectmeta.go:198` |
//! | `namespace` | when present, a DNS-1123 label of at most 63 bytes (the request path fills it in when absent) | `objectmeta.go:216`, `generic.go:64` |
//! | `generation` | not negative | `objectmeta.go:228`, `generic.go:86` |
//! | `labels` | keys are qualified names, values label values | `meta/v1/validation/validation.go:113` |
//! | `annotations` | keys are qualified names once lower-cased; keys and values total at most 256 KiB | `objectmeta.go:44` |
//! | `finalizers` | qualified names; not both `orphan` and `foregroundDeletion` | `objectmeta.go:264` |
//!
//! Not ported: `ownerReferences` and `managedFields`, which a client does not write on create
//! in practice, and the check of the name the server generates from `generateName` (it depends
//! on the random suffix; it holds whenever the prefix passes).

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{
    ErrorKind, ValidationError, ValidationErrors,
    names::{self, Problems},
};
use crate::go::go_quote;

/// `TotalAnnotationSizeLimitB` (`objectmeta.go:36`): the bytes of all annotation keys and values.
pub(crate) const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;

/// `metav1.FinalizerOrphanDependents` and `FinalizerDeleteDependents`.
const FINALIZER_ORPHAN: &str = "orphan";
const FINALIZER_FOREGROUND: &str = "foregroundDeletion";

/// Pushes one `Invalid` error per problem, at `path`, showing `value` quoted as Go's `%q`.
pub(crate) fn invalid(errors: &mut ValidationErrors, path: &str, value: &str, problems: Problems) {
    for detail in problems.iter() {
        errors
            .push(ValidationError::new(path, ErrorKind::Invalid { value: go_quote(value), detail: detail.to_owned() }));
    }
}

/// Runs the create-time metadata checks on `meta`, pushing findings in the API server's order.
pub(crate) fn check_object_meta(meta: &ObjectMeta, errors: &mut ValidationErrors) {
    let generate_name = meta.generate_name.as_deref().unwrap_or_default();
    if !generate_name.is_empty() {
        invalid(errors, "metadata.generateName", generate_name, names::dns1123_subdomain_prefix(generate_name));
    }
    match meta.name.as_deref().unwrap_or_default() {
        "" if generate_name.is_empty() => errors.push(ValidationError::new(
            "metadata.name",
            ErrorKind::RequiredBecause { detail: "name or generateName is required" },
        )),
        "" => {}
        name => invalid(errors, "metadata.name", name, names::dns1123_subdomain(name)),
    }
    if let Some(namespace) = meta.namespace.as_deref().filter(|ns| !ns.is_empty()) {
        invalid(errors, "metadata.namespace", namespace, names::dns1123_label(namespace));
    }
    if let Some(generation) = meta.generation.filter(|g| *g < 0) {
        errors.push(ValidationError::new(
            "metadata.generation",
            ErrorKind::Invalid {
                value: generation.to_string(),
                detail: "must be greater than or equal to 0".to_owned(),
            },
        ));
    }
    if let Some(labels) = &meta.labels {
        check_labels(labels, errors);
    }
    if let Some(annotations) = &meta.annotations {
        check_annotations(annotations, errors);
    }
    if let Some(finalizers) = &meta.finalizers {
        check_finalizers(finalizers, errors);
    }
}

/// `ValidateLabels`: each key a qualified name, each value a label value.
fn check_labels(labels: &BTreeMap<String, String>, errors: &mut ValidationErrors) {
    for (key, value) in labels {
        invalid(errors, "metadata.labels", key, names::qualified_name(key));
        invalid(errors, "metadata.labels", value, names::label_value(value));
    }
}

/// `ValidateAnnotations`: each key a qualified name after `strings.ToLower`, and the total size.
fn check_annotations(annotations: &BTreeMap<String, String>, errors: &mut ValidationErrors) {
    let mut total: usize = 0;
    for (key, value) in annotations {
        let problems = if key.is_ascii() {
            names::qualified_name_caseless(key)
        } else {
            // Go lower-cases rune by rune (`unicode.ToLower`); the first char of Rust's full
            // mapping is that rune. A non-ASCII key fails anyway; only its length may change.
            let lower: String = key.chars().map(|c| c.to_lowercase().next().unwrap_or(c)).collect();
            names::qualified_name(&lower)
        };
        invalid(errors, "metadata.annotations", key, problems);
        total = total.saturating_add(key.len()).saturating_add(value.len());
    }
    if total > TOTAL_ANNOTATION_SIZE_LIMIT {
        errors.push(ValidationError::new(
            "metadata.annotations",
            ErrorKind::TooLong { max: TOTAL_ANNOTATION_SIZE_LIMIT as u64 },
        ));
    }
}

/// `ValidateFinalizers`: each a qualified name, and not both dependents policies.
fn check_finalizers(finalizers: &[String], errors: &mut ValidationErrors) {
    for finalizer in finalizers {
        invalid(errors, "metadata.finalizers", finalizer, names::qualified_name(finalizer));
    }
    let has = |name: &str| finalizers.iter().any(|f| f == name);
    if has(FINALIZER_ORPHAN) && has(FINALIZER_FOREGROUND) {
        // The value is the whole list, which `field.Error` renders as JSON.
        let shown = serde_json::to_string(finalizers).unwrap_or_default();
        errors.push(ValidationError::new(
            "metadata.finalizers",
            ErrorKind::Invalid {
                value: shown,
                detail: format!("finalizer {FINALIZER_ORPHAN} and {FINALIZER_FOREGROUND} cannot be both set"),
            },
        ));
    }
}
