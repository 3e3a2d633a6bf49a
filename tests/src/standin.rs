//! A vCenter stand-in for the wire tests: a small HTTP/1.1 server on `127.0.0.1` (port 0) that
//! the tests start themselves.
//!
//! It records every request exactly as it arrived (method, percent-encoded path, raw query,
//! headers, body bytes) and answers with what the test scripted, in order ([`StandIn::push`]),
//! then with the fallback ([`StandIn::fallback`]), else with a 500 saying nothing was scripted;
//! a [`StandIn::handler`] can answer by looking at the request first.
//! It is written directly on tokio's TCP sockets rather than on an HTTP server library so that it
//! can also answer the way broken servers do: bodies cut short, bodies far larger than any real
//! answer, answers that never come.
//!
//! Bounded: it listens on 127.0.0.1 only; every task it starts is aborted when the [`StandIn`]
//! is dropped (at the latest when the test's runtime ends), and no connection lives longer than
//! [`CONNECTION_LIFETIME`] in any case.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

/// The longest any connection task of a stand-in may live, whatever it was scripted to do.
pub const CONNECTION_LIFETIME: Duration = Duration::from_secs(60);

/// The largest request head (request line and headers) the stand-in accepts.
const MAX_HEAD: usize = 64 * 1024;
/// The largest request body the stand-in accepts.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// One request as the stand-in received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// The method, e.g. `POST`.
    pub method: String,
    /// The path exactly as sent (still percent-encoded), without the query.
    pub path: String,
    /// The raw query string (after `?`), if the target had one.
    pub query: Option<String>,
    /// The headers in the order received; names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body bytes (de-chunked when sent chunked).
    pub body: Vec<u8>,
    /// When the stand-in had read the whole request (for tests of request pacing).
    pub received: Instant,
}

impl Recorded {
    /// The value of a header (name in any case); panics if the header is repeated.
    pub fn header(&self, name: &str) -> Option<&str> {
        let values = self.headers_named(name);
        assert!(
            values.len() <= 1,
            "header {name} sent {} times: {values:?}",
            values.len()
        );
        values.first().copied()
    }

    /// Every value of a header (name in any case).
    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The session header `vmware-api-session-id`, if sent.
    pub fn session_id(&self) -> Option<&str> {
        self.header("vmware-api-session-id")
    }

    /// `METHOD path?query`, for messages.
    pub fn line(&self) -> String {
        match &self.query {
            Some(query) => format!("{} {}?{query}", self.method, self.path),
            None => format!("{} {}", self.method, self.path),
        }
    }

    /// The body parsed as JSON; panics (showing the body) if it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{}: body is not JSON ({e}): {:?}",
                self.line(),
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts that the body is exactly `expected` as JSON (same members, same values, same
    /// array order; member order aside) and is labelled `application/json`.
    #[track_caller]
    pub fn assert_json(&self, expected: &Value) {
        let content_type = self.header("content-type").unwrap_or("");
        assert!(
            content_type.starts_with("application/json"),
            "{}: content-type {content_type:?}, expected application/json",
            self.line()
        );
        assert_json_eq(&self.json(), expected, &self.line());
    }

    /// Asserts method, path (percent-encoded as on the wire) and raw query.
    #[track_caller]
    pub fn assert_target(&self, method: &str, path: &str, query: Option<&str>) {
        assert_eq!(
            (
                self.method.as_str(),
                self.path.as_str(),
                self.query.as_deref()
            ),
            (method, path, query),
            "request target"
        );
    }
}

/// Asserts two JSON values are equal, printing both in full when they are not.
#[track_caller]
pub fn assert_json_eq(actual: &Value, expected: &Value, what: &str) {
    if actual != expected {
        panic!(
            "{what}: JSON differs\n--- actual\n{}\n--- expected\n{}",
            serde_json::to_string_pretty(actual).unwrap_or_default(),
            serde_json::to_string_pretty(expected).unwrap_or_default()
        );
    }
}

/// What a scripted answer's body does.
#[derive(Clone, Debug)]
enum Body {
    /// These bytes, with a matching `Content-Length`.
    Full(Vec<u8>),
    /// `total` bytes of `fill`, written in 64 KiB pieces; `Content-Length: declared`, or chunked
    /// when `declared` is `None`. When `declared` differs from `total` the connection is closed
    /// after writing (a body cut short).
    Stream {
        fill: u8,
        total: usize,
        declared: Option<u64>,
    },
    /// Nothing at all, ever (until the stand-in stops).
    Stall,
    /// `Content-Length: declared`, `sent` bytes of `fill`, then nothing more, with the
    /// connection held open (a download that stalls midway).
    StallAfter {
        fill: u8,
        declared: u64,
        sent: usize,
    },
}

/// A scripted answer.
#[derive(Clone, Debug)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Body,
    delay: Option<Duration>,
}

