//! Reading policies from YAML and JSON with Kubernetes' field-validation modes.
//!
//! Plain `serde` deserialization of [`BackendTrafficPolicy`] ignores fields it does not know, so
//! a controller keeps working when a newer Envoy Gateway adds some. The functions here add the
//! choice `kubectl --validate` and the API server's `fieldValidation` parameter offer, with the
//! API server's semantics (they differ only in how unknown and repeated fields are treated):
//!
//! | mode | unknown field | duplicate field | value of the wrong type |
//! | --- | --- | --- | --- |
//! | [`FieldValidation::Strict`] | error | error | error |
//! | [`FieldValidation::Warn`] | dropped, with a warning | last value kept, with a warning | error |
//! | [`FieldValidation::Ignore`] | dropped | last value kept | error |
//!
//! [`FieldIssue::api_server_message`] gives a warning in the API server's words
//! (`unknown field "spec.foo"`, `duplicate field "spec.retry"`), and kube's
//! `ValidationDirective` converts to and from [`FieldValidation`].
//!
//! YAML is read as kubectl sends it (sigs.k8s.io/yaml, which reads YAML 1.1 with go-yaml v2),
//! with serde-saphyr, the YAML engine of kube-rs: merge keys (`<<: *base`, `<<: [*a, *b]`) are
//! applied, and plain `yes`, `no`, `on`, `off`, `y`, `n` are booleans, so that `name: yes` is
//! the API server's type error, with a hint to quote the value.
//!
//! Every error and warning names the field path (`spec.retry.perRetry.backoff`) and, where the
//! input has lines, the line and column. An unknown key that is a near miss of a real one (a
//! case difference or a small edit) says which field was meant, and a few spellings from older
//! Envoy Gateway releases point to their v1.9 equivalent.
//!
//! ```
//! use backend_traffic_policy::parse::{self, FieldValidation};
//! let yaml = "apiVersion: gateway.envoyproxy.io/v1alpha1
//! kind: BackendTrafficPolicy
//! metadata: {name: p, namespace: default}
//! spec:
//!   targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: backend}]
//!   retry:
//!     numRetrys: 3
//! ";
//! let err = parse::from_yaml_str(yaml, FieldValidation::Strict).unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "line 7, column 5: spec.retry.numRetrys: unknown field (did you mean `numRetries`?)"
//! );
//! let parsed = parse::from_yaml_str(yaml, FieldValidation::Warn)?;
//! assert_eq!(parsed.warnings.len(), 1);
//! # Ok::<(), parse::ParseError>(())
//! ```
//!
//! # Limits
//!
//! Policies are written by tenants, whom the management cluster does not trust, and a
//! controller reads them in a loop. Every function here refuses a hostile document with an
//! error naming the limit it broke, in time and memory set by the limits, not by what the
//! document would expand to. The `*_with` functions take the limits in [`ParseOptions`]; the
//! others use [`Limits::default()`]:
//!
//! | limit | default | error | why this default |
//! | --- | --- | --- | --- |
//! | [`max_input_bytes`](Limits::max_input_bytes) | 3 MiB | [`TooLarge`](ParseError::TooLarge) | the API server's request limit; checked before anything is parsed |
//! | [`max_depth`](Limits::max_depth) | 32 levels | [`TooDeep`](ParseError::TooDeep) | the schema's deepest path has 12. Whatever is set, JSON is read to 127 levels (serde_json's own stop) and YAML to 48: serde-saphyr's recursive descent takes some 30 KiB of stack per level in a debug build, and 48 levels fit a 2 MiB thread stack with room to spare |
//! | [`max_nodes`](Limits::max_nodes) | 100,000 values | [`TooManyNodes`](ParseError::TooManyNodes) | each YAML alias counts as often as it is expanded, so a "billion laughs" stops here; the largest upstream example has 115 |
//! | serde-saphyr's own guards | 250,000 replayed alias events, 50,000 aliases and anchors | [`TooManyAliases`](ParseError::TooManyAliases) | its node, depth and scalar-byte budgets are set from these limits; the others only speak with `max_nodes` raised |
//! | [`max_string_bytes`](Limits::max_string_bytes) | 256 KiB | [`StringTooLong`](ParseError::StringTooLong) | Kubernetes' limit on all annotations of an object together; the schema's longest string is 32 KiB |
//! | [`max_total_string_bytes`](Limits::max_total_string_bytes) | 3 MiB | [`StringsTooLarge`](ParseError::StringsTooLarge) | a long string aliased many times is few values but much memory |
//! | [`max_items`](Limits::max_items) | 10,000 per list or map | [`TooManyItems`](ParseError::TooManyItems) | the schema's largest `maxItems` is 256; [`validate()`](BackendTrafficPolicy::validate) reports the schema's own bounds |
//! | [`max_issues`](Limits::max_issues) | 100 | [`TooManyIssues`](ParseError::TooManyIssues) | each unknown field or dropped value is located by reading the document again |
//!
//! The values of unknown fields are read and counted like the others, not skipped, so the
//! limits hold for the whole document. Both formats are read as streams. Measured on a release
//! build (one core of a shared machine; peak memory of the whole process, which starts at
//! about 3 MB):
//!
//! | document | refused in | peak memory |
//! | --- | --- | --- |
//! | billion laughs (9^9 strings from 541 bytes of YAML) | 38 ms | 20 MB |
//! | 100,000 levels of flow nesting, YAML (`[[[...`, 200 KB) | 0.6 ms | 8 MB |
//! | 100,000 levels of block nesting, YAML (`- - - ...`) | 0.8 ms | 8 MB |
//! | 50 MiB, YAML or JSON | 0.01 ms, before parsing | the input only |
//! | 3 MiB of YAML flow tokens (`[1,1,...]`) | 14 ms | 11 MB |
//!
//! serde-saphyr's scanner is linear in flow nesting, so the flow-collection count that guarded
//! libyaml (21 s for 100,000 levels of `[`) is gone, and 3 MiB of flow tokens, 0.4 s and 205 MB
//! with serde_yaml, take 14 ms and 11 MB.
//!
//! # Hostile and unusual input
//!
//! `tests/hostile.rs` holds a table of such documents with the answer of each mode. In short:
//!
//! - **Text.** JSON must be UTF-8 (serde_json checks strings); YAML comes as `&str`. Raw control
//!   characters are syntax errors in both; escaped ones (`\u0000`, YAML's `\0`) are read, and
//!   [`validate()`](BackendTrafficPolicy::validate) reports them wherever the schema has a pattern.
//!   A byte order mark may start a YAML stream.
//! - **Numbers.** An integer too large for its field, a float where an integer belongs (`3.0`),
//!   or an integer beyond 64 bits is a value of the wrong type: an error in every mode. Beyond
//!   64 bits a number is a float, as serde_json reads it (YAML included), and floats are read
//!   exactly. YAML 1.1 octal (`017`) is 15, as go-yaml v2 reads it.
//! - **Types.** A list where an object belongs is an error (serde_json alone would fill the
//!   fields in order). In YAML, a string field takes string scalars only: `name: 123` is an
//!   integer, as the API server sees it after its YAML-to-JSON conversion; map keys are read as
//!   text (`1: a` is the key `"1"`). YAML 1.1 booleans such as `yes` are booleans, as kubectl
//!   reads them: `yes` in a string field is a type error whose hint says to quote it.
//! - **Duplicate keys.** A key given twice in one mapping (a field of a typed object, a label,
//!   free-form JSON, the document's own fields) is [`IssueKind::DuplicateField`]: an error in
//!   Strict mode (the first repetition), a warning per repetition in Warn mode, where the last
//!   value is kept, as in Ignore mode.
//! - **YAML features.** Anchors and aliases are expanded (and counted). Tags are ignored: a
//!   mapping tagged `!custom` is read as a mapping, `!!binary` text stays text. Merge keys
//!   (`<<: *base`, `<<: [*a, *b]`) are applied; an explicit key wins over a merged one wherever
//!   it stands (YAML's rule; go-yaml v2 lets a `<<` written after a key overwrite it, see
//!   `tests/kubectl_yaml.rs`). A key that is a list or a map is an error.
//! - **Empty and foreign documents.** No document, white space, comments, or `null` give
//!   [`ParseError::Empty`]; a list or a scalar where the object belongs is a syntax error; an
//!   object of another `apiVersion` or `kind` is [`ParseError::WrongKind`].

