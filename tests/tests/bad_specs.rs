//! The corpus of broken specs under `tests/bad_specs/<case>/`: each case's diagnostics, exactly
//! as `cargo xtask regenerate --spec tests/bad_specs/<case>/openapi.yaml` prints them.
//!
//! A case holds `openapi.yaml` (and the files it refers to) and either `expected.txt` (the
//! errors, generation fails) or `expected-warnings.txt` (the warnings, generation succeeds).
//! After a deliberate change of wording, `BLESS=1 cargo test -p vsphere-tests --test bad_specs`
//! rewrites the expected files; review the diff.
//!
//! Most tests call [`codegen::generate`]; `xtask_fails_and_leaves_the_output_untouched` runs the
//! real `xtask` binary on a few cases against a copy of `generated/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Once;

use codegen::Diagnostic;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
}

/// Diagnostics name the spec as it was given; giving it relative to the workspace root, as a
/// user at the root does, makes the messages the same on every machine. Every test of this file
/// wants the same directory, so changing it process-wide is safe.
fn at_root() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| std::env::set_current_dir(root()).expect("cd to the workspace root"));
}

fn spec(case: &str) -> PathBuf {
    Path::new("tests/bad_specs").join(case).join("openapi.yaml")
}

/// Every error names its file and a line or JSON pointer, and says what to do.
fn assert_well_formed(diagnostic: &Diagnostic) {
    assert!(!diagnostic.file.is_empty(), "no file: {diagnostic}");
    assert!(
        diagnostic.line_column.is_some() || diagnostic.pointer.is_some(),
        "neither line nor JSON pointer: {diagnostic}"
    );
    assert!(
        diagnostic.help.as_deref().is_some_and(|h| !h.is_empty()),
        "no help: {diagnostic}"
    );
}

/// Compares `actual` with the expected file of the case, or rewrites it under `BLESS=1`.
fn compare(case: &str, file: &str, actual: &str) {
    let path = root().join("tests/bad_specs").join(case).join(file);
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, format!("{actual}\n")).expect("write the expected file");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with BLESS=1 to create it)", path.display()));
    assert_eq!(
        expected.trim_end(),
        actual,
        "\n{case}: the diagnostics differ from {file}\n--- expected\n{expected}\n--- actual\n{actual}\n"
    );
}

/// Runs the generator on a case that must fail and checks its errors.
fn fails(case: &str) {
    at_root();
    let errors = match codegen::generate(&spec(case)) {
        Ok(generated) => panic!(
            "{case}: generation succeeded ({} operations), warnings: {:?}",
            generated.operations, generated.warnings
        ),
        Err(errors) => errors,
    };
    assert!(errors.has_errors());
    for diagnostic in &errors.0 {
        assert_well_formed(diagnostic);
    }
    compare(case, "expected.txt", &errors.to_string());
}

/// Runs the generator on a case that must succeed with warnings and checks them.
fn warns(case: &str) {
    at_root();
    let generated = codegen::generate(&spec(case)).unwrap_or_else(|e| panic!("{case}: {e}"));
    assert!(!generated.warnings.is_empty(), "{case}: no warning");
    for warning in &generated.warnings {
        assert!(!warning.is_error());
        assert_well_formed(warning);
    }
    let text: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    compare(case, "expected-warnings.txt", &text.join("\n"));
}

macro_rules! cases {
    ($check:ident: $($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                $check(stringify!($case));
            }
        )*
    };
}

cases!(fails:
    yaml_syntax_error,
    duplicate_key,
    duplicate_key_in_referenced_file,
    json_key_collision,
    multiple_documents,
    root_not_a_mapping,
    empty_file,
    non_utf8,
    dangling_ref_local,
    dangling_ref_missing_file,
    dangling_ref_missing_node,
    ref_outside_spec,
    ref_cycle,
    swagger_2,
    openapi_3_1,
);

// What the generator degrades, skips or renames (each with a located warning) instead of
// refusing the whole spec.
cases!(warns:
    required_cycle,
    list_of_itself,
    map_of_itself,
    path_param_not_in_template,
    template_placeholder_without_param,
    operation_name_collision,
    schema_name_collision,
    unknown_type,
    one_of,
    warn_no_documented_errors,
    warn_unused_schema,
);

/// Generates without a word: OpenAPI formats are open, an unknown one is its base type.
fn clean(case: &str) {
    at_root();
    let generated = codegen::generate(&spec(case)).unwrap_or_else(|e| panic!("{case}: {e}"));
    assert!(generated.operations > 0, "{case}: no operation");
    assert!(
        generated.warnings.is_empty(),
        "{case}: {:?}",
        generated.warnings
    );
}

cases!(clean:
    unknown_format,
    non_json_body,
);

/// The cases the macros above list, to check that none of the corpus is left out.
const LISTED: usize = 28;

