//! Reading policies from YAML and JSON with Kubernetes' field-validation modes.
//!
//! Plain `serde` deserialization of [`BackendTrafficPolicy`] ignores fields it does not know, so
//! a controller keeps working when a newer Envoy Gateway adds some. The functions here add the
//! choice `kubectl --validate` and the API server's `fieldValidation` parameter offer:
//!
//! | mode | unknown field | duplicate field | value of the wrong shape |
//! | --- | --- | --- | --- |
//! | [`FieldValidation::Strict`] | error | error | error |
//! | [`FieldValidation::Warn`] | warning | error | dropped, with a warning |
//! | [`FieldValidation::Ignore`] | silently dropped | error | dropped, with a warning |
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
//! | [`max_depth`](Limits::max_depth) | 64 levels | [`TooDeep`](ParseError::TooDeep) | the schema's deepest path has 12; serde_json and serde_yaml stop at 127 and 128 whatever is set (reported as 127) |
//! | [`max_nodes`](Limits::max_nodes) | 100,000 values | [`TooManyNodes`](ParseError::TooManyNodes) | each YAML alias counts as often as it is expanded, so a "billion laughs" stops here; the largest upstream example has 115 |
//! | serde_yaml's own guard | 100 expansions per event | [`TooManyAliases`](ParseError::TooManyAliases) | not configurable; only reached with `max_nodes` raised |
//! | [`max_string_bytes`](Limits::max_string_bytes) | 256 KiB | [`StringTooLong`](ParseError::StringTooLong) | Kubernetes' limit on all annotations of an object together; the schema's longest string is 32 KiB |
//! | [`max_total_string_bytes`](Limits::max_total_string_bytes) | 3 MiB | [`StringsTooLarge`](ParseError::StringsTooLarge) | a long string aliased many times is few values but much memory |
//! | [`max_items`](Limits::max_items) | 10,000 per list or map | [`TooManyItems`](ParseError::TooManyItems) | the schema's largest `maxItems` is 256; [`validate()`](BackendTrafficPolicy::validate) reports the schema's own bounds |
//! | [`max_issues`](Limits::max_issues) | 100 | [`TooManyIssues`](ParseError::TooManyIssues) | each unknown field or dropped value is located by reading the document again |
//! | [`max_yaml_flow_collections`](Limits::max_yaml_flow_collections) | 128 per YAML document | [`TooManyFlowCollections`](ParseError::TooManyFlowCollections) | libyaml's scanner spends time proportional to the flow nesting (`[[[...`) on every token: 100,000 levels take 21 s; the upstream examples have at most 3. A document over the limit that is JSON is read as JSON, in linear time |
//!
//! The values of unknown fields are read and counted like the others, not skipped, so the
//! limits hold for the whole document. Measured on a release build (one core of a shared
//! machine; peak memory of the whole process, which starts at about 5 MB):
//!
//! | document | refused in | peak memory |
//! | --- | --- | --- |
//! | billion laughs (9^9 strings from 541 bytes of YAML) | 7 ms | 6 MB |
//! | 100,000 levels of nesting, JSON (200 KB) | 0.4 ms | 5 MB |
//! | 100,000 levels of flow nesting, YAML | 0.1 ms | 3 MB |
//! | 100,000 levels of block nesting, YAML (`- - - ...`) | 38 ms | 36 MB |
//! | 50 MiB, YAML or JSON | 0.01 ms, before parsing | the input only |
//! | 3 MiB of YAML flow tokens (`[1,1,...]`, the worst within the defaults) | 0.4 s | 205 MB |
//! | 3 MiB of JSON tokens | 0.8 ms | 8 MB |
//!
//! JSON is read as a stream; serde_yaml first loads every event of a YAML document, some 65
//! bytes of memory per byte of input at worst, so a controller short of memory should lower
//! [`Limits::max_input_bytes`] for YAML.
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
//!   or an integer beyond 64 bits is a value of the wrong shape: an error in Strict mode, dropped
//!   with a warning in the others. Beyond 64 bits a number is a float, as serde_json reads it
//!   (YAML included), and floats are read exactly.
//! - **Types.** A list where an object belongs is an error (serde_json alone would fill the
//!   fields in order). In YAML, a string field takes string scalars only: `name: 123` is an
//!   integer, as the API server sees it after its YAML-to-JSON conversion; map keys are read as
//!   text (`1: a` is the key `"1"`). YAML 1.1 booleans such as `yes` are strings here (YAML 1.2).
//! - **Duplicate keys.** A field of a typed object given twice is an error in every mode
//!   (serde's `duplicate field`). In Strict mode a key repeated in a map is one too (labels,
//!   annotations, selectors, free-form JSON, the document itself), as in the API server's strict
//!   decoding; in the other modes the last value wins. A repeated unknown field is reported once
//!   per occurrence (an error in Strict mode, as any unknown field).
//! - **YAML features.** Anchors and aliases are expanded (and counted). Tags are ignored: a
//!   mapping tagged `!custom` is read as a mapping, `!!binary` text stays text. Merge keys
//!   (`<<: *base`) are not applied (serde_yaml implements YAML 1.2, which has none): `<<` is an
//!   unknown field, with a hint. A key that is a list or a map is an error.
//! - **Empty and foreign documents.** No document, white space, comments, or `null` give
//!   [`ParseError::Empty`]; a list or a scalar where the object belongs is a syntax error; an
//!   object of another `apiVersion` or `kind` is [`ParseError::WrongKind`].

use std::fmt;

use serde::{
    Deserialize,
    de::{DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor},
};
use serde_json::Value;

use crate::BackendTrafficPolicy;

mod budget;

use budget::{Budget, BudgetDe, Exceeded};

/// The `apiVersion` of every BackendTrafficPolicy.
pub const API_VERSION: &str = "gateway.envoyproxy.io/v1alpha1";
/// The `kind` of a BackendTrafficPolicy.
pub const KIND: &str = "BackendTrafficPolicy";
/// The `kind` of a list of BackendTrafficPolicies.
pub const LIST_KIND: &str = "BackendTrafficPolicyList";

/// How to treat fields the schema does not have, as Kubernetes' `fieldValidation` does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldValidation {
    /// An unknown or duplicate field is an error (kubectl's default).
    #[default]
    Strict,
    /// Unknown fields are dropped and each is reported as a warning.
    Warn,
    /// Unknown fields are dropped without a word.
    Ignore,
}

/// A line and column in the input, both starting at 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    /// Line number, from 1.
    pub line: usize,
    /// Column number, from 1.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// What is wrong with one field.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IssueKind {
    /// The schema has no field of this name here.
    UnknownField {
        /// The field that was probably meant, or the v1.9 spelling of an older field.
        hint: Option<String>,
    },
    /// The value does not have the shape the schema wants (a list where an object belongs, ...).
    InvalidValue {
        /// What the decoder said.
        message: String,
        /// The v1.9 spelling that means the same, where one exists.
        hint: Option<String>,
    },
}

/// One field-level finding: a path, what is wrong, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldIssue {
    /// Path of the field, Kubernetes style: `spec.targetRefs[0].name`.
    pub path: String,
    /// What is wrong.
    pub kind: IssueKind,
    /// Where the field is in the input, when the input has lines.
    pub location: Option<Location>,
}

