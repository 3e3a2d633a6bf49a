//! A small checker for the JSON Schema subset that `spec/` uses, and for the `/rest` wire rules
//! that the spec states through its `x-vsphere-*` extensions.
//!
//! It loads `spec/openapi.yaml` and every file reached through `$ref` (with `yaml_serde`),
//! follows `$ref` across files, and checks JSON values against schemas. It understands exactly
//! these schema keywords:
//!
//! - `$ref` (relative file + JSON pointer, or `#/pointer` in the same file; siblings allowed),
//! - `type`, `properties`, `required`, `enum`, `items`, `additionalProperties`, `format`
//!   (`uuid`, `uri`, `date-time`, `int32`, `int64`, `float`, `double`), `nullable`
//!   (the spec uses no `allOf`, so neither does the checker: it rejects it like any unknown
//!   keyword),
//! - the annotations `description`, `default` (checked against its own schema by [`Spec::lint`]),
//!   `example`, `title`,
//! - the extensions listed in [`EXTENSIONS`].
//!
//! Any other keyword is an error, never ignored, so a schema the checker does not understand can
//! not make a check pass silently.
//!
//! Deliberate choices (documented in `spec/README.md`):
//! - an object schema that lists `properties` but has no `additionalProperties` is *closed*:
//!   unknown members are errors, so fixtures can not drift from the spec unnoticed (clients must
//!   still ignore unknown fields; that is the generator's business, not this checker's);
//! - an optional member whose value is `null` counts as unset (vSphere: "a null on input means
//!   unset"); a required member must not be `null` unless its schema is `nullable`;
//! - under [`Style::Rest`], before a value is checked against a schema with
//!   `x-vsphere-rest-map-as-list: true` its `[{"key": k, "value": v}]` list is turned back into
//!   an object, and for a schema with `x-vsphere-class: C` the member `"@class"` must equal `C`
//!   and is removed; `x-vsphere-required-if` and `x-vsphere-relevant-if` (union case fields,
//!   refused in the other cases) are enforced in both styles.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// The `x-vsphere-*` extensions a schema node may carry.
pub const EXTENSIONS: &[&str] = &[
    "x-vsphere-since",
    "x-vsphere-resource-type",
    "x-vsphere-key-resource-type",
    "x-vsphere-rest-map-as-list",
    "x-vsphere-class",
    "x-vsphere-required-if",
    "x-vsphere-relevant-if",
    "x-vsphere-idempotency-token",
];

const STRUCTURAL: &[&str] = &[
    "$ref",
    "type",
    "properties",
    "required",
    "enum",
    "items",
    "additionalProperties",
    "format",
    "nullable",
];
const ANNOTATIONS: &[&str] = &["description", "default", "example", "title"];
/// Keywords allowed beside `$ref`.
const REF_SIBLINGS: &[&str] = &["$ref", "description", "default"];

/// The URL style of an operation: `/api/...` or `/rest/...`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Style {
    /// `/api`: bare bodies, maps as objects, no `@class`.
    Api,
    /// `/rest`: envelopes, maps as key/value lists, `@class` on dynamic structures.
    Rest,
}

impl Style {
    /// The style of a path key, from its first segment.
    pub fn of_path(path: &str) -> Option<Style> {
        if path.starts_with("/api/") {
            Some(Style::Api)
        } else if path.starts_with("/rest/") {
            Some(Style::Rest)
        } else {
            None
        }
    }

    /// `"api"` or `"rest"`, as used in fixture file names.
    pub fn name(self) -> &'static str {
        match self {
            Style::Api => "api",
            Style::Rest => "rest",
        }
    }

    /// The inverse of [`Style::name`].
    pub fn from_name(name: &str) -> Option<Style> {
        match name {
            "api" => Some(Style::Api),
            "rest" => Some(Style::Rest),
            _ => None,
        }
    }
}

/// A node of the loaded spec: a file (relative to `spec/`, `/`-separated) and a JSON pointer.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    /// File name relative to the spec directory, e.g. `schemas/vcenter-vm.yaml`.
    pub file: String,
    /// JSON pointer inside the file, e.g. `/Vcenter.VM.InstantCloneSpec/properties/name`.
    pub pointer: String,
}

