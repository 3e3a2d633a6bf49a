//! Errors on the wire, through the generated methods.
//!
//! - Every error that spec/openapi.yaml documents (`x-vsphere-errors`) for every operation, in
//!   each URL style the operation has, answered in both vAPI body formats (`/rest`
//!   `{"type": "com.vmware.vapi.std.errors.<snake>", "value": {...}}` and `/api`
//!   `{"error_type": "<UPPER_SNAKE>", ...}`), decodes to its kind with its messages, data,
//!   challenge and status.
//! - The error fixtures of the seeds decode the same way; an unknown error type is kept.
//! - Every error names its call (operation, method, path as sent). Bodies that are not vAPI
//!   errors are `Error::Http`, never a vAPI kind; a call in a style the operation lacks says so.
//! - Bodies that are not vAPI errors (empty, plain text, HTML, JSON labelled text/plain,
//!   truncated JSON, far too large, cut short) and servers that stall or are gone end in an
//!   error, never a panic or a hang.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use vsphere_client::ids::{LibraryItemId, VcenterOvfExportSessionId, VirtualMachineId};
use vsphere_client::runtime::ErrorKind;
use vsphere_client::vcenter::ovf::export_session::{CreateSpec, SourceInfo, TargetType};
use vsphere_client::vcenter::vm::{InstantCloneSpec, ListQuery};
use vsphere_client::vcenter::vm_template::library_items::check_outs::CheckInSpec;
use vsphere_client::{Client, Error, Style};
use vsphere_tests::schema_check::spec_dir;
use vsphere_tests::standin::{Reply, StandIn, fixture, fixtures_dir, within};

const TOKEN: &str = "session-token-1";
const ITEM: &str = "item/1";
const VM: &str = "vm 1";
const SESSION: &str = "session 1";
const LIBRARY: &str = "lib/2";
const LIMIT: Duration = Duration::from_secs(10);

/// One operation in one URL style, as spec/openapi.yaml documents it.
#[derive(Debug)]
struct Documented {
    operation: String,
    style: Style,
    method: String,
    /// The path with `{template_library_item}`, `{vm}`, `{id}`, `{library_id}`, `{library_item_id}` and `{task}` filled in with [`ITEM`], [`VM`], [`LIBRARY`]
    /// and [`SESSION`] (and `task 3`), percent-encoded.
    path: String,
    query: Option<String>,
    errors: Vec<(u16, String)>,
}

fn documented() -> Vec<Documented> {
    let text = std::fs::read_to_string(spec_dir().join("openapi.yaml")).expect("spec");
    let spec: Value = yaml_serde::from_str(&text).expect("spec parses");
    let mut out = Vec::new();
    for (key, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let Some(name) = operation["x-vsphere-operation"].as_str() else {
                continue;
            };
            let style = if key.starts_with("/api/") {
                Style::Api
            } else if key.starts_with("/rest/") {
                Style::Rest
            } else {
                panic!("{key}: neither /api nor /rest");
            };
            let (path, query) = match key.split_once('?') {
                Some((path, query)) => (path, Some(query.to_owned())),
                None => (key.as_str(), None),
            };
            let errors = operation["x-vsphere-errors"]
                .as_array()
                .unwrap_or_else(|| panic!("{name}: no x-vsphere-errors"))
                .iter()
                .map(|error| {
                    (
                        u16::try_from(error["status"].as_u64().expect("status")).expect("u16"),
                        error["type"].as_str().expect("type").to_owned(),
                    )
                })
                .collect();
            out.push(Documented {
                operation: name.to_owned(),
                style,
                method: method.to_ascii_uppercase(),
                path: path
                    .replace("{template_library_item}", "item%2F1")
                    .replace("{vm}", "vm%201")
                    .replace("{id}", "session%201")
                    .replace("{library_id}", "lib%2F2")
                    .replace("{library_item_id}", "item%2F1")
                    .replace("{task}", "task%203"),
                query,
                errors,
            });
        }
    }
    assert!(
        out.len() >= 9,
        "spec lists {} operation endpoints",
        out.len()
    );
    out
}