impl fmt::Display for FieldIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = self.location {
            write!(f, "{location}: ")?;
        }
        // The document itself has an empty path.
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        match &self.kind {
            IssueKind::UnknownField { hint: None } => write!(f, "unknown field"),
            IssueKind::UnknownField { hint: Some(hint) } => write!(f, "unknown field ({hint})"),
            IssueKind::InvalidValue { message, hint: None } => write!(f, "{message}"),
            IssueKind::InvalidValue { message, hint: Some(hint) } => write!(f, "{message} ({hint})"),
        }
    }
}

/// Why a document could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The text is not well-formed YAML or JSON.
    #[error("{}{message}", fmt_location(*location))]
    Syntax {
        /// What the parser said.
        message: String,
        /// Where, when known.
        location: Option<Location>,
    },
    /// Strict mode found unknown fields; all of them are listed.
    #[error("{}", join(issues))]
    UnknownFields {
        /// One entry per unknown field.
        issues: Vec<FieldIssue>,
    },
    /// A field could not be decoded (wrong type, duplicate key, missing required field).
    #[error("{0}")]
    Field(FieldIssue),
    /// The document is some other kind of object.
    #[error("{}expected apiVersion {API_VERSION:?} and kind {KIND:?}, found apiVersion {api_version:?} and kind {kind:?}", fmt_location(*location))]
    WrongKind {
        /// The `apiVersion` found.
        api_version: String,
        /// The `kind` found.
        kind: String,
        /// Where the document starts.
        location: Option<Location>,
    },
    /// The input holds no document at all.
    #[error("the input holds no document")]
    Empty,
    /// The input is larger than [`Limits::max_input_bytes`]; nothing of it was parsed.
    #[error("the input is {actual} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
        /// The size of the input, in bytes.
        actual: usize,
    },
    /// Lists and maps nest deeper than [`Limits::max_depth`] (at most 127).
    #[error("{}{}nesting deeper than {limit} levels", fmt_location(*location), fmt_path(path))]
    TooDeep {
        /// The limit in force, in levels.
        limit: usize,
        /// The path of the list or map that went over it.
        path: String,
        /// Where, when known.
        location: Option<Location>,
    },
    /// The document has more values than [`Limits::max_nodes`], counting each YAML alias as
    /// often as it is expanded.
    #[error("{}{}more than {limit} values, YAML aliases expanded", fmt_location(*location), fmt_path(path))]
    TooManyNodes {
        /// The limit, in values.
        limit: usize,
        /// The path of the value that went over it.
        path: String,
        /// Where, when known.
        location: Option<Location>,
    },
    /// YAML aliases are expanded more than 100 times per event of the document: serde_yaml's
    /// own guard, which [`ParseError::TooManyNodes`] usually trips before.
    #[error("{}{}too many YAML alias expansions", fmt_location(*location), fmt_path(path))]
    TooManyAliases {
        /// The path of the value being read.
        path: String,
        /// Where, when known.
        location: Option<Location>,
    },
    /// A string (key or value) is longer than [`Limits::max_string_bytes`].
    #[error("{}{}a string of {actual} bytes, more than the limit of {limit}", fmt_location(*location), fmt_path(path))]
    StringTooLong {
        /// The limit, in bytes.
        limit: usize,
        /// The string's length, in bytes.
        actual: usize,
        /// The path of the string (of its mapping, for a key).
        path: String,
        /// Where, when known.
        location: Option<Location>,
    },
    /// All strings of the document together, YAML aliases expanded, are longer than
    /// [`Limits::max_total_string_bytes`].
    #[error(
        "{}{}strings of more than {limit} bytes in all, YAML aliases expanded",
        fmt_location(*location),
        fmt_path(path)
    )]
    StringsTooLarge {
        /// The limit, in bytes.
        limit: usize,
        /// The path of the string that went over it.
        path: String,
        /// Where, when known.
        location: Option<Location>,
    },
    /// One list or map has more entries than [`Limits::max_items`].
    #[error("{}{}more than {limit} items in one list or map", fmt_location(*location), fmt_path(path))]
    TooManyItems {
        /// The limit, in entries.
        limit: usize,
        /// The path of the list or map.
        path: String,
        /// Where, when known.
        location: Option<Location>,
    },
    /// A YAML document that is not JSON has more `[` and `{` than
    /// [`Limits::max_yaml_flow_collections`]; nothing of it was parsed.
    #[error("{}more than {limit} flow collections (`[` or `{{`) in one YAML document", fmt_location(*location))]
    TooManyFlowCollections {
        /// The limit.
        limit: usize,
        /// Where the document starts.
        location: Option<Location>,
    },
    /// More unknown fields (Strict and Warn) or more dropped values (Warn and Ignore) than
    /// [`Limits::max_issues`].
    #[error("more than {limit} unknown fields or values of the wrong shape")]
    TooManyIssues {
        /// The limit.
        limit: usize,
    },
}

impl ParseError {
    /// `true` for the errors that report a [`Limits`] being exceeded.
    #[must_use]
    pub fn is_limit(&self) -> bool {
        matches!(
            self,
            Self::TooLarge { .. }
                | Self::TooDeep { .. }
                | Self::TooManyNodes { .. }
                | Self::TooManyAliases { .. }
                | Self::StringTooLong { .. }
                | Self::StringsTooLarge { .. }
                | Self::TooManyItems { .. }
                | Self::TooManyIssues { .. }
                | Self::TooManyFlowCollections { .. }
        )
    }
}

fn fmt_location(location: Option<Location>) -> String {
    location.map(|l| format!("{l}: ")).unwrap_or_default()
}

fn fmt_path(path: &str) -> String {
    if path.is_empty() { String::new() } else { format!("{path}: ") }
}

