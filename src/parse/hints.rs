//! Hints for unknown fields: near misses of a schema property and spellings of older releases.

use super::path::Seg;

/// Spellings from the KubeLB documentation and older Envoy Gateway releases, with their v1.9
/// meaning. Matched on the path with list indices removed.
const MIGRATIONS: &[(&str, &str)] = &[
    ("spec.retry.retryOn", "Envoy Gateway v1.9 takes an object here: list the triggers under `retryOn.triggers`"),
    ("spec.retry.retriableStatusCodes", "Envoy Gateway v1.9 spells this `spec.retry.retryOn.httpStatusCodes`"),
    (
        "spec.loadBalancer.leastRequest",
        "Envoy Gateway v1.9 has no LeastRequest settings such as `choiceCount`; `type: LeastRequest` alone selects it",
    ),
    ("spec.targetRef.namespace", "a policy can only target objects in its own namespace; remove `namespace`"),
];

pub(super) fn migration_hint(path: &[Seg]) -> Option<&'static str> {
    let keys: Vec<&str> = path
        .iter()
        .filter_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
        .collect();
    let joined = keys.join(".");
    MIGRATIONS.iter().find(|(p, _)| *p == joined).map(|(_, hint)| *hint)
}

/// For a boolean or a number where a string belongs: how to write it as text. kubectl reads
/// YAML 1.1 (sigs.k8s.io/yaml on go-yaml v2), where plain `yes`, `no`, `on`, `off`, `y` and `n`
/// are booleans, and the API server then refuses the boolean in a string field. An enum field
/// (`expected a XRateLimitHeaders string`) is a string in the schema too.
pub(super) fn quote_hint(message: &str) -> Option<&'static str> {
    let expected = message.split_once(", expected ").map_or("", |(_, expected)| expected);
    if !(expected.starts_with("a ") && expected.ends_with(" string")) {
        return None;
    }
    if message.starts_with("invalid type: boolean") {
        Some(
            "quote the value to make it a string: unquoted, `yes`, `no`, `on`, `off`, `y`, `n`, `true` and `false` are booleans in the YAML 1.1 that kubectl reads",
        )
    } else if message.starts_with("invalid type: integer") || message.starts_with("invalid type: floating point") {
        Some("quote the value to make it a string")
    } else {
        None
    }
}

pub(super) fn hint_for_unknown(path: &[Seg]) -> Option<String> {
    if let Some(hint) = migration_hint(path) {
        return Some(hint.to_owned());
    }
    let (Seg::Key(unknown), parent) = path.split_last()? else { return None };
    let known = known_fields(parent)?;
    let best = known
        .iter()
        .map(|k| (near_miss(unknown, k), k))
        .filter_map(|(d, k)| d.map(|d| (d, k)))
        .min_by_key(|(d, _)| *d)?;
    Some(format!("did you mean `{}`?", best.1))
}

/// Distance between an unknown key and a real one: 0 for a case difference, else the edit
/// distance when it is small for the key's length.
fn near_miss(unknown: &str, known: &str) -> Option<usize> {
    if unknown.eq_ignore_ascii_case(known) {
        return Some(0);
    }
    let limit = if known.len() <= 4 { 1 } else { 2 };
    // The edit distance is at least the difference in length: a long key (up to
    // `Limits::max_string_bytes`) is not compared character by character.
    if unknown.chars().count().abs_diff(known.chars().count()) > limit {
        return None;
    }
    let d = levenshtein(&unknown.to_ascii_lowercase(), &known.to_ascii_lowercase());
    (d <= limit).then_some(d)
}

/// The edit distance between `a` and `b`, one row of the table at a time.
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = Vec::with_capacity(prev.len());
    for (i, ca) in a.chars().enumerate() {
        cur.clear();
        cur.push(i.saturating_add(1));
        // `prev` has one entry more than `b`: `prev[j]` and `prev[j + 1]` are its neighbours.
        for ((cb, &diagonal), &above) in b.iter().zip(&prev).zip(prev.iter().skip(1)) {
            let left = cur.last().copied().unwrap_or(usize::MAX);
            let best = diagonal
                .saturating_add(usize::from(ca != *cb))
                .min(above.saturating_add(1))
                .min(left.saturating_add(1));
            cur.push(best);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or_default()
}

/// The property names the schema has at `path` (list indices step into `items`).
fn known_fields(path: &[Seg]) -> Option<Vec<String>> {
    let mut node = crate::crd::schema_value();
    for seg in path {
        node = match seg {
            Seg::Key(k) => node.get("properties")?.get(k)?,
            Seg::Index(_) => node.get("items")?,
        };
    }
    Some(node.get("properties")?.as_object()?.keys().cloned().collect())
}
