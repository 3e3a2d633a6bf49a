//! The one error type of every operation, and the decoding of vAPI error bodies.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::runtime::{Method, RestForm, Style, rest_field};

/// The boxed source of a transport-level error.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The prefix of `/rest` error type names (`com.vmware.vapi.std.errors.not_found`).
const REST_ERROR_PREFIX: &str = "com.vmware.vapi.std.errors.";

/// How many bytes of a body are kept in an error excerpt.
const EXCERPT_BYTES: usize = 1024;

/// The kind of a vAPI error the server reported: the 25 standard error types, or a type this
/// client does not know, kept as the server spelled it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `ERROR`: a generic failure.
    Error,
    /// `ALREADY_EXISTS`: the resource to create already exists.
    AlreadyExists,
    /// `ALREADY_IN_DESIRED_STATE`: the operation would change nothing.
    AlreadyInDesiredState,
    /// `CANCELED`: the operation was canceled.
    Canceled,
    /// `CONCURRENT_CHANGE`: the resource changed under the operation.
    ConcurrentChange,
    /// `FEATURE_IN_USE`: a feature in use prevents the operation.
    FeatureInUse,
    /// `INTERNAL_SERVER_ERROR`: the server failed internally.
    InternalServerError,
    /// `INVALID_ARGUMENT`: an argument is invalid.
    InvalidArgument,
    /// `INVALID_ELEMENT_CONFIGURATION`: an element's configuration is invalid.
    InvalidElementConfiguration,
    /// `INVALID_ELEMENT_TYPE`: an element has the wrong type.
    InvalidElementType,
    /// `INVALID_REQUEST`: the request is malformed.
    InvalidRequest,
    /// `NOT_ALLOWED_IN_CURRENT_STATE`: the resource's state forbids the operation.
    NotAllowedInCurrentState,
    /// `NOT_FOUND`: a resource was not found.
    NotFound,
    /// `OPERATION_NOT_FOUND`: the server does not know the operation.
    OperationNotFound,
    /// `RESOURCE_BUSY`: the resource is busy.
    ResourceBusy,
    /// `RESOURCE_IN_USE`: the resource is in use.
    ResourceInUse,
    /// `RESOURCE_INACCESSIBLE`: the resource cannot be reached.
    ResourceInaccessible,
    /// `SERVICE_UNAVAILABLE`: the service is unavailable.
    ServiceUnavailable,
    /// `TIMED_OUT`: the operation timed out on the server.
    TimedOut,
    /// `UNABLE_TO_ALLOCATE_RESOURCE`: a resource could not be allocated.
    UnableToAllocateResource,
    /// `UNAUTHENTICATED`: no valid session or credentials.
    Unauthenticated,
    /// `UNAUTHORIZED`: the user lacks a privilege.
    Unauthorized,
    /// `UNEXPECTED_INPUT`: the request carried unexpected input.
    UnexpectedInput,
    /// `UNSUPPORTED`: the operation is not supported.
    Unsupported,
    /// `UNVERIFIED_PEER`: a peer could not be verified.
    UnverifiedPeer,
    /// An error type this client does not know, as the server wrote it (`HTTP <status>` for a
    /// vAPI error body that names no type, with a status that maps to no standard kind).
    Unknown(String),
}

