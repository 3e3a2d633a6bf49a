//! Tracing: every call runs in a span with its fields and without secrets or bodies.
//!
//! A test binary of its own: tracing caches per-callsite interest globally, so a per-thread
//! subscriber racing with other tests' threads could miss spans.

#![allow(dead_code)]

#[path = "runtime/capture.rs"]
mod capture;
#[path = "runtime/fixtures.rs"]
mod fixtures;
#[path = "runtime/server.rs"]
mod server;

use vsphere_runtime::runtime::Client;

use crate::capture::Capture;
use crate::fixtures::*;
use crate::server::{Reply, Server};

#[tokio::test]
async fn calls_run_in_spans_with_fields_but_no_secrets() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = Server::start(|request| match request.path() {
        "/api/session" => Reply::json(201, r#""tok-SECRET-789""#),
        _ => match request.header("vmware-api-session-id") {
            Some("tok-SECRET-789") => Reply::json(200, r#""vm-1""#),
            _ => Reply::empty(401),
        },
    })
    .await;
    let client = Client::builder(&server.url())
        .credentials("user@vsphere.local", "pw-SECRET-456")
        .build()
        .unwrap();
    let mut call = client.call(&INSTANT_CLONE);
    call.body_param("spec", &clone_spec()).unwrap();
    let _: String = call.send().await.unwrap();

    let log = capture.text();
    assert!(!log.contains("SECRET"), "{log}");
    assert!(
        !log.contains("00:50:56:00:00:01"),
        "bodies stay out of traces: {log}"
    );
    let span = log
        .lines()
        .find(|line| line.contains("vsphere.call"))
        .unwrap_or_else(|| panic!("no call span: {log}"));
    for field in [
        "operation=vcenter.vm.instant_clone",
        "method=POST",
        "path=/api/vcenter/vm",
        "style=api",
    ] {
        assert!(span.contains(field), "{field} in {span}");
    }
    for field in ["status=200", "elapsed_ms=", "relogin=true", "vsphere.login"] {
        assert!(log.contains(field), "{field} in {log}");
    }
}

#[test]
fn turning_certificate_checks_off_is_logged_as_a_warning() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    Client::builder("https://vcenter.example.com")
        .build()
        .unwrap();
    assert!(
        !capture.text().contains("verification is disabled"),
        "{}",
        capture.text()
    );
    Client::builder("https://vcenter.example.com")
        .danger_accept_invalid_certificates(true)
        .build()
        .unwrap();
    let log = capture.text();
    let line = log
        .lines()
        .find(|l| l.contains("TLS certificate verification is disabled"))
        .unwrap_or_else(|| panic!("no warning: {log}"));
    assert!(line.contains("WARN"), "{line}");
    assert!(line.contains("https://vcenter.example.com"), "{line}");
}
