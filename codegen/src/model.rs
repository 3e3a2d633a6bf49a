//! The intermediate model: what the emitters need to know, and nothing about OpenAPI's shape.
//!
//! Every collection is ordered (`BTreeMap`, or a `Vec` in spec order that the lowering sorted), so
//! emitted output never depends on discovery order.

use std::collections::BTreeMap;

use crate::load::Loc;

/// A module path of snake_case segments (`["vcenter", "vm"]`): the module's identity. The
/// identifiers the crate spells it with are in [`Model::namespaces`].
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
    /// The names of every module of the crate (those holding something and their ancestors),
    /// decided by the naming pass.
    pub namespaces: BTreeMap<ModPath, NamespaceNames>,
    /// Names of the runtime's own items that the naming pass reserved in the crate root.
    pub root: RootNames,
}

/// How the crate spells one module, decided by the naming pass.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NamespaceNames {
    /// The module's identifier (`vm`, `r#type`).
    pub ident: String,
    /// Its file stem (`vm`, `type`).
    pub file: String,
    /// Its Cargo feature (`vcenter-vm`), when it holds something.
    pub feature: Option<String>,
    /// The operations handle of the namespace: present when it or a namespace below it has
    /// operations, so the tree `client.vcenter().vm()` reaches every operation.
    pub handle: Option<HandleNames>,
}

/// The handle of a namespace and how its parent reaches it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HandleNames {
    /// The handle struct (`VmApi`).
    pub ident: String,
    /// The method on the parent's handle (or on `Client` for a top-level namespace) that returns
    /// it (`vm`).
    pub accessor: String,
    /// The features under which the handle exists: its own and every descendant's.
    pub features: Vec<String>,
}

/// Names the crate root holds besides the namespaces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RootNames {
    /// The id module (`ids`).
    pub ids: String,
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
    /// The Rust identifier, decided by the naming pass.
    pub ident: String,
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
    /// Where the schema is, for diagnostics.
    pub origin: Loc,
    /// The Rust identifier, decided by the naming pass.
    pub ident: String,
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
        /// The variant that keeps unknown values (`Unknown`, or `Other` when a value is
        /// `UNKNOWN`), decided by the naming pass.
        catch_all: String,
    },
    /// A value that is one of several schemas, told apart by their JSON shape.
    Union {
        /// The alternatives, in spec order.
        members: Vec<UnionMember>,
    },
}

/// One alternative of a [`TypeKind::Union`].
#[derive(Clone, Debug)]
pub struct UnionMember {
    /// The variant's identifier, decided by the naming pass.
    pub ident: String,
    /// What the naming pass derives the identifier from (the member's schema name or type).
    pub hint: String,
    /// Its type.
    pub ty: Ty,
    /// Boxed to break a cycle of types held by value.
    pub boxed: bool,
}

/// A known value of an enum.
#[derive(Clone, Debug)]
pub struct Variant {
    /// Rust variant name, decided by the naming pass.
    pub ident: String,
    /// The string on the wire.
    pub value: String,
}

/// A field of a structure.
#[derive(Clone, Debug)]
pub struct Field {
    /// Name in JSON: the field's identity.
    pub json: String,
    /// Rust field name as written (`r#type`), decided by the naming pass.
    pub ident: String,
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
    /// Raw bytes (`Vec<u8>`): a binary request or response body.
    Bytes,
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
            Ty::String
            | Ty::Bool
            | Ty::I32
            | Ty::I64
            | Ty::F32
            | Ty::F64
            | Ty::Any
            | Ty::Bytes
            | Ty::Id(_)
            | Ty::Named(_) => {}
        }
    }
}

impl Module {
    /// Every type the namespace's structures and operations use directly (field, parameter and
    /// result types, not what they are made of).
    pub fn used_types(&self) -> impl Iterator<Item = &Ty> {
        self.types
            .values()
            .flat_map(TypeDef::member_types)
            .chain(self.operations.values().flat_map(Operation::used_types))
    }
}

impl TypeDef {
    /// The types of a structure's fields or a union's members.
    pub fn member_types(&self) -> Box<dyn Iterator<Item = &Ty> + '_> {
        match &self.kind {
            TypeKind::Struct { fields, .. } => Box::new(fields.iter().map(|f| &f.ty)),
            TypeKind::Union { members } => Box::new(members.iter().map(|m| &m.ty)),
            TypeKind::Enum { .. } => Box::new(std::iter::empty()),
        }
    }
}

