//! OVF export to a directory: create an export session, wait until its files are ready, and
//! download every file to disk, streamed, size-checked, with nothing partial left on failure.
//!
//! The runtime knows no generated type, so [`export_to_directory`] takes the session's `source`
//! and `create_spec` as any serializable values (the generated
//! `vcenter::ovf::export_session::{SourceInfo, CreateSpec}`) and speaks the two
//! `vcenter.ovf.export_session` operations it needs (`create`, `get`, `/rest` only, as VMware
//! documents them) itself, decoding the session's Info with private serde types.
//! [`download_files`] is the second half alone, for a file list obtained otherwise.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::ACCEPT;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::io::AsyncWriteExt;

use crate::runtime::client::token_header;
use crate::runtime::error::redact_url;
use crate::runtime::transport::{Limits, classify};
use crate::runtime::{
    ApiError, BodyKind, CallInfo, Client, Endpoint, Error, ErrorKind, LocalizableMessage, Method,
    Operation, RestForm, SESSION_HEADER,
};

/// How errors of the export session name the call: its `get`, which the wait polls.
fn session_call(session: &str) -> CallInfo {
    CallInfo::new(
        "vcenter.ovf.export_session.get",
        Method::Get,
        format!("/rest/com/vmware/vcenter/ovf/export-session/id:{session}"),
    )
}

/// How errors of one file download name the call. VMware documents no vAPI operation for the
/// download itself; the name says which step failed. The query is left out (it may hold a
/// ticket); a server other than the client's is named, so that an error says which host failed.
fn download_call(url: &str, base_url: &str) -> CallInfo {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return CallInfo::new("vcenter.ovf.export_session.download", Method::Get, "");
    };
    let mut call = CallInfo::new(
        "vcenter.ovf.export_session.download",
        Method::Get,
        parsed.path(),
    );
    if !same_origin(&parsed, base_url) {
        call.host = Some(parsed.origin().ascii_serialization());
    }
    call
}

/// `vcenter.ovf.export_session.create` (`/rest` only).
static CREATE: Operation = Operation {
    name: "vcenter.ovf.export_session.create",
    api: None,
    rest: Some(Endpoint {
        method: Method::Post,
        path: "/rest/com/vmware/vcenter/ovf/export-session",
        action: None,
        body: BodyKind::Envelope,
    }),
};

/// `vcenter.ovf.export_session.get` (`/rest` only).
static GET: Operation = Operation {
    name: "vcenter.ovf.export_session.get",
    api: None,
    rest: Some(Endpoint {
        method: Method::Get,
        path: "/rest/com/vmware/vcenter/ovf/export-session/id:{id}",
        action: None,
        body: BodyKind::None,
    }),
};

/// One file to download: an `OvfFileInfo` of an export session.
///
/// Its `Debug` shows the URL without user information or query (`?…` stands for a query): the
/// server may put a ticket or token there.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OvfFile {
    /// The file's name, used as its name in the directory (a plain name, no path).
    pub name: String,
    /// Where to download it (`file_url`).
    pub url: String,
    /// Its size in bytes, when the server gave a non-zero one; the download must match it.
    pub size: Option<u64>,
    /// The thumbprint of the certificate of `url`'s server (`ssl_thumb_print`), as VMware
    /// writes it: SHA-1 (or SHA-256) hex pairs, usually separated by colons. When given, the
    /// server's certificate is trusted if and only if its thumbprint matches.
    pub ssl_thumbprint: Option<String>,
    /// The SHA-256 of the content as the server announced it (hex), checked when it is one.
    pub sha256: Option<String>,
}

impl OvfFile {
    /// A file of `name` at `url`, with no size, thumbprint or digest to check.
    pub fn new(name: impl Into<String>, url: impl Into<String>) -> OvfFile {
        OvfFile {
            name: name.into(),
            url: url.into(),
            size: None,
            ssl_thumbprint: None,
            sha256: None,
        }
    }

    /// The size the download must have.
    pub fn with_size(mut self, size: u64) -> OvfFile {
        self.size = Some(size);
        self
    }

    /// The thumbprint the server's certificate must have.
    pub fn with_ssl_thumbprint(mut self, thumbprint: impl Into<String>) -> OvfFile {
        self.ssl_thumbprint = Some(thumbprint.into());
        self
    }
}

