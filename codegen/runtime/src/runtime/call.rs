//! One call of an operation: parameters in, decoded result out.

use std::fmt;
use std::time::Instant;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use tracing::Instrument;

use crate::runtime::client::elapsed_ms;
use crate::runtime::error::{CallInfo, excerpt};
use crate::runtime::path::expand;
use crate::runtime::transport::Answer;
use crate::runtime::{
    BodyKind, Client, Endpoint, Error, Method, Operation, RestForm, Style, Validate,
};

/// A call of one operation being put together; see [`Client::call`].
///
/// Parameters are added with `&mut self` methods, then [`Call::send`] or [`Call::send_empty`]
/// consumes the call:
///
/// ```text
/// let mut call = client.call(&CHECK_OUT);
/// call.path_param("template_library_item", item.as_str());
/// call.body_param("spec", &spec)?;
/// let vm: String = call.send().await?;
/// ```
pub struct Call<'a> {
    client: &'a Client,
    operation: &'static Operation,
    selected: Option<(Style, &'static Endpoint)>,
    path_params: Vec<(String, String)>,
    query: Vec<(String, String)>,
    body: Vec<(String, Value)>,
    headers: Vec<(reqwest::header::HeaderName, reqwest::header::HeaderValue)>,
    cookies: Vec<String>,
    raw_body: Option<(&'static str, Vec<u8>)>,
}

impl<'a> Call<'a> {
    pub(crate) fn new(client: &'a Client, operation: &'static Operation) -> Call<'a> {
        Call {
            client,
            operation,
            selected: operation.select(client.style()),
            path_params: Vec::new(),
            query: Vec::new(),
            body: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            raw_body: None,
        }
    }

    /// The style this call uses (the client's when the operation has it, else the other).
    pub fn style(&self) -> Style {
        self.selected
            .map_or(self.client.style(), |(style, _)| style)
    }

    /// The endpoint this call uses, if the operation has one.
    pub fn endpoint(&self) -> Option<&'static Endpoint> {
        self.selected.map(|(_, endpoint)| endpoint)
    }

    /// Sets the value of the `{name}` placeholder of the path template; it is sent
    /// percent-encoded as one path segment.
    pub fn path_param(&mut self, name: &str, value: &str) -> &mut Self {
        self.path_params.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Adds a query parameter; repeat it for a list. `?action=` comes from the endpoint.
    pub fn query_param(&mut self, name: &str, value: &str) -> &mut Self {
        self.query.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Adds a query parameter whose value is a structure, a map, a list of those or any JSON:
    /// flattened into one pair per scalar, `name[field]=value` under `/api` (the deepObject
    /// style VMware's own REST runtime uses) and `name.field=value` under `/rest` (its
    /// `filter.names` style); `null` sends nothing.
    ///
    /// Under `/api` a list repeats its items' pairs in order. Under `/rest` a list is numbered
    /// from 1, as VMware's `/rest` server reads it (`name.1.field=v&name.2.field=w`, and
    /// `name.field.1=v` for a list inside a structure), except a list of scalars given as the
    /// whole value, which repeats `name=v` as VMware's `/rest` files spell list parameters.
    pub fn query_value<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), Error> {
        let json = serde_json::to_value(value).map_err(|e| {
            Error::usage(
                &self.info(None),
                format!("query parameter `{name}` does not serialize: {e}"),
            )
        })?;
        let style = self.style();
        flatten_query(name, &json, style, &mut self.query);
        Ok(())
    }

    /// Adds a request header; the name and value must be valid in HTTP.
    pub fn header_param(&mut self, name: &str, value: &str) -> Result<(), Error> {
        let header = reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            Error::usage(
                &self.info(None),
                format!("`{name}` is not a valid HTTP header name"),
            )
        })?;
        let value = reqwest::header::HeaderValue::from_str(value).map_err(|_| {
            Error::usage(
                &self.info(None),
                format!("the value of header `{name}` holds characters a header cannot carry"),
            )
        })?;
        self.headers.push((header, value));
        Ok(())
    }

    /// Adds a cookie (`name=value` in the `Cookie` header).
    pub fn cookie_param(&mut self, name: &str, value: &str) -> &mut Self {
        self.cookies.push(format!("{name}={value}"));
        self
    }

    /// Sets a body that is not JSON: bytes of the given content type.
    pub fn body_raw(&mut self, content_type: &'static str, bytes: Vec<u8>) -> &mut Self {
        self.raw_body = Some((content_type, bytes));
        self
    }

    /// Adds a body parameter. With [`BodyKind::Bare`] the single parameter is the whole body;
    /// with [`BodyKind::Envelope`] the body is an object keyed by parameter name. Under `/rest`
    /// the value is rewritten by [`RestForm::to_rest`] after serialization.
    pub fn body_param<T>(&mut self, name: &str, value: &T) -> Result<(), Error>
    where
        T: Serialize + RestForm + ?Sized,
    {
        let mut json = serde_json::to_value(value).map_err(|e| {
            Error::usage(
                &self.info(None),
                format!("body parameter `{name}` does not serialize: {e}"),
            )
        })?;
        if self.style() == Style::Rest {
            T::to_rest(&mut json);
        }
        self.body.push((name.to_owned(), json));
        Ok(())
    }

    /// Checks a parameter's union rules (fields required, or refused, by a discriminator's
    /// value), naming the fields from `name`; the error names this call.
    pub fn validate<T: Validate + ?Sized>(&self, value: &T, name: &str) -> Result<(), Error> {
        value
            .validate(name)
            .map_err(|error| error.within(&self.info(None)))
    }

    /// The call as errors name it: the URL's path and query once built, else the template.
    fn info(&self, url: Option<&reqwest::Url>) -> CallInfo {
        let preferred = self.client.style();
        let (method, template) = match self.selected {
            Some((_, endpoint)) => (endpoint.method, endpoint.path),
            None => (Method::Get, ""),
        };
        let path = match url {
            Some(url) => match url.query() {
                Some(query) => format!("{}?{query}", url.path()),
                None => url.path().to_owned(),
            },
            None => template.to_owned(),
        };
        let mut info = CallInfo::new(self.operation.name, method, path);
        if self.style() != preferred {
            info.missing_style = Some(preferred);
        }
        info
    }

    /// Sends the call and decodes the result: the bare body under `/api`; under `/rest` the
    /// `value` of `{"value": ...}`, rewritten by [`RestForm::from_rest`]. An empty body
    /// decodes as JSON `null`.
    pub async fn send<T: DeserializeOwned + RestForm>(self) -> Result<T, Error> {
        let style = self.style();
        let (call, answer) = self.run().await?;
        let (status, body) = (answer.status, answer.body);
        let trimmed = body.trim_ascii();
        let mut value = if trimmed.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(trimmed).map_err(|e| decode_error(&call, status, &body, &e))?
        };
        if style == Style::Rest {
            value = match value {
                Value::Null => Value::Null,
                Value::Object(mut object) if object.contains_key("value") => {
                    object.remove("value").unwrap_or(Value::Null)
                }
                _ => {
                    return Err(Error::Decode {
                        call,
                        status,
                        message: "expected a {\"value\": ...} wrapper".to_owned(),
                        excerpt: excerpt(&body),
                    });
                }
            };
            T::from_rest(&mut value);
        }
        serde_json::from_value(value).map_err(|e| decode_error(&call, status, &body, &e))
    }

    /// Sends the call and returns the success body as bytes.
    pub async fn send_bytes(self) -> Result<Vec<u8>, Error> {
        self.run().await.map(|(_, answer)| answer.body)
    }

    /// Sends the call and returns the success body as text; invalid UTF-8 is a decode error.
    pub async fn send_text(self) -> Result<String, Error> {
        let (call, answer) = self.run().await?;
        String::from_utf8(answer.body).map_err(|e| Error::Decode {
            call,
            status: answer.status,
            message: format!("the body is not UTF-8 text: {e}"),
            excerpt: excerpt(e.as_bytes()),
        })
    }

    /// Sends the call and accepts any success (200, 201, 204, ...), with or without a body.
    pub async fn send_empty(self) -> Result<(), Error> {
        self.run().await.map(|_| ())
    }

    /// Builds and sends the request, in a span; returns the call and its successful answer.
    async fn run(self) -> Result<(CallInfo, Answer), Error> {
        let operation = self.operation;
        let Some((style, endpoint)) = self.selected else {
            return Err(Error::usage(
                &self.info(None),
                "the operation has no endpoint in either URL style",
            ));
        };
        let span = tracing::info_span!(
            "vsphere.call",
            operation = operation.name,
            method = endpoint.method.as_str(),
            path = endpoint.path,
            style = style.as_str(),
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
            relogin = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = async {
            let url = self.url(endpoint)?;
            let call = self.info(Some(&url));
            let body = self.body(endpoint)?;
            let mut headers = self.headers.clone();
            if !self.cookies.is_empty() {
                let cookie = reqwest::header::HeaderValue::from_str(&self.cookies.join("; "))
                    .map_err(|_| {
                        Error::usage(&call, "a cookie holds characters a header cannot carry")
                    })?;
                headers.push((reqwest::header::COOKIE, cookie));
            }
            let answer = self
                .client
                .execute(&call, endpoint.method.to_http(), url, body, &headers, &span)
                .await?;
            span.record("status", answer.status);
            let answer = answer.success(&call)?;
            Ok((call, answer))
        }
        .instrument(span.clone())
        .await;
        span.record("elapsed_ms", elapsed_ms(started));
        result
    }

    fn url(&self, endpoint: &Endpoint) -> Result<reqwest::Url, Error> {
        let path = expand(endpoint.path, &self.path_params)
            .map_err(|message| Error::usage(&self.info(None), message))?;
        let mut url = reqwest::Url::parse(&format!("{}{path}", self.client.base_url()))
            .map_err(|e| Error::usage(&self.info(None), format!("bad URL: {e}")))?;
        if endpoint.action.is_some() || !self.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            if let Some(action) = endpoint.action {
                pairs.append_pair("action", action);
            }
            for (name, value) in &self.query {
                pairs.append_pair(name, value);
            }
        }
        Ok(url)
    }

    /// The body and its content type.
    fn body(&self, endpoint: &Endpoint) -> Result<Option<(&'static str, Vec<u8>)>, Error> {
        if let Some((content_type, bytes)) = &self.raw_body {
            return Ok(Some((content_type, bytes.clone())));
        }
        let usage = |message: String| Error::usage(&self.info(None), message);
        let value = match endpoint.body {
            BodyKind::None if self.body.is_empty() => return Ok(None),
            BodyKind::None => {
                return Err(usage(format!(
                    "the {} endpoint takes no body parameter, got `{}`",
                    self.style(),
                    self.body[0].0
                )));
            }
            BodyKind::Bare => match self.body.as_slice() {
                [] | [(_, Value::Null)] => return Ok(None),
                [(_, value)] => value.clone(),
                _ => {
                    return Err(usage(format!(
                        "a bare body takes one body parameter, got {}",
                        self.body.len()
                    )));
                }
            },
            BodyKind::Envelope => {
                let mut envelope = Map::new();
                for (key, value) in self.body.iter().filter(|(_, value)| !value.is_null()) {
                    envelope.insert(key.clone(), value.clone());
                }
                Value::Object(envelope)
            }
        };
        serde_json::to_vec(&value)
            .map(|bytes| Some(("application/json", bytes)))
            .map_err(|e| usage(format!("body does not serialize: {e}")))
    }
}

