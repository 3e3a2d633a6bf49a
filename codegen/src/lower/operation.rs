//! Paths → operations: endpoints per URL style, parameters, envelopes, results, and the pairing
//! of `/api` and `/rest` twins.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::load::Loc;
use crate::model::{BodyKind, Docs, Endpoint, ErrorDoc, ModPath, Param, Place, Privilege, Ty};
use crate::naming;

use super::Lowering;
use super::schema::{Context, docs_of, extension_str};

/// Top-level modules of the generated crate that a namespace must not take.
pub(super) const RESERVED_MODULES: &[&str] = &["lib", "ids", "runtime"];

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch"];
const UNSUPPORTED_METHODS: &[&str] = &["head", "options", "trace"];

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
    pub(super) endpoint: Endpoint,
}

impl Lowering<'_> {
    /// Reads every operation of the root's `paths`, collecting all errors rather than the first.
    pub(super) fn operations(&mut self) -> Result<(), Vec<Diagnostic>> {
        let files = self.files;
        let paths_loc = Loc {
            doc: 0,
            pointer: "/paths".to_owned(),
        };
        let Some(paths) = files.get(&paths_loc).and_then(Value::as_object) else {
            return Err(vec![
                files
                    .diagnostic(
                        &Loc {
                            doc: 0,
                            pointer: String::new(),
                        },
                        "the spec has no `paths` mapping",
                    )
                    .help("add `paths:` with at least one operation"),
            ]);
        };
        let mut keys: Vec<&String> = paths.keys().collect();
        keys.sort();
        let mut errors = Vec::new();
        let mut groups: BTreeMap<(ModPath, String), Vec<Draft>> = BTreeMap::new();
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
            for method in UNSUPPORTED_METHODS {
                if item.contains_key(*method) {
                    errors.push(
                        files
                            .diagnostic(
                                &item_loc.child(method),
                                format!("`{method}` operations are not supported"),
                            )
                            .help("vSphere uses get, put, post, patch and delete"),
                    );
                }
            }
            for method in METHODS {
                if !item.contains_key(*method) {
                    continue;
                }
                match self.draft(key, &item_loc, method) {
                    Ok(None) => {}
                    Ok(Some(draft)) => groups
                        .entry((draft.module.clone(), draft.method_name.clone()))
                        .or_default()
                        .push(draft),
                    Err(e) => errors.push(e),
                }
            }
        }
        for ((module, method_name), drafts) in groups {
            let _ = method_name;
            match self.merge(drafts) {
                Ok(operations) => {
                    let module = self.model.modules.entry(module).or_default();
                    for (name, operation) in operations {
                        module.operations.insert(name, operation);
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// One path × method; `None` when it is skipped with a warning.
    fn draft(
        &mut self,
        path_key: &str,
        item_loc: &Loc,
        method: &str,
    ) -> Result<Option<Draft>, Diagnostic> {
        let files = self.files;
        let loc = item_loc.child(method);
        let op = files.get(&loc).cloned().unwrap_or(Value::Null);
        if !op.is_object() {
            return Err(files
                .diagnostic(&loc, "an operation must be a mapping")
                .help("write `operationId`, `parameters`, `responses`, ... under the method"));
        }
        let (path, action, literal_query) = split_query(path_key).ok_or_else(|| {
            files.diagnostic(&item_loc.clone(), format!("the query part of `{path_key}` is not a list of `name=value` pairs")).help("vSphere path keys carry `?action=<name>` and fixed pairs such as `vmw-task=true`; model other query parameters as `in: query` parameters")
        })?;
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
                let method_name = match (operation_id, &action) {
                    (Some(id), _) => naming::snake(id),
                    (None, Some(action)) => naming::snake(action),
                    (None, None) => method.to_owned(),
                } + if task { "_task" } else { "" };
                let name = operation_id.map_or_else(
                    || format!("{} {path_key}", method.to_uppercase()),
                    str::to_owned,
                );
                (module, method_name, name)
            }
        };
        if !naming::has_word(&method_name) || module.iter().any(|m| !naming::has_word(m)) {
            return Err(files
                .diagnostic(
                    &loc,
                    format!("`{name}` gives no usable Rust name to this operation"),
                )
                .help("give it an operationId (or `x-vsphere-operation`) with letters or digits"));
        }
        if let [top] | [top, ..] = module.as_slice()
            && RESERVED_MODULES.contains(&top.as_str())
        {
            return Err(files
                .diagnostic(&loc, format!("the namespace `{}` would replace the crate's own `{top}` module", module.join(".")))
                .help(format!("`{}` are the generated crate's own modules; give the operation another namespace", RESERVED_MODULES.join("`, `"))));
        }
        let ctx = Context {
            module: module.clone(),
            name: naming::camel(&method_name),
        };
        let mut params = self.parameters(path, style, item_loc, &loc, &ctx)?;
        let Some(body) = self.request_body(&loc, &op, style, &ctx, &mut params)? else {
            return Ok(None);
        };
        let result = self.result(&loc, &op, style, &ctx)?;
        let mut docs = docs_of(Some(&op));
        if docs.description.is_none() {
            docs.description = op.get("summary").and_then(Value::as_str).map(str::to_owned);
        }
        let endpoint = Endpoint {
            method: method.to_uppercase(),
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
            endpoint,
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
                Some("header") if name.eq_ignore_ascii_case("vmware-api-session-id") => continue,
                Some(other) => {
                    return Err(files.diagnostic(&param_loc.child("in"), format!("`in: {}` parameters are not supported", other)).help("the client sends the session header itself; use path or query parameters"));
                }
                None => {
                    return Err(files
                        .diagnostic(&param_loc, "a parameter needs `in`")
                        .help("add `in: path` or `in: query`"));
                }
            };
            if param.get("content").is_some() {
                return Err(files
                    .diagnostic(
                        &param_loc.child("content"),
                        "parameters with `content` are not supported",
                    )
                    .help("use `schema`"));
            }
            if param.get("schema").is_none() {
                return Err(files
                    .diagnostic(&param_loc, format!("parameter `{name}` has no `schema`"))
                    .help("add e.g. `schema: {type: string}`"));
            }
            let mut ty = self.ty_of(
                &param_loc.child("schema"),
                &Context {
                    module: ctx.module.clone(),
                    // Named like the Rust parameter, so both URL styles' inline enums are one type.
                    name: format!(
                        "{}{}",
                        ctx.name,
                        naming::camel(name.strip_prefix("filter.").unwrap_or(name))
                    ),
                },
            )?;
            if let (Ty::String, Some(resource)) =
                (&ty, extension_str(param, "x-vsphere-resource-type"))
            {
                ty = self.id_ty(resource, &param_loc)?;
            }
            let description = param.get("description").and_then(Value::as_str);
            let ty = self.with_stated_ids(ty, description, &param_loc);
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
            if place == Place::Query && !query_ty_supported(&ty) {
                return Err(files.diagnostic(&param_loc.child("schema"), format!("query parameter `{name}` must be a string, number, boolean, id, enum or a list of those")).help("send structures in the request body"));
            }
            let required = place == Place::Path
                || param
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
            // `/rest` list filters are `filter.<name>` where `/api` says `<name>`: one parameter.
            let rust = match (style, place, name.strip_prefix("filter.")) {
                (Style::Rest, Place::Query, Some(bare)) => naming::snake(bare),
                _ => naming::snake(name),
            };
            params.retain(|p| p.wire != name);
            params.push(Param {
                rust,
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

    fn request_body(
        &mut self,
        loc: &Loc,
        op: &Value,
        style: Style,
        ctx: &Context,
        params: &mut Vec<Param>,
    ) -> Result<Option<BodyKind>, Diagnostic> {
        let files = self.files;
        if op.get("requestBody").is_none() {
            return Ok(Some(BodyKind::None));
        }
        let (body_loc, body) = files.follow(&loc.child("requestBody"))?;
        let content = body.get("content").and_then(Value::as_object);
        if let Some(content) =
            content.filter(|c| !c.is_empty() && !c.contains_key("application/json"))
        {
            // A form or file upload is legal OpenAPI the client cannot send; the rest of the
            // spec is still worth generating.
            let found: Vec<&String> = content.keys().collect();
            self.warnings.push(
                files
                    .warning(&body_loc.child("content"), format!("operation skipped: its request body is {found:?}, and the generated client sends only `application/json`"))
                    .help("describe the body as application/json, or call this operation by hand"),
            );
            return Ok(None);
        }
        let schema_loc = json_schema_loc(files, &body_loc, body)?;
        let required = body
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false);
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
                rust: naming::snake(name),
                wire: name.to_owned(),
                rest_wire: None,
                rest_place: None,
                ty,
                required,
                place: Place::Body,
                docs: docs_of(Some(body)),
                idempotency_token: false,
            });
            return Ok(Some(BodyKind::Bare));
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
                rust: naming::snake(name),
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
        Ok(Some(BodyKind::Envelope))
    }

    fn result(
        &mut self,
        loc: &Loc,
        op: &Value,
        style: Style,
        ctx: &Context,
    ) -> Result<Option<Ty>, Diagnostic> {
        let files = self.files;
        let Some(responses) = op.get("responses").and_then(Value::as_object) else {
            return Err(files
                .diagnostic(loc, "an operation needs `responses`")
                .help("document at least the success response"));
        };
        let mut codes: Vec<&String> = responses.keys().collect();
        codes.sort();
        let Some(success) = codes.iter().find(|c| c.starts_with('2')) else {
            return Err(files
                .diagnostic(&loc.child("responses"), "no 2xx response is documented")
                .help("add the success response (e.g. `200` or `204`)"));
        };
        for code in codes.iter().filter(|c| !c.starts_with('2')) {
            if let Ok((response_loc, response)) = files.follow(&loc.child("responses").child(code))
                && let Ok(schema_loc) = json_schema_loc(files, &response_loc, response)
                && let Ok((target, _)) = files.follow(&schema_loc)
            {
                self.wrapper_schemas.insert(target);
            }
        }
        let (response_loc, response) = files.follow(&loc.child("responses").child(success))?;
        if response.get("content").is_none() {
            return Ok(None);
        }
        let schema_loc = json_schema_loc(files, &response_loc, response)?;
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
        Ok(Some(self.with_stated_ids(ty, description, &response_loc)))
    }

    fn error_docs(&self, loc: &Loc, op: &Value) -> Vec<ErrorDoc> {
        if let Some(list) = op.get("x-vsphere-errors").and_then(Value::as_array) {
            return list
                .iter()
                .map(|e| ErrorDoc {
                    status: e
                        .get("status")
                        .map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_owned))
                        .unwrap_or_default(),
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
                    .filter(|(code, _)| !code.starts_with('2'))
                    .map(|(code, response)| ErrorDoc {
                        status: code.clone(),
                        error_type: None,
                        description: response
                            .get("description")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                    })
                    .collect()
            })
            .unwrap_or_default();
        docs.sort_by(|a, b| a.status.cmp(&b.status));
        docs
    }
}

