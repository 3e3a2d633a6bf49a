//! Sessions: login and logout in both styles, the token header, one re-login on 401,
//! and secrets kept out of Debug output and tracing.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use vsphere_runtime::runtime::{Client, Error, ErrorKind, Style, new_client_token};

use crate::fixtures::*;
use crate::server::{Reply, Server};

const BASIC_USER_PASS: &str = "Basic dXNlckB2c3BoZXJlLmxvY2FsOnMzY3JldCE="; // user@vsphere.local:s3cret!

fn with_credentials(url: &str, style: Style) -> Client {
    Client::builder(url)
        .style(style)
        .credentials("user@vsphere.local", "s3cret!")
        .build()
        .unwrap()
}

async fn get_vm(client: &Client) -> Result<String, Error> {
    let mut call = client.call(&GET_VM);
    call.path_param("vm", "vm-1");
    call.send().await
}

#[tokio::test]
async fn api_login_201_call_and_logout_204() {
    let server = Server::start(|request| match (request.method.as_str(), request.path()) {
        ("POST", "/api/session") => Reply::json(201, r#""api-token-1""#),
        ("DELETE", "/api/session") => Reply::empty(204),
        _ => Reply::json(200, r#""vm-1""#),
    })
    .await;
    let client = with_credentials(&server.url(), Style::Api);
    assert_eq!(client.session_token(), None);
    assert_eq!(client.login().await.unwrap(), "api-token-1");
    assert_eq!(client.session_token().as_deref(), Some("api-token-1"));
    get_vm(&client).await.unwrap();
    client.logout().await.unwrap();
    assert_eq!(client.session_token(), None);

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].header("authorization"), Some(BASIC_USER_PASS));
    assert!(requests[0].body.is_empty());
    assert_eq!(requests[0].header("vmware-api-session-id"), None);
    assert_eq!(
        requests[1].header("vmware-api-session-id"),
        Some("api-token-1")
    );
    assert_eq!(requests[1].header("authorization"), None);
    assert_eq!(
        (requests[2].method.as_str(), requests[2].path()),
        ("DELETE", "/api/session")
    );
    assert_eq!(
        requests[2].header("vmware-api-session-id"),
        Some("api-token-1")
    );
}

#[tokio::test]
async fn api_login_200_and_logout_200() {
    let server = Server::start(|request| match request.method.as_str() {
        "POST" => Reply::json(200, r#""api-token-2""#),
        _ => Reply::empty(200),
    })
    .await;
    let client = with_credentials(&server.url(), Style::Api);
    assert_eq!(client.login().await.unwrap(), "api-token-2");
    client.logout().await.unwrap();
    assert_eq!(client.session_token(), None);
}

#[tokio::test]
async fn rest_login_and_logout() {
    let server = Server::start(|request| match (request.method.as_str(), request.path()) {
        ("POST", "/rest/com/vmware/cis/session") => {
            Reply::json(200, r#"{"value": "rest-token-1"}"#)
        }
        ("DELETE", "/rest/com/vmware/cis/session") => Reply::empty(200),
        _ => Reply::json(200, r#"{"value": "vm-1"}"#),
    })
    .await;
    let client = with_credentials(&server.url(), Style::Rest);
    assert_eq!(client.login().await.unwrap(), "rest-token-1");
    assert_eq!(get_vm(&client).await.unwrap(), "vm-1");
    client.logout().await.unwrap();
    assert_eq!(client.session_token(), None);
    let requests = server.requests();
    assert_eq!(requests[0].header("authorization"), Some(BASIC_USER_PASS));
    assert_eq!(
        requests[1].header("vmware-api-session-id"),
        Some("rest-token-1")
    );
    assert_eq!(requests[2].path(), "/rest/com/vmware/cis/session");
    assert_eq!(
        requests[2].header("vmware-api-session-id"),
        Some("rest-token-1")
    );
}

#[tokio::test]
async fn login_failures_are_errors() {
    let server = Server::start(|_| {
        Reply::json(
            401,
            r#"{"error_type": "UNAUTHENTICATED", "messages": [{"id": "x",
                "default_message": "Authentication required.", "args": []}]}"#,
        )
    })
    .await;
    let error = with_credentials(&server.url(), Style::Api)
        .login()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), Some(&ErrorKind::Unauthenticated));

    let error = plain_client(&server.url(), Style::Api)
        .login()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Usage { .. }), "{error:?}");

    // Unknown shapes, tokens that cannot go in a header, empty tokens: errors that never
    // repeat the body.
    for body in [r#"{"token": "tok-SECRET"}"#, r#""tok SECRET\n""#, r#""""#] {
        let server = Server::start(move |_| Reply::json(201, body)).await;
        let error = with_credentials(&server.url(), Style::Api)
            .login()
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::Decode { status: 201, .. }),
            "{error:?}"
        );
        assert!(
            !format!("{error:?} {error}").contains("SECRET"),
            "{error:?}"
        );
    }
}

