//! Schemas → types: named schemas become structures and enums in the module their dotted name
//! gives, inline ones take their name from where they stand, ids become newtypes.

use serde_json::Value;

use crate::diagnostic::{Diagnostic, unescape_token};
use crate::load::Loc;
use crate::model::{Docs, Field, IdType, ModPath, Ty, TypeDef, TypeKey, TypeKind, Variant};
use crate::naming;

use super::Lowering;

/// Where an inline schema would live and what it would be called.
#[derive(Clone, Debug)]
pub struct Context {
    /// Module of the enclosing type or operation.
    pub module: ModPath,
    /// Name an inline structure or enum would get.
    pub name: String,
}

/// Formats of `type: string` that stay `String`.
const STRING_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "uri",
    "url",
    "uuid",
    "password",
    "byte",
    "binary",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "secret",
];

/// Keywords that change what a schema means and that the generator cannot represent faithfully.
const UNSUPPORTED: &[(&str, &str)] = &[
    (
        "oneOf",
        "write one schema per alternative and pick one at the call site, or use a structure with optional fields",
    ),
    ("anyOf", "use a structure with optional fields"),
    ("not", "describe what is allowed instead"),
    (
        "discriminator",
        "use a structure with optional fields and an enum tag",
    ),
];

impl Lowering<'_> {
    /// The Rust type of the schema at `loc` (a schema node, possibly a `$ref`).
    pub fn ty_of(&mut self, loc: &Loc, ctx: &Context) -> Result<Ty, Diagnostic> {
        let files = self.files;
        let node = files.get(loc).ok_or_else(|| {
            files
                .diagnostic(loc, "expected a schema here")
                .help("write a schema mapping, e.g. `type: string`, or a `$ref`")
        })?;
        let outer_resource = extension_str(node, "x-vsphere-resource-type");
        let (target, schema) = files.follow(loc)?;
        let named = target != *loc;
        let Some(object) = schema.as_object() else {
            return Err(files
                .diagnostic(&target, "a schema must be a mapping")
                .help("write e.g. `type: string`"));
        };
        for (keyword, help) in UNSUPPORTED {
            if object.contains_key(*keyword) {
                return Err(files
                    .diagnostic(
                        &target.child(keyword),
                        format!("`{keyword}` is not supported by the generator"),
                    )
                    .help(*help));
            }
        }
        if let Some(all_of) = object.get("allOf") {
            return match all_of.as_array().map(Vec::as_slice) {
                Some([_]) => self.ty_of(&target.child("allOf").child("0"), ctx),
                _ => Err(files
                    .diagnostic(
                        &target.child("allOf"),
                        "`allOf` with more than one schema is not supported",
                    )
                    .help("merge the schemas into one structure")),
            };
        }
        let name_here = if named { schema_name_of(&target) } else { None };
        let resource = outer_resource.or_else(|| extension_str(schema, "x-vsphere-resource-type"));
        let kind = object.get("type").map(|t| t.as_str().ok_or(t));
        match kind {
            Some(Err(_)) => Err(files
                .diagnostic(&target.child("type"), "`type` must be a single string")
                .help("OpenAPI 3.0 allows one of string, integer, number, boolean, array, object")),
            Some(Ok("string")) | None if object.contains_key("enum") => {
                self.enum_type(&target, name_here, ctx)
            }
            Some(Ok("string")) => {
                if let Some(format) = object.get("format").and_then(Value::as_str)
                    && !STRING_FORMATS.contains(&format)
                {
                    return Err(files
                        .diagnostic(
                            &target.child("format"),
                            format!("unknown string format `{format}`"),
                        )
                        .help(format!(
                            "use one of {}, or leave `format` out",
                            STRING_FORMATS.join(", ")
                        )));
                }
                match resource {
                    Some(resource) => Ok(self.id_ty(resource, loc)?),
                    None => Ok(Ty::String),
                }
            }
            Some(Ok("integer")) => match object.get("format").and_then(Value::as_str) {
                Some("int32") => Ok(Ty::I32),
                Some("int64") | None => Ok(Ty::I64),
                Some(other) => Err(files
                    .diagnostic(
                        &target.child("format"),
                        format!("unknown integer format `{other}`"),
                    )
                    .help("use int32 or int64")),
            },
            Some(Ok("number")) => match object.get("format").and_then(Value::as_str) {
                Some("float") => Ok(Ty::F32),
                Some("double") | None => Ok(Ty::F64),
                Some(other) => Err(files
                    .diagnostic(
                        &target.child("format"),
                        format!("unknown number format `{other}`"),
                    )
                    .help("use float or double")),
            },
            Some(Ok("boolean")) => Ok(Ty::Bool),
            Some(Ok("array")) => {
                if !object.contains_key("items") {
                    return Err(files
                        .diagnostic(&target, "an array schema needs `items`")
                        .help("add `items: {type: string}` or a `$ref`"));
                }
                let item_ctx = Context {
                    module: ctx.module.clone(),
                    name: format!("{}Item", ctx.name),
                };
                let item_ctx = match &name_here {
                    Some(name) => inline_ctx_for(name, "Item"),
                    None => item_ctx,
                };
                Ok(Ty::List(Box::new(
                    self.ty_of(&target.child("items"), &item_ctx)?,
                )))
            }
            Some(Ok("object")) | None => {
                let has_properties = object
                    .get("properties")
                    .and_then(Value::as_object)
                    .is_some_and(|p| !p.is_empty());
                if has_properties {
                    return self.struct_type(&target, name_here, ctx);
                }
                match object.get("additionalProperties") {
                    Some(Value::Object(_)) => {
                        let value_ctx = match &name_here {
                            Some(name) => inline_ctx_for(name, "Value"),
                            None => Context {
                                module: ctx.module.clone(),
                                name: format!("{}Value", ctx.name),
                            },
                        };
                        let value =
                            self.ty_of(&target.child("additionalProperties"), &value_ctx)?;
                        let key_resource = extension_str(node, "x-vsphere-key-resource-type")
                            .or_else(|| extension_str(schema, "x-vsphere-key-resource-type"));
                        let key = match key_resource {
                            Some(resource) => self.id_ty(resource, loc)?,
                            None => Ty::String,
                        };
                        // VMware's `/rest` sends every map as a key/value list; a schema may opt out.
                        let rest_list = ![node, schema].iter().any(|n| {
                            n.get("x-vsphere-rest-map-as-list").and_then(Value::as_bool)
                                == Some(false)
                        });
                        Ok(Ty::Map {
                            key: Box::new(key),
                            value: Box::new(value),
                            rest_list,
                        })
                    }
                    _ => Ok(Ty::Any),
                }
            }
            Some(Ok(other)) => Err(files
                .diagnostic(&target.child("type"), format!("unknown type `{other}`"))
                .help("OpenAPI 3.0 types are string, integer, number, boolean, array and object")),
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
                self.model.ids.insert(name.clone(), IdType { resource_type: resource.to_owned() });
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
            // VMware's captured specs name the `/rest` and `/api` forms of one structure
            // differently (`vcenter.VM.info`, `VcenterVmInfo`); the same shape is one type.
            let twins =
                other_name.contains('.') != schema_name.contains('.') || other_name == schema_name;
            if twins && self.same_shape(&other_loc, loc) {
                self.type_locs.insert(loc.clone(), key.clone());
                return Ok(key);
            }
            let suffixed = TypeKey {
                module: key.module.clone(),
                name: format!(
                    "{}{}",
                    key.name,
                    if schema_name.contains('.') {
                        "Rest"
                    } else {
                        "Api"
                    }
                ),
            };
            if !twins || self.type_owners.contains_key(&suffixed) {
                let other = format!(
                    "`{}` (at {}#{})",
                    other_name,
                    self.files.name(&other_loc),
                    other_loc.pointer
                );
                return Err(self
                    .files
                    .diagnostic(
                        loc,
                        format!(
                            "schemas `{schema_name}` and {other} both become the Rust type `{}::{}`",
                            key.module.join("::"),
                            key.name
                        ),
                    )
                    .help("rename one of the two schemas"));
            }
            key = suffixed;
        }
        if let [top, ..] = key.module.as_slice()
            && super::operation::RESERVED_MODULES.contains(&top.as_str())
        {
            return Err(self
                .files
                .diagnostic(
                    loc,
                    format!("schema `{schema_name}` would live in the crate's own `{top}` module"),
                )
                .help(
                    "rename the schema so that its first dotted part is not lib, ids or runtime",
                ));
        }
        let handle = format!(
            "{}Api",
            naming::camel(key.module.last().map_or("root", String::as_str))
        );
        if key.name == handle {
            return Err(self
                .files
                .diagnostic(loc, format!("schema `{schema_name}` has the name of its namespace's operations handle `{handle}`"))
                .help("rename the schema"));
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
    ) -> Result<Ty, Diagnostic> {
        if let Some(key) = self.type_locs.get(loc) {
            return Ok(Ty::Named(key.clone()));
        }
        let files = self.files;
        let values = files
            .get(&loc.child("enum"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut variants: Vec<Variant> = Vec::new();
        for (i, value) in values.iter().enumerate() {
            let Some(value) = value.as_str() else {
                return Err(files
                    .diagnostic(
                        &loc.child("enum").child(&i.to_string()),
                        "enum values must be strings",
                    )
                    .help("quote the value"));
            };
            let rust = naming::camel(value);
            if let Some(clash) = variants.iter().find(|v| v.rust == rust) {
                return Err(files
                    .diagnostic(
                        &loc.child("enum").child(&i.to_string()),
                        format!(
                            "enum values `{}` and `{value}` both become the variant `{rust}`",
                            clash.value
                        ),
                    )
                    .help("remove the duplicate value"));
            }
            variants.push(Variant {
                rust,
                value: value.to_owned(),
            });
        }
        if variants.is_empty() {
            return Err(files
                .diagnostic(
                    &loc.child("enum"),
                    "an enum needs at least one string value",
                )
                .help("list the values: `enum: [A, B]`"));
        }
        let catch_all = ["Unknown", "Other", "UnknownValue"]
            .into_iter()
            .find(|c| variants.iter().all(|v| v.rust != *c));
        let Some(catch_all) = catch_all else {
            return Err(files.diagnostic(&loc.child("enum"), "the enum has values named UNKNOWN, OTHER and UNKNOWN_VALUE, leaving no name for the variant that keeps unknown values").help("rename one of them"));
        };
        let (key, schema_name) = self.key_for(&name_here, ctx);
        let key = self.register(
            loc,
            key,
            schema_name,
            TypeKind::Enum {
                variants,
                catch_all: catch_all.to_owned(),
            },
        )?;
        Ok(Ty::Named(key))
    }

    fn struct_type(
        &mut self,
        loc: &Loc,
        name_here: Option<String>,
        ctx: &Context,
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
        self.pending.push((loc.clone(), key.clone()));
        Ok(Ty::Named(key))
    }

    /// Fills the fields of every registered structure, including those found while doing so.
    pub fn fill_pending(&mut self) -> Result<(), Diagnostic> {
        while let Some((loc, key)) = self.pending.pop() {
            let fields = self.fields_of(&loc, &key)?;
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

    fn fields_of(&mut self, loc: &Loc, key: &TypeKey) -> Result<Vec<Field>, Diagnostic> {
        let files = self.files;
        let schema = files.get(loc).cloned().unwrap_or(Value::Null);
        let required = required_of(&schema);
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for name in &required {
            if !properties.contains_key(*name) {
                return Err(files
                    .diagnostic(
                        &loc.child("required"),
                        format!("`{name}` is listed as required but is not a property"),
                    )
                    .help("add the property or remove it from `required`"));
            }
        }
        let mut fields: Vec<Field> = Vec::new();
        for (json, property) in &properties {
            let at = loc.child("properties").child(json);
            if !naming::has_word(json) {
                return Err(files
                    .diagnostic(&at, format!("the property name `{json}` has no letter or digit to make a Rust field of"))
                    .help("rename the property"));
            }
            let rust = naming::snake(json);
            if let Some(clash) = fields.iter().find(|f| f.rust == rust) {
                return Err(files
                    .diagnostic(
                        &at,
                        format!(
                            "properties `{}` and `{json}` both become the Rust field `{rust}`",
                            clash.json
                        ),
                    )
                    .help("rename one of them"));
            }
            let ty = self.property_ty(key, loc, json)?;
            let mut docs = docs_of(Some(property));
            if docs.description.is_none() || docs.since.is_none() {
                let (_, target) = files.follow(&at)?;
                let target_docs = docs_of(Some(target));
                docs.description = docs.description.or(target_docs.description);
                docs.since = docs.since.or(target_docs.since);
            }
            let ty = self.with_stated_ids(ty, docs.description.as_deref(), &at);
            let required_if = match property.get("x-vsphere-required-if") {
                None => None,
                Some(condition) => Some(self.required_if(
                    condition,
                    &at.child("x-vsphere-required-if"),
                    &properties,
                )?),
            };
            // A field required by some cases of a union belongs to those cases: VMware's union
            // rule refuses it in the others, as it does optional case fields.
            let relevant_if = match property.get("x-vsphere-relevant-if") {
                None => required_if.clone(),
                Some(condition) => Some(self.required_if(
                    condition,
                    &at.child("x-vsphere-relevant-if"),
                    &properties,
                )?),
            };
            fields.push(Field {
                json: json.clone(),
                rust,
                ty,
                // A `nullable` property may arrive as `null`, which only an `Option` can hold.
                required: required.contains(&json.as_str())
                    && property.get("nullable").and_then(Value::as_bool) != Some(true),
                boxed: false,
                docs,
                required_if,
                relevant_if,
            });
        }
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

    /// A union condition (`x-vsphere-required-if` or `x-vsphere-relevant-if`, at `at`): one
    /// sibling property and a list of its values.
    fn required_if(
        &self,
        condition: &Value,
        at: &Loc,
        properties: &serde_json::Map<String, Value>,
    ) -> Result<(String, Vec<String>), Diagnostic> {
        let files = self.files;
        let extension = at
            .pointer
            .rsplit('/')
            .next()
            .unwrap_or("x-vsphere-required-if");
        let bad = || {
            files
                .diagnostic(
                    at,
                    format!("`{extension}` must map one sibling property to a list of its values"),
                )
                .help(format!("write e.g. `{extension}: {{type: [FILE]}}`"))
        };
        let object = condition
            .as_object()
            .filter(|o| o.len() == 1)
            .ok_or_else(bad)?;
        let (sibling, values) = object.iter().next().ok_or_else(bad)?;
        let values: Vec<String> = values
            .as_array()
            .ok_or_else(bad)?
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or_else(bad))
            .collect::<Result<_, _>>()?;
        if !properties.contains_key(sibling) {
            return Err(files
                .diagnostic(
                    at,
                    format!("`{sibling}` is not a property of this structure"),
                )
                .help("name a sibling property"));
        }
        Ok((sibling.clone(), values))
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
