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
//! edited by hand. The hand-written part is small: `client.rs` builds a
//! client, `hooks.rs` puts the credentials on each request and bounds and
//! scrubs each answer, `error.rs` turns answers into [`Error`], `retry.rs` is
//! the retry policy.

mod answer;
mod base_url;
mod checks;
mod client;
mod error;
#[rustfmt::skip]
mod generated;
mod hooks;
mod redact;
mod retry;
mod sanitize;
mod tls;
mod trace;

/// Typed [httpmock](https://docs.rs/httpmock) helpers for your own tests,
/// generated from the same spec as the client (feature `mock`).
///
/// [`MockServerExt`](mock::MockServerExt) adds one method per operation to
/// httpmock's `MockServer`; its `when` and `then` take the operation's typed
/// request and answers. The matchers accept any instance id and token: use
/// `when.into_inner()` for anything the typed methods do not cover.
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
/// # }
/// ```
#[cfg(feature = "mock")]
pub mod mock {
    pub use httpmock;
    include!("generated_mock.rs");
}

pub use client::{
    BuildError, ClientBuilder, ClientContext, Credential, DEFAULT_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, InstanceBuilder,
    MAX_RESPONSE_BYTES_CEILING, Transport, TransportBuilder, USER_AGENT,
};
// `Error` here is ours; it shadows the generated module's re-export of
// progenitor's, which stays reachable as `GeneratedError`.
pub use error::{EXCERPT_BYTES, Error, GeneratedError};
pub use generated::*;
pub use retry::RetryPolicy;