use crate::BackendTrafficPolicy;

mod budget;
mod documents;
mod duplicates;
mod error;
mod hints;
mod json;
mod limits;
mod list;
mod locate;
mod path;
mod read;
mod root;
mod source;
mod yaml;

pub use error::{FieldIssue, IssueKind, Location, ParseError};
pub use limits::{FieldValidation, Limits, ParseOptions};
pub use locate::locate_in_yaml;

use documents::split_documents;
use json::Json;
use list::read_list;
use read::read_policy;
use source::Source;

/// The `apiVersion` of every BackendTrafficPolicy.
pub const API_VERSION: &str = "gateway.envoyproxy.io/v1alpha1";
/// The `kind` of a BackendTrafficPolicy.
pub const KIND: &str = "BackendTrafficPolicy";
/// The `kind` of a list of BackendTrafficPolicies.
pub const LIST_KIND: &str = "BackendTrafficPolicyList";

/// A policy with the warnings found while reading it.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed<T> {
    /// The object.
    pub value: T,
    /// Unknown fields and repeated keys (in [`FieldValidation::Warn`] mode), in input order.
    pub warnings: Vec<FieldIssue>,
    /// The document of a YAML stream the object came from, counted from 0 (always 0 for JSON);
    /// see [`locate_in_yaml`].
    pub document: usize,
    /// For an item of a `BackendTrafficPolicyList`, its index in `items`.
    pub item: Option<usize>,
}