fn join(issues: &[FieldIssue]) -> String {
    issues.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

/// Bounds on what one call of the parse API reads, so that a hostile document fails fast, with
/// an error naming the bound, in time and memory set by the bounds and not by the document.
///
/// The [module documentation](self#limits) says why each default is what it is. Start from
/// [`Limits::default()`] and change the fields you need:
///
/// ```
/// use backend_traffic_policy::parse::{self, FieldValidation, Limits, ParseError, ParseOptions};
/// let mut limits = Limits::default();
/// limits.max_input_bytes = 16;
/// let options = ParseOptions { mode: FieldValidation::Strict, limits };
/// let err = parse::from_json_slice_with(br#"{"apiVersion": "gateway.envoyproxy.io/v1alpha1"}"#, options);
/// assert_eq!(err.unwrap_err(), ParseError::TooLarge { limit: 16, actual: 48 });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Limits {
    /// Largest input, in bytes, checked before anything is parsed: 3 MiB, the Kubernetes API
    /// server's request limit. For a YAML stream, the whole stream.
    pub max_input_bytes: usize,
    /// Deepest nesting of lists and maps: 64 levels. The schema's deepest path has 12; the
    /// decoders stop at 127 whatever this says.
    pub max_depth: usize,
    /// Most values (scalars, lists, maps) in one document, each YAML alias counted as often as
    /// it is expanded: 100,000, some 800 times the largest upstream example.
    pub max_nodes: usize,
    /// Longest string, key or value, in bytes: 256 KiB, Kubernetes' limit on all annotations of
    /// an object together (the schema's longest string is 32 KiB).
    pub max_string_bytes: usize,
    /// Most bytes of all strings of one document together, YAML aliases expanded: 3 MiB.
    /// Without aliases the input's size already bounds it.
    pub max_total_string_bytes: usize,
    /// Most entries in one list or map: 10,000. Where the schema bounds a list (256 items at
    /// most), [`validate()`](BackendTrafficPolicy::validate) reports its own, smaller bound.
    pub max_items: usize,
    /// Most unknown fields (Strict and Warn) and most values dropped for their shape (Warn and
    /// Ignore) in one document: 100. Each is located by reading the document again.
    pub max_issues: usize,
    /// Most flow collections (`[..]`, `{..}`) in one YAML document, counted before parsing as
    /// the `[` and `{` not directly closed, wherever they are: 128 (the upstream examples have
    /// at most 3). libyaml's scanner spends time proportional to the flow nesting on every
    /// token, and the count bounds the nesting. A document over the limit that is JSON is
    /// read as JSON instead, in linear time.
    pub max_yaml_flow_collections: usize,
}

impl Limits {
    /// The defaults, documented on each field.
    pub const DEFAULT: Self = Self {
        max_input_bytes: 3 * 1024 * 1024,
        max_depth: 64,
        max_nodes: 100_000,
        max_string_bytes: 256 * 1024,
        max_total_string_bytes: 3 * 1024 * 1024,
        max_items: 10_000,
        max_issues: 100,
        max_yaml_flow_collections: 128,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// How to read a document: the field-validation mode and the limits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ParseOptions {
    /// What to do with unknown fields.
    pub mode: FieldValidation,
    /// Bounds on what is read.
    pub limits: Limits,
}

impl ParseOptions {
    /// `mode` with the default [`Limits`].
    #[must_use]
    pub const fn new(mode: FieldValidation) -> Self {
        Self { mode, limits: Limits::DEFAULT }
    }
}

impl From<FieldValidation> for ParseOptions {
    fn from(mode: FieldValidation) -> Self {
        Self::new(mode)
    }
}

/// A policy with the warnings found while reading it.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed<T> {
    /// The object.
    pub value: T,
    /// Unknown fields (in [`FieldValidation::Warn`] mode) and dropped values, in input order.
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
        (Some(doc), None) => read_policy(&Document::new(doc)?, options.mode),
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
        let doc = match Document::new(doc) {
            Ok(doc) => doc,
            Err(e) => {
                out.push(Err(e));
                continue;
            }
        };
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

/// Where a field path is in a YAML stream, for reporting a [`validate()`] finding with its line:
/// `path` as [`ValidationError::path`] or [`FieldIssue::path`] print it
/// (`spec.targetRefs[0].name`), in the document numbered `document` from 0 (blank documents are
/// not counted, as in [`from_yaml_documents`]). For an item of a `BackendTrafficPolicyList`,
/// prefix the path with `items[i].`.
///
/// ```
/// use backend_traffic_policy::parse::locate_in_yaml;
/// let yaml = "a: 1\n---\nspec:\n  retry:\n    numRetries: -1\n";
/// let location = locate_in_yaml(yaml, 1, "spec.retry.numRetries").unwrap();
/// assert_eq!((location.line, location.column), (5, 5));
/// ```
///
/// [`validate()`]: crate::BackendTrafficPolicy::validate
/// [`ValidationError::path`]: crate::ValidationError::path
#[must_use]
pub fn locate_in_yaml(text: &str, document: usize, path: &str) -> Option<Location> {
    let doc = split_documents(strip_bom(text), Limits::default()).nth(document)?;
    doc.locate(&parse_display_path(path)?)
}

// ---------------------------------------------------------------------------------------------
// Sources: a source can be deserialized again (to find a location) and maps its errors. Every
// pass over a document goes through a `BudgetDe`, so the limits hold for each.

trait Source {
    /// Deserializes with `f`, mapping the format's error.
    fn run<T>(&self, f: &mut dyn FnMut(&mut dyn erased::De) -> Result<T, RunError>) -> Result<T, RunError>;
    /// Locates the value at `path`.
    fn locate(&self, path: &[Seg]) -> Option<Location>;
    /// Reads the whole document as a JSON value (only on the slow paths); `strict` also
    /// rejects a key repeated in any mapping.
    fn to_value(&self, strict: bool) -> Result<Value, ParseError>;
    /// The limits this source is read with.
    fn limits(&self) -> &Limits;
    /// The document's `apiVersion` and `kind`, when it is an object.
    fn type_meta(&self) -> Option<TypeMeta>;
}

/// A format error, already split into message and location, plus the path serde reached.
struct RunError {
    path: Vec<Seg>,
    message: String,
    location: Option<Location>,
    syntax: bool,
    /// The limit that stopped the decoding, if one did.
    exceeded: Option<Exceeded>,
}

impl RunError {
    /// The typed error of an exceeded limit.
    fn limit_error(&self, limits: &Limits) -> Option<ParseError> {
        let (path, location) = (display_path(&self.path), self.location);
        Some(match self.exceeded? {
            Exceeded::Depth => ParseError::TooDeep { limit: Budget::depth_limit(limits), path, location },
            Exceeded::Nodes => ParseError::TooManyNodes { limit: limits.max_nodes, path, location },
            Exceeded::Aliases => ParseError::TooManyAliases { path, location },
            Exceeded::StringLength { actual } => {
                ParseError::StringTooLong { limit: limits.max_string_bytes, actual, path, location }
            }
            Exceeded::TotalStrings => {
                ParseError::StringsTooLarge { limit: limits.max_total_string_bytes, path, location }
            }
            Exceeded::Items => ParseError::TooManyItems { limit: limits.max_items, path, location },
        })
    }

    /// The error of a pass that reads the whole document into a JSON value: a limit, a
    /// repeated key (strict mode) or a syntax error.
    fn into_whole_document_error(self, limits: &Limits) -> ParseError {
        if let Some(limit) = self.limit_error(limits) {
            return limit;
        }
        if self.message.starts_with("duplicate field") {
            let kind = IssueKind::InvalidValue { message: self.message, hint: None };
            return ParseError::Field(FieldIssue { path: display_path(&self.path), kind, location: self.location });
        }
        ParseError::Syntax { message: self.message, location: self.location }
    }
}

/// Which limit a format error reports: one of the budget's, or the format's own guard.
fn exceeded_of(message: &str, budget: &Budget) -> Option<Exceeded> {
    let own = |guard: &str| message == guard || message.strip_suffix(guard).is_some_and(|m| m.ends_with(": "));
    if own("recursion limit exceeded") {
        // serde_json's and serde_yaml's fixed nesting guard.
        Some(Exceeded::Depth)
    } else if own("repetition limit exceeded") {
        // serde_yaml's alias guard.
        Some(Exceeded::Aliases)
    } else {
        // The budget's own error, unless some other error replaced it on the way up.
        budget.exceeded().filter(|&what| message.ends_with(&budget.message(what)))
    }
}

mod erased {
    //! A tiny object-safe wrapper so the strict/warn logic is written once for YAML and JSON.
    use super::{RunError, Seg};

