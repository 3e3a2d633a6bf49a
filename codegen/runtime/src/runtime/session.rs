//! Session wire facts (endpoints, header) and the secrets a client holds.

use std::fmt;

use serde_json::Value;

use crate::runtime::Style;

/// The header that carries the session token on every call.
pub const SESSION_HEADER: &str = "vmware-api-session-id";

/// The session endpoint of a style: `POST` creates a session (HTTP Basic auth), `DELETE` ends it.
pub const fn session_path(style: Style) -> &'static str {
    match style {
        Style::Api => "/api/session",
        Style::Rest => "/rest/com/vmware/cis/session",
    }
}

/// A secret string (password or session token) whose `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: String) -> Secret {
        Secret(value)
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A user name and password for HTTP Basic auth when creating sessions.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub(crate) username: String,
    pub(crate) password: Secret,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &self.password)
            .finish()
    }
}

/// The token in a session-creation answer: a bare JSON string (`/api`) or `{"value": "..."}`
/// (`/rest`), accepted in either style; `None` for anything else, or a token that could not be
/// sent back in a header.
pub(crate) fn decode_token(body: &[u8]) -> Option<String> {
    match serde_json::from_slice::<Value>(body).ok()? {
        Value::String(token) => Some(token),
        Value::Object(mut object) => match object.remove("value") {
            Some(Value::String(token)) => Some(token),
            _ => None,
        },
        _ => None,
    }
    // A token is sent back as a header value: printable ASCII only.
    .filter(|token| !token.is_empty() && token.bytes().all(|b| b.is_ascii_graphic()))
}
