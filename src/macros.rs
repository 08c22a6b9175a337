//! Internal macros shared by the API-area modules.

/// Declares a closed string set of the API as a Rust enum.
///
/// Every generated enum has one variant per wire value plus `Unknown(String)`, which keeps a
/// value this crate does not know (a newer Envoy Gateway, or a typo) instead of failing the
/// whole object: nothing is lost on a round trip and `validate()` reports the value with the
/// API server's `Unsupported value` message. The schema lists the known values as `enum`
/// unless the upstream CRD leaves the field open (`@open;` in front of the enum), or twice in an
/// `allOf` where the upstream CRD does (`@twice;`: kubebuilder writes the enum of the type and
/// the one of the field), which changes the API server's messages.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $(@$open:ident;)?
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $wire:literal,
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $(
                $(#[$vmeta])*
                $variant,
            )+
            /// A value outside the set this crate knows, kept as written.
            Unknown(String),
        }

        impl $name {
            /// The wire spelling of every known value, in the upstream order.
            pub const VALUES: &'static [&'static str] = &[$($wire),+];

            /// The wire spelling of this value.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Unknown(other) => other.as_str(),
                }
            }

            /// `false` for [`Self::Unknown`] values.
            #[must_use]
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }

            /// Maps a wire value to its variant, allocating only for unknown values.
            #[must_use]
            pub fn from_wire(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from_wire(s))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::from_wire(s)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                struct V;
                impl ::serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " string"))
                    }
                    fn visit_str<E: ::serde::de::Error>(self, v: &str) -> ::std::result::Result<$name, E> {
                        Ok($name::from_wire(v))
                    }
                }
                d.deserialize_str(V)
            }
        }

        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn inline_schema() -> bool {
                true
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                string_enum!(@schema Self::VALUES; $($open)?)
            }
        }
    };
    (@schema $values:expr; open) => { ::schemars::json_schema!({ "type": "string" }) };
    (@schema $values:expr; twice) => {
        ::schemars::json_schema!({ "type": "string", "allOf": [{ "enum": $values }, { "enum": $values }] })
    };
    (@schema $values:expr;) => { ::schemars::json_schema!({ "type": "string", "enum": $values }) };
}
pub(crate) use string_enum;
