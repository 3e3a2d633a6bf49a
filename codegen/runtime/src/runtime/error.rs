//! The one error type of every operation, and the decoding of vAPI error bodies.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::runtime::{RestForm, rest_field};

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
    /// An error type this client does not know, as the server wrote it (for a body without a
    /// vAPI error, `HTTP <status>`).
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

/// An error answered by the server: a vAPI error body, or an HTTP error status without one.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
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
    /// The start of the body, kept only when the body was not a vAPI error.
    pub body_excerpt: Option<String>,
}

/// The error of every operation of the client.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status (a vAPI error, or a bare HTTP error).
    Api(Box<ApiError>),
    /// No connection could be made (DNS, refused, unreachable).
    Connect {
        /// What failed.
        message: String,
        /// The underlying error.
        source: Option<BoxError>,
    },
    /// The TLS handshake failed, e.g. the server's certificate is not trusted.
    Tls {
        /// What failed.
        message: String,
        /// The underlying error.
        source: Option<BoxError>,
    },
    /// The exchange failed after connecting (connection reset, protocol error, ...).
    Transport {
        /// What failed.
        message: String,
        /// The underlying error.
        source: Option<BoxError>,
    },
    /// The connect timeout or the request timeout ran out.
    Timeout {
        /// Which step timed out.
        message: String,
    },
    /// A successful response's body could not be decoded into the expected type.
    Decode {
        /// The HTTP status of the response.
        status: u16,
        /// Why decoding failed.
        message: String,
        /// The start of the body.
        excerpt: String,
    },
    /// The response body exceeded the client's limit; reading stopped there.
    ResponseTooLarge {
        /// The HTTP status of the response.
        status: u16,
        /// The limit in bytes.
        limit: usize,
        /// The start of the body.
        excerpt: String,
    },
    /// A request value failed validation before anything was sent.
    Validation {
        /// The full path of the offending field, e.g. `spec.nics_to_update["4000"].mac_address`.
        field: String,
        /// What is wrong, e.g. `required when mac_type is MANUAL`.
        message: String,
    },
    /// The client was configured wrongly (bad base URL, bad certificate, ...).
    Config {
        /// What is wrong.
        message: String,
    },
    /// The request could not be built (missing path parameter, missing credentials, a body
    /// that does not serialize, ...).
    Usage {
        /// What is wrong.
        message: String,
    },
}

impl Error {
    /// The vAPI error kind, for errors answered by the server.
    pub fn kind(&self) -> Option<&ErrorKind> {
        self.api().map(|api| &api.kind)
    }

    /// The server's error, when the server answered with one.
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
            Error::Decode { status, .. } | Error::ResponseTooLarge { status, .. } => Some(*status),
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
            Error::Api(api) => api.body_excerpt.as_deref(),
            Error::Decode { excerpt, .. } | Error::ResponseTooLarge { excerpt, .. } => {
                Some(excerpt)
            }
            _ => None,
        }
    }

    /// Whether a client-side timeout ended the request.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Whether the server answered `UNAUTHENTICATED` (no valid session).
    pub fn is_unauthenticated(&self) -> bool {
        self.kind() == Some(&ErrorKind::Unauthenticated)
    }

    pub(crate) fn usage(message: impl Into<String>) -> Error {
        Error::Usage {
            message: message.into(),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::Config {
            message: message.into(),
        }
    }

    /// Builds the error for a non-success response from its status and (bounded) body.
    ///
    /// The body decides the kind when it is a vAPI error in either format (`/rest`:
    /// `{"type": "com.vmware.vapi.std.errors.<snake>", "value": {...}}`, `/api`:
    /// `{"error_type": "<UPPER_SNAKE>", ...}`), whatever the content type; otherwise the status
    /// does, and the start of the body is kept.
    pub(crate) fn from_response(status: u16, body: &[u8]) -> Error {
        let parsed: Option<Value> = serde_json::from_slice(body).ok();
        let Some((kind, fields)) = parsed.as_ref().and_then(|v| vapi_error(v, status)) else {
            let excerpt = excerpt(body);
            return Error::Api(Box::new(ApiError {
                kind: ErrorKind::from_status(status),
                status,
                messages: Vec::new(),
                data: None,
                challenge: None,
                body_excerpt: (!excerpt.is_empty()).then_some(excerpt),
            }));
        };
        let messages = match fields.get("messages") {
            Some(Value::Array(items)) => items.iter().map(LocalizableMessage::from_value).collect(),
            _ => Vec::new(),
        };
        Error::Api(Box::new(ApiError {
            kind,
            status,
            messages,
            data: fields.get("data").filter(|v| !v.is_null()).cloned(),
            challenge: fields
                .get("challenge")
                .and_then(Value::as_str)
                .map(str::to_owned),
            body_excerpt: None,
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
        write!(f, "{} (HTTP {})", self.kind, self.status)?;
        if let Some(message) = self.messages.iter().find(|m| !m.default_message.is_empty()) {
            write!(f, ": {}", message.default_message)
        } else if let Some(message) = self.messages.first() {
            write!(f, ": {}", message.id)
        } else if let Some(body) = &self.body_excerpt {
            write!(f, ": {}", one_line(body))
        } else {
            Ok(())
        }
    }
}

impl std::error::Error for ApiError {}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(api) => api.fmt(f),
            Error::Connect { message, .. } => write!(f, "could not connect: {message}"),
            Error::Tls { message, .. } => write!(f, "TLS failure: {message}"),
            Error::Transport { message, .. } => write!(f, "transport failure: {message}"),
            Error::Timeout { message } => write!(f, "timed out: {message}"),
            Error::Decode {
                status, message, ..
            } => write!(
                f,
                "could not decode the response (HTTP {status}): {message}"
            ),
            Error::ResponseTooLarge { status, limit, .. } => {
                write!(f, "response body larger than {limit} bytes (HTTP {status})")
            }
            Error::Validation { field, message } => write!(f, "invalid `{field}`: {message}"),
            Error::Config { message } => write!(f, "invalid client configuration: {message}"),
            Error::Usage { message } => write!(f, "invalid request: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Connect { source, .. }
            | Error::Tls { source, .. }
            | Error::Transport { source, .. } => source
                .as_deref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
            _ => None,
        }
    }
}
