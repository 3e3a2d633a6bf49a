//! Checks on the loaded files before lowering: the OpenAPI version, that every `$ref` anywhere
//! resolves, that no structure requires itself, and warnings for legal but suspicious input.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::diagnostic::{Diagnostic, unescape_token};
use crate::load::{Loc, SpecFiles};

/// What validation found, and what it learnt on the way that later stages need.
pub struct Validation {
    /// Errors and warnings about the files as a whole. They carry JSON pointers; their lines
    /// and columns are filled in by [`SpecFiles::place`] (as [`crate::generate`] does).
    pub diagnostics: Vec<Diagnostic>,
    /// The target of every `$ref` of every file that resolves (those that do not are errors
    /// among the diagnostics).
    pub ref_targets: BTreeSet<Loc>,
}

/// Checks the files as a whole; see [`Validation`].
pub fn validate(files: &SpecFiles) -> Validation {
    let mut found = Vec::new();
    let mut ref_targets = BTreeSet::new();
    for (doc, document) in files.roots() {
        let root = Loc {
            doc,
            pointer: String::new(),
        };
        match document.get("openapi").and_then(Value::as_str) {
            Some(v) if v.starts_with("3.0.") => {}
            Some(v) => found.push(files.diagnostic(&root.child("openapi"), format!("OpenAPI {v} is not supported")).help("the generator reads OpenAPI 3.0.x; convert the document (e.g. with swagger2openapi) or state `openapi: 3.0.3`")),
            None if document.get("swagger").is_some() => found.push(files.diagnostic(&root.child("swagger"), "this is a Swagger 2.0 document").help("convert it to OpenAPI 3.0 first, e.g. with the npm package swagger2openapi")),
            None => found.push(files.diagnostic(&root, "the document has no `openapi` version").help("start the file with `openapi: 3.0.3`")),
        }
    }
    for (doc, document) in files.documents().iter().enumerate() {
        for (pointer, reference) in &document.refs {
            let at = Loc {
                doc,
                pointer: pointer.clone(),
            };
            match files
                .resolve_ref(&at, reference)
                .and_then(|_| files.follow(&at))
            {
                Ok((target, _)) => {
                    ref_targets.insert(target);
                }
                Err(e) if !found.contains(&e) => found.push(e),
                Err(_) => {}
            }
        }
    }
    found.extend(operations_without_errors(files));
    Validation {
        diagnostics: found,
        ref_targets,
    }
}

/// What the generator writes inline rather than as a type of its own: the items of a list, the
/// values of a map, the only member of an `allOf`. The edge label names the keyword.
fn inline_part(files: &SpecFiles, loc: &Loc) -> Option<(Loc, &'static str)> {
    let schema = files.get(loc)?.as_object()?;
    let part = if let Some(all_of) = schema.get("allOf") {
        (all_of.as_array()?.len() == 1).then_some(("allOf/0", "allOf"))?
    } else {
        match schema.get("type").map(Value::as_str) {
            Some(Some("array")) => ("items", "items"),
            Some(Some("object")) | None => {
                let has_properties = schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .is_some_and(|p| !p.is_empty());
                // Without `type`, an `enum` makes an enum (a type of its own).
                let is_enum = schema.contains_key("enum") && !schema.contains_key("type");
                if has_properties || is_enum || !schema.get("additionalProperties")?.is_object() {
                    return None;
                }
                ("additionalProperties", "additionalProperties")
            }
            _ => return None,
        }
    };
    let child = part.0.split('/').fold(loc.clone(), |l, t| l.child(t));
    let (target, _) = files.follow(&child).ok()?;
    Some((target, part.1))
}

