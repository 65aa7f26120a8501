//! What `configure_reqwest` must not be able to do, run by two binaries:
//! `configure_reqwest` (no process-wide rustls provider) and
//! `configure_reqwest_with_provider` (one installed, as the README tells
//! some applications to). Each closure here tries to weaken the transport.

#![allow(dead_code)] // each binary uses all of it, but through `mod`

use zapi_client::{Client, Error, Transport};
use zapi_client_tests::server::{Reply, TestServer};
use zapi_client_tests::{CLIENT_TOKEN, INSTANCE, TOKEN};

use crate::tls_server::tls_server;

type Weaken = fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder;

/// Clients of `base_url` with `weaken` as their `configure_reqwest`,
/// through `Client::builder` and through `Transport`: `build()` returns
/// (no panic) and succeeds.
fn weakened_clients(base_url: &str, weaken: Weaken) -> [Client; 2] {
    let own = Client::builder(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .base_url(base_url)
        .configure_reqwest(weaken)
        .build()
        .unwrap_or_else(|e| panic!("build: {e}"));
    let shared = Transport::builder()
        .base_url(base_url)
        .configure_reqwest(weaken)
        .build()
        .unwrap_or_else(|e| panic!("build: {e}"))
        .client(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .build()
        .unwrap();
    [own, shared]
}

/// TLS settings made in the closure are replaced by the transport's: an
/// untrusted certificate is still refused, so the credentials never reach
/// the server.
pub async fn certificate_verification_cannot_be_turned_off() {
    let port = tls_server().await;
    let base_url = format!("https://localhost:{port}");
    let weakenings: [(&str, Weaken); 5] = [
        ("accept invalid certificates", |b| {
            b.tls_danger_accept_invalid_certs(true)
        }),
        ("reqwest's rustls, accepting invalid certificates", |b| {
            b.tls_backend_rustls().tls_danger_accept_invalid_certs(true)
        }),
        ("reqwest's rustls, accepting invalid host names", |b| {
            b.tls_backend_rustls()
                .tls_danger_accept_invalid_hostnames(true)
                .tls_certs_only([])
        }),
        ("reqwest's rustls, default settings", |b| {
            b.tls_backend_rustls()
        }),
        ("an unknown preconfigured backend", |b| {
            b.tls_backend_preconfigured(0u8)
        }),
    ];
    for (name, weaken) in weakenings {
        for client in weakened_clients(&base_url, weaken) {
            let error = client.get_account_email().send_checked().await.unwrap_err();
            assert!(matches!(error, Error::Transport(_)), "{name}: {error:?}");
            assert!(
                error.to_string().to_lowercase().contains("certificate"),
                "{name}: {error}"
            );
        }
    }
}

/// reqwest's own retries stay off: `set_security_code` (a PIN attempt, not
/// retry-safe in the spec) is sent once, however reqwest is told to retry.
pub async fn reqwest_retries_cannot_be_turned_on() {
    let server = TestServer::replying(Reply::text(503, "text/plain", "busy")).await;
    let weaken: Weaken = |b| {
        b.retry(
            reqwest::retry::for_host("127.0.0.1")
                .no_budget()
                .max_retries_per_request(3)
                .classify_fn(|attempt| {
                    if attempt.status().is_some_and(|s| s.as_u16() == 503) {
                        attempt.retryable()
                    } else {
                        attempt.success()
                    }
                }),
        )
    };
    for client in weakened_clients(&server.base_url(), weaken) {
        let before = server.request_count();
        let error = client
            .set_security_code()
            .body_map(|b| b.code("246810"))
            .send_checked()
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error:?}");
        assert_eq!(server.request_count() - before, 1, "the PIN was sent again");
    }
}
