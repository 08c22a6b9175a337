//! Table of Envoy Gateway's rate-limit checks T01-T15 and T36: for each, a policy it refuses and
//! the accepted policy nearest to it, with the condition message Envoy Gateway writes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use super::RateLimit;
use crate::{
    BackendTrafficPolicy,
    envoy_gateway::{Check, NotAccepted, Settings},
};

/// The stored (defaulted) `spec.rateLimit` of a policy whose rate limit is the YAML `rate_limit`.
fn stored(rate_limit: &str) -> RateLimit {
    let document = format!(
        "apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: BackendTrafficPolicy\nmetadata: {{name: p, namespace: ns}}\n\
         spec:\n  targetRefs: [{{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}}]\n  rateLimit: {rate_limit}\n"
    );
    let policy: BackendTrafficPolicy =
        serde_saphyr::from_str(&document).unwrap_or_else(|e| panic!("{rate_limit}: {e}"));
    policy.with_defaults().spec.rate_limit.expect("rateLimit")
}

/// The check that failed and the condition message, or `None` when Envoy Gateway accepts.
fn verdict(rate_limit: &str, settings: &Settings) -> Option<(Check, String)> {
    let mut out = Vec::new();
    stored(rate_limit).envoy_gateway_check(settings, &mut out);
    assert!(out.len() <= 1, "{rate_limit}: at most one failure per feature, got {out:?}");
    let check = out.first()?.check;
    Some((check, NotAccepted::from_failures(out)?.to_string()))
}

/// A global rule counting requests that carry the header `{header}` (flow YAML).
fn global_header(header: &str) -> String {
    format!(
        "{{global: {{rules: [{{clientSelectors: [{{headers: [{header}]}}], limit: {{requests: 1, unit: Second}}}}]}}}}"
    )
}

/// A global rule with one client selector `{selector}` (flow YAML).
fn global_selector(selector: &str) -> String {
    format!("{{global: {{rules: [{{clientSelectors: [{selector}], limit: {{requests: 1, unit: Second}}}}]}}}}")
}

/// A global rule with the query parameter match `{param}`.
fn global_query(param: &str) -> String {
    global_selector(&format!("{{queryParams: [{param}]}}"))
}

/// `(provenance, rate limit YAML, settings, expected check and condition message)`.
type Case<'a> = (&'a str, String, &'a Settings, Option<(Check, &'a str)>);

