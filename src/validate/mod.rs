//! Client-side validation equal to the API server's: the metadata rules, every schema constraint
//! and every CEL rule of the upstream CRD, reported with the API server's paths and messages.
//!
//! [`BackendTrafficPolicy::validate`](crate::BackendTrafficPolicy::validate) checks what the API
//! server checks on create, in its order:
//!
//! 1. the **metadata pass** (`metadata.rs`) checks `metadata` as apimachinery's
//!    `ValidateObjectMetaAccessor` does for a namespaced custom resource;
//! 2. the **schema pass** walks the policy through its own `Serialize` implementation against
//!    the schema of [`BackendTrafficPolicy::crd`](crate::BackendTrafficPolicy::crd), so every
//!    enum, bound, length, item count, pattern, format, required field and list-type constraint
//!    is checked from the same attributes that generate the CRD (one source per constraint);
//! 3. the **rule pass** evaluates the CRD's CEL rules, written natively in Rust next to the
//!    types they constrain, with CEL's `has()` semantics and the CRD defaults applied first.
//!
//! `status` is not part of it: the API server drops it on create (the CRD has a status
//! subresource). [`BackendTrafficPolicy::validate_status`](crate::BackendTrafficPolicy::validate_status)
//! checks it as a status update would.
//!
//! None of the passes allocates unless it finds an error.

mod metadata;
mod names;
mod walker;

use std::fmt;

// The name checks the sync side applies to the names, labels and namespaces it writes.
pub(crate) use metadata::invalid;
pub(crate) use names::{dns1123_label, dns1123_subdomain, label_value};

use crate::{BackendTrafficPolicy, go::go_quote, schema::Rule};

/// `BackendTrafficPolicy.gateway.envoyproxy.io`: the qualified kind the API server names in its
/// replies (`schema.GroupKind.String()`).
const QUALIFIED_KIND: &str = "BackendTrafficPolicy.gateway.envoyproxy.io";

impl BackendTrafficPolicy {
    /// Checks the policy as the API server would on create: the metadata rules, every schema
    /// constraint and every CEL rule of the CRD, with the CRD defaults applied first. Reports
    /// all findings. `status` is ignored, as the API server drops it on create; see
    /// [`validate_status`](Self::validate_status).
    ///
    /// ```
    /// use backend_traffic_policy::{BackendTrafficPolicy, BackendTrafficPolicySpec, TargetRef};
    /// let mut spec = BackendTrafficPolicySpec::targeting([TargetRef::http_route("backend")]);
    /// spec.retry = Some(backend_traffic_policy::cluster::retry::Retry { num_retries: Some(-1), ..Default::default() });
    /// let errors = BackendTrafficPolicy::namespaced("default", "p", spec).validate().unwrap_err();
    /// assert_eq!(
    ///     errors.to_string(),
    ///     "spec.retry.numRetries: Invalid value: -1: spec.retry.numRetries in body should be greater than or equal to 0"
    /// );
    /// ```
    ///
    /// # Errors
    /// [`ValidationErrors`] with one entry per finding.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        metadata::check_object_meta(&self.metadata, &mut errors);
        walker::check_schema(self, &mut errors);
        if let Some(blocked) = errors.rules_blocked() {
            errors.push(blocked);
        } else {
            let root = Path::Root;
            self.spec.check_rules(&root.key("spec"), &mut errors);
        }
        errors.into_result()
    }

    /// Checks `status` as the API server does on an update of the status subresource: the
    /// status schema (its messages name paths below `status`, as the status validator is
    /// built from that sub-schema) and the list-type rules. The CRD has no CEL rule on the
    /// status; schema errors that stop CEL still add the "not checked" line. Metadata update
    /// rules compare with the stored object and are not checked.
    ///
    /// ```
    /// use backend_traffic_policy::{BackendTrafficPolicy, BackendTrafficPolicySpec, PolicyStatus, TargetRef};
    /// let mut policy = BackendTrafficPolicy::namespaced("default", "p", BackendTrafficPolicySpec::targeting([TargetRef::http_route("r")]));
    /// policy.status = Some(PolicyStatus { ancestors: vec![Default::default(); 17] });
    /// let errors = policy.validate_status().unwrap_err();
    /// assert!(errors.iter().any(|e| e.to_string() == "status.ancestors: Too many: 17: must have at most 16 items"));
    /// assert_eq!(policy.validate(), Ok(())); // create ignores the status
    /// ```
    ///
    /// # Errors
    /// [`ValidationErrors`] with one entry per finding.
    pub fn validate_status(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        walker::check_status(self, &mut errors);
        if let Some(blocked) = errors.rules_blocked() {
            errors.push(blocked);
        }
        errors.into_result()
    }
}