impl Reply {
    /// `status` with a JSON body.
    pub fn json(status: u16, body: &Value) -> Reply {
        Reply::raw(
            status,
            "application/json",
            serde_json::to_vec(body).expect("JSON"),
        )
    }

    /// `200` with a bare JSON body (the `/api` form of a result).
    pub fn api_ok(body: &Value) -> Reply {
        Reply::json(200, body)
    }

    /// `200` with `{"value": body}` (the `/rest` form of a result).
    pub fn rest_ok(body: &Value) -> Reply {
        Reply::json(200, &serde_json::json!({ "value": body }))
    }

    /// `status` with the given body bytes labelled `content_type`.
    pub fn raw(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".to_owned(), content_type.to_owned())],
            body: Body::Full(body.into()),
            delay: None,
        }
    }

    /// `status` with no body (`Content-Length: 0`, no content type).
    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Body::Full(Vec::new()),
            delay: None,
        }
    }

    /// `status` with `total` bytes of `fill`, sent chunked (no length announced).
    pub fn chunked(status: u16, content_type: &str, fill: u8, total: usize) -> Reply {
        Reply {
            body: Body::Stream {
                fill,
                total,
                declared: None,
            },
            ..Reply::raw(status, content_type, Vec::new())
        }
    }

    /// `status` announcing `Content-Length: declared` and sending `sent` bytes of `fill`; when
    /// they differ the connection is closed after them.
    pub fn declared(
        status: u16,
        content_type: &str,
        fill: u8,
        declared: u64,
        sent: usize,
    ) -> Reply {
        Reply {
            body: Body::Stream {
                fill,
                total: sent,
                declared: Some(declared),
            },
            ..Reply::raw(status, content_type, Vec::new())
        }
    }

    /// No answer at all: the request is read and recorded, then nothing is sent.
    pub fn stall() -> Reply {
        Reply {
            body: Body::Stall,
            ..Reply::empty(200)
        }
    }

    /// A file download that stalls: announces `declared` bytes of `content_type`, sends `sent`
    /// bytes of `fill`, then holds the connection open without another byte.
    pub fn stall_after(
        status: u16,
        content_type: &str,
        fill: u8,
        declared: u64,
        sent: usize,
    ) -> Reply {
        Reply {
            body: Body::StallAfter {
                fill,
                declared,
                sent,
            },
            ..Reply::raw(status, content_type, Vec::new())
        }
    }

    /// Adds a response header.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers
            .push((name.to_ascii_lowercase(), value.to_owned()));
        self
    }

    /// Waits this long before answering.
    pub fn after(mut self, delay: Duration) -> Reply {
        self.delay = Some(delay);
        self
    }
}

/// A function that may answer a request by looking at it (see [`StandIn::handler`]).
type Handler = Box<dyn Fn(&Recorded) -> Option<Reply> + Send + Sync>;

#[derive(Default)]
struct Shared {
    handler: Mutex<Option<Handler>>,
    script: Mutex<VecDeque<Reply>>,
    fallback: Mutex<Option<Reply>>,
    requests: Mutex<Vec<Recorded>>,
    unscripted: Mutex<Vec<String>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    fn answer(&self, request: &Recorded) -> Reply {
        if let Some(handler) = lock(&self.handler).as_ref()
            && let Some(reply) = handler(request)
        {
            return reply;
        }
        if let Some(reply) = lock(&self.script).pop_front() {
            return reply;
        }
        if let Some(reply) = lock(&self.fallback).clone() {
            return reply;
        }
        lock(&self.unscripted).push(request.line());
        Reply::raw(
            500,
            "text/plain",
            format!("stand-in: nothing scripted for {}", request.line()),
        )
    }
}

