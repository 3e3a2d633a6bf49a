//! What the generator supports, degrades or skips, decided in one place.
//!
//! Lowering asks this module what a schema is ([`shape`]), how a body travels ([`media`]) and
//! which required properties must become optional ([`Support::optional_breaks`]), then only
//! translates the answer. Every degraded or skipped item comes with a located warning that says
//! what was given up and why; only document-level faults (unreadable files, wrong OpenAPI
//! version, dangling or cyclic `$ref`) are errors, and those are found before this stage.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, Finding};
use crate::load::{Loc, SpecFiles};
use crate::model::{Media, Ty};

/// Decisions about the whole document, made before lowering.
#[derive(Debug, Default)]
pub struct Support {
    /// Required properties that would make a structure require itself: lowered as optional
    /// (and boxed), so that a finite value exists.
    pub optional_breaks: BTreeSet<Loc>,
    /// References that would make a type contain itself through lists or maps only: lowered
    /// as `serde_json::Value`.
    pub opaque_refs: BTreeSet<Loc>,
    /// The warnings these decisions carry.
    pub warnings: Vec<Diagnostic>,
}

impl Support {
    /// Decides the document-wide degradations: self-requiring structures and types nested in
    /// themselves through lists or maps.
    /// `targets` are the targets of every `$ref`, as validation found them.
    pub fn classify(files: &SpecFiles, targets: &BTreeSet<Loc>) -> Support {
        let mut support = Support::default();
        for (loc, message) in crate::validate::nested_in_itself(files, targets) {
            support.opaque_refs.insert(loc.clone());
            support.warnings.push(
                files
                    .warning(&loc, format!("{message}; this reference is generated as `serde_json::Value`"))
                    .kind(Finding::Degraded)
                    .help("put a structure on the way: make the items (or map values) an object with `properties` that holds the nested list"),
            );
        }
        for (loc, message) in crate::validate::required_cycles(files, targets) {
            support.optional_breaks.insert(loc.clone());
            support.warnings.push(
                files
                    .warning(&loc, format!("{message}; this property is generated as optional"))
                    .kind(Finding::Degraded)
                    .help("make one of these properties optional (remove it from `required`) or a list"),
            );
        }
        support
    }
}

/// What a schema becomes.
#[derive(Debug)]
pub enum Shape {
    /// A string enum, its values in spec order.
    Enum(Vec<String>),
    /// A scalar: `String` (an id when the schema states a resource type), a number or a bool.
    Scalar(Ty),
    /// A list of the schema at `items`.
    List,
    /// A structure: its properties, each with where it is and whether it is required, after
    /// flattening `allOf`.
    Struct(Vec<Property>),
    /// A map whose values are the schema at `additionalProperties`.
    Map,
    /// The one member of an `allOf`, which the schema only renames.
    Alias(Loc),
    /// One of several schemas, told apart by their JSON shape.
    Union(Vec<Loc>),
    /// Any JSON: a free-form object, or a schema without a type.
    Any,
    /// Any JSON, although the spec says more: the warning says what was given up.
    Degraded(Diagnostic),
}

/// A property of a structure.
#[derive(Clone, Debug)]
pub struct Property {
    /// Its name in JSON.
    pub name: String,
    /// Where its schema is.
    pub loc: Loc,
    /// Listed in `required`.
    pub required: bool,
}

