//! Per-namespace Cargo features: each namespace's items compile only with its feature, and each
//! feature enables the namespaces its structures and operations refer to.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{ModPath, Model, Ty};

/// The feature of a namespace (`vcenter-vm_template`), as the naming pass decided it.
fn feature_name(model: &Model, module: &ModPath) -> String {
    model
        .namespaces
        .get(module)
        .and_then(|n| n.feature.clone())
        .unwrap_or_else(|| module.join("-"))
}

/// Feature → the features it enables, for every namespace that holds something.
pub fn features(model: &Model) -> BTreeMap<String, BTreeSet<String>> {
    let mut features = BTreeMap::new();
    for (path, module) in &model.modules {
        let mut refs: BTreeSet<&ModPath> = BTreeSet::new();
        for ty in module.used_types() {
            ty.walk(&mut |part| {
                if let Ty::Named(key) = part {
                    refs.insert(&key.module);
                }
            });
        }
        refs.remove(path);
        let deps = refs
            .into_iter()
            .filter(|m| model.modules.contains_key(*m))
            .map(|m| feature_name(model, m))
            .collect();
        features.insert(feature_name(model, path), deps);
    }
    features
}

/// Id type → the features of the namespaces whose structures or operations use it.
pub fn id_users(model: &Model) -> BTreeMap<String, BTreeSet<String>> {
    let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, module) in &model.modules {
        for ty in module.used_types() {
            ty.walk(&mut |part| {
                if let Ty::Id(name) = part {
                    users
                        .entry(name.clone())
                        .or_default()
                        .insert(feature_name(model, path));
                }
            });
        }
    }
    users
}

/// Puts `#[cfg(feature = "...")]` on every item of a parsed module file except its child
/// module declarations (empty modules cost nothing), after the item's doc comment.
pub fn gate(file: &mut syn::File, feature: &str) {
    let cfg: syn::Attribute = syn::parse_quote!(#[cfg(feature = #feature)]);
    for item in &mut file.items {
        let attrs = match item {
            // The handle and its accessors say themselves when they exist.
            syn::Item::Struct(i) if has_cfg(&i.attrs) => continue,
            syn::Item::Impl(i) if has_cfg(&i.attrs) => continue,
            syn::Item::Struct(i) => &mut i.attrs,
            syn::Item::Enum(i) => &mut i.attrs,
            syn::Item::Impl(i) => &mut i.attrs,
            syn::Item::Fn(i) => &mut i.attrs,
            _ => continue,
        };
        let after_docs = attrs
            .iter()
            .take_while(|a| a.path().is_ident("doc"))
            .count();
        attrs.insert(after_docs, cfg.clone());
    }
}

fn has_cfg(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("cfg"))
}

/// The `[features]` table of the manifest.
pub fn table(model: &Model) -> String {
    let features = features(model);
    let mut out = String::from("[features]\ndefault = [\"full\"]\n");
    let all: Vec<String> = features.keys().map(|f| format!("\"{f}\"")).collect();
    out.push_str(&format!("full = [{}]\n", all.join(", ")));
    for (feature, deps) in &features {
        let deps: Vec<String> = deps.iter().map(|d| format!("\"{d}\"")).collect();
        out.push_str(&format!("{feature} = [{}]\n", deps.join(", ")));
    }
    out
}
