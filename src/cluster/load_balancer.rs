//! How Envoy picks an endpoint of the backend for each request: the algorithm and its options
//! (consistent hashing, ORCA utilization, dynamic modules, endpoint override, slow start, zones).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    Duration,
    envoy_gateway::{Check, Failure, Feature, Ignored, SilentDrop},
    macros::string_enum,
    schema::Rule,
    validate::{CheckRules, Path, ValidationErrors},
};

/// Pattern of a dynamic module name: lowercase letters, digits, dots and dashes, starting and
/// ending with a letter or digit.
pub const DYNAMIC_MODULE_NAME_PATTERN: &str = r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$";
/// Pattern of an `:authority` override: any text without NUL, CR or LF.
pub const AUTHORITY_PATTERN: &str = r"^[^\x00\n\r]*$";

/// `consistentHash` is set exactly when the type is `ConsistentHash`.
pub(crate) const R29: Rule = Rule {
    rule: "self.type == 'ConsistentHash' ? has(self.consistentHash) : !has(self.consistentHash)",
    message: "If LoadBalancer type is consistentHash, consistentHash field needs to be set.",
};
/// `backendUtilization` is set exactly when the type is `BackendUtilization`.
pub(crate) const R30: Rule = Rule {
    rule: "self.type == 'BackendUtilization' ? has(self.backendUtilization) : !has(self.backendUtilization)",
    message: "If LoadBalancer type is BackendUtilization, backendUtilization field needs to be set.",
};
/// `dynamicModule` is set exactly when the type is `DynamicModule`.
pub(crate) const R31: Rule = Rule {
    rule: "self.type == 'DynamicModule' ? has(self.dynamicModule) : !has(self.dynamicModule)",
    message: "If LoadBalancer type is DynamicModule, dynamicModule field needs to be set.",
};
/// No slow start with `Random`, `ConsistentHash` or `DynamicModule`.
pub(crate) const R32: Rule = Rule {
    rule: "self.type in ['Random', 'ConsistentHash', 'DynamicModule'] ? !has(self.slowStart) : true",
    message: "Currently SlowStart is only supported for RoundRobin, LeastRequest, and BackendUtilization load balancers.",
};
/// No `zoneAware.preferLocal` with `ConsistentHash`.
pub(crate) const R33: Rule = Rule {
    rule: "self.type == 'ConsistentHash' && has(self.zoneAware) ? !has(self.zoneAware.preferLocal) : true",
    message: "PreferLocal zone-aware routing is not supported for ConsistentHash load balancers. Use weightedZones instead.",
};
/// No `zoneAware.preferLocal` with `BackendUtilization`.
pub(crate) const R34: Rule = Rule {
    rule: "self.type == 'BackendUtilization' && has(self.zoneAware) ? !has(self.zoneAware.preferLocal) : true",
    message: "PreferLocal zone-aware routing is not currently supported for BackendUtilization load balancers. Only WeightedZones can be used with BackendUtilization.",
};
/// No `zoneAware` with `DynamicModule`.
pub(crate) const R35: Rule = Rule {
    rule: "self.type == 'DynamicModule' ? !has(self.zoneAware) : true",
    message: "ZoneAware routing is not supported for DynamicModule load balancers.",
};
/// `preferLocal` and `weightedZones` exclude each other.
pub(crate) const R36: Rule = Rule {
    rule: "has(self.zoneAware) ? !(has(self.zoneAware.preferLocal) && has(self.zoneAware.weightedZones)) : true",
    message: "ZoneAware PreferLocal and WeightedZones cannot be specified together.",
};
/// No `endpointOverride` with `DynamicModule`.
pub(crate) const R37: Rule = Rule {
    rule: "self.type == 'DynamicModule' ? !has(self.endpointOverride) : true",
    message: "EndpointOverride is not supported for DynamicModule load balancers.",
};
/// The out-of-band reporting period is longer than zero (field rule on `reportingPeriod`).
pub(crate) const R38: Rule =
    Rule { rule: "duration(self) > duration('0s')", message: "reportingPeriod must be greater than 0" };
