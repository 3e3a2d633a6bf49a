//! Schemas → types: named schemas become structures and enums in the module their dotted name
//! gives, inline ones take their name from where they stand, ids become newtypes.

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Finding, unescape_token};
use crate::load::Loc;
use crate::model::{
    Docs, Field, IdType, ModPath, Ty, TypeDef, TypeKey, TypeKind, UnionMember, Variant,
};
use crate::naming;
use crate::support::{self, Property, Shape};

use super::Lowering;

/// Where an inline schema would live and what it would be called.
#[derive(Clone, Debug)]
pub struct Context {
    /// Module of the enclosing type or operation.
    pub module: ModPath,
    /// Name an inline structure or enum would get.
    pub name: String,
}

impl Lowering<'_> {
    /// The Rust type of the schema at `loc` (a schema node, possibly a `$ref`), as
    /// [`support::shape`] decides it.
    pub fn ty_of(&mut self, loc: &Loc, ctx: &Context) -> Result<Ty, Diagnostic> {
        let files = self.files;
        if self.support.opaque_refs.contains(loc) {
            // Used, though not as a type of its own.
            if let Ok((target, _)) = files.follow(loc) {
                self.wrapper_schemas.insert(target);
            }
            return Ok(Ty::Any);
        }
        let node = files.get(loc).ok_or_else(|| {
            files
                .diagnostic(loc, "expected a schema here")
                .help("write a schema mapping, e.g. `type: string`, or a `$ref`")
        })?;
        let outer_resource = extension_str(node, "x-vsphere-resource-type");
        let (target, schema) = files.follow(loc)?;
        let named = target != *loc;
        let Some(object) = schema.as_object() else {
            self.warn(
                files
                    .warning(
                        &target,
                        "a schema must be a mapping; generated as `serde_json::Value`",
                    )
                    .kind(Finding::Degraded)
                    .help("write e.g. `type: string`"),
            );
            return Ok(Ty::Any);
        };
        let name_here = if named { schema_name_of(&target) } else { None };
        let resource = outer_resource.or_else(|| extension_str(schema, "x-vsphere-resource-type"));
        match support::shape(files, &target, object) {
            Shape::Degraded(warning) => {
                self.warn(warning);
                Ok(Ty::Any)
            }
            Shape::Any => Ok(Ty::Any),
            Shape::Alias(member) => self.ty_of(&member, ctx),
            Shape::Enum(values) => self.enum_type(&target, name_here, ctx, values),
            Shape::Scalar(Ty::String) => match resource {
                Some(resource) => Ok(self.id_ty(resource, loc)?),
                None => Ok(Ty::String),
            },
            Shape::Scalar(ty) => Ok(ty),
            Shape::List => {
                let item_ctx = match &name_here {
                    Some(name) => inline_ctx_for(name, "Item"),
                    None => Context {
                        module: ctx.module.clone(),
                        name: format!("{}Item", ctx.name),
                    },
                };
                Ok(Ty::List(Box::new(
                    self.ty_of(&target.child("items"), &item_ctx)?,
                )))
            }
            Shape::Map => {
                let value_ctx = match &name_here {
                    Some(name) => inline_ctx_for(name, "Value"),
                    None => Context {
                        module: ctx.module.clone(),
                        name: format!("{}Value", ctx.name),
                    },
                };
                let value = self.ty_of(&target.child("additionalProperties"), &value_ctx)?;
                let key_resource = extension_str(node, "x-vsphere-key-resource-type")
                    .or_else(|| extension_str(schema, "x-vsphere-key-resource-type"));
                let key = match key_resource {
                    Some(resource) => self.id_ty(resource, loc)?,
                    None => Ty::String,
                };
                // VMware's `/rest` sends every map as a key/value list; a schema may opt out.
                let rest_list = ![node, schema].iter().any(|n| {
                    n.get("x-vsphere-rest-map-as-list").and_then(Value::as_bool) == Some(false)
                });
                Ok(Ty::Map {
                    key: Box::new(key),
                    value: Box::new(value),
                    rest_list,
                })
            }
            Shape::Struct(properties) => self.struct_type(&target, name_here, ctx, properties),
            Shape::Union(members) => self.union_type(&target, name_here, ctx, members),
        }
    }

    /// Records a warning once, however many times lowering reaches its schema.
    pub(super) fn warn(&mut self, warning: Diagnostic) {
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }

    pub(super) fn id_ty(&mut self, resource: &str, at: &Loc) -> Result<Ty, Diagnostic> {
        let name = naming::id_type(resource);
        match self.model.ids.get(&name) {
            Some(existing) if existing.resource_type != resource => Err(self.files.diagnostic(
                at,
                format!("resource types `{}` and `{resource}` would both be named `{name}`", existing.resource_type),
            )
            .help("the id type is named from the last two parts of the resource type; rename one of them")),
            Some(_) => Ok(Ty::Id(name)),
            None => {
                self.model.ids.insert(name.clone(), IdType { resource_type: resource.to_owned(), ident: String::new() });
                Ok(Ty::Id(name))
            }
        }
    }

    /// Claims `key` for the schema at `loc`; two different schemas with one Rust name are an error.
    fn register(
        &mut self,
        loc: &Loc,
        key: TypeKey,
        schema_name: String,
        kind: TypeKind,
    ) -> Result<TypeKey, Diagnostic> {
        if let Some(existing) = self.type_locs.get(loc) {
            return Ok(existing.clone());
        }
        let mut key = key;
        if let Some((other_loc, other_name)) = self.type_owners.get(&key).cloned() {
            let files = self.files;
            let other = format!(
                "`{}` (at {}#{})",
                other_name,
                files.name(&other_loc),
                other_loc.pointer
            );
            if other_name == schema_name {
                // Files merged into one crate define shared schemas (vAPI errors, task types)
                // each for itself: the same content is one type.
                let meaning = |at: &Loc| files.follow(at).ok().map(|(_, v)| without_prose(v));
                if meaning(&other_loc) == meaning(loc) {
                    self.type_locs.insert(loc.clone(), key.clone());
                    return Ok(key);
                }
                return Err(files
                    .diagnostic(
                        loc,
                        format!("schema `{schema_name}` is defined twice with different content: here and as {other}"),
                    )
                    .help("make the two definitions identical, or rename one of them"));
            }
            // VMware's captured specs name the `/rest` and `/api` forms of one structure
            // differently (`vcenter.VM.info`, `VcenterVmInfo`); the same shape is one type.
            let twins = other_name.contains('.') != schema_name.contains('.');
            if twins && self.same_shape(&other_loc, loc) {
                self.type_locs.insert(loc.clone(), key.clone());
                return Ok(key);
            }
            let suffix = if !twins {
                String::new()
            } else if schema_name.contains('.') {
                "Rest".to_owned()
            } else {
                "Api".to_owned()
            };
            let base = format!("{}{suffix}", key.name);
            let mut n = 1;
            let mut candidate = base.clone();
            while self.type_owners.contains_key(&TypeKey {
                module: key.module.clone(),
                name: candidate.clone(),
            }) {
                n += 1;
                candidate = format!("{base}{n}");
            }
            if !twins || n > 1 {
                self.warnings.push(
                    files
                        .warning(
                            loc,
                            format!(
                                "schemas `{schema_name}` and {other} would both be the Rust type `{}::{}`; this one is `{candidate}`",
                                key.module.join("::"),
                                key.name
                            ),
                        )
                        .kind(Finding::Renamed)
                        .help("rename one of the two schemas"),
                );
            }
            key.name = candidate;
        }
        let docs = docs_of(self.files.get(loc));
        self.type_owners
            .insert(key.clone(), (loc.clone(), schema_name.clone()));
        self.type_locs.insert(loc.clone(), key.clone());
        let module = self.model.modules.entry(key.module.clone()).or_default();
        module.types.insert(
            key.name.clone(),
            TypeDef {
                schema_name,
                origin: loc.clone(),
                ident: String::new(),
                docs,
                kind,
                needs_rest_form: false,
                needs_validate: false,
            },
        );
        Ok(key)
    }

    fn key_for(&self, name_here: &Option<String>, ctx: &Context) -> (TypeKey, String) {
        match name_here {
            Some(schema_name) if schema_name.contains('.') => {
                let (module, name) = naming::schema_path(schema_name);
                (TypeKey { module, name }, schema_name.clone())
            }
            Some(schema_name) => (self.place_undotted(schema_name), schema_name.clone()),
            None => (
                TypeKey {
                    module: ctx.module.clone(),
                    name: naming::camel(&ctx.name),
                },
                ctx.name.clone(),
            ),
        }
    }

    /// An undotted name (`VcenterVmHardwareEthernetInfo`) goes to the longest known namespace
    /// its words start with (`vcenter::vm::hardware::ethernet`, type `Info`), else to `types`.
    fn place_undotted(&self, schema_name: &str) -> TypeKey {
        let camel = naming::camel(schema_name);
        let lower = camel.to_lowercase();
        for (prefix, module) in &self.module_index {
            let Some(rest) = camel.get(prefix.len()..) else {
                continue;
            };
            if lower.starts_with(prefix.as_str())
                && rest.starts_with(|c: char| c.is_ascii_uppercase())
            {
                return TypeKey {
                    module: module.clone(),
                    name: rest.to_owned(),
                };
            }
        }
        let (module, name) = naming::schema_path(schema_name);
        TypeKey { module, name }
    }

    /// Whether two schemas describe the same structure: the same property names, or the same
    /// enum values. (`/rest` spells maps as key/value lists; the names still match.)
    fn same_shape(&self, a: &Loc, b: &Loc) -> bool {
        let shape = |loc: &Loc| -> Option<(Vec<String>, Vec<String>)> {
            let schema = self.files.follow(loc).ok()?.1;
            let mut properties: Vec<String> = schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            let mut values: Vec<String> = schema
                .get("enum")
                .and_then(Value::as_array)
                .map(|e| {
                    e.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            properties.sort();
            values.sort();
            Some((properties, values))
        };
        matches!((shape(a), shape(b)), (Some(x), Some(y)) if x == y)
    }

    fn enum_type(
        &mut self,
        loc: &Loc,
        name_here: Option<String>,
        ctx: &Context,
        values: Vec<String>,
    ) -> Result<Ty, Diagnostic> {
        if let Some(key) = self.type_locs.get(loc) {
            return Ok(Ty::Named(key.clone()));
        }
        let mut variants: Vec<Variant> = Vec::new();
        for value in values {
            // A repeated value says nothing new; the variant names are the naming pass's.
            if !variants.iter().any(|v| v.value == value) {
                variants.push(Variant {
                    ident: String::new(),
                    value,
                });
            }
        }
        let (key, schema_name) = self.key_for(&name_here, ctx);
        let key = self.register(
            loc,
            key,
            schema_name,
            TypeKind::Enum {
                variants,
                catch_all: String::new(),
            },
        )?;
        Ok(Ty::Named(key))
    }

    /// `oneOf`/`anyOf` whose members [`support::shape`] found distinguishable: an untagged enum.
    fn union_type(
        &mut self,
        loc: &Loc,
        name_here: Option<String>,
        ctx: &Context,
        members: Vec<Loc>,
    ) -> Result<Ty, Diagnostic> {
        if let Some(key) = self.type_locs.get(loc) {
            return Ok(Ty::Named(key.clone()));
        }
        let (key, schema_name) = self.key_for(&name_here, ctx);
        let key = self.register(
            loc,
            key,
            schema_name,
            TypeKind::Union {
                members: Vec::new(),
            },
        )?;
        let mut lowered = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let (target, schema) = self.files.follow(member)?;
            let hint = match schema_name_of(&target).filter(|_| target != *member) {
                Some(name) => naming::schema_path(&name).1,
                None => match schema.get("type").and_then(Value::as_str) {
                    Some(t) => naming::camel(t),
                    None => format!("Variant{i}"),
                },
            };
            let ty = self.ty_of(
                member,
                &Context {
                    module: key.module.clone(),
                    name: format!("{}{hint}", key.name),
                },
            )?;
            lowered.push(UnionMember {
                ident: String::new(),
                hint,
                ty,
                boxed: false,
            });
        }
        if let Some(TypeDef {
            kind: TypeKind::Union { members: slot },
            ..
        }) = self
            .model
            .modules
            .get_mut(&key.module)
            .and_then(|m| m.types.get_mut(&key.name))
        {
            *slot = lowered;
        }
        Ok(Ty::Named(key))
    }

    fn struct_type(
        &mut self,
        loc: &Loc,
        name_here: Option<String>,
        ctx: &Context,
        properties: Vec<Property>,
    ) -> Result<Ty, Diagnostic> {
        if let Some(key) = self.type_locs.get(loc) {
            return Ok(Ty::Named(key.clone()));
        }
        let (key, schema_name) = self.key_for(&name_here, ctx);
        let rest_class = self
            .files
            .get(loc)
            .and_then(|s| extension_str(s, "x-vsphere-class"))
            .map(str::to_owned);
        let key = self.register(
            loc,
            key,
            schema_name,
            TypeKind::Struct {
                fields: Vec::new(),
                rest_class,
            },
        )?;
        // Fields are filled after registration so that self-references find the type.
        self.pending.push((loc.clone(), key.clone(), properties));
        Ok(Ty::Named(key))
    }

    /// Fills the fields of every registered structure, including those found while doing so.
    pub fn fill_pending(&mut self) -> Result<(), Diagnostic> {
        while let Some((loc, key, properties)) = self.pending.pop() {
            let fields = self.fields_of(&loc, &key, &properties)?;
            if let Some(TypeDef {
                kind: TypeKind::Struct { fields: slot, .. },
                ..
            }) = self
                .model
                .modules
                .get_mut(&key.module)
                .and_then(|m| m.types.get_mut(&key.name))
            {
                *slot = fields;
            }
        }
        Ok(())
    }

    fn fields_of(
        &mut self,
        loc: &Loc,
        key: &TypeKey,
        properties: &[Property],
    ) -> Result<Vec<Field>, Diagnostic> {
        let files = self.files;
        let mut fields: Vec<Field> = Vec::new();
        for property in properties {
            let json = &property.name;
            let at = &property.loc;
            let node = files.get(at).cloned().unwrap_or(Value::Null);
            let ctx = Context {
                module: key.module.clone(),
                name: format!("{}{}", key.name, naming::camel(json)),
            };
            let ty = self.ty_of(at, &ctx)?;
            let mut docs = docs_of(Some(&node));
            if docs.description.is_none() || docs.since.is_none() {
                let (_, target) = files.follow(at)?;
                let target_docs = docs_of(Some(target));
                docs.description = docs.description.or(target_docs.description);
                docs.since = docs.since.or(target_docs.since);
            }
            let ty = self.with_stated_ids(ty, docs.description.as_deref(), at);
            let required_if = match node.get("x-vsphere-required-if") {
                None => None,
                Some(condition) => {
                    self.required_if(condition, &at.child("x-vsphere-required-if"), properties)
                }
            };
            // A field required by some cases of a union belongs to those cases: VMware's union
            // rule refuses it in the others, as it does optional case fields.
            let relevant_if = match node.get("x-vsphere-relevant-if") {
                None => required_if.clone(),
                Some(condition) => {
                    self.required_if(condition, &at.child("x-vsphere-relevant-if"), properties)
                }
            };
            let breaks_cycle = self.support.optional_breaks.contains(at);
            fields.push(Field {
                json: json.clone(),
                ident: String::new(),
                ty,
                // A `nullable` property may arrive as `null`, which only an `Option` can hold.
                required: property.required
                    && !breaks_cycle
                    && node.get("nullable").and_then(Value::as_bool) != Some(true),
                boxed: false,
                docs,
                required_if,
                relevant_if,
            });
        }
        let _ = loc;
        Ok(fields)
    }

    /// The type of the property `json` of the structure `owner` whose schema is at `loc`, with
    /// the names its inline types get (`OwnerJson`).
    pub(super) fn property_ty(
        &mut self,
        owner: &TypeKey,
        loc: &Loc,
        json: &str,
    ) -> Result<Ty, Diagnostic> {
        let ctx = Context {
            module: owner.module.clone(),
            name: format!("{}{}", owner.name, naming::camel(json)),
        };
        self.ty_of(&loc.child("properties").child(json), &ctx)
    }

    /// A union condition (`x-vsphere-required-if` or `x-vsphere-relevant-if`, at `at`), when
    /// it is one that can be checked: one sibling property (a string, enum, id, number or
    /// boolean) mapped to a list of its values. Anything else is a located warning and the
    /// condition is not checked.
    fn required_if(
        &mut self,
        condition: &Value,
        at: &Loc,
        properties: &[Property],
    ) -> Option<(String, Vec<String>)> {
        let files = self.files;
        let extension = at
            .pointer
            .rsplit('/')
            .next()
            .unwrap_or("x-vsphere-required-if")
            .to_owned();
        let at = at.clone();
        let parsed = condition
            .as_object()
            .filter(|o| o.len() == 1)
            .and_then(|o| o.iter().next())
            .and_then(|(sibling, values)| {
                let values: Option<Vec<String>> = values
                    .as_array()?
                    .iter()
                    .map(|v| match v {
                        Value::String(s) => Some(s.clone()),
                        Value::Bool(b) => Some(b.to_string()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .collect();
                Some((sibling.clone(), values?))
            });
        let checkable = parsed.as_ref().and_then(|(sibling, _)| {
            let property = properties.iter().find(|p| &p.name == sibling)?;
            let (_, schema) = files.follow(&property.loc).ok()?;
            let object = schema.as_object()?;
            // Only values with a text form (strings, enums, ids, numbers, booleans) compare.
            matches!(
                support::shape(files, &property.loc, object),
                Shape::Enum(_) | Shape::Scalar(_)
            )
            .then_some(())
        });
        match (parsed, checkable) {
            (Some(condition), Some(())) => Some(condition),
            _ => {
                self.warn(
                    files
                        .warning(&at, format!("`{extension}` is not one sibling property (a string, enum, number or boolean) mapped to a list of its values; the condition is not checked before sending"))
                        .kind(Finding::Degraded)
                        .help(format!("write e.g. `{extension}: {{type: [FILE]}}`")),
                );
                None
            }
        }
    }
}

/// A schema without its prose (`description`, `title`, examples), for telling whether two
/// definitions of one name mean the same: VMware's files describe shared types in different
/// words. Property names are kept even when a property is called `description`.
fn without_prose(schema: &Value) -> Value {
    const PROSE: &[&str] = &[
        "description",
        "title",
        "example",
        "examples",
        "externalDocs",
    ];
    match schema {
        Value::Object(object) => Value::Object(
            object
                .iter()
                .filter(|(k, _)| !PROSE.contains(&k.as_str()))
                .map(|(k, v)| {
                    let v = match (k.as_str(), v) {
                        ("properties", Value::Object(properties)) => Value::Object(
                            properties
                                .iter()
                                .map(|(name, p)| (name.clone(), without_prose(p)))
                                .collect(),
                        ),
                        _ => without_prose(v),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_prose).collect()),
        other => other.clone(),
    }
}

/// An inline schema inside a named one lives in the named one's module.
fn inline_ctx_for(schema_name: &str, suffix: &str) -> Context {
    let (module, name) = naming::schema_path(schema_name);
    Context {
        module,
        name: format!("{name}{suffix}"),
    }
}

/// The name of a schema reached through `$ref`: the last token of its pointer.
fn schema_name_of(loc: &Loc) -> Option<String> {
    loc.pointer
        .rsplit('/')
        .next()
        .filter(|t| !t.is_empty())
        .map(unescape_token)
}

/// A string-valued extension of a node.
/// The names a schema's `required` lists, in its order.
pub fn required_of(schema: &Value) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

pub fn extension_str<'v>(node: &'v Value, name: &str) -> Option<&'v str> {
    node.get(name).and_then(Value::as_str)
}

/// Description, since-version and deprecation of a node.
pub fn docs_of(node: Option<&Value>) -> Docs {
    let Some(node) = node else {
        return Docs::default();
    };
    Docs {
        description: node
            .get("description")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned),
        since: node.get("x-vsphere-since").and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }),
        deprecated: node
            .get("deprecated")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    }
}