impl fmt::Debug for OvfFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OvfFile")
            .field("name", &self.name)
            .field("url", &redact_url(&self.url))
            .field("size", &self.size)
            .field("ssl_thumbprint", &self.ssl_thumbprint)
            .field("sha256", &self.sha256)
            .finish()
    }
}

/// Where an export stands, told to [`ExportOptions::on_progress`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExportProgress {
    /// The session exists and is being prepared (its state as the server wrote it).
    Preparing {
        /// The export session's id.
        session: String,
        /// The session's state, e.g. `EXPORT_PREPARING`.
        state: String,
    },
    /// A file is being downloaded.
    Downloading {
        /// The file's name.
        file: String,
        /// Its index among the files to download (from 0).
        index: usize,
        /// How many files are downloaded in all.
        files: usize,
        /// Bytes of this file written so far.
        bytes: u64,
        /// This file's size, when known.
        size: Option<u64>,
    },
    /// A file is complete on disk under its final name.
    Downloaded {
        /// The file's name.
        file: String,
        /// Its size in bytes.
        bytes: u64,
    },
}

/// A callback told about an export's progress.
type ProgressCallback = Box<dyn FnMut(&ExportProgress) + Send>;

/// How [`export_to_directory`] and [`download_files`] wait and download.
pub struct ExportOptions {
    poll_interval: Duration,
    max_poll_interval: Duration,
    prepare_deadline: Duration,
    stall_timeout: Duration,
    file_timeout: Duration,
    on_progress: Option<ProgressCallback>,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions::new()
    }
}

impl ExportOptions {
    /// The defaults: the session polled every 500 ms growing to 5 s for at most 30 minutes; a
    /// download fails when no byte arrives for 60 s or when one file takes over 24 hours.
    pub fn new() -> ExportOptions {
        ExportOptions {
            poll_interval: Duration::from_millis(500),
            max_poll_interval: Duration::from_secs(5),
            prepare_deadline: Duration::from_secs(30 * 60),
            stall_timeout: Duration::from_secs(60),
            file_timeout: Duration::from_secs(24 * 60 * 60),
            on_progress: None,
        }
    }

    /// The first wait between two polls of the session; it doubles up to the maximum.
    pub fn poll_interval(mut self, interval: Duration, max: Duration) -> Self {
        self.poll_interval = interval.max(Duration::from_millis(1));
        self.max_poll_interval = max.max(self.poll_interval);
        self
    }

    /// The longest the session may take to become ready (or fail).
    pub fn prepare_deadline(mut self, deadline: Duration) -> Self {
        self.prepare_deadline = deadline;
        self
    }

    /// The longest a download may go without receiving a byte.
    pub fn stall_timeout(mut self, timeout: Duration) -> Self {
        self.stall_timeout = timeout;
        self
    }

    /// The longest one file's download may take in all.
    pub fn file_timeout(mut self, timeout: Duration) -> Self {
        self.file_timeout = timeout;
        self
    }

    /// Calls `callback` when the session's state is seen, at most once per MiB of each file,
    /// and when each file is complete.
    pub fn on_progress(mut self, callback: impl FnMut(&ExportProgress) + Send + 'static) -> Self {
        self.on_progress = Some(Box::new(callback));
        self
    }

    fn report(&mut self, progress: ExportProgress) {
        if let Some(callback) = self.on_progress.as_mut() {
            callback(&progress);
        }
    }
}

impl fmt::Debug for ExportOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExportOptions")
            .field("poll_interval", &self.poll_interval)
            .field("max_poll_interval", &self.max_poll_interval)
            .field("prepare_deadline", &self.prepare_deadline)
            .field("stall_timeout", &self.stall_timeout)
            .field("file_timeout", &self.file_timeout)
            .field("on_progress", &self.on_progress.is_some())
            .finish()
    }
}

/// What an export left on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExportedOvf {
    /// The export session's id. The session is left as it is: VMware does not document
    /// whether a client must delete it once the files are downloaded
    /// (`vcenter.ovf.export_session.delete` does).
    pub session: String,
    /// The files written, in the session's order.
    pub files: Vec<PathBuf>,
    /// Files of the session without a `file_url`, not downloaded.
    pub skipped: Vec<String>,
}

