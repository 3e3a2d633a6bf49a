//! Sessions through the generated client: `cis_session().create()` / `.delete()` in both URL
//! styles, the token on every later call, one re-login and one retry after a 401 (never a
//! loop), and no secret in any `Debug` output.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::json;
use vsphere_client::ids::{LibraryItemId, VirtualMachineId};
use vsphere_client::runtime::ErrorKind;
use vsphere_client::vcenter::ovf::export_session::{CreateSpec, SourceInfo, TargetType};
use vsphere_client::vcenter::vm::InstantCloneSpec;
use vsphere_client::{Client, Error, Style};
use vsphere_tests::standin::{Recorded, Reply, StandIn, basic_auth, fixture, within};

const USER: &str = "administrator@vsphere.local";
const PASSWORD: &str = "pa55-W0rd-SECRET";
const LIMIT: Duration = Duration::from_secs(10);

fn session_path(style: Style) -> &'static str {
    match style {
        Style::Api => "/api/session",
        Style::Rest => "/rest/com/vmware/cis/session",
    }
}

fn vm_path(style: Style) -> &'static str {
    match style {
        Style::Api => "/api/vcenter/vm",
        Style::Rest => "/rest/vcenter/vm",
    }
}

/// A session-create answer carrying `token` in the style's format.
fn created(style: Style, status: u16, token: &str) -> Reply {
    match style {
        Style::Api => Reply::json(status, &json!(token)),
        Style::Rest => Reply::json(status, &json!({ "value": token })),
    }
}

fn ok_vm(style: Style, vm: &str) -> Reply {
    match style {
        Style::Api => Reply::api_ok(&json!(vm)),
        Style::Rest => Reply::rest_ok(&json!(vm)),
    }
}

fn unauthenticated(style: Style) -> Reply {
    let name = match style {
        Style::Api => "cis.session.get.api.error-401.json",
        Style::Rest => "cis.session.delete.rest.error-401.json",
    };
    Reply::json(401, &fixture(name))
}

fn with_credentials(standin: &StandIn, style: Style) -> Client {
    Client::builder(&standin.url())
        .style(style)
        .credentials(USER, PASSWORD)
        .build()
        .expect("client")
}

fn spec() -> InstantCloneSpec {
    InstantCloneSpec::new(VirtualMachineId::new("vm-42"), "clone")
}

fn lines(requests: &[Recorded]) -> Vec<String> {
    requests.iter().map(Recorded::line).collect()
}

#[track_caller]
fn assert_login(request: &Recorded, style: Style) {
    request.assert_target("POST", session_path(style), None);
    assert_eq!(
        request.header("authorization"),
        Some(basic_auth(USER, PASSWORD).as_str())
    );
    assert_eq!(request.session_id(), None, "login sends no session id");
    assert!(request.body.is_empty(), "login sends no body");
}

#[tokio::test]
async fn create_and_delete_accept_every_documented_success_status_in_both_styles() {
    for style in [Style::Api, Style::Rest] {
        for create_status in [200, 201] {
            for delete_status in [200, 204] {
                let what = format!("{style} create {create_status} delete {delete_status}");
                let standin = StandIn::start().await;
                standin.push(created(style, create_status, "tok-1"));
                standin.push(ok_vm(style, "vm-43"));
                standin.push(Reply::empty(delete_status));
                let client = with_credentials(&standin, style);

                let token = within(LIMIT, client.cis().session().create())
                    .await
                    .expect(&what);
                assert_eq!(token, "tok-1", "{what}");
                assert_eq!(client.session_token().as_deref(), Some("tok-1"), "{what}");
                within(LIMIT, client.vcenter().vm().instant_clone(&spec()))
                    .await
                    .expect(&what);
                within(LIMIT, client.cis().session().delete())
                    .await
                    .expect(&what);
                assert_eq!(client.session_token(), None, "{what}: token forgotten");

                let requests = standin.take();
                assert_eq!(requests.len(), 3, "{what}: {:?}", lines(&requests));
                assert_login(&requests[0], style);
                requests[1].assert_target("POST", vm_path(style), Some("action=instant-clone"));
                assert_eq!(requests[1].session_id(), Some("tok-1"), "{what}");
                requests[2].assert_target("DELETE", session_path(style), None);
                assert_eq!(requests[2].session_id(), Some("tok-1"), "{what}");
                assert_eq!(requests[2].header("authorization"), None, "{what}");
            }
        }
    }
}

