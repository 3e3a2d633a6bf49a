//! OVF export to a directory (`vsphere_client::runtime::ovf_export::export_to_directory`)
//! against the stand-in: the session created with an idempotency token, polled until ready,
//! every file downloaded and size-checked with progress; a failed session, a stalled download
//! and a short download leave nothing in the directory.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use vsphere_client::ids::VirtualMachineId;
use vsphere_client::runtime::ovf_export::{
    ExportOptions, ExportProgress, ExportedOvf, OvfFile, download_files, export_to_directory,
};
use vsphere_client::vcenter::ovf::export_session::{
    CreateSpec, SourceInfo, TargetContentType, TargetType,
};
use vsphere_client::{Client, Error};
use vsphere_tests::standin::{Recorded, Reply, StandIn, basic_auth, within};

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

/// The seed's export into `dir` with [`quick`] options, bounded by the test's limit.
async fn export_quick(client: &Client, dir: &std::path::Path) -> Result<ExportedOvf, Error> {
    let (source, spec) = spec();
    within(
        LIMIT,
        export_to_directory(client, None, &source, &spec, dir, quick()),
    )
    .await
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
    let error = export_quick(&client(&standin), dir.path())
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
    let display = error.to_string();
    assert!(
        display.contains("vm-disk1.vmdk: no data for 300ms after")
            && display
                .contains("(ExportOptions::stall_timeout); raise ExportOptions::stall_timeout")
            && !display.contains("ClientBuilder"),
        "{display}"
    );
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
    let error = export_quick(&client(&standin), dir.path())
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
    let display = error.to_string();
    assert!(
        display.contains("was not ready within 300ms (ExportOptions::prepare_deadline; last state EXPORT_PREPARING)")
            && display.contains("raise ExportOptions::prepare_deadline")
            && !display.contains("ClientBuilder"),
        "{display}"
    );
    assert!(started.elapsed() < Duration::from_millis(300) + Duration::from_millis(200));
}

fn client_with_credentials(standin: &StandIn) -> Client {
    Client::builder(&standin.url())
        .credentials("administrator@vsphere.local", "pw")
        .session_token("token-1")
        .build()
        .expect("client")
}

/// The export's requests as lines, the session polls left out.
fn lines_after_polls(requests: &[Recorded]) -> Vec<String> {
    requests
        .iter()
        .filter(|r| !r.path.starts_with(SESSION_PATH))
        .map(|r| format!("{} {:?}", r.line(), r.session_id()))
        .collect()
}

#[tokio::test]
async fn a_401_on_a_vcenter_file_logs_in_again_once_and_retries_the_file() {
    let standin = StandIn::start().await;
    let files = vec![file(&standin, "vm.ovf", 5)];
    // vCenter dropped the session: the old token is refused on the file (the session polls
    // before it went through), a login gives a new one.
    serve(&standin, 0, files, |request| match request.session_id() {
        Some("token-2") => Reply::raw(200, "text/xml", b"<a/>\n".to_vec()),
        _ => Reply::empty(401),
    });
    let dir = tempfile::tempdir().expect("dir");
    let client = client_with_credentials(&standin);
    // The stand-in's handler answers the export; the login is scripted.
    standin.push(Reply::json(201, &json!("token-2")));
    let exported = export_quick(&client, dir.path())
        .await
        .expect("exported after one re-login");
    assert_eq!(exported.files, [dir.path().join("vm.ovf")]);
    assert_eq!(entries(dir.path()), ["vm.ovf"]);
    let requests = standin.take();
    assert_eq!(
        lines_after_polls(&requests),
        [
            "GET /nfc/52c1/vm.ovf Some(\"token-1\")",
            "POST /api/session None",
            "GET /nfc/52c1/vm.ovf Some(\"token-2\")",
        ]
    );
    let login = requests
        .iter()
        .find(|r| r.path == "/api/session")
        .expect("a login");
    assert_eq!(
        login.header("authorization"),
        Some(basic_auth("administrator@vsphere.local", "pw").as_str())
    );
    assert_eq!(client.session_token().as_deref(), Some("token-2"));
}

