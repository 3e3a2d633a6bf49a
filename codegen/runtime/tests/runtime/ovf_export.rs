//! OVF file downloads (`runtime::ovf_export::download_files`): thumbprint pinning over TLS, the
//! session header only towards the client's own server, size checks, and no file left behind.

use std::sync::Arc;

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
