//! How a document is read: the field-validation mode, the [`Limits`] and [`ParseOptions`].

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

/// Bounds on what one call of the parse API reads, so that a hostile document fails fast, with
/// an error naming the bound, in time and memory set by the bounds and not by the document.
///
/// The [module documentation](crate::parse#limits) says why each default is what it is. Start from
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
    /// most), [`validate()`](crate::BackendTrafficPolicy::validate) reports its own, smaller bound.
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