impl Operation {
    /// The types of the operation's parameters and result (a task's too).
    pub fn used_types(&self) -> impl Iterator<Item = &Ty> {
        self.params
            .iter()
            .map(|p| &p.ty)
            .chain(self.result.as_ref())
            .chain(self.task.as_ref().and_then(|t| t.result.as_ref()))
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

/// An HTTP status as a response key states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// One code (`404`).
    Code(u16),
    /// A class of codes (`4XX` is `Class(4)`).
    Class(u8),
    /// Every status not listed (`default`).
    Default,
}

impl Status {
    /// Reads a response key (`"200"`, `"4XX"`, `"default"`); `None` when it is none of these.
    pub fn parse(key: &str) -> Option<Status> {
        if key.eq_ignore_ascii_case("default") {
            return Some(Status::Default);
        }
        let bytes = key.as_bytes();
        match bytes {
            [d @ b'1'..=b'5', b'X' | b'x', b'X' | b'x'] => Some(Status::Class(d - b'0')),
            [b'1'..=b'5', b'0'..=b'9', b'0'..=b'9'] => key.parse().ok().map(Status::Code),
            _ => None,
        }
    }

    /// Whether the status is a success (2xx).
    pub fn is_success(self) -> bool {
        match self {
            Status::Code(code) => (200..300).contains(&code),
            Status::Class(class) => class == 2,
            Status::Default => false,
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Code(code) => write!(f, "{code}"),
            Status::Class(class) => write!(f, "{class}XX"),
            Status::Default => f.write_str("default"),
        }
    }
}

/// A documented error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorDoc {
    /// HTTP status.
    pub status: Status,
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
    /// Where the operation is (its `/api` form when it has one), for diagnostics.
    pub origin: Loc,
    /// The method's identifier, decided by the naming pass.
    pub ident: String,
    /// The structure gathering its optional query parameters (`ListQuery`), when it gets one;
    /// decided by the naming pass.
    pub query: Option<String>,
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
    /// What a success body is.
    pub result_media: Media,
    /// What the request body is, when there is one.
    pub body_media: Media,
    /// Set for the `vmw-task=true` form of an operation, which answers with a task id: the
    /// client hands back a typed task instead.
    pub task: Option<TaskResult>,
}

/// What the task of a `vmw-task=true` operation yields when it succeeds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskResult {
    /// The result of the operation's plain form (`None`: it returns nothing).
    pub result: Option<Ty>,
}

/// How a body travels.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Media {
    /// JSON (`application/json`, with parameters, or `+json`).
    #[default]
    Json,
    /// Text (`text/*`) of this content type: a `String`.
    Text(String),
    /// Anything else, of this content type: bytes.
    Binary(String),
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
    /// In a request header.
    Header,
    /// In the `Cookie` header.
    Cookie,
    /// In the body (the body itself, or one envelope member).
    Body,
}

/// A parameter of an operation.
#[derive(Clone, Debug)]
pub struct Param {
    /// The parameter's identity within its operation (snake case of its wire name), also the
    /// placeholder name in path templates; not an identifier.
    pub key: String,
    /// Its Rust identifier as written (`r#type`), decided by the naming pass.
    pub ident: String,
    /// Where it is declared, for diagnostics.
    pub origin: Loc,
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

/// An HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `PUT`
    Put,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
    /// `PATCH`
    Patch,
    /// `HEAD`
    Head,
    /// `OPTIONS`
    Options,
}

impl HttpMethod {
    /// Every method, in the order operations are read.
    pub const ALL: [HttpMethod; 7] = [
        HttpMethod::Get,
        HttpMethod::Put,
        HttpMethod::Post,
        HttpMethod::Delete,
        HttpMethod::Patch,
        HttpMethod::Head,
        HttpMethod::Options,
    ];

    /// The key of a path item (`get`).
    pub fn key(self) -> &'static str {
        match self {
            HttpMethod::Get => "get",
            HttpMethod::Put => "put",
            HttpMethod::Post => "post",
            HttpMethod::Delete => "delete",
            HttpMethod::Patch => "patch",
            HttpMethod::Head => "head",
            HttpMethod::Options => "options",
        }
    }

    /// The name on the wire (`GET`).
    pub fn wire(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Head => "HEAD",
            HttpMethod::Options => "OPTIONS",
        }
    }
}

/// One URL style of an operation.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// The HTTP method.
    pub method: HttpMethod,
    /// Path template with Rust parameter names.
    pub path: String,
    /// The path key as written in the spec, for docs.
    pub spec_path: String,
    /// `?action=` value.
    pub action: Option<String>,
    /// How the body is carried.
    pub body: BodyKind,
}
