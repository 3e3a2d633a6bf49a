//! A namespace's handle struct and one async method per operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{BodyKind, Endpoint, ModPath, Model, Operation, Param, Place, SessionRole, Ty};
use crate::naming;

use super::docs;
use super::ty_tokens;
use super::types::description;

/// Name of a namespace's handle struct (`vcenter::vm` → `VmApi`).
pub fn handle_name(module: &ModPath) -> String {
    format!(
        "{}Api",
        naming::camel(module.last().map_or("root", String::as_str))
    )
}

/// Name of the `Client` method that returns the handle (`vcenter::vm` → `vcenter_vm`).
pub fn accessor_name(module: &ModPath) -> String {
    module.join("_")
}

/// The handle, its accessor on `Client`, and the operations.
pub fn handle(model: &Model, module: &ModPath) -> TokenStream {
    let Some(ops) = model
        .modules
        .get(module)
        .map(|m| &m.operations)
        .filter(|o| !o.is_empty())
    else {
        return TokenStream::new();
    };
    let handle = format_ident!("{}", handle_name(module));
    let accessor = naming::ident(&accessor_name(module));
    let dotted = module.join(".");
    let handle_doc = format!(
        " Operations of the `{dotted}` namespace; get one with [`Client::{}`](crate::runtime::Client::{}).",
        accessor_name(module),
        accessor_name(module)
    );
    let accessor_doc = format!(" Operations of the `{dotted}` namespace.");
    let methods = ops.iter().map(|(name, op)| method(model, module, name, op));
    let queries = ops.iter().filter_map(|(name, op)| {
        let query = query_struct(model, module, name, op)?;
        Some(query_item(&handle_name(module), name, &query, op))
    });
    quote! {
        #[doc = #handle_doc]
        #[derive(Clone, Copy, Debug)]
        pub struct #handle<'a> {
            client: &'a crate::runtime::Client,
        }

        impl crate::runtime::Client {
            #[doc = #accessor_doc]
            pub fn #accessor(&self) -> #handle<'_> {
                #handle { client: self }
            }
        }

        impl #handle<'_> {
            #(#methods)*
        }

        #(#queries)*
    }
}

/// Optional query parameters are gathered into one structure from this many on, so that a call
/// names the filters it sets (`query.names = ...`) instead of passing a row of `None`s.
const QUERY_STRUCT_MIN: usize = 2;

/// The optional query parameters of an operation.
fn optional_query(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| in_query_struct(p))
}

/// Whether a parameter belongs in its operation's query structure (when it has one): optional,
/// and only ever in the query.
fn in_query_struct(p: &Param) -> bool {
    p.place == Place::Query && p.rest_place.is_none() && !p.required && !p.idempotency_token
}

/// The name of the structure holding `op`'s optional query parameters (`ListQuery` for `list`),
/// when it gets one: enough of them, and a name free in the namespace and among the arguments.
fn query_struct(model: &Model, module: &ModPath, method: &str, op: &Operation) -> Option<String> {
    if op.session.is_some() || optional_query(op).count() < QUERY_STRUCT_MIN {
        return None;
    }
    let name = format!("{}Query", naming::camel(method));
    let taken = model
        .modules
        .get(module)
        .is_some_and(|m| m.types.contains_key(&name))
        || name == handle_name(module)
        || op.params.iter().any(|p| p.rust == "query");
    (!taken).then_some(name)
}

/// The structure of an operation's optional query parameters: every field optional, `Default`
/// sends none.
fn query_item(handle: &str, method: &str, name: &str, op: &Operation) -> TokenStream {
    let ident = format_ident!("{}", name);
    let doc = format!(
        " Optional query parameters of [`{handle}::{method}`]; each one left `None` is not sent."
    );
    let fields = optional_query(op).map(|p| {
        let field = naming::ident(&p.rust);
        let ty = match &p.ty {
            Ty::List(item) => {
                let item = ty_tokens(item);
                quote!(::std::vec::Vec<#item>)
            }
            ty => ty_tokens(ty),
        };
        let doc = docs::attrs(
            &p.docs
                .description
                .as_deref()
                .map(docs::prose)
                .unwrap_or_else(|| vec![format!("The `{}` query parameter.", p.wire)]),
        );
        quote! {
            #doc
            pub #field: ::std::option::Option<#ty>,
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, Default, PartialEq)]
        #[non_exhaustive]
        pub struct #ident {
            #(#fields)*
        }

        impl #ident {
            /// No parameters set, the same as `default()`.
            pub fn new() -> Self {
                Self::default()
            }
        }
    }
}

