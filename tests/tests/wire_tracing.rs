//! Tracing: every call emits a span with the operation, method, path, status and duration, and
//! nothing the client emits carries a secret (password, Basic credentials, session token).
//! The spans are captured by a small `tracing::Subscriber` set as the test thread's default.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use vsphere_client::ids::{LibraryItemId, VirtualMachineId};
use vsphere_client::vcenter::vm::InstantCloneSpec;
use vsphere_client::{Client, Style};
use vsphere_tests::standin::{Reply, StandIn, basic_auth, fixture, within};

const USER: &str = "administrator@vsphere.local";
const PASSWORD: &str = "pa55-W0rd-SECRET";
const LIMIT: Duration = Duration::from_secs(10);

/// One captured span: its name and its fields (values as text), recorded late fields included.
#[derive(Clone, Debug)]
struct Span {
    name: String,
    fields: BTreeMap<String, String>,
}

#[derive(Clone, Default)]
struct Capture {
    next: Arc<AtomicU64>,
    spans: Arc<Mutex<HashMap<u64, Span>>>,
    order: Arc<Mutex<Vec<u64>>>,
    /// Every span, record and event as text, to search for secrets.
    text: Arc<Mutex<String>>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Capture {
    fn spans(&self, name: &str) -> Vec<Span> {
        let spans = self.spans.lock().expect("lock");
        self.order
            .lock()
            .expect("lock")
            .iter()
            .filter_map(|id| spans.get(id))
            .filter(|span| span.name == name)
            .cloned()
            .collect()
    }

    fn text(&self) -> String {
        self.text.lock().expect("lock").clone()
    }

    fn log(&self, line: String) {
        let mut text = self.text.lock().expect("lock");
        text.push_str(&line);
        text.push('\n');
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let id = self.next.fetch_add(1, Ordering::SeqCst) + 1;
        let mut fields = BTreeMap::new();
        attributes.record(&mut Fields(&mut fields));
        let name = attributes.metadata().name().to_owned();
        self.log(format!("span {name} {fields:?}"));
        self.spans
            .lock()
            .expect("lock")
            .insert(id, Span { name, fields });
        self.order.lock().expect("lock").push(id);
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut fields = BTreeMap::new();
        values.record(&mut Fields(&mut fields));
        self.log(format!("record {} {fields:?}", span.into_u64()));
        if let Some(span) = self.spans.lock().expect("lock").get_mut(&span.into_u64()) {
            span.fields.extend(fields);
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let mut line = format!(
            "event {} {}",
            event.metadata().target(),
            event.metadata().level()
        );
        let _ = write!(line, " {fields:?}");
        self.log(line);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

fn field<'a>(span: &'a Span, name: &str) -> &'a str {
    span.fields
        .get(name)
        .map(String::as_str)
        .unwrap_or_else(|| panic!("span {} has no field {name}: {:?}", span.name, span.fields))
}

#[track_caller]
fn assert_duration(span: &Span) {
    let elapsed = field(span, "elapsed_ms");
    let ms: u64 = elapsed
        .parse()
        .unwrap_or_else(|e| panic!("elapsed_ms {elapsed:?}: {e}"));
    assert!(ms < 10_000, "elapsed_ms {ms}");
}

#[tokio::test]
async fn each_call_emits_a_span_with_operation_method_path_status_and_duration() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());

    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        let (token_reply, ok, not_found) = match style {
            Style::Api => (
                Reply::json(201, &json!("tok-SECRET-1")),
                Reply::api_ok(&json!("vm-2")),
                fixture(
                    "vcenter.vm_template.library_items.check_outs.check_out.api.error-404.json",
                ),
            ),
            Style::Rest => (
                Reply::rest_ok(&json!("tok-SECRET-1")),
                Reply::rest_ok(&json!("vm-2")),
                fixture(
                    "vcenter.vm_template.library_items.check_outs.check_out.rest.error-404.json",
                ),
            ),
        };
        standin.push(token_reply);
        standin.push(ok);
        standin.push(Reply::json(404, &not_found));
        let client = Client::builder(&standin.url())
            .style(style)
            .credentials(USER, PASSWORD)
            .build()
            .expect("client");
        within(LIMIT, client.login()).await.expect("login");
        within(
            LIMIT,
            client.vcenter().vm().instant_clone(&InstantCloneSpec::new(
                VirtualMachineId::new("vm-1"),
                "clone",
            )),
        )
        .await
        .expect("instant clone");
        within(
            LIMIT,
            client
                .vcenter()
                .vm_template()
                .library_items()
                .check_outs()
                .check_out(&LibraryItemId::new("secret-free item"), None),
        )
        .await
        .expect_err("404");
    }

    let calls = capture.spans("vsphere.call");
    assert_eq!(calls.len(), 4, "{calls:#?}");
    for (span, style) in calls.chunks(2).zip(["api", "rest"]) {
        let (clone, check_out) = (&span[0], &span[1]);
        assert_eq!(field(clone, "operation"), "vcenter.vm.instant_clone");
        assert_eq!(field(clone, "method"), "POST");
        assert_eq!(field(clone, "path"), format!("/{style}/vcenter/vm"));
        assert_eq!(field(clone, "style"), style);
        assert_eq!(field(clone, "status"), "200");
        assert_duration(clone);

        assert_eq!(
            field(check_out, "operation"),
            "vcenter.vm_template.library_items.check_outs.check_out"
        );
        assert_eq!(field(check_out, "method"), "POST");
        assert_eq!(
            field(check_out, "path"),
            format!(
                "/{style}/vcenter/vm-template/library-items/{{template_library_item}}/check-outs"
            )
        );
        assert_eq!(field(check_out, "status"), "404");
        assert_duration(check_out);
    }

    let logins = capture.spans("vsphere.login");
    assert_eq!(logins.len(), 2, "{logins:#?}");
    assert_eq!(field(&logins[0], "path"), "/api/session");
    assert_eq!(field(&logins[0], "status"), "201");
    assert_eq!(field(&logins[1], "path"), "/rest/com/vmware/cis/session");
    assert_eq!(field(&logins[1], "status"), "200");
    for login in &logins {
        assert_duration(login);
    }

    assert_no_secrets(&capture.text(), &["tok-SECRET-1"]);
}

