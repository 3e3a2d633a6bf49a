//! Checks on the loaded files before lowering: the OpenAPI version, that every `$ref` anywhere
//! resolves, and warnings for legal but suspicious input.

use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::load::{Loc, SpecFiles, collect_refs};

/// Errors and warnings about the files as a whole.
pub fn validate(files: &SpecFiles) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let root = Loc {
        doc: 0,
        pointer: String::new(),
    };
    match files.root().get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => {}
        Some(v) => found.push(files.diagnostic(&root.child("openapi"), format!("OpenAPI {v} is not supported")).help("the generator reads OpenAPI 3.0.x; convert the document (e.g. with swagger2openapi) or state `openapi: 3.0.3`")),
        None if files.root().get("swagger").is_some() => found.push(files.diagnostic(&root.child("swagger"), "this is a Swagger 2.0 document").help("convert it to OpenAPI 3.0 first, e.g. with the npm package swagger2openapi")),
        None => found.push(files.diagnostic(&root, "the document has no `openapi` version").help("start the file with `openapi: 3.0.3`")),
    }
    for (doc, document) in files.documents().iter().enumerate() {
        let mut refs = Vec::new();
        collect_refs(&document.root, String::new(), &mut refs);
        for (pointer, reference) in refs {
            let at = Loc { doc, pointer };
            if let Err(e) = files
                .resolve_ref(&at, &reference)
                .and_then(|_| files.follow(&at).map(|_| ()))
            {
                if !found.contains(&e) {
                    found.push(e);
                }
            }
        }
    }
    found.extend(operations_without_errors(files));
    found
}

fn operations_without_errors(files: &SpecFiles) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let Some(paths) = files.root().get("paths").and_then(Value::as_object) else {
        return found;
    };
    let paths_loc = Loc {
        doc: 0,
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
                found.push(files.warning(&paths_loc.child(path).child(method), format!("`{} {path}` documents no errors", method.to_uppercase())).help("add its error responses (and `x-vsphere-errors`) so the client docs list them"));
            }
        }
    }
    found
}
