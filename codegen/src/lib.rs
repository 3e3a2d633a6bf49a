//! Generates a typed, vendorable vSphere REST client crate from an OpenAPI 3.0 description.
//!
//! One pipeline, one direction: [`load`] the YAML files (following `$ref` across files) →
//! [`validate`] → [`lower`] to the [`model`] → [`emit`] token streams → [`format`](mod@format) with
//! prettyplease → [`write`](mod@write) atomically. Every error is a [`Diagnostic`] naming the file, line and
//! JSON pointer of the offending node, with what to do about it.
//!
//! # Why a hand-written OpenAPI model
//! The generator reads the spec as plain JSON values rather than through the `openapiv3` crate.
//! `openapiv3` deserializes into typed structs, so a misplaced field fails with serde's message
//! about the whole document and no JSON pointer, `x-` extensions end up in untyped side maps, and
//! `$ref` across files is not resolved. Walking values keeps the location of every node, reads
//! the `x-vsphere-*` extensions where they stand, and lets one resolver follow references within
//! and across files with cycle detection.

#![allow(
    clippy::result_large_err,
    reason = "a Diagnostic only travels on the failure path, where its size costs nothing measurable"
)]

pub mod diagnostic;
pub mod emit;
pub mod format;
pub mod load;
pub mod locate;
pub mod lower;
pub mod model;
pub mod naming;
pub mod parallel;
pub mod support;
pub mod validate;
pub mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use diagnostic::{Diagnostic, Diagnostics, Severity};

/// The generated crate in memory, before it is written.
#[derive(Debug)]
pub struct Generated {
    /// File path relative to the crate root → content.
    pub files: BTreeMap<String, String>,
    /// Warnings about legal but suspicious input.
    pub warnings: Vec<Diagnostic>,
    /// Number of operations.
    pub operations: usize,
    /// Number of structures and enums.
    pub types: usize,
    /// How long each stage took, in pipeline order (`cargo xtask regenerate --timings`).
    pub timings: Vec<(&'static str, Duration)>,
}

/// Runs load → validate → lower → emit → format for the spec whose root file is `spec`.
/// Writes nothing: see [`write::write`].
pub fn generate(spec: &Path) -> Result<Generated, Diagnostics> {
    generate_all(&[spec.to_path_buf()])
}

/// Generates one crate from several root files (VMware publishes its API as several): their
/// operations share namespaces, features, ids and twins as within one file, and a schema that
/// several files define with the same content is one type.
pub fn generate_all(specs: &[PathBuf]) -> Result<Generated, Diagnostics> {
    let Some(first) = specs.first() else {
        return Err(Diagnostic::error("", "no spec given")
            .help("name the spec's root file")
            .into());
    };
    let mut timings = Vec::new();
    let mut clock = Instant::now();
    let mut lap = |stage: &'static str| {
        let now = Instant::now();
        timings.push((stage, now - clock));
        clock = now;
    };
    let files = load::SpecFiles::load_all(specs)?;
    lap("load");
    let validation = validate::validate(&files);
    let (mut errors, mut warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = validation
        .diagnostics
        .into_iter()
        .partition(Diagnostic::is_error);
    if !errors.is_empty() {
        errors.extend(warnings);
        files.place(&mut errors);
        return Err(Diagnostics(errors));
    }
    lap("validate");
    let support = support::Support::classify(&files, &validation.ref_targets);
    lap("support");
    warnings.extend(support.warnings.iter().cloned());
    let source = specs
        .iter()
        .map(|s| source_name(s))
        .collect::<Vec<_>>()
        .join(", ");
    let (model, lowering_warnings) = match lower::lower(&files, &support, &source) {
        Ok(lowered) => lowered,
        Err(Diagnostics(mut errors)) => {
            // The warnings found so far still say something about the spec.
            errors.extend(warnings);
            files.place(&mut errors);
            return Err(Diagnostics(errors));
        }
    };
    warnings.extend(lowering_warnings);
    lap("lower");
    // One pass over each file locates every warning.
    files.place(&mut warnings);
    lap("locate warnings");
    let examples = load::examples(first)?;
    let files = emit::crate_files(&model, &examples)?;
    lap("emit and format");
    Ok(Generated {
        files,
        warnings,
        operations: model.operation_count(),
        types: model.type_count(),
        timings,
    })
}

/// The spec's name in headers: its last two path components, so that the output is the same
/// whichever directory the generator runs from.
fn source_name(spec: &Path) -> String {
    let parts: Vec<String> = spec
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts[parts.len().saturating_sub(2)..].join("/")
}