/// Exports a virtual machine or vApp as an OVF package into `dir`, in one call:
///
/// 1. creates the export session (`vcenter.ovf.export_session.create`) with `client_token`
///    (a fresh UUID when `None`; give the same token to repeat the call idempotently),
///    `source` (a `SourceInfo`) and `create_spec` (a `CreateSpec`, download target);
/// 2. polls the session (`vcenter.ovf.export_session.get`) until it is `EXPORT_READY` (or
///    later), failing with its errors when it is `EXPORT_ERROR`, or with [`Error::Timeout`]
///    past [`ExportOptions::prepare_deadline`];
/// 3. downloads every file with a `file_url` as [`download_files`] does.
///
/// On any failure no file of this export is left in `dir`.
pub async fn export_to_directory<S, C>(
    client: &Client,
    client_token: Option<&str>,
    source: &S,
    create_spec: &C,
    dir: &Path,
    mut options: ExportOptions,
) -> Result<ExportedOvf, Error>
where
    S: Serialize + RestForm + ?Sized,
    C: Serialize + RestForm + ?Sized,
{
    let token = client_token.map_or_else(crate::runtime::new_client_token, str::to_owned);
    let mut call = client.call(&CREATE);
    call.body_param("client_token", &token)?;
    call.body_param("source", source)?;
    call.body_param("create_spec", create_spec)?;
    let session: String = call.send().await?;

    let info = wait_ready(client, &session, &mut options).await?;
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for file in info.files {
        match file.file_url {
            Some(url) if !url.is_empty() => files.push(OvfFile {
                name: file.name,
                url,
                size: file.size.filter(|size| *size > 0),
                ssl_thumbprint: file.ssl_thumb_print.filter(|t| !t.is_empty()),
                sha256: file.sha256.filter(|d| !d.is_empty()),
            }),
            _ => skipped.push(file.name),
        }
    }
    let written = download_files(client, &files, dir, options).await?;
    Ok(ExportedOvf {
        session,
        files: written,
        skipped,
    })
}

/// Polls the session until its files can be downloaded.
async fn wait_ready(
    client: &Client,
    session: &str,
    options: &mut ExportOptions,
) -> Result<WireInfo, Error> {
    let deadline = tokio::time::Instant::now() + options.prepare_deadline;
    let mut interval = options.poll_interval;
    let mut last_state = String::new();
    loop {
        let mut call = client.call(&GET);
        call.path_param("id", session);
        let polled = tokio::time::timeout_at(deadline, call.send::<WireInfo>()).await;
        let info = match polled {
            Ok(info) => info?,
            Err(_) => return Err(not_ready(session, options, &last_state)),
        };
        if info.state != last_state {
            last_state = info.state.clone();
            options.report(ExportProgress::Preparing {
                session: session.to_owned(),
                state: info.state.clone(),
            });
        }
        match info.state.as_str() {
            "EXPORT_READY" | "EXPORT_IN_PROGRESS" | "EXPORT_COMPLETED" => return Ok(info),
            "EXPORT_ERROR" => return Err(session_error(session, &info)),
            _ => {}
        }
        if tokio::time::Instant::now() + interval > deadline {
            tokio::time::sleep_until(deadline).await;
            return Err(not_ready(session, options, &last_state));
        }
        tokio::time::sleep(interval).await;
        interval = interval.saturating_mul(2).min(options.max_poll_interval);
    }
}

fn not_ready(session: &str, options: &ExportOptions, state: &str) -> Error {
    let state = if state.is_empty() {
        "not polled yet"
    } else {
        state
    };
    Error::Timeout {
        call: session_call(session),
        message: format!(
            "export session {session} was not ready within {:?} (ExportOptions::prepare_deadline; \
             last state {state}); raise ExportOptions::prepare_deadline if the server is just \
             slow to prepare the package (the session is left on the server)",
            options.prepare_deadline
        ),
    }
}

