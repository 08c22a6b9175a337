//! Envoy Gateway v1.9.0's translator checks of `rateLimit` (T01-T15, T36): what
//! `buildRateLimit` and `buildRateLimitRule` refuse in a stored policy
//! (`internal/gatewayapi/backendtrafficpolicy.go`, "btp" below, lines at v1.9.0).
//!
//! Values outside the CRD's enums (`RateLimitType::Unknown`, an unknown path or query type) and
//! empty query-parameter names make Envoy Gateway fail with texts of their own (btp:1810,
//! 2051, 2077, 2124), but the API server never stores such a policy and `validate()` reports
//! them, so they are not translator checks here.

use super::{
    ClientSelector, HeaderMatch, HeaderMatchType, QueryParamMatch, QueryParamMatchType, RateLimit, RateLimitType,
    RateLimitUnit, Rule,
};
use crate::{
    envoy_gateway::{Check, Failure, Feature, Settings},
    gateway_api::PathMatchType,
    go::{compile_error, go_quote, parse_cidr_error},
};

/// A failed check of the feature.
fn fail(check: Check, text: impl Into<String>) -> Failure {
    Failure::new(Feature::RateLimit, check, text)
}

/// `regex.Validate` (`internal/utils/regex/regex.go:15-20`): Go's `regexp.Compile` error,
/// wrapped with the pattern quoted as `%q`.
fn validate_regex(check: Check, pattern: &str) -> Result<(), Failure> {
    match compile_error(pattern) {
        Some(error) => Err(fail(check, format!("regex {} is invalid: {error}", go_quote(pattern)))),
        None => Ok(()),
    }
}

/// `ratelimit.UnitToSeconds` (`internal/utils/ratelimit/unit.go:17-37`); 0 for a unit outside
/// the enum.
fn unit_seconds(unit: &RateLimitUnit) -> u64 {
    match unit {
        RateLimitUnit::Second => 1,
        RateLimitUnit::Minute => 60,
        RateLimitUnit::Hour => 3_600,
        RateLimitUnit::Day => 86_400,
        RateLimitUnit::Week => 604_800,
        RateLimitUnit::Month => 2_592_000,
        RateLimitUnit::Year => 31_536_000,
        RateLimitUnit::Unknown(_) => 0,
    }
}

/// Whether a rule has no client selectors (absent or `[]`), which makes it a local limit's
/// default (btp:1829).
fn without_selectors(rule: &Rule) -> bool {
    rule.client_selectors.as_ref().is_none_or(Vec::is_empty)
}

impl RateLimit {
    /// Envoy Gateway's translator checks of the rate limit (T01-T15, and T36 when the settings
    /// say whether a rate-limit service exists): pushes the first failure, if any, as Envoy
    /// Gateway stops at the first error of the feature.
    pub(crate) fn envoy_gateway_check(&self, settings: &Settings, out: &mut Vec<Failure>) {
        if let Err(failure) = self.build(settings) {
            out.push(failure);
        }
    }

    /// `buildRateLimit` (btp:1801-1814) and `buildBothRateLimit` (btp:1920-1947): the
    /// deprecated `type` builds only its own kind; without it, local is built before global.
    fn build(&self, settings: &Settings) -> Result<(), Failure> {
        match &self.r#type {
            Some(RateLimitType::Global) => self.build_global(settings),
            Some(RateLimitType::Local) => self.build_local(),
            Some(RateLimitType::Unknown(_)) => Ok(()),
            None => {
                if self.local.is_some() {
                    self.build_local()?;
                }
                if self.global.is_some() {
                    self.build_global(settings)?;
                }
                Ok(())
            }
        }
    }

    /// `buildLocalRateLimit` (btp:1816-1889): T01, T03, T04, then each rule with selectors.
    fn build_local(&self) -> Result<(), Failure> {
        let Some(local) = &self.local else {
            return Err(fail(Check::T01, "local configuration empty for rateLimit"));
        };
        let rules = local.rules.as_deref().unwrap_or_default();
        let mut default_unit = None;
        for rule in rules.iter().filter(|rule| without_selectors(rule)) {
            if default_unit.is_some() {
                return Err(fail(
                    Check::T03,
                    "local rateLimit can not have more than one rule without clientSelectors",
                ));
            }
            default_unit = Some(&rule.limit.unit);
        }
        // Without a default rule, Envoy Gateway's default limit counts per second.
        let default_seconds = default_unit.map_or(1, unit_seconds);
        for rule in rules {
            let seconds = unit_seconds(&rule.limit.unit);
            if default_seconds == 0 || seconds.checked_rem(default_seconds) != Some(0) {
                return Err(fail(
                    Check::T04,
                    "local rateLimit rule limit unit must be a multiple of the default limit unit",
                ));
            }
        }
        rules.iter().filter(|rule| !without_selectors(rule)).try_for_each(build_rule)
    }

    /// `buildGlobalRateLimit` (btp:1891-1918): T02, T36 (when known), then each rule.
    fn build_global(&self, settings: &Settings) -> Result<(), Failure> {
        let Some(global) = &self.global else {
            return Err(fail(Check::T02, "global configuration empty for rateLimit"));
        };
        if settings.global_rate_limit == Some(false) {
            return Err(fail(Check::T36, "enable Ratelimit in the EnvoyGateway config to configure global rateLimit"));
        }
        global.rules.iter().try_for_each(build_rule)
    }
}

