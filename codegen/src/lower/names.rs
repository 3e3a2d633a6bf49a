//! The naming pass: every identifier the generated crate contains, decided once, at the end of
//! lowering, and stored in the model. Emitters only print these names.
//!
//! Each name is made from its spec name ([`naming::snake_ident`], [`naming::camel_ident`]: any
//! Unicode string becomes an ASCII identifier, keywords escaped) and then claimed in its scope:
//! a module's types and handle, a handle's methods and child accessors, `Client`'s accessors
//! beside the runtime's own methods, a structure's fields, an enum's variants, an operation's
//! parameters beside the locals the emitted body uses. A name already taken gets the first free
//! numbered form, with a warning that says where and why. Scopes are filled in model order
//! (sorted keys), so the same spec always gives the same names.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{Diagnostic, Finding};
use crate::load::{Loc, SpecFiles};
use crate::model::{
    HandleNames, ModPath, Model, NamespaceNames, Operation, Param, Place, RootNames, TypeKind,
};
use crate::naming;

/// `Client`'s own public methods (the runtime's `impl Client`) and the methods of the traits it
/// implements: a top-level namespace accessor must not take one of these names. Checked against
/// the runtime's source by a test.
pub const CLIENT_METHODS: &[&str] = &[
    "base_url",
    "builder",
    "call",
    "login",
    "logout",
    "session_token",
    "style",
    "clone",
    "clone_from",
    "fmt",
];

/// Top-level module names the crate itself uses.
pub const ROOT_MODULES: &[&str] = &["ids", "runtime", "lib", "main"];

/// Locals of an emitted operation body that a parameter must not shadow.
const METHOD_LOCALS: &[&str] = &["call", "key", "item", "query", "value", "token"];

/// Optional query parameters are gathered into one structure from this many on, so that a call
/// names the filters it sets (`query.names = ...`) instead of passing a row of `None`s.
const QUERY_STRUCT_MIN: usize = 2;

