//! HTTPS in the default configuration (rustls on ring, the platform's
//! verifier): a local TLS server whose test CA the client is told to trust.

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use zapi_client::{Client, Error};
use zapi_client_tests::{CLIENT_TOKEN, INSTANCE, TOKEN};

const CA: &[u8] = include_bytes!("../fixtures/tls/ca.der");
const SERVER_CERT: &[u8] = include_bytes!("../fixtures/tls/server.der");
const SERVER_KEY: &[u8] = include_bytes!("../fixtures/tls/server.key.der");

/// Serves one JSON answer per connection over TLS; returns the port.
async fn tls_server() -> u16 {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(SERVER_CERT.to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(SERVER_KEY.to_vec())),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if tls.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let body = r#"{"success":true,"hasEmail":true,"email":"a@b.co","verified":true}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    port
}

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
