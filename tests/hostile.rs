//! Hostile input: a table of documents a tenant could write to hurt the controller (resource
//! bombs, malformed text, type confusion, YAML features), each with the error or the result
//! every field-validation mode must give. No row may panic, and every rejection must be fast.
//!
//! Each row says where it comes from: the issue's list (issue 6), a Kubernetes or YAML behaviour
//! it mirrors, or a fuzz finding.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::time::{Duration, Instant};

use backend_traffic_policy::{
    BackendTrafficPolicy,
    parse::{self, FieldValidation, IssueKind, Limits, ParseError, ParseOptions, Parsed},
};

const HEAD: &str = "apiVersion: gateway.envoyproxy.io/v1alpha1
kind: BackendTrafficPolicy
metadata: {name: p, namespace: default}
";
const TARGET: &str = "spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: backend}]
";
const JSON_HEAD: &str = r#""apiVersion":"gateway.envoyproxy.io/v1alpha1","kind":"BackendTrafficPolicy","metadata":{"name":"p","namespace":"default"}"#;
const JSON_TARGET: &str = r#""targetRefs":[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","name":"backend"}]"#;

/// A valid policy with `more` appended (YAML lines below `spec.targetRefs`, indented by 2).
fn yaml(more: &str) -> Input {
    Input::Yaml(format!("{HEAD}{TARGET}{more}"))
}

/// A valid policy with `more` added to the spec object (JSON members, with a leading comma).
fn json(more: &str) -> Input {
    Input::Json(format!("{{{JSON_HEAD},\"spec\":{{{JSON_TARGET}{more}}}}}").into_bytes())
}

/// The billion laughs: nine levels of nine aliases of the level above, 9^9 strings expanded.
fn billion_laughs() -> String {
    let mut s = format!("{HEAD}{TARGET}");
    s.push_str("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (prev, name) in ('a'..='h').zip('b'..='i') {
        s.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{prev}"); 9].join(",")));
    }
    s
}

const DEEP: usize = 100_000;

enum Input {
    Yaml(String),
    Json(Vec<u8>),
}

