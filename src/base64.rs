//! `Base64`: the text of a `format: byte` field, kept as written, with the API server's check and
//! Go's decoding.
//!
//! The API server checks `format: byte` with kube-openapi's `strfmt.Default` registry, whose
//! `byte` validator is govalidator's `IsBase64`: the regular expression
//! `^(?:[A-Za-z0-9+\/]{4})*(?:[A-Za-z0-9+\/]{2}==|[A-Za-z0-9+\/]{3}=|[A-Za-z0-9+\/]{4})$`
//! (kube-openapi `pkg/internal/third_party/govalidator/patterns.go:12`, `strfmt/default.go:203`).
//! It needs at least one group, so the empty string fails. Go clients and Envoy Gateway then
//! decode the text with `base64.StdEncoding`, which ignores non-zero bits in the last symbol.

use std::{borrow::Cow, fmt};

use base64::{
    Engine as _,
    engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig},
};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Go's `base64.StdEncoding` for decoding: the standard alphabet, padding required, trailing
/// bits of the last symbol ignored.
const GO_STD_ENCODING: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// Whether `text` passes the API server's `format: byte` check (govalidator's `IsBase64`):
/// whole groups of four standard-alphabet symbols, the last one possibly padded with `=` or `==`.
#[must_use]
pub fn is_base64(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.is_empty() || !bytes.len().is_multiple_of(4) {
        return false;
    }
    let symbol = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/');
    let (body, last) = bytes.split_at(bytes.len().saturating_sub(4));
    let last_fits = match last {
        [a, b, b'=', b'='] => symbol(a) && symbol(b),
        [a, b, c, b'='] => symbol(a) && symbol(b) && symbol(c),
        group => group.iter().all(symbol),
    };
    last_fits && body.iter().all(symbol)
}

/// The text of a `format: byte` field (a base64 payload), kept exactly as written.
///
/// Deserializing accepts any string, so a policy reads back unchanged; [`is_valid`](Self::is_valid)
/// and [`BackendTrafficPolicy::validate`](crate::BackendTrafficPolicy::validate) apply the API
/// server's check, and [`bytes`](Self::bytes) decodes as Go does.
///
/// ```
/// use backend_traffic_policy::base64::Base64;
/// let payload = Base64::encode(b"ping");
/// assert_eq!(payload.as_str(), "cGluZw==");
/// assert_eq!(payload.bytes()?, b"ping");
/// assert!(!Base64::from("cGluZw").is_valid()); // padding is required
/// # Ok::<(), backend_traffic_policy::base64::Base64Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Base64(String);

/// Why a [`Base64`] text does not decode.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not base64 (groups of four standard-alphabet symbols, `=`-padded)")]
pub struct Base64Error {
    /// The text that failed.
    pub text: String,
}

impl Base64 {
    /// The standard, padded encoding of `bytes`.
    #[must_use]
    pub fn encode(bytes: impl AsRef<[u8]>) -> Self {
        Self(base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    /// The text as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `true` when the API server accepts the text ([`is_base64`]).
    #[must_use]
    pub fn is_valid(&self) -> bool {
        is_base64(&self.0)
    }

    /// The decoded bytes, as Go's `base64.StdEncoding` decodes the text.
    ///
    /// # Errors
    /// [`Base64Error`] when the API server would refuse the text.
    pub fn bytes(&self) -> Result<Vec<u8>, Base64Error> {
        if !self.is_valid() {
            return Err(Base64Error { text: self.0.clone() });
        }
        GO_STD_ENCODING.decode(&self.0).map_err(|_| Base64Error { text: self.0.clone() })
    }
}

impl From<String> for Base64 {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl From<&str> for Base64 {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl From<Base64> for String {
    fn from(value: Base64) -> Self {
        value.0
    }
}

impl fmt::Display for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Base64 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self)
    }
}

impl schemars::JsonSchema for Base64 {
    fn schema_name() -> Cow<'static, str> {
        "Base64".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "byte" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_as_govalidator_and_decodes_as_go() {
        // (text, IsBase64, Go's base64.StdEncoding.DecodeString when IsBase64 holds)
        let rows: &[(&str, bool, &[u8], &str)] = &[
            // govalidator validator_test.go TestIsBase64 rows
            ("Vml2YW11cyBmZXJtZW50dW0gc2VtcGVyIHBvcnRhLg==", true, b"Vivamus fermentum semper porta.", "TestIsBase64"),
            ("U3VzcGVuZGlzc2UgbGVjdHVzIGxlbw==", true, b"Suspendisse lectus leo", "TestIsBase64"),
            ("12345", false, b"", "TestIsBase64"),
            ("", false, b"", "TestIsBase64: the regex needs one group"),
            ("Vml2YW11cyBmZXJtZtesting123", false, b"", "TestIsBase64"),
            // the regex: padding only in the last group, never three `=`
            ("cGluZw==", true, b"ping", "EG cel test payload"),
            ("cGluZw", false, b"", "patterns.go:12: no unpadded tail"),
            ("cGl=Zw==", false, b"", "patterns.go:12: `=` only at the end"),
            ("c===", false, b"", "patterns.go:12: at most two `=`"),
            ("a-_b", false, b"", "patterns.go:12: standard alphabet, not URL-safe"),
            ("cGluZw==\n", false, b"", "patterns.go:12: no line breaks"),
            // Go's StdEncoding ignores the unused low bits of the last symbol (not Strict()).
            ("cGluZx==", true, b"ping", "encoding/base64 decodeQuantum: trailing bits ignored"),
            ("/+/+", true, &[0xff, 0xef, 0xfe], "standard alphabet"),
        ];
        for (text, valid, bytes, source) in rows {
            let value = Base64::from(*text);
            assert_eq!(value.is_valid(), *valid, "{text:?} ({source})");
            match value.bytes() {
                Ok(decoded) => assert_eq!(decoded, *bytes, "{text:?} ({source})"),
                Err(e) => assert!(!valid, "{text:?} ({source}): {e}"),
            }
        }
    }
}
