//! The client: configuration, the HTTP connection pool, the session.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use tracing::Instrument;

use crate::runtime::call::Call;
use crate::runtime::error::CallInfo;
use crate::runtime::session::{
    Credentials, Entry, LoginGate, Outcome, SESSION_HEADER, Secret, decode_token, session_path,
};
use crate::runtime::transport::{Answer, Limits, exchange};
use crate::runtime::{Error, Method, Operation, Style};

/// The default time allowed to establish a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default time allowed for a whole request, from sending to the last body byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// The default limit on the size of a response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

const JSON: &str = "application/json";

/// A vSphere Automation REST client: one connection pool, one URL style, one session.
///
/// Cheap to clone (clones share the pool and the session); `Send + Sync`.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    style: Style,
    credentials: Option<Credentials>,
    token: RwLock<Option<Secret>>,
    relogin: LoginGate,
    /// Set by [`Client::logout`], cleared by [`Client::login`]: while set, a 401 is not
    /// answered by logging in again (that would open a session nothing ends).
    logged_out: AtomicBool,
    max_response_bytes: usize,
    limits: Limits,
}

/// Configures and builds a [`Client`]; see [`Client::builder`].
pub struct ClientBuilder {
    base_url: String,
    style: Style,
    credentials: Option<Credentials>,
    token: Option<Secret>,
    roots: Vec<rustls::pki_types::CertificateDer<'static>>,
    accept_invalid_certificates: bool,
    connect_timeout: Duration,
    timeout: Duration,
    max_response_bytes: usize,
    no_proxy: bool,
}