    pub(super) trait De {
        /// Decodes the document; `strict` also rejects a key repeated in any mapping.
        fn policy(&mut self, ignored: &mut dyn FnMut(Vec<Seg>), strict: bool) -> Result<super::Doc, RunError>;
    }
}

struct Json<'a> {
    bytes: &'a [u8],
    limits: Limits,
    /// Line of the input on which the JSON starts (1-based): a JSON document in a YAML stream.
    first_line: usize,
}

struct YamlDoc<'a> {
    text: &'a str,
    /// Line of the input on which this document's text starts (1-based).
    first_line: usize,
    limits: Limits,
}

fn decode<'de, D, T>(de: D, ignored: &mut dyn FnMut(Vec<Seg>)) -> Result<T, (Vec<Seg>, D::Error)>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let mut track = serde_path_to_error::Track::new();
    let tracked = serde_path_to_error::Deserializer::new(de, &mut track);
    let mut callback = |p: serde_ignored::Path<'_>| ignored(segs_from_ignored(&p));
    let result = T::deserialize(serde_ignored::Deserializer::new(tracked, &mut callback));
    result.map_err(|e| (segs_from_tracked(&track.path()), e))
}

impl Source for Json<'_> {
    fn run<T>(&self, f: &mut dyn FnMut(&mut dyn erased::De) -> Result<T, RunError>) -> Result<T, RunError> {
        struct D<'a>(&'a Json<'a>);
        impl erased::De for D<'_> {
            fn policy(&mut self, ignored: &mut dyn FnMut(Vec<Seg>), strict: bool) -> Result<Doc, RunError> {
                let budget = Budget::new(self.0.limits, strict);
                let mut de = serde_json::Deserializer::from_slice(self.0.bytes);
                let value = decode(BudgetDe::new(&mut de, &budget), ignored)
                    .map_err(|(path, e)| json_error(path, &e, self.0, &budget))?;
                de.end().map_err(|e| json_error(Vec::new(), &e, self.0, &budget))?;
                Ok(value)
            }
        }
        f(&mut D(self))
    }

    fn locate(&self, path: &[Seg]) -> Option<Location> {
        let budget = Budget::new(self.limits, false);
        let mut de = serde_json::Deserializer::from_slice(self.bytes);
        let err = Locator { path, depth: 0 }.deserialize(BudgetDe::new(&mut de, &budget)).err()?;
        if !err.to_string().contains(LOCATED) {
            return None;
        }
        self.location(err.line(), err.column())
    }

    fn to_value(&self, strict: bool) -> Result<Value, ParseError> {
        let budget = Budget::new(self.limits, strict);
        let mut de = serde_json::Deserializer::from_slice(self.bytes);
        let value = decode(BudgetDe::new(&mut de, &budget), &mut |_| {})
            .map_err(|(path, e)| json_error(path, &e, self, &budget))
            .and_then(|v| de.end().map(|()| v).map_err(|e| json_error(Vec::new(), &e, self, &budget)));
        value.map_err(|e| e.into_whole_document_error(&self.limits))
    }

    fn limits(&self) -> &Limits {
        &self.limits
    }

    fn type_meta(&self) -> Option<TypeMeta> {
        let budget = Budget::new(self.limits, false);
        TypeMeta::deserialize(BudgetDe::new(&mut serde_json::Deserializer::from_slice(self.bytes), &budget)).ok()
    }
}

impl Json<'_> {
    /// A location of serde_json (which counts lines from 1, and reports line 0 when it has none).
    fn location(&self, line: usize, column: usize) -> Option<Location> {
        // serde_json says column 0 for an error before the first character of a line.
        let column = column.max(1);
        (line > 0).then(|| Location { line: line.saturating_add(self.first_line).saturating_sub(1), column })
    }
}

fn json_error(path: Vec<Seg>, e: &serde_json::Error, json: &Json<'_>, budget: &Budget) -> RunError {
    let location = json.location(e.line(), e.column());
    let full = e.to_string();
    // serde_json appends " at line L column C"; the location is reported separately.
    let message = full.rsplit_once(" at line ").map_or(full.as_str(), |(m, _)| m).to_owned();
    let exceeded = exceeded_of(&message, budget);
    // A document that is not an object at all is reported as for YAML.
    let syntax = e.is_syntax() || e.is_eof() || (path.is_empty() && message.starts_with("invalid type"));
    RunError { path, message, location, syntax, exceeded }
}

impl YamlDoc<'_> {
    /// A location of serde_yaml, which counts lines from the start of this document.
    fn location(&self, l: &serde_yaml::Location) -> Location {
        Location { line: l.line().saturating_add(self.first_line).saturating_sub(1), column: l.column() }
    }
}

impl Source for YamlDoc<'_> {
    fn run<T>(&self, f: &mut dyn FnMut(&mut dyn erased::De) -> Result<T, RunError>) -> Result<T, RunError> {
        struct D<'a>(&'a YamlDoc<'a>);
        impl erased::De for D<'_> {
            fn policy(&mut self, ignored: &mut dyn FnMut(Vec<Seg>), strict: bool) -> Result<Doc, RunError> {
                let budget = Budget::yaml(self.0.limits, strict);
                let de = serde_yaml::Deserializer::from_str(self.0.text);
                decode(BudgetDe::new(de, &budget), ignored).map_err(|(path, e)| yaml_error(path, &e, self.0, &budget))
            }
        }
        f(&mut D(self))
    }

    fn locate(&self, path: &[Seg]) -> Option<Location> {
        let budget = Budget::yaml(self.limits, false);
        let de = serde_yaml::Deserializer::from_str(self.text);
        let err = Locator { path, depth: 0 }.deserialize(BudgetDe::new(de, &budget)).err()?;
        if !err.to_string().contains(LOCATED) {
            return None;
        }
        err.location().map(|l| self.location(&l))
    }

    fn to_value(&self, strict: bool) -> Result<Value, ParseError> {
        let budget = Budget::yaml(self.limits, strict);
        let de = serde_yaml::Deserializer::from_str(self.text);
        decode(BudgetDe::new(de, &budget), &mut |_| {})
            .map_err(|(path, e)| yaml_error(path, &e, self, &budget).into_whole_document_error(&self.limits))
    }

    fn limits(&self) -> &Limits {
        &self.limits
    }

    fn type_meta(&self) -> Option<TypeMeta> {
        let budget = Budget::yaml(self.limits, false);
        TypeMeta::deserialize(BudgetDe::new(serde_yaml::Deserializer::from_str(self.text), &budget)).ok()
    }
}

