//! `src/lib.rs`: crate docs, lints, the runtime and the top-level namespaces.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Model;
use crate::naming;

use super::docs;
use super::module::Tree;

/// The crate root.
pub fn lib_rs(model: &Model, tree: &Tree) -> TokenStream {
    let mut lines = vec![
        format!("{} client.", docs::escape(&model.title)),
        String::new(),
    ];
    if let Some(description) = &model.description {
        lines.extend(docs::prose(description));
        lines.push(String::new());
    }
    lines.push(format!(
        "Generated from `{}` (API version {}): {} operations, {} structures and enums, {} id types.",
        model.source,
        docs::escape(&model.api_version),
        model.operation_count(),
        model.type_count(),
        model.ids.len()
    ));
    let example = model
        .namespaces
        .iter()
        .find_map(|(path, n)| (path.len() == 1).then_some(n.handle.as_ref()?.accessor.as_str()));
    lines.push(match example {
        Some(accessor) => format!("Start with [`Client::builder`], then reach an operation through the namespace tree, e.g. `client.{}()`.", crate::naming::unraw(accessor)),
        None => "Start with [`Client::builder`].".to_owned(),
    });
    let doc = lines.iter().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    let modules = tree.children(&[]).iter().map(|m| {
        let ident = naming::ident(
            model
                .namespaces
                .get(std::slice::from_ref(m))
                .map_or(m.as_str(), |n| &n.ident),
        );
        let doc = format!(" The `{m}` namespace.");
        quote!(#[doc = #doc] pub mod #ident;)
    });
    let ids = naming::ident(&model.root.ids);
    // How deeply types nest (a map of lists of maps) is the spec's to decide; clippy's
    // `type_complexity` would otherwise fail a user's `-D warnings` build over a field type the
    // crate cannot name otherwise without inventing aliases.
    quote! {
        #( #![doc = #doc] )*
        #![deny(missing_docs)]
        #![forbid(unsafe_code)]
        #![allow(clippy::type_complexity)]

        pub mod #ids;
        pub mod runtime;
        #(#modules)*

        pub use runtime::{ApiError, CallInfo, Client, ClientBuilder, Error, ErrorKind, Style};
    }
}
