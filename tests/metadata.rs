//! The API server's create-time `metadata` rules, one row each: the metadata change, the lines
//! `validate()` must report, and the apimachinery v0.36.3 function (file:line) and message each
//! row pins. The messages were checked against apimachinery's own `content` package built with Go.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::collections::BTreeMap;

use backend_traffic_policy::{BackendTrafficPolicy, BackendTrafficPolicySpec, TargetRef};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

// Messages of `pkg/api/validate/content` (dns.go, kube.go, errors.go `RegexError`).
const SUBDOMAIN: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const KEY_SHAPE: &str = "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
const NAME_PART: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
/// `hasBlockingErr` (apiextensions-apiserver strategy.go:405) counts metadata errors too.
const NOT_CHECKED: &str = "<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation";

struct Row {
    /// The upstream function (file:line at v0.36.3) and rule the row pins.
    pins: &'static str,
    change: fn(&mut ObjectMeta),
    /// Every line `validate()` reports, in order; empty when the change is valid.
    expected: Vec<String>,
}

fn a(n: usize) -> String {
    "a".repeat(n)
}

fn labels(pairs: &[(&str, &str)]) -> Option<BTreeMap<String, String>> {
    Some(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
}

fn rows() -> Vec<Row> {
    vec![
        Row {
            pins: "ValidateObjectMetaAccessor objectmeta.go:203 + NameIsDNSSubdomain: upper case and `_`",
            change: |m| m.name = Some("My_Policy".into()),
            expected: vec![format!("metadata.name: Invalid value: \"My_Policy\": {SUBDOMAIN}")],
        },
        Row {
            pins: "IsDNS1123Subdomain dns.go: MaxLenError(253) alone when the text matches",
            change: |m| m.name = Some(a(254)),
            expected: vec![format!("metadata.name: Invalid value: \"{}\": must be no more than 253 bytes", a(254))],
        },
        Row {
            pins: "IsDNS1123Subdomain dns.go: 253 bytes of dotted labels pass",
            change: |m| m.name = Some(format!("{}.{}", a(126), a(126))),
            expected: vec![],
        },
        Row {
            pins: "IsDNS1123Subdomain dns.go: an empty label between dots",
            change: |m| m.name = Some("a..b".into()),
            expected: vec![format!("metadata.name: Invalid value: \"a..b\": {SUBDOMAIN}")],
        },
        Row {
            pins: "IsDNS1123Subdomain dns.go: a label may not end in `-` before a dot",
            change: |m| m.name = Some("a-.b".into()),
            expected: vec![format!("metadata.name: Invalid value: \"a-.b\": {SUBDOMAIN}")],
        },
        Row {
            pins: "ValidateObjectMetaAccessor objectmeta.go:201: Required(name, \"name or generateName is required\"), which blocks CEL",
            change: |m| m.name = None,
            expected: vec!["metadata.name: Required value: name or generateName is required".into(), NOT_CHECKED.into()],
        },
        Row {
            pins: "objectmeta.go:191 + maskTrailingDash generic.go:75: a generateName prefix may end in `-`",
            change: |m| {
                m.name = None;
                m.generate_name = Some("web-".into());
            },
            expected: vec![],
        },
        Row {
            pins: "objectmeta.go:191 + NameIsDNSSubdomain(prefix=true): a trailing `.` is not masked",
            change: |m| {
                m.name = None;
                m.generate_name = Some("web.".into());
            },
            expected: vec![format!("metadata.generateName: Invalid value: \"web.\": {SUBDOMAIN}")],
        },
        Row {
            pins: "maskTrailingDash generic.go:75 replaces the last two bytes by `a`: `x.-` is checked as `xa` (upstream quirk)",
            change: |m| m.generate_name = Some("x.-".into()),
            expected: vec![],
        },
        Row {
            pins: "objectmeta.go:191: generateName is checked even when the name is set",
            change: |m| m.generate_name = Some("Web-".into()),
            expected: vec![format!("metadata.generateName: Invalid value: \"Web-\": {SUBDOMAIN}")],
        },
        Row {
            pins: "validateObjectMetaAccessorWithOptsCommon objectmeta.go:219 + ValidateNamespaceName (NameIsDNSLabel): upper case",
            change: |m| m.namespace = Some("Default".into()),
            expected: vec![format!("metadata.namespace: Invalid value: \"Default\": {LABEL}")],
        },
        Row {
            pins: "IsDNS1123Label dns.go: a valid subdomain with dots is told `must not contain dots`",
            change: |m| m.namespace = Some("team.a".into()),
            expected: vec!["metadata.namespace: Invalid value: \"team.a\": must not contain dots".into()],
        },
        Row {
            pins: "IsDNS1123Label dns.go: MaxLenError(63)",
            change: |m| m.namespace = Some(a(64)),
            expected: vec![format!("metadata.namespace: Invalid value: \"{}\": must be no more than 63 bytes", a(64))],
        },
        Row {
            pins: "namespace absent: the request path supplies it before validation (rest.BeforeCreate), nothing to check",
            change: |m| m.namespace = None,
            expected: vec![],
        },
        Row {
            pins: "ValidateNonnegativeField generic.go:86: generation",
            change: |m| m.generation = Some(-1),
            expected: vec!["metadata.generation: Invalid value: -1: must be greater than or equal to 0".into()],
        },
        Row {
            pins: "ValidateLabels meta/v1/validation/validation.go:113: prefixed keys and empty values pass",
            change: |m| m.labels = labels(&[("example.com/app", "web"), ("tier", ""), ("A_b.c-1", "x_Y.z-9")]),
            expected: vec![],
        },
        Row {
            pins: "IsLabelKey kube.go: more than one `/`",
            change: |m| m.labels = labels(&[("app/x/y", "v")]),
            expected: vec![format!("metadata.labels: Invalid value: \"app/x/y\": {KEY_SHAPE}")],
        },
        Row {
            pins: "IsLabelKey kube.go: empty prefix",
            change: |m| m.labels = labels(&[("/x", "v")]),
            expected: vec!["metadata.labels: Invalid value: \"/x\": prefix part must be non-empty".into()],
        },
        Row {
            pins: "IsLabelKey kube.go: the prefix is a lowercase DNS-1123 subdomain",
            change: |m| m.labels = labels(&[("Example.com/x", "v")]),
            expected: vec![format!("metadata.labels: Invalid value: \"Example.com/x\": prefix part {SUBDOMAIN}")],
        },
        Row {
            pins: "IsLabelKey kube.go: name part of 64 bytes, and an empty name part",
            change: |m| m.labels = labels(&[(&format!("example.com/{}", a(64)), "v"), ("example.com/", "v")]),
            expected: vec![
                "metadata.labels: Invalid value: \"example.com/\": name part must be non-empty".into(),
                format!("metadata.labels: Invalid value: \"example.com/\": {NAME_PART}"),
                format!("metadata.labels: Invalid value: \"example.com/{}\": name part must be no more than 63 bytes", a(64)),
            ],
        },
        Row {
            pins: "IsLabelValue kube.go: 64 bytes, then a value that starts with `-` (KubeLB's origin-name label holds names of up to 253)",
            change: |m| m.labels = labels(&[("kubelb.k8c.io/origin-name", &a(64)), ("z", "-x")]),
            expected: vec![
                format!("metadata.labels: Invalid value: \"{}\": must be no more than 63 bytes", a(64)),
                format!("metadata.labels: Invalid value: \"-x\": {VALUE}"),
            ],
        },
        Row {
            pins: "ValidateAnnotations objectmeta.go:44: keys are checked lower-cased, so an upper-case prefix passes",
            change: |m| m.annotations = labels(&[("Example.COM/Thing", "any text: ✓")]),
            expected: vec![],
        },
        Row {
            pins: "ValidateAnnotations objectmeta.go:47: a key with a space",
            change: |m| m.annotations = labels(&[("bad key", "v")]),
            expected: vec![format!("metadata.annotations: Invalid value: \"bad key\": {NAME_PART}")],
        },
        Row {
            pins: "ValidateAnnotationsSize objectmeta.go:58: keys and values total at most 262144 bytes",
            change: |m| m.annotations = labels(&[("k", &"v".repeat(256 * 1024 - 1))]),
            expected: vec![],
        },
        Row {
            pins: "ValidateAnnotations objectmeta.go:51: TooLong(annotations, TotalAnnotationSizeLimitB), which blocks CEL",
            change: |m| m.annotations = labels(&[("k", &"v".repeat(256 * 1024))]),
            expected: vec!["metadata.annotations: Too long: may not be more than 262144 bytes".into(), NOT_CHECKED.into()],
        },
        Row {
            pins: "ValidateFinalizers objectmeta.go:264 + ValidateFinalizerName: qualified names",
            change: |m| m.finalizers = Some(vec!["example.com/cleanup".into(), "bad finalizer".into()]),
            expected: vec![format!("metadata.finalizers: Invalid value: \"bad finalizer\": {NAME_PART}")],
        },
        Row {
            pins: "ValidateFinalizers objectmeta.go:277: orphan and foregroundDeletion together",
            change: |m| m.finalizers = Some(vec!["orphan".into(), "foregroundDeletion".into()]),
            expected: vec![
                "metadata.finalizers: Invalid value: [\"orphan\",\"foregroundDeletion\"]: finalizer orphan and foregroundDeletion cannot be both set"
                    .into(),
            ],
        },
    ]
}

fn policy() -> BackendTrafficPolicy {
    BackendTrafficPolicy::namespaced("default", "p", BackendTrafficPolicySpec::targeting([TargetRef::http_route("r")]))
}

#[test]
fn each_metadata_rule_reports_the_api_server_message() {
    let mut failures = Vec::new();
    for row in rows() {
        let mut policy = policy();
        (row.change)(&mut policy.metadata);
        let found: Vec<String> = match policy.validate() {
            Ok(()) => Vec::new(),
            Err(errors) => errors.iter().map(ToString::to_string).collect(),
        };
        if found != row.expected {
            failures.push(format!("{}:\n  expected {:#?}\n  found    {found:#?}", row.pins, row.expected));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Metadata errors come first: `customResourceValidator.Validate` (validator.go:54) appends
/// `ValidateObjectMetaAccessor` before `ValidateCustomResource`; an `Invalid` metadata error does
/// not stop the CEL rules.
#[test]
fn metadata_errors_precede_schema_and_rule_errors() {
    let mut policy = policy();
    policy.metadata.name = Some("Bad".into());
    policy.spec.retry =
        Some(backend_traffic_policy::cluster::retry::Retry { num_retries: Some(-1), ..Default::default() });
    policy.spec.merge_type = Some(backend_traffic_policy::MergeType::Replace);
    let found: Vec<String> = policy.validate().unwrap_err().iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(
        found[0].starts_with("metadata.name: Invalid value: \"Bad\": a lowercase RFC 1123 subdomain"),
        "{found:#?}"
    );
    assert!(found[1].starts_with("spec.retry.numRetries: Invalid value: -1"), "{found:#?}");
    assert!(
        found[2].starts_with("spec.mergeType: Invalid value: \"string\": Replace is not a valid MergeType"),
        "{found:#?}"
    );
}
