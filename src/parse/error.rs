//! The errors and warnings of the parse API: locations, field issues and [`ParseError`].

use std::fmt;

use super::{API_VERSION, KIND};

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
    /// The key is given more than once in its mapping: an error in
    /// [`Strict`](super::FieldValidation::Strict) mode, a warning in
    /// [`Warn`](super::FieldValidation::Warn) mode, where the last value is kept.
    DuplicateField,
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

impl FieldIssue {
    /// The Kubernetes API server's words for this finding, as it writes them into a warning
    /// (`fieldValidation=Warn`) or a strict decoding error: `unknown field "spec.foo"`,
    /// `duplicate field "spec.retry"`; for a value of the wrong shape, the path and what the
    /// decoder said. No location and no hint.
    ///
    /// ```
    /// use backend_traffic_policy::parse::{self, FieldValidation};
    /// let json = br#"{"apiVersion": "gateway.envoyproxy.io/v1alpha1", "kind": "BackendTrafficPolicy",
    ///   "metadata": {"name": "p"}, "spec": {"foo": 1, "retry": {}, "retry": {"numRetries": 2}}}"#;
    /// let parsed = parse::from_json_slice(json, FieldValidation::Warn)?;
    /// let texts: Vec<String> = parsed.warnings.iter().map(|w| w.api_server_message()).collect();
    /// assert_eq!(texts, [r#"unknown field "spec.foo""#, r#"duplicate field "spec.retry""#]);
    /// assert_eq!(parsed.value.spec.retry.and_then(|r| r.num_retries), Some(2));
    /// # Ok::<(), parse::ParseError>(())
    /// ```
    #[must_use]
    pub fn api_server_message(&self) -> String {
        match &self.kind {
            IssueKind::UnknownField { .. } => format!("unknown field {}", crate::go::go_quote(&self.path)),
            IssueKind::DuplicateField => format!("duplicate field {}", crate::go::go_quote(&self.path)),
            IssueKind::InvalidValue { message, .. } if self.path.is_empty() => message.clone(),
            IssueKind::InvalidValue { message, .. } => format!("{}: {message}", self.path),
        }
    }
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
            IssueKind::DuplicateField => write!(f, "duplicate field"),
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
    /// The input is larger than [`Limits::max_input_bytes`](super::Limits::max_input_bytes); nothing of it was parsed.
    #[error("the input is {actual} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
        /// The size of the input, in bytes.
        actual: usize,
    },
    /// Lists and maps nest deeper than [`Limits::max_depth`](super::Limits::max_depth) (at most 127).
    #[error("{}{}nesting deeper than {limit} levels", fmt_location(*location), fmt_path(path))]
    TooDeep {
        /// The limit in force, in levels.
        limit: usize,
        /// The path of the list or map that went over it.
        path: String,
        /// Where, when known.
        location: Option<Location>,
    },
    /// The document has more values than [`Limits::max_nodes`](super::Limits::max_nodes), counting each YAML alias as
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
    /// YAML aliases or anchors go past serde-saphyr's own guards (alias replay, events, anchor
    /// counts), which [`ParseError::TooManyNodes`] usually trips before.
    #[error("{}{}too many YAML alias expansions", fmt_location(*location), fmt_path(path))]
    TooManyAliases {
        /// The path of the value being read.
        path: String,
        /// Where, when known.
        location: Option<Location>,
    },
    /// A string (key or value) is longer than [`Limits::max_string_bytes`](super::Limits::max_string_bytes).
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
    /// [`Limits::max_total_string_bytes`](super::Limits::max_total_string_bytes).
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
    /// One list or map has more entries than [`Limits::max_items`](super::Limits::max_items).
    #[error("{}{}more than {limit} items in one list or map", fmt_location(*location), fmt_path(path))]
    TooManyItems {
        /// The limit, in entries.
        limit: usize,
        /// The path of the list or map.
        path: String,
        /// Where, when known.
        location: Option<Location>,
    },
    /// More unknown fields (Strict and Warn) or more repeated keys (Warn) than
    /// [`Limits::max_issues`](super::Limits::max_issues).
    #[error("more than {limit} unknown or repeated fields")]
    TooManyIssues {
        /// The limit.
        limit: usize,
    },
}

impl ParseError {
    /// `true` for the errors that report a [`Limits`](super::Limits) being exceeded.
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
