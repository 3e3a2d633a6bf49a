//! Resource types that a spec states only in description prose.
//!
//! VMware's published specs carry no `x-vsphere-resource-type`; their spec generator writes the
//! fact into the description instead, in a handful of fixed sentences ("The parameter must be an
//! identifier for the resource type: VirtualMachine.", "... the key in the field map will be an
//! identifier for the resource type: Folder."). Reading those sentences gives plain-OpenAPI input
//! the same typed ids as spec/'s extensions. Only a `string` (or a list of strings, or a map's
//! string key) becomes an id; anything ambiguous stays a string.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::load::{Loc, SpecFiles};
use crate::model::Ty;
use crate::naming;

use super::Lowering;

const MARKER: &str = "for the resource type: ";

/// The resource types one description states: of the value itself, and of a map's keys.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Stated<'a> {
    /// What the string (or each string of a list) identifies.
    pub value: Option<&'a str>,
    /// What each key of a map identifies.
    pub key: Option<&'a str>,
}

/// Reads the resource-type sentences of `description`. A sentence about "the key" names the
/// key's type; any other names the value's. Two different types for one role, or a list of
/// alternatives ("A or B"), state nothing.
pub fn stated(description: &str) -> Stated<'_> {
    let mut value: Option<Option<&str>> = None;
    let mut key: Option<Option<&str>> = None;
    let mut rest = description;
    let mut consumed = 0;
    while let Some(found) = rest.find(MARKER) {
        let at = consumed + found;
        let after = &description[at + MARKER.len()..];
        let name = resource_name(after);
        let sentence_start = description[..at].rfind(['.', '\n']).map_or(0, |i| i + 1);
        // VMware's phrasing: "the key in the field map", "The key in the result map".
        let about_key = description[sentence_start..at]
            .to_ascii_lowercase()
            .contains("the key in the ");
        let alternatives = after[name.len()..]
            .trim_start_matches('.')
            .starts_with(" or ");
        let stated = (!name.is_empty() && !alternatives).then_some(name);
        let slot = if about_key { &mut key } else { &mut value };
        *slot = match *slot {
            None => Some(stated),
            Some(previous) if previous == stated => Some(previous),
            Some(_) => Some(None),
        };
        consumed = at + MARKER.len();
        rest = &description[consumed..];
    }
    Stated {
        value: value.flatten(),
        key: key.flatten(),
    }
}

/// `VirtualMachine` of `VirtualMachine. When ...`, `vcenter.vm.hardware.Disk` of
/// `vcenter.vm.hardware.Disk.`: dotted names end at the first dot not followed by a letter.
fn resource_name(text: &str) -> &str {
    let bytes = text.as_bytes();
    let mut end = 0;
    while end < bytes.len() {
        let c = bytes[end];
        let dotted = c == b'.' && bytes.get(end + 1).is_some_and(u8::is_ascii_alphabetic);
        if !(c.is_ascii_alphanumeric() || c == b'_' || dotted) {
            break;
        }
        end += 1;
    }
    &text[..end]
}

/// Id names that prose must not claim because two different resource types would share them,
/// between two statements or a statement and an `x-vsphere-resource-type` or
/// `x-vsphere-key-resource-type` extension. Worked out over every file before lowering, so which
/// statements give ids never depends on the order operations are read in; an extension's own
/// clashes stay errors of lowering.
pub fn contested_names(files: &SpecFiles) -> BTreeSet<String> {
    fn walk<'v>(value: &'v Value, found: &mut BTreeMap<String, BTreeSet<&'v str>>) {
        match value {
            Value::Object(object) => {
                let mut claim = |resource: &'v str| {
                    found
                        .entry(naming::id_type(resource))
                        .or_default()
                        .insert(resource);
                };
                if let Some(description) = object.get("description").and_then(Value::as_str) {
                    let stated = stated(description);
                    stated
                        .value
                        .into_iter()
                        .chain(stated.key)
                        .for_each(&mut claim);
                }
                for extension in ["x-vsphere-resource-type", "x-vsphere-key-resource-type"] {
                    if let Some(resource) = object.get(extension).and_then(Value::as_str) {
                        claim(resource);
                    }
                }
                object.values().for_each(|v| walk(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    let mut found = BTreeMap::new();
    for document in files.documents() {
        walk(&document.root, &mut found);
    }
    found
        .into_iter()
        .filter(|(_, resources)| resources.len() > 1)
        .map(|(name, _)| name)
        .collect()
}

impl Lowering<'_> {
    /// `ty` with the ids its description states, where it has none of its own yet. A contested
    /// id name (see [`contested_names`]) keeps the string: prose is a hint, not a declaration,
    /// so it never fails the run.
    pub(super) fn with_stated_ids(&mut self, ty: Ty, description: Option<&str>, at: &Loc) -> Ty {
        let Some(description) = description else {
            return ty;
        };
        let stated = stated(description);
        let mut id = |resource: Option<&str>| {
            let resource = resource?;
            if self.prose_contested.contains(&naming::id_type(resource)) {
                return None;
            }
            self.id_ty(resource, at).ok()
        };
        match ty {
            Ty::String => id(stated.value).unwrap_or(Ty::String),
            Ty::List(item) if *item == Ty::String => {
                Ty::List(Box::new(id(stated.value).unwrap_or(Ty::String)))
            }
            Ty::Map {
                key,
                value,
                rest_list,
            } if *key == Ty::String => Ty::Map {
                key: Box::new(id(stated.key).unwrap_or(Ty::String)),
                value,
                rest_list,
            },
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_vmwares_sentences() {
        let param = "Virtual machine identifier.\n\nThe parameter must be an identifier for the resource type: VirtualMachine.";
        assert_eq!(stated(param).value, Some("VirtualMachine"));
        let field = "When clients pass a value of this structure as a parameter, the field must contain identifiers for the resource type: vcenter.vm.hardware.Disk. When operations return a value of this structure as a result, the field will contain identifiers for the resource type: vcenter.vm.hardware.Disk.";
        assert_eq!(
            stated(field),
            Stated {
                value: Some("vcenter.vm.hardware.Disk"),
                key: None
            }
        );
        let map = "When clients pass a value of this structure as a parameter, the key in the field map must be an identifier for the resource type: Folder. When operations return a value of this structure as a result, the key in the field map will be an identifier for the resource type: Folder.";
        assert_eq!(
            stated(map),
            Stated {
                value: None,
                key: Some("Folder")
            }
        );
        assert_eq!(
            stated("The key in the result map will be an identifier for the resource type: VirtualMachine").key,
            Some("VirtualMachine")
        );
    }

    #[test]
    fn ambiguity_states_nothing() {
        assert_eq!(stated("no ids here"), Stated::default());
        let two = "must be an identifier for the resource type: Folder. will be an identifier for the resource type: Datastore.";
        assert_eq!(stated(two).value, None);
        let either =
            "must be an identifier for the resource type: HostSystem or ClusterComputeResource.";
        assert_eq!(stated(either).value, None);
        assert_eq!(stated("for the resource type: ").value, None);
    }
}