/// Appends the pairs of a JSON value sent in the query under `name` (see
/// [`Call::query_value`]).
fn flatten_query(name: &str, value: &Value, style: Style, out: &mut Vec<(String, String)>) {
    // VMware's `/rest` server (vmware-vapi-runtime 9.1.1.0, `URLValueDeserializer.deserialize`)
    // reads a list only from numbered segments once it is below the top (`a.1.b`, from 1, no
    // gaps): unnumbered pairs of a list of structures arrive as one structure of lists, and a
    // lone unnumbered scalar as a scalar, both refused where a list is expected. A list of
    // scalars that is the whole value stays repeated, as VMware's `/rest` files declare such
    // parameters and as the generated `query_param` sends them.
    let top_scalars = matches!(value, Value::Array(items) if items.iter().all(is_scalar));
    flatten_value(name, value, style, top_scalars, out);
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

fn flatten_value(
    name: &str,
    value: &Value,
    style: Style,
    repeat_list: bool,
    out: &mut Vec<(String, String)>,
) {
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push((name.to_owned(), b.to_string())),
        Value::Number(n) => out.push((name.to_owned(), n.to_string())),
        Value::String(s) => out.push((name.to_owned(), s.clone())),
        Value::Array(items) => {
            let numbered = match style {
                Style::Api => false,
                Style::Rest => !repeat_list,
            };
            // Numbers count only the items that send a pair (not `null`, not `{}`): the
            // server refuses a gap.
            let mut sent = 0;
            for item in items {
                let key = if numbered {
                    format!("{name}.{}", sent + 1)
                } else {
                    name.to_owned()
                };
                let before = out.len();
                flatten_value(&key, item, style, false, out);
                if out.len() > before {
                    sent += 1;
                }
            }
        }
        Value::Object(fields) => {
            for (field, value) in fields {
                let key = match style {
                    Style::Api => format!("{name}[{field}]"),
                    Style::Rest => format!("{name}.{field}"),
                };
                flatten_value(&key, value, style, false, out);
            }
        }
    }
}

fn decode_error(call: &CallInfo, status: u16, body: &[u8], error: &serde_json::Error) -> Error {
    Error::Decode {
        call: call.clone(),
        status,
        message: error.to_string(),
        excerpt: excerpt(body),
    }
}

impl fmt::Debug for Call<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body: Vec<&str> = self.body.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("Call")
            .field("operation", &self.operation.name)
            .field("style", &self.style())
            .field("path_params", &self.path_params)
            .field("query", &self.query)
            .field("body_params", &body)
            .finish_non_exhaustive()
    }
}