/// The 25 standard kinds with their `/api` names, in one table.
const KINDS: [(ErrorKind, &str); 25] = [
    (ErrorKind::Error, "ERROR"),
    (ErrorKind::AlreadyExists, "ALREADY_EXISTS"),
    (ErrorKind::AlreadyInDesiredState, "ALREADY_IN_DESIRED_STATE"),
    (ErrorKind::Canceled, "CANCELED"),
    (ErrorKind::ConcurrentChange, "CONCURRENT_CHANGE"),
    (ErrorKind::FeatureInUse, "FEATURE_IN_USE"),
    (ErrorKind::InternalServerError, "INTERNAL_SERVER_ERROR"),
    (ErrorKind::InvalidArgument, "INVALID_ARGUMENT"),
    (
        ErrorKind::InvalidElementConfiguration,
        "INVALID_ELEMENT_CONFIGURATION",
    ),
    (ErrorKind::InvalidElementType, "INVALID_ELEMENT_TYPE"),
    (ErrorKind::InvalidRequest, "INVALID_REQUEST"),
    (
        ErrorKind::NotAllowedInCurrentState,
        "NOT_ALLOWED_IN_CURRENT_STATE",
    ),
    (ErrorKind::NotFound, "NOT_FOUND"),
    (ErrorKind::OperationNotFound, "OPERATION_NOT_FOUND"),
    (ErrorKind::ResourceBusy, "RESOURCE_BUSY"),
    (ErrorKind::ResourceInUse, "RESOURCE_IN_USE"),
    (ErrorKind::ResourceInaccessible, "RESOURCE_INACCESSIBLE"),
    (ErrorKind::ServiceUnavailable, "SERVICE_UNAVAILABLE"),
    (ErrorKind::TimedOut, "TIMED_OUT"),
    (
        ErrorKind::UnableToAllocateResource,
        "UNABLE_TO_ALLOCATE_RESOURCE",
    ),
    (ErrorKind::Unauthenticated, "UNAUTHENTICATED"),
    (ErrorKind::Unauthorized, "UNAUTHORIZED"),
    (ErrorKind::UnexpectedInput, "UNEXPECTED_INPUT"),
    (ErrorKind::Unsupported, "UNSUPPORTED"),
    (ErrorKind::UnverifiedPeer, "UNVERIFIED_PEER"),
];

impl ErrorKind {
    /// The `/api` name of the kind (`"NOT_FOUND"`), or the server's string for
    /// [`ErrorKind::Unknown`].
    pub fn as_str(&self) -> &str {
        if let ErrorKind::Unknown(name) = self {
            return name;
        }
        KINDS
            .iter()
            .find(|(kind, _)| kind == self)
            .map_or("ERROR", |(_, name)| name)
    }

    /// The kind named by an `/api` `error_type` (`"NOT_FOUND"`, any case); unknown names are kept.
    pub fn from_error_type(name: &str) -> ErrorKind {
        KINDS
            .iter()
            .find(|(_, known)| known.eq_ignore_ascii_case(name))
            .map_or_else(
                || ErrorKind::Unknown(name.to_owned()),
                |(kind, _)| kind.clone(),
            )
    }

    /// The kind named by a `/rest` error `type` (`"com.vmware.vapi.std.errors.not_found"`);
    /// anything else is kept whole as [`ErrorKind::Unknown`].
    pub fn from_rest_type(name: &str) -> ErrorKind {
        name.strip_prefix(REST_ERROR_PREFIX)
            .and_then(|snake| {
                KINDS
                    .iter()
                    .find(|(_, known)| known.eq_ignore_ascii_case(snake))
            })
            .map_or_else(
                || ErrorKind::Unknown(name.to_owned()),
                |(kind, _)| kind.clone(),
            )
    }