/// `header` is set exactly when the hash type is `Header`.
pub(crate) const R39: Rule = Rule {
    rule: "self.type == 'Header' ? has(self.header) : !has(self.header)",
    message: "If consistent hash type is header, the header field must be set.",
};
/// `headers` is set exactly when the hash type is `Headers`.
pub(crate) const R40: Rule = Rule {
    rule: "self.type == 'Headers' ? has(self.headers) : !has(self.headers)",
    message: "If consistent hash type is headers, the headers field must be set.",
};
/// `cookie` is set exactly when the hash type is `Cookie`.
pub(crate) const R41: Rule = Rule {
    rule: "self.type == 'Cookie' ? has(self.cookie) : !has(self.cookie)",
    message: "If consistent hash type is cookie, the cookie field must be set.",
};
/// `queryParams` is set exactly when the hash type is `QueryParams`.
pub(crate) const R42: Rule = Rule {
    rule: "self.type == 'QueryParams' ? has(self.queryParams) : !has(self.queryParams)",
    message: "If consistent hash type is queryParams, the queryParams field must be set.",
};

/// The load-balancing policy: an algorithm (`type`) plus the settings that go with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [R29, R30, R31, R32, R33, R34, R35, R36, R37]))]
pub struct LoadBalancer {
    /// The algorithm. Required.
    pub r#type: LoadBalancerType,
    /// Hashing settings; set exactly when the type is `ConsistentHash`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consistent_hash: Option<ConsistentHash>,
    /// ORCA weighting settings; set exactly when the type is `BackendUtilization`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend_utilization: Option<BackendUtilization>,
    /// Module-provided policy; set exactly when the type is `DynamicModule`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic_module: Option<DynamicModule>,
    /// Lets a request header name the endpoint to use. Not allowed with `DynamicModule`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_override: Option<EndpointOverride>,
    /// Gradual traffic ramp-up for new endpoints; only with `RoundRobin`, `LeastRequest` and
    /// `BackendUtilization`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slow_start: Option<SlowStart>,
    /// Zone-aware endpoint selection. Not allowed with `DynamicModule`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone_aware: Option<ZoneAware>,
}

string_enum! {
    /// Load-balancing algorithm.
    pub enum LoadBalancerType {
        /// Hash a request attribute onto a ring of endpoints (Maglev).
        ConsistentHash = "ConsistentHash",
        /// Pick the endpoint with the fewest active requests.
        LeastRequest = "LeastRequest",
        /// Pick an endpoint at random.
        Random = "Random",
        /// Cycle through the endpoints in turn.
        RoundRobin = "RoundRobin",
        /// Weight endpoints by the utilization they report (ORCA).
        BackendUtilization = "BackendUtilization",
        /// Delegate the choice to a dynamic module loaded into Envoy.
        DynamicModule = "DynamicModule",
    }
}

/// Consistent-hash settings: what to hash and the size of the lookup table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [R39, R40, R41, R42]))]
pub struct ConsistentHash {
    /// The request attribute hashed. Required.
    pub r#type: ConsistentHashType,
    /// One header to hash; set exactly when the type is `Header`. Deprecated in favour of
    /// `headers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<HashHeader>,
    /// Headers to hash; set exactly when the type is `Headers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Vec<HashHeader>>,
    /// Cookie to hash; set exactly when the type is `Cookie`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cookie: Option<HashCookie>,
    /// Query parameters to hash; set exactly when the type is `QueryParams`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_params: Option<Vec<HashQueryParam>>,
    /// Maglev lookup table size, a prime from 2 to 5000011; defaults to 65537.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 2, max = 5_000_011), extend("default" = 65537))]
    pub table_size: Option<i64>,
}

string_enum! {
    /// Request attribute a consistent hash is computed from.
    pub enum ConsistentHashType {
        /// The client's IP address.
        SourceIP = "SourceIP",
        /// One request header (`header`).
        Header = "Header",
        /// Several request headers (`headers`).
        Headers = "Headers",
        /// A cookie, generated when missing (`cookie`).
        Cookie = "Cookie",
        /// Query parameters (`queryParams`).
        QueryParams = "QueryParams",
    }
}

/// A request header used as hash input.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HashHeader {
    /// Header name. Required.
    pub name: String,
}

/// A cookie used as hash input; Envoy sets it when the request lacks it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HashCookie {
    /// Cookie name. Required.
    pub name: String,
    /// Lifetime of a cookie Envoy generates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<Duration>,
    /// Extra attributes written on a generated cookie (`Path`, `SameSite`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<BTreeMap<String, String>>,
}

