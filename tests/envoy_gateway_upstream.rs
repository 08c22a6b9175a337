//! Envoy Gateway's verdict on the 389 upstream policies: which it would refuse and why, pinned after checking each against the Go source.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use backend_traffic_policy::{
    envoy_gateway::{Check, Settings},
    parse::{self, FieldValidation},
};

/// The upstream policies Envoy Gateway v1.9.0 refuses with the rate-limit service unknown (T36
/// not checked), each checked by hand against the Go source (btp = backendtrafficpolicy.go,
/// cs = clustersettings.go, at v1.9.0). All are error fixtures; every other upstream policy is
/// accepted.
const REFUSED: &[(&str, &[Check], &str)] = &[
    (
        "backendtrafficpolicy-buffer-limit-out-of-range-error--policy-for-route.yaml",
        &[Check::T27],
        "cs:196-197: bufferLimit 1000G is 10^12 > 4294967295, printed canonically as 1T",
    ),
    (
        "backendtrafficpolicy-request-buffer-out-of-range-error--policy-for-route.yaml",
        &[Check::T33],
        "btp:2349-2352: limit 5000Mi is 5242880000 > 4294967295",
    ),
    (
        "backendtrafficpolicy-with-bandwidth-invalid-limit--policy-for-gateway.yaml",
        &[Check::T18],
        "btp:2179-2182, 2225-2226: 1023 bytes per Second is 0 whole KiB/s",
    ),
    (
        "backendtrafficpolicy-with-local-ratelimit-invalid-limit-unit--policy-for-gateway.yaml",
        &[Check::T04],
        "btp:1851-1858: a Minute rule under an Hour default (60 % 3600 != 0)",
    ),
    (
        "backendtrafficpolicy-with-local-ratelimit-invalid-multiple-route-level-limits--policy-for-gateway.yaml",
        &[Check::T03],
        "btp:1828-1831: two rules without clientSelectors",
    ),
    (
        "backendtrafficpolicy-with-ratelimit-invalid-distinct-invert--policy-for-gateway.yaml",
        &[Check::T07],
        "btp:1995-2000: Distinct header without value and with invert: true",
    ),
    (
        "backendtrafficpolicy-with-ratelimit-invalid-regex--policy-for-gateway.yaml",
        &[Check::T06],
        "btp:1987-1990: header regex `*.illegal.regex`, Go: missing argument to repetition operator",
    ),
    (
        "e2e-backendtrafficpolicy-translation-failed--policy-httproute.yaml",
        &[Check::T06],
        "btp:1987-1990: the same regex in Envoy Gateway's e2e test of a failed translation",
    ),
];

#[test]
fn upstream_refusals_are_pinned() {
    let Some(dir) = common::corpus_dir() else { return };
    let files = common::yaml_files(&dir.join("upstream"));
    assert_eq!(files.len(), 389);
    let mut refused: Vec<(String, Vec<Check>, String)> = Vec::new();
    let mut accepted = 0;
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(file).unwrap();
        for parsed in parse::from_yaml_documents(&text, FieldValidation::Strict) {
            let policy = parsed.unwrap().value.with_defaults();
            match policy.envoy_gateway_verdict(&Settings::default()).rejection() {
                Some(rejection) => refused.push((
                    name.clone(),
                    rejection.failures().iter().map(|f| f.check).collect(),
                    rejection.to_string(),
                )),
                None => accepted += 1,
            }
        }
    }
    let got: Vec<(&str, &[Check])> = refused.iter().map(|(n, c, _)| (n.as_str(), c.as_slice())).collect();
    let expected: Vec<(&str, &[Check])> = REFUSED.iter().map(|(n, c, _)| (*n, *c)).collect();
    assert_eq!(
        got,
        expected,
        "refused upstream policies changed:\n{}",
        refused.iter().map(|(n, c, m)| format!("{n} {c:?}: {m}")).collect::<Vec<_>>().join("\n")
    );
    assert_eq!(accepted + refused.len(), 389, "one policy per file");
    eprintln!("Envoy Gateway refuses {} of 389 upstream policies, accepts {accepted}", refused.len());
}