fn client(standin: &StandIn, style: Style, operation: &str) -> Client {
    let builder = Client::builder(&standin.url()).style(style);
    let builder = if operation == "cis.session.create" {
        builder.credentials("administrator@vsphere.local", "pw")
    } else {
        builder.session_token(TOKEN)
    };
    builder.build().expect("client")
}

/// As [`invoke`], for operations whose two URL forms are generated as two methods
/// (`cis.tasks.list`: its `/api` body carries the two structures, its `/rest` query their members).
async fn invoke_in(client: &Client, operation: &str, style: Style) -> Result<(), Error> {
    match (operation, style) {
        ("cis.tasks.list", Style::Api) => client
            .cis()
            .tasks()
            .list(Some(&vsphere_client::cis::tasks::FilterSpec::new()), None)
            .await
            .map(drop),
        ("cis.tasks.list", _) => client
            .cis()
            .tasks()
            .list_rest(&vsphere_client::cis::tasks::ListRestQuery::new())
            .await
            .map(drop),
        _ => invoke(client, operation).await,
    }
}

/// Calls the generated method of an operation with small valid arguments.
async fn invoke(client: &Client, operation: &str) -> Result<(), Error> {
    match operation {
        "vcenter.vm.instant_clone" => client
            .vcenter()
            .vm()
            .instant_clone(&InstantCloneSpec::new(
                VirtualMachineId::new("vm-42"),
                "clone",
            ))
            .await
            .map(drop),
        "vcenter.vm.get" => client
            .vcenter()
            .vm()
            .get(&VirtualMachineId::new(VM))
            .await
            .map(drop),
        "vcenter.vm.list" => client
            .vcenter()
            .vm()
            .list(&ListQuery::new())
            .await
            .map(drop),
        "vcenter.vm_template.library_items.check_outs.check_out" => client
            .vcenter()
            .vm_template()
            .library_items()
            .check_outs()
            .check_out(&LibraryItemId::new(ITEM), None)
            .await
            .map(drop),
        "vcenter.vm_template.library_items.check_outs.check_in" => client
            .vcenter()
            .vm_template()
            .library_items()
            .check_outs()
            .check_in(
                &LibraryItemId::new(ITEM),
                &VirtualMachineId::new(VM),
                Some(&CheckInSpec::new("done")),
            )
            .await
            .map(drop),
        "vcenter.vm_template.library_items.check_outs.delete" => {
            client
                .vcenter()
                .vm_template()
                .library_items()
                .check_outs()
                .delete(&LibraryItemId::new(ITEM), &VirtualMachineId::new(VM))
                .await
        }
        "vcenter.vm_template.library_items.check_outs.get" => client
            .vcenter()
            .vm_template()
            .library_items()
            .check_outs()
            .get(&LibraryItemId::new(ITEM), &VirtualMachineId::new(VM))
            .await
            .map(drop),
        "vcenter.vm_template.library_items.check_outs.list" => client
            .vcenter()
            .vm_template()
            .library_items()
            .check_outs()
            .list(&LibraryItemId::new(ITEM))
            .await
            .map(drop),
        "vcenter.ovf.export_session.create" => {
            let mut source = SourceInfo::new();
            source.vm_id = Some(VirtualMachineId::new("vm-42"));
            client
                .vcenter()
                .ovf()
                .export_session()
                .create(None, &source, &CreateSpec::new(TargetType::DownloadTarget))
                .await
                .map(drop)
        }
        "vcenter.ovf.export_session.get" => client
            .vcenter()
            .ovf()
            .export_session()
            .get(&VcenterOvfExportSessionId::new(SESSION))
            .await
            .map(drop),
        "vcenter.ovf.export_session.delete" => {
            client
                .vcenter()
                .ovf()
                .export_session()
                .delete(&VcenterOvfExportSessionId::new(SESSION))
                .await
        }
        "vcenter.vm.power.get" => client
            .vcenter()
            .vm()
            .power()
            .get(&VirtualMachineId::new(VM))
            .await
            .map(drop),
        "vcenter.vm.power.start" => {
            client
                .vcenter()
                .vm()
                .power()
                .start(&VirtualMachineId::new(VM))
                .await
        }
        "vcenter.vm.power.stop" => {
            client
                .vcenter()
                .vm()
                .power()
                .stop(&VirtualMachineId::new(VM))
                .await
        }
        "content.library.find" => {
            let mut spec = vsphere_client::content::library::FindSpec::new();
            spec.name = Some("Templates".into());
            client.content().library().find(&spec).await.map(drop)
        }
        "content.library.get" => client
            .content()
            .library()
            .get(&vsphere_client::ids::ContentLibraryId::new(LIBRARY))
            .await
            .map(drop),
        "content.library.item.find" => {
            let mut spec = vsphere_client::content::library::item::FindSpec::new();
            spec.name = Some("ubuntu".into());
            client
                .content()
                .library()
                .item()
                .find(&spec)
                .await
                .map(drop)
        }
        "content.library.item.get" => client
            .content()
            .library()
            .item()
            .get(&LibraryItemId::new(ITEM))
            .await
            .map(drop),
        "cis.tasks.get" => client
            .cis()
            .tasks()
            .get(
                &vsphere_client::ids::CisTaskId::new("task 3"),
                &vsphere_client::cis::tasks::GetQuery::default(),
            )
            .await
            .map(drop),
        "cis.tasks.cancel" => {
            client
                .cis()
                .tasks()
                .cancel(&vsphere_client::ids::CisTaskId::new("task 3"))
                .await
        }
        "cis.session.create" => client.cis().session().create().await.map(drop),
        "cis.session.delete" => client.cis().session().delete().await,
        "cis.session.get" => client.cis().session().get().await.map(drop),
        other => panic!("no invoker for operation {other}: add one to wire_errors.rs"),
    }
}