#[tokio::test]
async fn a_vcenter_file_refused_again_after_the_login_is_not_retried_twice() {
    let standin = StandIn::start().await;
    let files = vec![file(&standin, "vm.ovf", 5)];
    serve(&standin, 0, files, |_| Reply::empty(401));
    standin.push(Reply::json(201, &json!("token-2")));
    let dir = tempfile::tempdir().expect("dir");
    let client = client_with_credentials(&standin);
    let error = export_quick(&client, dir.path())
        .await
        .expect_err("refused twice");
    assert!(
        matches!(error, Error::Http { status: 401, .. }),
        "{error:?}"
    );
    assert!(error.call().expect("a call").host.is_none(), "{error:?}");
    assert_eq!(
        lines_after_polls(&standin.take()),
        [
            "GET /nfc/52c1/vm.ovf Some(\"token-1\")",
            "POST /api/session None",
            "GET /nfc/52c1/vm.ovf Some(\"token-2\")",
        ]
    );
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
}

#[tokio::test]
async fn a_vcenter_file_refused_after_logout_or_without_credentials_logs_in_nowhere() {
    let standin = StandIn::start().await;
    let files = vec![file(&standin, "vm.ovf", 5)];
    serve(&standin, 0, files, |_| Reply::empty(401));
    let dir = tempfile::tempdir().expect("dir");
    // Without credentials there is nothing to log in with.
    let error = export_quick(&client(&standin), dir.path())
        .await
        .expect_err("refused");
    assert!(
        matches!(error, Error::Http { status: 401, .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("log in (Client::login)"),
        "{error}"
    );
    assert_eq!(
        lines_after_polls(&standin.take()),
        ["GET /nfc/52c1/vm.ovf Some(\"token-1\")"]
    );

    // After logout() no session is opened behind the user's back; the logout's own DELETE is
    // scripted.
    let client = client_with_credentials(&standin);
    standin.push(Reply::empty(204));
    client.logout().await.expect("logged out");
    standin.take();
    let files = vec![file(&standin, "vm.ovf", 5)];
    let error = within(LIMIT, ovf_download(&client, &files, dir.path()))
        .await
        .expect_err("refused");
    assert!(
        matches!(error, Error::Http { status: 401, .. }),
        "{error:?}"
    );
    assert_eq!(
        lines_after_polls(&standin.take()),
        ["GET /nfc/52c1/vm.ovf None"]
    );
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
}

/// The session's files (as the stand-in's session Info lists them) downloaded on their own.
async fn ovf_download(
    client: &Client,
    files: &[Value],
    dir: &std::path::Path,
) -> Result<(), Error> {
    let files: Vec<OvfFile> = files
        .iter()
        .map(|f| {
            OvfFile::new(
                f["name"].as_str().expect("name"),
                f["file_url"].as_str().expect("url"),
            )
        })
        .collect();
    download_files(client, &files, dir, quick()).await.map(drop)
}

#[tokio::test]
async fn a_401_from_another_host_names_it_and_does_not_log_in() {
    let standin = StandIn::start().await;
    // The same stand-in under another name is another server, as an ESXi host is.
    let other = standin.url().replace("127.0.0.1", "localhost");
    let mut esx_file = file(&standin, "vm-disk1.vmdk", 5);
    esx_file["file_url"] = json!(format!("{other}/nfc/52c1/vm-disk1.vmdk?ticket=t-7"));
    serve(&standin, 0, vec![esx_file], |_| Reply::empty(401));
    standin.push(Reply::json(201, &json!("token-2")));
    let dir = tempfile::tempdir().expect("dir");
    let client = client_with_credentials(&standin);
    let error = export_quick(&client, dir.path())
        .await
        .expect_err("refused");
    assert!(
        matches!(error, Error::Http { status: 401, .. }),
        "{error:?}"
    );
    assert_eq!(
        error.call().expect("a call").host.as_deref(),
        Some(other.as_str())
    );
    let display = error.to_string();
    assert!(
        display.starts_with(&format!(
            "vcenter.ovf.export_session.download (GET /nfc/52c1/vm-disk1.vmdk) on {other}: HTTP 401"
        )) && display.contains("that server is not the client's vCenter")
            && !display.contains("t-7"),
        "{display}"
    );
    // One download, without the session; no login; the login script is still unused.
    assert_eq!(
        lines_after_polls(&standin.take()),
        ["GET /nfc/52c1/vm-disk1.vmdk?ticket=t-7 None"]
    );
    assert_eq!(standin.unused_replies(), 1);
    assert_eq!(client.session_token().as_deref(), Some("token-1"));
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
}