/// One document of a YAML stream, read as YAML or, when it is JSON, as JSON.
enum Document<'a> {
    Yaml(YamlDoc<'a>),
    Json(Json<'a>),
}

impl<'a> Document<'a> {
    /// Chooses how to read `doc`. libyaml's scanner spends, on every token, time proportional
    /// to the nesting of flow collections, and that nesting is unknown before parsing; what is
    /// known is how many flow collections there are at most. A document with more than
    /// [`Limits::max_yaml_flow_collections`] is read as JSON when it is JSON (serde_json's time
    /// is linear), and rejected otherwise.
    fn new(doc: YamlDoc<'a>) -> Result<Self, ParseError> {
        let limit = doc.limits.max_yaml_flow_collections;
        let found = flow_collections(doc.text.as_bytes(), limit);
        if found <= limit {
            return Ok(Self::Yaml(doc));
        }
        // serde_json skips values without recursion, so this costs one linear pass.
        if serde_json::from_str::<IgnoredAny>(doc.text).is_ok() {
            return Ok(Self::Json(Json { bytes: doc.text.as_bytes(), limits: doc.limits, first_line: doc.first_line }));
        }
        Err(ParseError::TooManyFlowCollections { limit, location: Some(Location { line: doc.first_line, column: 1 }) })
    }
}

/// The number of `[` and `{` in `text` that are not directly closed (`[]` and `{}` are not
/// counted), up to `limit + 1`: an upper bound on the number of non-empty flow collections
/// libyaml can find, whatever is quoted or commented out.
fn flow_collections(text: &[u8], limit: usize) -> usize {
    let mut found = 0usize;
    let mut bytes = text.iter().peekable();
    while let Some(&b) = bytes.next() {
        let open = match b {
            b'[' => b']',
            b'{' => b'}',
            _ => continue,
        };
        if bytes.peek() == Some(&&open) {
            bytes.next();
            continue;
        }
        found = found.saturating_add(1);
        if found > limit {
            break;
        }
    }
    found
}

impl Source for Document<'_> {
    fn run<T>(&self, f: &mut dyn FnMut(&mut dyn erased::De) -> Result<T, RunError>) -> Result<T, RunError> {
        match self {
            Self::Yaml(doc) => doc.run(f),
            Self::Json(doc) => doc.run(f),
        }
    }
    fn locate(&self, path: &[Seg]) -> Option<Location> {
        match self {
            Self::Yaml(doc) => doc.locate(path),
            Self::Json(doc) => doc.locate(path),
        }
    }
    fn to_value(&self, strict: bool) -> Result<Value, ParseError> {
        match self {
            Self::Yaml(doc) => doc.to_value(strict),
            Self::Json(doc) => doc.to_value(strict),
        }
    }
    fn limits(&self) -> &Limits {
        match self {
            Self::Yaml(doc) => doc.limits(),
            Self::Json(doc) => doc.limits(),
        }
    }
    fn type_meta(&self) -> Option<TypeMeta> {
        match self {
            Self::Yaml(doc) => doc.type_meta(),
            Self::Json(doc) => doc.type_meta(),
        }
    }
}

fn yaml_error(path: Vec<Seg>, e: &serde_yaml::Error, doc: &YamlDoc<'_>, budget: &Budget) -> RunError {
    let location = e.location().map(|l| doc.location(&l));
    let full = e.to_string();
    // serde_yaml prefixes "path: " and appends " at line L column C"; both are reported separately.
    let mut message = full.rsplit_once(" at line ").map_or(full.as_str(), |(m, _)| m);
    if let Some((prefix, rest)) = message.split_once(": ")
        && !prefix.contains(' ')
    {
        message = rest;
    }
    let syntax = path.is_empty() && !message.starts_with("missing field") && !message.starts_with("duplicate field");
    let exceeded = exceeded_of(message, budget);
    RunError { path, message: message.to_owned(), location, syntax, exceeded }
}

// ---------------------------------------------------------------------------------------------
// The reading logic, shared by both formats.

fn read_policy(source: &impl Source, mode: FieldValidation) -> Result<Parsed<BackendTrafficPolicy>, ParseError> {
    let limits = *source.limits();
    let mut unknown: Vec<Vec<Seg>> = Vec::new();
    let strict = mode == FieldValidation::Strict;
    let fast = source.run(&mut |de| de.policy(&mut |path| unknown.push(path), strict));
    let (value, dropped) = match fast {
        Ok(value) => (value, Vec::new()),
        Err(err) => {
            if let Some(limit) = err.limit_error(&limits) {
                return Err(limit);
            }
            // `null` (YAML `~`, or nothing but a tag) is a document without content.
            if err.path.is_empty() && NULL_DOCUMENT.contains(&err.message.as_str()) {
                return Err(ParseError::Empty);
            }
            if err.syntax {
                return Err(ParseError::Syntax { message: err.message, location: err.location });
            }
            // A repeated field makes the kind ambiguous: report the repetition.
            if err.message.starts_with("duplicate field") {
                return Err(ParseError::Field(issue_from(err, source)));
            }
            let wrong_kind = check_kind_of_source(source)?;
            if let Some(e) = wrong_kind {
                return Err(e);
            }
            if mode == FieldValidation::Strict || !droppable(&err) {
                return Err(ParseError::Field(issue_from(err, source)));
            }
            unknown.clear();
            repair(source, err, &mut unknown)?
        }
    };
    let Doc { api_version, kind, policy: value } = value;
    if api_version.as_deref() != Some(API_VERSION) || kind.as_deref() != Some(KIND) {
        return Err(ParseError::WrongKind {
            api_version: api_version.unwrap_or_default(),
            kind: kind.unwrap_or_default(),
            location: source.locate(&[]),
        });
    }
    // Ignore mode drops unknown fields without a word, so they are not located.
    if mode == FieldValidation::Ignore {
        unknown.clear();
    }
    // Each unknown field is located by reading the document again.
    if unknown.len() > limits.max_issues {
        return Err(ParseError::TooManyIssues { limit: limits.max_issues });
    }
    let issues: Vec<FieldIssue> = unknown
        .into_iter()
        .map(|path| FieldIssue {
            location: source.locate(&path),
            kind: IssueKind::UnknownField { hint: hint_for_unknown(&path) },
            path: display_path(&path),
        })
        .collect();
    let mut warnings = dropped;
    match mode {
        FieldValidation::Strict if !issues.is_empty() => return Err(ParseError::UnknownFields { issues }),
        FieldValidation::Strict | FieldValidation::Ignore => {}
        FieldValidation::Warn => warnings.extend(issues),
    }
    // Dropped values are found before unknown fields; report both in input order.
    warnings.sort_by_key(|w| w.location.map(|l| (l.line, l.column)));
    Ok(Parsed { value, warnings, document: 0, item: None })
}

/// What the decoders say of a document that is `null`.
const NULL_DOCUMENT: &[&str] = &[
    "invalid type: unit value, expected a BackendTrafficPolicy object",
    "invalid type: null, expected a BackendTrafficPolicy object",
];

/// Missing required fields and duplicates cannot be dropped; wrong shapes can.
fn droppable(err: &RunError) -> bool {
    !err.path.is_empty() && !err.message.starts_with("missing field") && !err.message.starts_with("duplicate field")
}

