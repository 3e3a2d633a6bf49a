//! A namespace's handle struct and one async method per operation.

use proc_macro2::TokenStream;
use quote::quote;

use crate::lower::names::in_query_struct;
use crate::model::{
    BodyKind, Endpoint, HttpMethod, Media, ModPath, Model, Operation, Param, Place, SessionRole,
    Ty, TypeKind,
};
use crate::naming;

use super::docs;
use super::module::Tree;
use super::ty_tokens;
use super::types::description;

/// The namespace's handle: the struct, how its parent (or `Client`) returns it, the accessors
/// of the namespaces below it, and one method per operation.
pub fn handle(model: &Model, tree: &Tree, path: &ModPath) -> TokenStream {
    let Some(names) = model.namespaces.get(path).and_then(|n| n.handle.as_ref()) else {
        return TokenStream::new();
    };
    let handle = naming::ident(&names.ident);
    let dotted = path.join(".");
    let any_feature = cfg_any(&names.features);
    let reach = reach_path(model, path);
    let below = if tree.children(path).is_empty() {
        ""
    } else {
        " and the namespaces below it"
    };
    let handle_doc =
        format!(" Operations of the `{dotted}` namespace{below}; get one with `{reach}`.");
    // A top-level namespace is reached from `Client` itself.
    let root_accessor = (path.len() == 1).then(|| {
        let accessor = naming::ident(&names.accessor);
        let doc = format!(" Operations of the `{dotted}` namespace{below}.");
        quote! {
            #any_feature
            impl crate::runtime::Client {
                #[doc = #doc]
                pub fn #accessor(&self) -> #handle<'_> {
                    #handle { client: self }
                }
            }
        }
    });
    let child_accessors: Vec<TokenStream> = tree
        .children(path)
        .iter()
        .filter_map(|c| {
            let mut child = path.clone();
            child.push(c.clone());
            let child_names = model.namespaces.get(&child)?.handle.as_ref()?;
            let accessor = naming::ident(&child_names.accessor);
            let child_module = super::module_path(model, &child);
            let child_handle = naming::ident(&child_names.ident);
            let cfg = cfg_any(&child_names.features);
            let below = if tree.children(&child).is_empty() {
                ""
            } else {
                " and the namespaces below it"
            };
            let doc = format!(" Operations of the `{dotted}.{c}` namespace{below}.");
            Some(quote! {
                #[doc = #doc]
                #cfg
                pub fn #accessor(self) -> #child_module::#child_handle<'a> {
                    #child_module::#child_handle { client: self.client }
                }
            })
        })
        .collect();
    let accessors = (!child_accessors.is_empty()).then(|| {
        quote! {
            #any_feature
            impl<'a> #handle<'a> {
                #(#child_accessors)*
            }
        }
    });
    let ops = model
        .modules
        .get(path)
        .map(|m| &m.operations)
        .filter(|o| !o.is_empty());
    let operations = ops.map(|ops| {
        let methods = ops.values().map(|op| method(model, op));
        let queries = ops.values().filter_map(|op| {
            let query = op.query.as_ref()?;
            Some(query_item(model, &names.ident, query, op))
        });
        // Gated with the namespace's own feature (the file's gate), unlike the handle.
        quote! {
            impl #handle<'_> {
                #(#methods)*
            }
            #(#queries)*
        }
    });
    quote! {
        #[doc = #handle_doc]
        #any_feature
        #[derive(Clone, Copy, Debug)]
        pub struct #handle<'a> {
            pub(crate) client: &'a crate::runtime::Client,
        }

        #root_accessor
        #accessors
        #operations
    }
}