/// An error body in a given format.
fn error_body(format: Style, error_type: &str, fields: &Value) -> Value {
    match format {
        Style::Api => {
            let mut body = fields.clone();
            body["error_type"] = json!(error_type);
            body
        }
        Style::Rest => json!({
            "type": format!("com.vmware.vapi.std.errors.{}", error_type.to_ascii_lowercase()),
            "value": fields,
        }),
    }
}

fn expect_api_error(error: &Error, what: &str) -> vsphere_client::runtime::ApiError {
    error
        .api()
        .unwrap_or_else(|| panic!("{what}: expected a server error, got {error:?}"))
        .clone()
}

#[tokio::test]
async fn every_documented_error_decodes_in_both_body_formats() {
    let mut checked = 0;
    for endpoint in documented() {
        let standin = StandIn::start().await;
        // Building a client loads the system's root certificates: share one per endpoint,
        // except for logout, which forgets the token whatever the answer.
        let shared = client(&standin, endpoint.style, &endpoint.operation);
        assert!(
            !endpoint.errors.is_empty(),
            "{}: documents no errors",
            endpoint.operation
        );
        for (status, error_type) in &endpoint.errors {
            for format in [Style::Api, Style::Rest] {
                let what = format!(
                    "{} ({}) {status} {error_type} in {format} format",
                    endpoint.operation, endpoint.style
                );
                let message = json!({
                    "id": format!("test.{}.{}", endpoint.operation, error_type.to_ascii_lowercase()),
                    "default_message": format!("{error_type} from {}", endpoint.operation),
                    "args": ["first", "second"],
                });
                let mut fields = json!({
                    "messages": [message],
                    "data": {"@class": "com.vmware.vapi.std.errors.argument_locations", "primary": "spec"},
                });
                if error_type == "UNAUTHENTICATED" {
                    fields["challenge"] = json!("Basic realm=\"VAPI endpoint\"");
                }
                standin.push(Reply::json(
                    *status,
                    &error_body(format, error_type, &fields),
                ));
                let client = if endpoint.operation == "cis.session.delete" {
                    client(&standin, endpoint.style, &endpoint.operation)
                } else {
                    shared.clone()
                };
                let error = within(
                    LIMIT,
                    invoke_in(&client, &endpoint.operation, endpoint.style),
                )
                .await
                .expect_err(&what);

                let request = standin.only_request();
                assert_eq!(
                    (
                        request.method.as_str(),
                        request.path.as_str(),
                        request.query.as_deref()
                    ),
                    (
                        endpoint.method.as_str(),
                        endpoint.path.as_str(),
                        endpoint.query.as_deref()
                    ),
                    "{what}: request target"
                );

                let api = expect_api_error(&error, &what);
                assert_eq!(api.kind.as_str(), error_type, "{what}: kind");
                assert!(
                    !matches!(api.kind, ErrorKind::Unknown(_)),
                    "{what}: {:?}",
                    api.kind
                );
                assert_eq!(api.kind, ErrorKind::from_error_type(error_type), "{what}");
                assert_eq!(error.status(), Some(*status), "{what}: status");
                assert_eq!(api.messages.len(), 1, "{what}: messages");
                assert_eq!(api.messages[0].id, message["id"], "{what}");
                assert_eq!(
                    api.messages[0].default_message, message["default_message"],
                    "{what}"
                );
                assert_eq!(api.messages[0].args, ["first", "second"], "{what}");
                assert_eq!(error.data(), Some(&fields["data"]), "{what}: data");
                assert_eq!(
                    error.challenge(),
                    fields["challenge"].as_str(),
                    "{what}: challenge"
                );
                assert!(
                    error
                        .to_string()
                        .contains(message["default_message"].as_str().unwrap_or_default()),
                    "{what}: Display `{error}`"
                );
                // The error names the call: operation, method and the path as sent.
                let call = error.call().expect("a call");
                assert_eq!(call.operation, endpoint.operation, "{what}");
                assert_eq!(call.method.as_str(), endpoint.method, "{what}");
                let sent = match &endpoint.query {
                    Some(query) => format!("{}?{query}", endpoint.path),
                    None => endpoint.path.clone(),
                };
                assert_eq!(call.path, sent, "{what}");
                assert!(
                    error.to_string().starts_with(&format!(
                        "{} ({} {sent}): ",
                        endpoint.operation, endpoint.method
                    )),
                    "{what}: Display `{error}`"
                );
                checked += 1;
            }
        }
    }
    // At least: 9 errors × 4 endpoints (instant clone, check-out), 5 (export session),
    // 1 × 5 (sessions), 4 × 2 check-out companions in both styles; each in two formats.
    assert!(
        checked >= 2 * (9 * 4 + 5 + 5 + 4 * 2),
        "only {checked} checked"
    );
}