fn issue_from(err: RunError, source: &impl Source) -> FieldIssue {
    let hint = migration_hint(&err.path).map(str::to_owned);
    // A value of the wrong shape is reported at its key, like an unknown field (the format would
    // say where the value starts, which the repair loop, decoding a `Value`, cannot); a missing or
    // duplicate field where the format saw it.
    let location = if droppable(&err) {
        source.locate(&err.path).or(err.location)
    } else {
        err.location.or_else(|| source.locate(&err.path))
    };
    // serde names a missing field in its message and reports the enclosing object's path; the
    // API server reports the field's own path (`spec.targetRefs[0].group: Required value`).
    let mut path = err.path;
    if let Some(field) = err.message.strip_prefix("missing field `").and_then(|m| m.split('`').next()) {
        path.push(Seg::Key(field.to_owned()));
    }
    FieldIssue { path: display_path(&path), kind: IssueKind::InvalidValue { message: err.message, hint }, location }
}

/// The slow path of Warn and Ignore: drop each value that does not decode and try again.
fn repair(
    source: &impl Source,
    first: RunError,
    unknown: &mut Vec<Vec<Seg>>,
) -> Result<(Doc, Vec<FieldIssue>), ParseError> {
    let limits = *source.limits();
    let mut value = source.to_value(false)?;
    let first = issue_from(first, source);
    if let Some(path) = path_of(&first) {
        remove_at(&mut value, &path);
    }
    let mut dropped = vec![first];
    // Each round removes one value and reads the whole document, so the rounds are bounded.
    loop {
        if dropped.len() > limits.max_issues {
            return Err(ParseError::TooManyIssues { limit: limits.max_issues });
        }
        unknown.clear();
        let mut track = serde_path_to_error::Track::new();
        // Through the budget too, which refuses a list where an object belongs.
        let budget = Budget::new(limits, false);
        let tracked = serde_path_to_error::Deserializer::new(BudgetDe::new(&value, &budget), &mut track);
        let mut callback = |p: serde_ignored::Path<'_>| unknown.push(segs_from_ignored(&p));
        let result: Result<Doc, _> =
            serde::Deserialize::deserialize(serde_ignored::Deserializer::new(tracked, &mut callback));
        match result {
            Ok(policy) => return Ok((policy, dropped)),
            Err(e) => {
                let err = RunError {
                    path: segs_from_tracked(&track.path()),
                    message: e.to_string(),
                    location: None,
                    syntax: false,
                    exceeded: None,
                };
                if !droppable(&err) {
                    return Err(ParseError::Field(issue_from(err, source)));
                }
                let path = err.path.clone();
                let issue = issue_from(err, source);
                if !remove_at(&mut value, &path) {
                    return Err(ParseError::Field(issue));
                }
                dropped.push(issue);
            }
        }
    }
}

fn path_of(issue: &FieldIssue) -> Option<Vec<Seg>> {
    parse_display_path(&issue.path)
}

fn remove_at(value: &mut Value, path: &[Seg]) -> bool {
    let Some((last, parents)) = path.split_last() else { return false };
    let mut node = value;
    for seg in parents {
        node = match (seg, node) {
            (Seg::Key(k), Value::Object(map)) => match map.get_mut(k) {
                Some(v) => v,
                None => return false,
            },
            (Seg::Index(i), Value::Array(items)) => match items.get_mut(*i) {
                Some(v) => v,
                None => return false,
            },
            _ => return false,
        };
    }
    match (last, node) {
        (Seg::Key(k), Value::Object(map)) => map.remove(k).is_some(),
        (Seg::Index(i), Value::Array(items)) if *i < items.len() => {
            items.remove(*i);
            true
        }
        _ => false,
    }
}

/// When the policy did not decode, tells whether the document is another kind of object.
fn check_kind_of_source(source: &impl Source) -> Result<Option<ParseError>, ParseError> {
    let value = match source.to_value(false) {
        Ok(value) => value,
        Err(e) if e.is_limit() => return Err(e),
        Err(_) => return Ok(None),
    };
    // `null` (or `~`) is a YAML document without content.
    if value.is_null() {
        return Err(ParseError::Empty);
    }
    // A list or a scalar is reported by the decoder ("expected a BackendTrafficPolicy object").
    if !value.is_object() {
        return Ok(None);
    }
    let api_version = value.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or_default();
    if api_version == API_VERSION && kind == KIND {
        return Ok(None);
    }
    Ok(Some(ParseError::WrongKind {
        api_version: api_version.to_owned(),
        kind: kind.to_owned(),
        location: source.locate(&[]),
    }))
}

fn read_list(doc: &impl Source, mode: FieldValidation) -> Vec<Result<Parsed<BackendTrafficPolicy>, ParseError>> {
    let value: Value = match doc.to_value(mode == FieldValidation::Strict) {
        Ok(v) => v,
        Err(e) => return vec![Err(e)],
    };
    let Some(items) = value.get("items").and_then(Value::as_array) else {
        return vec![Err(ParseError::Field(FieldIssue {
            path: "items".into(),
            kind: IssueKind::InvalidValue { message: "a list needs an `items` array".into(), hint: None },
            location: doc.locate(&[]),
        }))];
    };
    // Every warning of an item is located in the list by reading it again: the issues of all
    // items together are held to the limit.
    let max_issues = doc.limits().max_issues;
    let mut issues = 0usize;
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        if issues > max_issues {
            out.push(Err(ParseError::TooManyIssues { limit: max_issues }));
            continue;
        }
        let result = serde_json::to_vec(item)
            .map_err(|e| ParseError::Syntax { message: e.to_string(), location: None })
            .and_then(|bytes| read_policy(&Json { bytes: &bytes, limits: *doc.limits(), first_line: 1 }, mode));
        let result = match result {
            Ok(parsed) => {
                issues = issues.saturating_add(parsed.warnings.len());
                if issues > max_issues { Err(ParseError::TooManyIssues { limit: max_issues }) } else { Ok(parsed) }
            }
            Err(e) => {
                issues = issues.saturating_add(match &e {
                    ParseError::UnknownFields { issues } => issues.len(),
                    _ => 1,
                });
                Err(e)
            }
        };
        out.push(result.map_err(|e| prefix_error(e, index, doc)).map(|mut parsed| {
            for w in &mut parsed.warnings {
                prefix_issue(w, index, doc);
            }
            parsed.item = Some(index);
            parsed
        }));
    }
    out
}

fn prefix_issue(issue: &mut FieldIssue, index: usize, doc: &impl Source) {
    (issue.path, issue.location) = prefix_path(&issue.path, index, doc);
}

/// The path of an item's field in the list, and its location there.
fn prefix_path(path: &str, index: usize, doc: &impl Source) -> (String, Option<Location>) {
    let path = if path.is_empty() { format!("items[{index}]") } else { format!("items[{index}].{path}") };
    let location = parse_display_path(&path).and_then(|p| doc.locate(&p));
    (path, location)
}

