//! A YAML stream split into documents, and the choice of reading each as YAML or as JSON.

use serde::de::IgnoredAny;
use serde_json::Value;

use super::{
    Limits, Location, ParseError,
    json::Json,
    path::Seg,
    root::TypeMeta,
    source::{RunError, Source, erased},
    yaml::YamlDoc,
};

/// Splits a YAML stream on `---` lines, remembering where each document starts. Document
/// markers are only recognised at the start of a line, as the YAML specification says.
pub(super) fn split_documents(text: &str, limits: Limits) -> impl Iterator<Item = YamlDoc<'_>> {
    let mut docs = Vec::new();
    // Byte offsets into `text`, at line starts (so on character boundaries), and line numbers;
    // none can overflow, as each is at most the length of `text` plus 2.
    let mut start = 0usize;
    let mut start_line = 1usize;
    let mut offset = 0usize;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_end_matches(['\n', '\r']);
        let is_marker = trimmed == "---" || trimmed.starts_with("--- ") || trimmed == "...";
        if is_marker {
            docs.push(YamlDoc { text: text.get(start..offset).unwrap_or_default(), first_line: start_line, limits });
            start = offset.saturating_add(line.len());
            start_line = index.saturating_add(2);
            if let Some(rest) = trimmed.strip_prefix("--- ") {
                // `--- {inline}`: keep the content on the marker line.
                if !rest.trim().is_empty() && !rest.trim_start().starts_with('#') {
                    start = offset.saturating_add("--- ".len());
                    start_line = index.saturating_add(1);
                }
            }
        }
        offset = offset.saturating_add(line.len());
    }
    docs.push(YamlDoc { text: text.get(start..).unwrap_or_default(), first_line: start_line, limits });
    docs.into_iter().filter(|d| !is_blank_yaml(d.text))
}

fn is_blank_yaml(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    })
}

/// One document of a YAML stream, read as YAML or, when it is JSON, as JSON.
pub(super) enum Document<'a> {
    Yaml(YamlDoc<'a>),
    Json(Json<'a>),
}

impl<'a> Document<'a> {
    /// Chooses how to read `doc`. libyaml's scanner spends, on every token, time proportional
    /// to the nesting of flow collections, and that nesting is unknown before parsing; what is
    /// known is how many flow collections there are at most. A document with more than
    /// [`Limits::max_yaml_flow_collections`] is read as JSON when it is JSON (serde_json's time
    /// is linear), and rejected otherwise.
    pub(super) fn new(doc: YamlDoc<'a>) -> Result<Self, ParseError> {
        let limit = doc.limits.max_yaml_flow_collections;
        let found = flow_collections(doc.text.as_bytes(), limit);
        if found <= limit {
            return Ok(Self::Yaml(doc));
        }
        // serde_json skips values without recursion, so this costs one linear pass.
        if serde_json::from_str::<IgnoredAny>(doc.text).is_ok() {
            return Ok(Self::Json(Json { bytes: doc.text.as_bytes(), limits: doc.limits, first_line: doc.first_line }));
        }
        Err(ParseError::TooManyFlowCollections { limit, location: Some(Location { line: doc.first_line, column: 1 }) })
    }
}

/// The number of `[` and `{` in `text` that are not directly closed (`[]` and `{}` are not
/// counted), up to `limit + 1`: an upper bound on the number of non-empty flow collections
/// libyaml can find, whatever is quoted or commented out.
fn flow_collections(text: &[u8], limit: usize) -> usize {
    let mut found = 0usize;
    let mut bytes = text.iter().peekable();
    while let Some(&b) = bytes.next() {
        let open = match b {
            b'[' => b']',
            b'{' => b'}',
            _ => continue,
        };
        if bytes.peek() == Some(&&open) {
            bytes.next();
            continue;
        }
        found = found.saturating_add(1);
        if found > limit {
            break;
        }
    }
    found
}

impl Source for Document<'_> {
    fn run<T>(&self, f: &mut dyn FnMut(&mut dyn erased::De) -> Result<T, RunError>) -> Result<T, RunError> {
        match self {
            Self::Yaml(doc) => doc.run(f),
            Self::Json(doc) => doc.run(f),
        }
    }
    fn locate(&self, path: &[Seg]) -> Option<Location> {
        match self {
            Self::Yaml(doc) => doc.locate(path),
            Self::Json(doc) => doc.locate(path),
        }
    }
    fn to_value(&self, strict: bool) -> Result<Value, ParseError> {
        match self {
            Self::Yaml(doc) => doc.to_value(strict),
            Self::Json(doc) => doc.to_value(strict),
        }
    }
    fn limits(&self) -> &Limits {
        match self {
            Self::Yaml(doc) => doc.limits(),
            Self::Json(doc) => doc.limits(),
        }
    }
    fn type_meta(&self) -> Option<TypeMeta> {
        match self {
            Self::Yaml(doc) => doc.type_meta(),
            Self::Json(doc) => doc.type_meta(),
        }
    }
}