#[tokio::test]
async fn the_token_is_sent_on_every_later_call_and_basic_auth_never() {
    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        standin.push(created(style, 201, "tok-2"));
        standin.push(ok_vm(style, "vm-1"));
        standin.push(ok_vm(style, "vm-2"));
        standin.push(Reply::rest_ok(&json!("export-1")));
        standin.push(Reply::json(
            200,
            &fixture(match style {
                Style::Api => "cis.session.get.api.response.json",
                Style::Rest => "cis.session.get.rest.response.json",
            }),
        ));
        let client = with_credentials(&standin, style);
        within(LIMIT, client.cis().session().create())
            .await
            .expect("login");
        within(LIMIT, client.vcenter().vm().instant_clone(&spec()))
            .await
            .expect("instant clone");
        within(
            LIMIT,
            client
                .vcenter()
                .vm_template()
                .library_items()
                .check_outs()
                .check_out(&LibraryItemId::new("item-1"), None),
        )
        .await
        .expect("check out");
        let mut source = SourceInfo::new();
        source.vm_id = Some(VirtualMachineId::new("vm-1"));
        within(
            LIMIT,
            client.vcenter().ovf().export_session().create(
                None,
                &source,
                &CreateSpec::new(TargetType::DownloadTarget),
            ),
        )
        .await
        .expect("export session");
        within(LIMIT, client.cis().session().get())
            .await
            .expect("session get");

        let requests = standin.take();
        assert_eq!(requests.len(), 5, "{:?}", lines(&requests));
        assert_login(&requests[0], style);
        for request in &requests[1..] {
            assert_eq!(request.session_id(), Some("tok-2"), "{}", request.line());
            assert_eq!(request.header("authorization"), None, "{}", request.line());
        }
    }
}

#[tokio::test]
async fn a_401_with_credentials_logs_in_again_once_and_retries_once() {
    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        standin.push(created(style, 201, "old"));
        standin.push(unauthenticated(style));
        standin.push(created(style, 201, "new"));
        standin.push(ok_vm(style, "vm-9"));
        let client = with_credentials(&standin, style);
        within(LIMIT, client.cis().session().create())
            .await
            .expect("login");
        let vm = within(LIMIT, client.vcenter().vm().instant_clone(&spec()))
            .await
            .expect("the retry succeeds");
        assert_eq!(vm.as_str(), "vm-9");
        assert_eq!(client.session_token().as_deref(), Some("new"));

        let requests = standin.take();
        let call = format!("POST {}?action=instant-clone", vm_path(style));
        let login = format!("POST {}", session_path(style));
        assert_eq!(lines(&requests), [login.as_str(), &call, &login, &call]);
        assert_login(&requests[2], style);
        assert_eq!(requests[1].session_id(), Some("old"));
        assert_eq!(requests[3].session_id(), Some("new"));
        assert_eq!(
            requests[1].body, requests[3].body,
            "the retry resends the body"
        );
        assert_eq!(standin.unused_replies(), 0);
    }
}

#[tokio::test]
async fn a_second_401_is_returned_never_looped() {
    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        standin.push(unauthenticated(style));
        standin.push(created(style, 201, "new"));
        // Everything after that is refused.
        standin.fallback(unauthenticated(style));
        let client = Client::builder(&standin.url())
            .style(style)
            .credentials(USER, PASSWORD)
            .session_token("expired")
            .build()
            .expect("client");
        let error = within(LIMIT, client.vcenter().vm().instant_clone(&spec()))
            .await
            .expect_err("still unauthenticated");
        assert!(error.is_unauthenticated(), "{error:?}");
        assert_eq!(error.status(), Some(401));
        tokio::time::sleep(Duration::from_millis(100)).await;
        let requests = standin.take();
        let call = format!("POST {}?action=instant-clone", vm_path(style));
        let login = format!("POST {}", session_path(style));
        assert_eq!(
            lines(&requests),
            [call.as_str(), &login, &call],
            "exactly one retry"
        );
        assert_eq!(requests[0].session_id(), Some("expired"));
        assert_eq!(requests[2].session_id(), Some("new"));
    }
}

#[tokio::test]
async fn a_refused_relogin_ends_the_call() {
    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        standin.fallback(unauthenticated(style));
        let client = Client::builder(&standin.url())
            .style(style)
            .credentials(USER, PASSWORD)
            .session_token("expired")
            .build()
            .expect("client");
        let error = within(LIMIT, client.vcenter().vm().instant_clone(&spec()))
            .await
            .expect_err("login refused");
        assert_eq!(error.kind(), Some(&ErrorKind::Unauthenticated), "{error:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
        let requests = standin.take();
        let call = format!("POST {}?action=instant-clone", vm_path(style));
        let login = format!("POST {}", session_path(style));
        assert_eq!(lines(&requests), [call.as_str(), &login]);
    }
}

