//! The examples of the generated crate (spec/examples/, copied to generated/examples/) run
//! against the stand-in: each is built once per test run (`cargo build -p vsphere-client
//! -p vsphere-tests --examples`: with vsphere-tests selected too, features resolve as for this
//! test binary, so nothing else is rebuilt), run as its own process with `VSPHERE_*` pointing at
//! 127.0.0.1, must exit 0 and must have sent exactly the expected requests. On failure an
//! example exits 1 with the error on stderr, never panics.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use vsphere_tests::standin::{Recorded, Reply, StandIn, basic_auth, workspace_dir};

const USER: &str = "administrator@vsphere.local";
const PASSWORD: &str = "example-pw";
const TOKEN: &str = "example-token";
/// The longest an example may run before it is killed and the test fails.
const RUN_LIMIT: Duration = Duration::from_secs(30);

/// The example binaries by name, built once per test process.
fn examples() -> &'static BTreeMap<String, PathBuf> {
    static EXAMPLES: OnceLock<BTreeMap<String, PathBuf>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        // Cargo sets these for this test process; build scripts that watch them (ring's
        // `rerun-if-env-changed=CARGO_PKG_NAME`, ...) would otherwise see a change and force
        // a rebuild of everything above them, twice per test run.
        for (key, _) in std::env::vars_os() {
            let key_text = key.to_string_lossy();
            if [
                "CARGO_PKG_",
                "CARGO_MANIFEST_",
                "CARGO_CRATE_",
                "CARGO_BIN_",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
                "OUT_DIR",
            ]
            .iter()
            .any(|prefix| key_text.starts_with(prefix))
            {
                command.env_remove(key);
            }
        }
        let output = command
            .current_dir(workspace_dir())
            .args([
                "build",
                "--package",
                "vsphere-client",
                "--package",
                "vsphere-tests",
                "--examples",
                "--message-format=json",
            ])
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .expect("cargo runs");
        assert!(output.status.success(), "building the examples failed");
        let mut examples = BTreeMap::new();
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Ok(message) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            if message["reason"] == "compiler-artifact"
                && message["target"]["kind"] == json!(["example"])
                && let (Some(name), Some(executable)) = (
                    message["target"]["name"].as_str(),
                    message["executable"].as_str(),
                )
            {
                examples.insert(name.to_owned(), PathBuf::from(executable));
            }
        }
        examples
    })
}

/// Runs an example with the stand-in's URL and credentials plus `env`; kills it after
/// [`RUN_LIMIT`].
async fn run(name: &str, standin: &StandIn, env: &[(&str, &str)]) -> Output {
    let path = examples()
        .get(name)
        .unwrap_or_else(|| panic!("no example {name} among {:?}", examples().keys()))
        .clone();
    let mut command = Command::new(path);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("VSPHERE_") {
            command.env_remove(key);
        }
    }
    command
        .env("VSPHERE_URL", standin.url())
        .env("VSPHERE_USERNAME", USER)
        .env("VSPHERE_PASSWORD", PASSWORD)
        .env("NO_PROXY", "127.0.0.1")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Wait on a blocking thread so that this test's runtime keeps serving the stand-in.
    tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().expect("the example starts");
        let started = Instant::now();
        while child.try_wait().expect("wait").is_none() {
            if started.elapsed() > RUN_LIMIT {
                let _ = child.kill();
                let output = child.wait_with_output().expect("output");
                panic!(
                    "the example ran longer than {RUN_LIMIT:?}; stderr: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        child.wait_with_output().expect("output")
    })
    .await
    .expect("the waiting thread")
}

