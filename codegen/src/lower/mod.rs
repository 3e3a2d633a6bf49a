//! Lowering: the loaded, validated spec → the [`Model`].
//!
//! Operations are read path by path in sorted order; the `/api` and `/rest` forms of one vSphere
//! operation (same `x-vsphere-operation`, or in a plain spec the same module and operationId)
//! become one [`Operation`](crate::model::Operation) with two endpoints.

mod graph;
pub mod names;
mod operation;
mod prose;
mod prune;
mod schema;
mod twins;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{Loc, SpecFiles};
use crate::model::{Model, TypeKey};
use crate::support::{Property, Support};

pub use schema::{docs_of, extension_str};

/// State of one lowering run.
pub struct Lowering<'a> {
    files: &'a SpecFiles,
    /// What the support stage decided for the whole document.
    support: &'a Support,
    model: Model,
    /// Schema location → the type made from it, so each schema becomes one type.
    type_locs: BTreeMap<Loc, TypeKey>,
    /// Type → the schema that claimed it, to report two schemas with one Rust name.
    type_owners: BTreeMap<TypeKey, (Loc, String)>,
    /// Id names that description prose may not claim (two resource types would share them).
    prose_contested: BTreeSet<String>,
    /// Structures registered but whose fields are not read yet.
    pending: Vec<(Loc, TypeKey, Vec<Property>)>,
    /// Known namespaces as lower-case joined words (`vcentervmhardware`), longest first, to place
    /// undotted schema names.
    module_index: Vec<(String, crate::model::ModPath)>,
    /// Schemas used but not as types: error bodies (the runtime decodes those itself), `/rest`
    /// envelopes and `{value}` wrappers (their members are what becomes Rust).
    wrapper_schemas: BTreeSet<Loc>,
    warnings: Vec<Diagnostic>,
}

/// Lowers the spec into the model; warnings come back alongside it. Diagnostics carry JSON
/// pointers; their lines and columns are filled in by [`SpecFiles::place`] (as
/// [`crate::generate`] does).
pub fn lower(
    files: &SpecFiles,
    support: &Support,
    source: &str,
) -> Result<(Model, Vec<Diagnostic>), Diagnostics> {
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
        support,
        model,
        type_locs: BTreeMap::new(),
        type_owners: BTreeMap::new(),
        pending: Vec::new(),
        wrapper_schemas: BTreeSet::new(),
        module_index: module_index(files),
        prose_contested: prose::contested_names(files),
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
    task_results(&mut lowering.model);
    prune::unreachable(&mut lowering.model);
    graph::decide(&mut lowering.model);
    let renamed = names::decide(&mut lowering.model, files);
    lowering.warnings.extend(renamed);
    Ok((lowering.model, lowering.warnings))
}

/// A `vmw-task=true` operation's task yields what its plain form returns (the operation of the
/// same name without `_task` in the same namespace); without a plain form, any JSON.
fn task_results(model: &mut Model) {
    for module in model.modules.values_mut() {
        let plain: BTreeMap<String, Option<crate::model::Ty>> = module
            .operations
            .iter()
            .filter(|(_, op)| op.task.is_none())
            .map(|(key, op)| (key.clone(), op.result.clone()))
            .collect();
        for (key, op) in &mut module.operations {
            if let Some(task) = &mut op.task {
                task.result = match key.strip_suffix("_task").and_then(|k| plain.get(k)) {
                    Some(result) => result.clone(),
                    None => Some(crate::model::Ty::Any),
                };
            }
        }
    }
}

impl Lowering<'_> {
    /// Schemas under `components/schemas` of the root that no operation reaches, except error
    /// bodies (the runtime decodes those itself).
    fn warn_unused_schemas(&mut self) {
        let files = self.files;
        for (doc, document) in files.roots() {
            let Some(schemas) = document
                .pointer("/components/schemas")
                .and_then(Value::as_object)
            else {
                continue;
            };
            let root_schemas = Loc {
                doc,
                pointer: "/components/schemas".to_owned(),
            };
            self.warn_unused_in(&root_schemas, schemas.keys());
        }
    }

    fn warn_unused_in<'k>(&mut self, root_schemas: &Loc, names: impl Iterator<Item = &'k String>) {
        let files = self.files;
        for name in names {
            let loc = root_schemas.child(name);
            let target = files
                .follow(&loc)
                .map(|(target, _)| target)
                .unwrap_or_else(|_| loc.clone());
            if !self.type_locs.contains_key(&target) && !self.wrapper_schemas.contains(&target) {
                self.warnings.push(
                    files
                        .warning(
                            &loc,
                            format!("schema `{name}` is not used by any operation"),
                        )
                        .kind(crate::diagnostic::Finding::Unused)
                        .help("remove it, or refer to it from an operation"),
                );
            }
        }
    }
}

/// Every namespace the spec names, through its operations and its dotted schema names.
fn module_index(files: &SpecFiles) -> Vec<(String, crate::model::ModPath)> {
    let mut modules: BTreeSet<crate::model::ModPath> = BTreeSet::new();
    for (_, document) in files.roots() {
        index_document(document, &mut modules);
    }
    let mut index: Vec<(String, crate::model::ModPath)> = modules
        .into_iter()
        .filter(|m| !m.is_empty())
        .map(|m| (m.iter().map(|p| p.replace('_', "")).collect::<String>(), m))
        .collect();
    // Longest first, so `vcenter::vm::hardware` wins over `vcenter::vm`.
    index.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    index
}

/// The namespaces one root document names.
fn index_document(document: &Value, modules: &mut BTreeSet<crate::model::ModPath>) {
    if let Some(paths) = document.get("paths").and_then(Value::as_object) {
        for (key, item) in paths {
            let from_extension = item
                .as_object()
                .into_iter()
                .flat_map(|ops| ops.values())
                .filter_map(|op| extension_str(op, "x-vsphere-operation"));
            let mut any = false;
            for name in from_extension {
                let parts: Vec<&str> = name.split('.').collect();
                if parts.len() > 1 {
                    modules.insert(
                        parts[..parts.len() - 1]
                            .iter()
                            .map(|p| crate::naming::snake(p))
                            .collect(),
                    );
                    any = true;
                }
            }
            if !any {
                modules.insert(operation::module_from_path(
                    key.split('?').next().unwrap_or(key),
                ));
            }
        }
    }
    if let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for name in schemas.keys().filter(|n| n.contains('.')) {
            modules.insert(crate::naming::schema_path(name).0);
        }
    }
}