impl Loc {
    /// A location.
    pub fn new(file: impl Into<String>, pointer: impl Into<String>) -> Loc {
        Loc {
            file: file.into(),
            pointer: pointer.into(),
        }
    }

    /// The location of member `token` (escaped for JSON pointers here).
    pub fn child(&self, token: &str) -> Loc {
        Loc {
            file: self.file.clone(),
            pointer: format!(
                "{}/{}",
                self.pointer,
                token.replace('~', "~0").replace('/', "~1")
            ),
        }
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.file, self.pointer)
    }
}

/// One operation of the spec.
#[derive(Clone, Debug)]
pub struct Operation {
    /// The path key, e.g. `/api/vcenter/vm?action=instant-clone`.
    pub path: String,
    /// Lower-case HTTP method.
    pub method: String,
    /// URL style of `path`.
    pub style: Style,
    /// Where the operation object is.
    pub loc: Loc,
    /// The operation object.
    pub value: Value,
}

impl Operation {
    /// `x-vsphere-operation` (falls back to the operationId).
    pub fn vsphere_name(&self) -> Option<&str> {
        self.value
            .get("x-vsphere-operation")
            .or_else(|| self.value.get("operationId"))
            .and_then(Value::as_str)
    }

    /// The JSON request body schema, if the operation has a body.
    pub fn request_schema(&self) -> Option<Loc> {
        let _ = self
            .value
            .get("requestBody")?
            .get("content")?
            .get("application/json")?
            .get("schema")?;
        Some(
            self.loc
                .child("requestBody")
                .child("content")
                .child("application/json")
                .child("schema"),
        )
    }

    /// The JSON body schema of the response with this status, if that response has a body.
    pub fn response_schema(&self, status: &str) -> Option<Loc> {
        let _ = self
            .value
            .get("responses")?
            .get(status)?
            .get("content")?
            .get("application/json")?
            .get("schema")?;
        Some(
            self.loc
                .child("responses")
                .child(status)
                .child("content")
                .child("application/json")
                .child("schema"),
        )
    }

    /// The (first) 2xx status of the operation.
    pub fn success_status(&self) -> Option<String> {
        self.value
            .get("responses")?
            .as_object()?
            .keys()
            .find(|k| k.starts_with('2'))
            .cloned()
    }
}

/// The loaded spec: every document by its file name relative to the spec directory.
pub struct Spec {
    docs: BTreeMap<String, Value>,
}

/// The root document's file name.
pub const ROOT: &str = "openapi.yaml";

impl Spec {
    /// Loads `dir/openapi.yaml` and, transitively, every file its `$ref`s name.
    pub fn load(dir: &Path) -> Result<Spec, String> {
        let mut docs = BTreeMap::new();
        let mut queue = vec![ROOT.to_owned()];
        while let Some(file) = queue.pop() {
            if docs.contains_key(&file) {
                continue;
            }
            let path: PathBuf = dir.join(&file);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let value: Value = yaml_serde::from_str(&text)
                .map_err(|e| format!("{file}: not valid YAML for JSON: {e}"))?;
            let mut refs = Vec::new();
            collect_refs(&value, &mut refs);
            for reference in refs {
                let (target, _) = split_ref(&file, &reference)?;
                if !docs.contains_key(&target) {
                    queue.push(target);
                }
            }
            docs.insert(file, value);
        }
        Ok(Spec { docs })
    }

    /// A spec made of in-memory documents (the root must be named [`ROOT`]).
    pub fn from_documents(docs: impl IntoIterator<Item = (String, Value)>) -> Spec {
        Spec {
            docs: docs.into_iter().collect(),
        }
    }

