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
    // Module files are independent: emitted and formatted on all cores (token streams are not
    // `Send`, so each thread builds its own), then collected in path order, so the output and
    // the error reported first do not depend on scheduling. Threads take the next file as they
    // finish one: namespaces differ in size by a hundred times, so fixed shares would leave
    // one core idle.
    let paths: Vec<&ModPath> = tree.paths().collect();
    // Taken largest first (by items), so that no large module is left for the end while the
    // other cores idle.
    let mut order: Vec<usize> = (0..paths.len()).collect();
    order.sort_by_key(|&i| {
        let items = model
            .modules
            .get(paths[i])
            .map_or(0, |m| m.types.len() + m.operations.len());
        (std::cmp::Reverse(items), i)
    });
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (emitted, lib_rs, ids_rs) = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.saturating_sub(1).max(1))
            .map(|_| {
                let (tree, header, paths, next, order) = (&tree, &header, &paths, &next, &order);
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let taken = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&i) = order.get(taken) else {
                            break done;
                        };
                        let path = paths[i];
                        done.push((i, module_file(model, tree, path, header)));
                    }
                })
            })
            .collect();
        // This thread writes the crate root and the ids meanwhile, then helps with modules.
        let lib_rs = format::rust(root::lib_rs(model, &tree), &header, "src/lib.rs");
        let ids_rs = format::rust(ids::ids_rs(model), &header, "src/ids.rs");
        let mut emitted = Vec::new();
        if threads > 1 {
            loop {
                let taken = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(&i) = order.get(taken) else {
                    break;
                };
                let path = paths[i];
                emitted.push((i, module_file(model, &tree, path, &header)));
            }
        }
        for worker in workers {
            emitted.extend(
                worker
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p)),
            );
        }
        emitted.sort_by_key(|(i, _)| *i);
        (emitted, lib_rs, ids_rs)
    });
    files.insert("src/lib.rs".to_owned(), lib_rs?);
    files.insert("src/ids.rs".to_owned(), ids_rs?);
    let emitted = emitted.into_iter().map(|(_, result)| result);
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