#[derive(Clone, Copy)]
enum Expect {
    /// An error: the variant, and its message (exact, or contained when it starts with `~`).
    Error(fn(&ParseError) -> bool, &'static str),
    /// Parsed with these warnings (exact), and `check` holds on the policy; `validate()` passes.
    Valid(&'static [&'static str], fn(&BackendTrafficPolicy) -> bool),
    /// Parsed without warnings; `validate()` reports this line among its errors.
    Invalid(&'static str),
}

use Expect::{Error, Invalid, Valid};

fn any(_: &BackendTrafficPolicy) -> bool {
    true
}

struct Row {
    name: &'static str,
    /// Where the row comes from.
    source: &'static str,
    input: fn() -> Input,
    /// Changes to the default limits.
    limits: fn(&mut Limits),
    /// Strict, Warn, Ignore.
    expect: [Expect; 3],
}

fn defaults(_: &mut Limits) {}

const fn all(expect: Expect) -> [Expect; 3] {
    [expect, expect, expect]
}

const ROWS: &[Row] = &[
    // --- Resource limits -----------------------------------------------------------------
    Row {
        name: "billion laughs",
        source: "issue 6; the classic XML/YAML entity expansion, 9^9 strings from 10 lines",
        input: || Input::Yaml(billion_laughs()),
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::TooManyNodes { limit: 100_000, .. }),
            // Issue 11: serde-saphyr's own node budget (set to max_nodes) counts the replayed events
            // as they are pulled, a little ahead of the values serde sees.
            "line 11, column 8: f[0][3][3][6][8]: more than 100000 values, YAML aliases expanded",
        )),
    },
    Row {
        name: "billion laughs without a node limit",
        source: "serde-saphyr's own guards (alias replay, events), which keep the limits when max_nodes is lifted",
        input: || Input::Yaml(billion_laughs()),
        limits: |l| l.max_nodes = usize::MAX,
        expect: all(Error(|e| matches!(e, ParseError::TooManyAliases { .. }), "~too many YAML alias expansions")),
    },
    Row {
        name: "quadratic aliases: a list of 2,000 items, aliased 2,000 times",
        source: "a quadratic bomb (4 million values from 14 KiB)",
        input: || {
            let items = vec!["1"; 2_000].join(",");
            let aliases = vec!["*a"; 2_000].join(",");
            yaml(&format!("a: &a [{items}]\nb: [{aliases}]\n"))
        },
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::TooManyNodes { limit: 100_000, .. }),
            "~more than 100000 values, YAML aliases expanded",
        )),
    },
    Row {
        name: "string bomb: a 200 KiB string aliased 20 times",
        source: "few values but 4 MB of strings; bounded by max_total_string_bytes",
        input: || yaml(&format!("a: &a \"{}\"\nb: [{}]\n", "x".repeat(200 * 1024), vec!["*a"; 20].join(","))),
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::StringsTooLarge { limit: 3_145_728, .. }),
            // Issue 11: serde-saphyr's scalar-byte budget (set to max_total_string_bytes) trips at `b`.
            "~b: strings of more than 3145728 bytes in all, YAML aliases expanded",
        )),
    },
    Row {
        name: "one string of 300 KiB",
        source: "Kubernetes limits all annotations of an object to 256 KiB together",
        input: || yaml(&format!("  description: \"{}\"\n", "x".repeat(300 * 1024))),
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::StringTooLong { limit: 262_144, actual: 307_200, .. }),
            "line 6, column 16: spec.description: a string of 307200 bytes, more than the limit of 262144",
        )),
    },
    Row {
        name: "a list of 10,001 items",
        source: "max_items; the schema's largest maxItems is 256",
        input: || {
            yaml(&format!("  retry:\n    retryOn:\n      httpStatusCodes: [{}]\n", vec!["500"; 10_001].join(",")))
        },
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::TooManyItems { limit: 10_000, .. }),
            "~spec.retry.retryOn.httpStatusCodes: more than 10000 items in one list or map",
        )),
    },
    Row {
        name: "100,000-deep nesting, JSON document",
        source: "issue 6; serde_json stops at 127 levels, the default limit at 32 (64 before issue 11)",
        input: || Input::Json(format!("{{{JSON_HEAD},\"x\":{}{}}}", "[".repeat(DEEP), "]".repeat(DEEP)).into_bytes()),
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::TooDeep { limit: 32, location: Some(l), .. } if l.column == 159),
            "~: x[0][0][0]",
        )),
    },
    Row {
        name: "100,000-deep list as the whole JSON document",
        source: "issue 6; refused at its first byte: no list can be a policy",
        input: || Input::Json(format!("{}{}", "[".repeat(DEEP), "]".repeat(DEEP)).into_bytes()),
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::Syntax { .. }),
            "line 1, column 1: invalid type: sequence, expected a BackendTrafficPolicy object",
        )),
    },
    Row {
        name: "100,000-deep nesting, in an unknown JSON field",
        source: "issue 6; values of unknown fields are read and counted, not skipped",
        input: || json(&format!(",\"x\":{}{}", "[".repeat(DEEP), "]".repeat(DEEP))),
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::TooDeep { limit: 32, path, .. } if path.starts_with("spec.x[0][0]")),
            "~: nesting deeper than 32 levels",
        )),
    },
    Row {
        name: "100,000-deep nesting, JSON in the dynamic module's free-form config",
        source: "issue 6; the one free-form JSON field of the schema",
        input: || {
            json(&format!(
                r#","loadBalancer":{{"type":"DynamicModule","dynamicModule":{{"name":"m","lbPolicyName":"p","config":{}{}}}}}"#,
                "{\"a\":".repeat(DEEP),
                "}".repeat(DEEP)
            ))
        },
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::TooDeep { limit: 32, path, .. } if path.starts_with("spec.loadBalancer.dynamicModule.config.a.a")),
            "~: nesting deeper than 32 levels",
        )),
    },
    Row {
        name: "100,000-deep flow nesting, YAML",
        source: "issue 6 (libyaml took 21 s, so a flow-collection count refused it before parsing); issue 11: serde-saphyr streams it in linear time and the depth limit stops it",
        input: || yaml(&format!("  x: {}{}\n", "[".repeat(DEEP), "]".repeat(DEEP))),
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::TooDeep { limit: 32, .. }),
            "~spec.x: nesting deeper than 32 levels",
        )),
    },
    Row {
        name: "100,000-deep nesting, a YAML document that is JSON",
        source: "JSON given to the YAML reader (kubectl get -o json): read as JSON, in linear time",
        input: || Input::Yaml(format!("{{{JSON_HEAD},\"x\":{}{}}}", "[".repeat(DEEP), "]".repeat(DEEP))),
        limits: defaults,
        expect: all(Error(|e| matches!(e, ParseError::TooDeep { limit: 32, .. }), "~: nesting deeper than 32 levels")),
    },
    Row {
        name: "100,000-deep block nesting, YAML compact sequences",
        source: "issue 6; nesting by indentation and `- - -`, which libyaml scans in linear time",
        input: || yaml(&format!("  x:\n  {}x\n", "- ".repeat(DEEP))),
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::TooDeep { limit: 32, location: Some(l), .. } if l.line == 7),
            "~: nesting deeper than 32 levels",
        )),
    },
    Row {
        name: "200-deep nesting with the depth limit above the decoders'",
        source: "issue 11: serde-saphyr needs ~30 KiB of stack per level in debug builds; YAML is read to 48 levels whatever the limit says",
        input: || yaml(&format!("  x:\n  {}x\n", "- ".repeat(200))),
        limits: |l| l.max_depth = 1_000,
        expect: all(Error(|e| matches!(e, ParseError::TooDeep { limit: 48, .. }), "~: nesting deeper than 48 levels")),
    },
    Row {
        name: "50 MiB of YAML",
        source: "issue 6; the API server refuses requests over 3 MiB; checked before parsing",
        input: || Input::Yaml(format!("{HEAD}{TARGET}  x: \"{}\"\n", "y".repeat(50 * 1024 * 1024))),
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::TooLarge { limit: 3_145_728, .. }),
            "the input is 52429007 bytes, more than the limit of 3145728 bytes",
        )),
    },
    Row {
        name: "50 MiB of JSON",
        source: "issue 6",
        input: || Input::Json(vec![b' '; 50 * 1024 * 1024]),
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::TooLarge { limit: 3_145_728, actual: 52_428_800 }),
            "the input is 52428800 bytes, more than the limit of 3145728 bytes",
        )),
    },
    Row {
        name: "101 unknown fields",
        source: "max_issues: each is located by reading the document again",
        input: || yaml(&(0..101).map(|i| format!("  x{i}: 1\n")).collect::<String>()),
        limits: defaults,
        expect: [
            Error(
                |e| matches!(e, ParseError::TooManyIssues { limit: 100 }),
                "more than 100 unknown or repeated fields",
            ),
            Error(
                |e| matches!(e, ParseError::TooManyIssues { limit: 100 }),
                "more than 100 unknown or repeated fields",
            ),
            Valid(&[], any),
        ],
    },
    Row {
        name: "101 repetitions of a label key",
        source: "max_issues: issue 11, Warn reports each repeated key, located by reading the document again",
        input: || {
            Input::Yaml(format!(
                "apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: BackendTrafficPolicy\nmetadata:\n  name: p\n  labels: {{{}}}\n{TARGET}",
                vec!["a: b"; 102].join(", ")
            ))
        },
        limits: defaults,
        expect: [
            Error(
                |e| matches!(e, ParseError::Field(i) if i.kind == IssueKind::DuplicateField),
                "line 5, column 18: metadata.labels.a: duplicate field",
            ),
            Error(
                |e| matches!(e, ParseError::TooManyIssues { limit: 100 }),
                "more than 100 unknown or repeated fields",
            ),
            Valid(&[], |p| p.metadata.labels.as_ref().is_some_and(|l| l.len() == 1)),
        ],
    },
    // --- Text ----------------------------------------------------------------------------
    Row {
        name: "invalid UTF-8 in a JSON string",
        source: "issue 6; serde_json checks UTF-8 in strings",
        input: || Input::Json([br#"{"metadata":{"name":"p"#.as_slice(), b"\xff\xfe", br#""}}"#].concat()),
        limits: defaults,
        expect: all(Error(|e| matches!(e, ParseError::Syntax { .. }), "line 1, column 23: invalid unicode code point")),
    },
    Row {
        name: "invalid UTF-8 outside a JSON string",
        source: "issue 6",
        input: || Input::Json(b"{\xff}".to_vec()),
        limits: defaults,
        expect: all(Error(|e| matches!(e, ParseError::Syntax { .. }), "line 1, column 2: key must be a string")),
    },
    Row {
        name: "escaped NUL in a JSON string that has a pattern",
        source: "issue 6; the text parses, validate() reports the kind's pattern",
        input: || {
            Input::Json(
                format!(r#"{{{JSON_HEAD},"spec":{{"targetRefs":[{{"group":"gateway.networking.k8s.io","kind":"HTTP\u0000Route","name":"b"}}]}}}}"#)
                    .into_bytes(),
            )
        },
        limits: defaults,
        expect: all(Invalid(
            "spec.targetRefs[0].kind: Invalid value: \"HTTP\\x00Route\": spec.targetRefs[0].kind in body should match '^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$'",
        )),
    },
    Row {
        name: "raw control character in a JSON string",
        source: "issue 6; JSON forbids unescaped U+0000 to U+001F",
        input: || Input::Json(b"{\"metadata\":{\"name\":\"p\x01\"}}".to_vec()),
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::Syntax { .. }),
            "line 1, column 23: control character (\\u0000-\\u001F) found while parsing a string",
        )),
    },
    Row {
        name: "escaped NUL in YAML, in a section name",
        source: "issue 6; YAML's \\0 escape; the sectionName pattern refuses it",
        input: || {
            Input::Yaml(format!(
                "{HEAD}spec:\n  targetRefs: [{{group: gateway.networking.k8s.io, kind: HTTPRoute, name: b, sectionName: \"a\\0b\"}}]\n"
            ))
        },
        limits: defaults,
        expect: all(Invalid(
            "spec.targetRefs[0].sectionName: Invalid value: \"a\\x00b\": spec.targetRefs[0].sectionName in body should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'",
        )),
    },
    Row {
        name: "escaped BEL in YAML, in a kind",
        source: "issue 6; printed as Go's %q prints it",
        input: || {
            Input::Yaml(format!(
                "{HEAD}spec:\n  targetRefs: [{{group: gateway.networking.k8s.io, kind: \"HTTP\\aRoute\", name: b}}]\n"
            ))
        },
        limits: defaults,
        expect: all(Invalid(
            "spec.targetRefs[0].kind: Invalid value: \"HTTP\\aRoute\": spec.targetRefs[0].kind in body should match '^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$'",
        )),
    },
    Row {
        name: "raw NUL in YAML",
        source: "issue 6; YAML forbids raw control characters",
        input: || yaml("  description: \"a\0b\"\n"),
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::Syntax { .. }),
            "line 6, column 18: unexpected character: `\\u{0}'",
        )),
    },
    Row {
        name: "byte order mark before a YAML document",
        source: "editors on Windows; YAML allows a BOM at the start of a stream",
        input: || Input::Yaml(format!("\u{feff}{HEAD}{TARGET}")),
        limits: defaults,
        expect: all(Valid(&[], any)),
    },
    // --- Numbers -------------------------------------------------------------------------
    Row {
        name: "integer beyond u64 in YAML",
        source: "issue 6; read as a float, as serde_json reads it (serde-saphyr hands it over as one); issue 11: a wrong type fails in every mode, as in the API server",
        input: || yaml("  retry: {numRetries: 99999999999999999999999}\n"),
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::Field(i) if i.path == "spec.retry.numRetries"),
            "line 6, column 11: spec.retry.numRetries: invalid type: floating point `100000000000000000000000.0`, expected i32",
        )),
    },
    Row {
        name: "integer beyond u64 in JSON",
        source: "issue 6; serde_json reads it as a float; issue 11: a wrong type fails in every mode, as in the API server",
        input: || json(r#","retry":{"numRetries":18446744073709551616}"#),
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::Field(_)),
            "line 1, column 241: spec.retry.numRetries: invalid type: floating point `1.8446744073709552e+19`, expected i32",
        )),
    },
    Row {
        name: "integer beyond i64 in an int64 field",
        source: "issue 6; i64::MAX + 1 where format: int64 wants an i64 (serde's words for a u64 out of an i64's range); issue 11: a wrong type fails in every mode, as in the API server",
        input: || yaml("  circuitBreaker: {maxConnections: 9223372036854775808}\n"),
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::Field(_)),
            "line 6, column 20: spec.circuitBreaker.maxConnections: invalid value: integer `9223372036854775808`, expected i64",
        )),
    },
    Row {
        name: "a number beyond f64 in JSON",
        source: "issue 6; serde_json refuses 1e400",
        input: || json(r#","retry":{"numRetries":1e400}"#),
        limits: defaults,
        expect: all(Error(|e| matches!(e, ParseError::Syntax { .. }), "line 1, column 247: number out of range")),
    },
    Row {
        name: "float where an integer is expected",
        source: "issue 6; 3.0 is no integer to serde, as to the API server's int32; issue 11: a wrong type fails in every mode, as in the API server",
        input: || yaml("  retry: {numRetries: 3.0}\n"),
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::Field(_)),
            "line 6, column 11: spec.retry.numRetries: invalid type: floating point `3.0`, expected i32",
        )),
    },
    // --- Duplicate keys ------------------------------------------------------------------
    // Issue 11: Kubernetes' field validation (API concepts, "Field validation"): a duplicate
    // field fails in Strict, is a warning in Warn and is silent in Ignore, the last value winning
    // in both. Before, a field of a typed object given twice failed in every mode.
    Row {
        name: "duplicate field of a typed object",
        source: "API server field validation: Strict fails, Warn warns, Ignore is silent; last wins",
        input: || {
            Input::Yaml(format!(
                "{HEAD}spec:\n  targetRefs: [{{group: gateway.networking.k8s.io, kind: HTTPRoute, name: a, name: b}}]\n"
            ))
        },
        limits: defaults,
        expect: [
            Error(
                |e| matches!(e, ParseError::Field(i) if i.kind == IssueKind::DuplicateField),
                "line 5, column 77: spec.targetRefs[0].name: duplicate field",
            ),
            Valid(&["line 5, column 77: spec.targetRefs[0].name: duplicate field"], |p| {
                p.spec.target_refs.as_ref().is_some_and(|t| t[0].name == "b")
            }),
            Valid(&[], |p| p.spec.target_refs.as_ref().is_some_and(|t| t[0].name == "b")),
        ],
    },
    Row {
        name: "duplicate label key",
        source: "API server field validation: duplicates in maps too (sigs.k8s.io/json strict decoding)",
        input: || {
            Input::Yaml(format!(
                "apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: BackendTrafficPolicy\nmetadata:\n  name: p\n  labels: {{app: a, app: b}}\n{TARGET}"
            ))
        },
        limits: defaults,
        expect: [
            Error(|e| matches!(e, ParseError::Field(_)), "line 5, column 20: metadata.labels.app: duplicate field"),
            Valid(&["line 5, column 20: metadata.labels.app: duplicate field"], |p| {
                p.metadata.labels.as_ref().is_some_and(|l| l["app"] == "b")
            }),
            Valid(&[], |p| p.metadata.labels.as_ref().is_some_and(|l| l["app"] == "b")),
        ],
    },
    Row {
        name: "duplicate label key in JSON",
        source: "API server field validation, JSON body",
        input: || {
            Input::Json(
                format!(r#"{{"apiVersion":"gateway.envoyproxy.io/v1alpha1","kind":"BackendTrafficPolicy","metadata":{{"name":"p","labels":{{"app":"x","app":"y"}}}},"spec":{{{JSON_TARGET}}}}}"#)
                    .into_bytes(),
            )
        },
        limits: defaults,
        expect: [
            Error(|e| matches!(e, ParseError::Field(_)), "line 1, column 125: metadata.labels.app: duplicate field"),
            Valid(&["line 1, column 125: metadata.labels.app: duplicate field"], |p| {
                p.metadata.labels.as_ref().is_some_and(|l| l["app"] == "y")
            }),
            Valid(&[], |p| p.metadata.labels.as_ref().is_some_and(|l| l["app"] == "y")),
        ],
    },
    Row {
        name: "label keys `1` and `'1'`",
        source: "both are the key \"1\" once read, as after Kubernetes' YAML-to-JSON conversion",
        input: || {
            Input::Yaml(format!(
                "apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: BackendTrafficPolicy\nmetadata:\n  name: p\n  labels: {{1: a, '1': b}}\n{TARGET}"
            ))
        },
        limits: defaults,
        expect: [
            Error(|e| matches!(e, ParseError::Field(_)), "~metadata.labels.1: duplicate field"),
            Valid(&["~metadata.labels.1: duplicate field"], |p| {
                p.metadata.labels.as_ref().is_some_and(|l| l["1"] == "b")
            }),
            Valid(&[], |p| p.metadata.labels.as_ref().is_some_and(|l| l["1"] == "b")),
        ],
    },
    Row {
        name: "duplicate unknown field",
        source: "API server field validation: Strict reports the first duplicate; Warn warns of both the unknown and the duplicate field",
        input: || yaml("  foo: 1\n  foo: 2\n"),
        limits: defaults,
        expect: [
            Error(
                |e| matches!(e, ParseError::Field(i) if i.kind == IssueKind::DuplicateField),
                "line 7, column 3: spec.foo: duplicate field",
            ),
            Valid(&["line 6, column 3: spec.foo: unknown field", "line 7, column 3: spec.foo: duplicate field"], any),
            Valid(&[], any),
        ],
    },
    Row {
        name: "duplicate `kind` at the top",
        source: "API server field validation: the last `kind` wins in Warn and Ignore",
        input: || {
            Input::Json(
                format!(r#"{{"apiVersion":"gateway.envoyproxy.io/v1alpha1","kind":"HTTPRoute","kind":"BackendTrafficPolicy","metadata":{{"name":"p"}},"spec":{{{JSON_TARGET}}}}}"#)
                    .into_bytes(),
            )
        },
        limits: defaults,
        expect: [
            Error(
                |e| matches!(e, ParseError::Field(i) if i.path == "kind"),
                "line 1, column 72: kind: duplicate field",
            ),
            Valid(&["line 1, column 72: kind: duplicate field"], any),
            Valid(&[], any),
        ],
    },
    // --- YAML features -------------------------------------------------------------------
    Row {
        name: "anchor and alias",
        source: "issue 6; aliases are expanded (and counted)",
        input: || {
            Input::Yaml(format!(
                "{HEAD}spec:\n  targetRefs: [&t {{group: gateway.networking.k8s.io, kind: HTTPRoute, name: a}}, *t]\n"
            ))
        },
        limits: defaults,
        expect: all(Valid(&[], |p| p.spec.target_refs.as_ref().is_some_and(|t| t.len() == 2 && t[0] == t[1]))),
    },
    Row {
        name: "merge key",
        source: "issue 11; kubectl applies YAML 1.1 merge keys (sigs.k8s.io/yaml on go-yaml); before, `<<` was an unknown field",
        input: || Input::Yaml(format!("{HEAD}x: &base {{numRetries: 3}}\n{TARGET}  retry:\n    <<: *base\n")),
        limits: defaults,
        expect: [
            Error(
                |e| matches!(e, ParseError::UnknownFields { issues } if issues.len() == 1),
                "line 4, column 1: x: unknown field",
            ),
            Valid(&["line 4, column 1: x: unknown field"], |p| {
                p.spec.retry.as_ref().is_some_and(|r| r.num_retries == Some(3))
            }),
            Valid(&[], |p| p.spec.retry.as_ref().is_some_and(|r| r.num_retries == Some(3))),
        ],
    },
    Row {
        name: "custom tag on a mapping",
        source: "issue 6; tags are ignored: the mapping is read as it is",
        input: || yaml("  retry: !custom {numRetries: 3}\n"),
        limits: defaults,
        expect: all(Valid(&[], |p| p.spec.retry.as_ref().is_some_and(|r| r.num_retries == Some(3)))),
    },
    Row {
        name: "core tags on scalars",
        source: "issue 6; `!!binary` is not decoded: the text is the value",
        input: || {
            Input::Yaml(format!(
                "{HEAD}spec:\n  targetRefs: [{{group: gateway.networking.k8s.io, kind: !!str HTTPRoute, name: !!binary YWJj}}]\n  retry: {{numRetries: !!int 3}}\n"
            ))
        },
        limits: defaults,
        expect: all(Valid(&[], |p| {
            p.spec.target_refs.as_ref().is_some_and(|t| t[0].name == "YWJj")
                && p.spec.retry.as_ref().is_some_and(|r| r.num_retries == Some(3))
        })),
    },
    Row {
        name: "scalar keys that are not strings",
        source: "issue 6; a key is read as written: `1`, `true`, `~`",
        input: || yaml("  1: x\n  true: y\n  ~: z\n"),
        limits: defaults,
        expect: [
            Error(
                |e| matches!(e, ParseError::UnknownFields { issues } if issues.len() == 3),
                "line 6, column 3: spec.1: unknown field\nline 7, column 3: spec.true: unknown field\nline 8, column 3: spec.~: unknown field",
            ),
            Valid(
                &[
                    "line 6, column 3: spec.1: unknown field",
                    "line 7, column 3: spec.true: unknown field",
                    "line 8, column 3: spec.~: unknown field",
                ],
                any,
            ),
            Valid(&[], any),
        ],
    },
    Row {
        name: "label keys that are not strings",
        source: "issue 6; map keys are read as strings, as Kubernetes' YAML-to-JSON does",
        input: || {
            Input::Yaml(format!(
                "apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: BackendTrafficPolicy\nmetadata:\n  name: p\n  labels: {{1: a, true: b, 1.50: c}}\n{TARGET}"
            ))
        },
        limits: defaults,
        expect: all(Valid(&[], |p| {
            p.metadata.labels.as_ref().is_some_and(|l| l.keys().cloned().collect::<Vec<_>>() == ["1", "1.50", "true"])
        })),
    },
    Row {
        name: "a key that is a list",
        source: "issue 6; YAML complex keys have no JSON form",
        input: || yaml("  ? [a, b]\n  : x\n"),
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::Field(_)),
            // Issue 11: serde-saphyr's words (serde_yaml said "invalid type: sequence, ...").
            "line 4, column 1: spec: expected string scalar",
        )),
    },
    // --- Empty and foreign documents -----------------------------------------------------
    Row {
        name: "empty YAML",
        source: "issue 6",
        input: || Input::Yaml(String::new()),
        limits: defaults,
        expect: all(Error(|e| matches!(e, ParseError::Empty), "the input holds no document")),
    },
    Row {
        name: "YAML of comments and markers only",
        source: "issue 6",
        input: || Input::Yaml("# nothing\n---\n...\n".into()),
        limits: defaults,
        expect: all(Error(|e| matches!(e, ParseError::Empty), "the input holds no document")),
    },
    Row {
        name: "YAML null document",
        source: "issue 6; `~` is the empty node",
        input: || Input::Yaml("~\n".into()),
        limits: defaults,
        expect: all(Error(|e| matches!(e, ParseError::Empty), "the input holds no document")),
    },
    Row {
        name: "empty JSON",
        source: "issue 6; white space only",
        input: || Input::Json(b" \n\t".to_vec()),
        limits: defaults,
        expect: all(Error(|e| matches!(e, ParseError::Empty), "the input holds no document")),
    },
    Row {
        name: "JSON null",
        source: "issue 6",
        input: || Input::Json(b"null".to_vec()),
        limits: defaults,
        expect: all(Error(|e| matches!(e, ParseError::Empty), "the input holds no document")),
    },
    Row {
        name: "JSON list",
        source: "issue 6; a document that is no object",
        input: || Input::Json(b"[1, 2]".to_vec()),
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::Syntax { .. }),
            "line 1, column 1: invalid type: sequence, expected a BackendTrafficPolicy object",
        )),
    },
    Row {
        name: "empty object",
        source: "issue 6",
        input: || Input::Json(b"{}".to_vec()),
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::WrongKind { .. }),
            "line 1, column 2: expected apiVersion \"gateway.envoyproxy.io/v1alpha1\" and kind \"BackendTrafficPolicy\", found apiVersion \"\" and kind \"\"",
        )),
    },
    Row {
        name: "a Deployment",
        source: "issue 6; another kind, with a spec of its own",
        input: || {
            Input::Yaml("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: 1}\n".into())
        },
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::WrongKind { .. }),
            "line 1, column 1: expected apiVersion \"gateway.envoyproxy.io/v1alpha1\" and kind \"BackendTrafficPolicy\", found apiVersion \"apps/v1\" and kind \"Deployment\"",
        )),
    },
    Row {
        name: "a ConfigMap",
        source: "issue 6; another kind, without a spec",
        input: || Input::Yaml("apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n".into()),
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::WrongKind { .. }),
            "line 1, column 1: expected apiVersion \"gateway.envoyproxy.io/v1alpha1\" and kind \"BackendTrafficPolicy\", found apiVersion \"v1\" and kind \"ConfigMap\"",
        )),
    },
    Row {
        name: "a BackendTrafficPolicy of another version",
        source: "issue 6; Envoy Gateway serves v1alpha1 only",
        input: || Input::Yaml(format!("apiVersion: gateway.envoyproxy.io/v1\nkind: BackendTrafficPolicy\n{TARGET}")),
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::WrongKind { .. }),
            "line 1, column 1: expected apiVersion \"gateway.envoyproxy.io/v1alpha1\" and kind \"BackendTrafficPolicy\", found apiVersion \"gateway.envoyproxy.io/v1\" and kind \"BackendTrafficPolicy\"",
        )),
    },
    Row {
        name: "a list given as one policy",
        source: "issue 6; lists are read by from_yaml_documents",
        input: || {
            Input::Yaml(
                "apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: BackendTrafficPolicyList\nitems: []\n".into(),
            )
        },
        limits: defaults,
        expect: all(Error(
            |e| matches!(e, ParseError::WrongKind { .. }),
            "line 1, column 1: expected apiVersion \"gateway.envoyproxy.io/v1alpha1\" and kind \"BackendTrafficPolicy\", found apiVersion \"gateway.envoyproxy.io/v1alpha1\" and kind \"BackendTrafficPolicyList\"",
        )),
    },
];

