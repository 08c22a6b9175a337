//! Response compression: which algorithms Envoy may use to compress backend responses.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    Quantity,
    envoy_gateway::{Ignored, SilentDrop},
    macros::string_enum,
};

string_enum! {
    /// A compression algorithm Envoy can apply to responses.
    pub enum CompressorType {
        /// gzip (`Content-Encoding: gzip`).
        Gzip = "Gzip",
        /// Brotli (`Content-Encoding: br`).
        Brotli = "Brotli",
        /// Zstandard (`Content-Encoding: zstd`).
        Zstd = "Zstd",
    }
}

/// One compressor offered to clients; in a list, earlier entries are preferred.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Compression {
    /// The algorithm. Required.
    pub r#type: CompressorType,
    /// Brotli settings (none yet); meaningful when `type` is `Brotli`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brotli: Option<Brotli>,
    /// gzip settings (none yet); meaningful when `type` is `Gzip`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gzip: Option<Gzip>,
    /// Zstandard settings (none yet); meaningful when `type` is `Zstd`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zstd: Option<Zstd>,
    /// Smallest response body, in bytes, that gets compressed (Envoy needs at least 30); a
    /// plain number means bytes. Defaults to 30 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_content_length: Option<Quantity>,
}

impl Compression {
    /// A compressor of the given type with no other setting.
    #[must_use]
    pub fn new(r#type: CompressorType) -> Self {
        Self { r#type, brotli: None, gzip: None, zstd: None, min_content_length: None }
    }
}

/// Brotli settings: an empty object today, kept so that `brotli: {}` round-trips.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Brotli {}

/// gzip settings: an empty object today, kept so that `gzip: {}` round-trips.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Gzip {}

/// Zstandard settings: an empty object today, kept so that `zstd: {}` round-trips.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Zstd {}

impl Compression {
    /// S04: `buildCompression` (backendtrafficpolicy.go:2540-2563) skips a `compressor` entry
    /// whose algorithm block (`gzip`, `brotli` or `zstd`, matching `type`) is absent; `index` is
    /// the entry's position in `spec.compressor`. The deprecated `compression` list needs no block.
    pub(crate) fn envoy_gateway_ignored(&self, index: usize, out: &mut Vec<Ignored>) {
        let has_block = match self.r#type {
            CompressorType::Gzip => self.gzip.is_some(),
            CompressorType::Brotli => self.brotli.is_some(),
            CompressorType::Zstd => self.zstd.is_some(),
            CompressorType::Unknown(_) => false,
        };
        if !has_block {
            let block = match self.r#type {
                CompressorType::Gzip => "gzip",
                CompressorType::Brotli => "brotli",
                CompressorType::Zstd => "zstd",
                CompressorType::Unknown(_) => "algorithm",
            };
            out.push(Ignored::new(
                SilentDrop::S04,
                format!("spec.compressor[{index}]"),
                format!(
                    "the entry has no `{block}` block, so Envoy Gateway skips it and this compressor is not enabled"
                ),
            ));
        }
    }
}