/// The session's `errors` as one vAPI `ERROR`: each error's message, the list as `data`.
fn session_error(session: &str, info: &WireInfo) -> Error {
    let mut messages: Vec<LocalizableMessage> = info
        .errors
        .iter()
        .filter_map(|error| error.get("message"))
        .filter(|message| message.is_object())
        .map(LocalizableMessage::from_value)
        .collect();
    if messages.is_empty() {
        messages.push(LocalizableMessage {
            id: "vcenter.ovf.export_session.export_error".to_owned(),
            default_message: format!("export session {session} failed (EXPORT_ERROR)"),
            ..LocalizableMessage::default()
        });
    }
    Error::Api(Box::new(ApiError {
        call: session_call(session),
        kind: ErrorKind::Error,
        status: 200,
        messages,
        data: Some(Value::Array(info.errors.clone())),
        challenge: None,
    }))
}

/// The session Info as the `/rest` get answers it (inside `{"value": ...}`, which the call
/// unwraps); only what the export needs, everything lenient but `state`.
#[derive(Deserialize)]
struct WireInfo {
    state: String,
    #[serde(default)]
    files: Vec<WireFile>,
    #[serde(default)]
    errors: Vec<Value>,
}

#[derive(Deserialize)]
struct WireFile {
    name: String,
    #[serde(default)]
    file_url: Option<String>,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    ssl_thumb_print: Option<String>,
    #[serde(default)]
    sha256: Option<String>,
}

// The session Info has no `/rest`-only member the export reads.
impl RestForm for WireInfo {}

/// Downloads `files` into the existing directory `dir`, one after another, and returns the
/// paths written.
///
/// Each file is streamed to a hidden temporary file beside its final name (never held in
/// memory), checked (the announced size and `Content-Length`; the SHA-256 when the file has a
/// hex one) and only then renamed to its name, replacing a file of that name. On any failure
/// the temporary file and the files this call already completed are removed, so nothing of a
/// failed download stays in `dir`.
///
/// Requests to the client's own server carry the session header; others do not. A 401 from the
/// client's own server is handled as for any call: when the client has credentials and was not
/// logged out, it logs in again once (one login shared with concurrent calls) and fetches that
/// file once more. A 401 from another server (an ESXi host) is an [`Error::Http`] whose call
/// names that host ([`CallInfo::host`]); nothing is retried for it. A file with an
/// `ssl_thumbprint` is fetched over a connection trusting exactly the certificate with that
/// thumbprint (ESXi hosts often have self-signed certificates); other files are fetched with the
/// client's own trust settings.
pub async fn download_files(
    client: &Client,
    files: &[OvfFile],
    dir: &Path,
    mut options: ExportOptions,
) -> Result<Vec<PathBuf>, Error> {
    let mut done = Committed(Vec::new());
    for file in files {
        check_name(&file.name)?;
    }
    for (index, file) in files.iter().enumerate() {
        let path = download_one(client, file, index, files.len(), dir, &mut options).await?;
        done.0.push(path);
    }
    Ok(std::mem::take(&mut done.0))
}

/// The files a [`download_files`] call completed; removed again unless the call succeeds.
struct Committed(Vec<PathBuf>);

