//! Reading a `BackendTrafficPolicyList`: each item on its own, prefixed with `items[i]`.

use serde_json::Value;

use super::{
    FieldIssue, FieldValidation, IssueKind, Location, ParseError, Parsed,
    json::Json,
    path::{Seg, parse_display_path},
    read::{read_policy, repeat_issues},
    source::Source,
};
use crate::BackendTrafficPolicy;

pub(super) fn read_list(
    doc: &impl Source,
    mode: FieldValidation,
) -> Vec<Result<Parsed<BackendTrafficPolicy>, ParseError>> {
    let value: Value = match doc.to_value(mode == FieldValidation::Strict) {
        Ok(v) => v,
        Err(e) => return vec![Err(e)],
    };
    // Outside Strict mode the last of a repeated key was kept; Warn mode says so, per item.
    let repeated = if mode == FieldValidation::Warn {
        match doc.duplicates() {
            Ok(paths) => paths,
            Err(e) => return vec![Err(e)],
        }
    } else {
        Vec::new()
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
            parsed.warnings.extend(repeated_in_item(&repeated, index, doc));
            parsed.warnings.sort_by_key(|w| w.location.map(|l| (l.line, l.column)));
            parsed.item = Some(index);
            parsed
        }));
    }
    out
}

/// The repeated keys of item `index` (paths in the list), located at each repetition.
fn repeated_in_item(repeated: &[Vec<Seg>], index: usize, doc: &impl Source) -> Vec<FieldIssue> {
    let in_item =
        |p: &&Vec<Seg>| matches!(p.as_slice(), [Seg::Key(k), Seg::Index(i), ..] if k == "items" && *i == index);
    repeat_issues(doc, repeated.iter().filter(in_item))
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