/// What kind of problem a [`ValidationError`] reports; mirrors Kubernetes' `field.ErrorType`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A required field is missing (`Required value`).
    Required,
    /// A required field is missing, with the API server's reason
    /// (`Required value: name or generateName is required`).
    RequiredBecause {
        /// Why, in the API server's words.
        detail: &'static str,
    },
    /// A value breaks a bound, length, pattern or type (`Invalid value: <v>: <detail>`).
    Invalid {
        /// The offending value, formatted as the API server prints it (`-1`, `"5.4s"`).
        value: String,
        /// Why, in the API server's words.
        detail: String,
    },
    /// A value outside an enum (`Unsupported value: "x": supported values: ...`).
    Unsupported {
        /// The offending value, quoted as the API server prints it.
        value: String,
        /// The allowed values, each formatted as the API server prints it.
        supported: Vec<String>,
    },
    /// A string longer than `maxLength` (`Too long: may not be more than N bytes`).
    TooLong {
        /// The bound.
        max: u64,
    },
    /// A list longer than `maxItems` (`Too many: N: must have at most M items`).
    TooMany {
        /// The number of items.
        actual: u64,
        /// The bound.
        max: u64,
    },
    /// A repeated item of a `set` or a repeated key of a `map` list (`Duplicate value: ...`).
    Duplicate {
        /// The repeated item or key, formatted as the API server prints it.
        value: String,
    },
    /// A value of the wrong JSON type (`Invalid value: "string": ... must be of type integer`).
    TypeInvalid {
        /// The offending value as the API server prints it.
        value: String,
        /// The type the schema wants.
        expected: &'static str,
        /// The type found.
        actual: &'static str,
    },
    /// A string that does not have the schema's `format` (`byte`): the API server reports it as
    /// a type error (`Invalid value: "x": <path> in body must be of type byte: "x"`).
    FormatInvalid {
        /// The offending value, quoted as the API server prints it.
        value: String,
        /// Why, in the API server's words.
        detail: String,
    },
    /// The schema checks found errors that stop the API server from evaluating CEL rules.
    RulesNotChecked,
    /// A CEL rule of the CRD does not hold (`Invalid value: "object": <message>`).
    Rule {
        /// The rule, with its upstream text and message.
        rule: Rule,
        /// The CEL type name of the value the rule sits on (`object`, `string`, `array`).
        value_type: &'static str,
    },
}

/// One validation finding: a field path and what is wrong there.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidationError {
    path: String,
    kind: ErrorKind,
}

impl ValidationError {
    /// Builds an error; `path` is Kubernetes-style (`spec.targetRefs[0].name`).
    #[must_use]
    pub fn new(path: impl Into<String>, kind: ErrorKind) -> Self {
        Self { path: path.into(), kind }
    }

    /// The field path, Kubernetes-style: `spec.retry.numRetries`, `spec.targetRefs[0]`.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong.
    #[must_use]
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The CEL rule that failed, for rule errors.
    #[must_use]
    pub fn rule(&self) -> Option<&Rule> {
        match &self.kind {
            ErrorKind::Rule { rule, .. } => Some(rule),
            _ => None,
        }
    }