#[track_caller]
fn assert_success(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[track_caller]
fn assert_login(request: &Recorded, path: &str) {
    request.assert_target("POST", path, None);
    assert_eq!(
        request.header("authorization"),
        Some(basic_auth(USER, PASSWORD).as_str())
    );
}

#[track_caller]
fn assert_logout(request: &Recorded, path: &str) {
    request.assert_target("DELETE", path, None);
    assert_eq!(request.session_id(), Some(TOKEN));
}

#[tokio::test]
async fn instant_clone_example_in_both_styles() {
    for (style, session, vm) in [
        ("api", "/api/session", "/api/vcenter/vm"),
        ("rest", "/rest/com/vmware/cis/session", "/rest/vcenter/vm"),
    ] {
        let standin = StandIn::start().await;
        if style == "api" {
            standin.push(Reply::json(201, &json!(TOKEN)));
            standin.push(Reply::api_ok(&json!("vm-43")));
            standin.push(Reply::empty(204));
        } else {
            standin.push(Reply::rest_ok(&json!(TOKEN)));
            standin.push(Reply::rest_ok(&json!("vm-43")));
            standin.push(Reply::empty(200));
        }
        let output = run(
            "instant_clone",
            &standin,
            &[
                ("VSPHERE_STYLE", style),
                ("VSPHERE_SOURCE_VM", "vm-42"),
                ("VSPHERE_CLONE_NAME", "clone-7"),
            ],
        )
        .await;
        assert_eq!(assert_success(&output).trim(), "vm-43");

        let requests = standin.take();
        assert_eq!(requests.len(), 3, "{requests:#?}");
        assert_login(&requests[0], session);
        requests[1].assert_target("POST", vm, Some("action=instant-clone"));
        assert_eq!(requests[1].session_id(), Some(TOKEN));
        let spec = json!({"source": "vm-42", "name": "clone-7"});
        requests[1].assert_json(&if style == "api" {
            spec
        } else {
            json!({ "spec": spec })
        });
        assert_logout(&requests[2], session);
    }
}

#[tokio::test]
async fn check_out_and_in_example() {
    let standin = StandIn::start().await;
    standin.push(Reply::json(201, &json!(TOKEN)));
    standin.push(Reply::api_ok(&json!("vm-77")));
    standin.push(Reply::api_ok(&json!("3")));
    standin.push(Reply::empty(204));
    let output = run(
        "check_out_and_in",
        &standin,
        &[
            ("VSPHERE_TEMPLATE_ITEM", "item 5"),
            ("VSPHERE_VM_NAME", "from-template"),
            ("VSPHERE_FOLDER", "group-v3"),
            ("VSPHERE_CHECK_IN_MESSAGE", "tested"),
        ],
    )
    .await;
    let stdout = assert_success(&output);
    assert!(
        stdout.contains("vm-77") && stdout.contains('3'),
        "stdout: {stdout}"
    );

    let requests = standin.take();
    assert_eq!(requests.len(), 4, "{requests:#?}");
    assert_login(&requests[0], "/api/session");
    let base = "/api/vcenter/vm-template/library-items/item%205/check-outs";
    requests[1].assert_target("POST", base, Some("action=check-out"));
    requests[1].assert_json(&json!({
        "name": "from-template",
        "placement": {"folder": "group-v3"},
        "powered_on": false
    }));
    requests[2].assert_target("POST", &format!("{base}/vm-77"), Some("action=check-in"));
    requests[2].assert_json(&json!({"message": "tested"}));
    for request in &requests[1..3] {
        assert_eq!(request.session_id(), Some(TOKEN));
    }
    assert_logout(&requests[3], "/api/session");
}

/// The environment of the find_and_check_out runs.
const FIND_ENV: [(&str, &str); 4] = [
    ("VSPHERE_LIBRARY", "Templates"),
    ("VSPHERE_TEMPLATE", "web server"),
    ("VSPHERE_VM_NAME", "from-template"),
    ("VSPHERE_CHECK_IN_MESSAGE", "tested"),
];

/// Finds the library and the item by name, checks out, powers on and off (asserting each state),
/// checks in and logs out, in this order, in each URL style.
#[tokio::test]
async fn find_and_check_out_example_in_both_styles() {
    for style in ["api", "rest"] {
        let standin = StandIn::start().await;
        // /rest wraps each result in {"value": ...} and answers a void operation with 200.
        let ok = |value: Value| {
            if style == "api" {
                Reply::api_ok(&value)
            } else {
                Reply::rest_ok(&value)
            }
        };
        let void = || Reply::empty(if style == "api" { 204 } else { 200 });
        standin.push(if style == "api" {
            Reply::json(201, &json!(TOKEN))
        } else {
            Reply::rest_ok(&json!(TOKEN))
        });
        standin.push(ok(json!(["lib-1"])));
        standin.push(ok(json!(["item-5"])));
        standin.push(ok(json!("vm-77")));
        standin.push(void());
        standin.push(ok(json!({"state": "POWERED_ON"})));
        standin.push(void());
        standin.push(ok(json!({"state": "POWERED_OFF", "clean_power_off": true})));
        standin.push(ok(json!("3")));
        standin.push(void());
        let mut env = FIND_ENV.to_vec();
        env.push(("VSPHERE_STYLE", style));
        let output = run("find_and_check_out", &standin, &env).await;
        assert_eq!(
            assert_success(&output),
            "found web server in Templates: library item item-5\n\
             checked out vm-77\n\
             powered on vm-77\n\
             powered off vm-77\n\
             checked in vm-77 as version 3 of item-5\n",
            "{style}"
        );

        let requests = standin.take();
        let lines: Vec<String> = requests.iter().map(Recorded::line).collect();
        let (session, library, item, power, check_outs) = if style == "api" {
            (
                "/api/session",
                "/api/content/library",
                "/api/content/library/item",
                "/api/vcenter/vm/vm-77/power",
                "/api/vcenter/vm-template/library-items/item-5/check-outs",
            )
        } else {
            (
                "/rest/com/vmware/cis/session",
                "/rest/com/vmware/content/library",
                "/rest/com/vmware/content/library/item",
                "/rest/vcenter/vm/vm-77/power",
                "/rest/vcenter/vm-template/library-items/item-5/check-outs",
            )
        };
        assert_eq!(requests.len(), 10, "{style}: {lines:#?}");
        assert_login(&requests[0], session);
        let find = if style == "api" {
            "action=find"
        } else {
            "~action=find"
        };
        requests[1].assert_target("POST", library, Some(find));
        requests[2].assert_target("POST", item, Some(find));
        requests[3].assert_target("POST", check_outs, Some("action=check-out"));
        if style == "api" {
            requests[4].assert_target("POST", power, Some("action=start"));
        } else {
            requests[4].assert_target("POST", &format!("{power}/start"), None);
        }
        requests[5].assert_target("GET", power, None);
        if style == "api" {
            requests[6].assert_target("POST", power, Some("action=stop"));
        } else {
            requests[6].assert_target("POST", &format!("{power}/stop"), None);
        }
        requests[7].assert_target("GET", power, None);
        requests[8].assert_target(
            "POST",
            &format!("{check_outs}/vm-77"),
            Some("action=check-in"),
        );
        assert_logout(&requests[9], session);

        // The bodies: bare under /api, in their {"spec": ...} envelope under /rest.
        let wrap = |spec: Value| {
            if style == "api" {
                spec
            } else {
                json!({ "spec": spec })
            }
        };
        requests[1].assert_json(&wrap(json!({"name": "Templates"})));
        requests[2].assert_json(&wrap(json!({"name": "web server", "library_id": "lib-1"})));
        requests[3].assert_json(&wrap(json!({"name": "from-template", "powered_on": false})));
        requests[8].assert_json(&wrap(json!({"message": "tested"})));
        for request in [&requests[4], &requests[5], &requests[6], &requests[7]] {
            assert!(
                request.body.is_empty() || request.json() == json!({}),
                "{style}: {}: no body",
                request.line()
            );
        }
        for request in &requests[1..9] {
            assert_eq!(
                request.session_id(),
                Some(TOKEN),
                "{style}: {}",
                request.line()
            );
        }
    }
}

/// A library that does not exist: exit 1 naming it, nothing checked out, the session still
/// ended. A virtual machine that does not power on: exit 1 naming the checked-out virtual machine
/// left behind, the session still ended.
#[tokio::test]
async fn find_and_check_out_example_fails_clearly_and_still_logs_out() {
    let standin = StandIn::start().await;
    standin.push(Reply::json(201, &json!(TOKEN)));
    standin.push(Reply::api_ok(&json!([])));
    standin.push(Reply::empty(204));
    let output = run("find_and_check_out", &standin, &FIND_ENV).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim(),
        "error: found no content library named \"Templates\"",
        "stderr: {stderr}"
    );
    assert!(output.stdout.is_empty(), "{output:?}");
    let requests = standin.take();
    let lines: Vec<String> = requests.iter().map(Recorded::line).collect();
    assert_eq!(requests.len(), 3, "{lines:#?}");
    requests[1].assert_target("POST", "/api/content/library", Some("action=find"));
    assert_logout(&requests[2], "/api/session");

    let standin = StandIn::start().await;
    standin.push(Reply::json(201, &json!(TOKEN)));
    standin.push(Reply::api_ok(&json!(["lib-1"])));
    standin.push(Reply::api_ok(&json!(["item-5"])));
    standin.push(Reply::api_ok(&json!("vm-77")));
    standin.push(Reply::empty(204));
    standin.push(Reply::api_ok(&json!({"state": "SUSPENDED"})));
    standin.push(Reply::empty(204));
    let output = run("find_and_check_out", &standin, &FIND_ENV).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim(),
        "error: vm-77 stays checked out of item-5: vm-77 is SUSPENDED after the power \
         operation, not POWERED_ON",
        "stderr: {stderr}"
    );
    let requests = standin.take();
    let lines: Vec<String> = requests.iter().map(Recorded::line).collect();
    assert_eq!(requests.len(), 7, "{lines:#?}");
    requests[5].assert_target("GET", "/api/vcenter/vm/vm-77/power", None);
    assert_logout(&requests[6], "/api/session");
}

