//! OVF export to a directory (`vsphere_client::runtime::ovf_export::export_to_directory`)
//! against the stand-in: the session created with an idempotency token, polled until ready,
//! every file downloaded and size-checked with progress; a failed session, a stalled download
//! and a short download leave nothing in the directory.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use vsphere_client::ids::VirtualMachineId;
use vsphere_client::runtime::ovf_export::{ExportOptions, ExportProgress, export_to_directory};
use vsphere_client::vcenter::ovf::export_session::{
    CreateSpec, SourceInfo, TargetContentType, TargetType,
};
use vsphere_client::{Client, Error};
use vsphere_tests::standin::{Recorded, Reply, StandIn, within};

const LIMIT: Duration = Duration::from_secs(30);
const SESSION_PATH: &str = "/rest/com/vmware/vcenter/ovf/export-session";
const DISK: usize = 3 * 1024 * 1024 + 17;

fn client(standin: &StandIn) -> Client {
    Client::builder(&standin.url())
        .session_token("token-1")
        .build()
        .expect("client")
}

fn spec() -> (SourceInfo, CreateSpec) {
    let mut source = SourceInfo::new();
    source.vm_id = Some(VirtualMachineId::new("vm-42"));
    let mut spec = CreateSpec::new(TargetType::DownloadTarget);
    spec.target_content_type = Some(TargetContentType::OvfTarget);
    (source, spec)
}

fn file(standin: &StandIn, name: &str, size: usize) -> Value {
    json!({
        "name": name,
        "file_type": if name.ends_with(".ovf") { "OVF" } else { "DISK" },
        "optional_upload": false,
        "file_url": format!("{}/nfc/52c1/{name}", standin.url()),
        "size": size,
        "bytes_transferred": 0,
        "sha256": ""
    })
}

fn session_info(state: &str, files: Vec<Value>, errors: Vec<Value>) -> Reply {
    Reply::rest_ok(&json!({
        "state": state,
        "files": files,
        "errors": errors,
        "warnings": [],
        "information": []
    }))
}

/// Answers the export session's create and get (PREPARING `preparing` times, then READY with
/// `files`), and the downloads with `download`.
fn serve(
    standin: &StandIn,
    preparing: usize,
    files: Vec<Value>,
    download: impl Fn(&Recorded) -> Reply + Send + Sync + 'static,
) {
    let polls = AtomicUsize::new(0);
    standin.handler(move |request| {
        Some(match (request.method.as_str(), request.path.as_str()) {
            ("POST", SESSION_PATH) => Reply::rest_ok(&json!("session-1")),
            ("GET", path) if path == format!("{SESSION_PATH}/id:session-1") => {
                if polls.fetch_add(1, Ordering::SeqCst) < preparing {
                    session_info("EXPORT_PREPARING", Vec::new(), Vec::new())
                } else {
                    session_info("EXPORT_READY", files.clone(), Vec::new())
                }
            }
            ("GET", path) if path.starts_with("/nfc/") => download(request),
            _ => return None,
        })
    });
}

fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn quick() -> ExportOptions {
    ExportOptions::new().poll_interval(Duration::from_millis(10), Duration::from_millis(20))
}

#[tokio::test]
async fn an_export_lands_in_the_directory_with_progress() {
    let standin = StandIn::start().await;
    let ovf = b"<?xml version=\"1.0\"?><Envelope/>".to_vec();
    let files = vec![
        file(&standin, "vm.ovf", ovf.len()),
        file(&standin, "vm-disk1.vmdk", DISK),
    ];
    let body = ovf.clone();
    serve(&standin, 2, files, move |request| {
        if request.path.ends_with(".ovf") {
            Reply::raw(200, "text/xml", body.clone())
        } else {
            Reply::declared(200, "application/octet-stream", 7, DISK as u64, DISK)
        }
    });
    let dir = tempfile::tempdir().expect("dir");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let (source, spec) = spec();
    let token = "6f1b7a36-31a5-4b6e-9f0e-2e1f4b5c6d7e";
    let exported = within(
        LIMIT,
        export_to_directory(
            &client(&standin),
            Some(token),
            &source,
            &spec,
            dir.path(),
            quick().on_progress(move |p| sink.lock().expect("lock").push(p.clone())),
        ),
    )
    .await
    .expect("exported");

    assert_eq!(exported.session, "session-1");
    assert_eq!(
        exported.files,
        [dir.path().join("vm.ovf"), dir.path().join("vm-disk1.vmdk")]
    );
    assert_eq!(entries(dir.path()), ["vm-disk1.vmdk", "vm.ovf"]);
    assert_eq!(std::fs::read(dir.path().join("vm.ovf")).expect("ovf"), ovf);
    let disk = std::fs::read(dir.path().join("vm-disk1.vmdk")).expect("disk");
    assert_eq!(disk.len(), DISK);
    assert!(disk.iter().all(|b| *b == 7));

    let requests = standin.take();
    requests[0].assert_target("POST", SESSION_PATH, None);
    requests[0].assert_json(&json!({
        "client_token": token,
        "source": {"vm_id": "vm-42"},
        "create_spec": {
            "@class": "com.vmware.vcenter.ovf.export_session.create_spec",
            "target_type": "DOWNLOAD_TARGET",
            "target_content_type": "OVF_TARGET"
        }
    }));
    let lines: Vec<String> = requests[1..].iter().map(Recorded::line).collect();
    assert_eq!(
        lines,
        [
            "GET /rest/com/vmware/vcenter/ovf/export-session/id:session-1",
            "GET /rest/com/vmware/vcenter/ovf/export-session/id:session-1",
            "GET /rest/com/vmware/vcenter/ovf/export-session/id:session-1",
            "GET /nfc/52c1/vm.ovf",
            "GET /nfc/52c1/vm-disk1.vmdk",
        ]
    );
    // The files are on vCenter's own host here: the session goes with them.
    assert!(requests.iter().all(|r| r.session_id() == Some("token-1")));

    let seen = seen.lock().expect("lock").clone();
    assert_eq!(
        seen[..2],
        [
            ExportProgress::Preparing {
                session: "session-1".into(),
                state: "EXPORT_PREPARING".into()
            },
            ExportProgress::Preparing {
                session: "session-1".into(),
                state: "EXPORT_READY".into()
            },
        ]
    );
    let disk_bytes: Vec<u64> = seen
        .iter()
        .filter_map(|p| match p {
            ExportProgress::Downloading { file, bytes, .. } if file == "vm-disk1.vmdk" => {
                Some(*bytes)
            }
            _ => None,
        })
        .collect();
    assert!(disk_bytes.len() >= 3, "{disk_bytes:?}");
    assert!(disk_bytes.windows(2).all(|w| w[0] < w[1]), "{disk_bytes:?}");
    assert_eq!(
        seen.last(),
        Some(&ExportProgress::Downloaded {
            file: "vm-disk1.vmdk".into(),
            bytes: DISK as u64
        })
    );
}