/// `/api/x?action=deploy&vmw-task=true` → (`/api/x`, `Some("deploy")`, `Some("vmw-task=true")`):
/// the action goes to the runtime's `?action=`, other fixed pairs stay in the path template.
fn split_query(key: &str) -> Option<(&str, Option<String>, Option<String>)> {
    let Some((path, query)) = key.split_once('?') else {
        return Some((key, None, None));
    };
    let mut action = None;
    let mut literal = Vec::new();
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=')?;
        if name.is_empty() || value.is_empty() {
            return None;
        }
        if name == "action" && action.is_none() {
            action = Some(value.to_owned());
        } else {
            literal.push(pair);
        }
    }
    Some((
        path,
        action,
        (!literal.is_empty()).then(|| literal.join("&")),
    ))
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

fn query_ty_supported(ty: &Ty) -> bool {
    match ty {
        Ty::String
        | Ty::Bool
        | Ty::I32
        | Ty::I64
        | Ty::F32
        | Ty::F64
        | Ty::Id(_)
        | Ty::Named(_) => true,
        Ty::List(item) => !matches!(**item, Ty::List(_)) && query_ty_supported(item),
        Ty::Any | Ty::Map { .. } => false,
    }
}

/// The location of the `application/json` schema of a request body or response.
fn json_schema_loc(
    files: &crate::load::SpecFiles,
    loc: &Loc,
    node: &Value,
) -> Result<Loc, Diagnostic> {
    let content = node
        .get("content")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            files
                .diagnostic(loc, "expected `content`")
                .help("add `content: {application/json: {schema: ...}}`")
        })?;
    let Some(json) = content.get("application/json") else {
        let found: Vec<&String> = content.keys().collect();
        return Err(files
            .diagnostic(
                &loc.child("content"),
                format!("only `application/json` bodies are supported, found {found:?}"),
            )
            .help("vSphere's REST API speaks JSON"));
    };
    if json.get("schema").is_none() {
        return Err(files
            .diagnostic(
                &loc.child("content").child("application/json"),
                "the body has no `schema`",
            )
            .help("add `schema:` with a `$ref` or an inline schema"));
    }
    Ok(loc
        .child("content")
        .child("application/json")
        .child("schema"))
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