#[tokio::test]
async fn the_seeds_error_fixtures_decode_through_their_operations() {
    let mut checked = 0;
    let mut names: Vec<String> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.contains(".error-"))
        .collect();
    names.sort();
    for name in names {
        let (stem, status) = name
            .trim_end_matches(".json")
            .split_once(".error-")
            .expect("error fixture name");
        let status: u16 = status.parse().expect("status");
        let (operation, style) = if let Some(op) = stem.strip_suffix(".api") {
            (op, Style::Api)
        } else if let Some(op) = stem.strip_suffix(".rest") {
            (op, Style::Rest)
        } else {
            panic!("{name}: no style");
        };
        let body = fixture(&name);
        let (expected_kind, fields) = match style {
            Style::Api => (
                ErrorKind::from_error_type(body["error_type"].as_str().expect("error_type")),
                body.clone(),
            ),
            Style::Rest => (
                ErrorKind::from_rest_type(body["type"].as_str().expect("type")),
                body["value"].clone(),
            ),
        };
        assert!(!matches!(expected_kind, ErrorKind::Unknown(_)), "{name}");

        let standin = StandIn::start().await;
        standin.push(Reply::json(status, &body));
        let client = client(&standin, style, operation);
        let error = within(LIMIT, invoke_in(&client, operation, style))
            .await
            .expect_err(&name);
        let api = expect_api_error(&error, &name);
        assert_eq!(api.kind, expected_kind, "{name}");
        assert_eq!(api.status, status, "{name}");
        let sent = fields["messages"].as_array().expect("messages");
        assert_eq!(api.messages.len(), sent.len(), "{name}");
        for (got, sent) in api.messages.iter().zip(sent) {
            assert_eq!(got.id, sent["id"], "{name}");
            assert_eq!(got.default_message, sent["default_message"], "{name}");
            let args: Vec<&str> = sent["args"]
                .as_array()
                .expect("args")
                .iter()
                .map(|a| a.as_str().expect("arg"))
                .collect();
            assert_eq!(got.args, args, "{name}");
            assert_eq!(
                got.localized.as_deref(),
                sent["localized"].as_str(),
                "{name}"
            );
            assert_eq!(got.params.is_some(), sent.get("params").is_some(), "{name}");
        }
        assert_eq!(error.data(), fields.get("data"), "{name}");
        assert_eq!(error.challenge(), fields["challenge"].as_str(), "{name}");
        checked += 1;
    }
    assert!(checked >= 11, "only {checked} error fixtures");
}

