//! Paths → operations: endpoints per URL style, parameters, envelopes, results, and the pairing
//! of `/api` and `/rest` twins.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Finding};
use crate::load::Loc;
use crate::model::{
    BodyKind, Docs, Endpoint, ErrorDoc, HttpMethod, Media, ModPath, Param, Place, Privilege,
    Status, Ty,
};
use crate::naming;
use crate::support;

use super::Lowering;
use super::schema::{Context, docs_of, extension_str};

/// The session header, which the runtime sends itself.
const SESSION_HEADER: &str = "vmware-api-session-id";

/// A draft error becomes the warning that its operation is skipped.
fn skipped(error: Diagnostic) -> Diagnostic {
    Diagnostic {
        severity: crate::diagnostic::Severity::Warning,
        kind: Finding::Skipped,
        message: format!("operation skipped: {}", error.message),
        ..error
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Style {
    Api,
    Rest,
}

/// One path × method before twins are paired.
#[derive(Clone)]
pub(super) struct Draft {
    pub(super) loc: Loc,
    /// Named by `x-vsphere-operation`, so its twin is declared rather than guessed.
    pub(super) declared: bool,
    pub(super) style: Style,
    pub(super) name: String,
    pub(super) module: ModPath,
    pub(super) method_name: String,
    pub(super) summary: Option<String>,
    pub(super) docs: Docs,
    pub(super) privileges: Vec<Privilege>,
    pub(super) errors: Vec<ErrorDoc>,
    pub(super) params: Vec<Param>,
    pub(super) result: Option<Ty>,
    pub(super) result_media: Media,
    pub(super) body_media: Media,
    pub(super) endpoint: Endpoint,
    /// The `vmw-task=true` form of an operation: it answers with a task id.
    pub(super) task: bool,
}

impl Lowering<'_> {
    /// Reads every operation of the roots' `paths`, collecting all errors rather than the
    /// first. Operations of several roots (files merged into one crate) pair and share
    /// namespaces exactly as within one file.
    pub(super) fn operations(&mut self) -> Result<(), Vec<Diagnostic>> {
        let files = self.files;
        let mut errors = Vec::new();
        let mut groups: BTreeMap<(ModPath, String), Vec<Draft>> = BTreeMap::new();
        let roots: Vec<usize> = files.roots().map(|(doc, _)| doc).collect();
        for doc in roots {
            let paths_loc = Loc {
                doc,
                pointer: "/paths".to_owned(),
            };
            let Some(paths) = files.get(&paths_loc).and_then(Value::as_object) else {
                errors.push(
                    files
                        .diagnostic(
                            &Loc {
                                doc,
                                pointer: String::new(),
                            },
                            "the spec has no `paths` mapping",
                        )
                        .help("add `paths:` with at least one operation"),
                );
                continue;
            };
            self.paths_of(&paths_loc, paths, &mut groups, &mut errors);
        }
        for ((module, _), drafts) in groups {
            match self.merge(drafts) {
                Ok(operations) => {
                    for (name, operation) in operations {
                        self.insert_operation(&module, name, operation);
                    }
                }
                Err(e) => self.warn(skipped(e)),
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Drafts every operation of one `paths` mapping into `groups`.
    fn paths_of(
        &mut self,
        paths_loc: &Loc,
        paths: &serde_json::Map<String, Value>,
        groups: &mut BTreeMap<(ModPath, String), Vec<Draft>>,
        errors: &mut Vec<Diagnostic>,
    ) {
        let files = self.files;
        let mut keys: Vec<&String> = paths.keys().collect();
        keys.sort();
        for key in keys {
            let item_loc = paths_loc.child(key);
            let (item_loc, item) = match files.follow(&item_loc) {
                Ok(found) => found,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let Some(item) = item.as_object() else {
                errors.push(
                    files
                        .diagnostic(&item_loc, "a path item must be a mapping")
                        .help("write the methods under the path: `get:`, `post:`, ..."),
                );
                continue;
            };
            if item.contains_key("trace") {
                self.warn(
                    files
                        .warning(&item_loc.child("trace"), "operation skipped: a `trace` request echoes the request back and has no typed result")
                        .kind(Finding::Skipped)
                        .help("call it by hand if you need it"),
                );
            }
            for method in HttpMethod::ALL {
                if !item.contains_key(method.key()) {
                    continue;
                }
                match self.draft(key, &item_loc, method) {
                    Ok(None) => {}
                    Ok(Some(draft)) => groups
                        .entry((draft.module.clone(), draft.method_name.clone()))
                        .or_default()
                        .push(draft),
                    // One operation the generator cannot express costs that operation only.
                    Err(e) => self.warn(skipped(e)),
                }
            }
        }
    }

    /// Adds an operation under `name`, or, when the name is taken (a `_rest` fallback meeting
    /// an operation of that name), under the first free numbered form, with a warning.
    fn insert_operation(
        &mut self,
        module: &ModPath,
        name: String,
        operation: crate::model::Operation,
    ) {
        let operations = &mut self
            .model
            .modules
            .entry(module.clone())
            .or_default()
            .operations;
        let mut key = name.clone();
        let mut n = 1;
        while operations.contains_key(&key) {
            n += 1;
            key = format!("{name}_{n}");
        }
        if n > 1 {
            // Named by request, since both may carry one vAPI name.
            let request = |o: &crate::model::Operation| {
                o.api.as_ref().or(o.rest.as_ref()).map_or_else(
                    || o.name.clone(),
                    |e| format!("{} {}", e.method.wire(), e.spec_path),
                )
            };
            let other = operations.get(&name).map(request).unwrap_or_default();
            let this = request(&operation);
            let warning = self
                .files
                .warning(
                    &operation.origin,
                    format!("operations `{other}` and `{this}` would both be the method `{}::{name}`; this one is `{key}`", module.join("::")),
                )
                .kind(Finding::Renamed)
                .help("give them different operationIds (or `x-vsphere-operation` names)");
            self.warn(warning);
        }
        self.model
            .modules
            .entry(module.clone())
            .or_default()
            .operations
            .insert(key, operation);
    }

    /// One path × method; `None` when it is skipped with a warning.
    fn draft(
        &mut self,
        path_key: &str,
        item_loc: &Loc,
        method: HttpMethod,
    ) -> Result<Option<Draft>, Diagnostic> {
        let files = self.files;
        let loc = item_loc.child(method.key());
        let op = files.get(&loc).cloned().unwrap_or(Value::Null);
        if !op.is_object() {
            return Err(files
                .diagnostic(&loc, "an operation must be a mapping")
                .help("write `operationId`, `parameters`, `responses`, ... under the method"));
        }
        let Some(PathKey {
            path,
            action,
            literal: literal_query,
            bare,
        }) = split_query(path_key)
        else {
            return Err(files.diagnostic(item_loc, format!("the query part of `{path_key}` is not a list of `name=value` pairs or bare names")).help("vSphere path keys carry `?action=<name>`, fixed pairs such as `vmw-task=true` and bare parameter names; model other query parameters as `in: query` parameters"));
        };
        // `?vmw-task=true` is the asynchronous form of the same operation: it returns a task id.
        let task = literal_query
            .as_deref()
            .is_some_and(|q| q.split('&').any(|pair| pair == "vmw-task=true"));
        let style = if path == "/rest" || path.starts_with("/rest/") {
            Style::Rest
        } else {
            Style::Api
        };
        let operation_id = op.get("operationId").and_then(Value::as_str);
        let (module, method_name, name) = match extension_str(&op, "x-vsphere-operation") {
            Some(vapi) => {
                let parts: Vec<&str> = vapi.split('.').filter(|p| !p.is_empty()).collect();
                let Some((last, rest)) = parts.split_last().filter(|(_, rest)| !rest.is_empty())
                else {
                    return Err(files
                        .diagnostic(
                            &loc.child("x-vsphere-operation"),
                            format!("`{vapi}` is not `<namespace>.<operation>`"),
                        )
                        .help("write e.g. `vcenter.vm.instant_clone`"));
                };
                (
                    rest.iter().map(|p| naming::snake(p)).collect(),
                    naming::snake(last) + if task { "_task" } else { "" },
                    vapi.to_owned(),
                )
            }
            None => {
                let module = module_from_path(path);
                let method_name = match (operation_id.filter(|id| naming::has_word(id)), &action) {
                    (Some(id), _) => naming::snake(id),
                    (None, Some(action)) => naming::snake(action),
                    (None, None) => method.key().to_owned(),
                } + if task { "_task" } else { "" };
                let name = operation_id
                    .map_or_else(|| format!("{} {path_key}", method.wire()), str::to_owned);
                (module, method_name, name)
            }
        };
        let ctx = Context {
            module: module.clone(),
            name: naming::camel(&method_name),
        };
        let mut params = self.parameters(path, style, item_loc, &loc, &ctx)?;
        // A bare name in the path key (`.../file?name`) tells this operation apart from others
        // on the path: its parameter is always sent.
        for name in &bare {
            match params.iter_mut().find(|p| &p.wire == name) {
                Some(param) => {
                    param.place = Place::Query;
                    param.required = true;
                }
                None => params.push(Param {
                    key: naming::snake(name),
                    ident: String::new(),
                    origin: loc.clone(),
                    wire: name.clone(),
                    rest_wire: None,
                    rest_place: None,
                    ty: Ty::String,
                    required: true,
                    place: Place::Query,
                    docs: Docs::default(),
                    idempotency_token: false,
                }),
            }
        }
        params.sort_by_key(|p| p.place);
        let Some((body, body_media)) = self.request_body(&loc, &op, style, &ctx, &mut params)?
        else {
            return Ok(None);
        };
        self.keep_member_keys_apart(&mut params);
        let (result, result_media) = self.result(&loc, &op, style, &ctx)?;
        let mut docs = docs_of(Some(&op));
        if docs.description.is_none() {
            docs.description = op.get("summary").and_then(Value::as_str).map(str::to_owned);
        }
        let endpoint = Endpoint {
            method,
            path: match &literal_query {
                Some(query) => format!("{}?{query}", rust_template(path)),
                None => rust_template(path),
            },
            spec_path: path_key.to_owned(),
            action,
            body,
        };
        Ok(Some(Draft {
            declared: op.get("x-vsphere-operation").is_some(),
            loc: loc.clone(),
            style,
            name,
            module,
            method_name,
            summary: op.get("summary").and_then(Value::as_str).map(str::to_owned),
            docs,
            privileges: privileges(&op),
            errors: self.error_docs(&loc, &op),
            params,
            result,
            result_media,
            body_media,
            endpoint,
            task,
        }))
    }

    fn parameters(
        &mut self,
        path: &str,
        style: Style,
        item_loc: &Loc,
        loc: &Loc,
        ctx: &Context,
    ) -> Result<Vec<Param>, Diagnostic> {
        let files = self.files;
        let mut params: Vec<Param> = Vec::new();
        // Path-level parameters first, then the operation's (which may override them by name).
        let mut declared: Vec<Loc> = Vec::new();
        for (owner, key) in [(item_loc, "parameters"), (loc, "parameters")] {
            if let Some(list) = files.get(&owner.child(key)).and_then(Value::as_array) {
                declared.extend((0..list.len()).map(|i| owner.child(key).child(&i.to_string())));
            }
        }
        let placeholders = template_names(path);
        for param_loc in declared {
            let (param_loc, param) = files.follow(&param_loc)?;
            let name = param.get("name").and_then(Value::as_str).ok_or_else(|| {
                files
                    .diagnostic(&param_loc, "a parameter needs a `name`")
                    .help("add `name: <the name on the wire>`")
            })?;
            let place = match param.get("in").and_then(Value::as_str) {
                Some("path") => Place::Path,
                Some("query") => Place::Query,
                // The runtime sends the session header itself.
                Some("header") if name.eq_ignore_ascii_case(SESSION_HEADER) => continue,
                // Set by the HTTP client from the body and the response it accepts.
                Some("header")
                    if ["accept", "content-type", "authorization", "content-length"]
                        .iter()
                        .any(|h| name.eq_ignore_ascii_case(h))
                        && !param
                            .get("required")
                            .and_then(Value::as_bool)
                            .unwrap_or(false) =>
                {
                    continue;
                }
                Some("header") => Place::Header,
                Some("cookie") => Place::Cookie,
                Some(other) => {
                    return Err(files
                        .diagnostic(
                            &param_loc.child("in"),
                            format!("`in: {other}` is not a place a parameter can travel"),
                        )
                        .help("use path, query, header or cookie"));
                }
                None => {
                    return Err(files
                        .diagnostic(&param_loc, "a parameter needs `in`")
                        .help("add `in: path` or `in: query`"));
                }
            };
            let schema_loc = if param.get("schema").is_some() {
                Some(param_loc.child("schema"))
            } else {
                param
                    .get("content")
                    .and_then(Value::as_object)
                    .and_then(|c| c.keys().next())
                    .map(|media| param_loc.child("content").child(media).child("schema"))
            };
            // The name the parameter has as one Rust parameter of both URL styles.
            let member = match (style, place) {
                (Style::Rest, Place::Query) => rest_member(name).unwrap_or(name),
                _ => name,
            };
            let ctx = Context {
                module: ctx.module.clone(),
                // Named like the Rust parameter, so both URL styles' inline enums are one type.
                name: format!("{}{}", ctx.name, naming::camel(member)),
            };
            let mut ty = match schema_loc {
                // A `content` parameter is serialized text of its media type: the caller gives
                // that text.
                Some(_) if param.get("content").is_some() => {
                    self.warn(
                        files
                            .warning(&param_loc.child("content"), format!("parameter `{name}` is described by `content`; it is taken as the text to send"))
                            .kind(Finding::Degraded)
                            .help("describe it with `schema` to get a typed argument"),
                    );
                    Ty::String
                }
                Some(schema_loc) if files.get(&schema_loc).is_some() => {
                    self.ty_of(&schema_loc, &ctx)?
                }
                _ => {
                    self.warn(
                        files
                            .warning(
                                &param_loc,
                                format!(
                                    "parameter `{name}` has no `schema`; it is taken as a string"
                                ),
                            )
                            .kind(Finding::Degraded)
                            .help("add e.g. `schema: {type: string}`"),
                    );
                    Ty::String
                }
            };
            if let (Ty::String, Some(resource)) =
                (&ty, extension_str(param, "x-vsphere-resource-type"))
            {
                ty = self.id_ty(resource, &param_loc)?;
            }
            let description = param.get("description").and_then(Value::as_str);
            let mut ty = self.with_stated_ids(ty, description, &param_loc);
            if place == Place::Path && !placeholders.iter().any(|p| p == name) {
                return Err(files
                    .diagnostic(
                        &param_loc,
                        format!(
                            "path parameter `{name}` does not appear in the path template `{path}`"
                        ),
                    )
                    .help(format!(
                        "add `{{{name}}}` to the path or remove the parameter"
                    )));
            }
            // Paths, headers and cookies carry one text value; the query also carries lists and
            // structures (flattened by the runtime).
            if place != Place::Query && !self.is_text(&ty) {
                self.warn(
                    files
                        .warning(&param_loc, format!("{place:?} parameter `{name}` is not a string, number, boolean, id or enum; it is taken as the text to send").to_lowercase())
                        .kind(Finding::Degraded)
                        .help("give it a scalar schema"),
                );
                ty = Ty::String;
            }
            let required = place == Place::Path
                || param
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
            // `/rest` sends `<prefix>.<member>` where `/api` says `<member>`: one parameter.
            let key = naming::snake(member);
            params.retain(|p| p.wire != name);
            params.push(Param {
                key,
                ident: String::new(),
                origin: param_loc.clone(),
                wire: name.to_owned(),
                rest_wire: None,
                rest_place: None,
                ty,
                required,
                place,
                docs: docs_of(Some(param)),
                idempotency_token: false,
            });
        }
        for placeholder in &placeholders {
            if !params
                .iter()
                .any(|p| p.place == Place::Path && &p.wire == placeholder)
            {
                return Err(files.diagnostic(loc, format!("the path template has `{{{placeholder}}}` but the operation declares no path parameter `{placeholder}`")).help("add a parameter with `in: path` and `required: true`"));
            }
        }
        params.sort_by_key(|p| p.place);
        Ok(params)
    }

    /// A `/rest` member name that is also another parameter's key (`spec.names` beside
    /// `names`, or `filter_spec.targets` beside `result_spec.targets`) would make two
    /// parameters one: each parameter sharing it keeps its whole wire name as its key instead,
    /// with a warning, and so stays a parameter of its own.
    fn keep_member_keys_apart(&mut self, params: &mut [Param]) {
        let mut holders: BTreeMap<String, usize> = BTreeMap::new();
        for param in params.iter() {
            *holders.entry(param.key.clone()).or_default() += 1;
        }
        for param in params.iter_mut() {
            let whole = naming::snake(&param.wire);
            if param.key == whole || holders.get(&param.key).copied().unwrap_or(0) < 2 {
                continue;
            }
            let files = self.files;
            self.warn(
                files
                    .warning(
                        &param.origin,
                        format!(
                            "query parameter `{}` keeps its whole name `{whole}`: its member name `{}` is taken by another parameter of this operation",
                            param.wire, param.key
                        ),
                    )
                    .kind(Finding::Renamed)
                    .help("it does not pair with an `/api` parameter of the member name; rename one of the parameters to pair them"),
            );
            param.key = whole;
        }
    }

    fn request_body(
        &mut self,
        loc: &Loc,
        op: &Value,
        style: Style,
        ctx: &Context,
        params: &mut Vec<Param>,
    ) -> Result<Option<(BodyKind, Media)>, Diagnostic> {
        let files = self.files;
        if op.get("requestBody").is_none() {
            return Ok(Some((BodyKind::None, Media::Json)));
        }
        let (body_loc, body) = files.follow(&loc.child("requestBody"))?;
        let content = body
            .get("content")
            .and_then(Value::as_object)
            .filter(|c| !c.is_empty());
        let Some(content) = content else {
            return Err(files
                .diagnostic(&body_loc, "a request body needs `content`")
                .help("add `content: {application/json: {schema: ...}}`"));
        };
        let Some((media, media_type)) = support::media(content.keys()) else {
            // A multipart form needs an encoder the client does not have; the rest of the spec
            // is still worth generating.
            let found: Vec<&String> = content.keys().collect();
            self.warn(
                files
                    .warning(&body_loc.child("content"), format!("operation skipped: its request body is {found:?}, a multipart form the generated client cannot encode"))
                    .kind(Finding::Skipped)
                    .help("describe the body as application/json or application/octet-stream, or call this operation by hand"),
            );
            return Ok(None);
        };
        let required = body
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if media != Media::Json {
            let name = extension_str(op, "x-codegen-request-body-name").unwrap_or("body");
            let ty = match media {
                Media::Text(_) => Ty::String,
                Media::Binary(_) | Media::Json => Ty::Bytes,
            };
            params.push(Param {
                key: naming::snake(name),
                ident: String::new(),
                origin: body_loc.clone(),
                wire: name.to_owned(),
                rest_wire: None,
                rest_place: None,
                ty,
                required: true,
                place: Place::Body,
                docs: docs_of(Some(body)),
                idempotency_token: false,
            });
            return Ok(Some((BodyKind::Bare, media)));
        }
        let schema_loc = body_loc.child("content").child(&media_type).child("schema");
        if files.get(&schema_loc).is_none() {
            // JSON of no stated shape: any JSON value.
            let name = extension_str(op, "x-codegen-request-body-name").unwrap_or("body");
            params.push(Param {
                key: naming::snake(name),
                ident: String::new(),
                origin: body_loc.clone(),
                wire: name.to_owned(),
                rest_wire: None,
                rest_place: None,
                ty: Ty::Any,
                required,
                place: Place::Body,
                docs: docs_of(Some(body)),
                idempotency_token: false,
            });
            return Ok(Some((BodyKind::Bare, Media::Json)));
        }
        // Under `/rest` the body is an object keyed by every body parameter, whether or not the
        // spec says so with `x-vsphere-envelope`.
        let implicit_envelope: Option<Value> = match (style, body.get("x-vsphere-envelope")) {
            (Style::Rest, None) => files
                .follow(&schema_loc)
                .ok()
                .and_then(|(_, s)| {
                    s.get("properties")
                        .and_then(Value::as_object)
                        .map(|p| p.keys().cloned().collect::<Vec<_>>())
                })
                .filter(|names| !names.is_empty())
                .map(Value::from),
            _ => None,
        };
        let Some(envelope) = body
            .get("x-vsphere-envelope")
            .or(implicit_envelope.as_ref())
        else {
            let name = extension_str(op, "x-codegen-request-body-name").unwrap_or("body");
            let ty = self.ty_of(
                &schema_loc,
                &Context {
                    module: ctx.module.clone(),
                    name: format!("{}Body", ctx.name),
                },
            )?;
            params.push(Param {
                key: naming::snake(name),
                ident: String::new(),
                origin: body_loc.clone(),
                wire: name.to_owned(),
                rest_wire: None,
                rest_place: None,
                ty,
                required,
                place: Place::Body,
                docs: docs_of(Some(body)),
                idempotency_token: false,
            });
            return Ok(Some((BodyKind::Bare, Media::Json)));
        };
        let names: Vec<&str> = envelope
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if names.is_empty() || names.len() != envelope.as_array().map_or(0, Vec::len) {
            return Err(files
                .diagnostic(
                    &body_loc.child("x-vsphere-envelope"),
                    "`x-vsphere-envelope` must list the envelope's parameter names",
                )
                .help("write e.g. `x-vsphere-envelope: [spec]`"));
        }
        let (object_loc, object) = files.follow(&schema_loc)?;
        self.wrapper_schemas.insert(object_loc.clone());
        let required_members: Vec<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for name in names {
            let member_loc = object_loc.child("properties").child(name);
            let Some(member) = files.get(&member_loc) else {
                return Err(files.diagnostic(&body_loc.child("x-vsphere-envelope"), format!("envelope parameter `{name}` is not a property of the request body schema")).help("list only properties of the body schema"));
            };
            let idempotency_token = member
                .get("x-vsphere-idempotency-token")
                .and_then(Value::as_bool)
                == Some(true);
            let ty = self.ty_of(
                &member_loc,
                &Context {
                    module: ctx.module.clone(),
                    name: format!("{}{}", ctx.name, naming::camel(name)),
                },
            )?;
            let docs = docs_of(Some(member));
            let ty = self.with_stated_ids(ty, docs.description.as_deref(), &member_loc);
            params.push(Param {
                key: naming::snake(name),
                ident: String::new(),
                origin: member_loc.clone(),
                wire: name.to_owned(),
                rest_wire: None,
                rest_place: None,
                ty,
                required: required_members.contains(&name),
                place: Place::Body,
                docs,
                idempotency_token,
            });
        }
        Ok(Some((BodyKind::Envelope, Media::Json)))
    }

    /// The result of the first success response (or of `default` when no 2xx is documented)
    /// and how its body travels; no body is `None`.
    fn result(
        &mut self,
        loc: &Loc,
        op: &Value,
        style: Style,
        ctx: &Context,
    ) -> Result<(Option<Ty>, Media), Diagnostic> {
        let files = self.files;
        let Some(responses) = op.get("responses").and_then(Value::as_object) else {
            return Err(files
                .diagnostic(loc, "an operation needs `responses`")
                .help("document at least the success response"));
        };
        let mut codes: Vec<(Status, &String)> = responses
            .keys()
            .filter_map(|k| Status::parse(k).map(|s| (s, k)))
            .collect();
        codes.sort();
        let success = codes
            .iter()
            .find(|(s, _)| s.is_success())
            .or_else(|| codes.iter().find(|(s, _)| *s == Status::Default))
            .map(|(_, k)| (*k).clone());
        for (_, code) in codes.iter().filter(|(s, _)| !s.is_success()) {
            if let Ok((response_loc, response)) = files.follow(&loc.child("responses").child(code))
                && let Some(schema_loc) = json_schema_loc(files, &response_loc, response)
                && let Ok((target, _)) = files.follow(&schema_loc)
            {
                self.wrapper_schemas.insert(target);
            }
        }
        let Some(success) = success else {
            return Ok((None, Media::Json));
        };
        let (response_loc, response) = files.follow(&loc.child("responses").child(&success))?;
        let Some(content) = response
            .get("content")
            .and_then(Value::as_object)
            .filter(|c| !c.is_empty())
        else {
            return Ok((None, Media::Json));
        };
        let Some((media, media_type)) = support::media(content.keys()) else {
            self.warn(
                files
                    .warning(
                        &response_loc.child("content"),
                        "a multipart success body is read as bytes",
                    )
                    .kind(Finding::Degraded)
                    .help("split the parts yourself"),
            );
            return Ok((Some(Ty::Bytes), Media::Binary("multipart/mixed".to_owned())));
        };
        match media {
            Media::Text(_) => return Ok((Some(Ty::String), media)),
            Media::Binary(_) => return Ok((Some(Ty::Bytes), media)),
            Media::Json => {}
        }
        let schema_loc = response_loc
            .child("content")
            .child(&media_type)
            .child("schema");
        if files.get(&schema_loc).is_none() {
            // JSON of no stated shape.
            return Ok((Some(Ty::Any), Media::Json));
        }
        let result_ctx = Context {
            module: ctx.module.clone(),
            name: format!("{}Result", ctx.name),
        };
        let description = response.get("description").and_then(Value::as_str);
        let ty = match style {
            Style::Api => self.ty_of(&schema_loc, &result_ctx)?,
            Style::Rest => {
                let (object_loc, object) = files.follow(&schema_loc)?;
                self.wrapper_schemas.insert(object_loc.clone());
                let properties = object.get("properties").and_then(Value::as_object);
                match properties {
                    Some(p) if p.len() == 1 && p.contains_key("value") => {
                        let value_loc = object_loc.child("properties").child("value");
                        let ty = self.ty_of(&value_loc, &result_ctx)?;
                        let value_description = p.get("value").and_then(|v| v.get("description")).and_then(Value::as_str);
                        self.with_stated_ids(ty, value_description, &value_loc)
                    }
                    _ => return Err(files.diagnostic(&schema_loc, "a `/rest` success body must be an object with the single property `value`").help("wrap the result: `{type: object, properties: {value: ...}}`")),
                }
            }
        };
        Ok((
            Some(self.with_stated_ids(ty, description, &response_loc)),
            Media::Json,
        ))
    }

    /// Whether values of `ty` have one text form (paths, headers, cookies).
    fn is_text(&self, ty: &Ty) -> bool {
        match ty {
            Ty::String | Ty::Bool | Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64 | Ty::Id(_) => true,
            Ty::Named(key) => self
                .model
                .type_def(key)
                .is_some_and(|d| matches!(d.kind, crate::model::TypeKind::Enum { .. })),
            Ty::Any | Ty::Bytes | Ty::List(_) | Ty::Map { .. } => false,
        }
    }

    fn error_docs(&self, loc: &Loc, op: &Value) -> Vec<ErrorDoc> {
        if let Some(list) = op.get("x-vsphere-errors").and_then(Value::as_array) {
            return list
                .iter()
                .filter_map(|e| {
                    let status = e
                        .get("status")
                        .map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_owned))
                        .and_then(|s| Status::parse(&s))?;
                    Some((status, e))
                })
                .map(|(status, e)| ErrorDoc {
                    status,
                    error_type: e.get("type").and_then(Value::as_str).map(str::to_owned),
                    description: e
                        .get("description")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                })
                .collect();
        }
        let _ = loc;
        let mut docs: Vec<ErrorDoc> = op
            .get("responses")
            .and_then(Value::as_object)
            .map(|r| {
                r.iter()
                    .filter_map(|(code, response)| Some((Status::parse(code)?, response)))
                    .filter(|(status, _)| !status.is_success())
                    .map(|(status, response)| ErrorDoc {
                        status,
                        error_type: None,
                        description: response
                            .get("description")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                    })
                    .collect()
            })
            .unwrap_or_default();
        docs.sort_by_key(|d| d.status);
        docs
    }
}

/// A path key taken apart.
struct PathKey<'k> {
    /// The path without its query part.
    path: &'k str,
    /// `?action=` value, sent by the runtime.
    action: Option<String>,
    /// Other fixed `name=value` pairs (`vmw-task=true`), kept in the path template.
    literal: Option<String>,
    /// Bare names (`?name`): query parameters that tell operations on one path apart.
    bare: Vec<String>,
}

/// `/api/x?action=deploy&vmw-task=true` → (`/api/x`, `deploy`, `vmw-task=true`);
/// `/api/x/file?name` → (`/api/x/file`, bare `name`). `None` for a query part that is neither.
fn split_query(key: &str) -> Option<PathKey<'_>> {
    let Some((path, query)) = key.split_once('?') else {
        return Some(PathKey {
            path: key,
            action: None,
            literal: None,
            bare: Vec::new(),
        });
    };
    let mut action = None;
    let mut literal = Vec::new();
    let mut bare = Vec::new();
    for pair in query.split('&') {
        match pair.split_once('=') {
            None if !pair.is_empty() => bare.push(pair.to_owned()),
            Some((name, value)) if !name.is_empty() && !value.is_empty() => {
                if name == "action" && action.is_none() {
                    action = Some(value.to_owned());
                } else {
                    literal.push(pair);
                }
            }
            _ => return None,
        }
    }
    Some(PathKey {
        path,
        action,
        literal: (!literal.is_empty()).then(|| literal.join("&")),
        bare,
    })
}

/// `/api/vcenter/vm-template/library-items/{item}/check-outs` → `vcenter::vm_template::library_items::check_outs`.
pub(super) fn module_from_path(path: &str) -> ModPath {
    let mut segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && !s.contains('{'))
        .collect();
    if matches!(segments.first(), Some(&"api") | Some(&"rest")) {
        segments.remove(0);
    }
    if segments.starts_with(&["com", "vmware"]) {
        segments.drain(..2);
    }
    let module: ModPath = segments.iter().map(|s| naming::snake(s)).collect();
    if module.is_empty() {
        vec!["root".to_owned()]
    } else {
        module
    }
}

