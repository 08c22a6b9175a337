//! How a document is read: the field-validation mode, the [`Limits`] and [`ParseOptions`].

/// How to treat fields the schema does not have, as Kubernetes' `fieldValidation` does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldValidation {
    /// An unknown or duplicate field is an error (kubectl's default, `fieldValidation=Strict`).
    #[default]
    Strict,
    /// Unknown fields are dropped and a repeated key keeps its last value; each is reported as a
    /// warning (`fieldValidation=Warn`).
    Warn,
    /// Unknown fields are dropped and a repeated key keeps its last value, without a word
    /// (`fieldValidation=Ignore`).
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
    /// Deepest nesting of lists and maps: 32 levels. The schema's deepest path has 12; JSON is
    /// read to 127 levels and YAML to 48 at most, whatever this says (see the
    /// [module documentation](crate::parse#limits)).
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
    /// Most unknown fields (Strict and Warn) and most repeated keys (Warn) in one document: 100.
    /// Each is located by reading the document again.
    pub max_issues: usize,
}

impl Limits {
    /// The defaults, documented on each field.
    pub const DEFAULT: Self = Self {
        max_input_bytes: 3 * 1024 * 1024,
        max_depth: 32,
        max_nodes: 100_000,
        max_string_bytes: 256 * 1024,
        max_total_string_bytes: 3 * 1024 * 1024,
        max_items: 10_000,
        max_issues: 100,
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

/// kube's `fieldValidation` parameter (`PostParams::field_validation`, `PatchParams`) for the
/// same mode, so that a controller reads a document the way the API server will.
///
/// ```
/// use backend_traffic_policy::parse::FieldValidation;
/// use kube::core::params::ValidationDirective;
/// assert!(matches!(ValidationDirective::from(FieldValidation::Warn), ValidationDirective::Warn));
/// assert_eq!(FieldValidation::from(ValidationDirective::Ignore), FieldValidation::Ignore);
/// ```
impl From<FieldValidation> for kube::core::params::ValidationDirective {
    fn from(mode: FieldValidation) -> Self {
        match mode {
            FieldValidation::Strict => Self::Strict,
            FieldValidation::Warn => Self::Warn,
            FieldValidation::Ignore => Self::Ignore,
        }
    }
}

/// The mode of kube's `fieldValidation` parameter.
impl From<kube::core::params::ValidationDirective> for FieldValidation {
    fn from(directive: kube::core::params::ValidationDirective) -> Self {
        match directive {
            kube::core::params::ValidationDirective::Strict => Self::Strict,
            kube::core::params::ValidationDirective::Warn => Self::Warn,
            kube::core::params::ValidationDirective::Ignore => Self::Ignore,
        }
    }
}
