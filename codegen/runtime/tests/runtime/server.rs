//! A tiny HTTP/1.1 server on 127.0.0.1 for the tests: records every request and answers with
//! whatever the test's handler says, including malformed, stalled and oversized answers.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// Header names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

/// What the server answers.
pub enum Reply {
    /// A complete response with `Content-Length`.
    Http {
        status: u16,
        content_type: Option<&'static str>,
        body: Vec<u8>,
    },
    /// Bytes written as they are, then the connection is closed.
    Raw(Vec<u8>),
    /// A chunked body of `total` bytes of `fill`, written in 16 KiB chunks.
    Chunked { status: u16, total: usize, fill: u8 },
    /// Bytes written, then nothing more for a minute.
    Stall(Vec<u8>),
    /// Another reply, written after a pause.
    Delayed(Duration, Box<Reply>),
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::Http {
            status,
            content_type: Some("application/json"),
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn typed(status: u16, content_type: &'static str, body: &str) -> Reply {
        Reply::Http {
            status,
            content_type: Some(content_type),
            body: body.as_bytes().to_vec(),
        }
    }

    /// This reply, written after a pause of `millis` milliseconds.
    pub fn after(self, millis: u64) -> Reply {
        Reply::Delayed(Duration::from_millis(millis), Box::new(self))
    }

    pub fn empty(status: u16) -> Reply {
        Reply::Http {
            status,
            content_type: None,
            body: Vec::new(),
        }
    }
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

pub struct Server {
    addr: SocketAddr,
    scheme: &'static str,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    /// A plain HTTP server.
    pub async fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
        Server::spawn(None, Arc::new(handler)).await
    }

    /// An HTTPS server with the given rustls configuration.
    pub async fn start_tls(
        config: Arc<rustls::ServerConfig>,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> Server {
        Server::spawn(Some(config), Arc::new(handler)).await
    }

    async fn spawn(tls: Option<Arc<rustls::ServerConfig>>, handler: Arc<Handler>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let scheme = if tls.is_some() { "https" } else { "http" };
        let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
        let recorded = requests.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let handler = handler.clone();
                let recorded = recorded.clone();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    match acceptor {
                        Some(acceptor) => {
                            if let Ok(stream) = acceptor.accept(stream).await {
                                serve(stream, &*handler, &recorded).await;
                            }
                        }
                        None => serve(stream, &*handler, &recorded).await,
                    }
                });
            }
        });
        Server {
            addr,
            scheme,
            requests,
        }
    }

    /// `http://127.0.0.1:<port>` (or `https://...`).
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    pub fn request(&self, index: usize) -> Request {
        self.requests()[index].clone()
    }
}

/// Serves requests on one connection until the client closes it or a reply closes it.
async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    handler: &Handler,
    recorded: &Mutex<Vec<Request>>,
) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        recorded.lock().unwrap().push(request.clone());
        let keep_open = write_reply(&mut stream, handler(&request)).await;
        if !keep_open {
            let _ = stream.shutdown().await;
            return;
        }
    }
}

async fn read_request<S: AsyncRead + Unpin>(
    stream: &mut S,
    buffer: &mut Vec<u8>,
) -> Option<Request> {
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        if buffer.len() > 1 << 20 {
            return None;
        }
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let body_start = head_end + 4;
    while buffer.len() < body_start + length {
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = buffer[body_start..body_start + length].to_vec();
    buffer.drain(..body_start + length);
    Some(Request {
        method,
        target,
        headers,
        body,
    })
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
        _ => "Other",
    }
}

/// Writes a reply; returns whether the connection may serve another request.
async fn write_reply<S: AsyncWrite + Unpin>(stream: &mut S, mut reply: Reply) -> bool {
    while let Reply::Delayed(pause, inner) = reply {
        tokio::time::sleep(pause).await;
        reply = *inner;
    }
    match reply {
        Reply::Http {
            status,
            content_type,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} {}\r\ncontent-length: {}\r\n",
                reason(status),
                body.len()
            );
            if let Some(content_type) = content_type {
                head.push_str(&format!("content-type: {content_type}\r\n"));
            }
            head.push_str("\r\n");
            let mut bytes = head.into_bytes();
            bytes.extend_from_slice(&body);
            stream.write_all(&bytes).await.is_ok() && stream.flush().await.is_ok()
        }
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.flush().await;
            false
        }
        Reply::Chunked {
            status,
            total,
            fill,
        } => {
            let head = format!(
                "HTTP/1.1 {status} {}\r\ntransfer-encoding: chunked\r\ncontent-type: application/json\r\n\r\n",
                reason(status)
            );
            if stream.write_all(head.as_bytes()).await.is_err() {
                return false;
            }
            let chunk = vec![fill; 16 * 1024];
            let mut sent = 0;
            while sent < total {
                let n = chunk.len().min(total - sent);
                let mut piece = format!("{n:x}\r\n").into_bytes();
                piece.extend_from_slice(&chunk[..n]);
                piece.extend_from_slice(b"\r\n");
                if stream.write_all(&piece).await.is_err() {
                    return false;
                }
                sent += n;
            }
            let _ = stream.write_all(b"0\r\n\r\n").await;
            false
        }
        Reply::Stall(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.flush().await;
            tokio::time::sleep(Duration::from_secs(60)).await;
            false
        }
        Reply::Delayed(..) => unreachable!("delays are waited out above"),
    }
}
