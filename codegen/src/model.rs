//! The intermediate model: what the emitters need to know, and nothing about OpenAPI's shape.
//!
//! Every collection is ordered (`BTreeMap`, or a `Vec` in spec order that the lowering sorted), so
//! emitted output never depends on discovery order.

use std::collections::BTreeMap;

/// A module path of snake_case segments (`["vcenter", "vm"]`).
pub type ModPath = Vec<String>;

/// The whole client to generate.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// Cargo package name of the generated crate.
    pub crate_name: String,
    /// The spec's title and description, for the crate docs.
    pub title: String,
    /// `info.description`, when present.
    pub description: Option<String>,
    /// `info.version`.
    pub api_version: String,
    /// The spec's root file as given, for the `@generated` header.
    pub source: String,
    /// Every module that holds something, keyed by path.
    pub modules: BTreeMap<ModPath, Module>,
    /// Id newtypes by Rust name.
    pub ids: BTreeMap<String, IdType>,
}

impl Model {
    /// Number of operations over all modules.
    pub fn operation_count(&self) -> usize {
        self.modules.values().map(|m| m.operations.len()).sum()
    }

    /// Number of structures and enums over all modules.
    pub fn type_count(&self) -> usize {
        self.modules.values().map(|m| m.types.len()).sum()
    }

    /// The type a key refers to.
    pub fn type_def(&self, key: &TypeKey) -> Option<&TypeDef> {
        self.modules.get(&key.module)?.types.get(&key.name)
    }
}

/// One vSphere namespace.
#[derive(Clone, Debug, Default)]
pub struct Module {
    /// Structures and enums, by Rust name.
    pub types: BTreeMap<String, TypeDef>,
    /// Operations, by Rust method name.
    pub operations: BTreeMap<String, Operation>,
}

/// An identifier newtype.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdType {
    /// The vSphere resource type (`VirtualMachine`, `com.vmware.content.library.Item`).
    pub resource_type: String,
}

/// Where a named type lives.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeKey {
    /// Its module.
    pub module: ModPath,
    /// Its Rust name.
    pub name: String,
}

/// Documentation carried from the spec.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Docs {
    /// The description text.
    pub description: Option<String>,
    /// "Added in vSphere API X".
    pub since: Option<String>,
    /// Deprecated in the spec.
    pub deprecated: bool,
}

/// A structure or enum.
#[derive(Clone, Debug)]
pub struct TypeDef {
    /// The schema's name in the spec (`Vcenter.VM.InstantCloneSpec`).
    pub schema_name: String,
    /// Its documentation.
    pub docs: Docs,
    /// What it is.
    pub kind: TypeKind,
    /// Under `/rest` some field, transitively, needs rewriting (maps as lists, `@class`).
    pub needs_rest_form: bool,
    /// Some field, transitively, is required only under a condition.
    pub needs_validate: bool,
}

/// The shape of a [`TypeDef`].
#[derive(Clone, Debug)]
pub enum TypeKind {
    /// A structure with named fields.
    Struct {
        /// Fields in spec order.
        fields: Vec<Field>,
        /// The `@class` name it carries under `/rest`.
        rest_class: Option<String>,
    },
    /// An open string enum.
    Enum {
        /// Known values in spec order.
        variants: Vec<Variant>,
        /// The variant that keeps unknown values: `Unknown`, or `Other` when a value is `UNKNOWN`.
        catch_all: String,
    },
}

/// A known value of an enum.
#[derive(Clone, Debug)]
pub struct Variant {
    /// Rust variant name.
    pub rust: String,
    /// The string on the wire.
    pub value: String,
}

/// A field of a structure.
#[derive(Clone, Debug)]
pub struct Field {
    /// Name in JSON.
    pub json: String,
    /// Rust field name (unescaped).
    pub rust: String,
    /// Its type (without the `Option` of optional fields).
    pub ty: Ty,
    /// Required fields are plain, optional ones `Option`.
    pub required: bool,
    /// Boxed to break a cycle of directly nested structures.
    pub boxed: bool,
    /// Documentation.
    pub docs: Docs,
    /// Required when the sibling field (JSON name) has one of these values.
    pub required_if: Option<(String, Vec<String>)>,
    /// The union case the field belongs to: it may be set only when the sibling field (JSON
    /// name) has one of these values (`x-vsphere-relevant-if`, else the `required_if` values).
    pub relevant_if: Option<(String, Vec<String>)>,
}

