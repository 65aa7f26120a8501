//! A local HTTPS server with the test certificate (fixtures/tls), shared by
//! the TLS test binaries.

#![allow(dead_code)] // each binary uses part of it

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub const CA: &[u8] = include_bytes!("../../fixtures/tls/ca.der");
pub const SERVER_CERT: &[u8] = include_bytes!("../../fixtures/tls/server.der");
const SERVER_KEY: &[u8] = include_bytes!("../../fixtures/tls/server.key.der");

/// Serves one JSON answer per connection over TLS; returns the port.
pub async fn tls_server() -> u16 {
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

/// A client of the test instance for the HTTPS server on `port`, trusting
/// the platform's roots only.
pub fn client_over_https(port: u16) -> zapi_client::Client {
    https_builder(port).build().unwrap()
}

/// The same, also trusting the test CA.
pub fn client_trusting_the_test_ca(port: u16) -> zapi_client::Client {
    https_builder(port)
        .add_root_certificate_der(CA)
        .build()
        .unwrap()
}

fn https_builder(port: u16) -> zapi_client::ClientBuilder {
    use zapi_client_tests::{CLIENT_TOKEN, INSTANCE, TOKEN};
    zapi_client::Client::builder(INSTANCE, TOKEN)
        .client_token(CLIENT_TOKEN)
        .base_url(format!("https://localhost:{port}"))
}
