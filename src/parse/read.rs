//! Reading one policy from a source, for both formats, with the mode's handling of bad fields.
//!
//! The strict fast path, the kind check, and the Warn/Ignore repair loop that drops values of
//! the wrong shape.

use serde_json::Value;

use super::{
    API_VERSION, FieldIssue, FieldValidation, IssueKind, KIND, ParseError, Parsed,
    budget::{Budget, BudgetDe},
    hints::{hint_for_unknown, migration_hint, quote_hint},
    path::{Seg, display_path, segs_from_ignored, segs_from_tracked},
    root::Doc,
    source::{RunError, Source},
};
use crate::BackendTrafficPolicy;

pub(super) fn read_policy(
    source: &impl Source,
    mode: FieldValidation,
) -> Result<Parsed<BackendTrafficPolicy>, ParseError> {
    let limits = *source.limits();
    let mut unknown: Vec<Vec<Seg>> = Vec::new();
    let strict = mode == FieldValidation::Strict;
    // A key repeated in one mapping stops the fast path in every mode; Warn and Ignore then
    // take the slow path, which keeps the last value.
    // The common case first: a clean document, decoded without tracking paths; anything else is
    // decoded again with paths, to say what and where.
    if let Ok(Some(doc)) = source.run(&mut |de| Ok(de.clean())) {
        return finish(source, doc, Vec::new(), Vec::new(), mode);
    }
    let fast = source.run(&mut |de| de.policy(&mut |path| unknown.push(path), true));
    let (value, repeated) = match fast {
        Ok(value) => (value, Vec::new()),
        Err(err) => {
            if let Some(limit) = err.limit_error(&limits) {
                return Err(limit);
            }
            // `null` (YAML `~`, or nothing but a tag) is a document without content.
            if err.path.is_empty()
                && (NULL_DOCUMENT.contains(&err.message.as_str()) || source.to_value(false).is_ok_and(|v| v.is_null()))
            {
                return Err(ParseError::Empty);
            }
            if err.syntax {
                return Err(ParseError::Syntax { message: err.message, location: err.location });
            }
            let duplicate = err.message.starts_with("duplicate field");
            if duplicate && strict {
                return Err(ParseError::Field(duplicate_issue(err, source)));
            }
            let wrong_kind = check_kind_of_source(source)?;
            if let Some(e) = wrong_kind {
                return Err(e);
            }
            // A value of the wrong type fails in every mode, as in the API server.
            if !duplicate {
                return Err(ParseError::Field(issue_from(err, source)));
            }
            unknown.clear();
            last_values_win(source, &mut unknown, mode)?
        }
    };
    finish(source, value, repeated, unknown, mode)
}

/// The kind check, then the unknown fields and repeated keys as the mode wants them.
fn finish(
    source: &impl Source,
    value: Doc,
    repeated: Vec<FieldIssue>,
    mut unknown: Vec<Vec<Seg>>,
    mode: FieldValidation,
) -> Result<Parsed<BackendTrafficPolicy>, ParseError> {
    let limits = *source.limits();
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
    let mut warnings = repeated;
    match mode {
        FieldValidation::Strict if !issues.is_empty() => return Err(ParseError::UnknownFields { issues }),
        FieldValidation::Strict | FieldValidation::Ignore => {}
        FieldValidation::Warn => warnings.extend(issues),
    }
    // Repeated keys are found before unknown fields; report both in input order.
    warnings.sort_by_key(|w| w.location.map(|l| (l.line, l.column)));
    Ok(Parsed { value: *value, warnings, document: 0, item: None })
}

/// What the decoders say of a document that is `null`.
const NULL_DOCUMENT: &[&str] = &[
    "invalid type: unit value, expected a BackendTrafficPolicy object",
    "invalid type: null, expected a BackendTrafficPolicy object",
];

/// A wrong type is reported at its key; a missing field or a repetition where the format saw it.
fn droppable(err: &RunError) -> bool {
    !err.path.is_empty() && !err.message.starts_with("missing field") && !err.message.starts_with("duplicate field")
}

/// The first repeated key, which stopped the fast path: `err.path` is its mapping's, the
/// message names the key, and the location is that of its second occurrence.
fn duplicate_issue(err: RunError, source: &impl Source) -> FieldIssue {
    let mut path = err.path;
    if let Some(key) = err.message.strip_prefix("duplicate field `").and_then(|m| m.strip_suffix('`')) {
        path.push(Seg::Key(key.to_owned()));
    }
    let location = source.locate_nth(&path, 1).or(err.location);
    FieldIssue { path: display_path(&path), kind: IssueKind::DuplicateField, location }
}

fn issue_from(err: RunError, source: &impl Source) -> FieldIssue {
    let hint = migration_hint(&err.path).or_else(|| quote_hint(&err.message)).map(str::to_owned);
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

/// The slow path of Warn and Ignore for a document with a repeated key: the whole document is
/// read again with the last value of each repeated key (reported in Warn mode), then decoded.
fn last_values_win(
    source: &impl Source,
    unknown: &mut Vec<Vec<Seg>>,
    mode: FieldValidation,
) -> Result<(Doc, Vec<FieldIssue>), ParseError> {
    let limits = *source.limits();
    let value = source.to_value(false)?;
    let repeated = if mode == FieldValidation::Warn { repeated_keys(source)? } else { Vec::new() };
    let mut track = serde_path_to_error::Track::new();
    // Through the budget too, which refuses a list where an object belongs.
    let budget = Budget::new(limits, false);
    let tracked = serde_path_to_error::Deserializer::new(BudgetDe::new(&value, &budget), &mut track);
    let mut callback = |p: serde_ignored::Path<'_>| unknown.push(segs_from_ignored(&p));
    let result: Result<Doc, _> =
        serde::Deserialize::deserialize(serde_ignored::Deserializer::new(tracked, &mut callback));
    match result {
        Ok(policy) => Ok((policy, repeated)),
        Err(e) => {
            let err = RunError {
                path: segs_from_tracked(&track.path()),
                message: e.to_string(),
                location: None,
                syntax: false,
                exceeded: None,
            };
            Err(ParseError::Field(issue_from(err, source)))
        }
    }
}

/// One warning per repetition of a key, located at that repetition.
fn repeated_keys(source: &impl Source) -> Result<Vec<FieldIssue>, ParseError> {
    let limits = source.limits();
    let paths = source.duplicates()?;
    if paths.len() > limits.max_issues {
        return Err(ParseError::TooManyIssues { limit: limits.max_issues });
    }
    Ok(repeat_issues(source, paths.iter()))
}

/// A [`IssueKind::DuplicateField`] for each path of `repeated`, located at that repetition
/// (the second occurrence for the first repetition of a key, and so on).
pub(super) fn repeat_issues<'a>(source: &impl Source, repeated: impl Iterator<Item = &'a Vec<Seg>>) -> Vec<FieldIssue> {
    let mut issues: Vec<FieldIssue> = Vec::new();
    for path in repeated {
        let shown = display_path(path);
        let earlier = issues.iter().filter(|i| i.path == shown).count();
        let location = source.locate_nth(path, earlier.saturating_add(1));
        issues.push(FieldIssue { path: shown, kind: IssueKind::DuplicateField, location });
    }
    issues
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
