//! The rate limits of a merged policy: Envoy Gateway merges them at its IR level, not in the
//! API object; this expresses that IR merge back in API terms.
//!
//! When both policies set `rateLimit` (btp:1290-1305), Envoy Gateway builds each one's rate
//! limit to IR on its own and merges the two IR values with the route's `mergeType`. In the IR
//! (internal/ir/xds.go:2855-2915) `global.rules` and `local.rules` are merged by rule name
//! under a strategic merge, and names embed the policy (`<ns>/<name>/rule/<i>`), so:
//! - StrategicMerge: the rules are the union, the route's first; the local default bucket is
//!   the route's;
//! - JSONMerge: a side's rule list replaces the other's when it is not empty; the default bucket
//!   is the route's;
//! - under both, a block (`global` or `local`) only one side has is kept, and the default
//!   bucket's `X-RateLimit` option is the route's, else the parent's.
//!
//! The local default bucket is, in the API, the first local rule without client selectors,
//! and without one `4294967295` requests per `Second` (btp:1823-1849). Where the approximation
//! lies:
//! - IR rule names (and so the rate-limit service's descriptors) keep each policy's own name;
//!   the merged API object cannot say so: its rules read as the route policy's;
//! - the parent's default rule is dropped in favour of the route's, and when the route has none
//!   but the parent's default sets `xRateLimitHeaders`, a rule of `4294967295` per `Second`
//!   carrying that option stands for the IR default bucket;
//! - each side's deprecated `type` chooses the blocks it contributes (btp:1801-1813); the result
//!   leaves `type` unset and lists both blocks;
//! - the IR merge happens only when both rate limits build; when Envoy Gateway refuses either
//!   (`type` naming a block that is absent or an unknown `type` are detected here; the checks
//!   of a rule are not), it keeps the rate limit of the merged object, which is what
//!   this returns then.

use crate::{
    MergeType,
    traffic::rate_limit::{GlobalRateLimit, Limit, LocalRateLimit, RateLimit, RateLimitType, RateLimitUnit, Rule},
};

/// The rate limit Envoy Gateway applies for a route policy merged with its parent, both
/// setting `rateLimit`; `None` when it keeps the merged object's.
pub(super) fn combine(parent: &RateLimit, route: &RateLimit, merge_type: &MergeType) -> Option<RateLimit> {
    let (parent_global, parent_local) = built_blocks(parent)?;
    let (route_global, route_local) = built_blocks(route)?;
    let strategic = *merge_type == MergeType::StrategicMerge;
    let global = match (parent_global, route_global) {
        (Some(p), Some(r)) => Some(GlobalRateLimit { rules: merge_rules(&p.rules, &r.rules, strategic) }),
        (p, r) => r.or(p).cloned(),
    };
    let local = match (parent_local, route_local) {
        (Some(p), Some(r)) => Some(merge_local(p, r, strategic)),
        (p, r) => r.or(p).cloned(),
    };
    Some(RateLimit { r#type: None, global, local })
}

/// The blocks a policy's rate limit builds to, as its deprecated `type` selects them; `None`
/// when the build fails on the `type` alone.
fn built_blocks(rate_limit: &RateLimit) -> Option<(Option<&GlobalRateLimit>, Option<&LocalRateLimit>)> {
    match &rate_limit.r#type {
        None => Some((rate_limit.global.as_ref(), rate_limit.local.as_ref())),
        Some(RateLimitType::Global) => rate_limit.global.as_ref().map(|g| (Some(g), None)),
        Some(RateLimitType::Local) => rate_limit.local.as_ref().map(|l| (None, Some(l))),
        Some(_) => None,
    }
}

/// The IR rule lists merged: the union under StrategicMerge (names never collide), else the
/// route's when it has any (an empty IR list is `omitempty`).
fn merge_rules(parent: &[Rule], route: &[Rule], strategic: bool) -> Vec<Rule> {
    if strategic {
        route.iter().chain(parent).cloned().collect()
    } else if route.is_empty() {
        parent.to_vec()
    } else {
        route.to_vec()
    }
}

fn is_default(rule: &Rule) -> bool {
    rule.client_selectors.as_deref().is_none_or(<[_]>::is_empty)
}

/// Two local blocks merged: the route's default bucket (with the parent's header option when
/// the route sets none), then the selector rules as [`merge_rules`] merges them.
fn merge_local(parent: &LocalRateLimit, route: &LocalRateLimit, strategic: bool) -> LocalRateLimit {
    let parent_rules = parent.rules.as_deref().unwrap_or_default();
    let route_rules = route.rules.as_deref().unwrap_or_default();
    let parent_option = parent_rules.iter().find(|r| is_default(r)).and_then(|r| r.x_rate_limit_headers.clone());
    let route_default = route_rules.iter().position(is_default);

    let route_selectors: Vec<&Rule> = route_rules.iter().filter(|r| !is_default(r)).collect();
    let parent_selectors: Vec<&Rule> = parent_rules.iter().filter(|r| !is_default(r)).collect();
    let selectors: Vec<&Rule> = if strategic {
        route_selectors.into_iter().chain(parent_selectors).collect()
    } else if route_selectors.is_empty() {
        parent_selectors
    } else {
        route_selectors
    };

    let mut rules = Vec::new();
    match route_default.and_then(|i| route_rules.get(i)) {
        Some(default) => {
            let mut default = default.clone();
            default.x_rate_limit_headers = default.x_rate_limit_headers.or(parent_option);
            rules.push(default);
        }
        None if parent_option.is_some() => rules.push(Rule {
            client_selectors: None,
            limit: Limit { requests: i64::from(u32::MAX), unit: RateLimitUnit::Second, from_metadata: None },
            cost: None,
            shared: None,
            shadow_mode: None,
            x_rate_limit_headers: parent_option,
        }),
        None => {}
    }
    rules.extend(selectors.into_iter().cloned());
    LocalRateLimit { rules: Some(rules) }
}