fn prefix_error(err: ParseError, index: usize, doc: &impl Source) -> ParseError {
    match err {
        ParseError::Field(mut issue) => {
            prefix_issue(&mut issue, index, doc);
            ParseError::Field(issue)
        }
        ParseError::UnknownFields { mut issues } => {
            issues.iter_mut().for_each(|i| prefix_issue(i, index, doc));
            ParseError::UnknownFields { issues }
        }
        ParseError::TooDeep { limit, path, .. } => {
            let (path, location) = prefix_path(&path, index, doc);
            ParseError::TooDeep { limit, path, location }
        }
        ParseError::TooManyNodes { limit, path, .. } => {
            let (path, location) = prefix_path(&path, index, doc);
            ParseError::TooManyNodes { limit, path, location }
        }
        ParseError::TooManyAliases { path, .. } => {
            let (path, location) = prefix_path(&path, index, doc);
            ParseError::TooManyAliases { path, location }
        }
        ParseError::StringTooLong { limit, actual, path, .. } => {
            let (path, location) = prefix_path(&path, index, doc);
            ParseError::StringTooLong { limit, actual, path, location }
        }
        ParseError::StringsTooLarge { limit, path, .. } => {
            let (path, location) = prefix_path(&path, index, doc);
            ParseError::StringsTooLarge { limit, path, location }
        }
        ParseError::TooManyItems { limit, path, .. } => {
            let (path, location) = prefix_path(&path, index, doc);
            ParseError::TooManyItems { limit, path, location }
        }
        ParseError::WrongKind { api_version, kind, .. } => ParseError::WrongKind {
            api_version,
            kind,
            location: doc.locate(&[Seg::Key("items".into()), Seg::Index(index)]),
        },
        other => other,
    }
}

/// The type fields of a document, read without the rest (a missing one is empty).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct TypeMeta {
    #[serde(default)]
    api_version: String,
    #[serde(default)]
    kind: String,
}

/// Splits a YAML stream on `---` lines, remembering where each document starts. Document
/// markers are only recognised at the start of a line, as the YAML specification says.
fn split_documents(text: &str, limits: Limits) -> impl Iterator<Item = YamlDoc<'_>> {
    let mut docs = Vec::new();
    // Byte offsets into `text`, at line starts (so on character boundaries), and line numbers;
    // none can overflow, as each is at most the length of `text` plus 2.
    let mut start = 0usize;
    let mut start_line = 1usize;
    let mut offset = 0usize;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_end_matches(['\n', '\r']);
        let is_marker = trimmed == "---" || trimmed.starts_with("--- ") || trimmed == "...";
        if is_marker {
            docs.push(YamlDoc { text: text.get(start..offset).unwrap_or_default(), first_line: start_line, limits });
            start = offset.saturating_add(line.len());
            start_line = index.saturating_add(2);
            if let Some(rest) = trimmed.strip_prefix("--- ") {
                // `--- {inline}`: keep the content on the marker line.
                if !rest.trim().is_empty() && !rest.trim_start().starts_with('#') {
                    start = offset.saturating_add("--- ".len());
                    start_line = index.saturating_add(1);
                }
            }
        }
        offset = offset.saturating_add(line.len());
    }
    docs.push(YamlDoc { text: text.get(start..).unwrap_or_default(), first_line: start_line, limits });
    docs.into_iter().filter(|d| !is_blank_yaml(d.text))
}

fn is_blank_yaml(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    })
}

// ---------------------------------------------------------------------------------------------
// The document root: kube's derived type writes `apiVersion` and `kind` as constants and does
// not read them, so the root is read here, keeping both for the kind check.

/// A decoded document: its type fields as written and the policy.
pub(crate) struct Doc {
    api_version: Option<String>,
    kind: Option<String>,
    policy: BackendTrafficPolicy,
}

impl<'de> serde::Deserialize<'de> for Doc {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Doc;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a BackendTrafficPolicy object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Doc, A::Error> {
                use serde::de::Error;
                let (mut api_version, mut kind, mut metadata, mut spec, mut status) = (None, None, None, None, None);
                while let Some(key) = map.next_key::<KeyString>()? {
                    let duplicate = match key.0.as_str() {
                        "apiVersion" => api_version.replace(map.next_value::<String>()?).is_some(),
                        "kind" => kind.replace(map.next_value::<String>()?).is_some(),
                        "metadata" => metadata.replace(map.next_value()?).is_some(),
                        "spec" => spec.replace(map.next_value()?).is_some(),
                        "status" => status.replace(map.next_value::<Option<crate::PolicyStatus>>()?).is_some(),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            false
                        }
                    };
                    if duplicate {
                        return Err(A::Error::custom(format_args!("duplicate field `{}`", key.0)));
                    }
                }
                let spec = spec.ok_or_else(|| A::Error::missing_field("spec"))?;
                let mut policy = BackendTrafficPolicy::new("", spec);
                policy.metadata = metadata.unwrap_or_default();
                policy.status = status.flatten();
                Ok(Doc { api_version, kind, policy })
            }
        }
        de.deserialize_map(V)
    }
}

// ---------------------------------------------------------------------------------------------
// Paths.

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

fn segs_from_ignored(path: &serde_ignored::Path<'_>) -> Vec<Seg> {
    fn walk(path: &serde_ignored::Path<'_>, out: &mut Vec<Seg>) {
        match path {
            serde_ignored::Path::Root => {}
            serde_ignored::Path::Seq { parent, index } => {
                walk(parent, out);
                out.push(Seg::Index(*index));
            }
            serde_ignored::Path::Map { parent, key } => {
                walk(parent, out);
                out.push(Seg::Key(key.clone()));
            }
            serde_ignored::Path::Some { parent }
            | serde_ignored::Path::NewtypeStruct { parent }
            | serde_ignored::Path::NewtypeVariant { parent } => walk(parent, out),
        }
    }
    let mut out = Vec::new();
    walk(path, &mut out);
    out
}

fn segs_from_tracked(path: &serde_path_to_error::Path) -> Vec<Seg> {
    path.iter()
        .filter_map(|seg| match seg {
            serde_path_to_error::Segment::Seq { index } => Some(Seg::Index(*index)),
            serde_path_to_error::Segment::Map { key } => Some(Seg::Key(key.clone())),
            _ => None,
        })
        .collect()
}

/// `spec.targetRefs[0].name`.
pub(crate) fn display_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

fn parse_display_path(path: &str) -> Option<Vec<Seg>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if !key.is_empty() {
            out.push(Seg::Key(key.to_owned()));
        }
        while let Some((index, after)) = rest.split_once(']') {
            out.push(Seg::Index(index.parse().ok()?));
            rest = after.strip_prefix('[').unwrap_or(after);
        }
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// Hints.

/// Spellings from the KubeLB documentation and older Envoy Gateway releases, with their v1.9
/// meaning. Matched on the path with list indices removed.
const MIGRATIONS: &[(&str, &str)] = &[
    ("spec.retry.retryOn", "Envoy Gateway v1.9 takes an object here: list the triggers under `retryOn.triggers`"),
    ("spec.retry.retriableStatusCodes", "Envoy Gateway v1.9 spells this `spec.retry.retryOn.httpStatusCodes`"),
    (
        "spec.loadBalancer.leastRequest",
        "Envoy Gateway v1.9 has no LeastRequest settings such as `choiceCount`; `type: LeastRequest` alone selects it",
    ),
    ("spec.targetRef.namespace", "a policy can only target objects in its own namespace; remove `namespace`"),
];