/// A query parameter used as hash input.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HashQueryParam {
    /// Parameter name. Required.
    pub name: String,
}

/// Weighting of endpoints by the load they report through ORCA.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BackendUtilization {
    /// How long an endpoint must report before its weight is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blackout_period: Option<Duration>,
    /// After how long without a report an endpoint's weight is dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_expiration_period: Option<Duration>,
    /// How often weights are recomputed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_update_period: Option<Duration>,
    /// Penalty for the error rate, in percent (100 means a 1.0 factor). At least 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub error_utilization_penalty_percent: Option<i32>,
    /// Names of the ORCA metrics that make up an endpoint's utilization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_names_for_computing_utilization: Option<Vec<String>>,
    /// Keep the ORCA headers and trailers in the response sent to the client; defaults to false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = false))]
    pub keep_response_headers: Option<bool>,
    /// Pull load reports on a separate stream instead of reading response headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_of_band: Option<OutOfBandReporting>,
}

/// Out-of-band ORCA reporting: a stream Envoy opens to each endpoint to receive load reports.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutOfBandReporting {
    /// Interval between load reports; must be longer than zero.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-validations" = [R38]))]
    pub reporting_period: Option<Duration>,
    /// Endpoint port for the stream, 1 to 65535; defaults to the serving port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<i32>,
    /// `:authority` sent on the stream: 1 to 259 characters, no NUL, CR or LF.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 259), regex(pattern = AUTHORITY_PATTERN))]
    pub authority: Option<String>,
}

/// A load-balancing policy implemented by a dynamic module declared on the EnvoyProxy.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DynamicModule {
    /// The module, by the name it has in the EnvoyProxy: 1 to 253 lowercase characters.
    /// Required.
    #[schemars(length(min = 1, max = 253), regex(pattern = DYNAMIC_MODULE_NAME_PATTERN))]
    pub name: String,
    /// The policy implementation inside the module: 1 to 253 characters. Required.
    #[schemars(length(min = 1, max = 253))]
    pub lb_policy_name: String,
    /// Configuration handed to the module as is (any JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::any_json")]
    pub config: Option<serde_json::Value>,
}

/// Routes to an endpoint named by the request instead of the one the algorithm picks.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = |s: &mut schemars::Schema| crate::schema::require(s, "extractFrom"))]
pub struct EndpointOverride {
    /// Where the endpoint address is read, tried in order: 1 to 10 sources. Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 10))]
    pub extract_from: Option<Vec<ExtractFrom>>,
}

/// A place the override endpoint address is read from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExtractFrom {
    /// Request header holding the address (`ip:port`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
}

/// Slow start: a new endpoint's share of traffic grows over a window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SlowStart {
    /// Length of the ramp-up. Required.
    pub window: Duration,
}

/// Zone-aware routing: prefer the local zone, or spread traffic by per-zone weights.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ZoneAware {
    /// Keep traffic in the proxy's zone when it has enough endpoints. Excludes `weightedZones`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefer_local: Option<PreferLocalZone>,
    /// Relative weight per zone, one entry per zone name. Excludes `preferLocal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["zone"]))]
    pub weighted_zones: Option<Vec<WeightedZone>>,
}

/// Settings of local-zone preference.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PreferLocalZone {
    /// Send everything to the local zone while it has enough endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<ForceLocalZone>,
    /// Fewest endpoints the backend must have in all for zone awareness to apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_endpoints_threshold: Option<i64>,
    /// Percentage of requests that are routed zone-aware, 0 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100))]
    pub percentage_enabled: Option<i32>,
}

/// Settings of forced local-zone routing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ForceLocalZone {
    /// Fewest endpoints the local zone must have for traffic to be forced there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_endpoints_in_zone_threshold: Option<i32>,
}

/// Weight of one zone.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WeightedZone {
    /// Zone name (the list key). Required.
    pub zone: String,
    /// Relative weight of the zone. Required.
    pub weight: i32,
}

