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

use std::{fmt, sync::OnceLock};

use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::BackendTrafficPolicy;

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
        match &self.kind {
            IssueKind::UnknownField { hint: None } => write!(f, "{}: unknown field", self.path),
            IssueKind::UnknownField { hint: Some(hint) } => write!(f, "{}: unknown field ({hint})", self.path),
            IssueKind::InvalidValue { message, hint: None } => write!(f, "{}: {message}", self.path),
            IssueKind::InvalidValue { message, hint: Some(hint) } => write!(f, "{}: {message} ({hint})", self.path),
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
}

fn fmt_location(location: Option<Location>) -> String {
    location.map(|l| format!("{l}: ")).unwrap_or_default()
}

fn join(issues: &[FieldIssue]) -> String {
    issues.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

/// A policy with the warnings found while reading it.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed<T> {
    /// The object.
    pub value: T,
    /// Unknown fields (in [`FieldValidation::Warn`] mode) and dropped values, in input order.
    pub warnings: Vec<FieldIssue>,
}

/// Reads one policy from JSON bytes.
///
/// # Errors
/// See [`ParseError`]; in [`FieldValidation::Strict`] mode every unknown field is listed.
pub fn from_json_slice(bytes: &[u8], mode: FieldValidation) -> Result<Parsed<BackendTrafficPolicy>, ParseError> {
    read_policy(&Json(bytes), mode)
}

/// Reads one policy from a YAML document.
///
/// # Errors
/// See [`ParseError`]; a stream of several documents is an error here, use
/// [`from_yaml_documents`] for those.
pub fn from_yaml_str(text: &str, mode: FieldValidation) -> Result<Parsed<BackendTrafficPolicy>, ParseError> {
    let mut docs = split_documents(text);
    match (docs.next(), docs.next()) {
        (None, _) => Err(ParseError::Empty),
        (Some(doc), None) => read_policy(&doc, mode),
        (Some(_), Some(second)) => Err(ParseError::Syntax {
            message: "several YAML documents where one policy was expected; use from_yaml_documents".into(),
            location: Some(Location { line: second.first_line, column: 1 }),
        }),
    }
}

/// Reads every policy of a YAML stream: documents separated by `---`, each a policy or a
/// `BackendTrafficPolicyList` (whose items are returned in order). Each entry has its own
/// result, so one bad document does not hide the others.
#[must_use]
pub fn from_yaml_documents(text: &str, mode: FieldValidation) -> Vec<Result<Parsed<BackendTrafficPolicy>, ParseError>> {
    let mut out = Vec::new();
    for doc in split_documents(text) {
        match sniff_kind(&doc) {
            Some((api_version, kind)) if kind == LIST_KIND && api_version == API_VERSION => {
                out.extend(read_list(&doc, mode));
            }
            _ => out.push(read_policy(&doc, mode)),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Sources: a source can be deserialized again (to find a location) and maps its errors.

trait Source {
    /// Deserializes with `f`, mapping the format's error.
    fn run<T>(&self, f: &mut dyn FnMut(&mut dyn erased::De) -> Result<T, RunError>) -> Result<T, RunError>;
    /// Locates the value at `path`.
    fn locate(&self, path: &[Seg]) -> Option<Location>;
    /// Reads the whole document as a JSON value (only on the slow, repairing path).
    fn to_value(&self) -> Result<Value, ParseError>;
}

/// A format error, already split into message and location, plus the path serde reached.
struct RunError {
    path: Vec<Seg>,
    message: String,
    location: Option<Location>,
    syntax: bool,
}

mod erased {
    //! A tiny object-safe wrapper so the strict/warn logic is written once for YAML and JSON.
    use super::{RunError, Seg};

    pub(super) trait De {
        fn policy(&mut self, ignored: &mut dyn FnMut(Vec<Seg>)) -> Result<super::Doc, RunError>;
    }
}

struct Json<'a>(&'a [u8]);

struct YamlDoc<'a> {
    text: &'a str,
    /// Line of the input on which this document's text starts (1-based).
    first_line: usize,
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
        struct D<'a>(&'a [u8]);
        impl erased::De for D<'_> {
            fn policy(&mut self, ignored: &mut dyn FnMut(Vec<Seg>)) -> Result<Doc, RunError> {
                let mut de = serde_json::Deserializer::from_slice(self.0);
                let value = decode(&mut de, ignored).map_err(|(path, e)| json_error(path, &e))?;
                de.end().map_err(|e| json_error(Vec::new(), &e))?;
                Ok(value)
            }
        }
        f(&mut D(self.0))
    }

    fn locate(&self, path: &[Seg]) -> Option<Location> {
        let mut de = serde_json::Deserializer::from_slice(self.0);
        let err = Locator { path, depth: 0 }.deserialize(&mut de).err()?;
        (err.to_string().contains(LOCATED)).then(|| Location { line: err.line(), column: err.column() })
    }

    fn to_value(&self) -> Result<Value, ParseError> {
        serde_json::from_slice(self.0).map_err(|e| ParseError::Syntax {
            message: e.to_string(),
            location: Some(Location { line: e.line(), column: e.column() }),
        })
    }
}

