//! `configure_reqwest` cannot weaken the transport, without a process-wide
//! rustls provider: nothing panics in `build()` (see weakening/mod.rs).
//! Nothing in this binary installs one.

mod tls_server;
mod weakening;

#[tokio::test]
async fn certificate_verification_cannot_be_turned_off() {
    weakening::certificate_verification_cannot_be_turned_off().await;
}

#[tokio::test]
async fn reqwest_retries_cannot_be_turned_on() {
    weakening::reqwest_retries_cannot_be_turned_on().await;
}