#[tokio::test]
async fn a_session_that_fails_is_its_typed_error() {
    let standin = StandIn::start().await;
    standin.handler(|request| {
        Some(if request.method == "POST" {
            Reply::rest_ok(&json!("session-1"))
        } else {
            session_info(
                "EXPORT_ERROR",
                Vec::new(),
                vec![json!({
                    "category": "SERVER",
                    "message": {
                        "id": "com.vmware.ovfs.ovfs-main.ovfs.export_failed",
                        "default_message": "The virtual machine is powered on.",
                        "args": []
                    }
                })],
            )
        })
    });
    let dir = tempfile::tempdir().expect("dir");
    let (source, spec) = spec();
    let error = within(
        LIMIT,
        export_to_directory(&client(&standin), None, &source, &spec, dir.path(), quick()),
    )
    .await
    .expect_err("failed");
    assert_eq!(error.kind().map(|k| k.as_str()), Some("ERROR"));
    assert_eq!(
        error.messages()[0].default_message,
        "The virtual machine is powered on."
    );
    assert!(entries(dir.path()).is_empty());
    // Without a token given, a fresh UUID is sent.
    let create = standin.take().remove(0);
    let token = create.json()["client_token"]
        .as_str()
        .expect("token")
        .to_owned();
    uuid::Uuid::parse_str(&token).expect("a UUID");
}

#[tokio::test]
async fn a_stalled_download_times_out_and_leaves_nothing() {
    let standin = StandIn::start().await;
    let files = vec![
        file(&standin, "vm.ovf", 5),
        file(&standin, "vm-disk1.vmdk", DISK),
    ];
    serve(&standin, 0, files, |request| {
        if request.path.ends_with(".ovf") {
            Reply::raw(200, "text/xml", b"<a/>\n".to_vec())
        } else {
            Reply::stall_after(200, "application/octet-stream", 1, DISK as u64, 100_000)
        }
    });
    let dir = tempfile::tempdir().expect("dir");
    let (source, spec) = spec();
    let error = within(
        LIMIT,
        export_to_directory(
            &client(&standin),
            None,
            &source,
            &spec,
            dir.path(),
            quick().stall_timeout(Duration::from_millis(300)),
        ),
    )
    .await
    .expect_err("stalled");
    assert!(error.is_timeout(), "{error:?}");
    assert!(error.to_string().contains("vm-disk1.vmdk"), "{error}");
    // Neither the partial disk nor the complete descriptor of the failed export is kept.
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
}

#[tokio::test]
async fn a_download_cut_short_leaves_nothing() {
    let standin = StandIn::start().await;
    let files = vec![file(&standin, "vm-disk1.vmdk", DISK)];
    serve(&standin, 0, files, |_| {
        Reply::declared(200, "application/octet-stream", 1, DISK as u64, DISK / 2)
    });
    let dir = tempfile::tempdir().expect("dir");
    let (source, spec) = spec();
    let error = within(
        LIMIT,
        export_to_directory(&client(&standin), None, &source, &spec, dir.path(), quick()),
    )
    .await
    .expect_err("cut short");
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
}

#[tokio::test]
async fn a_session_never_ready_ends_at_the_prepare_deadline() {
    let standin = StandIn::start().await;
    serve(&standin, usize::MAX, Vec::new(), |_| Reply::empty(500));
    let dir = tempfile::tempdir().expect("dir");
    let (source, spec) = spec();
    let started = std::time::Instant::now();
    let error = within(
        LIMIT,
        export_to_directory(
            &client(&standin),
            None,
            &source,
            &spec,
            dir.path(),
            quick().prepare_deadline(Duration::from_millis(300)),
        ),
    )
    .await
    .expect_err("not ready");
    assert!(error.is_timeout(), "{error:?}");
    assert!(error.to_string().contains("EXPORT_PREPARING"), "{error}");
    assert!(started.elapsed() < Duration::from_millis(300) + Duration::from_millis(200));
}