#[test]
fn every_case_of_the_corpus_is_tested() {
    let source = std::fs::read_to_string(root().join("tests/tests/bad_specs.rs")).expect("read");
    let block = |check: &str| -> Vec<String> {
        let start = source
            .find(&format!("cases!({check}:"))
            .expect("cases! block");
        let end = start + source[start..].find(");").expect("block end");
        source[start..end]
            .lines()
            .skip(1)
            .map(|l| l.trim().trim_end_matches(',').to_owned())
            .filter(|l| !l.is_empty())
            .collect()
    };
    let mut listed = block("fails");
    listed.extend(block("warns"));
    listed.extend(block("clean"));
    listed.sort();
    assert_eq!(listed.len(), LISTED);
    let mut on_disk: Vec<String> = std::fs::read_dir(root().join("tests/bad_specs"))
        .expect("corpus")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    assert_eq!(
        listed, on_disk,
        "list every case directory in a cases! block"
    );
}

/// A spec file over [`codegen::load::MAX_FILE_BYTES`] is refused before it is read. The file is
/// sparse, so the test writes nothing close to that size.
#[test]
fn too_large_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("openapi.yaml");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(codegen::load::MAX_FILE_BYTES + 1)
        .expect("grow");
    let errors = codegen::generate(&path).expect_err("a too large file must be refused");
    assert_eq!(errors.0.len(), 1);
    let error = &errors.0[0];
    assert_eq!(
        error.to_string(),
        format!(
            "error: the file is {} bytes, more than the 64 MiB the generator reads in one spec file\n  --> {}\n  = help: split the spec into several files joined by `$ref`, or check that this is the spec file",
            codegen::load::MAX_FILE_BYTES + 1,
            path.display()
        )
    );
    assert!(error.help.is_some());
}

/// A missing root file is named, with what to do.
#[test]
fn missing_spec_file() {
    at_root();
    let errors = codegen::generate(&spec("no_such_case")).expect_err("missing file");
    let text = errors.to_string();
    assert!(
        text.starts_with("error: cannot open the file: ")
            && text.contains("--> tests/bad_specs/no_such_case/openapi.yaml")
            && text.contains("= help: "),
        "{text}"
    );
}

/// A file referenced many times but missing is reported once, at its first reference.
#[test]
fn a_missing_file_is_reported_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(root().join(spec("dangling_ref_missing_file")))
        .expect("read")
        .replace(
            "        '404':\n          description: Not found.\n",
            "        '404':\n          description: Not found.\n          content:\n            application/json:\n              schema:\n                $ref: 'schemas/vcenter-vms.yaml#/Vcenter.VM.NotFound'\n",
        );
    std::fs::write(dir.path().join("openapi.yaml"), text).expect("write");
    let errors = codegen::generate(&dir.path().join("openapi.yaml")).expect_err("missing file");
    assert_eq!(errors.0.len(), 1, "{errors}");
    assert!(
        errors.0[0]
            .help
            .as_deref()
            .is_some_and(|h| h.ends_with("1 other reference(s) name it too")),
        "{errors}"
    );
}

/// Every file below `dir`, relative path → content.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let relative = path.strip_prefix(base).expect("below base").to_path_buf();
                out.insert(relative, std::fs::read(&path).expect("read file"));
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

fn copy_dir(from: &Path, to: &Path) {
    for (relative, bytes) in snapshot(from) {
        let path = to.join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("copy");
    }
}

/// The `xtask` binary of this build, built first if it is missing or older than the generator.
fn xtask() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // target/<profile>/deps/bad_specs-<hash> → target/<profile>/xtask
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target profile dir");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut build = Command::new(cargo);
    build
        .current_dir(root())
        .args(["build", "-q", "-p", "xtask"]);
    if dir.file_name().is_some_and(|n| n == "release") {
        build.arg("--release");
    }
    let status = build.status().expect("run cargo build -p xtask");
    assert!(status.success(), "cargo build -p xtask failed");
    dir.join(format!("xtask{}", std::env::consts::EXE_SUFFIX))
}

/// The user's view: exit status 1, the diagnostics on stderr, nothing on stdout, and the output
/// crate (a copy of `generated/`) byte for byte as it was.
#[test]
fn xtask_fails_and_leaves_the_output_untouched() {
    let xtask = xtask();
    let out = tempfile::tempdir().expect("temp dir");
    let crate_dir = out.path().join("generated");
    copy_dir(&root().join("generated"), &crate_dir);
    let before = snapshot(&crate_dir);
    assert!(before.contains_key(Path::new("Cargo.toml")));
    for case in ["duplicate_key", "dangling_ref_missing_file", "ref_cycle"] {
        let spec = spec(case);
        let output = Command::new(&xtask)
            .current_dir(root())
            .arg("regenerate")
            .arg("--spec")
            .arg(&spec)
            .arg("--out")
            .arg(&crate_dir)
            .output()
            .expect("run xtask");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{case}: {stderr}");
        assert_eq!(String::from_utf8_lossy(&output.stdout), "", "{case}");
        let expected = std::fs::read_to_string(root().join(spec.with_file_name("expected.txt")))
            .expect("expected.txt");
        let errors = expected.matches("\nerror: ").count() + 1;
        assert_eq!(
            stderr,
            format!(
                "{}\n\nerror: {errors} error(s) in {}; {} was left untouched\n",
                expected.trim_end(),
                spec.display(),
                crate_dir.display()
            ),
            "{case}"
        );
        assert!(
            snapshot(&crate_dir) == before,
            "{case}: the output directory changed"
        );
    }
}
