//! OVF file downloads (`runtime::ovf_export::download_files`): thumbprint pinning over TLS, the
//! session header only towards the client's own server, size checks, and no file left behind.

use std::sync::Arc;
use std::time::Duration;

use rcgen::{CertificateParams, DnType, KeyPair};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use vsphere_runtime::runtime::ovf_export::{ExportOptions, OvfFile, download_files};
use vsphere_runtime::runtime::{Client, Error};

use crate::server::{Reply, Server};

/// A self-signed server certificate (as ESXi hosts have) and its SHA-1 and SHA-256
/// thumbprints in VMware's colon-separated upper-case form.
fn self_signed() -> (Arc<rustls::ServerConfig>, String, String) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["esx-1.test".to_owned()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "esx-1.test");
    let cert = params.self_signed(&key).unwrap();
    let format = |algorithm| {
        ring::digest::digest(algorithm, cert.der())
            .as_ref()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    let sha1 = format(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY);
    let sha256 = format(&ring::digest::SHA256);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .unwrap();
    (Arc::new(config), sha1, sha256)
}

fn vcenter(url: &str) -> Client {
    Client::builder(url)
        .session_token("vc-token")
        .build()
        .unwrap()
}

fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_pinned_host_is_trusted_by_its_thumbprint_alone() {
    let (config, sha1, sha256) = self_signed();
    let esx = Server::start_tls(config, |_| {
        Reply::typed(200, "application/octet-stream", "disk bytes")
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = vcenter("https://vcenter.invalid");
    for thumbprint in [sha1.clone(), sha256.to_lowercase().replace(':', "")] {
        let file = OvfFile::new("disk-0.vmdk", format!("{}/nfc/disk-0.vmdk", esx.url()))
            .with_size(10)
            .with_ssl_thumbprint(thumbprint);
        let written = download_files(&client, &[file], dir.path(), ExportOptions::new())
            .await
            .expect("downloaded");
        assert_eq!(written, [dir.path().join("disk-0.vmdk")]);
        assert_eq!(std::fs::read(&written[0]).unwrap(), b"disk bytes");
    }
    // ESXi is not vCenter: the session token stays home.
    assert!(
        esx.requests()
            .iter()
            .all(|r| r.header("vmware-api-session-id").is_none())
    );

    // Any other thumbprint is refused before a byte is sent, and nothing is written.
    std::fs::remove_file(dir.path().join("disk-0.vmdk")).unwrap();
    let mut wrong = sha1.into_bytes();
    wrong[0] = if wrong[0] == b'A' { b'B' } else { b'A' };
    let file = OvfFile::new("disk-0.vmdk", format!("{}/nfc/disk-0.vmdk", esx.url()))
        .with_ssl_thumbprint(String::from_utf8(wrong).unwrap());
    let before = esx.requests().len();
    let error = download_files(&client, &[file], dir.path(), ExportOptions::new())
        .await
        .expect_err("a wrong thumbprint");
    assert!(matches!(error, Error::Tls { .. }), "{error:?}");
    assert_eq!(esx.requests().len(), before);
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));

    // A thumbprint that is not one is a usage error.
    let file = OvfFile::new("a.ovf", esx.url()).with_ssl_thumbprint("not-hex");
    let error = download_files(&client, &[file], dir.path(), ExportOptions::new())
        .await
        .expect_err("a bad thumbprint");
    assert!(matches!(error, Error::Usage { .. }), "{error:?}");
}

#[tokio::test]
async fn the_session_header_goes_only_to_the_clients_own_server() {
    let server = Server::start(|_| Reply::typed(200, "text/xml", "<Envelope/>")).await;
    let dir = tempfile::tempdir().unwrap();
    let client = vcenter(&server.url());
    let own = OvfFile::new("vm.ovf", format!("{}/nfc/vm.ovf", server.url()));
    // The same server under another name is another origin.
    let other_url = server.url().replace("127.0.0.1", "localhost");
    let other = OvfFile::new("vm.mf", format!("{other_url}/nfc/vm.mf"));
    download_files(&client, &[own, other], dir.path(), ExportOptions::new())
        .await
        .expect("downloaded");
    assert_eq!(
        server.request(0).header("vmware-api-session-id"),
        Some("vc-token")
    );
    assert_eq!(server.request(1).header("vmware-api-session-id"), None);
    assert_eq!(entries(dir.path()), ["vm.mf", "vm.ovf"]);
}

