//! Finding every key repeated in one mapping, with its path, for the Warn and Ignore modes.
//!
//! Kubernetes' field validation reports a duplicate field as an error (Strict) or a warning
//! (Warn) and keeps the last value. The decoders stop at the first repetition, so the slow path
//! walks the document once more with a format that hands every repetition over.

use std::{collections::HashSet, fmt};

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{locate::KeyString, path::Seg};

/// Walks the document of `de` and pushes the path of each repeated key onto `found`, in input
/// order (a key given three times is pushed twice).
pub(super) fn find<'de, D: Deserializer<'de>>(de: D, found: &mut Vec<Vec<Seg>>) -> Result<(), D::Error> {
    Walk { path: &mut Vec::new(), found }.deserialize(de)
}

struct Walk<'a> {
    path: &'a mut Vec<Seg>,
    found: &'a mut Vec<Vec<Seg>>,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(KeyString(key)) = map.next_key()? {
            self.path.push(Seg::Key(key.clone()));
            if !seen.insert(key) {
                self.found.push(self.path.clone());
            }
            let result = map.next_value_seed(Walk { path: self.path, found: self.found });
            self.path.pop();
            result?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        loop {
            self.path.push(Seg::Index(index));
            let item = seq.next_element_seed(Walk { path: self.path, found: self.found });
            self.path.pop();
            if item?.is_none() {
                return Ok(());
            }
            index = index.saturating_add(1);
        }
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_bytes<E>(self, _: &[u8]) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::path::display_path;

    /// Rows: (JSON, repeated paths in input order). Kubernetes' duplicate-field detection
    /// (apimachinery `json.UnmarshalStrict` / sigs.k8s.io/json `DisallowDuplicateFields`).
    #[test]
    fn finds_repeated_keys_with_their_paths() {
        let rows: &[(&str, &[&str])] = &[
            (r#"{"a": 1, "b": 2}"#, &[]),
            (r#"{"a": 1, "a": 2, "a": 3}"#, &["a", "a"]),
            (r#"{"spec": {"retry": {}, "x": [{"k": 1, "k": 2}], "retry": {}}}"#, &["spec.x[0].k", "spec.retry"]),
            (r#"{"a": {"b": 1}, "c": {"b": 1}}"#, &[]),
        ];
        for (json, expected) in rows {
            let mut found = Vec::new();
            find(&mut serde_json::Deserializer::from_str(json), &mut found).unwrap_or_else(|e| panic!("{json}: {e}"));
            let got: Vec<String> = found.iter().map(|p| display_path(p)).collect();
            assert_eq!(got, *expected, "{json}");
        }
    }
}
