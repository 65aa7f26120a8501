//! `configure_reqwest` cannot weaken the transport with a process-wide
//! rustls provider installed either (the README tells applications that
//! build their own reqwest clients to install one): reqwest's own rustls
//! setup then builds, and would accept any certificate if asked to.

mod tls_server;
mod weakening;

fn install_a_process_wide_provider() {
    // Err when a test of this binary already installed it: fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    assert!(rustls::crypto::CryptoProvider::get_default().is_some());
}

#[tokio::test]
async fn certificate_verification_cannot_be_turned_off() {
    install_a_process_wide_provider();
    weakening::certificate_verification_cannot_be_turned_off().await;
}

#[tokio::test]
async fn reqwest_retries_cannot_be_turned_on() {
    install_a_process_wide_provider();
    weakening::reqwest_retries_cannot_be_turned_on().await;
}