/// A running stand-in; stops (every task aborted) when dropped.
pub struct StandIn {
    addr: SocketAddr,
    shared: Arc<Shared>,
    tasks: Arc<Mutex<Vec<AbortHandle>>>,
}

impl StandIn {
    /// Starts a stand-in on `127.0.0.1` with an ephemeral port, on the current tokio runtime.
    pub async fn start() -> StandIn {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        assert!(
            addr.ip().is_loopback(),
            "the stand-in listens on loopback only"
        );
        let shared = Arc::new(Shared::default());
        let tasks: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let accept = {
            let shared = Arc::clone(&shared);
            let tasks = Arc::clone(&tasks);
            tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let shared = Arc::clone(&shared);
                    let task = tokio::spawn(async move {
                        let _ =
                            tokio::time::timeout(CONNECTION_LIFETIME, serve(stream, shared)).await;
                    });
                    let mut tasks = lock(&tasks);
                    tasks.retain(|task| !task.is_finished());
                    tasks.push(task.abort_handle());
                }
            })
        };
        lock(&tasks).push(accept.abort_handle());
        StandIn {
            addr,
            shared,
            tasks,
        }
    }

    /// The base URL to give the client: `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the stand-in listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Scripts the next answer (answers are given in the order pushed).
    pub fn push(&self, reply: Reply) -> &Self {
        lock(&self.shared.script).push_back(reply);
        self
    }

    /// Answers requests with a function of the request; when it returns `None` the script and
    /// the fallback answer. For tests whose requests may arrive in any order.
    pub fn handler(&self, handler: impl Fn(&Recorded) -> Option<Reply> + Send + Sync + 'static) {
        *lock(&self.shared.handler) = Some(Box::new(handler));
    }

    /// The answer given whenever the script is used up.
    pub fn fallback(&self, reply: Reply) -> &Self {
        *lock(&self.shared.fallback) = Some(reply);
        self
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared.requests).clone()
    }

    /// Every request received so far, forgetting them.
    pub fn take(&self) -> Vec<Recorded> {
        std::mem::take(&mut *lock(&self.shared.requests))
    }

    /// The one request received; panics unless exactly one was.
    pub fn only_request(&self) -> Recorded {
        let requests = self.take();
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request, got {:?}",
            requests.iter().map(Recorded::line).collect::<Vec<_>>()
        );
        requests.into_iter().next().expect("one request")
    }

    /// How many scripted answers are still unused.
    pub fn unused_replies(&self) -> usize {
        lock(&self.shared.script).len()
    }

    /// Requests that found nothing scripted (answered 500 by the stand-in).
    pub fn unscripted(&self) -> Vec<String> {
        lock(&self.shared.unscripted).clone()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        for task in lock(&self.tasks).drain(..) {
            task.abort();
        }
    }
}

/// Runs a future, failing the test if it takes longer than `limit` (no test may hang).
pub async fn within<F: Future>(limit: Duration, future: F) -> F::Output {
    match tokio::time::timeout(limit, future).await {
        Ok(output) => output,
        Err(_) => panic!("did not finish within {limit:?}"),
    }
}

/// The JSON of `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> Value {
    let path = fixtures_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `tests/fixtures/`.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The workspace root.
pub fn workspace_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The `Authorization` header value of HTTP Basic auth for `user` and `password`.
pub fn basic_auth(user: &str, password: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{user}:{password}");
    let mut out = String::from("Basic ");
    for chunk in input.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Serves one connection: request after request (keep-alive) until the client closes, a
/// request is malformed, or an answer ends the connection.
async fn serve(mut stream: TcpStream, shared: Arc<Shared>) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        let reply = shared.answer(&request);
        lock(&shared.requests).push(request);
        if let Some(delay) = reply.delay {
            tokio::time::sleep(delay).await;
        }
        if !write_reply(&mut stream, &reply).await {
            return;
        }
    }
}

