//! Error bodies in every format servers use, and failures below HTTP.

use std::time::{Duration, Instant};

use serde_json::json;
use vsphere_runtime::runtime::{Client, Error, ErrorKind, Style};

use crate::fixtures::*;
use crate::server::{Reply, Server};

/// Calls GET_VM on a server that answers every request with `reply()`.
async fn error_of(style: Style, reply: fn() -> Reply) -> Error {
    let server = Server::start(move |_| reply()).await;
    let client = plain_client(&server.url(), style);
    call_vm(&client).await
}

async fn call_vm(client: &Client) -> Error {
    let mut call = client.call(&GET_VM);
    call.path_param("vm", "vm-1");
    call.send::<String>().await.unwrap_err()
}

const REST_NOT_FOUND: &str = r#"{"type": "com.vmware.vapi.std.errors.not_found",
    "value": {"messages": [{"id": "com.vmware.api.vcenter.vm.not_found",
        "default_message": "Virtual machine with identifier 'vm-1' does not exist.",
        "args": ["vm-1"]}], "data": null}}"#;

const API_INVALID_ARGUMENT: &str = r#"{"error_type": "INVALID_ARGUMENT",
    "messages": [{"id": "vcenter.vm.clone.name", "default_message": "Name is invalid.",
        "args": [], "params": {"name": {"s": "x"}}, "localized": "Nom invalide."}],
    "data": {"field": "name"}}"#;

#[tokio::test]
async fn rest_error_bodies_are_decoded() {
    let error = error_of(Style::Rest, || Reply::json(404, REST_NOT_FOUND)).await;
    assert_eq!(error.kind(), Some(&ErrorKind::NotFound));
    assert_eq!(error.status(), Some(404));
    let messages = error.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].id, "com.vmware.api.vcenter.vm.not_found");
    assert_eq!(messages[0].args, vec!["vm-1".to_owned()]);
    assert_eq!(error.data(), None);
    assert_eq!(error.body_excerpt(), None);
    assert_eq!(
        error.to_string(),
        "vcenter.vm.get (GET /rest/vcenter/vm/vm-1): NOT_FOUND (HTTP 404): Virtual machine with identifier 'vm-1' does not exist."
    );
    let _: &dyn std::error::Error = &error;
}

#[tokio::test]
async fn api_error_bodies_are_decoded() {
    let error = error_of(Style::Api, || Reply::json(400, API_INVALID_ARGUMENT)).await;
    assert_eq!(error.kind(), Some(&ErrorKind::InvalidArgument));
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.data(), Some(&json!({"field": "name"})));
    let message = &error.messages()[0];
    assert_eq!(message.default_message, "Name is invalid.");
    assert_eq!(message.localized.as_deref(), Some("Nom invalide."));
    assert_eq!(message.params, Some(json!({"name": {"s": "x"}})));
}

#[tokio::test]
async fn either_error_format_is_read_in_either_style() {
    let error = error_of(Style::Api, || Reply::json(404, REST_NOT_FOUND)).await;
    assert_eq!(error.kind(), Some(&ErrorKind::NotFound));
    let error = error_of(Style::Rest, || Reply::json(400, API_INVALID_ARGUMENT)).await;
    assert_eq!(error.kind(), Some(&ErrorKind::InvalidArgument));
}

/// One message with a nested message parameter, in each format: `/rest` spells both maps as
/// key/value lists.
const REST_NESTED_PARAMS: &str = r#"{"type": "com.vmware.vapi.std.errors.invalid_argument",
    "value": {"messages": [{"id": "outer", "default_message": "Outer.", "args": [],
        "params": [
            {"key": "count", "value": {"i": 2}},
            {"key": "reason", "value": {"l": {"id": "inner",
                "params": [{"key": "vm", "value": {"s": "vm-1"}}]}}}
        ]}]}}"#;

const API_NESTED_PARAMS: &str = r#"{"error_type": "INVALID_ARGUMENT",
    "messages": [{"id": "outer", "default_message": "Outer.", "args": [],
        "params": {
            "count": {"i": 2},
            "reason": {"l": {"id": "inner", "params": {"vm": {"s": "vm-1"}}}}
        }}]}"#;

#[tokio::test]
async fn message_params_are_objects_in_both_formats() {
    let rest = error_of(Style::Rest, || Reply::json(400, REST_NESTED_PARAMS)).await;
    let api = error_of(Style::Api, || Reply::json(400, API_NESTED_PARAMS)).await;
    let expected = json!({
        "count": {"i": 2},
        "reason": {"l": {"id": "inner", "params": {"vm": {"s": "vm-1"}}}},
    });
    assert_eq!(api.messages()[0].params.as_ref(), Some(&expected));
    assert_eq!(rest.messages(), api.messages());

    // An empty `/rest` map is an empty object; shapes that are no map are kept as they are.
    let error = error_of(Style::Rest, || {
        Reply::json(
            400,
            r#"{"type": "com.vmware.vapi.std.errors.error", "value": {"messages": [
                {"id": "a", "params": []},
                {"id": "b", "params": [1, 2]},
                {"id": "c", "params": "text"},
                {"id": "d", "params": {"x": {"l": {"id": "e", "params": null}}}}
            ]}}"#,
        )
    })
    .await;
    let params: Vec<_> = error.messages().iter().map(|m| m.params.clone()).collect();
    assert_eq!(
        params,
        [
            Some(json!({})),
            Some(json!([1, 2])),
            Some(json!("text")),
            Some(json!({"x": {"l": {"id": "e", "params": null}}})),
        ]
    );
}

