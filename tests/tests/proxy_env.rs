//! The environment's proxy variables are not read unless the caller opts in
//! with `use_env_proxy()`: an `HTTP_PROXY` set for other programs would
//! otherwise receive every `http://` request whole, instance id, token and
//! Client-Token included. Through a proxy, an `https://` request is a
//! CONNECT tunnel: the proxy sees the host and port only.
//!
//! With `use_env_proxy()`, each variable does what the README says: only
//! `HTTPS_PROXY` leaves `http://` direct, `NO_PROXY` exempts its hosts,
//! `HTTP_PROXY` is ignored when `REQUEST_METHOD` is set (CGI).
//!
//! No test harness: `main` sets the variables before any thread exists, so
//! setting them is sound and every client of this process sees them. The
//! per-variable scenarios need other environments: `main` runs this binary
//! again for each, with `PROXY_ENV_SCENARIO` naming it.

mod tls_server;

use std::sync::{Arc, Mutex};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use zapi_client::{Client, Transport};
use zapi_client_tests::server::{Reply, TestServer};
use zapi_client_tests::{CLIENT_TOKEN, INSTANCE, TOKEN};

/// What reached the proxy: each connection's request head.
type Seen = Arc<Mutex<Vec<String>>>;

/// Every proxy variable the README names.
const PROXY_VARIABLES: [&str; 9] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "REQUEST_METHOD",
];

fn main() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("http://{}", listener.local_addr().unwrap());
    if let Ok(scenario) = std::env::var("PROXY_ENV_SCENARIO") {
        return per_variable_scenario(&scenario, listener, &proxy_url);
    }
    // SAFETY: single-threaded here; the runtime starts below.
    unsafe {
        // Every proxy variable set to the recording proxy; no exemption.
        let (proxies, exemptions) = PROXY_VARIABLES.split_at(6);
        for name in proxies {
            std::env::set_var(name, &proxy_url);
        }
        for name in exemptions {
            std::env::remove_var(name);
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let seen = runtime.block_on(proxy(listener));
    let mut failed = 0;
    macro_rules! run {
        ($test:ident $(, $arg:expr)*) => {
            seen.lock().unwrap().clear();
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                runtime.block_on($test(&seen $(, $arg)*))
            }));
            let verdict = if outcome.is_ok() { "ok" } else { "FAILED" };
            failed += usize::from(outcome.is_err());
            println!("test {} ... {verdict}", stringify!($test));
        };
    }
    run!(environment_proxies_are_not_used_by_default);
    run!(use_env_proxy_sends_http_requests_whole_to_the_proxy);
    run!(use_env_proxy_tunnels_https_so_the_proxy_sees_only_the_host);
    run!(
        an_explicit_proxy_is_used_without_use_env_proxy,
        proxy_url.clone()
    );
    for scenario in ["https_proxy_only", "no_proxy", "cgi"] {
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .env("PROXY_ENV_SCENARIO", scenario)
            .status()
            .expect("run this binary again");
        failed += usize::from(!status.success());
    }
    assert_eq!(failed, 0, "{failed} test(s) failed");
}

/// One environment of proxy variables (this process's own: set before any
/// thread starts), and what `use_env_proxy()` clients do in it.
fn per_variable_scenario(scenario: &str, listener: std::net::TcpListener, proxy_url: &str) {
    let set: &[(&str, &str)] = match scenario {
        "https_proxy_only" => &[("HTTPS_PROXY", proxy_url)],
        "no_proxy" => &[
            ("HTTP_PROXY", proxy_url),
            ("HTTPS_PROXY", proxy_url),
            ("ALL_PROXY", proxy_url),
            ("NO_PROXY", "127.0.0.1,localhost"),
        ],
        "cgi" => &[("HTTP_PROXY", proxy_url), ("REQUEST_METHOD", "GET")],
        other => panic!("no scenario {other}"),
    };
    // SAFETY: single-threaded here; the runtime starts below.
    unsafe {
        for name in PROXY_VARIABLES {
            std::env::remove_var(name);
        }
        for (name, value) in set {
            std::env::set_var(name, value);
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        runtime.block_on(async {
            let seen = proxy(listener).await;
            // Every scenario: an http:// base URL is reached directly.
            let server = TestServer::replying(ok()).await;
            for client in clients(&server.base_url(), true) {
                client.get_account_email().send_checked().await.unwrap();
            }
            assert_eq!(server.request_count(), 2, "{scenario}");
            assert!(seen.lock().unwrap().is_empty(), "{scenario}: proxied");
            // HTTPS_PROXY alone still tunnels https://; NO_PROXY exempts
            // localhost for https:// too.
            if scenario != "cgi" {
                let port = tls_server::tls_server().await;
                for client in clients(&format!("https://localhost:{port}"), true) {
                    let _ = client.get_account_email().send_checked().await;
                }
                let tunnels = seen.lock().unwrap().len();
                let expected = if scenario == "no_proxy" { 0 } else { 2 };
                assert_eq!(tunnels, expected, "{scenario}: CONNECTs seen");
            }
        })
    }));
    let verdict = if outcome.is_ok() { "ok" } else { "FAILED" };
    println!("test use_env_proxy_{scenario} ... {verdict}");
    std::process::exit(i32::from(outcome.is_err()));
}

