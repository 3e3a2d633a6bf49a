//! One file per namespace: child modules, structures, enums and the operations handle.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use crate::diagnostic::Diagnostic;
use crate::model::{ModPath, Model};
use crate::naming;

use super::operations;
use super::types;

/// Every module to emit: those holding something, and their ancestors.
pub fn all_module_paths(model: &Model) -> BTreeSet<ModPath> {
    let mut paths = BTreeSet::new();
    for path in model.modules.keys() {
        for len in 1..=path.len() {
            paths.insert(path[..len].to_vec());
        }
    }
    paths
}

/// Direct children of a module (top-level modules for the empty path).
pub fn children(model: &Model, path: &[String]) -> Vec<String> {
    all_module_paths(model)
        .into_iter()
        .filter(|p| p.len() == path.len() + 1 && p.starts_with(path))
        .filter_map(|p| p.last().cloned())
        .collect()
}

/// `src/vcenter/vm/mod.rs` for a module with children, `src/vcenter/ovf/export_session.rs` otherwise.
pub fn file_path(model: &Model, path: &[String]) -> String {
    let parts: Vec<String> = path.iter().map(|p| naming::module_file(p)).collect();
    if children(model, path).is_empty() {
        format!("src/{}.rs", parts.join("/"))
    } else {
        format!("src/{}/mod.rs", parts.join("/"))
    }
}

/// The module file's content.
pub fn module_rs(model: &Model, path: &ModPath) -> Result<TokenStream, Diagnostic> {
    let dotted = path.join(".");
    let module = model.modules.get(path);
    let doc = match module {
        Some(m) if !m.operations.is_empty() => {
            format!(" The `{dotted}` namespace: its operations and structures.")
        }
        Some(_) => format!(" Structures of the `{dotted}` namespace."),
        None => format!(" Namespaces under `{dotted}`."),
    };
    let children = children(model, path).into_iter().map(|c| {
        let ident = naming::ident(&c);
        let child_doc = format!(" The `{dotted}.{c}` namespace.");
        quote!(#[doc = #child_doc] pub mod #ident;)
    });
    let mut items = Vec::new();
    if let Some(module) = module {
        if !module.operations.is_empty() {
            let handle = operations::handle_name(path);
            if module.types.contains_key(&handle) {
                return Err(Diagnostic::error(&model.source, format!("the structure `{dotted}.{handle}` has the name of the namespace's operations handle")).help("rename the schema"));
            }
        }
        for (name, def) in &module.types {
            items.push(types::type_item(model, name, def));
        }
        items.push(operations::handle(model, path));
    }
    Ok(quote! {
        #![doc = #doc]
        #(#children)*
        #(#items)*
    })
}