impl Drop for Committed {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A temporary file, removed when dropped unless it was renamed into place.
struct Partial {
    path: Option<PathBuf>,
}

impl Drop for Partial {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A server-sent file name must name a file in the directory, nothing else.
fn check_name(name: &str) -> Result<(), Error> {
    let plain = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && !name.starts_with('.');
    if plain {
        Ok(())
    } else {
        Err(Error::usage(
            &CallInfo::new("vcenter.ovf.export_session.download", Method::Get, ""),
            format!(
                "OVF export: the file name {name:?} is not a plain file name; nothing was downloaded"
            ),
        ))
    }
}

async fn download_one(
    client: &Client,
    file: &OvfFile,
    index: usize,
    files: usize,
    dir: &Path,
    options: &mut ExportOptions,
) -> Result<PathBuf, Error> {
    let call = download_call(&file.url, client.base_url());
    let url = reqwest::Url::parse(&file.url).map_err(|e| {
        Error::usage(
            &call,
            format!("OVF export: {}: bad file_url: {e}", file.name),
        )
    })?;
    let (http, connect) = match &file.ssl_thumbprint {
        Some(thumbprint) => (
            pinned_client(thumbprint, options)?,
            ("ExportOptions::stall_timeout", options.stall_timeout),
        ),
        None => (client.http().clone(), client.connect_limit()),
    };
    let limits = Limits {
        connect,
        request: ("ExportOptions::file_timeout", options.file_timeout),
    };
    // reqwest's messages repeat the whole URL, query and all; the call already names the file.
    let failed = |e: reqwest::Error| classify(e.without_url(), &limits, &call);
    let own = same_origin(&url, client.base_url());
    let mut retried = false;
    let mut response = loop {
        let sent = if own { client.token() } else { None };
        let mut request = http
            .get(url.clone())
            .header(ACCEPT, "*/*")
            .timeout(options.file_timeout);
        if let Some(token) = &sent {
            request = request.header(SESSION_HEADER, token_header(token, &call)?);
        }
        let response = request.send().await.map_err(failed)?;
        // vCenter refusing its own session on a file is the same as on any call: one re-login
        // shared with the client's other calls, then this file once more. Another server was
        // sent no session, so logging in cannot change its answer.
        if response.status() == reqwest::StatusCode::UNAUTHORIZED
            && own
            && !retried
            && client.may_relogin()
        {
            retried = true;
            if client.relogin(sent.as_ref()).await? {
                continue;
            }
        }
        break response;
    };

    let final_path = dir.join(&file.name);
    let temp_path = dir.join(format!(
        ".{}.{}.part",
        file.name,
        crate::runtime::new_client_token()
    ));
    let mut partial = Partial { path: None };
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        let mut body = Vec::new();
        while let Ok(Ok(Some(chunk))) =
            tokio::time::timeout(options.stall_timeout, response.chunk()).await
        {
            body.extend_from_slice(&chunk[..chunk.len().min(4096 - body.len().min(4096))]);
            if body.len() >= 4096 {
                break;
            }
        }
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        return Err(Error::from_response(&call, status, location, &body));
    }
    let declared = response.content_length();
    if let (Some(size), Some(declared)) = (file.size, declared)
        && size != declared
    {
        return Err(size_error(
            file,
            &call,
            &format!("the server announces {declared} bytes"),
        ));
    }
    let expected = file.size.or(declared);

    let mut out = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp_path)
        .await
        .map_err(|e| io_error(&temp_path, &e))?;
    partial.path = Some(temp_path.clone());
    let mut digest = ring::digest::Context::new(&ring::digest::SHA256);
    let mut written: u64 = 0;
    let mut reported: u64 = 0;
    options.report(ExportProgress::Downloading {
        file: file.name.clone(),
        index,
        files,
        bytes: 0,
        size: expected,
    });
    loop {
        let chunk = match tokio::time::timeout(options.stall_timeout, response.chunk()).await {
            Err(_) => {
                return Err(Error::Timeout {
                    call: call.clone(),
                    message: format!(
                        "OVF export: {}: no data for {:?} after {written} bytes \
                         (ExportOptions::stall_timeout); raise ExportOptions::stall_timeout if \
                         the server is just slow to send",
                        file.name, options.stall_timeout
                    ),
                });
            }
            Ok(chunk) => chunk.map_err(failed)?,
        };
        let Some(chunk) = chunk else { break };
        written += chunk.len() as u64;
        if expected.is_some_and(|size| written > size) {
            return Err(size_error(
                file,
                &call,
                &format!("more than {written} bytes arrived"),
            ));
        }
        digest.update(&chunk);
        out.write_all(&chunk)
            .await
            .map_err(|e| io_error(&temp_path, &e))?;
        if written - reported >= 1024 * 1024 {
            reported = written;
            options.report(ExportProgress::Downloading {
                file: file.name.clone(),
                index,
                files,
                bytes: written,
                size: expected,
            });
        }
    }
    if let Some(size) = expected
        && written != size
    {
        return Err(size_error(
            file,
            &call,
            &format!("only {written} bytes arrived"),
        ));
    }
    if let Some(announced) = file.sha256.as_deref().and_then(hex_digest) {
        let actual = digest.finish();
        if actual.as_ref() != announced.as_slice() {
            return Err(Error::Transport {
                call: call.clone(),
                message: format!(
                    "OVF export: {}: the content does not have the announced SHA-256",
                    file.name
                ),
                source: None,
            });
        }
    }
    out.flush().await.map_err(|e| io_error(&temp_path, &e))?;
    out.sync_all().await.map_err(|e| io_error(&temp_path, &e))?;
    drop(out);
    tokio::fs::rename(&temp_path, &final_path)
        .await
        .map_err(|e| io_error(&final_path, &e))?;
    partial.path = None;
    options.report(ExportProgress::Downloaded {
        file: file.name.clone(),
        bytes: written,
    });
    Ok(final_path)
}