/// Schemas that contain themselves only through lists, maps and single-member `allOf`
/// (`List: {type: array, items: {$ref: List}}`). The generator writes those inline (`Vec<T>`,
/// `BTreeMap<String, T>`), so the Rust type would be infinite; a structure on the way breaks the
/// chain. Each inline schema has one inline part, so following the chain finds every cycle.
/// Returns, per cycle, the inline part to give up (the first member's) and what the cycle is.
pub fn nested_in_itself(files: &SpecFiles, starts: &BTreeSet<Loc>) -> Vec<(Loc, String)> {
    let mut finite: BTreeSet<Loc> = BTreeSet::new();
    let mut cycles: BTreeSet<Vec<(Loc, &'static str)>> = BTreeSet::new();
    for start in starts {
        let mut chain: Vec<(Loc, &'static str)> = Vec::new();
        let mut current = start.clone();
        loop {
            if finite.contains(&current) {
                break;
            }
            if let Some(from) = chain.iter().position(|(l, _)| *l == current) {
                let mut cycle = chain[from..].to_vec();
                let first = cycle
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, (l, _))| l)
                    .map_or(0, |(i, _)| i);
                cycle.rotate_left(first);
                cycles.insert(cycle);
                break;
            }
            let Some((next, label)) = inline_part(files, &current) else {
                break;
            };
            chain.push((current, label));
            current = next;
        }
        finite.extend(chain.into_iter().map(|(l, _)| l));
    }
    cycles
        .into_iter()
        .map(|cycle| {
            let mut shown: Vec<String> = cycle
                .iter()
                .map(|(l, label)| format!("{} ({label})", schema_name(files, l)))
                .collect();
            shown.push(schema_name(files, &cycle[0].0));
            let (loc, label) = &cycle[0];
            let part = match *label {
                "allOf" => loc.child("allOf").child("0"),
                other => loc.child(other),
            };
            (
                part,
                format!(
                    "schema `{}` is nested in itself through lists, maps or `allOf` only: {}; the generator writes those inline (`Vec<T>`, `BTreeMap<String, T>`), so its Rust type would be infinite",
                    schema_name(files, loc),
                    shown.join(" → ")
                ),
            )
        })
        .collect()
}

/// Structures that require themselves through required properties held by value
/// (`A.b` required of type `B`, `B.a` required of type `A`): no finite JSON value has all the
/// required fields, so no response could ever be decoded into the generated type.
///
/// Every such cycle passes through a `$ref`, so the walk starts at each reference's target.
/// Returns, per cycle, the required property to make optional and what the cycle is.
pub fn required_cycles(files: &SpecFiles, starts: &BTreeSet<Loc>) -> Vec<(Loc, String)> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        OnPath,
        Done,
    }
    let mut state: BTreeMap<Loc, State> = BTreeMap::new();
    let mut cycles: BTreeSet<Vec<(Loc, String)>> = BTreeSet::new();
    for start in starts {
        if state.contains_key(start) {
            continue;
        }
        // Depth-first, without recursion: long chains of references must not overflow the stack.
        let mut path: Vec<Step> = vec![Step {
            loc: start.clone(),
            edges: required_edges(files, start),
            next: 0,
            entered_by: String::new(),
        }];
        state.insert(start.clone(), State::OnPath);
        while let Some(step) = path.last_mut() {
            let Some((target, label)) = step.edges.get(step.next).cloned() else {
                let done = path.pop().expect("non-empty path");
                state.insert(done.loc, State::Done);
                continue;
            };
            step.next += 1;
            match state.get(&target) {
                Some(State::Done) => {}
                Some(State::OnPath) => {
                    let from = path
                        .iter()
                        .position(|step| step.loc == target)
                        .unwrap_or_default();
                    // Each member with the property that leads to the next member.
                    let mut cycle: Vec<(Loc, String)> = Vec::new();
                    for (i, step) in path.iter().enumerate().skip(from) {
                        let leaving = path
                            .get(i + 1)
                            .map_or(label.clone(), |p| p.entered_by.clone());
                        cycle.push((step.loc.clone(), leaving));
                    }
                    let first = cycle
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, (loc, _))| loc)
                        .map_or(0, |(i, _)| i);
                    cycle.rotate_left(first);
                    cycles.insert(cycle);
                }
                None => {
                    state.insert(target.clone(), State::OnPath);
                    let edges = required_edges(files, &target);
                    path.push(Step {
                        loc: target,
                        edges,
                        next: 0,
                        entered_by: label,
                    });
                }
            }
        }
    }
    cycles
        .into_iter()
        .map(|cycle| {
            let mut chain: Vec<String> = cycle
                .iter()
                .map(|(loc, label)| format!("{}{label}", schema_name(files, loc)))
                .collect();
            chain.push(schema_name(files, &cycle[0].0));
            let (loc, label) = &cycle[0];
            let at = match label.strip_prefix('.') {
                Some(property) => loc.child("properties").child(property),
                None => loc.clone(),
            };
            (
                at,
                format!(
                    "structure `{}` requires itself: {} are all required, so no finite JSON value fits the schema",
                    schema_name(files, loc),
                    chain.join(" → ")
                ),
            )
        })
        .collect()
}

