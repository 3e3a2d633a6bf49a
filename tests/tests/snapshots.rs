//! Every generated file is locked by an insta snapshot: a change to the generator or the spec
//! shows up as a snapshot diff to review (`cargo insta review`, or the `.snap.new` files).

use std::collections::BTreeSet;
use std::path::Path;

fn snapshot_name(file: &str) -> String {
    format!("generated__{}", file.replace(['/', '.'], "_"))
}

#[test]
fn every_generated_file_is_snapshotted() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml");
    let generated = codegen::generate(&spec).unwrap_or_else(|e| panic!("{e}"));
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    // Every file is compared (and gets its `.snap.new`) before the test fails, not just the first.
    let mut mismatched = Vec::new();
    settings.bind(|| {
        for (name, text) in &generated.files {
            let snapshot = snapshot_name(name);
            let outcome = std::panic::catch_unwind(|| insta::assert_snapshot!(snapshot, text));
            if outcome.is_err() {
                mismatched.push(name.clone());
            }
        }
    });
    assert!(
        mismatched.is_empty(),
        "generated files differ from their reviewed snapshots: {mismatched:?}"
    );
}

#[test]
fn no_snapshot_outlives_its_generated_file() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml");
    let generated = codegen::generate(&spec).unwrap_or_else(|e| panic!("{e}"));
    let expected: BTreeSet<String> = generated
        .files
        .keys()
        .map(|f| format!("{}.snap", snapshot_name(f)))
        .collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .expect("snapshot directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("generated__") && n.ends_with(".snap"))
        .collect();
    let orphans: Vec<&String> = on_disk.difference(&expected).collect();
    assert!(
        orphans.is_empty(),
        "snapshots of files no longer generated; delete them: {orphans:?}"
    );
}