#[tokio::test]
async fn the_body_kind_wins_over_the_status() {
    let error = error_of(Style::Api, || {
        Reply::json(
            400,
            r#"{"error_type": "UNABLE_TO_ALLOCATE_RESOURCE", "messages": []}"#,
        )
    })
    .await;
    assert_eq!(error.kind(), Some(&ErrorKind::UnableToAllocateResource));
    assert_eq!(
        error.to_string(),
        "vcenter.vm.get (GET /api/vcenter/vm/vm-1): UNABLE_TO_ALLOCATE_RESOURCE (HTTP 400)"
    );
}

#[tokio::test]
async fn unknown_error_types_are_kept() {
    let error = error_of(Style::Api, || {
        Reply::json(500, r#"{"error_type": "SHINY_NEW_ERROR", "messages": []}"#)
    })
    .await;
    assert_eq!(
        error.kind(),
        Some(&ErrorKind::Unknown("SHINY_NEW_ERROR".into()))
    );
    let error = error_of(Style::Rest, || {
        Reply::json(
            500,
            r#"{"type": "com.vmware.vapi.std.errors.shiny_new", "value": {"messages": []}}"#,
        )
    })
    .await;
    assert_eq!(
        error.kind(),
        Some(&ErrorKind::Unknown(
            "com.vmware.vapi.std.errors.shiny_new".into()
        ))
    );
}

#[tokio::test]
async fn empty_401_is_unauthenticated_and_a_challenge_is_kept() {
    let error = error_of(Style::Api, || Reply::empty(401)).await;
    // No vAPI body: a bare HTTP error, still recognisable as a refused session.
    assert!(
        matches!(
            &error,
            Error::Http {
                status: 401,
                excerpt: None,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.kind(), None);
    assert!(error.is_unauthenticated());
    assert_eq!(error.body_excerpt(), None);
    assert_eq!(
        error.to_string(),
        "vcenter.vm.get (GET /api/vcenter/vm/vm-1): HTTP 401 without a vAPI error body; log in (Client::login) or give valid credentials"
    );

    let error = error_of(Style::Rest, || {
        Reply::json(
            401,
            r#"{"type": "com.vmware.vapi.std.errors.unauthenticated",
                "value": {"messages": [], "challenge": "Basic realm=\"VAPI endpoint\""}}"#,
        )
    })
    .await;
    assert_eq!(error.challenge(), Some("Basic realm=\"VAPI endpoint\""));
}

#[tokio::test]
async fn plain_text_404_is_a_bare_http_error_with_the_text() {
    let error = error_of(Style::Api, || {
        Reply::typed(404, "text/plain", "404 page not found\n")
    })
    .await;
    // Not a vAPI NOT_FOUND: the server has no such endpoint.
    assert!(
        matches!(&error, Error::Http { status: 404, .. }),
        "{error:?}"
    );
    assert_eq!(error.kind(), None);
    assert_eq!(error.body_excerpt(), Some("404 page not found"));
    assert_eq!(
        error.to_string(),
        "vcenter.vm.get (GET /api/vcenter/vm/vm-1): HTTP 404 without a vAPI error body: 404 page not found; the server does not have this endpoint: check the base URL and the URL style (Style::Api needs vSphere 7.0 U2 or later)"
    );
}

#[tokio::test]
async fn html_502_is_unknown_with_an_excerpt() {
    let error = error_of(Style::Api, || {
        Reply::typed(
            502,
            "text/html",
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
        )
    })
    .await;
    assert!(
        matches!(&error, Error::Http { status: 502, .. }),
        "{error:?}"
    );
    assert_eq!(error.kind(), None);
    assert_eq!(error.status(), Some(502));
    assert!(error.body_excerpt().unwrap().contains("502 Bad Gateway"));
}

#[tokio::test]
async fn json_labelled_text_plain_is_still_decoded() {
    let error = error_of(Style::Rest, || {
        Reply::typed(404, "text/plain", REST_NOT_FOUND)
    })
    .await;
    assert_eq!(error.kind(), Some(&ErrorKind::NotFound));
    assert_eq!(error.messages().len(), 1);
}

#[tokio::test]
async fn truncated_json_falls_back_to_the_status() {
    let error = error_of(Style::Api, || {
        Reply::json(
            500,
            r#"{"error_type": "NOT_FOUND", "messages": [{"id": "x", "def"#,
        )
    })
    .await;
    assert!(
        matches!(&error, Error::Http { status: 500, .. }),
        "{error:?}"
    );
    assert!(error.body_excerpt().unwrap().starts_with("{\"error_type\""));
}

#[tokio::test]
async fn malformed_messages_never_panic() {
    let error = error_of(Style::Api, || {
        Reply::json(
            400,
            r#"{"error_type": 7, "messages": [1, null, {"id": 5, "args": [1, {"a": 2}]}]}"#,
        )
    })
    .await;
    // `error_type` is not a string, but `messages` is a list: a vAPI error, kind from status.
    assert_eq!(error.kind(), Some(&ErrorKind::InvalidRequest));
    assert_eq!(error.messages().len(), 3);
    assert_eq!(
        error.messages()[2].args,
        vec!["1".to_owned(), r#"{"a":2}"#.to_owned()]
    );

    let deep = "[".repeat(100_000);
    let server = Server::start(move |_| Reply::typed(500, "application/json", &deep)).await;
    let error = call_vm(&plain_client(&server.url(), Style::Api)).await;
    assert!(
        matches!(&error, Error::Http { status: 500, .. }),
        "{error:?}"
    );
    assert!(error.body_excerpt().unwrap().len() <= 1100);
}

#[tokio::test]
async fn a_body_cut_short_by_the_connection_is_a_transport_error() {
    let error = error_of(Style::Api, || {
        Reply::Raw(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n\"vm-".to_vec())
    })
    .await;
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
}

#[tokio::test]
async fn oversized_bodies_are_bounded_with_an_excerpt() {
    // Chunked (length unknown up front): reading stops at the limit.
    let server = Server::start(|_| Reply::Chunked {
        status: 500,
        total: 32 * 1024 * 1024,
        fill: b'x',
    })
    .await;
    let client = Client::builder(&server.url())
        .max_response_bytes(64 * 1024)
        .build()
        .unwrap();
    let started = Instant::now();
    let error = call_vm(&client).await;
    assert!(
        matches!(
            error,
            Error::ResponseTooLarge {
                status: 500,
                limit: 65536,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    let excerpt = error.body_excerpt().unwrap();
    assert!(excerpt.starts_with("xxxx") && excerpt.len() <= 1100);

    // Declared length over the limit, success status.
    let server = Server::start(|_| Reply::Http {
        status: 200,
        content_type: Some("application/json"),
        body: vec![b'"'; 1024 * 1024],
    })
    .await;
    let client = Client::builder(&server.url())
        .max_response_bytes(64 * 1024)
        .build()
        .unwrap();
    let error = call_vm(&client).await;
    assert!(
        matches!(error, Error::ResponseTooLarge { status: 200, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_stalled_server_ends_in_a_timeout() {
    for reply in [
        || Reply::Stall(Vec::new()),
        || Reply::Stall(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n\"vm".to_vec()),
    ] {
        let server = Server::start(move |_| reply()).await;
        let client = Client::builder(&server.url())
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let started = Instant::now();
        let error = call_vm(&client).await;
        assert!(error.is_timeout(), "{error:?}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}

/// A server that accepts the TCP connection but never answers the TLS ClientHello: the connect
/// timeout (which covers the handshake) ends the call long before the request timeout would.
#[tokio::test]
async fn a_handshake_that_never_completes_ends_in_the_connect_timeout() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    let client = Client::builder(&url)
        .connect_timeout(Duration::from_millis(300))
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = call_vm(&client).await;
    let elapsed = started.elapsed();
    held.abort();
    assert!(error.is_timeout(), "{error:?}");
    assert!(
        elapsed >= Duration::from_millis(250) && elapsed < Duration::from_secs(10),
        "{elapsed:?}"
    );
}

#[test]
fn timeouts_default_to_10_s_to_connect_and_120_s_per_request() {
    let builder = format!("{:?}", Client::builder("https://vcenter.example.com"));
    assert!(builder.contains("connect_timeout: 10s"), "{builder}");
    assert!(builder.contains(" timeout: 120s"), "{builder}");
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let error = call_vm(&plain_client(&url, Style::Api)).await;
    assert!(matches!(error, Error::Connect { .. }), "{error:?}");
    assert!(std::error::Error::source(&error).is_some());
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let error = error_of(Style::Api, || {
        Reply::Raw(
            b"HTTP/1.1 302 Found\r\nlocation: http://127.0.0.1:9/steal\r\ncontent-length: 0\r\n\r\n"
                .to_vec(),
        )
    })
    .await;
    assert_eq!(error.status(), Some(302));
    assert_eq!(error.location(), Some("http://127.0.0.1:9/steal"));
    assert!(
        error.to_string().contains(
            "redirecting to `http://127.0.0.1:9/steal`; the client does not follow redirects"
        ),
        "{error}"
    );
}