#[tokio::test]
async fn without_credentials_a_401_is_returned_at_once() {
    let standin = StandIn::start().await;
    standin.fallback(unauthenticated(Style::Api));
    let client = Client::builder(&standin.url())
        .session_token("expired")
        .build()
        .expect("client");
    let error = within(LIMIT, client.vcenter().vm().instant_clone(&spec()))
        .await
        .expect_err("401");
    assert!(error.is_unauthenticated(), "{error:?}");
    assert_eq!(
        error.messages()[0].id,
        "vapi.method.authentication.required"
    );
    assert_eq!(standin.take().len(), 1);
}

#[tokio::test]
async fn concurrent_401s_each_retry_at_most_once() {
    let standin = StandIn::start().await;
    let logins = Arc::new(AtomicUsize::new(0));
    {
        let logins = Arc::clone(&logins);
        standin.handler(move |request| {
            Some(if request.path == "/api/session" {
                let n = logins.fetch_add(1, Ordering::SeqCst) + 1;
                Reply::json(201, &json!(format!("new-{n}")))
            } else if request.session_id().is_some_and(|t| t.starts_with("new-")) {
                Reply::api_ok(&json!("vm-1"))
            } else {
                Reply::empty(401)
            })
        });
    }
    let client = Client::builder(&standin.url())
        .credentials(USER, PASSWORD)
        .session_token("expired")
        .build()
        .expect("client");
    let spec = spec();
    let vm = client.vcenter().vm();
    let calls = (0..5).map(|_| vm.instant_clone(&spec)).collect();
    let results = within(LIMIT, join_all(calls)).await;
    for result in &results {
        assert_eq!(
            result.as_ref().map(VirtualMachineId::as_str).ok(),
            Some("vm-1"),
            "{result:?}"
        );
    }
    let requests = standin.take();
    let logins = logins.load(Ordering::SeqCst);
    assert!((1..=5).contains(&logins), "{logins} logins");
    assert_eq!(
        requests.len(),
        10 + logins,
        "each call sent once and retried once: {:?}",
        lines(&requests)
    );
}

/// Polls futures together on the current task, like `futures::future::join_all`.
async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().map(|o| o.expect("ready")).collect()
}

#[tokio::test]
async fn login_without_credentials_and_logout_without_session_send_nothing() {
    let standin = StandIn::start().await;
    let client = Client::builder(&standin.url()).build().expect("client");
    let error = within(LIMIT, client.cis().session().create())
        .await
        .expect_err("no credentials");
    assert!(matches!(error, Error::Usage { .. }), "{error:?}");
    within(LIMIT, client.cis().session().delete())
        .await
        .expect("nothing to end");
    assert!(standin.take().is_empty());
}

#[tokio::test]
async fn debug_output_never_shows_the_password_or_the_token() {
    const TOKEN: &str = "tok-SECRET-4242";
    let secrets = [
        PASSWORD.to_owned(),
        TOKEN.to_owned(),
        "given-SECRET-token".to_owned(),
        basic_auth(USER, PASSWORD)
            .trim_start_matches("Basic ")
            .to_owned(),
    ];
    let check = |what: &str, text: String| {
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{what} shows a secret: {text}"
            );
        }
    };

    let standin = StandIn::start().await;
    let builder = Client::builder(&standin.url())
        .credentials(USER, PASSWORD)
        .session_token("given-SECRET-token");
    check("ClientBuilder", format!("{builder:?} {builder:#?}"));
    let client = builder.build().expect("client");
    check(
        "Client with a given token",
        format!("{client:?} {client:#?}"),
    );

    standin.push(Reply::json(201, &json!(TOKEN)));
    standin.push(unauthenticated(Style::Api));
    standin.push(Reply::json(
        401,
        &json!({"error_type": "UNAUTHENTICATED", "messages": []}),
    ));
    within(LIMIT, client.cis().session().create())
        .await
        .expect("login");
    assert_eq!(client.session_token().as_deref(), Some(TOKEN));
    check("Client after login", format!("{client:?} {client:#?}"));
    assert!(
        format!("{client:?}").contains(USER),
        "the user name may show"
    );

    let error = within(LIMIT, client.vcenter().vm().instant_clone(&spec()))
        .await
        .expect_err("refused");
    check("Error", format!("{error:?} {error:#?} {error}"));
    let call = client.call(&PROBE);
    check("Call", format!("{call:?}"));
}

static PROBE: vsphere_client::runtime::Operation = vsphere_client::runtime::Operation {
    name: "probe",
    api: Some(vsphere_client::runtime::Endpoint {
        method: vsphere_client::runtime::Method::Get,
        path: "/api/session",
        action: None,
        body: vsphere_client::runtime::BodyKind::None,
    }),
    rest: None,
};

