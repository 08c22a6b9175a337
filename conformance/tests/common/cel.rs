//! A real CEL engine (kube-cel) as an oracle for the native rule checks of `validate()`.

use std::{collections::BTreeSet, sync::OnceLock};

use backend_traffic_policy::{BackendTrafficPolicy, validate::ErrorKind};
use serde_json::Value;

fn compiled() -> &'static kube_cel::CompiledSchema {
    static COMPILED: OnceLock<kube_cel::CompiledSchema> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let crd = serde_json::to_value(BackendTrafficPolicy::crd()).unwrap();
        let schema = &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
        let compiled = kube_cel::compile_schema(schema);
        assert!(!compiled.has_errors(), "CEL rules of crd() do not compile: {:?}", compiled.compilation_errors());
        compiled
    })
}

/// The rule failures kube-cel finds, as `(path, message)`.
pub fn oracle(policy: &BackendTrafficPolicy) -> BTreeSet<(String, String)> {
    let object: Value = serde_json::to_value(policy).unwrap();
    match kube_cel::validate_compiled(compiled(), &object, None) {
        Ok(()) => BTreeSet::new(),
        Err(errors) => errors.iter().map(|e| (e.field_path.clone(), e.message.clone())).collect(),
    }
}

/// The rule failures `validate()` finds, or `None` when its schema pass found errors that
/// stop the API server from running CEL (then there is nothing to compare).
pub fn native(policy: &BackendTrafficPolicy) -> Option<BTreeSet<(String, String)>> {
    let Err(errors) = policy.validate() else { return Some(BTreeSet::new()) };
    if errors.iter().any(|e| matches!(e.kind(), ErrorKind::RulesNotChecked)) {
        return None;
    }
    Some(errors.iter().filter_map(|e| e.rule().map(|rule| (e.path().to_owned(), rule.message.to_owned()))).collect())
}

/// Asserts that kube-cel and `validate()` agree on which rules fail where; names the rule and
/// the input when they do not.
pub fn assert_agrees(policy: &BackendTrafficPolicy, input: &str) {
    let Some(ours) = native(policy) else { return };
    let theirs = oracle(policy);
    if ours != theirs {
        let only_ours: Vec<_> = ours.difference(&theirs).collect();
        let only_theirs: Vec<_> = theirs.difference(&ours).collect();
        panic!(
            "{input}: validate() and kube-cel disagree\n  only validate(): {only_ours:?}\n  only kube-cel: {only_theirs:?}\n  policy: {}",
            serde_json::to_string(policy).unwrap()
        );
    }
}