/// Reads one request from the connection; `None` when the connection ends or the request is
/// not HTTP/1.1 the stand-in understands.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Recorded> {
    let head_end = loop {
        if let Some(at) = find(buffer, b"\r\n\r\n") {
            break at;
        }
        if buffer.len() > MAX_HEAD || !fill(stream, buffer).await {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    buffer.drain(..head_end + 4);
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?;
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
        None => (target.to_owned(), None),
    };
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let body = if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        read_chunked(stream, buffer).await?
    } else {
        let length: usize = header("content-length").map_or(Some(0), |v| v.parse().ok())?;
        if length > MAX_BODY {
            return None;
        }
        while buffer.len() < length {
            if !fill(stream, buffer).await {
                return None;
            }
        }
        buffer.drain(..length).collect()
    };
    Some(Recorded {
        method,
        path,
        query,
        headers,
        body,
        received: Instant::now(),
    })
}

async fn read_chunked(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(at) = find(buffer, b"\r\n") {
                break at;
            }
            if buffer.len() > MAX_HEAD || !fill(stream, buffer).await {
                return None;
            }
        };
        let size_text = String::from_utf8_lossy(&buffer[..line_end]).into_owned();
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        buffer.drain(..line_end + 2);
        if body.len() + size > MAX_BODY {
            return None;
        }
        while buffer.len() < size + 2 {
            if !fill(stream, buffer).await {
                return None;
            }
        }
        body.extend(buffer.drain(..size));
        buffer.drain(..2);
        if size == 0 {
            return Some(body);
        }
    }
}

/// Reads more bytes into `buffer`; false when the connection ended or failed.
async fn fill(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> bool {
    let mut chunk = [0u8; 16 * 1024];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => false,
        Ok(n) => {
            buffer.extend_from_slice(&chunk[..n]);
            true
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Writes an answer; true when the connection may carry another request.
async fn write_reply(stream: &mut TcpStream, reply: &Reply) -> bool {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    match &reply.body {
        Body::Stall => {
            // Hold the connection open without a byte until the stand-in is stopped.
            std::future::pending::<()>().await;
            false
        }
        Body::StallAfter {
            fill,
            declared,
            sent,
        } => {
            let _ = write!(head, "content-length: {declared}\r\n\r\n");
            let mut out = head.into_bytes();
            out.extend(std::iter::repeat_n(*fill, *sent));
            if stream.write_all(&out).await.is_ok() {
                std::future::pending::<()>().await;
            }
            false
        }
        Body::Full(bytes) => {
            let _ = write!(head, "content-length: {}\r\n\r\n", bytes.len());
            let mut out = head.into_bytes();
            out.extend_from_slice(bytes);
            stream.write_all(&out).await.is_ok()
        }
        Body::Stream {
            fill,
            total,
            declared,
        } => {
            match declared {
                Some(length) => {
                    let _ = write!(head, "content-length: {length}\r\n\r\n");
                }
                None => head.push_str("transfer-encoding: chunked\r\n\r\n"),
            }
            if stream.write_all(head.as_bytes()).await.is_err() {
                return false;
            }
            let piece = vec![*fill; 64 * 1024];
            let mut left = *total;
            while left > 0 {
                let n = left.min(piece.len());
                let written = if declared.is_some() {
                    stream.write_all(&piece[..n]).await
                } else {
                    let mut chunk = format!("{n:x}\r\n").into_bytes();
                    chunk.extend_from_slice(&piece[..n]);
                    chunk.extend_from_slice(b"\r\n");
                    stream.write_all(&chunk).await
                };
                if written.is_err() {
                    return false;
                }
                left -= n;
            }
            match declared {
                None => stream.write_all(b"0\r\n\r\n").await.is_ok(),
                Some(length) => {
                    let complete = *length == *total as u64;
                    if !complete {
                        let _ = stream.shutdown().await;
                    }
                    complete
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::basic_auth;

    #[test]
    fn basic_auth_matches_rfc_7617_example() {
        assert_eq!(
            basic_auth("Aladdin", "open sesame"),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(basic_auth("a", "b"), "Basic YTpi");
        assert_eq!(basic_auth("ab", "c"), "Basic YWI6Yw==");
    }
}
