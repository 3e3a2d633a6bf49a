//! Every variant of `Error`, provoked as a user meets it, read as `Display` and `Debug`: one line
//! naming the call (operation, method, path), what to do where the client can tell, causes kept
//! as `source()`, and never a password, session token or URL credentials.

use std::error::Error as _;
use std::time::Duration;

use vsphere_runtime::runtime::{
    BodyKind, CallInfo, Client, ClientBuilder, Endpoint, Error, Method, Operation, Style,
};

use crate::fixtures::{GET_VM, INSTANT_CLONE, clone_spec};
use crate::server::{Reply, Server};
use crate::tls::pki;

const PASSWORD: &str = "pw-s3cret-7";
const TOKEN: &str = "token-s3cret-9";

fn builder(url: &str) -> ClientBuilder {
    Client::builder(url)
        .credentials("administrator@vsphere.local", PASSWORD)
        .session_token(TOKEN)
}

async fn get_vm(client: &Client) -> Error {
    let mut call = client.call(&GET_VM);
    call.path_param("vm", "vm-1");
    call.send::<String>().await.unwrap_err()
}

async fn served(reply: fn() -> Reply, configure: fn(ClientBuilder) -> ClientBuilder) -> Error {
    let server = Server::start(move |_| reply()).await;
    get_vm(&configure(builder(&server.url())).build().unwrap()).await
}

/// Prints the error and checks what every error must do; returns its `Display`.
#[track_caller]
fn shown(error: &Error, variant: &str) -> String {
    let display = error.to_string();
    let debug = format!("{error:?}");
    println!("{variant}:\n  Display: {display}\n  Debug:   {debug}");
    assert!(debug.starts_with(variant), "Debug of {variant} is {debug}");
    assert!(!display.contains('\n'), "one line: {display}");
    for secret in [PASSWORD, TOKEN, "admin:"] {
        assert!(
            !display.contains(secret),
            "{variant} Display shows {secret}: {display}"
        );
        assert!(
            !debug.contains(secret),
            "{variant} Debug shows {secret}: {debug}"
        );
    }
    display
}

/// The error names `call`, in `Display` (first) and through `Error::call`.
#[track_caller]
fn names_call(error: &Error, display: &str, operation: &str, method: Method, path: &str) {
    let call: &CallInfo = error.call().expect("a call");
    assert_eq!(
        (call.operation, call.method, call.path.as_str()),
        (operation, method, path),
        "{error:?}"
    );
    let prefix = format!("{operation} ({method} {path}): ");
    assert!(
        display.starts_with(&prefix),
        "`{display}` starts with `{prefix}`"
    );
}

/// An operation with only an `/api` form, as `cis.session.get` was before it got its `/rest` one.
static API_ONLY: Operation = Operation {
    name: "cis.session.get",
    api: Some(Endpoint {
        method: Method::Get,
        path: "/api/session",
        action: None,
        body: BodyKind::None,
    }),
    rest: None,
};

const GET: (&str, Method, &str) = ("vcenter.vm.get", Method::Get, "/api/vcenter/vm/vm-1");

#[track_caller]
fn names_get(error: &Error, display: &str) {
    names_call(error, display, GET.0, GET.1, GET.2);
}

