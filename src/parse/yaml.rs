//! One YAML document as a [`Source`]: decoding with serde-saphyr, locating, mapping its errors.
//!
//! serde-saphyr is configured to read a document as kubectl sends it (sigs.k8s.io/yaml, YAML
//! 1.1 on go-yaml): merge keys (`<<`) are applied, `yes`/`no`/`on`/`off` are booleans, `017` is
//! octal. Its own budget (depth, nodes, scalar bytes, alias replay) runs beside ours and its
//! breaches are reported as the same typed errors.
// serde-saphyr's error is its own type of some 110 bytes, passed up once on the error path.
#![allow(clippy::result_large_err)]

use serde::{Deserialize, de::DeserializeSeed};
use serde_json::Value;
use serde_saphyr::{
    Error as YamlError, Options,
    budget::BudgetBreach,
    options::{DuplicateKeyPolicy, MergeKeyPolicy, NonFiniteFloatPolicy},
};

use super::{
    Limits, Location, ParseError,
    budget::{Budget, BudgetDe, Exceeded},
    locate::{LOCATED, Locator},
    path::Seg,
    root::{Doc, TypeMeta},
    source::{RunError, Source, decode, erased, exceeded_of},
};

pub(super) struct YamlDoc<'a> {
    pub(super) text: &'a str,
    /// Line of the input on which this document's text starts (1-based).
    pub(super) first_line: usize,
    pub(super) limits: Limits,
}

/// serde-saphyr's options for one pass: kubectl's reading of YAML, our limits, and what to do
/// with a key repeated in one mapping.
pub(super) fn options(limits: &Limits, duplicates: DuplicateKeyPolicy) -> Options {
    let mut budget = serde_saphyr::Budget::default();
    // The same bounds as ours, so that whichever counter trips first, the error is the same.
    budget.max_depth = limits.max_depth.min(super::budget::YAML_DEPTH);
    budget.max_nodes = limits.max_nodes;
    budget.max_total_scalar_bytes = limits.max_total_string_bytes;
    // Every node is at most a few events; the node limit is the one that speaks.
    budget.max_events = limits.max_nodes.saturating_mul(4).max(1024);
    budget.max_documents = 1;
    budget.max_inclusion_depth = 0;
    // A quarter of serde-saphyr's default: an alias bomb read with `max_nodes` lifted stops
    // within a second (a document is read twice when it is not clean).
    let mut aliases = serde_saphyr::options::AliasLimits::default();
    aliases.max_total_replayed_events = 250_000;
    serde_saphyr::options! {
        budget: Some(budget),
        alias_limits: aliases,
        duplicate_keys: duplicates,
        merge_keys: MergeKeyPolicy::Merge,
        // YAML 1.1 as go-yaml v2 reads it: `yes` is a boolean, `017` is 15.
        strict_booleans: false,
        legacy_octal_numbers: true,
        // `.inf` and `1e400` reach the visitor as floats; serde_json turns them into null, as
        // Go's JSON encoding would refuse them.
        non_finite_float_policy: NonFiniteFloatPolicy::PassThrough,
        // A key `~` or `null` is the text `null` after Kubernetes' YAML-to-JSON conversion.
        null_as_string: true,
        // `!!binary` text stays text: the API server sees the base64 string.
        ignore_binary_tag_for_string: true,
        with_snippet: false,
    }
}

/// Runs `f` on a serde-saphyr deserializer of `text`. The closure's own error carries the path
/// serde reached; an error of the stream after it (a second document) has none.
pub(super) fn with_yaml<T>(
    text: &str,
    options: Options,
    f: impl FnOnce(serde_saphyr::Deserializer<'_, '_>) -> Result<T, (Vec<Seg>, YamlError)>,
) -> Result<T, (Vec<Seg>, YamlError)> {
    let mut path = Vec::new();
    let result = serde_saphyr::with_deserializer_from_str_with_options(text, options, |de| {
        f(de).map_err(|(p, e)| {
            path = p;
            e
        })
    });
    result.map_err(|e| (path, e))
}

