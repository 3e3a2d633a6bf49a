//! Real documents through the generator: the OpenAPI 3.0 documents of `@readme/oas-examples`
//! (vendored under `tests/corpus/oas-examples`) and, when they are beside this clone, VMware's
//! vCenter 7.0.3 files in `../shared/specs`. Each document's outcome (operations, types,
//! warnings by kind, or its errors) is locked by an insta snapshot; every crate of the
//! `oas-examples` corpus must compile (one `cargo check` over all of them).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use vsphere_tests::compile_check::{Candidate, check_all};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
}

/// Every file under `dir` with one of the extensions, sorted.
fn documents(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read the corpus").flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| extensions.contains(&e))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// One line per document: what the generator made of it.
fn outcome(generated: &Result<codegen::Generated, codegen::Diagnostics>) -> String {
    match generated {
        Ok(g) => {
            let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
            for w in &g.warnings {
                *kinds.entry(w.kind.label()).or_default() += 1;
            }
            let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
            let kinds = if kinds.is_empty() {
                "no warnings".to_owned()
            } else {
                kinds.join(", ")
            };
            format!("{} operations, {} types; {kinds}", g.operations, g.types)
        }
        Err(errors) => {
            let first = errors.errors().next().map_or_else(String::new, |e| {
                format!("{} (at {})", e.message, e.pointer.as_deref().unwrap_or("/"))
            });
            format!(
                "refused: {} error(s); first: {first}",
                errors.errors().count()
            )
        }
    }
}

/// Runs every document under `dir` (names relative to it); returns the table and the crates.
fn run(dir: &Path, extensions: &[&str]) -> (String, Vec<Candidate>) {
    let mut table = String::new();
    let mut crates = Vec::new();
    for path in documents(dir, extensions) {
        let name = path
            .strip_prefix(dir)
            .expect("inside the corpus")
            .to_string_lossy()
            .replace('\\', "/");
        let generated = codegen::generate(&path);
        writeln!(table, "{name}: {}", outcome(&generated)).expect("write to a string");
        if let Ok(g) = generated {
            crates.push(Candidate {
                name,
                files: g.files,
            });
        }
    }
    (table, crates)
}

#[test]
fn oas_examples_generate_and_compile() {
    let dir = root().join("tests/corpus/oas-examples/3.0");
    let (table, crates) = run(&dir, &["json", "yaml"]);
    insta::assert_snapshot!("oas_examples", table);
    let documents = table.lines().count();
    assert!(
        crates.len() * 100 >= documents * 93,
        "{} of {documents} documents generate",
        crates.len()
    );
    if let Err(report) = check_all(&crates) {
        panic!("generated crates that do not compile:\n{report}");
    }
}

/// VMware's published files, as published, each alone; skipped (saying so) when they are not
/// beside this clone. Their crates are compiled by `.ci/run` (with clippy), not here.
#[test]
fn vmware_files_generate() {
    let dir = root().join("../shared/specs");
    if !dir.is_dir() {
        eprintln!("skipped: {} is not beside this clone", dir.display());
        return;
    }
    let (table, crates) = run(&dir, &["yaml"]);
    insta::assert_snapshot!("vmware_7_0_3", table);
    assert_eq!(crates.len(), table.lines().count(), "{table}");
}