#[tokio::test]
async fn a_given_session_token_is_sent_and_shared_by_clones() {
    let server = Server::start(|_| Reply::json(200, r#""vm-1""#)).await;
    let client = Client::builder(&server.url())
        .session_token("given-token")
        .build()
        .unwrap();
    let clone = client.clone();
    get_vm(&clone).await.unwrap();
    assert_eq!(
        server.request(0).header("vmware-api-session-id"),
        Some("given-token")
    );
    fn assert_send_sync<T: Send + Sync + Clone + 'static>(_: &T) {}
    assert_send_sync(&client);
}

#[tokio::test]
async fn a_401_logs_in_again_once_and_retries_the_same_bytes() {
    let logins = Arc::new(AtomicUsize::new(0));
    let counter = logins.clone();
    let server = Server::start(move |request| {
        if request.path() == "/api/session" {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            return Reply::json(201, &format!("\"token-{n}\""));
        }
        match request.header("vmware-api-session-id") {
            Some("token-2") => Reply::json(200, r#""vm-new""#),
            _ => Reply::empty(401),
        }
    })
    .await;
    let client = with_credentials(&server.url(), Style::Api);
    client.login().await.unwrap(); // token-1, which the server no longer accepts
    let mut call = client.call(&CHECK_OUT);
    call.path_param("template_library_item", "item-1");
    let body = serde_json::json!({"name": "x", "client_token": new_client_token()});
    call.body_param("spec", &body).unwrap();
    assert_eq!(call.send::<String>().await.unwrap(), "vm-new");
    assert_eq!(client.session_token().as_deref(), Some("token-2"));

    let requests = server.requests();
    assert_eq!(requests.len(), 4, "{requests:#?}");
    assert_eq!(requests[1].header("vmware-api-session-id"), Some("token-1"));
    assert_eq!(requests[2].path(), "/api/session");
    assert_eq!(requests[3].header("vmware-api-session-id"), Some("token-2"));
    assert_eq!(requests[1].body, requests[3].body);
    assert_eq!(requests[3].json(), body);
}

#[tokio::test]
async fn a_call_without_a_session_logs_in_on_the_first_401() {
    let server = Server::start(|request| {
        if request.path() == "/rest/com/vmware/cis/session" {
            return Reply::json(200, r#"{"value": "fresh"}"#);
        }
        match request.header("vmware-api-session-id") {
            Some("fresh") => Reply::json(200, r#"{"value": "vm-1"}"#),
            _ => Reply::empty(401),
        }
    })
    .await;
    let client = with_credentials(&server.url(), Style::Rest);
    assert_eq!(get_vm(&client).await.unwrap(), "vm-1");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_second_401_is_returned_without_another_login() {
    let server = Server::start(|request| {
        if request.path() == "/api/session" {
            Reply::json(201, r#""useless""#)
        } else {
            Reply::empty(401)
        }
    })
    .await;
    let client = with_credentials(&server.url(), Style::Api);
    let error = get_vm(&client).await.unwrap_err();
    assert!(error.is_unauthenticated(), "{error:?}");
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/api/vcenter/vm/vm-1",
            "/api/session",
            "/api/vcenter/vm/vm-1"
        ]
    );
}

async fn get_named_vm(client: &Client, vm: &str) -> Result<String, Error> {
    let mut call = client.call(&GET_VM);
    call.path_param("vm", vm);
    call.send().await
}

/// A server that answers calls 401 unless they carry `token-<n>`, and logins with `token-<n>`
/// after `login_delay(n)` milliseconds; returns it and its login counter.
async fn expiring_server(login_delay: fn(usize) -> u64) -> (Server, Arc<AtomicUsize>) {
    let logins = Arc::new(AtomicUsize::new(0));
    let counter = logins.clone();
    let server = Server::start(move |request| {
        if request.path() == "/api/session" {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            return Reply::json(201, &format!("\"token-{n}\"")).after(login_delay(n));
        }
        match request.header("vmware-api-session-id") {
            Some(token) if token.starts_with("token-") => Reply::json(200, r#""vm-1""#),
            _ => Reply::empty(401),
        }
    })
    .await;
    (server, logins)
}

fn with_expired_session(url: &str) -> Client {
    Client::builder(url)
        .credentials("user@vsphere.local", "s3cret!")
        .session_token("expired")
        .build()
        .unwrap()
}

#[tokio::test]
async fn concurrent_401s_share_one_login() {
    // The login is slow, so every call's 401 arrives while it is in flight.
    let (server, logins) = expiring_server(|_| 200).await;
    let client = with_expired_session(&server.url());
    let (a, b, c, d, e) = tokio::join!(
        get_vm(&client),
        get_vm(&client),
        get_vm(&client),
        get_vm(&client),
        get_vm(&client),
    );
    for result in [a, b, c, d, e] {
        assert_eq!(result.unwrap(), "vm-1");
    }
    assert_eq!(logins.load(Ordering::SeqCst), 1);
    assert_eq!(client.session_token().as_deref(), Some("token-1"));
    let requests = server.requests();
    assert_eq!(requests.len(), 11, "5 calls, 1 login, 5 retries");
    let retried = requests
        .iter()
        .filter(|r| r.header("vmware-api-session-id") == Some("token-1"))
        .count();
    assert_eq!(retried, 5);
}

#[tokio::test]
async fn a_401_for_a_token_already_replaced_retries_without_a_login() {
    let logins = Arc::new(AtomicUsize::new(0));
    let counter = logins.clone();
    let server = Server::start(move |request| {
        if request.path() == "/api/session" {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            return Reply::json(201, &format!("\"token-{n}\""));
        }
        match (request.header("vmware-api-session-id"), request.path()) {
            (Some("token-1"), _) => Reply::json(200, r#""vm-1""#),
            // The slow call's 401 arrives after the quick call's login has ended.
            (_, "/api/vcenter/vm/vm-slow") => Reply::empty(401).after(300),
            _ => Reply::empty(401),
        }
    })
    .await;
    let client = with_expired_session(&server.url());
    let (slow, quick) = tokio::join!(
        get_named_vm(&client, "vm-slow"),
        get_named_vm(&client, "vm-quick")
    );
    assert_eq!(quick.unwrap(), "vm-1");
    assert_eq!(slow.unwrap(), "vm-1");
    assert_eq!(logins.load(Ordering::SeqCst), 1);
    let requests = server.requests();
    assert_eq!(requests.len(), 5, "{requests:#?}");
    assert_eq!(requests[4].path(), "/api/vcenter/vm/vm-slow");
    assert_eq!(requests[4].header("vmware-api-session-id"), Some("token-1"));
}

#[tokio::test]
async fn a_failed_relogin_is_not_repeated_by_the_calls_waiting_for_it() {
    let logins = Arc::new(AtomicUsize::new(0));
    let counter = logins.clone();
    let server = Server::start(move |request| {
        if request.path() == "/api/session" {
            counter.fetch_add(1, Ordering::SeqCst);
            return Reply::empty(401).after(200);
        }
        Reply::empty(401)
    })
    .await;
    let client = with_expired_session(&server.url());
    let (a, b, c) = tokio::join!(get_vm(&client), get_vm(&client), get_vm(&client));
    assert_eq!(
        logins.load(Ordering::SeqCst),
        1,
        "a wrong password is tried once"
    );
    for result in [a, b, c] {
        assert!(result.unwrap_err().is_unauthenticated());
    }
    assert_eq!(client.session_token().as_deref(), Some("expired"));
    assert_eq!(server.requests().len(), 4, "3 calls, 1 login, no retry");
}

#[tokio::test]
async fn a_waiting_call_logs_in_itself_when_the_leading_call_is_dropped() {
    // The first login never ends in time; the second is quick.
    let (server, logins) = expiring_server(|n| if n == 1 { 2_000 } else { 0 }).await;
    let client = with_expired_session(&server.url());
    let (leader, waiter) = tokio::join!(
        tokio::time::timeout(
            std::time::Duration::from_millis(300),
            get_named_vm(&client, "vm-a")
        ),
        async {
            // Answered 401 after the leader's login has started.
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            get_named_vm(&client, "vm-b").await
        },
    );
    assert!(leader.is_err(), "the leading call was dropped: {leader:?}");
    assert_eq!(waiter.unwrap(), "vm-1");
    assert_eq!(logins.load(Ordering::SeqCst), 2);
    assert_eq!(client.session_token().as_deref(), Some("token-2"));
}

#[tokio::test]
async fn without_credentials_a_401_is_returned_at_once() {
    let server = Server::start(|_| Reply::empty(401)).await;
    let client = Client::builder(&server.url())
        .session_token("stale")
        .build()
        .unwrap();
    let error = get_vm(&client).await.unwrap_err();
    assert!(error.is_unauthenticated());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn debug_output_never_shows_the_password_or_the_token() {
    let server = Server::start(|_| Reply::json(201, r#""tok-SECRET-123""#)).await;
    let builder = Client::builder(&server.url())
        .credentials("user@vsphere.local", "pw-SECRET-456")
        .session_token("tok-SECRET-000");
    let text = format!("{builder:?}");
    assert!(!text.contains("SECRET"), "{text}");
    assert!(
        text.contains("<redacted>") && text.contains("user@vsphere.local"),
        "{text}"
    );

    let client = builder.build().unwrap();
    client.login().await.unwrap();
    let mut call = client.call(&GET_VM);
    call.path_param("vm", "vm-1");
    for text in [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{call:?}"),
    ] {
        assert!(!text.contains("SECRET"), "{text}");
    }
    assert!(format!("{client:?}").contains("<redacted>"));
}