impl Client {
    /// Starts configuring a client for a server, e.g. `https://vcenter.example.com`.
    ///
    /// Without a scheme `https://` is assumed; plain `http://` is used only when the URL says
    /// so. A path prefix (`https://proxy.example.com/vc1`) is kept in front of every request
    /// path. The URL is checked by [`ClientBuilder::build`].
    pub fn builder(base_url: &str) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.trim().to_owned(),
            style: Style::Api,
            credentials: None,
            token: None,
            roots: Vec::new(),
            accept_invalid_certificates: false,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            no_proxy: false,
        }
    }

    /// The base URL requests are sent to (without a trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The URL style the client prefers.
    pub fn style(&self) -> Style {
        self.inner.style
    }

    /// The session token currently held, if any.
    pub fn session_token(&self) -> Option<String> {
        self.token().map(|token| token.expose().to_owned())
    }

    /// Creates a session with HTTP Basic auth using the client's credentials, in the client's
    /// style (`POST /api/session` or `POST /rest/com/vmware/cis/session`), stores its token
    /// for later calls and returns it. It also turns automatic re-login back on after
    /// [`Client::logout`].
    pub async fn login(&self) -> Result<String, Error> {
        self.inner.logged_out.store(false, Ordering::SeqCst);
        self.create_session().await
    }

    async fn create_session(&self) -> Result<String, Error> {
        let style = self.inner.style;
        let path = session_path(style);
        let call = CallInfo::new("cis.session.create", Method::Post, path);
        let span = tracing::info_span!(
            "vsphere.login",
            style = style.as_str(),
            path,
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = async {
            let credentials = self.inner.credentials.as_ref().ok_or_else(|| {
                Error::usage(
                    &call,
                    "login needs credentials: set them with ClientBuilder::credentials",
                )
            })?;
            let request = self
                .inner
                .http
                .post(format!("{}{path}", self.inner.base_url))
                .header(ACCEPT, JSON)
                // RFC 9110 asks for a length on a POST; proxies may answer 411 without one.
                .header(CONTENT_LENGTH, "0")
                .basic_auth(&credentials.username, Some(credentials.password.expose()));
            let answer = exchange(
                request,
                self.inner.max_response_bytes,
                &self.inner.limits,
                &call,
            )
            .await?;
            span.record("status", answer.status);
            let Answer { status, body, .. } = answer.success(&call)?;
            let token = decode_token(&body).ok_or_else(|| Error::Decode {
                call: call.clone(),
                status,
                message: "expected a session token (a JSON string, or {\"value\": string})"
                    .to_owned(),
                // The body may hold a token in a shape not understood: never repeat it.
                excerpt: format!("<{} bytes withheld>", body.len()),
            })?;
            self.set_token(Some(Secret::new(token.clone())));
            Ok(token)
        }
        .instrument(span.clone())
        .await;
        span.record("elapsed_ms", elapsed_ms(started));
        result
    }

    /// Ends the session (`DELETE` on the session endpoint) and forgets its token whatever the
    /// outcome. Without a session token it sends nothing. Either way, until the next
    /// [`Client::login`], a call answered 401 fails instead of logging in again.
    pub async fn logout(&self) -> Result<(), Error> {
        self.inner.logged_out.store(true, Ordering::SeqCst);
        let Some(token) = self.token() else {
            return Ok(());
        };
        let style = self.inner.style;
        let path = session_path(style);
        let call = CallInfo::new("cis.session.delete", Method::Delete, path);
        let span = tracing::info_span!(
            "vsphere.logout",
            style = style.as_str(),
            path,
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = async {
            let request = self
                .inner
                .http
                .delete(format!("{}{path}", self.inner.base_url))
                .header(ACCEPT, JSON)
                .header(SESSION_HEADER, token_header(&token, &call)?);
            let outcome = exchange(
                request,
                self.inner.max_response_bytes,
                &self.inner.limits,
                &call,
            )
            .await;
            self.clear_token_if(&token);
            let answer = outcome?;
            span.record("status", answer.status);
            answer.success(&call).map(drop)
        }
        .instrument(span.clone())
        .await;
        span.record("elapsed_ms", elapsed_ms(started));
        result
    }

    /// Starts a call of an operation, in the client's preferred style when the operation has
    /// it, else in the other one. Generated code's entry point; not meant to be called directly.
    #[doc(hidden)]
    pub fn call(&self, operation: &'static Operation) -> Call<'_> {
        Call::new(self, operation)
    }

    /// The HTTP connection pool, for requests that are not calls (OVF file downloads).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The connect limit the connection pool was built with, for requests that are not calls
    /// but use the pool (OVF file downloads).
    pub(crate) fn connect_limit(&self) -> (&'static str, Duration) {
        self.inner.limits.connect
    }

    /// Whether a 401 may be answered by logging in again: the client has credentials and was
    /// not logged out.
    pub(crate) fn may_relogin(&self) -> bool {
        self.inner.credentials.is_some() && !self.inner.logged_out.load(Ordering::SeqCst)
    }

    pub(crate) fn token(&self) -> Option<Secret> {
        self.inner
            .token
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set_token(&self, token: Option<Secret>) {
        *self
            .inner
            .token
            .write()
            .unwrap_or_else(PoisonError::into_inner) = token;
    }

    fn clear_token_if(&self, expected: &Secret) {
        let mut token = self
            .inner
            .token
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if token.as_ref() == Some(expected) {
            *token = None;
        }
    }

    /// Sends one request of a call: with the session header when a token is held; on a 401,
    /// when the client has credentials and was not logged out, logs in again (see
    /// [`Client::relogin`]) and sends the same bytes once more, never more than once.
    pub(crate) async fn execute(
        &self,
        call: &CallInfo,
        method: reqwest::Method,
        url: reqwest::Url,
        body: Option<(&'static str, Vec<u8>)>,
        headers: &[(reqwest::header::HeaderName, HeaderValue)],
        span: &tracing::Span,
    ) -> Result<Answer, Error> {
        let mut retried = false;
        // RFC 9110: a request whose method defines a meaning for content carries a length;
        // proxies in front of vCenter may answer 411 to a bodyless POST without one.
        let wants_length = matches!(
            method,
            reqwest::Method::POST | reqwest::Method::PUT | reqwest::Method::PATCH
        );
        loop {
            let sent_token = self.token();
            let mut request = self
                .inner
                .http
                .request(method.clone(), url.clone())
                .header(ACCEPT, JSON);
            if let Some(token) = &sent_token {
                request = request.header(SESSION_HEADER, token_header(token, call)?);
            }
            for (name, value) in headers {
                request = request.header(name, value);
            }
            if let Some((content_type, body)) = &body {
                request = request
                    .header(CONTENT_TYPE, *content_type)
                    .body(body.clone());
            } else if wants_length {
                request = request.header(CONTENT_LENGTH, "0");
            }
            let answer = exchange(
                request,
                self.inner.max_response_bytes,
                &self.inner.limits,
                call,
            )
            .await?;
            if answer.status != 401 || retried || !self.may_relogin() {
                return Ok(answer);
            }
            retried = true;
            span.record("relogin", true);
            if !self.relogin(sent_token.as_ref()).await? {
                return Ok(answer);
            }
        }
    }

    /// Makes sure a fresh session exists after a call that sent `sent` was answered 401, with
    /// one login for any number of concurrent calls; returns whether to retry the call.
    ///
    /// When another call's re-login is in flight, waits for it: retries after a success, and
    /// after a failure gives up (`false`, the call's own 401 stands) rather than trying the same
    /// credentials again (repeated failed logins can lock the account). Otherwise, when the token
    /// changed since it was sent, another call already logged in: retries with the new one.
    /// Otherwise logs in itself (a failed login is the call's error). A waiter whose leader was
    /// dropped mid-login decides again.
    pub(crate) async fn relogin(&self, sent: Option<&Secret>) -> Result<bool, Error> {
        loop {
            let entry = self.inner.relogin.enter(|| self.token().as_ref() == sent);
            match entry {
                Entry::Retry => return Ok(true),
                Entry::Lead(mut lease) => {
                    // A logout between the 401 and here wins: no session is opened behind it.
                    if self.inner.logged_out.load(Ordering::SeqCst) {
                        return Ok(false);
                    }
                    tracing::debug!("session rejected (401); logging in again");
                    let result = self.create_session().await;
                    lease.set(if result.is_ok() {
                        Outcome::Succeeded
                    } else {
                        Outcome::Failed
                    });
                    return result.map(|_| true);
                }
                Entry::Wait(ticket) => {
                    tracing::debug!("session rejected (401); waiting for another call's login");
                    match self.inner.relogin.wait(ticket).await {
                        Outcome::Succeeded => return Ok(true),
                        Outcome::Failed => return Ok(false),
                        Outcome::Abandoned => {}
                    }
                }
            }
        }
    }
}

/// The session header's value for `token`, marked sensitive so that no debug output shows it.
pub(crate) fn token_header(token: &Secret, call: &CallInfo) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(token.expose())
        .map_err(|_| Error::usage(call, "the session token is not a valid header value"))?;
    value.set_sensitive(true);
    Ok(value)
}

pub(crate) fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = self.token();
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("style", &self.inner.style)
            .field("credentials", &self.inner.credentials)
            .field("session_token", &token)
            .field("max_response_bytes", &self.inner.max_response_bytes)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The user name and password used by [`Client::login`] (HTTP Basic auth), and to log in
    /// again once when a call is answered 401 (one login for all the calls answered 401 at the
    /// same time).
    pub fn credentials(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials = Some(Credentials {
            username: username.into(),
            password: Secret::new(password.into()),
        });
        self
    }

    /// An existing session token to send on calls, e.g. one created by another process.
    pub fn session_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Secret::new(token.into()));
        self
    }

    /// The preferred URL style (default [`Style::Api`]).
    pub fn style(mut self, style: Style) -> Self {
        self.style = style;
        self
    }

    /// Trusts the root certificate(s) of a PEM bundle, e.g. vCenter's VMCA root (downloadable
    /// from `https://<vcenter>/certs/download.zip`), in addition to the system's roots.
    pub fn root_certificate_pem(mut self, pem: &[u8]) -> Result<Self, Error> {
        self.roots.extend(crate::runtime::tls::parse_roots(pem)?);
        Ok(self)
    }

    /// DANGER: accepts any server certificate, for any host name, so that anyone on the network
    /// path can read and change the traffic, session token and password included. Meant for
    /// throw-away labs only; prefer [`ClientBuilder::root_certificate_pem`].
    pub fn danger_accept_invalid_certificates(mut self, accept: bool) -> Self {
        self.accept_invalid_certificates = accept;
        self
    }

    /// The time allowed to establish a connection, TLS included (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The time allowed for a whole request, from sending to the last body byte (default 120 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest response body accepted (default 16 MiB); reading stops past it and the
    /// call fails with [`Error::ResponseTooLarge`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Ignores the proxies named by the `HTTPS_PROXY`, `HTTP_PROXY` and `ALL_PROXY` environment
    /// variables, which are otherwise used (minus the hosts in `NO_PROXY`). A server on a
    /// loopback address (`127.0.0.1`, `[::1]`, `localhost`) is always reached directly.
    pub fn no_proxy(mut self) -> Self {
        self.no_proxy = true;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = normalize_base_url(&self.base_url)?;
        if self.accept_invalid_certificates {
            tracing::warn!(
                base_url = %base_url,
                "TLS certificate verification is disabled (danger_accept_invalid_certificates)"
            );
        }
        let tls = crate::runtime::tls::client_config(self.roots, self.accept_invalid_certificates)?;
        let mut http = reqwest::Client::builder()
            .user_agent(concat!(
                env!("CARGO_PKG_NAME"),
                "/",
                env!("CARGO_PKG_VERSION")
            ))
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            // A redirect would carry the session header to wherever it points.
            .redirect(reqwest::redirect::Policy::none())
            .tls_backend_preconfigured(tls);
        // A proxy cannot reach this machine's loopback, and would be handed the session token
        // and credentials of a server that never leaves it.
        if self.no_proxy || is_loopback(&base_url) {
            http = http.no_proxy();
        }
        let http = http.build().map_err(|e| {
            Error::config_caused(
                format!(
                    "the HTTP client could not be set up ({}); check the proxy environment \
                     variables (HTTPS_PROXY, ALL_PROXY) or use ClientBuilder::no_proxy",
                    crate::runtime::error::chain_message(&e)
                ),
                e,
            )
        })?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                style: self.style,
                credentials: self.credentials,
                token: RwLock::new(self.token),
                relogin: LoginGate::default(),
                logged_out: AtomicBool::new(false),
                max_response_bytes: self.max_response_bytes,
                limits: Limits {
                    connect: ("ClientBuilder::connect_timeout", self.connect_timeout),
                    request: ("ClientBuilder::timeout", self.timeout),
                },
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field(
                "base_url",
                &crate::runtime::error::redact_url(&self.base_url),
            )
            .field("style", &self.style)
            .field("credentials", &self.credentials)
            .field("session_token", &self.token)
            .field("root_certificates", &self.roots.len())
            .field(
                "danger_accept_invalid_certificates",
                &self.accept_invalid_certificates,
            )
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

/// Whether a normalized base URL names this machine: `localhost` (and names under it), or a
/// loopback address, IPv4-mapped IPv6 included.
fn is_loopback(base_url: &str) -> bool {
    let Some(url) = reqwest::Url::parse(base_url).ok() else {
        return false;
    };
    let host = url.host_str().unwrap_or_default();
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

/// Checks a base URL and returns it without a trailing `/`.
fn normalize_base_url(raw: &str) -> Result<String, Error> {
    let with_scheme = if raw.contains("://") {
        raw.to_owned()
    } else {
        format!("https://{raw}")
    };
    // Never echo a URL that may hold a password: the user information is cut out.
    let shown = crate::runtime::error::redact_url(&with_scheme);
    let url = reqwest::Url::parse(&with_scheme).map_err(|e| {
        Error::config_caused(
            format!("the base URL `{shown}` does not parse ({e}); write it as https://host[:port][/prefix]"),
            e,
        )
    })?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(Error::config(format!(
            "the base URL `{shown}` has the scheme `{}`; use https (or http)",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::config(format!(
            "the base URL `{shown}` names no host; write it as https://host[:port]"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(format!(
            "the base URL `{shown}` holds a user or password; put them in \
             ClientBuilder::credentials instead"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "the base URL `{shown}` has a query or fragment; give only scheme, host, port and \
             path prefix"
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}
