//! Typed Rust client for [Z-API](https://z-api.io), the Brazilian WhatsApp HTTP
//! API: the WhatsApp account's security settings (its email and its two-step
//! PIN).
//!
//! Each operation of the spec (`openapi/zapi.yaml` in this crate's
//! repository) is a method of [`Client`] named after its operationId, whose
//! docs give its method and path; the crate's README has the table. Z-API
//! documents these for mobile instances only.
//!
//! Build a [`Client`] once from the instance id, the instance token and the
//! account's Client-Token; every call then carries them.
//!
//! ```no_run
//! use zapi_client::Client;
//!
//! # async fn run() -> Result<(), zapi_client::Error> {
//! let client = Client::builder("YOUR_INSTANCE", "YOUR_TOKEN")
//!     .client_token("YOUR_CLIENT_TOKEN") // once activated in the panel
//!     .build()
//!     .expect("usable credentials");
//!
//! let answer = client
//!     .set_account_email()
//!     .body_map(|body| body.email("someone@example.com"))
//!     .send_checked()
//!     .await?;
//! if answer.message.as_deref() == Some("VERIFY_EMAIL") {
//!     // Z-API emailed a code: pass it to `verify_account_email`.
//! }
//! # Ok(())
//! # }
//! ```
//!
//! `send_checked()` returns the answer when Z-API reports success, or an
//! [`Error`]: input refused before sending, transport, an error status,
//! `"success": false`, an undecodable or oversized answer. `send()` is the
//! generated call, untouched. Retries are opt-in: [`RetryPolicy`].
//! Credentials never appear in any `Display` or `Debug`.
//!
//! # How this crate is made
//!
//! `openapi/zapi.yaml` in this crate's repository describes the API. `cargo
//! xtask codegen` runs progenitor over it and writes [`types`], [`builder`] and
//! the operations of [`Client`] into `src/generated.rs`, checked in and never
//! edited by hand. The hand-written part is small: `client/` builds a
//! client, `hooks.rs` puts the credentials on each request and bounds and
//! scrubs each answer, `error.rs` turns answers into [`Error`], `retry.rs` is
//! the retry policy.
//!
//! # Features
//!
//! | feature | default | what it adds |
//! | --- | --- | --- |
//! | `rustls-ring` | yes | HTTPS through rustls on ring, with the platform's certificate verifier |
//! | `rustls-aws-lc` | no | HTTPS through reqwest's default rustls setup (aws-lc-rs) |
//! | `native-tls` | no | HTTPS through the platform's TLS library |
//! | `tracing` | yes | a span per `send_checked()` call, events per attempt and retry; no secret in any field |
//! | `mock` | no | [`mock`]: typed httpmock helpers for your tests |
//! | `simulator` | no | [`simulator`]: a local, stateful Z-API for your tests and the examples |
//! | `schemars` | no | `schemars::JsonSchema` on every type in [`types`] |

// docs.rs (and `RUSTDOCFLAGS="--cfg docsrs"`) labels each item with the
// feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod answer;
mod answer_values;
mod attempts;
mod base_url;
mod checks;
mod client;
mod error;
#[rustfmt::skip]
mod generated;
mod hooks;
mod http_date;
mod outcome;
mod redact;
mod retry;
mod sanitize;
mod signals;
#[cfg(feature = "simulator")]
#[cfg_attr(docsrs, doc(cfg(feature = "simulator")))]
pub mod simulator;
mod tls;
mod trace;

/// Typed [httpmock](https://docs.rs/httpmock) helpers for your own tests,
/// generated from the same spec as the client (feature `mock`).
///
/// [`MockServerExt`](mock::MockServerExt) adds one method per operation to
/// httpmock's `MockServer`; its `when` and `then` take the operation's typed
/// request and answers, and `then` answers any status (`status`, `json`),
/// `failure(message)`, `retry_after` and `delay`. The matchers accept any
/// instance id and token unless narrowed (`when.instance(..)`, `token`,
/// `client_token`, `no_client_token`); `when.into_inner()` gives httpmock's
/// own for anything else.
///
/// ```
/// use zapi_client::mock::MockServerExt;
/// use zapi_client::mock::httpmock::MockServer;
/// use zapi_client::{Client, types};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let server = MockServer::start_async().await;
/// let mock = server.set_account_email(|when, then| {
///     let body = types::SetAccountEmailRequest::builder().email("someone@example.com");
///     when.body(&body.try_into().unwrap());
///     then.ok(&types::SetAccountEmailResponse {
///         success: true,
///         message: Some("VERIFY_EMAIL".into()),
///     });
/// });
///
/// let client = Client::builder("instance", "token")
///     .client_token("client-token")
///     .base_url(server.base_url())
///     .build()
///     .unwrap();
/// let answer = client
///     .set_account_email()
///     .body_map(|body| body.email("someone@example.com"))
///     .send_checked()
///     .await
///     .unwrap();
/// assert_eq!(answer.message.as_deref(), Some("VERIFY_EMAIL"));
/// mock.assert_async().await;
///
/// // Failures, for tests of your own error handling and retries.
/// server.get_account_email(|when, then| {
///     when.instance("instance").token("token").client_token("client-token");
///     then.failure("not a mobile number"); // HTTP 200, "success": false
/// });
/// server.get_has_security_code(|when, then| {
///     when.instance("instance");
///     then.json(429, &types::ErrorBody::default())
///         .retry_after(2)
///         .delay(std::time::Duration::from_millis(10));
/// });
/// server.remove_security_code(|when, then| {
///     when.no_client_token();
///     then.status(503);
/// });
/// let error = client.get_account_email().send_checked().await.unwrap_err();
/// assert_eq!(error.server_message(), Some("not a mobile number"));
/// let error = client.get_has_security_code().send_checked().await.unwrap_err();
/// assert_eq!(error.status(), Some(zapi_client::StatusCode::TOO_MANY_REQUESTS));
/// # }
/// ```
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock {
    pub use httpmock;

    /// A credential as the client puts it in the path, regex-escaped (the
    /// generated `When::instance` and `When::token`).
    fn path_segment(value: &str) -> String {
        let encoded = percent_encoding::utf8_percent_encode(value, crate::client::SEGMENT);
        regex::escape(&encoded.to_string())
    }

    include!("generated_mock.rs");
}

pub use answer_values::{Image, ImageError};
pub use client::{
    BuildError, ClientBuilder, ClientContext, Credential, DEFAULT_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, InstanceBuilder,
    MAX_RESPONSE_BYTES_CEILING, Transport, TransportBuilder, USER_AGENT,
};
pub use error::{EXCERPT_BYTES, Error, GeneratedError, MESSAGE_BYTES, TransportError};
// Listed one by one: a glob would also re-export progenitor's `Error`, and the
// rendered docs would show two `Error`s (ours is the one users meet;
// progenitor's is `GeneratedError`).
pub use generated::{ByteStream, Client, ClientInfo, ResponseValue, builder, prelude, types};
pub use outcome::Outcome;
/// The HTTP status of an answer ([`Error::status`]), so matching on it needs
/// no reqwest or http dependency.
pub use reqwest::StatusCode;
pub use retry::RetryPolicy;