/// Names already taken in one scope, compared without raw prefixes.
#[derive(Default)]
struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    fn with(reserved: &[&str]) -> Scope {
        Scope {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Claims `wanted`, or its first free numbered form (`name_2` in snake case, `Name2` in
    /// camel case); returns the name and whether it had to change.
    fn claim(&mut self, wanted: &str, snake: bool) -> (String, bool) {
        let bare = naming::unraw(wanted);
        if self.taken.insert(bare.to_owned()) {
            return (wanted.to_owned(), false);
        }
        let base = bare.trim_end_matches('_');
        for n in 2.. {
            let candidate = if snake {
                format!("{base}_{n}")
            } else {
                format!("{base}{n}")
            };
            if self.taken.insert(candidate.clone()) {
                return (candidate, true);
            }
        }
        unreachable!("an unbounded range always yields a free name")
    }
}

/// Decides every name of the model; returns a warning for each name that had to change.
pub fn decide(model: &mut Model, files: &SpecFiles) -> Vec<Diagnostic> {
    let mut pass = Pass {
        files,
        warnings: Vec::new(),
    };
    model.root = RootNames {
        ids: "ids".to_owned(),
    };
    pass.ids(model);
    pass.namespaces(model);
    let paths: Vec<ModPath> = model.modules.keys().cloned().collect();
    for path in &paths {
        pass.module(model, path);
    }
    pass.handles(model);
    pass.warnings
}

struct Pass<'a> {
    files: &'a SpecFiles,
    warnings: Vec<Diagnostic>,
}

impl Pass<'_> {
    fn renamed(&mut self, at: &Loc, what: String, why: &str) {
        self.warnings.push(
            self.files
                .warning(at, what)
                .kind(Finding::Renamed)
                .help(why.to_owned()),
        );
    }

    fn ids(&mut self, model: &mut Model) {
        let mut scope = Scope::default();
        for (name, id) in &mut model.ids {
            id.ident = scope.claim(&naming::camel_ident(name), false).0;
        }
    }

    /// Every module of the tree: those holding something and their ancestors.
    fn namespaces(&mut self, model: &mut Model) {
        let mut all: BTreeSet<ModPath> = BTreeSet::new();
        for path in model.modules.keys() {
            for len in 1..=path.len() {
                all.insert(path[..len].to_vec());
            }
        }
        let mut scopes: BTreeMap<ModPath, Scope> = BTreeMap::new();
        scopes.insert(Vec::new(), Scope::with(ROOT_MODULES));
        for path in all {
            let (last, parent) = path.split_last().expect("module paths are not empty");
            let scope = scopes.entry(parent.to_vec()).or_default();
            let wanted = naming::snake_ident(last);
            let (ident, changed) = scope.claim(&wanted, true);
            if changed {
                let at = origin_of(model, &path);
                self.renamed(
                    &at,
                    format!("the namespace `{}` is the module `{ident}`: `{wanted}` is taken in its parent", path.join(".")),
                    "the crate root holds `ids` and `runtime`; rename the namespace to choose another name",
                );
            }
            // `mod self_;` lives in `self_.rs`; `mod r#type;` in `type.rs`.
            let file = naming::unraw(&ident).to_owned();
            let feature = model.modules.contains_key(&path).then(|| path.join("-"));
            model.namespaces.insert(
                path,
                NamespaceNames {
                    ident,
                    file,
                    feature,
                    handle: None,
                },
            );
        }
    }

    /// Types, their members, operations and their parameters of one module.
    fn module(&mut self, model: &mut Model, path: &ModPath) {
        let Some(module) = model.modules.get_mut(path) else {
            return;
        };
        let mut types = Scope::default();
        for (name, def) in module.types.iter_mut() {
            let wanted = naming::camel_ident(name);
            let (ident, changed) = types.claim(&wanted, false);
            if changed {
                self.renamed(
                    &def.origin,
                    format!(
                        "schema `{}` is the type `{ident}`: `{wanted}` is taken in its module",
                        def.schema_name
                    ),
                    "rename one of the schemas",
                );
            }
            def.ident = ident;
            let origin = def.origin.clone();
            match &mut def.kind {
                TypeKind::Struct { fields, .. } => {
                    let mut scope = Scope::default();
                    for field in fields {
                        let wanted = naming::snake_ident(&field.json);
                        let (ident, changed) = scope.claim(&wanted, true);
                        if changed {
                            self.renamed(
                                &origin.child("properties").child(&field.json),
                                format!("property `{}` is the field `{ident}`: another property of `{}` is already `{wanted}`", field.json, def.schema_name),
                                "rename one of the properties",
                            );
                        }
                        field.ident = ident;
                    }
                }
                TypeKind::Enum {
                    variants,
                    catch_all,
                } => {
                    let mut scope = Scope::default();
                    for (i, variant) in variants.iter_mut().enumerate() {
                        let wanted = naming::camel_ident(&variant.value);
                        let (ident, changed) = scope.claim(&wanted, false);
                        if changed {
                            self.renamed(
                                &origin.child("enum").child(&i.to_string()),
                                format!("enum value `{}` is the variant `{ident}`: another value of `{}` is already `{wanted}`", variant.value, def.schema_name),
                                "the variants still read and write the exact values",
                            );
                        }
                        variant.ident = ident;
                    }
                    let free = ["Unknown", "Other", "UnknownValue"]
                        .into_iter()
                        .find(|c| !scope.taken.contains(*c));
                    *catch_all = match free {
                        Some(name) => name.to_owned(),
                        None => scope.claim("Unknown", false).0,
                    };
                }
                TypeKind::Union { members } => {
                    let mut scope = Scope::default();
                    for member in members {
                        member.ident = scope.claim(&naming::camel_ident(&member.hint), false).0;
                    }
                }
            }
        }
        // The handle takes its name after the schemas, which keep theirs.
        let handle = format!(
            "{}Api",
            naming::camel(path.last().map_or("root", String::as_str))
        );
        let handle = types.claim(&handle, false).0;
        if let Some(names) = model.namespaces.get_mut(path) {
            names.handle = Some(HandleNames {
                ident: handle,
                ..HandleNames::default()
            });
        }
        let module = model.modules.get_mut(path).expect("checked above");
        let mut methods = Scope::default();
        for (key, operation) in module.operations.iter_mut() {
            let wanted = naming::snake_ident(key);
            let (ident, changed) = methods.claim(&wanted, true);
            if changed {
                let at = operation.origin.clone();
                self.renamed(
                    &at,
                    format!("operation `{}` is the method `{ident}`: `{wanted}` is taken in its namespace", operation.name),
                    "give the operations different operationIds (or `x-vsphere-operation` names)",
                );
            }
            operation.ident = ident;
            operation.query = None;
            if operation.session.is_none() && optional_query(operation).count() >= QUERY_STRUCT_MIN
            {
                let wanted = format!("{}Query", naming::camel(naming::unraw(&operation.ident)));
                operation.query = Some(types.claim(&wanted, false).0);
            }
            let mut locals = Scope::with(METHOD_LOCALS);
            let mut renamed = Vec::new();
            for param in &mut operation.params {
                // The key is the wire name in snake case (`/rest`'s `filter.names` is `names`);
                // a name without letters or digits is spelled from the wire name instead.
                let wanted = if naming::has_word(&param.key) {
                    naming::snake_ident(&param.key)
                } else {
                    naming::snake_ident(&param.wire)
                };
                let (ident, changed) = locals.claim(&wanted, true);
                if changed {
                    renamed.push((
                        param.origin.clone(),
                        param.wire.clone(),
                        ident.clone(),
                        wanted,
                    ));
                }
                param.ident = ident;
            }
            for (at, wire, ident, wanted) in renamed {
                self.renamed(
                    &at,
                    format!(
                        "parameter `{wire}` of `{}` is the argument `{ident}`: `{wanted}` is taken",
                        operation.name
                    ),
                    "the parameter still travels under its own name",
                );
            }
        }
        let _ = methods;
    }

    /// Accessors: each namespace with operations in or below it is reached from its parent's
    /// handle (or from `Client` at the top), under the names its parent leaves free.
    fn handles(&mut self, model: &mut Model) {
        let with_ops: BTreeSet<ModPath> = model
            .modules
            .iter()
            .filter(|(_, m)| !m.operations.is_empty())
            .map(|(p, _)| p.clone())
            .collect();
        let reached = |path: &ModPath| with_ops.iter().any(|p| p.starts_with(path));
        let paths: Vec<ModPath> = model.namespaces.keys().cloned().collect();
        // A parent's method names: its operations' identifiers, or `Client`'s own methods.
        let mut scopes: BTreeMap<ModPath, Scope> = BTreeMap::new();
        scopes.insert(Vec::new(), Scope::with(CLIENT_METHODS));
        for (path, module) in &model.modules {
            let scope = scopes.entry(path.clone()).or_default();
            for op in module.operations.values() {
                scope.taken.insert(naming::unraw(&op.ident).to_owned());
            }
        }
        for path in &paths {
            if !reached(path) {
                if let Some(names) = model.namespaces.get_mut(path) {
                    names.handle = None;
                }
                continue;
            }
            // Only namespaces with operations make a handle worth having.
            let features: Vec<String> = model
                .namespaces
                .iter()
                .filter(|(p, _)| p.starts_with(path) && with_ops.contains(*p))
                .filter_map(|(_, n)| n.feature.clone())
                .collect();
            let last = path.last().expect("module paths are not empty");
            let wanted = naming::snake_ident(last);
            let parent = path[..path.len() - 1].to_vec();
            let scope = scopes.entry(parent.clone()).or_default();
            let (mut accessor, mut changed) = scope.claim(&wanted, true);
            if changed {
                scope.taken.remove(&accessor);
                (accessor, changed) = scope.claim(&format!("{}_api", naming::unraw(&wanted)), true);
            }
            if changed || accessor != wanted {
                let at = origin_of(model, path);
                let owner = if parent.is_empty() {
                    "`Client`".to_owned()
                } else {
                    format!("the `{}` handle", parent.join("."))
                };
                self.renamed(
                    &at,
                    format!("the namespace `{}` is reached through `{accessor}()`: {owner} already has a `{wanted}` method", path.join(".")),
                    "rename the namespace or the operation to choose another name",
                );
            }
            let names = model
                .namespaces
                .get_mut(path)
                .expect("every tree path is named");
            let ident = match &names.handle {
                Some(h) => h.ident.clone(),
                // A container module holds no types, so its handle name is free.
                None => format!("{}Api", naming::camel(last)),
            };
            names.handle = Some(HandleNames {
                ident,
                accessor,
                features,
            });
        }
    }
}