#[tokio::test]
async fn export_session_example() {
    let standin = StandIn::start().await;
    standin.push(Reply::json(201, &json!(TOKEN)));
    standin.push(Reply::rest_ok(&json!("export-session-1")));
    standin.push(Reply::empty(204));
    let output = run(
        "export_session",
        &standin,
        &[("VSPHERE_SOURCE_VM", "vm-42")],
    )
    .await;
    assert_eq!(assert_success(&output).trim(), "export-session-1");

    let requests = standin.take();
    assert_eq!(requests.len(), 3, "{requests:#?}");
    assert_login(&requests[0], "/api/session");
    requests[1].assert_target("POST", "/rest/com/vmware/vcenter/ovf/export-session", None);
    assert_eq!(requests[1].session_id(), Some(TOKEN));
    let body = requests[1].json();
    let token = body["client_token"].as_str().expect("a client token");
    uuid::Uuid::parse_str(token).expect("the client token is a UUID");
    requests[1].assert_json(&json!({
        "client_token": token,
        "source": {"vm_id": "vm-42"},
        "create_spec": {
            "@class": "com.vmware.vcenter.ovf.export_session.create_spec",
            "target_type": "DOWNLOAD_TARGET",
            "target_content_type": "OVF_TARGET"
        }
    }));
    assert_logout(&requests[2], "/api/session");
}