fn template_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

fn rust_template(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                out.push('{');
                out.push_str(&naming::snake(&rest[start + 1..start + end]));
                out.push('}');
                rest = &rest[start + end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The location of the JSON schema of a response, when it has one.
fn json_schema_loc(files: &crate::load::SpecFiles, loc: &Loc, node: &Value) -> Option<Loc> {
    let content = node.get("content").and_then(Value::as_object)?;
    let (media, _) = support::media(content.keys())?;
    if media != Media::Json {
        return None;
    }
    let key = content.keys().find(|k| {
        support::is_json(&k.split(';').next().unwrap_or(k).trim().to_ascii_lowercase())
    })?;
    let schema = loc.child("content").child(key).child("schema");
    files.get(&schema).map(|_| schema)
}

fn privileges(op: &Value) -> Vec<Privilege> {
    op.get("x-vsphere-privileges")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|p| {
                    let text = |k: &str| p.get(k).and_then(Value::as_str).map(str::to_owned);
                    Some(Privilege {
                        privilege: text("privilege").or_else(|| p.as_str().map(str::to_owned))?,
                        resource: text("resource"),
                        via: text("via"),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The member a `/rest` query name stands for: `/rest` flattens a structure parameter `prefix`
/// into `prefix.member` pairs (VMware's `/rest` server reads the first dotted segment as the
/// operation's parameter and the rest as the path inside it), where `/api` names the member
/// itself (`filter.names` is `names`, `spec.return_all` is `return_all`).
fn rest_member(name: &str) -> Option<&str> {
    name.split_once('.')
        .filter(|(prefix, member)| !prefix.is_empty() && !member.is_empty())
        .map(|(_, member)| member)
}