/// Whether a parameter belongs in its operation's query structure (when it has one): optional,
/// and only ever in the query.
pub fn in_query_struct(p: &Param) -> bool {
    p.place == Place::Query && p.rest_place.is_none() && !p.required && !p.idempotency_token
}

fn optional_query(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| in_query_struct(p))
}

/// Where a namespace comes from: its first operation or type, else the spec's `paths`.
fn origin_of(model: &Model, path: &ModPath) -> Loc {
    let below = model.modules.iter().filter(|(p, _)| p.starts_with(path));
    for (_, module) in below {
        if let Some(op) = module.operations.values().next() {
            return op.origin.clone();
        }
        if let Some(def) = module.types.values().next() {
            return def.origin.clone();
        }
    }
    Loc {
        doc: 0,
        pointer: "/paths".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `CLIENT_METHODS` lists every public method of the runtime's `impl Client` blocks, so a
    /// namespace accessor can never collide with one added later.
    #[test]
    fn client_methods_match_the_runtime() {
        let mut public: BTreeSet<String> = BTreeSet::new();
        for (_, text) in crate::emit::RUNTIME_FILES {
            let file = syn::parse_file(text).expect("the runtime parses");
            for item in file.items {
                let syn::Item::Impl(block) = item else {
                    continue;
                };
                let is_client =
                    matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
                if !is_client || block.trait_.is_some() {
                    continue;
                }
                for member in block.items {
                    if let syn::ImplItem::Fn(f) = member
                        && matches!(f.vis, syn::Visibility::Public(_))
                    {
                        public.insert(f.sig.ident.to_string());
                    }
                }
            }
        }
        let listed: BTreeSet<String> = CLIENT_METHODS
            .iter()
            .filter(|m| !["clone", "clone_from", "fmt"].contains(m))
            .map(|m| (*m).to_owned())
            .collect();
        assert_eq!(listed, public, "update CLIENT_METHODS");
    }

    #[test]
    fn a_taken_name_gets_the_first_free_number() {
        let mut scope = Scope::with(&["call"]);
        assert_eq!(scope.claim("call", true), ("call_2".to_owned(), true));
        assert_eq!(scope.claim("r#type", true), ("r#type".to_owned(), false));
        assert_eq!(scope.claim("type", true), ("type_2".to_owned(), true));
        assert_eq!(scope.claim("X", false), ("X".to_owned(), false));
        assert_eq!(scope.claim("X", false), ("X2".to_owned(), true));
    }
}
