//! Whether the rewritten object can be stored: the API server's checks of what the rewrite wrote.
//!
//! The policy passed [`validate`](crate::BackendTrafficPolicy::validate) before the rewrite, so
//! only what the rewrite writes can break a rule: the synced name, the tenant namespace, the
//! values of KubeLB's `origin-name` and `tenant` labels, and the renamed ConfigMaps of response
//! bodies, which the controller creates under those names. Everything else is either copied
//! (the spec, the tenant's own labels and annotations) or valid by construction (the
//! `origin-ns` label is the policy's namespace, a DNS-1123 label; `managed-by` is `kubelb`;
//! renamed targets are 1 to 60 characters, inside the CRD's 1 to 253).

use std::fmt;

use super::{LABEL_ORIGIN_NAME, LABEL_TENANT};
use crate::{
    BackendTrafficPolicy, ValidationErrors,
    validate::{ErrorKind, dns1123_label, dns1123_subdomain, invalid, label_value},
};

/// The management API server's errors for what the rewrite wrote into `object`, in the order
/// its metadata checks run (name, namespace, labels by key), then the ConfigMap names. Reads
/// only those fields; allocates only for an error.
pub(super) fn rewrite_errors(object: &BackendTrafficPolicy) -> ValidationErrors {
    let mut errors = ValidationErrors::default();
    let meta = &object.metadata;
    if let Some(name) = meta.name.as_deref() {
        invalid(&mut errors, "metadata.name", name, dns1123_subdomain(name));
    }
    if let Some(namespace) = meta.namespace.as_deref() {
        invalid(&mut errors, "metadata.namespace", namespace, dns1123_label(namespace));
    }
    // `LABEL_ORIGIN_NAME` sorts before `LABEL_TENANT`, as the label map iterates.
    for key in [LABEL_ORIGIN_NAME, LABEL_TENANT] {
        if let Some(value) = meta.labels.as_ref().and_then(|labels| labels.get(key)) {
            invalid(&mut errors, "metadata.labels", value, label_value(value));
        }
    }
    // A ConfigMap's name is a DNS-1123 subdomain (`ValidateConfigMapName`); the controller
    // creates the dependency under the renamed name.
    for (index, item) in object.spec.response_override.iter().flatten().enumerate() {
        let reference = item.response.as_ref().and_then(|r| r.body.as_ref()).and_then(|b| b.value_ref.as_ref());
        if let Some(reference) = reference {
            let problems = dns1123_subdomain(&reference.name);
            if !problems.is_empty() {
                let path = format!("spec.responseOverride[{index}].response.body.valueRef.name");
                invalid(&mut errors, &path, &reference.name, problems);
            }
        }
    }
    errors
}

/// What the tenant or the platform can change so that the rewritten object becomes valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Fix {
    /// Both `targetRef` and `targetRefs` were left (rule 7a).
    OneTargetForm,
    /// The synced name ends in `.-xxxx`.
    PolicyAtCut,
    /// The `origin-name` label is longer than 63 characters.
    ShortenPolicy,
    /// The tenant namespace (and maybe the `tenant` label) is invalid.
    RenameTenant,
    /// A renamed ConfigMap name is not a DNS-1123 subdomain.
    RenameConfigMap,
}

impl fmt::Display for Fix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::OneTargetForm => {
                "Use either `targetRef` or `targetRefs`: the CRD allowed both only because of target selectors, and the sync dropped them all."
            }
            Self::PolicyAtCut => {
                "Rename the policy: when `{namespace}-{name}` has 60 bytes or more, KubeLB keeps its first 55 bytes and adds a hash, and here those bytes end in a `.`; a name without a `.` at that place (or a shorter one) syncs."
            }
            Self::ShortenPolicy => {
                "Shorten the policy's name to at most 63 characters: the `kubelb.k8c.io/origin-name` label carries it, and a label value has at most 63."
            }
            Self::RenameTenant => {
                "Rename the tenant: its namespace in the management cluster, `tenant-{tenant name}`, must be a DNS-1123 label, so the tenant's name needs at most 56 lower-case letters, digits and `-`, and no `.`."
            }
            Self::RenameConfigMap => {
                "Rename the ConfigMap of the response body: KubeLB's name for it in the management cluster is not a valid ConfigMap name."
            }
        })
    }
}

/// One sentence per fix the errors call for, in a fixed order, each once.
///
/// The API server names a label's value but not its key, so a label error is told apart by its
/// value: the `origin-name` label carries the policy's name, a DNS-1123 subdomain that fails only
/// by its length; a value that is not a subdomain, or that the namespace error shows after
/// `tenant-`, is the tenant's. When both labels fail with one value, the first error is the
/// `origin-name` one (labels are checked in key order).
pub(super) fn fixes(errors: &ValidationErrors) -> impl fmt::Display + '_ {
    Fixes(errors)
}

struct Fixes<'a>(&'a ValidationErrors);

impl fmt::Display for Fixes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.0.errors();
        let tenant_in_namespace = errors.iter().find_map(|e| match (e.path(), e.kind()) {
            ("metadata.namespace", ErrorKind::Invalid { value, .. }) => value.strip_prefix("\"tenant-"),
            _ => None,
        });
        let mut found: Vec<Fix> = Vec::new();
        for (index, error) in errors.iter().enumerate() {
            let fix = match (error.path(), error.kind()) {
                ("spec", ErrorKind::Rule { .. }) => Fix::OneTargetForm,
                ("metadata.name", _) => Fix::PolicyAtCut,
                ("metadata.namespace", _) => Fix::RenameTenant,
                ("metadata.labels", ErrorKind::Invalid { value, detail }) => {
                    let inner = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
                    // The same error again later: both labels fail, and this one is `origin-name`'s.
                    let repeated = errors.iter().skip(index.saturating_add(1)).any(|later| {
                        later.path() == "metadata.labels"
                            && matches!(later.kind(), ErrorKind::Invalid { value: v, detail: d } if v == value && d == detail)
                    });
                    let tenant_named = tenant_in_namespace.is_some_and(|rest| rest.strip_prefix(inner) == Some("\""));
                    if !dns1123_subdomain(inner).is_empty() || (tenant_named && !repeated) {
                        Fix::RenameTenant
                    } else {
                        Fix::ShortenPolicy
                    }
                }
                (path, _) if path.starts_with("spec.responseOverride[") => Fix::RenameConfigMap,
                _ => continue,
            };
            if !found.contains(&fix) {
                found.push(fix);
            }
        }
        found.sort_unstable();
        for fix in found {
            write!(f, "\n{fix}")?;
        }
        Ok(())
    }
}
