//! `cargo check` over many generated crates at once: each crate becomes a member of one temporary
//! workspace, so their dependencies build once and the members check in parallel.
//!
//! The target directory persists under the project's `target/compile-check`, so a second run
//! only checks what changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The project root (the workspace of the generator).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// A crate to check: a name for messages and its files (path relative to the crate → text).
pub struct Candidate {
    /// Names the crate in the report (`readme/petstore`).
    pub name: String,
    /// The generated files.
    pub files: BTreeMap<String, String>,
}

/// Writes every candidate as a member of one workspace and runs `cargo check` on all of them.
/// Returns `Err` with cargo's errors, grouped under the candidate they belong to, when any crate
/// does not compile.
pub fn check_all(candidates: &[Candidate]) -> Result<(), String> {
    if candidates.is_empty() {
        return Ok(());
    }
    let dir = tempfile_dir();
    let mut members = Vec::new();
    for (i, candidate) in candidates.iter().enumerate() {
        let member = format!("c{i:03}");
        let crate_dir = dir.join(&member);
        for (path, text) in &candidate.files {
            let path = crate_dir.join(path);
            std::fs::create_dir_all(path.parent().expect("file in a directory"))
                .expect("create dirs");
            let text = if path.ends_with("Cargo.toml") {
                rename_package(text, &member)
            } else {
                text.clone()
            };
            std::fs::write(&path, text).expect("write a generated file");
        }
        members.push(format!("\"{member}\""));
    }
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .expect("write the workspace manifest");
    // The project's lock file pins the versions its own tests built, so nothing new is fetched.
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", root().join("target/compile-check"))
        .env_remove("RUSTFLAGS")
        .args(["check", "--workspace", "--quiet", "--message-format=short"])
        .output()
        .expect("run cargo check");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let result = if output.status.success() {
        Ok(())
    } else {
        let mut report = String::new();
        for (i, candidate) in candidates.iter().enumerate() {
            let member = format!("c{i:03}/");
            let lines: Vec<&str> = stderr
                .lines()
                .filter(|l| l.starts_with(&member) && l.contains("error"))
                .take(5)
                .collect();
            if !lines.is_empty() {
                report.push_str(&format!("{}:\n  {}\n", candidate.name, lines.join("\n  ")));
            }
        }
        if report.is_empty() {
            report = stderr;
        }
        Err(report)
    };
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// A fresh directory under the system's temporary directory.
fn tempfile_dir() -> PathBuf {
    let base = std::env::temp_dir().join(format!(
        "vsphere-compile-check-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    std::fs::create_dir_all(&base).expect("create the workspace directory");
    base
}

/// The manifest with the package renamed, so that members never clash.
fn rename_package(manifest: &str, name: &str) -> String {
    let mut out = String::new();
    let mut renamed = false;
    for line in manifest.lines() {
        if !renamed && line.starts_with("name = ") {
            out.push_str(&format!("name = \"{name}\"\n"));
            renamed = true;
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