/// A burst of calls whose session expired should create one new session, not one per call
/// (vCenter limits sessions per user): the calls answered 401 while one call logs in again wait
/// for that login, then retry with its token.
#[tokio::test]
async fn concurrent_401s_log_in_once() {
    let standin = StandIn::start().await;
    let logins = Arc::new(AtomicUsize::new(0));
    {
        let logins = Arc::clone(&logins);
        standin.handler(move |request| {
            Some(if request.path == "/api/session" {
                let n = logins.fetch_add(1, Ordering::SeqCst) + 1;
                Reply::json(201, &json!(format!("new-{n}")))
            } else if request.session_id().is_some_and(|t| t.starts_with("new-")) {
                Reply::api_ok(&json!("vm-1"))
            } else {
                Reply::empty(401)
            })
        });
    }
    let client = Client::builder(&standin.url())
        .credentials(USER, PASSWORD)
        .session_token("expired")
        .build()
        .expect("client");
    let spec = spec();
    let vm = client.vcenter().vm();
    let calls = (0..5).map(|_| vm.instant_clone(&spec)).collect();
    let results = within(LIMIT, join_all(calls)).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(
        logins.load(Ordering::SeqCst),
        1,
        "one re-login for the burst"
    );
}

#[tokio::test]
async fn login_is_a_bodyless_post_with_content_length_zero() {
    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        standin.push(created(style, 201, "t1"));
        let client = with_credentials(&standin, style);
        within(LIMIT, client.login()).await.expect("login");
        let request = standin.only_request();
        assert_login(&request, style);
        assert!(request.body.is_empty());
        assert_eq!(request.header("content-length"), Some("0"), "{style}");
        assert_eq!(request.header("content-type"), None, "{style}");
    }
}

#[tokio::test]
async fn after_logout_a_401_is_returned_without_logging_in_until_login() {
    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        standin.push(created(style, 201, "t1"));
        standin.push(Reply::empty(if style == Style::Api { 204 } else { 200 }));
        standin.push(unauthenticated(style));
        let client = with_credentials(&standin, style);
        within(LIMIT, client.login()).await.expect("login");
        within(LIMIT, client.logout()).await.expect("logout");
        assert_eq!(client.session_token(), None);

        let error = within(LIMIT, client.vcenter().vm().instant_clone(&spec()))
            .await
            .expect_err("no session after logout");
        assert!(error.is_unauthenticated(), "{error:?}");
        let requests = standin.take();
        let call = format!("POST {}?action=instant-clone", vm_path(style));
        let login = format!("POST {}", session_path(style));
        let logout = format!("DELETE {}", session_path(style));
        assert_eq!(
            lines(&requests),
            [login.as_str(), &logout, &call],
            "{style}: no login after the 401"
        );
        assert_eq!(requests[2].session_id(), None);

        // login() turns automatic re-login back on.
        standin.push(created(style, 201, "t2"));
        standin.push(unauthenticated(style));
        standin.push(created(style, 201, "t3"));
        standin.push(ok_vm(style, "vm-9"));
        within(LIMIT, client.login()).await.expect("login again");
        let vm = within(LIMIT, client.vcenter().vm().instant_clone(&spec()))
            .await
            .expect("re-login after the 401");
        assert_eq!(vm.as_str(), "vm-9");
        assert_eq!(
            lines(&standin.take()),
            [login.as_str(), &call, &login, &call],
            "{style}"
        );
        assert_eq!(client.session_token().as_deref(), Some("t3"));
    }
}

#[tokio::test]
async fn the_current_session_is_read_in_both_styles() {
    for (style, path, response) in [
        (
            Style::Api,
            "/api/session",
            "cis.session.get.api.response.json",
        ),
        (
            Style::Rest,
            "/rest/com/vmware/cis/session",
            "cis.session.get.rest.response.json",
        ),
    ] {
        let standin = StandIn::start().await;
        standin.push(Reply::json(200, &fixture(response)));
        let client = Client::builder(&standin.url())
            .style(style)
            .session_token("t1")
            .build()
            .expect("client");
        let info = within(LIMIT, client.cis().session().get())
            .await
            .expect("session info");
        assert_eq!(info.user, "VSPHERE.LOCAL\\Administrator", "{style}");
        let request = standin.only_request();
        request.assert_target("GET", path, None);
        assert_eq!(request.session_id(), Some("t1"));

        // Its 401 in the style's format is UNAUTHENTICATED, naming the call.
        let error_fixture = match style {
            Style::Api => "cis.session.get.api.error-401.json",
            Style::Rest => "cis.session.get.rest.error-401.json",
        };
        standin.push(Reply::json(401, &fixture(error_fixture)));
        let error = within(LIMIT, client.cis().session().get())
            .await
            .expect_err("401");
        assert_eq!(error.kind(), Some(&ErrorKind::Unauthenticated), "{error:?}");
        assert!(
            error
                .to_string()
                .starts_with(&format!("cis.session.get (GET {path}): ")),
            "{error}"
        );
    }
}