const MODES: [FieldValidation; 3] = [FieldValidation::Strict, FieldValidation::Warn, FieldValidation::Ignore];

fn parse(input: &Input, options: ParseOptions) -> Result<Parsed<BackendTrafficPolicy>, ParseError> {
    match input {
        Input::Yaml(text) => parse::from_yaml_str_with(text, options),
        Input::Json(bytes) => parse::from_json_slice_with(bytes, options),
    }
}

fn matches_text(expected: &str, actual: &str) -> bool {
    match expected.strip_prefix('~') {
        Some(part) => actual.contains(part),
        None => actual == expected,
    }
}

fn check(
    row: &Row,
    mode: FieldValidation,
    expect: Expect,
    result: &Result<Parsed<BackendTrafficPolicy>, ParseError>,
) -> Result<(), String> {
    match (expect, result) {
        (Error(variant, message), Err(e)) => {
            if !variant(e) {
                return Err(format!("wrong error variant: {e:?}"));
            }
            if !matches_text(message, &e.to_string()) {
                return Err(format!("message\n  expected: {message}\n  actual:   {e}"));
            }
            Ok(())
        }
        (Valid(warnings, holds), Ok(parsed)) => {
            let actual: Vec<String> = parsed.warnings.iter().map(ToString::to_string).collect();
            let same = warnings.len() == actual.len() && warnings.iter().zip(&actual).all(|(w, a)| matches_text(w, a));
            if !same {
                return Err(format!("warnings\n  expected: {warnings:?}\n  actual:   {actual:?}"));
            }
            if !holds(&parsed.value) {
                return Err(format!("the policy is not as expected: {:?}", parsed.value.spec));
            }
            parsed.value.validate().map_err(|e| format!("validate() failed:\n{e}"))
        }
        (Invalid(line), Ok(parsed)) => {
            if !parsed.warnings.is_empty() {
                return Err(format!("unexpected warnings: {:?}", parsed.warnings));
            }
            let errors = parsed.value.validate().err().map(|e| e.to_string()).unwrap_or_default();
            if errors.lines().any(|l| l == line) {
                Ok(())
            } else {
                Err(format!("validate() reports\n{errors}\nnot\n{line}"))
            }
        }
        (_, other) => Err(format!("unexpected result: {:?}", other.as_ref().map(|p| &p.warnings))),
    }
    .map_err(|e| format!("{} [{mode:?}] ({}): {e}", row.name, row.source))
}

