//! Reading one policy from a source, for both formats, with the mode's handling of bad fields.
//!
//! The strict fast path, the kind check, and the Warn/Ignore repair loop that drops values of
//! the wrong shape.

use serde_json::Value;

use super::{
    API_VERSION, FieldIssue, FieldValidation, IssueKind, KIND, ParseError, Parsed,
    budget::{Budget, BudgetDe},
    hints::{hint_for_unknown, migration_hint},
    path::{Seg, display_path, parse_display_path, segs_from_ignored, segs_from_tracked},
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
