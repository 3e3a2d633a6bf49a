//! Proxies from the environment: used for real hosts, never for a server on loopback.
//!
//! A test binary of its own because it sets `HTTP_PROXY` for the whole process, once, before any
//! client exists; the tests in this file only read it.

#![allow(dead_code)]

#[path = "runtime/fixtures.rs"]
mod fixtures;
#[path = "runtime/server.rs"]
mod server;

use std::sync::Once;

use vsphere_runtime::runtime::Client;

use crate::fixtures::*;
use crate::server::{Reply, Server};

/// The stand-in proxy: a loopback server that answers every forwarded request itself, so that no
/// test reaches another address even when the client sends a real host through it.
async fn proxy() -> Server {
    let proxy = Server::start(|_| Reply::json(200, r#""via-proxy""#)).await;
    static SET: Once = Once::new();
    let url = proxy.url();
    SET.call_once(|| {
        // SAFETY: set before any client or other thread of this process reads the environment.
        unsafe { std::env::set_var("HTTP_PROXY", &url) };
    });
    assert_eq!(
        std::env::var("HTTP_PROXY").as_deref(),
        Ok(url.as_str()),
        "one proxy per process: run these tests with --test-threads=1 or keep one proxy test"
    );
    proxy
}

#[tokio::test]
async fn environment_proxies_carry_real_hosts_but_never_loopback_ones() {
    let proxy = proxy().await;

    // A real host goes through the proxy, in absolute form.
    let remote = Client::builder("http://vcenter.invalid")
        .session_token("tok")
        .build()
        .unwrap();
    let vm: String = remote.call(&LIST_VMS).send().await.unwrap();
    assert_eq!(vm, "via-proxy");
    let forwarded = proxy.requests();
    assert_eq!(forwarded.len(), 1, "{forwarded:?}");
    assert!(
        forwarded[0]
            .target
            .starts_with("http://vcenter.invalid/api/"),
        "{}",
        forwarded[0].target
    );

    // The same client setup against a loopback server goes straight to it.
    let server = Server::start(|_| Reply::json(200, r#""direct""#)).await;
    for base in [server.url(), server.url().replace("127.0.0.1", "localhost")] {
        let local = Client::builder(&base).session_token("tok").build().unwrap();
        let vm: String = local.call(&LIST_VMS).send().await.unwrap();
        assert_eq!(vm, "direct", "{base}");
    }
    assert_eq!(server.requests().len(), 2);
    assert_eq!(
        proxy.requests().len(),
        1,
        "loopback calls went to the proxy"
    );

    // `no_proxy` opts a real host out as well: the call then fails to resolve instead.
    let direct = Client::builder("http://vcenter.invalid")
        .session_token("tok")
        .no_proxy()
        .build()
        .unwrap();
    let err = direct.call(&LIST_VMS).send::<String>().await.unwrap_err();
    assert!(err.status().is_none(), "{err:?}");
    assert_eq!(proxy.requests().len(), 1, "no_proxy call went to the proxy");
}
