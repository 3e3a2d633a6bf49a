//! Emitters: the model → the text of every file of the generated crate.
//!
//! Each emitter returns a token stream for one file; [`crate::format`] turns it into text. Files
//! are collected in a `BTreeMap` keyed by path, so the output order never depends on the order in
//! which the model was built.

mod docs;
mod features;
mod ids;
mod manifest;
mod module;
mod operations;
mod root;
mod runtime;
mod types;

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::diagnostic::Diagnostic;
use crate::format;
use crate::model::{ModPath, Model, Ty, TypeKey};
use crate::naming;

pub use runtime::RUNTIME_FILES;

/// Emits every file of the crate, keyed by path relative to the crate root (`src/lib.rs`).
/// `examples` are `(file name, text)` pairs copied to `examples/` with the header.
pub fn crate_files(
    model: &Model,
    examples: &[(String, String)],
) -> Result<BTreeMap<String, String>, Diagnostic> {
    let header = format::header(&model.source);
    let tree = module::Tree::of(model);
    let mut files = BTreeMap::new();
    files.insert(
        "Cargo.toml".to_owned(),
        manifest::cargo_toml(model, !examples.is_empty()),
    );
    for (name, text) in examples {
        let origin = format!("// Copied from the spec's examples/{name}; edit it there.\n");
        files.insert(
            format!("examples/{name}"),
            format!("{header}{origin}{text}"),
        );
    }
    for (name, text) in runtime::files(&header) {
        files.insert(name, text);
    }
    // Module files are independent: emitted and formatted on all cores, largest first (token
    // streams are not `Send`, so each job builds its own), collected in path order, so the
    // output and the error reported first do not depend on scheduling.
    files.insert(
        "src/lib.rs".to_owned(),
        format::rust(root::lib_rs(model, &tree), &header, "src/lib.rs")?,
    );
    files.insert(
        "src/ids.rs".to_owned(),
        format::rust(ids::ids_rs(model), &header, "src/ids.rs")?,
    );
    let paths: Vec<&ModPath> = tree.paths().collect();
    let emitted = crate::parallel::map(
        &paths,
        |path| {
            model
                .modules
                .get(*path)
                .map_or(0, |m| (m.types.len() + m.operations.len()) as u64)
        },
        |path| module_file(model, &tree, path, &header),
    );
    for (path, result) in paths.iter().zip(emitted) {
        let (file, text) = result?;
        if files.insert(file.clone(), text).is_some() {
            return Err(Diagnostic::error(
                &model.source,
                format!("two parts of the crate would be written to `{file}`"),
            )
            .help(format!("rename the namespace `{}`", path.join("."))));
        }
    }
    Ok(files)
}

/// One namespace's file: its path in the crate and its formatted, feature-gated text.
fn module_file(
    model: &Model,
    tree: &module::Tree,
    path: &ModPath,
    header: &str,
) -> Result<(String, String), Diagnostic> {
    let file = tree.file_path(model, path);
    let tokens = module::module_rs(model, tree, path)?;
    let feature = model.namespaces.get(path).and_then(|n| n.feature.clone());
    let text = format::rust_with(tokens, header, &file, |f| {
        if let Some(feature) = &feature {
            features::gate(f, feature);
        }
    })?;
    Ok((file, text))
}

/// The fully qualified Rust type of a model type.
pub fn ty_tokens(model: &Model, ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(::std::string::String),
        Ty::Bool => quote!(bool),
        Ty::I32 => quote!(i32),
        Ty::I64 => quote!(i64),
        Ty::F32 => quote!(f32),
        Ty::F64 => quote!(f64),
        Ty::Any => quote!(::serde_json::Value),
        Ty::Bytes => quote!(::std::vec::Vec<u8>),
        Ty::Id(name) => {
            let ids = naming::ident(&model.root.ids);
            let name = naming::ident(model.ids.get(name).map_or(name.as_str(), |id| &id.ident));
            quote!(crate::#ids::#name)
        }
        Ty::Named(key) => type_path(model, key),
        Ty::List(item) => {
            let item = ty_tokens(model, item);
            quote!(::std::vec::Vec<#item>)
        }
        Ty::Map { key, value, .. } => {
            let key = ty_tokens(model, key);
            let value = ty_tokens(model, value);
            quote!(::std::collections::BTreeMap<#key, #value>)
        }
    }
}

/// `crate::a::b::Name` for a type of the model.
pub fn type_path(model: &Model, key: &TypeKey) -> TokenStream {
    let module = module_path(model, &key.module);
    let name = naming::ident(model.type_def(key).map_or(key.name.as_str(), |d| &d.ident));
    quote!(#module :: #name)
}

/// `crate::a::b` for a module of the model, spelled with the names the naming pass chose.
pub fn module_path(model: &Model, path: &ModPath) -> TokenStream {
    let segments = (1..=path.len()).map(|len| {
        let names = model.namespaces.get(&path[..len]);
        naming::ident(names.map_or(path[len - 1].as_str(), |n| &n.ident))
    });
    quote!(crate #(:: #segments)*)
}
