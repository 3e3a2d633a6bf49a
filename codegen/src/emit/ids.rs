//! `src/ids.rs`: one newtype per vSphere resource type, so ids of different kinds cannot be mixed.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Model;
use crate::naming;

use super::features;

/// The `ids` module. Each id compiles only with a feature of a namespace that uses it.
pub fn ids_rs(model: &Model) -> TokenStream {
    let users = features::id_users(model);
    let ids = model.ids.iter().map(|(name, id)| {
        let ident = naming::ident(&id.ident);
        let doc = format!(
            " An identifier of a vSphere resource of type `{}`.",
            id.resource_type
        );
        let gate = users.get(name).map(|features| match features.len() {
            1 => {
                let feature = features.iter();
                quote!(#[cfg(#(feature = #feature)*)])
            }
            _ => {
                let features = features.iter();
                quote!(#[cfg(any(#(feature = #features),*))])
            }
        });
        quote! {
            #gate
            crate::id_type! {
                #[doc = #doc]
                #ident
            }
        }
    });
    quote! {
        //! Identifiers, one type per vSphere resource type: a folder id cannot be passed where a
        //! virtual machine id is expected.
        #(#ids)*
    }
}