fn method(model: &Model, module: &ModPath, name: &str, op: &Operation) -> TokenStream {
    let ident = naming::ident(name);
    let query = query_struct(model, module, name, op);
    let grouped = |p: &Param| query.is_some() && in_query_struct(p);
    let doc = docs::attrs(&method_docs(op, &grouped));
    if let Some(role) = op.session {
        // The runtime owns the session: it keeps the token and logs in again after a 401.
        return match role {
            SessionRole::Login => quote! {
                #doc
                pub async fn #ident(self) -> ::std::result::Result<::std::string::String, crate::runtime::Error> {
                    self.client.login().await
                }
            },
            SessionRole::Logout => quote! {
                #doc
                pub async fn #ident(self) -> ::std::result::Result<(), crate::runtime::Error> {
                    self.client.logout().await
                }
            },
        };
    }
    let query_arg = query.as_ref().map(|name| {
        let ty = format_ident!("{}", name);
        quote!(query: &#ty)
    });
    let args = op
        .params
        .iter()
        .filter(|p| !grouped(p))
        .map(|p| {
            let ident = naming::ident(&p.rust);
            let ty = param_ty(p);
            quote!(#ident: #ty)
        })
        .chain(query_arg);
    let steps = op.params.iter().map(|p| {
        if grouped(p) {
            query_field_step(p)
        } else {
            param_step(model, p)
        }
    });
    let (result, send) = match &op.result {
        Some(ty) => {
            let ty = ty_tokens(ty);
            (quote!(#ty), quote!(call.send::<#ty>().await))
        }
        None => (quote!(()), quote!(call.send_empty().await)),
    };
    let name_str = &op.name;
    let call = if op.params.is_empty() {
        quote!(call)
    } else {
        quote!(mut call)
    };
    let api = endpoint(op.api.as_ref());
    let rest = endpoint(op.rest.as_ref());
    // One argument per path, body and required query parameter, which can still be many.
    let arity = op.params.iter().filter(|p| !grouped(p)).count() + usize::from(query.is_some());
    let many = (arity > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #doc
        #many
        pub async fn #ident(self, #(#args),*) -> ::std::result::Result<#result, crate::runtime::Error> {
            static OPERATION: crate::runtime::Operation = crate::runtime::Operation {
                name: #name_str,
                api: #api,
                rest: #rest,
            };
            let #call = self.client.call(&OPERATION);
            #(#steps)*
            #send
        }
    }
}

fn endpoint(endpoint: Option<&Endpoint>) -> TokenStream {
    let Some(e) = endpoint else {
        return quote!(::std::option::Option::None);
    };
    let method = format_ident!("{}", naming::camel(&e.method.to_lowercase()));
    let path = &e.path;
    let action = match &e.action {
        Some(action) => quote!(::std::option::Option::Some(#action)),
        None => quote!(::std::option::Option::None),
    };
    let body = match e.body {
        BodyKind::None => quote!(None),
        BodyKind::Bare => quote!(Bare),
        BodyKind::Envelope => quote!(Envelope),
    };
    quote! {
        ::std::option::Option::Some(crate::runtime::Endpoint {
            method: crate::runtime::Method::#method,
            path: #path,
            action: #action,
            body: crate::runtime::BodyKind::#body,
        })
    }
}

/// How a parameter is taken: ids and structures by reference, strings as `&str`.
fn param_ty(p: &Param) -> TokenStream {
    let inner = match &p.ty {
        Ty::String => quote!(&str),
        Ty::Bool | Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64 => ty_tokens(&p.ty),
        Ty::List(item) if p.place == Place::Query => {
            let item = ty_tokens(item);
            quote!(&[#item])
        }
        ty => {
            let ty = ty_tokens(ty);
            quote!(&#ty)
        }
    };
    if p.required && !p.idempotency_token {
        inner
    } else {
        quote!(::std::option::Option<#inner>)
    }
}

/// The text form of a scalar for paths and queries.
fn scalar_text(ty: &Ty, value: TokenStream) -> TokenStream {
    match ty {
        Ty::String => quote!(#value),
        Ty::Id(_) | Ty::Named(_) => quote!(#value.as_str()),
        _ => quote!(&#value.to_string()),
    }
}

/// Sends the query parameter `p` holding `value`: each item of a list as its own pair. `/rest`
/// may name the parameter differently (`filter.names`); the key is chosen first so that `call`
/// is not borrowed inside its own argument list.
fn query_send(p: &Param, value: &TokenStream) -> TokenStream {
    let wire = &p.wire;
    let (key_setup, name) = match &p.rest_wire {
        Some(rest) => (
            quote!(let key = if call.style() == crate::runtime::Style::Rest { #rest } else { #wire };),
            quote!(key),
        ),
        None => (TokenStream::new(), quote!(#wire)),
    };
    match &p.ty {
        Ty::List(item) => {
            let text = scalar_text(item, quote!(item));
            quote!(#key_setup for item in #value { call.query_param(#name, #text); })
        }
        ty => {
            let text = scalar_text(ty, value.clone());
            quote!(#key_setup call.query_param(#name, #text);)
        }
    }
}

fn param_step(model: &Model, p: &Param) -> TokenStream {
    let ident = naming::ident(&p.rust);
    let wire = &p.wire;
    let rust = &p.rust;
    let value = quote!(#ident);
    let step_for = |place: Place| match place {
        Place::Path => {
            let text = scalar_text(&p.ty, value.clone());
            quote!(call.path_param(#rust, #text);)
        }
        Place::Query => query_send(p, &value),
        Place::Body => {
            let check =
                needs_validate(model, &p.ty).then(|| quote!(call.validate(#value, #wire)?;));
            let value = match p.ty {
                Ty::String => quote!(&#value.to_owned()),
                Ty::Bool | Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64 => quote!(&#value),
                _ => value.clone(),
            };
            quote! { #check call.body_param(#wire, #value)?; }
        }
    };
    let step = match p.rest_place {
        Some(rest_place) => {
            let (api, rest) = (step_for(p.place), step_for(rest_place));
            quote! {
                if call.style() == crate::runtime::Style::Rest { #rest } else { #api }
            }
        }
        None => step_for(p.place),
    };
    if p.idempotency_token {
        // A fresh token per call; a retry inside the runtime resends the same body, hence the same token.
        quote! {
            let #ident: ::std::string::String = #ident.map_or_else(crate::runtime::new_client_token, ::std::borrow::ToOwned::to_owned);
            call.body_param(#wire, &#ident)?;
        }
    } else if p.required {
        step
    } else {
        quote!(if let ::std::option::Option::Some(#ident) = #ident { #step })
    }
}

/// Sends one field of the query structure, when set.
fn query_field_step(p: &Param) -> TokenStream {
    let ident = naming::ident(&p.rust);
    let send = query_send(p, &quote!(#ident));
    quote! {
        if let ::std::option::Option::Some(#ident) = &query.#ident {
            #send
        }
    }
}

fn needs_validate(model: &Model, ty: &Ty) -> bool {
    match ty {
        Ty::Named(key) => model.type_def(key).is_some_and(|d| d.needs_validate),
        Ty::List(item) | Ty::Map { value: item, .. } => needs_validate(model, item),
        _ => false,
    }
}

fn method_docs(op: &Operation, grouped: &dyn Fn(&Param) -> bool) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(summary) = &op.summary
        && op.docs.description.as_deref() != Some(summary.as_str())
    {
        lines.extend(docs::prose(summary));
        lines.push(String::new());
    }
    lines.extend(description(&op.docs));
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.push(format!("vAPI operation `{}`.", docs::escape(&op.name)));
    lines.push(String::new());
    lines.push("| Style | Request |".to_owned());
    lines.push("|---|---|".to_owned());
    for (style, endpoint) in [("`/api`", &op.api), ("`/rest`", &op.rest)] {
        if let Some(e) = endpoint {
            lines.push(format!(
                "| {style} | `{} {}` |",
                e.method,
                e.spec_path.replace('|', "%7C")
            ));
        }
    }
    let params: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.docs.description.is_some())
        .collect();
    if !params.is_empty() {
        lines.push(String::new());
        lines.push("# Parameters".to_owned());
        for p in params {
            let text = p
                .docs
                .description
                .as_deref()
                .map(docs::cell)
                .unwrap_or_default();
            let name = if grouped(p) {
                format!("query.{}", p.rust)
            } else {
                p.rust.clone()
            };
            lines.push(format!("- `{name}`: {text}"));
        }
    }
    if !op.privileges.is_empty() {
        lines.push(String::new());
        lines.push("# Privileges".to_owned());
        for p in &op.privileges {
            let mut line = format!("- `{}`", docs::escape(&p.privilege));
            if let Some(resource) = &p.resource {
                line.push_str(&format!(" on the `{}`", docs::escape(resource)));
                if let Some(via) = &p.via {
                    line.push_str(&format!(" named by `{}`", docs::escape(via)));
                }
            }
            lines.push(line);
        }
    }
    if !op.errors.is_empty() {
        lines.push(String::new());
        lines.push("# Errors".to_owned());
        lines.push(String::new());
        lines.push("| Status | Error | When |".to_owned());
        lines.push("|---|---|---|".to_owned());
        for e in &op.errors {
            let kind = e
                .error_type
                .as_deref()
                .map(|t| format!("`{t}`"))
                .unwrap_or_default();
            let when = e.description.as_deref().map(docs::cell).unwrap_or_default();
            lines.push(format!("| {} | {kind} | {when} |", docs::cell(&e.status)));
        }
    }
    lines
}
