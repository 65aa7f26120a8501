//! A local, stateful Z-API for your program's tests and for trying the crate
//! without an account (feature `simulator`).
//!
//! [`Simulator::start`] serves the operations of this crate on
//! `http://127.0.0.1:<port>`; point a client at it with `.base_url(..)`.
//! Each instance you add has its own token and, if you give one, its own
//! Client-Token; [`Simulator::fail_next`] makes the next calls of an operation
//! fail, for tests of your retry and error handling. It needs a Tokio runtime
//! (`#[tokio::test]`, `#[tokio::main]`) and stops when dropped.
//!
//! ```
//! use zapi_client::Client;
//! use zapi_client::simulator::{Fault, Instance, Simulator};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let simulator = Simulator::start().await?;
//! simulator.add_instance(Instance::new("my-instance", "my-token").client_token("my-client-token"));
//! let client = Client::builder("my-instance", "my-token")
//!     .client_token("my-client-token")
//!     .base_url(simulator.base_url())
//!     .build()?;
//!
//! let answer = client
//!     .set_account_email()
//!     .body_map(|body| body.email("someone@example.com"))
//!     .send_checked()
//!     .await?;
//! assert_eq!(answer.message.as_deref(), Some("VERIFY_EMAIL"));
//! // The code Z-API would have emailed, for `verify_account_email`.
//! assert!(simulator.inbox_code("my-instance").is_some());
//!
//! simulator.fail_next("get_account_email", 1, Fault::status(503));
//! let error = client.get_account_email().send_checked().await.unwrap_err();
//! assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
//! # Ok(())
//! # }
//! ```
//!
//! # What it reproduces
//!
//! - Every operation of this crate (the README's table), at the spec's
//!   method and path under `/instances/<instance>/token/<token>`, with the
//!   vendor's answers: `VERIFY_EMAIL` and a code to verify (read it with
//!   [`Simulator::inbox_code`]), `REMOVED`, `hasEmail` / `email` /
//!   `verified`, `hasCode`, `success: false` with a message.
//! - State per instance, like the service: set -> verify -> get -> remove
//!   behaves as on a real account, a new address replaces the old one
//!   unverified, instances are kept apart.
//! - The Client-Token as Z-API enforces it once activated: missing, `400
//!   {"error": "null not allowed"}`; wrong, 401. An instance added without one
//!   accepts requests with no `Client-Token` header, as a new account does
//!   (its token is generated disabled).
//! - The gateway's refusals: an unknown path 404, a wrong method 405, a POST
//!   without `Content-Type: application/json` 415, a body that is not JSON or
//!   lacks a required field 400, all with Z-API's `{"error": ...}` body.
//! - Every answer carries `X-Zapi-Simulator: <this crate's version>`, so a
//!   program can tell it reached the simulator.
//! - Registering a number on a mobile instance (availability, code, captcha,
//!   confirmation, PIN, appeal), with test numbers for each branch and the
//!   code, captcha text and PIN it expects: see [`registration`].
//!
//! # What it assumes (the vendor does not say)
//!
//! - An unknown instance id, or a known one with another token: `404
//!   {"error": "Instance not found"}`; a wrong Client-Token: `401 {"error":
//!   "Client-Token not allowed"}` (the vendor lists the 401 with no body).
//!   A `Client-Token` sent to an instance without one is ignored.
//! - `confirm_security_code` succeeds only with the account's PIN (the
//!   vendor describes it as a registration step that checks the PIN), else
//!   `success: false` with `wrong PIN`.
//! - `forgot_security_code` succeeds only when the account has a PIN and a
//!   verified email (the reset link goes there), else `success: false` with
//!   a message; [`Simulator::pin_reset_emails`] counts the links "sent".
//! - A PIN that is not 6 or more ASCII digits is a 400, like any invalid
//!   body; so is an email without `@` (the client refuses both before
//!   sending, so only other HTTP clients see it).
//!
//! # What it won't do
//!
//! - Send email or talk to WhatsApp: codes and reset links stay in memory.
//! - Persist anything: state lives as long as the [`Simulator`].
//! - Serve HTTPS, HTTP/2, or any Z-API operation this crate does not have
//!   (messages, groups, webhooks...): those paths are 404.
//! - Rate-limit or fail on its own: every failure is one you arm with
//!   [`Simulator::fail_next`] or [`Simulator::fail_next_for`].
//! - Check anything the client already checks before sending (email and PIN
//!   forms beyond the above, credential characters).
//!
//! # Layout
//!
//! `server.rs` (connections) and `http.rs` (HTTP/1.1 reading and writing)
//! carry requests; `routes.rs` checks them as Z-API does and picks the
//! operation; `state.rs` holds the instances; each area of the API is a file
//! with its state and operations (`email.rs`, `pin.rs`, `registration.rs`,
//! public for its test numbers); `faults.rs` holds the
//! fault switches.

