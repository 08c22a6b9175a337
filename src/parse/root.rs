//! The document root, read with its `apiVersion` and `kind` for the kind check.
//!
//! kube's derived type writes `apiVersion` and `kind` as constants and does not read them, so
//! the root is read here.

use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

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
///
/// The policy is boxed and filled in place: it is large (the spec holds every area inline), and
/// each pass of a decoded document from one function to the next would otherwise copy it.
pub(crate) struct Doc {
    pub(super) api_version: Option<String>,
    pub(super) kind: Option<String>,
    pub(super) policy: Box<BackendTrafficPolicy>,
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
                // Empty metadata and spec, no status: what a document without them decodes to.
                let mut policy = Box::<BackendTrafficPolicy>::default();
                let (mut api_version, mut kind) = (None, None);
                let (mut metadata, mut spec, mut status) = (false, false, false);
                while let Some(key) = map.next_key::<RootKey>()? {
                    let duplicate = match key {
                        RootKey::ApiVersion => api_version.replace(map.next_value::<String>()?).is_some(),
                        RootKey::Kind => kind.replace(map.next_value::<String>()?).is_some(),
                        RootKey::Metadata => {
                            policy.metadata = map.next_value()?;
                            std::mem::replace(&mut metadata, true)
                        }
                        RootKey::Spec => {
                            policy.spec = map.next_value()?;
                            std::mem::replace(&mut spec, true)
                        }
                        RootKey::Status => {
                            policy.status = map.next_value::<Option<crate::PolicyStatus>>()?;
                            std::mem::replace(&mut status, true)
                        }
                        RootKey::Other => {
                            map.next_value::<IgnoredAny>()?;
                            false
                        }
                    };
                    if duplicate {
                        return Err(A::Error::custom(format_args!("duplicate field `{}`", key.name())));
                    }
                }
                if !spec {
                    return Err(A::Error::missing_field("spec"));
                }
                Ok(Doc { api_version, kind, policy })
            }
        }
        de.deserialize_map(V)
    }
}

/// A key of the document root, read without copying it.
#[derive(Clone, Copy)]
enum RootKey {
    ApiVersion,
    Kind,
    Metadata,
    Spec,
    Status,
    /// Any other key, of any YAML type (`1: x` included): not a field of the policy.
    Other,
}

impl RootKey {
    /// The key as written (an `Other` key is never reported as repeated here).
    fn name(self) -> &'static str {
        match self {
            Self::ApiVersion => "apiVersion",
            Self::Kind => "kind",
            Self::Metadata => "metadata",
            Self::Spec => "spec",
            Self::Status => "status",
            Self::Other => "",
        }
    }
}

impl<'de> serde::Deserialize<'de> for RootKey {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct K;
        impl Visitor<'_> for K {
            type Value = RootKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map key")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RootKey, E> {
                Ok(match v {
                    "apiVersion" => RootKey::ApiVersion,
                    "kind" => RootKey::Kind,
                    "metadata" => RootKey::Metadata,
                    "spec" => RootKey::Spec,
                    "status" => RootKey::Status,
                    _ => RootKey::Other,
                })
            }
            // A key that is no string (YAML's `1`, `true`, `~`, `1.5`) is no field of the policy.
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<RootKey, E> {
                Ok(RootKey::Other)
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<RootKey, E> {
                Ok(RootKey::Other)
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<RootKey, E> {
                Ok(RootKey::Other)
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<RootKey, E> {
                Ok(RootKey::Other)
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<RootKey, E> {
                Ok(RootKey::Other)
            }
        }
        de.deserialize_any(K)
    }
}