#[test]
fn checks_t01_to_t15_and_t36() {
    let on = Settings::default().with_global_rate_limit(true);
    let off = Settings::default().with_global_rate_limit(false);
    let unknown = Settings::default();
    let cidr = |value: &str| global_selector(&format!("{{sourceCIDR: {{value: '{value}'}}}}"));
    let cases: Vec<Case<'_>> = vec![
        ("T01 btp:1807-1808,1817-1819", "{type: Local}".into(), &on, Some((Check::T01, "RateLimit: local configuration empty for rateLimit."))),
        ("T01 btp:1807: type Local ignores global", format!("{{type: Local, global: {}}}", "{rules: []}"), &on, Some((Check::T01, "RateLimit: local configuration empty for rateLimit."))),
        ("T01 edge: an empty local passes", "{type: Local, local: {}}".into(), &on, None),
        ("T02 btp:1805-1806,1892-1894", "{type: Global}".into(), &on, Some((Check::T02, "RateLimit: global configuration empty for rateLimit."))),
        ("T02 edge: an empty global passes", "{type: Global, global: {rules: []}}".into(), &on, None),
        ("T36 btp:1895-1897", "{global: {rules: []}}".into(), &off, Some((Check::T36, "RateLimit: enable Ratelimit in the EnvoyGateway config to configure global rateLimit."))),
        ("T36 btp:1895 checked before the rules (T02 first)", "{type: Global}".into(), &off, Some((Check::T02, "RateLimit: global configuration empty for rateLimit."))),
        ("T36 edge: a rate-limit service is configured", "{global: {rules: []}}".into(), &on, None),
        ("T36 edge: unknown settings do not run T36", "{global: {rules: []}}".into(), &unknown, None),
        ("T36 edge btp:1807: type Local never builds global", "{type: Local, local: {}, global: {rules: []}}".into(), &off, None),
        ("T03 btp:1829-1832: absent and empty selectors", "{local: {rules: [{limit: {requests: 1, unit: Second}}, {clientSelectors: [], limit: {requests: 2, unit: Second}}]}}".into(), &on, Some((Check::T03, "RateLimit: local rateLimit can not have more than one rule without clientSelectors."))),
        ("T03 edge: one default and one selector rule", "{local: {rules: [{limit: {requests: 1, unit: Second}}, {clientSelectors: [{methods: [{value: GET}]}], limit: {requests: 2, unit: Second}}]}}".into(), &on, None),
        ("T04 btp:1853-1858: a second under a minute default", "{local: {rules: [{limit: {requests: 1, unit: Minute}}, {clientSelectors: [{methods: [{value: GET}]}], limit: {requests: 2, unit: Second}}]}}".into(), &on, Some((Check::T04, "RateLimit: local rateLimit rule limit unit must be a multiple of the default limit unit."))),
        ("T04 edge: an hour under a minute default", "{local: {rules: [{limit: {requests: 1, unit: Minute}}, {clientSelectors: [{methods: [{value: GET}]}], limit: {requests: 2, unit: Hour}}]}}".into(), &on, None),
        ("T05 btp:1969-1975: explicitly empty lists", global_selector("{headers: [], queryParams: []}"), &on, Some((Check::T05, "RateLimit: unable to translate rateLimit. At least one of the header or method or path or sourceCIDR or queryParameters must be specified."))),
        ("T05 btp:1867-1869: a local rule with [] selectors is the default, not checked", "{local: {rules: [{clientSelectors: [], limit: {requests: 1, unit: Second}}]}}".into(), &on, None),
        ("T05 edge: one method suffices", global_selector("{methods: [{value: GET}]}"), &on, None),
        ("T06 btp:1987-1990, regex.go:15-19", global_header("{type: RegularExpression, name: x, value: 'a**'}"), &on, Some((Check::T06, "RateLimit: regex \"a**\" is invalid: error parsing regexp: invalid nested repetition operator: `**`."))),
        ("T06 %q of the pattern", global_header("{type: RegularExpression, name: x, value: '\"(\\'}"), &on, Some((Check::T06, "RateLimit: regex \"\\\"(\\\\\" is invalid: error parsing regexp: trailing backslash at end of expression: ``."))),
        ("T06 edge: a valid regex", global_header("{type: RegularExpression, name: x, value: '^a+$'}"), &on, None),
        ("T07 btp:1997-2000", global_header("{type: Distinct, name: x, invert: true}"), &on, Some((Check::T07, "RateLimit: unable to translate rateLimit.Invert is not applicable for distinct header match type."))),
        ("T07 edge: invert false", global_header("{type: Distinct, name: x, invert: false}"), &on, None),
        ("T08 btp:2007-2010: Exact (defaulted) without value", global_header("{name: x}"), &on, Some((Check::T08, "RateLimit: unable to translate rateLimit. Either the header.Type is not valid or the header is missing a value."))),
        ("T08 btp:2007-2010: Distinct with a value, even inverted", global_header("{type: Distinct, name: x, value: v, invert: true}"), &on, Some((Check::T08, "RateLimit: unable to translate rateLimit. Either the header.Type is not valid or the header is missing a value."))),
        ("T08 btp:2007-2010: RegularExpression without value", global_header("{type: RegularExpression, name: x}"), &on, Some((Check::T08, "RateLimit: unable to translate rateLimit. Either the header.Type is not valid or the header is missing a value."))),
        ("T08 edge: an empty Exact value", global_header("{name: x, value: ''}"), &on, None),
        ("T09 btp:2042-2045", global_selector("{path: {type: RegularExpression, value: '/a(b'}}"), &on, Some((Check::T09, "RateLimit: regex \"/a(b\" is invalid: error parsing regexp: missing closing ): `/a(b`."))),
        ("T09 edge btp:2023-2036: a prefix is not a regex", global_selector("{path: {value: '/a(b'}}"), &on, None),
        ("T10 btp:2065-2068, helpers.go:1055-1059: no prefix length", cidr("10.0.0.1"), &on, Some((Check::T10, "RateLimit: unable to translate rateLimit: invalid CIDR address: 10.0.0.1."))),
        ("T10 netip.go parseIPv4Fields: leading zero", cidr("010.0.0.0/8"), &on, Some((Check::T10, "RateLimit: unable to translate rateLimit: invalid CIDR address: 010.0.0.0/8."))),
        ("T10 ip.go ParseCIDR: zone", cidr("fe80::1%eth0/64"), &on, Some((Check::T10, "RateLimit: unable to translate rateLimit: invalid CIDR address: fe80::1%eth0/64."))),
        ("T10 ip.go ParseCIDR: IPv4 prefix over 32", cidr("10.0.0.0/33"), &on, Some((Check::T10, "RateLimit: unable to translate rateLimit: invalid CIDR address: 10.0.0.0/33."))),
        ("T10 edge: host address with /32", cidr("10.0.0.1/32"), &on, None),
        ("T10 edge: IPv4-mapped IPv6 counts 128 bits", cidr("::ffff:10.0.0.1/128"), &on, None),
        ("T10 edge ip.go dtoi: zero-padded prefix length", cidr("2001:db8::/032"), &on, None),
        ("T11 btp:2089-2092: empty value", global_query("{name: q, value: ''}"), &on, Some((Check::T11, "RateLimit: value is required for Exact query parameter match."))),
        ("T11 btp:2089-2092: no value, type defaulted", global_query("{name: q}"), &on, Some((Check::T11, "RateLimit: value is required for Exact query parameter match."))),
        ("T11 edge", global_query("{name: q, value: v}"), &on, None),
        ("T12 btp:2098-2101", global_query("{type: RegularExpression, name: q, value: ''}"), &on, Some((Check::T12, "RateLimit: value is required for RegularExpression query parameter match."))),
        ("T13 btp:2102-2104", global_query("{type: RegularExpression, name: q, value: '[z-a]'}"), &on, Some((Check::T13, "RateLimit: regex \"[z-a]\" is invalid: error parsing regexp: invalid character class range: `z-a`."))),
        ("T13 edge", global_query("{type: RegularExpression, name: q, value: '[a-z]+'}"), &on, None),
        ("T14 btp:2111-2114: invert before value", global_query("{type: Distinct, name: q, value: v, invert: true}"), &on, Some((Check::T14, "RateLimit: unable to translate rateLimit.Invert is not applicable for distinct query parameter match type."))),
        ("T15 btp:2115-2118: even an empty value", global_query("{type: Distinct, name: q, value: ''}"), &on, Some((Check::T15, "RateLimit: unable to translate rateLimit.Value is not applicable for distinct query parameter match type."))),
        ("T15 edge", global_query("{type: Distinct, name: q, invert: false}"), &on, None),
        ("order btp:1927-1938: local before global", "{local: {rules: [{limit: {requests: 1, unit: Second}}, {limit: {requests: 1, unit: Second}}]}, global: {rules: []}}".into(), &off, Some((Check::T03, "RateLimit: local rateLimit can not have more than one rule without clientSelectors."))),
        ("order btp:1976-2125: headers before path before sourceCIDR before queryParams", global_selector("{queryParams: [{name: q}], sourceCIDR: {value: x}, path: {type: RegularExpression, value: '('}, headers: [{name: h}]}"), &on, Some((Check::T08, "RateLimit: unable to translate rateLimit. Either the header.Type is not valid or the header is missing a value."))),
        ("order btp:2055-2074: sourceCIDR before queryParams", global_selector("{queryParams: [{name: q}], sourceCIDR: {value: x}}"), &on, Some((Check::T10, "RateLimit: unable to translate rateLimit: invalid CIDR address: x."))),
    ];
    for (provenance, rate_limit, settings, expected) in cases {
        let expected = expected.map(|(check, message)| (check, message.to_owned()));
        assert_eq!(verdict(&rate_limit, settings), expected, "{provenance}: {rate_limit}");
    }
}