/// `#[cfg(any(feature = "a", feature = "b"))]` (or the one feature alone).
fn cfg_any(features: &[String]) -> TokenStream {
    match features {
        [] => TokenStream::new(),
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// How a user reaches a namespace's handle: `client.vcenter().vm()`.
fn reach_path(model: &Model, path: &ModPath) -> String {
    let mut out = "client".to_owned();
    for len in 1..=path.len() {
        let accessor = model
            .namespaces
            .get(&path[..len])
            .and_then(|n| n.handle.as_ref())
            .map_or(path[len - 1].as_str(), |h| h.accessor.as_str());
        out.push_str(&format!(".{}()", naming::unraw(accessor)));
    }
    out
}

/// The optional query parameters of an operation.
fn optional_query(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| in_query_struct(p))
}

/// The structure of an operation's optional query parameters: every field optional, `Default`
/// sends none.
fn query_item(model: &Model, handle: &str, name: &str, op: &Operation) -> TokenStream {
    let ident = naming::ident(name);
    let doc = format!(
        " Optional query parameters of [`{handle}::{}`]; each one left `None` is not sent.",
        naming::unraw(&op.ident)
    );
    let fields = optional_query(op).map(|p| {
        let field = naming::ident(&p.ident);
        let ty = ty_tokens(model, &p.ty);
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

fn method(model: &Model, op: &Operation) -> TokenStream {
    let ident = naming::ident(&op.ident);
    let query = op.query.as_ref();
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
    let query_arg = query.map(|name| {
        let ty = naming::ident(name);
        quote!(query: &#ty)
    });
    let args = op
        .params
        .iter()
        .filter(|p| !grouped(p))
        .map(|p| {
            let ident = naming::ident(&p.ident);
            let ty = param_ty(model, p);
            quote!(#ident: #ty)
        })
        .chain(query_arg);
    let steps = op.params.iter().map(|p| {
        if grouped(p) {
            query_field_step(model, p)
        } else {
            param_step(model, op, p)
        }
    });
    let (result, send) = match (&op.task, &op.result, &op.result_media) {
        // The task id comes back as a JSON string; the task is what the caller waits on.
        (Some(task), _, _) => {
            let inner = task
                .result
                .as_ref()
                .map_or_else(|| quote!(()), |ty| ty_tokens(model, ty));
            (
                quote!(crate::runtime::Task<#inner>),
                quote! {
                    let id: ::std::string::String = call.send().await?;
                    ::std::result::Result::Ok(crate::runtime::Task::from_id(
                        ::std::clone::Clone::clone(self.client),
                        crate::runtime::TaskId::new(id),
                    ))
                },
            )
        }
        (None, None, _) => (quote!(()), quote!(call.send_empty().await)),
        (None, Some(_), Media::Text(_)) => (
            quote!(::std::string::String),
            quote!(call.send_text().await),
        ),
        (None, Some(_), Media::Binary(_)) => {
            (quote!(::std::vec::Vec<u8>), quote!(call.send_bytes().await))
        }
        (None, Some(ty), Media::Json) => {
            let ty = ty_tokens(model, ty);
            (quote!(#ty), quote!(call.send::<#ty>().await))
        }
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
    let method = match e.method {
        HttpMethod::Get => quote!(Get),
        HttpMethod::Put => quote!(Put),
        HttpMethod::Post => quote!(Post),
        HttpMethod::Delete => quote!(Delete),
        HttpMethod::Patch => quote!(Patch),
        HttpMethod::Head => quote!(Head),
        HttpMethod::Options => quote!(Options),
    };
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

/// Whether values of `ty` travel as one text (strings, numbers, booleans, ids, enums).
fn is_scalar(model: &Model, ty: &Ty) -> bool {
    match ty {
        Ty::String | Ty::Bool | Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64 | Ty::Id(_) => true,
        Ty::Named(key) => model
            .type_def(key)
            .is_some_and(|d| matches!(d.kind, TypeKind::Enum { .. })),
        Ty::Any | Ty::Bytes | Ty::List(_) | Ty::Map { .. } => false,
    }
}

/// How a parameter is taken: ids and structures by reference, strings as `&str`.
fn param_ty(model: &Model, p: &Param) -> TokenStream {
    let inner = match &p.ty {
        Ty::String => quote!(&str),
        Ty::Bytes => quote!(&[u8]),
        Ty::Bool | Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64 => ty_tokens(model, &p.ty),
        Ty::List(item) if p.place == Place::Query => {
            let item = ty_tokens(model, item);
            quote!(&[#item])
        }
        ty => {
            let ty = ty_tokens(model, ty);
            quote!(&#ty)
        }
    };
    if p.required && !p.idempotency_token {
        inner
    } else {
        quote!(::std::option::Option<#inner>)
    }
}

/// The text form of a scalar for paths, queries and headers.
fn scalar_text(ty: &Ty, value: TokenStream) -> TokenStream {
    match ty {
        Ty::String => quote!(#value),
        Ty::Id(_) | Ty::Named(_) => quote!(#value.as_str()),
        Ty::Bool
        | Ty::I32
        | Ty::I64
        | Ty::F32
        | Ty::F64
        | Ty::Any
        | Ty::Bytes
        | Ty::List(_)
        | Ty::Map { .. } => {
            quote!(&#value.to_string())
        }
    }
}

/// Sends the query parameter `p` holding `value`: each item of a list of scalars as its own
/// pair, anything else flattened by the runtime (`name[field]=...` under `/api`,
/// `name.field=...` under `/rest`). `/rest` may name the parameter differently
/// (`filter.names`); the key is chosen first so that `call` is not borrowed inside its own
/// argument list.
fn query_send(model: &Model, p: &Param, value: &TokenStream) -> TokenStream {
    let wire = &p.wire;
    let (key_setup, name) = match &p.rest_wire {
        Some(rest) => (
            quote!(let key = if call.style() == crate::runtime::Style::Rest { #rest } else { #wire };),
            quote!(key),
        ),
        None => (TokenStream::new(), quote!(#wire)),
    };
    let flattened = quote!(#key_setup call.query_value(#name, #value)?;);
    match &p.ty {
        Ty::List(item) if is_scalar(model, item) => {
            let text = scalar_text(item, quote!(item));
            quote!(#key_setup for item in #value { call.query_param(#name, #text); })
        }
        Ty::List(_) | Ty::Map { .. } | Ty::Any | Ty::Bytes => flattened,
        ty @ (Ty::String
        | Ty::Bool
        | Ty::I32
        | Ty::I64
        | Ty::F32
        | Ty::F64
        | Ty::Id(_)
        | Ty::Named(_)) => {
            if is_scalar(model, ty) {
                let text = scalar_text(ty, value.clone());
                quote!(#key_setup call.query_param(#name, #text);)
            } else {
                flattened
            }
        }
    }
}

fn param_step(model: &Model, op: &Operation, p: &Param) -> TokenStream {
    let ident = naming::ident(&p.ident);
    let wire = &p.wire;
    let key = &p.key;
    let value = quote!(#ident);
    let step_for = |place: Place| match place {
        Place::Path => {
            let text = scalar_text(&p.ty, value.clone());
            quote!(call.path_param(#key, #text);)
        }
        Place::Query => query_send(model, p, &value),
        Place::Header => {
            let text = scalar_text(&p.ty, value.clone());
            quote!(call.header_param(#wire, #text)?;)
        }
        Place::Cookie => {
            let text = scalar_text(&p.ty, value.clone());
            quote!(call.cookie_param(#wire, #text);)
        }
        Place::Body => match &op.body_media {
            Media::Text(content_type) => {
                quote!(call.body_raw(#content_type, ::std::string::String::from(#value).into_bytes());)
            }
            Media::Binary(content_type) => {
                quote!(call.body_raw(#content_type, #value.to_vec());)
            }
            Media::Json => {
                // The call names itself in a validation error.
                let check =
                    needs_validate(model, &p.ty).then(|| quote!(call.validate(#value, #wire)?;));
                let value = match p.ty {
                    Ty::String => quote!(&#value.to_owned()),
                    Ty::Bool | Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64 => quote!(&#value),
                    Ty::Bytes => quote!(&#value.to_vec()),
                    Ty::Any | Ty::Id(_) | Ty::Named(_) | Ty::List(_) | Ty::Map { .. } => {
                        value.clone()
                    }
                };
                quote! { #check call.body_param(#wire, #value)?; }
            }
        },
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
fn query_field_step(model: &Model, p: &Param) -> TokenStream {
    let ident = naming::ident(&p.ident);
    let send = query_send(model, p, &quote!(#ident));
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
    if op.task.is_some() {
        lines.push(String::new());
        lines.push("Starts the operation as a vSphere task and returns at once: poll, wait for (with progress and a deadline) or cancel the returned [`Task`](crate::runtime::Task); its result is the plain operation's.".to_owned());
    }
    lines.push(String::new());
    lines.push("| Style | Request |".to_owned());
    lines.push("|---|---|".to_owned());
    for (style, endpoint) in [("`/api`", &op.api), ("`/rest`", &op.rest)] {
        if let Some(e) = endpoint {
            lines.push(format!(
                "| {style} | `{} {}` |",
                e.method.wire(),
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
                format!("query.{}", naming::unraw(&p.ident))
            } else {
                naming::unraw(&p.ident).to_owned()
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
            lines.push(format!(
                "| {} | {kind} | {when} |",
                docs::cell(&e.status.to_string())
            ));
        }
    }
    lines
}