    /// The kind assumed for an HTTP error status when the body is not a vAPI error.
    pub fn from_status(status: u16) -> ErrorKind {
        match status {
            400 => ErrorKind::InvalidRequest,
            401 => ErrorKind::Unauthenticated,
            403 => ErrorKind::Unauthorized,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::ConcurrentChange,
            500 => ErrorKind::InternalServerError,
            503 => ErrorKind::ServiceUnavailable,
            504 => ErrorKind::TimedOut,
            other => ErrorKind::Unknown(format!("HTTP {other}")),
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A message of a vAPI error, with its id, English text and arguments.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LocalizableMessage {
    /// The message id, e.g. `com.vmware.api.vcenter.vm.not_found`.
    pub id: String,
    /// The message in English, with arguments substituted.
    pub default_message: String,
    /// The arguments substituted into the message.
    pub args: Vec<String>,
    /// Named localization parameters (vSphere 7.0+): an object keyed by parameter name, each
    /// value a `LocalizationParam` (`{"s": "vm-1"}`, `{"i": 2}`, `{"l": {"id", "params"}}`, ...).
    /// Always in the `/api` form: a `/rest` key/value list (`[{"key": k, "value": v}]`) is read
    /// as that object, and so are the `params` of nested messages (`l`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Value>,
    /// The message localized for the session's locale (vSphere 7.0+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub localized: Option<String>,
}

impl LocalizableMessage {
    /// Reads a message leniently: missing or mistyped fields become empty, never an error.
    pub(crate) fn from_value(value: &Value) -> LocalizableMessage {
        let text = |name: &str| match value.get(name) {
            Some(Value::String(s)) => s.clone(),
            _ => String::new(),
        };
        let args = match value.get("args") {
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect(),
            _ => Vec::new(),
        };
        LocalizableMessage {
            id: text("id"),
            default_message: text("default_message"),
            args,
            params: value.get("params").filter(|v| !v.is_null()).map(|params| {
                let mut params = params.clone();
                LocalizationParams::from_rest(&mut params);
                params
            }),
            localized: value
                .get("localized")
                .and_then(Value::as_str)
                .map(str::to_owned),
        }
    }
}

/// The `params` of a message: a map of `std.LocalizationParam`, a key/value list under `/rest`.
type LocalizationParams = BTreeMap<String, LocalizationParam>;

/// A `std.LocalizationParam`, only as a [`RestForm`]: its `l` (a nested message) holds a
/// `params` map too.
enum LocalizationParam {}

impl RestForm for LocalizationParam {
    fn from_rest(value: &mut Value) {
        if let Some(nested) = value.get_mut("l") {
            rest_field::<Option<LocalizationParams>>(nested, "params", false);
        }
    }
}

/// The call an error belongs to: the operation's vAPI name, the HTTP method and the path sent.
///
/// `path` never holds the scheme, host or any credentials: only what follows the host. A
/// request to another server than the client's (an OVF file on an ESXi host) names that server
/// in `host`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallInfo {
    /// The vAPI name of the operation, e.g. `vcenter.vm.get` (`cis.session.create` for
    /// [`Client::login`](crate::runtime::Client::login)).
    pub operation: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path with its parameters filled in (percent-encoded) and the query, e.g.
    /// `/api/vcenter/vm/vm-42` or `/api/vcenter/vm?action=instant-clone`; the path template
    /// when the path could not be built.
    pub path: String,
    /// The style the client prefers, when the operation has no endpoint in it and the call was
    /// sent in the other style instead (a server that speaks only the preferred style will not
    /// know the path).
    pub missing_style: Option<Style>,
    /// The server the request went to, as `scheme://host[:port]`, when it is not the client's
    /// own (an OVF file URL on an ESXi host); `None` for the client's server.
    pub host: Option<String>,
}

impl CallInfo {
    /// Describes a call of `operation` sent as `method path`.
    pub(crate) fn new(operation: &'static str, method: Method, path: impl Into<String>) -> Self {
        CallInfo {
            operation,
            method,
            path: path.into(),
            missing_style: None,
            host: None,
        }
    }

    /// The placeholder of an error raised outside any call (by [`crate::runtime::Validate`]
    /// called directly); a call replaces it with its own.
    pub(crate) fn detached() -> Self {
        CallInfo::new("", Method::Get, "")
    }

    fn is_detached(&self) -> bool {
        self.operation.is_empty()
    }
}

impl fmt::Display for CallInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} {})", self.operation, self.method, self.path)?;
        if let Some(host) = &self.host {
            write!(f, " on {host}")?;
        }
        Ok(())
    }
}

/// A vAPI error answered by the server: its kind, messages, data and challenge.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The call that was answered with the error.
    pub call: CallInfo,
    /// The error kind: from the body's `type`/`error_type`, else derived from the status.
    pub kind: ErrorKind,
    /// The HTTP status of the response.
    pub status: u16,
    /// The error's messages (empty when the body had none).
    pub messages: Vec<LocalizableMessage>,
    /// The error's `data`, any structure, when present.
    pub data: Option<Value>,
    /// The `challenge` of an `UNAUTHENTICATED` error, when present.
    pub challenge: Option<String>,
}