#[track_caller]
fn assert_no_secrets(text: &str, more: &[&str]) {
    let basic = basic_auth(USER, PASSWORD);
    let encoded = basic.trim_start_matches("Basic ");
    for secret in [PASSWORD, encoded].iter().chain(more) {
        assert!(
            !text.contains(secret),
            "traces show the secret {secret:?}:\n{text}"
        );
    }
    assert!(!text.is_empty(), "nothing was captured");
}

#[tokio::test]
async fn a_relogin_is_traced_without_secrets() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());

    let standin = StandIn::start().await;
    standin.push(Reply::empty(401));
    standin.push(Reply::json(201, &json!("tok-SECRET-2")));
    standin.push(Reply::api_ok(&json!("vm-2")));
    let client = Client::builder(&standin.url())
        .credentials(USER, PASSWORD)
        .session_token("tok-SECRET-old")
        .build()
        .expect("client");
    within(
        LIMIT,
        client.vcenter().vm().instant_clone(&InstantCloneSpec::new(
            VirtualMachineId::new("vm-1"),
            "clone",
        )),
    )
    .await
    .expect("retried");

    let calls = capture.spans("vsphere.call");
    assert_eq!(calls.len(), 1, "one span for the call, retry included");
    assert_eq!(field(&calls[0], "relogin"), "true");
    assert_eq!(field(&calls[0], "status"), "200");
    assert_duration(&calls[0]);
    assert_eq!(capture.spans("vsphere.login").len(), 1);
    assert_no_secrets(&capture.text(), &["tok-SECRET-2", "tok-SECRET-old"]);
}

#[tokio::test]
async fn a_timed_out_call_still_records_its_duration() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());

    let standin = StandIn::start().await;
    standin.push(Reply::stall());
    let client = Client::builder(&standin.url())
        .session_token("t")
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client");
    let error = within(LIMIT, client.cis().session().get())
        .await
        .expect_err("timeout");
    assert!(error.is_timeout(), "{error:?}");
    let calls = capture.spans("vsphere.call");
    assert_eq!(calls.len(), 1);
    assert_eq!(field(&calls[0], "operation"), "cis.session.get");
    assert_eq!(field(&calls[0], "method"), "GET");
    assert!(!calls[0].fields.contains_key("status"), "{calls:?}");
    let elapsed: u64 = field(&calls[0], "elapsed_ms").parse().expect("ms");
    assert!((150..5_000).contains(&elapsed), "elapsed_ms {elapsed}");
}
