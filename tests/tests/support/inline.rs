//! Generating from a spec given as text, for tests that build their spec inline.

// Each test binary that includes this file uses a part of it.
#![allow(dead_code)]

/// Runs the generator on `text` written as `openapi.yaml` in a temporary directory.
pub fn generate_inline(text: &str) -> Result<codegen::Generated, codegen::Diagnostics> {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("openapi.yaml");
    std::fs::write(&spec, text).expect("write");
    codegen::generate(&spec)
}

/// Every generated `.rs` file of a spec that must generate, with runs of whitespace collapsed
/// to one space, so that matches do not depend on how prettyplease lays lines out.
pub fn generated_rust(text: &str) -> String {
    let generated = generate_inline(text).unwrap_or_else(|e| panic!("{e}"));
    generated
        .files
        .iter()
        .filter(|(name, _)| name.ends_with(".rs"))
        .map(|(_, text)| text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