fn json_error(path: Vec<Seg>, e: &serde_json::Error) -> RunError {
    let location = (e.line() > 0).then(|| Location { line: e.line(), column: e.column() });
    let full = e.to_string();
    // serde_json appends " at line L column C"; the location is reported separately.
    let message = full.rsplit_once(" at line ").map_or(full.as_str(), |(m, _)| m).to_owned();
    RunError { path, message, location, syntax: e.is_syntax() || e.is_eof() }
}

impl Source for YamlDoc<'_> {
    fn run<T>(&self, f: &mut dyn FnMut(&mut dyn erased::De) -> Result<T, RunError>) -> Result<T, RunError> {
        struct D<'a>(&'a YamlDoc<'a>);
        impl erased::De for D<'_> {
            fn policy(&mut self, ignored: &mut dyn FnMut(Vec<Seg>)) -> Result<Doc, RunError> {
                let de = serde_yaml::Deserializer::from_str(self.0.text);
                decode(de, ignored).map_err(|(path, e)| yaml_error(path, &e, self.0.first_line))
            }
        }
        f(&mut D(self))
    }

    fn locate(&self, path: &[Seg]) -> Option<Location> {
        let de = serde_yaml::Deserializer::from_str(self.text);
        let err = Locator { path, depth: 0 }.deserialize(de).err()?;
        if !err.to_string().contains(LOCATED) {
            return None;
        }
        err.location().map(|l| Location { line: l.line() + self.first_line - 1, column: l.column() })
    }

    fn to_value(&self) -> Result<Value, ParseError> {
        serde_yaml::from_str(self.text).map_err(|e| {
            let run = yaml_error(Vec::new(), &e, self.first_line);
            ParseError::Syntax { message: run.message, location: run.location }
        })
    }
}

fn yaml_error(path: Vec<Seg>, e: &serde_yaml::Error, first_line: usize) -> RunError {
    let location = e.location().map(|l| Location { line: l.line() + first_line - 1, column: l.column() });
    let full = e.to_string();
    // serde_yaml prefixes "path: " and appends " at line L column C"; both are reported separately.
    let mut message = full.rsplit_once(" at line ").map_or(full.as_str(), |(m, _)| m);
    if let Some((prefix, rest)) = message.split_once(": ")
        && !prefix.contains(' ')
    {
        message = rest;
    }
    let syntax = path.is_empty() && !message.starts_with("missing field") && !message.starts_with("duplicate field");
    RunError { path, message: message.to_owned(), location, syntax }
}

// ---------------------------------------------------------------------------------------------
// The reading logic, shared by both formats.