/// The error of every operation of the client.
///
/// Every variant but [`Error::Config`] (raised while building the client, before any call)
/// names the call it belongs to ([`Error::call`]). `Display` gives one line: the call, what
/// happened and, where the client can tell, what to do. Neither `Display` nor `Debug` shows a
/// password, a session token or URL credentials.
#[non_exhaustive]
pub enum Error {
    /// The server answered with a vAPI error body (any error status).
    Api(Box<ApiError>),
    /// The server answered with a status other than 2xx and no vAPI error body: a path the
    /// server does not have (a plain `404 page not found`), a proxy's or load balancer's answer,
    /// a redirect, an empty 401, ...
    Http {
        /// The call.
        call: CallInfo,
        /// The HTTP status.
        status: u16,
        /// The `Location` header of a redirect (the client never follows redirects: they would
        /// carry the session token elsewhere).
        location: Option<String>,
        /// The start of the body, when there was one.
        excerpt: Option<String>,
    },
    /// No connection could be made (DNS, refused, unreachable).
    Connect {
        /// The call.
        call: CallInfo,
        /// What failed.
        message: String,
        /// The underlying error.
        source: Option<BoxError>,
    },
    /// The TLS handshake failed, e.g. the server's certificate is not trusted.
    Tls {
        /// The call.
        call: CallInfo,
        /// What failed and what to do about it.
        message: String,
        /// The underlying error.
        source: Option<BoxError>,
    },
    /// The exchange failed after connecting (connection reset, protocol error, ...).
    Transport {
        /// The call.
        call: CallInfo,
        /// What failed.
        message: String,
        /// The underlying error.
        source: Option<BoxError>,
    },
    /// A time limit ran out: the connect timeout, the request timeout, a task wait's deadline or
    /// one of an OVF export's limits.
    Timeout {
        /// The call.
        call: CallInfo,
        /// What did not finish in time, the setting that limits it (e.g.
        /// `ClientBuilder::connect_timeout`, `WaitOptions::deadline`) and what to do.
        message: String,
    },
    /// A successful response's body could not be decoded into the expected type.
    Decode {
        /// The call.
        call: CallInfo,
        /// The HTTP status of the response.
        status: u16,
        /// Why decoding failed.
        message: String,
        /// The start of the body.
        excerpt: String,
    },
    /// The response body exceeded the client's limit; reading stopped there.
    ResponseTooLarge {
        /// The call.
        call: CallInfo,
        /// The HTTP status of the response.
        status: u16,
        /// The limit in bytes.
        limit: usize,
        /// The start of the body.
        excerpt: String,
    },
    /// A request value failed validation before anything was sent.
    Validation {
        /// The call that was not sent.
        call: CallInfo,
        /// The full path of the offending field, e.g. `spec.nics_to_update["4000"].mac_address`.
        field: String,
        /// What is wrong, e.g. `required when mac_type is MANUAL`.
        message: String,
    },
    /// The client was configured wrongly (bad base URL, bad certificate, ...); raised by
    /// [`ClientBuilder`](crate::runtime::ClientBuilder) before any call.
    Config {
        /// What is wrong and what to do about it.
        message: String,
        /// The underlying error, when there is one.
        source: Option<BoxError>,
    },
    /// The request could not be built (missing path parameter, missing credentials, a body
    /// that does not serialize, ...).
    Usage {
        /// The call that was not sent.
        call: CallInfo,
        /// What is wrong.
        message: String,
    },
}

impl Error {
    /// The call the error belongs to; `None` only for [`Error::Config`].
    pub fn call(&self) -> Option<&CallInfo> {
        match self {
            Error::Api(api) => Some(&api.call),
            Error::Http { call, .. }
            | Error::Connect { call, .. }
            | Error::Tls { call, .. }
            | Error::Transport { call, .. }
            | Error::Timeout { call, .. }
            | Error::Decode { call, .. }
            | Error::ResponseTooLarge { call, .. }
            | Error::Validation { call, .. }
            | Error::Usage { call, .. } => Some(call),
            Error::Config { .. } => None,
        }
    }

    /// The vAPI error kind, for vAPI errors answered by the server ([`Error::Api`]); `None`
    /// for a bare HTTP error ([`Error::Http`]) and everything else.
    pub fn kind(&self) -> Option<&ErrorKind> {
        self.api().map(|api| &api.kind)
    }