#[tokio::test]
async fn an_unknown_error_type_is_kept() {
    for (format, body, kept) in [
        (
            Style::Api,
            json!({"error_type": "QUOTA_EXCEEDED", "messages": [{"id": "q", "default_message": "over quota", "args": []}]}),
            "QUOTA_EXCEEDED",
        ),
        (
            Style::Rest,
            json!({"type": "com.vmware.vapi.std.errors.quota_exceeded", "value": {"messages": [{"id": "q", "default_message": "over quota", "args": []}]}}),
            "com.vmware.vapi.std.errors.quota_exceeded",
        ),
        (
            Style::Rest,
            json!({"type": "com.example.errors.custom", "value": {"messages": [{"id": "q", "default_message": "over quota", "args": []}]}}),
            "com.example.errors.custom",
        ),
    ] {
        let standin = StandIn::start().await;
        standin.push(Reply::json(400, &body));
        let client = client(&standin, format, "vcenter.vm.instant_clone");
        let error = within(LIMIT, invoke(&client, "vcenter.vm.instant_clone"))
            .await
            .expect_err("error");
        assert_eq!(
            error.kind(),
            Some(&ErrorKind::Unknown(kept.to_owned())),
            "{body}"
        );
        assert_eq!(error.messages().len(), 1);
        assert_eq!(error.messages()[0].default_message, "over quota");
        assert_eq!(error.status(), Some(400));
    }
}

/// Calls instant clone (/api) against one scripted answer; returns the error.
async fn instant_clone_error(reply: Reply) -> Error {
    let standin = StandIn::start().await;
    standin.push(reply);
    let client = client(&standin, Style::Api, "vcenter.vm.instant_clone");
    let error = within(LIMIT, invoke(&client, "vcenter.vm.instant_clone"))
        .await
        .expect_err("an error");
    assert_eq!(standin.take().len(), 1, "exactly one request, no retry");
    error
}

#[tokio::test]
async fn an_empty_401_is_unauthenticated() {
    let error = instant_clone_error(Reply::empty(401)).await;
    assert!(error.is_unauthenticated(), "{error:?}");
    assert_eq!(error.status(), Some(401));
    assert!(error.messages().is_empty());
    assert_eq!(error.body_excerpt(), None);
}

#[tokio::test]
async fn a_plain_text_404_is_a_bare_http_error_not_a_vapi_not_found() {
    let error = instant_clone_error(Reply::raw(404, "text/plain", "404 page not found\n")).await;
    assert!(
        matches!(&error, Error::Http { status: 404, .. }),
        "{error:?}"
    );
    assert_eq!(error.kind(), None, "no vAPI kind without a vAPI body");
    assert_eq!(error.body_excerpt(), Some("404 page not found"));
    let shown = error.to_string();
    assert!(
        shown.starts_with("vcenter.vm.instant_clone (POST /api/vcenter/vm?action=instant-clone): HTTP 404 without a vAPI error body: 404 page not found"),
        "{shown}"
    );
}