#[tokio::test]
async fn a_failed_file_removes_every_file_of_the_call() {
    let server = Server::start(|request| {
        if request.path().ends_with("vm.ovf") {
            Reply::typed(200, "text/xml", "<Envelope/>")
        } else {
            // Shorter than announced by the session.
            Reply::typed(200, "application/octet-stream", "short")
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = vcenter(&server.url());
    let files = [
        OvfFile::new("vm.ovf", format!("{}/vm.ovf", server.url())),
        OvfFile::new("disk.vmdk", format!("{}/disk.vmdk", server.url())).with_size(4096),
    ];
    let error = download_files(&client, &files, dir.path(), ExportOptions::new())
        .await
        .expect_err("a size mismatch");
    assert!(error.to_string().contains("disk.vmdk"), "{error}");
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));

    // An error status is the server's error, and nothing is written either.
    let server =
        Server::start(|_| Reply::json(404, r#"{"error_type":"NOT_FOUND","messages":[]}"#)).await;
    let file = OvfFile::new("vm.ovf", format!("{}/vm.ovf", server.url()));
    let error = download_files(
        &vcenter(&server.url()),
        &[file],
        dir.path(),
        ExportOptions::new(),
    )
    .await
    .expect_err("not found");
    assert_eq!(error.kind().map(|k| k.as_str()), Some("NOT_FOUND"));
    assert!(entries(dir.path()).is_empty());
}

#[tokio::test]
async fn a_name_that_is_a_path_is_refused_before_any_download() {
    let server = Server::start(|_| Reply::typed(200, "text/xml", "x")).await;
    let dir = tempfile::tempdir().unwrap();
    for name in ["../escape.ovf", "sub/dir.ovf", ".hidden", "", ".."] {
        let files = [
            OvfFile::new("ok.ovf", format!("{}/ok.ovf", server.url())),
            OvfFile::new(name, format!("{}/x", server.url())),
        ];
        let error = download_files(
            &vcenter(&server.url()),
            &files,
            dir.path(),
            ExportOptions::new(),
        )
        .await
        .expect_err("refused");
        assert!(matches!(error, Error::Usage { .. }), "{name}: {error:?}");
    }
    assert!(server.requests().is_empty());
    assert!(entries(dir.path()).is_empty());
}

/// A ticket the server put in a file URL's query, and a password in its user information.
const TICKET: &str = "ticket-s3cret-5";
const URL_PASSWORD: &str = "url-pw-s3cret-3";

#[test]
fn an_ovf_files_debug_shows_its_url_without_query_or_user_information() {
    let file = OvfFile::new(
        "disk-0.vmdk",
        format!(
            "https://nfc:{URL_PASSWORD}@esx-1.test:8443/nfc/52c1/disk-0.vmdk?ticket={TICKET}#part"
        ),
    )
    .with_size(10);
    let debug = format!("{file:?}");
    assert!(
        debug.contains(r#"url: "https://<redacted>@esx-1.test:8443/nfc/52c1/disk-0.vmdk?…""#),
        "{debug}"
    );
    assert!(!debug.contains(TICKET) && !debug.contains(URL_PASSWORD) && !debug.contains("part"));
    assert!(debug.contains("size: Some(10)"), "{debug}");

    // No query, nothing stands for one; the rest of the URL is shown as it is.
    let plain = format!("{:?}", OvfFile::new("vm.ovf", "https://vc.test/nfc/vm.ovf"));
    assert!(
        plain.contains(r#"url: "https://vc.test/nfc/vm.ovf""#),
        "{plain}"
    );
    // A URL that does not parse is hidden the same way.
    let odd = format!(
        "{:?}",
        OvfFile::new("vm.ovf", format!("nfc/vm.ovf?ticket={TICKET}"))
    );
    assert!(odd.contains(r#"url: "nfc/vm.ovf?…""#), "{odd}");
}

#[tokio::test]
async fn a_download_error_never_shows_the_urls_query() {
    let dir = tempfile::tempdir().unwrap();
    let check = |error: &Error| {
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(!text.contains(TICKET), "{text}");
        }
    };
    // An error status, from another host than the client's.
    let server = Server::start(|_| Reply::typed(404, "text/plain", "gone")).await;
    let file = OvfFile::new(
        "vm.ovf",
        format!("{}/nfc/vm.ovf?ticket={TICKET}", server.url()),
    );
    let error = download_files(
        &vcenter("https://vcenter.invalid"),
        &[file],
        dir.path(),
        ExportOptions::new(),
    )
    .await
    .expect_err("not found");
    check(&error);
    assert_eq!(error.call().unwrap().path, "/nfc/vm.ovf");
    assert_eq!(
        error.call().unwrap().host.as_deref(),
        Some(server.url().as_str())
    );

    // A transport failure: reqwest's own message carries the whole URL.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let file = OvfFile::new(
        "vm.ovf",
        format!("http://127.0.0.1:{port}/nfc/vm.ovf?ticket={TICKET}"),
    );
    let error = download_files(
        &vcenter("https://vcenter.invalid"),
        &[file],
        dir.path(),
        ExportOptions::new(),
    )
    .await
    .expect_err("refused");
    assert!(matches!(error, Error::Connect { .. }), "{error:?}");
    check(&error);
    assert!(
        error
            .to_string()
            .contains(&format!("on http://127.0.0.1:{port}")),
        "{error}"
    );
}

#[tokio::test]
async fn each_download_timeout_names_the_setting_that_ran_out() {
    let dir = tempfile::tempdir().unwrap();
    let quick = Duration::from_millis(200);
    /// Downloads `file`, expects a timeout and returns what it says.
    async fn timed_out(
        client: &Client,
        file: OvfFile,
        dir: &std::path::Path,
        options: ExportOptions,
    ) -> String {
        let error = download_files(client, &[file], dir, options)
            .await
            .expect_err("a timeout");
        assert!(error.is_timeout(), "{error:?}");
        error.to_string()
    }

    // The whole download of one file: ExportOptions::file_timeout.
    let server = Server::start(|_| {
        Reply::Stall(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nabc".to_vec())
    })
    .await;
    let file = || OvfFile::new("disk.vmdk", format!("{}/disk.vmdk", server.url()));
    let client = vcenter(&server.url());
    let display = timed_out(
        &client,
        file(),
        dir.path(),
        ExportOptions::new().file_timeout(quick),
    )
    .await;
    assert!(
        display.contains("within 200ms (ExportOptions::file_timeout")
            && display.contains("raise ExportOptions::file_timeout")
            && !display.contains("ClientBuilder"),
        "{display}"
    );

    // No byte for a while: ExportOptions::stall_timeout.
    let display = timed_out(
        &client,
        file(),
        dir.path(),
        ExportOptions::new().stall_timeout(quick),
    )
    .await;
    assert!(
        display.contains("no data for 200ms after 3 bytes (ExportOptions::stall_timeout)")
            && display.contains("raise ExportOptions::stall_timeout")
            && !display.contains("file_timeout"),
        "{display}"
    );

    // Connecting to a pinned host (its own connection, limited by the stall timeout) that never
    // answers the TLS handshake.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let (_, sha1, _) = self_signed();
    let pinned = OvfFile::new(
        "disk.vmdk",
        format!("https://{}/disk.vmdk", silent.local_addr().unwrap()),
    )
    .with_ssl_thumbprint(sha1);
    let display = timed_out(
        &vcenter("https://vcenter.invalid"),
        pinned,
        dir.path(),
        ExportOptions::new().stall_timeout(quick),
    )
    .await;
    assert!(
        display.contains("no connection within 200ms (ExportOptions::stall_timeout)"),
        "{display}"
    );

    // Connecting to the client's own server: the client's connection pool and its limit.
    let base = format!("https://{}", silent.local_addr().unwrap());
    let own = Client::builder(&base)
        .session_token("vc-token")
        .connect_timeout(quick)
        .build()
        .unwrap();
    let display = timed_out(
        &own,
        OvfFile::new("vm.ovf", format!("{base}/nfc/vm.ovf")),
        dir.path(),
        ExportOptions::new(),
    )
    .await;
    assert!(
        display.contains("no connection within 200ms (ClientBuilder::connect_timeout)"),
        "{display}"
    );
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
    drop(silent);
}

#[tokio::test]
async fn a_401_from_a_pinned_host_names_it_and_logs_in_nowhere() {
    let (config, sha1, _) = self_signed();
    let esx = Server::start_tls(config, |_| Reply::typed(401, "text/plain", "no ticket")).await;
    // vCenter would accept a login; it must not be asked.
    let vcenter_server = Server::start(|_| Reply::json(200, r#""new-token""#)).await;
    let client = Client::builder(&vcenter_server.url())
        .credentials("administrator@vsphere.local", "pw")
        .session_token("vc-token")
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = OvfFile::new("disk-0.vmdk", format!("{}/nfc/disk-0.vmdk", esx.url()))
        .with_ssl_thumbprint(sha1);
    let error = download_files(&client, &[file], dir.path(), ExportOptions::new())
        .await
        .expect_err("refused");
    assert!(
        matches!(error, Error::Http { status: 401, .. }),
        "{error:?}"
    );
    let display = error.to_string();
    assert!(
        display.starts_with(&format!(
            "vcenter.ovf.export_session.download (GET /nfc/disk-0.vmdk) on {}: HTTP 401",
            esx.url()
        )) && display.contains("that server is not the client's vCenter"),
        "{display}"
    );
    assert_eq!(esx.requests().len(), 1);
    assert!(vcenter_server.requests().is_empty());
    assert_eq!(client.session_token().as_deref(), Some("vc-token"));
    assert!(entries(dir.path()).is_empty());
}
