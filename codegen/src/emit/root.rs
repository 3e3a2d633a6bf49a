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
    lines.push("Start with [`Client::builder`], then call an operation through its namespace, e.g. `client.vcenter_vm()`.".to_owned());
    let doc = lines.iter().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    let modules = tree.children(&[]).iter().map(|m| {
        let ident = naming::ident(m);
        let doc = format!(" The `{m}` namespace.");
        quote!(#[doc = #doc] pub mod #ident;)
    });
    quote! {
        #( #![doc = #doc] )*
        #![deny(missing_docs)]
        #![forbid(unsafe_code)]

        pub mod ids;
        pub mod runtime;
        #(#modules)*

        pub use runtime::{ApiError, CallInfo, Client, ClientBuilder, Error, ErrorKind, Style};
    }
}