impl YamlDoc<'_> {
    /// A location of serde-saphyr, which counts lines from the start of this document.
    fn location(&self, e: &YamlError) -> Option<Location> {
        let l = e.location()?;
        let (line, column) = (usize::try_from(l.line()).ok()?, usize::try_from(l.column()).ok()?);
        (line > 0)
            .then(|| Location { line: line.saturating_add(self.first_line).saturating_sub(1), column: column.max(1) })
    }

    fn decode_value(&self, strict: bool, policy: DuplicateKeyPolicy) -> Result<Value, ParseError> {
        let budget = Budget::yaml(self.limits, strict);
        with_yaml(self.text, options(&self.limits, policy), |de| decode(BudgetDe::new(de, &budget), &mut |_| {}))
            .map_err(|(path, e)| yaml_error(path, &e, self, &budget).into_whole_document_error(&self.limits))
    }
}

impl Source for YamlDoc<'_> {
    fn run<T>(&self, f: &mut dyn FnMut(&mut dyn erased::De) -> Result<T, RunError>) -> Result<T, RunError> {
        struct D<'a>(&'a YamlDoc<'a>);
        impl erased::De for D<'_> {
            fn policy(&mut self, ignored: &mut dyn FnMut(Vec<Seg>), strict: bool) -> Result<Doc, RunError> {
                let budget = Budget::yaml(self.0.limits, strict);
                // A repeated key fails this pass in every mode: Warn and Ignore then read the
                // document again, last value winning, and report each repetition.
                let options = options(&self.0.limits, DuplicateKeyPolicy::Error);
                with_yaml(self.0.text, options, |de| decode(BudgetDe::new(de, &budget), ignored))
                    .map_err(|(path, e)| yaml_error(path, &e, self.0, &budget))
            }
            fn clean(&mut self) -> Option<Doc> {
                let budget = Budget::yaml_fast(self.0.limits);
                let options = options(&self.0.limits, DuplicateKeyPolicy::Error);
                let value = serde_saphyr::with_deserializer_from_str_with_options(self.0.text, options, |de| {
                    Doc::deserialize(BudgetDe::new(de, &budget))
                })
                .ok()?;
                (!budget.ignored_any()).then_some(value)
            }
        }
        f(&mut D(self))
    }

    fn locate(&self, path: &[Seg]) -> Option<Location> {
        self.locate_nth(path, 0)
    }

    fn locate_nth(&self, path: &[Seg], occurrence: usize) -> Option<Location> {
        let budget = Budget::yaml(self.limits, false);
        // Every occurrence of a repeated key is seen, so that the later ones can be located.
        let options = options(&self.limits, DuplicateKeyPolicy::PassThrough);
        let err = with_yaml(self.text, options, |de| {
            Locator { path, depth: 0, occurrence, first_child: true }
                .deserialize(BudgetDe::new(de, &budget))
                .map_err(|e| (Vec::new(), e))
        })
        .err()?
        .1;
        if !err.to_string().contains(LOCATED) {
            return None;
        }
        self.location(&err)
    }

    fn to_value(&self, strict: bool) -> Result<Value, ParseError> {
        let policy = if strict { DuplicateKeyPolicy::Error } else { DuplicateKeyPolicy::LastWins };
        self.decode_value(strict, policy)
    }

    fn duplicates(&self) -> Result<Vec<Vec<Seg>>, ParseError> {
        let budget = Budget::yaml(self.limits, false);
        let options = options(&self.limits, DuplicateKeyPolicy::PassThrough);
        let mut found = Vec::new();
        with_yaml(self.text, options, |de| {
            super::duplicates::find(BudgetDe::new(de, &budget), &mut found).map_err(|e| (Vec::new(), e))
        })
        .map_err(|(path, e)| yaml_error(path, &e, self, &budget).into_whole_document_error(&self.limits))?;
        Ok(found)
    }

    fn limits(&self) -> &Limits {
        &self.limits
    }

    fn type_meta(&self) -> Option<TypeMeta> {
        let budget = Budget::yaml(self.limits, false);
        let options = options(&self.limits, DuplicateKeyPolicy::LastWins);
        with_yaml(self.text, options, |de| {
            TypeMeta::deserialize(BudgetDe::new(de, &budget)).map_err(|e| (Vec::new(), e))
        })
        .ok()
    }
}