    /// The names of the loaded files.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.docs.keys().map(String::as_str)
    }

    /// The root document.
    pub fn root(&self) -> &Value {
        self.docs.get(ROOT).unwrap_or(&Value::Null)
    }

    /// The node at `loc`.
    pub fn node(&self, loc: &Loc) -> Result<&Value, String> {
        let doc = self
            .docs
            .get(&loc.file)
            .ok_or_else(|| format!("{loc}: file not loaded"))?;
        doc.pointer(&loc.pointer)
            .ok_or_else(|| format!("{loc}: no such node"))
    }

    /// Where the `$ref` string `reference`, found in `from`'s file, points.
    pub fn ref_target(&self, from: &Loc, reference: &str) -> Result<Loc, String> {
        let (file, pointer) =
            split_ref(&from.file, reference).map_err(|e| format!("{from}: {e}"))?;
        let loc = Loc::new(file, pointer);
        self.node(&loc)
            .map_err(|e| format!("{from}: dangling $ref `{reference}`: {e}"))?;
        Ok(loc)
    }

    /// Follows `$ref` from `loc` to the first node that is not a reference. Returns the target
    /// and every location on the way (starting with `loc`, ending with the target).
    pub fn resolve(&self, loc: &Loc) -> Result<(Loc, Vec<Loc>), String> {
        let mut chain = vec![loc.clone()];
        let mut current = loc.clone();
        loop {
            let node = self.node(&current)?;
            let Some(reference) = node.get("$ref") else {
                return Ok((current, chain));
            };
            let reference = reference
                .as_str()
                .ok_or_else(|| format!("{current}: `$ref` must be a string"))?;
            let next = self.ref_target(&current, reference)?;
            if chain.contains(&next) {
                return Err(format!("{loc}: `$ref` cycle through {next}"));
            }
            chain.push(next.clone());
            current = next;
        }
    }

    /// The first value of extension `name` along a `$ref` chain (the referring node wins).
    pub fn extension<'a>(&'a self, chain: &[Loc], name: &str) -> Option<&'a Value> {
        chain.iter().find_map(|loc| self.node(loc).ok()?.get(name))
    }

    /// Every operation under `paths`, in file order.
    pub fn operations(&self) -> Vec<Operation> {
        let mut out = Vec::new();
        let Some(paths) = self.root().get("paths").and_then(Value::as_object) else {
            return out;
        };
        for (path, item) in paths {
            let Some(style) = Style::of_path(path) else {
                continue;
            };
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, op) in item {
                if !["get", "put", "post", "delete", "patch", "head", "options"]
                    .contains(&method.as_str())
                {
                    continue;
                }
                out.push(Operation {
                    path: path.clone(),
                    method: method.clone(),
                    style,
                    loc: Loc::new(ROOT, "/paths").child(path).child(method),
                    value: op.clone(),
                });
            }
        }
        out
    }

    /// The one operation with this `x-vsphere-operation` in this style.
    pub fn operation(&self, name: &str, style: Style) -> Result<Operation, String> {
        let mut found: Vec<Operation> = self
            .operations()
            .into_iter()
            .filter(|o| o.style == style && o.vsphere_name() == Some(name))
            .collect();
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(format!("no {} operation `{name}`", style.name())),
            n => Err(format!(
                "{n} {} operations are named `{name}`",
                style.name()
            )),
        }
    }

    /// Checks `value` against the schema at `schema`, in the given URL style.
    pub fn check(&self, schema: &Loc, value: &Value, style: Style) -> Result<(), Vec<String>> {
        let mut errors = Vec::new();
        self.check_node(schema, value, style, "$", &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Checks every schema of the spec for keywords and extension values the checker does not
    /// understand, dangling `$ref`s, `required` names that are not properties,
    /// `x-vsphere-required-if` naming unknown siblings or values, and `default`s that do not
    /// match their schema.
    pub fn lint(&self) -> Result<(), Vec<String>> {
        let mut errors = Vec::new();
        let mut roots = Vec::new();
        for op in self.operations() {
            if let Some(params) = op.value.get("parameters").and_then(Value::as_array) {
                for i in 0..params.len() {
                    roots.push(
                        op.loc
                            .child("parameters")
                            .child(&i.to_string())
                            .child("schema"),
                    );
                }
            }
            if let Some(loc) = op.request_schema() {
                roots.push(loc);
            }
            if let Some(responses) = op.value.get("responses").and_then(Value::as_object) {
                for status in responses.keys() {
                    if let Some(loc) = op.response_schema(status) {
                        roots.push(loc);
                    }
                }
            }
        }
        for (file, doc) in &self.docs {
            if file == ROOT {
                continue;
            }
            match doc.as_object() {
                Some(map) => roots.extend(map.keys().map(|k| Loc::new(file.clone(), "").child(k))),
                None => errors.push(format!(
                    "{file}: a schemas file must be a mapping of schema name to schema"
                )),
            }
        }
        for loc in roots {
            self.lint_node(&loc, &mut errors);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn lint_node(&self, loc: &Loc, errors: &mut Vec<String>) {
        let node = match self.node(loc) {
            Ok(n) => n,
            Err(e) => return errors.push(e),
        };
        let Some(map) = node.as_object() else {
            return errors.push(format!("{loc}: a schema must be a mapping"));
        };
        if let Err(e) = self.keywords_ok(loc, map) {
            return errors.push(e);
        }
        if let Err(e) = self.resolve(loc) {
            return errors.push(e);
        }
        if let Some(default) = map.get("default") {
            if let Err(errs) = self.check(loc, default, Style::Api) {
                errors.extend(
                    errs.into_iter()
                        .map(|e| format!("{loc}: `default` does not match its schema: {e}")),
                );
            }
        }
        if map.contains_key("$ref") {
            return;
        }
        if let Some(props) = map.get("properties").and_then(Value::as_object) {
            for (name, prop) in props {
                let ploc = loc.child("properties").child(name);
                self.lint_node(&ploc, errors);
                for extension in ["x-vsphere-required-if", "x-vsphere-relevant-if"] {
                    if let Some(rule) = prop.get(extension) {
                        self.lint_required_if(&ploc, extension, rule, props, loc, errors);
                    }
                }
            }
            if let Some(required) = map.get("required").and_then(Value::as_array) {
                for name in required {
                    if !name.as_str().is_some_and(|n| props.contains_key(n)) {
                        errors.push(format!("{loc}: required `{name}` is not a property"));
                    }
                }
            }
        }
        if map.contains_key("items") {
            self.lint_node(&loc.child("items"), errors);
        }
        if map
            .get("additionalProperties")
            .is_some_and(Value::is_object)
        {
            self.lint_node(&loc.child("additionalProperties"), errors);
        }
    }

    fn lint_required_if(
        &self,
        ploc: &Loc,
        extension: &str,
        rule: &Value,
        props: &Map<String, Value>,
        parent: &Loc,
        errors: &mut Vec<String>,
    ) {
        let Some(rule) = rule.as_object() else { return };
        for (sibling, values) in rule {
            if !props.contains_key(sibling) {
                errors.push(format!(
                    "{ploc}: {extension} names `{sibling}`, which is not a sibling property"
                ));
                continue;
            }
            let sloc = parent.child("properties").child(sibling);
            let allowed = self
                .resolve(&sloc)
                .ok()
                .and_then(|(t, _)| self.node(&t).ok()?.get("enum").cloned());
            if let (Some(Value::Array(allowed)), Some(values)) = (allowed, values.as_array()) {
                for v in values {
                    if !allowed.contains(v) {
                        errors.push(format!(
                            "{ploc}: {extension} value {v} is not a value of `{sibling}`"
                        ));
                    }
                }
            }
        }
    }

    /// Every keyword of a schema node must be understood, and every extension well-formed.
    fn keywords_ok(&self, loc: &Loc, map: &Map<String, Value>) -> Result<(), String> {
        let is_ref = map.contains_key("$ref");
        for (key, value) in map {
            let known = if is_ref {
                REF_SIBLINGS.contains(&key.as_str()) || EXTENSIONS.contains(&key.as_str())
            } else {
                STRUCTURAL.contains(&key.as_str())
                    || ANNOTATIONS.contains(&key.as_str())
                    || EXTENSIONS.contains(&key.as_str())
            };
            if !known {
                return Err(format!(
                    "{loc}: schema keyword `{key}` is not understood by schema_check{}",
                    if is_ref { " (beside $ref)" } else { "" }
                ));
            }
            let shape_ok = match key.as_str() {
                "x-vsphere-since" => value.as_str().is_some_and(|s| {
                    !s.is_empty() && s.split('.').all(|p| p.parse::<u32>().is_ok())
                }),
                "x-vsphere-resource-type" | "x-vsphere-key-resource-type" | "x-vsphere-class" => {
                    value
                        .as_str()
                        .is_some_and(|s| !s.is_empty() && !s.contains(char::is_whitespace))
                }
                "x-vsphere-rest-map-as-list" => {
                    value == &Value::Bool(true)
                        && (is_ref
                            || map
                                .get("additionalProperties")
                                .is_some_and(Value::is_object))
                }
                "x-vsphere-idempotency-token" => value.is_boolean(),
                "x-vsphere-required-if" | "x-vsphere-relevant-if" => {
                    value.as_object().is_some_and(|m| {
                        !m.is_empty()
                            && m.values().all(|v| {
                                v.as_array().is_some_and(|a| {
                                    !a.is_empty() && a.iter().all(Value::is_string)
                                })
                            })
                    })
                }
                "type" => value.as_str().is_some_and(|t| {
                    ["object", "array", "string", "boolean", "integer", "number"].contains(&t)
                }),
                "required" => value
                    .as_array()
                    .is_some_and(|a| a.iter().all(Value::is_string)),
                "enum" => value.as_array().is_some_and(|a| !a.is_empty()),
                "properties" => value
                    .as_object()
                    .is_some_and(|m| m.values().all(Value::is_object)),
                "items" => value.is_object(),
                "additionalProperties" => value.is_object() || value.is_boolean(),
                "format" => value.as_str().is_some_and(|f| {
                    [
                        "uuid",
                        "uri",
                        "date-time",
                        "int32",
                        "int64",
                        "float",
                        "double",
                    ]
                    .contains(&f)
                }),
                "nullable" => value.is_boolean(),
                "$ref" | "description" | "title" => value.is_string(),
                _ => true,
            };
            if !shape_ok {
                return Err(format!(
                    "{loc}: `{key}: {value}` is not a value schema_check understands"
                ));
            }
        }
        Ok(())
    }

    fn check_node(
        &self,
        loc: &Loc,
        value: &Value,
        style: Style,
        at: &str,
        errors: &mut Vec<String>,
    ) {
        let (target, chain) = match self.resolve(loc) {
            Ok(r) => r,
            Err(e) => return errors.push(e),
        };
        for l in &chain {
            match self.node(l).map(Value::as_object) {
                Ok(Some(map)) => {
                    if let Err(e) = self.keywords_ok(l, map) {
                        return errors.push(e);
                    }
                }
                Ok(None) => return errors.push(format!("{l}: a schema must be a mapping")),
                Err(e) => return errors.push(e),
            }
        }
        let schema = self
            .node(&target)
            .expect("resolved")
            .as_object()
            .expect("checked");

        if value.is_null() {
            if schema.get("nullable") != Some(&Value::Bool(true)) {
                errors.push(format!("{at}: null where {target} is not nullable"));
            }
            return;
        }

        // /rest wire rules, stated by the extensions (on the referring node or the target).
        let mut owned;
        let mut value = value;
        if style == Style::Rest {
            if self.extension(&chain, "x-vsphere-rest-map-as-list") == Some(&Value::Bool(true)) {
                match rest_list_to_map(value) {
                    Ok(map) => {
                        owned = Value::Object(map);
                        value = &owned;
                    }
                    Err(e) => {
                        return errors.push(format!(
                            "{at}: {e} ({target} is a map sent as a key/value list under /rest)"
                        ));
                    }
                }
            }
            if let Some(class) = self
                .extension(&chain, "x-vsphere-class")
                .and_then(Value::as_str)
            {
                let Some(obj) = value.as_object() else {
                    return errors.push(format!(
                        "{at}: expected an object carrying \"@class\": \"{class}\""
                    ));
                };
                match obj.get("@class") {
                    Some(Value::String(c)) if c == class => {
                        let mut obj = obj.clone();
                        obj.remove("@class");
                        owned = Value::Object(obj);
                        value = &owned;
                    }
                    Some(other) => return errors.push(format!("{at}: \"@class\" is {other}, expected \"{class}\"")),
                    None => return errors.push(format!("{at}: \"@class\": \"{class}\" is missing (required under /rest by {target})")),
                }
            }
        }

        if let Some(ty) = schema.get("type").and_then(Value::as_str) {
            if !type_matches(ty, value) {
                return errors.push(format!("{at}: expected {ty}, found {}", kind(value)));
            }
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            if !allowed.contains(value) {
                errors.push(format!(
                    "{at}: {value} is not one of {}",
                    Value::Array(allowed.clone())
                ));
            }
        }
        if let Some(format) = schema.get("format").and_then(Value::as_str) {
            if let Err(e) = format_matches(format, value) {
                errors.push(format!("{at}: {e}"));
            }
        }
        if schema.contains_key("items") {
            if let Some(array) = value.as_array() {
                for (i, item) in array.iter().enumerate() {
                    self.check_node(
                        &target.child("items"),
                        item,
                        style,
                        &format!("{at}[{i}]"),
                        errors,
                    );
                }
            }
        }
        if let Some(obj) = value.as_object() {
            if schema.contains_key("properties")
                || schema.contains_key("additionalProperties")
                || schema.contains_key("required")
            {
                self.check_object(&target, schema, obj, style, at, errors);
            }
        }
    }

    fn check_object(
        &self,
        target: &Loc,
        schema: &Map<String, Value>,
        obj: &Map<String, Value>,
        style: Style,
        at: &str,
        errors: &mut Vec<String>,
    ) {
        let empty = Map::new();
        let props = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let set = |name: &str| obj.get(name).is_some_and(|v| !v.is_null());
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !obj.contains_key(name) {
                errors.push(format!(
                    "{at}: required member `{name}` is missing ({target})"
                ));
            }
        }
        for (name, prop) in props {
            if let Some(rule) = prop.get("x-vsphere-required-if").and_then(Value::as_object) {
                for (sibling, values) in rule {
                    let hit = obj
                        .get(sibling)
                        .is_some_and(|v| values.as_array().is_some_and(|a| a.contains(v)));
                    if hit && !set(name) {
                        errors.push(format!(
                            "{at}: `{name}` is required when `{sibling}` is {} ({target})",
                            obj[sibling]
                        ));
                    }
                }
            }
            // A union case field (relevant-if, else required-if) is refused in the other cases.
            let case = prop
                .get("x-vsphere-relevant-if")
                .or_else(|| prop.get("x-vsphere-required-if"))
                .and_then(Value::as_object);
            for (sibling, values) in case.into_iter().flatten() {
                let other = obj.get(sibling).is_some_and(|v| {
                    !v.is_null() && values.as_array().is_some_and(|a| !a.contains(v))
                });
                if other && set(name) {
                    errors.push(format!(
                        "{at}: `{name}` is only relevant when `{sibling}` is one of {values}, not {} ({target})",
                        obj[sibling]
                    ));
                }
            }
        }
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (name, member) in obj {
            let path = format!("{at}.{name}");
            if props.contains_key(name) {
                if member.is_null() && !required.contains(&name.as_str()) {
                    continue; // null means unset
                }
                self.check_node(
                    &target.child("properties").child(name),
                    member,
                    style,
                    &path,
                    errors,
                );
            } else {
                match schema.get("additionalProperties") {
                    Some(Value::Object(_)) => self.check_node(
                        &target.child("additionalProperties"),
                        member,
                        style,
                        &path,
                        errors,
                    ),
                    Some(Value::Bool(true)) => {}
                    Some(_) => errors.push(format!(
                        "{path}: unknown member `{name}` ({target} allows no others)"
                    )),
                    None if !props.is_empty() => errors.push(format!(
                        "{path}: unknown member `{name}` ({target} does not define it)"
                    )),
                    None => {}
                }
            }
        }
    }
}

/// `[{"key": k, "value": v}, ...]` → `{k: v, ...}`.
pub fn rest_list_to_map(value: &Value) -> Result<Map<String, Value>, String> {
    let Some(list) = value.as_array() else {
        return Err(format!(
            "expected a list of {{\"key\", \"value\"}} entries, found {}",
            kind(value)
        ));
    };
    let mut map = Map::new();
    for (i, entry) in list.iter().enumerate() {
        let Some(entry) = entry.as_object() else {
            return Err(format!("entry {i} is not an object"));
        };
        if entry.len() != 2 || !entry.contains_key("key") || !entry.contains_key("value") {
            return Err(format!(
                "entry {i} must have exactly the members `key` and `value`"
            ));
        }
        let Some(key) = entry["key"].as_str() else {
            return Err(format!("entry {i}: `key` must be a string"));
        };
        if map.insert(key.to_owned(), entry["value"].clone()).is_some() {
            return Err(format!("entry {i}: key `{key}` appears twice"));
        }
    }
    Ok(map)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn type_matches(ty: &str, value: &Value) -> bool {
    match ty {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        "number" => value.is_number(),
        _ => false,
    }
}

fn format_matches(format: &str, value: &Value) -> Result<(), String> {
    let bad = |what: &str| Err(format!("{value} is not {what} (format `{format}`)"));
    match (format, value) {
        ("uuid", Value::String(s)) => {
            let groups: Vec<&str> = s.split('-').collect();
            let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
            if lens == [8, 4, 4, 4, 12]
                && groups
                    .iter()
                    .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
            {
                Ok(())
            } else {
                bad("a UUID")
            }
        }
        ("uri", Value::String(s)) => {
            let scheme = s.split(':').next().unwrap_or("");
            let ok = s.contains(':')
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !s.contains(char::is_whitespace);
            if ok { Ok(()) } else { bad("an absolute URI") }
        }
        ("date-time", Value::String(s)) => {
            // RFC 3339: YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm)
            let b = s.as_bytes();
            let digits = |r: std::ops::Range<usize>| {
                r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit))
            };
            let head = b.len() >= 20
                && digits(0..4)
                && b[4] == b'-'
                && digits(5..7)
                && b[7] == b'-'
                && digits(8..10)
                && (b[10] == b'T' || b[10] == b't')
                && digits(11..13)
                && b[13] == b':'
                && digits(14..16)
                && b[16] == b':'
                && digits(17..19);
            let mut i = 19;
            if head && b.get(i) == Some(&b'.') {
                i += 1;
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            let tail = &s[i.min(s.len())..];
            let zone = tail == "Z" || tail == "z" || {
                let t = tail.as_bytes();
                t.len() == 6
                    && (t[0] == b'+' || t[0] == b'-')
                    && t[3] == b':'
                    && t[1..3].iter().chain(&t[4..6]).all(u8::is_ascii_digit)
            };
            if head && zone {
                Ok(())
            } else {
                bad("an RFC 3339 date-time")
            }
        }
        ("int32", v) if v.is_i64() || v.is_u64() => {
            if v.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) {
                Ok(())
            } else {
                bad("a 32-bit integer")
            }
        }
        ("int64", v) if v.is_i64() || v.is_u64() => {
            if v.is_i64() {
                Ok(())
            } else {
                bad("a 64-bit integer")
            }
        }
        ("float" | "double", v) if v.is_number() => Ok(()),
        // A format of another JSON type than the value's: the `type` check reports it.
        ("uuid" | "uri" | "date-time", _) | ("int32" | "int64" | "float" | "double", _) => Ok(()),
        _ => Err(format!(
            "format `{format}` is not understood by schema_check"
        )),
    }
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    if let Some(s) = v.as_str() {
                        out.push(s.to_owned());
                    }
                } else {
                    collect_refs(v, out);
                }
            }
        }
        Value::Array(list) => list.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// Splits a `$ref` found in `from_file` into (target file, JSON pointer).
fn split_ref(from_file: &str, reference: &str) -> Result<(String, String), String> {
    let (file, pointer) = reference.split_once('#').unwrap_or((reference, ""));
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Err(format!(
            "`$ref: {reference}`: the fragment must be a JSON pointer"
        ));
    }
    if file.is_empty() {
        return Ok((from_file.to_owned(), pointer.to_owned()));
    }
    if file.contains("://") || file.starts_with('/') {
        return Err(format!(
            "`$ref: {reference}`: only relative file references are supported"
        ));
    }
    let base = Path::new(from_file).parent().unwrap_or(Path::new(""));
    let mut parts: Vec<String> = Vec::new();
    for c in base.join(file).components() {
        match c {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::ParentDir => {
                if parts.pop().is_none() {
                    return Err(format!("`$ref: {reference}` leaves the spec directory"));
                }
            }
            Component::CurDir => {}
            _ => return Err(format!("`$ref: {reference}`: unsupported path")),
        }
    }
    Ok((parts.join("/"), pointer.to_owned()))
}

/// The spec directory of this repository (`<repo>/spec`).
pub fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

/// The fixtures directory (`tests/fixtures`).
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}
