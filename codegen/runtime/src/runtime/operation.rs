//! Static descriptors of operations: which HTTP request each URL style sends.

use std::fmt;

/// The URL style of the vSphere Automation REST API a client speaks.
///
/// Both styles expose the same operations; they differ in paths, in how request and response
/// bodies are wrapped, in how maps are written and in whether dynamic structures carry `@class`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Style {
    /// The `/api/...` style (vSphere 7.0 U2 and later): bare bodies, JSON-object maps.
    #[default]
    Api,
    /// The legacy `/rest/...` style (vSphere 6.5 and later): bodies wrapped as
    /// `{"param": ...}` and `{"value": ...}`, maps as key/value lists, `@class` on dynamic
    /// structures.
    Rest,
}

impl Style {
    /// The name of the style as it appears in paths and logs: `"api"` or `"rest"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Style::Api => "api",
            Style::Rest => "rest",
        }
    }

    /// The other style.
    pub const fn other(self) -> Style {
        match self {
            Style::Api => Style::Rest,
            Style::Rest => Style::Api,
        }
    }
}

impl fmt::Display for Style {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An HTTP method used by vSphere operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
    /// `HEAD`
    Head,
    /// `OPTIONS`
    Options,
}

impl Method {
    /// The method's name as sent on the wire (`"GET"`, `"POST"`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
        }
    }

    pub(crate) fn to_http(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
            Method::Head => reqwest::Method::HEAD,
            Method::Options => reqwest::Method::OPTIONS,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the body parameters of an endpoint are sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BodyKind {
    /// No request body.
    None,
    /// The single body parameter is the whole body, unwrapped (the `/api` style). An unset
    /// (`null`) parameter sends no body at all.
    Bare,
    /// One JSON object keyed by body-parameter name (the `/rest` style); unset (`null`)
    /// parameters are left out.
    Envelope,
}

/// One HTTP request shape of an operation in one URL style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The HTTP method.
    pub method: Method,
    /// The path template, with `{snake_name}` placeholders for path parameters,
    /// e.g. `/api/vcenter/vm-template/library-items/{template_library_item}/check-outs`.
    pub path: &'static str,
    /// The custom action, sent as `?action=<name>` (e.g. `Some("instant-clone")`).
    pub action: Option<&'static str>,
    /// How body parameters are sent.
    pub body: BodyKind,
}

/// A static descriptor of one vSphere operation, emitted once per operation by the generator.
///
/// An operation has an endpoint in at least one of the two URL styles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// A name for logs and errors, e.g. `"vcenter.vm.instant_clone"`.
    pub name: &'static str,
    /// The `/api` endpoint, when the operation has one.
    pub api: Option<Endpoint>,
    /// The `/rest` endpoint, when the operation has one.
    pub rest: Option<Endpoint>,
}

impl Operation {
    /// The endpoint of the given style, if the operation has one.
    pub const fn endpoint(&self, style: Style) -> Option<&Endpoint> {
        match style {
            Style::Api => self.api.as_ref(),
            Style::Rest => self.rest.as_ref(),
        }
    }

    /// The style and endpoint used by a client preferring `preferred`: that style when the
    /// operation has it, else the other one; `None` when the operation has no endpoint at all.
    pub const fn select(&self, preferred: Style) -> Option<(Style, &Endpoint)> {
        match self.endpoint(preferred) {
            Some(endpoint) => Some((preferred, endpoint)),
            None => match self.endpoint(preferred.other()) {
                Some(endpoint) => Some((preferred.other(), endpoint)),
                None => None,
            },
        }
    }
}
