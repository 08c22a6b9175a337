//! The YAML fast pass against the resolving pass: where the fast one succeeds, both agree.
//!
//! The fast pass (`Budget::yaml_fast`) asks serde-saphyr for structs and maps directly; the
//! resolving pass (`Budget::yaml`, the one that reports errors) reads every value through
//! `deserialize_any`. Each row puts something other than a plain mapping where a struct or map
//! belongs; the corpus documents are the mappings themselves.

use super::YamlDoc;
use crate::parse::{Limits, source::Source as _};

const HEAD: &str = "apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: BackendTrafficPolicy\n";
const META: &str = "metadata:\n  name: p\n";

/// Rows: (what sits where a struct or map belongs, the document's tail after `HEAD`).
const ROWS: &[(&str, &str)] = &[
    ("a list where a struct belongs", "metadata: {name: p}\nspec:\n  retry: [1, 2]\n"),
    ("a scalar where a struct belongs", "metadata: {name: p}\nspec:\n  retry: x\n"),
    ("null where a struct belongs", "metadata: {name: p}\nspec:\n  retry: ~\n"),
    ("an empty value where a struct belongs", "metadata: {name: p}\nspec:\n  retry:\n"),
    ("a tagged mapping", "metadata: {name: p}\nspec:\n  retry: !!map {numRetries: 2}\n"),
    ("a binary scalar where a struct belongs", "metadata: {name: p}\nspec:\n  retry: !!binary AQID\n"),
    (
        "an alias of a mapping",
        "metadata:\n  name: p\n  annotations: &r {group: gateway.networking.k8s.io, kind: Gateway, name: g}\nspec:\n  targetRef: *r\n",
    ),
    ("an alias of a scalar where a struct belongs", "metadata: {name: &t p}\nspec:\n  retry: *t\n"),
    ("a merge key into a struct", "metadata: {name: p}\nspec:\n  retry:\n    <<: {numRetries: 4}\n"),
    ("a list where a map belongs", "metadata:\n  name: p\n  labels: [a]\nspec: {}\n"),
    ("a scalar where a map belongs", "metadata:\n  name: p\n  labels: a\nspec: {}\n"),
    ("null where a map belongs", "metadata:\n  name: p\n  labels: ~\nspec: {}\n"),
    ("an empty flow mapping for a struct", "metadata: {name: p}\nspec:\n  retry: {}\n"),
    ("a nested struct in flow style", "metadata: {name: p}\nspec:\n  retry: {perRetry: {timeout: 1s}}\n"),
    ("the metadata as a list", "metadata: [p]\nspec: {}\n"),
    ("the spec as a list", "metadata: {name: p}\nspec: []\n"),
    ("the spec as null", "metadata: {name: p}\nspec: ~\n"),
];

/// Both passes over `text`; panics when the fast one succeeds and the other differs.
fn agree(name: &str, text: &str) -> bool {
    let doc = YamlDoc { text, first_line: 1, limits: Limits::default() };
    let fast = doc.run(&mut |de| Ok(de.clean())).ok().flatten();
    let resolved = doc.run(&mut |de| de.policy(&mut |_| {}, true)).ok();
    if let Some(fast) = &fast {
        let resolved = resolved.as_ref().unwrap_or_else(|| panic!("{name}: only the fast pass reads it\n{text}"));
        assert_eq!(fast.policy, resolved.policy, "{name}\n{text}");
        assert_eq!((&fast.api_version, &fast.kind), (&resolved.api_version, &resolved.kind), "{name}");
    }
    fast.is_some()
}

#[test]
fn the_fast_pass_reads_only_what_the_resolving_pass_reads_alike() {
    for (name, tail) in ROWS {
        agree(name, &format!("{HEAD}{tail}"));
    }
    // The rows that are clean mappings take the fast pass (so the table tests it at all).
    for clean in
        ["a tagged mapping", "an alias of a mapping", "a merge key into a struct", "a nested struct in flow style"]
    {
        let (_, tail) = ROWS.iter().find(|(name, _)| *name == clean).unwrap_or_else(|| panic!("{clean}"));
        assert!(agree(clean, &format!("{HEAD}{tail}")), "{clean} takes the fast pass");
    }
    assert!(agree("a plain document", &format!("{HEAD}{META}spec: {{}}\n")));
}

#[test]
fn the_corpus_takes_the_fast_pass_and_agrees() {
    let Some(dir) = std::env::var_os("BTP_CORPUS_DIR").map(std::path::PathBuf::from) else { return };
    let mut fast = 0;
    for entry in std::fs::read_dir(dir.join("upstream")).into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        for document in crate::parse::documents::split_documents(&text, Limits::default()) {
            fast += usize::from(agree(&entry.path().display().to_string(), document.text));
        }
    }
    assert!(fast >= 389, "{fast} corpus documents took the fast pass");
}