mod email;
mod faults;
mod http;
mod pin;
pub mod registration;
mod routes;
mod server;
mod state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use faults::Fault;

use faults::Armed;
use state::{Account, InstanceState, State};

/// The name of the header every answer of the simulator carries, with this
/// crate's version as its value.
pub const HEADER: &str = server::HEADER;

/// A running simulator; it stops listening when dropped.
pub struct Simulator {
    base_url: String,
    state: Arc<Mutex<State>>,
    accept_loop: JoinHandle<()>,
}

impl Simulator {
    /// Starts a simulator on `127.0.0.1` and a free port, with no instance.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_at(SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts a simulator on `address` (port 0: a free one), with no instance.
    pub async fn start_at(address: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind(address).await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let state = Arc::new(Mutex::new(State::default()));
        let accept_loop = tokio::spawn(server::accept(listener, state.clone()));
        Ok(Self {
            base_url,
            state,
            accept_loop,
        })
    }

    /// `http://<address>:<port>`, for `.base_url(..)`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Serves `instance` from now on. Adding an id again replaces its
    /// credentials and keeps its account.
    pub fn add_instance(&self, instance: Instance) {
        let Instance {
            id,
            token,
            client_token,
        } = instance;
        let mut state = self.state();
        let account = state
            .instances
            .remove(&id)
            .map(|known| known.account)
            .unwrap_or_default();
        state.instances.insert(
            id,
            InstanceState {
                token,
                client_token,
                account,
            },
        );
    }

    /// The next `times` calls of `operation_id` (e.g. `"set_account_email"`),
    /// of any instance, get `fault` instead of their answer. Switches armed
    /// for the same call are used in the order they were armed.
    ///
    /// # Panics
    ///
    /// If `operation_id` is not one of this crate's operations (a typo would
    /// otherwise leave a test passing without its fault).
    pub fn fail_next(&self, operation_id: &str, times: usize, fault: Fault) {
        self.arm(operation_id, None, times, fault);
    }

    /// Like [`fail_next`](Self::fail_next), for the calls of one instance.
    pub fn fail_next_for(&self, instance: &str, operation_id: &str, times: usize, fault: Fault) {
        self.arm(operation_id, Some(instance.to_owned()), times, fault);
    }

    /// Disarms every fault not used yet.
    pub fn clear_faults(&self) {
        self.state().faults.clear();
    }

    /// How many requests reached `operation_id` so far, of every instance,
    /// faults and refusals included (a retried call counts each attempt).
    pub fn calls(&self, operation_id: &str) -> usize {
        self.state().calls.get(operation_id).copied().unwrap_or(0)
    }

    /// The operationIds the simulator serves.
    pub fn operation_ids() -> impl Iterator<Item = &'static str> {
        routes::routes().map(|route| route.operation_id)
    }

    /// The verification code last "emailed" to `instance`'s account by
    /// `set_account_email`, until it is verified, as its owner would read it.
    pub fn inbox_code(&self, instance: &str) -> Option<String> {
        self.account(instance, |account| {
            account.email.inbox_code().map(str::to_owned)
        })
        .flatten()
    }

    /// How many PIN reset links `forgot_security_code` "emailed" to
    /// `instance`'s account.
    pub fn pin_reset_emails(&self, instance: &str) -> u32 {
        self.account(instance, |account| account.pin.reset_emails())
            .unwrap_or(0)
    }

    fn arm(&self, operation_id: &str, instance: Option<String>, times: usize, fault: Fault) {
        let Some(operation_id) = Self::operation_ids().find(|id| *id == operation_id) else {
            let known: Vec<&str> = Self::operation_ids().collect();
            panic!(
                "the simulator has no operation {operation_id:?}; it serves: {}",
                known.join(", ")
            );
        };
        self.state().faults.arm(Armed {
            operation_id,
            instance,
            remaining: times,
            fault,
        });
    }

    fn account<T>(&self, instance: &str, read: impl FnOnce(&Account) -> T) -> Option<T> {
        let state = self.state();
        state
            .instances
            .get(instance)
            .map(|known| read(&known.account))
    }

    /// The state; a panic elsewhere while it was held leaves it usable.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// An instance the simulator serves: its id, its token and, once "activated",
/// its Client-Token. None of them appears in `Debug`.
#[derive(Clone)]
pub struct Instance {
    id: String,
    token: String,
    client_token: Option<String>,
}

impl Instance {
    /// An instance without a Client-Token: requests need none.
    pub fn new(id: impl Into<String>, token: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            token: token.into(),
            client_token: None,
        }
    }

    /// Requires this Client-Token on every request, as an account whose
    /// security token is activated does.
    pub fn client_token(mut self, client_token: impl Into<String>) -> Self {
        self.client_token = Some(client_token.into());
        self
    }
}

impl std::fmt::Debug for Instance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instance")
            .field("id", &"<redacted>")
            .field("token", &"<redacted>")
            .field(
                "client_token",
                &self.client_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}
