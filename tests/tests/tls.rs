//! HTTPS in the default configuration (rustls on ring, the platform's
//! verifier): a local TLS server whose test CA the client is told to trust.

mod tls_server;

use tls_server::{CA, tls_server};
use zapi_client::{Client, Error};
use zapi_client_tests::{CLIENT_TOKEN, INSTANCE, TOKEN};

#[tokio::test]
async fn https_works_with_a_trusted_root() {
    let port = tls_server().await;
    let client = Client::builder(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .base_url(format!("https://localhost:{port}"))
        .add_root_certificate_der(CA)
        .build()
        .unwrap();
    let answer = client.get_account_email().send_checked().await.unwrap();
    assert_eq!(answer.email.as_deref(), Some("a@b.co"));
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused() {
    let port = tls_server().await;
    let client = Client::builder(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .base_url(format!("https://localhost:{port}"))
        .build()
        .unwrap();
    let error = client.get_account_email().send_checked().await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(
        format!("{error}").to_lowercase().contains("certificate"),
        "{error}"
    );
}

#[test]
fn a_root_that_is_not_der_is_a_build_error() {
    let error = Client::builder(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .add_root_certificate_der(b"not a certificate".to_vec())
        .build()
        .unwrap_err();
    assert!(
        error.to_string().starts_with("cannot set up TLS: "),
        "{error}"
    );
}

