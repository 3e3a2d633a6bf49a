//! `src/ids.rs`: one newtype per vSphere resource type, so ids of different kinds cannot be mixed.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Model;
use crate::naming;

/// The `ids` module.
pub fn ids_rs(model: &Model) -> TokenStream {
    let ids = model.ids.iter().map(|(name, id)| {
        let ident = naming::ident(name);
        let doc = format!(" An identifier of a vSphere resource of type `{}`.", id.resource_type);
        quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(transparent)]
            pub struct #ident(::std::string::String);

            impl #ident {
                /// Wraps an id as the server wrote it.
                pub fn new(id: impl ::std::convert::Into<::std::string::String>) -> Self {
                    Self(id.into())
                }

                /// The id as it travels on the wire.
                pub fn as_str(&self) -> &str {
                    &self.0
                }

                /// The id as a `String`.
                pub fn into_string(self) -> ::std::string::String {
                    self.0
                }
            }

            impl ::std::fmt::Display for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(&self.0)
                }
            }

            impl crate::runtime::RestForm for #ident {}
        }
    });
    quote! {
        //! Identifiers, one type per vSphere resource type: a folder id cannot be passed where a
        //! virtual machine id is expected.
        #(#ids)*
    }
}
