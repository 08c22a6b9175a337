//! The document root, read with its `apiVersion` and `kind` for the kind check.
//!
//! kube's derived type writes `apiVersion` and `kind` as constants and does not read them, so
//! the root is read here.

use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

use super::locate::KeyString;
use crate::BackendTrafficPolicy;

/// The type fields of a document, read without the rest (a missing one is empty).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct TypeMeta {
    #[serde(default)]
    pub(super) api_version: String,
    #[serde(default)]
    pub(super) kind: String,
}

/// A decoded document: its type fields as written and the policy.
pub(crate) struct Doc {
    pub(super) api_version: Option<String>,
    pub(super) kind: Option<String>,
    pub(super) policy: BackendTrafficPolicy,
}

impl<'de> serde::Deserialize<'de> for Doc {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Doc;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a BackendTrafficPolicy object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Doc, A::Error> {
                use serde::de::Error;
                let (mut api_version, mut kind, mut metadata, mut spec, mut status) = (None, None, None, None, None);
                while let Some(key) = map.next_key::<KeyString>()? {
                    let duplicate = match key.0.as_str() {
                        "apiVersion" => api_version.replace(map.next_value::<String>()?).is_some(),
                        "kind" => kind.replace(map.next_value::<String>()?).is_some(),
                        "metadata" => metadata.replace(map.next_value()?).is_some(),
                        "spec" => spec.replace(map.next_value()?).is_some(),
                        "status" => status.replace(map.next_value::<Option<crate::PolicyStatus>>()?).is_some(),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            false
                        }
                    };
                    if duplicate {
                        return Err(A::Error::custom(format_args!("duplicate field `{}`", key.0)));
                    }
                }
                let spec = spec.ok_or_else(|| A::Error::missing_field("spec"))?;
                let mut policy = BackendTrafficPolicy::new("", spec);
                policy.metadata = metadata.unwrap_or_default();
                policy.status = status.flatten();
                Ok(Doc { api_version, kind, policy })
            }
        }
        de.deserialize_map(V)
    }
}
