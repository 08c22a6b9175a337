//! A YAML stream split into documents, each remembering the line it starts on.

use super::{Limits, yaml::YamlDoc};

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
        if let Some(trimmed) = marker(line) {
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

/// The line without its line break when it is a document marker (`---`, `--- ...`, `...`).
fn marker(line: &str) -> Option<&str> {
    // Only a line starting with `-` or `.` can be one; the others are not trimmed (this scan
    // runs on every YAML document read).
    if !matches!(line.as_bytes().first(), Some(b'-' | b'.')) {
        return None;
    }
    let trimmed = line.trim_end_matches(['\n', '\r']);
    (trimmed == "---" || trimmed.starts_with("--- ") || trimmed == "...").then_some(trimmed)
}

fn is_blank_yaml(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    })
}