    /// The message after the path, exactly as the API server prints it
    /// (`Invalid value: -1: spec.retry.numRetries in body should be greater than or equal to 0`).
    #[must_use]
    pub fn message(&self) -> String {
        match &self.kind {
            ErrorKind::Required => "Required value".to_owned(),
            ErrorKind::RequiredBecause { detail } => format!("Required value: {detail}"),
            ErrorKind::Invalid { value, detail } => format!("Invalid value: {value}: {detail}"),
            ErrorKind::Unsupported { value, supported } => {
                format!("Unsupported value: {value}: supported values: {}", supported.join(", "))
            }
            ErrorKind::TooLong { max } => {
                format!("Too long: may not be more than {max} {}", if *max == 1 { "byte" } else { "bytes" })
            }
            ErrorKind::TooMany { actual, max } => format!("Too many: {actual}: must have at most {max} items"),
            ErrorKind::Duplicate { value } => format!("Duplicate value: {value}"),
            ErrorKind::TypeInvalid { value, expected, actual } => {
                format!("Invalid value: {value}: {} in body must be of type {expected}: \"{actual}\"", self.path)
            }
            ErrorKind::FormatInvalid { value, detail } => format!("Invalid value: {value}: {detail}"),
            // A nil value: `field.Error.ErrorBody` renders it with `json.Marshal`, i.e. `null`
            // (apimachinery v0.36.3 `pkg/util/validation/field/errors.go:115`; 1.33 printed `"null"`).
            ErrorKind::RulesNotChecked => "Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation".to_owned(),
            ErrorKind::Rule { rule, value_type } => format!("Invalid value: {value_type:?}: {}", rule.message),
        }
    }

    /// Errors after which the API server skips CEL rules: its `hasBlockingErr`
    /// (apiextensions-apiserver v0.36.3 `pkg/registry/customresource/strategy.go:405`) looks for
    /// the types NotSupported, Required, TooLong, TooMany and TypeInvalid, wherever they come
    /// from (metadata included); `format` errors are TypeInvalid.
    fn blocks_rules(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Required
                | ErrorKind::RequiredBecause { .. }
                | ErrorKind::FormatInvalid { .. }
                | ErrorKind::Unsupported { .. }
                | ErrorKind::TooLong { .. }
                | ErrorKind::TooMany { .. }
                | ErrorKind::TypeInvalid { .. }
        )
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message())
    }
}

impl std::error::Error for ValidationError {}

/// Every finding of one validation, in the order they were found. Displays one per line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ValidationErrors(Vec<ValidationError>);

impl ValidationErrors {
    /// The findings.
    #[must_use]
    pub fn errors(&self) -> &[ValidationError] {
        &self.0
    }

    /// Iterates over the findings.
    pub fn iter(&self) -> std::slice::Iter<'_, ValidationError> {
        self.0.iter()
    }

    /// Number of findings.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// `true` when there is no finding.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds a finding.
    pub fn push(&mut self, error: ValidationError) {
        self.0.push(error);
    }

    /// The whole reply the API server writes for these findings when creating or updating the
    /// object `name`: `BackendTrafficPolicy.gateway.envoyproxy.io "NAME" is invalid: <errors>`,
    /// for webhooks and tools that answer like the API server.
    ///
    /// Ported from apimachinery v0.36.3: `errors.NewInvalid` (`pkg/api/errors/errors.go:284`)
    /// writes `%s %q is invalid: %v` with the list's `ToAggregate()`, which drops repeated
    /// messages (`field/errors.go:495`); the aggregate prints one error alone and several as
    /// `[a, b]` (`pkg/util/errors/errors.go:70`).
    ///
    /// ```
    /// use backend_traffic_policy::{BackendTrafficPolicy, BackendTrafficPolicySpec, TargetRef};
    /// let mut spec = BackendTrafficPolicySpec::targeting([TargetRef::http_route("backend")]);
    /// spec.retry = Some(backend_traffic_policy::cluster::retry::Retry { num_retries: Some(-1), ..Default::default() });
    /// let errors = BackendTrafficPolicy::namespaced("default", "p", spec).validate().unwrap_err();
    /// assert_eq!(
    ///     errors.api_server_message("p"),
    ///     "BackendTrafficPolicy.gateway.envoyproxy.io \"p\" is invalid: spec.retry.numRetries: Invalid value: -1: spec.retry.numRetries in body should be greater than or equal to 0"
    /// );
    /// ```
    #[must_use]
    pub fn api_server_message(&self, name: &str) -> String {
        let mut out = format!("{QUALIFIED_KIND} {} is invalid", go_quote(name));
        let mut seen: Vec<String> = Vec::with_capacity(self.0.len());
        for error in &self.0 {
            let line = error.to_string();
            if !seen.contains(&line) {
                seen.push(line);
            }
        }
        match seen.as_slice() {
            [] => {}
            [one] => {
                out.push_str(": ");
                out.push_str(one);
            }
            many => {
                out.push_str(": [");
                out.push_str(&many.join(", "));
                out.push(']');
            }
        }
        out
    }

    /// The "some validation rules were not checked" line when a finding stops the API server
    /// from running CEL rules: `field.Invalid(nil, nil, ...)`, hence the path `<nil>`.
    fn rules_blocked(&self) -> Option<ValidationError> {
        self.iter()
            .any(ValidationError::blocks_rules)
            .then(|| ValidationError::new("<nil>", ErrorKind::RulesNotChecked))
    }

    /// `Ok(())` without findings, else `Err(self)`.
    ///
    /// # Errors
    /// When there is at least one finding.
    pub fn into_result(self) -> Result<(), Self> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

