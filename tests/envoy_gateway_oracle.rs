//! Differential test of our verdict against Envoy Gateway's own translator code (the `egverify` oracle).
//!
//! Runs only when `BTP_EG_ORACLE` names the directory holding the built `egverify`
//! (`../shared/tools/eg-oracle/build.sh DIR`). Every row of our check table, every translator
//! fixture and every upstream policy that parses goes through both, with and without a
//! rate-limit service, and the condition messages must be equal.
// Test code: a panic here fails a test or a demo; no controller runs it on tenant input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;
#[path = "envoy_gateway_rows/mod.rs"]
mod rows;

use std::{collections::BTreeMap, path::PathBuf, process::Command};

use backend_traffic_policy::{
    BackendTrafficPolicy,
    envoy_gateway::Settings,
    parse::{self, FieldValidation},
};

/// Reads a Go `%q` string literal (strconv.Quote's escapes).
fn go_unquote(s: &str) -> String {
    let inner = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or_else(|| panic!("not quoted: {s}"));
    let mut out = String::new();
    let mut bytes: Vec<u8> = Vec::new();
    let mut chars = inner.chars();
    let flush = |bytes: &mut Vec<u8>, out: &mut String| {
        out.push_str(&String::from_utf8_lossy(bytes));
        bytes.clear();
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            flush(&mut bytes, &mut out);
            out.push(c);
            continue;
        }
        let hex = |chars: &mut std::str::Chars<'_>, n: usize| {
            u32::from_str_radix(&chars.by_ref().take(n).collect::<String>(), 16).unwrap()
        };
        match chars.next().unwrap() {
            'x' => bytes.push(u8::try_from(hex(&mut chars, 2)).unwrap()),
            other => {
                flush(&mut bytes, &mut out);
                out.push(match other {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'a' => '\u{7}',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'v' => '\u{b}',
                    'u' => char::from_u32(hex(&mut chars, 4)).unwrap(),
                    'U' => char::from_u32(hex(&mut chars, 8)).unwrap(),
                    c => c,
                });
            }
        }
    }
    flush(&mut bytes, &mut out);
    out
}

/// The policies to compare: name → stored object.
fn inputs() -> BTreeMap<String, BackendTrafficPolicy> {
    let mut inputs = BTreeMap::new();
    for (i, row) in rows::rows().iter().enumerate() {
        inputs.insert(format!("row{i:03} {}", row.source), rows::policy(row));
    }
    let Some(corpus) = common::corpus_dir() else { return inputs };
    for sub in ["translator", "translator/warn", "translator/repaired", "translator/crd-invalid", "upstream"] {
        for file in common::yaml_files(&corpus.join(sub)) {
            let text = std::fs::read_to_string(&file).unwrap();
            let name = format!("{sub}/{}", file.file_name().unwrap().to_string_lossy());
            for (doc, parsed) in parse::from_yaml_documents(&text, FieldValidation::Ignore).into_iter().enumerate() {
                // A document our model cannot read (crd-invalid: a required field missing) is skipped.
                if let Ok(parsed) = parsed {
                    inputs.insert(format!("{name}#{doc}"), parsed.value.with_defaults());
                }
            }
        }
    }
    inputs
}

#[test]
fn verdict_matches_envoy_gateways_translator() {
    let Some(oracle) = std::env::var_os("BTP_EG_ORACLE").map(PathBuf::from) else {
        eprintln!("SKIPPED: BTP_EG_ORACLE is unset");
        return;
    };
    let egverify = oracle.join("egverify");
    assert!(egverify.is_file(), "{} is missing", egverify.display());
    let inputs = inputs();
    let dir = std::env::temp_dir().join(format!("btp-eg-oracle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for (i, policy) in inputs.values().enumerate() {
        let path = dir.join(format!("{i:04}.json"));
        std::fs::write(&path, serde_json::to_vec(policy).unwrap()).unwrap();
        files.push(path);
    }
    let mut mismatches = Vec::new();
    let mut rejected = 0;
    for (mode, setting) in [("global", true), ("noglobal", false)] {
        let output = Command::new(&egverify).arg(mode).args(&files).output().unwrap();
        assert!(output.status.success(), "egverify failed: {}", String::from_utf8_lossy(&output.stderr));
        let stdout = String::from_utf8(output.stdout).unwrap();
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), inputs.len(), "one line per file");
        let settings = Settings::default().with_global_rate_limit(setting);
        for ((name, policy), line) in inputs.iter().zip(lines) {
            let (_, quoted) = line.split_once('\t').unwrap();
            if quoted.starts_with("DECODE") {
                mismatches.push(format!("[{mode}] {name}: Go cannot decode our JSON: {quoted}"));
                continue;
            }
            let expected = go_unquote(quoted);
            let ours = policy.envoy_gateway_verdict(&settings).rejection().map(ToString::to_string).unwrap_or_default();
            rejected += usize::from(!expected.is_empty());
            if ours != expected {
                mismatches.push(format!("[{mode}] {name}:\n  Envoy Gateway {expected:?}\n  ours          {ours:?}"));
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
    eprintln!("compared {} policies in 2 modes: {rejected} rejections, {} mismatches", inputs.len(), mismatches.len());
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
}

#[test]
fn go_unquote_reads_strconv_quote() {
    assert_eq!(go_unquote(r#""a\n\"b\" \\ \x41 \u00e9 \U0001f600""#), "a\n\"b\" \\ A é 😀");
    assert_eq!(go_unquote(r#""\xc3\xa9""#), "é");
}