/// What the schema at `target` (already followed through `$ref`) becomes.
pub fn shape(files: &SpecFiles, target: &Loc, object: &Map<String, Value>) -> Shape {
    let degraded = |at: Loc, message: String, help: &str| {
        Shape::Degraded(
            files
                .warning(&at, format!("{message}; generated as `serde_json::Value`"))
                .kind(Finding::Degraded)
                .help(help.to_owned()),
        )
    };
    if object.contains_key("not") {
        return degraded(
            target.child("not"),
            "`not` has no Rust type".to_owned(),
            "describe what is allowed instead",
        );
    }
    for keyword in ["oneOf", "anyOf"] {
        if let Some(members) = object.get(keyword) {
            let Some(members) = members.as_array().filter(|m| !m.is_empty()) else {
                return degraded(
                    target.child(keyword),
                    format!("`{keyword}` must list schemas"),
                    "list the alternatives",
                );
            };
            let locs: Vec<Loc> = (0..members.len())
                .map(|i| target.child(keyword).child(&i.to_string()))
                .collect();
            // A schema with `type: object` beside `oneOf` of bare `required` lists only
            // constrains which properties appear together: its properties are the structure.
            if has_properties(object) {
                break;
            }
            return match distinguishable(files, &locs) {
                Ok(()) if locs.len() == 1 => Shape::Alias(locs[0].clone()),
                Ok(()) => Shape::Union(locs),
                Err(why) => degraded(
                    target.child(keyword),
                    format!(
                        "the alternatives of `{keyword}` cannot be told apart by their JSON ({why})"
                    ),
                    "give each alternative a required property the others lack, or a different JSON type",
                ),
            };
        }
    }
    if let Some(all_of) = object.get("allOf") {
        let Some(members) = all_of.as_array().filter(|m| !m.is_empty()) else {
            return degraded(
                target.child("allOf"),
                "`allOf` must list schemas".to_owned(),
                "list the schemas to combine",
            );
        };
        if members.len() == 1 && !has_properties(object) {
            return Shape::Alias(target.child("allOf").child("0"));
        }
        return match flatten(files, target) {
            Ok(properties) if !properties.is_empty() => Shape::Struct(properties),
            Ok(_) => Shape::Any,
            Err(why) => degraded(
                target.child("allOf"),
                format!("the members of `allOf` cannot be merged into one structure ({why})"),
                "make every member an object schema",
            ),
        };
    }
    let ty = match object.get("type") {
        None => None,
        Some(Value::String(t)) => Some(t.as_str()),
        Some(other) => {
            return degraded(
                target.child("type"),
                format!("`type: {other}` is not one OpenAPI 3.0 type"),
                "OpenAPI 3.0 allows one of string, integer, number, boolean, array, object",
            );
        }
    };
    let format = object.get("format").and_then(Value::as_str);
    if let Some(values) = object.get("enum").and_then(Value::as_array)
        && matches!(ty, Some("string") | None)
    {
        let strings: Vec<String> = values
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        // `null` in an enum only says the value may be absent (`nullable`).
        let others = values
            .iter()
            .filter(|v| !v.is_string() && !v.is_null())
            .count();
        return match (strings.is_empty(), others) {
            (false, 0) => Shape::Enum(strings),
            (true, 0) => Shape::Scalar(Ty::String),
            _ if ty.is_none() => Shape::Any,
            _ => degraded(
                target.child("enum"),
                "a string enum lists values that are not strings".to_owned(),
                "quote the values",
            ),
        };
    }
    match ty {
        Some("string") => Shape::Scalar(Ty::String),
        Some("integer") => Shape::Scalar(match format {
            Some("int32") => Ty::I32,
            // OpenAPI formats are open: an unknown one is its base type.
            _ => Ty::I64,
        }),
        Some("number") => Shape::Scalar(match format {
            Some("float") => Ty::F32,
            _ => Ty::F64,
        }),
        Some("boolean") => Shape::Scalar(Ty::Bool),
        Some("array") if object.contains_key("items") => Shape::List,
        Some("array") => degraded(
            target.clone(),
            "an array schema without `items`".to_owned(),
            "add `items: {type: string}` or a `$ref`",
        ),
        Some("object") | None => {
            if has_properties(object) {
                Shape::Struct(properties_of(target, object))
            } else if object
                .get("additionalProperties")
                .is_some_and(Value::is_object)
            {
                Shape::Map
            } else {
                Shape::Any
            }
        }
        Some(other) => degraded(
            target.child("type"),
            format!("unknown type `{other}`"),
            "OpenAPI 3.0 types are string, integer, number, boolean, array and object",
        ),
    }
}

fn has_properties(object: &Map<String, Value>) -> bool {
    object
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
}

