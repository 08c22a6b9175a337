//! Kubernetes' name formats (DNS-1123 label and subdomain, qualified name, label value) with
//! apimachinery v0.36.3's messages, checked without allocating.
//!
//! Ported from `pkg/api/validate/content/dns.go`, `kube.go` and `errors.go` of
//! kubernetes/apimachinery at v0.36.3 (`util/validation` re-exports them). Each check returns the
//! messages apimachinery would return, in its order; an empty result means the value is valid.

/// What a check found: up to four messages, in apimachinery's order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Problems {
    items: [&'static str; 4],
    len: usize,
}

impl Problems {
    fn push(&mut self, message: &'static str) {
        if let Some(slot) = self.items.get_mut(self.len) {
            *slot = message;
            self.len = self.len.saturating_add(1);
        }
    }

    /// `true` when the value passed the check.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The messages, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.items.iter().take(self.len).copied()
    }
}

/// The longest DNS-1123 subdomain (`DNS1123SubdomainMaxLength`).
pub(crate) const DNS1123_SUBDOMAIN_MAX: usize = 253;
/// The longest DNS-1123 label (`DNS1123LabelMaxLength`).
pub(crate) const DNS1123_LABEL_MAX: usize = 63;
/// The longest label value and name part of a label key (`LabelValueMaxLength`, `labelKeyMaxLength`).
pub(crate) const LABEL_VALUE_MAX: usize = 63;

// The messages, as `MaxLenError`, `EmptyError` and `RegexError` (errors.go) build them. `RegexError`
// writes each example as `'x', ` and joins them with ` or `, hence the double spaces.
const MAX_253: &str = "must be no more than 253 bytes";
const MAX_63: &str = "must be no more than 63 bytes";
const SUBDOMAIN_REGEX: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_REGEX: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const NO_DOTS: &str = "must not contain dots";
const PREFIX_EMPTY: &str = "prefix part must be non-empty";
const PREFIX_MAX_253: &str = "prefix part must be no more than 253 bytes";
const PREFIX_SUBDOMAIN_REGEX: &str = "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const NAME_EMPTY: &str = "name part must be non-empty";
const NAME_MAX_63: &str = "name part must be no more than 63 bytes";
const NAME_REGEX: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const KEY_SHAPE: &str = "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
const VALUE_REGEX: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/// How letters are read: as written, or ASCII upper case as lower case (annotation keys are
/// checked after `strings.ToLower`, see [`qualified_name_caseless`]).
#[derive(Clone, Copy)]
enum Case {
    Exact,
    Folded,
}

fn lower_alnum(b: u8, case: Case) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || (matches!(case, Case::Folded) && b.is_ascii_uppercase())
}

/// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$` over bytes, dots allowed
/// or not: a label starts and ends alphanumeric, labels are joined by single dots.
fn matches_dns1123(bytes: impl IntoIterator<Item = u8>, dots: bool, case: Case) -> bool {
    let mut prev: Option<u8> = None;
    for b in bytes {
        let fits = match b {
            b'.' => dots && prev.is_some_and(|p| lower_alnum(p, case)),
            b'-' => prev.is_some_and(|p| p != b'.'),
            b => lower_alnum(b, case),
        };
        if !fits {
            return false;
        }
        prev = Some(b);
    }
    prev.is_some_and(|p| lower_alnum(p, case))
}

fn matches_dns1123_label(s: &str, case: Case) -> bool {
    matches_dns1123(s.bytes(), false, case)
}

fn matches_dns1123_subdomain(s: &str, case: Case) -> bool {
    matches_dns1123(s.bytes(), true, case)
}