impl IntoIterator for ValidationErrors {
    type Item = ValidationError;
    type IntoIter = std::vec::IntoIter<ValidationError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a ValidationErrors {
    type Item = &'a ValidationError;
    type IntoIter = std::slice::Iter<'a, ValidationError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// A field path built on the stack while walking; rendered to text only for an error.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Path<'a> {
    /// The object itself.
    Root,
    /// The root of a sub-schema validated on its own (`status`): error paths start with this
    /// name, messages do not, as the API server's status validator is built from the sub-schema.
    Under(&'a str),
    /// A named field of the parent.
    Key(&'a Path<'a>, &'a str),
    /// An item of the parent list.
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    /// The path of field `key` below this one.
    pub(crate) fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }

    /// The path of item `index` below this one.
    pub(crate) fn index(&'a self, index: usize) -> Path<'a> {
        Path::Index(self, index)
    }

    /// `spec.targetRefs[0].name`, `status.ancestors[0]`: the path of an error.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out, true);
        out
    }

    /// The path as the schema validator names it in a message: without the name of an
    /// [`Under`](Path::Under) root (`ancestors[0]` for `status.ancestors[0]`).
    pub(crate) fn render_in_message(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out, false);
        out
    }

    fn render_into(&self, out: &mut String, full: bool) {
        match self {
            Path::Root => {}
            Path::Under(name) => {
                if full {
                    out.push_str(name);
                }
            }
            Path::Key(parent, key) => {
                parent.render_into(out, full);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Path::Index(parent, index) => {
                parent.render_into(out, full);
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
        }
    }
}

impl ValidationErrors {
    /// Records that `rule` does not hold on the value at `path` (of CEL type `value_type`).
    pub(crate) fn rule(&mut self, path: &Path<'_>, rule: Rule, value_type: &'static str) {
        self.push(ValidationError::new(path.render(), ErrorKind::Rule { rule, value_type }));
    }

    /// Records `rule` at `path` when `holds` is false; the common shape of a rule check.
    pub(crate) fn check(&mut self, holds: bool, path: &Path<'_>, rule: Rule) {
        if !holds {
            self.rule(path, rule, "object");
        }
    }
}

/// Native evaluation of the CEL rules attached to a type and to the types below it.
///
/// Implementations read the typed value with CEL's semantics: `has(x)` is `x.is_some()` (an
/// empty list is present), a field the CRD defaults is read with its default when absent, and
/// durations and quantities compare by value.
pub(crate) trait CheckRules {
    /// Pushes one error per rule that does not hold, at the path the API server reports.
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors);
}

impl<T: CheckRules> CheckRules for Option<T> {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        if let Some(value) = self {
            value.check_rules(path, errors);
        }
    }
}

impl<T: CheckRules> CheckRules for Vec<T> {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        for (i, item) in self.iter().enumerate() {
            item.check_rules(&path.index(i), errors);
        }
    }
}