    /// The server's vAPI error, when the server answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Http { status, .. }
            | Error::Decode { status, .. }
            | Error::ResponseTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The vAPI messages of a server error (empty otherwise).
    pub fn messages(&self) -> &[LocalizableMessage] {
        self.api().map_or(&[], |api| &api.messages)
    }

    /// The `data` of a server error, when present.
    pub fn data(&self) -> Option<&Value> {
        self.api().and_then(|api| api.data.as_ref())
    }

    /// The `challenge` of an `UNAUTHENTICATED` error, when present.
    pub fn challenge(&self) -> Option<&str> {
        self.api().and_then(|api| api.challenge.as_deref())
    }

    /// The start of a body that was not a vAPI error (or could not be decoded, or was too large).
    pub fn body_excerpt(&self) -> Option<&str> {
        match self {
            Error::Http { excerpt, .. } => excerpt.as_deref(),
            Error::Decode { excerpt, .. } | Error::ResponseTooLarge { excerpt, .. } => {
                Some(excerpt)
            }
            _ => None,
        }
    }

    /// The `Location` of a redirect the server answered with.
    pub fn location(&self) -> Option<&str> {
        match self {
            Error::Http { location, .. } => location.as_deref(),
            _ => None,
        }
    }

    /// Whether a client-side timeout ended the request.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Whether the server refused the session: a vAPI `UNAUTHENTICATED` error, or a bare 401.
    pub fn is_unauthenticated(&self) -> bool {
        self.kind() == Some(&ErrorKind::Unauthenticated)
            || matches!(self, Error::Http { status: 401, .. })
    }

    pub(crate) fn usage(call: &CallInfo, message: impl Into<String>) -> Error {
        Error::Usage {
            call: call.clone(),
            message: message.into(),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::Config {
            message: message.into(),
            source: None,
        }
    }

    pub(crate) fn config_caused(message: impl Into<String>, source: impl Into<BoxError>) -> Error {
        Error::Config {
            message: message.into(),
            source: Some(source.into()),
        }
    }

    /// The same error, belonging to `call` when it was raised outside one (validation).
    pub(crate) fn within(mut self, within: &CallInfo) -> Error {
        if let Error::Validation { call, .. } = &mut self {
            if call.is_detached() {
                *call = within.clone();
            }
        }
        self
    }

    /// Builds the error for a non-success response from its status, `Location` header and
    /// (bounded) body.
    ///
    /// A vAPI error body in either format (`/rest`:
    /// `{"type": "com.vmware.vapi.std.errors.<snake>", "value": {...}}`, `/api`:
    /// `{"error_type": "<UPPER_SNAKE>", ...}`), whatever the content type, is an
    /// [`Error::Api`]; anything else is an [`Error::Http`] keeping the start of the body.
    pub(crate) fn from_response(
        call: &CallInfo,
        status: u16,
        location: Option<String>,
        body: &[u8],
    ) -> Error {
        let parsed: Option<Value> = serde_json::from_slice(body).ok();
        let Some((kind, fields)) = parsed.as_ref().and_then(|v| vapi_error(v, status)) else {
            let excerpt = excerpt(body);
            return Error::Http {
                call: call.clone(),
                status,
                location,
                excerpt: (!excerpt.is_empty()).then_some(excerpt),
            };
        };
        let messages = match fields.get("messages") {
            Some(Value::Array(items)) => items.iter().map(LocalizableMessage::from_value).collect(),
            _ => Vec::new(),
        };
        Error::Api(Box::new(ApiError {
            call: call.clone(),
            kind,
            status,
            messages,
            data: fields.get("data").filter(|v| !v.is_null()).cloned(),
            challenge: fields
                .get("challenge")
                .and_then(Value::as_str)
                .map(str::to_owned),
        }))
    }
}

/// The kind and the error fields of a vAPI error body, in either format.
fn vapi_error(value: &Value, status: u16) -> Option<(ErrorKind, &Map<String, Value>)> {
    let object = value.as_object()?;
    if let (Some(Value::String(name)), Some(Value::Object(fields))) =
        (object.get("type"), object.get("value"))
    {
        return Some((ErrorKind::from_rest_type(name), fields));
    }
    if let Some(Value::String(name)) = object.get("error_type") {
        return Some((ErrorKind::from_error_type(name), object));
    }
    if let Some(Value::Object(fields)) = object.get("value") {
        if let Some(Value::String(name)) = fields.get("error_type") {
            return Some((ErrorKind::from_error_type(name), fields));
        }
        if matches!(fields.get("messages"), Some(Value::Array(_))) {
            return Some((ErrorKind::from_status(status), fields));
        }
    }
    if matches!(object.get("messages"), Some(Value::Array(_))) {
        return Some((ErrorKind::from_status(status), object));
    }
    None
}

/// The start of a body as text, for error reports.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let cut = body.len() > EXCERPT_BYTES;
    let head = &body[..body.len().min(EXCERPT_BYTES)];
    let mut text = String::from_utf8_lossy(head).trim().to_owned();
    if cut {
        text.push('…');
    }
    text
}