#[tokio::test]
async fn failing_examples_exit_1_with_the_error_and_still_log_out() {
    let standin = StandIn::start().await;
    standin.push(Reply::json(201, &json!(TOKEN)));
    standin.push(Reply::json(
        404,
        &json!({"error_type": "NOT_FOUND", "messages": [{"id": "vm.not_found", "default_message": "Virtual machine vm-404 not found.", "args": ["vm-404"]}]}),
    ));
    standin.push(Reply::empty(204));
    let output = run(
        "instant_clone",
        &standin,
        &[("VSPHERE_SOURCE_VM", "vm-404")],
    )
    .await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("NOT_FOUND"), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
    let requests = standin.take();
    assert_eq!(requests.len(), 3, "{requests:#?}");
    assert_logout(&requests[2], "/api/session");

    // A missing variable is reported before anything is sent.
    let standin = StandIn::start().await;
    let output = run("export_session", &standin, &[]).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("VSPHERE_SOURCE_VM"), "stderr: {stderr}");
    assert!(standin.take().is_empty());
}

#[tokio::test]
async fn wait_on_task_example() {
    let standin = StandIn::start().await;
    standin.push(Reply::json(201, &json!(TOKEN)));
    let task = |status: &str, completed: i64, extra: Value| {
        let mut info = json!({
            "description": {"id": "vcenter.vm.relocate", "default_message": "Relocate", "args": []},
            "service": "com.vmware.vcenter.vm",
            "operation": "relocate",
            "status": status,
            "cancelable": false,
            "progress": {"total": 100, "completed": completed,
                         "message": {"id": "m", "default_message": "", "args": []}}
        });
        info.as_object_mut()
            .expect("object")
            .extend(extra.as_object().cloned().unwrap_or_default());
        Reply::api_ok(&info)
    };
    standin.push(task("RUNNING", 50, json!({})));
    standin.push(task("SUCCEEDED", 100, json!({"result": "vm-43"})));
    standin.push(Reply::empty(204));
    let output = run(
        "wait_on_task",
        &standin,
        &[("VSPHERE_TASK_ID", "task-7:com.vmware.vcenter.vm")],
    )
    .await;
    assert_eq!(assert_success(&output).trim(), "\"vm-43\"");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("RUNNING 50%") && stderr.contains("SUCCEEDED 100%"),
        "stderr: {stderr}"
    );

    let requests = standin.take();
    assert_eq!(requests.len(), 4, "{requests:#?}");
    assert_login(&requests[0], "/api/session");
    for request in &requests[1..3] {
        request.assert_target("GET", "/api/cis/tasks/task-7%3Acom.vmware.vcenter.vm", None);
        assert_eq!(request.session_id(), Some(TOKEN));
    }
    assert_logout(&requests[3], "/api/session");
}

