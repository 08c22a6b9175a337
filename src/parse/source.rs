//! The `Source` trait: a document that can be decoded again and maps its format's errors.
//!
//! Every pass over a document goes through a `BudgetDe`, so the limits hold for each.

use serde::de::{DeserializeOwned, Deserializer};
use serde_json::Value;

use super::{
    FieldIssue, IssueKind, Limits, Location, ParseError,
    budget::{Budget, Exceeded},
    path::{Seg, display_path, segs_from_ignored, segs_from_tracked},
    root::TypeMeta,
};

pub(super) trait Source {
    /// Deserializes with `f`, mapping the format's error.
    fn run<T>(&self, f: &mut dyn FnMut(&mut dyn erased::De) -> Result<T, RunError>) -> Result<T, RunError>;
    /// Locates the value at `path`.
    fn locate(&self, path: &[Seg]) -> Option<Location>;
    /// Locates the `occurrence`th (from 0) key at `path`, for a key repeated in its mapping.
    fn locate_nth(&self, path: &[Seg], occurrence: usize) -> Option<Location>;
    /// The paths of the keys repeated in one mapping, in input order (slow path only).
    fn duplicates(&self) -> Result<Vec<Vec<Seg>>, ParseError>;
    /// Reads the whole document as a JSON value (only on the slow paths); `strict` also
    /// rejects a key repeated in any mapping.
    fn to_value(&self, strict: bool) -> Result<Value, ParseError>;
    /// The limits this source is read with.
    fn limits(&self) -> &Limits;
    /// The document's `apiVersion` and `kind`, when it is an object.
    fn type_meta(&self) -> Option<TypeMeta>;
}

/// A format error, already split into message and location, plus the path serde reached.
pub(super) struct RunError {
    pub(super) path: Vec<Seg>,
    pub(super) message: String,
    pub(super) location: Option<Location>,
    pub(super) syntax: bool,
    /// The limit that stopped the decoding, if one did.
    pub(super) exceeded: Option<Exceeded>,
}

impl RunError {
    /// The typed error of an exceeded limit.
    pub(super) fn limit_error(&self, limits: &Limits) -> Option<ParseError> {
        let (path, location) = (display_path(&self.path), self.location);
        Some(match self.exceeded? {
            Exceeded::Depth { limit } => ParseError::TooDeep { limit, path, location },
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
    pub(super) fn into_whole_document_error(self, limits: &Limits) -> ParseError {
        if let Some(limit) = self.limit_error(limits) {
            return limit;
        }
        if let Some(key) = self.message.strip_prefix("duplicate field `").and_then(|m| m.strip_suffix('`')) {
            let mut path = self.path;
            path.push(Seg::Key(key.to_owned()));
            let kind = IssueKind::DuplicateField;
            return ParseError::Field(FieldIssue { path: display_path(&path), kind, location: self.location });
        }
        ParseError::Syntax { message: self.message, location: self.location }
    }
}

/// Which limit a format error reports: one of the budget's, or the format's own guard.
pub(super) fn exceeded_of(message: &str, budget: &Budget) -> Option<Exceeded> {
    let own = |guard: &str| message == guard || message.strip_suffix(guard).is_some_and(|m| m.ends_with(": "));
    if own("recursion limit exceeded") {
        // serde_json's fixed nesting guard, serde-saphyr's flow nesting guard.
        Some(Exceeded::Depth { limit: budget.depth_limit() })
    } else if own("repetition limit exceeded") {
        // The alias guard of serde-saphyr.
        Some(Exceeded::Aliases)
    } else {
        // The budget's own error, unless some other error replaced it on the way up.
        budget.exceeded().filter(|&what| message.ends_with(&budget.message(what)))
    }
}

pub(super) mod erased {
    //! A tiny object-safe wrapper so the strict/warn logic is written once for YAML and JSON.
    use super::{RunError, Seg};
    use crate::parse::root::Doc;

    pub(in crate::parse) trait De {
        /// Decodes the document; `strict` also rejects a key repeated in any mapping.
        fn policy(&mut self, ignored: &mut dyn FnMut(Vec<Seg>), strict: bool) -> Result<Doc, RunError>;
        /// Decodes the document without tracking paths, rejecting repeated keys: the policy
        /// when it decodes and no field was unknown, `None` otherwise (then `policy` says why).
        fn clean(&mut self) -> Option<Doc>;
    }
}

pub(super) fn decode<'de, D, T>(de: D, ignored: &mut dyn FnMut(Vec<Seg>)) -> Result<T, (Vec<Seg>, D::Error)>
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