#[tokio::test]
async fn every_error_variant_names_its_call_says_what_to_do_and_hides_secrets() {
    // Api: a vAPI error body.
    let error = served(
        || {
            Reply::json(
                404,
                r#"{"error_type": "NOT_FOUND", "messages": [{"id": "x", "default_message": "No VM vm-1.", "args": []}]}"#,
            )
        },
        |b| b,
    )
    .await;
    let display = shown(&error, "Api");
    names_get(&error, &display);
    assert!(
        display.ends_with("NOT_FOUND (HTTP 404): No VM vm-1."),
        "{display}"
    );

    // Http: a status without a vAPI body is its own case, not a vAPI NOT_FOUND.
    let error = served(
        || Reply::typed(404, "text/plain", "404 page not found"),
        |b| b,
    )
    .await;
    let display = shown(&error, "Http");
    names_get(&error, &display);
    assert!(matches!(error, Error::Http { status: 404, .. }) && error.kind().is_none());
    assert!(
        display.contains("check the base URL and the URL style"),
        "{display}"
    );

    // Http, a redirect: Location kept, its credentials never shown.
    let error = served(
        || {
            Reply::Raw(
                format!("HTTP/1.1 302 Found\r\nlocation: https://admin:{PASSWORD}@vc2.example.com/api/vcenter/vm/vm-1\r\ncontent-length: 0\r\n\r\n")
                    .into_bytes(),
            )
        },
        |b| b,
    )
    .await;
    let display = shown(&error, "Http");
    names_get(&error, &display);
    assert!(
        error
            .location()
            .is_some_and(|l| l.contains("vc2.example.com"))
    );
    assert!(
        display.contains("redirecting to `https://<redacted>@vc2.example.com/api/vcenter/vm/vm-1`")
            && display.contains("use the redirect's target as the base URL"),
        "{display}"
    );

    // Http, in a style the operation lacks: the error says the other form was sent.
    let server = Server::start(|_| Reply::typed(404, "text/plain", "404 page not found")).await;
    let client = builder(&server.url()).style(Style::Rest).build().unwrap();
    let error = client.call(&API_ONLY).send::<String>().await.unwrap_err();
    let display = shown(&error, "Http");
    assert_eq!(error.call().unwrap().missing_style, Some(Style::Rest));
    assert!(
        display.contains("the operation has no /rest form, so its /api form was sent"),
        "{display}"
    );

    // Connect: nothing listens.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = builder(&format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let error = get_vm(&client).await;
    let display = shown(&error, "Connect");
    names_get(&error, &display);
    assert!(error.source().is_some());
    assert!(
        display.contains("check the host name, the port"),
        "{display}"
    );

    // Tls: an untrusted root; the reason once, then what to do; the cause as source().
    let ca = pki();
    let server = Server::start_tls(ca.server.clone(), |_| Reply::json(200, r#""vm-1""#)).await;
    let error = get_vm(&builder(&server.url()).build().unwrap()).await;
    let display = shown(&error, "Tls");
    names_get(&error, &display);
    assert!(error.source().is_some());
    assert!(
        display.contains("TLS handshake failed: invalid peer certificate: UnknownIssuer; trust the server's CA with ClientBuilder::root_certificate_pem"),
        "{display}"
    );
    let debug = format!("{error:?}");
    assert_eq!(
        debug.matches("UnknownIssuer").count(),
        1,
        "the reason once: {debug}"
    );

    // Transport: the body is cut short.
    let error = served(
        || Reply::Raw(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n\"vm-".to_vec()),
        |b| b,
    )
    .await;
    let display = shown(&error, "Transport");
    names_get(&error, &display);
    assert!(error.source().is_some());

    // Timeout of the whole request: it names ClientBuilder::timeout, and only that.
    let error = served(
        || Reply::json(200, r#""vm-1""#).after(2_000),
        |b| b.timeout(Duration::from_millis(200)),
    )
    .await;
    let display = shown(&error, "Timeout");
    names_get(&error, &display);
    assert!(
        display.contains("within 200ms (ClientBuilder::timeout")
            && display.contains("raise ClientBuilder::timeout if the server is just slow")
            && !display.contains("connect_timeout"),
        "{display}"
    );

    // Timeout of the connection: a listener that takes the TCP connection but never answers the
    // TLS handshake. It names ClientBuilder::connect_timeout, not the request timeout.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let client = builder(&format!("https://{}", silent.local_addr().unwrap()))
        .connect_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = get_vm(&client).await;
    let display = shown(&error, "Timeout");
    names_get(&error, &display);
    assert!(
        display.contains("no connection within 200ms (ClientBuilder::connect_timeout)")
            && display.contains("raise ClientBuilder::connect_timeout")
            && !display.contains("ClientBuilder::timeout"),
        "{display}"
    );
    drop(silent);

    // Decode: a success that is not the expected type.
    let error = served(|| Reply::json(200, r#"{"not": "a string"}"#), |b| b).await;
    let display = shown(&error, "Decode");
    names_get(&error, &display);

    // ResponseTooLarge.
    let error = served(
        || Reply::json(200, &format!("\"{}\"", "x".repeat(4096))),
        |b| b.max_response_bytes(100),
    )
    .await;
    let display = shown(&error, "ResponseTooLarge");
    names_get(&error, &display);
    assert!(
        display.contains("raise ClientBuilder::max_response_bytes"),
        "{display}"
    );

    // Validation: refused before sending, naming the field and the call.
    let client = builder("https://vcenter.example.com").build().unwrap();
    let call = client.call(&INSTANT_CLONE);
    let mut spec = clone_spec();
    for nic in spec.nics_to_update.iter_mut().flat_map(|m| m.values_mut()) {
        nic.mac_address = None;
    }
    let error = call.validate(&spec, "spec").unwrap_err();
    let display = shown(&error, "Validation");
    names_call(
        &error,
        &display,
        "vcenter.vm.instant_clone",
        Method::Post,
        "/api/vcenter/vm",
    );
    assert!(display.contains(r#"invalid `spec.nics_to_update["4000"].mac_address`, not sent"#));

    // Usage: login without credentials names the session operation.
    let client = Client::builder("https://vcenter.example.com")
        .build()
        .unwrap();
    let error = client.login().await.unwrap_err();
    let display = shown(&error, "Usage");
    names_call(
        &error,
        &display,
        "cis.session.create",
        Method::Post,
        "/api/session",
    );
    assert!(display.contains("set them with ClientBuilder::credentials"));

    // Config: no call; the cause kept; what to do; the URL's password never shown.
    let error = Client::builder(&format!("https://admin:{PASSWORD}@vcenter.example.com"))
        .build()
        .unwrap_err();
    let display = shown(&error, "Config");
    assert!(error.call().is_none());
    assert!(
        display.contains("https://<redacted>@vcenter.example.com")
            && display.contains("put them in ClientBuilder::credentials"),
        "{display}"
    );
    let builder_debug = format!(
        "{:?}",
        Client::builder(&format!("https://admin:{PASSWORD}@vcenter.example.com"))
    );
    assert!(!builder_debug.contains(PASSWORD), "{builder_debug}");
    let error = Client::builder("https://vcenter.example.com")
        .root_certificate_pem(b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n")
        .unwrap_err();
    let display = shown(&error, "Config");
    assert!(error.source().is_some(), "{error:?}");
    assert!(
        display.contains("does not parse") && display.contains("give the PEM file of the CA"),
        "{display}"
    );
}