#[tokio::test]
async fn export_ovf_example() {
    let standin = StandIn::start().await;
    let url = standin.url();
    let session = "/rest/com/vmware/vcenter/ovf/export-session";
    standin.handler(move |request| {
        Some(match (request.method.as_str(), request.path.as_str()) {
            ("POST", "/api/session") => Reply::json(201, &json!(TOKEN)),
            ("DELETE", "/api/session") => Reply::empty(204),
            ("POST", path) if path == session => Reply::rest_ok(&json!("export-1")),
            ("GET", path) if path == format!("{session}/id:export-1") => Reply::rest_ok(&json!({
                "state": "EXPORT_READY",
                "files": [
                    {"name": "vm.ovf", "file_type": "OVF", "optional_upload": false,
                     "file_url": format!("{url}/nfc/vm.ovf"), "size": 11,
                     "bytes_transferred": 0, "sha256": ""},
                    {"name": "vm-disk1.vmdk", "file_type": "DISK", "optional_upload": false,
                     "file_url": format!("{url}/nfc/vm-disk1.vmdk"), "size": 2_000_000,
                     "bytes_transferred": 0, "sha256": ""}
                ],
                "errors": [], "warnings": [], "information": []
            })),
            ("GET", "/nfc/vm.ovf") => Reply::raw(200, "text/xml", b"<Envelope/>".to_vec()),
            ("GET", "/nfc/vm-disk1.vmdk") => {
                Reply::declared(200, "application/octet-stream", 3, 2_000_000, 2_000_000)
            }
            _ => return None,
        })
    });
    let dir = tempfile::tempdir().expect("dir");
    let dir_text = dir.path().to_str().expect("UTF-8 path").to_owned();
    let output = run(
        "export_ovf",
        &standin,
        &[
            ("VSPHERE_SOURCE_VM", "vm-42"),
            ("VSPHERE_EXPORT_DIR", &dir_text),
        ],
    )
    .await;
    let stdout = assert_success(&output);
    let written: Vec<&str> = stdout.lines().collect();
    let ovf = dir.path().join("vm.ovf");
    let disk = dir.path().join("vm-disk1.vmdk");
    assert_eq!(
        written,
        [ovf.to_str().expect("path"), disk.to_str().expect("path")]
    );
    assert_eq!(std::fs::read(&ovf).expect("ovf"), b"<Envelope/>");
    assert_eq!(std::fs::metadata(&disk).expect("disk").len(), 2_000_000);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("session EXPORT_READY")
            && stderr.contains("vm-disk1.vmdk: done (2000000 bytes)"),
        "stderr: {stderr}"
    );
    let lines: Vec<String> = standin.take().iter().map(Recorded::line).collect();
    assert_eq!(
        lines,
        [
            "POST /api/session",
            "POST /rest/com/vmware/vcenter/ovf/export-session",
            "GET /rest/com/vmware/vcenter/ovf/export-session/id:export-1",
            "GET /nfc/vm.ovf",
            "GET /nfc/vm-disk1.vmdk",
            "DELETE /api/session",
        ]
    );
}

#[test]
fn every_example_in_spec_is_built_and_tested_here() {
    let mut names: Vec<String> = std::fs::read_dir(workspace_dir().join("spec/examples"))
        .expect("spec/examples")
        .filter_map(|entry| {
            let name = entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            name.strip_suffix(".rs").map(str::to_owned)
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "check_out_and_in",
            "export_ovf",
            "export_session",
            "find_and_check_out",
            "instant_clone",
            "wait_on_task"
        ],
        "a new example needs a test in wire_examples.rs"
    );
    let built: Vec<&String> = examples().keys().collect();
    assert_eq!(built, names.iter().collect::<Vec<_>>());
}
