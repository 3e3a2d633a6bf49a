//! Structures and open enums, with their `/rest` rewriting and validation.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Docs, Field, Model, Ty, TypeDef, TypeKey, TypeKind, UnionMember, Variant};
use crate::naming;

use super::docs;
use super::{ty_tokens, type_path};

/// One structure or enum with its impls.
pub fn type_item(model: &Model, key: &TypeKey, def: &TypeDef) -> TokenStream {
    let name = def.ident.as_str();
    let mut lines = description(&def.docs);
    // Without a description the schema name is the summary line rustdoc shows in item lists.
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.push(format!("Schema `{}`.", docs::escape(&def.schema_name)));
    match &def.kind {
        TypeKind::Struct { fields, rest_class } => {
            structure(model, key, &lines, fields, rest_class.as_deref(), def)
        }
        TypeKind::Enum {
            variants,
            catch_all,
        } => open_enum(name, &lines, variants, catch_all),
        TypeKind::Union { members } => union(model, name, &lines, members),
    }
}

/// Description, since-version and deprecation as doc lines.
pub fn description(d: &Docs) -> Vec<String> {
    let mut lines = d
        .description
        .as_deref()
        .map(docs::prose)
        .unwrap_or_default();
    // VMware's descriptions often say it already ("This property was added in vSphere API
    // 6.9.1."); the fact is then not repeated.
    let stated = |since: &str| {
        d.description.as_deref().is_some_and(|text| {
            text.to_ascii_lowercase().contains(&format!(
                "added in vsphere api {}",
                since.to_ascii_lowercase()
            ))
        })
    };
    if let Some(since) = d.since.as_deref().filter(|since| !stated(since)) {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(format!("Added in vSphere API {}.", docs::escape(since)));
    }
    if d.deprecated {
        lines.push(String::new());
        lines.push("Deprecated.".to_owned());
    }
    lines
}