fn properties_of(loc: &Loc, object: &Map<String, Value>) -> Vec<Property> {
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    object
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| {
            p.keys()
                .map(|name| Property {
                    name: name.clone(),
                    loc: loc.child("properties").child(name),
                    required: required.contains(&name.as_str()),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The properties of an `allOf` schema and its own, members first; a property stated twice keeps
/// its first schema and is required when any member requires it.
fn flatten(files: &SpecFiles, loc: &Loc) -> Result<Vec<Property>, String> {
    let mut out: Vec<Property> = Vec::new();
    let mut seen = BTreeSet::new();
    flatten_into(files, loc, &mut out, &mut seen, 0)?;
    Ok(out)
}

fn flatten_into(
    files: &SpecFiles,
    loc: &Loc,
    out: &mut Vec<Property>,
    seen: &mut BTreeSet<Loc>,
    depth: usize,
) -> Result<(), String> {
    let (target, schema) = files.follow(loc).map_err(|e| e.message)?;
    if !seen.insert(target.clone()) || depth > 64 {
        return Ok(());
    }
    let object = schema
        .as_object()
        .ok_or_else(|| "a member is not a mapping".to_owned())?;
    let add = |property: Property, out: &mut Vec<Property>| match out
        .iter_mut()
        .find(|p| p.name == property.name)
    {
        Some(existing) => existing.required |= property.required,
        None => out.push(property),
    };
    if let Some(members) = object.get("allOf").and_then(Value::as_array) {
        for i in 0..members.len() {
            flatten_into(
                files,
                &target.child("allOf").child(&i.to_string()),
                out,
                seen,
                depth + 1,
            )?;
        }
    }
    match object.get("type").and_then(Value::as_str) {
        Some("object") | None => {}
        Some(other) => return Err(format!("a member is `type: {other}`")),
    }
    if object.contains_key("oneOf") || object.contains_key("anyOf") {
        return Err("a member is itself a `oneOf` or `anyOf`".to_owned());
    }
    for property in properties_of(&target, object) {
        add(property, out);
    }
    // `required` may name properties that another member declares.
    if let Some(required) = object.get("required").and_then(Value::as_array) {
        for name in required.iter().filter_map(Value::as_str) {
            if let Some(p) = out.iter_mut().find(|p| p.name == name) {
                p.required = true;
            }
        }
    }
    Ok(())
}

/// The JSON kind a schema's values have, for telling union members apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
}

/// Whether a value can only ever decode as one of the members: their JSON kinds differ, or they
/// are objects each with a required property that no other member declares.
fn distinguishable(files: &SpecFiles, members: &[Loc]) -> Result<(), String> {
    // Per JSON kind, each member's declared and required property names.
    type Names = BTreeSet<String>;
    let mut kinds: BTreeMap<Kind, Vec<(Names, Names)>> = BTreeMap::new();
    for member in members {
        let (_, schema) = files.follow(member).map_err(|e| e.message)?;
        let object = schema
            .as_object()
            .ok_or_else(|| "a member is not a mapping".to_owned())?;
        let kind = match object.get("type").and_then(Value::as_str) {
            Some("string") => Kind::String,
            Some("integer") => Kind::Integer,
            Some("number") => Kind::Number,
            Some("boolean") => Kind::Boolean,
            Some("array") => Kind::Array,
            Some("object") => Kind::Object,
            None if has_properties(object) || object.contains_key("allOf") => Kind::Object,
            _ => return Err("a member has no single type".to_owned()),
        };
        let (declared, required) = if kind == Kind::Object {
            let properties = flatten(files, member)?;
            (
                properties.iter().map(|p| p.name.clone()).collect(),
                properties
                    .iter()
                    .filter(|p| p.required)
                    .map(|p| p.name.clone())
                    .collect(),
            )
        } else {
            (BTreeSet::new(), BTreeSet::new())
        };
        kinds.entry(kind).or_default().push((declared, required));
    }
    // An integer also reads as a number.
    if kinds.contains_key(&Kind::Integer) && kinds.contains_key(&Kind::Number) {
        return Err("an integer member and a number member".to_owned());
    }
    for (kind, members) in &kinds {
        if members.len() < 2 {
            continue;
        }
        if *kind != Kind::Object {
            return Err(format!("two members are {kind:?} values").to_lowercase());
        }
        for (i, (_, required)) in members.iter().enumerate() {
            let own = required.iter().any(|name| {
                members
                    .iter()
                    .enumerate()
                    .all(|(j, (declared, _))| j == i || !declared.contains(name))
            });
            if !own {
                return Err("an object member has no required property of its own".to_owned());
            }
        }
    }
    Ok(())
}

/// How a body of the given media types travels, and under which content type: JSON when any
/// type is JSON (`application/json`, with parameters, or `*/*+json`), else text for `text/*`,
/// else bytes. `None` for multipart forms, which need an encoder the client does not have.
pub fn media<'a>(content: impl IntoIterator<Item = &'a String>) -> Option<(Media, String)> {
    let types: Vec<&String> = content.into_iter().collect();
    let essence = |t: &str| t.split(';').next().unwrap_or(t).trim().to_ascii_lowercase();
    if let Some(json) = types.iter().find(|t| is_json(&essence(t))) {
        return Some((Media::Json, (*json).clone()));
    }
    if let Some(text) = types.iter().find(|t| essence(t).starts_with("text/")) {
        return Some((Media::Text((*text).clone()), (*text).clone()));
    }
    types
        .iter()
        .find(|t| !essence(t).starts_with("multipart/"))
        .map(|t| {
            // A range (`*/*`, `image/*`) is not a content type a client can send.
            let sent = if t.contains('*') {
                "application/octet-stream".to_owned()
            } else {
                (*t).clone()
            };
            (Media::Binary(sent.clone()), sent)
        })
}

/// `application/json`, `application/problem+json`, `application/json; charset=utf-8`.
pub fn is_json(essence: &str) -> bool {
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}