/// A client preferring a style the operation lacks sends the other form, and a bare 404 from a
/// server without it says so instead of passing for a vAPI NOT_FOUND.
#[tokio::test]
async fn a_call_in_a_style_the_operation_lacks_says_so() {
    let standin = StandIn::start().await;
    standin.push(Reply::raw(404, "text/plain", "404 page not found\n"));
    let client = client(&standin, Style::Api, "vcenter.ovf.export_session.get");
    let error = within(LIMIT, invoke(&client, "vcenter.ovf.export_session.get"))
        .await
        .expect_err("404");
    standin.only_request().assert_target(
        "GET",
        "/rest/com/vmware/vcenter/ovf/export-session/id:session%201",
        None,
    );
    assert_eq!(error.call().and_then(|c| c.missing_style), Some(Style::Api));
    assert!(
        error
            .to_string()
            .contains("the operation has no /api form, so its /rest form was sent"),
        "{error}"
    );
}

#[tokio::test]
async fn an_html_502_keeps_status_and_excerpt() {
    let html = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>envoy</center></body></html>";
    let error = instant_clone_error(Reply::raw(502, "text/html", html)).await;
    assert_eq!(error.status(), Some(502));
    assert!(
        matches!(&error, Error::Http { status: 502, .. }),
        "{error:?}"
    );
    assert_eq!(error.body_excerpt(), Some(html));
}

#[tokio::test]
async fn json_labelled_text_plain_is_still_decoded() {
    let body = fixture("vcenter.vm.instant_clone.api.error-400.json");
    let error = instant_clone_error(Reply::raw(
        400,
        "text/plain",
        serde_json::to_vec(&body).expect("json"),
    ))
    .await;
    assert_eq!(error.kind(), Some(&ErrorKind::AlreadyExists), "{error:?}");
    assert_eq!(
        error.messages()[0].id,
        "com.vmware.api.vcenter.vm.instant_clone.already_exists"
    );

    // A success labelled text/plain decodes too.
    let standin = StandIn::start().await;
    standin.push(Reply::raw(200, "text/plain", "\"vm-77\""));
    let client = client(&standin, Style::Api, "vcenter.vm.instant_clone");
    let vm = within(
        LIMIT,
        client.vcenter().vm().instant_clone(&InstantCloneSpec::new(
            VirtualMachineId::new("vm-42"),
            "clone",
        )),
    )
    .await
    .expect("success labelled text/plain");
    assert_eq!(vm.as_str(), "vm-77");
}

#[tokio::test]
async fn truncated_json_is_an_error_with_an_excerpt() {
    let cut = r#"{"error_type": "NOT_FOUND", "messages": [{"id": "com.vmware.x", "default_mess"#;
    let error = instant_clone_error(Reply::raw(404, "application/json", cut)).await;
    assert!(
        matches!(&error, Error::Http { status: 404, .. }),
        "{error:?}"
    );
    assert_eq!(error.body_excerpt(), Some(cut));

    // A truncated success body is a decode error naming the status, with the excerpt.
    let error = instant_clone_error(Reply::raw(200, "application/json", "\"vm-4")).await;
    assert!(
        matches!(&error, Error::Decode { status: 200, excerpt, .. } if excerpt == "\"vm-4"),
        "{error:?}"
    );
    let error = instant_clone_error(Reply::raw(200, "text/html", "<html>login</html>")).await;
    assert!(
        matches!(&error, Error::Decode { status: 200, excerpt, .. } if excerpt.contains("<html>")),
        "{error:?}"
    );
}