fn field_ty(model: &Model, field: &Field) -> TokenStream {
    let inner = ty_tokens(model, &field.ty);
    let inner = if field.boxed {
        quote!(::std::boxed::Box<#inner>)
    } else {
        inner
    };
    if field.required {
        inner
    } else {
        quote!(::std::option::Option<#inner>)
    }
}

/// The field's type as the JSON sees it (no `Box`), for the `/rest` and validation helpers.
fn field_wire_ty(model: &Model, field: &Field) -> TokenStream {
    let inner = ty_tokens(model, &field.ty);
    if field.required {
        inner
    } else {
        quote!(::std::option::Option<#inner>)
    }
}

fn structure(
    model: &Model,
    key: &TypeKey,
    lines: &[String],
    fields: &[Field],
    rest_class: Option<&str>,
    def: &TypeDef,
) -> TokenStream {
    let name = def.ident.as_str();
    let ident = naming::ident(name);
    let doc = docs::attrs(lines);
    let members = fields.iter().map(|field| {
        let mut lines = description(&field.docs);
        if let Some((sibling, values)) = &field.required_if {
            lines.push(String::new());
            lines.push(format!(
                "Required when `{sibling}` is {}.",
                values
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ));
        }
        let refused = refusal(model, fields, field).is_some();
        if let Some((sibling, values)) = field
            .relevant_if
            .as_ref()
            .filter(|relevant| refused && field.required_if.as_ref() != Some(relevant))
        {
            lines.push(String::new());
            lines.push(format!(
                "Only relevant when `{sibling}` is {}; refused before sending otherwise.",
                values
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ));
        } else if refused {
            if let Some(last) = lines.last_mut() {
                last.push_str(" Refused before sending otherwise.");
            }
        }
        if lines.is_empty() {
            lines.push(format!("The `{}` field.", field.json));
        }
        let doc = docs::attrs(&lines);
        let ident = naming::ident(&field.ident);
        let ty = field_ty(model, field);
        quote! { #doc pub #ident: #ty, }
    });
    let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    let args = required.iter().map(|f| {
        let ident = naming::ident(&f.ident);
        match &f.ty {
            Ty::String => quote!(#ident: impl ::std::convert::Into<::std::string::String>),
            ty => {
                let ty = ty_tokens(model, ty);
                quote!(#ident: #ty)
            }
        }
    });
    let inits = fields.iter().map(|f| {
        let ident = naming::ident(&f.ident);
        match (f.required, &f.ty, f.boxed) {
            (false, _, _) => quote!(#ident: ::std::option::Option::None),
            (true, Ty::String, _) => quote!(#ident: #ident.into()),
            (true, _, true) => quote!(#ident: ::std::boxed::Box::new(#ident)),
            (true, _, false) => quote!(#ident),
        }
    });
    let new_doc = if required.is_empty() {
        format!(" An empty `{name}`: every field is optional and starts unset.")
    } else {
        format!(
            " {} `{name}` from its required fields; optional fields start unset.",
            docs::article(name)
        )
    };
    let default = required.is_empty().then(|| quote!(Default,));
    let rest = rest_form(model, &ident, fields, rest_class, def.needs_rest_form);
    let validate = def.needs_validate.then(|| validate(model, &ident, fields));
    let serialize = serialize(&ident, fields);
    let deserialize = deserialize(model, key, &ident, fields);
    quote! {
        #doc
        #[derive(Clone, Debug, #default PartialEq)]
        #[non_exhaustive]
        pub struct #ident { #(#members)* }

        impl #ident {
            #[doc = #new_doc]
            #[allow(clippy::new_without_default, clippy::too_many_arguments)]
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }
        }

        #serialize
        #deserialize
        #rest
        #validate
    }
}

/// The structure's `Serialize`: its members in order through the runtime's `StructWriter`
/// (see `fields.rs` there why it is not derived); unset optional members are left out.
fn serialize(ident: &proc_macro2::Ident, fields: &[Field]) -> TokenStream {
    let name = ident.to_string();
    let required = fields.iter().filter(|f| f.required).count();
    // The announced length: the required members plus the optional ones that are set.
    let mut len: Vec<TokenStream> = Vec::new();
    if required > 0 || fields.is_empty() {
        let required = proc_macro2::Literal::usize_unsuffixed(required);
        len.push(quote!(#required));
    }
    len.extend(fields.iter().filter(|f| !f.required).map(|f| {
        let member = naming::ident(&f.ident);
        quote!(self.#member.is_some() as usize)
    }));
    let members = fields.iter().map(|f| {
        let member = naming::ident(&f.ident);
        let json = &f.json;
        if f.required {
            quote!(out.member(#json, &self.#member);)
        } else {
            quote!(out.optional(#json, &self.#member);)
        }
    });
    let start = quote!(crate::runtime::StructWriter::start(serializer, #name, #(#len)+*));
    let body = if fields.is_empty() {
        quote!(#start.end())
    } else {
        quote! {
            let mut out = #start;
            #(#members)*
            out.end()
        }
    };
    quote! {
        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                #body
            }
        }
    }
}

/// The structure's `Deserialize`: one map visitor through the runtime's `fields` helpers (see
/// there why it is not derived). Locals are numbered, never named after members, so no member
/// name can clash with them; the type is named by its full path for the same reason.
fn deserialize(
    model: &Model,
    key: &TypeKey,
    ident: &proc_macro2::Ident,
    fields: &[Field],
) -> TokenStream {
    let path = type_path(model, key);
    let name = ident.to_string();
    let slots: Vec<proc_macro2::Ident> = (0..fields.len())
        .map(|i| quote::format_ident!("slot{i}"))
        .collect();
    // Each slot's type is spelled out: inferring it from the structure literal at the end kept
    // every member's obligations pending through the whole body, which made type checking
    // these visitors nearly twice as slow.
    let declarations = fields.iter().zip(&slots).map(|(f, slot)| {
        let json = &f.json;
        let ty = field_ty(model, f);
        quote!(let mut #slot = crate::runtime::Slot::<#ty>::new(#json);)
    });
    let arms = fields.iter().zip(&slots).map(|(f, slot)| {
        let json = &f.json;
        quote!(#json => #slot.fill(&mut map),)
    });
    let inits = fields.iter().zip(&slots).map(|(f, slot)| {
        let member = naming::ident(&f.ident);
        if f.required {
            quote!(#member: crate::runtime::ok_or_return!(#slot.required()))
        } else {
            quote!(#member: #slot.optional())
        }
    });
    let members = fields.iter().map(|f| f.json.as_str());
    // Without members a `match` would be a lone wildcard (clippy's `match_single_binding`).
    let visit = if fields.is_empty() {
        quote!(crate::runtime::skip_value(&mut map))
    } else {
        quote! {
            match key.as_str() {
                #(#arms)*
                _ => crate::runtime::skip_value(&mut map),
            }
        }
    };
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = #path;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        crate::runtime::expecting_structure(f, #name)
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<Self::Value, A::Error> {
                        #(#declarations)*
                        while let ::std::option::Option::Some(key) = crate::runtime::next_member(&mut map)? {
                            #visit?;
                        }
                        ::std::result::Result::Ok(#path { #(#inits),* })
                    }
                }
                ::serde::Deserializer::deserialize_struct(deserializer, #name, &[#(#members),*], Visitor)
            }
        }
    }
}

/// Whether a field's type needs rewriting under `/rest`.
fn ty_needs_rest(model: &Model, ty: &Ty) -> bool {
    match ty {
        Ty::Map {
            rest_list: true, ..
        } => true,
        Ty::Map { value, .. } => ty_needs_rest(model, value),
        Ty::List(item) => ty_needs_rest(model, item),
        Ty::Named(key) => model.type_def(key).is_some_and(|d| d.needs_rest_form),
        Ty::String
        | Ty::Bool
        | Ty::I32
        | Ty::I64
        | Ty::F32
        | Ty::F64
        | Ty::Any
        | Ty::Bytes
        | Ty::Id(_) => false,
    }
}

fn ty_needs_validate(model: &Model, ty: &Ty) -> bool {
    match ty {
        Ty::Map { value, .. } => ty_needs_validate(model, value),
        Ty::List(item) => ty_needs_validate(model, item),
        Ty::Named(key) => model.type_def(key).is_some_and(|d| d.needs_validate),
        Ty::String
        | Ty::Bool
        | Ty::I32
        | Ty::I64
        | Ty::F32
        | Ty::F64
        | Ty::Any
        | Ty::Bytes
        | Ty::Id(_) => false,
    }
}

fn rest_form(
    model: &Model,
    ident: &proc_macro2::Ident,
    fields: &[Field],
    rest_class: Option<&str>,
    needed: bool,
) -> TokenStream {
    if !needed {
        return quote!(impl crate::runtime::RestForm for #ident {});
    }
    let steps = |to_rest: bool| {
        let class =
            rest_class.map(|class| quote!(crate::runtime::rest_class(value, #class, #to_rest);));
        let fields = fields
            .iter()
            .filter(|f| ty_needs_rest(model, &f.ty))
            .map(|f| {
                let ty = field_wire_ty(model, f);
                let json = &f.json;
                quote!(crate::runtime::rest_field::<#ty>(value, #json, #to_rest);)
            });
        // `@class` goes first when writing and is removed last when reading.
        if to_rest {
            quote!(#class #(#fields)*)
        } else {
            quote!(#(#fields)* #class)
        }
    };
    let to_rest = steps(true);
    let from_rest = steps(false);
    quote! {
        impl crate::runtime::RestForm for #ident {
            fn to_rest(value: &mut ::serde_json::Value) { #to_rest }
            fn from_rest(value: &mut ::serde_json::Value) { #from_rest }
        }
    }
}

/// The check that refuses a field set in a case of the union it does not belong to. Only the
/// discriminator's other known values refuse it: a value this client does not know may be a
/// newer case the field belongs to, and an unset discriminator (an update that keeps the
/// current case) is left to the server.
fn refusal(model: &Model, fields: &[Field], f: &Field) -> Option<TokenStream> {
    let (sibling, values) = f.relevant_if.as_ref()?;
    let sibling_field = fields.iter().find(|s| &s.json == sibling)?;
    let Ty::Named(key) = &sibling_field.ty else {
        return None;
    };
    let TypeKind::Enum { variants, .. } = &model.type_def(key)?.kind else {
        return None;
    };
    let others: Vec<&str> = variants
        .iter()
        .map(|v| v.value.as_str())
        .filter(|v| !values.iter().any(|case| case == v))
        .collect();
    if others.is_empty() {
        return None;
    }
    let sibling_ident = naming::ident(&sibling_field.ident);
    // One value needs no parentheses (rustc's `unused_parens` would say so).
    let alternatives = if others.len() == 1 {
        quote!(#(#others)*)
    } else {
        quote!((#(#others)|*))
    };
    let (pattern, value) = if sibling_field.required {
        (
            quote!(value @ #alternatives),
            quote!(self.#sibling_ident.as_str()),
        )
    } else {
        (
            quote!(::std::option::Option::Some(value @ #alternatives)),
            quote!(self.#sibling_ident.as_ref().map(|v| v.as_str())),
        )
    };
    let ident = naming::ident(&f.ident);
    let present = if f.required {
        quote!(true)
    } else {
        quote!(self.#ident.is_some())
    };
    let json = &f.json;
    let cases = values.join(" or ");
    Some(quote! {
        if let #pattern = #value {
            crate::runtime::refuse_field(#present, path, #json, #sibling, value, #cases)?;
        }
    })
}

fn validate(model: &Model, ident: &proc_macro2::Ident, fields: &[Field]) -> TokenStream {
    let checks = fields.iter().filter_map(|f| {
        let (sibling, values) = f.required_if.as_ref()?;
        let sibling_field = fields.iter().find(|s| &s.json == sibling)?;
        let sibling_ident = naming::ident(&sibling_field.ident);
        // Every type a condition may name (strings, enums, ids, numbers, booleans) prints its
        // wire value, so one comparison of texts covers them all.
        let sibling_value = match (&sibling_field.ty, sibling_field.required) {
            (Ty::Named(_) | Ty::Id(_) | Ty::String, true) => {
                quote!(::std::option::Option::Some(self.#sibling_ident.as_str()))
            }
            (Ty::Named(_) | Ty::Id(_), false) => {
                quote!(self.#sibling_ident.as_ref().map(|v| v.as_str()))
            }
            (Ty::String, false) => quote!(self.#sibling_ident.as_deref()),
            (_, true) => quote!(::std::option::Option::Some(::std::string::ToString::to_string(&self.#sibling_ident)).as_deref()),
            (_, false) => quote!(self.#sibling_ident.as_ref().map(::std::string::ToString::to_string).as_deref()),
        };
        let ident = naming::ident(&f.ident);
        let present = if f.required {
            quote!(true)
        } else {
            quote!(self.#ident.is_some())
        };
        let json = &f.json;
        let condition = format!("{sibling} is {}", values.join(" or "));
        Some(quote! {
            if matches!(#sibling_value, ::std::option::Option::Some(#(#values)|*)) {
                crate::runtime::require_field(#present, path, #json, #condition)?;
            }
        })
    });
    let refusals = fields.iter().filter_map(|f| refusal(model, fields, f));
    let nested = fields.iter().filter(|f| ty_needs_validate(model, &f.ty)).map(|f| {
        let ident = naming::ident(&f.ident);
        let json = &f.json;
        quote!(crate::runtime::Validate::validate(&self.#ident, &::std::format!("{path}.{}", #json))?;)
    });
    quote! {
        impl crate::runtime::Validate for #ident {
            fn validate(&self, path: &str) -> ::std::result::Result<(), crate::runtime::Error> {
                #(#checks)*
                #(#refusals)*
                #(#nested)*
                ::std::result::Result::Ok(())
            }
        }
    }
}

fn open_enum(name: &str, lines: &[String], variants: &[Variant], catch_all: &str) -> TokenStream {
    let ident = naming::ident(name);
    let other = naming::ident(catch_all);
    let open_doc = format!(
        " Open: a value this client does not know is kept in `{catch_all}` and written back unchanged."
    );
    let doc = docs::attrs(lines);
    let names: Vec<_> = variants.iter().map(|v| naming::ident(&v.ident)).collect();
    let values: Vec<&str> = variants.iter().map(|v| v.value.as_str()).collect();
    let variant_docs = values.iter().map(|v| format!(" `{v}`."));
    quote! {
        #doc
        ///
        #[doc = #open_doc]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #ident {
            #( #[doc = #variant_docs] #names, )*
            /// A value this client does not know, exactly as the server sent it.
            #other(::std::string::String),
        }

        impl #ident {
            /// The value as it travels on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#names => #values, )*
                    Self::#other(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#names, )*
                    other => Self::#other(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(Self::from(value.as_str()))
            }
        }

        impl crate::runtime::RestForm for #ident {}
    }
}

/// A `oneOf`/`anyOf` whose members differ in JSON shape: an untagged enum, which serde decodes
/// by trying the members in order.
fn union(model: &Model, name: &str, lines: &[String], members: &[UnionMember]) -> TokenStream {
    let ident = naming::ident(name);
    let doc = docs::attrs(lines);
    let variants = members.iter().map(|m| {
        let variant = naming::ident(&m.ident);
        let ty = ty_tokens(model, &m.ty);
        let ty = if m.boxed {
            quote!(::std::boxed::Box<#ty>)
        } else {
            ty
        };
        let doc = format!(" The `{}` alternative.", m.hint);
        quote!(#[doc = #doc] #variant(#ty),)
    });
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(untagged)]
        pub enum #ident {
            #(#variants)*
        }

        impl crate::runtime::RestForm for #ident {}
    }
}