/// `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`
fn matches_label_name(s: &str) -> bool {
    let bytes = s.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

/// `IsDNS1123Subdomain`: at most 253 bytes, dot-separated lowercase labels.
pub(crate) fn dns1123_subdomain(value: &str) -> Problems {
    let mut found = Problems::default();
    if value.len() > DNS1123_SUBDOMAIN_MAX {
        found.push(MAX_253);
    }
    if !matches_dns1123_subdomain(value, Case::Exact) {
        found.push(SUBDOMAIN_REGEX);
    }
    found
}

/// `IsDNS1123Label`: at most 63 bytes of lowercase alphanumerics and `-`; a valid subdomain
/// that is not a label is told it has dots.
pub(crate) fn dns1123_label(value: &str) -> Problems {
    let mut found = Problems::default();
    if value.len() > DNS1123_LABEL_MAX {
        found.push(MAX_63);
    }
    if !matches_dns1123_label(value, Case::Exact) {
        found.push(if matches_dns1123_subdomain(value, Case::Exact) { NO_DOTS } else { LABEL_REGEX });
    }
    found
}

/// `IsQualifiedName` (`IsLabelKey`): an optional DNS-1123 subdomain prefix and `/`, then a name
/// of at most 63 alphanumerics, `-`, `_` and `.` that starts and ends alphanumeric.
pub(crate) fn qualified_name(value: &str) -> Problems {
    qualified_name_in(value, Case::Exact)
}

/// `IsQualifiedName(strings.ToLower(key))` for an ASCII key, as `ValidateAnnotations` checks
/// annotation keys: the prefix may have upper-case letters.
pub(crate) fn qualified_name_caseless(value: &str) -> Problems {
    qualified_name_in(value, Case::Folded)
}

fn qualified_name_in(value: &str, case: Case) -> Problems {
    let mut found = Problems::default();
    let mut parts = value.split('/');
    let (prefix, name) = match (parts.next(), parts.next(), parts.next()) {
        (Some(name), None, _) => (None, name),
        (Some(prefix), Some(name), None) => (Some(prefix), name),
        _ => {
            found.push(KEY_SHAPE);
            return found;
        }
    };
    if let Some(prefix) = prefix {
        if prefix.is_empty() {
            found.push(PREFIX_EMPTY);
        } else {
            if prefix.len() > DNS1123_SUBDOMAIN_MAX {
                found.push(PREFIX_MAX_253);
            }
            if !matches_dns1123_subdomain(prefix, case) {
                found.push(PREFIX_SUBDOMAIN_REGEX);
            }
        }
    }
    if name.is_empty() {
        found.push(NAME_EMPTY);
    } else if name.len() > LABEL_VALUE_MAX {
        found.push(NAME_MAX_63);
    }
    if !matches_label_name(name) {
        found.push(NAME_REGEX);
    }
    found
}

/// `IsValidLabelValue` (`IsLabelValue`): empty, or at most 63 alphanumerics, `-`, `_` and `.`
/// that start and end alphanumeric.
pub(crate) fn label_value(value: &str) -> Problems {
    let mut found = Problems::default();
    if value.len() > LABEL_VALUE_MAX {
        found.push(MAX_63);
    }
    if !value.is_empty() && !matches_label_name(value) {
        found.push(VALUE_REGEX);
    }
    found
}

/// `NameIsDNSSubdomain(name, true)` (`pkg/api/validation/generic.go`), the check of a
/// `generateName` prefix: `maskTrailingDash` first lets it end in `-`, as characters follow.
/// Upstream replaces the last *two* bytes by `a`, so the byte before the dash goes unchecked;
/// ported as is.
pub(crate) fn dns1123_subdomain_prefix(prefix: &str) -> Problems {
    let bytes = prefix.as_bytes();
    let masked = match bytes.split_last() {
        Some((b'-', _)) if bytes.len() > 1 => bytes.get(..bytes.len().saturating_sub(2)),
        _ => None,
    };
    let Some(head) = masked else { return dns1123_subdomain(prefix) };
    let mut found = Problems::default();
    // The masked text is `head` plus one byte.
    if head.len().saturating_add(1) > DNS1123_SUBDOMAIN_MAX {
        found.push(MAX_253);
    }
    if !matches_dns1123(head.iter().copied().chain([b'a']), true, Case::Exact) {
        found.push(SUBDOMAIN_REGEX);
    }
    found
}
