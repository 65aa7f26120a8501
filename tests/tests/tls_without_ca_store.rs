//! A machine without a system CA store (a container without
//! ca-certificates): clients still build and speak plain HTTP, an HTTPS
//! request says what is missing, and a root given to the builder suffices.
//!
//! No test harness: `main` points SSL_CERT_FILE and SSL_CERT_DIR (read by
//! rustls-native-certs, under the platform verifier on Linux) at an empty
//! file and directory before any thread exists, so setting them is sound and
//! nothing in this process sees the real store.

mod tls_server;

use serde_json::json;
use tls_server::{client_over_https, client_trusting_the_test_ca, tls_server};
use zapi_client::Error;
use zapi_client_tests::server::{Reply, TestServer};
use zapi_client_tests::{CLIENT_TOKEN, INSTANCE, TOKEN, client_for};

fn main() {
    // Elsewhere (macOS, Windows) the platform verifier asks the OS, not these.
    if !cfg!(all(
        unix,
        not(target_vendor = "apple"),
        not(target_os = "android")
    )) {
        println!("skipped: SSL_CERT_FILE/SSL_CERT_DIR do not hide the store here");
        return;
    }
    let empty = std::env::temp_dir().join(format!("zapi-no-ca-store-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(empty.join("empty.pem"), b"").unwrap();
    // SAFETY: single-threaded here; the runtime starts below.
    unsafe {
        std::env::set_var("SSL_CERT_FILE", empty.join("empty.pem"));
        std::env::set_var("SSL_CERT_DIR", &empty);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut failed = 0;
    macro_rules! run {
        ($test:ident) => {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                runtime.block_on($test())
            }));
            let verdict = if outcome.is_ok() { "ok" } else { "FAILED" };
            failed += usize::from(outcome.is_err());
            println!("test {} ... {verdict}", stringify!($test));
        };
    }
    run!(http_needs_no_ca_store);
    run!(https_without_a_root_names_the_missing_ca_certificates);
    run!(https_with_an_added_root_needs_no_ca_store);
    std::fs::remove_dir_all(&empty).unwrap();
    assert_eq!(failed, 0, "{failed} test(s) failed");
}

async fn http_needs_no_ca_store() {
    let server = TestServer::replying(Reply::json(
        200,
        &json!({"success": true, "hasEmail": false, "email": null}),
    ))
    .await;
    let client = client_for(&server);
    let answer = client.get_account_email().send_checked().await.unwrap();
    assert!(!answer.has_email);
    assert_eq!(server.request_count(), 1);
}

async fn https_without_a_root_names_the_missing_ca_certificates() {
    let port = tls_server().await;
    let client = client_over_https(port);
    let error = client.get_account_email().send_checked().await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    let text = error.to_string();
    assert!(text.contains("no system CA certificates"), "{text}");
    assert!(text.contains("install ca-certificates"), "{text}");
    assert!(text.contains("SSL_CERT_FILE"), "{text}");
    assert!(text.contains("add_root_certificate_der"), "{text}");
    let debug = format!("{error:?}");
    for secret in [INSTANCE, TOKEN, CLIENT_TOKEN] {
        assert!(!text.contains(secret) && !debug.contains(secret), "{debug}");
    }
}

async fn https_with_an_added_root_needs_no_ca_store() {
    let port = tls_server().await;
    let client = client_trusting_the_test_ca(port);
    let answer = client.get_account_email().send_checked().await.unwrap();
    assert_eq!(answer.email.as_deref(), Some("a@b.co"));
}
