//! The type graph: which fields need a `Box` to break a cycle, and which types need `/rest`
//! rewriting or validation (directly or through what they contain).

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Model, Ty, TypeKey, TypeKind};

/// Decides boxing and the `needs_*` flags for every type of the model.
pub fn decide(model: &mut Model) {
    let direct = direct_edges(model);
    let keys: Vec<TypeKey> = model
        .modules
        .iter()
        .flat_map(|(m, module)| {
            module.types.keys().map(|n| TypeKey {
                module: m.clone(),
                name: n.clone(),
            })
        })
        .collect();
    for key in &keys {
        let Some(kind) = model
            .modules
            .get_mut(&key.module)
            .and_then(|m| m.types.get_mut(&key.name))
            .map(|t| &mut t.kind)
        else {
            continue;
        };
        // A type held by value that leads back to its holder would have infinite size.
        match kind {
            TypeKind::Struct { fields, .. } => {
                for field in fields.iter_mut() {
                    if let Ty::Named(target) = &field.ty {
                        field.boxed = reaches(&direct, target, key);
                    }
                }
            }
            TypeKind::Union { members } => {
                for member in members.iter_mut() {
                    if let Ty::Named(target) = &member.ty {
                        member.boxed = reaches(&direct, target, key);
                    }
                }
            }
            TypeKind::Enum { .. } => {}
        }
    }
    let rest = fixpoint(model, &keys, |model, key| {
        match model.type_def(key).map(|t| &t.kind) {
            Some(TypeKind::Struct { fields, rest_class }) => {
                rest_class.is_some() || fields.iter().any(|f| has_rest_map(&f.ty))
            }
            Some(TypeKind::Enum { .. } | TypeKind::Union { .. }) | None => false,
        }
    });
    let validate = fixpoint(model, &keys, |model, key| {
        match model.type_def(key).map(|t| &t.kind) {
            Some(TypeKind::Struct { fields, .. }) => fields
                .iter()
                .any(|f| f.required_if.is_some() || f.relevant_if.is_some()),
            Some(TypeKind::Enum { .. } | TypeKind::Union { .. }) | None => false,
        }
    });
    for key in &keys {
        if let Some(def) = model
            .modules
            .get_mut(&key.module)
            .and_then(|m| m.types.get_mut(&key.name))
        {
            def.needs_rest_form = rest.contains(key);
            def.needs_validate = validate.contains(key);
        }
    }
}

/// Types for which `seed` holds, plus every type that contains one of them.
fn fixpoint(
    model: &Model,
    keys: &[TypeKey],
    seed: impl Fn(&Model, &TypeKey) -> bool,
) -> BTreeSet<TypeKey> {
    let mut set: BTreeSet<TypeKey> = keys.iter().filter(|k| seed(model, k)).cloned().collect();
    loop {
        let before = set.len();
        for key in keys {
            if set.contains(key) {
                continue;
            }
            if let Some(TypeKind::Struct { fields, .. }) = model.type_def(key).map(|t| &t.kind)
                && fields
                    .iter()
                    .any(|f| named_in(&f.ty).iter().any(|n| set.contains(*n)))
            {
                set.insert(key.clone());
            }
        }
        if set.len() == before {
            return set;
        }
    }
}

fn has_rest_map(ty: &Ty) -> bool {
    match ty {
        Ty::Map {
            rest_list: true, ..
        } => true,
        Ty::Map { value, .. } => has_rest_map(value),
        Ty::List(item) => has_rest_map(item),
        Ty::String
        | Ty::Bool
        | Ty::I32
        | Ty::I64
        | Ty::F32
        | Ty::F64
        | Ty::Any
        | Ty::Bytes
        | Ty::Id(_)
        | Ty::Named(_) => false,
    }
}

/// Every named type a field type mentions, behind lists and maps too.
pub fn named_in(ty: &Ty) -> Vec<&TypeKey> {
    match ty {
        Ty::Named(key) => vec![key],
        Ty::List(item) => named_in(item),
        Ty::Map { value, .. } => named_in(value),
        Ty::String
        | Ty::Bool
        | Ty::I32
        | Ty::I64
        | Ty::F32
        | Ty::F64
        | Ty::Any
        | Ty::Bytes
        | Ty::Id(_) => Vec::new(),
    }
}

/// Edges from a structure to the structures it holds by value (not behind `Vec` or a map).
fn direct_edges(model: &Model) -> BTreeMap<TypeKey, Vec<TypeKey>> {
    let mut edges: BTreeMap<TypeKey, Vec<TypeKey>> = BTreeMap::new();
    for (module_path, module) in &model.modules {
        for (name, def) in &module.types {
            let from = TypeKey {
                module: module_path.clone(),
                name: name.clone(),
            };
            // Fields and union members are held by value; lists and maps are behind a pointer.
            let targets = def
                .member_types()
                .filter_map(|ty| match ty {
                    Ty::Named(k) => Some(k.clone()),
                    Ty::String
                    | Ty::Bool
                    | Ty::I32
                    | Ty::I64
                    | Ty::F32
                    | Ty::F64
                    | Ty::Any
                    | Ty::Bytes
                    | Ty::Id(_)
                    | Ty::List(_)
                    | Ty::Map { .. } => None,
                })
                .collect();
            edges.insert(from, targets);
        }
    }
    edges
}

fn reaches(edges: &BTreeMap<TypeKey, Vec<TypeKey>>, from: &TypeKey, to: &TypeKey) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(current) = stack.pop() {
        if current == to {
            return true;
        }
        if seen.insert(current) {
            stack.extend(edges.get(current).into_iter().flatten());
        }
    }
    false
}