/// YAML merge keys are a YAML 1.1 feature serde_yaml does not apply: `<<` is a key like others.
const MERGE_KEY_HINT: &str = "YAML merge keys are not supported; write the fields out";

fn migration_hint(path: &[Seg]) -> Option<&'static str> {
    let keys: Vec<&str> = path
        .iter()
        .filter_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
        .collect();
    let joined = keys.join(".");
    MIGRATIONS.iter().find(|(p, _)| *p == joined).map(|(_, hint)| *hint)
}

fn hint_for_unknown(path: &[Seg]) -> Option<String> {
    if let Some(hint) = migration_hint(path) {
        return Some(hint.to_owned());
    }
    if matches!(path.last(), Some(Seg::Key(k)) if k == "<<") {
        return Some(MERGE_KEY_HINT.to_owned());
    }
    let (Seg::Key(unknown), parent) = path.split_last()? else { return None };
    let known = known_fields(parent)?;
    let best = known
        .iter()
        .map(|k| (near_miss(unknown, k), k))
        .filter_map(|(d, k)| d.map(|d| (d, k)))
        .min_by_key(|(d, _)| *d)?;
    Some(format!("did you mean `{}`?", best.1))
}

/// Distance between an unknown key and a real one: 0 for a case difference, else the edit
/// distance when it is small for the key's length.
fn near_miss(unknown: &str, known: &str) -> Option<usize> {
    if unknown.eq_ignore_ascii_case(known) {
        return Some(0);
    }
    let limit = if known.len() <= 4 { 1 } else { 2 };
    // The edit distance is at least the difference in length: a long key (up to
    // `Limits::max_string_bytes`) is not compared character by character.
    if unknown.chars().count().abs_diff(known.chars().count()) > limit {
        return None;
    }
    let d = levenshtein(&unknown.to_ascii_lowercase(), &known.to_ascii_lowercase());
    (d <= limit).then_some(d)
}

/// The edit distance between `a` and `b`, one row of the table at a time.
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = Vec::with_capacity(prev.len());
    for (i, ca) in a.chars().enumerate() {
        cur.clear();
        cur.push(i.saturating_add(1));
        // `prev` has one entry more than `b`: `prev[j]` and `prev[j + 1]` are its neighbours.
        for ((cb, &diagonal), &above) in b.iter().zip(&prev).zip(prev.iter().skip(1)) {
            let left = cur.last().copied().unwrap_or(usize::MAX);
            let best = diagonal
                .saturating_add(usize::from(ca != *cb))
                .min(above.saturating_add(1))
                .min(left.saturating_add(1));
            cur.push(best);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or_default()
}

/// The property names the schema has at `path` (list indices step into `items`).
fn known_fields(path: &[Seg]) -> Option<Vec<String>> {
    let mut node = crate::crd::schema_value();
    for seg in path {
        node = match seg {
            Seg::Key(k) => node.get("properties")?.get(k)?,
            Seg::Index(_) => node.get("items")?,
        };
    }
    Some(node.get("properties")?.as_object()?.keys().cloned().collect())
}

// ---------------------------------------------------------------------------------------------
// Locating a path: walk the document again and stop with a marker error at the wanted key; the
// format attaches the position of the event it was reading.

const LOCATED: &str = "\u{1}located";

struct Locator<'p> {
    path: &'p [Seg],
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Locator<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl Locator<'_> {
    /// A scalar ends the walk: it is the wanted value when the path is used up.
    fn scalar<E: serde::de::Error>(&self) -> Result<(), E> {
        if self.depth == self.path.len() { Err(E::custom(LOCATED)) } else { Ok(()) }
    }
}

impl<'de> Visitor<'de> for Locator<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        if self.depth == self.path.len() {
            return Err(serde::de::Error::custom(LOCATED));
        }
        let last = self.depth.saturating_add(1) == self.path.len();
        let wanted = match self.path.get(self.depth) {
            Some(Seg::Key(k)) => Some(k.as_str()),
            _ => None,
        };
        // For the last step the key itself errors, so the position is the key's.
        let stop_at = if last { wanted } else { None };
        while let Some(key) = map.next_key_seed(KeySeed { stop_at })? {
            if wanted == Some(key.0.as_str()) {
                return map.next_value_seed(Locator { path: self.path, depth: self.depth.saturating_add(1) });
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        loop {
            if matches!(self.path.get(self.depth), Some(Seg::Index(i)) if *i == index) {
                return seq
                    .next_element_seed(Locator { path: self.path, depth: self.depth.saturating_add(1) })
                    .map(|_| ());
            }
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
            index = index.saturating_add(1);
        }
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        self.scalar()
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
        self.scalar()
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.scalar()
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        self.scalar()
    }
}

/// Reads a map key, failing with the locator's marker when it is the key being looked for.
///
/// The marker is raised inside the key's own visitor, so the format attaches the key's position
/// (raised after the key is read, YAML would attach the position of the enclosing mapping).
struct KeySeed<'a> {
    stop_at: Option<&'a str>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = KeyString;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<KeyString, D::Error> {
        // As an identifier, as serde_ignored reads the unknown keys it reports: a YAML key `~`
        // or `1.50` is read as written.
        de.deserialize_identifier(KeyVisitor { stop_at: self.stop_at })
    }
}

/// A map key read as text whatever its YAML type (numbers and booleans included).
struct KeyString(String);

impl<'de> serde::Deserialize<'de> for KeyString {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_any(KeyVisitor { stop_at: None })
    }
}

struct KeyVisitor<'a> {
    stop_at: Option<&'a str>,
}

impl KeyVisitor<'_> {
    fn key<E: serde::de::Error>(self, key: String) -> Result<KeyString, E> {
        if self.stop_at == Some(key.as_str()) { Err(E::custom(LOCATED)) } else { Ok(KeyString(key)) }
    }
}

impl Visitor<'_> for KeyVisitor<'_> {
    type Value = KeyString;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map key")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<KeyString, E> {
        self.key(v.to_owned())
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<KeyString, E> {
        self.key(v.to_string())
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<KeyString, E> {
        self.key(v.to_string())
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<KeyString, E> {
        self.key(v.to_string())
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<KeyString, E> {
        self.key(v.to_string())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<KeyString, E> {
        self.key("null".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_keys_and_items() {
        let text = "a: 1\nspec:\n  retry:\n    numRetrys: 3\n  list:\n  - x\n  - y\n";
        let doc = YamlDoc { text, first_line: 1, limits: Limits::DEFAULT };
        let key = |k: &str| Seg::Key(k.into());
        type Case<'a> = (&'a [Seg], Option<(usize, usize)>);
        let cases: &[Case<'_>] = &[
            (&[key("spec"), key("retry"), key("numRetrys")], Some((4, 5))),
            (&[key("spec"), key("list")], Some((5, 3))),
            (&[key("spec"), key("list"), Seg::Index(1)], Some((7, 5))),
            (&[key("spec"), key("nope")], None),
        ];
        for (path, expected) in cases {
            let got = doc.locate(path).map(|l| (l.line, l.column));
            assert_eq!(got, *expected, "{}", display_path(path));
        }
    }
}
