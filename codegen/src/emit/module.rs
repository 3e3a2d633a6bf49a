//! One file per namespace: child modules, structures, enums and the operations handle.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::diagnostic::Diagnostic;
use crate::model::{ModPath, Model, TypeKey};
use crate::naming;

use super::operations;
use super::types;

/// The crate's module tree: every module to emit (those holding something and their ancestors),
/// each with its direct children, worked out once so emitting stays linear in the module count.
pub struct Tree {
    children: BTreeMap<ModPath, Vec<String>>,
}

impl Tree {
    /// The tree of the model's modules; the empty path is the crate root.
    pub fn of(model: &Model) -> Tree {
        let mut children: BTreeMap<ModPath, Vec<String>> = BTreeMap::new();
        children.insert(Vec::new(), Vec::new());
        for path in model.namespaces.keys() {
            for len in 1..=path.len() {
                let prefix = &path[..len];
                if !children.contains_key(prefix) {
                    children.insert(prefix.to_vec(), Vec::new());
                    let parent = children.entry(prefix[..len - 1].to_vec()).or_default();
                    parent.push(prefix[len - 1].clone());
                }
            }
        }
        for names in children.values_mut() {
            names.sort();
        }
        Tree { children }
    }

    /// Every module to emit, in path order (the crate root excluded).
    pub fn paths(&self) -> impl Iterator<Item = &ModPath> {
        self.children.keys().filter(|p| !p.is_empty())
    }

    /// Direct children of a module (top-level modules for the empty path).
    pub fn children(&self, path: &[String]) -> &[String] {
        self.children.get(path).map_or(&[], Vec::as_slice)
    }

    /// `src/vcenter/vm/mod.rs` for a module with children, `src/vcenter/ovf/export_session.rs`
    /// otherwise.
    pub fn file_path(&self, model: &Model, path: &[String]) -> String {
        let parts: Vec<String> = (1..=path.len())
            .map(|len| {
                model
                    .namespaces
                    .get(&path[..len])
                    .map_or_else(|| path[len - 1].clone(), |n| n.file.clone())
            })
            .collect();
        if self.children(path).is_empty() {
            format!("src/{}.rs", parts.join("/"))
        } else {
            format!("src/{}/mod.rs", parts.join("/"))
        }
    }
}

/// The module file's content.
pub fn module_rs(model: &Model, tree: &Tree, path: &ModPath) -> Result<TokenStream, Diagnostic> {
    let dotted = path.join(".");
    let module = model.modules.get(path);
    let doc = match module {
        Some(m) if !m.operations.is_empty() => {
            format!(" The `{dotted}` namespace: its operations and structures.")
        }
        Some(_) => format!(" Structures of the `{dotted}` namespace."),
        None => format!(" Namespaces under `{dotted}`."),
    };
    let children = tree.children(path).iter().map(|c| {
        let mut child = path.clone();
        child.push(c.clone());
        let ident = naming::ident(
            model
                .namespaces
                .get(&child)
                .map_or(c.as_str(), |n| &n.ident),
        );
        let child_doc = format!(" The `{dotted}.{c}` namespace.");
        quote!(#[doc = #child_doc] pub mod #ident;)
    });
    let mut items = Vec::new();
    if let Some(module) = module {
        for (name, def) in &module.types {
            let key = TypeKey {
                module: path.to_vec(),
                name: name.clone(),
            };
            items.push(types::type_item(model, &key, def));
        }
    }
    items.push(operations::handle(model, tree, path));
    Ok(quote! {
        #![doc = #doc]
        #(#children)*
        #(#items)*
    })
}
