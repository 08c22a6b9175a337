//! The controller's path: bytes read leniently, then KubeLB's sync decision under the Config and
//! Tenant switches the first byte selects. No panic, and an Apply always carries an object that
//! validates, in the tenant's namespace.
#![no_main]

use backend_traffic_policy::{
    kubelb::{Config, GatewayApiSettings, Tenant},
    parse::{self, FieldValidation},
    sync::SyncDecision,
    sync_decision,
};
use libfuzzer_sys::fuzz_target;

fn settings(bits: u8) -> GatewayApiSettings {
    GatewayApiSettings {
        disable: bits & 1 != 0,
        disable_backend_traffic_policy: bits & 2 != 0,
        disable_http_route: bits & 4 != 0,
        disable_grpc_route: bits & 8 != 0,
        ..Default::default()
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&switches, rest)) = data.split_first() else { return };
    let parsed = match std::str::from_utf8(rest) {
        Ok(text) => parse::from_yaml_str(text, FieldValidation::Ignore),
        Err(_) => parse::from_json_slice(rest, FieldValidation::Ignore),
    };
    let Ok(parsed) = parsed else { return };
    let config = Config::default_named("kubelb").with_gateway_api(settings(switches & 0x0f));
    let tenant = Tenant::named("fuzz").with_gateway_api(settings(switches >> 4));
    let decision = sync_decision(&parsed.value, &config, &tenant);
    let _ = decision.to_string();
    if let SyncDecision::Apply { object, .. } = &decision {
        assert_eq!(object.metadata.namespace.as_deref(), Some("tenant-fuzz"));
        assert!(object.validate().is_ok(), "an Apply must carry a valid object");
    }
});