/// The first line of a text, shortened for a one-line display.
fn one_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    let mut short: String = line.chars().take(200).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} (HTTP {})", self.call, self.kind, self.status)?;
        if let Some(message) = self.messages.iter().find(|m| !m.default_message.is_empty()) {
            write!(f, ": {}", message.default_message)
        } else if let Some(message) = self.messages.first() {
            write!(f, ": {}", message.id)
        } else {
            Ok(())
        }
    }
}

impl std::error::Error for ApiError {}

/// What an HTTP status without a vAPI body most likely means, and what to do.
fn http_advice(call: &CallInfo, status: u16) -> String {
    if let Some(preferred) = call.missing_style {
        return format!(
            "; the operation has no /{preferred} form, so its /{} form was sent: a server that \
             speaks only /{preferred} does not have it",
            preferred.other()
        );
    }
    match status {
        300..=399 => "; the client does not follow redirects (they would carry the session \
                      token elsewhere): use the redirect's target as the base URL"
            .to_owned(),
        401 if call.host.is_some() => "; that server is not the client's vCenter: it was sent \
                                       no session and the client does not log in again for it, \
                                       so the URL was refused as it is (a new export session \
                                       gives new file URLs)"
            .to_owned(),
        401 => "; log in (Client::login) or give valid credentials".to_owned(),
        404 | 405 => "; the server does not have this endpoint: check the base URL and the \
                      URL style (Style::Api needs vSphere 7.0 U2 or later)"
            .to_owned(),
        _ => String::new(),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(call) = self.call().filter(|call| !call.is_detached()) {
            if !matches!(self, Error::Api(_)) {
                write!(f, "{call}: ")?;
            }
        }
        match self {
            Error::Api(api) => api.fmt(f),
            Error::Http {
                call,
                status,
                location,
                excerpt,
            } => {
                write!(f, "HTTP {status} without a vAPI error body")?;
                if let Some(location) = location {
                    write!(f, ", redirecting to `{}`", redact_url(location))?;
                }
                if let Some(body) = excerpt {
                    write!(f, ": {}", one_line(body))?;
                }
                f.write_str(&http_advice(call, *status))
            }
            Error::Connect { message, .. } => write!(
                f,
                "could not connect: {message}; check the host name, the port and that the \
                 server is reachable from here"
            ),
            Error::Tls { message, .. } => write!(f, "TLS handshake failed: {message}"),
            Error::Transport { message, .. } => write!(f, "transport failure: {message}"),
            Error::Timeout { message, .. } => write!(f, "timed out: {message}"),
            Error::Decode {
                status, message, ..
            } => write!(
                f,
                "could not decode the response (HTTP {status}): {message}"
            ),
            Error::ResponseTooLarge { status, limit, .. } => write!(
                f,
                "response body larger than {limit} bytes (HTTP {status}); raise \
                 ClientBuilder::max_response_bytes if the answer is expected to be this large"
            ),
            Error::Validation { field, message, .. } => {
                write!(f, "invalid `{field}`, not sent: {message}")
            }
            Error::Config { message, .. } => write!(f, "invalid client configuration: {message}"),
            Error::Usage { message, .. } => write!(f, "invalid request, not sent: {message}"),
        }
    }
}

/// A source error for `Debug`: the parts of its chain that the message does not already say,
/// so that a reason is printed once.
struct Chain<'a>(&'a Option<BoxError>, &'a str);