/// A proxy that records each request head and answers 502.
async fn proxy(listener: std::net::TcpListener) -> Seen {
    listener.set_nonblocking(true).unwrap();
    let listener = tokio::net::TcpListener::from_std(listener).unwrap();
    let seen = Seen::default();
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let record = record.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buffer = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                record
                    .lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&head).into_owned());
                let _ = stream
                    .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
            });
        }
    });
    seen
}

fn ok() -> Reply {
    Reply::json(200, &json!({"success": true, "hasEmail": false}))
}

/// Clients of `base_url` through `Client::builder` and `Transport`, with
/// `use_env_proxy()` or not.
fn clients(base_url: &str, use_env_proxy: bool) -> [Client; 2] {
    let mut own = Client::builder(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .base_url(base_url);
    let mut transport = Transport::builder().base_url(base_url);
    if use_env_proxy {
        own = own.use_env_proxy();
        transport = transport.use_env_proxy();
    }
    let shared = transport
        .build()
        .unwrap()
        .client(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .build()
        .unwrap();
    [own.build().unwrap(), shared]
}

async fn environment_proxies_are_not_used_by_default(seen: &Seen) {
    let server = TestServer::replying(ok()).await;
    for client in clients(&server.base_url(), false) {
        client.get_account_email().send_checked().await.unwrap();
    }
    assert_eq!(server.request_count(), 2);
    assert_eq!(
        *seen.lock().unwrap(),
        Vec::<String>::new(),
        "the proxy saw them"
    );
}

async fn use_env_proxy_sends_http_requests_whole_to_the_proxy(seen: &Seen) {
    let server = TestServer::replying(ok()).await;
    for client in clients(&server.base_url(), true) {
        let error = client.get_account_email().send_checked().await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(502), "{error:?}");
    }
    assert_eq!(server.request_count(), 0);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    for head in seen.iter() {
        // What the README says a proxy of an http:// base URL sees: all of it.
        assert!(
            head.starts_with(&format!(
                "GET {}/instances/{INSTANCE}/token/{TOKEN}/",
                server.base_url()
            )),
            "{head}"
        );
        assert!(
            head.to_lowercase()
                .contains(&format!("client-token: {}", CLIENT_TOKEN.to_lowercase())),
            "{head}"
        );
    }
}

async fn use_env_proxy_tunnels_https_so_the_proxy_sees_only_the_host(seen: &Seen) {
    let port = tls_server::tls_server().await;
    for client in clients(&format!("https://localhost:{port}"), true) {
        let error = client.get_account_email().send_checked().await.unwrap_err();
        assert!(
            error.is_connect() || matches!(error, zapi_client::Error::Transport(_)),
            "{error:?}"
        );
    }
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    for head in seen.iter() {
        assert!(
            head.starts_with(&format!("CONNECT localhost:{port} ")),
            "{head}"
        );
        for secret in [INSTANCE, TOKEN, CLIENT_TOKEN] {
            assert!(!head.contains(secret), "{head}");
        }
    }
}

async fn an_explicit_proxy_is_used_without_use_env_proxy(seen: &Seen, proxy_url: String) {
    let server = TestServer::replying(ok()).await;
    let client = Client::builder(INSTANCE, TOKEN)
        .base_url(server.base_url())
        .configure_reqwest(move |b| b.proxy(reqwest::Proxy::http(&proxy_url).unwrap()))
        .build()
        .unwrap();
    let error = client.get_account_email().send_checked().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502), "{error:?}");
    assert_eq!(seen.lock().unwrap().len(), 1);
    assert_eq!(server.request_count(), 0);
}
