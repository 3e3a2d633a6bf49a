//! Every generated file is locked by an insta snapshot: a change to the generator or the spec
//! shows up as a snapshot diff to review (`cargo insta review`).

use std::path::Path;

#[test]
fn every_generated_file_is_snapshotted() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml");
    let generated = codegen::generate(&spec).unwrap_or_else(|e| panic!("{e}"));
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        for (name, text) in &generated.files {
            settings_snapshot(name, text);
        }
    });
}

fn settings_snapshot(name: &str, text: &str) {
    let snapshot = format!("generated__{}", name.replace(['/', '.'], "_"));
    insta::assert_snapshot!(snapshot, text);
}