/// `buildRateLimitRule` (btp:1949-2140): each client selector in order; within one, headers,
/// path, source CIDR, then query parameters (methods cannot fail).
fn build_rule(rule: &Rule) -> Result<(), Failure> {
    for selector in rule.client_selectors.iter().flatten() {
        check_selector(selector)?;
    }
    Ok(())
}

/// One client selector (btp:1969-2131).
fn check_selector(selector: &ClientSelector) -> Result<(), Failure> {
    let empty = |list: Option<usize>| list.unwrap_or(0) == 0;
    if empty(selector.headers.as_ref().map(Vec::len))
        && empty(selector.methods.as_ref().map(Vec::len))
        && selector.path.is_none()
        && selector.source_cidr.is_none()
        && empty(selector.query_params.as_ref().map(Vec::len))
    {
        return Err(fail(
            Check::T05,
            "unable to translate rateLimit. At least one of the header or method or path or sourceCIDR or queryParameters must be specified",
        ));
    }
    selector.headers.iter().flatten().try_for_each(check_header)?;
    if let Some(path) = &selector.path
        && path.r#type == Some(PathMatchType::RegularExpression)
    {
        // btp:2042-2045. The API server fills in `value: /`; an absent value is Go's "".
        validate_regex(Check::T09, path.value.as_deref().unwrap_or_default())?;
    }
    if let Some(source) = &selector.source_cidr
        && let Some(error) = parse_cidr_error(&source.value)
    {
        // btp:2065-2068 and helpers.go:1055-1059: `net.ParseCIDR`'s error, wrapped.
        return Err(fail(Check::T10, format!("unable to translate rateLimit: {error}")));
    }
    selector.query_params.iter().flatten().try_for_each(check_query_param)
}

/// A header match (btp:1976-2012). A stored header always has a type (the CRD defaults it to
/// `Exact`); an absent type is read as that default.
fn check_header(header: &HeaderMatch) -> Result<(), Failure> {
    match (header.r#type.as_ref().unwrap_or(&HeaderMatchType::Exact), &header.value) {
        (HeaderMatchType::Exact, Some(_)) => Ok(()),
        (HeaderMatchType::RegularExpression, Some(value)) => validate_regex(Check::T06, value),
        (HeaderMatchType::Distinct, None) if header.invert == Some(true) => Err(fail(
            Check::T07,
            "unable to translate rateLimit.Invert is not applicable for distinct header match type",
        )),
        (HeaderMatchType::Distinct, None) => Ok(()),
        _ => Err(fail(
            Check::T08,
            "unable to translate rateLimit. Either the header.Type is not valid or the header is missing a value",
        )),
    }
}

/// A query-parameter match (btp:2074-2125); the type defaults to `Exact`.
fn check_query_param(param: &QueryParamMatch) -> Result<(), Failure> {
    let value = param.value.as_deref().filter(|value| !value.is_empty());
    match param.r#type.as_ref().unwrap_or(&QueryParamMatchType::Exact) {
        QueryParamMatchType::Exact if value.is_none() => {
            Err(fail(Check::T11, "value is required for Exact query parameter match"))
        }
        QueryParamMatchType::RegularExpression => match value {
            None => Err(fail(Check::T12, "value is required for RegularExpression query parameter match")),
            Some(value) => validate_regex(Check::T13, value),
        },
        QueryParamMatchType::Distinct if param.invert == Some(true) => Err(fail(
            Check::T14,
            "unable to translate rateLimit.Invert is not applicable for distinct query parameter match type",
        )),
        QueryParamMatchType::Distinct if param.value.is_some() => Err(fail(
            Check::T15,
            "unable to translate rateLimit.Value is not applicable for distinct query parameter match type",
        )),
        _ => Ok(()),
    }
}
