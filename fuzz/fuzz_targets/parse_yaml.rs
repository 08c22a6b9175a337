//! Any text through the YAML reader, as one document and as a stream, in every mode: no panic,
//! and what the modes promise holds.
#![no_main]

use backend_traffic_policy::parse::{self, FieldValidation};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for mode in [FieldValidation::Strict, FieldValidation::Warn, FieldValidation::Ignore] {
        if let Ok(parsed) = parse::from_yaml_str(text, mode) {
            // Strict has no warnings to give: an unknown field or a dropped value is an error.
            assert!(mode != FieldValidation::Strict || parsed.warnings.is_empty());
        }
        for result in parse::from_yaml_documents(text, mode) {
            if let Err(e) = result {
                let _ = e.to_string();
            }
        }
    }
});