/// The error inside serde-saphyr's wrappers (alias locations, snippets).
fn innermost(mut e: &YamlError) -> &YamlError {
    while let YamlError::AliasError { error, .. } | YamlError::WithSnippet { error, .. } = e {
        e = error;
    }
    e
}

/// Which of our limits a serde-saphyr error reports, if any.
fn exceeded_by_yaml(e: &YamlError, ours: &Budget) -> Option<Exceeded> {
    match e {
        YamlError::Budget { breach, .. } => Some(match breach {
            BudgetBreach::Depth { .. } => Exceeded::Depth { limit: ours.depth_limit() },
            BudgetBreach::Nodes { .. } | BudgetBreach::Events { .. } => Exceeded::Nodes,
            BudgetBreach::ScalarBytes { .. } => Exceeded::TotalStrings,
            // Aliases, anchors, their recorded events and bytes, merge keys.
            _ => Exceeded::Aliases,
        }),
        YamlError::AliasReplayLimitExceeded { .. }
        | YamlError::AliasExpansionLimitExceeded { .. }
        | YamlError::AliasReplayStackDepthExceeded { .. }
        | YamlError::AliasReplayCounterOverflow { .. } => Some(Exceeded::Aliases),
        _ => None,
    }
}

pub(super) fn yaml_error(path: Vec<Seg>, e: &YamlError, doc: &YamlDoc<'_>, budget: &Budget) -> RunError {
    let location = doc.location(e);
    let inner = innermost(e);
    if let YamlError::DuplicateMappingKey { key, .. } = inner {
        // serde's own words for a struct field given twice, for both formats.
        let message = format!("duplicate field `{}`", key.as_deref().unwrap_or_default());
        return RunError { path, message, location, syntax: false, exceeded: None };
    }
    if let Some(what) = exceeded_by_yaml(inner, budget) {
        return RunError { path, message: budget.message(what), location, syntax: false, exceeded: Some(what) };
    }
    let full = inner.to_string();
    // serde-saphyr appends " at line L, column C"; the location is reported separately.
    let message = full.rsplit_once(" at line ").map_or(full.as_str(), |(m, _)| m);
    // The stream is read as it is decoded, so a syntax error can come with a path.
    let syntax = is_syntax(inner)
        || (path.is_empty() && !message.starts_with("missing field") && !message.starts_with("duplicate field"));
    let exceeded = exceeded_of(message, budget);
    RunError { path, message: message.to_owned(), location, syntax, exceeded }
}

/// Errors of the YAML text itself, not of a value.
fn is_syntax(e: &YamlError) -> bool {
    matches!(
        e,
        YamlError::ExternalMessage { .. }
            | YamlError::Eof { .. }
            | YamlError::MultipleDocuments { .. }
            | YamlError::UnknownAnchor { .. }
            | YamlError::UnexpectedSequenceEnd { .. }
            | YamlError::UnexpectedMappingEnd { .. }
            | YamlError::UnexpectedContainerEndWhileReadingKeyNode { .. }
            | YamlError::UnexpectedContainerEndWhileSkippingNode { .. }
            | YamlError::ContainerEndMismatch { .. }
            | YamlError::FoldedBlockScalarMustIndentContent { .. }
            | YamlError::MergeValueNotMapOrSeqOfMaps { .. }
            | YamlError::InvalidUtf8Input
            | YamlError::IOError { .. }
    )
}

#[cfg(test)]
#[path = "yaml_fast_tests.rs"]
mod tests;
