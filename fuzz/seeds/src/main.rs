//! `fuzz-seeds OUT_DIR FILE...`: writes each YAML document of each FILE to OUT_DIR, once as
//! YAML and once as JSON, as seeds for the fuzz targets.

use std::{fs, path::PathBuf, process::ExitCode};


fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(out) = args.next().map(PathBuf::from) else {
        eprintln!("usage: fuzz-seeds OUT_DIR FILE...");
        return ExitCode::FAILURE;
    };
    let mut written = 0usize;
    for file in args.map(PathBuf::from) {
        let text = match fs::read_to_string(&file) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("{}: {e}", file.display());
                return ExitCode::FAILURE;
            }
        };
        let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let Ok(documents) = serde_saphyr::from_multiple::<serde_json::Value>(&text) else { continue };
        for (i, value) in documents.into_iter().enumerate() {
            if value.is_null() {
                continue;
            }
            let (Ok(yaml), Ok(json)) = (serde_saphyr::to_string(&value), serde_json::to_vec_pretty(&value)) else {
                continue;
            };
            let base = out.join(format!("{stem}-{i}"));
            if fs::write(base.with_extension("yaml"), yaml).and_then(|()| fs::write(base.with_extension("json"), json)).is_err() {
                eprintln!("cannot write to {}", out.display());
                return ExitCode::FAILURE;
            }
            written += 2;
        }
    }
    println!("{written} seeds in {}", out.display());
    ExitCode::SUCCESS
}
