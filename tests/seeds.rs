//! The examples of the KubeLB "Backend Traffic Policy" page (`<corpus>/seed/`), read in every
//! field-validation mode: two are valid Envoy Gateway v1.9 policies, two use spellings v1.9 does
//! not have and must be rejected (Strict) or reported (Warn) with a hint to the v1.9 spelling,
//! and two are KubeLB objects, not policies.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use backend_traffic_policy::parse::{self, FieldIssue, FieldValidation, IssueKind, ParseError};

/// One finding the parser must report on a seed.
struct Finding {
    /// Field path, Kubernetes style.
    path: &'static str,
    /// An unknown field; otherwise a value of the wrong shape.
    unknown: bool,
    /// Text the hint must contain (the v1.9 spelling), or `None` when no hint is expected.
    hint: Option<&'static str>,
    /// The text its line of the seed starts with (after indentation): the finding must be
    /// located at the first character of that text.
    at: &'static str,
}

/// What one mode does with a seed.
enum Outcome {
    /// Parses; these warnings, in input order.
    Parses(&'static [Finding]),
    /// Rejected with these field findings, in order.
    Rejected(&'static [Finding]),
    /// Rejected as another kind of object.
    WrongKind(&'static str),
}

/// A seed file and what each mode does with it.
struct Case {
    file: &'static str,
    provenance: &'static str,
    strict: Outcome,
    warn: Outcome,
    ignore: Outcome,
}

const RETRY_ON: Finding =
    Finding { path: "spec.retry.retryOn", unknown: false, hint: Some("retryOn.triggers"), at: "retryOn:" };
const LEAST_REQUEST: Finding =
    Finding { path: "spec.loadBalancer.leastRequest", unknown: true, hint: Some("LeastRequest"), at: "leastRequest:" };

const CASES: &[Case] = &[
    Case {
        file: "timeout-policy.yaml",
        provenance: "KubeLB docs: tcp/http timeouts, valid in v1.9 (SOURCES.md: passes)",
        strict: Outcome::Parses(&[]),
        warn: Outcome::Parses(&[]),
        ignore: Outcome::Parses(&[]),
    },
    Case {
        file: "health-check-policy.yaml",
        provenance: "KubeLB docs: active HTTP health check, valid in v1.9 (SOURCES.md: passes)",
        strict: Outcome::Parses(&[]),
        warn: Outcome::Parses(&[]),
        ignore: Outcome::Parses(&[]),
    },
    Case {
        file: "retry-policy.yaml",
        provenance: "KubeLB docs: retryOn as a list (v1.9 wants an object) and retriableStatusCodes \
                     (v1.9: retryOn.httpStatusCodes); MIGRATIONS in src/parse.rs",
        // The wrong type stops every mode before the unknown field is reached (issue 11: as in
        // the API server; Warn and Ignore used to drop the value with a warning).
        strict: Outcome::Rejected(&[RETRY_ON]),
        warn: Outcome::Rejected(&[RETRY_ON]),
        ignore: Outcome::Rejected(&[RETRY_ON]),
    },
    Case {
        file: "lb-policy.yaml",
        provenance: "KubeLB docs: loadBalancer.leastRequest.choiceCount, which v1.9 does not have; \
                     MIGRATIONS in src/parse.rs",
        strict: Outcome::Rejected(&[LEAST_REQUEST]),
        warn: Outcome::Parses(&[LEAST_REQUEST]),
        ignore: Outcome::Parses(&[]),
    },
    Case {
        file: "kubelb-config-disable.yaml",
        provenance: "KubeLB docs: the global Config that disables policies, not a policy",
        strict: Outcome::WrongKind("Config"),
        warn: Outcome::WrongKind("Config"),
        ignore: Outcome::WrongKind("Config"),
    },
    Case {
        file: "kubelb-tenant-disable.yaml",
        provenance: "KubeLB docs: the Tenant that disables policies, not a policy",
        strict: Outcome::WrongKind("Tenant"),
        warn: Outcome::WrongKind("Tenant"),
        ignore: Outcome::WrongKind("Tenant"),
    },
];

#[test]
fn every_seed_file_has_a_case() {
    let Some(dir) = common::corpus_dir() else { return };
    let files: Vec<String> = common::yaml_files(&dir.join("seed"))
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut cased: Vec<String> = CASES.iter().map(|c| c.file.to_owned()).collect();
    cased.sort();
    assert_eq!(files, cased, "the seed files and the cases of this table differ");
}

#[test]
fn seeds_in_every_mode() {
    let Some(dir) = common::corpus_dir() else { return };
    let mut failures = Vec::new();
    for case in CASES {
        let text =
            std::fs::read_to_string(dir.join("seed").join(case.file)).unwrap_or_else(|e| panic!("{}: {e}", case.file));
        for (mode, expected) in [
            (FieldValidation::Strict, &case.strict),
            (FieldValidation::Warn, &case.warn),
            (FieldValidation::Ignore, &case.ignore),
        ] {
            if let Err(why) = check(&text, mode, expected) {
                failures.push(format!(
                    "{} ({}) in {mode:?} mode: {why}\n--- input ---\n{text}",
                    case.file, case.provenance
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Parses `text` in `mode` and compares with `expected`.
fn check(text: &str, mode: FieldValidation, expected: &Outcome) -> Result<(), String> {
    let result = parse::from_yaml_str(text, mode);
    match (expected, result) {
        (Outcome::Parses(findings), Ok(parsed)) => {
            let name = parsed.value.metadata.name.as_deref().unwrap_or_default();
            if name.is_empty() {
                return Err("parsed without metadata.name".into());
            }
            compare(text, findings, &parsed.warnings).map_err(|e| format!("warnings: {e}"))
        }
        (Outcome::Rejected(findings), Err(err)) => {
            let issues = match &err {
                ParseError::Field(issue) => std::slice::from_ref(issue),
                ParseError::UnknownFields { issues } => issues.as_slice(),
                other => return Err(format!("unexpected error: {other}\n{other:?}")),
            };
            compare(text, findings, issues)?;
            error_text_has_hints(findings, &err)
        }
        (Outcome::WrongKind(kind), Err(ParseError::WrongKind { kind: found, location, .. })) => {
            if found != *kind {
                return Err(format!("wrong kind {found:?}, expected {kind:?}"));
            }
            let location = location.map(|l| (l.line, l.column));
            let want = Some(position_of(text, "apiVersion:")?);
            if location != want { Err(format!("located at {location:?}, expected {want:?}")) } else { Ok(()) }
        }
        (_, Ok(parsed)) => Err(format!("parsed, with warnings {:?}", parsed.warnings)),
        (_, Err(e)) => Err(format!("unexpected error: {e}\n{e:?}")),
    }
}

/// The message a user reads names the v1.9 spelling.
fn error_text_has_hints(findings: &[Finding], err: &ParseError) -> Result<(), String> {
    let text = err.to_string();
    match findings.iter().filter_map(|f| f.hint).find(|hint| !text.contains(hint)) {
        Some(hint) => Err(format!("the message {text:?} does not mention `{hint}`")),
        None => Ok(()),
    }
}

/// Compares the issues found with the findings expected, path, kind, hint and location.
fn compare(text: &str, expected: &[Finding], found: &[FieldIssue]) -> Result<(), String> {
    let paths: Vec<&str> = found.iter().map(|i| i.path.as_str()).collect();
    let want: Vec<&str> = expected.iter().map(|f| f.path).collect();
    if paths != want {
        return Err(format!("paths {paths:?}, expected {want:?}: {found:#?}"));
    }
    for (finding, issue) in expected.iter().zip(found) {
        let (unknown, hint) = match &issue.kind {
            IssueKind::UnknownField { hint } => (true, hint),
            IssueKind::InvalidValue { hint, .. } => (false, hint),
            other => return Err(format!("{}: unexpected kind {other:?}", issue.path)),
        };
        if unknown != finding.unknown {
            return Err(format!("{}: expected unknown = {}, found {:?}", issue.path, finding.unknown, issue.kind));
        }
        match (finding.hint, hint) {
            (None, None) => {}
            (Some(want), Some(hint)) if hint.contains(want) => {}
            (want, hint) => return Err(format!("{}: hint {hint:?} should contain {want:?}", issue.path)),
        }
        let location = issue.location.map(|l| (l.line, l.column));
        let want = Some(position_of(text, finding.at)?);
        if location != want {
            return Err(format!("{}: located at {location:?}, expected {want:?} (`{}`)", issue.path, finding.at));
        }
    }
    Ok(())
}

/// Line and column (from 1) of the only line of `text` that starts with `start` after its
/// indentation.
fn position_of(text: &str, start: &str) -> Result<(usize, usize), String> {
    let mut found = text.lines().enumerate().filter_map(|(index, line)| {
        let indent = line.len() - line.trim_start().len();
        line[indent..].starts_with(start).then_some((index + 1, indent + 1))
    });
    match (found.next(), found.next()) {
        (Some(position), None) => Ok(position),
        _ => Err(format!("the seed has no single line starting with `{start}`")),
    }
}
