//! Any bytes, read leniently (Ignore mode; YAML when the bytes are text, else JSON), then
//! validated: `validate()` must not panic on whatever the reader lets through.
#![no_main]

use backend_traffic_policy::parse::{self, FieldValidation};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parsed = match std::str::from_utf8(data) {
        Ok(text) => parse::from_yaml_str(text, FieldValidation::Ignore),
        Err(_) => parse::from_json_slice(data, FieldValidation::Ignore),
    };
    if let Ok(parsed) = parsed {
        if let Err(errors) = parsed.value.validate() {
            assert!(!errors.is_empty());
            let _ = errors.to_string();
        }
    }
});