#[test]
fn hostile_documents_get_their_errors() {
    let mut failures = Vec::new();
    for row in ROWS {
        let input = (row.input)();
        let mut limits = Limits::default();
        (row.limits)(&mut limits);
        for (mode, expect) in MODES.into_iter().zip(row.expect) {
            let result = parse(&input, ParseOptions { mode, limits });
            if let Err(e) = check(row, mode, expect, &result) {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n\n{}", failures.len(), failures.join("\n\n"));
}

/// Every hostile document is refused quickly; the bound is loose (debug builds, a shared
/// machine) but far below what the unbounded documents cost (seconds to hours).
#[test]
fn hostile_documents_are_refused_fast() {
    let mut slow = Vec::new();
    for row in ROWS.iter().filter(|r| r.name.contains("laughs") || r.name.contains("deep") || r.name.contains("MiB")) {
        let input = (row.input)();
        let mut limits = Limits::default();
        (row.limits)(&mut limits);
        for mode in MODES {
            let start = Instant::now();
            let result = parse(&input, ParseOptions { mode, limits });
            let took = start.elapsed();
            assert!(result.is_err(), "{}: accepted", row.name);
            if took > Duration::from_secs(3) {
                slow.push(format!("{} [{mode:?}]: {took:?}", row.name));
            }
        }
    }
    assert!(slow.is_empty(), "slow rejections:\n{}", slow.join("\n"));
}

/// A YAML stream over the size limit is one error; each document of a stream has its limits.
#[test]
fn streams_have_limits_too() {
    let big = format!("{HEAD}{TARGET}  x: \"{}\"\n", "y".repeat(4 * 1024 * 1024));
    let results = parse::from_yaml_documents(&big, FieldValidation::Strict);
    assert!(matches!(results.as_slice(), [Err(ParseError::TooLarge { limit: 3_145_728, .. })]), "{results:?}");

    let stream = format!("{HEAD}{TARGET}---\n{}---\n{HEAD}{TARGET}", billion_laughs());
    let results = parse::from_yaml_documents(&stream, FieldValidation::Warn);
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[2].is_ok(), "{results:?}");
    assert!(
        // Line 11 of the bomb (see the "billion laughs" row), in a document that starts on line 7.
        matches!(&results[1], Err(ParseError::TooManyNodes { location: Some(l), .. }) if l.line == 17),
        "{:?}",
        results[1]
    );

    // A list whose items together have more issues than the limit.
    // (In block style: 60 items in flow style would be more flow collections than the limit.)
    let item = "- apiVersion: gateway.envoyproxy.io/v1alpha1\n  kind: BackendTrafficPolicy\n  metadata:\n    name: p\n  spec:\n    targetRefs:\n    - group: gateway.networking.k8s.io\n      kind: HTTPRoute\n      name: b\n    x1: 1\n    x2: 2\n";
    let list = format!(
        "apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: BackendTrafficPolicyList\nitems:\n{}",
        item.repeat(60)
    );
    let results = parse::from_yaml_documents(&list, FieldValidation::Warn);
    assert_eq!(results.len(), 60);
    assert!(results[..50].iter().all(Result::is_ok), "{:?}", results[49]);
    assert!(
        results[50..].iter().all(|r| matches!(r, Err(ParseError::TooManyIssues { limit: 100 }))),
        "{:?}",
        results[50]
    );

    // Duplicate keys in a list item are found in Strict mode.
    let dup = "apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: BackendTrafficPolicyList\nitems:\n- apiVersion: gateway.envoyproxy.io/v1alpha1\n  kind: BackendTrafficPolicy\n  metadata: {name: p, labels: {a: x, a: y}}\n  spec:\n    targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: b}]\n";
    let results = parse::from_yaml_documents(dup, FieldValidation::Strict);
    assert_eq!(
        results.iter().map(|r| r.as_ref().map(|_| ()).map_err(ToString::to_string)).collect::<Vec<_>>(),
        [Err("line 6, column 38: items[0].metadata.labels.a: duplicate field".to_owned())]
    );
}

/// A tenant's invisible characters must not reach an operator's terminal raw: Go's `%q`, which
/// the API server's messages use, escapes every rune that is not printable.
#[test]
fn unprintable_runes_are_escaped_in_messages() {
    let yaml = format!(
        "{HEAD}spec:\n  targetRefs: [{{group: gateway.networking.k8s.io, kind: \"A\\x85B\\u202EC\\u2028D\", name: b}}]\n"
    );
    let policy = parse::from_yaml_str(&yaml, FieldValidation::Strict).unwrap().value;
    let errors = policy.validate().unwrap_err().to_string();
    assert!(errors.contains(r#"Invalid value: "A\u0085B\u202eC\u2028D""#), "{errors}");
}

/// The defaults are the documented ones.
#[test]
fn default_limits() {
    let limits = Limits::default();
    assert_eq!(limits, Limits::DEFAULT);
    assert_eq!(limits.max_input_bytes, 3 * 1024 * 1024);
    assert_eq!(limits.max_depth, 32);
    assert_eq!(limits.max_nodes, 100_000);
    assert_eq!(limits.max_string_bytes, 256 * 1024);
    assert_eq!(limits.max_total_string_bytes, 3 * 1024 * 1024);
    assert_eq!(limits.max_items, 10_000);
    assert_eq!(limits.max_issues, 100);
    assert_eq!(ParseOptions::from(FieldValidation::Warn), ParseOptions { mode: FieldValidation::Warn, limits });
}