fn size_error(file: &OvfFile, call: &CallInfo, what: &str) -> Error {
    Error::Transport {
        call: call.clone(),
        message: format!(
            "OVF export: {}: expected {} bytes, {what}; the file was not kept",
            file.name,
            file.size.map_or_else(|| "?".to_owned(), |s| s.to_string())
        ),
        source: None,
    }
}

fn io_error(path: &Path, error: &std::io::Error) -> Error {
    Error::Transport {
        call: CallInfo::new("vcenter.ovf.export_session.download", Method::Get, ""),
        message: format!("OVF export: writing {}: {error}", path.display()),
        source: None,
    }
}

/// Whether `url` is on the client's own server (scheme, host and port), where the session
/// token may go.
fn same_origin(url: &reqwest::Url, base_url: &str) -> bool {
    reqwest::Url::parse(base_url).is_ok_and(|base| {
        base.scheme() == url.scheme()
            && base.host_str().map(str::to_ascii_lowercase)
                == url.host_str().map(str::to_ascii_lowercase)
            && base.port_or_known_default() == url.port_or_known_default()
    })
}

/// The bytes of a hex SHA-256 digest (64 hex digits, colons and spaces ignored).
fn hex_digest(text: &str) -> Option<Vec<u8>> {
    let bytes = hex_bytes(text)?;
    (bytes.len() == 32).then_some(bytes)
}

/// The bytes of a hex string, ignoring `:` and whitespace; `None` unless it is all hex pairs.
fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text
        .bytes()
        .filter(|b| *b != b':' && !b.is_ascii_whitespace())
        .collect();
    if digits.is_empty() || digits.len() % 2 != 0 {
        return None;
    }
    digits
        .chunks(2)
        .map(|pair| {
            let text = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(text, 16).ok()
        })
        .collect()
}

/// An HTTP client trusting exactly the certificate whose thumbprint is `thumbprint`.
fn pinned_client(thumbprint: &str, options: &ExportOptions) -> Result<reqwest::Client, Error> {
    let verifier = Thumbprint::parse(thumbprint)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::config(format!("TLS: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    reqwest::Client::builder()
        .use_preconfigured_tls(config)
        .connect_timeout(options.stall_timeout)
        // A redirect would leave the host the thumbprint was given for.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::config(format!("HTTP client: {e}")))
}

/// A certificate pinned by its thumbprint: SHA-1 (20 bytes, VMware's usual form, e.g.
/// `01:23:...:EF`) or SHA-256 (32 bytes) of the end-entity certificate's DER bytes. The
/// certificate's chain and names are not checked: the thumbprint, handed out by vCenter over the
/// authenticated session, is the trust.
#[derive(Debug)]
pub(crate) struct Thumbprint {
    digest: Vec<u8>,
    algorithms: rustls::crypto::WebPkiSupportedAlgorithms,
}

impl Thumbprint {
    pub(crate) fn parse(text: &str) -> Result<Thumbprint, Error> {
        let digest = hex_bytes(text)
            .filter(|bytes| bytes.len() == 20 || bytes.len() == 32)
            .ok_or_else(|| {
                Error::usage(
                    &CallInfo::new("vcenter.ovf.export_session.download", Method::Get, ""),
                    format!(
                        "OVF export: ssl_thumb_print {text:?} is not a SHA-1 or SHA-256 thumbprint"
                    ),
                )
            })?;
        Ok(Thumbprint {
            digest,
            algorithms: rustls::crypto::ring::default_provider().signature_verification_algorithms,
        })
    }

    fn matches(&self, certificate: &[u8]) -> bool {
        let algorithm = if self.digest.len() == 20 {
            &ring::digest::SHA1_FOR_LEGACY_USE_ONLY
        } else {
            &ring::digest::SHA256
        };
        ring::digest::digest(algorithm, certificate).as_ref() == self.digest.as_slice()
    }
}

impl rustls::client::danger::ServerCertVerifier for Thumbprint {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        if self.matches(end_entity.as_ref()) {
            Ok(rustls::client::danger::ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "the server certificate does not have the thumbprint vCenter gave".to_owned(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
