//! The YAML fast pass against the resolving pass: where the fast one succeeds, both agree.
//!
//! The fast pass (`Budget::yaml_fast`) asks serde-saphyr for structs and maps directly; the
//! resolving pass (`Budget::yaml`, the one that reports errors) reads every value through
//! `deserialize_any`. Each row puts something other than a plain mapping where a struct or map
//! belongs; the corpus documents are the mappings themselves.

use super::YamlDoc;
use crate::parse::{Limits, source::Source as _};

const HEAD: &str = "apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: BackendTrafficPolicy\n";

/// Rows: (what sits where a struct or map belongs, the document's tail after `HEAD`, whether
/// the fast pass reads it). A `false` row is read by the resolving pass alone, which reports it;
/// a `true` row must read alike in both.
const ROWS: &[(&str, &str, bool)] = &[
    ("a plain document", "metadata:\n  name: p\nspec: {}\n", true),
    ("a list where a struct belongs", "metadata: {name: p}\nspec:\n  retry: [1, 2]\n", false),
    ("a scalar where a struct belongs", "metadata: {name: p}\nspec:\n  retry: x\n", false),
    ("null where a struct belongs", "metadata: {name: p}\nspec:\n  retry: ~\n", true),
    ("an empty value where a struct belongs", "metadata: {name: p}\nspec:\n  retry:\n", true),
    ("a tagged mapping", "metadata: {name: p}\nspec:\n  retry: !!map {numRetries: 2}\n", true),
    ("a binary scalar where a struct belongs", "metadata: {name: p}\nspec:\n  retry: !!binary AQID\n", false),
    (
        "an alias of a mapping",
        "metadata:\n  name: p\n  annotations: &r {group: gateway.networking.k8s.io, kind: Gateway, name: g}\nspec:\n  targetRef: *r\n",
        true,
    ),
    ("an alias of a scalar where a struct belongs", "metadata: {name: &t p}\nspec:\n  retry: *t\n", false),
    ("a merge key into a struct", "metadata: {name: p}\nspec:\n  retry:\n    <<: {numRetries: 4}\n", true),
    ("a list where a map belongs", "metadata:\n  name: p\n  labels: [a]\nspec: {}\n", false),
    ("a scalar where a map belongs", "metadata:\n  name: p\n  labels: a\nspec: {}\n", false),
    ("null where a map belongs", "metadata:\n  name: p\n  labels: ~\nspec: {}\n", true),
    ("an empty flow mapping for a struct", "metadata: {name: p}\nspec:\n  retry: {}\n", true),
    ("a nested struct in flow style", "metadata: {name: p}\nspec:\n  retry: {perRetry: {timeout: 1s}}\n", true),
    ("the metadata as a list", "metadata: [p]\nspec: {}\n", false),
    ("the spec as a list", "metadata: {name: p}\nspec: []\n", false),
    ("the spec as null", "metadata: {name: p}\nspec: ~\n", false),
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
    for &(name, tail, fast) in ROWS {
        assert_eq!(agree(name, &format!("{HEAD}{tail}")), fast, "{name}: fast pass");
    }
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
