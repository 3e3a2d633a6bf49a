//! The checked-in `generated/` crate is exactly what the spec generates today.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
}

#[test]
fn generated_crate_matches_a_fresh_regeneration_byte_for_byte() {
    let generated =
        codegen::generate(&root().join("spec/openapi.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let out = tempfile::tempdir().expect("temp dir");
    let fresh = out.path().join("crate");
    codegen::write::write(&fresh, &generated.files).expect("write");
    for (name, text) in &generated.files {
        let written = std::fs::read_to_string(fresh.join(name)).expect("written file");
        assert_eq!(&written, text, "{name} was not written as generated");
    }
    let stale = codegen::write::check(&root().join("generated"), &generated.files)
        .expect("read generated/");
    assert!(
        stale.is_empty(),
        "generated/ is stale, run `cargo xtask regenerate`: {stale:?}"
    );
}

#[test]
fn generation_is_deterministic() {
    let spec = root().join("spec/openapi.yaml");
    let first = codegen::generate(&spec).unwrap_or_else(|e| panic!("{e}"));
    let second = codegen::generate(&spec).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.files, second.files);
}

#[test]
fn check_names_a_file_edited_by_hand() {
    let generated =
        codegen::generate(&root().join("spec/openapi.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let out = tempfile::tempdir().expect("temp dir");
    let dir = out.path().join("crate");
    codegen::write::write(&dir, &generated.files).expect("write");
    std::fs::write(dir.join("src/ids.rs"), "// edited\n").expect("edit");
    std::fs::write(dir.join("src/extra.rs"), "// stray\n").expect("stray");
    let stale = codegen::write::check(&dir, &generated.files).expect("check");
    let names: Vec<&str> = stale.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["src/extra.rs", "src/ids.rs"]);
}