/// R29-R37 on the algorithm and the settings that go with it, then the rules below.
impl CheckRules for LoadBalancer {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        let ty = self.r#type.as_str();
        let zone_aware = self.zone_aware.as_ref();
        let prefer_local = zone_aware.is_some_and(|z| z.prefer_local.is_some());
        // `c ? has(x) : !has(x)` is `c == has(x)`.
        errors.check((ty == "ConsistentHash") == self.consistent_hash.is_some(), path, R29);
        errors.check((ty == "BackendUtilization") == self.backend_utilization.is_some(), path, R30);
        errors.check((ty == "DynamicModule") == self.dynamic_module.is_some(), path, R31);
        errors.check(
            !matches!(ty, "Random" | "ConsistentHash" | "DynamicModule") || self.slow_start.is_none(),
            path,
            R32,
        );
        // `t && has(zoneAware) ? !has(zoneAware.preferLocal) : true` (`&&` binds tighter than
        // the conditional); `prefer_local` already implies `has(self.zoneAware)`.
        errors.check(!(ty == "ConsistentHash" && prefer_local), path, R33);
        errors.check(!(ty == "BackendUtilization" && prefer_local), path, R34);
        errors.check(ty != "DynamicModule" || zone_aware.is_none(), path, R35);
        errors.check(zone_aware.is_none_or(|z| !(z.prefer_local.is_some() && z.weighted_zones.is_some())), path, R36);
        errors.check(ty != "DynamicModule" || self.endpoint_override.is_none(), path, R37);
        self.consistent_hash.check_rules(&path.key("consistentHash"), errors);
        self.backend_utilization.check_rules(&path.key("backendUtilization"), errors);
    }
}

/// R39-R42: the hash input named by `type` is set, and no other.
impl CheckRules for ConsistentHash {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        let ty = self.r#type.as_str();
        errors.check((ty == "Header") == self.header.is_some(), path, R39);
        errors.check((ty == "Headers") == self.headers.is_some(), path, R40);
        errors.check((ty == "Cookie") == self.cookie.is_some(), path, R41);
        errors.check((ty == "QueryParams") == self.query_params.is_some(), path, R42);
    }
}

/// Nothing of its own; carries R38 through `outOfBand`.
impl CheckRules for BackendUtilization {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        self.out_of_band.check_rules(&path.key("outOfBand"), errors);
    }
}

/// R38, a field rule: reported on `reportingPeriod` itself, whose CEL type is `string`. The
/// period is read as CEL's `duration()` reads it (Go's syntax, so `-1s` breaks the rule next to
/// its pattern error); text Go cannot read is left to the schema pass.
impl CheckRules for OutOfBandReporting {
    fn check_rules(&self, path: &Path<'_>, errors: &mut ValidationErrors) {
        if let Some(period) = &self.reporting_period
            && let Some(period) = period.cel_nanos()
            && period <= 0
        {
            errors.rule(&path.key("reportingPeriod"), R38, "string");
        }
    }
}

/// The largest Maglev table Envoy Gateway accepts (`MaxConsistentHashTableSize`,
/// backendtrafficpolicy.go:37).
const MAX_TABLE_SIZE: u64 = 5_000_011;

impl LoadBalancer {
    /// Envoy Gateway's check T22 (`buildConsistentHashLoadBalancer`, clustersettings.go:461-462,
    /// wrapped with `ConsistentHash` at clustersettings.go:326): the table size is a prime no
    /// larger than 5000011.
    pub(crate) fn envoy_gateway_check(&self, out: &mut Vec<Failure>) {
        if self.r#type != LoadBalancerType::ConsistentHash {
            return;
        }
        let Some(size) = self.consistent_hash.as_ref().and_then(|c| c.table_size) else { return };
        // Go reads the field as a uint64; a negative number (refused by the schema) wraps.
        let size = size.cast_unsigned();
        if size > MAX_TABLE_SIZE || !crate::go::is_prime(size) {
            out.push(
                Failure::new(
                    Feature::LoadBalancer,
                    Check::T22,
                    format!("ConsistentHash: invalid TableSize value {size}"),
                )
                .at("spec.loadBalancer.consistentHash.tableSize"),
            );
        }
    }

    /// S02: `buildLoadBalancer` (clustersettings.go:318-336) has no case for `DynamicModule`.
    pub(crate) fn envoy_gateway_ignored(&self, out: &mut Vec<Ignored>) {
        if self.r#type == LoadBalancerType::DynamicModule {
            out.push(Ignored::new(
                SilentDrop::S02,
                "spec.loadBalancer.type",
                "Envoy Gateway v1.9.0 does not implement the DynamicModule load balancer: no load balancer is configured and Envoy's default (round robin) applies",
            ));
        }
    }
}