impl<T> Parsed<T> {
    /// The path of a field of this object within its document: `path` itself, or
    /// `items[i].path` for an item of a list. Use it with [`locate_in_yaml`].
    #[must_use]
    pub fn document_path(&self, path: &str) -> String {
        match self.item {
            Some(i) => format!("items[{i}].{path}"),
            None => path.to_owned(),
        }
    }
}

/// Reads one policy from JSON bytes, with the default [`Limits`].
///
/// # Errors
/// See [`ParseError`]; in [`FieldValidation::Strict`] mode every unknown field is listed.
pub fn from_json_slice(bytes: &[u8], mode: FieldValidation) -> Result<Parsed<BackendTrafficPolicy>, ParseError> {
    from_json_slice_with(bytes, ParseOptions::new(mode))
}

/// Reads one policy from JSON bytes.
///
/// # Errors
/// See [`ParseError`]; in [`FieldValidation::Strict`] mode every unknown field is listed. Input
/// of white space only is [`ParseError::Empty`].
pub fn from_json_slice_with(bytes: &[u8], options: ParseOptions) -> Result<Parsed<BackendTrafficPolicy>, ParseError> {
    check_size(bytes.len(), &options.limits)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    read_policy(&Json { bytes, limits: options.limits, first_line: 1 }, options.mode)
}

/// Reads one policy from a YAML document, with the default [`Limits`].
///
/// # Errors
/// See [`ParseError`]; a stream of several documents is an error here, use
/// [`from_yaml_documents`] for those.
pub fn from_yaml_str(text: &str, mode: FieldValidation) -> Result<Parsed<BackendTrafficPolicy>, ParseError> {
    from_yaml_str_with(text, ParseOptions::new(mode))
}

/// Reads one policy from a YAML document.
///
/// # Errors
/// See [`ParseError`]; a stream of several documents is an error here, use
/// [`from_yaml_documents_with`] for those.
pub fn from_yaml_str_with(text: &str, options: ParseOptions) -> Result<Parsed<BackendTrafficPolicy>, ParseError> {
    check_size(text.len(), &options.limits)?;
    let mut docs = split_documents(strip_bom(text), options.limits);
    match (docs.next(), docs.next()) {
        (None, _) => Err(ParseError::Empty),
        (Some(doc), None) => read_policy(&doc, options.mode),
        (Some(_), Some(second)) => Err(ParseError::Syntax {
            message: "several YAML documents where one policy was expected; use from_yaml_documents".into(),
            location: Some(Location { line: second.first_line, column: 1 }),
        }),
    }
}

/// Reads every policy of a YAML stream, with the default [`Limits`]; see
/// [`from_yaml_documents_with`].
#[must_use]
pub fn from_yaml_documents(text: &str, mode: FieldValidation) -> Vec<Result<Parsed<BackendTrafficPolicy>, ParseError>> {
    from_yaml_documents_with(text, ParseOptions::new(mode))
}

/// Reads every policy of a YAML stream: documents separated by `---`, each a policy or a
/// `BackendTrafficPolicyList` (whose items are returned in order). Each entry has its own
/// result, so one bad document does not hide the others.
///
/// [`Limits::max_input_bytes`] applies to the whole stream (a larger one gives a single
/// [`ParseError::TooLarge`]), [`Limits::max_issues`] to each document (the items of a list
/// together); the other limits to each document.
#[must_use]
pub fn from_yaml_documents_with(
    text: &str,
    options: ParseOptions,
) -> Vec<Result<Parsed<BackendTrafficPolicy>, ParseError>> {
    if let Err(e) = check_size(text.len(), &options.limits) {
        return vec![Err(e)];
    }
    let mut out = Vec::new();
    for (document, doc) in split_documents(strip_bom(text), options.limits).enumerate() {
        let from_here = out.len();
        match doc.type_meta() {
            Some(meta) if meta.kind == LIST_KIND && meta.api_version == API_VERSION => {
                out.extend(read_list(&doc, options.mode));
            }
            _ => out.push(read_policy(&doc, options.mode)),
        }
        for parsed in out.iter_mut().skip(from_here).flatten() {
            parsed.document = document;
        }
    }
    out
}

/// YAML allows a byte order mark at the start of a stream; libyaml would see an empty document
/// before it.
fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

fn check_size(actual: usize, limits: &Limits) -> Result<(), ParseError> {
    if actual > limits.max_input_bytes {
        return Err(ParseError::TooLarge { limit: limits.max_input_bytes, actual });
    }
    Ok(())
}
