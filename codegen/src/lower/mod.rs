//! Lowering: the loaded, validated spec → the [`Model`](crate::model::Model).
//!
//! Operations are read path by path in sorted order; the `/api` and `/rest` forms of one vSphere
//! operation (same `x-vsphere-operation`, or in a plain spec the same module and operationId)
//! become one [`Operation`](crate::model::Operation) with two endpoints.

mod graph;
mod operation;
mod schema;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{Loc, SpecFiles};
use crate::model::{Model, TypeKey};

pub use schema::{docs_of, extension_str};

/// State of one lowering run.
pub struct Lowering<'a> {
    files: &'a SpecFiles,
    model: Model,
    /// Schema location → the type made from it, so each schema becomes one type.
    type_locs: BTreeMap<Loc, TypeKey>,
    /// Type → the schema that claimed it, to report two schemas with one Rust name.
    type_owners: BTreeMap<TypeKey, (Loc, String)>,
    /// Structures registered but whose fields are not read yet.
    pending: Vec<(Loc, TypeKey)>,
    /// Schemas that only describe error bodies; the runtime decodes those itself.
    error_schemas: BTreeSet<Loc>,
    warnings: Vec<Diagnostic>,
}

/// Lowers the spec into the model; warnings come back alongside it.
pub fn lower(files: &SpecFiles, source: &str) -> Result<(Model, Vec<Diagnostic>), Diagnostics> {
    let root = files.root();
    let info = root.get("info");
    let text = |key: &str| {
        info.and_then(|i| i.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let model = Model {
        crate_name: text("x-rust-crate-name").unwrap_or_else(|| "openapi-client".to_owned()),
        title: text("title").unwrap_or_else(|| "API client".to_owned()),
        description: text("description"),
        api_version: text("version").unwrap_or_default(),
        source: source.to_owned(),
        ..Model::default()
    };
    let mut lowering = Lowering {
        files,
        model,
        type_locs: BTreeMap::new(),
        type_owners: BTreeMap::new(),
        pending: Vec::new(),
        error_schemas: BTreeSet::new(),
        warnings: Vec::new(),
    };
    let mut errors = Vec::new();
    if let Err(mut e) = lowering.operations() {
        errors.append(&mut e);
    }
    if errors.is_empty() {
        if let Err(e) = lowering.fill_pending() {
            errors.push(e);
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    lowering.warn_unused_schemas();
    graph::decide(&mut lowering.model);
    Ok((lowering.model, lowering.warnings))
}

impl Lowering<'_> {
    /// Schemas under `components/schemas` of the root that no operation reaches, except error
    /// bodies (the runtime decodes those itself).
    fn warn_unused_schemas(&mut self) {
        let files = self.files;
        let Some(schemas) = files
            .root()
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return;
        };
        let root_schemas = Loc {
            doc: 0,
            pointer: "/components/schemas".to_owned(),
        };
        for name in schemas.keys() {
            let loc = root_schemas.child(name);
            let target = files
                .follow(&loc)
                .map(|(target, _)| target)
                .unwrap_or_else(|_| loc.clone());
            if !self.type_locs.contains_key(&target) && !self.error_schemas.contains(&target) {
                self.warnings.push(
                    files
                        .warning(
                            &loc,
                            format!("schema `{name}` is not used by any operation"),
                        )
                        .help("remove it, or refer to it from an operation"),
                );
            }
        }
    }
}