fn read_policy(source: &impl Source, mode: FieldValidation) -> Result<Parsed<BackendTrafficPolicy>, ParseError> {
    let mut unknown: Vec<Vec<Seg>> = Vec::new();
    let fast = source.run(&mut |de| de.policy(&mut |path| unknown.push(path)));
    let (value, dropped) = match fast {
        Ok(value) => (value, Vec::new()),
        Err(err) if err.syntax => {
            return Err(ParseError::Syntax { message: err.message, location: err.location });
        }
        Err(err) => {
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
    Ok(Parsed { value, warnings })
}

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
    let mut value = source.to_value()?;
    let mut dropped = vec![issue_from(first, source)];
    if let Some(path) = path_of(&dropped[0]) {
        remove_at(&mut value, &path);
    }
    // Each round removes one value, so the number of rounds is bounded by the document's size.
    loop {
        unknown.clear();
        let mut track = serde_path_to_error::Track::new();
        let tracked = serde_path_to_error::Deserializer::new(&value, &mut track);
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
                };
                if !droppable(&err) {
                    return Err(ParseError::Field(issue_from(err, source)));
                }
                let path = err.path.clone();
                dropped.push(issue_from(err, source));
                if !remove_at(&mut value, &path) {
                    return Err(ParseError::Field(dropped.swap_remove(dropped.len() - 1)));
                }
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
    let Ok(value) = source.to_value() else { return Ok(None) };
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

fn read_list(doc: &YamlDoc<'_>, mode: FieldValidation) -> Vec<Result<Parsed<BackendTrafficPolicy>, ParseError>> {
    let value: Value = match doc.to_value() {
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
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let bytes =
                serde_json::to_vec(item).map_err(|e| ParseError::Syntax { message: e.to_string(), location: None })?;
            read_policy(&Json(&bytes), mode).map_err(|e| prefix_error(e, index, doc)).map(|mut parsed| {
                for w in &mut parsed.warnings {
                    prefix_issue(w, index, doc);
                }
                parsed
            })
        })
        .collect()
}

fn prefix_issue(issue: &mut FieldIssue, index: usize, doc: &YamlDoc<'_>) {
    issue.path = format!("items[{index}].{}", issue.path);
    issue.location = parse_display_path(&issue.path).and_then(|p| doc.locate(&p));
}

fn prefix_error(err: ParseError, index: usize, doc: &YamlDoc<'_>) -> ParseError {
    match err {
        ParseError::Field(mut issue) => {
            prefix_issue(&mut issue, index, doc);
            ParseError::Field(issue)
        }
        ParseError::UnknownFields { mut issues } => {
            issues.iter_mut().for_each(|i| prefix_issue(i, index, doc));
            ParseError::UnknownFields { issues }
        }
        ParseError::WrongKind { api_version, kind, .. } => ParseError::WrongKind {
            api_version,
            kind,
            location: doc.locate(&[Seg::Key("items".into()), Seg::Index(index)]),
        },
        other => other,
    }
}

fn sniff_kind(doc: &YamlDoc<'_>) -> Option<(String, String)> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct TypeMeta {
        #[serde(default)]
        api_version: String,
        #[serde(default)]
        kind: String,
    }
    let meta: TypeMeta = serde_yaml::from_str(doc.text).ok()?;
    Some((meta.api_version, meta.kind))
}

/// Splits a YAML stream on `---` lines, remembering where each document starts. Document
/// markers are only recognised at the start of a line, as the YAML specification says.
fn split_documents(text: &str) -> impl Iterator<Item = YamlDoc<'_>> {
    let mut docs = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1usize;
    let mut offset = 0usize;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_end_matches(['\n', '\r']);
        let is_marker = trimmed == "---" || trimmed.starts_with("--- ") || trimmed == "...";
        if is_marker {
            docs.push(YamlDoc { text: &text[start..offset], first_line: start_line });
            start = offset + line.len();
            start_line = index + 2;
            if let Some(rest) = trimmed.strip_prefix("--- ") {
                // `--- {inline}`: keep the content on the marker line.
                if !rest.trim().is_empty() && !rest.trim_start().starts_with('#') {
                    start = offset + 4;
                    start_line = index + 1;
                }
            }
        }
        offset += line.len();
    }
    docs.push(YamlDoc { text: &text[start..], first_line: start_line });
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
    let d = levenshtein(&unknown.to_ascii_lowercase(), &known.to_ascii_lowercase());
    let limit = if known.len() <= 4 { 1 } else { 2 };
    (d <= limit).then_some(d)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let best = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            cur.push(best);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The property names the schema has at `path` (list indices step into `items`).
fn known_fields(path: &[Seg]) -> Option<Vec<String>> {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    let schema = SCHEMA.get_or_init(|| {
        let crd = BackendTrafficPolicy::crd();
        crd.spec
            .versions
            .first()
            .and_then(|v| v.schema.as_ref())
            .and_then(|s| s.open_api_v3_schema.as_ref())
            .and_then(|s| serde_json::to_value(s).ok())
            .unwrap_or(Value::Null)
    });
    let mut node = schema;
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
        let last = self.depth + 1 == self.path.len();
        let wanted = match self.path.get(self.depth) {
            Some(Seg::Key(k)) => Some(k.as_str()),
            _ => None,
        };
        // For the last step the key itself errors, so the position is the key's.
        let stop_at = if last { wanted } else { None };
        while let Some(key) = map.next_key_seed(KeySeed { stop_at })? {
            if wanted == Some(key.0.as_str()) {
                return map.next_value_seed(Locator { path: self.path, depth: self.depth + 1 });
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        loop {
            if matches!(self.path.get(self.depth), Some(Seg::Index(i)) if *i == index) {
                return seq.next_element_seed(Locator { path: self.path, depth: self.depth + 1 }).map(|_| ());
            }
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
            index += 1;
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
        de.deserialize_any(KeyVisitor { stop_at: self.stop_at })
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
        let doc = YamlDoc { text: "a: 1\nspec:\n  retry:\n    numRetrys: 3\n  list:\n  - x\n  - y\n", first_line: 1 };
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
