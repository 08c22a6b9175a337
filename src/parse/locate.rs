//! Locating a field path in a document, for the line and column of a finding.
//!
//! The document is walked again and the walk stops with a marker error at the wanted key, so the
//! format attaches the position of the event it was reading.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{
    Limits, Location,
    documents::split_documents,
    path::{Seg, parse_display_path},
    source::Source,
    strip_bom,
};

/// Where a field path is in a YAML stream, for reporting a [`validate()`] finding with its line:
/// `path` as [`ValidationError::path`] or [`FieldIssue::path`] print it
/// (`spec.targetRefs[0].name`), in the document numbered `document` from 0 (blank documents are
/// not counted, as in [`from_yaml_documents`]). For an item of a `BackendTrafficPolicyList`,
/// prefix the path with `items[i].`.
///
/// ```
/// use backend_traffic_policy::parse::locate_in_yaml;
/// let yaml = "a: 1\n---\nspec:\n  retry:\n    numRetries: -1\n";
/// let location = locate_in_yaml(yaml, 1, "spec.retry.numRetries").unwrap();
/// assert_eq!((location.line, location.column), (5, 5));
/// ```
///
/// [`validate()`]: crate::BackendTrafficPolicy::validate
/// [`ValidationError::path`]: crate::ValidationError::path
/// [`FieldIssue::path`]: super::FieldIssue::path
/// [`from_yaml_documents`]: super::from_yaml_documents
#[must_use]
pub fn locate_in_yaml(text: &str, document: usize, path: &str) -> Option<Location> {
    let doc = split_documents(strip_bom(text), Limits::default()).nth(document)?;
    doc.locate(&parse_display_path(path)?)
}

/// The marker error that ends a locating walk (printable: serde-saphyr escapes control
/// characters in messages).
pub(super) const LOCATED: &str = "btp-parse-locator-reached-the-path";

pub(super) struct Locator<'p> {
    pub(super) path: &'p [Seg],
    pub(super) depth: usize,
    /// Which occurrence of the last key to stop at, from 0: a repeated key is seen once per
    /// occurrence (where the format hands repetitions over).
    pub(super) occurrence: usize,
    /// At the wanted list or map, stop at its first key or item instead: for a format that
    /// attaches no position to an error raised at a collection (serde-saphyr).
    pub(super) first_child: bool,
}

impl<'de> DeserializeSeed<'de> for Locator<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl Locator<'_> {
    /// A scalar ends the walk: it is the wanted value when the path is used up.
    fn scalar<E: serde::de::Error>(&self) -> Result<(), E> {
        if self.depth == self.path.len() { Err(E::custom(LOCATED)) } else { Ok(()) }
    }
}

impl<'de> Visitor<'de> for Locator<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        if self.depth == self.path.len() {
            if self.first_child {
                map.next_key_seed(KeySeed { stop_at: None, any: true })?;
            }
            return Err(serde::de::Error::custom(LOCATED));
        }
        let last = self.depth.saturating_add(1) == self.path.len();
        let wanted = match self.path.get(self.depth) {
            Some(Seg::Key(k)) => Some(k.as_str()),
            _ => None,
        };
        // For the last step the key itself errors, so the position is the key's.
        let mut skip = self.occurrence;
        loop {
            let stop_at = if last && skip == 0 { wanted } else { None };
            let Some(key) = map.next_key_seed(KeySeed { stop_at, any: false })? else { break };
            if wanted == Some(key.0.as_str()) {
                if last {
                    skip = skip.saturating_sub(1);
                } else {
                    let next = Locator {
                        path: self.path,
                        depth: self.depth.saturating_add(1),
                        occurrence: self.occurrence,
                        first_child: self.first_child,
                    };
                    return map.next_value_seed(next);
                }
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if self.depth == self.path.len() {
            if self.first_child {
                seq.next_element_seed(Locator { path: &[], depth: 0, occurrence: 0, first_child: true })?;
            }
            return Err(serde::de::Error::custom(LOCATED));
        }
        let mut index = 0usize;
        loop {
            if matches!(self.path.get(self.depth), Some(Seg::Index(i)) if *i == index) {
                let next = Locator {
                    path: self.path,
                    depth: self.depth.saturating_add(1),
                    occurrence: self.occurrence,
                    first_child: self.first_child,
                };
                return seq.next_element_seed(next).map(|_| ());
            }
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
            index = index.saturating_add(1);
        }
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        self.scalar()
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
        self.scalar()
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.scalar()
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        self.scalar()
    }
}

/// Reads a map key, failing with the locator's marker when it is the key being looked for.
///
/// The marker is raised inside the key's own visitor, so the format attaches the key's position
/// (raised after the key is read, YAML would attach the position of the enclosing mapping).
struct KeySeed<'a> {
    stop_at: Option<&'a str>,
    /// Stop at whatever key comes.
    any: bool,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = KeyString;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<KeyString, D::Error> {
        // As an identifier, as serde_ignored reads the unknown keys it reports: a YAML key `~`
        // or `1.50` is read as written.
        de.deserialize_identifier(KeyVisitor { stop_at: self.stop_at, any: self.any })
    }
}

/// A map key read as text whatever its YAML type (numbers and booleans included).
pub(super) struct KeyString(pub(super) String);

impl<'de> serde::Deserialize<'de> for KeyString {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_any(KeyVisitor { stop_at: None, any: false })
    }
}

struct KeyVisitor<'a> {
    stop_at: Option<&'a str>,
    any: bool,
}

impl KeyVisitor<'_> {
    fn key<E: serde::de::Error>(self, key: String) -> Result<KeyString, E> {
        if self.any || self.stop_at == Some(key.as_str()) { Err(E::custom(LOCATED)) } else { Ok(KeyString(key)) }
    }
}

impl Visitor<'_> for KeyVisitor<'_> {
    type Value = KeyString;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map key")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<KeyString, E> {
        self.key(v.to_owned())
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<KeyString, E> {
        self.key(v.to_string())
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<KeyString, E> {
        self.key(v.to_string())
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<KeyString, E> {
        self.key(v.to_string())
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<KeyString, E> {
        self.key(v.to_string())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<KeyString, E> {
        self.key("null".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{path::display_path, yaml::YamlDoc};

    #[test]
    fn locates_keys_and_items() {
        let text = "a: 1\nspec:\n  retry:\n    numRetrys: 3\n  list:\n  - x\n  - y\n";
        let doc = YamlDoc { text, first_line: 1, limits: Limits::DEFAULT };
        let key = |k: &str| Seg::Key(k.into());
        type Case<'a> = (&'a [Seg], Option<(usize, usize)>);
        let cases: &[Case<'_>] = &[
            (&[key("spec"), key("retry"), key("numRetrys")], Some((4, 5))),
            (&[key("spec"), key("list")], Some((5, 3))),
            (&[key("spec"), key("list"), Seg::Index(1)], Some((7, 5))),
            (&[key("spec"), key("nope")], None),
        ];
        for (path, expected) in cases {
            let got = doc.locate(path).map(|l| (l.line, l.column));
            assert_eq!(got, *expected, "{}", display_path(path));
        }
    }
}