fn assert_too_large(error: &Error, status: u16) {
    match error {
        Error::ResponseTooLarge {
            status: got,
            limit,
            excerpt,
            call,
        } => {
            assert_eq!(call.operation, "vcenter.vm.instant_clone");
            assert_eq!(*got, status);
            assert_eq!(*limit, vsphere_client::runtime::DEFAULT_MAX_RESPONSE_BYTES);
            assert!(excerpt.starts_with("xxxx"), "excerpt {excerpt:?}");
            assert!(
                excerpt.len() <= 4096,
                "the excerpt is bounded, got {} bytes",
                excerpt.len()
            );
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
}

#[tokio::test]
async fn a_body_far_larger_than_any_answer_is_refused_after_a_bounded_read() {
    let huge = 4 * vsphere_client::runtime::DEFAULT_MAX_RESPONSE_BYTES;
    // Chunked (no length announced): reading stops at the limit.
    let started = Instant::now();
    let error = instant_clone_error(Reply::chunked(500, "application/json", b'x', huge)).await;
    assert_too_large(&error, 500);
    let error = instant_clone_error(Reply::chunked(200, "application/json", b'x', huge)).await;
    assert_too_large(&error, 200);
    // A length over the limit announced up front: refused after a short read.
    let error = instant_clone_error(Reply::declared(
        200,
        "application/json",
        b'x',
        1 << 40,
        1 << 20,
    ))
    .await;
    assert_too_large(&error, 200);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_body_cut_short_is_a_transport_error() {
    let error = instant_clone_error(Reply::declared(200, "application/json", b'"', 1000, 10)).await;
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    let error = instant_clone_error(Reply::declared(500, "application/json", b'{', 1000, 10)).await;
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
}

#[tokio::test]
async fn a_stalled_server_ends_in_a_timeout_error() {
    let standin = StandIn::start().await;
    standin.push(Reply::stall());
    let client = Client::builder(&standin.url())
        .session_token(TOKEN)
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let started = Instant::now();
    let error = within(LIMIT, invoke(&client, "vcenter.vm.instant_clone"))
        .await
        .expect_err("timeout");
    let elapsed = started.elapsed();
    assert!(error.is_timeout(), "{error:?}");
    assert!(matches!(error, Error::Timeout { .. }));
    assert!(
        elapsed >= Duration::from_millis(250) && elapsed < Duration::from_secs(5),
        "timed out after {elapsed:?}"
    );
    assert_eq!(
        standin.take().len(),
        1,
        "the request arrived and was not retried"
    );
}

#[tokio::test]
async fn a_server_that_is_gone_is_a_connect_error() {
    let url = {
        let standin = StandIn::start().await;
        standin.url()
    };
    // The stand-in is stopped and its port closed.
    let client = Client::builder(&url)
        .session_token(TOKEN)
        .connect_timeout(Duration::from_secs(2))
        .build()
        .expect("client");
    let error = within(LIMIT, invoke(&client, "vcenter.vm.instant_clone"))
        .await
        .expect_err("no server");
    assert!(
        matches!(error, Error::Connect { .. } | Error::Transport { .. }),
        "{error:?}"
    );
    assert_eq!(error.status(), None);
}

/// The same error must decode to the same value whatever the body format: under `/rest` a
/// message's `params` (a map of name → LocalizationParam) travels as a key/value list, under
/// `/api` as an object; the fixtures of instant clone carry the same message in both.
#[tokio::test]
async fn message_params_decode_the_same_in_both_formats() {
    let mut decoded = Vec::new();
    for (style, name) in [
        (Style::Api, "vcenter.vm.instant_clone.api.error-400.json"),
        (Style::Rest, "vcenter.vm.instant_clone.rest.error-400.json"),
    ] {
        let standin = StandIn::start().await;
        standin.push(Reply::json(400, &fixture(name)));
        let client = client(&standin, style, "vcenter.vm.instant_clone");
        let error = within(LIMIT, invoke(&client, "vcenter.vm.instant_clone"))
            .await
            .expect_err(name);
        decoded.push(error.messages()[0].clone());
    }
    assert_eq!(
        decoded[0].params,
        Some(json!({"name": {"s": "string"}})),
        "/api params"
    );
    assert_eq!(decoded[1], decoded[0], "/rest decodes like /api");
}