impl fmt::Debug for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(error) = self.0 else {
            return f.write_str("None");
        };
        let mut parts: Vec<String> = Vec::new();
        let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error.as_ref());
        while let Some(error) = current {
            let text = error.to_string();
            if !self.1.contains(&text) && !parts.iter().any(|part| part.contains(&text)) {
                parts.push(text);
            }
            current = error.source();
        }
        if parts.is_empty() {
            f.write_str("Some(<as in message>)")
        } else {
            fmt::Debug::fmt(&parts.join(": "), f)
        }
    }
}

/// An error and its sources as one line, without repeating identical parts.
pub(crate) fn chain_message(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(error);
    while let Some(error) = current {
        let text = error.to_string();
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        current = error.source();
    }
    parts.join(": ")
}

/// A URL as errors and `Debug` show it: scheme, host, port and path, with the user information
/// replaced by `<redacted>` and the query by `?…` (`https://u:pw@esx:443/nfc/d.vmdk?ticket=t` →
/// `https://<redacted>@esx:443/nfc/d.vmdk?…`); the fragment is dropped.
///
/// Done on the text rather than a parsed URL so that a URL that does not parse is hidden the
/// same way: download URLs and redirect targets come from the server and may carry a ticket or
/// token in either place.
pub(crate) fn redact_url(text: &str) -> String {
    let (prefix, rest) = match text.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), text),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rfind('@') {
        Some(at) => format!("<redacted>@{}", &authority[at + 1..]),
        None => authority.to_owned(),
    };
    let path_end = tail.find(['?', '#']).unwrap_or(tail.len());
    let (path, after) = tail.split_at(path_end);
    let query = if after.starts_with('?') { "?…" } else { "" };
    format!("{prefix}{authority}{path}{query}")
}

// Written by hand so that sources print as one line each (a reqwest error's `Debug` repeats
// its whole chain) and so that no field can ever carry a secret into the output.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(api) => f.debug_tuple("Api").field(api).finish(),
            Error::Http {
                call,
                status,
                location,
                excerpt,
            } => f
                .debug_struct("Http")
                .field("call", call)
                .field("status", status)
                .field("location", &location.as_deref().map(redact_url))
                .field("excerpt", excerpt)
                .finish(),
            Error::Connect {
                call,
                message,
                source,
            } => f
                .debug_struct("Connect")
                .field("call", call)
                .field("message", message)
                .field("source", &Chain(source, message))
                .finish(),
            Error::Tls {
                call,
                message,
                source,
            } => f
                .debug_struct("Tls")
                .field("call", call)
                .field("message", message)
                .field("source", &Chain(source, message))
                .finish(),
            Error::Transport {
                call,
                message,
                source,
            } => f
                .debug_struct("Transport")
                .field("call", call)
                .field("message", message)
                .field("source", &Chain(source, message))
                .finish(),
            Error::Timeout { call, message } => f
                .debug_struct("Timeout")
                .field("call", call)
                .field("message", message)
                .finish(),
            Error::Decode {
                call,
                status,
                message,
                excerpt,
            } => f
                .debug_struct("Decode")
                .field("call", call)
                .field("status", status)
                .field("message", message)
                .field("excerpt", excerpt)
                .finish(),
            Error::ResponseTooLarge {
                call,
                status,
                limit,
                excerpt,
            } => f
                .debug_struct("ResponseTooLarge")
                .field("call", call)
                .field("status", status)
                .field("limit", limit)
                .field("excerpt", excerpt)
                .finish(),
            Error::Validation {
                call,
                field,
                message,
            } => f
                .debug_struct("Validation")
                .field("call", call)
                .field("field", field)
                .field("message", message)
                .finish(),
            Error::Config { message, source } => f
                .debug_struct("Config")
                .field("message", message)
                .field("source", &Chain(source, message))
                .finish(),
            Error::Usage { call, message } => f
                .debug_struct("Usage")
                .field("call", call)
                .field("message", message)
                .finish(),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Connect { source, .. }
            | Error::Tls { source, .. }
            | Error::Transport { source, .. }
            | Error::Config { source, .. } => source
                .as_deref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
            _ => None,
        }
    }
}