/// T04's unit matrix (btp:1850-1859 with unit.go:17-37): a local rule's unit must be a whole
/// multiple, in seconds, of the default rule's unit (Second when there is no default rule).
#[test]
fn t04_unit_multiples() {
    const UNITS: [&str; 7] = ["Second", "Minute", "Hour", "Day", "Week", "Month", "Year"];
    // One row per default unit ("none": no default rule), one column per selector-rule unit, in
    // UNITS order; `x` fails T04. Seconds: 1, 60, 3600, 86400, 604800, 2592000, 31536000, so a
    // Month (30 days) or a Year (365 days) is no multiple of a Week, nor a Year of a Month.
    let matrix = [
        ("none", "......."),
        ("Second", "......."),
        ("Minute", "x......"),
        ("Hour", "xx....."),
        ("Day", "xxx...."),
        ("Week", "xxxx.xx"),
        ("Month", "xxxxx.x"),
        ("Year", "xxxxxx."),
    ];
    for (default, row) in matrix {
        for (unit, mark) in UNITS.iter().zip(row.chars()) {
            let default_rule = if default == "none" {
                String::new()
            } else {
                format!("{{limit: {{requests: 1, unit: {default}}}}}, ")
            };
            let yaml = format!(
                "{{local: {{rules: [{default_rule}{{clientSelectors: [{{methods: [{{value: GET}}]}}], limit: {{requests: 1, unit: {unit}}}}}]}}}}"
            );
            let expected = (mark == 'x').then_some(Check::T04);
            let got = verdict(&yaml, &Settings::default()).map(|(check, _)| check);
            assert_eq!(got, expected, "default {default}, rule unit {unit}");
        }
    }
}
