//! Dropping what no operation reaches.
//!
//! Types are registered as operations are read, so a schema no operation uses never enters the
//! model. Pairing twins can still leave types behind: the `/rest` form's own `{key, value}` list
//! item, or its envelope's wrapper, once the pair takes the `/api` form's types. They, and the id
//! types only they used, are dropped here rather than emitted as API nothing returns or takes.

use std::collections::BTreeSet;

use crate::model::{Model, Operation, Ty, TypeKey};

/// Removes the types, id types and then-empty modules that no operation reaches.
pub fn unreachable(model: &mut Model) {
    let mut types: BTreeSet<TypeKey> = BTreeSet::new();
    let mut ids: BTreeSet<String> = BTreeSet::new();
    let mut pending: Vec<&Ty> = model
        .modules
        .values()
        .flat_map(|m| m.operations.values())
        .flat_map(Operation::used_types)
        .collect();
    while let Some(ty) = pending.pop() {
        let mut reached = Vec::new();
        ty.walk(&mut |part| match part {
            Ty::Id(name) => {
                ids.insert(name.clone());
            }
            Ty::Named(key) => {
                if types.insert(key.clone()) {
                    reached.push(key);
                }
            }
            Ty::String
            | Ty::Bool
            | Ty::I32
            | Ty::I64
            | Ty::F32
            | Ty::F64
            | Ty::Any
            | Ty::Bytes
            | Ty::List(_)
            | Ty::Map { .. } => {}
        });
        for key in reached {
            if let Some(def) = model.type_def(key) {
                pending.extend(def.member_types());
            }
        }
    }
    for (path, module) in &mut model.modules {
        module.types.retain(|name, _| {
            types.contains(&TypeKey {
                module: path.clone(),
                name: name.clone(),
            })
        });
    }
    model
        .modules
        .retain(|_, m| !m.types.is_empty() || !m.operations.is_empty());
    model.ids.retain(|name, _| ids.contains(name));
}