/// A type as used by a field, parameter or result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// Any JSON (`serde_json::Value`).
    Any,
    /// An id newtype, by Rust name.
    Id(String),
    /// A generated structure or enum.
    Named(TypeKey),
    /// `Vec<T>`.
    List(Box<Ty>),
    /// `BTreeMap<K, V>`.
    Map {
        /// Key type: `String` or an id.
        key: Box<Ty>,
        /// Value type.
        value: Box<Ty>,
        /// Under `/rest` the map travels as a list of `{key, value}`.
        rest_list: bool,
    },
}

impl Ty {
    /// Calls `visit` on this type and every type it is made of (list items, map keys and values).
    pub fn walk<'t>(&'t self, visit: &mut impl FnMut(&'t Ty)) {
        visit(self);
        match self {
            Ty::List(item) => item.walk(visit),
            Ty::Map { key, value, .. } => {
                key.walk(visit);
                value.walk(visit);
            }
            _ => {}
        }
    }
}

impl Module {
    /// Every type the namespace's structures and operations use directly (field, parameter and
    /// result types, not what they are made of).
    pub fn used_types(&self) -> impl Iterator<Item = &Ty> {
        let fields = self.types.values().flat_map(|def| match &def.kind {
            TypeKind::Struct { fields, .. } => fields.as_slice(),
            _ => &[],
        });
        fields
            .map(|f| &f.ty)
            .chain(self.operations.values().flat_map(Operation::used_types))
    }
}

impl Operation {
    /// The types of the operation's parameters and result.
    pub fn used_types(&self) -> impl Iterator<Item = &Ty> {
        self.params
            .iter()
            .map(|p| &p.ty)
            .chain(self.result.as_ref())
    }
}

/// A documented privilege requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Privilege {
    /// The privilege (`System.Read`).
    pub privilege: String,
    /// The resource type it is checked on, if not the operation itself.
    pub resource: Option<String>,
    /// The parameter or field path naming that resource.
    pub via: Option<String>,
}

/// A documented error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorDoc {
    /// HTTP status.
    pub status: String,
    /// vAPI error type (`NOT_FOUND`), when documented.
    pub error_type: Option<String>,
    /// When it happens.
    pub description: Option<String>,
}

/// A callable operation with up to two URL styles.
#[derive(Clone, Debug)]
pub struct Operation {
    /// The vAPI name (`vcenter.vm.instant_clone`) or, in a plain spec, the operationId.
    pub name: String,
    /// Documentation.
    pub docs: Docs,
    /// One-line summary.
    pub summary: Option<String>,
    /// Required privileges.
    pub privileges: Vec<Privilege>,
    /// Documented errors.
    pub errors: Vec<ErrorDoc>,
    /// Parameters: path first, then query, then body, each in spec order.
    pub params: Vec<Param>,
    /// What a success returns, if anything.
    pub result: Option<Ty>,
    /// The `/api` form (or the only form of a plain spec).
    pub api: Option<Endpoint>,
    /// The `/rest` form.
    pub rest: Option<Endpoint>,
    /// Session operations are carried out by the runtime.
    pub session: Option<SessionRole>,
}

/// What a session operation does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionRole {
    /// Creates a session and keeps its token.
    Login,
    /// Deletes the session.
    Logout,
}

/// Where a parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// In the body (the body itself, or one envelope member).
    Body,
}

/// A parameter of an operation.
#[derive(Clone, Debug)]
pub struct Param {
    /// Rust name, also the name used in path templates and envelopes (unescaped).
    pub rust: String,
    /// Name on the wire (envelope member, query key).
    pub wire: String,
    /// Name on the wire under `/rest` when it differs (`filter.names` for `/api`'s `names`).
    pub rest_wire: Option<String>,
    /// Its type.
    pub ty: Ty,
    /// Required or `Option`.
    pub required: bool,
    /// Where it travels.
    pub place: Place,
    /// Where it travels under `/rest` when that differs: `client_token` goes in the `/api` query
    /// but in the `/rest` envelope.
    pub rest_place: Option<Place>,
    /// Documentation.
    pub docs: Docs,
    /// Filled with a fresh UUID when the caller gives none.
    pub idempotency_token: bool,
}

/// How the body is carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// No body.
    None,
    /// The single body parameter is the body.
    Bare,
    /// One object keyed by body-parameter name.
    Envelope,
}

/// One URL style of an operation.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template with Rust parameter names.
    pub path: String,
    /// The path key as written in the spec, for docs.
    pub spec_path: String,
    /// `?action=` value.
    pub action: Option<String>,
    /// How the body is carried.
    pub body: BodyKind,
}