/// One schema on the path of the depth-first walk of [`required_cycles`].
struct Step {
    loc: Loc,
    /// Its required edges ([`required_edges`]).
    edges: Vec<(Loc, String)>,
    /// The next edge to take.
    next: usize,
    /// The label of the edge that led here.
    entered_by: String,
}

/// The schemas an instance of the schema at `loc` must contain: the targets of its required
/// properties and of its `allOf` members, each with the label that leads there (`.name`).
fn required_edges(files: &SpecFiles, loc: &Loc) -> Vec<(Loc, String)> {
    let Some(schema) = files.get(loc) else {
        return Vec::new();
    };
    let mut edges = Vec::new();
    if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
        for i in 0..members.len() {
            let member = loc.child("allOf").child(&i.to_string());
            if let Ok((target, _)) = files.follow(&member) {
                edges.push((target, format!(" (allOf {i})")));
            }
        }
    }
    let properties = schema.get("properties").and_then(Value::as_object);
    let required = schema.get("required").and_then(Value::as_array);
    if let (Some(properties), Some(required)) = (properties, required) {
        for name in required.iter().filter_map(Value::as_str) {
            if !properties.contains_key(name) {
                continue;
            }
            let property = loc.child("properties").child(name);
            if let Ok((target, _)) = files.follow(&property) {
                edges.push((target, format!(".{name}")));
            }
        }
    }
    edges
}

/// `Vcenter.VM.Info` for a named schema, else the file and JSON pointer.
fn schema_name(files: &SpecFiles, loc: &Loc) -> String {
    let tokens: Vec<&str> = loc.pointer.split('/').skip(1).collect();
    match tokens.as_slice() {
        ["components", "schemas", name] if loc.doc == 0 => unescape_token(name),
        [name] if loc.doc != 0 => unescape_token(name),
        _ => format!("{}#{}", files.name(loc), loc.pointer),
    }
}

fn operations_without_errors(files: &SpecFiles) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (doc, document) in files.roots() {
        found.extend(undocumented_in(files, doc, document));
    }
    found
}

fn undocumented_in(files: &SpecFiles, doc: usize, document: &Value) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return found;
    };
    let paths_loc = Loc {
        doc,
        pointer: "/paths".to_owned(),
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            let documented = op.get("x-vsphere-errors").is_some()
                || op
                    .get("responses")
                    .and_then(Value::as_object)
                    .is_some_and(|r| r.keys().any(|c| !c.starts_with('2')));
            if op.is_object() && op.get("responses").is_some() && !documented {
                found.push(files.warning(&paths_loc.child(path).child(method), format!("`{} {path}` documents no errors", method.to_uppercase())).kind(crate::diagnostic::Finding::Undocumented).help("add its error responses (and `x-vsphere-errors`) so the client docs list them"));
            }
        }
    }
    found
}
